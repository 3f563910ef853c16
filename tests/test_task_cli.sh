#!/bin/sh
# test_task_cli.sh - `superspike task` end to end (run by `make check`).
#
# Environment (set by Makefile.am): SS_BIN = the program, SS_TEST_DATA =
# tests/data (hand-drawn images in tests/data/images).  Everything is written
# under a mktemp -d directory, removed at exit.
#
# Checked: --help of every kind; usage errors exit 2 with a message naming
# the option; I/O errors exit 1; the files of each kind exist and hold what
# the options ask for (counted with awk from the files themselves: XOR
# classes, set sizes per stimulus, background-free stimuli, one spike per
# dark pixel inside its column, Poisson counts); same seed -> identical
# bytes, another seed -> other files; no temporary files are left.
set -u

: "${SS_BIN:?SS_BIN must name the superspike program}"
: "${SS_TEST_DATA:?SS_TEST_DATA must name tests/data}"

SS_TMP_NAME=ss-task
. "$(dirname "$0")/testutil.sh"
# run ARGS...: run the program, stdout in $T/o, stderr in $T/e, status in $rc
run() {
  "$SS_BIN" "$@" >"$T/o" 2>"$T/e"
  rc=$?
}
# usage_error DESCRIPTION PATTERN ARGS...: exit status 2, PATTERN on stderr
usage_error() {
  d=$1
  pat=$2
  shift 2
  run "$@"
  if test "$rc" -ne 2; then
    fail "$d: exit $rc, want 2"
  elif ! grep -q -- "$pat" "$T/e"; then
    fail "$d: no '$pat' in: $(cat "$T/e")"
  else
    ok
  fi
}
# data lines (not comments) of a file
nlines() { grep -v '^#' "$1" | grep -c .; }

# ------------------------------------------------------------ usage
run task --help
check "task --help exits 0" test "$rc" -eq 0
check "task --help prints usage" grep -q '^Usage: superspike task KIND' "$T/o"
for k in xor image poisson; do
  run task $k --help
  check "task $k --help exits 0" test "$rc" -eq 0
  check "task $k --help prints usage" grep -q "^Usage: superspike task $k" "$T/o"
done
run task
check "task without KIND exits 2" test "$rc" -eq 2
check "task without KIND prints usage" grep -q 'Usage' "$T/e"
usage_error "unknown kind" "unknown kind 'frob'" task frob
usage_error "unknown option" "unknown option '--frob'" task xor --out "$T/x" --frob 1
usage_error "option without value" "option --seed needs a value" task xor --out "$T/x" --seed
usage_error "option given twice" "option --seed given twice" task xor --out "$T/x" --seed 1 --seed 2
usage_error "xor without --out" "missing --out" task xor
usage_error "time without unit" "option --duration: expected a time > 0" task xor --out "$T/x" --duration 5
usage_error "negative rate" "option --background: expected a rate >= 0" task xor --out "$T/x" --background -1Hz
usage_error "bad --sets" "option --sets: expected three positive integers" task xor --out "$T/x" --sets 30,30
usage_error "sets too large" "do not fit into 100 inputs" task xor --out "$T/x" --sets 50,30,30
usage_error "bad --iti" "option --iti: expected MIN,MAX" task xor --out "$T/x" --iti 50ms
usage_error "reversed --iti" "inter-trial interval" task xor --out "$T/x" --iti 100ms,50ms
usage_error "window shorter than pattern" "window" task xor --out "$T/x" --pattern 30ms
usage_error "negative --quiet" "option --quiet: expected a time >= 0" task xor --out "$T/x" --quiet -1ms
usage_error "bad --seed" "option --seed: expected an integer" task xor --out "$T/x" --seed -3
usage_error "bad --ids" "option --ids: expected flip or rows" task image --out "$T/x.ras" --ids up
usage_error "bad --size" "option --size: expected WIDTHxHEIGHT" task image --out "$T/x.ras" --size 70
usage_error "--size with --image" "option --size applies to the built-in picture" \
  task image --out "$T/x.ras" --size 7x7 --image "$SS_TEST_DATA/images/p1_x.pbm"
usage_error "poisson without --size" "missing --size" task poisson --out "$T/p.ras" --duration 1s
usage_error "poisson bad rate" "option --rate" task poisson --out "$T/p.ras" --size 3 --duration 1s --rate fast
check "usage errors write nothing" test ! -e "$T/x" -a ! -e "$T/x.ras" -a ! -e "$T/p.ras"

# ------------------------------------------------------------ xor
run task xor --out "$T/xor1/sub" --duration 60s --seed 3
check "xor runs (and creates nested directories)" test "$rc" -eq 0
check "xor writes input.ras" test -s "$T/xor1/sub/input.ras"
check "xor writes stimuli.txt" test -s "$T/xor1/sub/stimuli.txt"
check "xor prints a one-line summary" test "$(wc -l <"$T/o")" -eq 1
check "xor summary names the sets" grep -q '^xor: .* sets R 0-33, A 34-66, B 67-99 of 100 inputs' "$T/o"
check "stimuli.txt starts with a header naming the window" \
  grep -q '^# onset_s class pattern .*0.025 s' "$T/xor1/sub/stimuli.txt"
n=$(nlines "$T/xor1/sub/stimuli.txt")
check "60 s hold 480..800 presentations ($n)" test "$n" -ge 480 -a "$n" -le 800
check "class = XOR of A and B; 50..100 ms from each window's end to the next onset" awk '
  /^#/ { next }
  NF != 3 { exit 1 }
  { want = ($3 == 1 || $3 == 2) ? 1 : 0; if ($2 != want || $3 > 3) exit 1 }
  { gap = $1 - end; if (gap < 0.05 - 1e-9 || gap > 0.1 + 1e-9) exit 1; end = $1 + 0.025 }
' "$T/xor1/sub/stimuli.txt"
check "every pattern occurs" test "$(awk '!/^#/ { c[$3]++ } END { print length(c) }' "$T/xor1/sub/stimuli.txt")" -eq 4
check "input spikes: 'time id', ids < 100, times in [0, 60 s), sorted" awk '
  NF != 2 || $2 !~ /^[0-9]+$/ || $2 >= 100 || $1 < 0 || $1 >= 60 || $1 < prev { exit 1 }
  { prev = $1 }
' "$T/xor1/sub/input.ras"
# inside each stimulus [onset, onset + 10 ms): all of R (ids 0-33, as the
# summary says), all of A (34-66) if the pattern has A (1, 3), all of B
# (67-99) if it has B (2, 3), each once, and nothing else; outside them the
# background of 100 inputs x 4 Hz, within 5 sigma
check "stimuli hold exactly their sets, once per input" awk '
  FNR == NR { if (!/^#/) { n++; on[n] = $1; pat[n] = $3 } next }
  {
    while (k < n && on[k + 1] + 0.01 <= $1) k++
    if (k < n && $1 >= on[k + 1]) {
      s = $2 < 34 ? "R" : $2 < 67 ? "A" : "B"
      cnt[k + 1, s]++
      if (seen[k + 1, $2]++) exit 1
    } else bg++
  }
  END {
    for (i = 1; i <= n; i++) {
      if (cnt[i, "R"] != 34) exit 1
      if (cnt[i, "A"] != (pat[i] % 2 ? 33 : 0)) exit 1
      if (cnt[i, "B"] != (pat[i] >= 2 ? 33 : 0)) exit 1
    }
    mu = 400 * (60 - 0.01 * n); d = bg - mu; if (d < 0) d = -d
    if (d > 5 * sqrt(mu)) exit 1
  }
' "$T/xor1/sub/stimuli.txt" "$T/xor1/sub/input.ras"
run task xor --out "$T/xor2" --duration 60s --seed 3
check "xor runs again" test "$rc" -eq 0
check "same seed: identical input.ras" cmp -s "$T/xor1/sub/input.ras" "$T/xor2/input.ras"
check "same seed: identical stimuli.txt" cmp -s "$T/xor1/sub/stimuli.txt" "$T/xor2/stimuli.txt"
run task xor --out "$T/xor3" --duration 60s --seed 4
check "another seed: other input" test -n "$(cmp "$T/xor1/sub/input.ras" "$T/xor3/input.ras" 2>&1)"
run task xor --out "$T/xor4" --duration 20s --sets 10,5,5 --inputs 40 --background 0Hz \
  --pattern 5ms --window 20ms --iti 30ms,40ms
check "xor with all options runs" test "$rc" -eq 0
check "xor summary names the smaller sets" grep -q 'sets R 0-9, A 10-14, B 15-19 of 40 inputs' "$T/o"
check "no background: only pattern spikes (10, + 5 for A, + 5 for B)" awk '
  FNR == NR { if (!/^#/) { n++; want += 10 + ($3 % 2) * 5 + int($3 / 2) * 5 } next }
  { if ($2 >= 20) exit 1; got++ }
  END { if (got != want) exit 1 }
' "$T/xor4/stimuli.txt" "$T/xor4/input.ras"
check "intervals follow --window and --iti (30..40 ms after each 20 ms window)" awk '
  /^#/ { next } { gap = $1 - end; if (gap < 0.03 - 1e-9 || gap > 0.04 + 1e-9) exit 1; end = $1 + 0.02 }
' "$T/xor4/stimuli.txt"
run task xor --out "$T/xor5" --duration 60s --seed 3 --quiet 25ms
check "xor with --quiet runs" test "$rc" -eq 0
check "--quiet 25ms: no input spike 10..25 ms after an onset" awk '
  FNR == NR { if (!/^#/) on[++n] = $1; next }
  { while (k < n && on[k + 1] <= $1 + 1e-12) k++; if (k && $1 - on[k] >= 0.01 && $1 - on[k] < 0.025 - 1e-12) exit 1 }
' "$T/xor5/stimuli.txt" "$T/xor5/input.ras"
check "--quiet keeps the stimuli of the same seed" cmp -s "$T/xor2/stimuli.txt" "$T/xor5/stimuli.txt"
check "--quiet: fewer input spikes than without" test "$(nlines "$T/xor5/input.ras")" -lt "$(nlines "$T/xor2/input.ras")"
run task xor --out /dev/null/sub
check "an impossible --out exits 1" test "$rc" -eq 1
check "an impossible --out is named" grep -q '/dev/null' "$T/e"

# ------------------------------------------------------------ image
run task image --out "$T/img1.ras" --write-image "$T/img1.pbm"
check "image (built-in) runs" test "$rc" -eq 0
check "image prints a one-line summary" grep -q '^image: built-in 70x100 ' "$T/o"
check "--write-image writes a plain PBM of 70 x 100" \
  test "$(sed -n '1p' "$T/img1.pbm")/$(sed -n '2p' "$T/img1.pbm")" = "P1/70 100"
dark=$(awk 'NR > 2 { n += gsub(/1/, "") } END { print n }' "$T/img1.pbm")
check "one spike per dark pixel ($dark)" test "$(nlines "$T/img1.ras")" -eq "$dark"
check "a picture, not noise: 700..2800 dark pixels" test "$dark" -ge 700 -a "$dark" -le 2800
check "spikes in [50 ms col, 50 ms col + 16.7 ms), ids < 100, on dark pixels" awk '
  FNR == NR { if (FNR > 2) { row = FNR - 3; for (c = 0; c < 70; c++) px[row, c] = substr($0, c + 1, 1) } next }
  {
    c = int($1 / 0.05 + 1e-9); r = 99 - $2
    if ($2 >= 100 || $1 - 0.05 * c < -1e-12 || $1 - 0.05 * c >= 0.05 / 3 + 1e-12) exit 1
    if (px[r, c] != "1" || hit[r, c]++) exit 1
  }
' "$T/img1.pbm" "$T/img1.ras"
run task image --out "$T/img2.ras"
check "same seed: identical image targets" cmp -s "$T/img1.ras" "$T/img2.ras"
run task image --out "$T/img3.ras" --seed 2
check "another seed: other jitter" test -n "$(cmp "$T/img1.ras" "$T/img3.ras" 2>&1)"
check "another seed: same number of spikes" test "$(nlines "$T/img3.ras")" -eq "$dark"
x="$SS_TEST_DATA/images/p1_x.pbm"
run task image --out "$T/x.ras" --image "$x" --bin 10ms --jitter 10ms
check "image from a PBM runs" test "$rc" -eq 0
check "the X has 5 spikes" test "$(nlines "$T/x.ras")" -eq 5
check "flip: column 0 holds the top row, id 2" awk '$1 < 0.01 && $2 != 2 { exit 1 }' "$T/x.ras"
run task image --out "$T/x2.ras" --image "$x" --bin 10ms --jitter 10ms --ids rows
check "rows: column 0 holds id 0" awk '$1 < 0.01 && $2 != 0 { exit 1 }' "$T/x2.ras"
run task image --out "$T/x3.ras" --image "$x" --id-offset 1 --n-ids 3
check "--id-offset 1 --n-ids 3 drops the top row (2 spikes)" test "$(nlines "$T/x3.ras")" -eq 3
check "--id-offset shifts ids to 1..2" awk '$2 < 1 || $2 > 2 { exit 1 }' "$T/x3.ras"
run task image --out "$T/x4.ras" --image "$SS_TEST_DATA/images/p5_16bit.pgm" --bin 30ms
check "a 16-bit PGM runs" test "$rc" -eq 0
check "16-bit PGM: 2 dark pixels" test "$(nlines "$T/x4.ras")" -eq 2
check "default jitter is bin/3" awk '{ c = int($1 / 0.03 + 1e-9); if ($1 - 0.03 * c >= 0.01 + 1e-12) exit 1 }' "$T/x4.ras"
run task image --out "$T/small.ras" --size 20x30 --write-image "$T/small.pbm"
check "--size 20x30 runs" test "$rc" -eq 0
check "--size gives a 20 x 30 picture" test "$(sed -n '2p' "$T/small.pbm")" = "20 30"
run task image --out "$T/bad.ras" --image "$SS_TEST_DATA/images/bad_magic.pbm"
check "a malformed image exits 1" test "$rc" -eq 1
check "a malformed image: file, line and field" grep -q "bad_magic.pbm:1: field 'magic'" "$T/e"
check "a malformed image writes nothing" test ! -e "$T/bad.ras"

# ------------------------------------------------------------ poisson
run task poisson --out "$T/p1.ras" --size 200 --rate 5Hz --duration 1.89s
check "poisson runs" test "$rc" -eq 0
check "poisson prints a one-line summary" grep -q '^poisson: 200 trains at 5 Hz over 1.89 s' "$T/o"
n=$(nlines "$T/p1.ras")
check "200 x 5 Hz x 1.89 s: 1890 +- 5 sigma spikes ($n)" test "$n" -ge 1673 -a "$n" -le 2107
check "poisson: ids < 200, times in [0, 1.89 s)" awk '$2 >= 200 || $1 < 0 || $1 >= 1.89 { exit 1 }' "$T/p1.ras"
run task poisson --out "$T/p2.ras" --size 200 --duration 1890ms
check "rate defaults to 5 Hz; same seed: identical" cmp -s "$T/p1.ras" "$T/p2.ras"
run task poisson --out "$T/p3.ras" --size 200 --duration 1.89s --seed 9
check "another seed: another pattern" test -n "$(cmp "$T/p1.ras" "$T/p3.ras" 2>&1)"
run task poisson --out "$T/nodir/p.ras" --size 2 --duration 1s
check "an unwritable --out exits 1" test "$rc" -eq 1

leftover=$(find "$T" -name '*.tmp.*' 2>/dev/null)
check "no temporary files are left: $leftover" test -z "$leftover"

echo "$checks checks, $fails failures"
test "$fails" -eq 0

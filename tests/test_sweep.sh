#!/bin/sh
# test_sweep.sh - `superspike sweep` end to end (run by `make check`).
#
# Environment (set by Makefile.am): SS_BIN = the program, SS_EXAMPLES = the
# examples directory.  Everything is written under a mktemp -d directory,
# removed at exit.
#
# Checked, on examples/five_spikes.ini shortened to 10 s: 3 seeds x 2 values
# of learning.r0 with -j 2 write every run's outputs and the aggregate files;
# mean_curve.dat equals the mean, sd, min, max and median of the runs' cost
# columns computed here with awk; -j 1 gives byte-identical learning and mean
# curves; seeds and grid values reach the runs; two grid keys make their
# cartesian product; a --with key moves with its --grid; a grid value that makes train fail gives exit 1, names
# the failing runs with their error, and the other point is still
# aggregated; arguments after -- reach train; bad options exit 2 with a
# message naming the option and create nothing.
set -u

: "${SS_BIN:?SS_BIN must name the superspike program}"
: "${SS_EXAMPLES:?SS_EXAMPLES must name the examples directory}"

SS_TMP_NAME=ss-sweep
. "$(dirname "$0")/testutil.sh"
# run ARGS...: the program with stdout in $T/o, stderr in $T/e, status in $rc
run() {
  "$SS_BIN" "$@" >"$T/o" 2>"$T/e"
  rc=$?
}

CFG=$SS_EXAMPLES/five_spikes.ini
POINTS="r0=1mV r0=0.5mV"
SEEDS="1 2 3"

# ------------------------------------------------------------ usage
run sweep --help
check "sweep --help exits 0" test "$rc" -eq 0
check "sweep --help prints usage" grep -q '^Usage: superspike sweep CONFIG --out DIR' "$T/o"
check "sweep --help lists --grid" grep -q -- '--grid SEC.KEY=V1,V2' "$T/o"

# ------------------------------------------------------------ a sweep, -j 2
run sweep "$CFG" --out "$T/j2" --seeds 1-3 --grid learning.r0=1mV,0.5mV --set run.duration=10s -j 2
check "sweep -j 2 exits 0" test "$rc" -eq 0
if test "$rc" -ne 0; then cat "$T/e"; fi
check "nothing on stderr (no progress line when not a terminal)" test ! -s "$T/e"
check "the summary line names the run count" grep -q '^sweep: 6 runs (2 points x 3 seeds, -j 2) in .* s, 6 ok' "$T/o"
for p in $POINTS; do
  check "$p/mean_curve.dat" test -s "$T/j2/$p/mean_curve.dat"
  for s in $SEEDS; do
    rd=$T/j2/$p/seed-$s
    for f in learning_curve.dat summary.json in_out.edges; do
      check "$p/seed-$s/$f" test -s "$rd/$f"
    done
    check "$p/seed-$s/stderr.txt exists and is empty" test -f "$rd/stderr.txt" -a ! -s "$rd/stderr.txt"
    check "$p/seed-$s was trained with seed $s" grep -q "\"seed\": $s," "$rd/summary.json"
  done
done
check "runs.tsv" test -s "$T/j2/runs.tsv"
check "points.tsv" test -s "$T/j2/points.tsv"
check "no temporary files left" test -z "$(find "$T/j2" -name '*.tmp.*')"
check "seeds give different curves" \
  sh -c '! cmp -s "$1/seed-1/learning_curve.dat" "$1/seed-2/learning_curve.dat"' sh "$T/j2/r0=1mV"
check "grid values give different curves" \
  sh -c '! cmp -s "$1/r0=1mV/seed-2/learning_curve.dat" "$1/r0=0.5mV/seed-2/learning_curve.dat"' sh "$T/j2"

# runs.tsv: a header and one row per run, in grid x seed order
printf 'point\tlearning.r0\tseed\tinitial_cost\tfinal_cost\twall_s\tstatus\n' >"$T/want"
check "runs.tsv header" sh -c 'head -n 1 "$1" | cmp -s - "$2"' sh "$T/j2/runs.tsv" "$T/want"
check "runs.tsv rows" test "$(awk -F'\t' 'NR > 1 { printf "%s %s %s %s;", $1, $2, $3, $7 }' "$T/j2/runs.tsv")" = \
  "r0=1mV 1mV 1 ok;r0=1mV 1mV 2 ok;r0=1mV 1mV 3 ok;r0=0.5mV 0.5mV 1 ok;r0=0.5mV 0.5mV 2 ok;r0=0.5mV 0.5mV 3 ok;"
check "runs.tsv final_cost = summary.json final_cost" test "$(awk -F'\t' 'NR == 3 { print $5 }' "$T/j2/runs.tsv")" = \
  "$(sed -n 's/.*"final_cost": \([^,]*\),.*/\1/p' "$T/j2/r0=1mV/seed-2/summary.json")"
# points.tsv: n_ok and the mean final cost over the point's runs
check "points.tsv rows" test "$(awk -F'\t' 'NR > 1 { printf "%s %s %s %s;", $1, $2, $3, $4 }' "$T/j2/points.tsv")" = \
  "r0=1mV 1mV 3 3;r0=0.5mV 0.5mV 3 3;"
check "points.tsv final_cost_mean" awk -F'\t' '
  FNR == 1 { f++ }
  f == 1 && FNR > 1 && $1 == "r0=0.5mV" { sum += $5; n++ }
  f == 2 && $1 == "r0=0.5mV" { m = $5 }
  END { d = m - sum / n; if (d < 0) d = -d; exit !(n == 3 && d <= 1e-8 * (m < 0 ? -m : m)) }
' "$T/j2/runs.tsv" "$T/j2/points.tsv"

# mean_curve.dat against the runs' cost columns (column 2), aggregated here
meancheck() { # DIR [COLUMN [MEANFILE]]
  awk -v col="${2:-2}" '
    FNR == 1 { f++ }
    /^#/ || NF == 0 { next }
    f <= 3 { r = ++rows[f]; t[r] = $1; v[f, r] = $col; next }
    {
      r = ++rows[4]
      sum = 0; lo = v[1, r]; hi = v[1, r]
      for (k = 1; k <= 3; k++) {
        sum += v[k, r]
        if (v[k, r] < lo) lo = v[k, r]
        if (v[k, r] > hi) hi = v[k, r]
      }
      m = sum / 3; ss = 0
      for (k = 1; k <= 3; k++) ss += (v[k, r] - m) ^ 2
      want[1] = t[r]; want[2] = m; want[3] = sqrt(ss / 2); want[4] = lo; want[5] = hi
      want[6] = sum - lo - hi; want[7] = 3  # the median of three
      if (NF != 7) { print FILENAME ": " NF " columns in row " r; bad = 1; exit }
      for (c = 1; c <= 7; c++) {
        d = $c - want[c]; if (d < 0) d = -d
        a = want[c] < 0 ? -want[c] : want[c]
        if (d > 1e-9 * (a > 1 ? a : 1)) {
          print FILENAME ": row " r ", column " c ": " $c ", expected " want[c]; bad = 1
        }
      }
    }
    END {
      if (!bad && rows[4] != rows[1]) { print rows[4] " rows in the mean curve, " rows[1] " in the runs"; bad = 1 }
      if (!bad && rows[4] < 10) { print "only " rows[4] " rows"; bad = 1 }
      exit bad
    }
  ' "$1/seed-1/learning_curve.dat" "$1/seed-2/learning_curve.dat" "$1/seed-3/learning_curve.dat" "$1/${3:-mean_curve.dat}"
}
for p in $POINTS; do
  check "$p/mean_curve.dat = awk aggregate of the runs" meancheck "$T/j2/$p"
  # the further columns: mean |dw| (5) and the output's rate (6)
  check "$p/mean_mean_abs_dw.dat = awk aggregate" meancheck "$T/j2/$p" 5 mean_mean_abs_dw.dat
  check "$p/mean_rate_out.dat = awk aggregate" meancheck "$T/j2/$p" 6 mean_rate_out.dat
done
check "no mean file for the time column" test ! -e "$T/j2/r0=1mV/mean_time.dat"

# values with commas, separated by ';'
run sweep "$CFG" --out "$T/semi" --seeds 1 -j 2 -q --set run.duration=1s \
  --grid 'in_out.weight=normal(0 mV, 5 mV);normal(1 mV, 5 mV)'
check "';'-separated grid values run" test "$rc" -eq 0
check "... two points" test "$(ls -d "$T"/semi/weight=* | wc -l)" -eq 2
check "... and each got its value" grep -q 'normal(1 mV, 5 mV)' "$T/semi/runs.tsv"
check "mean_curve.dat header names the columns" grep -q '^# t(s) mean sd min max median n$' "$T/j2/r0=1mV/mean_curve.dat"

# ------------------------------------------------------------ -j 1: same results
run sweep "$CFG" --out "$T/j1" --seeds 1-3 --grid learning.r0=1mV,0.5mV --set run.duration=10s -j 1 -q
check "sweep -j 1 -q exits 0" test "$rc" -eq 0
check "-q: nothing on stdout" test ! -s "$T/o"
for p in $POINTS; do
  check "$p: -j 1 and -j 2 give the same mean curve" cmp -s "$T/j1/$p/mean_curve.dat" "$T/j2/$p/mean_curve.dat"
  for s in $SEEDS; do
    check "$p/seed-$s: -j 1 and -j 2 give the same learning curve" \
      cmp -s "$T/j1/$p/seed-$s/learning_curve.dat" "$T/j2/$p/seed-$s/learning_curve.dat"
  done
done
check "-j 1 and -j 2 give the same points.tsv" cmp -s "$T/j1/points.tsv" "$T/j2/points.tsv"
cut -f 1-5,7 "$T/j1/runs.tsv" >"$T/r1"
cut -f 1-5,7 "$T/j2/runs.tsv" >"$T/r2"
check "-j 1 and -j 2 give the same runs.tsv (but wall_s)" cmp -s "$T/r1" "$T/r2"

# ------------------------------------------------------------ a failing grid value
run sweep "$CFG" --out "$T/fail" --seeds 1,2 --grid learning.r0=1mV,-1mV --set run.duration=10s --jobs 2
check "a failing run: exit 1" test "$rc" -eq 1
check "the failure count is reported" grep -q '^superspike sweep: 2 of 4 runs failed' "$T/e"
for s in 1 2; do
  check "failing run seed-$s named with its error" \
    grep -q "r0=-1mV/seed-$s: exit=1: superspike: .*learning.r0" "$T/e"
done
check "successful runs are not listed as failed" sh -c '! grep -q "r0=1mV/seed" "$1"' sh "$T/e"
check "the good point is aggregated" test -s "$T/fail/r0=1mV/mean_curve.dat"
check "no mean curve without successful runs" test ! -e "$T/fail/r0=-1mV/mean_curve.dat"
check "runs.tsv statuses" test "$(awk -F'\t' 'NR > 1 { printf "%s/%s:%s;", $1, $3, $7 }' "$T/fail/runs.tsv")" = \
  "r0=1mV/1:ok;r0=1mV/2:ok;r0=-1mV/1:exit=1;r0=-1mV/2:exit=1;"
check "points.tsv: no successful run at r0=-1mV" \
  test "$(awk -F'\t' '$1 == "r0=-1mV" { print $3, $4, $5 }' "$T/fail/points.tsv")" = "2 0 nan"
check "the failing run's stderr is kept" grep -q 'learning.r0' "$T/fail/r0=-1mV/seed-1/stderr.txt"

# ------------------------------------------------------------ no grid, default seed, arguments after --
run sweep "$CFG" --out "$T/all" --set run.duration=10s -q -- --set run.duration=5s
check "sweep without --grid exits 0" test "$rc" -eq 0
check "point 'all', seed 1" test -s "$T/all/all/seed-1/learning_curve.dat"
check "arguments after -- reach train (5 s: 10 windows)" \
  test "$(grep -v '^#' "$T/all/all/seed-1/learning_curve.dat" | grep -c .)" -eq 10
check "one run: sd 0, n 1" awk '!/^#/ { if ($3 != 0 || $7 != 1) exit 1; n++ } END { exit n != 10 }' \
  "$T/all/all/mean_curve.dat"

# ------------------------------------------------------------ two grid keys
run sweep "$CFG" --out "$T/two" --grid learning.r0=1mV,0.5mV --grid run.duration=2s,3s -j 2 -q
check "two grid keys: exit 0" test "$rc" -eq 0
check "two grid keys: points in order, the first key slowest" \
  test "$(awk -F'\t' 'NR > 1 { printf "%s|%s|%s;", $1, $2, $3 }' "$T/two/points.tsv")" = \
  "r0=1mV,duration=2s|1mV|2s;r0=1mV,duration=3s|1mV|3s;r0=0.5mV,duration=2s|0.5mV|2s;r0=0.5mV,duration=3s|0.5mV|3s;"
check "two grid keys: each point's value reaches its runs (3 s: 6 windows)" \
  test "$(grep -v '^#' "$T/two/r0=0.5mV,duration=3s/mean_curve.dat" | grep -c .)" -eq 6

# ------------------------------------------------------------ --with: a key that moves with a --grid
run sweep "$CFG" --out "$T/with" --grid learning.r0=1mV,0.5mV --with run.duration=2s,3s --seeds 1,2 -j 2 -q
check "--with: exit 0" test "$rc" -eq 0
check "--with: no new points, its values beside the grid's" \
  test "$(awk -F'\t' 'NR > 1 { printf "%s|%s|%s|%s;", $1, $2, $3, $4 }' "$T/with/points.tsv")" = \
  "r0=1mV|1mV|2s|2;r0=0.5mV|0.5mV|3s|2;"
check "--with: runs.tsv names both keys" \
  test "$(head -n 1 "$T/with/runs.tsv" | cut -f 1-4)" = "$(printf 'point\tlearning.r0\trun.duration\tseed')"
check "--with: the i-th value reaches the i-th point's runs (2 s: 4 windows, 3 s: 6)" \
  test "$(grep -v '^#' "$T/with/r0=1mV/seed-2/learning_curve.dat" | grep -c .)$(grep -v '^#' "$T/with/r0=0.5mV/seed-1/learning_curve.dat" | grep -c .)" = 46

# ------------------------------------------------------------ bad options
# bad WHAT ARGS...: exit 2, a message containing WHAT, nothing created
bad() {
  what=$1
  shift
  run sweep "$@"
  check "sweep $*: exit 2" test "$rc" -eq 2
  check "sweep $*: message names $what" grep -q -F -- "$what" "$T/e"
  check "sweep $*: nothing created" test ! -e "$T/bad"
}
bad "--jobs" "$CFG" --out "$T/bad" --jobs 0
bad "--jobs" "$CFG" --out "$T/bad" -j many
bad "-j needs a value" "$CFG" --out "$T/bad" -j
bad "--seeds" "$CFG" --out "$T/bad" --seeds 3-1
bad "--seeds" "$CFG" --out "$T/bad" --seeds one
bad "--seeds" "$CFG" --out "$T/bad" --seeds 1,2,1
bad "--grid" "$CFG" --out "$T/bad" --grid learning.r0
bad "--grid" "$CFG" --out "$T/bad" --grid learning.r0=1mV,,2mV
bad "--grid" "$CFG" --out "$T/bad" --grid learning.r0=1mV --grid learning.r0=2mV
bad "--set" "$CFG" --out "$T/bad" --set run.seed=4
bad "--set" "$CFG" --out "$T/bad" --grid learning.r0=1mV,2mV --set learning.r0=3mV
bad "no --grid before it" "$CFG" --out "$T/bad" --with run.duration=2s
bad "1 value, but --grid learning.r0 has 2" "$CFG" --out "$T/bad" --grid learning.r0=1mV,2mV --with run.duration=2s
bad "--with: learning.r0 given twice" "$CFG" --out "$T/bad" --grid learning.r0=1mV,2mV --with learning.r0=1s,2s
bad "also a --with key" "$CFG" --out "$T/bad" --grid learning.r0=1mV,2mV --with run.duration=2s,3s --set run.duration=4s
bad "--engine" "$CFG" --out "$T/bad" --engine warp
bad "--bogus" "$CFG" --out "$T/bad" --bogus
bad "--seeds" "$CFG" --out "$T/bad" --seed 3
bad "--out" "$CFG"
bad "CONFIG" --out "$T/bad"

echo "test_sweep.sh: $checks checks, $fails failed"
test "$fails" -eq 0

#!/bin/sh
# test_cli.sh - the superspike program end to end (run by `make check`).
#
# Environment (set by Makefile.am): SS_BIN = the program, SS_EXAMPLES = the
# examples directory, SS_TEST_DATA = tests/data.  Everything is written under
# a mktemp -d directory, removed at exit, so VPATH builds and `make
# distcheck` (read-only source tree) work.
#
# Checked: --help and usage errors; every example runs and writes non-empty
# outputs; determinism (same seed -> byte-identical files, another seed ->
# other spikes); both engines; the saved weights read back; and the corpus of
# malformed inputs in tests/data/bad: for each NAME.ini (plus optional
# NAME.args, extra command-line arguments) the program must exit non-zero
# with a one-line message containing every line of NAME.expect (each names
# the file, line and field: "NAME.ini:LINE: [section] key: ..."; a message
# about a spike or edge file adds that file's "FILE:LINE: field 'x'"), and
# leave the output
# directory exactly as it was (no new, changed or temporary files).
set -u

: "${SS_BIN:?SS_BIN must name the superspike program}"
: "${SS_EXAMPLES:?SS_EXAMPLES must name the examples directory}"
: "${SS_TEST_DATA:?SS_TEST_DATA must name tests/data}"

SS_TMP_NAME=ss-cli
. "$(dirname "$0")/testutil.sh"

# run OUTFILE ERRFILE ARGS...: run the program, status in $rc
run() {
  o=$1
  e=$2
  shift 2
  "$SS_BIN" "$@" >"$o" 2>"$e"
  rc=$?
}

# nonempty DIR FILE...: every file exists and is non-empty
nonempty() {
  dir=$1
  shift
  for f in "$@"; do
    if test -s "$dir/$f"; then ok; else fail "$dir/$f missing or empty"; fi
  done
}

# data lines (not comments) of a file
nlines() { grep -v '^#' "$1" | grep -c .; }

# ------------------------------------------------------------ usage
run "$T/o" "$T/e" --help
check "--help exits 0" test "$rc" -eq 0
check "--help prints usage" grep -q '^Usage: superspike COMMAND' "$T/o"
run "$T/o" "$T/e" -h
check "-h exits 0" test "$rc" -eq 0
run "$T/o" "$T/e" --version
check "--version exits 0" test "$rc" -eq 0
check "--version prints the version" grep -q '^superspike [0-9]' "$T/o"
run "$T/o" "$T/e" simulate --help
check "simulate --help exits 0" test "$rc" -eq 0
check "simulate --help prints usage" grep -q '^Usage: superspike simulate CONFIG' "$T/o"
check "simulate --help lists --set" grep -q -- '--set' "$T/o"
run "$T/o" "$T/e"
check "no command exits non-zero" test "$rc" -ne 0
check "no command prints usage" grep -q 'Usage' "$T/e"
run "$T/o" "$T/e" frobnicate
check "unknown command exits non-zero" test "$rc" -ne 0
check "unknown command is named" grep -q "unknown command 'frobnicate'" "$T/e"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --frobnicate
check "unknown option exits non-zero" test "$rc" -ne 0
check "unknown option is named" grep -q "unknown option '--frobnicate'" "$T/e"
run "$T/o" "$T/e" simulate
check "simulate without CONFIG exits non-zero" test "$rc" -ne 0
check "simulate without CONFIG says so" grep -q 'missing CONFIG' "$T/e"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out
check "option without value exits non-zero" test "$rc" -ne 0
check "option without value says so" grep -q 'needs a value' "$T/e"
run "$T/o" "$T/e" simulate "$T/no-such-file.ini" --out "$T/none"
check "missing config exits non-zero" test "$rc" -ne 0
check "missing config is named" grep -q "no-such-file.ini: cannot open config file" "$T/e"
check "missing config creates no output directory" test ! -e "$T/none"

# ------------------------------------------------------------ examples
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/demo1" --quiet
check "demo.ini runs" test "$rc" -eq 0
check "--quiet prints nothing" test ! -s "$T/o"
nonempty "$T/demo1" exc.ras inh.ras v_exc.dat summary.json
check "demo summary names the seed" grep -q '"seed": 2018' "$T/demo1/summary.json"
check "spike files hold 'time id' lines" \
  awk 'NF != 2 || $1 < 0 || $2 !~ /^[0-9]+$/ { exit 1 }' "$T/demo1/exc.ras"
check "state files hold 'time id U I' lines" \
  awk '!/^#/ && NF != 4 { exit 1 }' "$T/demo1/v_exc.dat"

run "$T/o" "$T/e" simulate "$SS_EXAMPLES/single_neuron.ini" --out "$T/single"
check "single_neuron.ini runs" test "$rc" -eq 0
check "the run is reported on stdout" grep -q '^simulated 0.2 s' "$T/o"
nonempty "$T/single" neuron.ras input.ras v.dat summary.json
check "single_neuron: the neuron fires 6 times" test "$(nlines "$T/single/neuron.ras")" -eq 6
check "single_neuron: the input is recorded" test "$(nlines "$T/single/input.ras")" -eq 13
check "single_neuron: 2000 state samples" test "$(nlines "$T/single/v.dat")" -eq 2000

run "$T/o" "$T/e" simulate "$SS_EXAMPLES/edges.ini" --out "$T/edges" -q
check "edges.ini runs" test "$rc" -eq 0
nonempty "$T/edges" relay.ras out.ras v_out.dat relay_out.txt summary.json
check "edges: the detectors fire 3 times" test "$(nlines "$T/edges/out.ras")" -eq 3
check "edges: 5 saved synapses" test "$(nlines "$T/edges/relay_out.txt")" -eq 5
# saved weights are an edge list again: reading them back changes nothing
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/edges.ini" --out "$T/edges2" -q \
  --set "relay_out.file=$T/edges/relay_out.txt"
check "saved weights read back" test "$rc" -eq 0
check "saved weights give the same spikes" cmp -s "$T/edges/out.ras" "$T/edges2/out.ras"
check "saved weights are saved identically" cmp -s "$T/edges/relay_out.txt" "$T/edges2/relay_out.txt"

# ------------------------------------------------------------ determinism
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/demo2" -q
check "demo.ini runs again" test "$rc" -eq 0
for f in exc.ras inh.ras v_exc.dat; do
  check "same seed: $f byte-identical" cmp -s "$T/demo1/$f" "$T/demo2/$f"
done
# summary.json: identical but for the wall-clock fields
grep -v -e '"wall_s"' -e '"synaptic_events_per_s"' "$T/demo1/summary.json" >"$T/s1"
grep -v -e '"wall_s"' -e '"synaptic_events_per_s"' "$T/demo2/summary.json" >"$T/s2"
check "same seed: same summary" cmp -s "$T/s1" "$T/s2"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/demo3" -q --seed 7
check "demo.ini --seed 7 runs" test "$rc" -eq 0
check "another seed: other spikes" test -n "$(cmp "$T/demo1/exc.ras" "$T/demo3/exc.ras" 2>&1)"
check "--seed is in the summary" grep -q '"seed": 7,' "$T/demo3/summary.json"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/demo4" -q --set run.seed=7
check "--set run.seed=7 = --seed 7" cmp -s "$T/demo3/exc.ras" "$T/demo4/exc.ras"

# ------------------------------------------------------------ engines
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/clock" -q \
  --engine clock --dt 0.1ms --set run.duration=300ms
check "clock engine runs" test "$rc" -eq 0
nonempty "$T/clock" exc.ras inh.ras v_exc.dat summary.json
check "clock engine is in the summary" grep -q '"engine": "clock"' "$T/clock/summary.json"
check "--set run.duration applies" grep -q '"duration_s": 0.29999999999999999' "$T/clock/summary.json"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/exact" -q \
  --engine clock --dt 0.1ms --method exact --set run.duration=300ms
check "clock engine (exact) runs" test "$rc" -eq 0
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/demo.ini" --out "$T/event" -q \
  --engine event --set run.duration=300ms
check "event engine runs" test "$rc" -eq 0
check "event engine is in the summary" grep -q '"engine": "event"' "$T/event/summary.json"
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/single_neuron.ini" --out "$T/single_clock" -q \
  --engine clock --dt 0.01ms
check "single_neuron, clock engine: the same 6 spikes" \
  test "$(nlines "$T/single_clock/neuron.ras")" -eq 6

# ------------------------------------------------------------ --set and sort
bad="$SS_TEST_DATA/bad"
run "$T/o" "$T/e" simulate "$bad/spike_unsorted.ini" --out "$T/sorted" -q --set in.sort=yes
check "an unsorted spike file passes with sort = yes" test "$rc" -eq 0
run "$T/o" "$T/e" simulate "$SS_EXAMPLES/single_neuron.ini" --out "$T/set" -q \
  --set neuron.theta=-40mV --set in_neuron.weight=0.03V
check "--set of voltages runs" test "$rc" -eq 0
check "--set changes the result" test -n "$(cmp "$T/single/neuron.ras" "$T/set/neuron.ras" 2>&1)"

# ------------------------------------------------------------ malformed inputs
# Each case runs with --out pointing at a directory holding a sentinel
# summary.json and exc.ras; a rejected run must leave both untouched and add
# nothing (no partial output, no temporary files).
n_bad=0
for ini in "$bad"/*.ini; do
  name=$(basename "$ini" .ini)
  exp="$bad/$name.expect"
  if ! test -f "$exp"; then
    fail "$name: no $name.expect"
    continue
  fi
  n_bad=$((n_bad + 1))
  out="$T/bad/$name"
  mkdir -p "$out"
  echo sentinel >"$out/summary.json"
  echo sentinel >"$out/exc.ras"
  args=
  test -f "$bad/$name.args" && args=$(cat "$bad/$name.args")
  # $args is split on blanks on purpose (no argument contains one)
  # shellcheck disable=SC2086
  run "$T/o" "$T/e" simulate "$ini" --out "$out" -q $args
  if test "$rc" -eq 0; then
    fail "$name: accepted (exit 0)"
    continue
  fi
  if test "$rc" -gt 125; then fail "$name: crashed (exit $rc)"; cat "$T/e"; continue; fi
  # every line of NAME.expect must occur in the message
  while IFS= read -r want || test -n "$want"; do
    test -z "$want" && continue
    if grep -q -F -- "$want" "$T/e"; then ok; else
      fail "$name: expected message containing '$want', got:"
      cat "$T/e"
    fi
  done <"$exp"
  if test "$(wc -l <"$T/e")" -eq 1; then ok; else
    fail "$name: expected exactly one line on stderr, got:"
    cat "$T/e"
  fi
  if test "$(cat "$out/summary.json")" = sentinel && test "$(cat "$out/exc.ras")" = sentinel; then
    ok
  else
    fail "$name: an existing output file was overwritten"
  fi
  if test "$(ls -A "$out" | wc -l)" -eq 2; then ok; else
    fail "$name: files were created in the output directory:"
    ls -A "$out"
  fi
done
# ---- train: outputs, checkpoint, resume
tr="$T/train"
check "train runs the 5-spike example" "$SS_BIN" train "$SS_EXAMPLES/five_spikes.ini" --out "$tr" -q --no-plot \
  --set run.duration=5s --set learning.checkpoint_every=4
for f in learning_curve.dat in_first.ras in_out.edges summary.json checkpoint.ssck; do
  check "train wrote $f" test -s "$tr/$f"
done
check "train wrote the output rasters (the output may stay silent at first)" test -f "$tr/out_first.ras" -a -f "$tr/out_last.ras"
check "train --help" "$SS_BIN" train --help
cp "$tr/in_out.edges" "$T/edges.before"
check "train --resume from the final checkpoint" "$SS_BIN" train "$SS_EXAMPLES/five_spikes.ini" --out "$tr" -q \
  --no-plot --set run.duration=5s --set learning.checkpoint_every=4 --resume "$tr/checkpoint.ssck"
check "resumed run ends with the same weights" cmp -s "$T/edges.before" "$tr/in_out.edges"
check "train --resume with --dump-gradients" "$SS_BIN" train "$SS_EXAMPLES/five_spikes.ini" --out "$T/trd" -q \
  --no-plot --set run.duration=5s --set learning.checkpoint_every=4 --resume "$tr/checkpoint.ssck" \
  --dump-gradients "$T/trd/grad.txt"
check "the gradient dump exists" test -f "$T/trd/grad.txt"
printf 'garbage' >"$T/bad.ssck"
if "$SS_BIN" train "$SS_EXAMPLES/five_spikes.ini" --out "$T/train2" -q --no-plot --set run.duration=5s \
  --resume "$T/bad.ssck" 2>"$T/e"; then
  fail "a malformed checkpoint was accepted"
else
  check "a malformed checkpoint is refused by name" grep -q "bad.ssck" "$T/e"
fi
if "$SS_BIN" train "$SS_EXAMPLES/five_spikes.ini" --out "$T/train3" -q --no-plot --set run.duration=6s \
  --resume "$tr/checkpoint.ssck" 2>"$T/e"; then
  fail "a checkpoint of another configuration was accepted"
else
  check "a checkpoint of another configuration is refused" grep -q "config" "$T/e"
fi

# ---- superspike stats: hand-computed rates, CVs and ISIs
printf '0.010 0\n0.020 0\n0.025 1\n0.040 0\n0.100 2\n' >"$T/st.ras"
run "$T/o" "$T/e" stats "$T/st.ras" --size 3 --from 0s --to 0.2s --out "$T/st"
check "stats runs" test "$rc" -eq 0
check "stats: neuron 0 has 3 spikes, 15 Hz, cv sqrt(50)/15" \
  awk '$1 == 0 { exit !($2 == 3 && $3 == 15 && ($4 - 0.4714045208) ^ 2 < 1e-16) }' "$T/st_neurons.dat"
check "stats: neuron 1 has no cv" awk '$1 == 1 { exit !($2 == 1 && $4 == "nan") }' "$T/st_neurons.dat"
check "stats: two ISIs, 10 and 20 ms" test "$(grep -v '^#' "$T/st_isi.dat" | tr '\n' ' ')" = "10 20 "
run "$T/o" "$T/e" stats "$T/st.ras" --size 2 --out "$T/st2"
check "stats: an id out of range names the file and line" grep -q "st.ras:5: field 'id'" "$T/e"
check "stats: ... and writes nothing" test ! -e "$T/st2_neurons.dat"
run "$T/o" "$T/e" stats "$T/st.ras" --size 3 --out "$T/st" --from 5
check "stats: a time without a unit is refused" test "$rc" -eq 2
run "$T/o" "$T/e" stats "$T/st.ras" --size 0 --out "$T/st"
check "stats: --size 0 is refused" test "$rc" -eq 2

check "the corpus has at least 30 cases" test "$n_bad" -ge 30
# temporary files nowhere (e.g. next to a monitor file outside --out)
leftover=$(find "$T" "$bad" -name '*.tmp.*' 2>/dev/null)
check "no temporary files are left: $leftover" test -z "$leftover"

echo "$checks checks, $n_bad malformed inputs, $fails failures"
test "$fails" -eq 0

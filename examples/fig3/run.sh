#!/bin/sh
# run.sh - paper Fig. 3b: the learning variables of one input -> hidden
# synapse (fig3.ini) over 300 ms, stacked.  --fast: 10 s of training.
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then DUR=10s; else DUR=100s; fi
# first run: find the input that fires most in the recorded 300 ms
"$SUPERSPIKE" train "$HERE/fig3.ini" --out "$OUT/probe" --set run.duration=$DUR -q --no-plot
PRE=$(awk '{ n[$2]++ } END { b = 0; for (i in n) if (n[i] > b) { b = n[i]; k = i }; print k + 0 }' "$OUT/probe/in_spikes.ras")
"$SUPERSPIKE" train "$HERE/fig3.ini" --out "$OUT/run" --set run.duration=$DUR --set syn.pre=$PRE -q --no-plot
say "presynaptic_input $PRE"
say "hidden_rate_last_window $(awk '/^[0-9]/ { r = $7 } END { print r }' "$OUT/run/learning_curve.dat")"
say "final_cost $(awk '/^[0-9]/ { c = $2 } END { print c }' "$OUT/run/learning_curve.dat")"
plot fig3.gp run="$OUT/run" pre="$PRE"
finish

#!/bin/sh
# run.sh - the reference code's Radcliffe Camera demo: 200 inputs -> 256
# hidden -> 200 outputs learn a dense 189 x 200 picture (symmetric
# feedback).  One run of 1039.5 s (20 s burn-in, about 1020 s of learning);
# --fast: 47 s.  Figure radcliffe.pdf/.png: (a) target, (b) output,
# hidden and input rasters of the last loop, (c) cost.
# The picture is the tool's built-in one; to learn your own, give a PBM or
# PGM file (one row per output neuron, at most 200 rows; 10 ms per column,
# at most 189 columns: the loop stays 1.89 s):
#   IMAGE=picture.pbm examples/radcliffe/run.sh
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then DUR=47; BURN=5; DIV=30; else DUR=1039.5; BURN=20; DIV=420; fi
if [ -n "${IMAGE:-}" ]; then
  "$SUPERSPIKE" task image --image "$IMAGE" --out "$OUT/target.ras" --bin 10ms --jitter 10ms \
    --n-ids 200 --seed 1 --write-image "$OUT/target.pbm"
else
  "$SUPERSPIKE" task image --size 189x200 --out "$OUT/target.ras" --bin 10ms --jitter 10ms \
    --seed 1 --write-image "$OUT/target.pbm" >/dev/null
fi
run="$OUT/run"
"$SUPERSPIKE" train "$HERE/radcliffe.ini" --out "$run" --set out.target_file="$OUT/target.ras" \
  --set run.duration=${DUR}s --set learning.burn_in=${BURN}s --set learning.lr_divide_at=${DIV}s -q --no-plot
LAST=$(awk -v d=$DUR 'BEGIN { print d - 1.89 }')
"$SUPERSPIKE" stats "$run/hid_last.ras" --size 256 --from ${LAST}s --to ${DUR}s --out "$run/hid" >/dev/null
"$SUPERSPIKE" stats "$run/out_last.ras" --size 200 --from ${LAST}s --to ${DUR}s --out "$run/out" >/dev/null
col() { awk -v c="$2" '!/^#/ && $c !~ /nan/ { s += $c; n++ } END { printf "%.4g", n ? s / n : 0 }' "$1"; }
say "target_spikes $(grep -c '^[0-9]' "$OUT/target.ras")"
say "initial_cost $(awk -v b=$BURN '/^[0-9]/ && $1 <= b { s += $3; n++ } END { printf "%.4g", s / n }' "$run/learning_curve.dat")"
say "final_cost $(awk '/^[0-9]/ { c = $2 } END { printf "%.4g", c }' "$run/learning_curve.dat")"
say "target_rate_hz $(awk '/^[0-9]/ { n++ } END { printf "%.4g", n / 200 / 1.89 }' "$OUT/target.ras")"
say "output_rate_hz $(col "$run/out_neurons.dat" 3)"
say "hidden_rate_hz $(col "$run/hid_neurons.dat" 3)"
plot radcliffe.gp run="$run" target="$OUT/target.ras" dur="$DUR" burn="$BURN" div="$DIV"
finish

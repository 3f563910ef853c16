#!/bin/sh
# run.sh - paper Fig. 6: 100 inputs -> 32 hidden -> 100 outputs learn a
# picture (symmetric feedback).  4 seeds x 1022 s (20 s burn-in, 1000 s of
# learning, one loop with learning off); --fast: 1 seed x 301 s.
# Figure fig6.pdf/.png (seed 1): (b) target, (c) output / hidden / input
# rasters of the last two loops, (d) hidden rate, ISI and CV histograms of
# the learning-off loop, (e) cost.  results.txt: costs and hidden rates.
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then
  SEEDS=1; DUR=301; BURN=3.5; DIV=200
else
  SEEDS=1-4; DUR=1022; BURN=20; DIV=420
fi
OFF=$(awk -v d=$DUR 'BEGIN { print d - 3.5 }')   # learning off for the last loop
STOP=$(awk -v d=$DUR 'BEGIN { print d - 4 }')    # no update in windows ending after it
"$SUPERSPIKE" task image --out "$OUT/target.ras" --bin 50ms --jitter 16.6667ms --seed 1 >/dev/null
sweep "$HERE/fig6.ini" "$OUT/runs" --seeds $SEEDS --set out.target_file="$OUT/target.ras" \
  --set run.duration=${DUR}s --set learning.burn_in=${BURN}s \
  --set learning.lr_divide_at=${DIV}s --set learning.stop_at=${STOP}s
run="$OUT/runs/all/seed-1"
# firing statistics of the hidden layer over the learning-off loop
for d in "$OUT"/runs/all/seed-*; do
  "$SUPERSPIKE" stats "$d/hid_last.ras" --size 32 --from ${OFF}s --to ${DUR}s --out "$d/hid" >/dev/null
  "$SUPERSPIKE" stats "$d/out_last.ras" --size 100 --from ${OFF}s --to ${DUR}s --out "$d/out" >/dev/null
done
# silent-output cost: mean per-window cost over the burn-in (no learning yet)
init() { awk -v b=$BURN '/^[0-9]/ && $1 <= b { s += $3; n++ } END { printf "%.4g", s / n }' "$1"; }
col() { awk -v c="$2" '!/^#/ && $c !~ /nan/ { s += $c; n++ } END { printf "%.4g", n ? s / n : 0 }' "$1"; }
mean() { awk '{ s += $1; n++ } END { printf "%.4g", s / n }'; }
say "runs $(ls -d "$OUT"/runs/all/seed-* | wc -l)"
say "n_hidden 32"
say "target_spikes $(grep -c '^[0-9]' "$OUT/target.ras")"
say "initial_cost $(init "$run/learning_curve.dat")"
say "final_cost $(awk '/^[0-9]/ { c = $2 } END { printf "%.4g", c }' "$run/learning_curve.dat")"
say "final_over_initial $(awk -v i="$(init "$run/learning_curve.dat")" '/^[0-9]/ { c = $2 } END { printf "%.3f", c / i }' "$run/learning_curve.dat")"
say "hidden_rate_hz $(col "$run/hid_neurons.dat" 3)"
say "hidden_cv $(col "$run/hid_neurons.dat" 4)"
say "output_rate_hz $(col "$run/out_neurons.dat" 3)"
say "target_rate_hz $(awk '/^[0-9]/ { n++ } END { printf "%.4g", n / 100 / 3.5 }' "$OUT/target.ras")"
for d in "$OUT"/runs/all/seed-*; do init "$d/learning_curve.dat"; echo; done | mean > "$OUT/.i"
say "initial_cost_mean_seeds $(cat "$OUT/.i")"
tsv_mean "$OUT/runs/runs.tsv" final_cost
say "hidden_rate_hz_mean_seeds $(for d in "$OUT"/runs/all/seed-*; do col "$d/hid_neurons.dat" 3; echo; done | mean)"
rm -f "$OUT/.i"
plot fig6.gp run="$run" target="$OUT/target.ras" off="$OFF" dur="$DUR"
finish

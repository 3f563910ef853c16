#!/bin/sh
# run.sh - paper Fig. 8: strength rho and exponent a of the heterosynaptic
# regularizer -rho w z^a, random feedback.  rho = 0.1 ... 1000 (log) x
# a = 0, 1, 2, 4, plus rho = 0; one seed, n_h = 64, 1022 s each (--fast:
# n_h = 16, rho = 0.1, 10, 1000 x a = 0, 4, 52.5 s).  Figure fig8.pdf/.png:
# (a) final cost vs rho per a (dashed: rho = 0), (b) mean hidden rate over
# the last loop vs rho per a.
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then
  NH=16; RHO=0.1,10,1000; A=0,4; DUR=52.5; BURN=3.5; DIV=35
else
  NH=64; RHO=0.1,1,10,100,1000; A=0,1,2,4; DUR=1022; BURN=20; DIV=420
fi
W=$(awk -v n=$NH 'BEGIN { printf "%.4g", 50 / sqrt(n) }')
"$SUPERSPIKE" task image --out "$OUT/target.ras" --bin 50ms --jitter 16.6667ms --seed 1 >/dev/null
set -- --set out.target_file="$OUT/target.ras" --set run.duration=${DUR}s --set learning.burn_in=${BURN}s \
  --set learning.lr_divide_at=${DIV}s --set hid.size=$NH --set "hid_out.weight=normal(0mV,${W}mV)"
# the rho = 0 reference alongside the grid (no idle core at the end)
sweep "$HERE/fig8.ini" "$OUT/rho0" --seeds 1 --set in_hid.regularizer=0 "$@" &
rho0_pid=$!
sweep "$HERE/fig8.ini" "$OUT/runs" --seeds 1 --grid in_hid.regularizer=$RHO --grid learning.het_exponent=$A "$@"
wait $rho0_pid
# numbers: final cost (points.tsv) and hidden rate over the last loop
# (rate_hid column of the last 7 windows) of every point
rate() { awk '/^[0-9]/ { r[NR % 7] = $7; n++ } END { for (i in r) s += r[i]; printf "%.4g", s / (n < 7 ? n : 7) }' "$1"; }
say "initial_cost $(awk -v b=$BURN '/^[0-9]/ && $1 <= b { s += $3; n++ } END { printf "%.4g", s / n }' "$OUT/rho0/all/seed-1/learning_curve.dat")"
say "final_cost_rho0 $(awk '/^[0-9]/ { c = $2 } END { printf "%.4g", c }' "$OUT/rho0/all/seed-1/learning_curve.dat")"
say "hidden_rate_hz_rho0 $(rate "$OUT/rho0/all/seed-1/learning_curve.dat")"
awk -F'\t' 'NR > 1 { printf "final_cost_rho%s_a%s %.4g\n", $2, $3, $6 }' "$OUT/runs/points.tsv" | while read -r k v; do say "$k $v"; done
for a in $(echo $A | tr , ' '); do
  for r in $(echo $RHO | tr , ' '); do
    say "hidden_rate_hz_rho${r}_a$a $(rate "$OUT/runs/regularizer=$r,het_exponent=$a/seed-1/learning_curve.dat")"
  done
done
say "best_rho_a4 $(awk -F'\t' 'NR > 1 && $3 == 4 && (b == "" || $6 < b) { b = $6; r = $2 } END { print r }' "$OUT/runs/points.tsv")"
plot fig8.gp runs="$OUT/runs" rho0="$OUT/rho0" rhos="$(echo $RHO | tr , ' ')" as="$(echo $A | tr , ' ')"
finish

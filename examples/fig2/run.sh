#!/bin/sh
# run.sh - paper Fig. 2: one neuron learns five precisely timed spikes.
# 20 seeds x 800 s (--fast: 3 seeds x 50 s); figure fig2.pdf/.png and
# results.txt (success = all five target spikes within +-2 ms and no other
# spike in the last loop).
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then SEEDS=1-3; DUR=50s; else SEEDS=1-20; DUR=800s; fi
sweep "$HERE/fig2.ini" "$OUT/runs" --seeds $SEEDS --set run.duration=$DUR
# success of one loop [T0, T0 + 0.5 s): all five targets within +-2 ms, no other spike
loop_ok() { # RASTER T0
  awk -v T0="$2" 'BEGIN { split("83 166 249 332 415", T, " ") }
      $1 >= T0 && $1 < T0 + 0.5 { t = ($1 - T0) * 1000; n++; hit = 0
        for (i = 1; i <= 5; i++) if (t > T[i] - 2 && t < T[i] + 2) { hit = 1; h[i]++ } }
      END { k = 0; for (i = 1; i <= 5; i++) if (h[i] == 1) k++; print (k == 5 && n == 5) ? 1 : 0 }' "$1"
}
ok=0; ok250=0; n=0
for d in "$OUT"/runs/all/seed-*; do
  n=$((n + 1))
  last=$(awk '/^[0-9]/ {print $1}' "$d/learning_curve.dat" | tail -1)
  ok=$((ok + $(loop_ok "$d/out_spikes.ras" "$(awk -v t="$last" 'BEGIN { print t - 0.5 }')")))
  [ $FAST = 1 ] || ok250=$((ok250 + $(loop_ok "$d/out_spikes.ras" 249.5)))
done
say "runs $n"
say "success $ok"
[ $FAST = 1 ] || say "success_at_250s $ok250"
tsv_mean "$OUT/runs/runs.tsv" initial_cost
tsv_mean "$OUT/runs/runs.tsv" final_cost
plot fig2.gp run="$OUT/runs/all/seed-1" mean="$OUT/runs/all/mean_curve.dat" runs="$OUT/runs/all"
finish

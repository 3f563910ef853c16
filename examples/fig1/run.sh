#!/bin/sh
# run.sh - paper Fig. 1: fixed learning rate vs RMSprop vs RMaxProp on the
# five-spike task with 4 hidden units and symmetric feedback, one seed (the
# same input and initial weights for every run), r0 in {10, 5, 1, 0.5, 0.1}
# x 1e-3: 15 runs of 1000 s (--fast: 100 s).  Figure fig1.pdf/.png and
# results.txt: the final cost (10 s moving average) of every run and, per
# optimizer, how many r0 values brought it below 10% of the initial cost.
# Fixed-rate units: see fig1.ini (r0_code -> 5e6 r0_code mV on hid->out,
# 5e3 r0_code mV on in->hid).
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then DUR=100s; else DUR=1000s; fi
R0S="10 5 1 0.5 0.1"
for opt in rmsprop rmaxprop; do
  grid=$(echo $R0S | sed 's/ /mV,/g; s/$/mV/')
  sweep "$HERE/fig1.ini" "$OUT/$opt" --seeds 1 --set run.duration=$DUR \
    --set learning.optimizer=$opt --grid learning.r0=$grid
done
# fixed rate: per-projection rates (no grid key couples them), run directly,
# JOBS at a time, into the same layout OUT/fixed/r0=RmV/seed-1
n=0
for r in $R0S; do
  ro=$(awk -v r="$r" 'BEGIN { print r * 5000 }')   # 5e6 * r * 1e-3
  rh=$(awk -v r="$r" 'BEGIN { print r * 5 }')      # 5e3 * r * 1e-3
  d="$OUT/fixed/r0=${r}mV/seed-1"
  mkdir -p "$d"
  "$SUPERSPIKE" train "$HERE/fig1.ini" --out "$d" --seed 1 -q --no-plot --set run.duration=$DUR \
    --set learning.optimizer=fixed --set hid_out.r0=${ro}mV --set in_hid.r0=${rh}mV 2> "$d/stderr.txt" &
  n=$((n + 1))
  [ $((n % ${JOBS:-2})) -ne 0 ] || wait
done
wait
for opt in fixed rmsprop rmaxprop; do
  ok=0
  for r in $R0S; do
    f="$OUT/$opt/r0=${r}mV/seed-1/learning_curve.dat"
    [ -s "$f" ] || { echo "run.sh: missing $f" >&2; exit 1; }
    v=$(awk '/^[0-9]/ { if (!c0) c0 = $2; c = $2 } END { printf "%.4g %d", c, c < 0.1 * c0 }' "$f")
    say "${opt}_r0_${r}e-3_final_cost" "${v% *}"
    ok=$((ok + ${v#* }))
  done
  say "${opt}_converged" "$ok/5"
done
plot fig1.gp r0s="$R0S"
finish

#!/bin/sh
# run.sh - paper Fig. 1: fixed learning rate vs RMSprop vs RMaxProp on the
# five-spike task with 4 hidden units and symmetric feedback, r0 in {10, 5,
# 1, 0.5, 0.1} x 1e-3, 1000 s each (--fast: 100 s, seed 1 only).  The figure
# (fig1.pdf/.png) shows seed 1: the same input and initial weights for every
# run, as in the paper.  Seeds 2-5 repeat the comparison with other initial
# weights (the input pattern is that of Fig. 2 throughout), for the numbers
# only.  results.txt: for the seed-1 runs the mean cost (10 s moving
# average) over the last quarter and the time at which the cost first fell
# below 10% of its initial value (-1: never); per optimizer and r0 how many
# of the seeds got below 10%, and per optimizer the total.
# Fixed-rate units: see fig1.ini (r0_code -> 5e6 r0_code mV on hid->out,
# 5e3 r0_code mV on in->hid).
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then DUR=100s; SEEDS=1; else DUR=1000s; SEEDS="1 2 3 4 5"; fi
R0S="10 5 1 0.5 0.1"
NSEEDS=$(echo $SEEDS | wc -w)
for opt in rmsprop rmaxprop; do
  grid=$(echo $R0S | sed 's/ /mV,/g; s/$/mV/')
  sweep "$HERE/fig1.ini" "$OUT/$opt" --seeds "$(echo $SEEDS | tr ' ' ,)" --set run.duration=$DUR \
    --set learning.optimizer=$opt --grid learning.r0=$grid
done
# fixed rate: per-projection rates (no grid key couples them), run directly,
# JOBS at a time, into the same layout OUT/fixed/r0=RmV/seed-S
n=0
for s in $SEEDS; do
  for r in $R0S; do
    ro=$(awk -v r="$r" 'BEGIN { print r * 5000 }')   # 5e6 * r * 1e-3
    rh=$(awk -v r="$r" 'BEGIN { print r * 5 }')      # 5e3 * r * 1e-3
    d="$OUT/fixed/r0=${r}mV/seed-$s"
    mkdir -p "$d"
    "$SUPERSPIKE" train "$HERE/fig1.ini" --out "$d" --seed "$s" -q --no-plot --set run.duration=$DUR \
      --set learning.optimizer=fixed --set hid_out.r0=${ro}mV --set in_hid.r0=${rh}mV 2> "$d/stderr.txt" &
    n=$((n + 1))
    [ $((n % ${JOBS:-2})) -ne 0 ] || wait
  done
done
wait
# curve FILE: "mean cost over the last quarter, first time below 10% of the
# initial cost (-1: never)"
curve() {
  [ -s "$1" ] || { echo "run.sh: missing $1" >&2; exit 1; }
  awk '/^[0-9]/ { n++; c[n] = $2; if (t10 == "" && c[n] < 0.1 * c[1]) t10 = $1 }
    END { for (i = int(0.75 * n) + 1; i <= n; i++) { s += c[i]; m++ }
          printf "%.4g %s", s / m, t10 == "" ? -1 : t10 }' "$1"
}
for opt in fixed rmsprop rmaxprop; do
  tot=0
  for r in $R0S; do
    v=$(curve "$OUT/$opt/r0=${r}mV/seed-1/learning_curve.dat")
    say "${opt}_r0_${r}e-3_cost_last_quarter" "${v% *}"
    say "${opt}_r0_${r}e-3_time_to_10pc_s" "${v#* }"
    ok=0
    for s in $SEEDS; do
      v=$(curve "$OUT/$opt/r0=${r}mV/seed-$s/learning_curve.dat")
      [ "${v#* }" = -1 ] || ok=$((ok + 1))
    done
    say "${opt}_r0_${r}e-3_reached_10pc" "$ok/$NSEEDS"
    tot=$((tot + ok))
  done
  say "${opt}_reached_10pc" "$tot/$((5 * NSEEDS))"
done
plot fig1.gp r0s="$R0S"
finish

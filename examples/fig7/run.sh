#!/bin/sh
# run.sh - paper Fig. 7: limits of random feedback on the Fig. 6 task.
# Symmetric, random and random + regularizer feedback for n_h = 16, 32, 64,
# 128, 256; at n_h = 256 also fixed hidden weights, symmetric linear and
# uniform feedback; and the network without a hidden layer.  One seed,
# 1022 s each (--fast: n_h = 8, 16, 32, 101.5 s).  Figure fig7.pdf/.png:
# (a) cost vs time at the largest n_h, (b) final cost vs n_h, (c) final
# costs at the largest n_h, (d-g) output raster of the last loop and
# hidden-rate histogram for symmetric, random, random + reg., symm. linear.
# The runs differ in several keys at once (and the hidden->output initial
# weights scale with n_h), so they are independent `superspike train` runs
# shared by a pool of -j workers rather than one sweep grid.
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then
  NH="8 16 32"; DUR=101.5; BURN=3.5; DIV=60
else
  NH="16 32 64 128 256"; DUR=1022; BURN=20; DIV=420
fi
NHMAX=${NH##* }
SEED=1
J=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
"$SUPERSPIKE" task image --out "$OUT/target.ras" --bin 50ms --jitter 16.6667ms --seed 1 >/dev/null
mkdir -p "$OUT/runs"
# ---- the job list: NAME COST CONFIG OVERRIDES... (COST: a guess of the CPU
# time, for balancing the lanes; no blanks inside an override)
: > "$OUT/jobs.txt"
job() { echo "$*" >> "$OUT/jobs.txt"; }
for n in $NH; do
  w="hid_out.weight=normal(0mV,$(awk -v n=$n 'BEGIN { printf "%.4g", 50 / sqrt(n) }')mV)"
  size="hid.size=$n"
  job "sym-$n   $((n * 1)) fig7.ini --set $size --set $w"
  job "rand-$n  $((n * 6)) fig7.ini --set $size --set $w --set hid.feedback=random"
  job "reg-$n   $((n * 3)) fig7.ini --set $size --set $w --set hid.feedback=random --set in_hid.regularizer=1"
done
w="hid_out.weight=normal(0mV,$(awk -v n=$NHMAX 'BEGIN { printf "%.4g", 50 / sqrt(n) }')mV)"
job "fixed-$NHMAX $NHMAX fig7.ini --set hid.size=$NHMAX --set $w --set in_hid.plastic=no"
job "lin-$NHMAX   $((NHMAX * 2)) fig7.ini --set hid.size=$NHMAX --set $w --set learning.surrogate=linear"
job "unif-$NHMAX  $((NHMAX * 6)) fig7.ini --set hid.size=$NHMAX --set $w --set hid.feedback=uniform"
job "nohid 10 fig7_nohid.ini"
# ---- a pool of J workers: each takes the next unclaimed job (the most
# expensive first; `mkdir` is the atomic claim)
sort -k2,2nr "$OUT/jobs.txt" > "$OUT/queue.txt"
rm -rf "$OUT/claims"; mkdir "$OUT/claims"
common="--set out.target_file=$OUT/target.ras --set run.duration=${DUR}s --set learning.burn_in=${BURN}s --set learning.lr_divide_at=${DIV}s --seed $SEED -q --no-plot"
i=0
while [ $i -lt "$J" ]; do
  i=$((i + 1))
  while read -r name _cost cfg args; do
    mkdir "$OUT/claims/$name" 2>/dev/null || continue
    # shellcheck disable=SC2086
    if ! "$SUPERSPIKE" train "$HERE/$cfg" --out "$OUT/runs/$name" $common $args 2> "$OUT/runs/$name.err"; then
      echo "fig7: run $name failed: $(head -1 "$OUT/runs/$name.err")" >&2
    fi
  done < "$OUT/queue.txt" &
done
wait
rm -rf "$OUT/claims" "$OUT/queue.txt"
for f in "$OUT"/runs/*.err; do [ -s "$f" ] || rm -f "$f"; done
# ---- firing statistics of the last loop, and the numbers
LAST=$(awk -v d=$DUR 'BEGIN { print d - 3.5 }')
for d in "$OUT"/runs/*/; do
  d=${d%/}
  [ -f "$d/hid_last.ras" ] || continue
  n=$(awk -v s="${d##*-}" 'BEGIN { print s + 0 }')
  "$SUPERSPIKE" stats "$d/hid_last.ras" --size "$n" --from ${LAST}s --to ${DUR}s --out "$d/hid" >/dev/null
done
final() { awk '/^[0-9]/ { c = $2 } END { if (c == "") c = "nan"; printf "%.4g", c }' "$OUT/runs/$1/learning_curve.dat" 2>/dev/null || echo nan; }
hrate() { awk '!/^#/ { s += $3; n++ } END { printf "%.4g", n ? s / n : 0 }' "$OUT/runs/$1/hid_neurons.dat" 2>/dev/null || echo nan; }
say "initial_cost $(awk -v b=$BURN '/^[0-9]/ && $1 <= b { s += $3; n++ } END { printf "%.4g", s / n }' "$OUT/runs/nohid/learning_curve.dat")"
say "final_cost_nohidden $(final nohid)"
for c in sym rand reg; do
  for n in $NH; do say "final_cost_${c}_$n $(final $c-$n)"; done
done
for c in fixed lin unif; do say "final_cost_${c}_$NHMAX $(final $c-$NHMAX)"; done
for c in sym rand reg fixed lin unif; do say "hidden_rate_hz_${c}_$NHMAX $(hrate $c-$NHMAX)"; done
for n in $NH; do say "hidden_rate_hz_sym_$n $(hrate sym-$n)"; done
plot fig7.gp runs="$OUT/runs" nh="$NH" nhmax="$NHMAX" burn="$BURN" div="$DIV" dur="$DUR"
finish

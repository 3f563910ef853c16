#!/bin/sh
# run.sh - paper Fig. 4: 100 inputs -> 4 hidden -> 1 output learn the
# five-spike task with random, symmetric or uniform feedback (20 seeds each)
# and with random feedback to 8 hidden units (20 seeds); 1000 s of training
# (--fast: 3 seeds x 50 s).  Figure fig4.pdf/.png and results.txt, per
# condition: the final cost, how many seeds bring the cost below 10% of its
# initial value, how many meet the Fig. 2 timing criterion (all five target
# spikes within +-2 ms and no other output spike in the last loop) and how
# many do both ("success").  For random feedback also how many seeds drew
# only negative feedback weights (their sign is that of the hidden units'
# gradients in the first window, while the output is silent and its error
# positive) and how many of those failed; and, to test the paper's account
# of the failures, 5 runs (--fast: 1) whose feedback_seed is chosen so that
# every feedback weight is negative ("negative_*" in results.txt).
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then SEEDS=1-3; NS=3; NNEG=1; DUR=50s; else SEEDS=1-20; NS=20; NNEG=5; DUR=1000s; fi
sweep "$HERE/fig4.ini" "$OUT/runs" --seeds $SEEDS --set run.duration=$DUR \
  --grid hid.feedback=random,symmetric,uniform
# 8 hidden units: initial hid->out weights N(0, (50 mV / sqrt(8))^2)
sweep "$HERE/fig4.ini" "$OUT/h8" --seeds $SEEDS --set run.duration=$DUR \
  --set hid.size=8 --set "hid_out.weight=normal(0 mV, 17.68 mV)"

# judge DIR: one line per seed "seed cost_ok timing_ok final_cost"
judge() {
  for d in "$1"/seed-*; do
    last=$(awk '/^[0-9]/ { t = $1 } END { print t }' "$d/learning_curve.dat")
    tim=$(awk -v T0="$last" 'BEGIN { split("83 166 249 332 415", T, " ") }
        { t = ($1 - T0 + 0.5) * 1000; n++
          for (i = 1; i <= 5; i++) if (t > T[i] - 2 && t < T[i] + 2) h[i]++ }
        END { k = 0; for (i = 1; i <= 5; i++) if (h[i] == 1) k++; print (k == 5 && n == 5) ? 1 : 0 }' "$d/out_last.ras")
    cst=$(awk '/^[0-9]/ { if (!c0) c0 = $2; c = $2 } END { printf "%d %.6g", c < 0.1 * c0, c }' "$d/learning_curve.dat")
    echo "${d##*/seed-} ${cst% *} $tim ${cst#* }"
  done
}
report() { # NAME DIR
  judge "$2" > "$OUT/$1.judged"
  awk -v k="$1" '{ n++; c += $2; t += $3; b += $2 && $3; f += $4 }
    END { printf "%s_cost_ok %d/%d\n%s_timing_ok %d/%d\n%s_success %d/%d\n%s_final_cost_mean %.4g\n",
          k, c, n, k, t, n, k, b, n, k, f / n }' "$OUT/$1.judged" |
  while read -r key val; do say "$key" "$val"; done
}
report random "$OUT/runs/feedback=random"
report symmetric "$OUT/runs/feedback=symmetric"
report uniform "$OUT/runs/feedback=uniform"
report random8 "$OUT/h8/all"

# fbsign DIR SEED [SET...]: how many hidden units have positive feedback
# weights, from the gradients of one window (G = B_k int e lambda, with
# e >= 0 while the output is still silent: the sign of G is that of B_k)
fbsign() {
  g=$1; s=$2; shift 2
  mkdir -p "$g"
  "$SUPERSPIKE" train "$HERE/fig4.ini" --out "$g" --seed "$s" -q --no-plot --set run.duration=0.5s \
    --dump-gradients "$g/gradients.txt" "$@"
  awk '$2 == "in_hid" && $5 > 0 { p[$4] = 1 } END { n = 0; for (k in p) n++; print n }' "$g/gradients.txt"
}
neg=0; negfail=0
for s in $(awk '{ print $1 }' "$OUT/random.judged"); do
  pos=$(fbsign "$OUT/feedback-sign/seed-$s" "$s")
  echo "$pos" > "$OUT/feedback-sign/seed-$s/positive_units"
  if [ "$pos" -eq 0 ]; then
    neg=$((neg + 1))
    awk -v s="$s" '$1 == s && !($2 && $3) { exit 1 }' "$OUT/random.judged" || negfail=$((negfail + 1))
  fi
done
say random_all_negative_feedback_seeds "$neg/$NS"
say random_all_negative_feedback_failed "$negfail/$neg"
for s in $(awk '!($2 && $3) { print $1 }' "$OUT/random.judged"); do
  say "random_failed_seed_${s}_positive_feedback_units" "$(cat "$OUT/feedback-sign/seed-$s/positive_units")"
done
# the paper's failure case on purpose: for the first NNEG seeds, the first
# feedback_seed whose B is all negative (about 1 in 16), trained as above
n=0
for s in $(seq 1 $NNEG); do
  fs=1
  while [ "$(fbsign "$OUT/negative/search" "$s" --set hid.feedback_seed=$fs)" -ne 0 ]; do
    fs=$((fs + 1))
    [ $fs -le 1000 ] || { echo "run.sh: no all-negative feedback in 1000 draws" >&2; exit 1; }
  done
  d="$OUT/negative/seed-$s"
  mkdir -p "$d"
  echo "$fs" > "$d/feedback_seed"
  "$SUPERSPIKE" train "$HERE/fig4.ini" --out "$d" --seed "$s" -q --no-plot --set run.duration=$DUR \
    --set hid.feedback_seed=$fs 2> "$d/stderr.txt" &
  n=$((n + 1))
  [ $((n % ${JOBS:-2})) -ne 0 ] || wait
done
wait
rm -rf "$OUT/negative/search"
report negative "$OUT/negative"
plot fig4.gp run="$OUT/runs/feedback=random/seed-1" runs="$OUT/runs"
finish

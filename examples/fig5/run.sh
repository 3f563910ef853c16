#!/bin/sh
# run.sh - paper Fig. 5: XOR-like classification of noisy spike patterns by
# 100 inputs -> 4 hidden -> 2 outputs.  Generates the task (4000 s), then 20
# seeds x 4000 s for each condition: random feedback, random feedback with
# the heterosynaptic regularizer, no hidden layer, symmetric and uniform
# feedback, and random feedback to 8 hidden units instead of 4 (not in the
# paper's Fig. 5; as the 8 hidden units of its Fig. 4) (--fast: 3 seeds x
# 20 s).  Figure fig5.pdf/.png and
# results.txt, per condition: the accuracy over the last 100 stimuli (mean
# over seeds, and how many seeds are at 100%), the accuracy over the last
# 1000 stimuli (mean, and how many seeds reach 95%), how many of the 4
# patterns are solved (>= 90% correct over the last 1000 stimuli; XOR needs
# all 4, a network without hidden units can solve at most 3) and how often
# the correct and the wrong output spike in a window (equal rates: chance),
# means over seeds.
. "$(cd "$(dirname "$0")" && pwd)/../common.sh"
if [ $FAST = 1 ]; then SEEDS=1-3; DUR=20s; else SEEDS=1-20; DUR=4000s; fi
mkdir -p "$OUT/task"
"$SUPERSPIKE" task xor --out "$OUT/task" --duration $DUR --seed 1 > "$OUT/task/log.txt" 2>&1 ||
  { cat "$OUT/task/log.txt" >&2; exit 1; }
STIM="$OUT/task/stimuli.txt"
set -- --seeds $SEEDS --set run.duration=$DUR --set "in.file=$OUT/task/input.ras" --set "out.stimuli=$STIM"
sweep "$HERE/fig5.ini" "$OUT/runs" "$@" --grid hid.feedback=random,symmetric,uniform
sweep "$HERE/fig5.ini" "$OUT/reg" "$@" --set in_hid.regularizer=1
sweep "$HERE/fig5_nohidden.ini" "$OUT/nohidden" "$@"
# 8 hidden units: initial hid->out weights N(0, (50 mV / sqrt(8))^2)
sweep "$HERE/fig5.ini" "$OUT/h8" "$@" --set hid.size=8 --set "hid_out.weight=normal(0 mV, 17.68 mV)"

# judge DIR: one line per seed "seed acc_last100 acc_last1000 patterns_solved
# hit_rate wrong_rate" (the last two over the last 1000 stimuli: how often
# the correct output spiked in the window, how often the other one did)
judge() {
  for d in "$1"/seed-*; do
    awk -v s="${d##*/seed-}" 'FNR == NR { if (!/^#/) pat[++n] = $3; next }
      /^#/ { next }
      { k++; ok[k] = $4; p[k] = pat[k]; hit[k] = $3; wr[k] = ($5 > 0) }
      END { a = 0; for (i = k - 99; i <= k; i++) a += ok[i]
            m = k < 1000 ? k : 1000; b = 0; h = 0; w = 0
            for (i = k - m + 1; i <= k; i++) { b += ok[i]; h += hit[i]; w += wr[i]; np[p[i]]++; cp[p[i]] += ok[i] }
            solved = 0; for (q = 0; q < 4; q++) if (np[q] && cp[q] >= 0.9 * np[q]) solved++
            printf "%s %.4g %.4g %d %.4g %.4g\n", s, a / 100, b / m, solved, h / m, w / m }' "$STIM" "$d/out_classification.dat"
  done
}
report() { # NAME DIR
  judge "$2" > "$OUT/$1.judged"
  awk -v k="$1" '{ n++; a += $2; p += ($2 == 1); b += $3; q += ($3 >= 0.95); s += $4; h += $5; w += $6 }
    END { printf "%s_accuracy_mean %.4g\n%s_perfect_seeds %d/%d\n%s_accuracy_last1000_mean %.4g\n", k, a / n, k, p, n, k, b / n
          printf "%s_seeds_above_95pc %d/%d\n%s_patterns_solved_mean %.3g\n", k, q, n, k, s / n
          printf "%s_hit_rate_mean %.4g\n%s_wrong_rate_mean %.4g\n", k, h / n, k, w / n }' "$OUT/$1.judged" |
  while read -r key val; do say "$key" "$val"; done
}
report random "$OUT/runs/feedback=random"
report random_reg "$OUT/reg/all"
report nohidden "$OUT/nohidden/all"
report symmetric "$OUT/runs/feedback=symmetric"
report uniform "$OUT/runs/feedback=uniform"
report random8 "$OUT/h8/all"
# panel b: the random-feedback run with the best accuracy (last 1000 stimuli)
best=$(sort -k3,3nr -k1,1n "$OUT/random.judged" | awk 'NR == 1 { print $1 }')
say random_example_seed "$best"
plot fig5.gp run="$OUT/runs/feedback=random/seed-$best" stim="$STIM"
finish

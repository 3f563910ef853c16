# fig4.gp - paper Fig. 4: a network with 4 hidden units learns five timed
# spikes.  (a) before and (b) after training with random feedback, stacked:
# output error, output U with threshold and targets, the 4 hidden units' U
# (offset, threshold dashed, spikes as ticks), input raster; (c-e) cost of
# every run (grey) and mean (black) for random, symmetric and uniform
# feedback, dashed in (c): mean of random feedback to 8 hidden units, red:
# runs whose random feedback weights are all negative (if any).
# Variables: plotsdir, outfile, term (pdf|png), run (one run's output
# directory), runs (sweep directory: runs/feedback=MODE/seed-*, and
# runs/../h8/all/mean_curve.dat for the 8 hidden units, runs/../negative/seed-*).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 6.0) } else { eval set_png(10, 8.5) }
set output outfile
targets = "0.083 0.166 0.249 0.332 0.415"
theta = -50
off = 25          # mV between the hidden units' traces
set multiplot
lm = 0.08; w = 0.40; gap = 0.08
do for [k = 0:1] {
  tag = k ? 'last' : 'first'
  x0 = lm + k * (w + gap)
  t0 = k ? real(system("awk '/^[0-9]/ {t=$1} END {print t - 0.5}' ".run."/learning_curve.dat")) : 0
  set lmargin at screen x0; set rmargin at screen x0 + w
  set xrange [0:0.5]; unset xlabel; set format x ''; set xtics 0.1
  # error
  set tmargin at screen 0.95; set bmargin at screen 0.875
  set ylabel 'error (1/s)' offset 1; set ytics 50; set yrange [*:*]
  set label 1 (k ? 'b  after training' : 'a  before training') at screen x0 - 0.06, 0.98 font ',11'
  plot 0 with lines dt 3 lc rgb '#999999', \
       run.'/out_error_'.tag.'.dat' using ($1 - t0):2 with lines ls 5
  unset label 1
  # output membrane potential, threshold, targets
  set tmargin at screen 0.865; set bmargin at screen 0.76
  set ylabel 'U_{out} (mV)'; set ytics 10; set yrange [-75:-38]
  plot theta with lines ls 3 dt 2, \
       run.'/out_U_'.tag.'.dat' using ($1 - t0):3 with lines ls 1, \
       for [tt in targets] '+' using (real(tt)):(-41) every ::0::0 with points ls 3 pt 9 ps 0.8
  # hidden units: U offset by `off` per unit, threshold dashed, spikes
  set tmargin at screen 0.75; set bmargin at screen 0.53
  set ylabel 'hidden U (unit)' offset 0; set ytics ('1' -60, '2' -60 + off, '3' -60 + 2 * off, '4' -60 + 3 * off)
  set yrange [-72:-60 + 3 * off + 16]
  # (the spike file is empty when the layer is silent: then no spikes)
  hf = run.'/hid_'.tag.'.ras'
  hU = 'for [i = 0:3] theta + i * off with lines lc rgb "#d62728" lw 0.6 dt 2, ' . \
       'for [i = 0:3] run."/hid_U_".tag.".dat" every 4::i using ($1 - t0):($3 + i * off) with lines lc rgb "#7b3294" lw 0.8'
  if (system('test -s '.hf.' && echo 1') eq '1') {
    eval 'plot '.hU.', hf using ($1 - t0):($2 < 4 ? theta + 4 + $2 * off : 1/0) with points lc rgb "#7b3294" pt 7 ps 0.3'
  } else {
    eval 'plot '.hU
  }
  # input raster
  set tmargin at screen 0.52; set bmargin at screen 0.40
  set xlabel 'time (s)' offset 0, 0.5; set format x '%g'; set ylabel 'input'; set ytics 50; set yrange [0:100]
  plot run.'/in_'.tag.'.ras' using ($1 - t0):2 with points ls 1 pt 7 ps 0.12
}
# ---- (c-e) learning curves
modes = 'random symmetric uniform'
array tags[3] = ['c  random', 'd  symmetric', 'e  uniform']
w3 = 0.26; gap3 = 0.05
set tmargin at screen 0.30; set bmargin at screen 0.07
set yrange [*:*]; stats runs.'/feedback=random/mean_curve.dat' using 1 nooutput
set xlabel 'training time (s)' offset 0, 0; set xrange [0:STATS_max]; set xtics STATS_max / 4
set logscale y; set format y '10^{%T}'; set yrange [1e-3:300]; set ytics auto
set key bottom left samplen 2 font ',8'
do for [k = 1:3] {
  x0 = lm + (k - 1) * (w3 + gap3)
  set lmargin at screen x0; set rmargin at screen x0 + w3
  set label 1 tags[k] at screen x0 - 0.06, 0.33 font ',11'
  if (k == 1) { set ylabel 'cost' offset 0 } else { unset ylabel }
  d = runs.'/feedback='.word(modes, k)
  files = system('ls '.d.'/seed-*/learning_curve.dat')
  negf = system('ls '.runs.'/../negative/seed-*/learning_curve.dat 2>/dev/null')
  if (k == 1) {
    plot for [f in files] f every 4 using 1:($2 > 0 ? $2 : 1/0) with lines ls 2 lw 0.6, \
         d.'/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 2 title '4 hidden, mean', \
         runs.'/../h8/all/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 1.5 dt 2 title '8 hidden, mean', \
         for [f in negf] f using 1:($2 > 0 ? $2 : 1/0) with lines ls 3 lw 0.8 title (f eq word(negf, 1) ? 'all B < 0' : '')
  } else {
    plot for [f in files] f every 4 using 1:($2 > 0 ? $2 : 1/0) with lines ls 2 lw 0.6, \
         d.'/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 2
  }
  unset label 1
}
unset multiplot

# fig2.gp - paper Fig. 2: (a) before and (b) after learning: error signal,
# membrane potential with threshold and target times, input raster;
# (c) spike timing plot; (d) learning curves of all runs (grey) and mean.
# Variables: plotsdir, outfile, term (pdf|png), run (one run's output
# directory), mean (mean_curve.dat), runs (directory of seed-* runs).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 5.0) } else { eval set_png(10, 7) }
set output outfile
targets = "0.083 0.166 0.249 0.332 0.415"
theta = -50
set multiplot
lm = 0.08; w = 0.26; gap = 0.06
# ---- (a) and (b): three stacked panels each
do for [k = 0:1] {
  tag = k ? 'last' : 'first'
  x0 = lm + k * (w + gap)
  t0 = k ? real(system("awk '/^[0-9]/ {t=$1} END {print t - 0.5}' ".run."/learning_curve.dat")) : 0
  set lmargin at screen x0; set rmargin at screen x0 + w
  # error
  set tmargin at screen 0.95; set bmargin at screen 0.83
  unset xlabel; set format x ''; set ylabel 'error'; set ytics 50
  set xrange [0:0.5]; set yrange [*:*]
  set label 1 (k ? 'b  after training' : 'a  before training') at screen x0 - 0.05, 0.98 font ',11'
  plot 0 with lines dt 3 lc rgb '#999999', \
       run.'/out_error_'.tag.'.dat' using ($1 - t0):2 with lines ls 5
  unset label 1
  # membrane potential, threshold, targets
  set tmargin at screen 0.81; set bmargin at screen 0.62
  set ylabel 'U (mV)'; set ytics 10; set yrange [-75:-40]
  plot theta with lines ls 3 dt 2, \
       run.'/out_U_'.tag.'.dat' using ($1 - t0):3 with lines ls 1, \
       for [tt in targets] '+' using (real(tt)):(-42) every ::0::0 with points ls 3 pt 9 ps 0.8
  # input raster
  set tmargin at screen 0.60; set bmargin at screen 0.40
  set xlabel 'time (s)'; set format x '%g'; set ylabel 'input'; set ytics 50; set yrange [0:100]
  plot run.'/in_'.tag.'.ras' using ($1 - t0):2 with points ls 1 pt 7 ps 0.15
}
# ---- (c) spike timing plot
x0 = lm + 2 * (w + gap)
set lmargin at screen x0; set rmargin at screen 0.98
set tmargin at screen 0.95; set bmargin at screen 0.40
set label 1 'c' at screen x0 - 0.05, 0.98 font ',11'
set xlabel 'time in trial (s)'; set ylabel 'training time (s)' offset 1.5; set xrange [0:0.5]; set yrange [*:*] reverse
set ytics auto; set xtics 0.1
plot for [tt in targets] '+' using (real(tt)):(0) every ::0::0 with impulses ls 3, \
     run.'/out_spikes.ras' using (($1 / 0.5 - floor($1 / 0.5)) * 0.5):1 with dots ls 1
unset label 1
set yrange [*:*] noreverse
# ---- (d) learning curves
set lmargin at screen lm; set rmargin at screen 0.98
set tmargin at screen 0.30; set bmargin at screen 0.07
set label 1 'd' at screen lm - 0.05, 0.33 font ',11'
set xlabel 'training time (s)'; set ylabel 'cost'; set xrange [*:*]; set xtics auto; set logscale y
set format y '10^{%T}'; set yrange [0.01:100]
files = system('ls '.runs.'/seed-*/learning_curve.dat')
plot for [f in files] f using 1:($2 > 0 ? $2 : 1/0) with lines ls 2, \
     mean using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 2
unset multiplot

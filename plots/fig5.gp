# fig5.gp - paper Fig. 5: XOR-like classification.  (b) the last second of
# a trained random-feedback network: output spikes (one neuron per class),
# hidden spikes, input raster with the stimuli shaded (10 ms pattern dark,
# rest of the 25 ms window light; blue class 1, orange class 0); (c-f) cost
# (top) and accuracy over the last 100 stimuli (bottom) of every run (grey)
# and mean (black) for random feedback (c, green: mean
# with the regularizer, dashed: mean with 8 hidden units), no hidden layer
# (d), symmetric (e) and uniform (f) feedback.
# Variables: plotsdir, outfile, term (pdf|png), dir (run.sh's output:
# dir/runs/feedback=MODE, dir/reg/all, dir/nohidden/all, dir/h8/all), run (the example
# run's directory), stim (the task's stimuli.txt).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 6.0) } else { eval set_png(10, 8.5) }
set output outfile
c1 = '#1f77b4'; c0 = '#ff7f0e'
t0 = real(system("awk '/^[0-9]/ {t=$1} END {print t - 1}' ".run."/learning_curve.dat"))
set multiplot
lm = 0.08; rm = 0.97
set lmargin at screen lm; set rmargin at screen rm
set xrange [0:1]; unset xlabel; set format x ''; set xtics 0.1
# stimuli as boxes: pattern [onset, +10 ms] and window [onset, +25 ms]
inwin(t) = t >= t0 && t < t0 + 1
set style fill solid 1.0 noborder
# ---- (b) output spikes
set tmargin at screen 0.96; set bmargin at screen 0.90
set label 1 'b' at screen lm - 0.06, 0.98 font ',11'
set ylabel 'output' offset -1; set yrange [-0.7:1.7]; set ytics ('0' 0, '1' 1)
plot stim using ($1 - t0 + 0.0125):(inwin($1) && $2 == 1 ? 0.5 : 1/0):(0.0125):(1.2) with boxxyerror lc rgb '#dceaf6', \
     stim using ($1 - t0 + 0.0125):(inwin($1) && $2 == 0 ? 0.5 : 1/0):(0.0125):(1.2) with boxxyerror lc rgb '#fde7d3', \
     run.'/out_last.ras' using ($1 - t0):($2 == 1 ? 1 : 1/0) with points pt 7 ps 0.6 lc rgb c1, \
     run.'/out_last.ras' using ($1 - t0):($2 == 0 ? 0 : 1/0) with points pt 7 ps 0.6 lc rgb c0
unset label 1
# ---- hidden spikes
set tmargin at screen 0.885; set bmargin at screen 0.81
set ylabel 'hidden' offset -1; set yrange [-0.7:3.7]; set ytics ('1' 0, '4' 3)
plot stim using ($1 - t0 + 0.0125):(inwin($1) ? 1.5 : 1/0):(0.0125):(2.2) with boxxyerror lc rgb '#eeeeee', \
     run.'/hid_last.ras' using ($1 - t0):2 with points pt 7 ps 0.35 lc rgb '#7b3294'
# ---- input raster
set tmargin at screen 0.795; set bmargin at screen 0.56
set xlabel 'time (s)' offset 0, 0.5; set format x '%g'
set ylabel 'input'; set yrange [0:100]; set ytics 50
plot stim using ($1 - t0 + 0.0125):(inwin($1) && $2 == 1 ? 50 : 1/0):(0.0125):(50) with boxxyerror lc rgb '#dceaf6', \
     stim using ($1 - t0 + 0.0125):(inwin($1) && $2 == 0 ? 50 : 1/0):(0.0125):(50) with boxxyerror lc rgb '#fde7d3', \
     stim using ($1 - t0 + 0.005):(inwin($1) && $2 == 1 ? 50 : 1/0):(0.005):(50) with boxxyerror lc rgb '#9ecae1', \
     stim using ($1 - t0 + 0.005):(inwin($1) && $2 == 0 ? 50 : 1/0):(0.005):(50) with boxxyerror lc rgb '#fdbe85', \
     run.'/in_last.ras' using ($1 - t0):2 with points ls 1 pt 7 ps 0.12
# ---- (c-f) learning curves: cost (top row) and accuracy over the last 100
# stimuli (bottom row); the accuracy is the last column of learning_curve.dat
# (column 9 with a hidden layer, 8 without)
set yrange [*:*]; stats dir.'/runs/feedback=random/mean_curve.dat' using 1 nooutput
tmax = STATS_max
array tags[4] = ['c  random', 'd  no hidden layer', 'e  symmetric', 'f  uniform']
array dirs[4] = ['/runs/feedback=random', '/nohidden/all', '/runs/feedback=symmetric', '/runs/feedback=uniform']
array acol[4] = [9, 8, 9, 9]
w4 = 0.19; gap4 = 0.0467
set xrange [0:tmax]; set xtics tmax / 2
set key bottom left samplen 2 font ',8'
do for [k = 1:4] {
  x0 = lm + (k - 1) * (w4 + gap4)
  set lmargin at screen x0; set rmargin at screen x0 + w4
  d = dir.dirs[k]
  files = system('ls '.d.'/seed-*/learning_curve.dat')
  # cost
  set tmargin at screen 0.45; set bmargin at screen 0.28
  unset xlabel; set format x ''
  set logscale y; set yrange [1e-2:100]; set ytics auto
  set label 1 tags[k] at screen x0 - 0.06, 0.48 font ',11'
  if (k == 1) { set ylabel 'cost'; set format y '10^{%T}' } else { unset ylabel; set format y '' }
  if (k == 1) {
    plot for [f in files] f every 4 using 1:($2 > 0 ? $2 : 1/0) with lines ls 2 lw 0.6, \
         d.'/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 2 title 'mean', \
         dir.'/reg/all/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 5 lw 2 title 'mean, regularizer', \
         dir.'/h8/all/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 1.5 dt 2 title 'mean, 8 hidden'
  } else {
    plot for [f in files] f every 4 using 1:($2 > 0 ? $2 : 1/0) with lines ls 2 lw 0.6, \
         d.'/mean_curve.dat' using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 lw 2
  }
  unset label 1
  # accuracy
  set tmargin at screen 0.26; set bmargin at screen 0.08
  set xlabel 'training time (s)'; set format x '%g'
  unset logscale y; set yrange [0:1.05]; set ytics 0.5
  if (k == 1) { set ylabel 'accuracy'; set format y '%g' } else { unset ylabel; set format y '' }
  a = acol[k]
  if (k == 1) {
    plot for [f in files] f every 4 using 1:a with lines ls 2 lw 0.6, \
         d.'/mean_accuracy_last100.dat' using 1:2 with lines ls 1 lw 2, \
         dir.'/reg/all/mean_accuracy_last100.dat' using 1:2 with lines ls 5 lw 2, \
         dir.'/h8/all/mean_accuracy_last100.dat' using 1:2 with lines ls 1 lw 1.5 dt 2
  } else {
    plot for [f in files] f every 4 using 1:a with lines ls 2 lw 0.6, \
         d.'/mean_accuracy_last100.dat' using 1:2 with lines ls 1 lw 2
  }
}
unset multiplot

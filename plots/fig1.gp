# fig1.gp - paper Fig. 1: cost against training time for a fixed learning
# rate, RMSprop and RMaxProp (one panel each), one curve per r0.
# Variables: plotsdir, outfile, term (pdf|png), dir (run.sh's output: the
# runs are dir/OPT/r0=RmV/seed-1), r0s (the r0 values x 1e-3, blank-separated).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 2.4) } else { eval set_png(10, 3.4) }
set output outfile
# one colour per r0, dark (large r0) to light (small r0)
array col[5] = ['#08306b', '#2171b5', '#6baed6', '#fd8d3c', '#d94801']
opts = 'fixed rmsprop rmaxprop'
array title[3] = ['Fixed', 'RMSprop', 'RMaxProp']
array tag[3] = ['a', 'b', 'c']
set multiplot
lm = 0.07; w = 0.275; gap = 0.04
set tmargin at screen 0.88; set bmargin at screen 0.17
stats dir.'/rmaxprop/r0='.word(r0s, 1).'mV/seed-1/learning_curve.dat' using 1 nooutput
set logscale y; set format y '10^{%T}'; set yrange [1e-3:200]
set xlabel 'training time (s)'
set xrange [0:STATS_max]; set xtics STATS_max / 4
set key bottom left samplen 1.5 spacing 0.9 font ',8'
do for [k = 1:3] {
  x0 = lm + (k - 1) * (w + gap)
  set lmargin at screen x0; set rmargin at screen x0 + w
  set title title[k] offset 0, -0.6
  set label 1 tag[k] at screen x0 - 0.04, 0.95 font ',11'
  if (k == 1) { set ylabel 'cost'; set format y '10^{%T}' } else { unset ylabel; set format y '' }
  o = word(opts, k)
  plot for [i = 1:words(r0s)] dir.'/'.o.'/r0='.word(r0s, i).'mV/seed-1/learning_curve.dat' \
       using 1:($2 > 0 ? $2 : 1/0) with lines lw 1.5 lc rgb col[i] \
       title (k == 1 ? 'r_0 = '.word(r0s, i).'{/Symbol \327}10^{-3}' : '')
  unset label 1
}
unset multiplot

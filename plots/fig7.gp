# fig7.gp - paper Fig. 7: (a) cost vs time at the largest n_h for every
# condition (dashed: learning on, dotted: r0 / 10); (b) final cost vs n_h
# for symmetric, random and random + regularizer feedback, dashed: no hidden
# layer; (c) final costs at the largest n_h; (d-g) output raster of the last
# loop and histogram of the hidden rates for symmetric, random, random +
# reg. and symmetric linear.
# Variables: plotsdir, outfile, term (pdf|png), runs (directory of the runs
# COND-NH/ and nohid/), nh (the n_h values, blank-separated), nhmax, burn,
# div (learning-on and r0 / 10 times, s), dur (run duration, s).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 5.6) } else { eval set_png(10, 8) }
set output outfile
ps = (term eq 'pdf') ? 0.1 : 0.15
bin(x, w) = w * floor(x / w) + w / 2.0
# a round tic step near x: 1, 2 or 5 times a power of ten
nice(x) = (p = 10**floor(log10(x)), m = x / p, (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p)
t_last = real(dur) - 3.5
# the conditions: directory prefix, title, colour
conds = 'sym lin fixed rand reg unif'
title(c) = c eq 'sym' ? 'symmetric' : c eq 'lin' ? 'symm. linear' : c eq 'fixed' ? 'fixed hidden' : \
           c eq 'rand' ? 'random' : c eq 'reg' ? 'random + reg.' : c eq 'unif' ? 'uniform' : c
colour(c) = c eq 'sym' ? '#000000' : c eq 'lin' ? '#1f77b4' : c eq 'fixed' ? '#999999' : \
            c eq 'rand' ? '#d62728' : c eq 'reg' ? '#2ca02c' : '#ff7f0e'
curve(c, n) = runs.'/'.c.'-'.n.'/learning_curve.dat'
stats runs.'/nohid/learning_curve.dat' using (nohid = $2) nooutput
set multiplot
# ---- (a) cost vs time, largest n_h
set lmargin at screen 0.07; set rmargin at screen 0.36
set tmargin at screen 0.95; set bmargin at screen 0.62
set label 1 sprintf('a  n_h = %s', nhmax) at screen 0.01, 0.98 font ',11'
set xlabel 'time (s)' offset 0, 0.5; set ylabel 'cost' offset 1.5
set xrange [0:*]; set yrange [0:45]
set arrow 1 from first real(burn), graph 0 to first real(burn), graph 1 nohead dt 2 lc rgb '#555555'
set arrow 2 from first real(div), graph 0 to first real(div), graph 1 nohead dt 3 lc rgb '#555555'
set key top right samplen 1.5 spacing 0.9 font ',7' opaque
plot for [c in conds] curve(c, nhmax) using 1:2 with lines lw 1.2 lc rgb colour(c) title title(c), \
     runs.'/nohid/learning_curve.dat' using 1:2 with lines lw 1.2 dt 2 lc rgb '#000000' title 'no hidden'
unset arrow 1; unset arrow 2; unset label 1; set key noautotitle
# ---- (b) final cost vs n_h
set lmargin at screen 0.44; set rmargin at screen 0.66
set label 1 'b' at screen 0.40, 0.98 font ',11'
set logscale x 2; set xrange [*:*]; set xlabel 'hidden units n_h'; set ylabel 'final cost'
set print $B
do for [n in nh] {
  line = n
  do for [c in 'sym rand reg'] { stats curve(c, n) using (v = $2) nooutput; line = line.sprintf(' %g', v) }
  print line
}
unset print
nmin = real(word(nh, 1)); nmax = real(nhmax)
set xrange [nmin / 1.4:nmax * 1.4]; set yrange [0:*]
set key top right font ',7' samplen 1.5
plot for [k = 1:3] $B using 1:(column(k + 1)) with linespoints lw 1.2 pt 7 ps 0.5 \
         lc rgb colour(word('sym rand reg', k)) title title(word('sym rand reg', k)), \
     nohid with lines dt 2 lc rgb '#000000' title 'no hidden'
unset logscale x; unset label 1; set key noautotitle
# ---- (c) bars at the largest n_h
set lmargin at screen 0.73; set rmargin at screen 0.98
set label 1 sprintf('c  n_h = %s', nhmax) at screen 0.69, 0.98 font ',11'
set print $C
do for [k = 1:words(conds)] { c = word(conds, k); stats curve(c, nhmax) using (v = $2) nooutput
  print sprintf('%d "%s" %g "%s"', k, title(c), v, colour(c)) }
unset print
set xrange [0.4:words(conds) + 0.6]; set yrange [0:*]; unset xlabel
set xtics rotate by 40 right font ',8' scale 0; set boxwidth 0.7; set style fill solid 0.8 noborder
plot for [k = 1:words(conds)] $C every ::k - 1::k - 1 using 1:3:xticlabels(2) with boxes lc rgb colour(word(conds, k)), \
     nohid with lines dt 2 lc rgb '#000000'
set xtics norotate font '' scale 0.6 auto
unset label 1
# ---- (d-g) output raster of the last loop + hidden rates
panels = 'sym rand reg lin'
do for [k = 1:4] {
  c = word(panels, k)
  x0 = 0.07 + (k - 1) * 0.235; x1 = x0 + 0.19
  set lmargin at screen x0; set rmargin at screen x1
  set tmargin at screen 0.50; set bmargin at screen 0.28
  set label 1 sprintf('%s  %s', word('d e f g', k), title(c)) at screen x0 - 0.05, 0.535 font ',11'
  set xrange [0:3.5]; set yrange [0:100]; set xtics 1; set ytics 50
  set xlabel 'time (s)' offset 0, 0.6; set ylabel (k == 1 ? 'output' : '') offset 1.5
  plot runs.'/'.c.'-'.nhmax.'/out_last.ras' using ($1 - t_last):2 with points pt 7 ps ps lc rgb colour(c)
  unset label 1
  set tmargin at screen 0.19; set bmargin at screen 0.07
  f = runs.'/'.c.'-'.nhmax.'/hid_neurons.dat'
  set xrange [*:*]; set yrange [*:*]
  set table $H
  plot f using (bin($3, 5)):(1) smooth frequency
  unset table
  stats $H using 1:2 nooutput
  set xrange [0:*]; set yrange [0:*]; set xtics nice(STATS_max_x / 3); set ytics nice(STATS_max_y / 2.5)
  set xlabel 'hidden rate (Hz)'; set ylabel (k == 1 ? 'neurons' : '')
  set boxwidth 5 absolute
  plot f using (bin($3, 5)):(1) smooth frequency with boxes lc rgb colour(c)
}
unset multiplot

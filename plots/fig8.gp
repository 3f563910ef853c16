# fig8.gp - paper Fig. 8: heterosynaptic regularizer -rho w z^a with random
# feedback: (a) final cost vs rho (log) for each exponent a, (b) mean hidden
# rate over the last loop vs rho; dashed: no regularizer (rho = 0).
# Variables: plotsdir, outfile, term (pdf|png), runs (the sweep directory:
# regularizer=RHO,het_exponent=A/seed-1/), rho0 (the rho = 0 sweep),
# rhos, as (the grid values, blank-separated).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 2.8) } else { eval set_png(10, 4) }
set output outfile
colour(a) = a eq '0' ? '#999999' : a eq '1' ? '#1f77b4' : a eq '2' ? '#2ca02c' : a eq '4' ? '#d62728' : '#000000'
curve(r, a) = runs.'/regularizer='.r.',het_exponent='.a.'/seed-1/learning_curve.dat'
# final cost (last row) and mean hidden rate (column 7, last 7 windows = one loop)
set print $D
do for [r in rhos] {
  line = r
  do for [a in as] {
    stats curve(r, a) using 1 nooutput; N = STATS_records
    stats curve(r, a) every ::(N - 7) using (c = $2, $7) nooutput
    line = line.sprintf(' %g %g', c, STATS_mean)
  }
  print line
}
unset print
f0 = rho0.'/all/seed-1/learning_curve.dat'
stats f0 using 1 nooutput; N = STATS_records
stats f0 every ::(N - 7) using (c0 = $2, $7) nooutput; r0 = STATS_mean
na = words(as)
set multiplot
set logscale x; set format x '10^{%L}'
rmin = real(word(rhos, 1)); rmax = real(word(rhos, words(rhos)))
set xrange [rmin / 2:rmax * 2]; set xlabel 'regularizer strength {/Symbol r}'
set key bottom left font ',8' samplen 1.5 spacing 0.9 opaque
set tmargin at screen 0.90; set bmargin at screen 0.18
# ---- (a) final cost
set lmargin at screen 0.08; set rmargin at screen 0.46
set label 1 'a' at screen 0.01, 0.95 font ',11'
set ylabel 'final cost'; set yrange [0:*]
plot for [k = 1:na] $D using 1:(column(2 * k)) with linespoints lw 1.2 pt 7 ps 0.5 lc rgb colour(word(as, k)) \
         title sprintf('a = %s', word(as, k)), \
     c0 with lines dt 2 lc rgb '#000000' title '{/Symbol r} = 0'
unset label 1
# ---- (b) hidden rate
set lmargin at screen 0.58; set rmargin at screen 0.96
set label 1 'b' at screen 0.51, 0.95 font ',11'
set ylabel 'hidden rate (Hz)'; set yrange [0:*]
set key center right opaque
plot for [k = 1:na] $D using 1:(column(2 * k + 1)) with linespoints lw 1.2 pt 7 ps 0.5 lc rgb colour(word(as, k)) \
         title sprintf('a = %s', word(as, k)), \
     r0 with lines dt 2 lc rgb '#000000' title '{/Symbol r} = 0'
unset multiplot

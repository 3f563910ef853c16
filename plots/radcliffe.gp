# radcliffe.gp - the reference code's Radcliffe Camera demo: (a) target
# raster, (b) output, hidden and input rasters of the last loop after
# training, (c) cost during training (dashed: learning on, dotted: r0 / 10).
# Variables: plotsdir, outfile, term (pdf|png), run (the run's directory),
# target (target raster), dur, burn, div (s).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 5.0) } else { eval set_png(10, 7) }
set output outfile
T = 1.89
ps = (term eq 'pdf') ? 0.08 : 0.12
set multiplot
# ---- (a) target
set lmargin at screen 0.07; set rmargin at screen 0.40
set tmargin at screen 0.93; set bmargin at screen 0.46
set label 1 'a  target' at screen 0.01, 0.97 font ',11'
set xlabel 'time (s)' offset 0, 0.5; set ylabel 'output neuron' offset 1
set xrange [0:T]; set yrange [0:200]; set xtics 0.5; set ytics 50
plot target using 1:2 with points ls 1 pt 7 ps ps
unset label 1
# ---- (c) cost
set tmargin at screen 0.33; set bmargin at screen 0.09
set label 1 'c' at screen 0.01, 0.37 font ',11'
set xlabel 'time (s)'; set ylabel 'cost' offset 1; set xrange [0:*]; set xtics auto; set ytics auto
set logscale y; set yrange [*:*]; set format y '10^{%T}'
set arrow 1 from first real(burn), graph 0 to first real(burn), graph 1 nohead dt 2 lc rgb '#555555'
set arrow 2 from first real(div), graph 0 to first real(div), graph 1 nohead dt 3 lc rgb '#555555'
set key top right font ',8' samplen 1.5
plot run.'/learning_curve.dat' using 1:3 with lines ls 2 title 'per window', \
     run.'/learning_curve.dat' using 1:2 with lines ls 1 title '10 s average'
set key noautotitle
unset arrow 1; unset arrow 2; unset logscale y; set format y '%g'; unset label 1
# ---- (b) output / hidden / input, last loop
set lmargin at screen 0.50; set rmargin at screen 0.98
set label 1 'b  after training (last loop)' at screen 0.44, 0.97 font ',11'
set xrange [0:T]; set xtics 0.5; unset xlabel; set format x ''
set tmargin at screen 0.93; set bmargin at screen 0.56
set ylabel 'output' offset 0; set yrange [0:200]; set ytics 50
plot run.'/out_last.ras' using ($1 - T * floor($1 / T)):2 with points ls 1 pt 7 ps ps
unset label 1
set tmargin at screen 0.54; set bmargin at screen 0.30
set ylabel 'hidden'; set yrange [0:256]; set ytics 128
plot run.'/hid_last.ras' using ($1 - T * floor($1 / T)):2 with points ls 4 pt 7 ps ps
set tmargin at screen 0.28; set bmargin at screen 0.09
set xlabel 'time in loop (s)'; set format x '%g'
set ylabel 'input'; set yrange [0:200]; set ytics 100
plot run.'/in_last.ras' using ($1 - T * floor($1 / T)):2 with points ls 2 pt 7 ps ps
unset multiplot

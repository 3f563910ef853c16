# fig6.gp - paper Fig. 6: (b) target raster; (c) output, hidden and input
# rasters of the last two loops, the arrow marks where learning stops;
# (d) hidden layer after learning: histograms of firing rate, ISI (log y)
# and ISI CV; (e) cost during training.
# Variables: plotsdir, outfile, term (pdf|png), run (a run's directory with
# *_end.ras, learning_curve.dat and the `superspike stats` tables
# hid_neurons.dat / hid_isi.dat), target (target raster), off (time at
# which learning stops, s), dur (run duration, s).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(7.0, 5.0) } else { eval set_png(10, 7) }
set output outfile
t_off = real(off); t_end = real(dur); t0 = t_end - 7.0
ps = (term eq 'pdf') ? 0.12 : 0.2
bin(x, w) = w * floor(x / w) + w / 2.0
set multiplot
set style fill solid 0.6 border lc rgb '#000000'
# ---- (b) target
set lmargin at screen 0.07; set rmargin at screen 0.33
set tmargin at screen 0.95; set bmargin at screen 0.42
set label 1 'b  target' at screen 0.01, 0.98 font ',11'
set xlabel 'time (s)'; set ylabel 'output neuron' offset 1
set xrange [0:3.5]; set yrange [0:100]; set xtics 1; set ytics 20
plot target using 1:2 with points ls 1 pt 7 ps ps
unset label 1
# ---- (c) output / hidden / input of the last two loops
set lmargin at screen 0.43; set rmargin at screen 0.98
set label 1 'c  after training' at screen 0.37, 0.98 font ',11'
set xrange [t0:t_end]; unset xlabel; set format x ''
set arrow 1 from first t_off, graph 1.12 to first t_off, graph 1.0 \
    head filled size screen 0.012, 25 lw 1.5 lc rgb '#d62728'
set label 2 'learning off' at first t_off + 0.08, graph 1.07 font ',8' tc rgb '#d62728'
set tmargin at screen 0.92; set bmargin at screen 0.70
set ylabel 'output'; set yrange [0:100]; set ytics 50
plot run.'/out_end.ras' using 1:2 with points ls 1 pt 7 ps ps
unset arrow 1; unset label 2; unset label 1
set tmargin at screen 0.68; set bmargin at screen 0.58
set ylabel 'hidden'; set yrange [0:32]; set ytics 16
plot run.'/hid_end.ras' using 1:2 with points ls 4 pt 7 ps ps
set tmargin at screen 0.56; set bmargin at screen 0.42
set xlabel 'time (s)' offset 0, 0.5; set format x '%g'; set xtics 1
set ylabel 'input'; set yrange [0:100]; set ytics 50
plot run.'/in_end.ras' using 1:2 with points ls 2 pt 7 ps ps
# ---- (d) histograms of the hidden layer (learning-off loop)
set tmargin at screen 0.29; set bmargin at screen 0.08
set xtics auto; set ytics auto; set yrange [0:*]; set xrange [*:*]
set ylabel 'neurons' offset 1
set lmargin at screen 0.07; set rmargin at screen 0.27
set label 1 'd  hidden layer after learning' at screen 0.01, 0.34 font ',11'
set xlabel 'rate (Hz)'; set xrange [0:*]
set boxwidth 5 absolute
plot run.'/hid_neurons.dat' using (bin($3, 5)):(1) smooth frequency with boxes ls 4 lc rgb '#1f77b4'
unset label 1
set lmargin at screen 0.33; set rmargin at screen 0.53
set xlabel 'ISI (ms)'; set ylabel 'count'; set logscale y; set yrange [0.8:*]; set xrange [0:300]
set boxwidth 10 absolute
plot run.'/hid_isi.dat' using (bin($1, 10)):(1) smooth frequency with boxes lc rgb '#1f77b4'
unset logscale y; set yrange [0:*]
set lmargin at screen 0.59; set rmargin at screen 0.74
set xlabel 'CV ISI'; set ylabel 'neurons'; set xrange [0:2]; set xtics 0.5
set boxwidth 0.1 absolute
plot run.'/hid_neurons.dat' using ($4 == $4 ? bin($4, 0.1) : 1/0):(1) smooth frequency with boxes lc rgb '#1f77b4'
# ---- (e) cost
set lmargin at screen 0.81; set rmargin at screen 0.98
set label 1 'e' at screen 0.77, 0.34 font ',11'
set xlabel 'time (s)'; set ylabel 'cost' offset 1; set xrange [0:*]; xstep = t_end > 600 ? 500 : 100; set xtics xstep; set yrange [0:*]
plot run.'/learning_curve.dat' using 1:2 with lines ls 1
unset multiplot

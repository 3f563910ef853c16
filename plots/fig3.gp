# fig3.gp - paper Fig. 3b: stacked traces of one input -> hidden synapse
# over the last 300 ms of a run: input spikes, presynaptic trace x, hidden
# and output membrane potentials, output error e, sigma'(U_hid), the
# eligibility lambda and the running integral of e lambda (dw before the
# optimizer).  Variables: plotsdir, outfile, term, run (output directory
# of examples/fig3/fig3.ini), pre (the presynaptic input's id).
load plotsdir.'/style.gp'
if (term eq 'pdf') { eval set_pdf(4.5, 7.0) } else { eval set_png(6, 9) }
set output outfile
syn = run.'/syn.dat'
t0 = real(system("awk '/^[0-9]/ { print $1; exit }' ".syn))
set multiplot layout 8, 1 margins 0.2, 0.95, 0.06, 0.98 spacing 0, 0.012
set xrange [0:300]
unset xtics
set ytics nomirror
set format x ''
set ylabel 'input' offset 0
set yrange [-0.5:0.5]; unset ytics
plot run.'/in_spikes.ras' using (($1 - t0) * 1000):($2 == real(pre) ? 0 : 1/0) with impulses ls 1, \
     '' using (($1 - t0) * 1000):($2 == real(pre) ? 0.5 : 1/0) with impulses ls 1
set ytics auto nomirror; set yrange [*:*]
set ylabel 'x'
plot syn using (($1 - t0) * 1000):2 with lines ls 4
set ytics auto
set ylabel 'U_{hid}'
plot run.'/hid_U.dat' using (($1 - t0) * 1000):3 with lines lc rgb '#9467bd' lw 1.5, -50 with lines ls 3 dt 2
set ylabel 'U_{out}'
plot run.'/out_U.dat' using (($1 - t0) * 1000):3 with lines ls 1, -50 with lines ls 3 dt 2
set ylabel 'e'
plot run.'/out_error_last.dat' using (($1 - t0) * 1000):2 with lines ls 5, 0 with lines dt 3 lc rgb '#999999'
set ylabel "{/Symbol s}'(U)"
plot syn using (($1 - t0) * 1000):4 with lines ls 1
set ylabel '{/Symbol l}'
plot syn using (($1 - t0) * 1000):6 with lines ls 4
set ylabel 'dw'
set xtics 50 nomirror; set format x '%g'; set xlabel 'time (ms)'
plot syn using (($1 - t0) * 1000):7 with lines ls 3, 0 with lines dt 3 lc rgb '#999999'
unset multiplot

# learning_curve.gp - cost against training time (log y) from learning_curve.dat.
# Variables (gnuplot -e): datafile, outfile (.png or .pdf), plotsdir.
if (!exists("plotsdir")) plotsdir = '.'
load plotsdir.'/style.gp'
if (!exists("datafile")) datafile = 'learning_curve.dat'
if (!exists("outfile")) outfile = 'learning_curve.png'
if (outfile[strlen(outfile)-3:] eq '.pdf') { eval set_pdf(4, 3) } else { eval set_png(6, 4) }
set output outfile
set xlabel 'training time (s)'
set ylabel 'cost'
set logscale y
plot datafile using 1:($2 > 0 ? $2 : 1/0) with lines ls 1 title 'moving average (10 s)', \
     datafile using 1:($3 > 0 ? $3 : 1/0) with lines ls 2 title 'per window'

# raster.gp - spike raster of one or two populations.
# Variables (gnuplot -e): datafile (time id, s), optional datafile2,
# outfile (.png or .pdf), plotsdir (directory of style.gp).
if (!exists("plotsdir")) plotsdir = '.'
load plotsdir.'/style.gp'
if (!exists("outfile")) outfile = 'raster.png'
if (outfile[strlen(outfile)-3:] eq '.pdf') { eval set_pdf(6, 3) } else { eval set_png(8, 4) }
set output outfile
set xlabel 'time (s)'
set ylabel 'neuron'
if (exists("datafile2")) {
  stats datafile using 2 nooutput
  off = STATS_max + 1
  plot datafile using 1:2 with dots ls 1, \
       datafile2 using 1:($2 + off) with dots ls 3
} else {
  plot datafile using 1:2 with dots ls 1
}

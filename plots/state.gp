# state.gp - membrane potential U (mV) against time from a state monitor file
# (`time id U I`: s, -, mV, mV), one line per recorded neuron, threshold dashed.
# Variables (gnuplot -e): datafile, outfile (.png or .pdf), plotsdir
# (directory of style.gp), optional theta (threshold in mV, default -50),
# optional column (3 = U, the default; 4 = I).
#   gnuplot -e "datafile='out/v.dat'; outfile='v.png'; plotsdir='plots'" plots/state.gp
if (!exists("plotsdir")) plotsdir = '.'
load plotsdir.'/style.gp'
if (!exists("datafile")) datafile = 'v.dat'
if (!exists("outfile")) outfile = 'state.png'
if (!exists("theta")) theta = -50
if (!exists("column")) column = 3
if (outfile[strlen(outfile)-3:] eq '.pdf') { eval set_pdf(6, 3) } else { eval set_png(8, 4) }
set output outfile
# Samples are written time by time, the recorded neurons in the same order at
# every time: n = number of rows at the first sample time, and neuron j's
# rows are every n-th row from row j.
stats datafile using 1 nooutput
t0 = STATS_min
stats datafile using ($1 == t0 ? 1 : 0) nooutput
n = int(STATS_sum)
ids = ''
do for [j = 0:n-1] {
  stats datafile every n::j using 2 nooutput
  ids = ids.sprintf(' %d', int(STATS_min))
}
set offsets 0, 0, graph 0.05, graph 0.05
set xlabel 'time (ms)'
set ylabel (column == 4 ? 'I (mV)' : 'U (mV)')
if (n > 1) { set key top right samplen 2 } else { set key noautotitle }
colors = '1 4 5 2'
plot for [j = 0:n-1] datafile every n::j using ($1 * 1000):column with lines \
       ls int(word(colors, j % 4 + 1)) title (n > 1 ? 'neuron '.word(ids, j + 1) : ''), \
     (column == 3 ? theta : 1/0) with lines ls 3 dt 2 notitle

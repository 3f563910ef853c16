# style.gp - shared publication style of every superspike figure.
# Load it first:  load plotsdir.'/style.gp'
set encoding utf8
set border 3 lw 1.2
set tics nomirror out scale 0.6
set key noautotitle
set style line 1 lc rgb '#000000' lw 1.5 pt 7 ps 0.25   # black: means, spikes
set style line 2 lc rgb '#999999' lw 1.0 pt 7 ps 0.25   # grey: individual runs
set style line 3 lc rgb '#d62728' lw 1.5 pt 7 ps 0.25   # red: targets, thresholds
set style line 4 lc rgb '#1f77b4' lw 1.5 pt 7 ps 0.25   # blue: second population
set style line 5 lc rgb '#2ca02c' lw 1.5 pt 7 ps 0.25   # green: variants
# terminals: call set_png(w,h) or set_pdf(w,h) (inches) before plotting
set_png(w, h) = sprintf("set terminal pngcairo size %d,%d font 'Helvetica,11' enhanced", w*100, h*100)
set_pdf(w, h) = sprintf("set terminal pdfcairo size %gin,%gin font 'Helvetica,9' enhanced", w, h)

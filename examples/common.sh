# common.sh - shared by the examples' run.sh scripts (sourced, POSIX sh).
#
# Every figure script takes:  [--fast] [-j N] [--out DIR]
# and finds its tools through the environment (set by `make figure-N`):
#   SUPERSPIKE  the superspike program   (default: superspike on PATH)
#   SS_PLOTS    the plots/ directory     (default: ../../plots from the script)
#   GNUPLOT     gnuplot                  (default: gnuplot; empty: no figure)
# --fast: few seeds and short training, for CI smoke runs.
set -eu
FAST=0
JOBS=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) FAST=1 ;;
    -j) JOBS="$2"; shift ;;
    -j*) JOBS="${1#-j}" ;;
    --out) OUT="$2"; shift ;;
    -h|--help) echo "usage: $0 [--fast] [-j N] [--out DIR]"; exit 0 ;;
    *) echo "$0: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
HERE=$(cd "$(dirname "$0")" && pwd)
SUPERSPIKE=${SUPERSPIKE:-superspike}
SS_PLOTS=${SS_PLOTS:-$HERE/../../plots}
GNUPLOT=${GNUPLOT-gnuplot}
[ -n "$OUT" ] || OUT=$(basename "$HERE")-out
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
JOPT=""
[ -z "$JOBS" ] || JOPT="-j $JOBS"
RESULTS="$OUT/results.txt"
: > "$RESULTS.tmp"

# say KEY VALUE...: one line of the figure's results (results.txt)
say() { echo "$*" >> "$RESULTS.tmp"; echo "  $*"; }

# sweep CONFIG DIR [sweep options...]
sweep() {
  cfg=$1; dir=$2; shift 2
  # shellcheck disable=SC2086
  "$SUPERSPIKE" sweep "$cfg" --out "$dir" $JOPT -q "$@"
}

# plot SCRIPT VAR=VALUE...: draw SCRIPT (in SS_PLOTS) to OUT/NAME.pdf and .png
plot() {
  gp=$1; shift
  name=$(basename "$gp" .gp)
  if [ -z "$GNUPLOT" ] || ! command -v "$GNUPLOT" >/dev/null 2>&1; then
    echo "gnuplot not found: $name not drawn" >&2
    return 0
  fi
  vars="plotsdir='$SS_PLOTS'; dir='$OUT'"
  for kv in "$@"; do vars="$vars; ${kv%%=*}='${kv#*=}'"; done
  for ext in pdf png; do
    "$GNUPLOT" -e "$vars; outfile='$OUT/$name.$ext.tmp'; term='$ext'" "$SS_PLOTS/$gp"
    mv "$OUT/$name.$ext.tmp" "$OUT/$name.$ext"
  done
  echo "figure: $OUT/$name.pdf"
}

# tsv_mean FILE COLUMN [FILTER-REGEX]: mean of a named column of a sweep's
# runs.tsv over the rows whose first field matches FILTER; say()s it
tsv_mean() {
  v=$(awk -F'\t' -v c="$2" -v f="${3:-.}" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
      $1 ~ f && $NF == "ok" { s += $k; n++ } END { if (n) printf "%.4g", s / n; else print "nan" }' "$1")
  say "${4:-$2}_mean" "$v"
}

# finish: commit results.txt
finish() { mv "$RESULTS.tmp" "$RESULTS"; }

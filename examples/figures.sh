#!/bin/sh
# figures.sh - regenerate the paper's figures: runs examples/FIG/run.sh for
# every figure (or the ones named), prints each figure's path and the total
# wall time.  Used by `make figures`, `make figure-N` and `make figures-fast`.
#   figures.sh [--fast] [--check] [-j N] [--out DIR] [FIG...]
# FIG: 1 2 3 4 5 6 7 8 radcliffe (default: all that exist).
# --check: afterwards, every figure must have its .pdf and .png, and every
# number in its results.txt must be finite (CI smoke test).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
FAST=""; CHECK=0; JOBS=""; OUT=figures; FIGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) FAST=--fast ;;
    --check) CHECK=1 ;;
    -j) JOBS="-j $2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "figures.sh: unknown option '$1'" >&2; exit 2 ;;
    *) FIGS="$FIGS $1" ;;
  esac
  shift
done
if [ -z "$FIGS" ]; then
  for f in 1 2 3 4 5 6 7 8 radcliffe; do
    d=fig$f; [ "$f" = radcliffe ] && d=radcliffe
    [ -f "$HERE/$d/run.sh" ] && FIGS="$FIGS $f"
  done
fi
mkdir -p "$OUT"
start=$(date +%s)
status=0
for f in $FIGS; do
  d=fig$f; [ "$f" = radcliffe ] && d=radcliffe
  if [ ! -f "$HERE/$d/run.sh" ]; then echo "figures.sh: no figure '$f'" >&2; exit 2; fi
  t0=$(date +%s)
  echo "== $d"
  # shellcheck disable=SC2086
  if ! sh "$HERE/$d/run.sh" $FAST $JOBS --out "$OUT/$d"; then
    echo "figures.sh: $d failed" >&2; status=1; continue
  fi
  echo "   $d: $(( $(date +%s) - t0 )) s"
  if [ $CHECK = 1 ]; then
    for ext in pdf png; do
      ls "$OUT/$d"/*."$ext" >/dev/null 2>&1 || { echo "figures.sh: $d: no .$ext figure" >&2; status=1; }
    done
    if [ ! -s "$OUT/$d/results.txt" ]; then echo "figures.sh: $d: no results.txt" >&2; status=1
    elif awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[-+]?(nan|inf)/) bad = 1 } END { exit !bad }' "$OUT/$d/results.txt"; then
      echo "figures.sh: $d: non-finite numbers in results.txt" >&2; status=1
    fi
  fi
done
echo "total: $(( $(date +%s) - start )) s"
exit $status

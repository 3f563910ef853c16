# testutil.sh - shared by the shell tests (sourced): a scratch directory $T
# (mktemp -d, removed at exit), and the check counters.
#   SS_TMP_NAME   prefix of the scratch directory (set before sourcing)
# Then: ok; fail MESSAGE; check DESCRIPTION COMMAND... (the command must
# succeed); finish with `test "$fails" -eq 0` after printing the counts.
T=$(mktemp -d "${TMPDIR:-/tmp}/${SS_TMP_NAME:-ss-test}.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
trap 'exit 99' HUP INT TERM

fails=0
checks=0
ok() { checks=$((checks + 1)); }
fail() {
  checks=$((checks + 1))
  fails=$((fails + 1))
  echo "FAIL: $*"
}
check() {
  d=$1
  shift
  if "$@"; then ok; else fail "$d"; fi
}

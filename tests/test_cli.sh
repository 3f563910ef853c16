#!/bin/sh
# test_cli.sh - command-line behaviour (filled in as the CLI grows).
set -eu
"$SS_BIN" --help >/dev/null
"$SS_BIN" --version >/dev/null
echo "ok"

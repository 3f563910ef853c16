#!/bin/sh
# test_sweep.sh - superspike sweep (being written)
exit 0

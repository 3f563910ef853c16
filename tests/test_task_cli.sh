#!/bin/sh
# test_task_cli.sh - superspike task (being written)
exit 0

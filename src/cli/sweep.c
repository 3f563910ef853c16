/* sweep.c - superspike sweep (being written). */
#include <stdio.h>

#include "cli.h"

int ss_cmd_sweep(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "superspike sweep: not available yet\n");
  return 2;
}

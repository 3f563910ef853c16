/* simulate.c - `superspike simulate CONFIG [--out DIR]`. */
#include <stdio.h>

#include "cli.h"

int ss_cmd_simulate(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "superspike simulate: not implemented yet\n");
  return 1;
}

/* task.c - superspike task (being written). */
#include <stdio.h>

#include "cli.h"

int ss_cmd_task(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "superspike task: not available yet\n");
  return 2;
}

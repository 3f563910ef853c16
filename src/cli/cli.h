/* cli.h - subcommands of the superspike program. */
#ifndef SS_CLI_H
#define SS_CLI_H

#include <stdio.h>

int ss_cmd_simulate(int argc, char **argv);

/* progress.c: one updating status line on a terminal (stderr), nothing
 * otherwise or when quiet. */
typedef struct ss_progress {
  int enabled;
  double t_total;       /* simulated ms */
  double wall_start;    /* s */
  double last_draw;     /* s */
} ss_progress;

double ss_wall_seconds(void);
void ss_progress_start(ss_progress *p, double t_total_ms, int quiet);
void ss_progress_update(ss_progress *p, double t_ms, unsigned long long events);
void ss_progress_finish(ss_progress *p);

#endif

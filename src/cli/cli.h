/* cli.h - subcommands of the superspike program. */
#ifndef SS_CLI_H
#define SS_CLI_H

#include <stdio.h>

/* argv[0] of the program (to find plots/ next to a build-tree binary). */
extern const char *ss_cli_argv0;

int ss_cmd_simulate(int argc, char **argv);
int ss_cmd_train(int argc, char **argv);
int ss_cmd_task(int argc, char **argv);
int ss_cmd_sweep(int argc, char **argv);
int ss_cmd_stats(int argc, char **argv);

/* options.c: CONFIG [--out DIR] [--set S.K=V]... [--engine E] [--dt DT]
 * [--method M] [--seed N] [--quiet], plus command-specific options with a
 * value (`extra`, NULL-terminated; their values land in extra_val).
 * Returns 0 to run, 1 after printing --help, -1 after an error message. */
typedef struct ss_cli_opts {
  const char *config, *out;
  const char **sets;
  int n_sets, quiet;
  char *owned[4];
  int n_owned;
} ss_cli_opts;

int ss_cli_parse(ss_cli_opts *o, int argc, char **argv, const char *cmd, void (*usage)(FILE *),
                 const char *const *extra, const char **extra_val);
void ss_cli_opts_free(ss_cli_opts *o);

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

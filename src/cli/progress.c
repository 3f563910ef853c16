/* progress.c - the only place that knows about terminals. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

double ss_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ss_progress_start(ss_progress *p, double t_total_ms, int quiet) {
  p->enabled = !quiet && isatty(fileno(stderr));
  p->t_total = t_total_ms;
  p->wall_start = ss_wall_seconds();
  p->last_draw = 0;
}

void ss_progress_update(ss_progress *p, double t_ms, unsigned long long events) {
  if (!p->enabled) return;
  double now = ss_wall_seconds();
  if (now - p->last_draw < 0.2) return;
  p->last_draw = now;
  double el = now - p->wall_start;
  double frac = p->t_total > 0 ? t_ms / p->t_total : 1.0;
  double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
  fprintf(stderr, "\r  t = %9.3f s / %.3f s  %5.1f%%  %10.3g events/s  ETA %6.1f s ",
          t_ms / 1000.0, p->t_total / 1000.0, 100.0 * frac,
          el > 0 ? (double)events / el : 0.0, eta);
  fflush(stderr);
}

void ss_progress_finish(ss_progress *p) {
  if (!p->enabled) return;
  fprintf(stderr, "\r%78s\r", "");
  fflush(stderr);
}

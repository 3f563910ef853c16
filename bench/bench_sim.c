/* bench_sim.c - event-driven vs clock-driven engine on a sparse random
 * network (issue: N = 100,000 LIF neurons, fan-out 100, frozen Poisson
 * drive, 10 s), one row per mean rate, both engines in one invocation.
 *
 * Network: N LIF neurons (paper parameters, t_ref 5 ms) with recurrent
 * fixed fan-in 100 (so mean fan-out 100), weights N(0, 1 mV), delay 0.8 ms;
 * each neuron gets its own Poisson train (one_to_one) of weight 42 mV, which
 * alone makes it fire (PSP peak 10.5 mV > 10 mV), so the mean rate follows
 * the drive rate and the recurrent synapses carry sub-threshold traffic:
 * about 100 arrivals per neuron per second at 1 Hz.
 * Every measurement runs in a fresh child process so that peak memory
 * (getrusage ru_maxrss) belongs to that measurement alone.
 *
 *   bench_sim [--n N] [--duration S] [--rates R1,R2,...] [--dt MS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "superspike/superspike.h"

typedef struct result {
  double wall, build, rate_hz, syn_per_s, bytes_per_syn;
  double peak_mb;
  unsigned long long syn_events, spikes;
  int ok;
} result;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const ss_error *err) {
  fprintf(stderr, "bench_sim: %s\n", err->msg);
  exit(1);
}

static result run_one(uint32_t n, double duration_s, double rate, int clock, double dt) {
  result r;
  memset(&r, 0, sizeof r);
  ss_error err = {0};
  double t0 = now();
  ss_net *net = ss_net_create();
  ss_lif_params p;
  ss_lif_params_default(&p);
  if (ss_net_add_source(net, "drive", n, &err) < 0) die(&err);
  if (ss_net_add_lif(net, "x", n, &p, 0, &err) < 0) die(&err);
  ss_proj d;
  memset(&d, 0, sizeof d);
  snprintf(d.name, sizeof d.name, "drive");
  d.pre = 0;
  d.post = 1;
  d.conn = SS_CONN_ONE_TO_ONE;
  d.weight = (ss_dist){SS_DIST_CONSTANT, 42.0, 0, -INFINITY, INFINITY};
  d.delay = (ss_dist){SS_DIST_CONSTANT, 0.8, 0, 0, INFINITY};
  d.seed = 1;
  if (ss_net_add_proj(net, &d, &err) < 0) die(&err);
  ss_proj rec;
  memset(&rec, 0, sizeof rec);
  snprintf(rec.name, sizeof rec.name, "recurrent");
  rec.pre = 1;
  rec.post = 1;
  rec.conn = SS_CONN_FIXED_FANIN;
  rec.fanin = 100;
  rec.weight = (ss_dist){SS_DIST_NORMAL, 0.0, 1.0, -INFINITY, INFINITY};
  rec.delay = (ss_dist){SS_DIST_CONSTANT, 0.8, 0, 0, INFINITY};
  rec.seed = 2;
  if (ss_net_add_proj(net, &rec, &err) < 0) die(&err);
  net->incoming = SS_NET_IN_NONE; /* simulation only; learning adds 4-8 bytes per synapse */
  if (ss_net_build(net, &err)) die(&err);
  ss_source src;
  if (ss_source_init_poisson(&src, n, 0, rate, 3, 0, &err)) die(&err);
  ss_source *sources[2] = {&src, NULL};
  r.build = now() - t0;
  const ss_stats *st;
  double t1 = now();
  ss_engine *e = NULL;
  ss_clock *c = NULL;
  if (clock) {
    c = ss_clock_create(net, sources, NULL, dt, SS_CLOCK_EULER, &err);
    if (!c || ss_clock_run(c, duration_s * 1000.0, &err)) die(&err);
    st = ss_clock_stats(c);
  } else {
    e = ss_engine_create(net, sources, NULL, &err);
    if (!e || ss_engine_run(e, duration_s * 1000.0, &err)) die(&err);
    st = ss_engine_stats(e);
    const ss_lif_stats *ls = ss_engine_lif_stats(e);
    if (getenv("SS_BENCH_VERBOSE"))
      fprintf(stderr, "predictions %llu: rejected by sign %.1f%%, bound %.1f%%, peak %.1f%%, solved %.1f%%\n",
              ls->calls, 100.0 * ls->rejected_sign / ls->calls, 100.0 * ls->rejected_bound / ls->calls,
              100.0 * ls->rejected_peak / ls->calls, 100.0 * ls->solved / ls->calls);
  }
  r.wall = now() - t1;
  r.syn_events = st->syn_events;
  r.spikes = st->spikes;
  r.rate_hz = (double)st->spikes / n / duration_s;
  r.syn_per_s = (double)st->syn_events / r.wall;
  r.bytes_per_syn = (double)ss_net_bytes(net) / (double)net->n_syn;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  r.peak_mb = (double)ru.ru_maxrss / 1024.0;
  r.ok = 1;
  ss_engine_destroy(e);
  ss_clock_destroy(c);
  ss_source_clear(&src);
  ss_net_destroy(net);
  return r;
}

/* Run in a child process; the result comes back through a pipe. */
static result measure(uint32_t n, double duration_s, double rate, int clock, double dt) {
  int fd[2];
  result r;
  memset(&r, 0, sizeof r);
  if (pipe(fd)) return r;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    result x = run_one(n, duration_s, rate, clock, dt);
    ssize_t w = write(fd[1], &x, sizeof x);
    _exit(w == (ssize_t)sizeof x ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = read(fd[0], &r, sizeof r);
  close(fd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (got != (ssize_t)sizeof r) r.ok = 0;
  return r;
}

int main(int argc, char **argv) {
  uint32_t n = 100000;
  double duration = 10.0, dt = 0.1;
  double rates[8] = {0.1, 1.0, 10.0};
  int n_rates = 3, only = -1; /* -1 both, 0 event, 1 clock */
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--n") && i + 1 < argc) n = (uint32_t)strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--duration") && i + 1 < argc) duration = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--dt") && i + 1 < argc) dt = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
      ++i;
      only = !strcmp(argv[i], "event") ? 0 : !strcmp(argv[i], "clock") ? 1 : -1;
    }
    else if (!strcmp(argv[i], "--rates") && i + 1 < argc) {
      n_rates = 0;
      for (char *s = strtok(argv[++i], ","); s && n_rates < 8; s = strtok(NULL, ",")) rates[n_rates++] = strtod(s, NULL);
    } else {
      fprintf(stderr, "usage: bench_sim [--n N] [--duration S] [--rates R1,R2,..] [--dt MS] [--only event|clock]\n");
      return 2;
    }
  }
  printf("## Simulation benchmark: event-driven vs clock-driven (dt = %g ms, forward Euler)\n\n", dt);
  printf("N = %u LIF neurons, fixed fan-in 100 (mean fan-out 100), one Poisson drive train per neuron, "
         "%g s simulated; each engine in a fresh process.\n\n", n, duration);
  printf("| drive (Hz) | engine | mean rate (Hz) | wall / sim s (s) | synaptic events / s | peak RSS (MB) | "
         "bytes / synapse | speed-up |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < n_rates; ++k) {
    if (only >= 0) { /* profiling aid: one engine, in this process */
      result r = run_one(n, duration, rates[k], only, dt);
      printf("| %g | %s | %.3g | %.4f | %.3g | %.0f | %.1f | - |\n", rates[k], only ? "clock" : "event",
             r.rate_hz, r.wall / duration, r.syn_per_s, r.peak_mb, r.bytes_per_syn);
      continue;
    }
    result ev = measure(n, duration, rates[k], 0, dt);
    result ck = measure(n, duration, rates[k], 1, dt);
    if (!ev.ok || !ck.ok) {
      printf("| %g | (failed) |\n", rates[k]);
      continue;
    }
    double speed = ck.wall / ev.wall;
    printf("| %g | event | %.3g | %.4f | %.3g | %.0f | %.1f | **%.1fx** |\n", rates[k], ev.rate_hz,
           ev.wall / duration, ev.syn_per_s, ev.peak_mb, ev.bytes_per_syn, speed);
    printf("| %g | clock | %.3g | %.4f | %.3g | %.0f | %.1f | 1 |\n", rates[k], ck.rate_hz, ck.wall / duration,
           ck.syn_per_s, ck.peak_mb, ck.bytes_per_syn);
    fflush(stdout);
  }
  printf("\n(network build time is excluded from wall time; synaptic events = spikes x fan-out delivered)\n");
  return 0;
}

/* bench_learn.c - SuperSpike learning, event-driven (ss_engine + ss_learn)
 * vs clock-driven (ss_clock_learn, the reference code's algorithm at
 * dt = 0.1 ms), both with RMaxProp steps every 500 ms window, on the two
 * networks of the learning-performance issue:
 *
 *   sparse  2,000 frozen Poisson inputs at 1 Hz -> 2,000 hidden (fixed
 *           fan-in 50) -> 100 outputs (fan-in 100); frozen Poisson targets
 *           at 2 Hz per output; random feedback.  The regime this tool is
 *           for: most neurons are quiet and far below threshold.
 *   dense   200 inputs (frozen Poisson 5 Hz, 1.89 s loop) -> 256 hidden ->
 *           200 outputs, all to all; frozen Poisson targets at 27 Hz per
 *           output; symmetric feedback (the reference code's demo).
 *
 * Weights N(0, (w0 / sqrt(fan-in))^2), w0 = 50 mV, clipped to +-100 mV;
 * delay 0.8 ms; the paper's LIF parameters (ss_lif_params_default).  Every
 * measurement runs in a fresh child process (peak RSS of that measurement
 * alone); wall time covers the run only (engine, gradient sweep, optimizer
 * steps), not the network build.  A second table gives the cost and the
 * accuracy of the Gauss-Legendre order of the event-driven sweep against a
 * high-order reference.
 *
 * The clock-driven learner runs twice: with its default parameters (no
 * delays, no skip thresholds: the fastest form here, used for the speed-up)
 * and with the reference code's delays, alignment and skip thresholds.
 *
 *   bench_learn [--duration S] [--sparse S] [--dense S] [--case sparse|dense]
 *               [--only event|clock|clock-code] [--no-quad] [--quad-windows N]
 *               [--repeat N] [--dt MS] [--n-gl N] [--h-max MS] [--adapt A]
 * (--repeat N: every run of the main table N times, interleaved, keeping
 * the fastest: for shared, loaded machines)
 * (the last three override the event learner's quadrature in the main
 * table, for exploration; the quadrature table ignores them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "superspike/superspike.h"

#define W0_MV 50.0
#define WINDOW_MS 500.0
#define DELAY_MS 0.8
#define FB_SEED 7

enum { P_IN = 0, P_HID = 1, P_OUT = 2 };   /* populations */
enum { J_IH = 0, J_HO = 1 };               /* projections */

typedef struct spec {
  const char *name;
  uint32_t n_in, n_hid, n_out;
  uint32_t fanin_h, fanin_o; /* 0 = all to all */
  double in_hz, tgt_hz, loop_ms;
  ss_feedback fb;
} spec;

static const spec SPARSE = {"sparse", 2000, 2000, 100, 50, 100, 1.0, 2.0, 2000.0, SS_FB_RANDOM};
static const spec DENSE = {"dense", 200, 256, 200, 0, 0, 5.0, 27.0, 1890.0, SS_FB_SYMMETRIC};

typedef struct result {
  int ok;
  double sim_s, wall, t_engine, t_sweep, t_optim;
  double rate_hid, rate_out;
  unsigned long long syn_events, spikes, nodes, pieces;
  double n_plastic;
  double net_bytes, learn_bytes, optim_bytes, driver_bytes; /* per plastic synapse */
  double log_bytes;                                           /* one window's event log, largest */
  double peak_mb;
  double cost0, cost1; /* event: moving cost after the first and the last window */
} result;

typedef struct bench_net {
  ss_net *net;
  ss_source in, tgt;
  ss_source *sources[3];
} bench_net;

/* One plastic projection as the optimizer sees it: dense weights (a view of
 * net->out_w when the projection is one contiguous run of the outgoing
 * order, else a gathered copy) and the gathered gradient. */
typedef struct pproj {
  size_t n;
  uint64_t k0;   /* first outgoing index when contiguous */
  uint64_t *k;   /* outgoing indices, or NULL when contiguous */
  double *w, *G; /* w points into out_w when contiguous */
  ss_optim *opt;
} pproj;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const ss_error *err) {
  fprintf(stderr, "bench_learn: %s\n", err->msg);
  exit(1);
}

static void *xcalloc(size_t n, size_t s) {
  void *p = calloc(n ? n : 1, s);
  if (!p) {
    fprintf(stderr, "bench_learn: out of memory\n");
    exit(1);
  }
  return p;
}

static void add_proj(ss_net *net, const char *name, uint32_t pre, uint32_t post, uint32_t fanin, uint32_t n_pre,
                     uint64_t seed) {
  ss_error err = {0};
  ss_proj p;
  memset(&p, 0, sizeof p);
  snprintf(p.name, sizeof p.name, "%s", name);
  p.pre = pre;
  p.post = post;
  p.conn = fanin ? SS_CONN_FIXED_FANIN : SS_CONN_ALL_TO_ALL;
  p.fanin = fanin;
  double sd = W0_MV / sqrt((double)(fanin ? fanin : n_pre));
  p.weight = (ss_dist){SS_DIST_NORMAL, 0.0, sd, -SS_OPTIM_WMAX_MV, SS_OPTIM_WMAX_MV};
  p.delay = (ss_dist){SS_DIST_CONSTANT, DELAY_MS, 0, 0, INFINITY};
  p.seed = seed;
  if (ss_net_add_proj(net, &p, &err) < 0) die(&err);
}

static void build(const spec *s, int incoming, bench_net *b) {
  ss_error err = {0};
  memset(b, 0, sizeof *b);
  ss_lif_params lif;
  ss_lif_params_default(&lif);
  b->net = ss_net_create();
  if (!b->net || ss_net_add_source(b->net, "in", s->n_in, &err) != P_IN ||
      ss_net_add_lif(b->net, "hid", s->n_hid, &lif, 0, &err) != P_HID ||
      ss_net_add_lif(b->net, "out", s->n_out, &lif, 0, &err) != P_OUT)
    die(&err);
  add_proj(b->net, "in_hid", P_IN, P_HID, s->fanin_h, s->n_in, 11);
  add_proj(b->net, "hid_out", P_HID, P_OUT, s->fanin_o, s->n_hid, 12);
  b->net->incoming = incoming;
  if (ss_net_build(b->net, &err)) die(&err);
  if (ss_source_init_poisson(&b->in, s->n_in, 0, s->in_hz, 21, s->loop_ms, &err) ||
      ss_source_init_poisson(&b->tgt, s->n_out, b->net->pops[P_OUT].offset, s->tgt_hz, 22, s->loop_ms, &err))
    die(&err);
  b->sources[P_IN] = &b->in;
}

static void bench_net_free(bench_net *b) {
  ss_source_clear(&b->in);
  ss_source_clear(&b->tgt);
  ss_net_destroy(b->net);
}

/* Optimizer state of projection j (one RMaxProp per projection, the paper's
 * defaults in mV and ms). */
static void pproj_init(pproj *pp, const ss_net *net, uint32_t j) {
  ss_error err = {0};
  memset(pp, 0, sizeof *pp);
  pp->n = net->projs[j].n_syn;
  uint64_t *k = xcalloc(pp->n, sizeof *k);
  size_t m = 0;
  for (uint32_t g = 0; g < net->n_groups; ++g)
    if (net->grp_proj[g] == j)
      for (uint64_t q = net->grp_start[g]; q < net->grp_start[g + 1]; ++q) k[m++] = q;
  int contiguous = 1;
  for (size_t i = 1; i < m && contiguous; ++i) contiguous = k[i] == k[i - 1] + 1;
  if (contiguous && m) {
    pp->k0 = k[0];
    pp->w = net->out_w + k[0];
    free(k);
  } else {
    pp->k = k;
    pp->w = xcalloc(pp->n, sizeof *pp->w);
  }
  pp->G = xcalloc(pp->n, sizeof *pp->G);
  ss_optim_params op;
  ss_optim_params_default(&op);
  op.t_window = WINDOW_MS;
  if (!(pp->opt = ss_optim_create(&op, pp->n, &err))) die(&err);
}

static void pproj_free(pproj *pp) {
  if (pp->k) free(pp->w);
  free(pp->k);
  free(pp->G);
  ss_optim_destroy(pp->opt);
}

/* Bytes per synapse the driver adds: G, plus w and k when gathered. */
static double pproj_driver_bytes(const pproj *pp) {
  return pp->k ? 24.0 : 8.0;
}

/* One optimizer step of the window ending at t1 (ms); G by incoming slot. */
static void pproj_step(pproj *pp, ss_net *net, double t1, const double *G) {
  ss_error err = {0};
  if (pp->k) {
    for (size_t m = 0; m < pp->n; ++m) {
      pp->w[m] = net->out_w[pp->k[m]];
      pp->G[m] = G[net->out_slot[pp->k[m]]];
    }
  } else {
    const uint32_t *slot = net->out_slot + pp->k0;
    for (size_t m = 0; m < pp->n; ++m) pp->G[m] = G[slot[m]];
  }
  if (ss_optim_step(pp->opt, t1, pp->w, pp->G, NULL, NULL, &err)) die(&err);
  if (pp->k)
    for (size_t m = 0; m < pp->n; ++m) net->out_w[pp->k[m]] = pp->w[m];
}

static void finish(result *r, const spec *s, const ss_stats *st, const ss_engine *e, double dur_ms) {
  r->syn_events = st->syn_events;
  r->spikes = st->spikes;
  r->sim_s = dur_ms / 1000.0;
  if (e) {
    r->rate_hid = (double)ss_engine_pop_spikes(e, P_HID) / s->n_hid / r->sim_s;
    r->rate_out = (double)ss_engine_pop_spikes(e, P_OUT) / s->n_out / r->sim_s;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  r->peak_mb = (double)ru.ru_maxrss / 1024.0;
  r->ok = 1;
}

/* Overrides of the learner's quadrature for the main runs (exploration;
 * the quadrature table always starts from the defaults). */
static int ov_n_gl = 0;
static double ov_h_max = 0, ov_adapt = -1;

static ss_learn_params learn_params(void) {
  ss_learn_params lp;
  ss_learn_params_default(&lp);
  return lp;
}

static ss_learn_params run_params(void) {
  ss_learn_params lp = learn_params();
  if (ov_n_gl > 0) lp.n_gl = ov_n_gl;
  if (ov_h_max > 0) lp.h_max = ov_h_max;
  if (ov_adapt >= 0) lp.adapt = ov_adapt;
  return lp;
}

static result run_event(const spec *s, double dur_ms) {
  result r;
  memset(&r, 0, sizeof r);
  ss_error err = {0};
  bench_net b;
  build(s, SS_NET_IN_SLOTS, &b); /* what ss_trainer builds for learning */
  ss_net *net = b.net;
  ss_engine *e = ss_engine_create(net, b.sources, NULL, &err);
  if (!e || ss_engine_set_targets(e, P_OUT, &b.tgt, &err)) die(&err);
  ss_learn_params lp = run_params();
  ss_learn *l = ss_learn_create(net, &lp, &err);
  if (!l || ss_learn_add_output(l, P_OUT, &err) || ss_learn_add_hidden(l, P_HID, P_OUT, s->fb, J_HO, FB_SEED, &err) ||
      ss_learn_add_plastic(l, J_IH, &err) || ss_learn_add_plastic(l, J_HO, &err) || ss_learn_start(l, e, &err))
    die(&err);
  pproj pp[2];
  pproj_init(&pp[0], net, J_IH);
  pproj_init(&pp[1], net, J_HO);
  const uint64_t nwin = (uint64_t)llround(dur_ms / WINDOW_MS);
  const ss_stats *st = ss_engine_stats(e);
  uint64_t prev_rec = 0;
  double t_start = now();
  for (uint64_t w = 1; w <= nwin; ++w) {
    double t1 = (double)w * WINDOW_MS;
    double ta = now();
    if (ss_engine_run(e, t1, &err)) die(&err);
    double tb = now();
    if (ss_learn_window(l, e, &err)) die(&err);
    double tc = now();
    const double *G = ss_learn_gradient(l);
    pproj_step(&pp[0], net, t1, G);
    pproj_step(&pp[1], net, t1, G);
    double td = now();
    r.t_engine += tb - ta;
    r.t_sweep += tc - tb;
    r.t_optim += td - tc;
    /* records of this window's log: arrivals at neurons, spikes, refractory ends */
    uint64_t rec = st->syn_events + 2 * st->spikes;
    if ((double)(rec - prev_rec) > r.log_bytes) r.log_bytes = (double)(rec - prev_rec);
    prev_rec = rec;
    double cw, cm;
    ss_learn_cost(l, &cw, &cm);
    if (w == 1) r.cost0 = 1.2e5 * cm;
    r.cost1 = 1.2e5 * cm;
  }
  r.wall = now() - t_start;
  /* the log and its sort scratch: two records of 16 bytes per event */
  r.log_bytes *= 2.0 * (double)sizeof(ss_log_rec);
  const ss_learn_stats *ls = ss_learn_get_stats(l);
  r.nodes = ls->nodes;
  r.pieces = ls->pieces;
  r.n_plastic = (double)(pp[0].n + pp[1].n);
  double S = (double)net->n_syn;
  r.net_bytes = (double)ss_net_bytes(net) / r.n_plastic;
  /* G, Hd, Hr and the delay group (16 bits up to 65536 groups) per incoming
   * slot; per neuron: the outputs' error traces (2) and flags; per group:
   * the PSP state at the window start (2); per-neuron scratch of the
   * largest fan-in (Kd, Kr) */
  uint32_t fmax_in = 0;
  for (uint32_t u = 0; u < net->n_units; ++u)
    if (net->in_ptr[u + 1] - net->in_ptr[u] > fmax_in) fmax_in = net->in_ptr[u + 1] - net->in_ptr[u];
  const double grp_bytes = net->n_groups <= 65536 ? 2.0 : 4.0;
  r.learn_bytes = ((3.0 * sizeof(double) + grp_bytes) * S + (2.0 * sizeof(double) + 9.0) * net->n_units +
                   2.0 * sizeof(double) * net->n_groups + 2.0 * sizeof(double) * fmax_in) /
                  r.n_plastic;
  r.optim_bytes = sizeof(double);                         /* v */
  r.driver_bytes = (pproj_driver_bytes(&pp[0]) * (double)pp[0].n + pproj_driver_bytes(&pp[1]) * (double)pp[1].n) /
                   r.n_plastic;
  finish(&r, s, st, e, dur_ms);
  pproj_free(&pp[0]);
  pproj_free(&pp[1]);
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  bench_net_free(&b);
  return r;
}

static result run_clock(const spec *s, double dur_ms, double dt, int plain) {
  result r;
  memset(&r, 0, sizeof r);
  ss_error err = {0};
  bench_net b;
  build(s, SS_NET_IN_SLOTS, &b);
  ss_net *net = b.net;
  ss_learn_params lp = learn_params();
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  cp.flavour = SS_CL_REFERENCE;
  if (!plain) { /* the reference code's delays, alignment and skip thresholds */
    cp.err_delay = 0.8;
    cp.align_out = 0.8;
    cp.skip_err = 1e-7;
    if (s->fb == SS_FB_RANDOM) {
      cp.fb_delay = 0.8 + dt;
      cp.align_hidden = 1.5;
      cp.skip_pre = 1e-5;
    } else {
      cp.align_hidden = 0.8;
      cp.skip_pre = 1e-7;
    }
  }
  ss_clock_learn *cl = ss_clock_learn_create(net, b.sources, NULL, &lp, &cp, &err);
  if (!cl || ss_clock_learn_add_output(cl, P_OUT, &err) || ss_clock_learn_set_targets(cl, P_OUT, &b.tgt, &err) ||
      ss_clock_learn_add_hidden(cl, P_HID, P_OUT, s->fb, J_HO, FB_SEED, &err) ||
      ss_clock_learn_add_plastic(cl, J_IH, &err) || ss_clock_learn_add_plastic(cl, J_HO, &err))
    die(&err);
  pproj pp[2];
  pproj_init(&pp[0], net, J_IH);
  pproj_init(&pp[1], net, J_HO);
  const uint64_t nwin = (uint64_t)llround(dur_ms / WINDOW_MS);
  double t_start = now();
  for (uint64_t w = 1; w <= nwin; ++w) {
    double t1 = (double)w * WINDOW_MS;
    double ta = now();
    if (ss_clock_learn_run_window(cl, t1, &err)) die(&err);
    double tb = now();
    const double *G = ss_clock_learn_gradient(cl);
    pproj_step(&pp[0], net, t1, G);
    pproj_step(&pp[1], net, t1, G);
    r.t_engine += tb - ta;
    r.t_optim += now() - tb;
  }
  r.wall = now() - t_start;
  r.n_plastic = (double)(pp[0].n + pp[1].n);
  double S = (double)net->n_syn;
  r.net_bytes = (double)ss_net_bytes(net) / r.n_plastic;
  /* slot_grp (4), slot_pl (1), h1, h2, acc, G (8 each) per incoming slot */
  r.learn_bytes = (4.0 + 1.0 + 4.0 * sizeof(double)) * S / r.n_plastic;
  r.optim_bytes = sizeof(double);
  r.driver_bytes = (pproj_driver_bytes(&pp[0]) * (double)pp[0].n + pproj_driver_bytes(&pp[1]) * (double)pp[1].n) /
                   r.n_plastic;
  const ss_stats *st = ss_clock_learn_stats(cl);
  finish(&r, s, st, NULL, dur_ms);
  /* spike counts per population are not kept by the clock learner: total only */
  r.rate_hid = r.rate_out = NAN;
  pproj_free(&pp[0]);
  pproj_free(&pp[1]);
  ss_clock_learn_destroy(cl);
  bench_net_free(&b);
  return r;
}

/* ------------------------------------------------------------ quadrature */

/* n_gl with the default pieces (h_max 8 ms), then shorter and longer caps
 * on the piece length (4 ms with GL-4: the default before 2026-11-29) */
#define N_QUAD 9
static const int quad_ngl[N_QUAD] = {3, 4, 5, 6, 8, 4, 5, 6, 8};
static const double quad_hmax[N_QUAD] = {0, 0, 0, 0, 0, 4, 4, 16, 16}; /* 0: default */

typedef struct quad_row {
  int n_gl;
  double h_max, adapt;
  double rel_l2, rel_max; /* worst projection */
  double nodes_per_nms, sweep_ms;
} quad_row;

typedef struct quad_result {
  int ok, n;
  quad_row row[N_QUAD + 1];
  double ref_nodes_per_nms, ref_sweep_ms;
} quad_result;

/* Run `nwin` windows with frozen weights; G of the last window in outgoing
 * order (malloc'ed), its sweep time (ms) and nodes per neuron-ms overall. */
static double *quad_run(const spec *s, const ss_learn_params *lp, int nwin, double *sweep_ms, double *nodes_nms) {
  ss_error err = {0};
  bench_net b;
  build(s, SS_NET_IN_SLOTS, &b); /* what ss_trainer builds for learning */
  ss_net *net = b.net;
  ss_engine *e = ss_engine_create(net, b.sources, NULL, &err);
  if (!e || ss_engine_set_targets(e, P_OUT, &b.tgt, &err)) die(&err);
  ss_learn *l = ss_learn_create(net, lp, &err);
  if (!l || ss_learn_add_output(l, P_OUT, &err) || ss_learn_add_hidden(l, P_HID, P_OUT, s->fb, J_HO, FB_SEED, &err) ||
      ss_learn_add_plastic(l, J_IH, &err) || ss_learn_add_plastic(l, J_HO, &err) || ss_learn_start(l, e, &err))
    die(&err);
  double sw = 0;
  for (int w = 1; w <= nwin; ++w) {
    if (ss_engine_run(e, w * WINDOW_MS, &err)) die(&err);
    double ta = now();
    if (ss_learn_window(l, e, &err)) die(&err);
    sw += now() - ta;
  }
  *sweep_ms = 1e3 * sw / nwin;
  *nodes_nms = (double)ss_learn_get_stats(l)->nodes / ((double)(s->n_hid + s->n_out) * nwin * WINDOW_MS);
  const double *G = ss_learn_gradient(l);
  double *out = xcalloc(net->n_syn, sizeof *out);
  for (uint64_t k = 0; k < net->n_syn; ++k) out[k] = G[net->out_slot[k]];
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  bench_net_free(&b);
  return out;
}

static void rel_errors(const spec *s, const double *got, const double *want, double *l2, double *mx) {
  /* both runs build the same network: projection of k from a fresh build */
  bench_net b;
  build(s, SS_NET_IN_NONE, &b);
  *l2 = *mx = 0;
  for (uint32_t j = 0; j < 2; ++j) {
    double num = 0, den = 0, dmax = 0, wmax = 0;
    for (uint64_t k = 0; k < b.net->n_syn; ++k) {
      if (ss_net_syn_proj(b.net, k) != j) continue;
      double d = fabs(got[k] - want[k]);
      num += d * d;
      den += want[k] * want[k];
      if (d > dmax) dmax = d;
      if (fabs(want[k]) > wmax) wmax = fabs(want[k]);
    }
    double a = den > 0 ? sqrt(num / den) : sqrt(num), m = wmax > 0 ? dmax / wmax : dmax;
    if (a > *l2) *l2 = a;
    if (m > *mx) *mx = m;
  }
  bench_net_free(&b);
}

static quad_result run_quad(const spec *s, int nwin) {
  quad_result q;
  memset(&q, 0, sizeof q);
  ss_learn_params ref = learn_params();
  ref.n_gl = 8;
  ref.h_max = 0.25;
  ref.adapt = 0.25;
  double *Gref = quad_run(s, &ref, nwin, &q.ref_sweep_ms, &q.ref_nodes_per_nms);
  for (int i = 0; i < N_QUAD; ++i) {
    ss_learn_params lp = learn_params();
    lp.n_gl = quad_ngl[i];
    if (quad_hmax[i] > 0) lp.h_max = quad_hmax[i];
    quad_row *r = &q.row[q.n++];
    double *G = quad_run(s, &lp, nwin, &r->sweep_ms, &r->nodes_per_nms);
    r->n_gl = lp.n_gl;
    r->h_max = lp.h_max;
    r->adapt = lp.adapt;
    rel_errors(s, G, Gref, &r->rel_l2, &r->rel_max);
    free(G);
  }
  free(Gref);
  q.ok = 1;
  return q;
}

/* ------------------------------------------------------------ processes */

typedef struct job {
  int kind; /* 0 event, 1 clock, 2 quadrature */
  const spec *s;
  double dur_ms, dt;
  int plain, nwin;
} job;

typedef union answer {
  result r;
  quad_result q;
} answer;

static answer do_job(const job *j) {
  answer a;
  memset(&a, 0, sizeof a);
  if (j->kind == 0) a.r = run_event(j->s, j->dur_ms);
  else if (j->kind == 1) a.r = run_clock(j->s, j->dur_ms, j->dt, j->plain);
  else a.q = run_quad(j->s, j->nwin);
  return a;
}

/* Run a job in a child process; the answer comes back through a pipe. */
static answer measure(const job *j) {
  int fd[2];
  answer a;
  memset(&a, 0, sizeof a);
  if (pipe(fd)) return a;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    answer x = do_job(j);
    const char *p = (const char *)&x;
    size_t left = sizeof x;
    while (left) {
      ssize_t w = write(fd[1], p, left);
      if (w <= 0) _exit(1);
      p += w;
      left -= (size_t)w;
    }
    _exit(0);
  }
  close(fd[1]);
  char *p = (char *)&a;
  size_t got = 0;
  while (got < sizeof a) {
    ssize_t n = read(fd[0], p + got, sizeof a - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (got != sizeof a || !WIFEXITED(status) || WEXITSTATUS(status)) memset(&a, 0, sizeof a);
  return a;
}

static void print_row(const spec *s, const char *engine, const result *r, const char *spd) {
  double neuron_ms = (double)(s->n_hid + s->n_out) * r->sim_s * 1000.0;
  char nodes[32], rates[48], logb[32];
  if (r->nodes) snprintf(nodes, sizeof nodes, "%.2f", (double)r->nodes / neuron_ms);
  else snprintf(nodes, sizeof nodes, "-");
  if (isnan(r->rate_hid))
    snprintf(rates, sizeof rates, "%.3g (both)", (double)r->spikes / (s->n_hid + s->n_out) / r->sim_s);
  else snprintf(rates, sizeof rates, "%.3g / %.3g", r->rate_hid, r->rate_out);
  if (r->log_bytes > 0) snprintf(logb, sizeof logb, "%.2f", r->log_bytes / 1048576.0);
  else snprintf(logb, sizeof logb, "-");
  double per_syn = r->net_bytes + r->learn_bytes + r->optim_bytes;
  printf("| %s | %s | %s | %.4f | %.3g | %s | %.1f + %.1f + %.0f = **%.1f** (+%.0f driver) | %s | %.0f | %s |\n", s->name,
         engine, rates, r->wall / r->sim_s, (double)r->syn_events / r->wall, nodes, r->net_bytes, r->learn_bytes,
         r->optim_bytes, per_syn, r->driver_bytes, logb, r->peak_mb, spd);
}

static void print_split(const spec *s, const char *engine, const result *r) {
  printf("| %s | %s | %.4f | %.4f | %.4f | %.4f |\n", s->name, engine, r->wall / r->sim_s, r->t_engine / r->sim_s,
         r->t_sweep / r->sim_s, r->t_optim / r->sim_s);
}

int main(int argc, char **argv) {
  double dur_sparse = 10.0, dur_dense = 5.0, dt = 0.1;
  int which = -1, only = -1, quad = 1, qwin = 2, repeat = 1;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--duration") && i + 1 < argc) dur_sparse = dur_dense = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--sparse") && i + 1 < argc) dur_sparse = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--dense") && i + 1 < argc) dur_dense = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--dt") && i + 1 < argc) dt = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--no-quad")) quad = 0;
    else if (!strcmp(argv[i], "--n-gl") && i + 1 < argc) ov_n_gl = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--h-max") && i + 1 < argc) ov_h_max = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--adapt") && i + 1 < argc) ov_adapt = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--quad-windows") && i + 1 < argc) qwin = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--case") && i + 1 < argc) {
      ++i;
      which = !strcmp(argv[i], "sparse") ? 0 : !strcmp(argv[i], "dense") ? 1 : -1;
    } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
      ++i;
      only = !strcmp(argv[i], "event") ? 0 : !strcmp(argv[i], "clock") ? 1 : !strcmp(argv[i], "clock-code") ? 2 : -1;
    } else {
      fprintf(stderr, "usage: bench_learn [--duration S] [--sparse S] [--dense S] [--case sparse|dense] "
                      "[--only event|clock|clock-code] [--no-quad] [--quad-windows N] [--repeat N] [--dt MS] "
                      "[--n-gl N] [--h-max MS] [--adapt A]\n");
      return 2;
    }
  }
  /* whole windows only */
  dur_sparse = WINDOW_MS * fmax(1.0, round(dur_sparse * 1000.0 / WINDOW_MS));
  dur_dense = WINDOW_MS * fmax(1.0, round(dur_dense * 1000.0 / WINDOW_MS));
  if (qwin < 1) qwin = 1;
  if (repeat < 1) repeat = 1;
  const spec *specs[2] = {&SPARSE, &DENSE};
  const double durs[2] = {dur_sparse, dur_dense};

  if (only >= 0) { /* profiling aid: one engine, in this process, no fork */
    for (int c = 0; c < 2; ++c) {
      if (which >= 0 && which != c) continue;
      result r = only ? run_clock(specs[c], durs[c], dt, only == 1) : run_event(specs[c], durs[c]);
      printf("%s %s: %.4f s wall / simulated s (engine %.4f, sweep %.4f, optimizer %.4f), %.3g synaptic events/s, "
             "spikes %llu, nodes %llu, cost %.4g -> %.4g, peak RSS %.0f MB\n",
             specs[c]->name, only == 2 ? "clock-code" : only ? "clock" : "event", r.wall / r.sim_s, r.t_engine / r.sim_s, r.t_sweep / r.sim_s,
             r.t_optim / r.sim_s, (double)r.syn_events / r.wall, r.spikes, r.nodes, r.cost0, r.cost1, r.peak_mb);
    }
    return 0;
  }

  printf("## Learning benchmark: event-driven vs clock-driven SuperSpike (RMaxProp, %g ms windows)\n\n", WINDOW_MS);
  printf("Event: ss_engine + ss_learn (default quadrature) + ss_optim.  Clock: ss_clock_learn, reference-code "
         "algorithm, dt = %g ms, + the same ss_optim steps; `clock` with its default parameters, `clock, code "
         "settings` with the reference code's delays, alignment and skip thresholds.  Each run in a fresh process; "
         "wall time covers the run only (fastest of %d interleaved repetitions).  Speed-up: wall time of that clock run / "
         "wall time of the event run.\n\n",
         dt, repeat);
  printf("| case | engine | rate hid / out (Hz) | wall / sim s (s) | synaptic events / s | nodes / neuron-ms | "
         "bytes / plastic synapse: net + learner + optimizer | event log, one window (MB) | peak RSS (MB) | "
         "speed-up |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|\n");
  static const char *const eng_name[3] = {"event", "clock", "clock, code settings"};
  result res[2][3];
  memset(res, 0, sizeof res);
  for (int c = 0; c < 2; ++c) {
    if (which >= 0 && which != c) continue;
    job jobs[3] = {{0, specs[c], durs[c], dt, 0, 0}, {1, specs[c], durs[c], dt, 1, 0}, {1, specs[c], durs[c], dt, 0, 0}};
    /* with --repeat N the three runs are interleaved N times and each keeps
     * its fastest repetition (a shared machine's load only slows runs down) */
    for (int rep = 0; rep < repeat; ++rep)
      for (int k = 0; k < 3; ++k) {
        result x = measure(&jobs[k]).r;
        if (rep == 0 || (x.ok && (!res[c][k].ok || x.wall < res[c][k].wall))) res[c][k] = x;
      }
    if (!res[c][0].ok) {
      printf("| %s | event (failed) |\n", specs[c]->name);
      continue;
    }
    char spd[64];
    for (int k = 1; k < 3; ++k) {
      if (!res[c][k].ok) {
        printf("| %s | %s (failed) |\n", specs[c]->name, eng_name[k]);
        continue;
      }
      snprintf(spd, sizeof spd, "%s%.1fx%s", k == 1 ? "**" : "", res[c][k].wall / res[c][0].wall, k == 1 ? "**" : "");
      if (k == 1) print_row(specs[c], eng_name[0], &res[c][0], "-");
      print_row(specs[c], eng_name[k], &res[c][k], spd);
    }
    fflush(stdout);
  }
  printf("\nSimulated: sparse %g s, dense %g s.  Synaptic events = spikes x fan-out delivered.  Bytes per plastic "
         "synapse: net = ss_net_bytes / synapses (out_post 4 + out_w 8 + out_slot 4 + row and group tables, the same "
         "network for both learners); learner = event: G, Hd, Hr (3 x 8) + the delay group (2, or 4 beyond 65536 groups) + per-neuron and per-group state and scratch, clock: slot_grp 4 + "
         "slot_pl 1 + h1, h2, acc, G (4 x 8); optimizer = v (8); driver = the gradient gathered into the "
         "optimizer's order (8; 24 if a projection is not contiguous in the outgoing order).  Event log: (arrivals + "
         "2 x spikes) of the busiest window x 2 x 16 bytes (the log and its sort scratch).  Peak RSS includes the "
         "network build.\n\n",
         dur_sparse / 1000.0, dur_dense / 1000.0);
  printf("Where the wall time goes (s per simulated second):\n\n");
  printf("| case | engine | total | simulation (+ gradient for clock) | gradient sweep | gather + optimizer |\n"
         "|---|---|---|---|---|---|\n");
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < 3; ++k)
      if (res[c][k].ok) print_split(specs[c], eng_name[k], &res[c][k]);
  printf("\nEvent-driven learning cost (reference-code units, moving average, first -> last window): ");
  for (int c = 0; c < 2; ++c)
    if (res[c][0].ok) printf("%s %.4g -> %.4g;  ", specs[c]->name, res[c][0].cost0, res[c][0].cost1);
  printf("\n");
  fflush(stdout);
  if (!quad) return 0;

  printf("\n### Quadrature: cost and accuracy of the Gauss-Legendre order\n\n");
  {
    ss_learn_params d = learn_params();
    printf("G of window %d (frozen weights, [%g, %g) ms) against n_gl 8, h_max 0.25 ms, adapt 0.25; others: h_max %g ms, "
           "adapt %g (default pieces) unless stated; n_gl is the order of full pieces (short pieces far from the "
           "surrogate's pole use up to three orders less).  Relative error: worst projection of ||G - G_ref|| / "
           "||G_ref|| (L2) and of max |G - G_ref| / max |G_ref|.\n\n",
           qwin, (qwin - 1) * WINDOW_MS, qwin * WINDOW_MS, d.h_max, d.adapt);
  }
  printf("| case | n_gl | rel. error (L2) | rel. error (max) | nodes / neuron-ms | "
         "sweep per window (ms, mean of %d) |\n", qwin);
  printf("|---|---|---|---|---|---|\n");
  for (int c = 0; c < 2; ++c) {
    if (which >= 0 && which != c) continue;
    job jq = {2, specs[c], 0, dt, 0, qwin};
    quad_result q = measure(&jq).q;
    if (!q.ok) {
      printf("| %s | (failed) |\n", specs[c]->name);
      continue;
    }
    ss_learn_params d = learn_params();
    for (int i = 0; i < q.n; ++i) {
      const quad_row *r = &q.row[i];
      char name[64];
      if (r->h_max != d.h_max) snprintf(name, sizeof name, "%d, h_max %g", r->n_gl, r->h_max);
      else snprintf(name, sizeof name, "%d%s", r->n_gl, r->n_gl == d.n_gl ? " (default)" : "");
      printf("| %s | %s | %.2e | %.2e | %.2f | %.1f |\n", specs[c]->name, name, r->rel_l2, r->rel_max,
             r->nodes_per_nms, r->sweep_ms);
    }
    printf("| %s | 8, h_max 0.25, adapt 0.25 (reference) | 0 | 0 | %.2f | %.1f |\n", specs[c]->name,
           q.ref_nodes_per_nms, q.ref_sweep_ms);
    fflush(stdout);
  }
  return 0;
}

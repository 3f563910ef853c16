/* gradient_case.h - load one case of tests/data/gradient (see its README):
 * its parameters, the input -> hidden -> output network from its edge
 * lists, input and target spike sources, the case's learning parameters
 * and feedback mode with the oracle's random feedback matrix; the
 * event-driven learner of a case; the oracle's per-window values by
 * synapse and the relative error both learner tests compare them with. */
#ifndef SS_GRADIENT_CASE_H
#define SS_GRADIENT_CASE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "superspike/superspike.h"
#include "testutil.h"

typedef struct gradient_case {
  char name[96];
  ss_net *net;           /* pops: 0 input source, 1 hidden, 2 output; projs: 0 in_hid, 1 hid_out */
  ss_source src, tgt;    /* input spikes; target spikes of the output layer */
  ss_source *sources[3]; /* {&src, NULL, NULL} */
  ss_learn_params lp;    /* library defaults with the case's kernel, surrogate and mode */
  double T;              /* window (ms) */
  int n_win;
  uint32_t nin, nhid, nout;
  ss_feedback fb;
  double *B;             /* the oracle's random feedback [nhid x nout], or NULL */
} gradient_case;

static inline int gradient_param(const char *cs, const char *key, char *val, size_t n) {
  char path[256], k[64], v[128];
  snprintf(path, sizeof path, "gradient/%s_params.txt", cs);
  FILE *fp = fopen(ss_test_data(path), "r");
  if (!fp) return -1;
  int found = 0;
  while (fscanf(fp, "%63s %127s", k, v) == 2)
    if (!strcmp(k, key)) {
      snprintf(val, n, "%s", v);
      found = 1;
    }
  fclose(fp);
  return found ? 0 : -1;
}

static inline double gradient_num(const char *cs, const char *key) {
  char v[128];
  ck_assert_msg(gradient_param(cs, key, v, sizeof v) == 0, "%s: no parameter %s", cs, key);
  return strtod(v, NULL);
}

/* Path of file `what` of case cs (a static buffer). */
static inline const char *gradient_file(const char *cs, const char *what) {
  static char buf[256];
  snprintf(buf, sizeof buf, "gradient/%s_%s", cs, what);
  return ss_test_data(buf);
}

/* A spike cursor `s` of n ids from `offset` on the spikes of file `what`
 * (`sort` as for ss_spikes_read), replayed every `period` ms (0: once). */
static inline void gradient_source(ss_source *s, const char *cs, const char *what, uint32_t n, uint32_t offset,
                                   int sort, double period) {
  ss_error err = {0};
  ss_spikes sp;
  ss_spikes_init(&sp);
  ck_assert_msg(ss_spikes_read(&sp, gradient_file(cs, what), n, sort, &err) == 0, "%s", err.msg);
  ck_assert_int_eq(ss_source_init_spikes(s, n, offset, &sp, period, &err), 0);
  ss_spikes_clear(&sp);
}

/* Network, inputs, targets, learning parameters and feedback of case cs. */
static inline void gradient_case_load(gradient_case *c, const char *cs) {
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", cs);
  ss_error err = {0};
  char v[128];
  ss_lif_params p = {.tau_mem = gradient_num(cs, "tau_mem_ms"), .tau_syn = gradient_num(cs, "tau_syn_ms"),
                     .u_rest = gradient_num(cs, "u_rest_mV"), .theta = gradient_num(cs, "theta_mV"),
                     .t_ref = gradient_num(cs, "t_ref_ms")};
  c->nin = (uint32_t)gradient_num(cs, "n_in");
  c->nhid = (uint32_t)gradient_num(cs, "n_hid");
  c->nout = (uint32_t)gradient_num(cs, "n_out");
  c->T = gradient_num(cs, "window_ms");
  c->n_win = (int)gradient_num(cs, "n_windows");
  c->net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(c->net, "in", c->nin, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(c->net, "hid", c->nhid, &p, 0, &err), 1);
  ck_assert_int_eq(ss_net_add_lif(c->net, "out", c->nout, &p, 0, &err), 2);
  const char *edges[2] = {"in_hid.edges", "hid_out.edges"};
  for (int k = 0; k < 2; ++k) {
    ss_proj pr;
    memset(&pr, 0, sizeof pr);
    snprintf(pr.name, sizeof pr.name, "%s", k ? "hid_out" : "in_hid");
    pr.pre = (uint32_t)k;
    pr.post = (uint32_t)k + 1;
    pr.weight = (ss_dist){SS_DIST_CONSTANT, 0, 0, -INFINITY, INFINITY};
    pr.delay = (ss_dist){SS_DIST_CONSTANT, 0, 0, 0, INFINITY};
    ck_assert_msg(ss_proj_read_edges(&pr, gradient_file(cs, edges[k]), k ? c->nhid : c->nin, k ? c->nout : c->nhid,
                                     &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(ss_net_add_proj(c->net, &pr, &err), k);
    ss_proj_free_edges(&pr);
  }
  c->net->incoming = SS_NET_IN_FULL;
  ck_assert_int_eq(ss_net_build(c->net, &err), 0);
  gradient_source(&c->src, cs, "input.ras", c->nin, 0, 0, 0);
  gradient_source(&c->tgt, cs, "target.ras", c->nout, c->net->pops[2].offset, 1, 0);
  c->sources[0] = &c->src;
  ss_learn_params_default(&c->lp);
  c->lp.tau_rise = gradient_num(cs, "tau_rise_ms");
  c->lp.tau_decay = gradient_num(cs, "tau_decay_ms");
  c->lp.beta = gradient_num(cs, "beta_per_mV");
  ck_assert_int_eq(gradient_param(cs, "alpha_norm", v, sizeof v), 0);
  c->lp.alpha_peak = !strcmp(v, "peak");
  ck_assert_int_eq(gradient_param(cs, "mode", v, sizeof v), 0);
  c->lp.mode = !strcmp(v, "per_trial") ? SS_LEARN_PER_TRIAL : SS_LEARN_ONLINE;
  ck_assert_int_eq(gradient_param(cs, "feedback", v, sizeof v), 0);
  c->fb = !strcmp(v, "symmetric") ? SS_FB_SYMMETRIC : !strcmp(v, "random") ? SS_FB_RANDOM : SS_FB_UNIFORM;
  if (c->fb == SS_FB_RANDOM) { /* the oracle's fixed matrix */
    c->B = calloc((size_t)c->nhid * c->nout, sizeof *c->B);
    FILE *fp = fopen(gradient_file(cs, "feedback.txt"), "r");
    ck_assert_ptr_nonnull(fp);
    char line[256];
    while (fgets(line, sizeof line, fp)) {
      unsigned a, b;
      double x;
      if (line[0] != '#' && sscanf(line, "%u %u %lf", &a, &b, &x) == 3) c->B[a * c->nout + b] = x;
    }
    fclose(fp);
  }
}

static inline void gradient_case_free(gradient_case *c) {
  ss_source_clear(&c->src);
  ss_source_clear(&c->tgt);
  free(c->B);
  ss_net_destroy(c->net);
}

/* The event-driven learner of the case with parameters lp on engine e:
 * output layer 2, hidden layer 1 with the case's feedback, both
 * projections plastic, started. */
static inline ss_learn *gradient_case_learner(const gradient_case *c, const ss_learn_params *lp, ss_engine *e) {
  ss_error err = {0};
  ss_learn *l = ss_learn_create(c->net, lp, &err);
  ck_assert_msg(l != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_learn_add_output(l, 2, &err), 0);
  ck_assert_int_eq(ss_learn_add_hidden(l, 1, 2, c->fb, 1, 0, &err), 0);
  if (c->B) ck_assert_int_eq(ss_learn_set_feedback(l, 1, c->B, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 0, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 1, &err), 0);
  ck_assert_int_eq(ss_learn_start(l, e, &err), 0);
  return l;
}

/* The event-driven G of every window of loaded case g with parameters lp
 * (engine, learner as gradient_case_learner), outgoing order,
 * [n_win][n_syn] (malloc'ed); the learner's statistics into *st if not
 * NULL. */
static inline double *gradient_case_run(gradient_case *g, const ss_learn_params *lp, ss_learn_stats *st) {
  ss_error err = {0};
  ss_engine *e = ss_engine_create(g->net, g->sources, NULL, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(ss_engine_set_targets(e, 2, &g->tgt, &err), 0);
  ss_learn *l = gradient_case_learner(g, lp, e);
  size_t S = g->net->n_syn;
  double *G = calloc(S * (size_t)g->n_win, sizeof *G);
  ck_assert_ptr_nonnull(G);
  for (int w = 0; w < g->n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(e, (w + 1) * g->T, &err), 0);
    ck_assert_msg(ss_learn_window(l, e, &err) == 0, "%s", err.msg);
    const double *x = ss_learn_gradient(l);
    for (uint64_t k = 0; k < S; ++k) G[(size_t)w * S + k] = x[g->net->out_slot[k]];
  }
  if (st) *st = *ss_learn_get_stats(l);
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  return G;
}

/* The oracle's values of window `win` in `file`, in outgoing order. */
static inline void gradient_read_window(const ss_net *net, const char *file, int win, double *out) {
  FILE *fp = fopen(file, "r");
  ck_assert_msg(fp != NULL, "cannot open %s", file);
  char line[256];
  size_t n = 0;
  while (fgets(line, sizeof line, fp)) {
    int w, layer;
    unsigned a, b;
    double x;
    if (line[0] == '#' || sscanf(line, "%d %d %u %u %lf", &w, &layer, &a, &b, &x) != 5 || w != win) continue;
    /* find synapse (a -> b) of projection `layer` in outgoing order */
    uint32_t u = net->pops[layer].offset + a, post = net->pops[layer + 1].offset + b;
    int found = 0;
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1] && !found; ++g)
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k)
        if (net->out_post[k] == post) {
          out[k] = x;
          found = 1;
          break;
        }
    ck_assert_msg(found, "%s: no synapse %u -> %u in layer %d", file, a, b, layer);
    ++n;
  }
  fclose(fp);
  ck_assert_uint_eq(n, net->n_syn);
}

/* max over layers of ||got - want|| / ||want|| (outgoing order). */
static inline double gradient_rel_err(const ss_net *net, const double *got, const double *want) {
  double worst = 0;
  for (uint32_t layer = 0; layer < 2; ++layer) {
    double num = 0, den = 0;
    for (uint64_t k = 0; k < net->n_syn; ++k) {
      if (ss_net_syn_proj(net, k) != layer) continue;
      double d = got[k] - want[k];
      num += d * d;
      den += want[k] * want[k];
    }
    double r = den > 0 ? sqrt(num / den) : sqrt(num);
    if (r > worst) worst = r;
  }
  return worst;
}

#endif

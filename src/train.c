/* train.c - a training run window by window (train.h).
 *
 * Gradients live in incoming (post-major) order, weights in outgoing order;
 * each plastic projection keeps the list of its outgoing indices, so the
 * optimizer sees dense arrays and its state stays with the projection. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errprobe.h"
#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/classify.h"
#include "superspike/clock_learn.h"
#include "superspike/cost.h"
#include "superspike/train.h"

#define ROW_DOUBLES (sizeof(ss_train_row) / sizeof(double))

typedef struct plastic_proj {
  uint32_t proj;
  uint64_t *k;        /* outgoing indices of its synapses */
  size_t n;
  double *w, *G;      /* dense scratch */
  double *reg;        /* regularizer term, or NULL */
  double rho;
  ss_optim *opt;
} plastic_proj;

struct ss_trainer {
  ss_experiment *x;
  ss_engine *e;        /* event-driven: engine + learner */
  ss_learn *l;
  ss_clock_learn *cl;  /* clock-driven: the reference learner */
  ss_cost *cost;       /* clock-driven: the outputs' cost */
  ss_classify **cls;   /* [n_pops] classification outputs, or NULL */
  ss_errprobe **probe; /* [2 n_pops] error traces of outputs: first and last loop */
  int n_cls;
  plastic_proj *pp;
  uint32_t n_pp;
  uint64_t n_windows, window;
  double t;
  ss_train_row *rows;
  double **rates;          /* [n_pops][n_windows] mean rate (Hz) per window */
  uint64_t *spk_prev;      /* [n_pops] spike counts at the last window end */
  size_t cap_rows;
  double loop;
  ss_afile dump;       /* --dump-gradients */
  int dumping;
  int stepped;         /* ss_trainer_step has run (a resumed trainer starts at 0) */
};

static double accuracy(const ss_trainer *tr);

static char *path_in(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

void ss_trainer_destroy(ss_trainer *tr) {
  if (!tr) return;
  for (uint32_t i = 0; i < tr->n_pp; ++i) {
    free(tr->pp[i].k);
    free(tr->pp[i].w);
    free(tr->pp[i].G);
    free(tr->pp[i].reg);
    ss_optim_destroy(tr->pp[i].opt);
  }
  free(tr->pp);
  if (tr->rates && tr->x)
    for (uint32_t p = 0; p < tr->x->net->n_pops; ++p) free(tr->rates[p]);
  free(tr->rates);
  free(tr->spk_prev);
  free(tr->rows);
  if (tr->dumping) ss_afile_abort(&tr->dump);
  if (tr->cls && tr->x)
    for (uint32_t p = 0; p < tr->x->net->n_pops; ++p) ss_classify_destroy(tr->cls[p]);
  free(tr->cls);
  if (tr->probe && tr->x)
    for (uint32_t p = 0; p < 2 * tr->x->net->n_pops; ++p) ss_errprobe_destroy(tr->probe[p]);
  free(tr->probe);
  ss_learn_destroy(tr->l);
  ss_engine_destroy(tr->e);
  ss_clock_learn_destroy(tr->cl);
  ss_cost_destroy(tr->cost);
  free(tr);
}

ss_trainer *ss_trainer_create(ss_experiment *x, ss_error *err) {
  const ss_learning_spec *L = x->learn;
  if (!L) {
    ss_error_set(err, SS_EINVAL, "%s: training needs a [learning] section", ss_config_dir(x->cfg));
    return NULL;
  }
  int clock = x->engine == SS_ENGINE_CLOCK;
  double nw = x->duration / L->window;
  if (fabs(nw - nearbyint(nw)) > 1e-9 * nw || nearbyint(nw) < 1) {
    ss_error_set(err, SS_EINVAL, "run.duration (%g s) must be a whole number of learning windows (%g s)",
                 x->duration / 1000, L->window / 1000);
    return NULL;
  }
  /* feed-forward only for now: no cycle among the projections */
  {
    uint32_t np = x->net->n_pops;
    uint8_t *state = calloc(np, 1); /* 0 unvisited, 1 on the path, 2 done */
    uint32_t *stack = calloc(np + 1, sizeof *stack), *next = calloc(np + 1, sizeof *next);
    int cyc = -1;
    if (!state || !stack || !next) {
      free(state);
      free(stack);
      free(next);
      ss_error_set(err, SS_ENOMEM, "out of memory");
      return NULL;
    }
    for (uint32_t r = 0; r < np && cyc < 0; ++r) {
      if (state[r]) continue;
      uint32_t sp = 0;
      stack[0] = r;
      next[0] = 0;
      state[r] = 1;
      while (sp != UINT32_MAX && cyc < 0) {
        uint32_t p = stack[sp], j = next[sp]++;
        if (j >= x->net->n_projs) {
          state[p] = 2;
          sp = sp ? sp - 1 : UINT32_MAX;
          continue;
        }
        if (x->net->projs[j].pre != p) continue;
        uint32_t q = x->net->projs[j].post;
        if (state[q] == 1) cyc = (int)j;
        else if (!state[q]) {
          state[q] = 1;
          stack[++sp] = q;
          next[sp] = 0;
        }
      }
    }
    free(state);
    free(stack);
    free(next);
    if (cyc >= 0) {
      ss_error_set(err, SS_EINVAL,
                   "projection '%s' closes a loop between populations: recurrent networks cannot be trained yet",
                   x->net->projs[cyc].name);
      return NULL;
    }
  }
  ss_trainer *tr = calloc(1, sizeof *tr);
  if (!tr) goto oom;
  tr->x = x;
  tr->n_windows = (uint64_t)nearbyint(nw);
  tr->loop = L->loop > 0 ? L->loop : L->window;
  ss_net *net = x->net;
  /* rasters of every population for the first and the last loop */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    char name[SS_NAME_MAX + 32];
    double last = x->duration - tr->loop < 0 ? 0 : x->duration - tr->loop;
    snprintf(name, sizeof name, "%s_first.ras", net->pops[p].name);
    char *a = path_in(x->out_dir, name);
    snprintf(name, sizeof name, "%s_last.ras", net->pops[p].name);
    char *b = path_in(x->out_dir, name);
    int rc = !a || !b ? ss_error_set(err, SS_ENOMEM, "out of memory")
                      : ss_record_add_spikes_range(x->rec, p, a, 0, tr->loop, err);
    if (!rc) rc = ss_record_add_spikes_range(x->rec, p, b, last, x->duration, err);
    free(a);
    free(b);
    if (rc) goto fail;
  }
  if (clock) { /* the reference code's per-step algorithm at run.dt */
    ss_clock_learn_params cp;
    ss_clock_learn_params_default(&cp);
    cp.dt = x->dt;
    cp.flavour = SS_CL_REFERENCE;
    for (uint32_t p = 0; p < net->n_pops; ++p) /* alignment: one Delta per layer kind in the clock learner */
      if (L->align[p] > 0) {
        double *d = L->role[p] == SS_ROLE_OUTPUT ? &cp.align_out : &cp.align_hidden;
        if (*d > 0 && *d != L->align[p]) {
          ss_error_set(err, SS_EINVAL, "population '%s': engine = clock needs one 'align' for all %s layers",
                       net->pops[p].name, L->role[p] == SS_ROLE_OUTPUT ? "output" : "hidden");
          goto fail;
        }
        *d = L->align[p];
      }
    tr->cl = ss_clock_learn_create(net, x->sources, x->rec, &L->lp, &cp, err);
    tr->cost = tr->cl ? ss_cost_create(net->n_units, L->lp.tau_rise, L->lp.tau_decay, L->lp.alpha_peak,
                                       L->lp.cost_tau, err)
                      : NULL;
    if (!tr->cost) goto fail;
  } else {
    tr->e = ss_engine_create(net, x->sources, x->rec, err);
    if (!tr->e) goto fail;
    tr->l = ss_learn_create(net, &L->lp, err);
    if (!tr->l) goto fail;
  }
  tr->cls = calloc(net->n_pops ? net->n_pops : 1, sizeof *tr->cls);
  if (!tr->cls) goto oom;
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (L->role[p] == SS_ROLE_OUTPUT && L->stimuli[p]) { /* classification (classify.h) */
      const ss_stimuli *st = L->stimuli[p];
      if (clock) {
        ss_error_set(err, SS_EINVAL, "population '%s': classification outputs (stimuli) need engine = event",
                     net->pops[p].name);
        goto fail;
      }
      tr->cls[p] = ss_classify_create(net->pops[p].offset, net->pops[p].size, st->onset, st->cls, st->n,
                                      L->opportunity[p], err);
      if (tr->cls[p]) {
        ss_classify_set_extra_free(tr->cls[p], L->extra_free[p]);
        ss_classify_set_late(tr->cls[p], L->late[p]);
      }
      if (!tr->cls[p] || ss_learn_add_output(tr->l, p, err) || ss_engine_set_classifier(tr->e, p, tr->cls[p], err)) {
        ss_error_prefix(err, "population '%s': ", net->pops[p].name);
        goto fail;
      }
      tr->n_cls++;
    } else if (L->role[p] == SS_ROLE_OUTPUT) {
      if (clock) {
        if (ss_clock_learn_add_output(tr->cl, p, err) || ss_clock_learn_set_targets(tr->cl, p, L->targets[p], err))
          goto fail;
        for (uint32_t k = 0; k < net->pops[p].size; ++k) ss_cost_add_output(tr->cost, net->pops[p].offset + k);
      } else if (ss_learn_add_output(tr->l, p, err) || ss_engine_set_targets(tr->e, p, L->targets[p], err)) {
        goto fail;
      }
    }
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (L->role[p] == SS_ROLE_HIDDEN &&
        (clock ? ss_clock_learn_add_hidden(tr->cl, p, L->fb_from[p], L->fb[p], L->fb_proj[p], L->fb_seed[p], err)
               : ss_learn_add_hidden(tr->l, p, L->fb_from[p], L->fb[p], L->fb_proj[p], L->fb_seed[p], err)))
      goto fail;
  for (uint32_t p = 0; p < net->n_pops; ++p) /* eligibility alignment (event engine; the clock's is set above) */
    if (!clock && L->align[p] > 0 && ss_learn_set_align(tr->l, p, L->align[p], err)) {
      ss_error_prefix(err, "population '%s': ", net->pops[p].name);
      goto fail;
    }
  if (x->probe_path) {
    if (!clock) {
      ss_error_set(err, SS_EINVAL, "synapse monitors need engine = clock (the per-step reference learner)");
      goto fail;
    }
    if (ss_clock_learn_probe(tr->cl, x->probe_slot, x->probe_t0, x->probe_t1, err)) goto fail;
  }
  tr->pp = calloc(net->n_projs ? net->n_projs : 1, sizeof *tr->pp);
  if (!tr->pp) goto oom;
  for (uint32_t j = 0; j < net->n_projs; ++j) {
    if (!L->plastic[j]) continue;
    if (clock ? ss_clock_learn_add_plastic(tr->cl, j, err) : ss_learn_add_plastic(tr->l, j, err)) goto fail;
    plastic_proj *pj = &tr->pp[tr->n_pp++];
    pj->proj = j;
    pj->n = net->projs[j].n_syn;
    pj->k = ss_malloc_array(pj->n, sizeof *pj->k);
    pj->w = ss_malloc_array(pj->n, sizeof *pj->w);
    pj->G = ss_malloc_array(pj->n, sizeof *pj->G);
    if (!pj->k || !pj->w || !pj->G) goto oom;
    size_t m = 0;
    for (uint32_t g = 0; g < net->n_groups; ++g)
      if (net->grp_proj[g] == j)
        for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) pj->k[m++] = k;
    pj->rho = L->rho[j];
    if (pj->rho > 0) {
      pj->reg = ss_malloc_array(pj->n, sizeof *pj->reg);
      if (!pj->reg) goto oom;
      if (clock) {
        ss_error_set(err, SS_EINVAL, "projection '%s': the regularizer needs engine = event", net->projs[j].name);
        goto fail;
      }
      if (ss_learn_set_het(tr->l, L->het_tau, L->het_a, err)) goto fail;
      if (L->het_error) ss_learn_set_het_error(tr->l, 1, err);
    }
    ss_optim_params op = L->op;
    op.r0 = L->r0[j];
    pj->opt = ss_optim_create(&op, pj->n, err);
    if (!pj->opt) {
      ss_error_prefix(err, "projection '%s': ", net->projs[j].name);
      goto fail;
    }
  }
  if (!tr->n_pp) {
    ss_error_set(err, SS_EINVAL, "no plastic projection: set plastic = yes on at least one");
    goto fail;
  }
  /* error traces of the outputs (at most 16 neurons each) over the first and last loop */
  tr->probe = calloc(2 * (size_t)net->n_pops + 1, sizeof *tr->probe);
  if (!tr->probe) goto oom;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (L->role[p] != SS_ROLE_OUTPUT) continue;
    uint32_t ids[16], n = net->pops[p].size < 16 ? net->pops[p].size : 16;
    for (uint32_t j = 0; j < n; ++j) ids[j] = net->pops[p].offset + j;
    double A = ss_alpha_norm(L->lp.tau_rise, L->lp.tau_decay, L->lp.alpha_peak), last = x->duration - tr->loop;
    for (int w = 0; w < 2; ++w) {
      double a = w ? (last < 0 ? 0 : last) : 0, b = w ? x->duration : tr->loop;
      tr->probe[2 * p + w] =
          ss_errprobe_create(ids, n, a, b, 0.5, L->lp.tau_rise, L->lp.tau_decay, A, err);
      if (!tr->probe[2 * p + w]) goto fail;
    }
  }
  tr->rows = ss_malloc_array(tr->n_windows, sizeof *tr->rows);
  tr->rates = calloc(net->n_pops, sizeof *tr->rates);
  tr->spk_prev = calloc(net->n_pops, sizeof *tr->spk_prev);
  if (!tr->rows || !tr->rates || !tr->spk_prev) goto oom;
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (!(tr->rates[p] = ss_malloc_array(tr->n_windows, sizeof(double)))) goto oom;
  if (!clock && ss_learn_start(tr->l, tr->e, err)) goto fail;
  return tr;
oom:
  ss_error_set(err, SS_ENOMEM, "training: out of memory");
fail:
  ss_trainer_destroy(tr);
  return NULL;
}

int ss_trainer_step(ss_trainer *tr, ss_train_row *row, ss_error *err) {
  if (tr->window >= tr->n_windows) return 0;
  ss_net *net = tr->x->net;
  const ss_learning_spec *L = tr->x->learn;
  double t1 = (double)(tr->window + 1) * L->window;
  int rc;
  const double *G;
  if (tr->cl) {
    if ((rc = ss_clock_learn_run_window(tr->cl, t1, err))) return rc;
    size_t n_ev;
    const ss_err_rec *ev = ss_clock_learn_errors(tr->cl, &n_ev);
    if ((rc = ss_cost_window(tr->cost, t1 - L->window, t1, ev, n_ev, L->lp.mode == SS_LEARN_PER_TRIAL, err)))
      return rc;
    G = ss_clock_learn_gradient(tr->cl);
    for (uint32_t p = 0; p < 2 * net->n_pops; ++p)
      if (tr->probe[p]) ss_errprobe_window(tr->probe[p], t1 - L->window, t1, ev, n_ev);
  } else {
    if ((rc = ss_engine_run(tr->e, t1, err))) return rc;
    if ((rc = ss_learn_window(tr->l, tr->e, err))) return rc;
    G = ss_learn_gradient(tr->l);
    size_t n_ev;
    const ss_err_rec *ev = ss_learn_errors(tr->l, &n_ev);
    for (uint32_t p = 0; p < 2 * net->n_pops; ++p)
      if (tr->probe[p]) ss_errprobe_window(tr->probe[p], t1 - L->window, t1, ev, n_ev);
  }
  double sum_dw = 0;
  size_t n_dw = 0;
  for (uint32_t i = 0; i < tr->n_pp; ++i) {
    plastic_proj *pj = &tr->pp[i];
    for (size_t m = 0; m < pj->n; ++m) {
      pj->w[m] = net->out_w[pj->k[m]];
      pj->G[m] = G[net->out_slot[pj->k[m]]];
    }
    if (pj->reg) {
      /* -rho w Z in the units of G: the reference code accumulates
       * 5 e lambda - rho w z^a per step with w in V and time in s
       * (paper-spec §2.11); G = int e lambda dt is unit-free, and
       * int w_V z^a ds_s = 1e-6 w_mV Z_ms, so relative to G the term is
       * -(1e-6 / 5) rho w_mV Z_ms (area-normalised alpha). */
      /* The error-dependent variant accumulates rho w z^a e_code^2 per step
       * with e_code = dt e (dt = 0.1 ms): int w_V z^a e_s^2 ds_s x 1e-4 s =
       * 1e-4 w_mV Z_ms (Z = int z^a e_ms^2 dt_ms), i.e. -2e-5 rho w_mV Z
       * relative to G. */
      const double *Z = ss_learn_het_integral(tr->l);
      const double sc = L->het_error ? -2e-5 : -2e-7;
      for (size_t m = 0; m < pj->n; ++m) pj->reg[m] = sc * pj->rho * pj->w[m] * Z[net->out_post[pj->k[m]]];
    }
    if (tr->dumping) {
      const ss_proj *pr = &net->projs[pj->proj];
      uint32_t off_a = net->pops[pr->pre].offset, off_b = net->pops[pr->post].offset;
      size_t m = 0; /* same order as pj->k: groups ascending, i.e. by owner */
      for (uint32_t u = net->pops[pr->pre].offset; u < off_a + net->pops[pr->pre].size; ++u)
        for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
          if (net->grp_proj[g] != pj->proj) continue;
          for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k, ++m)
            fprintf(tr->dump.fp, "%llu %s %u %u %.17g\n", (unsigned long long)tr->window, pr->name, u - off_a,
                    net->out_post[k] - off_b, pj->G[m]);
        }
    }
    if (L->stop_at > 0 && t1 > L->stop_at * (1 + 1e-12)) ss_optim_set_learning(pj->opt, 0); /* learning switched off */
    ss_optim_stats os;
    rc = ss_optim_step(pj->opt, t1, pj->w, pj->G, pj->reg, &os, err);
    if (rc) return ss_error_prefix(err, "projection '%s': ", net->projs[pj->proj].name);
    for (size_t m = 0; m < pj->n; ++m) net->out_w[pj->k[m]] = pj->w[m];
    sum_dw += os.mean_abs_dw * (double)os.n;
    n_dw += os.n;
  }
  ss_train_row r;
  double cw, cm;
  if (tr->cl) ss_cost_get(tr->cost, &cw, &cm);
  else ss_learn_cost(tr->l, &cw, &cm);
  r.t = t1;
  r.cost = 1.2e5 * cm;
  r.cost_window = 1.2e5 * cw;
  r.mean_dw = n_dw ? sum_dw / (double)n_dw : 0;
  r.accuracy = accuracy(tr);
  tr->rows[tr->window] = r;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    uint64_t c = tr->cl ? ss_clock_learn_pop_spikes(tr->cl, p) : ss_engine_pop_spikes(tr->e, p);
    tr->rates[p][tr->window] = (double)(c - tr->spk_prev[p]) / net->pops[p].size / (L->window / 1000.0);
    tr->spk_prev[p] = c;
  }
  if (row) *row = r;
  tr->t = t1;
  tr->window++;
  tr->stepped = 1;
  if (L->checkpoint_every && tr->window % L->checkpoint_every == 0 && tr->window < tr->n_windows) {
    char *path = path_in(tr->x->out_dir, "checkpoint.ssck");
    if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
    rc = ss_trainer_checkpoint(tr, path, err);
    free(path);
    if (rc) return rc;
  }
  return tr->window < tr->n_windows ? 1 : 0;
}

double ss_trainer_time(const ss_trainer *tr) { return tr->t; }
const ss_stats *ss_trainer_stats(const ss_trainer *tr) {
  return tr->cl ? ss_clock_learn_stats(tr->cl) : ss_engine_stats(tr->e);
}
const ss_learn *ss_trainer_learner(const ss_trainer *tr) { return tr->l; }

/* Classification: the fraction of correct among the last 100 judged
 * stimuli (pooled over classification outputs), NaN without any. */
static double accuracy(const ss_trainer *tr) {
  double good = 0, n = 0;
  for (uint32_t p = 0; p < tr->x->net->n_pops; ++p) {
    if (!tr->cls[p]) continue;
    size_t m;
    ss_classify_outcomes(tr->cls[p], &m);
    double k = m < 100 ? (double)m : 100.0, a = ss_classify_accuracy(tr->cls[p], 100);
    if (k > 0) {
      good += a * k;
      n += k;
    }
  }
  return n > 0 ? good / n : NAN;
}

/* Open OUT/POP_SUFFIX for an atomic write. */
static int open_pop_file(const ss_trainer *tr, uint32_t p, const char *suffix, ss_afile *f, ss_error *err) {
  char name[SS_NAME_MAX + 32];
  snprintf(name, sizeof name, "%s_%s", tr->x->net->pops[p].name, suffix);
  char *path = path_in(tr->x->out_dir, name);
  if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  int rc = ss_afile_open(f, path, err);
  free(path);
  return rc;
}

/* One line per judged stimulus of classification output p. */
static int write_outcomes(const ss_trainer *tr, uint32_t p, ss_error *err) {
  const ss_net *net = tr->x->net;
  ss_afile f;
  int rc = open_pop_file(tr, p, "classification.dat", &f, err);
  if (rc) return rc;
  size_t n;
  const ss_class_outcome *o = ss_classify_outcomes(tr->cls[p], &n);
  fprintf(f.fp, "# classification by '%s': one row per judged stimulus\n"
                "# onset(s) class hit correct wrong_spikes latency(ms) accuracy_last100\n", net->pops[p].name);
  size_t good = 0;
  for (size_t k = 0; k < n; ++k) {
    good += o[k].correct;
    if (k >= 100) good -= o[k - 100].correct;
    fprintf(f.fp, "%.17g %u %u %u %u %.10g %.6g\n", o[k].onset / 1000.0, o[k].cls, o[k].hit, o[k].correct, o[k].n_wrong,
            o[k].latency, (double)good / (double)(k < 100 ? k + 1 : 100));
  }
  return ss_afile_commit(&f, err);
}

/* The feedback matrix of hidden layer p as used by the last window:
 * `hidden output B` per line (symmetric: the forward weights then). */
static int write_feedback(const ss_trainer *tr, uint32_t p, ss_error *err) {
  const ss_net *net = tr->x->net;
  const double *B = tr->cl ? ss_clock_learn_feedback(tr->cl, p) : ss_learn_feedback(tr->l, p);
  if (!B) return SS_OK;
  uint32_t o = tr->x->learn->fb_from[p], nh = net->pops[p].size, no = net->pops[o].size;
  ss_afile f;
  int rc = open_pop_file(tr, p, "feedback.dat", &f, err);
  if (rc) return rc;
  static const char *const modes[] = {"symmetric", "random", "uniform"};
  fprintf(f.fp, "# feedback of hidden layer '%s' from '%s' (%s), as used by the last window\n# hidden output B\n",
          net->pops[p].name, net->pops[o].name, modes[tr->x->learn->fb[p]]);
  for (uint32_t i = 0; i < nh; ++i)
    for (uint32_t k = 0; k < no; ++k) fprintf(f.fp, "%u %u %.17g\n", i, k, B[(size_t)i * no + k]);
  return ss_afile_commit(&f, err);
}

/* The synapse monitor of the clock engine (paper Fig. 3 traces). */
static int write_probe(const ss_trainer *tr, ss_error *err) {
  ss_afile f;
  int rc = ss_afile_open(&f, tr->x->probe_path, err);
  if (rc) return rc;
  size_t n;
  const double *r = ss_clock_learn_probe_rows(tr->cl, &n);
  fprintf(f.fp, "# one plastic synapse, every step (reference learner, code units)\n"
                "# time(s) x U_post(mV) sigma_prime e_post lambda int_e_lambda_window\n");
  for (size_t k = 0; k < n; ++k, r += 7)
    fprintf(f.fp, "%.10g %.8g %.8g %.8g %.8g %.8g %.8g\n", r[0] / 1000.0, r[1], r[2], r[3], r[4], r[5], r[6]);
  return ss_afile_commit(&f, err);
}

static int write_curve(const ss_trainer *tr, ss_error *err) {
  const ss_net *net = tr->x->net;
  char *path = path_in(tr->x->out_dir, "learning_curve.dat");
  if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  free(path);
  if (rc) return rc;
  fprintf(f.fp, "# learning curve: one row per update window\n# time(s) cost cost_window sqrt_cost mean_abs_dw(mV)");
  for (uint32_t p = 0; p < net->n_pops; ++p) fprintf(f.fp, " rate_%s(Hz)", net->pops[p].name);
  if (tr->n_cls) fprintf(f.fp, " accuracy_last100");
  fprintf(f.fp, "\n");
  for (uint64_t w = 0; w < tr->window; ++w) {
    const ss_train_row *r = &tr->rows[w];
    fprintf(f.fp, "%.17g %.10g %.10g %.10g %.10g", r->t / 1000.0, r->cost, r->cost_window, sqrt(r->cost), r->mean_dw);
    for (uint32_t p = 0; p < net->n_pops; ++p) fprintf(f.fp, " %.10g", tr->rates[p][w]);
    if (tr->n_cls) fprintf(f.fp, " %.6g", r->accuracy);
    fprintf(f.fp, "\n");
  }
  return ss_afile_commit(&f, err);
}

int ss_trainer_dump_gradients(ss_trainer *tr, const char *path, ss_error *err) {
  if (tr->stepped || tr->dumping) return ss_error_set(err, SS_ESTATE, "gradient dump: only before the first step");
  int rc = ss_afile_open(&tr->dump, path, err);
  if (rc) return rc;
  tr->dumping = 1;
  fprintf(tr->dump.fp, "# raw gradient G = int_window e lambda dt of every plastic synapse, before the optimizer\n"
                       "# window projection pre post G\n");
  return SS_OK;
}

int ss_trainer_finish(ss_trainer *tr, double wall_s, ss_error *err) {
  ss_experiment *x = tr->x;
  const ss_net *net = x->net;
  int rc = ss_experiment_write(x, err);
  if (rc) return rc;
  if (tr->dumping) {
    tr->dumping = 0;
    if ((rc = ss_afile_commit(&tr->dump, err))) return rc;
  }
  if (x->learn->checkpoint_every) {
    char *cp = path_in(x->out_dir, "checkpoint.ssck");
    if (!cp) return ss_error_set(err, SS_ENOMEM, "out of memory");
    rc = ss_trainer_checkpoint(tr, cp, err);
    free(cp);
    if (rc) return rc;
  }
  if ((rc = write_curve(tr, err))) return rc;
  if (tr->cl && x->probe_path && (rc = write_probe(tr, err))) return rc;
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (tr->cls[p] && (rc = write_outcomes(tr, p, err))) return rc;
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (x->learn->role[p] == SS_ROLE_HIDDEN && (rc = write_feedback(tr, p, err))) return rc;
  for (uint32_t p = 0; p < 2 * net->n_pops; ++p) {
    if (!tr->probe[p]) continue;
    char name[SS_NAME_MAX + 32];
    snprintf(name, sizeof name, "%s_error_%s.dat", net->pops[p / 2].name, p % 2 ? "last" : "first");
    char *path = path_in(x->out_dir, name);
    if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
    rc = ss_errprobe_write(tr->probe[p], path, net->pops[p / 2].name, net->pops[p / 2].offset, err);
    free(path);
    if (rc) return rc;
  }
  for (uint32_t i = 0; i < tr->n_pp; ++i) {
    char name[SS_NAME_MAX + 16];
    snprintf(name, sizeof name, "%s.edges", net->projs[tr->pp[i].proj].name);
    char *path = path_in(x->out_dir, name);
    if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
    rc = ss_net_write_edges(net, tr->pp[i].proj, path, err);
    free(path);
    if (rc) return rc;
  }
  char *path = path_in(x->out_dir, "summary.json");
  if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  ss_afile f;
  rc = ss_afile_open(&f, path, err);
  free(path);
  if (rc) return rc;
  const ss_stats *st = ss_trainer_stats(tr);
  char acc_s[32] = "null"; /* JSON has no NaN */
  double acc = accuracy(tr);
  if (!isnan(acc)) snprintf(acc_s, sizeof acc_s, "%.6g", acc);
  uint64_t nodes = tr->l ? ss_learn_get_stats(tr->l)->nodes : 0;
  double c0 = tr->window ? tr->rows[0].cost : 0, c1 = tr->window ? tr->rows[tr->window - 1].cost : 0;
  fprintf(f.fp,
          "{\n  \"command\": \"train\",\n  \"config_hash\": \"%016" PRIx64 "\",\n  \"seed\": %" PRIu64
          ",\n  \"engine\": \"%s\",\n  \"duration_s\": %.17g,\n  \"windows\": %" PRIu64
          ",\n  \"initial_cost\": %.10g,\n  \"final_cost\": %.10g,\n  \"wall_s\": %.6f,\n  \"events\": %" PRIu64
          ",\n  \"synaptic_events\": %" PRIu64 ",\n  \"spikes\": %" PRIu64 ",\n  \"synaptic_events_per_s\": %.6g,\n"
          "  \"quadrature_nodes\": %" PRIu64 ",\n  \"accuracy_last100\": %s\n}\n",
          ss_config_hash(x->cfg), x->seed, tr->cl ? "clock" : "event", tr->t / 1000.0, tr->window, c0, c1, wall_s, st->events, st->syn_events,
          st->spikes, wall_s > 0 ? (double)st->syn_events / wall_s : 0.0, nodes, acc_s);
  return ss_afile_commit(&f, err);
}

/* ------------------------------------------------------------ checkpoints */

int ss_trainer_checkpoint(const ss_trainer *tr, const char *path, ss_error *err) {
  const ss_experiment *x = tr->x;
  const ss_net *net = x->net;
  ss_ckpt_writer *w = ss_ckpt_writer_create(path, ss_config_hash(x->cfg), err);
  if (!w) return err ? err->code : SS_EIO;
  char name[SS_CKPT_NAME_MAX + 1];
  int rc = ss_ckpt_add_u64_value(w, "trn.window", tr->window, err);
  if (!rc) rc = ss_ckpt_add_f64_value(w, "trn.t", tr->t, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "net.w", net->out_w, net->n_syn, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "trn.rows", (const double *)tr->rows, ROW_DOUBLES * tr->window, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "trn.spkprev", tr->spk_prev, net->n_pops, err);
  for (uint32_t p = 0; p < net->n_pops && !rc; ++p) {
    snprintf(name, sizeof name, "trn.rate%u", p);
    rc = ss_ckpt_add_f64(w, name, tr->rates[p], tr->window, err);
  }
  for (uint32_t i = 0; i < tr->n_pp && !rc; ++i) {
    const plastic_proj *pj = &tr->pp[i];
    ss_optim_state os;
    ss_optim_get_state(pj->opt, &os);
    double sd[2] = {os.t_last, os.r0_eff};
    uint64_t su[2] = {os.n_windows, (uint64_t)os.learning};
    snprintf(name, sizeof name, "opt%u.v", pj->proj);
    rc = ss_ckpt_add_f64(w, name, ss_optim_v(pj->opt), pj->n, err);
    snprintf(name, sizeof name, "opt%u.f", pj->proj);
    if (!rc) rc = ss_ckpt_add_f64(w, name, sd, 2, err);
    snprintf(name, sizeof name, "opt%u.u", pj->proj);
    if (!rc) rc = ss_ckpt_add_u64(w, name, su, 2, err);
  }
  for (uint32_t p = 0; p < net->n_pops && !rc; ++p) {
    if (x->sources[p]) {
      snprintf(name, sizeof name, "src%u", p);
      rc = ss_source_save(x->sources[p], w, name, err);
    }
    if (!rc && x->learn->targets[p]) {
      snprintf(name, sizeof name, "tgt%u", p);
      rc = ss_source_save(x->learn->targets[p], w, name, err);
    }
  }
  for (uint32_t p = 0; p < net->n_pops && !rc; ++p)
    if (tr->cls[p]) {
      snprintf(name, sizeof name, "cls%u", p);
      rc = ss_classify_save(tr->cls[p], w, name, err);
    }
  for (uint32_t p = 0; p < 2 * net->n_pops && !rc; ++p)
    if (tr->probe[p]) {
      snprintf(name, sizeof name, "eprobe%u", p);
      rc = ss_errprobe_save(tr->probe[p], w, name, err);
    }
  if (!rc && tr->cl) rc = ss_clock_learn_save(tr->cl, w, err);
  if (!rc && tr->cl) rc = ss_cost_save(tr->cost, w, err);
  if (!rc && tr->e) rc = ss_engine_save(tr->e, w, err);
  if (!rc && tr->l) rc = ss_learn_save(tr->l, w, err);
  if (!rc) rc = ss_record_save(x->rec, w, err);
  if (rc) {
    ss_ckpt_writer_abort(w);
    return rc;
  }
  return ss_ckpt_writer_commit(w, err);
}

int ss_trainer_resume(ss_trainer *tr, const char *path, ss_error *err) {
  ss_experiment *x = tr->x;
  ss_net *net = x->net;
  if (tr->window) return ss_error_set(err, SS_ESTATE, "resume only into a fresh trainer");
  ss_ckpt *ck = ss_ckpt_read(path, err);
  if (!ck) return err ? err->code : SS_EIO;
  char name[SS_CKPT_NAME_MAX + 1];
  uint64_t win;
  int rc = ss_ckpt_check_config_hash(ck, ss_config_hash(x->cfg), err);
  if (!rc) rc = ss_ckpt_get_u64_value(ck, "trn.window", &win, err);
  if (!rc && win > tr->n_windows)
    rc = ss_error_set(err, SS_EPARSE, "%s: %llu windows done, more than this run has", path, (unsigned long long)win);
  if (rc) goto out;
  /* read everything into the live objects; any failure leaves the trainer
   * unusable, and the caller discards it */
  tr->window = win;
  if ((rc = ss_ckpt_get_f64_value(ck, "trn.t", &tr->t, err)) ||
      (rc = ss_ckpt_get_f64(ck, "net.w", net->out_w, net->n_syn, err)) ||
      (rc = ss_ckpt_get_f64(ck, "trn.rows", (double *)tr->rows, ROW_DOUBLES * win, err)) ||
      (rc = ss_ckpt_get_u64(ck, "trn.spkprev", tr->spk_prev, net->n_pops, err)))
    goto out;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    snprintf(name, sizeof name, "trn.rate%u", p);
    if ((rc = ss_ckpt_get_f64(ck, name, tr->rates[p], win, err))) goto out;
  }
  for (uint32_t i = 0; i < tr->n_pp; ++i) {
    plastic_proj *pj = &tr->pp[i];
    double sd[2];
    uint64_t su[2];
    double *v = ss_malloc_array(pj->n, sizeof *v);
    if (!v) {
      rc = ss_error_set(err, SS_ENOMEM, "out of memory");
      goto out;
    }
    snprintf(name, sizeof name, "opt%u.v", pj->proj);
    rc = ss_ckpt_get_f64(ck, name, v, pj->n, err);
    if (!rc) rc = ss_optim_set_v(pj->opt, v, pj->n, err);
    free(v);
    snprintf(name, sizeof name, "opt%u.f", pj->proj);
    if (!rc) rc = ss_ckpt_get_f64(ck, name, sd, 2, err);
    snprintf(name, sizeof name, "opt%u.u", pj->proj);
    if (!rc) rc = ss_ckpt_get_u64(ck, name, su, 2, err);
    if (!rc) {
      ss_optim_state os = {sd[0], sd[1], su[0], (int)su[1]};
      rc = ss_optim_set_state(pj->opt, &os, err);
    }
    if (rc) goto out;
  }
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (x->sources[p]) {
      snprintf(name, sizeof name, "src%u", p);
      if ((rc = ss_source_load(x->sources[p], ck, name, err))) goto out;
    }
    if (x->learn->targets[p]) {
      snprintf(name, sizeof name, "tgt%u", p);
      if ((rc = ss_source_load(x->learn->targets[p], ck, name, err))) goto out;
    }
  }
  for (uint32_t p = 0; p < net->n_pops; ++p)
    if (tr->cls[p]) {
      snprintf(name, sizeof name, "cls%u", p);
      if ((rc = ss_classify_load(tr->cls[p], ck, name, err))) goto out;
    }
  for (uint32_t p = 0; p < 2 * net->n_pops; ++p)
    if (tr->probe[p]) {
      snprintf(name, sizeof name, "eprobe%u", p);
      if ((rc = ss_errprobe_load(tr->probe[p], ck, name, err))) goto out;
    }
  if (tr->cl ? (rc = ss_clock_learn_load(tr->cl, ck, err)) || (rc = ss_cost_load(tr->cost, ck, err))
             : (rc = ss_engine_load(tr->e, ck, err)) || (rc = ss_learn_resume(tr->l, tr->e, ck, err)))
    goto out;
  if ((rc = ss_record_load(x->rec, ck, err))) goto out;
out:
  if (rc && err) ss_error_prefix(err, "resume from %s: ", path);
  ss_ckpt_free(ck);
  return rc;
}

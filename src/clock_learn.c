/* clock_learn.c - the clock-driven SuperSpike learner (clock_learn.h).
 *
 * One stepping loop per flavour over structure-of-arrays state:
 *   per unit     v, I, refractory steps left, error state;
 *   per group    (delay group of the outgoing CSR: one presynaptic unit,
 *                one projection, one delay) the PSP trace, shared by all of
 *                its synapses since they see the same arrival train;
 *   per slot     (incoming order) the eligibility state and the window
 *                accumulator of plastic synapses.
 * Pending arrivals live in a ring of per-step lists of delay groups, so the
 * weight is read from net->out_w at the arrival step; the reference flavour
 * keeps two more rings of output error impulses (own/target spikes through
 * err_delay; feedback to the hidden layers through 1 + fb_delay steps). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "internal.h"
#include "superspike/clock_learn.h"
#include "superspike/cost.h"

typedef struct u32vec {
  uint32_t *a;
  size_t n, cap;
} u32vec;

static int vec_push(u32vec *v, uint32_t x) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? 2 * v->cap : 16;
    uint32_t *a = ss_realloc_array(v->a, cap, sizeof *a);
    if (!a) return SS_ENOMEM;
    v->a = a;
    v->cap = cap;
  }
  v->a[v->n++] = x;
  return SS_OK;
}

/* Per-population step constants. */
typedef struct cl_popc {
  double em, es, p21; /* exact propagator over dt (EXACT); PSP of this post population */
  double ea, eb;      /* Euler membrane v <- ea v + eb I (REFERENCE) */
  double kz;          /* dt / tau_mem: Euler follow of the PSP trace (REFERENCE) */
  int32_t nref;       /* refractory steps */
} cl_popc;

struct ss_clock_learn {
  ss_net *net;
  ss_source **sources;
  ss_record *rec;
  ss_learn_params lp;
  ss_clock_learn_params cp;
  double dt, A;
  int prepared;
  int need_fb;
  uint64_t n;            /* next step */
  uint64_t n_trial;      /* first step of the current trial (delay lines) */
  uint8_t *role;         /* [n_pops] */
  uint8_t *plastic;      /* [n_projs] */
  ss_source **targets;   /* [n_pops] */
  ss_fb_set fb;          /* hidden layers and their feedback */
  cl_popc *pc;           /* [n_pops] */
  /* per unit */
  double *v, *I;
  int32_t *ref;
  uint8_t *sweep;        /* has plastic inputs */
  double *fd, *fr;       /* EXACT: output error traces (alpha components) */
  double *e;             /* EXACT: error at t_n; REFERENCE: error impulse of this step */
  double *tr, *trf;      /* REFERENCE: Euler error traces (code units) */
  double *err_prev;      /* REFERENCE: impulse of the previous step */
  double *sp_hist;       /* REFERENCE: [n_hist * n_units] sigma' history */
  /* per group */
  uint32_t *grp_steps;   /* delay in steps (REFERENCE) */
  double *y, *z;         /* EXACT: (y, z); REFERENCE: z (pre trace), y = z~ */
  double *zt_hist;       /* REFERENCE: [n_hist * n_groups] z~ history */
  /* per slot */
  uint32_t *slot_grp;
  uint8_t *slot_pl;
  double *h1, *h2;       /* EXACT: H_d, H_r; REFERENCE: el, el_flt */
  double *acc;           /* window accumulator */
  double *G;             /* last closed window */
  /* rings */
  u32vec *ring;          /* arrivals: delay groups per step */
  uint32_t n_ring;
  u32vec *ering;         /* REFERENCE: error impulses 2u + (sign < 0) */
  uint32_t n_ering, err_steps;
  u32vec *fring;         /* REFERENCE: output impulses for the hidden feedback */
  uint32_t n_fring, fb_steps;
  uint32_t n_hist, d_out, d_hid;
  ss_stats st;
  uint64_t windows;
  uint64_t *pop_spikes;  /* [n_pops] */
  ss_err_rec *err_log;   /* error events of the open window (grid times) */
  size_t n_err, cap_err;
  ss_err_rec *err_last;  /* ... of the last closed window */
  size_t n_err_last, cap_err_last;
  /* synapse probe (figures): rows of CL_PROBE_COLS values per step in range */
  int probe_on;
  uint32_t probe_slot, probe_post;
  double probe_t0, probe_t1;
  double *probe;
  size_t n_probe, cap_probe;
};

#define CL_PROBE_COLS 7

static int log_err(ss_clock_learn *c, double t, uint32_t u, int32_t sign) {
  if (c->n_err == c->cap_err) {
    size_t cap = c->cap_err ? 2 * c->cap_err : 256;
    ss_err_rec *r = realloc(c->err_log, cap * sizeof *r);
    if (!r) return SS_ENOMEM;
    c->err_log = r;
    c->cap_err = cap;
  }
  c->err_log[c->n_err++] = (ss_err_rec){t, u, sign};
  return SS_OK;
}

/* ------------------------------------------------------------ setup */

void ss_clock_learn_params_default(ss_clock_learn_params *p) {
  memset(p, 0, sizeof *p);
  p->dt = 0.1;
  p->flavour = SS_CL_REFERENCE;
}

static int bad_nonneg(double x) { return !(x >= 0) || !isfinite(x); }

ss_clock_learn *ss_clock_learn_create(ss_net *net, ss_source **sources, ss_record *rec,
                                      const ss_learn_params *lp, const ss_clock_learn_params *cp,
                                      ss_error *err) {
  if (!net->built || !net->out_slot || !net->in_ptr) {
    ss_error_set(err, SS_ESTATE, "clock learner: needs a built network with its incoming slots");
    return NULL;
  }
  double dt = cp->dt;
  if (!(dt > 0) || !isfinite(dt)) {
    ss_error_set(err, SS_EINVAL, "clock learner: dt must be > 0 (got %g ms)", dt);
    return NULL;
  }
  if (cp->flavour != SS_CL_EXACT && cp->flavour != SS_CL_REFERENCE) {
    ss_error_set(err, SS_EINVAL, "clock learner: unknown flavour %d", (int)cp->flavour);
    return NULL;
  }
  if (bad_nonneg(cp->err_delay) || bad_nonneg(cp->fb_delay) || bad_nonneg(cp->align_out) ||
      bad_nonneg(cp->align_hidden) || bad_nonneg(cp->skip_pre) || bad_nonneg(cp->skip_err)) {
    ss_error_set(err, SS_EINVAL, "clock learner: delays, alignments and skip thresholds must be finite and >= 0");
    return NULL;
  }
  if (!(lp->tau_rise > 0) || !(lp->tau_decay > 0) || !isfinite(lp->tau_rise) || !isfinite(lp->tau_decay) ||
      fabs(lp->tau_rise - lp->tau_decay) < 1e-2 * lp->tau_decay) {
    ss_error_set(err, SS_EINVAL, "clock learner: alpha time constants must be > 0 and differ by at least 1%%");
    return NULL;
  }
  if (!(lp->beta > 0) || !isfinite(lp->beta)) {
    ss_error_set(err, SS_EINVAL, "clock learner: surrogate beta must be > 0");
    return NULL;
  }
  if ((lp->surrogate != SS_SURR_PAPER && lp->surrogate != SS_SURR_LINEAR && lp->surrogate != SS_SURR_REFERENCE) ||
      isnan(lp->u_cut) || lp->u_cut == INFINITY) {
    ss_error_set(err, SS_EINVAL, "clock learner: unknown surrogate form or bad u_cut");
    return NULL;
  }
  double steps_max = 0;
  for (uint32_t g = 0; g < net->n_groups; ++g)
    if (net->grp_delay[g] / dt > steps_max) steps_max = net->grp_delay[g] / dt;
  double ds[4] = {cp->err_delay / dt, cp->fb_delay / dt, cp->align_out / dt, cp->align_hidden / dt};
  for (int k = 0; k < 4; ++k)
    if (ds[k] > steps_max) steps_max = ds[k];
  if (steps_max > 1e7) {
    ss_error_set(err, SS_ERANGE, "clock learner: a delay of %g steps is too long for dt = %g ms", steps_max, dt);
    return NULL;
  }
  if (net->n_units >= (1u << 31)) {
    ss_error_set(err, SS_ERANGE, "clock learner: too many units");
    return NULL;
  }
  ss_clock_learn *c = calloc(1, sizeof *c);
  if (!c) goto oom;
  c->net = net;
  c->sources = sources;
  c->rec = rec;
  c->lp = *lp;
  c->cp = *cp;
  c->dt = dt;
  c->need_fb = 1;
  double td = lp->tau_decay, tr = lp->tau_rise;
  c->A = ss_alpha_norm(tr, td, lp->alpha_peak);
  size_t nu = net->n_units, S = net->n_syn, ng = net->n_groups, np = net->n_pops;
  c->role = ss_calloc(np, 1);
  c->pop_spikes = ss_calloc(np, sizeof *c->pop_spikes);
  c->plastic = ss_calloc(net->n_projs, 1);
  c->targets = ss_calloc(np, sizeof *c->targets);
  c->pc = ss_calloc(np, sizeof *c->pc);
  c->v = ss_calloc(nu, sizeof(double));
  c->I = ss_calloc(nu, sizeof(double));
  c->ref = ss_calloc(nu, sizeof(int32_t));
  c->sweep = ss_calloc(nu, 1);
  c->fd = ss_calloc(nu, sizeof(double));
  c->fr = ss_calloc(nu, sizeof(double));
  c->e = ss_calloc(nu, sizeof(double));
  c->tr = ss_calloc(nu, sizeof(double));
  c->trf = ss_calloc(nu, sizeof(double));
  c->err_prev = ss_calloc(nu, sizeof(double));
  c->grp_steps = ss_calloc(ng, sizeof(uint32_t));
  c->y = ss_calloc(ng, sizeof(double));
  c->z = ss_calloc(ng, sizeof(double));
  c->slot_grp = ss_calloc(S, sizeof(uint32_t));
  c->slot_pl = ss_calloc(S, 1);
  c->h1 = ss_calloc(S, sizeof(double));
  c->h2 = ss_calloc(S, sizeof(double));
  c->acc = ss_calloc(S, sizeof(double));
  c->G = ss_calloc(S, sizeof(double));
  if (!c->role || !c->pop_spikes || !c->plastic || !c->targets || !c->pc || !c->v || !c->I || !c->ref || !c->sweep || !c->fd ||
      !c->fr || !c->e || !c->tr || !c->trf || !c->err_prev || !c->grp_steps || !c->y || !c->z || !c->slot_grp ||
      !c->slot_pl || !c->h1 || !c->h2 || !c->acc || !c->G)
    goto oom;
  /* rings */
  uint32_t dmax = 0;
  for (uint32_t g = 0; g < ng; ++g) {
    double s = nearbyint(net->grp_delay[g] / dt);
    c->grp_steps[g] = (uint32_t)s;
    if (c->grp_steps[g] > dmax) dmax = c->grp_steps[g];
    for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) c->slot_grp[net->out_slot[k]] = g;
  }
  c->n_ring = dmax + 4; /* EXACT rounds (t + d)/dt: up to two steps beyond n + round(d/dt) */
  c->ring = ss_calloc(c->n_ring, sizeof *c->ring);
  c->err_steps = (uint32_t)nearbyint(cp->err_delay / dt);
  c->fb_steps = (uint32_t)nearbyint(cp->fb_delay / dt);
  c->d_out = (uint32_t)nearbyint(cp->align_out / dt);
  c->d_hid = (uint32_t)nearbyint(cp->align_hidden / dt);
  c->n_ering = c->err_steps + 1;
  c->n_fring = c->fb_steps + 2;
  c->n_hist = (c->d_out > c->d_hid ? c->d_out : c->d_hid) + 1;
  if (!c->ring) goto oom;
  if (cp->flavour == SS_CL_REFERENCE) {
    c->ering = ss_calloc(c->n_ering, sizeof *c->ering);
    c->fring = ss_calloc(c->n_fring, sizeof *c->fring);
    if ((uint64_t)c->n_hist * (nu + ng) > ((uint64_t)1 << 31)) {
      ss_error_set(err, SS_ENOMEM, "clock learner: alignment delay lines of %u steps are too large", c->n_hist);
      ss_clock_learn_destroy(c);
      return NULL;
    }
    c->sp_hist = ss_calloc((size_t)c->n_hist * nu, sizeof(double));
    c->zt_hist = ss_calloc((size_t)c->n_hist * ng, sizeof(double));
    if (!c->ering || !c->fring || !c->sp_hist || !c->zt_hist) goto oom;
  }
  for (uint32_t p = 0; p < np; ++p) {
    const ss_pop *pp = &net->pops[p];
    cl_popc *q = &c->pc[p];
    if (pp->kind != SS_POP_LIF) continue;
    const ss_lif_params *l = &pp->lif;
    ss_lif_prop_coeffs(l, dt, &q->em, &q->es, &q->p21);
    q->ea = 1.0 - dt / l->tau_mem;
    q->eb = dt / l->tau_mem;
    q->kz = dt / l->tau_mem;
    if (cp->flavour == SS_CL_EXACT) {
      /* refractory while t_spike + t_ref > t_{spike step + k}: k < t_ref/dt */
      q->nref = (int32_t)ceil(l->t_ref / dt - 1e-9);
      if (q->nref < 0) q->nref = 0;
    } else {
      q->nref = (int32_t)nearbyint(l->t_ref / dt);
    }
    for (uint32_t k = 0; k < pp->size; ++k) c->v[pp->offset + k] = pp->v_init;
  }
  return c;
oom:
  ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  ss_clock_learn_destroy(c);
  return NULL;
}

static void free_ring(u32vec *r, uint32_t n) {
  if (!r) return;
  for (uint32_t k = 0; k < n; ++k) free(r[k].a);
  free(r);
}

void ss_clock_learn_destroy(ss_clock_learn *c) {
  if (!c) return;
  ss_fb_free(&c->fb);
  free(c->role);
  free(c->pop_spikes);
  free(c->err_log);
  free(c->err_last);
  free(c->probe);
  free(c->plastic);
  free(c->targets);
  free(c->pc);
  free(c->v);
  free(c->I);
  free(c->ref);
  free(c->sweep);
  free(c->fd);
  free(c->fr);
  free(c->e);
  free(c->tr);
  free(c->trf);
  free(c->err_prev);
  free(c->sp_hist);
  free(c->grp_steps);
  free(c->y);
  free(c->z);
  free(c->zt_hist);
  free(c->slot_grp);
  free(c->slot_pl);
  free(c->h1);
  free(c->h2);
  free(c->acc);
  free(c->G);
  free_ring(c->ring, c->n_ring);
  free_ring(c->ering, c->n_ering);
  free_ring(c->fring, c->n_fring);
  free(c);
}

static int check_setup(const ss_clock_learn *c, ss_error *err) {
  if (c->prepared) return ss_error_set(err, SS_ESTATE, "clock learner: roles can only be set before the first step");
  return SS_OK;
}

int ss_clock_learn_add_output(ss_clock_learn *c, uint32_t pop, ss_error *err) {
  const ss_net *net = c->net;
  int rc = check_setup(c, err);
  if (rc) return rc;
  return ss_role_add_output(net, c->role, pop, err);
}

int ss_clock_learn_set_targets(ss_clock_learn *c, uint32_t pop, ss_source *targets, ss_error *err) {
  const ss_net *net = c->net;
  if (pop >= net->n_pops || c->role[pop] != SS_ROLE_OUTPUT)
    return ss_error_set(err, SS_EINVAL, "targets can only be set for an output layer");
  if (targets && (targets->offset != net->pops[pop].offset || targets->size != net->pops[pop].size))
    return ss_error_set(err, SS_EINVAL, "targets of '%s': the cursor must cover the population's ids",
                        net->pops[pop].name);
  c->targets[pop] = targets;
  return SS_OK;
}

int ss_clock_learn_add_hidden(ss_clock_learn *c, uint32_t pop, uint32_t out_pop, ss_feedback fb, uint32_t proj,
                              uint64_t seed, ss_error *err) {
  const ss_net *net = c->net;
  int rc = check_setup(c, err);
  if (!rc) rc = ss_role_check_hidden(net, c->role, pop, out_pop, fb, proj, err);
  if (rc) return rc;
  /* the event-driven learner takes any mode (B = 0 for an unknown one); this one rejects it */
  if (fb != SS_FB_SYMMETRIC && fb != SS_FB_RANDOM && fb != SS_FB_UNIFORM)
    return ss_error_set(err, SS_EINVAL, "unknown feedback mode %d", (int)fb);
  if (ss_fb_add(&c->fb, net, pop, out_pop, fb, proj, seed)) /* the same B as ss_learn_add_hidden */
    return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  c->role[pop] = SS_ROLE_HIDDEN;
  return SS_OK;
}

int ss_clock_learn_set_feedback(ss_clock_learn *c, uint32_t pop, const double *B, ss_error *err) {
  return ss_fb_set_matrix(&c->fb, c->net, pop, B, err);
}

int ss_clock_learn_add_plastic(ss_clock_learn *c, uint32_t proj, ss_error *err) {
  const ss_net *net = c->net;
  int rc = check_setup(c, err);
  if (rc) return rc;
  return ss_role_add_plastic(net, c->role, c->plastic, proj, err);
}

/* Freeze the roles: plastic flags per slot, neurons to sweep. */
static void prepare(ss_clock_learn *c) {
  const ss_net *net = c->net;
  for (uint32_t g = 0; g < net->n_groups; ++g) {
    if (!c->plastic[net->grp_proj[g]]) continue;
    for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) {
      c->slot_pl[net->out_slot[k]] = 1;
      c->sweep[net->out_post[k]] = 1;
    }
  }
  c->prepared = 1;
}

static inline double surrogate(const ss_clock_learn *c, const ss_lif_params *l, double v) {
  if (c->lp.surrogate == SS_SURR_LINEAR) return 1.0;
  double x = 1.0 + c->lp.beta * fabs(v - l->thp);
  /* the reference code's form: extra factor beta, 0 below u_cut (the same
   * test on v = U - U_rest as the event-driven sweep) */
  if (c->lp.surrogate == SS_SURR_REFERENCE) return v >= c->lp.u_cut - l->u_rest ? c->lp.beta / (x * x) : 0.0;
  return 1.0 / (x * x);
}

/* Reset everything but the window accumulators (per-trial mode). */
static void reset_state(ss_clock_learn *c) {
  const ss_net *net = c->net;
  size_t nu = net->n_units, ng = net->n_groups, S = net->n_syn;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    for (uint32_t k = 0; k < pp->size; ++k) c->v[pp->offset + k] = pp->kind == SS_POP_LIF ? pp->v_init : 0;
  }
  memset(c->I, 0, nu * sizeof(double));
  memset(c->ref, 0, nu * sizeof(int32_t));
  memset(c->fd, 0, nu * sizeof(double));
  memset(c->fr, 0, nu * sizeof(double));
  memset(c->e, 0, nu * sizeof(double));
  memset(c->tr, 0, nu * sizeof(double));
  memset(c->trf, 0, nu * sizeof(double));
  memset(c->err_prev, 0, nu * sizeof(double));
  memset(c->y, 0, ng * sizeof(double));
  memset(c->z, 0, ng * sizeof(double));
  memset(c->h1, 0, S * sizeof(double));
  memset(c->h2, 0, S * sizeof(double));
  for (uint32_t k = 0; k < c->n_ring; ++k) c->ring[k].n = 0;
  if (c->ering)
    for (uint32_t k = 0; k < c->n_ering; ++k) c->ering[k].n = 0;
  if (c->fring)
    for (uint32_t k = 0; k < c->n_fring; ++k) c->fring[k].n = 0;
  if (c->sp_hist) memset(c->sp_hist, 0, (size_t)c->n_hist * nu * sizeof(double));
  if (c->zt_hist) memset(c->zt_hist, 0, (size_t)c->n_hist * ng * sizeof(double));
}

static void sample_state(void *ctx, uint32_t u, double t, double *U, double *I) {
  (void)t;
  ss_clock_learn_state(ctx, u, U, I);
}

/* Schedule the arrivals of unit u's spike: group g at step k_of(g). */
static int schedule_exact(ss_clock_learn *c, uint32_t u, double t_spike, uint64_t n_min) {
  const ss_net *net = c->net;
  for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
    double kf = floor((t_spike + net->grp_delay[g]) / c->dt + 0.5);
    uint64_t k = kf < (double)n_min ? n_min : (uint64_t)kf;
    if (k >= n_min + c->n_ring) k = n_min + c->n_ring - 1; /* cannot happen: ring covers the longest delay */
    if (vec_push(&c->ring[k % c->n_ring], g)) return SS_ENOMEM;
  }
  return SS_OK;
}

static int schedule_steps(ss_clock_learn *c, uint32_t u, uint64_t n) {
  const ss_net *net = c->net;
  for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g)
    if (vec_push(&c->ring[(n + c->grp_steps[g]) % c->n_ring], g)) return SS_ENOMEM;
  return SS_OK;
}

/* Deliver the arrivals due at step n: I += w, and the group's trace jumps. */
static void deliver(ss_clock_learn *c, uint64_t n, double *trace) {
  const ss_net *net = c->net;
  u32vec *r = &c->ring[n % c->n_ring];
  for (size_t j = 0; j < r->n; ++j) {
    uint32_t g = r->a[j];
    uint64_t k0 = net->grp_start[g], k1 = net->grp_start[g + 1];
    for (uint64_t k = k0; k < k1; ++k) c->I[net->out_post[k]] += net->out_w[k];
    trace[g] += 1.0;
    c->st.syn_events += k1 - k0;
  }
  r->n = 0;
}

static int record_spike(ss_clock_learn *c, uint32_t u, double t, ss_error *err) {
  uint32_t p = c->net->unit_pop[u];
  c->pop_spikes[p]++;
  if (c->role[p] == SS_ROLE_OUTPUT && log_err(c, t, u, -1))
    return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  if (c->rec && ss_record_spike(c->rec, u, t)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  return SS_OK;
}

/* ------------------------------------------------------------ EXACT flavour */

static int step_exact(ss_clock_learn *c, ss_error *err) {
  const ss_net *net = c->net;
  const double dt = c->dt, A = c->A;
  const double td = c->lp.tau_decay, tr = c->lp.tau_rise;
  const double ed = exp(-dt / td), er = exp(-dt / tr), cd = td * -expm1(-dt / td), cr = tr * -expm1(-dt / tr);
  const uint64_t n = c->n;
  int rc;
  /* 1. input and target spikes on their nearest grid point */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    ss_source *s = net->pops[p].kind == SS_POP_SOURCE && c->sources ? c->sources[p] : NULL;
    uint32_t id;
    double ts;
    if (s)
      while ((ts = ss_source_peek(s, &id)) < INFINITY && floor(ts / dt + 0.5) <= (double)n) {
        c->st.input_spikes++;
        if ((rc = record_spike(c, id, (double)n * dt, err))) return rc;
        if (schedule_exact(c, id, ts, n)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
        ss_source_next(s);
      }
    ss_source *tg = c->targets[p];
    if (tg)
      while ((ts = ss_source_peek(tg, &id)) < INFINITY && floor(ts / dt + 0.5) <= (double)n) {
        c->fd[id] += 1.0;
        c->fr[id] += 1.0;
        if (log_err(c, (double)n * dt, id, +1)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
        ss_source_next(tg);
      }
  }
  /* 2. arrivals due now */
  deliver(c, n, c->y);
  /* 3. errors at t_n */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (c->role[p] != SS_ROLE_OUTPUT) continue;
    const ss_pop *pp = &net->pops[p];
    for (uint32_t k = 0; k < pp->size; ++k) c->e[pp->offset + k] = A * (c->fd[pp->offset + k] - c->fr[pp->offset + k]);
  }
  for (uint32_t h = 0; h < c->fb.n; ++h) {
    const ss_fb_layer *hl = &c->fb.hid[h];
    const ss_pop *a = &net->pops[hl->pop], *b = &net->pops[hl->out_pop];
    for (uint32_t i = 0; i < a->size; ++i) {
      double s = 0;
      const double *Br = hl->B + (size_t)i * b->size;
      for (uint32_t o = 0; o < b->size; ++o) s += Br[o] * c->e[b->offset + o];
      c->e[a->offset + i] = s;
    }
  }
  /* 4. Riemann sum of e lambda, then the eligibility over [t_n, t_n + dt] */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (!c->role[p]) continue;
    const ss_pop *pp = &net->pops[p];
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t u = pp->offset + i;
      if (!c->sweep[u]) continue;
      const double sp = surrogate(c, &pp->lif, c->v[u]), eu = c->e[u] * dt * A;
      for (uint32_t s = net->in_ptr[u]; s < net->in_ptr[u + 1]; ++s) {
        if (!c->slot_pl[s]) continue;
        double hd = c->h1[s], hr = c->h2[s], q = sp * c->z[c->slot_grp[s]];
        c->acc[s] += eu * (hd - hr);
        c->h1[s] = ed * hd + cd * q;
        c->h2[s] = er * hr + cr * q;
      }
    }
  }
  /* 5. PSP traces of the groups (post population's propagator) */
  for (uint32_t g = 0; g < net->n_groups; ++g) {
    const cl_popc *q = &c->pc[net->projs[net->grp_proj[g]].post];
    c->z[g] = q->em * c->z[g] + q->p21 * c->y[g];
    c->y[g] *= q->es;
  }
  /* 6. neurons to t_{n+1}, threshold on the grid */
  const double t1 = (double)(n + 1) * dt;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    if (pp->kind != SS_POP_LIF) continue;
    const cl_popc *q = &c->pc[p];
    const int out = c->role[p] == SS_ROLE_OUTPUT;
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t u = pp->offset + i;
      double v = q->em * c->v[u] + q->p21 * c->I[u];
      c->I[u] *= q->es;
      if (out) {
        c->fd[u] *= ed;
        c->fr[u] *= er;
      }
      int refr = 0;
      if (c->ref[u] > 0) refr = --c->ref[u] > 0;
      if (refr) v = 0;
      if (!refr && v >= pp->lif.thp) {
        v = 0;
        c->ref[u] = q->nref;
        c->st.spikes++;
        if (out) {
          c->fd[u] -= 1.0;
          c->fr[u] -= 1.0;
        }
        if ((rc = record_spike(c, u, t1, err))) return rc;
        if (schedule_exact(c, u, t1, n + 1)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
      }
      c->v[u] = v;
    }
  }
  return SS_OK;
}

/* ------------------------------------------------------------ synapse probe */

static int probe_take(ss_clock_learn *c, const double *row) {
  if (c->n_probe + CL_PROBE_COLS > c->cap_probe) {
    size_t cap = c->cap_probe ? 2 * c->cap_probe : 64 * CL_PROBE_COLS;
    double *r = ss_realloc_array(c->probe, cap, sizeof *r);
    if (!r) return SS_ENOMEM;
    c->probe = r;
    c->cap_probe = cap;
  }
  memcpy(c->probe + c->n_probe, row, CL_PROBE_COLS * sizeof *row);
  c->n_probe += CL_PROBE_COLS;
  return SS_OK;
}

int ss_clock_learn_probe(ss_clock_learn *c, uint32_t slot, double t_from, double t_to, ss_error *err) {
  const ss_net *net = c->net;
  if (slot >= net->in_ptr[net->n_units]) return ss_error_set(err, SS_EINVAL, "synapse probe: no incoming slot %u", slot);
  if (!(t_from < t_to)) return ss_error_set(err, SS_EINVAL, "synapse probe: empty time range");
  if (c->cp.flavour != SS_CL_REFERENCE)
    return ss_error_set(err, SS_EINVAL, "synapse probe: only with the reference flavour");
  uint32_t u = 0;
  while (net->in_ptr[u + 1] <= slot) ++u;
  c->probe_on = 1;
  c->probe_slot = slot;
  c->probe_post = u;
  c->probe_t0 = t_from;
  c->probe_t1 = t_to;
  return SS_OK;
}

const double *ss_clock_learn_probe_rows(const ss_clock_learn *c, size_t *n_rows) {
  *n_rows = c->n_probe / CL_PROBE_COLS;
  return c->probe;
}

/* ------------------------------------------------------------ REFERENCE flavour */

static int push_err(ss_clock_learn *c, uint32_t u, int neg, uint64_t n) {
  return vec_push(&c->ering[(n + c->err_steps) % c->n_ering], 2u * u + (uint32_t)neg);
}

static int step_reference(ss_clock_learn *c, ss_error *err) {
  const ss_net *net = c->net;
  const double dt = c->dt, t = (double)c->n * dt;
  const double kd = dt / c->lp.tau_decay, kr = dt / c->lp.tau_rise, er = exp(-dt / c->lp.tau_rise);
  const uint64_t n = c->n;
  const int learning = c->fb.n > 0 || memchr(c->role, SS_ROLE_OUTPUT, net->n_pops) != NULL;
  int rc;
  /* 1. sources and targets of this step */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    ss_source *s = net->pops[p].kind == SS_POP_SOURCE && c->sources ? c->sources[p] : NULL;
    uint32_t id;
    double ts;
    if (s)
      while ((ts = ss_source_peek(s, &id)) < INFINITY && floor(ts / dt) <= (double)n) {
        c->st.input_spikes++;
        if ((rc = record_spike(c, id, t, err))) return rc;
        if (schedule_steps(c, id, n)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
        ss_source_next(s);
      }
    ss_source *tg = c->targets[p];
    if (tg)
      while ((ts = ss_source_peek(tg, &id)) < INFINITY && floor(ts / dt) <= (double)n) {
        if (push_err(c, id, 0, n) || log_err(c, t, id, +1))
          return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
        ss_source_next(tg);
      }
  }
  /* 2. Euler membranes, threshold, refractory clamp */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    if (pp->kind != SS_POP_LIF) continue;
    const cl_popc *q = &c->pc[p];
    const int out = c->role[p] == SS_ROLE_OUTPUT;
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t u = pp->offset + i;
      double v = q->ea * c->v[u] + q->eb * c->I[u];
      if (c->ref[u] == 0) {
        if (v > pp->lif.thp) {
          v = 0;
          c->ref[u] = q->nref;
          c->st.spikes++;
          if ((rc = record_spike(c, u, t, err))) return rc;
          if (schedule_steps(c, u, n)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
          if (out && push_err(c, u, 1, n)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
        }
      } else {
        c->ref[u]--;
        v = 0;
      }
      c->v[u] = v;
    }
  }
  /* 3. synaptic decay and arrivals; pre traces; error traces follow step n-1 */
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    if (pp->kind != SS_POP_LIF) continue;
    double es = c->pc[p].es;
    for (uint32_t i = 0; i < pp->size; ++i) c->I[pp->offset + i] *= es;
  }
  deliver(c, n, c->z);
  for (uint32_t g = 0; g < net->n_groups; ++g) c->z[g] *= c->pc[net->projs[net->grp_proj[g]].post].es;
  if (!learning) return SS_OK;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (!c->role[p]) continue;
    const ss_pop *pp = &net->pops[p];
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t u = pp->offset + i;
      c->tr[u] += kr * (c->err_prev[u] - c->tr[u]);
      c->trf[u] += kd * (c->tr[u] - c->trf[u]);
      c->e[u] = 0;
    }
  }
  /* 4b. error impulses of step n: hidden first (outputs of earlier steps) */
  u32vec *fr = &c->fring[n % c->n_fring];
  for (size_t j = 0; j < fr->n; ++j) {
    uint32_t o = fr->a[j] >> 1;
    double sg = fr->a[j] & 1u ? -1.0 : 1.0;
    uint32_t op = net->unit_pop[o];
    for (uint32_t h = 0; h < c->fb.n; ++h) {
      const ss_fb_layer *hl = &c->fb.hid[h];
      if (hl->out_pop != op) continue;
      const ss_pop *a = &net->pops[hl->pop], *b = &net->pops[op];
      for (uint32_t i = 0; i < a->size; ++i) c->e[a->offset + i] += sg * hl->B[(size_t)i * b->size + (o - b->offset)];
    }
  }
  fr->n = 0;
  u32vec *ev = &c->ering[n % c->n_ering];
  for (size_t j = 0; j < ev->n; ++j) {
    uint32_t o = ev->a[j] >> 1;
    c->e[o] += ev->a[j] & 1u ? -1.0 : 1.0;
    if (c->fb.n && vec_push(&c->fring[(n + 1 + c->fb_steps) % c->n_fring], ev->a[j]))
      return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  }
  ev->n = 0;
  /* 4c-f. delay lines, eligibility, accumulation */
  const size_t nu = net->n_units, ng = net->n_groups;
  const uint32_t H = c->n_hist, hn = (uint32_t)(n % H);
  double *sp_now = c->sp_hist + (size_t)hn * nu, *zt_now = c->zt_hist + (size_t)hn * ng;
  memcpy(zt_now, c->y, ng * sizeof(double));
  const double skp = c->cp.skip_pre, ske = c->cp.skip_err;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    if (!c->role[p]) continue;
    const ss_pop *pp = &net->pops[p];
    const uint32_t D = c->role[p] == SS_ROLE_OUTPUT ? c->d_out : c->d_hid;
    /* before the trial's first D steps the lines hold zeros */
    const int valid = n >= c->n_trial + D;
    const uint32_t hd = (uint32_t)((n + H - D) % H);
    const double *sp_d = c->sp_hist + (size_t)hd * nu, *zt_d = c->zt_hist + (size_t)hd * ng;
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t u = pp->offset + i;
      c->err_prev[u] = c->e[u];
      if (!c->sweep[u]) continue;
      sp_now[u] = surrogate(c, &pp->lif, c->v[u]);
      const double spu = valid ? sp_d[u] : 0.0, eu = c->trf[u];
      const int acc = !(fabs(eu) < ske);
      for (uint32_t s = net->in_ptr[u]; s < net->in_ptr[u + 1]; ++s) {
        if (!c->slot_pl[s]) continue;
        double el = c->h1[s], zt = valid ? zt_d[c->slot_grp[s]] : 0.0;
        if (!(skp > 0 && zt <= skp)) el += zt * spu;
        double ef = c->h2[s] + kd * (el - c->h2[s]);
        c->h1[s] = el * er;
        c->h2[s] = ef;
        if (acc) c->acc[s] += ef * eu;
      }
    }
  }
  if (c->probe_on && t >= c->probe_t0 && t < c->probe_t1) {
    uint32_t s = c->probe_slot, u = c->probe_post;
    const ss_pop *pp = &net->pops[net->unit_pop[u]];
    double row[CL_PROBE_COLS] = {t, c->y[c->slot_grp[s]], c->v[u] + pp->lif.u_rest, surrogate(c, &pp->lif, c->v[u]),
                                 c->trf[u], c->h2[s], c->acc[s]};
    if (probe_take(c, row)) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  }
  /* 4h. z~ follows z (Euler, tau_mem of the post population) */
  for (uint32_t g = 0; g < net->n_groups; ++g)
    c->y[g] += c->pc[net->projs[net->grp_proj[g]].post].kz * (c->z[g] - c->y[g]);
  return SS_OK;
}

/* ------------------------------------------------------------ driving */

int ss_clock_learn_run(ss_clock_learn *c, double t_stop, ss_error *err) {
  if (!c->prepared) prepare(c);
  const double dt = c->dt;
  double nf = ceil(t_stop / dt - 1e-9);
  uint64_t n_stop = nf > 0 ? (uint64_t)nf : 0;
  while (c->n < n_stop) {
    if (c->need_fb) {
      ss_fb_load_symmetric(&c->fb, c->net); /* symmetric B from the current forward weights */
      c->need_fb = 0;
    }
    if (c->rec) { /* samples due at or before t_n read the state at t_n */
      double ts, t = (double)c->n * dt;
      while ((ts = ss_record_next_sample(c->rec)) <= t) ss_record_take_samples(c->rec, ts, sample_state, c);
    }
    int rc = c->cp.flavour == SS_CL_EXACT ? step_exact(c, err) : step_reference(c, err);
    if (rc) return rc;
    c->st.steps++;
    c->st.events++;
    c->n++;
  }
  return SS_OK;
}

int ss_clock_learn_window(ss_clock_learn *c, ss_error *err) {
  (void)err;
  if (!c->prepared) prepare(c);
  const ss_net *net = c->net;
  size_t S = net->n_syn;
  double scale = 1.0;
  if (c->cp.flavour == SS_CL_REFERENCE) {
    /* e_code lambda_code = tau_rise e_area lambda_area (paper-spec §2.11) and
     * x = A (tau_d - tau_r) x_area for x = e, lambda; one dt per step. */
    double a = c->A * (c->lp.tau_decay - c->lp.tau_rise);
    scale = a * a * c->dt / c->lp.tau_rise;
  }
  for (size_t s = 0; s < S; ++s) c->G[s] = c->slot_pl[s] ? c->acc[s] * scale : 0.0;
  memset(c->acc, 0, S * sizeof(double));
  if (c->lp.mode == SS_LEARN_PER_TRIAL) {
    reset_state(c);
    c->n_trial = c->n;
  }
  c->need_fb = 1;
  c->windows++;
  /* the window's error events become the last window's */
  ss_err_rec *tmp = c->err_last;
  size_t cap = c->cap_err_last;
  c->err_last = c->err_log;
  c->cap_err_last = c->cap_err;
  c->n_err_last = c->n_err;
  c->err_log = tmp;
  c->cap_err = cap;
  c->n_err = 0;
  return SS_OK;
}

const ss_err_rec *ss_clock_learn_errors(const ss_clock_learn *c, size_t *n) {
  *n = c->n_err_last;
  return c->err_last;
}

uint64_t ss_clock_learn_pop_spikes(const ss_clock_learn *c, uint32_t pop) {
  return pop < c->net->n_pops ? c->pop_spikes[pop] : 0;
}

int ss_clock_learn_run_window(ss_clock_learn *c, double t1, ss_error *err) {
  int rc = ss_clock_learn_run(c, t1, err);
  return rc ? rc : ss_clock_learn_window(c, err);
}

const double *ss_clock_learn_gradient(const ss_clock_learn *c) { return c->G; }

const double *ss_clock_learn_feedback(const ss_clock_learn *c, uint32_t pop) {
  const ss_fb_layer *hl = ss_fb_find(&c->fb, pop);
  return hl ? hl->B : NULL;
}

double ss_clock_learn_time(const ss_clock_learn *c) { return (double)c->n * c->dt; }
const ss_stats *ss_clock_learn_stats(const ss_clock_learn *c) { return &c->st; }
uint64_t ss_clock_learn_windows(const ss_clock_learn *c) { return c->windows; }

void ss_clock_learn_state(const ss_clock_learn *c, uint32_t u, double *U, double *I) {
  const ss_pop *p = &c->net->pops[c->net->unit_pop[u]];
  *U = (p->kind == SS_POP_LIF ? p->lif.u_rest : 0.0) + c->v[u];
  *I = c->I[u];
}

/* ------------------------------------------------------------ checkpoints */

/* A ring of u32 vectors as counts + concatenated entries. */
static int ring_save(ss_ckpt_writer *w, const char *name, const u32vec *r, uint32_t n, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  size_t tot = 0;
  uint64_t *cnt = ss_malloc_array(n ? n : 1, sizeof *cnt);
  if (!cnt) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  for (uint32_t k = 0; k < n; ++k) tot += cnt[k] = r[k].n;
  uint32_t *all = ss_malloc_array(tot ? tot : 1, sizeof *all);
  if (!all) {
    free(cnt);
    return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  }
  size_t m = 0;
  for (uint32_t k = 0; k < n; ++k)
    for (size_t j = 0; j < r[k].n; ++j) all[m++] = r[k].a[j];
  snprintf(s, sizeof s, "%s.n", name);
  int rc = ss_ckpt_add_u64(w, s, cnt, n, err);
  snprintf(s, sizeof s, "%s.a", name);
  if (!rc) rc = ss_ckpt_add_u32(w, s, all, tot, err);
  free(cnt);
  free(all);
  return rc;
}

static int ring_load(const ss_ckpt *ck, const char *name, u32vec *r, uint32_t n, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  uint64_t *cnt = ss_malloc_array(n ? n : 1, sizeof *cnt);
  if (!cnt) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  snprintf(s, sizeof s, "%s.n", name);
  int rc = ss_ckpt_get_u64(ck, s, cnt, n, err);
  size_t tot = 0;
  for (uint32_t k = 0; k < n && !rc; ++k) tot += cnt[k];
  uint32_t *all = rc ? NULL : ss_malloc_array(tot ? tot : 1, sizeof *all);
  if (!rc && !all) rc = ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  snprintf(s, sizeof s, "%s.a", name);
  if (!rc) rc = ss_ckpt_get_u32(ck, s, all, tot, err);
  size_t m = 0;
  for (uint32_t k = 0; k < n && !rc; ++k) {
    r[k].n = 0;
    for (uint64_t j = 0; j < cnt[k] && !rc; ++j)
      if (vec_push(&r[k], all[m++])) rc = ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
  }
  free(cnt);
  free(all);
  return rc;
}

typedef struct f64sec {
  const char *name;
  double *a;
  size_t n;
} f64sec;

static size_t f64_sections(const ss_clock_learn *c, f64sec *s) {
  const ss_net *net = c->net;
  size_t nu = net->n_units, ng = net->n_groups, S = net->n_syn, k = 0;
  s[k++] = (f64sec){"clk.v", c->v, nu};
  s[k++] = (f64sec){"clk.I", c->I, nu};
  s[k++] = (f64sec){"clk.fd", c->fd, nu};
  s[k++] = (f64sec){"clk.fr", c->fr, nu};
  s[k++] = (f64sec){"clk.e", c->e, nu};
  s[k++] = (f64sec){"clk.tr", c->tr, nu};
  s[k++] = (f64sec){"clk.trf", c->trf, nu};
  s[k++] = (f64sec){"clk.eprev", c->err_prev, nu};
  s[k++] = (f64sec){"clk.y", c->y, ng};
  s[k++] = (f64sec){"clk.z", c->z, ng};
  s[k++] = (f64sec){"clk.h1", c->h1, S};
  s[k++] = (f64sec){"clk.h2", c->h2, S};
  s[k++] = (f64sec){"clk.acc", c->acc, S};
  if (c->sp_hist) {
    s[k++] = (f64sec){"clk.sph", c->sp_hist, (size_t)c->n_hist * nu};
    s[k++] = (f64sec){"clk.zth", c->zt_hist, (size_t)c->n_hist * ng};
  }
  return k;
}

int ss_clock_learn_save(const ss_clock_learn *c, ss_ckpt_writer *w, ss_error *err) {
  const ss_net *net = c->net;
  uint64_t sc[4] = {c->n, c->n_trial, c->windows, (uint64_t)c->need_fb};
  uint64_t st[6] = {c->st.events, c->st.syn_events, c->st.spikes, c->st.input_spikes, c->st.predictions, c->st.steps};
  int rc = ss_ckpt_add_u64(w, "clk.sc", sc, 4, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "clk.st", st, 6, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "clk.pops", c->pop_spikes, net->n_pops, err);
  if (!rc) rc = ss_ckpt_add_u32(w, "clk.ref", (const uint32_t *)(const void *)c->ref, net->n_units, err);
  f64sec s[16];
  size_t ns = f64_sections(c, s);
  for (size_t k = 0; k < ns && !rc; ++k) rc = ss_ckpt_add_f64(w, s[k].name, s[k].a, s[k].n, err);
  if (!rc) rc = ring_save(w, "clk.ring", c->ring, c->n_ring, err);
  if (!rc && c->ering) rc = ring_save(w, "clk.ering", c->ering, c->n_ering, err);
  if (!rc && c->fring) rc = ring_save(w, "clk.fring", c->fring, c->n_fring, err);
  if (!rc && c->probe_on) rc = ss_ckpt_add_f64(w, "clk.probe", c->probe, c->n_probe, err);
  return rc;
}

int ss_clock_learn_load(ss_clock_learn *c, const ss_ckpt *ck, ss_error *err) {
  const ss_net *net = c->net;
  if (!c->prepared) prepare(c);
  uint64_t sc[4], st[6];
  int rc = ss_ckpt_get_u64(ck, "clk.sc", sc, 4, err);
  if (!rc) rc = ss_ckpt_get_u64(ck, "clk.st", st, 6, err);
  if (!rc) rc = ss_ckpt_get_u64(ck, "clk.pops", c->pop_spikes, net->n_pops, err);
  if (!rc) rc = ss_ckpt_get_u32(ck, "clk.ref", (uint32_t *)(void *)c->ref, net->n_units, err);
  f64sec s[16];
  size_t ns = f64_sections(c, s);
  for (size_t k = 0; k < ns && !rc; ++k) rc = ss_ckpt_get_f64(ck, s[k].name, s[k].a, s[k].n, err);
  if (!rc) rc = ring_load(ck, "clk.ring", c->ring, c->n_ring, err);
  if (!rc && c->ering) rc = ring_load(ck, "clk.ering", c->ering, c->n_ering, err);
  if (!rc && c->fring) rc = ring_load(ck, "clk.fring", c->fring, c->n_fring, err);
  if (!rc && c->probe_on) { /* the synapse monitor's rows so far */
    size_t np = 0;
    if (!ss_ckpt_find(ck, "clk.probe", NULL, &np) || np % CL_PROBE_COLS)
      return ss_error_set(err, SS_EINVAL, "checkpoint: no valid synapse monitor rows (clk.probe)");
    double *pr = ss_realloc_array(c->probe, np ? np : 1, sizeof *pr);
    if (!pr) return ss_error_set(err, SS_ENOMEM, "clock learner: out of memory");
    c->probe = pr;
    c->cap_probe = np ? np : 1;
    c->n_probe = np;
    rc = ss_ckpt_get_f64(ck, "clk.probe", c->probe, np, err);
  }
  if (rc) return rc;
  c->n = sc[0];
  c->n_trial = sc[1];
  c->windows = sc[2];
  c->need_fb = (int)sc[3];
  c->st = (ss_stats){st[0], st[1], st[2], st[3], st[4], st[5]};
  c->n_err = 0;
  return SS_OK;
}

/* clock.c - the clock-driven reference engine (clock.h, paper-spec §1.2).
 *
 * A fair opponent for the event-driven engine: structure-of-arrays state,
 * one branch-free (vectorisable) loop per population and step, spikes
 * written into a ring buffer of per-step input currents indexed by the
 * arrival step.  Order within step n (t_n = n dt), as in the reference code:
 *   1. sources emit the spikes with floor(t/dt) == n
 *   2. v += dt/tau_mem (I - v)  (or the exact propagator); if not refractory
 *      and v > theta': spike stamped t_n, v = 0, refractory for
 *      round(t_ref/dt) steps; while refractory v = 0
 *   3. fan out this step's spikes to ring slot n + round(delay/dt)
 *   4. I = I e^{-dt/tau_syn} + ring[n]   (arrivals due now) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/clock.h"

/* Per-population step constants. */
struct popc {
  double a, b;   /* v <- a v + b I  (Euler: 1 - dt/tau_mem, dt/tau_mem; exact: e^{-dt/tau_mem}, P21(dt)) */
  double es;     /* e^{-dt/tau_syn} */
  double thp;    /* theta - u_rest */
  int32_t nref;  /* refractory steps */
};

/* One step of one population's membranes, written branch-free with all
 * operands of the same lane count so the compiler vectorises it.  Returns
 * the number of spikes; fired[i] flags them.  The fused variant also decays
 * I and adds this step's arrivals (valid when no delay is zero steps). */
static inline uint32_t step_fused(const struct popc *qp, uint32_t m, double *restrict v, double *restrict I,
                                  double *restrict rn, int32_t *restrict ref, int32_t *restrict fired) {
  const struct popc q = *qp;
  uint32_t nf = 0;
  for (uint32_t i = 0; i < m; ++i) {
    double vi = q.a * v[i] + q.b * I[i];
    int32_t r = ref[i];
    int32_t f = (r == 0) & (vi > q.thp);
    v[i] = (r > 0) | f ? 0.0 : vi;
    ref[i] = f ? q.nref : (r > 0 ? r - 1 : 0);
    fired[i] = f;
    nf += (uint32_t)f;
    I[i] = I[i] * q.es + rn[i];
    rn[i] = 0;
  }
  return nf;
}

static inline uint32_t step_membrane(const struct popc *qp, uint32_t m, double *restrict v,
                                     const double *restrict I, int32_t *restrict ref,
                                     int32_t *restrict fired) {
  const struct popc q = *qp;
  uint32_t nf = 0;
  for (uint32_t i = 0; i < m; ++i) {
    double vi = q.a * v[i] + q.b * I[i];
    int32_t r = ref[i];
    int32_t f = (r == 0) & (vi > q.thp);
    v[i] = (r > 0) | f ? 0.0 : vi;
    ref[i] = f ? q.nref : (r > 0 ? r - 1 : 0);
    fired[i] = f;
    nf += (uint32_t)f;
  }
  return nf;
}

struct ss_clock {
  ss_net *net;
  ss_source **sources;
  ss_record *rec;
  uint32_t *src_pops, n_src;
  double dt;
  ss_clock_method method;
  uint64_t n;              /* next step */
  double *v, *I;           /* [n_units] */
  int32_t *ref;            /* [n_units] remaining refractory steps */
  int32_t *fired;          /* [n_units] spike flags of the current step */
  double *ring;            /* [n_ring * n_units] input current per arrival step */
  uint32_t n_ring;
  uint32_t *grp_steps;     /* [n_groups] delay in steps */
  uint32_t min_steps;
  struct popc *pc;         /* per population */
  ss_stats st;
};

ss_clock *ss_clock_create(ss_net *net, ss_source **sources, ss_record *rec, double dt,
                          ss_clock_method method, ss_error *err) {
  if (!net->built) {
    ss_error_set(err, SS_ESTATE, "clock engine: the network is not built");
    return NULL;
  }
  if (!(dt > 0) || !isfinite(dt)) {
    ss_error_set(err, SS_EINVAL, "clock engine: dt must be > 0 (got %g ms)", dt);
    return NULL;
  }
  ss_clock *c = calloc(1, sizeof *c);
  if (!c) goto oom;
  c->net = net;
  c->sources = sources;
  c->rec = rec;
  c->dt = dt;
  c->method = method;
  uint32_t nu = net->n_units;
  c->v = ss_malloc_array(nu, sizeof *c->v);
  c->I = calloc(nu ? nu : 1, sizeof *c->I);
  c->ref = calloc(nu ? nu : 1, sizeof *c->ref);
  c->fired = calloc(nu ? nu : 1, sizeof *c->fired);
  c->src_pops = ss_malloc_array(net->n_pops, sizeof *c->src_pops);
  c->pc = ss_malloc_array(net->n_pops, sizeof *c->pc);
  c->grp_steps = ss_malloc_array(net->n_groups ? net->n_groups : 1, sizeof *c->grp_steps);
  if (!c->v || !c->I || !c->ref || !c->fired || !c->src_pops || !c->pc || !c->grp_steps) goto oom;
  uint32_t max_steps = 0;
  c->min_steps = UINT32_MAX;
  for (uint32_t g = 0; g < net->n_groups; ++g) {
    double s = nearbyint(net->grp_delay[g] / dt);
    if (s > 1e7) {
      ss_error_set(err, SS_ERANGE, "clock engine: a delay of %g ms is too long for dt = %g ms",
                   net->grp_delay[g], dt);
      ss_clock_destroy(c);
      return NULL;
    }
    c->grp_steps[g] = (uint32_t)s;
    if (c->grp_steps[g] > max_steps) max_steps = c->grp_steps[g];
    if (c->grp_steps[g] < c->min_steps) c->min_steps = c->grp_steps[g];
  }
  c->n_ring = max_steps + 1;
  if ((uint64_t)c->n_ring * nu > ((uint64_t)1 << 31)) {
    ss_error_set(err, SS_ENOMEM, "clock engine: delay ring of %u steps x %u units is too large",
                 c->n_ring, nu);
    ss_clock_destroy(c);
    return NULL;
  }
  c->ring = calloc((size_t)c->n_ring * nu + 1, sizeof *c->ring);
  if (!c->ring) goto oom;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    struct popc *q = &c->pc[p];
    memset(q, 0, sizeof *q);
    if (pp->kind == SS_POP_SOURCE) {
      if (sources && sources[p]) c->src_pops[c->n_src++] = p;
      for (uint32_t k = 0; k < pp->size; ++k) c->v[pp->offset + k] = 0;
      continue;
    }
    const ss_lif_params *lp = &pp->lif;
    if (method == SS_CLOCK_EULER) {
      q->a = 1.0 - dt / lp->tau_mem;
      q->b = dt / lp->tau_mem;
    } else {
      q->a = exp(-dt / lp->tau_mem);
      q->b = ss_lif_p21(lp, dt);
    }
    q->es = exp(-dt / lp->tau_syn);
    q->thp = lp->thp;
    q->nref = (int32_t)nearbyint(lp->t_ref / dt);
    for (uint32_t k = 0; k < pp->size; ++k) c->v[pp->offset + k] = pp->v_init;
  }
  return c;
oom:
  ss_error_set(err, SS_ENOMEM, "clock engine: out of memory");
  ss_clock_destroy(c);
  return NULL;
}

void ss_clock_destroy(ss_clock *c) {
  if (!c) return;
  free(c->v);
  free(c->I);
  free(c->ref);
  free(c->fired);
  free(c->ring);
  free(c->src_pops);
  free(c->pc);
  free(c->grp_steps);
  free(c);
}

/* Add the weights of unit u's spike at step n into the ring. */
static void fan_out(ss_clock *c, uint32_t u, uint64_t n) {
  const ss_net *net = c->net;
  uint32_t nu = net->n_units;
  for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
    double *row = c->ring + (size_t)((n + c->grp_steps[g]) % c->n_ring) * nu;
    uint64_t k0 = net->grp_start[g], k1 = net->grp_start[g + 1];
    for (uint64_t k = k0; k < k1; ++k) row[net->out_post[k]] += net->out_w[k];
    c->st.syn_events += k1 - k0;
  }
}

static void sample_state(void *ctx, uint32_t u, double t, double *U, double *I) {
  const ss_clock *c = ctx;
  (void)t;
  const ss_pop *p = &c->net->pops[c->net->unit_pop[u]];
  *U = p->lif.u_rest + c->v[u];
  *I = c->I[u];
}

int ss_clock_run(ss_clock *c, double t_stop, ss_error *err) {
  const ss_net *net = c->net;
  uint32_t nu = net->n_units;
  double dt = c->dt;
  for (;;) {
    uint64_t n = c->n;
    double t = (double)n * dt;
    if (!(t < t_stop)) break;
    if (c->rec) { /* samples due at or before t_n read the state at t_n */
      double ts;
      while ((ts = ss_record_next_sample(c->rec)) <= t) ss_record_take_samples(c->rec, ts, sample_state, c);
    }
    /* 1. sources */
    for (uint32_t j = 0; j < c->n_src; ++j) {
      ss_source *s = c->sources[c->src_pops[j]];
      uint32_t id;
      double ts;
      while ((ts = ss_source_peek(s, &id)) < INFINITY && floor(ts / dt) <= (double)n) {
        c->st.input_spikes++;
        if (c->rec && ss_record_spike(c->rec, id, t))
          return ss_error_set(err, SS_ENOMEM, "clock engine: out of memory");
        fan_out(c, id, n);
        ss_source_next(s);
      }
    }
    double *ring_now = c->ring + (size_t)(n % c->n_ring) * nu;
    int fuse = c->min_steps >= 1; /* no zero-delay arrival can land in this step */
    /* 2. membrane update and threshold test, one tight loop per population */
    for (uint32_t p = 0; p < net->n_pops; ++p) {
      const ss_pop *pp = &net->pops[p];
      if (pp->kind != SS_POP_LIF) continue;
      const struct popc *q = &c->pc[p];
      double *restrict v = c->v + pp->offset, *restrict I = c->I + pp->offset;
      double *restrict rn = ring_now + pp->offset;
      int32_t *restrict ref = c->ref + pp->offset;
      int32_t *restrict fired = c->fired + pp->offset;
      uint32_t m = pp->size;
      uint32_t nfired = fuse ? step_fused(q, m, v, I, rn, ref, fired) : step_membrane(q, m, v, I, ref, fired);
      /* 3. spikes of this step */
      for (uint32_t i = 0; nfired && i < m; ++i) {
        if (!fired[i]) continue;
        --nfired;
        uint32_t u = pp->offset + i;
        c->st.spikes++;
        if (c->rec && ss_record_spike(c->rec, u, t))
          return ss_error_set(err, SS_ENOMEM, "clock engine: out of memory");
        fan_out(c, u, n);
      }
    }
    /* 4. decay and arrivals due now (when zero delays exist) */
    if (!fuse) {
      for (uint32_t p = 0; p < net->n_pops; ++p) {
        const ss_pop *pp = &net->pops[p];
        if (pp->kind != SS_POP_LIF) continue;
        double es = c->pc[p].es;
        double *restrict I = c->I + pp->offset, *restrict rn = ring_now + pp->offset;
        for (uint32_t i = 0; i < pp->size; ++i) {
          I[i] = I[i] * es + rn[i];
          rn[i] = 0;
        }
      }
    }
    c->st.steps++;
    c->st.events++;
    c->n = n + 1;
  }
  return SS_OK;
}

double ss_clock_time(const ss_clock *c) { return (double)c->n * c->dt; }
const ss_stats *ss_clock_stats(const ss_clock *c) { return &c->st; }

/* engine.c - the event-driven engine (engine.h; event-driven.md §2, §4).
 *
 * Every neuron keeps (v, I) at its last update time and is advanced lazily,
 * exactly, when an event touches it.  After each change of a neuron's state
 * its next threshold crossing is re-predicted and its slot in the indexed
 * heap updated, so no crossing is missed or late (§2.5).  Neuron state is an
 * array of structs: events hit neurons in random order, and one 32-byte
 * record per neuron means one cache line per arrival. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/engine.h"
#include "superspike/classify.h"

#define SS_FIFO_MAX 16 /* most distinct delays served by FIFOs */
#define SS_PREFETCH 8 /* arrivals fetched ahead; measured: 4-16 all similar */

typedef struct nstate {
  double v;        /* U - U_rest (mV) at t_last */
  double I;        /* synaptic current (mV) at t_last */
  double t_last;   /* ms */
  uint16_t pop;    /* population (parameters) */
  uint8_t refr;    /* 1 while refractory */
  uint8_t queued;  /* 1 while the neuron has a slot in the heap (saves a
                      look-up of the heap's position array per arrival) */
  uint32_t pad;
} nstate;

struct ss_engine {
  ss_net *net;
  ss_source **sources;   /* per population, may be NULL */
  ss_record *rec;
  uint32_t *src_pops;    /* populations that have a source cursor */
  uint32_t n_src;
  nstate *ns;            /* [n_units]; sources have unused entries */
  ss_lif_params *prm;    /* [n_pops] copy of each population's parameters */
  ss_nheap *nh;
  /* Arrival queue.  With few distinct delays (the common case: one per
   * projection) every spike pushes one entry per delay group at emission
   * into the FIFO of that delay; pushes happen in time order, so each FIFO
   * is sorted and the queue is a merge of a few FIFO heads: O(1) per entry.
   * Otherwise a heap holds one entry per in-flight spike and chains its
   * delay groups.  bench_queue measures both structures. */
  int use_fifo;
  ss_aheap *ah;
  struct fifo {
    ss_arrival *a;         /* ring buffer, capacity a power of two */
    size_t head, n, cap;
  } *fifo;
  uint32_t n_fifo;
  uint16_t *grp_fifo;      /* [n_groups] FIFO (delay class) of each group */
  size_t n_fifo_busy;      /* entries in all FIFOs */
  double t;              /* current time (ms) */
  ss_stats st;
  ss_lif_stats lst;
  uint64_t *pop_spikes;  /* [n_pops] spikes per population */
  /* outputs: per population its target cursor (or NULL) and a flag */
  ss_source **targets;   /* [n_pops] */
  uint8_t *is_output;    /* [n_pops] */
  ss_classify **classify;/* [n_pops] classification outputs, or NULL */
  ss_err_rec *cls_ev, *err_tmp; /* classification +1 events; merge scratch */
  size_t n_cls_ev, cap_cls_ev, cap_err_tmp;
  uint32_t *tgt_pops;    /* populations with a target cursor */
  uint32_t n_tgt;
  /* per delay group PSP traces of the arrival train (learning) */
  double *psp_y, *psp_z, *psp_t; /* [n_groups] or NULL */
  int log_on;
  ss_window_log log;
  ss_log_rec *log_tmp;   /* scratch for grouping the log by neuron */
  size_t log_tmp_cap;
};

/* ------------------------------------------------------------ neuron state */

#if defined(__GNUC__)
#define SS_HOT_INLINE inline __attribute__((always_inline))
#else
#define SS_HOT_INLINE inline
#endif

/* Free propagation for the forward pass, tuned for speed at full absolute
 * accuracy: the state is a sum of terms of size |v| + |I|, so each
 * coefficient only needs an absolute error of a few ulp, which exp alone
 * gives (1 - e^{-x} loses relative, not absolute, accuracy at small x).
 * One exp and no data-dependent branch for tau_syn = tau_mem/2, where
 * e_syn = e_mem^2 and P21 = e_mem - e_syn (ss_lif_prop_coeffs has the
 * relatively accurate form that the learning sweep needs). */
static SS_HOT_INLINE void propagate_fwd(const ss_lif_params *p, double h, double *v, double *I) {
  double em, es, p21;
  if (p->quadratic) {
    em = exp(-h * p->inv_tau_mem);
    es = em * em;
    p21 = em - es;
  } else {
    ss_lif_prop_coeffs(p, h, &em, &es, &p21);
  }
  *v = em * *v + p21 * *I;
  *I = es * *I;
}

/* State of neuron n advanced (without storing) to t >= t_last. */
static SS_HOT_INLINE void state_at(const ss_engine *e, const nstate *s, double t, double *v, double *I) {
  const ss_lif_params *p = &e->prm[s->pop];
  double h = t - s->t_last;
  *v = s->v;
  *I = s->I;
  if (h <= 0) return;
  if (s->refr) {
    *I *= exp(-h * p->inv_tau_syn);
  } else {
    propagate_fwd(p, h, v, I);
  }
}

static SS_HOT_INLINE void advance(ss_engine *e, nstate *s, double t) {
  if (t > s->t_last) {
    state_at(e, s, t, &s->v, &s->I);
    s->t_last = t;
  }
}

static SS_HOT_INLINE void schedule(ss_engine *e, uint32_t n, nstate *s, double t, uint32_t cls) {
  ss_nheap_set(e->nh, n, t, cls);
  s->queued = 1;
}

static SS_HOT_INLINE void unschedule(ss_engine *e, uint32_t n, nstate *s) {
  if (s->queued) {
    ss_nheap_remove(e->nh, n);
    s->queued = 0;
  }
}

/* Re-predict neuron n's next crossing after a change of its state.  The
 * sign and bound tests of event-driven.md §2.3 (no transcendental call)
 * decide most arrivals in place; only the rest call the full solver.
 * Returns 1 if the sign test rejected, 2 if the bound did, 0 if the solver
 * ran (and counted itself): the caller counts rejections, in registers. */
static SS_HOT_INLINE int predict(ss_engine *e, uint32_t n, nstate *s, double t) {
  const ss_lif_params *p = &e->prm[s->pop];
  double v = s->v, I = s->I;
  /* evaluated without short-circuit branches: which test rejects is
   * data-dependent and would be mispredicted about half of the time */
  int below = v < p->thp;
  int sign = (I <= 0) | (I <= v);
  int bound = (v > 0 ? v : 0) + I * p->eps_peak < p->thp;
  if (below & (sign | bound)) {
    unschedule(e, n, s);
    return 2 - sign;
  }
  double dt = ss_lif_predict_stats(p, v, I, &e->lst);
  if (dt < INFINITY) schedule(e, n, s, t + dt, SS_EV_SPIKE);
  else unschedule(e, n, s);
  return 0;
}

/* Add the rejections counted by a caller of predict(). */
static inline void count_rejections(ss_engine *e, uint64_t n_pred, uint64_t n_sign, uint64_t n_bound) {
  e->st.predictions += n_pred;
  e->lst.calls += n_sign + n_bound;
  e->lst.rejected_sign += n_sign;
  e->lst.rejected_bound += n_bound;
}

/* Room for element n of array a (capacity *cap, elements of `size` bytes):
 * a full array doubles, an empty one starts at `first`.  Returns the
 * (possibly moved) array, or NULL when out of memory (a is kept then). */
static inline void *grow_for(void *a, size_t n, size_t *cap, size_t first, size_t size) {
  if (n < *cap) return a;
  size_t c = *cap ? 2 * *cap : first;
  a = ss_realloc_array(a, c, size);
  if (a) *cap = c;
  return a;
}

static int log_append(ss_engine *e, double t, uint32_t n, uint32_t code) {
  ss_window_log *L = &e->log;
  ss_log_rec *r = grow_for(L->rec, L->n, &L->cap, 4096, sizeof *r);
  if (!r) return SS_ENOMEM;
  L->rec = r;
  L->rec[L->n++] = (ss_log_rec){t, n, code};
  return SS_OK;
}

static int err_append(ss_engine *e, double t, uint32_t n, int32_t sign) {
  ss_window_log *L = &e->log;
  ss_err_rec *r = grow_for(L->err, L->n_err, &L->cap_err, 256, sizeof *r);
  if (!r) return SS_ENOMEM;
  L->err = r;
  L->err[L->n_err++] = (ss_err_rec){t, n, sign};
  return SS_OK;
}

/* ------------------------------------------------------------ create */

ss_engine *ss_engine_create(ss_net *net, ss_source **sources, ss_record *rec, ss_error *err) {
  if (!net->built) {
    ss_error_set(err, SS_ESTATE, "engine: the network is not built");
    return NULL;
  }
  ss_engine *e = calloc(1, sizeof *e);
  if (!e) goto oom;
  e->net = net;
  e->sources = sources;
  e->rec = rec;
  uint32_t nu = net->n_units;
  /* 64-byte aligned: every 32-byte record sits inside one cache line */
  e->ns = aligned_alloc(64, ((size_t)nu * sizeof *e->ns + 63) / 64 * 64 + 64);
  e->prm = ss_malloc_array(net->n_pops, sizeof *e->prm);
  e->src_pops = ss_malloc_array(net->n_pops, sizeof *e->src_pops);
  e->pop_spikes = calloc(net->n_pops ? net->n_pops : 1, sizeof *e->pop_spikes);
  e->targets = calloc(net->n_pops ? net->n_pops : 1, sizeof *e->targets);
  e->is_output = calloc(net->n_pops ? net->n_pops : 1, 1);
  e->classify = calloc(net->n_pops ? net->n_pops : 1, sizeof *e->classify);
  e->tgt_pops = ss_malloc_array(net->n_pops ? net->n_pops : 1, sizeof *e->tgt_pops);
  if (!e->pop_spikes || !e->targets || !e->is_output || !e->tgt_pops || !e->classify) goto oom;
  e->nh = ss_nheap_create(nu);
  e->ah = ss_aheap_create(1024);
  if (!e->ns || !e->prm || !e->src_pops || !e->nh || !e->ah) goto oom;
  if (ss_engine_set_arrival_queue(e, SS_ARRIVALS_AUTO, err)) {
    ss_engine_destroy(e);
    return NULL;
  }
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    e->prm[p] = pp->lif;
    if (pp->kind == SS_POP_SOURCE && sources && sources[p]) e->src_pops[e->n_src++] = p;
    for (uint32_t k = 0; k < pp->size; ++k) {
      nstate *s = &e->ns[pp->offset + k];
      s->v = pp->kind == SS_POP_LIF ? pp->v_init : 0;
      s->I = 0;
      s->t_last = 0;
      s->refr = 0;
      s->queued = 0;
      s->pop = (uint16_t)p;
    }
  }
  /* v_init < thp (validated) and I = 0: no neuron can fire before its first input */
  return e;
oom:
  ss_error_set(err, SS_ENOMEM, "engine: out of memory");
  ss_engine_destroy(e);
  return NULL;
}

void ss_engine_destroy(ss_engine *e) {
  if (!e) return;
  free(e->ns);
  free(e->prm);
  free(e->src_pops);
  ss_nheap_destroy(e->nh);
  ss_aheap_destroy(e->ah);
  if (e->fifo)
    for (uint32_t j = 0; j < e->n_fifo; ++j) free(e->fifo[j].a);
  free(e->fifo);
  free(e->grp_fifo);
  free(e->pop_spikes);
  free(e->targets);
  free(e->is_output);
  free(e->classify);
  free(e->cls_ev);
  free(e->err_tmp);
  free(e->tgt_pops);
  free(e->psp_y);
  free(e->psp_z);
  free(e->psp_t);
  free(e->log.err);
  free(e->log.rec);
  free(e->log.row);
  free(e->log.v0);
  free(e->log.i0);
  free(e->log.refr0);
  free(e->log.ref_end0);
  free(e->log_tmp);
  free(e);
}

/* ------------------------------------------------------------ handlers */

/* ---------------------------------------------------------- arrival queue */

static int fifo_push(struct fifo *f, const ss_arrival *a) {
  if (f->n == f->cap) {
    size_t cap = f->cap ? 2 * f->cap : 256;
    ss_arrival *na = ss_malloc_array(cap, sizeof *na);
    if (!na) return SS_ENOMEM;
    for (size_t i = 0; i < f->n; ++i) na[i] = f->a[(f->head + i) & (f->cap - 1)];
    free(f->a);
    f->a = na;
    f->head = 0;
    f->cap = cap;
  }
  f->a[(f->head + f->n) & (f->cap - 1)] = *a;
  f->n++;
  return SS_OK;
}

int ss_engine_set_arrival_queue(ss_engine *e, int kind, ss_error *err) {
  const ss_net *net = e->net;
  if (e->ah->n || e->n_fifo_busy)
    return ss_error_set(err, SS_ESTATE, "engine: the arrival queue can only change while empty");
  if (e->fifo)
    for (uint32_t j = 0; j < e->n_fifo; ++j) free(e->fifo[j].a);
  free(e->fifo);
  free(e->grp_fifo);
  e->fifo = NULL;
  e->grp_fifo = NULL;
  e->n_fifo = 0;
  e->use_fifo = 0;
  if (kind == SS_ARRIVALS_HEAP) return SS_OK;
  /* distinct delays, at most SS_FIFO_MAX of them */
  double d[SS_FIFO_MAX];
  uint32_t nd = 0;
  for (uint32_t g = 0; g < net->n_groups && nd <= SS_FIFO_MAX; ++g) {
    uint32_t j = 0;
    while (j < nd && d[j] != net->grp_delay[g]) ++j;
    if (j == nd) {
      if (nd == SS_FIFO_MAX) {
        nd = SS_FIFO_MAX + 1;
        break;
      }
      d[nd++] = net->grp_delay[g];
    }
  }
  if (nd > SS_FIFO_MAX) {
    if (kind == SS_ARRIVALS_FIFO)
      return ss_error_set(err, SS_EINVAL, "engine: more than %d distinct delays: use the heap", SS_FIFO_MAX);
    return SS_OK;
  }
  e->grp_fifo = ss_malloc_array(net->n_groups ? net->n_groups : 1, sizeof *e->grp_fifo);
  e->fifo = calloc(nd ? nd : 1, sizeof *e->fifo);
  if (!e->grp_fifo || !e->fifo) return ss_error_set(err, SS_ENOMEM, "engine: out of memory");
  for (uint32_t g = 0; g < net->n_groups; ++g) {
    uint16_t j = 0;
    while (d[j] != net->grp_delay[g]) ++j;
    e->grp_fifo[g] = j;
  }
  e->n_fifo = nd;
  e->use_fifo = 1;
  return SS_OK;
}

/* Start delivering a spike of unit u emitted at t: FIFO mode, one entry per
 * delay group now; heap mode, one entry for its first group (the next group
 * is pushed when this one is delivered). */
static int fan_out(ss_engine *e, uint32_t u, double t) {
  const ss_net *net = e->net;
  uint32_t g = net->grp_ptr[u], g1 = net->grp_ptr[u + 1];
  if (g == g1) return SS_OK;
  if (e->use_fifo) {
    for (; g < g1; ++g) {
      ss_arrival a = {{t + net->grp_delay[g], SS_EV_ARRIVAL, u}, t, g, 0};
      if (fifo_push(&e->fifo[e->grp_fifo[g]], &a)) return SS_ENOMEM;
      e->n_fifo_busy++;
    }
    return SS_OK;
  }
  ss_arrival a = {{t + net->grp_delay[g], SS_EV_ARRIVAL, u}, t, g, 0};
  return ss_aheap_push(e->ah, &a);
}

static int on_spike(ss_engine *e, uint32_t n, double t) {
  nstate *s = &e->ns[n];
  const ss_lif_params *p = &e->prm[s->pop];
  s->queued = 0; /* its slot was just popped */
  advance(e, s, t);
  s->v = 0;
  e->st.spikes++;
  e->pop_spikes[s->pop]++;
  if (e->rec && ss_record_spike(e->rec, n, t)) return SS_ENOMEM;
  if (e->log_on && log_append(e, t, n, SS_LOG_SPIKE)) return SS_ENOMEM;
  if (e->is_output[s->pop]) {
    int sign = e->classify[s->pop] ? ss_classify_spike(e->classify[s->pop], t, n) : -1;
    if (e->log_on && sign && err_append(e, t, n, sign)) return SS_ENOMEM;
  }
  if (p->t_ref > 0) {
    s->refr = 1;
    schedule(e, n, s, t + p->t_ref, SS_EV_REF_END);
  } else {
    int r = predict(e, n, s, t);
    count_rejections(e, 1, r == 1, r == 2);
  }
  return fan_out(e, n, t);
}

static int on_ref_end(ss_engine *e, uint32_t n, double t) {
  nstate *s = &e->ns[n];
  s->queued = 0; /* its slot was just popped */
  advance(e, s, t); /* only I decays while refractory */
  s->refr = 0;
  s->v = 0;
  if (e->log_on && log_append(e, t, n, SS_LOG_REF_END)) return SS_ENOMEM;
  int r = predict(e, n, s, t);
  count_rejections(e, 1, r == 1, r == 2);
  return SS_OK;
}

static int on_arrival(ss_engine *e, const ss_arrival *a) {
  const ss_net *net = e->net;
  double t = a->key.t;
  uint32_t g = a->group, u = a->key.id;
  uint64_t k0 = net->grp_start[g], k1 = net->grp_start[g + 1];
  if (e->psp_y) { /* the group's PSP trace: advance, then one more arrival */
    double y, z;
    ss_engine_psp(e, g, t, &y, &z);
    e->psp_y[g] = y + 1.0;
    e->psp_z[g] = z;
    e->psp_t[g] = t;
  }
  const uint32_t *post = net->out_post;
  const double *w = net->out_w;
  uint64_t n_pred = 0, n_sign = 0, n_bound = 0;
  for (uint64_t k = k0; k < k1; ++k) {
    uint32_t n = post[k];
    nstate *s = &e->ns[n];
#if defined(__GNUC__)
    /* targets are scattered over the neuron array: fetch a few ahead */
    if (k + SS_PREFETCH < k1) __builtin_prefetch(&e->ns[post[k + SS_PREFETCH]], 1);
#endif
    advance(e, s, t);
    s->I += w[k];
    if (e->log_on && log_append(e, t, n, (uint32_t)k)) return SS_ENOMEM;
    if (!s->refr) {
      int r = predict(e, n, s, t);
      n_pred++;
      n_sign += r == 1;
      n_bound += r == 2;
    }
  }
  count_rejections(e, n_pred, n_sign, n_bound);
  e->st.syn_events += k1 - k0;
  if (!e->use_fifo && g + 1 < net->grp_ptr[u + 1]) { /* next delay group of the same spike */
    ss_arrival nx = {{a->t_spike + net->grp_delay[g + 1], SS_EV_ARRIVAL, u}, a->t_spike, g + 1, 0};
    return ss_aheap_push(e->ah, &nx);
  }
  return SS_OK;
}

static void sample_state(void *ctx, uint32_t u, double t, double *U, double *I) {
  const ss_engine *e = ctx;
  const nstate *s = &e->ns[u];
  double v, i;
  state_at(e, s, t, &v, &i);
  *U = e->prm[s->pop].u_rest + v;
  *I = i;
}

/* ------------------------------------------------------------ main loop */

int ss_engine_run(ss_engine *e, double t_stop, ss_error *err) {
  if (!(t_stop >= e->t))
    return ss_error_set(err, SS_EINVAL, "engine: cannot run backwards (now %g ms, stop %g ms)", e->t, t_stop);
  int rc = SS_OK;
  double t_sample = e->rec ? ss_record_next_sample(e->rec) : INFINITY;
  for (;;) {
    ss_key k = ss_nheap_top(e->nh);
    ss_key ka;
    uint32_t fi = 0;
    if (e->use_fifo) {
      ka = (ss_key){INFINITY, SS_EV_NONE, 0};
      for (uint32_t j = 0; j < e->n_fifo; ++j) {
        const struct fifo *f = &e->fifo[j];
        if (f->n && ss_key_less(f->a[f->head].key, ka)) {
          ka = f->a[f->head].key;
          fi = j;
        }
      }
    } else {
      ka = ss_aheap_top(e->ah);
    }
    if (ss_key_less(ka, k)) k = ka;
    uint32_t src = UINT32_MAX;
    for (uint32_t j = 0; j < e->n_src; ++j) {
      uint32_t id;
      double ts = ss_source_peek(e->sources[e->src_pops[j]], &id);
      ss_key ki = {ts, SS_EV_INPUT, id};
      if (ss_key_less(ki, k)) {
        k = ki;
        src = j;
      }
    }
    uint32_t tgt = UINT32_MAX;
    for (uint32_t j = 0; j < e->n_tgt; ++j) {
      uint32_t id;
      double ts = ss_source_peek(e->targets[e->tgt_pops[j]], &id);
      ss_key kt = {ts, SS_EV_TARGET, id};
      if (ss_key_less(kt, k)) {
        k = kt;
        tgt = j;
      }
    }
    if (t_sample <= k.t) { /* SAMPLE precedes every other class at equal t */
      k.t = t_sample;
      k.cls = SS_EV_SAMPLE;
    }
    if (!(k.t < t_stop)) break;
    e->t = k.t;
    e->st.events++;
    switch (k.cls) {
      case SS_EV_SAMPLE:
        ss_record_take_samples(e->rec, k.t, sample_state, e);
        t_sample = ss_record_next_sample(e->rec);
        break;
      case SS_EV_SPIKE:
        ss_nheap_pop(e->nh);
        rc = on_spike(e, k.id, k.t);
        break;
      case SS_EV_REF_END:
        ss_nheap_pop(e->nh);
        rc = on_ref_end(e, k.id, k.t);
        break;
      case SS_EV_ARRIVAL: {
        ss_arrival a;
        if (e->use_fifo) {
          struct fifo *f = &e->fifo[fi];
          a = f->a[f->head];
          f->head = (f->head + 1) & (f->cap - 1);
          f->n--;
          e->n_fifo_busy--;
        } else {
          ss_aheap_pop(e->ah, &a);
        }
        rc = on_arrival(e, &a);
        break;
      }
      case SS_EV_TARGET:
        ss_source_next(e->targets[e->tgt_pops[tgt]]);
        if (e->log_on && err_append(e, k.t, k.id, +1)) rc = SS_ENOMEM;
        break;
      case SS_EV_INPUT: {
        ss_source *s = e->sources[e->src_pops[src]];
        e->st.input_spikes++;
        e->pop_spikes[e->src_pops[src]]++;
        if (e->rec && ss_record_spike(e->rec, k.id, k.t)) rc = SS_ENOMEM;
        ss_source_next(s);
        if (!rc) rc = fan_out(e, k.id, k.t);
        break;
      }
      default: break;
    }
    if (rc) return ss_error_set(err, rc, "engine: out of memory at t = %.17g ms", k.t);
  }
  e->t = t_stop;
  return SS_OK;
}

double ss_engine_time(const ss_engine *e) { return e->t; }
const ss_stats *ss_engine_stats(const ss_engine *e) { return &e->st; }
const ss_lif_stats *ss_engine_lif_stats(const ss_engine *e) { return &e->lst; }

void ss_engine_state(const ss_engine *e, uint32_t u, double *U, double *I) {
  sample_state((void *)e, u, e->t, U, I);
}

/* ------------------------------------------------------------ window log */

static void log_snapshot(ss_engine *e) {
  ss_window_log *L = &e->log;
  L->t0 = e->t;
  L->n = 0;
  L->n_err = 0;
  for (uint32_t u = 0; u < e->net->n_units; ++u) {
    const nstate *s = &e->ns[u];
    state_at(e, s, e->t, &L->v0[u], &L->i0[u]);
    L->refr0[u] = (uint8_t)s->refr;
    ss_key k;
    L->ref_end0[u] = s->refr && ss_nheap_get(e->nh, u, &k) ? k.t : -INFINITY;
  }
}

int ss_engine_log_enable(ss_engine *e, ss_error *err) {
  ss_window_log *L = &e->log;
  uint32_t nu = e->net->n_units;
  if (!e->net->out_slot)
    return ss_error_set(err, SS_ESTATE, "engine: the window log needs the incoming order "
                                        "(build the network without SS_NET_IN_NONE)");
  if (!L->row) {
    L->row = calloc((size_t)nu + 1, sizeof *L->row);
    L->v0 = ss_malloc_array(nu, sizeof *L->v0);
    L->i0 = ss_malloc_array(nu, sizeof *L->i0);
    L->refr0 = ss_malloc_array(nu, sizeof *L->refr0);
    L->ref_end0 = ss_malloc_array(nu, sizeof *L->ref_end0);
    if (!L->row || !L->v0 || !L->i0 || !L->refr0 || !L->ref_end0)
      return ss_error_set(err, SS_ENOMEM, "engine: out of memory for the window log");
  }
  e->log_on = 1;
  log_snapshot(e);
  return SS_OK;
}

/* Classification outputs: judge the stimuli whose windows ended in the
 * window being closed and merge their +1 events into the error log (both
 * lists are in time order; at equal times the spike's event comes first). */
static int merge_classified(ss_engine *e) {
  ss_window_log *L = &e->log;
  e->n_cls_ev = 0;
  for (uint32_t p = 0; p < e->net->n_pops; ++p)
    if (e->classify[p] && ss_classify_flush(e->classify[p], e->t, &e->cls_ev, &e->n_cls_ev, &e->cap_cls_ev) < 0)
      return SS_ENOMEM;
  if (!e->n_cls_ev) return SS_OK;
  size_t n = L->n_err + e->n_cls_ev;
  if (e->cap_err_tmp < n) {
    ss_err_rec *r = ss_realloc_array(e->err_tmp, n, sizeof *r);
    if (!r) return SS_ENOMEM;
    e->err_tmp = r;
    e->cap_err_tmp = n;
  }
  /* several classification populations: their events interleave */
  for (size_t k = 1; k < e->n_cls_ev; ++k)
    for (size_t j = k; j > 0 && e->cls_ev[j - 1].t > e->cls_ev[j].t; --j) {
      ss_err_rec x = e->cls_ev[j];
      e->cls_ev[j] = e->cls_ev[j - 1];
      e->cls_ev[j - 1] = x;
    }
  size_t a = 0, b = 0, m = 0;
  while (a < L->n_err || b < e->n_cls_ev)
    e->err_tmp[m++] = b == e->n_cls_ev || (a < L->n_err && L->err[a].t <= e->cls_ev[b].t) ? L->err[a++]
                                                                                          : e->cls_ev[b++];
  ss_err_rec *r = L->err;
  L->err = e->err_tmp;
  e->err_tmp = r;
  size_t c = L->cap_err;
  L->cap_err = e->cap_err_tmp;
  e->cap_err_tmp = c;
  L->n_err = n;
  return SS_OK;
}

int ss_engine_set_classifier(ss_engine *e, uint32_t pop, ss_classify *c, ss_error *err) {
  const ss_net *net = e->net;
  if (pop >= net->n_pops || net->pops[pop].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL, "engine: outputs must be a neuron population");
  if (e->targets[pop])
    return ss_error_set(err, SS_EINVAL, "engine: '%s' has target trains: an output learns from targets or by classification, not both",
                        net->pops[pop].name);
  e->is_output[pop] = 1;
  e->classify[pop] = c;
  return SS_OK;
}

const ss_window_log *ss_engine_log_close(ss_engine *e) {
  ss_window_log *L = &e->log;
  uint32_t nu = e->net->n_units;
  if (!e->log_on) return NULL;
  e->log_on = 0;
  if (merge_classified(e)) return NULL;
  /* stable counting sort by neuron into the scratch buffer, then swap */
  if (e->log_tmp_cap < L->cap) {
    ss_log_rec *r = ss_realloc_array(e->log_tmp, L->cap, sizeof *r);
    if (!r) return NULL;
    e->log_tmp = r;
    e->log_tmp_cap = L->cap;
  }
  memset(L->row, 0, ((size_t)nu + 1) * sizeof *L->row);
  for (size_t k = 0; k < L->n; ++k) L->row[L->rec[k].neuron + 1]++;
  for (uint32_t u = 0; u < nu; ++u) L->row[u + 1] += L->row[u];
  for (size_t k = 0; k < L->n; ++k) e->log_tmp[L->row[L->rec[k].neuron]++] = L->rec[k];
  for (uint32_t u = nu; u > 0; --u) L->row[u] = L->row[u - 1]; /* restore row starts */
  L->row[0] = 0;
  ss_log_rec *tmp = L->rec;
  L->rec = e->log_tmp;
  e->log_tmp = tmp;
  size_t c = L->cap;
  L->cap = e->log_tmp_cap;
  e->log_tmp_cap = c;
  return L;
}

void ss_engine_log_reopen(ss_engine *e) {
  e->log_on = 1;
  log_snapshot(e);
}

/* ------------------------------------------------------------ learning support */

int ss_engine_set_targets(ss_engine *e, uint32_t pop, ss_source *targets, ss_error *err) {
  const ss_net *net = e->net;
  if (pop >= net->n_pops || net->pops[pop].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL, "engine: outputs must be a neuron population");
  if (targets && (targets->offset != net->pops[pop].offset || targets->size != net->pops[pop].size))
    return ss_error_set(err, SS_EINVAL, "engine: targets of '%s' must cover exactly its %u neurons",
                        net->pops[pop].name, net->pops[pop].size);
  e->is_output[pop] = 1;
  if (targets && !e->targets[pop]) e->tgt_pops[e->n_tgt++] = pop;
  e->targets[pop] = targets;
  return SS_OK;
}

int ss_engine_enable_psp(ss_engine *e, ss_error *err) {
  uint32_t ng = e->net->n_groups;
  if (e->psp_y) return SS_OK;
  e->psp_y = calloc(ng ? ng : 1, sizeof *e->psp_y);
  e->psp_z = calloc(ng ? ng : 1, sizeof *e->psp_z);
  e->psp_t = calloc(ng ? ng : 1, sizeof *e->psp_t);
  if (!e->psp_y || !e->psp_z || !e->psp_t) return ss_error_set(err, SS_ENOMEM, "engine: out of memory");
  for (uint32_t g = 0; g < ng; ++g) e->psp_t[g] = e->t;
  return SS_OK;
}

void ss_engine_psp(const ss_engine *e, uint32_t g, double t, double *y, double *z) {
  const ss_net *net = e->net;
  /* the kernel is the post population's (one projection per group) */
  const ss_lif_params *p = &net->pops[net->projs[net->grp_proj[g]].post].lif;
  double yy = e->psp_y[g], zz = e->psp_z[g], h = t - e->psp_t[g];
  if (h > 0) ss_lif_propagate(p, h, &zz, &yy); /* (y, z) <-> (I, v) */
  *y = yy;
  *z = zz;
}

void ss_engine_reset(ss_engine *e, double t) {
  const ss_net *net = e->net;
  for (uint32_t p = 0; p < net->n_pops; ++p) {
    const ss_pop *pp = &net->pops[p];
    for (uint32_t k = 0; k < pp->size; ++k) {
      nstate *s = &e->ns[pp->offset + k];
      s->v = pp->kind == SS_POP_LIF ? pp->v_init : 0;
      s->I = 0;
      s->t_last = t;
      s->refr = 0;
      s->queued = 0;
    }
  }
  ss_nheap_clear(e->nh);
  ss_aheap_clear(e->ah);
  for (uint32_t j = 0; j < e->n_fifo; ++j) e->fifo[j].head = e->fifo[j].n = 0;
  e->n_fifo_busy = 0;
  if (e->psp_y)
    for (uint32_t g = 0; g < net->n_groups; ++g) {
      e->psp_y[g] = e->psp_z[g] = 0;
      e->psp_t[g] = t;
    }
  e->t = t;
}

uint64_t ss_engine_pop_spikes(const ss_engine *e, uint32_t pop) {
  return pop < e->net->n_pops ? e->pop_spikes[pop] : 0;
}

/* ------------------------------------------------------------ checkpoints */

/* All spikes in flight in a fixed order: FIFO j's entries in queue order
 * for j = 0.., or the heap's array order. */
static size_t arrivals_count(const ss_engine *e) { return e->use_fifo ? e->n_fifo_busy : e->ah->n; }

static const ss_arrival *arrival_at(const ss_engine *e, size_t i, uint32_t *q) {
  if (!e->use_fifo) {
    *q = 0;
    return &e->ah->a[i];
  }
  for (uint32_t j = 0; j < e->n_fifo; ++j) {
    const struct fifo *f = &e->fifo[j];
    if (i < f->n) {
      *q = j;
      return &f->a[(f->head + i) & (f->cap - 1)];
    }
    i -= f->n;
  }
  *q = 0;
  return NULL;
}

int ss_engine_save(const ss_engine *e, ss_ckpt_writer *w, ss_error *err) {
  const ss_net *net = e->net;
  uint32_t nu = net->n_units;
  size_t na = arrivals_count(e), nq = e->nh->n;
  double *d = ss_malloc_array((nu > na ? nu : na) + nq + 1, sizeof *d);
  uint32_t *u = ss_malloc_array((nu > na ? nu : na) + nq + 1, sizeof *u);
  uint8_t *b = ss_malloc_array(nu + 1, 1);
  int rc = !d || !u || !b ? ss_error_set(err, SS_ENOMEM, "out of memory") : SS_OK;
#define PUT_F64(name, expr, n)                                   \
  if (!rc) {                                                     \
    for (size_t i_ = 0; i_ < (n); ++i_) d[i_] = (expr);          \
    rc = ss_ckpt_add_f64(w, name, d, (n), err);                  \
  }
#define PUT_U32(name, expr, n)                                   \
  if (!rc) {                                                     \
    for (size_t i_ = 0; i_ < (n); ++i_) u[i_] = (expr);          \
    rc = ss_ckpt_add_u32(w, name, u, (n), err);                  \
  }
  PUT_F64("eng.v", e->ns[i_].v, nu);
  PUT_F64("eng.I", e->ns[i_].I, nu);
  PUT_F64("eng.tlast", e->ns[i_].t_last, nu);
  if (!rc) {
    for (uint32_t i = 0; i < nu; ++i) b[i] = e->ns[i].refr;
    rc = ss_ckpt_add_bytes(w, "eng.refr", b, nu, err);
  }
  PUT_U32("eng.nh.id", e->nh->heap[i_].id, nq);
  PUT_U32("eng.nh.cls", e->nh->heap[i_].cls, nq);
  PUT_F64("eng.nh.t", e->nh->heap[i_].t, nq);
  uint32_t q;
  PUT_F64("eng.arr.t", arrival_at(e, i_, &q)->key.t, na);
  PUT_F64("eng.arr.ts", arrival_at(e, i_, &q)->t_spike, na);
  PUT_U32("eng.arr.id", arrival_at(e, i_, &q)->key.id, na);
  PUT_U32("eng.arr.g", arrival_at(e, i_, &q)->group, na);
  PUT_U32("eng.arr.q", (arrival_at(e, i_, &q), q), na);
#undef PUT_F64
#undef PUT_U32
  if (!rc) rc = ss_ckpt_add_u64_value(w, "eng.fifo", (uint64_t)e->use_fifo, err);
  if (!rc && e->psp_y) {
    rc = ss_ckpt_add_f64(w, "eng.psp.y", e->psp_y, net->n_groups, err);
    if (!rc) rc = ss_ckpt_add_f64(w, "eng.psp.z", e->psp_z, net->n_groups, err);
    if (!rc) rc = ss_ckpt_add_f64(w, "eng.psp.t", e->psp_t, net->n_groups, err);
  }
  if (!rc) rc = ss_ckpt_add_f64_value(w, "eng.t", e->t, err);
  uint64_t st[6] = {e->st.events, e->st.syn_events, e->st.spikes, e->st.input_spikes, e->st.predictions, e->st.steps};
  uint64_t ls[7] = {e->lst.calls, e->lst.rejected_sign, e->lst.rejected_bound, e->lst.rejected_peak,
                    e->lst.solved, e->lst.newton_iters, e->lst.fallbacks};
  if (!rc) rc = ss_ckpt_add_u64(w, "eng.stats", st, 6, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "eng.lifstats", ls, 7, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "eng.popspikes", e->pop_spikes, net->n_pops, err);
  free(d);
  free(u);
  free(b);
  return rc;
}

int ss_engine_load(ss_engine *e, const ss_ckpt *ck, ss_error *err) {
  const ss_net *net = e->net;
  uint32_t nu = net->n_units;
  ss_ckpt_type type;
  size_t nq = 0, na = 0;
  uint64_t fifo;
  int rc = ss_ckpt_get_u64_value(ck, "eng.fifo", &fifo, err);
  if (rc) return rc;
  if ((int)fifo != e->use_fifo)
    return ss_error_set(err, SS_EINVAL, "checkpoint: it was written with the %s arrival queue, this engine uses the %s",
                        fifo ? "FIFO" : "heap", e->use_fifo ? "FIFO" : "heap");
  ss_ckpt_find(ck, "eng.nh.id", &type, &nq);
  ss_ckpt_find(ck, "eng.arr.t", &type, &na);
  double *d = ss_malloc_array(3 * (size_t)nu + 2 * na + nq + 1, sizeof *d);
  uint32_t *u = ss_malloc_array(2 * nq + 3 * na + 1, sizeof *u);
  uint8_t *b = ss_malloc_array(nu + 1, 1);
  if (!d || !u || !b) {
    rc = ss_error_set(err, SS_ENOMEM, "out of memory");
    goto out;
  }
  double *v = d, *I = d + nu, *tl = d + 2 * (size_t)nu, *at = tl + nu, *ats = at + na, *nt = ats + na;
  uint32_t *nid = u, *ncls = u + nq, *aid = ncls + nq, *ag = aid + na, *aq = ag + na;
  if ((rc = ss_ckpt_get_f64(ck, "eng.v", v, nu, err)) || (rc = ss_ckpt_get_f64(ck, "eng.I", I, nu, err)) ||
      (rc = ss_ckpt_get_f64(ck, "eng.tlast", tl, nu, err)) || (rc = ss_ckpt_get_bytes(ck, "eng.refr", b, nu, err)) ||
      (rc = ss_ckpt_get_u32(ck, "eng.nh.id", nid, nq, err)) || (rc = ss_ckpt_get_u32(ck, "eng.nh.cls", ncls, nq, err)) ||
      (rc = ss_ckpt_get_f64(ck, "eng.nh.t", nt, nq, err)) || (rc = ss_ckpt_get_f64(ck, "eng.arr.t", at, na, err)) ||
      (rc = ss_ckpt_get_f64(ck, "eng.arr.ts", ats, na, err)) || (rc = ss_ckpt_get_u32(ck, "eng.arr.id", aid, na, err)) ||
      (rc = ss_ckpt_get_u32(ck, "eng.arr.g", ag, na, err)) || (rc = ss_ckpt_get_u32(ck, "eng.arr.q", aq, na, err)))
    goto out;
  for (size_t i = 0; i < nq; ++i)
    if (nid[i] >= nu || (ncls[i] != SS_EV_SPIKE && ncls[i] != SS_EV_REF_END)) goto bad;
  for (size_t i = 0; i < na; ++i)
    if (aid[i] >= nu || ag[i] >= net->n_groups || (e->use_fifo ? aq[i] >= e->n_fifo : aq[i] != 0)) goto bad;
  double t;
  if ((rc = ss_ckpt_get_f64_value(ck, "eng.t", &t, err))) goto out;
  ss_engine_reset(e, t); /* empties every queue */
  for (uint32_t i = 0; i < nu; ++i) {
    e->ns[i].v = v[i];
    e->ns[i].I = I[i];
    e->ns[i].t_last = tl[i];
    e->ns[i].refr = b[i] != 0;
  }
  for (size_t i = 0; i < nq; ++i) schedule(e, nid[i], &e->ns[nid[i]], nt[i], ncls[i]);
  for (size_t i = 0; i < na; ++i) {
    ss_arrival a = {{at[i], SS_EV_ARRIVAL, aid[i]}, ats[i], ag[i], 0};
    if (e->use_fifo) {
      if (fifo_push(&e->fifo[aq[i]], &a)) goto oom;
      e->n_fifo_busy++;
    } else if (ss_aheap_push(e->ah, &a)) {
      goto oom;
    }
  }
  if (e->psp_y) {
    if ((rc = ss_ckpt_get_f64(ck, "eng.psp.y", e->psp_y, net->n_groups, err)) ||
        (rc = ss_ckpt_get_f64(ck, "eng.psp.z", e->psp_z, net->n_groups, err)) ||
        (rc = ss_ckpt_get_f64(ck, "eng.psp.t", e->psp_t, net->n_groups, err)))
      goto out;
  }
  uint64_t st[6], ls[7];
  if ((rc = ss_ckpt_get_u64(ck, "eng.stats", st, 6, err)) || (rc = ss_ckpt_get_u64(ck, "eng.lifstats", ls, 7, err)) ||
      (rc = ss_ckpt_get_u64(ck, "eng.popspikes", e->pop_spikes, net->n_pops, err)))
    goto out;
  e->st = (ss_stats){st[0], st[1], st[2], st[3], st[4], st[5]};
  e->lst = (ss_lif_stats){ls[0], ls[1], ls[2], ls[3], ls[4], ls[5], ls[6]};
  goto out;
bad:
  rc = ss_error_set(err, SS_EPARSE, "checkpoint: the saved event queues do not fit this network");
  goto out;
oom:
  rc = ss_error_set(err, SS_ENOMEM, "out of memory");
out:
  free(d);
  free(u);
  free(b);
  return rc;
}

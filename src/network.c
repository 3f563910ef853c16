/* network.c - populations, projections, and the two CSR orders (network.h).
 *
 * ss_net_build draws every projection's synapses into a temporary
 * coordinate list, then sorts them once into the outgoing (pre-major,
 * delay-grouped) order used for delivery, and derives the incoming
 * (post-major) slot of every synapse, which is what the learning sweep reads
 * and writes contiguously (event-driven.md §4.2, §4.5). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/network.h"

/* ------------------------------------------------------------ create/add */

ss_net *ss_net_create(void) { return calloc(1, sizeof(ss_net)); }

void ss_proj_free_edges(ss_proj *p) {
  free(p->e_pre);
  free(p->e_post);
  free(p->e_w);
  free(p->e_delay);
  p->e_pre = p->e_post = NULL;
  p->e_w = p->e_delay = NULL;
  p->n_edges = 0;
}

void ss_net_destroy(ss_net *net) {
  if (!net) return;
  for (uint32_t i = 0; i < net->n_projs; ++i) ss_proj_free_edges(&net->projs[i]);
  free(net->pops);
  free(net->projs);
  free(net->unit_pop);
  free(net->grp_ptr);
  free(net->grp_start);
  free(net->grp_delay);
  free(net->grp_proj);
  free(net->out_post);
  free(net->out_w);
  free(net->out_slot);
  free(net->in_ptr);
  free(net->in_pre);
  free(net);
}

int ss_net_find_pop(const ss_net *net, const char *name) {
  for (uint32_t i = 0; i < net->n_pops; ++i)
    if (!strcmp(net->pops[i].name, name)) return (int)i;
  return -1;
}

int ss_net_find_proj(const ss_net *net, const char *name) {
  for (uint32_t i = 0; i < net->n_projs; ++i)
    if (!strcmp(net->projs[i].name, name)) return (int)i;
  return -1;
}

static int check_name(const char *what, const char *name, ss_error *err) {
  if (!name || !*name)
    return ss_error_set(err, SS_EINVAL, "%s name must not be empty", what);
  if (strlen(name) >= SS_NAME_MAX)
    return ss_error_set(err, SS_EINVAL, "%s name '%s' is longer than %d characters",
                        what, name, SS_NAME_MAX - 1);
  return SS_OK;
}

static int add_pop(ss_net *net, const char *name, uint32_t size, ss_error *err) {
  if (net->built)
    return ss_error_set(err, SS_ESTATE, "population '%s': network already built", name);
  int rc = check_name("population", name, err);
  if (rc) return rc;
  if (ss_net_find_pop(net, name) >= 0)
    return ss_error_set(err, SS_EINVAL, "population '%s' defined twice", name);
  if (size == 0)
    return ss_error_set(err, SS_EINVAL, "population '%s': size must be > 0", name);
  if ((uint64_t)net->n_units + size > UINT32_MAX - 1u)
    return ss_error_set(err, SS_ERANGE, "population '%s': too many units in the network", name);
  if (net->n_pops >= UINT16_MAX)
    return ss_error_set(err, SS_ERANGE, "too many populations");
  if (net->n_pops == net->cap_pops) {
    uint32_t cap = net->cap_pops ? 2 * net->cap_pops : 4;
    ss_pop *p = ss_realloc_array(net->pops, cap, sizeof *p);
    if (!p) return ss_error_set(err, SS_ENOMEM, "out of memory");
    net->pops = p;
    net->cap_pops = cap;
  }
  ss_pop *p = &net->pops[net->n_pops];
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->size = size;
  p->offset = net->n_units;
  net->n_units += size;
  return (int)net->n_pops++;
}

int ss_net_add_lif(ss_net *net, const char *name, uint32_t size,
                   const ss_lif_params *lif, double v_init, ss_error *err) {
  ss_lif_params prm = *lif;
  int rc = ss_lif_params_init(&prm, err);
  if (rc) return ss_error_prefix(err, "population '%s': ", name ? name : "");
  if (!isfinite(v_init) || v_init >= prm.thp)
    return ss_error_set(err, SS_EINVAL,
                        "population '%s': initial potential must be finite and below threshold",
                        name ? name : "");
  int idx = add_pop(net, name, size, err);
  if (idx < 0) return idx;
  net->pops[idx].kind = SS_POP_LIF;
  net->pops[idx].lif = prm;
  net->pops[idx].v_init = v_init;
  return idx;
}

int ss_net_add_source(ss_net *net, const char *name, uint32_t size, ss_error *err) {
  int idx = add_pop(net, name, size, err);
  if (idx < 0) return idx;
  net->pops[idx].kind = SS_POP_SOURCE;
  return idx;
}

static int check_dist(const ss_dist *d, const char *what, const char *proj,
                      int nonneg, ss_error *err) {
  int ok = isfinite(d->a) && (d->kind == SS_DIST_CONSTANT || isfinite(d->b));
  if (!ok)
    return ss_error_set(err, SS_EINVAL, "projection '%s': %s parameters must be finite", proj, what);
  if (d->kind == SS_DIST_NORMAL && d->b < 0)
    return ss_error_set(err, SS_EINVAL, "projection '%s': %s standard deviation must be >= 0", proj, what);
  if (d->kind == SS_DIST_NORMAL && (isnan(d->lo) || isnan(d->hi) || d->lo > d->hi))
    return ss_error_set(err, SS_EINVAL, "projection '%s': %s clipping bounds must satisfy min <= max", proj, what);
  if (d->kind == SS_DIST_UNIFORM && !(d->a <= d->b))
    return ss_error_set(err, SS_EINVAL, "projection '%s': %s uniform bounds must satisfy low <= high", proj, what);
  if (nonneg) {
    double lowest = d->kind == SS_DIST_NORMAL ? d->lo : d->a;
    if (!(lowest >= 0))
      return ss_error_set(err, SS_EINVAL,
                          "projection '%s': %s must be >= 0 (a normal %s needs min >= 0)",
                          proj, what, what);
  }
  return SS_OK;
}

int ss_net_add_proj(ss_net *net, const ss_proj *proj, ss_error *err) {
  const char *nm = proj->name;
  if (net->built)
    return ss_error_set(err, SS_ESTATE, "projection '%s': network already built", nm);
  int rc = check_name("projection", nm, err);
  if (rc) return rc;
  if (ss_net_find_proj(net, nm) >= 0)
    return ss_error_set(err, SS_EINVAL, "projection '%s' defined twice", nm);
  if (proj->pre >= net->n_pops || proj->post >= net->n_pops)
    return ss_error_set(err, SS_EINVAL, "projection '%s': unknown population", nm);
  if (net->pops[proj->post].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL,
                        "projection '%s': post population '%s' is a source; it must be a neuron population",
                        nm, net->pops[proj->post].name);
  if (net->n_projs >= UINT16_MAX)
    return ss_error_set(err, SS_ERANGE, "too many projections");
  uint32_t n_pre = net->pops[proj->pre].size, n_post = net->pops[proj->post].size;
  switch (proj->conn) {
    case SS_CONN_ALL_TO_ALL: break;
    case SS_CONN_FIXED_PROB:
      if (!(proj->p >= 0 && proj->p <= 1))
        return ss_error_set(err, SS_EINVAL, "projection '%s': probability must be in [0, 1]", nm);
      break;
    case SS_CONN_FIXED_FANIN: {
      uint32_t avail = n_pre - (proj->pre == proj->post && !proj->autapses ? 1u : 0u);
      if (proj->fanin > avail)
        return ss_error_set(err, SS_EINVAL,
                            "projection '%s': fan-in %u exceeds the %u available presynaptic units",
                            nm, proj->fanin, avail);
      break;
    }
    case SS_CONN_ONE_TO_ONE:
      if (n_pre != n_post)
        return ss_error_set(err, SS_EINVAL,
                            "projection '%s': one_to_one needs equal sizes (%u vs %u)", nm, n_pre, n_post);
      break;
    case SS_CONN_FILE:
      for (size_t k = 0; k < proj->n_edges; ++k) {
        if (proj->e_pre[k] >= n_pre || proj->e_post[k] >= n_post)
          return ss_error_set(err, SS_ERANGE, "projection '%s': edge %zu has an id out of range", nm, k);
        if (!isfinite(proj->e_w[k]))
          return ss_error_set(err, SS_EINVAL, "projection '%s': edge %zu has a non-finite weight", nm, k);
        if (proj->e_delay && !(proj->e_delay[k] < 0) && !isfinite(proj->e_delay[k]))
          return ss_error_set(err, SS_EINVAL, "projection '%s': edge %zu has a non-finite delay", nm, k);
      }
      break;
    default:
      return ss_error_set(err, SS_EINVAL, "projection '%s': unknown connectivity rule", nm);
  }
  rc = check_dist(&proj->weight, "weight", nm, 0, err);
  if (rc) return rc;
  rc = check_dist(&proj->delay, "delay", nm, 1, err);
  if (rc) return rc;
  if (net->n_projs == net->cap_projs) {
    uint32_t cap = net->cap_projs ? 2 * net->cap_projs : 4;
    ss_proj *p = ss_realloc_array(net->projs, cap, sizeof *p);
    if (!p) return ss_error_set(err, SS_ENOMEM, "out of memory");
    net->projs = p;
    net->cap_projs = cap;
  }
  ss_proj *p = &net->projs[net->n_projs];
  *p = *proj;
  p->e_pre = p->e_post = NULL;
  p->e_w = p->e_delay = NULL;
  p->n_edges = 0;
  p->n_syn = 0;
  if (proj->conn == SS_CONN_FILE && proj->n_edges) {
    size_t n = proj->n_edges;
    p->e_pre = ss_malloc_array(n, sizeof(uint32_t));
    p->e_post = ss_malloc_array(n, sizeof(uint32_t));
    p->e_w = ss_malloc_array(n, sizeof(double));
    p->e_delay = proj->e_delay ? ss_malloc_array(n, sizeof(double)) : NULL;
    if (!p->e_pre || !p->e_post || !p->e_w || (proj->e_delay && !p->e_delay)) {
      ss_proj_free_edges(p);
      return ss_error_set(err, SS_ENOMEM, "out of memory");
    }
    memcpy(p->e_pre, proj->e_pre, n * sizeof(uint32_t));
    memcpy(p->e_post, proj->e_post, n * sizeof(uint32_t));
    memcpy(p->e_w, proj->e_w, n * sizeof(double));
    if (proj->e_delay) memcpy(p->e_delay, proj->e_delay, n * sizeof(double));
    p->n_edges = n;
  }
  return (int)net->n_projs++;
}

double ss_dist_draw(const ss_dist *d, ss_rng *r) {
  double x;
  switch (d->kind) {
    case SS_DIST_NORMAL: x = d->a + d->b * ss_rng_normal(r); break;
    case SS_DIST_UNIFORM: x = d->a + (d->b - d->a) * ss_rng_uniform(r); break;
    default: x = d->a; break;
  }
  return x < d->lo ? d->lo : x > d->hi ? d->hi : x;
}

/* ------------------------------------------------------------ build */

/* Temporary coordinate list of all synapses. */
typedef struct coo {
  uint32_t *pre, *post;
  double *w, *delay;
  uint16_t *proj;
  size_t n, cap;
} coo;

static int coo_push(coo *c, uint32_t pre, uint32_t post, double w, double delay, uint16_t proj) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 1024;
    uint32_t *a = ss_realloc_array(c->pre, cap, sizeof *a);
    if (!a) return SS_ENOMEM;
    c->pre = a;
    uint32_t *b = ss_realloc_array(c->post, cap, sizeof *b);
    if (!b) return SS_ENOMEM;
    c->post = b;
    double *x = ss_realloc_array(c->w, cap, sizeof *x);
    if (!x) return SS_ENOMEM;
    c->w = x;
    double *y = ss_realloc_array(c->delay, cap, sizeof *y);
    if (!y) return SS_ENOMEM;
    c->delay = y;
    uint16_t *z = ss_realloc_array(c->proj, cap, sizeof *z);
    if (!z) return SS_ENOMEM;
    c->proj = z;
    c->cap = cap;
  }
  c->pre[c->n] = pre;
  c->post[c->n] = post;
  c->w[c->n] = w;
  c->delay[c->n] = delay;
  c->proj[c->n] = proj;
  c->n++;
  return SS_OK;
}

static void coo_free(coo *c) {
  free(c->pre);
  free(c->post);
  free(c->w);
  free(c->delay);
  free(c->proj);
}

/* Random streams of a projection: one per purpose. */
enum { STREAM_CONN = 0, STREAM_WEIGHT = 1, STREAM_DELAY = 2 };

static int draw_projection(const ss_net *net, uint16_t pi, coo *c, ss_error *err) {
  const ss_proj *p = &net->projs[pi];
  const ss_pop *a = &net->pops[p->pre], *b = &net->pops[p->post];
  ss_rng rc, rw, rd;
  ss_rng_init(&rc, p->seed, STREAM_CONN);
  ss_rng_init(&rw, p->seed, STREAM_WEIGHT);
  ss_rng_init(&rd, p->seed, STREAM_DELAY);
  int same = p->pre == p->post && !p->autapses;
  size_t n0 = c->n;
  int rc_ = SS_OK;
#define EMIT(i, j)                                                               \
  do {                                                                           \
    double w_ = ss_dist_draw(&p->weight, &rw), d_ = ss_dist_draw(&p->delay, &rd); \
    rc_ = coo_push(c, a->offset + (i), b->offset + (j), w_, d_, pi);             \
    if (rc_) goto oom;                                                           \
  } while (0)
  switch (p->conn) {
    case SS_CONN_ALL_TO_ALL:
      for (uint32_t i = 0; i < a->size; ++i)
        for (uint32_t j = 0; j < b->size; ++j)
          if (!(same && i == j)) EMIT(i, j);
      break;
    case SS_CONN_FIXED_PROB: {
      /* geometric skipping over the a->size * b->size candidate pairs */
      if (p->p <= 0) break;
      uint64_t total = (uint64_t)a->size * b->size, k = 0;
      double lq = p->p < 1 ? log1p(-p->p) : 0;
      for (;;) {
        if (p->p < 1) {
          double g = floor(log(ss_rng_uniform_pos(&rc)) / lq);
          if (g >= (double)(total - k)) break;
          k += (uint64_t)g;
        }
        if (k >= total) break;
        uint32_t i = (uint32_t)(k / b->size), j = (uint32_t)(k % b->size);
        if (!(same && i == j)) EMIT(i, j);
        ++k;
      }
      break;
    }
    case SS_CONN_FIXED_FANIN: {
      uint8_t *mark = calloc(a->size, 1);
      uint32_t *pick = ss_malloc_array(p->fanin ? p->fanin : 1, sizeof *pick);
      if (!mark || !pick) {
        free(mark);
        free(pick);
        goto oom;
      }
      for (uint32_t j = 0; j < b->size; ++j) {
        uint32_t n = 0;
        while (n < p->fanin) {
          uint32_t i = (uint32_t)ss_rng_below(&rc, a->size);
          if (mark[i] || (same && i == j)) continue;
          mark[i] = 1;
          pick[n++] = i;
        }
        /* canonical order: ascending pre */
        uint32_t m = 0;
        for (uint32_t t = 0; t < n; ++t) mark[pick[t]] = 0;
        if (n > 0 && n * 8u > a->size) {
          for (uint32_t t = 0; t < n; ++t) mark[pick[t]] = 1;
          for (uint32_t i = 0; i < a->size && m < n; ++i)
            if (mark[i]) { mark[i] = 0; pick[m++] = i; }
        } else {
          for (uint32_t t = 1; t < n; ++t) { /* insertion sort, small n */
            uint32_t x = pick[t], s = t;
            while (s > 0 && pick[s - 1] > x) { pick[s] = pick[s - 1]; --s; }
            pick[s] = x;
          }
        }
        for (uint32_t t = 0; t < n; ++t) {
          double w_ = ss_dist_draw(&p->weight, &rw), d_ = ss_dist_draw(&p->delay, &rd);
          if (coo_push(c, a->offset + pick[t], b->offset + j, w_, d_, pi)) {
            free(mark);
            free(pick);
            goto oom;
          }
        }
      }
      free(mark);
      free(pick);
      break;
    }
    case SS_CONN_ONE_TO_ONE:
      for (uint32_t i = 0; i < a->size; ++i) EMIT(i, i);
      break;
    case SS_CONN_FILE:
      for (size_t k = 0; k < p->n_edges; ++k) {
        double d_ = p->e_delay && p->e_delay[k] >= 0 ? p->e_delay[k] : ss_dist_draw(&p->delay, &rd);
        if (coo_push(c, a->offset + p->e_pre[k], b->offset + p->e_post[k], p->e_w[k], d_, pi))
          goto oom;
      }
      break;
  }
#undef EMIT
  net->projs[pi].n_syn = c->n - n0;
  return SS_OK;
oom:
  return ss_error_set(err, SS_ENOMEM, "projection '%s': out of memory while drawing synapses", p->name);
}

/* Sort context for one outgoing row (qsort has no user pointer in C11). */
static const coo *g_sort_coo;

static int cmp_out(const void *x, const void *y) {
  const coo *c = g_sort_coo;
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  if (c->delay[a] != c->delay[b]) return c->delay[a] < c->delay[b] ? -1 : 1;
  if (c->proj[a] != c->proj[b]) return c->proj[a] < c->proj[b] ? -1 : 1;
  if (c->post[a] != c->post[b]) return c->post[a] < c->post[b] ? -1 : 1;
  return a < b ? -1 : a > b;
}

int ss_net_build(ss_net *net, ss_error *err) {
  if (net->built) return ss_error_set(err, SS_ESTATE, "network already built");
  uint32_t nu = net->n_units;
  coo c = {0};
  uint64_t *order = NULL, *cnt = NULL;
  int rc = SS_OK;
  net->unit_pop = ss_malloc_array(nu, sizeof *net->unit_pop);
  if (!net->unit_pop) goto oom;
  for (uint32_t p = 0; p < net->n_pops; ++p)
    for (uint32_t k = 0; k < net->pops[p].size; ++k) net->unit_pop[net->pops[p].offset + k] = (uint16_t)p;
  for (uint32_t p = 0; p < net->n_projs; ++p)
    if ((rc = draw_projection(net, (uint16_t)p, &c, err))) goto fail;
  size_t S = c.n;
  if (S >= UINT32_MAX) {
    rc = ss_error_set(err, SS_ERANGE, "too many synapses (%zu)", S);
    goto fail;
  }
  net->n_syn = S;
  /* outgoing order: counting sort by pre, then sort each row */
  order = ss_malloc_array(S, sizeof *order);
  cnt = calloc((size_t)nu + 1, sizeof *cnt);
  if (!order || !cnt) goto oom;
  for (size_t k = 0; k < S; ++k) cnt[c.pre[k] + 1]++;
  for (uint32_t u = 0; u < nu; ++u) cnt[u + 1] += cnt[u];
  {
    uint64_t *fill = ss_malloc_array((size_t)nu + 1, sizeof *fill);
    if (!fill) goto oom;
    memcpy(fill, cnt, ((size_t)nu + 1) * sizeof *fill);
    for (size_t k = 0; k < S; ++k) order[fill[c.pre[k]]++] = k;
    free(fill);
  }
  g_sort_coo = &c;
  for (uint32_t u = 0; u < nu; ++u) {
    /* rows usually arrive sorted already (stable scatter of a post-major
     * draw with one delay per projection): check before sorting */
    uint64_t a = cnt[u], b = cnt[u + 1], k = a + 1;
    while (k < b && cmp_out(&order[k - 1], &order[k]) < 0) ++k;
    if (k < b) qsort(order + a, b - a, sizeof *order, cmp_out);
  }
  g_sort_coo = NULL;
  /* delay groups: runs of equal (delay, projection) within a row */
  uint32_t ng = 0;
  for (uint32_t u = 0; u < nu; ++u)
    for (uint64_t k = cnt[u]; k < cnt[u + 1]; ++k)
      if (k == cnt[u] || c.delay[order[k]] != c.delay[order[k - 1]] ||
          c.proj[order[k]] != c.proj[order[k - 1]])
        ++ng;
  net->n_groups = ng;
  net->grp_ptr = ss_malloc_array((size_t)nu + 1, sizeof *net->grp_ptr);
  net->grp_start = ss_malloc_array((size_t)ng + 1, sizeof *net->grp_start);
  int keep_slots = net->incoming != SS_NET_IN_NONE;
  net->grp_delay = ss_malloc_array(ng, sizeof *net->grp_delay);
  net->grp_proj = ss_malloc_array(ng, sizeof *net->grp_proj);
  net->out_post = ss_malloc_array(S, sizeof *net->out_post);
  net->out_w = ss_malloc_array(S, sizeof *net->out_w);
  if (keep_slots) {
    net->out_slot = ss_malloc_array(S, sizeof *net->out_slot);
    net->in_ptr = calloc((size_t)nu + 1, sizeof *net->in_ptr);
    if (!net->out_slot || !net->in_ptr) goto oom;
  }
  if (!net->grp_ptr || !net->grp_start || !net->grp_delay || !net->grp_proj ||
      !net->out_post || !net->out_w)
    goto oom;
  ng = 0;
  for (uint32_t u = 0; u < nu; ++u) {
    net->grp_ptr[u] = ng;
    for (uint64_t k = cnt[u]; k < cnt[u + 1]; ++k) {
      uint64_t s = order[k];
      if (k == cnt[u] || c.delay[s] != c.delay[order[k - 1]] || c.proj[s] != c.proj[order[k - 1]]) {
        net->grp_start[ng] = (uint32_t)k;
        net->grp_delay[ng] = c.delay[s];
        net->grp_proj[ng] = c.proj[s];
        ++ng;
      }
      net->out_post[k] = c.post[s];
      net->out_w[k] = c.w[s];
    }
  }
  net->grp_ptr[nu] = ng;
  net->grp_start[ng] = (uint32_t)S;
  /* incoming order: rows by post, within a row by (projection, pre, row order) */
  if (keep_slots) {
    for (size_t k = 0; k < S; ++k) net->in_ptr[net->out_post[k] + 1]++;
    for (uint32_t u = 0; u < nu; ++u) net->in_ptr[u + 1] += net->in_ptr[u];
    for (uint32_t u = 0; u <= nu; ++u) cnt[u] = net->in_ptr[u]; /* fill pointers */
    if (net->incoming == SS_NET_IN_FULL) {
      net->in_pre = ss_malloc_array(S, sizeof *net->in_pre);
      if (!net->in_pre) goto oom;
    }
    for (uint32_t p = 0; p < net->n_projs; ++p)
      for (uint32_t u = 0; u < nu; ++u)
        for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
          if (net->grp_proj[g] != p) continue;
          for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) {
            uint64_t slot = cnt[net->out_post[k]]++;
            net->out_slot[k] = (uint32_t)slot;
            if (net->in_pre) net->in_pre[slot] = u;
          }
        }
  }
  free(order);
  free(cnt);
  coo_free(&c);
  net->built = 1;
  return SS_OK;
oom:
  rc = ss_error_set(err, SS_ENOMEM, "out of memory while building the network");
fail:
  free(order);
  free(cnt);
  coo_free(&c);
  return rc;
}

size_t ss_net_bytes(const ss_net *net) {
  size_t S = net->n_syn, nu = net->n_units, ng = net->n_groups;
  size_t b = S * (sizeof(uint32_t) + sizeof(double));
  if (net->out_slot) b += S * sizeof(uint32_t) + (nu + 1) * sizeof(uint32_t);
  if (net->in_pre) b += S * sizeof(uint32_t);
  b += (nu + 1) * sizeof(uint32_t);
  b += (ng + 1) * sizeof(uint32_t) + ng * (sizeof(double) + sizeof(uint16_t));
  return b;
}

uint32_t ss_net_syn_proj(const ss_net *net, uint64_t k) {
  uint32_t lo = 0, hi = net->n_groups; /* find last g with grp_start[g] <= k */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (net->grp_start[mid] <= k) lo = mid;
    else hi = mid;
  }
  return net->grp_proj[lo];
}

/* ------------------------------------------------------------ edge lists */

typedef struct edge_row {
  uint32_t pre, post;
  double w, d;
} edge_row;

static int cmp_edge(const void *x, const void *y) {
  const edge_row *a = x, *b = y;
  if (a->pre != b->pre) return a->pre < b->pre ? -1 : 1;
  if (a->post != b->post) return a->post < b->post ? -1 : 1;
  if (a->d != b->d) return a->d < b->d ? -1 : 1;
  return (a->w > b->w) - (a->w < b->w);
}

int ss_net_write_edges(const ss_net *net, uint32_t proj, const char *path, ss_error *err) {
  if (!net->built) return ss_error_set(err, SS_ESTATE, "network not built");
  if (proj >= net->n_projs) return ss_error_set(err, SS_EINVAL, "no projection %u", proj);
  const ss_proj *p = &net->projs[proj];
  uint32_t off_a = net->pops[p->pre].offset, off_b = net->pops[p->post].offset;
  edge_row *rows = ss_malloc_array(p->n_syn, sizeof *rows);
  if (!rows) return ss_error_set(err, SS_ENOMEM, "out of memory");
  size_t n = 0;
  for (uint32_t u = 0; u < net->n_units; ++u)
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
      if (net->grp_proj[g] != proj) continue;
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k)
        rows[n++] = (edge_row){u - off_a, net->out_post[k] - off_b, net->out_w[k], net->grp_delay[g]};
    }
  qsort(rows, n, sizeof *rows, cmp_edge);
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) {
    free(rows);
    return rc;
  }
  fprintf(f.fp, "# projection %s: %s -> %s, %zu synapses\n# pre post weight(mV) delay(ms)\n",
          p->name, net->pops[p->pre].name, net->pops[p->post].name, n);
  for (size_t k = 0; k < n; ++k)
    fprintf(f.fp, "%u %u %.17g %.17g\n", rows[k].pre, rows[k].post, rows[k].w, rows[k].d);
  free(rows);
  return ss_afile_commit(&f, err);
}

/* Parse one whitespace-separated field; returns a pointer past it or NULL. */
static char *next_field(char *s, char **start) {
  while (*s == ' ' || *s == '\t' || *s == '\r') ++s;
  if (!*s || *s == '\n') return NULL;
  *start = s;
  while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') ++s;
  if (*s) *s++ = '\0';
  return s;
}

static int parse_id(const char *s, uint32_t n, uint32_t *out) {
  if (*s == '-' || *s == '+') return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end || errno) return -1;
  if (v >= n) return -2;
  *out = (uint32_t)v;
  return 0;
}

int ss_proj_read_edges(ss_proj *proj, const char *path, uint32_t n_pre,
                       uint32_t n_post, ss_error *err) {
  FILE *fp = fopen(path, "r");
  if (!fp) return ss_error_set(err, SS_EIO, "%s: cannot open edge list: %s", path, strerror(errno));
  size_t cap = 0, n = 0;
  uint32_t *ep = NULL, *eq = NULL;
  double *ew = NULL, *ed = NULL;
  char line[1024];
  long lineno = 0;
  int ncol_first = 0, rc = SS_OK;
  while (fgets(line, sizeof line, fp)) {
    ++lineno;
    if (!strchr(line, '\n') && !feof(fp)) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: line too long", path, lineno);
      goto out;
    }
    char *s = line, *f[5];
    int nf = 0;
    while (*s == ' ' || *s == '\t') ++s;
    if (*s == '#' || *s == '\n' || *s == '\r' || !*s) continue;
    char *hash = strchr(s, '#'); /* trailing comment */
    if (hash) *hash = '\0';
    while (nf < 5 && (s = next_field(s, &f[nf]))) ++nf;
    if (nf < 3 || nf > 4) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: expected 'pre post weight [delay]', got %d field%s",
                        path, lineno, nf, nf == 1 ? "" : "s");
      goto out;
    }
    if (!ncol_first) ncol_first = nf;
    else if (nf != ncol_first) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: %d fields, but earlier lines have %d", path,
                        lineno, nf, ncol_first);
      goto out;
    }
    uint32_t a, b;
    int r = parse_id(f[0], n_pre, &a);
    if (r) {
      rc = ss_error_set(err, r == -2 ? SS_ERANGE : SS_EPARSE,
                        r == -2 ? "%s:%ld: field 'pre': id %s out of range for a population of %u"
                                : "%s:%ld: field 'pre': expected a non-negative integer id, got '%s'",
                        path, lineno, f[0], n_pre);
      goto out;
    }
    r = parse_id(f[1], n_post, &b);
    if (r) {
      rc = ss_error_set(err, r == -2 ? SS_ERANGE : SS_EPARSE,
                        r == -2 ? "%s:%ld: field 'post': id %s out of range for a population of %u"
                                : "%s:%ld: field 'post': expected a non-negative integer id, got '%s'",
                        path, lineno, f[1], n_post);
      goto out;
    }
    char *end;
    double w = strtod(f[2], &end);
    if (end == f[2] || *end || !isfinite(w)) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: field 'weight': expected a finite number (mV), got '%s'",
                        path, lineno, f[2]);
      goto out;
    }
    double d = -1;
    if (nf == 4) {
      d = strtod(f[3], &end);
      if (end == f[3] || *end || !isfinite(d) || d < 0) {
        rc = ss_error_set(err, SS_EPARSE,
                          "%s:%ld: field 'delay': expected a finite number >= 0 (ms), got '%s'",
                          path, lineno, f[3]);
        goto out;
      }
    }
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      uint32_t *x1 = ss_realloc_array(ep, cap, sizeof *x1);
      if (x1) ep = x1;
      uint32_t *x2 = ss_realloc_array(eq, cap, sizeof *x2);
      if (x2) eq = x2;
      double *x3 = ss_realloc_array(ew, cap, sizeof *x3);
      if (x3) ew = x3;
      double *x4 = ss_realloc_array(ed, cap, sizeof *x4);
      if (x4) ed = x4;
      if (!x1 || !x2 || !x3 || !x4) {
        rc = ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
        goto out;
      }
    }
    ep[n] = a;
    eq[n] = b;
    ew[n] = w;
    ed[n] = d;
    ++n;
  }
  if (ferror(fp)) rc = ss_error_set(err, SS_EIO, "%s: read error", path);
out:
  fclose(fp);
  if (rc) {
    free(ep);
    free(eq);
    free(ew);
    free(ed);
    return rc;
  }
  free(proj->e_pre);
  free(proj->e_post);
  free(proj->e_w);
  free(proj->e_delay);
  proj->e_pre = ep;
  proj->e_post = eq;
  proj->e_w = ew;
  proj->e_delay = ncol_first == 4 ? ed : (free(ed), NULL);
  proj->n_edges = n;
  proj->conn = SS_CONN_FILE;
  return SS_OK;
}

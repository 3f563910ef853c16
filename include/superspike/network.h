/* network.h - populations, projections and their CSR connectivity.
 *
 * A network is a list of populations (LIF neurons or spike sources) and of
 * projections between them.  Every unit (neuron or source) has a global id:
 * population p owns ids [pop->offset, pop->offset + pop->size).  After
 * ss_net_build the synapses of all projections are stored twice over:
 *   outgoing (pre-major) order, used to deliver spikes: per presynaptic unit
 *     a row sorted by (delay, projection, post), cut into delay groups of
 *     equal delay and projection;  per synapse post id, weight, and the slot
 *     of the synapse in the incoming order;
 *   incoming (post-major) order: per postsynaptic neuron a contiguous row of
 *     slots (sorted by projection, then pre), which the learning sweep reads
 *     and writes contiguously; out_slot maps outgoing to incoming order and
 *     in_pre[slot] (built on request) gives the presynaptic id.
 * Memory per synapse: 12 bytes to simulate (post, weight), 16 with the
 * incoming slot (the default), 20 with in_pre.  At most 2^32 - 1 synapses.
 * Units: ms, mV. */
#ifndef SUPERSPIKE_NETWORK_H
#define SUPERSPIKE_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"
#include "superspike/lif.h"
#include "superspike/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SS_NAME_MAX 64

/* What ss_net_build keeps of the incoming (post-major) order. */
enum {
  SS_NET_IN_SLOTS = 0, /* out_slot and in_ptr: what the window log and learning need */
  SS_NET_IN_NONE = 1,  /* nothing: simulation only, 4 bytes per synapse less */
  SS_NET_IN_FULL = 2   /* also in_pre, for code that reads incoming rows by presynaptic id */
};

typedef enum ss_pop_kind { SS_POP_LIF = 0, SS_POP_SOURCE = 1 } ss_pop_kind;

typedef struct ss_pop {
  char name[SS_NAME_MAX];
  ss_pop_kind kind;
  uint32_t size;
  uint32_t offset;      /* first global id */
  ss_lif_params lif;    /* LIF populations only */
  double v_init;        /* initial depolarisation U - U_rest (mV), LIF only */
} ss_pop;

/* Distribution of a per-synapse value (weights in mV, delays in ms). */
typedef enum ss_dist_kind {
  SS_DIST_CONSTANT = 0, /* a */
  SS_DIST_NORMAL = 1,   /* N(a, b^2), clipped to [lo, hi] */
  SS_DIST_UNIFORM = 2   /* U(a, b) */
} ss_dist_kind;

typedef struct ss_dist {
  ss_dist_kind kind;
  double a, b;   /* constant: a; normal: mean a, sd b; uniform: [a, b) */
  double lo, hi; /* every draw is clipped to [lo, hi]; -INF/+INF for none */
} ss_dist;

/* Draw one value. */
double ss_dist_draw(const ss_dist *d, ss_rng *r);

typedef enum ss_conn_kind {
  SS_CONN_ALL_TO_ALL = 0,
  SS_CONN_FIXED_PROB = 1,  /* each pair independently with probability p */
  SS_CONN_FIXED_FANIN = 2, /* each post neuron draws `fanin` distinct pre units */
  SS_CONN_ONE_TO_ONE = 3,  /* pre i -> post i, equal sizes */
  SS_CONN_FILE = 4         /* explicit edge list (ss_proj_set_edges) */
} ss_conn_kind;

typedef struct ss_proj {
  char name[SS_NAME_MAX];
  uint32_t pre, post;     /* population indices */
  ss_conn_kind conn;
  double p;               /* FIXED_PROB */
  uint32_t fanin;         /* FIXED_FANIN */
  int autapses;           /* allow i -> i when pre == post (default 0) */
  ss_dist weight;         /* mV */
  ss_dist delay;          /* ms, >= 0 */
  uint64_t seed;          /* stream seed for this projection */
  /* explicit edges (FILE), local ids; delay < 0 means "use the delay dist" */
  size_t n_edges;
  uint32_t *e_pre, *e_post;
  double *e_w, *e_delay;
  /* filled by ss_net_build */
  size_t n_syn;           /* synapses of this projection */
} ss_proj;

typedef struct ss_net {
  ss_pop *pops;
  uint32_t n_pops, cap_pops;
  ss_proj *projs;
  uint32_t n_projs, cap_projs;
  uint32_t n_units;       /* total units over all populations */
  uint16_t *unit_pop;     /* population of each unit */
  int built;
  int incoming;           /* set before ss_net_build: SS_NET_IN_SLOTS (default),
                             SS_NET_IN_NONE or SS_NET_IN_FULL */
  /* outgoing CSR, built */
  size_t n_syn;
  uint32_t *grp_ptr;      /* [n_units+1]: groups of unit u are grp_ptr[u]..grp_ptr[u+1]-1 */
  uint32_t *grp_start;    /* [n_groups+1]: synapses of group g are grp_start[g]..grp_start[g+1]-1 */
  double *grp_delay;      /* [n_groups] ms */
  uint16_t *grp_proj;     /* [n_groups] projection of the group */
  uint32_t n_groups;
  uint32_t *out_post;     /* [n_syn] postsynaptic global id */
  double *out_w;          /* [n_syn] weight (mV) */
  uint32_t *out_slot;     /* [n_syn] slot in incoming order, or NULL (SS_NET_IN_NONE) */
  /* incoming CSR, built */
  uint32_t *in_ptr;       /* [n_units+1]: slots of neuron u are in_ptr[u]..in_ptr[u+1]-1 */
  uint32_t *in_pre;       /* [n_syn] presynaptic global id, or NULL */
} ss_net;

/* Empty network. */
ss_net *ss_net_create(void);
void ss_net_destroy(ss_net *net);

/* Add a population; returns its index (>= 0) or a negative status.  Names
 * must be unique and non-empty.  For LIF populations `lif` is validated. */
int ss_net_add_lif(ss_net *net, const char *name, uint32_t size,
                   const ss_lif_params *lif, double v_init, ss_error *err);
int ss_net_add_source(ss_net *net, const char *name, uint32_t size,
                      ss_error *err);
/* Index of the population called name, or -1. */
int ss_net_find_pop(const ss_net *net, const char *name);

/* Add a projection; *proj is copied (edge arrays are copied too).  The post
 * population must be LIF.  Returns its index or a negative status. */
int ss_net_add_proj(ss_net *net, const ss_proj *proj, ss_error *err);
/* Index of the projection called name, or -1. */
int ss_net_find_proj(const ss_net *net, const char *name);

/* Draw all synapses (seeded per projection) and build both CSR orders.
 * After this no population or projection can be added. */
int ss_net_build(ss_net *net, ss_error *err);

/* Bytes held by the built connectivity (both orders and the group table). */
size_t ss_net_bytes(const ss_net *net);

/* Projection of an outgoing-order synapse index k (binary search in the
 * group table). */
uint32_t ss_net_syn_proj(const ss_net *net, uint64_t k);

/* Write the synapses of projection `proj` as an edge list: one line
 * `pre post weight delay` per synapse (local ids, weight in mV, delay in ms,
 * %.17g), sorted by (pre, post), atomically (temp file + rename). */
int ss_net_write_edges(const ss_net *net, uint32_t proj, const char *path,
                       ss_error *err);

/* Read an edge list `pre post weight [delay]` (mV, ms; '#' comments, any
 * whitespace) for a projection between populations of sizes n_pre, n_post.
 * Arrays are malloc'ed into the projection's e_* fields (delay -1 when the
 * column is absent).  Errors name the file, line and field. */
int ss_proj_read_edges(ss_proj *proj, const char *path, uint32_t n_pre,
                       uint32_t n_post, ss_error *err);

/* Free the e_* arrays of a projection spec (after ss_net_add_proj copied
 * them, or on error). */
void ss_proj_free_edges(ss_proj *proj);

#ifdef __cplusplus
}
#endif
#endif

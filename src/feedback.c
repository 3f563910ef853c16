/* feedback.c - learning roles and hidden-layer feedback matrices shared by
 * both learners (feedback.h). */
#include <math.h>
#include <string.h>

#include "feedback.h"
#include "internal.h"
#include "superspike/rng.h"

/* ------------------------------------------------------------ roles */

int ss_role_add_output(const ss_net *net, uint8_t *role, uint32_t pop, ss_error *err) {
  if (pop >= net->n_pops || net->pops[pop].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL, "an output layer must be a neuron population");
  if (role[pop]) return ss_error_set(err, SS_EINVAL, "population '%s' has a learning role already", net->pops[pop].name);
  role[pop] = SS_ROLE_OUTPUT;
  return SS_OK;
}

int ss_role_check_hidden(const ss_net *net, const uint8_t *role, uint32_t pop, uint32_t out_pop, ss_feedback fb,
                         uint32_t proj, ss_error *err) {
  if (pop >= net->n_pops || net->pops[pop].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL, "a hidden layer must be a neuron population");
  if (out_pop >= net->n_pops || role[out_pop] != SS_ROLE_OUTPUT)
    return ss_error_set(err, SS_EINVAL, "hidden layer '%s': its feedback must come from an output layer",
                        net->pops[pop].name);
  if (role[pop]) return ss_error_set(err, SS_EINVAL, "population '%s' has a learning role already", net->pops[pop].name);
  if (fb == SS_FB_SYMMETRIC &&
      (proj >= net->n_projs || net->projs[proj].pre != pop || net->projs[proj].post != out_pop))
    return ss_error_set(err, SS_EINVAL, "hidden layer '%s': symmetric feedback needs the projection from it to '%s'",
                        net->pops[pop].name, net->pops[out_pop].name);
  return SS_OK;
}

int ss_role_add_plastic(const ss_net *net, const uint8_t *role, uint8_t *plastic, uint32_t proj, ss_error *err) {
  if (proj >= net->n_projs) return ss_error_set(err, SS_EINVAL, "no projection %u", proj);
  uint32_t post = net->projs[proj].post;
  if (!role[post])
    return ss_error_set(err, SS_EINVAL, "projection '%s': its target '%s' is neither an output nor a hidden layer",
                        net->projs[proj].name, net->pops[post].name);
  plastic[proj] = 1;
  return SS_OK;
}

/* ------------------------------------------------------------ feedback matrices */

int ss_fb_add(ss_fb_set *s, const ss_net *net, uint32_t pop, uint32_t out_pop, ss_feedback fb, uint32_t proj,
              uint64_t seed) {
  ss_fb_layer *h = ss_realloc_array(s->hid, s->n + 1, sizeof *h);
  if (!h) return SS_ENOMEM;
  s->hid = h;
  ss_fb_layer *hl = &h[s->n];
  hl->pop = pop;
  hl->out_pop = out_pop;
  hl->proj = proj;
  hl->fb = fb;
  size_t n = ss_fb_entries(net, hl);
  hl->B = ss_malloc_array(n, sizeof(double));
  if (!hl->B) return SS_ENOMEM;
  ss_rng r;
  ss_rng_init(&r, seed, 0);
  for (size_t k = 0; k < n; ++k) hl->B[k] = fb == SS_FB_RANDOM ? ss_rng_normal(&r) : fb == SS_FB_UNIFORM ? 1.0 : 0.0;
  s->n++;
  return SS_OK;
}

void ss_fb_free(ss_fb_set *s) {
  for (uint32_t k = 0; k < s->n; ++k) free(s->hid[k].B);
  free(s->hid);
  s->hid = NULL;
  s->n = 0;
}

ss_fb_layer *ss_fb_find(const ss_fb_set *s, uint32_t pop) {
  for (uint32_t h = 0; h < s->n; ++h)
    if (s->hid[h].pop == pop) return &s->hid[h];
  return NULL;
}

size_t ss_fb_entries(const ss_net *net, const ss_fb_layer *h) {
  return (size_t)net->pops[h->pop].size * net->pops[h->out_pop].size;
}

int ss_fb_set_matrix(ss_fb_set *s, const ss_net *net, uint32_t pop, const double *B, ss_error *err) {
  ss_fb_layer *hl = ss_fb_find(s, pop);
  if (!hl) return ss_error_set(err, SS_EINVAL, "population %u is not a hidden layer", pop);
  if (hl->fb == SS_FB_SYMMETRIC)
    return ss_error_set(err, SS_EINVAL, "symmetric feedback follows the forward weights; it cannot be set");
  size_t n = ss_fb_entries(net, hl);
  for (size_t k = 0; k < n; ++k)
    if (!isfinite(B[k])) return ss_error_set(err, SS_EINVAL, "feedback matrix entry %zu is not finite", k);
  memcpy(hl->B, B, n * sizeof *B);
  return SS_OK;
}

void ss_fb_load_symmetric(ss_fb_set *s, const ss_net *net) {
  for (uint32_t h = 0; h < s->n; ++h) {
    ss_fb_layer *hl = &s->hid[h];
    if (hl->fb != SS_FB_SYMMETRIC) continue;
    const ss_pop *a = &net->pops[hl->pop], *b = &net->pops[hl->out_pop];
    memset(hl->B, 0, (size_t)a->size * b->size * sizeof(double));
    for (uint32_t i = 0; i < a->size; ++i) {
      uint32_t u = a->offset + i;
      for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
        if (net->grp_proj[g] != hl->proj) continue;
        for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k)
          hl->B[(size_t)i * b->size + (net->out_post[k] - b->offset)] += net->out_w[k];
      }
    }
  }
}

/* feedback.h - learning roles of populations and the hidden layers' feedback
 * matrices, shared by the event-driven (learn.c) and the clock-driven
 * (clock_learn.c) learners.  Internal: not installed, not exported. */
#ifndef SUPERSPIKE_FEEDBACK_H
#define SUPERSPIKE_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"
#include "superspike/learn.h"
#include "superspike/network.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

/* The learning role of a population (one byte per population). */
enum { SS_ROLE_NONE = 0, SS_ROLE_OUTPUT = 1, SS_ROLE_HIDDEN = 2 };

/* Make `pop` an output layer: a neuron population without a role yet. */
int ss_role_add_output(const ss_net *net, uint8_t *role, uint32_t pop, ss_error *err);

/* Check that `pop` can become a hidden layer fed back from the output layer
 * `out_pop` (symmetric feedback: through projection `proj` from pop to
 * out_pop).  The feedback mode itself is not checked. */
int ss_role_check_hidden(const ss_net *net, const uint8_t *role, uint32_t pop, uint32_t out_pop, ss_feedback fb,
                         uint32_t proj, ss_error *err);

/* Mark projection `proj` plastic: its post population must have a role. */
int ss_role_add_plastic(const ss_net *net, const uint8_t *role, uint8_t *plastic, uint32_t proj, ss_error *err);

/* One hidden layer and its feedback matrix from output layer out_pop. */
typedef struct ss_fb_layer {
  uint32_t pop, out_pop, proj;
  ss_feedback fb;
  double *B; /* [n_hid * n_out], row-major */
} ss_fb_layer;

/* The hidden layers of a learner (zero-initialised = none). */
typedef struct ss_fb_set {
  ss_fb_layer *hid;
  uint32_t n;
} ss_fb_set;

/* Append hidden layer `pop` (checked by ss_role_check_hidden) with its
 * matrix: random B ~ N(0, 1) from stream 0 of `seed`, uniform B = 1,
 * symmetric (and any other mode) B = 0 until ss_fb_load_symmetric.
 * SS_OK or SS_ENOMEM (no error message: the caller names itself). */
int ss_fb_add(ss_fb_set *s, const ss_net *net, uint32_t pop, uint32_t out_pop, ss_feedback fb, uint32_t proj,
              uint64_t seed);

/* Free the matrices and the layers. */
void ss_fb_free(ss_fb_set *s);

/* The hidden layer `pop`, or NULL. */
ss_fb_layer *ss_fb_find(const ss_fb_set *s, uint32_t pop);

/* Entries of a layer's matrix: n_hid * n_out. */
size_t ss_fb_entries(const ss_net *net, const ss_fb_layer *h);

/* Replace the matrix of hidden layer `pop` by the finite values B (not for
 * symmetric feedback). */
int ss_fb_set_matrix(ss_fb_set *s, const ss_net *net, uint32_t pop, const double *B, ss_error *err);

/* Symmetric feedback: every such matrix from the current forward weights
 * of its projection (multapses summed). */
void ss_fb_load_symmetric(ss_fb_set *s, const ss_net *net);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif

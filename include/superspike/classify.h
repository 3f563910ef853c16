/* classify.h - the classification error of SuperSpike (paper §3.3.3).
 *
 * One output neuron per class.  Every stimulus k opens a window of
 * opportunity [onset_k, onset_k + W).  The correct neuron's first spike in
 * the window is free; every other output spike - a spike of a wrong
 * neuron, a second spike of the correct one, any spike outside all
 * windows - is an error event of sign -1 at its time (paper-spec §5 #17;
 * ss_classify_set_late exempts a late answer after a miss).
 * If the correct neuron stayed silent, a +1 event is emitted for it at the
 * window end.  The engine asks ss_classify_spike for the sign of each
 * output spike and ss_classify_flush for the +1 events, so the learner sees
 * an ordinary error log (engine.h) and the rule stays causal.
 *
 * A stimulus is judged correct when the correct neuron spiked in its window
 * and no other output neuron did.  Times in ms. */
#ifndef SUPERSPIKE_CLASSIFY_H
#define SUPERSPIKE_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/engine.h"
#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome of one judged stimulus. */
typedef struct ss_class_outcome {
  double onset;         /* ms */
  uint32_t cls;         /* correct class */
  uint8_t correct;      /* 1: only the correct neuron spiked in the window */
  uint8_t hit;          /* the correct neuron spiked in the window */
  uint32_t n_wrong;     /* spikes of other output neurons in the window */
  double latency;       /* first spike of the correct neuron after onset (ms), or -1 */
} ss_class_outcome;

typedef struct ss_classify ss_classify;

/* A classifier for the output neurons offset .. offset + n_classes - 1.
 * onset[n] (ms, non-decreasing, finite) and cls[n] (< n_classes) are
 * copied; W > 0 is the window length, and windows must not overlap
 * (onset[k+1] >= onset[k] + W), else SS_EINVAL naming the stimulus. */
ss_classify *ss_classify_create(uint32_t offset, uint32_t n_classes, const double *onset, const uint8_t *cls,
                                size_t n, double W, ss_error *err);
void ss_classify_destroy(ss_classify *c);

/* With on != 0, every spike of the correct neuron inside its window is
 * free (not only the first): the error then punishes only wrong neurons
 * and spikes outside windows.  Off by default (paper-spec §5 #17). */
void ss_classify_set_extra_free(ss_classify *c, int on);

/* late > 0 (ms): a late answer is free.  When the correct neuron missed
 * stimulus k's window, its first spike in [onset_k + W, onset_k + W + late)
 * - outside every window, so by default a -1 event - has sign 0 instead
 * (with extra_free: all its spikes there); the miss's +1 event and the
 * judgement (a miss) are unchanged, and spikes of other neurons there
 * still cost -1.  late = 0 (the default): every spike outside the
 * windows is an error. */
void ss_classify_set_late(ss_classify *c, double late);

/* Output neuron `neuron` spiked at t (non-decreasing across calls):
 * returns the sign of its error event, -1 or 0 (the free first spike). */
int ss_classify_spike(ss_classify *c, double t, uint32_t neuron);

/* Judge every stimulus whose window ends before t (end < t) and append a
 * +1 event for each miss to ev (amortised growth of *ev / *cap; events in
 * time order, at the window ends).  Returns the number of events appended
 * or SS_ENOMEM.  Call it with the window-log closing time: the events then
 * lie in the window being closed. */
long ss_classify_flush(ss_classify *c, double t, ss_err_rec **ev, size_t *n, size_t *cap);

/* Judged stimuli so far, in order (valid until the next flush). */
const ss_class_outcome *ss_classify_outcomes(const ss_classify *c, size_t *n);

/* Fraction of correct among the last `last` judged stimuli (all if fewer;
 * NaN if none). */
double ss_classify_accuracy(const ss_classify *c, size_t last);

/* Save / restore the classifier's state (section name `name`) for
 * checkpoints; restore into a classifier created with the same stimuli. */
int ss_classify_save(const ss_classify *c, ss_ckpt_writer *w, const char *name, ss_error *err);
int ss_classify_load(ss_classify *c, const ss_ckpt *ck, const char *name, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif

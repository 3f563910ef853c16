/* spikestats.h - firing statistics of a spike train: per-neuron spike
 * counts, rates and coefficients of variation of the inter-spike
 * intervals, and the pooled ISIs (paper Fig. 6d and 7d-g histograms). */
#ifndef SUPERSPIKE_SPIKESTATS_H
#define SUPERSPIKE_SPIKESTATS_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"
#include "superspike/spikefile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_neuron_stats {
  uint64_t n;      /* spikes in [t_from, t_to) */
  double rate;     /* n / (t_to - t_from), Hz */
  double cv;       /* sd / mean of its ISIs (sample sd); NaN with fewer than 2 ISIs */
} ss_neuron_stats;

/* Statistics of the spikes of `s` (time-sorted, ids < n_ids) with
 * t_from <= t < t_to (ms, t_from < t_to finite).  out[n_ids] gets one
 * entry per neuron; if isi is not NULL, *isi is set to a malloc'ed array of
 * every ISI within the range (ms; consecutive spikes of a neuron, in the
 * order of their second spike) and *n_isi to their number.  SS_EINVAL for
 * a bad range or an id >= n_ids (naming the spike), SS_ENOMEM. */
int ss_spike_stats(const ss_spikes *s, uint32_t n_ids, double t_from, double t_to, ss_neuron_stats *out,
                   double **isi, size_t *n_isi, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif

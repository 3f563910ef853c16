/* spikestats.c - per-neuron rates, ISI CVs and pooled ISIs (spikestats.h).
 * One pass in time order with the last spike time per neuron; the CV uses
 * Welford's running mean and sum of squares, so it needs no second pass. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "superspike/spikestats.h"

int ss_spike_stats(const ss_spikes *s, uint32_t n_ids, double t_from, double t_to, ss_neuron_stats *out,
                   double **isi, size_t *n_isi, ss_error *err) {
  if (!(t_from < t_to) || !isfinite(t_from) || !isfinite(t_to))
    return ss_error_set(err, SS_EINVAL, "spike statistics: the range [%g ms, %g ms) is empty or not finite", t_from,
                        t_to);
  if (isi) *isi = NULL;
  if (n_isi) *n_isi = 0;
  double *last = ss_malloc_array(n_ids ? n_ids : 1, sizeof *last);
  double *mean = calloc(n_ids ? n_ids : 1, sizeof *mean), *m2 = calloc(n_ids ? n_ids : 1, sizeof *m2);
  uint64_t *k = calloc(n_ids ? n_ids : 1, sizeof *k);
  double *iv = NULL;
  size_t niv = 0, cap = 0;
  int rc = SS_OK;
  if (!last || !mean || !m2 || !k) {
    rc = ss_error_set(err, SS_ENOMEM, "spike statistics: out of memory");
    goto out;
  }
  for (uint32_t u = 0; u < n_ids; ++u) {
    last[u] = NAN;
    out[u] = (ss_neuron_stats){0, 0.0, NAN};
  }
  for (size_t j = 0; j < s->n; ++j) {
    uint32_t u = s->id[j];
    double t = s->t[j];
    if (u >= n_ids) {
      rc = ss_error_set(err, SS_EINVAL, "spike statistics: spike %zu has id %u, expected < %u", j + 1, u, n_ids);
      goto out;
    }
    if (t < t_from || t >= t_to) continue;
    out[u].n++;
    if (!isnan(last[u])) {
      double d = t - last[u], delta = d - mean[u];
      k[u]++;
      mean[u] += delta / (double)k[u];
      m2[u] += delta * (d - mean[u]);
      if (isi) {
        if (niv == cap) {
          size_t nc = cap ? 2 * cap : 1024;
          double *r = ss_realloc_array(iv, nc, sizeof *r);
          if (!r) {
            rc = ss_error_set(err, SS_ENOMEM, "spike statistics: out of memory");
            goto out;
          }
          iv = r;
          cap = nc;
        }
        iv[niv++] = d;
      }
    }
    last[u] = t;
  }
  for (uint32_t u = 0; u < n_ids; ++u) {
    out[u].rate = (double)out[u].n / ((t_to - t_from) / 1000.0);
    if (k[u] >= 2 && mean[u] > 0) out[u].cv = sqrt(m2[u] / (double)(k[u] - 1)) / mean[u];
  }
  if (isi) {
    *isi = iv;
    iv = NULL;
    *n_isi = niv;
  }
out:
  free(last);
  free(mean);
  free(m2);
  free(k);
  free(iv);
  return rc;
}

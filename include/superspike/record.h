/* record.h - monitors: what a run records and writes.
 *
 * Spike monitors collect `time id` (local ids) of one population; state
 * monitors sample U (mV) and I (mV) of chosen neurons exactly at requested
 * times (a list, or every `interval` from 0).  Both engines feed the same
 * ss_record, so their outputs have the same format.  Files are written
 * atomically by ss_record_write. */
#ifndef SUPERSPIKE_RECORD_H
#define SUPERSPIKE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/error.h"
#include "superspike/network.h"
#include "superspike/spikefile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_spike_monitor {
  uint32_t pop;
  char *path;
  double t_from, t_to;    /* record spikes with t_from <= t < t_to (ms) */
  int32_t next;           /* next monitor of the same population, or -1 */
  ss_spikes spikes;       /* ms, local ids, in emission order (sorted) */
} ss_spike_monitor;

typedef struct ss_state_monitor {
  uint32_t pop;
  char *path;
  uint32_t *ids;          /* local neuron ids */
  uint32_t n_ids;
  double *times;          /* sample times (ms), increasing */
  size_t n_times;
  size_t next;            /* next sample index */
  double *u, *i;          /* [n_times * n_ids] samples: U (mV), I (mV) */
} ss_state_monitor;

typedef struct ss_record {
  const ss_net *net;
  ss_spike_monitor *sm;
  uint32_t n_sm;
  ss_state_monitor *st;
  uint32_t n_st;
  int32_t *pop_sm;        /* per population: index of its first spike monitor or -1 */
} ss_record;

ss_record *ss_record_create(const ss_net *net);
void ss_record_destroy(ss_record *rec);

/* Record every spike of population `pop` to `path` (copied). */
int ss_record_add_spikes(ss_record *rec, uint32_t pop, const char *path,
                         ss_error *err);
/* The same for spikes with t_from <= t < t_to only (ms); a population may
 * have several such monitors. */
int ss_record_add_spikes_range(ss_record *rec, uint32_t pop, const char *path, double t_from,
                               double t_to, ss_error *err);

/* Sample neurons `ids` (local, copied) of LIF population `pop` at `times`
 * (copied, must increase; ms).  */
int ss_record_add_state(ss_record *rec, uint32_t pop, const uint32_t *ids,
                        uint32_t n_ids, const double *times, size_t n_times,
                        const char *path, ss_error *err);

/* Engine side: a spike of global unit u at t (ms); no-op if unmonitored.
 * Returns SS_ENOMEM if the buffer could not grow. */
int ss_record_spike(ss_record *rec, uint32_t u, double t);

/* Earliest pending sample time over all state monitors (INFINITY if none). */
double ss_record_next_sample(const ss_record *rec);

/* Engine side: take every sample due at exactly t (the earliest pending
 * sample time).  state(ctx, unit, t, &U, &I) must give the exact state of
 * global unit `unit` at t, before the events at t. */
typedef void (*ss_state_fn)(void *ctx, uint32_t unit, double t, double *U, double *I);
void ss_record_take_samples(ss_record *rec, double t, ss_state_fn state, void *ctx);

/* Forget recorded data and rewind the sample schedules. */
void ss_record_reset(ss_record *rec);

/* Save / restore what the monitors recorded so far (sections rec.*); the
 * monitors themselves come from the configuration and must match. */
int ss_record_save(const ss_record *rec, ss_ckpt_writer *w, ss_error *err);
int ss_record_load(ss_record *rec, const ss_ckpt *ck, ss_error *err);

/* Write every monitor's file atomically.  Spike files: `time id` (s,
 * %.17g).  State files: a '#' header, then `time id U I` (s, mV, mV). */
int ss_record_write(const ss_record *rec, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif

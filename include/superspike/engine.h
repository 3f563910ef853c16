/* engine.h - the event-driven engine.
 *
 * Neuron state (v, I) jumps analytically from event to event; after every
 * change the next threshold crossing is predicted exactly (lif.h) and kept
 * in an indexed 4-ary heap (one slot per neuron: spike or refractory end).
 * Spikes fan out through the outgoing CSR one delay group at a time (one
 * heap entry per in-flight spike and group).  Input sources are merged by
 * their cursors.  Equal times are ordered SAMPLE < WINDOW < SPIKE < REF_END <
 * ARRIVAL < TARGET < INPUT, then by id (event-driven.md §4.1), so a run is
 * deterministic.  Cost grows with the number of events only.
 *
 * Optionally every neuron event (arrival with its incoming slot, spike,
 * refractory end) is appended to a window log that the learning sweep
 * replays backwards; ss_engine_log_close groups it by neuron. */
#ifndef SUPERSPIKE_ENGINE_H
#define SUPERSPIKE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/error.h"
#include "superspike/network.h"
#include "superspike/queue.h"
#include "superspike/record.h"
#include "superspike/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counters shared by both engines. */
typedef struct ss_stats {
  uint64_t events;       /* events processed (all classes) */
  uint64_t syn_events;   /* synaptic events (one per synapse per spike) */
  uint64_t spikes;       /* spikes of LIF neurons */
  uint64_t input_spikes; /* spikes of sources */
  uint64_t predictions;  /* threshold predictions (event engine) */
  uint64_t steps;        /* time steps (clock engine) */
} ss_stats;

/* Log record codes (besides arrivals, whose code is the synapse's index k in
 * the outgoing order: out_w[k] is its weight, out_slot[k] its incoming slot). */
#define SS_LOG_SPIKE 0xFFFFFFFFu
#define SS_LOG_REF_END 0xFFFFFFFEu

typedef struct ss_log_rec {
  double t;          /* ms */
  uint32_t neuron;   /* global id */
  uint32_t code;     /* outgoing index of an arrival, SS_LOG_SPIKE or SS_LOG_REF_END */
} ss_log_rec;

/* An output error event: +1 at a target spike, -1 at a spike of the output
 * neuron (event-driven.md §1.3). */
typedef struct ss_err_rec {
  double t;          /* ms */
  uint32_t neuron;   /* global id of the output neuron */
  int32_t sign;      /* +1 target, -1 own spike */
} ss_err_rec;

typedef struct ss_window_log {
  ss_log_rec *rec;   /* in processing order while open; grouped by neuron after close */
  size_t n, cap;
  uint64_t *row;     /* [n_units+1] after close: records of u are row[u]..row[u+1]-1 */
  double t0;         /* window start */
  double *v0, *i0;   /* [n_units] state at t0 (v = U - U_rest, I) */
  uint8_t *refr0;    /* [n_units] refractory at t0 */
  double *ref_end0;  /* [n_units] end of refractoriness if refr0 */
  ss_err_rec *err;   /* output error events of the window, in time order */
  size_t n_err, cap_err;
} ss_window_log;

typedef struct ss_engine ss_engine;

/* Create an engine over a built network.  sources[p] is the cursor of source
 * population p (NULL for LIF populations or silent sources); rec may be NULL.
 * None of them is owned.  State starts at t = 0 with v = v_init, I = 0. */
ss_engine *ss_engine_create(ss_net *net, ss_source **sources, ss_record *rec,
                            ss_error *err);
void ss_engine_destroy(ss_engine *e);

/* Arrival queue: SS_ARRIVALS_AUTO (default) uses one FIFO per distinct
 * delay when the network has at most 16 distinct delays, else a heap;
 * HEAP and FIFO force one (FIFO fails with SS_EINVAL if there are too many
 * delays).  Both give the same order: (arrival time, presynaptic id) — up
 * to equal-time arrivals of the same delay, which FIFOs keep in emission
 * order.  Only while no spike is in flight (before the first run). */
enum { SS_ARRIVALS_AUTO = 0, SS_ARRIVALS_HEAP = 1, SS_ARRIVALS_FIFO = 2 };
int ss_engine_set_arrival_queue(ss_engine *e, int kind, ss_error *err);

/* Process every event with time < t_stop (ms), then advance the clock to
 * t_stop.  Can be called repeatedly with increasing t_stop. */
int ss_engine_run(ss_engine *e, double t_stop, ss_error *err);

/* Current time (ms) and counters. */
double ss_engine_time(const ss_engine *e);
const ss_stats *ss_engine_stats(const ss_engine *e);

/* Exact state of neuron u at the current time: U (mV) and I (mV). */
void ss_engine_state(const ss_engine *e, uint32_t u, double *U, double *I);

/* Window log: enable to start logging at the current time; close to group
 * the records of [t0, now) by neuron (stable, so each neuron's records stay
 * in processing order) and get the log; reopen to start the next window. */
int ss_engine_log_enable(ss_engine *e, ss_error *err);
const ss_window_log *ss_engine_log_close(ss_engine *e);
void ss_engine_log_reopen(ss_engine *e);

/* Make LIF population `pop` an output: its spikes are -1 error events, and
 * the spikes of `targets` (a source cursor whose global ids are the
 * population's neurons: offset = pop offset) are +1 error events, logged
 * while the window log is on.  The cursor is not owned. */
int ss_engine_set_targets(ss_engine *e, uint32_t pop, ss_source *targets, ss_error *err);

/* Make LIF population `pop` a classification output (classify.h): its
 * spikes are error events of the sign ss_classify_spike gives, and the
 * classifier's +1 events (missed stimuli) are merged into the error log when
 * the window log closes.  Not together with targets.  c is not owned. */
struct ss_classify;
int ss_engine_set_classifier(ss_engine *e, uint32_t pop, struct ss_classify *c, ss_error *err);

/* Keep, for every delay group g, the PSP trace of its arrival train: y jumps
 * by 1 at each arrival and decays with the post neuron's tau_syn, z = eps*S
 * follows with tau_mem (event-driven.md §2.1): one update per group
 * arrival, not per synapse.  ss_engine_psp gives (y, z) of group g at
 * t >= the group's last arrival, before arrivals at exactly t. */
int ss_engine_enable_psp(ss_engine *e, ss_error *err);
void ss_engine_psp(const ss_engine *e, uint32_t g, double t, double *y, double *z);

/* Reset to the initial state at time t (per-trial learning): v = v_init,
 * I = 0, not refractory, spikes in flight dropped, PSP traces zero.  Source
 * cursors are not touched. */
void ss_engine_reset(ss_engine *e, double t);

/* Save / restore the complete dynamic state (neurons, predictions, spikes
 * in flight, PSP traces, time, counters) as sections eng.* of a checkpoint,
 * at a window edge (the window log is not saved: re-enable it after a
 * load).  The engine must be built on the same network and, for PSP
 * traces, have ss_engine_enable_psp called.  Restoring gives a run that
 * continues bit for bit like the saved one. */
int ss_engine_save(const ss_engine *e, ss_ckpt_writer *w, ss_error *err);
int ss_engine_load(ss_engine *e, const ss_ckpt *ck, ss_error *err);

/* Spikes of population `pop` so far (neurons or source). */
uint64_t ss_engine_pop_spikes(const ss_engine *e, uint32_t pop);

/* Threshold-prediction counters of this engine. */
const ss_lif_stats *ss_engine_lif_stats(const ss_engine *e);

#ifdef __cplusplus
}
#endif
#endif

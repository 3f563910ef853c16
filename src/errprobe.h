/* errprobe.h - error traces e(t) of output neurons, sampled on a grid over
 * a time range, for figures (internal to the trainer).  Fed with each
 * window's error events; e = A (f_d - f_r), each event adding its sign to
 * both exponential traces (the learner's alpha kernel, event-driven.md
 * §1.3).  Events more than `lead` before the range are ignored (their
 * kernel has decayed by e^-lead/tau_d). */
#ifndef SS_ERRPROBE_H
#define SS_ERRPROBE_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/engine.h"
#include "superspike/error.h"

typedef struct ss_errprobe ss_errprobe;

/* Sample at t_a, t_a + dt, ... < t_b the errors of units[0..n) (global ids,
 * copied); tau_rise/tau_decay/A the kernel (A x (exp(-s/td) - exp(-s/tr))). */
ss_errprobe *ss_errprobe_create(const uint32_t *units, uint32_t n, double t_a, double t_b, double dt, double tau_rise,
                                double tau_decay, double A, ss_error *err);
void ss_errprobe_destroy(ss_errprobe *p);

/* The events of window [t0, t1), in time order per neuron (any grouping). */
void ss_errprobe_window(ss_errprobe *p, double t0, double t1, const ss_err_rec *ev, size_t n_ev);

/* Write `t(s) e_0 ... e_{n-1}` (1/s) atomically; header names the units. */
int ss_errprobe_write(const ss_errprobe *p, const char *path, const char *pop_name, uint32_t offset, ss_error *err);

/* Checkpoints: sections NAME.v (samples) and NAME.s (traces). */
int ss_errprobe_save(const ss_errprobe *p, ss_ckpt_writer *w, const char *name, ss_error *err);
int ss_errprobe_load(ss_errprobe *p, const ss_ckpt *ck, const char *name, ss_error *err);

#endif

/* experiment.h - an experiment from a config file: network, sources,
 * monitors and run settings (config → network → engine → outputs).
 * The format is documented in doc/config.md and superspike(1). */
#ifndef SUPERSPIKE_EXPERIMENT_H
#define SUPERSPIKE_EXPERIMENT_H

#include <stdint.h>

#include "superspike/clock.h"
#include "superspike/config.h"
#include "superspike/engine.h"
#include "superspike/learn.h"
#include "superspike/network.h"
#include "superspike/optim.h"
#include "superspike/record.h"
#include "superspike/source.h"
#include "superspike/task.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_engine_kind { SS_ENGINE_EVENT = 0, SS_ENGINE_CLOCK = 1 } ss_engine_kind;

/* The [learning] section and the learning keys of populations and
 * projections (doc/config.md): what `superspike train` needs. */
enum { SS_ROLE_NONE = 0, SS_ROLE_OUTPUT = 1, SS_ROLE_HIDDEN = 2 };

typedef struct ss_learning_spec {
  ss_learn_params lp;         /* kernels, surrogate, quadrature, mode */
  ss_optim_params op;         /* optimizer defaults (r0 may be overridden per projection) */
  double *sched_t;            /* [n_sched] learning-rate divisions (ms), owned */
  double window;              /* update window t_b (ms) */
  double stop_at;             /* > 0: no weight changes in windows ending after it (ms) */
  double loop;                /* period of the task (ms) for first/last rasters; 0 = one window */
  double cost_tau;            /* moving average of the cost (ms) */
  uint64_t checkpoint_every;  /* windows between checkpoints, 0 = only at the end */
  uint8_t *role;              /* [n_pops] SS_ROLE_* */
  ss_feedback *fb;            /* [n_pops] hidden layers: feedback mode */
  uint32_t *fb_from;          /* [n_pops] hidden layers: output population */
  uint32_t *fb_proj;          /* [n_pops] hidden layers, symmetric: projection to the output */
  uint64_t *fb_seed;          /* [n_pops] hidden layers, random */
  ss_source **targets;        /* [n_pops] outputs: target trains (global ids), owned */
  ss_stimuli **stimuli;       /* [n_pops] classification outputs: the stimuli, owned, or NULL */
  double *opportunity;        /* [n_pops] their window of opportunity (ms) */
  uint8_t *extra_free;        /* [n_pops] 1: later spikes of the correct neuron in its window are free */
  double *align;              /* [n_pops] output/hidden layers: eligibility alignment D (ms), 0 = none
                                 (ss_learn_set_align; shares opportunity's allocation) */
  double *late;               /* [n_pops] classification outputs: free late answers up to this long after
                                 a missed window (ms), 0 = none (ss_classify_set_late; shares opportunity's
                                 allocation) */
  uint8_t *plastic;           /* [n_projs] */
  double *r0;                 /* [n_projs] learning rate (mV) */
  double *rho;                /* [n_projs] heterosynaptic regularizer strength, 0 = none */
  double het_tau, het_a;      /* its trace time constant (ms) and exponent */
  int het_error;              /* error-dependent variant: -rho w z^a e^2 (eq. A.5) */
} ss_learning_spec;

typedef struct ss_experiment {
  ss_config *cfg;
  ss_net *net;
  ss_source **sources;       /* [n_pops], NULL for LIF populations */
  ss_record *rec;
  double duration;           /* ms */
  uint64_t seed;
  ss_engine_kind engine;
  double dt;                 /* ms, clock engine */
  ss_clock_method method;
  char *out_dir;             /* monitors' files are relative to it */
  char **weights_out;        /* [n_projs]: path to write final weights, or NULL */
  ss_learning_spec *learn;   /* NULL without a [learning] section */
  char *probe_path;          /* a synapse monitor's file (training, clock engine), or NULL */
  uint32_t probe_slot;       /* ... its incoming slot and time range (ms) */
  double probe_t0, probe_t1;
} ss_experiment;

/* Load `path`, apply the `--set` overrides, validate everything (unknown
 * keys included), build the network and open sources and monitors, with
 * monitor files placed under out_dir (created if missing).  Errors name the
 * file, line and field. */
ss_experiment *ss_experiment_load(const char *path, const char *const *sets,
                                  int n_sets, const char *out_dir,
                                  ss_error *err);
void ss_experiment_destroy(ss_experiment *x);

/* Write monitors and requested weight files (atomically). */
int ss_experiment_write(ss_experiment *x, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif

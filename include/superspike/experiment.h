/* experiment.h - an experiment from a config file: network, sources,
 * monitors and run settings (config → network → engine → outputs).
 * The format is documented in doc/config.md and superspike(1). */
#ifndef SUPERSPIKE_EXPERIMENT_H
#define SUPERSPIKE_EXPERIMENT_H

#include <stdint.h>

#include "superspike/clock.h"
#include "superspike/config.h"
#include "superspike/engine.h"
#include "superspike/network.h"
#include "superspike/record.h"
#include "superspike/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_engine_kind { SS_ENGINE_EVENT = 0, SS_ENGINE_CLOCK = 1 } ss_engine_kind;

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

/* oracle_net.h - load one configuration of tests/data/oracle (see its
 * README): input sources, hidden and output LIF populations, both
 * projections from edge lists, spike monitors for hidden (sm[0]) and
 * output (sm[1]), and the oracle's expected spikes (ms). */
#ifndef SS_ORACLE_NET_H
#define SS_ORACLE_NET_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "superspike/superspike.h"
#include "testutil.h"

typedef struct oracle_net {
  ss_net *net;
  ss_source src;
  ss_source *sources[3];
  ss_record *rec;
  ss_spikes expect[2]; /* hidden, output */
  double duration;     /* ms */
} oracle_net;

static inline int oracle_param(const char *cfg, const char *key, double *out) {
  char name[256], k[64];
  snprintf(name, sizeof name, "oracle/%s_params.txt", cfg);
  FILE *fp = fopen(ss_test_data(name), "r");
  if (!fp) return -1;
  double v;
  int found = 0;
  while (fscanf(fp, "%63s %lf", k, &v) == 2)
    if (!strcmp(k, key)) {
      *out = v;
      found = 1;
    }
  fclose(fp);
  return found ? 0 : -1;
}

static inline int oracle_load(oracle_net *o, const char *cfg, ss_error *err) {
  memset(o, 0, sizeof *o);
  double tm = 0, ts = 0, ur = 0, th = 0, tr = 0, dur = 0, nin = 0, nhid = 0, nout = 0;
  if (oracle_param(cfg, "tau_mem_ms", &tm) || oracle_param(cfg, "tau_syn_ms", &ts) ||
      oracle_param(cfg, "u_rest_mV", &ur) || oracle_param(cfg, "theta_mV", &th) ||
      oracle_param(cfg, "t_ref_ms", &tr) || oracle_param(cfg, "duration_ms", &dur) ||
      oracle_param(cfg, "n_in", &nin) || oracle_param(cfg, "n_hid", &nhid) || oracle_param(cfg, "n_out", &nout))
    return ss_error_set(err, SS_EIO, "%s: cannot read params", cfg);
  o->duration = dur;
  ss_lif_params p = {.tau_mem = tm, .tau_syn = ts, .u_rest = ur, .theta = th, .t_ref = tr};
  o->net = ss_net_create();
  int rc;
  if (ss_net_add_source(o->net, "in", (uint32_t)nin, err) < 0) return -1;
  if (ss_net_add_lif(o->net, "hid", (uint32_t)nhid, &p, 0, err) < 0) return -1;
  if (ss_net_add_lif(o->net, "out", (uint32_t)nout, &p, 0, err) < 0) return -1;
  const char *edges[2] = {"in_hid", "hid_out"};
  for (int k = 0; k < 2; ++k) {
    ss_proj pr;
    memset(&pr, 0, sizeof pr);
    snprintf(pr.name, sizeof pr.name, "%s", edges[k]);
    pr.pre = (uint32_t)k;
    pr.post = (uint32_t)k + 1;
    pr.weight = (ss_dist){SS_DIST_CONSTANT, 0, 0, -INFINITY, INFINITY};
    pr.delay = (ss_dist){SS_DIST_CONSTANT, 0, 0, 0, INFINITY};
    char name[256];
    snprintf(name, sizeof name, "oracle/%s_%s.edges", cfg, edges[k]);
    uint32_t npre = k ? (uint32_t)nhid : (uint32_t)nin, npost = k ? (uint32_t)nout : (uint32_t)nhid;
    if ((rc = ss_proj_read_edges(&pr, ss_test_data(name), npre, npost, err))) return rc;
    rc = ss_net_add_proj(o->net, &pr, err);
    ss_proj_free_edges(&pr);
    if (rc < 0) return rc;
  }
  o->net->incoming = SS_NET_IN_FULL;
  if ((rc = ss_net_build(o->net, err))) return rc;
  char name[256];
  ss_spikes in;
  ss_spikes_init(&in);
  snprintf(name, sizeof name, "oracle/%s_input.ras", cfg);
  if ((rc = ss_spikes_read(&in, ss_test_data(name), (uint32_t)nin, 0, err))) return rc;
  rc = ss_source_init_spikes(&o->src, (uint32_t)nin, 0, &in, 0, err);
  ss_spikes_clear(&in);
  if (rc) return rc;
  o->sources[0] = &o->src;
  const char *layers[2] = {"hidden", "output"};
  const uint32_t sizes[2] = {(uint32_t)nhid, (uint32_t)nout};
  for (int k = 0; k < 2; ++k) {
    ss_spikes_init(&o->expect[k]);
    snprintf(name, sizeof name, "oracle/%s_%s.ras", cfg, layers[k]);
    if ((rc = ss_spikes_read(&o->expect[k], ss_test_data(name), sizes[k], 0, err))) return rc;
  }
  o->rec = ss_record_create(o->net);
  if (!o->rec) return SS_ENOMEM;
  if ((rc = ss_record_add_spikes(o->rec, 1, "/dev/null", err))) return rc;
  if ((rc = ss_record_add_spikes(o->rec, 2, "/dev/null", err))) return rc;
  return 0;
}

static inline void oracle_free(oracle_net *o) {
  ss_record_destroy(o->rec);
  ss_source_clear(&o->src);
  ss_net_destroy(o->net);
  ss_spikes_clear(&o->expect[0]);
  ss_spikes_clear(&o->expect[1]);
}

#endif

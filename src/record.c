/* record.c - spike and state monitors shared by both engines (record.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/record.h"

ss_record *ss_record_create(const ss_net *net) {
  ss_record *rec = calloc(1, sizeof *rec);
  if (!rec) return NULL;
  rec->net = net;
  rec->pop_sm = ss_malloc_array(net->n_pops ? net->n_pops : 1, sizeof *rec->pop_sm);
  if (!rec->pop_sm) {
    free(rec);
    return NULL;
  }
  for (uint32_t p = 0; p < net->n_pops; ++p) rec->pop_sm[p] = -1;
  return rec;
}

void ss_record_destroy(ss_record *rec) {
  if (!rec) return;
  for (uint32_t k = 0; k < rec->n_sm; ++k) {
    free(rec->sm[k].path);
    ss_spikes_clear(&rec->sm[k].spikes);
  }
  for (uint32_t k = 0; k < rec->n_st; ++k) {
    ss_state_monitor *m = &rec->st[k];
    free(m->path);
    free(m->ids);
    free(m->times);
    free(m->u);
    free(m->i);
  }
  free(rec->sm);
  free(rec->st);
  free(rec->pop_sm);
  free(rec);
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int ss_record_add_spikes_range(ss_record *rec, uint32_t pop, const char *path, double t_from,
                               double t_to, ss_error *err) {
  if (pop >= rec->net->n_pops) return ss_error_set(err, SS_EINVAL, "spike monitor: no population %u", pop);
  if (!(t_from <= t_to)) return ss_error_set(err, SS_EINVAL, "spike monitor: empty time range");
  ss_spike_monitor *sm = ss_realloc_array(rec->sm, rec->n_sm + 1, sizeof *sm);
  if (!sm) return ss_error_set(err, SS_ENOMEM, "out of memory");
  rec->sm = sm;
  ss_spike_monitor *m = &sm[rec->n_sm];
  m->pop = pop;
  m->path = dup_str(path);
  if (!m->path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  m->t_from = t_from;
  m->t_to = t_to;
  m->next = -1;
  ss_spikes_init(&m->spikes);
  /* append to the population's chain */
  int32_t *link = &rec->pop_sm[pop];
  while (*link >= 0) link = &rec->sm[*link].next;
  *link = (int32_t)rec->n_sm++;
  return SS_OK;
}

int ss_record_add_spikes(ss_record *rec, uint32_t pop, const char *path, ss_error *err) {
  if (pop < rec->net->n_pops && rec->pop_sm[pop] >= 0)
    return ss_error_set(err, SS_EINVAL, "population '%s' has two spike monitors", rec->net->pops[pop].name);
  return ss_record_add_spikes_range(rec, pop, path, -INFINITY, INFINITY, err);
}

int ss_record_add_state(ss_record *rec, uint32_t pop, const uint32_t *ids, uint32_t n_ids,
                        const double *times, size_t n_times, const char *path, ss_error *err) {
  const ss_net *net = rec->net;
  if (pop >= net->n_pops) return ss_error_set(err, SS_EINVAL, "state monitor: no population %u", pop);
  if (net->pops[pop].kind != SS_POP_LIF)
    return ss_error_set(err, SS_EINVAL, "state monitor: population '%s' has no state (it is a source)",
                        net->pops[pop].name);
  for (uint32_t k = 0; k < n_ids; ++k)
    if (ids[k] >= net->pops[pop].size)
      return ss_error_set(err, SS_ERANGE, "state monitor: neuron %u out of range for '%s' (size %u)",
                          ids[k], net->pops[pop].name, net->pops[pop].size);
  for (size_t k = 0; k < n_times; ++k)
    if (!isfinite(times[k]) || times[k] < 0 || (k && times[k] <= times[k - 1]))
      return ss_error_set(err, SS_EINVAL, "state monitor: sample times must be finite, >= 0 and increasing");
  if (n_ids && n_times > (size_t)-1 / 2 / n_ids)
    return ss_error_set(err, SS_ENOMEM, "state monitor: too many samples");
  ss_state_monitor *st = ss_realloc_array(rec->st, rec->n_st + 1, sizeof *st);
  if (!st) return ss_error_set(err, SS_ENOMEM, "out of memory");
  rec->st = st;
  ss_state_monitor *m = &st[rec->n_st];
  memset(m, 0, sizeof *m);
  m->pop = pop;
  m->n_ids = n_ids;
  m->n_times = n_times;
  m->path = dup_str(path);
  m->ids = ss_malloc_array(n_ids, sizeof *m->ids);
  m->times = ss_malloc_array(n_times, sizeof *m->times);
  m->u = ss_malloc_array(n_times * n_ids, sizeof *m->u);
  m->i = ss_malloc_array(n_times * n_ids, sizeof *m->i);
  if (!m->path || !m->ids || !m->times || !m->u || !m->i) {
    free(m->path);
    free(m->ids);
    free(m->times);
    free(m->u);
    free(m->i);
    return ss_error_set(err, SS_ENOMEM, "out of memory");
  }
  memcpy(m->ids, ids, n_ids * sizeof *ids);
  memcpy(m->times, times, n_times * sizeof *times);
  rec->n_st++;
  return SS_OK;
}

int ss_record_spike(ss_record *rec, uint32_t u, double t) {
  uint16_t p = rec->net->unit_pop[u];
  for (int32_t k = rec->pop_sm[p]; k >= 0; k = rec->sm[k].next) {
    ss_spike_monitor *m = &rec->sm[k];
    if (t >= m->t_from && t < m->t_to && ss_spikes_push(&m->spikes, t, u - rec->net->pops[p].offset))
      return SS_ENOMEM;
  }
  return SS_OK;
}

double ss_record_next_sample(const ss_record *rec) {
  double t = INFINITY;
  for (uint32_t k = 0; k < rec->n_st; ++k) {
    const ss_state_monitor *m = &rec->st[k];
    if (m->next < m->n_times && m->times[m->next] < t) t = m->times[m->next];
  }
  return t;
}

void ss_record_take_samples(ss_record *rec, double t, ss_state_fn state, void *ctx) {
  for (uint32_t k = 0; k < rec->n_st; ++k) {
    ss_state_monitor *m = &rec->st[k];
    if (m->next >= m->n_times || m->times[m->next] != t) continue;
    uint32_t off = rec->net->pops[m->pop].offset;
    for (uint32_t j = 0; j < m->n_ids; ++j)
      state(ctx, off + m->ids[j], t, &m->u[m->next * m->n_ids + j], &m->i[m->next * m->n_ids + j]);
    m->next++;
  }
}

void ss_record_reset(ss_record *rec) {
  for (uint32_t k = 0; k < rec->n_sm; ++k) rec->sm[k].spikes.n = 0;
  for (uint32_t k = 0; k < rec->n_st; ++k) rec->st[k].next = 0;
}

int ss_record_write(const ss_record *rec, ss_error *err) {
  for (uint32_t k = 0; k < rec->n_sm; ++k) {
    int rc = ss_spikes_write(&rec->sm[k].spikes, rec->sm[k].path, err);
    if (rc) return rc;
  }
  for (uint32_t k = 0; k < rec->n_st; ++k) {
    const ss_state_monitor *m = &rec->st[k];
    ss_afile f;
    int rc = ss_afile_open(&f, m->path, err);
    if (rc) return rc;
    fprintf(f.fp, "# population %s: time(s) id U(mV) I(mV)\n", rec->net->pops[m->pop].name);
    for (size_t s = 0; s < m->next; ++s)
      for (uint32_t j = 0; j < m->n_ids; ++j)
        fprintf(f.fp, "%.17g %u %.17g %.17g\n", m->times[s] / 1000.0, m->ids[j],
                m->u[s * m->n_ids + j], m->i[s * m->n_ids + j]);
    rc = ss_afile_commit(&f, err);
    if (rc) return rc;
  }
  return SS_OK;
}

int ss_record_save(const ss_record *rec, ss_ckpt_writer *w, ss_error *err) {
  char name[SS_CKPT_NAME_MAX + 1];
  int rc = SS_OK;
  for (uint32_t k = 0; k < rec->n_sm && !rc; ++k) {
    const ss_spikes *sp = &rec->sm[k].spikes;
    snprintf(name, sizeof name, "rec.sm%u.t", k);
    rc = ss_ckpt_add_f64(w, name, sp->t, sp->n, err);
    snprintf(name, sizeof name, "rec.sm%u.id", k);
    if (!rc) rc = ss_ckpt_add_u32(w, name, sp->id, sp->n, err);
  }
  for (uint32_t k = 0; k < rec->n_st && !rc; ++k) {
    const ss_state_monitor *m = &rec->st[k];
    snprintf(name, sizeof name, "rec.st%u.next", k);
    rc = ss_ckpt_add_u64_value(w, name, m->next, err);
    snprintf(name, sizeof name, "rec.st%u.u", k);
    if (!rc) rc = ss_ckpt_add_f64(w, name, m->u, m->next * m->n_ids, err);
    snprintf(name, sizeof name, "rec.st%u.i", k);
    if (!rc) rc = ss_ckpt_add_f64(w, name, m->i, m->next * m->n_ids, err);
  }
  return rc;
}

int ss_record_load(ss_record *rec, const ss_ckpt *ck, ss_error *err) {
  char name[SS_CKPT_NAME_MAX + 1];
  for (uint32_t k = 0; k < rec->n_sm; ++k) {
    ss_spikes *sp = &rec->sm[k].spikes;
    ss_ckpt_type type;
    size_t n;
    snprintf(name, sizeof name, "rec.sm%u.t", k);
    if (!ss_ckpt_find(ck, name, &type, &n))
      return ss_error_set(err, SS_EPARSE, "checkpoint: no recorded spikes for monitor %u", k);
    sp->n = 0;
    for (size_t j = 0; j < n; ++j)
      if (ss_spikes_push(sp, 0, 0)) return ss_error_set(err, SS_ENOMEM, "out of memory");
    int rc = ss_ckpt_get_f64(ck, name, sp->t, n, err);
    snprintf(name, sizeof name, "rec.sm%u.id", k);
    if (!rc) rc = ss_ckpt_get_u32(ck, name, sp->id, n, err);
    if (rc) return rc;
  }
  for (uint32_t k = 0; k < rec->n_st; ++k) {
    ss_state_monitor *m = &rec->st[k];
    uint64_t next;
    snprintf(name, sizeof name, "rec.st%u.next", k);
    int rc = ss_ckpt_get_u64_value(ck, name, &next, err);
    if (rc) return rc;
    if (next > m->n_times) return ss_error_set(err, SS_EPARSE, "checkpoint: state monitor %u does not fit", k);
    m->next = (size_t)next;
    snprintf(name, sizeof name, "rec.st%u.u", k);
    if ((rc = ss_ckpt_get_f64(ck, name, m->u, m->next * m->n_ids, err))) return rc;
    snprintf(name, sizeof name, "rec.st%u.i", k);
    if ((rc = ss_ckpt_get_f64(ck, name, m->i, m->next * m->n_ids, err))) return rc;
  }
  return SS_OK;
}

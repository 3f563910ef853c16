/* experiment.c - from a config file to a runnable experiment (experiment.h).
 *
 * This is the boundary where units are converted and every value is
 * validated, so errors can name the file, line and key (doc/config.md).
 * Seeds: every source and projection draws from its own stream of the run's
 * master seed, keyed by its section's name (or uses its own `seed` key), so
 * adding or reordering sections does not change the others' numbers. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "superspike/experiment.h"

#define WHERE_MAX 512

/* Error at a key: "FILE:LINE: [section] key: message". */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static int key_error(ss_experiment *x, size_t sec, const char *key, int code, ss_error *err,
                     const char *fmt, ...) {
  char where[WHERE_MAX], what[SS_ERROR_MSG_MAX];
  ss_config_where(x->cfg, sec, key, where, sizeof where);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return ss_error_set(err, code, "%.250s: %.250s", where, what);
}

static char *join_path(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = malloc(a + b + 2);
  if (!p) return NULL;
  if (name[0] == '/' || !a || !strcmp(dir, ".")) {
    memcpy(p, name, b + 1);
  } else {
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
  }
  return p;
}

static int make_dirs(const char *path, ss_error *err) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf) return ss_error_set(err, SS_EINVAL, "%s: path too long", path);
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; ++i) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) && errno != EEXIST)
        return ss_error_set(err, SS_EIO, "%s: cannot create directory: %s", buf, strerror(errno));
      buf[i] = c;
    }
  }
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode))
    return ss_error_set(err, SS_EIO, "%s: not a directory", path);
  return SS_OK;
}

/* A positive finite quantity checked at its key. */
static int get_pos(ss_experiment *x, size_t sec, const char *key, ss_unit u, int required,
                   double def, double *out, int allow_zero, ss_error *err) {
  int rc = ss_config_get_number(x->cfg, sec, key, u, required, def, out, err);
  if (rc) return rc;
  if (allow_zero ? !(*out >= 0) : !(*out > 0))
    return key_error(x, sec, key, SS_EINVAL, err, "must be %s 0", allow_zero ? ">=" : ">");
  return SS_OK;
}

/* "normal(0 mV, 1 mV)", "uniform(a, b)" or a single quantity. */
static int get_dist(ss_experiment *x, size_t sec, const char *key, ss_unit unit, double def,
                    ss_dist *d, ss_error *err) {
  const char *s;
  int rc = ss_config_get_string(x->cfg, sec, key, 0, NULL, &s, err);
  if (rc) return rc;
  d->lo = -INFINITY;
  d->hi = INFINITY;
  d->b = 0;
  if (!s) {
    d->kind = SS_DIST_CONSTANT;
    d->a = def;
    return SS_OK;
  }
  const char *kinds[2] = {"normal(", "uniform("};
  for (int k = 0; k < 2; ++k) {
    size_t n = strlen(kinds[k]);
    if (strncmp(s, kinds[k], n)) continue;
    char buf[256];
    size_t len = strlen(s + n);
    if (len == 0 || len >= sizeof buf || s[n + len - 1] != ')')
      return key_error(x, sec, key, SS_EPARSE, err, "expected %s<a>, <b>), got '%s'", kinds[k], s);
    memcpy(buf, s + n, len - 1);
    buf[len - 1] = '\0';
    char *comma = strchr(buf, ',');
    if (!comma || strchr(comma + 1, ','))
      return key_error(x, sec, key, SS_EPARSE, err, "expected two arguments in '%s'", s);
    *comma = '\0';
    double a, b;
    if (ss_parse_quantity(buf, unit, &a) || ss_parse_quantity(comma + 1, unit, &b))
      return key_error(x, sec, key, SS_EPARSE, err, "arguments of '%s' must be %s", s,
                       unit == SS_UNIT_TIME ? "times with a unit (ms, s)" : "voltages with a unit (mV, V)");
    d->kind = k == 0 ? SS_DIST_NORMAL : SS_DIST_UNIFORM;
    d->a = a;
    d->b = b;
    if (k == 0 && !(b >= 0))
      return key_error(x, sec, key, SS_EINVAL, err, "standard deviation must be >= 0");
    if (k == 1 && !(a <= b)) return key_error(x, sec, key, SS_EINVAL, err, "uniform bounds need low <= high");
    return SS_OK;
  }
  double v;
  if (ss_parse_quantity(s, unit, &v))
    return key_error(x, sec, key, SS_EPARSE, err,
                     "expected %s, normal(mean, sd) or uniform(low, high), got '%s'",
                     unit == SS_UNIT_TIME ? "a time with a unit (ms, s)" : "a voltage with a unit (mV, V)", s);
  d->kind = SS_DIST_CONSTANT;
  d->a = v;
  return SS_OK;
}

/* Seed of a section's own random stream: a hash of its type and name mixed
 * with the master seed, so sections can be added, removed or reordered
 * without changing the random numbers of the others. */
static uint64_t stream_seed(const ss_experiment *x, size_t sec) {
  const ss_config_section *sc = ss_config_section_at(x->cfg, sec);
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
  for (const char *c = sc->type; *c; ++c) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  h = (h ^ '/') * 0x100000001b3ull;
  for (const char *c = sc->name ? sc->name : ""; *c; ++c) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  ss_rng r;
  ss_rng_init(&r, x->seed, h);
  return ss_rng_u64(&r);
}

/* "0, 3, 5-9" -> sorted unique ids < n */
static int parse_ids(ss_experiment *x, size_t sec, const char *key, const char *s, uint32_t n,
                     uint32_t **out, uint32_t *n_out, ss_error *err) {
  uint8_t *mark = calloc(n, 1);
  if (!mark) return ss_error_set(err, SS_ENOMEM, "out of memory");
  const char *p = s;
  int rc = SS_OK;
  while (*p) {
    while (*p == ' ' || *p == ',') ++p;
    if (!*p) break;
    char *end;
    errno = 0;
    unsigned long a = strtoul(p, &end, 10), b;
    if (end == p || *p == '-' || errno) goto bad;
    p = end;
    while (*p == ' ') ++p;
    if (*p == '-') {
      ++p;
      while (*p == ' ') ++p;
      b = strtoul(p, &end, 10);
      if (end == p || errno || b < a) goto bad;
      p = end;
    } else {
      b = a;
    }
    if (b >= n) {
      rc = key_error(x, sec, key, SS_ERANGE, err, "neuron %lu out of range for a population of %u", b, n);
      goto out;
    }
    for (unsigned long i = a; i <= b; ++i) mark[i] = 1;
    while (*p == ' ') ++p;
    if (*p && *p != ',') goto bad;
  }
  {
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; ++i) m += mark[i];
    if (!m) goto bad;
    *out = ss_malloc_array(m, sizeof **out);
    if (!*out) {
      rc = ss_error_set(err, SS_ENOMEM, "out of memory");
      goto out;
    }
    m = 0;
    for (uint32_t i = 0; i < n; ++i)
      if (mark[i]) (*out)[m++] = i;
    *n_out = m;
  }
  goto out;
bad:
  rc = key_error(x, sec, key, SS_EPARSE, err, "expected ids like '0, 3, 5-9', got '%s'", s);
out:
  free(mark);
  return rc;
}

static int load_run(ss_experiment *x, size_t sec, ss_error *err) {
  int rc;
  long long seed;
  static const char *const engines[] = {"event", "clock", NULL};
  static const char *const methods[] = {"euler", "exact", NULL};
  int eng, meth;
  if ((rc = get_pos(x, sec, "duration", SS_UNIT_TIME, 1, 0, &x->duration, 0, err))) return rc;
  if ((rc = ss_config_get_int(x->cfg, sec, "seed", 0, 0, INT64_MAX, 1, &seed, err))) return rc;
  x->seed = (uint64_t)seed;
  if ((rc = ss_config_get_choice(x->cfg, sec, "engine", 0, engines, 0, &eng, err))) return rc;
  x->engine = (ss_engine_kind)eng;
  if ((rc = get_pos(x, sec, "dt", SS_UNIT_TIME, 0, 0.1, &x->dt, 0, err))) return rc;
  if ((rc = ss_config_get_choice(x->cfg, sec, "method", 0, methods, 0, &meth, err))) return rc;
  x->method = (ss_clock_method)meth;
  return SS_OK;
}

static int load_population(ss_experiment *x, size_t sec, const char *name, ss_error *err) {
  ss_lif_params p;
  ss_lif_params_default(&p);
  long long size;
  int rc;
  if ((rc = ss_config_get_int(x->cfg, sec, "size", 1, 1, UINT32_MAX - 1, 0, &size, err))) return rc;
  if ((rc = get_pos(x, sec, "tau_mem", SS_UNIT_TIME, 0, p.tau_mem, &p.tau_mem, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "tau_syn", SS_UNIT_TIME, 0, p.tau_syn, &p.tau_syn, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "t_ref", SS_UNIT_TIME, 0, p.t_ref, &p.t_ref, 1, err))) return rc;
  if ((rc = ss_config_get_number(x->cfg, sec, "u_rest", SS_UNIT_VOLTAGE, 0, p.u_rest, &p.u_rest, err)))
    return rc;
  if ((rc = ss_config_get_number(x->cfg, sec, "theta", SS_UNIT_VOLTAGE, 0, p.theta, &p.theta, err)))
    return rc;
  if (!(p.theta > p.u_rest))
    return key_error(x, sec, "theta", SS_EINVAL, err, "threshold (%g mV) must be above u_rest (%g mV)",
                     p.theta, p.u_rest);
  double u_init;
  if ((rc = ss_config_get_number(x->cfg, sec, "u_init", SS_UNIT_VOLTAGE, 0, p.u_rest, &u_init, err)))
    return rc;
  if (!(u_init < p.theta))
    return key_error(x, sec, "u_init", SS_EINVAL, err, "initial potential must be below theta");
  rc = ss_net_add_lif(x->net, name, (uint32_t)size, &p, u_init - p.u_rest, err);
  if (rc < 0) {
    char where[WHERE_MAX];
    ss_config_where(x->cfg, sec, NULL, where, sizeof where);
    return ss_error_prefix(err, "%.400s: ", where);
  }
  return SS_OK;
}

static int load_source(ss_experiment *x, size_t sec, const char *name, ss_error *err) {
  static const char *const types[] = {"poisson", "file", NULL};
  long long size, seed;
  int type, rc, sort;
  double rate, period;
  if ((rc = ss_config_get_int(x->cfg, sec, "size", 1, 1, UINT32_MAX - 1, 0, &size, err))) return rc;
  if ((rc = ss_config_get_choice(x->cfg, sec, "type", 1, types, 0, &type, err))) return rc;
  if ((rc = get_pos(x, sec, "period", SS_UNIT_TIME, 0, 0, &period, 1, err))) return rc;
  int pop = ss_net_add_source(x->net, name, (uint32_t)size, err);
  if (pop < 0) {
    char where[WHERE_MAX];
    ss_config_where(x->cfg, sec, NULL, where, sizeof where);
    return ss_error_prefix(err, "%.400s: ", where);
  }
  ss_source *src = calloc(1, sizeof *src);
  if (!src) return ss_error_set(err, SS_ENOMEM, "out of memory");
  x->sources[pop] = src;
  uint32_t off = x->net->pops[pop].offset;
  if (type == 0) {
    if ((rc = get_pos(x, sec, "rate", SS_UNIT_RATE, 1, 0, &rate, 1, err))) return rc;
    if ((rc = ss_config_get_int(x->cfg, sec, "seed", 0, 0, INT64_MAX, -1, &seed, err))) return rc;
    uint64_t s = seed >= 0 ? (uint64_t)seed : stream_seed(x, sec);
    rc = ss_source_init_poisson(src, (uint32_t)size, off, rate, s, period, err);
    if (rc) return key_error(x, sec, "rate", rc, err, "%s", err->msg);
    return SS_OK;
  }
  const char *file;
  if ((rc = ss_config_get_string(x->cfg, sec, "file", 1, NULL, &file, err))) return rc;
  if ((rc = ss_config_get_bool(x->cfg, sec, "sort", 0, 0, &sort, err))) return rc;
  char *path = join_path(ss_config_dir(x->cfg), file);
  if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  ss_spikes sp;
  ss_spikes_init(&sp);
  rc = ss_spikes_read(&sp, path, (uint32_t)size, sort, err);
  free(path);
  if (rc) {
    char where[WHERE_MAX];
    ss_config_where(x->cfg, sec, "file", where, sizeof where);
    return ss_error_prefix(err, "%.400s: ", where);
  }
  rc = ss_source_init_spikes(src, (uint32_t)size, off, &sp, period, err);
  ss_spikes_clear(&sp);
  if (rc) return key_error(x, sec, "period", rc, err, "%s", err->msg);
  return SS_OK;
}

static int pop_ref(ss_experiment *x, size_t sec, const char *key, uint32_t *out, ss_error *err) {
  const char *s;
  int rc = ss_config_get_string(x->cfg, sec, key, 1, NULL, &s, err);
  if (rc) return rc;
  int p = ss_net_find_pop(x->net, s);
  if (p < 0) return key_error(x, sec, key, SS_EINVAL, err, "no population or source named '%s'", s);
  *out = (uint32_t)p;
  return SS_OK;
}

static int load_projection(ss_experiment *x, size_t sec, const char *name, ss_error *err) {
  static const char *const rules[] = {"all_to_all", "fixed_probability", "fixed_fanin",
                                      "one_to_one", "file", NULL};
  ss_proj p;
  memset(&p, 0, sizeof p);
  snprintf(p.name, sizeof p.name, "%s", name);
  int rc, rule, autapses;
  long long seed, fanin;
  if ((rc = pop_ref(x, sec, "pre", &p.pre, err))) return rc;
  if ((rc = pop_ref(x, sec, "post", &p.post, err))) return rc;
  if (x->net->pops[p.post].kind != SS_POP_LIF)
    return key_error(x, sec, "post", SS_EINVAL, err, "'%s' is a source; targets must be neuron populations",
                     x->net->pops[p.post].name);
  if ((rc = ss_config_get_choice(x->cfg, sec, "connect", 1, rules, 0, &rule, err))) return rc;
  p.conn = (ss_conn_kind)rule;
  if ((rc = ss_config_get_bool(x->cfg, sec, "autapses", 0, 0, &autapses, err))) return rc;
  p.autapses = autapses;
  if (p.conn == SS_CONN_FIXED_PROB) {
    if ((rc = ss_config_get_number(x->cfg, sec, "p", SS_UNIT_NONE, 1, 0, &p.p, err))) return rc;
    if (!(p.p >= 0 && p.p <= 1)) return key_error(x, sec, "p", SS_EINVAL, err, "must be in [0, 1]");
  }
  if (p.conn == SS_CONN_FIXED_FANIN) {
    if ((rc = ss_config_get_int(x->cfg, sec, "fanin", 1, 0, UINT32_MAX, 0, &fanin, err))) return rc;
    p.fanin = (uint32_t)fanin;
    uint32_t avail = x->net->pops[p.pre].size - (p.pre == p.post && !p.autapses ? 1u : 0u);
    if (p.fanin > avail)
      return key_error(x, sec, "fanin", SS_EINVAL, err,
                       "fan-in %u exceeds the %u available presynaptic units of '%s'%s", p.fanin, avail,
                       x->net->pops[p.pre].name, p.pre == p.post && !p.autapses ? " (no autapses)" : "");
  }
  if (p.conn == SS_CONN_ONE_TO_ONE && x->net->pops[p.pre].size != x->net->pops[p.post].size)
    return key_error(x, sec, "connect", SS_EINVAL, err, "one_to_one needs equal sizes ('%s' %u, '%s' %u)",
                     x->net->pops[p.pre].name, x->net->pops[p.pre].size, x->net->pops[p.post].name,
                     x->net->pops[p.post].size);
  /* an edge list carries its own weights: weight keys would be ignored */
  static const char *const file_no[] = {"weight", "weight_min", "weight_max"};
  for (int k = 0; p.conn == SS_CONN_FILE && k < 3; ++k)
    if (ss_config_has(x->cfg, sec, file_no[k]))
      return key_error(x, sec, file_no[k], SS_EINVAL, err,
                       "not allowed with connect = file (the edge list gives the weights)");
  if ((rc = get_dist(x, sec, "weight", SS_UNIT_VOLTAGE, 0.0, &p.weight, err))) return rc;
  if ((rc = ss_config_get_number(x->cfg, sec, "weight_min", SS_UNIT_VOLTAGE, 0, -INFINITY, &p.weight.lo, err)))
    return rc;
  if ((rc = ss_config_get_number(x->cfg, sec, "weight_max", SS_UNIT_VOLTAGE, 0, INFINITY, &p.weight.hi, err)))
    return rc;
  if (!(p.weight.lo <= p.weight.hi))
    return key_error(x, sec, "weight_max", SS_EINVAL, err, "must be >= weight_min");
  if ((rc = get_dist(x, sec, "delay", SS_UNIT_TIME, 0.8, &p.delay, err))) return rc;
  p.delay.lo = 0; /* a normal delay is clipped at 0 */
  if (p.delay.kind != SS_DIST_NORMAL && !(p.delay.a >= 0))
    return key_error(x, sec, "delay", SS_EINVAL, err, "must be >= 0");
  if ((rc = ss_config_get_int(x->cfg, sec, "seed", 0, 0, INT64_MAX, -1, &seed, err))) return rc;
  p.seed = seed >= 0 ? (uint64_t)seed : stream_seed(x, sec);
  if (p.conn == SS_CONN_FILE) {
    const char *file;
    if ((rc = ss_config_get_string(x->cfg, sec, "file", 1, NULL, &file, err))) return rc;
    char *path = join_path(ss_config_dir(x->cfg), file);
    if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
    rc = ss_proj_read_edges(&p, path, x->net->pops[p.pre].size, x->net->pops[p.post].size, err);
    free(path);
    if (rc) {
      char where[WHERE_MAX];
      ss_config_where(x->cfg, sec, "file", where, sizeof where);
      return ss_error_prefix(err, "%.400s: ", where);
    }
  }
  rc = ss_net_add_proj(x->net, &p, err);
  ss_proj_free_edges(&p);
  if (rc < 0) {
    char where[WHERE_MAX];
    ss_config_where(x->cfg, sec, NULL, where, sizeof where);
    return ss_error_prefix(err, "%.400s: ", where);
  }
  int pi = ss_net_find_proj(x->net, name), plastic;
  if ((rc = ss_config_get_bool(x->cfg, sec, "plastic", 0, 0, &plastic, err))) return rc;
  if (plastic && !x->learn)
    return key_error(x, sec, "plastic", SS_EINVAL, err, "plastic projections need a [learning] section");
  if (x->learn) {
    x->learn->plastic[pi] = (uint8_t)plastic;
    if ((rc = ss_config_get_number(x->cfg, sec, "r0", SS_UNIT_VOLTAGE, 0, x->learn->op.r0, &x->learn->r0[pi], err)))
      return rc;
    if (!(x->learn->r0[pi] >= 0)) return key_error(x, sec, "r0", SS_EINVAL, err, "must be >= 0");
    if ((rc = get_pos(x, sec, "regularizer", SS_UNIT_NONE, 0, 0.0, &x->learn->rho[pi], 1, err))) return rc;
  }
  const char *save;
  if ((rc = ss_config_get_string(x->cfg, sec, "save_weights", 0, NULL, &save, err))) return rc;
  if (save) {
    x->weights_out[rc = ss_net_find_proj(x->net, name)] = join_path(x->out_dir, save);
    if (!x->weights_out[rc]) return ss_error_set(err, SS_ENOMEM, "out of memory");
  }
  return SS_OK;
}

static int load_monitor(ss_experiment *x, size_t sec, const char *name, ss_error *err) {
  static const char *const types[] = {"spikes", "state", "synapse", NULL};
  int type, rc;
  uint32_t pop = 0;
  const char *file;
  if ((rc = ss_config_get_choice(x->cfg, sec, "type", 1, types, 0, &type, err))) return rc;
  if (type != 2 && (rc = pop_ref(x, sec, "population", &pop, err))) return rc;
  char defname[SS_NAME_MAX + 8];
  snprintf(defname, sizeof defname, "%s.%s", name, type == 0 ? "ras" : "dat");
  if ((rc = ss_config_get_string(x->cfg, sec, "file", 0, defname, &file, err))) return rc;
  char *path = join_path(x->out_dir, file);
  if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
  /* the recorded range: [start, stop), or the last `last` of the run */
  double t_from, t_to, last;
  if ((rc = get_pos(x, sec, "start", SS_UNIT_TIME, 0, 0.0, &t_from, 1, err)) ||
      (rc = get_pos(x, sec, "stop", SS_UNIT_TIME, 0, INFINITY, &t_to, 0, err)) ||
      (rc = get_pos(x, sec, "last", SS_UNIT_TIME, 0, 0.0, &last, 1, err))) {
    free(path);
    return rc;
  }
  if (last > 0) {
    if (ss_config_has(x->cfg, sec, "start") || ss_config_has(x->cfg, sec, "stop")) {
      free(path);
      return key_error(x, sec, "last", SS_EINVAL, err, "give either 'last' or 'start'/'stop'");
    }
    t_from = x->duration > last ? x->duration - last : 0;
    t_to = x->duration;
  }
  if (!(t_from < t_to)) {
    free(path);
    return key_error(x, sec, "stop", SS_EINVAL, err, "must be after start");
  }
  if (type == 2) { /* one plastic synapse's learning variables (clock engine, training) */
    const char *pj;
    long long pre, post;
    if ((rc = ss_config_get_string(x->cfg, sec, "projection", 1, NULL, &pj, err))) goto syn_out;
    int j = ss_net_find_proj(x->net, pj);
    if (j < 0) {
      rc = key_error(x, sec, "projection", SS_EINVAL, err, "no projection named '%s'", pj);
      goto syn_out;
    }
    const ss_proj *pr = &x->net->projs[j];
    if ((rc = ss_config_get_int(x->cfg, sec, "pre", 1, 0, x->net->pops[pr->pre].size - 1, 0, &pre, err)) ||
        (rc = ss_config_get_int(x->cfg, sec, "post", 1, 0, x->net->pops[pr->post].size - 1, 0, &post, err)))
      goto syn_out;
    if (x->probe_path) {
      rc = key_error(x, sec, "type", SS_EINVAL, err, "only one synapse monitor per experiment");
      goto syn_out;
    }
    if (!x->net->out_slot || !x->learn) {
      rc = key_error(x, sec, "type", SS_EINVAL, err, "synapse monitors record learning: they need a [learning] section");
      goto syn_out;
    }
    /* find the synapse among the pre neuron's delay groups of this projection */
    uint32_t a = x->net->pops[pr->pre].offset + (uint32_t)pre, b = x->net->pops[pr->post].offset + (uint32_t)post;
    int64_t slot = -1;
    for (uint32_t g = x->net->grp_ptr[a]; g < x->net->grp_ptr[a + 1] && slot < 0; ++g)
      if (x->net->grp_proj[g] == (uint32_t)j)
        for (uint64_t k = x->net->grp_start[g]; k < x->net->grp_start[g + 1]; ++k)
          if (x->net->out_post[k] == b) slot = x->net->out_slot[k];
    if (slot < 0) {
      rc = key_error(x, sec, "post", SS_EINVAL, err, "projection '%s' has no synapse %lld -> %lld", pj, pre, post);
      goto syn_out;
    }
    x->probe_slot = (uint32_t)slot;
    x->probe_t0 = t_from;
    x->probe_t1 = isinf(t_to) ? x->duration : t_to;
    x->probe_path = path;
    path = NULL;
  syn_out:
    free(path);
    return rc;
  }
  if (type == 0) {
    /* a whole-run monitor must be the population's only one (two would
     * write the same spikes twice); time-limited ones may be several */
    rc = t_from == 0 && isinf(t_to) ? ss_record_add_spikes(x->rec, pop, path, err)
                                    : ss_record_add_spikes_range(x->rec, pop, path, t_from, t_to, err);
    free(path);
    if (rc) return key_error(x, sec, "population", rc, err, "%s", err->msg);
    return SS_OK;
  }
  const ss_pop *pp = &x->net->pops[pop];
  if (pp->kind != SS_POP_LIF) {
    free(path);
    return key_error(x, sec, "population", SS_EINVAL, err, "'%s' is a source and has no state", pp->name);
  }
  const char *ids_s, *times_s;
  uint32_t *ids = NULL, n_ids = 0;
  double *times = NULL, interval;
  size_t n_times = 0;
  if ((rc = ss_config_get_string(x->cfg, sec, "neurons", 0, "0", &ids_s, err))) goto out;
  if ((rc = parse_ids(x, sec, "neurons", ids_s, pp->size, &ids, &n_ids, err))) goto out;
  if ((rc = ss_config_get_string(x->cfg, sec, "times", 0, NULL, &times_s, err))) goto out;
  if ((rc = get_pos(x, sec, "interval", SS_UNIT_TIME, 0, 0, &interval, 1, err))) goto out;
  if (!times_s == !(interval > 0)) {
    rc = key_error(x, sec, NULL, SS_EINVAL, err, "a state monitor needs exactly one of 'interval' and 'times'");
    goto out;
  }
  if (interval > 0) {
    double n = ceil(x->duration / interval);
    if (n > 1e8) {
      rc = key_error(x, sec, "interval", SS_ERANGE, err, "too many samples (%g)", n);
      goto out;
    }
    times = ss_malloc_array((size_t)n + 1, sizeof *times);
    if (!times) goto oom;
    for (size_t k = 0; (double)k * interval < x->duration; ++k)
      if ((double)k * interval >= t_from && (double)k * interval < t_to) times[n_times++] = (double)k * interval;
  } else {
    size_t cap = 16;
    times = ss_malloc_array(cap, sizeof *times);
    if (!times) goto oom;
    const char *p = times_s;
    double prev = -INFINITY; /* the last time listed (kept or not: the list must increase) */
    while (*p) {
      const char *c = strchr(p, ',');
      size_t len = c ? (size_t)(c - p) : strlen(p);
      char buf[128];
      if (len >= sizeof buf) len = sizeof buf - 1;
      memcpy(buf, p, len);
      buf[len] = '\0';
      const char *tb = buf;
      while (*tb == ' ' || *tb == '\t') ++tb;
      double t;
      if (ss_parse_quantity(buf, SS_UNIT_TIME, &t) || !(t >= 0) || !(t > prev)) {
        rc = key_error(x, sec, "times", SS_EPARSE, err,
                       "expected increasing times >= 0 with units, like '1 ms, 2.5 ms', got '%s'", tb);
        goto out;
      }
      if (n_times == cap) {
        double *t2 = ss_realloc_array(times, cap *= 2, sizeof *t2);
        if (!t2) goto oom;
        times = t2;
      }
      if (t >= t_from && t < t_to) times[n_times++] = t;
      prev = t;
      p = c ? c + 1 : p + len;
    }
  }
  rc = ss_record_add_state(x->rec, pop, ids, n_ids, times, n_times, path, err);
  if (rc) rc = key_error(x, sec, NULL, rc, err, "%s", err->msg);
  goto out;
oom:
  rc = ss_error_set(err, SS_ENOMEM, "out of memory");
out:
  free(path);
  free(ids);
  free(times);
  return rc;
}

/* Times like "400 s, 800 s": increasing, >= 0; *out malloc'ed. */
static int get_time_list(ss_experiment *x, size_t sec, const char *key, double **out, size_t *n_out,
                         ss_error *err) {
  const char *s;
  int rc = ss_config_get_string(x->cfg, sec, key, 0, NULL, &s, err);
  *out = NULL;
  *n_out = 0;
  if (rc || !s) return rc;
  size_t cap = 8, n = 0;
  double *t = ss_malloc_array(cap, sizeof *t);
  if (!t) return ss_error_set(err, SS_ENOMEM, "out of memory");
  const char *p = s;
  while (*p) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    char buf[128];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    double v;
    if (ss_parse_quantity(buf, SS_UNIT_TIME, &v) || !(v >= 0) || (n && !(v >= t[n - 1]))) {
      free(t);
      return key_error(x, sec, key, SS_EPARSE, err,
                       "expected non-decreasing times >= 0 with units, like '400 s, 800 s', got '%s'", buf);
    }
    if (n == cap) {
      double *t2 = ss_realloc_array(t, cap *= 2, sizeof *t2);
      if (!t2) {
        free(t);
        return ss_error_set(err, SS_ENOMEM, "out of memory");
      }
      t = t2;
    }
    t[n++] = v;
    p = c ? c + 1 : p + len;
  }
  *out = t;
  *n_out = n;
  return SS_OK;
}

static int load_learning(ss_experiment *x, size_t sec, size_t ns, ss_error *err) {
  static const char *const modes[] = {"online", "per_trial", NULL};
  static const char *const optims[] = {"rmaxprop", "rmsprop", "fixed", NULL};
  static const char *const norms[] = {"area", "peak", NULL};
  static const char *const surrs[] = {"paper", "linear", "reference", NULL};
  static const char *const scheds[] = {"cumulative", "absolute", NULL};
  ss_learning_spec *L = calloc(1, sizeof *L);
  if (!L) return ss_error_set(err, SS_ENOMEM, "out of memory");
  x->learn = L;
  L->role = calloc(ns + 1, 1);
  L->fb = calloc(ns + 1, sizeof *L->fb);
  L->fb_from = calloc(ns + 1, sizeof *L->fb_from);
  L->fb_proj = calloc(ns + 1, sizeof *L->fb_proj);
  L->fb_seed = calloc(ns + 1, sizeof *L->fb_seed);
  L->targets = calloc(ns + 1, sizeof *L->targets);
  L->plastic = calloc(ns + 1, 1);
  L->r0 = calloc(ns + 1, sizeof *L->r0);
  L->rho = calloc(ns + 1, sizeof *L->rho);
  L->stimuli = calloc(ns + 1, sizeof *L->stimuli);
  L->opportunity = calloc(3 * (ns + 1), sizeof *L->opportunity);
  L->extra_free = calloc(ns + 1, 1);
  if (!L->stimuli || !L->opportunity || !L->extra_free) return ss_error_set(err, SS_ENOMEM, "out of memory");
  L->align = L->opportunity + ns + 1; /* one block with opportunity (freed with it) */
  L->late = L->opportunity + 2 * (ns + 1);
  if (!L->role || !L->fb || !L->fb_from || !L->fb_proj || !L->fb_seed || !L->targets || !L->plastic || !L->r0 ||
      !L->rho)
    return ss_error_set(err, SS_ENOMEM, "out of memory");
  ss_learn_params_default(&L->lp);
  ss_optim_params_default(&L->op);
  int rc, k, on;
  long long q, every;
  ss_config *c = x->cfg;
  if ((rc = get_pos(x, sec, "window", SS_UNIT_TIME, 0, 500.0, &L->window, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "loop", SS_UNIT_TIME, 0, 0.0, &L->loop, 1, err))) return rc;
  if ((rc = ss_config_get_choice(c, sec, "mode", 0, modes, 0, &k, err))) return rc;
  L->lp.mode = (ss_learn_mode)k;
  if ((rc = ss_config_get_choice(c, sec, "optimizer", 0, optims, 0, &k, err))) return rc;
  L->op.kind = (ss_optim_kind)k;
  if ((rc = ss_config_get_number(c, sec, "r0", SS_UNIT_VOLTAGE, 0, L->op.r0, &L->op.r0, err))) return rc;
  if (!(L->op.r0 >= 0)) return key_error(x, sec, "r0", SS_EINVAL, err, "must be >= 0");
  if ((rc = get_pos(x, sec, "tau_rms", SS_UNIT_TIME, 0, L->op.tau_rms, &L->op.tau_rms, 0, err))) return rc;
  if ((rc = ss_config_get_number(c, sec, "eps", SS_UNIT_NONE, 0, L->op.eps, &L->op.eps, err))) return rc;
  if (!(L->op.eps >= 0)) return key_error(x, sec, "eps", SS_EINVAL, err, "must be >= 0");
  if ((rc = ss_config_get_number(c, sec, "w_min", SS_UNIT_VOLTAGE, 0, L->op.w_min, &L->op.w_min, err))) return rc;
  if ((rc = ss_config_get_number(c, sec, "w_max", SS_UNIT_VOLTAGE, 0, L->op.w_max, &L->op.w_max, err))) return rc;
  if (!(L->op.w_min <= L->op.w_max)) return key_error(x, sec, "w_max", SS_EINVAL, err, "must be >= w_min");
  if ((rc = get_pos(x, sec, "burn_in", SS_UNIT_TIME, 0, 0.0, &L->op.t_burn, 1, err))) return rc;
  if ((rc = get_pos(x, sec, "stop_at", SS_UNIT_TIME, 0, 0.0, &L->stop_at, 1, err))) return rc;
  if ((rc = get_time_list(x, sec, "lr_divide_at", &L->sched_t, &L->op.n_sched, err))) return rc;
  L->op.sched_t = L->sched_t;
  double f;
  if ((rc = get_pos(x, sec, "lr_factor", SS_UNIT_NONE, 0, SS_OPTIM_SCHED_FACTOR, &f, 0, err))) return rc;
  if (f != SS_OPTIM_SCHED_FACTOR && L->op.n_sched) {
    /* one factor for every division */
    double *fs = ss_malloc_array(L->op.n_sched, sizeof *fs);
    if (!fs) return ss_error_set(err, SS_ENOMEM, "out of memory");
    for (size_t i = 0; i < L->op.n_sched; ++i) fs[i] = f;
    L->op.sched_factor = fs;
  }
  if ((rc = ss_config_get_choice(c, sec, "lr_schedule", 0, scheds, 0, &k, err))) return rc;
  L->op.sched_absolute = k;
  if ((rc = ss_config_get_bool(c, sec, "learning", 0, 1, &on, err))) return rc;
  L->op.learning = on;
  if ((rc = get_pos(x, sec, "alpha_rise", SS_UNIT_TIME, 0, L->lp.tau_rise, &L->lp.tau_rise, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "alpha_decay", SS_UNIT_TIME, 0, L->lp.tau_decay, &L->lp.tau_decay, 0, err)))
    return rc;
  if (fabs(L->lp.tau_rise - L->lp.tau_decay) < 1e-2 * L->lp.tau_decay)
    return key_error(x, sec, "alpha_decay", SS_EINVAL, err, "must differ from alpha_rise by at least 1%%");
  if ((rc = ss_config_get_choice(c, sec, "alpha_norm", 0, norms, 0, &k, err))) return rc;
  L->lp.alpha_peak = k;
  if ((rc = get_pos(x, sec, "beta", SS_UNIT_NONE, 0, L->lp.beta, &L->lp.beta, 0, err))) return rc;
  if ((rc = ss_config_get_choice(c, sec, "surrogate", 0, surrs, 0, &k, err))) return rc;
  L->lp.surrogate = (ss_surrogate)k;
  if ((rc = ss_config_get_number(c, sec, "u_cut", SS_UNIT_VOLTAGE, 0, L->lp.u_cut, &L->lp.u_cut, err))) return rc;
  if ((rc = ss_config_get_bool(c, sec, "het_error", 0, 0, &L->het_error, err))) return rc;
  if ((rc = ss_config_get_int(c, sec, "quadrature", 0, 1, 16, L->lp.n_gl, &q, err))) return rc;
  L->lp.n_gl = (int)q;
  if ((rc = get_pos(x, sec, "h_max", SS_UNIT_TIME, 0, L->lp.h_max, &L->lp.h_max, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "adapt", SS_UNIT_NONE, 0, L->lp.adapt, &L->lp.adapt, 1, err))) return rc;
  if ((rc = ss_config_get_bool(c, sec, "err_breakpoints", 0, 0, &L->lp.err_breakpoints, err))) return rc;
  if ((rc = get_pos(x, sec, "cost_tau", SS_UNIT_TIME, 0, 10000.0, &L->cost_tau, 0, err))) return rc;
  L->lp.cost_tau = L->cost_tau;
  if ((rc = get_pos(x, sec, "het_tau", SS_UNIT_TIME, 0, 100.0, &L->het_tau, 0, err))) return rc;
  if ((rc = get_pos(x, sec, "het_exponent", SS_UNIT_NONE, 0, 4.0, &L->het_a, 1, err))) return rc;
  if ((rc = ss_config_get_int(c, sec, "checkpoint_every", 0, 0, INT64_MAX, 0, &every, err))) return rc;
  L->checkpoint_every = (uint64_t)every;
  L->op.t_window = L->window;
  return SS_OK;
}

/* Learning keys of a population: role, targets of outputs, feedback of
 * hidden layers.  After all populations and projections exist. */
static int load_role(ss_experiment *x, size_t sec, const char *name, ss_error *err) {
  static const char *const roles[] = {"none", "output", "hidden", NULL};
  static const char *const fbs[] = {"symmetric", "random", "uniform", NULL};
  ss_learning_spec *L = x->learn;
  int rc, role;
  uint32_t pop = (uint32_t)ss_net_find_pop(x->net, name);
  if ((rc = ss_config_get_choice(x->cfg, sec, "role", 0, roles, 0, &role, err))) return rc;
  if (role && !L) return key_error(x, sec, "role", SS_EINVAL, err, "learning roles need a [learning] section");
  if (!L) return SS_OK;
  L->role[pop] = (uint8_t)role;
  const ss_pop *pp = &x->net->pops[pop];
  if (role && (rc = get_pos(x, sec, "align", SS_UNIT_TIME, 0, 0.0, &L->align[pop], 1, err))) return rc;
  if (role == SS_ROLE_OUTPUT) {
    const char *file, *times;
    double period;
    int sort;
    const char *stim;
    if ((rc = ss_config_get_string(x->cfg, sec, "target_file", 0, NULL, &file, err))) return rc;
    if ((rc = ss_config_get_string(x->cfg, sec, "target_times", 0, NULL, &times, err))) return rc;
    if ((rc = ss_config_get_string(x->cfg, sec, "stimuli", 0, NULL, &stim, err))) return rc;
    if ((rc = get_pos(x, sec, "target_period", SS_UNIT_TIME, 0, L->loop, &period, 1, err))) return rc;
    if ((rc = ss_config_get_bool(x->cfg, sec, "target_sort", 0, 0, &sort, err))) return rc;
    if ((!file) + (!times) + (!stim) != 2)
      return key_error(x, sec, "role", SS_EINVAL, err,
                       "an output needs exactly one of 'target_file', 'target_times' and 'stimuli'");
    if (stim) { /* classification: one output neuron per class (classify.h) */
      if ((rc = get_pos(x, sec, "opportunity", SS_UNIT_TIME, 0, 25.0, &L->opportunity[pop], 0, err))) return rc;
      static const char *const extras[] = {"error", "free", NULL};
      int ex;
      if ((rc = ss_config_get_choice(x->cfg, sec, "extra_spikes", 0, extras, 0, &ex, err))) return rc;
      L->extra_free[pop] = (uint8_t)ex;
      static const char *const lates[] = {"error", "free", NULL};
      int late;
      double late_w;
      if ((rc = ss_config_get_choice(x->cfg, sec, "late_spikes", 0, lates, 0, &late, err))) return rc;
      if ((rc = get_pos(x, sec, "late_window", SS_UNIT_TIME, 0, 25.0, &late_w, 0, err))) return rc;
      L->late[pop] = late ? late_w : 0.0;
      if (pp->size > 256)
        return key_error(x, sec, "stimuli", SS_EINVAL, err, "classification allows at most 256 classes (output neurons)");
      ss_stimuli *st = calloc(1, sizeof *st);
      char *path = join_path(ss_config_dir(x->cfg), stim);
      if (!st || !path) {
        free(st);
        free(path);
        return ss_error_set(err, SS_ENOMEM, "out of memory");
      }
      L->stimuli[pop] = st;
      ss_stimuli_init(st);
      rc = ss_stimuli_read(path, pp->size, st, err);
      free(path);
      if (rc) {
        char where[WHERE_MAX];
        ss_config_where(x->cfg, sec, "stimuli", where, sizeof where);
        return ss_error_prefix(err, "%.400s: ", where);
      }
      return SS_OK;
    }
    ss_spikes sp;
    ss_spikes_init(&sp);
    if (file) {
      char *path = join_path(ss_config_dir(x->cfg), file);
      if (!path) return ss_error_set(err, SS_ENOMEM, "out of memory");
      rc = ss_spikes_read(&sp, path, pp->size, sort, err);
      free(path);
      if (rc) {
        char where[WHERE_MAX];
        ss_config_where(x->cfg, sec, "target_file", where, sizeof where);
        return ss_error_prefix(err, "%.400s: ", where);
      }
    } else {
      double *t;
      size_t n;
      if ((rc = get_time_list(x, sec, "target_times", &t, &n, err))) return rc;
      for (size_t k = 0; k < n && !rc; ++k)
        for (uint32_t i = 0; i < pp->size && !rc; ++i) rc = ss_spikes_push(&sp, t[k], i);
      free(t);
      if (rc) return ss_error_set(err, SS_ENOMEM, "out of memory");
    }
    ss_source *src = calloc(1, sizeof *src);
    if (!src) {
      ss_spikes_clear(&sp);
      return ss_error_set(err, SS_ENOMEM, "out of memory");
    }
    L->targets[pop] = src;
    rc = ss_source_init_spikes(src, pp->size, pp->offset, &sp, period, err);
    ss_spikes_clear(&sp);
    if (rc) return key_error(x, sec, file ? "target_file" : "target_times", rc, err, "%s", err->msg);
  }
  if (role == SS_ROLE_HIDDEN) {
    int fb;
    const char *from, *via;
    long long seed;
    if ((rc = ss_config_get_choice(x->cfg, sec, "feedback", 1, fbs, 0, &fb, err))) return rc;
    if ((rc = ss_config_get_string(x->cfg, sec, "feedback_from", 1, NULL, &from, err))) return rc;
    int op = ss_net_find_pop(x->net, from);
    if (op < 0) return key_error(x, sec, "feedback_from", SS_EINVAL, err, "no population named '%s'", from);
    L->fb[pop] = (ss_feedback)fb;
    L->fb_from[pop] = (uint32_t)op;
    if ((rc = ss_config_get_string(x->cfg, sec, "feedback_via", 0, NULL, &via, err))) return rc;
    int pj = -1;
    if (via) {
      pj = ss_net_find_proj(x->net, via);
      if (pj < 0) return key_error(x, sec, "feedback_via", SS_EINVAL, err, "no projection named '%s'", via);
    } else {
      for (uint32_t k = 0; k < x->net->n_projs; ++k)
        if (x->net->projs[k].pre == pop && x->net->projs[k].post == (uint32_t)op) pj = (int)k;
    }
    if (fb == SS_FB_SYMMETRIC && pj < 0)
      return key_error(x, sec, "feedback", SS_EINVAL, err,
                       "symmetric feedback needs a projection from '%s' to '%s'", name, from);
    L->fb_proj[pop] = pj < 0 ? 0 : (uint32_t)pj;
    if ((rc = ss_config_get_int(x->cfg, sec, "feedback_seed", 0, 0, INT64_MAX, -1, &seed, err))) return rc;
    L->fb_seed[pop] = seed >= 0 ? (uint64_t)seed : stream_seed(x, sec);
  }
  return SS_OK;
}

static void learning_free(ss_learning_spec *L, uint32_t n_pops) {
  if (!L) return;
  if (L->targets)
    for (uint32_t p = 0; p < n_pops; ++p)
      if (L->targets[p]) {
        ss_source_clear(L->targets[p]);
        free(L->targets[p]);
      }
  if (L->stimuli)
    for (uint32_t p = 0; p < n_pops; ++p)
      if (L->stimuli[p]) {
        ss_stimuli_clear(L->stimuli[p]);
        free(L->stimuli[p]);
      }
  free(L->stimuli);
  free(L->opportunity);
  free(L->extra_free);
  free((void *)L->op.sched_factor);
  free(L->sched_t);
  free(L->role);
  free(L->fb);
  free(L->fb_from);
  free(L->fb_proj);
  free(L->fb_seed);
  free(L->targets);
  free(L->plastic);
  free(L->r0);
  free(L->rho);
  free(L);
}

ss_experiment *ss_experiment_load(const char *path, const char *const *sets, int n_sets,
                                  const char *out_dir, ss_error *err) {
  ss_error local;
  if (!err) err = &local; /* messages are built from err->msg */
  ss_experiment *x = calloc(1, sizeof *x);
  if (!x) {
    ss_error_set(err, SS_ENOMEM, "out of memory");
    return NULL;
  }
  int rc = SS_OK;
  x->out_dir = join_path(".", out_dir ? out_dir : ".");
  x->cfg = ss_config_load(path, err);
  x->net = ss_net_create();
  if (!x->cfg || !x->net || !x->out_dir) goto fail_msg;
  for (int k = 0; k < n_sets; ++k)
    if ((rc = ss_config_set(x->cfg, sets[k], err))) goto fail;
  size_t ns = ss_config_n_sections(x->cfg);
  /* [run] first: the master seed is needed by everything else */
  int have_run = 0;
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    if (!strcmp(sc->type, "run")) {
      if (sc->name) {
        rc = key_error(x, s, NULL, SS_EPARSE, err, "the [run] section takes no name");
        goto fail;
      }
      if ((rc = load_run(x, s, err))) goto fail;
      have_run = 1;
    }
  }
  if (!have_run) {
    rc = ss_error_set(err, SS_EPARSE, "%s: missing [run] section (it sets at least 'duration')", path);
    goto fail;
  }
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    if (strcmp(sc->type, "learning")) continue;
    if (sc->name) {
      rc = key_error(x, s, NULL, SS_EPARSE, err, "the [learning] section takes no name");
      goto fail;
    }
    if ((rc = load_learning(x, s, ns, err))) goto fail;
  }
  x->sources = calloc(ns + 1, sizeof *x->sources);
  if (!x->sources) goto fail_msg;
  /* populations and sources, in file order */
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    int is_pop = !strcmp(sc->type, "population"), is_src = !strcmp(sc->type, "source");
    int known = is_pop || is_src || !strcmp(sc->type, "run") || !strcmp(sc->type, "projection") ||
                !strcmp(sc->type, "monitor") || !strcmp(sc->type, "learning");
    if (!known) {
      rc = key_error(x, s, NULL, SS_EPARSE, err,
                     "unknown section type '%s' (expected run, population, source, projection, monitor or learning)",
                     sc->type);
      goto fail;
    }
    if ((is_pop || is_src || !strcmp(sc->type, "projection") || !strcmp(sc->type, "monitor")) && !sc->name) {
      rc = key_error(x, s, NULL, SS_EPARSE, err, "a [%s] section needs a name: [%s NAME]", sc->type, sc->type);
      goto fail;
    }
    if (is_pop && (rc = load_population(x, s, sc->name, err))) goto fail;
    if (is_src && (rc = load_source(x, s, sc->name, err))) goto fail;
  }
  if (x->net->n_pops == 0) {
    rc = ss_error_set(err, SS_EPARSE, "%s: no [population] or [source] section", path);
    goto fail;
  }
  /* simulation needs no incoming order; learning needs the incoming slots */
  x->net->incoming = x->learn ? SS_NET_IN_SLOTS : SS_NET_IN_NONE;
  x->weights_out = calloc(ns + 1, sizeof *x->weights_out);
  if (!x->weights_out) goto fail_msg;
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    if (!strcmp(sc->type, "projection") && (rc = load_projection(x, s, sc->name, err))) goto fail;
  }
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    if (!strcmp(sc->type, "population") && (rc = load_role(x, s, sc->name, err))) goto fail;
  }
  if ((rc = ss_net_build(x->net, err))) goto fail;
  x->rec = ss_record_create(x->net);
  if (!x->rec) goto fail_msg;
  for (size_t s = 0; s < ns; ++s) {
    const ss_config_section *sc = ss_config_section_at(x->cfg, s);
    if (!strcmp(sc->type, "monitor") && (rc = load_monitor(x, s, sc->name, err))) goto fail;
  }
  if ((rc = ss_config_check_unused(x->cfg, err))) goto fail;
  if ((rc = make_dirs(x->out_dir, err))) goto fail;
  return x;
fail_msg:
  if (!err || err->code == SS_OK) ss_error_set(err, SS_ENOMEM, "out of memory");
fail:
  (void)rc;
  ss_experiment_destroy(x);
  return NULL;
}

void ss_experiment_destroy(ss_experiment *x) {
  if (!x) return;
  if (x->sources && x->net)
    for (uint32_t p = 0; p < x->net->n_pops; ++p)
      if (x->sources[p]) {
        ss_source_clear(x->sources[p]);
        free(x->sources[p]);
      }
  if (x->weights_out && x->net)
    for (uint32_t p = 0; p < x->net->n_projs; ++p) free(x->weights_out[p]);
  free(x->weights_out);
  free(x->probe_path);
  learning_free(x->learn, x->net ? x->net->n_pops : 0);
  free(x->sources);
  ss_record_destroy(x->rec);
  ss_net_destroy(x->net);
  ss_config_destroy(x->cfg);
  free(x->out_dir);
  free(x);
}

int ss_experiment_write(ss_experiment *x, ss_error *err) {
  int rc = ss_record_write(x->rec, err);
  if (rc) return rc;
  for (uint32_t p = 0; p < x->net->n_projs; ++p)
    if (x->weights_out[p] && (rc = ss_net_write_edges(x->net, p, x->weights_out[p], err))) return rc;
  return SS_OK;
}

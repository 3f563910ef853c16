/* config.c - experiment files: INI sections of `key = value` with units
 * (config.h).
 *
 * Syntax, line by line (a UTF-8 byte order mark and CRLF line ends are
 * tolerated):
 *   - blank lines and lines whose first non-blank character is '#' or ';'
 *     are comments;
 *   - `[type]` or `[type name]` opens a section; type is made of letters,
 *     digits, '_' and '-', a name may also contain '.'; a comment may follow
 *     the ']';
 *   - `key = value` sets a key of the current section; the key is made of
 *     letters, digits, '_' and '-'; the value is trimmed, and a '#' or ';'
 *     that starts the value or follows a blank starts a trailing comment
 *     (so "a#b" keeps its '#').  Values have no quoting.
 * A section is addressed by its name if it has one, else by its type, so two
 * sections may not share a name, two unnamed sections may not share a type,
 * and a name may not equal the type of an unnamed section. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/config.h"

typedef struct cfg_key {
  char *key;
  char *value;
  int line;      /* 0 for keys added by ss_config_set */
  int from_set;  /* last value came from ss_config_set */
  int used;      /* a getter asked for it */
} cfg_key;

typedef struct cfg_sec {
  ss_config_section pub;  /* type/name point at the strings below */
  char *type;
  char *name;
  cfg_key *keys;
  size_t n_keys, cap_keys;
} cfg_sec;

struct ss_config {
  char *file;  /* name used in messages */
  char *dir;   /* directory of the file, "." for a string */
  cfg_sec *secs;
  size_t n_secs, cap_secs;
};

/* ------------------------------------------------------------ helpers */

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_word_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
static int is_name_char(char c) { return is_word_char(c) || c == '.'; }

static int all_chars(const char *s, size_t n, int (*ok)(char)) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++)
    if (!ok(s[i])) return 0;
  return 1;
}

static char *dup_n(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* Trim [*b, *e) in place. */
static void trim(const char **b, const char **e) {
  while (*b < *e && is_blank(**b)) (*b)++;
  while (*e > *b && is_blank((*e)[-1])) (*e)--;
}

static int ascii_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return *a == *b;
}

/* ------------------------------------------------------------ numbers */

/* Length of the longest prefix of s[0..len) that is a plain decimal number,
 * 0 if none.  An 'e' not followed by an exponent is not part of it. */
static size_t decimal_prefix(const char *s, size_t len) {
  size_t i = 0, digits = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) i++;
  while (i < len && is_digit(s[i])) i++, digits++;
  if (i < len && s[i] == '.') {
    i++;
    while (i < len && is_digit(s[i])) i++, digits++;
  }
  if (!digits) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < len && (s[j] == '+' || s[j] == '-')) j++;
    if (j < len && is_digit(s[j])) {
      while (j < len && is_digit(s[j])) j++;
      i = j;
    }
  }
  return i;
}

int ss_parse_decimal(const char *s, size_t len, int exp10, double *out) {
  if (!s || decimal_prefix(s, len) != len) return SS_EPARSE;
  /* split mantissa / exponent */
  size_t m = 0;
  while (m < len && s[m] != 'e' && s[m] != 'E') m++;
  long exp = 0;
  if (m < len) {
    size_t j = m + 1;
    int neg = 0;
    if (s[j] == '+' || s[j] == '-') neg = s[j++] == '-';
    for (; j < len; j++) {
      if (exp < 1000000) exp = exp * 10 + (s[j] - '0');
    }
    if (neg) exp = -exp;
  }
  exp += exp10;
  char small[128];
  char *buf = small;
  size_t need = m + 24;
  if (need > sizeof small) {
    buf = malloc(need);
    if (!buf) return SS_ENOMEM;
  }
  memcpy(buf, s, m);
  snprintf(buf + m, need - m, "e%ld", exp);
  errno = 0;
  char *end;
  double v = strtod(buf, &end);
  int bad = *end != '\0';
  if (buf != small) free(buf);
  if (bad) return SS_EPARSE;
  if (!isfinite(v)) return SS_ERANGE;
  *out = v + 0.0;  /* -0 -> +0 */
  return SS_OK;
}

/* Units: name and power of ten to the returned unit. */
typedef struct unit_name {
  const char *name;
  int exp10;
} unit_name;

static const unit_name time_units[] = {
    {"s", 3}, {"ms", 0}, {"us", -3}, {"\xc2\xb5s", -3}, {"\xce\xbcs", -3},
    {NULL, 0}};
static const unit_name voltage_units[] = {
    {"V", 3}, {"mV", 0}, {"uV", -3}, {"\xc2\xb5V", -3}, {"\xce\xbcV", -3},
    {NULL, 0}};
static const unit_name rate_units[] = {{"Hz", 0}, {"kHz", 3}, {NULL, 0}};

static const char *unit_expect(ss_unit unit) {
  switch (unit) {
    case SS_UNIT_TIME: return "a time with a unit (s, ms, us)";
    case SS_UNIT_VOLTAGE: return "a voltage with a unit (V, mV, uV)";
    case SS_UNIT_RATE: return "a rate (a number in Hz, or with a unit: Hz, kHz)";
    default: return "a number without a unit";
  }
}

/* 0, SS_EPARSE or SS_ERANGE (a number too large for a double). */
static int parse_quantity(const char *s, ss_unit unit, double *out) {
  if (!s) return SS_EPARSE;
  const char *b = s, *e = s + strlen(s);
  trim(&b, &e);
  size_t n = decimal_prefix(b, (size_t)(e - b));
  if (!n) return SS_EPARSE;
  const char *u = b + n;
  while (u < e && is_blank(*u)) u++;
  size_t ulen = (size_t)(e - u);
  int exp10 = 0;
  if (ulen == 0) {
    if (unit == SS_UNIT_TIME || unit == SS_UNIT_VOLTAGE) return SS_EPARSE;
  } else {
    const unit_name *tab = unit == SS_UNIT_TIME      ? time_units
                           : unit == SS_UNIT_VOLTAGE ? voltage_units
                           : unit == SS_UNIT_RATE    ? rate_units
                                                     : NULL;
    if (!tab) return SS_EPARSE;
    const unit_name *hit = NULL;
    for (; tab->name; tab++) {
      if (strlen(tab->name) == ulen && memcmp(tab->name, u, ulen) == 0) {
        hit = tab;
        break;
      }
    }
    if (!hit) return SS_EPARSE;
    exp10 = hit->exp10;
  }
  return ss_parse_decimal(b, n, exp10, out);
}

int ss_parse_quantity(const char *s, ss_unit unit, double *out) {
  double v;
  int rc = parse_quantity(s, unit, &v);
  if (rc == SS_ENOMEM) return rc;
  if (rc) return SS_EPARSE;
  *out = v;
  return SS_OK;
}

/* ------------------------------------------------------------ structure */

static void sec_free(cfg_sec *s) {
  for (size_t k = 0; k < s->n_keys; k++) {
    free(s->keys[k].key);
    free(s->keys[k].value);
  }
  free(s->keys);
  free(s->type);
  free(s->name);
}

void ss_config_destroy(ss_config *cfg) {
  if (!cfg) return;
  for (size_t i = 0; i < cfg->n_secs; i++) sec_free(&cfg->secs[i]);
  free(cfg->secs);
  free(cfg->file);
  free(cfg->dir);
  free(cfg);
}

/* The name by which --set addresses a section. */
static const char *sec_addr(const cfg_sec *s) { return s->name ? s->name : s->type; }

/* "[type]" or "[type name]" */
static void sec_label(const cfg_sec *s, char *buf, size_t size) {
  if (s->name)
    snprintf(buf, size, "[%s %s]", s->type, s->name);
  else
    snprintf(buf, size, "[%s]", s->type);
}

static cfg_key *find_key(const cfg_sec *s, const char *key) {
  for (size_t k = 0; k < s->n_keys; k++)
    if (strcmp(s->keys[k].key, key) == 0) return &s->keys[k];
  return NULL;
}

static cfg_key *add_key(cfg_sec *s, const char *key, size_t klen,
                        const char *val, size_t vlen, int line) {
  if (s->n_keys == s->cap_keys) {
    size_t cap = s->cap_keys ? 2 * s->cap_keys : 8;
    cfg_key *p = ss_realloc_array(s->keys, cap, sizeof *p);
    if (!p) return NULL;
    s->keys = p;
    s->cap_keys = cap;
  }
  cfg_key *k = &s->keys[s->n_keys];
  k->key = dup_n(key, klen);
  k->value = dup_n(val, vlen);
  if (!k->key || !k->value) {
    free(k->key);
    free(k->value);
    return NULL;
  }
  k->line = line;
  k->from_set = 0;
  k->used = 0;
  s->n_keys++;
  return k;
}

/* Location of a key for messages. */
static void key_where(const ss_config *cfg, const cfg_sec *s, const cfg_key *k,
                      char *buf, size_t size) {
  if (k->from_set) {
    snprintf(buf, size, "--set %s.%s", sec_addr(s), k->key);
  } else {
    char label[160];
    sec_label(s, label, sizeof label);
    snprintf(buf, size, "%s:%d: %s %s", cfg->file, k->line, label, k->key);
  }
}

/* ------------------------------------------------------------ parsing */

static int add_section(ss_config *cfg, const char *type, size_t tlen,
                       const char *name, size_t nlen, int line,
                       ss_error *err) {
  /* uniqueness of the address */
  const char *addr = name ? name : type;
  size_t alen = name ? nlen : tlen;
  for (size_t i = 0; i < cfg->n_secs; i++) {
    const cfg_sec *o = &cfg->secs[i];
    const char *oa = sec_addr(o);
    if (strlen(oa) != alen || memcmp(oa, addr, alen) != 0) continue;
    if (name && o->name)
      return ss_error_set(err, SS_EPARSE,
                          "%s:%d: duplicate section name '%s' (already used "
                          "on line %d)",
                          cfg->file, line, o->name, o->pub.line);
    if (!name && !o->name)
      return ss_error_set(err, SS_EPARSE,
                          "%s:%d: duplicate section [%s] (first on line %d; "
                          "give sections of the same type distinct names, as "
                          "in [%s name])",
                          cfg->file, line, o->type, o->pub.line, o->type);
    char label[160];
    sec_label(o, label, sizeof label);
    if (name)
      return ss_error_set(err, SS_EPARSE,
                          "%s:%d: section name '%.*s' clashes with the section "
                          "%s on line %d (sections are addressed by name, "
                          "else by type)",
                          cfg->file, line, (int)alen, addr, label, o->pub.line);
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: section [%.*s] clashes with the section %s on "
                        "line %d (sections are addressed by name, else by "
                        "type)",
                        cfg->file, line, (int)alen, addr, label, o->pub.line);
  }
  if (cfg->n_secs == cfg->cap_secs) {
    size_t cap = cfg->cap_secs ? 2 * cfg->cap_secs : 8;
    cfg_sec *p = ss_realloc_array(cfg->secs, cap, sizeof *p);
    if (!p) return ss_error_set(err, SS_ENOMEM, "%s: out of memory", cfg->file);
    cfg->secs = p;
    cfg->cap_secs = cap;
  }
  cfg_sec *s = &cfg->secs[cfg->n_secs];
  memset(s, 0, sizeof *s);
  s->type = dup_n(type, tlen);
  s->name = name ? dup_n(name, nlen) : NULL;
  if (!s->type || (name && !s->name)) {
    free(s->type);
    free(s->name);
    return ss_error_set(err, SS_ENOMEM, "%s: out of memory", cfg->file);
  }
  s->pub.type = s->type;
  s->pub.name = s->name;
  s->pub.line = line;
  cfg->n_secs++;
  return SS_OK;
}

/* Is p (inside [b, e)) the start of a trailing comment? */
static int comment_at(const char *b, const char *p) {
  return (*p == '#' || *p == ';') && (p == b || is_blank(p[-1]));
}

static int parse_header(ss_config *cfg, const char *b, const char *e, int line,
                        ss_error *err) {
  const char *close = memchr(b, ']', (size_t)(e - b));
  int show = (int)(e - b > 60 ? 60 : e - b);
  if (!close)
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': missing ']' "
                        "(expected [type] or [type name])",
                        cfg->file, line, show, b);
  /* only a comment may follow */
  const char *after = close + 1;
  while (after < e && is_blank(*after)) after++;
  if (after < e && !comment_at(close + 1, after))
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': unexpected "
                        "text after ']'",
                        cfg->file, line, show, b);
  const char *w1 = b + 1, *we = close;
  trim(&w1, &we);
  const char *w1e = w1;
  while (w1e < we && !is_blank(*w1e)) w1e++;
  const char *w2 = w1e;
  while (w2 < we && is_blank(*w2)) w2++;
  const char *w2e = w2;
  while (w2e < we && !is_blank(*w2e)) w2e++;
  int hshow = (int)(close + 1 - b > 60 ? 60 : close + 1 - b);
  if (w1 == w1e)
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': empty "
                        "(expected [type] or [type name])",
                        cfg->file, line, hshow, b);
  if (w2e != we)
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': more than two "
                        "words (expected [type] or [type name])",
                        cfg->file, line, hshow, b);
  if (!all_chars(w1, (size_t)(w1e - w1), is_word_char))
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': invalid type "
                        "'%.*s' (letters, digits, '_' and '-' only)",
                        cfg->file, line, hshow, b, (int)(w1e - w1), w1);
  if (w2 < w2e && !all_chars(w2, (size_t)(w2e - w2), is_name_char))
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: malformed section header '%.*s': invalid name "
                        "'%.*s' (letters, digits, '_', '-' and '.' only)",
                        cfg->file, line, hshow, b, (int)(w2e - w2), w2);
  return add_section(cfg, w1, (size_t)(w1e - w1), w2 < w2e ? w2 : NULL,
                     (size_t)(w2e - w2), line, err);
}

static int parse_assignment(ss_config *cfg, const char *b, const char *e,
                            int line, ss_error *err) {
  int show = (int)(e - b > 60 ? 60 : e - b);
  const char *eq = memchr(b, '=', (size_t)(e - b));
  if (!eq)
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: expected 'key = value' or a [section] header, "
                        "got '%.*s'",
                        cfg->file, line, show, b);
  const char *kb = b, *ke = eq;
  trim(&kb, &ke);
  if (kb == ke)
    return ss_error_set(err, SS_EPARSE, "%s:%d: empty key before '=' in '%.*s'",
                        cfg->file, line, show, b);
  if (!all_chars(kb, (size_t)(ke - kb), is_word_char))
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: invalid key '%.*s' (letters, digits, '_' and "
                        "'-' only)",
                        cfg->file, line, (int)(ke - kb > 60 ? 60 : ke - kb), kb);
  if (cfg->n_secs == 0)
    return ss_error_set(err, SS_EPARSE,
                        "%s:%d: key '%.*s' outside of any section (add a "
                        "[section] header above it)",
                        cfg->file, line, (int)(ke - kb), kb);
  const char *vb = eq + 1, *ve = e;
  while (vb < ve && is_blank(*vb)) vb++;
  for (const char *p = vb; p < ve; p++) {
    if (comment_at(vb, p)) {
      ve = p;
      break;
    }
  }
  trim(&vb, &ve);
  cfg_sec *s = &cfg->secs[cfg->n_secs - 1];
  for (size_t k = 0; k < s->n_keys; k++) {
    if (strlen(s->keys[k].key) == (size_t)(ke - kb) &&
        memcmp(s->keys[k].key, kb, (size_t)(ke - kb)) == 0) {
      char label[160];
      sec_label(s, label, sizeof label);
      return ss_error_set(err, SS_EPARSE,
                          "%s:%d: %s duplicate key '%s' (first set on line %d)",
                          cfg->file, line, label, s->keys[k].key,
                          s->keys[k].line);
    }
  }
  if (!add_key(s, kb, (size_t)(ke - kb), vb, (size_t)(ve - vb), line))
    return ss_error_set(err, SS_ENOMEM, "%s: out of memory", cfg->file);
  return SS_OK;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return dup_n(".", 1);
  const char *end = slash;
  while (end > path && end[-1] == '/') end--;  /* "a//b" -> "a" */
  if (end == path) return dup_n("/", 1);
  return dup_n(path, (size_t)(end - path));
}

static ss_config *parse_text(const char *text, size_t len, const char *name,
                             const char *dir, ss_error *err) {
  ss_config *cfg = calloc(1, sizeof *cfg);
  if (!cfg) {
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", name);
    return NULL;
  }
  cfg->file = dup_n(name, strlen(name));
  cfg->dir = dup_n(dir, strlen(dir));
  if (!cfg->file || !cfg->dir) {
    ss_config_destroy(cfg);
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", name);
    return NULL;
  }
  const char *p = text, *end = text + len;
  if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) p += 3;  /* BOM */
  for (int line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    const char *b = p, *e = le;
    trim(&b, &e);
    int rc = SS_OK;
    if (b == e || *b == '#' || *b == ';') {
      /* blank or comment */
    } else if (memchr(b, '\0', (size_t)(e - b))) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%d: NUL byte in line", name, line);
    } else if (*b == '[') {
      rc = parse_header(cfg, b, e, line, err);
    } else {
      rc = parse_assignment(cfg, b, e, line, err);
    }
    if (rc) {
      ss_config_destroy(cfg);
      return NULL;
    }
    p = nl ? nl + 1 : end;
  }
  return cfg;
}

ss_config *ss_config_parse(const char *text, const char *name, ss_error *err) {
  if (!name) name = "<string>";
  if (!text) {
    ss_error_set(err, SS_EINVAL, "%s: no text", name);
    return NULL;
  }
  return parse_text(text, strlen(text), name, ".", err);
}

ss_config *ss_config_load(const char *path, ss_error *err) {
  if (!path) {
    ss_error_set(err, SS_EINVAL, "config: no file name");
    return NULL;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    ss_error_set(err, SS_EIO, "%s: cannot open config file: %s", path,
                 strerror(errno));
    return NULL;
  }
  size_t len = 0, cap = 4096;
  char *text = malloc(cap);
  for (;;) {
    if (!text) {
      fclose(fp);
      ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
      return NULL;
    }
    len += fread(text + len, 1, cap - len, fp);
    if (len < cap) break;
    char *t = cap > (size_t)-1 / 2 ? NULL : realloc(text, 2 * cap);
    if (!t) free(text);
    text = t;
    cap *= 2;
  }
  if (ferror(fp)) {
    int e = errno;
    fclose(fp);
    free(text);
    ss_error_set(err, SS_EIO, "%s: cannot read config file: %s", path,
                 strerror(e));
    return NULL;
  }
  fclose(fp);
  char *dir = dir_of(path);
  if (!dir) {
    free(text);
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
    return NULL;
  }
  ss_config *cfg = parse_text(text, len, path, dir, err);
  free(dir);
  free(text);
  return cfg;
}

/* ------------------------------------------------------------ overrides */

int ss_config_set(ss_config *cfg, const char *assignment, ss_error *err) {
  if (!cfg || !assignment)
    return ss_error_set(err, SS_EINVAL, "--set: no assignment");
  const char *eq = strchr(assignment, '=');
  const char *lb = assignment, *le = eq ? eq : assignment + strlen(assignment);
  trim(&lb, &le);
  const char *dot = NULL;
  for (const char *q = lb; q < le; q++)
    if (*q == '.') dot = q;
  if (!eq || !dot || dot == lb || dot + 1 == le)
    return ss_error_set(err, SS_EPARSE,
                        "--set '%s': expected section.key=value (e.g. "
                        "run.duration=2s)",
                        assignment);
  const char *kb = dot + 1;
  size_t klen = (size_t)(le - kb), slen = (size_t)(dot - lb);
  if (!all_chars(kb, klen, is_word_char))
    return ss_error_set(err, SS_EPARSE,
                        "--set %.*s: invalid key '%.*s' (letters, digits, '_' "
                        "and '-' only)",
                        (int)(le - lb), lb, (int)klen, kb);
  cfg_sec *s = NULL;
  for (size_t i = 0; i < cfg->n_secs && !s; i++) {
    const char *a = sec_addr(&cfg->secs[i]);
    if (strlen(a) == slen && memcmp(a, lb, slen) == 0) s = &cfg->secs[i];
  }
  if (!s) {
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < cfg->n_secs && used < sizeof list; i++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                       sec_addr(&cfg->secs[i]));
      if (w < 0) break;
      used += (size_t)w;
    }
    return ss_error_set(err, SS_EINVAL,
                        "--set %.*s: unknown section '%.*s' (sections: %s)",
                        (int)(le - lb), lb, (int)slen, lb,
                        cfg->n_secs ? list : "none");
  }
  const char *vb = eq + 1, *ve = vb + strlen(vb);
  trim(&vb, &ve);
  char *key = dup_n(kb, klen);
  if (!key) return ss_error_set(err, SS_ENOMEM, "--set: out of memory");
  cfg_key *k = find_key(s, key);
  free(key);
  if (k) {
    char *v = dup_n(vb, (size_t)(ve - vb));
    if (!v) return ss_error_set(err, SS_ENOMEM, "--set: out of memory");
    free(k->value);
    k->value = v;
  } else {
    k = add_key(s, kb, klen, vb, (size_t)(ve - vb), 0);
    if (!k) return ss_error_set(err, SS_ENOMEM, "--set: out of memory");
  }
  k->from_set = 1;
  return SS_OK;
}

/* ------------------------------------------------------------ access */

size_t ss_config_n_sections(const ss_config *cfg) { return cfg ? cfg->n_secs : 0; }

const ss_config_section *ss_config_section_at(const ss_config *cfg, size_t i) {
  if (!cfg || i >= cfg->n_secs) return NULL;
  return &cfg->secs[i].pub;
}

int ss_config_has(const ss_config *cfg, size_t sec, const char *key) {
  if (!cfg || sec >= cfg->n_secs || !key) return 0;
  return find_key(&cfg->secs[sec], key) != NULL;
}

void ss_config_where(const ss_config *cfg, size_t sec, const char *key,
                     char *buf, size_t size) {
  if (!buf || !size) return;
  if (!cfg || sec >= cfg->n_secs) {
    snprintf(buf, size, "%s", cfg ? cfg->file : "config");
    return;
  }
  const cfg_sec *s = &cfg->secs[sec];
  const cfg_key *k = key ? find_key(s, key) : NULL;
  if (k) {
    key_where(cfg, s, k, buf, size);
    return;
  }
  char label[160];
  sec_label(s, label, sizeof label);
  if (key)
    snprintf(buf, size, "%s:%d: %s %s", cfg->file, s->pub.line, label, key);
  else
    snprintf(buf, size, "%s:%d: %s", cfg->file, s->pub.line, label);
}

/* Common start of the getters: the key (marked used), or NULL when absent
 * (then *rc is 0, or an error if required). */
static cfg_key *getter_key(ss_config *cfg, size_t sec, const char *key,
                           int required, int *rc, ss_error *err) {
  *rc = SS_OK;
  if (!cfg || sec >= cfg->n_secs || !key) {
    *rc = ss_error_set(err, SS_EINVAL, "config: bad section index or key");
    return NULL;
  }
  cfg_sec *s = &cfg->secs[sec];
  cfg_key *k = find_key(s, key);
  if (k) {
    k->used = 1;
    return k;
  }
  if (required) {
    char label[160];
    sec_label(s, label, sizeof label);
    *rc = ss_error_set(err, SS_EPARSE, "%s:%d: %s missing required key '%s'",
                       cfg->file, s->pub.line, label, key);
  }
  return NULL;
}

static int value_error(const ss_config *cfg, size_t sec, const cfg_key *k,
                       int code, const char *expected, ss_error *err) {
  char where[400];
  key_where(cfg, &cfg->secs[sec], k, where, sizeof where);
  return ss_error_set(err, code, "%s: expected %s, got '%.80s'", where,
                      expected, k->value);
}

int ss_config_get_number(ss_config *cfg, size_t sec, const char *key,
                         ss_unit unit, int required, double def, double *out,
                         ss_error *err) {
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  double v;
  rc = parse_quantity(k->value, unit, &v);
  if (rc == SS_ENOMEM) return ss_error_set(err, rc, "config: out of memory");
  if (rc == SS_ERANGE) {
    char what[160];
    snprintf(what, sizeof what, "%s that fits a double", unit_expect(unit));
    return value_error(cfg, sec, k, SS_ERANGE, what, err);
  }
  if (rc) return value_error(cfg, sec, k, SS_EPARSE, unit_expect(unit), err);
  *out = v;
  return SS_OK;
}

/* [+-]?digits, nothing else */
static int is_integer_text(const char *s, int allow_sign) {
  if (allow_sign && (*s == '+' || *s == '-')) s++;
  if (!*s) return 0;
  for (; *s; s++)
    if (!is_digit(*s)) return 0;
  return 1;
}

int ss_config_get_int(ss_config *cfg, size_t sec, const char *key,
                      int required, long long min, long long max, long long def,
                      long long *out, ss_error *err) {
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  char what[128];
  snprintf(what, sizeof what, "an integer between %lld and %lld", min, max);
  if (!is_integer_text(k->value, 1))
    return value_error(cfg, sec, k, SS_EPARSE, what, err);
  errno = 0;
  long long v = strtoll(k->value, NULL, 10);
  if (errno == ERANGE || v < min || v > max)
    return value_error(cfg, sec, k, SS_ERANGE, what, err);
  *out = v;
  return SS_OK;
}

int ss_config_get_u64(ss_config *cfg, size_t sec, const char *key,
                      int required, uint64_t def, uint64_t *out, ss_error *err) {
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  const char *what = "an unsigned integer between 0 and 18446744073709551615";
  if (!is_integer_text(k->value, 0))
    return value_error(cfg, sec, k, SS_EPARSE, what, err);
  errno = 0;
  unsigned long long v = strtoull(k->value, NULL, 10);
  if (errno == ERANGE || (uint64_t)v != v)
    return value_error(cfg, sec, k, SS_ERANGE, what, err);
  *out = (uint64_t)v;
  return SS_OK;
}

int ss_config_get_bool(ss_config *cfg, size_t sec, const char *key,
                       int required, int def, int *out, ss_error *err) {
  static const char *const yes[] = {"yes", "true", "on", "1"};
  static const char *const no[] = {"no", "false", "off", "0"};
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (ascii_ieq(k->value, yes[i])) {
      *out = 1;
      return SS_OK;
    }
    if (ascii_ieq(k->value, no[i])) {
      *out = 0;
      return SS_OK;
    }
  }
  return value_error(cfg, sec, k, SS_EPARSE,
                     "yes/no (or true/false, on/off, 1/0)", err);
}

int ss_config_get_string(ss_config *cfg, size_t sec, const char *key,
                         int required, const char *def, const char **out,
                         ss_error *err) {
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  *out = k->value;
  return SS_OK;
}

int ss_config_get_choice(ss_config *cfg, size_t sec, const char *key,
                         int required, const char *const *choices, int def,
                         int *out, ss_error *err) {
  int rc;
  cfg_key *k = getter_key(cfg, sec, key, required, &rc, err);
  if (!k) {
    if (!rc) *out = def;
    return rc;
  }
  char what[300] = "one of ";
  size_t used = strlen(what);
  for (int i = 0; choices && choices[i]; i++) {
    if (strcmp(k->value, choices[i]) == 0) {
      *out = i;
      return SS_OK;
    }
    if (used < sizeof what) {
      int w = snprintf(what + used, sizeof what - used, "%s'%s'", i ? ", " : "",
                       choices[i]);
      if (w > 0) used += (size_t)w;
    }
  }
  return value_error(cfg, sec, k, SS_EPARSE, what, err);
}

int ss_config_check_unused(const ss_config *cfg, ss_error *err) {
  if (!cfg) return SS_OK;
  /* keys of the file in line order, then keys added by --set (line 0) */
  const cfg_sec *best_s = NULL;
  const cfg_key *best = NULL;
  for (size_t i = 0; i < cfg->n_secs; i++) {
    const cfg_sec *s = &cfg->secs[i];
    for (size_t j = 0; j < s->n_keys; j++) {
      const cfg_key *k = &s->keys[j];
      if (k->used) continue;
      int better = !best || (k->line && (!best->line || k->line < best->line));
      if (better) {
        best = k;
        best_s = s;
      }
    }
  }
  if (!best) return SS_OK;
  char where[400];
  if (!best->line) {
    snprintf(where, sizeof where, "--set %s.%s:", sec_addr(best_s), best->key);
  } else {
    char label[160];
    sec_label(best_s, label, sizeof label);
    snprintf(where, sizeof where, "%s:%d: %s", cfg->file, best->line, label);
  }
  return ss_error_set(err, SS_EPARSE, "%s unknown key '%s'", where, best->key);
}

const char *ss_config_dir(const ss_config *cfg) { return cfg ? cfg->dir : "."; }

static uint64_t fnv1a(uint64_t h, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  do {  /* include the terminating NUL as a separator */
    h ^= *p;
    h *= 0x100000001b3ULL;
  } while (*p++);
  return h;
}

uint64_t ss_config_hash(const ss_config *cfg) {
  uint64_t h = 0xcbf29ce484222325ULL;
  if (!cfg) return h;
  for (size_t i = 0; i < cfg->n_secs; i++) {
    const cfg_sec *s = &cfg->secs[i];
    h = fnv1a(h, "[");
    h = fnv1a(h, s->type);
    h = fnv1a(h, s->name ? s->name : "");
    for (size_t j = 0; j < s->n_keys; j++) {
      h = fnv1a(h, s->keys[j].key);
      h = fnv1a(h, s->keys[j].value);
    }
  }
  return h;
}

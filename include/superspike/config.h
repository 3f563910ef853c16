/* config.h - experiment files: INI sections of `key = value` with units.
 *
 *   # comment (also ';'), blank lines ignored
 *   [run]                       a section with a type only
 *   [population hidden]         a section with a type and a unique name
 *   tau_mem = 10 ms             values may carry a unit
 *
 * A section is addressed by its name if it has one, else by its type, so
 * `--set hidden.tau_mem=20ms` and `--set run.duration=2s` override keys (an
 * override of a key that the file does not contain adds it).  Every getter
 * marks the key as used; ss_config_check_unused then reports the first key
 * nobody asked for, so misspelt keys never pass silently.  Every error names
 * the file, the line and the field. */
#ifndef SUPERSPIKE_CONFIG_H
#define SUPERSPIKE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_config ss_config;

typedef struct ss_config_section {
  const char *type;  /* "population", "run", ... */
  const char *name;  /* "hidden", or NULL for unnamed sections */
  int line;          /* line of the [header] */
} ss_config_section;

/* Physical dimensions a value can carry. */
typedef enum ss_unit {
  SS_UNIT_NONE = 0,   /* dimensionless number */
  SS_UNIT_TIME,       /* returned in ms; accepts s, ms, us */
  SS_UNIT_VOLTAGE,    /* returned in mV; accepts V, mV, uV */
  SS_UNIT_RATE        /* returned in Hz (1/s); accepts Hz, kHz */
} ss_unit;

/* Parse the file.  Syntax errors (no '=', unterminated header, key outside a
 * section, duplicate key, duplicate section name) are reported here. */
ss_config *ss_config_load(const char *path, ss_error *err);
/* Parse from a string (tests); `name` stands for the file name in messages. */
ss_config *ss_config_parse(const char *text, const char *name, ss_error *err);
void ss_config_destroy(ss_config *cfg);

/* Apply an override "section.key=value" (from --set).  Errors name the
 * option; an unknown section is an error. */
int ss_config_set(ss_config *cfg, const char *assignment, ss_error *err);

/* Sections in file order. */
size_t ss_config_n_sections(const ss_config *cfg);
const ss_config_section *ss_config_section_at(const ss_config *cfg, size_t i);

/* 1 if section i has the key (does not mark it used). */
int ss_config_has(const ss_config *cfg, size_t sec, const char *key);

/* Typed getters on section `sec`.  If the key is absent, *out = def and 0 is
 * returned, unless `required`, which is an error naming the section.  Values:
 *   number: strtod-complete, finite;  with a unit when unit != NONE
 *     ("10 ms", "10ms", "0.01 s"; a bare number is an error for TIME and
 *     VOLTAGE so that units are never guessed; RATE accepts "5 Hz" or "5");
 *   int / u64: decimal, within range;
 *   bool: yes/no/true/false/on/off/1/0;
 *   string: the raw value (owned by cfg).
 * Errors read "FILE:LINE: [section] key: expected ..., got '...'". */
int ss_config_get_number(ss_config *cfg, size_t sec, const char *key,
                         ss_unit unit, int required, double def, double *out,
                         ss_error *err);
int ss_config_get_int(ss_config *cfg, size_t sec, const char *key,
                      int required, long long min, long long max, long long def,
                      long long *out, ss_error *err);
/* Unsigned 64-bit decimal (seeds): digits only, no sign, no overflow. */
int ss_config_get_u64(ss_config *cfg, size_t sec, const char *key,
                      int required, uint64_t def, uint64_t *out, ss_error *err);
int ss_config_get_bool(ss_config *cfg, size_t sec, const char *key,
                       int required, int def, int *out, ss_error *err);
int ss_config_get_string(ss_config *cfg, size_t sec, const char *key,
                         int required, const char *def, const char **out,
                         ss_error *err);
/* String that must be one of the NULL-terminated `choices`; *out = index. */
int ss_config_get_choice(ss_config *cfg, size_t sec, const char *key,
                         int required, const char *const *choices, int def,
                         int *out, ss_error *err);

/* Format "FILE:LINE: [section] key" of a key (or of the header if key is
 * NULL or absent) into buf, for messages built by callers.  A key set by
 * ss_config_set reads "--set section.key"; an absent key is still named,
 * after the header's line. */
void ss_config_where(const ss_config *cfg, size_t sec, const char *key,
                     char *buf, size_t size);

/* First key of any section that no getter asked for: an error
 * "FILE:LINE: [section] unknown key 'x'". */
int ss_config_check_unused(const ss_config *cfg, ss_error *err);

/* Directory of the config file ("." for a string), to resolve relative file
 * names; and a hash (FNV-1a 64) of the effective key/value set. */
const char *ss_config_dir(const ss_config *cfg);
uint64_t ss_config_hash(const ss_config *cfg);

/* Parse "VALUE UNIT" (as the getters do) outside a config; 0 or SS_EPARSE. */
int ss_parse_quantity(const char *s, ss_unit unit, double *out);

/* Parse a plain decimal number s[0..len) -- [+-]digits[.digits][(e|E)[+-]digits],
 * at least one digit, no hex, nan, inf or surrounding space -- times 10^exp10
 * with a single rounding, by shifting the decimal exponent before strtod: so
 * "0.0123" with exp10 = 3 is exactly the double nearest to 12.3, which
 * strtod("0.0123") * 1000 need not be.  Unit conversions (s -> ms, ...) and
 * spike files use it.  0, SS_EPARSE (syntax) or SS_ERANGE (overflow). */
int ss_parse_decimal(const char *s, size_t len, int exp10, double *out);

#ifdef __cplusplus
}
#endif
#endif

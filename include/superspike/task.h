/* task.h - inputs and targets of the paper's tasks, generated or read.
 *
 *   images       black-and-white pictures (PBM/PGM files or a built-in
 *                drawing) that become target rasters: one output neuron per
 *                row, one time bin per column (paper Figs 6-7, the Radcliffe
 *                demo; paper-spec.md 3.6, 3.9)
 *   poisson      frozen Poisson input patterns
 *   xor          the XOR-like classification task of paper Fig. 5
 *                (paper-spec.md 3.5 and 5, rows 14-19 and 33)
 *   stimuli      the list of stimulus presentations of a classification
 *                task (onset, class, pattern) and its text file
 *
 * Units: times in ms and rates in Hz in memory; files hold seconds.  Every
 * generator is deterministic for a given seed and uses its own random
 * streams (rng.h), so the same seed in two different generators does not
 * give correlated draws. */
#ifndef SUPERSPIKE_TASK_H
#define SUPERSPIKE_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"
#include "superspike/spikefile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ images */

/* A black-and-white image, w columns by h rows, row-major with row 0 at the
 * top: dark[row * w + col] is 1 for a dark (black) pixel, 0 for a light one.
 * An empty image has w = h = 0 and dark = NULL. */
typedef struct ss_image {
  uint32_t w, h;
  uint8_t *dark;
} ss_image;

/* Make `img` empty (no memory is freed: use on fresh structs). */
void ss_image_init(ss_image *img);

/* Free the pixels and make `img` empty. */
void ss_image_clear(ss_image *img);

/* Number of dark pixels. */
size_t ss_image_count_dark(const ss_image *img);

/* Read a netpbm image: PBM (P1 plain text, P4 raw) or PGM (P2 plain text,
 * P5 raw with maxval 1..65535; one byte per sample if maxval < 256, else two
 * bytes, most significant first).  Whitespace separates the header fields;
 * '#' starts a comment that runs to the end of the line, in the header and in
 * the plain-text pixel data.  PBM: 1 is dark.  PGM: a grey value v is dark
 * when v < maxval / 2 exactly (2 v < maxval), so 0 (black) is dark and
 * maxval (white) is light.  Only the first image of a file is read; anything
 * after its pixels is ignored.  Width and height must be 1..1000000 with at
 * most 2^28 pixels.
 *
 * `img` must be initialised (ss_image_init); its old pixels are freed.  On
 * error it is left empty and the message names the file, the line (for the
 * header and plain-text pixels) and the field: "magic", "width", "height",
 * "maxval", "pixel N" (0-based, row-major, with its row and column) or
 * "truncated data".  Status: SS_EIO (cannot open/read), SS_EPARSE (bad
 * syntax, truncation), SS_ERANGE (value out of range), SS_ENOMEM. */
int ss_image_read(const char *path, ss_image *img, ss_error *err);

/* Draw the built-in target picture into `img` (old pixels freed): two thick
 * snakes winding along sinusoids in antiphase, woven through each other
 * (each crossing is drawn with the upper snake on top, separated by a light
 * gap), with tapered tails, heads and eyes; one swims to the right, the
 * other to the left.  The project's own picture in the spirit of the Auryn
 * logo of paper Fig. 6; the default size is w = 70 columns by h = 100 rows
 * (SS_IMAGE_DEFAULT_W/H), and the drawing scales to any size >= 1 x 1.
 * SS_EINVAL for a zero or too large size (as ss_image_read), SS_ENOMEM. */
#define SS_IMAGE_DEFAULT_W 70u
#define SS_IMAGE_DEFAULT_H 100u
int ss_image_default(ss_image *img, uint32_t w, uint32_t h, ss_error *err);

/* Write `img` as a plain-text PBM (P1; rows of at most 70 characters)
 * atomically (atomicfile.h: a temporary file renamed over `path`).  SS_EINVAL
 * for an empty image, SS_EIO on any write error (then `path` is untouched). */
int ss_image_write_pbm(const ss_image *img, const char *path, ss_error *err);

/* ------------------------------------------------------------ image targets */

/* How an image becomes a target raster (ss_task_image_targets). */
typedef struct ss_image_target_params {
  double bin_ms;       /* width of one column in time, > 0; default 50 ms */
  double jitter_ms;    /* each spike at bin_ms * col + U(0, jitter_ms); >= 0,
                        * finite; default 50/3 ms (paper 16.7 ms); a jitter
                        * larger than the bin lets columns overlap */
  int flip;            /* 1 (default): id = h - 1 - row, so a raster drawn with
                        * ids growing upwards shows the image upright;
                        * 0: id = row */
  uint32_t id_offset;  /* added to every id; default 0 */
  uint32_t n_ids;      /* if > 0, spikes whose final id is >= n_ids are
                        * dropped (the paper's Radcliffe target, paper-spec.md
                        * 5 row 9); 0 (default): no bound */
} ss_image_target_params;

/* Fill `p` with the defaults above (bin 50 ms, jitter 50/3 ms, flip, no
 * offset, no bound).  The Radcliffe demo used bin = jitter = 10 ms. */
void ss_image_target_defaults(ss_image_target_params *p);

/* Target raster of `img`: every dark pixel (row, col) gives exactly one spike
 * of neuron id (see flip, id_offset, n_ids) at time bin_ms * col + U(0,
 * jitter_ms) in ms, with U(0, j) uniform in [0, j) (times are computed from
 * the column, never accumulated; a time that rounds up to the end of its
 * interval is moved one ulp down, so every time is in [bin*col, bin*col +
 * jitter) exactly, or equal to bin*col when jitter is 0).  The jitters are
 * drawn column by column, rows top to bottom, from one stream of `seed`
 * (dropped pixels draw too, so n_ids does not change the other times).
 * `out` must be initialised; its old content is replaced by the spikes
 * sorted by (time, id).  Errors: SS_EINVAL for bad parameters or an empty
 * image, an id that overflows uint32, SS_ENOMEM; `out` is then empty. */
int ss_task_image_targets(const ss_image *img, const ss_image_target_params *params,
                          uint64_t seed, ss_spikes *out, ss_error *err);

/* ------------------------------------------------------------ frozen Poisson */

/* A frozen Poisson pattern: `n` independent homogeneous Poisson trains of
 * rate `rate_hz` (>= 0) on [0, duration_ms) (duration > 0), ids 0..n-1, for
 * example 200 inputs at 5 Hz for 1890 ms (the Radcliffe demo) or 100 inputs
 * for 500 ms (paper Fig. 2).  Neuron i draws its exponential inter-spike
 * intervals from its own stream i of `seed`, so its train does not depend on
 * n.  `out` (initialised) is replaced by the spikes sorted by (time, id).
 * SS_EINVAL for n = 0 or a non-finite/negative value, SS_ENOMEM; `out` is
 * then empty. */
int ss_task_poisson(uint32_t n, double rate_hz, double duration_ms, uint64_t seed,
                    ss_spikes *out, ss_error *err);

/* ------------------------------------------------------------ stimuli */

/* Stimulus presentations, in order of onset: onset[k] in ms, class cls[k],
 * pattern[k] (task-specific: for the XOR task SS_XOR_R ... SS_XOR_RAB). */
typedef struct ss_stimuli {
  double *onset;     /* ms, non-decreasing */
  uint8_t *cls;
  uint8_t *pattern;
  size_t n, cap;
} ss_stimuli;

void ss_stimuli_init(ss_stimuli *s);
/* Free the arrays and make `s` empty. */
void ss_stimuli_clear(ss_stimuli *s);
/* Append one presentation (amortised growth); SS_ENOMEM on failure (then `s`
 * is unchanged). */
int ss_stimuli_push(ss_stimuli *s, double onset_ms, uint8_t cls, uint8_t pattern);

/* Write `s` as text, atomically (temporary file + rename): a '#' header line
 * naming the columns and the window of opportunity [onset, onset +
 * window_ms] (window_ms > 0 and finite, for the reader's information), then
 * one line `ONSET CLASS PATTERN` per presentation, ONSET in seconds printed
 * with the fewest digits (up to 17 significant) that ss_stimuli_read turns
 * back into the same double in ms, so write -> read is exact.  SS_EINVAL for
 * a bad window or a negative/non-finite onset, SS_EIO on any write error
 * (`path` is then untouched). */
int ss_stimuli_write(const ss_stimuli *s, double window_ms, const char *path,
                     ss_error *err);

/* Read a file written by ss_stimuli_write (or by hand): lines `ONSET CLASS
 * PATTERN` separated by blanks; blank lines and everything from '#' to the
 * end of a line are skipped.  ONSET: a plain decimal number of seconds
 * ([+-]digits[.digits][e[+-]digits]), finite, >= 0 and >= the previous onset,
 * converted to ms with a single rounding (ss_parse_decimal); CLASS: an
 * integer < n_classes (1 <= n_classes <= 256); PATTERN: an integer 0..255.
 * `s` must be initialised; its old content is replaced.  Errors name the
 * file, the line and the field ("FILE:LINE: field 'onset': ...", fields
 * onset, class, pattern); `s` is then empty.  SS_EIO, SS_EPARSE, SS_ERANGE,
 * SS_EINVAL (n_classes), SS_ENOMEM. */
int ss_stimuli_read(const char *path, unsigned n_classes, ss_stimuli *s, ss_error *err);

/* ------------------------------------------------------------ XOR task */

/* The four patterns of the XOR task: bit 0 = set A present, bit 1 = set B
 * present; the reference set R is in every pattern.  Class 1 when exactly one
 * of A and B is present (R+A, R+B), class 0 otherwise (R, R+A+B). */
enum { SS_XOR_R = 0, SS_XOR_RA = 1, SS_XOR_RB = 2, SS_XOR_RAB = 3 };
#define SS_XOR_CLASS(pattern) ((uint8_t)(((pattern) ^ ((pattern) >> 1)) & 1u))

typedef struct ss_xor_params {
  uint32_t n_inputs;     /* input neurons; default 100 */
  uint32_t set_size[3];  /* sizes of R, A, B, each >= 1, sum <= n_inputs;
                          * default 34, 33, 33.  The sets are consecutive id
                          * ranges: R = [0, nR), A = [nR, nR + nA),
                          * B = [nR + nA, nR + nA + nB); the remaining ids are
                          * background-only */
  double pattern_ms;     /* stimulus length, > 0; default 10 ms */
  double window_ms;      /* window of opportunity after onset, >= pattern_ms;
                          * default 25 ms (pattern + 15 ms, paper-spec 5 #33) */
  double iti_min_ms;     /* the next onset follows the end of the window after */
  double iti_max_ms;     /* U[iti_min, iti_max]; default 50 and 100 ms */
  double background_hz;  /* Poisson rate of every input outside stimuli, >= 0;
                          * default 4 Hz */
  double quiet_ms;       /* the background also pauses on [onset, onset +
                          * quiet_ms), >= 0; default 0 (only the stimulus is
                          * free of it); window_ms keeps the whole window of
                          * opportunity free (the reading of "between stimuli"
                          * as "between trials") */
} ss_xor_params;

/* Fill `p` with the defaults above. */
void ss_xor_defaults(ss_xor_params *p);

/* Check `p`; SS_EINVAL with a message naming the parameter. */
int ss_xor_check(const ss_xor_params *p, ss_error *err);

/* Set of input `id`: 0 (R), 1 (A), 2 (B) or -1 (background only). */
int ss_xor_set_of(const ss_xor_params *p, uint32_t id);

/* The frozen firing time of each set neuron within a stimulus: offset_ms[i]
 * in [0, pattern_ms) for the neurons of R, A and B, -1 for background-only
 * neurons (array of p->n_inputs, caller's memory).  Drawn once per seed from
 * the pattern stream; ss_task_xor uses exactly these.  SS_EINVAL if `p` is
 * bad. */
int ss_xor_pattern_offsets(const ss_xor_params *p, uint64_t seed, double *offset_ms,
                           ss_error *err);

/* Generate `duration_ms` (> 0) of the XOR task (paper Fig. 5).  Timeline:
 * the first onset comes after one inter-trial interval from 0; each
 * presentation's pattern is drawn uniformly from the four (independently);
 * the next onset is onset + window_ms + U[iti_min, iti_max]; presentations
 * are generated while onset + window_ms <= duration_ms.  During a stimulus
 * [onset, onset + pattern_ms) every neuron of the presented sets fires
 * exactly once, at onset + its frozen offset (ss_xor_pattern_offsets), and
 * nothing else fires; outside stimuli (and outside [onset, onset + quiet_ms))
 * every input fires Poisson at background_hz.  Streams of `seed`: pattern offsets, order and intervals,
 * and one noise stream per input neuron.
 *
 * `input` (initialised) is replaced by the spikes sorted by (time, id);
 * `stim`, if not NULL (initialised), is replaced by the presentations
 * (class SS_XOR_CLASS(pattern)).  Errors: SS_EINVAL (parameters, duration),
 * SS_ENOMEM; both outputs are then empty. */
int ss_task_xor(const ss_xor_params *p, uint64_t seed, double duration_ms,
                ss_spikes *input, ss_stimuli *stim, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif

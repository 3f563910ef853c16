/* test_experiment.c - config file -> experiment (experiment.h): sections
 * built as written, units converted, --set overrides, seeding, monitor and
 * weight outputs, and errors that name the file, line and field.  Configs
 * are written to a fresh temporary directory per test. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "superspike/superspike.h"
#include "testutil.h"

static char tmp[256];

/* Remove a directory tree (two levels at most here). */
static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (!lstat(p, &st) && S_ISDIR(st.st_mode)) rm_tree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static void setup(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/ss-exp.XXXXXX", base && *base ? base : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void) { rm_tree(tmp); }

/* Path of a file in the temporary directory (one of two rotating buffers). */
static const char *tpath(const char *name) {
  static char buf[2][512];
  static int k;
  k ^= 1;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
  return buf[k];
}

static const char *write_file(const char *name, const char *text) {
  const char *p = tpath(name);
  FILE *fp = fopen(p, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  fclose(fp);
  return p;
}

static int file_exists(const char *name) {
  struct stat st;
  return stat(tpath(name), &st) == 0;
}

static const char *full_cfg =
    "# every section type, units in every spelling\n"
    "[run]\n"
    "duration = 0.5 s\n"
    "seed = 5\n"
    "engine = clock\n"
    "dt = 50 us\n"
    "method = exact\n"
    "\n"
    "[source noise]\n"
    "type = poisson\n"
    "size = 10\n"
    "rate = 0.005 kHz\n"
    "\n"
    "[source cue]\n"
    "type = file\n"
    "size = 2\n"
    "file = cue.ras\n"
    "\n"
    "[population a]\n"
    "size = 20\n"
    "tau_mem = 0.02 s\n"
    "tau_syn = 5 ms\n"
    "u_rest = -65 mV\n"
    "theta = -0.05 V\n"
    "t_ref = 2 ms\n"
    "u_init = -55 mV\n"
    "\n"
    "[population b]\n"
    "size = 4\n"
    "\n"
    "[projection noise_a]\n"
    "pre = noise\n"
    "post = a\n"
    "connect = fixed_fanin\n"
    "fanin = 3\n"
    "weight = 2 mV\n"
    "\n"
    "[projection a_b]\n"
    "pre = a\n"
    "post = b\n"
    "connect = fixed_probability\n"
    "p = 0.5\n"
    "weight = normal(1 mV, 0.2 mV)\n"
    "weight_min = 0 mV\n"
    "delay = uniform(1 ms, 2 ms)\n"
    "save_weights = a_b.txt\n"
    "\n"
    "[projection cue_b]\n"
    "pre = cue\n"
    "post = b\n"
    "connect = file\n"
    "file = cue_b.txt\n"
    "\n"
    "[monitor a_spikes]\n"
    "type = spikes\n"
    "population = a\n"
    "\n"
    "[monitor vb]\n"
    "type = state\n"
    "population = b\n"
    "neurons = 0, 2-3\n"
    "times = 1 ms, 2.5 ms, 0.01 s\n";

static void write_full(void) {
  write_file("cue.ras", "# time id\n0.001 0\n0.002 1  # second\n");
  write_file("cue_b.txt", "# pre post weight delay\n0 0 5 1.5\n1 3 -2 0.5\n");
  write_file("full.ini", full_cfg);
}

static ss_experiment *load(const char *cfg, const char *const *sets, int n_sets, ss_error *err) {
  return ss_experiment_load(tpath(cfg), sets, n_sets, tpath("out"), err);
}

START_TEST(test_full) {
  write_full();
  ss_error err = {0};
  ss_experiment *x = load("full.ini", NULL, 0, &err);
  ck_assert_msg(x != NULL, "%s", err.msg);
  /* run */
  ck_assert(x->duration == 500.0);
  ck_assert_uint_eq(x->seed, 5);
  ck_assert_int_eq(x->engine, SS_ENGINE_CLOCK);
  ck_assert(x->dt == 0.05);
  ck_assert_int_eq(x->method, SS_CLOCK_EXACT);
  /* populations and sources, in file order */
  const ss_net *n = x->net;
  ck_assert_uint_eq(n->n_pops, 4);
  ck_assert_str_eq(n->pops[0].name, "noise");
  ck_assert_str_eq(n->pops[1].name, "cue");
  ck_assert_str_eq(n->pops[2].name, "a");
  ck_assert_str_eq(n->pops[3].name, "b");
  ck_assert_int_eq(n->pops[0].kind, SS_POP_SOURCE);
  ck_assert_int_eq(n->pops[2].kind, SS_POP_LIF);
  ck_assert_uint_eq(n->pops[2].size, 20);
  ck_assert_uint_eq(n->pops[2].offset, 12);
  const ss_lif_params *a = &n->pops[2].lif, *b = &n->pops[3].lif;
  ck_assert(a->tau_mem == 20.0); /* 0.02 s, converted exactly */
  ck_assert(a->tau_syn == 5.0);
  ck_assert(a->u_rest == -65.0);
  ck_assert(a->theta == -50.0); /* -0.05 V */
  ck_assert(a->t_ref == 2.0);
  ck_assert(n->pops[2].v_init == 10.0); /* u_init - u_rest */
  /* defaults: the paper's parameters */
  ck_assert(b->tau_mem == 10.0 && b->tau_syn == 5.0 && b->u_rest == -60.0 && b->theta == -50.0 &&
            b->t_ref == 5.0);
  ck_assert(n->pops[3].v_init == 0.0);
  /* sources */
  ck_assert_ptr_nonnull(x->sources[0]);
  ck_assert_ptr_nonnull(x->sources[1]);
  ck_assert_ptr_null(x->sources[2]);
  ck_assert_int_eq(x->sources[0]->kind, SS_SOURCE_POISSON);
  ck_assert(x->sources[0]->rate_hz == 5.0);
  ck_assert_int_eq(x->sources[1]->kind, SS_SOURCE_FILE);
  ck_assert_uint_eq(x->sources[1]->pattern.n, 2);
  ck_assert(x->sources[1]->pattern.t[0] == 1.0 && x->sources[1]->pattern.t[1] == 2.0);
  ck_assert_uint_eq(x->sources[1]->pattern.id[1], 1);
  /* projections */
  ck_assert_uint_eq(n->n_projs, 3);
  const ss_proj *p0 = &n->projs[0], *p1 = &n->projs[1], *p2 = &n->projs[2];
  ck_assert_int_eq(p0->conn, SS_CONN_FIXED_FANIN);
  ck_assert_uint_eq(p0->fanin, 3);
  ck_assert_uint_eq(p0->n_syn, 3 * 20);
  ck_assert_int_eq(p0->weight.kind, SS_DIST_CONSTANT);
  ck_assert(p0->weight.a == 2.0);
  ck_assert_int_eq(p0->delay.kind, SS_DIST_CONSTANT);
  ck_assert(p0->delay.a == 0.8); /* default delay */
  ck_assert_int_eq(p1->conn, SS_CONN_FIXED_PROB);
  ck_assert(p1->p == 0.5);
  ck_assert_int_eq(p1->weight.kind, SS_DIST_NORMAL);
  ck_assert(p1->weight.a == 1.0 && p1->weight.b == 0.2 && p1->weight.lo == 0.0);
  ck_assert(isinf(p1->weight.hi));
  ck_assert_int_eq(p1->delay.kind, SS_DIST_UNIFORM);
  ck_assert(p1->delay.a == 1.0 && p1->delay.b == 2.0);
  ck_assert_int_eq(p2->conn, SS_CONN_FILE);
  ck_assert_uint_eq(p2->n_syn, 2);
  ck_assert_uint_eq(n->n_syn, p0->n_syn + p1->n_syn + 2);
  /* monitors */
  ck_assert_uint_eq(x->rec->n_sm, 1);
  ck_assert_uint_eq(x->rec->sm[0].pop, 2);
  ck_assert_str_eq(x->rec->sm[0].path, tpath("out/a_spikes.ras")); /* default name */
  ck_assert_uint_eq(x->rec->n_st, 1);
  const ss_state_monitor *st = &x->rec->st[0];
  ck_assert_uint_eq(st->pop, 3);
  ck_assert_uint_eq(st->n_ids, 3);
  ck_assert_uint_eq(st->ids[0], 0);
  ck_assert_uint_eq(st->ids[1], 2);
  ck_assert_uint_eq(st->ids[2], 3);
  ck_assert_uint_eq(st->n_times, 3);
  ck_assert(st->times[0] == 1.0 && st->times[1] == 2.5 && st->times[2] == 10.0);
  ck_assert_str_eq(st->path, tpath("out/vb.dat"));
  ck_assert_ptr_null(x->weights_out[0]);
  ck_assert_str_eq(x->weights_out[1], tpath("out/a_b.txt"));
  /* the output directory exists; nothing is written before ss_experiment_write */
  ck_assert(file_exists("out"));
  ck_assert(!file_exists("out/a_spikes.ras"));
  ck_assert_int_eq(ss_experiment_write(x, &err), SS_OK);
  ck_assert(file_exists("out/a_spikes.ras"));
  ck_assert(file_exists("out/vb.dat"));
  ck_assert(file_exists("out/a_b.txt"));
  ss_experiment_destroy(x);
}
END_TEST

START_TEST(test_interval_monitor) {
  write_file("m.ini",
             "[run]\nduration = 10 ms\n[population p]\nsize = 3\n"
             "[monitor v]\ntype = state\npopulation = p\ninterval = 0.5 ms\n");
  ss_error err = {0};
  ss_experiment *x = load("m.ini", NULL, 0, &err);
  ck_assert_msg(x != NULL, "%s", err.msg);
  const ss_state_monitor *st = &x->rec->st[0];
  ck_assert_uint_eq(st->n_ids, 1); /* neurons default to "0" */
  ck_assert_uint_eq(st->ids[0], 0);
  ck_assert_uint_eq(st->n_times, 20); /* 0, 0.5, ..., 9.5 ms */
  ck_assert(st->times[19] == 9.5);
  ck_assert_uint_eq(x->seed, 1); /* default master seed */
  ck_assert_int_eq(x->engine, SS_ENGINE_EVENT);
  ck_assert(x->dt == 0.1);
  ck_assert_int_eq(x->method, SS_CLOCK_EULER);
  ss_experiment_destroy(x);
}
END_TEST

START_TEST(test_set_overrides) {
  write_full();
  const char *sets[] = {"a.tau_mem=30ms", "run.duration = 2s", "b.t_ref=1 ms", "run.engine=event",
                        "a_b.p=1", "vb.neurons=1"};
  ss_error err = {0};
  ss_experiment *x = load("full.ini", sets, 6, &err);
  ck_assert_msg(x != NULL, "%s", err.msg);
  ck_assert(x->net->pops[2].lif.tau_mem == 30.0);
  ck_assert(x->net->pops[2].lif.tau_syn == 5.0);
  ck_assert(x->duration == 2000.0);
  ck_assert(x->net->pops[3].lif.t_ref == 1.0); /* a key the file lacks is added */
  ck_assert_int_eq(x->engine, SS_ENGINE_EVENT);
  ck_assert_uint_eq(x->net->projs[1].n_syn, 20 * 4);
  ck_assert_uint_eq(x->rec->st[0].n_ids, 1);
  ck_assert_uint_eq(x->rec->st[0].ids[0], 1);
  ss_experiment_destroy(x);
}
END_TEST

/* Weights and delays of the built network, in outgoing order. */
static int same_net(const ss_net *a, const ss_net *b) {
  if (a->n_syn != b->n_syn || a->n_groups != b->n_groups) return 0;
  return !memcmp(a->out_post, b->out_post, a->n_syn * sizeof *a->out_post) &&
         !memcmp(a->out_w, b->out_w, a->n_syn * sizeof *a->out_w) &&
         !memcmp(a->grp_delay, b->grp_delay, a->n_groups * sizeof *a->grp_delay);
}

START_TEST(test_seeds) {
  write_full();
  ss_error err = {0};
  const char *s7[] = {"run.seed=7"}, *s8[] = {"run.seed=8"};
  ss_experiment *x1 = load("full.ini", NULL, 0, &err);
  ss_experiment *x2 = load("full.ini", NULL, 0, &err);
  ss_experiment *x3 = load("full.ini", s7, 1, &err);
  ck_assert_msg(x1 && x2 && x3, "%s", err.msg);
  ck_assert(same_net(x1->net, x2->net));
  ck_assert(!same_net(x1->net, x3->net));
  ck_assert_uint_eq(x1->sources[0]->seed, x2->sources[0]->seed);
  ck_assert_uint_ne(x1->sources[0]->seed, x3->sources[0]->seed);
  ss_experiment_destroy(x1);
  ss_experiment_destroy(x2);
  ss_experiment_destroy(x3);
  /* a section's own seed key pins it whatever the master seed */
  const char *pin7[] = {"run.seed=7", "a_b.seed=99", "noise_a.seed=3", "noise.seed=4"};
  const char *pin8[] = {"run.seed=8", "a_b.seed=99", "noise_a.seed=3", "noise.seed=4"};
  x1 = load("full.ini", pin7, 4, &err);
  x2 = load("full.ini", pin8, 4, &err);
  ck_assert_msg(x1 && x2, "%s", err.msg);
  ck_assert(same_net(x1->net, x2->net));
  ck_assert_uint_eq(x1->net->projs[1].seed, 99);
  ck_assert_uint_eq(x1->sources[0]->seed, 4);
  ss_experiment_destroy(x1);
  ss_experiment_destroy(x2);
  x1 = load("full.ini", s8, 1, &err);
  ck_assert_msg(x1 != NULL, "%s", err.msg);
  ss_experiment_destroy(x1);
}
END_TEST

/* A section's stream depends on its name, not its place in the file. */
START_TEST(test_seed_independent_of_section_order) {
  const char *a =
      "[run]\nduration = 10 ms\n[population x]\nsize = 20\n[source in]\ntype = poisson\nsize = 30\n"
      "rate = 5 Hz\n[projection p]\npre = in\npost = x\nconnect = fixed_probability\np = 0.3\n"
      "weight = normal(1 mV, 1 mV)\n";
  const char *b =
      "[source in]\ntype = poisson\nsize = 30\nrate = 5 Hz\n[population extra]\nsize = 3\n"
      "[projection q]\npre = in\npost = extra\nconnect = all_to_all\nweight = 1 mV\n"
      "[population x]\nsize = 20\n[projection p]\npre = in\npost = x\nconnect = fixed_probability\n"
      "p = 0.3\nweight = normal(1 mV, 1 mV)\n[run]\nduration = 10 ms\n";
  write_file("order_a.ini", a);
  write_file("order_b.ini", b);
  ss_error err = {0};
  ss_experiment *xa = load("order_a.ini", NULL, 0, &err);
  ck_assert_msg(xa != NULL, "%s", err.msg);
  ss_experiment *xb = load("order_b.ini", NULL, 0, &err);
  ck_assert_msg(xb != NULL, "%s", err.msg);
  int pa = ss_net_find_proj(xa->net, "p"), pb = ss_net_find_proj(xb->net, "p");
  ck_assert_uint_eq(xa->net->projs[pa].seed, xb->net->projs[pb].seed);
  ck_assert_uint_eq(xa->net->projs[pa].n_syn, xb->net->projs[pb].n_syn);
  int sa = ss_net_find_pop(xa->net, "in"), sb = ss_net_find_pop(xb->net, "in");
  ck_assert_uint_eq(xa->sources[sa]->seed, xb->sources[sb]->seed);
  ss_experiment_destroy(xa);
  ss_experiment_destroy(xb);
}
END_TEST

/* Load `text` as bad.ini (with optional sets) and expect failure with a
 * message containing `want`; no output directory may be created. */
static void expect_error(const char *text, const char *const *sets, int n_sets, const char *want) {
  write_file("bad.ini", text);
  ss_error err = {0};
  ss_experiment *x = load("bad.ini", sets, n_sets, &err);
  ck_assert_msg(x == NULL, "accepted: %s", text);
  ck_assert_int_ne(err.code, SS_OK);
  ck_assert_msg(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
  ck_assert_msg(!file_exists("out"), "output directory created for a bad config");
}

#define RUN_P "[run]\nduration = 1 s\n[population p]\nsize = 10\n"

START_TEST(test_errors) {
  expect_error(RUN_P "tau_mem = 10 ms\ntua_syn = 5 ms\n", NULL, 0,
               "bad.ini:6: [population p] unknown key 'tua_syn'");
  expect_error(RUN_P "theta = -61 mV\n", NULL, 0,
               "bad.ini:5: [population p] theta: threshold (-61 mV) must be above u_rest (-60 mV)");
  expect_error(RUN_P "tau_syn = 0 ms\n", NULL, 0, "bad.ini:5: [population p] tau_syn: must be > 0");
  expect_error(RUN_P "tau_mem = 10\n", NULL, 0,
               "bad.ini:5: [population p] tau_mem: expected a time with a unit (s, ms, us), got '10'");
  expect_error("[run]\nduration = 1 s\n[population p]\nsize = 1.5\n", NULL, 0,
               "bad.ini:4: [population p] size: expected an integer between 1 and");
  expect_error("[population p]\nsize = 3\n", NULL, 0, "bad.ini: missing [run] section");
  expect_error(RUN_P "[projection q]\npre = p\npost = p\nconnect = fixed_fanin\nfanin = 10\n", NULL, 0,
               "bad.ini:9: [projection q] fanin: fan-in 10 exceeds the 9 available presynaptic units");
  expect_error(RUN_P "[source s]\ntype = file\nsize = 2\nfile = none.ras\n", NULL, 0,
               "bad.ini:8: [source s] file: ");
  const char *set_bad[] = {"p.tau_mem=fast"};
  expect_error(RUN_P, set_bad, 1, "--set p.tau_mem: expected a time with a unit");
  const char *set_sec[] = {"q.size=3"};
  expect_error(RUN_P, set_sec, 1, "--set q.size: unknown section 'q'");
}
END_TEST

START_TEST(test_spike_file_errors) {
  write_file("s.ras", "0.002 0\n0.001 1\n");
  expect_error(RUN_P "[source s]\ntype = file\nsize = 2\nfile = s.ras\n", NULL, 0,
               "s.ras:2: field 'time': spikes must be sorted by time");
  /* sort = yes accepts the same file, sorted */
  write_file("ok.ini", RUN_P "[source s]\ntype = file\nsize = 2\nfile = s.ras\nsort = yes\n");
  ss_error err = {0};
  ss_experiment *x = load("ok.ini", NULL, 0, &err);
  ck_assert_msg(x != NULL, "%s", err.msg);
  ck_assert(x->sources[1]->pattern.t[0] == 1.0);
  ck_assert_uint_eq(x->sources[1]->pattern.id[0], 1);
  ss_experiment_destroy(x);
  rm_tree(tpath("out"));
  write_file("s.ras", "0.001 2\n");
  expect_error(RUN_P "[source s]\ntype = file\nsize = 2\nfile = s.ras\n", NULL, 0,
               "s.ras:1: field 'id': id 2 out of range for a population of 2");
}
END_TEST

START_TEST(test_null_err) {
  /* err is optional: a failing load must not crash without one */
  write_file("bad.ini", RUN_P "[monitor m]\ntype = spikes\npopulation = p\n"
                              "[monitor n]\ntype = spikes\npopulation = p\n");
  ck_assert_ptr_null(load("bad.ini", NULL, 0, NULL));
  write_file("s.ras", "0.03 0\n");
  write_file("bad2.ini", RUN_P "[source s]\ntype = file\nsize = 2\nfile = s.ras\nperiod = 20 ms\n");
  ck_assert_ptr_null(load("bad2.ini", NULL, 0, NULL));
}
END_TEST

int main(void) {
  Suite *s = suite_create("experiment");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_full);
  tcase_add_test(tc, test_interval_monitor);
  tcase_add_test(tc, test_set_overrides);
  tcase_add_test(tc, test_seeds);
  tcase_add_test(tc, test_seed_independent_of_section_order);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_spike_file_errors);
  tcase_add_test(tc, test_null_err);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}

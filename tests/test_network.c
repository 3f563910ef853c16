/* test_network.c - CSR connectivity against a dense adjacency built
 * independently from the same edges, the incoming-order mapping, the
 * connectivity rules' statistics, and edge-list files. */
#include <math.h>
#include <unistd.h>

#include "superspike/network.h"
#include "testutil.h"

static ss_lif_params lif_default(void) {
  ss_lif_params p;
  ss_lif_params_default(&p);
  return p;
}

static ss_proj proj_spec(const char *name, uint32_t pre, uint32_t post, ss_conn_kind conn) {
  ss_proj p;
  memset(&p, 0, sizeof p);
  snprintf(p.name, sizeof p.name, "%s", name);
  p.pre = pre;
  p.post = post;
  p.conn = conn;
  p.weight = (ss_dist){SS_DIST_CONSTANT, 1.0, 0, -INFINITY, INFINITY};
  p.delay = (ss_dist){SS_DIST_CONSTANT, 1.0, 0, 0, INFINITY};
  p.seed = 7;
  return p;
}

/* Invariants every built network must satisfy, checked against a dense
 * (pre, post) -> summed weight matrix and synapse count matrix rebuilt from
 * the outgoing order, and from the incoming order separately. */
static void check_csr_invariants(const ss_net *net) {
  uint32_t nu = net->n_units;
  ck_assert_uint_eq(net->grp_ptr[nu], net->n_groups);
  ck_assert_uint_eq(net->grp_start[net->n_groups], net->n_syn);
  /* groups: contiguous, delays non-decreasing within a row */
  for (uint32_t u = 0; u < nu; ++u)
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
      ck_assert(net->grp_start[g] < net->grp_start[g + 1]);
      if (g > net->grp_ptr[u]) {
        ck_assert(net->grp_delay[g] >= net->grp_delay[g - 1]);
        ck_assert(net->grp_delay[g] != net->grp_delay[g - 1] || net->grp_proj[g] != net->grp_proj[g - 1]);
      }
    }
  /* out_slot is a permutation that lands inside the row of the post neuron */
  uint8_t *seen = calloc(net->n_syn + 1, 1);
  for (uint32_t u = 0; u < nu; ++u)
    for (uint64_t k = net->grp_start[net->grp_ptr[u]]; k < net->grp_start[net->grp_ptr[u + 1]]; ++k) {
      uint32_t s = net->out_slot[k], post = net->out_post[k];
      ck_assert_uint_lt(s, net->n_syn);
      ck_assert(!seen[s]);
      seen[s] = 1;
      ck_assert(s >= net->in_ptr[post] && s < net->in_ptr[post + 1]);
      if (net->in_pre) ck_assert_uint_eq(net->in_pre[s], u);
    }
  free(seen);
  ck_assert_uint_eq(net->in_ptr[nu], net->n_syn);
}

START_TEST(test_csr_matches_dense_adjacency_of_edge_list) {
  ss_error err = {0};
  ss_net *net = ss_net_create();
  ss_lif_params lp = lif_default();
  ck_assert_int_eq(ss_net_add_source(net, "in", 7, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(net, "a", 5, &lp, 0, &err), 1);
  ck_assert_int_eq(ss_net_add_lif(net, "b", 4, &lp, 0, &err), 2);
  net->incoming = SS_NET_IN_FULL;
  /* random explicit edges with repeated pairs and mixed delays */
  ss_rng r;
  ss_rng_init(&r, 11, 0);
  double dense_w[3][7][5] = {{{0}}};
  int dense_n[3][7][5] = {{{0}}};
  const uint32_t pre_pop[3] = {0, 1, 0}, post_pop[3] = {1, 2, 2}, npre[3] = {7, 5, 7}, npost[3] = {5, 4, 4};
  for (int pi = 0; pi < 3; ++pi) {
    char nm[16];
    snprintf(nm, sizeof nm, "p%d", pi);
    ss_proj p = proj_spec(nm, pre_pop[pi], post_pop[pi], SS_CONN_FILE);
    uint32_t ne = 40;
    uint32_t e_pre[40], e_post[40];
    double e_w[40], e_d[40];
    for (uint32_t k = 0; k < ne; ++k) {
      e_pre[k] = (uint32_t)ss_rng_below(&r, npre[pi]);
      e_post[k] = (uint32_t)ss_rng_below(&r, npost[pi]);
      e_w[k] = ss_rng_normal(&r);
      e_d[k] = 0.5 * (double)ss_rng_below(&r, 4);
      dense_w[pi][e_pre[k]][e_post[k]] += e_w[k];
      dense_n[pi][e_pre[k]][e_post[k]]++;
    }
    p.n_edges = ne;
    p.e_pre = e_pre;
    p.e_post = e_post;
    p.e_w = e_w;
    p.e_delay = e_d;
    ck_assert_int_eq(ss_net_add_proj(net, &p, &err), pi);
  }
  ck_assert_msg(ss_net_build(net, &err) == 0, "%s", err.msg);
  ck_assert_uint_eq(net->n_syn, 120);
  check_csr_invariants(net);
  /* rebuild the dense matrices from the outgoing order */
  double got_w[3][7][5] = {{{0}}};
  int got_n[3][7][5] = {{{0}}};
  for (uint32_t u = 0; u < net->n_units; ++u)
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g) {
      uint32_t pi = net->grp_proj[g];
      const ss_proj *p = &net->projs[pi];
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) {
        uint32_t i = u - net->pops[p->pre].offset, j = net->out_post[k] - net->pops[p->post].offset;
        ck_assert_uint_lt(i, npre[pi]);
        ck_assert_uint_lt(j, npost[pi]);
        got_w[pi][i][j] += net->out_w[k];
        got_n[pi][i][j]++;
        ck_assert_uint_eq(ss_net_syn_proj(net, k), pi);
      }
    }
  for (int pi = 0; pi < 3; ++pi)
    for (int i = 0; i < 7; ++i)
      for (int j = 0; j < 5; ++j) {
        ck_assert_int_eq(got_n[pi][i][j], dense_n[pi][i][j]);
        ck_assert_double_eq_tol(got_w[pi][i][j], dense_w[pi][i][j], 1e-12);
      }
  ss_net_destroy(net);
}
END_TEST

START_TEST(test_rules_counts_and_statistics) {
  ss_error err = {0};
  ss_net *net = ss_net_create();
  ss_lif_params lp = lif_default();
  ss_net_add_source(net, "in", 400, &err);
  ss_net_add_lif(net, "x", 300, &lp, 0, &err);
  ss_proj all = proj_spec("all", 0, 1, SS_CONN_ALL_TO_ALL);
  ss_proj prob = proj_spec("prob", 0, 1, SS_CONN_FIXED_PROB);
  prob.p = 0.1;
  prob.weight = (ss_dist){SS_DIST_NORMAL, 2.0, 0.5, 1.5, INFINITY};
  ss_proj fan = proj_spec("fan", 1, 1, SS_CONN_FIXED_FANIN);
  fan.fanin = 30;
  fan.weight = (ss_dist){SS_DIST_UNIFORM, -1.0, 3.0, -INFINITY, INFINITY};
  fan.delay = (ss_dist){SS_DIST_UNIFORM, 0.5, 2.0, 0, INFINITY};
  ck_assert_int_ge(ss_net_add_proj(net, &all, &err), 0);
  ck_assert_int_ge(ss_net_add_proj(net, &prob, &err), 0);
  ck_assert_int_ge(ss_net_add_proj(net, &fan, &err), 0);
  ck_assert_msg(ss_net_build(net, &err) == 0, "%s", err.msg);
  check_csr_invariants(net);
  ck_assert_uint_eq(net->projs[0].n_syn, 400u * 300u);
  /* binomial(120000, 0.1): mean 12000, sd ~104 */
  ck_assert(fabs((double)net->projs[1].n_syn - 12000.0) < 5 * 104);
  ck_assert_uint_eq(net->projs[2].n_syn, 300u * 30u);
  /* fan-in: every x neuron receives exactly 30 from x, distinct, no autapse */
  uint32_t off = net->pops[1].offset;
  int *cnt = calloc(300 * 300, sizeof *cnt);
  double wsum = 0, wsum2 = 0, wmin = INFINITY;
  size_t nprob = 0;
  for (uint32_t u = 0; u < net->n_units; ++u)
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1]; ++g)
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) {
        if (net->grp_proj[g] == 2) {
          ck_assert(net->grp_delay[g] >= 0.5 && net->grp_delay[g] < 2.0);
          ck_assert(net->out_w[k] >= -1.0 && net->out_w[k] < 3.0);
          ck_assert_uint_ne(u, net->out_post[k]);
          cnt[(u - off) * 300 + (net->out_post[k] - off)]++;
        } else if (net->grp_proj[g] == 1) {
          double w = net->out_w[k];
          wsum += w;
          wsum2 += w * w;
          if (w < wmin) wmin = w;
          nprob++;
        }
      }
  for (uint32_t j = 0; j < 300; ++j) {
    int in = 0;
    for (uint32_t i = 0; i < 300; ++i) {
      ck_assert_int_le(cnt[i * 300 + j], 1);
      in += cnt[i * 300 + j];
    }
    ck_assert_int_eq(in, 30);
  }
  free(cnt);
  ck_assert(wmin >= 1.5); /* clipped normal */
  ck_assert(wsum / (double)nprob > 2.0); /* clipping at 1.5 raises the mean above 2 */
  ss_net_destroy(net);
}
END_TEST

START_TEST(test_build_is_deterministic_per_seed) {
  ss_error err = {0};
  uint64_t seeds[3] = {5, 5, 6};
  double first_w[3];
  size_t n_syn[3];
  for (int r = 0; r < 3; ++r) {
    ss_net *net = ss_net_create();
    ss_lif_params lp = lif_default();
    ss_net_add_lif(net, "x", 200, &lp, 0, &err);
    ss_proj p = proj_spec("rec", 0, 0, SS_CONN_FIXED_PROB);
    p.p = 0.05;
    p.seed = seeds[r];
    p.weight = (ss_dist){SS_DIST_NORMAL, 0, 1, -INFINITY, INFINITY};
    ss_net_add_proj(net, &p, &err);
    ck_assert_int_eq(ss_net_build(net, &err), 0);
    n_syn[r] = net->n_syn;
    first_w[r] = net->out_w[0] + net->out_w[net->n_syn / 2];
    ss_net_destroy(net);
  }
  ck_assert_uint_eq(n_syn[0], n_syn[1]);
  ck_assert(first_w[0] == first_w[1]);
  ck_assert(n_syn[0] != n_syn[2] || first_w[0] != first_w[2]);
}
END_TEST

START_TEST(test_edge_list_round_trip) {
  ss_error err = {0};
  char dir[] = "/tmp/ss_test_net_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/w.edges", dir);
  ss_net *net = ss_net_create();
  ss_lif_params lp = lif_default();
  ss_net_add_source(net, "in", 20, &err);
  ss_net_add_lif(net, "x", 10, &lp, 0, &err);
  ss_proj p = proj_spec("ff", 0, 1, SS_CONN_FIXED_PROB);
  p.p = 0.3;
  p.weight = (ss_dist){SS_DIST_NORMAL, 0, 1.0 / 3.0, -INFINITY, INFINITY};
  p.delay = (ss_dist){SS_DIST_UNIFORM, 0.1, 3.0, 0, INFINITY};
  ss_net_add_proj(net, &p, &err);
  ck_assert_int_eq(ss_net_build(net, &err), 0);
  ck_assert_msg(ss_net_write_edges(net, 0, path, &err) == 0, "%s", err.msg);
  /* read it back into a second network: identical synapses */
  ss_proj q = proj_spec("ff", 0, 1, SS_CONN_FILE);
  ck_assert_msg(ss_proj_read_edges(&q, path, 20, 10, &err) == 0, "%s", err.msg);
  ck_assert_uint_eq(q.n_edges, net->n_syn);
  ss_net *net2 = ss_net_create();
  ss_net_add_source(net2, "in", 20, &err);
  ss_net_add_lif(net2, "x", 10, &lp, 0, &err);
  ck_assert_int_eq(ss_net_add_proj(net2, &q, &err), 0);
  ss_proj_free_edges(&q);
  ck_assert_int_eq(ss_net_build(net2, &err), 0);
  ck_assert_uint_eq(net2->n_syn, net->n_syn);
  ck_assert_uint_eq(net2->n_groups, net->n_groups);
  for (size_t k = 0; k < net->n_syn; ++k) {
    ck_assert_uint_eq(net2->out_post[k], net->out_post[k]);
    ck_assert(net2->out_w[k] == net->out_w[k]); /* %.17g round-trips exactly */
  }
  for (uint32_t g = 0; g < net->n_groups; ++g) ck_assert(net2->grp_delay[g] == net->grp_delay[g]);
  ss_net_destroy(net);
  ss_net_destroy(net2);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* malformed edge lists: each rejected with a message naming file, line, field */
START_TEST(test_edge_list_malformed_corpus) {
  static const struct {
    const char *text, *expect;
  } corpus[] = {
      {"0 1 0.5\n1 2\n", ":2: expected 'pre post weight [delay]', got 2 fields"},
      {"0 1 0.5 1 9\n", ":1: expected 'pre post weight [delay]', got 5 fields"},
      {"# c\n0 1 0.5\n5 1 0.5\n", ":3: field 'pre': id 5 out of range for a population of 5"},
      {"0 4 0.5\n", ":1: field 'post': id 4 out of range for a population of 4"},
      {"-1 0 0.5\n", ":1: field 'pre': expected a non-negative integer id, got '-1'"},
      {"0 x 0.5\n", ":1: field 'post': expected a non-negative integer id, got 'x'"},
      {"0 1 nan\n", ":1: field 'weight': expected a finite number (mV), got 'nan'"},
      {"0 1 0.5mV\n", ":1: field 'weight': expected a finite number (mV), got '0.5mV'"},
      {"0 1 0.5 -1\n", ":1: field 'delay': expected a finite number >= 0 (ms), got '-1'"},
      {"0 1 0.5 1\n0 1 0.5\n", ":2: 3 fields, but earlier lines have 4"},
  };
  char dir[] = "/tmp/ss_test_edges_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/bad.edges", dir);
  for (size_t c = 0; c < sizeof corpus / sizeof corpus[0]; ++c) {
    FILE *fp = fopen(path, "w");
    fputs(corpus[c].text, fp);
    fclose(fp);
    ss_proj q = proj_spec("q", 0, 1, SS_CONN_FILE);
    ss_error err = {0};
    ck_assert_int_ne(ss_proj_read_edges(&q, path, 5, 4, &err), 0);
    ck_assert_msg(strstr(err.msg, corpus[c].expect) != NULL, "case %zu: got '%s', want '%s'", c,
                  err.msg, corpus[c].expect);
    ck_assert_msg(strstr(err.msg, path) == err.msg, "case %zu: message must start with the path", c);
    ck_assert_ptr_null(q.e_pre);
  }
  /* comments: whole lines and after the numbers */
  FILE *fp = fopen(path, "w");
  fputs("# header\n  # indented\n0 1 0.5 2  # trailing\n\n4 3 -1e-3 0\n", fp);
  fclose(fp);
  ss_proj q = proj_spec("q", 0, 1, SS_CONN_FILE);
  ss_error err = {0};
  ck_assert_msg(ss_proj_read_edges(&q, path, 5, 4, &err) == 0, "%s", err.msg);
  ck_assert_uint_eq(q.n_edges, 2);
  ck_assert_uint_eq(q.e_pre[1], 4);
  ck_assert_uint_eq(q.e_post[1], 3);
  ck_assert(q.e_w[1] == -1e-3 && q.e_delay[0] == 2.0);
  ss_proj_free_edges(&q);
  ck_assert_int_eq(ss_proj_read_edges(&q, "/nonexistent/x.edges", 5, 4, &err), SS_EIO);
  ck_assert(strstr(err.msg, "/nonexistent/x.edges: cannot open edge list") != NULL);
  unlink(path);
  rmdir(dir);
}
END_TEST

START_TEST(test_invalid_specs_rejected) {
  ss_error err = {0};
  ss_net *net = ss_net_create();
  ss_lif_params lp = lif_default();
  ss_net_add_source(net, "in", 3, &err);
  ss_net_add_lif(net, "x", 4, &lp, 0, &err);
  ck_assert_int_lt(ss_net_add_lif(net, "x", 4, &lp, 0, &err), 0);
  ck_assert(strstr(err.msg, "defined twice"));
  ck_assert_int_lt(ss_net_add_source(net, "z", 0, &err), 0);
  ck_assert(strstr(err.msg, "size must be > 0"));
  ss_proj p = proj_spec("bad", 1, 0, SS_CONN_ALL_TO_ALL);
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "is a source"));
  p = proj_spec("bad", 0, 1, SS_CONN_ONE_TO_ONE);
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "equal sizes"));
  p = proj_spec("bad", 0, 1, SS_CONN_FIXED_FANIN);
  p.fanin = 4;
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "fan-in 4 exceeds"));
  p = proj_spec("bad", 0, 1, SS_CONN_FIXED_PROB);
  p.p = 1.5;
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "probability"));
  p = proj_spec("bad", 0, 1, SS_CONN_ALL_TO_ALL);
  p.delay = (ss_dist){SS_DIST_NORMAL, 1, 1, -INFINITY, INFINITY};
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "delay must be >= 0"));
  p.delay = (ss_dist){SS_DIST_CONSTANT, NAN, 0, 0, 0};
  ck_assert_int_lt(ss_net_add_proj(net, &p, &err), 0);
  ck_assert(strstr(err.msg, "finite"));
  ss_lif_params bad = lp;
  bad.tau_mem = -1;
  ck_assert_int_lt(ss_net_add_lif(net, "y", 2, &bad, 0, &err), 0);
  ck_assert(strstr(err.msg, "population 'y': "));
  ss_net_destroy(net);
}
END_TEST

int main(void) {
  Suite *s = suite_create("network");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_csr_matches_dense_adjacency_of_edge_list);
  tcase_add_test(tc, test_rules_counts_and_statistics);
  tcase_add_test(tc, test_build_is_deterministic_per_seed);
  tcase_add_test(tc, test_edge_list_round_trip);
  tcase_add_test(tc, test_edge_list_malformed_corpus);
  tcase_add_test(tc, test_invalid_specs_rejected);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}

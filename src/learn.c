/* learn.c - SuperSpike gradients by backward sweeps over window logs
 * (learn.h; event-driven.md §3).
 *
 * Per window [t0, t1) and postsynaptic neuron i the sweep runs over i's
 * breakpoints (its log records and the error events it sees) from t1 down
 * to t0, carrying the per-neuron adjoint state:
 *   b_d, b_r           anti-causal alpha components of the error (§3.4),
 *   mu^c_y, mu^c_z     anti-causal PSP filters of three channels c:
 *                      g (gradient), d and r (carry-over components) (§3.5).
 * Every arrival of synapse s at t_a samples mu^c_y(t_a); the window-start
 * terms (*) and (**) of §3.2 add the PSP state and the carried H_d, H_r of
 * each synapse.  Between breakpoints everything is closed form except the
 * Gauss-Legendre quadrature of sigma'(U) times smooth factors. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "internal.h"
#include "superspike/cost.h"
#include "superspike/learn.h"

#define GL_MAX 16
#define N_LEV 32 /* cached piece lengths h_max 2^-k, k < N_LEV */
#define N_ORD 4  /* quadrature orders per piece: n_gl, n_gl - 1, ..., n_gl - 3 (>= 1) */
#define SS_PI 3.14159265358979323846

/* A breakpoint of one neuron's sweep: the state just after every event at t. */
typedef struct bpoint {
  double t;
  double v, I;          /* v = U - U_rest, I (mV) */
  uint32_t rec_lo, rec_hi; /* log records at t (index into the neuron's row) */
  uint8_t refr;         /* refractory on [t, next breakpoint) */
  uint8_t spike;        /* the neuron spiked at t */
} bpoint;

/* The neuron's error just after the error events at t (forward traces). */
typedef struct errpt {
  double t, fd, fr;
  double ad, ar; /* e^{-(t1 - t)/tau_c} (t1: the sweep's end) */
} errpt;

/* Factors over the gap between two consecutive error times of an output
 * layer: the same for every hidden neuron fed back from it, so computed
 * once per window instead of once per hidden neuron. */
typedef struct errgap {
  double ed, er, qdd, qdr, qrr; /* e^{-L/tau_c}, Q_cc'(L) */
  double ad, ar;                /* (indexed by error time, not gap) e^{-(t1 - t)/tau_c} */
  double iad, iar;              /* (the same) their inverses, 0 if not representable (adjpt.ok) */
} errgap;

/* An anchor of the error adjoint (adj_eval): the adjoint (b_d, b_r) at an
 * error time t and the forward traces after the events there, also in
 * absolute form F_c = f_c e^{-(t1 - t)/tau_c}, so that between this point
 * and the next one above, f_c(u) = F_c e^{(t1 - u)/tau_c}.  The sweep keeps
 * the traces at t0 before the window's events at index 0, the window's
 * error times at 1..n and t1 (b = 0) at n + 1. */
typedef struct adjpt {
  double t, bd, br;
  double fd, fr;   /* traces after the events at t */
  double Fd, Fr;   /* fd e^{-(t1 - t)/tau_d}, fr e^{-(t1 - t)/tau_r} */
  double iad, iar; /* e^{(t1 - t)/tau_c} */
  int ok;          /* the absolute factors at t are representable (> 1e-200) */
  /* tau_r = tau_d / 2, between the point below and this one: b_d - b_r =
   * c1 a + c2 a^2 + cm1 / a + cm2 / a^2 with a = e^{-(t - u)/tau_d} (adj_poly) */
  double ad;       /* e^{-(t1 - t)/tau_d} */
  double c1, c2, cm1, cm2;
} adjpt;

/* Quadrature nodes of a piece of length h, with every factor that depends
 * only on a node's offset in the piece: consecutive pieces of equal length
 * (the common case on quiet stretches) share one table. */
/* e^{-y} and expm1(-y) for 0 <= y <= 1 from a grid of EXG_N steps and a
 * Taylor series over the rest (|x| < 1/EXG_N: 6 terms are exact to
 * 1e-19), and for 1 < y < EXG_K with a grid of e^{-k} (exg, exg_any): the
 * one-off node tables and the forward pass need no libm call. */
#define EXG_N 256
#define EXG_K 64

#define ADJ_TINY 1e-200 /* absolute factors below this have no representable inverse (adjpt.ok) */

typedef struct gl_table {
  double h;
  double du[GL_MAX];
  double em[GL_MAX], p21[GL_MAX]; /* free propagator over du (v <- em v + p21 I) */
  double kz[GL_MAX], ky[GL_MAX];  /* wq e^{-du/tau_m}, wq P21(du) */
  double eLd[GL_MAX], eLr[GL_MAX];/* e^{-(h - du)/tau_c} */
  double kzd[GL_MAX], kyd[GL_MAX], kzr[GL_MAX], kyr[GL_MAX]; /* kz, ky times eLd, eLr */
  double ieLd[GL_MAX], ieLr[GL_MAX]; /* 1 / eLd, 1 / eLr */
  double wq[GL_MAX], wm[GL_MAX];  /* paper tables only: the weight wq and -wq expm1(-du/tau_m) */
  double Em, Es, P21h, Edh, Erh;  /* over the whole piece */
  double iEdh, iErh;              /* 1 / Edh, 1 / Erh */
  const ss_lif_params *pp;
  int n, o;                       /* order, and its index in ss_learn.ord */
  int paper;                      /* tau_d = tau_m, tau_r = tau_s = tau_m / 2: kzd ... kyr are
                                     not filled (the node loop uses wq, wm, eLd and Em instead) */
} gl_table;

struct ss_learn {
  ss_net *net;
  ss_learn_params p;
  double A;                       /* alpha = A (e^{-t/tau_d} - e^{-t/tau_r}) */
  double t_dd, t_dr, t_rr;        /* tau_c tau_c' / (tau_c + tau_c') */
  double xg[N_ORD][GL_MAX], wg[N_ORD][GL_MAX]; /* Gauss-Legendre on [-1, 1], order ord[o] */
  int ord[N_ORD], n_ord;          /* ord[0] = n_gl, then lower orders */
  double ord_c[N_ORD];            /* (n!)^4 / ((2n+1) ((2n)!)^3): GL error factor of e^{-x/tau} */
  double ord_tol;                 /* the error the default order allows on a full piece */
  double tau_min;                 /* shortest time constant in the integrand */
  double levh[N_LEV];             /* h_max 2^-k */
  double inv_beta;                /* 1/beta (mV) */
  double xgE[EXG_N + 1], xgM[EXG_N + 1]; /* e^{-i/EXG_N}, expm1(-i/EXG_N) */
  double xgC[EXG_K];              /* e^{-k} */
  int full_order0;                /* pieces of h_max always take order index 0 */
  double ord_h[N_ORD], ord_a[N_ORD]; /* order index o is enough on pieces h <= ord_h[o]
                                       whose pole is >= ord_a[o] h / 2 away */
  uint8_t *role;                  /* [n_pops] */
  uint8_t *plastic;               /* [n_projs] */
  ss_fb_set fb;                   /* hidden layers and their feedback */
  /* per incoming slot */
  double *G, *H; /* H: [2 S], H_d and H_r of slot s at 2 s, 2 s + 1 */
  /* per incoming slot of the neuron being swept (max fan-in): the sums of
   * mu^d_y, mu^r_y over its arrivals (K_d, K_r of (**)) */
  double *Kd, *Kr;
  uint32_t max_fanin;
  /* per delay group: PSP state at the window start */
  double *y0, *z0;
  /* per unit */
  double *fd0, *fr0;              /* output error traces at t0 (outputs only) */
  uint16_t *in_grp16;             /* [n_syn]: the delay group of each incoming slot, */
  uint32_t *in_grp32;             /* 16 bits if there are at most 65536 groups */
  uint8_t *sweep;                 /* [n_units] neuron has plastic inputs */
  /* scratch */
  bpoint *bp;
  size_t cap_bp;
  errpt *ep;
  size_t cap_ep;
  adjpt *ap;                      /* the adjoint's anchors of the neuron being swept */
  size_t cap_ap;
  errgap *gap;                    /* gaps of the current hidden layer's error times */
  size_t cap_gap;
  gl_table tab[N_ORD];            /* scratch tables (any piece length) */
  gl_table lev[N_ORD][N_LEV];     /* tables of the lengths h_max 2^-k */
  uint64_t *err_row;              /* [n_units + 1] error events per output neuron */
  ss_err_rec *err_by;             /* error events grouped by neuron */
  size_t cap_err;
  double t0;
  int started;
  ss_cost *cost;                  /* the outputs' error traces and cost */
  double het_tau, het_a;          /* regularizer trace; het_tau 0 = off */
  int het_err;                    /* error-dependent variant: integrate z^a e^2 */
  double *zhet, *Zhet;            /* [n_units] trace at t0; integral of z^a over the window */
  ss_learn_stats st;
  /* eligibility delay alignment (ss_learn_set_align): aligned layers sweep
   * the eligibility interval [t0 - D, t1 - D) with the error shifted by D */
  double *align;                  /* [n_pops] D (ms), 0 = off */
  int al_first;                   /* the next window is the first since the start */
  double *al_v, *al_I;            /* [n_units] state at t1 - D (before the events at t1 - D) */
  uint8_t *al_refr;
  ss_log_rec *al_tail, *al_tail2; /* log records of [t1 - D, t1), grouped by neuron */
  uint64_t *al_row, *al_row2;     /* [n_units + 1] */
  size_t cap_tail, cap_tail2;
  ss_log_rec *al_rec;             /* scratch: the swept neuron's records of [t0 - D, t1 - D) */
  size_t cap_arec;
  ss_err_rec *al_ev;              /* scratch: error events shifted by -D */
  size_t cap_aev;
  double *al_fd, *al_fr;          /* [n_units] output traces at t0 + D (first window) */
};

/* ------------------------------------------------------------ setup */

void ss_learn_params_default(ss_learn_params *p) {
  p->tau_rise = 5.0;
  p->tau_decay = 10.0;
  p->alpha_peak = 0;
  p->beta = 1.0;
  p->surrogate = SS_SURR_PAPER;
  p->mode = SS_LEARN_ONLINE;
  p->n_gl = 5;
  p->h_max = 8.0;
  p->grade = 1;
  p->grade_c = 0.5;
  p->adapt = 0.5;
  p->cost_tau = 10000.0;
  p->err_breakpoints = 0;
  p->u_cut = -80.0;
}

/* Gauss-Legendre nodes and weights by Newton's method on P_n, in
 * decreasing order and exactly symmetric (x[n-1-i] = -x[i], w[n-1-i] =
 * w[i]: table_build relies on it). */
static void gauss_legendre(int n, double *x, double *w) {
  for (int i = 0; i < n; ++i) {
    double z = cos(SS_PI * (i + 0.75) / (n + 0.5)), dp = 0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1, p1 = z;
      for (int k = 2; k <= n; ++k) {
        double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      if (n == 1) { p1 = z; p0 = 1; }
      dp = n * (z * p1 - p0) / (z * z - 1);
      double dz = p1 / dp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    /* recompute the derivative at the converged node */
    double p0 = 1, p1 = z;
    for (int k = 2; k <= n; ++k) {
      double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = n * (z * p1 - p0) / (z * z - 1);
    x[i] = z;
    w[i] = 2.0 / ((1 - z * z) * dp * dp);
  }
  for (int i = 0; 2 * i < n - 1; ++i) {
    x[n - 1 - i] = -x[i];
    w[n - 1 - i] = w[i];
  }
  if (n % 2) x[n / 2] = 0.0;
}

ss_learn *ss_learn_create(ss_net *net, const ss_learn_params *p, ss_error *err) {
  if (!net->built || !net->out_slot) {
    ss_error_set(err, SS_ESTATE, "learning needs a built network with its incoming order");
    return NULL;
  }
  if (!(p->tau_rise > 0) || !(p->tau_decay > 0) || !isfinite(p->tau_rise) || !isfinite(p->tau_decay)) {
    ss_error_set(err, SS_EINVAL, "alpha kernel time constants must be > 0");
    return NULL;
  }
  if (fabs(p->tau_rise - p->tau_decay) < 1e-2 * p->tau_decay) {
    ss_error_set(err, SS_EINVAL, "tau_rise and tau_decay must differ by at least 1%% (closed forms cancel otherwise)");
    return NULL;
  }
  if (!(p->beta > 0) || !isfinite(p->beta)) {
    ss_error_set(err, SS_EINVAL, "surrogate beta must be > 0");
    return NULL;
  }
  if (p->surrogate != SS_SURR_PAPER && p->surrogate != SS_SURR_LINEAR && p->surrogate != SS_SURR_REFERENCE) {
    ss_error_set(err, SS_EINVAL, "unknown surrogate form %d", (int)p->surrogate);
    return NULL;
  }
  if (isnan(p->u_cut) || p->u_cut == INFINITY) {
    ss_error_set(err, SS_EINVAL, "surrogate cut u_cut must be a number or -inf (got %g mV)", p->u_cut);
    return NULL;
  }
  if (p->n_gl < 1 || p->n_gl > GL_MAX) {
    ss_error_set(err, SS_EINVAL, "quadrature order must be in 1..%d (got %d)", GL_MAX, p->n_gl);
    return NULL;
  }
  if (!(p->h_max > 0) || !isfinite(p->h_max) || !(p->grade_c > 0) || !(p->adapt >= 0) || !(p->cost_tau > 0)) {
    ss_error_set(err, SS_EINVAL, "h_max, grade_c and cost_tau must be > 0, adapt >= 0");
    return NULL;
  }
  ss_learn *l = calloc(1, sizeof *l);
  if (!l) goto oom;
  l->net = net;
  l->p = *p;
  double td = p->tau_decay, tr = p->tau_rise;
  l->A = ss_alpha_norm(tr, td, p->alpha_peak);
  l->t_dd = td / 2.0;
  l->t_dr = 1.0 / (1.0 / td + 1.0 / tr);
  l->t_rr = tr / 2.0;
  l->n_ord = 0;
  for (int o = 0; o < N_ORD && p->n_gl - o >= 1; ++o) {
    int n = p->n_gl - o;
    l->ord[o] = n;
    gauss_legendre(n, l->xg[o], l->wg[o]);
    double f = 1, f2 = 1;
    for (int k = 2; k <= n; ++k) f *= k;
    for (int k = 2; k <= 2 * n; ++k) f2 *= k;
    l->ord_c[o] = f * f * f * f / ((2 * n + 1) * f2 * f2 * f2);
    l->n_ord++;
  }
  for (int k = 0; k < N_LEV; ++k) l->levh[k] = ldexp(p->h_max, -k);
  for (int i = 0; i <= EXG_N; ++i) {
    l->xgM[i] = expm1(-(double)i / EXG_N);
    l->xgE[i] = 1.0 + l->xgM[i];
  }
  for (int k = 0; k < EXG_K; ++k) l->xgC[k] = exp(-(double)k);
  l->inv_beta = 1.0 / p->beta;
  /* the order of a piece (adaptive layout): the lowest whose error
   * estimates, for the fastest exponential and for the surrogate's pole,
   * stay below what the default order allows on a full piece */
  l->tau_min = fmin(fmin(l->t_rr, l->t_dr), fmin(l->t_dd, fmin(tr, td)));
  for (uint32_t q = 0; q < net->n_pops; ++q)
    if (net->pops[q].kind == SS_POP_LIF)
      l->tau_min = fmin(l->tau_min, fmin(net->pops[q].lif.tau_mem, net->pops[q].lif.tau_syn));
  {
    double x2 = (p->h_max / l->tau_min) * (p->h_max / l->tau_min), e = l->ord_c[0], a = 2.0 / fmax(p->adapt, 1e-3);
    double rho2 = (a + sqrt(a * a - 1.0)) * (a + sqrt(a * a - 1.0)), pe = 1.0;
    for (int k = 0; k < p->n_gl; ++k) {
      e *= x2;
      pe /= rho2;
    }
    l->ord_tol = fmax(e, pe);
    for (int o = 0; o < l->n_ord; ++o) { /* c (h/tau_min)^{2n} <= tol and rho^{-2n} <= tol, rho = a + sqrt(a^2 - 1) */
      double n2 = 2.0 * l->ord[o], rho = pow(l->ord_tol, -1.0 / n2);
      l->ord_h[o] = l->tau_min * pow(l->ord_tol / l->ord_c[o], 1.0 / n2);
      l->ord_a[o] = 0.5 * (rho + 1.0 / rho);
    }
    l->full_order0 = 1;
    for (int o = 1; o < l->n_ord; ++o)
      if (p->h_max <= l->ord_h[o]) l->full_order0 = 0;
  }
  size_t S = net->n_syn, nu = net->n_units, ng = net->n_groups;
  l->role = calloc(net->n_pops, 1);
  l->plastic = calloc(net->n_projs ? net->n_projs : 1, 1);
  l->G = calloc(S ? S : 1, sizeof(double));
  for (uint32_t u = 0; u < nu; ++u)
    if (net->in_ptr[u + 1] - net->in_ptr[u] > l->max_fanin) l->max_fanin = net->in_ptr[u + 1] - net->in_ptr[u];
  l->Kd = calloc(l->max_fanin ? l->max_fanin : 1, sizeof(double));
  l->Kr = calloc(l->max_fanin ? l->max_fanin : 1, sizeof(double));
  l->H = calloc(S ? 2 * S : 1, sizeof(double));
  l->y0 = calloc(ng ? ng : 1, sizeof(double));
  l->z0 = calloc(ng ? ng : 1, sizeof(double));
  l->fd0 = calloc(nu, sizeof(double));
  l->fr0 = calloc(nu, sizeof(double));
  if (ng <= 65536) {
    l->in_grp16 = malloc((S ? S : 1) * sizeof *l->in_grp16);
    if (l->in_grp16)
      for (uint32_t g = 0; g < ng; ++g)
        for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) l->in_grp16[net->out_slot[k]] = (uint16_t)g;
  } else {
    l->in_grp32 = malloc((S ? S : 1) * sizeof *l->in_grp32);
    if (l->in_grp32)
      for (uint32_t g = 0; g < ng; ++g)
        for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) l->in_grp32[net->out_slot[k]] = g;
  }
  l->sweep = calloc(nu, 1);
  l->err_row = calloc(nu + 1, sizeof(uint64_t));
  l->cost = ss_cost_create((uint32_t)nu, p->tau_rise, p->tau_decay, p->alpha_peak, p->cost_tau, err);
  if (!l->cost) {
    ss_learn_destroy(l);
    return NULL;
  }
  if (!l->role || !l->plastic || !l->G || !l->Kd || !l->Kr || !l->H || !l->y0 || !l->z0 ||
      !l->fd0 || !l->fr0 || (!l->in_grp16 && !l->in_grp32) || !l->sweep || !l->err_row)
    goto oom;
  return l;
oom:
  ss_error_set(err, SS_ENOMEM, "learning: out of memory");
  ss_learn_destroy(l);
  return NULL;
}

void ss_learn_destroy(ss_learn *l) {
  if (!l) return;
  ss_fb_free(&l->fb);
  free(l->role);
  free(l->plastic);
  free(l->G);
  free(l->Kd);
  free(l->Kr);
  free(l->H);
  free(l->y0);
  free(l->z0);
  free(l->fd0);
  free(l->fr0);
  free(l->in_grp16);
  free(l->in_grp32);
  free(l->sweep);
  free(l->zhet);
  free(l->Zhet);
  free(l->bp);
  free(l->ep);
  free(l->ap);
  free(l->gap);
  free(l->err_row);
  free(l->err_by);
  free(l->align);
  free(l->al_v);
  free(l->al_I);
  free(l->al_refr);
  free(l->al_tail);
  free(l->al_tail2);
  free(l->al_row);
  free(l->al_row2);
  free(l->al_rec);
  free(l->al_ev);
  free(l->al_fd);
  free(l->al_fr);
  ss_cost_destroy(l->cost);
  free(l);
}

int ss_learn_add_output(ss_learn *l, uint32_t pop, ss_error *err) {
  const ss_net *net = l->net;
  int rc = ss_role_add_output(net, l->role, pop, err);
  if (rc) return rc;
  for (uint32_t k = 0; k < net->pops[pop].size; ++k) ss_cost_add_output(l->cost, net->pops[pop].offset + k);
  return SS_OK;
}

int ss_learn_add_hidden(ss_learn *l, uint32_t pop, uint32_t out_pop, ss_feedback fb, uint32_t proj,
                        uint64_t seed, ss_error *err) {
  int rc = ss_role_check_hidden(l->net, l->role, pop, out_pop, fb, proj, err);
  if (rc) return rc;
  if (ss_fb_add(&l->fb, l->net, pop, out_pop, fb, proj, seed))
    return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
  l->role[pop] = SS_ROLE_HIDDEN;
  return SS_OK;
}

int ss_learn_set_align(ss_learn *l, uint32_t pop, double D, ss_error *err) {
  const ss_net *net = l->net;
  if (pop >= net->n_pops || (l->role[pop] != SS_ROLE_OUTPUT && l->role[pop] != SS_ROLE_HIDDEN))
    return ss_error_set(err, SS_EINVAL, "alignment: population %u is not an output or hidden layer", pop);
  if (!(D >= 0) || !isfinite(D)) return ss_error_set(err, SS_EINVAL, "alignment: D must be finite and >= 0 (got %g ms)", D);
  if (l->started) return ss_error_set(err, SS_ESTATE, "alignment: set it before ss_learn_start");
  if (!l->align && D == 0) return SS_OK;
  size_t nu = net->n_units;
  if (!l->align) {
    l->align = calloc(net->n_pops, sizeof(double));
    l->al_v = calloc(nu, sizeof(double));
    l->al_I = calloc(nu, sizeof(double));
    l->al_refr = calloc(nu, 1);
    l->al_row = calloc(nu + 1, sizeof(uint64_t));
    l->al_row2 = calloc(nu + 1, sizeof(uint64_t));
    l->al_fd = calloc(nu, sizeof(double));
    l->al_fr = calloc(nu, sizeof(double));
    if (!l->align || !l->al_v || !l->al_I || !l->al_refr || !l->al_row || !l->al_row2 || !l->al_fd || !l->al_fr)
      return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
  }
  l->align[pop] = D;
  return SS_OK;
}

int ss_learn_set_het(ss_learn *l, double tau_het, double a, ss_error *err) {
  if (!(tau_het > 0) || !isfinite(tau_het) || !(a >= 0) || !isfinite(a))
    return ss_error_set(err, SS_EINVAL, "regularizer: tau_het must be > 0 and the exponent >= 0");
  size_t nu = l->net->n_units;
  if (!l->zhet) {
    l->zhet = calloc(nu, sizeof(double));
    l->Zhet = calloc(nu, sizeof(double));
    if (!l->zhet || !l->Zhet) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
  }
  l->het_tau = tau_het;
  l->het_a = a;
  return SS_OK;
}

const double *ss_learn_het_integral(const ss_learn *l) { return l->Zhet; }

int ss_learn_set_het_error(ss_learn *l, int on, ss_error *err) {
  (void)err;
  l->het_err = on != 0;
  return SS_OK;
}

/* int_{t0}^{t1} z(t)^a dt of neuron n from its spikes in the log, and its
 * trace at t1: between spikes z = z_k e^{-(t - t_k)/tau}, so each piece is
 * z_k^a tau/a (1 - e^{-a L / tau}). */
static void het_window(ss_learn *l, uint32_t n, const ss_log_rec *rec, size_t n_rec, double t0, double t1) {
  double tau = l->het_tau, a = l->het_a, z = l->zhet[n], t = t0, Z = 0;
  for (size_t k = 0;; ++k) {
    while (k < n_rec && rec[k].code != SS_LOG_SPIKE) ++k;
    double tn = k < n_rec ? rec[k].t : t1, L = tn - t;
    if (L > 0) {
      Z += a == 0 ? L : pow(z, a) * (-expm1(-a * L / tau)) * tau / a;
      z *= exp(-L / tau);
      t = tn;
    }
    if (k >= n_rec) break;
    z += 1.0;
  }
  l->Zhet[n] = Z;
  l->zhet[n] = z;
}

int ss_learn_set_feedback(ss_learn *l, uint32_t pop, const double *B, ss_error *err) {
  return ss_fb_set_matrix(&l->fb, l->net, pop, B, err);
}

int ss_learn_add_plastic(ss_learn *l, uint32_t proj, ss_error *err) {
  const ss_net *net = l->net;
  int rc = ss_role_add_plastic(net, l->role, l->plastic, proj, err);
  if (rc) return rc;
  const ss_pop *pp = &net->pops[net->projs[proj].post];
  for (uint32_t k = 0; k < pp->size; ++k) l->sweep[pp->offset + k] = 1;
  return SS_OK;
}

int ss_learn_start(ss_learn *l, ss_engine *e, ss_error *err) {
  int rc = ss_engine_enable_psp(e, err);
  if (rc) return rc;
  if ((rc = ss_engine_log_enable(e, err))) return rc;
  l->t0 = ss_engine_time(e);
  l->started = 1;
  l->al_first = 1;
  if (l->al_row) memset(l->al_row, 0, ((size_t)l->net->n_units + 1) * sizeof(uint64_t));
  const ss_net *net = l->net;
  for (uint32_t g = 0; g < net->n_groups; ++g) ss_engine_psp(e, g, l->t0, &l->y0[g], &l->z0[g]);
  return SS_OK;
}

/* ------------------------------------------------------------ the sweep */

/* sigma' at depolarisation v; vcut = u_cut - u_rest (SS_SURR_REFERENCE). */
static inline double surrogate(const ss_learn *l, const ss_lif_params *pp, double v, double vcut) {
  if (l->p.surrogate == SS_SURR_LINEAR) return 1.0;
  double x = 1.0 + l->p.beta * fabs(v - pp->thp);
  if (l->p.surrogate == SS_SURR_REFERENCE) return v >= vcut ? l->p.beta / (x * x) : 0.0;
  return 1.0 / (x * x);
}

/* The paper's form, for the node loops. */
static inline double surr_paper(double beta, double thp, double v) {
  double x = 1.0 + beta * fabs(v - thp);
  return 1.0 / (x * x);
}

/* ------------------------------------------------------------ u_cut crossings */

/* The free trajectory at t: returns v(t), *It = I(t). */
static inline double free_vI(const ss_lif_params *pp, double v0, double I0, double t, double *It) {
  double em, es, p21;
  ss_lif_prop_coeffs(pp, t, &em, &es, &p21);
  *It = es * I0;
  return em * v0 + p21 * I0;
}

/* f and f' of the two functions whose roots we need: kind 0, v(t) - c
 * (f' = v' = (I - v)/tau_m); kind 1, I(t) - v(t) (= tau_m v', its root is
 * the extremum of v; f' = -I/tau_s - v'). */
static inline double cut_f(const ss_lif_params *pp, int kind, double v0, double I0, double c, double t,
                           double *fp) {
  double I, v = free_vI(pp, v0, I0, t, &I), dv = (I - v) * pp->inv_tau_mem;
  if (kind == 0) {
    *fp = dv;
    return v - c;
  }
  *fp = -I * pp->inv_tau_syn - dv;
  return I - v;
}

/* The root of a monotone f on [a, b] with sign(f(a)) != sign(f(b)):
 * safeguarded Newton, bisection whenever a step leaves the bracket or does
 * not halve it; stops when the bracket is below ~1e-13 ms. */
static double cut_root(const ss_lif_params *pp, int kind, double v0, double I0, double c, double a, double fa,
                       double b) {
  const double tol = fmax(1e-14, 4.0 * DBL_EPSILON * b);
  int up = fa < 0; /* f increasing from a to b */
  double x = 0.5 * (a + b), dxold = b - a, dx = dxold, fp, f = cut_f(pp, kind, v0, I0, c, x, &fp);
  for (int it = 0; it < 200; ++it) {
    if ((f < 0) == up) a = x; /* the root lies above x */
    else b = x;
    double xn = x - f / fp;
    if (!(fp != 0) || !(xn > a && xn < b) || fabs(2.0 * (x - xn)) > fabs(dxold)) {
      dxold = dx;
      dx = 0.5 * (b - a);
      xn = a + dx;
    } else {
      dxold = dx;
      dx = x - xn;
    }
    if (b - a <= tol || fabs(dx) <= 0.25 * tol) return xn;
    x = xn;
    f = cut_f(pp, kind, v0, I0, c, x, &fp);
    if (f == 0) return x;
  }
  return x;
}

int ss_learn_cut_crossings(const ss_lif_params *pp, double v0, double I0, double L, double vc, double t[2]) {
  if (!(L > 0) || !isfinite(L) || isnan(vc) || isinf(vc)) return 0;
  double IL, vL = free_vI(pp, v0, I0, L, &IL);
  /* quick answers: v(t) = e^{-t/tm} v0 + P21(t) I0 with P21 in [0, eps_peak] */
  double lo = fmin(v0, 0.0) + pp->eps_peak * fmin(I0, 0.0), hi = fmax(v0, 0.0) + pp->eps_peak * fmax(I0, 0.0);
  if (lo > vc || hi < vc) return 0;
  double ed[3];
  int ne = 0;
  ed[ne++] = 0.0;
  double g0 = I0 - v0, gL = IL - vL; /* tau_m v' at both ends */
  if ((g0 > 0 && gL < 0) || (g0 < 0 && gL > 0)) ed[ne++] = cut_root(pp, 1, v0, I0, 0.0, 0.0, g0, L);
  ed[ne++] = L;
  int n = 0;
  double fa = v0 - vc;
  for (int k = 0; k + 1 < ne; ++k) {
    double fpd, fb = k + 2 < ne ? cut_f(pp, 0, v0, I0, vc, ed[k + 1], &fpd) : vL - vc;
    if ((fa < 0) != (fb < 0)) {
      double r = cut_root(pp, 0, v0, I0, vc, ed[k], fa, ed[k + 1]);
      if (r > 0 && r < L && (n == 0 || r > t[n - 1])) t[n++] = r;
    }
    fa = fb;
  }
  return n;
}

static inline double Q(double L, double tau) { return -tau * expm1(-L / tau); }

/* e = e^{-y}, m1 = e - 1 (y >= 0) to full relative accuracy, as
 * ss_lif_exp_expm1, from the grid for y <= 1: y = i / EXG_N + x exactly
 * (Sterbenz), e^{-y} = E_i e^{-x}, expm1(-y) = M_i + E_i expm1(-x). */
static inline void exg(const ss_learn *l, double y, double *e, double *m1) {
  if (!(y <= 1.0)) {
    ss_lif_exp_expm1(y, e, m1);
    return;
  }
  const int i = (int)(y * EXG_N);
  const double x = y - (double)i * (1.0 / EXG_N);
  /* expm1(-x) = x (-1 + x/2 - x^2/6 + x^3/24 - x^4/120 + x^5/720), in Estrin's
   * order (three short chains instead of one of six steps) */
  const double x2 = x * x;
  const double p = x * ((-1.0 + x * (1.0 / 2)) + x2 * ((-1.0 / 6 + x * (1.0 / 24)) + x2 * (-1.0 / 120 + x * (1.0 / 720))));
  *m1 = l->xgM[i] + l->xgE[i] * p;
  *e = l->xgE[i] * (1.0 + p);
}

/* The same for any y >= 0: y = k + r, e^{-y} = e^{-k} e^{-r} (then y >= 1
 * and e - 1 has no cancellation). */
static inline void exg_any(const ss_learn *l, double y, double *e, double *m1) {
  if (y <= 1.0 || !(y < EXG_K)) {
    exg(l, y, e, m1);
    return;
  }
  const int k = (int)y;
  double er, mr;
  exg(l, y - (double)k, &er, &mr);
  *e = l->xgC[k] * er;
  *m1 = *e - 1.0;
}

/* ss_lif_propagate over D, with exg_any for the paper's tau_syn = tau_mem / 2. */
static inline void free_prop(const ss_learn *l, const ss_lif_params *pp, double D, double *v, double *I) {
  if (!pp->quadratic) {
    ss_lif_propagate(pp, D, v, I);
    return;
  }
  double em, m1;
  exg_any(l, D * pp->inv_tau_mem, &em, &m1);
  *v = em * *v - m1 * em * *I;
  *I *= em * em;
}

/* Free (v, I) after D of the segment's start state. */
static inline void seg_state(const ss_lif_params *pp, const bpoint *b, double D, double *v, double *I) {
  *v = b->v;
  *I = b->I;
  if (D > 0) {
    if (b->refr) *I *= exp(-D / pp->tau_syn);
    else ss_lif_propagate(pp, D, v, I);
  }
}

/* Grow the scratch array *p of *cap elements of `size` bytes to hold
 * `need` (doubling from 256). */
static int grow_scratch(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return SS_OK;
  size_t c = *cap ? *cap : 256;
  while (c < need) c *= 2;
  void *a = ss_realloc_array(*p, c, size);
  if (!a) return SS_ENOMEM;
  *p = a;
  *cap = c;
  return SS_OK;
}

static int grow_bp(ss_learn *l, size_t need) {
  void *p = l->bp;
  int rc = grow_scratch(&p, &l->cap_bp, need, sizeof *l->bp);
  l->bp = p;
  return rc;
}

static int grow_ap(ss_learn *l, size_t need) {
  void *p = l->ap;
  int rc = grow_scratch(&p, &l->cap_ap, need, sizeof *l->ap);
  l->ap = p;
  return rc;
}

/* Piece edges of segment [ta, tb] into `ed` (ascending, ed[0] = ta, last = tb);
 * returns their number.  Graded toward a spike of the neuron at tb (§3.6). */
static inline const gl_table *table_lev(ss_learn *l, const ss_lif_params *pp, int k, int o);
static inline int pick_order(const ss_learn *l, double h, double av1, double sv2, double d);

/* The pole estimate of the layout below, r = d / (|v'| + sqrt(|v''| d / 2)),
 * without division or square root: g / r <= c d, i.e. g |v'| + g sqrt(sv2)
 * <= c d with sv2 = |v''| d / 2, holds iff layout_ok(c d, g |v'|, g^2 sv2). */
static inline int layout_ok(double cd, double gv1, double g2sv2) {
  double c = cd - gv1;
  return c >= 0.0 && g2sv2 <= c * c;
}

static size_t piece_edges_(ss_learn *l, const ss_lif_params *pp, const bpoint *b, double tb, int spike_end,
                           double *ed, double *ev, double *eI, int8_t *elev, int8_t *eord, size_t cap);

/* The same, with the free state (v, I) at every edge but the last in ev,
 * eI (unused for refractory segments). */
static size_t piece_edges(ss_learn *l, const ss_lif_params *pp, const bpoint *b, double tb, int spike_end,
                          double *ed, double *ev, double *eI, int8_t *elev, int8_t *eord, size_t cap) {
  size_t n = piece_edges_(l, pp, b, tb, spike_end, ed, ev, eI, elev, eord, cap);
  if (!(l->p.adapt > 0 && !b->refr && l->p.surrogate != SS_SURR_LINEAR)) {
    for (size_t k = 0; k + 1 < n; ++k) elev[k] = -1, eord[k] = 0;
    if (!b->refr)
      for (size_t k = 0; k + 1 < n; ++k) seg_state(pp, b, ed[k] - b->t, &ev[k], &eI[k]);
  }
  return n;
}

static size_t piece_edges_(ss_learn *l, const ss_lif_params *pp, const bpoint *b, double tb, int spike_end,
                           double *ed, double *ev, double *eI, int8_t *elev, int8_t *eord, size_t cap) {
  double ta = b->t, L = tb - ta, hm = l->p.h_max;
  if (l->p.adapt > 0 && !b->refr && l->p.surrogate != SS_SURR_LINEAR) {
    /* sigma'(U) = (1 + beta (theta' - v))^-2 below threshold has its pole at
     * v = theta' + 1/beta, a distance d = theta' - v + 1/beta away in v;
     * along the trajectory v + v' s + v'' s^2 / 2 that is a time of about
     * r = 1 / (|v'| / d + sqrt(|v''| / (2 d))).  Pieces of adapt x r keep
     * the pole outside the Bernstein ellipse of every piece: geometric
     * refinement toward spikes, and toward near-threshold excursions of
     * high curvature, which equal pieces would resolve only algebraically. */
    /* Piece lengths are rounded down to h_max 2^-k, whose node tables are
     * cached: only the last piece of a segment (the remainder) needs a new
     * table.  Each piece gets the lowest order whose error estimates stay
     * within what the default order allows on a full piece (pick_order):
     * short pieces far from the pole need fewer nodes. */
    size_t n = 0;
    /* A division and a square root for r would sit on the critical path
     * of every piece (they cost a seventh of the sweep): the tests
     * "adapt r >= h_max 2^-k" and pick_order's are squared out instead
     * (layout_ok), and the level is found by doubling. */
    const double ib = l->inv_beta, hma = hm / l->p.adapt;
    double t = ta, v = b->v, I = b->I, av1 = 0.0, sv2 = 0.0, d = 1.0;
    ed[n] = ta;
    ev[n] = v;
    eI[n++] = I;
    while (n < cap - 2) {
      double v1 = (I - v) * pp->inv_tau_mem, v2 = (-I * pp->inv_tau_syn - v1) * pp->inv_tau_mem;
      d = pp->thp - v + ib;
      if (d < ib) d = ib;
      av1 = fabs(v1);
      sv2 = 0.5 * fabs(v2) * d;
      double h = hm, dk = d, hv1 = hma * av1, q = hma * hma * sv2;
      int k = 0;
      while (!layout_ok(dk, hv1, q)) { /* h_max 2^-k > adapt r */
        dk *= 2.0;
        if (++k == N_LEV) break;
      }
      if (k == N_LEV) {
        h = l->p.adapt * d / (av1 + sqrt(sv2));
        k = -1;
      } else h = l->levh[k];
      if (tb - t <= 1.5 * h) break;
      t += h;
      int o = k == 0 && l->full_order0 ? 0 : pick_order(l, h, av1, sv2, d);
      if (k >= 0) { /* one step of the cached propagator */
        const gl_table *T = table_lev(l, pp, k, o);
        v = T->Em * v + T->P21h * I;
        I *= T->Es;
      } else seg_state(pp, b, t - ta, &v, &I);
      elev[n - 1] = (int8_t)k;
      eord[n - 1] = (int8_t)o;
      ed[n] = t;
      ev[n] = v;
      eI[n++] = I;
    }
    if (tb - t > hm) { /* one more full piece, the rest (<= h_max / 2) last */
      int o = pick_order(l, hm, av1, sv2, d);
      const gl_table *T = table_lev(l, pp, 0, o);
      t += hm;
      v = T->Em * v + T->P21h * I;
      I *= T->Es;
      elev[n - 1] = 0;
      eord[n - 1] = (int8_t)o;
      ed[n] = t;
      ev[n] = v;
      eI[n++] = I;
    }
    elev[n - 1] = -1;
    eord[n - 1] = (int8_t)pick_order(l, tb - t, av1, sv2, d);
    ed[n++] = tb;
    return n;
  }
  if (l->p.grade && spike_end && !b->refr) {
    double vb, Ib;
    seg_state(pp, b, L, &vb, &Ib);
    double slope = (Ib - vb) / pp->tau_mem;
    if (slope < 1e-12) slope = 1e-12;
    double ell = l->p.grade_c / (l->p.beta * slope);
    if (ell > hm) ell = hm;
    size_t n = 0;
    double rev[512];
    rev[n++] = tb;
    while (rev[n - 1] - ell > ta + 0.5 * ell && n < 511) {
      rev[n] = rev[n - 1] - ell;
      ++n;
      ell = 2.0 * ell < hm ? 2.0 * ell : hm;
    }
    rev[n++] = ta;
    if (n > cap) n = cap;
    for (size_t k = 0; k < n; ++k) ed[k] = rev[n - 1 - k];
    return n;
  }
  double mf = ceil(L / hm - 1e-9);
  size_t m = mf < 1 ? 1 : (size_t)mf;
  if (m + 1 > cap) m = cap - 1;
  double hp = L / (double)m;
  for (size_t j = 0; j < m; ++j) ed[j] = ta + (double)j * hp;
  ed[m] = tb;
  return m + 1;
}

/* Error-dependent regularizer (paper-spec §2.8, eq. A.5): Z = int_{t0}^{t1}
 * z(t)^a e(t)^2 dt of neuron n, and its trace z at t1.  Breakpoints are
 * its own spikes (z jumps) and its error points ep (the forward traces
 * after the events at each time; fd, fr at t0 before them).  In between,
 * z = z_k e^{-x/tau_het} and e = A (f_d e^{-x/tau_d} - f_r e^{-x/tau_r}),
 * so z^a e^2 is a sum of three exponentials:
 *   A^2 z_k^a [f_d^2 Q(2/tau_d + c) - 2 f_d f_r Q(1/tau_d + 1/tau_r + c) + f_r^2 Q(2/tau_r + c)],
 * c = a/tau_het, Q(k) = (1 - e^{-k L})/k (every rate > 0). */
static void het_window_err(ss_learn *l, uint32_t n, const ss_log_rec *rec, size_t n_rec, const errpt *ep, size_t nep,
                           double fd, double fr, double t0, double t1) {
  const double tau = l->het_tau, a = l->het_a, td = l->p.tau_decay, tr = l->p.tau_rise, A2 = l->A * l->A;
  const double c = a / tau, k1 = 2.0 / td + c, k2 = 1.0 / td + 1.0 / tr + c, k3 = 2.0 / tr + c;
  double z = l->zhet[n], t = t0, Z = 0;
  size_t ir = 0, ie = 0;
  for (;;) {
    while (ir < n_rec && rec[ir].code != SS_LOG_SPIKE) ++ir;
    double ts = ir < n_rec ? rec[ir].t : t1, te = ie < nep ? ep[ie].t : t1;
    double tn = ts < te ? ts : te;
    if (tn > t1) tn = t1;
    double L = tn - t;
    if (L > 0) {
      double za = a == 0 ? 1.0 : pow(z, a);
      if (za != 0)
        Z += A2 * za *
             (fd * fd * -expm1(-k1 * L) / k1 - 2.0 * fd * fr * -expm1(-k2 * L) / k2 + fr * fr * -expm1(-k3 * L) / k3);
      z *= exp(-L / tau);
      fd *= exp(-L / td);
      fr *= exp(-L / tr);
      t = tn;
    }
    if (!(tn < t1)) break;
    if (ie < nep && ep[ie].t == tn) {
      fd = ep[ie].fd;
      fr = ep[ie].fr;
      ++ie;
    }
    for (; ir < n_rec && rec[ir].t == tn; ++ir)
      if (rec[ir].code == SS_LOG_SPIKE) z += 1.0;
  }
  l->Zhet[n] = Z;
  l->zhet[n] = z;
}

/* Sweep neuron n over [t0, t1).  rec: its log records; ev: error events
 * in time order (outputs: its own; hidden: its output layer's, weighted by
 * its row Brow of B, events of other neurons ignored); fd0, fr0: its error
 * traces at t0. */
typedef struct sweep_in {
  const ss_log_rec *rec;
  size_t n_rec;
  const ss_err_rec *ev;
  size_t n_ev;
  const double *Brow;     /* hidden: B row, indexed by output local id; NULL for outputs */
  uint32_t out_off, out_size;
  const errgap *gap;      /* hidden: the output layer's gap factors, or NULL */
  double v0, i0;
  uint8_t refr0;
  double fd0, fr0;
  double Ed, Er;          /* e^{-T/tau_d}, e^{-T/tau_r} over the window */
  int save_state;         /* keep the state at the sweep's end (aligned layers) */
} sweep_in;

/* e^{-x/tau_c} for c = d, r given the membrane factors em = e^{-x/tau_m},
 * es = e^{-x/tau_s}: reused when the kernel's time constants equal the
 * neuron's (the paper's 10/5 ms), else one exp each. */
static inline void kern_exp(const ss_learn *l, const ss_lif_params *pp, double x, double em, double es, double *ed,
                            double *er) {
  const double td = l->p.tau_decay, tr = l->p.tau_rise;
  *ed = td == pp->tau_mem ? em : td == pp->tau_syn ? es : exp(-x / td);
  *er = tr == pp->tau_mem ? em : tr == pp->tau_syn ? es : tr * 2.0 == td ? *ed * *ed : exp(-x / tr);
}

/* The Q integrals over L from ed = e^{-L/tau_d}, er = e^{-L/tau_r}
 * (tau_dd = tau_d/2, tau_rr = tau_r/2, 1/tau_dr = 1/tau_d + 1/tau_r): no
 * transcendental call unless L is so short that 1 - x would lose digits. */
static inline void q_from(const ss_learn *l, double L, double ed, double er, double *qdd, double *qdr, double *qrr) {
  if (L < 1e-3 * l->t_rr) {
    *qdd = -l->t_dd * expm1(-L / l->t_dd);
    *qdr = -l->t_dr * expm1(-L / l->t_dr);
    *qrr = -l->t_rr * expm1(-L / l->t_rr);
  } else {
    *qdd = l->t_dd * (1.0 - ed * ed);
    *qdr = l->t_dr * (1.0 - ed * er);
    *qrr = l->t_rr * (1.0 - er * er);
  }
}

/* The node table of a piece of length h: from a small cache of the
 * quantised lengths h_max 2^-k (the adaptive layout uses only those,
 * except for one remainder piece per segment) or built in the scratch
 * slot.  Building costs one propagator call per node and per piece (every
 * other factor is a product or quotient of those) instead of ~9
 * transcendental calls per node; with the paper's constants half the
 * nodes take a grid lookup and no libm call. */
static const gl_table *table_build(ss_learn *l, gl_table *T, const ss_lif_params *pp, double h, int o);

/* The table of a piece of length h at the default order. */
static const gl_table *table_for(ss_learn *l, const ss_lif_params *pp, double h) {
  gl_table *T = &l->tab[0];
  double r = l->p.h_max / h;
  if (r >= 1.0 && r <= l->levh[0] / l->levh[N_LEV - 1]) { /* h_max 2^-k exactly? */
    int k = ilogb(r);
    if (l->levh[k] == h) T = &l->lev[0][k];
  }
  return table_build(l, T, pp, h, 0);
}

/* The table of level k (length h_max 2^-k) at order index o. */
static inline const gl_table *table_lev(ss_learn *l, const ss_lif_params *pp, int k, int o) {
  gl_table *T = &l->lev[o][k];
  if (T->pp == pp && T->h > 0) return T;
  return table_build(l, T, pp, l->levh[k], o);
}

/* The lowest order index whose error estimates on a piece of length h
 * whose start is r (ms) from the surrogate's pole stay within ord_tol:
 * 2 r >= ord_a h, tested as layout_ok with g = ord_a h, c = 2. */
static inline int pick_order(const ss_learn *l, double h, double av1, double sv2, double d) {
  /* both tests get harder as o grows (ord_h falls, ord_a grows), so the
   * search goes up from the default and stops at the first failure: most
   * pieces need one or two tests (were a test ever easier for a larger o,
   * the piece would only keep a higher order) */
  int o = 0;
  while (o + 1 < l->n_ord) {
    const double g = l->ord_a[o + 1] * h;
    if (!(h <= l->ord_h[o + 1] && layout_ok(2.0 * d, g * av1, g * g * sv2))) break;
    ++o;
  }
  return o;
}

static const gl_table *table_build(ss_learn *l, gl_table *T, const ss_lif_params *pp, double h, int o) {
  if (T->h == h && T->pp == pp) return T;
  const int n = l->ord[o];
  double Ed[GL_MAX], Er[GL_MAX], iEd[GL_MAX], iEr[GL_MAX];
  if (pp->quadratic && l->p.tau_decay == pp->tau_mem && l->p.tau_rise == pp->tau_syn) {
    /* the paper's time constants: every factor is a power of e^{-du/tau_m},
     * and the nodes are symmetric (du[n-1-q] = h - du[q]), so half the
     * nodes need a grid lookup (exg) and a division, and the other half
     * and every inverse follow by products */
    double m1h, m1[GL_MAX], wq[GL_MAX];
    if (n % 2) { /* the middle node, du = h / 2: e^{-h/tau_m} is its square,
                    expm1(-h/tau_m) = m1 (e + 1) */
      const int c = n / 2;
      exg(l, 0.5 * h * pp->inv_tau_mem, &Ed[c], &m1[c]);
      T->Em = Ed[c] * Ed[c];
      m1h = m1[c] * (Ed[c] + 1.0);
    } else
      exg(l, h * pp->inv_tau_mem, &T->Em, &m1h);
    const double iEm = 1.0 / T->Em;
    for (int q = 0; q < n; ++q) {
      T->du[q] = 0.5 * (l->xg[o][q] + 1.0) * h;
      wq[q] = 0.5 * h * l->wg[o][q];
    }
    for (int q = 0; 2 * q < n - 1; ++q) { /* mirror pairs: j early, q late */
      const int j = n - 1 - q; /* (m1h - m1[j] has no cancellation: du[j] <= h / 2) */
      exg(l, T->du[j] * pp->inv_tau_mem, &Ed[j], &m1[j]);
      iEd[j] = 1.0 / Ed[j];
      Ed[q] = T->Em * iEd[j];
      m1[q] = (m1h - m1[j]) * iEd[j];
      iEd[q] = Ed[j] * iEm;
    }
    if (n % 2) iEd[n / 2] = Ed[n / 2] * iEm;
    /* kzd = kz eLd = wq Em, kyd = ky eLd = wq (-m1) Em, kzr = kzd eLd,
     * kyr = kyd eLd: the node loop multiplies by Em once per piece */
    for (int q = 0; q < n; ++q) {
      T->em[q] = Ed[q];
      T->p21[q] = -m1[q] * Ed[q];
      T->kz[q] = wq[q] * Ed[q];
      T->ky[q] = wq[q] * T->p21[q];
      T->eLd[q] = Ed[n - 1 - q];
      T->ieLd[q] = iEd[n - 1 - q];
      T->wq[q] = wq[q];
      T->wm[q] = -wq[q] * m1[q];
    }
    T->Es = T->Em * T->Em;
    T->P21h = -m1h * T->Em;
    T->Edh = T->Em;
    T->Erh = T->Es;
    T->iEdh = iEm;
    T->iErh = iEm * iEm;
    T->paper = 1;
  } else {
    for (int q = 0; q < n; ++q) {
      double du = 0.5 * (l->xg[o][q] + 1.0) * h, wq = 0.5 * h * l->wg[o][q], em, es, p21;
      ss_lif_prop_coeffs(pp, du, &em, &es, &p21);
      kern_exp(l, pp, du, em, es, &Ed[q], &Er[q]);
      T->du[q] = du;
      T->em[q] = em;
      T->p21[q] = p21;
      T->kz[q] = wq * em;
      T->ky[q] = wq * p21;
    }
    ss_lif_prop_coeffs(pp, h, &T->Em, &T->Es, &T->P21h);
    kern_exp(l, pp, h, T->Em, T->Es, &T->Edh, &T->Erh);
    for (int q = 0; q < n; ++q) {
      iEd[q] = 1.0 / Ed[q];
      iEr[q] = Er[q] == Ed[q] * Ed[q] ? iEd[q] * iEd[q] : 1.0 / Er[q];
      T->eLd[q] = T->Edh * iEd[q];
      T->eLr[q] = T->Erh * iEr[q];
    }
    T->iEdh = 1.0 / T->Edh;
    T->iErh = 1.0 / T->Erh;
    for (int q = 0; q < n; ++q) {
      T->ieLd[q] = Ed[q] * T->iEdh;
      T->ieLr[q] = Er[q] * T->iErh;
    }
    for (int q = 0; q < n; ++q) {
      T->kzd[q] = T->kz[q] * T->eLd[q];
      T->kyd[q] = T->ky[q] * T->eLd[q];
      T->kzr[q] = T->kz[q] * T->eLr[q];
      T->kyr[q] = T->ky[q] * T->eLr[q];
    }
    T->paper = 0;
  }
  T->h = h;
  T->pp = pp;
  T->n = n;
  T->o = o;
  return T;
}

/* e^{-L/tau_d}, e^{-L/tau_r} (one call when tau_d = 2 tau_r). */
static inline void err_exp(const ss_learn *l, double L, double *ed, double *er) {
  const double td = l->p.tau_decay, tr = l->p.tau_rise;
  *ed = exp(-L / td);
  *er = tr * 2.0 == td ? *ed * *ed : exp(-L / tr);
}

/* The backward error adjoint b_c(u) = int_u^t1 e^{-(s-u)/tau_c} e(s) ds at
 * a node u from the error points around it (adjpt): P[a] the lowest at or
 * above u, P[a - 1] the one below (event-driven.md §3.4: the closed form
 * over an interval without error events), with a_c = e^{-(t1 - u)/tau_c}
 * and ia_c = 1 / a_c.  No chain through the nodes: each node's adjoint is
 * independent of the others'. */
static void adj_eval_long(const ss_learn *l, const adjpt *hi, const adjpt *lo, double u, double *bd, double *br) {
  /* windows too long for the absolute factors: two exponentials each */
  const double L = hi->t - u, A = l->A;
  double ed, er, xd, xr, qdd, qdr, qrr;
  err_exp(l, L, &ed, &er);
  err_exp(l, u - lo->t, &xd, &xr);
  const double fd = lo->fd * xd, fr = lo->fr * xr;
  q_from(l, L, ed, er, &qdd, &qdr, &qrr);
  *bd = ed * hi->bd + A * (fd * qdd - fr * qdr);
  *br = er * hi->br + A * (fd * qdr - fr * qrr);
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void adj_eval(const ss_learn *l, const adjpt *P, size_t a, double u, double adu, double aru, double iadu,
                            double iaru, double *bd, double *br) {
  const adjpt *hi = &P[a], *lo = &P[a - 1];
  if (!lo->ok) {
    adj_eval_long(l, hi, lo, u, bd, br);
    return;
  }
  /* products of absolute factors (hi and u lie above lo) */
  const double L = hi->t - u, A = l->A;
  const double ed = adu * hi->iad, er = aru * hi->iar, fd = lo->Fd * iadu, fr = lo->Fr * iaru;
  double qdd, qdr, qrr;
  q_from(l, L, ed, er, &qdd, &qdr, &qrr);
  *bd = ed * hi->bd + A * (fd * qdd - fr * qdr);
  *br = er * hi->br + A * (fd * qdr - fr * qrr);
}

/* b_d - b_r at a node (what the G channel needs), as adj_eval; with half
 * (tau_r = tau_d / 2) the r factors are the squares of the d ones. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline double adj_diff(const ss_learn *l, const adjpt *P, size_t a, double u, double adu, double iadu,
                              const gl_table *T, int q, double fr1, double ifr1, int half) {
  const adjpt *hi = &P[a], *lo = &P[a - 1];
  if (!lo->ok) {
    double bd, br;
    adj_eval_long(l, hi, lo, u, &bd, &br);
    return bd - br;
  }
  const double ed = adu * hi->iad, fd = lo->Fd * iadu;
  const double er = half ? ed * ed : fr1 * T->eLr[q] * hi->iar;
  const double fr = lo->Fr * (half ? iadu * iadu : ifr1 * T->ieLr[q]);
  double qdd, qdr, qrr;
  q_from(l, hi->t - u, ed, er, &qdd, &qdr, &qrr);
  return (ed * hi->bd - er * hi->br) + l->A * (fd * (qdd - qdr) - fr * (qdr - qrr));
}

/* adj_diff for tau_r = tau_d / 2 from the point's coefficients: 8 flops,
 * except next to the point above (where the Q's lose digits, see q_from)
 * and for windows too long for the absolute factors. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline double adj_poly(const ss_learn *l, const adjpt *P, size_t a, double u, double adu, double iadu,
                              const gl_table *T, int q) {
  const adjpt *hi = &P[a];
  if (!P[a - 1].ok || hi->t - u < 1e-3 * l->t_rr) return adj_diff(l, P, a, u, adu, iadu, T, q, 0, 0, 1);
  const double x = adu * hi->iad, ix = iadu * hi->ad;
  return x * (hi->c1 + hi->c2 * x) + ix * (hi->cm1 + hi->cm2 * ix);
}

static int sweep(ss_learn *l, uint32_t n, const sweep_in *in, double t0, double t1) {
  const ss_net *net = l->net;
  const ss_lif_params *pp = &net->pops[net->unit_pop[n]].lif;
  const double td = l->p.tau_decay, tr = l->p.tau_rise;
  const uint32_t row = net->in_ptr[n];
#if defined(__GNUC__)
  /* the weights and slots of this window's arrivals are scattered over the
   * outgoing arrays: ask for them now, the error points come first */
  for (size_t r = 0; r < in->n_rec; ++r) {
    const uint32_t c = in->rec[r].code;
    if (c < SS_LOG_REF_END) {
      __builtin_prefetch(&net->out_w[c]);
      __builtin_prefetch(&net->out_slot[c]);
    }
  }
#endif
  /* ---- forward: the error points (traces after the events at each time) */
  if (l->cap_ep < in->n_ev + 1) {
    errpt *ep = ss_realloc_array(l->ep, in->n_ev + 1, sizeof *ep);
    if (!ep) return SS_ENOMEM;
    l->ep = ep;
    l->cap_ep = in->n_ev + 1;
  }
  size_t nep = 0;
  {
    double fd = in->fd0, fr = in->fr0, tc = t0;
    for (size_t k = 0; k < in->n_ev; ++k) {
      const ss_err_rec *ev = &in->ev[k];
      double c = ev->sign;
      if (in->Brow) {
        if (ev->neuron < in->out_off || ev->neuron >= in->out_off + in->out_size) continue;
        c *= in->Brow[ev->neuron - in->out_off];
      }
      if (ev->t > tc) {
        if (in->gap && nep > 0) { /* from the previous error time: shared factors */
          fd *= in->gap[nep - 1].ed;
          fr *= in->gap[nep - 1].er;
        } else {
          fd *= exp(-(ev->t - tc) / td);
          fr *= exp(-(ev->t - tc) / tr);
        }
        tc = ev->t;
      }
      fd += c;
      fr += c;
      if (nep && l->ep[nep - 1].t == ev->t) --nep; /* keep the state after all events at t */
      l->ep[nep++] = (errpt){ev->t, fd, fr, 0, 0};
    }
    for (size_t k = 0; k < nep; ++k) { /* absolute factors: shared by a hidden layer, else one exp each */
      if (in->gap) {
        l->ep[k].ad = in->gap[k].ad;
        l->ep[k].ar = in->gap[k].ar;
      } else {
        l->ep[k].ad = exp(-(t1 - l->ep[k].t) / td);
        l->ep[k].ar = tr * 2.0 == td ? l->ep[k].ad * l->ep[k].ad : exp(-(t1 - l->ep[k].t) / tr);
      }
    }
  }
  if (l->het_tau > 0 && l->het_err) het_window_err(l, n, in->rec, in->n_rec, l->ep, nep, in->fd0, in->fr0, t0, t1);
  /* ---- forward: breakpoints (log records, error events if asked) and the state after each */
  if (grow_bp(l, in->n_rec + (l->p.err_breakpoints ? nep : 0) + 2)) return SS_ENOMEM;
  bpoint *bp = l->bp;
  size_t K = 0, ir = 0, ie = 0, ne_bp = l->p.err_breakpoints ? nep : 0;
  double v = in->v0, I = in->i0, tc = t0;
  uint8_t refr = in->refr0;
  for (;;) {
    double tn;
    if (K == 0) tn = t0;
    else {
      double a = ir < in->n_rec ? in->rec[ir].t : INFINITY, b = ie < ne_bp ? l->ep[ie].t : INFINITY;
      tn = a < b ? a : b;
      if (!(tn < t1)) break;
    }
    double D = tn - tc;
    if (D > 0) {
      if (refr) I *= exp(-D / pp->tau_syn);
      else free_prop(l, pp, D, &v, &I);
      tc = tn;
    }
    bpoint *b = &bp[K++];
    b->t = tn;
    b->rec_lo = (uint32_t)ir;
    b->spike = 0;
    for (; ir < in->n_rec && in->rec[ir].t == tn; ++ir) {
      uint32_t code = in->rec[ir].code;
      if (code == SS_LOG_SPIKE) {
        v = 0;
        refr = pp->t_ref > 0;
        b->spike = 1;
      } else if (code == SS_LOG_REF_END) {
        v = 0;
        refr = 0;
      } else {
        I += net->out_w[code];
      }
    }
    b->rec_hi = (uint32_t)ir;
    while (ie < ne_bp && l->ep[ie].t <= tn) ++ie;
    b->v = v;
    b->I = I;
    b->refr = refr;
  }
  if (in->save_state) { /* the state at t1 before the events at t1: the next sweep's start */
    const bpoint *b = &bp[K - 1];
    double vs, Is;
    seg_state(pp, b, t1 - b->t, &vs, &Is);
    l->al_v[n] = vs;
    l->al_I[n] = Is;
    l->al_refr[n] = b->refr;
  }
  /* ---- backward over the error points: the adjoint at each (adjpt) */
  if (grow_ap(l, nep + 2)) return SS_ENOMEM;
  adjpt *P = l->ap;
  const double A = l->A, tiny = ADJ_TINY;
  P[0] = (adjpt){t0, 0, 0, in->fd0, in->fr0, in->fd0 * in->Ed, in->fr0 * in->Er, 0, 0, in->Ed > tiny && in->Er > tiny,
                 in->Ed, 0, 0, 0, 0};
  P[nep + 1] = (adjpt){t1, 0, 0, 0, 0, 0, 0, 1.0, 1.0, 1, 1.0, 0, 0, 0, 0};
  {
    double bd = 0, br = 0, tu = t1;
    for (size_t k = nep; k > 0; --k) {
      const errpt *e = &l->ep[k - 1];
      double ed, er, qdd, qdr, qrr;
      if (in->gap && k < nep) { /* the gap to the next error time: shared factors */
        const errgap *g = &in->gap[k - 1];
        ed = g->ed, er = g->er, qdd = g->qdd, qdr = g->qdr, qrr = g->qrr;
      } else {
        if (k == nep) ed = e->ad, er = e->ar; /* up to t1 */
        else err_exp(l, tu - e->t, &ed, &er);
        q_from(l, tu - e->t, ed, er, &qdd, &qdr, &qrr);
      }
      double nbd = ed * bd + A * (e->fd * qdd - e->fr * qdr);
      br = er * br + A * (e->fd * qdr - e->fr * qrr);
      bd = nbd;
      const int ok = e->ad > tiny && e->ar > tiny;
      double iad, iar;
      if (in->gap) { /* shared by the layer: no division per neuron */
        iad = in->gap[k - 1].iad;
        iar = in->gap[k - 1].iar;
      } else {
        iad = ok ? 1.0 / e->ad : 0;
        iar = ok ? 1.0 / e->ar : 0;
      }
      P[k] = (adjpt){e->t, bd, br, e->fd, e->fr, e->fd * e->ad, e->fr * e->ar, iad, iar, ok, e->ad, 0, 0, 0, 0};
      tu = e->t;
    }
  }
  const int half = 2.0 * tr == td;
  if (half) /* adj_poly's coefficients: adj_diff with f_c = K_c / a^c and the Q's expanded in a */
    for (size_t k = 1; k <= nep + 1; ++k) {
      adjpt *hi = &P[k];
      const adjpt *lo = &P[k - 1];
      if (!lo->ok) continue;
      const double Kd = A * lo->Fd * hi->iad, Kr = A * lo->Fr * hi->iar;
      hi->c1 = hi->bd - Kd * l->t_dd + Kr * l->t_dr;
      hi->c2 = Kd * l->t_dr - Kr * l->t_rr - hi->br;
      hi->cm1 = Kd * (l->t_dd - l->t_dr);
      hi->cm2 = -Kr * (l->t_dr - l->t_rr);
    }
  size_t ka = nep + 1; /* the lowest point at or above the node */
  double muy[3] = {0, 0, 0}, muz[3] = {0, 0, 0};
  double ed[520], evs[520], eIs[520];
  int8_t elv[520], eod[520];
  double fd1 = 1.0, fr1 = 1.0, ifd1 = 1.0, ifr1 = 1.0; /* e^{-(t1 - pb)/tau_c}, its inverse */
  const int use_cut = l->p.surrogate == SS_SURR_REFERENCE && l->p.u_cut > -INFINITY;
  const ss_surrogate sform = l->p.surrogate;
  const double beta = l->p.beta, thp = pp->thp;
  const double vcut = l->p.u_cut - pp->u_rest;
  uint64_t n_pieces = 0, n_nodes = 0, n_arr = 0; /* (statistics: not through memory in the loop) */
  for (size_t k = K; k-- > 0;) {
    const bpoint *b = &bp[k];
    double ta = b->t, tb = k + 1 < K ? bp[k + 1].t : t1;
    int spike_end = k + 1 < K && bp[k + 1].spike;
    if (tb > ta) {
      /* sub-segments between the u_cut crossings (§3.9e): sigma' is smooth on
       * each, and 0 on those below the cut */
      double sb[4];
      int nsb = 0;
      sb[nsb++] = ta;
      if (use_cut && !b->refr) {
        double tc2[2];
        int nc = ss_learn_cut_crossings(pp, b->v, b->I, tb - ta, vcut, tc2);
        for (int c = 0; c < nc; ++c) sb[nsb++] = ta + tc2[c];
        l->st.cut_crossings += (uint64_t)nc;
      }
      sb[nsb] = tb;
      for (int js = nsb - 1; js >= 0; --js) {
        double sa = sb[js], se = sb[js + 1];
        if (!(se > sa)) continue;
        bpoint bs = *b;
        if (js > 0) { /* the sub-segment's own start state */
          bs.t = sa;
          seg_state(pp, b, sa - ta, &bs.v, &bs.I);
        }
        if (use_cut) {
          double vm = 0, Im = 0;
          if (!b->refr) seg_state(pp, &bs, 0.5 * (se - sa), &vm, &Im);
          if (vm < vcut) { /* sigma' = 0: the adjoints only decay */
            double em, es, p21, xd, xr;
            ss_lif_prop_coeffs(pp, se - sa, &em, &es, &p21);
            for (int c = 0; c < 3; ++c) {
              double nz = em * muz[c];
              muy[c] = es * muy[c] + p21 * muz[c];
              muz[c] = nz;
            }
            err_exp(l, se - sa, &xd, &xr);
            fd1 *= xd;
            fr1 *= xr;
            ifd1 /= xd;
            ifr1 /= xr;
            continue;
          }
        }
        size_t ne =
            piece_edges(l, pp, &bs, se, spike_end && js == nsb - 1, ed, evs, eIs, elv, eod, sizeof ed / sizeof ed[0]);
        for (size_t j = ne - 1; j-- > 0;) {
          double pa = ed[j], pb = ed[j + 1], h = pb - pa;
          const gl_table *T = elv[j] >= 0   ? table_lev(l, pp, elv[j], eod[j])
                              : eod[j] > 0 ? table_build(l, &l->tab[eod[j]], pp, h, eod[j])
                                           : table_for(l, pp, h);
          const int ng = T->n;
          double va = b->refr ? 0.0 : evs[j], Ia = b->refr ? 0.0 : eIs[j];
          double sz[3] = {0, 0, 0}, sy[3] = {0, 0, 0};
          for (int q = 0; q < ng; ++q) { /* nodes in decreasing time */
            const double u = pa + T->du[q];
            const double vu = T->em[q] * va + T->p21[q] * Ia;
            const double sp = sform == SS_SURR_PAPER ? surr_paper(beta, thp, vu) : surrogate(l, pp, vu, vcut);
            ka -= ka > 1 && P[ka - 1].t >= u; /* (usually 0 or 1 step: no branch) */
            while (ka > 1 && P[ka - 1].t >= u) --ka;
            const double adu = fd1 * T->eLd[q], iadu = ifd1 * T->ieLd[q];
            const double mg = sp * (half ? adj_poly(l, P, ka, u, adu, iadu, T, q)
                                         : adj_diff(l, P, ka, u, adu, iadu, T, q, fr1, ifr1, 0));
            sz[0] += mg * T->kz[q];
            sy[0] += mg * T->ky[q];
            if (T->paper) {
              const double a = sp * T->wq[q], c = sp * T->wm[q];
              sz[1] += a;
              sy[1] += c;
              sz[2] += a * T->eLd[q];
              sy[2] += c * T->eLd[q];
            } else {
              sz[1] += sp * T->kzd[q];
              sy[1] += sp * T->kyd[q];
              sz[2] += sp * T->kzr[q];
              sy[2] += sp * T->kyr[q];
            }
          }
          if (T->paper)
            for (int c = 1; c < 3; ++c) {
              sz[c] *= T->Em;
              sy[c] *= T->Em;
            }
          sz[0] *= A;
          sy[0] *= A;
          sz[1] *= fd1;
          sy[1] *= fd1;
          sz[2] *= fr1;
          sy[2] *= fr1;
          for (int c = 0; c < 3; ++c) {
            double nz = T->Em * muz[c] + sz[c];
            muy[c] = T->Es * muy[c] + T->P21h * muz[c] + sy[c];
            muz[c] = nz;
          }
          fd1 *= T->Edh;
          fr1 *= T->Erh;
          ifd1 *= T->iEdh;
          ifr1 *= T->iErh;
          ++n_pieces;
          n_nodes += (uint64_t)ng;
        }
      }
    }
    for (uint32_t r = b->rec_lo; r < b->rec_hi; ++r) {
      uint32_t code = in->rec[r].code;
      if (code >= SS_LOG_REF_END) continue;
      uint32_t s = net->out_slot[code]; /* non-plastic slots are cleared later */
      l->G[s] += muy[0];
      l->Kd[s - row] += muy[1];
      l->Kr[s - row] += muy[2];
      ++n_arr;
    }
  }
  l->st.pieces += n_pieces;
  l->st.nodes += n_nodes;
  l->st.arrivals += n_arr;
  double bd0, br0; /* the adjoint at t0 */
  while (ka > 1 && P[ka - 1].t >= t0) --ka;
  adj_eval(l, P, ka, t0, in->Ed, in->Er, P[0].ok ? 1.0 / in->Ed : 0, P[0].ok ? 1.0 / in->Er : 0, &bd0, &br0);
  /* the carried terms (*) and (**): A (b_d H_d - b_r H_r) with H at t0, then
   * H to t1 with this window's arrivals, and the terms of the PSP state at
   * t0 (y0, z0 of the slot's delay group, with the running sums at t0) */
  uint32_t nrow = net->in_ptr[n + 1] - row;
  if (l->p.mode == SS_LEARN_ONLINE) {
    const double Ed = in->Ed, Er = in->Er, bd = A * bd0, br = A * br0;
    const double *y0 = l->y0, *z0 = l->z0;
    const uint16_t *g16 = l->in_grp16 ? l->in_grp16 + row : NULL;
    const uint32_t *g32 = l->in_grp32 ? l->in_grp32 + row : NULL;
    double *G = l->G + row, *H = l->H + 2 * (size_t)row;
    for (uint32_t k = 0; k < nrow; ++k) {
      const uint32_t g = g16 ? g16[k] : g32[k];
      const double y = y0[g], z = z0[g];
      G[k] = (G[k] + (bd * H[2 * k] - br * H[2 * k + 1])) + (y * muy[0] + z * muz[0]);
      H[2 * k] = (Ed * H[2 * k] + l->Kd[k]) + (y * muy[1] + z * muz[1]);
      H[2 * k + 1] = (Er * H[2 * k + 1] + l->Kr[k]) + (y * muy[2] + z * muz[2]);
    }
  }
  memset(l->Kd, 0, nrow * sizeof(double));
  memset(l->Kr, 0, nrow * sizeof(double));
  return SS_OK;
}

void ss_learn_cost(const ss_learn *l, double *window, double *moving) { ss_cost_get(l->cost, window, moving); }

/* ------------------------------------------------------------ one window */

/* Aligned layers, online mode, at t1: keep every swept neuron's log
 * records of [t1 - D, t1) for the next sweep, and move the PSP state of the
 * plastic groups into aligned layers from t1 back to t1 - D (before the
 * arrivals at t1 - D): the engine's state at t1 minus the unit responses of
 * the group's arrivals in [t1 - D, t1), propagated back over D (a factor of
 * at most e^{D/tau_syn} on roundoff, D < T). */
static int align_carry(ss_learn *l, const ss_window_log *L, const ss_engine *e, double t1) {
  const ss_net *net = l->net;
  uint32_t nu = net->n_units;
  size_t total = 0;
  l->al_row2[0] = 0;
  for (uint32_t n = 0; n < nu; ++n) {
    double D = l->align[net->unit_pop[n]];
    size_t k1 = L->row[n + 1], k = k1;
    if (D > 0 && l->sweep[n])
      while (k > L->row[n] && !(L->rec[k - 1].t < t1 - D)) --k;
    total += k1 - k;
    l->al_row2[n + 1] = total;
  }
  if (l->cap_tail2 < total) {
    ss_log_rec *a = ss_realloc_array(l->al_tail2, total, sizeof *a);
    if (!a) return SS_ENOMEM;
    l->al_tail2 = a;
    l->cap_tail2 = total;
  }
  for (uint32_t n = 0; n < nu; ++n) {
    size_t m = (size_t)(l->al_row2[n + 1] - l->al_row2[n]);
    if (m) memcpy(l->al_tail2 + l->al_row2[n], L->rec + L->row[n + 1] - m, m * sizeof *l->al_tail2);
  }
  ss_log_rec *tr = l->al_tail;
  l->al_tail = l->al_tail2;
  l->al_tail2 = tr;
  size_t tc = l->cap_tail;
  l->cap_tail = l->cap_tail2;
  l->cap_tail2 = tc;
  uint64_t *rr = l->al_row;
  l->al_row = l->al_row2;
  l->al_row2 = rr;
  for (uint32_t g = 0; g < net->n_groups; ++g) {
    uint32_t proj = net->grp_proj[g], post = net->projs[proj].post;
    double D = l->align[post];
    if (!(D > 0) || !l->plastic[proj] || net->grp_start[g] == net->grp_start[g + 1]) continue;
    /* the group's arrivals: the records of its first synapse in that post neuron's tail */
    uint64_t k0 = net->grp_start[g];
    uint32_t n = net->out_post[k0];
    const ss_lif_params *pp = &net->pops[post].lif;
    double y = l->y0[g], z = l->z0[g];
    int any = 0;
    for (uint64_t k = l->al_row[n]; k < l->al_row[n + 1]; ++k)
      if (l->al_tail[k].code == (uint32_t)k0) {
        double em, es, p21;
        ss_lif_prop_coeffs(pp, t1 - l->al_tail[k].t, &em, &es, &p21);
        y -= es;
        z -= p21;
        any = 1;
      }
    if (!any) {
      ss_engine_psp(e, g, t1 - D, &l->y0[g], &l->z0[g]);
      continue;
    }
    double em, es, p21;
    ss_lif_prop_coeffs(pp, D, &em, &es, &p21);
    y /= es;
    l->y0[g] = y;
    l->z0[g] = (z - p21 * y) / em;
  }
  return SS_OK;
}

int ss_learn_window(ss_learn *l, ss_engine *e, ss_error *err) {
  if (!l->started) return ss_error_set(err, SS_ESTATE, "learning: call ss_learn_start first");
  const ss_net *net = l->net;
  const ss_window_log *L = ss_engine_log_close(e);
  if (!L) return ss_error_set(err, SS_ENOMEM, "learning: out of memory (window log)");
  double t0 = l->t0, t1 = ss_engine_time(e), T = t1 - t0;
  size_t S = net->n_syn;
  uint32_t nu = net->n_units;
  ss_fb_load_symmetric(&l->fb, net); /* this window's symmetric feedback: the current forward weights */
  memset(l->G, 0, S * sizeof(double));
  /* error events grouped by output neuron (stable: time order kept) */
  if (l->cap_err < L->n_err) {
    ss_err_rec *r = ss_realloc_array(l->err_by, L->n_err, sizeof *r);
    if (!r) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
    l->err_by = r;
    l->cap_err = L->n_err;
  }
  memset(l->err_row, 0, ((size_t)nu + 1) * sizeof(uint64_t));
  for (size_t k = 0; k < L->n_err; ++k) l->err_row[L->err[k].neuron + 1]++;
  for (uint32_t u = 0; u < nu; ++u) l->err_row[u + 1] += l->err_row[u];
  for (size_t k = 0; k < L->n_err; ++k) l->err_by[l->err_row[L->err[k].neuron]++] = L->err[k];
  for (uint32_t u = nu; u > 0; --u) l->err_row[u] = l->err_row[u - 1];
  l->err_row[0] = 0;
  l->st.err_events += L->n_err;
  /* sweeps */
  const double EdT = exp(-T / l->p.tau_decay), ErT = exp(-T / l->p.tau_rise);
  const int online = l->p.mode == SS_LEARN_ONLINE;
  for (uint32_t pop = 0; pop < net->n_pops; ++pop) {
    if (!l->role[pop]) continue;
    const ss_pop *pp = &net->pops[pop];
    const ss_fb_layer *hl = ss_fb_find(&l->fb, pop);
    /* the sweep interval [sa, sb) (eligibility time) and the error events
     * that reach it: all of the window's, or with alignment D those at
     * t >= r = sa + D, moved to t - D (ss_learn_set_align) */
    const double D = l->align ? l->align[pop] : 0.0;
    const int first = D > 0 && (l->al_first || !online);
    const double sa = D > 0 && !first ? t0 - D : t0, sb = D > 0 ? t1 - D : t1, r = first ? t0 + D : t0;
    if (!(sb > sa))
      return ss_error_set(err, SS_EINVAL, "alignment of population '%s' (%g ms) must be shorter than the window (%g ms)",
                          pp->name, D, T);
    const double Ed = D > 0 ? exp(-(sb - sa) / l->p.tau_decay) : EdT, Er = D > 0 ? exp(-(sb - sa) / l->p.tau_rise) : ErT;
    const ss_pop *op = hl ? &net->pops[hl->out_pop] : pp; /* the outputs whose errors this layer sees */
    if (D > 0) {
      if (l->cap_aev < L->n_err + 1) {
        ss_err_rec *a = ss_realloc_array(l->al_ev, L->n_err + 1, sizeof *a);
        if (!a) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
        l->al_ev = a;
        l->cap_aev = L->n_err + 1;
      }
      /* the outputs' traces at r: those at t0, plus the events of [t0, r) (first window only) */
      for (uint32_t o = op->offset; o < op->offset + op->size; ++o) {
        double fd = l->fd0[o], fr = l->fr0[o], tc = t0;
        if (first) {
          for (uint64_t k = l->err_row[o]; k < l->err_row[o + 1] && l->err_by[k].t < r; ++k) {
            const ss_err_rec *ev = &l->err_by[k];
            fd *= exp(-(ev->t - tc) / l->p.tau_decay);
            fr *= exp(-(ev->t - tc) / l->p.tau_rise);
            fd += ev->sign;
            fr += ev->sign;
            tc = ev->t;
          }
          fd *= exp(-(r - tc) / l->p.tau_decay);
          fr *= exp(-(r - tc) / l->p.tau_rise);
        }
        l->al_fd[o] = fd;
        l->al_fr[o] = fr;
      }
    }
    const ss_err_rec *hev = L->err; /* hidden layers: the events they see (filtered by neuron in the sweep) */
    size_t n_hev = L->n_err;
    if (hl && D > 0) { /* the output layer's events at t >= r, shifted */
      size_t m = 0;
      for (size_t k = 0; k < L->n_err; ++k) {
        const ss_err_rec *ev = &L->err[k];
        if (ev->neuron < op->offset || ev->neuron >= op->offset + op->size || ev->t < r) continue;
        l->al_ev[m] = *ev;
        l->al_ev[m++].t = fmax(ev->t - D, sa);
      }
      hev = l->al_ev;
      n_hev = m;
    }
    if (hl) { /* the gaps between the distinct error times of its output layer */
      if (l->cap_gap < n_hev + 1) {
        errgap *g = ss_realloc_array(l->gap, n_hev + 1, sizeof *g);
        if (!g) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
        l->gap = g;
        l->cap_gap = n_hev + 1;
      }
      double prev = NAN;
      size_t ng = 0;
      for (size_t k = 0; k < n_hev; ++k) {
        const ss_err_rec *ev = &hev[k];
        if (ev->neuron < op->offset || ev->neuron >= op->offset + op->size || ev->t == prev) continue;
        l->gap[ng].ad = exp(-(sb - ev->t) / l->p.tau_decay);
        l->gap[ng].ar = l->p.tau_rise * 2.0 == l->p.tau_decay ? l->gap[ng].ad * l->gap[ng].ad
                                                               : exp(-(sb - ev->t) / l->p.tau_rise);
        {
          const int ok = l->gap[ng].ad > ADJ_TINY && l->gap[ng].ar > ADJ_TINY;
          l->gap[ng].iad = ok ? 1.0 / l->gap[ng].ad : 0;
          l->gap[ng].iar = ok ? 1.0 / l->gap[ng].ar : 0;
        }
        if (ng++ > 0) {
          double Lg = ev->t - prev;
          errgap *g = &l->gap[ng - 2];
          g->ed = exp(-Lg / l->p.tau_decay);
          g->er = exp(-Lg / l->p.tau_rise);
          g->qdd = -l->t_dd * expm1(-Lg / l->t_dd);
          g->qdr = -l->t_dr * expm1(-Lg / l->t_dr);
          g->qrr = -l->t_rr * expm1(-Lg / l->t_rr);
        }
        prev = ev->t;
      }
    }
    const double *fd0 = D > 0 ? l->al_fd : l->fd0, *fr0 = D > 0 ? l->al_fr : l->fr0;
    for (uint32_t i = 0; i < pp->size; ++i) {
      uint32_t n = pp->offset + i;
      if (!l->sweep[n]) continue;
      sweep_in in;
      in.Ed = Ed;
      in.Er = Er;
      in.rec = L->rec + L->row[n];
      in.n_rec = L->row[n + 1] - L->row[n];
      in.v0 = L->v0[n];
      in.i0 = L->i0[n];
      in.refr0 = L->refr0[n];
      in.save_state = D > 0;
      if (D > 0) { /* the records of [sa, sb): the kept tail of the last window, then this window's before sb */
        size_t m = in.n_rec;
        while (m > 0 && !(in.rec[m - 1].t < sb)) --m;
        size_t nt = first ? 0 : (size_t)(l->al_row[n + 1] - l->al_row[n]);
        if (!first) {
          in.v0 = l->al_v[n];
          in.i0 = l->al_I[n];
          in.refr0 = l->al_refr[n];
        }
        if (nt > 0) {
          if (l->cap_arec < nt + m) {
            ss_log_rec *a = ss_realloc_array(l->al_rec, nt + m, sizeof *a);
            if (!a) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
            l->al_rec = a;
            l->cap_arec = nt + m;
          }
          memcpy(l->al_rec, l->al_tail + l->al_row[n], nt * sizeof *l->al_rec);
          memcpy(l->al_rec + nt, in.rec, m * sizeof *l->al_rec);
          in.rec = l->al_rec;
        }
        in.n_rec = nt + m;
      }
      if (hl) {
        in.Brow = hl->B + (size_t)i * op->size;
        in.out_off = op->offset;
        in.out_size = op->size;
        /* all error events of the output layer, in time order */
        in.ev = hev; /* filtered below by neuron range */
        in.n_ev = n_hev;
        in.gap = l->gap;
        double fd = 0, fr = 0;
        for (uint32_t o = 0; o < op->size; ++o) {
          fd += in.Brow[o] * fd0[op->offset + o];
          fr += in.Brow[o] * fr0[op->offset + o];
        }
        in.fd0 = fd;
        in.fr0 = fr;
      } else {
        in.Brow = NULL;
        in.out_off = 0;
        in.out_size = 0;
        in.gap = NULL;
        in.ev = l->err_by + l->err_row[n];
        in.n_ev = l->err_row[n + 1] - l->err_row[n];
        if (D > 0) { /* its own events at t >= r, shifted */
          size_t m = 0;
          for (size_t k = 0; k < in.n_ev; ++k)
            if (!(in.ev[k].t < r)) {
              l->al_ev[m] = in.ev[k];
              l->al_ev[m++].t = fmax(in.ev[k].t - D, sa);
            }
          in.ev = l->al_ev;
          in.n_ev = m;
        }
        in.fd0 = fd0[n];
        in.fr0 = fr0[n];
      }
      if (sweep(l, n, &in, sa, sb)) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
    }
  }
  /* regularizer integrals of every neuron with plastic inputs */
  if (l->het_tau > 0 && !l->het_err) /* (the error-dependent form is integrated by the sweeps) */
    for (uint32_t n = 0; n < nu; ++n)
      if (l->sweep[n]) het_window(l, n, L->rec + L->row[n], L->row[n + 1] - L->row[n], t0, t1);
  /* slots of frozen projections: no gradient, no carry (the sweeps write
   * every incoming slot) */
  for (uint32_t g = 0; g < net->n_groups; ++g)
    if (!l->plastic[net->grp_proj[g]])
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k) {
        const uint32_t s = net->out_slot[k];
        l->G[s] = l->H[2 * (size_t)s] = l->H[2 * (size_t)s + 1] = 0;
      }
  /* cost of the window and the outputs' error traces at t1 */
  int rc = ss_cost_window(l->cost, t0, t1, L->err, L->n_err, !online, err);
  if (rc) return rc;
  for (uint32_t u = 0; u < nu; ++u)
    if (l->role[net->unit_pop[u]] == SS_ROLE_OUTPUT) ss_cost_traces(l->cost, u, &l->fd0[u], &l->fr0[u]);
  /* next window */
  if (online) {
    for (uint32_t g = 0; g < net->n_groups; ++g) ss_engine_psp(e, g, t1, &l->y0[g], &l->z0[g]);
    if (l->align && align_carry(l, L, e, t1)) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
  } else {
    ss_engine_reset(e, t1);
    if (l->zhet) memset(l->zhet, 0, nu * sizeof(double));
    memset(l->H, 0, 2 * S * sizeof(double));
  }
  ss_engine_log_reopen(e);
  l->al_first = 0;
  l->t0 = t1;
  l->st.windows++;
  return SS_OK;
}

const double *ss_learn_gradient(const ss_learn *l) { return l->G; }

const double *ss_learn_feedback(const ss_learn *l, uint32_t pop) {
  const ss_fb_layer *hl = ss_fb_find(&l->fb, pop);
  return hl ? hl->B : NULL;
}

const ss_learn_stats *ss_learn_get_stats(const ss_learn *l) { return &l->st; }

/* ------------------------------------------------------------ checkpoints */

int ss_learn_save(const ss_learn *l, ss_ckpt_writer *w, ss_error *err) {
  const ss_net *net = l->net;
  size_t S = net->n_syn, ng = net->n_groups, nu = net->n_units;
  double sc[1] = {l->t0};
  uint64_t st[5] = {l->st.windows, l->st.pieces, l->st.nodes, l->st.arrivals, l->st.err_events};
  /* H_d and H_r as two sections (the format of earlier versions) */
  double *tmp = calloc(S ? S : 1, sizeof *tmp);
  if (!tmp) return ss_error_set(err, SS_ENOMEM, "checkpoint: out of memory");
  for (size_t s = 0; s < S; ++s) tmp[s] = l->H[2 * s];
  int rc = ss_ckpt_add_f64(w, "lrn.Hd", tmp, S, err);
  for (size_t s = 0; s < S; ++s) tmp[s] = l->H[2 * s + 1];
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.Hr", tmp, S, err);
  free(tmp);
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.y0", l->y0, ng, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.z0", l->z0, ng, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.fd0", l->fd0, nu, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.fr0", l->fr0, nu, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "lrn.scalars", sc, 1, err);
  if (!rc) rc = ss_cost_save(l->cost, w, err);
  if (!rc) rc = ss_ckpt_add_u64(w, "lrn.stats", st, 5, err);
  if (!rc && l->zhet) rc = ss_ckpt_add_f64(w, "lrn.zhet", l->zhet, nu, err);
  for (uint32_t h = 0; h < l->fb.n && !rc; ++h) {
    char name[SS_CKPT_NAME_MAX + 1];
    snprintf(name, sizeof name, "lrn.B%u", h);
    rc = ss_ckpt_add_f64(w, name, l->fb.hid[h].B, ss_fb_entries(net, &l->fb.hid[h]), err);
  }
  if (!rc && l->align) { /* alignment: the state at t1 - D and the kept log tails */
    size_t nt = (size_t)l->al_row[nu];
    if (!rc) rc = ss_ckpt_add_f64(w, "lrn.al.v", l->al_v, nu, err);
    if (!rc) rc = ss_ckpt_add_f64(w, "lrn.al.I", l->al_I, nu, err);
    if (!rc) rc = ss_ckpt_add_bytes(w, "lrn.al.refr", l->al_refr, nu, err);
    if (!rc) rc = ss_ckpt_add_u64(w, "lrn.al.row", l->al_row, nu + 1, err);
    if (!rc) rc = ss_ckpt_add_u64_value(w, "lrn.al.first", (uint64_t)l->al_first, err);
    if (!rc) rc = ss_ckpt_add_bytes(w, "lrn.al.tail", l->al_tail, nt * sizeof *l->al_tail, err);
  }
  return rc;
}

int ss_learn_resume(ss_learn *l, ss_engine *e, const ss_ckpt *ck, ss_error *err) {
  const ss_net *net = l->net;
  size_t S = net->n_syn, ng = net->n_groups, nu = net->n_units;
  double sc[1];
  uint64_t st[5];
  int rc;
  double *tmp = malloc((S ? S : 1) * sizeof *tmp);
  if (!tmp) return ss_error_set(err, SS_ENOMEM, "checkpoint: out of memory");
  for (int c = 0; c < 2; ++c) {
    if ((rc = ss_ckpt_get_f64(ck, c ? "lrn.Hr" : "lrn.Hd", tmp, S, err))) {
      free(tmp);
      return rc;
    }
    for (size_t s = 0; s < S; ++s) l->H[2 * s + c] = tmp[s];
  }
  free(tmp);
  if ((rc = ss_ckpt_get_f64(ck, "lrn.y0", l->y0, ng, err)) || (rc = ss_ckpt_get_f64(ck, "lrn.z0", l->z0, ng, err)) ||
      (rc = ss_ckpt_get_f64(ck, "lrn.fd0", l->fd0, nu, err)) || (rc = ss_ckpt_get_f64(ck, "lrn.fr0", l->fr0, nu, err)) ||
      (rc = ss_ckpt_get_f64(ck, "lrn.scalars", sc, 1, err)) || (rc = ss_ckpt_get_u64(ck, "lrn.stats", st, 5, err)) ||
      (rc = ss_cost_load(l->cost, ck, err)))
    return rc;
  for (uint32_t h = 0; h < l->fb.n; ++h) {
    char name[SS_CKPT_NAME_MAX + 1];
    snprintf(name, sizeof name, "lrn.B%u", h);
    rc = ss_ckpt_get_f64(ck, name, l->fb.hid[h].B, ss_fb_entries(net, &l->fb.hid[h]), err);
    if (rc) return rc;
  }
  if (l->zhet && (rc = ss_ckpt_get_f64(ck, "lrn.zhet", l->zhet, nu, err))) return rc;
  if (l->align) {
    uint64_t first;
    if ((rc = ss_ckpt_get_f64(ck, "lrn.al.v", l->al_v, nu, err)) || (rc = ss_ckpt_get_f64(ck, "lrn.al.I", l->al_I, nu, err)) ||
        (rc = ss_ckpt_get_bytes(ck, "lrn.al.refr", l->al_refr, nu, err)) ||
        (rc = ss_ckpt_get_u64(ck, "lrn.al.row", l->al_row, nu + 1, err)) ||
        (rc = ss_ckpt_get_u64_value(ck, "lrn.al.first", &first, err)))
      return rc;
    size_t nt = (size_t)l->al_row[nu];
    if (l->cap_tail < nt) {
      ss_log_rec *a = ss_realloc_array(l->al_tail, nt, sizeof *a);
      if (!a) return ss_error_set(err, SS_ENOMEM, "learning: out of memory");
      l->al_tail = a;
      l->cap_tail = nt;
    }
    if ((rc = ss_ckpt_get_bytes(ck, "lrn.al.tail", l->al_tail, nt * sizeof *l->al_tail, err))) return rc;
    l->al_first = first != 0;
  }
  if (sc[0] != ss_engine_time(e))
    return ss_error_set(err, SS_EPARSE, "checkpoint: learner and engine disagree on the time");
  l->t0 = sc[0];
  l->st = (ss_learn_stats){st[0], st[1], st[2], st[3], st[4], 0};
  if ((rc = ss_engine_log_enable(e, err))) return rc;
  l->started = 1;
  return SS_OK;
}

const ss_err_rec *ss_learn_errors(const ss_learn *l, size_t *n) {
  *n = l->err_row ? (size_t)l->err_row[l->net->n_units] : 0;
  return l->err_by;
}

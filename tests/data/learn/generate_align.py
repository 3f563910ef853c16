#!/usr/bin/env python3
"""
Generator (provenance only; the tests never run it) of the delay-alignment
reference values in this directory, for ss_learn_set_align (learn.h,
event-driven.md §3.9d):

    /usr/bin/python3 generate_align.py --oracle /work/shared/design/verify

For a frozen-weight case of tests/data/gradient it re-runs the Python
event-driven oracle (GL-12, 0.25 ms, as tests/data/gradient/generate.py) only
for the exact forward trajectory (spike times, per-neuron state records,
arrivals, output error traces), then computes, per window [t0, t1) and
synapse s into a layer with alignment D,

    G_s = int_{t0}^{t1} e_i(t) lambda_s(t - D) dt
        = int_{max(t0 - D, 0)}^{t1 - D} e_i(u + D) lambda_s(u) du

the brute-force forward way: sigma'(U_i) z_s on a fine grid holding every
breakpoint (records, shifted error events, window edges, left limits at
spikes), H_d, H_r by the exact exponential recursion with q piecewise
linear, the outer integral by the trapezoid rule, Richardson extrapolation
of h = 0.0025 ms and h/2 (ref_dense.py's scheme, here with the eligibility
interval shifted).  lambda = 0 before t = 0 (nothing arrives earlier); in
per-trial mode lambda restarts at every window start, so the first D of
each window's error has no partner.

Writes align_<case>_G.txt: "window layer pre post G" (the format of
tests/data/gradient/<case>_G_high.txt) with D_hidden, D_output in the header
and in align_<case>_params.txt.
"""
import argparse
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GRAD = os.path.join(HERE, "..", "gradient")

ap = argparse.ArgumentParser()
ap.add_argument("--oracle", required=True)
ap.add_argument("--h", type=float, default=0.0025)
ARGS = ap.parse_args()
sys.path.insert(0, os.path.abspath(ARGS.oracle))

from model import Params, P21, sigma_prime              # noqa: E402
from network import Network                            # noqa: E402
from event_driven import EventDrivenSuperSpike          # noqa: E402
from ref_dense import _filter                           # noqa: E402

FMT = "%.17g"
CASES = [("A_s1_online_random_frozen", 1.5, 0.8),
         ("A_s1_online_sym_frozen", 0.8, 0.8),
         ("A_s1_trial_sym_frozen", 1.5, 1.5)]


def data_lines(path):
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith("#"):
                yield s.split()


def read_ras_ms(path, n):
    out = [[] for _ in range(n)]
    for t, i in data_lines(path):
        out[int(i)].append(float(t) * 1000.0)
    return [np.array(sorted(x), dtype=float) for x in out]


def load(name):
    P = lambda s: os.path.join(GRAD, "%s_%s" % (name, s))
    kv = {k: v for k, v in data_lines(P("params.txt"))}
    p = Params(tau_mem=float(kv["tau_mem_ms"]), tau_syn=float(kv["tau_syn_ms"]),
               U_rest=float(kv["u_rest_mV"]), theta=float(kv["theta_mV"]),
               t_ref=float(kv["t_ref_ms"]), beta=float(kv["beta_per_mV"]),
               tau_rise=float(kv["tau_rise_ms"]), tau_decay=float(kv["tau_decay_ms"]),
               alpha_norm=kv["alpha_norm"])
    T, nW = float(kv["window_ms"]), int(kv["n_windows"])
    ni, nh, no = int(kv["n_in"]), int(kv["n_hid"]), int(kv["n_out"])
    in_abs = read_ras_ms(P("input.ras"), ni)
    tg_abs = read_ras_ms(P("target.ras"), no)
    in_pat = [a[a < T] for a in in_abs]
    tg_pat = [a[a < T] for a in tg_abs]
    pre, post, w, d, layer = [], [], [], [], []
    for a, b, ww, dd in data_lines(P("in_hid.edges")):
        pre.append(int(a)); post.append(int(b)); w.append(float(ww)); d.append(float(dd)); layer.append(0)
    for a, b, ww, dd in data_lines(P("hid_out.edges")):
        pre.append(ni + int(a)); post.append(nh + int(b)); w.append(float(ww)); d.append(float(dd)); layer.append(1)
    B = np.zeros((nh, no))
    for k, i, val in data_lines(P("feedback.txt")):
        B[int(k), int(i)] = float(val)
    net = Network(ni, nh, no, np.array(pre), np.array(post), np.array(d), np.array(w),
                  np.array(layer), T, in_pat, tg_pat, B)
    ed = EventDrivenSuperSpike(net, p, T, nW, mode=kv["mode"], feedback=kv["feedback"], rule="none",
                               eta=0.0, tau_rms=float(kv["tau_rms_ms"]), eps=float(kv["eps"]),
                               w_clip=None, carry=kv["carry"], solver=kv["solver"],
                               grade_c=float(kv["grade_c"]), n_gl=12, h_max=0.25, grade=True).run()
    return net, p, T, nW, ed


def dense_shifted(net, p, T, nW, ed, D, layer_sel, h, refine):
    N, S = net.N, net.S
    tm, ts, td, tr, A = p.tau_mem, p.tau_syn, p.tau_decay, p.tau_rise, p.A_alpha
    R = [dict(t=np.array([r[0] for r in ed.rec[n]]), v=np.array([r[3] for r in ed.rec[n]]),
              I=np.array([r[4] for r in ed.rec[n]]), refr=np.array([r[5] for r in ed.rec[n]])) for n in range(N)]
    E = [dict(t=np.array([r[0] for r in ed.err[o]]), ad=np.array([r[1] for r in ed.err[o]]),
              ar=np.array([r[2] for r in ed.err[o]])) for o in range(net.n_out)]
    arr = [[] for _ in range(S)]
    for n in range(N):
        for r in ed.rec[n]:
            if r[1] == "A":
                arr[r[2]].append(r[0])
    arr = [np.array(a) for a in arr]
    spk = ed.spike_times()
    spike_owner = {t: n for n in range(N) for t in spk[n]}
    rec_bps = sorted(set(t for n in range(N) for t in R[n]["t"].tolist()))
    err_bps = sorted(set(t - D for o in range(net.n_out) for t in E[o]["t"].tolist()))
    per_trial = ed.mode == "per_trial"
    Hd = np.zeros(S); Hr = np.zeros(S)
    out = []
    for w in range(nW):
        t0, t1 = w * T, (w + 1) * T
        a = t0 if (per_trial or w == 0) else t0 - D
        b = t1 - D
        bw = sorted(set([a, b] + [x for x in rec_bps + err_bps if a <= x <= b]))
        pts, left = [], []
        for k in range(len(bw) - 1):
            x0, x1 = bw[k], bw[k + 1]
            if x0 in spike_owner:
                pts.append(x0); left.append(spike_owner[x0])
            nk = max(1, int(math.ceil((x1 - x0) / h - 1e-9))) * refine
            pts.extend((x0 + (x1 - x0) * np.arange(nk) / nk).tolist())
            left.extend([-1] * nk)
        pts.append(b); left.append(-2)
        tg = np.array(pts); left = np.array(left)
        sp = np.empty((N, len(tg)))
        for n in range(N):
            rt = R[n]["t"]
            use_left = (left == n) | (left == -2)
            idx = np.where(use_left, np.searchsorted(rt, tg, side="left"),
                           np.searchsorted(rt, tg, side="right")) - 1
            dd = tg - rt[idx]
            v = R[n]["v"][idx] * np.exp(-dd / tm) + R[n]["I"][idx] * P21(dd, tm, ts)
            v = np.where(R[n]["refr"][idx], 0.0, v)
            sp[n] = sigma_prime(p.U_rest + v, p)
        z = np.zeros((S, len(tg)))
        for s in range(S):
            a_t = arr[s]
            if per_trial:
                a_t = a_t[(a_t >= t0) & (a_t < t1)]
            if len(a_t) == 0:
                continue
            ya = np.empty(len(a_t)); za = np.empty(len(a_t))
            yy = zz = 0.0
            for k, ta in enumerate(a_t):
                if k:
                    dd = ta - a_t[k - 1]
                    zz = zz * math.exp(-dd / tm) + yy * P21(dd, tm, ts)
                    yy = yy * math.exp(-dd / ts)
                yy += 1.0
                ya[k], za[k] = yy, zz
            idx = np.where(left == -2, np.searchsorted(a_t, tg, side="left"),
                           np.searchsorted(a_t, tg, side="right")) - 1
            ok = idx >= 0
            dd = tg[ok] - a_t[idx[ok]]
            z[s, ok] = za[idx[ok]] * np.exp(-dd / tm) + ya[idx[ok]] * P21(dd, tm, ts)
        q = sp[net.post] * z
        if per_trial:
            Hd[:] = 0; Hr[:] = 0
        span = min(tr, td)
        HdG = _filter(q, tg, td, Hd, span)
        HrG = _filter(q, tg, tr, Hr, span)
        Hd, Hr = HdG[:, -1].copy(), HrG[:, -1].copy()
        lam = A * (HdG - HrG)
        te = tg + D                               # error time
        eo = np.empty((net.n_out, len(tg)))
        for o in range(net.n_out):
            et = E[o]["t"]
            idx = np.where(left == -2, np.searchsorted(et, te, side="left"),
                           np.searchsorted(et, te, side="right")) - 1
            dd = te - et[idx]
            eo[o] = A * (E[o]["ad"][idx] * np.exp(-dd / td) - E[o]["ar"][idx] * np.exp(-dd / tr))
        Bw = ed.B_hist[w]
        eall = np.vstack([Bw @ eo, eo])
        integrand = eall[net.post] * lam
        G = 0.5 * np.sum((integrand[:, 1:] + integrand[:, :-1]) * np.diff(tg)[None, :], axis=1)
        G[net.layer != layer_sel] = 0.0
        out.append(G)
    return out


def main():
    for name, Dh, Do in CASES:
        net, p, T, nW, ed = load(name)
        ni, nh = net.n_in, net.n_hid
        tot = [np.zeros(net.S) for _ in range(nW)]
        for layer, D in ((0, Dh), (1, Do)):
            g1 = dense_shifted(net, p, T, nW, ed, D, layer, ARGS.h, 1)
            g2 = dense_shifted(net, p, T, nW, ed, D, layer, ARGS.h, 2)
            for w in range(nW):
                gR = (4 * g2[w] - g1[w]) / 3.0
                tot[w] += gR
                den = np.linalg.norm(gR[net.layer == layer])
                print("%s layer %d D %g window %d: |G_h/2 - G_R| / |G_R| = %.2e" % (
                    name, layer, D, w, np.linalg.norm((g2[w] - gR)[net.layer == layer]) / den))
        lines = []
        for w in range(nW):
            for s in range(net.S):
                if net.layer[s] == 0:
                    a, b = net.pre[s], net.post[s]
                else:
                    a, b = net.pre[s] - ni, net.post[s] - nh
                lines.append("%d %d %d %d %s" % (w, net.layer[s], a, b, FMT % tot[w][s]))
        path = os.path.join(HERE, "align_%s_G.txt" % name)
        with open(path, "w") as f:
            f.write("# generated by tests/data/learn/generate_align.py from shared/design/verify\n")
            f.write("# case %s (tests/data/gradient), D_hidden %r ms, D_output %r ms\n" % (name, Dh, Do))
            f.write("# window layer pre post G = int_{t0}^{t1} e(t) lambda(t - D) dt (dense forward reference, "
                    "Richardson h = %g / %g ms)\n" % (ARGS.h, ARGS.h / 2))
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(HERE, "align_%s_params.txt" % name), "w") as f:
            f.write("d_hidden_ms %r\nd_output_ms %r\n" % (Dh, Do))


if __name__ == "__main__":
    main()

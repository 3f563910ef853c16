#!/usr/bin/env python3
"""
Generator (provenance only) for the committed oracle data in this directory.

The tests never run this script.  It needs Python 3 with numpy and scipy and
the event-driven oracle from shared/design/verify (files model.py,
network.py, event_driven.py, check_spiketimes_ivp.py):

    /usr/bin/python3 generate.py --oracle /work/shared/design/verify --out .
    /usr/bin/python3 generate.py --oracle ... --out . --no-ivp   # skip solve_ivp

(or put the oracle directory on PYTHONPATH and omit --oracle).

Per configuration <cfg> it writes

    <cfg>_params.txt     key value (ms, mV, counts)
    <cfg>_input.ras      input spikes, "time id", time in SECONDS, absolute
    <cfg>_in_hid.edges   "pre post weight delay", local ids, mV, ms
    <cfg>_hid_out.edges  same for hidden -> output
    <cfg>_hidden.ras     expected hidden spikes ("time id", seconds)
    <cfg>_output.ras     expected output spikes ("time id", seconds)

Precision: the expected spikes are computed from the values *read back*
from the written files (input times = float(seconds text) * 1000.0, weights
and delays exactly as written with %.17g, parameters as written), so they
correspond exactly to the committed inputs and not to the oracle's
in-memory network.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

FMT = "%.17g"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--oracle", default=None,
                    help="directory of shared/design/verify (else: PYTHONPATH)")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--no-ivp", action="store_true", help="skip the solve_ivp cross-check")
    ap.add_argument("--only", default=None, help="comma-separated config names")
    return ap.parse_args()


ARGS = parse_args()
if ARGS.oracle:
    sys.path.insert(0, os.path.abspath(ARGS.oracle))

from model import Params, P21, t_peak                      # noqa: E402
from network import Network, make_network, window_events  # noqa: E402
from event_driven import EventDrivenSuperSpike         # noqa: E402
from check_spiketimes_ivp import ivp_spike_times       # noqa: E402

T_PATTERN = 100.0   # ms, pattern length of make_network

# name -> (Params kwargs, make_network kwargs, number of 100 ms pattern repeats)
# A/B/C = the three parameter sets of shared/design/event-driven.md section 5 /
# run_verification.py CONFIGS (same seeds and weight distributions).
CONFIGS = {
    "A_seed1": (dict(tau_mem=10.0, tau_syn=5.0, U_rest=-60.0, theta=-50.0, t_ref=2.0),
                dict(seed=1), 10),
    "A_seed2": (dict(tau_mem=10.0, tau_syn=5.0, U_rest=-60.0, theta=-50.0, t_ref=2.0),
                dict(seed=2), 10),
    "B_seed3": (dict(tau_mem=12.0, tau_syn=3.0, U_rest=-60.0, theta=-50.0, t_ref=0.0),
                dict(seed=3, w_in=(8.0, 4.0), w_out=(18.0, 6.0)), 10),
    "C_seed3": (dict(tau_mem=10.0, tau_syn=10.0, U_rest=-60.0, theta=-50.0, t_ref=5.0),
                dict(seed=3), 10),
    # bigger networks (not in the design note): 40 -> 20 -> 5, paper parameters.
    # Abig: weaker, mixed-sign weights (26 % inhibitory), moderate rates.
    "Abig_seed2": (dict(tau_mem=10.0, tau_syn=5.0, U_rest=-60.0, theta=-50.0, t_ref=2.0),
                   dict(seed=2, n_in=40, n_hid=20, n_out=5, w_in=(3.0, 4.0), w_out=(3.0, 5.0)), 10),
    # Adense: make_network's default weights, high rates (outputs ~370 Hz,
    # close to the 1/t_ref = 500 Hz ceiling): many refractory/arrival interleavings.
    "Adense_seed2": (dict(tau_mem=10.0, tau_syn=5.0, U_rest=-60.0, theta=-50.0, t_ref=2.0),
                     dict(seed=2, n_in=40, n_hid=20, n_out=5), 10),
}


# ----------------------------------------------------------------- writers
def write_ras(path, rows, header):
    """rows: list of (t_seconds, id); sorted by time then id"""
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    with open(path, "w") as f:
        for h in header:
            f.write("# " + h + "\n")
        for t, i in rows:
            f.write((FMT + " %d\n") % (t, i))
    return len(rows)


def write_edges(path, rows, header):
    with open(path, "w") as f:
        for h in header:
            f.write("# " + h + "\n")
        for a, b, w, d in rows:
            f.write(("%d %d " + FMT + " " + FMT + "\n") % (a, b, w, d))


def write_params(path, kv):
    with open(path, "w") as f:
        for k, v in kv:
            if isinstance(v, (int, np.integer)):
                f.write("%s %d\n" % (k, v))
            else:
                f.write(("%s " + FMT + "\n") % (k, v))


# ----------------------------------------------------------------- readers
def data_lines(path):
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s and not s.startswith("#"):
                yield s.split()


def read_params(path):
    return {k: v for k, v in data_lines(path)}


def read_ras_ms(path, n):
    """per-id sorted arrays of times in ms, exactly as the C side does: seconds * 1000.0"""
    out = [[] for _ in range(n)]
    for t, i in data_lines(path):
        out[int(i)].append(float(t) * 1000.0)
    return [np.array(sorted(x), dtype=float) for x in out]


def read_edges(path):
    return [(int(a), int(b), float(w), float(d)) for a, b, w, d in data_lines(path)]


# ----------------------------------------------------------------- checks
def margins(ed, p, t_end):
    """robustness of the expected spike trains:
    - min_miss: smallest thp - max v over inter-event segments that do NOT end
      in a spike (how close a non-spike came to threshold), mV
    - min_slope: smallest dv/dt at a threshold crossing (mV/ms)
    - min_gap: smallest |t_spike - t_other_event| on the same neuron (ms)"""
    thp = p.thp
    min_miss, min_slope, min_gap = math.inf, math.inf, math.inf
    for n in range(ed.net.N):
        rec = [r for r in ed.rec[n] if r[0] < t_end]
        for k, (t, kind, _, v, I, refr) in enumerate(rec):
            tn = rec[k + 1][0] if k + 1 < len(rec) else t_end
            nxt = rec[k + 1][1] if k + 1 < len(rec) else "END"
            if kind == "S":
                I_s = I  # I continuous at the spike
                min_slope = min(min_slope, (I_s - thp) / p.tau_mem)
                for j in (k - 1, k + 1):
                    if 0 <= j < len(rec) and rec[j][1] != "W":
                        min_gap = min(min_gap, abs(rec[j][0] - t))
            if refr or nxt == "S":
                continue
            L = tn - t
            vmax = v
            if I > 0.0 and I > v:
                tp = t_peak(v, I, p)
                if tp is not None:
                    tp = min(tp, L)
                    vmax = max(vmax, v * math.exp(-tp / p.tau_mem) + I * P21(tp, p.tau_mem, p.tau_syn))
            min_miss = min(min_miss, thp - vmax)
    return min_miss, min_slope, min_gap


def cmp_spikes(a_list, b_list):
    mism, mx = 0, 0.0
    for a, b in zip(a_list, b_list):
        if len(a) != len(b):
            mism += 1
            continue
        if len(a):
            mx = max(mx, float(np.max(np.abs(np.asarray(a) - np.asarray(b)))))
    return mism, mx


# ----------------------------------------------------------------- main
def generate(name, pkw, nkw, n_rep, outdir, do_ivp):
    t0 = time.time()
    net = make_network(**nkw)
    p0 = Params(**pkw)
    duration = n_rep * T_PATTERN
    ni, nh, no = net.n_in, net.n_hid, net.n_out
    P = lambda s: os.path.join(outdir, "%s_%s" % (name, s))
    prov = ["generated by tests/data/oracle/generate.py from shared/design/verify",
            "config %s: make_network(%s), Params(%s), %d x %g ms pattern" % (
                name, ", ".join("%s=%r" % kv for kv in nkw.items()),
                ", ".join("%s=%r" % kv for kv in pkw.items()), n_rep, T_PATTERN)]

    # ---- write inputs ------------------------------------------------
    write_params(P("params.txt"), [
        ("tau_mem_ms", p0.tau_mem), ("tau_syn_ms", p0.tau_syn), ("u_rest_mV", p0.U_rest),
        ("theta_mV", p0.theta), ("t_ref_ms", p0.t_ref), ("duration_ms", duration),
        ("n_in", ni), ("n_hid", nh), ("n_out", no)])
    ins, _ = window_events(net, n_rep, T_PATTERN)      # absolute ms
    rows = [(t / 1000.0, j) for j in range(ni) for t in ins[j]]
    n_in_spk = write_ras(P("input.ras"), rows,
                         prov + ["input spikes: time [s] (absolute, pattern repeated every %g ms), input id 0..%d"
                                 % (T_PATTERN, ni - 1)])
    e_ih, e_ho = [], []
    for s in range(net.S):
        if net.layer[s] == 0:
            e_ih.append((net.pre[s], net.post[s], net.w0[s], net.delay[s]))
        else:
            e_ho.append((net.pre[s] - ni, net.post[s] - nh, net.w0[s], net.delay[s]))
    write_edges(P("in_hid.edges"), e_ih, prov + ["input -> hidden: pre(input id) post(hidden id) weight[mV] delay[ms]"])
    write_edges(P("hid_out.edges"), e_ho, prov + ["hidden -> output: pre(hidden id) post(output id) weight[mV] delay[ms]"])

    # ---- read everything back, build the network from the parsed values ---
    kv = read_params(P("params.txt"))
    p = Params(tau_mem=float(kv["tau_mem_ms"]), tau_syn=float(kv["tau_syn_ms"]),
               U_rest=float(kv["u_rest_mV"]), theta=float(kv["theta_mV"]),
               t_ref=float(kv["t_ref_ms"]))
    dur = float(kv["duration_ms"])
    ni2, nh2, no2 = int(kv["n_in"]), int(kv["n_hid"]), int(kv["n_out"])
    in_ms = read_ras_ms(P("input.ras"), ni2)
    pre, post, w, d, layer = [], [], [], [], []
    for a, b, ww, dd in read_edges(P("in_hid.edges")):
        pre.append(a); post.append(b); w.append(ww); d.append(dd); layer.append(0)
    for a, b, ww, dd in read_edges(P("hid_out.edges")):
        pre.append(ni2 + a); post.append(nh2 + b); w.append(ww); d.append(dd); layer.append(1)
    # one "window" = the whole run: inputs are already absolute, T = duration,
    # so the oracle adds w*T = 0 to every input time. No targets (they only
    # feed the error traces, never the forward dynamics).
    rnet = Network(ni2, nh2, no2, np.array(pre), np.array(post), np.array(d), np.array(w),
                   np.array(layer), dur, in_ms, [np.array([]) for _ in range(no2)],
                   np.zeros((nh2, no2)))
    assert np.array_equal(rnet.w0, net.w0) and np.array_equal(rnet.delay, net.delay)
    n_changed = sum(int(np.sum(a != b)) for a, b in zip(in_ms, ins))
    max_in_dev = max(float(np.max(np.abs(a - b))) if len(a) else 0.0 for a, b in zip(in_ms, ins))

    # ---- oracle: event-driven forward pass, frozen weights ---------------
    ed = EventDrivenSuperSpike(rnet, p, dur, 1, mode="online", feedback="symmetric",
                               rule="none", eta=0.0).run()
    st = ed.spike_times()
    assert all(np.all(s < dur) for s in st)
    hid = [(t / 1000.0, k) for k in range(nh2) for t in st[k]]
    out = [(t / 1000.0, i) for i in range(no2) for t in st[nh2 + i]]
    n_h = write_ras(P("hidden.ras"), hid, prov + [
        "expected hidden spikes of the event-driven oracle (frozen weights w0, rule none), "
        "computed from the read-back files; time [s], hidden id 0..%d" % (nh2 - 1)])
    n_o = write_ras(P("output.ras"), out, prov + [
        "expected output spikes of the event-driven oracle (frozen weights w0, rule none), "
        "computed from the read-back files; time [s], output id 0..%d" % (no2 - 1)])

    # ---- cross-check 1: same oracle on the in-memory network, 100 ms windows
    ed0 = EventDrivenSuperSpike(net, p0, T_PATTERN, n_rep, mode="online", rule="none", eta=0.0).run()
    mism0, mx0 = cmp_spikes(ed0.spike_times(), st)

    # ---- cross-check 2: solve_ivp on the read-back network ----------------
    ivp = None
    if do_ivp:
        ti = time.time()
        sv = ivp_spike_times(rnet, p, dur, 1, rnet.w0)
        mism, mx = cmp_spikes(sv, st)
        ivp = dict(mismatches=mism, max_abs_dt_ms=mx, seconds=round(time.time() - ti, 1),
                   ivp_counts=[len(s) for s in sv])

    # ---- written file reproduces the oracle times (seconds text * 1000)
    back = read_ras_ms(P("hidden.ras"), nh2) + read_ras_ms(P("output.ras"), no2)
    _, rt = cmp_spikes(back, st)

    mm, ms, mg = margins(ed, p, dur)
    res = dict(config=name, duration_ms=dur, n_in=ni2, n_hid=nh2, n_out=no2,
               input_spikes=n_in_spk, hidden_spikes=n_h, output_spikes=n_o,
               hidden_per_neuron=[len(s) for s in st[:nh2]],
               output_per_neuron=[len(s) for s in st[nh2:]],
               input_times_changed_by_readback=n_changed, max_input_readback_dev_ms=max_in_dev,
               vs_inmemory_oracle=dict(mismatches=mism0, max_abs_dt_ms=mx0),
               ivp=ivp, ras_roundtrip_max_dev_ms=rt,
               min_nonspike_margin_mV=mm, min_crossing_slope_mV_per_ms=ms,
               min_spike_to_event_gap_ms=mg,
               threshold_solver=ed.cstats.as_dict(), seconds=round(time.time() - t0, 1))
    return res


def main():
    os.makedirs(ARGS.out, exist_ok=True)
    names = ARGS.only.split(",") if ARGS.only else list(CONFIGS)
    allres = []
    for name in names:
        pkw, nkw, n_rep = CONFIGS[name]
        r = generate(name, pkw, nkw, n_rep, ARGS.out, not ARGS.no_ivp)
        print(json.dumps(r), flush=True)
        allres.append(r)
    print()
    print("| config | duration (ms) | input | hidden | output | ED vs solve_ivp: mismatches, max abs dt (ms) |")
    print("|---|---|---|---|---|---|")
    for r in allres:
        iv = r["ivp"]
        ivs = "skipped" if iv is None else "%d, %.1e" % (iv["mismatches"], iv["max_abs_dt_ms"])
        print("| %s | %g | %d | %d | %d | %s |" % (r["config"], r["duration_ms"], r["input_spikes"],
                                                   r["hidden_spikes"], r["output_spikes"], ivs))


if __name__ == "__main__":
    main()

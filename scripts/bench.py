#!/usr/bin/env python
"""Benchmark of stressgpu's clearing kernel and quarterly model (a benchmark, not a test).

One run measures, on whatever device JAX finds:

1. the device's own peaks: a large float32 matmul (FLOP/s) and a streaming array copy
   (bytes/s), jitted, median of several repetitions after a warm-up;
2. the clearing kernel (:func:`stressgpu.channels.clearing_batch.solve_clearing`, methods ``picard``
   and ``fictitious_default``) on random sparse networks (N in --sizes, B in --batches, bounded
   by a work cap so a run fits this machine) and on a near-critical family (a ring of
   liabilities with external assets just below the threshold) where Picard needs hundreds to
   thousands of iterations: scenarios/s, iterations, matmul-equivalents, FLOP/s, share of the
   measured matmul peak;
3. two NumPy baselines on the same inputs: batched Picard (same algorithm, NumPy matmuls) and
   the per-scenario exact Eisenberg–Noe fictitious-default algorithm (numpy.linalg.solve), with
   agreement checks against the JAX results and speed ratios;
4. the full quarterly model (:func:`stressgpu.batch.simulate`) with the deepseek shock.

0. (section 2a, issue 14) the clearing kernel against the baselines a user would reach for, on a
   network family it was not tuned on (lognormal sizes, Erdős–Rényi links, ~15 % of entities in
   default, seeded): a ten-line ``jax.jit``-ed ``lax.while_loop`` over the batch, batched NumPy
   Picard, and the bare ``[B, N] x [N, N]`` product of the same shape; all timed alternately in
   one process; per N the ratio of the kernel's useful FLOP rate to the bare product's rate, and
   the accuracy the kernel ran at: on the first scenarios, the largest distance of any entity's
   payment to the exact fixed point (float64 fictitious default on the same inputs) as a share of
   that entity's own obligations. Status ``ok`` means at most ``tol_eff`` (16 ulps in float32,
   1e-12 in float64) up to round-off (docs/model.md §5.2); the naive loop and NumPy stop on the
   old rule (the batch's or the scenario's largest change below ``tol · max(1, max pbar)``),
   which guarantees nothing per entity (the naive loop runs every scenario as long as the
   slowest, which makes it accurate on this family).

It prints a Markdown report and writes it, with every number, as JSON + Markdown.

FLOP accounting (matmul-equivalents are counted per scenario in units of one ``[N] x [N, N]``
product, 2 N^2 FLOP):

* Picard: one ``[B, N] x [N, N]`` product per iteration (the ``Pi^T p`` term);
* fictitious default: per round one LU of the regime system on the unknowns (at most N x N;
  counted as N x N, an upper bound), 2/3 N^3 FLOP, plus one matmul for the asset check.

"Executed" FLOPs use the largest iteration count in the batch (a vmapped ``while_loop`` runs
until its slowest scenario has converged, so every scenario pays for that many steps);
"useful" FLOPs use each scenario's own count (the mean). Shares of peak use executed FLOPs.

Usage::

    python scripts/bench.py --quick                 # ~1-2 minutes on a 2-core CPU
    python scripts/bench.py --out results/bench     # full run, writes results/bench.{json,md}
    python scripts/bench.py --sizes 50,500 --batches 1000,10000 --dtype float64
    python scripts/bench.py --quick --clearing-only --sizes 50,500   # the clearing kernel's rows alone
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a ~1-2 minute version (smaller B, fewer reps)")
    ap.add_argument("--out", default="bench_results",
                    help="results path; writes PATH.json and PATH.md (a .json/.md suffix is dropped first); "
                         "default bench_results.{json,md} in the current directory")
    ap.add_argument("--sizes", default="50,500,2000", help="network sizes N for the random family (comma list)")
    ap.add_argument("--batches", default=None,
                    help="scenario batch sizes B (comma list); default 1000,10000,100000 (quick: 1000,10000)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--reps", type=int, default=None, help="timed repetitions per case (default 5, quick 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-model", action="store_true", help="skip the full quarterly model")
    ap.add_argument("--clearing-only", action="store_true",
                    help="only the clearing kernel's rows (sections 1, 2a and 2): skip the near-critical rings, "
                         "the exact solver's targets, the NumPy baselines and the model")
    return ap.parse_args(argv)


ARGS = _parse_args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.dtype == "float64":
    os.environ["JAX_ENABLE_X64"] = "1"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

if ARGS is not None and ARGS.dtype == "float64":
    jax.config.update("jax_enable_x64", True)

try:
    from stressgpu.channels.clearing import make_network
    from stressgpu.channels.clearing_batch import solve_clearing
except ImportError:  # not installed: use the checkout
    sys.path.insert(0, str(REPO / "src"))
    from stressgpu.channels.clearing import make_network
    from stressgpu.channels.clearing_batch import solve_clearing


# --------------------------------------------------------------------------- helpers


def now() -> float:
    return time.perf_counter()


def timed(fn, reps: int, slow_s: float = 4.0):
    """Run ``fn`` once (warm-up), then ``reps`` times; returns
    ``(out, first_call_s, median_s, times)``. Slow cases (first call > slow_s) get at most 3 reps,
    very slow ones (> 4 slow_s) one."""
    t0 = now()
    out = jax.block_until_ready(fn())
    first = now() - t0
    if first > 4 * slow_s:
        reps = 1
    elif first > slow_s:
        reps = min(reps, 3)
    ts = []
    for _ in range(max(reps, 1)):
        t0 = now()
        out = jax.block_until_ready(fn())
        ts.append(now() - t0)
    return out, first, statistics.median(ts), ts


def nice_floor(x: float) -> int:
    """Largest value in {1, 2, 5} x 10^k that is <= x (0 if x < 1)."""
    if x < 1:
        return 0
    k = 10 ** int(math.floor(math.log10(x)))
    for m in (5, 2, 1):
        if m * k <= x:
            return m * k
    return k


def si(x, unit="", digits=3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    for f, p in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= f:
            return f"{x / f:.{digits}g} {p}{unit}".strip()
    return f"{x:.{digits}g} {unit}".strip()


def fnum(x, digits=3) -> str:
    if x is None:
        return "–"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if not math.isfinite(x):
        return "–"
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return f"{x:.{digits - 1}e}"
    return f"{x:.{digits}g}"


def jsonable(o):
    if isinstance(o, dict):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating, float)):
        return float(o) if math.isfinite(o) else None
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, np.ndarray):
        return jsonable(o.tolist())
    return o


def log(msg: str):
    print(msg, flush=True)


# --------------------------------------------------------------------------- 1. peaks


def measure_peaks(reps: int, quick: bool, dtype) -> dict:
    gpu = jax.default_backend() in ("gpu", "cuda", "rocm")
    n = 8192 if gpu else 2048
    key = jax.random.PRNGKey(1)
    out = {}
    mm = jax.jit(lambda a, b: a @ b)
    dts = [jnp.float32] + ([jnp.float64] if jnp.dtype(dtype) == jnp.float64 else [])
    for dt in dts:
        a = jax.random.normal(key, (n, n), dt)
        b = jax.random.normal(jax.random.fold_in(key, 1), (n, n), dt)
        _, first, med, ts = timed(lambda: mm(a, b), max(reps, 5))
        name = jnp.dtype(dt).name
        out[f"matmul_{name}"] = {"n": n, "flops": 2 * n ** 3, "median_s": med, "flop_per_s": 2 * n ** 3 / med,
                                  "times_s": ts}
        log(f"  matmul {name} {n}x{n}: {si(2 * n ** 3 / med, 'FLOP/s')}")
        del a, b
    nbytes = (1 << 30) if gpu else ((64 << 20) if quick else (256 << 20))
    x = jnp.zeros((nbytes // 4,), jnp.float32)
    cp = jax.jit(lambda x: x + 1.0)  # streams nbytes in and nbytes out
    _, first, med, ts = timed(lambda: cp(x), max(reps, 5))
    out["copy"] = {"bytes": 2 * nbytes, "median_s": med, "bytes_per_s": 2 * nbytes / med, "times_s": ts,
                   "kernel": "y = x + 1 (float32), read + write counted"}
    log(f"  copy {nbytes >> 20} MiB: {si(2 * nbytes / med, 'B/s')}")
    del x
    return out


# --------------------------------------------------------------------------- networks


def random_network(N: int, rng) -> dict:
    """Sparse interbank liabilities (density min(1, 10/N), lognormal amounts), external
    liabilities, and baseline external assets e0 with which every entity is solvent
    with a 2-10 % buffer when everyone pays in full."""
    dens = min(1.0, 10.0 / N)
    mask = rng.random((N, N)) < dens
    np.fill_diagonal(mask, False)
    L = np.where(mask, rng.lognormal(0.0, 1.0, (N, N)), 0.0)
    inter = L.sum(1)
    ext = rng.lognormal(0.0, 0.5, N) * (inter.mean() + 1.0)
    pbar = inter + ext
    e0 = np.maximum(pbar - L.sum(0), 0.0) + rng.uniform(0.02, 0.10, N) * pbar
    return {"L": L, "ext": ext, "e0": e0, "density": dens}


def random_scenarios(e0, B: int, rng) -> np.ndarray:
    """External assets after a shock: a common loss rate m ~ U(0, 0.2) per scenario times a
    lognormal idiosyncratic factor per entity; a sizeable share of scenarios has defaults."""
    m = rng.uniform(0.0, 0.2, (B, 1))
    loss = np.clip(m * np.exp(0.5 * rng.standard_normal((B, e0.size)) - 0.125), 0.0, 1.0)
    return e0[None, :] * (1.0 - loss)


def ring_network(N: int, c: float) -> dict:
    """Near-critical family: a ring where i owes 1 to i+1 and c outside; pbar = 1 + c, so a
    Picard step shrinks the distance to the fixed point only by 1/(1+c)."""
    L = np.zeros((N, N))
    L[np.arange(N), (np.arange(N) + 1) % N] = 1.0
    return {"L": L, "ext": np.full(N, c), "c": c}


def ring_scenarios(N: int, c: float, B: int, rng) -> np.ndarray:
    """External assets just around the default threshold c (most entities just below)."""
    return c * rng.uniform(0.90, 1.02, (B, N))


# --------------------------------------------------------------------------- NumPy baselines


def numpy_picard(L, ext, e, tol, max_iter):
    """Batched Picard clearing in NumPy: same algorithm and stopping rule as the kernel
    (alpha = beta = 1, no cross-holdings: the largest change of the payments; the equity is
    the map's at the answer); converged scenarios leave the active set."""
    dt = e.dtype
    pbar = (L.sum(1) + ext).astype(dt)
    Pi = (L / np.where(pbar > 0, pbar, 1.0)[:, None]).astype(dt)
    scale = max(1.0, float(pbar.max()))
    B, N = e.shape
    p = np.broadcast_to(pbar, (B, N)).copy()
    it = np.zeros(B, np.int64)
    active = np.arange(B)
    k = 0
    while active.size and k < max_iter:
        pa, ea = p[active], e[active]
        a = ea + pa @ Pi
        d = a < pbar
        pn = np.where(d, np.clip(a, 0.0, pbar), pbar)
        res = np.abs(pn - pa).max(1)
        p[active] = pn
        it[active] += 1
        active = active[res > tol * scale]
        k += 1
    return p, it


def exact_one(Pi, pbar, e, tol_abs, rel_slack=0.0):
    """Eisenberg–Noe fictitious-default algorithm for one scenario (float64): fix the default
    set D, solve (I - Pi_DD^T) p_D = e_D + Pi_SD^T pbar_S, add new defaulters, repeat
    (``rel_slack``: assets within this share of pbar count as solvent, as in the kernel)."""
    N = pbar.size
    D = np.zeros(N, bool)
    rounds = 0
    while True:
        rounds += 1
        p = pbar.copy()
        if D.any():
            S = ~D
            A = np.eye(int(D.sum())) - Pi[np.ix_(D, D)].T
            rhs = e[D] + Pi[np.ix_(S, D)].T @ pbar[S]
            p[D] = np.linalg.solve(A, rhs)
        a = e + p @ Pi
        new = D | (a < pbar * (1 - rel_slack) - tol_abs)
        if (new == D).all() or rounds > N + 1:
            return np.clip(p, 0.0, pbar), rounds
        D = new


class blas_threads:
    """Context manager: set OpenBLAS's thread count (ctypes; no extra dependency). The
    per-scenario solver runs single-threaded, as a loop over scenarios would be run: on a
    shared 2-core CPU, multi-threaded LAPACK on one small system at a time was >10x slower."""

    NAMES = (("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
             ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
             ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
             ("openblas_set_num_threads", "openblas_get_num_threads"))

    def __init__(self, n: int):
        self.n, self.set, self.old, self.applied = n, None, None, False
        try:
            import ctypes
            paths = sorted({ln.split()[-1] for ln in open("/proc/self/maps") if "openblas" in ln.lower()})
            for path in paths:
                lib = ctypes.CDLL(path)
                for s_name, g_name in self.NAMES:
                    if hasattr(lib, s_name) and hasattr(lib, g_name):
                        self.set, self.get = getattr(lib, s_name), getattr(lib, g_name)
                        return
        except Exception:  # noqa: BLE001 - optional
            self.set = None

    def __enter__(self):
        if self.set is not None:
            self.old = int(self.get())
            self.set(self.n)
            self.applied = True
        return self

    def __exit__(self, *exc):
        if self.applied:
            self.set(self.old)
        return False


def exact_batch(L, ext, e, budget_s, max_n):
    """Per-scenario exact solver over the first scenarios of e until budget_s is spent."""
    pbar = L.sum(1) + ext
    Pi = L / np.where(pbar > 0, pbar, 1.0)[:, None]
    tol_abs = 1e-12 * max(1.0, float(pbar.max()))
    e64 = np.asarray(e, np.float64)
    ps, rounds = [], []
    t0 = now()
    for b in range(min(max_n, e64.shape[0])):
        p, r = exact_one(Pi, pbar, e64[b], tol_abs)
        ps.append(p)
        rounds.append(r)
        if now() - t0 > budget_s and b >= 2:
            break
    dt = now() - t0
    return np.array(ps), np.array(rounds), dt


# --------------------------------------------------------------------------- an independent family


def lognormal_network(N: int, rng, degree: float = 8.0) -> dict:
    """A family the kernel was NOT tuned on: lognormal entity sizes (sigma 1.5), Erdős–Rényi
    links (mean degree ``degree``), each entity's interbank debt 30 % of its size spread over
    its links with lognormal weights, external debt 60 % of its size, and external assets
    that leave an 8 % equity buffer when everyone pays in full (at least 5 % of its size)."""
    s = rng.lognormal(0.0, 1.5, N)
    mask = rng.random((N, N)) < min(1.0, degree / N)
    np.fill_diagonal(mask, False)
    raw = np.where(mask, rng.lognormal(0.0, 1.0, (N, N)) * np.sqrt(s)[None, :], 0.0)
    rs = raw.sum(1, keepdims=True)
    L = np.where(rs > 0, raw / np.where(rs > 0, rs, 1.0) * 0.3 * s[:, None], 0.0)
    ext = 0.6 * s
    pbar = L.sum(1) + ext
    e0 = np.maximum(pbar + 0.08 * s - L.sum(0), 0.05 * s)
    return {"L": L, "ext": ext, "e0": e0, "density": float(mask.mean())}


def lognormal_scenarios(netn, B: int, rng, target=0.15, tol=1e-6):
    """Shocks ``e = e0 (1 - clip(m · lognormal))`` with a common scale ``m ~ U(0, M)``; ``M`` set
    by bisection (NumPy Picard on 1,000 draws) so that about ``target`` of the entities default."""
    e0 = netn["e0"]
    z = rng.lognormal(-0.5, 1.0, (B, e0.size))
    u = rng.uniform(0.0, 1.0, (B, 1))
    pbar = netn["L"].sum(1) + netn["ext"]
    thr = tol * max(1.0, float(pbar.max()))

    def share(M):
        e = e0[None, :] * (1.0 - np.clip(M * u[:1000] * z[:1000], 0.0, 1.0))
        p, _ = numpy_picard(netn["L"], netn["ext"], e, thr / max(1.0, float(pbar.max())), 10_000)
        Pi = netn["L"] / pbar[:, None]
        return float(((e + p @ Pi) < pbar * (1 - 1e-9)).mean())

    lo, hi = 0.0, 2.0
    for _ in range(14):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if share(mid) < target else (lo, mid)
    M = 0.5 * (lo + hi)
    return e0[None, :] * (1.0 - np.clip(M * u * z, 0.0, 1.0)), M


def naive_loop(thresh: float, max_iter: int = 10_000):
    """The baseline a user writes in ten lines: ``jax.jit`` of one ``lax.while_loop`` over the
    whole batch, ``p = min(pbar, max(0, e + p @ Π))`` until the largest change in the batch is
    at most ``thresh`` (the kernel's own stopping threshold: tol × max(1, max pbar))."""
    @jax.jit
    def solve(Pi, pbar, e):
        def cond(c):
            p, q, k = c
            return (jnp.max(jnp.abs(p - q)) > thresh) & (k < max_iter)

        def body(c):
            p, _, k = c
            return jnp.minimum(pbar, jnp.maximum(0.0, e + p @ Pi)), p, k + 1

        p0 = jnp.broadcast_to(pbar, e.shape)
        return lax.while_loop(cond, body, (p0, p0 + jnp.inf, 0))
    return solve


def bench_vs_baselines(quick, dtype, reps, rng_master, sizes) -> list[dict]:
    """The kernel against the naive jitted loop, batched NumPy Picard and the bare product of
    the same shape, on the lognormal family (not the one the kernel was tuned on), all timed
    alternately in this one process (medians): N in ``sizes``, B = 10^4 at N = 50, 10^3 at
    N = 500 and 100 at N = 2000 (quick; 10x more in the full run where memory allows)."""
    from stressgpu.solvers import effective_tol
    rows = []
    np_dt = np.float64 if jnp.dtype(dtype) == jnp.float64 else np.float32
    for N in sizes:
        B = {50: 10_000, 500: 1_000, 2000: 100}.get(N, max(100, int(2.5e8 / (N * N)) // 100 * 100))
        if not quick and N <= 500:
            B *= 10
        rng = np.random.default_rng(rng_master.integers(1 << 31))
        netn = lognormal_network(N, rng)
        e_np, M = lognormal_scenarios(netn, B, rng)
        L, ext, e = netn["L"].astype(np_dt), netn["ext"].astype(np_dt), e_np.astype(np_dt)
        pbar = L.sum(1) + ext
        Pi = (L / pbar[:, None]).astype(np_dt)
        tol = float(effective_tol(None, dtype))
        thresh = tol * max(1.0, float(pbar.max()))
        net = make_network(jnp.asarray(L, dtype), jnp.asarray(ext, dtype))
        ej, Pij, pbj = jnp.asarray(e, dtype), jnp.asarray(Pi, dtype), jnp.asarray(pbar, dtype)
        naive = naive_loop(thresh)
        x0 = jnp.ones((B, N), dtype)
        chain = jax.jit(lambda x, P: lax.fori_loop(0, 8, lambda _, y: y @ P, x))
        fns = {"kernel": lambda: solve_clearing(net, ej), "naive": lambda: naive(Pij, pbj, ej),
               "bare8": lambda: chain(x0, Pij), "numpy": lambda: numpy_picard(L, ext, e, tol, 10_000)}
        t0 = now()
        r = jax.block_until_ready(fns["kernel"]())
        first = now() - t0
        outs = {k: jax.block_until_ready(f()) for k, f in fns.items()}
        n_rep = max(reps, 5)
        ts = {k: [] for k in fns}
        for _ in range(n_rep):
            for k, f in fns.items():
                t0 = now()
                jax.block_until_ready(f())
                ts[k].append(now() - t0)
        med = {k: statistics.median(v) for k, v in ts.items()}
        it = np.asarray(r.iterations).astype(np.int64)
        useful = float(it.sum()) * 2.0 * N * N
        bare_rate = 8 * 2.0 * B * N * N / med["bare8"]
        from stressgpu.channels.clearing_batch import _form
        sparse = bool(_form(net, N, False)[0])
        links = int(np.count_nonzero(L))
        p_naive = np.asarray(outs["naive"][0])
        p_np = np.asarray(outs["numpy"][0])
        pay = np.asarray(r.payments)
        acc = accuracy_vs_exact(L, ext, e, {"kernel": pay, "naive": p_naive, "numpy": p_np},
                                {50: 64, 500: 32}.get(N, 4))
        rec = {
            "family": "lognormal-ER", "N": N, "B": B, "links": links, "density": links / (N * N),
            "form": "links" if sparse else "dense", "shock_scale": M,
            "entity_default_share": float(np.asarray(r.defaulted).mean()),
            "iters_mean": float(it.mean()), "iters_max": int(it.max()), "naive_iters": int(outs["naive"][2]),
            "status_ok_share": float(np.mean(np.asarray(r.status) == 0)),
            "first_call_s": first, "times_s": ts, "median_s": med,
            "kernel_scen_per_s": B / med["kernel"], "naive_scen_per_s": B / med["naive"],
            "numpy_scen_per_s": B / med["numpy"],
            "kernel_over_naive": med["naive"] / med["kernel"], "kernel_over_numpy": med["numpy"] / med["kernel"],
            "bare_matmul_flop_per_s": bare_rate,
            "kernel_useful_flop_per_s": useful / med["kernel"],
            "useful_over_bare": useful / med["kernel"] / bare_rate,
            "kernel_executed_flop_per_step": 2.0 * (links if sparse else N * N),
            "max_rel_err_vs_exact": acc["kernel"], "naive_max_rel_err_vs_exact": acc["naive"],
            "numpy_max_rel_err_vs_exact": acc["numpy"], "exact_checked": acc["checked"],
            "max_abs_diff_naive": float(np.abs(pay - p_naive).max()),
            "max_abs_diff_numpy": float(np.abs(pay - p_np).max()),
            "max_pbar": float(pbar.max()),
        }
        rows.append(rec)
        log(f"  N={N} B={B} ({rec['form']}, {100 * rec['entity_default_share']:.0f} % default, iters "
            f"{rec['iters_mean']:.2f}/{rec['iters_max']}): kernel {si(rec['kernel_scen_per_s'])} scen/s, naive "
            f"{si(rec['naive_scen_per_s'])} (x{rec['kernel_over_naive']:.2f}), NumPy {si(rec['numpy_scen_per_s'])} "
            f"(x{rec['kernel_over_numpy']:.2f}), useful/bare {rec['useful_over_bare']:.2f}; max |p - p*| / pbar_i "
            f"{rec['max_rel_err_vs_exact']:.1e} (naive {rec['naive_max_rel_err_vs_exact']:.1e}; {acc['checked']} scenarios)")
    return rows


def accuracy_vs_exact(L, ext, e, payments: dict, n_check: int) -> dict:
    """For the first ``n_check`` scenarios, the largest distance of any entity's payment to the
    exact greatest clearing vector (float64 fictitious default, :func:`exact_one`, on the same
    inputs as rounded to the run's dtype), as a share of that entity's own obligations, for each
    entry of ``payments`` (``[B, N]`` arrays)."""
    L64, ext64 = np.asarray(L, np.float64), np.asarray(ext, np.float64)
    pbar = L64.sum(1) + ext64
    Pi = L64 / np.where(pbar > 0, pbar, 1.0)[:, None]
    safe = np.where(pbar > 0, pbar, 1.0)
    m = min(n_check, e.shape[0])
    with blas_threads(1):
        # (with the kernel's solvency slack of 64 ulps of the run's dtype)
        slack = 64 * float(np.finfo(np.asarray(e).dtype).eps)
        exact = np.array([exact_one(Pi, pbar, np.asarray(e[b], np.float64), 0.0, slack)[0] for b in range(m)])
    out = {k: float((np.abs(np.asarray(p[:m], np.float64) - exact) / safe).max()) for k, p in payments.items()}
    out["checked"] = m
    return out


# --------------------------------------------------------------------------- JAX cases


def bare_matmul_rate(N, B, dtype, Pi, reps=3, k=8):
    """FLOP/s of k chained [B,N]x[N,N] products alone: the ceiling for this shape."""
    Pij = jnp.asarray(Pi, dtype)
    x0 = jnp.ones((B, N), dtype)

    @jax.jit
    def chain(x, P):
        return lax.fori_loop(0, k, lambda _, y: y @ P, x)

    _, _, med, _ = timed(lambda: chain(x0, Pij), reps)
    return k * 2 * B * N * N / med


def run_clearing(net_np, e_np, method, dtype, reps, max_iter=10_000):
    net = make_network(jnp.asarray(net_np["L"], dtype), jnp.asarray(net_np["ext"], dtype))
    e = jnp.asarray(e_np, dtype)
    B, N = e_np.shape
    sparse = False
    if method == "picard":
        # Called as a user calls it (eagerly: the kernel picks its form, dense or links, from the
        # concrete network); compile time = first call minus the median.
        from stressgpu.channels.clearing_batch import _form
        sparse = bool(_form(net, N, False)[0])
        r, first, med, ts = timed(lambda: solve_clearing(net, e, method=method, max_iter=max_iter), reps)
        compile_s = max(first - med, 0.0)
    else:
        # Compile explicitly (timed separately), then time the compiled executable.
        wrapped = jax.jit(lambda n, x: solve_clearing(n, x, method=method, max_iter=max_iter))
        t0 = now()
        compiled = wrapped.lower(net, e).compile()
        compile_s = now() - t0
        r, first, med, ts = timed(lambda: compiled(net, e), reps)
    it = np.asarray(r.iterations).astype(np.int64)
    if method == "picard":
        # one [N]x[N,N] product per scenario-step (dense form) or 2 FLOPs per link (link form)
        per_iter = 2.0 * (np.count_nonzero(net_np["L"]) if sparse else N * N)
    else:
        per_iter = 2.0 / 3.0 * N ** 3 + 2.0 * N * N          # LU of (at most) the N x N regime system + asset check
    mm_eq = it.mean() * per_iter / (2.0 * N * N)   # dense-product equivalents actually executed
    exec_flops = float(it.max()) * B * per_iter
    useful_flops = float(it.sum()) * per_iter
    return {
        "method": method, "N": N, "B": B, "first_call_s": first, "median_s": med, "times_s": ts,
        "form": ("links" if sparse else "dense") if method == "picard" else "regime LU",
        "compile_s": compile_s, "scen_per_s": B / med,
        "iters_mean": float(it.mean()), "iters_max": int(it.max()), "iters_min": int(it.min()),
        "converged_share": float(np.asarray(r.converged).mean()),
        "mm_eq_per_scen": float(mm_eq), "exec_flop_per_s": exec_flops / med, "useful_flop_per_s": useful_flops / med,
        "scen_with_default": float(np.asarray(r.defaulted).any(1).mean()),
        "defaulted_share": float(np.asarray(r.defaulted).mean()),
    }, np.asarray(r.payments), it


def picard_hlo_summary(net_np, B, dtype) -> dict:
    """What one Picard iteration executes in the compiled program: matmuls, other fusions and
    copies inside the batched while body (from jax.jit(...).lower(...).compile().as_text())."""
    from stressgpu.channels import clearing_batch as cl
    N = net_np["L"].shape[0]
    net = jax.tree_util.tree_map(lambda x: jnp.asarray(x, dtype), make_network(net_np["L"], net_np["ext"]))
    e = jnp.ones((B, N), dtype)
    try:
        text = cl._clear_rows_jit.lower(net, e, None, cl.ClearingParams(), None, None).compile().as_text()
    except Exception as exc:  # private API; the summary is optional
        return {"error": repr(exc)}
    comps, cur, name = {}, [], None
    for line in text.splitlines():
        m = re.match(r"^(?:ENTRY )?%?([\w.\-]+) .*\{\s*$", line)
        if m and not line.startswith(" "):
            name, cur = m.group(1), []
            comps[name] = cur
        elif name is not None:
            cur.append(line)
    shape = f"[{N},{B}]"        # the batched loop keeps scenarios as columns
    bodies = []
    for lines in comps.values():
        for ln in lines:
            if " while(" in ln and shape in ln:
                mb = re.search(r"body=%?([\w.\-]+)", ln)
                if mb:
                    bodies.append(mb.group(1))
    if not bodies:
        return {"error": "batched while body not found"}
    body = comps.get(bodies[0], [])
    dots, other, copies, reduces = 0, 0, 0, 0
    for ln in body:
        if " dot(" in ln:
            dots += 1
        elif " fusion(" in ln:
            mc = re.search(r"calls=%?([\w.\-]+)", ln)
            called = "\n".join(comps.get(mc.group(1), [])) if mc else ""
            if " dot(" in called or " convolution(" in called:
                dots += 1
            elif " reduce(" in called:
                reduces += 1
            elif shape in ln.split("=")[1].split(" fusion(")[0] or shape in ln.split(" = ")[1][:40]:
                other += 1
        elif " copy(" in ln and shape in ln:
            copies += 1
    return {"while_body": bodies[0], "matmuls_per_iteration": dots, "other_BxN_fusions_per_iteration": other,
            "BxN_copies_per_iteration": copies, "reductions_per_iteration": reduces, "custom_calls_in_module": sorted(set(re.findall(r'custom_call_target="([\w]+)"', text)))}


# --------------------------------------------------------------------------- main


def main(args) -> int:
    quick = args.quick
    dtype = jnp.float64 if args.dtype == "float64" else jnp.float32
    reps = args.reps or (3 if quick else 5)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    batches = [int(float(s)) for s in (args.batches or ("1000,10000" if quick else "1000,10000,100000")).split(",")
               if s.strip()]
    itemsize = jnp.dtype(dtype).itemsize
    # Work caps (so a run fits a small CPU): Picard B*N^2, fictitious default B * LU FLOPs.
    picard_cap = 4e8 if quick else 2.5e9
    fd_cap = 5e9 if quick else 5e10
    mem_cap = 4e9
    rng_master = np.random.default_rng(args.seed)
    t_start = now()

    base = Path(args.out)
    if base.suffix in (".json", ".md"):
        base = base.with_suffix("")
    path_out = (base.with_suffix(".json"), base.with_suffix(".md"))

    dev = jax.devices()
    machine = {
        "devices": [str(d) for d in dev], "device_kind": dev[0].device_kind, "platform": dev[0].platform,
        "backend": jax.default_backend(), "jax": jax.__version__, "numpy": np.__version__,
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(), "python": platform.python_version(), "host": platform.node(),
        "dtype": args.dtype, "mode": "quick" if quick else "full", "reps": reps,
        "date": _dt.datetime.now().isoformat(timespec="seconds"), "command": " ".join([sys.executable] + sys.argv),
    }
    log(f"# stressgpu benchmark ({machine['mode']}, {args.dtype}) on {machine['devices']}, "
        f"{machine['cpu_affinity']} usable CPUs")

    log("## 1. peaks (measured again at the end; the larger median counts as the peak)")
    machine["loadavg_start"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    peaks = measure_peaks(reps, quick, dtype)
    peak = peaks["matmul_float32"]["flop_per_s"]
    peak_dt = peaks.get(f"matmul_{args.dtype}", peaks["matmul_float32"])["flop_per_s"]

    # ---------------------------------------------------------------- 2a. against the baselines
    log("## 2a. clearing kernel against the naive jitted loop, NumPy and the bare product (lognormal family)")
    versus = bench_vs_baselines(quick, dtype, reps, rng_master, sizes)

    # ---------------------------------------------------------------- 2. clearing, random family
    log("## 2. clearing kernel, random sparse networks")
    clearing, inputs = [], {}
    for N in sizes:
        rng = np.random.default_rng(rng_master.integers(1 << 31))
        netn = random_network(N, rng)
        b_cap = min(picard_cap / (N * N), mem_cap / (N * itemsize * 24))
        per_scen_fd = 4 * 2.0 / 3.0 * (2 * N) ** 3
        fd_b_cap = min(fd_cap / per_scen_fd, mem_cap / ((2 * N) ** 2 * itemsize * 6))
        plans = {"picard": [], "fictitious_default": []}
        for method, cap in (("picard", b_cap), ("fictitious_default", fd_b_cap)):
            seen = set()
            for B in batches:
                if B <= cap:
                    plans[method].append((B, ""))
                    seen.add(B)
                    continue
                red = nice_floor(cap)
                if red < 1 and method == "fictitious_default" and per_scen_fd <= 5 * fd_cap:
                    red = 1
                why = f"B={B:,} over the work cap ({'quick' if quick else 'full'} mode)"
                if red >= 1 and red not in seen and red not in batches:
                    plans[method].append((red, f"B reduced from {B:,}: {why}"))
                    seen.add(red)
                else:
                    plans[method].append((None, f"skipped {why}" + ("" if red >= 1 else "; one scenario would take too long")))
        b_max = max([b for b, _ in plans["picard"] + plans["fictitious_default"] if b] or [1])
        e_all = random_scenarios(netn["e0"], b_max, rng)
        inputs[N] = (netn, e_all)
        hlo_done = False
        for method in ("picard", "fictitious_default"):
            for B, note in plans[method]:
                if B is None:
                    clearing.append({"family": "random", "method": method, "N": N, "B": None, "note": note})
                    log(f"  N={N} {method}: {note}")
                    continue
                rec, pay, its = run_clearing(netn, e_all[:B], method, dtype, reps)
                rec.update(family="random", note=note, density=netn["density"])
                if rec.get("form") == "links":
                    rec["note"] = (note + "; " if note else "") + "link form: FLOPs counted 2 per link and step"
                rec["exec_pct_peak"] = 100 * rec["exec_flop_per_s"] / peak_dt
                rec["useful_pct_peak"] = 100 * rec["useful_flop_per_s"] / peak_dt
                if method == "picard":
                    Pi = netn["L"] / (netn["L"].sum(1) + netn["ext"])[:, None]
                    rec["bare_matmul_flop_per_s"] = bare_matmul_rate(N, B, dtype, Pi)
                    rec["bare_matmul_pct_peak"] = 100 * rec["bare_matmul_flop_per_s"] / peak_dt
                    if not hlo_done:
                        rec["hlo"] = picard_hlo_summary(netn, B, dtype)
                        hlo_done = True
                clearing.append(rec)
                inputs[(N, method, B)] = (pay, its)
                log(f"  N={N} B={B} {method}: {si(rec['scen_per_s'])} scen/s, iters {rec['iters_mean']:.1f} "
                    f"(max {rec['iters_max']}), {si(rec['exec_flop_per_s'], 'FLOP/s')} "
                    f"({rec['exec_pct_peak']:.1f} % of peak), compile {rec['compile_s']:.2f} s {note}")

    # ---------------------------------------------------------------- 2b. near-critical family
    near = []
    nc_cases = [] if args.clearing_only else [(50, 0.01, 1000), (50, 0.002, 1000), (500, 0.01, 2 if quick else 4)]
    if nc_cases:
        log("## 2b. near-critical ring networks")
    for N, c, B in nc_cases:
        rng = np.random.default_rng(rng_master.integers(1 << 31))
        netn = ring_network(N, c)
        e = ring_scenarios(N, c, B, rng)
        rp, pp, _ = run_clearing(netn, e, "picard", dtype, reps, max_iter=100_000)
        rf, pf, _ = run_clearing(netn, e, "fictitious_default", dtype, reps, max_iter=100_000)
        fd_nn = rf["mm_eq_per_scen"]
        rec = {
            "family": "ring", "N": N, "c": c, "B": B, "picard": rp, "fictitious_default": rf,
            "mm_eq_picard": rp["mm_eq_per_scen"], "mm_eq_fd": rf["mm_eq_per_scen"],
            "ratio_mm_eq": rp["mm_eq_per_scen"] / rf["mm_eq_per_scen"],
            "mm_eq_fd_if_NxN": fd_nn, "ratio_mm_eq_if_NxN": rp["mm_eq_per_scen"] / fd_nn,
            "time_ratio_fd_over_picard": rf["median_s"] / rp["median_s"],
            "max_abs_diff_payments": float(np.abs(pp - pf).max()),
        }
        near.append(rec)
        log(f"  ring N={N} c={c} B={B}: Picard {rp['iters_mean']:.0f} it (max {rp['iters_max']}), "
            f"FD {rf['iters_mean']:.2f} rounds; mm-eq {rec['mm_eq_picard']:.0f} vs {rec['mm_eq_fd']:.0f} "
            f"(ratio {rec['ratio_mm_eq']:.2f}); scen/s {si(rp['scen_per_s'])} vs {si(rf['scen_per_s'])}")

    # ---------------------------------------------------------------- 2c. exact solver targets
    exact = []
    if not args.clearing_only:
        log("## 2c. exact solver: one large scenario, a batch against NumPy, near-critical rings")
        exact = bench_exact(quick, dtype, reps, rng_master)

    # ---------------------------------------------------------------- 3. NumPy baselines
    baselines = []
    if not args.clearing_only:
        log("## 3. NumPy baselines")
    tol = 1e-12 if args.dtype == "float64" else 1e-6
    np_dt = np.float64 if args.dtype == "float64" else np.float32
    for N in ([] if args.clearing_only else sizes):
        picard_rows = [r for r in clearing if r["N"] == N and r["method"] == "picard" and r.get("B")]
        fd_rows = [r for r in clearing if r["N"] == N and r["method"] == "fictitious_default" and r.get("B")]
        if not picard_rows:
            continue
        netn, e_all = inputs[N]
        best = max(picard_rows, key=lambda r: r["scen_per_s"])
        # NumPy batched Picard on the largest JAX batch that fits a few seconds of NumPy time.
        nb_cap = (1e8 if quick else 5e8) / (N * N)
        cand = [r for r in picard_rows if r["B"] <= max(nb_cap, min(r["B"] for r in picard_rows))]
        ref = max(cand, key=lambda r: r["B"])
        B = ref["B"]
        e = e_all[:B].astype(np_dt)
        L, ext = netn["L"].astype(np_dt), netn["ext"].astype(np_dt)
        # JAX and NumPy timed alternately, so that load from other users hits both alike.
        netj = make_network(jnp.asarray(L, dtype), jnp.asarray(ext, dtype))
        ej = jnp.asarray(e, dtype)
        jax.block_until_ready(solve_clearing(netj, ej))  # warm-up (compiles solve_clearing's own jit)
        ts, tj = [], []
        for _ in range(2 if quick else 3):
            t0 = now()
            jax.block_until_ready(solve_clearing(netj, ej))
            tj.append(now() - t0)
            t0 = now()
            p_np, it_np = numpy_picard(L, ext, e, tol, 10_000)
            ts.append(now() - t0)
        t_np, t_j = statistics.median(ts), statistics.median(tj)
        p_jax, it_jax = inputs[(N, "picard", B)]
        # Per-scenario exact solver on the first scenarios (a time budget).
        budget = (2.0 if quick else 6.0) if N <= 500 else (4.0 if quick else 10.0)
        with blas_threads(1) as bt:
            b_big = max(r["B"] for r in picard_rows)  # compare with JAX on the same scenarios
            p_ex, r_ex, t_ex = exact_batch(netn["L"], netn["ext"], e_all, budget, min(20_000, b_big))
        n_ex = p_ex.shape[0]
        # Re-time JAX Picard at its best B right after the exact loop (same load conditions).
        netb = make_network(jnp.asarray(netn["L"], dtype), jnp.asarray(netn["ext"], dtype))
        eb = jnp.asarray(e_all[:best["B"]], dtype)
        _, _, t_best, _ = timed(lambda: solve_clearing(netb, eb), 3)
        best_sps = best["B"] / t_best
        fd_same = [r for r in fd_rows if r["B"] >= 1]
        fd_best = max(fd_same, key=lambda r: r["scen_per_s"]) if fd_same else None
        d_fd = None
        if fd_same:
            fb = max(r["B"] for r in fd_same)
            m = min(fb, n_ex)
            d_fd = float(np.abs(inputs[(N, "fictitious_default", fb)][0][:m] - p_ex[:m]).max())
        rec = {
            "N": N, "B_numpy_batched": B, "jax_picard_scen_per_s_same_B": B / t_j,
            "numpy_batched_scen_per_s": B / t_np, "numpy_batched_median_s": t_np,
            "ratio_jax_over_numpy_batched": t_np / t_j,
            "max_abs_diff_numpy_batched_vs_jax": float(np.abs(p_np - p_jax).max()),
            "iteration_mismatch_share": float(np.mean(it_np != it_jax)),
            "exact_scenarios": n_ex, "exact_blas_threads": 1 if bt.applied else "default", "exact_scen_per_s": n_ex / t_ex, "exact_rounds_mean": float(r_ex.mean()),
            "jax_picard_best_scen_per_s": best_sps, "jax_picard_best_B": best["B"],
            "ratio_jax_picard_over_exact": best_sps / (n_ex / t_ex),
            "jax_fd_best_scen_per_s": fd_best["scen_per_s"] if fd_best else None,
            "ratio_jax_fd_over_exact": (fd_best["scen_per_s"] / (n_ex / t_ex)) if fd_best else None,
            "max_abs_diff_exact_vs_jax_picard": float(np.abs(inputs[(N, "picard", b_big)][0][:n_ex] - p_ex).max()),
            "max_abs_diff_exact_vs_jax_fd": d_fd,
            "max_pbar": float((netn["L"].sum(1) + netn["ext"]).max()),
        }
        baselines.append(rec)
        log(f"  N={N}: NumPy batched (B={B}) {si(rec['numpy_batched_scen_per_s'])} scen/s -> JAX/NumPy "
            f"{rec['ratio_jax_over_numpy_batched']:.2f}x; exact per-scenario {si(rec['exact_scen_per_s'])} scen/s "
            f"({n_ex} scen) -> JAX Picard/exact {rec['ratio_jax_picard_over_exact']:.1f}x; "
            f"max|dp| {rec['max_abs_diff_numpy_batched_vs_jax']:.2e} / {rec['max_abs_diff_exact_vs_jax_picard']:.2e}")

    # ---------------------------------------------------------------- 4. full model
    model = []
    model_info = {}
    if not (args.skip_model or args.clearing_only):
        log("## 4. full quarterly model")
        model, model_info = bench_model(quick, dtype, reps)

    log("## 5. peaks again")
    peaks_end = measure_peaks(reps, quick, dtype)
    machine["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    for k, v in peaks_end.items():
        peaks[k]["end"] = {kk: vv for kk, vv in v.items() if kk != "times_s"}
        rate = "flop_per_s" if k.startswith("matmul") else "bytes_per_s"
        peaks[k]["start_" + rate] = peaks[k][rate]
        peaks[k][rate] = max(peaks[k][rate], v[rate])
        peaks[k]["median_s"] = min(peaks[k]["median_s"], v["median_s"])
    new_peak = peaks.get(f"matmul_{args.dtype}", peaks["matmul_float32"])["flop_per_s"]
    for r in clearing:  # shares of peak against the final (larger) peak
        for key in ("exec", "useful", "bare_matmul"):
            fk = f"{key}_flop_per_s"
            if r.get(fk) is not None:
                r[f"{key}_pct_peak"] = 100 * r[fk] / new_peak
    for n in near:
        for mth in ("picard", "fictitious_default"):
            n[mth]["exec_pct_peak"] = 100 * n[mth]["exec_flop_per_s"] / new_peak
    peak_dt = new_peak
    results = {"machine": machine, "peaks": peaks, "clearing": clearing, "near_critical": near,
               "baselines": baselines, "model": model, "model_info": model_info, "exact": exact,
               "versus": versus, "uptime": _uptime(),
               "targets": targets(clearing, near, baselines, model, peak_dt, exact, versus),
               "total_s": now() - t_start}
    md = markdown(results)
    path_out[0].parent.mkdir(parents=True, exist_ok=True)
    path_out[0].write_text(json.dumps(jsonable(results), indent=1))
    path_out[1].write_text(md)
    print()
    print(md)
    log(f"wrote {path_out[0]} and {path_out[1]} ({results['total_s']:.0f} s)")
    return 0


def _uptime() -> str:
    try:
        import subprocess
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception:  # noqa: BLE001 - informative only
        return ""


def _la(x) -> str:
    return "–" if not x else "/".join(f"{v:.1f}" for v in x)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def bench_model(quick, dtype, reps):
    from stressgpu.data import load_tables
    from stressgpu import ModelParams, simulate
    from stressgpu.network import build_network
    from stressgpu.shocks import SHOCKS, draw_factors
    real = REPO / "data" / "entities.csv"
    directory = real.parent if real.exists() else REPO / "tests" / "fixtures" / "mini"
    tables = load_tables(directory)
    net, labels = build_network(tables, dtype=dtype)
    info = {"data_dir": str(directory), "real_data": real.exists(), "N": net.n, "T": net.quarters,
            "shock": "deepseek (default config, Monte Carlo draws)"}
    log(f"  data: {directory} (N={net.n}, T={net.quarters})")
    rows = []
    params = ModelParams()
    for B in ((1024, 8192) if quick else (1024, 8192, 65536)):
        f, _ = draw_factors({"deepseek": SHOCKS["deepseek"][0]()}, labels, jax.random.PRNGKey(B), B, dtype=dtype)
        t0 = now()
        compiled = simulate.lower(net, f, params).compile()
        compile_s = now() - t0
        o, first, med, ts = timed(lambda: compiled(net, f, params), reps)
        rec = {"B": B, "first_call_s": first, "median_s": med, "times_s": ts, "compile_s": compile_s,
               "scen_per_s": B / med, "default_share": float(np.asarray(o.defaulted).mean()),
               "scen_with_default": float(np.asarray(o.defaulted).any(1).mean()),
               "clearing_converged_share": float(np.asarray(o.clearing_converged).mean())}
        rows.append(rec)
        log(f"  B={B}: {si(rec['scen_per_s'])} scen/s, compile {rec['compile_s']:.2f} s")
    return rows, info


def bench_exact(quick, dtype, reps, rng_master) -> list[dict]:
    """The exact solver's own targets, each measured in this run against its baseline:

    1. one N = 1000 scenario after compilation (target < 0.5 s), with NumPy's exact solver on it;
    2. a batch of 100 scenarios at N = 500 against the NumPy exact solver looping over them
       (timed alternately; target: at least as fast);
    3. near-critical rings at N = 50, B = 10^4: matmul-equivalents and wall time against Picard
       (target: >= 5x fewer matmul-equivalents and faster).

    Called eagerly with concrete arrays, so ``size="auto"`` sizes the regime system from a
    few Picard steps (the way a user calls it). Matmul-equivalents of an exact round: the
    regime system's LU, 2/3 k^3 FLOP for k unknowns (counted as the size solved), plus one
    [N] x [N, N] product, over 2 N^2; the hybrid adds its 8 Picard steps.
    """
    rows = []

    def timed_pair(fn_jax, fn_np, n):
        tj, tn = [], []
        jax.block_until_ready(fn_jax())
        for _ in range(n):
            t0 = now()
            out = fn_jax()
            jax.block_until_ready(out)
            tj.append(now() - t0)
            t0 = now()
            ref = fn_np()
            tn.append(now() - t0)
        return out, ref, statistics.median(tj), statistics.median(tn)

    # 1 and 2: the random family.
    for N, B in ((1000, 1), (500, 100)):
        rng = np.random.default_rng(rng_master.integers(1 << 31))
        netn = random_network(N, rng)
        e = random_scenarios(netn["e0"], B, rng)
        if B == 1:  # the hardest of 20 draws: the largest total loss (most defaults, most rounds)
            draws = random_scenarios(netn["e0"], 20, rng)
            e = draws[[int(np.argmin(draws.sum(1)))]]
        net = make_network(jnp.asarray(netn["L"], dtype), jnp.asarray(netn["ext"], dtype))
        ej = jnp.asarray(e if B > 1 else e[0], dtype)
        for method in ("fictitious_default", "hybrid"):
            r, (p_np, r_np, _), t_j, t_n = timed_pair(
                lambda: solve_clearing(net, ej, method=method),
                lambda: exact_batch(netn["L"], netn["ext"], e, 1e9, B), max(2, reps - 1))
            pay = np.asarray(r.payments).reshape(B, N)
            rows.append({"case": f"N={N}, B={B}", "method": method, "N": N, "B": B, "jax_s": t_j, "numpy_exact_s": t_n,
                         "speedup_vs_numpy": t_n / t_j, "rounds_max": int(np.max(r.iterations)),
                         "numpy_rounds_max": int(r_np.max()), "defaulted_share": float(np.asarray(r.defaulted).mean()),
                         "status_ok_share": float(np.mean(np.asarray(r.status) == 0)),
                         "max_abs_diff_vs_numpy": float(np.abs(pay - p_np).max())})
            log(f"  exact N={N} B={B} {method}: {t_j:.3f} s (NumPy exact {t_n:.3f} s, x{t_n / t_j:.2f}); "
                f"rounds {rows[-1]['rounds_max']}, max|dp| {rows[-1]['max_abs_diff_vs_numpy']:.1e}")
    # 3: near-critical rings, N = 50, B = 10^4.
    N, B = 50, (10_000)
    for c in (0.01, 0.002):
        rng = np.random.default_rng(rng_master.integers(1 << 31))
        netn = ring_network(N, c)
        e = ring_scenarios(N, c, B, rng)
        net = make_network(jnp.asarray(netn["L"], dtype), jnp.asarray(netn["ext"], dtype))
        ej = jnp.asarray(e, dtype)
        res = {}
        for method in ("picard", "fictitious_default", "hybrid"):
            fn = lambda: solve_clearing(net, ej, method=method, max_iter=100_000 if method == "picard" else None)  # noqa: E731
            r, _, med, _ = timed(fn, reps)
            it = np.asarray(r.iterations).astype(float)
            if method == "picard":
                mm = it.mean()
            else:
                k = N  # unknowns solved per round (upper bound: the auto size is at most N)
                mm = it.mean() * (2.0 / 3.0 * k ** 3 + 2.0 * N * N) / (2.0 * N * N) + (8 if method == "hybrid" else 0)
            res[method] = {"s": med, "mm_eq": mm, "iters_mean": float(it.mean()), "iters_max": int(it.max()),
                           "payments": np.asarray(r.payments), "ok": float(np.mean(np.asarray(r.status) == 0))}
        for method in ("fictitious_default", "hybrid"):
            rows.append({"case": f"ring N={N}, c={c}, B={B:,}", "method": method, "N": N, "B": B,
                         "jax_s": res[method]["s"], "picard_s": res["picard"]["s"],
                         "time_ratio_picard_over_exact": res["picard"]["s"] / res[method]["s"],
                         "mm_eq_exact": res[method]["mm_eq"], "mm_eq_picard": res["picard"]["mm_eq"],
                         "mm_eq_ratio": res["picard"]["mm_eq"] / res[method]["mm_eq"],
                         "rounds_max": res[method]["iters_max"], "picard_iters_mean": res["picard"]["iters_mean"],
                         "status_ok_share": res[method]["ok"],
                         "max_abs_diff_vs_picard": float(np.abs(res[method]["payments"] - res["picard"]["payments"]).max())})
            log(f"  ring c={c} {method}: {res[method]['s']:.3f} s vs Picard {res['picard']['s']:.3f} s; mm-eq "
                f"{res[method]['mm_eq']:.0f} vs {res['picard']['mm_eq']:.0f} (x{rows[-1]['mm_eq_ratio']:.1f})")
    return rows


def targets(clearing, near, baselines, model, peak, exact=(), versus=()):
    out = []
    v50 = [v for v in versus if v["N"] == 50]
    if v50:
        v = v50[0]
        out.append({"target": "issue 14: kernel >= 2x the naive jitted loop at N=50 (lognormal family)",
                    "value": v["kernel_over_naive"], "unit": "x naive", "pass": v["kernel_over_naive"] >= 2})
        out.append({"target": f"issue 14: useful-FLOP rate >= 80 % of the bare same-shape product, N=50, B={v['B']:,}",
                    "value": 100 * v["useful_over_bare"], "unit": "%", "pass": v["useful_over_bare"] >= 0.8})
    if versus:
        worst = min(versus, key=lambda v: v["kernel_over_naive"])
        out.append({"target": "issue 14: kernel never slower than the naive loop (every N)",
                    "value": worst["kernel_over_naive"], "unit": f"x naive (worst: N={worst['N']})",
                    "pass": worst["kernel_over_naive"] >= 1})
    v2k = [v for v in versus if v["N"] == 2000]
    if v2k:
        out.append({"target": "issue 14: N=2000 >= 2x batched NumPy (lognormal family)", "value": v2k[0]["kernel_over_numpy"],
                    "unit": "x NumPy", "pass": v2k[0]["kernel_over_numpy"] >= 2})
    for r in exact:
        if r["B"] == 1:
            out.append({"target": f"exact ({r['method']}): one N={r['N']} scenario < 0.5 s after compilation",
                        "value": r["jax_s"], "unit": "s", "pass": r["jax_s"] < 0.5})
        elif r["case"].startswith("N="):
            out.append({"target": f"exact ({r['method']}): B={r['B']} at N={r['N']} at least as fast as NumPy exact looping",
                        "value": r["speedup_vs_numpy"], "unit": "x NumPy", "pass": r["speedup_vs_numpy"] >= 1})
        else:
            ok = r["mm_eq_ratio"] >= 5 and r["time_ratio_picard_over_exact"] > 1
            out.append({"target": f"exact ({r['method']}), {r['case']}: >= 5x fewer matmul-eq than Picard and faster",
                        "value": r["mm_eq_ratio"], "unit": f"x fewer mm-eq, x{r['time_ratio_picard_over_exact']:.2f} wall",
                        "pass": ok})
    pic = [r for r in clearing if r["method"] == "picard" and r.get("B")]
    r50 = [r for r in pic if r["N"] == 50 and r["B"] >= 10_000]
    v = max((r["exec_pct_peak"] for r in r50), default=None)
    out.append({"target": "clearing >= 70 % of float32 matmul peak at N=50, B>=1e4", "value": v,
                "unit": "% of peak", "pass": None if v is None else v >= 70})
    r2k = [r for r in pic if r["N"] == 2000]
    v = max((r["exec_pct_peak"] for r in r2k), default=None)
    out.append({"target": "clearing >= 85 % of peak at N=2000", "value": v, "unit": "% of peak",
                "pass": None if v is None else v >= 85, "note": "" if v is None else
                f"largest B run: {max(r['B'] for r in r2k):,}"})
    v = max((n["ratio_mm_eq"] for n in near), default=None)
    out.append({"target": "near-critical: exact clearing in >= 5x fewer matmul-equivalents than Picard",
                "value": v, "unit": "x (best case)", "pass": None if v is None else v >= 5,
                "note": "; ".join(f"N={n['N']} c={n['c']}: {n['ratio_mm_eq']:.2f}x" for n in near)})
    b50 = [b for b in baselines if b["N"] == 50]
    v = b50[0]["ratio_jax_picard_over_exact"] if b50 else None
    out.append({"target": "N=50: >= 500x faster than per-scenario exact NumPy", "value": v, "unit": "x",
                "pass": None if v is None else v >= 500})
    v = max((m["scen_per_s"] for m in model), default=None)
    out.append({"target": "full model >= 1e4 scenarios/s on this CPU", "value": v, "unit": "scen/s",
                "pass": None if v is None else v >= 1e4})
    return out


def markdown(R) -> str:
    m, pk = R["machine"], R["peaks"]
    L = [f"# stressgpu benchmark — {m['mode']} run, {m['dtype']}", ""]
    L.append(f"- machine: `{', '.join(m['devices'])}` ({m['device_kind']}, backend {m['backend']}), "
             f"CPU `{m['cpu_model']}`, {m['cpu_count']} CPUs ({m['cpu_affinity']} usable)")
    L.append(f"- jax {m['jax']}, numpy {m['numpy']}, python {m['python']}; {m['date']}; reps per case {m['reps']} "
             f"(median after a warm-up call; compile time = explicit lower().compile(), reported apart)")
    L.append(f"- command: `{m['command']}`")
    L.append("")
    L.append("## Device peaks (measured in this run)")
    L.append("")
    L.append("| kernel | size | median s | rate |")
    L.append("|---|---|---|---|")
    for k, v in pk.items():
        if k.startswith("matmul"):
            se = f" (start {si(v['start_flop_per_s'], 'FLOP/s')}, end {si(v['end']['flop_per_s'], 'FLOP/s')})" \
                if "end" in v else ""
            L.append(f"| {k.replace('_', ' ')} (jit) | {v['n']}x{v['n']} @ {v['n']}x{v['n']} | {v['median_s']:.4f} | "
                     f"**{si(v['flop_per_s'], 'FLOP/s')}**{se} |")
    c = pk["copy"]
    se = f" (start {si(c['start_bytes_per_s'], 'B/s')}, end {si(c['end']['bytes_per_s'], 'B/s')})" if "end" in c else ""
    L.append(f"| stream copy y = x + 1 (jit) | {si(c['bytes'] / 2, 'B')} in + out | {c['median_s']:.4f} | "
             f"**{si(c['bytes_per_s'], 'B/s')}**{se} |")
    L.append("")
    L.append(f"Peak = the larger of the medians measured at the start and at the end of the run (the CPU is "
             f"shared: load average {_la(m.get('loadavg_start'))} at the start, {_la(m.get('loadavg_end'))} at the end).")
    L.append("")
    vs = R.get("versus") or []
    if vs:
        L.append("## Clearing kernel against its baselines (lognormal family, not the one it was tuned on)")
        L.append("")
        L.append(f"Machine load during the run: `{R.get('uptime', '')}` (2 shared cores: other jobs ran "
                 "alongside, so compare the columns of one row, timed alternately in this process, median of "
                 f"{len(vs[0]['times_s']['kernel'])} rounds).")
        L.append("")
        L.append("Family: lognormal sizes (σ 1.5), Erdős–Rényi links (mean degree 8), the shock scale set by "
                 "bisection for ~15 % of entities in default; float32, tolerance 1e-6 (floored at 16 ulps): per "
                 "entity, × its own pbar, for the kernel; × max(1, max pbar) for the naive loop and NumPy. "
                 "*Kernel* = `solve_clearing(net, e)` (method picard, eager "
                 "call as a user makes it); *naive* = `jax.jit` of one `lax.while_loop` over the batch, "
                 "`p = min(pbar, max(0, e + p @ Π))` until the batch's largest change is below that threshold; "
                 "*NumPy* = the same Picard in NumPy, converged scenarios leaving the active set; *bare* = 8 chained "
                 "`[B,N] × [N,N]` products alone. *useful/bare* = (Σ each scenario's own Picard steps × 2N²) / "
                 "kernel time, over the bare product's FLOP rate (dense-equivalent FLOPs: in the link form a step "
                 "executes 2E, not 2N²).")
        L.append("")
        L.append("Accuracy: the kernel stops on the per-entity rule (docs/model.md §5.2): status ok means every "
                 "entity's payment within tol_eff (16 ulps in float32) of the exact fixed point, relative to its own "
                 "obligations, up to round-off; the speeds above are at that accuracy. *max |p − p\\*|/pbar_i* = the "
                 "largest such distance measured against float64 fictitious default on the first scenarios (kernel; "
                 "the naive loop, which stops on the batch's largest change below tol × max(1, max pbar)).")
        L.append("")
        L.append("| N | B | form | links | default share | iters mean (max; naive) | kernel scen/s | naive scen/s | "
                 "NumPy scen/s | kernel/naive | kernel/NumPy | bare mm FLOP/s | useful/bare | max abs Δp naive, NumPy | "
                 "max \\|p − p\\*\\|/pbar_i kernel (naive; n) |")
        L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for v in vs:
            L.append(f"| {v['N']} | {v['B']:,} | {v['form']} | {v['links']:,} | {100 * v['entity_default_share']:.1f} % | "
                     f"{v['iters_mean']:.2f} ({v['iters_max']}; {v['naive_iters']}) | **{si(v['kernel_scen_per_s'])}** | "
                     f"{si(v['naive_scen_per_s'])} | {si(v['numpy_scen_per_s'])} | **{v['kernel_over_naive']:.2f}x** | "
                     f"**{v['kernel_over_numpy']:.2f}x** | {si(v['bare_matmul_flop_per_s'])} | "
                     f"**{100 * v['useful_over_bare']:.0f} %** | {v['max_abs_diff_naive']:.1e}, {v['max_abs_diff_numpy']:.1e} | "
                     f"**{v['max_rel_err_vs_exact']:.1e}** ({v['naive_max_rel_err_vs_exact']:.1e}; {v['exact_checked']}) |")
        L.append("")
    L.append("## Clearing kernel, random sparse networks (density min(1, 10/N))")
    L.append("")
    L.append("FLOP/s: executed FLOPs (max iterations in the batch x B x per-iteration FLOPs; Picard one "
             "[B,N]x[N,N] product per iteration, fictitious default 2/3 (2N)^3 + 2N^2 per scenario-round). "
             "`bare mm` = the same [B,N]x[N,N] product chained alone (the ceiling for this shape). Picard runs "
             "at the per-entity accuracy of docs/model.md §5.2 (ok: every payment within tol_eff of the fixed "
             "point relative to the entity's own obligations, up to round-off); its iterations count the steps "
             "that accuracy takes.")
    L.append("")
    L.append("| N | B | method | compile s | run s | scen/s | iters mean (max) | mm-eq/scen | FLOP/s | % peak | "
             "useful % peak | bare mm % peak | scen. w/ default | note |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in R["clearing"]:
        if not r.get("B"):
            L.append(f"| {r['N']} | – | {r['method']} | – | – | – | – | – | – | – | – | – | – | {r['note']} |")
            continue
        L.append(f"| {r['N']} | {r['B']:,} | {r['method']} | {r['compile_s']:.2f} | {r['median_s']:.4f} | "
                 f"{si(r['scen_per_s'])} | {r['iters_mean']:.2f} ({r['iters_max']}) | {fnum(r['mm_eq_per_scen'])} | "
                 f"{si(r['exec_flop_per_s'])} | {r['exec_pct_peak']:.1f} | {r['useful_pct_peak']:.1f} | "
                 f"{fnum(r.get('bare_matmul_pct_peak'))} | {100 * r['scen_with_default']:.0f} % | {r['note']} |")
    hl = [r for r in R["clearing"] if r.get("hlo")]
    if hl:
        h = hl[0]["hlo"]
        L.append("")
        if "error" in h:
            L.append(f"Compiled HLO summary unavailable: {h['error']}")
        else:
            L.append(f"Compiled batched Picard loop, first stage (N={hl[0]['N']}, B={hl[0]['B']:,}, scenarios as columns): per turn of the loop (two Picard steps) "
                     f"**{h['matmuls_per_iteration']} matmuls**, {h['other_BxN_fusions_per_iteration']} other "
                     f"[B,N] elementwise fusions, {h['reductions_per_iteration']} row reductions, "
                     f"{h['BxN_copies_per_iteration']} [B,N] copies of the loop state; custom calls in the module: "
                     f"{', '.join(h['custom_calls_in_module']) or 'none'}.")
    L.append("")
    L.append("## Near-critical ring networks (i owes 1 to i+1 and c outside; e just below the threshold)")
    L.append("")
    L.append("| N | c | B | Picard iters mean (max) | FD rounds mean (max) | mm-eq Picard | mm-eq FD (2N LU) | "
             "Picard/FD | mm-eq FD if N×N LU | Picard/FD (N×N) | Picard scen/s | FD scen/s | FD time / Picard time | "
             "max abs Δp |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in R["near_critical"]:
        p, f = n["picard"], n["fictitious_default"]
        L.append(f"| {n['N']} | {n['c']} | {n['B']:,} | {p['iters_mean']:.0f} ({p['iters_max']}) | "
                 f"{f['iters_mean']:.2f} ({f['iters_max']}) | {fnum(n['mm_eq_picard'])} | {fnum(n['mm_eq_fd'])} | "
                 f"**{n['ratio_mm_eq']:.2f}x** | {fnum(n['mm_eq_fd_if_NxN'])} | {n['ratio_mm_eq_if_NxN']:.1f}x | "
                 f"{si(p['scen_per_s'])} | {si(f['scen_per_s'])} | {n['time_ratio_fd_over_picard']:.2f} | "
                 f"{n['max_abs_diff_payments']:.1e} |")
    L.append("")
    L.append("## Exact solver (regime system on the unknowns; `size=\"auto\"`), each against its baseline")
    L.append("")
    L.append("| case | method | JAX s | baseline | baseline s | ratio | rounds (max) | mm-eq exact vs Picard | OK share | max abs Δp |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in R.get("exact", []):
        if "numpy_exact_s" in r:
            L.append(f"| {r['case']} | {r['method']} | {r['jax_s']:.3f} | NumPy exact loop | {r['numpy_exact_s']:.3f} | "
                     f"**{r['speedup_vs_numpy']:.2f}x** | {r['rounds_max']} (NumPy {r['numpy_rounds_max']}) | – | "
                     f"{100 * r['status_ok_share']:.0f} % | {r['max_abs_diff_vs_numpy']:.1e} |")
        else:
            L.append(f"| {r['case']} | {r['method']} | {r['jax_s']:.3f} | JAX Picard | {r['picard_s']:.3f} | "
                     f"**{r['time_ratio_picard_over_exact']:.2f}x** | {r['rounds_max']} (Picard {r['picard_iters_mean']:.0f} mean) | "
                     f"{r['mm_eq_exact']:.0f} vs {r['mm_eq_picard']:.0f} (**{r['mm_eq_ratio']:.1f}x**) | "
                     f"{100 * r['status_ok_share']:.0f} % | {r['max_abs_diff_vs_picard']:.1e} |")
    L.append("")
    L.append("## NumPy baselines (same inputs)")
    L.append("")
    L.append("NumPy batched = the same Picard algorithm with NumPy matmuls (converged scenarios leave the "
             "active set); exact = Eisenberg–Noe fictitious default one scenario at a time "
             "(numpy.linalg.solve on the defaulters' N_D×N_D system, float64, single-threaded BLAS), on the "
             "first scenarios until a time budget is spent; JAX and NumPy batched are timed alternately. Ratios are JAX scen/s over baseline scen/s.")
    L.append("")
    L.append("| N | B (batched) | JAX Picard scen/s | NumPy batched scen/s | JAX/NumPy batched | exact scen/s (n) | "
             "JAX Picard (best B)/exact | JAX FD/exact | max abs Δp NumPy vs JAX | exact vs JAX Picard | "
             "exact vs JAX FD | max pbar |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for b in R["baselines"]:
        L.append(f"| {b['N']} | {b['B_numpy_batched']:,} | {si(b['jax_picard_scen_per_s_same_B'])} | "
                 f"{si(b['numpy_batched_scen_per_s'])} | **{b['ratio_jax_over_numpy_batched']:.2f}x** | "
                 f"{si(b['exact_scen_per_s'])} ({b['exact_scenarios']}) | "
                 f"**{b['ratio_jax_picard_over_exact']:.1f}x** (B={b['jax_picard_best_B']:,}) | "
                 f"{fnum(b['ratio_jax_fd_over_exact'])}{'x' if b['ratio_jax_fd_over_exact'] else ''} | {b['max_abs_diff_numpy_batched_vs_jax']:.1e} | "
                 f"{b['max_abs_diff_exact_vs_jax_picard']:.1e} | {fnum(b['max_abs_diff_exact_vs_jax_fd'])} | "
                 f"{b['max_pbar']:.3g} |")
    if R["model"]:
        mi = R["model_info"]
        L.append("")
        L.append(f"## Full quarterly model (`simulate`, {mi['shock']})")
        L.append("")
        L.append(f"Data: `{mi['data_dir']}` ({'real network' if mi['real_data'] else 'test fixture: no data/entities.csv'}), "
                 f"N={mi['N']}, T={mi['T']} quarters.")
        L.append("")
        L.append("| B | compile s | run s | scen/s | entity default share | scen. w/ default | clearing converged |")
        L.append("|---|---|---|---|---|---|---|")
        for r in R["model"]:
            L.append(f"| {r['B']:,} | {r['compile_s']:.2f} | {r['median_s']:.4f} | **{si(r['scen_per_s'])}** | "
                     f"{100 * r['default_share']:.1f} % | {100 * r['scen_with_default']:.0f} % | "
                     f"{100 * r['clearing_converged_share']:.0f} % |")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | met |")
    L.append("|---|---|---|")
    for t in R["targets"]:
        val = "not run" if t["value"] is None else f"{fnum(t['value'])} {t['unit']}"
        if t.get("note"):
            val += f" ({t['note']})"
        met = "–" if t["pass"] is None else ("yes" if t["pass"] else "**no**")
        L.append(f"| {t['target']} | {val} | {met} |")
    L.append("")
    L.append(f"Total wall time {R['total_s']:.0f} s.")
    L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main(ARGS))

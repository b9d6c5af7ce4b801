"""What status ``ok`` means for clearing (issue 24, item 6; docs/model.md §5.2, §5.7): every
entity's payment is within the tolerance of the exact greatest clearing vector, relative to its
OWN obligations,

    |p_i − p*_i| ≤ tol_eff · pbar_i + 16 ulps of the entity's gross assets |e_i| + (Πᵀp* + C·V*)_i

(``tol_eff``: the default tolerance floored at 16 ulps, ``stressgpu.solvers.effective_tol``; the
second term is round-off, ``ClearingResult``'s docstring), for every method, in float32 and in
float64, whenever the status is ok.

Networks of the bench's independent family (scripts/bench.py, section 2a): lognormal entity sizes
(σ 1.5), Erdős–Rényi links with mean degree 8 and lognormal weights, external assets shocked by a
common scale times a lognormal factor per entity (12–40 % of entities default), Rogers–Veraart
default costs (α = 0.6, β = 0.9, the quarterly model's) and Eisenberg–Noe (α = β = 1); a batch of
scenarios through ``solve_clearing`` (the batched Picard engine, the exact solvers vmapped).

The exact fixed point is computed here, independently, in float64 NumPy from the same inputs (the
arrays rounded to the dtype under test, and its 64-ulp solvency slack): Picard from the top to
machine precision, then the linear system of the regimes it reached, solved and accepted only
when the solution reproduces those regimes (it is then the greatest clearing vector: any fixed
point lies below the iterate, hence has at least its defaults, and the regimes' system has one
solution). Before the per-entity stopping rule, batched Picard returned ``ok`` with payments up to
5e-4 (float32; 0.18 with cross-holdings, where the early stop missed a default still to come) and
2e-10 (float64) of an entity's obligations away from it; every Picard case here failed.

N = 50 with default costs runs in the fast suite; Eisenberg–Noe, N = 500 and cross-holdings are
marked slow.
"""
import functools
import importlib.util
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu._types import Status
from stressgpu.channels.clearing import ClearingParams, make_network
from stressgpu.channels.clearing_batch import solve_clearing
from stressgpu.solvers import ULPS_FLOOR, effective_tol

METHODS = ("picard", "fictitious_default", "hybrid")
RV = (0.6, 0.9)   # the quarterly model's default costs
EN = (1.0, 1.0)
SHOCK = 0.2       # common shock scale: 12–40 % of entities default


# --------------------------------------------------------------------------- the family


def _load_bench():
    """scripts/bench.py as a module: the family is its ``lognormal_network`` (one definition)."""
    spec = importlib.util.spec_from_file_location("stressgpu_bench", Path(__file__).parents[1] / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lognormal_network(n, rng, degree=8.0):
    """scripts/bench.py's ``lognormal_network``: ``(L, ext, e0)``."""
    net = _load_bench().lognormal_network(n, rng, degree)
    return net["L"], net["ext"], net["e0"]


def _cross_holdings(rng, n):
    """Sparse stakes (about two per entity), column sums at most 0.6."""
    mask = rng.random((n, n)) < 2.0 / n
    np.fill_diagonal(mask, False)
    C = np.where(mask, rng.uniform(0.05, 0.5, (n, n)), 0.0)
    colsum = C.sum(0)
    return C * np.where(colsum > 0.6, 0.6 / np.where(colsum > 0, colsum, 1.0), 1.0)[None, :]


# --------------------------------------------------------------------------- the exact fixed point


def _exact(L, ext, C, e, alpha, beta, slack):
    """Greatest clearing vector ``(p*, V*)`` of every row of ``e``, float64, and the gross assets
    at it. ``slack``: assets within this share of pbar count as solvent (the solver's 64 ulps of
    the dtype under test)."""
    L, ext, C, e = (np.asarray(x, np.float64) for x in (L, ext, C, e))
    n = L.shape[0]
    pbar = L.sum(1) + ext
    Pi = L / np.where(pbar > 0, pbar, 1.0)[:, None]
    thr = pbar * (1 - slack)

    def regimes(p, v, ei):
        a = ei + p @ Pi + C @ v
        d = a < thr
        rec = alpha * ei + beta * (a - ei)
        zero = d & (rec < 0)
        return a, d, zero, d & ~zero & (rec < pbar)

    def phi(p, v, ei):
        a, d, _, _ = regimes(p, v, ei)
        return np.where(d, np.clip(alpha * ei + beta * (a - ei), 0.0, pbar), pbar), np.where(d, 0.0, a - pbar)

    # Picard from the top for the whole batch, to machine precision (an upper bound on p*)
    P = np.broadcast_to(pbar, e.shape).copy()
    V = np.linalg.solve(np.eye(n) - C, np.maximum(e + pbar @ Pi - pbar, 0.0).T).T
    scale = np.maximum(pbar, 1e-300)
    for _ in range(1000):
        A = e + P @ Pi + V @ C.T
        D = A < thr
        Pn = np.where(D, np.clip(alpha * e + beta * (A - e), 0.0, pbar), pbar)
        Vn = np.where(D, 0.0, A - pbar)
        moved = max(np.max(np.abs(Pn - P) / scale), np.max(np.abs(Vn - V) / (scale + np.abs(A))))
        P, V = Pn, Vn
        if moved <= 1e-15:
            break
    out_p, out_v, gross = np.empty_like(e), np.empty_like(e), np.empty_like(e)
    for b, ei in enumerate(e):
        p, v = P[b], V[b]
        for attempt in range(100):
            if attempt:                     # more Picard steps before trying the regimes again
                for _ in range(200):
                    p, v = phi(p, v, ei)
            _, d, zero, lin = regimes(p, v, ei)
            # The regimes' linear system on (p, V): a linear defaulter pays α e + β (Πᵀp + C V),
            # a solvent entity's equity is e + Πᵀp + C V − pbar; the rest are constants.
            A = np.eye(2 * n)
            rhs = np.concatenate([np.where(zero, 0.0, pbar), np.zeros(n)])   # paid in full or nothing; V = 0
            li, si = np.flatnonzero(lin), np.flatnonzero(~d)
            A[li, :n] -= beta * Pi[:, li].T
            A[li, n:] -= beta * C[li, :]
            rhs[li] = alpha * ei[li]
            A[n + si, :n] -= Pi[:, si].T
            A[n + si, n:] -= C[si, :]
            rhs[n + si] = ei[si] - pbar[si]
            x = np.linalg.solve(A, rhs)
            xp, xv = x[:n], x[n:]
            a2, d2, zero2, lin2 = regimes(xp, xv, ei)
            if np.array_equal(d2, d) and np.array_equal(zero2, zero) and np.array_equal(lin2, lin):
                break
        else:
            raise AssertionError(f"reference: scenario {b} did not settle on its regimes")
        out_p[b], out_v[b] = xp, xv
        gross[b] = np.abs(ei) + xp @ Pi + C @ xv
    return out_p, out_v, gross, pbar


@functools.lru_cache(maxsize=None)
def _case(n, batch, dtype, ab, stakes, seed=0):
    """A lognormal network, a batch of shocked scenarios (rounded to ``dtype``), and the exact
    fixed point of each in float64."""
    rng = np.random.default_rng(seed + n)
    L, ext, e0 = _lognormal_network(n, rng)
    z = rng.lognormal(-0.5, 1.0, (batch, n))
    u = rng.uniform(0.0, 1.0, (batch, 1))
    E = e0[None, :] * (1.0 - np.clip(SHOCK * u * z, 0.0, 1.0))
    C = _cross_holdings(rng, n) if stakes else np.zeros((n, n))
    np_dt = np.dtype(dtype)
    L, ext, C, E = (x.astype(np_dt) for x in (L, ext, C, E))
    ref = _exact(L, ext, C, E, ab[0], ab[1], 64 * np.finfo(np_dt).eps)
    return L, ext, (C if stakes else None), E, ref


def _check(n, batch, dtype, method, ab, stakes=False):
    L, ext, C, E, (p_star, v_star, gross, pbar) = _case(n, batch, dtype, ab, stakes)
    net = make_network(jnp.asarray(L), jnp.asarray(ext), None if C is None else jnp.asarray(C))
    res = jax.tree_util.tree_map(np.asarray, solve_clearing(net, jnp.asarray(E), params=ClearingParams(*ab), method=method))
    assert res.payments.dtype == np.dtype(dtype)
    ok = res.status == Status.OK
    assert ok.all(), f"{int((~ok).sum())} of {batch} scenarios not ok"
    defaulted = res.defaulted.mean()
    assert 0.05 < defaulted < 0.6, f"default share {defaulted:.2f}: not the intended family"
    tol = float(effective_tol(None, np.dtype(dtype)))
    eps = float(np.finfo(np.dtype(dtype)).eps)
    err = np.abs(res.payments.astype(np.float64) - p_star)
    bound = tol * pbar[None, :] + ULPS_FLOOR * eps * gross
    worst = np.unravel_index(np.argmax(err / bound), err.shape)
    rel = err / np.where(pbar > 0, pbar, 1.0)[None, :]
    assert np.all(err <= bound), (
        f"{method} {dtype} N={n}: {int((err > bound).sum())} payments off the exact fixed point by more than "
        f"tol_eff · pbar_i + {ULPS_FLOOR:g} ulps of gross assets; worst: scenario {worst[0]}, entity {worst[1]}, "
        f"|p − p*| = {err[worst]:.3g} vs bound {bound[worst]:.3g} (pbar {pbar[worst[1]]:.3g}); "
        f"max |p − p*| / pbar_i = {rel.max():.3g} (tol_eff {tol:.3g})")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("method", METHODS)
def test_ok_is_within_tolerance_of_the_exact_fixed_point_n50(method, dtype):
    _check(50, 64, dtype, method, RV)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("method", METHODS)
def test_ok_is_within_tolerance_of_the_exact_fixed_point_n50_eisenberg_noe(method, dtype):
    _check(50, 64, dtype, method, EN)


@pytest.mark.slow
@pytest.mark.parametrize("ab", [RV, EN], ids=["rogers_veraart", "eisenberg_noe"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("method", METHODS)
def test_ok_is_within_tolerance_of_the_exact_fixed_point_n500(method, dtype, ab):
    _check(500, 16, dtype, method, ab)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n, batch", [(50, 64), (500, 8)])
def test_ok_is_within_tolerance_with_cross_holdings(n, batch, dtype):
    for method in METHODS:
        _check(n, batch, dtype, method, RV, stakes=True)

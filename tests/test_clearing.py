"""Clearing kernel (docs/model.md §5.2): Eisenberg–Noe (2001), Rogers–Veraart (2013) default
costs, Elsinger (2009) equity cross-holdings; three solvers, "picard", "fictitious_default"
(exact regime rounds, with cross-holdings and forced defaults) and "hybrid".

1. hand-worked Eisenberg–Noe cases (the arithmetic is in the comments and the asserts);
2. Rogers–Veraart default costs; every fixed point enumerated by brute force on small networks
   (with cross-holdings and forced defaults: every solver is the greatest one, to 1e-9);
3. cross-holdings, the joint (p, V) worked by hand;
4. the greatest clearing vector against an independent LP (scipy HiGHS), N = 5, 50, 300;
5. Picard against the exact solvers, with default costs, cross-holdings and forced defaults;
6. docs/model.md invariants, hypothesis-based, every solver;
7. float32, honest non-convergence (status MAX_STEPS), self-loops refused;
8. fictitious default takes at most N+1 rounds without cross-holdings.

Batching, jit and the batched Picard loop: tests/test_clearing_batch.py.

Conventions: e [N] gives [N] fields and scalars per scenario; e [B, N] gives [B, ...]; every
result carries ``status`` (stressgpu.Status) and ``converged == (status == OK)``.

Speed: each (batch shape, method) pair costs one XLA compilation (~0.5 s), so the tests share a
few shapes: hypothesis problems embed an n-entity network (n in 2..12) in N_PAD = 12 entities
(the extra ones owe nothing and hold nothing) and always solve two scenarios; the random
small-network tests use (12 scenarios, 5 entities); the mid-size ones (64, 50). Checks run on
the host in numpy.
"""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from stressgpu._types import Status
from stressgpu.channels.clearing import (
    ClearingNetwork,
    ClearingParams,
    clearing_map,
    equity_upper_bound,
    make_network,
)
from stressgpu.channels.clearing_batch import solve_clearing

from clearing_helpers import _np, _np_map, _pbar_pi, _random_e, _random_network, _solve

METHODS = ("picard", "fictitious_default", "hybrid")
EXACT = ("fictitious_default", "hybrid")
EN = ClearingParams(1.0, 1.0)
N_PAD = 12
SMALL = (12, 5)   # (scenarios, entities) of the random small-network tests
MID = (64, 50)    # (scenarios, entities) of the random mid-size tests
PROPERTY = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --------------------------------------------------------------------------- helpers


def _pad(L, ext, C, e, forced=None):
    """Embed an n-entity problem in N_PAD entities; the extra entities are isolated and empty."""
    n = L.shape[0]
    Lp, Cp = np.zeros((N_PAD, N_PAD)), np.zeros((N_PAD, N_PAD))
    Lp[:n, :n], Cp[:n, :n] = L, C
    extp = np.zeros(N_PAD)
    extp[:n] = ext
    ep = np.zeros(e.shape[:-1] + (N_PAD,))
    ep[..., :n] = e
    fp = np.zeros(ep.shape, bool)
    if forced is not None:
        fp[..., :n] = forced
    return Lp, extp, Cp, ep, fp


def _check_fixed_point(L, ext, C, e, res, params, forced=None, atol=1e-9):
    """(p, V) is a fixed point of the clearing map, every scenario of a batch."""
    e = np.atleast_2d(e)
    p, v = np.atleast_2d(res.payments), np.atleast_2d(res.equity)
    f = np.zeros(e.shape, bool) if forced is None else np.broadcast_to(forced, e.shape)
    p1, v1, _ = _np_map(L, ext, C, e, p, v, f, params.alpha, params.beta)
    np.testing.assert_allclose(p1, p, rtol=0, atol=atol)
    np.testing.assert_allclose(v1, v, rtol=0, atol=atol)


def _enumerate_fixed_points(L, ext, C, e, alpha, beta, forced=None):
    """Every fixed point of the joint clearing map, by brute force over each entity's regime.

    Regimes: solvent (p_i = pbar_i, V_i = a_i - pbar_i), or defaulted paying its linear
    recovery (p_i = alpha e_i + beta (Pi^T p + C V)_i, V_i = 0), pbar_i (recovery above pbar, a
    forced defaulter with ample assets) or 0 (recovery below 0). Each of the 4^n assignments
    is a linear system in (p, V); its solution is a fixed point iff the regimes it implies are
    the ones assumed: defaulted = forced or a < pbar, and the recovery in the branch assumed.
    Written with numpy, independent of the kernel."""
    L, ext, C, e = _np(L), _np(ext), _np(C), _np(e)
    n = len(e)
    forced = np.zeros(n, bool) if forced is None else np.asarray(forced, bool)
    pbar, pi = _pbar_pi(L, ext)
    eye = np.eye(n)
    regs = np.array(list(itertools.product(range(4), repeat=n)))   # 0 solvent, 1 lin, 2 full, 3 zero
    regs = regs[~np.any((regs == 0) & forced[None, :], axis=1)]    # forced entities default
    k = len(regs)
    m = np.zeros((k, 2 * n, 2 * n))
    r = np.zeros((k, 2 * n))
    for i in range(n):
        s_, l_, f_ = regs[:, i] == 0, regs[:, i] == 1, regs[:, i] == 2
        # solvent: p_i = pbar_i;  V_i - (Pi^T p)_i - (C V)_i = e_i - pbar_i
        # defaulted: V_i = 0;  p_i = alpha e_i + beta (Pi^T p + C V)_i (lin), pbar_i (full), 0 (zero)
        m[:, i, i] = 1.0
        m[:, i, :n] -= (beta * l_)[:, None] * pi[:, i][None, :]
        m[:, i, n:] -= (beta * l_)[:, None] * C[i][None, :]
        r[:, i] = np.where(s_ | f_, pbar[i], np.where(l_, alpha * e[i], 0.0))
        m[:, n + i, :n] = -(s_[:, None] * pi[:, i][None, :])
        m[:, n + i, n:] = s_[:, None] * (eye[i] - C[i])[None, :] + (~s_)[:, None] * eye[i][None, :]
        r[:, n + i] = np.where(s_, e[i] - pbar[i], 0.0)
    assert np.all(np.linalg.cond(m) < 1e12), "enumeration needs nonsingular systems (take beta < 1)"
    z = np.linalg.solve(m, r[..., None])[..., 0]
    p, v = z[:, :n], z[:, n:]
    a = e + p @ pi + v @ C.T
    rec = alpha * e + beta * (a - e)
    d = regs != 0
    ok = np.all(v >= -1e-12, axis=1)
    ok &= np.all(~d | forced | (a < pbar), axis=1) & np.all(d | (a >= pbar - 1e-12), axis=1)
    ok &= np.all((regs != 1) | ((rec >= -1e-12) & (rec <= pbar + 1e-12)), axis=1)
    ok &= np.all((regs != 2) | (rec >= pbar), axis=1) & np.all((regs != 3) | (rec < 0), axis=1)
    return [(p[j], v[j], d[j]) for j in np.flatnonzero(ok)]


def _lp_greatest(L, ext, e):
    """Eisenberg–Noe greatest clearing vector as the LP  max sum p  s.t.  0 <= p <= pbar,
    p <= e + Pi^T p  (EN 2001, Lemma 4: its optimum is the greatest clearing vector), HiGHS."""
    pbar, pi = _pbar_pi(L, ext)
    n = len(pbar)
    res = linprog(-np.ones(n), A_ub=np.eye(n) - pi.T, b_ub=_np(e),
                  bounds=list(zip(np.zeros(n), pbar)), method="highs",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    assert res.status == 0, res.message
    return res.x


def _chain(n):
    """0 -> 1 -> ... -> n-1 -> outside, each link 10; only entity 0 has external assets (5).
    Each default uncovers the next: Picard from the top needs n steps and fictitious default n
    rounds, plus one that changes nothing. In the end everyone pays 5 and has defaulted."""
    L = np.zeros((n, n))
    for i in range(n - 1):
        L[i, i + 1] = 10.0
    ext = np.zeros(n)
    ext[-1] = 10.0
    e = np.zeros(n)
    e[0] = 5.0
    return L, ext, e


# --------------------------------------------------------------------------- 1. Eisenberg–Noe by hand


@pytest.mark.parametrize("method", METHODS)
def test_en_three_node_ring(method):
    # A owes B 10, B owes C 10, C owes A 5; e = (2, 3, 1); pbar = (10, 10, 5); Pi entries all 1.
    # C: 1 + 10 (from B) = 11 >= 5 -> pays 5, V_C = 6.
    # A: 2 + 5 (from C) = 7 < 10 -> defaults, pays 7.
    # B: 3 + 7 (from A) = 10 = pbar -> solvent at the boundary, pays 10, V_B = 0.
    L = np.array([[0, 10, 0], [0, 0, 10], [5, 0, 0]], float)
    net = make_network(L)
    e = np.array([2.0, 3.0, 1.0])
    r = _solve(net, e, method=method)
    np.testing.assert_allclose(r.payments, [7.0, 10.0, 5.0], atol=1e-10)
    np.testing.assert_allclose(r.equity, [0.0, 0.0, 6.0], atol=1e-10)
    np.testing.assert_array_equal(r.defaulted, [True, False, False])
    assert r.converged
    _check_fixed_point(L, np.zeros(3), np.zeros((3, 3)), e, r, EN)


@pytest.mark.parametrize("method", METHODS)
def test_en_two_defaulters_linear_system(method):
    # A owes B 10 and outside 10 (pbar_A = 20); B owes A 10 and outside 10 (pbar_B = 20).
    # Pi_AB = Pi_BA = 1/2; e = (6, 2). If both default:
    #   p_A = 6 + p_B / 2
    #   p_B = 2 + p_A / 2
    # -> p_A = 6 + 1 + p_A / 4 -> p_A = 7 / (3/4) = 28/3, p_B = 2 + 14/3 = 20/3,
    # both below 20, so both do default (the only consistent default set).
    L = np.array([[0, 10], [10, 0]], float)
    ext = np.array([10.0, 10.0])
    net = make_network(L, ext)
    e = np.array([6.0, 2.0])
    by_hand = np.linalg.solve(np.array([[1.0, -0.5], [-0.5, 1.0]]), np.array([6.0, 2.0]))
    np.testing.assert_allclose(by_hand, [28 / 3, 20 / 3], rtol=1e-14)
    r = _solve(net, e, method=method)
    np.testing.assert_allclose(r.payments, [28 / 3, 20 / 3], rtol=1e-10)
    np.testing.assert_allclose(r.equity, [0.0, 0.0], atol=1e-10)
    np.testing.assert_array_equal(r.defaulted, [True, True])
    # outside creditors receive half of each payment: 14/3 + 10/3 = 8 = e_A + e_B (no costs)
    np.testing.assert_allclose(r.payments.sum() / 2, 8.0, rtol=1e-10)


@pytest.mark.parametrize("params", [EN, ClearingParams(0.5, 0.5)], ids=["EN", "RV"])
@pytest.mark.parametrize("method", METHODS)
def test_exactly_at_pbar_stays_solvent(method, params):
    # A owes B 10, B owes A 10, e = 0. Under EN every p = (x, x), x in [0, 10], clears; the
    # greatest is p = (10, 10) with nobody in default (assets 10 = pbar exactly). Under RV the
    # least is p = 0 (both default, recover 0).
    L = np.array([[0, 10], [10, 0]], float)
    r = _solve(make_network(L), np.zeros(2), method=method, params=params)
    np.testing.assert_allclose(r.payments, [10.0, 10.0], atol=1e-12)
    np.testing.assert_allclose(r.equity, [0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(r.defaulted, [False, False])

    # A owes B 10 (e_A = 10: assets 10 = pbar_A); B owes outside 12 (e_B = 2: assets 2 + 10 = 12
    # = pbar_B). Both at the boundary, both solvent. Were B put in default under RV(0.5, 0.5)
    # it would pay 0.5*2 + 0.5*10 = 6 instead of 12.
    L2 = np.array([[0, 10], [0, 0]], float)
    r2 = _solve(make_network(L2, np.array([0.0, 12.0])), np.array([10.0, 2.0]), method=method,
                params=params)
    np.testing.assert_allclose(r2.payments, [10.0, 12.0], atol=1e-12)
    np.testing.assert_allclose(r2.equity, [0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(r2.defaulted, [False, False])


def test_picard_at_pbar_up_to_roundoff_with_default_costs():
    # A owes B 13 and outside 10 (pbar_A = 23, e_A = 23: solvent, pays 23, B gets 13).
    # B owes outside 13, e_B = 0: assets 13 = pbar_B -> solvent, pays 13.
    L = np.array([[0, 13], [0, 0]], float)
    net = make_network(L, np.array([10.0, 13.0]))
    e = np.array([23.0, 0.0])
    params = ClearingParams(0.5, 0.5)
    fd = _solve(net, e, method="fictitious_default", params=params)
    np.testing.assert_allclose(fd.payments, [23.0, 13.0], rtol=1e-12)
    r = _solve(net, e, method="picard", params=params)
    np.testing.assert_array_equal(r.defaulted, [False, False])
    np.testing.assert_allclose(r.payments, [23.0, 13.0], rtol=1e-12)


# --------------------------------------------------------------------------- 2. Rogers–Veraart


@pytest.mark.parametrize("method", METHODS)
def test_rv_default_costs_by_hand(method):
    # A owes B 10, e_A = 4; B owes outside 10, e_B = 7; alpha = 0.5, beta = 0.75.
    # A: 4 < 10 -> defaults, pays alpha*4 + beta*0 = 2.
    # B: 7 + 2 = 9 < 10 -> defaults, pays alpha*7 + beta*2 = 3.5 + 1.5 = 5.
    # Without costs (EN): A pays 4, B has 7 + 4 = 11 >= 10 -> solvent, V_B = 1.
    L = np.array([[0, 10], [0, 0]], float)
    ext = np.array([0.0, 10.0])
    net = make_network(L, ext)
    e = np.array([4.0, 7.0])
    rv = ClearingParams(0.5, 0.75)
    r = _solve(net, e, method=method, params=rv)
    np.testing.assert_allclose(r.payments, [2.0, 5.0], atol=1e-10)
    np.testing.assert_allclose(r.equity, [0.0, 0.0], atol=1e-10)
    np.testing.assert_array_equal(r.defaulted, [True, True])
    _check_fixed_point(L, ext, np.zeros((2, 2)), e, r, rv)
    r_en = _solve(net, e, method=method)
    np.testing.assert_allclose(r_en.payments, [4.0, 10.0], atol=1e-10)
    np.testing.assert_allclose(r_en.equity, [0.0, 1.0], atol=1e-10)
    np.testing.assert_array_equal(r_en.defaulted, [True, False])


@pytest.mark.parametrize("method", METHODS)
def test_rv_greatest_has_fewer_defaults_than_iteration_from_below(method):
    # A owes B 10, B owes A 10, e = (2, 2), alpha = beta = 0.5.
    # Greatest: p = (10, 10), assets 2 + 10 = 12 >= 10, nobody defaults, V = (2, 2).
    # From below (p = 0): assets 2 < 10 -> p = 0.5*2 + 0.5*p_other; the limit solves
    # p = 1 + p/2 -> p = (2, 2), both in default (assets 4 < 10): the least fixed point.
    # Mixed default set {A}: p_B = 10, p_A = 1 + 5 = 6, but A's assets 2 + 10 = 12 >= 10:
    # inconsistent. So there are exactly two fixed points.
    L = np.array([[0, 10], [10, 0]], float)
    net = make_network(L)
    e = np.array([2.0, 2.0])
    rv = ClearingParams(0.5, 0.5)
    r = _solve(net, e, method=method, params=rv)
    np.testing.assert_allclose(r.payments, [10.0, 10.0], atol=1e-10)
    np.testing.assert_allclose(r.equity, [2.0, 2.0], atol=1e-10)
    assert r.defaulted.sum() == 0

    # Picard from below with the kernel's own map reaches the least fixed point instead
    step = jax.jit(lambda p, v: clearing_map(net, jnp.asarray(e), p, v, jnp.zeros(2, bool), rv))
    p, v = jnp.zeros(2), jnp.zeros(2)
    for _ in range(80):
        p, v, d = step(p, v)
    np.testing.assert_allclose(np.asarray(p), [2.0, 2.0], atol=1e-10)
    assert np.asarray(d).sum() == 2 > r.defaulted.sum()

    points = _enumerate_fixed_points(L, np.zeros(2), np.zeros((2, 2)), e, 0.5, 0.5)
    assert len(points) == 2
    ps = sorted(pt[0].tolist() for pt in points)
    np.testing.assert_allclose(ps, [[2.0, 2.0], [10.0, 10.0]], atol=1e-12)


@pytest.mark.parametrize("forced", [False, True], ids=["free", "forced"])
@pytest.mark.parametrize("cross", [False, True], ids=["no_C", "C"])
def test_rv_result_is_greatest_fixed_point_by_enumeration(cross, forced):
    """On random 5-entity networks, the answer of every solver dominates every fixed point
    found by enumerating all 4^5 regime assignments, and is one of them: no larger clearing
    vector exists. With cross-holdings and forced defaults too (the exact solvers take both)."""
    rng = np.random.default_rng((7 if cross else 3) + (100 if forced else 0))
    batch, n = SMALL
    several = 0
    for _ in range(2):
        L, ext, C = _random_network(rng, n, density=0.5, cross=cross, ext_zero_share=0.4)
        E = _random_e(rng, L, ext, batch, 0.0, 1.2)
        F = (rng.random((batch, n)) < 0.25) if forced else np.zeros((batch, n), bool)
        alpha, beta = float(rng.uniform(0.3, 0.95)), float(rng.uniform(0.3, 0.95))
        net = make_network(L, ext, C if cross else None)
        results = {m: _solve(net, E, method=m, forced_default=F, params=ClearingParams(alpha, beta))
                   for m in METHODS}
        for b in range(batch):
            points = _enumerate_fixed_points(L, ext, C, E[b], alpha, beta, F[b])
            assert points, "a greatest fixed point always exists (Tarski)"
            greatest = max(points, key=lambda pt: pt[0].sum() + pt[1].sum())
            for p, v, _ in points:
                assert np.all(p <= greatest[0] + 1e-9) and np.all(v <= greatest[1] + 1e-9)
            several += len(points) > 1
            for m, r in results.items():
                assert r.converged[b] and r.status[b] == Status.OK, m
                np.testing.assert_allclose(r.payments[b], greatest[0], rtol=1e-9, atol=1e-9, err_msg=m)
                np.testing.assert_allclose(r.equity[b], greatest[1], rtol=1e-9, atol=1e-9, err_msg=m)
                np.testing.assert_array_equal(r.defaulted[b], greatest[2], err_msg=m)
    assert several > 0, "want some scenarios with several fixed points"


# --------------------------------------------------------------------------- 3. cross-holdings


def test_cross_holdings_two_nodes_by_hand():
    # Entity 0 holds 50% of 1's equity (C[0,1] = 0.5), entity 1 holds 20% of 0's (C[1,0] = 0.2).
    # 1 owes 0 4 and outside 2 (pbar_1 = 6, Pi_10 = 2/3); 0 owes outside 10 (pbar_0 = 10).
    L = np.array([[0, 0], [4, 0]], float)
    ext = np.array([10.0, 2.0])
    C = np.array([[0, 0.5], [0.2, 0]])
    net = make_network(L, ext, C)
    E = np.array([
        # (a) e = (5, 10), both solvent: V_0 = 5 + 4 + 0.5 V_1 - 10, V_1 = 10 - 6 + 0.2 V_0
        #     -> V_0 = -1 + 0.5 (4 + 0.2 V_0) = 1 + 0.1 V_0 -> V_0 = 10/9, V_1 = 4 + 2/9 = 38/9.
        #     Without the stake 0 would have 5 + 4 = 9 < 10 and default.
        [5.0, 10.0],
        # (b) e = (3, 10): if 0 were solvent, V_0 = -3 + 0.5 (4 + 0.2 V_0) -> V_0 = -10/9 < 0,
        #     so 0 defaults: V_0 = 0, V_1 = 4, assets_0 = 3 + 4 + 0.5*4 = 9 -> pays 9.
        [3.0, 10.0],
        # (c) e = (5, 1): 1 has 1 < 6 -> defaults, V_1 = 0, pays 1 + 0.2 V_0; 0 has
        #     5 + (2/3) p_1 < 10 -> defaults, V_0 = 0; so p_1 = 1, p_0 = 5 + 2/3 = 17/3.
        [5.0, 1.0],
    ])
    want_p = np.array([[10, 6], [9, 6], [17 / 3, 1]])
    want_v = np.array([[10 / 9, 38 / 9], [0, 4], [0, 0]])
    want_d = np.array([[False, False], [True, False], [True, True]])
    rs = [_solve(net, E[b], method=m) for b in range(3) for m in METHODS]
    want_p, want_v, want_d = (np.repeat(w, len(METHODS), axis=0) for w in (want_p, want_v, want_d))
    E = np.repeat(E, len(METHODS), axis=0)
    kmap = jax.jit(lambda e, p, v: clearing_map(net, e, p, v, jnp.zeros(2, bool), EN))
    pbar, _ = _pbar_pi(L, ext)
    for b, r in enumerate(rs):
        np.testing.assert_allclose(r.payments, want_p[b], rtol=1e-10)
        np.testing.assert_allclose(r.equity, want_v[b], atol=1e-10)
        np.testing.assert_array_equal(r.defaulted, want_d[b])
        assert r.converged and np.all(r.equity >= 0)
        # V = max(0, e + Pi^T p + C V - pbar) at the answer, written out ...
        a = E[b] + r.payments @ _pbar_pi(L, ext)[1] + C @ r.equity
        np.testing.assert_allclose(r.equity, np.maximum(0.0, a - pbar), atol=1e-9)
        # ... and the kernel's clearing_map leaves the answer where it is (residual < 1e-9)
        p1, v1, d1 = kmap(jnp.asarray(E[b]), jnp.asarray(r.payments), jnp.asarray(r.equity))
        assert np.max(np.abs(np.asarray(p1) - r.payments)) < 1e-9
        assert np.max(np.abs(np.asarray(v1) - r.equity)) < 1e-9
        np.testing.assert_array_equal(np.asarray(d1), want_d[b])
    # the equity upper bound Picard starts from does bound the answer
    bound = np.asarray(jax.jit(jax.vmap(equity_upper_bound, (None, 0)))(net, jnp.asarray(E)))
    assert np.all(bound >= np.stack([r.equity for r in rs]) - 1e-12)
    # without the stakes, entity 0 defaults in (a)
    r0 = _solve(make_network(L, ext), E[0])
    np.testing.assert_array_equal(r0.defaulted, [True, False])
    np.testing.assert_allclose(r0.payments, [9.0, 6.0], atol=1e-10)


def test_unknown_method_and_self_loops_are_refused():
    net = make_network(np.array([[0, 1.0], [0, 0]]), np.array([0.0, 1.0]),
                       np.array([[0, 0.1], [0, 0]]))
    with pytest.raises(ValueError, match="method"):
        solve_clearing(net, np.ones(2), method="newton")
    # A self-loop (L[i, i] != 0) is refused by make_network and by solve_clearing ...
    with pytest.raises(ValueError, match="self-loop"):
        make_network(np.array([[7.0, 10.0], [4.0, 0.0]]))
    looped = ClearingNetwork(jnp.array([[7.0, 10.0], [4.0, 0.0]]), jnp.zeros(2), None)
    for m in METHODS:
        with pytest.raises(ValueError, match="self-loop"):
            solve_clearing(looped, np.array([3.0, 8.0]), method=m)
    # ... and reported as INVALID when the network is traced (no exception under jit; every
    # method: test_channel_contract)
    r = jax.jit(lambda nt, e: solve_clearing(nt, e))(looped, jnp.array([3.0, 8.0]))
    assert int(r.status) == Status.INVALID and not bool(r.converged)


# --------------------------------------------------------------------------- 4. against the LP


@pytest.mark.parametrize("batch,n", [SMALL, MID, pytest.param(2, 300, marks=pytest.mark.slow)])
def test_en_greatest_clearing_vector_equals_lp(batch, n):
    rng = np.random.default_rng(1000 + n)
    L, ext, _ = _random_network(rng, n, ext_zero_share=0.2 if n <= 50 else 0.0)
    E = _random_e(rng, L, ext, batch, 0.0, 1.3)
    net = make_network(L, ext)
    scale = max(1.0, _pbar_pi(L, ext)[0].max())
    k = min(batch, 16)  # LP-check at most 16 scenarios (the batch shape is shared with others)
    lp = np.stack([_lp_greatest(L, ext, E[b]) for b in range(k)])
    for m in METHODS:
        r = _solve(net, E, method=m)
        assert np.all(r.converged) and np.all(r.status == Status.OK), m
        np.testing.assert_allclose(r.payments[:k], lp, rtol=0, atol=1e-7 * scale, err_msg=m)
        assert 0 < r.defaulted.sum() < n * batch, "want a mix of defaulters and survivors"


# --------------------------------------------------------------------------- 5. picard vs exact


@pytest.mark.parametrize("stakes", [False, True], ids=["no_C", "C"])
def test_picard_and_exact_solvers_agree_with_default_costs(stakes):
    # MID networks with default costs; with cross-holdings and forced defaults in the "C" case
    # (the exact solvers take both now). All three agree to 1e-9 (times max pbar) and the
    # answer is a fixed point of the clearing map written out in numpy.
    rng = np.random.default_rng(42)
    batch, n = MID
    L, ext, C = _random_network(rng, n, density=0.1, ext_zero_share=0.2, cross=stakes)
    E = _random_e(rng, L, ext, batch, 0.0, 1.3)
    F = (rng.random((batch, n)) < 0.05) if stakes else None
    net = make_network(L, ext, C if stakes else None)
    params = ClearingParams(0.6, 0.8)
    res = {m: _solve(net, E, method=m, params=params, forced_default=F) for m in METHODS}
    scale = max(1.0, _pbar_pi(L, ext)[0].max())
    rp = res["picard"]
    for m, r in res.items():
        assert np.all(r.converged) and np.all(r.status == Status.OK), m
        np.testing.assert_allclose(r.payments, rp.payments, rtol=0, atol=1e-9 * scale, err_msg=m)
        np.testing.assert_allclose(r.equity, rp.equity, rtol=0, atol=1e-9 * scale, err_msg=m)
        np.testing.assert_array_equal(r.defaulted, rp.defaulted, err_msg=m)
        _check_fixed_point(L, ext, C, E, r, params, forced=F, atol=1e-9 * scale)
    assert 0 < rp.defaulted.sum() < n * batch
    if not stakes:
        assert res["fictitious_default"].iterations.max() <= n + 1


@pytest.mark.parametrize("method", METHODS)
def test_forced_defaulter_with_ample_assets_pays_in_full(method):
    # A (forced into default, e_A = 100) owes B 10; B owes outside 15, e_B = 0.
    # A pays min(10, 100) = 10 (its recovery 100 is clipped at pbar_A = 10);
    # B has 10 < 15 -> defaults, pays 10, V_B = 0. The exact solvers take forced defaults
    # (a forced defaulter at its clip bound pays pbar).
    L = np.array([[0, 10], [0, 0]], float)
    net = make_network(L, np.array([0.0, 15.0]))
    e = np.array([100.0, 0.0])
    forced = np.array([True, False])
    r = _solve(net, e, forced_default=forced, method=method)
    np.testing.assert_allclose(r.payments, [10.0, 10.0], atol=1e-12)
    np.testing.assert_allclose(r.equity, [0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(r.defaulted, [True, True])
    assert int(r.status) == Status.OK


@pytest.mark.parametrize("method", METHODS)
def test_forced_closed_group_pays_greatest_vector(method):
    # A owes B 10, B owes A 10, both forced into default, e = 0: under Eisenberg–Noe the
    # greatest fixed point still has them pay each other in full, p = (10, 10)
    # (p_A = min(10, 0 + p_B), p_B = min(10, 0 + p_A): every (x, x) clears, the greatest is 10).
    L = np.array([[0, 10], [10, 0]], float)
    net = make_network(L)
    forced = np.array([True, True])
    r = _solve(net, np.zeros(2), forced_default=forced, method=method)
    np.testing.assert_allclose(r.payments, [10.0, 10.0], atol=1e-12)
    np.testing.assert_array_equal(r.defaulted, [True, True])
    assert int(r.status) == Status.OK


# --------------------------------------------------------------------------- 6. invariants


@st.composite
def _problems(draw):
    """A random n-entity network (n in 2..12) with two scenarios e >= e_low >= 0 (a larger shock
    in the second); default costs sometimes, cross-holdings sometimes (every solver takes them)."""
    n = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.2, 0.4, 0.8]))
    costs = draw(st.booleans())
    cross = draw(st.booleans())
    rng = np.random.default_rng(seed)
    L, ext, C = _random_network(rng, n, density=density, cross=cross)
    e = _random_e(rng, L, ext, 1, 0.0, 1.4)[0]
    shock = rng.uniform(0.0, 1.0, n) * (rng.random(n) < 0.5) * e
    params = (ClearingParams(float(rng.uniform(0.2, 1.0)), float(rng.uniform(0.2, 1.0)))
              if costs else EN)
    forced = rng.random(n) < 0.25
    return n, L, ext, C, np.stack([e, e - shock]), params, forced


def _solve_padded(L, ext, C, E, params, method, forced=None):
    Lp, extp, Cp, Ep, Fp = _pad(L, ext, C, E, forced)
    # C is always passed (zero when drawn without stakes): one compilation per method for all
    # the property tests; the path without C (cross_holdings=None) is covered elsewhere.
    r = _solve(make_network(Lp, extp, Cp), Ep, forced_default=Fp, params=params, method=method)
    return (Lp, extp, Cp, Ep, Fp), r


def _methods_for(C, forced=None):
    """Every solver takes every problem (stakes and forced defaults included)."""
    return METHODS


@PROPERTY
@given(_problems())
def test_invariants_bounds_conservation_creditor_losses(problem):
    n, L, ext, C, E, params, _ = problem
    for method in _methods_for(C):
        (Lp, extp, Cp, Ep, _), r = _solve_padded(L, ext, C, E, params, method)
        assert np.all(r.converged), method
        pbar, pi = _pbar_pi(Lp, extp)
        p, v, d = r.payments, r.equity, r.defaulted
        tol = 1e-9 * max(1.0, pbar.max())
        # 0 <= p <= pbar, V >= 0; a solvent entity pays in full, a defaulter has no equity
        assert np.all(p >= -tol) and np.all(p <= pbar + tol)
        assert np.all(v >= -tol)
        assert np.all(np.abs(p - pbar)[~d] <= tol) and np.all(v[d] <= tol)
        # money: paid out = received inside the network + paid to outside creditors
        ext_share = np.where(pbar > 0, extp / np.where(pbar > 0, pbar, 1.0), 0.0)
        received = p @ pi
        np.testing.assert_allclose(p.sum(1), received.sum(1) + (p * ext_share).sum(1),
                                   rtol=1e-12, atol=tol)
        # value: without costs or stakes, equity + payments leaving = external assets
        # (V_i + p_i = e_i + received_i for everyone); default costs only destroy value
        value = v.sum(1) + (p * ext_share).sum(1)
        if not np.any(C):
            if params == EN:
                np.testing.assert_allclose(value, Ep.sum(1), rtol=1e-10, atol=tol)
            else:
                assert np.all(value <= Ep.sum(1) + tol)
        # no creditor loses more than its claim: 0 <= Pi[i,j] (pbar_i - p_i) <= L[i,j]
        loss = pi[None] * (pbar[None, :] - p)[:, :, None]
        assert np.all(loss >= -tol) and np.all(loss <= Lp[None] + tol)
        # the answer is a fixed point: V = max(0, e + Pi^T p + C V - pbar) and the RV payments
        _check_fixed_point(Lp, extp, Cp, Ep, r, params, atol=tol)


@PROPERTY
@given(_problems())
def test_invariant_monotone_in_shock(problem):
    # scenario 1 has lower external assets (a larger shock) than scenario 0
    n, L, ext, C, E, params, _ = problem
    for method in _methods_for(C):
        _, r = _solve_padded(L, ext, C, E, params, method)
        tol = 1e-9 * max(1.0, _pbar_pi(L, ext)[0].max())
        p, v, d = r.payments, r.equity, r.defaulted
        assert np.all(p[1] <= p[0] + tol), method
        assert np.all(v[1] <= v[0] + tol), method
        assert np.all(d[1] >= d[0]) and d[1].sum() >= d[0].sum(), method


@PROPERTY
@given(_problems(), st.randoms(use_true_random=False))
def test_invariant_permutation(problem, rnd):
    n, L, ext, C, E, params, forced = problem
    perm = list(range(n))
    rnd.shuffle(perm)
    perm = np.array(perm)
    F = np.stack([np.zeros(n, bool), forced])
    for method in _methods_for(C, F):
        _, r = _solve_padded(L, ext, C, E, params, method, F)
        _, rq = _solve_padded(L[perm][:, perm], ext[perm], C[perm][:, perm], E[:, perm],
                              params, method, F[:, perm])
        tol = 1e-9 * max(1.0, _pbar_pi(L, ext)[0].max())
        np.testing.assert_allclose(rq.payments[:, :n], r.payments[:, perm], rtol=0, atol=tol)
        np.testing.assert_allclose(rq.equity[:, :n], r.equity[:, perm], rtol=0, atol=tol)
        np.testing.assert_array_equal(rq.defaulted[:, :n], r.defaulted[:, perm])


@PROPERTY
@given(_problems())
def test_invariant_forced_default_never_raises_payments(problem):
    # Every solver, with or without stakes and costs.
    n, L, ext, C, E, params, forced = problem
    EE = np.stack([E[0], E[0]])
    F = np.stack([np.zeros(n, bool), forced])
    for method in _methods_for(C, F):
        (Lp, extp, Cp, Ep, Fp), r = _solve_padded(L, ext, C, EE, params, method, F)
        assert np.all(r.converged), method
        tol = 1e-9 * max(1.0, _pbar_pi(L, ext)[0].max())
        p, v, d = r.payments, r.equity, r.defaulted
        assert np.all(p[1] <= p[0] + tol), method
        assert np.all(v[1] <= v[0] + tol), method
        assert np.all(d[1] >= d[0]) and np.all(d[1][:n][forced]) and np.all(v[1][:n][forced] == 0)
        _check_fixed_point(Lp, extp, Cp, Ep, r, params, forced=Fp, atol=tol)


# --------------------------------------------------------------------------- 7. dtype, non-convergence


@pytest.mark.parametrize("method", METHODS)
def test_float32_agrees_with_float64(method):
    rng = np.random.default_rng(5)
    batch, n = SMALL
    L, ext, _ = _random_network(rng, n, density=0.5)
    E = _random_e(rng, L, ext, batch)
    r64 = _solve(make_network(L, ext), E, method=method)
    net32 = make_network(L.astype(np.float32), ext.astype(np.float32))
    r32 = _solve(net32, E.astype(np.float32), method=method)
    assert r32.payments.dtype == np.float32 and r32.equity.dtype == np.float32
    assert np.all(r32.converged) and np.all(r64.converged)
    assert 0 < r64.defaulted.sum() < batch * n
    scale = max(1.0, r64.payments.max())
    np.testing.assert_allclose(r32.payments, r64.payments, rtol=1e-3, atol=1e-3 * scale)
    np.testing.assert_allclose(r32.equity, r64.equity, rtol=1e-3, atol=1e-3 * scale)


def test_nonconvergence_is_reported():
    L, ext, e = _chain(N_PAD)
    net = make_network(L, ext)
    E = np.stack([e, e])
    full = _solve(net, E, method="picard")
    assert np.all(full.converged) and np.all(full.iterations == N_PAD + 1)
    np.testing.assert_allclose(full.payments, np.full((2, N_PAD), 5.0), atol=1e-12)
    assert np.all(full.defaulted)
    # capped at 2 applications of the map Picard has only reached entity 0 in its answer (the
    # last iterate whose image was computed; the image reaches entity 1), and must say so,
    # with the residual exactly the last change
    short = _solve(net, E, method="picard", max_iter=2)
    assert not np.any(short.converged) and np.all(short.status == Status.MAX_STEPS)
    assert np.all(short.iterations == 2)
    np.testing.assert_allclose(short.residual, 5.0)
    np.testing.assert_allclose(short.payments[0, :3], [5.0, 10.0, 10.0])


# --------------------------------------------------------------------------- 8. rounds


def test_fictitious_default_rounds_at_most_n_plus_one():
    # the chain: entity 0 is seen short at the top (before any round); round k's linear
    # solution uncovers entity k; round N's solution reproduces its own regimes (all N in
    # default, each paying 5), which ends the loop: exactly N rounds, within the N + 1 bound.
    L, ext, e = _chain(N_PAD)
    r = _solve(make_network(L, ext), np.stack([e, e]), method="fictitious_default")
    assert np.all(r.converged) and np.all(r.iterations == N_PAD)
    np.testing.assert_allclose(r.payments, np.full((2, N_PAD), 5.0), atol=1e-12)
    # random mid-size networks, with and without default costs
    rng = np.random.default_rng(9)
    batch, n = MID
    L2, ext2, _ = _random_network(rng, n, density=0.1)
    E = _random_e(rng, L2, ext2, batch, 0.0, 1.2)
    for params in (EN, ClearingParams(0.5, 0.5)):
        rr = _solve(make_network(L2, ext2), E, method="fictitious_default", params=params)
        assert np.all(rr.converged)
        assert 1 <= rr.iterations.min() and rr.iterations.max() <= n + 1
        assert rr.iterations.max() >= 3, "want a cascade of a few rounds"

"""The contract every public channel function keeps (issue 9, items 1, 3 and 8), as one table:

    channel (solve_clearing × 3 methods, debtrank × 2, debtrank_by_entity × 2, default_cascade,
    fire_sale × 2 impacts) × dtype (float32, float64) × mode (jit: the call inside an outer
    jax.jit; eager: called as is)

asserting, for each cell:

* vmap of the one-scenario kernel (clear_one, debtrank_one, cascade_one, fire_sale_one) equals
  a Python loop of the kernel over scenarios, and the public batched call equals both; an
  unbatched input gives unbatched results (scalars per scenario);
* a NaN in the inputs gives status NONFINITE for the scenarios it touches (never OK);
* a step cap of 1 on a case that needs more gives status MAX_STEPS (converged False);
* jax.grad of a scalar of the outputs runs and agrees with central finite differences (float64,
  rtol 1e-5), and jax.jvp agrees with the gradient;
* a self-loop raises ValueError with concrete inputs and gives status INVALID under jit.

Then three checks of single channels: the DebtRank example of issue 9 to 1e-9, singular exact
clearing systems never reported OK with non-finite payments, and the exact clearing solver
against an independent NumPy fictitious-default implementation on random networks, N = 30–100.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu._types import Status
from stressgpu.channels.cascade import cascade_one, default_cascade
from stressgpu.channels.clearing import (
    ClearingNetwork,
    ClearingParams,
    clear_one,
    make_network,
)
from stressgpu.channels.clearing_batch import solve_clearing
from stressgpu.channels.debtrank import debtrank, debtrank_by_entity, debtrank_one
from stressgpu.channels.firesale import fire_sale, fire_sale_one

DTYPES = (np.float32, np.float64)
MODES = ("jit", "eager")
H = 1e-6   # central finite-difference step (float64)


# --------------------------------------------------------------------------- the channels


@dataclass(frozen=True)
class Channel:
    """One public channel function, described for the contract checks.

    inputs(dtype) -> dict of arrays, one of them (``batch_key``) batched over scenarios [B, ...].
    public(inputs, **static) -> result (the public function; unbatched if the batched input is).
    kernel(inputs, row) -> result of ONE scenario (``row``: that scenario's slice of batch_key).
    cap: static keyword that caps the steps; capped_rows: scenarios that need more than 1 step.
    nan(inputs) -> (inputs with a NaN, bool [B] of the scenarios it touches).
    self_loop(inputs) -> inputs with a diagonal entry, or None when there is no network.
    grad_key: the float input differentiated (its support only); scalar(result) -> [].
    """

    name: str
    inputs: Callable
    public: Callable
    kernel: Callable
    batch_key: str
    cap: str
    capped_rows: tuple
    nan: Callable
    self_loop: Callable | None
    grad_key: str
    scalar: Callable
    view: Callable = lambda r: r._asdict()   # the fields compared between calls


def _chain12(dtype):
    # 0 -> 1 -> ... -> 11 -> outside, each link 10. e_0 = 5 (scaled per scenario), the others
    # hold 0.3: everyone defaults and pays 5 + 0.3 k < 10 (far from every kink), Picard needs
    # 13 steps, fictitious default 12 rounds, the hybrid 8 Picard steps and then 4 rounds.
    n = 12
    L = np.zeros((n, n))
    L[np.arange(n - 1), np.arange(1, n)] = 10.0
    ext = np.zeros(n)
    ext[-1] = 10.0
    e = np.full(n, 0.3)
    e[0] = 5.0
    E = np.stack([e * s for s in (1.0, 0.9, 1.1)])
    return {"L": L.astype(dtype), "ext": ext.astype(dtype), "e": E.astype(dtype)}


def _clearing(method):
    params = ClearingParams(0.9, 0.95)

    def public(x, max_iter=None):
        net = ClearingNetwork(x["L"], x["ext"], None)
        return solve_clearing(net, x["e"], params=params, method=method, max_iter=max_iter)

    def kernel(x, e):
        net = ClearingNetwork(jnp.asarray(x["L"]), jnp.asarray(x["ext"]), None)
        return clear_one(net, jnp.asarray(e), jnp.zeros(e.shape, bool), params, method=method)

    def nan(x):
        x = dict(x, e=x["e"].copy())
        x["e"][1, 3] = np.nan
        return x, np.array([False, True, False])

    def self_loop(x):
        L = x["L"].copy()
        L[2, 2] = 1.0
        return dict(x, L=L)

    return Channel(f"solve_clearing[{method}]", _chain12, public, kernel, "e", "max_iter", (0, 1, 2),
                   nan, self_loop, "e", lambda r: r.payments.sum() + r.equity.sum())


def _dr_inputs(dtype):
    # A cycle 0 <- 1 <- 2 <- 3 <- 0 plus a shortcut: Λ entries below 1, h well below 1.
    x = np.zeros((4, 4))
    x[1, 0], x[2, 1], x[3, 2], x[0, 3], x[2, 0] = 2.0, 1.5, 1.0, 1.2, 0.5
    equity = np.array([5.0, 4.0, 6.0, 3.0])
    h0 = np.array([[0.3, 0.0, 0.1, 0.0], [0.2, 0.05, 0.0, 0.0], [0.0, 0.0, 0.4, 0.1]])
    return {"x": x.astype(dtype), "equity": equity.astype(dtype), "h0": h0.astype(dtype)}


def _debtrank(method):
    def public(x, max_rounds=None):
        return debtrank(x["x"], x["equity"], x["h0"], method=method, max_rounds=max_rounds)

    def kernel(x, h0):
        return debtrank_one(jnp.asarray(x["x"]), jnp.asarray(x["equity"]), jnp.asarray(h0), method=method)

    def nan(x):
        x = dict(x, h0=x["h0"].copy())
        x["h0"][2, 0] = np.nan
        return x, np.array([False, False, True])

    def self_loop(x):
        y = x["x"].copy()
        y[1, 1] = 0.5
        return dict(x, x=y)

    return Channel(f"debtrank[{method}]", _dr_inputs, public, kernel, "h0", "max_rounds", (0, 1, 2),
                   nan, self_loop, "x", lambda r: r.system.sum() + r.h.sum())


def _debtrank_by_entity(method):
    # "Batched" over the N unit shocks the function runs itself (h0 = I).
    def inputs(dtype):
        x = _dr_inputs(dtype)
        return {"x": x["x"], "equity": x["equity"], "h0": np.eye(4, dtype=dtype)}

    def public(x, max_rounds=None):
        if x["h0"].ndim == 1:   # one entity's scenario: the kernel's public twin
            return debtrank(x["x"], x["equity"], x["h0"], method=method, max_rounds=max_rounds)
        return debtrank_by_entity(x["x"], x["equity"], method=method, max_rounds=max_rounds)

    def kernel(x, h0):
        return debtrank_one(jnp.asarray(x["x"]), jnp.asarray(x["equity"]), jnp.asarray(h0), method=method)

    def nan(x):
        eq = x["equity"].copy()
        eq[3] = np.nan
        return dict(x, equity=eq), np.ones(4, bool)

    def self_loop(x):
        y = x["x"].copy()
        y[0, 0] = 0.5
        return dict(x, x=y)

    def view(r):   # EntityDebtRank.debtrank is the system DebtRank of each unit shock
        system = r.debtrank if hasattr(r, "debtrank") else r.system
        return {"system": system, "rounds": r.rounds, "converged": r.converged, "status": r.status}

    return Channel(f"debtrank_by_entity[{method}]", inputs, public, kernel, "h0", "max_rounds",
                   (0, 1, 2, 3), nan, self_loop, "x", lambda r: view(r)["system"].sum(), view)


def _cascade():
    def inputs(dtype):
        # test_cascade._four(): B(1) lends 10 to A(0); C(2) lends 2 to A and 8 to B; D(3) lends 6
        # to C and 2 to B; A lends 3 to D. Capital A 1, B 4, C 4.5, D 5; lgd 0.5 (per debtor).
        # From {A}: B fails in round 1, C in round 2 (margins >= 0.5).
        x = np.zeros((4, 4))
        x[1, 0], x[2, 0], x[2, 1], x[3, 2], x[3, 1], x[0, 3] = 10.0, 2.0, 8.0, 6.0, 2.0, 3.0
        start = np.array([[True, False, False, False], [False, True, False, False],
                          [True, False, True, False]])
        return {"x": x.astype(dtype), "capital": np.array([1.0, 4.0, 4.5, 5.0], dtype),
                "lgd": np.full(4, 0.5, dtype), "start": start}

    def public(x, max_rounds=None):
        return default_cascade(x["x"], x["capital"], x["start"], lgd=x["lgd"], max_rounds=max_rounds)

    def kernel(x, start):
        return cascade_one(jnp.asarray(x["x"]), jnp.asarray(x["capital"]), jnp.asarray(start),
                           jnp.asarray(x["lgd"]))

    def nan(x):
        k = x["capital"].copy()
        k[3] = np.nan     # shared by every scenario
        return dict(x, capital=k), np.ones(3, bool)

    def self_loop(x):
        y = x["x"].copy()
        y[2, 2] = 1.0
        return dict(x, x=y)

    # {A}: 2 rounds; {B}: C loses 4 < 4.5, D 1 < 5: 0 rounds; {A, C}: B and D? B loses 5 >= 4
    # (round 1), D loses 3 < 5 then 3 + 1 = 4 < 5: 1 round. So scenarios 0 needs > 1 round.
    return Channel("default_cascade", inputs, public, kernel, "start", "max_rounds", (0,),
                   nan, self_loop, "x", lambda r: r.losses.sum())


def _fire_sale(impact):
    def inputs(dtype):
        # Three holders, two classes; holder 0 is below its 10% ratio at p0 and sells part of
        # its book (never all of it), the others stay above: no kink near the equilibrium.
        q = np.array([[10.0, 4.0], [5.0, 1.0], [2.0, 6.0]])
        c = np.array([0.5, 2.0, 3.0])
        d = np.array([13.0, 6.0, 8.0])
        p0 = np.array([[0.97, 0.98], [0.95, 0.99], [0.99, 0.96]])
        return {"q": q.astype(dtype), "c": c.astype(dtype), "d": d.astype(dtype), "p0": p0.astype(dtype),
                "r": np.full(3, 0.1, dtype), "depth": np.array([150.0, 120.0], dtype)}

    def public(x, max_iter=500):
        return fire_sale(x["q"], x["c"], x["d"], x["p0"], x["r"], x["depth"], impact=impact, max_iter=max_iter)

    def kernel(x, p0):
        return fire_sale_one(*(jnp.asarray(x[k]) for k in ("q", "c", "d")), jnp.asarray(p0),
                             jnp.asarray(x["r"]), jnp.asarray(x["depth"]), impact=impact)

    def nan(x):
        p0 = x["p0"].copy()
        p0[0, 1] = np.nan
        return dict(x, p0=p0), np.array([True, False, False])

    return Channel(f"fire_sale[{impact}]", inputs, public, kernel, "p0", "max_iter", (0, 1, 2),
                   nan, None, "c", lambda r: r.prices.sum() + r.mark_to_market_loss.sum())


CHANNELS = [_clearing(m) for m in ("picard", "fictitious_default", "hybrid")] \
    + [_debtrank(m) for m in ("classic", "linear")] \
    + [_debtrank_by_entity(m) for m in ("classic", "linear")] \
    + [_cascade()] + [_fire_sale(i) for i in ("exponential", "linear")]


# --------------------------------------------------------------------------- helpers


def _moded(fn, mode, **static):
    """``inputs -> fn(inputs, **static)``, inside an outer jax.jit in "jit" mode."""
    call = lambda x: fn(x, **static)   # noqa: E731
    return jax.jit(call) if mode == "jit" else call


def _host(tree):
    return jax.tree_util.tree_map(np.asarray, tree)


def _assert_same(ch, a, b, dtype, what):
    rtol, atol = (1e-5, 1e-5) if dtype == np.float32 else (1e-12, 1e-12)
    va, vb = ch.view(a), ch.view(b)
    assert va.keys() == vb.keys()
    for field in va:
        np.testing.assert_allclose(np.asarray(va[field]), np.asarray(vb[field]),
                                   rtol=rtol, atol=atol, err_msg=f"{what}: {field}")


def _row(tree, b):
    return jax.tree_util.tree_map(lambda x: np.asarray(x)[b], tree)


def _unbatched(x, key, b):
    return dict(x, **{key: x[key][b]})


# --------------------------------------------------------------------------- the table


# Cells over 10 s on a loaded 2-core machine (the exact solvers' gradients compile slowly): run
# with `pytest -m slow`. Every channel keeps at least one cell in the default run (the exact
# solvers' gradients against finite differences in float64 also run in test_gradients.py).
SLOW_CELLS = {("solve_clearing[hybrid]", "f64", "eager"), ("solve_clearing[hybrid]", "f64", "jit"),
              ("solve_clearing[hybrid]", "f32", "eager"), ("solve_clearing[fictitious_default]", "f64", "eager"),
              ("solve_clearing[fictitious_default]", "f64", "jit"),
              ("solve_clearing[fictitious_default]", "f32", "eager")}
CELLS = [pytest.param(ch, dtype, mode, id=f"{ch.name}-{dname}-{mode}",
                      marks=[pytest.mark.slow] if (ch.name, dname, mode) in SLOW_CELLS else [])
         for ch in CHANNELS for dtype, dname in zip(DTYPES, ("f32", "f64")) for mode in MODES]


@pytest.mark.parametrize("ch,dtype,mode", CELLS)
def test_channel_contract(ch, dtype, mode):
    x = ch.inputs(dtype)
    rows = x[ch.batch_key]
    nb = rows.shape[0]

    # vmap of the kernel == Python loop of the kernel == public batched call
    kernel = (lambda r: ch.kernel(x, r))                                      # noqa: E731
    vmapped = jax.vmap(kernel)
    one = kernel
    if mode == "jit":
        vmapped, one = jax.jit(vmapped), jax.jit(one)
    vm = _host(vmapped(jnp.asarray(rows)))
    public = _moded(ch.public, mode)
    batched = _host(public(x))
    for b in range(nb):
        looped = _host(one(jnp.asarray(rows[b])))
        _assert_same(ch, _row(vm, b), looped, dtype, f"vmap vs loop, scenario {b}")
        _assert_same(ch, _row(batched, b), looped, dtype, f"public batched vs kernel, scenario {b}")
    assert np.all(batched.status == Status.OK), batched.status
    np.testing.assert_array_equal(batched.converged, batched.status == Status.OK)
    assert batched.status.dtype == np.int32
    float_out = [v for v in jax.tree_util.tree_leaves(batched) if np.issubdtype(v.dtype, np.floating)]
    assert all(v.dtype == dtype for v in float_out), [v.dtype for v in float_out]

    # an unbatched input gives unbatched results (a scalar status)
    single = _host(public(_unbatched(x, ch.batch_key, 0)))
    assert single.status.shape == () and single.converged.shape == ()
    _assert_same(ch, single, _row(batched, 0), dtype, "unbatched vs batched row 0")

    # NaN in -> NONFINITE out, never OK (the other scenarios stay OK)
    x_nan, touched = ch.nan(x)
    bad = _host(public(x_nan))
    np.testing.assert_array_equal(bad.status[touched], Status.NONFINITE)
    np.testing.assert_array_equal(bad.status[~touched], Status.OK)
    assert not np.any(bad.converged[touched])

    # a cap of one step on scenarios that need more -> MAX_STEPS
    capped = _host(_moded(ch.public, mode, **{ch.cap: 1})(x))
    rows_capped = list(ch.capped_rows)
    np.testing.assert_array_equal(capped.status[rows_capped], Status.MAX_STEPS)
    assert not np.any(capped.converged[rows_capped])

    # a self-loop: ValueError with concrete inputs, INVALID when traced
    if ch.self_loop is not None:
        looped_in = ch.self_loop(x)
        if mode == "eager":
            with pytest.raises(ValueError, match="self-loop"):
                ch.public(looped_in)
        else:
            inv = _host(public(looped_in))
            np.testing.assert_array_equal(inv.status, Status.INVALID)
            assert not np.any(inv.converged)

    # jax.grad of a scalar of the outputs against central differences (float64)
    if dtype != np.float64:
        return
    g_in = x[ch.grad_key]
    scalar = lambda v: ch.scalar(ch.public(dict(x, **{ch.grad_key: v})))    # noqa: E731
    grad = jax.jit(jax.grad(scalar)) if mode == "jit" else jax.grad(scalar)
    g = np.asarray(grad(jnp.asarray(g_in)))
    assert np.all(np.isfinite(g))
    # the values through the public call compiled above (same shapes: no new compilation)
    value = lambda v: float(ch.scalar(_host(public(dict(x, **{ch.grad_key: v})))))  # noqa: E731
    support = np.flatnonzero(g_in)
    fd = []
    for flat in support:
        plus, minus = g_in.copy(), g_in.copy()
        plus.reshape(-1)[flat] += H
        minus.reshape(-1)[flat] -= H
        fd.append((value(plus) - value(minus)) / (2 * H))
    fd = np.array(fd)
    np.testing.assert_allclose(g.reshape(-1)[support], fd, rtol=1e-5, atol=1e-8 * max(1.0, np.abs(fd).max()))
    assert np.abs(fd).max() > 1e-3, "the scalar should respond to its input"
    # forward mode agrees with reverse mode (jit mode: one more compilation, so once per cell pair)
    if mode != "jit":
        return
    direction = np.zeros_like(g_in)
    direction.reshape(-1)[support] = np.linspace(0.5, 1.5, support.size)
    jvp = jax.jit(lambda v, t: jax.jvp(scalar, (v,), (t,)))
    _, tangent = jvp(jnp.asarray(g_in), jnp.asarray(direction))
    np.testing.assert_allclose(float(tangent), float((g * direction).sum()), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- single channels


def test_debtrank_issue_example_converges_to_the_exact_fixed_point():
    # h = h0 + Λ h with Λ = [[0, .9], [.9, 0]], h0 = (0.1, 0):
    # h_0 = 0.1 / (1 - 0.81) = 0.5263157894736842, h_1 = 0.9 h_0 = 0.4736842105263158.
    res = debtrank([[0, 0.9], [0.9, 0]], [1, 1], [0.1, 0], method="linear")
    assert res.h.shape == (2,) and res.status.shape == ()
    assert int(res.status) == Status.OK and bool(res.converged)
    assert abs(float(res.h[0]) - 0.5263157894736842) <= 1e-9
    assert abs(float(res.h[1]) - 0.4736842105263158) <= 1e-9


# A closed group that can make the exact solver's regime system singular. With alpha = beta = 1
# and e >= 0 it cannot: the defaulters' recoveries add up to what they pay each other plus
# their external assets, so the last member of a closed group never falls short. A negative
# external position (losses beyond assets) does it: A owes B 10, B owes A 10, both forced,
# e = (-1, 0). Round 1: A's recovery -1 + 10 = 9 < 10 (linear), B pays 10 -> p_A = 9; round 2:
# B's recovery 9 < 10 too, and the system p_A = -1 + p_B, p_B = p_A is singular (det 0).
# The greatest clearing vector is p = (0, 0): p_A = max(0, p_B - 1), p_B = p_A.
SINGULAR_L = np.array([[0.0, 10.0], [10.0, 0.0]])
SINGULAR_E = np.array([-1.0, 0.0])


@pytest.mark.parametrize("method", ["picard", "fictitious_default", "hybrid"])
@pytest.mark.parametrize("forced", [True, False], ids=["forced", "free"])
@pytest.mark.parametrize("mode", MODES)
def test_singular_exact_system_is_never_ok_with_nonfinite_payments(method, forced, mode):
    net = make_network(SINGULAR_L)
    f = np.array([forced, forced])
    call = _moded(lambda e, **_: solve_clearing(net, e, forced_default=f, method=method), mode)
    r = _host(call(jnp.asarray(SINGULAR_E)))
    finite = np.all(np.isfinite(r.payments)) and np.all(np.isfinite(r.equity))
    if not finite:
        assert r.status != Status.OK
    if r.status == Status.OK:
        # a finite, correct answer: the greatest clearing vector
        np.testing.assert_allclose(r.payments, [0.0, 0.0], atol=1e-9)
        np.testing.assert_allclose(r.equity, [0.0, 0.0], atol=1e-9)
    else:
        assert r.status in (Status.SINGULAR, Status.NONFINITE) and not r.converged
    if method == "picard":   # Picard has no linear system: it converges to the answer
        assert r.status == Status.OK


@pytest.mark.parametrize("method", ["fictitious_default", "hybrid"])
def test_singular_exact_system_reports_singular(method):
    r = solve_clearing(make_network(SINGULAR_L), jnp.asarray(SINGULAR_E),
                       forced_default=np.array([True, True]), method=method)
    assert int(r.status) == Status.SINGULAR


def test_exact_solver_too_few_unknown_slots_is_singular_not_ok():
    # Chain 0 -> 1 -> 2 -> outside (10 each), e = (5, 0, 0): all three default and pay 5. With
    # room for one unknown per round the second round cannot be solved: status SINGULAR.
    L = np.zeros((3, 3))
    L[0, 1] = L[1, 2] = 10.0
    net = make_network(L, np.array([0.0, 0.0, 10.0]))
    e = np.array([5.0, 0.0, 0.0])
    r = solve_clearing(net, e, method="fictitious_default", size=1)
    assert int(r.status) == Status.SINGULAR and not bool(r.converged)
    full = solve_clearing(net, e, method="fictitious_default", size=3)
    assert int(full.status) == Status.OK
    np.testing.assert_allclose(full.payments, [5.0, 5.0, 5.0], atol=1e-12)


# --------------------------------------------------------------------------- exact vs NumPy


def _numpy_fictitious_default(L, ext, e, alpha, beta, max_rounds=1000):
    """Rogers & Veraart (2013)'s Greatest Clearing Vector Algorithm, written with numpy.

    D_0 = {i : e_i + (Πᵀ pbar)_i < pbar_i}; given D_k, everyone outside D_k pays pbar and the
    defaulters pay their recovery, x_D = (I − β Π_DDᵀ)⁻¹ (α e_D + β Π_{·D}ᵀ p_known), solved with
    numpy.linalg.solve on the |D| × |D| system; D_{k+1} = {i : e_i + (Πᵀ p)_i < pbar_i}; stop
    when D no longer grows. Returns (p, V, D, rounds)."""
    pbar = L.sum(1) + ext
    pi = L / np.where(pbar > 0, pbar, 1.0)[:, None]
    d = e + pbar @ pi < pbar
    p = pbar.copy()
    for k in range(1, max_rounds + 1):
        idx = np.flatnonzero(d)
        known = np.where(d, 0.0, pbar)
        p = known.copy()
        if idx.size:
            m = np.eye(idx.size) - beta * pi[np.ix_(idx, idx)].T
            b = alpha * e[idx] + beta * (known @ pi)[idx]
            p[idx] = np.linalg.solve(m, b)
        a = e + p @ pi
        d_new = d | (a < pbar)
        if np.array_equal(d_new, d):
            return p, np.where(d, 0.0, a - pbar), d, k
        d = d_new
    raise AssertionError("no convergence")


def _random_liabilities(rng, n):
    """Sparse lognormal liabilities (about 3 links per entity) and external debt (USD bn)."""
    mask = rng.random((n, n)) < 3.0 / n
    np.fill_diagonal(mask, False)
    L = np.where(mask, rng.lognormal(1.5, 1.0, (n, n)), 0.0)
    ext = 0.1 * L.sum(1) + rng.uniform(0.5, 5.0, n) + L.sum(1) * rng.uniform(0.0, 1.0, n)
    return L, ext


@pytest.mark.parametrize("n", [30, 64, 100])
def test_exact_solver_matches_numpy_fictitious_default(n):
    rng = np.random.default_rng(2024 + n)
    L, ext = _random_liabilities(rng, n)
    pbar = L.sum(1) + ext
    need = np.maximum(pbar - pbar @ (L / pbar[:, None]), 0.0) + 1.0
    E = need[None, :] * rng.uniform(0.0, 1.3, (4, n))
    net = make_network(L, ext)
    scale = max(1.0, pbar.max())
    rounds = []
    for alpha, beta in [(1.0, 1.0), (0.6, 0.8), (0.3, 0.95)]:     # EN, then Rogers–Veraart costs
        res = _host(solve_clearing(net, E, params=ClearingParams(alpha, beta), method="fictitious_default"))
        assert np.all(res.status == Status.OK)
        for b in range(E.shape[0]):
            p, v, d, k = _numpy_fictitious_default(L, ext, E[b], alpha, beta)
            np.testing.assert_allclose(res.payments[b], p, rtol=0, atol=1e-9 * scale)
            np.testing.assert_allclose(res.equity[b], v, rtol=0, atol=1e-9 * scale)
            np.testing.assert_array_equal(res.defaulted[b], d)
            rounds.append(k)
            assert 0 < d.sum() < n, "want a mix of defaulters and survivors"
    assert max(rounds) >= 2, "want cascades of several rounds"

"""Implicit gradients through the clearing fixed point (docs/model.md §9; solvers.implicit_fixed_point,
channels/implicit.py, and the public solve_clearing with every method).

1. gradients of Σp, of one firm's equity V_k and of ``system_loss`` with respect to e, L (on its
   support), external liabilities, C, alpha and beta against central finite differences, on
   random networks of 5–20 entities drawn so that no entity is within 1e-3 of its default
   threshold (Eisenberg–Noe, Rogers–Veraart, with and without forced defaults);
2. the kink: a two-node network with one entity exactly at default, against one-sided finite
   differences on the documented (solvent) side, and the other side shown to differ;
3. vmap over a batch of e and over a batch of L equals a loop; jit equals eager (slow);
4. the backward pass does not unroll the solver: one while loop in the gradient's jaxpr whatever
   max_iter, and an exact gradient after more than a thousand Picard steps;
5. the smoothed default indicator, and the implicit derivative against the implicit function
   theorem written out with ``clearing_map``'s own Jacobians at the answer;
6. the public ``solve_clearing`` differentiates the same way with every method.

Finite differences run batched: every perturbed parameter set of a network is one row of a single
jitted ``lax.map`` call, and every drawn network is padded to one shape (one compilation in all).
"""
from pathlib import Path

import jax
import jax.numpy as jnp
from jax import lax
import numpy as np
import pytest

from stressgpu._types import Status
from stressgpu.channels.clearing import ClearingNetwork, ClearingParams, clearing_map
from stressgpu.channels.clearing_batch import solve_clearing
from stressgpu.channels.implicit import (
    clear_differentiable,
    clear_differentiable_result,
    clearing_assets,
    smooth_default_probability,
    system_loss,
)

H = 1e-6            # finite-difference step
FD_TOL = 1e-14      # solver tolerance for the finite-difference solves (their error / H must be small)
MARGIN = 1e-3       # no entity this close (times max(1, pbar)) to its default threshold
N_PAD = 20          # entities per drawn problem, after padding
FD_ROWS = 1024      # rows of the batched finite-difference call (2 per direction, padded)
NAMES = ("L", "ext", "C", "e", "alpha", "beta")


# --------------------------------------------------------------------------- random problems


def _np_clear(L, ext, C, e, alpha, beta, forced, tol=1e-14, max_iter=100_000):
    """Host Picard from the top (numpy; no compilation per drawn shape): ``(p, V, a)``."""
    pbar = L.sum(1) + ext
    pi = L / pbar[:, None]
    p = pbar.copy()
    v = np.linalg.solve(np.eye(len(e)) - C, np.maximum(e + pbar @ pi - pbar, 0.0))
    for _ in range(max_iter):
        a = e + p @ pi + C @ v
        d = forced | (a < pbar)
        p_new = np.where(d, np.clip(alpha * e + beta * (a - e), 0.0, pbar), pbar)
        v_new = np.where(d, 0.0, a - pbar)
        done = max(np.abs(p_new - p).max(), np.abs(v_new - v).max()) <= tol * max(1.0, pbar.max())
        p, v = p_new, v_new
        if done:
            break
    return p, v, e + p @ pi + C @ v


def _margins_ok(L, ext, C, e, alpha, beta, forced):
    """Every entity at least MARGIN (times max(1, pbar)) from a kink: its default threshold, the
    recovery's clip at 0 (defaulters) or at pbar (forced defaulters)."""
    p, v, a = _np_clear(L, ext, C, e, alpha, beta, forced)
    pbar = L.sum(1) + ext
    d = forced | (a < pbar)
    rec = alpha * e + beta * (a - e)
    gap = np.where(forced, np.abs(rec - pbar), np.abs(a - pbar))
    gap = np.where(d & ~forced, np.minimum(gap, rec), gap)
    return bool(np.all(gap > MARGIN * np.maximum(1.0, pbar))), d, v


def _random_problem(seed, alpha=1.0, beta=1.0, cross=True, n_forced=0):
    """A network of 5–20 linked entities, a shocked e and a baseline e, away from every kink,
    with at least two defaulters and two solvent entities, padded to N_PAD entities (the extra
    ones owe and hold nothing, so every draw shares one compilation). Returns
    (theta, e_baseline, forced, k) with k a solvent entity (largest equity) whose V_k the tests
    differentiate."""
    rng = np.random.default_rng(seed)
    for _ in range(500):
        n = int(rng.integers(5, N_PAD + 1))
        L = np.where(rng.random((n, n)) < 0.35, rng.uniform(0.2, 2.0, (n, n)), 0.0)
        np.fill_diagonal(L, 0.0)
        ext = rng.uniform(0.2, 2.0, n)
        C = np.zeros((n, n))
        if cross:
            C = np.where(rng.random((n, n)) < 0.25, rng.uniform(0.05, 0.3, (n, n)), 0.0)
            np.fill_diagonal(C, 0.0)
            C *= np.minimum(1.0, 0.6 / np.maximum(C.sum(0), 1e-12))[None, :]   # column sums <= 0.6
        pbar = L.sum(1) + ext
        e_base = rng.uniform(0.5, 1.5, n) * pbar
        e = e_base * rng.uniform(0.2, 1.0, n)
        forced = np.zeros(n, bool)
        forced[rng.choice(n, n_forced, replace=False)] = True
        ok, d, v = _margins_ok(L, ext, C, e, alpha, beta, forced)
        ok_base, _, _ = _margins_ok(L, ext, C, e_base, alpha, beta, np.zeros(n, bool))
        if ok and ok_base and (d & ~forced).sum() >= 2 and (~d).sum() >= 2:
            m = N_PAD - n
            pad2 = lambda x: np.pad(x, ((0, m), (0, m)))                    # noqa: E731
            pad1 = lambda x, c: np.pad(x, (0, m), constant_values=c)       # noqa: E731
            theta = (pad2(L), pad1(ext, 1.0), pad2(C), pad1(e, 2.0), np.float64(alpha), np.float64(beta))
            return theta, pad1(e_base, 2.0), pad1(forced, False), int(np.argmax(v))
    raise AssertionError("no admissible draw")


def _outputs(theta, e_base, forced, k, tol=None):
    """[Σp, V_k, system_loss] of one parameter set."""
    L, ext, C, e, alpha, beta = theta
    p, v = clear_differentiable(L, ext, C, e, alpha, beta, forced, tol=tol)
    loss = system_loss(L, ext, C, e, e_base, alpha, beta, forced, tol=tol)
    return jnp.stack([p.sum(), v[k], loss])


# One compilation each for every draw (all padded to N_PAD, FD batches padded to FD_ROWS).
# lax.map, not vmap: the rows perturb C, so a vmap would batch the LAPACK solve inside
# clearing.equity_upper_bound, and concurrent batched LAPACK calls can deadlock jaxlib 0.10 on a
# small CPU (see implicit._dense_solve).
_FD_OUTPUTS = jax.jit(lambda rows, e_base, forced, k: lax.map(
    lambda th: _outputs(th, e_base, forced, k, tol=FD_TOL), rows))
_JACOBIAN = jax.jit(jax.jacrev(_outputs))


def _support(name, theta):
    """Flat indices perturbed for each parameter: all of e and ext, the support of L and C."""
    x = np.asarray(theta[NAMES.index(name)])
    if name in ("L", "C"):
        return np.flatnonzero(x)
    return np.arange(x.size)


def _central_differences(theta, e_base, forced, k):
    """{name: [3, len(support)]} central differences, all directions in one jitted call."""
    rows, index = [], []
    for name in NAMES:
        i = NAMES.index(name)
        for flat in _support(name, theta):
            for sign in (1.0, -1.0):
                th = [np.array(x, dtype=np.float64, copy=True) for x in theta]
                th[i].reshape(-1)[flat] += sign * H
                rows.append(th)
            index.append((name, flat))
    assert len(rows) <= FD_ROWS
    rows += [rows[-1]] * (FD_ROWS - len(rows))                      # pad to one batch shape
    batch = tuple(jnp.asarray(np.stack([r[j] for r in rows])) for j in range(len(NAMES)))
    out = np.asarray(_FD_OUTPUTS(batch, jnp.asarray(e_base), jnp.asarray(forced), jnp.asarray(k)))
    out = out[:2 * len(index)].reshape(-1, 2, 3)
    diff = (out[:, 0] - out[:, 1]) / (2 * H)                       # [directions, 3]
    fd = {}
    for (name, _), d in zip(index, diff):
        fd.setdefault(name, []).append(d)
    return {name: np.stack(v, axis=1) for name, v in fd.items()}


def _analytic(theta, e_base, forced, k):
    """{name: [3, len(support)]} from jax.jacrev through the implicit adjoint."""
    jac = _JACOBIAN(tuple(map(jnp.asarray, theta)), jnp.asarray(e_base), jnp.asarray(forced), jnp.asarray(k))
    return {name: np.asarray(jac[i]).reshape(3, -1)[:, _support(name, theta)] for i, name in enumerate(NAMES)}


# --------------------------------------------------------------------------- 1. against FD


CASES = [  # (seed, alpha, beta, cross-holdings, forced defaults)
    (0, 1.0, 1.0, False, 0),
    (1, 1.0, 1.0, True, 0),
    (2, 0.7, 0.9, True, 0),
    (3, 0.8, 0.6, True, 1),
]


@pytest.mark.parametrize("seed,alpha,beta,cross,n_forced", CASES)
def test_gradients_match_central_differences(seed, alpha, beta, cross, n_forced):
    theta, e_base, forced, k = _random_problem(seed, alpha, beta, cross, n_forced)
    fd = _central_differences(theta, e_base, forced, k)
    an = _analytic(theta, e_base, forced, k)
    for name in NAMES:
        if an[name].size == 0:        # C without cross-holdings: no support
            continue
        scale = max(1.0, np.abs(an[name]).max())
        np.testing.assert_allclose(an[name], fd[name], rtol=1e-5, atol=1e-6 * scale, err_msg=name)
    # the draw exercises every channel: payments and equity respond to e, L and C
    assert np.abs(an["e"][0]).max() > 0.1 and np.abs(an["L"]).max() > 0.1
    if cross:
        assert np.abs(an["C"]).max() > 1e-3
    assert np.abs(an["alpha"]).max() > 1e-3 and np.abs(an["beta"]).max() > 1e-3


# --------------------------------------------------------------------------- 2. the kink

# Entity 0 owes 2 to entity 1; entity 1 owes 1 to entity 0 and 1 outside; entity 1 holds a
# quarter of entity 0's equity. With e = (1, 0.5): p = (2, 2), a_0 = 1 + ½·2 = 2 = pbar_0 exactly
# (entity 0 at its threshold), a_1 = 0.5 + 2 + ¼·0 = 2.5 > pbar_1 = 2, V = (0, 0.5).
# Raising e_0 by h keeps 0 solvent: V_0 = h, V_1 = 0.5 + h/4, p unchanged.
# Lowering e_0 by h defaults 0: (EN) p_0 = 2 − h, V_1 = 0.5 − h; (RV) p_0 jumps down.
KINK_L = np.array([[0.0, 2.0], [1.0, 0.0]])
KINK_EXT = np.array([0.0, 1.0])
KINK_C = np.array([[0.0, 0.0], [0.25, 0.0]])
KINK_E = np.array([1.0, 0.5])


@jax.jit
def _kink_outputs(e, ext, alpha, beta):
    p, v = clear_differentiable(KINK_L, ext, KINK_C, e, alpha, beta)
    return jnp.concatenate([p, v])


def _one_sided(fun, x, i, sign, h=1e-6):
    dx = np.zeros_like(x)
    dx[i] = sign * h
    return sign * (np.asarray(fun(x + dx)) - np.asarray(fun(x))) / h


@pytest.mark.parametrize("alpha,beta", [(1.0, 1.0), (0.5, 0.5)])
def test_kink_gradient_is_the_solvent_side(alpha, beta):
    res = clear_differentiable_result(KINK_L, KINK_EXT, KINK_C, KINK_E, alpha, beta)
    a, pbar = clearing_assets(KINK_L, KINK_EXT, KINK_C, KINK_E, res.payments, res.equity)
    assert float(a[0]) == float(pbar[0]) == 2.0 and not bool(res.defaulted[0])
    np.testing.assert_allclose(np.concatenate([res.payments, res.equity]), [2.0, 2.0, 0.0, 0.5], atol=1e-12)

    f_e = lambda x: _kink_outputs(x, KINK_EXT, alpha, beta)          # noqa: E731
    f_ext = lambda x: _kink_outputs(KINK_E, x, alpha, beta)          # noqa: E731
    jac_e = np.asarray(jax.jit(jax.jacrev(f_e))(KINK_E))             # [4 outputs, 2 inputs]
    jac_ext = np.asarray(jax.jit(jax.jacrev(f_ext))(KINK_EXT))

    # documented side: right derivative in e_0, left derivative in ext_0 (both keep 0 solvent)
    np.testing.assert_allclose(jac_e[:, 0], _one_sided(f_e, KINK_E, 0, +1), atol=1e-8)
    np.testing.assert_allclose(jac_e[:, 0], [0.0, 0.0, 1.0, 0.25], atol=1e-12)
    np.testing.assert_allclose(jac_ext[:, 0], _one_sided(f_ext, KINK_EXT, 0, -1), atol=1e-8)
    # the other side differs: it is a genuine kink (EN) or a jump (RV)
    other = _one_sided(f_e, KINK_E, 0, -1)
    assert np.abs(other - jac_e[:, 0]).max() > 0.5
    if alpha == 1.0:
        np.testing.assert_allclose(other, [1.0, 0.0, 0.0, 1.0], atol=1e-8)   # default branch
    # entity 1 is away from its threshold: both sides agree in e_1
    np.testing.assert_allclose(jac_e[:, 1], _one_sided(f_e, KINK_E, 1, +1), atol=1e-8)
    np.testing.assert_allclose(jac_e[:, 1], _one_sided(f_e, KINK_E, 1, -1), atol=1e-8)


# --------------------------------------------------------------------------- 3. vmap and jit


def test_vmap_over_e_and_over_L_equals_loop():
    (L, ext, C, e, alpha, beta), e_base, _, _ = _random_problem(11, 0.9, 0.8)

    def f(L_, e_):                    # two clearings (shocked and baseline), p and V both used
        return system_loss(L_, ext, C, e_, e_base, alpha, beta)

    grad = jax.jit(jax.grad(f, argnums=(0, 1)))
    assert np.abs(grad(L, e)[1]).max() > 0.1

    es = np.stack([e * s for s in (0.5, 0.8, 1.0, 1.3)])
    batched = jax.jit(jax.vmap(grad, in_axes=(None, 0)))(L, es)
    for j, ej in enumerate(es):
        for b, l in zip(batched, grad(L, ej)):
            np.testing.assert_allclose(b[j], l, rtol=1e-10, atol=1e-12)

    Ls = np.stack([L * s for s in (0.7, 1.0, 1.2)])
    batched = jax.jit(jax.vmap(grad, in_axes=(0, None)))(Ls, e)
    for j, Lj in enumerate(Ls):
        for b, l in zip(batched, grad(Lj, e)):
            np.testing.assert_allclose(b[j], l, rtol=1e-10, atol=1e-12)


@pytest.mark.slow
def test_gradient_jit_equals_eager():
    # one clearing, to keep the eager op-by-op compilations few (still > 10 s: marked slow;
    # the channel contract table checks jit and eager gradients of every channel)
    (L, ext, C, e, alpha, beta), _, _, _ = _random_problem(11, 0.9, 0.8)
    g = jax.grad(lambda L_, e_: clear_differentiable(L_, ext, C, e_, alpha, beta)[1].sum(), argnums=(0, 1))
    for b, l in zip(jax.jit(g)(L, e), g(L, e)):
        np.testing.assert_allclose(b, l, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- 4. no unrolling


def _ring(n=6, ext=0.02):
    """Everyone owes 1 to the next and ``ext`` outside; with e = 0.01 < ext all default, p = 0.51,
    and Picard contracts at rate 1/(1 + ext) per step: about 1,400 steps to 1e-12."""
    L = np.roll(np.eye(n), 1, axis=1)
    return L, np.full(n, ext), np.zeros((n, n)), np.full(n, 0.01)


def test_gradient_does_not_unroll_the_solver():
    L, ext, C, e = _ring()

    def jaxpr(max_iter):
        f = lambda e_: clear_differentiable(L, ext, C, e_, max_iter=max_iter)[0].sum()  # noqa: E731
        return str(jax.make_jaxpr(jax.grad(f))(e))

    small, large = jaxpr(10), jaxpr(10**7)
    assert len(small.splitlines()) == len(large.splitlines())
    assert small.count("while[") == large.count("while[") == 1       # the forward Picard loop only

    res = jax.jit(lambda e_: clear_differentiable_result(L, ext, C, e_, max_iter=10**7))(e)
    assert bool(res.converged) and int(res.iterations) > 1000 and bool(res.defaulted.all())
    # all default (EN): p = (I − Πᵀ)⁻¹ e, so dΣp/de = (I − Π)⁻¹ 1
    pi = L / (L.sum(1) + ext)[:, None]
    exact = np.linalg.solve(np.eye(len(e)) - pi, np.ones(len(e)))
    g = jax.jit(jax.grad(lambda e_: clear_differentiable(L, ext, C, e_, max_iter=10**7)[0].sum()))(e)
    np.testing.assert_allclose(g, exact, rtol=1e-10)


# --------------------------------------------------------------------------- 5. smoothing, map


def test_smooth_default_probability_gradients():
    a, pbar, t = jnp.array([0.5, 2.0, 1.0, 100.0]), jnp.array([1.0, 1.0, 1.0, 1.0]), 0.1
    prob = smooth_default_probability(a, pbar, t)
    np.testing.assert_allclose(prob[2], 0.5)
    assert prob[0] > 0.99 and prob[1] < 0.01
    da, dpbar = jax.jit(jax.jacrev(smooth_default_probability, argnums=(0, 1)))(a, pbar, t)
    da, dpbar = np.diag(da), np.diag(dpbar)
    assert np.all(np.isfinite(da)) and np.all(np.isfinite(dpbar))
    assert np.all(da[:3] < 0) and np.all(dpbar[:3] > 0)
    np.testing.assert_allclose(dpbar[2], 0.25 / t)                  # sigmoid'(0) / T
    # a warmer indicator raises the probability of a solvent entity, lowers that of a defaulter
    dt = np.diag(jax.jit(jax.jacrev(smooth_default_probability, argnums=2))(a, pbar, jnp.full(4, t)))
    assert np.all(np.isfinite(dt))
    assert dt[1] > 0 and dt[0] < 0

    # through the clearing: raising e_i lowers i's default probability, raising its debt raises it
    (L, ext, C, e, alpha, beta), _, _, _ = _random_problem(5, 0.9, 0.9)

    def pd(e_, ext_):
        p, v = clear_differentiable(L, ext_, C, e_, alpha, beta)
        a_, pbar_ = clearing_assets(L, ext_, C, e_, p, v)
        return smooth_default_probability(a_, pbar_, 0.5)

    d_e, d_ext = jax.jit(jax.jacrev(pd, argnums=(0, 1)))(e, ext)
    assert np.all(np.isfinite(d_e)) and np.all(np.isfinite(d_ext))
    assert np.all(np.diag(d_e) < 0) and np.all(np.diag(d_ext) > 0)


def test_implicit_derivative_is_the_implicit_function_theorem_on_the_clearing_map():
    # At the answer z* = (p, V), z* = Φ(z*, e) with Φ = clearing_map on the branch selected;
    # so dz*/de = (I − ∂Φ/∂z)⁻¹ ∂Φ/∂e. Both Jacobians are taken from clearing_map itself
    # (jax.jacfwd at the fixed point), the solve is numpy's: the adjoint must agree.
    n = N_PAD

    @jax.jit
    def pieces(L, ext, C, e, a_, b_, f):
        res = clear_differentiable_result(L, ext, C, e, a_, b_, f)
        net = ClearingNetwork(L, ext, C)
        params = ClearingParams(a_, b_)

        def phi(z, e_):
            return jnp.concatenate(clearing_map(net, e_, z[:n], z[n:], f, params)[:2])

        z = jnp.concatenate([res.payments, res.equity])
        _, _, d = clearing_map(net, e, res.payments, res.equity, f, params)
        got = jax.jacrev(lambda e_: jnp.concatenate(clear_differentiable(L, ext, C, e_, a_, b_, f)))(e)
        return res, z, phi(z, e), d, jax.jacfwd(phi, argnums=0)(z, e), jax.jacfwd(phi, argnums=1)(z, e), got

    for seed, alpha, beta, n_forced in [(1, 1.0, 1.0, 0), (3, 0.8, 0.6, 1)]:
        theta, _, forced, _ = _random_problem(seed, alpha, beta, True, n_forced)
        res, z, phi_z, d, dz, de, got = jax.tree_util.tree_map(
            np.asarray, pieces(*map(jnp.asarray, theta), jnp.asarray(forced)))
        assert int(res.status) == Status.OK
        np.testing.assert_array_equal(d, res.defaulted)
        np.testing.assert_allclose(phi_z, z, atol=1e-12)        # z* = Φ(z*, e)
        ift = np.linalg.solve(np.eye(2 * n) - dz, de)
        np.testing.assert_allclose(got, ift, rtol=1e-10, atol=1e-12)
        assert np.abs(ift).max() > 0.1


# --------------------------------------------------------------------------- 6. public API


@pytest.mark.parametrize("method", ["picard", "fictitious_default", "hybrid"])
def test_solve_clearing_gradients_every_method(method):
    # grad through the public function, under jit, agrees with the array-signature
    # clear_differentiable (Picard) and with a central difference in e (one direction).
    (L, ext, C, e, alpha, beta), _, forced, k = _random_problem(2, 0.7, 0.9, True, 1)
    net = ClearingNetwork(*map(jnp.asarray, (L, ext, C)))
    params = ClearingParams(alpha, beta)

    def f(e_):
        r = solve_clearing(net, e_, forced_default=forced, params=params, method=method)
        return r.payments.sum() + r.equity[k]

    g = np.asarray(jax.jit(jax.grad(f))(jnp.asarray(e)))
    ref = np.asarray(jax.jit(jax.grad(lambda e_: (lambda pv: pv[0].sum() + pv[1][k])(
        clear_differentiable(L, ext, C, e_, alpha, beta, forced))))(jnp.asarray(e)))
    np.testing.assert_allclose(g, ref, rtol=1e-10, atol=1e-12)
    # (forward mode through solve_clearing: the channel contract table)
    direction = np.random.default_rng(0).normal(size=e.shape)
    fd = (float(f(jnp.asarray(e + H * direction))) - float(f(jnp.asarray(e - H * direction)))) / (2 * H)
    np.testing.assert_allclose(g @ direction, fd, rtol=1e-5, atol=1e-6)
    assert np.abs(g).max() > 0.1


@pytest.mark.slow
def test_path_gradients_match_central_differences():
    """Issue 13 / docs/model.md §9: derivatives of horizon losses (credit losses by lender kind,
    system loss, market-value wealth loss) through the whole quarterly path agree with central
    differences (float64, 1e-5 relative) for debt links, commitments and stakes. The test
    network's Neocloud defaults at t = 0 under a DeepSeek shock (k = 4, ε = 0.7); a stake of the
    bank in the chipmaker (a solvent issuer) is added so that stakes move losses."""
    from dataclasses import replace

    from stressgpu.data import load_tables
    from stressgpu.model import ModelParams
    from stressgpu.network import build_network
    from stressgpu.sensitivity import horizon_losses, path_gradients, path_inputs, with_inputs
    from stressgpu.shocks import neutral

    net, labels = build_network(load_tables(Path(__file__).parent / "fixtures" / "mini"), dtype=jnp.float64)
    net = replace(net, cross_holdings=net.cross_holdings.at[labels.index("bank"), labels.index("chip")].set(0.05))
    params = ModelParams(clearing_tol=1e-14, price_tol=1e-12, firesale_steps=200, tile=0)
    f = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, jnp.float64))
    f = f.__class__(**{**f.__dict__, "default_now": f.default_now.at[labels.index("neo")].set(True),
                       "efficiency": jnp.asarray(4.0), "elasticity": jnp.asarray(0.7)})
    losses, jac, status = path_gradients(net, f, params)
    assert status == 0 and float(losses[-2]) > 0.0
    x0 = path_inputs(net)
    fn = jax.jit(lambda x: horizon_losses(with_inputs(net, x), f, params)[0])
    rng = np.random.default_rng(0)
    h = 1e-6
    for name in ("debt_amount", "commit_amount", "stakes"):
        v = x0[name]
        d = jnp.asarray(rng.normal(size=v.shape)) * (jnp.abs(v) + 1.0)
        fd = (fn({**x0, name: v + h * d}) - fn({**x0, name: v - h * d})) / (2 * h)
        an = jnp.tensordot(jac[name], d, axes=d.ndim)
        assert float(jnp.abs(an).max()) > 1e-3, name                  # the inputs move the losses
        np.testing.assert_allclose(np.asarray(an), np.asarray(fd), rtol=1e-5, atol=1e-6 * float(jnp.abs(fd).max()),
                                   err_msg=name)

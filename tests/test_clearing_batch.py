"""Batched clearing (stressgpu.channels.clearing_batch, docs/model.md §5.2): the public
``solve_clearing`` on a batch ``e`` ``[B, N]``.

1. every method: a batch equals its scenarios solved one by one, and the call traces under an
   outer jit;
2. the batched Picard loop (one loop over the whole batch, compaction stages, the link form for
   sparse networks): each scenario's answer, steps, status and residual are the one-scenario
   kernel's (``clear_one``; a stop that a last-bit difference of the products moves is rare and
   stays within the tolerance, ``_same_steps``), its implicit derivatives too, and a non-finite
   scenario is reported alone.

The helpers are the ones of tests/test_clearing.py (copied: test modules do not import each
other); checks run on the host in numpy.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu._types import Status
from stressgpu.channels import clearing_batch
from stressgpu.channels.clearing import ClearingParams, EdgeNetwork, clear_one, make_network
from stressgpu.channels.clearing_batch import _form, solve_clearing

from clearing_helpers import _host, _np_map, _pbar_pi, _random_e, _random_network, _solve

METHODS = ("picard", "fictitious_default", "hybrid")
SMALL = (12, 5)   # (scenarios, entities) of the random small-network tests


# --------------------------------------------------------------------------- 1. batching, jit


@pytest.mark.parametrize("method", METHODS)
def test_batched_equals_single_scenarios_and_jit(method):
    rng = np.random.default_rng(11)
    batch, n = SMALL
    L, ext, _ = _random_network(rng, n, density=0.5)
    E = _random_e(rng, L, ext, batch)
    net = make_network(L, ext)
    params = ClearingParams(0.7, 0.9)
    rb = _solve(net, E, method=method, params=params)
    assert rb.payments.shape == (batch, n) and rb.iterations.shape == (batch,)
    assert np.all(rb.converged)
    for b in range(batch):
        r1 = _solve(net, E[b], method=method, params=params)
        assert r1.payments.shape == (n,) and r1.converged.shape == ()
        np.testing.assert_allclose(r1.payments, rb.payments[b], rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(r1.equity, rb.equity[b], rtol=1e-13, atol=1e-13)
        np.testing.assert_array_equal(r1.defaulted, rb.defaulted[b])
        assert r1.iterations == rb.iterations[b]
    # the whole call traces under an outer jit (network as a pytree argument)
    jitted = jax.jit(lambda nt, e: solve_clearing(nt, e, method=method, params=params))
    rj = _host(jitted(net, jnp.asarray(E)))
    np.testing.assert_allclose(rj.payments, rb.payments, rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(rj.defaulted, rb.defaulted)


# --------------------------------------------------------------------------- 2. batched Picard
#
# solve_clearing(method="picard") on a batch runs one loop over the whole batch (stages that
# gather the scenarios still running into smaller batches; a link form for sparse networks),
# not vmap of the one-scenario loop. Each scenario's answer, steps and status must be the
# one-scenario kernel's (up to a stop moved by a last-bit difference: _same_steps).


def _clear_one_rows(net, E, F, params, **kw):
    one = jax.jit(jax.vmap(lambda e, f: clear_one(net, e, f, params, method="picard", **kw)))
    return _host(one(jnp.asarray(E), jnp.asarray(F)))


@pytest.mark.parametrize("stakes", [False, True], ids=["plain", "stakes"])
def test_batched_picard_stages_equal_one_scenario_kernel(stakes, monkeypatch):
    # 1,300 scenarios in four compaction stages (the stage floor lowered for the test); default
    # costs, forced defaults, operating companies that keep paying, capital floors; scenarios
    # converge at different steps.
    monkeypatch.setattr(clearing_batch, "_MIN_WORK", 1000)
    assert len(clearing_batch._stage_rows(1300, 20)) == 4
    rng = np.random.default_rng(21)
    n, batch = 20, 1300
    L, ext, C = _random_network(rng, n, density=0.2, cross=stakes)
    E = _random_e(rng, L, ext, batch, 0.0, 1.3)
    F = rng.random((batch, n)) < 0.03
    can = rng.random(n) < 0.7
    params = ClearingParams(0.6, 0.9, can, np.full(n, 0.5))
    net = make_network(L, ext, C if stakes else None)
    rb = _solve(net, E, forced_default=F, params=params)
    r1 = _clear_one_rows(net, E, F, params)
    assert np.all(rb.status == Status.OK) and np.all(r1.status == Status.OK) and len(np.unique(rb.iterations)) >= 3
    same = _same_steps(rb, r1)
    np.testing.assert_array_equal(rb.defaulted, r1.defaulted)
    np.testing.assert_allclose(rb.payments[same], r1.payments[same], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rb.equity[same], r1.equity[same], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rb.residual[same], r1.residual[same], rtol=0, atol=1e-12)
    # where a last-bit difference moved the stop, both answers are within the tolerance (1e-12
    # of each entity's obligations, default in float64) of the same fixed point
    pbar = L.sum(1) + ext
    assert np.all(np.abs(rb.payments - r1.payments) <= 2e-12 * pbar + 1e-14)
    # a cap reached in a later stage: status MAX_STEPS where the kernel says so, same steps
    cap = int(np.median(rb.iterations))
    rc, r1c = _solve(net, E, forced_default=F, params=params, max_iter=cap), _clear_one_rows(net, E, F, params, max_steps=cap)
    np.testing.assert_array_equal(rc.status[same], r1c.status[same])
    np.testing.assert_array_equal(rc.iterations[same], r1c.iterations[same])
    np.testing.assert_allclose(rc.payments[same], r1c.payments[same], rtol=1e-12, atol=1e-12)
    assert 0 < np.sum(rc.status == Status.MAX_STEPS) < batch


def _same_steps(rb, r1):
    """Scenarios where the batched loop stopped at the kernel's step, asserting that the others
    are rare and one chance to stop apart. The two run the same rule on the same iterates, but
    XLA compiles their products apart (a batch of columns against a vmapped vector): the
    iterates can differ in the last bit, and a stopping decision that sits on its threshold —
    the certificate compares ratios of changes a few dozen ulps above the round-off floor —
    can go either way (2 of 1,300 scenarios with cross-holdings here). The certificate is tried
    at every other iterate, so the stop moves by two steps."""
    same = rb.iterations == r1.iterations
    assert same.mean() >= 0.99, f"{int((~same).sum())} scenarios stopped at another step"
    assert np.all(np.abs(rb.iterations - r1.iterations) <= 2)
    return same


@pytest.mark.parametrize("stakes", [False, True], ids=["plain", "stakes"])
def test_picard_residual_is_the_maps_change_at_the_answer(stakes):
    # The answer is the last iterate whose image was computed: its residual, reported without
    # a further product, must be |Φ(z) − z| at the answer as an independent NumPy map computes
    # it, within the tolerance when converged; the defaults are the map's at the answer. Both
    # the batched loop and the one-scenario kernel.
    rng = np.random.default_rng(33)
    n, batch = 12, 40
    L, ext, C = _random_network(rng, n, density=0.3, cross=stakes)
    E = _random_e(rng, L, ext, batch, 0.0, 1.2)
    alpha, beta = 0.7, 0.9
    net = make_network(L, ext, C if stakes else None)
    tol = 1e-9
    thresh = tol * max(1.0, float(_pbar_pi(L, ext)[0].max()))
    F = np.zeros(E.shape, bool)
    for res in (_solve(net, E, params=ClearingParams(alpha, beta), tol=tol),
                _clear_one_rows(net, E, F, ClearingParams(alpha, beta), tol=tol)):
        p_img, v_img, d = _np_map(L, ext, C if stakes else np.zeros((n, n)), E, res.payments, res.equity, F, alpha, beta)
        change = np.abs(p_img - res.payments).max(1)
        if stakes:
            change = np.maximum(change, np.abs(v_img - res.equity).max(1))
        assert np.all(res.status == Status.OK) and np.all(res.iterations >= 2)
        np.testing.assert_allclose(res.residual, change, rtol=0, atol=1e-12)
        assert np.all(res.residual <= thresh)
        np.testing.assert_array_equal(res.defaulted, d)
        assert 0 < d.sum() < d.size


def test_batched_picard_link_form_for_sparse_networks():
    rng = np.random.default_rng(4)
    n, batch = 200, 40
    L, ext, _ = _random_network(rng, n, density=3.0 / n)
    E = _random_e(rng, L, ext, batch, 0.0, 1.2)
    net = make_network(L, ext)
    assert _form(net, n, False)[0]                       # sparse: the link form is chosen
    rb = _solve(net, E)
    r1 = _clear_one_rows(net, E, np.zeros(E.shape, bool), ClearingParams())
    assert np.all(rb.status == Status.OK) and rb.defaulted.any()
    np.testing.assert_allclose(rb.payments, r1.payments, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(rb.equity, r1.equity, rtol=1e-11, atol=1e-11)
    np.testing.assert_array_equal(rb.defaulted, r1.defaulted)
    assert np.abs(rb.iterations - r1.iterations).max() <= 2   # summation order may move the stop (_same_steps)
    # the same network as a link list, eager and under jit (traced: indices from the one-hot rows)
    src, dst = np.nonzero(L)
    eye = np.eye(n)
    edges = EdgeNetwork(jnp.asarray(L[src, dst]), jnp.asarray(eye[src]), jnp.asarray(eye[dst]), jnp.asarray(ext), None)
    for call in (lambda en: solve_clearing(en, jnp.asarray(E)), jax.jit(lambda en: solve_clearing(en, jnp.asarray(E)))):
        re = _host(call(edges))
        np.testing.assert_allclose(re.payments, rb.payments, rtol=1e-11, atol=1e-11)
        np.testing.assert_array_equal(re.status, rb.status)
    # a dense network under jit stays dense and agrees
    rj = _host(jax.jit(lambda nt: solve_clearing(nt, jnp.asarray(E)))(net))
    np.testing.assert_allclose(rj.payments, rb.payments, rtol=1e-11, atol=1e-11)


def test_batched_picard_gradients_and_nonfinite_rows():
    # implicit derivatives of the batched path equal the one-scenario kernel's
    rng = np.random.default_rng(8)
    n, batch = 6, 5
    L, ext, C = _random_network(rng, n, density=0.5, cross=True)
    E = _random_e(rng, L, ext, batch, 0.2, 1.1)
    net = make_network(L, ext, C)
    params = ClearingParams(0.8, 0.9)

    def batched(e):
        r = solve_clearing(net, e, params=params)
        return r.payments.sum() + r.equity.sum()

    def looped(e):
        r = jax.vmap(lambda x: clear_one(net, x, jnp.zeros(n, bool), params))(e)
        return r.payments.sum() + r.equity.sum()

    g, g1 = jax.grad(batched)(jnp.asarray(E)), jax.grad(looped)(jnp.asarray(E))
    np.testing.assert_allclose(np.asarray(g), np.asarray(g1), rtol=1e-10, atol=1e-12)
    # NaN or infinity in one scenario: that scenario NONFINITE, the others OK
    E2 = E.copy()
    E2[1, 2], E2[3, 0] = np.nan, np.inf
    r = _solve(net, E2, params=params)
    np.testing.assert_array_equal(r.status, [0, Status.NONFINITE, 0, Status.NONFINITE, 0])

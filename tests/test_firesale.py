"""Fire-sale channel (docs/model.md §5.3): Cifuentes, Ferrucci & Shin (2005) sales to a
minimum capital ratio, exponential or linear (Greenwood, Landier & Thesmar 2015) impact,
greatest price fixed point. Reference arithmetic in these tests is plain Python / NumPy.

Conventions: with no batched argument the result has no B axis (prices [A], sold [N, A],
scalars per scenario); with one, [B, ...]. Every result carries ``status`` and
``converged == (status == OK)``; ``tol`` defaults to 1e-12 (float64) / 1e-6 (float32)."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stressgpu._types import Status
from stressgpu.channels.firesale import FireSaleResult, fire_sale, price_impact


def _random_network(rng, n, a, *, r=0.08):
    """Holders with capital ratios spread around r at baseline prices: some distressed."""
    q = rng.uniform(0.0, 10.0, (n, a))
    c = rng.uniform(0.0, 5.0, n)
    ratio0 = rng.uniform(0.03, 0.4, n)  # baseline E / V
    d = c + q.sum(axis=1) * (1.0 - ratio0)
    return q, c, d, np.full(n, r)


def _sale_fraction_py(q_row, c, d, prices, r):
    """CFS sale rule for one holder, written out: fraction of every class sold."""
    value = sum(p * x for p, x in zip(prices, q_row))
    equity = c + value - d
    if equity <= 0:
        return 1.0
    if value <= 0:
        return 0.0
    return min(max(1.0 - equity / (r * value), 0.0), 1.0)


def test_two_holders_one_asset_linear_hand_worked():
    # Holder 0: q=10, c=0, d=9; holder 1: q=5, c=2, d=5; r=0.1; shocked p0=0.95; depth 200.
    # At p0: E0 = 9.5 - 9 = 0.5, ratio 0.5/9.5 = 0.053 < 0.1 -> holder 0 sells;
    #        E1 = 4.75 + 2 - 5 = 1.75, ratio 1.75/4.75 = 0.37 > 0.1 -> holder 1 does not.
    # Holder 0 sells s = q - E/(r p) = 10 - (10p - 9)/(0.1 p) = 90/p - 90.
    # Linear impact: p = p0 (1 - s/D) = 0.95 (1 - (90/p - 90)/200) = 0.95 (1.45 - 0.45/p)
    # => p^2 - 0.95*1.45 p + 0.95*0.45 = 0; the greatest root is the equilibrium.
    p0, depth = 0.95, 200.0
    b, c = p0 * 1.45, p0 * 0.45
    p_star = (b + math.sqrt(b * b - 4.0 * c)) / 2.0  # 0.905260
    s_star = 90.0 / p_star - 90.0  # 9.4190, inside [0, 10]
    assert 0.0 < s_star < 10.0
    # Holder 1 at p_star: E = 5 p + 2 - 5, ratio E / (5 p) still above 0.1.
    assert (5.0 * p_star - 3.0) / (5.0 * p_star) > 0.1

    res = fire_sale(
        jnp.array([[10.0], [5.0]]),
        jnp.array([0.0, 2.0]),
        jnp.array([9.0, 5.0]),
        jnp.array([p0]),
        0.1,
        jnp.array([depth]),
        impact="linear",
    )
    assert isinstance(res, FireSaleResult)
    assert res.prices.shape == (1,) and res.sold.shape == (2, 1)
    assert res.mark_to_market_loss.shape == (2,)
    assert res.converged.shape == () and res.status.shape == () and res.iterations.shape == ()
    assert bool(res.converged) and int(res.status) == Status.OK
    np.testing.assert_allclose(res.prices[0], p_star, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.sold[:, 0], [s_star, 0.0], rtol=0, atol=1e-8)
    loss = (p0 - p_star) * np.array([10.0, 5.0])
    np.testing.assert_allclose(res.mark_to_market_loss, loss, rtol=0, atol=1e-9)


def test_same_answer_without_jit():
    args = (jnp.array([[10.0], [5.0]]), jnp.array([0.0, 2.0]), jnp.array([9.0, 5.0]),
            jnp.array([0.95]), 0.1, jnp.array([200.0]))
    jitted = fire_sale(*args, impact="linear")
    with jax.disable_jit():
        eager = fire_sale(*args, impact="linear")
    np.testing.assert_allclose(eager.prices, jitted.prices, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(eager.iterations, jitted.iterations)


@pytest.mark.parametrize("impact", ["exponential", "linear"])
def test_no_distressed_holder_no_sales(impact):
    q = jnp.array([[4.0, 1.0], [2.0, 3.0], [0.0, 5.0]])
    c = jnp.array([1.0, 0.5, 2.0])
    d = jnp.array([3.0, 2.0, 4.0])  # ratios at p0 well above 0.1
    p0 = jnp.array([[0.9, 0.8], [1.0, 1.0]])
    res = fire_sale(q, c, d, p0, 0.1, jnp.array([50.0, 50.0]), impact=impact)
    np.testing.assert_array_equal(res.sold, 0.0)
    np.testing.assert_array_equal(res.prices, p0)
    np.testing.assert_array_equal(res.mark_to_market_loss, 0.0)
    assert bool(jnp.all(res.converged))


def test_infinite_depth_leaves_prices_unchanged():
    rng = np.random.default_rng(0)
    q, c, d, r = _random_network(rng, 8, 3)
    p0 = np.array([0.7, 0.85, 0.9])
    for impact in ("exponential", "linear"):
        res = fire_sale(q, c, d, p0, r, jnp.full(3, jnp.inf), impact=impact)
        np.testing.assert_array_equal(res.prices, p0)
        np.testing.assert_array_equal(res.mark_to_market_loss, 0.0)
        # Distressed holders still sell, just enough at p0: CFS rule evaluated at p0.
        fractions = [_sale_fraction_py(q[i], c[i], d[i], p0, r[i]) for i in range(8)]
        assert max(fractions) > 0.0
        np.testing.assert_allclose(res.sold, np.array(fractions)[:, None] * q, atol=1e-12)


def test_price_impact_formulas():
    s, p0, depth = jnp.array([10.0, 30.0]), jnp.array([0.9, 1.0]), jnp.array([20.0, 20.0])
    np.testing.assert_allclose(
        price_impact(s, p0, depth, "exponential"), [0.9 * math.exp(-0.5), math.exp(-1.5)]
    )
    # 1 - 30/20 < 0: the floor binds for the second class.
    np.testing.assert_allclose(price_impact(s, p0, depth, "linear", 0.1), [0.9 * 0.5, 0.1])
    with pytest.raises(ValueError, match="impact"):
        price_impact(s, p0, depth, "quadratic")


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shock=st.floats(0.0, 0.4),
    extra=st.floats(0.0, 0.3),
    impact=st.sampled_from(["exponential", "linear"]),
)
def test_larger_shock_never_raises_price_or_lowers_loss(seed, shock, extra, impact):
    rng = np.random.default_rng(seed)
    n, a = 6, 2
    q, c, d, r = _random_network(rng, n, a)
    depth = rng.uniform(50.0, 1000.0, a)
    weights = rng.uniform(0.5, 1.0, a)  # how hard each class is hit
    small = 1.0 - shock * weights
    large = 1.0 - (shock + extra) * weights  # componentwise no higher than `small`
    p0 = np.stack([small, large])  # B = 2 scenarios, network shared
    floor = 0.05
    res = fire_sale(q, c, d, p0, r, depth, impact=impact, price_floor=floor)
    assert bool(jnp.all(res.converged))
    prices = np.asarray(res.prices)
    lower = floor * p0 if impact == "linear" else 0.0
    assert np.all(prices > 0.0) and np.all(prices >= lower - 1e-12)
    assert np.all(prices <= p0 + 1e-15)
    assert np.all(prices[1] <= prices[0] + 1e-10)
    # Losses from baseline prices (1): the shock's direct loss plus the fire-sale loss.
    # (mark_to_market_loss alone, measured from p0, need not grow with the shock.)
    total_loss = q @ (1.0 - prices.T)  # [N, B]
    np.testing.assert_allclose(
        total_loss, q @ (1.0 - p0.T) + np.asarray(res.mark_to_market_loss).T, atol=1e-9
    )
    assert np.all(total_loss[:, 1] >= total_loss[:, 0] - 1e-9)
    assert np.all(np.asarray(res.sold[1]) >= np.asarray(res.sold[0]) - 1e-9)
    # A thinner market never raises prices either.
    thin = fire_sale(q, c, d, p0, r, depth / 2.0, impact=impact, price_floor=floor)
    assert np.all(np.asarray(thin.prices) <= prices + 1e-10)


def test_holder_order_does_not_matter():
    rng = np.random.default_rng(1)
    n, a = 12, 3
    q, c, d, _ = _random_network(rng, n, a)
    r = rng.uniform(0.05, 0.12, n)
    p0, depth = np.array([0.8, 0.9, 0.85]), np.array([40.0, 80.0, 60.0])
    perm = rng.permutation(n)
    base = fire_sale(q, c, d, p0, r, depth)
    perm_res = fire_sale(q[perm], c[perm], d[perm], p0, r[perm], depth)
    np.testing.assert_allclose(perm_res.prices, base.prices, rtol=0, atol=1e-12)
    np.testing.assert_allclose(perm_res.sold, base.sold[perm], rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        perm_res.mark_to_market_loss, base.mark_to_market_loss[perm], rtol=0, atol=1e-10
    )


def test_batched_equals_looped():
    rng = np.random.default_rng(2)
    bsz, n, a = 4, 7, 2
    nets = [_random_network(rng, n, a) for _ in range(bsz)]
    q = np.stack([x[0] for x in nets])
    c = np.stack([x[1] for x in nets])
    d = np.stack([x[2] for x in nets])
    r = nets[0][3]
    p0 = rng.uniform(0.6, 1.0, (bsz, a))
    depth = np.array([200.0, 400.0])
    for impact in ("exponential", "linear"):
        batched = fire_sale(q, c, d, p0, r, depth, impact=impact)
        shared_q = fire_sale(q[0], c, d, p0, r, depth, impact=impact)  # network shared
        for b in range(bsz):
            one = fire_sale(q[b], c[b], d[b], p0[b], r, depth, impact=impact)
            for got, want in zip(batched, one):
                np.testing.assert_allclose(got[b], want, rtol=0, atol=1e-12)
            alone = fire_sale(q[0], c[b], d[b], p0[b], r, depth, impact=impact)
            for got, want in zip(shared_q, alone):
                np.testing.assert_allclose(got[b], want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("impact", ["exponential", "linear"])
def test_fixed_point_satisfies_equilibrium_equations(impact):
    rng = np.random.default_rng(3)
    n, a = 15, 3
    q, c, d, r = _random_network(rng, n, a)
    # Mild shock, deep-ish markets: at the equilibrium some holders sell part of their book,
    # some are wiped out, the rest are untouched (all three branches of the rule are hit).
    p0 = np.array([0.95, 0.97, 0.96])
    depth = np.array([600.0, 1200.0, 900.0])
    res = fire_sale(q, c, d, p0, r, depth, impact=impact)
    assert bool(res.converged) and int(res.status) == Status.OK
    p, sold = np.asarray(res.prices), np.asarray(res.sold)
    # Market clearing: p_a = impact(sum_i s_ia), written out.
    total = sold.sum(axis=0)
    if impact == "exponential":
        implied = p0 * np.exp(-total / depth)
    else:
        implied = p0 * np.maximum(0.0, 1.0 - total / depth)
    np.testing.assert_allclose(p, implied, rtol=0, atol=1e-9)
    # Each holder follows the CFS rule at p: sells pro rata, just enough to restore r.
    value = q @ p
    equity = c + value - d
    kept_value = (q - sold) @ p
    assert np.all(sold >= -1e-12) and np.all(sold <= q + 1e-12)
    branches = {"wiped out": 0, "untouched": 0, "partial": 0}
    for i in range(n):
        frac = sold[i] / np.where(q[i] > 0, q[i], 1.0)
        np.testing.assert_allclose(frac[q[i] > 0], frac[q[i] > 0][0], atol=1e-12)  # pro rata
        if equity[i] <= 0:
            branches["wiped out"] += 1
            np.testing.assert_allclose(sold[i], q[i], atol=1e-12)
        elif equity[i] / value[i] >= r[i]:
            branches["untouched"] += 1
            np.testing.assert_allclose(sold[i], 0.0, atol=1e-12)
        else:
            branches["partial"] += 1
            # Post-sale capital ratio back at the minimum (equity unchanged by the sale).
            np.testing.assert_allclose(equity[i] / kept_value[i], r[i], atol=1e-9)
    assert min(branches.values()) > 0, branches
    np.testing.assert_allclose(res.mark_to_market_loss, q @ (p0 - p), atol=1e-12)


def _greatest_fixed_point_bisection(q, c, d, r, p0, depth):
    """Plain Python: scan down from p0 for the first p with phi(p) >= p, then bisect."""

    def phi(p):
        sold = sum(_sale_fraction_py([qi], ci, di, [p], ri) * qi
                   for qi, ci, di, ri in zip(q, c, d, r))
        return p0 * math.exp(-sold / depth)

    steps = 4000
    h = p0 / steps
    hi = p0
    if phi(hi) >= hi:
        return hi
    for k in range(1, steps + 1):
        lo = p0 - k * h
        if phi(lo) >= lo:  # phi(p) < p on (lo, hi]: the greatest root is in [lo, hi)
            break
        hi = lo
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if phi(mid) >= mid:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def test_matches_independent_bisection_one_asset():
    rng = np.random.default_rng(4)
    n = 20
    q = rng.uniform(1.0, 10.0, n)
    c = rng.uniform(0.0, 3.0, n)
    ratio0 = rng.uniform(0.02, 0.25, n)
    d = c + q * (1.0 - ratio0)
    r = rng.uniform(0.06, 0.1, n)
    p0, depth = 0.93, 150.0
    want = _greatest_fixed_point_bisection(q, c, d, r, p0, depth)
    res = fire_sale(q[:, None], c, d, jnp.array([p0]), r, jnp.array([depth]))
    assert bool(res.converged)
    assert want < p0 - 0.01  # a real fire sale, not the trivial p = p0
    np.testing.assert_allclose(res.prices[0], want, rtol=0, atol=1e-9)


def test_iteration_cap_reports_not_converged():
    q, c, d = jnp.array([[10.0], [5.0]]), jnp.array([0.0, 2.0]), jnp.array([9.0, 5.0])
    res = fire_sale(q, c, d, jnp.array([0.95]), 0.1, jnp.array([200.0]),
                    impact="linear", max_iter=3)
    assert not bool(res.converged) and int(res.status) == Status.MAX_STEPS
    assert int(res.iterations) == 3
    # batched: one status per scenario
    res = fire_sale(q, c, d, jnp.array([[0.95], [1.0]]), 0.1, jnp.array([200.0]),
                    impact="linear", max_iter=3)
    assert res.status.tolist() == [Status.MAX_STEPS, Status.OK]
    assert res.converged.tolist() == [False, True]


def test_default_tolerance_follows_dtype():
    # tol=None: 1e-12 in float64, 1e-6 in float32. The hand-worked linear case contracts at
    # rate |phi'(p*)| = 0.95 * 0.45 / p*^2 ~ 0.52, so float64 needs more steps than float32,
    # and an explicit loose tol takes fewer still.
    args = [np.array([[10.0], [5.0]]), np.array([0.0, 2.0]), np.array([9.0, 5.0]),
            np.array([0.95]), 0.1, np.array([200.0])]
    f64 = fire_sale(*args, impact="linear")
    f32 = fire_sale(*(np.asarray(a, np.float32) for a in args), impact="linear")
    loose = fire_sale(*args, impact="linear", tol=1e-3)
    assert int(f64.status) == int(f32.status) == int(loose.status) == Status.OK
    assert int(loose.iterations) < int(f32.iterations) < int(f64.iterations)
    assert f32.prices.dtype == np.float32
    np.testing.assert_allclose(f32.prices, f64.prices, rtol=0, atol=1e-5)


def test_float32_converges_and_agrees_with_float64():
    rng = np.random.default_rng(5)
    q, c, d, r = _random_network(rng, 10, 2)
    p0, depth = np.array([0.8, 0.9]), np.array([50.0, 70.0])
    f64 = fire_sale(q, c, d, p0, r, depth)
    f32 = fire_sale(*(x.astype(np.float32) for x in (q, c, d, p0, r, depth)))
    assert f32.prices.dtype == jnp.float32
    assert bool(f32.converged)
    np.testing.assert_allclose(f32.prices, f64.prices, rtol=0, atol=1e-4)


def test_bad_arguments_raise():
    q, c, d = jnp.ones((3, 2)), jnp.zeros(3), jnp.ones(3)
    with pytest.raises(ValueError, match="impact"):
        fire_sale(q, c, d, jnp.ones(2), 0.1, jnp.ones(2), impact="sqrt")
    with pytest.raises(ValueError, match="disagree on B"):
        fire_sale(q, jnp.zeros((4, 3)), d, jnp.ones((5, 2)), 0.1, jnp.ones(2))
    with pytest.raises(ValueError, match="prices0"):
        fire_sale(q, c, d, jnp.ones(3), 0.1, jnp.ones(2))

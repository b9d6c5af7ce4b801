"""stressgpu.model.valuation (docs/model.md §6): the DCF value of equity, the two-stage growth
fade and the priced-in growth, the value along the path, the discount rate and the ledger's
accruals, with hand-worked numbers and an independent explicit series in NumPy.

Three firms, r = 10 % a year, a horizon of 8 quarters: d_T = 1.1^-2 = 1 / 1.21.
"""
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu._types import KINDS
from stressgpu.model.params import ModelParams
from stressgpu.model.state import Ledger
from stressgpu.model.valuation import (GROWTH_HIGH, GROWTH_LOW, MIN_TERMINAL_SPREAD, PricedIn, accrue, scaled_extra, market_value,
                                       scenario_discount_rate, tail_multiple, value_parts, value_path)
from stressgpu.model.valuation import priced_in as priced_in_with_option


def priced_in(*args, **kw):
    """The DCF's own tests: the equity at its DCF value, no option value (volatility 0);
    :func:`test_a_living_firms_equity_is_a_call_on_its_dcf_value` tests the option."""
    return priced_in_with_option(*args, **{"volatility": 0.0, **kw})

f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
R, Q = 0.10, 8
D_T = 1 / 1.21


def parts():
    # head = payout_pv + d_T cash_built = 5 + 12.1 / 1.21 = 15; tail = d_T X: 2.42 / 1.21 = 2, and
    # -1 for a firm still losing money (X = -1.21).
    return value_parts(f64([5.0, 5.0, 5.0]), f64([12.1, 12.1, 12.1]), f64([2.42, -1.21, 2.42]), f64([R] * 3), Q)


def test_value_parts():
    vp = jax.jit(value_parts, static_argnums=4)(f64([5.0]), f64([12.1]), f64([2.42]), f64([R]), Q)
    np.testing.assert_allclose([vp.head[0], vp.tail[0], vp.rate[0], vp.d_T[0]], [15.0, 2.0, R, D_T])


def series(r, g0, g_inf, n, years=4000):
    """The fade's multiple as a long explicit series, independent of the module: growth
    g0 in year 1 falling in equal steps of (g0 − g∞)/n to g∞ in year n + 1, then g∞ for ever
    (4,000 years: the rest is below 1e-60 of the sum at these rates)."""
    k = np.arange(1, years + 1)
    g = g_inf + (g0 - g_inf) * np.clip(1.0 - (k - 1) / max(n, 1e-9), 0.0, 1.0)
    return float(np.sum(np.cumprod(1.0 + g) / (1.0 + r) ** k))


def multiple(r, g0, g_inf=0.03, n=10.0):
    one = lambda x: jnp.asarray([x], jnp.float64)  # noqa: E731
    return float(tail_multiple(one(r), one(g0), one(g_inf), one(n))[0])


@pytest.mark.parametrize("r,g0,g_inf,n", [(0.10, 0.25, 0.03, 10.0), (0.157, 0.8, 0.03, 10.0), (0.08, -0.3, 0.03, 10.0),
                                          (0.09, 0.15, 0.02, 3.5), (0.12, 0.40, 0.03, 50.0), (0.10, 0.2, 0.03, 0.0)])
def test_the_fade_multiple_equals_an_explicit_series(r, g0, g_inf, n):
    np.testing.assert_allclose(multiple(r, g0, g_inf, n), series(r, g0, g_inf, n), rtol=1e-12)


def test_the_fade_by_hand():
    # n = 1: one year at g0, then g∞: F = (1 + g0)/(1 + r) · (1 + (1 + g∞)/(r − g∞)) = (1 + g0)/(r − g∞).
    np.testing.assert_allclose(multiple(0.10, 0.25, 0.03, 1.0), 1.25 / 0.07, rtol=1e-13)
    # n = 2: 25 %, then 14 %, then 3 %: F = 1.25/1.1 + 1.25·1.14/1.1² · (1 + 1.03/0.07).
    np.testing.assert_allclose(multiple(0.10, 0.25, 0.03, 2.0), 1.25 / 1.1 + 1.25 * 1.14 / 1.21 * (1 + 1.03 / 0.07),
                               rtol=1e-13)
    # No excess growth: the Gordon multiple (1 + g)/(r − g), whatever the fade.
    np.testing.assert_allclose(multiple(0.10, 0.03, 0.03, 10.0), 1.03 / 0.07, rtol=1e-13)


def test_the_long_run_growth_stays_well_below_the_discount_rate():
    # r = 4 %: g∞ = min(3 %, 4 % − 2 %) = 2 %; r = 1 % (the floor): g∞ = −1 %, multiple 0.99/0.02.
    np.testing.assert_allclose(multiple(0.04, 0.02, 0.03, 10.0), 1.02 / 0.02, rtol=1e-13)
    np.testing.assert_allclose(multiple(0.01, -0.01, 0.03, 10.0), 0.99 / 0.02, rtol=1e-13)
    assert MIN_TERMINAL_SPREAD >= 0.02


def test_the_value_rises_in_near_term_growth_and_stays_bounded():
    g0 = jnp.linspace(GROWTH_LOW, GROWTH_HIGH, 301)
    for r in (0.01, 0.05, 0.10, 0.20):
        m = np.asarray(tail_multiple(jnp.full_like(g0, r), g0, jnp.full_like(g0, 0.03), jnp.full_like(g0, 10.0)))
        assert np.isfinite(m).all() and (m > 0).all()
        assert (np.diff(m) > 0).all(), r
    # The largest multiple the solver can price in at r = 10 %: 100 % growth fading over ten
    # years — a few hundred times the cash flow, not the 1e4 of a Gordon spread floored at 1e-4.
    assert multiple(0.10, GROWTH_HIGH) == pytest.approx(series(0.10, GROWTH_HIGH, 0.03, 10.0), rel=1e-12)
    assert multiple(0.10, GROWTH_HIGH) < 1000


def test_priced_in_reproduces_the_target():
    # Firm 0, target 55: the multiple must be m = (55 - 15) / 2 = 20; the growth fade gives it at
    # the g0 where the explicit series is 20, and the no-shock value at t = 0 is 55.
    pi = priced_in(f64([55.0, 55.0, 0.0]), parts())
    assert bool(pi.by_growth[0]) and bool(pi.solved[0]) and pi.extra[0] == 0
    assert 0.03 < float(pi.growth[0]) < GROWTH_HIGH
    np.testing.assert_allclose(series(R, float(pi.growth[0]), 0.03, 10.0), 20.0, rtol=1e-10)
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[0], 55.0, rtol=1e-12)
    np.testing.assert_allclose([pi.long_run[0], pi.fade_years[0]], [0.03, 10.0])
    # Firm 2 has no target: nothing solved, zero growth, valued on its own path: 15 + 2 / 0.1 = 35.
    assert not pi.solved[2] and pi.growth[2] == 0 and pi.extra[2] == 0
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[2], 35.0, rtol=1e-12)
    # The configured fade and long-run growth are used (5 years to 2 %).
    pi5 = priced_in(f64([55.0, 55.0, 0.0]), parts(), terminal_growth=0.02, fade_years=5.0)
    np.testing.assert_allclose(series(R, float(pi5.growth[0]), 0.02, 5.0), 20.0, rtol=1e-10)


@pytest.mark.parametrize("target", [18.0, 30.0, 55.0, 200.0, 600.0])
def test_priced_in_matches_any_reachable_target_under_jit_and_has_the_implicit_derivative(target):
    vp = parts()
    pi = jax.jit(priced_in)(f64([target, 55.0, 0.0]), vp)
    assert bool(pi.by_growth[0])
    np.testing.assert_allclose(market_value(vp, pi, jnp.zeros(3, bool))[0], target, rtol=1e-10)
    # dg0/dM = 1 / (tail · dF/dg0), by the implicit function theorem.
    dg = jax.grad(lambda m: priced_in(f64([1.0, 0.0, 0.0]) * m, vp).growth[0])(f64(target))
    g0 = float(pi.growth[0])
    slope = (series(R, g0 + 1e-6, 0.03, 10.0) - series(R, g0 - 1e-6, 0.03, 10.0)) / 2e-6
    np.testing.assert_allclose(float(dg), 1.0 / (2.0 * slope), rtol=1e-5)


def test_a_target_no_growth_can_reach_falls_back_to_an_extra_cash_flow():
    # Multiple 5,000: more than 100 % growth fading over ten years gives: g0 = g∞ = 3 % and the
    # extra cash flow c solves 10,015 = 15 + d_T (X + c) 1.03/0.07.
    pi = priced_in(f64([10015.0, 55.0, 0.0]), parts())
    assert bool(pi.solved[0]) and not bool(pi.by_growth[0])
    np.testing.assert_allclose(pi.growth[0], 0.03)
    np.testing.assert_allclose(pi.extra[0], (10000 * 0.07 / 1.03 - 2) * 1.21, rtol=1e-12)
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[0], 10015.0, rtol=1e-12)


def one_firm(head, tail, r):
    """Value parts of one firm with the given head, tail (both discounted to t = 0) and rate, 8 quarters."""
    d_T = (1.0 + r) ** -2.0
    return value_parts(f64([head]), f64([0.0]), f64([tail / d_T]), f64([r]), Q)


def test_a_small_cash_flow_change_moves_the_value_by_a_bounded_factor():
    """The instability of model v2 (issue 26): Nebius-like, r = 15.7 %, the path's terminal cash
    flow almost nil (tail 0.02) and its payouts -15.2, valued by the market at 25. A Gordon tail
    needs a multiple of 2,010, g = 15.66 % ~ r, and a competitor's failure that lifts the tail
    to 0.26 multiplies the value by 20. The fade cannot carry a multiple above F(r, 100 %) ~ 243,
    so the market's value rests on an extra cash flow at g∞: the value moves by the change of
    the cash flow times F(r, g∞) = 1.03/0.127, ×1.08."""
    r = 0.157
    pi = priced_in(f64([25.0]), one_firm(-15.2, 0.02, r))
    np.testing.assert_allclose(market_value(one_firm(-15.2, 0.02, r), pi, jnp.zeros(1, bool)), [25.0], rtol=1e-12)
    after = float(market_value(one_firm(-15.2, 0.26, r), pi, jnp.zeros(1, bool))[0])
    np.testing.assert_allclose(after, 25.0 + 0.24 * 1.03 / (r - 0.03), rtol=1e-12)
    assert after / 25.0 < 1.5


def test_a_firm_whose_rate_falls_stays_finite_and_rises_by_a_bounded_factor():
    """Head -100, tail 1, r = 10 %, valued at 20: a multiple of 120. Gordon prices in g = 9.09 %;
    a rate 1 point lower puts g above r and the floored spread (1e-4) values the firm at 10,800
    (×540). Under the fade g0 carries the multiple for ten years and g∞ = 3 % stays 2 points
    below any rate: the value rises, finite, by less than ×3 for -1 point and stays finite at the
    1 % floor of the discount rate."""
    pi = priced_in(f64([20.0]), one_firm(-100.0, 1.0, 0.10))
    assert bool(pi.by_growth[0])
    values = [float(market_value(one_firm(-100.0, 1.0, r), pi, jnp.zeros(1, bool))[0]) for r in (0.10, 0.09, 0.05, 0.01)]
    np.testing.assert_allclose(values[0], 20.0, rtol=1e-12)
    assert np.isfinite(values).all() and (np.diff(values) > 0).all(), values
    assert values[1] / values[0] < 3.0, values
    # At r = 1 %: g∞ = -1 %, the whole multiple bounded by the series with 100 % near-term growth.
    assert values[3] < -100.0 + series(0.01, GROWTH_HIGH, -0.01, 10.0), values


def test_priced_in_fallback_solves_the_extra_cash_flow_when_the_tail_is_not_positive():
    # Firm 1, tail -1: g = 3 %, c solves 55 = 15 + d_T (X + c) 1.03 / 0.07, so
    # c = (40 * 0.07 / 1.03 + 1) * 1.21; firm 0 with a target below its head (10 < 15) falls back too:
    # c = (-5 * 0.07 / 1.03 - 2) * 1.21.
    pi = priced_in(f64([10.0, 55.0, 0.0]), parts())
    np.testing.assert_allclose(pi.growth[:2], [0.03, 0.03])
    np.testing.assert_allclose(pi.extra[:2], [(-5 * 0.07 / 1.03 - 2) * 1.21, (40 * 0.07 / 1.03 + 1) * 1.21])
    assert pi.solved[:2].all() and not pi.by_growth[:2].any()
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[:2], [10.0, 55.0])


def test_market_value_is_zero_when_defaulted_and_never_negative():
    vp = value_parts(f64([-50.0, 5.0]), f64([0.0, 12.1]), f64([1.21, 2.42]), f64([R, R]), Q)   # heads -50, 15
    none = PricedIn(f64([0, 0]), f64([0, 0]), jnp.zeros(2, bool), jnp.zeros(2, bool), f64([0, 0]), f64([0, 0]),
                    f64([0, 0]))
    # -50 + 1 / 0.1 = -40 -> 0; 15 + 2 / 0.1 = 35 alive, 0 defaulted.
    np.testing.assert_allclose(market_value(vp, none, jnp.asarray([False, False])), [0.0, 35.0])
    np.testing.assert_allclose(market_value(vp, none, jnp.asarray([False, True])), [0.0, 0.0])


def test_value_path_is_the_value_of_the_flows_still_to_come():
    # Firm 0 of parts(): payouts 5 in the last of 8 quarters only. payout_pv passed to parts is 5,
    # so take the payout 5 * 1.1^2 at t = 7 (worth 5 today); the market value is 55 (multiple 20).
    vp = parts()
    pi = priced_in(f64([55.0, 55.0, 0.0]), vp)
    pay = jnp.zeros((Q, 3)).at[Q - 1, :].set(5 * 1.21)
    alive = jnp.zeros((Q, 3), bool)
    v = value_path(pay, vp, pi, alive)
    d = 1.1 ** -0.25
    # At the end of quarter t the value is what is still to come discounted to t: the whole 55
    # grown by t + 1 quarters while the payout is still ahead (t < 7) ...
    np.testing.assert_allclose(v[:Q - 1, 0], 55.0 / d ** np.arange(1, Q))
    # ... and at the horizon, after the payout: cash built 12.1 + X F = 12.1 + 2.42 * 20.
    np.testing.assert_allclose(v[Q - 1, 0], 12.1 + 2.42 * 20)
    # So v[0] = (market value - d * payout_0) / d: at t = 0 it is the market value only grown one
    # quarter when nothing is paid in quarter 0; 0 from the quarter a firm defaults.
    np.testing.assert_allclose(v[0, 0] * d, market_value(vp, pi, jnp.zeros(3, bool))[0])
    assert (value_path(pay, vp, pi, alive.at[3:, 0].set(True))[3:, 0] == 0).all()


def test_scenario_discount_rate():
    # r = 4.2 % + 1 % shift + beta * 4.5 % + a * 3 % (AI premium). A lab: a = 1. A hyperscaler
    # with AI share 0.2 growing like its non-AI lines (4.5 %): a stays 0.2. A chipmaker with AI
    # share 0.5 and 10 % growth: after 8 quarters a = 1 - 0.5 (1.045 / 1.1)^2.
    net = SimpleNamespace(kind=jnp.asarray([KINDS.index(k) for k in ("ai_lab", "hyperscaler", "chipmaker")]),
                          ai_shares=f64([[0, 0, 0.3, 0], [0.1, 0, 0.1, 0], [0, 0.5, 0, 0]]),
                          revenue_growth=f64([0.5, 0.045, 0.10]), quarters=8,
                          economy=SimpleNamespace(lease_share=f64([0, 0, 0]), equity_beta=f64([1.2, 0.8, 1.5])))
    f = SimpleNamespace(rate_shift=f64(0.01), ai_premium=f64(0.03), equity_premium_shift=f64(0.0))
    a_chip = 1 - 0.5 * (1.045 / 1.10) ** 2
    want = [0.042 + 0.01 + 1.2 * 0.045 + 0.03, 0.042 + 0.01 + 0.8 * 0.045 + 0.2 * 0.03,
            0.042 + 0.01 + 1.5 * 0.045 + a_chip * 0.03]
    np.testing.assert_allclose(scenario_discount_rate(net, f, ModelParams()), want)
    # A large rate cut floors the cost of equity at 1 %.
    cut = SimpleNamespace(rate_shift=f64(-0.2), ai_premium=f64(0.0), equity_premium_shift=f64(0.0))
    np.testing.assert_allclose(scenario_discount_rate(net, cut, ModelParams()), [0.01] * 3)
    # A shift of the equity premium (a Taiwan blockade's) adds beta × the shift.
    erp = SimpleNamespace(rate_shift=f64(0.01), ai_premium=f64(0.03), equity_premium_shift=f64(0.015))
    np.testing.assert_allclose(scenario_discount_rate(net, erp, ModelParams()),
                               np.asarray(want) + np.asarray([1.2, 0.8, 1.5]) * 0.015, rtol=1e-12)


def test_accrue_discounts_the_payout_and_keeps_only_the_last_years_free_cash_flow():
    z = jnp.zeros(1)
    led = Ledger(**{name: z for name in Ledger._fields})   # accrue reads and writes payout_pv and ocf_last only
    step = jax.jit(accrue, static_argnums=3)
    for t in range(Q):
        # payout 1 each quarter; free cash flow 3 - 0.5 - 0.25 = 2.25, counted in quarters 4-7 only.
        led = step(led, f64([R]), f64(t), Q, f64([1.0]), f64([3.0]), f64([0.5]), f64([0.25]))
    np.testing.assert_allclose(led.payout_pv, [sum(1.1 ** (-(t + 1) / 4) for t in range(Q))])
    np.testing.assert_allclose(led.ocf_last, [4 * 2.25])


def test_the_markets_extra_terminal_cash_flow_scales_with_the_business_left_at_the_horizon():
    # Extra 10 and 4 a year; the first firm ends with half its planned revenue, the second with
    # 1.5 times it; a firm without planned revenue keeps its extra; no plan given: unchanged.
    z = f64([0, 0, 0])
    priced = PricedIn(z, f64([10.0, 4.0, 3.0]), jnp.ones(3, bool), jnp.zeros(3, bool), z, z, z, f64([20.0, 8.0, 0.0]))
    np.testing.assert_allclose(scaled_extra(priced, f64([10.0, 12.0, 5.0])).extra, [5.0, 6.0, 3.0])
    np.testing.assert_allclose(scaled_extra(priced._replace(revenue_last=None), f64([10.0, 12.0, 5.0])).extra,
                               [10.0, 4.0, 3.0])


def test_a_living_firms_equity_is_a_call_on_its_dcf_value():
    """Merton (1974) in Bachelier's normal form: a firm whose DCF value is v, uncertain by s = σ ·
    its data value over a year, has equity E[max(v + s Z, 0)] = s (x Φ(x) + φ(x)), x = v / s.
    Firm 0 of parts() (head 15, tail 2: DCF 15 + 2 F) valued by the market at 55 with σ = 0.5:
    s = 27.5 and 55 / 27.5 = 2 = x Φ(x) + φ(x) at x = 1.991310, so the DCF solved for is
    27.5 · 1.991310 = 54.7610 and the market value is the data's 55."""
    from scipy.stats import norm
    G = lambda x: x * norm.cdf(x) + norm.pdf(x)  # noqa: E731
    x0 = 1.9913095
    np.testing.assert_allclose(G(x0), 2.0, rtol=1e-6)                       # the hand-solved root
    vp = parts()
    pi = priced_in_with_option(f64([55.0, 55.0, 0.0]), vp, volatility=0.5)
    # Firm 2 has no data value: its scale is σ times its own no-shock DCF, 15 + 2 / 0.1 = 35.
    np.testing.assert_allclose(pi.scale, [27.5, 27.5, 17.5])
    np.testing.assert_allclose(15.0 + 2.0 * series(R, float(pi.growth[0]), 0.03, 10.0), 27.5 * x0, rtol=1e-6)
    np.testing.assert_allclose(market_value(vp, pi, jnp.zeros(3, bool))[:2], [55.0, 55.0], rtol=1e-10)
    # The path's head falls by 40 (it raised 40 of new equity for nothing): DCF 54.761 − 40 = 14.761,
    # x = 0.5368, E = 27.5 G(0.5368) = 19.895 — not 14.76: the option to recover is worth 5.1. By 80:
    # DCF −25.239, x = −0.9178, E = 27.5 G(−0.9178) = 2.673, −95.1 % but not 0 (a DCF floor gives 0).
    for cut in (40.0, 80.0):
        hit = value_parts(f64([5.0 - cut, 5.0, 5.0]), f64([12.1, 12.1, 12.1]), f64([2.42, -1.21, 2.42]), f64([R] * 3), Q)
        v = 27.5 * x0 - cut
        got = float(market_value(hit, pi, jnp.zeros(3, bool))[0])
        np.testing.assert_allclose(got, {40.0: 19.894985, 80.0: 2.673004}[cut], rtol=1e-6)
        assert got > max(v, 0.0) + 1e-3
    # A defaulted firm's equity is worth nothing; the option's slope at the data's value is
    # Φ(1.99) = 0.977: a healthy firm's value moves almost one for one with its DCF.
    assert float(market_value(hit, pi, jnp.asarray([True, False, False]))[0]) == 0.0
    up = value_parts(f64([6.0, 5.0, 5.0]), f64([12.1, 12.1, 12.1]), f64([2.42, -1.21, 2.42]), f64([R] * 3), Q)
    np.testing.assert_allclose(float(market_value(up, pi, jnp.zeros(3, bool))[0]) - 55.0, norm.cdf(x0), rtol=1e-3)


def test_the_options_volatility_is_the_assets_equity_plus_debt():
    """Merton's underlying is the firm's assets, equity plus debt: with debt D the call's dollar
    volatility is s = σ (M + D), so a levered firm's equity is (M + D)/M times as volatile as an
    unlevered one's (KMV: σ_E = σ_A (E + D)/E Φ). Firm 0 of parts() valued at 55 with 55 of debt,
    σ = 0.5: s = 55, 55 / 55 = 1 = G(x) at x = 0.89947, so the DCF solved for is 55 · 0.89947 = 49.47
    and the market value is still the data's 55. A path 80 lower: DCF −30.53, x = −0.5551,
    E = 55 G(−0.5551) = 9.973 (−82 %), where the unlevered firm of the test above keeps 2.673
    (−95.1 %). Firm 1 has no debt and keeps s = σ M; firm 2, no data value, its own DCF (no debt
    term). Before the debt term the scale was σ M whatever the debt (the call took no ``debt``)."""
    from scipy.stats import norm
    G = lambda x: x * norm.cdf(x) + norm.pdf(x)  # noqa: E731
    x1 = 0.8994716
    np.testing.assert_allclose(G(x1), 1.0, rtol=1e-6)
    vp = parts()
    pi = priced_in_with_option(f64([55.0, 55.0, 0.0]), vp, volatility=0.5, debt=f64([55.0, 0.0, 7.0]))
    np.testing.assert_allclose(pi.scale, [55.0, 27.5, 17.5])
    np.testing.assert_allclose(15.0 + 2.0 * series(R, float(pi.growth[0]), 0.03, 10.0), 55.0 * x1, rtol=1e-6)
    np.testing.assert_allclose(market_value(vp, pi, jnp.zeros(3, bool))[:2], [55.0, 55.0], rtol=1e-10)
    hit = value_parts(f64([5.0 - 80.0, 5.0, 5.0]), f64([12.1, 12.1, 12.1]), f64([2.42, -1.21, 2.42]), f64([R] * 3), Q)
    got = float(market_value(hit, pi, jnp.zeros(3, bool))[0])
    np.testing.assert_allclose(got, 9.973322, rtol=1e-5)
    assert got / 55.0 > 0.15

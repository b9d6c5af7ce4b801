"""stressgpu.model.valuation (docs/model.md §6): the DCF value of equity, priced-in growth, the
value along the path, the discount rate and the ledger's accruals, with hand-worked numbers.

Three firms, r = 10 % a year, a horizon of 8 quarters: d_T = 1.1^-2 = 1 / 1.21.
"""
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu._types import KINDS
from stressgpu.model.params import ModelParams
from stressgpu.model.state import Ledger
from stressgpu.model.valuation import (PricedIn, accrue, market_value, priced_in, scenario_discount_rate,
                                       value_parts, value_path)

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


def test_priced_in_closed_form_reproduces_the_target():
    # Firm 0, target 55: m = (55 - 15) / 2 = 20, g = (20 * 0.1 - 1) / 21 = 1/21, and indeed
    # 15 + 2 (22/21) / (0.1 - 1/21) = 15 + 2 * 20 = 55.
    pi = priced_in(f64([55.0, 55.0, 0.0]), parts())
    np.testing.assert_allclose(pi.growth[0], 1 / 21)
    assert pi.extra[0] == 0 and bool(pi.by_growth[0]) and bool(pi.solved[0])
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[0], 55.0)
    # Firm 2 has no target: nothing solved, zero growth, valued on its own path: 15 + 2 / 0.1 = 35.
    assert not pi.solved[2] and pi.growth[2] == 0 and pi.extra[2] == 0
    np.testing.assert_allclose(market_value(parts(), pi, jnp.zeros(3, bool))[2], 35.0)


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
    none = PricedIn(f64([0, 0]), f64([0, 0]), jnp.zeros(2, bool), jnp.zeros(2, bool))
    # -50 + 1 / 0.1 = -40 -> 0; 15 + 2 / 0.1 = 35 alive, 0 defaulted.
    np.testing.assert_allclose(market_value(vp, none, jnp.asarray([False, False])), [0.0, 35.0])
    np.testing.assert_allclose(market_value(vp, none, jnp.asarray([False, True])), [0.0, 0.0])


def test_value_path_is_the_value_of_the_flows_still_to_come():
    # Firm 0 of parts(): payouts 5 in the last of 8 quarters only. payout_pv passed to parts is 5,
    # so take the payout 5 * 1.1^2 at t = 7 (worth 5 today); the market value is 55 (g = 1/21).
    vp = parts()
    pi = priced_in(f64([55.0, 55.0, 0.0]), vp)
    pay = jnp.zeros((Q, 3)).at[Q - 1, :].set(5 * 1.21)
    alive = jnp.zeros((Q, 3), bool)
    v = value_path(pay, vp, pi, alive)
    d = 1.1 ** -0.25
    # At the end of quarter t the value is what is still to come discounted to t: the whole 55
    # grown by t + 1 quarters while the payout is still ahead (t < 7) ...
    np.testing.assert_allclose(v[:Q - 1, 0], 55.0 / d ** np.arange(1, Q))
    # ... and at the horizon, after the payout: cash built 12.1 + X (1 + g) / (r - g) = 12.1 + 2.42 * 20.
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
    f = SimpleNamespace(rate_shift=f64(0.01), ai_premium=f64(0.03))
    a_chip = 1 - 0.5 * (1.045 / 1.10) ** 2
    want = [0.042 + 0.01 + 1.2 * 0.045 + 0.03, 0.042 + 0.01 + 0.8 * 0.045 + 0.2 * 0.03,
            0.042 + 0.01 + 1.5 * 0.045 + a_chip * 0.03]
    np.testing.assert_allclose(scenario_discount_rate(net, f, ModelParams()), want)
    # A large rate cut floors the cost of equity at 1 %.
    cut = SimpleNamespace(rate_shift=f64(-0.2), ai_premium=f64(0.0))
    np.testing.assert_allclose(scenario_discount_rate(net, cut, ModelParams()), [0.01] * 3)


def test_accrue_discounts_the_payout_and_keeps_only_the_last_years_free_cash_flow():
    z = jnp.zeros(1)
    led = Ledger(z, z, z, jnp.zeros((1, 4)), *[z] * 9)
    step = jax.jit(accrue, static_argnums=3)
    for t in range(Q):
        # payout 1 each quarter; free cash flow 3 - 0.5 - 0.25 = 2.25, counted in quarters 4-7 only.
        led = step(led, f64([R]), f64(t), Q, f64([1.0]), f64([3.0]), f64([0.5]), f64([0.25]))
    np.testing.assert_allclose(led.payout_pv, [sum(1.1 ** (-(t + 1) / 4) for t in range(Q))])
    np.testing.assert_allclose(led.ocf_last, [4 * 2.25])

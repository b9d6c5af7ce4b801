"""stressgpu.model.funding and stressgpu.model.lenders (docs/model.md §4 Dividends, Lenders,
Funding order): the order facility → bonds → private credit → equity → securities → capex cut →
opex cut, what lenders underwrite, cash before funding, rounds at value and which markets are
open, on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import jax.numpy as jnp
from numpy.testing import assert_allclose, assert_array_equal

from stressgpu._types import KINDS
from stressgpu.model import ModelParams
from stressgpu.model.contracts import Payments
from stressgpu.model.debt_service import Service
from stressgpu.model.contracts import delivery_share, payments
from stressgpu.model.funding import (Cash, cash_before_funding, committed_capex_share, convertible_room, equity_index, fund,
                                     fund_shortfall, round_size)
from stressgpu.model.revenue import Costs
from stressgpu.model.state import Books, Credit

a = partial(jnp.asarray, dtype=jnp.float64)
hot = partial(jax.nn.one_hot, dtype=jnp.float64)


def test_fund_shortfall_takes_sources_in_order():
    #            cash  min  facility bonds private equity assets capex opex
    rows = a([[10.0, 5.0, 9, 9, 9, 9, 9, 9, 9],     # above its minimum: takes nothing
              [-3.0, 2.0, 2, 1, 1, 10, 10, 10, 9],  # need 5: facility 2, bonds 1, private 1, equity 1
              [0.0, 4.0, 0, -1, 0, 1, 1, 1, 5],     # need 4: (negative room = 0) equity 1, assets 1, capex 1, opex 1
              [-10.0, 1.0, 1, 1, 1, 3, 1, 1, 1],    # need 11, rooms 9: cash −1, a missed payment
              [0.5, 1.0, 0, 0, 0, 0, 0, 0, 0]])     # below its minimum but not below zero: no default
    cash, min_cash, facility, bonds, private, equity, assets, capex, opex = rows.T
    r = jax.jit(fund_shortfall)(cash, min_cash, facility, bonds, private, equity, assets, capex, opex)
    assert_allclose(r.facility, [0, 2, 0, 1, 0])
    assert_allclose(r.bonds, [0, 1, 0, 1, 0])
    assert_allclose(r.private, [0, 1, 0, 1, 0])
    assert_allclose(r.debt, [0, 2, 0, 2, 0])
    assert_allclose(r.equity, [0, 1, 1, 3, 0])
    assert_allclose(r.assets, [0, 0, 1, 1, 0])
    assert_allclose(r.capex_cut, [0, 0, 1, 1, 0])
    assert_allclose(r.opex_cut, [0, 0, 1, 1, 0])
    assert_allclose(r.cash, [10, 2, 4, -1, 0.5])
    assert_array_equal(r.missed, [False, False, False, True, False])
    # The unfunded gap: what only cuts or a missed payment covered.
    assert_allclose(r.gap, [0, 0, 2, 3, 0])


# Three firms: 0 a hyperscaler buying from 1 (a neocloud, also its lender), 2 a lab with a planned
# funding round; contract f0 0 → 1 (paid 10, 4 of it prepaid, fee 1), f1 2 → 1 (the lab's
# supplier failed: it bought 2 in the market); debt link e0: 0 owes 1, interest 3, principal 5.
CB_NET = NS(commit_buyer=hot(jnp.array([0, 2]), 3), commit_supplier=hot(jnp.array([1, 1]), 3),
            debt_borrower=hot(jnp.array([0]), 3), debt_lender=hot(jnp.array([1]), 3), equity_raise=a([0, 0, 16]),
            economy=NS(dividends=a([40, 20, 0]), min_cash=a([10, 4, 0])))
CB_F = NS(funding_mult=a(0.5), funding_quarters=a(2.0))
CB_COSTS = Costs(a([30, 12, 2]), a([6, 2, 1]), a([4, 3, 2]))
CB_SVC = Service(a([3.0]), jnp.zeros(3), a([5.0]), a([0.0]))


def cb(prepaid, t):
    pay = Payments(a([10, 0]), a([1, 0]), jnp.zeros(2), a([0, 2]), a([prepaid, 0]))
    books = Books(a([20, 5, 1]), jnp.zeros((3, 4)), jnp.ones(4), a(1.0), jnp.zeros(3))
    return jax.jit(lambda p, tt: cash_before_funding(CB_NET, CB_F, ModelParams(), books, jnp.ones(3), p, CB_SVC,
                                                     CB_COSTS, a([8, 0, 0]), a([1, 1, 1]), a([0, 0, 4]), tt,
                                                     value_growth=jnp.ones(3)))(pay, a(t))


def test_cash_before_funding_flows_and_dividends_from_cash_above_minimum():
    c = cb(4.0, 1.0)
    # Window 0.5 at t = 1 < 2: the lab's round 16/4·0.5 = 2.
    assert_allclose(c.planned_equity, [0, 0, 2])
    assert_allclose(c.window, 0.5)
    # Hyperscaler: 20 + (30 − 6 − 4 − 8) − (10 − 4 + 1) − 3 − 5 = 17; dividend min(10, 17 − 10) = 7.
    # Neocloud: 5 + (12 − 2 − 3) + 1 + 3 + 5 − 4 (prepaid: in revenue, no cash) = 17; dividend min(5, 13).
    # Lab: 1 + (2 − 1 − 2 + 2) − 2 = 0; no dividend.
    assert_allclose(c.received, [0, 5, 0])
    assert_allclose(c.dividends, [7, 5, 0])
    assert_allclose(c.cash, [10, 12, 0])
    # Without the prepayment the buyer pays 4 more in cash and the supplier receives 4 more; at
    # t = 2 the window is back to 1 and the lab's round is 4.
    c = cb(0.0, 2.0)
    assert_allclose(c.planned_equity, [0, 0, 4])
    assert_allclose(c.dividends, [3, 5, 0])                      # 13 − 10 = 3 above the minimum
    assert_allclose(c.cash, [10, 16, 2])


def test_a_down_round_is_smaller_and_an_up_round_is_as_planned():
    # Round size (value / last round)^2 below the last round's value, 1 above it.
    assert_allclose(round_size(a([0.5, 1.0, 1.5, -1.0]), 2.0), [0.25, 1, 1, 0])
    pay = Payments(a([10, 0]), a([1, 0]), jnp.zeros(2), a([0, 2]), a([0, 0]))
    books = Books(a([20, 5, 1]), jnp.zeros((3, 4)), jnp.ones(4), a(1.0), jnp.zeros(3))
    c = cash_before_funding(CB_NET, CB_F, ModelParams(round_size_elasticity=2.0), books, jnp.ones(3), pay, CB_SVC,
                            CB_COSTS, a([8, 0, 0]), a([1, 1, 0.5]), a([0, 0, 4]), a(2.0), value_growth=jnp.ones(3))
    assert_allclose(c.planned_equity, [0, 0, 4 * 0.25])                # the lab's 4 of plan, at value 0.5


def test_a_round_is_smaller_only_below_the_last_rounds_price():
    # A lab whose value is 10 % under its plan's, after its plan's value grew 25 % since the last
    # round, is worth 0.9 · 1.25 = 1.125 of the last round's price: an up round, taken in full
    # (its planned 4 raised, not 4 · 0.9² = 3.24). At 60 % of plan it is worth 0.75 of the last
    # round: 4 · 0.75² = 2.25.
    pay = Payments(a([10, 0]), a([1, 0]), jnp.zeros(2), a([0, 2]), a([0, 0]))
    books = Books(a([20, 5, 1]), jnp.zeros((3, 4)), jnp.ones(4), a(1.0), jnp.zeros(3))
    for value, planned in ((0.9, 4.0), (0.6, 2.25)):
        c = cash_before_funding(CB_NET, CB_F, ModelParams(round_size_elasticity=2.0), books, jnp.ones(3), pay, CB_SVC,
                                CB_COSTS, a([8, 0, 0]), a([1, 1, value]), a([0, 0, 4]), a(2.0),
                                value_growth=a([1, 1, 1.25]))
        assert_allclose(c.planned_equity[2], planned)
    # The funding order's round: a share 0.16 a year of the scenario's value 100 · 1.25 · 0.9 = 112.5,
    # in full (up round): 4.5 this quarter; at 0.6 of plan, 0.16 · 75 / 4 · 0.75² = 1.6875.
    credit = FN_CREDIT._replace(debt=a([50, 40, 0]))
    svc = FN_SVC._replace(debt=a([50, 40, 0]))
    f = NS(credit_freeze_quarters=a(2.0), rate_shift=a(0.0), spread_shift=a(0.0))
    for value, room in ((0.9, 4.5), (0.6, 1.6875)):
        fd = fund(FN, f, FN_P, FN_BOOKS, credit, svc, Cash(a([5, -20, 3, 10]), jnp.zeros(4), jnp.zeros(4), jnp.zeros(4),
                                                           a(1.0)),
                  FN_COSTS, FN_CAPEX, jnp.ones(4), a([0, 30, 0, 0]), jnp.zeros(4), a([1, value, 1, 1]),
                  a([1, 1.25, 1, 1]), jnp.zeros(4), LEVERAGE, a(1.0), plan_growth=a([1, 1.25, 1, 1]))
        assert_allclose(fd.result.equity[1], room)


# Four firms: 0 a listed hyperscaler (bonds), 1 a neocloud (bonds and private credit), 2 a bank,
# 3 a private-credit fund. Links: e0 0 owes 50 (also the hyperscaler's bond link), e1 1 owes 10
# (its facility and its bond link), e2 1 owes 0 (its private-credit link, secured).
FN = NS(kind=jnp.array([KINDS.index(k) for k in ("hyperscaler", "neocloud", "bank", "private_credit")]),
        debt_borrower=hot(jnp.array([0, 1, 1]), 4), debt_lender=hot(jnp.array([2, 3, 3]), 4),
        debt_rate=a([0.05, 0.10, 0.10]), capex_floor=a([0.5, 0.25, 0, 0]), equity_raise=a([0, 0, 0, 0]),
        economy=NS(market_access=a([[1, 0], [1, 1], [0, 0], [0, 0]]), min_cash=a([3, 1, 2, 0]),
                   listed=a([1, 0, 0, 0]), market_value=a([800, 100, 0, 0]), equity_rounds=a([0, 1, 0, 0]),
                   convertible=a([0, 0, 0, 0]),
                   debt_secured=a([0, 0, 1]),
                   facility_link=a([[0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]),
                   market_link=a([[[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]],
                                  [[0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]])))
FN_P = ModelParams(min_interest_cover=2.0, max_ltv=0.5, backlog_advance=0.8, equity_issue_share=0.05,
                   round_share=0.16, round_size_elasticity=2.0, opex_cut_per_year=0.2, opex_cut_cost=0.5)
# Hardware 40 (the neocloud's), listed stakes 0; securities: the bank 100, the fund 50.
FN_BOOKS = Books(jnp.zeros(4), a([[0, 0, 0, 0], [40, 0, 0, 0], [0, 0, 0, 100], [0, 0, 0, 50]]), jnp.ones(4), a(1.0),
                 jnp.zeros(4))
FN_CREDIT = Credit(a([50, 10, 0]), a([0, 3, 0, 0]), jnp.zeros(3), jnp.zeros(3, bool))
# Annual OCF = 4·(revenue − variable − sticky) = 12, 8, 16, 4; annual interest 4·(0.5, 0.25) = 2, 1.
FN_COSTS = Costs(a([10, 10, 5, 1]), a([4, 4, 0, 0]), a([3, 4, 1, 0]))
FN_SVC = Service(a([0.5, 0.25, 0.0]), jnp.zeros(4), jnp.zeros(3), a([50, 10, 0]))
FN_CAPEX = a([20, 12, 0, 0])                                  # cuttable 10, 9
LEVERAGE = a([5.0, 4.0, 4.0, 4.0])


def run_fund(cash, t, p=FN_P, backlog=(0, 0, 0, 0), value=(1, 1, 1, 1), committed=(0, 0, 0, 0)):
    f = NS(credit_freeze_quarters=a(2.0), rate_shift=a(0.0), spread_shift=a(0.0))
    fn = jax.jit(partial(fund, FN, f, p))
    return fn(FN_BOOKS, FN_CREDIT, FN_SVC, Cash(a(cash), jnp.zeros(4), jnp.zeros(4), jnp.zeros(4), a(0.5)),
              FN_COSTS, FN_CAPEX, jnp.ones(4), a(backlog), a(committed), a(value), jnp.ones(4), jnp.zeros(4), LEVERAGE, a(t),
              plan_growth=jnp.ones(4))


def test_fund_lenders_decide_and_a_freeze_closes_private_credit():
    # Hyperscaler (bonds): leverage 5·12 − 50 = 10, cover (12/2 − 2)/0.05 = 80 → 10.
    # Neocloud: cash flow 4·8 − 10 = 22, cover (8/2 − 1)/0.10 = 30 → 22 in bonds; private credit
    # lends max(22, 0.5·40 − 0) − 22 = 0 more. Frozen or not, the bond market lends on cash flow.
    fd = run_fund([-2, -5, -3, 10], 1.0)
    uw = fd.underwriting
    assert_allclose(uw.cash_flow, [10, 22, 64, 16])             # the bank and the fund have no market
    assert_allclose(uw.secured, [0, 20, 0, 0])
    assert_allclose(uw.bonds, [10, 22, 0, 0])
    assert_allclose(uw.private, [0, 0, 0, 0])
    r = fd.result
    assert_allclose(r.facility, [0, 3, 0, 0])
    assert_allclose(r.bonds, [5, 3, 0, 0])
    assert_allclose(r.assets, [0, 0, 5, 0])                     # the bank sells securities
    assert_allclose(r.cash, [3, 1, 2, 10])
    assert_allclose(fd.debt, [55, 16, 0])                       # bonds on e0 and e1, the facility on e1
    # Lenders swap securities for the new loans: the bank 100 − 5 − 5 sold, the fund 50 − 3 − 3.
    assert_allclose(fd.holdings[:, 3], [0, 0, 90, 44])


def test_private_credit_lends_on_collateral_and_backlog_but_not_in_a_freeze():
    # A neocloud whose cash flow supports nothing (OCF 8 with 40 of debt: leverage 4·8 − 40 < 0).
    credit = FN_CREDIT._replace(debt=a([50, 40, 0]))
    svc = FN_SVC._replace(debt=a([50, 40, 0]))
    f = NS(credit_freeze_quarters=a(2.0), rate_shift=a(0.0), spread_shift=a(0.0))

    def go(t, backlog):
        return fund(FN, f, FN_P, FN_BOOKS, credit, svc, Cash(a([5, -20, 3, 10]), jnp.zeros(4), jnp.zeros(4),
                                                             jnp.zeros(4), a(1.0)),
                    FN_COSTS, FN_CAPEX, jnp.ones(4), a(backlog), jnp.zeros(4), jnp.ones(4), jnp.ones(4), jnp.zeros(4), LEVERAGE,
                    a(t), plan_growth=jnp.ones(4))
    # Collateral: 0.5 · 40 = 20 against no secured debt; backlog 0.8 · 30 = 24: the larger, 24.
    fd = go(3.0, [0, 30, 0, 0])
    assert_allclose(fd.underwriting.cash_flow[1], 0.0)
    assert_allclose(fd.underwriting.private[1], 24.0)
    assert_allclose(fd.result.private[1], 18.0)                 # need 21 − 3 (facility)
    # In the freeze (t = 1 < 2) private credit is closed: after the facility 3, a round of
    # 0.16·100/4 = 4, then capex down to its committed part (0.25 of 12 at t = 0, winding down
    # over 8 quarters: 0.25 · 7/8 at t = 1, so 12 · (1 − 0.21875) = 9.375 is cut), then opex
    # 0.2/4 · 4 · 0.5 = 0.1: 3.525 of the 21 is missed.
    fd = go(1.0, [0, 30, 0, 0])
    r = fd.result
    assert_allclose(r.private[1], 0.0)
    assert_allclose(r.equity[1], 4.0)
    assert_allclose(r.capex_cut[1], 9.375)
    assert_allclose(r.opex_cut[1], 0.1)
    assert_allclose(r.cash[1], -3.525)
    assert_array_equal(r.missed, [False, True, False, False])
    assert_allclose(r.gap[1], 9.0 + 0.1 + 3.9)
    # In a down round at half the value the round is a quarter of a share of half the value: 0.5.
    fd = fund(FN, f, FN_P, FN_BOOKS, credit, svc, Cash(a([5, -20, 3, 10]), jnp.zeros(4), jnp.zeros(4), jnp.zeros(4),
                                                       a(1.0)),
              FN_COSTS, FN_CAPEX, jnp.ones(4), a([0, 30, 0, 0]), jnp.zeros(4), a([1, 0.5, 1, 1]), jnp.ones(4),
              jnp.zeros(4), LEVERAGE, a(1.0), plan_growth=jnp.ones(4))
    assert_allclose(fd.result.equity[1], 0.5)
    # The cut lasts: 0.1 saved of 4 · (1 − 0.5) → 5 % of sticky opex.
    assert_allclose(fd.opex_cut[1], 0.05)


def test_lenders_count_binding_commitments_as_debt():
    # The hyperscaler owes 50 and 8 of binding commitments: leverage room 5·12 − 58 = 2 (was 10).
    fd = run_fund([-2, -5, -3, 10], 1.0, committed=(8, 0, 0, 0))
    assert_allclose(fd.underwriting.cash_flow[0], 2.0)
    assert_allclose(fd.result.bonds[0], 2.0)


def test_fund_refinancing_off_closes_every_market():
    r = run_fund([-2, -5, -3, 10], 3.0, ModelParams(equity_issue_share=0.05, refinancing=False)).result
    assert_allclose(r.debt, 0.0)
    assert_allclose(r.equity, [5, 1.875, 0, 0])   # need 5, equity room 0.05·800/4·0.5 = 5; the round 0.15·100/4·0.5
    assert_allclose(r.capex_cut, [0, 1.125, 0, 0])


def test_buffer_is_negative_exactly_when_a_payment_is_missed():
    # Hyperscaler: −30 against rooms 26.325 → missed. Neocloud (t = 1): −12 against rooms
    # 3 + 22 → no miss.
    fd = run_fund([-30, -12, -3, 10], 1.0)
    # bonds, equity, capex above its committed part (20 · (1 − 0.5 · 7/8)), opex 3·0.05·0.5
    assert_allclose(fd.buffer[0], -30 + 10 + 5 + 11.25 + 0.075)
    assert_array_equal(fd.result.missed, [True, False, False, False])
    assert_array_equal(fd.buffer < 0, fd.result.missed)


def test_committed_capex_winds_down_over_the_construction_period():
    # 40 % committed at the start, 8 quarters to finish: 40, 30, 20, 10, then nothing.
    t = jnp.array([0.0, 2.0, 4.0, 6.0, 8.0, 12.0])
    assert_allclose(committed_capex_share(a(0.4), t, 8.0), [0.4, 0.3, 0.2, 0.1, 0.0, 0.0])
    assert_allclose(committed_capex_share(a(0.4), a(3.0), 0.0), 0.0)       # nothing under way


def test_equity_moves_levered_by_debt_and_converts_follow_the_equity():
    # EV/equity 2 (as much debt as equity): revenue 20 % under plan takes 40 % off the equity, 60 %
    # under plan all of it; a debt-free firm's equity moves one for one.
    assert_allclose(equity_index(a([0.8, 0.4, 1.0, 1.2]), a([2.0, 2.0, 2.0, 2.0])), [0.6, 0.0, 1.0, 1.4])
    assert_allclose(equity_index(a([0.8]), a([1.0])), [0.8])
    # 15 % a year of a 40 bn equity: 1.5 a quarter; none for a firm that never sold converts.
    assert_allclose(convertible_room(a([1.0, 0.0]), a([40.0, 40.0]), 0.15), [1.5, 0.0])


def test_a_seller_that_cut_its_build_out_is_paid_only_for_what_it_delivers():
    # Seller 0 has 60 % of its planned capacity, seller 1 all of it, 2 sells no compute.
    share = delivery_share(a([6.0, 12.0, 0.0]), a([10.0, 10.0, 0.0]))
    assert_allclose(share, [0.6, 1.0, 1.0])
    # Buyer 3 holds a take-or-pay contract of 10 with each seller.
    net = NS(commit_buyer=hot(jnp.array([3, 3, 3]), 4), commit_supplier=hot(jnp.array([0, 1, 2]), 4),
             commit_take_or_pay=a([1.0, 1.0, 1.0]),
             economy=NS(commit_usage=a([0.0, 0.0, 0.0]), commit_fee=jnp.zeros(3), commit_total=a([40.0, 40.0, 40.0]),
                        commit_prepaid=jnp.zeros(3)))
    pay = payments(net, a([10.0, 10.0, 10.0]), jnp.ones(4), jnp.ones(4), a(1.5), True, jnp.append(share, 1.0))
    assert_allclose(pay.paid, [6.0, 10.0, 10.0])
    assert_allclose(pay.replaced, [4.0 * 1.5, 0.0, 0.0])          # the rest bought at the market price
    assert_allclose(pay.lost, [4.0, 0.0, 0.0])                    # the seller's shortfall on plan


def test_a_higher_discount_rate_does_not_enlarge_a_round():
    # The value a round is compared with grows at the plan's (no-shock) cost of equity, whatever
    # the scenario's rate: a lab with beta 1.2 (r = 4.2 % + 1.2 · 4.5 % = 9.6 %) is expected at
    # 1.096^2 of its last round's price after 8 quarters, in a rate hike or an AI-premium shock
    # alike (a higher rate lowers today's value; it must not raise the price rounds are measured
    # against, which made a rate hike rescue firms a demand slump failed).
    from stressgpu.model.funding import value_growth_at
    net = NS(kind=jnp.asarray([KINDS.index("ai_lab")]), ai_shares=a([[0, 0, 0.3, 0]]), revenue_growth=a([0.5]),
             quarters=8, economy=NS(lease_share=a([0.0]), equity_beta=a([1.2])))
    assert_allclose(value_growth_at(net, ModelParams(), a(8.0)), [1.096 ** 2], rtol=1e-12)
    # The funding order's round uses it where none is given: the lab at its plan's value (index 1)
    # raises round_share 0.16 · 100 · 1.096^2 / 4 whatever the scenario's rate shift (private credit frozen,
    # after its facility 3).
    f = NS(credit_freeze_quarters=a(10.0), rate_shift=a(0.03), spread_shift=a(0.0), ai_premium=a(0.05),
           equity_premium_shift=a(0.01))
    fn = NS(**{**vars(FN), "ai_shares": jnp.zeros((4, 4)), "revenue_growth": jnp.zeros(4), "quarters": 8,
               "economy": NS(**{**vars(FN.economy), "lease_share": jnp.zeros(4), "equity_beta": a([1, 1.2, 1, 1])})})
    fn.kind = fn.kind.at[1].set(KINDS.index("ai_lab"))
    fd = fund(fn, f, FN_P, FN_BOOKS, FN_CREDIT._replace(debt=a([50, 40, 0])), FN_SVC._replace(debt=a([50, 40, 0])),
              Cash(a([5, -20, 3, 10]), jnp.zeros(4), jnp.zeros(4), jnp.zeros(4), a(1.0)), FN_COSTS, FN_CAPEX,
              jnp.ones(4), jnp.zeros(4), jnp.zeros(4), jnp.ones(4), a([1, 1.5, 1, 1]), jnp.zeros(4), LEVERAGE, a(8.0))
    assert_allclose(fd.result.equity[1], 0.16 * 100 * 1.096 ** 2 / 4, rtol=1e-12)

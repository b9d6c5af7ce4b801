"""stressgpu.model.funding (docs/model.md §4 Dividends, Funding order): the order facility →
new debt → new equity → securities → capex cut, cash before funding, and which markets are open,
on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import jax.numpy as jnp
from numpy.testing import assert_allclose, assert_array_equal

from stressgpu._types import KINDS
from stressgpu.model import ModelParams
from stressgpu.model.contracts import Payments
from stressgpu.model.debt_service import Service
from stressgpu.model.funding import Cash, cash_before_funding, fund, fund_shortfall
from stressgpu.model.revenue import Costs
from stressgpu.model.state import Books, Credit

a = partial(jnp.asarray, dtype=jnp.float64)
hot = partial(jax.nn.one_hot, dtype=jnp.float64)


def test_fund_shortfall_takes_sources_in_order():
    #            cash  min  facility debt equity assets capex
    rows = a([[10.0, 5.0, 9, 9, 9, 9, 9],     # above its minimum: takes nothing
              [-3.0, 2.0, 2, 2, 10, 10, 10],  # need 5: facility 2, debt 2, equity 1
              [0.0, 4.0, 0, -1, 1, 1, 5],     # need 4: (negative debt room = 0) equity 1, assets 1, cut 2
              [-10.0, 1.0, 1, 2, 3, 1, 2],    # need 11, rooms 9: cash −1, a missed payment
              [0.5, 1.0, 0, 0, 0, 0, 0]])     # below its minimum but not below zero: no default
    cash, min_cash, facility, debt, equity, assets, capex = rows.T
    # By keyword: the signature puts capex_cuttable before asset_room, unlike the funding order.
    r = jax.jit(fund_shortfall)(cash, min_cash, facility_room=facility, debt_room=debt, equity_room=equity,
                                capex_cuttable=capex, asset_room=assets)
    assert_allclose(r.facility, [0, 2, 0, 1, 0])
    assert_allclose(r.debt, [0, 2, 0, 2, 0])
    assert_allclose(r.equity, [0, 1, 1, 3, 0])
    assert_allclose(r.assets, [0, 0, 1, 1, 0])
    assert_allclose(r.capex_cut, [0, 0, 2, 2, 0])
    assert_allclose(r.cash, [10, 2, 4, -1, 0.5])
    assert_array_equal(r.missed, [False, False, False, True, False])


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
    books = Books(a([20, 5, 1]), jnp.zeros((3, 4)), jnp.ones(4), a(1.0))
    return jax.jit(lambda p, tt: cash_before_funding(CB_NET, CB_F, books, jnp.ones(3), p, CB_SVC, CB_COSTS,
                                                     a([8, 0, 0]), tt))(pay, a(t))


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


# Four firms: 0 a listed hyperscaler (bonds), 1 a neocloud (private credit), 2 a bank, 3 a
# private-credit fund. Links: e0 0 owes 2 (also the hyperscaler's new-debt link); e1 1 owes 3
# (the neocloud's facility); e2 1 owes 3 (its new-debt link).
FN = NS(kind=jnp.array([KINDS.index(k) for k in ("hyperscaler", "neocloud", "bank", "private_credit")]),
        debt_borrower=hot(jnp.array([0, 1, 1]), 4), debt_lender=hot(jnp.array([2, 3, 3]), 4),
        capex_floor=a([0.5, 0.25, 0, 0]),
        economy=NS(credit_market=jnp.array([1, 2, 0, 0]), min_cash=a([3, 1, 2, 0]), listed=a([1, 0, 0, 0]),
                   market_value=a([800, 100, 0, 0]),
                   facility_link=a([[0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]),
                   market_link=a([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])))
FN_P = ModelParams(debt_leverage=3.0, plan_headroom=0.25, equity_issue_share=0.05)
FN_BOOKS = Books(jnp.zeros(4), a([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 100], [0, 0, 0, 50]]), jnp.ones(4), a(1.0))
FN_CREDIT = Credit(a([50, 10, 0]), a([0, 3, 0, 0]), a([1, 2, 0, 0]), jnp.zeros(3), jnp.zeros(3, bool))
# OCF = 4·(revenue − variable − sticky) = 12, 8, 16, 4.
FN_COSTS = Costs(a([10, 10, 5, 1]), a([4, 4, 0, 0]), a([3, 4, 1, 0]))
FN_CAPEX = a([20, 12, 0, 0])                                  # cuttable 10, 9
PLAN_ROOM = a([4, 8, 0, 0])


def run_fund(cash, t, p=FN_P):
    fn = jax.jit(partial(fund, FN, NS(credit_freeze_quarters=a(2.0)), p))
    return fn(FN_BOOKS, FN_CREDIT, a([50, 10, 0]), Cash(a(cash), jnp.zeros(4), jnp.zeros(4), jnp.zeros(4), a(0.5)),
              FN_COSTS, FN_CAPEX, jnp.ones(4), PLAN_ROOM, a(t))


def test_fund_private_credit_freeze_closes_the_neoclouds_market():
    # Debt room: hyperscaler 1.25·4 + (3·12 − 50)⁺ − 1 = 4; neocloud frozen at t = 1.
    # Equity room: 0.05·800/4·0.5 = 5 (listed only).
    fd = run_fund([-2, -5, -3, 10], 1.0)
    r = fd.result
    assert_allclose(r.facility, [0, 3, 0, 0])
    assert_allclose(r.debt, [4, 0, 0, 0])
    assert_allclose(r.equity, [1, 0, 0, 0])
    assert_allclose(r.assets, [0, 0, 5, 0])                     # the bank sells securities
    assert_allclose(r.capex_cut, [0, 3, 0, 0])                  # the neocloud cuts capex instead
    assert_allclose(r.cash, [3, 1, 2, 10])
    assert_allclose(fd.debt, [54, 13, 0])                       # new debt on e0, facility draw on e1
    # Lenders swap securities for the new loans: the bank 100 − 4 − 5 sold, the fund 50 − 3.
    assert_allclose(fd.holdings[:, 3], [0, 0, 91, 47])
    # Buffer: cash + every room: −2 + 4 + 5 + 10; −5 + 3 + 9; −3 + 100; 10 + 50.
    assert_allclose(fd.buffer, [17, 7, 97, 60])
    # After the freeze (t = 3) the neocloud borrows: room 1.25·8 + (3·8 − 10) − 2 = 22.
    r = run_fund([-2, -5, -3, 10], 3.0).result
    assert_allclose(r.debt, [4, 3, 0, 0])
    assert_allclose(r.capex_cut, [0, 0, 0, 0])


def test_fund_refinancing_off_closes_every_market():
    r = run_fund([-2, -5, -3, 10], 3.0, ModelParams(debt_leverage=3.0, plan_headroom=0.25, equity_issue_share=0.05,
                                                     refinancing=False)).result
    assert_allclose(r.debt, 0.0)
    assert_allclose(r.equity, [5, 0, 0, 0])                     # need 5, equity room 5
    assert_allclose(r.capex_cut, [0, 3, 0, 0])


def test_buffer_is_negative_exactly_when_a_payment_is_missed():
    # Hyperscaler: −30 against rooms 19 → −11, missed. Neocloud (t = 1): −12 against rooms 12 →
    # 0: cash 0 is below its minimum but no payment is missed.
    fd = run_fund([-30, -12, -3, 10], 1.0)
    assert_allclose(fd.buffer[:2], [-11, 0])
    assert_allclose(fd.result.cash[:2], [-11, 0])
    assert_array_equal(fd.result.missed, [True, False, False, False])
    assert_array_equal(fd.buffer < 0, fd.result.missed)

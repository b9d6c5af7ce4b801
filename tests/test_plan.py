"""stressgpu.model.plan (docs/model.md §3–§5): what every scenario of a network shares — the
contracts' remaining values, capital floors, capacity building — with hand-worked numbers.

Three entities: 0 a neocloud (an AI buyer: capacity 40, capex 80 a year, revenue growing 21 %),
1 a chipmaker (revenue 200, 30 % of it AI hardware), 2 a bank.
"""
from functools import cache
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu._types import KINDS
from stressgpu.model.params import ModelParams
from stressgpu.model.plan import book_net_worth, capital_floor, constants, option_debt, remaining_value

f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
HW, RE = [1.0, 0, 0, 0], [0, 1.0, 0, 0]


def onehot(rows, n=3):
    return jax.nn.one_hot(jnp.asarray(rows), n, dtype=jnp.float64)


def network(kinds=("neocloud", "chipmaker", "bank"), K=((1.0, 2.0, 4.0),), after=(8.0,)):
    # Debt links: 0 -> bank 20 at 5 % (secured on hardware), 0 -> bank 10 at 10 % (hardware and
    # real estate), 0 -> chipmaker 5 at 8 % (real estate), 1 -> bank 8 at 5 % (unsecured, though
    # its row names hardware).
    return SimpleNamespace(
        kind=jnp.asarray([KINDS.index(k) for k in kinds]), cash=f64([2.0, 10.0, 5.0]),
        holdings=f64([[30.0, 10, 0, 0], [0, 0, 0, 50], [0, 0, 0, 20]]), external_liabilities=f64([1.0, 5.0, 40.0]),
        debt_amount=f64([20.0, 10.0, 5.0, 8.0]), debt_rate=f64([0.05, 0.10, 0.08, 0.05]),
        debt_borrower=onehot([0, 0, 0, 1]), debt_lender=onehot([2, 2, 1, 2]),
        capex=f64([80.0, 20.0, 0.0]), revenue=f64([30.0, 200.0, 10.0]), revenue_growth=f64([0.21, 0.1, 0.0]),
        opex=f64([27.0, 150.0, 8.0]), commit_take_or_pay=f64([0.5] * len(K)),
        commit_buyer=onehot([0] * len(K)), commit_supplier=onehot([1] * len(K)),
        ai_buyer=f64([1.0, 0.0, 0.0]), ai_shares=f64([[1.0, 0, 0, 0], [0, 0.3, 0, 0], [0, 0, 0, 0]]),
        commit_amount=f64(K),
        economy=SimpleNamespace(hardware_life=f64([5.0, 5.0, 5.0]), capacity=f64([40.0, 0.0, 0.0]),
                                sticky_opex=f64([10.0, 0.2, 1.0]), debt_secured=f64([1.0, 1.0, 1.0, 0.0]),
                                debt_collateral=f64([HW, [1.0, 1.0, 0, 0], RE, HW]), commit_after=f64(after),
                                capital_ratio=f64([0.0, 0.2, 0.15]), capital_ratio_min=f64([0.0, 0.1, 0.10]),
                                market_value=f64([60.0, 0.0, 0.0])))


@cache
def _constants():
    return jax.jit(lambda p: constants(network(), p))(ModelParams(capex_hardware_share=0.6, claim_discount_rate=0.08))


def test_remaining_value_of_the_window_and_the_tail():
    # Payments 1, 2, 4 in quarters 0-2 and 8 after the horizon; d = 1 / (1 + 0.08 / 4) = 1 / 1.02.
    d = 1 / 1.02
    # Window alone (after = 0): after quarter 0 come 2 and 4, after 1 comes 4, after 2 nothing.
    pv = jax.jit(lambda r: remaining_value(network(after=(0.0,)), r))(f64(0.08))
    np.testing.assert_allclose(pv, [[2 * d + 4 * d ** 2, 4 * d, 0.0]], atol=1e-12)
    # Undiscounted (what a prepayment still covers): 2 + 4 + 8, 4 + 8, 8.
    np.testing.assert_allclose(remaining_value(network(), 0.0), [[14.0, 12.0, 8.0]])
    # Discounted with the tail: the code discounts the tail once more than the last window
    # payment would be (d^2 at the end of the last quarter: the sum lands two quarters after it).
    np.testing.assert_allclose(remaining_value(network(), 0.08),
                               [[2 * d + 4 * d ** 2 + 8 * d ** 4, 4 * d + 8 * d ** 3, 8 * d ** 2]])


def test_book_net_worth_and_capital_floor():
    net = network()
    # cash + holdings + loans made - debt - other liabilities:
    # 0: 2 + 40 - 35 - 1 = 6; 1: 10 + 50 + 5 - 8 - 5 = 52; 2 (lent 20 + 10 + 8): 5 + 20 + 38 - 40 = 23.
    np.testing.assert_allclose(book_net_worth(net), [6.0, 52.0, 23.0])
    # Only banks, private-credit funds and insurers have floors: 23 x 0.10 / 0.15 for the bank;
    # the chipmaker's ratio is ignored.
    np.testing.assert_allclose(capital_floor(net), [0.0, 0.0, 23 * 0.10 / 0.15])
    # A fund under water has a floor of 0; an insurer without a ratio has none either.
    net = network(kinds=("neocloud", "insurer", "private_credit"))
    net.external_liabilities = f64([1.0, 5.0, 70.0])             # the fund's worth: 63 - 70 = -7
    np.testing.assert_allclose(book_net_worth(net)[2], -7.0)
    net.economy.capital_ratio = f64([0.0, 0.0, 0.15])
    np.testing.assert_allclose(capital_floor(net), [0.0, 0.0, 0.0])


def test_constants_calibrate_capacity_building_to_planned_growth():
    k = _constants()
    # Quarterly depreciation 1 / (4 x 5) = 0.05; hardware capex 80 / 4 x 0.6 = 12 a quarter (the
    # chipmaker is no AI buyer: 0). Capacity must grow 1.21^(1/4) = 1.1^(1/2) a quarter:
    # 40 (1 - 0.05) + build x 12 = 40 x 1.1^0.5.
    np.testing.assert_allclose(k.hw_share, [0.6, 0, 0])
    np.testing.assert_allclose(k.depreciation, [0.05] * 3)
    np.testing.assert_allclose(k.build, [(40 * 1.1 ** 0.5 - 40 * 0.95) / 12, 0, 0])
    # Network buyers take 12 of the chipmaker's 200 x 0.3 / 4 = 15 of AI hardware a quarter.
    np.testing.assert_allclose(k.order_share, 0.8)
    # Sticky opex net of the starting interest: 10 - (1 + 1 + 0.4) = 7.6; 0.2 - 0.4 floors at 0.
    np.testing.assert_allclose(k.sticky, [7.6, 0.0, 1.0])


def test_constants_pledged_pools_and_floors():
    k = _constants()
    # Links of borrower 0 share a pool when they share a pledged class: 0-1 (hardware), 1-2 (real
    # estate), not 0-2; link 3 is another borrower's.
    np.testing.assert_allclose(k.ltv_pool, [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 1]])
    # Pledged classes: only secured links count (link 3 is unsecured).
    np.testing.assert_allclose(k.pledged, [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_allclose(k.floor, [0.0, 0.0, 23 * 0.10 / 0.15])
    assert k.borrower.tolist() == [0, 0, 0, 1]
    d = 1 / 1.02
    np.testing.assert_allclose(k.remaining[:, 0], [14.0])
    np.testing.assert_allclose(k.remaining_pv[:, 2], [8 * d ** 2])


def test_lenders_accept_at_least_the_leverage_they_already_lent_at():
    # Firm 0 owes 20 + 10 + 5 = 35, and half of its contract's remaining value after quarter 0,
    # d(2 + d(4 + 8d²)) with d = 1/1.02 (the tail is discounted from the horizon), binds; on an operating cash flow before interest of
    # 30 − 27 + 2.4 (the data's opex is after interest) = 5.4 that is above the model's 4×.
    d = 1 / 1.02
    k = _constants()
    np.testing.assert_allclose(k.leverage_cap, [(35.0 + 0.5 * d * (2 + d * (4 + 8 * d * d))) / 5.4, 4.0, 4.0])


def test_equity_leverage_is_enterprise_value_over_equity():
    # The firm with a market value of 60 owes its three links' debt; the others have no market value.
    k = _constants()
    net = network()
    debt = float((net.debt_amount @ net.debt_borrower)[0])
    np.testing.assert_allclose(k.ev_leverage, [(60.0 + debt) / 60.0, 1.0, 1.0])


def test_the_options_debt_is_an_operating_firms_borrowing_and_none_for_a_financial_firm():
    """docs/model.md §6: an operating firm's equity is a call on its assets, equity plus debt, so
    the option's scale adds its debt (the neocloud's 20 + 10 + 5 = 35, the chipmaker's 8); a bank's
    liabilities fund a low-volatility book, so a bank borrowing the same 8 adds nothing (before:
    no debt term at all, σ times the value alone, the same for every firm)."""
    np.testing.assert_allclose(option_debt(network()), [35.0, 8.0, 0.0])
    np.testing.assert_allclose(option_debt(network(kinds=("neocloud", "bank", "chipmaker"))), [35.0, 0.0, 0.0])

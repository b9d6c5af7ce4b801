"""The financial sector under stress (docs/model.md §5.2): off-network credit books, private-credit
funds' redemptions, loan sales and lines, LP stakes inside the clearing, capital floors. Hand-built
cases on the mini network (float64), each checked against numbers worked out here."""
import dataclasses
import shutil
from pathlib import Path
from statistics import NormalDist

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from stressgpu._types import Asset, Reason
from stressgpu.batch import simulate
from stressgpu.data import load_tables
from stressgpu.finance import Book
from stressgpu.model import ModelParams
from stressgpu.model import credit_book, funds
from stressgpu.model.state import initial_sector
from stressgpu.network import build_network
from stressgpu.shocks import neutral

MINI = Path(__file__).parent / "fixtures" / "mini"
N01 = NormalDist()
PROV = dict(as_of="2025-12-31", source="synthetic test data", source_quote="", source_type="estimate",
            estimated="true", note="made up for tests")


def _dataset(tmp_path: Path, rows, links=(), items=None) -> Path:
    """The mini network with ``financial_capital.csv`` rows ``(entity, item, value, unit)``, extra
    links (dicts of links.csv columns) and balance-sheet items replaced (``{(entity, item): value}``)."""
    d = tmp_path / "data"
    shutil.copytree(MINI, d)
    if items:
        bs = pd.read_csv(d / "balance_sheets.csv", dtype=str)
        for (e, i), v in items.items():
            bs.loc[(bs.entity_id == e) & (bs.item == i), "value"] = str(v)
        bs.to_csv(d / "balance_sheets.csv", index=False)
    pd.DataFrame([dict(entity_id=e, item=i, value=v, unit=u, **PROV) for e, i, v, u in rows]).to_csv(
        d / "financial_capital.csv", index=False)
    if links:
        st = pd.read_csv(d / "sector_totals.csv", dtype=str)   # the fixture's aggregate has no lines to funds
        st[st.measure != "debt_to:bank"].to_csv(d / "sector_totals.csv", index=False)
        lk = pd.read_csv(d / "links.csv", dtype=str)
        lk = pd.concat([lk, pd.DataFrame([{**{c: "" for c in lk.columns}, **x} for x in links])], ignore_index=True)
        lk.to_csv(d / "links.csv", index=False)
    return d


LINE = dict(link_id="line", kind="debt", from_id="pc", to_id="bank", instrument="nav_line", amount_usd_bn="40",
            rate="0.06", rate_type="floating", spread="0.02", schedule="bullet", seniority="senior_unsecured",
            collateral="none", start="2025-01-01", end="2032-01-01", reconstructed="false", as_of="2025-09-30",
            source="synthetic", source_type="estimate", estimated="true", note="made up for tests")
LP = dict(link_id="lp", kind="equity_stake", from_id="bank", to_id="pc", instrument="lp_interest", amount_usd_bn="120",
          share="0.5", cost_usd_bn="120", market_value_usd_bn="120", start="2024-01-01", reconstructed="false",
          as_of="2025-09-30", source="synthetic", source_type="estimate", estimated="true", note="made up for tests")
FUND = [("pc", "loans_usd_bn", 290.0, "usd_bn"), ("pc", "evergreen_share", 0.5, "fraction"),
        ("pc", "redemption_cap_quarterly", 0.05, "fraction"), ("pc", "asset_coverage_min", 1.5, "ratio")]
BANK = [("bank", "cet1_usd_bn", 30.0, "usd_bn"), ("bank", "rwa_usd_bn", 250.0, "usd_bn"),
        ("bank", "cet1_min_ratio", 0.1, "fraction"), ("bank", "corporate_loans_usd_bn", 1000.0, "usd_bn"),
        ("bank", "holding_private_credit_usd_bn", 50.0, "usd_bn")]


def _net(tmp_path, rows, links=(), items=None):
    return build_network(load_tables(_dataset(tmp_path, rows, links, items)), dtype=jnp.float64)


def _gdp(net, mult, quarters=40.0, spread=0.0):
    f = neutral(1, net.n, jnp.float64)
    return dataclasses.replace(f, gdp_mult=jnp.array([mult]), gdp_quarters=jnp.array([quarters]),
                               spread_shift=jnp.array([spread]))


# ------------------------------------------------------------------ credit books


def test_vasicek_default_rate_matches_an_independent_normal():
    """Vasicek's conditional default rate with the Basel corporate correlation, against the
    standard library's normal distribution: the 2008-09 calibration (pd 4.5 %, GDP −4.3 % at 0.4
    deviations per point) gives ~13 %, the speculative-grade peak of 2009."""
    pd0 = 0.045
    w = (1 - np.exp(-50 * pd0)) / (1 - np.exp(-50))
    rho = 0.12 * w + 0.24 * (1 - w)
    for z in (0.0, 0.5, 1.72, 3.0):
        want = N01.cdf((N01.inv_cdf(pd0) + np.sqrt(rho) * z) / np.sqrt(1 - rho))
        got = float(credit_book.conditional_default_rate(jnp.float64(pd0), jnp.float64(z)))
        assert got == pytest.approx(want, rel=1e-10)
    assert 0.12 < float(credit_book.conditional_default_rate(jnp.float64(pd0), jnp.float64(0.4 * 4.3))) < 0.14


def test_book_write_off_is_the_excess_default_rate_times_lgd(tmp_path):
    """One quarter of a 5 % GDP shortfall and a 100 bp spread widening on a bank's books: par written
    off = book × (Δpd_cycle + Δs / (2 · LGD)) / 4 for each class, loss = that × LGD (hand-worked)."""
    net, labels = _net(tmp_path, BANK)
    p = ModelParams()
    f = jax.tree_util.tree_map(lambda x: x[0], _gdp(net, 0.95, spread=0.01))
    bank = labels.ids.index("bank")
    book = net.finance.book
    written, loss = credit_book.write_off(f, p, book, jnp.ones(net.n), jnp.float64(0))
    z = p.credit_z_per_gdp * 5.0
    for c, (pd0, lgd) in enumerate([(p.book_pd_private_credit, p.book_lgd_private_credit),
                                    (p.book_pd_loans, p.book_lgd_loans), (p.book_pd_bonds, p.book_lgd_bonds)]):
        w = (1 - np.exp(-50 * pd0)) / (1 - np.exp(-50))
        rho = 0.12 * w + 0.24 * (1 - w)
        cond = lambda z: N01.cdf((N01.inv_cdf(pd0) + np.sqrt(rho) * z) / np.sqrt(1 - rho))  # noqa: E731
        rate = (cond(z) - cond(0.0) + 0.01 / (p.spread_to_loss * lgd)) / 4
        assert float(written[bank, c]) == pytest.approx(float(book[bank, c]) * rate, rel=1e-9)
    assert float(loss[bank]) == pytest.approx(float(written[bank] @ jnp.array(
        [p.book_pd_private_credit * 0 + p.book_lgd_private_credit, p.book_lgd_loans, p.book_lgd_bonds])), rel=1e-12)
    # No shock, no excess: the plan's own defaults are priced in.
    f0 = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, jnp.float64))
    assert float(jnp.abs(credit_book.write_off(f0, p, book, jnp.ones(net.n), jnp.float64(0))[1]).max()) == 0.0


def test_book_sits_inside_other_assets_and_loans_to_the_network_are_not_counted_twice(tmp_path):
    """A fund's off-network book is its loans less those it made to firms of the network (15 to the
    neocloud), and never more than its other assets."""
    net, labels = _net(tmp_path, FUND)
    pc = labels.ids.index("pc")
    assert float(net.finance.book[pc, Book.PRIVATE_CREDIT]) == pytest.approx(
        min(290.0 - 15.0, float(net.holdings[pc, Asset.OTHER])))


# ------------------------------------------------------------------ funds


def _sector_after(net, labels, worth_drop, cash=None):
    """Run one funds.step from the start with the fund's NAV ``worth_drop`` below its high-water mark."""
    p = ModelParams()
    sec = initial_sector(net)
    pc = labels.ids.index("pc")
    sec = sec._replace(worth=sec.worth.at[pc].multiply(1 - worth_drop))
    c = net.cash if cash is None else cash
    return p, sec, funds.step(net, p, sec, c, net.holdings, net.debt_amount, net.economy.facility_room, jnp.ones(net.n))


def test_redemption_wave_forces_sales_that_mark_down_every_holder(tmp_path):
    """NAV 20 % below its high: investors ask 3 × 20 % of the evergreen half, the fund pays its 5 % cap
    from cash above its minimum, then sells loans; the sales move the loan price to exp(−sold/depth),
    and the bank, which holds private-credit loans of its own and sold none, marks them down by
    units × (1 − price) in the same step (hand-worked)."""
    net, labels = _net(tmp_path, FUND + BANK, [LP])
    pc, bank = labels.ids.index("pc"), labels.ids.index("bank")
    cash0 = net.cash.at[pc].set(net.economy.min_cash[pc] + 1.0)      # 1 of spare cash
    p, sec, (sec2, cash, holdings, debt, drawn, ff) = _sector_after(net, labels, 0.2, cash0)
    nav = float(sec.worth[pc])
    asked = p.redemption_slope * 0.2 * 0.5 * nav
    # The outside sector holds the 50 % the bank does not: the cap binds first.
    paid = min(asked, 0.05 * 0.5 * nav)
    spare = 1.0
    sold = paid - spare                                  # at par price 1 before the sale
    price = np.exp(-sold / p.depth_loans)
    assert float(ff.redeemed[pc]) == pytest.approx(paid)
    assert float(ff.gated[pc]) == pytest.approx(asked - paid)
    assert float(ff.sold[pc]) == pytest.approx(sold)
    assert float(sec2.loan_price) == pytest.approx(price)
    bank_units = float(net.finance.book[bank, Book.PRIVATE_CREDIT])
    assert bank_units == 50.0
    assert float(holdings[bank, Asset.OTHER] - net.holdings[bank, Asset.OTHER]) == pytest.approx(bank_units * (price - 1))
    left = float(net.finance.book[pc, Book.PRIVATE_CREDIT]) - sold
    assert float(holdings[pc, Asset.OTHER] - net.holdings[pc, Asset.OTHER]) == pytest.approx(-sold + left * (price - 1))
    # The cash goes to the LPs pro rata: the bank, half the fund, receives half of it (cash and stake move
    # together, so a redemption moves no LP's wealth, only the fund's liquidity).
    assert float(cash[bank] - cash0[bank]) == pytest.approx(0.5 * paid)
    # No drawdown, no redemption (subscriptions meet the usual requests), no sale.
    _, _, (sec0, *_, ff0) = _sector_after(net, labels, 0.0, cash0)
    assert float(ff0.redeemed.sum()) == 0.0 and float(sec0.loan_price) == 1.0


def test_fund_below_asset_coverage_sells_loans_and_repays_its_lines(tmp_path):
    """NAV down to 10 against a 40 line: assets over debt 50 / 40 < 1.5, so the fund sells
    x = (1.5 · 40 − 50) / 0.5 = 20 of loans and repays 20 of the line, paying the bank."""
    net, labels = _net(tmp_path, FUND, [LINE])
    pc, bank = labels.ids.index("pc"), labels.ids.index("bank")
    line = [i for i, lid in enumerate(labels.debt_links) if lid == "line"][0]
    p = ModelParams()
    sec = initial_sector(net)
    own = (net.debt_amount * net.debt_borrower[:, pc]).sum()
    sec = sec._replace(worth=sec.worth.at[pc].set(10.0))
    sec2, cash, holdings, debt, drawn, ff = funds.step(net, p, sec, net.cash, net.holdings, net.debt_amount,
                                                       net.economy.facility_room, jnp.ones(net.n))
    D = float(own)
    x = (1.5 * D - (10.0 + D)) / 0.5
    assert float(ff.repaid[pc]) == pytest.approx(x)
    assert float(net.debt_amount[line] - debt[line]) == pytest.approx(x * 40.0 / D)
    assert float(cash[bank] - net.cash[bank]) == pytest.approx(x * 40.0 / D)


# ------------------------------------------------------------------ the whole model


def _run(net, f, **params):
    o = simulate(net, f, ModelParams(record_paths=True, **params))
    return jax.tree_util.tree_map(lambda x: np.asarray(x[0]), o)


NO_BOOK = [("pc", "loans_usd_bn", 15.0, "usd_bn")]   # its only loan is to the network's neocloud


def test_fund_losing_more_than_its_lp_equity_passes_the_excess_to_its_line_bank(tmp_path):
    """A closed-end fund with 100 of LP equity and 200 of debt (40 of it a bank's line): a GDP collapse
    wipes out its 275 of loans (LGD 1); its losses exceed its LP equity, it is cleared insolvent, and
    the bank loses on the line exactly the line's share of the shortfall, 40 · (1 − payments / liabilities),
    against the same shock on a fund without that book. With LGD 0.3 the LPs absorb the losses and the
    line is paid in full."""
    levered = {("pc", "total_debt"): 200, ("pc", "total_liabilities"): 200, ("pc", "book_equity"): 100}
    net, labels = _net(tmp_path / "book", FUND[:1], [LINE], levered)
    twin, _ = _net(tmp_path / "none", NO_BOOK, [LINE], levered)
    pc, bank = labels.ids.index("pc"), labels.ids.index("bank")
    hit = _run(net, _gdp(net, 0.5), book_lgd_private_credit=1.0, fire_sales=False)
    ref = _run(twin, _gdp(twin, 0.5), book_lgd_private_credit=1.0, fire_sales=False)
    assert not ref.defaulted[pc]
    assert hit.defaulted[pc] and hit.default_reason[pc] == Reason.INSOLVENT
    assert hit.book_loss[pc] > 100.0                     # more than its LP equity
    ratio = hit.payments[pc] / hit.total_liabilities[pc]
    assert ratio < 0.95
    assert hit.credit_loss[bank] - ref.credit_loss[bank] == pytest.approx(40.0 * (1.0 - ratio), rel=1e-6)
    mild = _run(net, _gdp(net, 0.5), book_lgd_private_credit=0.3, fire_sales=False)
    assert not mild.defaulted[pc]
    assert mild.payments[pc] == pytest.approx(mild.total_liabilities[pc])


def test_lp_capital_falls_in_the_same_quarter_as_its_funds_nav(tmp_path):
    """The outside sector holds half of a closed-end fund: against the same shock on a fund without
    the book, its net worth moves by half the fund's move in every quarter (Elsinger's cross-holdings in
    the clearing), not at the horizon only."""
    net, labels = _net(tmp_path / "book", FUND[:1], [{**LP, "from_id": "out"}])
    twin, _ = _net(tmp_path / "none", NO_BOOK, [{**LP, "from_id": "out"}])
    pc, lp = labels.ids.index("pc"), labels.ids.index("out")
    hit = _run(net, _gdp(net, 0.9, quarters=4.0), fire_sales=False)
    ref = _run(twin, _gdp(twin, 0.9, quarters=4.0), fire_sales=False)
    d_fund = hit.net_worth_path[:, pc] - ref.net_worth_path[:, pc]
    d_lp = hit.net_worth_path[:, lp] - ref.net_worth_path[:, lp]
    assert d_fund[0] < -1.0                              # the fund loses from the first quarter
    np.testing.assert_allclose(d_lp, 0.5 * d_fund, rtol=1e-6, atol=1e-6)


def test_capital_floor_binds_when_losses_exceed_the_headroom(tmp_path):
    """CET1 30 against 10 % of 250 RWA: 5 of headroom. Corporate loans of 1,000 losing more than 5 (against
    the plan) take the bank below its minimum while it is still solvent: its CET1 ratio path shows the
    breach in the quarter recorded as ``floor_quarter``, its capital shortfall at the horizon is what it
    lacks against the floor; a solvent bank is resolved, not liquidated, so it does not default and its
    creditors are paid. With no shock its ratio stays 12 % every quarter."""
    net, labels = _net(tmp_path, BANK)
    bank = labels.ids.index("bank")
    hit = _run(net, _gdp(net, 0.9, quarters=8.0))
    base = _run(net, neutral(1, net.n, jnp.float64))
    assert base.floor_quarter[bank] == -1 and not base.defaulted[bank]
    q = hit.floor_quarter[bank]
    assert q >= 0 and not hit.defaulted[bank]
    assert hit.capital_ratio_path[q, bank] < 0.1 and (q == 0 or hit.capital_ratio_path[q - 1, bank] >= 0.1)
    assert hit.capital_ratio_min[bank] == pytest.approx(np.nanmin(hit.capital_ratio_path[:, bank]))
    # The ratio counts what the scenario lost against the plan's own path (a stress test holds the
    # plan's ratio: retained earnings are paid out or grow the balance sheet).
    for t in range(q + 1):
        assert hit.capital_ratio_path[t, bank] == pytest.approx(
            (30.0 + hit.net_worth_path[t, bank] - base.net_worth_path[t, bank]) / 250.0)
    np.testing.assert_allclose(base.capital_ratio_path[:, bank], 30.0 / 250.0, rtol=1e-9)
    lost = base.net_worth[bank] - hit.net_worth[bank]
    assert hit.capital_shortfall[bank] == pytest.approx(max(lost - 5.0, 0.0), rel=1e-6)
    assert hit.payments[bank] == pytest.approx(hit.total_liabilities[bank])

"""Private-credit funds under stress (docs/model.md §5.8): deleveraging below the BDC asset-coverage
minimum, redemptions of evergreen vehicles, and loan sales into a secondary market of finite depth
whose price every holder of private-credit loans marks its book at.

Each quarter, before the clearing, on the net worth (NAV) of the last clearing:

1. **Asset coverage.** A fund whose assets over debt ``(NAV + D) / D`` are below its BDC minimum
   ``m`` sells loans and repays its bank lines pro rata until it is back at ``m``:
   ``x = (m D − A) / (m − 1)``.
2. **Redemptions.** Investors in a fund's evergreen vehicles ask for ``base + slope · drawdown`` of
   the evergreen NAV, net of new subscriptions (``base`` 0: in the plan subscriptions meet the usual
   requests), the drawdown measured from the high-water mark of the NAV per share; the fund pays up to its
   quarterly cap (the rest is gated) from cash above its minimum, then from its undrawn lines, then by
   selling loans. The cash goes to the fund's LPs in proportion to their stakes (the unheld float's
   part leaves the network): LP shares stay fixed fractions of the fund — the redeeming investors are
   not tracked apart, so the clearing's stake matrix stays the network's, shared by every scenario
   (a per-scenario one costs a matrix inverse per clearing and cut throughput 2.5-fold) — and a
   redemption moves the fund's liquidity, not its LPs' wealth.
3. **Loan sales** push the secondary price of private-credit loans down, ``P = exp(−S / depth)``
   (the fire sales' exponential impact; Greenwood, Landier & Thesmar 2015 for the linear form), with
   ``S`` the sales of the last ``memory`` quarters (decaying by ``1/memory`` a quarter). Every holder
   of private-credit loans — funds, insurers, pension funds — marks its book at ``P``: a fund's
   forced sales lower its LPs' and its peers' capital in the same quarter.

Pure functions of one scenario; USD bn.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import KINDS, Asset
from ..finance import Book
from ..network import Network
from .params import ModelParams
from .scopes import scoped


DRAWDOWN_TOL = 1e-4   # NAV falls smaller than this share of the high-water mark are rounding


class Sector(NamedTuple):
    """The financial sector's part of the state (``[N]`` unless stated)."""

    book: jax.Array         # [N, C] off-network credit books at par (stressgpu.finance.Book columns)
    loan_price: jax.Array   # [] secondary price of private-credit loans (1 at par)
    sales: jax.Array        # [] private-credit loans sold recently (par, decaying by 1/memory a quarter)
    worth: jax.Array        # [N] net worth after the last clearing (a fund's NAV)
    peak: jax.Array         # [N] its high-water mark
    evergreen: jax.Array    # [N] share of each fund's NAV in evergreen vehicles (falls as they redeem)


class FundFlows(NamedTuple):
    """What the funds did this quarter, ``[N]``."""

    redeemed: jax.Array     # paid to redeeming investors
    gated: jax.Array        # asked for and not paid (above the cap, or nothing left to sell)
    sold: jax.Array         # private-credit loans sold (par)
    sale_loss: jax.Array    # below-par price received on them
    repaid: jax.Array       # bank lines repaid to restore asset coverage
    drawn: jax.Array        # undrawn lines drawn to pay redemptions


def funds(net: Network) -> jax.Array:
    """``[N]`` 1.0 for private-credit funds."""
    return (net.kind == KINDS.index("private_credit")).astype(net.cash.dtype)


def loan_price(sales, depth) -> jax.Array:
    """Secondary price of private-credit loans after ``sales`` (USD bn par) in a market of ``depth``."""
    return jnp.exp(-jnp.maximum(sales, 0.0) / depth)


def coverage_sale(nav, debt, coverage_min) -> jax.Array:
    """``[N]`` loans a fund sells to bring assets over debt back to ``coverage_min`` (0 when it is
    there, or has no minimum): ``(m D − A) / (m − 1)`` with ``A = NAV + D``."""
    assets = jnp.maximum(nav, 0.0) + debt
    short = coverage_min * debt - assets
    return jnp.where((coverage_min > 1.0) & (short > 0), short / jnp.maximum(coverage_min - 1.0, 1e-9), 0.0)


def redemption_requests(nav, peak, evergreen, base, slope) -> jax.Array:
    """``[N]`` USD bn asked for this quarter: ``(base + slope · drawdown) · evergreen · NAV``, the
    drawdown ``max(0, 1 − NAV / high-water mark)``."""
    nav = jnp.maximum(nav, 0.0)
    draw = jnp.where(peak > 0, jnp.maximum(1.0 - nav / jnp.where(peak > 0, peak, 1.0), 0.0), 0.0)
    # A fall below a hundredth of a per cent is rounding (float32 sums in another order), not a loss
    # investors see: without this a run split over two processes redeemed 1e-5 where one process did not.
    draw = jnp.where(draw > DRAWDOWN_TOL, draw, 0.0)
    return (base + slope * draw) * evergreen * nav


@scoped("funds")
def step(net: Network, p: ModelParams, sec: Sector, cash, holdings, debt, facility_room, alive):
    """One quarter of the funds, before the clearing. ``cash`` ``[N]``, ``holdings`` ``[N, A]``, ``debt``
    ``[E]`` outstanding, ``facility_room`` ``[N]`` undrawn facilities, ``alive`` ``[N]`` 0/1. Returns
    ``(sector, cash, holdings, debt, facility drawn [N], FundFlows)``; every holder's private-credit book
    is marked to the new loan price in ``holdings[:, OTHER]``."""
    fund = funds(net) * alive
    P = sec.loan_price
    units = sec.book[:, Book.PRIVATE_CREDIT]
    fund_debt_e = debt * (net.debt_borrower @ fund)                       # [E] lines owed by live funds
    fund_debt = fund_debt_e @ net.debt_borrower                           # [N]
    # 1. Asset coverage: sell loans, repay lines pro rata.
    lever = jnp.minimum(coverage_sale(sec.worth, fund_debt, net.finance.coverage_min) * fund, units * P)
    repay_share = jnp.where(fund_debt > 0, lever / jnp.where(fund_debt > 0, fund_debt, 1.0), 0.0)
    repay_e = fund_debt_e * (net.debt_borrower @ repay_share)             # [E]
    # 2. Redemptions: cash above the minimum, then undrawn lines, then loan sales at the current price.
    asked = redemption_requests(sec.worth, sec.peak, sec.evergreen, p.redemption_base, p.redemption_slope) * fund
    nav = jnp.maximum(sec.worth, 0.0)
    can_pay = net.finance.redemption_cap * sec.evergreen * nav
    want = jnp.minimum(asked, can_pay)
    spare = jnp.maximum(cash - net.economy.min_cash, 0.0) * fund
    from_cash = jnp.minimum(want, spare)
    drawn = jnp.minimum(want - from_cash, jnp.maximum(facility_room, 0.0) * fund)
    saleable = jnp.maximum(units * P - lever, 0.0)
    from_sales = jnp.minimum(want - from_cash - drawn, saleable)
    paid = from_cash + drawn + from_sales
    # 3. Sales move the price; sellers receive it, every holder marks its book to it.
    sold_units = (lever + from_sales) / jnp.maximum(P, 1e-9)
    sales = sec.sales * (1.0 - 1.0 / jnp.maximum(p.loan_sales_memory, 1.0)) + sold_units.sum()
    P_new = loan_price(sales, p.depth_loans)
    left = units - sold_units
    mark = left * (P_new - P)                                             # [N] every holder's mark change
    proceeds = sold_units * P                                             # sold before the new price settles
    other = holdings[:, Asset.OTHER] - proceeds + mark
    holdings = holdings.at[:, Asset.OTHER].set(other)
    fac_e = drawn @ net.economy.facility_link                             # [E] lines drawn
    cash = cash + proceeds + drawn - paid - lever
    cash = cash + (repay_e @ net.debt_lender)                             # lenders repaid
    redeemed_share = jnp.where(nav > 0, paid / jnp.where(nav > 0, nav, 1.0), 0.0)
    cash = cash + net.cross_holdings @ paid                                # the LPs are paid pro rata
    book = sec.book.at[:, Book.PRIVATE_CREDIT].set(left)
    ever_nav = sec.evergreen * nav - paid
    evergreen = jnp.where(nav - paid > 0, jnp.maximum(ever_nav, 0.0) / jnp.maximum(nav - paid, 1e-9), 0.0)
    # Redemptions shrink the fund, not its NAV per share: the high-water mark shrinks with it.
    sec = sec._replace(book=book, loan_price=P_new, sales=sales, peak=sec.peak * (1.0 - redeemed_share),
                       evergreen=jnp.where(fund > 0, evergreen, sec.evergreen))
    flows = FundFlows(paid, asked - paid, sold_units, sold_units * (1.0 - P), lever, drawn)
    return sec, cash, holdings, debt - repay_e + fac_e, drawn, flows

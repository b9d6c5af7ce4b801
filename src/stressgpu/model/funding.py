"""The funding order of a firm short of cash in one quarter (docs/model.md §4).

A firm whose cash after the quarter's flows falls below its minimum operating cash covers
the gap, in this order, each source only as far as it is open and has room:

1. undrawn facilities (revolvers, delayed-draw and construction loans);
2. new debt in the markets open to the firm, up to a capacity set by leverage and collateral
   (a private-credit freeze closes private credit and asset-backed debt);
3. new equity while the equity window is open (listed firms: a share of market value; labs:
   funding rounds at their valuation);
4. sales of liquid assets (financial firms: their securities portfolio);
5. capex cut down to its floor.

Whatever is still missing below zero cash is a missed payment: the firm defaults (liquidity).
Dividends and buybacks stop before any of this: they are paid only out of cash above the
minimum. New debt's room: what the firm's own plan borrows (the no-shock path, solved first, so
the deterministic baseline is funded) with some headroom, plus leverage room on its current
earnings, in the one credit market its kind uses (a private-credit freeze closes private credit).
All amounts USD bn for this quarter, ``[N]``.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Asset, CreditMarket
from ..network import Network
from ..shocks.base import Factors
from .contracts import Payments
from .debt_service import Service
from .params import ModelParams
from .plan import financial
from .revenue import Costs
from .state import Books, Credit

Array = jax.Array


class FundingResult(NamedTuple):
    """How each firm covered its gap, ``[N]`` USD bn (all >= 0), and what is left."""

    cash: Array           # cash after funding
    facility: Array       # drawn from undrawn facilities
    debt: Array           # new debt raised
    equity: Array         # new equity raised
    capex_cut: Array      # capex given up
    missed: Array         # bool: cash still below zero (a missed payment: default)
    assets: Array         # liquid assets sold


def fund_shortfall(cash, min_cash, facility_room, debt_room, equity_room, capex_cuttable,
                   asset_room=0.0) -> FundingResult:
    """Cover ``max(0, min_cash − cash)`` from the sources in order (module docstring).

    Each ``*_room`` is what the source can give this quarter (0 when the market is closed);
    negative rooms count as 0.
    """
    need = jnp.maximum(min_cash - cash, 0.0)
    taken = []
    for room in (facility_room, debt_room, equity_room, asset_room, capex_cuttable):
        take = jnp.minimum(need, jnp.maximum(room, 0.0))
        taken.append(take)
        need = need - take
    facility, debt, equity, sold, cut = taken
    cash = cash + facility + debt + equity + sold + cut
    return FundingResult(cash, facility, debt, equity, cut, cash < 0, sold)


class Cash(NamedTuple):
    """The quarter's cash before funding, ``[N]``."""

    cash: Array            # after operating flows, contracts, debt service, planned rounds and dividends
    received: Array        # fees, interest and principal received (an estate keeps collecting these)
    planned_equity: Array  # funding rounds as planned (in the equity window)
    dividends: Array       # dividends and buybacks paid
    window: Array          # [] the equity window's size this quarter (1 = as planned)


def cash_before_funding(net: Network, f: Factors, books: Books, alive, pay: Payments, svc: Service, c: Costs,
                        capex, t) -> Cash:
    """Cash after the quarter's flows: revenue less costs and capex, planned rounds, contract
    payments (the prepaid share moves no cash), interest and principal, then dividends out of
    cash above the minimum."""
    ec = net.economy
    flows_out = (pay.paid - pay.prepaid + pay.fee + pay.replaced) @ net.commit_buyer \
        + svc.interest @ net.debt_borrower + svc.repay @ net.debt_borrower
    # Contract receipts are in revenue; termination fees, interest and principal flow in here.
    flows_in = pay.fee @ net.commit_supplier + svc.interest @ net.debt_lender + svc.repay @ net.debt_lender \
        - pay.prepaid @ net.commit_supplier
    window = jnp.where(t < f.funding_quarters, f.funding_mult, 1.0)
    planned_equity = net.equity_raise / 4 * window * alive
    cash = books.cash + alive * (c.revenue - c.variable - c.sticky - capex + planned_equity) - flows_out + flows_in
    dividends = jnp.minimum(ec.dividends / 4, jnp.maximum(cash - ec.min_cash, 0.0)) * alive
    return Cash(cash - dividends, flows_in, planned_equity, dividends, window)


class Funded(NamedTuple):
    result: FundingResult  # how each firm covered its gap
    debt: Array            # [E] outstanding after new loans
    holdings: Array        # [N, A] after lenders swapped securities for loans and sellers sold securities
    buffer: Array          # [N] liquidity buffer: cash before funding plus every source's room
                           # (< 0 exactly when the firm misses a payment; a continuous default margin)


def fund(net: Network, f: Factors, p: ModelParams, books: Books, credit: Credit, debt, cash: Cash, c: Costs, capex,
         alive, plan_room_t, t) -> Funded:
    """The funding order applied to ``cash``; ``debt`` ``[E]`` after this quarter's repayments,
    ``plan_room_t`` ``[N]`` the plan's cumulative new debt by now."""
    ec = net.economy
    ocf = 4.0 * (c.revenue - c.variable - c.sticky)
    own_debt = debt @ net.debt_borrower
    market_open = jnp.where(ec.credit_market == CreditMarket.PRIVATE_CREDIT, t >= f.credit_freeze_quarters,
                            ec.credit_market == CreditMarket.BONDS)
    market_open = market_open & p.refinancing
    debt_room = jnp.where(market_open, (1.0 + p.plan_headroom) * plan_room_t
                          + jnp.maximum(p.debt_leverage * ocf - own_debt, 0.0) - credit.new_debt, 0.0)
    equity_room = ec.listed * p.equity_issue_share * ec.market_value / 4 * cash.window
    cuttable = (1.0 - net.capex_floor) * capex
    asset_room = jnp.where(financial(net), jnp.maximum(books.holdings[:, Asset.OTHER], 0.0), 0.0)   # securities at par
    r = fund_shortfall(cash.cash, ec.min_cash * alive, credit.facility_room * alive, debt_room * alive,
                       equity_room * alive, cuttable * alive, asset_room * alive)
    lent = r.facility @ ec.facility_link + r.debt @ ec.market_link      # [E] new claims
    # Lenders swap securities for the new loans; financial firms short of cash sell securities.
    holdings = books.holdings.at[:, Asset.OTHER].add(-(lent @ net.debt_lender) - r.assets)
    rooms = (credit.facility_room, debt_room, equity_room, asset_room, cuttable)
    buffer = cash.cash + sum(jnp.maximum(x, 0.0) for x in rooms) * alive
    return Funded(r, debt + lent, holdings, buffer)

"""The funding order of a firm short of cash in one quarter (docs/model.md §4).

A firm whose cash after the quarter's flows falls below its minimum operating cash covers
the gap, in this order, each source only as far as it is open and has room:

1. undrawn facilities (revolvers, delayed-draw and construction loans);
2. new debt in the bond and bank-loan market, then in private credit, each up to what its
   lenders underwrite on the scenario's own path (:mod:`stressgpu.model.lenders`: leverage,
   interest cover, collateral at its value, contracted backlog); a private-credit freeze closes
   private credit. The firm's own plan never sets how much it can borrow;
3. new equity while the equity window is open: listed firms up to ``equity_issue_share`` of their
   market value in the scenario (the data's value, grown at the cost of equity along the plan and
   scaled by revenue against plan: a constant multiple), private firms funding rounds up to ``round_share`` of their value a year, less the
   rounds they already planned, shrinking in a down round (:func:`round_size`);
4. sales of liquid assets (financial firms: their securities portfolio);
5. capex cut down to its floor (the committed construction);
6. sticky opex cut, by at most ``opex_cut_per_year`` a year of what is left and ``MAX_OPEX_CUT``
   in all, less the cost of cutting (severance, exits): the cut lasts.

Whatever is still missing below zero cash is a missed payment: the firm defaults (liquidity).
Dividends and buybacks stop before any of this: they are paid only out of cash above the
minimum. Private labs' planned funding rounds come before the order, priced at the scenario's
value: a round shrinks as ``(value / last round's)^round_size_elasticity`` when the value falls
below the last round's (investors take less of a down round) and closes with the funding window.
What sources 5–6 and a missed payment cover is the firm's *unfunded gap*.
All amounts USD bn for this quarter, ``[N]``.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Asset, Market
from ..network import Network
from ..shocks.base import Factors
from .contracts import Payments
from .lenders import Underwriting, collateral_value, underwrite
from .debt_service import Service
from .params import ModelParams
from .plan import financial
from .revenue import Costs
from .state import Books, Credit

Array = jax.Array


MAX_OPEX_CUT = 0.5  # sticky opex is never cut by more than half: what is left runs the firm


class FundingResult(NamedTuple):
    """How each firm covered its gap, ``[N]`` USD bn (all >= 0), and what is left."""

    cash: Array           # cash after funding
    facility: Array       # drawn from undrawn facilities
    bonds: Array          # new debt in the bond and bank-loan market
    private: Array        # new debt in private credit
    equity: Array         # new equity raised
    assets: Array         # liquid assets sold
    capex_cut: Array      # capex given up
    opex_cut: Array       # sticky opex saved (net of the cost of cutting)
    missed: Array         # bool: cash still below zero (a missed payment: default)

    @property
    def debt(self) -> Array:
        """New debt raised in every market."""
        return self.bonds + self.private

    @property
    def gap(self) -> Array:
        """The unfunded gap: what only cuts or a missed payment covered."""
        return self.capex_cut + self.opex_cut + jnp.maximum(-self.cash, 0.0)


def fund_shortfall(cash, min_cash, facility_room, bonds_room, private_room, equity_room, asset_room, capex_cuttable,
                   opex_cuttable) -> FundingResult:
    """Cover ``max(0, min_cash − cash)`` from the sources in order (module docstring).

    Each ``*_room`` is what the source can give this quarter (0 when the market is closed);
    negative rooms count as 0.
    """
    need = jnp.maximum(min_cash - cash, 0.0)
    taken = []
    for room in (facility_room, bonds_room, private_room, equity_room, asset_room, capex_cuttable, opex_cuttable):
        take = jnp.minimum(need, jnp.maximum(room, 0.0))
        taken.append(take)
        need = need - take
    cash = cash + sum(taken)
    return FundingResult(cash, *taken, cash < 0)


class Cash(NamedTuple):
    """The quarter's cash before funding, ``[N]``."""

    cash: Array            # after operating flows, contracts, debt service, planned rounds and dividends
    received: Array        # fees, interest and principal received (an estate keeps collecting these)
    planned_equity: Array  # funding rounds as planned (in the equity window)
    dividends: Array       # dividends and buybacks paid
    window: Array          # [] the equity window's size this quarter (1 = as planned)


def equity_index(value_index, ev_leverage) -> Array:
    """``[N]`` a firm's equity value against the plan's: its enterprise value moves with its revenue
    against plan (``value_index``, a constant multiple), the debt does not, so equity moves
    ``ev_leverage`` (:func:`stressgpu.model.plan.ev_leverage`) times as much, floored at 0:
    ``max(0, 1 + ev_leverage · (value_index − 1))``."""
    return jnp.maximum(1.0 + ev_leverage * (value_index - 1.0), 0.0)


def round_size(value_index, elasticity) -> Array:
    """``[N]`` share of a planned funding round investors take: 1 at or above the last round's
    value, ``value_index^elasticity`` below it (``value_index``: value over the last round's)."""
    return jnp.minimum(jnp.maximum(value_index, 0.0), 1.0) ** elasticity


class _NoShock(NamedTuple):
    rate_shift: float = 0.0
    equity_premium_shift: float = 0.0
    ai_premium: float = 0.0


def value_growth_at(net: Network, p: ModelParams, t) -> Array:
    """``[N]`` the plan's equity value at quarter ``t`` over the data's (the last priced round's, for
    a private firm): the no-shock cost of equity compounded, ``(1 + r)^(t/4)`` — a firm that pays
    nothing out is expected to appreciate at it (docs/model.md §6). The plan's rate, not the
    scenario's: a higher discount rate lowers today's value, so it must not raise the value that
    a round is compared with (a rate hike or a higher AI premium would otherwise enlarge rounds)."""
    from .valuation import scenario_discount_rate
    return (1.0 + scenario_discount_rate(net, _NoShock(), p)) ** (t / 4.0)


def cash_before_funding(net: Network, f: Factors, p: ModelParams, books: Books, alive, pay: Payments, svc: Service,
                        c: Costs, capex, value_index, planned_t, t, value_growth=None) -> Cash:
    """Cash after the quarter's flows: revenue less costs and capex, planned rounds, contract
    payments (the prepaid share moves no cash), interest and principal, then dividends out of cash
    above the minimum. ``planned_t`` ``[N]`` the equity planned this quarter
    (``Economy.equity_plan``). A planned round is sized by :func:`round_size` at the scenario's
    value against the last round's, ``value_index · value_growth``: ``value_index`` ``[N]`` the value
    against the plan's, ``value_growth`` ``[N]`` the plan's against the last round's
    (:func:`value_growth_at` where None): a round is smaller only when the scenario's value is
    below the price investors last paid, not whenever the firm is worth less than its plan."""
    ec = net.economy
    if value_growth is None:
        value_growth = value_growth_at(net, p, t)
    flows_out = (pay.paid - pay.prepaid + pay.fee + pay.replaced) @ net.commit_buyer \
        + svc.interest @ net.debt_borrower + svc.repay @ net.debt_borrower
    # Contract receipts are in revenue; termination fees, interest and principal flow in here.
    flows_in = pay.fee @ net.commit_supplier + svc.interest @ net.debt_lender + svc.repay @ net.debt_lender \
        - pay.prepaid @ net.commit_supplier
    window = jnp.where(t < f.funding_quarters, f.funding_mult, 1.0)
    planned_equity = planned_t * window * round_size(value_index * value_growth, p.round_size_elasticity) * alive
    cash = books.cash + alive * (c.revenue - c.variable - c.sticky - capex + planned_equity) - flows_out + flows_in
    dividends = jnp.minimum(ec.dividends / 4, jnp.maximum(cash - ec.min_cash, 0.0)) * alive
    return Cash(cash - dividends, flows_in, planned_equity, dividends, window)


class Funded(NamedTuple):
    result: FundingResult  # how each firm covered its gap
    debt: Array            # [E] outstanding after new loans
    holdings: Array        # [N, A] after lenders swapped securities for loans and sellers sold securities
    buffer: Array          # [N] liquidity buffer: cash before funding plus every source's room
                           # (< 0 exactly when the firm misses a payment; a continuous default margin)
    opex_cut: Array        # [N] share of sticky opex cut so far (after this quarter's cut)
    underwriting: Underwriting  # what lenders would have lent (before the funding order took it)


def convertible_room(issuer, value, share) -> Array:
    """``[N]`` new convertible notes a listed issuer (``issuer`` 0/1) can sell this quarter:
    ``share`` a year of its scenario market value ``value`` (USD bn). CoreWeave sold 2.25 bn in
    December 2025 and 3.0 bn in April 2026 on a value of about 45 bn, Nebius 2.75 bn on about 25 bn,
    IREN 2.0 bn on about 13 bn (``data/funding_plans.csv``): 10–30 % of value a year."""
    return issuer * share * jnp.maximum(value, 0.0) / 4


def committed_capex_share(floor_share, t, construction_quarters) -> Array:
    """``[N]`` share of quarter ``t``'s capex a firm cannot cut: the projects under way at the
    start (``floor_share`` of the plan, the data's ``capex_floor_share``) complete evenly over
    ``construction_quarters`` (a data centre takes 18–24 months to build), so the committed share
    falls linearly to 0; new projects can always be stopped."""
    left = jnp.clip(1.0 - t / jnp.maximum(construction_quarters, 1e-9), 0.0, 1.0)
    return floor_share * left


def new_debt_rate(net: Network, f: Factors) -> Array:
    """``[N]`` annual rate of a firm's new debt: its new-debt link's coupon (floating) plus the
    scenario's rate and spread shifts."""
    rate = jnp.max(net.economy.market_link @ net.debt_rate, axis=0)
    return rate + f.rate_shift + f.spread_shift


def fund(net: Network, f: Factors, p: ModelParams, books: Books, credit: Credit, svc: Service, cash: Cash, c: Costs,
         capex, alive, backlog_pv, committed, value_index, value_growth, opex_cut, leverage_cap, t,
         plan_growth=None) -> Funded:
    """The funding order applied to ``cash``. ``svc`` the quarter's debt service (``svc.debt``
    ``[E]`` after repayments); ``backlog_pv`` ``[N]`` contracted backlog from solvent
    investment-grade buyers (:func:`stressgpu.model.lenders.backlog`); ``committed`` ``[N]`` the
    binding commitments the firm still owes (:func:`stressgpu.model.plan.committed`: lenders count
    them as debt); ``value_index`` ``[N]`` the firm's value against the plan's (revenue against
    plan revenue), ``value_growth`` ``[N]`` the plan's value against the data's by now (the cost of
    equity compounded: a firm that pays nothing out is expected to appreciate at it; listed firms'
    issuance room), ``plan_growth`` ``[N]`` the same at the no-shock cost of equity (rounds; None:
    :func:`value_growth_at`); ``opex_cut`` ``[N]`` the share of sticky opex already cut
    (``c.sticky`` is after that cut); ``leverage_cap`` ``[N]`` lenders' maximum leverage."""
    ec = net.economy
    debt = svc.debt
    ocf = 4.0 * (c.revenue - c.variable - c.sticky)
    markets_open = jnp.stack([jnp.asarray(True), t >= f.credit_freeze_quarters]) & p.refinancing
    uw = underwrite(ocf, debt @ net.debt_borrower + committed, 4.0 * svc.interest @ net.debt_borrower,
                    new_debt_rate(net, f),
                    collateral_value(books.holdings, books.price, p.max_ltv), backlog_pv,
                    (debt * ec.debt_secured) @ net.debt_borrower, ec.market_access, markets_open,
                    leverage_cap, p.min_interest_cover, p.backlog_advance)
    # Listed firms issue a share of their scenario value; private firms raise rounds up to a share of
    # theirs, less the rounds already planned this quarter, smaller in a down round.
    value = ec.market_value * value_growth * jnp.maximum(value_index, 0.0)
    listed_room = ec.listed * p.equity_issue_share * value / 4
    # Convertible notes are debt sized off the equity (their buyers hedge by shorting the stock), so
    # they add to the bond market's room while the equity window is open, whatever the leverage.
    bonds_room = uw.bonds + convertible_room(ec.convertible, value, p.convertible_share) * cash.window \
        * jnp.asarray(p.refinancing, value.dtype)
    # A round is priced at the scenario's value, and investors take less of it only below the
    # last round's price (the data's value): value_index · plan_growth against 1, the plan's value
    # growth at its no-shock cost of equity (:func:`value_growth_at`).
    if plan_growth is None:
        plan_growth = value_growth_at(net, p, t)
    round_room = ec.equity_rounds * (p.round_share * ec.market_value * plan_growth * jnp.maximum(value_index, 0.0)
                                     * round_size(value_index * plan_growth, p.round_size_elasticity) / 4
                                     - cash.planned_equity / jnp.maximum(cash.window, 1e-12))
    equity_room = (listed_room + jnp.maximum(round_room, 0.0)) * cash.window
    cuttable = (1.0 - committed_capex_share(net.capex_floor, t, p.construction_quarters)) * capex
    # This quarter's cut: a quarter of the yearly share, of the opex not cut yet, up to the cap.
    uncut = c.sticky / jnp.maximum(1.0 - opex_cut, 1e-9)
    step = jnp.clip(jnp.minimum(p.opex_cut_per_year / 4.0, MAX_OPEX_CUT - opex_cut), 0.0, 1.0)
    opex_room = uncut * step * jnp.maximum(1.0 - p.opex_cut_cost, 0.0)
    asset_room = jnp.where(financial(net), jnp.maximum(books.holdings[:, Asset.OTHER], 0.0), 0.0)   # securities at par
    rooms = (credit.facility_room, bonds_room, uw.private, equity_room, asset_room, cuttable, opex_room)
    r = fund_shortfall(cash.cash, ec.min_cash * alive, *(x * alive for x in rooms))
    lent = r.facility @ ec.facility_link + r.bonds @ ec.market_link[Market.BONDS] \
        + r.private @ ec.market_link[Market.PRIVATE_CREDIT]                          # [E] new claims
    # Lenders swap securities for the new loans; financial firms short of cash sell securities.
    holdings = books.holdings.at[:, Asset.OTHER].add(-(lent @ net.debt_lender) - r.assets)
    buffer = cash.cash + sum(jnp.maximum(x, 0.0) for x in rooms) * alive
    cut_share = jnp.where(uncut > 0, r.opex_cut / jnp.maximum(uncut * jnp.maximum(1.0 - p.opex_cut_cost, 1e-9), 1e-12),
                          0.0)
    return Funded(r, debt + lent, holdings, buffer, opex_cut + cut_share, uw)

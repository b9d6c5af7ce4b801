"""Loss accounting at the horizon (docs/model.md §7): one last clearing of every claim, and
what each creditor, lender kind and shareholder lost, collected into :class:`Outcome`.

* Credit loss of a creditor: what its debtors owe it less what the clearing pays (the unsecured
  pool: debt after collateral, suppliers' and buyers' claims); by lender kind, and after each
  private-credit fund passes its losses to its equity holders in proportion to their stakes.
* External loss: creditors outside the network (non-debt liabilities) share pro rata.
* Capital shortfall: what a bank, fund or insurer lacks to meet its capital floor.
* Market value (:mod:`stressgpu.model.valuation`): the DCF of each firm's equity along the path.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import KINDS, LENDER_KINDS, Status
from ..network import Network
from ..solvers import worst
from .contagion import Cleared, net_worth
from .plan import Constants
from .state import State
from .valuation import PricedIn, ValueParts, market_value, normalised, scaled_extra, value_parts


class Outcome(NamedTuple):
    """Per-scenario results of the quarterly model (leading axis B after vmap)."""

    defaulted: jax.Array         # [N] bool
    default_quarter: jax.Array   # [N] int32, -1 never
    equity: jax.Array            # [N] USD bn at the horizon (clearing value, >= 0)
    net_worth: jax.Array         # [N] assets less liabilities at the horizon (negative when under water)
    payments: jax.Array          # [N] clearing payments at the horizon
    total_liabilities: jax.Array  # [N] pbar at the horizon
    credit_loss: jax.Array       # [N] loss of each creditor on its claims at the horizon
    credit_exposure: jax.Array   # [N] those claims: debt owed to it and its claims on defaulted buyers
    credit_loss_by_kind: jax.Array  # [K] losses by lender kind (stressgpu._types.LENDER_KINDS)
    credit_loss_borne_by_kind: jax.Array  # [K] network and off-network credit losses after private-credit funds pass
                                          # theirs to their LPs
    external_loss: jax.Array     # [] loss of creditors outside the network (non-debt liabilities)
    commitment_loss: jax.Array   # [N]
    direct_loss: jax.Array       # [N] first-round loss (shock alone, before propagation)
    firesale_loss: jax.Array     # [N]
    prices: jax.Array            # [T, A] asset prices at each quarter end
    defaults_per_quarter: jax.Array  # [T]
    cash: jax.Array              # [N] at the horizon
    clearing_converged: jax.Array  # [] every solver of every quarter finished ok (status == OK)
    status: jax.Array            # [] int32 worst status of every solver in every quarter
    utilisation: jax.Array       # [T] compute utilisation each quarter
    rental_price: jax.Array      # [T] compute rental price index (1 = plan)
    hardware_price: jax.Array    # [T] new-hardware price index (1 = plan)
    hardware_shipped: jax.Array  # [T] AI-hardware volume shipped, relative to plan
    revenue_vs_plan: jax.Array   # [N] revenue over the horizon / the plan's (1 = as planned)
    capex_vs_plan: jax.Array     # [N] capex spent / planned
    capex_shortfall: jax.Array   # [N] USD bn of planned capex not spent (the real-economy AI capex shortfall)
    funding: jax.Array           # [N, 4] USD bn raised: facilities, new debt, new equity, capex cut
    new_debt_path: jax.Array     # [T, N] new debt raised each quarter, bonds and private credit
    claims: jax.Array            # [F] suppliers' claims on defaulted buyers for unpaid binding commitments
    secured_recovered: jax.Array  # [N] USD bn secured lenders took from collateral of defaulted borrowers
    interest_income: jax.Array   # [N] USD bn interest received over the horizon
    guarantees_paid: jax.Array   # [N] USD bn each guarantor paid for defaulted borrowers
    accelerated: jax.Array       # [E] bool: a covenant breach outlasted its cure period and the lender accelerated
    prepayment_claims: jax.Array  # [F] buyers' claims on failed suppliers for prepayments not yet used
    capital_shortfall: jax.Array  # [N] USD bn a bank, fund or insurer lacks to meet its capital floor at the horizon
    capital_shortfall_by_kind: jax.Array  # [K] the same by lender kind
    market_value: jax.Array      # [N] USD bn: DCF value of the equity at t = 0 along this path (docs/model.md §6)
    value_parts: ValueParts      # its pieces ([N] each): head, tail, discount rate
    priced_growth: jax.Array     # [N] the priced-in near-term growth g0 of the terminal cash flow (the network's,
                                 # every scenario), fading to priced_long_run over priced_fade_years (§6)
    priced_extra: jax.Array      # [N] USD bn per year: the priced-in terminal cash flow beyond the path's own (idem)
    priced_long_run: jax.Array   # [N] the long-run growth g0 fades to (idem)
    priced_fade_years: jax.Array  # [N] years of the fade (idem)
    payout_path: jax.Array       # [T, N] payouts to shareholders each quarter ([T, 0] unless record_paths)
    cash_path: jax.Array         # [T, N] liquidity buffer: cash before funding plus every funding source's room
                                 # (< 0: a missed payment; [T, 0] unless record_paths)
    net_worth_path: jax.Array    # [T, N] assets − liabilities after each quarter's clearing (idem)
    default_reason: jax.Array    # [N] int32 why each firm defaulted (stressgpu._types.Reason; 0 none)
    default_closed: jax.Array    # [N] int32 at default, the funding sources it could not use: bits 1 bonds,
                                 # 2 private credit, 4 equity (closed by the scenario or lending nothing)
    revenue_last: jax.Array      # [N] revenue in the last year of the horizon
    upkeep_last: jax.Array       # [N] upkeep of the capital stock in the last year of the horizon
    margin: jax.Array            # [N] (revenue − cash cost) / revenue over the horizon; cash cost: variable cost,
                                 # sticky opex and contract purchases (docs/model.md §8.2)
    unfunded_gap: jax.Array      # [N] USD bn over the horizon: what only capex and opex cuts or a missed payment covered
    gap_quarter: jax.Array       # [N] int32 first quarter with an unfunded gap (-1 never)
    # The financial sector (docs/model.md §5.8, §7).
    book_loss: jax.Array         # [N] defaults on the off-network credit book: par written off x LGD
    book_loss_by_kind: jax.Array  # [K] every loss on the off-network books by lender kind: defaults, sales below par,
                                  # loans held below par at the horizon
    book_mark_loss: jax.Array    # [N] private-credit loans held at the horizon, below par at the loan price
    sale_loss: jax.Array         # [N] below-par price received on private-credit loans sold
    redeemed: jax.Array          # [N] paid to redeeming investors of a fund's evergreen vehicles
    gated: jax.Array             # [N] asked for and not paid
    loans_sold: jax.Array        # [N] private-credit loans sold (par)
    loan_price: jax.Array        # [T] secondary price of private-credit loans each quarter
    capital_ratio_path: jax.Array  # [T, N] capital ratio each quarter (CET1/RWA, TAC/RBC, funded status, asset
                                   # coverage; NaN: none)
    capital_ratio_min: jax.Array  # [N] lowest capital ratio over the path (NaN: none)
    floor_quarter: jax.Array     # [N] int32 first quarter below the minimum ratio (-1 never)


class Paths(NamedTuple):
    """What the quarterly scan records each quarter (leading axis T)."""

    prices: jax.Array            # [T, A]
    new_defaults: jax.Array      # [T]
    cash: jax.Array              # [T, N] liquidity buffer ([T, 0] unless record_paths)
    net_worth: jax.Array         # [T, N] (idem)
    payout: jax.Array            # [T, N] (idem)
    market: jax.Array            # [T, 5] utilisation, rental price, hardware price, volume shipped, loan price
    new_debt: jax.Array          # [T, N] new market debt raised
    capital: jax.Array           # [T, N] capital ratios of financial firms (NaN: none)


GAP_TOL = 1e-6  # USD bn: a gap below this is rounding, not a gap


def borne(net: Network, credit: jax.Array) -> jax.Array:
    """``[N]`` credit losses after each private-credit fund passes them to its equity holders in
    proportion to their stakes (LPs first, docs/model.md §5.8); the unheld share stays with the
    fund's own equity."""
    stakes = net.cross_holdings
    fund = (net.kind == KINDS.index("private_credit")).astype(credit.dtype)
    held = stakes.sum(0)
    return credit * (1.0 - fund * held) + stakes @ (credit * fund)


def _ratio(a, b):
    return jnp.where(b > 0, a / jnp.where(b > 0, b, 1.0), 1.0)


def account(net: Network, k: Constants, s: State, c: Cleared, paths: Paths, rate, priced: PricedIn) -> Outcome:
    """The :class:`Outcome` of a path that ended in state ``s``, cleared one last time as ``c``;
    ``rate`` ``[N]`` the scenario's discount rates, ``priced`` what the market prices in."""
    priced = scaled_extra(priced, s.ledger.revenue_last)
    dtype = s.books.cash.dtype
    cn = c.network
    led, b = s.ledger, s.books
    status = worst(s.defaults.status, c.status)
    shortfall = cn.total_liabilities - c.payments
    credit = cn.inflows(shortfall)
    kinds = jnp.stack([net.kind == KINDS.index(x) for x in LENDER_KINDS], axis=1).astype(dtype)
    ext_share = jnp.where(cn.total_liabilities > 0,
                          net.external_liabilities / jnp.maximum(cn.total_liabilities, 1e-12), 0.0)
    parts = value_parts(led.payout_pv, b.cash - net.cash, normalised(led.ocf_last, led.revenue_last, led.upkeep_last, priced.margin),
                        rate, net.quarters)
    worth = net_worth(c)
    capital_shortfall = jnp.where(k.floor > 0, jnp.maximum(k.floor - worth, 0.0), 0.0)
    sec = s.sector
    mark = sec.book[:, 0] * (1.0 - sec.loan_price)          # private-credit loans still held, below par
    book = led.book_loss + led.sale_loss + mark
    return Outcome(
        defaulted=s.defaults.defaulted, default_quarter=s.defaults.quarter, equity=c.equity, payments=c.payments,
        net_worth=worth, total_liabilities=cn.total_liabilities, credit_loss=credit,
        credit_loss_borne_by_kind=borne(net, credit + book) @ kinds,
        credit_exposure=cn.amount @ cn.lender, credit_loss_by_kind=credit @ kinds,
        external_loss=(shortfall * ext_share).sum(), commitment_loss=led.commitment_loss,
        direct_loss=led.direct_loss, firesale_loss=led.firesale_loss, prices=paths.prices,
        defaults_per_quarter=paths.new_defaults, cash=b.cash, clearing_converged=status == Status.OK,
        status=status, cash_path=paths.cash, net_worth_path=paths.net_worth,
        utilisation=paths.market[:, 0], rental_price=paths.market[:, 1], hardware_price=paths.market[:, 2],
        hardware_shipped=paths.market[:, 3],
        revenue_vs_plan=_ratio(led.revenue, led.revenue_plan), capex_vs_plan=_ratio(led.capex, led.capex_plan),
        capex_shortfall=led.capex_plan - led.capex,
        funding=led.funding, new_debt_path=paths.new_debt, claims=s.claims.unpaid, secured_recovered=led.secured,
        interest_income=led.interest_in, guarantees_paid=led.guaranteed,
        accelerated=s.credit.accelerated, prepayment_claims=s.claims.prepaid,
        capital_shortfall=capital_shortfall, capital_shortfall_by_kind=capital_shortfall @ kinds,
        market_value=market_value(parts, priced, s.defaults.defaulted), value_parts=parts,
        payout_path=paths.payout, priced_growth=priced.growth, priced_extra=priced.extra,
        priced_long_run=priced.long_run, priced_fade_years=priced.fade_years,
        revenue_last=led.revenue_last, upkeep_last=led.upkeep_last,
        margin=jnp.where(led.revenue > 0, (led.revenue - led.cash_cost) / jnp.where(led.revenue > 0, led.revenue, 1.0),
                         0.0),
        default_reason=s.defaults.reason, default_closed=s.defaults.closed, unfunded_gap=led.gap,
        gap_quarter=led.gap_quarter,
        book_loss=led.book_loss, book_loss_by_kind=book @ kinds, book_mark_loss=mark, sale_loss=led.sale_loss,
        redeemed=led.redeemed, gated=led.gated, loans_sold=led.loans_sold, loan_price=paths.market[:, 4],
        capital_ratio_path=paths.capital,
        capital_ratio_min=jnp.where(jnp.isfinite(paths.capital).any(0), led.ratio_min, jnp.nan), floor_quarter=led.floor_quarter,
    )


def record(ledger, net: Network, alive, plan_revenue, revenue, lost, extra_interest, interest, funded, capex,
           capex_plan, t, cash_cost=0.0):
    """The ledger (:class:`stressgpu.model.state.Ledger`) after a quarter's flows, ``[N]`` unless
    stated: ``lost`` ``[F]`` suppliers' shortfalls on their contracts, ``interest`` ``[E]`` paid,
    ``funded`` the funding order's :class:`stressgpu.model.funding.FundingResult`. The first-round
    (direct) loss is the margin on revenue below plan plus the interest the shock added."""
    direct = alive * ((plan_revenue - revenue) * (1 - net.economy.variable_cost_share) + extra_interest)
    return ledger._replace(
        commitment_loss=ledger.commitment_loss + lost @ net.commit_supplier, direct_loss=ledger.direct_loss + direct,
        funding=ledger.funding + jnp.stack([funded.facility, funded.bonds, funded.private, funded.equity,
                                            funded.capex_cut, funded.opex_cut], axis=1) * alive[:, None],
        gap=ledger.gap + funded.gap * alive,
        gap_quarter=jnp.where((ledger.gap_quarter < 0) & (funded.gap * alive > GAP_TOL), t.astype(jnp.int32),
                              ledger.gap_quarter),
        revenue=ledger.revenue + revenue * alive, revenue_plan=ledger.revenue_plan + plan_revenue,
        cash_cost=ledger.cash_cost + cash_cost * alive,
        interest_in=ledger.interest_in + interest @ net.debt_lender,
        capex=ledger.capex + capex * alive, capex_plan=ledger.capex_plan + capex_plan)

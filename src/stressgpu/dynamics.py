"""The quarterly model (docs/model.md §3–§5): the order of events in a quarter, and the
``lax.scan`` over quarters. Each mechanism lives in its own module of :mod:`stressgpu.model`;
this module only strings them together, for ONE scenario (:mod:`stressgpu.batch` batches).

Each quarter, for every entity still alive (USD bn per quarter):

    cash[t+1] = cash[t] + revenue − variable cost − sticky opex − capex − interest − principal due
                − commitments paid + commitments received − dividends + funding raised

then defaults are cleared jointly with fire sales until neither moves, and covenants are tested
on the closing balance sheets. Defaults are absorbing: a defaulted entity's flows stop and its
estate is frozen.
"""
from __future__ import annotations

import dataclasses
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from ._types import Asset, Market, Reason
from .model import capacity, contracts, credit_book, debt_service, funding, funds, lenders, revenue, value_chain
from .model.capital import capital_ratio, floor_at, ratio_minimum, start_worth
from .model.contagion import clear, contagion
from .model.covenants import check_covenants
from .model.losses import Outcome, Paths, account, record
from .model.params import ModelParams
from .model.plan import Constants, Plan, committed, constants, financial, option_debt
from .model.scopes import scoped
from .model.state import State, initial_state
from .model.valuation import PricedIn, accrue, priced_in, scenario_discount_rate
from .network import Network
from .shocks.base import Factors, neutral
from .solvers import worst


class Flows(NamedTuple):
    """What a quarter's flows hand to the rest of the quarter, ``[N]`` unless stated."""

    missed: jax.Array     # bool: a payment missed after every funding source (a liquidity default)
    closed: jax.Array     # int32: funding sources the firm could not use (Outcome.default_closed's bits)
    chain: value_chain.ChainState
    raised: jax.Array     # new market debt raised
    buffer: jax.Array     # liquidity buffer (< 0: a missed payment)
    ocf: jax.Array        # operating cash flow before interest
    interest: jax.Array   # interest paid
    payout: jax.Array     # to shareholders: dividends less new equity (dilution negative)
    upkeep: jax.Array     # depreciation of the capital stock at today's prices
    revenue: jax.Array    # revenue (market revenue plus contract receipts)


@scoped("flows")
def flows(net: Network, f: Factors, p: ModelParams, k: Constants, rate, s: State, t, K_t, due_t, refi_t, backlog_t,
          equity_t):
    """Cash flows, capacity and funding of one quarter, before the contagion rounds, in order:
    end demand → investment → compute and hardware markets → revenue → contracts → costs (less
    the opex cut so far) → capex → debt service → cash → lenders' underwriting and the funding
    order → capital stock → ledger. ``rate`` ``[N]`` the cost of equity, ``backlog_t`` ``[F]`` each
    contract's remaining value."""
    alive = (~s.defaults.defaulted).astype(s.books.cash.dtype)
    demand = value_chain.demand_at(f, t)
    inv = capacity.investment(net, k, s.capacity, demand, t, f.capex_scale)
    chain = value_chain.markets(net, f, p, s.capacity.installed, s.capacity.plan, demand, inv.orders, t)
    rev = revenue.market_revenue(net, f, p, chain, demand, K_t, t)
    # A buyer's contracts follow its own demand, the share of its plan it still invests.
    pay = contracts.payments(net, K_t, inv.capex_mult, alive, chain.rental_price * (1.0 + p.replacement_premium),
                             p.commitments, contracts.delivery_share(s.capacity.installed, s.capacity.intended))
    c = revenue.costs(net, k, rev, pay.paid @ net.commit_supplier, K_t, t)
    c = c._replace(sticky=c.sticky * (1.0 - s.books.opex_cut))          # distress cuts last
    # The firm's equity value against the plan's: its enterprise value at a constant multiple of
    # revenue, less its debt (rounds, equity and convertible room).
    value_index = funding.equity_index(jnp.where(rev.plan > 0, c.revenue / jnp.where(rev.plan > 0, rev.plan, 1.0), 1.0),
                                       k.ev_leverage)
    capex = capacity.capex_spent(inv, k, chain)
    svc = debt_service.service(net, f, s.credit, alive, due_t, refi_t, t < f.credit_freeze_quarters)
    cash = funding.cash_before_funding(net, f, p, s.books, alive, pay, svc, c, capex, value_index, equity_t, t)
    # Banks, funds and insurers lend at floating rates as they borrow: what a rate or spread shift adds to
    # their own interest, their assets earn too (their losses come through their books and claims, §5.8).
    passed = svc.extra_interest * financial(net) * alive
    cash = cash._replace(cash=cash.cash + passed)
    backlog = lenders.backlog(backlog_t, net.economy.investment_grade, alive, net.commit_buyer, net.commit_supplier)
    fd = funding.fund(net, f, p, s.books, s.credit, svc, cash, c, capex, alive, backlog,
                      committed(net, backlog_t, alive) * alive, value_index, (1.0 + rate) ** (t / 4.0),
                      s.books.opex_cut, k.leverage_cap, t)
    r = fd.result
    capex = capex - r.capex_cut
    cap, holdings, upkeep = capacity.build(net, f, p, k, s.capacity, inv, chain, capex, r.capex_cut, fd.holdings,
                                           s.books.price, alive)
    s = s._replace(
        # A defaulted firm's estate keeps collecting what live debtors pay it.
        books=s.books._replace(cash=jnp.where(alive > 0, r.cash, s.books.cash + cash.received), holdings=holdings,
                               opex_cut=fd.opex_cut),
        capacity=cap,
        credit=s.credit._replace(debt=fd.debt, facility_room=s.credit.facility_room - r.facility),
        ledger=record(s.ledger, net, alive, rev.plan, c.revenue, pay.lost, svc.extra_interest - passed, svc.interest, r,
                      capex, inv.capex_plan, t,
                      c.variable + c.sticky + (pay.paid + pay.fee + pay.replaced) @ net.commit_buyer))
    payout = (cash.dividends - cash.planned_equity - r.equity) * alive
    return s, Flows(r.missed & (alive > 0), closed_sources(net, fd, cash, value_index), chain, r.debt, fd.buffer,
                    alive * (c.revenue - c.variable - c.sticky), svc.interest @ net.debt_borrower, payout, upkeep,
                    alive * c.revenue)


def closed_sources(net: Network, fd: funding.Funded, cash: funding.Cash, value_index) -> jax.Array:
    """``[N]`` int32 bits of the funding sources a firm has but could not use this quarter: 1 its
    bond market, 2 private credit (closed, or its lenders lend nothing), 4 equity (the window
    shut or the value below the last round's)."""
    ec, uw = net.economy, fd.underwriting
    bonds = (ec.market_access[:, Market.BONDS] > 0) & (uw.bonds <= 0)
    private = (ec.market_access[:, Market.PRIVATE_CREDIT] > 0) & (uw.private <= 0)
    equity = ((ec.listed > 0) | (ec.equity_rounds > 0)) & ((cash.window < 1) | (value_index < 1))
    return bonds.astype(jnp.int32) + 2 * private.astype(jnp.int32) + 4 * equity.astype(jnp.int32)


@scoped("financial_sector")
def financial_sector(net: Network, f: Factors, p: ModelParams, s: State, t) -> tuple[State, funds.FundFlows]:
    """The financial sector's quarter before the clearing (docs/model.md §5.8): defaults on the
    off-network credit books (:mod:`stressgpu.model.credit_book`), then the funds' deleveraging,
    redemptions and loan sales at the loan price they move (:mod:`stressgpu.model.funds`)."""
    alive = (~s.defaults.defaulted).astype(s.books.cash.dtype)
    sec, b, led = s.sector, s.books, s.ledger
    book, other, loss = credit_book.book_step(f, p, sec.book, sec.loan_price, b.holdings[:, Asset.OTHER], alive, t)
    sec = sec._replace(book=book)
    sec, cash, holdings, debt, drawn, ff = funds.step(net, p, sec, b.cash, b.holdings.at[:, Asset.OTHER].set(other),
                                                      s.credit.debt, s.credit.facility_room, alive)
    return s._replace(
        sector=sec, books=b._replace(cash=cash, holdings=holdings),
        credit=s.credit._replace(debt=debt, facility_room=s.credit.facility_room - drawn),
        ledger=led._replace(book_loss=led.book_loss + loss, sale_loss=led.sale_loss + ff.sale_loss,
                            redeemed=led.redeemed + ff.redeemed, gated=led.gated + ff.gated,
                            loans_sold=led.loans_sold + ff.sold)), ff


def capital_after(net: Network, s: State, worth, plan_worth, t) -> tuple[State, jax.Array]:
    """After the clearing: each financial firm's capital ratio at its new net worth ``worth`` ``[N]``
    against the plan's ``plan_worth`` ``[N]`` (:func:`stressgpu.model.capital.capital_ratio`), its
    lowest so far and the first quarter below its minimum; a fund's NAV and high-water mark for next
    quarter's redemptions. Returns the state and the ratios ``[N]``."""
    fund_debt = (s.credit.debt * (net.debt_borrower @ funds.funds(net))) @ net.debt_borrower
    ratio = capital_ratio(net, worth, fund_debt, plan_worth)
    below = ratio < ratio_minimum(net)
    led, sec = s.ledger, s.sector
    led = led._replace(ratio_min=jnp.where(jnp.isfinite(ratio), jnp.minimum(led.ratio_min, ratio), led.ratio_min),
                       floor_quarter=jnp.where((led.floor_quarter < 0) & below, t.astype(jnp.int32), led.floor_quarter))
    return s._replace(ledger=led, sector=sec._replace(worth=worth, peak=jnp.maximum(sec.peak, worth))), ratio


def quarter(net: Network, f: Factors, p: ModelParams, k: Constants, rate, s: State, xs):
    """One quarter: flows → valuation → hardware marked → the financial sector's books and funds →
    contagion (clearing, resolution, fire sales) → capital tests → covenants → defaults recorded.
    ``xs``: the quarter ``t`` and its contracted payments ``[F]``, principal due ``[E]``, refinanced
    share ``[E]``, remaining contract value ``[F]``, planned equity ``[N]`` and the plan's net worth
    ``[N]`` (capital is tested against it)."""
    t, K_t, due_t, refi_t, backlog_t, equity_t, plan_worth_t = xs
    alive = ~s.defaults.defaulted
    accelerated = (s.credit.accelerated.astype(net.cash.dtype) @ net.debt_borrower) > 0
    s, q = flows(net, f, p, k, rate, s, t, K_t, due_t, refi_t, backlog_t, equity_t)
    s = s._replace(ledger=accrue(s.ledger, rate, t, net.quarters, q.payout, q.ocf, q.interest, q.upkeep, q.revenue))
    price, hw_value = value_chain.mark_hardware(s.books.price, s.books.hw_value, q.chain)
    s = s._replace(books=s.books._replace(price=price, hw_value=hw_value))
    s, _ = financial_sector(net, f, p, s, t)
    forced = q.missed | (f.default_now & (t == 0))
    # A bank or insurer below its capital requirement but solvent is resolved, not liquidated: its
    # creditors are paid, so the clearing fails a financial firm only insolvent (§5.8); the breach is
    # recorded by the capital test below.
    s, status, worth = contagion(net, p, k._replace(floor=jnp.zeros_like(k.floor)), s, forced, t)
    s, ratio = capital_after(net, s, worth, plan_worth_t, t)
    new = s.defaults.defaulted & alive  # defaulted this quarter
    s = s._replace(credit=check_covenants(net, p, k, s.books, s.credit, s.defaults.defaulted, q.ocf, q.interest))
    reason = jnp.where(f.default_now & (t == 0), Reason.SHOCK,
                       jnp.where(q.missed, jnp.where(accelerated, Reason.COVENANT, Reason.PAYMENT_MISSED),
                                 Reason.INSOLVENT)).astype(jnp.int32)
    s = s._replace(defaults=s.defaults._replace(quarter=jnp.where(new, t.astype(jnp.int32), s.defaults.quarter),
                                                status=worst(s.defaults.status, status),
                                                reason=jnp.where(new, reason, s.defaults.reason),
                                                closed=jnp.where(new, q.closed, s.defaults.closed)))
    # Default margins (docs/model.md §5.1–5.2): an operating firm fails when its liquidity buffer
    # runs out, a bank, fund or insurer when it is insolvent (net worth below 0; below its
    # regulatory minimum it breaches, recorded in the ledger, but does not default).
    liquidity = jnp.where(alive, q.buffer, jnp.minimum(q.buffer, -1.0))
    paths = (liquidity, worth, q.payout) if p.record_paths else (q.buffer[:0], worth[:0], q.payout[:0])
    ch = q.chain
    market = jnp.stack([ch.utilisation, ch.rental_price, ch.hardware_price, ch.hardware_revenue / ch.hardware_price,
                        s.sector.loan_price])
    return s, (s.books.price, new.sum(), paths, market, q.raised, ratio)


def run_path(net: Network, f: Factors, p: ModelParams, priced: PricedIn, plan_worth=None) -> Outcome:
    """One scenario over every quarter, with what the market prices in beyond the horizon
    (``priced``) and the plan's net worth each quarter ``plan_worth`` ``[T, N]`` (None: the start's,
    as in the run that solves the plan)."""
    T = net.quarters
    dtype = net.cash.dtype
    k = constants(net, p)
    rate = scenario_discount_rate(net, f, p)            # [N] cost of equity: constant along the path
    s0 = initial_state(net, f, p, k)
    due = net.debt_amount[:, None] * net.debt_due_share            # [E, T] principal due, USD bn
    if plan_worth is None:
        plan_worth = jnp.broadcast_to(start_worth(net), (T, net.n))
    xs = (jnp.arange(T, dtype=dtype), net.commit_amount.T, due.T, debt_service.refinanced_share(net).T,
          k.remaining_pv.T, net.economy.equity_plan, plan_worth)
    s, (prices, new_defaults, (cash_path, worth_path, payout_path), market, raised, ratio) = lax.scan(
        partial(quarter, net, f, p, k, rate), s0, xs)
    k = k._replace(floor=floor_at(k.floor, net, plan_worth[-1]))       # the horizon's, for the capital shortfall
    final = clear(net, p, k._replace(floor=jnp.zeros_like(k.floor)), s, s.books.price, s.defaults.defaulted)
    paths = Paths(prices, new_defaults, cash_path, worth_path, payout_path, market, raised, ratio)
    return account(net, k, s, final, paths, rate, priced)


def _no_shock(net: Network) -> Factors:
    return jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, net.cash.dtype))


def _nothing_priced(net: Network) -> PricedIn:
    zero = jnp.zeros(net.n, net.cash.dtype)
    return PricedIn(zero, zero, zero > 0, zero > 0, zero, zero, zero)


def solve_plan(net: Network, params: ModelParams) -> Plan:
    """The no-shock plan: the deterministic baseline, whose value parts give each firm's
    priced-in growth. (Lenders, not the plan, decide what firms can borrow: the baseline's
    unfunded gaps are reported, never closed by widening a limit.)"""
    base = run_path(net, _no_shock(net), dataclasses.replace(params, record_paths=True), _nothing_priced(net))
    priced = priced_in(net.economy.market_value, base.value_parts, params.terminal_growth, params.growth_fade_years,
                       params.equity_volatility, option_debt(net))
    # The plan's cash margin before upkeep in its last year: what a squeezed margin reverts to (§6).
    cash = base.value_parts.tail / base.value_parts.d_T + base.upkeep_last
    margin = jnp.where((cash > 0) & (base.revenue_last > 0),
                       cash / jnp.where(base.revenue_last > 0, base.revenue_last, 1.0), 0.0)
    return Plan(priced._replace(margin=margin, revenue_last=base.revenue_last), base.net_worth_path)


def simulate_one(net: Network, f: Factors, p: ModelParams, plan: Plan | None = None) -> Outcome:
    """Run one scenario (factors without batch axis) over every quarter.

    ``plan``: what the no-shock path fixes (:func:`solve_plan`): the firms' priced-in growth.
    None solves it first; batched callers pass it once for all scenarios, as
    :func:`stressgpu.batch.simulate` does.
    """
    if plan is None:
        plan = solve_plan(net, p)
    return run_path(net, f, p, plan.priced, plan.worth)

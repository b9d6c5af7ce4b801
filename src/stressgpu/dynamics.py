"""The quarterly model (docs/model.md §4): one ``lax.scan`` over quarters that strings the channels.

Each quarter, for every entity still alive (USD bn per quarter):

    cash[t+1] = cash[t] + outside revenue + commitments received − other opex − capex
                − commitments paid − interest paid + interest received
                − principal repaid + principal received + new equity

* operating cost: the plan, its variable part (``1 − opex_fixed_share``) moving with revenue;
* outside revenue: the revenue plan (latest revenue grown at ``revenue_growth``) less what the
  network contracts pay, its AI lines scaled by the shock (:func:`ai_revenue_multiplier`);
* commitments (docs/model.md §4): buyer i pays ``K[i, j, t]`` scaled by its AI spending multiplier,
  never below the contract's take-or-pay floor; nothing flows once either side has defaulted;
  the supplier's shortfall is its commitment loss;
* capex: the plan, scaled for AI buyers by the compute multiplier and the chip supply;
  it buys AI hardware and data-centre real estate (so it is not a loss), and is cut down to its
  floor before a firm defaults;
* interest: floating debt re-prices at once, fixed debt as it is refinanced;
* principal: refinanced when the lender kind has capacity (a private-credit freeze stops
  private-credit lenders), otherwise repaid from cash;
* default: an entity whose cash stays below zero after cutting capex defaults (liquidity);
  then balance sheets are cleared (:mod:`stressgpu.channels.clearing`, which adds solvency
  defaults) jointly with fire sales (:mod:`stressgpu.channels.firesale`) until neither moves.
  Defaults are absorbing: a defaulted entity's flows stop and its estate is frozen.

Everything here is a pure function of arrays for ONE scenario; :func:`simulate` vmaps it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from ._types import KINDS, LENDER_KINDS, Status
from .channels.clearing import ClearingParams, EdgeNetwork, clear_one
from .channels.commitments import commitment_payments
from .channels.firesale import fire_sale_one
from .network import Network
from .shocks.base import Factors
from .solvers import iterate, worst

MARKET_CLASSES = 2  # AI hardware and data-centre real estate trade in fire sales


def _switch(default):
    """A static field: it selects code paths, so changing it recompiles."""
    return field(default=default, metadata=dict(static=True))


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ModelParams:
    """Settings of the quarterly model: a PyTree whose numbers are leaves (differentiable, and
    changing them does not recompile) and whose switches are static (they select code paths).

    channels: which channels run (clearing always runs; switching a channel off reduces the
    model to the simpler one). Numbers are fractions per year unless stated. The defaults
    of a run come from the config (``stressgpu.config``); these are the library's.
    """

    commitments: bool = _switch(True)
    cross_holdings: bool = _switch(True)
    opex_fixed_share: float = 0.4      # share of operating cost that does not move with revenue
    fire_sales: bool = _switch(True)
    refinancing: bool = _switch(True)
    alpha: float = 1.0                 # Rogers–Veraart share of external assets realised in default
    beta: float = 1.0                  # … and of claims on others
    hardware_life_years: float = 6.0   # straight-line depreciation of AI hardware
    real_estate_life_years: float = 30.0
    capex_hardware_share: float = 0.6  # AI buyers' capex split: hardware vs data-centre real estate
    min_capital_ratio: float = 0.05    # fire sales: equity / marketable assets below this sells
    depth_hardware: float = 300.0      # USD bn of sales that move AI-hardware prices by ~63 % (exp. impact)
    depth_real_estate: float = 800.0
    impact: str = _switch("exponential")
    clearing_tol: float = 1e-6
    clearing_max_iter: int = _switch(500)
    max_contagion_rounds: int = _switch(50)  # clearing / fire-sale alternations per quarter
    firesale_steps: int = _switch(100)       # fire-sale price steps per alternation (to its equilibrium)
    price_tol: float = 1e-4            # fire-sale prices (baseline 1) settle to this
    record_paths: bool = _switch(False)      # also return cash and net-worth paths [T, N] (reverse stress tests)
    tile: int = _switch(128)                 # scenarios per tile inside a batch (0: no tiling; CPU likes ~128)


class State(NamedTuple):
    cash: jax.Array          # [N]
    holdings: jax.Array      # [N, A] quantities (baseline value, USD bn)
    price: jax.Array         # [A]
    debt: jax.Array          # [E] outstanding on each debt link
    defaulted: jax.Array     # [N] bool
    default_quarter: jax.Array  # [N] int32, -1 never
    commitment_loss: jax.Array  # [N] cumulative
    direct_loss: jax.Array   # [N] cumulative first-round loss on own cash flows
    firesale_loss: jax.Array  # [N] cumulative mark-to-market loss from fire-sale price falls
    status: jax.Array        # [] int32 worst solver status so far (stressgpu.Status)


class Outcome(NamedTuple):
    """Per-scenario results of :func:`simulate` (leading axis B after vmap)."""

    defaulted: jax.Array         # [N] bool
    default_quarter: jax.Array   # [N] int32, -1 never
    equity: jax.Array            # [N] USD bn at the horizon (clearing value)
    payments: jax.Array          # [N] clearing payments at the horizon
    total_liabilities: jax.Array  # [N] pbar at the horizon
    credit_loss: jax.Array       # [N] loss of each creditor on its claims at the horizon
    credit_loss_by_kind: jax.Array  # [K] losses by lender kind (stressgpu._types.LENDER_KINDS)
    external_loss: jax.Array     # [] loss of creditors outside the network (non-debt liabilities)
    commitment_loss: jax.Array   # [N]
    direct_loss: jax.Array       # [N] first-round loss (shock alone, before propagation)
    firesale_loss: jax.Array     # [N]
    prices: jax.Array            # [T, A] asset prices at each quarter end
    defaults_per_quarter: jax.Array  # [T]
    cash: jax.Array              # [N] at the horizon
    clearing_converged: jax.Array  # [] every solver of every quarter finished ok (status == OK)
    status: jax.Array            # [] int32 worst status of every solver in every quarter
    cash_path: jax.Array         # [T, N] cash after each quarter's flows and capex cuts ([T, 0] unless record_paths)
    net_worth_path: jax.Array    # [T, N] assets − liabilities after each quarter's clearing (idem)


def _growth(rate, t):
    """Compound annual ``rate`` over ``t`` quarters."""
    return (1.0 + rate) ** (t / 4.0)


def ai_revenue_multiplier(net: Network, f: Factors, t, is_chipmaker):
    """Multiplier on each entity's outside revenue in quarter t, ``[N]``, from its AI lines.

    compute / services / power lines scale with the compute multiplier and the demand-slump
    growth cut; the hardware line too, and chipmakers' hardware sales lose the chip supply cut
    while it lasts (MODEL.md §2)."""
    line = f.compute_mult * _growth(-f.ai_growth_cut, t)
    chip = 1.0 - f.chip_cut * (t < f.chip_quarters)
    hw = line * jnp.where(is_chipmaker, chip, 1.0)
    s = net.ai_shares
    return 1.0 - s.sum(-1) + (s[:, 0] + s[:, 2] + s[:, 3]) * line + s[:, 1] * hw


def _quarter_flows(net: Network, f: Factors, s: State, t, K_t, due_t, refi_frac_t, p: ModelParams):
    """Cash flows of one quarter before defaults (K_t [F], due_t and refi_frac_t [E]).
    Returns (cash, capex, first-round loss, commitment loss, outstanding debt), each [N] or [E]."""
    alive = (~s.defaulted).astype(s.cash.dtype)
    is_chip = net.kind == KINDS.index("chipmaker")
    plan = net.revenue / 4 * _growth(net.revenue_growth, t)
    outside_base = jnp.maximum(plan - K_t @ net.commit_supplier, 0.0)
    outside = outside_base * ai_revenue_multiplier(net, f, t, is_chip) * f.revenue_mult

    if p.commitments:  # MODEL.md §3.6, contract by contract
        buy = net.commit_buyer @ jnp.where(net.ai_buyer > 0, f.compute_mult, 1.0)
        paid, lost_f = commitment_payments(K_t, buy, net.commit_take_or_pay, net.commit_buyer @ alive,
                                           net.commit_supplier @ alive)
    else:
        paid, lost_f = K_t * 0.0, K_t * 0.0
    lost = lost_f @ net.commit_supplier
    # Operating costs: the plan (less the contracted purchases, paid separately); the variable
    # part moves with revenue, so a revenue shortfall costs only its contribution margin.
    variable = jnp.clip((1 - p.opex_fixed_share) * net.opex / jnp.maximum(net.revenue, 1e-9), 0.0, 0.95)
    shortfall = outside_base - outside + lost
    opex = jnp.maximum(net.opex / 4 * _growth(net.revenue_growth, t) - K_t @ net.commit_buyer, 0.0) - variable * shortfall

    chip = 1.0 - f.chip_cut * (t < f.chip_quarters)
    capex = net.capex / 4 * _growth(net.capex_growth, t) * jnp.where(net.ai_buyer > 0, f.compute_mult * chip, 1.0)

    # Interest: floating re-prices now, fixed as it is refinanced (refi_frac_t of it so far).
    borrower_alive = net.debt_borrower @ alive
    shift = (f.rate_shift + f.spread_shift) * (net.debt_floating + (1 - net.debt_floating) * refi_frac_t)
    interest = s.debt * (net.debt_rate + shift) / 4 * borrower_alive
    extra_interest = (s.debt * shift / 4 * borrower_alive) @ net.debt_borrower

    # Principal: refinanced if the lender's kind lends this quarter, else repaid.
    if p.refinancing:
        frozen = ((net.kind == KINDS.index("private_credit")) & (t < f.credit_freeze_quarters)).astype(s.cash.dtype)
        repay = due_t * borrower_alive * (net.debt_lender @ frozen)
    else:
        repay = due_t * borrower_alive
    repay = jnp.minimum(repay, s.debt)
    flows_out = (paid @ net.commit_buyer + interest @ net.debt_borrower + repay @ net.debt_borrower)
    flows_in = (paid @ net.commit_supplier + interest @ net.debt_lender + repay @ net.debt_lender)

    equity_in = net.equity_raise / 4 * f.funding_mult * alive
    cash = s.cash + alive * (outside - opex - capex) - flows_out + flows_in + equity_in
    direct = alive * ((outside_base - outside) * (1 - variable) + extra_interest)
    return cash, capex * alive, direct, lost, s.debt - repay


def _clear(net: Network, s: State, price, forced, p: ModelParams):
    """Clear balance sheets at the given prices: ``(p, V, defaulted, converged, e)``."""
    e = jnp.maximum(s.cash, 0.0) + s.holdings @ price
    C = net.cross_holdings if p.cross_holdings else None
    cn = EdgeNetwork(s.debt, net.debt_borrower, net.debt_lender, net.external_liabilities, C)
    r = clear_one(cn, e, forced, ClearingParams(p.alpha, p.beta), method="picard", tol=p.clearing_tol,
                  max_steps=p.clearing_max_iter)
    return r.payments, r.equity, r.defaulted, r.status, e, cn


class _Round(NamedTuple):
    state: State
    moved: jax.Array     # [] bool, the last round changed defaults or prices
    worth: jax.Array     # [N] assets − liabilities after the last clearing
    status: jax.Array    # [] int32 worst status of the solvers so far this quarter


def _contagion(net: Network, s: State, forced, p: ModelParams):
    """Clearing and fire sales of one quarter, iterated to their joint fixed point.

    Returns ``(state, status, net worth)``; the status is the worst of every clearing and fire
    sale solved on the way and of the rounds themselves (``MAX_STEPS`` if they did not settle).
    """

    def sell(state: State, pay, eq, cn):
        mkt = state.holdings[:, :MARKET_CLASSES]
        claims = cn.inflows(pay) + (0.0 if cn.cross_holdings is None else cn.cross_holdings @ eq)
        other = jnp.maximum(state.cash, 0.0) + state.holdings[:, MARKET_CLASSES:] @ state.price[MARKET_CLASSES:] + claims
        depth = jnp.stack([p.depth_hardware, p.depth_real_estate]).astype(state.cash.dtype)
        # Each round solves the fire sale on the current balance sheets to its equilibrium
        # (CFS); sales are path-dependent, so fewer steps per round would change the answer.
        r = fire_sale_one(mkt, other, cn.total_liabilities, state.price[:MARKET_CLASSES], p.min_capital_ratio, depth,
                          impact=p.impact, tol=p.price_tol, max_iter=p.firesale_steps)
        price = state.price.at[:MARKET_CLASSES].set(r.prices)
        holdings = state.holdings.at[:, :MARKET_CLASSES].add(-r.sold)
        mtm = mkt @ (state.price[:MARKET_CLASSES] - r.prices)  # held and sold alike lose the price fall
        return state._replace(holdings=holdings, price=price, cash=state.cash + r.sold @ r.prices,
                              firesale_loss=state.firesale_loss + mtm), r.status

    def one_round(c: _Round) -> _Round:
        state = c.state
        pay, eq, dflt, st_clear, e, cn = _clear(net, state, state.price, forced | state.defaulted, p)
        new, st_sale = sell(state, pay, eq, cn)
        moved = jnp.any(dflt & ~state.defaulted) | jnp.any(jnp.abs(new.price - state.price) > p.price_tol)
        return _Round(new._replace(defaulted=state.defaulted | dflt), moved, _net_worth(cn, e, pay, eq),
                      worst(c.status, st_clear, st_sale))

    if not p.fire_sales:
        pay, eq, dflt, st, e, cn = _clear(net, s, s.price, forced | s.defaulted, p)
        return s._replace(defaulted=s.defaulted | dflt), st, _net_worth(cn, e, pay, eq)
    init = _Round(s, jnp.asarray(True), jnp.zeros_like(s.cash), jnp.asarray(Status.OK, jnp.int32))
    sol = iterate(one_round, init, max_steps=p.max_contagion_rounds,
                  done=lambda old, new: ~new.moved,
                  check=lambda c: c.status)
    r = sol.value
    # A solver's own failure stops the rounds with its status; otherwise the rounds' status.
    return r.state, worst(sol.status, r.status), r.worth


def _net_worth(cn: EdgeNetwork, e, pay, eq):
    """Assets less liabilities ``a − pbar`` [N]: negative exactly for solvency defaulters."""
    stakes = 0.0 if cn.cross_holdings is None else cn.cross_holdings @ eq
    return e + cn.inflows(pay) + stakes - cn.total_liabilities


def _step(net: Network, f: Factors, p: ModelParams, s: State, xs):
    t, K_t, due_t, refi_t = xs
    cash, capex, direct, lost, debt = _quarter_flows(net, f, s, t, K_t, due_t, refi_t, p)
    alive = ~s.defaulted
    # Firms cut capex down to its floor before defaulting (MODEL.md §4).
    cut = jnp.clip(-cash, 0.0, (1 - net.capex_floor) * capex) * alive
    cash, capex = cash + cut, capex - cut
    split = jnp.where(net.ai_buyer > 0, p.capex_hardware_share, 0.0)
    bought = jnp.stack([capex * split, capex * (1 - split) * (net.ai_buyer > 0), jnp.zeros_like(capex),
                        capex * (1 - split) * (net.ai_buyer <= 0)], axis=1) / s.price
    dep = jnp.array([f.depreciation_mult / p.hardware_life_years, 1 / p.real_estate_life_years, 0.0, 0.0]) / 4
    holdings = jnp.where(alive[:, None], s.holdings * (1 - dep) + bought, s.holdings)
    liquidity_default = alive & (cash < 0)
    forced = liquidity_default | (f.default_now & (t == 0))
    s = s._replace(cash=jnp.where(alive, cash, s.cash), holdings=holdings, debt=debt,
                   commitment_loss=s.commitment_loss + lost, direct_loss=s.direct_loss + direct)
    s, status, worth = _contagion(net, s, forced, p)
    new = s.defaulted & alive  # defaulted this quarter
    s = s._replace(default_quarter=jnp.where(new, t.astype(jnp.int32), s.default_quarter),
                   status=worst(s.status, status))
    paths = (cash, worth) if p.record_paths else (cash[:0], worth[:0])
    return s, (s.price, new.sum(), paths)


def refinanced_share(net: Network) -> jax.Array:
    """``[E, T]`` share of each debt's principal that has come due (and re-priced) by quarter t."""
    return jnp.clip(jnp.cumsum(net.debt_due_share, axis=1), 0.0, 1.0)


def simulate_one(net: Network, f: Factors, p: ModelParams) -> Outcome:
    """Run one scenario (factors without batch axis) over every quarter."""
    n, T = net.n, net.quarters
    dtype = net.cash.dtype
    price0 = f.price.astype(dtype)
    direct0 = net.holdings @ (1 - price0)  # revaluation at t = 0 is first-round loss
    s0 = State(net.cash, net.holdings, price0, net.debt_amount, jnp.zeros(n, bool), jnp.full(n, -1, jnp.int32),
               jnp.zeros(n, dtype), direct0, jnp.zeros(n, dtype), jnp.asarray(Status.OK, jnp.int32))
    due = net.debt_amount[:, None] * net.debt_due_share            # [E, T] principal due, USD bn
    xs = (jnp.arange(T, dtype=dtype), net.commit_amount.T, due.T, refinanced_share(net).T)
    s, (prices, new_defaults, (cash_path, worth_path)) = lax.scan(partial(_step, net, f, p), s0, xs)
    pay, eq, dflt, st_final, _, cn = _clear(net, s, s.price, s.defaulted, p)
    status = worst(s.status, st_final)
    shortfall = cn.total_liabilities - pay
    credit = cn.inflows(shortfall)
    kinds = jnp.stack([net.kind == KINDS.index(k) for k in LENDER_KINDS], axis=1)
    ext_share = jnp.where(cn.total_liabilities > 0, net.external_liabilities / jnp.maximum(cn.total_liabilities, 1e-12), 0.0)
    return Outcome(
        defaulted=s.defaulted, default_quarter=s.default_quarter, equity=eq, payments=pay,
        total_liabilities=cn.total_liabilities, credit_loss=credit, credit_loss_by_kind=credit @ kinds,
        external_loss=(shortfall * ext_share).sum(), commitment_loss=s.commitment_loss,
        direct_loss=s.direct_loss, firesale_loss=s.firesale_loss, prices=prices,
        defaults_per_quarter=new_defaults, cash=s.cash, clearing_converged=status == Status.OK,
        status=status, cash_path=cash_path, net_worth_path=worth_path,
    )


@jax.jit
def simulate(net: Network, factors: Factors, params: ModelParams = ModelParams(),
             debt_amount: jax.Array | None = None) -> Outcome:
    """Run B scenarios (``factors`` with leading axis B) through the quarterly model.

    ``debt_amount`` ``[B, E]``, optional: each scenario's own debt on every link (a network
    drawn from a reconstruction ensemble); otherwise every scenario uses ``net.debt_amount``.
    """
    if debt_amount is None:
        one = jax.vmap(lambda f: simulate_one(net, f, params))
        return _tiled(one, params.tile, factors)
    one = jax.vmap(lambda fd: simulate_one(replace(net, debt_amount=fd[1]), fd[0], params))
    return _tiled(one, params.tile, (factors, debt_amount))


def _tiled(fn, tile: int, xs):
    """``fn`` over tiles of ``tile`` scenarios (``lax.map``): every loop inside runs as long as
    the slowest scenario of its tile, not of the whole batch, and a tile's state fits in cache."""
    b = jax.tree_util.tree_leaves(xs)[0].shape[0]
    if tile <= 0 or b <= tile or b % tile:
        return fn(xs)
    tiles = jax.tree_util.tree_map(lambda x: x.reshape(b // tile, tile, *x.shape[1:]), xs)
    out = lax.map(fn, tiles)
    return jax.tree_util.tree_map(lambda x: x.reshape(b, *x.shape[2:]), out)

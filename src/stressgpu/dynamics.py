"""The quarterly model (docs/model.md §3–§5): one ``lax.scan`` over quarters that strings the
value chain, firms' funding and the contagion channels together.

Each quarter, for every entity still alive (USD bn per quarter):

    cash[t+1] = cash[t] + revenue − variable cost − sticky opex − capex − interest − principal due
                − commitments paid + commitments received − dividends + funding raised

* revenue by role (:mod:`stressgpu.economy.market`): compute sellers earn the compute market's
  revenue per unit of their own capacity; chipmakers sell the hardware buyers order (rationed
  and repriced by a chip-supply cut); labs and AI products earn end demand; utilities the
  power of utilised capacity; contracts pay what they bind;
* costs: a variable share of revenue plus sticky opex (the contracted purchases are part of
  the cost plan and replace sticky costs);
* capex builds compute capacity after a lag and depreciates over the hardware life; AI buyers
  invest toward expected demand (never above plan), so a spending cut costs future revenue;
* commitments bind: the take-or-pay share is paid in full while the buyer lives, the rest
  follows the buyer's demand, and what is cancelled costs its termination fee;
* funding (:mod:`stressgpu.economy.funding`): dividends stop first; then facilities, new
  debt in the open markets (a private-credit freeze closes private credit), new equity while
  the window is open, capex cut to its floor; a firm still short of cash defaults;
* new debt capacity: what the firm's own plan borrows (the no-shock path, solved first, so the
  deterministic baseline is funded) plus leverage room on its current earnings;
* defaults are then cleared (:mod:`stressgpu.channels.clearing`, which adds solvency defaults)
  jointly with fire sales (:mod:`stressgpu.channels.firesale`) until neither moves. Defaults are
  absorbing: a defaulted entity's flows stop and its estate is frozen.

Everything here is a pure function of arrays for ONE scenario; :func:`simulate` vmaps it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial, wraps
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from ._types import KINDS, LENDER_KINDS, Status
from .channels.clearing import ClearingParams, EdgeNetwork, clear_one
from .channels.firesale import fire_sale_one, value_at
from .economy.covenants import covenant_test
from .economy.funding import fund_shortfall
from .economy.market import Demand, end_demand, value_chain
from .network import Network
from .shocks.base import Factors
from .solvers import iterate, worst
from .valuation import PricedIn, ValueParts, ai_exposure, discount_rate, market_value, priced_in, quarter_weight, value_parts

MARKET_CLASSES = 2
# Financial firms roll their own maturities; banks, private-credit funds and insurers fail on
# their capital (docs/model.md §5.2), pension funds, asset managers and the outside sector
# absorb losses without failing; operating companies default only on a missed payment (§5.1).
FINANCIAL_KINDS = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "outside")
FAILING_KINDS = ("bank", "private_credit", "insurer")  # AI hardware and data-centre real estate trade in fire sales
CPU_TILE = 2048  # scenarios per tile on a CPU (measured in _tiled's docstring)


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
    fire_sales: bool = _switch(True)
    refinancing: bool = _switch(True)
    covenants: bool = _switch(True)
    # Default costs (Rogers & Veraart 2013), calibrated to observed recoveries: Moody's ultimate
    # recovery database (Emery, Cantor, Keisman & Ou, Moody's Special Comment, April 2007) has
    # a mean corporate-family recovery of 52 % of liabilities, loans 82 %, bonds 37 %.
    alpha: float = 0.6                 # share of an estate's external assets realised in default
    beta: float = 0.9                  # … and of its claims on others
    claim_discount_rate: float = 0.08  # present value of a supplier's claim for unpaid commitments
    replacement_premium: float = 0.15  # a buyer replacing a failed supplier pays the market price plus this
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
    tile: int = _switch(CPU_TILE)            # scenarios per tile inside a batch (0: no tiling, as on a GPU)
    # Model v2 (docs/model.md §3–§4).
    rental_price_elasticity: float = 0.5   # compute rental price vs market tightness (D/C relative to plan)
    hardware_price_elasticity: float = 0.5  # new-hardware price vs orders over supply (scarcity)
    capacity_lag_quarters: int = _switch(2)  # quarters between hardware capex and capacity online
    debt_leverage: float = 3.0         # new-debt room: this many times current annual operating cash flow ...
    plan_headroom: float = 0.25        # ... plus the plan's own borrowing with this much to spare
    equity_issue_share: float = 0.05   # listed firms: new equity per year, share of market value
    # Market value (docs/model.md §6): cost of equity = risk-free + beta × equity premium + AI premium.
    risk_free: float = 0.042           # 10-year US Treasury yield, late 2025 (~4.0–4.2 %)
    equity_premium: float = 0.045      # implied US equity risk premium (Damodaran, 2025: ~4.3–4.6 %)
    # Revenue mix (docs/model.md §3): a firm's non-AI lines grow at this rate and its AI lines
    # carry the rest of its planned growth, so a growing firm's AI share rises along the path.
    non_ai_growth: float = 0.045       # ~ US nominal GDP trend (CBO long-term outlook: ~4 %)


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
    capacity: jax.Array      # [N] installed compute capacity (annual compute revenue at full use)
    capacity_plan: jax.Array  # [N] the same along the no-shock plan
    pipeline: jax.Array      # [L, N] hardware capex ordered, not yet online (capacity units)
    pipeline_plan: jax.Array  # [L, N]
    hw_value: jax.Array      # [] fundamental value index of installed AI hardware
    facility_room: jax.Array  # [N] undrawn facilities left
    new_debt: jax.Array      # [N] cumulative new market debt raised
    funding: jax.Array       # [N, 4] cumulative: facilities, new debt, new equity, capex cut
    revenue: jax.Array       # [N] cumulative revenue
    revenue_plan: jax.Array  # [N] cumulative revenue of the plan
    capex: jax.Array         # [N] cumulative capex spent
    capex_plan: jax.Array    # [N] cumulative capex of the plan
    claims: jax.Array        # [F] suppliers' claims on defaulted buyers (unsecured, cleared with debt)
    secured: jax.Array       # [N] collateral taken by each secured lender
    interest_in: jax.Array   # [N] cumulative interest received
    guaranteed: jax.Array    # [N] cumulative amounts each guarantor paid for defaulted borrowers
    breach: jax.Array        # [E] consecutive quarters each covenant has been in breach
    accelerated: jax.Array   # [E] bool: the lender accelerated the link (all principal due now)
    prepay_claims: jax.Array  # [F] buyers' claims on failed suppliers for unused prepayments
    payout_pv: jax.Array     # [N] discounted dividends and buybacks less new equity raised so far
    ocf_last: jax.Array      # [N] free cash flow over the last year of the horizon: operating cash flow after interest less depreciation


class Outcome(NamedTuple):
    """Per-scenario results of :func:`simulate` (leading axis B after vmap)."""

    defaulted: jax.Array         # [N] bool
    default_quarter: jax.Array   # [N] int32, -1 never
    equity: jax.Array            # [N] USD bn at the horizon (clearing value, >= 0)
    net_worth: jax.Array         # [N] assets less liabilities at the horizon (negative when under water)
    payments: jax.Array          # [N] clearing payments at the horizon
    total_liabilities: jax.Array  # [N] pbar at the horizon
    credit_loss: jax.Array       # [N] loss of each creditor on its claims at the horizon
    credit_exposure: jax.Array   # [N] those claims: debt owed to it and its claims on defaulted buyers
    credit_loss_by_kind: jax.Array  # [K] losses by lender kind (stressgpu._types.LENDER_KINDS)
    credit_loss_borne_by_kind: jax.Array  # [K] the same after private-credit funds pass their losses to their LPs
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
    new_debt_path: jax.Array     # [T, N] new market debt raised each quarter (the plan's path when unshocked)
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
    priced_growth: jax.Array     # [N] the priced-in long-run growth the value uses (the network's, every scenario)
    priced_extra: jax.Array      # [N] USD bn per year: the priced-in terminal cash flow beyond the path's own (idem)
    payout_path: jax.Array       # [T, N] payouts to shareholders each quarter ([T, 0] unless record_paths)
    cash_path: jax.Array         # [T, N] liquidity buffer: cash before funding plus every funding source's room
                                 # (< 0: a missed payment; [T, 0] unless record_paths)
    net_worth_path: jax.Array    # [T, N] assets − liabilities after each quarter's clearing (idem)


def _scoped(name: str):
    """Run a function under ``jax.named_scope(name)``: its operations carry the name in the
    compiled program, so a profile (``jax.profiler``) splits a quarter's time by mechanism."""
    def wrap(fn):
        @wraps(fn)
        def scoped(*args, **kwargs):
            with jax.named_scope(name):
                return fn(*args, **kwargs)
        return scoped
    return wrap


def _growth(rate, t):
    """Compound annual ``rate`` over ``t`` quarters."""
    return (1.0 + rate) ** (t / 4.0)


def ai_shares_at(ai_shares, revenue_growth, non_ai_growth, t, ceiling=1.0):
    """``[N, 4]`` AI revenue shares in quarter ``t``: the non-AI part ``1 − a₀`` grows at
    ``non_ai_growth`` and the AI lines take the rest of the firm's planned growth,
    ``a_t = 1 − (1 − a₀)(1 + g_n)^(t/4) / (1 + g)^(t/4)`` (each line in its t = 0 proportion),
    at most ``ceiling`` ``[N]`` (what the lease share leaves). A firm growing no faster than its
    non-AI lines, or without AI lines, keeps its shares."""
    a0 = ai_shares.sum(-1)
    a_t = 1.0 - (1.0 - a0) * _growth(non_ai_growth, t) / _growth(revenue_growth, t)
    a_t = jnp.maximum(jnp.minimum(a_t, ceiling), a0)
    scale = jnp.where(a0 > 0, a_t / jnp.where(a0 > 0, a0, 1.0), 1.0)
    return ai_shares * scale[:, None]


def _demand(f: Factors, t) -> Demand:
    """End-demand indices of quarter t (docs/model.md §3): the efficiency shock (k, π, ε, share
    shift) and the demand slump (:func:`stressgpu.economy.market.end_demand`)."""
    return end_demand(f.efficiency, f.pass_through, f.elasticity, f.share_shift, f.ai_growth_cut, t / 4.0)


class _Plan(NamedTuple):
    """Per-entity constants of the value chain, derived once from the network."""

    hw_share: jax.Array      # [N] share of capex that is AI hardware (AI buyers)
    build: jax.Array         # [N] capacity added per USD bn of hardware capex
    depreciation: jax.Array  # [N] quarterly depreciation rate of capacity in the plan
    order_share: jax.Array   # [] network buyers' share of chipmakers' AI-hardware orders
    sticky: jax.Array        # [N] sticky opex net of the interest the data's opex already contains
    ltv_pool: jax.Array      # [E, E] 1 where two links share a borrower and a pledged asset class
    remaining_pv: jax.Array  # [F, T] present value of each contract's payments after quarter t
    remaining: jax.Array     # [F, T] the same undiscounted (what a prepayment still covers)
    pledged: jax.Array       # [N, A] 1 for each asset class a borrower has pledged to a secured link
    floor: jax.Array         # [N] capital floors (:func:`capital_floor`)
    borrower: jax.Array      # [E] int: each debt link's borrower


def _plan_constants(net: Network, p: ModelParams) -> _Plan:
    """Calibrate capacity building so that, with plan capex, capacity grows with each seller's
    planned revenue: ``K(t+1) = K(t)(1 − δ) + φ·hardware capex`` at the plan's growth."""
    ec = net.economy
    hw_share = jnp.where(net.ai_buyer > 0, p.capex_hardware_share, 0.0)
    dep = 1.0 / (4.0 * ec.hardware_life)
    capex_hw = net.capex / 4 * hw_share
    needed = ec.capacity * ((1.0 + net.revenue_growth) ** 0.25 - 1.0 + dep)
    build = jnp.where(capex_hw > 0, needed / jnp.where(capex_hw > 0, capex_hw, 1.0), 0.0)
    is_chip = (net.kind == KINDS.index("chipmaker")).astype(net.cash.dtype)
    chip_sales = jnp.sum(is_chip * net.revenue * net.ai_shares[:, 1]) / 4
    share = jnp.clip(jnp.sum(capex_hw) / jnp.maximum(chip_sales, 1e-9), 0.0, 1.0)
    # The data's opex is revenue less operating cash flow, and operating cash flow is after
    # interest paid (US GAAP): take the interest of the starting debt out, the model pays it.
    interest0 = (net.debt_amount * net.debt_rate) @ net.debt_borrower
    sticky = jnp.maximum(net.economy.sticky_opex - interest0, 0.0)
    pledged = ec.debt_collateral
    same_pool = (net.debt_borrower @ net.debt_borrower.T) * ((pledged @ pledged.T) > 0)
    pledged_classes = jnp.minimum(net.debt_borrower.T @ (pledged * ec.debt_secured[:, None]), 1.0)
    return _Plan(hw_share, build, dep, share, sticky, same_pool,
                 _remaining_value(net, p.claim_discount_rate), _remaining_value(net, 0.0), pledged_classes,
                 capital_floor(net), jnp.argmax(net.debt_borrower, axis=1))


def _capacity_step(capacity, pipeline, orders, depreciation):
    """Capacity online next quarter and the shifted pipeline (oldest slot comes online)."""
    online = pipeline[0] if pipeline.shape[0] else orders
    nxt = capacity * (1.0 - depreciation) + online
    pipe = jnp.concatenate([pipeline[1:], orders[None]], axis=0) if pipeline.shape[0] else pipeline
    return nxt, pipe


def _contracts(net: Network, K_t, demand_idx, alive, replacement_price, on: bool = True):
    """Payments under each contract this quarter (docs/model.md §4): the binding share in full,
    the usage share and the cancellable rest following the buyer's demand index, a termination
    fee on what is cancelled; nothing once either side has defaulted. A live buyer whose
    supplier has failed buys what it still needs in the market at ``replacement_price`` (per
    unit of contracted value; §5.4). Returns ``(paid, fee, lost, replaced)``, each ``[F]``;
    ``lost`` is the supplier's shortfall on plan, ``replaced`` what the buyer pays the market."""
    ec = net.economy
    d = jnp.minimum(1.0, net.commit_buyer @ demand_idx)
    tp = net.commit_take_or_pay
    usage = jnp.minimum(ec.commit_usage, 1.0 - tp)
    rest = jnp.maximum(1.0 - tp - usage, 0.0)
    buyer, supplier = net.commit_buyer @ alive, net.commit_supplier @ alive
    both = buyer * supplier
    if not on:  # channel off: contracts pay as planned while both sides live, and nothing is lost
        return K_t * both, K_t * 0.0, K_t * 0.0, K_t * 0.0
    needed = K_t * (tp + (usage + rest) * d)
    paid = needed * both
    replaced = needed * buyer * (1.0 - supplier) * replacement_price
    fee_rate = jnp.where(ec.commit_total > 0, ec.commit_fee / jnp.maximum(ec.commit_total, 1e-12), 0.0)
    fee = jnp.minimum(fee_rate * K_t * rest * (1.0 - d), K_t * rest * (1.0 - d)) * both
    lost = (K_t - paid - fee) * supplier
    return paid, fee, lost, replaced


@_scoped("flows")
def _quarter_flows(net: Network, f: Factors, s: State, t, K_t, due_t, refi_frac_t, plan_room_t,
                   plan: _Plan, p: ModelParams):
    """Cash flows, capacity and funding of one quarter before the contagion rounds.

    Returns ``(state, forced defaults, chain, new debt raised, liquidity buffer, (operating
    cash flow before interest, interest due, payout to shareholders, depreciation at today's
    prices))``, flows in USD bn per quarter."""
    ec = net.economy
    dtype = s.cash.dtype
    alive = (~s.defaulted).astype(dtype)
    is_chip = net.kind == KINDS.index("chipmaker")
    g = _growth(net.revenue_growth, t)
    demand = _demand(f, t)

    # Investment toward expected demand, never above plan (a shock never forces spending).
    tight = demand.compute * jnp.sum(s.capacity_plan) / jnp.maximum(jnp.sum(s.capacity), 1e-12)
    sells_compute = ec.capacity > 0
    intent = jnp.where(sells_compute, jnp.minimum(1.0, tight), jnp.minimum(1.0, demand.compute))
    # Only the AI part of a diversified firm's capex follows AI demand (its AI share of capex, at
    # least its AI revenue share); neoclouds and labs are all AI. Data-centre SPVs build what
    # their leases contract.
    ai_part = jnp.where(net.kind == KINDS.index("hyperscaler"),
                        jnp.clip(jnp.maximum(net.ai_shares.sum(-1), ec.ai_capex_share), 0.0, 1.0), 1.0)
    responds = (net.ai_buyer > 0) & (net.kind != KINDS.index("datacenter_spv"))
    capex_mult = jnp.where(responds, 1.0 - ai_part * (1.0 - intent), 1.0)
    capex_plan = net.capex / 4 * _growth(net.capex_growth, t)
    hw_plan = capex_plan * plan.hw_share
    orders = plan.order_share * jnp.sum(hw_plan * capex_mult) / jnp.maximum(jnp.sum(hw_plan), 1e-12) \
        + (1.0 - plan.order_share) * demand.compute
    supply = 1.0 - f.chip_cut * (t < f.chip_quarters)
    life_ratio = 1.0 / f.depreciation_mult
    chain = value_chain(s.capacity, s.capacity_plan, ec.utilisation_plan, demand, orders, supply, life_ratio,
                        p.rental_price_elasticity, p.hardware_price_elasticity)

    # Revenue by role: contracts pay what they bind; the market part moves with its role.
    contracted_in = K_t @ net.commit_supplier
    # The plan: the revenue path of the data, or the contracts alone where they pay more.
    plan_rev = jnp.maximum(net.revenue / 4 * g, contracted_in)
    market_base = plan_rev - contracted_in
    sh = ai_shares_at(net.ai_shares, net.revenue_growth, p.non_ai_growth, t, 1.0 - ec.lease_share)
    other = jnp.maximum(1.0 - sh.sum(-1) - ec.lease_share, 0.0)
    mult = (other + ec.lease_share + sh[:, 0] * chain.compute_revenue + sh[:, 1] * chain.hardware_revenue
            + sh[:, 2] * demand.services + sh[:, 3] * chain.power_revenue)
    # Monte Carlo noise moves the AI lines (diversified revenue carries little idiosyncratic risk).
    ai_lines = mult - other - ec.lease_share
    market = market_base * (other + ec.lease_share + ai_lines * f.revenue_mult)
    demand_idx = capex_mult                      # a buyer's contracts follow its own demand
    paid, fee, lost_f, replaced = _contracts(net, K_t, demand_idx, alive,
                                             chain.rental_price * (1.0 + p.replacement_premium), p.commitments)
    revenue = market + paid @ net.commit_supplier
    variable = ec.variable_cost_share * revenue
    sticky = jnp.maximum(plan.sticky / 4 * g - K_t @ net.commit_buyer, 0.0)

    # Capex: hardware bought at the scarcity price, as far as shipments go.
    capex = capex_plan * capex_mult * (plan.hw_share * chain.delivered * chain.hardware_price + (1.0 - plan.hw_share))

    # Interest (floating re-prices now, fixed as refinanced) and principal due.
    borrower_alive = net.debt_borrower @ alive
    shift = (f.rate_shift + f.spread_shift) * (net.debt_floating + (1 - net.debt_floating) * refi_frac_t)
    interest = s.debt * (net.debt_rate + shift) / 4 * borrower_alive
    extra_interest = (s.debt * shift / 4 * borrower_alive) @ net.debt_borrower
    operating = net.debt_borrower @ (~_financial(net)).astype(dtype)
    # An accelerated loan (docs/model.md §5.1) falls due in full.
    repay = jnp.minimum(jnp.where(s.accelerated, s.debt, due_t) * borrower_alive * operating, s.debt)
    debt = s.debt - repay
    # A prepaid share of each delivery was paid before t = 0: the buyer pays only the rest in
    # cash, and the supplier (whose revenue counts the whole delivery) receives only the rest.
    prepaid = paid * ec.commit_prepaid
    flows_out = (paid - prepaid + fee + replaced) @ net.commit_buyer + interest @ net.debt_borrower + repay @ net.debt_borrower
    # Contract receipts are in revenue; termination fees, interest and principal flow in here.
    flows_in = fee @ net.commit_supplier + interest @ net.debt_lender + repay @ net.debt_lender - prepaid @ net.commit_supplier
    window = jnp.where(t < f.funding_quarters, f.funding_mult, 1.0)   # the equity window this quarter
    planned_equity = net.equity_raise / 4 * window * alive            # funding rounds as planned
    cash = s.cash + alive * (revenue - variable - sticky - capex + planned_equity) - flows_out + flows_in

    # Dividends and buybacks only out of cash above the minimum.
    dividends = jnp.minimum(ec.dividends / 4, jnp.maximum(cash - ec.min_cash, 0.0)) * alive
    cash = cash - dividends

    # Funding order (docs/model.md §4).
    ocf = 4.0 * (revenue - variable - sticky)
    own_debt = debt @ net.debt_borrower
    market_open = jnp.where(ec.credit_market == 2, t >= f.credit_freeze_quarters, ec.credit_market == 1)
    market_open = market_open & p.refinancing
    debt_room = jnp.where(market_open, (1.0 + p.plan_headroom) * plan_room_t
                          + jnp.maximum(p.debt_leverage * ocf - own_debt, 0.0) - s.new_debt, 0.0)
    equity_room = ec.listed * p.equity_issue_share * ec.market_value / 4 * window
    cuttable = (1.0 - net.capex_floor) * capex
    asset_room = jnp.where(_financial(net), jnp.maximum(s.holdings[:, 3], 0.0), 0.0)   # securities at par
    fund = fund_shortfall(cash, ec.min_cash * alive, s.facility_room * alive, debt_room * alive,
                          equity_room * alive, cuttable * alive, asset_room * alive)
    capex = capex - fund.capex_cut
    lent = fund.facility @ ec.facility_link + fund.debt @ ec.market_link      # [E] new claims
    debt = debt + lent
    # Lenders swap securities for the new loans; financial firms short of cash sell securities.
    holdings = s.holdings.at[:, 3].add(-(lent @ net.debt_lender) - fund.assets)

    # Capacity: hardware capex (as delivered) enters the pipeline; the plan runs alongside.
    kept = jnp.where(capex + fund.capex_cut > 0, capex / jnp.maximum(capex + fund.capex_cut, 1e-12), 1.0)
    hw_units = capex_plan * capex_mult * plan.hw_share * chain.delivered * kept     # funding cuts scale it
    depreciation = plan.depreciation * f.depreciation_mult
    capacity, pipeline = _capacity_step(s.capacity, s.pipeline, plan.build * hw_units * alive, depreciation)
    capacity_plan, pipeline_plan = _capacity_step(s.capacity_plan, s.pipeline_plan, plan.build * hw_plan, plan.depreciation)

    # Holdings: capex buys AI hardware and data-centre real estate (AI buyers) or other assets.
    split = plan.hw_share
    ai = (net.ai_buyer > 0).astype(dtype)
    bought = jnp.stack([capex * split, capex * (1 - split) * ai, jnp.zeros_like(capex), capex * (1 - split) * (1 - ai)],
                       axis=1) / s.price[None, :]
    one = jnp.ones_like(f.depreciation_mult)
    dep = jnp.stack([f.depreciation_mult / p.hardware_life_years, one / p.real_estate_life_years, 0 * one, 0 * one]) / 4
    # What keeps the capital stock (the terminal value's maintenance capex, valuation.py): an AI
    # buyer's depreciation of hardware and data centres at today's prices; any other firm's capex
    # itself (its fabs and offices are not modelled as assets that wear out).
    upkeep = alive * jnp.where(net.ai_buyer > 0, value_at(holdings * dep[None, :], s.price), capex)
    holdings = jnp.where(alive[:, None], holdings * (1 - dep)[None, :] + bought, holdings)

    direct = alive * ((plan_rev - revenue) * (1 - ec.variable_cost_share) + extra_interest)
    new = s._replace(
        # A defaulted firm's estate keeps collecting what live debtors pay it.
        cash=jnp.where(alive > 0, fund.cash, s.cash + flows_in), holdings=holdings, debt=debt,
        commitment_loss=s.commitment_loss + lost_f @ net.commit_supplier, direct_loss=s.direct_loss + direct,
        capacity=capacity, capacity_plan=capacity_plan, pipeline=pipeline, pipeline_plan=pipeline_plan,
        facility_room=s.facility_room - fund.facility, new_debt=s.new_debt + fund.debt,
        funding=s.funding + jnp.stack([fund.facility, fund.debt, fund.equity, fund.capex_cut], axis=1),
        revenue=s.revenue + revenue * alive, revenue_plan=s.revenue_plan + plan_rev,
        interest_in=s.interest_in + interest @ net.debt_lender,
        capex=s.capex + capex * alive, capex_plan=s.capex_plan + capex_plan,
    )
    # Liquidity buffer: cash before funding plus every source's room; negative exactly when the
    # firm misses a payment (a continuous default margin for reverse stress tests).
    rooms = (s.facility_room, debt_room, equity_room, asset_room, cuttable)
    buffer = cash + sum(jnp.maximum(r, 0.0) for r in rooms) * alive
    ocf = alive * (revenue - variable - sticky)
    paid_interest = interest @ net.debt_borrower
    payout = (dividends - planned_equity - fund.equity) * alive      # to shareholders (dilution negative)
    return new, fund.missed & (alive > 0), chain, fund.debt, buffer, (ocf, paid_interest, payout, upkeep)


def _financial(net: Network) -> jax.Array:
    """``[N]`` bool: financial firms (they roll their maturities and sell in fire sales)."""
    return jnp.isin(net.kind, jnp.asarray([KINDS.index(k) for k in FINANCIAL_KINDS]))


def _failing(net: Network) -> jax.Array:
    """``[N]`` bool: firms that fail on insolvency or a capital shortfall (docs/model.md §5.2)."""
    return jnp.isin(net.kind, jnp.asarray([KINDS.index(k) for k in FAILING_KINDS]))


def book_net_worth(net: Network) -> jax.Array:
    """``[N]`` USD bn at t = 0: cash, holdings and debt owed to the firm, less its debt and other
    liabilities (stakes in other firms are not counted: they are in their issuers' equity)."""
    return net.cash + net.holdings.sum(1) + net.debt_amount @ net.debt_lender \
        - net.debt_amount @ net.debt_borrower - net.external_liabilities


def capital_floor(net: Network) -> jax.Array:
    """``[N]`` USD bn: the equity below which a financial firm fails its capital test
    (docs/model.md §5.2): its starting net worth times ``minimum / actual`` capital ratio."""
    ec = net.economy
    worth0 = book_net_worth(net)
    share = jnp.where(ec.capital_ratio > 0, ec.capital_ratio_min / jnp.where(ec.capital_ratio > 0, ec.capital_ratio, 1.0), 0.0)
    return jnp.where(_failing(net), jnp.maximum(worth0, 0.0) * share, 0.0)


@_scoped("clearing")
def _clear(net: Network, s: State, price, forced, plan: _Plan, p: ModelParams):
    """Clear balance sheets at the given prices: ``(p, V, defaulted, status, e, network)``.

    The unsecured pool (docs/model.md §5.3): debt still owed after secured lenders took their
    collateral, suppliers' claims for unpaid binding commitments of defaulted buyers, and
    buyers' claims for prepayments a failed supplier will not deliver (§5.4)."""
    e = jnp.maximum(s.cash, 0.0) + value_at(s.holdings, price)
    C = net.cross_holdings if p.cross_holdings else None
    cn = EdgeNetwork(jnp.concatenate([s.debt, s.claims, s.prepay_claims]),
                     jnp.concatenate([net.debt_borrower, net.commit_buyer, net.commit_supplier]),
                     jnp.concatenate([net.debt_lender, net.commit_supplier, net.commit_buyer]), net.external_liabilities, C)
    params = ClearingParams(p.alpha, p.beta, _failing(net), plan.floor)
    r = clear_one(cn, e, forced, params, method="picard", tol=p.clearing_tol, max_steps=p.clearing_max_iter)
    return r.payments, r.equity, r.defaulted, r.status, e, cn


def _remaining_value(net: Network, rate) -> jax.Array:
    """``[F, T]`` present value, at the end of quarter t, of each contract's payments after t
    (the model window, then what is contracted beyond the horizon, discounted from its end)."""
    d = 1.0 / (1.0 + rate / 4.0)
    K = net.commit_amount
    tail = net.economy.commit_after * d

    def back(carry, k_next):
        pv = d * (k_next + carry)
        return pv, pv

    _, pv = lax.scan(back, tail, jnp.concatenate([K[:, 1:], jnp.zeros_like(K[:, :1])], axis=1).T, reverse=True)
    # pv[t] = d (K[t+1] + pv[t+1]); the last quarter's successor is the tail alone.
    return pv.T


@_scoped("default_resolution")
def _resolve(net: Network, s: State, new_defaults, t, plan: _Plan, p: ModelParams) -> State:
    """What a new default of an operating company sets off (docs/model.md §5.3–§5.4): secured
    lenders take the assets pledged to them (each link's collateral classes, realised at
    ``alpha``) up to their claim, a live guarantor pays the rest of the links it guarantees, the
    deficiency stays in the unsecured pool; suppliers gain a claim for the binding share of the
    remaining contract (real-property leases capped as US Bankruptcy Code §502(b)(6) does: the
    greater of one year's rent and 15 % of the rest, at most three years); buyers lose the
    prepayments the failed supplier will not deliver, which become claims on its estate."""
    ec = net.economy
    dtype = s.cash.dtype
    op = (new_defaults & ~_financial(net)).astype(dtype)
    alive = (~s.defaulted).astype(dtype)
    # Collateral: the union of the classes pledged by each borrower's secured links, shared pro rata.
    pledged = plan.pledged                                                             # [N, A]
    value = value_at(s.holdings * pledged, s.price)                                           # [N] marked collateral
    secured_debt = (s.debt * ec.debt_secured) @ net.debt_borrower                     # [N]
    taken = jnp.minimum(p.alpha * value, secured_debt) * op                          # [N] recovered value
    frac = jnp.where(secured_debt > 0, taken / jnp.maximum(secured_debt, 1e-12), 0.0)
    paid = s.debt * ec.debt_secured * (net.debt_borrower @ frac)                      # [E]
    give_up = jnp.where(value > 0, jnp.minimum(taken / p.alpha / jnp.maximum(value, 1e-12), 1.0), 0.0)
    holdings = s.holdings * (1.0 - give_up[:, None] * pledged)
    holdings = holdings.at[:, 3].add(paid @ net.debt_lender)
    # Claims for unpaid binding commitments of defaulted buyers.
    ti = t.astype(jnp.int32)
    K_t = net.commit_amount[:, ti]
    remaining = plan.remaining_pv[:, ti]
    lease_cap = jnp.minimum(jnp.maximum(4.0 * K_t, 0.15 * remaining), 12.0 * K_t)
    remaining = jnp.where(ec.commit_is_lease > 0, jnp.minimum(remaining, lease_cap), remaining)
    buyer_new, supplier_new = net.commit_buyer @ op, net.commit_supplier @ op
    buyer_alive, supplier_alive = net.commit_buyer @ alive, net.commit_supplier @ alive
    claims = s.claims + net.commit_take_or_pay * remaining * buyer_new * supplier_alive * p.commitments
    # Prepayments a failed supplier will not deliver: the buyer's prepaid asset becomes a claim.
    lost_prepaid = ec.commit_prepaid * plan.remaining[:, ti] * supplier_new * buyer_alive * p.commitments
    holdings = holdings.at[:, 3].add(-(lost_prepaid @ net.commit_buyer))
    # Guarantees: a live guarantor pays what the defaulted borrower still owes on the links it
    # stands behind (Meta behind the Hyperion bonds), out of cash, to their lenders.
    debt = s.debt - paid
    guarantor_alive = ec.debt_guarantor @ alive                                           # [E]
    called = debt * (net.debt_borrower @ op) * guarantor_alive                             # [E]
    holdings = holdings.at[:, 3].add(called @ net.debt_lender)
    cash = s.cash - called @ ec.debt_guarantor
    return s._replace(debt=debt - called, holdings=holdings, claims=claims, cash=cash,
                      prepay_claims=s.prepay_claims + lost_prepaid,
                      secured=s.secured + paid @ net.debt_lender, guaranteed=s.guaranteed + called @ ec.debt_guarantor)


class _Round(NamedTuple):
    state: State
    moved: jax.Array     # [] bool, the last round changed defaults or prices
    worth: jax.Array     # [N] assets − liabilities after the last clearing
    status: jax.Array    # [] int32 worst status of the solvers so far this quarter


def _contagion(net: Network, s: State, forced, t, plan: _Plan, p: ModelParams):
    """Clearing and fire sales of one quarter, iterated to their joint fixed point.

    Returns ``(state, status, net worth)``; the status is the worst of every clearing and fire
    sale solved on the way and of the rounds themselves (``MAX_STEPS`` if they did not settle).
    """

    # Sellers: financial firms below their capital ratio, and the estates of defaulted firms;
    # a live operating company does not sell its data centres to meet a capital ratio.
    financial = _financial(net)

    @_scoped("fire_sale")
    def sell(state: State, pay, eq, cn):
        mkt = state.holdings[:, :MARKET_CLASSES]
        seller = (financial | state.defaulted).astype(mkt.dtype)
        claims = cn.inflows(pay) + (0.0 if cn.cross_holdings is None else cn.cross_holdings @ eq)
        other = jnp.maximum(state.cash, 0.0) + value_at(state.holdings[:, MARKET_CLASSES:], state.price[MARKET_CLASSES:]) + claims
        depth = jnp.stack([p.depth_hardware, p.depth_real_estate]).astype(state.cash.dtype)
        # Each round solves the fire sale on the current balance sheets to its equilibrium
        # (CFS); sales are path-dependent, so fewer steps per round would change the answer.
        r = fire_sale_one(mkt * seller[:, None], other + value_at(mkt, state.price[:MARKET_CLASSES]) * (1 - seller),
                          cn.total_liabilities, state.price[:MARKET_CLASSES], p.min_capital_ratio, depth,
                          impact=p.impact, tol=p.price_tol, max_iter=p.firesale_steps)
        price = state.price.at[:MARKET_CLASSES].set(r.prices)
        holdings = state.holdings.at[:, :MARKET_CLASSES].add(-r.sold)
        mtm = value_at(mkt, state.price[:MARKET_CLASSES] - r.prices)  # held and sold alike lose the price fall
        return state._replace(holdings=holdings, price=price, cash=state.cash + value_at(r.sold, r.prices),
                              firesale_loss=state.firesale_loss + mtm), r.status

    def one_round(c: _Round) -> _Round:
        state = c.state
        pay, eq, dflt, st_clear, e, cn = _clear(net, state, state.price, forced | state.defaulted, plan, p)
        # New defaulters are resolved before any sale: secured lenders take their collateral,
        # suppliers' claims join the unsecured pool of the next clearing round.
        state = _resolve(net, state, dflt & ~state.defaulted, t, plan, p)
        new, st_sale = sell(state, pay, eq, cn)
        moved = jnp.any(dflt & ~state.defaulted) | jnp.any(jnp.abs(new.price - state.price) > p.price_tol)
        return _Round(new._replace(defaulted=state.defaulted | dflt), moved, _net_worth(cn, e, pay, eq),
                      worst(c.status, st_clear, st_sale))

    if not p.fire_sales:
        pay, eq, dflt, st, e, cn = _clear(net, s, s.price, forced | s.defaulted, plan, p)
        s = _resolve(net, s, dflt & ~s.defaulted, t, plan, p)
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


@_scoped("covenants")
def _covenants(net: Network, s: State, plan: _Plan, ocf, interest_due, p: ModelParams) -> State:
    """Covenants tested on the quarter's closing balance sheets; a breach past its cure period
    accelerates the loan, due next quarter (docs/model.md §5.1)."""
    ec = net.economy
    # Each link's borrower by index (a gather) and its pledged classes valued class by class: as a
    # one-hot product reduced over the short class axis it took a third of every quarter on
    # XLA:CPU (a slow fused dot-reduce).
    pledged_value = value_at(s.holdings[plan.borrower] * ec.debt_collateral, s.price)   # [E]
    live = net.debt_borrower @ (~s.defaulted).astype(s.cash.dtype)
    ct = covenant_test(s.debt, pledged_value, plan.ltv_pool, ec.debt_max_ltv, ec.debt_min_icr, ec.debt_cure,
                       net.debt_borrower, ocf, interest_due, live, s.breach)
    return s._replace(breach=ct.breach, accelerated=s.accelerated | (ct.accelerate & p.covenants))


def _step(net: Network, f: Factors, p: ModelParams, plan: _Plan, rate, s: State, xs):
    t, K_t, due_t, refi_t, room_t = xs
    alive = ~s.defaulted
    # Installed hardware is worth its rental income: re-mark the AI-hardware price by the change
    # in that value (fire-sale discounts carry over).
    s, missed, chain, raised, buffer, (ocf, interest_due, payout, upkeep) = _quarter_flows(net, f, s, t, K_t, due_t, refi_t, room_t,
                                                                                   plan, p)
    last_year = (t >= net.quarters - 4).astype(s.cash.dtype)
    s = s._replace(payout_pv=s.payout_pv + quarter_weight(rate, t) * payout,
                   ocf_last=s.ocf_last + last_year * (ocf - interest_due - upkeep))
    s = s._replace(price=s.price.at[0].multiply(chain.hardware_value / s.hw_value), hw_value=chain.hardware_value)
    forced = missed | (f.default_now & (t == 0))
    s, status, worth = _contagion(net, s, forced, t, plan, p)
    new = s.defaulted & alive  # defaulted this quarter
    s = _covenants(net, s, plan, ocf, interest_due, p)
    s = s._replace(default_quarter=jnp.where(new, t.astype(jnp.int32), s.default_quarter),
                   status=worst(s.status, status))
    # Default margins (docs/model.md §5.1–5.2): an operating firm fails when its liquidity buffer
    # runs out, a bank, fund or insurer when its net worth falls below its capital floor.
    liquidity = jnp.where(alive, buffer, jnp.minimum(buffer, -1.0))
    paths = (liquidity, worth, payout) if p.record_paths else (buffer[:0], worth[:0], payout[:0])
    market = jnp.stack([chain.utilisation, chain.rental_price, chain.hardware_price,
                        chain.hardware_revenue / chain.hardware_price])
    return s, (s.price, new.sum(), paths, market, raised)


def refinanced_share(net: Network) -> jax.Array:
    """``[E, T]`` share of each debt's principal that has come due (and re-priced) by quarter t."""
    return jnp.clip(jnp.cumsum(net.debt_due_share, axis=1), 0.0, 1.0)


def _initial_state(net: Network, f: Factors, p: ModelParams, plan: _Plan) -> State:
    n = net.n
    dtype = net.cash.dtype
    ec = net.economy
    # AI hardware is valued from its rental income (docs/model.md §3), never by a free size:
    # its price starts at 1 and moves with the value chain.
    price0 = f.price.astype(dtype).at[0].set(1.0)
    lag = p.capacity_lag_quarters
    # Hardware ordered before the start arrives as planned.
    pipe0 = jnp.broadcast_to(plan.build * net.capex / 4 * plan.hw_share, (lag, n)).astype(dtype)
    return State(
        net.cash, net.holdings, price0, net.debt_amount, jnp.zeros(n, bool), jnp.full(n, -1, jnp.int32),
        jnp.zeros(n, dtype), net.holdings @ (1 - price0), jnp.zeros(n, dtype), jnp.asarray(Status.OK, jnp.int32),
        ec.capacity, ec.capacity, pipe0, pipe0, jnp.asarray(1.0, dtype), ec.facility_room, jnp.zeros(n, dtype),
        jnp.zeros((n, 4), dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype),
        jnp.zeros(net.commit_amount.shape[0], dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype),
        jnp.zeros(net.debt_amount.shape[0], dtype), jnp.zeros(net.debt_amount.shape[0], bool),
        jnp.zeros(net.commit_amount.shape[0], dtype), jnp.zeros(n, dtype), jnp.zeros(n, dtype))


class Plan(NamedTuple):
    """What every scenario of a network shares, solved once from the no-shock path."""

    debt: jax.Array     # [T, N] cumulative new market debt the plan raises by each quarter
    priced: PricedIn    # [N] each: priced-in growth and terminal cash flow (docs/model.md §6)


def solve_plan(net: Network, params: ModelParams) -> Plan:
    """The no-shock plan: its borrowing (:func:`plan_borrowing`), then the deterministic baseline
    on that borrowing, whose value parts give each firm's priced-in growth."""
    from .shocks.base import neutral
    debt = plan_borrowing(net, params)
    f = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, net.cash.dtype))
    base = _simulate(net, f, params, debt, _nothing_priced(net))
    return Plan(debt, priced_in(net.economy.market_value, base.value_parts))


def _nothing_priced(net: Network) -> PricedIn:
    zero = jnp.zeros(net.n, net.cash.dtype)
    return PricedIn(zero, zero, zero > 0, zero > 0)


def simulate_one(net: Network, f: Factors, p: ModelParams, plan: Plan | None = None) -> Outcome:
    """Run one scenario (factors without batch axis) over every quarter.

    ``plan``: what the no-shock path fixes (:func:`solve_plan`): the new debt the firms plan to
    raise (new-debt room builds on it) and their priced-in growth. None solves it first;
    batched callers pass it once for all scenarios, as :func:`simulate` does.
    """
    if plan is None:
        plan = solve_plan(net, p)
    dtype = net.cash.dtype
    return _simulate(net, f, p, plan.debt.astype(dtype), plan.priced)


def _discount_rate(net: Network, f: Factors, p: ModelParams) -> jax.Array:
    """``[N]`` each firm's cost of equity in this scenario (:func:`stressgpu.valuation.discount_rate`),
    the AI risk premium on its AI share of revenue at the horizon (the terminal value's)."""
    exposure = ai_exposure(net.kind, ai_shares_at(net.ai_shares, net.revenue_growth, p.non_ai_growth, net.quarters,
                                                  1.0 - net.economy.lease_share))
    return discount_rate(p.risk_free, f.rate_shift, net.economy.equity_beta, p.equity_premium, exposure, f.ai_premium)


def _simulate(net: Network, f: Factors, p: ModelParams, room: jax.Array, priced: PricedIn) -> Outcome:
    """One scenario with new-debt room ``room`` ``[T, N]`` (``inf``: the unconstrained plan) and
    what the market prices in beyond the horizon (``priced``)."""
    n, T = net.n, net.quarters
    dtype = net.cash.dtype
    plan = _plan_constants(net, p)
    rate = _discount_rate(net, f, p)            # [N] cost of equity: constant along the path
    s0 = _initial_state(net, f, p, plan)
    due = net.debt_amount[:, None] * net.debt_due_share            # [E, T] principal due, USD bn
    xs = (jnp.arange(T, dtype=dtype), net.commit_amount.T, due.T, refinanced_share(net).T, room)
    s, (prices, new_defaults, (cash_path, worth_path, payout_path), market, raised) = lax.scan(
        partial(_step, net, f, p, plan, rate), s0, xs)
    pay, eq, dflt, st_final, e_final, cn = _clear(net, s, s.price, s.defaulted, plan, p)
    status = worst(s.status, st_final)
    shortfall = cn.total_liabilities - pay
    credit = cn.inflows(shortfall)
    kinds = jnp.stack([net.kind == KINDS.index(k) for k in LENDER_KINDS], axis=1).astype(dtype)
    ext_share = jnp.where(cn.total_liabilities > 0, net.external_liabilities / jnp.maximum(cn.total_liabilities, 1e-12), 0.0)
    ratio = lambda a, b: jnp.where(b > 0, a / jnp.where(b > 0, b, 1.0), 1.0)  # noqa: E731
    parts = value_parts(s.payout_pv, s.cash - net.cash, s.ocf_last, rate, T)
    # Capital shortfall (docs/model.md §7): what a bank, fund or insurer lacks to meet its floor.
    floor = plan.floor
    shortfall_i = jnp.where(floor > 0, jnp.maximum(floor - _net_worth(cn, e_final, pay, eq), 0.0), 0.0)
    return Outcome(
        defaulted=s.defaulted, default_quarter=s.default_quarter, equity=eq, payments=pay,
        net_worth=_net_worth(cn, e_final, pay, eq),
        total_liabilities=cn.total_liabilities, credit_loss=credit,
        credit_loss_borne_by_kind=_borne(net, credit) @ kinds,
        credit_exposure=cn.amount @ cn.lender, credit_loss_by_kind=credit @ kinds,
        external_loss=(shortfall * ext_share).sum(), commitment_loss=s.commitment_loss,
        direct_loss=s.direct_loss, firesale_loss=s.firesale_loss, prices=prices,
        defaults_per_quarter=new_defaults, cash=s.cash, clearing_converged=status == Status.OK,
        status=status, cash_path=cash_path, net_worth_path=worth_path,
        utilisation=market[:, 0], rental_price=market[:, 1], hardware_price=market[:, 2], hardware_shipped=market[:, 3],
        revenue_vs_plan=ratio(s.revenue, s.revenue_plan), capex_vs_plan=ratio(s.capex, s.capex_plan),
        capex_shortfall=s.capex_plan - s.capex,
        funding=s.funding, new_debt_path=raised, claims=s.claims, secured_recovered=s.secured,
        interest_income=s.interest_in, guarantees_paid=s.guaranteed,
        accelerated=s.accelerated, prepayment_claims=s.prepay_claims,
        capital_shortfall=shortfall_i, capital_shortfall_by_kind=shortfall_i @ kinds,
        market_value=market_value(parts, priced, s.defaulted), value_parts=parts, payout_path=payout_path,
        priced_growth=priced.growth, priced_extra=priced.extra,
    )


def _borne(net: Network, credit: jax.Array) -> jax.Array:
    """``[N]`` credit losses after each private-credit fund passes them to its equity holders in
    proportion to their stakes (LPs first, docs/model.md §5.2); the unheld share stays with the
    fund's own equity."""
    fund = (net.kind == KINDS.index("private_credit")).astype(credit.dtype)
    held = net.cross_holdings.sum(0)
    return credit * (1.0 - fund * held) + net.cross_holdings @ (credit * fund)


def plan_borrowing(net: Network, params: ModelParams) -> jax.Array:
    """``[T, N]`` cumulative new market debt of the deterministic no-shock plan: what each firm
    borrows to fund its own plan (the base of its new-debt room in shocked scenarios)."""
    from .shocks.base import neutral
    f = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, net.cash.dtype))
    unlimited = jnp.full((net.quarters, net.n), jnp.inf, net.cash.dtype)
    return jnp.cumsum(_simulate(net, f, params, unlimited, _nothing_priced(net)).new_debt_path, axis=0)


@jax.jit
def simulate(net: Network, factors: Factors, params: ModelParams = ModelParams(),
             debt_amount: jax.Array | None = None) -> Outcome:
    """Run B scenarios (``factors`` with leading axis B) through the quarterly model.

    ``debt_amount`` ``[B, E]``, optional: each scenario's own debt on every link (a network
    drawn from a reconstruction ensemble); otherwise every scenario uses ``net.debt_amount``.
    The no-shock plan is solved first (:func:`solve_plan`) for the firms' planned borrowing and
    priced-in growth (with ``debt_amount``, from the data's network).
    """
    plan = solve_plan(net, params)
    if debt_amount is None:
        one = jax.vmap(lambda f: simulate_one(net, f, params, plan))
        return _tiled(one, params.tile, factors)
    one = jax.vmap(lambda fd: simulate_one(replace(net, debt_amount=fd[1]), fd[0], params, plan))
    return _tiled(one, params.tile, (factors, debt_amount))


def _tiled(fn, tile: int, xs):
    """``fn`` over tiles of ``tile`` scenarios (``lax.map``): every loop inside runs as long as
    the slowest scenario of its tile, not of the whole batch.

    On XLA:CPU a quarter is ~2,900 operations on [tile, N]-sized arrays, each with a fixed cost, so
    larger tiles pay it over more scenarios: ``CPU_TILE`` = 2048 ran 1.5x faster than 128
    (2,591 against 1,701 scenarios/s at B = 8,192, float32, one core of the 2-core CI-class box;
    1,024: 2,495; untiled: 2,547)."""
    b = jax.tree_util.tree_leaves(xs)[0].shape[0]
    if tile <= 0 or b <= tile or b % tile:
        return fn(xs)
    tiles = jax.tree_util.tree_map(lambda x: x.reshape(b // tile, tile, *x.shape[1:]), xs)
    out = lax.map(fn, tiles)
    return jax.tree_util.tree_map(lambda x: x.reshape(b, *x.shape[2:]), out)

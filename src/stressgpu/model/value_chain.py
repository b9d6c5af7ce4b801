"""End demand, the compute market and the AI-hardware market of one quarter (docs/model.md §3).

Every index here is relative to the data's plan (1 = as planned), so that with no shock every
quantity is exactly its plan and the deterministic baseline reproduces the firms' own plans.

End demand (a DeepSeek-style efficiency jump, Jevons): compute per unit of AI output falls from
1 to ``1/k``; a share ``π`` of the saving passes to end prices, so the price index is
``P = 1 − π (1 − 1/k)`` and volume ``Q = P^(−ε)``; a share ``s`` of the incumbents' volume moves
to open models. Incumbents' AI-services revenue scales by ``P·Q·(1 − s)``; compute demanded by
``Q/k`` (open models run on rented compute too). With ``π = 1``: both scale by ``k^(ε−1)``. A
demand slump cuts the growth of both by ``g`` a year.

Compute market: demand ``D`` against installed capacity ``C`` (both in baseline USD of annual
compute revenue; the plan has ``D/C = u_b``, the data's utilisation). Utilisation
``u = min(1, D/C)``; the rental price index ``r = ((D/C)/u_b)^η`` falls in a glut and rises in
scarcity. A seller's market revenue scales by ``(C_i/C_i^plan)·r·u/u_b``: its capacity share
times the market's revenue per unit of capacity.

Hardware market: buyers' AI-hardware orders (their hardware capex, plus rest-of-world demand
moving with compute demand) against chip supply ``1 − cut`` (Taiwan). Volume shipped
``v = min(orders, supply)``; scarcity price ``p_h = max(1, orders/supply)^η_h``; chipmakers'
AI-hardware revenue scales by ``v·p_h``; buyers receive ``v/orders`` of what they ordered. A
supply cut rations the foundries' whole output: the other chips (orders moving with world GDP)
are rationed the same way (:func:`rationed`, read by :mod:`stressgpu.model.revenue`).

Derived prices (never free shock sizes). Installed AI hardware is worth the present value of
the rental income it is expected to earn over its remaining life (docs/model.md §3): income per
unit of capacity is ``r·u/u_b`` (1 in the plan), and the market expects the rental price and
utilisation each to return from today's level to plan *exponentially*, with time constant
``τ = reversion_years`` (the gap shrinks by ``φ = exp(−1/(4τ))`` a quarter, to 37 % of today's
after τ years: mean reversion as in an AR(1) / Ornstein–Uhlenbeck process, and the one shape
whose present value is a geometric sum). With ``a = r − 1``, ``b = u/u_b − 1`` the expected
income ``s`` quarters ahead is ``(1 + a φ^s)(1 + b φ^s)``; discounted at ``ρ =
claim_discount_rate`` (``δ = (1 + ρ)^(−1/4)`` a quarter) over the remaining life of ``L``
quarters and divided by the same sum at plan levels:

    hardware_value = [G(δ) + (a + b) G(δφ) + a b G(δφ²)] / G(δ) · life_ratio,
    G(q) = Σ_{s=0..L−1} q^s = (1 − q^L)/(1 − q),      L = 4 · hardware_life / 2,

1 with no shock. ``L`` is the average remaining life of a fleet bought evenly over its life
(half of ``hardware_life_years``); ``life_ratio`` (new life over old) scales the value under
faster obsolescence. Power sold to data centres moves with utilised capacity ``u·C``.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ..network import Network
from ..shocks.base import Factors
from .params import ModelParams

Array = jax.Array
_DEFAULTS = ModelParams()


class Demand(NamedTuple):
    """End-demand indices of one quarter (scalars, 1 = plan)."""

    services: Array   # incumbents' AI-services revenue, P·Q·(1 − s) × slump
    compute: Array    # compute demanded, Q/k × slump


def end_demand(k, pass_through, elasticity, share_shift, growth_cut, years) -> Demand:
    """:class:`Demand` for efficiency ``k`` (≥ 1), pass-through ``π`` ∈ [0, 1], price elasticity
    ``ε`` ≥ 0, share shift ``s`` ∈ [0, 1), and a demand slump cutting annual growth by
    ``growth_cut`` for ``years`` years."""
    price = 1.0 - pass_through * (1.0 - 1.0 / k)
    volume = price ** (-elasticity)
    slump = (1.0 - growth_cut) ** years
    return Demand(services=price * volume * (1.0 - share_shift) * slump, compute=volume / k * slump)


class ChainState(NamedTuple):
    """The value chain of one quarter (indices are 1 in the plan)."""

    utilisation: Array        # [] u = min(1, D/C)
    rental_price: Array       # [] r, compute rental price index
    compute_revenue: Array    # [N] multiplier on each compute seller's market compute revenue
    hardware_revenue: Array   # [] multiplier on chipmakers' AI-hardware revenue (v·p_h)
    hardware_price: Array     # [] p_h, new-hardware price index (scarcity)
    delivered: Array          # [] share of hardware orders shipped, v/orders
    power_revenue: Array      # [] multiplier on utilities' AI power revenue (u·C relative to plan)
    hardware_value: Array     # [] resale value index of installed AI hardware (collateral, fire sales)


def geometric_sum(log_q, length) -> Array:
    """``Σ_{s=0..L−1} q^s = (1 − q^L)/(1 − q)`` for ``q = exp(log_q)`` ≤ 1, written
    ``expm1(L log q)/expm1(log q)`` so that it stays exact in float32 as ``q → 1`` (``L`` at ``q = 1``)."""
    one = log_q == 0
    safe = jnp.where(one, -1.0, log_q)
    return jnp.where(one, length, jnp.expm1(length * safe) / jnp.expm1(safe))


def hardware_value(rental_price, utilisation, utilisation_plan, life_ratio, reversion_years, discount_rate,
                   remaining_quarters) -> Array:
    """``[]`` value index of installed AI hardware (module docstring): the present value of its
    expected rental income over ``remaining_quarters`` (quarters), rental price ``rental_price``
    and utilisation ``utilisation`` (plan ``utilisation_plan``) each reverting exponentially to
    plan with time constant ``reversion_years`` (years; 0: at once, after this quarter),
    discounted at ``discount_rate`` (fraction per year); relative to the same value at plan
    levels, times ``life_ratio``. Closed form in three geometric sums; 1 with no shock."""
    a, b = rental_price - 1.0, utilisation / utilisation_plan - 1.0
    log_phi = -1.0 / (4.0 * jnp.maximum(reversion_years, 1e-12))    # log of the gaps' quarterly decay
    log_delta = -0.25 * jnp.log1p(discount_rate)                     # log of the quarterly discount factor
    plan = geometric_sum(log_delta, remaining_quarters)
    pv = plan + (a + b) * geometric_sum(log_delta + log_phi, remaining_quarters) \
        + a * b * geometric_sum(log_delta + 2.0 * log_phi, remaining_quarters)
    return pv / plan * life_ratio


def value_chain(capacity, capacity_plan, utilisation_plan, demand: Demand, hw_orders, chip_supply,
                life_ratio, eta, eta_hw, reversion_years=_DEFAULTS.reversion_years,
                discount_rate=_DEFAULTS.claim_discount_rate,
                remaining_quarters=2.0 * _DEFAULTS.hardware_life_years) -> ChainState:
    """One quarter's compute and hardware markets.

    Args:
      capacity, capacity_plan: ``[N]`` installed compute capacity of each seller now and in
        the plan (baseline USD bn of annual compute revenue at full utilisation; 0 for firms
        that sell no compute).
      utilisation_plan: ``[]`` the plan's aggregate utilisation ``u_b`` (data), in (0, 1].
      demand: this quarter's :class:`Demand`.
      hw_orders: ``[]`` AI-hardware orders relative to plan (buyers' and the rest of the world's).
      chip_supply: ``[]`` share of planned chip supply available (1 − Taiwan cut).
      life_ratio: ``[]`` new hardware life over old (≤ 1 under faster obsolescence).
      eta, eta_hw: rental-price and hardware-price elasticities to market tightness.
      reversion_years, discount_rate, remaining_quarters: the hardware value's reversion time
        constant, discount rate and remaining life (:func:`hardware_value`).
    """
    total, total_plan = jnp.sum(capacity), jnp.sum(capacity_plan)
    shipped, p_hw = rationed(hw_orders, chip_supply, eta_hw)
    tight = demand.compute * utilisation_plan * total_plan / jnp.maximum(total, 1e-12)  # D/C
    u = jnp.minimum(1.0, tight)
    r = (tight / utilisation_plan) ** eta
    # A seller with no capacity of its own (a reseller) earns the market's revenue per unit.
    share = jnp.where(capacity_plan > 0, capacity / jnp.where(capacity_plan > 0, capacity_plan, 1.0), 1.0)
    per_capacity = r * u / utilisation_plan
    return ChainState(
        utilisation=u, rental_price=r, compute_revenue=share * per_capacity,
        hardware_revenue=shipped * p_hw, hardware_price=p_hw,
        delivered=jnp.where(hw_orders > 0, shipped / jnp.maximum(hw_orders, 1e-12), 1.0),
        power_revenue=u * total / (utilisation_plan * jnp.maximum(total_plan, 1e-12)),
        hardware_value=hardware_value(r, u, utilisation_plan, life_ratio, reversion_years, discount_rate,
                                      remaining_quarters),
    )


def rationed(orders, supply, eta_hw):
    """``(volume, price)`` of a chip market with ``orders`` against ``supply`` (both relative to
    plan): ``v = min(orders, supply)``, scarcity price ``max(1, orders/supply)^η_h``."""
    return jnp.minimum(orders, supply), jnp.maximum(1.0, orders / jnp.maximum(supply, 1e-12)) ** eta_hw


def chip_supply(f: Factors, t):
    """``[]`` the foundries' output available in quarter ``t``, relative to plan: ``1 − chip_cut``
    while the cut lasts (``t < chip_quarters``), 1 after."""
    return 1.0 - f.chip_cut * (t < f.chip_quarters)


def gdp_at(f: Factors, t):
    """``[]`` world GDP relative to plan in quarter ``t``: ``gdp_mult`` while ``t < gdp_quarters``, 1 after."""
    return jnp.where(t < f.gdp_quarters, f.gdp_mult, 1.0)


def growth(rate, t):
    """Compound annual ``rate`` over ``t`` quarters."""
    return (1.0 + rate) ** (t / 4.0)


def demand_at(f: Factors, t) -> Demand:
    """End-demand indices of quarter ``t``: the efficiency shock (k, π, ε, share shift) and the
    demand slump of the scenario's factors."""
    return end_demand(f.efficiency, f.pass_through, f.elasticity, f.share_shift, f.ai_growth_cut, t / 4.0)


def markets(net: Network, f: Factors, p: ModelParams, capacity, capacity_plan, demand: Demand, orders, t) -> ChainState:
    """The quarter's compute and hardware markets: ``capacity``, ``capacity_plan`` ``[N]`` installed
    now and in the plan, ``orders`` ``[]`` AI-hardware orders relative to plan; the chip supply
    left by a supply cut in its quarters and the hardware life after faster obsolescence; the
    hardware value over half the hardware life (the average remaining life of the fleet)."""
    life_ratio = 1.0 / f.depreciation_mult
    return value_chain(capacity, capacity_plan, net.economy.utilisation_plan, demand, orders, chip_supply(f, t),
                       life_ratio, p.rental_price_elasticity, p.hardware_price_elasticity, p.reversion_years,
                       p.claim_discount_rate, 2.0 * p.hardware_life_years)


def ai_shares_at(ai_shares, revenue_growth, non_ai_growth, t, ceiling=1.0):
    """``[N, 4]`` AI revenue shares in quarter ``t`` (columns: :class:`stressgpu._types.Role`):
    the non-AI part ``1 − a₀`` grows at ``non_ai_growth`` and the AI lines take the rest of the
    firm's planned growth, ``a_t = 1 − (1 − a₀)(1 + g_n)^(t/4) / (1 + g)^(t/4)`` (each line in its
    t = 0 proportion), at most ``ceiling`` ``[N]`` (what the lease share leaves). A firm growing no
    faster than its non-AI lines, or without AI lines, keeps its shares."""
    a0 = ai_shares.sum(-1)
    a_t = 1.0 - (1.0 - a0) * growth(non_ai_growth, t) / growth(revenue_growth, t)
    a_t = jnp.maximum(jnp.minimum(a_t, ceiling), a0)
    scale = jnp.where(a0 > 0, a_t / jnp.where(a0 > 0, a0, 1.0), 1.0)
    return ai_shares * scale[:, None]


def mark_hardware(price, hw_value, chain: ChainState):
    """Installed AI hardware is worth the present value of its expected rental income
    (:func:`hardware_value`): re-mark its price ``price[Asset.AI_HARDWARE]`` by the change in that
    value since last quarter (fire-sale discounts carry over). Returns ``(price [A], hw_value [])``."""
    return price.at[0].multiply(chain.hardware_value / hw_value), chain.hardware_value

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
AI-hardware revenue scales by ``v·p_h``; buyers receive ``v/orders`` of what they ordered.

Derived prices (never free shock sizes): AI hardware is worth the present value of its rental
income, proxied by this quarter's income per unit of capacity, ``r·u/u_b``, times the share of
its life left under a shorter depreciation life; power sold to data centres moves with utilised
capacity ``u·C``.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ..network import Network
from ..shocks.base import Factors
from .params import ModelParams

Array = jax.Array


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


def value_chain(capacity, capacity_plan, utilisation_plan, demand: Demand, hw_orders, chip_supply,
                life_ratio, eta, eta_hw) -> ChainState:
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
    """
    total, total_plan = jnp.sum(capacity), jnp.sum(capacity_plan)
    tight = demand.compute * utilisation_plan * total_plan / jnp.maximum(total, 1e-12)  # D/C
    u = jnp.minimum(1.0, tight)
    r = (tight / utilisation_plan) ** eta
    # A seller with no capacity of its own (a reseller) earns the market's revenue per unit.
    share = jnp.where(capacity_plan > 0, capacity / jnp.where(capacity_plan > 0, capacity_plan, 1.0), 1.0)
    per_capacity = r * u / utilisation_plan
    shipped = jnp.minimum(hw_orders, chip_supply)
    p_hw = jnp.maximum(1.0, hw_orders / jnp.maximum(chip_supply, 1e-12)) ** eta_hw
    return ChainState(
        utilisation=u, rental_price=r, compute_revenue=share * per_capacity,
        hardware_revenue=shipped * p_hw, hardware_price=p_hw,
        delivered=jnp.where(hw_orders > 0, shipped / jnp.maximum(hw_orders, 1e-12), 1.0),
        power_revenue=u * total / (utilisation_plan * jnp.maximum(total_plan, 1e-12)),
        hardware_value=per_capacity * life_ratio,
    )


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
    left by a supply cut in its quarters and the hardware life after faster obsolescence."""
    supply = 1.0 - f.chip_cut * (t < f.chip_quarters)
    life_ratio = 1.0 / f.depreciation_mult
    return value_chain(capacity, capacity_plan, net.economy.utilisation_plan, demand, orders, supply, life_ratio,
                       p.rental_price_elasticity, p.hardware_price_elasticity)


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
    """Installed AI hardware is worth its rental income: re-mark its price ``price[Asset.AI_HARDWARE]``
    by the change in that value since last quarter (fire-sale discounts carry over). Returns
    ``(price [A], hw_value [])``."""
    return price.at[0].multiply(chain.hardware_value / hw_value), chain.hardware_value

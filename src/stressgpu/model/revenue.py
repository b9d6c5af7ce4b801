"""Revenue and costs of one quarter (docs/model.md §3–§4).

Revenue by role: contracts pay what they bind (:mod:`stressgpu.model.contracts`); the rest of a
firm's planned revenue is its market part, whose AI lines move with the value chain — compute
sellers with the compute market's revenue per unit of their own capacity, chipmakers with the
hardware shipped at its price, labs and AI products with end demand, utilities with the power of
utilised capacity — and its leases as planned. Monte Carlo revenue noise moves the AI lines only
(diversified revenue carries little idiosyncratic risk).

Non-AI lines move with world GDP ``y`` (1 = plan; a Taiwan blockade lowers it, docs/model.md §3
supply chain), by a rule per kind (:func:`non_ai_multiplier`):

* a chipmaker's non-AI lines are its other chips: orders ``y`` against the foundries' rationed
  output ``1 − cut``, shipped at the scarcity price, ``min(y, 1 − cut) · max(1, y/(1 − cut))^η_h``
  (:func:`stressgpu.model.value_chain.rationed`, as its AI hardware);
* a hyperscaler's non-AI lines fall twice as much as GDP, ``1 − 2 (1 − y)``: they are chip users
  (devices, PCs, the servers of their non-AI clouds) or cyclical (advertising), assumed to have
  an elasticity of 2 to world GDP (:data:`CHIP_USER_GDP_ELASTICITY`);
* every other firm's non-AI lines move one for one with GDP, ``y`` (revenue at a constant share
  of nominal output).

Costs: a variable share of revenue plus sticky opex; contracted purchases are part of the cost
plan and replace sticky costs. Pure functions, ``[N]`` per entity, USD bn per quarter.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import KINDS, Role
from ..network import Network
from ..shocks.base import Factors
from .params import ModelParams
from .plan import Constants
from .value_chain import ChainState, Demand, ai_shares_at, chip_supply, gdp_at, growth, rationed

CHIP_USER_GDP_ELASTICITY = 2.0   # hyperscalers' non-AI lines against world GDP (module docstring)


class Revenue(NamedTuple):
    plan: jax.Array      # [N] the plan's revenue this quarter (the data's path, or the contracts where they pay more)
    market: jax.Array    # [N] revenue outside the contracts, after the shock


def non_ai_multiplier(kind, gdp, supply, eta_hw) -> jax.Array:
    """``[N]`` multiplier on each firm's non-AI revenue lines (module docstring): chipmakers' other
    chips rationed by ``supply`` ``[]`` against orders ``gdp`` ``[]`` (world GDP relative to plan),
    hyperscalers' lines with an elasticity of 2 to GDP, everyone else's one for one; 1 in the plan."""
    volume, price = rationed(gdp, supply, eta_hw)
    elasticity = jnp.where(kind == KINDS.index("hyperscaler"), CHIP_USER_GDP_ELASTICITY, 1.0)
    users = jnp.maximum(1.0 - elasticity * (1.0 - gdp), 0.0)
    return jnp.where(kind == KINDS.index("chipmaker"), volume * price, users)


def market_revenue(net: Network, f: Factors, p: ModelParams, chain: ChainState, demand: Demand, K_t, t) -> Revenue:
    """Each firm's planned and market revenue this quarter; ``K_t`` ``[F]`` contracted payments."""
    ec = net.economy
    contracted_in = K_t @ net.commit_supplier
    plan_rev = jnp.maximum(net.revenue / 4 * growth(net.revenue_growth, t), contracted_in)
    market_base = plan_rev - contracted_in
    sh = ai_shares_at(net.ai_shares, net.revenue_growth, p.non_ai_growth, t, 1.0 - ec.lease_share)
    other = jnp.maximum(1.0 - sh.sum(-1) - ec.lease_share, 0.0)
    mult = (other + ec.lease_share + sh[:, Role.COMPUTE] * chain.compute_revenue
            + sh[:, Role.HARDWARE] * chain.hardware_revenue + sh[:, Role.SERVICES] * demand.services
            + sh[:, Role.POWER] * chain.power_revenue)
    ai_lines = mult - other - ec.lease_share
    non_ai = other * non_ai_multiplier(net.kind, gdp_at(f, t), chip_supply(f, t), p.hardware_price_elasticity)
    return Revenue(plan_rev, market_base * (non_ai + ec.lease_share + ai_lines * f.revenue_mult))


class Costs(NamedTuple):
    revenue: jax.Array   # [N] market revenue plus contract deliveries received
    variable: jax.Array  # [N] variable cost
    sticky: jax.Array    # [N] sticky opex net of contracted purchases


def costs(net: Network, k: Constants, rev: Revenue, received, K_t, t) -> Costs:
    """Revenue with ``received`` ``[N]`` contract deliveries, and the quarter's operating costs."""
    revenue = rev.market + received
    variable = net.economy.variable_cost_share * revenue
    sticky = jnp.maximum(k.sticky / 4 * growth(net.revenue_growth, t) - K_t @ net.commit_buyer, 0.0)
    return Costs(revenue, variable, sticky)

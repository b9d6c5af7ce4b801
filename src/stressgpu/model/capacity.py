"""Capacity and investment (docs/model.md §3): how much each AI buyer invests, what its capex
buys, and the compute capacity it builds after a lag.

* Investment follows expected demand and never exceeds the plan (a shock never forces spending):
  a compute seller invests toward the market's tightness, any other AI buyer toward compute
  demand; only the AI part of a diversified firm's capex responds, and data-centre vehicles
  build what their leases contract.
* Hardware capex ships as far as the chip supply goes, at the scarcity price, enters a pipeline
  of ``capacity_lag_quarters`` and comes online as capacity; capacity depreciates over the
  hardware life (shorter under a faster-obsolescence shock). The plan's capacity runs alongside.
* Capex buys AI hardware and data-centre real estate (AI buyers) or other assets; those assets
  depreciate straight-line, and their depreciation at today's prices is the upkeep the terminal
  value's maintenance capex uses (:mod:`stressgpu.model.valuation`).

Pure functions of one scenario's arrays; ``[N]`` per entity, USD bn per quarter.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import KINDS
from ..network import Network
from ..shocks.base import Factors
from ..channels.firesale import value_at
from .params import ModelParams
from .plan import Constants
from .state import Capacity
from .value_chain import ChainState, Demand, growth


class Investment(NamedTuple):
    """What AI buyers intend to invest this quarter."""

    capex_mult: jax.Array   # [N] capex as a share of plan (≤ 1 but after news); also each buyer's demand index for its contracts
    capex_plan: jax.Array   # [N] planned capex this quarter
    hw_plan: jax.Array      # [N] its AI-hardware part
    orders: jax.Array       # [] AI-hardware orders relative to plan (network buyers and the rest of the world)


def investment(net: Network, k: Constants, cap: Capacity, demand: Demand, t, news_scale=1.0) -> Investment:
    """Investment toward expected demand, never above plan; ``news_scale`` ``[N]`` (1: none)
    revises the AI part of a firm's planned capex after news about its own business (a news day,
    docs/model.md §9: the plan itself changes, so this is the one way capex exceeds the old plan)."""
    ec = net.economy
    tight = demand.compute * jnp.sum(cap.plan) / jnp.maximum(jnp.sum(cap.installed), 1e-12)
    sells_compute = ec.capacity > 0
    intent = jnp.where(sells_compute, jnp.minimum(1.0, tight), jnp.minimum(1.0, demand.compute))
    # Only the AI part of a diversified firm's capex follows AI demand (its AI share of capex, at
    # least its AI revenue share); neoclouds and labs are all AI. Data-centre SPVs build what
    # their leases contract.
    ai_part = jnp.where(net.kind == KINDS.index("hyperscaler"),
                        jnp.clip(jnp.maximum(net.ai_shares.sum(-1), ec.ai_capex_share), 0.0, 1.0), 1.0)
    responds = (net.ai_buyer > 0) & (net.kind != KINDS.index("datacenter_spv"))
    capex_mult = jnp.where(responds, 1.0 - ai_part * (1.0 - intent), 1.0) * (1.0 + ai_part * (news_scale - 1.0))
    capex_plan = net.capex / 4 * growth(net.capex_growth, t)
    hw_plan = capex_plan * k.hw_share
    orders = k.order_share * jnp.sum(hw_plan * capex_mult) / jnp.maximum(jnp.sum(hw_plan), 1e-12) \
        + (1.0 - k.order_share) * demand.compute
    return Investment(capex_mult, capex_plan, hw_plan, orders)


def capex_spent(inv: Investment, k: Constants, chain: ChainState) -> jax.Array:
    """``[N]`` capex before any funding cut: hardware bought at the scarcity price, as far as
    shipments go, and the rest as planned."""
    return inv.capex_plan * inv.capex_mult * (k.hw_share * chain.delivered * chain.hardware_price + (1.0 - k.hw_share))


def _capacity_step(capacity, pipeline, orders, depreciation):
    """Capacity online next quarter and the shifted pipeline (oldest slot comes online)."""
    online = pipeline[0] if pipeline.shape[0] else orders
    nxt = capacity * (1.0 - depreciation) + online
    pipe = jnp.concatenate([pipeline[1:], orders[None]], axis=0) if pipeline.shape[0] else pipeline
    return nxt, pipe


def build(net: Network, f: Factors, p: ModelParams, k: Constants, cap: Capacity, inv: Investment, chain: ChainState,
          capex, capex_cut, holdings, price, alive):
    """The capital stock after this quarter's capex ``capex`` (after the funding cut
    ``capex_cut``): ``(capacity, holdings, upkeep)``. Hardware delivered enters the pipeline
    (a funding cut scales it); ``holdings`` ``[N, A]`` gain what capex buys at ``price`` ``[A]``
    and depreciate; ``upkeep`` ``[N]`` is what keeps the capital stock at today's prices."""
    dtype = capex.dtype
    kept = jnp.where(capex + capex_cut > 0, capex / jnp.maximum(capex + capex_cut, 1e-12), 1.0)
    hw_units = inv.capex_plan * inv.capex_mult * k.hw_share * chain.delivered * kept
    depreciation = k.depreciation * f.depreciation_mult
    installed, pipeline = _capacity_step(cap.installed, cap.pipeline, k.build * hw_units * alive, depreciation)
    planned, pipeline_plan = _capacity_step(cap.plan, cap.pipeline_plan, k.build * inv.hw_plan, k.depreciation)
    # What would be online had no funding cut scaled capex: what the firm meant to deliver.
    intended, pipeline_intended = _capacity_step(cap.intended, cap.pipeline_intended,
                                                 k.build * hw_units / jnp.maximum(kept, 1e-12) * alive, depreciation)

    # Holdings: capex buys AI hardware and data-centre real estate (AI buyers) or other assets.
    split = k.hw_share
    ai = (net.ai_buyer > 0).astype(dtype)
    bought = jnp.stack([capex * split, capex * (1 - split) * ai, jnp.zeros_like(capex), capex * (1 - split) * (1 - ai)],
                       axis=1) / price[None, :]
    one = jnp.ones_like(f.depreciation_mult)
    dep = jnp.stack([f.depreciation_mult / p.hardware_life_years, one / p.real_estate_life_years, 0 * one, 0 * one]) / 4
    # What keeps the capital stock (the terminal value's maintenance capex): an AI buyer's
    # depreciation of hardware and data centres at today's prices; any other firm's capex itself
    # (its fabs and offices are not modelled as assets that wear out).
    upkeep = alive * jnp.where(net.ai_buyer > 0, value_at(holdings * dep[None, :], price), capex)
    holdings = jnp.where(alive[:, None], holdings * (1 - dep)[None, :] + bought, holdings)
    return Capacity(installed, planned, pipeline, pipeline_plan, intended, pipeline_intended), holdings, upkeep

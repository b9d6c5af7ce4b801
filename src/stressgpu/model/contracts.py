"""Commitments between buyers and suppliers (docs/model.md §4, §5.4): what each contract pays
this quarter.

The take-or-pay share binds in full while both sides live; the usage share and the cancellable
rest follow the buyer's demand index, and what is cancelled costs its termination fee. Once
either side has defaulted a contract pays nothing: a live buyer whose supplier failed buys what
it still needs in the market at the replacement price, and the supplier's shortfall on its plan
is its commitment loss. A prepaid share of each delivery was paid before t = 0. Claims that a
default creates are :mod:`stressgpu.model.resolution`'s. Pure functions, ``[F]`` per contract,
USD bn per quarter.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ..network import Network


class Payments(NamedTuple):
    """This quarter's payments under each contract, ``[F]``."""

    paid: jax.Array       # paid by the buyer to the supplier (deliveries; includes the prepaid share)
    fee: jax.Array        # termination fees on what was cancelled
    lost: jax.Array       # the supplier's shortfall on plan
    replaced: jax.Array   # what a buyer whose supplier failed pays the market instead
    prepaid: jax.Array    # the part of ``paid`` settled before t = 0 (no cash moves now)


def payments(net: Network, K_t, demand_idx, alive, replacement_price, on: bool = True, delivered=1.0) -> Payments:
    """Payments under each contract this quarter.

    ``K_t`` ``[F]`` the plan's payment this quarter; ``demand_idx`` ``[N]`` each buyer's demand
    relative to plan (capped at 1: a shock never makes a buyer take more than contracted);
    ``alive`` ``[N]`` 1 for live entities; ``replacement_price`` ``[]`` per unit of contracted
    value; ``delivered`` ``[N]`` (or 1) the share of its contracted capacity each supplier can
    deliver (:func:`delivery_share`): a take-or-pay buyer pays for what is delivered and buys the
    rest in the market. ``on=False`` (channel off): contracts pay as planned while both sides
    live, and nothing is lost."""
    ec = net.economy
    d = jnp.minimum(1.0, net.commit_buyer @ demand_idx)
    tp = net.commit_take_or_pay
    usage = jnp.minimum(ec.commit_usage, 1.0 - tp)
    rest = jnp.maximum(1.0 - tp - usage, 0.0)
    buyer, supplier = net.commit_buyer @ alive, net.commit_supplier @ alive
    both = buyer * supplier
    if not on:
        paid, zero = K_t * both, K_t * 0.0
        return Payments(paid, zero, zero, zero, paid * ec.commit_prepaid)
    needed = K_t * (tp + (usage + rest) * d)
    deliver = net.commit_supplier @ (alive * delivered)                  # [F] 0 once the supplier failed
    paid = needed * buyer * deliver
    replaced = needed * buyer * (1.0 - deliver) * replacement_price
    fee_rate = jnp.where(ec.commit_total > 0, ec.commit_fee / jnp.maximum(ec.commit_total, 1e-12), 0.0)
    fee = jnp.minimum(fee_rate * K_t * rest * (1.0 - d), K_t * rest * (1.0 - d)) * both
    lost = (K_t - paid - fee) * supplier
    return Payments(paid, fee, lost, replaced, paid * ec.commit_prepaid)


def delivery_share(installed, intended) -> jax.Array:
    """``[N]`` share of its contracted capacity a compute seller can deliver: its installed
    capacity against what it would have installed had no funding cut scaled its capex
    (``intended``), at most 1 — a seller that could not fund its build-out cannot serve the
    contracts it was for, while one that invests less because demand fell still builds what it
    contracted; 1 for firms with no capacity (``intended`` 0)."""
    has = intended > 0
    return jnp.where(has, jnp.clip(installed / jnp.where(has, intended, 1.0), 0.0, 1.0), 1.0)

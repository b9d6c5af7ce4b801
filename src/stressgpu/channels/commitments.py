"""Commitments and vendor financing (docs/model.md §4).

``K[i, j, t]`` is what buyer i contracted to pay supplier j in quarter t. When i cuts its
spending by ``m < 1`` the supplier loses ``(1 - m) K`` (never more than the part above the
contract's take-or-pay floor), and all of it once either side has defaulted.
An investment-for-purchase pair (j invests ``I`` in i, i commits ``K`` to j) makes part of j's
revenue its own money coming back: :func:`circular_revenue_share`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp


def commitment_payments(K_t: jax.Array, spending_mult: jax.Array, take_or_pay: jax.Array,
                        buyer_alive: jax.Array, supplier_alive: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Payments of one quarter under each contract, and each contract's shortfall.

    Args (one entry per contract, F of them, or any common shape):
      K_t: contracted payment of the quarter, buyer to supplier (USD bn).
      spending_mult: the buyer's spending multiplier m (1 = as planned).
      take_or_pay: share of the contract due whatever the buyer's spending.
      buyer_alive, supplier_alive: 1 where that side has not defaulted.

    Returns:
      ``paid`` and ``lost``: what flows, and what a live supplier was owed but not paid
      (``(1 − max(m, floor)) K`` from a live buyer, all of ``K`` from a defaulted one).
    """
    scale = jnp.minimum(1.0, jnp.maximum(spending_mult, take_or_pay))
    paid = K_t * scale * buyer_alive * supplier_alive
    lost = (K_t - paid) * supplier_alive
    return paid, lost


def circular_revenue_share(investment: jax.Array, commitments: jax.Array, revenue: jax.Array) -> jax.Array:
    """Share of each supplier's revenue over the horizon funded by its own investments.

    ``sum_i min(I[j, i], sum_t K[i, j, t]) / revenue_j`` (docs/model.md §4), with ``investment``
    ``[N, N]`` (I[j, i], j's investment in buyer i), ``commitments`` ``[N, N, T]`` and
    ``revenue`` ``[N]`` the supplier's revenue over the same quarters. Returns ``[N]``.
    """
    contracted = commitments.sum(axis=2)          # [buyer i, supplier j]
    returned = jnp.minimum(investment, contracted.T).sum(axis=1)
    return jnp.where(revenue > 0, returned / jnp.maximum(revenue, 1e-12), 0.0)

"""Commitments and vendor financing (MODEL.md §3.6).

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
                        alive: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Payments of one quarter and each supplier's shortfall.

    Args:
      K_t: ``[N, N]`` contracted payments of the quarter, buyer i to supplier j (USD bn).
      spending_mult: ``[N]`` each buyer's spending multiplier m (1 = as planned).
      take_or_pay: ``[N, N]`` share of each contract due whatever the buyer's spending.
      alive: ``[N]`` bool, not defaulted.

    Returns:
      ``paid`` ``[N, N]`` and ``lost`` ``[N]``: what each live supplier was owed under its
      contracts with live buyers or by defaulted buyers, minus what it was paid.
    """
    scale = jnp.minimum(1.0, jnp.maximum(spending_mult[:, None], take_or_pay))
    paid = K_t * scale * (alive[:, None] & alive[None, :])
    lost = jnp.where(alive, K_t.sum(0) - paid.sum(0), 0.0)
    return paid, lost


def circular_revenue_share(investment: jax.Array, commitments: jax.Array, revenue: jax.Array) -> jax.Array:
    """Share of each supplier's revenue over the horizon funded by its own investments.

    ``sum_i min(I[j, i], sum_t K[i, j, t]) / revenue_j`` (MODEL.md §3.6), with ``investment``
    ``[N, N]`` (I[j, i], j's investment in buyer i), ``commitments`` ``[N, N, T]`` and
    ``revenue`` ``[N]`` the supplier's revenue over the same quarters. Returns ``[N]``.
    """
    contracted = commitments.sum(axis=2)          # [buyer i, supplier j]
    returned = jnp.minimum(investment, contracted.T).sum(axis=1)
    return jnp.where(revenue > 0, returned / jnp.maximum(revenue, 1e-12), 0.0)

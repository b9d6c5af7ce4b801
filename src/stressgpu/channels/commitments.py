"""Vendor financing (docs/model.md §4): how much of a supplier's revenue is its own money
coming back.

``K[i, j, t]`` is what buyer i contracted to pay supplier j in quarter t. An
investment-for-purchase pair (j invests ``I`` in i, i commits ``K`` to j) makes part of j's
revenue circular: :func:`circular_revenue_share`. What each contract pays in the quarterly model
is :func:`stressgpu.model.contracts.payments`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp


def circular_revenue_share(investment: jax.Array, commitments: jax.Array, revenue: jax.Array) -> jax.Array:
    """Share of each supplier's revenue over the horizon funded by its own investments.

    ``sum_i min(I[j, i], sum_t K[i, j, t]) / revenue_j`` (docs/model.md §4), with ``investment``
    ``[N, N]`` (I[j, i], j's investment in buyer i), ``commitments`` ``[N, N, T]`` and
    ``revenue`` ``[N]`` the supplier's revenue over the same quarters. Returns ``[N]``.
    """
    contracted = commitments.sum(axis=2)          # [buyer i, supplier j]
    returned = jnp.minimum(investment, contracted.T).sum(axis=1)
    return jnp.where(revenue > 0, returned / jnp.maximum(revenue, 1e-12), 0.0)

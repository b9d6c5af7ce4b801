"""Dense linear solves written in lax, safe to batch on every backend."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

Array = jax.Array


def lu_solve(a: Array, b: Array) -> Array:
    """Solve ``a x = b`` (``a`` ``[n, n]``, ``b`` ``[n]``): LU with partial pivoting, in lax.

    Written out instead of ``jnp.linalg.solve`` on purpose: under ``vmap`` (a batch of
    scenarios or networks) ``jnp.linalg.solve`` becomes a *batched* LAPACK call, and jaxlib
    0.10's CPU LAPACK kernels fan a batch out over XLA's intra-op thread pool and block waiting
    for it (``ParallelBatchMap``); two such calls running at once on a small pool deadlock the
    process (seen here on a 2-core CPU). This loop batches like any other lax code on every
    backend. ``O(n³)``, ``n = 2N``; ``a = (I − ∂Φ/∂z)ᵀ`` is a nonsingular M-matrix under
    regularity, so pivoting is only a safeguard.
    """
    n = a.shape[0]
    rows = jnp.arange(n)

    def eliminate(k, state):
        m, y = state
        piv = jnp.argmax(jnp.where(rows >= k, jnp.abs(m[:, k]), -1.0))
        m = m.at[jnp.stack([k, piv])].set(m[jnp.stack([piv, k])])
        y = y.at[jnp.stack([k, piv])].set(y[jnp.stack([piv, k])])
        f = jnp.where(rows > k, m[:, k] / m[k, k], 0.0)
        return m - f[:, None] * m[k][None, :], y - f * y[k]

    u, y = lax.fori_loop(0, n, eliminate, (a, b))

    def substitute(i, x):
        k = n - 1 - i
        return x.at[k].set((y[k] - u[k] @ x) / u[k, k])      # x[j] = 0 for j <= k so far

    return lax.fori_loop(0, n, substitute, jnp.zeros_like(b))

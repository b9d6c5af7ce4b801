"""Known totals, the checks they must pass, and maximum entropy by RAS (Upper & Worms 2004).

Shared by every reconstruction method: :class:`ReconstructionResult`, the checks of the totals
and the support, and the RAS (iterative proportional fitting) loop.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .._types import Status
from ..solvers import effective_tol, iterate

SAMPLE_METHODS = ("dirichlet_ras",)
SELECTIONS = ("size", "ratio")

# Totals whose sums differ by at most this share of S are taken as balanced (rounding in the
# data); the column totals are then rescaled to the row sum so that RAS can meet a tight tol.
BALANCE_RTOL = 1e-9


class ReconstructionResult(NamedTuple):
    """A reconstructed matrix and how well it matches the totals.

    Attributes:
        matrix: [N, N] USD bn, ``matrix[i, j]`` = what borrower i owes lender j; >= 0, zero on the
            diagonal and outside the support. [B, N, N] from :func:`sample_networks`.
        converged: bool, True where the totals were matched to ``tol`` (relative to S).
        iterations: int32, iterations of the method's loop (for :func:`sample_networks`, the RAS
            iterations of each sample).
        row_error: USD bn, ``max_i |sum_j matrix[i, j] - row_totals[i]|``.
        col_error: USD bn, ``max_j |sum_i matrix[i, j] - col_totals[j]|``.
        status: int32 :class:`stressgpu.Status` (``converged == (status == OK)``).
    """

    matrix: jax.Array
    converged: jax.Array
    iterations: jax.Array
    row_error: jax.Array
    col_error: jax.Array
    status: jax.Array


# --------------------------------------------------------------------------- checks


def _is_concrete(*xs) -> bool:
    return not any(isinstance(x, jax.core.Tracer) for x in xs)


def _float_dtype(*xs):
    dtype = jnp.result_type(*xs)
    return dtype if jnp.issubdtype(dtype, jnp.floating) else jnp.result_type(float)


def _prepare(row_totals, col_totals, support, names=("row_totals", "col_totals")):
    """Cast to one float dtype, check shapes, and (concrete inputs) check values.

    Returns ``(r, c, allowed)`` with ``allowed`` [N, N] bool: off-diagonal and inside support.
    """
    dtype = _float_dtype(row_totals, col_totals)
    r = jnp.asarray(row_totals, dtype)
    c = jnp.asarray(col_totals, dtype)
    if r.ndim != 1 or c.shape != r.shape:
        raise ValueError(f"{names[0]} and {names[1]} must both be (N,), got {r.shape} and "
                         f"{c.shape}")
    n = r.shape[0]
    allowed = ~jnp.eye(n, dtype=bool)
    if support is not None:
        support = jnp.asarray(support)
        if support.shape != (n, n):
            raise ValueError(f"support must be ({n}, {n}), got {support.shape}")
        allowed = allowed & support.astype(bool)
    if _is_concrete(row_totals, col_totals):
        # The inputs themselves: inside someone else's jit, r and c are tracers already.
        rn = np.asarray(row_totals, np.float64)
        cn = np.asarray(col_totals, np.float64)
        for name, x in zip(names, (rn, cn)):
            if not np.all(np.isfinite(x)):
                raise ValueError(f"{name} must be finite")
            if np.any(x < 0):
                raise ValueError(f"{name} must be >= 0 (USD bn), got min {x.min():.10g}")
        sr, sc = float(rn.sum()), float(cn.sum())
        if abs(sr - sc) > BALANCE_RTOL * max(sr, sc):
            raise ValueError(
                f"totals do not balance: sum of {names[0]} (owed by borrowers) = {sr:.10g} "
                f"USD bn, sum of {names[1]} (lent by lenders) = {sc:.10g} USD bn; every amount "
                f"owed must be an amount lent")
    return r, c, allowed


def _balance(r, c):
    """``(c', S)``: c rescaled to sum to S = sum r when the sums agree to BALANCE_RTOL.

    Under jit the Python-level check cannot run; totals that really differ are left alone so that
    RAS reports ``converged=False`` instead of fitting silently altered totals.
    """
    sr, sc = jnp.sum(r), jnp.sum(c)
    close = jnp.abs(sr - sc) <= BALANCE_RTOL * jnp.maximum(sr, sc)
    c = jnp.where(close & (sc > 0), c * (sr / jnp.where(sc > 0, sc, 1.0)), c)
    scale = jnp.maximum(jnp.maximum(sr, sc), jnp.finfo(r.dtype).tiny)
    return c, scale


def _errors(x, r, c):
    return jnp.max(jnp.abs(x.sum(1) - r)), jnp.max(jnp.abs(x.sum(0) - c))


# --------------------------------------------------------------------------- RAS


def _ras(prior, r, c, tol_abs, max_iter):
    """RAS / iterative proportional fitting of ``prior`` [N, N] (>= 0) to totals r, c, through
    the engine's driver (:func:`stressgpu.solvers.iterate`).

    One iteration scales every row to its total, then every column. Stops when
    ``max(row error, col error) <= tol_abs`` after the column step, or at ``max_iter``.
    Returns ``(x, iterations, status)``.
    """

    def scale(current, target):
        return jnp.where(current > 0, target / jnp.where(current > 0, current, 1.0), 0.0)

    def step(x):
        x = x * scale(x.sum(1), r)[:, None]
        return x * scale(x.sum(0), c)[None, :]

    sol = iterate(step, prior, max_steps=max_iter,
                  done=lambda old, new: jnp.maximum(*_errors(new, r, c)) <= tol_abs)
    return sol.value, sol.steps, sol.status


@jax.jit
def _max_entropy_core(r, c, allowed, tol, max_iter):
    c, scale = _balance(r, c)
    prior = jnp.where(allowed, jnp.outer(r, c) / scale, 0.0)
    x, it, status = _ras(prior, r, c, tol * scale, max_iter)
    return ReconstructionResult(x, status == Status.OK, it, *_errors(x, r, c), status)


def max_entropy(
    row_totals: jax.Array,
    col_totals: jax.Array,
    support: jax.Array | None = None,
    *,
    tol: float | jax.Array = 1e-12,
    max_iter: int | jax.Array = 10_000,
) -> ReconstructionResult:
    """Maximum-entropy bilateral matrix with the given totals (Upper & Worms 2004), by RAS.

    Upper & Worms (2004, European Economic Review 48(4), 827-849), section 3: the prior
    ``x0[i, j] = r_i c_j / S`` (every book spread in proportion to the counterparties' totals),
    set to zero on the diagonal and outside ``support``, is fitted to the totals by RAS
    (alternately scaling rows and columns). The limit minimises the relative entropy
    ``sum x log(x / x0)`` subject to the totals, which with fixed totals is the same as maximising
    the Shannon entropy ``-sum x log x``; it has the form ``x[i, j] = a_i b_j`` on the allowed
    entries.

    Args:
        row_totals: [N] USD bn, ``r_i`` = what borrower i owes in total to the lenders in scope.
        col_totals: [N] USD bn, ``c_j`` = what lender j has lent in total.
        support: optional [N, N] bool, False where no link i -> j may exist (the diagonal is
            excluded in any case).
        tol: stop when both totals are matched to ``tol * S`` (S = sum of the totals, USD bn).
        max_iter: cap on RAS iterations.

    Returns:
        ReconstructionResult with matrix [N, N] USD bn, converged, iterations, row_error,
        col_error (scalars). ``converged`` is False when the support cannot carry the totals.

    Raises:
        ValueError: (concrete inputs only) totals of different shapes, negative or non-finite,
            or not balancing (the message names both sums).
    """
    r, c, allowed = _prepare(row_totals, col_totals, support)
    return _max_entropy_core(r, c, allowed, effective_tol(tol, r.dtype), jnp.asarray(max_iter, jnp.int32))

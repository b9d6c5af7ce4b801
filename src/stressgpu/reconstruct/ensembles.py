"""Ensembles of plausible networks consistent with the totals, and blocks whose published links
are kept fixed while the unpublished remainder is reconstructed.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .._types import Status
from ..solvers import effective_tol, worst
from .min_density import _bipartite, _check_choice, _min_density_core, _reach
from .totals import (SAMPLE_METHODS, ReconstructionResult, _balance, _errors, _float_dtype, _is_concrete,
                     _max_entropy_core, _prepare, _ras)


def _sample_one(r, c, allowed, key, density, tol, max_iter, backbone_max_iter):
    k_back, k_pattern, k_weights = jax.random.split(key, 3)
    dt, n = r.dtype, r.shape[0]
    backbone = _min_density_core(
        r, c, allowed, k_back, jnp.asarray(0.01, dt), jnp.asarray(1.0, dt),
        jnp.asarray(100.0, dt), jnp.asarray(0.01, dt), tol, backbone_max_iter,
        jnp.asarray(False))
    c_bal, scale = _balance(r, c)
    thr = tol * scale
    active = allowed & (r > thr)[:, None] & (c_bal > thr)[None, :]
    base = backbone.matrix > 0
    drawn = active & ~base & (jax.random.uniform(k_pattern, (n, n), dt) < density)
    # A drawn link i -> j can carry a positive amount iff it lies on a cycle that alternates
    # between links and returns to i: money from i to j must come back to i through lender j's
    # other borrowers. Backbone links run both ways (their amounts can move either way); drawn
    # links only from borrower to lender. Keep a drawn link iff lender j reaches borrower i.
    reach = _reach(_bipartite(base, drawn))
    pattern = base | (drawn & reach[n:, :n].T)
    weights = jax.random.exponential(k_weights, (n, n), dt)
    x, it, status = _ras(jnp.where(pattern, weights, 0.0), r, c_bal, thr, max_iter)
    status = worst(status, backbone.status)
    return ReconstructionResult(x, status == Status.OK, it, *_errors(x, r, c), status)


@functools.partial(jax.jit, static_argnames=("n_samples",))
def _sample_core(r, c, allowed, key, density, tol, max_iter, backbone_max_iter, n_samples):
    keys = jax.random.split(key, n_samples)
    one = lambda k: _sample_one(r, c, allowed, k, density, tol, max_iter,  # noqa: E731
                                backbone_max_iter)
    return jax.vmap(one)(keys)


def sample_networks(
    row_totals: jax.Array,
    col_totals: jax.Array,
    key: jax.Array,
    n_samples: int,
    *,
    support: jax.Array | None = None,
    density: float | jax.Array = 0.3,
    method: str = "dirichlet_ras",
    tol: float | jax.Array = 1e-12,
    max_iter: int | jax.Array = 100_000,
) -> ReconstructionResult:
    """Ensemble of random sparse networks, each matching the totals.

    ``method="dirichlet_ras"`` (the only one), for each sample (``vmap`` over split keys):

    1. a backbone: a minimum-density matrix (:func:`min_density`, Anand, Craig & von Peter 2015,
       with its own random key), a forest of links that can carry the totals -- this is what
       makes sure every borrower and lender with a nonzero total has a link, and that the drawn
       support is feasible;
    2. every other allowed link (off-diagonal, inside ``support``, between a borrower and a lender
       with nonzero totals) is drawn with probability ``density``; a drawn link i -> j is kept if
       it lies on a cycle through the backbone and the other drawn links that brings the money
       back to i (lender j reaches borrower i). Only such a link can carry a positive amount: a
       link into a group of entities whose totals already balance among themselves would have
       to carry zero, and RAS would crawl towards that zero instead of converging;
    3. independent Exponential(1) weights on the kept links (Dirichlet proportions within each
       row), RAS-fitted to the totals as in Upper & Worms (2004).

    The backbone carries the totals with every link positive and every kept link lies on such a
    cycle, so small amounts can be sent round the cycles: the support admits a matrix positive on
    all its links, and RAS converges to one geometrically. Every sample is non-negative, zero on
    the diagonal and outside ``support``, and matches the totals to ``tol * S``. When the totals
    split into groups that balance exactly (e.g. all equal), the backbone has several trees and
    most drawn links across them are dropped: the samples are then sparser and vary less.

    Args:
        row_totals: [N] USD bn, what borrower i owes in total.
        col_totals: [N] USD bn, what lender j has lent in total.
        key: PRNG key; the same key gives the same samples.
        n_samples: number of networks (static).
        support: optional [N, N] bool, False where no link i -> j may exist (diagonal excluded).
        density: probability that an allowed link is drawn, on top of the backbone.
        method: "dirichlet_ras".
        tol: totals matched to ``tol * S``.
        max_iter: cap on RAS iterations per sample (the backbone gets the same cap).

    Returns:
        ReconstructionResult with matrix [n_samples, N, N] USD bn and converged, iterations,
        row_error, col_error of shape [n_samples].

    Raises:
        ValueError: as :func:`max_entropy`, an unknown ``method`` or ``n_samples < 1``.
    """
    _check_choice("method", method, SAMPLE_METHODS)
    if int(n_samples) < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    r, c, allowed = _prepare(row_totals, col_totals, support)
    dt = r.dtype
    cap = jnp.asarray(max_iter, jnp.int32)
    return _sample_core(r, c, allowed, key, jnp.asarray(density, dt), effective_tol(tol, dt), cap, cap,
                        n_samples=int(n_samples))


# --------------------------------------------------------------------------- partly known


def reconstruct_block(
    known: jax.Array,
    unknown_rows: jax.Array,
    unknown_cols: jax.Array,
    support: jax.Array | None = None,
    *,
    known_mask: jax.Array | None = None,
    tol: float | jax.Array = 1e-12,
    max_iter: int | jax.Array = 10_000,
) -> ReconstructionResult:
    """Published links kept as they are, the rest of each book by maximum entropy.

    The data case where some bilateral amounts are published (a syndicated loan, a bond held by
    a named fund) and the rest of each lender's book is known only in total. The remainder is
    reconstructed by :func:`max_entropy` (Upper & Worms 2004) on the pairs that are not published
    -- a published amount is the whole of that pair's link -- and added to ``known``.

    Args:
        known: [N, N] USD bn, published amounts ``known[i, j]`` owed by i to j, >= 0.
        unknown_rows: [N] USD bn, what borrower i owes to lenders in scope beyond the published
            links: ``row_totals - known.sum(1)``.
        unknown_cols: [N] USD bn, what lender j has lent beyond the published links:
            ``col_totals - known.sum(0)``.
        support: optional [N, N] bool, False where no link may exist (diagonal excluded).
        known_mask: optional [N, N] bool, True for published pairs (a published zero included);
            default ``known > 0``. No unknown amount is placed on these pairs.
        tol, max_iter: as in :func:`max_entropy`.

    Returns:
        ReconstructionResult with matrix = known + reconstructed remainder, [N, N] USD bn; the
        errors are those of the full totals ``known.sum(1) + unknown_rows`` and
        ``known.sum(0) + unknown_cols`` (the same as those of the remainder).

    Raises:
        ValueError: (concrete inputs) a negative published amount or remainder, or remainders
            that do not balance (the message names both sums).
    """
    dtype = _float_dtype(known, unknown_rows, unknown_cols)
    k = jnp.asarray(known, dtype)
    n = jnp.shape(unknown_rows)[0] if jnp.ndim(unknown_rows) == 1 else None
    if k.shape != (n, n):
        raise ValueError(f"known must be (N, N) with N = len(unknown_rows), got {k.shape}")
    if _is_concrete(known) and np.any(np.asarray(known) < 0):
        raise ValueError("known amounts must be >= 0 (USD bn)")
    mask = k > 0 if known_mask is None else jnp.asarray(known_mask).astype(bool)
    free = ~mask if support is None else jnp.asarray(support).astype(bool) & ~mask
    r, c, allowed = _prepare(jnp.asarray(unknown_rows, dtype), jnp.asarray(unknown_cols, dtype),
                             free, names=("unknown_rows", "unknown_cols"))
    rest = _max_entropy_core(r, c, allowed, effective_tol(tol, dtype), jnp.asarray(max_iter, jnp.int32))
    return rest._replace(matrix=k + rest.matrix)

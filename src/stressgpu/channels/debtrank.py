"""DebtRank: distress spreading through relative equity losses (MODEL.md section 3.3).

Entity ``i`` holds claims ``A[i, j]`` (USD bn) on entity ``j`` (loans to j, stakes in j) and has
equity ``E_i`` (USD bn). Its relative equity loss is ``h_i = (E_i(0) - E_i(t)) / E_i(0)`` in
``[0, 1]`` (``h_i = 1``: equity wiped out, default). Distress at ``j`` reaches ``i`` through the
impact matrix

    W[i, j] = min(1, A[i, j] / E_i)                     (MODEL.md 3.3; Battiston et al. 2012)

so a full loss at ``j`` costs ``i`` at most all of its equity. Two dynamics, chosen by ``method``:

* ``"classic"`` -- Battiston, Puliga, Kaushik, Tasca & Caldarelli (2012, Sci. Rep. 2:541),
  "Methods". Each entity is Undistressed, Distressed or Inactive. Entities with ``h0 > 0`` start
  Distressed. Per round, every entity receives the distress of the entities that were
  Distressed in the previous round,

      h_i(t) = min(1, h_i(t-1) + sum_{j : s_j(t-1) = D} W[i, j] h_j(t-1)),

  then Distressed entities turn Inactive and Undistressed entities with ``h > 0`` turn
  Distressed. An entity therefore passes on its distress exactly once (at the level it had
  when it became Distressed); later losses stay with it. This is what stops the walk on cycles,
  and what makes classic DebtRank a lower bound (Bardoscia et al. 2015). The loop ends when no
  entity is Distressed: at most N rounds.

* ``"linear"`` -- the linear (differential) DebtRank of Bardoscia, Battiston, Caccioli &
  Caldarelli (2015, PLoS ONE 10(6): e0130406), their dynamics for ``h_i(t+1)`` with the
  transfer rule of the linear case: every increment of loss is passed on,

      h_i(t+1) = min(1, h_i(t) + sum_j W[i, j] (h_j(t) - h_j(t-1))),    h(0) = 0, h(1) = h0,

  so losses keep going round cycles. Because increments are non-negative this equals
  ``h(t+1) = min(1, h0 + W h(t))``: a monotone iteration that converges to the least fixed
  point above ``h0`` -- geometrically when the spectral radius of W (on the unsaturated
  entities) is below 1, otherwise it amplifies until the entities on the cycle reach 1. The loop
  ends when ``max_i (h_i(t) - h_i(t-1)) <= tol``.

Bardoscia et al. use the uncapped leverage ``Lambda[i, j] = A[i, j] / E_i``; here both dynamics
use the capped ``W`` that MODEL.md 3.3 prescribes. They differ only where one claim exceeds the
creditor's equity (then the cap passes on less than the full ``A[i, j] / E_i`` of a partial loss).

Entities with ``E_i <= 0`` are taken as defaulted before the shock (as in the IMT Lucca
implementation of Bardoscia et al.): ``h_i = 1`` throughout and, since the baseline equities of
their creditors already reflect that, they pass on nothing (classic: they start Inactive;
linear: their increment is zero). Their weight in ``v`` is zero.

System DebtRank (Battiston et al. 2012): with ``v_i = E_i / sum_k E_k`` (positive equities),
``R = sum_i v_i h_i(T) - sum_i v_i h_i(1)``, the loss caused beyond the initial shock.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

__all__ = ["METHODS", "DebtRankResult", "EntityDebtRank", "debtrank", "debtrank_by_entity",
           "impact_matrix"]

METHODS = ("classic", "linear")

# A tolerance below a few ulps could never be met by a loop that stalls on adjacent floats;
# in float64 the floor (~1e-15) does not bind for the default tol=1e-12.
_ULPS_FLOOR = 4.0


class DebtRankResult(NamedTuple):
    """Final state of the DebtRank dynamics, one row per scenario.

    Attributes:
        h: [B, N] final relative equity losses, in [0, 1] (1 = equity wiped out).
        system: [B] system DebtRank ``sum_i v_i (h_i - h0_i)``, ``v_i = E_i / sum E``: the share
            of the network's equity lost beyond the initial shock (Battiston et al. 2012).
        rounds: [B] int32, propagation rounds performed.
        converged: [B] bool, False where the loop stopped at ``max_rounds`` still moving.
    """

    h: jax.Array
    system: jax.Array
    rounds: jax.Array
    converged: jax.Array


class EntityDebtRank(NamedTuple):
    """Per-entity DebtRank: entity ``j`` alone fully distressed at the start.

    Attributes:
        debtrank: [N] ``R_j``, the share of the network's equity that j's default destroys
            elsewhere (Battiston et al. 2012, Sci. Rep. 2:541, "DebtRank" with ``psi = 1``).
        rounds: [N] int32, rounds performed for j's scenario.
        converged: [N] bool, False where j's scenario stopped at ``max_rounds``.
    """

    debtrank: jax.Array
    rounds: jax.Array
    converged: jax.Array


# --------------------------------------------------------------------------- network


def impact_matrix(exposures: jax.Array, equity: jax.Array) -> jax.Array:
    """``W[i, j] = min(1, exposures[i, j] / equity[i])``, [N, N], dimensionless.

    MODEL.md 3.3 / Battiston et al. (2012), eq. for ``W_ij`` (indices transposed: here row i is
    the creditor). Rows of entities with ``equity <= 0`` are zero (already defaulted, they can
    lose nothing more) and so is the diagonal (a claim on oneself is no exposure).
    """
    solvent = equity > 0
    safe = jnp.where(solvent, equity, 1.0)
    w = jnp.minimum(1.0, exposures / safe[:, None])
    w = jnp.where(solvent[:, None], w, 0.0)
    return w * (1.0 - jnp.eye(w.shape[0], dtype=w.dtype))


def _economic_weights(equity: jax.Array) -> jax.Array:
    """``v_i = E_i / sum_k E_k`` over positive equities, [N] (Battiston et al. 2012)."""
    pos = jnp.maximum(equity, 0.0)
    total = jnp.sum(pos)
    return pos / jnp.where(total > 0, total, 1.0)


# --------------------------------------------------------------------------- dynamics


def _classic_one(w, h0, defaulted, max_rounds):
    """Battiston et al. (2012) U/D/I dynamics for one scenario; returns (h, rounds, converged)."""

    def cond(state):
        _, distressed, _, rounds = state
        return jnp.any(distressed) & (rounds < max_rounds)

    def body(state):
        h, distressed, inactive, rounds = state
        # Only entities Distressed in the previous round pass on their distress.
        h = jnp.minimum(1.0, h + w @ jnp.where(distressed, h, 0.0))
        inactive = inactive | distressed
        distressed = (h > 0) & ~inactive
        return h, distressed, inactive, rounds + 1

    h = jnp.where(defaulted, 1.0, h0)
    # Pre-shock defaulters start Inactive: their loss is already in their creditors' equity.
    init = (h, (h > 0) & ~defaulted, defaulted, jnp.asarray(0, jnp.int32))
    h, distressed, _, rounds = lax.while_loop(cond, body, init)
    return h, rounds, ~jnp.any(distressed)


def _linear_one(w, h0, defaulted, max_rounds, tol):
    """Bardoscia et al. (2015) increment dynamics for one scenario; (h, rounds, converged)."""

    def cond(state):
        h_prev, h, rounds = state
        return (jnp.max(h - h_prev) > tol) & (rounds < max_rounds)

    def body(state):
        h_prev, h, rounds = state
        # Pass on only what each entity lost in the last round.
        return h, jnp.minimum(1.0, h + w @ (h - h_prev)), rounds + 1

    h = jnp.where(defaulted, 1.0, h0)
    # h(0) = 0 so the first round passes on the shock itself; pre-shock defaulters start at
    # h(0) = 1, a zero increment.
    h_prev = jnp.where(defaulted, 1.0, 0.0).astype(h.dtype)
    h_prev, h, rounds = lax.while_loop(cond, body, (h_prev, h, jnp.asarray(0, jnp.int32)))
    return h, rounds, jnp.max(h - h_prev) <= tol


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method={method!r}: allowed values are {METHODS}")


def _float_dtype(*xs):
    dtype = jnp.result_type(*xs)
    return dtype if jnp.issubdtype(dtype, jnp.floating) else jnp.result_type(float)


def _run(exposures, equity, h0, method, max_rounds, tol) -> DebtRankResult:
    """DebtRank for ``h0`` [B, N] on shared arrays already cast to one float dtype."""
    w = impact_matrix(exposures, equity)
    defaulted = equity <= 0
    # Relative losses are fractions of equity; clipping keeps h in [0, 1] for any input.
    h0 = jnp.where(defaulted, 1.0, jnp.clip(h0, 0.0, 1.0))
    if method == "classic":
        one = lambda x: _classic_one(w, x, defaulted, max_rounds)  # noqa: E731
    else:
        one = lambda x: _linear_one(w, x, defaulted, max_rounds, tol)  # noqa: E731
    h, rounds, converged = jax.vmap(one)(h0)
    system = (h - h0) @ _economic_weights(equity)
    return DebtRankResult(h, system, rounds, converged)


# --------------------------------------------------------------------------- public API


@functools.partial(jax.jit, static_argnames=("method", "max_rounds"))
def debtrank(
    exposures: jax.Array,
    equity: jax.Array,
    h0: jax.Array,
    *,
    method: str = "classic",
    max_rounds: int = 100,
    tol: float | jax.Array = 1e-12,
) -> DebtRankResult:
    """DebtRank propagation of initial relative equity losses, batched over scenarios.

    Classic: Battiston et al. (2012, Sci. Rep. 2:541); linear: Bardoscia et al. (2015, PLoS ONE
    10(6): e0130406). The update rules are in the module docstring.

    Args:
        exposures: [N, N] USD bn, ``exposures[i, j]`` = value of i's assets that are claims on j
            (loans to j, stakes in j), >= 0; shared by all scenarios.
        equity: [N] USD bn; entities with ``equity <= 0`` are defaulted before the shock
            (``h = 1``, pass nothing on).
        h0: [B, N] or [N] initial relative equity loss, clipped to [0, 1]; [N] is one scenario.
        method: "classic" or "linear" (static).
        max_rounds: cap on propagation rounds (static). Classic needs at most N.
        tol: linear only: stop when no h rose by more than ``tol`` in the last round (floored
            at a few ulps of the working dtype).

    Returns:
        DebtRankResult with h [B, N], system [B], rounds [B], converged [B] (B = 1 for [N]).
    """
    _check_method(method)
    dtype = _float_dtype(exposures, equity, h0)
    exposures, equity, h0 = (jnp.asarray(x, dtype) for x in (exposures, equity, h0))
    n = equity.shape[0]
    if exposures.shape != (n, n):
        raise ValueError(f"exposures must be ({n}, {n}), got {exposures.shape}")
    if h0.ndim not in (1, 2) or h0.shape[-1] != n:
        raise ValueError(f"h0 must be ({n},) or (B, {n}), got {h0.shape}")
    h0 = jnp.atleast_2d(h0)
    tol = jnp.maximum(jnp.asarray(tol, dtype), _ULPS_FLOOR * jnp.finfo(dtype).eps)
    return _run(exposures, equity, h0, method, max_rounds, tol)


@functools.partial(jax.jit, static_argnames=("method", "max_rounds"))
def debtrank_by_entity(
    exposures: jax.Array,
    equity: jax.Array,
    *,
    method: str = "classic",
    max_rounds: int = 100,
    tol: float | jax.Array = 1e-12,
) -> EntityDebtRank:
    """DebtRank ``R_j`` of every entity: the system loss when j alone starts with ``h_j = 1``.

    Battiston et al. (2012, Sci. Rep. 2:541), the per-node DebtRank (``psi = 1``, ``S_f = {j}``);
    with ``method="linear"`` the same shock run through Bardoscia et al. (2015). ``R_j`` excludes
    j's own loss. An entity with ``equity <= 0`` is defaulted already and gets ``R_j = 0``.

    Args:
        exposures: [N, N] USD bn, as in :func:`debtrank`.
        equity: [N] USD bn.
        method, max_rounds, tol: as in :func:`debtrank`.

    Returns:
        EntityDebtRank with debtrank [N], rounds [N], converged [N].
    """
    n = jnp.shape(equity)[0]
    dtype = _float_dtype(exposures, equity)
    res = debtrank(exposures, equity, jnp.eye(n, dtype=dtype), method=method,
                   max_rounds=max_rounds, tol=tol)
    return EntityDebtRank(res.system, res.rounds, res.converged)

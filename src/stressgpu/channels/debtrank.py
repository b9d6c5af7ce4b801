"""DebtRank: distress spreading through relative equity losses (docs/model.md §5.5).

Entity ``i`` holds claims ``A[i, j]`` (USD bn) on entity ``j`` (loans to j, stakes in j) and has
equity ``E_i`` (USD bn). Its relative equity loss is ``h_i = (E_i(0) - E_i(t)) / E_i(0)`` in
``[0, 1]`` (``h_i = 1``: equity wiped out, default). Distress at ``j`` reaches ``i`` through the
impact matrix

    W[i, j] = min(1, A[i, j] / E_i)                     (Battiston et al. 2012)

so a full loss at ``j`` costs ``i`` at most all of its equity (classic), or through the
uncapped leverage matrix ``Λ[i, j] = A[i, j] / E_i`` (linear, Bardoscia et al. 2015). Two dynamics, chosen by ``method``:

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

      h_i(t+1) = min(1, h_i(t) + sum_j Λ[i, j] (h_j(t) - h_j(t-1))),    h(0) = 0, h(1) = h0,

  so losses keep going round cycles. Because increments are non-negative this equals
  ``h(t+1) = min(1, h0 + Λ h(t))``: a monotone iteration that converges to the least fixed
  point above ``h0`` -- geometrically when the spectral radius of Λ (on the unsaturated
  entities) is below 1, otherwise it amplifies until the entities on the cycle reach 1. The loop
  ends when ``max_i (h_i(t) - h_i(t-1)) <= tol``; its cap grows with N. As R's
  NetworkRiskMeasures computes it, the leverage matrix is not capped (a claim larger than the
  creditor's equity passes on more than one for one), only ``h`` is.

Entities with ``E_i <= 0`` are taken as defaulted before the shock (as in the IMT Lucca
implementation of Bardoscia et al.): ``h_i = 1`` throughout and, since the baseline equities of
their creditors already reflect that, they pass on nothing (classic: they start Inactive;
linear: their increment is zero). Their weight in ``v`` is zero.

System DebtRank (Battiston et al. 2012): with ``v_i = E_i / sum_k E_k`` (positive equities),
``R = sum_i v_i h_i(T) - sum_i v_i h_i(1)``, the loss caused beyond the initial shock.

Both run through the engine's driver (:mod:`stressgpu.solvers`) and report a status.
Derivatives: linear DebtRank is a fixed point and carries implicit derivatives; classic
DebtRank's final ``h`` is recomputed, after the loop, from the order in which entities became
distressed (a triangular linear system), so it too is differentiable in exposures, equity and
``h0`` (almost everywhere: the order itself is discrete).
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Status
from ..solvers import Solution, all_finite, float_arrays, implicit_fixed_point, iterate, worst

__all__ = ["METHODS", "DebtRankResult", "EntityDebtRank", "debtrank", "debtrank_by_entity",
           "debtrank_one", "impact_matrix", "leverage_matrix"]

METHODS = ("classic", "linear")


class DebtRankResult(NamedTuple):
    """Final state of the DebtRank dynamics (one scenario; a leading axis B when batched).

    Attributes:
        h: [N] final relative equity losses, in [0, 1] (1 = equity wiped out).
        system: [] system DebtRank ``sum_i v_i (h_i - h0_i)``, ``v_i = E_i / sum E``.
        rounds: [] int32, propagation rounds performed.
        converged: [] bool, ``status == OK``.
        status: [] int32 :class:`stressgpu.Status`.
    """

    h: jax.Array
    system: jax.Array
    rounds: jax.Array
    converged: jax.Array
    status: jax.Array


class EntityDebtRank(NamedTuple):
    """Per-entity DebtRank: entity ``j`` alone fully distressed at the start.

    Attributes:
        debtrank: [N] ``R_j``, the share of the network's equity that j's default destroys
            elsewhere (Battiston et al. 2012, Sci. Rep. 2:541, with ``psi = 1``).
        rounds: [N] int32; converged: [N] bool; status: [N] int32, for j's scenario.
    """

    debtrank: jax.Array
    rounds: jax.Array
    converged: jax.Array
    status: jax.Array


# --------------------------------------------------------------------------- network


def _no_diagonal(m: jax.Array) -> jax.Array:
    return m * (1.0 - jnp.eye(m.shape[0], dtype=m.dtype))


def leverage_matrix(exposures: jax.Array, equity: jax.Array) -> jax.Array:
    """``Λ[i, j] = exposures[i, j] / equity[i]``, [N, N], uncapped (Bardoscia et al. 2015).

    Rows of entities with ``equity <= 0`` are zero (already defaulted, they can lose nothing
    more) and so is the diagonal.
    """
    solvent = equity > 0
    lam = exposures / jnp.where(solvent, equity, 1.0)[:, None]
    return _no_diagonal(jnp.where(solvent[:, None], lam, 0.0))


def impact_matrix(exposures: jax.Array, equity: jax.Array) -> jax.Array:
    """``W[i, j] = min(1, exposures[i, j] / equity[i])``, [N, N] (Battiston et al. 2012; row i
    is the creditor). Zero rows where ``equity <= 0``, zero diagonal."""
    return jnp.minimum(1.0, leverage_matrix(exposures, equity))


def _economic_weights(equity: jax.Array) -> jax.Array:
    """``v_i = E_i / sum_k E_k`` over positive equities, [N] (Battiston et al. 2012)."""
    pos = jnp.maximum(equity, 0.0)
    total = jnp.sum(pos)
    return pos / jnp.where(total > 0, total, 1.0)


def _start(equity, h0):
    """Pre-shock defaulters (``equity <= 0``) sit at h = 1; others' h0 is clipped to [0, 1]."""
    defaulted = equity <= 0
    return defaulted, jnp.where(defaulted, 1.0, jnp.clip(h0, 0.0, 1.0))


# --------------------------------------------------------------------------- classic


class _Classic(NamedTuple):
    h: jax.Array           # [N] current losses
    distressed: jax.Array  # [N] bool, pass on their h in the next round
    inactive: jax.Array    # [N] bool
    passed: jax.Array      # [N] h_j at the end of the round j became distressed (0 if never)
    order: jax.Array       # [N] int32, that round (-1 never)
    k: jax.Array           # [] int32 rounds so far


def _classic_forward(theta, max_steps) -> Solution:
    exposures, equity, h0 = theta
    w = impact_matrix(exposures, equity)
    defaulted, h = _start(equity, h0)
    first = (h > 0) & ~defaulted

    def step(s: _Classic) -> _Classic:
        # Only entities Distressed in the previous round pass on their distress.
        h = jnp.minimum(1.0, s.h + w @ jnp.where(s.distressed, s.h, 0.0))
        inactive = s.inactive | s.distressed
        distressed = (h > 0) & ~inactive
        k = s.k + 1
        return _Classic(h, distressed, inactive, jnp.where(distressed, h, s.passed),
                        jnp.where(distressed, k, s.order), k)

    init = _Classic(h, first, defaulted, jnp.where(first, h, 0.0), jnp.where(first, 0, -1).astype(jnp.int32),
                    jnp.asarray(0, jnp.int32))
    sol = iterate(step, init, max_steps=max_steps, done=lambda old, new: ~jnp.any(new.distressed))
    s = sol.value
    return sol._replace(value=((s.passed, s.h), (s.order, s.passed >= 1.0, s.h >= 1.0)))


def _classic_map(x, theta, aux):
    """The classic outcome as a fixed point given the visiting order (for derivatives):
    ``g_j = min(1, h0_j + sum_{k before j} W_jk g_k)``, ``h = min(1, h0 + W g)``."""
    exposures, equity, h0 = theta
    g, _ = x
    order, g_clipped, h_clipped = aux
    w = impact_matrix(exposures, equity)
    _, h0 = _start(equity, h0)
    visited = order >= 0
    before = visited[None, :] & visited[:, None] & (order[None, :] < order[:, None])
    g_new = jnp.where(g_clipped, 1.0, jnp.where(visited, h0 + jnp.where(before, w, 0.0) @ g, 0.0))
    h_new = jnp.where(h_clipped, 1.0, h0 + w @ g)
    return g_new, h_new


# --------------------------------------------------------------------------- linear


def _linear_step(lam, h0, defaulted):
    def step(h):
        # A pre-shock defaulter's loss is already in its creditors' equity: it passes nothing on.
        return jnp.minimum(1.0, h0 + lam @ jnp.where(defaulted, 0.0, h))
    return step


def _linear_forward(theta, tol, max_steps) -> Solution:
    exposures, equity, h0 = theta
    defaulted, h0 = _start(equity, h0)
    # h(1) = h0; each round passes on the last increment, i.e. h <- min(1, h0 + Λ h) from h0
    # (pre-shock defaulters have Λ rows of zero and stay at 1).
    return iterate(_linear_step(leverage_matrix(exposures, equity), h0, defaulted), h0, max_steps=max_steps, tol=tol)


def _linear_map(h, theta):
    exposures, equity, h0 = theta
    defaulted, h0 = _start(equity, h0)
    raw = h0 + leverage_matrix(exposures, equity) @ jnp.where(defaulted, 0.0, h)
    return jnp.where(raw >= 1.0, 1.0, raw)


# --------------------------------------------------------------------------- kernel + API


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"method={method!r}: allowed values are {', '.join(METHODS)}")


def default_max_rounds(method: str, n: int) -> int:
    """Classic visits each entity once: N + 1 rounds always suffice. Linear converges
    geometrically at the spectral radius of Λ: the cap grows with N (near-critical cycles)."""
    return n + 1 if method == "classic" else 10_000 + 100 * n


def debtrank_one(exposures, equity, h0, *, method: str = "classic", max_rounds: int | None = None,
                 tol=None) -> DebtRankResult:
    """DebtRank of ONE scenario (``h0`` [N]); pure, works under jit, vmap, grad and jvp."""
    _check_method(method)
    n = equity.shape[0]
    max_rounds = default_max_rounds(method, n) if max_rounds is None else max_rounds
    theta = (exposures, equity, h0)
    if method == "classic":
        sol = implicit_fixed_point(lambda th: _classic_forward(th, max_rounds), _classic_map, has_aux=True)(theta)
        h = sol.value[0][1]
    else:
        sol = implicit_fixed_point(lambda th: _linear_forward(th, tol, max_rounds), _linear_map)(theta)
        h = sol.value
    _, h_start = _start(equity, h0)
    system = (h - h_start) @ _economic_weights(equity)
    nonfinite = jnp.where(all_finite(theta), Status.OK, Status.NONFINITE)
    loops = jnp.where(jnp.any(jnp.diagonal(exposures) != 0), Status.INVALID, Status.OK)
    status = worst(sol.status, nonfinite, loops)
    return DebtRankResult(h, system, sol.steps, status == Status.OK, status)


def _check_no_self_loops(exposures) -> None:
    if isinstance(exposures, jax.core.Tracer):
        return
    bad = [int(i) for i in jnp.flatnonzero(jnp.diagonal(exposures) != 0)]
    if bad:
        raise ValueError(f"self-loop: exposures[i, i] != 0 for entities {bad}; a claim on oneself is no exposure")


@functools.partial(jax.jit, static_argnames=("method", "max_rounds"))
def _debtrank_batched(exposures, equity, h0, method, max_rounds, tol):
    return jax.vmap(lambda x: debtrank_one(exposures, equity, x, method=method, max_rounds=max_rounds, tol=tol))(h0)


def debtrank(exposures, equity, h0, *, method: str = "classic", max_rounds: int | None = None,
             tol=None) -> DebtRankResult:
    """DebtRank propagation of initial relative equity losses.

    Classic: Battiston et al. (2012, Sci. Rep. 2:541); linear: Bardoscia et al. (2015, PLoS ONE
    10(6): e0130406). The update rules are in the module docstring.

    Args:
        exposures: [N, N] USD bn, ``exposures[i, j]`` = value of i's assets that are claims on j
            (loans to j, stakes in j), >= 0, zero diagonal; shared by all scenarios.
        equity: [N] USD bn; entities with ``equity <= 0`` are defaulted before the shock.
        h0: [N] (one scenario, unbatched results) or [B, N] (results with a leading B).
        method: "classic" or "linear".
        max_rounds: cap on rounds (default: N + 1 classic, grows with N for linear).
        tol: linear only: stop when no h moved by more than ``tol`` (default 1e-12 in float64,
            1e-6 in float32, floored at a few ulps).

    Returns:
        :class:`DebtRankResult`, with a status per scenario.
    """
    _check_method(method)
    exposures, equity, h0 = float_arrays(exposures, equity, h0)
    n = equity.shape[0]
    if exposures.shape != (n, n):
        raise ValueError(f"exposures must be ({n}, {n}), got {exposures.shape}")
    if h0.ndim not in (1, 2) or h0.shape[-1] != n:
        raise ValueError(f"h0 must be ({n},) or (B, {n}), got {h0.shape}")
    _check_no_self_loops(exposures)
    if h0.ndim == 1:
        return debtrank_one(exposures, equity, h0, method=method, max_rounds=max_rounds, tol=tol)
    return _debtrank_batched(exposures, equity, h0, method, max_rounds, tol)


def debtrank_by_entity(exposures, equity, *, method: str = "classic", max_rounds: int | None = None,
                       tol=None) -> EntityDebtRank:
    """DebtRank ``R_j`` of every entity: the system loss when j alone starts with ``h_j = 1``.

    Battiston et al. (2012, Sci. Rep. 2:541), the per-node DebtRank (``psi = 1``, ``S_f = {j}``);
    with ``method="linear"`` the same shock run through Bardoscia et al. (2015). ``R_j`` excludes
    j's own loss; an entity with ``equity <= 0`` gets ``R_j = 0``.

    Returns:
        :class:`EntityDebtRank` with debtrank, rounds, converged, status, each [N].
    """
    exposures, equity = float_arrays(exposures, equity)
    res = debtrank(exposures, equity, jnp.eye(equity.shape[0], dtype=equity.dtype), method=method, max_rounds=max_rounds, tol=tol)
    return EntityDebtRank(res.system, res.rounds, res.converged, res.status)

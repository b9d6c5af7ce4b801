"""Sequential default cascade with loss given default (docs/model.md §5.6).

Furfine (2003, "Interbank exposures: quantifying the risk of contagion", J. Money Credit Banking
35(1), 111-128), the simulated sequence of failures: a set of entities fails; every creditor
writes off ``lgd_j`` of its claims on each failed debtor ``j`` (Furfine's loss rate, one number
there, per debtor here); a creditor whose accumulated write-offs reach its capital fails in the
next round, and so on until a round brings no new failure. For N entities (USD bn):

* ``X[i, j]`` -- value of i's claims on j (loans to j, stakes in j);
* ``lgd_j`` -- loss given default of debtor j, the share of a claim on j that is lost;
* ``K_i`` -- capital of i, the loss it can absorb.

With ``D(r)`` the set of entities defaulted by round ``r`` (``D(0)`` = initial defaults),

    loss_i(r) = sum_{j in D(r-1)} lgd_j X[i, j],
    i in D(r) \\ D(r-1)  iff  i not in D(r-1), loss_i(r) >= K_i (rule "ge") or > K_i (rule
    "gt"), and loss_i(r) > 0.

Furfine's paper fails a bank whose losses *exceed* its capital (``"gt"``); much of the
literature and R's NetworkRiskMeasures also use ``>=`` (``"ge"``, the default here). Both are
offered.

The extra ``loss > 0`` only matters for ``K_i <= 0``: such an entity (negative book equity is
common among growth firms and is not a default) fails on its first loss, not spontaneously. For
``K_i > 0`` the rule is Furfine's. Losses only grow with ``D`` and each round adds at least one
default, so the cascade settles within N rounds; the cascade depth is the
number of rounds after round 0 that brought new defaults.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from .._types import Status
from ..solvers import all_finite, float_arrays, iterate, worst

__all__ = ["RULES", "CascadeResult", "cascade_one", "default_cascade", "loss_matrix"]

RULES = ("ge", "gt")


class CascadeResult(NamedTuple):
    """Outcome of the default cascade (one scenario; a leading axis B when batched).

    Attributes:
        defaulted: [N] bool, defaulted by the end (initial defaults included).
        default_round: [N] int32, round of default (0 = initial), -1 for never.
        losses: [N] USD bn, credit losses ``sum_j lgd_j X[i, j]`` on claims on defaulted j,
            for every creditor; ``0 <= losses_i <= sum_j X[i, j]``; differentiable in ``X``
            and ``lgd`` for the default set reached.
        depth: [] int32, rounds after round 0 with new defaults.
        converged: [] bool, ``status == OK``.
        status: [] int32 :class:`stressgpu.Status` (``MAX_STEPS``: the cascade would go on).
    """

    defaulted: jax.Array
    default_round: jax.Array
    losses: jax.Array
    depth: jax.Array
    converged: jax.Array
    status: jax.Array


def loss_matrix(exposures: jax.Array, lgd: jax.Array) -> jax.Array:
    """``M[i, j] = lgd_j X[i, j]``, [N, N] USD bn: what i loses if j defaults (Furfine 2003).
    The diagonal is zero: a claim on oneself is no exposure."""
    m = exposures * lgd[None, :]
    return m * (1.0 - jnp.eye(m.shape[0], dtype=m.dtype))


def _fails(loss, capital, rule: str):
    hit = loss >= capital if rule == "ge" else loss > capital
    return hit & (loss > 0)


class _Round(NamedTuple):
    defaulted: jax.Array
    default_round: jax.Array
    new: jax.Array
    rounds: jax.Array


def cascade_one(exposures, capital, initial, lgd, *, rule: str = "ge", max_rounds: int | None = None) -> CascadeResult:
    """Furfine rounds for ONE scenario (``initial`` [N] bool); jit/vmap/grad-safe."""
    if rule not in RULES:
        raise ValueError(f"rule={rule!r}: allowed values are {', '.join(RULES)}")
    n = capital.shape[0]
    max_rounds = n if max_rounds is None else max_rounds
    m = loss_matrix(exposures, lgd)
    m_set, cap = lax.stop_gradient(m), lax.stop_gradient(capital)  # the set is discrete

    def next_new(defaulted):
        return ~defaulted & _fails(m_set @ defaulted.astype(m.dtype), cap, rule)

    def step(s: _Round) -> _Round:
        rounds = s.rounds + 1
        defaulted = s.defaulted | s.new
        return _Round(defaulted, jnp.where(s.new, rounds, s.default_round), next_new(defaulted), rounds)

    init = _Round(initial, jnp.where(initial, 0, -1).astype(jnp.int32), next_new(initial), jnp.asarray(0, jnp.int32))
    # Each round adds a default, so N rounds always suffice; converged means the next round
    # would add nothing (exact, even when the cascade ended right at the cap).
    sol = iterate(step, init, max_steps=max_rounds, done=lambda old, new: ~jnp.any(new.new))
    s = sol.value
    status = sol.status if max_rounds > 0 else jnp.where(jnp.any(init.new), Status.MAX_STEPS, Status.OK)
    status = worst(status, jnp.where(all_finite((exposures, capital, lgd)), Status.OK, Status.NONFINITE),
                   jnp.where(jnp.any(jnp.diagonal(exposures) != 0), Status.INVALID, Status.OK))
    losses = m @ s.defaulted.astype(m.dtype)
    return CascadeResult(s.defaulted, s.default_round, losses, s.rounds, status == Status.OK, status)


@functools.partial(jax.jit, static_argnames=("rule", "max_rounds"))
def _cascade_batched(exposures, capital, initial, lgd, rule, max_rounds):
    return jax.vmap(lambda d0: cascade_one(exposures, capital, d0, lgd, rule=rule, max_rounds=max_rounds))(initial)


def default_cascade(exposures, capital, initially_defaulted, *, lgd=1.0, rule: str = "ge",
                    max_rounds: int | None = None) -> CascadeResult:
    """Furfine (2003) sequential default cascade.

    Args:
        exposures: [N, N] USD bn, ``exposures[i, j]`` = value of i's claims on j, >= 0, zero
            diagonal; shared.
        capital: [N] USD bn, loss each entity can absorb before it defaults.
        initially_defaulted: [N] bool (one scenario, unbatched results) or [B, N].
        lgd: scalar or [N], loss given default of each debtor j, in [0, 1].
        rule: ``"ge"`` (fail when losses reach capital) or ``"gt"`` (exceed it; Furfine).
        max_rounds: cap on rounds after round 0; default N, which no cascade exceeds.

    Returns:
        :class:`CascadeResult`.
    """
    if rule not in RULES:
        raise ValueError(f"rule={rule!r}: allowed values are {', '.join(RULES)}")
    exposures, capital, lgd = float_arrays(exposures, capital, lgd)
    initial = jnp.asarray(initially_defaulted).astype(bool)
    n = capital.shape[0]
    if exposures.shape != (n, n):
        raise ValueError(f"exposures must be ({n}, {n}), got {exposures.shape}")
    if initial.ndim not in (1, 2) or initial.shape[-1] != n:
        raise ValueError(f"initially_defaulted must be ({n},) or (B, {n}), got {initial.shape}")
    if not isinstance(exposures, jax.core.Tracer):
        bad = [int(i) for i in jnp.flatnonzero(jnp.diagonal(exposures) != 0)]
        if bad:
            raise ValueError(f"self-loop: exposures[i, i] != 0 for entities {bad}; a claim on oneself is no exposure")
    lgd = jnp.broadcast_to(lgd, (n,))
    if initial.ndim == 1:
        return cascade_one(exposures, capital, initial, lgd, rule=rule, max_rounds=max_rounds)
    return _cascade_batched(exposures, capital, initial, lgd, rule, max_rounds)

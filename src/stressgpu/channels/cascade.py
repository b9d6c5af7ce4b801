"""Sequential default cascade with loss given default (MODEL.md section 3.4).

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
    i in D(r) \\ D(r-1)  iff  i not in D(r-1), loss_i(r) >= K_i and loss_i(r) > 0.

The extra ``loss > 0`` only matters for ``K_i <= 0``: such an entity (negative book equity is
common among growth firms and is not a default) fails on its first loss, not spontaneously. For
``K_i > 0`` the rule is Furfine's. Losses only grow with ``D`` and each round adds at least one
default, so the cascade settles within N rounds; MODEL.md section 5's cascade depth is the
number of rounds after round 0 that brought new defaults.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

__all__ = ["CascadeResult", "default_cascade", "loss_matrix"]


class CascadeResult(NamedTuple):
    """Outcome of the default cascade, one row per scenario.

    Attributes:
        defaulted: [B, N] bool, defaulted by the end (initial defaults included).
        default_round: [B, N] int32, round of default (0 = initial), -1 for never.
        losses: [B, N] USD bn, credit losses ``sum_j lgd_j X[i, j]`` on claims on defaulted j,
            for every creditor (defaulted or not); ``0 <= losses_i <= sum_j X[i, j]``.
        depth: [B] int32, rounds after round 0 with new defaults (MODEL.md 5, cascade depth).
        converged: [B] bool, False where ``max_rounds`` stopped a cascade that would go on.
    """

    defaulted: jax.Array
    default_round: jax.Array
    losses: jax.Array
    depth: jax.Array
    converged: jax.Array


def loss_matrix(exposures: jax.Array, lgd: jax.Array) -> jax.Array:
    """``M[i, j] = lgd_j X[i, j]``, [N, N] USD bn: what i loses if j defaults (Furfine 2003).

    The diagonal is zero: a claim on oneself is no exposure.
    """
    m = exposures * lgd[None, :]
    return m * (1.0 - jnp.eye(m.shape[0], dtype=m.dtype))


def _new_defaults(m, capital, defaulted):
    """Entities that fail in the next round given the current default set, [N] bool."""
    loss = m @ defaulted.astype(m.dtype)
    return ~defaulted & (loss >= capital) & (loss > 0)


def _cascade_one(m, capital, initial, max_rounds) -> CascadeResult:
    """Furfine rounds for one scenario."""

    def cond(state):
        _, _, rounds, new = state
        return jnp.any(new) & (rounds < max_rounds)

    def body(state):
        defaulted, default_round, rounds, new = state
        rounds = rounds + 1
        default_round = jnp.where(new, rounds, default_round)
        defaulted = defaulted | new
        return defaulted, default_round, rounds, _new_defaults(m, capital, defaulted)

    default_round = jnp.where(initial, 0, -1).astype(jnp.int32)
    init = (initial, default_round, jnp.asarray(0, jnp.int32), _new_defaults(m, capital, initial))
    defaulted, default_round, rounds, new = lax.while_loop(cond, body, init)
    # Every round run added a default, so the rounds run are the depth. Converged means the
    # next round would add nothing: exact, even when the cascade ended right at max_rounds.
    losses = m @ defaulted.astype(m.dtype)
    return CascadeResult(defaulted, default_round, losses, rounds, ~jnp.any(new))


@functools.partial(jax.jit, static_argnames=("max_rounds",))
def default_cascade(
    exposures: jax.Array,
    capital: jax.Array,
    initially_defaulted: jax.Array,
    *,
    lgd: float | jax.Array = 1.0,
    max_rounds: int | None = None,
) -> CascadeResult:
    """Furfine (2003) sequential default cascade, batched over scenarios.

    Args:
        exposures: [N, N] USD bn, ``exposures[i, j]`` = value of i's claims on j, >= 0; shared.
        capital: [N] USD bn, loss each entity can absorb before it defaults.
        initially_defaulted: [B, N] or [N] bool, round-0 defaults; [N] is one scenario.
        lgd: scalar or [N], loss given default of each debtor j (applied to claims on j), in
            [0, 1].
        max_rounds: cap on rounds after round 0 (static); default N, which no cascade needs
            to exceed.

    Returns:
        CascadeResult with defaulted, default_round, losses [B, N] and depth, converged [B]
        (B = 1 for [N] input).
    """
    dtype = jnp.result_type(exposures, capital, lgd)
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = jnp.result_type(float)
    exposures, capital = jnp.asarray(exposures, dtype), jnp.asarray(capital, dtype)
    initial = jnp.asarray(initially_defaulted).astype(bool)
    n = capital.shape[0]
    if exposures.shape != (n, n):
        raise ValueError(f"exposures must be ({n}, {n}), got {exposures.shape}")
    if initial.ndim not in (1, 2) or initial.shape[-1] != n:
        raise ValueError(f"initially_defaulted must be ({n},) or (B, {n}), got {initial.shape}")
    lgd = jnp.broadcast_to(jnp.asarray(lgd, dtype), (n,))
    m = loss_matrix(exposures, lgd)
    max_rounds = n if max_rounds is None else max_rounds
    one = lambda d0: _cascade_one(m, capital, d0, max_rounds)  # noqa: E731
    return jax.vmap(one)(jnp.atleast_2d(initial))

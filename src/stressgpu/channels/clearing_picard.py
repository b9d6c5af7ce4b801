"""Picard iteration of the clearing map from the top (docs/model.md §5.2), and its stopping rule:
`ok` means every entity's payment is within the tolerance of the greatest fixed point relative to
its own obligations (certified from the last changes, or a fixed point of the map as computed).
The map itself and the types are in :mod:`.clearing`; the entry point :func:`.clearing.clear_one`."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from ..solvers import ULPS_FLOOR, Solution, effective_tol, iterate
from .clearing_map import clearing_map, equity_upper_bound, map_from_assets

Array = jax.Array


def _picard_steps(net, e, forced, params, z, k: int):
    """``k`` applications of the clearing map to ``z = (p, V)`` (a fixed count, the hybrid's warm
    start: not a fixed-point loop, so not through :func:`stressgpu.solvers.iterate`)."""
    def one(_, z):
        return clearing_map(net, e, z[0], z[1], forced, params)[:2]
    return lax.fori_loop(0, k, one, z)


def _top(net, e):
    """The starting point of every monotone solve: ``p = pbar`` and the equity upper bound."""
    return net.total_liabilities.astype(e.dtype), equity_upper_bound(net, e)


def _picard(net, e, forced, params, tol, max_steps) -> Solution:
    """Picard from the top. The answer is the last iterate ``z`` whose image ``Φ(z)`` was
    computed, so its residual ``|Φ(z) − z|`` is known and its assets (the solution's aux) give
    the check at the answer with no further product. It stops at the first iterate ``z_k``
    that is a fixed point of the map as computed (:func:`picard_quiet`) or, at an even ``k ≥
    2``, whose distance to the fixed point is certified within the tolerance for every entity
    (:func:`picard_certified`). ``steps`` counts applications of the map, at least one (the
    first one tests the top)."""
    tol_eff = effective_tol(tol, e.dtype)
    pbar = net.total_liabilities.astype(e.dtype)
    stakes = net.cross_holdings is not None

    def image(z):
        # The claims g = Πᵀp + C·V (the assets less e), then the map at the assets e + g; the
        # batched loop computes both the same way. Without stakes the equity does not feed
        # back: the iterate is the payments alone.
        g = net.inflows(z[0])
        if stakes:
            g = g + net.cross_holdings @ z[1]
        p, v, _ = map_from_assets(pbar, e, e + g, forced, params)
        return g, ((p, v) if stakes else (p,))

    certify = picard_certifies(tol_eff)

    def settled(_, w):
        # every iterate is tested for a fixed point of the map as computed, an even one past
        # the top also for the certificate (when the tolerance is above the round-off floor)
        k, back, d_back, z, g, z_next = w
        return picard_quiet(z, z_next, pbar, e, g) | lax.cond(
            certify, lambda: (k % 2 == 0) & (k > 0) & picard_certified(z, back, d_back, pbar, e, g, tol_eff),
            lambda: jnp.zeros((), bool))

    def step(w):
        # z_k -> z_{k+1}; at an even k, the iterate and the two-step change are kept
        k, back, d_back, z, _, z_next = w

        def keep():
            even = k % 2 == 0
            return tuple(tuple(jnp.where(even, x, y) for x, y in zip(new, old))
                         for new, old in ((z, back), (changes(back, z), d_back)))

        back, d_back = lax.cond(certify, keep, lambda: (back, d_back))
        return (k + 1, back, d_back, z_next, *image(z_next))

    z0 = _top(net, e) if stakes else (pbar,)
    g0, z1 = image(z0)
    none = tuple(jnp.zeros_like(x) for x in z0)
    # state (k, z_{k−2} at even k, its two-step change, z_k, Φ's claims at z_k, z_{k+1})
    sol = iterate(step, (jnp.asarray(0, jnp.int32), z0, none, z0, g0, z1),
                  max_steps=jnp.maximum(max_steps - 1, 0), done=settled)
    z, g = sol.value[3], sol.value[4]
    a = e + g
    v = z[1] if stakes else map_from_assets(pbar, e, a, forced, params)[1]
    return sol._replace(value=((z[0], v), a), steps=sol.steps + 1)


def changes(z, z_next) -> tuple:
    """``|z_next − z|`` per component of the Picard state (payments, and equity with stakes)."""
    return tuple(jnp.abs(n - o) for o, n in zip(z, z_next))


def _noise(pbar: Array, e: Array, g: Array, stakes: bool) -> tuple:
    """The round-off floor of a change, per component of the Picard state: ``ULPS_FLOOR`` ulps
    of the entity's obligations for its payment (a defaulter's payment, assets and claims are
    all below them, floors apart), of its gross assets ``|e| + |g|`` for its equity (``g =
    Πᵀp + C·V`` its claims)."""
    ulps = ULPS_FLOOR * jnp.finfo(pbar.dtype).eps
    return (ulps * pbar,) + ((ulps * (jnp.abs(e) + jnp.abs(g)),) if stakes else ())


def picard_certifies(tol_eff) -> Array:
    """Whether Picard tries its certificate (:func:`picard_certified`): when the tolerance is
    above the round-off floor of ``ULPS_FLOOR`` ulps (the float64 default, 1e-12, is some 4,500
    ulps). At the floor (the float32 default: 1e-6 is floored to 16 ulps), the bound would have
    to fit within the round-off of the changes it is read from; the rule is then a fixed point
    of the map as computed (:func:`picard_quiet`: every change within 16 ulps), which on the
    networks of tests/test_clearing_accuracy.py stopped every scenario at the same step as
    with the certificate, and the certificate (a pass over two more arrays every other step)
    is skipped."""
    tol_eff = jnp.asarray(tol_eff)
    return tol_eff > ULPS_FLOOR * jnp.finfo(tol_eff.dtype).eps


def picard_quiet(z: tuple, z_next: tuple, pbar: Array, e: Array, g: Array) -> Array:
    """True where no entry of the Picard state moves by more than the round-off floor from
    ``z`` to its image (:func:`_noise`): ``z`` is a fixed point of the map as computed.
    Entities lie along axis 0 (``[N]``: a scalar; ``[N, B]``: ``[B]``); NaN compares false,
    so a non-finite scenario counts as quiet (the caller reports it)."""
    moved = None
    for x, y, n in zip(z, z_next, _noise(pbar, e, g, len(z) > 1)):
        m = jnp.any(jnp.abs(y - x) > n, axis=0)
        moved = m if moved is None else moved | m
    return ~moved


def picard_certified(z: tuple, back: tuple, d_back: tuple, pbar: Array, e: Array, g: Array, tol_eff) -> Array:
    """Picard's stopping rule at an even iterate ``z = z_k`` (``k ≥ 2``), per entity: True where
    every entry of ``z`` is provably within its allowance of the fixed point, as long as the
    regimes (who defaults; who pays a linear recovery or a clip bound) are those of the last
    four iterates.

    ``back`` is ``z_{k−2}`` and ``d_back`` the two-step change before it,
    ``|z_{k−4} − z_{k−2}|`` (zeros where there was none); ``e`` and ``g`` the external assets
    and the claims at ``z`` (read with cross-holdings only). Entities lie along axis 0
    (``[N]``: a scalar; ``[N, B]``: ``[B]``).

    Iterates from the top decrease to the greatest fixed point ``z*``. With the regimes fixed,
    the map is affine, ``Φ(x) − Φ(y) = M (x − y)`` with ``M ≥ 0``, so the two-step changes obey
    ``D = z_{k−2} − z_k = M² d_back`` and ``z − z* = Σ_{m≥1} M^{2m} D``. With
    ``t = max_i D_i / d_back_i`` (Collatz–Wielandt: ``M² d_back ≤ t d_back`` entrywise, hence
    ``M^{2m} D ≤ t^m D``), for ``t < 1``, entity by entity::

        0 ≤ z_i − z*_i ≤ t / (1 − t) · D_i

    and ``z`` is certified when that is within each entry's allowance: ``tol_eff · pbar_i``
    for a payment, ``tol_eff · max(pbar_i, gross_i)`` for an equity value (``gross_i =
    |e_i| + |g_i|``, the entity's gross assets at ``z``). Two steps, not one: a pair of
    defaulters that owe each other makes the one-step changes alternate between entities,
    so that one-step ratios never settle below 1, while ``M²`` has no such cycle.
    Round-off: a change within the floor of :func:`_noise` counts in no ratio (all of them
    there: ``t = 0``, ``z`` is a fixed point of the map as computed), and the allowances are
    at least that floor. NaN compares false.
    """
    stakes = len(z) > 1
    noise = _noise(pbar, e, g, stakes)
    tiny = jnp.finfo(pbar.dtype).tiny    # (keeps an entity that owes and holds nothing from 0 / 0)
    allow = (jnp.maximum(tol_eff * pbar, tiny),)
    if stakes:
        allow += (jnp.maximum(tol_eff * jnp.maximum(pbar, jnp.abs(e) + jnp.abs(g)), tiny),)
    # The bound holds for entry i iff t ≤ w_i / (D_i + w_i): the rule is max_i ratio_i ≤
    # min_i of that, two reductions side by side.
    t = lo = None
    for x, xb, db, w, n in zip(z, back, d_back, allow, noise):
        dd = jnp.abs(xb - x)
        ti = jnp.max(jnp.where(dd > n, dd / db, 0.0), axis=0)
        li = jnp.min(w / (dd + w), axis=0)
        t = ti if t is None else jnp.maximum(t, ti)
        lo = li if lo is None else jnp.minimum(lo, li)
    return (t < 1) & (t <= lo)

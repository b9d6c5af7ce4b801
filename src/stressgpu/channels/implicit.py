"""Gradients through the clearing fixed point by implicit differentiation (MODEL.md §5).

The clearing of :mod:`stressgpu.channels.clearing` finds ``z* = (p*, V*)`` with ``z* = Φ(z*, θ)``,
``θ = (L, external_liabilities, C, e, α, β)``. Differentiating ``z = Φ(z, θ)`` at the fixed point
gives ``(I − ∂Φ/∂z) dz = ∂Φ/∂θ dθ``, so for a cotangent ``ḡ`` on ``z*``

    (I − ∂Φ/∂z)ᵀ λ = ḡ,        θ̄ = λᵀ ∂Φ/∂θ

(the fixed-point ``custom_vjp`` of jax's "Custom derivative rules"; optimistix's
``ImplicitAdjoint``). The forward pass is the Picard solver, a ``lax.while_loop`` that is never
unrolled; the backward pass builds the dense ``2N × 2N`` Jacobian ``∂Φ/∂z`` with ``jax.jacrev``
(N is at most a few hundred), solves the adjoint system once with a dense LU solve
(:func:`stressgpu.channels.linalg.lu_solve`) and pulls ``λ`` back through ``∂Φ/∂θ`` with ``jax.vjp``. Its cost does
not depend on how many Picard steps the forward pass took. Everything is traced jax: ``jit``,
``vmap`` (over ``e``, over ``L``, over anything), ``grad`` and ``jacrev`` compose with it.
Reverse mode only (``custom_vjp``): ``jax.jvp`` / ``jacfwd`` through the solve are refused.

Kinks (the convention). Φ is piecewise affine: each entity is on the solvent branch
(``p_i = pbar_i``, ``V_i = a_i − pbar_i``) or the default branch (``p_i`` = Rogers–Veraart
recovery clipped to ``[0, pbar_i]``, ``V_i = 0``), with assets ``a = e + Πᵀp + C·V``. Away from
``a_i = pbar_i`` the clearing vector is differentiable and the gradient is exact. An entity
*exactly* at its threshold (``a_i == pbar_i``, up to the solver's relative ``tol``) has two
one-sided derivatives; the gradient returned is that of the branch the solver selected, i.e.
**solvent when ``a_i >= pbar_i``** (the solver's ``defaulted`` flag, ``a < pbar·(1 − tol)`` or
forced). That is the one-sided derivative along any direction that keeps the entity solvent: the
*right* derivative with respect to an increase of ``e_i`` (or of any asset of ``i``), the *left*
derivative with respect to an increase of ``pbar_i`` (``external_liabilities_i``). With default
costs (``α, β < 1``) the clearing vector jumps at the threshold, and only that solvent-side
derivative exists. Likewise a defaulted entity whose recovery sits exactly on a clip bound gets
the derivative of the side reached by raising its assets (unclipped at ``0``, clipped at ``pbar``).

Conditions: the adjoint system is regular when the fixed point is locally unique, which holds
under the usual Eisenberg–Noe regularity (every closed group of defaulters owes something
outside it, or ``β < 1``); on a singular system the gradient is ``inf``/``nan``, not a silent
wrong number. Gradients with respect to ``forced`` (bool) are not defined and are zero.
"""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp

from .clearing import ClearingNetwork, ClearingParams, ClearingResult, picard_clearing
from .linalg import lu_solve

Array = jax.Array

__all__ = [
    "clear_differentiable",
    "clear_differentiable_result",
    "clearing_assets",
    "smooth_default_probability",
    "system_loss",
]


# --------------------------------------------------------------------------- the branch map


def _branch_map(theta, z: Array, defaulted: Array) -> Array:
    """Φ on the branch fixed by ``defaulted`` (the solver's default set), as one ``[2N]`` vector.

    The same map as :func:`~stressgpu.channels.clearing.clearing_map`, except that the default
    set is given instead of recomputed from ``a < pbar``: that pins the kink convention (solvent
    at ``a == pbar``) and keeps the derivative from depending on round-off at the threshold.
    """
    L, ext, C, e, alpha, beta = theta
    n = e.shape[-1]
    p, v = z[:n], z[n:]
    net = ClearingNetwork(L, ext, C)
    pbar = net.total_liabilities
    claims = net.inflows(p) + C @ v                       # a − e
    recovery = alpha * e + beta * claims                  # Rogers–Veraart (2013), eq. (3)
    # Clip to [0, pbar]; at a bound take the side reached by raising assets.
    paid = jnp.where(recovery >= pbar, pbar, jnp.where(recovery < 0, 0.0, recovery))
    p_new = jnp.where(defaulted, paid, pbar)
    v_new = jnp.where(defaulted, 0.0, e + claims - pbar)
    return jnp.concatenate([p_new, v_new])


# --------------------------------------------------------------------------- custom_vjp core


@partial(jax.custom_vjp, nondiff_argnums=(7, 8))
def _clear(L, ext, C, e, alpha, beta, forced, tol, max_iter) -> ClearingResult:
    return picard_clearing(ClearingNetwork(L, ext, C), e, forced, ClearingParams(alpha, beta), tol, max_iter)


def _clear_fwd(L, ext, C, e, alpha, beta, forced, tol, max_iter):
    res = picard_clearing(ClearingNetwork(L, ext, C), e, forced, ClearingParams(alpha, beta), tol, max_iter)
    return res, ((L, ext, C, e, alpha, beta), res.payments, res.equity, res.defaulted)


def _clear_bwd(tol, max_iter, residuals, g: ClearingResult):
    del tol, max_iter
    theta, p, v, defaulted = residuals
    z = jnp.concatenate([p, v])
    gz = jnp.concatenate([g.payments, g.equity]).astype(z.dtype)
    jac = jax.jacrev(lambda zz: _branch_map(theta, zz, defaulted))(z)     # [2N, 2N], ∂Φ/∂z
    lam = lu_solve((jnp.eye(z.shape[0], dtype=z.dtype) - jac).T, gz)
    _, pull = jax.vjp(lambda th: _branch_map(th, z, defaulted), theta)
    (theta_bar,) = pull(lam)
    return (*theta_bar, None)                                              # None: forced (bool)


_clear.defvjp(_clear_fwd, _clear_bwd)
# Compiled once per shape, so that eager calls (and eager gradients: the backward pass of a jitted
# call is compiled too) do not dispatch the Picard loop and the adjoint op by op.
_clear_jit = jax.jit(_clear, static_argnums=(7, 8))


# --------------------------------------------------------------------------- public API


def _prepare(L, ext, C, e, alpha, beta, forced, tol):
    dtype = jnp.result_type(L, ext, C, e)
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = jnp.result_type(float)
    cast = lambda x: jnp.asarray(x).astype(dtype)  # noqa: E731
    L, ext, C, e, alpha, beta = map(cast, (L, ext, C, e, alpha, beta))
    forced = jnp.zeros(e.shape, bool) if forced is None else jnp.broadcast_to(jnp.asarray(forced, bool), e.shape)
    if tol is None:
        tol = 1e-12 if dtype == jnp.float64 else 1e-6
    return L, ext, C, e, alpha, beta, forced, float(tol)


def clear_differentiable_result(L: Array, ext: Array, C: Array, e: Array, alpha=1.0, beta=1.0,
                                forced: Array | None = None, *, tol: float | None = None,
                                max_iter: int = 10_000) -> ClearingResult:
    """:func:`clear_differentiable` returning the whole :class:`ClearingResult` of the solve.

    ``payments`` and ``equity`` carry implicit gradients; ``defaulted``, ``iterations``,
    ``converged`` and ``residual`` are the solver's status (no gradient flows through them).
    """
    L, ext, C, e, alpha, beta, forced, tol = _prepare(L, ext, C, e, alpha, beta, forced, tol)
    return _clear_jit(L, ext, C, e, alpha, beta, forced, tol, int(max_iter))


def clear_differentiable(L: Array, ext: Array, C: Array, e: Array, alpha=1.0, beta=1.0,
                         forced: Array | None = None, *, tol: float | None = None,
                         max_iter: int = 10_000) -> tuple[Array, Array]:
    """Greatest clearing vector and equity of ONE scenario, differentiable in reverse mode.

    Args:
      L: ``[N, N]`` USD bn, ``L[i, j]`` = nominal i owes j.
      ext: ``[N]`` external liabilities (USD bn).
      C: ``[N, N]`` cross-holdings, ``C[i, j]`` = fraction of j's equity held by i.
      e: ``[N]`` external assets after the shock (USD bn).
      alpha, beta: Rogers–Veraart default costs (scalars; 1, 1 = Eisenberg–Noe).
      forced: optional bool ``[N]``, entities in default whatever their assets.
      tol, max_iter: Picard stopping rule (``tol`` default 1e-12 in float64, 1e-6 in float32).

    Returns:
      ``(p, V)``, each ``[N]``, as :func:`~stressgpu.channels.clearing.picard_clearing` finds
      them. Reverse-mode gradients with respect to ``L, ext, C, e, alpha, beta`` come from the
      implicit function theorem at the fixed point (module docstring), with the kink
      convention *solvent when a_i >= pbar_i*: the right derivative in ``e_i``. Works under
      ``jit`` and ``vmap`` (batch ``e``, ``L`` or any other argument with ``jax.vmap``).

    Caveat (jaxlib 0.10, CPU): vmapping over ``C`` batches the LAPACK solve inside
    :func:`~stressgpu.channels.clearing.equity_upper_bound`, and several batched LAPACK calls
    running at once can deadlock XLA's CPU thread pool (see :func:`_dense_solve`); batching
    ``e``, ``L``, ``ext``, ``alpha`` or ``beta`` with ``C`` shared does not.
    """
    res = clear_differentiable_result(L, ext, C, e, alpha, beta, forced, tol=tol, max_iter=max_iter)
    return res.payments, res.equity


def clearing_assets(L: Array, ext: Array, C: Array, e: Array, p: Array, v: Array) -> tuple[Array, Array]:
    """``(a, pbar)``: assets ``a = e + Πᵀp + C·V`` and liabilities ``pbar`` of one scenario, ``[N]``
    each (differentiable; feed them to :func:`smooth_default_probability`)."""
    net = ClearingNetwork(L, ext, C)
    return e + net.inflows(p) + C @ v, net.total_liabilities


def smooth_default_probability(a: Array, pbar: Array, temperature: float | Array) -> Array:
    """Smoothed default indicator ``sigmoid((pbar − a) / temperature)`` (MODEL.md §5).

    Tends to the indicator ``a < pbar`` as ``temperature → 0`` (1/2 exactly at the threshold);
    unlike the indicator it has a useful gradient: decreasing in ``a``, increasing in ``pbar``.
    ``temperature`` is in USD bn (the width of the transition).
    """
    return jax.nn.sigmoid((pbar - a) / temperature)


def system_loss(L: Array, ext: Array, C: Array, e: Array, e_baseline: Array, alpha=1.0, beta=1.0,
                forced: Array | None = None, *, tol: float | None = None, max_iter: int = 10_000) -> Array:
    """Scalar system loss of one scenario against its baseline, USD bn (MODEL.md §5).

    ``Σ_i (pbar_i − p_i)`` (creditor shortfall, outside creditors included) plus
    ``Σ_i (V_i(e_baseline) − V_i(e))`` (equity lost against the baseline clearing of the same
    network with external assets ``e_baseline``, no forced defaults). Both clearings are
    differentiated, so the gradient with respect to the network arrays includes their effect on
    the baseline. This is the loss the sensitivity mode ranks by gradient.
    """
    p, v = clear_differentiable(L, ext, C, e, alpha, beta, forced, tol=tol, max_iter=max_iter)
    _, v0 = clear_differentiable(L, ext, C, e_baseline, alpha, beta, None, tol=tol, max_iter=max_iter)
    pbar = jnp.sum(jnp.asarray(L), axis=-1) + jnp.asarray(ext)
    return jnp.sum(pbar - p) + jnp.sum(v0 - v)

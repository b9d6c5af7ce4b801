"""Differentiable clearing in plain-array form, and the losses built on it (docs/model.md §9).

The derivatives themselves come from the engine's driver: :func:`stressgpu.channels.clearing.clear_one`
wraps every clearing solve in :func:`stressgpu.solvers.implicit_fixed_point`, so payments and
equity carry implicit derivatives (the implicit function theorem at the fixed point, never an
unrolled loop) in forward and reverse mode. This module only offers the array signature
``(L, ext, C, e, α, β)`` that sensitivity analyses differentiate with respect to.

Kinks (the convention). The clearing map is piecewise affine; an entity *exactly* at its
threshold (``a_i == pbar_i`` up to round-off) has two one-sided derivatives, and the one
returned is the **solvent** side's: the right derivative with respect to an increase of its
assets, the left derivative with respect to an increase of ``pbar_i``. A defaulted entity whose
recovery sits on a clip bound gets the side reached by raising its assets. On a singular
adjoint system (a closed group of defaulters with ``β = 1`` that owes nothing outside) the
derivative is ``inf``/``nan``, never a silent wrong number.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .clearing import ClearingNetwork, ClearingParams, ClearingResult, clear_one

Array = jax.Array

__all__ = ["clear_differentiable", "clear_differentiable_result", "clearing_assets",
           "smooth_default_probability", "system_loss"]


def _prepare(L, ext, C, e, alpha, beta, forced):
    dtype = jnp.result_type(L, ext, C, e)
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = jnp.result_type(float)
    L, ext, C, e = (jnp.asarray(x).astype(dtype) for x in (L, ext, C, e))
    forced = jnp.zeros(e.shape, bool) if forced is None else jnp.broadcast_to(jnp.asarray(forced, bool), e.shape)
    return ClearingNetwork(L, ext, C), e, forced, ClearingParams(alpha, beta)


def clear_differentiable_result(L: Array, ext: Array, C: Array, e: Array, alpha=1.0, beta=1.0,
                                forced: Array | None = None, *, tol: float | None = None,
                                max_iter: int = 10_000, method: str = "picard") -> ClearingResult:
    """:func:`clear_differentiable` returning the whole :class:`ClearingResult` (with status)."""
    net, e, forced, params = _prepare(L, ext, C, e, alpha, beta, forced)
    return clear_one(net, e, forced, params, method=method, tol=tol, max_steps=max_iter)


def clear_differentiable(L: Array, ext: Array, C: Array, e: Array, alpha=1.0, beta=1.0,
                         forced: Array | None = None, *, tol: float | None = None,
                         max_iter: int = 10_000, method: str = "picard") -> tuple[Array, Array]:
    """Greatest clearing vector and equity ``(p, V)`` of ONE scenario, each ``[N]`` USD bn.

    ``L`` ``[N, N]`` (i owes j), ``ext`` ``[N]``, ``C`` ``[N, N]`` cross-holdings, ``e`` ``[N]``
    external assets, ``alpha``/``beta`` Rogers–Veraart default costs, ``forced`` optional bool
    ``[N]``. Derivatives with respect to every float argument are implicit (module docstring).
    """
    res = clear_differentiable_result(L, ext, C, e, alpha, beta, forced, tol=tol, max_iter=max_iter, method=method)
    return res.payments, res.equity


def clearing_assets(L: Array, ext: Array, C: Array, e: Array, p: Array, v: Array) -> tuple[Array, Array]:
    """``(a, pbar)``: assets ``a = e + Πᵀp + C·V`` and liabilities ``pbar`` of one scenario."""
    net = ClearingNetwork(L, ext, C)
    return e + net.inflows(p) + C @ v, net.total_liabilities


def smooth_default_probability(a: Array, pbar: Array, temperature: float | Array) -> Array:
    """Smoothed default indicator ``sigmoid((pbar − a) / temperature)`` (``temperature`` in USD bn);
    tends to the indicator ``a < pbar`` as the temperature goes to 0."""
    return jax.nn.sigmoid((pbar - a) / temperature)


def system_loss(L: Array, ext: Array, C: Array, e: Array, e_baseline: Array, alpha=1.0, beta=1.0,
                forced: Array | None = None, *, tol: float | None = None, max_iter: int = 10_000) -> Array:
    """Scalar system loss of one scenario against its baseline, USD bn.

    ``Σ_i (pbar_i − p_i)`` (creditor shortfall, outside creditors included) plus
    ``Σ_i (V_i(e_baseline) − V_i(e))`` (equity lost against the baseline clearing of the same
    network, no forced defaults). Both clearings are differentiated.
    """
    p, v = clear_differentiable(L, ext, C, e, alpha, beta, forced, tol=tol, max_iter=max_iter)
    _, v0 = clear_differentiable(L, ext, C, e_baseline, alpha, beta, None, tol=tol, max_iter=max_iter)
    pbar = jnp.sum(jnp.asarray(L), axis=-1) + jnp.asarray(ext)
    return jnp.sum(pbar - p) + jnp.sum(v0 - v)

"""Fire sales on common asset classes (docs/model.md §5.3).

Holders (banks, private-credit funds, hyperscalers, neoclouds, ...) own quantities
``q[i, a]`` of marketable asset classes ``a`` (AI hardware, data-centre real estate, ...)
valued at prices ``p[a]``. Prices are 1 at baseline, so a quantity is its baseline value in
USD bn. Besides those classes a holder has other assets ``c[i]`` and liabilities ``d[i]``
(USD bn), so its equity marked to market is

    E_i(p) = c_i + sum_a p_a q[i, a] - d_i.

Capital constraint and sales, Cifuentes, Ferrucci & Shin (2005, JEEA 3(2-3), 556-566), the
bank's minimum capital ratio ``r*`` (their illiquid asset is the only risky one): a holder
whose capital ratio ``E_i / V_i`` (``V_i = sum_a p_a q[i, a]``) is below its minimum ``r_i``
sells just enough to restore it. Selling at the market price turns an asset into cash at the
same value, so the sale leaves ``E_i`` unchanged and only shrinks ``V_i``; the sale solves
``E_i / (p (q_i - s_i)) = r_i``, i.e. ``s_i = q_i - E_i / (r_i p)``, clipped to ``[0, q_i]``.
With several classes the holder sells the same fraction of every class (pro rata in value,
as in the deleveraging rule of Greenwood, Landier & Thesmar 2015, JFE 115, 471-485):

    f_i(p) = clip(1 - E_i(p) / (r_i V_i(p)), 0, 1),    s[i, a] = f_i(p) q[i, a],

which is the single-asset CFS formula when ``A = 1``; a holder with ``E_i <= 0`` sells
everything (``f_i = 1``, the limit of the formula as ``E_i -> 0+``).

Price impact of the total quantity sold ``S_a = sum_i s[i, a]``, market depth ``depth_a``
(USD bn at baseline prices):

* ``"exponential"``, CFS's inverse demand ``p = exp(-alpha s)`` with ``alpha = 1/depth`` and
  scaled by the pre-sale price: ``p_a = p0_a exp(-S_a / depth_a)``;
* ``"linear"``, GLT's linear price pressure (return = -L x dollar sales, ``L = 1/depth``):
  ``p_a = p0_a max(floor, 1 - S_a / depth_a)``.

Equilibrium (CFS): a price vector with ``p = Phi(p) = impact(S(p))``. Sales are
non-increasing in every price (for ``0 < r_i <= 1`` and ``q >= 0``) and the impact is
decreasing in sales, so ``Phi`` is monotone increasing and ``Phi(p0) <= p0``; iterating
``p <- Phi(p)`` from ``p0`` gives a decreasing sequence that converges to the greatest
fixed point (Tarski / Kleene), the one CFS select. The loop runs through the engine's driver
(:mod:`stressgpu.solvers`): capped at ``max_iter``, with a status per scenario, and with
implicit derivatives of the equilibrium prices (so ``jax.grad`` works through it).
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
from .._types import Status
from ..solvers import all_finite, implicit_fixed_point, iterate, worst

__all__ = ["FireSaleResult", "IMPACTS", "fire_sale", "fire_sale_one", "price_impact", "value_at"]

IMPACTS = ("exponential", "linear")


class FireSaleResult(NamedTuple):
    """Equilibrium of the fire-sale channel, one row per scenario.

    Attributes:
        prices: [B, A] equilibrium prices (baseline 1), in ``(0, p0]`` for exponential impact
            and ``[floor * p0, p0]`` for linear impact.
        sold: [B, N, A] quantities sold by each holder of each class at the equilibrium
            (baseline USD bn), ``0 <= sold <= quantities``.
        mark_to_market_loss: [B, N] USD bn, ``sum_a (p0_a - p_a) q[i, a]``: the loss from the
            fire-sale price fall on the pre-sale holdings (sold units go at ``p``, kept ones
            are marked to ``p``); the shock's own fall from baseline to ``p0`` is not in it.
        converged: [B] bool, ``status == OK``.
        iterations: [B] int32, price updates performed.
        status: [B] int32 :class:`stressgpu.Status`.

    Without a leading axis on any argument the result has no B axis.
    """

    prices: jax.Array
    sold: jax.Array
    mark_to_market_loss: jax.Array
    converged: jax.Array
    iterations: jax.Array
    status: jax.Array


def value_at(quantities: jax.Array, prices: jax.Array) -> jax.Array:
    """``[N]`` value ``Σ_a q[i, a] p[a]`` of holdings ``q`` ``[N, A]`` at prices ``p`` ``[A]``
    (USD bn), summed class by class: there are a handful of classes, and XLA:CPU lowers the
    batched ``[N, A] × [A]`` product (a reduction over a short axis) to a library call that
    cost more than the rest of a quarter's fire sale; spelled out, it fuses with its neighbours."""
    terms = [quantities[..., a] * prices[..., a] for a in range(quantities.shape[-1])]
    return sum(terms[1:], terms[0]) if terms else jnp.zeros(quantities.shape[:-1], quantities.dtype)


def _check_impact(impact: str) -> None:
    if impact not in IMPACTS:
        raise ValueError(f"impact must be one of {IMPACTS}, got {impact!r}")


@functools.partial(jax.jit, static_argnames=("impact",))
def price_impact(
    sold_total: jax.Array,
    prices0: jax.Array,
    depth: jax.Array,
    impact: str = "exponential",
    price_floor: float | jax.Array = 0.0,
) -> jax.Array:
    """Prices after selling ``sold_total`` into markets of depth ``depth``.

    ``"exponential"`` (Cifuentes, Ferrucci & Shin 2005, inverse demand ``p = exp(-alpha s)``):
    ``p_a = p0_a exp(-S_a / depth_a)``. ``"linear"`` (Greenwood, Landier & Thesmar 2015,
    price pressure linear in dollar sales): ``p_a = p0_a max(floor, 1 - S_a / depth_a)``.

    Args:
        sold_total: [..., A] total quantity sold per class (baseline USD bn), >= 0.
        prices0: [..., A] pre-sale (shocked) prices, broadcast against ``sold_total``.
        depth: [A] market depth per class (USD bn); ``inf`` means no impact.
        impact: "exponential" or "linear" (static).
        price_floor: scalar in [0, 1], the linear impact's floor as a fraction of ``p0``
            (ignored by the exponential impact, which never reaches 0).

    Returns:
        [..., A] prices.
    """
    _check_impact(impact)
    # S / inf = 0, so an infinitely deep market leaves prices exactly at p0.
    pressure = sold_total / depth
    if impact == "exponential":
        return prices0 * jnp.exp(-pressure)
    return prices0 * jnp.maximum(price_floor, 1.0 - pressure)


def _sale_fraction(
    quantities: jax.Array,
    other_assets: jax.Array,
    liabilities: jax.Array,
    prices: jax.Array,
    min_capital_ratio: jax.Array,
) -> jax.Array:
    """[N] fraction of every class each holder sells at ``prices`` (CFS sale rule, pro rata).

    ``f_i = clip(1 - E_i / (r_i V_i), 0, 1)``, 1 when ``E_i <= 0``, 0 when ``V_i = 0``.
    """
    holdings_value = value_at(quantities, prices)  # [N] V_i, USD bn
    equity = other_assets + holdings_value - liabilities  # [N] E_i, USD bn
    can_sell = (holdings_value > 0) & (min_capital_ratio > 0)
    # Safe denominator so that holders with nothing to sell (or no requirement) produce no
    # inf/nan, which would otherwise leak into gradients through jnp.where.
    denom = jnp.where(can_sell, min_capital_ratio * holdings_value, 1.0)
    restore = jnp.clip(1.0 - equity / denom, 0.0, 1.0)
    solvent_fraction = jnp.where(can_sell, restore, 0.0)
    return jnp.where(equity <= 0, 1.0, solvent_fraction)


def fire_sale_one(
    quantities: jax.Array,
    other_assets: jax.Array,
    liabilities: jax.Array,
    prices0: jax.Array,
    min_capital_ratio: jax.Array,
    depth: jax.Array,
    *,
    impact: str = "exponential",
    price_floor=0.0,
    tol=None,
    max_iter: int = 500,
) -> FireSaleResult:
    """Fire-sale equilibrium of ONE scenario: q [N, A], c [N], d [N], p0 [A], r [N] or scalar,
    depth [A]; see :func:`fire_sale`. Pure; jit, vmap, grad and jvp compose with it."""
    _check_impact(impact)
    ratio = jnp.broadcast_to(min_capital_ratio, other_assets.shape)

    def phi(prices, theta):
        q, c, d, p0, r, dep, floor = theta
        fraction = _sale_fraction(q, c, d, prices, r)
        return price_impact(fraction @ q, p0, dep, impact, floor)   # S_a = sum_i f_i q[i, a]

    def forward(theta):
        return iterate(lambda p: phi(p, theta), theta[3], max_steps=max_iter, tol=tol)

    theta = (quantities, other_assets, liabilities, prices0, ratio, depth, jnp.asarray(price_floor, prices0.dtype))
    sol = implicit_fixed_point(forward, phi)(theta)
    prices = sol.value
    # Sales at the equilibrium prices, so that prices == impact(sum_i sold) up to tol.
    fraction = _sale_fraction(quantities, other_assets, liabilities, prices, ratio)
    sold = fraction[:, None] * quantities
    mark_to_market_loss = value_at(quantities, prices0 - prices)
    status = worst(sol.status, jnp.where(all_finite(theta), Status.OK, Status.NONFINITE))
    return FireSaleResult(prices, sold, mark_to_market_loss, status == Status.OK, sol.steps, status)


@functools.partial(jax.jit, static_argnames=("impact", "max_iter"))
def fire_sale(
    quantities: jax.Array,
    other_assets: jax.Array,
    liabilities: jax.Array,
    prices0: jax.Array,
    min_capital_ratio: jax.Array | float,
    depth: jax.Array,
    *,
    impact: str = "exponential",
    price_floor: float | jax.Array = 0.0,
    max_iter: int = 500,
    tol: float | jax.Array | None = None,
) -> FireSaleResult:
    """Fire-sale equilibrium on common asset classes, batched over scenarios.

    Cifuentes, Ferrucci & Shin (2005, JEEA 3(2-3)): holders below their minimum capital ratio
    sell ``s_i = q_i - E_i / (r_i p)`` (clipped to ``[0, q_i]``, all of it when ``E_i <= 0``);
    the price falls with the total sold; equilibrium is the greatest fixed point of
    ``p = impact(sum_i s_i(p))``. Multi-asset: sales pro rata across classes (Greenwood,
    Landier & Thesmar 2015, JFE 115); see the module docstring for the equations.

    A leading axis B on an argument means per-scenario values; without it the array is shared
    by all scenarios. B is taken from the batched arguments (all must agree); with none
    batched, B = 1.

    Args:
        quantities: [N, A] or [B, N, A] holdings (baseline USD bn, >= 0).
        other_assets: [N] or [B, N] assets outside the marketable classes (USD bn).
        liabilities: [N] or [B, N] liabilities (USD bn).
        prices0: [A] or [B, A] shocked pre-sale prices (baseline 1), > 0.
        min_capital_ratio: scalar or [N], minimum ``E_i / V_i``, in (0, 1].
        depth: [A] market depth per class (USD bn); ``inf`` for no price impact.
        impact: "exponential" (CFS) or "linear" (GLT) (static).
        price_floor: linear impact floor as a fraction of ``p0``, in [0, 1].
        max_iter: cap on price updates per scenario (static).
        tol: stop when ``max_a |p_new - p_old| <= tol`` (price units, baseline 1); default
            1e-12 in float64 and 1e-6 in float32, floored at a few ulps.

    Returns:
        FireSaleResult with prices [B, A], sold [B, N, A], mark_to_market_loss [B, N],
        converged [B], iterations [B], status [B]; no B axis when no argument has one.
    """
    _check_impact(impact)
    quantities = jnp.asarray(quantities)
    other_assets = jnp.asarray(other_assets)
    liabilities = jnp.asarray(liabilities)
    prices0 = jnp.asarray(prices0)
    depth = jnp.asarray(depth)
    dtype = jnp.result_type(
        quantities, other_assets, liabilities, prices0, min_capital_ratio, depth, float
    )
    quantities, other_assets, liabilities, prices0, depth = (
        x.astype(dtype) for x in (quantities, other_assets, liabilities, prices0, depth)
    )

    if quantities.ndim not in (2, 3):
        raise ValueError(f"quantities must be [N, A] or [B, N, A], got {quantities.shape}")
    n, a = quantities.shape[-2:]
    expected = {
        "quantities": (quantities, 3, (n, a)),
        "other_assets": (other_assets, 2, (n,)),
        "liabilities": (liabilities, 2, (n,)),
        "prices0": (prices0, 2, (a,)),
    }
    batch_sizes = set()
    in_axes = []
    for name, (x, batched_ndim, tail) in expected.items():
        if x.shape[-len(tail):] != tail or x.ndim not in (batched_ndim - 1, batched_ndim):
            raise ValueError(f"{name} must be {tail} or (B, *{tail}), got {x.shape}")
        if x.ndim == batched_ndim:
            batch_sizes.add(x.shape[0])
            in_axes.append(0)
        else:
            in_axes.append(None)
    if len(batch_sizes) > 1:
        raise ValueError(f"batched arguments disagree on B: {sorted(batch_sizes)}")
    if depth.shape != (a,):
        raise ValueError(f"depth must be ({a},), got {depth.shape}")
    ratio = jnp.broadcast_to(jnp.asarray(min_capital_ratio, dtype), (n,))
    price_floor = jnp.asarray(price_floor, dtype)
    solve = functools.partial(fire_sale_one, impact=impact, tol=tol, max_iter=max_iter)
    if not batch_sizes:
        return solve(quantities, other_assets, liabilities, prices0, ratio, depth, price_floor=price_floor)
    return jax.vmap(lambda q, c, d, p0: solve(q, c, d, p0, ratio, depth, price_floor=price_floor),
                    in_axes=tuple(in_axes))(quantities, other_assets, liabilities, prices0)

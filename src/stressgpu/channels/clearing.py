"""Clearing of liabilities with default costs and equity cross-holdings (docs/model.md §5.2):
the one-scenario kernels. Batches and ``solve_clearing``: :mod:`stressgpu.channels.clearing_batch`.

One fixed point covers three papers:

* Eisenberg & Noe (2001): payments ``p = min(pbar, max(0, e + Πᵀp))``, greatest fixed point;
* Rogers & Veraart (2013): a defaulting entity pays ``α·e_i + β·(Πᵀp + C·V)_i`` (default costs);
* Elsinger (2009): equity values ``V = max(0, e + Πᵀp + C·V − pbar)`` are solved jointly with
  ``p``, and stakes in other entities count among the assets that pay creditors.

Notation, for N entities (USD bn): ``L[i, j]`` — nominal i owes j inside the network (no
self-loops: ``L[i, i] = 0``); ``pbar = L·1 + external_liabilities``; ``Π[i, j] = L[i, j] / pbar_i``;
``C[i, j]`` — fraction of j's equity held by i; ``e[i]`` — external assets after the shock.
An entity is *solvent* when its assets ``a = e + Πᵀp + C·V`` cover ``pbar`` (to a few dozen
ulps); otherwise, or when *forced* (an idiosyncratic or liquidity default), it defaults, its
equity is zero and it pays the Rogers–Veraart amount clipped to ``[0, pbar]``.

Three solvers, chosen by ``method``, each through the engine's driver
(:mod:`stressgpu.solvers`) and each returning a status:

* ``"picard"`` — the clearing map iterated from the top (``p = pbar``, an upper bound on
  ``V``); monotone, so it converges to the greatest fixed point (Tarski), geometrically. It
  stops when every entity's payment is within the tolerance of the fixed point relative to
  its own obligations, ``0 ≤ p_i − p*_i ≤ tol · pbar_i`` (and with cross-holdings its equity
  within ``tol · max(pbar_i, gross assets_i)``), as bounded from the last changes of the
  iterates (:func:`picard_certified`: the bound holds while the regimes — who defaults, who
  pays a linear recovery or a clip bound — stay those of the last four iterates), or when the
  iterate is a fixed point of the map as computed (:func:`picard_quiet`). Without
  cross-holdings the equity does not feed back and is taken from the map at the final
  payments. A batch runs in one loop (:mod:`stressgpu.channels.clearing_batch`), with the
  same answer, steps and status per scenario as the one-scenario kernel :func:`clear_one`.
* ``"fictitious_default"`` — exact: Rogers & Veraart's Greatest Clearing Vector Algorithm,
  generalised. Fix each entity's regime (solvent; defaulted paying its linear recovery;
  defaulted paying ``pbar`` or ``0`` at a clip bound), solve the linear equations of that
  regime for the unknowns only — the defaulters' payments and, with cross-holdings, the
  equity of solvent entities that someone holds (never ``2N × 2N``) — then update the regimes
  from the solution; the sets only grow, so it ends in at most ``2N + 1`` rounds. Without
  cross-holdings every solution is an upper bound on the greatest clearing vector, so each
  new default it reveals is real. With cross-holdings a linear solution can fall below it
  (a solvent-assumed entity's negative equity understates its holders' assets), so default
  sets are taken from Picard iterates from the top instead, and a linear solve confirms the
  fixed point: a solution whose own regimes are the ones assumed is the greatest clearing
  vector (any fixed point lies below the greatest, hence has at least its defaults).
* ``"hybrid"`` — a few Picard steps from the top, then the exact rounds from the default set
  they found (fewer rounds when the first steps reveal most defaults).

Gradients: the solution carries implicit derivatives (:func:`stressgpu.solvers.implicit_fixed_point`)
of the branch the solver selected — *solvent when* ``a_i >= pbar_i`` — so ``jax.grad``,
``jax.jvp``, ``jit`` and ``vmap`` all compose with :func:`clear_one` and ``solve_clearing``.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from .._types import Status
from ..solvers import Solution, all_finite, implicit_fixed_point, worst
from .clearing_exact import _exact
from .clearing_map import (_WARM_STEPS, METHODS, ClearingNetwork, ClearingParams, ClearingResult, EdgeNetwork, _assets,
                           check_no_self_loops, clearing_map, equity_upper_bound, make_network, map_from_assets,
                           short_of, stake_multiplier)
from .clearing_picard import _picard

# The clearing problem's types and map live in clearing_map.py, the solvers in clearing_picard.py
# and clearing_exact.py; this module is the one-scenario entry point and names them all.
__all__ = ["METHODS", "ClearingNetwork", "ClearingParams", "ClearingResult", "EdgeNetwork", "check_no_self_loops",
           "clear_one", "clearing_map", "equity_upper_bound", "make_network", "map_from_assets", "short_of",
           "stake_multiplier"]

Array = jax.Array


def _clearing_theta(net, e, forced, params):
    can = None if params.insolvency_default is None else jnp.asarray(params.insolvency_default, bool)
    floor = None if params.capital_floor is None else jnp.asarray(params.capital_floor, e.dtype)
    return (net, e, forced, ClearingParams(jnp.asarray(params.alpha, e.dtype), jnp.asarray(params.beta, e.dtype), can, floor))


def clear_one(net, e: Array, forced: Array, params: ClearingParams, *, method: str = "picard",
              tol=None, max_steps: int | None = None, size: int | None = None) -> ClearingResult:
    """Clearing of ONE scenario (``e``, ``forced`` ``[N]``): the kernel every caller uses.

    Pure and traceable: works under ``jit``, ``vmap``, ``grad`` and ``jvp`` (implicit
    derivatives of payments and equity). ``size`` caps the exact solver's unknowns (default
    N; fewer is faster when few entities default, and a round that needs more reports
    ``SINGULAR``). Status ``INVALID`` for a self-loop, ``NONFINITE`` for NaN/inf input.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r}: allowed values are {', '.join(METHODS)}")
    n = e.shape[-1]
    size = n if size is None else min(int(size), n)
    if max_steps is None:
        max_steps = 10_000 if method == "picard" else 2 * n + 2 + (10_000 if net.cross_holdings is not None else 0)

    def forward(theta) -> Solution:
        net_, e_, forced_, params_ = theta
        if method == "picard":
            return _picard(net_, e_, forced_, params_, tol, max_steps)
        sol = _exact(net_, e_, forced_, params_, tol, max_steps, size, _WARM_STEPS if method == "hybrid" else 0)
        return sol._replace(value=(sol.value, None))

    theta = _clearing_theta(net, e, forced, params)
    sol = implicit_fixed_point(forward, _linearise, has_aux=True)(theta)
    return _result(net, e, theta, sol)


def _linearise(z, theta, aux=None):
    """The clearing map whose fixed point the solvers find, for the implicit derivatives."""
    net_, e_, forced_, params_ = theta[:4]
    return clearing_map(net_, e_, z[0], z[1], forced_, params_)[:2]


def _result(net, e, theta, sol: Solution) -> ClearingResult:
    """A :class:`ClearingResult` of one scenario from a solver's answer ``((p, V), assets)``:
    the defaults, the residual and the status, checked once more at the answer (from the
    assets at the answer when the solver kept them, else from a new product)."""
    forced = theta[2]
    (p, v), a = sol.value
    if a is None:
        a = _assets(net, e, lax.stop_gradient(p), lax.stop_gradient(v))
    p_chk, v_chk, defaulted = map_from_assets(net.total_liabilities, e, lax.stop_gradient(a), forced, theta[3])
    residual = jnp.maximum(jnp.max(jnp.abs(p_chk - p), initial=0.0), jnp.max(jnp.abs(v_chk - v), initial=0.0))
    finite_in = all_finite((net, e, theta[3]))
    # NaN inputs are NONFINITE; otherwise the solver's own diagnosis (a singular system explains
    # the NaN it produced), then a non-finite answer; a self-loop is INVALID whatever else.
    ok, nonfinite = int(Status.OK), int(Status.NONFINITE)
    status = jnp.where(~finite_in, nonfinite,
                       jnp.where(sol.status != ok, sol.status, jnp.where(all_finite((p, v)), ok, nonfinite)))
    status = worst(status, jnp.where(jnp.any(net.self_loops), int(Status.INVALID), ok))
    return ClearingResult(p, v, defaulted, sol.steps, status == Status.OK, lax.stop_gradient(residual), status)

"""Clearing of liabilities with default costs and equity cross-holdings (MODEL.md §3.1–3.2).

One fixed point covers three papers:

* Eisenberg & Noe (2001): payments ``p = min(pbar, max(0, e + Πᵀp))``, greatest fixed point;
* Rogers & Veraart (2013): a defaulting entity pays ``α·e_i + β·(Πᵀp)_i`` (default costs);
* Elsinger (2009) / Fischer (2014): equity values ``V = max(0, e + Πᵀp + C·V − pbar)`` are solved
  jointly with ``p``, and stakes in other entities count among the assets that pay creditors.

Notation, for N entities (USD bn):

* ``L[i, j]`` — nominal that i owes j inside the network; ``pbar = L·1 + external_liabilities``;
* ``Π[i, j] = L[i, j] / pbar_i`` — share of i's payments that go to j;
* ``C[i, j]`` — fraction of j's equity held by i (columns sum to < 1);
* ``e[i]`` — external assets after the shock (cash and assets outside the network).

An entity is *solvent* when its assets ``a = e + Πᵀp + C·V`` cover ``pbar``; otherwise it
defaults, its equity is zero and it pays the Rogers–Veraart amount. An entity can also be
*forced* into default (an idiosyncratic default, or a liquidity default in the quarterly model).

Two solvers, chosen by ``method``:

* ``"picard"`` — monotone iteration of the clearing map from the top (``p = pbar`` and an
  upper bound on ``V``); converges to the greatest fixed point (Tarski), geometrically, and
  reports per scenario whether it met ``tol`` within ``max_iter``;
* ``"fictitious_default"`` — Eisenberg–Noe's fictitious-default algorithm in the form of
  Rogers–Veraart's Greatest Clearing Vector Algorithm: fix the set of defaulters, solve the
  linear system for ``p``, add the new defaulters, repeat. Exact in at most N+1 rounds.
  Without cross-holdings or forced defaults only: with ``C != 0`` a solvent-assumed entity's
  negative linear equity would understate its holders' assets and could add false defaulters,
  and a forced defaulter's linear payment is not capped at pbar, so the solver refuses both
  (use Picard, which handles the joint problem).

Both take a batch of scenarios: ``e`` is ``[B, N]`` (or ``[N]`` for one scenario, which then
returns unbatched arrays); the network arrays are shared by every scenario.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from .linalg import lu_solve

Array = jax.Array


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ClearingNetwork:
    """The liability side of the network, shared by all scenarios.

    Attributes:
      liabilities: ``[N, N]`` USD bn, ``L[i, j]`` = nominal i owes j (no self-links).
      external_liabilities: ``[N]`` USD bn owed to creditors outside the N entities.
      cross_holdings: ``[N, N]`` ``C[i, j]`` = fraction of j's equity held by i, or None for
        none (the kernels then skip the stakes' products).
    """

    liabilities: Array
    external_liabilities: Array
    cross_holdings: Array

    @property
    def total_liabilities(self) -> Array:
        """``pbar`` ``[N]``: everything each entity owes (MODEL.md §3)."""
        return self.liabilities.sum(axis=1) + self.external_liabilities

    @property
    def relative_liabilities(self) -> Array:
        """``Π`` ``[N, N]``: share of i's payments owed to j; zero rows where pbar = 0."""
        pbar = self.total_liabilities
        safe = jnp.where(pbar > 0, pbar, 1.0)
        return self.liabilities / safe[:, None]

    def inflows(self, p: Array) -> Array:
        """``Πᵀp`` ``[N]``: what each entity receives when debtors pay ``p``."""
        return p @ self.relative_liabilities


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class EdgeNetwork:
    """The same liability side stored as a list of E debt links (sparse networks, and a
    per-scenario debt vector without an ``[N, N]`` matrix per scenario).

    Attributes:
      amount: ``[E]`` USD bn owed on each link.
      borrower, lender: ``[E, N]`` one-hot rows naming each link's borrower and lender
        (one-hot matrices turn gathers and scatters into matrix products, fast on every device).
      external_liabilities: ``[N]``; cross_holdings: ``[N, N]``, as in :class:`ClearingNetwork`.
    """

    amount: Array
    borrower: Array
    lender: Array
    external_liabilities: Array
    cross_holdings: Array

    @property
    def total_liabilities(self) -> Array:
        return self.amount @ self.borrower + self.external_liabilities

    @property
    def liabilities(self) -> Array:
        """Dense ``L`` ``[N, N]`` (links between the same pair add up)."""
        return (self.borrower * self.amount[:, None]).T @ self.lender

    @property
    def relative_liabilities(self) -> Array:
        pbar = self.total_liabilities
        return self.liabilities / jnp.where(pbar > 0, pbar, 1.0)[:, None]

    def inflows(self, p: Array) -> Array:
        pbar = self.total_liabilities
        share = p / jnp.where(pbar > 0, pbar, 1.0)
        return ((self.borrower @ share) * self.amount) @ self.lender


def make_network(liabilities, external_liabilities=None, cross_holdings=None) -> ClearingNetwork:
    """Build a :class:`ClearingNetwork` from plain arrays; missing parts are zero."""
    L = jnp.asarray(liabilities)
    n = L.shape[-1]
    ext = jnp.zeros(n, L.dtype) if external_liabilities is None else jnp.asarray(external_liabilities, L.dtype)
    C = jnp.zeros((n, n), L.dtype) if cross_holdings is None else jnp.asarray(cross_holdings, L.dtype)
    return ClearingNetwork(L, ext, C)


class ClearingParams(NamedTuple):
    """Rogers–Veraart default costs: a defaulter realises ``alpha`` of its external assets
    and ``beta`` of its claims on others. ``alpha = beta = 1`` is Eisenberg–Noe."""

    alpha: float | Array = 1.0
    beta: float | Array = 1.0


class ClearingResult(NamedTuple):
    """Clearing outcome, batched like the input ``e``.

    payments ``[B, N]`` (USD bn, ``0 <= p <= pbar``); equity ``[B, N]`` (USD bn, >= 0);
    defaulted ``[B, N]`` bool; iterations ``[B]`` (Picard steps or fictitious-default rounds);
    converged ``[B]`` bool; residual ``[B]`` (sup-norm of the last change, USD bn).
    """

    payments: Array
    equity: Array
    defaulted: Array
    iterations: Array
    converged: Array
    residual: Array


# --------------------------------------------------------------------------- the map


def _assets(net: ClearingNetwork, e: Array, p: Array, v: Array) -> Array:
    """Total assets ``a = e + Πᵀp + C·V`` of one scenario, ``[N]`` (``cross_holdings=None``:
    no stakes, and the C·V product is skipped)."""
    a = e + net.inflows(p)
    return a if net.cross_holdings is None else a + net.cross_holdings @ v


def short_of(a: Array, pbar: Array) -> Array:
    """``a < pbar`` up to round-off: an entity whose assets cover its liabilities to within a
    few dozen ulps stays solvent (``Π = L / pbar`` does not multiply back exactly, and with
    default costs a spurious default would be a jump, not a rounding error)."""
    return a < pbar * (1 - 64 * jnp.finfo(a.dtype).eps)


def clearing_map(net: ClearingNetwork, e: Array, p: Array, v: Array, forced: Array,
                 params: ClearingParams) -> tuple[Array, Array, Array]:
    """One application of the joint clearing map to ``(p, V)`` for one scenario.

    Returns ``(p_new, V_new, defaulted)``, each ``[N]``. This is the map whose greatest
    fixed point both solvers find; it is monotone non-decreasing in ``(p, V)``.
    """
    pbar = net.total_liabilities
    a = _assets(net, e, p, v)
    defaulted = forced | short_of(a, pbar)
    recovery = params.alpha * e + params.beta * (a - e)  # Rogers–Veraart (2013), eq. (3)
    p_new = jnp.where(defaulted, jnp.clip(recovery, 0.0, pbar), pbar)
    v_new = jnp.where(defaulted, 0.0, a - pbar)
    return p_new, v_new, defaulted


def equity_upper_bound(net: ClearingNetwork, e: Array) -> Array:
    """An upper bound on every fixed-point equity vector, ``[..., N]``.

    With ``u = (e + Πᵀpbar − pbar)⁺``, any fixed point has ``V <= u + C·V``, hence
    ``V <= (I − C)⁻¹ u`` (Neumann series; C >= 0 with column sums < 1).
    """
    pbar = net.total_liabilities
    u = jnp.maximum(e + net.inflows(pbar) - pbar, 0.0)
    if net.cross_holdings is None:
        return u
    n = pbar.shape[0]
    eye = jnp.eye(n, dtype=u.dtype)
    # The inverse depends on C alone: unbatched under vmap over scenarios, so it stays one LAPACK
    # call (a batched LAPACK solve can deadlock jaxlib 0.10's CPU thread pool; see linalg.py).
    return u @ jnp.linalg.inv(eye - net.cross_holdings).T


# --------------------------------------------------------------------------- solvers


def picard_clearing(net, e, forced, params, tol, max_iter) -> ClearingResult:
    """Picard solver for ONE scenario (``e``, ``forced`` ``[N]``), usable inside other kernels."""
    pbar = net.total_liabilities
    scale = jnp.maximum(1.0, jnp.max(pbar))
    v0 = equity_upper_bound(net, e)

    def cond(state):
        _, _, it, res = state
        return (it < max_iter) & (res > tol * scale)

    def body(state):
        p, v, it, _ = state
        p_new, v_new, _ = clearing_map(net, e, p, v, forced, params)
        res = jnp.maximum(jnp.max(jnp.abs(p_new - p)), jnp.max(jnp.abs(v_new - v)))
        return p_new, v_new, it + 1, res

    init = (pbar.astype(e.dtype), v0, jnp.asarray(0, jnp.int32), jnp.asarray(jnp.inf, e.dtype))
    p, v, it, res = lax.while_loop(cond, body, init)
    defaulted = clearing_map(net, e, p, v, forced, params)[2]
    return ClearingResult(p, v, defaulted, it, res <= tol * scale, res)


def _linear_system(net, e, defaulted, params):
    """``(M, r)`` of the linear equations for ``z = [p; V]`` given the default set.

    Solvent i: ``p_i = pbar_i`` and ``V_i − (Πᵀp)_i − (C V)_i = e_i − pbar_i``.
    Defaulted i: ``p_i − β(Πᵀp)_i − β(C V)_i = α e_i`` and ``V_i = 0``.
    """
    pbar = net.total_liabilities
    n = pbar.shape[0]
    eye = jnp.eye(n, dtype=e.dtype)
    pit = net.relative_liabilities.T
    c = jnp.zeros_like(pit) if net.cross_holdings is None else net.cross_holdings
    d = defaulted[:, None]
    beta = params.beta
    p_rows = jnp.concatenate([jnp.where(d, eye - beta * pit, eye), jnp.where(d, -beta * c, 0.0)], axis=1)
    v_rows = jnp.concatenate([jnp.where(d, 0.0, -pit), jnp.where(d, eye, eye - c)], axis=1)
    r = jnp.concatenate([jnp.where(defaulted, params.alpha * e, pbar), jnp.where(defaulted, 0.0, e - pbar)])
    return jnp.concatenate([p_rows, v_rows], axis=0), r


def _fictitious_default_one(net, e, forced, params, tol, max_iter):
    pbar = net.total_liabilities
    n = pbar.shape[0]

    def solve(defaulted):
        m, r = _linear_system(net, e, defaulted, params)
        z = lu_solve(m, r)  # m differs per scenario: a lax solve, never a batched LAPACK call
        return z[:n], z[n:]

    def cond(state):
        _, _, _, changed, it = state
        return changed & (it < max_iter)

    def body(state):
        defaulted, _, _, _, it = state
        p, v = solve(defaulted)
        # Default when assets fall short of liabilities; the tolerance keeps an entity
        # sitting exactly at pbar (up to round-off) solvent, as the greatest fixed point does.
        new = defaulted | short_of(_assets(net, e, p, v), pbar)
        return new, p, v, jnp.any(new != defaulted), it + 1

    zeros = jnp.zeros_like(e)
    init = (forced, zeros, zeros, jnp.asarray(True), jnp.asarray(0, jnp.int32))
    defaulted, p, v, changed, it = lax.while_loop(cond, body, init)
    p = jnp.clip(p, 0.0, pbar)
    v = jnp.maximum(v, 0.0)
    p_chk, v_chk, _ = clearing_map(net, e, p, v, forced | defaulted, params)
    res = jnp.maximum(jnp.max(jnp.abs(p_chk - p)), jnp.max(jnp.abs(v_chk - v)))
    return ClearingResult(p, v, defaulted, it, ~changed, res)


_SOLVERS = {"picard": picard_clearing, "fictitious_default": _fictitious_default_one}


def _default_tol(dtype) -> float:
    return 1e-12 if jnp.dtype(dtype) == jnp.float64 else 1e-6


def _check_fictitious_default(net, forced_default) -> None:
    """The fictitious-default solver covers Eisenberg–Noe and Rogers–Veraart without
    cross-holdings or forced defaults (a forced defaulter's linear payment is not capped at
    pbar, and a forced closed group makes the system singular under α = β = 1)."""
    def concrete_any(x):  # noqa: D401
        return x is not None and not isinstance(x, jax.core.Tracer) and bool(jnp.any(jnp.asarray(x) != 0))

    if concrete_any(net.cross_holdings):
        raise ValueError("method='fictitious_default' needs cross_holdings == 0; use method='picard'")
    if concrete_any(forced_default):
        raise ValueError("method='fictitious_default' does not take forced_default; use method='picard'")


def solve_clearing(net: ClearingNetwork, e: Array, *, forced_default: Array | None = None,
                   params: ClearingParams = ClearingParams(), method: str = "picard",
                   tol: float | None = None, max_iter: int = 10_000) -> ClearingResult:
    """Clear the network for one scenario (``e`` ``[N]``) or a batch (``e`` ``[B, N]``).

    Args:
      net: liabilities and cross-holdings, shared by every scenario.
      e: external assets after the shock, USD bn.
      forced_default: bool, shaped like ``e``; entities that default whatever their assets.
      params: Rogers–Veraart ``alpha``, ``beta`` (default 1, 1 = Eisenberg–Noe).
      method: ``"picard"`` or ``"fictitious_default"`` (see module docstring).
      tol: relative tolerance on the sup-norm change, times ``max(1, max pbar)``;
        default 1e-12 in float64 and 1e-6 in float32.
      max_iter: iteration cap (Picard steps or default rounds).

    Returns:
      :class:`ClearingResult`; ``converged`` is False for any scenario that hit ``max_iter``.
    """
    if method not in _SOLVERS:
        raise ValueError(f"method={method!r}: allowed values are {sorted(_SOLVERS)}")
    if method == "fictitious_default":
        _check_fictitious_default(net, forced_default)
    e = jnp.asarray(e)
    if not jnp.issubdtype(e.dtype, jnp.floating):
        e = e.astype(jnp.result_type(float))
    single = e.ndim == 1
    eb = e[None] if single else e
    forced = jnp.zeros(eb.shape, bool) if forced_default is None else jnp.broadcast_to(forced_default, eb.shape)
    tol = _default_tol(eb.dtype) if tol is None else tol
    net = jax.tree_util.tree_map(lambda x: jnp.asarray(x, eb.dtype), net)
    if not isinstance(net.cross_holdings, jax.core.Tracer) and not bool(jnp.any(net.cross_holdings != 0)):
        net = replace(net, cross_holdings=None)  # no stakes: skip C·V and the (I − C) solve
    out = _solve_batched(net, eb, forced, params, method, tol, max_iter)
    return jax.tree_util.tree_map(lambda x: x[0], out) if single else out


@partial(jax.jit, static_argnames=("method", "max_iter"))
def _solve_batched(net, e, forced, params, method, tol, max_iter):
    one = _SOLVERS[method]
    return jax.vmap(lambda ei, fi: one(net, ei, fi, params, tol, max_iter))(e, forced)

"""The clearing problem (docs/model.md §5.2): the networks (dense or a list of links), the
parameters (Rogers & Veraart default costs, capital floors), the result type, and the clearing map
itself — Eisenberg & Noe payments with default costs and Elsinger cross-holdings. The solvers that
iterate or solve it are in :mod:`.clearing_picard` and :mod:`.clearing_exact`; the entry point is
:func:`.clearing.clear_one`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import jax
import jax.numpy as jnp


Array = jax.Array

METHODS = ("picard", "fictitious_default", "hybrid")
_WARM_STEPS = 8   # the hybrid's Picard steps before its exact rounds


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class ClearingNetwork:
    """The liability side of the network, shared by all scenarios (dense form).

    Attributes:
      liabilities: ``[N, N]`` USD bn, ``L[i, j]`` = nominal i owes j (zero diagonal).
      external_liabilities: ``[N]`` USD bn owed to creditors outside the N entities.
      cross_holdings: ``[N, N]`` ``C[i, j]`` = fraction of j's equity held by i (columns sum
        to < 1), or None for none (the kernels then skip the stakes' products).
    """

    liabilities: Array
    external_liabilities: Array
    cross_holdings: Array | None

    @property
    def total_liabilities(self) -> Array:
        """``pbar`` ``[N]``: everything each entity owes."""
        return self.liabilities.sum(axis=1) + self.external_liabilities

    @property
    def relative_liabilities(self) -> Array:
        """``Π`` ``[N, N]``: share of i's payments owed to j; zero rows where pbar = 0."""
        pbar = self.total_liabilities
        return self.liabilities / jnp.where(pbar > 0, pbar, 1.0)[:, None]

    @property
    def self_loops(self) -> Array:
        """``[N]`` bool: entities listed as owing themselves (rejected by every solver)."""
        return jnp.diagonal(self.liabilities) != 0

    def inflows(self, p: Array) -> Array:
        """``Πᵀp`` ``[N]``: what each entity receives when debtors pay ``p``."""
        return p @ self.relative_liabilities


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class EdgeNetwork:
    """The same liability side as a list of E debt links (sparse networks, and a per-scenario
    debt vector without an ``[N, N]`` matrix per scenario).

    Attributes:
      amount: ``[E]`` USD bn owed on each link.
      borrower, lender: ``[E, N]`` one-hot rows naming each link's two sides.
      external_liabilities: ``[N]``; cross_holdings: ``[N, N]`` or None, as in
        :class:`ClearingNetwork`.
    """

    amount: Array
    borrower: Array
    lender: Array
    external_liabilities: Array
    cross_holdings: Array | None

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

    @property
    def self_loops(self) -> Array:
        # Which links are loops depends on the one-hot rows alone (shared by a batch); only the
        # amounts vary by scenario, so the batched work is a product with an [E, N] matrix in
        # its natural layout (the transposed form cost more than the rest of a clearing on CPU).
        loop = self.borrower * jnp.sum(self.borrower * self.lender, axis=1, keepdims=True)   # [E, N]
        return ((self.amount != 0).astype(self.amount.dtype) @ loop) > 0

    def inflows(self, p: Array) -> Array:
        pbar = self.total_liabilities
        share = p / jnp.where(pbar > 0, pbar, 1.0)
        return ((self.borrower @ share) * self.amount) @ self.lender


def make_network(liabilities, external_liabilities=None, cross_holdings=None) -> ClearingNetwork:
    """Build a :class:`ClearingNetwork` from plain arrays; missing parts are zero (no stakes:
    ``cross_holdings=None``). A self-loop ``L[i, i] != 0`` is refused with a ``ValueError``."""
    L = jnp.asarray(liabilities)
    if not jnp.issubdtype(L.dtype, jnp.floating):
        L = L.astype(jnp.result_type(float))
    n = L.shape[-1]
    ext = jnp.zeros(n, L.dtype) if external_liabilities is None else jnp.asarray(external_liabilities, L.dtype)
    C = None if cross_holdings is None else jnp.asarray(cross_holdings, L.dtype)
    net = ClearingNetwork(L, ext, C)
    check_no_self_loops(net)
    return net


def check_no_self_loops(net) -> None:
    """Raise ``ValueError`` naming the entities when concrete liabilities owe themselves.

    Under ``jit`` the arrays are traced and cannot be inspected: the solvers then return
    status ``INVALID`` for such a network instead.
    """
    loops = net.self_loops
    if isinstance(loops, jax.core.Tracer):
        return
    bad = [int(i) for i in jnp.flatnonzero(loops)]
    if bad:
        raise ValueError(f"self-loop: entities {bad} owe themselves (L[i, i] != 0); an entity cannot be "
                         "its own creditor — remove the diagonal or net it out")


class ClearingParams(NamedTuple):
    """Rogers–Veraart default costs: a defaulter realises ``alpha`` of its external assets
    and ``beta`` of its claims on others. ``alpha = beta = 1`` is Eisenberg–Noe.

    ``insolvency_default``: optional ``[N]`` bool, the entities whose assets falling short of
    their liabilities is a default (financial firms failing their capital test). The others
    (operating companies, docs/model.md §5.1) default only when forced (a missed payment):
    short of assets they keep paying, and their shareholders' equity is worth zero. None: all.

    ``capital_floor``: optional ``[N]`` USD bn, the equity below which an entity fails its
    capital test (a bank's CET1 minimum, a fund's asset coverage): it is short when
    ``a < pbar + floor``. None: zero (plain insolvency).
    """

    alpha: float | Array = 1.0
    beta: float | Array = 1.0
    insolvency_default: Array | None = None
    capital_floor: Array | None = None


class ClearingResult(NamedTuple):
    """Clearing outcome, batched like the input ``e``.

    payments ``[..., N]`` (USD bn, ``0 <= p <= pbar``); equity ``[..., N]`` (USD bn, >= 0);
    defaulted ``[..., N]`` bool; iterations ``[...]`` (Picard steps or exact rounds);
    status ``[...]`` int32 (:class:`stressgpu.Status`); converged ``[...]`` (``status == OK``);
    residual ``[...]`` (sup-norm of ``Φ(z) − z`` at the answer, USD bn).

    What ``OK`` means, every method: each entity's payment is within the tolerance of the
    greatest clearing vector ``p*`` relative to its own obligations,
    ``|p_i − p*_i| ≤ tol_eff · pbar_i`` with ``tol_eff = max(tol, 16 ulps)``
    (:func:`stressgpu.solvers.effective_tol`); with cross-holdings, each equity value within
    ``tol_eff · max(pbar_i, gross assets_i)``. The exact methods solve the linear system of the
    final regimes; Picard bounds its distance to ``p*`` entity by entity from its last
    changes (:func:`picard_certified`, exact while the regimes of its last four iterates hold)
    or stops at a fixed point of the map as computed (:func:`picard_quiet`). Round-off comes
    on top, in every method: the map is evaluated with a few ulps of each entity's gross
    assets ``|e_i| + (Πᵀp + C·V)_i`` of error, which the fixed point can amplify by up to
    ``1 / (1 − ρ)`` (``ρ`` the contraction factor of the defaulters' network); on lognormal
    networks of 50 and 500 entities (tests/test_clearing_accuracy.py) every payment stays
    within ``tol_eff · pbar_i + 16`` ulps of the entity's gross assets — in float32, with the
    default tolerance, within about 1.5 · ``tol_eff · pbar_i`` (3e-6 of the entity's
    obligations).
    """

    payments: Array
    equity: Array
    defaulted: Array
    iterations: Array
    converged: Array
    residual: Array
    status: Array


# --------------------------------------------------------------------------- the map


def _assets(net, e: Array, p: Array, v: Array) -> Array:
    """Total assets ``a = e + Πᵀp + C·V`` of one scenario, ``[N]``."""
    a = e + net.inflows(p)
    return a if net.cross_holdings is None else a + net.cross_holdings @ v


def short_of(a: Array, pbar: Array) -> Array:
    """``a < pbar`` up to round-off: an entity whose assets cover its liabilities to within a
    few dozen ulps stays solvent (``Π = L / pbar`` does not multiply back exactly, and with
    default costs a spurious default would be a jump, not a rounding error)."""
    return a < pbar * (1 - 64 * jnp.finfo(a.dtype).eps)


def _clip_paid(recovery: Array, pbar: Array) -> Array:
    """Recovery clipped to ``[0, pbar]``, written with explicit branches so that a derivative
    at a bound is the side reached by raising assets (paid in full at ``pbar``)."""
    return jnp.where(recovery >= pbar, pbar, jnp.where(recovery < 0, 0.0, recovery))


def _threshold(params: ClearingParams, pbar: Array) -> Array:
    """Assets an entity needs to pass: its liabilities plus its capital floor."""
    return pbar if params.capital_floor is None else pbar + params.capital_floor


def _short_sets(params: ClearingParams, forced: Array, short: Array) -> tuple[Array, Array]:
    """``(defaulted, under_water)``: who defaults, and who is short of assets but may not
    default on that alone (keeps paying, equity worth zero)."""
    if params.insolvency_default is None:
        return forced | short, jnp.zeros_like(short)
    can = params.insolvency_default
    return forced | (short & can), short & ~can & ~forced


def clearing_map(net, e: Array, p: Array, v: Array, forced: Array,
                 params: ClearingParams) -> tuple[Array, Array, Array]:
    """One application of the joint clearing map to ``(p, V)`` for one scenario.

    Returns ``(p_new, V_new, defaulted)``, each ``[N]``. Monotone non-decreasing in
    ``(p, V)``; both solvers find its greatest fixed point.
    """
    return map_from_assets(net.total_liabilities, e, _assets(net, e, p, v), forced, params)


def map_from_assets(pbar: Array, e: Array, a: Array, forced: Array,
                    params: ClearingParams) -> tuple[Array, Array, Array]:
    """The clearing map's elementwise half: ``(p_new, V_new, defaulted)`` from the total assets
    ``a = e + Πᵀp + C·V`` at ``(p, V)`` (the product is the caller's). Shapes broadcast:
    ``[N]`` for one scenario, rows or columns for a batch."""
    defaulted, under_water = _short_sets(params, forced, short_of(a, _threshold(params, pbar)))
    recovery = params.alpha * e + params.beta * (a - e)  # Rogers–Veraart (2013), eq. (3)
    p_new = jnp.where(defaulted, _clip_paid(recovery, pbar), pbar)
    v_new = jnp.where(defaulted | under_water, 0.0, a - pbar)
    return p_new, v_new, defaulted


def equity_upper_bound(net, e: Array) -> Array:
    """An upper bound on every fixed-point equity vector, ``[N]``.

    With ``u = (e + Πᵀpbar − pbar)⁺``, any fixed point has ``V <= u + C·V``, hence
    ``V <= (I − C)⁻¹ u`` (C >= 0 with column sums < 1).
    """
    pbar = net.total_liabilities
    u = jnp.maximum(e + net.inflows(pbar) - pbar, 0.0)
    if net.cross_holdings is None:
        return u
    return stake_multiplier(net.cross_holdings, u.dtype) @ u


def stake_multiplier(cross_holdings: Array, dtype) -> Array:
    """``(I − C)⁻¹`` ``[N, N]``, shared by every scenario: applied to a batch it is one product
    (a solve per call would repeat two triangular solves for every scenario, which XLA:CPU runs
    far slower than the product)."""
    eye = jnp.eye(cross_holdings.shape[0], dtype=dtype)
    return jnp.linalg.inv(eye - cross_holdings.astype(dtype))

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

from dataclasses import dataclass
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from .._types import Status
from ..solvers import ULPS_FLOOR, Solution, all_finite, effective_tol, implicit_fixed_point, iterate, worst

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


# --------------------------------------------------------------------------- Picard


def _picard_steps(net, e, forced, params, z, k: int):
    """``k`` applications of the clearing map to ``z = (p, V)``."""
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


# --------------------------------------------------------------------------- exact


class _Regimes(NamedTuple):
    """Each entity's branch of the clearing map: defaulted (bool [N]); and of the defaulted,
    those paying their linear recovery (``lin``) or nothing (``zero``); the rest pay pbar;
    ``under``: short of assets without defaulting (equity zero)."""

    defaulted: Array
    lin: Array
    zero: Array
    under: Array


def _regimes(net, e, forced, params, p, v) -> _Regimes:
    pbar = net.total_liabilities
    a = _assets(net, e, p, v)
    defaulted, under = _short_sets(params, forced, short_of(a, _threshold(params, pbar)))
    recovery = params.alpha * e + params.beta * (a - e)
    zero = defaulted & (recovery < 0)
    lin = defaulted & ~zero & (recovery < pbar)
    return _Regimes(defaulted, lin, zero, under)


def _held(net) -> Array:
    """``[N]`` bool: entities whose equity someone holds (their V enters others' assets)."""
    if net.cross_holdings is None:
        return jnp.zeros(net.external_liabilities.shape, bool)
    return jnp.any(net.cross_holdings != 0, axis=0)


def _solve_regime(net, e, params, r: _Regimes, size: int):
    """Exact ``(p, V)`` for fixed regimes, from a linear system on the unknowns only.

    Unknowns ``x_i``: ``p_i`` of linear defaulters, ``V_i`` of solvent entities that someone
    holds; at most ``size`` of them (padding rows are the identity). Equations (docs/model.md
    §5.2), with ``w_i = β`` for defaulters and 1 for solvent rows:

        x_i − w_i Σ_j (Π_ji x_j [j lin] + C_ij x_j [j solvent, held]) = b_i + w_i (Πᵀ p_known)_i

    ``b_i = α e_i`` (defaulter) or ``e_i − pbar_i`` (solvent); ``p_known`` is pbar for entities
    paying in full and 0 otherwise. Returns ``(p, V, ok)``; ``ok`` is False when the unknowns do
    not fit in ``size`` slots or the system is singular (non-finite solution).
    """
    n = e.shape[0]
    dtype = e.dtype
    pbar = net.total_liabilities
    solvent = ~r.defaulted & ~r.under
    unknown = r.lin | (solvent & _held(net))
    idx = jnp.nonzero(unknown, size=size, fill_value=n)[0]                 # [size], padded with n
    fits = jnp.sum(unknown) <= size
    pad = lambda x: jnp.concatenate([x, jnp.zeros((1,) + x.shape[1:], x.dtype)])  # noqa: E731
    w = jnp.where(r.lin, params.beta, 1.0).astype(dtype)
    pit = net.relative_liabilities.T                                       # [N, N] Πᵀ
    coupling = jnp.where(r.lin[None, :], pit, 0.0)
    if net.cross_holdings is not None:
        coupling = coupling + jnp.where((solvent & _held(net))[None, :], net.cross_holdings, 0.0)
    m_full = pad(pad(coupling * w[:, None]).T).T                          # [N+1, N+1]
    m = jnp.eye(size, dtype=dtype) - m_full[idx][:, idx]
    p_known = jnp.where(r.lin | r.zero, 0.0, pbar).astype(dtype)
    b = jnp.where(r.lin, params.alpha * e, e - pbar) + w * net.inflows(p_known)
    x = jnp.linalg.solve(m, jnp.where(idx < n, pad(b)[idx], 0.0))
    x_full = jnp.zeros(n + 1, dtype).at[idx].set(x)[:n]
    p = jnp.where(r.lin, x_full, p_known)
    v_held = jnp.where(solvent & unknown, x_full, 0.0)
    v = jnp.where(solvent, _assets(net, e, p, v_held) - pbar, 0.0)   # defaulted and under water: 0
    v = jnp.where(unknown, v_held, v)
    return p, v, fits & jnp.all(jnp.isfinite(x))


class _Exact(NamedTuple):
    upper: tuple          # (p, V): an upper bound on the greatest fixed point
    solution: tuple       # (p, V): the last linear solution
    regimes: _Regimes
    settled: Array        # the last solution reproduced its own regimes
    solved: Array         # the last linear solve succeeded


def _exact(net, e, forced, params, tol, max_steps, size, warm_steps) -> Solution:
    """Greatest clearing vector by regime rounds (module docstring); ``warm_steps`` Picard
    steps first (the hybrid), and with cross-holdings between every two solves."""
    stakes = net.cross_holdings is not None
    top = _top(net, e)
    upper0 = _picard_steps(net, e, forced, params, top, warm_steps) if warm_steps else top
    r0 = _regimes(net, e, forced, params, *upper0)
    init = _Exact(upper0, upper0, r0, jnp.asarray(False), jnp.asarray(True))
    picard_between = max(warm_steps, 8) if stakes else 0

    def step(s: _Exact) -> _Exact:
        p, v, ok = _solve_regime(net, e, params, s.regimes, size)
        r_new = _regimes(net, e, forced, params, p, v)
        same = jnp.all(r_new.defaulted == s.regimes.defaulted) & jnp.all(r_new.lin == s.regimes.lin) \
            & jnp.all(r_new.zero == s.regimes.zero) & jnp.all(r_new.under == s.regimes.under)
        if stakes:
            # Only an upper bound may reveal defaults (see module docstring).
            upper = _picard_steps(net, e, forced, params, s.upper, picard_between)
            consistent = same & jnp.all(v >= -_slack(v)) & jnp.all(p >= -_slack(p))
            grown = _regimes(net, e, forced, params, *upper)
            regimes = _union(s.regimes, grown)
            return _Exact(upper, (p, v), regimes, consistent, ok)
        # Without stakes the linear solution is itself an upper bound: its regimes are real.
        regimes = _union(s.regimes, r_new)
        return _Exact((p, v), (p, v), regimes, same, ok)

    sol = iterate(step, init, max_steps=max_steps, done=lambda old, new: new.settled | ~new.solved,
                  check=lambda s: jnp.where(s.solved, Status.OK, Status.SINGULAR))
    p, v = sol.value.solution
    return sol._replace(value=(jnp.clip(p, 0.0, net.total_liabilities), jnp.maximum(v, 0.0)))


def _union(a: _Regimes, b: _Regimes) -> _Regimes:
    """Regimes only move one way (towards default, then towards paying nothing)."""
    zero = a.zero | b.zero
    defaulted = a.defaulted | b.defaulted
    return _Regimes(defaulted, (a.lin | b.lin) & ~zero, zero, (a.under | b.under) & ~defaulted)


def _slack(x):
    return 1e3 * jnp.finfo(x.dtype).eps * jnp.maximum(1.0, jnp.max(jnp.abs(x)))


# --------------------------------------------------------------------------- entry point


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


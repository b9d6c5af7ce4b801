"""Batched Picard clearing, and the public entry point :func:`solve_clearing` (docs/model.md §5.2).

:func:`solve_clearing` clears one scenario (``e`` ``[N]``) or a batch (``e`` ``[B, N]``). The
exact methods (``"fictitious_default"``, ``"hybrid"``) run the one-scenario kernel
:func:`stressgpu.channels.clearing.clear_one`, vmapped over the batch; ``"picard"`` on a batch
runs the loop below, with the same answer, steps and status per scenario as that kernel.

Why one loop over the batch: vmap of the one-scenario loop runs every scenario until the
batch's slowest has converged, and carries the loop's bookkeeping per scenario. This module
runs the same Picard steps for the whole batch in one loop:

* scenarios are stored as columns (``[N, B]``): one ``Πᵀ·P`` product per step
  (``[N, N] x [N, B]``), and the elementwise update and the per-scenario change run along the
  batch axis;
* a per-scenario done mask: a scenario is frozen at the step where it converged (or went
  non-finite), so its answer, step count and status are the one-scenario loop's (the same
  rule on the same iterates; the two compile their products apart, and a last-bit difference
  can move a decision that sits on its threshold by one chance to stop);
* two steps per turn of the loop: the stopping rule's certificate is tested at even
  iterates only (:func:`stressgpu.channels.clearing.picard_certified`), so each scenario keeps
  its iterate and its two-step change in buffers written every other step, and the odd step
  tests only for a fixed point of the map as computed (a boolean reduction);
* compaction in stages: once the scenarios still running fit a smaller batch (a share
  ``_SHRINK`` of the stage's), they are gathered into it, so converged scenarios stop costing
  work; the answer is written back by rows at the end of each stage;
* the first step from the top needs no product (every scenario starts at ``p = pbar``, so its
  inflows ``Πᵀ·pbar`` are one vector);
* the link form for sparse networks: segment sums over the E debt links (``2·E`` FLOPs per
  scenario and step instead of ``2·N²``), chosen from the network's size and density
  (:func:`_form`: at least 128 entities and fewer than ``N² / 32`` links); a concrete
  network's links are found once on the host and kept while its array lives;
* the check at the answer (defaults, residual, status) for the whole batch at once, from the
  claims the loop kept (no product), and the implicit derivatives of the one-scenario rule,
  vmapped, at the batch's answer.
"""
from __future__ import annotations

import weakref
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .._types import Status
from ..solvers import Solution, all_finite, effective_tol, implicit_fixed_point, worst
from .clearing import _clearing_theta, _linearise, clear_one
from .clearing_exact import _held, _regimes
from .clearing_map import (_WARM_STEPS, METHODS, ClearingParams, ClearingResult, EdgeNetwork, check_no_self_loops,
                           map_from_assets, stake_multiplier)
from .clearing_picard import _picard_steps, _top, changes, picard_certified, picard_certifies, picard_quiet

Array = jax.Array


# --------------------------------------------------------------------------- the batched loop


_SHRINK = 0.3        # a compaction stage holds this share of the previous stage's scenarios
_MIN_WORK = 50_000   # no stage below this many scenarios x entities (1,000 scenarios at N = 50)
_RUNNING = int(Status.MAX_STEPS)   # a row's status while it runs (what it keeps if capped)


class _Links(NamedTuple):
    """The debt links of a sparse network: lender (``dst``, sorted when ``ordered``), borrower
    (``src``) and ``Π`` on each link; inflows cost ``2·E`` per scenario, not ``2·N²``."""

    dst: Array
    src: Array
    share: Array
    ordered: bool

    def columns(self, p: Array, n: int) -> Array:
        """``Πᵀ p`` for scenarios as columns, ``p`` ``[N, B]``."""
        return jax.ops.segment_sum(p[self.src] * self.share[:, None], self.dst, n,
                                   indices_are_sorted=self.ordered)


def _links(net, index) -> _Links:
    """The links of ``net`` from their indices ``index = (dst, src)`` (a dense network's
    nonzero entries ordered by lender, or an :class:`EdgeNetwork`'s links in their order), or,
    for an :class:`EdgeNetwork` under an outer ``jit`` (``index`` None), from its one-hot rows."""
    pbar = net.total_liabilities
    safe = jnp.where(pbar > 0, pbar, 1.0)
    if isinstance(net, EdgeNetwork):
        if index is None:
            dst, src = jnp.argmax(net.lender, axis=1), jnp.argmax(net.borrower, axis=1)
        else:
            dst, src = index
        return _Links(dst, src, net.amount / safe[src], False)
    dst, src = index
    return _Links(dst, src, net.liabilities[src, dst] / safe[src], True)


class _Columns(NamedTuple):
    """A shared network seen by scenarios stored as COLUMNS (``[N, B]``: the batch is the
    fast axis, so the elementwise passes and the per-scenario reductions run along it):
    ``pbar`` ``[N, 1]`` and ``Πᵀ`` (dense) or the links."""

    pbar: Array
    pi_t: Array | None
    links: _Links | None = None

    def inflows(self, p: Array) -> Array:
        if self.links is not None:
            return self.links.columns(p, self.pbar.shape[0])
        return self.pi_t @ p


def _column(x):
    """A per-entity parameter ``[N]`` as a column ``[N, 1]`` (scalars and None pass)."""
    if x is None or isinstance(x, (int, float)):
        return x
    x = jnp.asarray(x)
    return x[:, None] if x.ndim == 1 else x


def _columns(net, params: ClearingParams, links: _Links | None) -> tuple[_Columns, ClearingParams]:
    pbar = net.total_liabilities
    pi_t = None if links is not None else net.relative_liabilities.T
    view = _Columns(pbar[:, None], pi_t, links)
    return view, ClearingParams(*(_column(x) for x in params))


def _stage_rows(b: int, n: int) -> list[int]:
    """Scenario capacities of the compaction stages for a batch of ``b`` scenarios of ``n``
    entities (multiples of 8; a stage's fixed costs need some work to spread over)."""
    caps = [b]
    while caps[-1] * n > _MIN_WORK and caps[-1] > 8:
        nxt = 8 * -(-int(caps[-1] * _SHRINK) // 8)
        if nxt >= caps[-1]:
            break
        caps.append(nxt)
    return caps


def _picard_rows(net, e, forced, params, tol_eff, max_steps, links: _Links | None = None):
    """Picard from the top for every row of ``e`` ``[B, N]`` (module comment above), with the
    one-scenario kernel's answer, steps and status (:func:`_picard`): the same per-entity
    stopping rule (:func:`~stressgpu.channels.clearing.picard_quiet` at every iterate,
    :func:`~stressgpu.channels.clearing.picard_certified` at even ones), each scenario
    carrying its iterate two steps back and the two-step change before it.

    Returns ``(p, v, g, steps, status)``, ``p``, ``v`` and the claims at the answer
    ``g = Πᵀp + C·V`` ``[B, N]`` (its assets are ``e + g``); ``v`` is None without stakes (the
    caller takes the equity from the assets).
    """
    b, n = e.shape
    dtype = e.dtype
    stakes = net.cross_holdings is not None
    cols, pcols = _columns(net, params, links)
    pbar = cols.pbar.astype(dtype)
    e_t = e.T
    f_t = jnp.zeros((), bool) if forced is None else forced.T   # None: no forced defaults

    def image(es, fs, z, inflows):
        """The claims at ``z`` (its assets less ``e``: the product's own output, so carrying
        them costs no pass) and the map's next iterate, scenarios as columns."""
        g = inflows + net.cross_holdings @ z[1] if stakes else inflows
        p, v, _ = map_from_assets(pbar, es, es + g, fs, pcols)
        return g, ((p, v) if stakes else (p,))

    def select(go, new, old):
        return tuple(jnp.where(go[None, :], x, y) for x, y in zip(new, old))

    max_steps = jnp.asarray(max_steps, jnp.int32)
    certify = picard_certifies(tol_eff)     # (False at the round-off floor: no history then)
    # Every scenario starts from the same payments (the top, p = pbar): the first step's
    # inflows Πᵀ·pbar are one vector for the whole batch, so that step needs no product.
    top_in = cols.inflows(pbar)                                        # [N, 1]
    if stakes:
        u = jnp.maximum(e_t + top_in - pbar, 0.0)
        z0 = (jnp.broadcast_to(pbar, e_t.shape), stake_multiplier(net.cross_holdings, dtype) @ u)
    else:
        z0 = (pbar,)
    g_top, z1 = image(e_t, f_t, z0, top_in)
    z0 = tuple(jnp.broadcast_to(x, e_t.shape) for x in z0)
    big = ~picard_quiet(z0, z1, pbar, e_t, g_top)    # the top (k = 0): a fixed point of the map as computed?
    z_all = select(big & (max_steps > 1), z1, z0)
    # After the top: z_{k−2} at the last even k (the top itself) and the two-step change before it
    hist_all = (z0, tuple(jnp.zeros_like(x) for x in z0))
    status_all = jnp.where(big, _RUNNING, int(Status.OK)).astype(jnp.int32)
    steps_all = jnp.ones((b,), jnp.int32)
    k = jnp.asarray(1, jnp.int32)

    def run(es, fs, z, hist, g, status, steps, k, limit):
        # Two steps per turn of the loop, from an odd k: an odd iterate is tested for a fixed
        # point only; an even one also for the certificate, and its iterate and two-step change
        # are kept (for every scenario: only running ones ever read them), in buffers of their
        # own (no array moves from one carried slot to another: XLA would copy it).
        def one(z, hist, g, status, steps, k, even):
            g, zn = image(es, fs, z, cols.inflows(z[0]))
            live = (status == _RUNNING) & (k < max_steps)
            done = picard_quiet(z, zn, pbar, es, g)
            if even:
                def certificate(ops):
                    z, back, d_back, es, g = ops
                    ok = picard_certified(z, back, d_back, pbar, es, g, tol_eff)
                    # (kept where the scenario goes on; written through a selection on the
                    # verdict, so that XLA updates the buffers in place after reading them)
                    return ok, (select(~ok, z, back), select(~ok, changes(back, z), d_back))

                def none(ops):
                    return jnp.zeros(status.shape, bool), ops[1:3]

                certified, hist = lax.cond(certify, certificate, none, (z, *hist, es, g))
                done = done | certified
            # at the cap the iterate is not moved: the answer keeps its computed image
            z = select(live & ~done & (k + 1 < max_steps), zn, z)
            status = jnp.where(live & done, int(Status.OK), status).astype(jnp.int32)
            steps = steps + live.astype(jnp.int32)
            return z, hist, g, status, steps, k + 1

        def cond(c):
            return (c[-1] > limit) & (c[-2] < max_steps)

        def body(c):
            z, hist, g, status, steps, k, _ = c
            # For a scenario that stopped, z is its answer and the products recompute its
            # claims (kept unconditionally: no selection pass); for a running one ``g`` is
            # stale until the next step, which nobody reads.
            z, hist, g, status, steps, k = one(z, hist, g, status, steps, k, False)
            z, hist, g, status, steps, k = one(z, hist, g, status, steps, k, True)
            return z, hist, g, status, steps, k, jnp.sum(status == _RUNNING, dtype=jnp.int32)

        running = jnp.sum(status == _RUNNING, dtype=jnp.int32)
        # Not solvers.iterate: the driver keeps one status for one iterate, while here every
        # scenario (column) carries its own status and stop step (the one-scenario kernel's, which
        # does run through the driver), and the stage ends when few enough still run to compact.
        return lax.while_loop(cond, body, (z, hist, g, status, steps, k, running))[:-1]

    caps = _stage_rows(b, n)
    # The loop's claims start as any [N, B] buffer that is free (the first step's payments):
    # the scenarios that stopped at the first step take the top's claims at the end instead.
    z, hist, g, status, steps, k = run(e_t, f_t, z_all, hist_all, z1[0], status_all, steps_all, k,
                                       caps[1] if len(caps) > 1 else 0)
    # The answer is kept by rows ([B, N]); each later stage gathers the scenarios still running
    # from the previous stage (rows: contiguous copies; work in proportion to that stage's size,
    # never B), and writes back every scenario it held when it ends.
    z_rows, g_rows = tuple(x.T for x in z), g.T
    status_all, steps_all = status, steps
    orig = jnp.arange(b, dtype=jnp.int32)
    for s in range(1, len(caps)):
        cap, limit = caps[s], (caps[s + 1] if s + 1 < len(caps) else 0)
        at = jnp.nonzero(status == _RUNNING, size=cap, fill_value=-1)[0]
        valid = at >= 0
        take = lambda x, i: jnp.take(x, i, axis=0, mode="clip")  # noqa: E731
        orig = jnp.where(valid, take(orig, at), b)
        src_rows = jnp.minimum(orig, b - 1)
        es = take(e, src_rows).T
        fs = f_t if forced is None else take(forced, src_rows).T
        z = tuple(take(x.T, at).T for x in z)
        hist = tuple(tuple(take(x.T, at).T for x in h) for h in hist)
        status = jnp.where(valid, _RUNNING, int(Status.OK)).astype(jnp.int32)
        steps = jnp.full((cap,), k, jnp.int32)
        z, hist, g, status, steps, k = run(es, fs, z, hist, jnp.zeros_like(es), status, steps, k, limit)
        put = lambda whole, part: whole.at[orig].set(part, mode="drop", unique_indices=True)  # noqa: E731
        z_rows = tuple(put(w, x.T) for w, x in zip(z_rows, z))
        g_rows, status_all, steps_all = put(g_rows, g.T), put(status_all, status), put(steps_all, steps)
    g_rows = jnp.where((steps_all == 1)[:, None], g_top.T, g_rows)
    return z_rows[0], (z_rows[1] if stakes else None), g_rows, steps_all, status_all


# --------------------------------------------------------------------------- the batch's result, and the entry point


def _clear_rows(net, e, forced, params, tol, max_iter, links=None, sparse: bool = False,
                ab: tuple | None = None) -> ClearingResult:
    """Picard clearing of a batch ``e`` ``[B, N]`` with the batched loop (:func:`_picard_rows`),
    then each scenario's result (the check at the answer, status) as :func:`clear_one` gives
    it, and its implicit derivatives (the one-scenario rule, vmapped)."""
    max_iter = 10_000 if max_iter is None else max_iter
    given = forced                                               # None: no forced defaults
    forced = jnp.zeros(e.shape, bool) if forced is None else forced
    theta = _clearing_theta(net, e, forced, params)
    net_s, e_s, forced_s, params_s = lax.stop_gradient(theta)   # the loop is never differentiated
    forced_s = None if given is None else forced_s
    if ab is not None:
        # alpha and beta given as plain numbers: constants to the compiler (alpha = beta = 1,
        # Eisenberg–Noe, then costs no multiplication and no [N, B] array of alpha·e)
        params_s = params_s._replace(alpha=ab[0], beta=ab[1])
    lk = _links(net_s, links) if sparse else None
    p, v, g, steps, status = _picard_rows(net_s, e_s, forced_s, params_s, effective_tol(tol, e.dtype), max_iter, lk)

    # The check at the answer, for the whole batch at once, from the claims the loop kept
    # (elementwise: no product).
    a = e_s + g
    prow = ClearingParams(*(None if x is None else (x[None, :] if jnp.ndim(x) == 1 else x) for x in params_s))
    p_chk, v_chk, defaulted = map_from_assets(net_s.total_liabilities[None, :], e_s, a,
                                              jnp.zeros((), bool) if given is None else forced_s, prow)
    # ``a - a`` is 0 where the assets ``a = e + g`` are finite and NaN where they are not (a NaN
    # or infinity in the scenario's input or its answer reaches them): added to the residual's
    # pass, it tests for both at no extra pass.
    if v is None:
        v = v_chk        # without stakes the equity is the map's at the answer
        residual = jnp.max(jnp.abs(p_chk - p) + (a - a), axis=-1)
        finite = jnp.isfinite(residual)
    else:
        residual = jnp.maximum(jnp.max(jnp.abs(p_chk - p), axis=-1), jnp.max(jnp.abs(v_chk - v), axis=-1))
        finite = jnp.isfinite(residual + jnp.sum(a - a, axis=-1))
    ok, nonfinite = int(Status.OK), int(Status.NONFINITE)
    status = jnp.where(finite & all_finite((net_s, params_s)), status, nonfinite)
    status = worst(status, jnp.where(jnp.any(net_s.self_loops), int(Status.INVALID), ok)).astype(jnp.int32)

    def one(net_, e_, f_, params_, p_, v_):
        def forward(th):
            return Solution((th[4], th[5]), jnp.asarray(ok, jnp.int32), jnp.asarray(0, jnp.int32),
                            jnp.zeros((), e_.dtype))
        return implicit_fixed_point(forward, _linearise)((net_, e_, f_, params_, p_, v_)).value

    p, v = jax.vmap(one, in_axes=(None, 0, 0, None, 0, 0))(theta[0], theta[1], theta[2], theta[3], p, v)
    return ClearingResult(p, v, defaulted, steps, status == ok, lax.stop_gradient(residual), status)


def solve_clearing(net, e: Array, *, forced_default: Array | None = None,
                   params: ClearingParams = ClearingParams(), method: str = "picard",
                   tol: float | None = None, max_iter: int | None = None,
                   size: int | str | None = "auto") -> ClearingResult:
    """Clear the network for one scenario (``e`` ``[N]``) or a batch (``e`` ``[B, N]``).

    Args:
      net: :class:`ClearingNetwork` or :class:`EdgeNetwork`, shared by every scenario.
      e: external assets after the shock, USD bn.
      forced_default: bool, ``[N]`` or shaped like ``e``; entities that default whatever
        their assets.
      params: Rogers–Veraart ``alpha``, ``beta`` (default 1, 1 = Eisenberg–Noe).
      method: ``"picard"``, ``"fictitious_default"`` (exact) or ``"hybrid"`` (module docstring).
      tol: relative tolerance on each entity's payment, as a share of its own obligations
        (status ``OK``: ``|p_i − p*_i| ≤ tol · pbar_i`` for every entity, up to round-off:
        :class:`~stressgpu.channels.clearing.ClearingResult`); default 1e-12 in float64 and
        1e-6 in float32, floored at 16 ulps.
      max_iter: cap on Picard steps or exact rounds (default: 10 000 steps; ``2N + 2`` rounds).
      size: the exact solvers' cap on unknowns per round: an int, None (N), or ``"auto"``
        (concrete inputs: about 1.25 times the defaulters found by a few Picard steps, and
        the scenarios that need more are solved again with N; traced inputs: N).

    Returns:
      :class:`ClearingResult` shaped like ``e``. ``status`` says whether each scenario is
      ``OK``; a self-loop in concrete ``net`` raises ``ValueError`` (traced: status INVALID).
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r}: allowed values are {', '.join(METHODS)}")
    _remember(net, "loops", lambda: check_no_self_loops(net))
    e = jnp.asarray(e)
    if not jnp.issubdtype(e.dtype, jnp.floating):
        e = e.astype(jnp.result_type(float))
    # (arrays already of the batch's dtype pass as they are: a conversion per leaf is a third of
    # the host's time for a small batch)
    net = jax.tree_util.tree_map(
        lambda x: x if isinstance(x, jax.Array) and x.dtype == e.dtype else jnp.asarray(x, e.dtype), net)
    n = e.shape[-1]
    if method == "picard" and e.ndim == 2:
        given = None if forced_default is None else jnp.broadcast_to(jnp.asarray(forced_default, bool), e.shape)
        traced = any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves((net, e, given, params)))
        sparse, index = _form(net, n, traced)
        plain = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (params.alpha, params.beta))
        ab = (float(params.alpha), float(params.beta)) if plain else None
        return _clear_rows_jit(net, e, given, params, tol, max_iter, index, sparse, ab)
    forced = jnp.zeros(e.shape, bool) if forced_default is None else jnp.broadcast_to(jnp.asarray(forced_default, bool), e.shape)
    traced = any(isinstance(x, jax.core.Tracer) for x in jax.tree_util.tree_leaves((net, e, forced, params)))
    if method == "picard" or size is None or traced:
        size = n if (size in (None, "auto") or method == "picard") else int(size)
        return _clear_many(net, e, forced, params, method, tol, max_iter, size)
    if size != "auto":
        return _clear_many(net, e, forced, params, method, tol, max_iter, int(size))
    guess = _first_guess_size(net, e, forced, params)
    res = _clear_many(net, e, forced, params, method, tol, max_iter, guess)
    if guess >= n:
        return res
    # Scenarios whose default set outgrew the guess report SINGULAR: solve them again with N.
    retry = jnp.asarray(res.status) == Status.SINGULAR
    if not bool(jnp.any(retry)):
        return res
    if e.ndim == 1:
        return _clear_many(net, e, forced, params, method, tol, max_iter, n)
    idx = jnp.flatnonzero(retry)
    again = _clear_many(net, e[idx], forced[idx], params, method, tol, max_iter, n)
    return jax.tree_util.tree_map(lambda a, b: a.at[idx].set(b), res, again)


def _first_guess_size(net, e, forced, params) -> int:
    """Unknowns the exact solver is likely to need: the defaulters after a few Picard steps
    from the top (a subset of the final set), with a quarter more for the rounds to come, plus
    the held entities; rounded up to a multiple of 32, at most N."""
    n = e.shape[-1]
    count = _warm_default_count(net, e, forced, params)
    need = int(1.25 * int(count)) + int(jnp.sum(_held(net))) + 8
    return min(n, 32 * -(-need // 32))


@jax.jit
def _warm_default_count(net, e, forced, params):
    def one(ei, fi):
        z = _picard_steps(net, ei, fi, params, _top(net, ei), _WARM_STEPS)
        return jnp.sum(_regimes(net, ei, fi, params, *z).lin)
    eb, fb = (e, forced) if e.ndim == 2 else (e[None], forced[None])
    return jnp.max(jax.vmap(one)(eb, fb))


def _clear_many(net, e, forced, params, method, tol, max_iter, size):
    if e.ndim == 1:
        return _clear_jit(net, e, forced, params, method, tol, max_iter, size)
    if method == "picard" and e.ndim == 2:
        return _clear_rows_jit(net, e, forced, params, tol, max_iter)
    return _clear_batched(net, e, forced, params, method, tol, max_iter, size)


def _clear_kernel(net, e, forced, params, method, tol, max_iter, size):
    return clear_one(net, e, forced, params, method=method, tol=tol, max_steps=max_iter, size=size)


_STATIC = ("method", "max_iter", "size")
_clear_jit = partial(jax.jit, static_argnames=_STATIC)(_clear_kernel)


@partial(jax.jit, static_argnames=_STATIC)
def _clear_batched(net, e, forced, params, method, tol, max_iter, size):
    return jax.vmap(lambda ei, fi: clear_one(net, ei, fi, params, method=method, tol=tol,
                                             max_steps=max_iter, size=size))(e, forced)


_clear_rows_jit = partial(jax.jit, static_argnames=("max_iter", "sparse", "ab"))(_clear_rows)


_SPARSE_MIN_N = 128        # the link form is considered from this many entities
_SPARSE_DENSITY = 1 / 32   # ... and used below this share of the N² pairs linked
_LINK_CACHE: dict = {}     # (id of a network's array, what) -> (weak reference to it, what was found)


def _form(net, n: int, traced: bool):
    """The batched Picard loop's form, ``(sparse, index)``: dense ``[B, N] × [N, N]``
    products, or the link form (``2·E`` FLOPs per scenario and step instead of ``2·N²``) when
    the network has fewer than ``N² / 32`` links and at least 128 entities. The link indices
    of a concrete network are found once on the host and kept while the array lives; a dense
    network under an outer ``jit`` (traced: its links cannot be counted) stays dense, a traced
    :class:`EdgeNetwork` finds them from its one-hot rows inside the computation."""
    edge = isinstance(net, EdgeNetwork)
    if n < _SPARSE_MIN_N or (traced and not edge):
        return False, None
    if edge and int(net.amount.shape[0]) >= _SPARSE_DENSITY * n * n:
        return False, None
    if isinstance(net.borrower if edge else net.liabilities, jax.core.Tracer):
        return True, None

    def find():
        if edge:
            return True, (jnp.asarray(np.argmax(np.asarray(net.lender), axis=1), jnp.int32),
                          jnp.asarray(np.argmax(np.asarray(net.borrower), axis=1), jnp.int32))
        dense = np.asarray(net.liabilities)
        if np.count_nonzero(dense) >= _SPARSE_DENSITY * n * n:
            return False, None
        dst, src = np.nonzero(dense.T)                      # ordered by lender
        return True, (jnp.asarray(dst, jnp.int32), jnp.asarray(src, jnp.int32))
    return _remember(net, "form", find)


def _remember(net, what: str, find):
    """``find()``, kept for a concrete network while its liabilities array lives (the same
    network is cleared again and again: its links and its self-loop check are found once).
    Traced or unreferenceable arrays are not kept."""
    key = net.borrower if isinstance(net, EdgeNetwork) else net.liabilities
    if isinstance(key, jax.core.Tracer) or not isinstance(key, jax.Array):   # NumPy arrays can change
        return find()
    hit = _LINK_CACHE.get((id(key), what))
    if hit is not None and hit[0]() is key:
        return hit[1]
    out = find()
    try:
        ref = weakref.ref(key)
    except TypeError:
        return out
    for k in [k for k, (r, _) in _LINK_CACHE.items() if r() is None]:
        del _LINK_CACHE[k]
    _LINK_CACHE[(id(key), what)] = (ref, out)
    return out

"""The one fixed-point driver: a step goes in, a value and a status come out.

Every iterative loop of the engine (Picard and exact clearing, fire sales, both DebtRanks, the
Furfine cascade, the contagion rounds of a quarter, network reconstruction) supplies only its
step; the loop itself, the stopping rule, the cap on steps, the round-off floor of the
tolerance, the detection of NaN/inf and the status code live here, once. The pattern is
optimistix's ``iterative_solve`` / diffrax's result codes: a solver never raises under ``vmap``
(one scenario's failure must not kill a batch of a million); it returns a
:class:`~stressgpu._types.Status` with its answer, and the host decides what to do with it
(:func:`raise_if_failed` at the top level).

Implicit differentiation (:func:`implicit_fixed_point`) is an option of the driver: the
derivative of a fixed point ``x* = Φ(x*, θ)`` comes from ``(I − ∂Φ/∂x) dx = ∂Φ/∂θ dθ`` solved at
``x*`` (the implicit function theorem), never from unrolling the loop. It is written as a
``custom_jvp`` around a ``lax.custom_linear_solve``, so forward mode (``jvp``, ``jacfwd``) and
reverse mode (``grad``, ``vjp``: JAX transposes the linear solve) both work, under ``jit`` and
``vmap``.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.flatten_util import ravel_pytree

from ._types import Status, status_name

Array = jax.Array
PyTree = Any

# A tolerance below a few ulps could never be met by a loop that stalls on adjacent floats.
ULPS_FLOOR = 16.0


class Solution(NamedTuple):
    """What every solver returns (one scenario; a leading batch axis after ``vmap``).

    value: the solver's answer (a PyTree); status: int32 :class:`Status` code; steps: int32
    steps taken; residual: the last step's sup-norm change (in the loop's own units, scaled as
    the solver states); zero for a loop that ends on its own ``done`` rule.
    """

    value: PyTree
    status: Array
    steps: Array
    residual: Array


def default_tol(dtype) -> float:
    """Default relative tolerance: 1e-12 in float64, 1e-6 in float32 (and lower precisions)."""
    return 1e-12 if jnp.dtype(dtype) == jnp.float64 else 1e-6


def effective_tol(tol, dtype) -> Array:
    """``tol`` (None: :func:`default_tol`) floored at ``ULPS_FLOOR`` ulps of ``dtype``."""
    tol = default_tol(dtype) if tol is None else tol
    return jnp.maximum(jnp.asarray(tol, dtype), ULPS_FLOOR * jnp.finfo(dtype).eps)


def float_arrays(*xs) -> tuple:
    """``xs`` as JAX arrays of one floating dtype: their common type, or the default float
    when they are all integers or booleans (lists and scalars accepted)."""
    arrays = [jnp.asarray(x) for x in xs]
    floats = [a for a in arrays if jnp.issubdtype(a.dtype, jnp.floating)]
    dtype = jnp.result_type(*floats) if floats else jnp.result_type(float)
    return tuple(a.astype(dtype) for a in arrays)


def _float_leaves(tree) -> list:
    return [x for x in jax.tree_util.tree_leaves(tree) if jnp.issubdtype(jnp.asarray(x).dtype, jnp.inexact)]


def all_finite(tree) -> Array:
    """True when every float entry of ``tree`` is finite (a scalar bool; True for no floats)."""
    leaves = _float_leaves(tree)
    if not leaves:
        return jnp.asarray(True)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


def sup_change(old, new) -> Array:
    """``max |new − old|`` over every float entry of two PyTrees of the same structure."""
    diffs = [jnp.max(jnp.abs(n - o), initial=0.0) for o, n in zip(_float_leaves(old), _float_leaves(new))]
    if not diffs:
        return jnp.asarray(0.0)
    return jnp.max(jnp.stack([d.astype(diffs[0].dtype) for d in diffs]))


def worst(*statuses) -> Array:
    """The worst of several status codes (elementwise; codes are ordered by severity)."""
    out = jnp.asarray(statuses[0], jnp.int32)
    for s in statuses[1:]:
        out = jnp.maximum(out, jnp.asarray(s, jnp.int32))
    return out


def iterate(step: Callable, x0: PyTree, *, max_steps, tol=None, scale=1.0,
            done: Callable | None = None, check: Callable | None = None) -> Solution:
    """Run ``x ← step(x)`` from ``x0`` until it settles; never raises, always reports.

    Args:
      step: ``x -> x_new``, a pure function of one scenario's state (a PyTree).
      x0: the starting state.
      max_steps: cap on steps (int or int array; a problem-sized cap such as ``2N + 10`` for
        set-growing loops is the caller's choice).
      tol: relative tolerance on the sup-norm change of the float leaves (None: 1e-12 in
        float64, 1e-6 in float32), floored at a few ulps and multiplied by ``scale``.
      scale: the units of the change (e.g. ``max(1, max pbar)`` for payments in USD bn).
      done: optional ``(x_old, x_new) -> bool`` that replaces the tolerance test, for loops
        that end on a discrete event (a default set that stops growing); it is also asked
        about ``(x0, x0)``, so such a loop may take no step at all.
      check: optional ``x_new -> status`` for a failure only the step can see (a singular
        linear system); a status other than ``OK`` stops the loop with that status.

    Returns:
      :class:`Solution`: ``status`` is ``OK`` when the stopping rule held, ``MAX_STEPS`` when
      the cap came first, ``NONFINITE`` when a NaN or infinity appeared in the state (the loop
      stops at once), or whatever ``check`` reported.
    """
    leaves = _float_leaves(x0)
    dtype = leaves[0].dtype if leaves else jnp.result_type(float)
    thresh = effective_tol(tol, dtype) * jnp.asarray(scale, dtype)
    max_steps = jnp.asarray(max_steps, jnp.int32)

    def verdict(old, new):
        # A loop with its own stopping rule reports no change: the sup-norm over every leaf of
        # its state (a whole balance sheet in the contagion rounds) would cost reductions per
        # step that nobody reads.
        change = sup_change(old, new).astype(dtype) if done is None else jnp.zeros((), dtype)
        settled = done(old, new) if done is not None else change <= thresh
        bad = jnp.where(all_finite(new), int(Status.OK), int(Status.NONFINITE)).astype(jnp.int32)
        if check is not None:
            # The step's own diagnosis (a singular system) explains the NaN it produced.
            own = jnp.asarray(check(new), jnp.int32)
            bad = jnp.where(own != int(Status.OK), own, bad)
        return jnp.asarray(settled, bool), bad, change

    def cond(c):
        _, k, settled, bad, _ = c
        return (~settled) & (bad == int(Status.OK)) & (k < max_steps)

    def body(c):
        x, k, _, _, _ = c
        new = step(x)
        settled, bad, change = verdict(x, new)
        return new, k + 1, settled, bad, change

    start_bad = jnp.where(all_finite(x0), int(Status.OK), int(Status.NONFINITE)).astype(jnp.int32)
    # A discrete stopping rule may hold before any step (a cascade with nothing to spread).
    start_settled = jnp.asarray(done(x0, x0), bool) if done is not None else jnp.asarray(False)
    init = (x0, jnp.asarray(0, jnp.int32), start_settled, start_bad, jnp.asarray(jnp.inf, dtype))
    x, k, settled, bad, change = lax.while_loop(cond, body, init)
    status = jnp.where(bad != int(Status.OK), bad, jnp.where(settled, int(Status.OK), int(Status.MAX_STEPS)))
    return Solution(x, status.astype(jnp.int32), k, change)


# --------------------------------------------------------------------------- implicit adjoint


def _float0_like(x):
    return np.zeros(np.shape(x), dtype=jax.dtypes.float0)


def _zero_tangent(x):
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.zeros_like(x)
    return _float0_like(x)


def _dense_solve(matvec, b):
    """Solve the linear operator ``matvec`` (materialised by columns) against ``b``."""
    a = jax.jacfwd(matvec)(jnp.zeros_like(b))
    return jnp.linalg.solve(a, b)


def implicit_fixed_point(forward: Callable[[PyTree], Solution],
                         linearise: Callable[..., PyTree], *, has_aux: bool = False) -> Callable[[PyTree], Solution]:
    """Wrap ``forward(θ) -> Solution`` so that derivatives of ``value`` are implicit.

    ``linearise(x, θ)`` is the map whose fixed point ``forward`` finds (``x* = Φ(x*, θ)``);
    at a kink it must pick the branch the solver selected (the caller's convention). The
    derivative of ``x*`` in a direction ``dθ`` solves ``(I − ∂Φ/∂x) dx = ∂Φ/∂θ · dθ`` with a
    dense solve of size ``len(ravel(x))`` (jaxopt's ``implicit_diff`` / optimistix's
    ``ImplicitAdjoint``). Integer and boolean leaves of ``θ`` get no tangent. Status, steps
    and residual carry no derivative. Cost does not depend on how many steps ``forward`` took.

    ``has_aux``: ``forward``'s value is ``(x, aux)``; ``aux`` (e.g. the order in which a
    set-valued loop visited entities) is passed to ``linearise(x, θ, aux)`` and gets no
    derivative.
    """

    @jax.custom_jvp
    def solve(theta):
        return forward(theta)

    @solve.defjvp
    def solve_jvp(primals, tangents):
        (theta,), (theta_dot,) = primals, tangents
        sol = forward(theta)
        x, aux = sol.value if has_aux else (sol.value, None)
        lin = (lambda x_, th: linearise(x_, th, aux)) if has_aux else linearise
        flat_x, unravel = ravel_pytree(x)

        def phi_x(fx):
            return ravel_pytree(lin(unravel(fx), theta))[0]

        _, rhs = jax.jvp(lambda th: ravel_pytree(lin(x, th))[0], (theta,), (theta_dot,))

        def matvec(v):
            return v - jax.jvp(phi_x, (flat_x,), (v,))[1]

        dx = lax.custom_linear_solve(matvec, rhs, solve=_dense_solve, transpose_solve=_dense_solve)
        dvalue = (unravel(dx), jax.tree_util.tree_map(_zero_tangent, aux)) if has_aux else unravel(dx)
        tangent = Solution(dvalue, _float0_like(sol.status), _float0_like(sol.steps),
                           jnp.zeros_like(sol.residual))
        return sol, tangent

    return solve


# --------------------------------------------------------------------------- host boundary


class SolverError(RuntimeError):
    """Raised at the host boundary when asked to, naming the failing scenarios and causes."""


def status_counts(status) -> dict[str, int]:
    """``{"ok": n, "max_steps": n, ...}`` over every entry of a status array (host side)."""
    s = np.asarray(status).ravel()
    return {status_name(c): int((s == c).sum()) for c in Status}


def raise_if_failed(status, what: str = "solver") -> None:
    """Raise :class:`SolverError` when any scenario's status is not ``OK`` (host side only)."""
    s = np.asarray(status)
    bad = np.flatnonzero(s.ravel() != Status.OK)
    if bad.size:
        counts = {k: v for k, v in status_counts(s).items() if k != "ok" and v}
        raise SolverError(f"{what}: {bad.size} of {s.size} scenarios did not finish ok "
                          f"({', '.join(f'{k}: {v}' for k, v in counts.items())}); first: index {int(bad[0])}")

"""The exact clearing solvers (docs/model.md §5.2): fictitious default (Rogers & Veraart's Greatest
Clearing Vector Algorithm, generalised to cross-holdings) and the hybrid that starts it from a few
Picard steps. Each round fixes the regimes and solves their linear system for the unknowns only.
The entry point is :func:`.clearing.clear_one`."""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Status
from ..solvers import Solution, iterate
from .clearing_map import _assets, _short_sets, _threshold, short_of
from .clearing_picard import _picard_steps, _top

Array = jax.Array


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

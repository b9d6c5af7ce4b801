"""Calibrate shock sizes to observed market moves (docs/model.md §9).

Given observed equity returns of listed firms (``data/market_moves/*.csv``), find the shock
sizes whose valuation-implied returns (:mod:`stressgpu.valuation`) fit them best in least
squares, with a weak prior pulling the sizes' standard scores ``u`` towards their centre
(``½ λ uᵀ Σ⁻¹ u``, the plausibility of :mod:`stressgpu.reverse`). Exact forward-mode
gradients through the quarterly model; Adam from several starts; the best fit is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from .data.errors import DataError
from .dynamics import ModelParams, plan_borrowing, simulate_one
from .network import Network, NetworkLabels
from .reverse import precision_matrix
from .shocks import factors_from_z, neutral, shock_parameters
from .valuation import equity_value, implied_return


@dataclass
class CalibrationResult:
    sizes: dict[str, float]
    table: pd.DataFrame          # entity, observed, fitted (at the best sizes), centre (at the configured sizes)
    rmse: float
    rmse_at_centre: float
    r2: float
    loss_path: np.ndarray        # objective per step of the best start


def read_moves(path: str | Path, labels: NetworkLabels) -> pd.DataFrame:
    """Observed returns table; stops naming file, row and column on bad input."""
    path = Path(path)
    if not path.is_file():
        raise DataError([(str(path), None, None, "file not found")])
    df = pd.read_csv(path)
    problems = [(str(path), None, c, "required column is missing") for c in ("entity_id", "return", "source")
                if c not in df.columns]
    if problems:
        raise DataError(problems)
    for row, r in df.iterrows():
        if r.entity_id not in labels.ids:
            problems.append((str(path), row + 1, "entity_id", f"unknown entity id {r.entity_id!r}"))
        if not isinstance(r["return"], (int, float)) or not -1 <= r["return"] <= 10:
            problems.append((str(path), row + 1, "return", f"must be a fraction >= -1 (got {r['return']!r})"))
    if problems:
        raise DataError(problems)
    return df


def calibrate(net: Network, labels: NetworkLabels, shocks: dict, moves: pd.DataFrame, *,
              params: ModelParams, steps: int, starts: int, learning_rate: float, prior_weight: float,
              correlation: float, seed: int, cost_of_equity: float, terminal_growth: float) -> CalibrationResult:
    """Fit the free sizes of ``shocks`` to ``moves``; returns the fit and the fitted sizes (the
    settings' defaults live in ``config.CalibrateConfig``)."""
    params = replace(params, record_paths=True)
    dtype = net.cash.dtype
    specs = shock_parameters(shocks)
    free = np.array([s.dist != "fixed" for *_, s in specs])
    free_idx = jnp.asarray(np.nonzero(free)[0])
    P = len(specs)
    prec = precision_matrix(int(free.sum()), correlation).astype(dtype)
    idx = jnp.asarray([labels.index(e) for e in moves.entity_id])
    observed = jnp.asarray(moves["return"].to_numpy(), dtype)
    nf = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, dtype))
    plan_debt = plan_borrowing(net, params)           # the no-shock plan, solved once
    base_value = equity_value(simulate_one(net, nf, params, plan_debt), net, 1.0, cost_of_equity, terminal_growth)

    def fitted(u):
        z = jnp.zeros((1, P), dtype).at[0, free_idx].set(u)
        f, _ = factors_from_z(shocks, labels, z, dtype=dtype)
        f = jax.tree_util.tree_map(lambda x: x[0], f)
        v = equity_value(simulate_one(net, f, params, plan_debt), net, f.funding_mult, cost_of_equity, terminal_growth)
        return implied_return(v, base_value)[idx]

    def objective(u):
        err = jnp.nan_to_num(fitted(u) - observed)
        return jnp.mean(err ** 2) + 0.5 * prior_weight * u @ prec @ u

    opt = optax.adam(learning_rate)

    @jax.jit
    def search(u0):
        def step(carry, _):
            u, state = carry
            loss, g = objective(u), jax.jacfwd(objective)(u)
            upd, state = opt.update(g, state, u)
            return (optax.apply_updates(u, upd), state), loss

        def one(u):
            (u, _), losses = jax.lax.scan(step, (u, opt.init(u)), None, length=steps)
            return u, losses

        return jax.vmap(one)(u0)

    u0 = jax.random.normal(jax.random.PRNGKey(seed), (starts, int(free.sum())), dtype).at[0].set(0.0)
    u_end, losses = search(u0)
    final = jax.jit(jax.vmap(objective))(u_end)
    best = int(jnp.nanargmin(final))
    fit = np.asarray(jax.jit(fitted)(u_end[best]))
    centre = np.asarray(jax.jit(fitted)(jnp.zeros(int(free.sum()), dtype)))
    z_full = np.zeros(P)
    z_full[np.asarray(free_idx)] = np.asarray(u_end[best])
    _, sizes = factors_from_z(shocks, labels, jnp.asarray(z_full[None], dtype), dtype=dtype)
    obs = np.asarray(observed)
    table = pd.DataFrame({"entity_id": moves.entity_id, "observed": obs, "fitted": fit, "at_centre": centre})
    rmse = float(np.sqrt(np.nanmean((fit - obs) ** 2)))
    return CalibrationResult(
        sizes={k: float(v[0]) for k, v in sizes.items()}, table=table, rmse=rmse,
        rmse_at_centre=float(np.sqrt(np.nanmean((centre - obs) ** 2))),
        r2=float(1 - np.nansum((fit - obs) ** 2) / np.sum((obs - obs.mean()) ** 2)),
        loss_path=np.asarray(losses[best]),
    )

"""Calibrate shock sizes to an AI-market event day and validate on other days (docs/model.md §9).

A listed firm's return on an event day is its market beta times the market's return that day
plus the valuation-implied return of the shock (:mod:`stressgpu.model.valuation`):

    r_i = β_i R_m + (V_i(shock) / V_i(no shock) − 1).

The free sizes of the configured shocks are fitted to one day's cross-section as the posterior
mode: returns the shock does not explain are independent normal with standard deviation ``σ``
(``return_noise``, a firm's idiosyncratic news that day) and the sizes' standard scores ``u``
have the Monte Carlo prior of the shocks (``½ uᵀ Σ⁻¹ u``, the plausibility of
:mod:`stressgpu.reverse`), so the objective is ``Σ r_i² / (2σ²) + ½ uᵀ Σ⁻¹ u``. Exact
forward-mode gradients through the quarterly model, Adam (optax) from several starts, the best
fit kept. The sizes' standard errors come from the Gauss–Newton curvature at the fit, with the
residual variance the fit leaves. Validation carries the fitted
shock's *pattern* across firms to other event days: for each day only one number is fitted —
the intensity ``κ`` that scales the pattern (negative for a day that moved the other way) —
and the fit of ``β R_m + κ × pattern`` is reported beside the market-only fit ``β R_m``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import replace as dc_replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from .data import Tables
from .data.errors import DataError
from .data.schema import ITEMS
from .dynamics import simulate_one, solve_plan
from .model.params import ModelParams
from .network import Network, NetworkLabels, build_network
from .reverse import precision_matrix
from .shocks import factors_from_z, neutral, shock_parameters
from .model.valuation import implied_return

_SOFTPLUS_INV_ONE = float(np.log(np.expm1(1.0)))   # softplus(x) = 1
# Firms of the network in the S&P 500 during 2025 (TSMC, SoftBank and MUFG are foreign; CoreWeave,
# Nebius and IREN were not members): their own moves are taken out of the index's.
SP500_MEMBERS = ("nvidia", "amd", "broadcom", "microsoft", "alphabet", "amazon", "meta", "oracle", "jpmorgan",
                 "morgan_stanley", "goldman_sachs")


def market_ex_named(index_return: float, index_cap: float, moves: pd.DataFrame, caps: np.ndarray,
                    labels: NetworkLabels) -> float:
    """The index's return without the network's own members that moved that day:
    ``(R_m M − Σ_i c_i r_i) / (M − Σ_i c_i)`` over the S&P 500 members in ``moves`` (market caps
    ``caps`` [N], USD bn; index cap ``M``). The shock's effect on the named firms is the model's
    to explain; counting it in the market term too would count it twice (on the DeepSeek day the
    S&P 500 fell 1.5 % while the rest of the index rose). Without an index cap: ``R_m``."""
    if not index_cap > 0:
        return index_return
    rows = [(caps[labels.index(e)], r) for e, r in zip(moves.entity_id, moves["return"]) if e in SP500_MEMBERS]
    named = sum(c for c, _ in rows)
    if not 0 < named < index_cap:
        return index_return
    return (index_return * index_cap - sum(c * r for c, r in rows)) / (index_cap - named)

def day_market_return(event: pd.Series, moves: pd.DataFrame, net: Network, labels: NetworkLabels) -> float:
    """The market's return on the day of ``event`` (a row of ``events.csv``) without the network's
    own members in ``moves`` (:func:`market_ex_named`, at the row's index market cap)."""
    cap = float(event.get("index_market_cap_usd_bn", 0.0) or 0.0)
    return market_ex_named(float(event.market_return), cap, moves, np.asarray(net.economy.market_value), labels)


@dataclass
class Fit:
    """How well predicted returns match observed ones over a cross-section of firms."""

    r2: float          # 1 − SSR / SST
    signs: int         # firms whose predicted return has the observed sign
    firms: int
    rank_corr: float   # Spearman rank correlation
    rmse: float


@dataclass
class CalibrationResult:
    sizes: dict[str, float]
    size_se: dict[str, float]    # standard errors from the Gauss–Newton curvature
    table: pd.DataFrame          # entity, beta, market part, observed, fitted, at_centre (configured sizes)
    fit: Fit
    fit_at_centre: Fit
    fit_market_only: Fit
    loss_path: np.ndarray        # objective per step of the best start
    pattern: np.ndarray          # [N] the fitted day's implied return of every entity (NaN: no value)
    scores: np.ndarray           # [F] the fitted sizes' standard scores (the intensity apart)
    network: str | None = None   # the dated network file the day was priced on (None: the data's)


@dataclass
class Validation:
    event: str
    date: str
    intensity: float
    table: pd.DataFrame          # entity, observed, market part, predicted
    fit: Fit
    fit_market_only: Fit


def fit_stats(observed, predicted) -> Fit:
    """R², sign agreement, Spearman rank correlation and RMSE of ``predicted`` against ``observed``."""
    o, p = np.asarray(observed, float), np.asarray(predicted, float)
    ok = np.isfinite(o) & np.isfinite(p)
    o, p = o[ok], p[ok]
    sst = float(np.sum((o - o.mean()) ** 2))
    r2 = 1.0 - float(np.sum((p - o) ** 2)) / sst if sst > 0 else float("nan")
    rank = float(pd.Series(o).rank().corr(pd.Series(p).rank())) if len(o) > 2 else float("nan")
    return Fit(r2, int(np.sum(np.sign(o) == np.sign(p))), int(len(o)), rank, float(np.sqrt(np.mean((p - o) ** 2))))


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
        if not isinstance(r["return"], (int, float)) or not np.isfinite(r["return"]) or not -1 <= r["return"] <= 10:
            problems.append((str(path), row + 1, "return", f"must be a fraction >= -1 (got {r['return']!r})"))
    if problems:
        raise DataError(problems)
    return df


def read_events(directory: str | Path) -> pd.DataFrame:
    """``events.csv`` of a market-moves folder: one row per event day with its market return."""
    path = Path(directory) / "events.csv"
    if not path.is_file():
        raise DataError([(str(path), None, None, "file not found")])
    df = pd.read_csv(path)
    need = ("event_id", "date", "file", "market_return")
    problems = [(str(path), None, c, "required column is missing") for c in need if c not in df.columns]
    if problems:
        raise DataError(problems)
    for row, r in df.iterrows():
        if not isinstance(r.market_return, (int, float)) or not np.isfinite(r.market_return) or abs(r.market_return) > 0.5:
            problems.append((str(path), row + 1, "market_return", f"must be a fraction in [-0.5, 0.5] (got {r.market_return!r})"))
        if not (Path(directory) / str(r.file)).is_file():
            problems.append((str(path), row + 1, "file", f"no such file {r.file!r} beside events.csv"))
    if problems:
        raise DataError(problems)
    return df


def dated_tables(tables: Tables, path: Path) -> Tables:
    """The tables with balance-sheet items replaced by those of ``path`` (a network dated at an
    event: ``entity_id,item,value,as_of,source,...``), so that a day is priced on the firms as
    they stood then (docs/model.md §9); a dated revenue scales the firm's operating costs in
    proportion (its cost structure stays the data's). Stops naming file, row and column on bad input."""
    df = pd.read_csv(path)
    problems = [(str(path), None, c, "required column is missing") for c in ("entity_id", "item", "value", "source")
                if c not in df.columns]
    ids = set(tables.entities["id"])
    for row, r in df.iterrows() if not problems else []:
        if r.entity_id not in ids:
            problems.append((str(path), row + 1, "entity_id", f"unknown entity id {r.entity_id!r}"))
        if r["item"] not in ITEMS:
            problems.append((str(path), row + 1, "item", f"unknown item {r['item']!r}"))
        if not isinstance(r.value, (int, float)) or not np.isfinite(r.value) or r.value < 0:
            problems.append((str(path), row + 1, "value", f"must be a finite number >= 0 (got {r.value!r})"))
    if problems:
        raise DataError(problems)
    bs = tables.balance_sheets.copy()
    # A firm's cost structure is the data's: a dated revenue scales its operating costs with it.
    old = bs[bs["item"] == "revenue"].set_index("entity_id")["value"]
    scaled = []
    for _, r in df[df["item"] == "revenue"].iterrows():
        given = set(df[df.entity_id == r.entity_id]["item"])
        for item in ("opex", "sticky_opex"):
            hit = (bs.entity_id == r.entity_id) & (bs["item"] == item)
            if item not in given and hit.any() and old.get(r.entity_id, 0) > 0:
                scaled.append((hit, float(bs.loc[hit, "value"].iloc[0]) * float(r.value) / float(old[r.entity_id])))
    for hit, value in scaled:
        bs.loc[hit, "value"] = value
    for _, r in df.iterrows():
        hit = (bs.entity_id == r.entity_id) & (bs["item"] == r["item"])
        if hit.any():
            bs.loc[hit, "value"] = float(r.value)
        else:
            bs = pd.concat([bs, pd.DataFrame([{**{c: None for c in bs.columns}, "entity_id": r.entity_id,
                                                "item": r["item"], "value": float(r.value)}])], ignore_index=True)
    return dc_replace(tables, balance_sheets=bs)


def event_network(tables: Tables, moves_file: Path, dtype) -> tuple[Network, NetworkLabels, str | None]:
    """The network a day is priced on: the data's, with the overrides of the event's dated network
    file where ``events.csv`` names one (column ``network``)."""
    try:
        ev = read_events(moves_file.parent)
    except DataError:
        ev = pd.DataFrame()
    hit = ev[ev.file == moves_file.name] if len(ev) else ev
    name = hit.network.iloc[0] if len(hit) and "network" in hit.columns and isinstance(hit.network.iloc[0], str) else None
    if name is not None:
        tables = dated_tables(tables, moves_file.parent / name)
    net, labels = build_network(tables, dtype=dtype)
    return net, labels, name


def market_return_of(moves_file: Path) -> tuple[float, float]:
    """``(return, index market cap USD bn)`` of the market on the day of ``moves_file``, from
    ``events.csv`` beside it (``(0, 0)`` if not listed; cap 0 where the file gives none)."""
    try:
        ev = read_events(moves_file.parent)
    except DataError:
        return 0.0, 0.0
    hit = ev[ev.file == moves_file.name]
    if not len(hit):
        return 0.0, 0.0
    cap = float(hit.index_market_cap_usd_bn.iloc[0]) if "index_market_cap_usd_bn" in hit.columns else 0.0
    return float(hit.market_return.iloc[0]), cap if np.isfinite(cap) else 0.0


def calibrate(net: Network, labels: NetworkLabels, shocks: dict, moves: pd.DataFrame, *, market_return: float,
              params: ModelParams, steps: int, starts: int, learning_rate: float, return_noise: float,
              correlation: float, seed: int) -> CalibrationResult:
    """Fit the free sizes of ``shocks`` to the observed returns ``moves`` of one event day whose
    market return was ``market_return`` (settings' defaults in ``config.CalibrateConfig``)."""
    params = replace(params, record_paths=False)
    dtype = net.cash.dtype
    specs = shock_parameters(shocks)
    free = np.array([s.dist != "fixed" for *_, s in specs])
    free_idx = jnp.asarray(np.nonzero(free)[0])
    P, F = len(specs), int(free.sum())
    prec = precision_matrix(F, correlation).astype(dtype)
    idx = jnp.asarray([labels.index(e) for e in moves.entity_id])
    observed = jnp.asarray(moves["return"].to_numpy(), dtype)
    beta = net.economy.equity_beta
    market = beta[idx] * market_return
    pattern = implied_returns_of(net, labels, shocks, params)

    def residual(u):
        # The day prices the scenario with an intensity (probability) ``κ = softplus(u[F])`` in (0, ∞).
        return jnp.nan_to_num(market + jax.nn.softplus(u[F]) * pattern(u)[idx] - observed)

    def objective(u):
        return 0.5 * jnp.sum(residual(u) ** 2) / return_noise ** 2 + 0.5 * u[:F] @ prec @ u[:F]

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

    u0 = jax.random.normal(jax.random.PRNGKey(seed), (starts, F + 1), dtype).at[0].set(0.0)
    u0 = u0.at[:, F].set(_SOFTPLUS_INV_ONE)           # every start at intensity 1
    u_end, losses = search(u0)
    final = jax.jit(jax.vmap(objective))(u_end)
    best = int(jnp.nanargmin(final))
    u_best = u_end[best]
    shape = np.asarray(jax.jit(pattern)(u_best))
    kappa = float(jax.nn.softplus(u_best[F]))
    shape = kappa * shape                                     # the fitted day's implied returns
    centre = np.asarray(jax.jit(pattern)(jnp.zeros(F + 1, dtype)))
    sizes, se = _sizes_with_errors(shocks, labels, free_idx, P, u_best, residual, prec, dtype)
    obs, mkt = np.asarray(observed), np.asarray(market)
    fitted = mkt + shape[np.asarray(idx)]
    at_centre = mkt + centre[np.asarray(idx)]
    table = pd.DataFrame({"entity_id": moves.entity_id, "beta": np.asarray(beta)[np.asarray(idx)], "market_part": mkt,
                          "observed": obs, "fitted": fitted, "at_centre": at_centre})
    return CalibrationResult(sizes=sizes, size_se=se, table=table, fit=fit_stats(obs, fitted),
                             fit_at_centre=fit_stats(obs, at_centre), fit_market_only=fit_stats(obs, mkt),
                             loss_path=np.asarray(losses[best]), pattern=shape, scores=np.asarray(u_best[:F]))


def implied_returns_of(net: Network, labels: NetworkLabels, shocks: dict, params: ModelParams):
    """``u -> [N]`` valuation-implied returns at t = 0 of the shocks whose free sizes have standard
    scores ``u[:F]`` (extra entries of ``u`` are ignored); the no-shock plan is solved once."""
    dtype = net.cash.dtype
    specs = shock_parameters(shocks)
    free_idx = jnp.asarray(np.nonzero([s.dist != "fixed" for *_, s in specs])[0])
    P, F = len(specs), int(free_idx.shape[0])
    plan = solve_plan(net, params)                    # the no-shock plan and priced-in growth, solved once
    nf = jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, dtype))
    base_value = simulate_one(net, nf, params, plan).market_value

    def pattern(u):
        z = jnp.zeros((1, P), dtype).at[0, free_idx].set(u[:F])
        f, _ = factors_from_z(shocks, labels, z, dtype=dtype)
        f = jax.tree_util.tree_map(lambda x: x[0], f)
        return implied_return(simulate_one(net, f, params, plan).market_value, base_value)

    return pattern


def _sizes_with_errors(shocks, labels, free_idx, P, u, residual, prec, dtype):
    """Fitted sizes (and the day's intensity) with standard errors: the Gauss–Newton covariance
    of the scores, ``(JᵀJ / σ² + Σ⁻¹)⁻¹`` with ``σ² = SSR / (n − p)``, mapped to sizes
    through the Jacobian of the score-to-size map (delta method)."""
    F = u.shape[0] - 1
    J = np.asarray(jax.jit(jax.jacfwd(residual))(u))
    r = np.asarray(jax.jit(residual)(u))
    n, p = J.shape
    sigma2 = float(r @ r) / max(n - p, 1)
    prior = np.zeros((F + 1, F + 1))
    prior[:F, :F] = np.asarray(prec)
    cov_u = np.linalg.pinv(J.T @ J / max(sigma2, 1e-12) + prior)

    def to_sizes(v):
        z = jnp.zeros((1, P), dtype).at[0, free_idx].set(v[:F])
        _, s = factors_from_z(shocks, labels, z, dtype=dtype)
        return jnp.concatenate([jnp.stack([x[0] for x in s.values()]), jax.nn.softplus(v[F:])])

    names = [*factors_from_z(shocks, labels, jnp.zeros((1, P), dtype), dtype=dtype)[1], "intensity"]
    values = np.asarray(to_sizes(u))
    D = np.asarray(jax.jacfwd(to_sizes)(u))                   # [sizes, scores]
    var = np.einsum("ij,jk,ik->i", D, cov_u, D)
    return ({k: float(v) for k, v in zip(names, values)},
            {k: float(np.sqrt(max(s, 0.0))) for k, s in zip(names, var)})


def validate(res: CalibrationResult, tables: Tables, shocks: dict, params: ModelParams, events: pd.DataFrame,
             directory: Path, *, skip: str | None = None, dtype=jnp.float64) -> list[Validation]:
    """Carry the fitted sizes to every event of ``events`` except ``skip`` (a file name), each
    priced on its own dated network where it has one: per day, the intensity ``κ`` that fits
    ``β R_m + κ · pattern`` best (least squares, one number) and the fit it gives, beside the
    market-only fit."""
    out = []
    params = replace(params, record_paths=False)
    for _, ev in events.iterrows():
        if skip is not None and ev.file == skip:
            continue
        net, labels, _ = event_network(tables, directory / ev.file, dtype)
        pattern = np.asarray(jax.jit(implied_returns_of(net, labels, shocks, params))(jnp.asarray(res.scores, dtype)))
        moves = read_moves(directory / ev.file, labels)
        idx = np.asarray([labels.index(e) for e in moves.entity_id])
        obs = moves["return"].to_numpy(float)
        r_ex = day_market_return(ev, moves, net, labels)
        mkt = np.asarray(net.economy.equity_beta)[idx] * r_ex
        x = np.nan_to_num(pattern[idx])
        kappa = float(x @ (obs - mkt) / (x @ x)) if x @ x > 0 else 0.0
        pred = mkt + kappa * x
        table = pd.DataFrame({"entity_id": moves.entity_id, "observed": obs, "market_part": mkt, "predicted": pred})
        out.append(Validation(str(ev.event_id), str(ev.date), kappa, table, fit_stats(obs, pred), fit_stats(obs, mkt)))
    return out

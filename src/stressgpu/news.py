"""News days: one firm's news, propagated through the network to the other firms (docs/calibration.md).

A day whose news is about one firm (Oracle's backlog, the AMD–OpenAI supply deal, Nvidia's
earnings) enters the model as that firm's own shock, and the model is judged on what it predicts
for the *other* firms — the network's propagation — without refitting anything (docs/model.md §9).

The firm's news revises its AI business: its AI revenue lines and the AI part of its planned
capex both scale by ``1 + s`` (``Factors.revenue_mult`` and ``Factors.capex_scale`` of that firm
alone). The size ``s`` is read off the firm's own move, as an event study reads the news from the
price: the ``s`` at which the firm's valuation-implied return equals its observed return less its
market part, ``r_j(s) = R_j − β_j R_m``. The other firms then move through the links of the
network only:

* its capex orders AI hardware: more (or fewer) orders move the hardware market's scarcity price,
  so chipmakers' AI revenue moves (``stressgpu.model.value_chain``);
* the capacity it builds competes in the compute market: other compute sellers' rental price
  and utilisation move the other way;
* holders of its equity and debt revalue their claims; its contracts and power purchases follow
  its capacity.

Each other listed firm's predicted return is ``β_i R_m + r_i(s)``; the fit (R², signs, rank
correlation) is reported beside the market term alone. ``R_m`` is the index's return without the
network's own S&P 500 members (:func:`stressgpu.calibrate.market_ex_named`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from .batch import tiled
from .calibrate import Fit, day_market_return, event_network, fit_stats, read_moves
from .data import Tables
from .data.errors import DataError
from .dynamics import simulate_one, solve_plan
from .model.params import ModelParams
from .model.valuation import implied_return
from .network import Network, NetworkLabels
from .shocks import neutral
from .shocks.base import Factors, replace as replace_factors

NEWS_FILE = "news.csv"
# The range of (1 + s) searched for the firm's own implied return: from a business cut to a fifth
# to one five times its plan. Each round evaluates _POINTS scales at once (one batch, one compiled
# program for every round and day) and keeps the bracket where the return crosses the target.
_SCALE_RANGE = (0.2, 5.0)
_POINTS = 32
_ROUNDS = 6


@dataclass
class NewsDay:
    """One news day's prediction for the firms the news was not about."""

    event: str
    date: str
    firm: str                  # the firm the news is about
    size: float                # s: its AI business scaled by 1 + s
    own_target: float          # its observed return less its market part
    own_implied: float         # r_j(s): equals own_target unless the grid could not reach it
    reached: bool
    table: pd.DataFrame        # entity_id, beta, observed, market_part, network_part, predicted (others only)
    fit: Fit
    fit_market_only: Fit


def read_news(directory: str | Path, labels: NetworkLabels, events: pd.DataFrame) -> pd.DataFrame:
    """``news.csv`` of a market-moves folder: ``event_id, entity_id, ...`` — the firm each single-firm
    news day is about. Stops naming file, row and column on bad input."""
    path = Path(directory) / NEWS_FILE
    if not path.is_file():
        raise DataError([(str(path), None, None, "file not found")])
    df = pd.read_csv(path, dtype={"event_id": str, "entity_id": str})
    problems = [(str(path), None, c, "required column is missing") for c in ("event_id", "entity_id", "source")
                if c not in df.columns]
    if problems:
        raise DataError(problems)
    if not len(df):
        raise DataError([(str(path), None, None, "no rows: a news table needs at least one day")])
    known = set(events.event_id)
    for row, r in df.iterrows():
        if r.event_id not in known:
            problems.append((str(path), row + 1, "event_id", f"unknown event {r.event_id!r} (events.csv has {sorted(known)})"))
        if r.entity_id not in labels.ids:
            problems.append((str(path), row + 1, "entity_id", f"unknown entity id {r.entity_id!r}"))
    dup = df.event_id[df.event_id.duplicated()]
    problems += [(str(path), int(i) + 1, "event_id", f"event {e!r} listed twice (one firm per news day)") for i, e in dup.items()]
    if problems:
        raise DataError(problems)
    return df


def news_factors(n: int, firm: int, scales, dtype) -> Factors:
    """Factors of ``len(scales)`` scenarios, each firm ``firm``'s news at one ``scales`` value
    (``1 + s``): its AI revenue lines and the AI part of its capex scaled, nothing else shocked."""
    scales = jnp.asarray(scales, dtype)
    f = neutral(scales.shape[0], n, dtype)
    mult = jnp.ones((scales.shape[0], n), dtype).at[:, firm].set(scales)
    return replace_factors(f, revenue_mult=mult, capex_scale=mult)


@jax.jit
def _market_values(net: Network, factors: Factors, params: ModelParams, plan) -> jax.Array:
    """``[B, N]`` t = 0 market values of the scenarios ``factors`` against the no-shock ``plan``
    (one compiled program per batch size, for every day's network)."""
    return tiled(jax.vmap(lambda f: simulate_one(net, f, params, plan).market_value), params.tile, factors)


def news_returns(net: Network, params: ModelParams, firm: int, scales, plan=None) -> np.ndarray:
    """``[S, N]`` valuation-implied returns at t = 0 of firm ``firm``'s news at each of ``scales``
    (``[S]``, ``1 + s``; 1 = no news) against the no-news plan (``plan``: solved here if None;
    callers that evaluate many batches on one network pass it once). The batch's first row is the
    no-news baseline."""
    plan = solve_plan(net, params) if plan is None else plan
    scales = np.concatenate([[1.0], np.atleast_1d(np.asarray(scales, float))])
    values = _market_values(net, news_factors(net.n, firm, scales, net.cash.dtype), params, plan)
    return np.asarray(implied_return(values[1:], values[0][None, :]))


def own_size(net: Network, params: ModelParams, firm: int, target: float) -> tuple[float, np.ndarray, bool]:
    """``(1 + s, r, reached)``, ``r`` ``[N]`` every firm's implied return at that scale: the scale
    at which firm ``firm``'s implied return equals ``target``, found by rounds of a grid search, each ``_POINTS`` scales in one batch, narrowing to the
    bracket where the return crosses the target (the crossing nearest no news), then linear
    interpolation inside it; where the range never reaches ``target``, its point closest to it
    (``reached`` False)."""
    plan = solve_plan(net, params)                    # the no-news plan, once for every round
    lo, hi = np.log(_SCALE_RANGE[0]), np.log(_SCALE_RANGE[1])
    for round_ in range(_ROUNDS):
        grid = np.exp(np.linspace(lo, hi, _POINTS))
        returns = news_returns(net, params, firm, grid, plan)                       # [_POINTS, N]
        gap = np.nan_to_num(returns[:, firm] - target, nan=np.inf)
        cross = np.nonzero(np.sign(gap[:-1]) != np.sign(gap[1:]))[0]
        if not len(cross):
            if round_ == 0:
                i = int(np.argmin(np.abs(gap)))
                return float(grid[i]), returns[i], False
            break                                      # the target sits on a grid point of the last round
        i = int(cross[np.argmin(np.abs(np.log(grid[cross])))])
        lo, hi, g_lo, g_hi = np.log(grid[i]), np.log(grid[i + 1]), gap[i], gap[i + 1]
    w = g_lo / (g_lo - g_hi) if np.isfinite(g_lo - g_hi) and g_lo != g_hi else 0.5
    scale = float(np.exp(lo + w * (hi - lo)))
    # The scale repeated to the rounds' batch size: the same compiled program, not a new one.
    return scale, news_returns(net, params, firm, [scale] * _POINTS, plan)[0], True


def predict_day(tables: Tables, params: ModelParams, event: pd.Series, firm: str, directory: Path,
                dtype=jnp.float64) -> NewsDay:
    """The news day ``event`` (a row of ``events.csv``) as firm ``firm``'s own shock, priced on the
    day's network; the prediction and fit for every other firm of the day's moves table."""
    params = replace(params, record_paths=False)
    net, labels, _ = event_network(tables, directory / event.file, dtype)
    moves = read_moves(directory / event.file, labels)
    if firm not in set(moves.entity_id):
        raise DataError([(str(directory / event.file), None, "entity_id",
                          f"the news firm {firm!r} of {NEWS_FILE} has no observed return that day")])
    r_m = day_market_return(event, moves, net, labels)
    beta = np.asarray(net.economy.equity_beta)
    j = labels.index(firm)
    observed_j = float(moves.loc[moves.entity_id == firm, "return"].iloc[0])
    target = observed_j - beta[j] * r_m
    scale, implied, reached = own_size(net, params, j, target)
    own_implied = float(implied[j])
    others = moves[moves.entity_id != firm]
    idx = np.asarray([labels.index(e) for e in others.entity_id])
    obs = others["return"].to_numpy(float)
    market = beta[idx] * r_m
    network = np.nan_to_num(implied[idx])
    table = pd.DataFrame({"entity_id": others.entity_id.to_numpy(), "beta": beta[idx], "observed": obs,
                          "market_part": market, "network_part": network, "predicted": market + network})
    return NewsDay(str(event.event_id), str(event.date), firm, scale - 1.0, target, own_implied, reached, table,
                   fit_stats(obs, market + network), fit_stats(obs, market))


def news_days(tables: Tables, params: ModelParams, events: pd.DataFrame, directory: Path,
              labels: NetworkLabels, dtype=jnp.float64) -> list[NewsDay]:
    """Every day of ``news.csv`` beside ``events.csv`` in ``directory`` (none if it has no news table)."""
    if not (Path(directory) / NEWS_FILE).is_file():
        return []
    news = read_news(directory, labels, events)
    return [predict_day(tables, params, events[events.event_id == r.event_id].iloc[0], r.entity_id, Path(directory), dtype)
            for _, r in news.iterrows()]

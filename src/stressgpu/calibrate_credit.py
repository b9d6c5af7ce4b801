"""Calibrate the ``market`` scenario to credit markets: shared parameters so that the model's 5-year
default probabilities match the market-implied ones (:mod:`stressgpu.credit_market`; issue 28).

What is fitted, all SHARED (no parameter belongs to one firm, which would fit any ranking):

* the annual occurrence probability ``p_k`` of every shock of the ``market`` scenario
  (``shock.<k>.annual_probability``; over the Y-year horizon it occurs with ``q_k = 1 − (1 − p_k)^Y``),
* the revenue noise ``mc.revenue_noise`` and lenders' underwriting limits ``model.max_leverage``,
  ``model.max_ltv``,
* a liquidity / risk premium ``ℓ`` (bp a year) that every spread carries beyond expected default
  loss: a model default intensity λ compares with the market's ``λ + ℓ / (1 − R)`` (R the
  quoted claim's recovery, as the market PD was read), so a firm the model never defaults still has
  the premium's PD (Longstaff, Mithal and Neis, "Corporate yield spreads: default risk or
  liquidity?", *J. Finance* 60(5), 2005: the non-default component of 5-year spreads is ~50 % for
  AAA/AA names, ~20 bp; Hull, Predescu and White, *J. Credit Risk* 1(2), 2005).

Each within a range with a prior (:data:`PRIORS`, the ranges of conf/scenario/market.yaml): a normal
prior on logit(p) (probabilities) or on the value (the rest), centre as given, ±2 sd = the range,
and the range a hard box.

How (a derivative-free outer search, an exact smooth inner fit):

1. **Occurrence patterns enumerated, common random numbers.** With K shocks, every one of the
   ``2^K`` patterns of which shocks occur is simulated on the same M draws of sizes and revenue
   noise (fixed key), so ``D[c, i]`` = the share of the M draws in which firm i defaults within the
   PD horizon under pattern c. The model's PD is then *exactly* (up to the M draws) a polynomial
   in the occurrence probabilities, ``PD_i(q) = Σ_c Π_k q_k^{o_ck} (1 − q_k)^{1−o_ck} D[c, i]``:
   smooth, so the occurrence probabilities and the premium are fitted by gradient descent
   (optax Adam, exact gradients) with no smoothing of the default indicator.
2. **Structural settings on a grid.** Revenue noise, max leverage and max LTV change the paths, so
   each point of a small grid (:data:`GRID`) is simulated once (same key: common random numbers);
   the inner fit runs at every point and the point with the lowest objective is kept.

Objective: ``Σ_i (log max(PD̃_i, f) − log max(PD^mkt_i, f))² / (2 s²) + prior``, PD̃ the model PD with
the premium, f the floor (``calibrate.pd_floor``), s ``calibrate.log_pd_sd``.
Leave-one-firm-out: the whole search (inner fit at every grid point, the best point) again without
firm i, then firm i's PD predicted. Stress PDs come free from ``D``: a shock's stress PD is the
calibrated ``market`` PD conditional on that shock occurring.

What it cannot say: market PDs are risk-neutral (:mod:`stressgpu.credit_market`); the model's are
PDs under the scenario distribution, which the fit makes the market's — so the fitted probabilities
are risk-neutral too, larger than historical frequencies, and the premium ℓ absorbs only a common
part of the liquidity premia (docs/calibration.md).

Units: probabilities as fractions, premium in bp a year, PDs over ``HORIZON_YEARS``. Numerics
(:func:`pattern_matrix`, :func:`pattern_weights`, :func:`model_pds`, :func:`premium_pds`,
:func:`objective`, :func:`fit_inner`) are pure ``jax.numpy`` functions of arrays.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from .batch import simulate
from .data.errors import DataError
from .credit_market import BP, HORIZON_YEARS, market_pds
from .shocks import OCCURRENCE, factors_from_z, shock_parameters
from .shocks.base import horizon_probability
from .shocks.base import replace as replace_factors


@dataclass(frozen=True)
class Prior:
    """A fitted parameter's prior: ``centre`` and hard range ``[low, high]`` (±2 sd of a normal, on
    logit scale for probabilities), and where the numbers come from."""

    centre: float
    low: float
    high: float
    source: str


# Annual occurrence probabilities (conf/scenario/market.yaml states the same ranges and sources).
OCCURRENCE_PRIORS = {
    "deepseek": Prior(0.20, 0.05, 0.50, "an efficiency jump that reprices AI compute: one (DeepSeek-R1, Jan 2025) "
                                        "in the ~3 years since ChatGPT"),
    "rate_hike": Prior(0.15, 0.05, 0.35, "US 10-year yield up >= 100 bp within 12 months: about 6 of 40 years "
                                         "(1994, 1999, 2009, 2013, 2022; FRED DGS10)"),
    "private_credit_freeze": Prior(0.08, 0.02, 0.25, "private-credit / leveraged-loan issuance shut a quarter or more: "
                                                     "2008, Mar 2020, H2 2022 (LCD/PitchBook volumes)"),
    "taiwan": Prior(0.02, 0.005, 0.06, "a blockade of Taiwan: 10-20 % by 2030 in expert and forecaster surveys "
                                       "(CSIS 2023; Metaculus)"),
    "demand_slump": Prior(0.10, 0.03, 0.30, "a tech demand bust: 2001, 2009, 2022, about one a decade"),
    "gpu_depreciation": Prior(0.15, 0.03, 0.40, "shorter accounting lives of AI servers: Amazon 6 -> 5 years (Feb "
                                                "2025) after lengthening in 2020-22"),
    "ai_sentiment": Prior(0.15, 0.05, 0.40, "a 30 % drawdown of AI / tech equity in a year: Nasdaq-100 2000-02, "
                                            "2008, 2022 (5 of ~40 years); SOX more often"),
}
# Shared settings re-simulated on a grid (key = the config key), and the premium.
SETTING_PRIORS = {
    "mc.revenue_noise": Prior(0.10, 0.05, 0.30, "annual revenue volatility of a firm (large caps ~10 %, young AI "
                                                "firms far more)"),
    "model.max_leverage": Prior(4.0, 3.0, 6.0, "lenders' debt / operating cash flow limit (rating agencies' BB "
                                               "~4x; US leveraged-lending guidance 6x)"),
    "model.max_ltv": Prior(0.70, 0.50, 0.80, "secured lenders' loan-to-value on GPUs and data centres (50-80 %)"),
}
PREMIUM_PRIOR = Prior(20.0, 0.0, 60.0, "non-default (liquidity / risk) part of 5-year spreads: ~50 % of AAA/AA "
                                       "spreads, ~20 bp (Longstaff, Mithal and Neis 2005)")
PRIORS = {**{f"shock.{k}.{OCCURRENCE}": v for k, v in OCCURRENCE_PRIORS.items()}, **SETTING_PRIORS,
          "liquidity_premium_bp": PREMIUM_PRIOR}
# The grid of the re-simulated settings (each within its prior range).
GRID = {"mc.revenue_noise": (0.05, 0.10, 0.20, 0.30), "model.max_leverage": (3.0, 4.0, 6.0),
        "model.max_ltv": (0.5, 0.7, 0.8)}


# ------------------------------------------------------------------------------ pure numerics
def pattern_matrix(k: int) -> np.ndarray:
    """``[2^K, K]`` bool: every pattern of which of K shocks occur (row c: the bits of c)."""
    return np.array(list(itertools.product((False, True), repeat=k)), dtype=bool).reshape(2 ** k, k)


def pattern_weights(q, patterns):
    """``[..., 2^K]`` probability of each pattern ``[2^K, K]`` when shock k occurs with probability
    ``q[..., k]`` independently: ``Π_k q_k^{o_k} (1 − q_k)^{1 − o_k}``."""
    q = jnp.asarray(q)[..., None, :]
    o = jnp.asarray(patterns)
    return jnp.prod(jnp.where(o, q, 1.0 - q), axis=-1)


def model_pds(q, cond, patterns):
    """``[N]`` model PD at occurrence probabilities ``q`` [K] (over the horizon) from the
    conditional default shares ``cond`` ``[2^K, N]`` of each pattern."""
    return pattern_weights(q, patterns) @ cond


def premium_pds(pd_model, premium_bp, recovery, years=HORIZON_YEARS):
    """The model PD as a spread would price it with a premium ``ℓ`` (bp a year) beyond expected
    loss: hazard ``λ + ℓ / (1 − R)`` with ``λ = −log(1 − PD) / T``; PD = ``1 − exp(−T(λ + ℓ/(1−R)))``
    (credit triangle, :mod:`stressgpu.credit_market`). Shapes broadcast."""
    lam = -jnp.log1p(-jnp.clip(pd_model, 0.0, 1.0 - 1e-12)) / years
    return -jnp.expm1(-years * (lam + premium_bp * BP / (1.0 - recovery)))


def _logit(p):
    return jnp.log(p) - jnp.log1p(-p)


def _box(theta, low, high):
    """``[low, high]`` from unbounded ``theta`` (a sigmoid)."""
    return low + (high - low) * jax.nn.sigmoid(theta)


def objective(theta, cond, patterns, years, market, recovery, weight, occ_prior, prem_prior, floor, sd,
              pd_years=HORIZON_YEARS):
    """The inner objective at unbounded ``theta`` [K + 1] (K annual occurrence probabilities over
    ``years`` years of horizon, the premium; PDs over ``pd_years``):
    ``Σ_i w_i (log max(PD̃_i, f) − log max(PD^mkt_i, f))² / (2 s²)`` plus the priors. ``market``,
    ``recovery``, ``weight`` [N] (weight 0: not fitted); ``occ_prior`` ``(centre, low, high)`` [K]
    each; ``prem_prior`` three numbers."""
    c, lo, hi = occ_prior
    p = _box(theta[:-1], lo, hi)
    prem = _box(theta[-1], prem_prior[1], prem_prior[2])
    pd_ = premium_pds(model_pds(horizon_probability(p, years), cond, patterns), prem, recovery, pd_years)
    r = jnp.log(jnp.maximum(pd_, floor)) - jnp.log(jnp.maximum(market, floor))
    occ_sd = (_logit(hi) - _logit(lo)) / 4.0
    prior = 0.5 * jnp.sum(((_logit(p) - _logit(c)) / occ_sd) ** 2)
    prior = prior + 0.5 * ((prem - prem_prior[0]) / ((prem_prior[2] - prem_prior[1]) / 4.0)) ** 2
    return 0.5 * jnp.sum(weight * r ** 2) / sd ** 2 + prior


def fit_inner(cond, patterns, years, market, recovery, weight, occ_prior, prem_prior, floor, sd,
              steps: int = 600, learning_rate: float = 0.05, pd_years=HORIZON_YEARS):
    """Adam on :func:`objective` from the prior centres; returns ``(p [K], premium, loss)``.
    ``weight`` may carry a leading batch axis ``[L, N]`` (leave-one-out): one fit per row."""
    c, lo, hi = occ_prior
    lo_p, hi_p = prem_prior[1], prem_prior[2]
    theta0 = jnp.concatenate([_logit((c - lo) / (hi - lo)), _logit(jnp.atleast_1d((prem_prior[0] - lo_p) / (hi_p - lo_p)))])
    opt = optax.adam(learning_rate)
    f = lambda th, w: objective(th, cond, patterns, years, market, recovery, w, occ_prior, prem_prior, floor, sd,  # noqa: E731
                                pd_years)

    def one(w):
        def step(carry, _):
            th, state = carry
            loss, g = jax.value_and_grad(f)(th, w)
            upd, state = opt.update(g, state, th)
            return (optax.apply_updates(th, upd), state), loss
        (th, _), _ = jax.lax.scan(step, (theta0, opt.init(theta0)), None, length=steps)
        return _box(th[:-1], lo, hi), _box(th[-1], lo_p, hi_p), f(th, w)

    return jax.vmap(one)(weight) if jnp.ndim(weight) == 2 else one(weight)


def setting_prior(values: dict) -> float:
    """Normal prior penalty of the re-simulated settings (centre, ±2 sd = range)."""
    return float(sum(0.5 * ((v - SETTING_PRIORS[k].centre) / ((SETTING_PRIORS[k].high - SETTING_PRIORS[k].low) / 4)) ** 2
                     for k, v in values.items()))


def spearman(a, b) -> float:
    """Spearman rank correlation (average ranks for ties) over the finite pairs."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return float("nan")
    return float(pd.Series(a[ok]).rank().corr(pd.Series(b[ok]).rank()))


# ------------------------------------------------------------------------- simulation (host loop)
def conditional_defaults(net, labels, shocks: dict, params, *, draws: int, seed: int, correlation: float,
                         revenue_noise: float, horizon_quarters: int, chunk: int = 2048,
                         run: Callable | None = None) -> np.ndarray:
    """``[2^K, N]`` share of ``draws`` scenarios in which each firm defaults within the first
    ``horizon_quarters`` quarters, for every occurrence pattern of the K ``shocks`` (order of the
    dict); the same draws of sizes and revenue noise in every pattern (common random numbers:
    ``seed`` fixed). The draws follow :func:`stressgpu.shocks.draw_factors` (one common factor
    with loading ``correlation``, mean-one lognormal revenue noise). Runs in fixed chunks of
    ``chunk`` scenarios (one compiled program for every call)."""
    dtype = net.cash.dtype
    k = len(shocks)
    patterns = pattern_matrix(k)
    n_pat = patterns.shape[0]
    key = jax.random.PRNGKey(seed)
    k_common, k_size, k_noise = jax.random.split(key, 3)
    rho, rest = correlation, (1.0 - correlation ** 2) ** 0.5
    n_par = max(len(shock_parameters(shocks)), 1)
    zc = jax.random.normal(k_common, (draws,), dtype)
    z = rho * zc[:, None] + rest * jax.random.normal(k_size, (draws, n_par), dtype)
    zn = rho * zc[:, None] + rest * jax.random.normal(k_noise, (draws, net.n), dtype)
    total = n_pat * draws
    z_all = jnp.tile(z, (n_pat, 1))
    zn_all = jnp.tile(zn, (n_pat, 1))
    occ_all = jnp.repeat(jnp.asarray(patterns), draws, axis=0)
    run = run or (lambda f: simulate(net, f, params))
    out = np.zeros((total, net.n))
    for start in range(0, total, chunk):
        idx = jnp.clip(jnp.arange(start, start + chunk), 0, total - 1)
        f, _ = factors_from_z(shocks, labels, z_all[idx], dtype=dtype, occurs=occ_all[idx])
        if revenue_noise > 0:
            f = replace_factors(f, revenue_mult=f.revenue_mult * jnp.exp(-revenue_noise * zn_all[idx] - 0.5 * revenue_noise ** 2))
        o = run(f)
        d = np.asarray(o.defaulted) & (np.asarray(o.default_quarter) < horizon_quarters)
        m = min(chunk, total - start)
        out[start:start + m] = d[:m]
    return out.reshape(n_pat, draws, net.n).mean(axis=1)


# ------------------------------------------------------------------------------------ the search
@dataclass
class CreditFit:
    """The calibration's answer. ``status``: ``ok``, or why not (e.g. ``too_few_borrowers``)."""

    status: str
    probabilities: dict[str, float]      # fitted annual occurrence probabilities
    settings: dict[str, float]           # fitted revenue noise, max leverage, max LTV
    premium_bp: float
    table: pd.DataFrame                  # per borrower: market, model, LOO PDs and ratios
    stress: pd.DataFrame                 # per borrower: calibrated PD and PD given each shock occurs
    grid: pd.DataFrame                   # objective at every grid point
    metrics: dict
    seconds: float


def _metrics(market, model, loo, floor) -> dict:
    lr = np.log(np.maximum(model, floor) / np.maximum(market, floor))
    out = {"borrowers": int(len(market)), "spearman": spearman(model, market),
           "median_abs_log_ratio": float(np.median(np.abs(lr))) if len(lr) else float("nan")}
    if loo is not None:
        lr_loo = np.log(np.maximum(loo, floor) / np.maximum(market, floor))
        out.update(loo_spearman=spearman(loo, market), loo_median_abs_log_ratio=float(np.median(np.abs(lr_loo))))
    return out


def calibrate_credit(net, labels, shocks: dict, quotes: pd.DataFrame, params, *, draws: int, seed: int,
                     correlation: float, grid: dict | None = None, pd_floor: float = 1e-3, log_pd_sd: float = 0.5,
                     steps: int = 600, learning_rate: float = 0.05, leave_one_out: bool = True,
                     market: pd.DataFrame | None = None, progress: bool = True, chunk: int = 2048) -> CreditFit:
    """Fit the shared parameters (module docstring) to the market-implied PDs of ``quotes``
    (``Tables.credit_quotes``; or ``market``: a table with ``entity_id``, ``pd``, ``recovery``, for
    a synthetic test). ``shocks``: the ``market`` scenario's shock configs. ``grid``: config key ->
    values (default :data:`GRID`); a key with one value is held there."""
    t0 = time.perf_counter()
    grid = GRID if grid is None else grid
    mk = market if market is not None else market_pds(quotes)
    mk = mk[mk["pd"].notna()].reset_index(drop=True)
    unknown = [(r, e) for r, e in zip(mk.get("row", [None] * len(mk)), mk.entity_id) if e not in labels.ids]
    if unknown:   # the loader refuses these already; a table passed in directly is checked here
        raise DataError([("credit_quotes.csv", None if r is None or pd.isna(r) else int(r), "entity_id",
                          f"unknown entity id {e!r}: not an entity of the network") for r, e in unknown])
    names = list(shocks)
    missing = [k for k in names if k not in OCCURRENCE_PRIORS]
    if missing:
        raise ValueError(f"no occurrence prior for shock(s) {', '.join(missing)}; allowed: {', '.join(OCCURRENCE_PRIORS)}")
    idx = np.asarray([labels.index(e) for e in mk.entity_id])
    years = min(net.quarters / 4.0, HORIZON_YEARS)     # the PD's horizon (5 years, or the run's if shorter)
    occ_years = net.quarters / 4.0                      # occurrence over the run's horizon, as the Monte Carlo draws it
    hq = int(round(4 * years))
    patterns = jnp.asarray(pattern_matrix(len(names)))
    dtype = jnp.float64 if jax.config.read("jax_enable_x64") else jnp.float32
    market_pd = jnp.asarray(mk["pd"].to_numpy(float), dtype)
    recovery = jnp.asarray(mk["recovery"].to_numpy(float), dtype)
    occ_prior = tuple(jnp.asarray([getattr(OCCURRENCE_PRIORS[k], a) for k in names], dtype) for a in ("centre", "low", "high"))
    prem_prior = tuple(float(getattr(PREMIUM_PRIOR, a)) for a in ("centre", "low", "high"))
    n_b = len(mk)
    weights = jnp.concatenate([jnp.ones((1, n_b), dtype), 1.0 - jnp.eye(n_b, dtype=dtype)]) if leave_one_out \
        else jnp.ones((1, n_b), dtype)
    fit = jax.jit(lambda cond, w: fit_inner(cond, patterns, occ_years, market_pd, recovery, w, occ_prior, prem_prior,
                                            pd_floor, log_pd_sd, steps, learning_rate, years))
    keys = list(grid)
    points = list(itertools.product(*(grid[k] for k in keys)))
    rows, conds, fits = [], [], []
    for j, point in enumerate(points):
        setting = dict(zip(keys, point))
        p_model = replace(params, **{k.split(".", 1)[1]: v for k, v in setting.items() if k.startswith("model.")})
        noise = setting.get("mc.revenue_noise", 0.0)
        cond = conditional_defaults(net, labels, shocks, p_model, draws=draws, seed=seed, correlation=correlation,
                                    revenue_noise=noise, horizon_quarters=hq, chunk=chunk)
        cond_b = jnp.asarray(cond[:, idx], dtype)
        p, prem, loss = fit(cond_b, weights)
        loss = np.asarray(loss) + setting_prior({k: v for k, v in setting.items() if k in SETTING_PRIORS})
        conds.append(cond)
        fits.append((np.asarray(p), np.asarray(prem), loss))
        rows.append({**setting, "objective": float(loss[0])})
        if progress:
            print(f"  grid {j + 1}/{len(points)} {setting}: objective {loss[0]:.3f} ({time.perf_counter() - t0:.0f} s)",
                  flush=True)
    grid_table = pd.DataFrame(rows)
    all_loss = np.stack([f[2] for f in fits])              # [G, 1 + L]
    best = int(np.argmin(all_loss[:, 0]))
    p_best, prem_best = fits[best][0][0], float(fits[best][1][0])
    cond = conds[best]
    q = horizon_probability(jnp.asarray(p_best), occ_years)
    pd_all = np.asarray(model_pds(q, jnp.asarray(cond), patterns))                  # [N] raw model PDs
    rec_all = np.full(net.n, 0.4)
    rec_all[idx] = mk["recovery"].to_numpy(float)
    pd_prem_all = np.asarray(premium_pds(jnp.asarray(pd_all), prem_best, jnp.asarray(rec_all), years))
    loo = None
    if leave_one_out:
        loo = np.zeros(n_b)
        for i in range(n_b):
            g = int(np.argmin(all_loss[:, 1 + i]))           # the whole search again without firm i
            p_i, prem_i = fits[g][0][1 + i], float(fits[g][1][1 + i])
            pd_i = model_pds(horizon_probability(jnp.asarray(p_i), occ_years), jnp.asarray(conds[g][:, idx[i]]), patterns)
            loo[i] = float(premium_pds(pd_i, prem_i, float(mk["recovery"].iloc[i]), years))
    mkt = mk["pd"].to_numpy(float)
    table = pd.DataFrame({
        "entity_id": mk.entity_id, "name": [labels.names[i] for i in idx], "instrument": mk.get("instrument", ""),
        "spread_bp": mk.get("spread_bp", np.nan), "recovery": mk["recovery"].to_numpy(float), "market_pd": mkt,
        "model_pd": pd_all[idx], "model_pd_with_premium": pd_prem_all[idx],
        "log_ratio": np.log(np.maximum(pd_prem_all[idx], pd_floor) / np.maximum(mkt, pd_floor)),
        "loo_pd": loo if loo is not None else np.nan,
        "loo_log_ratio": (np.log(np.maximum(loo, pd_floor) / np.maximum(mkt, pd_floor)) if loo is not None else np.nan)})
    # Stress PDs: the calibrated market PD given that each shock occurs (and given none occurs).
    stress = pd.DataFrame({"entity_id": list(labels.ids), "name": list(labels.names), "market_pd": np.nan,
                           "calibrated_pd": pd_all})
    stress.loc[idx, "market_pd"] = mkt
    pat = np.asarray(patterns)
    for kk, name in enumerate(names):
        qk = np.asarray(q).copy()
        qk[kk] = 1.0
        stress[f"given_{name}"] = np.asarray(model_pds(jnp.asarray(qk), jnp.asarray(cond), patterns))
    stress["given_none"] = cond[np.flatnonzero(~pat.any(1))[0]]
    stress["given_all"] = cond[np.flatnonzero(pat.all(1))[0]]
    setting = {k: float(v) for k, v in zip(keys, points[best])}
    metrics = {**_metrics(mkt, pd_prem_all[idx], loo, pd_floor),
               "raw": _metrics(mkt, pd_all[idx], None, pd_floor),
               "objective": float(all_loss[best, 0]), "pd_floor": pd_floor, "log_pd_sd": log_pd_sd,
               "draws_per_pattern": draws, "patterns": int(pat.shape[0]), "grid_points": len(points),
               "horizon_years": years, "occurrence_years": occ_years}
    status = "ok" if n_b >= 3 else "too_few_borrowers"
    return CreditFit(status, {k: float(v) for k, v in zip(names, p_best)}, setting, prem_best, table, stress,
                     grid_table, metrics, time.perf_counter() - t0)


def plot_fit(table: pd.DataFrame, metrics: dict, path, floor: float = 1e-3) -> None:
    """Model (with premium) vs market 5-year PD, log axes, each borrower labelled; leave-one-out
    predictions as open circles."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    x = np.maximum(table.market_pd, floor)
    ax.scatter(x, np.maximum(table.model_pd_with_premium, floor), color="C0", label="model (calibrated market scenario)")
    if table.loo_pd.notna().any():
        ax.scatter(x, np.maximum(table.loo_pd, floor), facecolors="none", edgecolors="C3",
                   label="leave-one-firm-out prediction")
    ax.scatter(x, np.maximum(table.model_pd, floor), marker="x", color="0.5", s=18, label="model, no premium")
    for j, (_, r) in enumerate(table.sort_values("market_pd").iterrows()):   # labels staggered where points crowd
        ax.annotate(r.entity_id, (max(r.market_pd, floor), max(r.model_pd_with_premium, floor)), fontsize=7,
                    xytext=(4, 4 + 9 * (j % 3)), textcoords="offset points")
    lo = floor * 0.8
    ax.plot([lo, 1], [lo, 1], color="0.6", lw=0.8, ls="--")
    ax.fill_between([lo, 1], [lo * np.exp(-0.7), np.exp(-0.7)], [lo * np.exp(0.7), np.exp(0.7)], color="0.9",
                    label="|log ratio| <= 0.7", zorder=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, 1)
    ax.set_ylim(lo, 1)
    ax.set_xlabel("market-implied 5-year PD (risk-neutral, credit_quotes.csv)")
    ax.set_ylabel("model 5-year PD under +scenario=market")
    ax.set_title(f"Credit calibration: Spearman {metrics['spearman']:.3f}, median |log ratio| "
                 f"{metrics['median_abs_log_ratio']:.3f}, LOO Spearman {metrics.get('loo_spearman', float('nan')):.3f}"
                 f" ({metrics['borrowers']} borrowers)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ------------------------------------------------------------------------------ the mode (host)
def market_shocks() -> dict:
    """The shock configs of conf/scenario/market.yaml (its shipped occurrence probabilities)."""
    from omegaconf import OmegaConf

    from .config import package_dir, shock_config

    node = OmegaConf.load(package_dir("conf") / "scenario" / "market.yaml")
    names = [n for d in node.defaults if isinstance(d, dict) or hasattr(d, "keys") for n in (d.get("/shock") or [])]
    return {n: shock_config(n, node.shock.get(n, {})) for n in names}


def market_defaults_mc(net, labels, shocks: dict, params, *, scenarios: int, seed: int, correlation: float,
                       revenue_noise: float, horizon_quarters: int, chunk: int = 2048) -> np.ndarray:
    """``[N]`` default probabilities within ``horizon_quarters`` of a plain Monte Carlo of ``shocks``
    with their occurrence probabilities drawn per scenario (:func:`stressgpu.shocks.draw_factors`,
    as ``python -m stressgpu +scenario=market`` draws them), in fixed chunks."""
    from .shocks import draw_factors

    count, done, c = np.zeros(net.n), 0, 0
    while done < scenarios:
        f, _ = draw_factors(shocks, labels, jax.random.fold_in(jax.random.PRNGKey(seed), c), chunk,
                            correlation=correlation, revenue_noise=revenue_noise, dtype=net.cash.dtype,
                            horizon_years=net.quarters / 4)
        o = simulate(net, f, params)
        m = min(chunk, scenarios - done)
        d = np.asarray(o.defaulted) & (np.asarray(o.default_quarter) < horizon_quarters)
        count += d[:m].sum(0)
        done, c = done + m, c + 1
    return count / scenarios


def credit_report(ctx, params):
    """``mode=calibrate calibrate.target=credit``: fit, table, stress PDs, plot, JSON (a
    :class:`stressgpu.report.Report`)."""
    import copy

    from .report import Report

    run, c = ctx.run, ctx.run.calibrate
    shocks = dict(ctx.shocks) or market_shocks()
    current = {"mc.revenue_noise": run.mc.revenue_noise, "model.max_leverage": run.model.max_leverage,
               "model.max_ltv": run.model.max_ltv}
    grid = GRID if c.grid else {k: (v,) for k, v in current.items()}
    n_pts = int(np.prod([len(v) for v in grid.values()]))
    print(f"credit calibration: {', '.join(shocks)}; {2 ** len(shocks)} occurrence patterns x {c.draws} draws "
          f"(common random numbers, seed {run.mc.seed}) at {n_pts} grid point(s) of "
          f"{', '.join(grid)}", flush=True)
    chunk = min(2048, 2 ** len(shocks) * c.draws)   # one compiled batch shape for the fit and the check
    res = calibrate_credit(ctx.net, ctx.labels, shocks, ctx.tables.credit_quotes, params, draws=c.draws,
                           seed=run.mc.seed, correlation=run.mc.correlation, grid=grid, pd_floor=c.pd_floor,
                           log_pd_sd=c.log_pd_sd, steps=c.steps, learning_rate=c.learning_rate,
                           leave_one_out=c.leave_one_out, progress=run.report.progress, chunk=chunk)
    # The shipped scenario's check: a plain Monte Carlo at the fitted values (occurrence drawn).
    fitted = {k: copy.deepcopy(v) for k, v in shocks.items()}
    for k, p in res.probabilities.items():
        setattr(fitted[k], OCCURRENCE, p)
    p_fit = replace(params, **{k.split(".", 1)[1]: v for k, v in res.settings.items() if k.startswith("model.")})
    hq = int(round(4 * res.metrics["horizon_years"]))
    mc_pd = market_defaults_mc(ctx.net, ctx.labels, fitted, p_fit, scenarios=128 * c.draws, seed=run.mc.seed + 1,
                               correlation=run.mc.correlation, revenue_noise=res.settings["mc.revenue_noise"],
                               horizon_quarters=hq, chunk=chunk)
    idx = [ctx.labels.index(e) for e in res.table.entity_id]
    rec = res.table.recovery.to_numpy(float)
    res.table["mc_pd_with_premium"] = np.asarray(premium_pds(jnp.asarray(mc_pd[idx]), res.premium_bp, jnp.asarray(rec),
                                                             res.metrics["horizon_years"]))
    res.stress["monte_carlo_pd"] = mc_pd
    m = res.metrics
    done = {"spearman_ge_0.7": m["spearman"] >= 0.7, "borrowers_ge_12": m["borrowers"] >= 12,
            "median_abs_log_ratio_le_0.7": m["median_abs_log_ratio"] <= 0.7,
            "loo_spearman_ge_0.5": m.get("loo_spearman", float("nan")) >= 0.5}
    summ = {"target": "credit", "status": res.status, "shocks": list(shocks),
            "annual_probability": res.probabilities, "settings": res.settings,
            "liquidity_premium_bp": res.premium_bp, "metrics": m, "done_when": done,
            "monte_carlo_check": {"scenarios": 128 * c.draws, "spearman": spearman(res.table.mc_pd_with_premium,
                                                                                 res.table.market_pd)},
            "priors": {k: {"centre": v.centre, "low": v.low, "high": v.high, "source": v.source} for k, v in PRIORS.items()},
            "seconds": res.seconds}
    fmt = lambda x: f"{x:.4f}"  # noqa: E731
    lines = [f"credit calibration ({res.status}, {res.seconds:.0f} s): fitted annual occurrence probabilities",
             *(f"  shock.{k}.annual_probability: {v:.4f}   (prior {OCCURRENCE_PRIORS[k].centre:g} in "
               f"[{OCCURRENCE_PRIORS[k].low:g}, {OCCURRENCE_PRIORS[k].high:g}])" for k, v in res.probabilities.items()),
             *(f"  {k}: {v:g}" for k, v in res.settings.items()),
             f"  liquidity premium: {res.premium_bp:.1f} bp",
             res.table.drop(columns=["name"]).to_string(index=False, float_format=fmt),
             f"Spearman {m['spearman']:.3f} over {m['borrowers']} borrowers (>= 0.7: {done['spearman_ge_0.7']}), "
             f"median |log(model/market)| {m['median_abs_log_ratio']:.3f} (<= 0.7: {done['median_abs_log_ratio_le_0.7']}), "
             f"leave-one-out Spearman {m.get('loo_spearman', float('nan')):.3f} (>= 0.5: {done['loo_spearman_ge_0.5']}); "
             f"without the premium: Spearman {m['raw']['spearman']:.3f}, median |log ratio| {m['raw']['median_abs_log_ratio']:.3f}",
             f"plain Monte Carlo of the fitted scenario ({128 * c.draws} scenarios, occurrence drawn): Spearman "
             f"{summ['monte_carlo_check']['spearman']:.3f}",
             "stress PDs beside the calibrated ones: the calibrated market PD given that each shock occurs "
             "(credit_stress.csv, every firm):",
             res.stress[res.stress.market_pd.notna()].drop(columns=["name"]).rename(
                 columns=lambda k: k.replace("given_", "").replace("private_credit_freeze", "pc_freeze")
                 .replace("gpu_depreciation", "gpu_dep")).to_string(index=False, float_format=lambda x: f"{x:.3f}")]
    figures = ({"credit_calibration.png": lambda p: plot_fit(res.table, m, p, c.pd_floor)} if run.report.plots else {})
    return Report(summ, json={"credit_calibration": summ},
                  csv={"credit_calibration": res.table, "credit_stress": res.stress, "credit_grid": res.grid},
                  plots=figures, text="\n".join(lines))

"""Typed run configuration: the one source of every default, and start-up validation.

The dataclasses below (and each shock's dataclass in :mod:`stressgpu.shocks`) are registered in
Hydra's ConfigStore: ``base_config`` is :class:`RunConfig`, ``schema/shock/<name>`` each shock.
The YAML files in ``conf/`` only compose these (``conf/shock/<name>.yaml`` extends its schema)
and document them; they set no defaults of their own. Choices are ``Enum``s, so Hydra rejects
an unknown choice while composing, naming the key and the allowed values.

:func:`validate` then checks what a type cannot: every number is finite, every bounded field
(declared with :func:`stressgpu.shocks.base.bounded`) lies in its allowed range, dates parse,
and each shock's Monte Carlo distributions fit its sizes. A bad value raises
:class:`ConfigError` naming the key, the value and the allowed range; nothing is clamped.
The numeric modules never see these classes: the host code (:mod:`stressgpu.modes`) hands
them plain values.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field, fields, is_dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Optional

from ._types import LENDER_KINDS
from .shocks import SHOCKS, sizes_of
from .shocks.base import Choice, Dist, DistKind, allowed_range, bounded


class ConfigError(ValueError):
    """A bad configuration value; the message names the key, the value and what is allowed."""


# --- choices ------------------------------------------------------------------------------

class Precision(Choice):
    float32 = "float32"
    float64 = "float64"


class Mode(Choice):
    montecarlo = "montecarlo"
    reverse = "reverse"
    calibrate = "calibrate"
    sensitivity = "sensitivity"


class Event(Choice):
    default = "default"
    lender_loss = "lender_loss"
    system_loss = "system_loss"


class Impact(Choice):
    exponential = "exponential"
    linear = "linear"


class Reconstruction(Choice):
    data = "data"
    max_entropy = "max_entropy"
    min_density = "min_density"
    ensemble = "ensemble"


LenderKind = Choice("LenderKind", [(k, k) for k in LENDER_KINDS], module=__name__)


# --- the configuration tree ---------------------------------------------------------------

@dataclass
class ChannelsConfig:
    commitments: bool = True      # purchase commitments (docs/model.md)
    cross_holdings: bool = True   # equity cross-holdings in clearing
    fire_sales: bool = True
    refinancing: bool = True      # maturities need a lender with capacity
    covenants: bool = True        # maintenance covenants: a breach past its cure period accelerates the loan
    debtrank: bool = True         # DebtRank diagnostics at t = 0
    cascade: bool = True          # Furfine cascade diagnostics at t = 0


@dataclass
class ModelConfig:
    alpha: float = bounded(0.6, 0.0, 1.0, "share of an estate's external assets realised in default")
    beta: float = bounded(0.9, 0.0, 1.0, "share of an estate's claims on others realised in default")
    claim_discount_rate: float = bounded(0.08, 0.0, 1.0, "present value of a supplier's claim for unpaid commitments")
    replacement_premium: float = bounded(0.15, 0.0, 10.0, "a buyer replacing a failed supplier pays market price plus this")
    hardware_life_years: float = bounded(6.0, 0.5, 50.0, "straight-line depreciation of AI hardware")
    real_estate_life_years: float = bounded(30.0, 1.0, 100.0, "straight-line depreciation of real estate")
    capex_hardware_share: float = bounded(0.6, 0.0, 1.0, "AI buyers' capex split: hardware vs real estate")
    min_capital_ratio: float = bounded(0.05, 0.0, 1.0, "fire sales: equity / marketable assets below this sells")
    depth_hardware: float = bounded(300.0, 0.0, None, "USD bn of sales that move AI-hardware prices ~63 %",
                                    low_open=True)
    depth_real_estate: float = bounded(800.0, 0.0, None, "same for data-centre real estate", low_open=True)
    impact: Impact = Impact.exponential
    clearing_tol: float = bounded(1e-6, 0.0, 1.0, "clearing tolerance", low_open=True)
    clearing_max_iter: int = bounded(500, 1, None, "clearing iteration cap")
    max_contagion_rounds: int = bounded(50, 1, None, "clearing / fire-sale alternations per quarter")
    firesale_steps: int = bounded(100, 1, None, "fire-sale price steps per alternation")
    price_tol: float = bounded(1e-4, 0.0, 1.0, "fire-sale prices settle to this", low_open=True)
    # The financial sector, v3 (docs/model.md §5.8): off-network credit books and private-credit funds.
    book_pd_private_credit: float = bounded(0.045, 0.0, 0.99, "annual default rate of private-credit loans in the plan "
                                            "(BofA's 2026 base case, 4.5 %; Proskauer 2.4 % in 1Q25, Fitch's "
                                            "privately monitored ratings 9.2 % in 2025)", low_open=True)
    book_pd_loans: float = bounded(0.01, 0.0, 0.99, "annual default rate of banks' corporate loans in the plan "
                                   "(assumed: between investment grade, ~0 %, and high yield, 3.3 % in Fitch's 2025 "
                                   "count)", low_open=True)
    book_pd_bonds: float = bounded(0.005, 0.0, 0.99, "annual default rate of corporate bonds held by insurers, "
                                   "pension and bond funds in the plan (assumed: mostly investment grade)", low_open=True)
    book_lgd_private_credit: float = bounded(0.47, 0.0, 1.0, "loss given default of private-credit loans (53 % "
                                             "average recovery)")
    book_lgd_loans: float = bounded(0.33, 0.0, 1.0, "loss given default of banks' corporate loans (leveraged loans' "
                                    "67 % average recovery)")
    book_lgd_bonds: float = bounded(0.6, 0.0, 1.0, "loss given default of corporate bonds (senior unsecured; assumed)")
    credit_z_per_gdp: float = bounded(0.4, 0.0, 10.0, "rise of the credit cycle's systematic factor (standard "
                                      "deviations) per 1 % of world GDP below plan (2008-09: GDP fell 4.3 % and the "
                                      "speculative-grade default rate reached 13.0 %, 1.8 deviations from 4.5 %)")
    spread_to_loss: float = bounded(2.0, 1.0, 20.0, "credit spread per unit of expected loss: a spread widening of s "
                                    "raises expected default losses by s / this a year (Baa spreads are ~4x expected "
                                    "losses, lower grades less; assumed 2 for the sub-investment-grade books)")
    redemption_base: float = bounded(0.0, 0.0, 1.0, "evergreen funds' repurchase requests a quarter beyond new "
                                     "subscriptions, share of their NAV, before any fall of NAV (0: subscriptions meet "
                                     "the usual requests)")
    redemption_slope: float = bounded(3.0, 0.0, 20.0, "rise of those requests per unit fall of the fund's NAV per "
                                      "share from its high (BREIT's requests reached 5.5-7.7 % of NAV a month in early "
                                      "2023 while its NAV fell a few per cent: about 3x a quarter)")
    depth_loans: float = bounded(200.0, 0.0, None, "USD bn of private-credit loans sold within a year that move "
                                 "their secondary price ~63 % (exponential impact, as the fire sales; assumed: selling "
                                 "a year's secondary volume, ~20 bn, on top of it costs ~10 %)", low_open=True)
    loan_sales_memory: float = bounded(4.0, 0.0, 40.0, "quarters over which past loan sales weigh on the price "
                                       "(they decay by 1/this a quarter)", low_open=True)
    rental_price_elasticity: float = bounded(0.5, 0.0, 10.0, "compute rental price vs market tightness")
    hardware_price_elasticity: float = bounded(0.5, 0.0, 10.0, "new-hardware price vs orders over supply")
    capacity_lag_quarters: int = bounded(2, 0, 20, "quarters between hardware capex and capacity online")
    equity_issue_share: float = bounded(0.05, 0.0, 1.0, "listed firms: new equity per year, share of market value")
    convertible_share: float = bounded(0.0, 0.0, 1.0, "listed convertible issuers: new convertible notes per year, "
                                       "share of equity value (observed 0.1-0.3; 0 by default, docs/model.md §4)")
    risk_free: float = bounded(0.042, -0.05, 0.5, "risk-free rate in equity discount rates (market value)")
    equity_premium: float = bounded(0.045, 0.0, 0.5, "equity risk premium per unit of beta (market value)")
    non_ai_growth: float = bounded(0.045, -0.5, 0.5, "growth of non-AI revenue lines a year; AI lines carry the rest")
    # Market value, v3 (docs/model.md §6): two-stage growth fade; hardware at the PV of its rents (§3).
    growth_fade_years: float = bounded(10.0, 0.0, 50.0, "priced-in growth above terminal_growth fades to it over this")
    terminal_growth: float = bounded(0.03, -0.05, 0.06, "long-run growth every firm's cash flow fades to")
    reversion_years: float = bounded(2.0, 0.0, 20.0, "utilisation and rental price return to their plan over this")
    # Lenders' underwriting, v3 (docs/model.md §4): limits on new debt from the scenario's own path.
    max_leverage: float = bounded(4.0, 0.0, 50.0, "new debt stops where total debt exceeds this × annual operating cash "
                                  "flow (or the firm's own leverage at the start, where higher: lenders accepted it)")
    min_interest_cover: float = bounded(2.0, 0.0, 50.0, "new debt stops where operating cash flow / interest falls below this")
    max_ltv: float = bounded(0.7, 0.0, 1.0, "secured lenders lend up to this share of pledged collateral at its value")
    backlog_advance: float = bounded(0.8, 0.0, 1.0, "delayed-draw lenders advance this share of contracted backlog "
                                     "from solvent investment-grade buyers")
    round_share: float = bounded(0.15, 0.0, 1.0, "private firms raise up to this share of their value a year in "
                                 "funding rounds (OpenAI, 2026-02-27: 110 bn at a 730 bn pre-money value)")
    round_size_elasticity: float = bounded(2.0, 0.0, 20.0, "labs' funding rounds shrink by (value / last round)^this "
                                           "below the last round's value")
    # Distress decisions, v3 (docs/model.md §4).
    opex_cut_per_year: float = bounded(0.2, 0.0, 1.0, "in distress, sticky opex is cut by up to this share a year")
    opex_cut_cost: float = bounded(0.5, 0.0, 1.0, "cost of cutting sticky opex (severance, exits), as a share of "
                                   "the first quarter's saving")
    construction_quarters: float = bounded(8.0, 0.0, 40.0, "quarters over which the capex already committed at the "
                                           "start (capex_floor_share of the plan) winds down as its projects complete")
    # Market value, v3 (docs/model.md §6): a levered equity is a call on the firm's value.
    equity_volatility: float = bounded(0.5, 0.0, 5.0, "a year's volatility of a firm's assets, as a share of its data "
                                       "value plus its debt: the equity is a call on its DCF value, so a levered "
                                       "equity is (value + debt)/value times as volatile (estimate: AI equities' "
                                       "realised volatility, about 0.25 for Microsoft, almost unlevered, to about 1 "
                                       "for CoreWeave at 1.6 times)")
    lgd: float = bounded(1.0, 0.0, 1.0, "Furfine cascade loss given default")
    tile: Optional[int] = bounded(None, 0, None, "scenarios per tile inside a device batch; "
                                                 "null: 2048 on CPU, the whole batch on GPU")


@dataclass
class MonteCarloConfig:
    scenarios: int = bounded(4096, 1, None, "scenarios drawn")
    chunk_size: Optional[int] = bounded(None, 1, None, "scenarios per device batch; null: from free memory")
    seed: int = bounded(0, 0, None, "random seed")
    keep_rows: int = bounded(1_000_000, 0, None, "per-scenario rows written (system loss is kept for all)")
    resume: bool = True           # resume from a checkpoint in the run directory; false: start again
    distributed: bool = False     # jax.distributed.initialize() (multi-host; SLURM auto-detected)
    correlation: float = bounded(0.5, 0.0, 1.0, "loading of every draw on the common factor")
    revenue_noise: float = bounded(0.10, 0.0, 2.0, "annual revenue volatility of each entity (lognormal)")


@dataclass
class ReportConfig:
    """How a run is shown (never what it computes: a rerun may change these and resume)."""

    top: int = bounded(10, 1, None, "most firms listed in the terminal's table of firms that fail")
    threshold: float = bounded(0.01, 0.0, 1.0, "P(default) a firm needs to be listed as failing")
    plots: bool = True
    progress: bool = True
    story: bool = False        # also print story.md (the chain of defaults in words) on the terminal
    html: bool = True          # write report.html: the whole run on one self-contained page
    replay: int = bounded(128, 0, None, "Monte Carlo scenarios rerun one by one with their paths recorded, "
                                        "for each firm's main default reason and the most common default sequence")


@dataclass
class NetworkConfig:
    """How links marked ``reconstructed`` in links.csv are filled."""

    reconstruction: Reconstruction = Reconstruction.data
    samples: int = bounded(32, 1, None, "networks in an ensemble (scenario s runs on network s mod samples)")
    density: float = bounded(0.3, 0.0, 1.0, "share of possible links drawn in each ensemble network",
                             low_open=True)
    seed: int = bounded(0, 0, None, "seed of the ensemble")


@dataclass
class TargetConfig:
    """Reverse stress test target: ``event`` by the quarter of ``by``."""

    event: Event = Event.default
    entity: str = "oracle"                       # for event=default: an id of entities.csv
    lender_kind: LenderKind = LenderKind.bank    # for event=lender_loss
    threshold: float = bounded(0.0, 0.0, None, "USD bn, for lender_loss and system_loss")
    by: str = "2028-12-31"


@dataclass
class ReverseConfig:
    starts: int = bounded(16, 1, None, "starting points searched at once")
    steps: int = bounded(300, 1, None, "optax steps")
    learning_rate: float = bounded(0.05, 0.0, None, "Adam learning rate", low_open=True)
    temperature_start: float = bounded(0.2, 0.0, None, "smoothed event indicator sigmoid(margin / T)",
                                       low_open=True)
    temperature_end: float = bounded(0.002, 0.0, None, "final temperature", low_open=True)
    weight: float = bounded(5.0, 0.0, None, "weight of the event term against plausibility")


class CalibrateTarget(Choice):
    deepseek_day = "deepseek_day"    # shock sizes fitted to the DeepSeek day's stock moves (calibrate.moves)
    credit = "credit"                # the market scenario's shared parameters fitted to credit-market PDs


@dataclass
class CalibrateConfig:
    """``mode=calibrate``: ``target=deepseek_day`` (default) fits shock sizes to one event day's
    returns (:mod:`stressgpu.calibrate`); ``target=credit`` fits the ``market`` scenario's occurrence
    probabilities, revenue noise and underwriting limits to market-implied 5-year PDs
    (:mod:`stressgpu.calibrate_credit`, docs/calibration.md)."""

    target: CalibrateTarget = CalibrateTarget.deepseek_day
    moves: str = "market_moves/deepseek_2025-01-27.csv"  # relative to data_dir (or absolute)
    steps: int = bounded(500, 1, None, "optax steps")
    starts: int = bounded(8, 1, None, "starting points")
    learning_rate: float = bounded(0.05, 0.0, None, "Adam learning rate", low_open=True)
    # A large cap's idiosyncratic daily return has a standard deviation of about 1.5-2 %; on
    # event days firm-specific news adds to it.
    return_noise: float = bounded(0.02, 0.0, None, "std. dev. of a firm's event-day return the shock does not explain",
                                  low_open=True)
    validate: bool = True                 # carry the fitted pattern to the other days of events.csv
    # target=credit (steps and learning_rate above serve its inner fit too)
    draws: int = bounded(32, 1, 4096, "credit: scenarios per occurrence pattern (the same draws in every pattern)")
    pd_floor: float = bounded(1e-3, 0.0, 0.5, "credit: PDs below this count as this in log PD errors",
                              low_open=True)
    log_pd_sd: float = bounded(0.5, 0.0, None, "credit: std. dev. of a log PD error against the priors",
                               low_open=True)
    grid: bool = True                     # credit: search revenue noise, max leverage, max LTV on their grid
    leave_one_out: bool = True            # credit: refit without each borrower and predict it


@dataclass
class RunConfig:
    data_dir: Optional[str] = None     # None: the embedded data (shipped with the package)
    start: str = "2026-01-01"          # first quarter simulated
    horizon: str = "2030-12-31"        # last quarter simulated
    precision: Precision = Precision.float32
    mode: Mode = Mode.montecarlo
    mc: MonteCarloConfig = field(default_factory=MonteCarloConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    target: TargetConfig = field(default_factory=TargetConfig)
    reverse: ReverseConfig = field(default_factory=ReverseConfig)
    calibrate: CalibrateConfig = field(default_factory=CalibrateConfig)
    shock: dict[str, Any] = field(default_factory=dict)
    scenario_name: Optional[str] = None
    compile_cache: str = "auto"        # auto | off | a directory: compiled programs kept between runs


# --- where the package's own files are ----------------------------------------------------

def package_dir(name: str) -> Path:
    """``conf`` or ``data`` as shipped: inside the installed package (``stressgpu/_conf``,
    ``stressgpu/_data``, copied there by the build), else the source checkout's top level."""
    shipped = resources.files("stressgpu") / f"_{name}"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / name


def register_configs() -> None:
    """Store every structured config in Hydra's ConfigStore (idempotent)."""
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="base_config", node=RunConfig)
    for name, (cls, _) in SHOCKS.items():
        cs.store(group="schema/shock", name=name, node=cls)


# --- validation ---------------------------------------------------------------------------

def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _range_text(lo, hi, low_open=False, high_open=False) -> str:
    left = "(" if low_open or lo is None else "["
    right = ")" if high_open or hi is None else "]"
    return f"{left}{'-inf' if lo is None else _fmt(lo)}, {'inf' if hi is None else _fmt(hi)}{right}"


def _field_range(cls, name: str) -> tuple:
    meta = cls.__dataclass_fields__[name].metadata
    lo, hi = meta.get("range", (None, None))
    return lo, hi, meta.get("low_open", False), meta.get("high_open", False)


def _in_range(value, lo, hi, low_open, high_open) -> bool:
    return ((lo is None or (value > lo if low_open else value >= lo))
            and (hi is None or (value < hi if high_open else value <= hi)))


def _check_number(key: str, value, rng: tuple | None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    text = f" in {_range_text(*rng)}" if rng and rng[:2] != (None, None) else ""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{key}={_fmt(value)}: must be a finite number{text}")
    if rng and not _in_range(value, *rng):
        raise ConfigError(f"{key}={_fmt(value)}: outside the allowed range {_range_text(*rng)}")


def check_fields(obj, prefix: str) -> None:
    """Every number of the dataclass tree ``obj`` finite and inside its declared range."""
    for f in fields(obj):
        value, key = getattr(obj, f.name), f"{prefix}{f.name}"
        if is_dataclass(value):
            check_fields(value, f"{key}.")
        elif isinstance(value, dict):
            for k, v in value.items():
                if is_dataclass(v):
                    check_fields(v, f"{key}.{k}.")
                else:
                    _check_number(f"{key}.{k}", v, None)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                _check_number(f"{key}[{i}]", v, None)
        else:
            _check_number(key, value, _field_range(type(obj), f.name) if "range" in f.metadata else None)


def _date(key: str, value: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{key}={value!r}: not a date; write it as YYYY-MM-DD (e.g. 2028-12-31)") from None


def _check_dist(name: str, size: str, value: float, spec: Dist, cls) -> Dist:
    """Check one size's distribution against the size's range; return it with its support
    filled in (``low``/``high`` default to the size's allowed range)."""
    key = f"shock.{name}.mc.{size}"
    lo, hi = allowed_range(cls, size)
    low = lo if spec.low is None else spec.low
    high = hi if spec.high is None else spec.high
    rng = _range_text(lo, hi)
    for what, v in (("low", spec.low), ("high", spec.high)):
        if v is not None and not ((lo is None or v >= lo) and (hi is None or v <= hi)):
            raise ConfigError(f"{key}.{what}={_fmt(v)}: outside the allowed range {rng} of shock.{name}.{size}")
    if spec.sign not in (-1.0, 1.0):
        raise ConfigError(f"{key}.sign={_fmt(spec.sign)}: allowed values are -1 and 1")
    if low is not None and high is not None and not low < high:
        raise ConfigError(f"{key}: low={_fmt(low)} must be below high={_fmt(high)}")
    kind = DistKind(spec.dist)
    if kind is DistKind.uniform and (low is None or high is None):
        raise ConfigError(f"{key}: a uniform distribution needs finite low and high")
    if kind in (DistKind.normal, DistKind.lognormal):
        if kind is DistKind.lognormal and value <= 0:
            raise ConfigError(f"shock.{name}.{size}={_fmt(value)}: a lognormal size must be > 0 ({key}.dist=lognormal)")
        if not _in_range(value, low, high, False, False):
            raise ConfigError(f"shock.{name}.{size}={_fmt(value)}: outside its Monte Carlo support "
                              f"{_range_text(low, high)} ({key}.low/high); move the value or the bounds")
    return Dist(dist=kind, scale=spec.scale, low=low, high=high, sign=spec.sign)


def shock_config(name: str, node) -> Any:
    """The typed, checked config of shock ``name`` from a DictConfig / dict / dataclass node."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    if name not in SHOCKS:
        raise ConfigError(f"shock.{name}: unknown shock; allowed values are {', '.join(SHOCKS)}")
    cls = SHOCKS[name][0]
    if isinstance(node, cls):
        cfg = node
    else:
        try:
            cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(cls), node or {}))
        except OmegaConfBaseException as err:
            key = getattr(err, "full_key", "") or ""
            allowed = ", ".join(f.name for f in fields(cls))
            raise ConfigError(f"shock.{name}{'.' + key if key else ''}: {getattr(err, 'msg', err)} "
                              f"(keys of this shock: {allowed})") from None
    check_fields(cfg, f"shock.{name}.")
    sizes = sizes_of(cfg)
    mc = {}
    for size, spec in cfg.mc.items():
        if size not in sizes:
            raise ConfigError(f"shock.{name}.mc.{size}: not a size of this shock; allowed: {', '.join(sizes)}")
        mc[size] = _check_dist(name, size, float(sizes[size]), spec, cls)
    cfg.mc = mc
    return cfg


def validate(cfg) -> tuple[RunConfig, dict]:
    """Check a composed config (DictConfig or dict); return the typed run config and
    ``{shock name: shock config}``. Raises :class:`ConfigError` on the first bad value."""
    from omegaconf import DictConfig, OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    raw = cfg if isinstance(cfg, DictConfig) else OmegaConf.create(cfg)
    plain = OmegaConf.to_container(OmegaConf.masked_copy(raw, [k for k in raw if k != "hydra"]), resolve=True)
    shocks = plain.pop("shock", {}) or {}
    try:
        run = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(RunConfig), plain))
    except OmegaConfBaseException as err:
        raise ConfigError(f"{getattr(err, 'full_key', '')}: {getattr(err, 'msg', err)}") from None
    check_fields(run, "")
    start, horizon = _date("start", run.start), _date("horizon", run.horizon)
    if not start < horizon:
        raise ConfigError(f"horizon={run.horizon}: must be after start={run.start}")
    _check_cache_dir(run.compile_cache)
    by = _date("target.by", run.target.by)
    if run.mode == Mode.reverse and not start < by:
        raise ConfigError(f"target.by={run.target.by}: must be after start={run.start}")
    if run.reverse.temperature_end > run.reverse.temperature_start:
        raise ConfigError(f"reverse.temperature_end={_fmt(run.reverse.temperature_end)}: must not exceed "
                          f"reverse.temperature_start={_fmt(run.reverse.temperature_start)}")
    if run.mode == Mode.calibrate and run.calibrate.target == CalibrateTarget.credit and "idiosyncratic_default" in shocks:
        raise ConfigError("shock.idiosyncratic_default: not allowed with calibrate.target=credit (a named default is a "
                          "per-firm knob); allowed shocks: the market scenario's (+scenario=market)")
    return run, {name: shock_config(name, node) for name, node in shocks.items()}


def _check_cache_dir(setting: str) -> None:
    if setting in ("auto", "off"):
        return
    if not setting.strip():
        raise ConfigError("compile_cache='': allowed values are auto, off or a directory")
    path = Path(setting).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"compile_cache={setting}: exists and is not a directory; allowed values are auto, "
                          f"off or a directory")


def check_against_data(run: RunConfig, shocks: dict, labels, data_dir: Path) -> None:
    """Checks that need the network: entity ids named in the config, the calibration table."""
    ids = list(labels.ids)

    def known(key, eid):
        if eid not in ids:
            raise ConfigError(f"{key}={eid!r}: not an entity of {data_dir / 'entities.csv'}; "
                              f"allowed values are {', '.join(ids)}")

    for i, eid in enumerate(getattr(shocks.get("idiosyncratic_default"), "entities", [])):
        known(f"shock.idiosyncratic_default.entities[{i}]", eid)
    if run.mode == Mode.reverse and run.target.event == Event.default:
        known("target.entity", run.target.entity)
    if run.mode == Mode.calibrate and run.calibrate.target == CalibrateTarget.deepseek_day:
        path = moves_path(run, data_dir)
        if not path.is_file():
            raise ConfigError(f"calibrate.moves={run.calibrate.moves!r}: file not found ({path})")


def moves_path(run: RunConfig, data_dir: Path) -> Path:
    p = Path(run.calibrate.moves).expanduser()
    return p if p.is_absolute() else data_dir / p


def plain(value):
    """A config value as the numerics take it: Enums become their string values."""
    return value.value if isinstance(value, Choice) else value

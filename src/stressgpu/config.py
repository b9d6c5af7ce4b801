"""Typed run configuration: the dataclasses behind ``conf/``, and start-up validation.

Hydra composes ``conf/config.yaml`` over :class:`RunConfig` (registered as ``base_config``), so
an unknown top-level key or a wrong type stops at once. Shocks are a dict ``name -> sizes``
(``+shock=deepseek`` adds ``shock.deepseek``); :func:`validate` checks each against its shock's
dataclass and every enumerated setting against its allowed values, naming the bad key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from .shocks import DISTS, SHOCKS


class ConfigError(ValueError):
    """A bad configuration value; the message names the key and the allowed values."""


@dataclass
class ChannelsConfig:
    commitments: bool = True      # MODEL.md §3.6
    cross_holdings: bool = True   # §3.2
    fire_sales: bool = True       # §3.5
    refinancing: bool = True      # §4: maturities need a lender with capacity
    debtrank: bool = True         # §3.3 diagnostics at t = 0
    cascade: bool = True          # §3.4 diagnostics at t = 0


@dataclass
class ModelConfig:
    alpha: float = 1.0
    beta: float = 1.0
    opex_fixed_share: float = 0.4     # operating leverage: share of opex fixed in the short run
    hardware_life_years: float = 6.0
    real_estate_life_years: float = 30.0
    capex_hardware_share: float = 0.6
    min_capital_ratio: float = 0.05
    depth_hardware: float = 300.0
    depth_real_estate: float = 800.0
    impact: str = "exponential"
    clearing_tol: float = 1e-6
    clearing_max_iter: int = 500
    lgd: float = 1.0              # Furfine cascade loss given default
    tile: Optional[int] = None    # scenarios per tile inside a device batch; None: 128 on CPU, whole batch on GPU


@dataclass
class MonteCarloConfig:
    scenarios: int = 4096
    chunk_size: Optional[int] = None  # None: from the device's free memory
    seed: int = 0
    keep_rows: int = 1_000_000    # per-scenario rows written (system loss is kept for all)
    resume: bool = True           # resume from a checkpoint in the run directory
    distributed: bool = False     # jax.distributed.initialize() (multi-host; SLURM auto-detected)
    correlation: float = 0.5      # loading of every draw on the common factor
    revenue_noise: float = 0.10   # annual revenue volatility of each entity (lognormal)


@dataclass
class ReportConfig:
    top: int = 10
    plots: bool = True
    progress: bool = True


@dataclass
class NetworkConfig:
    """How links marked ``reconstructed`` in links.csv are filled (MODEL.md §1)."""

    reconstruction: str = "data"  # data | max_entropy | min_density | ensemble
    samples: int = 32             # networks in the ensemble (scenario s runs on network s mod samples)
    density: float = 0.3          # share of possible links drawn in each ensemble network
    seed: int = 0


@dataclass
class TargetConfig:
    """Reverse stress test target: ``event`` by the quarter of ``by``."""

    event: str = "default"        # default | lender_loss | system_loss
    entity: str = "oracle"        # for event=default
    lender_kind: str = "bank"     # for event=lender_loss: bank | private_credit | outside
    threshold: float = 0.0        # USD bn, for lender_loss and system_loss
    by: str = "2028-12-31"


@dataclass
class ReverseConfig:
    starts: int = 16              # starting points searched at once
    steps: int = 300              # optax steps
    learning_rate: float = 0.05
    temperature_start: float = 0.2   # smoothed event indicator sigmoid(margin / T), T shrinking
    temperature_end: float = 0.002
    weight: float = 5.0           # weight of the event term against plausibility


@dataclass
class CalibrateConfig:
    moves: str = "market_moves/deepseek_2025-01-27.csv"  # relative to data_dir (or absolute)
    steps: int = 200
    starts: int = 8
    learning_rate: float = 0.05
    prior_weight: float = 0.01    # weight of the plausibility prior on the sizes' scores
    cost_of_equity: float = 0.09
    terminal_growth: float = 0.03


@dataclass
class RunConfig:
    data_dir: Optional[str] = None     # None: the embedded data/
    start: str = "2026-01-01"
    horizon: str = "2030-12-31"
    precision: str = "float32"
    mode: str = "montecarlo"
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


ALLOWED = {
    "precision": ("float32", "float64"),
    "mode": ("montecarlo", "reverse", "calibrate", "sensitivity"),
    "target.event": ("default", "lender_loss", "system_loss"),
    "target.lender_kind": ("bank", "private_credit", "outside"),
    "model.impact": ("exponential", "linear"),
    "network.reconstruction": ("data", "max_entropy", "min_density", "ensemble"),
}


def register_configs() -> None:
    ConfigStore.instance().store(name="base_config", node=RunConfig)


def _shock_config(name: str, node) -> Any:
    if name not in SHOCKS:
        raise ConfigError(f"shock.{name}: unknown shock; allowed values are {', '.join(SHOCKS)}")
    cls = SHOCKS[name][0]
    try:
        merged = OmegaConf.merge(OmegaConf.structured(cls), node)
        cfg = OmegaConf.to_object(merged)
    except OmegaConfBaseException as err:
        allowed = ", ".join(f for f in cls.__dataclass_fields__)
        raise ConfigError(f"shock.{name}: {err.msg if hasattr(err, 'msg') else err} (allowed keys: {allowed})") from None
    for size, spec in cfg.mc.items():
        if size not in cls.__dataclass_fields__:
            raise ConfigError(f"shock.{name}.mc.{size}: not a size of this shock; allowed: "
                              f"{', '.join(f for f in cls.__dataclass_fields__ if f != 'mc')}")
        if spec.dist not in DISTS:
            raise ConfigError(f"shock.{name}.mc.{size}.dist={spec.dist!r}: allowed values are {', '.join(DISTS)}")
        if spec.dist == "uniform" and (spec.low is None or spec.high is None):
            raise ConfigError(f"shock.{name}.mc.{size}: a uniform distribution needs low and high")
    return cfg


def validate(cfg: DictConfig | dict) -> tuple[RunConfig, dict]:
    """Check a composed config; return the typed run config and ``{shock name: shock config}``."""
    raw = cfg if isinstance(cfg, DictConfig) else OmegaConf.create(cfg)
    plain = OmegaConf.to_container(raw, resolve=True)
    shocks = plain.pop("shock", {}) or {}
    plain.pop("hydra", None)
    try:
        run = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(RunConfig), plain))
    except OmegaConfBaseException as err:
        raise ConfigError(f"{getattr(err, 'full_key', '')}: {getattr(err, 'msg', err)}") from None
    for key, allowed in ALLOWED.items():
        value = OmegaConf.select(OmegaConf.structured(run), key)
        if value not in allowed:
            raise ConfigError(f"{key}={value!r}: allowed values are {', '.join(allowed)}")
    for key, value in (("mc.scenarios", run.mc.scenarios), ("mc.chunk_size", run.mc.chunk_size or 1)):
        if value < 1:
            raise ConfigError(f"{key}={value}: must be a positive integer")
    if not 0.0 <= run.mc.correlation <= 1.0:
        raise ConfigError(f"mc.correlation={run.mc.correlation}: must be in [0, 1]")
    return run, {name: _shock_config(name, node) for name, node in shocks.items()}

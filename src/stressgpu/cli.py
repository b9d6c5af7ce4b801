"""Command line: ``python -m stressgpu +shock=deepseek`` (Hydra). Composes, validates, hands off.

:func:`run` does the work for a composed config and an output directory, so tests and
notebooks can call it without Hydra's process-level machinery.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import hydra
import jax
from omegaconf import DictConfig, OmegaConf

from .config import ConfigError, RunConfig, register_configs, validate
from .data import DataError

CONF_DIR = str(Path(__file__).resolve().parents[2] / "conf")
register_configs()
logging.getLogger("jax._src.xla_bridge").setLevel(logging.WARNING)  # "no TPU" notices are noise here


def _model_params(run: RunConfig):
    from .dynamics import ModelParams

    m, ch = run.model, run.channels
    return ModelParams(commitments=ch.commitments, cross_holdings=ch.cross_holdings, fire_sales=ch.fire_sales,
                       refinancing=ch.refinancing, alpha=m.alpha, beta=m.beta,
                       hardware_life_years=m.hardware_life_years, real_estate_life_years=m.real_estate_life_years,
                       capex_hardware_share=m.capex_hardware_share, min_capital_ratio=m.min_capital_ratio,
                       depth_hardware=m.depth_hardware, depth_real_estate=m.depth_real_estate, impact=m.impact,
                       clearing_tol=m.clearing_tol, clearing_max_iter=m.clearing_max_iter)


def run(cfg: DictConfig, out_dir: str | Path) -> dict:
    """Validate ``cfg``, run the Monte Carlo, write every output into ``out_dir``; return the summary."""
    run_cfg, shocks = validate(cfg)
    jax.config.update("jax_enable_x64", run_cfg.precision == "float64")
    import jax.numpy as jnp
    import numpy as np

    from .channels.commitments import circular_revenue_share
    from .data import load_tables
    from .montecarlo import fingerprint, run_montecarlo
    from .network import build_network, revenue_plan
    from .report import entity_table, scenario_table, summary, terminal_report
    from .report import plots

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if run_cfg.mc.distributed:
        jax.distributed.initialize()
    tables = load_tables(run_cfg.data_dir)
    dtype = jnp.float64 if run_cfg.precision == "float64" else jnp.float32
    net, labels = build_network(tables, run_cfg.start, run_cfg.horizon, dtype)
    names = ", ".join(shocks) or "none (baseline noise only)"
    print(f"stressgpu: {len(labels.ids)} entities, {len(labels.quarters)} quarters, shocks: {names}; "
          f"{run_cfg.mc.scenarios:,} scenarios on {jax.default_backend().upper()} ({run_cfg.precision})", flush=True)
    mc = run_cfg.mc
    run_id = fingerprint(cfg=OmegaConf.to_container(cfg, resolve=True), data=tables.checksum, dtype=str(dtype))
    res = run_montecarlo(net, labels, shocks, scenarios=mc.scenarios, chunk_size=mc.chunk_size, seed=mc.seed,
                         correlation=mc.correlation, revenue_noise=mc.revenue_noise, params=_model_params(run_cfg),
                         progress=run_cfg.report.progress, diagnostics=run_cfg.channels.debtrank or run_cfg.channels.cascade,
                         lgd=run_cfg.model.lgd, keep_rows=mc.keep_rows, out_dir=out if mc.resume else None,
                         run_id=run_id)
    if res.resumed_from_chunk:
        print(f"resumed after chunk {res.resumed_from_chunk - 1} from {out / 'checkpoint.npz'}")
    revenue_horizon = revenue_plan(net).sum(axis=1)
    circular = np.asarray(circular_revenue_share(net.investment_for_purchase, net.commitments, revenue_horizon))
    ents = entity_table(res, labels, circular)
    scen = scenario_table(res)
    summ = {**summary(res), "data_checksum": tables.checksum, "data_dir": str(tables.directory),
            "backend": jax.default_backend(), "shocks": list(shocks)}
    for name, df in (("entities", ents), ("scenarios", scen)):
        df.to_parquet(out / f"{name}.parquet", index=False)
        df.to_csv(out / f"{name}.csv", index=False)
    (out / "summary.json").write_text(json.dumps(summ, indent=2))
    (out / "config_resolved.yaml").write_text(OmegaConf.to_yaml(cfg, resolve=True))
    (out / "data_checksum.txt").write_text(f"sha256 {tables.checksum}  {tables.directory}\n")
    if jax.process_index() != 0:
        return summ
    if run_cfg.report.plots:
        plots.default_timeline(res, labels, out / "default_timeline.png")
        plots.loss_distribution(res.system_loss, summ, out / "loss_distribution.png")
        plots.network_picture(net, labels, res.default_prob, out / "network.png")
    print(terminal_report(ents, summ, run_cfg.report.top))
    print(f"Outputs: {out}")
    return summ


@hydra.main(config_path=CONF_DIR, config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    status = out / "status.json"
    try:
        run(cfg, out)
        status.write_text(json.dumps({"status": "ok"}))
    except Exception as err:  # noqa: BLE001 - a failed sweep job is recorded, the others go on
        status.write_text(json.dumps({"status": "failed", "error": f"{type(err).__name__}: {err}"}))
        if hc.mode == RunMode.MULTIRUN:
            print(f"stressgpu: job {hc.job.num} failed: {type(err).__name__}: {err}", file=sys.stderr)
            return
        if isinstance(err, (ConfigError, DataError)):
            print(f"stressgpu: error: {err}", file=sys.stderr)
            sys.exit(2)
        raise


def main() -> None:
    _hydra_main()

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

from .config import ConfigError, register_configs, validate
from .data import DataError

CONF_DIR = str(Path(__file__).resolve().parents[2] / "conf")
register_configs()
logging.getLogger("jax._src.xla_bridge").setLevel(logging.WARNING)  # "no TPU" notices are noise here


def run(cfg: DictConfig, out_dir: str | Path) -> dict:
    """Validate ``cfg``, run its mode, write every output into ``out_dir``; return the summary."""
    run_cfg, shocks = validate(cfg)
    if run_cfg.precision == "float64":  # float32 runs need no change: their arrays are float32
        jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    from .data import load_tables
    from .ensemble import reconstruction_block
    from .modes import MODES, Context
    from .montecarlo import fingerprint
    from .network import build_network

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if run_cfg.mc.distributed:
        jax.distributed.initialize()
    tables = load_tables(run_cfg.data_dir)
    dtype = jnp.float64 if run_cfg.precision == "float64" else jnp.float32
    horizon = run_cfg.target.by if run_cfg.mode == "reverse" else run_cfg.horizon
    block = reconstruction_block(tables) if run_cfg.network.reconstruction != "data" else None
    net, labels = build_network(tables, run_cfg.start, horizon, dtype,
                                extra_debt_pairs=tuple(block.pairs()) if block else ())
    print(f"stressgpu {run_cfg.mode}: {len(labels.ids)} entities, {len(labels.quarters)} quarters, "
          f"shocks: {', '.join(shocks) or 'none'}; on {jax.default_backend().upper()} ({run_cfg.precision})", flush=True)
    run_id = fingerprint(cfg=OmegaConf.to_container(cfg, resolve=True), data=tables.checksum, dtype=str(dtype))
    summ = MODES[run_cfg.mode](Context(run_cfg, shocks, tables, net, labels, out, run_id, block))
    summ.update(data_checksum=tables.checksum, data_dir=str(tables.directory), backend=jax.default_backend())
    if jax.process_index() == 0:
        (out / "summary.json").write_text(json.dumps(summ, indent=2, default=str))
        (out / "config_resolved.yaml").write_text(OmegaConf.to_yaml(cfg, resolve=True))
        (out / "data_checksum.txt").write_text(f"sha256 {tables.checksum}  {tables.directory}\n")
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
    """Console entry point (``stressgpu``); ``python -m stressgpu`` goes through __main__.py."""
    _hydra_main()

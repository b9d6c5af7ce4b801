"""Configs compose, bad keys are named, and the CLI runs end to end (small scenario counts)."""
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from stressgpu.cli import CONF_DIR, run
from stressgpu.config import ConfigError, validate
from stressgpu.shocks import SHOCKS

MINI = str(Path(__file__).parent / "fixtures" / "mini")
SCENARIOS = sorted(p.stem for p in (Path(CONF_DIR) / "scenario").glob("*.yaml"))


def cfg(*overrides):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


@pytest.mark.parametrize("shock", sorted(SHOCKS))
def test_every_shock_config_composes_and_validates(shock):
    run_cfg, shocks = validate(cfg(f"+shock={shock}"))
    assert list(shocks) == [shock]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_config_composes(scenario):
    _, shocks = validate(cfg(f"+scenario={scenario}"))
    assert len(shocks) >= 2


def test_shocks_compose_on_the_command_line():
    _, shocks = validate(cfg("+shock=[deepseek,rate_hike]", "shock.deepseek.k=20"))
    assert set(shocks) == {"deepseek", "rate_hike"} and shocks["deepseek"].k == 20


@pytest.mark.parametrize("override, named", [
    ("+shock.deepseek.kk=3", "shock.deepseek"),
    ("precision=float16", "precision"),
    ("model.impact=cubic", "model.impact"),
    ("+shock.volcano.size=1", "shock.volcano"),
    ("shock.deepseek.mc.k.dist=pareto", "shock.deepseek.mc.k.dist"),
    ("mc.scenarios=0", "mc.scenarios"),
])
def test_bad_values_are_named(override, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        validate(cfg("+shock=deepseek", override) if not override.startswith("+shock.volcano") else cfg(override))


def test_run_end_to_end(tmp_path):
    summ = run(cfg("+shock=deepseek", f"data_dir={MINI}", "mc.scenarios=256", "mc.chunk_size=100",
                   "report.progress=false"), tmp_path)
    assert summ["scenarios"] == 256 and summ["not_converged"] == 0
    ents = pd.read_parquet(tmp_path / "entities.parquet")
    scen = pd.read_parquet(tmp_path / "scenarios.parquet")
    assert len(ents) == 7 and len(scen) == 256
    assert ents["default_prob"].between(0, 1).all()
    for f in ("entities.csv", "scenarios.csv", "summary.json", "config_resolved.yaml", "data_checksum.txt",
              "default_timeline.png", "loss_distribution.png", "network.png"):
        assert (tmp_path / f).stat().st_size > 0, f
    assert json.loads((tmp_path / "summary.json").read_text())["data_checksum"] in (tmp_path / "data_checksum.txt").read_text()


def test_same_seed_same_numbers_and_chunking_does_not_matter(tmp_path):
    a = run(cfg("+shock=rate_hike", f"data_dir={MINI}", "mc.scenarios=64", "mc.chunk_size=64", "report.plots=false",
                "report.progress=false"), tmp_path / "a")
    b = run(cfg("+shock=rate_hike", f"data_dir={MINI}", "mc.scenarios=64", "mc.chunk_size=64", "report.plots=false",
                "report.progress=false"), tmp_path / "b")
    assert a["system_loss_mean"] == b["system_loss_mean"]


def test_multirun_two_jobs(tmp_path):
    cmd = [sys.executable, "-m", "stressgpu", "-m", "+shock=deepseek", "shock.deepseek.k=5,20", f"data_dir={MINI}",
           "mc.scenarios=64", "report.plots=false", "report.progress=false", f"hydra.sweep.dir={tmp_path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    losses = [json.loads((tmp_path / str(i) / "summary.json").read_text())["system_loss_mean"] for i in (0, 1)]
    assert losses[1] > losses[0]  # a 20x efficiency jump hurts more than 5x


def test_bad_data_dir_stops_with_message(tmp_path):
    cmd = [sys.executable, "-m", "stressgpu", "+shock=deepseek", f"data_dir={tmp_path}/nowhere",
           f"hydra.run.dir={tmp_path}/run"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "data directory not found" in out.stderr


def test_joblib_sweep_with_a_failed_job_is_gathered(tmp_path):
    """A sweep through the joblib launcher: the bad job is recorded, the others are gathered."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    cmd = [sys.executable, "-m", "stressgpu", "-m", "hydra/launcher=local", "+shock=deepseek",
           "shock.deepseek.k=3,30", "model.impact=exponential,cubic", f"data_dir={MINI}", "mc.scenarios=64",
           "report.plots=false", "report.progress=false", f"hydra.sweep.dir={tmp_path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    from stressgpu.gather import main as gather_main

    assert gather_main([str(tmp_path), "--x", "shock.deepseek.k", "--y", "model.impact"]) == 0
    jobs = pd.read_csv(tmp_path / "sweep_jobs.csv")
    assert sorted(jobs.status) == ["failed", "failed", "ok", "ok"]
    assert jobs.loc[jobs.status == "failed", "error"].str.contains("model.impact").all()
    ents = pd.read_parquet(tmp_path / "sweep_entities.parquet")
    assert set(ents["shock.deepseek.k"]) == {3, 30} and len(ents) == 2 * 7

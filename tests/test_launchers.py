"""Cluster launchers for real (issue 14, item 4): a two-job sweep through the real engines in
their local modes, each job a tiny Monte Carlo.

* ``hydra/launcher=submitit_local``: submitit's code path as on SLURM (pickled jobs, a submitit
  folder, job arrays), with local processes instead of sbatch;
* ``hydra/launcher=ray_local``: the Ray launcher starting a Ray cluster on this machine.

Skipped, saying so, when the launcher is not installed (``pip install -e '.[slurm]'``; for Ray
see docs/scaling.md); CI installs both (.ci/run).
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def _require(*modules: str, install: str) -> None:
    for m in modules:
        pytest.importorskip(m, reason=f"{m} is not importable; install with: {install}")


def sweep(tmp_path: Path, launcher: str) -> tuple[list[dict], str]:
    cmd = [sys.executable, "-m", "stressgpu", "-m", f"hydra/launcher={launcher}", "+shock=deepseek",
           "shock.deepseek.k=5,20", f"data_dir={MINI}", "mc.scenarios=64", "report.plots=false",
           "report.progress=false", f"hydra.sweep.dir={tmp_path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert out.returncode == 0, (out.stdout[-2000:], out.stderr[-4000:])
    jobs = []
    for i in (0, 1):
        job = tmp_path / str(i)
        status = json.loads((job / "status.json").read_text()) if (job / "status.json").exists() else None
        assert status == {"status": "ok"}, (i, status, out.stderr[-3000:])
        jobs.append(json.loads((job / "summary.json").read_text()))
    return jobs, out.stdout + out.stderr


def check(jobs: list[dict]) -> None:
    assert [j["scenarios"] for j in jobs] == [64, 64]
    assert all(j["not_converged"] == 0 and j["shocks"] == ["deepseek"] for j in jobs)
    assert jobs[1]["system_loss_mean"] > jobs[0]["system_loss_mean"]  # a 20x efficiency jump hurts more than 5x


@pytest.mark.slow
def test_submitit_local_sweep(tmp_path):
    _require("submitit", "hydra_plugins.hydra_submitit_launcher", install="pip install -e '.[slurm]'")
    jobs, _ = sweep(tmp_path, "submitit_local")
    check(jobs)
    # The jobs ran through submitit: its folder holds each job's pickles and logs.
    logs = list((tmp_path / ".submitit").rglob("*_log.out"))
    assert len(logs) >= 2, sorted(p.name for p in (tmp_path / ".submitit").rglob("*"))


@pytest.mark.slow
def test_ray_local_sweep(tmp_path):
    _require("ray", "hydra_plugins.hydra_ray_launcher",
             install="pip install 'ray>=2.9,<3' && pip install --no-deps 'hydra-ray-launcher>=1.2' (docs/scaling.md)")
    jobs, log = sweep(tmp_path, "ray_local")
    check(jobs)
    assert "Ray Launcher is launching 2 jobs" in log, log[-3000:]

"""Multi-process for real (issue 14, item 4): two local processes joined by JAX's distributed
runtime (``jax.distributed.initialize``, CPU collectives over gloo) run the sharded Monte Carlo
and give the numbers of one process with the same seed.

1. The library: :func:`stressgpu.montecarlo.run_montecarlo` in each process
   (tests/fixtures/distributed_worker.py; one CPU device per process, so the scenario axis of
   every chunk is split across the two processes), against a single process with one device.
2. The command line as a user runs it on a cluster: ``python -m stressgpu mc.distributed=true``
   in two processes that see a SLURM job step's environment (``jax.distributed.initialize()``
   detects it; ``JAX_COORDINATOR_PORT`` points it at a free local port), against one process;
   compared with scripts/compare_runs.py.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[1]
WORKER = Path(__file__).parent / "fixtures" / "distributed_worker.py"
MINI = Path(__file__).parent / "fixtures" / "mini"
TIMEOUT = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env.update(JAX_PLATFORMS="cpu", **extra)
    return env


def run_together(cmds: list[list[str]], envs: list[dict], cwd: Path) -> list[str]:
    """Start every command at once, wait for all (killing the rest if one fails or they hang);
    return each one's output. Fails the test with every output when one does not exit 0."""
    logs = [cwd / f"process{i}.log" for i in range(len(cmds))]
    procs = [subprocess.Popen(c, env=e, cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT)
             for c, e, log in zip(cmds, envs, logs)]
    deadline = time.monotonic() + TIMEOUT
    try:
        while any(p.poll() is None for p in procs):
            if any(p.poll() not in (None, 0) for p in procs) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
    outputs = [log.read_text() for log in logs]
    codes = [p.returncode for p in procs]
    assert codes == [0] * len(procs), "\n\n".join(f"--- process {i} (exit {c}):\n{o[-3000:]}"
                                                  for i, (c, o) in enumerate(zip(codes, outputs)))
    return outputs


@pytest.mark.slow
def test_sharded_montecarlo_on_two_processes_equals_one(tmp_path):
    port = free_port()
    worker = [sys.executable, str(WORKER)]
    env = _env(XLA_FLAGS="")  # one CPU device per process
    run_together([[*worker, str(tmp_path / "multi.json"), "--processes", "2", "--process-id", str(i),
                   "--port", str(port)] for i in (0, 1)] + [[*worker, str(tmp_path / "single.json")]],
                 [env] * 3, tmp_path)
    single = json.loads((tmp_path / "single.json").read_text())
    multi = [json.loads((tmp_path / f"multi.{i}.json").read_text()) for i in (0, 1)]
    assert single["devices"] == 1 and single["process_count"] == 1
    assert [m["process_index"] for m in multi] == [0, 1]
    assert all(m["devices"] == 2 and m["local_devices"] == 1 and m["process_count"] == 2 for m in multi)
    assert len(single["system_loss"]) == 96 and single["status_count"]["ok"] == 96
    for m in multi:  # both processes end with the whole result (gathered from both)
        for k in ("system_loss", "default_prob", "equity_loss_mean", "equity_loss_es95", "furfine_default_prob"):
            np.testing.assert_allclose(m[k], single[k], rtol=1e-12, atol=1e-12, err_msg=k)
        for k, v in single["row_mean"].items():
            np.testing.assert_allclose(np.asarray(m["row_mean"][k], float), np.asarray(v, float), rtol=1e-12,
                                       err_msg=f"row_mean {k}")
        for k, v in single["channel_loss"].items():
            np.testing.assert_allclose(m["channel_loss"][k], v, rtol=1e-12, atol=1e-12, err_msg=f"channel {k}")
        assert m["scenario_rows"].keys() == single["scenario_rows"].keys()
        for k, v in single["scenario_rows"].items():
            np.testing.assert_allclose(np.asarray(m["scenario_rows"][k], float), np.asarray(v, float),
                                       rtol=1e-12, atol=1e-12, err_msg=f"scenario column {k}")
        assert m["status_count"] == single["status_count"]
    assert np.std(single["system_loss"]) > 0  # the draws differ: the comparison is not trivial


@pytest.mark.slow
def test_cli_distributed_on_two_processes_equals_one(tmp_path):
    """``mc.distributed=true`` under a (simulated) SLURM job step of two tasks on this machine."""
    port = free_port()
    # No mc.chunk_size: each process sizes chunks from its own device's memory, and the run takes
    # process 0's (a process asking for another process's device memory failed here before).
    args = ["-m", "stressgpu", "+shock=deepseek", f"data_dir={MINI}", "mc.scenarios=64",
            "report.progress=false", "report.plots=false"]
    slurm = dict(SLURM_JOB_ID="4242", SLURM_STEP_NODELIST="127.0.0.1", SLURM_NTASKS="2", SLURM_STEP_NUM_NODES="1",
                 JAX_COORDINATOR_PORT=str(port))
    multi, single = tmp_path / "multi", tmp_path / "single"
    run_together([[sys.executable, *args, "mc.distributed=true", f"hydra.run.dir={multi}"] for _ in (0, 1)]
                 + [[sys.executable, *args, f"hydra.run.dir={single}"]],
                 [_env(**slurm, SLURM_PROCID=str(i), SLURM_LOCALID=str(i)) for i in (0, 1)] + [_env()], tmp_path)
    a = json.loads((multi / "summary.json").read_text())
    b = json.loads((single / "summary.json").read_text())
    assert a["devices"] == 2 * b["devices"], (a["devices"], b["devices"])  # both processes' devices
    assert a["scenarios"] == b["scenarios"] == 64 and a["not_converged"] == 0
    # float32 sums over another split of the scenarios: equal to rounding
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "compare_runs.py"), str(multi), str(single),
                          "--rtol", "1e-5", "--atol", "1e-6"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr

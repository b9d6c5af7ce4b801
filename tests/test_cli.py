"""The CLI runs end to end (small scenario counts), resumes, sweeps, and guards its run directory.
Composition of every config: test_configs.py; malformed input: test_bad_inputs.py."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from stressgpu.cli import CONF_DIR, LOCK, RunDirError, run, run_lock

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def cfg(*overrides):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


@pytest.mark.slow
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
    assert not (tmp_path / LOCK).exists()
    # The story's replay is the Monte Carlo's own first chunk (100 scenarios here, fewer than report.replay):
    # drawn again, its sizes and its defaults per scenario match the recorded rows.
    replay = summ["replay"]
    assert replay["same_as_monte_carlo"] and replay["scenarios"] == 100 and replay["n_defaults_agree"] == 100
    assert (tmp_path / "story.md").stat().st_size > 0 and (tmp_path / "report.html").stat().st_size > 0


@pytest.mark.slow
def test_rerun_resumes_and_resume_false_starts_again(tmp_path):
    """Same seed, same numbers: a rerun into the same directory resumes from the checkpoint
    (nothing left to run), ``mc.resume=false`` runs every chunk again; both give the numbers
    of the first run."""
    args = ("+shock=rate_hike", f"data_dir={MINI}", "mc.scenarios=64", "mc.chunk_size=32", "report.plots=false",
            "report.progress=false")
    a = run(cfg(*args), tmp_path)
    b = run(cfg(*args), tmp_path)
    c = run(cfg(*args, "mc.resume=false"), tmp_path)
    assert (a["resumed_from_chunk"], b["resumed_from_chunk"], c["resumed_from_chunk"]) == (0, 2, 0)
    assert a["system_loss_mean"] == b["system_loss_mean"] == c["system_loss_mean"]
    assert b["scenarios_run"] == 0 and c["scenarios_run"] == 64


def test_stale_lock_is_taken_over_and_a_live_one_refused(tmp_path):
    import os
    import socket

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    (tmp_path / LOCK).write_text(json.dumps({"pid": dead.pid, "host": host}))
    with run_lock(tmp_path) as path:
        assert json.loads(path.read_text())["pid"] == os.getpid()
        with pytest.raises(RunDirError, match="another stressgpu run"):
            with run_lock(tmp_path):
                pass
    assert not (tmp_path / LOCK).exists()


def test_summary_json_has_one_writer():
    src = Path(__file__).parents[1] / "src" / "stressgpu"
    writers = [p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if re.search(r'"summary\.json"\)\.write|summary\.json.*open\(.*"w', p.read_text())]
    assert writers == ["report/output.py"], writers


@pytest.mark.slow
def test_multirun_two_jobs(tmp_path):
    cmd = [sys.executable, "-m", "stressgpu", "-m", "+shock=deepseek", "shock.deepseek.k=5,20", f"data_dir={MINI}",
           "mc.scenarios=64", "report.plots=false", "report.progress=false", f"hydra.sweep.dir={tmp_path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    losses = [json.loads((tmp_path / str(i) / "summary.json").read_text())["system_loss_mean"] for i in (0, 1)]
    assert losses[1] > losses[0]  # a 20x efficiency jump hurts more than 5x


@pytest.mark.slow
def test_joblib_sweep_with_a_failed_job_is_gathered(tmp_path):
    """A sweep through the joblib launcher: the bad job is recorded, the others are gathered."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    cmd = [sys.executable, "-m", "stressgpu", "-m", "hydra/launcher=local", "+shock=deepseek",
           "shock.deepseek.k=3,30", "shock.deepseek.elasticity=0.7,-5", f"data_dir={MINI}", "mc.scenarios=64",
           "report.plots=false", "report.progress=false", f"hydra.sweep.dir={tmp_path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    from stressgpu.gather import main as gather_main

    assert gather_main([str(tmp_path), "--x", "shock.deepseek.k", "--y", "shock.deepseek.elasticity"]) == 0
    jobs = pd.read_csv(tmp_path / "sweep_jobs.csv")
    assert sorted(jobs.status) == ["failed", "failed", "ok", "ok"]
    assert jobs.loc[jobs.status == "failed", "error"].str.contains("shock.deepseek.elasticity=-5").all()
    ents = pd.read_parquet(tmp_path / "sweep_entities.parquet")
    assert set(ents["shock.deepseek.k"]) == {3, 30} and len(ents) == 2 * 7


def test_an_unwritable_run_dir_names_the_key_and_the_path(tmp_path, capsys):
    """hydra.run.dir under a file: exit 2, one line naming hydra.run.dir and the path, no stack."""
    from stressgpu.cli import main

    blocker = tmp_path / "a_file"
    blocker.write_text("")
    code = main(["+shock=deepseek", f"data_dir={MINI}", f"hydra.run.dir={blocker}/run"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [f"stressgpu: error: hydra.run.dir={blocker}/run: cannot write the run directory "
                                        f"there ({blocker} is not a directory). Choose a directory you can write to "
                                        f"with hydra.run.dir=PATH."]


def test_a_run_dir_that_cannot_hold_the_lock_is_bad_input(tmp_path):
    """The lock cannot be created there (an OSError other than 'exists': here the run directory is
    a file; read-only directories fail the same way for a user who is not root): RunDirError
    naming hydra.run.dir and the path, not an OSError's stack."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(RunDirError, match=rf"hydra\.run\.dir={blocker}: cannot write the run directory there "
                                          rf"\({blocker / LOCK}: Not a directory\)"):
        with run_lock(blocker):
            pass


def test_a_yaml_syntax_error_names_file_line_and_column_in_one_line(tmp_path, capsys):
    from stressgpu.cli import main

    (tmp_path / "shock").mkdir()
    bad = tmp_path / "shock" / "mine.yaml"
    bad.write_text("# my shock\nk: [1, 2\nelasticity: 0.5\n")
    code = main(["--config-dir", str(tmp_path), "+shock=mine", f"hydra.run.dir={tmp_path}/run"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"stressgpu: error: {bad}:3:11: YAML syntax error: while parsing a flow sequence "
                             f"(from line 2, column 4)"), err
    assert not (tmp_path / "run").exists()


def test_what_an_interrupted_run_saved_is_said_in_words(tmp_path):
    import numpy as np

    from stressgpu.cli import saved_so_far

    assert saved_so_far(tmp_path, 100) == f"nothing is saved in {tmp_path} yet"
    np.savez(tmp_path / "checkpoint.npz", done=np.asarray(64), next_chunk=np.asarray(2))
    assert saved_so_far(tmp_path, 100) == f"64 of 100 scenarios are saved in {tmp_path / 'checkpoint.npz'}"


@pytest.mark.slow
def test_the_wheel_finds_its_packaged_data(tmp_path):
    """Built as a wheel and imported from it (not from this checkout): ``python -m stressgpu.data
    report`` and ``load_tables()`` read the packaged copy of data/."""
    import zipfile

    root = Path(__file__).parents[1]
    wheel_dir = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-q",
                            "-w", str(wheel_dir)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    site = tmp_path / "site"
    zipfile.ZipFile(next(wheel_dir.glob("stressgpu-*.whl"))).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import stressgpu, stressgpu.data as d; print(stressgpu.__file__); "
                            "t = d.load_tables(); print(t.directory, len(t.entities))"],
                           capture_output=True, text=True, cwd=work, env=env, timeout=300)
    assert where.returncode == 0, where.stderr[-2000:]
    file, directory = where.stdout.splitlines()[0], where.stdout.splitlines()[1].split()[0]
    assert file.startswith(str(site)) and directory.startswith(str(site / "stressgpu" / "_data")), where.stdout
    report = subprocess.run([sys.executable, "-m", "stressgpu.data", "report"], capture_output=True, text=True,
                            cwd=work, env=env, timeout=300)
    assert report.returncode == 0, report.stderr[-2000:]
    assert str(site / "stressgpu" / "_data") in report.stdout + report.stderr


def test_a_full_disk_stops_with_one_line_saying_what_is_saved(tmp_path, capsys, monkeypatch):
    """The disk fills while the run writes (simulated: the run raises ENOSPC after its first
    chunk is checkpointed): exit 1 and one line saying what is saved and that a rerun resumes."""
    import errno

    import numpy as np

    import stressgpu.cli as cli

    def full(cfg, out, on_prepared=None):
        on_prepared(out)
        np.savez(out / "checkpoint.npz", done=np.asarray(256), next_chunk=np.asarray(1))
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "scenarios" / "part-000001.parquet"))

    monkeypatch.setattr(cli, "run", full)
    code = cli.main(["+shock=deepseek", f"data_dir={MINI}", "mc.scenarios=1024", f"hydra.run.dir={tmp_path}/run"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert err[0] == (f"stressgpu: error: the disk is full ({tmp_path}/run/scenarios/part-000001.parquet); 256 of 1,024 "
                      f"scenarios are saved in {tmp_path}/run/checkpoint.npz. Free some space and rerun the same "
                      f"command to resume (it goes on after the last saved chunk).")

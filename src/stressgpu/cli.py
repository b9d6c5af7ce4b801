"""Command line: ``python -m stressgpu +shock=deepseek`` (Hydra). One way through:

1. **prepare** (:func:`prepare`): validate the config, load and check the data, build the
   network, check the config against the data and any checkpoint to resume from. Nothing is
   written anywhere; a bad input stops here with exit code 2 and a message naming it.
2. **run** the mode (:mod:`stressgpu.modes`) under a lock on the run directory; it returns a
   :class:`~stressgpu.report.Report` (only the Monte Carlo's checkpoint and streamed parts are
   written while it runs).
3. **write** the report once (:func:`stressgpu.report.write_report`).

:func:`run` does steps 1-3 for a composed config and an output directory, so tests and
notebooks can call it without Hydra's process-level machinery; :func:`main` is the command
line (``main(["+shock=deepseek", ...])`` runs it in-process and returns the exit code).
"""
from __future__ import annotations

import errno
import json
import logging
import os
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# This module imports JAX (here and through .config); XLA's CPU options are set before it is
# imported, by ``python -m stressgpu`` (__main__.run_cli, _cpu.py). Importing starts no backend
# and creates no array, so what must come first (jax.distributed.initialize, the compile cache,
# x64) still does, in prepare().
import hydra
import jax
import jax.numpy as jnp
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
import yaml
from omegaconf import DictConfig, OmegaConf

from .compile_cache import free_programs_near_map_limit, use_compile_cache
from .config import ConfigError, Mode, Precision, check_against_data, package_dir, plain, register_configs, validate
from .data import DataError, load_tables
from .ensemble import reconstruction_block
from .modes import MODES, Context, default_shocks
from .montecarlo import CHECKPOINT, Accumulators, CheckpointError, fingerprint
from .network import build_network
from .report import write_report

CONF_DIR = str(package_dir("conf"))
LOCK = ".stressgpu.lock"
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130   # as a shell reports a process stopped by Ctrl-C (128 + SIGINT)
register_configs()
# Notices that mean nothing to a user: "no TPU", "Resetting cache at <empty>", a first run's
# "generated new fontManager".
for _noisy in ("jax._src.xla_bridge", "jax._src.compilation_cache", "matplotlib.font_manager"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


class RunDirError(RuntimeError):
    """The run directory cannot be used: another live run holds it, or it cannot be written."""


def unwritable(out: Path, err: OSError) -> RunDirError:
    why = err.strerror or type(err).__name__
    return RunDirError(f"hydra.run.dir={out}: cannot write the run directory there ({err.filename or out}: {why}). "
                       f"Choose a directory you can write to with hydra.run.dir=PATH.")


def check_run_dir(path: str) -> str | None:
    """Why ``hydra.run.dir=path`` cannot be written, or None: the directory (or, when it does not
    exist yet, its nearest existing parent) must be a directory this process may write to."""
    p = Path(path).expanduser().absolute()
    probe = p
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe}: permission denied"
    return None


def saved_so_far(out: Path, total: int | None = None) -> str:
    """What a stopped Monte Carlo left in ``out``, in words (from its checkpoint)."""
    ckpt = Path(out) / CHECKPOINT
    try:
        import numpy as np

        with np.load(ckpt, allow_pickle=False) as z:
            done = int(z["done"])
    except Exception:  # noqa: BLE001 - no checkpoint, or one being replaced: nothing to say about it
        return f"nothing is saved in {out} yet"
    of = f" of {total:,}" if total else ""
    return f"{done:,}{of} scenarios are saved in {ckpt}"


def yaml_problem(dirs: list[str | Path]) -> str | None:
    """The first YAML syntax error in the config files under ``dirs``, as ``file:line:column: what``."""
    for d in dirs:
        d = Path(d)
        if not d.is_dir():
            continue
        for f in sorted(d.rglob("*.yaml")) + sorted(d.rglob("*.yml")):
            try:
                for _ in yaml.parse(f.read_text(), Loader=yaml.SafeLoader):
                    pass
            except yaml.MarkedYAMLError as err:
                mark = err.problem_mark or err.context_mark
                where = f"{f}:{mark.line + 1}:{mark.column + 1}" if mark else str(f)
                ctx = err.context and (f"{err.context} (from line {err.context_mark.line + 1}, column "
                                       f"{err.context_mark.column + 1})" if err.context_mark else err.context)
                what = ": ".join(x for x in (ctx, err.problem) if x)
                return f"{where}: YAML syntax error: {what}"
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
                return f"{f}: cannot be read as YAML ({err})"
    return None


def _config_dirs(argv: list[str]) -> list[str]:
    """The config directories a command line composes from: the package's, --config-dir /
    --config-path (-cd, -cp) and file:// entries of hydra.searchpath."""
    dirs = [CONF_DIR]
    for k, a in enumerate(argv):
        for flag in ("--config-dir", "-cd", "--config-path", "-cp"):
            if a == flag and k + 1 < len(argv):
                dirs.append(argv[k + 1])
            elif a.startswith(flag + "="):
                dirs.append(a.split("=", 1)[1])
        if a.lstrip("+").startswith("hydra.searchpath="):
            dirs += [x.strip(" []'\"")[len("file://"):] for x in a.split("=", 1)[1].split(",")
                     if x.strip(" []'\"").startswith("file://")]
    return dirs


def _run_dir_arg(argv: list[str]) -> str | None:
    """The ``hydra.run.dir`` a single run was given (None when not given, interpolated, or a sweep)."""
    if any(a in ("-m", "--multirun") for a in argv):
        return None
    for a in argv:
        if a.startswith("hydra.run.dir="):
            value = a.split("=", 1)[1].strip("'\"")
            return None if "${" in value else value
    return None


def is_bad_input(err: BaseException) -> bool:
    """Whether ``err`` means bad input (exit code 2, a message, no traceback)."""
    return isinstance(err, (ConfigError, DataError, RunDirError, CheckpointError))


@dataclass
class Prepared:
    cfg: DictConfig
    run: object          # config.RunConfig
    shocks: dict
    tables: object       # data.Tables
    net: object          # network.Network
    labels: object       # network.NetworkLabels
    block: object        # ensemble.Block or None
    run_id: str


def prepare(cfg: DictConfig, out: Path) -> Prepared:
    """Step 1: every check that can fail on the inputs, before any work and any write."""
    run_cfg, shocks = validate(cfg)
    if run_cfg.mc.distributed:  # before JAX does anything
        jax.distributed.initialize()
    use_compile_cache(run_cfg.compile_cache)
    # float32 runs need no change: their arrays are float32. Sensitivities are always float64: in
    # float32 the derivatives of small links are rounding noise ranked as results.
    double = run_cfg.precision == Precision.float64 or run_cfg.mode == Mode.sensitivity
    if double:
        jax.config.update("jax_enable_x64", True)
    tables = load_tables(run_cfg.data_dir or package_dir("data"))
    dtype = jnp.float64 if double else jnp.float32
    horizon = run_cfg.target.by if run_cfg.mode == Mode.reverse else run_cfg.horizon
    block = reconstruction_block(tables) if run_cfg.network.reconstruction != "data" else None
    net, labels = build_network(tables, run_cfg.start, horizon, dtype,
                                extra_debt_pairs=tuple(block.pairs()) if block else ())
    check_against_data(run_cfg, shocks, labels, Path(tables.directory))
    numbers = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    numbers.pop("report", None)  # how results are shown does not change them: a rerun may differ there
    numbers.pop("compile_cache", None)   # nor does where compiled programs are kept
    numbers.get("mc", {}).pop("resume", None)
    run_id = fingerprint(cfg=numbers, data=tables.checksum, dtype=str(dtype))
    ckpt = Path(out) / CHECKPOINT
    if run_cfg.mode == Mode.montecarlo and run_cfg.mc.resume and ckpt.exists():
        Accumulators.load(ckpt, run_id)  # verified now: a damaged checkpoint stops before any work
    return Prepared(cfg, run_cfg, shocks, tables, net, labels, block, run_id)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@contextmanager
def run_lock(out: Path):
    """Hold ``out/.stressgpu.lock`` while a run writes there. A lock of a live process refuses
    the run (:class:`RunDirError`); one left by a process that is gone is taken over."""
    path = Path(out) / LOCK
    me = {"pid": os.getpid(), "host": socket.gethostname()}
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                other = json.loads(path.read_text() or "{}")
            except (OSError, ValueError):
                other = {}
            pid, host = other.get("pid"), other.get("host")
            if isinstance(pid, int) and (host != me["host"] or _pid_alive(pid)):
                where = "this machine" if host == me["host"] else f"host {host}"
                raise RunDirError(f"{out}: another stressgpu run (pid {pid} on {where}) is writing to this run "
                                  f"directory ({path}). Wait for it to finish, or choose another directory with "
                                  f"hydra.run.dir=...; if that run is gone, delete {path}.") from None
            print(f"stressgpu: taking over a stale lock {path} (pid {pid} is gone)", file=sys.stderr)
            path.unlink(missing_ok=True)
            continue
        except OSError as err:
            raise unwritable(out, err) from None
        with os.fdopen(fd, "w") as f:
            json.dump(me, f)
        break
    else:
        raise RunDirError(f"{out}: could not take the lock {path}")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def run(cfg: DictConfig, out_dir: str | Path, *, on_prepared=None) -> dict:
    """Prepare, run the mode, write every output into ``out_dir``; return the summary.
    ``on_prepared(out)`` is called once the inputs have passed, before anything is written."""
    out = Path(out_dir)
    free_programs_near_map_limit()   # the programs of earlier jobs of a sweep run in this process
    p = prepare(cfg, out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise unwritable(out, err) from None
    lead = jax.process_index() == 0
    with run_lock(out) if lead else _nothing():
        if on_prepared is not None and lead:
            on_prepared(out)
        mode = plain(p.run.mode)
        named = ", ".join(p.shocks) or (f"none given, so the mode's own: {', '.join(default_shocks(mode))}"
                                        if default_shocks(mode) else "none")
        precision = "float64" if p.net.cash.dtype == jnp.float64 else "float32"
        print(f"stressgpu {mode}: {len(p.labels.ids)} entities, {len(p.labels.quarters)} quarters, "
              f"shocks: {named}; on {jax.default_backend().upper()} ({precision})", flush=True)
        report = MODES[plain(p.run.mode)](Context(p.run, p.shocks, p.tables, p.net, p.labels, out, p.run_id, p.block))
        report.summary.update(mode=plain(p.run.mode), data_checksum=p.tables.checksum, data_dir=str(p.tables.directory),
                              backend=jax.default_backend())
        report.html = p.run.report.html
        if lead:
            write_report(out, report, config_yaml=OmegaConf.to_yaml(cfg, resolve=True),
                         checksum_line=f"sha256 {p.tables.checksum}  {p.tables.directory}\n")
    return report.summary


@contextmanager
def _nothing():
    yield None


def _write_hydra_files(out: Path) -> None:
    """What Hydra's ``output_subdir`` would hold (``.hydra/``), written once the inputs passed."""
    hc = HydraConfig.get()
    sub = out / ".hydra"
    sub.mkdir(parents=True, exist_ok=True)
    (sub / "hydra.yaml").write_text(OmegaConf.to_yaml(OmegaConf.create({"hydra": OmegaConf.to_container(hc)})))
    (sub / "overrides.yaml").write_text(OmegaConf.to_yaml(list(hc.overrides.task)))


_task_started = False


@hydra.main(config_path=CONF_DIR, config_name="config", version_base="1.3")
def _hydra_main(cfg: DictConfig) -> None:
    global _task_started
    _task_started = True
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    sweep = hc.mode == RunMode.MULTIRUN
    started = []

    def on_prepared(path: Path) -> None:
        started.append(True)
        _write_hydra_files(path)
        (path / ".hydra" / "config.yaml").write_text(OmegaConf.to_yaml(cfg))

    total = cfg.get("mc", {}).get("scenarios") if plain(cfg.get("mode", "montecarlo")) == "montecarlo" else None
    try:
        run(cfg, out, on_prepared=on_prepared)
        (out / "status.json").write_text(json.dumps({"status": "ok"}))
    except KeyboardInterrupt:
        print(f"\nstressgpu: interrupted; {saved_so_far(out, total) if started else 'nothing was written'}. "
              f"Rerun the same command to resume{' (it goes on after the last saved chunk)' if started else ''}.",
              file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT) or sweep:
            raise
        print(f"stressgpu: error: the disk is full ({err.filename or out}); {saved_so_far(out, total)}. "
              f"Free some space and rerun the same command to resume (it goes on after the last saved chunk).",
              file=sys.stderr)
        sys.exit(1)
    except Exception as err:  # noqa: BLE001 - a failed sweep job is recorded, the others go on
        bad = is_bad_input(err)
        if sweep or started:  # a single run stopped by bad input leaves its directory untouched
            out.mkdir(parents=True, exist_ok=True)
            if sweep and not started:
                on_prepared(out)
            (out / "status.json").write_text(json.dumps({"status": "failed", "error": f"{type(err).__name__}: {err}"}))
        if sweep:
            print(f"stressgpu: job {hc.job.num} failed: {type(err).__name__}: {err}", file=sys.stderr)
            return
        if bad:
            _remove_if_empty(out)
            print(f"stressgpu: error: {err}", file=sys.stderr)
            sys.exit(EXIT_BAD_INPUT)
        raise


def _remove_if_empty(out: Path) -> None:
    try:
        out.rmdir()  # only succeeds on an empty directory (Hydra creates it before the task runs)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    """The command line; ``argv`` (without the program name) replaces ``sys.argv[1:]`` when
    given, for an in-process call that leaves the caller's logging alone (Hydra would reset
    every logging handler of the process). Returns the exit code: 0; 2 for bad input (a config
    Hydra cannot compose included), before anything is written; 1 for anything else."""
    global _task_started
    saved_argv = sys.argv
    if argv is not None:
        keep = [f"hydra/{group}=none" for group in ("job_logging", "hydra_logging")
                if not any(a.startswith(f"hydra/{group}=") for a in argv)]
        sys.argv = [sys.argv[0] if sys.argv else "stressgpu", *argv, *keep]
    _task_started = False
    args = sys.argv[1:]
    bad_yaml = yaml_problem(_config_dirs(args))
    if bad_yaml:
        print(f"stressgpu: error: {bad_yaml}", file=sys.stderr)
        sys.argv = saved_argv
        return EXIT_BAD_INPUT
    run_dir = _run_dir_arg(args)
    why = check_run_dir(run_dir) if run_dir else None
    if why:
        print(f"stressgpu: error: hydra.run.dir={run_dir}: cannot write the run directory there ({why}). "
              f"Choose a directory you can write to with hydra.run.dir=PATH.", file=sys.stderr)
        sys.argv = saved_argv
        return EXIT_BAD_INPUT
    try:
        _hydra_main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if code == EXIT_INTERRUPTED and argv is None:
            # The command line after Ctrl-C: the lock is released and the checkpoint written atomically;
            # leave without the interpreter's teardown, which can crash while XLA's threads still run.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        if code == 1 and not _task_started:  # Hydra could not compose the config: bad input
            print("stressgpu: error: the configuration above could not be composed "
                  "(see python -m stressgpu --help for the config groups)", file=sys.stderr)
            return EXIT_BAD_INPUT
        return code
    finally:
        sys.argv = saved_argv
    return 0

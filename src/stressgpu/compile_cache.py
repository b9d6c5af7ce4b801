"""JAX's persistent compilation cache for the command line (config key ``compile_cache``).

A run compiles the quarterly model, its no-shock plan and baseline, and the reductions once per
shape; on a 2-core CPU that is most of the default job's time. With the cache, compiled programs
are written to disk and the next run with the same shapes (a rerun, another seed or shock size,
every job of a Hydra sweep) loads them instead of compiling.

JAX keeps only programs that took a second or more to compile. The report's ~240 small programs
(reductions, eager operations, the plots' one-scenario runs) each compile in well under that, but
together they are 13 s of a warm run, so the cache here keeps every program
(``jax_persistent_cache_min_compile_time_secs = 0``) unless that variable is set in the
environment. Measured on the 2-core CI-class box, default job cold then warm with another seed:
123 s then 40 s with JAX's threshold, 109 s then 27 s keeping everything (4.9 MB on disk).

``auto`` puts the cache under the user's cache directory (``$XDG_CACHE_HOME``, else
``~/.cache``) in ``stressgpu/xla/<machine tag>``, unless ``JAX_COMPILATION_CACHE_DIR`` already
names one; ``off`` turns it off; anything else is the directory to use. The machine tag hashes
the CPU model and instruction-set flags: JAX's own cache key covers the program, jaxlib and the
backend, but a CPU program is compiled for the host's instruction set, and a home directory
shared by the nodes of a cluster must not hand one node's program to a node without those
instructions.
"""
from __future__ import annotations

import gc
import hashlib
import os
import platform
import warnings
from pathlib import Path

from .config import ConfigError

AUTO, OFF = "auto", "off"
MIN_TIME_ENV = "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"


def machine_tag() -> str:
    """12 hex digits naming this host's CPU: architecture, model and flags (``/proc/cpuinfo``
    where there is one, else what :mod:`platform` reports)."""
    facts = [platform.machine(), platform.processor()]
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    wanted = ("model name", "flags", "Features", "CPU implementer", "CPU part")
    facts += sorted({ln.split(":", 1)[1].strip() for ln in lines if ":" in ln and ln.split(":", 1)[0].strip() in wanted})
    return hashlib.sha256("\n".join(facts).encode()).hexdigest()[:12]


def cache_dir(setting: str, environ=os.environ) -> Path | None:
    """The directory ``setting`` (``auto``, ``off`` or a path) names; None: no cache, or
    ``auto`` while ``JAX_COMPILATION_CACHE_DIR`` is set (JAX then uses that one)."""
    if setting == OFF:
        return None
    if setting != AUTO:
        return Path(setting).expanduser()
    if environ.get("JAX_COMPILATION_CACHE_DIR"):
        return None
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "stressgpu" / "xla" / machine_tag()


def use_compile_cache(setting: str) -> Path | None:
    """Point JAX's persistent compilation cache at :func:`cache_dir` ``(setting)`` before the
    first compilation; return the directory in use (None: off, or JAX's own setting).

    Every program is kept (minimum compile time 0, see above) unless
    ``JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS`` is set. JAX opens its cache once per
    process, so a later call with another directory (the jobs of a
    sweep run in one process by Hydra's basic launcher) resets it."""
    import jax
    from jax.experimental.compilation_cache import compilation_cache as cc

    if setting == AUTO and cache_dir(setting) is None:
        return Path(os.environ["JAX_COMPILATION_CACHE_DIR"])
    path = cache_dir(setting)
    current = jax.config.jax_compilation_cache_dir
    wanted = None if path is None else str(path)
    if path is not None:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if setting != AUTO:
                raise ConfigError(f"compile_cache={setting}: cannot create the directory ({err.strerror})") from None
            warnings.warn(f"compile_cache=auto: {path} cannot be created ({err.strerror}); compiling without a cache",
                          stacklevel=2)
            path = wanted = None
    if path is not None and not os.environ.get(MIN_TIME_ENV):
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    if current != wanted:
        jax.config.update("jax_compilation_cache_dir", wanted)
        cc.reset_cache()
    return path


MAP_LIMIT_SHARE = 0.5  # free compiled programs once the process holds half the kernel's mapping limit


def memory_maps() -> tuple[int, int] | None:
    """``(regions mapped by this process, the kernel's limit vm.max_map_count)`` on Linux; None
    where ``/proc`` does not tell."""
    try:
        with open("/proc/self/maps", "rb") as f:
            used = sum(1 for _ in f)
        limit = int(Path("/proc/sys/vm/max_map_count").read_text())
    except (OSError, ValueError):
        return None
    return used, limit


def free_programs_near_map_limit(share: float = MAP_LIMIT_SHARE) -> bool:
    """Drop JAX's in-memory caches of compiled programs (and collect them) when this process maps
    more than ``share`` of the kernel's limit of memory regions; True when it did.

    Why: an XLA CPU program maps its machine code in many separate regions — the quarterly
    model's forward-mode gradient (``sensitivity.shock_gradients``) about 2,000–4,000 — and keeps
    them while JAX caches it. A process that compiles many programs (the jobs of a Hydra sweep,
    which the basic launcher runs in one process; a test session) reaches ``vm.max_map_count``
    (65,530 by default on Linux) and XLA aborts the process (SIGABRT) in its next compilation or
    cache read. Freed programs are compiled again when used, or read back from the persistent
    cache where it is on."""
    counts = memory_maps()
    if counts is None or counts[0] <= share * counts[1]:
        return False
    import jax
    jax.clear_caches()
    gc.collect()
    return True

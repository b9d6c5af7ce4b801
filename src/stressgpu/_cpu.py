"""CPU defaults for XLA, set by the command line before JAX starts.

On a CPU, XLA's default splits every small operation across all cores with fine-grained
synchronisation; the quarterly model is thousands of small operations inside loops, and on a
shared or busy machine each synchronisation waits for a time slice (measured here: 3-6x
slower on 2 loaded cores). Instead: one thread per operation, and one XLA "device" per core, so
the Monte Carlo's scenario sharding (``montecarlo.scenario_mesh``) keeps every core busy with
its own share of scenarios. These flags touch only the CPU backend; GPU runs are unaffected.
Set ``STRESSGPU_CPU_DEVICES=0`` to keep XLA's defaults.
"""
from __future__ import annotations

import os


def configure_cpu_devices() -> None:
    if "jax" in __import__("sys").modules:  # too late: JAX has read its flags
        return
    n = int(os.environ.get("STRESSGPU_CPU_DEVICES", os.cpu_count() or 1))
    if n <= 0:
        return
    flags = os.environ.get("XLA_FLAGS", "")
    wanted = {"--xla_cpu_multi_thread_eigen": "false",
              "--xla_force_host_platform_device_count": str(n)}
    extra = [f"{k}={v}" for k, v in wanted.items() if k not in flags]
    os.environ["XLA_FLAGS"] = " ".join([flags, *extra]).strip()

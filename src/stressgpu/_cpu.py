"""CPU defaults for XLA, set by the command line before JAX starts.

On a CPU, XLA's default splits every small operation across all cores with fine-grained
synchronisation; the quarterly model is thousands of small operations inside loops, and on a
shared or busy machine each synchronisation waits for a time slice. So operations run on one
thread. The Monte Carlo runs on one CPU device by default: split over one XLA device per core,
the same chunk ran 2.8x slower on this project's 2-core machine (XLA runs the host "devices"'
loops in lock step; measured with the scenario sharding left to the partitioner, and still
2x slower with each device running its own share through ``shard_map``).
``STRESSGPU_CPU_DEVICES=N`` asks for N devices (the sharded path the tests check);
``STRESSGPU_CPU_DEVICES=0`` keeps XLA's defaults. GPU runs are unaffected.
"""
from __future__ import annotations

import os


def configure_cpu_devices() -> None:
    if "jax" in __import__("sys").modules:  # too late: JAX has read its flags
        return
    n = int(os.environ.get("STRESSGPU_CPU_DEVICES", 1))
    if n <= 0:
        return
    flags = os.environ.get("XLA_FLAGS", "")
    wanted = {"--xla_cpu_multi_thread_eigen": "false"}
    if n > 1:
        wanted["--xla_force_host_platform_device_count"] = str(n)
    extra = [f"{k}={v}" for k, v in wanted.items() if k not in flags]
    os.environ["XLA_FLAGS"] = " ".join([flags, *extra]).strip()

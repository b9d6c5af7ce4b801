"""``python -m stressgpu`` (and the ``stressgpu`` command): set CPU defaults, then run Hydra."""
import sys

from ._cpu import configure_cpu_devices


def run_cli() -> None:
    configure_cpu_devices()  # before JAX starts (see _cpu.py)
    from .cli import main

    sys.exit(main())


if __name__ == "__main__":
    run_cli()

"""``python -m stressgpu`` (and the ``stressgpu`` command): set CPU defaults, then run Hydra."""
import sys

from ._cpu import configure_cpu_devices


def run_cli() -> None:
    # XLA's CPU options are set only while JAX is not yet imported (_cpu.py) and .cli imports
    # JAX: the options first, so this is the one import that stays inside a function.
    configure_cpu_devices()
    from .cli import main

    sys.exit(main())


if __name__ == "__main__":
    run_cli()

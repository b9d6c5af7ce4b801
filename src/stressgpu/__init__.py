"""stressgpu: stress tests of the AI-boom financial network in JAX (see README.md and docs/model.md).

The public API, in the order data flows:

* :func:`load_tables` -> :func:`build_network` (tables -> arrays);
* :func:`draw_factors` / :data:`SHOCKS` (shock configs -> risk factors of B scenarios);
* :func:`simulate` (the quarterly model, docs/model.md §3–§7: :mod:`stressgpu.dynamics` orders the
  mechanisms of :mod:`stressgpu.model`, :mod:`stressgpu.batch` batches scenarios) and the channels in
  :mod:`stressgpu.channels` (clearing, DebtRank, cascade, fire sales, commitments);
* :func:`run_montecarlo`, :func:`reverse_stress_test`; :func:`stressgpu.sensitivity.sensitivity`,
  :func:`stressgpu.calibrate.calibrate`.

Names load lazily, so ``python -m stressgpu`` can set XLA's CPU options before JAX starts.
"""
from importlib import import_module

__version__ = "0.1.0"

_API = {
    "DataError": "data", "load_tables": "data", "ModelParams": "model",
    "Outcome": "model", "simulate": "batch", "run_montecarlo": "montecarlo", "Network": "network",
    "NetworkLabels": "network", "build_network": "network", "SearchSettings": "reverse", "Target": "reverse",
    "reverse_stress_test": "reverse", "SHOCKS": "shocks", "Factors": "shocks",
    "draw_factors": "shocks", "factors_from_sizes": "shocks", "factors_from_z": "shocks",
}
__all__ = sorted(_API)


def __getattr__(name):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'stressgpu' has no attribute {name!r}")

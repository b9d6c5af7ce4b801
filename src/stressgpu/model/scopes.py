"""Named scopes for the quarter's mechanisms: ``jax.named_scope(name)`` puts the name on every
operation of the compiled program, so a profile (``jax.profiler``, scripts/profile_quarter.py)
splits a quarter's time by mechanism."""
from __future__ import annotations

from functools import wraps

import jax


def scoped(name: str):
    """Run a function under ``jax.named_scope(name)``."""
    def wrap(fn):
        @wraps(fn)
        def run(*args, **kwargs):
            with jax.named_scope(name):
                return fn(*args, **kwargs)
        return run
    return wrap

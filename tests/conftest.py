"""Tests run in float64 on CPU (docs/model.md: numbers you can trust), with implicit rank
promotion turned into an error, so that a broadcast the code did not mean fails loudly.

Strict dtype promotion (``jax_numpy_dtype_promotion="strict"``) is the goal (issue 9, item 8)
but is not on by default yet: a few places in ``src/`` still mix a bool mask or a Python float
with an array of another dtype (see the report of the test rewrite). Set
``STRESSGPU_STRICT_PROMOTION=1`` to run the tests with it.
"""
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_rank_promotion", "raise")
if os.environ.get("STRESSGPU_STRICT_PROMOTION", "") not in ("", "0"):
    jax.config.update("jax_numpy_dtype_promotion", "strict")

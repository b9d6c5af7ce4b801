"""Tests run in float64 on CPU (docs/model.md: numbers you can trust), with implicit rank
promotion turned into an error, so that a broadcast the code did not mean fails loudly.

Strict dtype promotion (``jax_numpy_dtype_promotion="strict"``) is the goal (issue 9, item 8)
but is not on by default yet: a few places in ``src/`` still mix a bool mask or a Python float
with an array of another dtype (see the report of the test rewrite). Set
``STRESSGPU_STRICT_PROMOTION=1`` to run the tests with it.
"""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("JAX_PLATFORMS", "cpu")
# Runs through the command line keep compiled programs (compile_cache=auto) under the cache
# directory: the tests' own, shared by the session and the processes it starts, then removed.
_CACHE = tempfile.mkdtemp(prefix="stressgpu-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
os.environ.pop("JAX_COMPILATION_CACHE_DIR", None)
atexit.register(shutil.rmtree, _CACHE, True)

import jax  # noqa: E402
import pytest  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_rank_promotion", "raise")
if os.environ.get("STRESSGPU_STRICT_PROMOTION", "") not in ("", "0"):
    jax.config.update("jax_numpy_dtype_promotion", "strict")


@pytest.fixture(autouse=True)
def _free_compiled_programs():
    """A test session compiles hundreds of programs in one process; free them before the process
    reaches the kernel's limit of memory mappings, where XLA aborts
    (:func:`stressgpu.compile_cache.free_programs_near_map_limit`)."""
    yield
    from stressgpu.compile_cache import free_programs_near_map_limit
    free_programs_near_map_limit()

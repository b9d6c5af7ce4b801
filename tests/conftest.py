"""Tests run in float64 on CPU (MODEL.md: numbers you can trust)."""
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

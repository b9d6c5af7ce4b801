"""Risk factors a scenario sets, how shocks compose, and how a shock size is drawn.

Every shock of MODEL.md §2 is a pure function ``sizes -> Factors``: it moves some of the risk
factors below, for a batch of B scenarios. Shocks compose factor by factor (multipliers
multiply, shifts add, durations take the longest, default sets unite), so a scenario that
combines several shocks is their :func:`compose`. The quarterly model (:mod:`stressgpu.dynamics`)
is the only consumer of factors.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr

N_ASSET_CLASSES = 4  # ai_hardware, dc_real_estate, listed_equity, other (network.ASSET_CLASSES)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Factors:
    """Risk factors of B scenarios (N entities, A asset classes).

    compute_mult [B]: compute spending multiplier m = k^(elasticity-1) on AI capex, AI purchase
      commitments and AI revenue lines (MODEL.md §2, deepseek).
    ai_growth_cut [B]: cut to the annual growth of AI revenue lines (demand slump).
    chip_cut [B], chip_quarters [B]: share of leading-edge chip supply lost, for that many quarters.
    price [B, A]: multiplier on each asset class's price at t = 0 (1 = unchanged).
    depreciation_mult [B]: speed-up of AI hardware depreciation (old life / new life).
    rate_shift [B], spread_shift [B]: risk-free rate and credit spread changes (fractions).
    credit_freeze_quarters [B]: quarters private-credit lenders refinance nothing.
    funding_mult [B]: multiplier on planned equity raises.
    default_now [B, N]: entities that default at t = 0.
    revenue_mult [B, N]: idiosyncratic revenue multiplier (Monte Carlo noise).
    """

    compute_mult: jax.Array
    ai_growth_cut: jax.Array
    chip_cut: jax.Array
    chip_quarters: jax.Array
    price: jax.Array
    depreciation_mult: jax.Array
    rate_shift: jax.Array
    spread_shift: jax.Array
    credit_freeze_quarters: jax.Array
    funding_mult: jax.Array
    default_now: jax.Array
    revenue_mult: jax.Array


_MULT = ("compute_mult", "price", "depreciation_mult", "funding_mult", "revenue_mult")
_ADD = ("ai_growth_cut", "rate_shift", "spread_shift")
_MAX = ("chip_quarters", "credit_freeze_quarters")


def neutral(batch: int, n: int, dtype=jnp.float32) -> Factors:
    """Factors of B unshocked scenarios."""
    one, zero = jnp.ones(batch, dtype), jnp.zeros(batch, dtype)
    return Factors(one, zero, zero, zero, jnp.ones((batch, N_ASSET_CLASSES), dtype), one, zero, zero,
                   zero, one, jnp.zeros((batch, n), bool), jnp.ones((batch, n), dtype))


def compose(a: Factors, b: Factors) -> Factors:
    """Both shocks at once: multipliers multiply, shifts add, durations take the longer,
    chip supply losses compound, default sets unite."""
    out = {}
    for f in fields(Factors):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in _MULT:
            out[f.name] = x * y
        elif f.name in _ADD:
            out[f.name] = x + y
        elif f.name in _MAX:
            out[f.name] = jnp.maximum(x, y)
        elif f.name == "chip_cut":
            out[f.name] = 1 - (1 - x) * (1 - y)
        else:
            out[f.name] = x | y
    return Factors(**out)


def replace(f: Factors, **changes) -> Factors:
    """A copy of ``f`` with some factors replaced."""
    return Factors(**{**{k.name: getattr(f, k.name) for k in fields(Factors)}, **changes})


@dataclass
class Dist:
    """Monte Carlo distribution of one shock size around its configured value.

    dist: ``fixed`` (always the value), ``normal`` (value + scale·z), ``lognormal``
    (value·exp(scale·z), median = value), ``uniform`` (between low and high).
    low/high clip the draw; sign = +1 when a larger size is the more severe one, -1 otherwise,
    so that the common factor of a bad draw makes every size more severe together.
    """

    dist: str = "fixed"
    scale: float = 0.0
    low: float | None = None
    high: float | None = None
    sign: float = 1.0


DISTS = ("fixed", "normal", "lognormal", "uniform")


def draw_size(value, spec: Dist, z: jax.Array) -> jax.Array:
    """Map standard-normal draws ``z`` [B] to sizes with the distribution ``spec``."""
    z = spec.sign * z
    if spec.dist == "fixed":
        x = jnp.full_like(z, value)
    elif spec.dist == "normal":
        x = value + spec.scale * z
    elif spec.dist == "lognormal":
        x = value * jnp.exp(spec.scale * z)
    elif spec.dist == "uniform":
        x = spec.low + (spec.high - spec.low) * ndtr(z)
    else:
        raise ValueError(f"dist={spec.dist!r}: allowed values are {', '.join(DISTS)}")
    lo = -jnp.inf if spec.low is None else spec.low
    hi = jnp.inf if spec.high is None else spec.high
    return jnp.clip(x, lo, hi)

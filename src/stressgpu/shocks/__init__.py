"""The shock library (docs/model.md §3.2): one module per shock, each a config dataclass and a pure
function ``sizes -> Factors``; :func:`draw_factors` turns configured shocks into B scenarios."""
from __future__ import annotations

from dataclasses import fields

import jax
import jax.numpy as jnp

from . import (ai_sentiment, deepseek, demand_slump, gpu_depreciation, idiosyncratic_default,
               private_credit_freeze, rate_hike, taiwan)
from .base import DISTS, Dist, Factors, compose, draw_size, neutral, replace

SHOCKS = {
    "deepseek": (deepseek.DeepseekShock, deepseek.factors),
    "rate_hike": (rate_hike.RateHikeShock, rate_hike.factors),
    "private_credit_freeze": (private_credit_freeze.PrivateCreditFreezeShock, private_credit_freeze.factors),
    "taiwan": (taiwan.TaiwanShock, taiwan.factors),
    "demand_slump": (demand_slump.DemandSlumpShock, demand_slump.factors),
    "gpu_depreciation": (gpu_depreciation.GpuDepreciationShock, gpu_depreciation.factors),
    "idiosyncratic_default": (idiosyncratic_default.IdiosyncraticDefaultShock, idiosyncratic_default.factors),
    "ai_sentiment": (ai_sentiment.AiSentimentShock, ai_sentiment.factors),
}


def sizes_of(cfg) -> dict[str, float]:
    """The numeric sizes of a shock config (every float field; ``mc`` and lists excluded)."""
    return {f.name: getattr(cfg, f.name) for f in fields(cfg) if isinstance(getattr(cfg, f.name), (int, float))}


def shock_parameters(shocks: dict, random: bool = True) -> list[tuple[str, str, float, Dist]]:
    """Every size of the configured shocks as ``(shock, size, value, distribution)``, in a
    fixed order; with ``random=False`` every distribution is ``fixed``."""
    return [(name, p, float(v), cfg.mc.get(p, Dist()) if random else Dist())
            for name, cfg in shocks.items() for p, v in sizes_of(cfg).items()]


def factors_from_z(shocks: dict, labels, z: jax.Array, *, random: bool = True,
                   dtype=jnp.float32) -> tuple[Factors, dict]:
    """Factors of B scenarios whose sizes sit at standard-normal scores ``z`` ``[B, P]`` (one
    column per entry of :func:`shock_parameters`; ``z = 0`` is each size's centre). Pure and
    differentiable in ``z`` (inside the distributions' ranges), for reverse stress tests."""
    batch = z.shape[0]
    base = neutral(batch, len(labels.ids), dtype)
    out, sizes, col = base, {}, 0
    for name, cfg in shocks.items():
        drawn = {}
        for p, value in sizes_of(cfg).items():
            spec = cfg.mc.get(p, Dist()) if random else Dist()
            drawn[p] = draw_size(jnp.asarray(value, dtype), spec, z[:, col])
            sizes[f"{name}.{p}"] = drawn[p]
            col += 1
        out = compose(out, SHOCKS[name][1](drawn, base, cfg, labels))
    return out, sizes


def factors_from_sizes(shocks: dict, labels, sizes: dict, batch: int = 1, dtype=jnp.float32) -> Factors:
    """Factors of ``batch`` scenarios with the given sizes (``"shock.size" -> [B]``; missing
    sizes take their configured value). Differentiable in the sizes (sensitivities)."""
    base = neutral(batch, len(labels.ids), dtype)
    out = base
    for name, cfg in shocks.items():
        drawn = {p: sizes.get(f"{name}.{p}", jnp.full((batch,), v, dtype)) for p, v in sizes_of(cfg).items()}
        out = compose(out, SHOCKS[name][1](drawn, base, cfg, labels))
    return out


def draw_factors(shocks: dict, labels, key: jax.Array, batch: int, *, correlation: float = 0.5,
                 revenue_noise: float = 0.0, random: bool = True, dtype=jnp.float32) -> tuple[Factors, dict]:
    """Factors for ``batch`` scenarios of the configured ``shocks`` (name -> config dataclass).

    Sizes with a distribution are drawn with one common factor: every standard-normal draw is
    ``z = ρ·z_common + sqrt(1-ρ²)·ε`` (ρ = ``correlation``), so a bad draw is bad across shocks
    and entities together. Each entity's revenue is multiplied by a lognormal draw with
    volatility ``revenue_noise``, driven by the same common factor (mean-one). With
    ``random=False`` every size sits at its configured value and noise is off.

    Returns ``(factors, sizes)``, sizes a dict ``"shock.size" -> [B]`` for reporting.
    """
    n = len(labels.ids)
    k_common, k_size, k_noise = jax.random.split(key, 3)
    z_common = jax.random.normal(k_common, (batch,), dtype)
    rho, rest = correlation, (1.0 - correlation ** 2) ** 0.5
    n_par = max(len(shock_parameters(shocks)), 1)
    z = rho * z_common[:, None] + rest * jax.random.normal(k_size, (batch, n_par), dtype)
    out, sizes = factors_from_z(shocks, labels, z, random=random, dtype=dtype)
    if random and revenue_noise > 0:
        zn = rho * z_common[:, None] + rest * jax.random.normal(k_noise, (batch, n), dtype)
        out = replace(out, revenue_mult=out.revenue_mult * jnp.exp(-revenue_noise * zn - 0.5 * revenue_noise ** 2))
    return out, sizes


__all__ = ["DISTS", "Dist", "Factors", "SHOCKS", "compose", "draw_factors", "factors_from_sizes", "factors_from_z", "neutral",
           "shock_parameters", "sizes_of"]

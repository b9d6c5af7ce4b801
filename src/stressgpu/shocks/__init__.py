"""The shock library (docs/model.md §3.2): one module per shock, each a config dataclass and a pure
function ``sizes -> Factors``; :func:`draw_factors` turns configured shocks into B scenarios."""
from __future__ import annotations

from dataclasses import fields

import jax
import jax.numpy as jnp

from . import (ai_sentiment, deepseek, demand_slump, gpu_depreciation, idiosyncratic_default,
               private_credit_freeze, rate_hike, taiwan)
from .base import DISTS, OCCURRENCE, Dist, Factors, compose, draw_size, horizon_probability, neutral, occur, replace

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
    """The numeric sizes of a shock config (every float field; ``mc``, lists and the occurrence
    probability ``annual_probability`` excluded)."""
    return {f.name: getattr(cfg, f.name) for f in fields(cfg)
            if f.name != OCCURRENCE and isinstance(getattr(cfg, f.name), (int, float))}


def occurrence_probabilities(shocks: dict, years: float) -> dict[str, float] | None:
    """Per shock, the probability that it occurs over ``years`` years (its ``annual_probability``
    p: ``1 − (1 − p)^years``; 1 where p is unset), or None when no shock sets one (every shock
    occurs in every scenario: the library's behaviour before occurrence probabilities)."""
    if all(getattr(cfg, OCCURRENCE, None) is None for cfg in shocks.values()):
        return None
    return {name: 1.0 if getattr(cfg, OCCURRENCE, None) is None else float(horizon_probability(getattr(cfg, OCCURRENCE), years))
            for name, cfg in shocks.items()}


def shock_parameters(shocks: dict, random: bool = True) -> list[tuple[str, str, float, Dist]]:
    """Every size of the configured shocks as ``(shock, size, value, distribution)``, in a
    fixed order; with ``random=False`` every distribution is ``fixed``."""
    return [(name, p, float(v), cfg.mc.get(p, Dist()) if random else Dist())
            for name, cfg in shocks.items() for p, v in sizes_of(cfg).items()]


def factors_from_z(shocks: dict, labels, z: jax.Array, *, random: bool = True,
                   dtype=jnp.float32, occurs: jax.Array | None = None) -> tuple[Factors, dict]:
    """Factors of B scenarios whose sizes sit at standard-normal scores ``z`` ``[B, P]`` (one
    column per entry of :func:`shock_parameters`; ``z = 0`` is each size's centre). Pure and
    differentiable in ``z`` (inside the distributions' ranges), for reverse stress tests.
    ``occurs`` ``[B, K]`` bool (K = the shocks, in order), optional: where false, shock k leaves
    that scenario unshocked (its sizes are still drawn and reported)."""
    batch = z.shape[0]
    base = neutral(batch, len(labels.ids), dtype)
    out, sizes, col = base, {}, 0
    for k, (name, cfg) in enumerate(shocks.items()):
        drawn = {}
        for p, value in sizes_of(cfg).items():
            spec = cfg.mc.get(p, Dist()) if random else Dist()
            drawn[p] = draw_size(jnp.asarray(value, dtype), spec, z[:, col])
            sizes[f"{name}.{p}"] = drawn[p]
            col += 1
        f = SHOCKS[name][1](drawn, base, cfg, labels)
        if occurs is not None:
            f = occur(f, base, occurs[:, k])
        out = compose(out, f)
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
                 revenue_noise: float = 0.0, random: bool = True, dtype=jnp.float32,
                 horizon_years: float | None = None) -> tuple[Factors, dict]:
    """Factors for ``batch`` scenarios of the configured ``shocks`` (name -> config dataclass).

    Sizes with a distribution are drawn with one common factor: every standard-normal draw is
    ``z = ρ·z_common + sqrt(1-ρ²)·ε`` (ρ = ``correlation``), so a bad draw is bad across shocks
    and entities together. Each entity's revenue is multiplied by a lognormal draw with
    volatility ``revenue_noise``, driven by the same common factor (mean-one). With
    ``random=False`` every size sits at its configured value and noise is off.

    Occurrence: where a shock sets ``annual_probability`` p (and ``horizon_years`` Y is given),
    each scenario draws whether it occurs over the horizon, with probability ``1 − (1 − p)^Y``,
    independently of the other shocks and of the sizes, from its own stream
    (``fold_in(key, 1)``: the size and noise draws are those of the same key without occurrence);
    ``sizes`` then also has ``"occurs.<shock>"`` -> [B] (1 or 0). Shocks without p always occur.

    Returns ``(factors, sizes)``, sizes a dict ``"shock.size" -> [B]`` for reporting.
    """
    n = len(labels.ids)
    k_common, k_size, k_noise = jax.random.split(key, 3)
    z_common = jax.random.normal(k_common, (batch,), dtype)
    rho, rest = correlation, (1.0 - correlation ** 2) ** 0.5
    n_par = max(len(shock_parameters(shocks)), 1)
    z = rho * z_common[:, None] + rest * jax.random.normal(k_size, (batch, n_par), dtype)
    prob = occurrence_probabilities(shocks, horizon_years) if random and horizon_years is not None else None
    occurs = None
    if prob is not None:
        u = jax.random.uniform(jax.random.fold_in(key, 1), (batch, len(shocks)), dtype)
        occurs = u < jnp.asarray(list(prob.values()), dtype)[None, :]
    out, sizes = factors_from_z(shocks, labels, z, random=random, dtype=dtype, occurs=occurs)
    if occurs is not None:
        sizes.update({f"occurs.{name}": occurs[:, k].astype(dtype) for k, name in enumerate(shocks)})
    if random and revenue_noise > 0:
        zn = rho * z_common[:, None] + rest * jax.random.normal(k_noise, (batch, n), dtype)
        out = replace(out, revenue_mult=out.revenue_mult * jnp.exp(-revenue_noise * zn - 0.5 * revenue_noise ** 2))
    return out, sizes


__all__ = ["DISTS", "Dist", "Factors", "OCCURRENCE", "SHOCKS", "compose", "draw_factors", "factors_from_sizes",
           "factors_from_z", "neutral", "occurrence_probabilities", "shock_parameters", "sizes_of"]

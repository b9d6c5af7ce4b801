"""Rate hike (docs/model.md §3.2; fear of Fed hikes cost AI stocks 3 % in a week, Nov 2025).

The risk-free rate rises by ``dr`` and credit spreads widen by ``beta * dr``: floating debt
re-prices at once, fixed debt when refinanced (:mod:`stressgpu.dynamics`). Long-duration assets
fall with their duration: data-centre real estate by ``duration_real_estate * dr`` and listed
equity by ``duration_equity * dr`` (first-order price change, ΔP/P = −D·Δr).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import jax.numpy as jnp

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class RateHikeShock:
    dr: float = bounded(0.01, 0.0, 0.2, "rise of the risk-free rate (0.01 = +100 bp)")
    beta: float = bounded(0.5, 0.0, 5.0, "credit-spread widening per unit of rate rise")
    duration_real_estate: float = bounded(8.0, 0.0, 50.0, "duration of data-centre real estate (years)")
    duration_equity: float = bounded(10.0, 0.0, 50.0, "duration of listed equity (years)")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "dr": Dist(DistKind.normal, 0.005, low=0.0, high=0.05),
        "beta": Dist(DistKind.normal, 0.2, low=0.0, high=2.0),
    })


def factors(s, base: Factors, cfg: RateHikeShock, labels) -> Factors:
    dr = s["dr"]
    drop_re = jnp.clip(s["duration_real_estate"] * dr, 0.0, 0.95)
    drop_eq = jnp.clip(s["duration_equity"] * dr, 0.0, 0.95)
    price = base.price.at[:, 1].multiply(1 - drop_re).at[:, 2].multiply(1 - drop_eq)
    return replace(base, rate_shift=dr, spread_shift=s["beta"] * dr, price=price)

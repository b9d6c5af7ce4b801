"""AI demand slump (docs/model.md §3.2; "not a crash but too much infrastructure chasing too
few profitable uses"). AI end-customer revenue grows ``growth_cut`` per year slower than
planned, and equity funding of AI firms falls by ``funding_cut``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import jax.numpy as jnp

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class DemandSlumpShock:
    growth_cut: float = bounded(0.20, 0.0, 1.0, "annual growth shortfall of AI revenue lines")
    funding_cut: float = bounded(0.25, 0.0, 1.0, "share of planned equity raises of AI firms that does not come")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "growth_cut": Dist(DistKind.normal, 0.08, low=0.0, high=0.8),
        "funding_cut": Dist(DistKind.normal, 0.1, low=0.0, high=1.0),
    })


def factors(s, base: Factors, cfg: DemandSlumpShock, labels) -> Factors:
    return replace(base, ai_growth_cut=s["growth_cut"], funding_mult=1 - s["funding_cut"],
                   funding_quarters=jnp.full_like(s["growth_cut"], jnp.inf))

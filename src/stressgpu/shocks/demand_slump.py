"""AI demand slump (MODEL.md §2; seed 004: "not a crash but too much infrastructure chasing too
few profitable uses"). AI end-customer revenue grows ``growth_cut`` per year slower than
planned, and equity funding of AI firms falls by ``funding_cut``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Dist, Factors, replace


@dataclass
class DemandSlumpShock:
    growth_cut: float = 0.20   # annual growth shortfall of AI revenue lines
    funding_cut: float = 0.25
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "growth_cut": Dist("normal", 0.08, low=0.0, high=0.8),
        "funding_cut": Dist("normal", 0.1, low=0.0, high=1.0),
    })


def factors(s, base: Factors, cfg: DemandSlumpShock, labels) -> Factors:
    return replace(base, ai_growth_cut=s["growth_cut"], funding_mult=1 - s["funding_cut"])

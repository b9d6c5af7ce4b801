"""DeepSeek-style efficiency jump (docs/model.md §3; seed 001: DeepSeek-R1 matched o1 at 95 %
lower cost, frontier models trainable at least ten times cheaper).

Compute needed per unit of AI output falls by ``k``. A share ``pass_through`` of the saving
reaches end prices, so AI services get cheaper and, with price elasticity ``elasticity``,
volume rises; a share ``share_shift`` of the incumbents' volume moves to open models. The
quarterly model turns these into AI-services revenue (``P·Q·(1 − s)``) and compute demanded
(``Q/k``), and from there into utilisation, rental prices, capex and hardware orders; AI
hardware is revalued from its rental income (no free price size). Listed AI equity held by
investors re-rates by ``equity_rerate`` at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class DeepseekShock:
    k: float = bounded(10.0, 1.0, 1000.0, "efficiency factor (compute per unit of AI output falls k-fold)")
    elasticity: float = bounded(0.7, 0.0, 3.0, "price elasticity of end demand for AI services (< 1: spending falls)")
    pass_through: float = bounded(1.0, 0.0, 1.0, "share of the compute saving passed on to end prices")
    share_shift: float = bounded(0.0, 0.0, 0.95, "share of incumbents' AI-services volume lost to open models")
    equity_rerate: float = bounded(0.20, 0.0, 1.0, "fall in listed AI equity held at t = 0")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "k": Dist(DistKind.lognormal, 0.5, low=1.0, high=100.0),
        "elasticity": Dist(DistKind.normal, 0.15, low=0.0, high=1.5, sign=-1.0),
        "share_shift": Dist(DistKind.normal, 0.05, low=0.0, high=0.5),
        "equity_rerate": Dist(DistKind.normal, 0.08, low=0.0, high=0.9),
    })


def factors(s, base: Factors, cfg: DeepseekShock, labels) -> Factors:
    m = s["k"] ** (s["elasticity"] - 1.0)
    price = base.price.at[:, 2].multiply(1 - s["equity_rerate"])
    return replace(base, compute_mult=m, price=price, efficiency=s["k"], elasticity=s["elasticity"],
                   pass_through=s["pass_through"], share_shift=s["share_shift"])

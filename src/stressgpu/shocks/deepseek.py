"""DeepSeek-style efficiency jump (docs/model.md §3.2; DeepSeek-R1 matched o1 at 95 % lower
cost, frontier models trainable at least ten times cheaper).

Compute needed per unit of AI output falls by ``k``; with price elasticity of demand
``elasticity``, compute spending scales by ``m = k^(elasticity - 1)`` (< 1 for inelastic demand,
> 1 for a Jevons rebound). ``m`` scales AI capex, AI purchase commitments and the AI revenue
lines of suppliers (in :mod:`stressgpu.dynamics`); GPU resale values and listed AI equity
re-rate at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Dist, DistKind, Factors, bounded, replace


@dataclass
class DeepseekShock:
    k: float = bounded(10.0, 1.0, 1000.0, "efficiency factor (compute per unit of AI output falls k-fold)")
    elasticity: float = bounded(0.7, 0.0, 3.0, "price elasticity of AI compute demand (< 1: spending falls)")
    gpu_price_drop: float = bounded(0.30, 0.0, 1.0, "fall in AI-hardware resale value at t = 0")
    equity_rerate: float = bounded(0.20, 0.0, 1.0, "fall in listed AI equity held at t = 0")
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "k": Dist(DistKind.lognormal, 0.5, low=1.0, high=100.0),
        "elasticity": Dist(DistKind.normal, 0.15, low=0.0, high=1.5, sign=-1.0),
        "gpu_price_drop": Dist(DistKind.normal, 0.10, low=0.0, high=0.9),
        "equity_rerate": Dist(DistKind.normal, 0.08, low=0.0, high=0.9),
    })


def factors(s, base: Factors, cfg: DeepseekShock, labels) -> Factors:
    m = s["k"] ** (s["elasticity"] - 1.0)
    price = base.price.at[:, 0].multiply(1 - s["gpu_price_drop"]).at[:, 2].multiply(1 - s["equity_rerate"])
    return replace(base, compute_mult=m, price=price)

"""Shorter useful life of AI hardware (docs/model.md §3.2; revenue must come before
depreciation). Life falls from ``old_life`` to ``new_life`` years: under straight-line
depreciation the remaining book value scales by ``new_life / old_life`` at once, and later
depreciation runs ``old_life / new_life`` times faster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class GpuDepreciationShock:
    old_life: float = bounded(6.0, 0.5, 30.0, "useful life of AI hardware now booked (years)")
    new_life: float = bounded(4.0, 0.5, 30.0, "useful life after the shock (years)")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "new_life": Dist(DistKind.uniform, low=2.0, high=6.0, sign=-1.0),
    })


def factors(s, base: Factors, cfg: GpuDepreciationShock, labels) -> Factors:
    ratio = s["new_life"] / s["old_life"]
    return replace(base, price=base.price.at[:, 0].multiply(ratio), depreciation_mult=1.0 / ratio)

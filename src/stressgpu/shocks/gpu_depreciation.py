"""Shorter useful life of AI hardware (MODEL.md §2; seed 004: revenue must come before
depreciation). Life falls from ``old_life`` to ``new_life`` years: under straight-line
depreciation the remaining book value scales by ``new_life / old_life`` at once, and later
depreciation runs ``old_life / new_life`` times faster.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Dist, Factors, replace


@dataclass
class GpuDepreciationShock:
    old_life: float = 6.0   # years, as hyperscalers now book servers
    new_life: float = 4.0
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "new_life": Dist("uniform", low=2.0, high=6.0, sign=-1.0),
    })


def factors(s, base: Factors, cfg: GpuDepreciationShock, labels) -> Factors:
    ratio = s["new_life"] / s["old_life"]
    return replace(base, price=base.price.at[:, 0].multiply(ratio), depreciation_mult=1.0 / ratio)

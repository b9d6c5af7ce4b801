"""Private-credit freeze (docs/model.md §3.2; credit, not equity, finances this boom; IMF:
40 % of private-credit borrowers burn cash). Private-credit lenders refinance nothing for
``quarters`` quarters (private credit and asset-backed debt are closed to new borrowers), and
equity funding falls by ``funding_cut`` for as long.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class PrivateCreditFreezeShock:
    quarters: float = bounded(4.0, 0.0, 40.0, "quarters without new private-credit lending")
    funding_cut: float = bounded(0.5, 0.0, 1.0, "share of planned equity raises that does not come during the freeze")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "quarters": Dist(DistKind.uniform, low=1.0, high=8.0),
        "funding_cut": Dist(DistKind.normal, 0.15, low=0.0, high=1.0),
    })


def factors(s, base: Factors, cfg: PrivateCreditFreezeShock, labels) -> Factors:
    return replace(base, credit_freeze_quarters=s["quarters"], funding_mult=1 - s["funding_cut"],
                   funding_quarters=s["quarters"])

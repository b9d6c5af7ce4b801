"""Taiwan supply shock (docs/model.md §3.2; close to 70 % of leading-edge chips are made in
Taiwan). Leading-edge chip supply falls by ``share`` for ``quarters`` quarters: chipmakers sell
that much less AI hardware and AI buyers can install that much less (their AI capex falls).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Dist, DistKind, Factors, bounded, replace


@dataclass
class TaiwanShock:
    share: float = bounded(0.5, 0.0, 1.0, "share of leading-edge chip supply lost")
    quarters: float = bounded(4.0, 0.0, 40.0, "quarters the supply loss lasts")
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "share": Dist(DistKind.uniform, low=0.1, high=0.7),
        "quarters": Dist(DistKind.uniform, low=1.0, high=8.0),
    })


def factors(s, base: Factors, cfg: TaiwanShock, labels) -> Factors:
    return replace(base, chip_cut=s["share"], chip_quarters=s["quarters"])

"""Taiwan supply shock (MODEL.md §2; seed 001: close to 70 % of leading-edge chips are made in
Taiwan). Leading-edge chip supply falls by ``share`` for ``quarters`` quarters: chipmakers sell
that much less AI hardware and AI buyers can install that much less (their AI capex falls).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import Dist, Factors, replace


@dataclass
class TaiwanShock:
    share: float = 0.5      # share of leading-edge supply lost (seed: ~70 % made in Taiwan)
    quarters: float = 4.0
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "share": Dist("uniform", low=0.1, high=0.7),
        "quarters": Dist("uniform", low=1.0, high=8.0),
    })


def factors(s, base: Factors, cfg: TaiwanShock, labels) -> Factors:
    return replace(base, chip_cut=s["share"], chip_quarters=s["quarters"])

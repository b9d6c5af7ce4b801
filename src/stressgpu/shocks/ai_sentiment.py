"""AI sentiment shock (docs/model.md §3–§4; seed 002: AI stocks lost USD 1,000 bn in a week on
rate fears; seed 003: SoftBank sold its Nvidia stake to fund OpenAI). Investors turn on AI:
for ``quarters`` quarters the labs' funding rounds close by ``funding_cut`` and so does listed
firms' equity window, listed AI equity held by investors re-rates by ``equity_rerate``, and
the AI risk premium in the discount rate of AI cash flows rises by ``premium`` (docs/model.md §6).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, DistKind, Factors, bounded, occurrence, replace


@dataclass
class AiSentimentShock:
    quarters: float = bounded(4.0, 0.0, 40.0, "quarters the equity window stays shut")
    funding_cut: float = bounded(0.8, 0.0, 1.0, "share of funding rounds and equity issuance that does not come")
    equity_rerate: float = bounded(0.25, 0.0, 1.0, "fall in listed AI equity held at t = 0")
    premium: float = bounded(0.01, 0.0, 0.2, "rise of the AI risk premium in the discount rate (0.01 = +100 bp)")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "quarters": Dist(DistKind.uniform, low=1.0, high=8.0),
        "funding_cut": Dist(DistKind.normal, 0.15, low=0.0, high=1.0),
        "equity_rerate": Dist(DistKind.normal, 0.08, low=0.0, high=0.9),
        "premium": Dist(DistKind.normal, 0.005, low=0.0, high=0.2),
    })


def factors(s, base: Factors, cfg: AiSentimentShock, labels) -> Factors:
    price = base.price.at[:, 2].multiply(1 - s["equity_rerate"])
    return replace(base, funding_mult=1 - s["funding_cut"], funding_quarters=s["quarters"], price=price,
                   ai_premium=s["premium"])

"""Named entities default at t = 0 (docs/model.md §3.2), e.g. ``entities: [openai]``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, Factors, occurrence, replace


@dataclass
class IdiosyncraticDefaultShock:
    entities: list[str] = field(default_factory=lambda: ["openai"])
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=dict)


def factors(s, base: Factors, cfg: IdiosyncraticDefaultShock, labels) -> Factors:
    mask = base.default_now
    for e in cfg.entities:
        mask = mask.at[:, labels.index(e)].set(True)
    return replace(base, default_now=mask)

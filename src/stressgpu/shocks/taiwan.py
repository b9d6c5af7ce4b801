"""Taiwan supply shock, as a macro shock (docs/model.md §3.1 supply chain, §3.2, §6).

About 70 % of leading-edge chips (:data:`BLOCKADE_SHARE`), and most of the world's foundry
output, are made in Taiwan. For ``quarters`` quarters a blockade rations the foundries' *whole*
output by ``share``:

* AI hardware: chip supply falls to ``1 − share``; chipmakers ship less at a scarcity price and AI
  buyers install less (capacity grows more slowly, so compute rents rise);
* other chips: chipmakers' non-AI lines are rationed the same way (:mod:`stressgpu.model.revenue`);
* the world economy: world GDP falls by ``gdp_loss`` for as long, and every firm's non-AI revenue
  with it, chip users' more (:mod:`stressgpu.model.revenue`);
* risk premia: the equity risk premium rises by ``equity_premium`` (per unit of beta) and the AI
  risk premium by ``ai_premium`` in every firm's discount rate, for the whole horizon
  (:mod:`stressgpu.model.valuation`).

``gdp_loss``, ``equity_premium`` and ``ai_premium`` are sizes of a *full* blockade, one that cuts
the whole Taiwanese share (``share`` = 0.7); a smaller cut scales them by ``share / 0.7`` (a
quarantine of part of the output costs the world economy and the markets' nerve in proportion),
so every loss rises with ``share``. Sources and reasoning for the defaults:

* ``gdp_loss`` = 5 %: Bloomberg Economics ("A War Over Taiwan Is a $10 Trillion Risk", Bloomberg,
  9 January 2024) puts the first-year cost of a Chinese blockade of Taiwan at 5 % of world GDP
  (3.3 % of US GDP; a war, 10.2 % of world GDP), the loss of Taiwan's semiconductors the main
  channel. The Monte Carlo spread reaches the war case at its upper end.
* ``equity_premium`` = 1.5 points: the implied US equity risk premium rose by about 2 points over
  the 2008 crisis (about 4.4 % at the start of 2008 to 6.4 % at the start of 2009; Damodaran,
  "Equity Risk Premiums: Determinants, Estimation and Implications", annual updates). It is set a
  little below that rise because the model holds it for the whole horizon, not for a year or
  two as after 2008.
* ``ai_premium`` = 1 point, as the AI-sentiment shock's central size: AI cash flows depend on the
  very chips the blockade cuts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .base import Dist, DistKind, Factors, bounded, occurrence, replace

BLOCKADE_SHARE = 0.7   # share of leading-edge chip supply made in Taiwan: the cut of a full blockade


@dataclass
class TaiwanShock:
    share: float = bounded(0.5, 0.0, 1.0, "share of the foundries' chip output lost (AI and other chips)")
    quarters: float = bounded(4.0, 0.0, 40.0, "quarters the supply loss and the GDP loss last")
    gdp_loss: float = bounded(0.05, 0.0, 0.35, "world GDP lost in a full blockade (share 0.7), while it lasts")
    equity_premium: float = bounded(0.015, 0.0, 0.1, "rise of the equity risk premium per unit of beta in a full blockade")
    ai_premium: float = bounded(0.01, 0.0, 0.1, "rise of the AI risk premium in the discount rate in a full blockade")
    annual_probability: Optional[float] = occurrence()
    mc: dict[str, Dist] = field(default_factory=lambda: {
        "share": Dist(DistKind.uniform, low=0.1, high=0.7),
        "quarters": Dist(DistKind.uniform, low=1.0, high=8.0),
        "gdp_loss": Dist(DistKind.normal, 0.025, low=0.0, high=0.102),
        "equity_premium": Dist(DistKind.normal, 0.005, low=0.0, high=0.04),
        "ai_premium": Dist(DistKind.normal, 0.005, low=0.0, high=0.04),
    })


def factors(s, base: Factors, cfg: TaiwanShock, labels) -> Factors:
    scale = s["share"] / BLOCKADE_SHARE                  # of a full blockade's macro effects
    return replace(base, chip_cut=s["share"], chip_quarters=s["quarters"],
                   gdp_mult=1.0 - scale * s["gdp_loss"], gdp_quarters=s["quarters"],
                   equity_premium_shift=scale * s["equity_premium"], ai_premium=scale * s["ai_premium"])

"""The funding order of a firm short of cash in one quarter (docs/model.md §4).

A firm whose cash after the quarter's flows falls below its minimum operating cash covers
the gap, in this order, each source only as far as it is open and has room:

1. undrawn facilities (revolvers, delayed-draw and construction loans);
2. new debt in the markets open to the firm, up to a capacity set by leverage and collateral
   (a private-credit freeze closes private credit and asset-backed debt);
3. new equity while the equity window is open (listed firms: a share of market value; labs:
   funding rounds at their valuation);
4. sales of liquid assets (financial firms: their securities portfolio);
5. capex cut down to its floor.

Whatever is still missing below zero cash is a missed payment: the firm defaults (liquidity).
Dividends and buybacks stop before any of this (the quarterly model pays them only out of cash
above the minimum). All amounts USD bn for this quarter, ``[N]``.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

Array = jax.Array


class FundingResult(NamedTuple):
    """How each firm covered its gap, ``[N]`` USD bn (all >= 0), and what is left."""

    cash: Array           # cash after funding
    facility: Array       # drawn from undrawn facilities
    debt: Array           # new debt raised
    equity: Array         # new equity raised
    capex_cut: Array      # capex given up
    missed: Array         # bool: cash still below zero (a missed payment: default)
    assets: Array         # liquid assets sold


def fund_shortfall(cash, min_cash, facility_room, debt_room, equity_room, capex_cuttable,
                   asset_room=0.0) -> FundingResult:
    """Cover ``max(0, min_cash − cash)`` from the sources in order (module docstring).

    Each ``*_room`` is what the source can give this quarter (0 when the market is closed);
    negative rooms count as 0.
    """
    need = jnp.maximum(min_cash - cash, 0.0)
    taken = []
    for room in (facility_room, debt_room, equity_room, asset_room, capex_cuttable):
        take = jnp.minimum(need, jnp.maximum(room, 0.0))
        taken.append(take)
        need = need - take
    facility, debt, equity, sold, cut = taken
    cash = cash + facility + debt + equity + sold + cut
    return FundingResult(cash, facility, debt, equity, cut, cash < 0, sold)

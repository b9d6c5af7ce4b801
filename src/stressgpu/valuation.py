"""Valuation-implied equity returns (docs/model.md §6), so a shock can be set against market moves.

The quarterly model pays no dividends: every equity cash flow to the horizon is retained, so
what shareholders hold at the horizon is the entity's net worth ``W_T`` (assets less
liabilities after clearing, zero for a defaulted firm). Beyond the horizon a growing
perpetuity of the last year's retained earnings (growth of net worth less new equity raised,
zero when negative) is the terminal value:

    value_i = δ^T (W_T,i + TV_i),   TV_i = max(E_i, 0) (1 + g) / (r − g).

The implied return of a shock is value(shock) / value(baseline) − 1; the discount factor δ^T
cancels in the ratio.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .dynamics import Outcome
from .network import Network


def equity_value(o: Outcome, net: Network, f_funding, cost_of_equity: float = 0.09,
                 terminal_growth: float = 0.03) -> jax.Array:
    """Equity value at the horizon plus terminal value, ``[N]`` USD bn (undiscounted), from an
    outcome simulated with ``record_paths=True`` (one scenario; ``f_funding`` its funding multiplier)."""
    worth = jnp.maximum(o.net_worth_path, 0.0)                          # [T, N]
    earnings = worth[-1] - worth[-5] - net.equity_raise * f_funding      # last year, net of new equity
    tv = jnp.maximum(earnings, 0.0) * (1 + terminal_growth) / (cost_of_equity - terminal_growth)
    return jnp.where(o.defaulted, 0.0, worth[-1] + tv)


def implied_return(shocked: jax.Array, baseline: jax.Array) -> jax.Array:
    """``value(shock) / value(baseline) − 1`` where the baseline value is positive, else NaN."""
    return jnp.where(baseline > 0, shocked / jnp.maximum(baseline, 1e-12) - 1.0, jnp.nan)

"""Market value of equity (docs/model.md §6): a discounted cash flow along the scenario's path.

Shareholders of firm i receive, each quarter t of the path, the dividends and buybacks it pays
less the new equity it raises (dilution is a negative flow to them), and at the horizon T own
its cash and a terminal value: the last year's operating cash flow after interest, ``X_i``,
growing at a constant rate ``g_i`` for ever (Gordon 1959):

    V_i = Σ_t δ_i^(t+1) (payout_i,t) + δ_i^T (cash_i,T − cash_i,0 + X_i (1 + g_i) / (r_i − g_i)),
    δ_i = (1 + r_i)^(−1/4),   r_i = r_f + Δr + β_i · ERP + a_i · π_AI,

with ``β_i`` the equity's market beta (data/market_moves/betas.csv; 1 where none is
published), ``ERP`` the equity risk premium, ``a_i`` the firm's AI exposure (1 for labs,
neoclouds and data-centre vehicles, its AI revenue share otherwise) and ``π_AI`` the AI risk
premium, a shock size. Writing ``V = head + tail · (1 + g) / (r − g)`` with
``head = Σ δ^(t+1) payout + δ^T (cash_T − cash_0)`` and ``tail = δ^T X``, the growth rate that makes the
no-shock value equal the data's market capitalisation (or last valuation) ``M`` is closed-form:

    m = (M − head) / tail,   g = (m r − 1) / (1 + m)            (needs tail > 0 and M > head),

the market's *priced-in growth*. A shocked scenario keeps each firm's ``g`` (the market's view
of the long run) and changes its path, its terminal cash flow and its discount rate; a firm
that defaults is worth nothing to its shareholders. (Where no growth rate reproduces the data —
a lab whose last modelled year still loses money — the growth is a fallback and the market's
extra terminal cash flow is solved instead: :func:`priced_in`.) Pure functions of arrays, ``[N]`` per entity.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import KINDS
from ..network import Network
from ..shocks.base import Factors
from .params import ModelParams
from .value_chain import ai_shares_at

PURE_AI_KINDS = ("ai_lab", "neocloud", "datacenter_spv")
GROWTH_FLOOR = -0.5   # a priced-in growth below this means the data's value is below the path's own


class ValueParts(NamedTuple):
    head: jax.Array   # [N] USD bn: discounted payouts to the horizon plus the discounted cash built up by then
    tail: jax.Array   # [N] USD bn: discounted terminal operating cash flow (annual)
    rate: jax.Array   # [N] discount rate, fraction per year
    d_T: jax.Array    # [N] discount factor of the horizon


class PricedIn(NamedTuple):
    """What the no-shock market value implies (docs/model.md §6), ``[N]`` each."""

    growth: jax.Array   # long-run growth of the terminal cash flow
    extra: jax.Array    # USD bn per year: terminal cash flow the market expects beyond the path's own
    solved: jax.Array   # bool: the value reproduces the data's market value or valuation
    by_growth: jax.Array  # bool: ... through the growth rate alone (extra = 0)


def ai_exposure(kind: jax.Array, ai_shares: jax.Array) -> jax.Array:
    """``[N]`` in [0, 1]: 1 for pure AI firms, else the AI share of revenue."""
    pure = jnp.isin(kind, jnp.asarray([KINDS.index(k) for k in PURE_AI_KINDS]))
    return jnp.where(pure, 1.0, jnp.clip(ai_shares.sum(-1), 0.0, 1.0))


def discount_rate(risk_free, rate_shift, beta, equity_premium, exposure, ai_premium) -> jax.Array:
    """``[N]`` cost of equity: risk-free rate (after the shock's shift) + beta × equity premium +
    AI exposure × AI risk premium, floored at 1 % so that discounting stays defined."""
    return jnp.maximum(risk_free + rate_shift + beta * equity_premium + exposure * ai_premium, 0.01)


def scenario_discount_rate(net: Network, f: Factors, p: ModelParams) -> jax.Array:
    """``[N]`` each firm's cost of equity in scenario ``f`` (:func:`discount_rate`), constant along
    the path: the AI risk premium on its AI share of revenue at the horizon (the terminal value's)."""
    exposure = ai_exposure(net.kind, ai_shares_at(net.ai_shares, net.revenue_growth, p.non_ai_growth, net.quarters,
                                                  1.0 - net.economy.lease_share))
    return discount_rate(p.risk_free, f.rate_shift, net.economy.equity_beta, p.equity_premium, exposure, f.ai_premium)


def accrue(ledger, rate, t, quarters: int, payout, ocf, interest_due, upkeep):
    """The ledger (:class:`stressgpu.model.state.Ledger`) after quarter ``t``'s flows to
    shareholders: ``payout`` ``[N]`` discounted into ``payout_pv``, and in the last year of the
    horizon the free cash flow ``ocf − interest_due − upkeep`` into ``ocf_last`` (the terminal
    value's base)."""
    last_year = (t >= quarters - 4).astype(payout.dtype)
    return ledger._replace(payout_pv=ledger.payout_pv + quarter_weight(rate, t) * payout,
                           ocf_last=ledger.ocf_last + last_year * (ocf - interest_due - upkeep))


def quarter_weight(rate, t) -> jax.Array:
    """``δ^(t+1)``: the discount factor of a flow at the end of quarter ``t`` (t = 0 the first)."""
    return (1.0 + rate) ** (-(t + 1.0) / 4.0)


def value_parts(payout_pv, cash_built, ocf_last_year, rate, quarters: int) -> ValueParts:
    """Collect the DCF's pieces at the horizon (``quarters`` quarters). ``cash_built``: cash at
    the horizon less cash at the start (the starting cash is working capital and, for a bank,
    the other side of its deposits: only what the path adds belongs to shareholders)."""
    d_T = (1.0 + rate) ** (-quarters / 4.0)
    return ValueParts(payout_pv + d_T * cash_built, d_T * ocf_last_year, rate, d_T)


def priced_in(target, parts: ValueParts, fallback_growth: float = 0.03) -> PricedIn:
    """Solve each firm's priced-in growth so that the no-shock value equals ``target`` (market
    cap or last valuation, USD bn; 0: none). Closed form (module docstring). Where the path's
    terminal cash flow is not positive (a lab still losing money in its last modelled year) or
    the target does not exceed the path's own value, no growth rate can do it: the growth is
    ``fallback_growth`` and the market's extra terminal cash flow ``c`` solves
    ``target = head + d_T (X + c)(1 + g)/(r − g)`` instead. Without a target nothing is solved."""
    head, tail, r, d_T = parts
    has = target > 0
    gap = target - head
    ok = has & (tail > 0) & (gap > 0)
    m = jnp.where(ok, gap / jnp.where(ok, tail, 1.0), 1.0)
    g = (m * r - 1.0) / (1.0 + m)
    by_growth = ok & (g > GROWTH_FLOOR)
    g = jnp.where(by_growth, g, jnp.where(has, fallback_growth, 0.0))
    spread = jnp.maximum(r - g, 1e-4)
    extra = jnp.where(has & ~by_growth, (gap * spread / (1.0 + g) - tail) / d_T, 0.0)
    return PricedIn(g, extra, has, by_growth)


def market_value(parts: ValueParts, priced: PricedIn, defaulted) -> jax.Array:
    """``[N]`` USD bn: the DCF value with the priced-in growth and extra terminal cash flow; 0
    for a defaulted firm, and never below 0 (shareholders' liability is limited). Without a
    data value a firm is valued at zero growth (a firm's own path, nothing priced in)."""
    head, tail, r, d_T = parts
    spread = jnp.maximum(r - priced.growth, 1e-4)     # a shock that lowers r below g keeps the value finite
    v = head + (tail + d_T * priced.extra) * (1.0 + priced.growth) / spread
    return jnp.where(defaulted, 0.0, jnp.maximum(v, 0.0))


def implied_return(shocked: jax.Array, baseline: jax.Array) -> jax.Array:
    """``value(shock) / value(baseline) − 1`` where the baseline value is positive, else NaN."""
    return jnp.where(baseline > 0, shocked / jnp.maximum(baseline, 1e-12) - 1.0, jnp.nan)


def value_path(payout_path, parts: ValueParts, priced: PricedIn, defaulted_path) -> jax.Array:
    """``[T, N]`` USD bn: the market value at the end of each quarter t of the cash flows still
    to come (payouts after t, the horizon's cash and terminal value), discounted to t; 0 from
    the quarter a firm defaults. ``payout_path`` ``[T, N]`` as recorded by the model
    (``record_paths``); ``defaulted_path`` ``[T, N]`` bool."""
    head, tail, r, d_T = parts
    T = payout_path.shape[0]
    t = jnp.arange(T, dtype=payout_path.dtype)[:, None]
    d = (1.0 + r) ** (-0.25)
    flows_pv = d[None, :] ** (t + 1.0) * payout_path                               # discounted to 0
    terminal = head - flows_pv.sum(0) + (tail + d_T * priced.extra) * (1.0 + priced.growth) / jnp.maximum(
        r - priced.growth, 1e-4)
    later = jnp.cumsum(flows_pv[::-1], axis=0)[::-1] - flows_pv                    # flows after quarter t
    v = (later + terminal[None, :]) / d[None, :] ** (t + 1.0)
    return jnp.where(defaulted_path, 0.0, jnp.maximum(v, 0.0))

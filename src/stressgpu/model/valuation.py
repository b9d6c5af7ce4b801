"""Market value of equity (docs/model.md §6): a discounted cash flow along the scenario's path.

Shareholders of firm i receive, each quarter t of the path, the dividends and buybacks it pays
less the new equity it raises (dilution is a negative flow to them), and at the horizon T own
its cash and a terminal value: the last year's operating cash flow after interest and upkeep,
``X_i``, growing on a **two-stage fade** (docs/model.md §6):

    V_i = Σ_t δ_i^(t+1) payout_i,t + δ_i^T (cash_i,T − cash_i,0 + X_i · F(r_i, g0_i)),
    δ_i = (1 + r_i)^(−1/4),   r_i = r_f + Δr + β_i · (ERP + ΔERP) + a_i · π_AI,

with ``β_i`` the equity's market beta (data/market_moves/betas.csv; 1 where none is
published), ``ERP`` the equity risk premium and ``ΔERP`` a shock's shift of it, ``a_i`` the
firm's AI exposure (1 for labs, neoclouds and data-centre vehicles, its AI revenue share
otherwise) and ``π_AI`` the AI risk premium, a shock size.

The terminal multiple ``F`` is the value at the horizon of a unit cash flow whose growth in
year k after the horizon fades *linearly* from the near-term rate ``g0`` to the long-run rate
``g∞`` over ``n = growth_fade_years`` years, then stays at ``g∞`` for ever (Gordon 1959 for the
tail):

    g_k = g∞ + (g0 − g∞) · max(0, 1 − (k − 1)/n),   L_k = Π_{j≤k} (1 + g_j),
    F = Σ_{k=1..K} L_k (1 + r)^(−k) + L_K (1 + r)^(−K) (1 + g∞) / (r − g∞),   K = 50 ≥ n.

Linear, not geometric: the excess growth is gone after exactly ``n`` years (the "fade period"
of the H-model, Fuller & Hsia 1984, and of Damodaran's three-stage model, whose transition
phase lowers growth in equal steps), so the stated horizon means what it says and the Gordon
tail starts at ``g∞``; a geometric fade never reaches ``g∞``, and cutting it at ``n`` years
would jump. The long-run rate is ``g∞ = min(terminal_growth, r − 0.02)``: at least two
percentage points below every discount rate (:data:`MIN_TERMINAL_SPREAD`), so the tail's
multiple ``(1 + g∞)/(r − g∞)`` is at most about 51 whatever a shock does to ``r`` (at the
data's no-shock rates, 7–20 %, it is 6–25).

The near-term growth ``g0`` that makes the no-shock value equal the data's market
capitalisation (or last valuation) ``M`` — the market's *priced-in growth* — solves
``tail · F(r, g0) = M − head`` (``head``: the discounted payouts and cash built, ``tail = δ^T
X``). ``F`` rises strictly in ``g0`` (every ``L_k`` does while ``1 + g_j > 0``), so for ``tail >
0`` the root in ``[−0.5, 1]`` is unique: bisection, then one Newton step that carries the
derivative (implicit function theorem). A shocked scenario keeps each firm's ``g0`` and ``g∞``
(the market's view of the future) and changes its path, its terminal cash flow and its discount
rate; a firm that defaults is worth nothing to its shareholders, and one that lives is worth its
equity as a call on that DCF value (:func:`call_value`: limited liability, Merton 1974). Where no ``g0`` in the range
reproduces the data — a lab whose last modelled year still loses money, or a value far above
what its terminal cash flow can carry — the growth is ``g∞`` and the market's extra terminal
cash flow is solved instead: :func:`priced_in`. Pure functions of arrays, ``[N]`` per entity.
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
# The near-term growth g0 is solved in [GROWTH_LOW, GROWTH_HIGH]: below −50 % a year the data's
# value is below the path's own; above +100 % a year (beyond any sell-side long-term growth
# estimate) the value is carried by an extra terminal cash flow instead (:func:`priced_in`).
GROWTH_LOW, GROWTH_HIGH = -0.5, 1.0
BISECTION_STEPS = 60          # halvings of [−0.5, 1]: the bracket ends 1.3e-18 wide (float64 round-off)
FADE_YEARS_MAX = 50           # years of the fade summed term by term: growth_fade_years' upper bound
MIN_TERMINAL_SPREAD = 0.02    # g∞ ≤ r − 2 %: the Gordon tail's multiple stays below about 51
_DEFAULTS = ModelParams()


class ValueParts(NamedTuple):
    head: jax.Array   # [N] USD bn: discounted payouts to the horizon plus the discounted cash built up by then
    tail: jax.Array   # [N] USD bn: discounted terminal operating cash flow (annual)
    rate: jax.Array   # [N] discount rate, fraction per year
    d_T: jax.Array    # [N] discount factor of the horizon


class PricedIn(NamedTuple):
    """What the no-shock market value implies (docs/model.md §6), ``[N]`` each."""

    growth: jax.Array   # g0: near-term growth of the terminal cash flow (first year after the horizon)
    extra: jax.Array    # USD bn per year: terminal cash flow the market expects beyond the path's own
    solved: jax.Array   # bool: the value reproduces the data's market value or valuation
    by_growth: jax.Array  # bool: ... through the growth rate alone (extra = 0)
    long_run: jax.Array   # g∞ before the rate guard: terminal_growth (0 for a firm without a data value)
    fade_years: jax.Array  # n: years over which g0 fades linearly to g∞ (0: g0 in the first year only)
    margin: jax.Array      # the plan's cash margin before upkeep in its last year (0: none; :func:`normalised`)
    revenue_last: jax.Array | None = None  # the plan's revenue in its last year (None: extra not rescaled)
    scale: jax.Array | None = None  # USD bn: a year's volatility of the equity's value, s = σ · data value (0 or None:
                                    # no option value, the equity is max(DCF, 0); :func:`call_value`)


def scaled_extra(priced: PricedIn, revenue_last) -> PricedIn:
    """The market's extra terminal cash flow scaled by the business the firm has at the horizon:
    ``extra · revenue_last / plan's revenue_last`` (``[N]``, annual USD bn; unchanged where the
    plan has no revenue or no plan is given). The extra is what the market expects of the firm's
    franchise beyond its path's own cash flow (a lab still burning cash in the last modelled year);
    a shock that leaves the firm half its planned business leaves it half that franchise, so a
    cash-burner that builds less is not worth more for spending less."""
    if priced.revenue_last is None:
        return priced
    plan = priced.revenue_last
    scale = jnp.where(plan > 0, jnp.maximum(revenue_last, 0.0) / jnp.where(plan > 0, plan, 1.0), 1.0)
    return priced._replace(extra=priced.extra * scale)


def fade_growth(g0, g_inf, fade_years) -> jax.Array:
    """``[N, K]`` growth of the terminal cash flow in years k = 1..K after the horizon: ``g0``
    fading linearly to ``g_inf`` over ``fade_years`` (module docstring), ``[N]`` each."""
    k = _years(g0, 0)                                                 # k − 1
    w = jnp.clip(1.0 - k / jnp.maximum(fade_years, 1e-9)[..., None], 0.0, 1.0)
    return g_inf[..., None] + (g0 - g_inf)[..., None] * w


def _years(like, first) -> jax.Array:
    """``[1, K]`` (one leading axis per axis of ``like``): first, first + 1, ..., first + K − 1."""
    k = jnp.arange(first, first + FADE_YEARS_MAX, dtype=jnp.result_type(like, float))
    return k.reshape((1,) * jnp.ndim(like) + (FADE_YEARS_MAX,))


def long_run_growth(rate, long_run) -> jax.Array:
    """``[N]`` g∞: the long-run growth, at least :data:`MIN_TERMINAL_SPREAD` below the discount rate."""
    return jnp.minimum(long_run, rate - MIN_TERMINAL_SPREAD)


def tail_multiple(rate, g0, long_run, fade_years) -> jax.Array:
    """``[N]`` F: the value at the horizon of a unit annual cash flow growing on the two-stage
    fade from ``g0`` to ``g∞ = long_run_growth(rate, long_run)`` (module docstring), discounted
    at ``rate`` (fraction per year). Finite for every ``rate`` ≥ 1 %; equals the Gordon multiple
    ``(1 + g)/(r − g)`` when ``g0 = g∞ = g``."""
    g_inf = long_run_growth(rate, long_run)
    g = fade_growth(g0, g_inf, fade_years)
    pv = jnp.cumprod(1.0 + g, axis=-1) * (1.0 + rate)[..., None] ** (-_years(rate, 1))   # L_k (1 + r)^(−k)
    return pv.sum(-1) + pv[..., -1] * (1.0 + g_inf) / (rate - g_inf)


def _bisect_growth(m, rate, long_run, fade_years) -> jax.Array:
    """``[N]`` the g0 in [GROWTH_LOW, GROWTH_HIGH] with ``tail_multiple(g0) = m`` (where one
    exists; the nearest end otherwise), by :data:`BISECTION_STEPS` halvings of the bracket."""
    def step(_, bracket):
        lo, hi = bracket
        mid = 0.5 * (lo + hi)
        below = tail_multiple(rate, mid, long_run, fade_years) < m
        return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

    lo, hi = jnp.full_like(m, GROWTH_LOW), jnp.full_like(m, GROWTH_HIGH)
    lo, hi = jax.lax.fori_loop(0, BISECTION_STEPS, step, (lo, hi))
    return 0.5 * (lo + hi)


def _newton_polish(g, m, rate, long_run, fade_years) -> jax.Array:
    """One Newton step from the bisection's root ``g`` (held constant): the same number to
    round-off, but differentiable in ``m`` and ``rate`` (implicit function theorem)."""
    g = jax.lax.stop_gradient(g)
    f, df = jax.jvp(lambda x: tail_multiple(rate, x, long_run, fade_years), (g,), (jnp.ones_like(g),))
    return g - (f - m) / jnp.maximum(df, 1e-12)


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
    the path: the equity premium after the scenario's shift (``equity_premium_shift``, e.g. a
    Taiwan blockade) and the AI risk premium on its AI share of revenue at the horizon (the
    terminal value's)."""
    exposure = ai_exposure(net.kind, ai_shares_at(net.ai_shares, net.revenue_growth, p.non_ai_growth, net.quarters,
                                                  1.0 - net.economy.lease_share))
    return discount_rate(p.risk_free, f.rate_shift, net.economy.equity_beta, p.equity_premium + f.equity_premium_shift,
                         exposure, f.ai_premium)


def accrue(ledger, rate, t, quarters: int, payout, ocf, interest_due, upkeep, revenue=0.0):
    """The ledger (:class:`stressgpu.model.state.Ledger`) after quarter ``t``'s flows to
    shareholders: ``payout`` ``[N]`` discounted into ``payout_pv``, and in the last year of the
    horizon the free cash flow ``ocf − interest_due − upkeep`` into ``ocf_last`` (the terminal
    value's base) and ``revenue`` into ``revenue_last`` (its normalisation, :func:`normalised`)."""
    last_year = (t >= quarters - 4).astype(payout.dtype)
    return ledger._replace(payout_pv=ledger.payout_pv + quarter_weight(rate, t) * payout,
                           ocf_last=ledger.ocf_last + last_year * (ocf - interest_due - upkeep),
                           revenue_last=ledger.revenue_last + last_year * revenue,
                           upkeep_last=ledger.upkeep_last + last_year * upkeep)


def normalised(ocf_last, revenue_last, upkeep_last, margin) -> jax.Array:
    """``[N]`` the terminal value's base: the last year's free cash flow ``ocf_last``, with its
    cash margin before upkeep at least the plan's ``margin`` on the last year's revenue:
    ``max(X + U, m · R) − U``. A squeezed operating margin is priced as temporary (firms cut costs
    and reprice; margins revert) while a lower revenue lasts, and so is nothing else: the upkeep
    ``U`` of the capital stock (faster depreciation) stays a lasting cost. Without it, a firm
    whose last modelled year loses money is worth nothing although it keeps most of its business
    (v2: AMD −100 % under a central DeepSeek shock)."""
    return jnp.maximum(ocf_last + upkeep_last, margin * revenue_last) - upkeep_last


def quarter_weight(rate, t) -> jax.Array:
    """``δ^(t+1)``: the discount factor of a flow at the end of quarter ``t`` (t = 0 the first)."""
    return (1.0 + rate) ** (-(t + 1.0) / 4.0)


def value_parts(payout_pv, cash_built, ocf_last_year, rate, quarters: int) -> ValueParts:
    """Collect the DCF's pieces at the horizon (``quarters`` quarters). ``cash_built``: cash at
    the horizon less cash at the start (the starting cash is working capital and, for a bank,
    the other side of its deposits: only what the path adds belongs to shareholders)."""
    d_T = (1.0 + rate) ** (-quarters / 4.0)
    return ValueParts(payout_pv + d_T * cash_built, d_T * ocf_last_year, rate, d_T)


def _G(x) -> jax.Array:
    """``E[max(x + Z, 0)]`` for a standard normal ``Z``: ``x Φ(x) + φ(x)`` (> 0, rising, ≥ max(x, 0))."""
    return x * jax.scipy.stats.norm.cdf(x) + jax.scipy.stats.norm.pdf(x)


def call_value(v, scale) -> jax.Array:
    """``[N]`` USD bn: the equity of a firm whose DCF value (assets less debt, discounted flows to
    shareholders) is ``v`` as a call on it (Merton 1974: limited liability makes equity an option
    on the firm's value, struck at its debt, which ``v`` already nets out): ``E[max(v + s Z, 0)] =
    s · (x Φ(x) + φ(x))``, ``x = v / s``, with ``s = scale`` a year's dollar volatility of that value
    (Bachelier's normal version of Merton's call, over the one-year horizon of the KMV distance to
    default). Positive for every ``v`` while ``s > 0``: a firm that has not defaulted keeps the value
    of its chance to recover; ``max(v, 0)`` where ``s = 0``. Its slope ``Φ(x)`` is about 1 for a
    healthy firm (``x = 1/σ = 2`` at the data's value with σ = 0.5: 0.977)."""
    s = jnp.maximum(scale, 0.0)
    x = v / jnp.where(s > 0, s, 1.0)
    return jnp.where(s > 0, s * _G(x), jnp.maximum(v, 0.0))


def dcf_target(target, scale) -> jax.Array:
    """``[N]`` the DCF value ``v`` whose :func:`call_value` is ``target`` (the data's market value):
    ``v = s · G⁻¹(target / s)`` by bisection on [−40, target / s] (``G(x) ≥ x``) and one Newton step
    (slope ``Φ``) that carries the derivative; ``target`` itself where ``s = 0`` or ``target ≤ 0``."""
    s = jnp.maximum(scale, 0.0)
    use = (s > 0) & (target > 0)
    y = jnp.where(use, target / jnp.where(use, s, 1.0), 1.0)

    def step(_, bracket):
        lo, hi = bracket
        mid = 0.5 * (lo + hi)
        below = _G(mid) < y
        return jnp.where(below, mid, lo), jnp.where(below, hi, mid)

    lo, hi = jax.lax.fori_loop(0, BISECTION_STEPS, step, (jnp.full_like(y, -40.0), y))
    x = jax.lax.stop_gradient(0.5 * (lo + hi))
    x = x - (_G(x) - y) / jnp.maximum(jax.scipy.stats.norm.cdf(x), 1e-30)
    return jnp.where(use, s * x, target)


def priced_in(target, parts: ValueParts, terminal_growth: float = _DEFAULTS.terminal_growth,
              fade_years: float = _DEFAULTS.growth_fade_years,
              volatility: float = _DEFAULTS.equity_volatility, debt=None) -> PricedIn:
    """Solve each firm's priced-in near-term growth ``g0`` so that the no-shock value equals
    ``target`` ``[N]`` (market cap or last valuation, USD bn; 0: none): ``tail · F(r, g0) = target
    − head`` (module docstring), ``F`` rising in ``g0``, by bisection on [GROWTH_LOW, GROWTH_HIGH]
    and a Newton step. Where the path's terminal cash flow is not positive (a lab still losing
    money in its last modelled year) or no ``g0`` in that range reaches the target, the firm is
    not solved *by growth*: ``g0 = g∞`` (no fade, a Gordon tail at ``g∞``) and the market's extra
    terminal cash flow ``c`` solves ``target = head + d_T (X + c) F(r, g∞)`` instead (``by_growth``
    False). Without a target nothing is solved: zero growth, no fade (the firm's own path).
    ``terminal_growth`` (g∞ before the rate guard) and ``fade_years`` (``n``): the run's
    :class:`~stressgpu.model.params.ModelParams` ``terminal_growth`` and ``growth_fade_years``.
    ``volatility`` (σ, its ``equity_volatility``): the market value is the equity as a call on the
    DCF value (:func:`call_value`, scale ``s = σ · target``, or σ times the firm's own no-shock DCF
    where there is no target), so the DCF solved for is the one whose call is worth ``target``
    (:func:`dcf_target`; about 0.4 % below it at σ = 0.5). ``debt`` ``[N]`` USD bn (None: 0): the
    firm's debt at the start. The option's underlying is the firm's assets, equity plus debt (Merton
    1974), so its dollar volatility is ``s = σ · (target + debt)``: a levered firm's equity is as
    many times more volatile than its assets as its enterprise value is larger than its equity
    (σ_E = σ_A · (E + D)/E · Φ, the KMV relation)."""
    head, tail, r, d_T = parts
    has = target > 0
    # The option's scale: σ times the data's value, or, without one, the firm's own no-shock DCF
    # (zero growth, nothing priced in), whose value it then keeps up to the option (≈ 0.4 % at σ = 0.5).
    zero = jnp.zeros_like(r)
    own = head + tail * tail_multiple(r, zero, zero, zero)
    debt = jnp.zeros_like(r) if debt is None else jnp.maximum(debt, 0.0)
    scale = volatility * jnp.where(has, target + debt, jnp.maximum(own, 0.0))
    target = dcf_target(target, jnp.where(has, scale, 0.0))
    long_run = jnp.where(has, terminal_growth, 0.0).astype(r.dtype)
    n = jnp.where(has, fade_years, 0.0).astype(r.dtype)
    gap = target - head
    m = gap / jnp.where(tail > 0, tail, 1.0)                      # the multiple F the target needs
    reach = (tail_multiple(r, jnp.full_like(r, GROWTH_LOW), long_run, n) < m) \
        & (m <= tail_multiple(r, jnp.full_like(r, GROWTH_HIGH), long_run, n))
    by_growth = has & (tail > 0) & (gap > 0) & reach
    m_safe = jnp.where(by_growth, m, 1.0 / r)                       # any finite multiple where unused
    g0 = _newton_polish(_bisect_growth(m_safe, r, long_run, n), m_safe, r, long_run, n)
    g_inf = long_run_growth(r, long_run)
    g0 = jnp.where(by_growth, g0, g_inf)
    extra = jnp.where(has & ~by_growth, (gap / tail_multiple(r, g_inf, long_run, n) - tail) / d_T, 0.0)
    return PricedIn(g0, extra, has, by_growth, long_run, n, jnp.zeros_like(g0), None, scale)


def terminal_value(parts: ValueParts, priced: PricedIn) -> jax.Array:
    """``[N]`` USD bn: the terminal value discounted to t = 0, ``d_T (X + extra) F(r, g0)``."""
    _, tail, r, d_T = parts
    return (tail + d_T * priced.extra) * tail_multiple(r, priced.growth, priced.long_run, priced.fade_years)


def market_value(parts: ValueParts, priced: PricedIn, defaulted) -> jax.Array:
    """``[N]`` USD bn: the equity as a call (:func:`call_value`, scale ``priced.scale``) on the DCF
    value with the priced-in growth fade and extra terminal cash flow; 0 for a defaulted firm, and
    positive while the firm lives (shareholders' liability is limited, and they keep the chance
    that the firm recovers). Without a data value a firm is valued at zero growth (a firm's own
    path, nothing priced in) and at ``max(DCF, 0)``."""
    v = parts.head + terminal_value(parts, priced)
    scale = jnp.zeros_like(v) if priced.scale is None else priced.scale
    return jnp.where(defaulted, 0.0, call_value(v, scale))


def implied_return(shocked: jax.Array, baseline: jax.Array) -> jax.Array:
    """``value(shock) / value(baseline) − 1`` where the baseline value is positive, else NaN."""
    return jnp.where(baseline > 0, shocked / jnp.maximum(baseline, 1e-12) - 1.0, jnp.nan)


def value_path(payout_path, parts: ValueParts, priced: PricedIn, defaulted_path) -> jax.Array:
    """``[T, N]`` USD bn: the market value at the end of each quarter t of the cash flows still
    to come (payouts after t, the horizon's cash and terminal value), discounted to t; 0 from
    the quarter a firm defaults. ``payout_path`` ``[T, N]`` as recorded by the model
    (``record_paths``); ``defaulted_path`` ``[T, N]`` bool."""
    head, r = parts.head, parts.rate
    T = payout_path.shape[0]
    t = jnp.arange(T, dtype=payout_path.dtype)[:, None]
    d = (1.0 + r) ** (-0.25)
    flows_pv = d[None, :] ** (t + 1.0) * payout_path                               # discounted to 0
    terminal = head - flows_pv.sum(0) + terminal_value(parts, priced)
    later = jnp.cumsum(flows_pv[::-1], axis=0)[::-1] - flows_pv                    # flows after quarter t
    v = (later + terminal[None, :]) / d[None, :] ** (t + 1.0)
    scale = jnp.zeros_like(head) if priced.scale is None else priced.scale
    return jnp.where(defaulted_path, 0.0, call_value(v, scale[None, :]))

"""Risk factors a scenario sets, how shocks compose, and how a shock size is drawn.

Every shock of docs/model.md §3.2 is a pure function ``sizes -> Factors``: it moves some of the risk
factors below, for a batch of B scenarios. Shocks compose factor by factor (multipliers
multiply, shifts add, durations take the longest, default sets unite), so a scenario that
combines several shocks is their :func:`compose`. The quarterly model (:mod:`stressgpu.dynamics`)
is the only consumer of factors.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field, fields
from typing import Optional

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr, ndtri

N_ASSET_CLASSES = 4  # ai_hardware, dc_real_estate, listed_equity, other (network.ASSET_CLASSES)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Factors:
    """Risk factors of B scenarios (N entities, A asset classes).

    compute_mult [B]: k^(elasticity-1), the spending multiplier of full pass-through (reported;
      the model reads efficiency, pass_through, elasticity and share_shift).
    efficiency [B]: k, compute per unit of AI output falls k-fold (docs/model.md §3).
    pass_through [B]: share of the saving passed to end prices (π); elasticity [B]: ε.
    share_shift [B]: share of the incumbents' AI-services volume lost to open models.
    ai_growth_cut [B]: cut to the annual growth of AI revenue lines (demand slump).
    chip_cut [B], chip_quarters [B]: share of leading-edge chip supply lost, for that many quarters.
    price [B, A]: multiplier on each asset class's price at t = 0 (1 = unchanged).
    depreciation_mult [B]: speed-up of AI hardware depreciation (old life / new life).
    rate_shift [B], spread_shift [B]: risk-free rate and credit spread changes (fractions).
    credit_freeze_quarters [B]: quarters private-credit lenders refinance nothing.
    funding_mult [B]: multiplier on planned equity raises and on listed firms' equity window,
      for the first funding_quarters [B] quarters (inf: the whole horizon; two cuts compose into
      their product for the longer of the two durations).
    default_now [B, N]: entities that default at t = 0.
    ai_premium [B]: rise of the AI risk premium in the discount rate of AI cash flows (fraction per year).
    revenue_mult [B, N]: idiosyncratic revenue multiplier (Monte Carlo noise).
    gdp_mult [B], gdp_quarters [B]: world GDP relative to plan (1 = as planned) for the first
      gdp_quarters quarters; non-AI revenue lines move with it (:mod:`stressgpu.model.revenue`).
      Two GDP shocks compose into their product for the longer of the two durations.
    equity_premium_shift [B]: rise of the equity risk premium per unit of beta in every firm's
      discount rate (fraction per year; docs/model.md §6).
    capex_scale [B, N]: a firm's AI capex relative to its plan after news about its own business
      (1 = plan; docs/model.md §9, news days): unlike a stress shock, news may revise a plan upward.
    """

    compute_mult: jax.Array
    ai_growth_cut: jax.Array
    chip_cut: jax.Array
    chip_quarters: jax.Array
    price: jax.Array
    depreciation_mult: jax.Array
    rate_shift: jax.Array
    spread_shift: jax.Array
    credit_freeze_quarters: jax.Array
    funding_mult: jax.Array
    default_now: jax.Array
    revenue_mult: jax.Array
    efficiency: jax.Array
    pass_through: jax.Array
    elasticity: jax.Array
    share_shift: jax.Array
    funding_quarters: jax.Array
    ai_premium: jax.Array
    gdp_mult: jax.Array
    gdp_quarters: jax.Array
    equity_premium_shift: jax.Array
    capex_scale: jax.Array


_MULT = ("compute_mult", "price", "depreciation_mult", "funding_mult", "revenue_mult", "efficiency", "gdp_mult",
         "capex_scale")
_ADD = ("ai_growth_cut", "rate_shift", "spread_shift", "ai_premium", "equity_premium_shift")
_MAX = ("chip_quarters", "credit_freeze_quarters", "funding_quarters", "gdp_quarters")
# Set by one shock only (the efficiency shock); composing keeps the value that is not neutral.
_OVERRIDE = {"pass_through": 1.0, "elasticity": 1.0}


def neutral(batch: int, n: int, dtype=jnp.float32) -> Factors:
    """Factors of B unshocked scenarios."""
    one, zero = jnp.ones(batch, dtype), jnp.zeros(batch, dtype)
    return Factors(one, zero, zero, zero, jnp.ones((batch, N_ASSET_CLASSES), dtype), one, zero, zero,
                   zero, one, jnp.zeros((batch, n), bool), jnp.ones((batch, n), dtype),
                   one, one, one, zero, zero, zero, one, zero, zero, jnp.ones((batch, n), dtype))


def compose(a: Factors, b: Factors) -> Factors:
    """Both shocks at once: multipliers multiply (GDP too), shifts add (premia too), durations
    take the longer, chip supply losses compound, default sets unite."""
    out = {}
    for f in fields(Factors):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in _MULT:
            out[f.name] = x * y
        elif f.name in _ADD:
            out[f.name] = x + y
        elif f.name in _MAX:
            out[f.name] = jnp.maximum(x, y)
        elif f.name in ("chip_cut", "share_shift"):
            out[f.name] = 1 - (1 - x) * (1 - y)
        elif f.name in _OVERRIDE:
            out[f.name] = jnp.where(y != _OVERRIDE[f.name], y, x)
        else:
            out[f.name] = x | y
    return Factors(**out)


def replace(f: Factors, **changes) -> Factors:
    """A copy of ``f`` with some factors replaced."""
    return Factors(**{**{k.name: getattr(f, k.name) for k in fields(Factors)}, **changes})


class Choice(str, enum.Enum):
    """A choice among named options: compares equal to its name, prints as its name (Hydra and
    OmegaConf accept the name on the command line and reject anything else)."""

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


class DistKind(Choice):
    fixed = "fixed"
    normal = "normal"
    lognormal = "lognormal"
    uniform = "uniform"


DISTS = tuple(d.value for d in DistKind)


def bounded(default, low: float | None = None, high: float | None = None, doc: str = "", *,
            low_open: bool = False, high_open: bool = False):
    """A config field with its allowed range ``[low, high]`` (``None``: unbounded on that side;
    ``low_open``/``high_open`` exclude the bound), checked at start-up by
    :func:`stressgpu.config.validate` and never clamped."""
    return field(default=default, metadata={"range": (low, high), "low_open": low_open,
                                            "high_open": high_open, "doc": doc})


OCCURRENCE = "annual_probability"   # the field of every shock config that is not a size


def occurrence():
    """The ``annual_probability`` field of a shock config: ``None`` (every existing config) = the
    shock occurs in every scenario, at t = 0; a number p in [0, 1] = it occurs in a scenario with
    probability ``1 − (1 − p)^Y`` over the Y years of the horizon (:func:`horizon_probability`),
    independently of the other shocks, and then hits at t = 0 like an always-on shock (the
    quarterly model has no start quarter for a shock). Not a size: never drawn, fitted or swept."""
    return field(default=None, metadata={"range": (0.0, 1.0), "low_open": False, "high_open": False,
                                         "doc": "annual probability that the shock occurs (null: always, at t = 0)"})


def horizon_probability(p_annual, years):
    """Probability of at least one occurrence in ``years`` years at an annual probability
    ``p_annual`` (independent years): ``1 − (1 − p)^Y``. Arrays broadcast; pure."""
    return 1.0 - (1.0 - jnp.asarray(p_annual)) ** years


def occur(shocked: Factors, base: Factors, occurs: jax.Array) -> Factors:
    """``shocked`` in the scenarios where ``occurs`` [B] is true, ``base`` (no shock) elsewhere."""
    def pick(x, y):
        m = occurs.reshape(occurs.shape + (1,) * (x.ndim - 1))
        return jnp.where(m, x, y)
    return Factors(**{f.name: pick(getattr(shocked, f.name), getattr(base, f.name)) for f in fields(Factors)})


def allowed_range(cls, name: str) -> tuple[float | None, float | None]:
    """``(low, high)`` of a field declared with :func:`bounded` (``(None, None)`` otherwise)."""
    return cls.__dataclass_fields__[name].metadata.get("range", (None, None))


@dataclass
class Dist:
    """Monte Carlo distribution of one shock size around its configured value.

    dist: ``fixed`` (always the value), ``normal`` (value + scale·z), ``lognormal``
    (value·exp(scale·z), median = value), ``uniform`` (between low and high).
    low/high bound the support (``None``: the size's allowed range): a normal or lognormal is
    *truncated* to [low, high] — a draw that would fall outside is drawn again from the
    distribution conditioned on the interval (by inverse CDF, so each scenario still uses one
    standard-normal score and the draws stay correlated), never clipped onto the bound.
    sign = +1 when a larger size is the more severe one, -1 otherwise, so that the common
    factor of a bad draw makes every size more severe together.
    """

    dist: DistKind = DistKind.fixed
    scale: float = 0.0
    low: Optional[float] = None
    high: Optional[float] = None
    sign: float = 1.0


def _truncated_normal(mu, sigma, lo, hi, z):
    """``mu + sigma·x`` where x is standard normal conditioned on ``(lo - mu)/sigma <= x <=
    (hi - mu)/sigma``, at the quantile ``Φ(z)`` of that conditional law (inverse CDF)."""
    a = ndtr((lo - mu) / sigma) if lo is not None else 0.0
    b = ndtr((hi - mu) / sigma) if hi is not None else 1.0
    u = a + (b - a) * ndtr(z)
    tiny = jnp.finfo(z.dtype).tiny
    x = mu + sigma * ndtri(jnp.clip(u, tiny, 1 - jnp.finfo(z.dtype).epsneg))
    # Round-off only: in exact arithmetic x already lies in [lo, hi].
    return jnp.clip(x, -jnp.inf if lo is None else lo, jnp.inf if hi is None else hi)


def draw_size(value, spec: Dist, z: jax.Array) -> jax.Array:
    """Map standard-normal draws ``z`` [B] to sizes with the distribution ``spec``, truncated
    to ``[spec.low, spec.high]`` (monotone in ``z``; differentiable inside the support)."""
    z = spec.sign * z
    kind = DistKind(spec.dist)
    if kind is DistKind.fixed or (kind in (DistKind.normal, DistKind.lognormal) and spec.scale == 0):
        return jnp.full_like(z, value)
    if kind is DistKind.normal:
        return _truncated_normal(value, spec.scale, spec.low, spec.high, z)
    if kind is DistKind.lognormal:
        lo = None if spec.low is None or spec.low <= 0 else math.log(spec.low)
        hi = None if spec.high is None else math.log(spec.high)
        return jnp.exp(_truncated_normal(jnp.log(value), spec.scale, lo, hi, z))
    return spec.low + (spec.high - spec.low) * ndtr(z)

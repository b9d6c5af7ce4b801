"""Market-implied default probabilities of the network's borrowers, from ``credit_quotes.csv``.

The reduced-form ("credit triangle") approximation: a borrower whose debt pays a credit spread
``s`` (a year, as a fraction: 100 bp = 0.01) over the risk-free rate, and whose creditors recover
a share ``R`` of the claim at default, has a constant default intensity (hazard rate)

    λ = s / (1 − R)            [per year]

and the cumulative probability of default within ``T`` years is

    PD(T) = 1 − exp(−λ T)      [T = 5: the 5-year PD reported here].

References: J. C. Hull, *Options, Futures, and Other Derivatives*, the credit-risk chapter
("Estimating default probabilities from bond yield spreads": λ̄ = s / (1 − R)); D. O'Kane and
S. Turnbull, *Valuation of Credit Default Swaps*, Lehman Brothers Quantitative Credit Research
Quarterly, 2003 (the "credit triangle" s ≈ λ (1 − R) of a CDS with a flat hazard curve).

**The PD is risk-neutral.** A spread pays for expected default loss *and* for the risk and
liquidity premia investors ask for bearing it; λ read off a spread carries both, so it is larger
than a physical (real-world, historical) default probability — several times larger for
investment-grade names (Hull, Predescu and White, "Bond prices, default probabilities and risk
premiums", *Journal of Credit Risk* 1(2), 2005). Use these PDs to rank borrowers and to compare
with the model's stressed defaults, not as forecasts of default frequencies.

Conventions (stated, each a module constant the functions take as an argument):

* **Quote used**: per borrower, the latest quote (on or before a cut-off date) of the best kind
  available, in the order 5-year CDS (``cds_5y``); else a bond spread (``bond_spread``, over
  Treasuries, or over SOFR for floating-rate notes, used as it is) or a bond yield minus the
  risk-free yield (``bond_yield``); else a loan margin over SOFR (``loan_spread``). Ties on the
  date go to a spread before a yield (it needs no risk-free rate), then to the maturity nearest
  the 5-year horizon, then to the later row of the file. Ratings are not converted to PDs; the
  latest rating of each agency is reported beside. A spread or a yield quoted at another maturity
  is read as a flat hazard over the 5 years (no term structure).
* **Recovery** ``R`` by seniority of the quoted claim (:data:`RECOVERY`): senior unsecured 0.40,
  the ISDA standard recovery of North American senior unsecured CDS (Standard North American
  Corporate contract, 2009; the rate CDS quotes are converted with); subordinated (and mezzanine)
  0.20, the ISDA standard for subordinated CDS; senior secured loans and notes 0.70, the standard
  fixed recovery of first-lien loan-only CDS (ISDA LCDS, the LCDX index). Equity-like claims 0.
  A quote without ``seniority`` is senior unsecured (CDS, bonds) or senior secured (loans). For a
  given spread, PD rises with R: the same 250 bp gives λ = 4.2 % at R = 0.4 and 8.3 % at R = 0.7.
* **Risk-free rate** for a bond yield: a flat 4.0 % a year (:data:`RISK_FREE`), stated, not a
  dated curve. The US Treasury curve over the quotes' window (2025-01 to 2026-06) lay roughly
  between 3.5 % (2 to 5 years) and 5 % (30 years); the data itself implies 4.19 % for the 10-year
  on 2025-12-12 (Oracle's 2035 notes: 5.9 % yield, 171 bp over Treasuries of the same maturity).
  Pass a curve ``((tenor_years, ...), (yield, ...))`` to use one, interpolated linearly in the
  tenor, flat beyond its ends. A yield below the risk-free rate gives a zero spread.

Units: spreads in basis points (bp, 1e-4 a year), yields and recoveries as fractions, hazard
rates per year, tenors in years, PDs as fractions. The numerics (:func:`hazard_rate`,
:func:`cumulative_pd`, :func:`spread_from_yield`, :func:`risk_free_yield`,
:func:`implied_pd`) are pure ``jax.numpy`` functions of arrays; :func:`market_pds` is the thin
function that picks the quotes from the loaded table (``Tables.credit_quotes``).
"""
from __future__ import annotations

from typing import Sequence, Union

import jax.numpy as jnp
import numpy as np
import pandas as pd

__all__ = ["BP", "HORIZON_YEARS", "RECOVERY", "DEFAULT_SENIORITY", "RISK_FREE", "QUOTE_ORDER",
           "hazard_rate", "cumulative_pd", "spread_from_yield", "risk_free_yield", "implied_pd",
           "market_pds", "latest_ratings"]

BP = 1e-4                 # one basis point, as a fraction a year
HORIZON_YEARS = 5.0       # the PD's horizon
# Recovery of the quoted claim, by seniority (module docstring: ISDA SNAC 40 % senior unsecured and
# 20 % subordinated; ISDA LCDS / LCDX 70 % first-lien loans, used for secured loans and notes).
RECOVERY = {"senior_unsecured": 0.40, "senior_secured": 0.70, "subordinated": 0.20, "mezzanine": 0.20,
            "equity_like": 0.0}
# Seniority of a quote whose `seniority` is empty: a CDS references senior unsecured debt.
DEFAULT_SENIORITY = {"cds_5y": "senior_unsecured", "bond_spread": "senior_unsecured",
                     "bond_yield": "senior_unsecured", "loan_spread": "senior_secured"}
# Flat risk-free yield (a fraction a year) subtracted from a bond yield (module docstring).
RISK_FREE = 0.04
# Quote kinds by preference: lower is better; bond spreads and yields share a rank.
QUOTE_ORDER = {"cds_5y": 0, "bond_spread": 1, "bond_yield": 1, "loan_spread": 2}
_TIE_ORDER = {"cds_5y": 0, "bond_spread": 0, "bond_yield": 1, "loan_spread": 0}

Curve = Union[float, tuple[Sequence[float], Sequence[float]]]


def hazard_rate(spread_bp, recovery):
    """Constant default intensity λ = s / (1 − R), per year, from a credit spread ``spread_bp`` (bp a
    year) and the recovery ``R`` (fraction of the claim, < 1). A negative spread counts as zero."""
    s = jnp.maximum(jnp.asarray(spread_bp), 0.0) * BP
    return s / (1.0 - jnp.asarray(recovery))


def cumulative_pd(hazard, years=HORIZON_YEARS):
    """Probability of default within ``years`` at a constant hazard (per year): 1 − exp(−λ T)."""
    return -jnp.expm1(-jnp.asarray(hazard) * years)


def risk_free_yield(tenor_years, curve: Curve = RISK_FREE):
    """The risk-free yield (fraction a year) at ``tenor_years``: ``curve`` itself when it is a number
    (flat), else the curve ``(tenors, yields)`` interpolated linearly, flat beyond its ends."""
    tenor = jnp.asarray(tenor_years)
    if isinstance(curve, (int, float)):
        return jnp.full(jnp.shape(tenor), float(curve))
    tenors, yields = curve
    return jnp.interp(tenor, jnp.asarray(tenors), jnp.asarray(yields))


def spread_from_yield(bond_yield, tenor_years, curve: Curve = RISK_FREE):
    """Credit spread (bp) of a bond yielding ``bond_yield`` (fraction a year) at ``tenor_years``: the
    yield less the risk-free yield of the same tenor."""
    return (jnp.asarray(bond_yield) - risk_free_yield(tenor_years, curve)) / BP


def implied_pd(spread_bp, recovery, years=HORIZON_YEARS):
    """``(λ, PD)``: the hazard (per year) and the cumulative default probability within ``years``
    implied by a spread (bp) at recovery ``R``. Risk-neutral (module docstring)."""
    lam = hazard_rate(spread_bp, recovery)
    return lam, cumulative_pd(lam, years)


# ------------------------------------------------------------------ the thin function on the table
def _tenor_years(maturity, as_of) -> float:
    """Years from ``as_of`` to ``maturity`` (a date, ``YYYY-MM`` or ``YYYY``: its last day), or the
    tenor itself when ``maturity`` is a number of years; NaN where it is empty."""
    from .data.checks import maturity_of

    if maturity is None or (isinstance(maturity, float) and np.isnan(maturity)):
        return float("nan")
    parsed = maturity_of(maturity)
    if parsed is None:
        return float("nan")
    kind, v = parsed
    return float(v) if kind == "years" else max((v - pd.Timestamp(as_of)).days / 365.25, 0.0)


def latest_ratings(quotes: pd.DataFrame, as_of=None) -> dict[str, str]:
    """Per borrower, the latest rating of each agency (on or before ``as_of``), as text:
    ``"Moody's Baa2 negative 2025-09-17; S&P BBB 2026-02-02"``."""
    r = quotes[quotes["instrument"] == "rating"]
    if as_of is not None:
        r = r[r["as_of"] <= pd.Timestamp(as_of)]
    r = r.reset_index().sort_values(["entity_id", "agency", "as_of", "index"])
    out: dict[str, str] = {}
    for eid, g in r.groupby("entity_id", sort=False):
        parts = []
        for _, x in g.groupby("agency", sort=True).tail(1).iterrows():
            outlook = f" {x['outlook']}" if isinstance(x["outlook"], str) else ""
            parts.append(f"{x['agency']} {x['rating']}{outlook} {x['as_of'].date()}")
        out[eid] = "; ".join(parts)
    return out


def market_pds(quotes: pd.DataFrame, as_of=None, curve: Curve = RISK_FREE, recovery: dict | None = None,
               years: float = HORIZON_YEARS) -> pd.DataFrame:
    """One row per borrower with a quote in ``quotes`` (``Tables.credit_quotes``; only quotes dated
    on or before ``as_of`` where given): the quote used (``instrument``, ``value``, ``quote_as_of``,
    ``maturity``, ``row`` of credit_quotes.csv), its ``seniority`` and ``recovery``, the credit
    ``spread_bp`` it gives (a bond yield less ``risk_free``), the ``hazard`` (per year) and the
    risk-neutral ``pd`` within ``years`` (and ``pd_unsecured``, the PD at the senior unsecured
    recovery, to compare quotes of different seniority), and the latest ``ratings``. Borrowers with ratings only have
    no quote, spread, hazard or PD (NaN). Sorted by PD, highest first, then by id."""
    recovery = RECOVERY if recovery is None else recovery
    q = quotes
    if as_of is not None:
        q = q[q["as_of"] <= pd.Timestamp(as_of)]
    ratings = latest_ratings(quotes, as_of)
    cols = ["entity_id", "instrument", "value", "quote_as_of", "maturity", "row", "seniority", "recovery",
            "tenor_years", "risk_free", "spread_bp", "hazard", "pd", "pd_unsecured", "ratings"]
    usable = q[q["instrument"].isin(list(QUOTE_ORDER)) & q["value"].notna()].copy()
    picked = []
    if len(usable):
        usable["row"] = usable.index.astype(int)
        usable["rank"] = usable["instrument"].map(QUOTE_ORDER)
        usable["tie"] = usable["instrument"].map(_TIE_ORDER)
        usable["tenor_years"] = [_tenor_years(m, a) for m, a in zip(usable["maturity"], usable["as_of"])]
        usable["off_horizon"] = (usable["tenor_years"].fillna(years) - years).abs()
        best = usable.sort_values(["entity_id", "rank", "as_of", "tie", "off_horizon", "row"],
                                  ascending=[True, True, False, True, True, False]).groupby("entity_id").head(1)
        picked = list(best.itertuples(index=False))
    rows = []
    for b in picked:
        sen = b.seniority if isinstance(getattr(b, "seniority", None), str) else DEFAULT_SENIORITY[b.instrument]
        rows.append(dict(entity_id=b.entity_id, instrument=b.instrument, value=float(b.value), quote_as_of=b.as_of,
                         maturity=b.maturity if isinstance(b.maturity, str) else "", row=int(b.row), seniority=sen,
                         recovery=float(recovery[sen]), tenor_years=b.tenor_years))
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        is_yield = (out["instrument"] == "bond_yield").to_numpy()
        tenor = out["tenor_years"].fillna(years).to_numpy(dtype=float)   # no maturity: the PD's horizon
        rf = np.asarray(risk_free_yield(tenor, curve), dtype=float)
        value = out["value"].to_numpy(dtype=float)
        spread = np.where(is_yield, np.asarray(spread_from_yield(value, tenor, curve), dtype=float), value)
        lam, pd5 = implied_pd(spread, out["recovery"].to_numpy(dtype=float), years)
        out["risk_free"] = np.where(is_yield, rf, np.nan)
        out["spread_bp"] = spread
        out["hazard"] = np.asarray(lam, dtype=float)
        out["pd"] = np.asarray(pd5, dtype=float)
        out["pd_unsecured"] = np.asarray(implied_pd(spread, recovery["senior_unsecured"], years)[1], dtype=float)
    rated_only = sorted(set(ratings) - set(out["entity_id"]))
    if rated_only:
        extra = pd.DataFrame({"entity_id": rated_only})
        out = extra if out.empty else pd.concat([out, extra], ignore_index=True)
        out = out.reindex(columns=cols)
    out["ratings"] = out["entity_id"].map(ratings).fillna("")
    out["row"] = out["row"].astype("Int64")
    return out.sort_values(["pd", "entity_id"], ascending=[False, True], na_position="last").reset_index(drop=True)

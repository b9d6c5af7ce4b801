"""Rules that span rows and tables (``data/SCHEMA.md``): references, completeness, schedules,
balance-sheet sums, stakes against valuations, sector totals against public aggregates.

Each rule appends ``(file, row, column, message)`` problems; all are reported together. Rows are
the 1-based data rows of the file that holds the offending record; numbers are printed with
:func:`num` (six significant digits, ``1e+300`` rather than 301 digits).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import DataError
from .holders import OUTSIDE_HOLDER_KINDS, expand_links
from .schema import (AI_SHARE_ITEMS, CONTRACT_TYPES, ESTIMATED_SOURCE_TYPES, FINANCIAL_ITEMS, FRACTION_ITEMS, HOLDER_SHARE_TOL, INSTRUMENTS,
                     NONNEG_ITEMS, OPERATING_KINDS, REQUIRED_ITEMS, SCHEDULES, SPREAD_INSTRUMENTS, UNBINDING_TYPES)

_NEEDS = {  # columns a link of each kind must fill
    "debt": ("rate", "rate_type", "start", "end", "schedule", "seniority", "collateral"),
    "facility": ("limit_usd_bn", "rate_type", "start", "end", "seniority", "collateral"),
    "equity_stake": ("share", "start", "market_value_usd_bn"),
    "commitment": ("start", "end", "take_or_pay", "usage_share", "termination_fee_usd_bn", "schedule"),
}
# Unlisted kinds that must carry the valuation of their last funding round.
_VALUED_KINDS = ("ai_lab", "neocloud")
# Stake market value against share x issuer value: relative tolerance.
STAKE_VALUE_TOL = 0.10
SCHEDULE_TOL = 0.01


def num(x) -> str:
    """A number as people read it: six significant digits (``1e+300``, ``12.5``)."""
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return repr(x)


def in_network_claims(tables) -> pd.Series:
    """USD bn each entity holds as claims inside the network: loans made (drawn debt) plus stakes
    held at their carrying amount. Undrawn facilities are not claims."""
    links = tables.links
    lent = links[links.kind == "debt"].groupby("to_id")["amount_usd_bn"].sum()
    held = links[links.kind == "equity_stake"].groupby("from_id")["amount_usd_bn"].sum()
    return lent.add(held, fill_value=0.0).reindex(tables.entities["id"], fill_value=0.0)


def other_assets(tables) -> pd.Series:
    """The derived ``other`` asset class: total assets less cash, listed classes and claims."""
    items = tables.items()
    listed = tables.holdings.groupby("entity_id")["value_usd_bn"].sum().reindex(items.index, fill_value=0.0)
    return items["total_assets"] - items["cash"] - listed - in_network_claims(tables)


def issuer_value(tables) -> pd.Series:
    """Market capitalisation of listed entities, last-round valuation of the others (NaN if none)."""
    items = tables.items()
    return items["market_cap"].fillna(items["valuation"])


def _row_of(df: pd.DataFrame, **match) -> int | None:
    m = np.ones(len(df), dtype=bool)
    for k, v in match.items():
        m &= (df[k] == v).to_numpy()
    rows = df.index[m]
    return int(rows[0]) if len(rows) else None


def _rows(rows) -> str:
    """``" (25 rows: 1, 2, 3, 4, 5, …)"`` for a value found on several rows, ``""`` for one."""
    rows = [int(r) for r in rows]
    if len(rows) < 2:
        return ""
    return f" ({len(rows)} rows: {', '.join(map(str, rows[:5]))}{', …' if len(rows) > 5 else ''})"


def _unknown(df, col, known, file, what, where, out):
    """One problem per unknown value of ``df[col]`` (its first row, and how many rows name it), so
    that an id missing from ``where`` gives a message per file and column, not one per row."""
    s = df[col]
    bad = s[s.notna() & ~s.isin(known)]
    for v, rows in bad.groupby(bad, sort=False).groups.items():
        out.append((file, int(rows[0]), col, f"unknown {what} {v!r}: not in {where}{_rows(rows)}"))


def _references(t, files, out):
    ids = set(t.entities["id"])
    for name, cols in (("balance_sheets", ("entity_id",)), ("holdings", ("entity_id",)),
                       ("links", ("from_id", "to_id", "guarantor_id"))):
        for col in cols:
            _unknown(getattr(t, name), col, ids, files[name], "entity id", "entities.csv", out)
    if t.credit_quotes is not None and len(t.credit_quotes):
        _unknown(t.credit_quotes, "entity_id", ids, files["credit_quotes"], "entity id", "entities.csv "
                 "(quotes are kept only for borrowers of the network)", out)
    _unknown(t.schedules, "link_id", set(t.links["link_id"]), files["schedules"], "link id", "links.csv", out)
    kinds = dict(zip(t.entities["id"], t.entities["kind"]))
    for name in ("market_access", "funding_plans"):  # data v3: rows of operating firms only
        df = getattr(t, name, None)
        if df is None or df.empty:
            continue
        _unknown(df, "entity_id", ids, files[name], "entity id", "entities.csv", out)
        kind = df["entity_id"].map(kinds)
        bad = df[kind.notna() & ~kind.isin(OPERATING_KINDS)]
        for v, rows in bad.groupby("entity_id", sort=False).groups.items():
            out.append((files[name], int(rows[0]), "entity_id",
                        f"{v!r} is not an operating firm (kind {kinds[v]!r}); {name}.csv has rows for the kinds "
                        f"{', '.join(OPERATING_KINDS)}{_rows(rows)}"))
    hs = getattr(t, "holder_shares", None)
    if hs is not None and len(hs):
        _unknown(hs, "holder_id", ids, files["holder_shares"], "entity id", "entities.csv", out)
        for row, r in hs.iterrows():
            k = kinds.get(r["holder_id"])
            want = "outside" if r["holder_kind"] in OUTSIDE_HOLDER_KINDS else r["holder_kind"]
            if k is not None and k != want:
                out.append((files["holder_shares"], int(row), "holder_id",
                            f"holder {r['holder_id']!r} is of kind {k!r}; holder kind {r['holder_kind']!r} is held by an "
                            f"entity of kind {want!r}" + (" (households and the rest of the world are in the outside entity)"
                                                          if want == "outside" else "")))
    _financial_capital(t, files, kinds, out)
    if "holders" in t.links:
        known = set(hs["instrument"]) if hs is not None else set()
        _unknown(t.links, "holders", known, files["links"], "holder-share instrument", "holder_shares.csv", out)
        # a split row is named after its holder kind (debt) or its holder entity (equity): each once per instrument
        for kind, col in (("debt", "holder_kind"), ("equity_stake", "holder_id")):
            used = set(t.links.loc[t.links["kind"].eq(kind) & t.links["holders"].notna(), "holders"])
            sub = hs[hs["instrument"].isin(used)]
            for row in sub.index[sub.duplicated(["instrument", col])]:
                out.append((files["holder_shares"], int(row), col,
                            f"instrument {sub.at[row, 'instrument']!r} splits {kind} rows of links.csv, so each {col} "
                            f"appears once in it (got {sub.at[row, col]!r} twice)"))
    n_outside = int((t.entities["kind"] == "outside").sum())
    if n_outside != 1:
        out.append((files["entities"], None, "kind", f"exactly one entity of kind 'outside' is needed, found {n_outside}"))


def _financial_capital(t, files, kinds, out):
    """``financial_capital.csv``: each row names a known entity of a kind the item belongs to, in the
    item's unit; fractions are at most 1; an (entity, item) pair appears once (data/SCHEMA.md)."""
    fc = getattr(t, "financial_capital", None)
    if fc is None or fc.empty:
        return
    file = files["financial_capital"]
    _unknown(fc, "entity_id", set(kinds), file, "entity id", "entities.csv", out)
    seen = {}
    for row, r in fc.iterrows():
        kind = kinds.get(r["entity_id"])
        allowed, unit = FINANCIAL_ITEMS[r["item"]]
        if kind is not None and kind not in allowed:
            out.append((file, int(row), "item", f"{r['item']!r} is an item of {', '.join(allowed)}; "
                                                f"{r['entity_id']!r} is of kind {kind!r}"))
        if r["unit"] != unit:
            out.append((file, int(row), "unit", f"{r['item']!r} is in {unit!r}, got {r['unit']!r}"))
        elif unit == "fraction" and r["value"] > 1:
            out.append((file, int(row), "value", f"{r['item']!r} is a fraction: at most 1, got {r['value']:g}"))
        key = (r["entity_id"], r["item"])
        if key in seen:
            out.append((file, int(row), "item", f"{r['item']!r} of {r['entity_id']!r} is given twice "
                                                f"(also row {seen[key]})"))
        seen.setdefault(key, int(row))


def provenance(name: str, df: pd.DataFrame, file: str) -> list[tuple]:
    """The provenance rules of one table (``data/SCHEMA.md``), checked with the table's own rules:

    * ``source_type`` estimate or reconstruction, or a reconstructed link, is ``estimated=true``;
    * a sourced row (``estimated=false``) quotes in ``source_quote`` the sentence of the cited
      document that states its number (anything computed, split or assumed is estimated);
    * an estimated row says in ``note`` how it was made."""
    out: list[tuple] = []
    if "source_type" not in df or "estimated" not in df or df.empty:
        return out
    sourced = ~df["estimated"].astype(bool)
    must = df["source_type"].isin(ESTIMATED_SOURCE_TYPES)
    if "reconstructed" in df:  # a reconstructed split of a sourced total is estimated too
        must = must | df["reconstructed"].astype(bool)
    for row in df.index[must & sourced]:
        why = f"source_type {df.at[row, 'source_type']!r}"
        if "reconstructed" in df and df.at[row, "reconstructed"]:
            why += " and reconstructed=true"
        out.append((file, int(row), "estimated",
                    f"estimated=false contradicts {why} (estimated is true for {', '.join(ESTIMATED_SOURCE_TYPES)}"
                    + (" and for a reconstructed link)" if "reconstructed" in df else ")")))
    quote = df["source_quote"] if "source_quote" in df else pd.Series(None, index=df.index, dtype=object)
    for row in df.index[sourced & ~must & quote.fillna("").astype(str).str.strip().eq("")]:
        out.append((file, int(row), "source_quote",
                    "a sourced row (estimated=false) needs source_quote: the sentence of the cited document that "
                    "states the number; if the document does not state it (computed, split or assumed), set "
                    "estimated=true and give the method in note"))
    if "note" in df:
        for row in df.index[~sourced & df["note"].isna()]:
            out.append((file, int(row), "note", "an estimated value must say how it was made"))
    return out


_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEARS = re.compile(r"^\d{1,2}(\.\d+)?$")
# A tenor written as a number of years: at most this many.
MAX_TENOR_YEARS = 100.0
CDS_TENOR_YEARS = 5.0


def maturity_of(text) -> tuple[str, object] | None:
    """Parse a ``maturity`` cell of ``credit_quotes.csv``: ``("date", last day it may mean)`` for
    ``YYYY-MM-DD``, ``YYYY-MM`` (end of month) or ``YYYY`` (end of year); ``("years", float)`` for a
    tenor of 1 or 2 digits (``5``, ``5.5``); ``None`` where it is neither (or not a calendar date)."""
    t = str(text).strip()
    try:
        if _DAY.match(t):
            return "date", pd.Timestamp(t)
        if _YEAR_MONTH.match(t):
            return "date", pd.Timestamp(t + "-01") + pd.offsets.MonthEnd(0)
        if _YEAR.match(t):
            return "date", pd.Timestamp(t + "-12-31")
    except ValueError:
        return None
    if _YEARS.match(t) and 0 < float(t) <= MAX_TENOR_YEARS:
        return "years", float(t)
    return None


def credit_quote_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """The rules of ``credit_quotes.csv`` that depend on the instrument (``data/SCHEMA.md``):

    * a spread (``cds_5y``, ``bond_spread``, ``loan_spread``) has a value in bp, at least 1 (a value
      below 1 bp is a fraction or a percent written in the wrong unit: 1.71 % is 171 bp);
    * a ``bond_yield`` has a value that is a fraction in [0, 1] (6.58 % is 0.0658);
    * a ``rating`` row names ``rating`` and ``agency`` and has no value; other rows have no rating,
      agency or outlook;
    * ``maturity`` is a date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``) not before ``as_of``, or a number
      of years (at most 100); a ``cds_5y`` row's maturity, where given, is ``5``."""
    out: list[tuple] = []
    if df.empty:
        return out
    for row, r in df.iterrows():
        inst, v = r["instrument"], r["value"]
        if inst == "rating":
            for col in ("rating", "agency"):
                if pd.isna(r[col]):
                    out.append((file, int(row), col, f"a rating row needs its {col}"))
            if pd.notna(v):
                out.append((file, int(row), "value", f"a rating row has no value (got {num(v)}); the rating goes in "
                            "column rating"))
        else:
            for col in ("rating", "agency", "outlook"):
                if pd.notna(r[col]):
                    out.append((file, int(row), col, f"{col} is for rating rows only (this row is a {inst})"))
            if pd.isna(v):
                out.append((file, int(row), "value", f"value is required for a {inst} quote"))
            elif inst in SPREAD_INSTRUMENTS and v < 1:
                out.append((file, int(row), "value", f"a {inst} is in basis points; {num(v)} bp looks like a fraction "
                            "or a percent (1.71 % is 171 bp)"))
            elif inst == "bond_yield" and v > 1:
                out.append((file, int(row), "value", f"a bond_yield is a fraction in [0, 1] (6.58 % is 0.0658), got {num(v)}"))
        m = r["maturity"]
        if pd.isna(m):
            continue
        parsed = maturity_of(m)
        if parsed is None:
            out.append((file, int(row), "maturity", f"maturity must be a date (YYYY-MM-DD, YYYY-MM or YYYY) or a number "
                        f"of years (at most {MAX_TENOR_YEARS:g}), got {m!r}"))
        elif parsed[0] == "date" and pd.notna(r["as_of"]) and parsed[1] < r["as_of"]:
            out.append((file, int(row), "maturity", f"matures ({m}) before the quote's as_of ({r['as_of'].date()})"))
        elif inst == "cds_5y" and parsed != ("years", CDS_TENOR_YEARS):
            out.append((file, int(row), "maturity", f"a cds_5y quote has a tenor of 5 years (maturity 5 or empty), got {m!r}"))
    return out


def loss_estimate_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """The row rules of ``loss_estimates.csv``: each row states at least one number (a loss range,
    a default rate, a loss given default or the size of the market it applies to), and
    ``high_usd_bn`` is not below ``low_usd_bn``."""
    out: list[tuple] = []
    numbers = ["low_usd_bn", "high_usd_bn", "default_rate", "loss_given_default", "market_size_usd_bn"]
    for row, r in df.iterrows():
        if r[numbers].isna().all():
            out.append((file, int(row), "low_usd_bn", f"an estimate states at least one of {', '.join(numbers)}"))
        if pd.notna(r["low_usd_bn"]) and pd.notna(r["high_usd_bn"]) and r["high_usd_bn"] < r["low_usd_bn"]:
            out.append((file, int(row), "high_usd_bn", f"high {num(r['high_usd_bn'])} is below low {num(r['low_usd_bn'])}"))
    return out


def contract_type_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """The rules of ``links.csv``'s ``contract_type`` column (data v3; the column may be absent):

    * every commitment names its type, and only commitments have one;
    * a ``letter_of_intent`` or a ``revenue_share`` binds nothing (``take_or_pay`` 0): the first
      happens only if the buyer deploys, the second follows the buyer's revenue."""
    out: list[tuple] = []
    if "contract_type" not in df or df.empty:
        return out
    com = df["kind"].eq("commitment")
    typ = df["contract_type"]
    for row in df.index[com & typ.isna()]:
        out.append((file, int(row), "contract_type", f"a commitment needs its contract_type (one of {', '.join(CONTRACT_TYPES)})"))
    for row in df.index[~com & typ.notna()]:
        out.append((file, int(row), "contract_type", f"contract_type is only for commitments (this row is a "
                    f"{df.at[row, 'kind']} link, got {typ.at[row]!r})"))
    top = df["take_or_pay"] if "take_or_pay" in df else pd.Series(np.nan, index=df.index)
    for row in df.index[com & typ.isin(UNBINDING_TYPES) & top.fillna(0).gt(0)]:
        out.append((file, int(row), "take_or_pay", f"a {typ.at[row]} binds nothing: take_or_pay must be 0 "
                    f"(got {num(top.at[row])}); the {'letter lapses unless the buyer deploys' if typ.at[row] == 'letter_of_intent' else 'share follows the buyer revenue'} (usage_share)"))
    return out


def _duplicates(df: pd.DataFrame, cols: list[str], file: str, what: str) -> list[tuple]:
    """One problem per repeated key: the later row, naming the first."""
    out: list[tuple] = []
    key = df[cols].astype(str).agg("|".join, axis=1)
    first: dict[str, int] = {}
    for row, k in key.items():
        if k in first:
            shown = repr(df.at[row, cols[0]]) if len(cols) == 1 else repr(tuple(df.loc[row, cols]))
            out.append((file, int(row), cols[-1], f"duplicate {what} {shown}: also row {first[k]}"))
        else:
            first[k] = int(row)
    return out


def market_access_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """One row per (entity, market) in ``market_access.csv``."""
    return _duplicates(df, ["entity_id", "market"], file, "(entity_id, market)") if not df.empty else []


def funding_plan_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """``funding_plans.csv``: unique ``plan_id``; a window that does not end before it starts."""
    if df.empty:
        return []
    out = _duplicates(df, ["plan_id"], file, "plan_id")
    for row in df.index[df["start"].notna() & df["end"].notna() & (df["end"] < df["start"])]:
        out.append((file, int(row), "end", f"ends ({df.at[row, 'end'].date()}) before it starts ({df.at[row, 'start'].date()})"))
    return out


def holder_share_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """``holder_shares.csv``: one row per (instrument, holder kind), and the shares of each instrument
    add to 1 (within :data:`HOLDER_SHARE_TOL`); reported at the instrument's last row."""
    if df.empty:
        return []
    out = _duplicates(df, ["instrument", "holder_kind", "holder_id"], file, "(instrument, holder_kind, holder_id)")
    for inst, g in df.groupby("instrument", sort=False):
        total = float(g["share"].sum())
        if abs(total - 1.0) > HOLDER_SHARE_TOL:
            out.append((file, int(g.index[-1]), "share", f"the shares of {inst!r} add to {num(total)}, not 1 (rows "
                        f"{', '.join(map(str, g.index[:8]))}); give the share no statistic assigns to holder kind 'outside'"))
    return out


def holders_column_rules(df: pd.DataFrame, file: str) -> list[tuple]:
    """``links.csv``: ``from_id`` and ``to_id`` are required unless ``holders`` names the holder shares
    that split the row at load: then the holder side is empty (``to_id`` of a debt row, ``from_id`` of
    an equity stake: the split names the holders) and the other side is required."""
    out: list[tuple] = []
    h = df["holders"] if "holders" in df else pd.Series(None, index=df.index, dtype=object)
    split = h.notna()
    stake = df["kind"].eq("equity_stake")
    for row in df.index[df["from_id"].isna() & ~(split & stake)]:
        out.append((file, int(row), "from_id", "value is required (or, for the free float of a listed firm whose "
                    "holders are not named, leave it empty and name the holder-share instrument in column holders)"))
    for row in df.index[df["to_id"].isna() & ~(split & ~stake)]:
        out.append((file, int(row), "to_id", "value is required (or, for a debt row whose holders are not named, "
                    "leave it empty and name the holder-share instrument in column holders)"))
    for row in df.index[split & ~stake & df["to_id"].notna()]:
        out.append((file, int(row), "holders", f"a debt row split by holder shares ({h.at[row]!r}) has no to_id (got "
                    f"{df.at[row, 'to_id']!r}): the split names the holders"))
    for row in df.index[split & stake & df["from_id"].notna()]:
        out.append((file, int(row), "holders", f"an equity stake split by holder shares ({h.at[row]!r}) has no from_id "
                    f"(got {df.at[row, 'from_id']!r}): the split names the holders"))
    for row in df.index[split & ~df["kind"].isin(("debt", "equity_stake"))]:
        out.append((file, int(row), "holders", f"holder shares split debt rows and equity stakes only (this row is a "
                    f"{df.at[row, 'kind']} link)"))
    return out


def table_rules(name: str, df: pd.DataFrame, file: str) -> list[tuple]:
    """A table's own rules beyond its schema, checked before any cross-table rule: provenance
    (:func:`provenance`), links' contract types, and the row rules of ``credit_quotes``,
    ``loss_estimates``, ``market_access`` and ``funding_plans``."""
    out = provenance(name, df, file)
    if name == "links":
        out += contract_type_rules(df, file) + holders_column_rules(df, file)
    elif name == "holder_shares":
        out += holder_share_rules(df, file)
    elif name == "credit_quotes":
        out += credit_quote_rules(df, file)
    elif name == "loss_estimates":
        out += loss_estimate_rules(df, file)
    elif name == "market_access":
        out += market_access_rules(df, file)
    elif name == "funding_plans":
        out += funding_plan_rules(df, file)
    return out


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SCALES = (1.0, 1e3, 1e-3, 1e-2)   # as written; tn or m against USD bn; a percent against a fraction


def quote_states(quote: str, value: float, rtol: float = 5e-3) -> bool:
    """Whether ``quote`` writes the number ``value``: as it is, in thousands or millions of the unit
    (``4.9 tn`` for 4,900 USD bn, ``350 m`` for 0.35), or as a percent (``14.3 %`` for 0.143),
    to the quote's rounding (``rtol``). ``1,234.5`` reads as 1234.5."""
    for m in _NUMBER.finditer(str(quote)):
        text = m.group().rstrip(",")
        try:
            x = float(text.replace(",", ""))
        except ValueError:
            continue
        if any(np.isclose(x * s, value, rtol=rtol, atol=0.0) for s in _SCALES):
            return True
    return False


def _items(t, files, out):
    bs, f = t.balance_sheets, files["balance_sheets"]
    have = set(zip(bs["entity_id"], bs["item"]))
    for erow, e in t.entities.iterrows():
        lacking = [item for item in REQUIRED_ITEMS if (e["id"], item) not in have]
        if lacking:  # one message per entity, however many items it lacks
            out.append((f, None, "item", f"entity {e['id']!r} (entities.csv row {erow}) lacks required "
                        f"item{'s' if len(lacking) > 1 else ''} {', '.join(map(repr, lacking))}"))
        if e["listed"] and (e["id"], "market_cap") not in have:
            out.append((f, None, "item", f"listed entity {e['id']!r} lacks item 'market_cap'"))
        if not e["listed"] and e["kind"] in _VALUED_KINDS and (e["id"], "valuation") not in have:
            out.append((f, None, "item", f"unlisted {e['kind']} {e['id']!r} lacks item 'valuation' (last funding round)"))
        if "sells_compute" in str(e["roles"]).split(";"):
            for item in ("compute_capacity", "hardware_life_years"):
                if (e["id"], item) not in have:
                    out.append((f, None, "item", f"compute seller {e['id']!r} lacks item {item!r}"))
    for row, r in bs.iterrows():
        if r["item"] in NONNEG_ITEMS and r["value"] < 0:
            out.append((f, row, "value", f"{r['item']} of {r['entity_id']!r} must be >= 0 (got {num(r['value'])})"))
        if r["item"] in FRACTION_ITEMS and not 0 <= r["value"] <= 1:
            out.append((f, row, "value", f"{r['item']} of {r['entity_id']!r} must be a fraction in [0, 1] (got {num(r['value'])})"))
    shares = bs[bs["item"].isin(AI_SHARE_ITEMS)].groupby("entity_id")["value"].sum()
    for eid, s in shares[shares > 1 + 1e-9].items():
        out.append((f, _row_of(bs, entity_id=eid, item="ai_share_compute"), "value",
                    f"ai_share_* of {eid!r} sum to {num(s)} > 1"))
    mc = bs[bs["item"] == "market_cap"]
    dates = mc["as_of"].dropna().unique()
    if len(dates) > 1:
        common = mc["as_of"].mode().iloc[0]
        for row in mc.index[mc["as_of"] != common]:
            out.append((f, int(row), "as_of", f"market_cap of {mc.at[row, 'entity_id']!r} is dated "
                        f"{mc.at[row, 'as_of'].date()}; every market_cap must share one as_of date ({common.date()})"))
    items = t.items()
    gap = (items["variable_cost_share"] * items["revenue"] + items["sticky_opex"] - items["opex"]).abs()
    for eid, g in gap[gap > 0.02 * np.maximum(items["opex"], 1.0) + 0.05].items():
        out.append((f, _row_of(bs, entity_id=eid, item="sticky_opex"), "value",
                    f"{eid!r}: variable_cost_share x revenue + sticky_opex = "
                    f"{num(items.at[eid, 'variable_cost_share'] * items.at[eid, 'revenue'] + items.at[eid, 'sticky_opex'])} "
                    f"differs from opex {num(items.at[eid, 'opex'])}"))


def _links(t, files, out):
    links, f = t.links, files["links"]
    kinds = dict(zip(t.entities["id"], t.entities["kind"]))
    sched = t.schedules.groupby("link_id")["amount_usd_bn"].sum()
    value = issuer_value(t)
    for row, r in links.iterrows():
        k = r["kind"]
        if r["from_id"] == r["to_id"]:
            out.append((f, row, "to_id", f"self-loop: from_id and to_id are both {r['from_id']!r}; "
                        "a link must join two different entities"))
        for col in _NEEDS[k]:
            if pd.isna(r[col]):
                out.append((f, row, col, f"required for a {k} link"))
        if r["instrument"] not in INSTRUMENTS[k]:
            out.append((f, row, "instrument", f"{r['instrument']!r} is not an instrument of a {k} link "
                        f"(allowed: {', '.join(INSTRUMENTS[k])})"))
        if pd.notna(r["schedule"]) and r["schedule"] not in SCHEDULES[k]:
            out.append((f, row, "schedule", f"{r['schedule']!r} is not a schedule of a {k} link "
                        f"(allowed: {', '.join(SCHEDULES[k]) or 'none'})"))
        if pd.notna(r["start"]) and pd.notna(r["end"]) and r["end"] < r["start"]:
            out.append((f, row, "end", f"ends ({r['end'].date()}) before it starts ({r['start'].date()})"))
        if r["reconstructed"] and pd.isna(r["method"]):
            out.append((f, row, "method", "a reconstructed link must name its method"))
        if k in ("debt", "facility") and r["rate_type"] == "floating" and pd.isna(r["spread"]):
            out.append((f, row, "spread", "a floating-rate tranche needs its spread over the reference rate"))
        if (pd.notna(r["covenant_max_ltv"]) or pd.notna(r["covenant_min_icr"])) and pd.isna(r["cure_quarters"]):
            out.append((f, row, "cure_quarters", "a tranche with a covenant needs its cure period"))
        if pd.notna(r["guarantor_id"]) and r["guarantor_id"] == r["from_id"]:
            out.append((f, row, "guarantor_id", "an entity cannot guarantee its own debt"))
        if k == "facility" and pd.notna(r["limit_usd_bn"]) and r["amount_usd_bn"] > r["limit_usd_bn"] * (1 + 1e-9):
            out.append((f, row, "amount_usd_bn", f"undrawn amount {num(r['amount_usd_bn'])} exceeds the facility "
                        f"limit {num(r['limit_usd_bn'])}"))
        if k == "commitment" and pd.notna(r["take_or_pay"]) and pd.notna(r["usage_share"]) \
                and r["take_or_pay"] + r["usage_share"] > 1 + 1e-9:
            out.append((f, row, "usage_share", f"take_or_pay {num(r['take_or_pay'])} + usage_share "
                        f"{num(r['usage_share'])} exceed 1"))
        if r["schedule"] == "table":
            got = sched.get(r["link_id"])
            if got is None:
                out.append((f, row, "schedule", f"schedule 'table' but schedules.csv has no rows for {r['link_id']!r}"))
            elif abs(got - r["amount_usd_bn"]) > SCHEDULE_TOL * max(r["amount_usd_bn"], 1e-9) + 1e-9:
                out.append((f, row, "amount_usd_bn", f"schedules.csv rows of {r['link_id']!r} sum to {num(got)}, "
                            f"not the link's amount {num(r['amount_usd_bn'])}"))
        if r["schedule"] == "amortising" and pd.notna(r["amort_start"]) and pd.notna(r["end"]) and r["amort_start"] > r["end"]:
            out.append((f, row, "amort_start", "amortisation starts after maturity"))
        if k == "equity_stake" and pd.notna(r["share"]) and pd.notna(r["market_value_usd_bn"]):
            v = value.get(r["to_id"], np.nan)
            if pd.notna(v) and kinds.get(r["to_id"]) != "datacenter_spv":
                want = r["share"] * v
                if abs(r["market_value_usd_bn"] - want) > STAKE_VALUE_TOL * want + 0.05:
                    out.append((f, row, "market_value_usd_bn",
                                f"market value {num(r['market_value_usd_bn'])} is not share {num(r['share'])} x "
                                f"{r['to_id']!r}'s value {num(v)} = {num(want)}"))
    stakes = links[links.kind == "equity_stake"].groupby("to_id")["share"].sum()
    for issuer, s in stakes[stakes >= 1].items():
        rows = links.index[(links.kind == "equity_stake") & (links.to_id == issuer)]
        out.append((f, int(rows[-1]), "share", f"shares of {issuer!r} held in the network sum to {num(s)} >= 1"))


def _balance(t, files, out):
    items, links, f = t.items(), t.links, files["links"]
    bs = t.balance_sheets
    _file_balance(t, files, out)
    liab = items["total_liabilities"] - items["total_debt"]
    for eid, v in liab[liab < -1e-9].items():
        out.append((files["balance_sheets"], _row_of(bs, entity_id=eid, item="total_liabilities"), "value",
                    f"{eid!r}: total_liabilities below total_debt by {num(-v)}"))
    n_file = len(getattr(t, "links_file", None) if getattr(t, "links_file", None) is not None else links)
    claims = in_network_claims(t)
    for eid, v in other_assets(t)[lambda s: s < -1e-6 * np.maximum(items['total_assets'], 1.0) - 1e-9].items():
        mine = links[((links.kind == "debt") & (links.to_id == eid)) | ((links.kind == "equity_stake") & (links.from_id == eid))]
        if claims[eid] > 0 and len(mine):
            row = int(mine["amount_usd_bn"].idxmax())
            out.append((f, row if row <= n_file else None, "amount_usd_bn",
                        f"{eid!r}: claims in the network {num(claims[eid])} (largest link {mine.at[row, 'link_id']!r}: "
                        f"{num(mine.at[row, 'amount_usd_bn'])}) leave total_assets {num(items.at[eid, 'total_assets'])} "
                        f"short by {num(-v)} of cash + holdings + claims"))
        else:
            out.append((files["balance_sheets"], _row_of(bs, entity_id=eid, item="total_assets"), "value",
                        f"{eid!r}: total_assets is {num(-v)} short of cash + holdings + in-network claims"))


def sector_measure(t, kind: str, measure: str) -> tuple[float, dict[str, float]]:
    """The value of a ``sector_totals`` measure for ``kind``: its total over the kind's entities and
    each entity's part (``item:<item>``: the item; ``debt_to:<k>``: debt the kind's entities owe
    lenders of kind k; ``lent_to:<k>``: debt they are owed by borrowers of kind k)."""
    ents = t.entities
    members = list(ents.loc[ents.kind == kind, "id"])
    what, _, arg = measure.partition(":")
    if what == "item":
        items = t.items()
        parts = {e: float(items.at[e, arg]) if arg in items.columns and pd.notna(items.at[e, arg]) else 0.0 for e in members}
    else:
        kinds = dict(zip(ents["id"], ents["kind"]))
        d = t.links[t.links.kind == "debt"]
        if what == "debt_to":
            d = d[d.from_id.isin(members) & d.to_id.map(kinds).eq(arg)]
            parts = d.groupby("from_id")["amount_usd_bn"].sum().reindex(members, fill_value=0.0).to_dict()
        else:
            d = d[d.to_id.isin(members) & d.from_id.map(kinds).eq(arg)]
            parts = d.groupby("to_id")["amount_usd_bn"].sum().reindex(members, fill_value=0.0).to_dict()
    return float(sum(parts.values())), parts


def _sector_totals(t, files, out):
    f = files["sector_totals"]
    for row, r in t.sector_totals.iterrows():
        what, _, arg = r["measure"].partition(":")
        if what == "item" and arg not in REQUIRED_ITEMS:
            out.append((f, row, "measure", f"unknown balance-sheet item {arg!r}"))
            continue
        if what != "item" and arg not in set(t.entities["kind"]) | {"bank", "private_credit", "insurer"}:
            out.append((f, row, "measure", f"unknown entity kind {arg!r}"))
            continue
        total, parts = sector_measure(t, r["kind"], r["measure"])
        if abs(total - r["value_usd_bn"]) > r["tolerance"] * r["value_usd_bn"] + 1e-6:
            out.append((f, row, "value_usd_bn",
                        f"{r['kind']} {r['measure']}: the entities sum to {num(total)}, the public aggregate is "
                        f"{num(r['value_usd_bn'])} (tolerance {num(r['tolerance'])}); parts: "
                        + ", ".join(f"{e} {num(v)}" for e, v in parts.items())))


def _file_balance(t, files, out):
    """Each borrower's debt rows in links.csv do not exceed its ``total_debt`` (before the split of
    the un-itemised rest, which closes the gap)."""
    items, links, f = t.items(), t.links, files["links"]
    debt = links[links.kind == "debt"]
    for eid, d in debt.groupby("from_id")["amount_usd_bn"].sum().items():
        if eid in items.index and d > items.at[eid, "total_debt"] * (1 + 1e-6) + 1e-9:
            mine = debt[debt.from_id == eid]
            row = int(mine["amount_usd_bn"].idxmax())
            out.append((f, row, "amount_usd_bn",
                        f"{eid!r}: in-network debt {num(d)} (largest link {mine.at[row, 'link_id']!r}: "
                        f"{num(mine.at[row, 'amount_usd_bn'])}) exceeds its total_debt {num(items.at[eid, 'total_debt'])} "
                        f"(balance_sheets.csv row {_row_of(t.balance_sheets, entity_id=eid, item='total_debt')})"))


def check_tables(tables, files: dict[str, str]):
    """Check the cross-table rules and apply the holder splits (:mod:`stressgpu.data.holders`):
    the file's links first (references, items, links, debt within total_debt), then the links as
    the model receives them (balance sheets, sector totals). Return the tables with the split
    links (``links_file`` keeps the file's rows); raise :class:`DataError` listing every problem."""
    from dataclasses import replace
    out: list = []
    _references(tables, files, out)
    if not out:  # the rules below assume every reference resolves
        _items(tables, files, out)
        _links(tables, files, out)
    if not out:
        _file_balance(tables, files, out)
    if out:
        raise DataError(out)
    links, schedules = expand_links(tables)
    tables = replace(tables, links=links, schedules=schedules, links_file=tables.links, schedules_file=tables.schedules)
    _balance(tables, files, out)
    _sector_totals(tables, files, out)
    if out:
        raise DataError(out)
    return tables

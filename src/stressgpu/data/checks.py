"""Rules that span tables (``data/SCHEMA.md``): references, completeness, balance-sheet sums.

Each rule appends ``(file, row, column, message)`` problems; all are reported together.
"""
from __future__ import annotations

import pandas as pd

from .errors import DataError
from .schema import MONEY_ITEMS, REQUIRED_ITEMS, SHARE_ITEMS

_NEEDS = {  # columns a link of each kind must fill
    "debt": ("rate", "rate_type", "start", "end"),
    "equity_stake": ("share", "start"),
    "commitment": ("start", "end", "take_or_pay"),
}


def in_network_claims(tables) -> pd.Series:
    """USD bn each entity holds as claims inside the network: loans made plus stakes held."""
    links = tables.links
    lent = links[links.kind == "debt"].groupby("to_id")["amount_usd_bn"].sum()
    held = links[links.kind == "equity_stake"].groupby("from_id")["amount_usd_bn"].sum()
    return lent.add(held, fill_value=0.0).reindex(tables.entities["id"], fill_value=0.0)


def other_assets(tables) -> pd.Series:
    """The derived ``other`` asset class: total assets less cash, listed classes and claims."""
    items = tables.items()
    listed = tables.holdings.groupby("entity_id")["value_usd_bn"].sum().reindex(items.index, fill_value=0.0)
    return items["total_assets"] - items["cash"] - listed - in_network_claims(tables)


def _references(t, files, out):
    ids = set(t.entities["id"])
    for name, cols in (("balance_sheets", ("entity_id",)), ("holdings", ("entity_id",)), ("links", ("from_id", "to_id"))):
        df = getattr(t, name)
        for col in cols:
            for row, v in df[col].items():
                if v not in ids:
                    out.append((files[name], row, col, f"unknown entity id {v!r}"))
    n_outside = int((t.entities["kind"] == "outside").sum())
    if n_outside != 1:
        out.append((files["entities"], None, "kind", f"exactly one entity of kind 'outside' is needed, found {n_outside}"))


def _items(t, files, out):
    bs, f = t.balance_sheets, files["balance_sheets"]
    have = set(zip(bs["entity_id"], bs["item"]))
    for _, e in t.entities.iterrows():
        for item in REQUIRED_ITEMS:
            if (e["id"], item) not in have:
                out.append((f, None, "item", f"entity {e['id']!r} lacks required item {item!r}"))
        if e["listed"] and (e["id"], "market_cap") not in have:
            out.append((f, None, "item", f"listed entity {e['id']!r} lacks item 'market_cap'"))
    for row, r in bs.iterrows():
        if r["item"] in MONEY_ITEMS + ("market_cap", "debt_avg_maturity_years") and r["value"] < 0:
            out.append((f, row, "value", f"{r['item']} of {r['entity_id']!r} must be >= 0 (got {r['value']})"))
        if r["item"] in SHARE_ITEMS + ("debt_avg_rate",) and not 0 <= r["value"] <= 1:
            out.append((f, row, "value", f"{r['item']} of {r['entity_id']!r} must be a fraction in [0, 1] (got {r['value']})"))
    shares = bs[bs["item"].str.startswith("ai_share_")].groupby("entity_id")["value"].sum()
    for eid, s in shares[shares > 1 + 1e-9].items():
        out.append((f, None, "value", f"ai_share_* of {eid!r} sum to {s:.3f} > 1"))


def _links(t, files, out):
    links, f = t.links, files["links"]
    for row, r in links.iterrows():
        if r["from_id"] == r["to_id"]:
            out.append((f, row, "to_id", "a link from an entity to itself"))
        for col in _NEEDS[r["kind"]]:
            if pd.isna(r[col]):
                out.append((f, row, col, f"required for a {r['kind']} link"))
        if pd.notna(r["start"]) and pd.notna(r["end"]) and r["end"] < r["start"]:
            out.append((f, row, "end", "ends before it starts"))
        if r["reconstructed"] and pd.isna(r["method"]):
            out.append((f, row, "method", "a reconstructed link must name its method"))
    stakes = links[links.kind == "equity_stake"].groupby("to_id")["share"].sum()
    for issuer, s in stakes[stakes >= 1].items():
        out.append((f, None, "share", f"shares of {issuer!r} held in the network sum to {s:.3f} >= 1"))


def _balance(t, files, out):
    items = t.items()
    debt = t.links[t.links.kind == "debt"].groupby("from_id")["amount_usd_bn"].sum()
    for eid, d in debt.items():
        if eid in items.index and d > items.at[eid, "total_debt"] + 1e-9:
            out.append((files["balance_sheets"], None, "value",
                        f"{eid!r}: in-network debt {d:.2f} exceeds its total_debt {items.at[eid, 'total_debt']:.2f}"))
    liab = items["total_liabilities"] - items["total_debt"]
    for eid, v in liab[liab < -1e-9].items():
        out.append((files["balance_sheets"], None, "value", f"{eid!r}: total_liabilities below total_debt by {-v:.2f}"))
    for eid, v in other_assets(t)[lambda s: s < -1e-9].items():
        out.append((files["balance_sheets"], None, "value",
                    f"{eid!r}: total_assets is {-v:.2f} short of cash + holdings + in-network claims"))


def check_tables(tables, files: dict[str, str]) -> None:
    """Raise :class:`DataError` listing every cross-table problem (none: return)."""
    out: list = []
    _references(tables, files, out)
    if not out:  # the rules below assume every reference resolves
        _items(tables, files, out)
        _links(tables, files, out)
    if not out:
        _balance(tables, files, out)
    if out:
        raise DataError(out)

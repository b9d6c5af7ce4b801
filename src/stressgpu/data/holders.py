"""Holder splits applied at load time (``data/SCHEMA.md``, ``holder_shares.csv``).

The free float of a listed firm (the part of its equity not held by a named stake or an insider) is
likewise ONE ``equity_stake`` row (``ff_<issuer>``, ``from_id`` empty, ``holders`` naming the firm's
instrument ``free_float_<issuer>``): the loader replaces it by one stake per holder entity
(``ff_<issuer>~<holder_id>``), each with that holder's share of the free float times the row's
``share``, ``amount_usd_bn``, ``market_value_usd_bn`` and ``cost_usd_bn``.

A bond, convertible or ABS whose holders are not named is ONE row of ``links.csv``: its borrower,
its sourced total and the quote, with ``to_id`` empty and ``holders`` naming an instrument of
``holder_shares.csv`` (published shares of the holders of such debt, e.g. the Fed's Financial
Accounts for US corporate bonds). :func:`expand_links` replaces each such row by one row per holder
kind of that instrument (``<link_id>~<holder_kind>``, amount = share x total, the holder entity of
``holder_shares.holder_id``), and splits the row's schedule the same way.

A US operating firm's debt not itemised in ``links.csv`` (``total_debt`` less its debt rows) is split
the same way: its fixed-rate part by the shares of ``corporate_bond``, its floating part
(``debt_floating_share``) by the shares of ``leveraged_loan``, on the firm's average terms (amortised
evenly to twice its average maturity from the balance-sheet date). Only the share that no statistic
assigns stays with ``outside`` as unassigned (the ``outside`` holder kind); the rest of the world
(``foreign``) and households (``household``), which the model keeps in the ``outside`` entity, are
flagged as such in ``method``. A non-US firm's un-itemised debt stays with ``outside``
(``stressgpu.network.build_network``'s residual): no statistic found gives its holders.

The links table the model receives keeps the columns of ``links.csv`` (``holders`` dropped once
applied) and conserves every borrower's total debt: the rows of a split sum to the row they replace.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import OPERATING_KINDS

# Holder kinds the model keeps in the `outside` entity (no entity kind of their own).
OUTSIDE_HOLDER_KINDS = ("household", "foreign", "outside")
# Which holder_shares instrument splits a firm's un-itemised debt: fixed-rate part, floating part.
RESIDUAL_INSTRUMENTS = ("corporate_bond", "leveraged_loan")
# Country of the firms whose un-itemised debt the US statistics split.
RESIDUAL_COUNTRIES = ("US",)
SEP = "~"


def split_rows(row: pd.Series, shares: pd.DataFrame) -> list[dict]:
    """The rows that replace ``row`` (a links row with ``holders`` set): one per holder kind with a
    share > 0, each ``share x amount``; provenance says how."""
    out = []
    stake = row["kind"] == "equity_stake"
    for _, s in shares.iterrows():
        if s["share"] <= 0:
            continue
        f = float(s["share"])
        r = row.to_dict()
        r.update(amount_usd_bn=float(row["amount_usd_bn"]) * f, reconstructed=True,
                 method=f"holder_shares:{s['instrument']}:{s['holder_kind']}", estimated=True,
                 note=_split_note(row, s))
        if stake:  # the free float of a listed firm: each holder entity's part of the issuer's equity
            r.update(link_id=f"{row['link_id']}{SEP}{s['holder_id']}", from_id=s["holder_id"])
            for col in ("share", "market_value_usd_bn", "cost_usd_bn"):
                if col in r and pd.notna(r[col]):
                    r[col] = float(r[col]) * f
        else:
            r.update(link_id=f"{row['link_id']}{SEP}{s['holder_kind']}", to_id=s["holder_id"])
        out.append(r)
    return out


def _split_note(row, s) -> str:
    who = {"foreign": "rest of the world (in the outside entity)", "household": "households (in the outside entity)",
           "outside": "holders no statistic assigns (outside, unassigned)"}.get(s["holder_kind"], s["holder_kind"])
    if row["kind"] == "equity_stake" and s["holder_kind"] != "outside":
        who = f"{s['holder_id']} ({s['holder_kind']})"
    return (f"holder split at load: {float(s['share']):.4g} x {float(row['amount_usd_bn']):.6g} held by {who}, the share "
            f"of {s['instrument']} in holder_shares.csv ({s['source']}); the total is the row "
            f"{row['link_id']} of links.csv" + (f"; {row['note']}" if isinstance(row.get("note"), str) else ""))


def residual_rows(tables, debt: pd.DataFrame, shares: pd.DataFrame) -> list[dict]:
    """Rows splitting each US operating firm's un-itemised debt by the holder shares."""
    ents = tables.entities.set_index("id")
    items = tables.items()
    bs = tables.balance_sheets.set_index(["entity_id", "item"])
    itemised = debt.groupby("from_id")["amount_usd_bn"].sum()
    out = []
    for eid, e in ents.iterrows():
        if e["kind"] not in OPERATING_KINDS or e["country"] not in RESIDUAL_COUNTRIES:
            continue
        total = items.at[eid, "total_debt"]
        rest = float(total) - float(itemised.get(eid, 0.0)) if pd.notna(total) else 0.0
        if rest <= 1e-9:
            continue
        floating = float(np.clip(np.nan_to_num(items.at[eid, "debt_floating_share"]), 0.0, 1.0))
        rate = float(np.nan_to_num(items.at[eid, "debt_avg_rate"]))
        years = float(np.nan_to_num(items.at[eid, "debt_avg_maturity_years"], nan=1.0))
        as_of = bs.at[(eid, "total_debt"), "as_of"]
        end = as_of + pd.DateOffset(months=max(int(round(2 * years * 12)), 3))
        for inst, part, rtype, kind_of_debt in ((RESIDUAL_INSTRUMENTS[0], 1.0 - floating, "fixed", "bond"),
                                                (RESIDUAL_INSTRUMENTS[1], floating, "floating", "term_loan")):
            if part <= 0:
                continue
            for _, s in shares[shares["instrument"] == inst].iterrows():
                if s["share"] <= 0:
                    continue
                amount = rest * part * float(s["share"])
                out.append(dict(
                    link_id=f"undisclosed{SEP}{eid}{SEP}{rtype}{SEP}{s['holder_kind']}", kind="debt", from_id=eid,
                    to_id=s["holder_id"], tranche_id=f"undisclosed{SEP}{eid}{SEP}{rtype}", instrument=kind_of_debt,
                    amount_usd_bn=amount, rate=rate, rate_type=rtype, schedule="amortising", start=as_of, end=end,
                    seniority="senior_unsecured", collateral="none", reconstructed=True,
                    method=f"holder_shares:{inst}:{s['holder_kind']}", as_of=as_of,
                    source=f"balance_sheets.csv total_debt of {eid} less its debt rows in links.csv; holder_shares.csv "
                           f"{inst} ({s['source']})",
                    source_quote=None, source_type="reconstruction", estimated=True,
                    note=(f"debt not itemised in links.csv: {rest:.6g} = total_debt {float(total):.6g} - itemised "
                          f"{float(itemised.get(eid, 0.0)):.6g}; {'floating' if rtype == 'floating' else 'fixed-rate'} part "
                          f"{part:.4g} (debt_floating_share {floating:.4g}) split by the holder shares of {inst}: "
                          f"{float(s['share']):.4g} to {s['holder_kind']}; the firm's average rate, amortised evenly to "
                          f"twice its average maturity ({years:g} years) from the balance-sheet date")))
    return out


def expand_links(tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(links, schedules) with every holder split applied (module docstring). Rows keep the file's
    row number as index where they stand for a file row (a split row: its parent's row, so that
    a problem found later is reported against the row that made it); generated rows for
    un-itemised debt are numbered after the file's rows."""
    links, sched = tables.links, tables.schedules
    shares = tables.holder_shares
    if shares is None or shares.empty:
        shares = pd.DataFrame(columns=["instrument", "holder_kind", "holder_id", "share", "source"])
    holders = links["holders"] if "holders" in links else pd.Series(None, index=links.index, dtype=object)
    rows, index, new_sched = [], [], []
    for row, r in links.iterrows():
        h = holders.at[row]
        if isinstance(h, str) and h:
            parts = split_rows(r, shares[shares["instrument"] == h])
            rows += parts
            index += [row] * len(parts)
            s = sched[sched["link_id"] == r["link_id"]]
            for p in parts:
                frac = p["amount_usd_bn"] / float(r["amount_usd_bn"]) if r["amount_usd_bn"] else 0.0
                for _, srow in s.iterrows():
                    d = srow.to_dict()
                    d.update(link_id=p["link_id"], amount_usd_bn=float(srow["amount_usd_bn"]) * frac, estimated=True,
                             note=f"{frac:.4g} of the schedule of {r['link_id']} (holder split)")
                    new_sched.append(d)
        else:
            rows.append(r.to_dict())
            index.append(row)
    file_debt = links[(links["kind"] == "debt")]
    extra = residual_rows(tables, file_debt, shares) if len(shares) else []
    n = int(links.index.max()) if len(links) else 0
    rows += extra
    index += list(range(n + 1, n + 1 + len(extra)))
    out = pd.DataFrame(rows, index=pd.Index(index))
    out = out.reindex(columns=[c for c in links.columns if c != "holders"])
    for col in links.columns:  # keep the file's dtypes (dates, floats, booleans)
        if col in out and col != "holders":
            try:
                out[col] = out[col].astype(links[col].dtype)
            except (TypeError, ValueError):
                pass
    # Unique index: a split row takes its parent's number, the later parts of one parent are
    # numbered after every other row (the parent's id is in their link_id).
    dup = out.index.duplicated(keep="first")
    if dup.any():
        m = int(out.index.max())
        idx = out.index.to_numpy().copy()
        idx[dup] = np.arange(m + 1, m + 1 + int(dup.sum()))
        out.index = pd.Index(idx)
    if new_sched:
        keep = sched[~sched["link_id"].isin(links.loc[holders.fillna("").astype(bool), "link_id"])]
        add = pd.DataFrame(new_sched)
        add.index = pd.RangeIndex(int(sched.index.max()) + 1, int(sched.index.max()) + 1 + len(add))
        sched = pd.concat([keep, add.reindex(columns=sched.columns)])
    return out, sched

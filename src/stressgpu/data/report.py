"""Coverage report of a network directory: ``python -m stressgpu.data report [DIR]``.

Prints entities and links by kind, where the numbers come from (filing, press, company release,
seed, public aggregate, estimate, reconstruction), the ``as_of`` distribution, the listed firms
whose balance sheets predate 2026, and the sector totals against their public aggregates.
"""
from __future__ import annotations

import pandas as pd

from .checks import num, sector_measure
from .load import Tables, load_tables

SOURCED = ("filing", "press", "company")
CORE = ("cash", "total_assets", "total_liabilities", "total_debt", "book_equity", "revenue")


def _table(df: pd.DataFrame) -> str:
    return df.to_string()


def provenance(t: Tables) -> pd.DataFrame:
    """Share of numbers by source type in each table (a reconstructed link counts as reconstruction)."""
    rows = {}
    for name in ("balance_sheets", "holdings", "links", "schedules", "sector_totals"):
        df = getattr(t, name)
        if df.empty:
            continue
        kind = df["source_type"].copy()
        if "reconstructed" in df:
            kind = kind.where(~df["reconstructed"].astype(bool), "reconstruction")
        rows[name] = kind.value_counts()
    out = pd.DataFrame(rows).fillna(0).astype(int)
    out["all"] = out.sum(axis=1)
    share = (out / out.sum()).round(3)
    return share.T


def report(t: Tables) -> str:
    ents, links, bs = t.entities, t.links, t.balance_sheets
    lines = [f"# Network data report: {t.directory}", "", f"checksum sha256 {t.checksum[:16]}…", ""]
    k = ents.groupby("kind").agg(entities=("id", "size"), aggregates=("aggregate", "sum"))
    lines += [f"## Entities: {len(ents)}", "", _table(k), ""]
    lk = links.groupby(["kind", "source_type"]).size().unstack(fill_value=0)
    lk["reconstructed"] = links.groupby("kind")["reconstructed"].sum()
    lk["total"] = links.groupby("kind").size()
    cite = links["source_type"].isin(SOURCED)
    lines += [f"## Links: {len(links)}", "", _table(lk), "",
              f"links citing a filing, company release or dated press report: {cite.sum()} of {len(links)} ({cite.mean():.0%}); "
              f"of these, lender/holder split reconstructed from the cited total: {(cite & links['reconstructed']).sum()}",
              f"links resting on a public aggregate (sector splits): {(links['source_type'] == 'aggregate').sum()}; "
              f"estimates: {(links['source_type'] == 'estimate').sum()}", ""]
    debt = links[links.kind == "debt"]
    kinds = dict(zip(ents["id"], ents["kind"]))
    lines += ["Debt by lender kind (USD bn, drawn): " + ", ".join(
        f"{k2} {num(v)}" for k2, v in debt.groupby(debt.to_id.map(kinds))["amount_usd_bn"].sum().sort_values(ascending=False).items()),
        "Debt by schedule: " + ", ".join(f"{s} {n}" for s, n in debt["schedule"].value_counts().items()),
        f"Undrawn facilities: {num(links.loc[links.kind == 'facility', 'amount_usd_bn'].sum())} of limits "
        f"{num(links.loc[links.kind == 'facility', 'limit_usd_bn'].sum())}",
        f"Commitments: {num(links.loc[links.kind == 'commitment', 'amount_usd_bn'].sum())} contracted; "
        f"schedule rows beyond 2030: {(t.schedules['date'] > '2030-12-31').sum()}", ""]
    lines += ["## Where the numbers come from (share of rows)", "", _table(provenance(t)), ""]
    q = bs["as_of"].dt.to_period("Q").astype(str).value_counts().sort_index()
    lines += ["## as_of distribution (balance-sheet rows by quarter)", "", _table(q.to_frame("rows")), ""]
    mc = bs[bs["item"] == "market_cap"]["as_of"].unique()
    lines += [f"market_cap dates: {', '.join(str(pd.Timestamp(d).date()) for d in mc)}", ""]
    listed = ents.loc[ents["listed"], "id"]
    core = bs[bs["item"].isin(CORE) & bs["entity_id"].isin(listed)]
    latest = core.groupby("entity_id")["as_of"].max()
    old = latest[latest < "2026-01-01"]
    lines += ["Listed firms whose latest core balance-sheet figure predates 2026: " +
              (", ".join(f"{e} ({d.date()})" for e, d in old.items()) or "none"), ""]
    if not t.sector_totals.empty:
        agg = set(ents.loc[ents["aggregate"], "id"])
        rows = []
        for _, r in t.sector_totals.iterrows():
            total, parts = sector_measure(t, r["kind"], r["measure"])
            named = sum(v for e, v in parts.items() if e not in agg)
            rows.append(dict(sector=r["kind"], measure=r["measure"], public=r["value_usd_bn"], network=round(total, 1),
                             named=round(named, 1), aggregate_remainder=round(total - named, 1), as_of=str(r["as_of"].date()),
                             source=r["source"][:60] + "…"))
        lines += ["## Sector totals against public aggregates", "", _table(pd.DataFrame(rows).set_index(["sector", "measure"])), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import sys

    from .errors import DataError
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "report":
        print("usage: python -m stressgpu.data report [DIR]", file=sys.stderr)
        return 2
    try:
        t = load_tables(args[1] if len(args) > 1 else None)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(report(t))
    return 0

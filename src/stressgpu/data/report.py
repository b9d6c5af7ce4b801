"""Coverage report of a network directory: ``python -m stressgpu.data report [DIR]``.

Opens with a short block of the numbers the README quotes (:func:`summary`): rows and USD amounts
sourced (``estimated=false``, with the document's sentence in ``source_quote``) against estimated,
by table and by kind of amount; the share of links sourced; the named firms whose balance sheet
predates 2026 and the median balance-sheet date. Then entities and links by kind, where the
numbers come from (filing, press, company release, seed, public aggregate, estimate,
reconstruction), the ``as_of`` distribution, the sector totals against their public aggregates, and
the credit market (:func:`credit_section`): per borrower with quotes in ``credit_quotes.csv``, the
quote used, the implied hazard and risk-neutral 5-year default probability
(:mod:`stressgpu.credit_market`) and the latest ratings, with the count of borrowers with quotes.
"""
from __future__ import annotations

import pandas as pd

from .checks import num, sector_measure
from .load import Tables, load_tables
from .schema import ITEMS, OPERATING_KINDS, PROVENANCE_TABLES

SOURCED = ("filing", "press", "company")
CORE = ("cash", "total_assets", "total_liabilities", "total_debt", "book_equity", "revenue")
# Balance-sheet items in USD bn (stocks and flows): what "by USD amount" adds up for balance sheets.
USD_ITEMS = tuple(k for k, unit in ITEMS.items() if unit == "usd_bn")
# A firm's balance-sheet date: the as_of of its total_assets row.
BALANCE_SHEET_DATE_ITEM = "total_assets"
CUTOFF = "2026-01-01"


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


def _split(df: pd.DataFrame, col: str | None = None) -> tuple[float, float]:
    """(sourced, estimated): rows, or the sum of ``col``."""
    sourced = ~df["estimated"].astype(bool)
    if col is None:
        return float(sourced.sum()), float((~sourced).sum())
    return float(df.loc[sourced, col].sum()), float(df.loc[~sourced, col].sum())


def as_written(t: Tables) -> Tables:
    """The tables with ``links`` and ``schedules`` as written in their files (before the holder splits
    the loader applies): what the report counts as sourced or estimated."""
    from dataclasses import replace
    if t.links_file is None:
        return t
    return replace(t, links=t.links_file, schedules=t.schedules_file if t.schedules_file is not None else t.schedules)


def outside_debt(t: Tables) -> dict:
    """USD bn of operating firms' debt owed to the ``outside`` entity as the model receives it, by why:
    ``foreign`` and ``household`` (holder shares a statistic assigns to the rest of the world and to
    households, which the model keeps in ``outside``), ``unassigned`` (the share no statistic assigns),
    ``itemised`` (rows of links.csv to ``outside``: lenders outside the network), ``not_split`` (un-itemised
    debt of firms no statistic found covers: non-US firms, given to ``outside`` by build_network), and
    ``total_debt`` (all operating firms' debt)."""
    from .holders import OUTSIDE_HOLDER_KINDS
    from .schema import OPERATING_KINDS as OPS
    ents = t.entities
    ops = set(ents.loc[ents["kind"].isin(OPS), "id"])
    out_id = ents.loc[ents["kind"] == "outside", "id"].iloc[0]
    d = t.links[(t.links["kind"] == "debt") & t.links["from_id"].isin(ops)]
    method = d["method"].fillna("").astype(str)
    holder = method.where(method.str.startswith("holder_shares:"), "").str.split(":").str[-1]
    to_out = d["to_id"].eq(out_id)
    res = {k: float(d.loc[to_out & holder.eq(k), "amount_usd_bn"].sum()) for k in OUTSIDE_HOLDER_KINDS}
    items = t.items()
    total = float(items.loc[list(ops), "total_debt"].sum())
    in_links = d.groupby("from_id")["amount_usd_bn"].sum().reindex(list(ops), fill_value=0.0)
    gap = (items.loc[list(ops), "total_debt"] - in_links).clip(lower=0.0)
    return dict(foreign=res["foreign"], household=res["household"], unassigned=res["outside"],
                itemised=float(d.loc[to_out & holder.eq(""), "amount_usd_bn"].sum()), not_split=float(gap.sum()),
                not_split_firms={e: float(v) for e, v in gap[gap > 1e-6].items()}, total_debt=total)


def summary(t: Tables) -> dict:
    """The numbers of the report's top block: sourced (quoted) against estimated rows by table, USD
    amounts by kind (links by kind, balance-sheet USD items, holdings), the share of links sourced,
    the named firms whose balance sheet predates 2026 and the median balance-sheet date. Links are
    counted as written in links.csv (a bond's holder split applied by the loader is not a link)."""
    t = as_written(t)
    rows = {name: _split(getattr(t, name)) for name in PROVENANCE_TABLES}
    links, bs = t.links, t.balance_sheets
    usd = {f"links: {k}": _split(links[links.kind == k], "amount_usd_bn")
           for k in ("debt", "facility", "commitment", "equity_stake")}
    usd["balance_sheets: USD items"] = _split(bs[bs["item"].isin(USD_ITEMS)], "value")
    usd["holdings"] = _split(t.holdings, "value_usd_bn")
    named = t.entities.loc[~t.entities["aggregate"], "id"]
    dates = (bs[(bs["item"] == BALANCE_SHEET_DATE_ITEM) & bs["entity_id"].isin(named)]
             .set_index("entity_id")["as_of"].reindex(named).dropna().sort_values())
    cited = links["source_type"].isin(SOURCED)
    return dict(
        rows=rows, usd=usd,
        links_sourced_share=float((~links["estimated"]).mean()) if len(links) else 0.0,
        links_sourced_usd_share=(float(links.loc[~links["estimated"], "amount_usd_bn"].sum() / links["amount_usd_bn"].sum())
                                 if links["amount_usd_bn"].sum() > 0 else 0.0),
        links_citing=int(cited.sum()),
        n_firms=len(dates),
        firms_before_cutoff=[(e, str(d.date())) for e, d in dates[dates < CUTOFF].items()],
        median_balance_sheet_date=str(dates.quantile(0.5, interpolation="lower").date()) if len(dates) else None,
        median_balance_sheet_row_date=str(bs["as_of"].quantile(0.5, interpolation="lower").date()) if len(bs) else None,
    )


def _pct(a: float, b: float) -> str:
    return f"{a / (a + b):.0%}" if a + b else "-"


def top_block(t: Tables) -> str:
    """The short block the README quotes: what is sourced, what is estimated, how old the balance sheets are."""
    s = summary(t)
    out = ["## Summary", "",
           "Sourced = estimated=false, with the sentence of the cited document that states the number in "
           "source_quote; everything computed, split, assumed or not yet quoted is estimated.", "",
           "| table | sourced rows | estimated rows | sourced share |", "| --- | ---: | ---: | ---: |"]
    for name, (a, b) in s["rows"].items():
        out.append(f"| {name} | {a:.0f} | {b:.0f} | {_pct(a, b)} |")
    a, b = map(sum, zip(*s["rows"].values()))
    out += [f"| all | {a:.0f} | {b:.0f} | {_pct(a, b)} |", "",
            "| USD bn | sourced | estimated | sourced share |", "| --- | ---: | ---: | ---: |"]
    for name, (a, b) in s["usd"].items():
        out.append(f"| {name} | {a:,.1f} | {b:,.1f} | {_pct(a, b)} |")
    late = s["firms_before_cutoff"]
    o = outside_debt(t)
    owed = o["foreign"] + o["household"] + o["unassigned"] + o["itemised"] + o["not_split"]
    out += ["",
            f"Operating firms' debt owed to `outside` as the model receives it: {num(owed)} of their total debt "
            f"{num(o['total_debt'])}: rest of the world {num(o['foreign'])} and households {num(o['household'])} (shares "
            f"a statistic assigns, kept in the outside entity), {num(o['unassigned'])} that no statistic assigns (holder kind "
            f"'outside' of holder_shares.csv), {num(o['itemised'])} itemised to lenders outside the network, "
            f"{num(o['not_split'])} not split (un-itemised debt of non-US firms: "
            + ", ".join(f"{e} {num(v)}" for e, v in sorted(o["not_split_firms"].items(), key=lambda x: -x[1])) + ").",
            f"Links sourced: {s['rows']['links'][0]:.0f} of {sum(s['rows']['links']):.0f} ({s['links_sourced_share']:.0%}); "
            f"by amount {s['links_sourced_usd_share']:.0%} (links citing a filing, company release or press report: "
            f"{s['links_citing']}).",
            f"Balance-sheet date ({BALANCE_SHEET_DATE_ITEM} as_of) of the {s['n_firms']} named firms: median "
            f"{s['median_balance_sheet_date']} (all balance-sheet rows: median {s['median_balance_sheet_row_date']}); "
            f"before {CUTOFF}: {len(late)} firms: " + (", ".join(f"{e} ({d})" for e, d in late) or "none") + ".",
            ""]
    return "\n".join(out)


def report(t: Tables) -> str:
    model = t
    t = as_written(t)
    ents, links, bs = t.entities, t.links, t.balance_sheets
    lines = [f"# Network data report: {t.directory}", "", f"checksum sha256 {t.checksum[:16]}…", "", top_block(model)]
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
    debt = model.links[model.links.kind == "debt"]
    if "holders" in links:
        held = links[links["holders"].notna() & links["kind"].eq("debt")]
        floats = links[links["holders"].notna() & links["kind"].eq("equity_stake")]
        parts = debt["link_id"].str.contains("~", regex=False) & ~debt["link_id"].str.startswith("undisclosed~")
        rest = debt["link_id"].str.startswith("undisclosed~")
        stakes = model.links[model.links.kind.eq("equity_stake") & model.links["link_id"].str.contains("~", regex=False)]
        lines += [f"Holder splits applied by the loader (holder_shares.csv): {len(held)} rows of links.csv whose holders are not "
                  f"named (USD {num(held['amount_usd_bn'].sum())} bn) become {int(parts.sum())} links; the un-itemised debt of "
                  f"US operating firms (USD {num(debt.loc[rest, 'amount_usd_bn'].sum())} bn) becomes {int(rest.sum())} links; "
                  f"the free floats of {len(floats)} listed firms (USD {num(floats['amount_usd_bn'].sum())} bn at market value, "
                  f"one row each) become {len(stakes)} equity stakes of their holders.", ""]
    kinds = dict(zip(ents["id"], ents["kind"]))
    lines += ["Debt by lender kind (USD bn, drawn, with the holder splits the loader applies): " + ", ".join(
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
    lines += [funding_section(t), credit_section(t)]
    return "\n".join(lines)


def funding_section(t: Tables) -> str:
    """Data v3: commitments by contract type (count, USD, binding USD = take_or_pay x amount), the firms
    with market-access rows (by market), and funding plans sourced vs estimated by USD (by market)."""
    out = ["## Contracts, market access and funding plans", ""]
    c = t.links[t.links.kind == "commitment"].copy()
    if "contract_type" in c and c["contract_type"].notna().any():
        c["binding"] = c["take_or_pay"] * c["amount_usd_bn"]
        g = c.groupby(c["contract_type"].fillna("(none)")).agg(contracts=("link_id", "size"), usd_bn=("amount_usd_bn", "sum"),
                                                                 binding_usd_bn=("binding", "sum"))
        out += ["Commitments by contract type (binding = take_or_pay x amount):", "", _table(g.round(1)), "",
                f"Binding share of commitments by USD: {c['binding'].sum() / c['amount_usd_bn'].sum():.0%}", ""]
    else:
        out += ["Commitments by contract type: no contract_type column (every commitment untyped).", ""]
    ma = t.market_access if t.market_access is not None else pd.DataFrame()
    ops = t.entities.loc[t.entities["kind"].isin(OPERATING_KINDS), "id"]
    if not ma.empty:
        missing = sorted(set(ops) - set(ma["entity_id"]))
        out += [f"Firms with market access rows: {ma['entity_id'].nunique()} of {len(ops)} operating firms "
                f"({len(ma)} rows, {int((~ma['estimated']).sum())} sourced with a quote); without: " + (", ".join(missing) or "none"),
                "By market: " + ", ".join(f"{m} {n}" for m, n in ma["market"].value_counts().items()), ""]
    else:
        out += ["Firms with market access rows: 0 (no market_access.csv)", ""]
    fp = t.funding_plans if t.funding_plans is not None else pd.DataFrame()
    if not fp.empty:
        a, b = _split(fp, "amount_usd_bn")
        rows, est = _split(fp)
        by = fp.assign(sourced=fp["amount_usd_bn"].where(~fp["estimated"], 0.0),
                       estimated_usd=fp["amount_usd_bn"].where(fp["estimated"], 0.0)).groupby("market")[["sourced", "estimated_usd"]].sum()
        out += [f"Funding plans: {len(fp)} rows for {fp['entity_id'].nunique()} firms, USD {a + b:,.1f} bn: sourced {a:,.1f} "
                f"({rows:.0f} rows), estimated {b:,.1f} ({est:.0f} rows), sourced share by USD {_pct(a, b)}", "",
                _table(by.round(1)), ""]
    else:
        out += ["Funding plans: 0 (no funding_plans.csv)", ""]
    return "\n".join(out)


def _quote_text(r) -> str:
    if r["instrument"] == "bond_yield":
        v = f"{100 * r['value']:.3g} %"
    else:
        v = f"{r['value']:g} bp"
    return v


def credit_section(t: Tables, as_of=None) -> str:
    """The credit-market block of the report: the count of borrowers with quotes, then per borrower
    the quote used (kind, value, date, maturity, row of credit_quotes.csv), the recovery, the credit
    spread, the hazard and the risk-neutral 5-year PD (:func:`stressgpu.credit_market.market_pds`),
    and the latest rating of each agency; then the count of published loss estimates."""
    from ..credit_market import HORIZON_YEARS, RECOVERY, RISK_FREE, market_pds  # JAX only when reported

    q = t.credit_quotes
    out = ["## Credit market: quotes and market-implied default probabilities", ""]
    if q is None or q.empty:
        out += ["No credit_quotes.csv (or no rows): no market-implied PDs.", ""]
    else:
        m = market_pds(q, as_of=as_of)
        with_pd = m["pd"].notna()
        out += [f"Borrowers with quotes: {len(m)} ({int(with_pd.sum())} with a CDS, bond or loan quote giving a PD; "
                f"{int((~with_pd).sum())} with ratings only); {len(q)} quote rows.", "",
                f"PD = 1 − exp(−{HORIZON_YEARS:g} λ), λ = s / (1 − R): risk-neutral (it prices risk and liquidity "
                "premia, so it is above a physical default probability). Quote used: the latest 5-year CDS, else "
                "bond spread or bond yield, else loan margin. R: senior unsecured "
                f"{RECOVERY['senior_unsecured']:g} (ISDA standard CDS), senior secured {RECOVERY['senior_secured']:g} "
                f"(ISDA LCDS first lien), subordinated {RECOVERY['subordinated']:g}; a bond yield less a flat "
                f"risk-free {100 * RISK_FREE:g} %. PD at R = {RECOVERY['senior_unsecured']:g} is given to compare "
                "seniorities.", "",
                "| borrower | quote used | value | as_of | maturity | row | R | spread bp | hazard /yr | PD 5y | "
                f"PD 5y at R={RECOVERY['senior_unsecured']:g} | latest ratings |",
                "| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for _, r in m.iterrows():
            if pd.isna(r["pd"]):
                out.append(f"| {r['entity_id']} | ratings only | | | | | | | | | | {r['ratings']} |")
                continue
            out.append(f"| {r['entity_id']} | {r['instrument']} | {_quote_text(r)} | {r['quote_as_of'].date()} | "
                       f"{r['maturity']} | {r['row']} | {r['recovery']:.2f} | {r['spread_bp']:.0f} | {r['hazard']:.4f} | "
                       f"{r['pd']:.1%} | {r['pd_unsecured']:.1%} | {r['ratings']} |")
        out.append("")
    le = t.loss_estimates
    if le is not None and not le.empty:
        out += [f"Published loss estimates (loss_estimates.csv): {len(le)} rows, by lender kind: " +
                ", ".join(f"{k} {n}" for k, n in le["lender_kind"].value_counts().items()) + ".", ""]
    return "\n".join(out)


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

"""Data v3 (issue 25, item 4): contract types on commitments, market access and funding plans per
operating firm. Every bad input of the new column and tables stops the load with file, row and
column; the embedded data carries them; the build scripts reproduce the committed tables."""
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stressgpu.data import DataError, load_tables

MINI = Path(__file__).parent / "fixtures" / "mini"
EMBEDDED = Path(__file__).parents[1] / "data"
BUILD = EMBEDDED / "build"

PROV = "as_of,source,source_quote,source_type,estimated,note"
MARKET_ACCESS = f"""entity_id,market,evidence,{PROV}
neo,hy_bond,senior notes due 2030,2025-05-21,synthetic release,Neocloud priced 2 bn of senior notes due 2030.,company,false,
neo,private_credit,delayed-draw term loan,2025-07-31,synthetic,,estimate,true,made up for tests
lab,equity_round,Series F,2025-03-31,synthetic,,estimate,true,made up for tests
hyper,ig_bond,senior notes,2025-10-30,synthetic,,estimate,true,made up for tests
"""
FUNDING_PLANS = f"""plan_id,entity_id,market,amount_usd_bn,start,end,{PROV}
p_lab_round,lab,equity_round,20,2026-01-01,2026-12-31,2026-02-01,synthetic release,Labco plans to raise 20 bn in 2026.,company,false,
p_neo_ddtl,neo,private_credit,5,2026-01-01,2027-06-30,2026-01-15,synthetic,,estimate,true,made up for tests
p_hyper_bond,hyper,ig_bond,10,2026-04-01,2026-06-30,2026-03-01,synthetic,,estimate,true,"up to 10, taken as the value"
"""
# commitments of the mini fixture (c1..c5) and the type each gets
TYPES = {"c1": "firm_order", "c2": "cloud_capacity", "c3": "cloud_capacity", "c4": "firm_order", "c5": "cloud_capacity"}


@pytest.fixture
def v3(tmp_path):
    """The mini network with a contract_type column and both new tables."""
    d = tmp_path / "net"
    shutil.copytree(MINI, d)
    links = pd.read_csv(d / "links.csv", dtype=str, keep_default_na=False)
    links.insert(links.columns.get_loc("take_or_pay"), "contract_type", links["link_id"].map(TYPES).fillna(""))
    links.to_csv(d / "links.csv", index=False)
    (d / "market_access.csv").write_text(MARKET_ACCESS)
    (d / "funding_plans.csv").write_text(FUNDING_PLANS)
    return d


def edit(directory, name, fn):
    path = directory / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df).to_csv(path, index=False)


def set_cell(name, row, col, value):
    def fn(df):
        df.loc[row - 1, col] = value
        return df
    return lambda d: edit(d, name, fn)


def append_row(name, **values):
    def fn(df):
        new = {c: "" for c in df.columns}
        new.update(values)
        return pd.concat([df, pd.DataFrame([new])], ignore_index=True)
    return lambda d: edit(d, name, fn)


def copy_row(name, row):
    return lambda d: edit(d, name, lambda df: pd.concat([df, df.iloc[[row - 1]]], ignore_index=True))


def drop_column(name, col):
    return lambda d: edit(d, name, lambda df: df.drop(columns=[col]))


def problems(directory):
    with pytest.raises(DataError) as err:
        load_tables(directory)
    return err.value.problems, str(err.value)


# ------------------------------------------------------------------------------ well-formed
def test_v3_fixture_loads(v3):
    t = load_tables(v3)
    assert list(t.market_access.columns[:3]) == ["entity_id", "market", "evidence"]
    assert len(t.market_access) == 4 and len(t.funding_plans) == 3
    assert t.funding_plans["amount_usd_bn"].sum() == pytest.approx(35.0)
    assert str(t.funding_plans["start"].dtype).startswith("datetime64")
    com = t.links[t.links.kind == "commitment"].set_index("link_id")["contract_type"]
    assert com.to_dict() == TYPES
    assert t.links.loc[t.links.kind != "commitment", "contract_type"].isna().all()


def test_new_tables_are_optional(tmp_path):
    """A user's own network without the new tables (or the column) loads, with empty tables."""
    d = tmp_path / "net"
    shutil.copytree(MINI, d)
    t = load_tables(d)
    assert t.market_access.empty and t.funding_plans.empty
    assert {"entity_id", "market", "evidence"} <= set(t.market_access.columns)
    assert {"plan_id", "entity_id", "market", "amount_usd_bn", "start", "end"} <= set(t.funding_plans.columns)
    assert "contract_type" in t.links.columns and t.links["contract_type"].isna().all()


@pytest.mark.parametrize("name", ["market_access", "funding_plans"])
def test_header_only_optional_table_is_empty(v3, name):
    path = v3 / f"{name}.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    t = load_tables(v3)
    assert getattr(t, name).empty


# ------------------------------------------------------------------------------ bad inputs
CASES = [  # (id, edit, file, row, column, words)
    # contract types on links
    ("contract_type_unknown", set_cell("links", 5, "contract_type", "handshake"), "links.csv", 5, "contract_type",
     ["contract_type must be one of", "letter_of_intent"]),
    ("contract_type_missing", set_cell("links", 7, "contract_type", ""), "links.csv", 7, "contract_type",
     ["a commitment needs its contract_type"]),
    ("contract_type_on_debt", set_cell("links", 1, "contract_type", "lease"), "links.csv", 1, "contract_type",
     ["only for commitments"]),
    ("letter_of_intent_binding", set_cell("links", 7, "contract_type", "letter_of_intent"), "links.csv", 7, "take_or_pay",
     ["letter_of_intent", "binds nothing"]),
    # market_access.csv
    ("access_missing_column", drop_column("market_access", "evidence"), "market_access.csv", None, "evidence",
     ["required column is missing"]),
    ("access_unknown_entity", set_cell("market_access", 2, "entity_id", "ghost"), "market_access.csv", 2, "entity_id",
     ["unknown entity id 'ghost'"]),
    ("access_not_operating", set_cell("market_access", 3, "entity_id", "bank"), "market_access.csv", 3, "entity_id",
     ["not an operating firm", "bank"]),
    ("access_unknown_market", set_cell("market_access", 1, "market", "junk_bond"), "market_access.csv", 1, "market",
     ["market must be one of", "hy_bond"]),
    ("access_duplicate", copy_row("market_access", 2), "market_access.csv", 5, "market",
     ["duplicate (entity_id, market)", "row 2"]),
    ("access_bad_date", set_cell("market_access", 4, "as_of", "30/10/2025"), "market_access.csv", 4, "as_of",
     ["YYYY-MM-DD", "'30/10/2025'"]),
    ("access_sourced_without_quote", set_cell("market_access", 1, "source_quote", ""), "market_access.csv", 1,
     "source_quote", ["needs source_quote"]),
    ("access_no_evidence", set_cell("market_access", 2, "evidence", ""), "market_access.csv", 2, "evidence",
     ["value is required"]),
    # funding_plans.csv
    ("plan_missing_column", drop_column("funding_plans", "amount_usd_bn"), "funding_plans.csv", None, "amount_usd_bn",
     ["required column is missing"]),
    ("plan_negative_amount", set_cell("funding_plans", 2, "amount_usd_bn", "-5"), "funding_plans.csv", 2, "amount_usd_bn",
     ["between 0 and"]),
    ("plan_empty_amount", set_cell("funding_plans", 3, "amount_usd_bn", ""), "funding_plans.csv", 3, "amount_usd_bn",
     ["value is required"]),
    ("plan_unknown_entity", set_cell("funding_plans", 1, "entity_id", "ghost"), "funding_plans.csv", 1, "entity_id",
     ["unknown entity id 'ghost'"]),
    ("plan_not_operating", set_cell("funding_plans", 2, "entity_id", "pc"), "funding_plans.csv", 2, "entity_id",
     ["not an operating firm"]),
    ("plan_duplicate_id", append_row("funding_plans", plan_id="p_neo_ddtl", entity_id="neo", market="hy_bond",
                                     amount_usd_bn="1", start="2026-01-01", end="2026-12-31", as_of="2026-01-01",
                                     source="synthetic", source_type="estimate", estimated="true", note="made up"),
     "funding_plans.csv", 4, "plan_id", ["duplicate plan_id 'p_neo_ddtl'", "row 2"]),
    ("plan_unknown_market", set_cell("funding_plans", 1, "market", "crowdfunding"), "funding_plans.csv", 1, "market",
     ["market must be one of"]),
    ("plan_end_before_start", set_cell("funding_plans", 2, "end", "2025-06-30"), "funding_plans.csv", 2, "end",
     ["ends (2025-06-30) before it starts (2026-01-01)"]),
    ("plan_bad_date", set_cell("funding_plans", 3, "start", "2026-04-01 00:00"), "funding_plans.csv", 3, "start",
     ["YYYY-MM-DD"]),
    ("plan_not_a_day", set_cell("funding_plans", 1, "end", "2026-13-01"), "funding_plans.csv", 1, "end",
     ["not a calendar date"]),
    ("plan_estimated_without_note", set_cell("funding_plans", 2, "note", ""), "funding_plans.csv", 2, "note",
     ["say how"]),
    ("plan_bad_id", set_cell("funding_plans", 1, "plan_id", "Plan 1"), "funding_plans.csv", 1, "plan_id",
     ["[a-z0-9_]+"]),
]


@pytest.mark.parametrize("edit_fn,file,row,col,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_file_row_and_column(v3, edit_fn, file, row, col, words):
    edit_fn(v3)
    probs, msg = problems(v3)
    assert "Traceback" not in msg
    hits = [p for p in probs if p[0].endswith(file) and (row is None or p[1] == row) and p[2] == col]
    assert hits, msg
    text = " ".join(p[3] for p in hits)
    for w in words:
        assert w in text, msg
    if row is not None:
        assert f"row {row}" in msg
    assert f"column {col}" in msg


def test_bad_new_table_blames_only_itself(v3):
    """A bad funding_plans.csv is reported alone, not with messages about the tables it refers to."""
    set_cell("funding_plans", 1, "amount_usd_bn", "-1")(v3)
    probs, msg = problems(v3)
    assert {p[0].rsplit("/", 1)[-1] for p in probs} == {"funding_plans.csv"}, msg


# ------------------------------------------------------------------------------ the embedded data
OPERATING = ("chipmaker", "hyperscaler", "ai_lab", "neocloud", "datacenter_spv", "utility", "investor")


@pytest.fixture(scope="module")
def embedded():
    return load_tables(EMBEDDED)


def test_every_commitment_has_a_type_and_binds_by_it(embedded):
    c = embedded.links[embedded.links.kind == "commitment"]
    assert c["contract_type"].notna().all(), c.loc[c["contract_type"].isna(), "link_id"].tolist()
    loi = c[c.contract_type == "letter_of_intent"]
    assert (loi.take_or_pay == 0).all() and (loi.usage_share == 1).all()
    full = c[c.contract_type.isin(["cloud_capacity", "lease", "firm_order", "power_purchase"])]
    assert (full.take_or_pay + full.usage_share <= 1 + 1e-9).all()
    # binding in full unless the note gives the source's usage-based or cancellable part
    partial = full[full.take_or_pay < 1]
    assert partial["note"].str.contains("contract type").all(), partial.link_id.tolist()
    rs = c[c.contract_type == "revenue_share"]
    assert (rs.usage_share == 1).all()
    # the contracts the brief names
    t = c.set_index("link_id")["contract_type"]
    assert t["c_oai_orcl"] == "cloud_capacity" and t["c_oai_msft"] == "cloud_capacity"
    assert t["c_oai_avgo"] == "letter_of_intent" and t["c_oai_amd"] == "letter_of_intent"
    assert t["c_meta_hyperion"] == "lease" and t["c_amzn_talen"] == "power_purchase"
    assert t["c_oai_msft_revshare"] == "revenue_share" and t["c_amzn_oai_invest"] == "investment"


def test_every_operating_firm_has_market_access(embedded):
    ents = embedded.entities
    ops = set(ents.loc[ents.kind.isin(OPERATING) & ~ents["aggregate"], "id"])  # every named operating firm
    have = set(embedded.market_access["entity_id"])
    assert ops <= have, sorted(ops - have)
    ma = embedded.market_access.set_index(["entity_id", "market"])
    for pair in [("coreweave", "hy_bond"), ("coreweave", "convertible"), ("coreweave", "bank_loan"),
                 ("coreweave", "private_credit"), ("coreweave", "equity_listed"), ("openai", "equity_round"),
                 ("openai", "bank_loan"), ("meta", "ig_bond"), ("meta", "abs")]:
        assert pair in ma.index, pair


def test_funding_plans_cover_the_named_firms(embedded):
    fp = embedded.funding_plans
    for e in ("openai", "anthropic", "xai", "coreweave", "oracle", "meta"):
        assert (fp.entity_id == e).any(), e
    assert (fp["start"] <= fp["end"]).all()
    # plans for 2026-2030: most of the money comes in that window (a few 2025 deals fund the 2026 build)
    in_window = fp.loc[fp["end"] >= "2026-01-01", "amount_usd_bn"].sum()
    assert in_window >= 0.8 * fp["amount_usd_bn"].sum()


@pytest.mark.parametrize("script", ["contract_types.py", "market_access.py", "funding_plans.py"])
def test_build_scripts_reproduce_the_tables(script):
    r = subprocess.run([sys.executable, str(BUILD / script), "--check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_report_counts_the_new_tables(embedded):
    from stressgpu.data.report import report
    text = report(embedded)
    assert "## Contracts, market access and funding plans" in text
    assert "letter_of_intent" in text and "Firms with market access rows:" in text
    assert "Funding plans:" in text


# ------------------------------------------------------------------------------ holder splits at load
HOLDER_SHARES = f"""instrument,holder_kind,holder_id,share,{PROV}
corporate_bond,bank,bank,0.3,2025-12-31,synthetic,,estimate,true,made up for tests
corporate_bond,private_credit,pc,0.3,2025-12-31,synthetic,,estimate,true,made up for tests
corporate_bond,foreign,out,0.3,2025-12-31,synthetic,,estimate,true,made up for tests
corporate_bond,outside,out,0.1,2025-12-31,synthetic,,estimate,true,made up for tests
leveraged_loan,private_credit,pc,0.6,2025-12-31,synthetic,,estimate,true,made up for tests
leveraged_loan,outside,out,0.4,2025-12-31,synthetic,,estimate,true,made up for tests
"""


@pytest.fixture
def held(v3):
    """The v3 mini network with holder_shares.csv and its bond d2 (neo, 5) as one row whose holders
    are not named (to_id empty, holders corporate_bond)."""
    (v3 / "holder_shares.csv").write_text(HOLDER_SHARES)

    def fn(df):
        df.insert(df.columns.get_loc("method") + 1, "holders", "")
        df.loc[df.link_id == "d2", ["to_id", "holders"]] = ["", "corporate_bond"]
        return df
    edit(v3, "links", fn)
    return v3


def _debt_by_borrower(links):
    d = links[links.kind == "debt"]
    return d.groupby("from_id")["amount_usd_bn"].sum()


def test_holder_split_conserves_every_total(held):
    """The links the model receives: each split row's parts add to the row; a US operating firm's
    debt rows add to its total_debt (its un-itemised rest split by the shares, fixed and floating
    parts by their instruments); equity and commitments untouched; the columns of links.csv."""
    t = load_tables(held)
    links, file = t.links, t.links_file
    assert list(links.columns) == [c for c in file.columns if c != "holders"]
    parts = links[links.link_id.str.startswith("d2~")]
    assert set(parts.to_id) == {"bank", "pc", "out"} and parts.amount_usd_bn.sum() == pytest.approx(5.0)
    assert parts.set_index("link_id").amount_usd_bn.to_dict() == pytest.approx(
        {"d2~bank": 1.5, "d2~private_credit": 1.5, "d2~foreign": 1.5, "d2~outside": 0.5})
    assert "d2" not in set(links.link_id) and links.link_id.is_unique
    items = t.items()
    debt = _debt_by_borrower(links)
    for e in ("chip", "hyper", "lab", "neo"):   # US operating firms: all their debt is in links
        assert debt.get(e, 0.0) == pytest.approx(items.at[e, "total_debt"]), e
    # hyper: 60 of debt, 10 % floating: 54 split as bonds, 6 as loans
    rest = links[links.link_id.str.startswith("undisclosed~hyper~")]
    assert rest[rest.rate_type == "fixed"].amount_usd_bn.sum() == pytest.approx(54.0)
    assert rest[rest.rate_type == "floating"].amount_usd_bn.sum() == pytest.approx(6.0)
    for kind in ("equity_stake", "commitment", "facility"):
        a = file[file.kind == kind].groupby("to_id")["amount_usd_bn"].sum()
        b = links[links.kind == kind].groupby("to_id")["amount_usd_bn"].sum()
        pd.testing.assert_series_equal(a, b)
    # a split row's schedule is split with it
    assert set(t.schedules.link_id) <= set(links.link_id)


def test_holder_split_reaches_the_network(held):
    """build_network: each borrower's debt over all its links is its total_debt, and a US operating
    firm owes `outside` only the shares the statistics give the rest of the world or leave unassigned."""
    from stressgpu.network import build_network

    t = load_tables(held)
    net, labels = build_network(t)
    owed = (net.debt_borrower * net.debt_amount[:, None]).sum(0)
    items = t.items()
    for k, e in enumerate(labels.ids):
        assert float(owed[k]) == pytest.approx(items.at[e, "total_debt"], rel=1e-5, abs=1e-5), e
    for e in ("chip", "hyper", "lab", "neo"):  # no residual to `outside` left but float rounding
        k = labels.debt_links.index(f"residual:{e}") if f"residual:{e}" in labels.debt_links else None
        assert k is None or float(net.debt_amount[k]) < 1e-9, e
    out = labels.index("out")
    to_out = [lid for lid, row in zip(labels.debt_links, range(len(labels.debt_links)))
              if float(net.debt_lender[row, out]) == 1 and float(net.debt_amount[row]) > 0]
    assert to_out and all(lid.rsplit("~", 1)[-1] in ("foreign", "outside") for lid in to_out if not lid.startswith("residual:")), to_out


def test_embedded_operating_debt_owed_to_outside_is_only_what_no_statistic_assigns(embedded):
    """Issue 25: an operating firm's debt owed to `outside` is only the rest of the world's and
    households' shares (kept in the outside entity), the share no statistic assigns, lenders outside
    the network named in links.csv, and the un-itemised debt of non-US firms (no statistic found)."""
    from stressgpu.data.report import outside_debt

    ents = embedded.entities.set_index("id")
    links = embedded.links
    ops = ents.index[ents.kind.isin(OPERATING)]
    d = links[(links.kind == "debt") & links.from_id.isin(ops) & links.to_id.eq("outside")]
    split = d.method.fillna("").str.startswith("holder_shares:")
    assert set(d.loc[split, "method"].str.rsplit(":", n=1).str[-1]) <= {"foreign", "household", "outside"}
    assert set(d.loc[~split, "instrument"]) <= {"vendor_loan"}, d.loc[~split, "link_id"].tolist()
    o = outside_debt(embedded)
    assert set(o["not_split_firms"]) <= set(ents.index[ents.country != "US"])
    # the statistic's unassigned share of bonds (holder_shares corporate_bond 'outside') bounds what is left
    hs = embedded.holder_shares.set_index(["instrument", "holder_kind"])["share"]
    assert o["unassigned"] <= (hs["corporate_bond", "outside"] + hs["leveraged_loan", "outside"]) * o["total_debt"]
    # the file's own rows: one row per bond whose holders are not named, none split by hand
    f = embedded.links_file
    ops_debt = (f.kind == "debt") & f.from_id.isin(ops)
    assert not f.link_id.str.contains("_outside$|_insurers_other$|_asset_managers_other$", regex=True)[ops_debt].any()
    assert (f.holders.notna() == f.to_id.isna())[f.kind == "debt"].all()
    assert (f.holders.notna() == f.from_id.isna())[f.kind == "equity_stake"].all()


def test_embedded_split_conserves_totals(embedded):
    f, m = embedded.links_file, embedded.links
    for kind in ("debt", "equity_stake", "commitment", "facility"):
        by = "to_id" if kind == "equity_stake" else "from_id"   # a free float's holders are named by the split
        a = f[f.kind == kind].groupby(by)["amount_usd_bn"].sum()
        b = m[(m.kind == kind) & ~m.link_id.str.startswith("undisclosed~")].groupby(by)["amount_usd_bn"].sum()
        pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), check_exact=False, rtol=1e-9)
    items = embedded.items()
    ents = embedded.entities.set_index("id")
    us_ops = ents.index[ents.kind.isin(OPERATING) & ents.country.eq("US")]
    debt = _debt_by_borrower(m)
    for e in us_ops:
        assert debt.get(e, 0.0) == pytest.approx(items.at[e, "total_debt"], rel=1e-9, abs=1e-9), e


HOLDER_CASES = [  # (id, edit, file, row, column, words)
    ("shares_missing_column", drop_column("holder_shares", "holder_id"), "holder_shares.csv", None, "holder_id",
     ["required column is missing"]),
    ("shares_negative", set_cell("holder_shares", 2, "share", "-0.3"), "holder_shares.csv", 2, "share", ["fraction in [0, 1]"]),
    ("shares_not_adding_up", set_cell("holder_shares", 1, "share", "0.5"), "holder_shares.csv", 4, "share",
     ["shares of 'corporate_bond' add to 1.2, not 1"]),
    ("shares_empty_share", set_cell("holder_shares", 5, "share", ""), "holder_shares.csv", 5, "share", ["value is required"]),
    ("shares_unknown_entity", set_cell("holder_shares", 2, "holder_id", "ghost"), "holder_shares.csv", 2, "holder_id",
     ["unknown entity id 'ghost'"]),
    ("shares_wrong_kind", set_cell("holder_shares", 1, "holder_id", "pc"), "holder_shares.csv", 1, "holder_id",
     ["kind 'private_credit'", "holder kind 'bank'"]),
    ("shares_foreign_not_outside", set_cell("holder_shares", 3, "holder_id", "bank"), "holder_shares.csv", 3, "holder_id",
     ["outside entity"]),
    ("shares_unknown_kind", set_cell("holder_shares", 2, "holder_kind", "hedge_fund"), "holder_shares.csv", 2,
     "holder_kind", ["holder_kind must be one of"]),
    ("shares_duplicate", copy_row("holder_shares", 2), "holder_shares.csv", 7, "holder_id",
     ["duplicate (instrument, holder_kind, holder_id)", "row 2"]),
    ("shares_bad_date", set_cell("holder_shares", 6, "as_of", "31/12/2025"), "holder_shares.csv", 6, "as_of",
     ["YYYY-MM-DD", "'31/12/2025'"]),
    ("shares_sourced_without_quote", set_cell("holder_shares", 1, "estimated", "false"), "holder_shares.csv", 1,
     "estimated", ["contradicts source_type 'estimate'"]),
    ("links_unknown_holders", set_cell("links", 2, "holders", "munis"), "links.csv", 2, "holders",
     ["unknown holder-share instrument 'munis'"]),
    ("links_holders_with_lender", set_cell("links", 2, "to_id", "bank"), "links.csv", 2, "holders", ["has no to_id"]),
    ("links_no_lender", set_cell("links", 1, "to_id", ""), "links.csv", 1, "to_id", ["value is required", "holders"]),
    ("links_holders_on_stake", set_cell("links", 4, "holders", "corporate_bond"), "links.csv", 4, "holders",
     ["an equity stake split by holder shares", "has no from_id"]),
]


@pytest.mark.parametrize("edit_fn,file,row,col,words", [c[1:] for c in HOLDER_CASES], ids=[c[0] for c in HOLDER_CASES])
def test_bad_holder_input_names_file_row_and_column(held, edit_fn, file, row, col, words):
    test_bad_input_names_file_row_and_column(held, edit_fn, file, row, col, words)


def test_holder_shares_header_only_or_missing(held):
    """holder_shares.csv is optional: absent or header only, nothing is split, and a row that names
    holder shares is then an error naming links.csv, its row and column."""
    path = held / "holder_shares.csv"
    text = path.read_text()
    path.write_text("")  # an empty file (no header) is an error naming it
    probs, msg = problems(held)
    assert any(p[0].endswith("holder_shares.csv") and "empty file" in p[3] for p in probs), msg
    path.write_text(text.splitlines()[0] + "\n")
    probs, msg = problems(held)
    assert any(p[0].endswith("links.csv") and p[1] == 2 and p[2] == "holders" for p in probs), msg
    path.unlink()
    probs, msg = problems(held)
    assert any(p[0].endswith("links.csv") and p[1] == 2 and p[2] == "holders" for p in probs), msg

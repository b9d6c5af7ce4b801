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

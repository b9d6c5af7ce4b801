"""Credit-market quotes and loss estimates (issue 25 item 4, issue 28 item 1): the loader's rules
for ``credit_quotes.csv`` and ``loss_estimates.csv`` (bad quotes stop with file, row and column)."""
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stressgpu.data import DataError, load_tables

ROOT = Path(__file__).parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"
EMBEDDED = ROOT / "data"

QUOTE_COLS = ["entity_id", "instrument", "value", "rating", "agency", "outlook", "maturity", "seniority", "as_of",
              "source", "source_type", "source_quote", "note"]
SRC = "Test source (Publisher, 2025-12-05) https://example.org/a"
QUOTES = [  # valid quotes on the mini network's firms (row numbers below are 1-based data rows)
    dict(entity_id="neo", instrument="cds_5y", value="600", maturity="5", seniority="senior_unsecured",
         as_of="2025-12-05", source_quote="Neo's five-year CDS rose to 600 bp."),
    dict(entity_id="neo", instrument="rating", rating="BB-", agency="Fitch", outlook="positive", as_of="2025-05-19",
         source_quote="Fitch assigned Neo a BB- rating; the outlook is positive."),
    dict(entity_id="hyper", instrument="bond_yield", value="0.0658", maturity="2035-10-01",
         seniority="senior_unsecured", as_of="2025-10-21", source_quote="The 2035 notes yield 6.58%."),
    dict(entity_id="lab", instrument="loan_spread", value="250", maturity="4", seniority="senior_secured",
         as_of="2025-10-24", source_quote="The loan pays 2.5 percentage points over SOFR."),
    dict(entity_id="hyper", instrument="bond_spread", value="120", maturity="2030", as_of="2025-09-01",
         source_quote="The notes priced 1.2 percentage points over Treasuries."),
]
LOSS_COLS = ["estimate_id", "lender_kind", "low_usd_bn", "high_usd_bn", "default_rate", "loss_given_default",
             "market_size_usd_bn", "scenario", "as_of", "source", "source_type", "source_quote", "note"]
LOSSES = [
    dict(estimate_id="test_2026_pc", lender_kind="private_credit", default_rate="0.13", market_size_usd_bn="1700",
         scenario="aggressive AI disruption", as_of="2026-02-02", source_quote="Defaults could reach 13%."),
    dict(estimate_id="test_2025_bonds", lender_kind="bondholders", low_usd_bn="1.35", high_usd_bn="1.35",
         scenario="realised paper loss", as_of="2025-12-15", source_quote="a paper loss of about $1.35 billion"),
]


def _write(path: Path, cols, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: "" for c in cols} | dict(source=SRC, source_type="press") | r)


@pytest.fixture
def net(tmp_path):
    """The mini network with a valid credit_quotes.csv and loss_estimates.csv."""
    d = tmp_path / "net"
    shutil.copytree(MINI, d)
    _write(d / "credit_quotes.csv", QUOTE_COLS, QUOTES)
    _write(d / "loss_estimates.csv", LOSS_COLS, LOSSES)
    return d


def edit_quotes(d, row, table="credit_quotes", **values):
    """Set columns of data row ``row`` (1-based) of ``table``; ``drop=`` removes a column."""
    path = d / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col, v in values.items():
        df.loc[row - 1, col] = v
    df.to_csv(path, index=False)


def problems(d):
    with pytest.raises(DataError) as err:
        load_tables(d)
    return err.value.problems, str(err.value)


def blames(probs, file, row, col) -> bool:
    return any(f.endswith(file) and r == row and c == col for f, r, c, _ in probs)


@pytest.fixture(scope="module")
def embedded():
    return load_tables(EMBEDDED)


# --------------------------------------------------------------------------- loader
def test_valid_quotes_load(net):
    t = load_tables(net)
    q = t.credit_quotes
    assert len(q) == len(QUOTES) and list(q.index) == [1, 2, 3, 4, 5]
    assert q["value"].dtype == float and str(q["as_of"].dtype).startswith("datetime64")
    assert np.isnan(q.at[2, "value"]) and q.at[2, "rating"] == "BB-"
    assert len(t.loss_estimates) == 2 and t.loss_estimates.at[1, "default_rate"] == 0.13


def test_absent_tables_are_empty_frames_with_their_columns():
    t = load_tables(MINI)
    assert t.credit_quotes.empty and t.loss_estimates.empty
    assert {"entity_id", "instrument", "value", "as_of", "source_quote"} <= set(t.credit_quotes.columns)
    assert {"estimate_id", "lender_kind", "low_usd_bn", "as_of"} <= set(t.loss_estimates.columns)


BAD_QUOTES = [  # (row, edits, column blamed, words of the message)
    (1, dict(as_of=""), "as_of", "required"),                                       # missing date
    (1, dict(as_of="05/12/2025"), "as_of", "YYYY-MM-DD"),
    (1, dict(value="-50"), "value", "between 0"),                                   # negative spread
    (4, dict(value="-0.01"), "value", "between 0"),
    (1, dict(value="inf"), "value", "non-finite"),
    (3, dict(source_quote=""), "source_quote", "required"),                         # missing quote
    (3, dict(source=""), "source", "required"),
    (3, dict(instrument="equity_price"), "instrument", "cds_5y"),
    (1, dict(value=""), "value", "required for a cds_5y"),
    (5, dict(value="0.012"), "value", "basis points"),                              # a spread written as a fraction
    (3, dict(value="6.58"), "value", "fraction"),                                   # a yield written as a percent
    (2, dict(agency=""), "agency", "rating row"),
    (2, dict(value="3"), "value", "no value"),
    (2, dict(outlook="sideways"), "outlook", "stable"),
    (3, dict(rating="AA"), "rating", "rating rows only"),
    (3, dict(maturity="next year"), "maturity", "number of years"),
    (3, dict(maturity="2024-06-30"), "maturity", "before"),
    (1, dict(maturity="10"), "maturity", "5 years"),
    (4, dict(seniority="junior"), "seniority", "senior_secured"),
]


@pytest.mark.parametrize("row, edits, col, words", BAD_QUOTES,
                         ids=[f"row{r}-{'-'.join(f'{k}={v}' for k, v in e.items())}" for r, e, _, _ in BAD_QUOTES])
def test_bad_quote_stops_with_file_row_column(net, row, edits, col, words):
    edit_quotes(net, row, **edits)
    probs, msg = problems(net)
    assert blames(probs, "credit_quotes.csv", row, col), msg
    assert words in msg, msg


def test_unknown_firm_stops_with_file_row_column(net):
    edit_quotes(net, 4, entity_id="applied_digital")
    probs, msg = problems(net)
    assert blames(probs, "credit_quotes.csv", 4, "entity_id"), msg
    assert "unknown entity id 'applied_digital'" in msg and "entities.csv" in msg


def test_the_embedded_quote_outside_the_network_is_refused(tmp_path):
    """The builder dropped Applied Digital (not an entity); written back, the loader names it."""
    d = tmp_path / "data"
    shutil.copytree(EMBEDDED, d, ignore=shutil.ignore_patterns("build"))
    path = d / "credit_quotes.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = df.iloc[[0]].assign(entity_id="applied_digital", instrument="bond_yield", value="0.07", rating="",
                                agency="", outlook="", maturity="2031", seniority="senior_secured", as_of="2026-06-09")
    pd.concat([df, extra], ignore_index=True).to_csv(path, index=False)
    probs, msg = problems(d)
    assert blames(probs, "credit_quotes.csv", len(df) + 1, "entity_id"), msg


@pytest.mark.parametrize("row, edits, col, words", [
    (2, dict(high_usd_bn="1.0"), "high_usd_bn", "below low"),
    (1, dict(lender_kind="hedge_funds"), "lender_kind", "private_credit"),
    (1, dict(default_rate="1.3"), "default_rate", "[0, 1]"),
    (1, dict(default_rate="", market_size_usd_bn=""), "low_usd_bn", "at least one"),
    (2, dict(source_quote=""), "source_quote", "required"),
    (2, dict(as_of=""), "as_of", "required"),
])
def test_bad_loss_estimate_stops_with_file_row_column(net, row, edits, col, words):
    edit_quotes(net, row, table="loss_estimates", **edits)
    probs, msg = problems(net)
    assert blames(probs, "loss_estimates.csv", row, col), msg
    assert words in msg, msg


def test_embedded_quotes_load(embedded):
    q, ids = embedded.credit_quotes, set(embedded.entities["id"])
    assert len(q) == 72 and set(q["entity_id"]) <= ids and "applied_digital" not in set(q["entity_id"])
    assert q["source_quote"].str.len().gt(0).all() and q["as_of"].notna().all()
    assert len(embedded.loss_estimates) == 14


@pytest.mark.parametrize("builder, table", [("credit_quotes.py", "credit_quotes.csv"),
                                            ("loss_estimates.py", "loss_estimates.csv")])
def test_builders_write_what_the_data_holds(tmp_path, builder, table):
    (tmp_path / "build").mkdir()
    shutil.copy(EMBEDDED / "build" / builder, tmp_path / "build" / builder)
    subprocess.run([sys.executable, str(tmp_path / "build" / builder)], check=True, capture_output=True)
    assert (tmp_path / table).read_bytes() == (EMBEDDED / table).read_bytes()


def test_checksum_covers_the_quotes(net):
    before = load_tables(net).checksum
    edit_quotes(net, 1, value="610")
    assert load_tables(net).checksum != before

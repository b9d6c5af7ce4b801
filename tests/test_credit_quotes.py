"""Credit-market quotes and loss estimates (issue 25 item 4, issue 28 item 1): the loader's rules
for ``credit_quotes.csv`` and ``loss_estimates.csv`` (bad quotes stop with file, row and column),
the market-implied default probabilities of :mod:`stressgpu.credit_market` (the formula by hand,
the quote chosen, the ordering the market shows), and the data report's credit block."""
import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stressgpu.credit_market import (RECOVERY, cumulative_pd, hazard_rate, implied_pd, market_pds, risk_free_yield,
                                     spread_from_yield)
from stressgpu.data import DataError, load_tables
from stressgpu.data.report import credit_section, report

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
    assert market_pds(t.credit_quotes).empty
    assert "no market-implied PDs" in credit_section(t)


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


# --------------------------------------------------------------------------- market-implied PDs
def test_formula_by_hand_cds():
    # CDS 600 bp at R = 0.4: λ = 0.06 / 0.6 = 0.1 a year; PD(5y) = 1 − e^−0.5
    assert float(hazard_rate(600.0, 0.4)) == pytest.approx(0.1, rel=1e-12)
    assert float(cumulative_pd(0.1, 5.0)) == pytest.approx(1 - math.exp(-0.5), rel=1e-12)
    assert float(cumulative_pd(0.1, 5.0)) == pytest.approx(0.3935, abs=5e-5)


def test_formula_by_hand_bond_yield():
    # 6.58 % over a 4.58 % risk-free = 200 bp; R = 0.4: λ = 0.02 / 0.6; PD(5y) = 1 − e^(−5/30)
    s = float(spread_from_yield(0.0658, 10.0, 0.0458))
    assert s == pytest.approx(200.0, rel=1e-9)
    lam, pd5 = implied_pd(s, 0.4)
    assert float(lam) == pytest.approx(0.02 / 0.6, rel=1e-9)
    assert float(pd5) == pytest.approx(1 - math.exp(-5 * 0.02 / 0.6), rel=1e-9)
    assert float(pd5) == pytest.approx(0.1535, abs=5e-5)
    # secured (R = 0.7): the same spread gives twice the hazard
    assert float(hazard_rate(s, RECOVERY["senior_secured"])) == pytest.approx(2 * float(lam), rel=1e-9)
    # a curve is interpolated in the tenor, flat beyond its ends; a yield under it gives no spread
    curve = ((2.0, 10.0, 30.0), (0.035, 0.042, 0.048))
    assert float(risk_free_yield(20.0, curve)) == pytest.approx(0.045)
    assert float(risk_free_yield(50.0, curve)) == pytest.approx(0.048)
    assert float(hazard_rate(spread_from_yield(0.03, 5.0, 0.04), 0.4)) == 0.0


def test_the_quote_used(net):
    m = market_pds(load_tables(net).credit_quotes).set_index("entity_id")
    # neo: the CDS; R = 0.4 (ISDA standard) -> the hand-worked 600 bp case
    assert m.at["neo", "instrument"] == "cds_5y" and m.at["neo", "pd"] == pytest.approx(1 - math.exp(-0.5))
    assert m.at["neo", "ratings"] == "Fitch BB- positive 2025-05-19"
    # hyper: no CDS; the latest of its bond quotes (the yield of 2025-10-21, not the spread of 2025-09-01)
    assert m.at["hyper", "instrument"] == "bond_yield" and m.at["hyper", "row"] == 3
    assert m.at["hyper", "spread_bp"] == pytest.approx(658 - 400, rel=1e-9)   # less the flat 4 %
    # lab: a secured loan margin, at R = 0.7
    assert m.at["lab", "instrument"] == "loan_spread" and m.at["lab", "recovery"] == 0.7
    assert m.at["lab", "hazard"] == pytest.approx(0.025 / 0.3)
    # before the CDS date, neo's only quote is its rating: listed, with no PD
    early = market_pds(load_tables(net).credit_quotes, as_of="2025-11-30").set_index("entity_id")
    assert np.isnan(early.at["neo", "pd"]) and early.at["neo", "ratings"].startswith("Fitch BB-")


def test_market_ordering_late_2025(embedded):
    """Late 2025 the market priced CoreWeave's default far above Oracle's, and Oracle's above
    Microsoft's (5-year CDS: CoreWeave ~643 bp on 2025-12-05, Bloomberg; Oracle 151 bp on
    2025-12-12, ICE; Microsoft ~34 bp in mid-November, S&P Global), as the ratings say (B+/BB-,
    BBB, AAA); Oracle also above the other hyperscalers (Meta 45, Alphabet and Amazon 38 bp)."""
    m = market_pds(embedded.credit_quotes, as_of="2025-12-31").set_index("entity_id")
    for e in ("coreweave", "oracle", "microsoft", "meta", "alphabet", "amazon"):
        assert m.at[e, "instrument"] == "cds_5y" and m.at[e, "quote_as_of"] >= pd.Timestamp("2025-10-01"), e
    assert m.at["coreweave", "value"] == pytest.approx(642.965) and m.at["oracle", "value"] == pytest.approx(151.3)
    assert m.at["coreweave", "pd"] > m.at["oracle", "pd"] > m.at["microsoft", "pd"]
    assert m.at["oracle", "pd"] > max(m.at[e, "pd"] for e in ("meta", "alphabet", "amazon", "microsoft"))
    assert 0.3 < m.at["coreweave", "pd"] < 0.5 and 0.1 < m.at["oracle", "pd"] < 0.15 and m.at["microsoft", "pd"] < 0.05
    assert ((m["pd"].dropna() > 0) & (m["pd"].dropna() < 1)).all()


def test_report_lists_the_borrowers_with_quotes(embedded):
    """18 borrowers have quotes; 13 of them a CDS, bond or loan quote that gives a PD (the other 5:
    ratings only) -- at least 12 with a PD, as issue 28 asks."""
    m = market_pds(embedded.credit_quotes)
    assert len(m) == embedded.credit_quotes["entity_id"].nunique() == 18
    assert int(m["pd"].notna().sum()) == 13 >= 12
    text = report(embedded)
    block = text[text.index("## Credit market"):]
    assert "Borrowers with quotes: 18 (13 with a CDS, bond or loan quote giving a PD; 5 with ratings only)" in block
    rows = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith(("| borrower", "| ---"))]
    assert {line.split(" | ")[0][2:] for line in rows} == set(m["entity_id"])
    assert "| oracle | cds_5y | 151.3 bp | 2025-12-12 |" in block and "| microsoft | cds_5y | 34 bp | 2025-11-18 |" in block
    assert "risk-neutral" in block and "Published loss estimates (loss_estimates.csv): 14 rows" in block


def test_report_command_prints_the_credit_block():
    out = subprocess.run([sys.executable, "-m", "stressgpu.data", "report"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "## Credit market: quotes and market-implied default probabilities" in out.stdout
    assert "| coreweave | cds_5y |" in out.stdout and out.stderr == ""


# --------------------------------------------------------------------------- the credit calibration's input
@pytest.mark.parametrize("row, edits, col", [
    (1, dict(as_of=""), "as_of"),                          # missing date
    (1, dict(value="-50"), "value"),                       # negative spread
    (4, dict(entity_id="applied_digital"), "entity_id"),   # unknown firm
], ids=["missing-date", "negative-spread", "unknown-firm"])
def test_credit_calibration_stops_on_a_bad_quote_naming_file_row_column(net, tmp_path, row, edits, col):
    """``mode=calibrate calibrate.target=credit`` stops before any work or write, with the quote's
    file, row and column (exit code 2 on the command line: :func:`stressgpu.cli.is_bad_input`)."""
    from hydra import compose, initialize_config_dir

    from stressgpu.cli import CONF_DIR, is_bad_input, run

    edit_quotes(net, row, **edits)
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        c = compose(config_name="config", overrides=["mode=calibrate", "calibrate.target=credit", "+scenario=market",
                                                      f"data_dir={net}"])
    out = tmp_path / "run"
    with pytest.raises(DataError) as err:
        run(c, out)
    assert is_bad_input(err.value)
    assert blames(err.value.problems, "credit_quotes.csv", row, col), str(err.value)
    assert not out.exists() or not any(out.iterdir())


def test_credit_calibration_refuses_a_table_with_a_borrower_outside_the_network():
    """A market table handed to the calibration directly (not through the loader) is checked too."""
    import jax.numpy as jnp

    from stressgpu.calibrate_credit import calibrate_credit
    from stressgpu.network import build_network

    net_, labels = build_network(load_tables(MINI), dtype=jnp.float64)
    market = pd.DataFrame({"entity_id": ["neo", "applied_digital"], "pd": [0.3, 0.2], "recovery": [0.4, 0.7],
                           "row": [1, 7]})
    with pytest.raises(DataError) as err:
        calibrate_credit(net_, labels, {}, None, None, draws=1, seed=0, correlation=0.5, market=market)
    assert blames(err.value.problems, "credit_quotes.csv", 7, "entity_id") and "applied_digital" in str(err.value)

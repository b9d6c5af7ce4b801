"""Loading and validation of data/ tables: every kind of bad input names file, row and column."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from stressgpu.data import DataError, load_tables
from stressgpu.network import build_network

MINI = Path(__file__).parent / "fixtures" / "mini"
EMBEDDED = Path(__file__).parents[1] / "data"


@pytest.fixture
def mini(tmp_path):
    d = tmp_path / "net"
    shutil.copytree(MINI, d)
    return d


def edit(directory, name, fn):
    path = directory / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = fn(df)
    df.to_csv(path, index=False)


def problems(directory):
    with pytest.raises(DataError) as err:
        load_tables(directory)
    return err.value.problems, str(err.value)


def test_mini_loads_and_balances():
    t = load_tables(MINI)
    assert len(t.entities) == 7 and len(t.checksum) == 64
    net, labels = build_network(t)
    # Residual debt goes to the outside sector: every borrower's total debt is in L.
    items = t.items()
    assert abs(float(net.liabilities.sum(1)[labels.index("neo")]) - items.at["neo", "total_debt"]) < 1e-4
    # Balance sheet adds up: assets = cash + classes + claims (derived `other` closes it).
    assert (net.holdings >= 0).all()


@pytest.mark.skipif(not (EMBEDDED / "entities.csv").exists(), reason="embedded dataset not present")
def test_embedded_dataset_loads():
    t = load_tables(EMBEDDED)
    assert len(t.entities) >= 30
    kinds = set(t.entities["kind"])
    assert {"chipmaker", "hyperscaler", "ai_lab", "neocloud", "datacenter_spv", "bank", "private_credit",
            "investor", "utility", "outside"} <= kinds
    assert t.links["source"].str.contains("seed:").sum() >= 10


def test_wrong_type_names_row_and_column(mini):
    edit(mini, "balance_sheets", lambda df: df.assign(value=df["value"].where(df.index != 4, "lots")))
    probs, msg = problems(mini)
    assert ("balance_sheets.csv" in probs[0][0]) and probs[0][1] == 5 and probs[0][2] == "value"
    assert "row 5, column value" in msg


def test_negative_amount(mini):
    edit(mini, "links", lambda df: df.assign(amount_usd_bn=df["amount_usd_bn"].where(df.index != 1, "-3")))
    probs, _ = problems(mini)
    assert any(p[0].endswith("links.csv") and p[1] == 2 and p[2] == "amount_usd_bn" for p in probs)


def test_unknown_entity_id(mini):
    edit(mini, "links", lambda df: df.assign(to_id=df["to_id"].where(df.index != 2, "ghost")))
    probs, msg = problems(mini)
    assert (probs[0][1], probs[0][2]) == (3, "to_id") and "ghost" in msg


def test_duplicate_id(mini):
    edit(mini, "entities", lambda df: pd.concat([df, df.iloc[[1]]], ignore_index=True))
    probs, msg = problems(mini)
    assert any(p[2] == "id" and p[1] == 8 for p in probs), msg


def test_missing_required_column(mini):
    edit(mini, "holdings", lambda df: df.drop(columns=["source"]))
    probs, _ = problems(mini)
    assert any(p[0].endswith("holdings.csv") and p[2] == "source" and "missing" in p[3] for p in probs)


def test_missing_value_is_not_filled(mini):
    edit(mini, "links", lambda df: df.assign(rate=df["rate"].where(df.index != 0, "")))
    probs, _ = problems(mini)
    assert any(p[1] == 1 and p[2] == "rate" for p in probs)


def test_missing_item_and_bad_enum(mini):
    edit(mini, "balance_sheets", lambda df: df[~((df.entity_id == "lab") & (df.item == "cash"))])
    probs, msg = problems(mini)
    assert "lacks required item 'cash'" in msg
    edit(mini, "entities", lambda df: df.assign(kind=df["kind"].where(df.index != 0, "chips")))
    probs, msg = problems(mini)
    assert any(p[1] == 1 and p[2] == "kind" for p in probs) and "chipmaker" in msg


def test_balance_sheet_must_add_up(mini):
    edit(mini, "balance_sheets", lambda df: df.assign(
        value=df["value"].where(~((df.entity_id == "neo") & (df.item == "total_assets")), "10")))
    _, msg = problems(mini)
    assert "'neo': total_assets is" in msg


def test_stakes_above_one(mini):
    edit(mini, "links", lambda df: df.assign(share=df["share"].where(df.link_id != "e2", "0.99")))
    _, msg = problems(mini)
    assert "shares of 'lab' held in the network sum to" in msg

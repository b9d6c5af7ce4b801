"""Data v3 (issue 25): the free float of each listed firm is one row of links.csv (``ff_<issuer>``,
``from_id`` empty, ``holders`` = ``free_float_<issuer>``), split among its holders by the loader from
holder_shares.csv. The network the model receives is the one the 72 hand-split ``ff_<holder>_<issuer>``
rows of links.csv gave at git rev 562c418 (frozen in tests/fixtures/free_float_links_562c418.csv), to 1e-9;
bad inputs of the new rows stop with file, row and column."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stressgpu.data import load_tables
from test_data_v3_tables import edit, held, problems, set_cell, v3  # noqa: F401
from test_data_v3_tables import test_bad_input_names_file_row_and_column as _bad_input

EMBEDDED = Path(__file__).parents[1] / "data"
OLD = Path(__file__).parent / "fixtures" / "free_float_links_562c418.csv"
KEY = ["kind", "from_id", "to_id", "instrument"]
NUM = ["amount_usd_bn", "share", "market_value_usd_bn", "cost_usd_bn"]


@pytest.fixture(scope="module")
def embedded():
    return load_tables(EMBEDDED)


def test_free_float_stakes_equal_those_of_562c418(embedded):
    """Row by row, in order: the same free-float stakes (holder, issuer) with the same amounts, shares,
    market values and costs (float64, 1e-9) as the 72 hand-split rows of links.csv at 562c418."""
    old = pd.read_csv(OLD)
    new = embedded.links[embedded.links.instrument == "free_float"].reset_index(drop=True)
    assert len(new) == len(old) == 72
    assert (new[KEY].fillna("").values == old[KEY].fillna("").values).all()
    for col in NUM:
        a, b = new[col].astype("float64").to_numpy(), old[col].astype("float64").to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b)), col
        if not np.isnan(a).all():
            assert np.nanmax(np.abs(a - b)) <= 1e-9, col
    # ff_<holder>_<issuer> is now ff_<issuer>~<holder>
    renamed = [f"ff_{i}~{lid[3:-len(i) - 1]}" for lid, i in zip(old.link_id, old.to_id)]
    assert list(new.link_id) == renamed


def test_network_is_that_of_the_hand_split_rows(embedded):
    """build_network gives the same arrays, bit for bit, from the loader's split as from the 562c418
    rows put in its place (the model's network is unchanged)."""
    import dataclasses
    from stressgpu.network import build_network

    old = pd.read_csv(OLD)
    links = embedded.links.copy()
    pos = np.flatnonzero((links.instrument == "free_float").to_numpy())
    for col in ["link_id", "from_id", *NUM]:
        links.iloc[pos, links.columns.get_loc(col)] = old[col].to_numpy()
    a = build_network(embedded)[0]
    b = build_network(dataclasses.replace(embedded, links=links))[0]
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if hasattr(x, "shape"):
            assert np.array_equal(np.asarray(x), np.asarray(y)), f.name


def test_links_csv_has_one_free_float_row_per_listed_firm(embedded):
    f = embedded.links_file
    ff = f[f.instrument == "free_float"]
    assert ff.link_id.str.fullmatch(r"ff_[a-z0-9_]+").all() and ff.from_id.isna().all()
    assert (ff.holders == "free_float_" + ff.to_id).all() and ff.to_id.is_unique
    hs = embedded.holder_shares
    ffs = hs[hs.instrument.str.startswith("free_float_")]
    assert set(ffs.instrument) == set(ff.holders)
    assert (ffs.groupby("instrument")["share"].sum() - 1).abs().max() < 1e-9
    m = embedded.links
    parts = m[m.instrument == "free_float"]
    assert len(parts) == len(ffs)  # every holder share > 0 gives one stake
    for _, r in ff.iterrows():
        mine = parts[parts.to_id == r.to_id]
        assert mine.share.sum() == pytest.approx(r.share, abs=1e-12)
        assert mine.amount_usd_bn.sum() == pytest.approx(r.amount_usd_bn, abs=1e-9)


def test_report_counts_the_equity_splits(embedded):
    from stressgpu.data.report import report
    text = report(embedded)
    assert "free floats of 17 listed firms" in text and "become 72 equity stakes" in text


# ------------------------------------------------------------------ bad inputs of a free-float row
FF_SHARES = ("free_float_neo,bank,bank,0.25,2025-12-31,synthetic,,estimate,true,made up for tests\n"
             "free_float_neo,private_credit,pc,0.25,2025-12-31,synthetic,,estimate,true,made up for tests\n"
             "free_float_neo,outside,out,0.5,2025-12-31,synthetic,,estimate,true,made up for tests\n")


@pytest.fixture
def floated(held):  # noqa: F811
    """The held mini network plus neo's free float 0.1 (market cap 40: 4) as one row split 1:1:2."""
    path = held / "holder_shares.csv"
    path.write_text(path.read_text() + FF_SHARES)

    def fn(df):
        row = {c: "" for c in df.columns}
        row.update(link_id="ff_neo", kind="equity_stake", to_id="neo", instrument="free_float", amount_usd_bn="4",
                   share="0.1", market_value_usd_bn="4", start="2025-09-30", reconstructed="true", method="share_of_total",
                   holders="free_float_neo", as_of="2025-09-30", source="synthetic", source_type="estimate",
                   estimated="true", note="made up for tests")
        return pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    edit(held, "links", fn)
    return held


def test_free_float_row_is_split_among_its_holders(floated):
    t = load_tables(floated)
    parts = t.links[t.links.link_id.str.startswith("ff_neo~")].set_index("link_id")
    assert parts.from_id.to_dict() == {"ff_neo~bank": "bank", "ff_neo~pc": "pc", "ff_neo~out": "out"}
    assert parts.share.to_dict() == pytest.approx({"ff_neo~bank": 0.025, "ff_neo~pc": 0.025, "ff_neo~out": 0.05})
    assert parts.amount_usd_bn.to_dict() == pytest.approx({"ff_neo~bank": 1.0, "ff_neo~pc": 1.0, "ff_neo~out": 2.0})
    assert parts.market_value_usd_bn.sum() == pytest.approx(4.0)
    assert (parts.to_id == "neo").all() and "ff_neo" not in set(t.links.link_id)


def _row_of_ff(d):
    return len(pd.read_csv(d / "links.csv", dtype=str))


@pytest.mark.parametrize("col,value,errcol,words", [
    ("from_id", "bank", "holders", ["equity stake split by holder shares", "has no from_id"]),
    ("to_id", "", "to_id", ["value is required"]),
    ("holders", "free_float_ghost", "holders", ["unknown holder-share instrument 'free_float_ghost'"]),
    ("holders", "", "from_id", ["value is required", "free float"]),
], ids=["holder_named", "no_issuer", "unknown_instrument", "no_holders"])
def test_bad_free_float_row(floated, col, value, errcol, words):
    n = _row_of_ff(floated)
    _bad_input(floated, set_cell("links", n, col, value), "links.csv", n, errcol, words)


def test_holders_on_a_commitment_is_refused(floated):
    links = pd.read_csv(floated / "links.csv", dtype=str, keep_default_na=False)
    row = int(links.index[links.kind == "commitment"][0]) + 1
    def fn(df):
        df.loc[row - 1, ["to_id", "holders"]] = ["", "corporate_bond"]
        return df
    _bad_input(floated, lambda d: edit(d, "links", fn), "links.csv", row, "holders",
                                             ["split debt rows and equity stakes only"])


def test_free_float_holder_named_twice_is_refused(floated):
    """An instrument that splits a stake names each holder entity once (the stake's id is the holder's)."""
    path = floated / "holder_shares.csv"
    lines = path.read_text().splitlines()
    lines[-2] = lines[-2].replace("private_credit,pc,0.25", "bank,bank,0.25").replace("made up for tests", "twice")
    path.write_text("\n".join(lines) + "\n")
    probs, msg = problems(floated)
    assert any(p[0].endswith("holder_shares.csv") and p[2] in ("holder_id", "holder_kind") for p in probs), msg

"""Issue 25, item 3: a non-US firm's debt whose holders a disclosure names is its own row split by
holder_shares.csv (SoftBank Group's yen retail bonds: households), not the residual owed to `outside`."""
from pathlib import Path

import pytest

from stressgpu.data import load_tables
from stressgpu.data.report import outside_debt

EMBEDDED = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def embedded():
    return load_tables(EMBEDDED)


def test_softbank_retail_bonds_are_held_by_households(embedded):
    hs = embedded.holder_shares
    mine = hs[hs.instrument == "retail_bond_jp"]
    assert list(mine.holder_kind) == ["household"] and mine.share.sum() == pytest.approx(1.0)
    assert mine.estimated.all()  # the share is assumed from who the bonds are sold to
    f = embedded.links_file.set_index("link_id")
    assert f.at["b_sb_retail", "holders"] == "retail_bond_jp" and f.at["b_sb_retail", "from_id"] == "softbank"
    parts = embedded.links[embedded.links.link_id.str.startswith("b_sb_retail~")]
    assert list(parts.link_id) == ["b_sb_retail~household"] and list(parts.to_id) == ["outside"]
    assert parts.method.iloc[0] == "holder_shares:retail_bond_jp:household"
    assert parts.amount_usd_bn.sum() == pytest.approx(f.at["b_sb_retail", "amount_usd_bn"])


def test_softbank_not_split_is_total_debt_less_its_rows(embedded):
    o = outside_debt(embedded)
    items = embedded.items()
    f = embedded.links_file
    rows = f[(f.kind == "debt") & (f.from_id == "softbank")]["amount_usd_bn"].sum()
    assert o["not_split_firms"]["softbank"] == pytest.approx(items.at["softbank", "total_debt"] - rows)
    assert o["household"] >= 32.0 - 1e-9

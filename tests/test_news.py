"""News days (stressgpu.news, docs/calibration.md): one firm's own news, sized by its own move,
propagated through the network to the other firms — the mechanism on hand-worked numbers, the
sizing on the embedded network, and bad news tables."""
from functools import partial
from pathlib import Path
from types import SimpleNamespace as NS

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from stressgpu.calibrate import read_events
from stressgpu.data import load_tables
from stressgpu.data.errors import DataError
from stressgpu.model import ModelParams
from stressgpu.model.capacity import investment
from stressgpu.model.value_chain import Demand
from stressgpu.network import build_network
from stressgpu.news import news_returns, own_size, read_news
from test_capacity import K, NET   # five AI-chain firms: hyperscaler, neocloud, lab, data-centre SPV, chipmaker

a = partial(jnp.asarray, dtype=jnp.float64)
DATA = Path(__file__).resolve().parents[1] / "data"
MOVES = DATA / "market_moves"



def test_news_scales_the_ai_part_of_capex_above_plan_and_moves_hardware_orders():
    # Glut of tests/test_capacity.py (tightness 0.72, lab 0.9): the hyperscaler invests 0.86 of
    # plan. News that its AI business is 1.5 times the plan scales its AI part (0.5) of capex by
    # 1.5: 0.86·(1 + 0.5·0.5) = 1.075 — above the old plan, which only news may do.
    cap = NS(installed=a([6, 4, 0, 0, 0]), plan=a([4, 4, 0, 0, 0]))
    scale = a([1.5, 1, 1, 1, 1])
    inv = investment(NET, K, cap, Demand(a(1.0), a(0.9)), a(2.0), scale)
    assert_allclose(inv.capex_mult, [1.075, 0.72, 0.9, 1.0, 1.0], rtol=1e-14)
    # Orders: 0.5·(6.6·1.075 + 1.2·0.72 + 0.6·0.9 + 1.8)/10.2 + 0.5·0.9.
    assert_allclose(inv.orders, 0.5 * (6.6 * 1.075 + 0.864 + 0.54 + 1.8) / 10.2 + 0.45, rtol=1e-14)
    # The neocloud (AI part 1) at 0.8: its whole capex scales, 0.72·0.8.
    inv = investment(NET, K, cap, Demand(a(1.0), a(0.9)), a(2.0), a([1, 0.8, 1, 1, 1]))
    assert_allclose(inv.capex_mult, [0.86, 0.576, 0.9, 1.0, 1.0], rtol=1e-14)
    # No news: exactly the old investment.
    base = investment(NET, K, cap, Demand(a(1.0), a(0.9)), a(2.0))
    assert_allclose(investment(NET, K, cap, Demand(a(1.0), a(0.9)), a(2.0), a(np.ones(5))).capex_mult,
                    base.capex_mult, rtol=0, atol=0)


@pytest.fixture(scope="module")
def embedded():
    net, labels = build_network(load_tables(DATA), dtype=jnp.float64)
    return net, labels


def test_a_compute_sellers_news_reaches_chipmakers_and_competitors_with_opposite_signs(embedded):
    # Oracle's AI business 30 % above plan (its revenue lines and the capex that serves them):
    # its own value rises; its hardware orders raise the scarcity price of AI chips, so every
    # chipmaker gains; the capacity it builds lowers the rental price of compute, so compute
    # sellers that do not also make chips lose. No news (scale 1): nothing moves, exactly.
    net, labels = embedded
    r = news_returns(net, ModelParams(), labels.index("oracle"), [1.0, 1.3])
    assert_allclose(np.nan_to_num(r[0]), 0.0, atol=1e-12)
    up = r[1]
    assert up[labels.index("oracle")] > 0.05
    for chip in ("nvidia", "amd", "broadcom", "tsmc"):
        assert up[labels.index(chip)] > 0, chip
    for rival in ("coreweave", "nebius"):
        assert up[labels.index(rival)] < 0, rival


@pytest.mark.slow
def test_own_size_recovers_the_firms_own_move(embedded):
    # The size is read off the firm's own move: its implied return at the size equals the target.
    net, labels = embedded
    j = labels.index("oracle")
    for target in (0.25, -0.08):
        scale, implied, reached = own_size(net, ModelParams(), j, target)
        assert reached
        assert implied[j] == pytest.approx(target, abs=1e-6)
        assert (scale > 1) == (target > 0)


def _news(tmp_path, rows):
    (tmp_path / "news.csv").write_text("event_id,entity_id,source\n" + "".join(f"{e},{f},src\n" for e, f in rows))
    return tmp_path


@pytest.mark.parametrize("rows, row, column, words", [
    ([("oracle_rpo", "oracle"), ("no_such_day", "oracle")], 2, "event_id", "unknown event"),
    ([("oracle_rpo", "orcl")], 1, "entity_id", "unknown entity id"),
    ([("oracle_rpo", "oracle"), ("oracle_rpo", "nvidia")], 2, "event_id", "listed twice"),
])
def test_bad_news_tables_stop_with_file_row_and_column(tmp_path, embedded, rows, row, column, words):
    _, labels = embedded
    with pytest.raises(DataError) as e:
        read_news(_news(tmp_path, rows), labels, read_events(MOVES))
    (f, r, c, msg), = [p for p in e.value.problems if p[1] == row and p[2] == column]
    assert f.endswith("news.csv") and words in msg


def test_the_shipped_news_table_names_the_three_single_firm_days(embedded):
    _, labels = embedded
    news = read_news(MOVES, labels, read_events(MOVES)).set_index("event_id").entity_id
    assert news["oracle_rpo"] == "oracle" and news["amd_openai"] == "amd"
    assert news["nvidia_earnings_reversal"] == "nvidia"
    assert pd.Series(news).index.is_unique

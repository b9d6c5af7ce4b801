"""The Taiwan shock as a macro shock (docs/model.md §3 supply chain, §8.4): the foundries' whole
output rationed, hardware and rental prices up, chipmakers' volumes down, non-AI revenue down
with world GDP, equity and AI risk premia up — and holders' wealth down (model v2 showed a
blockade as a 0.72 tn *gain* to holders: only the AI-hardware line was cut). Deterministic runs
of the embedded network, as in tests/test_signs.py, and the shock's factors by hand."""
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu.batch import simulate
from stressgpu.data import load_tables
from stressgpu.model import ModelParams
from stressgpu.montecarlo import final_holders
from stressgpu.network import build_network
from stressgpu.shocks import SHOCKS, compose, draw_factors, neutral
from stressgpu.shocks.taiwan import BLOCKADE_SHARE, TaiwanShock, factors

DATA = Path(__file__).parents[1] / "data"
CHIPMAKERS = ("nvidia", "amd", "broadcom", "tsmc")


@pytest.fixture(scope="module")
def world():
    net, labels = build_network(load_tables(DATA), dtype=jnp.float64)
    base = simulate(net, neutral(1, net.n, jnp.float64), ModelParams())
    return net, labels, base


def run(world, **sizes):
    net, labels, _ = world
    f, _ = draw_factors({"taiwan": SHOCKS["taiwan"][0](**sizes)}, labels, jax.random.PRNGKey(0), 1, random=False,
                        dtype=jnp.float64)
    return simulate(net, f, ModelParams())


def holders_wealth_change(world, o) -> float:
    """USD bn: the change of every firm's market value, landed once on its final holders
    (docs/model.md §7, as the Monte Carlo's market-value wealth)."""
    net, _, base = world
    return float(((o.market_value - base.market_value) @ final_holders(net.cross_holdings, net.kind).T).sum())


def test_taiwan_lowers_holders_wealth(world):
    o = run(world)
    assert holders_wealth_change(world, o) < 0.0


def test_taiwan_prices_rise_chipmakers_volumes_fall_and_non_ai_revenue_falls(world):
    _, labels, base = world
    o = run(world, share=0.5, quarters=4)
    assert float(o.hardware_price[0, :4].min()) > 1.0          # scarcity price of new hardware
    assert float(o.hardware_shipped[0, :4].max()) < 1.0        # chipmakers ship less AI hardware
    assert float(o.rental_price[0].max()) > 1.0                # capacity grows more slowly: rents rise
    assert float(o.rental_price[0].min()) >= 1.0 - 1e-9
    assert float(o.prices[0, :, 0].min()) >= 1.0 - 1e-9        # installed hardware is worth more
    for firm in CHIPMAKERS:                                    # the whole output rationed: revenue falls
        i = labels.index(firm)
        assert float(o.revenue_vs_plan[0, i]) < float(base.revenue_vs_plan[0, i]) - 1e-3, firm
    i = labels.index("meta")                                   # no AI lines: falls with world GDP only
    assert float(o.revenue_vs_plan[0, i]) < 1.0 - 1e-3


@pytest.mark.slow
def test_taiwan_losses_rise_with_the_share_cut(world):
    """docs/model.md §8.8: holders' wealth loss weakly rises in the share of output cut (the macro
    effects scale with it); no cut, no change."""
    changes = [holders_wealth_change(world, run(world, share=s)) for s in (0.0, 0.25, 0.5, 0.7, 0.9)]
    assert changes[0] == pytest.approx(0.0, abs=1e-6)
    assert np.all(np.diff(changes) <= 1e-6), changes


def test_taiwan_factors_by_hand():
    # share 0.35 is half a full blockade (0.7): GDP −2.5 %, ERP +0.75 point, AI premium +0.5 point.
    labels = None
    base = neutral(2, 3, jnp.float64)
    cfg = TaiwanShock()
    s = {k: jnp.asarray([v, v]) for k, v in dict(share=0.35, quarters=6.0, gdp_loss=0.05, equity_premium=0.015,
                                                  ai_premium=0.01).items()}
    f = factors(s, base, cfg, labels)
    assert BLOCKADE_SHARE == 0.7
    np.testing.assert_allclose(f.chip_cut, 0.35)
    np.testing.assert_allclose(f.gdp_mult, 1 - 0.025, rtol=1e-12)
    np.testing.assert_allclose(f.gdp_quarters, 6.0)
    np.testing.assert_allclose(f.equity_premium_shift, 0.0075, rtol=1e-12)
    np.testing.assert_allclose(f.ai_premium, 0.005, rtol=1e-12)
    # Neutral factors: GDP 1, no duration, no premium shift; composing multiplies GDP, adds premia,
    # keeps the longer GDP duration.
    np.testing.assert_allclose([base.gdp_mult, base.gdp_quarters, base.equity_premium_shift], [[1, 1], [0, 0], [0, 0]])
    both = compose(f, f)
    np.testing.assert_allclose(both.gdp_mult, 0.975 ** 2, rtol=1e-12)
    np.testing.assert_allclose(both.equity_premium_shift, 0.015, rtol=1e-12)
    np.testing.assert_allclose(both.gdp_quarters, 6.0)
    np.testing.assert_allclose(compose(base, f).gdp_mult, f.gdp_mult)

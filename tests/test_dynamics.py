"""The quarterly model: reduces to clearing, channels switch off cleanly, docs/model.md §8 invariants."""
import dataclasses
import shutil
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from stressgpu.channels import ClearingNetwork, ClearingParams, solve_clearing
from stressgpu.data import load_tables
from stressgpu._types import FAILING_KINDS
from stressgpu.batch import simulate
from stressgpu.model import ModelParams
from stressgpu.model.plan import capital_floor
from stressgpu.network import build_network
from stressgpu.shocks import SHOCKS, draw_factors, neutral
from stressgpu.shocks.deepseek import DeepseekShock

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini():
    return build_network(load_tables(MINI), dtype=jnp.float64)


def deepseek(labels, k, batch=1, **sizes):
    cfg = DeepseekShock(k=k, **sizes)
    f, _ = draw_factors({"deepseek": cfg}, labels, jax.random.PRNGKey(0), batch, random=False, dtype=jnp.float64)
    return f


def test_one_quiet_quarter_is_one_clearing(mini):
    """No flows and one quarter: the model is exactly Eisenberg–Noe with cross-holdings."""
    net, labels = mini
    T = 1
    quiet = net.__class__(**{**net.__dict__, **{k: jnp.zeros_like(getattr(net, k)) for k in
                                               ("revenue", "opex", "capex", "equity_raise", "debt_rate")},
                             "commit_amount": net.commit_amount[:, :T] * 0, "debt_due_share": net.debt_due_share[:, :T] * 0})
    ec = quiet.economy
    quiet = dataclasses.replace(quiet, economy=dataclasses.replace(
        ec, sticky_opex=ec.sticky_opex * 0, dividends=ec.dividends * 0, min_cash=ec.min_cash * 0,
        equity_plan=ec.equity_plan[:T] * 0))
    f = neutral(1, net.n, jnp.float64)
    f = f.__class__(**{**f.__dict__, "price": jnp.array([[0.2, 0.5, 0.5, 0.8]])})
    params = ModelParams(fire_sales=False, clearing_tol=1e-13, clearing_max_iter=10_000,
                         hardware_life_years=1e12, real_estate_life_years=1e12)
    o = simulate(quiet, f, params)
    # v2: AI hardware is valued from its rental income (price 1 with no shock to the chain), and
    # only financial firms default on insolvency; operating companies only on a missed payment.
    price = f.price[0].at[0].set(1.0)
    e = net.cash + net.holdings @ price
    financial = jnp.asarray([k in FAILING_KINDS for k in labels.kinds])
    ref = solve_clearing(ClearingNetwork(net.liabilities, net.external_liabilities, net.cross_holdings), e,
                         params=ClearingParams(params.alpha, params.beta, financial, capital_floor(net)))
    np.testing.assert_allclose(o.payments[0], ref.payments, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(o.equity[0], ref.equity, rtol=1e-9, atol=1e-9)
    assert (o.defaulted[0] == ref.defaulted).all() and ref.defaulted.any()


@pytest.mark.slow
def test_channels_switch_off(mini):
    net, labels = mini
    f = deepseek(labels, 20.0)
    off = simulate(net, f, ModelParams(commitments=False, fire_sales=False))
    assert float(jnp.abs(off.commitment_loss).max()) == 0.0
    assert float(jnp.abs(off.firesale_loss).max()) == 0.0
    # No fire sale: prices stay where the shock put them (AI hardware follows the value chain).
    np.testing.assert_allclose(off.prices[0, -1, 1:], f.price[0, 1:])
    on = simulate(net, f, ModelParams())
    assert float(on.commitment_loss.sum()) > 0


@pytest.mark.slow
def test_outcome_invariants(mini):
    net, labels = mini
    f, _ = draw_factors({"deepseek": DeepseekShock(), "rate_hike": SHOCKS["rate_hike"][0]()}, labels,
                        jax.random.PRNGKey(3), 64, revenue_noise=0.2, dtype=jnp.float64)
    o = simulate(net, f)
    assert bool(o.clearing_converged.all())
    assert bool((o.payments >= -1e-9).all() and (o.payments <= o.total_liabilities + 1e-9).all())
    # No creditor loses more than its claims at the horizon.
    assert bool((o.credit_loss <= o.credit_exposure + 1e-9).all())
    assert bool((o.credit_loss >= -1e-9).all())
    # Defaults are absorbing and dated: a defaulted entity has a quarter, a survivor has none.
    assert bool(((o.default_quarter >= 0) == o.defaulted).all())
    assert bool((o.defaults_per_quarter.sum(1) == o.defaulted.sum(1)).all())


@pytest.mark.slow
def test_larger_shock_never_lowers_losses(mini):
    net, labels = mini
    ks = [1.0, 2.0, 5.0, 10.0, 30.0, 100.0]
    base = simulate(net, neutral(1, net.n, jnp.float64))
    losses, defaults = [], []
    for k in ks:
        o = simulate(net, deepseek(labels, k, equity_rerate=0.0))
        losses.append(float((base.equity - o.equity).sum()))
        defaults.append(int(o.defaulted.sum()))
    assert np.all(np.diff(losses) >= -1e-6), losses
    assert np.all(np.diff(defaults) >= 0), defaults
    assert abs(losses[0]) < 1e-6  # k = 1 is no shock at all


@pytest.mark.slow
def test_entity_order_does_not_matter(tmp_path, mini):
    net, labels = mini
    d = tmp_path / "perm"
    shutil.copytree(MINI, d)
    ents = pd.read_csv(d / "entities.csv", dtype=str, keep_default_na=False)
    ents.iloc[::-1].to_csv(d / "entities.csv", index=False)
    net2, labels2 = build_network(load_tables(d), dtype=jnp.float64)
    perm = [labels2.index(i) for i in labels.ids]
    o1 = simulate(net, deepseek(labels, 10.0))
    o2 = simulate(net2, deepseek(labels2, 10.0))
    np.testing.assert_allclose(o1.equity[0], o2.equity[0][np.array(perm)], rtol=1e-9, atol=1e-8)
    assert (o1.default_quarter[0] == o2.default_quarter[0][np.array(perm)]).all()


def test_scenarios_do_not_depend_on_their_batch(mini):
    """A scenario's answer is the same whatever else is in its batch and wherever it sits (the
    batch is vmapped: nothing may mix scenarios). One compiled program: the batch reversed."""
    net, labels = mini
    f, _ = draw_factors({"deepseek": DeepseekShock()}, labels, jax.random.PRNGKey(1), 8, revenue_noise=0.1,
                        dtype=jnp.float64)
    batch = simulate(net, f)
    flipped = simulate(net, jax.tree_util.tree_map(lambda x: x[::-1], f))
    assert len(set(np.round(np.asarray(batch.equity).sum(1), 6))) > 1   # the scenarios differ
    for name in ("equity", "payments", "default_quarter", "market_value", "credit_loss"):
        np.testing.assert_allclose(getattr(batch, name), getattr(flipped, name)[::-1], rtol=1e-10, atol=1e-10,
                                   err_msg=name)

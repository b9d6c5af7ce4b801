"""Chunked Monte Carlo: chunking, interruption and sharding do not change the numbers."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu.config import RunConfig
from stressgpu.data import load_tables
from stressgpu.modes import model_params
from stressgpu.montecarlo import Accumulators, CheckpointError, es_from_histogram, run_montecarlo
from stressgpu.network import build_network
from stressgpu.shocks.base import Dist, DistKind, draw_size
from stressgpu.shocks.deepseek import DeepseekShock

MINI = Path(__file__).parent / "fixtures" / "mini"
PARAMS = model_params(RunConfig())


@pytest.fixture(scope="module")
def mini():
    return build_network(load_tables(MINI), dtype=jnp.float64)


def go(mini, **kw):
    net, labels = mini
    args = dict(scenarios=300, chunk_size=64, seed=5, correlation=0.5, revenue_noise=0.1, params=PARAMS,
                progress=False, run_id="t")
    args.update(kw)
    return run_montecarlo(net, labels, {"deepseek": DeepseekShock()}, **args)


@pytest.mark.slow
def test_interrupted_run_resumes_to_identical_numbers(mini, tmp_path):
    whole = go(mini, out_dir=tmp_path / "whole")
    with pytest.raises(InterruptedError):
        go(mini, out_dir=tmp_path / "cut", stop_after_chunks=2)
    resumed = go(mini, out_dir=tmp_path / "cut")
    assert resumed.resumed_from_chunk == 2 and whole.resumed_from_chunk == 0
    np.testing.assert_array_equal(whole.system_loss, resumed.system_loss)
    np.testing.assert_array_equal(whole.default_prob, resumed.default_prob)
    np.testing.assert_array_equal(whole.equity_loss_mean, resumed.equity_loss_mean)
    np.testing.assert_array_equal(whole.scenarios["loss_bank"], resumed.scenarios["loss_bank"])
    assert len(whole.system_loss) == 300 and len(whole.scenarios["system_loss"]) == 300


@pytest.mark.slow
def test_checkpoint_of_another_config_is_not_used(mini, tmp_path):
    with pytest.raises(InterruptedError):
        go(mini, out_dir=tmp_path, stop_after_chunks=1)
    other = go(mini, out_dir=tmp_path, run_id="another config")
    assert other.resumed_from_chunk == 0


@pytest.mark.slow
def test_keep_rows_bounds_per_scenario_output(mini):
    r = go(mini, keep_rows=100)
    assert len(r.scenarios["system_loss"]) == 100 and len(r.system_loss) == 300
    np.testing.assert_array_equal(r.scenarios["system_loss"], r.system_loss[:100])


def test_es_from_histogram_matches_exact():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, size=(20000, 1))
    top = np.array([10.0])
    bins = np.clip(np.floor(x / top * 2048).astype(int) + 1, 0, 2049)
    hist = np.zeros((1, 2050))
    np.add.at(hist[0], bins[:, 0], 1)
    exact = np.sort(x[:, 0])[-1000:].mean()
    assert abs(es_from_histogram(hist, top)[0] - exact) < 10 / 2048


SHARDED = textwrap.dedent("""
    import json, sys
    import jax, jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    from stressgpu.data import load_tables
    from stressgpu.model import ModelParams
    from stressgpu.montecarlo import run_montecarlo
    from stressgpu.network import build_network
    from stressgpu.shocks.deepseek import DeepseekShock
    net, labels = build_network(load_tables(sys.argv[1]), dtype=jnp.float64)
    r = run_montecarlo(net, labels, {"deepseek": DeepseekShock()}, scenarios=300, chunk_size=64, seed=5,
                       correlation=0.5, revenue_noise=0.1, params=ModelParams(), progress=False)
    print(json.dumps({"devices": r.devices, "loss": r.system_loss.tolist(), "pd": r.default_prob.tolist()}))
""")


@pytest.mark.slow
def test_sharded_over_simulated_devices_matches_one_device(mini):
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", SHARDED, str(MINI)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    sharded = json.loads(out.stdout.strip().splitlines()[-1])
    single = go(mini)
    assert sharded["devices"] == 4 and single.devices == jax.device_count() == 1
    np.testing.assert_allclose(sharded["loss"], single.system_loss, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(sharded["pd"], single.default_prob, rtol=0, atol=0)


def test_checkpoint_roundtrip_and_damage_detected(tmp_path):
    acc = Accumulators.empty(3, 2)
    acc.default_count += 1
    acc.next_chunk, acc.done = 2, 128
    path = tmp_path / "checkpoint.npz"
    acc.save(path, "fp")
    back = Accumulators.load(path, "fp")
    assert back.next_chunk == 2 and back.done == 128 and (back.default_count == 1).all()
    assert Accumulators.load(path, "another config") is None
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="checkpoint.npz.*mc.resume=false"):
        Accumulators.load(path, "fp")


def test_sums_of_a_float64_run_are_float64_and_statuses_are_counted():
    """``_reduce`` keeps a float64 run's sums in float64 (they were summed in float32): a
    synthetic chunk whose per-scenario losses differ below float32's resolution."""
    from collections import namedtuple

    from stressgpu._types import LENDER_KINDS
    from stressgpu.montecarlo import _reduce

    B, N, T, K = 8, 3, 4, len(LENDER_KINDS)
    names = ("equity", "external_loss", "direct_loss", "credit_loss_by_kind", "defaults_per_quarter", "defaulted",
             "default_quarter", "clearing_converged", "commitment_loss", "firesale_loss", "credit_loss", "status",
             "net_worth", "total_liabilities", "credit_loss_borne_by_kind", "revenue_vs_plan", "capex_vs_plan",
             "funding", "capex_shortfall", "capital_shortfall", "market_value", "unfunded_gap",
             "book_loss_by_kind", "floor_quarter", "redeemed", "gated", "loans_sold", "loan_price", "book_loss",
             "sale_loss", "book_mark_loss", "capital_ratio_path", "capital_ratio_min")
    O = namedtuple("O", names)
    z = jnp.zeros
    equity = 1e8 + jnp.arange(B, dtype=jnp.float64)[:, None] * 1e-3 * jnp.ones((B, N))
    status = jnp.asarray([0, 0, 0, 1, 0, 3, 0, 0], jnp.int32)  # two scenarios not ok: max_steps, nonfinite
    v2 = lambda worth: (worth, z((B, N)), z((B, K)), jnp.ones((B, N)), jnp.ones((B, N)), z((B, N, 6)), z((B, N)),  # noqa: E731
                        z((B, N)), z((B, N)), z((B, N)),
                        z((B, K)), -jnp.ones((B, N), jnp.int32), z((B, N)), z((B, N)), z((B, N)), jnp.ones((B, T)),
                        z((B, N)), z((B, N)), z((B, N)), z((B, T, N)), z((B, N)))
    o = O(equity, z(B), z((B, N)), z((B, K)), z((B, T), jnp.int32), z((B, N), bool), -jnp.ones((B, N), jnp.int32),
          jnp.ones(B, bool), z((B, N)), z((B, N)), z((B, N)), status, *v2(equity))
    base_worth = jnp.full((B, N), 2e8)
    base = O(base_worth, z(B), z((B, N)), z((B, K)), z((B, T), jnp.int32), z((B, N), bool),
             -jnp.ones((B, N), jnp.int32), jnp.ones(B, bool), z((B, N)), z((B, N)), z((B, N)), z(B, jnp.int32),
             *v2(base_worth))
    rows, sums = _reduce(o, base, z((N, N)), jnp.ones(B, bool), jnp.ones((B, 1)), jnp.zeros(N, jnp.int32))
    exact = float(np.sum(np.asarray(rows["system_loss"], np.float64)))
    assert sums["rowsum.system_loss"].dtype == jnp.float64
    assert float(sums["rowsum.system_loss"]) == pytest.approx(exact, rel=1e-15)
    assert sums["equity_loss_hist"].dtype == jnp.float64
    assert np.asarray(sums["status_count"])[:4].tolist() == [6, 1, 0, 1]  # scenarios counted by status


@pytest.mark.parametrize("spec, value", [
    (Dist(DistKind.normal, 0.5, low=0.0, high=1.0), 0.9),
    (Dist(DistKind.lognormal, 0.5, low=1.0, high=100.0), 10.0),
    (Dist(DistKind.normal, 0.15, low=0.0, high=1.5, sign=-1.0), 0.7),
])
def test_draws_outside_the_support_are_redrawn_not_clipped(spec, value):
    """Draws follow the distribution truncated to [low, high]: all inside, none piled on a
    bound (clipping put every out-of-range draw exactly on it), and the law is the truncated
    one (Kolmogorov-Smirnov against scipy's truncnorm)."""
    from scipy import stats

    z = jax.random.normal(jax.random.PRNGKey(0), (20000,), jnp.float64)
    x = np.asarray(draw_size(jnp.asarray(value, jnp.float64), spec, z))
    assert (x >= spec.low).all() and (x <= spec.high).all()
    assert np.mean((x == spec.low) | (x == spec.high)) < 1e-3
    lognormal = spec.dist == DistKind.lognormal
    y, mu = (np.log(x), np.log(value)) if lognormal else (x, value)
    lo, hi = (np.log(spec.low), np.log(spec.high)) if lognormal else (spec.low, spec.high)
    law = stats.truncnorm((lo - mu) / spec.scale, (hi - mu) / spec.scale, loc=mu, scale=spec.scale)
    assert stats.kstest(y, law.cdf).pvalue > 1e-3
    # monotone in the score: a bad common factor still moves every size the same way
    order = np.argsort(np.asarray(z))
    assert (np.diff(x[order] * spec.sign) >= -1e-12).all()

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

from stressgpu.data import load_tables
from stressgpu.dynamics import ModelParams
from stressgpu.montecarlo import es_from_histogram, run_montecarlo
from stressgpu.network import build_network
from stressgpu.shocks.deepseek import DeepseekShock

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini():
    return build_network(load_tables(MINI), dtype=jnp.float64)


def go(mini, **kw):
    net, labels = mini
    args = dict(scenarios=300, chunk_size=64, seed=5, correlation=0.5, revenue_noise=0.1, params=ModelParams(),
                progress=False, run_id="t")
    args.update(kw)
    return run_montecarlo(net, labels, {"deepseek": DeepseekShock()}, **args)


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


def test_checkpoint_of_another_config_is_not_used(mini, tmp_path):
    with pytest.raises(InterruptedError):
        go(mini, out_dir=tmp_path, stop_after_chunks=1)
    other = go(mini, out_dir=tmp_path, run_id="another config")
    assert other.resumed_from_chunk == 0


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
    from stressgpu.dynamics import ModelParams
    from stressgpu.montecarlo import run_montecarlo
    from stressgpu.network import build_network
    from stressgpu.shocks.deepseek import DeepseekShock
    net, labels = build_network(load_tables(sys.argv[1]), dtype=jnp.float64)
    r = run_montecarlo(net, labels, {"deepseek": DeepseekShock()}, scenarios=300, chunk_size=64, seed=5,
                       correlation=0.5, revenue_noise=0.1, params=ModelParams(), progress=False)
    print(json.dumps({"devices": r.devices, "loss": r.system_loss.tolist(), "pd": r.default_prob.tolist()}))
""")


def test_sharded_over_simulated_devices_matches_one_device(mini):
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4", "JAX_PLATFORMS": "cpu"}
    out = subprocess.run([sys.executable, "-c", SHARDED, str(MINI)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    sharded = json.loads(out.stdout.strip().splitlines()[-1])
    single = go(mini)
    assert sharded["devices"] == 4 and single.devices == jax.device_count() == 1
    np.testing.assert_allclose(sharded["loss"], single.system_loss, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(sharded["pd"], single.default_prob, rtol=0, atol=0)

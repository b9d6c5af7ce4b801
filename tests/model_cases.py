"""Named deterministic cases of the embedded network, run as ONE batch (one compiled program),
for the tests of docs/model.md §8 (float64, sizes fixed at their values, no noise)."""
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu.batch import simulate
from stressgpu.data import load_tables
from stressgpu.model import ModelParams
from stressgpu.network import build_network
from stressgpu.shocks import SHOCKS, draw_factors

DATA = Path(__file__).resolve().parents[1] / "data"


def run_cases(cases: dict, params: ModelParams = ModelParams()):
    """``cases``: name → {shock: {size: value}} ({} for no shock). Returns the labels and, per
    name, that scenario's :class:`stressgpu.model.Outcome` as NumPy arrays."""
    net, labels = build_network(load_tables(DATA), dtype=jnp.float64)
    fs = []
    for shocks in cases.values():
        cfgs = {k: SHOCKS[k][0](**v) for k, v in shocks.items()}
        f, _ = draw_factors(cfgs, labels, jax.random.PRNGKey(0), 1, random=False, dtype=jnp.float64)
        fs.append(f)
    f = jax.tree_util.tree_map(lambda *x: jnp.concatenate(x), *fs)
    o = jax.tree_util.tree_map(np.asarray, simulate(net, f, params))
    return labels, {name: jax.tree_util.tree_map(lambda x, b=b: x[b], o) for b, name in enumerate(cases)}

"""Diagnostics at t = 0 (docs/model.md §5.5–§5.6): the clearing that gives the exposures reports
its status, and the diagnostics carry it."""
from pathlib import Path

import jax.numpy as jnp
import numpy as np

from stressgpu._types import Status
from stressgpu.data import load_tables
from stressgpu.diagnostics import diagnose, exposures_at_start
from stressgpu.network import build_network
from stressgpu.shocks import neutral

MINI = Path(__file__).parent / "fixtures" / "mini"


def _mini():
    net, _ = build_network(load_tables(MINI), dtype=jnp.float64)
    return net


def test_exposures_report_their_clearing_status():
    net = _mini()
    exp = exposures_at_start(net)
    assert int(exp.status) == Status.OK
    assert np.all(np.asarray(exp.equity) >= 0)


def test_failed_clearing_at_start_fails_every_scenario_diagnostics():
    net = _mini()
    bad = net.__class__(**{**net.__dict__, "cash": net.cash.at[0].set(jnp.nan)})
    exp = exposures_at_start(bad)
    assert int(exp.status) == Status.NONFINITE
    d = diagnose(bad, exp, neutral(3, net.n, jnp.float64))
    assert (np.asarray(d.status) >= Status.NONFINITE).all()

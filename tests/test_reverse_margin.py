"""The reverse stress test's event margin (``reverse.event_margin``) says a firm defaults exactly
when the quarterly model defaults it (docs/model.md §5.1): an operating company when its liquidity
buffer runs out, a bank, private-credit fund or insurer also when its net worth falls below 0 —
not when it only falls below its regulatory capital minimum, which the model records as a breach."""
from types import SimpleNamespace

import jax.numpy as jnp
import numpy as np

from stressgpu.reverse import Target, event_margin

LABELS = SimpleNamespace(ids=["bank", "firm"], kinds=["bank", "neocloud"], index=["bank", "firm"].index)
SCALE = jnp.asarray([10.0, 4.0])


def outcome(buffer, worth):
    """A two-quarter path: liquidity buffers and net worths, [T, N] USD bn."""
    return SimpleNamespace(cash_path=jnp.asarray(buffer), net_worth_path=jnp.asarray(worth))


def margin(o, entity):
    return float(event_margin(o, None, Target("default", entity, "bank", 0.0), LABELS, SCALE))


def test_a_bank_defaults_on_insolvency_not_on_a_capital_breach():
    # The bank keeps 3 bn of liquidity; its net worth falls from 5 to 2 bn (above 0, though a bank
    # of this size would sit below a CET1 minimum): no default, margin -min(3, 2) / 10.
    solvent = outcome([[3.0, 1.0], [3.0, 1.0]], [[5.0, 9.0], [2.0, 9.0]])
    np.testing.assert_allclose(margin(solvent, "bank"), -0.2, rtol=0, atol=1e-12)
    # Its net worth falls to -1.5 bn: insolvent, margin 1.5 / 10 > 0.
    insolvent = outcome([[3.0, 1.0], [3.0, 1.0]], [[5.0, 9.0], [-1.5, 9.0]])
    np.testing.assert_allclose(margin(insolvent, "bank"), 0.15, rtol=0, atol=1e-12)


def test_an_operating_firm_defaults_only_when_its_liquidity_runs_out():
    # Negative net worth alone does not fail an operating company; a buffer below 0 does.
    o = outcome([[3.0, 0.5], [3.0, 0.2]], [[5.0, -8.0], [5.0, -9.0]])
    np.testing.assert_allclose(margin(o, "firm"), -0.2 / 4.0, rtol=0, atol=1e-12)
    o = outcome([[3.0, 0.5], [3.0, -0.6]], [[5.0, 8.0], [5.0, 9.0]])
    np.testing.assert_allclose(margin(o, "firm"), 0.6 / 4.0, rtol=0, atol=1e-12)

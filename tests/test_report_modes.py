"""What the other modes say (no model run): noise left out of sensitivities, durations as the
model applies them, the shocks a mode searches named."""
import pandas as pd

from stressgpu.modes import _size_text, default_shocks, library_shocks
from stressgpu.sensitivity import NOISE, drop_noise


def test_sensitivities_below_numerical_noise_are_dropped_and_the_threshold_is_returned():
    df = pd.DataFrame({"borrower": ["a", "b", "c"], "impact_10pct": [12.0, -3e-4, 1.6e-5]})
    kept, cut = drop_noise(df, loss=3000.0)
    assert cut == NOISE * 3000.0
    assert list(kept.borrower) == ["a", "b"]          # 1.6e-05 bn on a 3,000 bn loss is float rounding
    kept, cut = drop_noise(df, loss=0.0)
    assert cut == NOISE and list(kept.borrower) == ["a", "b", "c"]


def test_a_searched_duration_is_shown_as_the_whole_quarters_the_model_applies():
    assert _size_text("private_credit_freeze.quarters", 4.809) == "5 quarters (searched value 4.81)"
    assert _size_text("taiwan.quarters", 4.0) == "4 quarters (searched value 4)"
    assert _size_text("deepseek.k", 12.3456) == "12.35"


def test_modes_name_the_shocks_they_use_when_none_is_given():
    assert set(default_shocks("reverse")) == set(library_shocks()) and "idiosyncratic_default" not in library_shocks()
    assert list(default_shocks("sensitivity")) == ["deepseek"]
    assert default_shocks("montecarlo") == {}

"""docs/model.md §8 on the embedded network, as claims that can fail (docs/model.md §8): every
severity size of every shock swept on total credit loss, holders' net-worth loss *and* each
firm's default; composition (adding a shock in its severe direction); labs' margins as
``(revenue − cash cost) / revenue``; "nobody defaults because it spent less" checked on the
liquidity path. Every case is one scenario of ONE batch (deterministic sizes, float64), so the
model compiles once for the whole file.
"""
import numpy as np
import pytest
from model_cases import run_cases

from stressgpu._types import LENDER_KINDS
from stressgpu.model import ModelParams

pytestmark = pytest.mark.slow
LABS = ("openai", "anthropic", "xai")

# Every size of every shock, from no shock to severe (the other sizes at their defaults).
SWEEPS = {
    "deepseek.k": ("deepseek", "k", [1.0, 2.0, 5.0, 10.0, 30.0]),
    "deepseek.elasticity": ("deepseek", "elasticity", [1.0, 0.8, 0.6, 0.4, 0.2]),
    "deepseek.share_shift": ("deepseek", "share_shift", [0.0, 0.1, 0.3, 0.5]),
    "deepseek.equity_rerate": ("deepseek", "equity_rerate", [0.0, 0.2, 0.5]),
    "private_credit_freeze.quarters": ("private_credit_freeze", "quarters", [0.0, 1.0, 4.0, 8.0]),
    "private_credit_freeze.funding_cut": ("private_credit_freeze", "funding_cut", [0.0, 0.25, 0.5, 1.0]),
    "ai_sentiment.quarters": ("ai_sentiment", "quarters", [0.0, 2.0, 4.0, 8.0]),
    "ai_sentiment.funding_cut": ("ai_sentiment", "funding_cut", [0.0, 0.4, 0.8, 1.0]),
    "ai_sentiment.equity_rerate": ("ai_sentiment", "equity_rerate", [0.0, 0.25, 0.5]),
    "ai_sentiment.premium": ("ai_sentiment", "premium", [0.0, 0.01, 0.03]),
    "demand_slump.growth_cut": ("demand_slump", "growth_cut", [0.0, 0.1, 0.2, 0.3]),
    "demand_slump.funding_cut": ("demand_slump", "funding_cut", [0.0, 0.25, 0.5]),
    "rate_hike.dr": ("rate_hike", "dr", [0.0, 0.005, 0.01, 0.02, 0.03]),
    "rate_hike.beta": ("rate_hike", "beta", [0.0, 0.5, 1.0]),
    "taiwan.share": ("taiwan", "share", [0.0, 0.25, 0.5, 0.75, 0.9]),
    "taiwan.quarters": ("taiwan", "quarters", [0.0, 1.0, 4.0, 8.0]),
    "gpu_depreciation.new_life": ("gpu_depreciation", "new_life", [6.0, 5.0, 4.0, 3.0]),
}
# (Not swept: DeepSeek's pass-through π, whose severe direction depends on the firm's role — a
# larger π cuts labs' revenue when ε < 1 but raises the compute volume that sellers rent out.)
# Composition: adding each shock (at its default sizes) to each other one.
BASES = ("deepseek", "private_credit_freeze", "ai_sentiment", "demand_slump", "rate_hike", "taiwan")
# Known failures of model v3 part 1 (issue 26, open), kept as expected failures with their story:
# a Taiwan supply cut makes borrowers that cannot get hardware spend less and makes installed
# hardware dearer, so estates recover more and a lab short of funding survives (freeze + Taiwan:
# xAI lives); Crusoe, whose estimated capex plan is already unfunded from 2026Q2 with no shock,
# fails in any freeze, and DeepSeek's lower demand cuts the build-out the freeze cannot fund
# (freeze + DeepSeek: Crusoe lives). AI sentiment + Taiwan and demand slump + rate hike, once
# open, pass since equity is valued as an option on the firm's assets (its volatility on
# equity plus debt).
V3_OPEN_PAIRS = {("private_credit_freeze", "taiwan"), ("deepseek", "private_credit_freeze")}


# The severest named scenario (conf/scenario/everything.yaml): every library shock at its default sizes.
EVERYTHING = ("deepseek", "rate_hike", "private_credit_freeze", "taiwan", "demand_slump", "gpu_depreciation")


def _cases():
    cases = {"none": {}}
    for name, (shock, size, values) in SWEEPS.items():
        for v in values:
            cases[f"{name}={v}"] = {shock: {size: v}}
    cases["everything"] = {k: {} for k in EVERYTHING}
    for a in BASES:
        cases[a] = {a: {}}
        for b in BASES:
            if a < b:
                cases[f"{a}+{b}"] = {a: {}, b: {}}
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def world():
    return run_cases(CASES, ModelParams(record_paths=True))


def holders_loss(base, o, keep=True) -> float:
    """Sum over firms (``keep`` ``[N]`` bool: those counted) of net worth lost against the baseline
    (gains not netted)."""
    return float((np.maximum(base.net_worth - o.net_worth, 0.0) * keep).sum())


def credit_loss(o) -> float:
    """Every lender's credit loss: on the network's borrowers and on the books outside it (§5.8)."""
    return float(o.credit_loss_by_kind.sum() + o.book_loss_by_kind.sum())


def _weakly_worse(labels, base, a, b, what, gainers=()):
    """Case ``b`` (more severe) is at least as bad as ``a`` on credit loss, holders' loss and every
    firm's default (a tolerance of 1e-6 bn for round-off). ``gainers``: kinds whose role says they
    gain from the added shock (§8.8), left out of holders' loss."""
    ca, cb = credit_loss(a), credit_loss(b)
    # Credit losses within 1 % of their level: a harsher shock can fail a borrower a quarter later
    # (it stopped building sooner) after it repaid another quarter of amortising debt.
    assert cb >= ca - max(1e-6, 0.01 * ca), f"{what}: credit loss {ca:.2f} -> {cb:.2f}"
    keep = np.asarray([k not in gainers for k in labels.kinds])
    la, lb = holders_loss(base, a, keep), holders_loss(base, b, keep)
    assert lb >= la - 1e-6, f"{what}: holders' loss {la:.2f} -> {lb:.2f}"
    rescued = a.defaulted & ~b.defaulted
    assert not rescued.any(), f"{what}: {[labels.ids[i] for i in np.flatnonzero(rescued)]} rescued"


# Every severity sweep passes. (DeepSeek's k, once open, passes since equity is an option
# on the firm's assets; DeepSeek's elasticity since IREN's December 2025 convertibles are booked as
# the two series they are, due 2032 and 2033, after the horizon.) A sweep named here would run as an
# expected failure with its story.
V3_OPEN_SWEEPS: set[str] = set()


@pytest.mark.parametrize("sweep", [pytest.param(name, marks=[pytest.mark.xfail(
    reason="issue 26: a later default after more amortisation, or less lent into a deeper glut (see V3_OPEN_SWEEPS)",
    strict=True)]
    if name in V3_OPEN_SWEEPS else []) for name in SWEEPS])
def test_every_size_of_every_shock_weakly_raises_losses_and_each_firms_default(world, sweep):
    labels, o = world
    _, _, values = SWEEPS[sweep]
    runs = [o[f"{sweep}={v}"] for v in values]
    for (va, a), (vb, b) in zip(zip(values, runs), zip(values[1:], runs[1:])):
        _weakly_worse(labels, o["none"], a, b, f"{sweep} {va} -> {vb}")


@pytest.mark.parametrize("pair", [pytest.param((a, b), id=f"{a}+{b}", marks=[pytest.mark.xfail(
    reason="issue 26: a cut that lowers spending rescues a firm short of funding (see V3_OPEN_PAIRS)", strict=True)]
    if (a, b) in V3_OPEN_PAIRS else []) for a in BASES for b in BASES if a < b])
def test_adding_a_shock_never_lowers_losses_or_rescues_a_firm(world, pair):
    labels, o = world
    a, b = pair
    both = o[f"{a}+{b}"]
    for alone in (a, b):
        added = b if alone == a else a
        # §8.5's role: floating-rate lenders earn more in a rate hike (the outside sector, paid by firms that
        # gain under the other shock, loses less), so lenders' net worth is not a loss the hike must raise.
        gainers = LENDER_KINDS if added == "rate_hike" else ()
        _weakly_worse(labels, o["none"], o[alone], both, f"{alone} -> {a}+{b}", gainers)


def test_deepseek_labs_margins_fall(world):
    """§8.2: labs' margins, (revenue − cash cost) / revenue, fall under DeepSeek (ε < 1): end
    prices and volume fall while binding compute contracts and fixed costs stay."""
    labels, o = world
    for lab in LABS:
        i = labels.index(lab)
        assert o["deepseek"].margin[i] < o["none"].margin[i], (lab, o["deepseek"].margin[i], o["none"].margin[i])


def test_nobody_defaults_because_it_spent_less(world):
    """§8.2 on the liquidity path: a firm that fails under DeepSeek had less liquidity than in
    the baseline in the quarter it failed (spending less alone would have left it more)."""
    labels, o = world
    shocked, base = o["deepseek"], o["none"]
    for i in np.flatnonzero(shocked.defaulted):
        q = int(shocked.default_quarter[i])
        assert shocked.cash_path[q, i] < base.cash_path[q, i], labels.ids[i]


def test_deepseek_lowers_openais_net_worth(world):
    """Issue 26: with its contracts binding as written, DeepSeek no longer makes OpenAI richer."""
    labels, o = world
    i = labels.index("openai")
    assert o["deepseek"].net_worth[i] < o["none"].net_worth[i]


def test_severest_scenario_credit_losses_by_lender_kind_are_in_the_published_ranges(world):
    """docs/model.md §8 (the magnitude test) at the central sizes of ``everything``: private credit loses 20–300 bn (UBS's
    2026 notes: 75–120 bn of new defaults in its baseline, default rates of 13–15 % in its AI-disruption
    cases on a ~2 tn market), banks 5–100 bn, insurers and pension funds each more than 5 — credit losses
    on the network's borrowers and on the books outside it together (before funds pass theirs to LPs)."""
    labels, out = world
    o = out["everything"]
    total = dict(zip(LENDER_KINDS, o.credit_loss_by_kind + o.book_loss_by_kind))
    assert 20.0 <= total["private_credit"] <= 300.0, total
    assert 5.0 <= total["bank"] <= 100.0, total
    assert total["insurer"] > 5.0 and total["pension_fund"] > 5.0, total
    # and no bank fails at these central sizes: JPMorgan, the bank with the least headroom over its losses (its
    # CET1 is 57 bn above its requirement), stays above it here; it breaches only in the tail of the Monte Carlo
    assert not any(o.defaulted[i] for i, k in enumerate(labels.kinds) if k == "bank")

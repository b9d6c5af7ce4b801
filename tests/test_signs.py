"""Sign tests of docs/model.md §8 on the embedded network: deterministic runs (sizes fixed at
their configured values, no noise), losses against the no-shock baseline."""
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from stressgpu._types import Reason
from stressgpu.data import load_tables
from stressgpu.batch import simulate
from stressgpu.model import ModelParams
from stressgpu.network import build_network
from stressgpu.shocks import SHOCKS, draw_factors, neutral

DATA = Path(__file__).parents[1] / "data"
# Net sellers of compute or AI hardware (docs/model.md §8.2): chipmakers, neoclouds, and the
# clouds of Oracle, Microsoft, Alphabet and Amazon.
SELLERS = ("nvidia", "amd", "broadcom", "tsmc", "coreweave", "nebius", "oracle", "microsoft", "alphabet", "amazon")
CHIPMAKERS = ("nvidia", "amd", "broadcom", "tsmc")
LABS = ("openai", "anthropic", "xai")


@pytest.fixture(scope="module")
def world():
    net, labels = build_network(load_tables(DATA), dtype=jnp.float64)
    base = simulate(net, neutral(1, net.n, jnp.float64), ModelParams())
    return net, labels, base


def run(world, **shocks):
    net, labels, _ = world
    cfgs = {name: SHOCKS[name][0](**sizes) for name, sizes in shocks.items()}
    f, _ = draw_factors(cfgs, labels, jax.random.PRNGKey(0), 1, random=False, dtype=jnp.float64)
    return simulate(net, f, ModelParams())


def ids(labels, mask):
    return [labels.ids[i] for i in np.flatnonzero(np.asarray(mask))]


def equity_loss(base, o) -> float:
    """Sum of losses of net worth (book, may be negative) against the baseline; gains are not
    netted (docs/model.md §7)."""
    return float(jnp.maximum(base.net_worth - o.net_worth, 0.0).sum())


def test_no_default_without_shock(world):
    _, labels, base = world
    assert not bool(base.defaulted.any()), ids(labels, base.defaulted[0])
    assert int(base.status[0]) == 0
    # The plan keeps utilisation steady until a firm's plan runs beyond what its lenders and
    # investors fund (an unfunded gap, reported with its quarter): then it builds less.
    gap_q = base.gap_quarter[0]
    first_gap = int(gap_q[gap_q >= 0].min()) if bool((gap_q >= 0).any()) else base.utilisation.shape[1]
    np.testing.assert_allclose(base.utilisation[0, :first_gap], base.utilisation[0, 0])
    np.testing.assert_allclose(base.rental_price[0, :first_gap], 1.0)
    # Nobody earns less than its plan, except a firm that could not fund its own build-out.
    no_gap = np.asarray(gap_q < 0)
    assert bool((base.revenue_vs_plan[0][no_gap] >= 1.0 - 1e-9).all())


# Known failure of §8.2 on the embedded data (issue 26, open): Nebius's value rises 0.5 % under
# DeepSeek (ε 0.7) although its revenue falls — it builds less, so the capex it saves and its
# cheaper replacement hardware (upkeep at today's lower hardware price) outweigh the smaller
# franchise (the market's extra terminal cash flow, scaled by its last-year revenue, −14 %).
MV_OPEN = {"nebius": "capex saved and cheaper replacement hardware outweigh the smaller franchise"}

def test_deepseek_inelastic_sellers_lose_and_prices_fall(world):
    net, labels, base = world
    o = run(world, deepseek=dict(elasticity=0.7))
    risen = []
    for firm in SELLERS:
        i = labels.index(firm)
        assert float(o.revenue_vs_plan[0, i]) < 1.0, firm
        if float(o.market_value[0, i]) >= float(base.market_value[0, i]):      # §8.2: market value falls
            risen.append((firm, float(base.market_value[0, i]), float(o.market_value[0, i])))
    assert float(o.rental_price[0].max()) < 1.0          # compute rental price falls
    assert float(o.prices[0, :, 0].max()) < 1.0           # and so does the resale value of AI hardware
    # Nobody defaults because it spent less: every firm that fails lost revenue against plan.
    for i in np.flatnonzero(np.asarray(o.defaulted[0])):
        assert float(o.revenue_vs_plan[0, i]) < 1.0, labels.ids[i]
    assert all(firm in MV_OPEN for firm, *_ in risen), risen
    if risen:   # the known failure, reported as such rather than passed (issue 26, open)
        pytest.xfail(f"issue 26: {risen}: {'; '.join(MV_OPEN[f] for f, *_ in risen)}")


# Labs' margins, (revenue − cash cost) / revenue, and "nobody defaults because it spent less" on
# the liquidity path: tests/test_v3_signs.py.


@pytest.mark.slow
def test_jevons_sellers_gain_and_nobody_is_made_to_spend(world):
    _, labels, base = world
    o = run(world, deepseek=dict(elasticity=1.5, equity_rerate=0.0))
    assert not bool(o.defaulted.any()), ids(labels, o.defaulted[0])
    for firm in SELLERS:
        i = labels.index(firm)
        assert float(o.revenue_vs_plan[0, i]) >= 1.0 - 1e-9, firm
        assert float(o.net_worth[0, i]) >= float(base.net_worth[0, i]) - 1e-6, firm
    assert bool((o.capex_vs_plan <= 1.0 + 1e-9).all())   # a shock never forces spending up


def test_taiwan_prices_rise_volumes_fall_no_credit_gain(world):
    _, labels, base = world
    o = run(world, taiwan=dict(share=0.5, quarters=4))
    assert float(o.hardware_price[0, :4].min()) > 1.0     # scarcity price of new hardware
    assert float(o.hardware_shipped[0, :4].max()) < 1.0   # chipmakers ship less
    assert float(o.prices[0, 4:, 0].min()) >= 1.0 - 1e-9  # installed hardware is worth more
    assert float(o.rental_price[0, 4:].min()) >= 1.0 - 1e-9
    assert float(o.credit_loss_by_kind.sum()) >= float(base.credit_loss_by_kind.sum()) - 1e-9


# Every severity size of every shock is swept in tests/test_v3_signs.py (one compiled batch), on
# credit loss, holders' loss and each firm's default.


@pytest.mark.slow
def test_private_credit_freeze_losses_rise_with_its_length(world):
    """docs/model.md §8.6: borrowers that need private credit to refinance or fund capex fail
    more often, and losses rise with the freeze's length (equity losses strictly; credit
    losses weakly: a longer freeze also keeps scarce hardware dearer, so estates recover a
    little more, within 1 %). At the freeze's own funding cut (0.5, the equity window halved for
    as long): with no cut, the committed construction winding down and asset-backed notes
    extending leave nobody in default at the central path even after 8 quarters."""
    _, labels, base = world
    losses, credit, defaults = [], [], []
    for q in (0, 2, 4, 8):
        o = run(world, private_credit_freeze=dict(quarters=q, funding_cut=0.5))
        losses.append(equity_loss(base, o))
        credit.append(float(o.credit_loss_by_kind.sum()))
        defaults.append(int(o.defaulted.sum()))
    assert np.all(np.diff(losses) > 0), losses
    assert np.all(np.diff(defaults) >= 0), defaults
    assert credit[0] == 0.0 and credit[-1] > 0.0, credit
    assert np.all(np.diff(credit) >= -0.01 * max(credit)), credit


@pytest.mark.slow
def test_buyer_default_costs_its_suppliers_and_creditors_recover_partly(world):
    """docs/model.md §8.7: OpenAI's default gives its suppliers losses (never gains) through
    their claims for unpaid commitments, and its creditors recover only part of their claims."""
    net, labels, base = world
    o = run(world, idiosyncratic_default=dict(entities=["openai"]))
    i = labels.index("openai")
    assert bool(o.defaulted[0, i])
    for firm in ("oracle", "microsoft", "coreweave", "nvidia"):
        j = labels.index(firm)
        assert float(o.net_worth[0, j]) <= float(base.net_worth[0, j]) + 1e-6, firm
    paid = float(o.payments[0, i]) / float(o.total_liabilities[0, i])
    assert 0.0 < paid < 1.0, paid
    assert float(o.claims.sum()) > 0.0


def test_supplier_default_costs_its_buyers(world):
    """docs/model.md §8.7: when a supplier fails, its live buyers replace what they still need
    at the market rental price plus a switching premium: at the plan's price they pay more than
    the contract, never less. (On the whole network a buyer may still end richer: a failed
    seller's capacity leaves the market, rental prices and the hardware it owns gain value.)"""
    from stressgpu.model.contracts import payments
    net, labels, _ = world
    K = net.commit_amount[:, 4]
    alive = jnp.ones(net.n, net.cash.dtype)
    demand = jnp.ones(net.n, net.cash.dtype)
    premium = ModelParams().replacement_premium
    paid, _, _, replaced, _ = payments(net, K, demand, alive, 1.0 * (1 + premium))
    assert float(replaced.sum()) == 0.0                       # nobody failed: nothing replaced
    failed = alive.at[labels.index("coreweave")].set(0.0)
    paid2, _, lost2, replaced2, _ = payments(net, K, demand, failed, 1.0 * (1 + premium))
    from_cw = np.asarray(net.commit_supplier[:, labels.index("coreweave")]) > 0
    assert from_cw.any()
    np.testing.assert_allclose(np.asarray(replaced2)[from_cw], (1 + premium) * np.asarray(paid)[from_cw])
    assert float(np.asarray(paid2)[from_cw].sum()) == 0.0


@pytest.mark.slow
def test_mark_to_market_alone_defaults_no_operating_company(world):
    """docs/model.md §5.1: a firm that can pay its coupons does not default because its assets
    are marked down (here: AI hardware and data centres repriced, nothing else). With covenants
    off nobody defaults through the markdown itself: a firm that fails misses a payment because
    its secured lenders, lending against collateral at its value (model v3, §4), lend less; with
    covenants on, the other defaults are borrowers whose lender accelerated an uncured breach,
    never before the cure period has run."""
    net, labels, base = world
    f = neutral(1, net.n, jnp.float64)
    f = f.__class__(**{**f.__dict__, "price": jnp.array([[1.0, 0.6, 1.0, 1.0]]), "depreciation_mult": jnp.array([1.5])})
    operating = [i for i, k in enumerate(labels.kinds) if k not in ("bank", "private_credit", "insurer")]
    off = simulate(net, f, ModelParams(covenants=False))
    collateral_squeezed = set()
    for i in operating:
        if bool(off.defaulted[0, i]):
            assert int(off.default_reason[0, i]) == Reason.PAYMENT_MISSED, labels.ids[i]
            assert int(off.default_closed[0, i]) & 2, labels.ids[i]        # private credit lent it nothing
            collateral_squeezed.add(i)
    assert not bool(off.accelerated.any())
    on = simulate(net, f, ModelParams())
    accelerated_borrowers = np.asarray(net.debt_borrower.T @ on.accelerated[0].astype(jnp.float64)) > 0
    for i in np.flatnonzero(np.asarray(on.defaulted[0])):
        if i in collateral_squeezed:
            continue
        assert accelerated_borrowers[i], labels.ids[i]                  # defaulted through acceleration only
        assert int(on.default_quarter[0, i]) > 0, labels.ids[i]         # a breach must first outlast its cure
    # Colossus 2's GPU-backed loan (LTV covenant 0.75) breaches, but the GPUs still cover it: its
    # lender waives rather than accelerate (docs/model.md §5.1), and the vehicle lives.
    assert not bool(on.defaulted[0, labels.index("colossus2_spv")])


def test_covenant_breach_accelerates_only_after_the_cure_period():
    """docs/model.md §5.1, by hand: an LTV covenant of 0.75 with a one-quarter cure period on a
    loan of 80 against collateral marked 100 (compliant), then 90 (breached once: cured in
    time), then a breach that lasts two quarters (accelerated on the second)."""
    from stressgpu.model.covenants import covenant_test
    one = lambda v: jnp.asarray([v], jnp.float64)  # noqa: E731
    args = dict(ltv_pool=jnp.ones((1, 1)), max_ltv=one(0.75), min_icr=one(0.0), cure=one(1.0),
                borrower=jnp.ones((1, 1)), ocf=one(10.0), interest=one(1.0), live=one(1.0))
    breach = one(0.0)
    seen = []
    for value in (120.0, 100.0, 120.0, 100.0, 100.0):
        r = covenant_test(one(80.0), one(value), breach=breach, **args)
        breach = r.breach
        seen.append((float(r.breach[0]), bool(r.accelerate[0])))
    assert seen == [(0.0, False), (1.0, False), (0.0, False), (1.0, False), (2.0, True)]
    # Interest cover: 1.1 < 1.2 breaches; no covenant (min 0) never does, even with a loss.
    icr = covenant_test(one(80.0), one(1e9), **{**args, "max_ltv": one(jnp.inf), "min_icr": one(1.2),
                                              "ocf": one(1.1), "cure": one(0.0)}, breach=one(0.0))
    assert bool(icr.accelerate[0]) and float(icr.icr[0]) == pytest.approx(1.1)
    none = covenant_test(one(80.0), one(1.0), **{**args, "max_ltv": one(jnp.inf), "ocf": one(-5.0)}, breach=one(3.0))
    assert not bool(none.accelerate[0]) and float(none.breach[0]) == 0.0


@pytest.mark.slow
def test_supplier_default_costs_its_buyers_their_prepayments(world):
    """docs/model.md §5.4: when IREN fails, Microsoft's unused 20 % prepayment on its IREN
    contract becomes a claim on IREN's estate that recovers only part, so Microsoft loses."""
    net, labels, base = world
    f = neutral(1, net.n, jnp.float64)
    f = f.__class__(**{**f.__dict__, "default_now": f.default_now.at[0, labels.index("iren")].set(True)})
    o = simulate(net, f, ModelParams())
    c = labels.commit_links.index("c_ms_iren")
    claim = float(o.prepayment_claims[0, c])
    remaining = float(net.commit_amount[c, 1:].sum() + net.economy.commit_after[c])
    assert claim == pytest.approx(0.2 * remaining, rel=1e-9)
    ms = labels.index("microsoft")
    assert 0.0 < float(o.credit_loss[0, ms]) - float(base.credit_loss[0, ms]) < claim


@pytest.mark.slow
def test_rate_hike_floating_lenders_earn_more_losses_rise(world):
    """docs/model.md §8.5: floating-rate borrowers pay more and floating-rate lenders earn more;
    losses weakly increase in the rate rise (the dr sweep above checks equity losses)."""
    net, labels, base = world
    o = run(world, rate_hike=dict(dr=0.02))
    floating_lender = np.asarray((net.debt_floating * net.debt_amount) @ net.debt_lender) > 0
    lenders = [i for i in np.flatnonzero(floating_lender) if labels.kinds[i] in ("bank", "private_credit")]
    assert lenders
    for i in lenders:
        assert float(o.interest_income[0, i]) > float(base.interest_income[0, i]), labels.ids[i]
    credit = [float(run(world, rate_hike=dict(dr=d)).credit_loss_by_kind.sum()) for d in (0.0, 0.01, 0.03)]
    assert np.all(np.diff(credit) >= -1e-9), credit


@pytest.mark.slow
def test_everything_reaches_banks_private_credit_insurers_and_pension_funds(world):
    """docs/model.md §7: with every shock at its configured size, credit losses reach banks
    and private credit directly, and insurers and pension funds (also as the funds' LPs, who bear
    what the funds lose: their LP shares add to 1, so the funds keep none of it)."""
    from stressgpu._types import LENDER_KINDS
    o = run(world, **{k: {} for k in ("deepseek", "rate_hike", "private_credit_freeze", "taiwan",
                                      "demand_slump", "gpu_depreciation", "ai_sentiment")})
    borne = dict(zip(LENDER_KINDS, np.asarray(o.credit_loss_borne_by_kind[0])))
    direct = dict(zip(LENDER_KINDS, np.asarray(o.credit_loss_by_kind[0])))
    book = dict(zip(LENDER_KINDS, np.asarray(o.book_loss_by_kind[0])))
    for kind in ("bank", "private_credit"):
        assert direct[kind] > 0.0 and book[kind] > 0.0, (kind, direct, book)
    for kind in ("insurer", "pension_fund"):
        assert borne[kind] > direct[kind] + book[kind], (kind, borne)        # their own, and the funds' passed on
    assert borne["private_credit"] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(sum(borne.values()), sum(direct.values()) + sum(book.values()), rtol=1e-9)


@pytest.mark.slow
def test_no_shock_monte_carlo_keeps_investment_grade_firms_alive(world):
    """docs/model.md §8.1: with revenue noise and no shock, no firm with investment-grade access
    (chipmakers, hyperscalers, utilities, banks, insurers) defaults."""
    net, labels, _ = world
    f, _ = draw_factors({}, labels, jax.random.PRNGKey(1), 128, revenue_noise=0.1, dtype=jnp.float64)
    o = simulate(net, f, ModelParams())
    ig = [i for i, k in enumerate(labels.kinds) if k in ("chipmaker", "hyperscaler", "utility", "bank", "insurer")]
    assert not bool(o.defaulted[:, ig].any()), ids(labels, o.defaulted[:, ig].any(0))
    assert bool((o.status == 0).all())


@pytest.mark.slow
def test_guarantor_pays_for_a_defaulted_borrower(world):
    """docs/model.md §5.3: when the Hyperion vehicle defaults, Meta (its guarantor) pays what the
    collateral did not cover on the guaranteed bonds, so their holders lose nothing."""
    net, labels, base = world
    o = run(world, idiosyncratic_default=dict(entities=["hyperion_spv"]))
    h, meta = labels.index("hyperion_spv"), labels.index("meta")
    assert bool(o.defaulted[0, h]) and not bool(o.defaulted[0, meta])
    assert float(o.guarantees_paid[0, meta]) > 0.0
    guaranteed = np.asarray(net.economy.debt_guarantor[:, meta]) > 0
    assert guaranteed.any()
    lenders = {int(np.argmax(np.asarray(net.debt_lender[e]))) for e in np.flatnonzero(guaranteed)}
    for j in lenders:   # holders of the guaranteed bonds lose no more than with no default at all
        assert float(o.credit_loss[0, j]) <= float(base.credit_loss[0, j]) + 1e-6, labels.ids[j]


@pytest.mark.slow
def test_amplification_is_at_least_one_in_every_monte_carlo_scenario(world):
    """docs/model.md §7: total loss over first-round loss is >= 1 in every scenario of a Monte
    Carlo run with every shock drawn around its configured size; gains are reported apart and
    capital shortfalls are never negative."""
    from stressgpu._types import LENDER_KINDS
    from stressgpu.montecarlo import run_montecarlo
    net, labels, _ = world
    shocks = {k: SHOCKS[k][0]() for k in ("deepseek", "rate_hike", "private_credit_freeze", "taiwan",
                                            "demand_slump", "gpu_depreciation", "ai_sentiment")}
    r = run_montecarlo(net, labels, shocks, scenarios=64, chunk_size=64, seed=3, correlation=0.5,
                       revenue_noise=0.1, params=ModelParams(), progress=False, diagnostics=False)
    amp = np.asarray(r.scenarios["amplification"])
    first = np.asarray(r.scenarios["first_round_loss"])
    assert (first > 0).all()                                   # every shock costs someone something first
    assert np.isfinite(amp).all() and (amp >= 1.0 - 1e-12).all(), amp.min()
    assert (np.asarray(r.scenarios["gains"]) >= 0).all()
    for k in LENDER_KINDS:
        assert (np.asarray(r.scenarios[f"capital_shortfall_{k}"]) >= 0).all(), k


def test_no_shock_market_value_equals_the_data_and_growth_is_priced_in(world):
    """docs/model.md §6: with no shock, each firm's t = 0 market value equals the data's market
    capitalisation or last valuation (1e-6 relative), through its priced-in growth (or, where
    no growth can do it, an extra terminal cash flow); firms without one are valued at >= 0."""
    net, labels, base = world
    data = np.asarray(net.economy.market_value)
    model = np.asarray(base.market_value[0])
    has = data > 0
    assert has.sum() >= 20
    np.testing.assert_allclose(model[has], data[has], rtol=1e-6)
    assert (model >= 0).all()
    g = np.asarray(base.priced_growth[0])
    assert np.isfinite(g).all() and (np.abs(g[has]) < 0.5).all()
    # A rate hike lowers every listed firm's value (§8.5: values fall with duration).
    o = run(world, rate_hike=dict(dr=0.01))
    listed = np.asarray(net.economy.listed) > 0
    assert (np.asarray(o.market_value[0])[listed] < model[listed]).all()


def test_ai_lines_carry_the_growth_by_hand():
    """docs/model.md §3: non-AI lines grow at 4.5 %, AI lines take the rest. Broadcom-like: 24 %
    AI (all hardware) growing 25 % a year is 1 − 0.76 (1.045/1.25)^5 by the 20th quarter; a firm
    growing slower than its non-AI lines, or with no AI lines, keeps its shares."""
    from stressgpu.model.value_chain import ai_shares_at

    shares = jnp.asarray([[0.0, 0.24, 0.0, 0.0], [0.1, 0.0, 0.1, 0.0], [0.0, 0.0, 0.0, 0.0]])
    growth = jnp.asarray([0.25, 0.03, 0.25])
    np.testing.assert_allclose(ai_shares_at(shares, growth, 0.045, 0.0), shares, rtol=1e-12)
    at20 = np.asarray(ai_shares_at(shares, growth, 0.045, 20.0))
    np.testing.assert_allclose(at20[0], [0.0, 1 - 0.76 * (1.045 / 1.25) ** 5, 0.0, 0.0], rtol=1e-12)
    np.testing.assert_allclose(at20[1:], shares[1:], rtol=1e-12)
    # Each line keeps its proportion; shares never pass 1.
    mixed = np.asarray(ai_shares_at(jnp.asarray([[0.3, 0.0, 0.1, 0.0]]), jnp.asarray([0.4]), 0.045, 40.0))[0]
    assert mixed[0] == pytest.approx(3 * mixed[2]) and mixed.sum() <= 1.0


def test_terminal_cash_flow_is_net_of_depreciation(world):
    """docs/model.md §6: the terminal cash flow is net of what keeps the capital stock. Meta sells
    no AI, so GPUs wearing out 1.5× as fast leave its revenue as it was, but it must spend more to
    replace them: its terminal free cash flow falls (it would not move if depreciation were not
    subtracted)."""
    net, labels, base = world
    f, _ = draw_factors({"gpu_depreciation": SHOCKS["gpu_depreciation"][0]()}, labels, jax.random.PRNGKey(0), 1,
                        random=False, dtype=jnp.float64)
    o = simulate(net, f, ModelParams())
    i = labels.index("meta")
    assert float(o.revenue_vs_plan[0, i]) == pytest.approx(float(base.revenue_vs_plan[0, i]), rel=1e-9)
    assert float(o.value_parts.tail[0, i]) < 0.99 * float(base.value_parts.tail[0, i])

"""stressgpu.model.capacity (docs/model.md §3.1 Capacity, §4 Capex intent, Capex, Capacity and
assets): investment intent, capex spent and the capital stock built, on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import jax.numpy as jnp
from numpy.testing import assert_allclose

from stressgpu._types import KINDS
from stressgpu.model.capacity import Investment, build, capex_spent, investment
from stressgpu.model.state import Capacity
from stressgpu.model.value_chain import ChainState, Demand

a = partial(jnp.asarray, dtype=jnp.float64)
KIND = {k: KINDS.index(k) for k in KINDS}

# Five AI-chain firms: a hyperscaler and a neocloud selling compute, a lab, a data-centre SPV and
# a chipmaker (no AI buyer).
NET = NS(kind=jnp.array([KIND[k] for k in ("hyperscaler", "neocloud", "ai_lab", "datacenter_spv", "chipmaker")]),
         ai_buyer=a([1, 1, 1, 1, 0]), capex=a([40, 8, 4, 12, 20]), capex_growth=a([0.21, 0, 0, 0, 0.1]),
         ai_shares=a([[0.2, 0, 0.1, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0.5, 0, 0]]),
         economy=NS(capacity=a([4, 4, 0, 0, 0]), ai_capex_share=a([0.5, 0, 0, 0, 0])))
K = NS(hw_share=a([0.6, 0.6, 0.6, 0.6, 0]), order_share=a(0.5))


def test_investment_glut_only_ai_part_responds():
    # Installed 10 against a plan of 8, compute demand 0.9: tightness 0.9·8/10 = 0.72 for the
    # sellers; the lab follows compute demand, 0.9. The hyperscaler's AI part is
    # max(AI revenue share 0.3, AI capex share 0.5) = 0.5: 1 − 0.5·(1 − 0.72) = 0.86.
    cap = NS(installed=a([6, 4, 0, 0, 0]), plan=a([4, 4, 0, 0, 0]))
    inv = jax.jit(lambda c, t: investment(NET, K, NS(installed=c, plan=cap.plan), Demand(a(1.0), a(0.9)), t))(
        cap.installed, a(2.0))
    assert_allclose(inv.capex_mult, [0.86, 0.72, 0.9, 1.0, 1.0], rtol=1e-14)   # SPV and chipmaker keep plan
    # Plan capex at t = 2: capex/4·(1 + g)^(1/2): 10·1.1, 2, 1, 3, 5·√1.1.
    assert_allclose(inv.capex_plan, [11.0, 2.0, 1.0, 3.0, 5 * 1.1 ** 0.5], rtol=1e-14)
    assert_allclose(inv.hw_plan, [6.6, 1.2, 0.6, 1.8, 0.0], rtol=1e-14)
    # Orders: ω·Σ hw_plan·mult/Σ hw_plan + (1 − ω)·compute
    #       = 0.5·(6.6·0.86 + 1.2·0.72 + 0.6·0.9 + 1.8)/10.2 + 0.5·0.9 = 0.5·8.88/10.2 + 0.45.
    assert_allclose(inv.orders, 0.5 * 8.88 / 10.2 + 0.45, rtol=1e-14)


def test_investment_never_above_plan_and_ai_revenue_share_can_set_the_ai_part():
    # Scarcity (demand 1.5 on planned capacity): intent is capped at 1, nobody invests above plan.
    cap = NS(installed=a([4, 4, 0, 0, 0]), plan=a([4, 4, 0, 0, 0]))
    assert_allclose(investment(NET, K, cap, Demand(a(1.0), a(1.5)), 0.0).capex_mult, 1.0)
    # Demand 0.5 with AI revenue share 0.8 above the AI capex share 0.5: 1 − 0.8·0.5 = 0.6.
    net = NS(**{**vars(NET), "ai_shares": NET.ai_shares.at[0].set(a([0.5, 0, 0.3, 0]))})
    inv = investment(net, K, cap, Demand(a(1.0), a(0.5)), 0.0)
    assert_allclose(inv.capex_mult, [0.6, 0.5, 0.5, 1.0, 1.0], rtol=1e-14)
    assert_allclose(inv.capex_plan, [10.0, 2.0, 1.0, 3.0, 5.0], rtol=1e-14)   # t = 0: capex/4


def test_capex_spent_hardware_at_scarcity_price_as_far_as_it_ships():
    # Hardware share 0.6 half delivered at price 1.5: 0.6·0.5·1.5 + 0.4 = 0.85 of intended capex.
    inv = Investment(a([0.5, 1.0]), a([10.0, 4.0]), a([6.0, 0.0]), a(1.0))
    chain = NS(delivered=a(0.5), hardware_price=a(1.5))
    spent = jax.jit(lambda i: capex_spent(i, NS(hw_share=a([0.6, 0.0])), chain))(inv)
    assert_allclose(spent, [10 * 0.5 * 0.85, 4.0], rtol=1e-14)


# Three firms for the capital stock: a neocloud (AI buyer), a chipmaker (not), a defaulted AI buyer.
BUILD_NET = NS(ai_buyer=a([1, 0, 1]))
BUILD_K = NS(hw_share=a([0.6, 0, 0.6]), build=a([0.5, 0, 0.5]), depreciation=a([0.05, 0.05, 0.05]))
F = NS(depreciation_mult=a(2.0))                                   # hardware wears out twice as fast
P = NS(hardware_life_years=5.0, real_estate_life_years=25.0)
INV = Investment(a([0.8, 1, 1]), a([10, 8, 10]), a([6, 0, 6]), a(1.0))
HOLD = a([[12, 30, 0, 5], [0, 0, 0, 40], [24, 60, 0, 0]])
PRICE = a([0.5, 1, 1, 1])
ALIVE = a([1, 1, 0])


def _chain(delivered):
    z = a(0.0)
    return ChainState(z, z, jnp.zeros(3), z, z, a(delivered), z, z)


def test_build_capacity_pipeline_holdings_upkeep():
    pipe = a([[1, 0, 2], [3, 0, 4]])                                 # lag 2: slot 0 comes online now
    cap = Capacity(a([10, 0, 20]), a([10, 0, 20]), pipe, pipe, a([10, 0, 20]), pipe)
    # Capex 3 after a cut of 1: kept 3/4. Hardware units: 10·0.8·0.6·0.5 (delivered)·0.75 = 1.8, built at 0.5.
    new, hold, upkeep = jax.jit(partial(build, BUILD_NET, F, P, BUILD_K))(
        cap, INV, _chain(0.5), a([3, 8, 0]), a([1, 0, 0]), HOLD, PRICE, ALIVE)
    # Capacity: δ = 0.05·2 = 0.1; 10·0.9 + 1 = 10, 0, 20·0.9 + 2 = 20; the dead firm orders nothing.
    assert_allclose(new.installed, [10.0, 0.0, 20.0], rtol=1e-14)
    assert_allclose(new.pipeline, [[3, 0, 4], [0.9, 0, 0]], rtol=1e-14)
    # The plan: unshocked δ = 0.05 and planned hardware 0.5·6 = 3.
    assert_allclose(new.plan, [10.5, 0.0, 21.0], rtol=1e-14)
    assert_allclose(new.pipeline_plan, [[3, 0, 4], [3, 0, 3]], rtol=1e-14)
    # Holdings: hardware depreciates 2/5/4 = 0.1, real estate 1/25/4 = 0.01 a quarter. The AI
    # buyer's capex 3 buys 1.8/0.5 = 3.6 of hardware and 1.2 of real estate; the chipmaker's 8 is
    # other assets; the dead firm's holdings are frozen.
    assert_allclose(hold, [[12 * 0.9 + 3.6, 30 * 0.99 + 1.2, 0, 5], [0, 0, 0, 48], [24, 60, 0, 0]], rtol=1e-14)
    # Upkeep: the AI buyer's depreciation at today's prices 12·0.1·0.5 + 30·0.01 = 0.9; the
    # chipmaker's capex; nothing for the dead firm.
    assert_allclose(upkeep, [0.9, 8.0, 0.0], rtol=1e-14)


def test_build_without_lag_brings_this_quarters_hardware_online():
    empty = jnp.zeros((0, 3))
    cap = Capacity(a([10, 0, 20]), a([10, 0, 20]), empty, empty, a([10, 0, 20]), empty)
    new, _, _ = build(BUILD_NET, F, P, BUILD_K, cap, INV, _chain(0.5), a([4, 8, 0]), a([0, 0, 0]), HOLD, PRICE, ALIVE)
    # No cut: 0.5·10·0.8·0.6·0.5 = 1.2 online at once; plan: 10·0.95 + 0.5·6.
    assert_allclose(new.installed, [9 + 1.2, 0.0, 18.0], rtol=1e-14)
    assert_allclose(new.plan, [12.5, 0.0, 22.0], rtol=1e-14)
    assert new.pipeline.shape == (0, 3)

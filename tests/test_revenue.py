"""stressgpu.model.revenue (docs/model.md §3.1 Revenue by role, §4 Costs): the market part of
revenue after the contracts, each AI line on its market multiplier, noise on AI lines only,
and the quarter's costs, on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import jax.numpy as jnp
import numpy as np
from numpy.testing import assert_allclose

from stressgpu._types import KINDS
from stressgpu.model.revenue import CHIP_USER_GDP_ELASTICITY, Revenue, costs, market_revenue, non_ai_multiplier
from stressgpu.model.value_chain import Demand

a = partial(jnp.asarray, dtype=jnp.float64)

# Five firms: a neocloud (90 % compute), a chipmaker (50 % hardware), a lab (all services),
# a utility (20 % power, 10 % leases) and a bank (no AI lines). Two contracts: 4 a quarter to
# the neocloud, 8 to the lab (more than the lab's own plan of 5).
KIND = jnp.asarray([KINDS.index(k) for k in ("neocloud", "chipmaker", "ai_lab", "utility", "bank")])
NET = NS(revenue=a([40, 80, 20, 100, 60]), revenue_growth=a([0.21, 0.21, 0.21, 0.21, 0.21]), kind=KIND,
         ai_shares=a([[0.9, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0.2], [0, 0, 0, 0]]),
         commit_supplier=a([[1, 0, 0, 0, 0], [0, 0, 1, 0, 0]]),
         commit_buyer=a([[0, 0, 1, 0, 0], [0, 1, 0, 0, 0]]),
         economy=NS(lease_share=a([0, 0, 0, 0.1, 0]), variable_cost_share=a([0.5, 0.4, 0.3, 0.2, 0.1])))
CHAIN = NS(compute_revenue=a([0.5, 1, 1, 1, 1]), hardware_revenue=a(0.6), power_revenue=a(0.8))
DEMAND = Demand(a(0.7), a(1.0))
P = NS(non_ai_growth=0.21, hardware_price_elasticity=0.5)     # = every firm's growth: the AI shares stay as at t = 0


def shock(revenue_mult, **macro):
    """Factors of the tests: revenue noise, and no chip cut or GDP loss unless given."""
    z = a(0.0)
    return NS(revenue_mult=revenue_mult, **{"chip_cut": z, "chip_quarters": z, "gdp_mult": a(1.0), "gdp_quarters": z,
                                             **macro})
K_T = a([4.0, 8.0])


def test_market_revenue_carves_out_contracts_and_moves_ai_lines_with_their_markets():
    noise = a([1.1, 0.9, 1.0, 1.2, 3.0])
    rev = market_revenue(NET, shock(noise), P, CHAIN, DEMAND, K_T, 0.0)
    # Plan R/4 = 10, 20, 5, 25, 15; the lab's contracts pay 8 > 5, so its plan is 8.
    assert_allclose(rev.plan, [10, 20, 8, 25, 15], rtol=1e-14)
    # neocloud: (10 − 4)·(0.1 + 0.9·0.5·1.1) = 6·0.595; chipmaker: 20·(0.5 + 0.5·0.6·0.9) = 20·0.77;
    # lab: nothing outside its contracts; utility: 25·(0.7 + 0.1 + 0.2·0.8·1.2) = 25·0.992;
    # bank: no AI lines, so its noise of 3 moves nothing.
    assert_allclose(rev.market, [6 * 0.595, 20 * 0.77, 0.0, 25 * 0.992, 15.0], rtol=1e-14)


def test_market_revenue_services_line_and_growth_under_jit():
    # One year on (t = 4) the plan has grown 21 %; the lab's plan 5·1.21 = 6.05 is still below 8.
    f = shock(a([1.0, 1.0, 1.0, 1.0, 1.0]))
    run = jax.jit(lambda K, t: market_revenue(NET, f, P, CHAIN, DEMAND, K, t))
    rev = run(K_T, a(4.0))
    assert_allclose(rev.plan, [12.1, 24.2, 8.0, 30.25, 18.15], rtol=1e-14)
    assert_allclose(rev.market[1], 24.2 * (0.5 + 0.5 * 0.6), rtol=1e-14)
    # No contracts: the lab's whole plan 5 moves with the services index 0.7.
    rev = run(a([0.0, 0.0]), a(0.0))
    assert_allclose(rev.market[:3], [10 * (0.1 + 0.9 * 0.5), 20 * 0.8, 5 * 0.7], rtol=1e-14)


def test_no_shock_market_revenue_is_the_plan():
    ones = NS(compute_revenue=jnp.ones(5), hardware_revenue=a(1.0), power_revenue=a(1.0))
    rev = market_revenue(NET, shock(jnp.ones(5)), P, ones, Demand(a(1.0), a(1.0)), K_T, 0.0)
    assert_allclose(rev.market, [10 - 4, 20, 0, 25, 15], rtol=1e-14)


def test_non_ai_lines_move_with_world_gdp_chip_users_more_and_chipmakers_rationed():
    # World GDP 0.96, the foundries' output cut to 0.6: a chipmaker's other chips ship 0.6 at the
    # scarcity price (0.96/0.6)^0.5; a hyperscaler's non-AI lines fall 2 × 4 %; anyone else's 4 %.
    kind = jnp.asarray([KINDS.index(k) for k in ("chipmaker", "hyperscaler", "utility", "bank")])
    m = non_ai_multiplier(kind, a(0.96), a(0.6), 0.5)
    assert CHIP_USER_GDP_ELASTICITY == 2.0
    assert_allclose(m, [0.6 * (0.96 / 0.6) ** 0.5, 1 - 2 * 0.04, 0.96, 0.96], rtol=1e-14)
    assert_allclose(non_ai_multiplier(kind, a(1.0), a(1.0), 0.5), 1.0)
    # In the model, while the shock lasts (t < 4) and after: the bank has non-AI lines only,
    # the chipmaker half; the utility's leases stay as planned.
    f = shock(jnp.ones(5), chip_cut=a(0.4), chip_quarters=a(4.0), gdp_mult=a(0.96), gdp_quarters=a(4.0))
    ones = NS(compute_revenue=jnp.ones(5), hardware_revenue=a(1.0), power_revenue=a(1.0))
    during = np.asarray(market_revenue(NET, f, P, ones, Demand(a(1.0), a(1.0)), K_T, a(3.0)).market)
    after = np.asarray(market_revenue(NET, f, P, ones, Demand(a(1.0), a(1.0)), K_T, a(4.0)).market)
    g3 = 1.21 ** 0.75
    assert_allclose(during[[1, 3, 4]], [20 * g3 * (0.5 * 0.6 * 1.6 ** 0.5 + 0.5), 25 * g3 * (0.7 * 0.96 + 0.1 + 0.2),
                                        15 * g3 * 0.96], rtol=1e-13)
    assert_allclose(after[[1, 3, 4]], [20 * 1.21, 25 * 1.21, 15 * 1.21], rtol=1e-13)


def test_costs_variable_share_and_sticky_net_of_contracted_purchases():
    rev = Revenue(a([10, 20, 8, 25, 15]), a([3.57, 15.4, 0, 24.8, 15]))
    received = a([4, 0, 8, 0, 0])
    k = NS(sticky=a([8, 40, 4, 20, 12]))           # annual
    # t = 4: sticky/4·1.21 = 2.42, 12.1, 1.21, 6.05, 3.63; the chipmaker buys 8 under contract
    # (12.1 − 8), the lab 4 (1.21 − 4 < 0 → 0).
    c = jax.jit(lambda r, x, t: costs(NET, k, r, x, K_T, t))(rev, received, a(4.0))
    assert_allclose(c.revenue, [7.57, 15.4, 8, 24.8, 15], rtol=1e-14)
    assert_allclose(c.variable, [0.5 * 7.57, 0.4 * 15.4, 0.3 * 8, 0.2 * 24.8, 0.1 * 15], rtol=1e-14)
    assert_allclose(c.sticky, [2.42, 12.1 - 8, 0.0, 6.05, 3.63], rtol=1e-14)

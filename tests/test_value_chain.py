"""stressgpu.model.value_chain (docs/model.md §3.1): end demand, the compute and hardware markets,
the AI shares along the path, the hardware value and the re-marked hardware price, on
hand-worked numbers and explicit sums."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpy.testing import assert_allclose

from stressgpu.model.params import ModelParams
from stressgpu.model.value_chain import (ChainState, Demand, ai_shares_at, end_demand, hardware_value, mark_hardware,
                                         value_chain)

P = ModelParams()
TAU, RHO, LIFE_Q = P.reversion_years, P.claim_discount_rate, 2.0 * P.hardware_life_years   # 2 years, 8 %, 12 quarters


def pv_by_hand(r, u, u_b, tau=TAU, rho=RHO, quarters=LIFE_Q):
    """The hardware value index as an explicit quarter-by-quarter sum: price and utilisation
    gaps shrink by exp(−1/(4τ)) a quarter, income r_s·u_s/u_b, discounted at ρ, over the
    remaining life, relative to the plan's (income 1 every quarter)."""
    s = np.arange(int(quarters))
    phi = np.exp(-1.0 / (4.0 * tau)) ** s
    income = (1 + (r - 1) * phi) * (u_b + (u - u_b) * phi) / u_b
    disc = (1 + rho) ** (-s / 4.0)
    return float((income * disc).sum() / disc.sum())


def test_end_demand_full_pass_through_scales_both_by_k_to_eps_minus_one():
    # k = 2, π = 1, ε = 0.5: P = 1 − (1 − 1/2) = 0.5, Q = 0.5^−0.5 = √2;
    # services = P·Q = √2/2, compute = Q/k = √2/2, both = 2^(0.5 − 1).
    d = end_demand(2.0, 1.0, 0.5, 0.0, 0.0, 0.0)
    assert_allclose(d.services, 0.5 * 2 ** 0.5, rtol=1e-14)
    assert_allclose(d.compute, 2 ** 0.5 / 2, rtol=1e-14)
    assert_allclose(d.services, 2.0 ** -0.5, rtol=1e-14)


def test_end_demand_partial_pass_through_share_shift_and_slump():
    # k = 2, π = 0.5: P = 1 − 0.5·0.5 = 0.75, Q = 0.75^−0.5 = 1.1547005;
    # s = 0.2 cuts services only; slump (1 − 0.1)^2 = 0.81 cuts both.
    d = jax.jit(end_demand)(2.0, 0.5, 0.5, 0.2, 0.1, 2.0)
    q = 0.75 ** -0.5
    assert_allclose(d.services, 0.75 * q * 0.8 * 0.81, rtol=1e-14)   # 0.561184...
    assert_allclose(d.compute, q / 2 * 0.81, rtol=1e-14)             # 0.467654...


# Sellers: two with capacity in the plan (4 and 4) and a reseller with none.
PLAN = jnp.array([4.0, 4.0, 0.0])


def test_value_chain_glut():
    # Capacity 4 + 6 = 10 against a plan of 8, compute demand 0.5, u_b = 0.8:
    # D/C = 0.5·0.8·8/10 = 0.32 → u = 0.32, r = (0.32/0.8)^0.5 = √0.4, per unit r·u/u_b = 0.4·√0.4.
    # Orders 0.7 against full supply: all shipped, no scarcity price.
    ch = value_chain(jnp.array([4.0, 6.0, 0.0]), PLAN, 0.8, Demand(1.0, 0.5), 0.7, 1.0, 2 / 3, 0.5, 0.5)
    per = 0.4 * 0.4 ** 0.5                                                        # 0.252982
    assert_allclose(ch.utilisation, 0.32, rtol=1e-14)
    assert_allclose(ch.rental_price, 0.4 ** 0.5, rtol=1e-14)
    assert_allclose(ch.compute_revenue, [per, 1.5 * per, per], rtol=1e-14)    # reseller: per unit
    assert_allclose([ch.hardware_revenue, ch.hardware_price, ch.delivered], [0.7, 1.0, 1.0], rtol=1e-14)
    assert_allclose(ch.power_revenue, 0.32 * 10 / (0.8 * 8), rtol=1e-14)       # u·C/(u_b·C^plan) = 0.5
    # The hardware value: the present value of rents reverting to plan, times the life ratio 2/3.
    assert_allclose(ch.hardware_value, pv_by_hand(0.4 ** 0.5, 0.32, 0.8) * 2 / 3, rtol=1e-12)


def test_value_chain_scarcity_under_jit():
    # Capacity as planned, compute demand 1.5: D/C = 1.2 → u = 1, r = 1.5^0.5, per unit r/0.8.
    # Orders 1.2 against supply 0.6 (a 40 % chip cut): v = 0.6, p_h = 2^0.5, delivered 0.5.
    ch = jax.jit(value_chain)(PLAN, PLAN, 0.8, Demand(jnp.asarray(1.0), jnp.asarray(1.5)), 1.2, 0.6, 1.0, 0.5, 0.5)
    assert_allclose(ch.utilisation, 1.0, rtol=1e-14)
    assert_allclose(ch.rental_price, 1.5 ** 0.5, rtol=1e-14)
    assert_allclose(ch.compute_revenue, [1.5 ** 0.5 / 0.8] * 3, rtol=1e-14)
    assert_allclose(ch.hardware_price, 2 ** 0.5, rtol=1e-14)
    assert_allclose(ch.hardware_revenue, 0.6 * 2 ** 0.5, rtol=1e-14)
    assert_allclose(ch.delivered, 0.5, rtol=1e-14)
    assert_allclose(ch.power_revenue, 1.0 * 8 / (0.8 * 8), rtol=1e-14)        # 1.25: full use of all capacity
    # No orders at all: nothing is short (delivered 1), nothing shipped.
    none = value_chain(PLAN, PLAN, 0.8, Demand(1.0, 1.0), 0.0, 1.0, 1.0, 0.5, 0.5)
    assert_allclose([none.delivered, none.hardware_revenue], [1.0, 0.0])


def test_ai_shares_grow_keep_and_hit_the_ceiling():
    shares = jnp.array([[0.0, 0.24, 0.0, 0.0],    # grows 25 % against 4.5 %
                        [0.1, 0.0, 0.1, 0.0],     # grows 2 %: slower than its non-AI lines
                        [0.0, 0.0, 0.3, 0.2],     # grows 100 %: hits the ceiling 0.7
                        [0.0, 0.0, 0.0, 0.0]])    # no AI lines
    g = jnp.array([0.25, 0.02, 1.0, 0.5])
    out = jax.jit(ai_shares_at)(shares, g, 0.045, 8.0, jnp.array([1.0, 1.0, 0.7, 1.0]))
    a0 = 1 - 0.76 * 1.045 ** 2 / 1.25 ** 2          # 0.46519...: two years
    assert_allclose(out[0], [0.0, a0, 0.0, 0.0], rtol=1e-13)
    assert_allclose(out[1], [0.1, 0.0, 0.1, 0.0], rtol=1e-14)    # 1 − 0.8·1.045²/1.02² < 0.2: kept
    assert_allclose(out[2], [0.0, 0.0, 0.42, 0.28], rtol=1e-14)  # 0.7 in the t = 0 proportion 3:2
    assert_allclose(out[3], 0.0)
    # docs/model.md §3.1: Broadcom's 24 % at 25 % a year is about 70 % five years on.
    assert_allclose(ai_shares_at(shares[:1], g[:1], 0.045, 20.0).sum(), 1 - 0.76 * (1.045 / 1.25) ** 5, rtol=1e-13)
    assert 0.68 < 1 - 0.76 * (1.045 / 1.25) ** 5 < 0.70


def test_mark_hardware_moves_only_the_hardware_price():
    z = jnp.asarray(0.0)
    chain = ChainState(z, z, jnp.zeros(3), z, z, z, z, jnp.asarray(0.4))
    price, value = jax.jit(mark_hardware)(jnp.array([0.9, 0.8, 1.0, 0.7]), jnp.asarray(0.5), chain)
    assert_allclose(price, [0.9 * 0.4 / 0.5, 0.8, 1.0, 0.7], rtol=1e-14)   # fire-sale discount 0.9 carries over
    assert_allclose(value, 0.4)
    assert np.asarray(price).dtype == np.float64


def test_hardware_value_is_one_without_a_shock_and_a_present_value_by_hand():
    assert_allclose(hardware_value(1.0, 0.8, 0.8, 1.0, TAU, RHO, LIFE_Q), 1.0, rtol=1e-14)
    for r, u in ((0.7, 0.4), (1.3, 1.0), (0.5, 0.9), (1.0, 0.6)):
        assert_allclose(hardware_value(r, u, 0.8, 1.0, TAU, RHO, LIFE_Q), pv_by_hand(r, u, 0.8), rtol=1e-12)
    # Another horizon, rate and reversion speed.
    assert_allclose(pv_by_hand(0.6, 0.5, 0.8, tau=3.0, rho=0.15, quarters=20),
                    hardware_value(0.6, 0.5, 0.8, 1.0, 3.0, 0.15, 20.0), rtol=1e-12)
    # Two quarters left, no discounting, reversion at once: this quarter's rent, then the plan's.
    assert_allclose(hardware_value(0.6, 0.5, 0.8, 1.0, 0.0, 0.0, 2.0), (0.6 * 0.5 / 0.8 + 1) / 2, rtol=1e-12)
    # A discount rate near zero stays accurate in float32 (no 1 − q cancellation).
    f32 = hardware_value(jnp.float32(0.6), jnp.float32(0.5), jnp.float32(0.8), jnp.float32(1.0), jnp.float32(2.0),
                         jnp.float32(1e-6), jnp.float32(12.0))
    assert f32.dtype == jnp.float32
    assert_allclose(f32, pv_by_hand(0.6, 0.5, 0.8, rho=1e-6), rtol=1e-5)


def test_a_deepseek_glut_moves_the_hardware_value_much_less_than_one_quarters_rent():
    """Central DeepSeek (k = 10, ε = 0.7) at t = 0: compute demand 10^−0.3 = 0.50 of plan, u falls
    to half of u_b and r to 0.50^0.5: this quarter's rent is 0.355 of plan (−65 %, model v2's
    hardware value). Expected to revert over two years, the income over the fleet's remaining
    three years is worth 0.61 of plan: the index falls by 39 %, 0.6 of the one-quarter fall."""
    ch = value_chain(PLAN, PLAN, 0.8, Demand(1.0, 10 ** -0.3), 1.0, 1.0, 1.0, 0.5, 0.5)
    one_quarter = float(ch.rental_price * ch.utilisation / 0.8)
    assert one_quarter == pytest.approx(10 ** -0.45, rel=1e-12)            # 0.3548
    assert_allclose(ch.hardware_value, pv_by_hand(10 ** -0.15, 0.8 * 10 ** -0.3, 0.8), rtol=1e-12)
    assert 1.0 - float(ch.hardware_value) < 0.7 * (1.0 - one_quarter)
    assert 0.5 < float(ch.hardware_value) < 0.65


def test_hardware_value_rises_with_the_rent_and_scales_with_the_life_ratio():
    compute = jnp.linspace(0.1, 2.0, 40)
    values = [float(value_chain(PLAN, PLAN, 0.8, Demand(1.0, c), 1.0, 1.0, 1.0, 0.5, 0.5).hardware_value)
              for c in compute]
    assert (np.diff(values) > 0).all()
    assert values[0] > 0
    # Faster obsolescence (life 6 → 4 years): the same present value times 2/3.
    full = value_chain(PLAN, PLAN, 0.8, Demand(1.0, 0.7), 1.0, 1.0, 1.0, 0.5, 0.5).hardware_value
    short = value_chain(PLAN, PLAN, 0.8, Demand(1.0, 0.7), 1.0, 1.0, 2 / 3, 0.5, 0.5).hardware_value
    assert_allclose(short, full * 2 / 3, rtol=1e-14)
    # Differentiable in the rental price (reverse stress tests, sensitivities).
    d = jax.grad(lambda r: hardware_value(r, 0.6, 0.8, 1.0, TAU, RHO, LIFE_Q))(0.8)
    assert np.isfinite(d) and d > 0

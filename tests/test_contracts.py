"""stressgpu.model.contracts (docs/model.md §4 Commitments, §5.4): what each commitment pays,
its termination fee, the supplier's shortfall and replacement purchases, on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import jax.numpy as jnp
from numpy.testing import assert_allclose

from stressgpu.model.contracts import payments

a = partial(jnp.asarray, dtype=jnp.float64)


def onehot(idx, n=4):
    return jax.nn.one_hot(jnp.array(idx), n, dtype=jnp.float64)


# Entities: 0 a lab (demand 0), 1 a hyperscaler (demand 0.6), 2 a live neocloud, 3 a defaulted
# firm. Five contracts of 10 this quarter:
#   f0: 0 → 2, all take-or-pay (its usage share 0.3 cannot exceed 1 − τ = 0)
#   f1: 1 → 2, τ 0.2, usage 0.5, rest 0.3; fee 3 on a total of 20 (rate 0.15); 25 % prepaid
#   f2: 0 → 2, all cancellable; fee 50 on 20 (rate 2.5: capped at what is cancelled)
#   f3: 1 → 3, as f1, but the supplier has failed
#   f4: 3 → 2, the buyer has failed
NET = NS(commit_buyer=onehot([0, 1, 0, 1, 3]), commit_supplier=onehot([2, 2, 2, 3, 2]),
         commit_take_or_pay=a([1.0, 0.2, 0.0, 0.2, 0.2]),
         economy=NS(commit_usage=a([0.3, 0.5, 0.0, 0.5, 0.5]), commit_fee=a([0, 3, 50, 3, 3]),
                    commit_total=a([20, 20, 20, 20, 20]), commit_prepaid=a([0, 0.25, 0, 0, 0])))
K_T = a([10.0] * 5)
DEMAND = a([0.0, 0.6, 1.0, 1.0])
ALIVE = a([1.0, 1.0, 1.0, 0.0])


def test_payments_contract_by_contract():
    pay = jax.jit(lambda K, d, alive, r: payments(NET, K, d, alive, r))(K_T, DEMAND, ALIVE, a(1.2))
    # f1: needed 10·(0.2 + 0.8·0.6) = 6.8; cancelled 10·0.3·0.4 = 1.2, fee 0.15·1.2 = 0.18;
    #     lost 10 − 6.8 − 0.18 = 3.02; prepaid 0.25·6.8 = 1.7.
    # f2: nothing needed at demand 0; the fee 2.5·10 = 25 is capped at the cancelled 10.
    # f3: the hyperscaler still needs 6.8 and buys it at 1.2: 8.16; its failed supplier loses nothing more.
    # f4: a dead buyer pays nothing; the live supplier loses all 10.
    assert_allclose(pay.paid, [10.0, 6.8, 0.0, 0.0, 0.0], rtol=1e-14)
    assert_allclose(pay.fee, [0.0, 0.18, 10.0, 0.0, 0.0], rtol=1e-14, atol=1e-15)
    assert_allclose(pay.lost, [0.0, 3.02, 0.0, 0.0, 10.0], rtol=1e-14, atol=1e-14)
    assert_allclose(pay.replaced, [0.0, 0.0, 0.0, 8.16, 0.0], rtol=1e-14)
    assert_allclose(pay.prepaid, [0.0, 1.7, 0.0, 0.0, 0.0], rtol=1e-14)


def test_demand_above_plan_takes_no_more_than_contracted():
    pay = payments(NET, K_T, a([1.5, 3.0, 1.0, 1.0]), a([1.0, 1.0, 1.0, 1.0]), a(1.0))
    assert_allclose(pay.paid, 10.0, rtol=1e-14)
    assert_allclose(pay.fee, 0.0)
    assert_allclose(pay.lost, 0.0, atol=1e-14)


def test_usage_share_follows_demand_linearly():
    # f1 at demand 0, 0.5, 1: 10·(0.2 + 0.8·d) = 2, 6, 10; its fee 0.15·3·(1 − d) = 0.45, 0.225, 0.
    paid, fee = [], []
    for d in (0.0, 0.5, 1.0):
        pay = payments(NET, K_T, a([1.0, d, 1.0, 1.0]), a([1.0, 1.0, 1.0, 1.0]), a(1.0))
        paid.append(float(pay.paid[1]))
        fee.append(float(pay.fee[1]))
    assert_allclose(paid, [2.0, 6.0, 10.0], rtol=1e-14)
    assert_allclose(fee, [0.45, 0.225, 0.0], rtol=1e-14, atol=1e-16)


def test_channel_off_pays_as_planned_while_both_sides_live():
    pay = payments(NET, K_T, DEMAND, ALIVE, a(1.2), on=False)
    assert_allclose(pay.paid, [10.0, 10.0, 10.0, 0.0, 0.0])
    assert_allclose(pay.prepaid, [0.0, 2.5, 0.0, 0.0, 0.0])
    for x in (pay.fee, pay.lost, pay.replaced):
        assert_allclose(x, 0.0)

"""stressgpu.model.debt_service (docs/model.md §4 Interest, Principal): interest with the rate
and spread shifts (floating at once, fixed as refinanced), principal repaid, and the refinanced
share, on hand-worked numbers."""
from functools import partial
from types import SimpleNamespace as NS

import jax
import numpy as np
import jax.numpy as jnp
from numpy.testing import assert_allclose

from stressgpu._types import KINDS
from stressgpu.model.debt_service import refinanced_share, service
from stressgpu.model.state import Credit

a = partial(jnp.asarray, dtype=jnp.float64)

# Borrowers: 0 a hyperscaler, 1 a bank (rolls its maturities), 2 a defaulted neocloud. Links:
#   e0: 0, floating 5 %, 100, 10 due          e1: 0, fixed 4 %, 200, 20 due, 25 % refinanced
#   e2: 0, fixed 6 %, 50, accelerated          e3: 1, floating 3 %, 80, 40 due
#   e4: 2, floating 8 %, 30, all due and accelerated
NET = NS(kind=jnp.array([KINDS.index(k) for k in ("hyperscaler", "bank", "neocloud")]),
         debt_borrower=jax.nn.one_hot(jnp.array([0, 0, 0, 1, 2]), 3, dtype=jnp.float64),
         debt_floating=a([1, 0, 0, 1, 1]), debt_rate=a([0.05, 0.04, 0.06, 0.03, 0.08]),
         economy=NS(debt_extends=a([1, 0, 0, 0, 0])))               # link 0: asset-backed notes
F = NS(rate_shift=a(0.01), spread_shift=a(0.005))           # Δ = 1.5 points on what re-prices
DEBT = a([100, 200, 50, 80, 30])
CREDIT = Credit(DEBT, jnp.zeros(3), jnp.zeros(5), jnp.array([False, False, True, False, True]))
ALIVE = a([1, 1, 0])
DUE = a([10, 20, 5, 40, 30])
REFI = a([0.1, 0.25, 0.0, 0.0, 1.0])


def test_service_link_by_link():
    svc = jax.jit(partial(service, NET, F))(CREDIT, ALIVE, DUE, REFI)
    # e0 floating: 100·(0.05 + 0.015)/4 = 1.625; e1 fixed, a quarter re-priced: 200·(0.04 + 0.015·0.25)/4
    # = 2.1875; e2 fixed, none re-priced: 50·0.06/4 = 0.75; e3: 80·0.045/4 = 0.9; e4: borrower dead.
    assert_allclose(svc.interest, [1.625, 2.1875, 0.75, 0.9, 0.0], rtol=1e-14)
    # Shock part by borrower: 100·0.015/4 + 200·0.00375/4 = 0.5625; the bank 80·0.015/4 = 0.3.
    assert_allclose(svc.extra_interest, [0.5625, 0.3, 0.0], rtol=1e-14)
    # The hyperscaler repays what is due and all of the accelerated e2; the bank rolls; the dead
    # borrower pays nothing (its debt waits for resolution).
    assert_allclose(svc.repay, [10, 20, 50, 0, 0], rtol=1e-14)
    assert_allclose(svc.debt, [90, 180, 0, 80, 30], rtol=1e-14)


def test_no_shift_pays_the_coupon_and_repayment_never_exceeds_the_debt():
    svc = service(NET, NS(rate_shift=a(0.0), spread_shift=a(0.0)), CREDIT, a([1, 1, 1]), DUE * 3, REFI)
    assert_allclose(svc.interest, DEBT * a([0.05, 0.04, 0.06, 0.03, 0.08]) / 4, rtol=1e-14)
    assert_allclose(svc.extra_interest, 0.0)
    # Due 30, 60, 15 on 100, 200, 50 (e2 accelerated: 50); the bank rolls; e4 accelerated: 30.
    assert_allclose(svc.repay, [30, 60, 50, 0, 30], rtol=1e-14)
    assert_allclose(svc.debt, [70, 140, 0, 80, 0], rtol=1e-14)


def test_refinanced_share_is_the_cumulative_due_share_capped_at_one():
    share = jax.jit(lambda due: refinanced_share(NS(debt_due_share=due)))
    assert_allclose(share(a([[0.1, 0.2, 0.3, 0.5], [0, 0, 0, 0], [0.5, 0.6, 0, 0]])), [[0.1, 0.3, 0.6, 1.0], [0, 0, 0, 0], [0.5, 1, 1, 1]], rtol=1e-14)


def test_asset_backed_notes_due_in_a_freeze_extend_and_the_rest_fall_due():
    due = DUE * 3
    open_ = service(NET, F, CREDIT, a([1, 1, 1]), due, REFI, False)
    frozen = service(NET, F, CREDIT, a([1, 1, 1]), due, REFI, True)
    assert float(open_.repay[0]) > 0 and float(frozen.repay[0]) == 0.0          # the ABS notes extend
    np.testing.assert_allclose(frozen.debt[0], CREDIT.debt[0])                  # and stay outstanding
    np.testing.assert_allclose(np.delete(np.asarray(frozen.repay), 0), np.delete(np.asarray(open_.repay), 0))

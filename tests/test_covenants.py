"""stressgpu.model.covenants (docs/model.md §5.1): maintenance covenants, cure periods and
acceleration, on hand-made arrays with hand-worked numbers."""
from dataclasses import replace
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu.model.covenants import check_covenants, covenant_test
from stressgpu.model.params import ModelParams
from stressgpu.model.state import Books, Credit

INF = jnp.inf
f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731


def _one_borrower(debt, value, max_ltv, min_icr, cure, ocf, interest, live=(1.0, 1.0), pool=((1, 1), (1, 1))):
    """Two links of borrower 0 (of N = 2) sharing one pledged pool, as covenant_test's arguments."""
    return dict(debt=f64(debt), collateral_value=f64(value), ltv_pool=f64(pool), max_ltv=f64(max_ltv),
                min_icr=f64(min_icr), cure=f64(cure), borrower=f64([[1, 0], [1, 0]]), ocf=f64(ocf),
                interest=f64(interest), live=f64(live))


def test_ltv_breach_counts_quarters_then_accelerates_after_the_cure_period():
    # Link 0: debt 30, max LTV 0.75; link 1: debt 10, no LTV covenant; both on the same 50 of
    # collateral, so link 0's loan is 30 + 10 = 40 and its LTV 40 / 50 = 0.8 > 0.75 (alone: 0.6).
    args = _one_borrower([30, 10], [50, 50], [0.75, INF], [0, 0], [2, 2], [1, 1], [1, 1])
    test = jax.jit(covenant_test)
    breach = f64([0, 0])
    seen = []
    for _ in range(3):
        ct = test(**args, breach=breach)
        breach = ct.breach
        seen.append((ct.breach.tolist(), ct.accelerate.tolist()))
    np.testing.assert_allclose(ct.ltv, [0.8, 0.8])
    # cure = 2: breached for 1 and 2 quarters the lender waits; the third quarter it accelerates.
    assert seen == [([1, 0], [False, False]), ([2, 0], [False, False]), ([3, 0], [True, False])]
    # A compliant quarter (collateral back to 60: LTV 40 / 60 = 0.667) resets the count.
    ct = test(**{**args, "collateral_value": f64([60, 60])}, breach=breach)
    assert ct.breach.tolist() == [0, 0] and not ct.accelerate.any()


def test_links_sharing_a_pool_count_their_debt_together_others_do_not():
    # Same numbers without the shared pool: link 0 tests 30 / 50 = 0.6 <= 0.75, no breach.
    args = _one_borrower([30, 10], [50, 50], [0.75, INF], [0, 0], [0, 0], [1, 1], [1, 1], pool=((1, 0), (0, 1)))
    ct = covenant_test(**args, breach=f64([0, 0]))
    np.testing.assert_allclose(ct.ltv, [0.6, 0.2])
    assert ct.breach.tolist() == [0, 0]
    # No pledged value: LTV is inf, which breaches a finite maximum (cure 0: accelerated at once).
    ct = covenant_test(**{**args, "collateral_value": f64([0, 50])}, breach=f64([0, 0]))
    assert ct.ltv[0] == INF and ct.breach.tolist() == [1, 0] and ct.accelerate.tolist() == [True, False]


def test_interest_cover_breach():
    # ICR = ocf / interest = 1.0 / 1.0 = 1.0 < 1.2 on link 0; link 1 has no ICR covenant (0).
    args = _one_borrower([30, 10], [100, 100], [INF, INF], [1.2, 0.0], [1, 1], [1.0, 9.0], [1.0, 0.0])
    ct = covenant_test(**args, breach=f64([1, 0]))
    np.testing.assert_allclose(ct.icr, [1.0, 1.0])
    assert ct.breach.tolist() == [2, 0] and ct.accelerate.tolist() == [True, False]
    # ocf 1.3: ICR 1.3 >= 1.2, compliant; no interest due: ICR inf, compliant.
    assert covenant_test(**{**args, "ocf": f64([1.3, 0])}, breach=f64([1, 0])).breach.tolist() == [0, 0]
    ct = covenant_test(**{**args, "interest": f64([0, 0])}, breach=f64([1, 0]))
    assert ct.icr[0] == INF and ct.breach.tolist() == [0, 0]


def test_no_test_without_debt_or_when_a_side_is_dead():
    # Both links would breach (LTV 40 / 10 = 4 > 0.5, ICR 0 < 2) but link 0 has no debt left
    # (its pool still counts link 1's 10: 10 / 10 = 1 > 0.5) and link 1's lender or borrower is dead.
    args = _one_borrower([0, 10], [10, 10], [0.5, 0.5], [2, 2], [0, 0], [0, 0], [1, 1], live=(1.0, 0.0))
    ct = covenant_test(**args, breach=f64([3, 3]))
    assert ct.breach.tolist() == [0, 0] and not ct.accelerate.any()
    ct = covenant_test(**{**args, "live": f64([1, 1]), "debt": f64([5, 10])}, breach=f64([3, 3]))
    assert ct.breach.tolist() == [4, 4] and ct.accelerate.all()


def _check(covenants: bool, breach, debt=55.0):
    """check_covenants on one link: borrower 0 (N = 2) owes ``debt`` to entity 1, pledging its AI
    hardware only; it holds 100 hardware at price 0.5 and 40 of real estate at price 1."""
    A = 4
    hw_only = jnp.zeros((1, A)).at[0, 0].set(1.0)
    net = SimpleNamespace(debt_borrower=f64([[1, 0]]), economy=SimpleNamespace(
        debt_collateral=hw_only, debt_max_ltv=f64([0.8]), debt_min_icr=f64([0.0]), debt_cure=f64([1.0])))
    k = SimpleNamespace(borrower=jnp.asarray([0]), ltv_pool=f64([[1.0]]))
    holdings = jnp.zeros((2, A)).at[0, 0].set(100.0).at[0, 1].set(40.0)
    books = Books(f64([1, 1]), holdings, f64([0.5, 1, 1, 1]), f64(1.0), f64([0, 0]))
    credit = Credit(f64([debt]), f64([0, 0]), f64([breach]), jnp.asarray([False]))
    p = replace(ModelParams(), covenants=covenants)
    run = jax.jit(lambda p, books, credit: check_covenants(net, p, k, books, credit, jnp.asarray([False, False]),
                                                          f64([1, 1]), f64([0, 0])))
    return run(p, books, credit)


def test_check_covenants_values_only_the_pledged_class_and_accelerates_only_when_switched_on():
    # Pledged value 100 * 0.5 = 50 (the real estate is not pledged): LTV 55 / 50 = 1.1 > 0.8.
    # (Valuing every holding, 90, would give 0.61: no breach.) Breach 1 -> 2 > cure 1.
    on = _check(True, 1.0)
    assert on.breach.tolist() == [2.0] and on.accelerated.tolist() == [True]
    off = _check(False, 1.0)
    assert off.breach.tolist() == [2.0] and off.accelerated.tolist() == [False]
    # First quarter in breach: within the cure period, not accelerated.
    assert _check(True, 0.0).accelerated.tolist() == [False]


def test_a_lender_whose_collateral_covers_the_loan_waives():
    # LTV 45 / 50 = 0.9: above the 0.8 covenant past its cure, but covered: waived, not accelerated.
    covered = _check(True, 1.0, debt=45.0)
    assert covered.breach.tolist() == [2.0] and covered.accelerated.tolist() == [False]

"""stressgpu.model.resolution (docs/model.md §5.3–§5.4): what a new default sets off — secured
lenders, guarantees, suppliers' and buyers' claims — on a hand-built network of four entities
with hand-worked numbers.

Entities: 0 a neocloud (the borrower and buyer), 1 a bank, 2 a hyperscaler (guarantor, buyer),
3 a chipmaker (lender, supplier). Asset columns: AI hardware, real estate, listed equity, other.
"""
from dataclasses import replace
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu._types import KINDS
from stressgpu.model.params import ModelParams
from stressgpu.model.resolution import resolve
from stressgpu.model.funds import Sector
from stressgpu.model.state import Books, Capacity, Claims, Credit, Defaults, Ledger, State

f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
N, A, T = 4, 4, 3
P = ModelParams(alpha=0.6)


def onehot(rows, n=N):
    return jax.nn.one_hot(jnp.asarray(rows), n, dtype=jnp.float64).reshape(-1, n)


def network(kinds=("neocloud", "bank", "hyperscaler", "chipmaker"), *, borrower=(0, 0, 0), lender=(1, 3, 3),
            secured=(1, 1, 0), guarantor=(-1, -1, 2), buyer=(0,), supplier=(3,), K=((1.0, 2.0, 2.0),),
            take_or_pay=(1.0,), lease=(0.0,), prepaid=(0.0,)):
    """Debt links (borrower -> lender) and contracts (buyer -> supplier); guarantor -1: none."""
    g = jnp.asarray(guarantor)
    return SimpleNamespace(
        kind=jnp.asarray([KINDS.index(x) for x in kinds]), debt_borrower=onehot(borrower), debt_lender=onehot(lender),
        commit_amount=f64(K), commit_take_or_pay=f64(take_or_pay), commit_buyer=onehot(buyer),
        commit_supplier=onehot(supplier),
        economy=SimpleNamespace(debt_secured=f64(secured), commit_is_lease=f64(lease), commit_prepaid=f64(prepaid),
                                debt_guarantor=jnp.where(g[:, None] >= 0, onehot(jnp.maximum(g, 0)), 0.0)))


def state(debt, holdings, price=(0.5, 1.0, 1.0, 1.0), cash=(1.0, 5.0, 50.0, 5.0), F=1, defaulted=(0, 0, 0, 0)):
    z = lambda *s: jnp.zeros(s)  # noqa: E731
    return State(Books(f64(cash), f64(holdings), f64(price), f64(1.0), z(N)), Capacity(z(N), z(N), z(2, N), z(2, N), z(N), z(2, N)),
                 Credit(f64(debt), z(N), z(len(debt)), jnp.zeros(len(debt), bool)), Claims(z(F), z(F)),
                 Defaults(jnp.asarray(defaulted, bool), jnp.full(N, -1, jnp.int32), jnp.asarray(0, jnp.int32),
                          *[jnp.zeros(N, jnp.int32)] * 2),
                 Ledger(*[z(N)] * 3, z(N, 6), z(N), jnp.full(N, -1, jnp.int32), *[z(N)] * 12, *[z(N)] * 6,
                     jnp.full(N, -1, jnp.int32)),
              Sector(z(N, 3), jnp.asarray(1.0), jnp.asarray(0.0), z(N), z(N), z(N)))


# Borrower 0 holds 100 AI hardware (price 0.5: worth 50), 40 real estate, 10 other.
HOLD = [[100.0, 40, 0, 10], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
HW_PLEDGED = jnp.zeros((N, A)).at[0, 0].set(1.0)   # borrower 0 pledged its hardware


def constants(remaining_pv=((0.0,) * T,), remaining=((0.0,) * T,)):
    return SimpleNamespace(pledged=HW_PLEDGED, remaining_pv=f64(remaining_pv), remaining=f64(remaining))


def run(net, k, s, new, t=1.0, p=P, jit=False):
    fn = lambda p, s: resolve(net, p, k, s, jnp.asarray(new, bool), f64(t))  # noqa: E731
    return (jax.jit(fn) if jit else fn)(p, s)


def test_secured_lender_takes_alpha_times_pledged_collateral_up_to_its_claim():
    net, k = network(secured=(1, 0, 0)), constants()
    # Secured debt 20 (link 0; link 1 unsecured) against 0.6 * 50 = 30: the lender takes 20 in full; the estate
    # gives up 20 / 0.6 / 50 = 2/3 of its hardware (100 -> 33.33), its real estate stays.
    s = run(net, k, state([20.0, 30.0, 0.0], HOLD), [1, 0, 0, 0], jit=True)
    np.testing.assert_allclose(s.credit.debt, [0.0, 30.0, 0.0])
    np.testing.assert_allclose(s.books.holdings[0], [100 / 3, 40, 0, 10])
    np.testing.assert_allclose(s.books.holdings[1], [0, 0, 0, 20.0])
    np.testing.assert_allclose(s.ledger.secured, [0, 20.0, 0, 0])
    # Secured debt 40 (links 0 and 1, 30 + 10) against 30: taken pro rata, 22.5 and 7.5; all the
    # hardware goes; the deficiencies 7.5 and 2.5 stay owed (unsecured pool).
    s = run(network(), k, state([30.0, 10.0, 0.0], HOLD), [1, 0, 0, 0])
    np.testing.assert_allclose(s.credit.debt, [7.5, 2.5, 0.0])
    np.testing.assert_allclose(s.books.holdings[:, 0], [0, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(s.books.holdings[:, 3], [10, 22.5, 0, 7.5])
    np.testing.assert_allclose(s.ledger.secured, [0, 22.5, 0, 7.5])


def test_live_guarantor_pays_the_rest_of_a_guaranteed_link():
    # Link 2 (unsecured, 0 -> 3, 12 owed) is guaranteed by 2: it pays 12 from its cash (50 -> 38).
    net, k = network(), constants()
    s = run(net, k, state([0.0, 0.0, 12.0], HOLD), [1, 0, 0, 0])
    np.testing.assert_allclose(s.credit.debt, [0, 0, 0])
    np.testing.assert_allclose(s.books.cash, [1, 5, 38, 5])
    np.testing.assert_allclose(s.books.holdings[3, 3], 12.0)
    np.testing.assert_allclose(s.ledger.guaranteed, [0, 0, 12.0, 0])
    # A secured, guaranteed link: collateral first (0.6 * 50 = 30 of 40), the guarantor the rest (10).
    net = network(secured=(1, 0, 0), guarantor=(2, -1, -1))
    s = run(net, k, state([40.0, 0.0, 0.0], HOLD), [1, 0, 0, 0])
    np.testing.assert_allclose(s.books.holdings[1, 3], 40.0)
    np.testing.assert_allclose(s.ledger.guaranteed, [0, 0, 10.0, 0])
    np.testing.assert_allclose(s.books.cash[2], 40.0)
    # A dead guarantor pays nothing: the 12 stay owed.
    s = run(network(), k, state([0.0, 0.0, 12.0], HOLD, defaulted=(0, 0, 1, 0)), [1, 0, 0, 0])
    np.testing.assert_allclose(s.credit.debt, [0, 0, 12.0])
    np.testing.assert_allclose(s.books.cash[2], 50.0)


def test_supplier_claim_is_the_binding_share_of_the_rest_and_leases_are_capped():
    # Quarter t = 1, this quarter's rent K = 2 (a year: 8; three years: 24). Contract 0 is not a
    # lease: claim = 0.5 * 100. Leases (take-or-pay 1) with PV of the rest 5, 40, 100, 200:
    #   min(5, max(8, 0.75)) = 5; min(40, max(8, 6) = 8) = 8; max(8, 15) = 15; min(max(8, 30), 24) = 24.
    F = 5
    pv = [[0, 100, 0], [0, 5, 0], [0, 40, 0], [0, 100, 0], [0, 200, 0]]
    net = network(buyer=(0,) * F, supplier=(3,) * F, K=((1.0, 2.0, 2.0),) * F, take_or_pay=(0.5, 1, 1, 1, 1),
                  lease=(0, 1, 1, 1, 1), prepaid=(0,) * F)
    s = run(net, constants(pv, pv), state([0.0, 0.0, 0.0], HOLD, F=F), [1, 0, 0, 0])
    np.testing.assert_allclose(s.claims.unpaid, [50, 5, 8, 15, 24])
    # A dead supplier gains no claim; with the commitments channel off nobody does.
    s = run(net, constants(pv, pv), state([0.0, 0.0, 0.0], HOLD, F=F, defaulted=(0, 0, 0, 1)), [1, 0, 0, 0])
    np.testing.assert_allclose(s.claims.unpaid, 0.0)
    s = run(net, constants(pv, pv), state([0.0, 0.0, 0.0], HOLD, F=F), [1, 0, 0, 0], p=replace(P, commitments=False))
    np.testing.assert_allclose(s.claims.unpaid, 0.0)


def test_failed_supplier_prepayments_become_the_buyers_claim():
    # Supplier 0 (the neocloud) fails; buyer 2 prepaid 20 % of a contract with 50 still to deliver
    # (undiscounted): 10 leave the buyer's other assets (30 -> 20) and become its claim.
    net = network(buyer=(2,), supplier=(0,), prepaid=(0.2,), take_or_pay=(0.0,))
    hold = np.array(HOLD)
    hold[2, 3] = 30.0
    k = constants(remaining_pv=((0, 45.0, 0),), remaining=((0, 50.0, 0),))
    s = run(net, k, state([0.0, 0.0, 0.0], hold), [1, 0, 0, 0])
    np.testing.assert_allclose(s.claims.prepaid, [10.0])
    np.testing.assert_allclose(s.books.holdings[2, 3], 20.0)
    np.testing.assert_allclose(s.claims.unpaid, [0.0])


def test_financial_firms_defaults_create_no_such_flows():
    # The same estate as a bank's: no collateral taken, no guarantee called, no claims.
    net = network(kinds=("bank", "private_credit", "hyperscaler", "chipmaker"), prepaid=(0.2,))
    pv = ((0, 100.0, 0),)
    s0 = state([20.0, 10.0, 12.0], HOLD)
    s = run(net, constants(pv, pv), s0, [1, 0, 0, 0])
    for got, want in zip(jax.tree_util.tree_leaves(s), jax.tree_util.tree_leaves(s0)):
        np.testing.assert_array_equal(got, want)

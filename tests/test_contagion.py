"""stressgpu.model.contagion (docs/model.md §5.2, §5.3, §5.5): clearing with default costs on a
3-entity chain worked by hand (Eisenberg–Noe, Rogers–Veraart), one clearing plus resolution
without fire sales, and a fire sale whose linear price impact has a closed-form equilibrium.

The chain: 0 (a neocloud, forced into default) owes 10 to 1 (a bank), which owes 5 to 2 (a
pension fund), which owes 1 outside. External assets e = cash + holdings at prices:
e = (2 + 8 hardware x 0.5, 1, 3) = (6, 1, 3).
"""
from dataclasses import replace
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu._types import KINDS, Status
from stressgpu.model.contagion import clear, contagion, net_worth
from stressgpu.model.params import ModelParams
from stressgpu.model.funds import Sector
from stressgpu.model.state import Books, Capacity, Claims, Credit, Defaults, Ledger, State

f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
N, A = 3, 4
P = ModelParams(alpha=0.6, beta=0.9, cross_holdings=False, fire_sales=False, clearing_tol=1e-13, price_tol=1e-12)
EN = replace(P, alpha=1.0, beta=1.0)
PRICE = f64([0.5, 1, 1, 1])
FORCED = jnp.asarray([True, False, False])


def onehot(rows):
    return jax.nn.one_hot(jnp.asarray(rows), N, dtype=jnp.float64)


def network(kinds=("neocloud", "bank", "pension_fund"), borrower=(0, 1), lender=(1, 2), ext=(0.0, 0.0, 1.0)):
    """Debt links borrower -> lender (link 0 secured on AI hardware); one contract 0 -> 2."""
    E = len(borrower)
    return SimpleNamespace(
        kind=jnp.asarray([KINDS.index(x) for x in kinds]), debt_borrower=onehot(borrower), debt_lender=onehot(lender),
        external_liabilities=f64(ext), cross_holdings=jnp.zeros((N, N)), commit_amount=f64([[1.0, 1.0]]),
        commit_take_or_pay=f64([0.5]), commit_buyer=onehot([0]), commit_supplier=onehot([2]),
        economy=SimpleNamespace(debt_secured=f64([1.0] + [0.0] * (E - 1)), commit_is_lease=f64([0.0]),
                                commit_prepaid=f64([0.0]), debt_guarantor=jnp.zeros((E, N))))


def constants(floor=(0.0, 0.0, 0.0)):
    return SimpleNamespace(floor=f64(floor), pledged=jnp.zeros((N, A)).at[0, 0].set(1.0),
                           remaining_pv=f64([[4.0, 0.0]]), remaining=f64([[4.0, 0.0]]))


def state(debt=(10.0, 5.0), cash=(2.0, 1.0, 3.0), hold=((8.0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)), price=PRICE,
          unpaid=0.0, prepaid=0.0):
    z = lambda *s: jnp.zeros(s)  # noqa: E731
    E = len(debt)
    return State(Books(f64(cash), f64(hold), f64(price), f64(1.0), z(N)), Capacity(z(N), z(N), z(2, N), z(2, N), z(N), z(2, N)),
                 Credit(f64(debt), z(N), z(E), jnp.zeros(E, bool)), Claims(f64([unpaid]), f64([prepaid])),
                 Defaults(jnp.zeros(N, bool), jnp.full(N, -1, jnp.int32), jnp.asarray(0, jnp.int32), *[jnp.zeros(N, jnp.int32)] * 2),
                 Ledger(*[z(N)] * 3, z(N, 6), z(N), jnp.full(N, -1, jnp.int32), *[z(N)] * 12, *[z(N)] * 6,
                        jnp.full(N, -1, jnp.int32)),
                 Sector(z(N, 3), f64(1.0), f64(0.0), z(N), z(N), z(N)))


@jax.jit
def _clear(p, floor, s):
    """clear on the chain (one compiled program for every call: alpha, beta, floors are leaves)."""
    return clear(network(), p, constants(floor), s, s.books.price, FORCED)


def test_clear_chain_with_and_without_default_costs():
    s = state()
    # Eisenberg–Noe: 0 pays all of e0 = 6; the bank has 1 + 6 = 7 >= 5 and pays 5 (equity 2); the
    # fund 3 + 5 = 8, pays 1 (equity 7).
    c = _clear(EN, f64([0, 0, 0]), s)
    np.testing.assert_allclose(c.payments, [6, 5, 1], atol=1e-12)
    np.testing.assert_allclose(c.equity, [0, 2, 7], atol=1e-12)
    assert c.defaulted.tolist() == [True, False, False] and int(c.status) == Status.OK
    # Rogers–Veraart, alpha 0.6, beta 0.9: 0 pays 0.6 * 6 = 3.6; the bank has 1 + 3.6 = 4.6 < 5 and
    # defaults (a bank may fail on capital), paying 0.6 * 1 + 0.9 * 3.6 = 3.84; the fund has 6.84.
    c = _clear(P, f64([0, 0, 0]), s)
    np.testing.assert_allclose(c.payments, [3.6, 3.84, 1], atol=1e-12)
    np.testing.assert_allclose(c.equity, [0, 0, 5.84], atol=1e-12)
    assert c.defaulted.tolist() == [True, True, False]
    # Net worth a - pbar: 6 - 10, 1 + 3.6 - 5, 3 + 3.84 - 1.
    np.testing.assert_allclose(net_worth(c), [-4, -0.4, 5.84], atol=1e-12)


def test_clear_capital_floor_and_claims_in_the_unsecured_pool():
    s = state()
    # EN with a bank floor of 2.5: 7 < 5 + 2.5, the bank fails though solvent; it still pays 5
    # (min(1 + 6, 5)) and its equity is 0.
    c = _clear(EN, f64([0, 2.5, 0]), s)
    assert c.defaulted.tolist() == [True, True, False]
    np.testing.assert_allclose(c.payments, [6, 5, 1], atol=1e-12)
    np.testing.assert_allclose(c.equity, [0, 0, 7], atol=1e-12)
    # A supplier's claim 0 -> 2 of 2 and a buyer's prepayment claim 2 -> 0 of 1 join the pool:
    # pbar = (12, 5, 2); 0 pays 0.6 * 6 + 0.9 * 1 = 4.5, 10/12 of it (3.75) to the bank and 0.75 to
    # 2; the bank has 4.75 < 5 and pays 0.6 + 0.9 * 3.75 = 3.975; 2 has 3 + 0.75 + 3.975 = 7.725.
    c = _clear(P, f64([0, 0, 0]), state(unpaid=2.0, prepaid=1.0))
    np.testing.assert_allclose(c.payments, [4.5, 3.975, 2], atol=1e-12)
    np.testing.assert_allclose(c.equity, [0, 0, 5.725], atol=1e-12)
    np.testing.assert_allclose(net_worth(c), [7 - 12, 4.75 - 5, 7.725 - 2], atol=1e-12)


def test_contagion_without_fire_sales_is_one_clearing_then_resolution():
    s, status, worth = jax.jit(lambda p, s: contagion(network(), p, constants(), s, FORCED, f64(0.0)))(P, state())
    # The clearing of the first test (worth from it), then the neocloud's estate is resolved:
    # its secured lender takes min(0.6 * 4, 10) = 2.4 of its hardware (all of it: 2.4 / 0.6 / 4 = 1),
    # the supplier 2 claims 0.5 x 4 = 2. The bank is financial: nothing is resolved for it.
    assert s.defaults.defaulted.tolist() == [True, True, False] and int(status) == Status.OK
    np.testing.assert_allclose(worth, [-4, -0.4, 5.84], atol=1e-12)
    np.testing.assert_allclose(s.credit.debt, [7.6, 5.0], atol=1e-12)
    np.testing.assert_allclose(s.books.holdings[:, 0], [0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(s.books.holdings[:, 3], [0, 2.4, 0], atol=1e-12)
    np.testing.assert_allclose(s.ledger.secured, [0, 2.4, 0], atol=1e-12)
    np.testing.assert_allclose(s.claims.unpaid, [2.0], atol=1e-12)
    np.testing.assert_allclose(s.books.price, PRICE)                  # no fire sale
    np.testing.assert_allclose(s.ledger.firesale_loss, 0.0)


def test_fire_sale_lowers_the_price_and_every_holder_loses_the_fall():
    # 0 a bank: 10 of hardware, owes 9.6 outside (equity 0.4 < 5 % of 10: it sells). 1 a
    # hyperscaler: 50 of hardware, owes 60 (under water but alive: an operating company does not
    # sell). 2 a pension fund with cash only. Linear impact, depth 1000, r = 0.05.
    net = network(kinds=("bank", "hyperscaler", "pension_fund"), borrower=(1,), lender=(2,), ext=(9.6, 60.0, 0.0))
    s = state(debt=(0.0,), cash=(0.0, 0.0, 1.0), hold=((10.0, 0, 0, 0), (50.0, 0, 0, 0), (0, 0, 0, 0)),
              price=f64([1.0, 1, 1, 1]))
    p = replace(P, fire_sales=True, impact="linear", depth_hardware=1000.0, min_capital_ratio=0.05)
    s, status, _ = jax.jit(lambda p, s: contagion(net, p, constants(), s, jnp.zeros(N, bool), f64(0.0)))(p, s)
    # The bank sells f = 1 - (10 p - 9.6) / (0.05 * 10 p) = 19.2 / p - 19 of its 10, S = 192 / p - 190,
    # and p = 1 - S / 1000, so p^2 - 1.19 p + 0.192 = 0: the greater root.
    price = (1.19 + np.sqrt(1.19 ** 2 - 4 * 0.192)) / 2
    sold = 192 / price - 190
    assert int(status) == Status.OK and not s.defaults.defaulted.any()
    np.testing.assert_allclose(s.books.price, [price, 1, 1, 1], rtol=1e-9)
    assert price < 0.998
    np.testing.assert_allclose(s.books.holdings[:, 0], [10 - sold, 50, 0], rtol=1e-7)
    np.testing.assert_allclose(s.books.cash, [sold * price, 0, 1], rtol=1e-7)
    # Held and sold units alike lose the fall: 10 (1 - p), 50 (1 - p), 0.
    np.testing.assert_allclose(s.ledger.firesale_loss, [10 * (1 - price), 50 * (1 - price), 0], rtol=1e-7)

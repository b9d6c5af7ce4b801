"""stressgpu.model.losses (docs/model.md §7): credit losses borne by private-credit funds' LPs,
the loss accounting of a tiny hand-cleared case, and the ledger's first-round loss.

The hand-cleared case (alpha = beta = 1): 0, a neocloud forced into default with e = 6, owes 6 to
1 (a bank), 3 to 2 (a private-credit fund) and 3 outside: pbar = 12, it pays 6 (half of each).
The bank (e 0.5) owes 2 outside and pays it; the fund (e 0.5) owes nothing; 3, an insurer, holds
half of the fund. Equity: bank 0.5 + 3 - 2 = 1.5, fund 0.5 + 1.5 = 2, insurer 0.5 x 2 = 1.
"""
from functools import cache
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np

from stressgpu._types import KINDS, LENDER_KINDS, Status
from stressgpu.channels.clearing import EdgeNetwork
from stressgpu.model.contagion import Cleared
from stressgpu.model.funding import FundingResult
from stressgpu.model.losses import Paths, account, borne, record
from stressgpu.model.funds import Sector
from stressgpu.model.state import Books, Capacity, Claims, Credit, Defaults, Ledger, State
from stressgpu.model.valuation import PricedIn

f64 = lambda x: jnp.asarray(x, jnp.float64)  # noqa: E731
N, A, T = 4, 4, 4
KIND = ("neocloud", "bank", "private_credit", "insurer")
C = jnp.zeros((N, N)).at[3, 2].set(0.5)          # C[i, j]: share of j's equity i holds


def by_kind(**losses):
    return [losses.get(k, 0.0) for k in LENDER_KINDS]


def test_borne_passes_a_funds_loss_to_its_lps_pro_rata():
    # 0 a fund held 30 % by 1 (insurer) and 50 % by 2 (pension fund); 3 a bank held 40 % by 2.
    # The fund keeps 20 % of its 10; the bank is no fund and keeps its 4.
    net = SimpleNamespace(kind=jnp.asarray([KINDS.index(k) for k in ("private_credit", "insurer", "pension_fund",
                                                                      "bank")]),
                          cross_holdings=jnp.zeros((4, 4)).at[1, 0].set(0.3).at[2, 0].set(0.5).at[2, 3].set(0.4))
    got = jax.jit(lambda c: borne(net, c))(f64([10.0, 1.0, 0.0, 4.0]))
    np.testing.assert_allclose(got, [2.0, 1.0 + 3.0, 5.0, 4.0])


@cache
def _account():
    onehot = lambda r: jax.nn.one_hot(jnp.asarray(r), N, dtype=jnp.float64)  # noqa: E731
    ext = f64([3.0, 2.0, 0.0, 0.0])
    net = SimpleNamespace(kind=jnp.asarray([KINDS.index(k) for k in KIND]), external_liabilities=ext,
                          cross_holdings=C, cash=f64([1.0, 1.0, 1.0, 1.0]), quarters=T)
    cn = EdgeNetwork(f64([6.0, 3.0]), onehot([0, 0]), onehot([1, 2]), ext, C)
    c = Cleared(f64([6.0, 2.0, 0.0, 0.0]), f64([0.0, 1.5, 2.0, 1.0]), jnp.asarray([True, False, False, False]),
                jnp.asarray(Status.OK, jnp.int32), f64([6.0, 0.5, 0.5, 0.0]), cn)
    z = lambda *s: jnp.zeros(s)  # noqa: E731
    # Cash at the horizon 12 for the bank against 1 at the start: 11 built, worth 11 / 1.1 = 10 at r = 10 %.
    s = State(Books(f64([1.0, 12.0, 1.0, 1.0]), z(N, A), jnp.ones(A), f64(1.0), z(N)), Capacity(z(N), z(N), z(1, N), z(1, N), z(N), z(1, N)),
              Credit(f64([6.0, 3.0]), z(N), z(2), jnp.zeros(2, bool)), Claims(z(1), z(1)),
              Defaults(c.defaulted, jnp.asarray([0, -1, -1, -1], jnp.int32), jnp.asarray(0, jnp.int32),
                       *[jnp.zeros(N, jnp.int32)] * 2),
              Ledger(*[z(N)] * 3, z(N, 6), z(N), jnp.full(N, -1, jnp.int32), *[z(N)] * 12, *[z(N)] * 6,
                     jnp.full(N, -1, jnp.int32)),
              Sector(z(N, 3), jnp.asarray(1.0), jnp.asarray(0.0), z(N), z(N), z(N)))
    paths = Paths(jnp.ones((T, A)), z(T), z(T, 0), z(T, 0), z(T, 0), jnp.ones((T, 5)), z(T, N), z(T, N))
    k = SimpleNamespace(floor=f64([0.0, 2.0, 1.0, 1.5]))
    priced = PricedIn(z(N), z(N), jnp.zeros(N, bool), jnp.zeros(N, bool), z(N), z(N), z(N))
    return jax.jit(lambda s, c: account(net, k, s, c, paths, jnp.full(N, 0.1), priced))(s, c)


def test_account_credit_losses_by_creditor_and_lender_kind():
    o = _account()
    # Shortfall of 0: 12 - 6 = 6, shared 6/12, 3/12, 3/12 by the bank, the fund and outsiders.
    np.testing.assert_allclose(o.credit_loss, [0, 3.0, 1.5, 0])
    np.testing.assert_allclose(o.credit_exposure, [0, 6.0, 3.0, 0])
    np.testing.assert_allclose(o.credit_loss_by_kind, by_kind(bank=3.0, private_credit=1.5))
    # The insurer holds half of the fund: it bears 0.75 of the fund's 1.5.
    np.testing.assert_allclose(o.credit_loss_borne_by_kind, by_kind(bank=3.0, private_credit=0.75, insurer=0.75))
    np.testing.assert_allclose(o.external_loss, 1.5)
    np.testing.assert_allclose(o.total_liabilities, [12.0, 2.0, 0, 0])


def test_account_capital_shortfall_below_the_floor_and_market_value():
    o = _account()
    # Net worth a - pbar (stakes count): 6 - 12, 0.5 + 3 - 2 = 1.5, 0.5 + 1.5 = 2, 0.5 x 2 = 1.
    np.testing.assert_allclose(o.net_worth, [-6.0, 1.5, 2.0, 1.0])
    # Floors 2 (bank), 1 (fund, worth 2: not short) and 1.5 (insurer): the bank and the insurer are
    # short 0.5 each; the defaulted neocloud has no floor.
    np.testing.assert_allclose(o.capital_shortfall, [0, 0.5, 0, 0.5])
    np.testing.assert_allclose(o.capital_shortfall_by_kind, by_kind(bank=0.5, insurer=0.5))
    # Market value: cash built 11 over T = 4 quarters at 10 %: 11 / 1.1 = 10; 0 for the defaulted.
    np.testing.assert_allclose(o.market_value, [0.0, 10.0, 0.0, 0.0], atol=1e-12)
    assert bool(o.clearing_converged) and o.defaulted.tolist() == [True, False, False, False]


def test_record_direct_loss_is_margin_on_revenue_shortfall_plus_extra_interest():
    # Three firms: revenue 7 of a planned 10 at variable cost 40 % loses 3 x 0.6 = 1.8, plus 0.2 of
    # extra interest = 2.0; a dead firm loses nothing new; revenue 6 above a plan of 5 at 50 %
    # gains 0.5, less 0.1 of extra interest: -0.4.
    net = SimpleNamespace(economy=SimpleNamespace(variable_cost_share=f64([0.4, 0.5, 0.5])),
                          commit_supplier=jax.nn.one_hot(jnp.asarray([2, 2]), 3, dtype=jnp.float64),
                          debt_lender=jax.nn.one_hot(jnp.asarray([0]), 3, dtype=jnp.float64))
    z = jnp.zeros(3)
    led = Ledger(z, f64([1.0, 1.0, 1.0]), z, jnp.zeros((3, 6)), z, jnp.full(3, -1, jnp.int32), *[z] * 12, *[z] * 6,
                 jnp.full(3, -1, jnp.int32))
    # Firm 0 drew 1 and cut capex 4; firm 2 raised 3 of equity, cut opex 0.5 and missed 1: its
    # unfunded gap is 1.5 (firm 0's 4), from this quarter (t = 2).
    funded = FundingResult(f64([0, 0, -1]), f64([1, 0, 0]), f64([0, 2, 0]), z, f64([0, 0, 3]), z, f64([4, 0, 0]),
                           f64([0, 0, 0.5]), f64([0, 0, 1]) > 0)
    out = jax.jit(lambda led: record(led, net, f64([1, 0, 1]), f64([10, 8, 5]), f64([7, 0, 6]), f64([0.5, 0.25]),
                                     f64([0.2, 9.0, 0.1]), f64([0.3]), funded, f64([2, 2, 2]), f64([3, 3, 3]),
                                     f64(2.0)))(led)
    np.testing.assert_allclose(out.gap, [4, 0, 1.5])
    np.testing.assert_array_equal(out.gap_quarter, [2, -1, 2])
    np.testing.assert_allclose(out.direct_loss, [1.0 + 2.0, 1.0, 1.0 - 0.4])
    np.testing.assert_allclose(out.commitment_loss, [0, 0, 0.75])
    np.testing.assert_allclose(out.interest_in, [0.3, 0, 0])
    np.testing.assert_allclose(out.funding, [[1, 0, 0, 0, 4, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 3, 0, 0.5]])
    np.testing.assert_allclose(out.revenue, [7, 0, 6])
    np.testing.assert_allclose(out.capex, [2, 0, 2])

"""Default resolution: what a new default of an operating company sets off (docs/model.md
§5.3–§5.4), before its unsecured claims are cleared (:mod:`stressgpu.model.contagion`).

* Secured lenders take the assets pledged to them (each link's collateral classes, realised at
  ``alpha``) up to their claim; the deficiency stays in the unsecured pool.
* A live guarantor pays what the borrower still owes on the links it stands behind (Meta behind
  the Hyperion bonds), out of cash, to their lenders.
* Suppliers gain a claim for the binding share of the remaining contract (real-property leases
  capped as US Bankruptcy Code §502(b)(6) does: the greater of one year's rent and 15 % of the
  rest, at most three years).
* Buyers lose the prepayments a failed supplier will not deliver, which become claims on its
  estate.

Pure function of one scenario's state; USD bn.
"""
from __future__ import annotations

import jax.numpy as jnp

from .._types import Asset
from ..channels.firesale import value_at
from ..network import Network
from .params import ModelParams
from .plan import Constants, financial
from .scopes import scoped
from .state import State


@scoped("default_resolution")
def resolve(net: Network, p: ModelParams, k: Constants, s: State, new_defaults, t) -> State:
    """Resolve the estates of ``new_defaults`` ``[N]`` (bool) in quarter ``t``."""
    ec = net.economy
    b, cr = s.books, s.credit
    dtype = b.cash.dtype
    op = (new_defaults & ~financial(net)).astype(dtype)
    alive = (~s.defaults.defaulted).astype(dtype)
    # Collateral: the union of the classes pledged by each borrower's secured links, shared pro rata.
    pledged = k.pledged                                                             # [N, A]
    value = value_at(b.holdings * pledged, b.price)                                 # [N] marked collateral
    secured_debt = (cr.debt * ec.debt_secured) @ net.debt_borrower                  # [N]
    taken = jnp.minimum(p.alpha * value, secured_debt) * op                         # [N] recovered value
    frac = jnp.where(secured_debt > 0, taken / jnp.maximum(secured_debt, 1e-12), 0.0)
    paid = cr.debt * ec.debt_secured * (net.debt_borrower @ frac)                   # [E]
    give_up = jnp.where(value > 0, jnp.minimum(taken / p.alpha / jnp.maximum(value, 1e-12), 1.0), 0.0)
    holdings = b.holdings * (1.0 - give_up[:, None] * pledged)
    holdings = holdings.at[:, Asset.OTHER].add(paid @ net.debt_lender)
    # Claims for unpaid binding commitments of defaulted buyers.
    ti = t.astype(jnp.int32)
    K_t = net.commit_amount[:, ti]
    remaining = k.remaining_pv[:, ti]
    lease_cap = jnp.minimum(jnp.maximum(4.0 * K_t, 0.15 * remaining), 12.0 * K_t)
    remaining = jnp.where(ec.commit_is_lease > 0, jnp.minimum(remaining, lease_cap), remaining)
    buyer_new, supplier_new = net.commit_buyer @ op, net.commit_supplier @ op
    buyer_alive, supplier_alive = net.commit_buyer @ alive, net.commit_supplier @ alive
    unpaid = s.claims.unpaid + net.commit_take_or_pay * remaining * buyer_new * supplier_alive * p.commitments
    # Prepayments a failed supplier will not deliver: the buyer's prepaid asset becomes a claim.
    lost_prepaid = ec.commit_prepaid * k.remaining[:, ti] * supplier_new * buyer_alive * p.commitments
    holdings = holdings.at[:, Asset.OTHER].add(-(lost_prepaid @ net.commit_buyer))
    # Guarantees: a live guarantor pays what the defaulted borrower still owes on its links.
    debt = cr.debt - paid
    guarantor_alive = ec.debt_guarantor @ alive                                     # [E]
    called = debt * (net.debt_borrower @ op) * guarantor_alive                      # [E]
    holdings = holdings.at[:, Asset.OTHER].add(called @ net.debt_lender)
    cash = b.cash - called @ ec.debt_guarantor
    return s._replace(
        books=b._replace(cash=cash, holdings=holdings),
        credit=cr._replace(debt=debt - called),
        claims=s.claims._replace(unpaid=unpaid, prepaid=s.claims.prepaid + lost_prepaid),
        ledger=s.ledger._replace(secured=s.ledger.secured + paid @ net.debt_lender,
                                 guaranteed=s.ledger.guaranteed + called @ ec.debt_guarantor))

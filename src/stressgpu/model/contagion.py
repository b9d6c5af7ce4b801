"""Contagion within a quarter (docs/model.md §5.2–§5.5): clearing of every unsecured claim,
resolution of new defaults, and fire sales of AI hardware and data-centre real estate, iterated
to their joint fixed point.

* Clearing (:func:`stressgpu.channels.clearing.clear_one`, Picard from the top): Eisenberg–Noe
  payments with Rogers–Veraart default costs and Elsinger cross-holdings, over the unsecured
  pool — debt still owed after secured lenders took their collateral, suppliers' claims for
  unpaid binding commitments of defaulted buyers, buyers' claims for prepayments a failed
  supplier will not deliver. Financial firms fail below the floors ``k.floor`` passed in: 0 in
  the quarterly model (insolvency; a fall below the regulatory minimum is a breach, not a default).
* Fire sales (:func:`stressgpu.channels.firesale.fire_sale_one`): financial firms below their
  capital ratio and the estates of defaulted firms sell; a live operating company does not sell
  its data centres to meet a capital ratio. Held and sold units alike lose the price fall.
* Each round clears, resolves new defaulters (:mod:`stressgpu.model.resolution`) before any
  sale, then sells; rounds repeat (:func:`stressgpu.solvers.iterate`) until neither the defaults
  nor the prices move.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import MARKETABLE, Status
from ..channels.clearing import ClearingParams, EdgeNetwork, clear_one
from ..channels.firesale import fire_sale_one, value_at
from ..network import Network
from ..solvers import iterate, worst
from .params import ModelParams
from .plan import Constants, failing, financial
from .resolution import resolve
from .scopes import scoped
from .state import State


class Cleared(NamedTuple):
    payments: jax.Array    # [N] clearing payments
    equity: jax.Array      # [N] clearing equity values
    defaulted: jax.Array   # [N] bool
    status: jax.Array      # [] int32
    external: jax.Array    # [N] external assets at the prices cleared at
    network: EdgeNetwork   # the claims cleared


@scoped("clearing")
def clear(net: Network, p: ModelParams, k: Constants, s: State, price, forced) -> Cleared:
    """Clear the balance sheets of ``s`` at ``price`` ``[A]`` with ``forced`` ``[N]`` defaults."""
    e = jnp.maximum(s.books.cash, 0.0) + value_at(s.books.holdings, price)
    C = net.cross_holdings if p.cross_holdings else None
    cn = EdgeNetwork(jnp.concatenate([s.credit.debt, s.claims.unpaid, s.claims.prepaid]),
                     jnp.concatenate([net.debt_borrower, net.commit_buyer, net.commit_supplier]),
                     jnp.concatenate([net.debt_lender, net.commit_supplier, net.commit_buyer]), net.external_liabilities, C)
    params = ClearingParams(p.alpha, p.beta, failing(net), k.floor)
    r = clear_one(cn, e, forced, params, method="picard", tol=p.clearing_tol, max_steps=p.clearing_max_iter)
    return Cleared(r.payments, r.equity, r.defaulted, r.status, e, cn)


def net_worth(c: Cleared) -> jax.Array:
    """Assets less liabilities ``a − pbar`` [N]: negative exactly for solvency defaulters."""
    cn = c.network
    stakes = 0.0 if cn.cross_holdings is None else cn.cross_holdings @ c.equity
    return c.external + cn.inflows(c.payments) + stakes - cn.total_liabilities


@scoped("fire_sale")
def _sell(net: Network, p: ModelParams, s: State, c: Cleared):
    """One fire sale on the balance sheets just cleared, solved to its equilibrium (CFS); sales
    are path-dependent, so fewer steps per round would change the answer."""
    b = s.books
    cn = c.network
    mkt = b.holdings[:, :MARKETABLE]
    seller = (financial(net) | s.defaults.defaulted).astype(mkt.dtype)
    claims = cn.inflows(c.payments) + (0.0 if cn.cross_holdings is None else cn.cross_holdings @ c.equity)
    other = jnp.maximum(b.cash, 0.0) + value_at(b.holdings[:, MARKETABLE:], b.price[MARKETABLE:]) + claims
    depth = jnp.stack([p.depth_hardware, p.depth_real_estate]).astype(b.cash.dtype)
    r = fire_sale_one(mkt * seller[:, None], other + value_at(mkt, b.price[:MARKETABLE]) * (1 - seller),
                      cn.total_liabilities, b.price[:MARKETABLE], p.min_capital_ratio, depth,
                      impact=p.impact, tol=p.price_tol, max_iter=p.firesale_steps)
    price = b.price.at[:MARKETABLE].set(r.prices)
    holdings = b.holdings.at[:, :MARKETABLE].add(-r.sold)
    mtm = value_at(mkt, b.price[:MARKETABLE] - r.prices)  # held and sold alike lose the price fall
    return s._replace(books=b._replace(holdings=holdings, price=price, cash=b.cash + value_at(r.sold, r.prices)),
                      ledger=s.ledger._replace(firesale_loss=s.ledger.firesale_loss + mtm)), r.status


class _Round(NamedTuple):
    state: State
    moved: jax.Array     # [] bool, the last round changed defaults or prices
    worth: jax.Array     # [N] assets − liabilities after the last clearing
    status: jax.Array    # [] int32 worst status of the solvers so far this quarter


def _absorb(s: State, defaulted) -> State:
    return s._replace(defaults=s.defaults._replace(defaulted=s.defaults.defaulted | defaulted))


def contagion(net: Network, p: ModelParams, k: Constants, s: State, forced, t):
    """Clearing and fire sales of one quarter, iterated to their joint fixed point.

    Returns ``(state, status, net worth [N])``; the status is the worst of every clearing and
    fire sale solved on the way and of the rounds themselves (``MAX_STEPS`` if they did not
    settle)."""

    def one_round(r: _Round) -> _Round:
        state = r.state
        was = state.defaults.defaulted
        c = clear(net, p, k, state, state.books.price, forced | was)
        # New defaulters are resolved before any sale: secured lenders take their collateral,
        # suppliers' claims join the unsecured pool of the next clearing round.
        state = resolve(net, p, k, state, c.defaulted & ~was, t)
        new, st_sale = _sell(net, p, state, c)
        moved = jnp.any(c.defaulted & ~was) | jnp.any(jnp.abs(new.books.price - state.books.price) > p.price_tol)
        return _Round(_absorb(new, c.defaulted), moved, net_worth(c), worst(r.status, c.status, st_sale))

    if not p.fire_sales:
        c = clear(net, p, k, s, s.books.price, forced | s.defaults.defaulted)
        s = resolve(net, p, k, s, c.defaulted & ~s.defaults.defaulted, t)
        return _absorb(s, c.defaulted), c.status, net_worth(c)
    init = _Round(s, jnp.asarray(True), jnp.zeros_like(s.books.cash), jnp.asarray(Status.OK, jnp.int32))
    sol = iterate(one_round, init, max_steps=p.max_contagion_rounds,
                  done=lambda old, new: ~new.moved,
                  check=lambda c: c.status)
    r = sol.value
    # A solver's own failure stops the rounds with its status; otherwise the rounds' status.
    return r.state, worst(sol.status, r.status), r.worth

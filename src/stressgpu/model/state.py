"""What the quarterly model carries from one quarter to the next: a nested PyTree, one part per
owner, so that each mechanism of :mod:`stressgpu.model` reads and writes a part with named fields.

Shapes: N entities, A asset classes (:class:`stressgpu._types.Asset`), E debt links, F commitment
contracts, L quarters of capacity lag. Amounts are USD bn; prices and indices are 1 at t = 0.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Asset, Source, Status
from ..network import Network
from ..shocks.base import Factors
from .params import ModelParams
from .funds import Sector
from .capital import start_ratio, start_worth
from .plan import Constants


class Books(NamedTuple):
    """Balance sheets at market prices (owned by funding, the capital stock and the fire sales)."""

    cash: jax.Array          # [N]
    holdings: jax.Array      # [N, A] quantities (baseline value, USD bn) by Asset column
    price: jax.Array         # [A] price of each asset class
    hw_value: jax.Array      # [] fundamental value index of installed AI hardware (docs/model.md §3)
    opex_cut: jax.Array      # [N] share of sticky opex cut in distress so far (it lasts; docs/model.md §4)


class Capacity(NamedTuple):
    """Compute capacity built by capex (capacity and investment), beside the no-shock plan's."""

    installed: jax.Array     # [N] annual compute revenue at full use
    plan: jax.Array          # [N] the same along the no-shock plan
    pipeline: jax.Array      # [L, N] hardware ordered, not yet online (capacity units)
    pipeline_plan: jax.Array  # [L, N]
    intended: jax.Array           # [N] the same as installed had no funding cut scaled capex
    pipeline_intended: jax.Array  # [L, N]


class Credit(NamedTuple):
    """Debt outstanding and the lenders' side of it (debt service, funding, covenants)."""

    debt: jax.Array          # [E] outstanding on each debt link
    facility_room: jax.Array  # [N] undrawn facilities left
    breach: jax.Array        # [E] consecutive quarters each covenant has been in breach
    accelerated: jax.Array   # [E] bool: the lender accelerated the link (all principal due now)


class Claims(NamedTuple):
    """Claims created by defaults, cleared with the debt (default resolution)."""

    unpaid: jax.Array        # [F] suppliers' claims on defaulted buyers for binding commitments
    prepaid: jax.Array       # [F] buyers' claims on failed suppliers for unused prepayments


class Defaults(NamedTuple):
    """Who has defaulted, when, and how well every solver on the way converged."""

    defaulted: jax.Array     # [N] bool (absorbing)
    quarter: jax.Array       # [N] int32, -1 never
    status: jax.Array        # [] int32 worst solver status so far (stressgpu.Status)
    reason: jax.Array        # [N] int32 why each firm defaulted (stressgpu._types.Reason)
    closed: jax.Array        # [N] int32 at default: markets it could not use, bits 1 bonds, 2 private credit,
                             # 4 equity (closed by the scenario or lending nothing)


class Ledger(NamedTuple):
    """Running totals kept only to be reported (loss accounting, valuation): nothing in a
    quarter's decisions reads them."""

    commitment_loss: jax.Array  # [N] suppliers' shortfall on their contracts' plan
    direct_loss: jax.Array   # [N] first-round loss on own cash flows
    firesale_loss: jax.Array  # [N] mark-to-market loss from fire-sale price falls
    funding: jax.Array       # [N, 6] by stressgpu._types.Source
    gap: jax.Array           # [N] unfunded gap: what only capex and opex cuts or a missed payment covered
    gap_quarter: jax.Array   # [N] int32 first quarter with an unfunded gap (-1 never)
    revenue: jax.Array       # [N]
    revenue_plan: jax.Array  # [N]
    capex: jax.Array         # [N]
    capex_plan: jax.Array    # [N]
    secured: jax.Array       # [N] collateral taken by each secured lender
    interest_in: jax.Array   # [N] interest received
    guaranteed: jax.Array    # [N] paid by each guarantor for defaulted borrowers
    payout_pv: jax.Array     # [N] discounted dividends and buybacks less new equity raised
    ocf_last: jax.Array      # [N] free cash flow over the last year of the horizon
    cash_cost: jax.Array     # [N] variable cost, sticky opex and contract purchases paid (the margin's cost)
    revenue_last: jax.Array  # [N] revenue over the last year of the horizon (the terminal value's normalisation)
    upkeep_last: jax.Array   # [N] upkeep of the capital stock over the last year (idem)
    book_loss: jax.Array     # [N] defaults written off the off-network credit book (par x LGD)
    sale_loss: jax.Array     # [N] below-par price received on private-credit loans sold
    redeemed: jax.Array      # [N] paid to redeeming investors of a fund's evergreen vehicles
    gated: jax.Array         # [N] asked for and not paid
    loans_sold: jax.Array    # [N] private-credit loans sold (par): to meet redemptions or asset coverage
    ratio_min: jax.Array     # [N] lowest capital ratio reached (stressgpu.model.capital; 0 where none: the state
                             # stays finite for the solvers' checks)
    floor_quarter: jax.Array  # [N] int32 first quarter the capital ratio was below its minimum (-1 never)


class State(NamedTuple):
    books: Books
    capacity: Capacity
    credit: Credit
    claims: Claims
    defaults: Defaults
    ledger: Ledger
    sector: Sector


def initial_state(net: Network, f: Factors, p: ModelParams, k: Constants) -> State:
    """The state at t = 0: the data's balance sheets, the shock's asset prices (AI hardware
    starts at 1: it is valued from its rental income, never by a free size), hardware ordered
    before the start arriving as planned."""
    n, e, c = net.n, net.debt_amount.shape[0], net.commit_amount.shape[0]
    dtype = net.cash.dtype
    ec = net.economy
    zeros = lambda m: jnp.zeros(m, dtype)  # noqa: E731
    price0 = f.price.astype(dtype).at[Asset.AI_HARDWARE].set(1.0)
    pipe0 = jnp.broadcast_to(k.build * net.capex / 4 * k.hw_share, (p.capacity_lag_quarters, n)).astype(dtype)
    return State(
        books=Books(net.cash, net.holdings, price0, jnp.asarray(1.0, dtype), zeros(n)),
        capacity=Capacity(ec.capacity, ec.capacity, pipe0, pipe0, ec.capacity, pipe0),
        credit=Credit(net.debt_amount, ec.facility_room, zeros(e), jnp.zeros(e, bool)),
        claims=Claims(zeros(c), zeros(c)),
        defaults=Defaults(jnp.zeros(n, bool), jnp.full(n, -1, jnp.int32), jnp.asarray(Status.OK, jnp.int32),
                          jnp.zeros(n, jnp.int32), jnp.zeros(n, jnp.int32)),
        ledger=Ledger(zeros(n), net.holdings @ (1 - price0), zeros(n), zeros((n, len(Source))), zeros(n),
                      jnp.full(n, -1, jnp.int32), zeros(n), zeros(n),
                      zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), zeros(n),
                      zeros(n), zeros(n), zeros(n), zeros(n), zeros(n), start_ratio(net),
                      jnp.full(n, -1, jnp.int32)),
        sector=initial_sector(net),
    )


def initial_sector(net: Network) -> Sector:
    """The financial sector at t = 0: the data's credit books at par, loans at par, the data's stakes,
    each firm's starting net worth as its NAV and high-water mark. A network built without
    :class:`stressgpu.finance.Finance` (by hand, for the kernels) has empty books."""
    dtype = net.cash.dtype
    fin = net.finance
    n = net.n
    worth = start_worth(net)
    book = fin.book if fin is not None else jnp.zeros((n, 3), dtype)
    evergreen = fin.evergreen if fin is not None else jnp.zeros(n, dtype)
    return Sector(book=book, loan_price=jnp.asarray(1.0, dtype), sales=jnp.asarray(0.0, dtype),
                  worth=worth, peak=worth, evergreen=evergreen)

"""Debt service of one quarter (docs/model.md §4): interest on every link and the principal due.

Floating-rate debt re-prices at once with the shock's rate and spread shifts; fixed-rate debt as
it is refinanced (the share of its principal that has come due). Operating companies repay the
principal due (all of it on a loan a lender accelerated, §5.1); financial firms roll their own
maturities. A defaulted borrower pays nothing: its debt waits for resolution. Pure functions,
``[E]`` per debt link, USD bn per quarter.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ..network import Network
from ..shocks.base import Factors
from .plan import financial
from .state import Credit


class Service(NamedTuple):
    interest: jax.Array        # [E] interest paid this quarter
    extra_interest: jax.Array  # [N] the part of each borrower's interest due to the shock
    repay: jax.Array           # [E] principal repaid
    debt: jax.Array            # [E] outstanding after repayment


def service(net: Network, f: Factors, credit: Credit, alive, due_t, refi_t, frozen=False) -> Service:
    """``due_t`` ``[E]`` principal due this quarter; ``refi_t`` ``[E]`` share of each link's
    principal refinanced (re-priced) by now (:func:`refinanced_share`); ``alive`` ``[N]``;
    ``frozen`` ``[]`` bool, private credit closed this quarter: asset-backed notes due then extend
    (``Economy.debt_extends``: an anticipated repayment date, not a legal maturity)."""
    dtype = credit.debt.dtype
    borrower_alive = net.debt_borrower @ alive
    shift = (f.rate_shift + f.spread_shift) * (net.debt_floating + (1 - net.debt_floating) * refi_t)
    interest = credit.debt * (net.debt_rate + shift) / 4 * borrower_alive
    extra_interest = (credit.debt * shift / 4 * borrower_alive) @ net.debt_borrower
    operating = net.debt_borrower @ (~financial(net)).astype(dtype)
    due = due_t * (1.0 - net.economy.debt_extends * jnp.asarray(frozen, dtype))
    repay = jnp.minimum(jnp.where(credit.accelerated, credit.debt, due) * borrower_alive * operating, credit.debt)
    return Service(interest, extra_interest, repay, credit.debt - repay)


def refinanced_share(net: Network) -> jax.Array:
    """``[E, T]`` share of each debt's principal that has come due (and re-priced) by quarter t."""
    return jnp.clip(jnp.cumsum(net.debt_due_share, axis=1), 0.0, 1.0)

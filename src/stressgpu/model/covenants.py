"""Maintenance covenants, their cure periods and acceleration (docs/model.md §5.1).

A covenanted loan is tested each quarter: its loan-to-value (the borrower's debt secured by the
same assets over their marked value) must stay at or below the maximum, and its interest cover
(the borrower's operating cash flow before interest over its interest due) at or above the
minimum. A breach may last ``cure`` quarters (the borrower cures by paying down, posting
collateral or recovering); a breach that lasts longer lets the lender accelerate: the whole
principal falls due the next quarter, and a borrower that cannot fund it defaults on the missed
payment. Pure function of arrays for one scenario (``E`` debt links, ``N`` entities).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ..channels.firesale import value_at
from ..network import Network
from .params import ModelParams
from .plan import Constants
from .scopes import scoped
from .state import Books, Credit


class CovenantTest(NamedTuple):
    breach: jax.Array       # [E] consecutive quarters in breach (0: compliant)
    accelerate: jax.Array   # [E] bool: the breach outlasted its cure period
    ltv: jax.Array          # [E] loan-to-value tested (inf: no pledged value)
    icr: jax.Array          # [E] the borrower's interest cover tested


def covenant_test(debt, collateral_value, ltv_pool, max_ltv, min_icr, cure, borrower, ocf, interest,
                  live, breach) -> CovenantTest:
    """Test every covenant once.

    debt ``[E]`` outstanding; collateral_value ``[E]`` marked value of the assets pledged to each
    link (USD bn); ltv_pool ``[E, E]`` 1 where two links share a borrower and a pledged class (their
    debt counts against the same collateral); max_ltv ``[E]`` (inf: none); min_icr ``[E]`` (0:
    none); cure ``[E]`` quarters; borrower ``[E, N]`` one-hot; ocf, interest ``[N]`` this quarter's
    operating cash flow before interest and interest due (USD bn per quarter); live ``[E]`` 1 while
    both sides of the link live; breach ``[E]`` the running count.
    """
    loan = ltv_pool @ debt
    ltv = jnp.where(collateral_value > 0, loan / jnp.where(collateral_value > 0, collateral_value, 1.0), jnp.inf)
    ocf_e, int_e = borrower @ ocf, borrower @ interest
    icr = jnp.where(int_e > 0, ocf_e / jnp.where(int_e > 0, int_e, 1.0), jnp.inf)
    has_ltv, has_icr = jnp.isfinite(max_ltv), min_icr > 0
    broken = ((has_ltv & (ltv > max_ltv) & (loan > 0)) | (has_icr & (icr < min_icr))) & (debt > 0) & (live > 0)
    count = jnp.where(broken, breach + 1.0, 0.0)
    return CovenantTest(count, broken & (count > cure), ltv, icr)


@scoped("covenants")
def check_covenants(net: Network, p: ModelParams, k: Constants, books: Books, credit: Credit, defaulted, ocf,
                   interest_due) -> Credit:
    """Every covenant tested on the quarter's closing balance sheets; a breach past its cure
    period accelerates the loan, due next quarter (with the covenants channel on), unless the
    pledged collateral at its value still covers the loan (loan-to-value ≤ 1): then the lender
    waives."""
    ec = net.economy
    # Each link's borrower by index (a gather) and its pledged classes valued class by class: as a
    # one-hot product reduced over the short class axis it took a third of every quarter on
    # XLA:CPU (a slow fused dot-reduce).
    pledged_value = value_at(books.holdings[k.borrower] * ec.debt_collateral, books.price)   # [E]
    live = net.debt_borrower @ (~defaulted).astype(books.cash.dtype)
    ct = covenant_test(credit.debt, pledged_value, k.ltv_pool, ec.debt_max_ltv, ec.debt_min_icr, ec.debt_cure,
                       net.debt_borrower, ocf, interest_due, live, credit.breach)
    # A lender whose collateral still covers the loan waives the breach rather than accelerate
    # (docs/model.md §5.1): accelerating would only turn a covered loan into a default.
    covered = ct.ltv <= 1.0
    return credit._replace(breach=ct.breach,
                           accelerated=credit.accelerated | (ct.accelerate & ~covered & p.covenants))

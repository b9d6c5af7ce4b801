"""Lenders' underwriting (docs/model.md §4): how much new debt each firm can raise this quarter,
market by market, decided by its lenders on the scenario's own path — never by the firm's plan.

Two markets (:class:`stressgpu._types.Market`), each open to a firm only where it has done such
deals (``Economy.market_access``):

* **bonds and bank loans** lend against cash flow. A lender lends while the firm stays inside
  two limits, the ones leveraged-finance and rating-agency underwriting use: total debt at most
  ``max_leverage`` × annual operating cash flow (before interest; a firm's own starting leverage
  where higher, since its lenders accepted it: regulated utilities run at 5–6×), and interest cover, operating
  cash flow over interest, at least ``min_interest_cover`` with the new loan's interest included:

      room_cf = max(0, min(L·OCF − D,  (OCF / c − I) / r_new)),

  with D all the firm owes plus the present value of the binding (take-or-pay, lease, firm-order)
  payments it still owes (lenders and rating agencies count such fixed claims on cash flow as
  debt), I its annual interest and r_new the rate of new debt. A firm whose
  operating cash flow is not positive gets no cash-flow loan.
* **private credit and asset-backed debt** lend against cash flow as above or against collateral,
  whichever gives more: secured lenders advance up to ``max_ltv`` of the hardware and
  data-centre real estate at this quarter's marked value (docs/model.md §3: the present value of
  their income) and margin lenders :data:`MARGIN_ADVANCE` of listed stakes, and delayed-draw lenders advance ``backlog_advance`` of the present value of
  contracts still to be paid by solvent investment-grade buyers (the structure of the GPU-backed
  delayed-draw loans of CoreWeave, whose borrowing base is its contracts with Microsoft and
  OpenAI); less the secured debt the firm already owes:

      room_secured = max(0, max(ltv · collateral + m · stakes, a · backlog) − D_secured).

  A private-credit freeze closes this market for its length.

Bonds come first (cheaper); private credit lends what is left of ``max(room_cf, room_secured)``
after the bonds' cash-flow loan, so the two markets never lend the same cash flow twice.
Pure functions of one scenario's arrays, ``[N]`` per entity, USD bn.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from .._types import Asset, Market


class Underwriting(NamedTuple):
    """What lenders would lend each firm this quarter, ``[N]`` USD bn (all >= 0)."""

    cash_flow: jax.Array   # against cash flow (leverage and interest cover)
    secured: jax.Array     # against collateral or contracted backlog
    bonds: jax.Array       # room in the bond and bank-loan market (0: closed or no access)
    private: jax.Array     # room in the private-credit market (0: closed or no access)


def cash_flow_room(ocf, debt, interest, new_rate, max_leverage, min_cover) -> jax.Array:
    """``[N]`` new debt within both cash-flow limits (module docstring). ``ocf`` annual operating
    cash flow before interest, ``debt`` all the firm owes, ``interest`` its annual interest,
    ``new_rate`` the annual rate of new debt (floored at 1 % so the cover limit stays defined)."""
    leverage = max_leverage * ocf - debt
    cover = (ocf / jnp.maximum(min_cover, 1e-9) - interest) / jnp.maximum(new_rate, 0.01)
    return jnp.where(ocf > 0, jnp.maximum(jnp.minimum(leverage, cover), 0.0), 0.0)


def secured_room(advanced, backlog, secured_debt, advance) -> jax.Array:
    """``[N]`` new secured debt: the larger of the collateral's borrowing base ``advanced``
    (:func:`collateral_value`) and the backlog's, less the secured debt already owed."""
    return jnp.maximum(jnp.maximum(advanced, advance * backlog) - secured_debt, 0.0)


MARGIN_ADVANCE = 0.25  # margin loans advance about a quarter of a single listed stake's value (SoftBank's
                      # Arm-backed loans were ~8.5–13.5 bn against a stake worth ~100 bn): stated, not fitted


def collateral_value(holdings, price, max_ltv) -> jax.Array:
    """``[N]`` USD bn a secured lender advances: ``max_ltv`` of AI hardware and data-centre real
    estate at this quarter's prices, and :data:`MARGIN_ADVANCE` of listed stakes (margin loans)."""
    return max_ltv * (holdings[:, Asset.AI_HARDWARE] * price[Asset.AI_HARDWARE]
                      + holdings[:, Asset.DC_REAL_ESTATE] * price[Asset.DC_REAL_ESTATE]) \
        + MARGIN_ADVANCE * holdings[:, Asset.LISTED_EQUITY] * price[Asset.LISTED_EQUITY]


def backlog(remaining_pv_t, investment_grade, buyer_alive, commit_buyer, commit_supplier) -> jax.Array:
    """``[N]`` present value of the contracts still to be paid to each supplier by solvent
    investment-grade buyers. ``remaining_pv_t`` ``[F]`` each contract's remaining value after this
    quarter; ``investment_grade``, ``buyer_alive`` ``[N]`` 0/1; ``commit_*`` ``[F, N]`` one-hot."""
    good = commit_buyer @ (investment_grade * buyer_alive)
    return (remaining_pv_t * good) @ commit_supplier


def underwrite(ocf, debt, interest, new_rate, advanced, backlog_pv, secured_debt, access, market_open,
               max_leverage, min_cover, advance) -> Underwriting:
    """Each market's room this quarter. ``access`` ``[N, M]`` 0/1 the markets a firm has used,
    ``market_open`` ``[M]`` bool (a freeze closes private credit); the rest as in
    :func:`cash_flow_room` and :func:`secured_room`."""
    cf = cash_flow_room(ocf, debt, interest, new_rate, max_leverage, min_cover)
    sec = secured_room(advanced, backlog_pv, secured_debt, advance)
    usable = access * market_open.astype(access.dtype)[None, :]               # [N, M]
    bonds = cf * usable[:, Market.BONDS]
    private = jnp.maximum(jnp.maximum(cf, sec) - bonds, 0.0) * usable[:, Market.PRIVATE_CREDIT]
    return Underwriting(cf, sec, bonds, private)

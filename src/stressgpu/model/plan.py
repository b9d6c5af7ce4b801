"""What every scenario of a network shares, derived once from the network (docs/model.md §3–§5):
the value chain's per-firm constants, the contracts' remaining values, who pledged what, the
capital floors of financial firms, and (:class:`Plan`) what the no-shock path fixes.

Shapes: N entities, E debt links, F contracts, T quarters, A asset classes. USD bn.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax

from .._types import FAILING_KINDS, FINANCIAL_KINDS, KINDS, Role
from ..network import Network
from .capital import book_net_worth, capital_floor
from .params import ModelParams
from .valuation import PricedIn


__all__ = ["Constants", "Plan", "book_net_worth", "capital_floor", "committed", "constants", "ev_leverage",
           "failing", "financial", "remaining_value"]


class Constants(NamedTuple):
    """Per-entity constants of the value chain and of default resolution."""

    hw_share: jax.Array      # [N] share of capex that is AI hardware (AI buyers)
    build: jax.Array         # [N] capacity added per USD bn of hardware capex
    depreciation: jax.Array  # [N] quarterly depreciation rate of capacity in the plan
    order_share: jax.Array   # [] network buyers' share of chipmakers' AI-hardware orders
    sticky: jax.Array        # [N] sticky opex net of the interest the data's opex already contains
    ltv_pool: jax.Array      # [E, E] 1 where two links share a borrower and a pledged asset class
    remaining_pv: jax.Array  # [F, T] present value of each contract's payments after quarter t
    remaining: jax.Array     # [F, T] the same undiscounted (what a prepayment still covers)
    pledged: jax.Array       # [N, A] 1 for each asset class a borrower has pledged to a secured link
    floor: jax.Array         # [N] capital floors (:func:`capital_floor`)
    borrower: jax.Array      # [E] int: each debt link's borrower
    leverage_cap: jax.Array  # [N] lenders' maximum debt / operating cash flow: the model's, or the firm's own at
                             # the start where higher (its lenders accepted it)
    ev_leverage: jax.Array   # [N] enterprise value over equity at the start, (market value + debt) / market value
                             # (1 where there is no market value): equity moves this many times its firm's value


class Plan(NamedTuple):
    """What every scenario of a network shares, solved once from the no-shock path
    (:func:`stressgpu.dynamics.solve_plan`)."""

    priced: PricedIn    # [N] each: priced-in growth and terminal cash flow (docs/model.md §6)
    worth: jax.Array    # [T, N] net worth the no-shock path reaches after each quarter's clearing: what capital
                        # tests measure a scenario's losses against (docs/model.md §5.8)


def constants(net: Network, p: ModelParams) -> Constants:
    """Calibrate capacity building so that, with plan capex, capacity grows with each seller's
    planned revenue: ``K(t+1) = K(t)(1 − δ) + φ·hardware capex`` at the plan's growth."""
    ec = net.economy
    hw_share = jnp.where(net.ai_buyer > 0, p.capex_hardware_share, 0.0)
    dep = 1.0 / (4.0 * ec.hardware_life)
    capex_hw = net.capex / 4 * hw_share
    needed = ec.capacity * ((1.0 + net.revenue_growth) ** 0.25 - 1.0 + dep)
    build = jnp.where(capex_hw > 0, needed / jnp.where(capex_hw > 0, capex_hw, 1.0), 0.0)
    is_chip = (net.kind == KINDS.index("chipmaker")).astype(net.cash.dtype)
    chip_sales = jnp.sum(is_chip * net.revenue * net.ai_shares[:, Role.HARDWARE]) / 4
    share = jnp.clip(jnp.sum(capex_hw) / jnp.maximum(chip_sales, 1e-9), 0.0, 1.0)
    # The data's opex is revenue less operating cash flow, and operating cash flow is after
    # interest paid (US GAAP): take the interest of the starting debt out, the model pays it.
    interest0 = (net.debt_amount * net.debt_rate) @ net.debt_borrower
    sticky = jnp.maximum(net.economy.sticky_opex - interest0, 0.0)
    pledged = ec.debt_collateral
    same_pool = (net.debt_borrower @ net.debt_borrower.T) * ((pledged @ pledged.T) > 0)
    pledged_classes = jnp.minimum(net.debt_borrower.T @ (pledged * ec.debt_secured[:, None]), 1.0)
    remaining_pv = remaining_value(net, p.claim_discount_rate)
    # Lenders count binding purchase commitments as debt (rating agencies' lease-adjusted leverage).
    debt0 = net.debt_amount @ net.debt_borrower + committed(net, remaining_pv[:, 0])
    ocf0 = net.revenue - net.opex + interest0          # the data's operating cash flow, before interest
    leverage0 = jnp.where(ocf0 > 0, debt0 / jnp.where(ocf0 > 0, ocf0, 1.0), 0.0)
    return Constants(hw_share, build, dep, share, sticky, same_pool,
                     remaining_pv, remaining_value(net, 0.0), pledged_classes,
                     capital_floor(net), jnp.argmax(net.debt_borrower, axis=1), jnp.maximum(p.max_leverage, leverage0),
                     ev_leverage(ec.market_value, net.debt_amount @ net.debt_borrower))


def ev_leverage(market_value, debt) -> jax.Array:
    """``[N]`` enterprise value over equity, ``(market value + debt) / market value``, from the
    data's market value and debt (USD bn); 1 where there is no market value."""
    has = market_value > 0
    return jnp.where(has, (market_value + debt) / jnp.where(has, market_value, 1.0), 1.0)


def committed(net: Network, remaining_pv_t, alive=None) -> jax.Array:
    """``[N]`` USD bn: present value of the binding (take-or-pay) payments each buyer still owes
    under its contracts with live suppliers (``alive`` ``[N]``; None: all), ``remaining_pv_t``
    ``[F]`` each contract's remaining value; lenders add it to debt when they test leverage (a lease or take-or-pay contract is a
    fixed claim on the buyer's cash flow, as rating agencies treat leases)."""
    live = 1.0 if alive is None else net.commit_supplier @ alive      # [F] 1 while the supplier lives
    return (remaining_pv_t * net.commit_take_or_pay * live) @ net.commit_buyer


def remaining_value(net: Network, rate) -> jax.Array:
    """``[F, T]`` present value, at the end of quarter t, of each contract's payments after t
    (the model window, then what is contracted beyond the horizon, discounted from its end)."""
    d = 1.0 / (1.0 + rate / 4.0)
    K = net.commit_amount
    tail = net.economy.commit_after * d

    def back(carry, k_next):
        pv = d * (k_next + carry)
        return pv, pv

    _, pv = lax.scan(back, tail, jnp.concatenate([K[:, 1:], jnp.zeros_like(K[:, :1])], axis=1).T, reverse=True)
    # pv[t] = d (K[t+1] + pv[t+1]); the last quarter's successor is the tail alone.
    return pv.T


def financial(net: Network) -> jax.Array:
    """``[N]`` bool: financial firms (they roll their maturities and sell in fire sales)."""
    return jnp.isin(net.kind, jnp.asarray([KINDS.index(k) for k in FINANCIAL_KINDS]))


def option_debt(net: Network) -> jax.Array:
    """``[N]`` USD bn: the debt that, with the equity, makes the assets a firm's equity is a call on
    (docs/model.md §6: the option's dollar volatility is σ · (value + this)): an operating firm's
    borrowing at the start; 0 for a financial firm, whose liabilities (deposits, policies, fund
    units) fund a book far less volatile than an operating firm's assets."""
    return jnp.where(financial(net), 0.0, net.debt_amount @ net.debt_borrower)


def failing(net: Network) -> jax.Array:
    """``[N]`` bool: financial firms that fail when insolvent, below the clearing's floor (0 in the
    quarterly model; docs/model.md §5.1)."""
    return jnp.isin(net.kind, jnp.asarray([KINDS.index(k) for k in FAILING_KINDS]))

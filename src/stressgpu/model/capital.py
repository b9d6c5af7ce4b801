"""Capital tests of the financial sector (docs/model.md §5.8): how far each bank's, insurer's and
pension fund's net worth may fall, and its capital ratio each quarter.

* A bank's CET1 ratio is ``(CET1 + ΔW) / RWA`` and it fails below its requirement (4.5 % + stress
  capital buffer + G-SIB surcharge); an insurer's RBC ratio is ``(TAC + ΔW) / RBC`` and it fails below 1
  (the company action level); a pension fund's funded status is ``(assets + ΔW) / liabilities`` (it never
  fails). ΔW is the change of the firm's net worth since the start, losses on its credit books, stakes
  and claims all included (credit losses reduce CET1 one for one: taxes and risk-weight changes are left
  out).
* A private-credit fund has no capital requirement: it fails when its LP equity is gone (the clearing's
  insolvency, its lines then lose); its ratio is a BDC's asset coverage ``(NAV + D) / D``, which
  :mod:`stressgpu.model.funds` restores by selling loans.

Net worth is on the clearing's scale (stakes at the issuer's equity), so the start is
:func:`start_worth`. USD bn; ``[N]`` per entity.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._types import FAILING_KINDS, KINDS
from ..network import Network


def book_net_worth(net: Network) -> jax.Array:
    """``[N]`` USD bn at t = 0: cash, holdings and debt owed to the firm, less its debt and other
    liabilities (stakes in other firms are not counted: they are in their issuers' equity)."""
    return net.cash + net.holdings.sum(1) + net.debt_amount @ net.debt_lender \
        - net.debt_amount @ net.debt_borrower - net.external_liabilities


def start_worth(net: Network) -> jax.Array:
    """``[N]`` net worth at t = 0 on the clearing's scale: the book net worth plus stakes at the
    issuers' book equity (never below 0)."""
    book = book_net_worth(net)
    return book + net.cross_holdings @ jnp.maximum(book, 0.0)


def _is(net: Network, *kinds) -> jax.Array:
    return jnp.isin(net.kind, jnp.asarray([KINDS.index(k) for k in kinds]))


def capital_floor(net: Network) -> jax.Array:
    """``[N]`` USD bn: the net worth below which a bank or insurer fails its capital test: its start
    less its capital above the requirement, ``W0 − (capital − required)`` (0 where the headroom is
    larger than the net worth: it fails only insolvent). Private-credit funds fail only insolvent.
    A network without :class:`stressgpu.finance.Finance` keeps the balance sheet's ratio:
    ``W0 · minimum / actual``."""
    ec = net.economy
    failing = _is(net, *FAILING_KINDS)
    if getattr(net, "finance", None) is None:
        worth0 = book_net_worth(net)
        share = jnp.where(ec.capital_ratio > 0, ec.capital_ratio_min / jnp.where(ec.capital_ratio > 0, ec.capital_ratio, 1.0), 0.0)
        return jnp.where(failing, jnp.maximum(worth0, 0.0) * share, 0.0)
    fin = net.finance
    tested = _is(net, "bank", "insurer") & (fin.capital > 0)
    return jnp.where(tested, jnp.maximum(start_worth(net) - (fin.capital - fin.required), 0.0), 0.0)


def capital_ratio(net: Network, worth, fund_debt, plan_worth=None) -> jax.Array:
    """``[N]`` each financial firm's capital ratio at net worth ``worth`` ``[N]``: CET1 / RWA (banks),
    TAC / RBC (insurers), funded status (pension funds) — the start's capital less what the scenario
    lost against the plan's net worth ``plan_worth`` ``[N]`` by now (None: the start's; the plan's
    retained earnings are paid out or grow the balance sheet, as a stress test holds the ratio) — and
    asset coverage ``(W + D) / D`` with ``fund_debt`` ``[N]`` its debt (private-credit funds); NaN where
    there is none."""
    fin = net.finance
    dW = worth - (start_worth(net) if plan_worth is None else plan_worth)
    has = fin.ratio_base > 0
    ratio = jnp.where(has, (fin.capital + dW) / jnp.where(has, fin.ratio_base, 1.0), jnp.nan)
    fund = _is(net, "private_credit") & (fund_debt > 0)
    coverage = (jnp.maximum(worth, 0.0) + fund_debt) / jnp.where(fund, fund_debt, 1.0)
    return jnp.where(fund, coverage, ratio)


def floor_at(floor, net: Network, plan_worth) -> jax.Array:
    """``[N]`` the clearing's capital floor when the plan has reached net worth ``plan_worth`` ``[N]``:
    the same headroom below it as :func:`capital_floor` leaves below the start (0 where there is no floor)."""
    return jnp.where(floor > 0, jnp.maximum(floor + plan_worth - start_worth(net), 0.0), 0.0)


def ratio_minimum(net: Network) -> jax.Array:
    """``[N]`` the ratio each firm must keep: the CET1 requirement, 1 for RBC, the BDC coverage
    minimum; NaN where there is none (pension funds, firms without data)."""
    fin = net.finance
    has = (fin.ratio_base > 0) & (fin.required > 0) & ~_is(net, "private_credit")
    req = jnp.where(has, fin.required / jnp.where(has, fin.ratio_base, 1.0), jnp.nan)
    return jnp.where(_is(net, "private_credit") & (fin.coverage_min > 0), fin.coverage_min, req)


def start_ratio(net: Network) -> jax.Array:
    """``[N]`` each firm's capital ratio at the start (0 where it has none, or the network was built
    without :class:`stressgpu.finance.Finance`)."""
    if getattr(net, "finance", None) is None:
        return jnp.zeros(net.n, net.cash.dtype)
    debt = net.debt_amount @ net.debt_borrower
    r = capital_ratio(net, start_worth(net), jnp.where(_is(net, "private_credit"), debt, 0.0))
    return jnp.where(jnp.isfinite(r), r, 0.0)

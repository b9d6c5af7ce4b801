"""The financial sector's arrays (docs/model.md §5.8): capital tests, off-network credit books and
private-credit funds' redemption terms, from ``data/financial_capital.csv``.

Shapes: N entities, C credit-book classes (:data:`BOOK_CLASSES`). USD bn unless stated.

* **Capital** ``capital``, ``required``, ``ratio_base``: a firm's capital ratio each quarter is
  ``(capital + Δ net worth) / ratio_base`` and it fails below ``required / ratio_base``:
  banks CET1 over risk-weighted assets against the CET1 requirement (4.5 % + stress capital buffer +
  G-SIB surcharge); insurers total adjusted capital over company-action-level RBC (a multiple, failing
  below 1); pension funds assets over liabilities (their funded status; they never fail). A bank
  without CET1 data keeps the balance sheet's capital ratio against its minimum (its net worth stands
  for its capital). Private-credit funds have no capital requirement: they fail when their LP equity is
  gone (the clearing's insolvency), and their ratio is a BDC's asset coverage, assets over debt.
* **Credit books** ``book`` ``[N, C]``: loans and bonds of borrowers outside the network, at par — a
  private-credit fund's loans less those it made to firms of the network, a bank's corporate loans, an
  insurer's or pension fund's corporate bonds and private credit. They are part of the firm's other
  assets (``Network.holdings[:, Asset.OTHER]``) and never more than them.
* **Funds** ``evergreen``, ``redemption_cap``, ``coverage_min``: the share of a fund's NAV held in
  evergreen vehicles and non-traded BDCs (whose investors may ask for their money back each quarter),
  the most those vehicles repurchase a quarter (share of their NAV), and the BDC asset-coverage minimum
  (assets over senior securities; 1.5 under the Small Business Credit Availability Act of 2018).
"""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

import jax
import numpy as np
import pandas as pd

from .data.load import Tables

_log = logging.getLogger(__name__)

BOOK_CLASSES = ("private_credit", "loans", "bonds")


class Book(enum.IntEnum):
    """Columns of ``Finance.book`` ``[N, C]``: the credit classes of off-network books."""

    PRIVATE_CREDIT = 0  # direct-lending loans (funds, insurers' and pension funds' private credit)
    LOANS = 1           # banks' corporate loans
    BONDS = 2           # corporate bonds


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Finance:
    """What the financial sector's mechanisms read, ``[N]`` per entity unless stated."""

    book: jax.Array            # [N, C] off-network credit book at par, by Book column
    capital: jax.Array         # capital at t = 0 (CET1, total adjusted capital, pension assets; 0: none)
    required: jax.Array        # capital required at t = 0 (CET1 minimum x RWA, company-action-level RBC; 0: none)
    ratio_base: jax.Array      # denominator of the capital ratio (RWA, RBC, pension liabilities; 0: none)
    evergreen: jax.Array       # share of a fund's NAV in evergreen vehicles and non-traded BDCs
    redemption_cap: jax.Array  # most those vehicles repurchase a quarter, share of their NAV
    coverage_min: jax.Array    # BDC minimum asset coverage, assets / debt (0: none)


def _item(fc: pd.DataFrame, entity: str, item: str) -> float:
    rows = fc.loc[(fc["entity_id"] == entity) & (fc["item"] == item), "value"]
    return float(rows.iloc[0]) if len(rows) else float("nan")


# Who holds each LP kind's share of a fund (the kind's aggregate entity; households and the rest of the
# world are in the outside sector; "other" — other private funds, endowments, sovereign and unitemised
# investors — in the other funds' aggregate).
LP_HOLDER = {"insurer": "insurers_other", "pension_fund": "pension_funds_other", "household": "outside",
             "foreign": "outside", "other": "asset_managers_other"}


def lp_stakes(tables: Tables, ids, kinds, stakes: np.ndarray) -> np.ndarray:
    """``[N, N]`` the stakes with each private-credit fund's equity split by its published LP shares
    (``lp_share_*`` of ``financial_capital.csv``): a named LP's own stake (CalPERS in Apollo) is kept
    and taken out of its kind's share, the rest of each kind's share goes to :data:`LP_HOLDER`. A fund
    without LP shares keeps the stakes of ``links.csv``."""
    fc = tables.financial_capital
    if fc is None or fc.empty:
        return stakes
    idx = {e: i for i, e in enumerate(ids)}
    out = stakes.copy()
    for j, (e, kind) in enumerate(zip(ids, kinds)):
        shares = {k: _item(fc, e, f"lp_share_{k}") for k in LP_HOLDER}
        if kind != "private_credit" or not all(np.isfinite(v) for v in shares.values()):
            continue
        col = np.zeros(len(ids))
        for k, share in shares.items():
            named = [i for i in np.nonzero(stakes[:, j])[0] if kinds[i] == k and ids[i] != LP_HOLDER[k]]
            own = sum(stakes[i, j] for i in named)
            for i in named:
                col[i] = stakes[i, j]
            if LP_HOLDER[k] in idx:
                col[idx[LP_HOLDER[k]]] += max(share - own, 0.0)
        out[:, j] = col
    return out


def build_finance(tables: Tables, ids, kinds, other, lent, worth0, capital_ratio, capital_ratio_min, debt, arr) -> Finance:
    """The :class:`Finance` arrays of a network. ``other`` ``[N]`` each firm's other assets (where its
    credit book sits), ``lent`` ``[N]`` debt the network's firms owe it, ``worth0`` ``[N]`` its book net
    worth, ``capital_ratio``/``capital_ratio_min`` ``[N]`` the balance sheet's (NaN: none), ``debt`` ``[N]``
    its own debt; ``arr`` makes a device array of the network's dtype."""
    fc = tables.financial_capital
    if fc is None:
        fc = pd.DataFrame(columns=["entity_id", "item", "value"])
    n = len(ids)
    book = np.zeros((n, len(BOOK_CLASSES)))
    capital, required, base = np.zeros(n), np.zeros(n), np.zeros(n)
    evergreen, cap, coverage = np.zeros(n), np.zeros(n), np.zeros(n)
    nz = lambda v: 0.0 if not np.isfinite(v) else v  # noqa: E731
    for i, (e, kind) in enumerate(zip(ids, kinds)):
        get = lambda item: _item(fc, e, item)  # noqa: B023,E731
        if kind == "bank":
            cet1, rwa, floor = get("cet1_usd_bn"), get("rwa_usd_bn"), get("cet1_min_ratio")
            if not np.isfinite(floor):
                floor = capital_ratio_min[i]
            if np.isfinite(cet1) and np.isfinite(rwa) and rwa > 0 and np.isfinite(floor):
                capital[i], base[i], required[i] = cet1, rwa, floor * rwa
            elif np.isfinite(capital_ratio[i]) and capital_ratio[i] > 0 and worth0[i] > 0:
                # The balance sheet's ratio: net worth stands for CET1 (the rule before data v3).
                base[i] = worth0[i] / capital_ratio[i]
                capital[i], required[i] = worth0[i], nz(floor) * base[i]
            book[i, Book.LOANS] = nz(get("corporate_loans_usd_bn"))
            book[i, Book.BONDS] = nz(get("holding_corporate_bonds_usd_bn"))
            book[i, Book.PRIVATE_CREDIT] = nz(get("holding_private_credit_usd_bn"))
        elif kind == "private_credit":
            loans = get("loans_usd_bn")
            # Its loans to firms outside the network; without a figure, all its other assets are loans.
            book[i, Book.PRIVATE_CREDIT] = max(loans - lent[i], 0.0) if np.isfinite(loans) else other[i]
            capital[i], base[i] = worth0[i] + debt[i], debt[i]          # asset coverage: assets / debt
            coverage[i] = nz(get("asset_coverage_min"))
            required[i] = coverage[i] * debt[i]
            evergreen[i] = nz(get("evergreen_share"))
            cap[i] = nz(get("redemption_cap_quarterly"))
        elif kind == "insurer":
            tac, rbc = get("total_adjusted_capital_usd_bn"), get("required_capital_usd_bn")
            if np.isfinite(tac) and np.isfinite(rbc) and rbc > 0:
                capital[i], required[i], base[i] = tac, rbc, rbc
            book[i, Book.BONDS] = nz(get("holding_corporate_bonds_usd_bn"))
            book[i, Book.PRIVATE_CREDIT] = nz(get("holding_private_credit_usd_bn"))
        elif kind == "pension_fund":
            assets, funded = get("assets_usd_bn"), get("funded_ratio")
            if np.isfinite(assets) and np.isfinite(funded) and funded > 0:
                capital[i], base[i] = assets, assets / funded
            book[i, Book.BONDS] = nz(get("holding_corporate_bonds_usd_bn"))
            book[i, Book.PRIVATE_CREDIT] = nz(get("holding_private_credit_usd_bn"))
        elif kind == "asset_manager":
            book[i, Book.BONDS] = nz(get("holding_corporate_bonds_usd_bn"))
            book[i, Book.PRIVATE_CREDIT] = nz(get("holding_private_credit_usd_bn"))
        total = book[i].sum()
        if total > max(other[i], 0.0) + 1e-9:
            _log.debug("%s: credit book %.1f exceeds its other assets %.1f; scaled to them", e, total, other[i])
            book[i] *= max(other[i], 0.0) / total
    return Finance(book=arr(book), capital=arr(capital), required=arr(required), ratio_base=arr(base),
                   evergreen=arr(evergreen), redemption_cap=arr(cap), coverage_min=arr(coverage))

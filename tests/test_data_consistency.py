"""Economic consistency of the embedded dataset (issue 25, item 3): nothing is counted twice, and
the data-centre vehicles can service the debt their leases were sold on.

* no asset is both held and still owed: a vehicle that holds the hardware it was formed to buy has
  no purchase of it still scheduled;
* each data-centre vehicle's lease payments cover its debt service (interest and scheduled
  principal) in every year of the model horizon, unless a named source says how the shortfall is
  paid (``PRE_LEASE_FUNDED``);
* each public sector total is its named members plus the aggregate remainder, a lending total
  counts drawn loans (not commitments), and a firm's funds are counted in one sector only;
* a vehicle's ``total_debt`` is its drawn debt in ``links.csv`` (nothing owed to ``outside`` on top).

The debt service and lease payments are those the model sees (``stressgpu.network.build_network``:
the quarterly due shares of each debt link, interest at its rate on the balance outstanding, and
the contracted payments of each commitment in the window 2026-2030).
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stressgpu.data import load_tables
from stressgpu.data.checks import sector_measure
from stressgpu.network import build_network

EMBEDDED = Path(__file__).parents[1] / "data"

# A vehicle may pay interest before its first lease payment out of the cash it raised, where a
# source says so; the years before the lease are then checked against that cash instead.
PRE_LEASE_FUNDED = {
    "hyperion_spv": "IFRE 2025 (Meta/Blue Owl Hyperion bonds): 'investors are funding construction from day one, "
                    "with proceeds parked in Treasuries and drawn down as the campus is built' "
                    "https://www.ifre.com/people-and-markets/2363199/opinion-the-metablue-owl-deal-broken-down-off-balance-sheet-gymnastics-24-years-after-enron",
}

# Firms of one kind that run funds of a sector with a public total: those funds are in the
# sector's remainder (the public total counts them), so the firm's own total excludes them.
SECTOR_ARMS = {("blackrock", "private_credit"): "HPS"}


@pytest.fixture(scope="module")
def tables():
    return load_tables(EMBEDDED)


@pytest.fixture(scope="module")
def network(tables):
    return build_network(tables)


def _spvs(tables):
    return list(tables.entities.loc[tables.entities["kind"] == "datacenter_spv", "id"])


# --------------------------------------------------------------------------- held and owed
def test_no_hardware_is_both_held_and_still_owed(tables):
    """A data-centre vehicle holds exactly the assets it was formed to buy, so hardware in its
    holdings is delivered and paid for: none of its hardware purchases may still have payments
    scheduled after the date of that holding. (An operating company's fleet at a date and its
    purchases paid on delivery after that date are different machines, so only vehicles are
    checked.)"""
    h = tables.holdings
    links = tables.links
    held = h[(h["asset_class"] == "ai_hardware") & h["entity_id"].isin(_spvs(tables))]
    both = []
    for _, r in held.iterrows():
        buys = links[(links["kind"] == "commitment") & (links["instrument"] == "hardware_purchase")
                     & (links["from_id"] == r["entity_id"])]
        for _, c in buys.iterrows():
            if c["end"] > r["as_of"]:
                both.append(f"{r['entity_id']} holds {r['value_usd_bn']:g} of ai_hardware at {r['as_of'].date()} "
                            f"and still owes {c['link_id']} ({c['amount_usd_bn']:g}, to {c['end'].date()})")
    assert not both, "; ".join(both)


# --------------------------------------------------------------------------- lease covers debt service
def _yearly_service_and_lease(tables, network):
    net, labels = network
    years = pd.Index([q.year for q in labels.quarters])
    amount = np.asarray(net.debt_amount, dtype=float)
    due = np.asarray(net.debt_due_share, dtype=float)                   # [E, T]
    rate = np.asarray(net.debt_rate, dtype=float)
    borrower = np.asarray(net.debt_borrower, dtype=float)               # [E, N]
    before = np.cumsum(due, axis=1) - due                               # share repaid before each quarter
    principal = amount[:, None] * due
    interest = rate[:, None] * amount[:, None] * np.clip(1.0 - before, 0.0, None) / 4.0
    service = borrower.T @ (principal + interest)                       # [N, T]
    lease = np.asarray(net.commit_supplier, dtype=float).T @ np.asarray(net.commit_amount, dtype=float)  # [N, T]
    items = tables.items()
    out = {}
    for e in _spvs(tables):
        i = labels.index(e)
        paid = lease[i]
        if paid.sum() == 0:   # no lessee in the network: its leasing revenue from tenants outside it
            paid = np.full(len(years), items.at[e, "revenue"] * items.at[e, "ai_share_lease"] / 4.0)
        out[e] = (pd.Series(service[i], index=years).groupby(level=0).sum(),
                  pd.Series(paid, index=years).groupby(level=0).sum())
    return out


def test_lease_payments_cover_debt_service(tables, network):
    """In every year of the horizon each data-centre vehicle receives at least its debt service
    (interest on the balance outstanding plus the principal its schedule makes due) from its
    leases. Years before the first lease payment are allowed only for a vehicle whose source says
    the interest is paid out of the proceeds it holds (``PRE_LEASE_FUNDED``), and then its cash
    must cover that interest."""
    items = tables.items()
    short = []
    for e, (service, lease) in _yearly_service_and_lease(tables, network).items():
        first = lease[lease > 1e-9].index.min() if (lease > 1e-9).any() else None
        for year in service.index:
            pre = first is None or year < first
            if pre and e in PRE_LEASE_FUNDED:
                continue
            if lease[year] < service[year] - 1e-6:
                short.append(f"{e} {year}: lease {lease[year]:.3f} < debt service {service[year]:.3f}")
        if e in PRE_LEASE_FUNDED and first is not None:
            pre_service = service[service.index < first].sum()
            if items.at[e, "cash"] < pre_service - 1e-6:
                short.append(f"{e}: cash {items.at[e, 'cash']:g} < debt service {pre_service:.3f} before its lease ({first})")
    assert not short, "; ".join(short)


# --------------------------------------------------------------------------- sector totals
def test_sector_totals_are_named_members_plus_remainder(tables):
    """Each public total is its named members plus the aggregate remainder, to rounding
    (aggregate = total − named members), for every measure; a total of lending counts drawn
    loans, so it is sourced and its statement is not one of commitments; and a firm whose
    funds a sector's public total counts (``SECTOR_ARMS``) is not counted a second time: the
    sector's remainder names them and the firm's own total says it excludes them."""
    ents = tables.entities.set_index("id")
    agg = set(ents.index[ents["aggregate"]])
    wrong = []
    for _, r in tables.sector_totals.iterrows():
        total, parts = sector_measure(tables, r["kind"], r["measure"])
        named = sum(v for e, v in parts.items() if e not in agg)
        rest = sum(v for e, v in parts.items() if e in agg)
        tag = f"{r['kind']} {r['measure']}"
        if abs(total - r["value_usd_bn"]) > max(0.5, 1e-3 * r["value_usd_bn"]):
            wrong.append(f"{tag}: network {total:.3f} != public {r['value_usd_bn']:g}")
        if abs(rest - (r["value_usd_bn"] - named)) > max(0.5, 1e-3 * r["value_usd_bn"]):
            wrong.append(f"{tag}: remainder {rest:.3f} != total {r['value_usd_bn']:g} - named {named:.3f}")
        if r["measure"].split(":")[0] in ("debt_to", "lent_to"):
            quote = str(r.get("source_quote", "") or "")
            if r["estimated"] or not quote:
                wrong.append(f"{tag}: a lending total must be a stated figure of loans (estimated={r['estimated']})")
            elif "commitment" in quote.lower():
                wrong.append(f"{tag}: its statement is a figure of commitments, not of drawn loans: {quote!r}")
    bs = tables.balance_sheets.set_index(["entity_id", "item"])
    for (firm, sector), arm in SECTOR_ARMS.items():
        remainders = [e for e in agg if ents.at[e, "kind"] == sector]
        if not any(arm in str(ents.at[e, "note"]) for e in remainders):
            wrong.append(f"{arm} ({firm}) is not named in the {sector} remainder {remainders}")
        note = str(bs.loc[(firm, "total_assets"), "note"])
        if not ("excl" in note and arm in note):
            wrong.append(f"{firm} total_assets does not exclude {arm}, counted in the {sector} total: {note!r}")
    assert not wrong, "; ".join(wrong)


# --------------------------------------------------------------------------- no double-counted debt
def test_vehicle_total_debt_is_its_drawn_debt_in_links(tables):
    """A data-centre vehicle's ``total_debt`` is the drawn debt itemised in ``links.csv``: undrawn
    facilities are not debt, and any excess would be owed to ``outside`` on top (a double count)."""
    items = tables.items()
    links = tables.links
    drawn = links[links["kind"] == "debt"].groupby("from_id")["amount_usd_bn"].sum()
    wrong = [f"{e}: total_debt {items.at[e, 'total_debt']:g} != drawn debt in links {drawn.get(e, 0.0):g}"
             for e in _spvs(tables) if abs(items.at[e, "total_debt"] - drawn.get(e, 0.0)) > 1e-3]
    assert not wrong, "; ".join(wrong)

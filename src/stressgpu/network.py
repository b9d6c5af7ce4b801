"""Validated tables -> the network as arrays (a PyTree), plus the labels to read them by.

Conventions (docs/model.md §2), for N entities, A = 4 asset classes, T quarters from ``start``:

* debt links (borrower, lender, amount, rate, maturity) — debt in ``links.csv`` goes to the
  named lender; the rest of i's ``total_debt`` is a link to the ``outside`` entity (a
  reconstructed residual, flagged in :class:`NetworkLabels`); ``Network.liabilities`` is the
  dense ``L[i, j]``.
* ``external_liabilities[i]`` — non-debt liabilities (payables, leases, deferred revenue),
  owed outside the network: ``total_liabilities − total_debt``.
* ``cross_holdings[i, j]`` — fraction of j's equity i holds.
* commitment contracts (buyer, supplier, payment per quarter) — the contract's total spread
  evenly over its quarters (payments before ``start`` are past); ``Network.commitments`` is the
  dense ``K[i, j, t]``.
* ``holdings[i, a]`` — external assets by class (AI hardware, data-centre real estate, listed
  equity, other), valued at baseline prices 1; ``cash`` is kept apart because it is spent.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from ._types import ASSET_CLASSES, KINDS, LENDER_KINDS, Asset, Market
from .data.checks import issuer_value, other_assets
from .data.load import Tables
from .data.schema import SENIORITIES
from .finance import Finance, build_finance, lp_stakes

__all__ = ["ASSET_CLASSES", "KINDS", "LENDER_KINDS", "AI_LINES", "AI_BUYER_KINDS", "Network", "NetworkLabels",
           "NetworkExtras", "build_network", "build_extras", "quarter_starts", "revenue_plan"]

# Revenue lines the v1 model reads (schema v2 adds `ai_share_lease`, in NetworkExtras).
AI_LINES = ("ai_share_compute", "ai_share_hardware", "ai_share_services", "ai_share_power")
# Kinds whose capex and compute purchases are AI spending, scaled by the compute multiplier.
AI_BUYER_KINDS = ("hyperscaler", "ai_lab", "neocloud", "datacenter_spv")


# Credit markets a firm can raise new debt in (docs/model.md §4; stressgpu._types.Market): bonds
# and bank loans, which lend on cash flow, and private credit and asset-backed debt, which also lend
# on collateral and contracted backlog (closed by a private-credit freeze). A firm has access to a
# market where it has done such deals: `data/market_access.csv` when the data has it, else by kind
# (financial firms raise no new debt to fund a plan here). Each market's new debt is owed to one
# aggregate lender of the data: bond funds, or the private-credit remainder.
MARKET_OF_ACCESS = {"ig_bond": 0, "hy_bond": 0, "convertible": 0, "bank_loan": 0,
                    "private_credit": 1, "abs": 1}
MARKETS_OF_KIND = {"chipmaker": (0,), "hyperscaler": (0,), "utility": (0,), "investor": (0, 1),
                   "ai_lab": (0,), "neocloud": (0, 1), "datacenter_spv": (1,)}
MARKET_LENDER = ("asset_managers_other", "private_credit_other")
# Investment-grade buyers whose contracts back delayed-draw loans (stressgpu.model.lenders): by
# kind, as rated when the data was collected (every named hyperscaler, chipmaker and utility group
# was rated BBB- or better; no lab, neocloud or vehicle was).
INVESTMENT_GRADE_KINDS = ("chipmaker", "hyperscaler", "utility")

# Which of ASSET_CLASSES each collateral type of the data pledges (docs/model.md §5.3). Contracts
# (assigned receivables) and guarantees are not assets a lender can seize and sell here; a
# fund's LP commitments and loan book are its unmarketed other assets.
COLLATERAL_CLASSES = {"ai_hardware": (0,), "dc_real_estate": (1,), "equity_pledge": (2,),
                      "all_assets": (0, 1, 2, 3), "lp_commitments": (3,), "loan_portfolio": (3,),
                      "contracts": (), "parent_guarantee": (), "none": ()}


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Economy:
    """What model v2's value chain and funding read (docs/model.md §2–§4), ``[N]`` per entity
    (USD bn, annual), ``[F]`` per commitment, ``[N, E]`` one-hot rows naming funding links."""

    min_cash: jax.Array             # [N] minimum operating cash
    variable_cost_share: jax.Array  # [N] cost that moves with revenue, share of revenue
    sticky_opex: jax.Array          # [N] fixed cash operating cost, annual
    dividends: jax.Array            # [N] dividends + buybacks, annual
    lease_share: jax.Array          # [N] revenue share from leasing data centres
    capacity: jax.Array             # [N] installed compute capacity (annual compute revenue at full use)
    hardware_life: jax.Array        # [N] years
    market_value: jax.Array         # [N] market cap or last valuation (0: none)
    listed: jax.Array               # [N] 1 listed
    facility_room: jax.Array        # [N] undrawn facilities at start
    facility_link: jax.Array        # [N, E] one-hot: the debt link a facility draw lands on (0 row: none)
    market_link: jax.Array          # [M, N, E] one-hot: the debt link new debt in market m lands on (0 row: none)
    market_access: jax.Array        # [N, M] 1 where the firm can raise new debt in market m (stressgpu._types.Market)
    investment_grade: jax.Array     # [N] 1 for investment-grade firms (their contracts back delayed-draw loans)
    equity_plan: jax.Array          # [T, N] new equity planned each quarter (funding plans' rounds, else equity_raise/4)
    equity_rounds: jax.Array        # [N] 1 for private firms that raise funding rounds (labs, private neoclouds)
    convertible: jax.Array          # [N] 1 for listed firms that have sold convertible notes (sized off their equity)
    commit_usage: jax.Array         # [F] share of each contract that follows the buyer's demand
    commit_fee: jax.Array           # [F] termination fee, USD bn
    commit_total: jax.Array         # [F] contract value over its whole life, USD bn
    utilisation_plan: jax.Array     # [] planned aggregate utilisation of compute capacity
    debt_secured: jax.Array         # [E] 1 when the link is secured by the borrower's hardware or real estate
    debt_extends: jax.Array         # [E] 1 for asset-backed notes: a maturity the market cannot refinance extends
    commit_after: jax.Array         # [F] USD bn contracted after the model horizon
    commit_is_lease: jax.Array      # [F] 1 for real-property leases (claims capped, US Bankruptcy Code §502(b)(6))
    capital_ratio: jax.Array        # [N] financial firms' capital ratio (CET1, equity/assets; 0: none)
    capital_ratio_min: jax.Array    # [N] its regulatory or contractual minimum (0: none)
    debt_guarantor: jax.Array       # [E, N] one-hot: who stands behind a link (0 row: nobody)
    debt_collateral: jax.Array      # [E, A] 1 for each asset class pledged to the link (COLLATERAL_CLASSES)
    debt_max_ltv: jax.Array         # [E] covenant: maximum loan-to-value (inf: none)
    debt_min_icr: jax.Array         # [E] covenant: minimum interest cover, operating cash flow / interest (0: none)
    debt_cure: jax.Array            # [E] quarters a breach may last before the lender accelerates
    commit_prepaid: jax.Array       # [F] share of each contract the buyer paid in advance
    equity_beta: jax.Array          # [N] market beta of the equity (market_moves/betas.csv; 1 where none)
    ai_capex_share: jax.Array       # [N] share of capex that builds AI capacity (hyperscalers; 0: none given)


@jax.tree_util.register_dataclass
@dataclass(frozen=True)
class Network:
    """The network as arrays (USD bn; rates and shares as fractions). Shapes in brackets:
    N entities, A asset classes, T quarters, E debt links, F commitment contracts.

    Debts and commitments are lists of links with one-hot ``[E, N]`` rows naming their two
    sides, so that per-scenario quantities (outstanding debt, payments) are vectors over links
    and never ``[N, N]`` matrices per scenario; the dense matrices are properties.
    """

    cash: jax.Array                  # [N]
    holdings: jax.Array              # [N, A]
    external_liabilities: jax.Array  # [N]
    cross_holdings: jax.Array        # [N, N]
    debt_amount: jax.Array           # [E] outstanding at start
    debt_rate: jax.Array             # [E] coupon
    debt_floating: jax.Array         # [E] 1 floating, 0 fixed (a share for residual debt)
    debt_due_share: jax.Array        # [E, T] share of the link's principal falling due in quarter t
    debt_borrower: jax.Array         # [E, N] one-hot
    debt_lender: jax.Array           # [E, N] one-hot
    commit_amount: jax.Array         # [F, T] contracted payment in quarter t
    commit_take_or_pay: jax.Array    # [F] share due even when the buyer cuts spending
    commit_buyer: jax.Array          # [F, N] one-hot
    commit_supplier: jax.Array       # [F, N] one-hot
    investment_for_purchase: jax.Array  # [N, N] I[j, i]: supplier j's investment in its buyer i
    revenue: jax.Array               # [N] annual, latest
    opex: jax.Array                  # [N] annual cash operating cost
    capex: jax.Array                 # [N] annual, planned
    revenue_growth: jax.Array        # [N] annual
    capex_growth: jax.Array          # [N] annual
    capex_floor: jax.Array           # [N] share of capex that cannot be cut
    equity_raise: jax.Array          # [N] annual new equity planned
    ai_shares: jax.Array             # [N, 4] revenue shares: compute, hardware, services, power
    ai_buyer: jax.Array              # [N] 1 where capex and purchases are AI spending
    kind: jax.Array                  # [N] int index into data.schema.KINDS
    economy: Economy | None = None   # model v2's fields (None: a network built by hand for v1 kernels)
    finance: Finance | None = None   # the financial sector's capital, credit books and funds (docs/model.md §5.8)

    @property
    def n(self) -> int:
        return self.cash.shape[0]

    @property
    def quarters(self) -> int:
        return self.debt_due_share.shape[1]

    @property
    def liabilities(self) -> jax.Array:
        """Dense ``L[i, j]`` ``[N, N]``: debt i owes j."""
        return (self.debt_borrower * self.debt_amount[:, None]).T @ self.debt_lender

    @property
    def commitments(self) -> jax.Array:
        """Dense ``K[i, j, t]`` ``[N, N, T]``: what buyer i pays supplier j in quarter t."""
        return jnp.einsum("fi,ft,fj->ijt", self.commit_buyer, self.commit_amount, self.commit_supplier)


@dataclass(frozen=True)
class NetworkLabels:
    """What the array axes mean: entity ids, names, kinds; quarter start dates."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    quarters: tuple[pd.Timestamp, ...]
    residual_debt: tuple[str, ...]   # ids whose debt to `outside` is a reconstructed residual
    reconstructed_links: tuple[str, ...]
    debt_links: tuple[str, ...] = ()  # [E] what each debt link is: a link_id, residual:<id>, reconstructable:<b>-><l>
    commit_links: tuple[str, ...] = ()  # [F] link_id of each commitment contract

    def index(self, entity_id: str) -> int:
        try:
            return self.ids.index(entity_id)
        except ValueError:
            raise KeyError(f"unknown entity id {entity_id!r}; known ids: {', '.join(self.ids)}") from None


def quarter_starts(start: str, horizon: str) -> pd.DatetimeIndex:
    """First days of the quarters from ``start`` to ``horizon`` (inclusive)."""
    q = pd.period_range(pd.Timestamp(start), pd.Timestamp(horizon), freq="Q")
    if len(q) == 0:
        raise ValueError(f"horizon {horizon} is before start {start}")
    return q.to_timestamp(how="start")


def _quarter_weights(first, last, quarters: pd.DatetimeIndex, n_total: int) -> np.ndarray:
    """Share of an even schedule from ``first`` to ``last`` paid in each model quarter."""
    periods = pd.period_range(first, last, freq="Q")
    share = 1.0 / max(len(periods), 1)
    model = quarters.to_period("Q")
    return np.array([share if p in set(periods) else 0.0 for p in model])[:n_total]


def _debt_due(r, qs: pd.DatetimeIndex, schedules: pd.DataFrame) -> np.ndarray:
    """``[T]`` share of a debt link's outstanding amount falling due in each model quarter.

    ``bullet``: all at maturity. ``amortising``: (1 − balloon_share) in equal quarterly instalments
    from the later of ``amort_start`` (or ``start``) and the first model quarter to maturity, the
    balloon at maturity. ``table``: the rows of ``schedules.csv`` (rows before the first model
    quarter fall due in it). Maturities beyond the horizon fall outside the window."""
    T = len(qs)
    model_q = qs.to_period("Q")
    first = model_q[0]
    end_q = r.end.to_period("Q")
    due = np.zeros(T)
    amount = float(r.amount_usd_bn)
    if r.schedule == "table" and amount > 0:
        rows = schedules[schedules.link_id == r.link_id]
        for _, s in rows.iterrows():
            q = max(s.date.to_period("Q"), first)
            k = np.nonzero(model_q == q)[0]
            if len(k):
                due[k[0]] += s.amount_usd_bn / amount
        return due
    if r.schedule == "amortising":
        balloon = 0.0 if pd.isna(r.balloon_share) else float(r.balloon_share)
        a0 = r.amort_start if pd.notna(r.amort_start) else r.start
        periods = pd.period_range(max(a0.to_period("Q"), first), max(end_q, first), freq="Q")
        per = (1.0 - balloon) / max(len(periods), 1)
        for p in periods:
            k = np.nonzero(model_q == p)[0]
            if len(k):
                due[k[0]] += per
        k = np.nonzero(model_q == max(end_q, first))[0]
        if len(k):
            due[k[0]] += balloon
        return due
    k = np.nonzero(model_q == max(end_q, first))[0]  # bullet (a maturity already past falls due at once)
    if len(k):
        due[k[0]] = 1.0
    return due


def _commit_payments(r, qs: pd.DatetimeIndex, schedules: pd.DataFrame, T: int) -> np.ndarray:
    """``[T]`` contracted payments (USD bn) of a commitment in each model quarter."""
    if r.schedule == "table":
        model_q = qs.to_period("Q")
        out = np.zeros(T)
        for _, s in schedules[schedules.link_id == r.link_id].iterrows():
            k = np.nonzero(model_q == s.date.to_period("Q"))[0]
            if len(k):
                out[k[0]] += s.amount_usd_bn
        return out
    return r.amount_usd_bn * _quarter_weights(r.start, r.end, qs, T)


def _average_terms(items: pd.DataFrame, i: int, n_q, T: int) -> tuple:
    """(rate, floating share, due shares [T]) of a borrower's debt not itemised in links.csv:
    its average coupon and floating share, amortised evenly over twice its average maturity."""
    due = (np.arange(T) < n_q[i]) / n_q[i]
    return items["debt_avg_rate"].iloc[i], items["debt_floating_share"].iloc[i], due


def build_network(tables: Tables, start: str = "2026-01-01", horizon: str = "2030-12-31",
                  dtype=jnp.float32, extra_debt_pairs: tuple = ()) -> tuple[Network, NetworkLabels]:
    """Turn validated :class:`Tables` into a :class:`Network` and its labels.

    ``extra_debt_pairs``: (borrower id, lender id) pairs to carry as debt links of amount 0,
    so that a reconstructed ensemble (:mod:`stressgpu.ensemble`) can fill them per scenario."""
    ents = tables.entities.reset_index(drop=True)
    ids = list(ents["id"])
    idx = {e: k for k, e in enumerate(ids)}
    n = len(ids)
    qs = quarter_starts(start, horizon)
    T = len(qs)
    items = tables.items()
    outside = idx[ents.loc[ents.kind == "outside", "id"].iloc[0]]

    debts, commits, debt_ids, commit_ids = [], [], [], []      # (borrower, lender, amount, rate, floating, due[T]); (buyer, supplier, amount[T], top)
    C = np.zeros((n, n)); invest = np.zeros((n, n))
    links = tables.links
    schedules = tables.schedules if tables.schedules is not None else pd.DataFrame(columns=["link_id", "date", "amount_usd_bn"])
    pairs = links.dropna(subset=["pair_id"]).groupby("pair_id")
    for _, r in links.iterrows():
        i, j = idx[r.from_id], idx[r.to_id]
        if r.kind == "debt":
            debts.append((i, j, r.amount_usd_bn, r.rate, float(r.rate_type == "floating"), _debt_due(r, qs, schedules)))
            debt_ids.append(r.link_id)
        elif r.kind == "equity_stake":
            C[i, j] += r.share
        elif r.kind == "commitment":
            commits.append((i, j, _commit_payments(r, qs, schedules, T), r.take_or_pay))
            commit_ids.append(r.link_id)
        # facility: undrawn, not a claim yet (NetworkExtras.facility_undrawn)
    for _, g in pairs:  # investment_for_purchase: the supplier finances its buyer (stake or loan, either way round)
        for _, c in g[g.kind == "commitment"].iterrows():  # noqa: B007
            buyer, supplier = idx[c.from_id], idx[c.to_id]
            invest[supplier, buyer] += g.loc[g.kind.isin(("debt", "equity_stake")), "amount_usd_bn"].sum()

    # Residual debt owed to the outside sector (a reconstructed link per borrower), amortised
    # evenly over twice the average maturity so that its average remaining maturity is the reported one.
    in_network = np.zeros(n)
    for i, _, amount, *_ in debts:
        in_network[i] += amount
    residual = np.where(np.arange(n) == outside, 0.0, np.maximum(items["total_debt"].to_numpy() - in_network, 0.0))
    n_q = np.maximum(np.round(items["debt_avg_maturity_years"].to_numpy() * 8), 1)
    for i in np.nonzero(residual > 0)[0]:
        debts.append((i, outside, residual[i], *_average_terms(items, i, n_q, T)))
        debt_ids.append(f"residual:{ids[i]}")
    # Links that a reconstruction may fill (zero in the data): the borrower's average terms.
    # A pair already carried by a reconstructed data link needs no extra link; any other link of
    # the pair (a residual, a sourced loan) keeps its amount and the block gets its own link.
    rec_ids = set(links.loc[links.reconstructed, "link_id"])
    known = {(d[0], d[1]) for d, lid in zip(debts, debt_ids) if lid in rec_ids}
    for i, j in extra_debt_pairs:
        if (idx[i], idx[j]) not in known:
            debts.append((idx[i], idx[j], 0.0, *_average_terms(items, idx[i], n_q, T)))
            debt_ids.append(f"reconstructable:{i}->{j}")

    # Funding links (amount 0 at start): where a facility draw and new market debt land.
    facility_of, market_of = {}, {}
    fac = links[links.kind == "facility"].sort_values("limit_usd_bn", ascending=False)
    for _, r in fac.drop_duplicates("from_id").iterrows():
        i = idx[r.from_id]
        facility_of[i] = len(debts)
        debts.append((i, idx[r.to_id], 0.0, r.rate, float(r.rate_type == "floating"), np.zeros(T)))
        debt_ids.append(f"facility:{ids[i]}")
    access = market_access(tables)
    for i in range(n):
        for m, lender in enumerate(MARKET_LENDER):
            if access[i, m] and lender in idx and lender != ids[i]:
                market_of[(m, i)] = len(debts)
                # Floating: new debt is priced at the scenario's rates when it is raised.
                debts.append((i, idx[lender], 0.0, items["debt_avg_rate"].iloc[i], 1.0, np.zeros(T)))
                debt_ids.append(f"new_{('bonds', 'private_credit')[m]}:{ids[i]}")

    hold = np.zeros((n, len(ASSET_CLASSES)))
    for _, r in tables.holdings.iterrows():
        hold[idx[r.entity_id], ASSET_CLASSES.index(r.asset_class)] = r.value_usd_bn
    hold[:, 3] = other_assets(tables).to_numpy()

    col = lambda name: items[name].to_numpy()  # noqa: E731
    arr = lambda x: jnp.asarray(np.asarray(x, dtype=float), dtype)  # noqa: E731
    onehot = lambda k: np.eye(n)[np.asarray(k, dtype=int)].reshape(len(k), n)  # noqa: E731
    d = list(zip(*debts)) if debts else [[]] * 6
    c = list(zip(*commits)) if commits else [[]] * 4
    net = Network(
        cash=arr(col("cash")), holdings=arr(hold),
        external_liabilities=arr(col("total_liabilities") - col("total_debt")), cross_holdings=arr(C),
        debt_amount=arr(d[2]), debt_rate=arr(d[3]), debt_floating=arr(d[4]),
        debt_due_share=arr(np.reshape(d[5], (len(debts), T))), debt_borrower=arr(onehot(d[0])), debt_lender=arr(onehot(d[1])),
        commit_amount=arr(np.reshape(c[2], (len(commits), T))), commit_take_or_pay=arr(c[3]),
        commit_buyer=arr(onehot(c[0])), commit_supplier=arr(onehot(c[1])),
        investment_for_purchase=arr(invest),
        revenue=arr(col("revenue")), opex=arr(col("opex")), capex=arr(col("capex")),
        revenue_growth=arr(col("revenue_growth")), capex_growth=arr(col("capex_growth")),
        capex_floor=arr(col("capex_floor_share")), equity_raise=arr(col("equity_raise")),
        ai_shares=arr(items[list(AI_LINES)].to_numpy()),
        ai_buyer=arr(ents["kind"].isin(AI_BUYER_KINDS).to_numpy()),
        kind=jnp.asarray(ents["kind"].map(KINDS.index).to_numpy(), jnp.int32),
    )
    labels = NetworkLabels(
        ids=tuple(ids), names=tuple(ents["name"]), kinds=tuple(ents["kind"]), quarters=tuple(qs),
        residual_debt=tuple(e for e, r in zip(ids, residual) if r > 0),
        reconstructed_links=tuple(links.loc[links.reconstructed, "link_id"]), debt_links=tuple(debt_ids),
        commit_links=tuple(commit_ids),
    )
    net = replace(net, economy=_economy(tables, labels, len(debts), facility_of, market_of, arr))
    # Funds' LPs by the published LP composition (stressgpu.finance.lp_stakes), before the sector's arrays.
    net = replace(net, cross_holdings=arr(lp_stakes(tables, labels.ids, labels.kinds, np.asarray(C))))
    return replace(net, finance=_finance(tables, labels, net, arr)), labels


def _finance(tables: Tables, labels: NetworkLabels, net: Network, arr) -> Finance:
    """The financial sector's arrays (:mod:`stressgpu.finance`) from the network's starting balance sheets."""
    a = lambda x: np.asarray(x, dtype=float)  # noqa: E731
    lent, debt = a(net.debt_amount @ net.debt_lender), a(net.debt_amount @ net.debt_borrower)
    worth0 = a(net.cash) + a(net.holdings).sum(1) + lent - debt - a(net.external_liabilities)
    ec = net.economy
    ratio = np.where(a(ec.capital_ratio) > 0, a(ec.capital_ratio), np.nan)
    ratio_min = np.where(a(ec.capital_ratio_min) > 0, a(ec.capital_ratio_min), np.nan)
    return build_finance(tables, labels.ids, labels.kinds, a(net.holdings)[:, Asset.OTHER], lent, worth0, ratio,
                         ratio_min, debt, arr)


def _economy(tables: Tables, labels: NetworkLabels, n_links: int, facility_of: dict, market_of: dict, arr) -> Economy:
    """Model v2's arrays from the schema-v2 tables (:func:`build_extras`) and the funding links."""
    x = build_extras(tables, labels)
    n = len(labels.ids)
    items = tables.items()
    ents = tables.entities.reset_index(drop=True)
    fac, mkt = np.zeros((n, n_links)), np.zeros((len(MARKET_LENDER), n, n_links))
    for i, e in facility_of.items():
        fac[i, e] = 1.0
    access = np.zeros((n, len(MARKET_LENDER)))
    secured = np.concatenate([x.debt_secured, np.zeros(n_links - len(x.debt_secured))])
    collateral = _collateral_mask(x.debt_collateral, n_links)
    for (m, i), e in market_of.items():
        mkt[m, i, e] = access[i, m] = 1.0
        if m == Market.PRIVATE_CREDIT:   # private credit lends secured on hardware and real estate
            secured[e] = 1.0
            collateral[e, [Asset.AI_HARDWARE, Asset.DC_REAL_ESTATE]] = 1.0
    grade = np.isin(ents["kind"].to_numpy(), INVESTMENT_GRADE_KINDS)
    links = tables.links.set_index("link_id", drop=False)
    total = [float(links.loc[lid, "amount_usd_bn"]) for lid in labels.commit_links]
    plan_compute = float((items["ai_share_compute"] * items["revenue"]).sum())
    capacity = np.nan_to_num(x.compute_capacity)
    u_plan = min(1.0, max(0.05, plan_compute / max(capacity.sum(), 1e-9)))
    nz = lambda v, d=0.0: np.where(np.isfinite(v), v, d)  # noqa: E731
    pad = lambda v, d: np.concatenate([v, np.full(n_links - len(v), d)])  # noqa: E731
    return Economy(
        min_cash=arr(nz(x.min_cash)), variable_cost_share=arr(nz(x.variable_cost_share)),
        sticky_opex=arr(nz(x.sticky_opex)), dividends=arr(nz(x.dividends_buybacks)), lease_share=arr(nz(x.ai_share_lease)),
        capacity=arr(capacity), hardware_life=arr(nz(x.hardware_life_years, 6.0)), market_value=arr(nz(x.market_value)),
        listed=arr(ents["listed"].to_numpy(dtype=float)), facility_room=arr(x.facility_undrawn),
        facility_link=arr(fac), market_link=arr(mkt),
        market_access=arr(access), investment_grade=arr(grade), equity_rounds=arr(equity_rounds(tables)),
        convertible=arr(convertible_issuers(tables)),
        equity_plan=arr(equity_plan(tables, pd.DatetimeIndex(labels.quarters), items["equity_raise"].to_numpy(dtype=float))),
        commit_usage=arr(nz(x.commit_usage_share)), commit_fee=arr(nz(x.commit_termination_fee)),
        commit_total=arr(total), utilisation_plan=arr(u_plan),
        debt_secured=arr(secured), debt_extends=arr(asset_backed(tables.links, labels.debt_links, n_links)),
        commit_after=arr(x.commit_after_horizon),
        commit_is_lease=arr([float(links.loc[lid, "instrument"] == "dc_lease") for lid in labels.commit_links]),
        capital_ratio=arr(nz(x.capital_ratio)), capital_ratio_min=arr(nz(x.capital_ratio_min)),
        debt_guarantor=arr(_guarantor_onehot(x.debt_guarantor, n_links, n)),
        debt_collateral=arr(collateral),
        debt_max_ltv=arr(pad(nz(x.debt_max_ltv, np.inf), np.inf)),
        debt_min_icr=arr(pad(nz(x.debt_min_icr), 0.0)),
        debt_cure=arr(pad(nz(x.debt_cure_quarters), 0.0)),
        commit_prepaid=arr(nz(x.commit_prepayment_share)),
        equity_beta=arr(equity_betas(tables.directory, labels.ids)),
        ai_capex_share=arr(nz(items["ai_share_capex"].to_numpy(dtype=float))),
    )


def market_access(tables: Tables) -> np.ndarray:
    """``[N, M]`` 0/1: the credit markets each firm can raise new debt in (docs/model.md §4):
    those of its kind (:data:`MARKETS_OF_KIND`) and those of the deals it has done (the
    ``market_access`` table, :data:`MARKET_OF_ACCESS`, where the data has it). The table only
    adds: it lists the deals found so far, and a firm that has not used a market of its kind
    yet (a young neocloud's first GPU-backed loan) is not shut out of it by a missing row."""
    ents = tables.entities.reset_index(drop=True)
    out = np.zeros((len(ents), len(MARKET_LENDER)))
    for i, kind in enumerate(ents["kind"]):
        out[i, list(MARKETS_OF_KIND.get(kind, ()))] = 1.0
    table = getattr(tables, "market_access", None)
    if table is not None and len(table):
        idx = {e: k for k, e in enumerate(ents["id"])}
        for _, r in table.iterrows():
            if r.market in MARKET_OF_ACCESS:
                out[idx[r.entity_id], MARKET_OF_ACCESS[r.market]] = 1.0
    return out


EQUITY_MARKETS = ("equity_round", "equity_listed")


def equity_plan(tables: Tables, qs: pd.DatetimeIndex, equity_raise: np.ndarray) -> np.ndarray:
    """``[T, N]`` USD bn of new equity each firm plans to raise in each model quarter
    (docs/model.md §4): for a firm with equity raises in ``funding_plans.csv``, those raises,
    each spread evenly over the quarters of its window that fall in the run (money raised before
    the start is already in its cash); for any other firm a quarter of its balance sheet's annual
    ``equity_raise``. A raise that ``links.csv`` already carries as an ``investment`` commitment of
    the same amount to the same firm (it flows through the contract) is counted once, there."""
    ents = tables.entities.reset_index(drop=True)
    idx = {e: k for k, e in enumerate(ents["id"])}
    out = np.tile(np.nan_to_num(equity_raise) / 4.0, (len(qs), 1))
    plans = getattr(tables, "funding_plans", None)
    if plans is None or not len(plans):
        return out
    links = tables.links
    invest = links[(links.kind == "commitment") & (links.get("contract_type", "") == "investment")]
    carried = {(r.to_id, round(float(r.amount_usd_bn), 6)) for _, r in invest.iterrows()}
    eq = plans[plans.market.isin(EQUITY_MARKETS)]
    for firm, rows in eq.groupby("entity_id"):
        i = idx[firm]
        out[:, i] = 0.0
        for _, r in rows.iterrows():
            if (firm, round(float(r.amount_usd_bn), 6)) in carried:
                continue
            periods = pd.period_range(pd.Timestamp(r.start), pd.Timestamp(r.end), freq="Q")
            model = list(qs.to_period("Q"))
            hit = [model.index(q) for q in periods if q in set(model)]
            for q in hit:
                out[q, i] += r.amount_usd_bn / len(periods)
    return out


def equity_rounds(tables: Tables) -> np.ndarray:
    """``[N]`` 0/1: unlisted firms that raise private funding rounds: those with an ``equity_round``
    row in the market-access table where the data has one, else unlisted labs and neoclouds."""
    ents = tables.entities.reset_index(drop=True)
    table = getattr(tables, "market_access", None)
    if table is not None and len(table):
        has = set(table.loc[table.market == "equity_round", "entity_id"])
        out = ents["id"].isin(has).to_numpy()
    else:
        out = ents["kind"].isin(("ai_lab", "neocloud")).to_numpy()
    return (out & ~ents["listed"].to_numpy(dtype=bool)).astype(float)


def asset_backed(links: pd.DataFrame, debt_links, n_links: int) -> np.ndarray:
    """``[E]`` 0/1: debt links whose instrument is ``abs`` (data-centre ABS and CMBS, lease-backed
    notes). Their maturity is an *anticipated* repayment date: notes the market cannot refinance
    do not default but stay outstanding and keep paying interest (legal final maturity is decades
    later), so a closed market extends them instead of calling them."""
    instrument = links.set_index("link_id")["instrument"]
    out = [float(instrument.get(lid, "") == "abs") for lid in debt_links]
    return np.asarray(out + [0.0] * (n_links - len(out)))


def convertible_issuers(tables: Tables) -> np.ndarray:
    """``[N]`` 0/1: listed firms with a ``convertible`` row in the market-access table (they have
    sold convertible notes, which investors size off the equity's value, not cash flow)."""
    ents = tables.entities.reset_index(drop=True)
    table = getattr(tables, "market_access", None)
    if table is None or not len(table):
        return np.zeros(len(ents))
    has = set(table.loc[table.market == "convertible", "entity_id"])
    return (ents["id"].isin(has).to_numpy() & ents["listed"].to_numpy(dtype=bool)).astype(float)


def equity_betas(directory, ids) -> np.ndarray:
    """``[N]`` published equity betas from ``<data>/market_moves/betas.csv`` where the file and a row
    exist (docs/model.md §6 discount rates), else 1 (the market's own beta)."""
    from .data.errors import DataError
    path = Path(directory) / "market_moves" / "betas.csv"
    out = np.ones(len(ids))
    if not path.is_file():
        return out
    df = pd.read_csv(path)
    where = {e: k for k, e in enumerate(ids)}
    bad = [(str(path), r + 1, "beta", f"must be a finite number in [-5, 10] (got {b!r})")
           for r, b in enumerate(df.get("beta", pd.Series(dtype=float)))
           if not isinstance(b, (int, float)) or not np.isfinite(b) or not -5 <= b <= 10]
    if "beta" not in df.columns or "entity_id" not in df.columns:
        bad.append((str(path), None, "beta", "columns entity_id and beta are required"))
    if bad:
        raise DataError(bad)
    for e, b in zip(df.entity_id, df.beta):
        if e in where:
            out[where[e]] = float(b)
    return out


def _collateral_mask(collateral: tuple, n_links: int) -> np.ndarray:
    """``[E, A]``: the asset classes pledged to each debt link (links added after the data's: none)."""
    out = np.zeros((n_links, len(ASSET_CLASSES)))
    for e, text in enumerate(collateral):
        for c in text.split(";"):
            out[e, list(COLLATERAL_CLASSES[c])] = 1.0
    return out


def _guarantor_onehot(guarantor: np.ndarray, n_links: int, n: int) -> np.ndarray:
    """``[E, N]``: row e names the guarantor of debt link e (links added after the data's: none)."""
    out = np.zeros((n_links, n))
    for e, g in enumerate(guarantor):
        if g >= 0:
            out[e, g] = 1.0
    return out


@dataclass(frozen=True)
class NetworkExtras:
    """Schema-v2 fields the v1 model does not read yet (model v2 will), as NumPy arrays aligned with
    :class:`Network` (``[N]`` entities, ``[E]`` debt links in ``labels.debt_links`` order, ``[F]``
    commitments in ``labels.commit_links`` order). Money in USD bn; NaN where the data has no value."""

    min_cash: np.ndarray              # [N]
    sticky_opex: np.ndarray           # [N] annual
    variable_cost_share: np.ndarray   # [N] of revenue
    dividends_buybacks: np.ndarray    # [N] annual
    ai_share_lease: np.ndarray        # [N] revenue share from leasing data centres
    compute_capacity: np.ndarray      # [N] annual compute revenue at full utilisation (0 for non-sellers)
    hardware_life_years: np.ndarray   # [N] (NaN for non-sellers)
    market_value: np.ndarray          # [N] market cap (listed) or last-round valuation (NaN: none)
    capital_ratio: np.ndarray         # [N] (NaN: none)
    capital_ratio_min: np.ndarray     # [N] (NaN: none)
    facility_undrawn: np.ndarray      # [N] undrawn revolvers / delayed-draw loans available to each borrower
    facility_limit: np.ndarray        # [N] their total limits
    debt_seniority: np.ndarray        # [E] int index into data.schema.SENIORITIES (residual: senior_unsecured)
    debt_secured: np.ndarray          # [E] 1 when collateral is not 'none'
    debt_collateral: tuple            # [E] collateral string ('none' for residual links)
    debt_max_ltv: np.ndarray          # [E] covenant maximum loan-to-value (NaN: none)
    debt_min_icr: np.ndarray          # [E] covenant minimum interest cover (NaN: none)
    debt_cure_quarters: np.ndarray    # [E] (NaN: no covenant)
    debt_spread: np.ndarray           # [E] over the reference rate for floating tranches (NaN: fixed)
    debt_guarantor: np.ndarray        # [E] entity index of the guarantor, -1 none
    commit_usage_share: np.ndarray    # [F]
    commit_termination_fee: np.ndarray  # [F] USD bn
    commit_after_horizon: np.ndarray  # [F] USD bn contracted after the model horizon (beyond 2030)
    commit_prepayment_share: np.ndarray  # [F] share of the contract paid in advance (NaN: none)


def build_extras(tables: Tables, labels: NetworkLabels, horizon: str = "2030-12-31") -> NetworkExtras:
    """The schema-v2 fields for ``labels`` (from :func:`build_network` on the same tables)."""
    items = tables.items()
    idx = {e: k for k, e in enumerate(labels.ids)}
    links = tables.links.set_index("link_id", drop=False)
    col = lambda name: items[name].to_numpy(dtype=float)  # noqa: E731
    n = len(labels.ids)
    und, lim = np.zeros(n), np.zeros(n)
    for _, r in links[links.kind == "facility"].iterrows():
        und[idx[r.from_id]] += r.amount_usd_bn
        lim[idx[r.from_id]] += r.limit_usd_bn
    sen, sec, coll, ltv, icr, cure, spread, guar = [], [], [], [], [], [], [], []
    for lid in labels.debt_links:
        if lid in links.index:
            r = links.loc[lid]
            sen.append(SENIORITIES.index(r.seniority)); coll.append(r.collateral)
            sec.append(float(r.collateral != "none")); ltv.append(r.covenant_max_ltv); icr.append(r.covenant_min_icr)
            cure.append(r.cure_quarters); spread.append(r.spread if r.rate_type == "floating" else np.nan)
            guar.append(idx[r.guarantor_id] if pd.notna(r.guarantor_id) else -1)
        else:
            sen.append(SENIORITIES.index("senior_unsecured")); coll.append("none"); sec.append(0.0)
            ltv.append(np.nan); icr.append(np.nan); cure.append(np.nan); spread.append(np.nan); guar.append(-1)
    sched = tables.schedules if tables.schedules is not None else pd.DataFrame(columns=["link_id", "date", "amount_usd_bn"])
    end = pd.Timestamp(horizon)
    after = []
    for lid in labels.commit_links:
        r = links.loc[lid]
        if r.schedule == "table":
            s = sched[sched.link_id == lid]
            after.append(float(s.loc[s.date > end, "amount_usd_bn"].sum()))
        else:
            q = pd.period_range(r.start, r.end, freq="Q")
            after.append(float(r.amount_usd_bn) * float((q.to_timestamp() > end).sum()) / max(len(q), 1))
    f = lambda c: np.array([links.loc[lid, c] for lid in labels.commit_links], dtype=float)  # noqa: E731
    a = lambda x: np.asarray(x, dtype=float)  # noqa: E731
    return NetworkExtras(
        min_cash=col("min_cash"), sticky_opex=col("sticky_opex"), variable_cost_share=col("variable_cost_share"),
        dividends_buybacks=col("dividends_buybacks"), ai_share_lease=col("ai_share_lease"),
        compute_capacity=np.nan_to_num(col("compute_capacity")), hardware_life_years=col("hardware_life_years"),
        market_value=issuer_value(tables).to_numpy(dtype=float), capital_ratio=col("capital_ratio"),
        capital_ratio_min=col("capital_ratio_min"), facility_undrawn=und, facility_limit=lim,
        debt_seniority=np.asarray(sen, dtype=int), debt_secured=a(sec), debt_collateral=tuple(coll),
        debt_max_ltv=a(ltv), debt_min_icr=a(icr), debt_cure_quarters=a(cure), debt_spread=a(spread),
        debt_guarantor=np.asarray(guar, dtype=int), commit_usage_share=f("usage_share"),
        commit_termination_fee=f("termination_fee_usd_bn"), commit_after_horizon=a(after),
        commit_prepayment_share=f("prepayment_share") if "prepayment_share" in links else np.full(len(labels.commit_links), np.nan),
    )


def revenue_plan(net: Network) -> jax.Array:
    """Planned revenue by quarter, ``[N, T]`` USD bn: latest annual revenue / 4, grown at
    ``revenue_growth`` per year (the baseline the quarterly model shocks)."""
    t = jnp.arange(net.quarters, dtype=net.revenue.dtype)
    return net.revenue[:, None] / 4 * (1 + net.revenue_growth[:, None]) ** (t[None, :] / 4)

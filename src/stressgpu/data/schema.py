"""Schemas of the tables in ``data/`` (schema v2.4, documented in ``data/SCHEMA.md``), as pandera models.

Only per-column rules live here; rules that span rows or tables (ids that must exist, a
borrower's in-network debt below its total debt, schedules that add up, sector totals, …) are
in :mod:`stressgpu.data.checks`. Kinds, lender kinds and asset classes come from the
dependency-free :mod:`stressgpu._types`.
"""
from __future__ import annotations

import pandera.pandas as pa

from .._types import ASSET_CLASSES as _ALL_ASSET_CLASSES
from .._types import KINDS, LENDER_KINDS

__all__ = ["KINDS", "LENDER_KINDS", "ASSET_CLASSES", "LINK_KINDS", "ITEMS", "SCHEMAS", "ROLES",
           "SOURCE_TYPES", "PROVENANCE_TABLES", "REQUIRED_TABLES", "OPTIONAL_TABLES", "NONEMPTY_TABLES", "DATE_FORMAT",
           "SCHEMA_VERSION", "QUOTE_INSTRUMENTS", "SPREAD_INSTRUMENTS", "LOSS_LENDER_KINDS", "OUTLOOKS", "MAX_SPREAD_BP",
           "CONTRACT_TYPES", "FULLY_BINDING_TYPES", "UNBINDING_TYPES", "MARKETS", "OPERATING_KINDS", "HOLDER_KINDS",
           "HOLDER_SHARE_TOL"]

SCHEMA_VERSION = 2

# Asset classes a row of holdings.csv may name; `other` is derived by the loader.
ASSET_CLASSES = tuple(a for a in _ALL_ASSET_CLASSES if a != "other")
LINK_KINDS = ("debt", "facility", "equity_stake", "commitment")
BOOLS = ("true", "false", "True", "False", "TRUE", "FALSE")

# Roles in the compute value chain (docs/model.md §1); `entities.roles` lists them, ';'-separated.
ROLES = ("sells_hardware", "sells_compute", "sells_services", "sells_power", "leases_dc",
         "uses_compute", "finances")
# Where a number comes from. `estimate` and `reconstruction` are always estimated; a row of any
# other source type is estimated too when the cited document does not state its number.
SOURCE_TYPES = ("filing", "press", "company", "aggregate", "seed", "estimate", "reconstruction")
ESTIMATED_SOURCE_TYPES = ("estimate", "reconstruction")
# Tables whose rows carry provenance (as_of, source, source_quote, source_type, estimated, note),
# and the column of each that holds the row's number (what source_quote must state).
PROVENANCE_TABLES = {"balance_sheets": "value", "holdings": "value_usd_bn", "links": "amount_usd_bn",
                     "schedules": "amount_usd_bn", "sector_totals": "value_usd_bn"}

INSTRUMENTS = {
    "debt": ("bond", "term_loan", "ddtl", "construction_loan", "revolver", "bridge_loan", "abs", "cmbs",
             "convertible", "private_placement", "nav_line", "subscription_line", "insurer_funding",
             "gpu_backed_loan", "vendor_loan", "commercial_paper", "loan_book"),
    "facility": ("revolver", "ddtl", "bridge_loan", "construction_loan", "nav_line", "subscription_line",
                 "commercial_paper"),
    "equity_stake": ("common_equity", "preferred", "free_float", "lp_interest", "jv_equity", "warrant",
                     "convertible_equity"),
    "commitment": ("compute_contract", "hardware_purchase", "dc_lease", "power_purchase", "revenue_share",
                   "investment_commitment"),
}
SCHEDULES = {"debt": ("bullet", "amortising", "table"), "facility": ("bullet",),
             "commitment": ("even", "table"), "equity_stake": ()}
# Contract types of commitments (data/SCHEMA.md, links.csv `contract_type`; data v3). What binds the
# buyer follows from the type: cloud capacity, leases, firm orders and power purchases bind in full
# (take_or_pay 1) unless the source states a usage-based or cancellable part; a letter of intent
# binds nothing (it happens only if the buyer deploys); a revenue share follows the buyer's revenue.
CONTRACT_TYPES = ("cloud_capacity", "lease", "firm_order", "letter_of_intent", "power_purchase", "revenue_share",
                  "investment")
FULLY_BINDING_TYPES = ("cloud_capacity", "lease", "firm_order", "power_purchase")
UNBINDING_TYPES = ("letter_of_intent", "revenue_share")   # take_or_pay must be 0
SENIORITIES = ("senior_secured", "senior_unsecured", "subordinated", "mezzanine", "equity_like")
COLLATERAL = ("none", "ai_hardware", "dc_real_estate", "contracts", "equity_pledge", "all_assets",
              "lp_commitments", "loan_portfolio", "parent_guarantee")

# Balance-sheet items and their units (data/SCHEMA.md).
MONEY_ITEMS = ("cash", "min_cash", "total_assets", "total_liabilities", "total_debt", "revenue", "opex",
               "sticky_opex", "capex", "equity_raise", "dividends_buybacks")
SHARE_ITEMS = ("capex_floor_share", "ai_share_compute", "ai_share_hardware", "ai_share_services",
               "ai_share_power", "ai_share_lease", "debt_floating_share", "variable_cost_share")
AI_SHARE_ITEMS = ("ai_share_compute", "ai_share_hardware", "ai_share_services", "ai_share_power",
                  "ai_share_lease")
# Items every entity must have, with their unit.
REQUIRED_ITEMS = {**{k: "usd_bn" for k in MONEY_ITEMS}, "book_equity": "usd_bn",
                  **{k: "fraction" for k in SHARE_ITEMS}, "revenue_growth": "fraction",
                  "capex_growth": "fraction", "debt_avg_rate": "fraction",
                  "debt_avg_maturity_years": "years"}
# Items required only for some entities (rules in checks.py) or optional.
OPTIONAL_ITEMS = {
    "market_cap": "usd_bn",          # listed entities (required), one as_of date for the whole table
    "valuation": "usd_bn",           # post-money valuation of the last funding round (unlisted labs, neoclouds)
    "compute_capacity": "usd_bn",    # annual compute revenue at full utilisation (required for sells_compute)
    "compute_capacity_gw": "gw",     # installed AI data-centre power (where published)
    "hardware_life_years": "years",  # depreciation life of AI hardware (required for sells_compute)
    "capital_ratio": "fraction",     # banks: CET1 ratio; BDCs/funds: equity / assets; insurers: equity / assets
    "capital_ratio_min": "fraction", # the regulatory or contractual minimum of that ratio
    "ai_share_capex": "fraction",    # hyperscalers: share of capex that builds AI capacity (follows AI demand)
}
ITEMS = {**REQUIRED_ITEMS, **OPTIONAL_ITEMS}
NONNEG_ITEMS = MONEY_ITEMS + ("market_cap", "valuation", "compute_capacity", "compute_capacity_gw",
                              "hardware_life_years", "debt_avg_maturity_years")
FRACTION_ITEMS = SHARE_ITEMS + ("debt_avg_rate", "capital_ratio", "capital_ratio_min", "ai_share_capex")

# Largest plausible amount (USD bn) in any money cell: 1,000 tn. Above it a value is a typo.
MAX_USD_BN = 1e6

_ID = pa.Check.str_matches(r"^[a-z0-9_]+$", error="id must match [a-z0-9_]+")
_BOOL = pa.Check.isin(BOOLS, error="must be true or false")
_MONEY = pa.Check.in_range(0, MAX_USD_BN, error=f"must be between 0 and {MAX_USD_BN:g} USD bn")
_FRACTION = pa.Check.in_range(0, 1, error="must be a fraction in [0, 1]")


def _isin(values, what: str) -> pa.Check:
    return pa.Check.isin(values, error=f"{what} must be one of {', '.join(values)}")


def _provenance() -> dict:
    return {
        "as_of": pa.Column(pa.DateTime, coerce=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=3, error="source is required")),
        # The sentence of the cited document that states the number; required where estimated is
        # false (checks.provenance). Optional column: a table without it has no quotes.
        "source_quote": pa.Column(str, nullable=True, required=False),
        "source_type": pa.Column(str, _isin(SOURCE_TYPES, "source_type")),
        "estimated": pa.Column(str, _BOOL),
        "note": pa.Column(str, nullable=True, required=False),
    }


def _money(nullable: bool = True) -> pa.Column:
    return pa.Column(float, _MONEY, nullable=nullable, coerce=True)


def _fraction(nullable: bool = True) -> pa.Column:
    return pa.Column(float, _FRACTION, nullable=nullable, coerce=True)


ENTITIES = pa.DataFrameSchema(
    {
        "id": pa.Column(str, _ID, unique=True),
        "name": pa.Column(str),
        "kind": pa.Column(str, _isin(KINDS, "kind")),
        "listed": pa.Column(str, _BOOL),
        "country": pa.Column(str),
        "roles": pa.Column(str, pa.Check.str_matches(
            r"^(" + "|".join(ROLES) + r")(;(" + "|".join(ROLES) + r"))*$",
            error=f"roles must be ';'-separated values among {', '.join(ROLES)}")),
        "aggregate": pa.Column(str, _BOOL),
        "note": pa.Column(str, nullable=True, required=False),
    },
    name="entities.csv",
)

BALANCE_SHEETS = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "item": pa.Column(str, _isin(tuple(ITEMS), "item")),
        "value": pa.Column(float, pa.Check.in_range(-MAX_USD_BN, MAX_USD_BN,
                                                    error=f"must be between -{MAX_USD_BN:g} and {MAX_USD_BN:g}"),
                           coerce=True),
        **_provenance(),
    },
    unique=["entity_id", "item"],
    name="balance_sheets.csv",
)

HOLDINGS = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "asset_class": pa.Column(str, _isin(ASSET_CLASSES, "asset_class")),
        "value_usd_bn": _money(nullable=False),
        **_provenance(),
    },
    unique=["entity_id", "asset_class"],
    name="holdings.csv",
)

_ALL_INSTRUMENTS = tuple(dict.fromkeys(i for v in INSTRUMENTS.values() for i in v))
_ALL_SCHEDULES = tuple(dict.fromkeys(s for v in SCHEDULES.values() for s in v))
_COLLATERAL_RE = r"^(" + "|".join(COLLATERAL) + r")(;(" + "|".join(COLLATERAL) + r"))*$"

LINKS = pa.DataFrameSchema(
    {
        "link_id": pa.Column(str, unique=True),
        "kind": pa.Column(str, _isin(LINK_KINDS, "kind")),
        # empty where `holders` names the holder_shares.csv instrument that splits the row at load:
        # from_id on an equity stake (the free float of a listed firm), to_id on a debt row
        "from_id": pa.Column(str, _ID, nullable=True),
        "to_id": pa.Column(str, _ID, nullable=True),
        "tranche_id": pa.Column(str, nullable=True),
        "instrument": pa.Column(str, _isin(_ALL_INSTRUMENTS, "instrument")),
        "amount_usd_bn": _money(nullable=False),
        "limit_usd_bn": _money(),
        "share": pa.Column(float, pa.Check.in_range(0, 1, include_min=False, error="must be in (0, 1]"),
                           nullable=True, coerce=True),
        "cost_usd_bn": _money(),
        "market_value_usd_bn": _money(),
        "rate": _fraction(),
        "rate_type": pa.Column(str, _isin(("fixed", "floating"), "rate_type"), nullable=True),
        "spread": _fraction(),
        "schedule": pa.Column(str, _isin(_ALL_SCHEDULES, "schedule"), nullable=True),
        "amort_start": pa.Column(pa.DateTime, nullable=True, coerce=True),
        "balloon_share": _fraction(),
        "seniority": pa.Column(str, _isin(SENIORITIES, "seniority"), nullable=True),
        "collateral": pa.Column(str, pa.Check.str_matches(
            _COLLATERAL_RE, error=f"collateral must be ';'-separated values among {', '.join(COLLATERAL)}"),
            nullable=True),
        "guarantor_id": pa.Column(str, _ID, nullable=True),
        "covenant_max_ltv": pa.Column(float, pa.Check.in_range(0, 2, error="must be in [0, 2]"),
                                      nullable=True, coerce=True),
        "covenant_min_icr": pa.Column(float, pa.Check.in_range(0, 100, error="must be in [0, 100]"),
                                      nullable=True, coerce=True),
        "cure_quarters": pa.Column(float, pa.Check.in_range(0, 40, error="must be in [0, 40] quarters"),
                                   nullable=True, coerce=True),
        "start": pa.Column(pa.DateTime, nullable=True, coerce=True),
        "end": pa.Column(pa.DateTime, nullable=True, coerce=True),
        "take_or_pay": _fraction(),
        "usage_share": _fraction(),
        "termination_fee_usd_bn": _money(),
        # added in v2.4 (data v3): commitments only; optional column (absent: empty for every link)
        "contract_type": pa.Column(str, _isin(CONTRACT_TYPES, "contract_type"), nullable=True, required=False),
        "prepayment_share": pa.Column(float, _FRACTION, nullable=True, coerce=True, required=False),  # added in v2.1
        "finances": pa.Column(str, nullable=True),
        "pair_id": pa.Column(str, nullable=True),
        "reconstructed": pa.Column(str, _BOOL),
        "method": pa.Column(str, nullable=True),
        # added in v2.5 (data v3): a debt row whose holders are not named names the instrument of
        # holder_shares.csv whose published shares split it among holder kinds at load (to_id empty)
        "holders": pa.Column(str, _ID, nullable=True, required=False),
        **_provenance(),
    },
    name="links.csv",
)

SCHEDULE_ROWS = pa.DataFrameSchema(
    {
        "link_id": pa.Column(str),
        "date": pa.Column(pa.DateTime, coerce=True),
        "amount_usd_bn": _money(nullable=False),
        **_provenance(),
    },
    unique=["link_id", "date"],
    name="schedules.csv",
)

SECTOR_TOTALS = pa.DataFrameSchema(
    {
        "kind": pa.Column(str, _isin(KINDS, "kind")),
        "measure": pa.Column(str, pa.Check.str_matches(r"^(item:[a-z_]+|debt_to:[a-z_]+|lent_to:[a-z_]+)$",
                                                       error="measure must be item:<item>, debt_to:<kind> or lent_to:<kind>")),
        "value_usd_bn": _money(nullable=False),
        "tolerance": pa.Column(float, pa.Check.in_range(0, 1, error="must be a fraction in [0, 1]"), coerce=True),
        **_provenance(),
    },
    unique=["kind", "measure"],
    name="sector_totals.csv",
)

# ----------------------------------------------------------------- market quotes and loss estimates
# Quotes of the credit market on a borrower of the network (data/SCHEMA.md, credit_quotes.csv). Spreads
# are in basis points, yields are fractions; rating rows carry rating and agency instead of a value.
# Rules that depend on the instrument (value required or empty, yield <= 1, rating and agency present,
# maturity a date or a number of years) are in checks.credit_quote_rules; entity_id against
# entities.csv is a cross-table rule (checks._references).
QUOTE_INSTRUMENTS = ("cds_5y", "bond_yield", "bond_spread", "loan_spread", "rating")
SPREAD_INSTRUMENTS = ("cds_5y", "bond_spread", "loan_spread")   # value in bp
OUTLOOKS = ("stable", "positive", "negative", "developing")
# Largest plausible spread, bp: 10,000 bp is 100 % a year. Above it a value is a typo (or a fraction
# of a percent written as a percent of a bp).
MAX_SPREAD_BP = 10_000.0
LOSS_LENDER_KINDS = ("equity_holders", "bondholders", "private_credit", "banks", "leveraged_loan_investors")

_SOURCE = pa.Column(str, pa.Check.str_length(min_value=3, error="source is required"))
_QUOTE = pa.Column(str, pa.Check.str_length(min_value=1, error="source_quote is required: the sentence of the "
                                                "cited document that states the number"))

CREDIT_QUOTES = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "instrument": pa.Column(str, _isin(QUOTE_INSTRUMENTS, "instrument")),
        "value": pa.Column(float, pa.Check.in_range(0, MAX_SPREAD_BP, error=f"must be between 0 and {MAX_SPREAD_BP:g} "
                                                    "(bp for spreads, a fraction for yields)"),
                           nullable=True, coerce=True),
        "rating": pa.Column(str, nullable=True),
        "agency": pa.Column(str, nullable=True),
        "outlook": pa.Column(str, _isin(OUTLOOKS, "outlook"), nullable=True),
        # YYYY-MM-DD, YYYY-MM or YYYY (a date), or a number of years (a tenor): checks.credit_quote_rules
        "maturity": pa.Column(str, nullable=True),
        "seniority": pa.Column(str, _isin(SENIORITIES, "seniority"), nullable=True, required=False),
        "as_of": pa.Column(pa.DateTime, coerce=True),
        "source": _SOURCE,
        "source_type": pa.Column(str, _isin(SOURCE_TYPES, "source_type")),
        "source_quote": _QUOTE,
        "note": pa.Column(str, nullable=True, required=False),
    },
    name="credit_quotes.csv",
)

LOSS_ESTIMATES = pa.DataFrameSchema(
    {
        "estimate_id": pa.Column(str, _ID, unique=True),
        "lender_kind": pa.Column(str, _isin(LOSS_LENDER_KINDS, "lender_kind")),
        "low_usd_bn": _money(),
        "high_usd_bn": _money(),
        "default_rate": _fraction(),
        "loss_given_default": _fraction(),
        "market_size_usd_bn": _money(),
        "scenario": pa.Column(str, pa.Check.str_length(min_value=3, error="scenario is required")),
        "as_of": pa.Column(pa.DateTime, coerce=True),
        "source": _SOURCE,
        "source_type": pa.Column(str, _isin(SOURCE_TYPES, "source_type")),
        "source_quote": _QUOTE,
        "note": pa.Column(str, nullable=True, required=False),
    },
    name="loss_estimates.csv",
)

# ------------------------------------------------------------ market access and funding plans (data v3)
# Markets a firm can raise money in (docs/model.md §2, §4): a firm has access to a market when it has done
# such a deal (market_access.csv); funding_plans.csv lists the raises announced or planned for 2026-2030.
MARKETS = ("ig_bond", "hy_bond", "convertible", "bank_loan", "private_credit", "abs", "equity_listed", "equity_round",
           "vendor_financing")
# Kinds of entities that run a business and fund it (the rows of market_access and funding_plans).
OPERATING_KINDS = ("chipmaker", "hyperscaler", "ai_lab", "neocloud", "datacenter_spv", "utility", "investor")

MARKET_ACCESS = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "market": pa.Column(str, _isin(MARKETS, "market")),
        "evidence": pa.Column(str, pa.Check.str_length(min_value=3, error="evidence is required: the deal done in this market")),
        **_provenance(),
    },
    name="market_access.csv",
)

FUNDING_PLANS = pa.DataFrameSchema(
    {
        "plan_id": pa.Column(str, _ID),
        "entity_id": pa.Column(str, _ID),
        "market": pa.Column(str, _isin(MARKETS, "market")),
        "amount_usd_bn": _money(nullable=False),
        "start": pa.Column(pa.DateTime, coerce=True),
        "end": pa.Column(pa.DateTime, coerce=True),
        **_provenance(),
    },
    name="funding_plans.csv",
)

# ------------------------------------------------------------ holder shares (data v3)
# Published shares of the holders of bonds and loans whose holders links.csv does not name
# (data/SCHEMA.md, holder_shares.csv; data/build/financial_capital.py). Holder kinds are the lender
# kinds of the model plus households and the rest of the world, which the model keeps in the
# `outside` entity; `outside` as a holder kind is the share no statistic assigns.
HOLDER_KINDS = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor", "household",
                "foreign", "outside")
HOLDER_SHARES = pa.DataFrameSchema(
    {
        "instrument": pa.Column(str, _ID),
        "holder_kind": pa.Column(str, _isin(HOLDER_KINDS, "holder_kind")),
        "holder_id": pa.Column(str, _ID),
        "share": _fraction(nullable=False),
        **_provenance(),
    },
    name="holder_shares.csv",
)
# Shares of one instrument add to 1 within this tolerance.
HOLDER_SHARE_TOL = 1e-3

# ------------------------------------------------------------ financial capital (data v3)
# Capital, funding and credit books of the network's banks, private-credit funds, insurers and pension
# funds (data/SCHEMA.md, financial_capital.csv; data/build/financial_capital.py): one row per (entity,
# item). Each item belongs to the kinds named here, in the unit named here (stressgpu.data.financial reads
# them into the model's capital tests, credit books and fund redemptions).
FINANCIAL_ITEMS = {
    "cet1_usd_bn": (("bank",), "usd_bn"),
    "rwa_usd_bn": (("bank",), "usd_bn"),
    "cet1_min_ratio": (("bank",), "fraction"),
    "corporate_loans_usd_bn": (("bank",), "usd_bn"),
    "loans_usd_bn": (("private_credit",), "usd_bn"),
    "bank_lines_usd_bn": (("private_credit",), "usd_bn"),
    "lp_equity_usd_bn": (("private_credit",), "usd_bn"),
    "lp_share_insurer": (("private_credit",), "fraction"),
    "lp_share_pension_fund": (("private_credit",), "fraction"),
    "lp_share_household": (("private_credit",), "fraction"),
    "lp_share_foreign": (("private_credit",), "fraction"),
    "lp_share_other": (("private_credit",), "fraction"),
    "evergreen_share": (("private_credit",), "fraction"),
    "redemption_cap_quarterly": (("private_credit",), "fraction"),
    "asset_coverage_min": (("private_credit",), "ratio"),
    "total_adjusted_capital_usd_bn": (("insurer",), "usd_bn"),
    "required_capital_usd_bn": (("insurer",), "usd_bn"),
    "holding_corporate_bonds_usd_bn": (("insurer", "pension_fund", "bank", "asset_manager"), "usd_bn"),
    "holding_private_credit_usd_bn": (("insurer", "pension_fund", "bank", "asset_manager"), "usd_bn"),
    "holding_listed_equity_usd_bn": (("insurer", "pension_fund"), "usd_bn"),
    "assets_usd_bn": (("pension_fund",), "usd_bn"),
    "funded_ratio": (("pension_fund",), "fraction"),
}
FINANCIAL_UNITS = ("usd_bn", "fraction", "ratio")
FINANCIAL_CAPITAL = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "item": pa.Column(str, _isin(tuple(FINANCIAL_ITEMS), "item")),
        "value": pa.Column(float, pa.Check.ge(0, error="must be >= 0"), coerce=True),
        "unit": pa.Column(str, _isin(FINANCIAL_UNITS, "unit")),
        **_provenance(),
    },
    name="financial_capital.csv",
)

SCHEMAS = {"entities": ENTITIES, "balance_sheets": BALANCE_SHEETS, "holdings": HOLDINGS, "links": LINKS,
           "schedules": SCHEDULE_ROWS, "sector_totals": SECTOR_TOTALS, "credit_quotes": CREDIT_QUOTES,
           "loss_estimates": LOSS_ESTIMATES, "market_access": MARKET_ACCESS, "funding_plans": FUNDING_PLANS,
           "holder_shares": HOLDER_SHARES, "financial_capital": FINANCIAL_CAPITAL}
REQUIRED_TABLES = ("entities", "balance_sheets", "holdings", "links")
# Absent file: no rows. credit_quotes and loss_estimates are read and checked but change no number of a
# run (stressgpu.credit_market reads the quotes for the data report).
# market_access and funding_plans (data v3) describe operating firms' funding; a user's own network may leave
# them out.
OPTIONAL_TABLES = ("schedules", "sector_totals", "credit_quotes", "loss_estimates", "market_access", "funding_plans",
                   "holder_shares", "financial_capital")
# Tables that must have at least one data row: every required table (a header-only holdings.csv
# would silently reclassify every external asset; a header-only links.csv would leave every
# schedule row pointing nowhere).
NONEMPTY_TABLES = REQUIRED_TABLES
# Date columns hold ISO dates, YYYY-MM-DD, nothing else (no time, no day-first formats).
DATE_FORMAT = "%Y-%m-%d"

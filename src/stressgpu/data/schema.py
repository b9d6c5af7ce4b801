"""Schemas of the four tables in ``data/`` (documented in ``data/SCHEMA.md``), as pandera models.

Only per-column rules live here; rules that span tables (ids that must exist, a borrower's
in-network debt below its total debt, …) are in :mod:`stressgpu.data.checks`.
"""
from __future__ import annotations

import pandera.pandas as pa

KINDS = ("chipmaker", "hyperscaler", "ai_lab", "neocloud", "datacenter_spv", "bank",
         "private_credit", "investor", "utility", "outside")
LINK_KINDS = ("debt", "equity_stake", "commitment")
ASSET_CLASSES = ("ai_hardware", "dc_real_estate", "listed_equity")
BOOLS = ("true", "false", "True", "False", "TRUE", "FALSE")

MONEY_ITEMS = ("cash", "total_assets", "total_liabilities", "total_debt", "revenue", "opex",
               "capex", "equity_raise")
SHARE_ITEMS = ("capex_floor_share", "ai_share_compute", "ai_share_hardware", "ai_share_services",
               "ai_share_power", "debt_floating_share")
# Items every entity must have, with their unit (see data/SCHEMA.md).
REQUIRED_ITEMS = {**{k: "usd_bn" for k in MONEY_ITEMS}, "book_equity": "usd_bn",
                  **{k: "fraction" for k in SHARE_ITEMS}, "revenue_growth": "fraction",
                  "capex_growth": "fraction", "debt_avg_rate": "fraction",
                  "debt_avg_maturity_years": "years"}
OPTIONAL_ITEMS = {"market_cap": "usd_bn"}
ITEMS = {**REQUIRED_ITEMS, **OPTIONAL_ITEMS}

_ID = pa.Check.str_matches(r"^[a-z0-9_]+$", error="id must match [a-z0-9_]+")
_BOOL = pa.Check.isin(BOOLS, error="must be true or false")


def _provenance() -> dict:
    return {
        "as_of": pa.Column(pa.DateTime, coerce=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=3, error="source is required")),
        "estimated": pa.Column(str, _BOOL),
        "note": pa.Column(str, nullable=True, required=False),
    }


ENTITIES = pa.DataFrameSchema(
    {
        "id": pa.Column(str, _ID, unique=True),
        "name": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(KINDS, error=f"kind must be one of {', '.join(KINDS)}")),
        "listed": pa.Column(str, _BOOL),
        "country": pa.Column(str),
        "note": pa.Column(str, nullable=True, required=False),
    },
    name="entities.csv",
)

BALANCE_SHEETS = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "item": pa.Column(str, pa.Check.isin(tuple(ITEMS), error=f"item must be one of {', '.join(ITEMS)}")),
        "value": pa.Column(float, coerce=True),
        **_provenance(),
    },
    unique=["entity_id", "item"],
    name="balance_sheets.csv",
)

HOLDINGS = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, _ID),
        "asset_class": pa.Column(str, pa.Check.isin(ASSET_CLASSES, error=f"asset_class must be one of {', '.join(ASSET_CLASSES)}")),
        "value_usd_bn": pa.Column(float, pa.Check.ge(0, error="must be >= 0"), coerce=True),
        **_provenance(),
    },
    unique=["entity_id", "asset_class"],
    name="holdings.csv",
)

LINKS = pa.DataFrameSchema(
    {
        "link_id": pa.Column(str, unique=True),
        "kind": pa.Column(str, pa.Check.isin(LINK_KINDS, error=f"kind must be one of {', '.join(LINK_KINDS)}")),
        "from_id": pa.Column(str, _ID),
        "to_id": pa.Column(str, _ID),
        "amount_usd_bn": pa.Column(float, pa.Check.ge(0, error="must be >= 0"), coerce=True),
        "share": pa.Column(float, pa.Check.in_range(0, 1, include_min=False, error="must be in (0, 1]"),
                           nullable=True, coerce=True),
        "rate": pa.Column(float, pa.Check.in_range(0, 1, error="must be a fraction in [0, 1]"),
                          nullable=True, coerce=True),
        "rate_type": pa.Column(str, pa.Check.isin(("fixed", "floating"), error="must be fixed or floating"),
                               nullable=True),
        "start": pa.Column(pa.DateTime, nullable=True, coerce=True),
        "end": pa.Column(pa.DateTime, nullable=True, coerce=True),
        "take_or_pay": pa.Column(float, pa.Check.in_range(0, 1, error="must be in [0, 1]"),
                                 nullable=True, coerce=True),
        "pair_id": pa.Column(str, nullable=True),
        "reconstructed": pa.Column(str, _BOOL),
        "method": pa.Column(str, nullable=True),
        **_provenance(),
    },
    name="links.csv",
)

SCHEMAS = {"entities": ENTITIES, "balance_sheets": BALANCE_SHEETS, "holdings": HOLDINGS, "links": LINKS}

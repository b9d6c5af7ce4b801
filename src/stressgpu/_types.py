"""Names shared by every layer: entity kinds, lender kinds, asset classes, solver status codes.

No imports beyond the standard library, so that data loading, kernels and reporting can all
use it without pulling each other in.
"""
from __future__ import annotations

import enum

# Entity kinds (docs/model.md §1). The order is the integer code stored in ``Network.kind``.
KINDS = ("chipmaker", "hyperscaler", "ai_lab", "neocloud", "datacenter_spv", "utility",
         "bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor",
         "outside")

# Kinds whose credit losses are reported separately (docs/model.md §7).
LENDER_KINDS = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager",
                "investor", "outside")

# Financial firms roll their own maturities and sell in fire sales; banks, private-credit funds
# and insurers fail when insolvent (docs/model.md §5.1); pension funds, asset managers and the
# outside sector absorb losses without failing; operating companies default only on a missed
# payment (§5.1).
FINANCIAL_KINDS = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "outside")
FAILING_KINDS = ("bank", "private_credit", "insurer")

# Marketable asset classes of the fire-sale channel, plus the unmarketed rest.
ASSET_CLASSES = ("ai_hardware", "dc_real_estate", "listed_equity", "other")


class Asset(enum.IntEnum):
    """Columns of ``holdings`` ``[N, A]`` and of the price vector ``[A]`` (``ASSET_CLASSES``).
    The first ``MARKETABLE`` classes trade in fire sales."""

    AI_HARDWARE = 0
    DC_REAL_ESTATE = 1
    LISTED_EQUITY = 2
    OTHER = 3


MARKETABLE = 2  # AI hardware and data-centre real estate trade in fire sales


class Role(enum.IntEnum):
    """Columns of ``ai_shares`` ``[N, 4]``: the AI revenue lines of a firm (docs/model.md §1)."""

    COMPUTE = 0    # sells compute
    HARDWARE = 1   # sells AI hardware
    SERVICES = 2   # sells AI services
    POWER = 3      # sells power to data centres


class Source(enum.IntEnum):
    """Columns of the cumulative funding record ``[N, 6]`` (docs/model.md §4's funding order)."""

    FACILITY = 0
    BONDS = 1           # new debt in the bond and bank-loan market
    PRIVATE_CREDIT = 2  # new debt in the private-credit and asset-backed market
    NEW_EQUITY = 3
    CAPEX_CUT = 4
    OPEX_CUT = 5


class Market(enum.IntEnum):
    """Columns of ``Network.economy.market_access`` ``[N, M]``: the credit markets a firm can
    raise new debt in (docs/model.md §4; :mod:`stressgpu.model.lenders`)."""

    BONDS = 0           # investment-grade and high-yield bonds, converts, bank loans: lend on cash flow
    PRIVATE_CREDIT = 1  # direct lending, delayed-draw and asset-backed debt: cash flow, collateral or
                        # backlog (closed by a private-credit freeze)


class Reason(enum.IntEnum):
    """Why a firm defaulted (docs/model.md §7), ``Outcome.default_reason``."""

    NONE = 0
    PAYMENT_MISSED = 1       # a payment due could not be made after every funding option
    COVENANT = 2             # ... a payment the lender accelerated after a covenant breach outlasted its cure
    INSOLVENT = 3            # cleared insolvent with the network (net worth below 0)
    SHOCK = 4                # the scenario defaults it at t = 0 (idiosyncratic default)


class Status(enum.IntEnum):
    """Outcome of an iterative solver, worst last so that ``max`` combines statuses.

    ``OK``: converged to tolerance. ``MAX_STEPS``: the step cap was reached first.
    ``SINGULAR``: a linear system on the way had a zero (or non-finite) pivot.
    ``NONFINITE``: a NaN or infinity appeared in the inputs or the iterate.
    ``INVALID``: the inputs break the model's conventions (a self-loop ``L[i, i] != 0``), seen
    only where the check could not raise because the inputs were traced (under ``jit``).
    """

    OK = 0
    MAX_STEPS = 1
    SINGULAR = 2
    NONFINITE = 3
    INVALID = 4


def status_name(code: int) -> str:
    """Lower-case name of a status code, e.g. ``status_name(1) == 'max_steps'``."""
    return Status(int(code)).name.lower()

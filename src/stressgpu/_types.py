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

# Marketable asset classes of the fire-sale channel, plus the unmarketed rest.
ASSET_CLASSES = ("ai_hardware", "dc_real_estate", "listed_equity", "other")


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

"""Network diagnostics at t = 0 from the shock's first-round losses: DebtRank (docs/model.md
§5.5) and the Furfine default cascade (§5.6). They complement the quarterly model with the
literature's standard single-period measures, on the same exposures.
"""
from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp

from .channels.cascade import default_cascade
from .channels.clearing import ClearingNetwork
from .channels.clearing_batch import solve_clearing
from .channels.debtrank import debtrank, debtrank_by_entity
from .network import Network
from .shocks.base import Factors
from .solvers import worst


class Exposures(NamedTuple):
    """Interbank-style view of the network at t = 0 (USD bn): ``claims[i, j]`` = what i holds
    on j (loans to j plus the value of stakes in j), ``equity`` [N] from clearing unshocked, and
    that clearing's ``status`` [] (int32, :class:`stressgpu.Status`)."""

    claims: jax.Array
    equity: jax.Array
    status: jax.Array


def exposures_at_start(net: Network) -> Exposures:
    """Exposures ``W[j, i]`` of j to i from the unshocked balance sheets (docs/model.md §5.5):
    debt i owes j, j's stake in i at i's clearing equity (cleared with cross-holdings), and the
    binding (take-or-pay) part of what i has contracted to buy from j over the model window."""
    cn = ClearingNetwork(net.liabilities, net.external_liabilities, net.cross_holdings)
    res = solve_clearing(cn, net.cash + net.holdings.sum(1), max_iter=2000)
    binding = net.commit_take_or_pay * net.commit_amount.sum(1)                       # [F]
    contracts = (net.commit_supplier * binding[:, None]).T @ net.commit_buyer          # [N, N] supplier x buyer
    return Exposures(net.liabilities.T + net.cross_holdings * res.equity[None, :] + contracts, res.equity, res.status)


def first_round_equity_loss(net: Network, f: Factors, equity: jax.Array) -> jax.Array:
    """Relative equity loss at t = 0 from asset-price factors ``[B, N]`` (1 for named defaults)."""
    loss = (1.0 - f.price) @ net.holdings.T
    h0 = jnp.where((equity > 0)[None, :], loss / jnp.maximum(equity, 1e-12)[None, :], 1.0)
    return jnp.where(f.default_now, 1.0, jnp.clip(h0, 0.0, 1.0))


class Diagnostics(NamedTuple):
    debtrank: jax.Array          # [B] system DebtRank (linear), beyond the initial shock
    debtrank_classic: jax.Array  # [B]
    furfine_defaults: jax.Array  # [B, N] bool
    furfine_depth: jax.Array     # [B] rounds with new defaults
    status: jax.Array            # [B] int32 worst status of the three solvers and of the clearing at t = 0


@partial(jax.jit, static_argnames=("lgd",))
def diagnose(net: Network, exp: Exposures, f: Factors, lgd: float = 1.0) -> Diagnostics:
    """DebtRank and Furfine cascade for a batch of scenarios. Their status carries the status of
    the clearing that gave the exposures (a failed clearing at t = 0 makes every scenario's
    diagnostics fail, and the run's status counts say so)."""
    h0 = first_round_equity_loss(net, f, exp.equity)
    lin = debtrank(exp.claims, exp.equity, h0, method="linear")
    cla = debtrank(exp.claims, exp.equity, h0, method="classic", max_rounds=net.n + 1)
    casc = default_cascade(exp.claims, exp.equity, h0 >= 1.0, lgd=lgd)
    return Diagnostics(lin.system, cla.system, casc.defaulted, casc.depth,
                       worst(lin.status, cla.status, casc.status, exp.status))


def entity_debtrank(exp: Exposures) -> jax.Array:
    """Battiston's DebtRank of each entity ``[N]``: the loss its own default spreads."""
    return debtrank_by_entity(exp.claims, exp.equity, method="classic").debtrank

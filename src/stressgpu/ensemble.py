"""Reconstructed debt as an ensemble of networks (docs/model.md §2).

Where ``links.csv`` marks debt links as reconstructed, only their totals are known: what each
borrower owes the reconstructed lenders, and what each lender is owed. Those totals define a
*block* (borrowers x lenders); any matrix with the same totals on that block is an equally
valid network. This module fills the block by maximum entropy (Upper & Worms 2004), minimum
density (Anand, Craig & von Peter 2015), or draws an ensemble of networks consistent with the
totals (:func:`stressgpu.reconstruct.sample_networks`), and returns each as a vector of debt
amounts over the network's links, ready for :func:`stressgpu.batch.simulate`.
"""
from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from .data.load import Tables
from .network import Network, NetworkLabels
from .reconstruct import max_entropy, min_density, sample_networks

METHODS = ("data", "max_entropy", "min_density", "ensemble")


@dataclass(frozen=True)
class Block:
    """The reconstructed part of the debt network: ``units`` are the entities involved;
    ``row_totals[u]`` what u owes, ``col_totals[u]`` what u is owed on reconstructed links,
    ``support[u, v]`` whether a link u -> v may exist (a reconstructed borrower to a
    reconstructed lender, never to itself)."""

    units: tuple[str, ...]
    row_totals: np.ndarray
    col_totals: np.ndarray
    support: np.ndarray
    link_ids: tuple[str, ...]

    def pairs(self) -> list[tuple[str, str]]:
        return [(self.units[a], self.units[b]) for a, b in zip(*np.nonzero(self.support))]


def reconstruction_block(tables: Tables) -> Block | None:
    """The block of reconstructed debt links in ``tables`` (None when there are none)."""
    links = tables.links
    rec = links[(links.kind == "debt") & links.reconstructed]
    if rec.empty:
        return None
    units = tuple(sorted(set(rec.from_id) | set(rec.to_id)))
    pos = {u: k for k, u in enumerate(units)}
    rows, cols = np.zeros(len(units)), np.zeros(len(units))
    for _, r in rec.iterrows():
        rows[pos[r.from_id]] += r.amount_usd_bn
        cols[pos[r.to_id]] += r.amount_usd_bn
    support = (rows[:, None] > 0) & (cols[None, :] > 0) & ~np.eye(len(units), dtype=bool)
    return Block(units, rows, cols, support, tuple(rec.link_id))


def block_matrices(block: Block, method: str, key: jax.Array, samples: int = 32, density: float = 0.3,
                   dtype=jnp.float64) -> np.ndarray:
    """``[M, U, U]`` matrices on the block: one for max_entropy / min_density, M for ensemble.
    Reconstruction always runs in float64 (totals must balance to 1e-9); the result is cast."""
    with jax.enable_x64(True):
        out = _block_matrices(block, method, jnp.asarray(key), samples, density)
    return np.asarray(out).astype(dtype)


def _block_matrices(block, method, key, samples, density):
    r, c = jnp.asarray(block.row_totals, jnp.float64), jnp.asarray(block.col_totals, jnp.float64)
    support = jnp.asarray(block.support)
    if method == "max_entropy":
        res = max_entropy(r, c, support)
        out = res.matrix[None]
    elif method == "min_density":
        res = min_density(r, c, support, key=key)
        out = res.matrix[None]
    elif method == "ensemble":
        res = sample_networks(r, c, key, samples, support=support, density=density)
        out = res.matrix
    else:
        raise ValueError(f"network.reconstruction={method!r}: allowed values are {', '.join(METHODS)}")
    if not bool(jnp.all(res.converged)):
        raise ValueError(f"reconstruction ({method}) did not match the totals of the reconstructed links")
    return np.asarray(out)


def link_amounts(net: Network, labels: NetworkLabels, block: Block, matrices: jax.Array) -> jax.Array:
    """``[M, E]`` debt on every link of ``net`` with the block's links set from ``matrices``.

    Links outside the block keep their data amounts. Within the block, each (borrower, lender)
    pair's amount goes to its first link (the data link, or the zero link the network carries
    for it, see ``build_network(extra_debt_pairs=...)``); further links of the same pair get 0.
    """
    pos = {u: k for k, u in enumerate(block.units)}
    rec = set(block.link_ids)
    base = np.array(net.debt_amount, dtype=float)
    borrower = np.asarray(net.debt_borrower).argmax(1)
    lender = np.asarray(net.debt_lender).argmax(1)
    take = np.zeros((len(base), 2), dtype=int)   # (row, col) in the block for each filled link
    filled = np.zeros(len(base), dtype=bool)
    seen = set()
    for e, link in enumerate(labels.debt_links):
        if link in rec or link.startswith("reconstructable:"):
            b, l = labels.ids[borrower[e]], labels.ids[lender[e]]
            if (b, l) not in seen:
                take[e], filled[e] = (pos[b], pos[l]), True
                seen.add((b, l))
            else:
                base[e] = 0.0
    missing = set(block.pairs()) - seen
    if missing:
        raise ValueError(f"the network carries no link for reconstructed pairs {sorted(missing)[:5]}…; "
                         "build it with extra_debt_pairs=block.pairs()")
    m = np.asarray(matrices)
    out = np.broadcast_to(base, (m.shape[0], len(base))).copy()
    out[:, filled] = m[:, take[filled, 0], take[filled, 1]]
    return jnp.asarray(out, net.debt_amount.dtype)


def reconstructed_exposure(tables: Tables, labels: NetworkLabels) -> np.ndarray:
    """``[N]`` USD bn each entity borrows or lends on reconstructed links (marks outputs)."""
    links = tables.links
    rec = links[(links.kind == "debt") & links.reconstructed]
    out = np.zeros(len(labels.ids))
    for _, r in rec.iterrows():
        out[labels.index(r.from_id)] += r.amount_usd_bn
        out[labels.index(r.to_id)] += r.amount_usd_bn
    return out

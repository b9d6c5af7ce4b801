"""Draw scenarios, run them chunk by chunk, reduce to statistics (MODEL.md §5).

Losses are measured against the baseline (the same model with no shock and no noise), so a
firm that the plan itself leaves short of cash does not count as a loss of the shock.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from .diagnostics import diagnose, entity_debtrank, exposures_at_start
from .dynamics import ModelParams, Outcome, simulate
from .network import Network, NetworkLabels
from .shocks import draw_factors, neutral


@dataclass
class MonteCarloResult:
    """Host-side results. Per scenario (S rows): ``scenarios`` dict of ``[S]`` arrays. Per
    entity: ``[S, N]`` arrays of the quantities whose distribution the report needs, and the
    baseline :class:`Outcome` (one scenario)."""

    scenarios: dict[str, np.ndarray]
    defaulted: np.ndarray          # [S, N] bool
    default_quarter: np.ndarray    # [S, N] int
    equity_loss: np.ndarray        # [S, N] USD bn, baseline equity − scenario equity
    channel_loss: dict[str, np.ndarray]  # name -> [N] mean loss through that channel
    baseline: Outcome
    entity_debtrank: np.ndarray    # [N] DebtRank of each entity (Battiston et al. 2012)
    furfine_default_prob: np.ndarray  # [N] default probability in the t = 0 Furfine cascade
    seconds: float
    chunks: int


def baseline_outcome(net: Network, labels: NetworkLabels, params: ModelParams) -> Outcome:
    """The no-shock run (one scenario)."""
    f = neutral(1, net.n, net.cash.dtype)
    return jax.tree_util.tree_map(lambda x: x[0], simulate(net, f, params))


@jax.jit
def _reduce(o: Outcome, base: Outcome, cross_holdings) -> dict:
    """Per-scenario system figures and per-entity losses of one chunk (on the device)."""
    equity_loss = base.equity - o.equity                         # [B, N]
    system = equity_loss.sum(1) + (o.external_loss - base.external_loss)
    first = o.direct_loss.sum(1)
    by_kind = o.credit_loss_by_kind - base.credit_loss_by_kind
    return {
        "system_loss": system,
        "first_round_loss": first,
        "amplification": jnp.where(first > 1e-9, system / jnp.maximum(first, 1e-9), jnp.nan),
        "loss_bank": by_kind[:, 0], "loss_private_credit": by_kind[:, 1], "loss_outside": by_kind[:, 2],
        "n_defaults": o.defaulted.sum(1),
        "cascade_depth": (o.defaults_per_quarter > 0).sum(1),
        "converged": o.clearing_converged,
        "equity_loss": equity_loss,
        "stake_loss": (base.equity - o.equity) @ cross_holdings.T,
    }


def _progress(done: int, total: int, t0: float) -> None:
    rate = done / max(time.perf_counter() - t0, 1e-9)
    bar = "#" * int(30 * done / total)
    sys.stderr.write(f"\r  scenarios {done:>10,}/{total:,} [{bar:<30}] {rate:,.0f}/s")
    sys.stderr.flush()
    if done == total:
        sys.stderr.write("\n")


def run_montecarlo(net: Network, labels: NetworkLabels, shocks: dict, *, scenarios: int, chunk_size: int,
                   seed: int, correlation: float, revenue_noise: float, params: ModelParams,
                   progress: bool = True, diagnostics: bool = True, lgd: float = 1.0) -> MonteCarloResult:
    """Run ``scenarios`` draws of ``shocks`` in chunks of ``chunk_size`` (the last chunk is
    padded to the same shape so the model compiles once). Chunk c uses key fold_in(seed, c),
    so the numbers do not depend on how many chunks ran before."""
    dtype = net.cash.dtype
    base = baseline_outcome(net, labels, params)
    exposures = exposures_at_start(net)
    furfine = np.zeros(net.n)
    key = jax.random.PRNGKey(seed)
    draw = partial(draw_factors, shocks, labels, correlation=correlation, revenue_noise=revenue_noise, dtype=dtype)
    rows, eq_loss, dflt, dq, chan = {}, [], [], [], {}
    t0 = time.perf_counter()
    n_chunks = -(-scenarios // chunk_size)
    for c in range(n_chunks):
        size = min(chunk_size, scenarios - c * chunk_size)
        factors, sizes = draw(jax.random.fold_in(key, c), chunk_size)
        o = simulate(net, factors, params)
        red = _reduce(o, base, net.cross_holdings)
        if diagnostics:
            d = diagnose(net, exposures, factors, lgd=lgd)
            red.update(debtrank=d.debtrank, debtrank_classic=d.debtrank_classic, furfine_depth=d.furfine_depth)
            furfine += np.asarray(d.furfine_defaults)[:size].sum(0)
        host = jax.device_get({**red, **{f"size.{k}": v for k, v in sizes.items()},
                               "defaulted": o.defaulted, "default_quarter": o.default_quarter,
                               "commitment_loss": o.commitment_loss, "direct_loss": o.direct_loss,
                               "firesale_loss": o.firesale_loss, "credit_loss": o.credit_loss})
        host = {k: np.asarray(v)[:size] for k, v in host.items()}
        for k in ("equity_loss", "defaulted", "default_quarter"):
            {"equity_loss": eq_loss, "defaulted": dflt, "default_quarter": dq}[k].append(host.pop(k))
        for k in ("commitment_loss", "direct_loss", "firesale_loss", "credit_loss", "stake_loss"):
            chan[k] = chan.get(k, 0.0) + host.pop(k).sum(0)
        for k, v in host.items():
            rows.setdefault(k, []).append(v)
        if progress:
            _progress(c * chunk_size + size, scenarios, t0)
    channel = {k.replace("_loss", ""): v / scenarios for k, v in chan.items()}
    for k in ("commitment", "direct", "firesale", "credit"):  # relative to the baseline run
        channel[k] = channel[k] - np.asarray(getattr(base, f"{k}_loss"))
    return MonteCarloResult(
        scenarios={k: np.concatenate(v) for k, v in rows.items()},
        defaulted=np.concatenate(dflt), default_quarter=np.concatenate(dq), equity_loss=np.concatenate(eq_loss),
        channel_loss=channel, baseline=jax.device_get(base),
        entity_debtrank=np.asarray(entity_debtrank(exposures)), furfine_default_prob=furfine / scenarios, seconds=time.perf_counter() - t0, chunks=n_chunks,
    )

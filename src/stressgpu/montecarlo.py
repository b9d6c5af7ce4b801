"""Draw scenarios, run them chunk by chunk on every device, reduce to statistics (docs/model.md §7).

Memory stays bounded whatever the scenario count: each chunk is drawn, simulated and reduced
on the device; only per-entity sums and histograms, the system-loss column and (up to
``keep_rows``) per-scenario rows reach the host. Chunk c is drawn from ``fold_in(seed, c)``, so
a run resumed from its checkpoint after chunk c gives the same final numbers as one that never
stopped. The scenario axis of a chunk is sharded over every local device (a 1-D ``Mesh``).

Losses are measured against the baseline (the same model with no shock and no noise), so a
firm that the plan itself leaves short of cash does not count as a loss of the shock.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from ._types import KINDS, LENDER_KINDS, Status
from .diagnostics import diagnose, entity_debtrank, exposures_at_start
from .batch import simulate
from .model import ModelParams, Outcome
from .network import Network, NetworkLabels
from .shocks import Factors, draw_factors, neutral

LOSS_BINS = 2048  # per-entity loss histogram on [0, twice the baseline balance sheet] for tail measures
SCENARIO_COLUMNS = ("system_loss", "first_round_loss", "amplification", *(f"loss_{k}" for k in LENDER_KINDS),
                    *(f"loss_borne_{k}" for k in LENDER_KINDS), *(f"failures_{k}" for k in LENDER_KINDS),
                    *(f"capital_shortfall_{k}" for k in LENDER_KINDS), *(f"mv_loss_{k}" for k in LENDER_KINDS),
                    *(f"book_loss_{k}" for k in LENDER_KINDS), *(f"capital_breaches_{k}" for k in LENDER_KINDS),
                    *(f"mv_change_{k}" for k in LENDER_KINDS), "mv_loss_operating", "mv_change_operating",
                    "redeemed", "gated", "loans_sold", "loan_price_min",
                    "market_value_loss", "market_value_gain",
                    "gains", "capex_shortfall",
                    "n_defaults", "cascade_depth", "converged")
CHECKPOINT = "checkpoint.npz"


class CheckpointError(ValueError):
    """A checkpoint (or a part it relies on) that cannot be trusted; names the file and what to do."""

    def __init__(self, path: Path, why: str):
        self.path = path
        super().__init__(f"{path}: {why}. Rerun with mc.resume=false to start this run again from the first "
                         f"chunk (the checkpoint is then overwritten), or delete the file.")


# Columns of Outcome.funding (stressgpu._types.Source), as the report names them.
FUNDING_COLUMNS = ("facility", "bonds", "private_credit", "equity", "capex_cut", "opex_cut")


def _digest(arrays: dict) -> str:
    """SHA-256 over every entry of a checkpoint (name, dtype, shape, bytes), in name order."""
    h = hashlib.sha256()
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def read_checkpoint(path: Path) -> dict[str, np.ndarray]:
    """Every array of a checkpoint, read whole and verified against the checksum stored in it;
    :class:`CheckpointError` if the file is truncated, garbled or fails the check."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as err:  # noqa: BLE001 - zipfile, zlib, format and OS errors all mean the same here
        raise CheckpointError(path, f"checkpoint cannot be read ({type(err).__name__}: {err})") from None
    stored = arrays.pop("checksum", None)
    if stored is None:
        raise CheckpointError(path, "checkpoint has no checksum (written by an older version or damaged)")
    if str(stored) != _digest(arrays):
        raise CheckpointError(path, "checkpoint fails its integrity check (checksum mismatch)")
    return arrays


@dataclass
class Accumulators:
    """Everything a run keeps between chunks (host, float64 sums) — the checkpoint."""

    next_chunk: int = 0
    done: int = 0
    default_count: np.ndarray = None         # [N]
    default_quarter_count: np.ndarray = None  # [T, N] defaults in each quarter
    equity_loss_sum: np.ndarray = None       # [N]
    equity_loss_hist: np.ndarray = None      # [N, LOSS_BINS + 2] (below 0, bins, at/above the top)
    channel_sum: dict = field(default_factory=dict)  # name -> [N]
    row_sum: dict = field(default_factory=dict)      # per-scenario column -> sum over scenarios
    furfine_count: np.ndarray = None         # [N]
    network_default_count: np.ndarray = None  # [M, N] defaults under each network of an ensemble
    network_scenarios: np.ndarray = None     # [M] scenarios run on each network
    status_count: np.ndarray = None          # [len(Status)] scenarios by worst solver status

    @classmethod
    def empty(cls, n: int, T: int, m: int = 1) -> "Accumulators":
        return cls(default_count=np.zeros(n), default_quarter_count=np.zeros((T, n)), equity_loss_sum=np.zeros(n),
                   equity_loss_hist=np.zeros((n, LOSS_BINS + 2)), furfine_count=np.zeros(n),
                   network_default_count=np.zeros((m, n)), network_scenarios=np.zeros(m),
                   status_count=np.zeros(len(Status)))

    def save(self, path: Path, fingerprint: str) -> None:
        arrays = {k: v for k, v in self.__dict__.items() if isinstance(v, np.ndarray)}
        arrays.update({f"channel.{k}": v for k, v in self.channel_sum.items()})
        arrays.update({f"rowsum.{k}": v for k, v in self.row_sum.items()})
        arrays.update(next_chunk=np.asarray(self.next_chunk), done=np.asarray(self.done),
                      fingerprint=np.asarray(fingerprint))
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, checksum=np.asarray(_digest(arrays)), **arrays)
        os.replace(tmp, path)  # atomic: an interruption never leaves half a checkpoint

    @classmethod
    def load(cls, path: Path, fingerprint: str) -> "Accumulators | None":
        """The accumulators saved at ``path`` (verified), or None if there is no checkpoint or it
        belongs to another configuration (``fingerprint``)."""
        if not path.exists():
            return None
        z = read_checkpoint(path)
        if str(z.get("fingerprint")) != fingerprint:
            return None
        try:
            acc = cls(int(z["next_chunk"]), int(z["done"]))
            for k in ("default_count", "default_quarter_count", "equity_loss_sum", "equity_loss_hist", "furfine_count",
                      "network_default_count", "network_scenarios", "status_count"):
                setattr(acc, k, z[k])
        except KeyError as err:
            raise CheckpointError(path, f"checkpoint lacks {err}") from None
        acc.channel_sum = {k[8:]: z[k] for k in z if k.startswith("channel.")}
        acc.row_sum = {k[7:]: z[k] for k in z if k.startswith("rowsum.")}
        return acc


@dataclass
class MonteCarloResult:
    """Host-side results: per-scenario columns (``system_loss`` for all scenarios, the rest for
    the first ``keep_rows``), per-entity statistics, and the baseline :class:`Outcome`."""

    scenarios: dict[str, np.ndarray]
    system_loss: np.ndarray            # [S]
    default_prob: np.ndarray           # [N]
    default_quarter_prob: np.ndarray   # [T, N] probability of defaulting in quarter t
    equity_loss_mean: np.ndarray       # [N]
    equity_loss_es95: np.ndarray       # [N] from the histogram (bin width = baseline equity / LOSS_BINS)
    channel_loss: dict[str, np.ndarray]  # name -> [N] mean loss through that channel, vs baseline
    row_mean: dict[str, float]         # mean of each per-scenario column over ALL scenarios
    baseline: Outcome
    entity_debtrank: np.ndarray        # [N] DebtRank of each entity (Battiston et al. 2012)
    furfine_default_prob: np.ndarray   # [N] default probability in the t = 0 Furfine cascade
    seconds: float
    chunks: int
    devices: int
    resumed_from_chunk: int = 0
    scenarios_run: int = 0             # scenarios this invocation ran (all of them unless resumed)
    network_default_prob: np.ndarray | None = None  # [M, N] per network of a reconstruction ensemble
    status_count: dict[str, int] = field(default_factory=dict)  # scenarios by worst solver status (ok, max_steps, ...)


def one_scenario_with_paths(net: Network, factors: Factors, params: ModelParams) -> Outcome:
    """One scenario (``factors`` with leading axis 1) with its cash, net-worth and payout paths
    ``[T, N]`` recorded (``record_paths``). The no-shock baseline and the report's market value
    paths both run through this one compiled program: a second program for the plot cost the
    default job ~30 s of compiling on a 2-core CPU."""
    return jax.tree_util.tree_map(lambda x: x[0], simulate(net, factors, replace(params, record_paths=True)))


def baseline_outcome(net: Network, params: ModelParams) -> Outcome:
    """The no-shock run (one scenario), with its paths (:func:`one_scenario_with_paths`)."""
    return one_scenario_with_paths(net, neutral(1, net.n, net.cash.dtype), params)


def _loss_scale(base: Outcome) -> jax.Array:
    """``[..., N]`` the top of each entity's loss histogram: twice its baseline balance sheet
    (|net worth| plus liabilities: a loss of net worth can exceed the assets when claims on it
    grow), at least 1 USD bn; a loss beyond lands in the last bin."""
    return jnp.maximum(2.0 * (jnp.abs(base.net_worth) + base.total_liabilities), 1.0)


@jax.jit
def _reduce(o: Outcome, base: Outcome, cross_holdings, valid, network, network_kind) -> dict:
    """Per-scenario system figures and per-entity sums of one chunk, on the device.
    ``valid`` [B] masks the padding of the last chunk; ``base`` is the baseline of each
    scenario's network (leading axis B, or 1 when all share one) and ``network`` [B, M]
    one-hot names that network. Ranks always match (no implicit rank promotion)."""
    # Loss accounting (docs/model.md §7): each entity's loss of net worth against the baseline,
    # never netted against another's gain (gains are reported apart), and never below its
    # first-round loss (the shock's direct effect before propagation), so amplification >= 1.
    change = o.net_worth - base.net_worth                        # [B, N]
    first_i = jnp.maximum(o.direct_loss - base.direct_loss, 0.0)
    equity_loss = jnp.maximum(jnp.maximum(-change, 0.0), first_i)
    system = equity_loss.sum(1) + jnp.maximum(o.external_loss - base.external_loss, 0.0)
    first = first_i.sum(1)
    by_kind = o.credit_loss_by_kind - base.credit_loss_by_kind
    borne = o.credit_loss_borne_by_kind - base.credit_loss_borne_by_kind
    kind_onehot = jnp.stack([network_kind == KINDS.index(k) for k in LENDER_KINDS], axis=1).astype(change.dtype)  # [N, K]
    shortfall = jnp.maximum(o.capital_shortfall - base.capital_shortfall, 0.0) @ kind_onehot   # [B, K]
    # Market-value wealth (docs/model.md §6–§7): each firm's value change lands once, on its
    # holders in proportion to their stakes, the unheld float on the outside sector; a holder's
    # loss is never netted against another's gain.
    wealth = (o.market_value - base.market_value) @ final_holders(cross_holdings, network_kind).T   # [B, N]
    mv_loss = jnp.maximum(-wealth, 0.0) @ kind_onehot
    # Operating firms hold stakes too (Microsoft's in OpenAI, Nvidia's in its customers): their holders'
    # row, and each kind's signed change beside its loss (a gain is never shown as a loss).
    operating = 1.0 - kind_onehot.sum(1)                                                     # [N]
    mv_loss_operating = jnp.maximum(-wealth, 0.0) @ operating
    mv_change = wealth @ kind_onehot
    kinds = LENDER_KINDS
    book = o.book_loss_by_kind - base.book_loss_by_kind
    hit = (o.floor_quarter >= 0) & ~(base.floor_quarter >= 0)                                  # [B, N]
    breach = hit.astype(change.dtype) @ kind_onehot
    dtype = equity_loss.dtype  # sums in the run's precision (float64 runs sum in float64)
    w = valid[:, None].astype(dtype)
    top = _loss_scale(base)
    bins = jnp.clip(jnp.floor(equity_loss / top * LOSS_BINS).astype(jnp.int32) + 1, 0, LOSS_BINS + 1)
    hist = jax.vmap(lambda b, m: jnp.zeros(LOSS_BINS + 2, dtype).at[b].add(m), in_axes=(1, None))(bins, valid.astype(dtype))
    T = o.defaults_per_quarter.shape[1]
    dq = jax.nn.one_hot(jnp.where(o.defaulted, o.default_quarter, T), T + 1, dtype=dtype)[..., :T]  # [B, N, T]
    status = getattr(o, "status", None)  # worst solver status of each scenario (_types.Status)
    rows = {
        "system_loss": system, "first_round_loss": first,
        "amplification": jnp.where(first > 1e-9, system / jnp.maximum(first, 1e-9), jnp.nan),
        **{f"loss_{k}": by_kind[:, j] for j, k in enumerate(kinds)},
        **{f"loss_borne_{k}": borne[:, j] for j, k in enumerate(kinds)},
        **{f"failures_{k}": (o.defaulted.astype(change.dtype) @ kind_onehot)[:, j] for j, k in enumerate(kinds)},
        **{f"capital_shortfall_{k}": shortfall[:, j] for j, k in enumerate(kinds)},
        **{f"mv_loss_{k}": mv_loss[:, j] for j, k in enumerate(kinds)},
        **{f"mv_change_{k}": mv_change[:, j] for j, k in enumerate(kinds)},
        "mv_loss_operating": mv_loss_operating, "mv_change_operating": wealth @ operating,
        "market_value_loss": mv_loss.sum(1) + mv_loss_operating, "market_value_gain": jnp.maximum(wealth, 0.0).sum(1),
        "gains": jnp.maximum(change, 0.0).sum(1), "capex_shortfall": o.capex_shortfall.sum(1),
        # The financial sector (docs/model.md §5.8): losses on credit books outside the network, capital
        # ratios that fell below their minimum (beyond the baseline's), fund redemptions and loan sales.
        **{f"book_loss_{k}": book[:, j] for j, k in enumerate(kinds)},
        **{f"capital_breaches_{k}": breach[:, j] for j, k in enumerate(kinds)},
        "redeemed": o.redeemed.sum(1), "gated": o.gated.sum(1), "loans_sold": o.loans_sold.sum(1),
        "loan_price_min": o.loan_price.min(1),
        "n_defaults": o.defaulted.sum(1), "cascade_depth": (o.defaults_per_quarter > 0).sum(1),
        "converged": o.clearing_converged,
        **({"status": status} if status is not None else {}),
    }
    sums = {
        "default_count": (o.defaulted.astype(dtype) * w).sum(0), "default_quarter_count": (dq * w[..., None]).sum(0).T,
        "equity_loss_sum": (equity_loss * w).sum(0), "equity_loss_hist": hist,
        "channel.commitment": ((o.commitment_loss - base.commitment_loss) * w).sum(0),
        "channel.direct": ((o.direct_loss - base.direct_loss) * w).sum(0),
        "channel.firesale": ((o.firesale_loss - base.firesale_loss) * w).sum(0),
        "channel.credit": ((o.credit_loss - base.credit_loss) * w).sum(0),
        "channel.stake": ((equity_loss * w) @ cross_holdings.T).sum(0),
        "channel.market_value_change": ((o.market_value - base.market_value) * w).sum(0),
        # Per-entity paths of model v2 (means over scenarios, docs/model.md §3–§4).
        "channel.revenue_vs_plan": (o.revenue_vs_plan * w).sum(0), "channel.capex_vs_plan": (o.capex_vs_plan * w).sum(0),
        **{f"channel.funding_{k}": (o.funding[..., j] * w).sum(0) for j, k in enumerate(FUNDING_COLUMNS)},
        "channel.unfunded_gap": (o.unfunded_gap * w).sum(0),
        "channel.book_loss": ((o.book_loss + o.sale_loss + o.book_mark_loss) * w).sum(0),
        "channel.redeemed": (o.redeemed * w).sum(0), "channel.gated": (o.gated * w).sum(0),
        "channel.loans_sold": (o.loans_sold * w).sum(0), "channel.capital_breach": (hit * w).sum(0),
        # Capital ratio paths [T, N] and each firm's lowest ratio (0 where it has none: see has_ratio).
        "channel.capital_path": (jnp.nan_to_num(o.capital_ratio_path) * w[:, None, :1]).sum(0),
        "channel.capital_ratio_min": (jnp.nan_to_num(o.capital_ratio_min) * w).sum(0),
        **{f"rowsum.{k}": jnp.nansum(jnp.where(valid, v.astype(dtype), 0.0)) for k, v in rows.items() if k != "status"},
        "network_default_count": (network * valid[:, None].astype(network.dtype)).T @ o.defaulted.astype(network.dtype),
        "network_scenarios": (network * valid[:, None].astype(network.dtype)).sum(0),
    }
    if status is not None:
        sums["status_count"] = (jax.nn.one_hot(status, len(Status), dtype=dtype) * w).sum(0)
    return rows, sums


def final_holders(cross_holdings: jax.Array, kind: jax.Array) -> jax.Array:
    """``[N, N]`` H[j, i]: the share of firm i's equity held by j: the stakes of the data, and
    the rest (the public float) by the outside sector (nobody where the network has none)."""
    outside = (kind == KINDS.index("outside")).astype(cross_holdings.dtype)
    return cross_holdings + outside[:, None] * jnp.clip(1.0 - cross_holdings.sum(0), 0.0, 1.0)[None, :]


def es_from_histogram(hist: np.ndarray, top: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Expected shortfall of each entity's equity loss from its histogram ``[N, BINS + 2]``
    (bin k >= 1 covers [(k-1), k) * top / BINS; bin 0 holds gains, counted as 0)."""
    n_bins = hist.shape[1] - 2
    centres = np.concatenate([[0.0], (np.arange(n_bins) + 0.5) / n_bins, [1.0]])[None, :] * top[:, None]
    out = np.zeros(hist.shape[0])
    for i, (h, c) in enumerate(zip(hist, centres)):
        total = h.sum()
        tail = max((1 - level) * total, 1.0)
        remaining, acc = tail, 0.0
        for k in range(len(h) - 1, -1, -1):
            take = min(h[k], remaining)
            acc += take * c[k]
            remaining -= take
            if remaining <= 0:
                break
        out[i] = acc / tail
    return out


def auto_chunk_size(net: Network, n_devices: int) -> int:
    """Scenarios per chunk from this process's first device's free memory (a tenth of it; host
    memory on CPU). Processes of a distributed run may see different amounts: the run takes
    process 0's (:func:`_agreed`)."""
    stats = jax.local_devices()[0].memory_stats() or {}   # another process's device has no stats here
    free = stats.get("bytes_limit", 0) - stats.get("bytes_in_use", 0)
    if free <= 0:
        free = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    n, T, itemsize = net.n, net.quarters, net.cash.dtype.itemsize
    per_scenario = itemsize * (8 * n * n + 16 * n * 4 + 4 * T * 4) * 4  # state, temporaries, 4x headroom
    size = int(free * 0.1 * n_devices // per_scenario)
    return int(np.clip(2 ** int(np.log2(max(size, 1))), 256, 1 << 18))


def scenario_mesh() -> Mesh:
    """A 1-D mesh over every device (all hosts when JAX's distributed runtime is initialised)."""
    return Mesh(np.array(jax.devices()), ("scenarios",))


def _shard(tree, mesh: Mesh):
    sharding = NamedSharding(mesh, PartitionSpec("scenarios"))
    return jax.tree_util.tree_map(lambda x: jax.device_put(x, sharding), tree)


def sharded_simulate(mesh: Mesh, ensemble: bool = False):
    """:func:`simulate` over ``mesh``'s scenario axis, each device running its own share with no
    communication (``shard_map``; the network and parameters are replicated). Left to the
    partitioner, the model's batched while loops would agree on their stop condition across
    devices at every iteration (measured on two CPU devices: 4 chunks of 8,192 scenarios took
    47 s that way, 33 s with ``shard_map``, 16 s on one device). With ``ensemble`` the function
    also takes each scenario's debt on every link ``[B, E]``. Compiled once per shape."""
    s, rep = PartitionSpec("scenarios"), PartitionSpec()
    if ensemble:
        body = lambda net, f, p, d: simulate(net, f, p, debt_amount=d)  # noqa: E731
        specs = (rep, s, rep, s)
    else:
        body = lambda net, f, p: simulate(net, f, p)  # noqa: E731
        specs = (rep, s, rep)
    return jax.jit(jax.shard_map(body, mesh=mesh, in_specs=specs, out_specs=s, check_vma=False))


def _to_host(tree):
    if jax.process_count() > 1:
        from jax.experimental import multihost_utils
        tree = multihost_utils.process_allgather(tree, tiled=True)
    return jax.device_get(tree)


def _progress(done: int, total: int, t0: float, done0: int) -> None:
    rate = (done - done0) / max(time.perf_counter() - t0, 1e-9)
    bar = "#" * int(30 * done / total)
    sys.stderr.write(f"\r  scenarios {done:>12,}/{total:,} [{bar:<30}] {rate:,.0f}/s")
    sys.stderr.flush()
    if done == total:
        sys.stderr.write("\n")


def _agreed(value: int) -> int:
    """Process 0's ``value`` in every process of a distributed run (the chunk size each sized from
    its own free memory, the chunk each resumes from in its own view of the checkpoint): their
    chunk loops must match or the collectives hang."""
    from jax.experimental import multihost_utils
    return int(multihost_utils.broadcast_one_to_all(np.int32(value)))


def fingerprint(**parts) -> str:
    """Hash of what determines the numbers (config, data): a checkpoint resumes only on a match."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def run_montecarlo(net: Network, labels: NetworkLabels, shocks: dict, *, scenarios: int, chunk_size: int | None,
                   seed: int, correlation: float, revenue_noise: float, params: ModelParams,
                   progress: bool = True, diagnostics: bool = True, lgd: float = 1.0,
                   keep_rows: int = 1_000_000, out_dir: Path | None = None, run_id: str = "", resume: bool = True,
                   stop_after_chunks: int | None = None, network_amounts: jax.Array | None = None) -> MonteCarloResult:
    """Run ``scenarios`` draws of ``shocks``; see the module docstring.

    With ``out_dir``, per-scenario rows stream to ``out_dir/scenarios/part-*.parquet`` and a
    checkpoint is written after every chunk; a rerun into the same directory with the same
    ``run_id`` (a fingerprint of config and data) resumes after the last finished chunk; with
    ``resume=False`` an existing checkpoint is ignored and overwritten. A damaged checkpoint
    raises :class:`CheckpointError` before any scenario runs.
    ``stop_after_chunks`` stops early (to test resuming). ``network_amounts`` ``[M, E]``: debt
    on every link for M networks of a reconstruction ensemble; scenario s runs on network
    ``s mod M`` and its losses are measured against that network's own baseline.
    """
    mesh = scenario_mesh()
    n_dev = mesh.devices.size
    chunk = chunk_size or auto_chunk_size(net, n_dev)
    if jax.process_count() > 1:   # every process must run the same chunks, or the collectives hang
        chunk = _agreed(chunk)
    chunk = -(-min(chunk, scenarios) // n_dev) * n_dev  # every device gets the same share
    n_chunks = -(-scenarios // chunk)
    T = net.quarters
    base = baseline_outcome(net, params)
    M = 1 if network_amounts is None else network_amounts.shape[0]
    if network_amounts is not None:
        bases = simulate(net, neutral(M, net.n, net.cash.dtype), params, debt_amount=network_amounts)
    exposures = exposures_at_start(net)
    key = jax.random.PRNGKey(seed)
    draw = partial(draw_factors, shocks, labels, correlation=correlation, revenue_noise=revenue_noise,
                   dtype=net.cash.dtype, horizon_years=T / 4)   # T quarters: occurrence over the horizon
    ckpt = out_dir / CHECKPOINT if out_dir is not None else None
    parts = out_dir / "scenarios" if out_dir is not None else None
    acc = Accumulators.load(ckpt, run_id) if ckpt is not None and resume else None
    if acc is None and resume and ckpt is not None and ckpt.exists():
        print(f"note: {ckpt} belongs to another configuration or data; starting from the first chunk "
              f"(it will be overwritten)", file=sys.stderr)
    acc = acc or Accumulators.empty(net.n, T, M)
    if jax.process_count() > 1:   # only process 0 writes; the others follow its chunk loop
        acc.next_chunk = _agreed(acc.next_chunk)
    start_chunk = acc.next_chunk
    kept: dict[str, list] = {}
    losses: list[np.ndarray] = []
    if start_chunk and parts is not None:  # reload what earlier chunks streamed out
        losses = [_read_losses(parts, c, min(chunk, scenarios - c * chunk), ckpt) for c in range(start_chunk)]
    run_chunk = sharded_simulate(mesh, ensemble=network_amounts is not None)
    t0, done0 = time.perf_counter(), acc.done
    for c in range(start_chunk, n_chunks):
        size = min(chunk, scenarios - c * chunk)
        factors, sizes = draw(jax.random.fold_in(key, c), chunk)
        which = (c * chunk + jnp.arange(chunk)) % M
        if network_amounts is None:
            factors = _shard(factors, mesh)
            o = run_chunk(net, factors, params)
            base_b = jax.tree_util.tree_map(lambda x: x[None], base)  # a leading scenario axis, like o's
        else:
            factors, amounts = _shard((factors, network_amounts[which]), mesh)
            o = run_chunk(net, factors, params, amounts)
            base_b = jax.tree_util.tree_map(lambda x: x[which], bases)
        valid = jnp.arange(chunk) < size
        rows, sums = _reduce(o, base_b, net.cross_holdings, valid, jax.nn.one_hot(which, M, dtype=net.cash.dtype), net.kind)
        if diagnostics:
            d = diagnose(net, exposures, factors, lgd=lgd)
            rows.update(debtrank=d.debtrank, debtrank_classic=d.debtrank_classic, furfine_depth=d.furfine_depth)
            sums["furfine_count"] = (d.furfine_defaults * valid[:, None]).sum(0)
            sums.update({f"rowsum.{k}": (getattr(d, k) * valid.astype(getattr(d, k).dtype)).sum()
                         for k in ("debtrank", "furfine_depth")})
        rows.update({f"size.{k}": v for k, v in sizes.items()})
        rows, sums = _to_host((rows, sums))
        rows = {k: np.asarray(v)[:size] for k, v in rows.items()}
        for k, v in sums.items():
            if k.startswith("channel."):
                acc.channel_sum[k[8:]] = acc.channel_sum.get(k[8:], 0.0) + np.asarray(v, np.float64)
            elif k.startswith("rowsum."):
                acc.row_sum[k[7:]] = acc.row_sum.get(k[7:], 0.0) + np.asarray(v, np.float64)
            else:
                setattr(acc, k, getattr(acc, k) + np.asarray(v, np.float64))
        losses.append(rows["system_loss"])
        keep = max(0, min(size, keep_rows - c * chunk))
        if parts is not None and jax.process_index() == 0:
            _write_part(parts, c, rows, keep)
        elif keep:
            for k, v in rows.items():
                kept.setdefault(k, []).append(v[:keep])
        acc.next_chunk, acc.done = c + 1, acc.done + size
        if ckpt is not None and jax.process_index() == 0:
            acc.save(ckpt, run_id)
        if progress:
            _progress(acc.done, scenarios, t0, done0)
        if stop_after_chunks is not None and c + 1 - start_chunk >= stop_after_chunks and c + 1 < n_chunks:
            raise InterruptedError(f"stopped after chunk {c} as asked")
    if parts is not None and jax.process_index() == 0:   # the others kept their rows in memory
        kept = _read_parts(parts, n_chunks)
    top = np.asarray(_loss_scale(base), np.float64)
    return MonteCarloResult(
        scenarios={k: np.concatenate(v) for k, v in kept.items()},
        system_loss=np.concatenate(losses),
        default_prob=acc.default_count / scenarios, default_quarter_prob=acc.default_quarter_count / scenarios,
        equity_loss_mean=acc.equity_loss_sum / scenarios, equity_loss_es95=es_from_histogram(acc.equity_loss_hist, top),
        channel_loss={k: v / scenarios for k, v in acc.channel_sum.items()},
        row_mean={k: float(v) / scenarios for k, v in acc.row_sum.items()}, baseline=jax.device_get(base),
        entity_debtrank=np.asarray(entity_debtrank(exposures)), furfine_default_prob=acc.furfine_count / scenarios,
        seconds=time.perf_counter() - t0, chunks=n_chunks, devices=n_dev, resumed_from_chunk=start_chunk,
        scenarios_run=acc.done - done0,
        network_default_prob=(acc.network_default_count / np.maximum(acc.network_scenarios, 1)[:, None]
                              if network_amounts is not None else None),
        status_count={s.name.lower(): int(round(acc.status_count[s])) for s in Status},
    )


def _write_part(parts: Path, c: int, rows: dict, keep: int) -> None:
    import pandas as pd

    parts.mkdir(parents=True, exist_ok=True)
    np.save(parts / f"system_loss-{c:06d}.npy", rows["system_loss"])
    if keep:
        pd.DataFrame({k: v[:keep] for k, v in rows.items()}).to_parquet(parts / f"part-{c:06d}.parquet", index=False)


def _read_losses(parts: Path, c: int, size: int, ckpt: Path) -> np.ndarray:
    path = parts / f"system_loss-{c:06d}.npy"
    try:
        x = np.load(path, allow_pickle=False)
    except Exception as err:  # noqa: BLE001
        raise CheckpointError(path, f"a chunk the checkpoint {ckpt.name} relies on cannot be read "
                                    f"({type(err).__name__}: {err})") from None
    if x.shape != (size,):
        raise CheckpointError(path, f"holds {x.shape} values where chunk {c} has {size}")
    return x


def _read_parts(parts: Path, n_chunks: int) -> dict[str, list]:
    import pandas as pd

    files = [parts / f"part-{c:06d}.parquet" for c in range(n_chunks)]
    frames = [pd.read_parquet(f) for f in files if f.exists()]
    if not frames:
        return {}
    df = pd.concat(frames, ignore_index=True)
    return {k: [df[k].to_numpy()] for k in df.columns}

"""Reverse stress tests (docs/model.md §7): the most plausible shock that makes a chosen event happen.

Shock sizes are written as standard-normal scores ``u`` (``u = 0``: every size at its centre;
see :func:`stressgpu.shocks.factors_from_z`). Their plausibility is the Mahalanobis distance
under the Monte Carlo's one-factor correlation, ``d² = uᵀ Σ⁻¹ u`` with
``Σ = ρ² 11ᵀ + (1 − ρ²) I``. An event has a *margin* ``m(u)``, positive exactly when the event
happens in the exact model:

* ``default`` of an entity by the horizon: ``m = −min_t min(cash_t, net worth_t) / scale`` —
  the model defaults an entity exactly when its cash after capex cuts, or its assets less
  liabilities, go below zero;
* ``lender_loss`` of a lender kind above ``threshold`` USD bn, and ``system_loss`` above
  ``threshold``: ``m = (loss − threshold) / max(threshold, 1)``.

The search minimises ``½ d²(u) − w·log σ(m(u)/τ)`` with optax (Adam) from many starting
points at once, the temperature ``τ`` of the smoothed event indicator ``σ(m/τ)`` shrinking
geometrically so the relaxation tightens as the search goes. Gradients are exact forward-mode
derivatives through the quarterly model (``jax.jacfwd``: a handful of sizes, and forward mode
runs through the solvers' ``while_loop``s without storing their iterations). Every end point is
then run forward exactly, and the most plausible one whose event really happens is returned.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.scipy.stats import chi2

from ._types import FAILING_KINDS, LENDER_KINDS
from .dynamics import simulate_one, solve_plan
from .model import ModelParams, Outcome
from .network import Network, NetworkLabels
from .shocks import factors_from_z, neutral, shock_parameters

EVENTS = ("default", "lender_loss", "system_loss")


@dataclass(frozen=True)
class Target:
    """The event searched for (plain values; defaults live in ``config.TargetConfig``)."""

    event: str          # default | lender_loss | system_loss
    entity: str         # for event=default
    lender_kind: str    # for event=lender_loss: one of _types.LENDER_KINDS
    threshold: float    # USD bn, for lender_loss and system_loss


@dataclass(frozen=True)
class SearchSettings:
    """How the search runs (defaults live in ``config.ReverseConfig``)."""

    starts: int
    steps: int
    learning_rate: float
    temperature_start: float
    temperature_end: float
    weight: float
    correlation: float
    seed: int


def _lender_kinds(width: int) -> tuple[str, ...]:
    """The lender kinds behind the model's ``credit_loss_by_kind`` columns."""
    return LENDER_KINDS if width == len(LENDER_KINDS) else ("bank", "private_credit", "outside")


@dataclass
class ReverseResult:
    found: bool
    sizes: dict[str, float]          # shock sizes of the most plausible confirmed scenario
    z: np.ndarray                    # its standard scores
    mahalanobis: float               # d
    tail_probability: float          # P(chi²_P >= d²): share of scenarios at least this extreme
    margin: float                    # exact margin at the answer (> 0: event happens)
    default_quarter: np.ndarray      # [N] its default path (-1: survives)
    confirmed: int                   # how many starting points ended on the event
    best_margin: float               # largest margin any start reached (to say how far it fell short)
    start_table: list[dict]


def precision_matrix(p: int, rho: float) -> jax.Array:
    """``Σ⁻¹`` of the one-factor correlation used to draw sizes."""
    sigma = rho ** 2 * jnp.ones((p, p)) + (1 - rho ** 2) * jnp.eye(p)
    return jnp.linalg.inv(sigma)


def event_margin(o: Outcome, base: Outcome, target: Target, labels: NetworkLabels, scale) -> jax.Array:
    """Margin of ``target`` in one scenario's outcome; > 0 exactly when the event happens."""
    if target.event == "default":
        # docs/model.md §5.1: an operating firm fails when its liquidity buffer (cash plus every
        # funding source's room) runs out; a bank, fund or insurer also when it is insolvent (net
        # worth below 0: the quarterly model clears with no capital floor; falling below its
        # regulatory minimum is a recorded breach, not a default).
        k = labels.index(target.entity)
        worst = o.cash_path[:, k].min()
        if labels.kinds[k] in FAILING_KINDS:
            worst = jnp.minimum(worst, o.net_worth_path[:, k].min())
        return -worst / scale[k]
    if target.event == "lender_loss":
        j = _lender_kinds(o.credit_loss_by_kind.shape[-1]).index(target.lender_kind)
        loss = o.credit_loss_by_kind[j] - base.credit_loss_by_kind[j]
    else:
        loss = (base.equity - o.equity).sum() + o.external_loss - base.external_loss
    return (loss - target.threshold) / max(target.threshold, 1.0)


def validate_target(target: Target, labels: NetworkLabels) -> None:
    if target.event not in EVENTS:
        raise ValueError(f"target.event={target.event!r}: allowed values are {', '.join(EVENTS)}")
    if target.event == "default":
        labels.index(target.entity)  # raises with the known ids
    if target.event == "lender_loss" and target.lender_kind not in LENDER_KINDS:
        raise ValueError(f"target.lender_kind={target.lender_kind!r}: allowed values are {', '.join(LENDER_KINDS)}")


def reverse_stress_test(net: Network, labels: NetworkLabels, shocks: dict, target: Target,
                        settings: SearchSettings, params: ModelParams, progress=None) -> ReverseResult:
    """Search for the most plausible shock sizes that make ``target`` happen by the horizon;
    ``progress(steps_done, steps)`` is called as the search goes (it runs in up to 10 equal parts)."""
    validate_target(target, labels)
    params = replace(params, record_paths=True)
    dtype = net.cash.dtype
    specs = shock_parameters(shocks)
    free = np.array([spec.dist != "fixed" for *_, spec in specs])
    if not free.any():
        raise ValueError("reverse stress test: no shock size has a distribution to search over")
    P = len(specs)
    prec = precision_matrix(int(free.sum()), settings.correlation).astype(dtype)
    plan = solve_plan(net, params)                    # the no-shock plan, solved once
    base = simulate_one(net, jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, dtype)), params, plan)
    scale = jnp.maximum(net.cash + net.holdings.sum(1), 1.0)
    free_idx = jnp.asarray(np.nonzero(free)[0])

    def outcome(u):  # u: [P_free] -> the exact model's outcome
        z = jnp.zeros((1, P), dtype).at[0, free_idx].set(u)
        f, _ = factors_from_z(shocks, labels, z, dtype=dtype)
        return simulate_one(net, jax.tree_util.tree_map(lambda x: x[0], f), params, plan)

    def margin(u):
        return event_margin(outcome(u), base, target, labels, scale)

    def objective(u, tau):
        return 0.5 * u @ prec @ u - settings.weight * jax.nn.log_sigmoid(margin(u) / tau)

    def value_and_grad(u, tau):  # forward mode: P_free tangents through the whole model
        return objective(u, tau), jax.jacfwd(objective)(u, tau)

    opt = optax.adam(settings.learning_rate)
    taus = settings.temperature_start * (settings.temperature_end / settings.temperature_start) ** (
        jnp.arange(settings.steps) / max(settings.steps - 1, 1))

    @jax.jit
    def search_part(u, state, part):
        """``len(part)`` Adam steps of every start, from ``(u, state)``: the search is run in equal
        parts so progress can be shown between them (the same steps as one scan)."""
        def step(carry, tau):
            u, state = carry
            _, g = value_and_grad(u, tau)
            upd, state = opt.update(g, state, u)
            return (optax.apply_updates(u, upd), state), None

        def one(u, state):
            (u, state), _ = jax.lax.scan(step, (u, state), part)
            return u, state

        return jax.vmap(one)(u, state)

    key = jax.random.PRNGKey(settings.seed)
    chol = jnp.linalg.cholesky(jnp.linalg.inv(prec))
    u0 = jax.random.normal(key, (settings.starts, int(free.sum())), dtype) @ chol.T
    u0 = u0.at[0].set(0.0)
    parts = next(d for d in range(10, 0, -1) if settings.steps % d == 0)
    size = settings.steps // parts
    u_end, state = u0, jax.vmap(opt.init)(u0)
    for k in range(parts):
        u_end, state = search_part(u_end, state, taus[k * size:(k + 1) * size].astype(dtype))
        if progress is not None:
            progress((k + 1) * size, settings.steps)
    margins = jax.jit(jax.vmap(margin))(u_end)
    d2 = jnp.einsum("bi,ij,bj->b", u_end, prec, u_end)
    ok = np.asarray(margins > 0)
    order = np.argsort(np.where(ok, np.asarray(d2), np.inf))
    best = int(order[0])
    o = jax.jit(outcome)(u_end[best])
    z_full = np.zeros(P)
    z_full[np.asarray(free_idx)] = np.asarray(u_end[best])
    _, sizes = factors_from_z(shocks, labels, jnp.asarray(z_full[None], dtype), dtype=dtype)
    table = [{"start": i, "margin": float(margins[i]), "mahalanobis": float(jnp.sqrt(d2[i])), "event": bool(ok[i])}
             for i in range(settings.starts)]
    return ReverseResult(
        found=bool(ok.any()), sizes={k: float(v[0]) for k, v in sizes.items()}, z=z_full,
        mahalanobis=float(jnp.sqrt(d2[best])), tail_probability=float(chi2.sf(d2[best], int(free.sum()))),
        margin=float(margins[best]), default_quarter=np.asarray(o.default_quarter),
        confirmed=int(ok.sum()), best_margin=float(margins.max()), start_table=table,
    )

"""Which links, balance-sheet items and shock sizes move system loss most (docs/model.md §7).

Two exact derivatives, each where it is cheap:

* **Network and balance sheets** (many inputs, one output): reverse mode through the t = 0
  clearing of the shocked balance sheets (Eisenberg–Noe / Rogers–Veraart with
  cross-holdings), by implicit differentiation of the fixed point
  (:mod:`stressgpu.channels.implicit`): ``∂ loss / ∂ L[i, j]`` for every debt link,
  ``∂ loss / ∂`` cash, each asset class held, and external liabilities of every entity.
* **Shock sizes** (few inputs): forward mode (``jax.jacfwd``) through the whole quarterly model
  to the horizon, the derivative of system loss against the baseline.

Each derivative is reported with the *impact of a 10 % change*, ``0.1 · x · ∂loss/∂x`` (USD bn),
which makes links, items and sizes of different units comparable; tables are ranked by it.
"""
from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from .channels.implicit import system_loss
from .dynamics import simulate_one, solve_plan
from .model.params import ModelParams
from .montecarlo import final_holders
from .network import ASSET_CLASSES, Network, NetworkLabels
from .shocks import factors_from_sizes, neutral, sizes_of


@dataclass
class Sensitivity:
    links: pd.DataFrame     # borrower, lender, amount, gradient, impact_10pct
    items: pd.DataFrame     # entity, item, value, gradient, impact_10pct
    shocks: pd.DataFrame    # size, value, gradient, impact_10pct
    loss_t0: float          # system loss of the t = 0 clearing (USD bn)
    loss_horizon: float     # system loss at the horizon (USD bn)


def balance_sheet_gradients(net: Network, price: jax.Array, forced: jax.Array, alpha: float = 1.0,
                            beta: float = 1.0) -> tuple[jax.Array, tuple]:
    """System loss of the t = 0 clearing at asset prices ``price`` [A] and its gradients with
    respect to ``(L [N, N], external_liabilities [N], cash [N], holdings [N, A])``."""
    C = net.cross_holdings

    def loss(L, ext, cash, holdings):
        e = cash + holdings @ price
        e0 = cash + holdings.sum(1)
        return system_loss(L, ext, C, e, e0, alpha, beta, forced)

    return jax.value_and_grad(loss, argnums=(0, 1, 2, 3))(net.liabilities, net.external_liabilities, net.cash,
                                                          net.holdings)


def shock_gradients(net: Network, labels: NetworkLabels, shocks: dict, params: ModelParams) -> tuple[float, dict]:
    """System loss at the horizon (vs baseline) at the configured sizes, and its derivative
    with respect to every numeric shock size (forward mode through the quarterly model)."""
    dtype = net.cash.dtype
    names = [f"{k}.{p}" for k, cfg in shocks.items() for p in sizes_of(cfg)]
    x0 = jnp.asarray([sizes_of(shocks[n.split(".")[0]])[n.split(".", 1)[1]] for n in names], dtype)
    plan = solve_plan(net, params)                    # the no-shock plan, solved once
    base = simulate_one(net, jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, dtype)), params, plan)

    def loss(x):
        f = factors_from_sizes(shocks, labels, {n: x[k][None] for k, n in enumerate(names)}, dtype=dtype)
        o = simulate_one(net, jax.tree_util.tree_map(lambda a: a[0], f), params, plan)
        total = (base.equity - o.equity).sum() + o.external_loss - base.external_loss
        return total, total

    # one compiled program gives the loss and its derivatives (the loss rides along as aux)
    grad, value = jax.jit(jax.jacfwd(loss, has_aux=True))(x0)
    return float(value), {n: (float(x0[k]), float(grad[k])) for k, n in enumerate(names)}


def sensitivity(net: Network, labels: NetworkLabels, shocks: dict, params: ModelParams) -> Sensitivity:
    """Both sensitivity tables at the configured shock sizes (no noise)."""
    dtype = net.cash.dtype
    f = factors_from_sizes(shocks, labels, {}, dtype=dtype)
    price, forced = f.price[0], f.default_now[0]
    loss0, (gL, gext, gcash, ghold) = balance_sheet_gradients(net, price, forced, params.alpha, params.beta)
    L = np.asarray(net.liabilities)
    i, j = np.nonzero(L)
    links = pd.DataFrame({"borrower": [labels.ids[k] for k in i], "lender": [labels.ids[k] for k in j],
                          "amount": L[i, j], "gradient": np.asarray(gL)[i, j]})
    rows = []
    for k, eid in enumerate(labels.ids):
        rows.append((eid, "cash", float(net.cash[k]), float(gcash[k])))
        rows.append((eid, "external_liabilities", float(net.external_liabilities[k]), float(gext[k])))
        for a, cls in enumerate(ASSET_CLASSES):
            rows.append((eid, cls, float(net.holdings[k, a]), float(ghold[k, a])))
    items = pd.DataFrame(rows, columns=["entity", "item", "value", "gradient"])
    loss_h, sg = shock_gradients(net, labels, shocks, params)
    shock_df = pd.DataFrame([(n, v, g) for n, (v, g) in sg.items()], columns=["size", "value", "gradient"])
    links, items, shock_df = (_ranked(df, col) for df, col in ((links, "amount"), (items, "value"), (shock_df, "value")))
    return Sensitivity(links, items, shock_df, float(loss0), loss_h)


NOISE = 1e-7   # an impact below this share of the loss it moves is treated as numerical noise


def drop_noise(df: pd.DataFrame, loss: float, rel: float = NOISE) -> tuple[pd.DataFrame, float]:
    """``df`` without the rows whose impact of a 10 % change is below ``rel`` times ``|loss|``
    (at least ``rel`` USD bn): derivatives that small are the solvers' rounding, not results.
    Returns the rows kept and the threshold used (USD bn)."""
    threshold = rel * max(abs(loss), 1.0)
    return df[df["impact_10pct"].abs() >= threshold].reset_index(drop=True), threshold


def _ranked(df: pd.DataFrame, col: str) -> pd.DataFrame:
    """Add the impact of a 10 % change of ``col`` and sort by its size."""
    df = df.assign(impact_10pct=0.1 * df[col] * df["gradient"])
    return df.sort_values("impact_10pct", key=np.abs, ascending=False, ignore_index=True)


# What path_gradients differentiates: Network leaves (the stakes as their nonzero entries).
PATH_INPUTS = ("debt_amount", "commit_amount", "stakes", "cash", "external_liabilities")


def horizon_losses(net: Network, f, params: ModelParams):
    """``([K + 2], status)``: credit losses by lender kind at the horizon, system loss (losses
    of net worth, never netted, plus outside creditors') and the market-value wealth loss of
    the final holders (docs/model.md §6–§7), each against the no-shock baseline of the same network, for one scenario's factors ``f`` (no batch axis). The plan is solved from
    ``net`` too, so a derivative sees how the firms' own plans move with their balance sheets."""
    dtype = net.cash.dtype
    plan = solve_plan(net, params)
    o = simulate_one(net, f, params, plan)
    base = simulate_one(net, jax.tree_util.tree_map(lambda x: x[0], neutral(1, net.n, dtype)), params, plan)
    system = jnp.maximum(base.net_worth - o.net_worth, 0.0).sum() + jnp.maximum(o.external_loss - base.external_loss, 0.0)
    wealth = (o.market_value - base.market_value) @ final_holders(net.cross_holdings, net.kind).T
    losses = jnp.concatenate([o.credit_loss_by_kind - base.credit_loss_by_kind, system[None],
                              jnp.maximum(-wealth, 0.0).sum()[None]])
    return losses, jnp.maximum(o.status, base.status)


def path_inputs(net: Network) -> dict:
    """The inputs :func:`path_gradients` differentiates, as a dict of arrays (``stakes``: the
    nonzero entries of the cross-holdings, row-major)."""
    C = np.asarray(net.cross_holdings)
    return {"debt_amount": net.debt_amount, "commit_amount": net.commit_amount,
            "stakes": net.cross_holdings[np.nonzero(C)], "cash": net.cash,
            "external_liabilities": net.external_liabilities}


def with_inputs(net: Network, x: dict) -> Network:
    """``net`` with the inputs of :func:`path_inputs` replaced by ``x``."""
    from dataclasses import replace
    nz = np.nonzero(np.asarray(net.cross_holdings))
    return replace(net, debt_amount=x["debt_amount"], commit_amount=x["commit_amount"],
                   cross_holdings=net.cross_holdings.at[nz].set(x["stakes"]), cash=x["cash"],
                   external_liabilities=x["external_liabilities"])


def path_gradients(net: Network, f, params: ModelParams):
    """Sensitivities of horizon losses (:func:`horizon_losses`, ``[K + 2]``) to every debt link,
    commitment payment, stake, cash balance and other liability, through the whole quarterly
    path: forward mode (``jax.jacfwd``) through the scan, with the clearing's fixed points
    differentiated implicitly. Returns ``(losses, {input: [K + 1, *shape]}, status)``; a status
    other than ok (0) means a solver on the way did not converge and the derivatives are not
    to be trusted."""
    x0 = path_inputs(net)

    def fn(x):
        return horizon_losses(with_inputs(net, x), f, params)

    losses, status = jax.jit(fn)(x0)
    jac, _ = jax.jit(jax.jacfwd(fn, has_aux=True))(x0)
    return losses, jac, int(status)

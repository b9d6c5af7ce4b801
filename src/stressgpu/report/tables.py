"""Result tables (pandas) from a Monte Carlo run, and the terminal summary."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .._types import LENDER_KINDS
from ..montecarlo import FUNDING_COLUMNS, MonteCarloResult
from ..network import NetworkLabels


def expected_shortfall(x: np.ndarray, level: float, axis: int = 0) -> np.ndarray:
    """Mean of the worst ``1 - level`` share of ``x`` along ``axis`` (losses positive)."""
    x = np.sort(np.asarray(x), axis=axis)
    k = max(int(np.ceil((1 - level) * x.shape[axis])), 1)
    return np.take(x, np.arange(x.shape[axis] - k, x.shape[axis]), axis=axis).mean(axis=axis)


def entity_table(res: MonteCarloResult, labels: NetworkLabels, circular_share: np.ndarray,
                 reconstructed: np.ndarray | None = None, book_equity: np.ndarray | None = None) -> pd.DataFrame:
    """One row per entity: default probability, when, equity losses, losses by channel, market
    value beside book equity (``book_equity`` [N] at t = 0, NaN when not given)."""
    book_equity = np.full(len(labels.ids), np.nan) if book_equity is None else book_equity
    quarters = pd.PeriodIndex(labels.quarters, freq="Q").astype(str)
    cum = res.default_quarter_prob.cumsum(0)                      # [T, N]
    half = cum >= 0.5 * np.maximum(cum[-1], 1e-300)
    median_q = [quarters[int(np.argmax(half[:, i]))] if cum[-1, i] > 0 else "" for i in range(cum.shape[1])]
    base_q = np.asarray(res.baseline.default_quarter)
    df = pd.DataFrame({
        "id": labels.ids, "name": labels.names, "kind": labels.kinds,
        "default_prob": res.default_prob,
        "baseline_default": [quarters[q] if q >= 0 else "" for q in base_q],
        "median_default_quarter": median_q,
        "equity_loss_mean": res.equity_loss_mean,
        "equity_loss_es95": res.equity_loss_es95,
        "loss_first_round": res.channel_loss["direct"],
        "loss_clearing": res.channel_loss["credit"],
        "loss_commitments": res.channel_loss["commitment"],
        "loss_fire_sales": res.channel_loss["firesale"],
        "loss_equity_stakes": res.channel_loss["stake"],
        # Market value (docs/model.md §6) beside book equity: the no-shock value (the data's market
        # cap or valuation where it has one), the growth it prices in, and the mean change.
        "market_value": np.asarray(res.baseline.market_value),
        "book_equity": book_equity,
        "priced_in_growth": np.asarray(res.baseline.priced_growth),
        "market_value_change_mean": res.channel_loss.get("market_value_change", np.zeros(len(labels.ids))),
        # Model v2 paths (means over scenarios): revenue and capex against plan, funding by source.
        **{k: res.channel_loss[k] for k in ("revenue_vs_plan", "capex_vs_plan") if k in res.channel_loss},
        **{f"funding_{k}": res.channel_loss[f"funding_{k}"] for k in FUNDING_COLUMNS
           if f"funding_{k}" in res.channel_loss},
        # What only cuts or a missed payment covered (docs/model.md §4), mean USD bn.
        **({"unfunded_gap_mean": res.channel_loss["unfunded_gap"]} if "unfunded_gap" in res.channel_loss else {}),
        "circular_revenue_share": circular_share,
        "debtrank": res.entity_debtrank,
        "furfine_default_prob": res.furfine_default_prob,
        "reconstructed_debt": np.zeros(len(labels.ids)) if reconstructed is None else reconstructed,
    })
    if res.network_default_prob is not None:  # reconstruction uncertainty across the ensemble
        df["default_prob_net_p05"] = np.quantile(res.network_default_prob, 0.05, axis=0)
        df["default_prob_net_p95"] = np.quantile(res.network_default_prob, 0.95, axis=0)
    return df.sort_values(["default_prob", "equity_loss_mean"], ascending=False).reset_index(drop=True)


def scenario_table(res: MonteCarloResult) -> pd.DataFrame:
    """One row per scenario: system figures and the shock sizes drawn."""
    return pd.DataFrame({k: v for k, v in res.scenarios.items()})


def summary(res: MonteCarloResult) -> dict:
    """System loss distribution (USD bn): mean, VaR and expected shortfall at 95 % and 99 %,
    and the means of the per-scenario columns over all scenarios."""
    loss = res.system_loss
    m = res.row_mean
    # Losses and failures by lender kind lead (docs/model.md §7): direct credit losses, the same
    # after private-credit funds pass theirs to their LPs, and failures per scenario.
    out = {}
    for k in LENDER_KINDS:
        for col in (f"loss_{k}", f"loss_borne_{k}", f"capital_shortfall_{k}", f"failures_{k}", f"mv_loss_{k}"):
            if col in m:
                out[f"{col}_mean"] = m[col]
    out.update({"scenarios": int(loss.size), "seconds": res.seconds, "scenarios_run": res.scenarios_run,
           "scenarios_per_second": res.scenarios_run / res.seconds,
           "devices": res.devices, "chunks": res.chunks, "resumed_from_chunk": res.resumed_from_chunk,
           "system_loss_mean": float(loss.mean()), "first_round_loss_mean": m["first_round_loss"],
           "amplification_median": float(np.nanmedian(res.scenarios["amplification"])) if "amplification" in res.scenarios else float("nan"),
           "cascade_depth_mean": m["cascade_depth"], "defaults_mean": m["n_defaults"],
           "not_converged": int(round(loss.size - m["converged"] * loss.size)),
           "status_counts": dict(res.status_count)})
    for k in ("gains", "capex_shortfall", "market_value_loss", "market_value_gain"):
        if k in m:
            out[f"{k}_mean"] = m[k]
    for level in (0.95, 0.99):
        out[f"system_loss_var{int(level * 100)}"] = float(np.quantile(loss, level))
        out[f"system_loss_es{int(level * 100)}"] = float(expected_shortfall(loss, level))
    for k in ("debtrank", "furfine_depth"):
        if k in m:
            out[f"{k}_mean"] = m[k]
    return out


_CAUSES = {"max_steps": "hit the step cap (max_steps)", "singular": "met a singular linear system (singular)",
           "nonfinite": "produced NaN or infinity (nonfinite)"}


def terminal_report(entities: pd.DataFrame, summ: dict, top: int = 10) -> str:
    """The concise table printed at the end of a run."""
    cols = ["name", "kind", "default_prob", "median_default_quarter", "baseline_default", "equity_loss_mean", "equity_loss_es95"]
    t = entities.head(top)[cols].copy()
    t["name"] = t["name"].str.slice(0, 32)
    t.columns = ["firm", "kind", "P(default)", "median quarter", "baseline default", "equity loss", "ES95 eq. loss"]
    lines = [f"Losses by lender kind (mean per scenario, USD bn, vs baseline; {summ['scenarios']:,} scenarios, "
             f"{summ['seconds']:.1f} s):",
             f"  {'lender kind':<15} {'credit loss':>12} {'borne (LPs)':>12} {'capital short':>14} {'failures':>9}"]
    lines += [f"  {k:<15} {summ[f'loss_{k}_mean']:>12,.2f} {summ.get(f'loss_borne_{k}_mean', float('nan')):>12,.2f}"
              f" {summ.get(f'capital_shortfall_{k}_mean', float('nan')):>14,.2f}"
              f" {summ.get(f'failures_{k}_mean', float('nan')):>9,.3f}" for k in LENDER_KINDS if f"loss_{k}_mean" in summ]
    lines += ["  (borne: after private-credit funds pass their losses to their LPs: insurers, pension funds, ...;",
              "   capital short: what banks, funds and insurers lack to meet their capital floors at the horizon)", "",
              "Firms most likely to fail (USD bn):",
              t.to_string(index=False, float_format=lambda x: f"{x:,.3f}" if abs(x) < 1 else f"{x:,.1f}")]
    extra = (f"; gains apart {summ['gains_mean']:,.1f}; AI capex shortfall {summ['capex_shortfall_mean']:,.1f}"
             if "gains_mean" in summ and "capex_shortfall_mean" in summ else "")
    if "market_value_loss_mean" in summ:
        extra += (f"\nMarket value (t = 0, DCF): final holders lose {summ['market_value_loss_mean']:,.1f} mean "
                  f"(gain {summ.get('market_value_gain_mean', 0.0):,.1f}); by lender kind "
                  + ", ".join(f"{k} {summ[f'mv_loss_{k}_mean']:,.1f}" for k in LENDER_KINDS if f"mv_loss_{k}_mean" in summ))
    lines += ["", f"System loss (USD bn): mean {summ['system_loss_mean']:,.1f}   VaR95 {summ['system_loss_var95']:,.1f}"
              f"   ES95 {summ['system_loss_es95']:,.1f}   VaR99 {summ['system_loss_var99']:,.1f}   ES99 {summ['system_loss_es99']:,.1f}",
              f"First-round loss mean {summ['first_round_loss_mean']:,.1f}; amplification (median) {summ['amplification_median']:.2f};"
              f" defaults per scenario {summ['defaults_mean']:.2f}; cascade depth {summ['cascade_depth_mean']:.2f} quarters{extra}"]
    bad = {k: v for k, v in summ.get("status_counts", {}).items() if k != "ok" and v}
    if bad:
        causes = ", ".join(f"{v:,} {_CAUSES.get(k, k)}" for k, v in bad.items())
        lines.append(f"WARNING: solvers did not finish cleanly in some scenarios: {causes} "
                     f"(scenarios.parquet, column status; summary.json, status_counts)")
    elif summ["not_converged"]:
        lines.append(f"WARNING: {summ['not_converged']} scenario(s) did not converge (see scenarios.parquet, column converged)")
    return "\n".join(lines)

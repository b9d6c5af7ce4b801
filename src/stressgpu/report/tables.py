"""Result tables (pandas) from a Monte Carlo run, and the terminal summary."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._types import LENDER_KINDS
from ..montecarlo import FUNDING_COLUMNS, MonteCarloResult
from ..network import NetworkLabels
from .records import REASON_SHORT


def expected_shortfall(x: np.ndarray, level: float, axis: int = 0) -> np.ndarray:
    """Mean of the worst ``1 - level`` share of ``x`` along ``axis`` (losses positive)."""
    x = np.sort(np.asarray(x), axis=axis)
    k = max(int(np.ceil((1 - level) * x.shape[axis])), 1)
    return np.take(x, np.arange(x.shape[axis] - k, x.shape[axis]), axis=axis).mean(axis=axis)


def entity_table(res: MonteCarloResult, labels: NetworkLabels, circular_share: np.ndarray,
                 reconstructed: np.ndarray | None = None, book_equity: np.ndarray | None = None,
                 aggregate: np.ndarray | None = None, debt_reconstructed: np.ndarray | None = None,
                 main_reason: dict | None = None) -> pd.DataFrame:
    """One row per entity: default probability, when, equity losses, losses by channel, market
    value beside book equity (``book_equity`` [N] at t = 0, NaN when not given); whether the row
    is an aggregate of many firms, the share of its debt on reconstructed links, and its commonest
    default reason in the replayed scenarios (``main_reason``: id -> {reason, count, of})."""
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
        "debt_reconstructed_share": np.zeros(len(labels.ids)) if debt_reconstructed is None else debt_reconstructed,
        "aggregate": np.zeros(len(labels.ids), bool) if aggregate is None else np.asarray(aggregate, bool),
        "main_default_reason": [(main_reason or {}).get(i, {}).get("reason", "") for i in labels.ids],
        "main_default_reason_share": [((main_reason or {}).get(i, {}).get("count", 0)
                                       / max((main_reason or {}).get(i, {}).get("of", 0), 1)) for i in labels.ids],
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
    # ES95 of each lender kind's losses, from the per-scenario rows when every scenario kept its row.
    rows = res.scenarios
    for col in [c for c in rows if c.startswith(("loss_", "mv_loss_")) or c == "market_value_loss"]:
        if len(rows[col]) == loss.size:
            out[f"{col}_es95"] = float(expected_shortfall(np.asarray(rows[col], np.float64), 0.95))
    credit = [f"loss_{k}" for k in LENDER_KINDS if f"loss_{k}" in m]
    if credit:
        out["credit_loss_mean"] = float(sum(m[c] for c in credit))
    if credit and all(len(rows.get(c, ())) == loss.size for c in credit):
        out["credit_loss_es95"] = float(expected_shortfall(np.sum([np.asarray(rows[c], np.float64) for c in credit], 0),
                                                           0.95))
    return out


_CAUSES = {"max_steps": "hit the step cap (max_steps)", "singular": "met a singular linear system (singular)",
           "nonfinite": "produced NaN or infinity (nonfinite)"}


KIND_NAMES = {"ai_lab": "AI lab", "datacenter_spv": "data-centre SPV", "private_credit": "private credit",
              "pension_fund": "pension fund", "asset_manager": "asset manager", "outside": "outside sector"}
NUMBER = re.compile(r"^[-\d,.\s%—]*$")   # a cell right-aligned: digits, separators, % or the dash
HINGE = 0.25   # a listed firm with at least this share of its debt on reconstructed links is flagged


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def bn(x: float) -> str:
    """Every amount of the report: USD bn, one decimal, thousands separated."""
    return "—" if x is None or not np.isfinite(x) else f"{x:,.1f}"


def pct(p: float) -> str:
    return f"{100 * p:.1f} %"


def failing(entities: pd.DataFrame, top: int, threshold: float) -> pd.DataFrame:
    """The firms (not aggregates of many) whose P(default) is at least ``threshold``, most likely first."""
    agg = entities["aggregate"] if "aggregate" in entities else entities["kind"].eq("outside")
    keep = entities[(entities.default_prob >= max(threshold, 1e-12)) & ~agg.astype(bool)]
    return keep.sort_values("default_prob", ascending=False).head(top)


def answer_tables(entities: pd.DataFrame, summ: dict, top: int = 10, threshold: float = 0.01) -> list[dict]:
    """The answer in the question's order, as tables the terminal and the page both render:
    who fails, what each lender kind loses, what holders lose. Each cell is ``(text, key)``,
    ``key`` naming the summary.json entry (or entities column) it shows, for checks."""
    n_scen = summ["scenarios"]
    fails = failing(entities, top, threshold)
    replay = summ.get("replay") or {}
    reason_head = f"main reason ({replay['scenarios']} scenarios replayed)" if replay else "main reason"
    rows = []
    for _, r in fails.iterrows():
        reason = REASON_SHORT.get(r.get("main_default_reason", ""), "—")
        if reason != "—":
            reason += f" ({100 * r['main_default_reason_share']:.0f} %)"
        rows.append([(r["name"], None), (kind_name(r["kind"]), None),
                     (pct(r["default_prob"]), f"entity:{r['id']}:default_prob"),
                     (r["median_default_quarter"] or "—", None), (reason, None),
                     (f"{100 * r.get('debt_reconstructed_share', 0.0):.0f} %", None)])
    listed = len(failing(entities, len(entities), threshold))
    notes = [f"{len(rows)} firm(s) with P(default) ≥ {pct(threshold)} over {n_scen:,} scenarios"
             + (f" (the {top} most likely shown)" if len(fails) == top and listed > top else "")
             + "; aggregates of many firms (other banks, funds, the outside sector) are not listed."]
    if not rows:
        notes = [f"No firm defaults in at least {pct(threshold)} of the {n_scen:,} scenarios."]
    hinge = fails[fails["debt_reconstructed_share"] >= HINGE] if "debt_reconstructed_share" in fails else fails.iloc[:0]
    if len(hinge):
        spread = "default_prob_net_p05" in fails
        parts = [f"{r['name']} ({100 * r['debt_reconstructed_share']:.0f} % of its debt"
                 + (f"; P(default) {pct(r['default_prob_net_p05'])}–{pct(r['default_prob_net_p95'])} across the "
                    f"ensemble's networks" if spread else "") + ")" for _, r in hinge.iterrows()]
        notes.append("⚑ These results hinge on reconstructed links (the data gives only totals there): "
                     + "; ".join(parts) + "." + ("" if spread else
                     " Rerun with network.reconstruction=ensemble to see how much they move."))
    who = {"title": "Who fails", "columns": ["firm", "kind", "P(default)", "median quarter", reason_head,
                                             "debt reconstructed"], "rows": rows, "notes": notes}

    kinds = [k for k in LENDER_KINDS if f"loss_{k}_mean" in summ]
    modelled = any(summ.get(f"{c}_{k}_mean", 0.0) for k in kinds for c in ("capital_shortfall", "failures"))
    dash = ("—", None)
    lend_rows = [[(kind_name(k), None), (bn(summ[f"loss_{k}_mean"]), f"loss_{k}_mean"),
                  (bn(summ.get(f"loss_{k}_es95")), f"loss_{k}_es95" if f"loss_{k}_es95" in summ else None),
                  (bn(summ.get(f"loss_borne_{k}_mean")), f"loss_borne_{k}_mean"),
                  (bn(summ.get(f"capital_shortfall_{k}_mean")), f"capital_shortfall_{k}_mean") if modelled else dash,
                  (f"{summ.get(f'failures_{k}_mean', 0.0):.2f}", f"failures_{k}_mean") if modelled else dash]
                 for k in kinds]
    if "credit_loss_mean" in summ:
        lend_rows.append([("all lenders", None), (bn(summ["credit_loss_mean"]), "credit_loss_mean"),
                          (bn(summ.get("credit_loss_es95")), "credit_loss_es95" if "credit_loss_es95" in summ else None),
                          ("", None), ("", None), ("", None)])
    lend_notes = ["credit loss: claims on defaulted borrowers not repaid at the horizon; after LPs: once private-credit "
                  "funds pass their losses to their investors (insurers, pension funds, ...)."]
    if not modelled:
        lend_notes.append("capital shortfall and failures of lenders: shown as — until the financial-sector model "
                          "lands (today lenders are only tested against a capital floor, and none falls below it in "
                          "any scenario).")
    lend = {"title": "What each lender kind loses (USD bn per scenario, mean and ES95)",
            "columns": ["lender kind", "credit loss", "ES95", "after LPs", "capital shortfall", "failures"],
            "rows": lend_rows, "notes": lend_notes}

    hold_rows = [[(kind_name(k), None), (bn(summ[f"mv_loss_{k}_mean"]), f"mv_loss_{k}_mean"),
                  (bn(summ.get(f"mv_loss_{k}_es95")), f"mv_loss_{k}_es95" if f"mv_loss_{k}_es95" in summ else None)]
                 for k in LENDER_KINDS if f"mv_loss_{k}_mean" in summ]
    if "market_value_loss_mean" in summ:
        hold_rows.append([("all holders", None), (bn(summ["market_value_loss_mean"]), "market_value_loss_mean"),
                          (bn(summ.get("market_value_loss_es95")),
                           "market_value_loss_es95" if "market_value_loss_es95" in summ else None)])
    hold = {"title": "What holders lose in market value (USD bn per scenario, mean and ES95)",
            "columns": ["holder kind", "value loss", "ES95"], "rows": hold_rows,
            "notes": [f"the fall in what their shares are worth today (DCF at t = 0), each firm's fall counted once, on "
                      f"its final holders; gains apart: {bn(summ.get('market_value_gain_mean', 0.0))}."]}
    return [who, lend, hold]


def relation_line(summ: dict) -> str:
    """One sentence relating the headline figures."""
    credit = summ.get("credit_loss_mean", float("nan"))
    return (f"How these relate: lenders' credit losses ({bn(credit)}) are a small part of the system loss "
            f"({bn(summ['system_loss_mean'])}: every firm's fall in net worth against no shock, plus outside creditors' "
            f"losses — mostly profits the firms no longer earn; first round {bn(summ['first_round_loss_mean'])}); "
            f"holders' market-value loss ({bn(summ.get('market_value_loss_mean', float('nan')))}) is the same shock "
            f"priced into what shares are worth today. All USD bn, means per scenario.")


def render_text(table: dict) -> str:
    """A table of :func:`answer_tables` as aligned text: first column left, the rest right."""
    cols = table["columns"]
    cells = [[c for c, _ in row] for row in table["rows"]]
    width = [max([len(cols[j])] + [len(r[j]) for r in cells]) for j in range(len(cols))]
    right = [j > 0 and bool(cells) and all(NUMBER.match(r[j]) for r in cells) for j in range(len(cols))]
    fmt = lambda row: "  " + "  ".join(v.rjust(width[j]) if right[j] else v.ljust(width[j])  # noqa: E731
                                       for j, v in enumerate(row))
    lines = [table["title"] + ":"]
    if cells:
        lines += [fmt(cols).rstrip(), *(fmt(r).rstrip() for r in cells)]
    lines += [f"  {n}" for n in table["notes"]]
    return "\n".join(lines)


def terminal_report(entities: pd.DataFrame, summ: dict, top: int = 10, threshold: float = 0.01) -> str:
    """The answer printed at the end of a run, in the question's order: who fails, what each lender
    kind loses, what holders lose, how the figures relate, then the system loss distribution."""
    head = (f"{summ.get('title', ', '.join(summ.get('shocks', [])) or 'no shock')}: {summ['scenarios']:,} scenarios "
            f"({summ['seconds']:.1f} s); USD bn, against the same run with no shock")
    lines = [head, ""]
    for t in answer_tables(entities, summ, top, threshold):
        lines += [render_text(t), ""]
    lines.append(relation_line(summ))
    lines += ["", f"System loss: mean {bn(summ['system_loss_mean'])}   VaR95 {bn(summ['system_loss_var95'])}"
              f"   ES95 {bn(summ['system_loss_es95'])}   VaR99 {bn(summ['system_loss_var99'])}   ES99 {bn(summ['system_loss_es99'])}",
              f"Amplification (median) {summ['amplification_median']:.2f}; defaults per scenario {summ['defaults_mean']:.2f};"
              f" cascade depth {summ['cascade_depth_mean']:.2f} quarters"
              + (f"; AI capex not spent {bn(summ['capex_shortfall_mean'])}" if "capex_shortfall_mean" in summ else "")]
    bad = {k: v for k, v in summ.get("status_counts", {}).items() if k != "ok" and v}
    if bad:
        causes = ", ".join(f"{v:,} {_CAUSES.get(k, k)}" for k, v in bad.items())
        lines.append(f"WARNING: solvers did not finish cleanly in some scenarios: {causes} "
                     f"(scenarios.parquet, column status; summary.json, status_counts)")
    elif summ["not_converged"]:
        lines.append(f"WARNING: {summ['not_converged']} scenario(s) did not converge (see scenarios.parquet, column converged)")
    return "\n".join(lines)

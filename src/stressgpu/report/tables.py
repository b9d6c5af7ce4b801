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
                 main_reason: dict | None = None, ratio_required: np.ndarray | None = None) -> pd.DataFrame:
    """One row per entity: default probability, when, equity losses, losses by channel, market
    value beside book equity (``book_equity`` [N] at t = 0, NaN when not given); whether the row
    is an aggregate of many firms, the share of its debt on reconstructed links, and its commonest
    default reason in the replayed scenarios (``main_reason``: id -> {reason, count, of}); for the
    financial sector, each firm's capital ratio at the start, the minimum it must keep (``ratio_required``
    [N], NaN: none), its mean lowest ratio, the probability it falls below the minimum, losses on its
    off-network credit book, and a fund's redemptions and loan sales (means)."""
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
    # The financial sector (docs/model.md §5.8): capital ratios, credit books, funds.
    ch, n = res.channel_loss, len(labels.ids)
    start = np.asarray(res.baseline.capital_ratio_path)[0] if hasattr(res.baseline, "capital_ratio_path") else np.full(n, np.nan)
    df["capital_ratio_start"] = start
    df["capital_ratio_required"] = np.full(n, np.nan) if ratio_required is None else np.asarray(ratio_required)
    df["capital_ratio_min_mean"] = np.where(np.isfinite(start), ch.get("capital_ratio_min", np.zeros(n)), np.nan)
    for col, key in (("capital_breach_prob", "capital_breach"), ("book_loss_mean", "book_loss"),
                     ("redeemed_mean", "redeemed"), ("gated_mean", "gated"), ("loans_sold_mean", "loans_sold")):
        df[col] = ch.get(key, np.zeros(n))
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
        for col in (f"loss_{k}", f"loss_borne_{k}", f"capital_shortfall_{k}", f"failures_{k}", f"mv_loss_{k}",
                    f"book_loss_{k}", f"capital_breaches_{k}", f"mv_change_{k}"):
            if col in m:
                out[f"{col}_mean"] = m[col]
        if f"book_loss_{k}" in m:   # every credit loss of the kind: the AI network's borrowers and the rest
            out[f"credit_total_{k}_mean"] = m[f"loss_{k}"] + m[f"book_loss_{k}"]
    for k in ("redeemed", "gated", "loans_sold", "loan_price_min", "mv_loss_operating", "mv_change_operating"):
        if k in m:
            out[f"{k}_mean"] = m[k]
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
    for col in [c for c in rows if c.startswith(("loss_", "mv_loss_", "book_loss_")) or c == "market_value_loss"]:
        if len(rows[col]) == loss.size:
            out[f"{col}_es95"] = float(expected_shortfall(np.asarray(rows[col], np.float64), 0.95))
    for k in LENDER_KINDS:
        a, b = rows.get(f"loss_{k}", ()), rows.get(f"book_loss_{k}", ())
        if len(a) == loss.size and len(b) == loss.size:
            out[f"credit_total_{k}_es95"] = float(expected_shortfall(np.asarray(a, np.float64) + b, 0.95))
    credit = [f"loss_{k}" for k in LENDER_KINDS if f"loss_{k}" in m] + [f"book_loss_{k}" for k in LENDER_KINDS
                                                                        if f"book_loss_{k}" in m]
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
    books = all(f"book_loss_{k}_mean" in summ for k in kinds)
    dash = ("—", None)

    def cell(key, fmt=bn):
        return (fmt(summ[key]), key) if key in summ else dash

    lend_rows = []
    for k in kinds:
        total = f"credit_total_{k}" if books else f"loss_{k}"
        lend_rows.append([(kind_name(k), None), cell(f"loss_{k}_mean"), *( [cell(f"book_loss_{k}_mean")] if books else []),
                          cell(f"{total}_mean"), cell(f"{total}_es95"), cell(f"loss_borne_{k}_mean"),
                          cell(f"capital_shortfall_{k}_mean"),
                          cell(f"capital_breaches_{k}_mean", lambda x: f"{x:.2f}"),
                          cell(f"failures_{k}_mean", lambda x: f"{x:.2f}")])
    if "credit_loss_mean" in summ:
        lend_rows.append([("all lenders", None), *([("", None)] if books else []), ("", None),
                          cell("credit_loss_mean"), cell("credit_loss_es95"), *[("", None)] * 4])
    lend_notes = ["AI network: claims on the network's defaulted borrowers not repaid at the horizon"
                  + ("; other borrowers: defaults on the loans and bonds of borrowers outside the network (the credit "
                     "cycle the scenario sets off: GDP and credit spreads), loans sold below par and held below par at "
                     "the horizon" if books else "")
                  + "; after LPs: once private-credit funds pass their losses to their investors (insurers, pension "
                  "funds, ...); capital shortfall: what banks and insurers lack to meet their requirement at the "
                  "horizon; breaches: firms whose capital ratio fell below its minimum at some quarter; failures: "
                  "firms that failed (all means per scenario)."]
    lend = {"title": "What each lender kind loses (USD bn per scenario, mean and ES95)",
            "columns": ["lender kind", "AI network", *(["other borrowers"] if books else []), "credit loss", "ES95",
                        "after LPs", "capital shortfall", "breaches", "failures"],
            "rows": lend_rows, "notes": lend_notes}

    signed = lambda key: (f"{summ[key]:+,.1f}", key) if key in summ else dash  # noqa: E731
    hold_rows = [[(kind_name(k), None), (bn(summ[f"mv_loss_{k}_mean"]), f"mv_loss_{k}_mean"),
                  (bn(summ.get(f"mv_loss_{k}_es95")), f"mv_loss_{k}_es95" if f"mv_loss_{k}_es95" in summ else None),
                  signed(f"mv_change_{k}_mean")]
                 for k in LENDER_KINDS if f"mv_loss_{k}_mean" in summ]
    if "mv_loss_operating_mean" in summ:
        hold_rows.append([("operating firms' stakes", None), cell("mv_loss_operating_mean"), cell("mv_loss_operating_es95"),
                          signed("mv_change_operating_mean")])
    if "market_value_loss_mean" in summ:
        hold_rows.append([("all holders", None), (bn(summ["market_value_loss_mean"]), "market_value_loss_mean"),
                          (bn(summ.get("market_value_loss_es95")),
                           "market_value_loss_es95" if "market_value_loss_es95" in summ else None), ("", None)])
    hold = {"title": "What holders lose in market value (USD bn per scenario, mean and ES95)",
            "columns": ["holder kind", "value loss", "ES95", "net change"], "rows": hold_rows,
            "notes": [f"the fall in what their shares are worth today (DCF at t = 0), each firm's fall counted once, on "
                      f"its final holders (operating firms' stakes too: Microsoft's in OpenAI, Nvidia's in its "
                      f"customers); net change: gains less losses, signed; gains of all holders: "
                      f"{bn(summ.get('market_value_gain_mean', 0.0))}."]}
    return [who, lend, *capital_table(entities, summ), hold]


def capital_table(entities: pd.DataFrame, summ: dict) -> list[dict]:
    """The capital of banks, insurers, private-credit funds and pension funds (docs/model.md §5.8):
    each firm with a capital ratio, its ratio at the start and the minimum it must keep, its mean lowest
    ratio, how often it fell below the minimum and failed; funds' redemptions and loan sales. Empty when
    the run has no capital data."""
    if "capital_ratio_start" not in entities:
        return []
    fin = entities[np.isfinite(entities["capital_ratio_start"].astype(float))
                   & entities["kind"].isin(("bank", "insurer", "private_credit", "pension_fund"))]
    if fin.empty:
        return []
    what = {"bank": "CET1 / RWA", "insurer": "TAC / RBC", "private_credit": "assets / debt", "pension_fund": "funded"}
    ratio = lambda x: "—" if not np.isfinite(x) else f"{x:.3f}"  # noqa: E731
    rows = []
    for _, r in fin.sort_values(["kind", "capital_breach_prob"], ascending=[True, False]).iterrows():
        rows.append([(r["name"], None), (what[r["kind"]], None),
                     (ratio(r["capital_ratio_start"]), f"entity:{r['id']}:capital_ratio_start"),
                     (ratio(r["capital_ratio_required"]), f"entity:{r['id']}:capital_ratio_required"),
                     (ratio(r["capital_ratio_min_mean"]), f"entity:{r['id']}:capital_ratio_min_mean"),
                     (pct(r["capital_breach_prob"]), f"entity:{r['id']}:capital_breach_prob"),
                     (pct(r["default_prob"]), f"entity:{r['id']}:default_prob"),
                     (bn(r["book_loss_mean"]), f"entity:{r['id']}:book_loss_mean"),
                     (bn(r["redeemed_mean"]) if r["kind"] == "private_credit" else "", None),
                     (bn(r["gated_mean"]) if r["kind"] == "private_credit" else "", None),
                     (bn(r["loans_sold_mean"]) if r["kind"] == "private_credit" else "", None)])
    notes = ["ratio: banks CET1 over risk-weighted assets, insurers total adjusted capital over company-action-level "
             "RBC, funds a BDC's assets over debt (below its minimum a fund sells loans to repay its lines), pension "
             "funds assets over liabilities (they never fail); lowest: the mean over scenarios of each path's lowest "
             "ratio; other-borrower loss, redeemed, gated and loans sold: USD bn per scenario."]
    if "loan_price_min_mean" in summ:
        notes.append(f"private-credit loans' secondary price: lowest {summ['loan_price_min_mean']:.3f} of par on "
                     f"average; loans sold {bn(summ.get('loans_sold_mean', 0.0))}, redemptions paid "
                     f"{bn(summ.get('redeemed_mean', 0.0))} and gated {bn(summ.get('gated_mean', 0.0))} bn per scenario.")
    return [{"title": "Capital of banks, insurers and funds",
             "columns": ["institution", "ratio", "start", "minimum", "lowest", "P(below min)", "P(fails)",
                         "other-borrower loss", "redeemed", "gated", "loans sold"],
             "rows": rows, "notes": notes}]


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

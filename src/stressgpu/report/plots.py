"""Plots saved with each run: default timeline, loss distribution, network picture."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..network import Network, NetworkLabels  # noqa: E402


def default_timeline(res, labels: NetworkLabels, path: Path, title: str = "", top: int = 8) -> None:
    """Cumulative default probability by quarter of the firms most likely to fail."""
    T = len(labels.quarters)
    cum = res.default_quarter_prob.cumsum(0)  # [T, N]
    order = np.argsort(-cum[-1])[:top]
    quarters = pd.PeriodIndex(labels.quarters, freq="Q").astype(str)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for i in order:
        if cum[-1, i] > 0:
            ax.step(range(T), cum[:, i], where="post", label=f"{labels.names[i]} ({cum[-1, i]:.0%})")
    ax.set_xticks(range(0, T, 2), quarters[::2], rotation=45)
    ax.set_ylabel("cumulative default probability")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"When firms default: {title}" if title else "When firms default", fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        ax.text(0.5, 0.5, "no firm defaults in any scenario", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def loss_distribution(system_loss: np.ndarray, summ: dict, path: Path, title: str = "") -> None:
    """Histogram of system loss with VaR and expected shortfall at 95 % and 99 % marked."""
    fig, ax = plt.subplots(figsize=(10, 4.2))
    ax.hist(system_loss, bins=60, color="#4477aa")
    marks = (("var95", "VaR 95 %", "--", "#333333"), ("es95", "ES 95 %", "-", "#333333"),
             ("var99", "VaR 99 %", "--", "#cc3311"), ("es99", "ES 99 %", "-", "#cc3311"))
    for k, name, style, colour in marks:
        ax.axvline(summ[f"system_loss_{k}"], color=colour, ls=style, label=f"{name}: {summ[f'system_loss_{k}']:,.1f}")
    ax.set_xlabel("system loss against no shock (USD bn)")
    ax.set_ylabel("scenarios")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(f"System loss distribution: {title}" if title else "System loss distribution", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# Tiers of the value chain, top to bottom (kinds of data.schema.KINDS; unlisted kinds go last).
TIERS = (("chipmaker",), ("hyperscaler", "neocloud", "datacenter_spv", "utility"), ("ai_lab",),
         ("bank", "private_credit"), ("insurer", "pension_fund", "asset_manager", "investor", "outside"))
TIER_NAMES = ("chipmakers", "clouds, neoclouds, data centres, power", "AI labs", "lenders", "holders")


def network_picture(net: Network, labels: NetworkLabels, default_prob: np.ndarray, path: Path, title: str = "",
                    defaults: list | None = None, min_share: float = 0.01) -> None:
    """The network along the value chain: chipmakers on top, then clouds and neoclouds, labs,
    and lenders and holders beneath; names, not ids. Edges by type (debt grey, stakes blue,
    commitments orange), width by amount; links under ``min_share`` of the largest of their type
    are left out to keep the picture readable. Node fill: default probability; firms that default
    at the configured sizes (``defaults``, the story's list) ringed in a colour by quarter."""
    n = len(labels.ids)
    tier = np.array([next((t for t, ks in enumerate(TIERS) if k in ks), len(TIERS) - 1) for k in labels.kinds])
    xy = np.zeros((n, 2))
    for t in range(len(TIERS)):
        members = [i for i in np.argsort(np.array(labels.kinds), kind="stable") if tier[i] == t]
        for r, i in enumerate(members):
            xy[i] = ((r + 0.5) / max(len(members), 1), -t + 0.2 * (r % 3) * (len(members) > 8))
    fig, ax = plt.subplots(figsize=(16, 10))
    layers = ((np.asarray(net.liabilities), "#999999", "debt"),
              (np.asarray(net.cross_holdings) * np.asarray(net.economy.market_value)[None, :]
               if net.economy is not None else np.asarray(net.cross_holdings), "#3366cc", "stakes (value held)"),
              (np.asarray(net.commitments).sum(2), "#ee7733", "commitments (payments due)"))
    for (w, colour, name), alpha in zip(layers, (0.5, 0.3, 0.55)):
        top = max(float(w.max()), 1e-9)
        for i, j in zip(*np.nonzero(w > min_share * top)):
            ax.annotate("", xy[j], xy[i], arrowprops=dict(arrowstyle="->", color=colour, alpha=alpha,
                                                          lw=0.3 + 5 * np.sqrt(w[i, j] / top),
                                                          connectionstyle="arc3,rad=0.08"))
        ax.plot([], [], color=colour, lw=3, label=name)
    quarter_of = {d["id"]: d["quarter"] for d in (defaults or [])}
    qs = sorted(set(quarter_of.values()))
    cmap = plt.get_cmap("viridis", max(len(qs), 1))
    ring = [cmap(qs.index(quarter_of[i])) if i in quarter_of else "none" for i in labels.ids]
    sc = ax.scatter(xy[:, 0], xy[:, 1], s=260, c=default_prob, cmap="Reds", vmin=0, vmax=1, zorder=3,
                    edgecolors=ring, linewidths=3)
    for q in qs:
        ax.scatter([], [], s=120, facecolors="white", edgecolors=[cmap(qs.index(q))], linewidths=3,
                   label=f"defaults {q} (configured sizes)")
    for i in range(n):
        ax.text(xy[i, 0], xy[i, 1] - 0.07, labels.names[i][:26], ha="center", va="top", fontsize=6.5, zorder=4,
                bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=0.3))
    for t, name in enumerate(TIER_NAMES):
        ax.text(-0.02, -t, name, ha="right", va="center", fontsize=9, fontweight="bold")
    fig.colorbar(sc, ax=ax, shrink=0.5, pad=0.01, label="default probability (Monte Carlo)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.08, 1.0), frameon=False)
    ax.set_xlim(-0.25, 1.02)
    ax.set_ylim(-len(TIERS) + 0.7, 0.6)
    ax.set_title(("Network along the value chain: " + title) if title else "Network along the value chain", fontsize=11)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def calibration_fit(table: pd.DataFrame, path: Path, fit=None, validation=()) -> None:
    """Left: observed vs model returns on the fitted day (beta × market + valuation-implied),
    at the fitted and at the configured sizes, with the least-squares line through the fit.
    Right: the days not fitted, each predicted by the fitted pattern at its own intensity."""
    panels = 2 if validation else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 6), squeeze=False)
    ax = axes[0, 0]
    # The axes fit the observed and fitted returns; configured sizes far outside are counted.
    cols = ["observed", "fitted"]
    lo = float(np.nanmin(table[cols].to_numpy())) - 0.03
    hi = float(np.nanmax(table[cols].to_numpy())) + 0.03
    ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8, label="model = observed")
    inside = table.at_centre.between(lo, hi)
    off = int((~inside & table.at_centre.notna()).sum())
    ax.scatter(table.observed[inside], table.at_centre[inside], marker="x", color="#bbbbbb",
               label="configured sizes" + (f" ({off} off scale)" if off else ""))
    ax.scatter(table.observed, table.fitted, color="#cc3311", label="fitted sizes")
    slope, icept = np.polyfit(table.observed, table.fitted, 1)
    ax.plot([lo, hi], [icept + slope * lo, icept + slope * hi], color="#cc3311", lw=0.8, ls="--",
            label=f"fitted line: model = {icept:+.3f} + {slope:.2f} × observed")
    for _, r in table.iterrows():
        ax.annotate(r.entity_id, (r.observed, r.fitted), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("observed return")
    ax.set_ylabel("model return (beta × market + valuation-implied)")
    title = "Calibration day"
    if fit is not None:
        title += f": R² {fit.r2:.2f}, signs {fit.signs}/{fit.firms}, rank corr {fit.rank_corr:.2f}"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    if validation:
        ax = axes[0, 1]
        allv = pd.concat([t for _, t in validation])
        lo = float(np.nanmin(allv[["observed", "predicted"]].to_numpy())) - 0.03
        hi = float(np.nanmax(allv[["observed", "predicted"]].to_numpy())) + 0.03
        ax.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
        for name, t in validation:
            ax.scatter(t.observed, t.predicted, label=name, s=18)
        ax.set_xlabel("observed return")
        ax.set_ylabel("predicted return")
        ax.set_title("Validation days (not fitted)", fontsize=10)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def sensitivity_heatmaps(res, labels: NetworkLabels, path: Path, title: str = "") -> None:
    """Impact of a 10 % change on system loss: debt links (borrower x lender) and balance-sheet
    items (entity x item), USD bn, signed; only the entities with an entry above the noise
    threshold (the tables given are already cut), named."""
    name = dict(zip(labels.ids, labels.names))
    borrowers = list(dict.fromkeys(res.links.borrower)) if len(res.links) else []
    lenders = list(dict.fromkeys(res.links.lender)) if len(res.links) else []
    links = np.zeros((len(borrowers), len(lenders)))
    for _, r in res.links.iterrows():
        links[borrowers.index(r.borrower), lenders.index(r.lender)] += r.impact_10pct
    items = (res.items.pivot_table(index="entity", columns="item", values="impact_10pct", aggfunc="sum")
             if len(res.items) else pd.DataFrame())
    fig, axes = plt.subplots(1, 2, figsize=(18, 9), gridspec_kw={"width_ratios": [1.4, 1]})
    panels = ((axes[0], links, borrowers, lenders, "debt links (row owes column)"),
              (axes[1], items.to_numpy(), list(items.index), list(items.columns), "balance-sheet items"))
    for ax, mat, rows, cols, what in panels:
        if mat.size == 0:
            ax.text(0.5, 0.5, "no impact above the noise threshold", ha="center", transform=ax.transAxes)
            ax.axis("off")
            continue
        lim = max(np.nanmax(np.abs(mat)), 1e-12)
        im = ax.imshow(np.where(np.isnan(mat), 0.0, mat), cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
        ax.set_yticks(range(len(rows)), [name.get(r, r)[:34] for r in rows], fontsize=7)
        ax.set_xticks(range(len(cols)), [name.get(c, c)[:34] for c in cols], rotation=90, fontsize=7)
        ax.set_title(f"impact of +10 % on system loss: {what}", fontsize=10)
        fig.colorbar(im, ax=ax, shrink=0.7, label="USD bn")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


WATERFALL_STEPS = (
    ("first round", "the shock alone: margin on revenue below plan and extra interest, before any propagation"),
    ("contracts lost", "suppliers' losses on commitments their buyers no longer pay"),
    ("credit losses", "creditors' claims on defaulted borrowers not repaid at the horizon"),
    ("fire sales", "losses on assets sold or marked down as distressed holders sell"),
    ("rest of the propagation", "everything else the quarterly model propagates: revenue paths, stakes in other firms, and the "
             "overlap of the channels above (a residual: system loss less the bars before it)"))


def loss_waterfall(channel_loss: dict, summ: dict, path: Path, title: str = "") -> None:
    """Where a scenario's losses come from (means over scenarios, USD bn, against the baseline):
    the first-round loss, then what the contracts lost, the credit losses of the clearing and the
    fire sales added, and the rest of the propagation (a residual), ending at the system loss;
    beside it, who bears the credit and market-value losses, by lender kind. Every bar carries
    its value, so a zero shows as 0.0."""
    first = float(summ.get("first_round_loss_mean", 0.0))
    values = [first, float(np.sum(channel_loss.get("commitment", 0.0))), float(np.sum(channel_loss.get("credit", 0.0))),
              float(np.sum(channel_loss.get("firesale", 0.0)))]
    total = float(summ.get("system_loss_mean", 0.0))
    values.append(total - sum(values))
    steps = [(name, v) for (name, _), v in zip(WATERFALL_STEPS, values)]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [3, 2]})
    start = 0.0
    for i, (_, v) in enumerate(steps):
        ax.bar(i, abs(v), bottom=start if v >= 0 else start + v, color="#cc3311" if v >= 0 else "#009988")
        ax.text(i, max(start, start + v), f"{v:,.1f}", ha="center", va="bottom", fontsize=8)
        start += v
    ax.bar(len(steps), total, color="#444444")
    ax.text(len(steps), total, f"{total:,.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(steps) + 1), ["\n".join(n.rsplit(" ", 1)) for n, _ in steps]
                  + ["system\nloss"], fontsize=8)
    ax.set_ylabel("mean over scenarios, USD bn")
    amp = f" (amplification {total / first:.2f})" if first > 0 else ""
    ax.set_title(f"Where the losses come from{amp}", fontsize=10)
    kinds = [k for k in ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor", "outside")
             if f"loss_borne_{k}_mean" in summ]
    x = np.arange(len(kinds))
    credit = [summ[f"loss_borne_{k}_mean"] for k in kinds]
    mv = [summ.get(f"mv_loss_{k}_mean", 0.0) for k in kinds]
    ax2.barh(x - 0.2, credit, 0.4, label="credit loss borne", color="#0077bb")
    ax2.barh(x + 0.2, mv, 0.4, label="market-value loss", color="#ee7733")
    top = max(max(credit + mv, default=0.0), 1e-9)
    for k in range(len(kinds)):
        ax2.text(credit[k] + 0.01 * top, x[k] - 0.2, f"{credit[k]:,.1f}", va="center", fontsize=7)
        ax2.text(mv[k] + 0.01 * top, x[k] + 0.2, f"{mv[k]:,.1f}", va="center", fontsize=7)
    ax2.set_yticks(x, [k.replace("_", " ") for k in kinds], fontsize=8)
    ax2.invert_yaxis()
    ax2.set_xlim(0, top * 1.25)
    ax2.set_xlabel("mean over scenarios, USD bn")
    ax2.set_title("Who bears it, by kind", fontsize=10)
    ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def waterfall_caption() -> str:
    return "Bars, left to right: " + "; ".join(f"{n}: {d}" for n, d in WATERFALL_STEPS) + "."


def market_value_paths(quarters, names, base: np.ndarray, shocked: np.ndarray, path: Path, title: str = "") -> None:
    """Market value of each named firm at each quarter end, no shock (dashed) and at the
    configured shock sizes (solid), USD bn; the legend beside the axes, names in full."""
    fig, ax = plt.subplots(figsize=(12, 5))
    for k, name in enumerate(names):
        line, = ax.plot(range(len(quarters)), shocked[:, k], label=name)
        ax.plot(range(len(quarters)), base[:, k], ls="--", color=line.get_color(), lw=0.8)
    step = max(len(quarters) // 10, 1)
    names_q = list(pd.PeriodIndex(quarters, freq="Q").astype(str))
    ax.set_xticks(range(0, len(quarters), step), names_q[::step], rotation=45, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("market value of equity, USD bn")
    ax.set_title(f"Market value paths at the configured sizes of {title} (solid) vs no shock (dashed)"
                 if title else "Market value paths: configured shock (solid) vs no shock (dashed)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def capital_paths(quarters, entities: pd.DataFrame, paths: dict, path: Path, title: str = "") -> None:
    """Each financial firm's mean capital ratio each quarter over its minimum (1 = the floor binds):
    banks CET1/RWA, insurers TAC/RBC, funds assets/debt (docs/model.md §5.8). ``paths``: id -> [T]
    mean ratio (``summary.json``'s ``capital_paths``); ``entities`` the entities table."""
    fig, ax = plt.subplots(figsize=(12, 5))
    names_q = list(pd.PeriodIndex(quarters, freq="Q").astype(str))
    T = len(names_q)
    rows = entities.set_index("id")
    styles = {"bank": "-", "insurer": "--", "private_credit": ":"}
    for e, ratio in paths.items():
        r = rows.loc[e]
        need = float(r["capital_ratio_required"])
        if r["kind"] not in styles or not np.isfinite(need) or need <= 0:
            continue
        ax.plot(range(T), np.asarray(ratio) / need, ls=styles[r["kind"]],
                label=f"{r['name']} (P below min {100 * r['capital_breach_prob']:.1f} %)")
    ax.axhline(1.0, color="#cc3311", lw=1.2, label="minimum (the floor binds)")
    ax.set_xticks(range(0, T, 2), names_q[::2], rotation=45, fontsize=8)
    ax.set_ylabel("capital ratio / its minimum (mean over scenarios)")
    ax.set_title(f"Capital of banks (solid), insurers (dashed) and funds (dotted): {title}" if title
                 else "Capital of banks (solid), insurers (dashed) and funds (dotted)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)

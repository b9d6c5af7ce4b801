"""Plots saved with each run: default timeline, loss distribution, network picture."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..network import Network, NetworkLabels  # noqa: E402


def default_timeline(res, labels: NetworkLabels, path: Path, top: int = 8) -> None:
    """Cumulative default probability by quarter of the firms most likely to fail."""
    T = len(labels.quarters)
    cum = res.default_quarter_prob.cumsum(0)  # [T, N]
    order = np.argsort(-cum[-1])[:top]
    quarters = pd.PeriodIndex(labels.quarters, freq="Q").astype(str)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i in order:
        if cum[-1, i] > 0:
            ax.step(range(T), cum[:, i], where="post", label=labels.names[i])
    ax.set_xticks(range(0, T, 2), quarters[::2], rotation=45)
    ax.set_ylabel("cumulative default probability")
    ax.set_ylim(0, 1.02)
    ax.set_title("Default timeline")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def loss_distribution(system_loss: np.ndarray, summ: dict, path: Path) -> None:
    """Histogram of system loss with VaR and expected shortfall marked."""
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.hist(system_loss, bins=60, color="#4477aa")
    for k, style in (("var95", "--"), ("es95", "-"), ("var99", ":")):
        ax.axvline(summ[f"system_loss_{k}"], color="k", ls=style, label=f"{k.upper()} {summ[f'system_loss_{k}']:,.0f}")
    ax.set_xlabel("system loss vs baseline (USD bn)")
    ax.set_ylabel("scenarios")
    ax.legend()
    ax.set_title("System loss distribution")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def network_picture(net: Network, labels: NetworkLabels, default_prob: np.ndarray, path: Path) -> None:
    """Entities on a circle grouped by kind; debt (grey), stakes (blue) and commitments
    (orange) as edges of width ~ amount; node colour = default probability, ringed if > 50 %."""
    n = len(labels.ids)
    order = np.argsort(np.array(labels.kinds), kind="stable")
    angle = np.empty(n)
    angle[order] = np.linspace(0, 2 * np.pi, n, endpoint=False)
    xy = np.stack([np.cos(angle), np.sin(angle)], 1)
    fig, ax = plt.subplots(figsize=(9, 9))
    layers = ((np.asarray(net.liabilities), "#999999"), (np.asarray(net.cross_holdings) * 100, "#3366cc"),
              (np.asarray(net.commitments).sum(2), "#ee7733"))
    for w, colour in layers:
        top = max(w.max(), 1e-9)
        for i, j in zip(*np.nonzero(w)):
            ax.annotate("", xy[j], xy[i], arrowprops=dict(arrowstyle="->", color=colour, alpha=0.6,
                                                          lw=0.4 + 4 * np.sqrt(w[i, j] / top)))
    sc = ax.scatter(xy[:, 0], xy[:, 1], s=300, c=default_prob, cmap="Reds", vmin=0, vmax=1, zorder=3,
                    edgecolors=np.where(default_prob > 0.5, "black", "none"), linewidths=2)
    for i in range(n):
        ax.text(*(xy[i] * 1.13), labels.ids[i], ha="center", va="center", fontsize=8)
    fig.colorbar(sc, ax=ax, shrink=0.6, label="default probability")
    ax.set_title("Network: debt (grey), stakes (blue), commitments (orange); width ~ sqrt(amount)", pad=28)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
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


def sensitivity_heatmaps(res, labels: NetworkLabels, path: Path) -> None:
    """Impact of a 10 % change on system loss: debt links (borrower x lender) and
    balance-sheet items (entity x item), USD bn, signed."""
    ids = list(labels.ids)
    links = np.zeros((len(ids), len(ids)))
    for _, r in res.links.iterrows():
        links[ids.index(r.borrower), ids.index(r.lender)] += r.impact_10pct
    items = res.items.pivot_table(index="entity", columns="item", values="impact_10pct").reindex(ids)
    fig, axes = plt.subplots(1, 2, figsize=(17, 8), gridspec_kw={"width_ratios": [1.6, 1]})
    for ax, mat, xl, title in ((axes[0], links, ids, "debt links (row owes column)"),
                               (axes[1], items.to_numpy(), list(items.columns), "balance-sheet items")):
        lim = max(np.nanmax(np.abs(mat)), 1e-9)
        im = ax.imshow(mat, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
        ax.set_yticks(range(len(ids)), ids, fontsize=6)
        ax.set_xticks(range(len(xl)), xl, rotation=90, fontsize=6)
        ax.set_title(f"impact of +10 % on system loss: {title}")
        fig.colorbar(im, ax=ax, shrink=0.7, label="USD bn")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def loss_waterfall(channel_loss: dict, summ: dict, path: Path) -> None:
    """Where a scenario's losses come from (means over scenarios, USD bn, against the baseline):
    the first-round loss, then what the contracts lost, the credit losses of the clearing and the
    fire sales added, and the rest of the propagation (revenue paths, stakes, and the overlap of
    the channels: a residual), ending at the system loss; beside it, who bears the credit and
    market-value losses, by lender kind."""
    first = float(summ.get("first_round_loss_mean", 0.0))
    steps = [("first round\n(shock alone)", first),
             ("contracts\nlost", float(np.sum(channel_loss.get("commitment", 0.0)))),
             ("credit losses\n(clearing)", float(np.sum(channel_loss.get("credit", 0.0)))),
             ("fire sales", float(np.sum(channel_loss.get("firesale", 0.0))))]
    total = float(summ.get("system_loss_mean", 0.0))
    steps.append(("rest of the\npropagation", total - sum(v for _, v in steps)))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    start = 0.0
    for i, (_, v) in enumerate(steps):
        ax.bar(i, abs(v), bottom=start if v >= 0 else start + v, color="#cc3311" if v >= 0 else "#009988")
        start += v
    ax.bar(len(steps), total, color="#444444")
    ax.set_xticks(range(len(steps) + 1), [n for n, _ in steps] + ["system loss"], fontsize=8)
    ax.set_ylabel("mean over scenarios, USD bn")
    ax.set_title(f"Where the losses come from (amplification {total / first:.2f})" if first > 0 else
                 "Where the losses come from", fontsize=10)
    kinds = [k for k in ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor", "outside")
             if f"loss_borne_{k}_mean" in summ]
    x = np.arange(len(kinds))
    ax2.bar(x - 0.2, [summ[f"loss_borne_{k}_mean"] for k in kinds], 0.4, label="credit loss borne", color="#0077bb")
    ax2.bar(x + 0.2, [summ.get(f"mv_loss_{k}_mean", 0.0) for k in kinds], 0.4, label="market-value loss", color="#ee7733")
    ax2.set_xticks(x, [k.replace("_", "\n") for k in kinds], fontsize=8)
    ax2.set_yscale("symlog", linthresh=1.0)
    ax2.set_title("Who bears it, by lender kind (mean, USD bn)", fontsize=10)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def market_value_paths(quarters, names, base: np.ndarray, shocked: np.ndarray, path: Path) -> None:
    """Market value of each named firm at each quarter end, no shock (dashed) and at the
    configured shock sizes (solid), USD bn."""
    fig, ax = plt.subplots(figsize=(9, 5))
    for k, name in enumerate(names):
        line, = ax.plot(range(len(quarters)), shocked[:, k], label=name)
        ax.plot(range(len(quarters)), base[:, k], ls="--", color=line.get_color(), lw=0.8)
    step = max(len(quarters) // 10, 1)
    names_q = list(pd.PeriodIndex(quarters, freq="Q").astype(str))
    ax.set_xticks(range(0, len(quarters), step), names_q[::step], rotation=45, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("market value of equity, USD bn")
    ax.set_title("Market value paths: configured shock (solid) vs no shock (dashed)", fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)

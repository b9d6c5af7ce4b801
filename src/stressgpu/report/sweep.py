"""Gather a Hydra multirun into one table, and draw response surfaces over two swept sizes."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402


def _overrides(job: Path) -> dict:
    path = job / ".hydra" / "overrides.yaml"
    items = yaml.safe_load(path.read_text()) if path.exists() else []
    out = {}
    for item in items or []:
        key, _, value = item.lstrip("+~").partition("=")
        try:
            out[key] = yaml.safe_load(value)
        except yaml.YAMLError:
            out[key] = value
    return out


def gather(sweep_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per job (its overrides, status, summary) and one row per job and entity."""
    sweep_dir = Path(sweep_dir)
    jobs = sorted((p for p in sweep_dir.iterdir() if p.is_dir() and (p / ".hydra").exists()),
                  key=lambda p: int(p.name) if p.name.isdigit() else p.name)
    if not jobs:
        raise FileNotFoundError(f"{sweep_dir}: no job directories (with .hydra/) found")
    rows, ents = [], []
    for job in jobs:
        status_file = job / "status.json"
        status = json.loads(status_file.read_text()) if status_file.exists() else {"status": "missing"}
        row = {"job": job.name, **_overrides(job), "status": status["status"], "error": status.get("error", "")}
        if (job / "summary.json").exists() and status["status"] == "ok":
            row.update(json.loads((job / "summary.json").read_text()))
            e = pd.read_parquet(job / "entities.parquet")
            e.insert(0, "job", job.name)
            ents.append(e)
        rows.append(row)
    jobs_df = pd.DataFrame(rows)
    ent_df = pd.concat(ents, ignore_index=True) if ents else pd.DataFrame()
    if not ent_df.empty:
        swept = [c for c in jobs_df.columns if c.startswith("shock.") or c.startswith("model.") or c.startswith("mc.")]
        ent_df = ent_df.merge(jobs_df[["job", *swept]], on="job")
    return jobs_df, ent_df


def swept_keys(jobs: pd.DataFrame) -> list[str]:
    """Override keys that take more than one value across the jobs."""
    skip = {"job", "status", "error"}
    return [c for c in jobs.columns if "." in c and c not in skip and jobs[c].nunique(dropna=True) > 1
            and not c.startswith(("system_", "loss_", "first_", "scenarios", "data_", "not_"))]


def _label(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float, np.number)) else str(v)


def moving_firms(ents: pd.DataFrame, metric: str, top: int, x: str | None = None, y: str | None = None) -> list[str]:
    """The ``top`` firms whose ``metric`` moves most across the jobs (largest range first); a firm
    whose value is the same in every job (one that never defaults, say) is left out."""
    g = ents.groupby("name")[metric]
    spread = (g.max() - g.min()).sort_values(ascending=False)
    tol = 1e-3 if metric == "default_prob" else 1e-9 * max(float(ents[metric].abs().max()), 1.0)
    return list(spread[spread > tol].head(top).index)


def heatmaps(ents: pd.DataFrame, x: str, y: str, path: Path, metric: str = "default_prob", top: int = 6,
             title: str = "") -> list[str]:
    """Grid of heatmaps of ``metric`` over (x, y) for the ``top`` firms whose value moves most
    across the sweep (firms that do not move are left out); returns the firms drawn."""
    firms = moving_firms(ents, metric, top)
    if not firms:
        fig, ax = plt.subplots(figsize=(6, 2))
        ax.text(0.5, 0.5, f"no firm's {metric} moves across the sweep", ha="center", va="center")
        ax.axis("off")
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return []
    cols = min(3, len(firms))
    rows = -(-len(firms) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.8 * rows), squeeze=False)
    vmax = 1 if metric == "default_prob" else float(ents[ents.name.isin(firms)][metric].max())
    for ax, firm in zip(axes.flat, firms):
        grid = ents[ents.name == firm].pivot_table(index=y, columns=x, values=metric)
        im = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="Reds", vmin=0, vmax=vmax)
        ax.set_xticks(range(grid.shape[1]), [_label(v) for v in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [_label(v) for v in grid.index])
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(firm, fontsize=9)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            dark = np.isfinite(v) and vmax and v / vmax > 0.55   # white on dark cells, black on light
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if dark else "black")
        fig.colorbar(im, ax=ax, shrink=0.8)
    for ax in list(axes.flat)[len(firms):]:
        ax.axis("off")
    fig.suptitle(f"{metric} over {x} × {y}" + (f": {title}" if title else "")
                 + " (only firms whose value moves across the sweep)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return firms


def sweep_page(sweep_dir: Path, jobs: pd.DataFrame, images: list[Path], keys: list[str]) -> str:
    """The sweep's report.html: one row per job (its swept keys, status and headline figures),
    the heatmaps inline, and a link to each job's own page."""
    from .html import frame_html, image_html, page

    cols = [c for c in ["job", *keys, "status", "system_loss_mean", "system_loss_es95", "credit_loss_mean",
                        "market_value_loss_mean", "defaults_mean", "error"] if c in jobs]
    table = jobs[cols].copy()
    links = "".join(f'<li><a href="{j}/report.html">job {j}</a></li>' for j in jobs.job
                    if (sweep_dir / str(j) / "report.html").is_file())
    sections = [("Jobs", frame_html(table, max_rows=10_000))]
    if images:
        sections.append(("Heatmaps", "".join(image_html(p) for p in images)))
    if links:
        sections.append(("Each job's page", f"<ul>{links}</ul>"))
    failed = int((jobs.status != "ok").sum())
    return page(f"stressgpu sweep: {sweep_dir.name}", f"{len(jobs)} jobs, {failed} failed — {sweep_dir}", sections)

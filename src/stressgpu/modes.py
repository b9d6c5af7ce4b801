"""What each ``mode=`` does: orchestration from a validated config to files in the run directory.

Every mode receives a :class:`Context` (typed config, shocks, network, output directory) and
returns a summary dict; the numerics live in the modules it calls.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np
import pandas as pd

from .config import RunConfig
from .data import Tables
from .dynamics import ModelParams
from .network import Network, NetworkLabels
from .shocks import SHOCKS


@dataclass
class Context:
    run: RunConfig
    shocks: dict
    tables: Tables
    net: Network
    labels: NetworkLabels
    out: Path
    run_id: str
    block: object = None   # ensemble.Block of reconstructed links when network.reconstruction != data


def model_params(run: RunConfig, **extra) -> ModelParams:
    m, ch = run.model, run.channels
    return ModelParams(commitments=ch.commitments, cross_holdings=ch.cross_holdings, fire_sales=ch.fire_sales,
                       refinancing=ch.refinancing, alpha=m.alpha, beta=m.beta, opex_fixed_share=m.opex_fixed_share,
                       hardware_life_years=m.hardware_life_years, real_estate_life_years=m.real_estate_life_years,
                       capex_hardware_share=m.capex_hardware_share, min_capital_ratio=m.min_capital_ratio,
                       depth_hardware=m.depth_hardware, depth_real_estate=m.depth_real_estate, impact=m.impact,
                       clearing_tol=m.clearing_tol, clearing_max_iter=m.clearing_max_iter,
                       tile=m.tile if m.tile is not None else (128 if jax.default_backend() == "cpu" else 0), **extra)


def montecarlo(ctx: Context) -> dict:
    """Monte Carlo over the configured shocks: tables, plots, terminal summary."""
    from .channels.commitments import circular_revenue_share
    from .ensemble import reconstructed_exposure
    from .montecarlo import run_montecarlo
    from .network import revenue_plan
    from .report import entity_table, plots, scenario_table, summary, terminal_report

    run, out, net, labels = ctx.run, ctx.out, ctx.net, ctx.labels
    mc = run.mc
    amounts = network_amounts(ctx)
    res = run_montecarlo(net, labels, ctx.shocks, scenarios=mc.scenarios, chunk_size=mc.chunk_size, seed=mc.seed,
                         correlation=mc.correlation, revenue_noise=mc.revenue_noise, params=model_params(run),
                         progress=run.report.progress, diagnostics=run.channels.debtrank or run.channels.cascade,
                         lgd=run.model.lgd, keep_rows=mc.keep_rows, out_dir=out if mc.resume else None,
                         run_id=ctx.run_id, network_amounts=amounts)
    if res.resumed_from_chunk:
        print(f"resumed after chunk {res.resumed_from_chunk - 1} from {out / 'checkpoint.npz'}")
    circular = np.asarray(circular_revenue_share(net.investment_for_purchase, net.commitments,
                                                 revenue_plan(net).sum(axis=1)))
    ents = entity_table(res, labels, circular, reconstructed_exposure(ctx.tables, labels))
    summ = {**summary(res), "shocks": list(ctx.shocks), "network": run.network.reconstruction,
            "networks": 1 if amounts is None else int(amounts.shape[0]),
            "reconstructed_links": list(labels.reconstructed_links)}
    if jax.process_index() != 0:
        return summ
    write_tables(out, entities=ents, scenarios=scenario_table(res))
    (out / "summary.json").write_text(json.dumps(summ, indent=2))
    if run.report.plots:
        plots.default_timeline(res, labels, out / "default_timeline.png")
        plots.loss_distribution(res.system_loss, summ, out / "loss_distribution.png")
        plots.network_picture(net, labels, res.default_prob, out / "network.png")
    print(terminal_report(ents, summ, run.report.top))
    return summ


def network_amounts(ctx: Context):
    """``[M, E]`` debt per link for the configured reconstruction, or None for the data as is."""
    from .ensemble import block_matrices, link_amounts

    cfg = ctx.run.network
    if ctx.block is None:
        return None
    mats = block_matrices(ctx.block, cfg.reconstruction, jax.random.PRNGKey(cfg.seed), cfg.samples, cfg.density,
                          dtype=ctx.net.cash.dtype)
    print(f"network: {cfg.reconstruction} reconstruction of {len(ctx.block.link_ids)} reconstructed debt links"
          f" ({mats.shape[0]} network(s))", flush=True)
    return link_amounts(ctx.net, ctx.labels, ctx.block, mats)


def reverse(ctx: Context) -> dict:
    """Reverse stress test: the most plausible shock that makes ``target`` happen by ``target.by``."""
    from .reverse import SearchSettings, Target, reverse_stress_test

    run, labels = ctx.run, ctx.labels
    t, r = run.target, run.reverse
    shocks = ctx.shocks or {k: cls() for k, (cls, _) in SHOCKS.items() if k != "idiosyncratic_default"}
    target = Target(event=t.event, entity=t.entity, lender_kind=t.lender_kind, threshold=t.threshold)
    settings = SearchSettings(starts=r.starts, steps=r.steps, learning_rate=r.learning_rate,
                              temperature_start=r.temperature_start, temperature_end=r.temperature_end,
                              weight=r.weight, correlation=run.mc.correlation, seed=run.mc.seed)
    what = {"default": f"{t.entity} defaults", "lender_loss": f"{t.lender_kind} lenders lose more than {t.threshold:g} bn",
            "system_loss": f"system loss exceeds {t.threshold:g} bn"}[t.event]
    print(f"reverse stress test: {what} by {t.by}; searching over {', '.join(shocks)} "
          f"({r.starts} starts x {r.steps} steps)", flush=True)
    res = reverse_stress_test(ctx.net, labels, shocks, target, settings, model_params(run))
    quarters = pd.PeriodIndex(labels.quarters, freq="Q").astype(str)
    path = [{"id": labels.ids[i], "name": labels.names[i], "default_quarter": quarters[q]}
            for i, q in sorted(enumerate(res.default_quarter), key=lambda x: x[1]) if q >= 0]
    summ = {"target": what, "by": t.by, "found": res.found, "sizes": res.sizes, "mahalanobis": res.mahalanobis,
            "tail_probability": res.tail_probability, "margin": res.margin, "confirmed_starts": res.confirmed,
            "best_margin": res.best_margin, "default_path": path}
    (ctx.out / "reverse.json").write_text(json.dumps(summ, indent=2))
    pd.DataFrame(res.start_table).to_csv(ctx.out / "reverse_starts.csv", index=False)
    if res.found:
        print(f"FOUND: the most plausible shock making '{what}' happen by {t.by} "
              f"(confirmed by an exact forward run; {res.confirmed}/{r.starts} starts reached it):")
        for k, v in res.sizes.items():
            print(f"  {k:<40} {v:>10.4g}")
        print(f"  plausibility: Mahalanobis distance {res.mahalanobis:.2f} from the centre; "
              f"{res.tail_probability:.1%} of scenarios are at least this extreme")
        print("  default path: " + ("; ".join(f"{p['name']} {p['default_quarter']}" for p in path) or "none"))
    else:
        print(f"NOT FOUND: no shock within the distributions' range makes '{what}' happen by {t.by} "
              f"(closest margin {res.best_margin:.4f}; > 0 would be the event).")
    return summ


def calibrate(ctx: Context) -> dict:
    """Fit shock sizes to observed market moves (default: the DeepSeek day, 27 Jan 2025)."""
    from .calibrate import calibrate as fit, read_moves
    from .report import plots

    c = ctx.run.calibrate
    shocks = ctx.shocks or {"deepseek": SHOCKS["deepseek"][0]()}
    path = Path(c.moves) if Path(c.moves).is_absolute() else ctx.tables.directory / c.moves
    moves = read_moves(path, ctx.labels)
    print(f"calibrating {', '.join(shocks)} to {len(moves)} observed returns in {path}", flush=True)
    res = fit(ctx.net, ctx.labels, shocks, moves, params=model_params(ctx.run), steps=c.steps, starts=c.starts,
              learning_rate=c.learning_rate, prior_weight=c.prior_weight, correlation=ctx.run.mc.correlation,
              seed=ctx.run.mc.seed, cost_of_equity=c.cost_of_equity, terminal_growth=c.terminal_growth)
    res.table.to_csv(ctx.out / "calibration_fit.csv", index=False)
    summ = {"moves": str(path), "sizes": res.sizes, "rmse": res.rmse, "rmse_at_centre": res.rmse_at_centre,
            "r2": res.r2}
    (ctx.out / "calibration.json").write_text(json.dumps(summ, indent=2))
    if ctx.run.report.plots:
        plots.calibration_fit(res.table, ctx.out / "calibration_fit.png")
    print("fitted sizes:")
    for k, v in res.sizes.items():
        print(f"  {k:<40} {v:>10.4g}")
    print(res.table.to_string(index=False, float_format=lambda x: f"{x:+.3f}"))
    print(f"RMSE {res.rmse:.4f} (at the configured sizes {res.rmse_at_centre:.4f}); R² {res.r2:.3f}")
    return summ


def sensitivity(ctx: Context) -> dict:
    """Rank links, balance-sheet items and shock sizes by how much they move system loss."""
    from .report import plots
    from .sensitivity import sensitivity as run_sensitivity

    shocks = ctx.shocks or {"deepseek": SHOCKS["deepseek"][0]()}
    print(f"sensitivity of system loss to links, balance sheets and the sizes of {', '.join(shocks)}", flush=True)
    res = run_sensitivity(ctx.net, ctx.labels, shocks, model_params(ctx.run))
    write_tables(ctx.out, sensitivity_links=res.links, sensitivity_items=res.items, sensitivity_shocks=res.shocks)
    if ctx.run.report.plots:
        plots.sensitivity_heatmaps(res, ctx.labels, ctx.out / "sensitivity.png")
    top = ctx.run.report.top
    fmt = {"float_format": lambda x: f"{x:,.4g}", "index": False}
    print(f"system loss: t = 0 clearing {res.loss_t0:,.1f} USD bn; at the horizon {res.loss_horizon:,.1f} USD bn")
    print("Impact of a 10 % change on the t = 0 system loss (USD bn) — debt links:")
    print(res.links.head(top).to_string(**fmt))
    print("— balance-sheet items:")
    print(res.items.head(top).to_string(**fmt))
    print("Impact of a 10 % change in each shock size on system loss at the horizon (USD bn):")
    print(res.shocks.to_string(**fmt))
    return {"loss_t0": res.loss_t0, "loss_horizon": res.loss_horizon,
            "top_links": res.links.head(top).to_dict("records"), "top_items": res.items.head(top).to_dict("records"),
            "shocks": res.shocks.to_dict("records")}


MODES = {"montecarlo": montecarlo, "reverse": reverse, "calibrate": calibrate, "sensitivity": sensitivity}


def write_tables(out: Path, **frames: pd.DataFrame) -> None:
    for name, df in frames.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
        df.to_csv(out / f"{name}.csv", index=False)

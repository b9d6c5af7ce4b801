"""What each ``mode=`` does: from a validated config to a :class:`~stressgpu.report.Report`.

Every mode receives a :class:`Context` (typed config, shocks, network, output directory), calls
the numerics with plain values (:func:`model_params` maps the config onto the model's
parameters) and returns a Report; :func:`stressgpu.report.write_report` writes it, once. Only the
Monte Carlo writes while it runs: its checkpoint and streamed per-scenario parts.
"""
from __future__ import annotations

import inspect
import math
import sys
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from .calibrate import (calibrate as fit_shock_sizes, event_network, market_ex_named, market_return_of, read_events,
                        read_moves, validate as validate_calibration)
from .channels.commitments import circular_revenue_share
from .config import RunConfig, moves_path, plain
from .data import Tables
from .ensemble import block_matrices, link_amounts, reconstructed_exposure
from .model import CPU_TILE, ModelParams, Outcome
from .model.capital import ratio_minimum
from .model.plan import book_net_worth
from .model.valuation import PricedIn, value_path
from .montecarlo import CHECKPOINT, _reduce, auto_chunk_size, one_scenario_with_paths, run_montecarlo
from .network import Network, NetworkLabels, revenue_plan
from .news import NEWS_FILE, news_days
from .report import Report, answer_tables, entity_table, records, scenario_table, story, summary, terminal_report
from .reverse import SearchSettings, Target, reverse_stress_test
from .sensitivity import NOISE, drop_noise, sensitivity as run_sensitivity
from .shocks import SHOCKS, draw_factors, factors_from_sizes, sizes_of
from .shocks.base import Dist, DistKind


def _plots():
    """:mod:`stressgpu.report.plots`, imported only when a figure is drawn: the one import left
    lazy here, because importing it loads matplotlib (about 0.35 s, which ``--help``, a rejected
    config and ``report.plots=false`` need not pay) and switches the whole process to
    matplotlib's Agg backend (a notebook that imports the command line keeps its own)."""
    from .report import plots

    return plots


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
    """The model's parameters from the config (the one source of their values): every field of
    ``ModelParams`` is taken, by name, from ``model.*`` or ``channels.*``, as plain values."""
    values = {f.name: plain(getattr(run.model, f.name)) for f in fields(run.model)}
    values.update({f.name: getattr(run.channels, f.name) for f in fields(run.channels)})
    if values.get("tile") is None:
        values["tile"] = CPU_TILE if jax.default_backend() == "cpu" else 0
    wanted = inspect.signature(ModelParams).parameters
    return ModelParams(**{k: v for k, v in {**values, **extra}.items() if k in wanted})


def montecarlo(ctx: Context) -> Report:
    """Monte Carlo over the configured shocks: tables, plots, terminal answer, story, page."""
    run, out, net, labels = ctx.run, ctx.out, ctx.net, ctx.labels
    mc = run.mc
    params = model_params(run)
    amounts = network_amounts(ctx)
    res = run_montecarlo(net, labels, ctx.shocks, scenarios=mc.scenarios, chunk_size=mc.chunk_size, seed=mc.seed,
                         correlation=mc.correlation, revenue_noise=mc.revenue_noise, params=params,
                         progress=run.report.progress, diagnostics=run.channels.debtrank or run.channels.cascade,
                         lgd=run.model.lgd, keep_rows=mc.keep_rows, out_dir=out, resume=mc.resume,
                         run_id=ctx.run_id, network_amounts=amounts)
    if res.resumed_from_chunk:
        print(f"resumed after chunk {res.resumed_from_chunk - 1} from {out / CHECKPOINT}")
    circular = np.asarray(circular_revenue_share(net.investment_for_purchase, net.commitments,
                                                 revenue_plan(net).sum(axis=1)))
    central = one_scenario_with_paths(net, factors_from_sizes(ctx.shocks, labels, {}, dtype=net.cash.dtype), params)
    record = records.central_record(central, res.baseline, _system_rows(ctx, central, res.baseline), labels, net,
                                    {f"{k}.{p}": v for k, cfg in ctx.shocks.items() for p, v in sizes_of(cfg).items()})
    replayed = replay(ctx, res, params) if amounts is None else None
    ents = entity_table(res, labels, circular, reconstructed_exposure(ctx.tables, labels),
                        book_equity=np.asarray(book_net_worth(ctx.net)),
                        aggregate=_aggregate_flags(ctx), debt_reconstructed=records.debt_reconstructed_share(net, labels),
                        main_reason=(replayed or {}).get("main_reason"),
                        ratio_required=np.asarray(ratio_minimum(ctx.net)) if ctx.net.finance is not None else None)
    title = run_title(ctx)
    summ = {**summary(res), "title": title, "shocks": list(ctx.shocks), "scenario_name": run.scenario_name,
            "network": plain(run.network.reconstruction),
            "networks": 1 if amounts is None else int(amounts.shape[0]),
            "reconstructed_links": list(labels.reconstructed_links), "central": record,
            **({"replay": replayed} if replayed else {}), "capital_paths": capital_paths(res, labels)}
    story_md = story.story(summ, title)
    figures = {}
    if run.report.plots:
        plots = _plots()
        n = f"{res.system_loss.size:,} scenarios"
        figures = {"default_timeline.png": lambda path: plots.default_timeline(res, labels, path, f"{title}, {n}"),
                   "loss_distribution.png": lambda path: plots.loss_distribution(res.system_loss, summ, path,
                                                                                 f"{title}, {n}"),
                   "network.png": lambda path: plots.network_picture(net, labels, res.default_prob, path,
                                                                     f"{title}, {n}", record["defaults"]),
                   "loss_waterfall.png": lambda path: plots.loss_waterfall(res.channel_loss, summ, path, f"{title}, {n}"),
                   "market_value_paths.png": lambda path: _value_paths_plot(ctx, res.baseline, central, path, title)}
        if summ["capital_paths"]:
            figures["capital.png"] = lambda path: plots.capital_paths(labels.quarters, ents, summ["capital_paths"], path,
                                                                      f"{title}, {n}")
        captions = {"default_timeline.png": "Cumulative probability that each of the firms most likely to fail has "
                                            "defaulted by each quarter (in brackets: by the horizon).",
                    "loss_distribution.png": "System loss of every scenario, with value at risk and expected "
                                             "shortfall at 95 % and 99 %.",
                    "network.png": "Who owes, holds and buys from whom, along the value chain; fill: default "
                                   "probability; ring: default quarter at the configured sizes.",
                    "loss_waterfall.png": plots.waterfall_caption(),
                    "market_value_paths.png": "The firms whose market value moves most at the configured sizes.",
                    "capital.png": "Each bank's, insurer's and fund's capital ratio over its minimum, mean over "
                                   "scenarios: below 1 the floor binds (a bank or insurer fails, a fund sells loans "
                                   "to repay its lines)."}
    else:
        captions = {}
    text = terminal_report(ents, summ, run.report.top, run.report.threshold)
    if run.report.story:
        text += "\n\n" + story_md
    return Report(summ, tables={"entities": ents, "scenarios": scenario_table(res)}, plots=figures, text=text,
                  title=title, story=story_md, page_tables=answer_tables(ents, summ, run.report.top, run.report.threshold),
                  captions=captions)


def run_title(ctx: Context) -> str:
    """What the run is about, for headers and plot titles: the named scenario, else the shocks."""
    names = ", ".join(ctx.shocks) or "no shock"
    return f"{ctx.run.scenario_name} ({names})" if ctx.run.scenario_name else names


def capital_paths(res, labels) -> dict:
    """``{id: [T] mean capital ratio each quarter}`` for every firm with a capital ratio (docs/model.md
    §5.8), and ``{id: [T] share of scenarios below its minimum by then}`` is in the entities table."""
    path = res.channel_loss.get("capital_path")
    if path is None:
        return {}
    start = np.asarray(res.baseline.capital_ratio_path)[0]
    return {e: [float(x) for x in path[:, i]] for i, e in enumerate(labels.ids) if np.isfinite(start[i])}


def _aggregate_flags(ctx: Context) -> np.ndarray:
    """``[N]`` True for rows of entities.csv that are aggregates of many firms, not one firm."""
    e = ctx.tables.entities.set_index("id")
    col = e["aggregate"] if "aggregate" in e else pd.Series(False, index=e.index)
    return np.array([bool(col.get(i, False)) or k == "outside" for i, k in zip(ctx.labels.ids, ctx.labels.kinds)])


def _system_rows(ctx: Context, o: Outcome, base: Outcome) -> dict:
    """One scenario's system figures as the Monte Carlo computes them for each of its scenarios."""
    one = lambda x: jnp.asarray(x)[None]  # noqa: E731
    o1, b1 = (jax.tree_util.tree_map(one, x) for x in (o, base))
    dtype = ctx.net.cash.dtype
    rows, _ = _reduce(o1, b1, ctx.net.cross_holdings, jnp.ones(1, bool), jnp.ones((1, 1), dtype), ctx.net.kind)
    return jax.device_get(rows)


def replay(ctx: Context, res, params: ModelParams) -> dict | None:
    """The first ``report.replay`` scenarios of the Monte Carlo run again one at a time with their
    paths recorded (the compiled program of the baseline: no new compile), for the default
    sequences and reasons the Monte Carlo's sums do not keep. They are the Monte Carlo's own
    scenarios when its first chunk can be drawn again (checked against the sizes it recorded);
    otherwise a fresh sample drawn the same way, and the record says so."""
    run, mc = ctx.run, ctx.run.mc
    k = min(run.report.replay, mc.scenarios)
    if k <= 0:
        return None
    n_dev = jax.device_count()
    draw = lambda b: draw_factors(ctx.shocks, ctx.labels, jax.random.fold_in(jax.random.PRNGKey(mc.seed), 0), b,  # noqa: E731
                                  correlation=mc.correlation, revenue_noise=mc.revenue_noise, dtype=ctx.net.cash.dtype)
    recorded = {c[5:]: v for c, v in res.scenarios.items() if c.startswith("size.")}
    factors, same = None, False
    for chunk in dict.fromkeys((mc.chunk_size or auto_chunk_size(ctx.net, n_dev), mc.scenarios)):
        chunk = -(-min(chunk, mc.scenarios) // n_dev) * n_dev
        if chunk > 1 << 14:   # too large to draw again only to replay a few
            continue
        f, sizes = draw(chunk)
        first = min(k, chunk)   # the first chunk's scenarios only: later chunks are drawn from other keys
        if recorded and all(len(recorded.get(n, ())) >= first
                            and np.allclose(np.asarray(v)[:first], recorded[n][:first]) for n, v in sizes.items()):
            factors, same, k = f, True, first
            break
    if factors is None:
        factors, _ = draw(k)
    quarter, reason, closed, n_def = [], [], [], []
    for s in range(k):
        o = one_scenario_with_paths(ctx.net, jax.tree_util.tree_map(lambda x: x[s:s + 1], factors), params)
        quarter.append(np.asarray(o.default_quarter))
        reason.append(np.asarray(o.default_reason))
        closed.append(np.asarray(o.default_closed))
        n_def.append(int(np.asarray(o.defaulted).sum()))
    agree = int((np.asarray(n_def) == np.asarray(res.scenarios["n_defaults"][:k])).sum()) \
        if same and "n_defaults" in res.scenarios else 0
    return records.replay_record(np.stack(quarter), np.stack(reason), np.stack(closed), ctx.labels, same=same,
                                 agree=agree)


def _value_paths_plot(ctx: Context, base: Outcome, shocked: Outcome, path: Path, title: str, top: int = 8) -> None:
    """Market value paths of the firms whose value moves most, at the configured sizes (no noise),
    against the no-shock ``base`` (the Monte Carlo's baseline, whose paths are recorded)."""
    net, labels = ctx.net, ctx.labels
    base_v, shocked_v = (np.asarray(_market_value_path(o)) for o in (base, shocked))
    move = np.abs(shocked_v[-1] - base_v[-1]) * (np.asarray(net.economy.market_value) > 0)
    pick = np.argsort(-move)[:top]
    _plots().market_value_paths(labels.quarters, [labels.names[i] for i in pick], base_v[:, pick],
                                shocked_v[:, pick], path, title)


@jax.jit
def _market_value_path(o: Outcome) -> jax.Array:
    """``[T, N]`` USD bn: one scenario's market value at the end of each quarter
    (:func:`stressgpu.model.valuation.value_path`), 0 from the quarter a firm defaults."""
    q = jnp.arange(o.payout_path.shape[0])[:, None]
    defaulted = (o.default_quarter[None, :] >= 0) & (q >= o.default_quarter[None, :])
    priced = PricedIn(o.priced_growth, o.priced_extra, None, None, o.priced_long_run, o.priced_fade_years,
                      jnp.zeros_like(o.priced_growth))   # value_path reads the parts already normalised
    return value_path(o.payout_path, o.value_parts, priced, defaulted)


def network_amounts(ctx: Context):
    """``[M, E]`` debt per link for the configured reconstruction, or None for the data as is."""
    cfg = ctx.run.network
    if ctx.block is None:
        return None
    mats = block_matrices(ctx.block, plain(cfg.reconstruction), jax.random.PRNGKey(cfg.seed), cfg.samples, cfg.density,
                          dtype=ctx.net.cash.dtype)
    print(f"network: {cfg.reconstruction} reconstruction of {len(ctx.block.link_ids)} reconstructed debt links"
          f" ({mats.shape[0]} network(s))", flush=True)
    return link_amounts(ctx.net, ctx.labels, ctx.block, mats)


def library_shocks() -> dict:
    """Every shock of the library at its configured sizes, but the named idiosyncratic default."""
    return {k: cls() for k, (cls, _) in SHOCKS.items() if k != "idiosyncratic_default"}


def default_shocks(mode: str) -> dict:
    """The shocks a mode uses when no ``+shock`` is given (none for the Monte Carlo)."""
    if mode == "reverse":
        return library_shocks()
    if mode == "sensitivity":
        return {"deepseek": SHOCKS["deepseek"][0]()}
    if mode == "calibrate":
        return calibration_shocks()
    return {}


def _size_text(name: str, value: float) -> str:
    """A searched size as the model applies it: a duration in quarters acts as whole quarters
    (a quarter counts while its index is below the size), so 4.8 is shown as 5 quarters."""
    if name.rsplit(".", 1)[-1].endswith("quarters"):
        return f"{math.ceil(value - 1e-9):d} quarters (searched value {value:.3g})"
    return f"{value:.4g}"


def reverse(ctx: Context) -> Report:
    """Reverse stress test: the most plausible shock that makes ``target`` happen by ``target.by``."""
    run, labels = ctx.run, ctx.labels
    t, r = run.target, run.reverse
    shocks = ctx.shocks or library_shocks()
    target = Target(event=plain(t.event), entity=t.entity, lender_kind=plain(t.lender_kind), threshold=t.threshold)
    settings = SearchSettings(**asdict(r), correlation=run.mc.correlation, seed=run.mc.seed)
    what = {"default": f"{t.entity} defaults", "lender_loss": f"{t.lender_kind} lenders lose more than {t.threshold:g} bn",
            "system_loss": f"system loss exceeds {t.threshold:g} bn"}[plain(t.event)]
    which = (", ".join(shocks) if ctx.shocks else
             f"every shock of the library, as no +shock was given ({', '.join(shocks)})")
    print(f"reverse stress test: {what} by {t.by}; searching over {which} ({r.starts} starts x {r.steps} steps)",
          flush=True)

    def progress(done: int, total: int) -> None:
        if run.report.progress:
            sys.stderr.write(f"\r  search steps {done:>6,}/{total:,} [{'#' * int(30 * done / total):<30}]")
            sys.stderr.write("\n" if done == total else "")
            sys.stderr.flush()

    res = reverse_stress_test(ctx.net, labels, shocks, target, settings, model_params(run), progress=progress)
    quarters = pd.PeriodIndex(labels.quarters, freq="Q").astype(str)
    path = [{"id": labels.ids[i], "name": labels.names[i], "default_quarter": quarters[q]}
            for i, q in sorted(enumerate(res.default_quarter), key=lambda x: x[1]) if q >= 0]
    summ = {"target": what, "by": t.by, "found": res.found, "searched_shocks": list(shocks), "sizes": res.sizes,
            "sizes_applied": {k: (math.ceil(v - 1e-9) if k.rsplit(".", 1)[-1].endswith("quarters") else v)
                              for k, v in res.sizes.items()},
            "mahalanobis": res.mahalanobis, "tail_probability": res.tail_probability, "margin": res.margin,
            "confirmed_starts": res.confirmed, "best_margin": res.best_margin, "default_path": path}
    if res.found:
        lines = [f"FOUND: the most plausible shock making '{what}' happen by {t.by}, searched over "
                 f"{', '.join(shocks)} (confirmed by an exact forward run; {res.confirmed}/{r.starts} starts reached it):"]
        lines += [f"  {k:<40} {_size_text(k, v)}" for k, v in res.sizes.items()]
        near = (" — the event needs no unusual shock: it happens near the central sizes"
                if res.tail_probability > 0.99 else "")
        lines += [f"  plausibility: the Monte Carlo draws a shock at least this far from its centre (Mahalanobis "
                  f"distance {res.mahalanobis:.2f} over the searched sizes) with probability {100 * res.tail_probability:.1f} %"
                  + near,
                  "  default path: " + ("; ".join(f"{p['name']} {p['default_quarter']}" for p in path) or "none")]
    else:
        lines = [f"NOT FOUND: no shock within the distributions' range of {', '.join(shocks)} makes '{what}' happen "
                 f"by {t.by} (closest margin {res.best_margin:.4f}; > 0 would be the event)."]
    return Report(summ, json={"reverse": summ}, csv={"reverse_starts": pd.DataFrame(res.start_table)},
                  text="\n".join(lines), title=f"reverse stress test: {what} by {t.by}")


def calibrate(ctx: Context) -> Report:
    """Fit shock sizes to observed market moves (default: the DeepSeek day, 27 Jan 2025), or with
    ``calibrate.target=credit`` the ``market`` scenario to credit-market PDs (docs/calibration.md)."""
    c = ctx.run.calibrate
    if plain(c.target) == "credit":
        from .calibrate_credit import credit_report
        return credit_report(ctx, model_params(ctx.run))
    shocks = ctx.shocks or calibration_shocks()
    path = moves_path(ctx.run, ctx.tables.directory)
    net, labels, dated = event_network(ctx.tables, path, ctx.net.cash.dtype)
    moves = read_moves(path, labels)
    r_index, index_cap = market_return_of(path)
    r_m = market_ex_named(r_index, index_cap, moves, np.asarray(net.economy.market_value), labels)
    print(f"calibrating {', '.join(shocks)} to {len(moves)} observed returns in {path} (market {r_index:+.2%}, "
          f"{r_m:+.2%} without the network's own members; network {'dated ' + dated if dated else 'of the data'})",
          flush=True)
    params = model_params(ctx.run)
    res = fit_shock_sizes(net, labels, shocks, moves, market_return=r_m, params=params, steps=c.steps,
              starts=c.starts, learning_rate=c.learning_rate, return_noise=c.return_noise,
              correlation=ctx.run.mc.correlation, seed=ctx.run.mc.seed)
    res.network = dated
    events = read_events(path.parent) if c.validate and (path.parent / "events.csv").is_file() else None
    checks = (validate_calibration(res, ctx.tables, shocks, params, events, path.parent, skip=path.name,
                                   dtype=ctx.net.cash.dtype) if events is not None else [])
    # News days: one firm's own shock, the others predicted through the network (not fitted).
    days = (news_days(ctx.tables, params, events, path.parent, labels, ctx.net.cash.dtype)
            if events is not None and (path.parent / NEWS_FILE).is_file() else [])
    stats = lambda f: {"r2": f.r2, "signs": f.signs, "firms": f.firms, "rank_corr": f.rank_corr, "rmse": f.rmse}  # noqa: E731
    summ = {"moves": str(path), "market_return": r_index, "market_return_ex_named": r_m, "network": dated, "sizes": res.sizes, "size_se": res.size_se,
            "fit": stats(res.fit), "fit_at_centre": stats(res.fit_at_centre), "fit_market_only": stats(res.fit_market_only),
            "r2": res.fit.r2,
            "validation": [{"event": v.event, "date": v.date, "intensity": v.intensity, "fit": stats(v.fit),
                            "fit_market_only": stats(v.fit_market_only)} for v in checks],
            "news_days": [{"event": d.event, "date": d.date, "firm": d.firm, "size": d.size, "own_target": d.own_target,
                           "own_implied": d.own_implied, "reached": d.reached, "fit": stats(d.fit),
                           "fit_market_only": stats(d.fit_market_only)} for d in days]}
    f = res.fit
    lines = ["fitted sizes (± standard error):",
             *(f"  {k:<40} {v:>10.4g} ± {res.size_se[k]:.2g}" for k, v in res.sizes.items()),
             res.table.to_string(index=False, float_format=lambda x: f"{x:+.3f}"),
             f"fit: R² {f.r2:.3f}, signs {f.signs}/{f.firms}, rank correlation {f.rank_corr:.2f}, RMSE {f.rmse:.4f}"
             f" (market only: R² {res.fit_market_only.r2:.3f}; at the configured sizes: R² {res.fit_at_centre.r2:.3f})"]
    if checks:
        lines += ["validation on days not fitted (the fitted pattern scaled by one intensity per day):"]
        lines += [f"  {v.event:<28} {v.date}  κ {v.intensity:+6.2f}  R² {v.fit.r2:+.3f} (market only {v.fit_market_only.r2:+.3f})"
                  f"  signs {v.fit.signs}/{v.fit.firms}  rank corr {v.fit.rank_corr:+.2f}" for v in checks]
    if days:
        lines += ["news days: the firm's own news (its AI revenue and capex scaled by 1 + s, s sized by its own move), "
                  "the other firms predicted through the network without refitting:"]
        lines += [f"  {d.event:<28} {d.date}  {d.firm:<9} s {d.size:+6.3f}{'' if d.reached else ' (not reached)'}  "
                  f"R² {d.fit.r2:+.3f} (market only {d.fit_market_only.r2:+.3f})  signs {d.fit.signs}/{d.fit.firms} "
                  f"(market only {d.fit_market_only.signs})  rank corr {d.fit.rank_corr:+.2f}" for d in days]
    news_table = pd.concat([d.table.assign(event=d.event, firm=d.firm) for d in days]) if days else pd.DataFrame()
    val_table = pd.concat([v.table.assign(event=v.event) for v in checks]) if checks else pd.DataFrame()
    figures = ({"calibration_fit.png": lambda p: _plots().calibration_fit(res.table, p, res.fit, [(v.event, v.table) for v in checks])}
               if ctx.run.report.plots else {})
    return Report(summ, json={"calibration": summ}, csv={"calibration_fit": res.table, "calibration_validation": val_table,
                                                                  "calibration_news": news_table},
                  plots=figures, text="\n".join(lines))


def calibration_shocks() -> dict:
    """What ``mode=calibrate`` fits when no shock is given: the DeepSeek efficiency shock's
    structural sizes (k, elasticity, share shift, and how much of the saving reaches end prices —
    a normal prior of scale 0.25 below full pass-through; its holders' re-rating does not move
    issuers' values) and the AI risk premium of the sentiment shock (its funding cut fixed at zero)."""
    ds, sent = SHOCKS["deepseek"][0](), SHOCKS["ai_sentiment"][0](quarters=0.0, funding_cut=0.0, equity_rerate=0.0)
    ds.mc["equity_rerate"] = Dist(DistKind.fixed)
    ds.mc["pass_through"] = Dist(DistKind.normal, 0.25, low=0.0, high=1.0)
    sent.mc = {"premium": sent.mc["premium"], **{k: Dist(DistKind.fixed) for k in ("quarters", "funding_cut", "equity_rerate")}}
    return {"deepseek": ds, "ai_sentiment": sent}


def sensitivity(ctx: Context) -> Report:
    """Rank links, balance-sheet items and shock sizes by how much they move system loss (in float64:
    the command line runs this mode in double precision), leaving out impacts below numerical noise."""
    shocks = ctx.shocks or default_shocks("sensitivity")
    print(f"sensitivity of system loss to links, balance sheets and the sizes of {', '.join(shocks)}"
          f" ({'float64' if ctx.net.cash.dtype == jnp.float64 else 'float32'})", flush=True)
    res = run_sensitivity(ctx.net, ctx.labels, shocks, model_params(ctx.run))
    links, cut0 = drop_noise(res.links, res.loss_t0)
    items, _ = drop_noise(res.items, res.loss_t0)
    shock_df, cut_h = drop_noise(res.shocks, res.loss_horizon)
    dropped = (len(res.links) - len(links), len(res.items) - len(items), len(res.shocks) - len(shock_df))
    res = replace(res, links=links, items=items, shocks=shock_df)
    top = ctx.run.report.top
    fmt = {"float_format": lambda x: f"{x:,.4g}", "index": False}
    lines = [f"system loss: t = 0 clearing {res.loss_t0:,.1f} USD bn; at the horizon {res.loss_horizon:,.1f} USD bn",
             f"Left out as numerical noise: impacts below {NOISE:g} of the loss they move ({cut0:.2g} USD bn at t = 0, "
             f"{cut_h:.2g} USD bn at the horizon): {dropped[0]} links, {dropped[1]} balance-sheet items, "
             f"{dropped[2]} shock sizes.",
             "Impact of a 10 % change on the t = 0 system loss (USD bn) — debt links:",
             res.links.head(top).to_string(**fmt) if len(res.links) else "  none above the noise",
             "— balance-sheet items:", res.items.head(top).to_string(**fmt) if len(res.items) else "  none above the noise",
             "Impact of a 10 % change in each shock size on system loss at the horizon (USD bn):",
             res.shocks.to_string(**fmt) if len(res.shocks) else "  none above the noise"]
    summ = {"loss_t0": res.loss_t0, "loss_horizon": res.loss_horizon, "shocks_searched": list(shocks),
            "noise_threshold_t0": cut0, "noise_threshold_horizon": cut_h, "noise_relative": NOISE,
            "dropped_as_noise": {"links": dropped[0], "items": dropped[1], "shocks": dropped[2]},
            "top_links": res.links.head(top).to_dict("records"), "top_items": res.items.head(top).to_dict("records"),
            "shocks": res.shocks.to_dict("records")}
    title = f"sensitivity of system loss to {', '.join(shocks)}"
    figures = ({"sensitivity.png": lambda p: _plots().sensitivity_heatmaps(res, ctx.labels, p, title)}
               if ctx.run.report.plots else {})
    return Report(summ, tables={"sensitivity_links": res.links, "sensitivity_items": res.items,
                                "sensitivity_shocks": res.shocks}, plots=figures, text="\n".join(lines), title=title)


MODES = {"montecarlo": montecarlo, "reverse": reverse, "calibrate": calibrate, "sensitivity": sensitivity}

"""``python -m stressgpu.gather MULTIRUN_DIR``: one table from a sweep's jobs, and heatmaps.

Writes ``sweep_jobs.csv`` (a row per job: overrides, status, summary), ``sweep_entities.parquet``
(a row per job and entity), ``heatmap_<metric>.png`` over the two swept keys (or those given
with ``--x``/``--y``; only firms whose value moves across the sweep) and ``report.html`` (the
sweep on one self-contained page) into MULTIRUN_DIR, and lists jobs that failed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .report.sweep import gather, heatmaps, swept_keys, sweep_page


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m stressgpu.gather", description=__doc__.splitlines()[0])
    ap.add_argument("sweep_dir", type=Path)
    ap.add_argument("--x", help="swept key on the x axis (default: the first swept key)")
    ap.add_argument("--y", help="swept key on the y axis (default: the second swept key)")
    ap.add_argument("--metric", default="default_prob", help="entity column to draw (default: default_prob)")
    args = ap.parse_args(argv)
    jobs, ents = gather(args.sweep_dir)
    jobs.to_csv(args.sweep_dir / "sweep_jobs.csv", index=False)
    if not ents.empty:
        ents.to_parquet(args.sweep_dir / "sweep_entities.parquet", index=False)
    failed = jobs[jobs.status != "ok"]
    print(f"{len(jobs)} jobs, {len(failed)} failed; table: {args.sweep_dir / 'sweep_jobs.csv'}")
    for _, j in failed.iterrows():
        print(f"  job {j.job}: {j.status}: {j.error}")
    keys = swept_keys(jobs)
    x, y = args.x or (keys[0] if keys else None), args.y or (keys[1] if len(keys) > 1 else None)
    images = []
    if x and y and not ents.empty:
        path = args.sweep_dir / f"heatmap_{args.metric}.png"
        firms = heatmaps(ents, x, y, path, args.metric)
        images.append(path)
        print(f"heatmaps: {path} ({len(firms)} firms whose {args.metric} moves across the sweep)")
    elif not ents.empty:
        print(f"heatmaps need two swept keys; swept: {keys}")
    page = args.sweep_dir / "report.html"
    page.write_text(sweep_page(args.sweep_dir, jobs, images, keys))
    print(f"page: {page}")
    return 0 if ents is not None else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Compare the numbers of two stressgpu runs of the same configuration (same seed, same
scenarios): ``summary.json`` and, when both runs wrote it, ``entities.csv``.

    python scripts/compare_runs.py RUN_A RUN_B [--rtol 2e-3] [--atol 1e-6]

Used by scripts/gpu_check.sh (a GPU run against the CPU's) and tests/test_distributed.py (a
multi-process run against a single process). Every number present in both files is compared
with ``|a - b| <= atol + rtol * max(|a|, |b|)`` (NaN equals NaN); what only describes how the
run went (wall time, speed, device count, backend, paths) is left out. Prints the worst
differences; exit code 0 when everything agrees, 1 otherwise (2: a file is missing).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

# How the run went, not what it computed.
SKIP = {"seconds", "scenarios_per_second", "devices", "backend", "data_dir", "scenarios_run",
        "resumed_from_chunk", "chunks"}


def flatten(x, prefix: str = "") -> dict[str, float | str]:
    """``{"a.b[0]": value}`` for every leaf of a JSON value (numbers as float, the rest as str)."""
    out: dict[str, float | str] = {}
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in SKIP:
                out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out.update(flatten(v, f"{prefix}[{i}]"))
    elif isinstance(x, bool) or x is None:
        out[prefix] = str(x)
    elif isinstance(x, (int, float)):
        out[prefix] = float(x)
    else:
        out[prefix] = str(x)
    return out


def read_entities(path: Path) -> dict[str, float | str]:
    """``entities.csv`` as ``{"entities.<id>.<column>": value}``."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return {}
    key = "id" if "id" in rows[0] else next(iter(rows[0]))
    out: dict[str, float | str] = {}
    for r in rows:
        for col, v in r.items():
            if col == key:
                continue
            try:
                out[f"entities.{r[key]}.{col}"] = float(v)
            except (TypeError, ValueError):
                out[f"entities.{r[key]}.{col}"] = v
    return out


def load(run: Path) -> dict[str, float | str]:
    summary = run / "summary.json"
    if not summary.is_file():
        raise FileNotFoundError(f"{summary} not found: is {run} a finished stressgpu run directory?")
    values = flatten(json.loads(summary.read_text()))
    if (run / "entities.csv").is_file():
        values.update(read_entities(run / "entities.csv"))
    return values


def differences(a: dict, b: dict, rtol: float, atol: float) -> tuple[list, list, int]:
    """``(mismatches, only_in_one, compared)``; a mismatch is ``(key, a, b, |a-b|, allowed)``."""
    bad, compared = [], 0
    for k in sorted(a.keys() & b.keys()):
        x, y = a[k], b[k]
        compared += 1
        if isinstance(x, float) and isinstance(y, float):
            if math.isnan(x) and math.isnan(y):
                continue
            allowed = atol + rtol * max(abs(x), abs(y))
            if not abs(x - y) <= allowed:  # NaN against a number fails here too
                bad.append((k, x, y, abs(x - y), allowed))
        elif x != y:
            bad.append((k, x, y, math.inf, 0.0))
    only = sorted(a.keys() ^ b.keys())
    return bad, only, compared


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run_a", type=Path)
    ap.add_argument("run_b", type=Path)
    ap.add_argument("--rtol", type=float, default=2e-3, help="relative tolerance (default 2e-3: float32 on "
                                                              "two devices)")
    ap.add_argument("--atol", type=float, default=1e-6, help="absolute tolerance (default 1e-6)")
    ap.add_argument("--show", type=int, default=15, help="how many of the worst differences to print")
    args = ap.parse_args(argv)
    try:
        a, b = load(args.run_a), load(args.run_b)
    except FileNotFoundError as err:
        print(f"compare_runs: error: {err}", file=sys.stderr)
        return 2
    bad, only, compared = differences(a, b, args.rtol, args.atol)
    print(f"compare_runs: {args.run_a} vs {args.run_b}: {compared} numbers compared "
          f"(rtol {args.rtol:g}, atol {args.atol:g})")
    if only:
        print(f"  {len(only)} keys in only one run (not compared): {', '.join(only[:10])}"
              f"{' ...' if len(only) > 10 else ''}")
    if not bad:
        worst = max(((k, abs(a[k] - b[k])) for k in a.keys() & b.keys()
                     if isinstance(a[k], float) and isinstance(b[k], float)
                     and not (math.isnan(a[k]) or math.isnan(b[k]))), key=lambda t: t[1], default=("-", 0.0))
        print(f"  OK: all agree (largest absolute difference {worst[1]:.3g} at {worst[0]})")
        return 0
    bad.sort(key=lambda t: -(t[3] / t[4] if t[4] > 0 else math.inf))
    print(f"  MISMATCH: {len(bad)} of {compared} differ beyond tolerance; worst first:")
    for k, x, y, d, allowed in bad[:args.show]:
        print(f"    {k}: {x!r} vs {y!r} (|diff| {d:.3g} > {allowed:.3g})")
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""The run directory's files, written once, by one writer, after a mode has finished.

A mode returns a :class:`Report` (what to write); :func:`write_report` writes it. Only the Monte
Carlo's checkpoint and streamed per-scenario parts are written while a run goes on (they are what
a rerun resumes from).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd


@dataclass
class Report:
    """Everything a mode produced. ``summary`` becomes ``summary.json`` (the only writer)."""

    summary: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # name -> .parquet and .csv
    csv: dict[str, pd.DataFrame] = field(default_factory=dict)     # name -> .csv only
    json: dict[str, dict] = field(default_factory=dict)            # name -> .json
    plots: dict[str, Callable[[Path], None]] = field(default_factory=dict)  # file name -> draws it there
    text: str = ""                                                 # printed at the end
    title: str = ""                                                # what the run is about (page, story)
    story: str = ""                                                # story.md (markdown), when the mode tells one
    page_tables: list = field(default_factory=list)                # the answer's tables (tables.answer_tables)
    captions: dict = field(default_factory=dict)                   # plot file name -> caption on the page
    html: bool = True                                              # write report.html


def finite_json(x):
    """``x`` with non-finite floats as ``None``, so the file is valid JSON."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: finite_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite_json(v) for v in x]
    return x


def dump_json(obj) -> str:
    return json.dumps(finite_json(obj), indent=2, default=str, allow_nan=False)


def write_report(out: Path, report: Report, *, config_yaml: str, checksum_line: str) -> None:
    """Write every file of ``report`` into ``out``, then print its text."""
    for name, df in report.tables.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
        df.to_csv(out / f"{name}.csv", index=False)
    for name, df in report.csv.items():
        df.to_csv(out / f"{name}.csv", index=False)
    for name, obj in report.json.items():
        (out / f"{name}.json").write_text(dump_json(obj))
    (out / "summary.json").write_text(dump_json(report.summary))
    (out / "config_resolved.yaml").write_text(config_yaml)
    (out / "data_checksum.txt").write_text(checksum_line)
    for name, draw in report.plots.items():
        draw(out / name)
    if report.story:
        (out / "story.md").write_text(report.story)
    if report.html:
        from .html import run_page

        (out / "report.html").write_text(run_page(out, report, config_yaml=config_yaml, checksum_line=checksum_line,
                                                  captions=report.captions))
    if report.text:
        print(report.text)
    written = [n for n in ("report.html", "story.md") if (out / n).is_file() and (report.html or n != "report.html")]
    print(f"Outputs: {out}" + (f" (open {out / written[0]} in a browser)" if "report.html" in written else ""))

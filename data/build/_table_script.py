"""The command line every table builder of data/build shares: write the table's CSV, or with
``--check`` exit 1 when the committed CSV is not what the builder writes."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

import pandas as pd


def write_or_check(argv: list[str], table: Callable[[], pd.DataFrame], out: Path, script: str, doc: str) -> int:
    """Run the builder ``script`` (its name, for messages) whose rows ``table()`` returns."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--check", action="store_true", help=f"exit 1 if data/{out.name} is not what this script writes")
    p.add_argument("--out", type=Path, default=out)
    a = p.parse_args(argv)
    df = table()
    text = df.to_csv(index=False)
    stale = not a.out.exists() or a.out.read_text() != text
    if a.check:
        print("up to date" if not stale else f"not what {script} writes: {a.out.name}")
        return 1 if stale else 0
    a.out.write_text(text)
    print(f"{a.out.name}: {len(df)} rows")
    return 0

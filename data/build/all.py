"""Regenerate every table of ``data/`` from the build scripts, in order (run from the repository root)::

    python data/build/all.py           # rewrite data/
    python data/build/all.py --check   # rebuild in a scratch copy; exit 1 unless it equals data/ byte for byte

The steps, each documented in its own script: ``make_v2.py`` (the tables, from the frozen v1 tables
and the refresh and corrections with their sources), ``add_source_quote.py`` (provenance review),
``bs_refresh.py`` (balance sheets from the 2026 filings), ``apply_quotes.py`` (the documents' own
sentences), ``contract_types.py``, ``market_access.py``, ``funding_plans.py``, ``credit_quotes.py``,
``loss_estimates.py``, ``financial_capital.py`` (the financial sector and every holder split).
"""
from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STEPS = ("make_v2", "add_source_quote", "bs_refresh", "apply_quotes", "contract_types", "market_access",
         "funding_plans", "credit_quotes", "loss_estimates", "financial_capital")


def rebuild(root: Path) -> None:
    """Run every step on the repository at ``root`` (its ``data/`` is rewritten)."""
    for step in STEPS:
        done = subprocess.run([sys.executable, str(root / "data" / "build" / f"{step}.py")], cwd=root,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"data/build/{step}.py failed:\n{done.stdout}{done.stderr}")


def differing(a: Path, b: Path) -> list[str]:
    """Files of ``data/`` (tables, not the build folder) that differ between ``a`` and ``b``."""
    names = sorted(p.name for p in (a / "data").glob("*.csv")) + ["build/free_float_shares.csv"]
    return [n for n in names if not (b / "data" / n).is_file()
            or not filecmp.cmp(a / "data" / n, b / "data" / n, shallow=False)]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    a = p.parse_args(argv)
    if not a.check:
        rebuild(ROOT)
        print("rebuilt data/")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        shutil.copytree(ROOT / "data", copy / "data")
        shutil.copytree(ROOT / "src", copy / "src")
        rebuild(copy)
        bad = differing(ROOT, copy)
    print("data/ is what data/build/ writes" if not bad else f"not what data/build/ writes: {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

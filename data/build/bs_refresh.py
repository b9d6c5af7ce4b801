"""Balance-sheet refresh from the latest annual filings found (issue 25, data v3, balance-sheet pass).

Run from the repository root after ``data/build/add_source_quote.py`` and before
``data/build/apply_quotes.py``::

    python data/build/bs_refresh.py           # rewrite data/balance_sheets.csv
    python data/build/bs_refresh.py --check   # exit 1 if data/ is not what this script writes

It sets the *values* (and, for numbers computed here, the whole provenance) of the rows in
:data:`STATED` and :data:`COMPUTED`:

* :data:`STATED`: a number the document states (its sentence is in
  ``data/build/quotes/balance_sheets.csv``, which ``apply_quotes.py`` then applies: source,
  source_type, as_of, source_quote, estimated=false). Here only the value and the note are set.
* :data:`COMPUTED`: a number computed from stated figures (a difference, a stated share of a stated
  total): ``estimated=true``, the method in ``note``, no quote.

The script is idempotent: a second run changes nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
MARK = "[not stated by the source]"   # as in add_source_quote.py, which then leaves the note as it is
COMPUTED_NOTE = "the document states the figures named in the method, not this number; computed as shown"

SAO = "https://www.stock-analysis-on.net/NASDAQ/Company"
GOOGL = (f"Alphabet Inc. Form 10-K, year ended 2025-12-31, as tabulated by Stock Analysis on Net "
         f"(Analysis of Goodwill and Intangible Assets; Common-Size Balance Sheet: Assets) "
         f"https://stock-analysis-on.net/NASDAQ/Company/Alphabet-Inc/Analysis/Goodwill-and-Intangible-Assets ; "
         f"{SAO}/Alphabet-Inc/Common-Size/Assets")
AMZN = (f"Amazon.com Form 10-K, year ended 2025-12-31, as tabulated by Stock Analysis on Net (Balance Sheet: Assets) "
        f"{SAO}/Amazoncom-Inc/Financial-Statement/Assets ; Form 10-Q quarter ended 2026-03-31 (accession "
        f"0001018724-26-000014) https://wvcqmsaqxcoshogpzqlh.supabase.co/storage/v1/object/public/filings/1018724/"
        f"0001018724-26-000014/R23.htm")
AMD = (f"AMD Form 10-K, year ended 2025-12-27, as tabulated by Stock Analysis on Net (Adjustments to Financial "
       f"Statements; Common-Size Balance Sheets) "
       f"https://stock-analysis-on.net/NASDAQ/Company/Advanced-Micro-Devices-Inc/Financial-Statement/Adjustments-to-Financial-Statements ; "
       f"{SAO}/Advanced-Micro-Devices-Inc/Common-Size/Assets ; "
       f"{SAO}/Advanced-Micro-Devices-Inc/Common-Size/Liabilities-and-Stockholders-Equity")

# (entity, item) -> (value, note); provenance from data/build/quotes/balance_sheets.csv
STATED = {
    ("alphabet", "total_assets"): (595.281, "reported total assets at 2025-12-31 (10-K); was 536.5 at 2025-09-30"),
    ("alphabet", "book_equity"): (415.265, "reported stockholders' equity at 2025-12-31 (10-K); was 386.9 at 2025-09-30"),
    ("amazon", "total_assets"): (818.042, "total assets at 2025-12-31 (10-K); was 727.9 at 2025-09-30"),
    ("amd", "total_assets"): (76.926, "reported total assets at 2025-12-27 (10-K); was 76.9 at 2025-09-27"),
}

# (entity, item) -> (value, as_of, source, note)
COMPUTED = {
    ("alphabet", "total_liabilities"): (
        180.016, "2025-12-31", GOOGL,
        "total assets 595,281 − stockholders' equity 415,265 (USD m, both stated for 2025-12-31); was 149.6 at 2025-09-30"),
    ("alphabet", "cash"): (
        126.855, "2025-12-31", GOOGL,
        "cash, cash equivalents and marketable securities = 21.31 % (common-size, stated) × total assets 595,281 "
        "(USD m, stated), 2025-12-31; was 98.5 at 2025-09-30"),
    ("amazon", "total_liabilities"): (
        406.977, "2025-12-31", AMZN,
        "total assets 818.042 (10-K) − stockholders' equity 411.065 (10-Q Q1 2026 opening balance), both at "
        "2025-12-31; was 358.3 at 2025-09-30"),
    ("amd", "total_liabilities"): (
        13.924, "2025-12-27", AMD,
        "total liabilities = 18.10 % (common-size, stated) × total assets 76,926 (USD m, stated), 2025-12-27; "
        "was 16.9 at 2025-09-27"),
    ("amd", "book_equity"): (
        63.002, "2025-12-27", AMD,
        "stockholders' equity = 81.90 % (common-size, stated) × total assets 76,926 (USD m, stated), 2025-12-27; "
        "was 60.0 at 2025-09-27"),
    ("amd", "cash"): (
        10.554, "2025-12-27", AMD,
        "cash and cash equivalents 7.20 % + short-term investments 6.52 % (common-size, stated) × total assets "
        "76,926 (USD m, stated), 2025-12-27; was 7.2 at 2025-09-27"),
}


def _fmt(x: float) -> str:
    return repr(float(x))


def transform(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    where = {(e, i): k for k, (e, i) in enumerate(zip(df["entity_id"], df["item"]))}
    for key, (value, note) in STATED.items():
        k = df.index[where[key]]
        df.at[k, "value"] = _fmt(value)
        if df.at[k, "estimated"] != "false":   # apply_quotes.py sets the provenance; keep the note
            df.at[k, "note"] = note
    for key, (value, as_of, source, note) in COMPUTED.items():
        k = df.index[where[key]]
        df.loc[k, ["value", "as_of", "source", "source_quote", "source_type", "estimated", "note"]] = [
            _fmt(value), as_of, source, "", "filing", "true", f"{note}; {MARK} {COMPUTED_NOTE}"]
    return df


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    p.add_argument("--data", type=Path, default=ROOT / "data")
    a = p.parse_args(argv)
    path = a.data / "balance_sheets.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    text = transform(df).to_csv(index=False)
    if a.check:
        ok = text == path.read_text()
        print("up to date" if ok else "not what bs_refresh.py writes: balance_sheets.csv")
        return 0 if ok else 1
    if text != path.read_text():
        path.write_text(text)
        print("rewrote balance_sheets.csv")
    else:
        print("nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

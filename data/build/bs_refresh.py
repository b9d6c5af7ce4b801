"""Balance-sheet refresh from the latest filings found (issue 25, data v3, balance-sheet pass).

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
* :data:`DERIVED`: a rate computed from a figure the cited sentence states (``estimated=true``; the
  row keeps that sentence in ``source_quote`` so a reader sees what was stated and what was computed).

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

AMZN_Q2 = ("Amazon.com second-quarter 2026 results (Form 8-K ex. 99.1, 2026-07-30), Consolidated Balance Sheets as of "
           "2026-06-30 (unaudited) https://www.sec.gov/Archives/edgar/data/1018724/000101872426000024/amzn-20260630xex991.htm")
GOOGL_Q2 = ("Alphabet Inc. second-quarter 2026 results (Form 8-K ex. 99.1, 2026-07-22, 'Alphabet Announces Second "
            "Quarter 2026 Results'), Consolidated Balance Sheets as of 2026-06-30 (unaudited) "
            "https://www.sec.gov/Archives/edgar/data/1652044/000165204426000066/googexhibit991q22026.htm")
AVGO_Q3 = ("Broadcom third-quarter fiscal 2026 results (Form 8-K ex. 99, filed 2026-09-02), Condensed Consolidated "
           "Balance Sheets as of 2026-08-02 (unaudited) "
           "https://www.sec.gov/Archives/edgar/data/1730168/000173016826000076/avgo-08022026x8kxex99.htm")
AMD_Q2 = ("AMD Form 10-Q, quarter ended 2026-06-27 (filed 2026-08-05, accession 0000002488-26-000123), Condensed "
          "Consolidated Balance Sheets https://www.sec.gov/Archives/edgar/data/2488/000000248826000123/amd-20260627.htm")

# (entity, item) -> (value, note); provenance from data/build/quotes/balance_sheets.csv
STATED = {
    ("alphabet", "total_assets"): (
        921.983, "total assets at 2026-06-30 (Q2 2026 release, USD m); was 595.281 at 2025-12-31 (10-K)"),
    ("alphabet", "total_liabilities"): (
        281.503, "total liabilities at 2026-06-30 (Q2 2026 release, USD m); was 180.016 at 2025-12-31 (assets less equity)"),
    ("alphabet", "book_equity"): (
        640.48, "total stockholders' equity at 2026-06-30 (Q2 2026 release, USD m; includes the 6.25 % mandatory "
        "convertible preferred stock); was 415.265 at 2025-12-31 (10-K)"),
    ("alphabet", "cash"): (
        242.474, "total cash, cash equivalents, and marketable securities at 2026-06-30 (Q2 2026 release, USD m); "
        "was 126.855 at 2025-12-31"),
    ("alphabet", "total_debt"): (
        98.165, "long-term debt at 2026-06-30 (Q2 2026 release, USD m), the same figure as the 10-Q's; 46.547 at 2025-12-31"),
    ("amazon", "total_assets"): (
        1095.689, "total assets at 2026-06-30 (Q2 2026 release, USD m); was 818.042 at 2025-12-31 (10-K)"),
    ("amazon", "book_equity"): (
        551.62, "total stockholders' equity at 2026-06-30 (Q2 2026 release, USD m); was 411.065 at 2025-12-31"),
    ("broadcom", "total_assets"): (
        188.148, "total assets at 2026-08-02 (fiscal Q3 2026 release, USD m); was 171.1 at 2025-11-02 (10-K)"),
    ("broadcom", "total_liabilities"): (
        88.458, "total liabilities at 2026-08-02 (fiscal Q3 2026 release, USD m); was 89.8 at 2025-11-02 (10-K)"),
    ("broadcom", "book_equity"): (
        99.69, "total stockholders' equity at 2026-08-02 (fiscal Q3 2026 release, USD m); was 81.3 at 2025-11-02 (10-K)"),
    ("broadcom", "cash"): (
        23.975, "cash and cash equivalents at 2026-08-02 (fiscal Q3 2026 release, USD m); was 16.2 at 2025-11-02 (10-K)"),
    ("nebius", "total_assets"): (
        22.3033, "total assets at 2026-03-31 (Q1 2026 interim statements, USD m); was 9.5 at 2025-09-30 (v1 estimate)"),
    ("nebius", "total_liabilities"): (
        15.0614, "total liabilities at 2026-03-31 (Q1 2026 interim statements, USD m); was 5.0 at 2025-09-30 (v1 estimate)"),
    ("nebius", "book_equity"): (
        7.2419, "total shareholders' equity at 2026-03-31 (Q1 2026 interim statements, USD m; 7,240.9 attributable to "
        "Nebius Group N.V.); was 4.5 at 2025-09-30 (v1 estimate)"),
    ("amd", "total_assets"): (
        84.464, "total assets at 2026-06-27 (10-Q, USD m); was 76.926 at 2025-12-27 (10-K)"),
    ("amd", "book_equity"): (
        67.224, "total stockholders' equity at 2026-06-27 (10-Q, USD m); was 63.002 at 2025-12-27"),
}

# (entity, item) -> (value, as_of, source, note)
COMPUTED = {
    ("amazon", "total_liabilities"): (
        544.069, "2026-06-30", AMZN_Q2,
        "total assets 1,095,689 − total stockholders' equity 551,620 (USD m, both stated in the release's balance sheet "
        "at 2026-06-30, which has no total-liabilities line); was 406.977 at 2025-12-31"),
    ("amazon", "cash"): (
        122.988, "2026-06-30", AMZN_Q2,
        "cash and cash equivalents 78,213 + marketable securities 44,775 (USD m, both stated in the release's balance "
        "sheet at 2026-06-30); was 94.2 at 2025-09-30"),
    ("broadcom", "total_debt"): (
        59.419, "2026-08-02", AVGO_Q3,
        "short-term debt 2,252 + long-term debt 57,167 (USD m, both stated in the release's balance sheet at "
        "2026-08-02); was 65.1 at 2025-11-02 (3,152 + 61,984)"),
    ("amd", "total_liabilities"): (
        17.24, "2026-06-27", AMD_Q2,
        "total assets 84,464 − total stockholders' equity 67,224 (USD m, both stated in the 10-Q's balance sheet at "
        "2026-06-27, which has no total-liabilities line); was 13.924 at 2025-12-27"),
    ("amd", "cash"): (
        13.111, "2026-06-27", AMD_Q2,
        "cash and cash equivalents 5,086 + short-term investments 8,025 (USD m, both stated in the 10-Q's balance "
        "sheet at 2026-06-27); was 10.554 at 2025-12-27"),
    ("amd", "total_debt"): (
        3.226, "2026-06-27", AMD_Q2,
        "current portion of long-term debt, net 875 + long-term debt, net 2,351 (USD m, both stated in the 10-Q's "
        "balance sheet at 2026-06-27); was 3.2 at 2025-09-27"),
}


# (entity, item) -> (value, as_of, source, stated sentence, source type, note)
DERIVED = {
    ("openai", "revenue_growth"): (
        0.726, "2025-12-31",
        "The Information (2025-09-05), as reported by Wallstreetcn 2025-09-06 https://longportapp.com/en/news/256202476 "
        "and coolest-gadgets.com https://coolest-gadgets.com/openai-projects-115b-cash-burn-by-2029-amid-ai-expansion",
        "The company projects $13 billion in revenue for 2025, rising sharply to about $200 billion by 2030.", "press",
        "computed: (200 / 13.1)^(1/5) − 1 = 0.726 a year, the growth that takes 2025 revenue (13.1) to the company plan "
        "of about USD 200 bn in 2030 (was 0.6, which reached 137); the engine grows opex at the same rate"),
}


def _fmt(x: float) -> str:
    return repr(float(x))


def transform(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    where = {(e, i): k for k, (e, i) in enumerate(zip(df["entity_id"], df["item"]))}
    for key, (value, note) in STATED.items():
        k = df.index[where[key]]
        df.at[k, "value"] = _fmt(value)
        df.at[k, "note"] = note   # apply_quotes.py sets the provenance (and keeps this note, which has no mark)
    for key, (value, as_of, source, note) in COMPUTED.items():
        k = df.index[where[key]]
        df.loc[k, ["value", "as_of", "source", "source_quote", "source_type", "estimated", "note"]] = [
            _fmt(value), as_of, source, "", "filing", "true", f"{note}; {MARK} {COMPUTED_NOTE}"]
    for key, (value, as_of, source, quote, stype, note) in DERIVED.items():
        k = df.index[where[key]]
        df.loc[k, ["value", "as_of", "source", "source_quote", "source_type", "estimated", "note"]] = [
            repr(value), as_of, source, quote, stype, "true", note]
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

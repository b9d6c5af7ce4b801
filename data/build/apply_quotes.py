"""Source rows with the document's own sentence (issue 25, sourcing pass).

Run from the repository root once ``data/build/make_v2.py`` and ``data/build/add_source_quote.py``
have written ``data/``::

    python data/build/apply_quotes.py                 # rewrite data/links.csv (and balance_sheets.csv)
    python data/build/apply_quotes.py --check         # exit 1 if data/ is not what this script writes
    python data/build/apply_quotes.py --data DIR      # work on another copy of the tables

``data/build/quotes/links.csv`` holds, per link, the document that states the link's amount and the
sentence of that document that states it (columns ``link_id, source, source_type, as_of,
source_quote, url, note``); ``data/build/quotes/balance_sheets.csv``, where present, does the same
for balance-sheet items, keyed ``key = entity_id|item``. Each sentence was read in the document it
cites; none is taken from this project's own ``source``/``note`` text.

For every quote row whose sentence writes the row's number (``quote_states``, the loader's own
test), the row gets ``source_quote``, ``source``, ``source_type`` and ``as_of`` from the quote file
and ``estimated=false``; the text that ``add_source_quote.py`` appended to ``note`` to say the
number was not stated (it starts ``[not stated by the source]``) is dropped, since the document now
states it. Amounts and every other column are left untouched. Rows are skipped, and reported, when
the key is not in the table, when the quote does not write the number, or when the link is a
reconstructed split (``reconstructed=true``: a holder's part of a total is never stated).

``data/build/quotes/disagreements.csv`` lists links where the public record states another number
than ours; this script does not read it (amounts are fixed in ``make_v2.py``).

The script is idempotent: a second run changes nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
QUOTES = Path(__file__).resolve().parent / "quotes"
sys.path.insert(0, str(ROOT / "src"))
from stressgpu.data.checks import quote_states  # noqa: E402

MARK = "[not stated by the source]"   # what add_source_quote.py appends to note of an estimated row
FIELDS = ("source", "source_type", "as_of", "source_quote")
# table -> (quote file, key columns of the table, the column holding the number)
TABLES = {
    "links": ("links.csv", ("link_id",), "amount_usd_bn"),
    "balance_sheets": ("balance_sheets.csv", ("entity_id", "item"), "value"),
}


def read_quotes(table: str, quotes_dir: Path = QUOTES) -> pd.DataFrame | None:
    """The quote file of ``table`` with a ``key`` column (``entity_id|item`` for balance sheets), or None."""
    path = quotes_dir / TABLES[table][0]
    if not path.exists():
        return None
    q = pd.read_csv(path, dtype=str, keep_default_na=False)
    if table == "links":
        q["key"] = q["link_id"]
    if q["key"].duplicated().any():
        raise SystemExit(f"{path}: more than one quote for {sorted(set(q.loc[q['key'].duplicated(), 'key']))}")
    return q


def _drop_mark(note: str) -> str:
    if MARK not in note:
        return note
    return note[:note.index(MARK)].rstrip().rstrip(";").rstrip()


def transform(table: str, df: pd.DataFrame, quotes: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The table with the quotes applied, and one line per quote row that was skipped."""
    _, cols, number = TABLES[table]
    df = df.copy()
    keys = df[list(cols)].agg("|".join, axis=1)
    where = {k: i for i, k in zip(df.index, keys)}
    skipped = []
    for _, q in quotes.iterrows():
        i = where.get(q["key"])
        if i is None:
            skipped.append(f"{table} {q['key']!r}: not in {table}.csv")
            continue
        r = df.loc[i]
        if r.get("reconstructed", "false") == "true":
            skipped.append(f"{table} {q['key']!r}: a reconstructed split; its amount is not stated by any document")
            continue
        if not quote_states(q["source_quote"], float(r[number])):
            skipped.append(f"{table} {q['key']!r}: the quote does not write {number} = {r[number]}: {q['source_quote']!r}")
            continue
        for f in FIELDS:
            df.at[i, f] = q[f]
        df.at[i, "estimated"] = "false"
        df.at[i, "note"] = _drop_mark(r["note"])
    return df, skipped


def run(data: Path, check: bool, quotes_dir: Path = QUOTES) -> int:
    stale = []
    for table in TABLES:
        quotes = read_quotes(table, quotes_dir)
        if quotes is None:
            continue
        path = data / f"{table}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        out, skipped = transform(table, df, quotes)
        for line in skipped:
            print(f"skipped: {line}", file=sys.stderr)
        text = out.to_csv(index=False)
        if text != path.read_text():
            stale.append(path.name)
            if not check:
                path.write_text(text)
        print(f"{table}: {len(quotes) - len(skipped)} of {len(quotes)} quotes apply")
    if check:
        print("up to date" if not stale else f"not what apply_quotes.py writes: {', '.join(stale)}")
        return 1 if stale else 0
    print(f"rewrote {', '.join(stale) or 'nothing'}")
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 if the tables are not what this script writes")
    p.add_argument("--data", type=Path, default=ROOT / "data", help="directory of the tables (default: data/)")
    p.add_argument("--quotes", type=Path, default=QUOTES, help="directory of the quote files (default: data/build/quotes/)")
    a = p.parse_args(argv)
    return run(a.data, a.check, a.quotes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Load and validate the CSV tables of a network directory (format: ``data/SCHEMA.md``, schema v2).

``load_tables(dir)`` reads every table as text with the standard ``csv`` module (so that an
empty, garbled or truncated file is reported by file and line, never by a pandas traceback),
rejects NaN and infinities in any cell and dates not written ``YYYY-MM-DD``, validates each table
against its pandera schema and its own row rules, then the rules that span tables, and returns typed
:class:`Tables`. The required tables are ``entities``, ``balance_sheets``, ``holdings`` and ``links``;
``schedules``, ``sector_totals``, ``credit_quotes`` (market quotes on the borrowers: a quote on a
firm not in ``entities.csv`` is an error), ``loss_estimates``, ``market_access`` and ``funding_plans``
(data v3: markets each operating firm has used, raises it plans) may be absent (empty frames).
Any problem stops the load with a :class:`DataError` that lists every bad cell as (file, row,
column, message).

Errors are reported against the file that is wrong: every table is checked on its own first and
all the tables that fail are reported together; the rules that span tables run only when every
table passed its own checks, so one bad file gives its own messages, not hundreds blaming the
files that depend on it. Library warnings (pandas, pandera, numpy) never reach the terminal: the
load runs under :func:`warnings.catch_warnings`, and what such a warning would have said about
the data (a date pandas could not read as ISO, a value it could not convert) is a problem of its
own, with file, row, column and value.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .checks import check_tables, table_rules
from .errors import DataError
from .schema import DATE_FORMAT, ITEMS, NONEMPTY_TABLES, OPTIONAL_TABLES, REQUIRED_TABLES, SCHEMAS

FILES = {name: f"{name}.csv" for name in SCHEMAS}
_BOOL_COLUMNS = ("listed", "estimated", "reconstructed", "aggregate")
_NONFINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tables:
    """The validated tables. ``balance_sheets`` is long (one row per entity and item);
    :meth:`items` pivots it to one row per entity. The optional tables (``schedules``,
    ``sector_totals``, ``credit_quotes``, ``loss_estimates``, and data v3's ``market_access`` — one row
    per operating firm and market it has raised money in — and ``funding_plans`` — one row per raise
    planned for 2026-2030) are empty frames, with their columns, when their file is absent.
    ``links.contract_type`` (data v3) is empty for every link when the column is absent.

    ``links`` is what the model receives: every row of ``links.csv`` whose holders are not named
    (``holders`` set) replaced by its split among the holder kinds of ``holder_shares.csv``, and each
    US operating firm's un-itemised debt split the same way (:mod:`stressgpu.data.holders`);
    ``links_file`` is the file as written (what the data report counts)."""

    entities: pd.DataFrame
    balance_sheets: pd.DataFrame
    holdings: pd.DataFrame
    links: pd.DataFrame
    checksum: str
    directory: Path
    schedules: pd.DataFrame | None = None
    sector_totals: pd.DataFrame | None = None
    credit_quotes: pd.DataFrame | None = None
    loss_estimates: pd.DataFrame | None = None
    market_access: pd.DataFrame | None = None
    funding_plans: pd.DataFrame | None = None
    holder_shares: pd.DataFrame | None = None
    financial_capital: pd.DataFrame | None = None  # capital, funding and credit books of financial firms (data v3)
    links_file: pd.DataFrame | None = None   # links.csv as written; ``links`` has the holder splits applied
    schedules_file: pd.DataFrame | None = None  # schedules.csv as written (``schedules``: split with its links)

    def items(self) -> pd.DataFrame:
        """Balance-sheet items as an ``[entity x item]`` frame in ``entities`` order (NaN where absent)."""
        wide = self.balance_sheets.pivot(index="entity_id", columns="item", values="value")
        return wide.reindex(index=self.entities["id"], columns=list(ITEMS))


def default_data_dir() -> Path:
    """The embedded dataset: inside the installed package (``stressgpu/_data``, copied there by
    the build, as :func:`stressgpu.config.package_dir` finds it for the command line), else
    ``data/`` at the repository root of a source checkout."""
    shipped = resources.files("stressgpu") / "_data"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "data"


# Files outside the schema tables that change a run's numbers (stressgpu.network.equity_betas
# reads the betas into every discount rate): in the checksum, so a checkpoint made with other
# betas is not resumed.
NUMBER_FILES = ("market_moves/betas.csv",)


def data_checksum(directory: Path) -> str:
    """SHA-256 over the bytes of every table of the schema (:data:`FILES`, the optional
    ``credit_quotes.csv`` and ``loss_estimates.csv`` included) and of the other files that change
    the numbers (:data:`NUMBER_FILES`), in a fixed order (saved beside every result)."""
    h = hashlib.sha256()
    for name in sorted(FILES.values()) + list(NUMBER_FILES):
        path = directory / name
        if path.is_file():
            h.update(name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _parse(path: Path) -> pd.DataFrame:
    """The file's cells as text, one row per data row (index 1-based), or a :class:`DataError`
    naming the file and the line where parsing failed."""
    f = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError([(f, None, None, f"not UTF-8 text: undecodable byte at line {line} (garbled or binary file)")]) from None
    if not text.strip():
        raise DataError([(f, None, None, "empty file: no header row")])
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError([(f, None, None, f"NUL byte at line {line} (garbled or binary file)")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
        header = [h.strip() for h in header]
        for rec in reader:
            if not any(c.strip() for c in rec):
                continue  # blank line
            rows.append(rec)
            lines.append(reader.line_num)
    except csv.Error as e:
        raise DataError([(f, len(rows) + 1, None, f"cannot parse line {reader.line_num}: {e} "
                          "(garbled or truncated file, e.g. an unclosed quote)")]) from None
    problems = []
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup or "" in header:
        problems.append((f, 0, None, f"bad header: {'duplicate column(s) ' + ', '.join(dup) if dup else 'an empty column name'}"))
    for k, rec in enumerate(rows, start=1):
        if len(rec) != len(header):
            problems.append((f, k, None, f"line {lines[k - 1]} has {len(rec)} field(s), the header has {len(header)} "
                             "(garbled or truncated row)"))
    if problems:
        raise DataError(problems[:20] + ([(f, None, None, f"… and {len(problems) - 20} more")] if len(problems) > 20 else []))
    df = pd.DataFrame([[c.strip() for c in r] for r in rows], columns=header, dtype=object)
    df = df.replace("", None)
    df.index = pd.RangeIndex(1, len(df) + 1)  # 1-based data rows, as in the error messages
    return df


def _nonfinite(df: pd.DataFrame, file: str) -> list[tuple]:
    out = []
    for col in df.columns:
        s = df[col].dropna().astype(str)
        for row, v in s[s.str.match(_NONFINITE)].items():
            out.append((file, int(row), col, f"non-finite value {v!r}: NaN and infinities are not allowed "
                        "(leave the cell empty where the schema allows it)"))
    return out


def _problems(err: pa.errors.SchemaErrors, file: str) -> list[tuple]:
    cases = err.failure_cases
    coerce = cases["check"].astype(str).str.startswith(("coerce_dtype", "dtype("))
    rows = []
    for _, c in cases.iterrows():
        check, column, index = str(c["check"]), c["column"], c["index"]
        if not coerce.loc[_] and coerce.any() and column in set(cases.loc[coerce, "column"]):
            continue  # a value that failed type conversion: report the conversion only
        if check == "column_in_dataframe":
            rows.append((file, None, str(c["failure_case"]), "required column is missing"))
        elif check.startswith("column_in_schema"):
            continue
        else:
            row = None if index is None or pd.isna(index) else int(index)
            col = None if column is None or pd.isna(column) else str(column)
            what = "wrong type" if check.startswith(("coerce_dtype", "dtype(")) else check
            if check == "not_nullable":
                what = "value is required"
            elif check == "field_uniqueness" or check.startswith("multiple_fields_uniqueness"):
                what = "duplicate value"
            case = c["failure_case"]
            try:
                shown = f"{float(case):.6g}" if not isinstance(case, str) else repr(case)
            except (TypeError, ValueError):
                shown = repr(case)
            rows.append((file, row, col, f"{what} (got {shown})"))
    return sorted(set(rows), key=lambda r: (r[1] or 0, r[2] or "", r[3]))


def _read(directory: Path, name: str) -> pd.DataFrame:
    path = directory / FILES[name]
    schema = SCHEMAS[name]
    if not path.is_file():
        if name in OPTIONAL_TABLES:
            df = pd.DataFrame({c: pd.Series(dtype=object) for c in schema.columns})
            df.index = pd.RangeIndex(1, 1)
            return df
        raise DataError([(str(path), None, None, "file not found")])
    df = _parse(path)
    bad = _nonfinite(df, str(path))
    if bad:
        raise DataError(bad)
    if df.empty and name in NONEMPTY_TABLES:
        missing = [c for c, col in schema.columns.items() if col.required and c not in df.columns]
        raise DataError([(str(path), None, None, "no data rows (header only): a required table needs at least one row" +
                          (f"; missing column(s) {', '.join(missing)}" if missing else ""))])
    return df


def _date_columns(name: str) -> list[str]:
    return [c for c, col in SCHEMAS[name].columns.items() if "datetime" in str(col.dtype).lower()]


def _dates(df: pd.DataFrame, name: str, file: str) -> tuple[pd.DataFrame, list[tuple]]:
    """Date columns parsed as ``YYYY-MM-DD`` (``data/SCHEMA.md``), before pandera sees them: a date in
    any other form (``30/10/2025``, ``2026-12-31 00:00``) or not in the calendar (``2029-13-01``) is a
    problem naming its row, column and value, and is left empty for the schema check (whose own
    report of that cell is dropped). pandas is never asked to guess a format, so it warns of nothing."""
    out = []
    for col in _date_columns(name):
        if col not in df.columns:
            continue
        text = df[col]
        parsed = pd.to_datetime(text.where(text.notna() & text.astype(str).str.match(_ISO_DATE)),
                                format=DATE_FORMAT, errors="coerce")
        for row in df.index[text.notna() & parsed.isna()]:
            v = text.at[row]
            why = "not a calendar date" if _ISO_DATE.match(str(v)) else "date must be written YYYY-MM-DD"
            out.append((file, int(row), col, f"{why} (got {v!r}); dates are ISO YYYY-MM-DD, e.g. 2025-10-30"))
        df[col] = parsed
    return df, out


def _validate(df: pd.DataFrame, name: str, directory: Path) -> pd.DataFrame:
    file = str(directory / FILES[name])
    if df.empty:  # header only (or an absent optional table): typed empty columns, after the header check
        schema = SCHEMAS[name]
        missing = [c for c, col in schema.columns.items() if col.required and c not in df.columns]
        if missing and len(df.columns):
            raise DataError([(file, None, c, "required column is missing") for c in missing])
        out = pd.DataFrame(index=pd.RangeIndex(1, 1))
        for c, col in schema.columns.items():
            dt = str(col.dtype)
            out[c] = pd.Series(dtype="float64" if "float" in dt else "datetime64[ns]" if "datetime" in dt.lower()
                               else "bool" if c in _BOOL_COLUMNS else "object")
        return out
    for c in df.columns:  # pandera wants str columns; None marks an empty cell
        df[c] = df[c].astype(object)
    df, bad_dates = _dates(df, name, file)
    try:
        out = SCHEMAS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        seen = {(r, c) for _, r, c, _ in bad_dates}
        raise DataError(bad_dates + [p for p in _problems(err, file) if (p[1], p[2]) not in seen]) from None
    except Exception as err:  # noqa: BLE001 - a schema engine failure is still a data problem
        raise DataError([(file, None, None, f"cannot validate: {type(err).__name__}: {err}")]) from None
    if bad_dates:
        raise DataError(bad_dates)
    for col in _BOOL_COLUMNS:
        if col in out:
            out[col] = out[col].astype(str).str.lower().eq("true")
    if "source" in out and "source_quote" not in out:  # a table written before the column existed
        out["source_quote"] = pd.Series(None, index=out.index, dtype=object)
    bad = table_rules(name, out, file)  # the table's own rules (provenance, quotes), before any cross-table rule
    if bad:
        raise DataError(bad)
    if name == "links" and "contract_type" not in out:  # a network written before data v3: no types
        out["contract_type"] = pd.Series(None, index=out.index, dtype=object)
    return out


def load_tables(directory: str | Path | None = None) -> Tables:
    """Read, validate and return the tables in ``directory`` (default: the embedded ``data/``).

    Each table is read and checked on its own; the problems of every table that fails are raised
    together, and the cross-table rules run only once every table is sound (so that a bad file is
    blamed, not the files that refer to it). No library warning escapes (module docstring)."""
    directory = default_data_dir() if directory in (None, "") else Path(directory).expanduser().resolve()
    if not directory.is_dir():
        raise DataError([(str(directory), None, None, "data directory not found")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tables = _load(directory)
        finally:
            for w in caught:  # kept out of the terminal; visible with logging at DEBUG level
                _log.debug("warning while loading %s: %s: %s", directory, w.category.__name__, w.message)
    return tables


def _load(directory: Path) -> Tables:
    frames, problems = {}, []
    for name in REQUIRED_TABLES + OPTIONAL_TABLES:
        try:
            frames[name] = _validate(_read(directory, name), name, directory)
        except DataError as err:
            problems += err.problems
    if problems:
        raise DataError(problems)
    tables = Tables(**frames, checksum=data_checksum(directory), directory=directory)
    return check_tables(tables, {name: str(directory / f) for name, f in FILES.items()})

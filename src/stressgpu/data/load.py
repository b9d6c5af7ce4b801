"""Load and validate the CSV tables of a network directory (format: ``data/SCHEMA.md``).

``load_tables(dir)`` reads the four tables as text, validates each against its pandera schema,
then the rules that span tables, and returns typed :class:`Tables`. Any problem stops the load
with a :class:`DataError` that lists every bad cell as (file, row, column, message).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .checks import check_tables
from .errors import DataError
from .schema import ITEMS, SCHEMAS

FILES = {name: f"{name}.csv" for name in SCHEMAS}
_BOOL_COLUMNS = ("listed", "estimated", "reconstructed")


@dataclass(frozen=True)
class Tables:
    """The validated tables. ``balance_sheets`` is long (one row per entity and item);
    :meth:`items` pivots it to one row per entity."""

    entities: pd.DataFrame
    balance_sheets: pd.DataFrame
    holdings: pd.DataFrame
    links: pd.DataFrame
    checksum: str
    directory: Path

    def items(self) -> pd.DataFrame:
        """Balance-sheet items as an ``[entity x item]`` frame in ``entities`` order (NaN where absent)."""
        wide = self.balance_sheets.pivot(index="entity_id", columns="item", values="value")
        return wide.reindex(index=self.entities["id"], columns=list(ITEMS))


def default_data_dir() -> Path:
    """The embedded dataset: ``data/`` at the repository root."""
    return Path(__file__).resolve().parents[3] / "data"


def data_checksum(directory: Path) -> str:
    """SHA-256 over the four tables' bytes, in a fixed order (saved beside every result)."""
    h = hashlib.sha256()
    for name in sorted(FILES.values()):
        h.update(name.encode())
        h.update((directory / name).read_bytes())
    return h.hexdigest()


def _read(directory: Path, name: str) -> pd.DataFrame:
    path = directory / FILES[name]
    if not path.is_file():
        raise DataError([(str(path), None, None, "file not found")])
    # Read every cell as text, so that the schema (not pandas' guessing) decides the types.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    df.index = pd.RangeIndex(1, len(df) + 1)  # 1-based data rows, as in the error messages
    return df


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
            rows.append((file, row, col, f"{what} (got {c['failure_case']!r})"))
    return sorted(set(rows), key=lambda r: (r[1] or 0, r[2] or ""))


def _validate(df: pd.DataFrame, name: str, directory: Path) -> pd.DataFrame:
    try:
        out = SCHEMAS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise DataError(_problems(err, str(directory / FILES[name]))) from None
    for col in _BOOL_COLUMNS:
        if col in out:
            out[col] = out[col].str.lower().eq("true")
    return out


def load_tables(directory: str | Path | None = None) -> Tables:
    """Read, validate and return the tables in ``directory`` (default: the embedded ``data/``)."""
    directory = default_data_dir() if directory in (None, "") else Path(directory).expanduser().resolve()
    if not directory.is_dir():
        raise DataError([(str(directory), None, None, "data directory not found")])
    frames = {name: _validate(_read(directory, name), name, directory) for name in FILES}
    tables = Tables(**frames, checksum=data_checksum(directory), directory=directory)
    check_tables(tables, {name: str(directory / f) for name, f in FILES.items()})
    return tables

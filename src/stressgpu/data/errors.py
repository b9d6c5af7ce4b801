"""The one error type bad input raises: it names file, row and column."""
from __future__ import annotations


class DataError(ValueError):
    """Invalid input data. ``problems`` lists ``(file, row, column, message)``; rows are 1-based
    data rows (the header is row 0), ``None`` where a problem concerns a whole file or column."""

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]]):
        self.problems = problems
        lines = [f"{f}: row {r if r is not None else '-'}, column {c or '-'}: {m}" for f, r, c, m in problems]
        super().__init__(f"{len(problems)} problem(s) in the input data:\n  " + "\n  ".join(lines))

"""Reporting: tables, files and plots from results (no numerics)."""
from . import records, story
from .output import Report, write_report
from .tables import (answer_tables, entity_table, expected_shortfall, scenario_table, summary, terminal_report)

__all__ = ["Report", "answer_tables", "entity_table", "expected_shortfall", "records", "scenario_table", "story",
           "summary", "terminal_report", "write_report"]

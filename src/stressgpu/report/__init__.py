"""Reporting: tables, files and plots from results (no numerics)."""
from .output import Report, write_report
from .tables import entity_table, expected_shortfall, scenario_table, summary, terminal_report

__all__ = ["Report", "entity_table", "expected_shortfall", "scenario_table", "summary", "terminal_report",
           "write_report"]

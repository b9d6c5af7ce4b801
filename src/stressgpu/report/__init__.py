"""Reporting: tables, files and plots from results (no numerics)."""
from .tables import entity_table, expected_shortfall, scenario_table, summary, terminal_report

__all__ = ["entity_table", "expected_shortfall", "scenario_table", "summary", "terminal_report"]

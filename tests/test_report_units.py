"""The report's words, tables and page from recorded figures (no model run: fast)."""
import re

import pandas as pd

from stressgpu._types import LENDER_KINDS
from stressgpu.report.html import table_html
from stressgpu.report.story import story
from stressgpu.report.tables import answer_tables, bn, terminal_report

LONG = "Other mutual, bond and exchange-traded funds (a very long name)"


def _summary(**extra):
    s = {"scenarios": 512, "seconds": 3.0, "title": "deepseek", "shocks": ["deepseek"], "system_loss_mean": 4334.6,
         "system_loss_var95": 6000.0, "system_loss_es95": 6880.2, "system_loss_var99": 7000.0, "system_loss_es99": 7288.0,
         "first_round_loss_mean": 1933.0, "amplification_median": 2.2, "defaults_mean": 3.9, "cascade_depth_mean": 3.6,
         "not_converged": 0, "market_value_loss_mean": 4934.6, "market_value_gain_mean": 63.4,
         "credit_loss_mean": 25.1, "credit_loss_es95": 57.8}
    for j, k in enumerate(LENDER_KINDS):
        s.update({f"loss_{k}_mean": 1.0 + j, f"loss_{k}_es95": 2.0 + j, f"loss_borne_{k}_mean": 1.0 + j,
                  f"capital_shortfall_{k}_mean": 0.0, f"failures_{k}_mean": 0.0, f"mv_loss_{k}_mean": 10.0 * j})
    s.update(extra)
    return s


def _entities():
    return pd.DataFrame({
        "id": ["openai", "agg", "long", "tiny", "outside"], "kind": ["ai_lab", "asset_manager", "neocloud", "chipmaker", "outside"],
        "name": ["OpenAI Group PBC", "Other pension funds (aggregate)", LONG, "Tiny Corp", "Outside sector"],
        "default_prob": [0.947, 0.5, 0.02, 0.004, 0.3], "median_default_quarter": ["2027Q3", "2028Q1", "2029Q2", "2030Q1", "2029Q1"],
        "aggregate": [False, True, False, False, True], "debt_reconstructed_share": [0.0, 0.0, 0.8, 0.0, 0.0],
        "main_default_reason": ["payment_missed", "insolvent", "covenant", "", ""],
        "main_default_reason_share": [1.0, 1.0, 0.5, 0.0, 0.0]})


def test_terminal_lists_only_firms_above_the_threshold_in_full_with_kind_and_reason():
    text = terminal_report(_entities(), _summary(), top=10, threshold=0.01)
    who = text.split("What each lender kind loses")[0]
    assert "OpenAI Group PBC" in who and LONG in who            # full names, never cut
    assert "aggregate" not in who.split("are not listed")[0].replace("aggregates of many", "")
    assert "Outside sector" not in who and "Tiny Corp" not in who   # aggregates and firms below 1 % left out
    assert "94.7 %" in who and "2027Q3" in who and "payment missed (100 %)" in who and "covenant breach (50 %)" in who
    assert "baseline default" not in text
    assert "hinge on reconstructed links" in who and "80 % of its debt" in who
    assert "How these relate" in text and bn(25.1) in text and bn(4334.6) in text and bn(4934.6) in text


def test_lender_table_splits_network_and_other_borrowers_and_shows_a_dash_for_what_the_run_lacks():
    """Without off-network books (an older summary) the table has no "other borrowers" column; with them
    the credit loss is their sum; capital shortfall, breaches and failures as the summary gives them."""
    lend = answer_tables(_entities(), _summary())[1]
    assert "other borrowers" not in lend["columns"]
    assert lend["rows"][0][lend["columns"].index("capital shortfall")] == ("0.0", "capital_shortfall_bank_mean")
    assert lend["rows"][0][lend["columns"].index("breaches")] == ("—", None)
    books = {f"book_loss_{k}_mean": 10.0 for k in LENDER_KINDS}
    totals = {f"credit_total_{k}_mean": 11.0 + j for j, k in enumerate(LENDER_KINDS)}
    lend = answer_tables(_entities(), _summary(**books, **totals, capital_breaches_bank_mean=0.25))[1]
    col = lend["columns"]
    assert col[:4] == ["lender kind", "AI network", "other borrowers", "credit loss"]
    assert lend["rows"][0][1:4] == [("1.0", "loss_bank_mean"), ("10.0", "book_loss_bank_mean"),
                                    ("11.0", "credit_total_bank_mean")]
    assert lend["rows"][0][col.index("breaches")] == ("0.25", "capital_breaches_bank_mean")


def test_one_number_format_for_amounts():
    text = terminal_report(_entities(), _summary(), top=10)
    amounts = re.findall(r"(?<![\w.])\d[\d,]*\.\d+(?![\d%])", text.split("System loss:")[0])
    # counts per scenario (breaches, failures) have two decimals; every amount has one
    amounts = [a for a in amounts if not re.fullmatch(r"\d\.\d\d", a)]
    assert amounts and all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d", a) for a in amounts), amounts


def test_story_names_each_default_with_quarter_and_reason_and_the_sequences():
    central = {"sizes": {"deepseek.k": 10.0}, "defaults": [
        {"id": "a", "name": "Alpha", "kind": "ai_lab", "quarter": "2027Q2", "reason": "payment_missed",
         "closed": ["bonds", "equity"], "first_gap": "2027Q1"},
        {"id": "b", "name": "Beta SPV", "kind": "datacenter_spv", "quarter": "2028Q1", "reason": "covenant", "closed": [],
         "first_gap": None}],
        "system_loss": 100.04, "first_round_loss": 50.0, "credit_loss": 12.34, "credit_loss_borne": 12.34,
        "market_value_loss": 7.0, "creditors": {"Oracle": 5.55}, "secured_recovered": {}, "supplier_claims": {},
        "prepayment_claims": {}, "guarantees_paid": {}, **{f"loss_{k}": 0.0 for k in LENDER_KINDS},
        **{f"loss_borne_{k}": 0.0 for k in LENDER_KINDS}, **{f"mv_loss_{k}": 0.0 for k in LENDER_KINDS}}
    central["loss_bank"] = central["loss_borne_bank"] = 12.34
    replay = {"scenarios": 10, "same_as_monte_carlo": True, "sequences": [
        {"count": 6, "share": 0.6, "defaults": [{"name": "Alpha", "quarter": "2027Q3", "reason": "payment_missed"}]}],
        "typical": [{"name": "Alpha", "quarter": "2027Q3", "reason": "payment_missed", "share": 0.9}]}
    md = story(_summary(central=central, replay=replay), "deepseek")
    assert "**2027Q2 — Alpha** (AI lab) missed a payment" in md and "bonds and equity were closed to it" in md
    assert "**2028Q1 — Beta SPV** (data-centre SPV) was accelerated by its lenders after a covenant breach" in md
    assert "Lenders lose 12.3 bn" in md and "bank 12.3 bn" in md and "The system loss is 100.0 bn" in md
    assert "Alpha (2027Q3, payment missed): 6 of 10 (60.0 %)" in md
    assert "first 10 scenarios" in md


def test_page_tables_carry_the_summary_key_and_exact_value():
    summ = _summary()
    html = table_html(answer_tables(_entities(), summ)[1], summ)
    assert f'data-key="loss_bank_mean" data-value="{summ["loss_bank_mean"]!r}">{bn(summ["loss_bank_mean"])}<' in html

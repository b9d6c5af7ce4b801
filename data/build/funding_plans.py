"""Write ``data/funding_plans.csv``: how each operating firm is expected to fund its plan 2026-2030
(issue 25, item 4; docs/model.md §2, §4).

Run from the repository root (independent of the other build steps)::

    python data/build/funding_plans.py           # write data/funding_plans.csv
    python data/build/funding_plans.py --check   # exit 1 if the file is not what this script writes

One row per planned or announced raise: announced rounds and their tranches, bond and loan deals,
delayed-draw facilities, vendor-linked investments, project financings of the data-centre vehicles.
``amount_usd_bn`` is what the source says is planned or announced; ``start``/``end`` is the window in
which the money comes (a deal closed on one day has ``start`` = ``end``; a delayed-draw facility or a
construction loan is drawn over its availability period). Raises closed in late 2025 that fund the
2026 build are kept where they are the firm's latest deal in that market. A row is sourced only
where its ``source_quote`` states the amount; an "up to", a range, a split or a window not stated
is ``estimated=true`` with the method in ``note``. Markets as in ``market_access.py``.

Overlaps with ``links.csv`` are named in ``note`` (the model must not count a raise twice): Amazon's
conditional 35 is also the commitment ``c_amzn_oai_invest``; SoftBank's 30 is in its stake
``e_sb_openai`` (64.6 on completion); the Vantage and Hyperion debt and CoreWeave's DDTLs are
partly drawn debt or facilities there.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table_script import write_or_check  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from market_access import SRC as _MA_SRC  # noqa: E402  (shared sources)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "funding_plans.csv"
COLUMNS = ["plan_id", "entity_id", "market", "amount_usd_bn", "start", "end", "as_of", "source", "source_quote",
           "source_type", "estimated", "note"]

SRC = dict(_MA_SRC)
SRC.update({
    "sb_t2": ("SoftBank executes second USD 10 bn tranche of OpenAI follow-on investment — japan.co.jp, 2026-07, "
              "https://japan.co.jp/e/reports/softbank-openai-second-tranche-july-2026.html", "press"),
    "oai_122": ("The trillion-dollar game nobody fully understands — Mango People News, 2026-05, "
                "https://www.beta.mangopeoplenews.com/article/the-trillion-dollar-game-nobody-fully-understands-inside-the-ai-funding-frenzy-that-is-rewriting-the-rules-of-money-power-and-technology", "press"),
    "anth_h": ("Anthropic in Talks to Raise $30 Billion at a $900 Billion Valuation — LearnAIForge, 2026-05 (Bloomberg, FT of "
               "2026-05-13/15) https://www.learnaiforge.com/articles/anthropic-fundraising-30-billion-900-billion-valuation ; "
               "Anthropic's $965 Billion Bet — Nonce Media, 2026-05-28 https://www.noncemedia.com/?p=7183", "press"),
    "crwv_ddtl2": ("CoreWeave Form 8-K 2025-10-02 (Fifth Amendment to the DDTL 2.0 Credit Agreement) "
                   "https://www.pubt.io/view/B0F05C44256F2603B18631E4C65B13F1CD9F5C95", "filing"),
    "orcl_plan_tv": ("Oracle plans $45-50 billion 2026 raise to scale AI and cloud infrastructure — Tradevae, 2026-02-02, "
                     "https://tradevae.com/news/stock-markets/oracle-plans-45-50-billion-2026-raise-to-scale-ai-and-cloud-infrastructure", "press"),
    "colossus_2nd": ("Apollo, xAI near USD 3.4 billion deal to fund AI chips, The Information reports (Reuters 2026-02-09) "
                     "https://parameter.io/apollo-global-apo-stock-finances-3-4b-nvidia-chip-deal-for-elon-musks-xai", "press"),
})


def plan(pid, entity, market, amount, start, end, as_of, src, quote="", note=""):
    source, stype = SRC[src]
    est = not quote
    if est and not note:
        raise SystemExit(f"{pid}: an estimated row needs a note")
    return dict(plan_id=pid, entity_id=entity, market=market, amount_usd_bn=amount, start=start, end=end, as_of=as_of,
                source=source, source_quote=quote, source_type=stype, estimated="true" if est else "false", note=note)


Q_OAI_ROUND = ("The investment round - one of the largest in Silicon Valley history - includes $30 billion from Japanese "
               "conglomerate SoftBank, $30 billion from chip giant Nvidia, and $50 billion from Amazon, with additional investors "
               "expected to join as the round progresses.")
Q_AMZN = ("The Amazon investment will begin with $15 billion, followed by another $35 billion in the coming months when certain "
          "conditions are met, the companies said.")
Q_ORCL = ("The company expects the fundraising to generate between $45 billion and $50 billion of gross cash proceeds, which it "
          "intends to deploy toward expanding computing capacity for artificial intelligence workloads and cloud services.")
Q_CRWV26 = ("The core news is that they intend to raise a total of $4.25 billion through two separate debt offerings: $1.25 billion "
            "in \"senior notes\" and $3.0 billion in \"convertible senior notes.\"")

ROWS = [
    # ------------------------------------------------------------------------- OpenAI
    plan("p_oai_2026_amzn_first", "openai", "equity_round", 15.0, "2026-02-27", "2026-03-31", "2026-02-27", "oai_round", Q_AMZN,
         note="Amazon's first 15 of its 50 in the 2026 round (links.csv e_amzn_openai); window: the round's close on 2026-03-31"),
    plan("p_oai_2026_amzn_conditional", "openai", "equity_round", 35.0, "2026-06-01", "2027-06-30", "2026-02-27", "oai_round", Q_AMZN,
         note="conditional ('when certain conditions are met'); also links.csv commitment c_amzn_oai_invest (same window, estimated: "
              "'in the coming months')"),
    plan("p_oai_2026_nvidia", "openai", "equity_round", 30.0, "2026-02-27", "2026-03-31", "2026-02-27", "oai_round", Q_OAI_ROUND,
         note="Nvidia's 30 (links.csv e_nv_openai); window: the round's close"),
    plan("p_oai_2026_softbank_apr", "openai", "equity_round", 10.0, "2026-04-01", "2026-04-30", "2026-02-27", "sb_t2",
         note="first of SoftBank's three equal 10 installments of its 30 (the source: 'three equal installments', April, July, "
              "October 2026); 10 = 30 / 3, split; in links.csv e_sb_openai (64.6 on completion)"),
    plan("p_oai_2026_softbank_jul", "openai", "equity_round", 10.0, "2026-07-01", "2026-07-01", "2026-07-01", "sb_t2",
         "On July 1, 2026, Japan time, the company executed the second $10 billion tranche of its follow-on investment in OpenAI "
         "Group PBC."),
    plan("p_oai_2026_softbank_oct", "openai", "equity_round", 10.0, "2026-10-01", "2026-10-31", "2026-02-27", "sb_t2",
         note="third of SoftBank's three equal 10 installments (October 2026); 10 = 30 / 3, split; SoftBank funds it with its 40 bridge "
              "loan (p_sb_bridge)"),
    plan("p_oai_2026_others", "openai", "equity_round", 12.0, "2026-02-27", "2026-03-31", "2026-03-31", "oai_122",
         note="the round closed at 122 (source: 'OpenAI closed a $122 billion funding round on March 31, 2026'); 12 = 122 - 110 of "
              "the three named investors, computed"),
    plan("p_oai_revolver", "openai", "bank_loan", 4.0, "2024-10-03", "2027-10-03", "2024-10-03", "oai_rcf",
         "Microsoft-backed OpenAI has secured a $4 billion revolving line of credit, boosting its total liquidity to over $10 billion.",
         note="unsecured, three-year availability (window computed from the 2024-10-03 close), SOFR + 100 bp, +2 accordion not "
              "counted; reported undrawn (FT 2025)"),
    plan("p_vantage_stargate", "vantage_stargate_spv", "bank_loan", 38.0, "2025-10-27", "2029-12-31", "2025-10-31", "vantage",
         "A clutch of banks is haggling over another $38bn for Oracle and builder Vantage to splash on more OpenAI sites, according "
         "to those familiar with the talks, and the paperwork is meant to be wrapped up in the coming weeks.",
         note="Stargate financing: construction loans for Frontier (23.25) and Lighthouse (14.75), drawn during construction (window "
              "to 2029 estimated); links.csv vantage_38bn holds the drawn and undrawn parts"),
    # ------------------------------------------------------------------------- Anthropic
    plan("p_anth_series_g", "anthropic", "equity_round", 30.0, "2026-02-12", "2026-02-12", "2026-02-12", "anth_g",
         "Anthropic completed a Series G round earlier this year at a $380 billion post-money valuation, raising $30 billion led by "
         "GIC and Coatue."),
    plan("p_anth_google_2026", "anthropic", "equity_round", 10.0, "2026-04-30", "2026-12-31", "2026-04-30", "anth_h",
         "In late April 2026, Google committed to investing an additional $10 billion in Anthropic, with an option to extend that "
         "investment by up to $30 billion more as part of an agreement aimed at deepening the relationship between both companies.",
         note="window to the end of 2026 estimated (paid as committed)"),
    plan("p_anth_google_option", "anthropic", "equity_round", 30.0, "2026-04-30", "2028-12-31", "2026-04-30", "anth_h",
         note="Google's option to extend by 'up to $30 billion more': the ceiling taken as the value, window to 2028 assumed"),
    plan("p_anth_series_h", "anthropic", "equity_round", 30.0, "2026-05-13", "2026-06-30", "2026-05-28", "anth_h",
         note="Series H: Bloomberg/FT report 'at least $30 billion' at more than 900 bn pre-money (2026-05-13/15); one later report "
              "gives 65 at 965 post-money (2026-05-28); the lower bound 30 taken, the sources disagree"),
    # ------------------------------------------------------------------------- xAI and Colossus 2
    plan("p_xai_series_e_equity", "xai", "equity_round", 7.5, "2026-01-06", "2026-01-06", "2026-01-06", "xai_spv",
         note="xAI's Series E of 20 (Reuters 2026-01-06) mixed equity and debt; reports give 'roughly $7.5 billion of equity and up to "
              "$12.5 billion of debt' in a GPU vehicle; 7.5 is that reported split (the company disclosed none)"),
    plan("p_colossus_apollo", "colossus2_spv", "private_credit", 3.5, "2026-01-07", "2026-01-07", "2026-01-07", "colossus",
         "Apollo said on Saturday its funds led $3.5 billion in financing for a roughly $5.4 billion data-center compute deal arranged "
         "by Valor Equity Partners to lease high-performance hardware to xAI."),
    plan("p_colossus_second", "colossus2_spv", "private_credit", 3.4, "2026-02-09", "2026-06-30", "2026-02-09", "colossus_2nd",
         note="The Information (2026-02-09): Apollo and xAI 'near' a second ~3.4 bn chip financing at ~9.5 %; not reported closed; "
              "window to mid-2026 assumed"),
    # ------------------------------------------------------------------------- CoreWeave
    plan("p_crwv_ddtl2_incremental", "coreweave", "private_credit", 3.0, "2025-09-29", "2026-03-31", "2025-09-29", "crwv_ddtl2",
         "The Fifth Amendment adds an incremental $3.0 billion tranche of delayed draw term loans (the \"Fifth Amendment DDTL\") to "
         "the DDTL 2.0 Credit Agreement.",
         note="available in one or more draws until March 2026 (the 8-K)"),
    plan("p_crwv_ddtl4", "coreweave", "private_credit", 8.5, "2026-03-31", "2027-03-31", "2026-03-31", "crwv_ddtl4",
         "On March 31st, CoreWeave closed an $8.5 billion delayed draw term loan facility, dubbed DDTL 4.0, which was rated A3 by "
         "Moody’s and A(low) by DBRS, and which was secured against a contract with a single investment-grade enterprise customer.",
         note="7.5 available at close, 1 more once the GPUs are live; draw window of one year assumed (matures March 2032)"),
    plan("p_crwv_ddtl5", "coreweave", "private_credit", 3.1, "2026-05-18", "2027-05-18", "2026-05-18", "crwv_ddtl4",
         "On May 18th, CoreWeave closed a $3.1 billion delayed draw term loan facility, dubbed DDTL 5.0, rated Ba2 by Moody’s and "
         "BB+ by Fitch, secured against contracts with two large, non-investment-grade customers.",
         note="draw window of one year assumed"),
    plan("p_crwv_notes_2026", "coreweave", "hy_bond", 1.25, "2026-04-09", "2026-04-30", "2026-04-09", "crwv_cv26", Q_CRWV26,
         note="senior unsecured notes due 2031; as_of: reported 2026-04-09"),
    plan("p_crwv_converts_2026", "coreweave", "convertible", 3.0, "2026-04-09", "2026-04-30", "2026-04-09", "crwv_cv26", Q_CRWV26,
         note="convertible senior notes due 2032 (+0.45 option not counted)"),
    # ------------------------------------------------------------------------- Oracle
    plan("p_orcl_bond_2026", "oracle", "ig_bond", 25.0, "2026-02-02", "2026-02-05", "2026-02-02", "orcl_25",
         "Oracle raises US$25bn in bond offering as AI funding spree continues",
         note="the single investment-grade bond of Oracle's 2026 plan (45-50 bn, half debt); links.csv b_orcl_2026"),
    plan("p_orcl_atm_2026", "oracle", "equity_listed", 20.0, "2026-02-01", "2026-12-31", "2026-02-01", "orcl_reuters",
         note="'a new at-the-market program of up to $20 bln': the ceiling taken as the value, sold over 2026"),
    plan("p_orcl_mandatory_2026", "oracle", "convertible", 2.5, "2026-02-01", "2026-06-30", "2026-02-01", "orcl_plan_tv",
         note="mandatory convertible preferred, 'a modest portion' of the equity half: 2.5 = midpoint 47.5 of the stated 45-50 less the "
              "25 bond and the 20 ATM, computed; source sentence: " + Q_ORCL),
    # ------------------------------------------------------------------------- Meta and Hyperion
    plan("p_meta_bond_2025", "meta", "ig_bond", 30.0, "2025-10-30", "2025-10-30", "2025-10-30", "meta_bond",
         "The Facebook parent sold $30 billion of investment-grade notes across six tranches with maturities from five to 40 years.",
         note="Meta's latest bond; it funds the 2026 capex Meta guided 'notably larger' (IFR 2025-10-30); no 2026 bond plan found"),
    plan("p_hyperion_notes", "hyperion_spv", "abs", 27.3, "2025-10-30", "2029-12-31", "2025-10-21", "hyperion_trd",
         note="Beignet Investor LLC's 27.3 bn 144A notes (FT 2025-10-16, The Real Deal 2025-10-22; sentence of the total not recorded); "
              "proceeds parked in Treasuries and drawn during construction to 2029 (IFRE), window estimated; links.csv hyperion_2049"),
    # ------------------------------------------------------------------------- neoclouds
    plan("p_nbis_converts_2025", "nebius", "convertible", 2.75, "2025-09-15", "2025-09-15", "2025-09-10", "nbis_px",
         "The company priced $2.75 billion in convertible notes alongside a $1 billion public equity offering.",
         note="funds Nebius's 2026 build (hardware, land, data centres); links.csv cv_nbis"),
    plan("p_nbis_shares_2025", "nebius", "equity_listed", 1.0, "2025-09-15", "2025-09-15", "2025-09-10", "nbis_cv",
         "Concurrently with the offering of the Notes, the Company is offering $1.0 billion of the Company’s Class A ordinary shares, "
         "par value €0.01 (“Class A shares”) in an underwritten public offering."),
    plan("p_iren_converts_2025", "iren", "convertible", 2.0, "2025-12-02", "2025-12-02", "2025-12-02", "iren_cv",
         note="not quoted: ~2 bn of convertible notes due 2032 and 2033 priced 2025-12-02 (links.csv cv_iren_2032, cv_iren_2033: 2.3 with the greenshoe); no sentence of the release was read here"),
    # ------------------------------------------------------------------------- investors
    plan("p_sb_bridge", "softbank", "bank_loan", 40.0, "2026-03-31", "2027-03-31", "2026-03-06", "sb_bridge",
         note="not quoted: Bloomberg (2026-03-06) reports SoftBank in talks for a 40 bn 12-month bridge loan from four banks to fund "
              "its OpenAI tranches (links.csv sb_bridge_2026); window the loan's 12 months"),
]


def table() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS)
    if df["plan_id"].duplicated().any():
        raise SystemExit(f"duplicate plan_id: {df.loc[df['plan_id'].duplicated(), 'plan_id'].tolist()}")
    return df


def main(argv: list[str]) -> int:
    return write_or_check(argv, table, OUT, "funding_plans.py", __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Give every sourced number its quote, or mark it estimated (issue 25, item 6).

Run from the repository root after ``data/build/make_v2.py``::

    python data/build/add_source_quote.py          # rewrite data/*.csv
    python data/build/add_source_quote.py --check  # exit 1 if data/ is not what this script writes

The rule (``data/SCHEMA.md``): a row is *sourced* (``estimated=false``) only if the cited document
states its number, and then ``source_quote`` holds the sentence that states it. Anything computed
(a sum of quarters, a difference, a currency conversion, a midpoint), split, assumed (a lower bound
or an "up to" taken as the value, a value for "multibillion" or "tens of billions") or not quoted
is ``estimated=true``, with what the source does say and how the number was obtained appended to
``note``. Amounts are never changed.

This script holds the review of every row that ``make_v2.py`` wrote with ``estimated=false``:

* :data:`QUOTES`: the row's ``source`` or ``note`` already carries the statement of the number as
  recorded from the cited document; that fragment, copied verbatim (checked to be a substring of
  that field, and checked to write the row's number), becomes ``source_quote``. The fragment stays
  in ``source``/``note`` as well. It is the statement as recorded when the dataset was written,
  not yet checked word for word against the document (the next sourcing pass replaces it by the
  document's own sentence where they differ).
* :data:`ESTIMATED`: the source does not state the number; the text says what it does state and
  how the number was obtained.
* :data:`UNQUOTED`: the source is cited for the number (a filing's balance sheet, a market-cap
  table), but no statement of it was recorded: estimated until someone adds the quote.

Every row with ``estimated=false`` and no quote must be in exactly one of the three (the script
stops otherwise), so nothing is let through unreviewed. No quote is invented: a row whose fields
do not contain the statement is estimated. A row that already has a quote is never touched, so
the script can be rerun after a sourcing pass has added quotes.

It also sets :data:`AS_OF` on commitments whose ``as_of`` was their first payment date (up to
2029) rather than the date the figure was reported: the source's date (a day where the source
gives one, else the last day of the month or year it gives). Commitments whose ``as_of`` already
lies in the period the source gives, or whose source gives no date, are left as they are.

The script is idempotent: a second run changes nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
sys.path.insert(0, str(ROOT / "src"))
from stressgpu.data.checks import quote_states  # noqa: E402
from stressgpu.data.schema import PROVENANCE_TABLES  # noqa: E402

KEYS = {"links": ("link_id",), "balance_sheets": ("entity_id", "item"), "sector_totals": ("kind", "measure"),
        "holdings": ("entity_id", "asset_class"), "schedules": ("link_id", "date")}
MARK = "[not stated by the source]"   # starts what this script appends to note (keeps it idempotent)

# ---------------------------------------------------------------------------------------- quotes
# (table, key) -> (field, the fragment of that field that states the number)
QUOTES = {
    # links: debt
    ("links", "d_hyperion_pimco"): ("source", "Beignet Investor LLC USD 27.3 bn 6.58 % notes due 2049, PIMCO ~18 bn"),
    ("links", "d_crwv_rcf_jpm"): ("note", "revolver drawn 0.45 (JPMorgan-led syndicate)"),
    ("links", "d_crwv_oem"): ("note", "OEM financing arrangements (Dell and others) 1.73 at 2025-06-30"),
    # links: stakes (amount = cost: a stated amount invested states the number)
    ("links", "e_sb_openai"): ("source", "follow-on USD 30 bn, cumulative 64.6, ~13 %, financed by bridge loans (SoftBank 2026-02-27)"),
    ("links", "e_nv_openai"): ("source", "OpenAI USD 110 bn round at USD 730 bn pre-money (2026-02-27: Amazon 50, Nvidia 30, SoftBank 30)"),
    ("links", "e_googl_anth_2025"): ("source", "Google's additional USD 1 bn in Anthropic (press 2025-01-22)"),
    # links: commitments
    ("links", "c_oai_orcl"): ("source", "OpenAI-Oracle ~USD 300 bn over ~5 years from 2027 (WSJ 2025-09-10)"),
    ("links", "c_oai_msft"): ("source", "Microsoft/OpenAI definitive agreement 2025-10-28: incremental USD 250 bn of Azure"),
    ("links", "c_oai_amzn"): ("source", "AWS/OpenAI USD 38 bn 7-year agreement (2025-11-03 release)"),
    ("links", "c_orcl_nv"): ("source", "FT 2025-05 on Oracle's ~40 bn Nvidia order"),
    ("links", "c_nv_crwv"): ("source", "CoreWeave 8-K 2025-09-15 (Nvidia order form 6.3)"),
    ("links", "c_meta_crwv"): ("source", "CoreWeave 8-K 2025-09-30 (Meta 14.2)"),
    ("links", "c_ms_nbis"): ("source", "Nebius 6-K 2025-09-08 (Microsoft 17.4, up to 19.4)"),
    ("links", "c_ms_nscale"): ("source", "Microsoft/Nscale agreements (2025-09 and 2025-10, ~USD 24 bn reported)"),
    ("links", "c_ms_iren"): ("source", "IREN/Microsoft USD 9.7 bn 5-year contract (2025-11-03)"),
    ("links", "c_nv_lambda"): ("source", "Nvidia-Lambda USD 1.5 bn 4-year leaseback (The Information 2025-09)"),
    ("links", "c_anth_msft"): ("source", "Microsoft/Nvidia/Anthropic 2025-11-18 (USD 30 bn Azure)"),
    ("links", "c_meta_orcl"): ("source", "Meta/Oracle ~USD 20 bn multi-year cloud deal (Bloomberg 2025-09-18)"),
    ("links", "c_amzn_talen"): ("source", "Talen/Amazon PPA USD 18 bn through 2042 (2025-06-11 release)"),
    ("links", "c_iren_dell"): ("source", "IREN release 2025-11-03 (Dell USD 5.8 bn equipment purchase)"),
    # balance sheets
    ("balance_sheets", ("tsmc", "capex")): ("note", "2026 capital budget guided to the high end of USD 52-56 bn (Q1 2026 call)"),
    ("balance_sheets", ("oracle", "capex")): ("note", "FY2026 capex guidance USD 50 bn"),
    ("balance_sheets", ("openai", "revenue")): ("source", "OpenAI 2025 revenue ~13.1 and 2025 cash-burn target 8.5 (The Information, 2025-09-30; shareholder documents reported 2026-04)"),
    ("balance_sheets", ("openai", "valuation")): ("source", "closed at USD 122 bn, USD 852 bn post-money (2026-03-31)"),
    ("balance_sheets", ("anthropic", "valuation")): ("source", "Anthropic Series G USD 30 bn at USD 380 bn post-money (2026-02-12; GIC, Coatue lead)"),
    ("balance_sheets", ("coreweave", "total_debt")): ("note", "about USD 25 bn of debt against 36.4 bn of PP&E at 2026-03-31"),
    ("balance_sheets", ("jpmorgan", "capital_ratio")): ("note", "standardized CET1 ratio 14.3 %"),
    ("balance_sheets", ("jpmorgan", "total_assets")): ("note", "total assets USD 4.9 tn (rounded as reported)"),
    ("balance_sheets", ("mufg", "capital_ratio")): ("note", "CET1 ratio 14.08 % at 2025-09-30 (H1 6-K)"),
    ("balance_sheets", ("morgan_stanley", "capital_ratio")): ("note", "Standardized CET1 ratio 15.1 %"),
}

# ------------------------------------------------------------------------------------- estimated
# (table, key) -> what the source states, and how the number was obtained
_TTM = "the TTM is the sum of the quarters (or year less quarter plus quarter) listed above, computed here"
ESTIMATED = {
    ("links", "b_googl_2025"): "source states USD 17.5 bn and EUR 6.5 bn of notes; 25 is their sum in USD, computed",
    ("links", "b_googl_2026"): "source states USD, GBP and CHF issues of February 2026 (USD ~20 bn + GBP/CHF); 30 approximate",
    ("links", "b_orcl_2026"): "source states USD 30 bn raised under the USD 50 bn programme; 25 is the bond part, estimated",
    ("links", "b_sb_retail"): "source states 'nearly 5 trillion yen remaining outstanding' of SoftBank's retail bonds and converts 10 trillion yen to approximately $64 billion; 32 = 5 tn yen at that rate, computed",
    ("links", "cv_iren_2032"): "source states '$1.0 billion offering of 0.25% convertible senior notes due 2032' and the '$300 million greenshoe fully exercised' (IREN release 2025-12-08), the option being an additional $150 million of each series (Blockspace); 1.15 = 1.0 + 0.15, computed",
    ("links", "cv_iren_2033"): "source states '$1.0 billion offering of 1.00% convertible senior notes due 2033' and the '$300 million greenshoe fully exercised' (IREN release 2025-12-08), the option being an additional $150 million of each series (Blockspace); 1.15 = 1.0 + 0.15, computed",
    ("links", "cv_nbis"): "source states convertible notes of USD 1 bn (2025-06) and USD 2.75 bn (2025-09); 3.75 is their sum, computed",
    ("links", "d_hyperion_other"): "source states 27.3 bn of notes, PIMCO ~18 and BlackRock ~3; 6.3 = 27.3 - 18 - 3 to holders not named, computed",
    ("links", "c_crwv_corz"): "the record states only 'exceeds $10 billion' (Core Scientific Q4 2024 call); 10 is that lower bound",
    ("links", "c_meta_nbis_2026_backstop"): "source states Meta will purchase 'up to $15 billion' of additional capacity if Nebius cannot sell it; 15, the ceiling, assumed",
    ("links", "d_hyperion_blackrock"): "source states 'more than $3 billion' (WSJ 2025-10-21); 3 is that lower bound",
    # links: debt and facilities
    ("links", "d_crwv_ddtl3_morgan_stanley"): "source states 'DDTL 3.0 USD 2.6 bn (Morgan Stanley, MUFG)'; the drawn 0.9 per lender is estimated from the delivery schedule",
    ("links", "d_crwv_ddtl3_mufg"): "source states 'DDTL 3.0 USD 2.6 bn (Morgan Stanley, MUFG)'; the drawn 0.9 per lender is estimated from the delivery schedule",
    ("links", "f_crwv_rcf"): "source states a revolver of 2.5 bn drawn 0.45; the undrawn 2.05 = 2.5 - 0.45 is computed",
    ("links", "d_lambda_gpu"): "source states a USD 500 m facility (Macquarie, 2024-04) and later facilities of undisclosed size; 1.0 assumed",
    # links: stakes
    ("links", "e_amzn_openai"): "source states 'Amazon 50' in the 2026 round; the upfront 15 (and the conditional 35) is not in the recorded source text",
    ("links", "e_amzn_anth"): "source states the Series G (USD 30 bn at USD 380 bn post-money), not Amazon's investment; 8 is the sum of announced investments, not quoted",
    ("links", "e_goog_anth"): "source states the Series G (USD 30 bn at USD 380 bn post-money), not Alphabet's investment; 3 is from announced investments, not quoted",
    ("links", "e_ms_anth"): "source states the Series G (USD 30 bn at USD 380 bn post-money), not Microsoft's investment; 5 is from announced investments, not quoted",
    ("links", "e_nv_anth"): "source states the Series G (USD 30 bn at USD 380 bn post-money), not Nvidia's investment; 10 is from announced investments, not quoted",
    ("links", "e_nv_xai"): "source states that Nvidia participates in xAI's Series E, not the amount; 2 assumed",
    ("links", "e_nv_colossus"): "source states 'Nvidia up to 2 bn of the equity'; the full 2 assumed",
    ("links", "e_vc_colossus"): "source states 7.5 equity with Nvidia up to 2 bn; 5.5 = 7.5 - 2 computed",
    ("links", "e_nv_crwv"): "source states a 13F position and a USD 2 bn purchase in Jan-2026; 2.3 is the cost of both, estimated",
    ("links", "e_mag_crwv"): "source states 68.2 m shares (13F 2025-12-31), not the cost; 0.5 estimated",
    ("links", "e_owl_hyperion"): "sources state 'Blue Owl 80 % / Meta 20 %' and the JV's 2.5 of equity ('Morgan Stanley arranged the debt along with $2.5 billion in equity'); 2.0 = 80 % of 2.5, computed",
    ("links", "e_meta_hyperion"): "sources state 'Blue Owl 80 % / Meta 20 %' and the JV's 2.5 of equity; 0.5 = 20 % of 2.5, computed",
    ("links", "e_oai_amd"): "source states a warrant for up to 160 m AMD shares vesting with GPU deployments; carrying value 0 assumed (unvested)",
    ("links", "e_mufg_ms"): "source states an equity-method investment of ~22 %, not its cost; 9 (the 2008 investment) is not quoted",
    ("links", "e_nv_nscale"): "source states Nscale's USD 1.1 bn Series B with Nvidia participating, not Nvidia's part; 0.15 estimated",
    ("links", "e_nv_lambda"): "source states funding rounds with Nvidia participating, not Nvidia's part; 0.2 estimated",
    # links: commitments
    ("links", "c_oai_msft_revshare"): "source states ~20 % of OpenAI's revenue until the AGI panel/2030; 30 = 20 % of planned revenue 2026-2030, computed",
    ("links", "c_oai_amzn_trn"): "source states Amazon's USD 50 bn investment and 2 GW of Trainium, not the contract value; 50 estimated at ~25 bn/GW over 8 years",
    ("links", "c_oai_nv"): "source states a 10 GW letter of intent, not a purchase value; 100 over 2026-2030 estimated",
    ("links", "c_oai_amd"): "source states 6 GW, not a contract value; 60 estimated at ~10 bn/GW",
    ("links", "c_oai_avgo"): "source states 10 GW, not a contract value; 50 estimated",
    ("links", "c_oai_crwv"): "source states three contracts of 11.9, 4.0 and 6.5; 22.4 is their sum",
    ("links", "c_oai_cerebras"): "source states '>USD 10 bn'; the lower bound 10 taken as the value",
    ("links", "c_amzn_oai_invest"): "source states Amazon's 50 in the 2026 round; the conditional 35 = 50 - 15 upfront, computed",
    ("links", "c_ms_nv"): "source states Microsoft ~20 % of Nvidia's revenue; 45.6 annualised from that share, computed",
    ("links", "c_col_nv"): "source states 7.5 equity + 12.5 debt for the GPU SPV (~20 bn); the 18 of GPU purchases is estimated",
    ("links", "c_xai_colossus"): "source states a 5-year GPU lease to xAI, not its value; 22.5 estimated to service 12.5 debt plus an equity return",
    ("links", "c_ms_crwv"): "source states Microsoft was 62 % of CoreWeave's 2024 revenue, not a contract value; 10 remaining estimated",
    ("links", "c_ms_lambda"): "source states a 'multibillion' agreement; 5 assumed",
    ("links", "c_meta_googl"): "source states '>USD 10 bn'; the lower bound 10 taken as the value",
    ("links", "c_anth_goog"): "source states 'tens of billions'; 30 assumed",
    ("links", "c_anth_amzn"): "source (press 2025) states no contract value; 20 assumed",
    ("links", "c_orcl_vantage"): "source states the Vantage construction loans (23.25 + 14.75), not Oracle's lease payments; 60 over 15 years estimated",
    ("links", "c_meta_hyperion"): "source states USD 27.3 bn of notes and Meta's residual-value guarantee, not the lease value; 41.6 estimated to service the notes",
    ("links", "c_ms_util"): "source states a 20-year PPA, not its value; 16 estimated",
    ("links", "c_nv_oai_invest"): "placeholder: amount 0 keeps the pair with Nvidia's stake; no source states it",
    ("links", "c_sb_oai_crystal"): "source states USD 3 bn a year; 9 = 3 years x 3, computed",
    ("links", "c_meta_entergy"): "source states 15-year agreements for 2.3 GW of new plants, not their value; 12 estimated",
    ("links", "c_orcl_crusoe"): "source (press 2025) states the lease, not its value; 15 over 15 years estimated",
    ("links", "c_anth_nv"): "source states up to 1 GW of Nvidia systems, not a value; 10 estimated at ~10 bn/GW",
    # balance sheets: computed from stated figures
    ("balance_sheets", ("nvidia", "revenue")): "source states the quarterly revenues; " + _TTM,
    ("balance_sheets", ("amd", "revenue")): "source states FY2025 and the Q1 figures; " + _TTM,
    ("balance_sheets", ("broadcom", "revenue")): "source states the quarterly revenues; " + _TTM,
    ("balance_sheets", ("broadcom", "opex")): "source states revenue and cash from operations by quarter; opex = revenue - operating cash flow, computed",
    ("balance_sheets", ("microsoft", "book_equity")): "source states total assets and total liabilities; book equity = their difference, computed",
    ("balance_sheets", ("microsoft", "cash")): "source states cash and short-term investments separately; their sum computed",
    ("balance_sheets", ("microsoft", "total_debt")): "source states long-term debt and its current portion; their sum computed",
    ("balance_sheets", ("alphabet", "capex")): "source states a 2026 capex guidance of USD 180-190 bn; 185 is its midpoint",
    ("balance_sheets", ("alphabet", "opex")): "source states revenue, free cash flow and capex; opex = revenue - operating cash flow, computed",
    ("balance_sheets", ("alphabet", "revenue")): "source states the quarterly revenues; " + _TTM,
    ("balance_sheets", ("amazon", "dividends_buybacks")): "source states no dividend and no repurchases in Q1 2025 and Q1 2026; 0 for the year assumed",
    ("balance_sheets", ("amazon", "opex")): "source states revenue and operating cash flow (TTM); opex = their difference, computed",
    ("balance_sheets", ("amazon", "revenue")): "source states the quarterly net sales; " + _TTM,
    ("balance_sheets", ("meta", "cash")): "source states cash and marketable securities separately; their sum computed",
    ("balance_sheets", ("meta", "capex")): "source states a 2026 capex guidance of USD 125-145 bn; 135 is its midpoint",
    ("balance_sheets", ("meta", "revenue")): "source states 2025 and Q1 revenues; " + _TTM,
    ("balance_sheets", ("oracle", "revenue")): "source states nine months and a quarter; " + _TTM,
    ("balance_sheets", ("oracle", "cash")): "source states cash and short-term investments; their sum computed",
    ("balance_sheets", ("coreweave", "revenue")): "source states 2025 and the Q1 revenues; " + _TTM,
    ("balance_sheets", ("nebius", "revenue")): "source states FY2025 and the Q1 revenues; " + _TTM,
    ("balance_sheets", ("mufg", "book_equity")): "source states total net assets of JPY 22,809.8 bn; converted at 155 JPY/USD",
    ("balance_sheets", ("mufg", "total_assets")): "source states total assets of JPY 418,107.9 bn; converted at 155 JPY/USD",
    ("balance_sheets", ("mufg", "total_liabilities")): "source states total assets and total net assets in JPY; their difference converted at 155 JPY/USD",
    # sector totals
    ("sector_totals", ("private_credit", "item:total_assets")): "seed 002 states 'at least 2,200' and the Fed ~2 tn global; the lower bound 2,200 taken as the total",
    ("sector_totals", ("private_credit", "debt_to:bank")): "source states large banks' commitments ~300 bn in 2023; commitments taken as drawn",
    ("sector_totals", ("insurer", "item:total_assets")): "source states private placements of 849 bn = 14 % of balance sheets; 6,064 = 849 / 0.14, computed",
}

# Sourced in make_v2.py to a document that reports the figure, but no statement of it was recorded.
UNQUOTED = {
    ("links", "d_crwv_magnetar"),
    # bonds and convertibles whose holders are split at load (holder_shares.csv): the total is the issue size
    ("links", "b_meta_2025"), ("links", "b_amzn_2025"), ("links", "b_orcl_2025"), ("links", "b_crwv_2030"),
    ("links", "b_crwv_2031"), ("links", "cv_crwv_2031"),
    ("links", "c_meta_nbis"), ("links", "c_meta_nbis_2026"), ("links", "c_meta_crwv_2026"),
    ("links", "d_sb_arm_margin"), ("links", "f_sb_arm_margin"), ("links", "d_crusoe_abilene_jpm"),
    ("links", "e_ms_openai"), ("links", "e_oai_crwv"),
    *(("balance_sheets", (e, i)) for e in ("nvidia", "amd", "broadcom", "morgan_stanley", "goldman_sachs")
      for i in ("book_equity", "cash", "total_assets", "total_debt", "total_liabilities")
      if (e, i) not in {("morgan_stanley", "cash"), ("morgan_stanley", "total_debt"),
                        ("goldman_sachs", "cash"), ("goldman_sachs", "total_debt")}),
    *(("balance_sheets", (e, "market_cap")) for e in ("nvidia", "broadcom", "tsmc", "microsoft", "alphabet", "amazon", "meta")),
    ("balance_sheets", ("microsoft", "total_assets")), ("balance_sheets", ("microsoft", "total_liabilities")),
    ("balance_sheets", ("alphabet", "cash")), ("balance_sheets", ("alphabet", "total_assets")),
    ("balance_sheets", ("amazon", "book_equity")), ("balance_sheets", ("amazon", "cash")),
    ("balance_sheets", ("meta", "book_equity")), ("balance_sheets", ("meta", "total_assets")),
    ("balance_sheets", ("meta", "total_debt")), ("balance_sheets", ("meta", "total_liabilities")),
    ("balance_sheets", ("nebius", "cash")), ("balance_sheets", ("nebius", "total_debt")),
    ("balance_sheets", ("jpmorgan", "book_equity")), ("balance_sheets", ("jpmorgan", "total_liabilities")),
}
_UNQUOTED_NOTE = ("the cited document is given as the origin of this figure, but no sentence of it stating the "
                  "number was recorded; estimated until a source_quote is added")

# ----------------------------------------------------------------------------------------- as_of
# commitments whose as_of was a payment date: link -> (date the figure was reported, from the source)
AS_OF = {
    "c_oai_orcl": ("2025-09-10", "2027-01-01"),         # WSJ 2025-09-10 (was the first payment, 2027)
    "c_oai_msft": ("2025-10-28", "2026-01-01"),         # definitive agreement 2025-10-28
    "c_oai_msft_revshare": ("2025-10-28", "2026-01-01"),  # The Information 2025-09-30; agreement 2025-10-28
    "c_oai_amzn_trn": ("2026-02-27", "2026-06-01"),     # round announced 2026-02-27
    "c_oai_nv": ("2025-09-22", "2026-07-01"),           # LOI 2025-09-22
    "c_oai_amd": ("2025-10-06", "2026-07-01"),          # Form 8-K 2025-10-06
    "c_oai_avgo": ("2025-10-13", "2026-07-01"),         # release 2025-10-13
    "c_oai_crwv": ("2025-09-25", "2025-04-01"),         # last of the three 8-Ks, 2025-09-25
    "c_amzn_oai_invest": ("2026-02-27", "2026-06-01"),  # round announced 2026-02-27
    "c_orcl_nv": ("2025-05-31", "2025-06-01"),          # FT 2025-05
    "c_col_nv": ("2025-10-31", "2025-11-01"),           # Bloomberg/WSJ 2025-10
    "c_xai_colossus": ("2025-10-31", "2026-01-01"),     # Bloomberg/WSJ 2025-10
    "c_meta_crwv": ("2025-09-30", "2025-10-01"),        # 8-K 2025-09-30
    "c_ms_nbis": ("2025-09-08", "2025-11-01"),          # 6-K 2025-09-08
    "c_ms_nscale": ("2025-10-31", "2026-01-01"),        # agreements 2025-09 and 2025-10
    "c_ms_iren": ("2025-11-03", "2026-01-01"),          # 2025-11-03
    "c_ms_lambda": ("2025-11-03", "2026-01-01"),        # 2025-11-03
    "c_meta_googl": ("2025-08-21", "2025-09-01"),       # 2025-08-21
    "c_anth_goog": ("2025-10-23", "2026-01-01"),        # 2025-10-23
    "c_anth_msft": ("2025-11-18", "2026-01-01"),        # 2025-11-18
    "c_orcl_vantage": ("2025-10-24", "2026-07-01"),     # Bloomberg 2025-10-24
    "c_meta_hyperion": ("2025-10-22", "2029-01-01"),    # FT 2025-10-16; The Real Deal 2025-10-22 (was 2029)
    "c_ms_util": ("2024-09-20", "2028-01-01"),          # PPA 2024-09-20
    "c_meta_orcl": ("2025-09-18", "2026-01-01"),        # Bloomberg 2025-09-18
    "c_sb_oai_crystal": ("2025-02-03", "2025-04-01"),   # release 2025-02-03
    "c_amzn_talen": ("2025-06-11", "2025-07-01"),       # release 2025-06-11
    "c_meta_entergy": ("2025-08-20", "2028-01-01"),     # LPSC approval 2025-08-20
    "c_orcl_crusoe": ("2025-12-31", "2026-01-01"),      # press 2025
    "c_anth_nv": ("2025-11-18", "2026-01-01"),          # 2025-11-18
}


def _key(table: str, r: pd.Series):
    cols = KEYS[table]
    return r[cols[0]] if len(cols) == 1 else tuple(r[c] for c in cols)


def transform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table with ``source_quote`` (after ``source``), quotes filled, unstated rows estimated.

    A row that already has a quote is left as it is (a later sourcing pass may have replaced the
    recorded statement by the document's own sentence, or sourced a row this review estimated),
    and an ``as_of`` is changed only while it still holds the payment date it replaces."""
    df = df.copy()
    if "source_quote" not in df:
        df.insert(df.columns.get_loc("source") + 1, "source_quote", "")
    number = PROVENANCE_TABLES[table]
    for i, r in df.iterrows():
        k = (table, _key(table, r))
        where = [name for name, d in (("QUOTES", QUOTES), ("ESTIMATED", ESTIMATED)) if k in d] + \
                (["UNQUOTED"] if k in UNQUOTED else [])
        if len(where) > 1:
            raise SystemExit(f"{table} {k[1]!r} is in {' and '.join(where)}: review it once")
        quoted = bool(r["source_quote"].strip())
        if r["estimated"] == "false" and not quoted and not where:
            raise SystemExit(f"{table} {k[1]!r} is estimated=false but not reviewed here (QUOTES, ESTIMATED or UNQUOTED)")
        if k in QUOTES and not quoted:
            field, quote = QUOTES[k]
            if quote not in r[field]:
                raise SystemExit(f"{table} {k[1]!r}: the quote is not in its {field}: {quote!r}")
            if not quote_states(quote, float(r[number])):
                raise SystemExit(f"{table} {k[1]!r}: the quote does not write the number {r[number]}: {quote!r}")
            df.at[i, "source_quote"] = quote
        elif (k in ESTIMATED or k in UNQUOTED) and not quoted:
            text = ESTIMATED.get(k, _UNQUOTED_NOTE)
            df.at[i, "estimated"] = "true"
            if MARK not in r["note"]:
                df.at[i, "note"] = f"{r['note']}; {MARK} {text}" if r["note"] else f"{MARK} {text}"
        if table == "links" and r["link_id"] in AS_OF and r["as_of"] == AS_OF[r["link_id"]][1]:
            df.at[i, "as_of"] = AS_OF[r["link_id"]][0]
    gone = {k for k in [*QUOTES, *ESTIMATED, *UNQUOTED] if k[0] == table} - {(table, _key(table, r)) for _, r in df.iterrows()}
    if table == "links":
        gone |= {("links", k) for k in set(AS_OF) - set(df["link_id"])}
    for k in sorted(gone, key=str):
        print(f"note: {table} {k[1]!r} reviewed here is no longer in {table}.csv", file=sys.stderr)
    return df


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for table in PROVENANCE_TABLES:
        path = DATA / f"{table}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        text = transform(table, df).to_csv(index=False)
        if text != path.read_text():
            stale.append(path.name)
            if not check:
                path.write_text(text)
    if check:
        print("up to date" if not stale else f"not what add_source_quote.py writes: {', '.join(stale)}")
        return 1 if stale else 0
    print(f"rewrote {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Build the schema-v2 tables of ``data/`` (run from the repository root: ``python data/build/make_v2.py``).

This script is the authoring record of dataset v2: it starts from the v1 tables frozen in
``data/build/v1/`` (balance sheets of late 2025), applies the 2026 refresh and corrections with
their sources, adds the holder sectors and the AI credit stack, derives the estimated v2 fields
by the documented rules, and closes each aggregate as the remainder of its public sector total.
Every number it writes carries as_of, source, source_type, estimated and (for estimates) note; a
sourced number the script itself establishes carries the document's sentence in QUOTE (written to
source_quote). The corrections of issue 25, item 3 (nothing counted twice: Vantage debt, Amazon-OpenAI,
Nvidia LOI, Colossus 2, Hyperion and Vantage debt service, sector totals) are described in
data/SOURCES.md and checked by tests/test_data_consistency.py.

The whole pipeline, from the repository root (each later step is idempotent and has ``--check``)::

    python data/build/make_v2.py            # the tables
    python data/build/add_source_quote.py   # provenance review: recorded quotes kept, unstated numbers estimated
    python data/build/apply_quotes.py       # sourcing passes: the documents' own sentences (data/build/quotes/)
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

ROOT = Path(__file__).resolve().parents[2] / "data"
V1 = Path(__file__).resolve().parent / "v1"
MCAP_DATE = "2026-01-15"

# ---------------------------------------------------------------- sources (short keys)
S = {
    "seed002": ("seed:002_1024bdc4711c6b81.txt", "seed"),
    "nv_q1fy27": ("NVIDIA Form 8-K, CFO commentary on Q1 FY2027 results (quarter ended 2026-04-26), "
                  "https://www.stocktitan.net/sec-filings/NVDA/8-k-nvidia-corp-reports-material-event-56086a88bbb4.html ; "
                  "Form 10-Q quarter ended 2026-04-26 https://www.stocktitan.net/sec-filings/NVDA/10-q-nvidia-corp-quarterly-earnings-report-d1a46e09c46a.html", "filing"),
    "orcl_q3fy26": ("Oracle Form 10-Q and 8-K, quarter ended 2026-02-28 (results 2026-03-10) "
                    "https://d18rn0p25nwr6d.cloudfront.net/CIK-0001341439/30fad5f0-103d-4b10-a722-852e402ee188.html ; "
                    "https://www.stocktitan.net/sec-filings/ORCL/8-k-oracle-corp-reports-material-event-09287a3e58c4.html", "filing"),
    "orcl_q2fy26": ("Oracle balance sheet, quarter ended 2025-11-30 https://stockanalysis.com/stocks/orcl/financials/balance-sheet/?p=trailing", "filing"),
    "meta_q1_26": ("Meta Q1 2026 results (2026-04-29) and Form 10-Q filed 2026-04-30 "
                   "https://research.aardvarklabs.co/research/meta/earnings/2026-q1/meta-2026-q1-recap ; "
                   "https://www.sawse.com/articles/meta-meta-10-q-filing-analysis-for-2026-04-30-0001628280-26-028526", "filing"),
    "crwv_q1_26": ("CoreWeave Form 10-Q, quarter ended 2026-03-31 (filed 2026-05-08), as summarised in "
                   "https://alphasteve.pages.dev/papers/2026-06-29-coreweave-edge-of-network-financing-turn ; "
                   "https://www.capefearadvisors.com/strategy-lab/coreweave-taken-as-a-whole", "filing"),
    "crwv_debt": ("CoreWeave Form 10-Q quarter ended 2025-06-30, note 10 Debt "
                  "https://www.sec.gov/Archives/edgar/data/1769628/000114036125032095/R41.htm", "filing"),
    "oai_fin": ("OpenAI 2025 revenue ~13.1 and 2025 cash-burn target 8.5 (The Information, 2025-09-30; "
                "shareholder documents reported 2026-04) https://www.ainvest.com/news/openai-prints-4-3b-revenue-torches-billions-cash-era-defining-money-furnace-2509 ; "
                "https://ttm.financial/m/news/1197658515 ; https://aiforautomation.io/news/2026-03-29-openai-25b-revenue-loses-169-per-dollar", "press"),
    "oai_round": ("OpenAI USD 110 bn round at USD 730 bn pre-money (2026-02-27: Amazon 50, Nvidia 30, SoftBank 30), "
                  "closed at USD 122 bn, USD 852 bn post-money (2026-03-31) "
                  "https://thetechportal.com/2026/02/27/openai-closes-110bn-funding-round-led-by-amazon-nvidia-and-softbank-at-730bn-valuation/ ; "
                  "https://www.verdict.co.uk/openai-raises-110bn-ahead-ipo/ ; "
                  "https://www.beta.mangopeoplenews.com/article/the-trillion-dollar-game-nobody-fully-understands-inside-the-ai-funding-frenzy-that-is-rewriting-the-rules-of-money-power-and-technology", "press"),
    "sb_oai": ("SoftBank completes USD 40-41 bn OpenAI investment, ~11 % stake (second closing 2025-12-26; CNBC/Reuters 2025-12-30) "
               "https://www.techzine.eu/news/infrastructure/137570/softbank-completes-40-billion-investment-in-openai/ ; "
               "https://www.engineeringmix.com/softbank-41-billion-openai-investment-completed ; follow-on USD 30 bn, cumulative 64.6, ~13 %, "
               "financed by bridge loans (SoftBank 2026-02-27) https://www.verdict.co.uk/openai-raises-110bn-ahead-ipo/", "press"),
    "sb_bridge": ("SoftBank seeks USD 40 bn 12-month bridge loan from four banks incl. JPMorgan (Bloomberg, 2026-03-06) "
                  "https://www.outlookbusiness.com/corporate/softbank-in-talks-for-40bn-loan-to-increase-investment-in-openai", "press"),
    "anth_g": ("Anthropic Series G USD 30 bn at USD 380 bn post-money (2026-02-12; GIC, Coatue lead), run-rate revenue USD 14 bn, "
               "then ~30 bn by 2026-04 https://thedailyscout.com/s/gOUjELJl8hw ; https://www.discoverheadlines.com/2026/02/the-ai-gold-rush-anthropics-380bn.html", "press"),
    "mcap": ("Largest companies by market cap, data as of 2026-01-15 https://marketwise.com/investing/worlds-most-valuable-companies-trillion-dollar-stocks", "press"),
    "bostonfed": ("Boston Fed SRA note, 'Bank Lending to Private Equity and Private Credit Funds' (2025-05-07): large banks' "
                  "commitments ~USD 300 bn in 2023 https://www.bostonfed.org/news-and-events/news/2025/05/are-private-equity-lending-private-credit-funds-large-banks-loans-increasing.aspx", "aggregate"),
    "fedpc": ("Federal Reserve FEDS Notes 2025-05-23: private credit USD 1.34 tn US, ~2 tn global (2024Q2) "
              "https://www.federalreserve.gov/econres/notes/feds-notes/bank-lending-to-private-credit-size-characteristics-and-financial-stability-implications-20250523.html", "aggregate"),
    "chifed": ("Chicago Fed WP 2025-09: life insurers' private placements USD 849 bn = 14 % of balance sheets (2024) "
               "https://www.chicagofed.org/publications/working-papers/2025/2025-09", "aggregate"),
    "kbra": ("KBRA research 2025-05-30: US data-centre ABS/CMBS issuance USD 48.69 bn across 88 deals since 2018 "
             "https://www.businesswire.com/news/home/20250530386886/en/KBRA-Releases-Research-Data-Centers-A-Comparison-of-ABS-and-CMBS-Structures ; "
             "2025 YTD 20.9 bn https://massimorhiggi.com/article/the-data-center-boom-unlocking-the-secrets-of-structured-markets", "aggregate"),
    "hyperion": ("Meta/Blue Owl Hyperion: Beignet Investor LLC USD 27.3 bn 6.58 % notes due 2049, PIMCO ~18 bn, BlackRock ~3 bn, "
                 "Blue Owl 80 % / Meta 20 %, Meta residual-value guarantee (FT 2025-10-16; The Real Deal 2025-10-22) "
                 "https://therealdeal.com/national/2025/10/22/pimco-rakes-in-2b-windfall-on-metas-data-center-debt ; "
                 "https://mail.fudzilla.net/news/ai/61913-blackrock-sinks-billions-into-meta-s-louisiana-ai-project ; seed:002_1024bdc4711c6b81.txt", "press"),
    "vantage": ("Vantage Frontier (TX, 23.25) and Lighthouse (WI, 14.75) construction loans, JPMorgan and MUFG lead, ~SOFR+2.5 %, "
                "4 + 2 years (Bloomberg 2025-10-24) https://www.idcnova.com/html/1/59/153/4118.html ; "
                "https://parameter.io/oracle-orcl-stock-shares-rise-as-38b-financing-boosts-ai-ambitions ; seed:002_1024bdc4711c6b81.txt", "press"),
    "colossus": ("xAI Colossus 2 GPU SPV: 7.5 equity + 12.5 debt, Valor-led, Apollo and Diameter lenders, Nvidia up to 2 bn of the equity, "
                 "5-year GPU lease to xAI (Bloomberg/WSJ 2025-10) https://www.inkl.com/news/musk-s-net-worth-nears-500b-again-as-xai-eyes-20-billion-nvidia-chip-deal-for-colossus-2-data-centre ; "
                 "https://advancedainews.com/nvidia-shares-rise-after-joining-musks-20-billion-ai-funding-push ; seed:002_1024bdc4711c6b81.txt (~20 bn, 5 y, 10.5 %)", "press"),
}


# (table, key) -> the sentence of the cited document that states the row's number, verbatim
# (written to `source_quote`; key as in add_source_quote.py: link_id, (entity_id, item), ...)
QUOTE: dict = {}


def src(key):
    return S[key]


# ---------------------------------------------------------------- entities
v1e = pd.read_csv(V1 / "entities.csv", dtype=str, keep_default_na=False)
ROLES = {
    "chipmaker": "sells_hardware", "hyperscaler": "sells_compute;sells_services;uses_compute",
    "ai_lab": "sells_services;uses_compute", "neocloud": "sells_compute;uses_compute",
    "datacenter_spv": "leases_dc", "utility": "sells_power", "bank": "finances", "private_credit": "finances",
    "insurer": "finances", "pension_fund": "finances", "asset_manager": "finances", "investor": "finances",
    "outside": "finances",
}
ents = []
for _, r in v1e.iterrows():
    kind = "asset_manager" if r.id == "pimco" else r.kind
    roles = ROLES[kind]
    if r.id == "meta":
        roles = "sells_services;uses_compute"
    if r.id == "colossus2_spv":
        roles = "sells_compute"
    note = r.note
    if r.id == "pimco":
        note = "PIMCO bond and asset-based-finance funds (Allianz); anchor buyer of the Hyperion bonds. v2: an asset manager, no longer private credit (fixes the double count)"
    if r.id == "outside":
        note = "rest of the world: households and foreign holders not in the named holder sectors, other bondholders; holds only the remainder of each free float and of each borrower's debt"
    if r.id == "colossus2_spv":
        note = ("Valor Compute Infrastructure (Valor-led GPU vehicle for xAI's Colossus 2): bought ~USD 5.4 bn of Nvidia GB200 compute "
                "infrastructure and leases it to an xAI subsidiary (triple-net), financed by an Apollo-led USD 3.5 bn loan, Nvidia an anchor "
                "investor; the planned USD 20 bn (7.5 equity + up to 12.5 debt) was not closed as such")
    if r.id == "private_credit_other":
        note = ("remainder of the ~USD 2.2 tn private-credit market after the named funds (sector_totals.csv), incl. Ares, Diameter, Carlyle, CDPQ, "
                "Coatue credit, BlackRock's private credit (HPS), BDCs")
    ents.append(dict(id=r.id, name=r["name"], kind=kind, listed=r.listed, country=r.country, roles=roles,
                     aggregate=str(r.id in ("venture_capital", "regional_banks", "private_credit_other", "utilities_us", "outside")).lower(),
                     note=note))
NEW = [
    ("crusoe", "Crusoe Energy Systems", "neocloud", "false", "US", "sells_compute;leases_dc", "false", "developer/operator of the Abilene (Stargate) campus; Blue Owl and Primary Digital JV partners"),
    ("lambda_labs", "Lambda Inc.", "neocloud", "false", "US", "sells_compute", "false", "GPU cloud; Microsoft and Nvidia contracts"),
    ("nscale", "Nscale Global Holdings", "neocloud", "false", "GB", "sells_compute", "false", "UK neocloud; Microsoft GPU capacity contracts"),
    ("iren", "IREN Ltd", "neocloud", "true", "AU", "sells_compute", "false", "former bitcoin miner; Microsoft 5-year GPU cloud contract"),
    ("dc_abs_issuers", "Data-centre ABS and CMBS issuers (aggregate)", "datacenter_spv", "false", "US", "leases_dc", "true",
     "master trusts and single-borrower CMBS of stabilised data centres (QTS, Vantage, Switch, Aligned, CyrusOne, Stack ...)"),
    ("banks_other", "Other global banks (aggregate)", "bank", "false", "XX", "finances", "true",
     "banks outside the named groups that join AI construction and fund-finance syndicates (Wells Fargo, BNP Paribas, SMBC, Mizuho, SocGen, Citi ...)"),
    ("athene", "Athene Holding (Apollo)", "insurer", "false", "US", "finances", "false", "Apollo's retirement-services insurer; funds Apollo-originated private credit on its balance sheet"),
    ("insurers_other", "Other life and P&C insurers (aggregate)", "insurer", "false", "XX", "finances", "true",
     "remainder of the US life-insurance general accounts after Athene (sector_totals.csv)"),
    ("calpers", "California Public Employees' Retirement System", "pension_fund", "false", "US", "finances", "false", "largest US public pension fund; private-credit LP"),
    ("pension_funds_other", "Other pension funds (aggregate)", "pension_fund", "false", "XX", "finances", "true", "US and foreign DB/DC pension funds"),
    ("vanguard", "The Vanguard Group (funds)", "asset_manager", "false", "US", "finances", "false", "index mutual funds and ETFs"),
    ("blackrock", "BlackRock (funds)", "asset_manager", "false", "US", "finances", "false",
     "iShares and active funds; Hyperion bond buyer; its private-credit funds (HPS) are counted in private_credit_other"),
    ("asset_managers_other", "Other mutual, bond and exchange-traded funds (aggregate)", "asset_manager", "false", "XX", "finances", "true",
     "other US and foreign funds, incl. retail wealth vehicles"),
]
for t in NEW:
    ents.append(dict(zip(("id", "name", "kind", "listed", "country", "roles", "aggregate", "note"), t)))
E = pd.DataFrame(ents)
KIND = dict(zip(E.id, E.kind))
LISTED = dict(zip(E.id, E.listed.eq("true")))

# ---------------------------------------------------------------- balance sheets
v1b = pd.read_csv(V1 / "balance_sheets.csv", dtype=str, keep_default_na=False)
BS = {}   # (entity, item) -> dict(value, as_of, source, source_type, estimated, note)


def classify(source: str, est: bool) -> str:
    if est:
        return "estimate"
    s = source.lower()
    if any(k in s for k in ("form 10-q", "form 10-k", "20-f", "6-k", "10-q", "interim report", "sec.gov", "annual report", "filing")):
        return "filing"
    if s.startswith("seed:") and "press" not in s:
        return "seed"
    if "aggregate" in s or "fdic" in s or "z.1" in s or "eei" in s:
        return "aggregate"
    return "press"


for _, r in v1b.iterrows():
    est = r.estimated.lower() == "true"
    note = r.note
    if est and not note:
        note = "v1 estimate (late 2025) carried forward; method as in the v1 source text: " + r.source[:160]
    BS[(r.entity_id, r["item"])] = dict(value=float(r.value), as_of=r.as_of, source=r.source,
                                        source_type=classify(r.source, est), estimated=est, note=note)
BS.pop(("outside", "market_cap"), None)


def put(e, item, value, as_of, key=None, note="", source=None, stype=None):
    if key is not None:
        source, stype = S[key]
    est = stype in ("estimate", "reconstruction")
    BS[(e, item)] = dict(value=float(value), as_of=as_of, source=source, source_type=stype, estimated=est, note=note)


def est(e, item, value, as_of, note, source="estimate (see note)"):
    put(e, item, value, as_of, source=source, stype="estimate", note=note)


# -- corrections and 2026 refresh
put("nvidia", "revenue", 253.4, "2026-04-26", "nv_q1fy27", "TTM = Q2 FY26 46.7 + Q3 57.0 + Q4 68.1 + Q1 FY27 81.6")
put("oracle", "revenue", 64.1, "2026-02-28", "orcl_q3fy26", "TTM: nine months to 2026-02-28 48.2 + Q4 FY25 15.9")
est("oracle", "total_debt", 133.0, "2026-02-28",
    "v1 was ~15 bn short: notes payable 108 at 2025-11-30 (orcl_q2fy26, incl. the USD 18 bn Sept-2025 bonds) plus ~25 bn of "
    "investment-grade bonds of the 2026 USD 50 bn financing programme (8-K 2026-03-10: 30 bn raised via IG bonds and mandatory "
    "convertible preferred; we take 25 bn as bonds)", source=S["orcl_q3fy26"][0])
est("oracle", "total_liabilities", 205.0, "2026-02-28", "v1 liabilities 175 plus the new bonds (+25) and lease/deferred growth (+5)", source=S["orcl_q3fy26"][0])
est("oracle", "total_assets", 245.0, "2026-02-28", "v1 205 plus bond proceeds invested in PP&E (capex guidance FY26 USD 50 bn)", source=S["orcl_q3fy26"][0])
est("oracle", "book_equity", 40.0, "2026-02-28", "assets − liabilities; includes the mandatory convertible preferred (~5)", source=S["orcl_q3fy26"][0])
put("oracle", "capex", 50.0, "2026-02-28", "orcl_q3fy26", "FY2026 capex guidance USD 50 bn")
put("meta", "capex", 135.0, "2026-03-31", "meta_q1_26", "2026 capex guidance raised to USD 125-145 bn (midpoint 135)")
# AI share of capex (hyperscalers): the share of the 2026 capex above the pre-boom (2022-23) level,
# which the companies attribute to AI infrastructure (servers, GPUs, data centres).
PRE_BOOM = {"microsoft": (28.1, 2022, 127.5, "https://marketnewsdata.com/?p=89685 (capex table MSFT/AMZN/GOOGL 2020-2024)"),
            "alphabet": (32.3, 2023, 185.0, "https://marketnewsdata.com/?p=89685 (capex table MSFT/AMZN/GOOGL 2020-2024)"),
            "amazon": (52.7, 2023, 200.0, "https://marketnewsdata.com/?p=89685 (capex table MSFT/AMZN/GOOGL 2020-2024)"),
            "meta": (28.1, 2023, 135.0, "https://valueaddvc.com/blog/meta-65b-ai-capex-2025-what-zuckerberg-is-building-and-why-its-different (Meta capex by year)")}
for e, (pre, year, now, src) in PRE_BOOM.items():
    put(e, "ai_share_capex", round(1 - pre / now, 3), "2026-03-31", None,
        f"1 - {year} capex {pre} / 2026 capex {now}: the share above the pre-boom level", source=src, stype="estimate")
put("meta", "revenue", 214.6, "2026-03-31", "meta_q1_26", "TTM: 2025 revenue ~200.6 + Q1 2026 56.31 − Q1 2025 42.3")
put("coreweave", "revenue", 6.2, "2026-03-31", "crwv_q1_26", "TTM: 2025 ~5.05 − Q1 2025 0.98 + Q1 2026 2.08")
put("coreweave", "total_debt", 25.0, "2026-03-31", "crwv_q1_26", "about USD 25 bn of debt against 36.4 bn of PP&E at 2026-03-31")
est("coreweave", "total_assets", 48.0, "2026-03-31", "PP&E 36.4 (10-Q) + cash, receivables, ROU assets ~11.6", source=S["crwv_q1_26"][0])
est("coreweave", "total_liabilities", 42.0, "2026-03-31", "debt 25 + leases, customer liabilities and payables ~17", source=S["crwv_q1_26"][0])
est("coreweave", "book_equity", 6.0, "2026-03-31", "assets − liabilities", source=S["crwv_q1_26"][0])
est("coreweave", "cash", 3.0, "2026-03-31", "order of magnitude from the Q1 2026 liquidity discussion", source=S["crwv_q1_26"][0])
put("openai", "revenue", 13.1, "2025-12-31", "oai_fin", "reported 2025 revenue ~13.1 (v1's 20 was the end-2025 run rate); Q1 2026 revenue 5.7")
est("openai", "opex", 21.6, "2025-12-31", "cash cost = revenue 13.1 + 2025 cash burn 8.5 (The Information target; cash burn, not the accounting loss of ~39)",
    source=S["oai_fin"][0])
est("openai", "cash", 60.0, "2026-03-31", "end-2025 cash ~40 after SoftBank's 22.5 second closing, less Q1 2026 burn 3.7, plus the first cash of the 2026 round "
    "(Amazon 15 upfront; Nvidia and SoftBank tranches) — order of magnitude", source=S["oai_round"][0])
est("openai", "total_assets", 140.0, "2026-03-31", "cash 60 + compute prepayments, stakes and PP&E ~80 (v1 110 scaled)", source=S["oai_round"][0])
est("openai", "book_equity", 110.0, "2026-03-31", "assets − liabilities", source=S["oai_round"][0])
est("openai", "total_liabilities", 30.0, "2026-03-31", "deferred revenue, payables, revenue-share accruals", source=S["oai_round"][0])
est("openai", "equity_raise", 60.0, "2026-03-31", "remaining committed 2026 round cash (Amazon 35 conditional, SoftBank and Nvidia tranches) per year", source=S["oai_round"][0])
put("openai", "valuation", 852.0, "2026-03-31", "oai_round", "post-money of the USD 122 bn round")
put("anthropic", "valuation", 380.0, "2026-02-12", "anth_g", "Series G post-money; a round near USD 900 bn+ was reported in talks in May 2026")
est("anthropic", "revenue", 14.0, "2026-02-12", "run-rate at the Series G (annualised, not a fiscal year)", source=S["anth_g"][0])
est("anthropic", "opex", 20.0, "2026-02-12", "run-rate revenue 14 plus cash burn ~6 (burn forecast ~1/3 of revenue in 2026)", source=S["anth_g"][0])
est("anthropic", "cash", 45.0, "2026-03-31", "v1 25 plus Series G 30, less burn", source=S["anth_g"][0])
est("anthropic", "total_assets", 60.0, "2026-03-31", "cash 45 + other ~15", source=S["anth_g"][0])
est("anthropic", "book_equity", 50.0, "2026-03-31", "assets − liabilities 10", source=S["anth_g"][0])
est("anthropic", "total_liabilities", 10.0, "2026-03-31", "payables and deferred revenue", source=S["anth_g"][0])
est("xai", "valuation", 230.0, "2026-01-06", "Series E of USD 20 bn (announced 2026-01-06, Nvidia participating) at ~230 bn reported; order of magnitude",
    source="xAI Series E announcement 2026-01-06 (press)")
est("crusoe", "valuation", 13.0, "2025-12-01", "Series E (~1.4 bn) at ~13 bn+ reported late 2025", source="press reports on Crusoe's 2025 funding round")
est("lambda_labs", "valuation", 6.0, "2025-11-18", "Series E (~1.5 bn, Nov 2025) valuation not published; order of magnitude", source="press reports on Lambda's Nov-2025 round")
est("nscale", "valuation", 3.0, "2025-09-25", "Series B (USD 1.1 bn, Sept 2025) valuation not published; order of magnitude", source="press reports on Nscale's Series B")
# SoftBank: bridge loan drawn for the OpenAI follow-on
est("softbank", "total_debt", 205.0, "2026-03-31", "v1 165 + the OpenAI bridge loans drawn (~40, sb_bridge) ", source=S["sb_bridge"][0])
est("softbank", "total_liabilities", 265.0, "2026-03-31", "v1 225 + bridge 40", source=S["sb_bridge"][0])
est("softbank", "total_assets", 380.0, "2026-03-31", "v1 320 + OpenAI follow-on at cost 30 + cash from bridge; order of magnitude", source=S["sb_bridge"][0])
est("softbank", "book_equity", 115.0, "2026-03-31", "assets − liabilities", source=S["sb_bridge"][0])

# -- 2026 refresh, batch 2 (issue 10 follow-up): listed firms' latest 2026 filings reached with the search tool.
# Figures are taken from the filings (or the filing's exhibit 99.1 earnings release); TTM flows are sums of the
# reported quarters named in each note. Items not found in a 2026 filing keep their v1 row (see SOURCES.md,
# "Firms on pre-2026 figures"). DIV_FILED / CR_FILED keep the derived-item loops below from overwriting them.
S.update({
    "amzn_q1_26": ("Amazon.com Form 10-Q and 8-K (ex. 99.1), quarter ended 2026-03-31 (results 2026-04-29; 10-Q accession 0001018724-26-000014) "
                   "https://mtrustcompany.marketminute.com/article/bizwire-2026-4-29-amazoncom-announces-first-quarter-results ; "
                   "https://wvcqmsaqxcoshogpzqlh.supabase.co/storage/v1/object/public/filings/1018724/0001018724-26-000014/R23.htm", "filing"),
    "googl_q1_26": ("Alphabet Form 8-K (ex. 99.1) and Form 10-Q, quarter ended 2026-03-31 (results 2026-04-29) "
                    "https://www.stocktitan.net/sec-filings/GOOGL/8-k-alphabet-inc-reports-material-event-99e4ee982355.html ; "
                    "https://stocktitan.net/sec-filings/GOOG/10-q-alphabet-inc-quarterly-earnings-report-68933f1b9e75.html ; quarterly series "
                    "https://belcourt.vercel.app/GOOGL/earnings/2026Q1-review-claude", "filing"),
    "msft_q3fy26": ("Microsoft Form 8-K (ex. 99.1), quarter ended 2026-03-31 (filed 2026-04-29, accession 0001193125-26-191457) "
                    "https://secwatch.observer/filing/0001193125-26-191457.md ; Q1 FY26 results https://reportify.ai/transcripts/1181137959815090176 ; "
                    "capex https://research.aardvarklabs.co/research/msft/earnings/2026-q3/msft-2026-q3-flashcap", "filing"),
    "msft_10k_fy26": ("Microsoft Form 10-K, fiscal year ended 2026-06-30 (filed 2026-07-29, accession 0001193125-26-323660) "
                      "https://www.sec.gov/Archives/edgar/data/789019/000119312526323660/msft-20260630.htm", "filing"),
    "meta_10k25": ("Meta Platforms Form 10-K, year ended 2025-12-31 (filed 2026-01-29), balance sheet as tabulated in "
                   "https://www.stock-analysis-on.net/NASDAQ/Company/Meta-Platforms-Inc/Financial-Statement/Liabilities-and-Stockholders-Equity/Quarterly-Data ; "
                   "https://portfoliosavvy.com/fin/0001326801-meta-platforms-inc ; https://stockanalysis.com/stocks/meta/financials/balance-sheet/?p=trailing", "filing"),
    "nv_q1fy27_cf": ("NVIDIA Q1 FY2027 results (quarter ended 2026-04-26; CFO commentary 8-K and 10-Q): ~USD 20 bn returned in the quarter, "
                     "FCF 48.6 bn https://bulios.com/status/267640-nvidia-q1-2027-unprecedented-growth-brutal-cash-flow-and-massive-shareholder-reward ; "
                     "https://www.stocktitan.net/sec-filings/NVDA/8-k-nvidia-corp-reports-material-event-56086a88bbb4.html", "filing"),
    "jpm_q1_26": ("JPMorgan Chase Form 10-Q and 8-K, quarter ended 2026-03-31 (8-K 2026-04-14, accession 0001628280-26-024990; 10-Q "
                  "https://www.sec.gov/Archives/edgar/data/19617/000162828026029344/jpm-20260331.htm) "
                  "https://secwatch.observer/filing/0001628280-26-024990.md ; "
                  "https://www.stocktitan.net/sec-filings/AMJB/10-q-jpmorgan-chase-co-quarterly-earnings-report-0cc7e9e7947c.html", "filing"),
})
DIV_FILED, CR_FILED = set(), set()

# Amazon: Q1 2026 (10-Q / release)
put("amazon", "revenue", 742.8, "2026-03-31", "amzn_q1_26", "TTM net sales = Q2 2025 167.7 + Q3 180.2 + Q4 213.4 + Q1 2026 181.5")
put("amazon", "opex", 594.3, "2026-03-31", "amzn_q1_26", "revenue TTM 742.8 − operating cash flow TTM 148.5 (release)")
put("amazon", "dividends_buybacks", 0.0, "2026-03-31", "amzn_q1_26", "no dividend; no repurchases in Q1 2025 or Q1 2026 (10-Q note Stockholders' equity)")
DIV_FILED.add("amazon")
est("amazon", "capex", 200.0, "2026-03-31", "2026 capex guidance ~USD 200 bn (Q4 2025 call, held at Q1 2026: "
    "https://ouralpha.app/en/amzn-deep-dive-aws-ai-capex-anthropic/); TTM purchases of PP&E net of incentives were 147.3 (OCF 148.5 − FCF 1.2, release)",
    source=S["amzn_q1_26"][0])
put("amazon", "book_equity", 411.065, "2025-12-31", "amzn_q1_26", "total stockholders' equity at 2025-12-31 (beginning balance in the Q1 2026 10-Q equity table)")
# Refresh of 2026-12-07: long-term debt at 2026-06-30 (Q2 2026 10-Q, accession 0001018724-26-000026, Note 5), as tabulated in a
# public reading of the filing; the 10-Q's total assets and liabilities were not found in a readable source, so they stay as they are.
S["amzn_q2_26"] = ("Amazon.com Form 10-Q, quarter ended 2026-06-30 (filed 2026-07-31, accession 0001018724-26-000026) "
                   "https://www.sec.gov/Archives/edgar/data/1018724/000101872426000026/", "filing")
est("amazon", "total_debt", 133.0, "2026-06-30", "face value of long-term debt 68.8 at 2025-12-31 -> 133.0 at 2026-06-30 (10-Q Note 5, incl. "
    "the 2026 notes and the USD 17.5 bn delayed-draw term loan of 2026-06-10), as tabulated in a public reading of the filing; no line "
    "of the filing recorded", source=S["amzn_q2_26"][0])

# Alphabet: Q1 2026 (8-K / 10-Q)
put("alphabet", "revenue", 422.4, "2026-03-31", "googl_q1_26", "TTM = Q2 2025 96.4 + Q3 102.3 + Q4 113.8 + Q1 2026 109.9")
put("alphabet", "opex", 247.9, "2026-03-31", "googl_q1_26", "revenue TTM 422.4 − operating cash flow TTM 174.5 (= free cash flow 64.5 + capex 110.0, quarters Q2 2025-Q1 2026)")
put("alphabet", "capex", 185.0, "2026-03-31", note="2026 capex guidance raised to USD 180-190 bn (midpoint, Q1 2026 call); Q1 2026 capex 35.7, TTM 110.0 (8-K)", source=S["googl_q1_26"][0], stype="company")
# Refresh of 2026-12-07: long-term debt at 2026-06-30 (Q2 2026 10-Q, accession 0001652044-26-000071), as tabulated in a public
# reading of the filing; the 10-Q's total assets, liabilities and equity were not found in a readable source.
S["googl_q2_26"] = ("Alphabet Form 10-Q, quarter ended 2026-06-30 (filed 2026-07-23, accession 0001652044-26-000071) "
                    "https://www.sec.gov/Archives/edgar/data/1652044/000165204426000071/goog-20260630.htm", "filing")
est("alphabet", "total_debt", 98.165, "2026-06-30", "long-term debt 4.685 (FY2019) -> 98.165 at 2026-06-30 (incl. the USD 25 bn Nov-2025 and "
    "USD 30 bn Feb-2026 bonds), as tabulated from the 10-Q in a public reading of the filing; no line of the filing recorded",
    source=S["googl_q2_26"][0])

# Microsoft: flows to 2026-03-31 (Q3 FY26 8-K), balance sheet at 2025-12-31 (Q2 FY26 10-Q)
est("microsoft", "revenue", 318.3, "2026-03-31", "TTM = Q4 FY25 76.4 + Q1 FY26 77.7 + Q2 81.3 + Q3 82.9; the Q4 FY25 quarter inputs were not read from a retrieved filing page, so the row is marked estimated", source=S["msft_q3fy26"][0])
est("microsoft", "opex", 148.0, "2026-03-31", "revenue TTM 318.3 − operating cash flow TTM 170.3 (Q4 FY25 42.7 + Q1 FY26 45.1 + Q2 35.8 + Q3 46.7); the Q4 FY25 quarter inputs were not read from a retrieved filing page, so the row is marked estimated", source=S["msft_q3fy26"][0])
est("microsoft", "capex", 127.5, "2026-03-31", "TTM capital expenditures incl. finance leases: Q4 FY25 24.2 + Q1 FY26 34.9 + Q2 37.5 + Q3 30.9; the Q4 FY25 quarter inputs were not read from a retrieved filing page, so the row is marked estimated", source=S["msft_q3fy26"][0])
est("microsoft", "dividends_buybacks", 42.0, "2026-03-31", "about 4 × 10.5: returned 10.7 in Q1 FY26 and 10.2 in Q3 FY26 (releases)", source=S["msft_q3fy26"][0])
DIV_FILED.add("microsoft")
# Balance sheet at 2026-06-30 (FY2026 10-K; refresh of 2026-12-07, replacing the 2025-12-31 10-Q figures). Table lines are
# recorded as "row label | current-year value" of the filed statement (USD millions).
put("microsoft", "cash", 76.843, "2026-06-30", "msft_10k_fy26", "cash and cash equivalents + short-term investments (total 76,843 on the "
    "balance sheet; equity and other investments of 36.3 excluded)")
QUOTE[("balance_sheets", ("microsoft", "cash"))] = ("Cash, cash equivalents, and short-term investments totaled $76.8 billion and $94.6 billion "
                                                   "as of June 30, 2026 and 2025, respectively.")
put("microsoft", "total_assets", 758.376, "2026-06-30", "msft_10k_fy26", "consolidated balance sheet, total assets")
QUOTE[("balance_sheets", ("microsoft", "total_assets"))] = "Total assets | 758,376"
put("microsoft", "book_equity", 442.387, "2026-06-30", "msft_10k_fy26", "consolidated balance sheet, total stockholders' equity")
QUOTE[("balance_sheets", ("microsoft", "book_equity"))] = "Total stockholders’ equity | 442,387"
est("microsoft", "total_liabilities", 315.989, "2026-06-30", "total assets 758.376 − total stockholders' equity 442.387 (10-K balance sheet)",
    source=S["msft_10k_fy26"][0])
est("microsoft", "total_debt", 40.294, "2026-06-30", "long-term debt incl. current portion (leases excluded) as tabulated from the 10-K "
    "balance sheet in a public model of the filing; no line of the filing recorded. 40.262 at 2025-12-31", source=S["msft_10k_fy26"][0])
# FY2026 revenue = the trailing twelve months to 2026-06-30 (same basis as the TTM above); opex by the same method
put("microsoft", "revenue", 331.839, "2026-06-30", "msft_10k_fy26", "fiscal year to 2026-06-30 (income statement, total revenue)")
QUOTE[("balance_sheets", ("microsoft", "revenue"))] = "Total revenue | 331,839"
est("microsoft", "opex", 148.904, "2026-06-30", "revenue FY2026 331.839 − net cash from operations FY2026 182.935 (10-K cash-flow statement)",
    source=S["msft_10k_fy26"][0])

# Meta: balance sheet at 2025-12-31 (10-K filed 2026-01-29); flows already 2026-03-31 (meta_q1_26)
put("meta", "cash", 81.592, "2025-12-31", "meta_10k25", "cash and equivalents 35.873 + marketable securities 45.719")
put("meta", "total_assets", 366.021, "2025-12-31", "meta_10k25", "")
put("meta", "total_liabilities", 148.778, "2025-12-31", "meta_10k25", "")
put("meta", "book_equity", 217.243, "2025-12-31", "meta_10k25", "")
put("meta", "total_debt", 58.744, "2025-12-31", "meta_10k25", "long-term debt (the USD 30 bn Oct-2025 bond issue included; Hyperion SPV debt is off balance sheet)")
# Refresh of 2026-12-07: cash and debt at 2026-06-30 from the Q2 2026 10-Q; the 10-Q's total assets, liabilities and equity were
# not found in a readable source, so those three stay at 2025-12-31 as one consistent set.
S["meta_q2_26"] = ("Meta Platforms Form 10-Q, quarter ended 2026-06-30 (filed 2026-07-30, accession 0001628280-26-050705) "
                   "https://www.sec.gov/Archives/edgar/data/1326801/000162828026050705/meta-20260630.htm", "filing")
put("meta", "cash", 90.26, "2026-06-30", "meta_q2_26", "cash and cash equivalents 15.462 + marketable securities 74.798 (MD&A liquidity); "
    "13.55 of restricted cash equivalents in other assets excluded")
QUOTE[("balance_sheets", ("meta", "cash"))] = "Cash, cash equivalents, and marketable securities were $90.26 billion as of June 30, 2026."
est("meta", "total_debt", 83.664, "2026-06-30", "long-term debt, carrying value (USD 84.0 bn face after the USD 25 bn May-2026 notes), as "
    "tabulated from the 10-Q balance sheet and Note 8 in a public analysis of the filing; no line of the filing recorded",
    source=S["meta_q2_26"][0])
est("meta", "dividends_buybacks", 18.0, "2026-03-31", "2025: buybacks ~26 and dividends ~5.3 (10-K), but no repurchases in Q1 2026 (vs 12.75 in Q1 2025); "
    "TTM ≈ 31 − 12.75 ≈ 18 https://research.aardvarklabs.co/research/meta/earnings/2026-q1/meta-2026-q1-flashcap", source=S["meta_q1_26"][0])
DIV_FILED.add("meta")

# Nvidia: capital return (Q1 FY27)
est("nvidia", "dividends_buybacks", 60.0, "2026-04-26", "Q1 FY27 returned ~20 (buybacks + dividends); first half FY26 repurchases 24.2 (10-Q Q2 FY26); "
    "TTM order of magnitude 60", source=S["nv_q1fy27_cf"][0])
DIV_FILED.add("nvidia")

# Nvidia: Q2 FY2027 10-Q, quarter ended 2026-07-26 (refresh of 2026-12-07; replaces the 2025-10-26 balance sheet of v1)
S["nv_q2fy27"] = ("NVIDIA Form 10-Q, quarter ended 2026-07-26 (Q2 FY2027, filed 2026-08-26, accession 0001045810-26-000075) "
                  "https://www.sec.gov/Archives/edgar/data/1045810/000104581026000075/", "filing")
put("nvidia", "cash", 56.6, "2026-07-26", "nv_q2fy27", "cash, cash equivalents and marketable debt securities (MD&A liquidity); the 42.8 of "
    "marketable equity securities (stakes) excluded, as at 2025-10-26 (60.6, all debt securities)")
QUOTE[("balance_sheets", ("nvidia", "cash"))] = ("As of July 26, 2026, we had $56.6 billion in cash, cash equivalents, and marketable debt "
                                                "securities as well as $42.8 billion of marketable equity securities.")
for item, v, how in (("total_assets", 320.272, "total assets of the 10-Q balance sheet (= total liabilities 91.288 + shareholders' equity 228.984)"),
                     ("total_liabilities", 91.288, "total liabilities of the 10-Q balance sheet"),
                     ("book_equity", 228.984, "total shareholders' equity of the 10-Q balance sheet"),
                     ("total_debt", 33.366, "long-term debt 32.366 + short-term debt 1.0 (carrying value; 8.5 of notes at 2025-10-26 plus the "
                                            "USD 25.0 bn of senior notes issued in June 2026)")):
    est("nvidia", item, v, "2026-07-26", how + "; figure as tabulated from the filing by public analyses of it (two agree), no line of the "
        "filing recorded", source=S["nv_q2fy27"][0])
est("nvidia", "revenue", 302.97, "2026-07-26", "TTM = Q3 FY26 57.006 + Q4 68.127 + Q1 FY27 81.615 + Q2 FY27 96.221 (quarterly revenue as "
    "reported; sum computed)", source=S["nv_q2fy27"][0])

# JPMorgan: Q1 2026 (10-Q / 8-K)
put("jpmorgan", "total_assets", 4900.0, "2026-03-31", "jpm_q1_26", "total assets USD 4.9 tn (rounded as reported)")
est("jpmorgan", "revenue", 186.5, "2026-03-31", "v1 TTM 182.0 rolled forward by the Q1 2026 year-on-year change: net revenue 49.8 vs 45.3 (+10 %)",
    source=S["jpm_q1_26"][0])
est("jpmorgan", "dividends_buybacks", 49.0, "2026-03-31", "Q1 2026: net repurchases 8.1 + common dividend 1.50 × ~2.7 bn shares ≈ 4.1, annualised ×4",
    source=S["jpm_q1_26"][0])
DIV_FILED.add("jpmorgan")
put("jpmorgan", "capital_ratio", 0.143, "2026-03-31", "jpm_q1_26", "standardized CET1 ratio 14.3 %")
CR_FILED.add("jpmorgan")

# -- 2026 refresh, batch 3
S.update({
    "ms_q1_26": ("Morgan Stanley Form 10-Q, quarter ended 2026-03-31 "
                 "https://www.stocktitan.net/sec-filings/MSTLW/10-q-morgan-stanley-quarterly-earnings-report-bf39a06596bb.html", "filing"),
    "mufg_9m_26": ("MUFG Form 6-K (Feb 2026): consolidated summary report, nine months ended 2025-12-31 (J-GAAP) "
                   "https://www.stocktitan.net/sec-filings/MUFG/6-k-mitsubishi-ufj-financial-group-inc-current-report-foreign-issuer-1da301835cbb.html ; "
                   "H1 (2025-09-30) capital ratios https://www.stocktitan.net/sec-filings/MUFG/6-k-mitsubishi-ufj-financial-group-inc-current-report-foreign-issuer-7b3a2113d8ac.html", "filing"),
    "amd_q1_26": ("AMD Form 8-K (ex. 99.1) first-quarter 2026 results, quarter ended 2026-03-28 (2026-05-05) https://cdn2.el-balad.com/469123 ; "
                  "FY2025 results (2026-02-03) https://www.stifel.wallst.com/research/company/companyNews.asp?docKey=100-034u8988-1&symbol=AMD", "filing"),
    "avgo_q2fy26": ("Broadcom Form 8-K (ex. 99.1) second quarter fiscal 2026 results (quarter ended 2026-05-03; release 2026-06-03) "
                    "https://markets.ft.com/data/announce/full?dockey=600-202606031615PR_NEWS_USPRX____NY74543-1 ; earlier quarters "
                    "https://www.metricduck.com/company/AVGO ; Q4 FY25 8-K https://www.sec.gov/Archives/edgar/data/1730168/000173016825000116/avgo-11022025x8kxex99.htm", "filing"),
    "tsmc_q1_26": ("TSMC Form 6-K, Q1 2026 results (quarter ended 2026-03-31; EDGAR accession 0001046179-26-000199) "
                   "https://chip.jarvisbox.app/tsmc-q1-2026-earnings/ ; https://ainews.washinmura.jp/ainews/en/ank/ANK-2026-04-16-001", "filing"),
    "nbis_q1_26": ("Nebius Group Form 6-K, Q1 2026 results (quarter ended 2026-03-31; 2026-05-13) https://www.gongsmedia.com/?p=35037 ; "
                   "https://analysis.org/nebius-q1-2026-the-3-2-billion-customer-prepayment-that-matters-more-than-the-621-million-headline/ ; "
                   "FY2025 6-K (2026-02-12) https://www.stocktitan.net/sec-filings/NBIS/6-k-nebius-group-n-v-current-report-foreign-issuer-ed78201470e8.html", "filing"),
})
# Morgan Stanley
put("morgan_stanley", "capital_ratio", 0.151, "2026-03-31", "ms_q1_26", "Standardized CET1 ratio 15.1 %")
CR_FILED.add("morgan_stanley")
est("morgan_stanley", "revenue", 70.9, "2026-03-31", "v1 TTM 68.0 rolled forward by Q1 2026 net revenues 20.6 vs ~17.7 a year earlier (+16 %)", source=S["ms_q1_26"][0])
est("morgan_stanley", "dividends_buybacks", 13.4, "2026-03-31", "Q1 2026: repurchases 1.75 + dividend 1.00 × ~1.6 bn shares, annualised ×4", source=S["ms_q1_26"][0])
DIV_FILED.add("morgan_stanley")
# Refresh of 2026-12-07: balance sheet at 2026-06-30 (Q2 2026 10-Q, accession 0000895421-26-000212) as tabulated in a public reading
# of the filing (total assets checked there against the XBRL Assets fact); no line of the filing recorded, so all estimated.
S["ms_q2_26"] = ("Morgan Stanley Form 10-Q, quarter ended 2026-06-30 (filed 2026-08-04, accession 0000895421-26-000212) "
                 "https://www.sec.gov/Archives/edgar/data/895421/000089542126000212/", "filing")
for item, v, how in (("total_assets", 1675.057, "total assets of the 10-Q balance sheet (1,420.270 at 2025-12-31)"),
                     ("book_equity", 116.329, "Morgan Stanley shareholders' equity (111.632 at 2025-12-31)"),
                     ("total_liabilities", 1558.728, "total assets 1,675.057 − shareholders' equity 116.329 (non-controlling interests, ~1, "
                                                     "left in liabilities)"),
                     ("total_debt", 392.556, "borrowings of the 10-Q balance sheet (147.514 of them at fair value)")):
    est("morgan_stanley", item, v, "2026-06-30", how + "; figure as tabulated from the filing in a public reading of it, no line of "
        "the filing recorded", source=S["ms_q2_26"][0])
# MUFG (JPY at 155 per USD)
put("mufg", "total_assets", 2697.5, "2025-12-31", "mufg_9m_26", "total assets JPY 418,107.9 bn at 155 JPY/USD")
put("mufg", "book_equity", 147.2, "2025-12-31", "mufg_9m_26", "total net assets JPY 22,809.8 bn at 155 JPY/USD")
put("mufg", "total_liabilities", 2550.3, "2025-12-31", "mufg_9m_26", "total assets − total net assets")
put("mufg", "capital_ratio", 0.1408, "2025-09-30", "mufg_9m_26", "CET1 ratio 14.08 % at 2025-09-30 (H1 6-K); v1's ~11 % was low")
CR_FILED.add("mufg")
# AMD
put("amd", "revenue", 37.4, "2026-03-28", "amd_q1_26", "TTM = FY2025 34.6 − Q1 2025 7.438 + Q1 2026 10.253")
est("amd", "opex", 29.8, "2026-03-28", "revenue TTM 37.4 × v1 cash-cost ratio 0.797 (opex/revenue of the v1 TTM); Q1 2026 operating cash flow not reached",
    source=S["amd_q1_26"][0])
# Broadcom
put("broadcom", "revenue", 75.45, "2026-05-03", "avgo_q2fy26", "TTM = Q3 FY25 15.952 + Q4 FY25 18.015 + Q1 FY26 19.3 + Q2 FY26 22.187")
put("broadcom", "opex", 41.75, "2026-05-03", "avgo_q2fy26", "revenue TTM 75.45 − cash from operations TTM 33.7 (Q3 FY25 7.2 + Q4 7.703 + Q1 FY26 8.3 + Q2 10.493)")
# TSMC
est("tsmc", "revenue", 132.8, "2026-03-31", "v1 TTM 115.6 (to 2025-09-30) + Q4 2025 33.7 + Q1 2026 35.9 (NT$1,134.1 bn) − Q4 2024 26.9 − Q1 2025 25.5, USD",
    source=S["tsmc_q1_26"][0])
put("tsmc", "capex", 56.0, "2026-03-31", note="2026 capital budget guided to the high end of USD 52-56 bn (Q1 2026 call)", source=S["tsmc_q1_26"][0], stype="company")
# Nebius
put("nebius", "revenue", 0.878, "2026-03-31", "nbis_q1_26", "TTM = FY2025 0.5298 − Q1 2025 0.0509 + Q1 2026 0.399")
est("nebius", "opex", 0.76, "2026-03-31", "revenue TTM 0.878 − adjusted EBITDA TTM 0.118 (FY2025 −0.0649 − Q1 2025 −0.0537 + Q1 2026 0.1295); operating cash flow "
    "(2.26 in Q1 2026) is dominated by 3.2 bn of customer prepayments and is not used", source=S["nbis_q1_26"][0])
put("nebius", "cash", 3.7, "2025-12-31", "nbis_q1_26", "cash and cash equivalents at 2025-12-31 (FY2025 6-K)")
put("nebius", "total_debt", 4.1, "2025-12-31", "nbis_q1_26", "non-current debt at 2025-12-31 (FY2025 6-K)")

# -- market caps on ONE date
MC = {"nvidia": 4600, "alphabet": 4000, "microsoft": 3400, "amazon": 2600, "tsmc": 1800, "broadcom": 1600, "meta": 1600}
MC_EST = {"amd": (360, "price ~220 x 1.62 bn shares"), "oracle": (550, "price ~190 x 2.87 bn shares (10-Q cover)"),
          "coreweave": (45, "price ~90 x ~0.5 bn shares"), "nebius": (25, "price ~100 x 0.25 bn shares"),
          "iren": (13, "price ~45 x 0.29 bn shares"), "softbank": (150, "JPY price x 5.7 bn shares at ~155 JPY/USD"),
          "jpmorgan": (880, "price ~320 x 2.75 bn shares"), "mufg": (190, "ADR-equivalent price x 11.9 bn shares"),
          "morgan_stanley": (290, "price ~180 x 1.6 bn shares"), "goldman_sachs": (290, "price ~950 x 0.3 bn shares")}
for e, v in MC.items():
    put(e, "market_cap", v, MCAP_DATE, "mcap", "")
for e, (v, how) in MC_EST.items():
    est(e, "market_cap", v, MCAP_DATE, f"approximate market capitalisation on {MCAP_DATE}: {how}", source="estimate from share price and shares outstanding")

# -- new entities: full balance sheets (estimates unless noted)
def block(e, as_of, how, **items):
    for k, v in items.items():
        est(e, k, v, as_of, how)


NEWBS = {
    "crusoe": dict(cash=2, total_assets=20, total_liabilities=14, total_debt=11, book_equity=6, revenue=1.5, opex=1.2, capex=8,
                   revenue_growth=0.8, capex_growth=0.2, capex_floor_share=0.4, equity_raise=2, ai_share_compute=0.6, ai_share_hardware=0,
                   ai_share_services=0, ai_share_power=0, ai_share_lease=0.3, debt_avg_rate=0.08, debt_floating_share=0.8, debt_avg_maturity_years=4),
    "lambda_labs": dict(cash=1.5, total_assets=6, total_liabilities=4, total_debt=2.5, book_equity=2, revenue=0.8, opex=0.6, capex=3,
                        revenue_growth=0.7, capex_growth=0.2, capex_floor_share=0.3, equity_raise=1.5, ai_share_compute=1, ai_share_hardware=0,
                        ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.10, debt_floating_share=0.7, debt_avg_maturity_years=3),
    "nscale": dict(cash=1, total_assets=4, total_liabilities=2.5, total_debt=1.5, book_equity=1.5, revenue=0.2, opex=0.3, capex=4,
                   revenue_growth=1.5, capex_growth=0.3, capex_floor_share=0.3, equity_raise=2, ai_share_compute=1, ai_share_hardware=0,
                   ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.10, debt_floating_share=0.8, debt_avg_maturity_years=3),
    "iren": dict(cash=1.5, total_assets=7, total_liabilities=3.5, total_debt=3, book_equity=3.5, revenue=0.7, opex=0.4, capex=5,
                 revenue_growth=1.0, capex_growth=0.2, capex_floor_share=0.4, equity_raise=1, ai_share_compute=0.5, ai_share_hardware=0,
                 ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.03, debt_floating_share=0.0, debt_avg_maturity_years=5),
    "dc_abs_issuers": dict(cash=2, total_assets=110, total_liabilities=75, total_debt=70, book_equity=35, revenue=12, opex=5, capex=15,
                           revenue_growth=0.15, capex_growth=0.1, capex_floor_share=0.5, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                           ai_share_services=0, ai_share_power=0, ai_share_lease=1, debt_avg_rate=0.055, debt_floating_share=0.2, debt_avg_maturity_years=5),
    "banks_other": dict(cash=3000, total_assets=30000, total_liabilities=28000, total_debt=3000, book_equity=2000, revenue=1500, opex=1000, capex=30,
                        revenue_growth=0.03, capex_growth=0.0, capex_floor_share=0.8, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                        ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.04, debt_floating_share=0.5, debt_avg_maturity_years=5),
    "athene": dict(cash=20, total_assets=420, total_liabilities=395, total_debt=10, book_equity=25, revenue=30, opex=27, capex=0,
                   revenue_growth=0.08, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                   ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.05, debt_floating_share=0.1, debt_avg_maturity_years=10),
    "insurers_other": dict(cash=200, total_assets=0, total_liabilities=0, total_debt=100, book_equity=0, revenue=600, opex=560, capex=0,
                           revenue_growth=0.04, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                           ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.045, debt_floating_share=0.1, debt_avg_maturity_years=10),
    "calpers": dict(cash=10, total_assets=560, total_liabilities=20, total_debt=0, book_equity=540, revenue=30, opex=30, capex=0,
                    revenue_growth=0.05, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                    ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.0, debt_floating_share=0.0, debt_avg_maturity_years=0),
    "pension_funds_other": dict(cash=1000, total_assets=40000, total_liabilities=1000, total_debt=0, book_equity=39000, revenue=2000, opex=2000, capex=0,
                                revenue_growth=0.04, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                                ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.0, debt_floating_share=0.0, debt_avg_maturity_years=0),
    "vanguard": dict(cash=200, total_assets=11000, total_liabilities=50, total_debt=0, book_equity=10950, revenue=0, opex=0, capex=0,
                     revenue_growth=0.0, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                     ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.0, debt_floating_share=0.0, debt_avg_maturity_years=0),
    "blackrock": dict(cash=200, total_assets=13500, total_liabilities=50, total_debt=0, book_equity=13450, revenue=0, opex=0, capex=0,
                      revenue_growth=0.0, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                      ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.0, debt_floating_share=0.0, debt_avg_maturity_years=0),
    "asset_managers_other": dict(cash=2000, total_assets=60000, total_liabilities=500, total_debt=0, book_equity=59500, revenue=0, opex=0, capex=0,
                                 revenue_growth=0.0, capex_growth=0, capex_floor_share=1, equity_raise=0, ai_share_compute=0, ai_share_hardware=0,
                                 ai_share_services=0, ai_share_power=0, ai_share_lease=0, debt_avg_rate=0.0, debt_floating_share=0.0, debt_avg_maturity_years=0),
}
NEW_HOW = {
    "crusoe": "order of magnitude from press on Crusoe's Abilene build, 2025 funding and JPMorgan construction loans; scaled to the itemised debt",
    "lambda_labs": "order of magnitude from press on Lambda's 2025 funding and GPU-backed facilities",
    "nscale": "order of magnitude from press on Nscale's 2025 funding and Microsoft contracts",
    "iren": "order of magnitude from IREN's FY2025 (June) 20-F/10-K and its 2025 convertible notes",
    "dc_abs_issuers": "outstanding data-centre ABS/CMBS ~USD 60-70 bn (KBRA: 48.7 bn issued 2018-May 2025, 20.9 bn in 2025) plus equity at ~65 % LTV",
    "banks_other": "order of magnitude: the large non-named banks (G-SIB balance sheets), only their AI and fund-finance exposures are itemised",
    "athene": "order of magnitude from Apollo's 2025 filings (Athene ~USD 400 bn of assets)",
    "insurers_other": "remainder of the US life-insurer balance-sheet total (sector_totals.csv) after Athene",
    "calpers": "CalPERS total fund ~USD 560 bn (2026 press), order of magnitude",
    "pension_funds_other": "US and foreign pension assets holding these securities, order of magnitude (Fed Z.1: US pensions ~USD 40 tn incl. entitlements)",
    "vanguard": "Vanguard-managed fund assets ~USD 11 tn (2025 press); funds' balance sheet = AUM, no leverage",
    "blackrock": "BlackRock AUM ~USD 13.5 tn (2025 results); funds' balance sheet = AUM",
    "asset_managers_other": "other funds and wealth vehicles, order of magnitude (ICI: US fund assets ~USD 40 tn)",
}
for e, items in NEWBS.items():
    asof = "2026-03-31" if e not in ("iren",) else "2025-12-31"
    block(e, asof, NEW_HOW[e], **items)

# IREN: cash from its Q2 FY26 results (2026-02-05), replacing the order-of-magnitude 1.5 of the block above
# (balance-sheet refresh, 2026-12-07). Only cash is stated; the other IREN items stay estimates.
S["iren_q2fy26"] = ("IREN Q2 FY26 results (quarter ended 2025-12-31; release 2026-02-05), as summarised by StockTitan "
                    "https://www.stocktitan.net/news/IREN/iren-reports-q2-fy26-kw2ckij7k65o.html", "press")
put("iren", "cash", 2.8, "2026-01-31", "iren_q2fy26", "cash as of 2026-01-31 as stated in the Q2 FY26 results (after the quarter end); "
    "cash and cash equivalents, no marketable securities reported separately")
QUOTE[("balance_sheets", ("iren", "cash"))] = ("Cash was $2.8bn as of Jan 31, 2026, and >$9.2bn funding was secured year-to-date "
                                              "across multiple instruments.")

# The ABS/CMBS issuers' debt is the ~65 itemised by holder in links.csv (d_dcabs_*, outside's 15 % included),
# not 70: the 5 in excess was owed to `outside` on top of its own share (issue 25, item 3.1).
for item, v, how in (("total_debt", 65.0, "the ~65 of outstanding data-centre ABS/CMBS itemised by holder in links.csv (d_dcabs_*, "
                      "incl. outside's 15 %); v2 had 70, so 5 more was owed to outside"),
                     ("total_liabilities", 70.0, "debt 65 + other liabilities 5"),
                     ("book_equity", 40.0, "assets 110 − liabilities 70")):
    est("dc_abs_issuers", item, v, "2026-03-31", how, source=S["kbra"][0])

# BlackRock's private-credit franchise (HPS, ~148 at the deal; ~220 with BlackRock's own) is in the private-credit
# market total, so in its remainder private_credit_other; the BlackRock funds' total excludes it (issue 25, item 3.6).
S["blk_hps"] = ("BlackRock to acquire HPS Investment Partners (2024-12-03; closed 2025-07-01): HPS ~USD 148 bn of client assets, combined "
                "private credit franchise ~USD 220 bn https://www.btimesonline.com/articles/171343/20241204/blackrock-acquires-hps-investment-"
                "partners-for-12-billion-expands-in-private-credit-market.htm", "press")
BLK_PC = 220.0
BLK_ASSETS = 13500.0 - BLK_PC
est("blackrock", "total_assets", BLK_ASSETS, "2026-03-31",
    f"BlackRock AUM ~USD 13.5 tn (2025 results) excl. its private-credit franchise (~{BLK_PC:g}, HPS ~148 included), which the "
    f"private-credit market total counts in private_credit_other; funds' balance sheet = AUM", source=S["blk_hps"][0])
est("blackrock", "book_equity", BLK_ASSETS - 50.0, "2026-03-31", "assets − liabilities 50 (funds' balance sheet = AUM)", source=S["blk_hps"][0])

# Colossus 2 vehicle as closed (see the links block below): GPUs held, debt 3.5, equity ~1.9
S["apollo_vci"] = ("Apollo funds lead USD 3.5 bn capital solution for Valor Compute Infrastructure: ~USD 5.4 bn acquisition and triple-net lease "
                   "of data-centre compute (Nvidia GB200) to an xAI subsidiary, Nvidia an anchor investor (Apollo 2026-01-07; Reuters 2026-02-09) "
                   "https://d2698.cms.socastsrm.com/2026/02/09/apollo-xai-near-3-4-billion-deal-to-fund-ai-chips-the-information-reports ; "
                   "https://beyondspx.com/quote/APO/news/apollo-announces-35-billion-capital-solution-for-valor-compute-infrastructure-to-fund-xai-data-cente ; "
                   "rate of Apollo's similar second loan (~3.4, not reported closed) 9.5 % (The Information 2026-02-09) "
                   "https://parameter.io/apollo-global-apo-stock-finances-3-4b-nvidia-chip-deal-for-elon-musks-xai", "press")
COL_SENTENCE = ("Apollo said on Saturday its funds led $3.5 billion in financing for a roughly $5.4 billion data-center compute deal "
                "arranged by Valor Equity Partners to lease high-performance hardware to xAI.")
COL_HW, COL_DEBT, COL_CASH, COL_LEASE = 5.4, 3.5, 0.1, 1.5
for item, v, how in (("cash", COL_CASH, "working cash of a leasing vehicle, order of magnitude"),
                     ("total_debt", COL_DEBT, "the Apollo-led 3.5 loan (links d_colossus_apollo)"),
                     ("total_liabilities", COL_DEBT + 0.1, "debt 3.5 + payables ~0.1"),
                     ("total_assets", COL_HW + COL_CASH, f"GB200 compute {COL_HW:g} (holdings) + cash {COL_CASH:g}"),
                     ("book_equity", round(COL_HW + COL_CASH - COL_DEBT - 0.1, 3), "assets − liabilities (~5.4 − 3.5 of equity)"),
                     ("debt_avg_rate", 0.095, "rate of the itemised loan (9.5 % reported for Apollo's similar second loan)")):
    est("colossus2_spv", item, v, "2025-11-30", how, source=S["apollo_vci"][0])

# ---------------------------------------------------------------- holdings (v1 + new)
H = []
for _, r in pd.read_csv(V1 / "holdings.csv", dtype=str, keep_default_na=False).iterrows():
    if r.entity_id == "outside" and r.asset_class == "listed_equity":
        continue  # v1's 11.1 tn haircut box: the free float is now itemised as stakes (links.csv)
    e_ = r.estimated.lower() == "true"
    H.append(dict(entity_id=r.entity_id, asset_class=r.asset_class, value_usd_bn=float(r.value_usd_bn), as_of=r.as_of,
                  source=r.source, source_type=classify(r.source, e_), estimated=e_,
                  note=r.note or ("v1 estimate carried forward" if e_ else "")))
for e, cls, v, how in [("crusoe", "dc_real_estate", 12, "Abilene campus share pledged to the JPMorgan construction loans: at least 9.4 / 0.8 = 11.75 (the loans' 80 % loan-to-cost covenant), rounded"), ("crusoe", "ai_hardware", 3, "GPU fleet"),
                       ("lambda_labs", "ai_hardware", 3.5, "GPU fleet"), ("nscale", "ai_hardware", 2, "GPU fleet"),
                       ("iren", "ai_hardware", 2.5, "GPU fleet (Microsoft contract build)"), ("iren", "dc_real_estate", 2, "Childress TX and Canal Flats sites"),
                       ("dc_abs_issuers", "dc_real_estate", 100, "stabilised data centres behind ABS/CMBS")]:
    H.append(dict(entity_id=e, asset_class=cls, value_usd_bn=v, as_of="2026-03-31", source="estimate (see note)",
                  source_type="estimate", estimated=True, note=f"order of magnitude: {how}"))
est("coreweave", "total_assets", 48.0, "2026-03-31", "PP&E 36.4 (10-Q) + cash, receivables, ROU assets ~11.6", source=S["crwv_q1_26"][0])
for h in H:
    if h["entity_id"] == "colossus2_spv" and h["asset_class"] == "ai_hardware":
        h.update(value_usd_bn=COL_HW, as_of="2025-11-30", source=S["apollo_vci"][0], source_type="press", estimated=False,
                 note="the Nvidia GB200 compute infrastructure Valor Compute Infrastructure acquired (~5.4, at cost) and leases to xAI; "
                      "acquired, so held and not still owed (v2 held 18 and still owed the same 18 to Nvidia, c_col_nv)")
        QUOTE[("holdings", ("colossus2_spv", "ai_hardware"))] = COL_SENTENCE
    if h["entity_id"] == "coreweave" and h["asset_class"] == "ai_hardware":
        h.update(value_usd_bn=30.0, as_of="2026-03-31", source=S["crwv_q1_26"][0], source_type="estimate", estimated=True,
                 note="GPU/server share (~80 %) of PP&E 36.4 at 2026-03-31")

# ---------------------------------------------------------------- links
COLS = ["link_id", "kind", "from_id", "to_id", "tranche_id", "instrument", "amount_usd_bn", "limit_usd_bn", "share", "cost_usd_bn",
        "market_value_usd_bn", "rate", "rate_type", "spread", "schedule", "amort_start", "balloon_share", "seniority", "collateral",
        "guarantor_id", "covenant_max_ltv", "covenant_min_icr", "cure_quarters", "start", "end", "take_or_pay", "usage_share",
        "termination_fee_usd_bn", "prepayment_share", "finances", "pair_id", "reconstructed", "method", "holders", "as_of", "source", "source_type", "estimated", "note"]
L = []
SCHED = []


def link(**kw):
    row = {c: "" for c in COLS}
    row.update(kw)
    key = row.pop("key", None)
    if key:
        row["source"], st = S[key]
        row.setdefault("source_type", st)
        if not row.get("source_type"):
            row["source_type"] = st
    if row.get("reconstructed") in ("", None):
        row["reconstructed"] = False
    row["estimated"] = bool(row["reconstructed"]) or row["source_type"] in ("estimate", "reconstruction")
    if row["estimated"] and not row["note"]:
        raise SystemExit(f"{row['link_id']}: estimated without a note")
    L.append(row)


def debt(lid, b, l, amt, rate, rtype, start, end, instrument, seniority, collateral, key=None, spread="", schedule="bullet",
         tranche="", note="", rec=False, method="", as_of=None, source=None, stype=None, **kw):
    kw2 = dict(link_id=lid, kind="debt", from_id=b, to_id=l, tranche_id=tranche or lid, instrument=instrument, amount_usd_bn=amt,
               rate=rate, rate_type=rtype, spread=spread, schedule=schedule, seniority=seniority, collateral=collateral, start=start,
               end=end, reconstructed=rec, method=method if rec else "", as_of=as_of or start, note=note, **kw)
    if key:
        kw2["key"] = key
    else:
        kw2.update(source=source, source_type=stype)
    link(**kw2)


def split(prefix, b, total, parts, **kw):
    """Tranche `prefix` of `total` split across holders `parts` {lender: share} (reconstructed unless share is sourced)."""
    for lender, (share, sourced) in parts.items():
        debt(f"{prefix}_{lender}", b, lender, round(total * share, 3), tranche=prefix, rec=not sourced,
             method="share_of_total", **kw)


def by_holder_shares(lid, b, total, holders, **kw):
    """A bond, convertible or ABS whose holders are not named: ONE row with its total, to_id empty and
    `holders` naming the instrument of data/holder_shares.csv whose published shares split it among
    holder kinds when the tables are loaded (stressgpu.data.holders); nothing is split here."""
    debt(lid, b, "", total, holders=holders, **kw)


BOND_HOLDERS = "corporate_bond"
BOND_NOTE = ("holders not named: split at load by the holder shares of US corporate bonds (data/holder_shares.csv, "
             "Fed Z.1 L.213/L.133)")

# --- hyperscalers' 2025-2026 bond issues
by_holder_shares("b_meta_2025", "meta", 30.0, BOND_HOLDERS, rate=0.052, rtype="fixed", start="2025-10-30", end="2055-11-15",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table",
      source="Meta USD 30 bn senior notes, 5-40 years (priced 2025-10-30; 8-K) — press coverage Bloomberg/Reuters 2025-10-30",
      stype="press", note="largest US IG deal of 2025; maturities 2030-2065 spread by tranche (schedules.csv); " + BOND_NOTE)
by_holder_shares("b_googl_2025", "alphabet", 25.0, BOND_HOLDERS, rate=0.048, rtype="fixed", start="2025-11-03", end="2065-11-15",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table",
      source="Alphabet USD 17.5 bn + EUR 6.5 bn notes (2025-11-03; 8-K) — press Bloomberg 2025-11-03", stype="press",
      note="USD and EUR tranches 3-40 years; " + BOND_NOTE)
# 32, not v2's 30: the issues of 2026-02-09/10 came to "about $32 billion" (USD 20 + GBP 5.5 + CHF 3.055; issue 25 sourcing
# pass, data/build/quotes/links.csv)
by_holder_shares("b_googl_2026", "alphabet", 32.0, BOND_HOLDERS, rate=0.05, rtype="fixed", start="2026-02-10", end="2126-02-15",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table",
      source="Alphabet USD/GBP/CHF bond issues of February 2026 incl. a 100-year sterling tranche — press 2026-02", stype="press",
      note="USD 20 bn, GBP 5.5 bn and CHF 3.055 bn issued 2026-02-09/10, about 32 in all as reported (v2 had 30); " + BOND_NOTE)
by_holder_shares("b_amzn_2025", "amazon", 15.0, BOND_HOLDERS, rate=0.05, rtype="fixed", start="2025-11-17", end="2065-12-01",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table",
      source="Amazon USD 15 bn senior notes (2025-11-17; 8-K) — press Bloomberg 2025-11-17", stype="press", note=BOND_NOTE)
by_holder_shares("b_orcl_2025", "oracle", 18.0, BOND_HOLDERS, rate=0.055, rtype="fixed", start="2025-09-24", end="2065-09-26",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table",
      source="Oracle USD 18 bn senior notes (2025-09-24; 8-K) — press Bloomberg 2025-09-24", stype="press", note=BOND_NOTE)
by_holder_shares("b_orcl_2026", "oracle", 25.0, BOND_HOLDERS, rate=0.058, rtype="fixed", start="2026-02-05", end="2066-02-15",
      instrument="bond", seniority="senior_unsecured", collateral="none", schedule="table", source=S["orcl_q3fy26"][0], stype="filing",
      note="bond part (~25) of the USD 30 bn raised under the 2026 USD 50 bn financing programme (8-K 2026-03-10); " + BOND_NOTE)
BOND_SCHED = {  # share of principal by maturity year (tranche ladder; estimate)
    "b_meta_2025": {2030: .1, 2032: .15, 2035: .25, 2045: .2, 2055: .2, 2065: .1},
    "b_googl_2025": {2028: .15, 2030: .15, 2035: .3, 2045: .2, 2055: .1, 2065: .1},
    "b_googl_2026": {2029: .2, 2031: .2, 2036: .3, 2056: .2, 2126: .1},
    "b_amzn_2025": {2028: .15, 2030: .15, 2035: .3, 2055: .25, 2065: .15},
    "b_orcl_2025": {2030: .2, 2032: .2, 2035: .25, 2045: .15, 2055: .1, 2065: .1},
    "b_orcl_2026": {2029: .15, 2031: .2, 2036: .3, 2046: .15, 2056: .1, 2066: .1},
}

# --- Meta / Blue Owl Hyperion (Beignet Investor LLC)
# Issue 25, item 3.5: the notes are fully amortising and serviced from Meta's rent (S["hyperion_terms"]); their
# amortisation profile is not published, so it is taken as level debt service (mortgage-style: interest on the
# balance plus a rising principal, 80 quarterly payments from 2030-01-30 to maturity), not v2's equal principal
# instalments, whose front-loaded service (3.2 a year in 2030) no level rent of the size of the debt could pay.
S["hyperion_terms"] = ("Meta/Blue Owl Hyperion joint venture (Meta release 2025-10-21: operating leases with a four-year initial term and "
                       "extension options, capped residual-value guarantee for the first 16 years of operations) "
                       "https://www.stocktitan.net/news/META/meta-announces-joint-venture-with-funds-managed-by-blue-owl-capital-cb9waindzv96.html ; "
                       "IFRE 2025 (fully amortising notes; proceeds parked in Treasuries and drawn down during construction) "
                       "https://www.ifre.com/people-and-markets/2363199/opinion-the-metablue-owl-deal-broken-down-off-balance-sheet-gymnastics-24-years-after-enron ; "
                       "Vinod Kothari (notes serviced from the lease payments, RVG) https://vinodkothari.com/tag/securitisation", "press")
HYP_RATE, HYP_TOTAL, HYP_N = 0.0658, 27.3, 80
_r = HYP_RATE / 4
_pay = HYP_TOTAL * _r / (1 - (1 + _r) ** -HYP_N)                 # level quarterly debt service, ~0.616
_bal, HYP_PRINCIPAL = HYP_TOTAL, []
for _k in range(HYP_N):
    _p = _pay - _r * _bal if _k < HYP_N - 1 else _bal
    HYP_PRINCIPAL.append(_p)
    _bal -= _p
HYP_DATES = [f"{2030 + k // 4}-{1 + 3 * (k % 4):02d}-30" for k in range(HYP_N)]   # 2030-01-30 ... 2049-10-30
for lender, amt, sourced in (("pimco", 18.0, True), ("blackrock", 3.0, True), ("other", 6.3, False)):
    # the rest of the 27.3 bn (27.3 - 18 - 3) went to investors not named: one row split at load by holder shares
    debt(f"d_hyperion_{lender}", "hyperion_spv", "" if lender == "other" else lender, amt, HYP_RATE, "fixed", "2025-10-30", "2049-10-30",
         "bond", "senior_secured", "dc_real_estate;contracts", key="hyperion", schedule="table", tranche="hyperion_2049",
         guarantor_id="meta", holders="" if sourced else BOND_HOLDERS,
         note=("fully amortising (IFRE), serviced from Meta's rent: level debt service of ~2.46 a year on the 27.3 from 2030 to 2049 "
               "(schedules.csv; profile estimated, not published); interest before the lease starts is paid from the proceeds held in "
               "Treasuries; Meta's capped residual-value guarantee covers the first 16 years of operations" +
               ("" if sourced else "; rest of the 27.3 bn after PIMCO's 18 and BlackRock's 3, placed with investors not named "
                "(computed: 27.3 - 18 - 3); " + BOND_NOTE)))
    for d, pr in zip(HYP_DATES, HYP_PRINCIPAL):
        SCHED.append(dict(link_id=f"d_hyperion_{lender}", date=d, amount_usd_bn=round(amt * pr / HYP_TOTAL, 6),
                          as_of="2025-10-30", source="estimate: level (mortgage-style) amortisation of the 6.58 % notes from 2030 to 2049",
                          source_type="estimate", estimated=True,
                          note="principal of each quarterly payment of a level debt service (27.3 at 6.58 %, 80 quarters); "
                               "the notes are fully amortising (IFRE), their profile is not published"))

# --- Vantage Frontier / Lighthouse construction loans (drawn share estimated; undrawn as facilities)
VANT = {"jpmorgan": 0.29, "mufg": 0.29, "banks_other": 0.29, "private_credit_other": 0.13}
DRAWN = 0.45
V_BALLOON = 0.7   # share left at final maturity after amortising from 2027 at the pace of a 15-year lease (~5 of 15 years)
for lender, sh in VANT.items():
    tot = 38.0 * sh
    debt(f"d_vantage_{lender}", "vantage_stargate_spv", lender, round(tot * DRAWN, 3), 0.068, "floating", "2025-10-27", "2031-10-27",
         "construction_loan", "senior_secured", "dc_real_estate;contracts", key="vantage", spread=0.025, tranche="vantage_38bn",
         rec=True, method="share_of_total", covenant_max_ltv=0.80, cure_quarters=2,
         schedule="amortising", amort_start="2027-01-01", balloon_share=V_BALLOON,
         note=f"lender share {sh:.0%} reconstructed (JPMorgan and MUFG lead; GS, Wells, BNP, SMBC, SocGen in banks_other; part distributed to private credit); "
              f"drawn share {DRAWN:.0%} at 2026-03 estimated from the build schedule; four-year loans with two one-year extension options "
              f"(final maturity 2031-10 with both, estimated); interest only during construction, principal amortisation once operations "
              f"commence (parameter.io, Bloomberg 2025-10-24): from 2027 at the pace of the 15-year Oracle lease, {1 - V_BALLOON:.0%} repaid "
              f"by 2031-10 and the {V_BALLOON:.0%} balloon refinanced then (profile estimated)")
    link(link_id=f"f_vantage_{lender}", kind="facility", from_id="vantage_stargate_spv", to_id=lender, tranche_id="vantage_38bn",
         instrument="construction_loan", amount_usd_bn=round(tot * (1 - DRAWN), 3), limit_usd_bn=round(tot, 3), rate=0.068,
         rate_type="floating", spread=0.025, schedule="bullet", seniority="senior_secured", collateral="dc_real_estate;contracts",
         start="2025-10-27", end="2029-10-27", key="vantage", reconstructed=True, method="share_of_total", as_of="2026-03-31",
         note="undrawn part of the construction loan (drawn as the campuses are built)")
# The package is booked once (issue 25, item 3.1): the drawn part is debt (links above), the undrawn
# part is facilities, and total_debt is the drawn part only; v1 also kept the full 38 as total_debt
# (so 20.9 more was owed to `outside`) and the undrawn proceeds as 20 of cash.
V_DRAWN = round(sum(round(38.0 * sh * DRAWN, 3) for sh in VANT.values()), 3)
V_CASH, V_DC = 0.5, 24.0
est("vantage_stargate_spv", "total_debt", V_DRAWN, "2026-03-31",
    f"drawn part of the USD 38 bn construction loans ({DRAWN:.0%}, links d_vantage_*); the undrawn "
    f"{38 - V_DRAWN:g} is in facilities (f_vantage_*), not debt", source=S["vantage"][0])
est("vantage_stargate_spv", "cash", V_CASH, "2026-03-31",
    "working cash and reserves, order of magnitude; undrawn loan commitments are not cash (they are facilities)", source=S["vantage"][0])
est("vantage_stargate_spv", "total_liabilities", round(V_DRAWN + 0.5, 3), "2026-03-31",
    "drawn debt + payables ~0.5", source=S["vantage"][0])
est("vantage_stargate_spv", "total_assets", round(V_DC + V_CASH, 3), "2026-03-31",
    f"construction in progress {V_DC:g} (holdings) + cash {V_CASH:g}", source=S["vantage"][0])
est("vantage_stargate_spv", "book_equity", round(V_DC + V_CASH - V_DRAWN - 0.5, 3), "2026-03-31",
    "assets − liabilities: developer equity (Silver Lake and DigitalBridge put ~3 bn into Frontier, FT 2025-08)", source=S["vantage"][0])

# --- Colossus 2 GPU SPV (issue 25, item 3.4): the vehicle as closed, not as planned. The planned USD 20 bn
# (7.5 equity + "up to 12.5" of debt at 10.5 %, seed 002 / Bloomberg 2025-10) closed as Valor Compute
# Infrastructure: a ~5.4 bn acquisition of Nvidia GB200 compute leased to xAI, with a 3.5 bn Apollo-led loan
# (November 2025). The GPUs were acquired, so they are held (holdings), not still owed (no purchase commitment).
debt("d_colossus_apollo", "colossus2_spv", "apollo", COL_DEBT, 0.095, "fixed", "2025-11-01", "2030-11-01", "gpu_backed_loan", "senior_secured",
     "ai_hardware;contracts", key="apollo_vci", schedule="amortising", tranche="colossus2_debt", as_of="2025-11-30",
     covenant_max_ltv=0.75, cure_quarters=1,
     note="the Apollo-led loan closed in November 2025 (3.5, Reuters/The Information), replacing v2's planned 12.5 (Apollo 3.5 + Diameter "
          "and others 9.0); amortises with the 5-year lease to xAI; rate not published for this loan: 9.5 % reported for Apollo's similar "
          "second loan (v2: 10.5 % per seed 002, the plan's)")
QUOTE[("links", "d_colossus_apollo")] = COL_SENTENCE

# --- CoreWeave (10-Q note 10, June 2025; Q1 2026 total ~25)
debt("d_crwv_ddtl1_bx", "coreweave", "blackstone", 1.25, 0.15, "floating", "2023-08-01", "2028-03-31", "ddtl", "senior_secured", "ai_hardware;contracts",
     key="crwv_debt", spread=0.09, schedule="amortising", tranche="crwv_ddtl1", amort_start="2025-01-01", rec=True, method="share_of_total",
     covenant_min_icr=1.2, cure_quarters=1, as_of="2025-06-30", note="DDTL 1.0 1.78 at 2025-06-30, Blackstone-led; split with Magnetar reconstructed")
debt("d_crwv_ddtl1_mag", "coreweave", "magnetar", 0.53, 0.15, "floating", "2023-08-01", "2028-03-31", "ddtl", "senior_secured", "ai_hardware;contracts",
     key="crwv_debt", spread=0.09, schedule="amortising", tranche="crwv_ddtl1", amort_start="2025-01-01", rec=True, method="share_of_total",
     covenant_min_icr=1.2, cure_quarters=1, as_of="2025-06-30", note="DDTL 1.0, Magnetar's share reconstructed")
for lender, amt in (("blackstone", 2.0), ("private_credit_other", 2.2), ("blackrock", 0.75)):
    debt(f"d_crwv_ddtl2_{lender}", "coreweave", lender, amt, 0.11, "floating", "2024-05-01", "2029-05-31", "ddtl", "senior_secured",
         "ai_hardware;contracts", key="crwv_debt", spread=0.06, schedule="amortising", tranche="crwv_ddtl2", amort_start="2025-10-01",
         rec=True, method="share_of_total", covenant_min_icr=1.2, cure_quarters=1, as_of="2025-06-30",
         note="DDTL 2.0 4.95 at 2025-06-30 (Blackstone, Magnetar, Carlyle, CDPQ, Coatue, BlackRock); split reconstructed")
for lender in ("morgan_stanley", "mufg"):
    debt(f"d_crwv_ddtl3_{lender}", "coreweave", lender, 0.9, 0.083, "floating", "2025-07-31", "2030-07-31", "ddtl", "senior_secured",
         "ai_hardware;contracts", source="CoreWeave 8-K 2025-07-31: DDTL 3.0 USD 2.6 bn (Morgan Stanley, MUFG) backed by the OpenAI contract",
         stype="press", spread=0.04, schedule="amortising", tranche="crwv_ddtl3", amort_start="2026-07-01", as_of="2026-03-31",
         note="drawn part 0.9 each estimated from the delivery schedule; rest undrawn (facility)")
    link(link_id=f"f_crwv_ddtl3_{lender}", kind="facility", from_id="coreweave", to_id=lender, tranche_id="crwv_ddtl3", instrument="ddtl",
         amount_usd_bn=0.4, limit_usd_bn=1.3, rate=0.083, rate_type="floating", spread=0.04, schedule="bullet", seniority="senior_secured",
         collateral="ai_hardware;contracts", start="2025-07-31", end="2030-07-31", as_of="2026-03-31",
         source="CoreWeave 8-K 2025-07-31 (DDTL 3.0 USD 2.6 bn)", source_type="estimate", note="undrawn share estimated (0.4 of each 1.3)")
by_holder_shares("b_crwv_2030", "coreweave", 2.0, BOND_HOLDERS,
      rate=0.0925, rtype="fixed", start="2025-05-21", end="2030-06-01", instrument="bond", seniority="senior_unsecured", collateral="none",
      source=S["crwv_debt"][0], stype="filing", as_of="2025-06-30", note="9.25 % senior notes due 2030; " + BOND_NOTE)
by_holder_shares("b_crwv_2031", "coreweave", 1.75, BOND_HOLDERS,
      rate=0.09, rtype="fixed", start="2025-07-22", end="2031-02-01", instrument="bond", seniority="senior_unsecured", collateral="none",
      source="CoreWeave 8-K 2025-07-22: USD 1.75 bn 9.0 % senior notes due 2031", stype="press", note=BOND_NOTE)
by_holder_shares("cv_crwv_2031", "coreweave", 2.25, BOND_HOLDERS,
      rate=0.0175, rtype="fixed", start="2025-12-08", end="2031-12-01", instrument="convertible", seniority="senior_unsecured", collateral="none",
      source="CoreWeave 8-K 2025-12: USD 2.25 bn convertible senior notes due 2031", stype="press",
      note=BOND_NOTE)
debt("d_crwv_rcf_jpm", "coreweave", "jpmorgan", 0.45, 0.07, "floating", "2024-10-01", "2030-06-30", "revolver", "senior_secured", "all_assets",
     key="crwv_debt", spread=0.03, tranche="crwv_rcf", as_of="2025-06-30", note="revolver drawn 0.45 (JPMorgan-led syndicate)")
link(link_id="f_crwv_rcf", kind="facility", from_id="coreweave", to_id="jpmorgan", tranche_id="crwv_rcf", instrument="revolver",
     amount_usd_bn=2.05, limit_usd_bn=2.5, rate=0.07, rate_type="floating", spread=0.03, schedule="bullet", seniority="senior_secured",
     collateral="all_assets", start="2024-10-01", end="2030-06-30", key="crwv_debt", as_of="2025-11-13",
     note="revolver upsized to 2.5 bn in 2025 (10-Q Q3 2025); undrawn part; syndicate (JPMorgan, MUFG, Morgan Stanley, Goldman) booked to JPMorgan as agent",
     source_type="filing")
debt("d_crwv_oem", "coreweave", "outside", 1.73, 0.095, "fixed", "2024-06-01", "2028-05-31", "vendor_loan", "senior_secured", "ai_hardware",
     key="crwv_debt", schedule="amortising", as_of="2025-06-30", note="OEM financing arrangements (Dell and others) 1.73 at 2025-06-30")
debt("d_crwv_magnetar", "coreweave", "magnetar", 0.257, 0.12, "fixed", "2024-12-01", "2029-01-31", "term_loan", "senior_unsecured", "none",
     key="crwv_debt", as_of="2025-06-30", note="Magnetar Loan matures January 2029 (v1 had it wrong)")

# --- SoftBank OpenAI bridge loans (drawn) and Vision Fund margin loan
for lender, amt in (("jpmorgan", 10.0), ("mufg", 10.0), ("banks_other", 20.0)):
    debt(f"d_sb_bridge_{lender}", "softbank", lender, amt, 0.062, "floating", "2026-03-31", "2027-03-31", "bridge_loan", "senior_unsecured",
         "none", key="sb_bridge", spread=0.015, tranche="sb_bridge_2026", rec=True, method="share_of_total",
         note="12-month bridge for the USD 30 bn OpenAI follow-on, taken as drawn in full (~40) at closing; lender split among the four underwriters reconstructed "
              "(v1 used a facility size as if drawn)")
# SoftBank Group's retail bonds (issue 25, item 3: holders of a non-US firm's debt): nearly 5 tn yen outstanding of the
# 9.9 tn yen it has sold to individual investors (Nikkei Asia, 2025-11); one row, held by households through
# holder_shares.csv's retail_bond_jp. It was part of the un-itemised rest of SoftBank's total_debt (owed to `outside`).
S["sb_retail"] = ("SoftBank Reaches $64 Billion in Retail Bonds to Fuel AI Ambitions — LiveIndex (from Nikkei Asia), 2025-11 "
                  "https://liveindex.org/bonds/softbank-reaches-64-billion-in-retail-bonds-to-fuel-ai-ambitions", "press")
by_holder_shares("b_sb_retail", "softbank", 32.0, "retail_bond_jp", rate=0.025, rtype="fixed", start="2025-12-08", end="2032-12-08",
                 instrument="bond", seniority="senior_unsecured", collateral="none", schedule="amortising", source=S["sb_retail"][0],
                 stype="press", as_of="2025-11-26",
                 note="SoftBank Group's yen bonds sold to individual investors (Fukuoka SoftBank HAWKS Bonds and others), series maturing "
                      "2026-2032, coupons 1.38 % to 3.98 % (SoftBank IR bond list, https://group.softbank/en/ir/stock/bond): average "
                      "rate 2.5 % and an even run-off to 2032 assumed; holders: households (holder_shares.csv retail_bond_jp)")
# The Arm margin loan as disclosed (2025-11-11): 8.5 drawn (debt) and 11.5 more available (facility) of a ~20 facility;
# v2 booked the available 11.5 as drawn (data/build/quotes/disagreements.csv until this fix).
S["sb_margin"] = ("SoftBank's $20 billion margin loan against Arm Holdings faces December deadline — Coin Live Prices, 2025-12-27 "
                  "(SoftBank's disclosure of 2025-11-11) https://coinliveprices.com/softbanks-20-billion-margin-loan-against-arm-holdings-faces-december-deadline/30316", "press")
debt("d_sb_arm_margin", "softbank", "banks_other", 8.5, 0.06, "floating", "2025-11-01", "2027-11-01", "term_loan", "senior_secured", "equity_pledge",
     source=S["sb_margin"][0], stype="press", spread=0.02, covenant_max_ltv=0.7, cure_quarters=1, as_of="2025-11-11",
     note="margin loan on Arm shares (LTV covenant), drawn part; 33 participating banks booked to banks_other")
link(link_id="f_sb_arm_margin", kind="facility", from_id="softbank", to_id="banks_other", tranche_id="d_sb_arm_margin", instrument="revolver",
     amount_usd_bn=11.5, limit_usd_bn=20.0, rate=0.06, rate_type="floating", spread=0.02, schedule="bullet", seniority="senior_secured",
     collateral="equity_pledge", start="2025-11-01", end="2027-11-01", source=S["sb_margin"][0], source_type="press", as_of="2025-11-11",
     note="undrawn part of the Arm margin loan facility, drawn as needed (instrument revolver); limit 20 = 8.5 drawn + 11.5 available, computed")

# --- Crusoe / Lambda / Nscale / IREN / Nebius
debt("d_crusoe_abilene_jpm", "crusoe", "jpmorgan", 9.6, 0.07, "floating", "2025-05-01", "2029-05-01", "construction_loan", "senior_secured",
     "dc_real_estate;contracts", source="Oracle to invest $40B in Nvidia chips for OpenAI data center — Technology News (Reuters/FT), 2025-05-23, "
     "https://technologynewso.com/oracle-to-invest-40b-in-nvidia-chips-for-openai-data-center",
     stype="press", spread=0.025, covenant_max_ltv=0.8, cure_quarters=2, as_of="2025-05-23",
     note="two JPMorgan loans for the Abilene campus (the FT's 9.6; v2's 9.4 was the sum of the 2.3 and 7.1 press figures); borrower is the "
          "Crusoe/Blue Owl/Primary Digital JV, booked to Crusoe")
debt("d_crusoe_bxdebt", "crusoe", "private_credit_other", 1.6, 0.10, "floating", "2025-03-01", "2030-03-01", "term_loan", "senior_secured", "ai_hardware",
     source="estimate (see note)", stype="estimate", spread=0.06, note="GPU-backed and corporate credit facilities of Crusoe, order of magnitude")
debt("d_lambda_gpu", "lambda_labs", "private_credit_other", 1.0, 0.11, "floating", "2024-04-04", "2028-04-04", "gpu_backed_loan", "senior_secured",
     "ai_hardware", source="Lambda GPU-backed facility USD 500 m (Macquarie, 2024-04) and later facilities — press", stype="press", spread=0.065,
     schedule="amortising", note="amount grown to ~1.0 with 2025 facilities (estimate within the press range)")
debt("d_nscale_gpu", "nscale", "private_credit_other", 1.0, 0.11, "floating", "2025-10-01", "2029-10-01", "gpu_backed_loan", "senior_secured",
     "ai_hardware;contracts", source="estimate (see note)", stype="estimate", spread=0.065, schedule="amortising",
     note="GPU financing for the Microsoft contracts, order of magnitude")
# IREN's convertibles of December 2025 (issue 25: terms corrected): two series, not one 2031 note. The release of
# 2025-12-08 states 1.0 of 0.25 % notes due 2032, 1.0 of 1.00 % notes due 2033 and the 300 m greenshoe fully exercised
# (2.3 in all; v2 had the 2.0 priced on 2025-12-02 as one 0.25 % note due 2031); the option was 150 m of each series
# (IREN FWP of 2025-12-03; Blockspace 2025-12-08), so each series is 1.15 (computed, estimated in add_source_quote.py).
IREN_CV = ("IREN Closes $2.3 Billion Convertible Notes Offering and the Repurchase of Existing Convertible Notes — IREN release "
           "(GLOBE NEWSWIRE), 2025-12-08, as carried by StockNews.AI https://stocknews.ai/ai-news/iren-closes-2-3-billion-convertible-"
           "notes-offering-and-the-repurchase-of-existing-convertible-notes/69374b5bc5cd60082e3f9b5f ; greenshoe per series: IREN closes "
           "$2.3 billion convertible notes offering and repurchases debt — Blockspace, 2025-12-08 "
           "https://blockspace.media/insight/iren-closes-2-3-billion-convertible-notes-offering-and-repurchases-debt ; 2033 maturity: "
           "FIS Monis convertible new-issue record (announced 2025-12-01) "
           "https://monis.fisglobal.com/Monis/MonisDataService/ViewReport.aspx?MonisID=MCB_692e0ca500000004")
by_holder_shares("cv_iren_2032", "iren", 1.15, BOND_HOLDERS, rate=0.0025, rtype="fixed",
      start="2025-12-08", end="2032-06-01", instrument="convertible", seniority="senior_unsecured", collateral="none",
      source=IREN_CV, stype="company", as_of="2025-12-08",
      note="0.25 % convertible senior notes due 2032: 1.0 offered plus 0.15 of the fully exercised 0.3 greenshoe (closing 2025-12-08); "
           "maturity day not read: 1 June 2032 assumed, the day and month of the 2033 notes (Monis: 01 Jun 2033, 7.5 years); "
           "both series were one row before (cv_iren_2031: 2.3 at 0.25 % due 2031-12-01; v2 had the 2.0 priced); " + BOND_NOTE)
by_holder_shares("cv_iren_2033", "iren", 1.15, BOND_HOLDERS, rate=0.01, rtype="fixed",
      start="2025-12-08", end="2033-06-01", instrument="convertible", seniority="senior_unsecured", collateral="none",
      source=IREN_CV, stype="company", as_of="2025-12-08",
      note="1.00 % convertible senior notes due 2033 (2033-06-01, Monis): 1.0 offered plus 0.15 of the fully exercised 0.3 greenshoe "
           "(closing 2025-12-08); both series were one row before (cv_iren_2031: 2.3 at 0.25 % due 2031-12-01; v2 had the 2.0 priced); " + BOND_NOTE)
by_holder_shares("cv_nbis", "nebius", 3.75, BOND_HOLDERS, rate=0.02, rtype="fixed",
      start="2025-09-10", end="2031-09-15", instrument="convertible", seniority="senior_unsecured", collateral="none",
      source="Nebius convertible notes: USD 1 bn (2025-06) and USD 2.75 bn (2025-09-10) — company releases / 6-K", stype="press",
      note="two issues merged, average coupon ~2 %; " + BOND_NOTE)

# --- data-centre ABS / CMBS
by_holder_shares("d_dcabs", "dc_abs_issuers", 65.0, "abs", rate=0.055, rtype="fixed", start="2021-06-01", end="2031-06-01", instrument="abs",
     seniority="senior_secured", collateral="dc_real_estate;contracts", source=S["kbra"][0], stype="estimate", schedule="amortising",
     tranche="dc_abs_cmbs", balloon_share=0.8, covenant_min_icr=1.3, cure_quarters=2, as_of="2026-03-31",
     note="outstanding ~65 (48.7 issued to May 2025 + 2025-26 issuance, less paydowns), estimated; holders not named: split at load by "
          "the holder shares of ABS (data/holder_shares.csv: Z.1 counts ABS issuers' bonds with corporate bonds)")

# --- private-credit funds' funding: bank NAV/subscription lines (sum = Boston Fed 300), insurer balance sheets
PC = ["apollo", "blackstone", "blue_owl", "magnetar", "private_credit_other"]
BANK_LINES = {("apollo", "jpmorgan"): 20, ("apollo", "goldman_sachs"): 10, ("blackstone", "jpmorgan"): 15, ("blackstone", "morgan_stanley"): 15,
              ("blue_owl", "goldman_sachs"): 10, ("blue_owl", "banks_other"): 10, ("magnetar", "banks_other"): 2,
              ("private_credit_other", "jpmorgan"): 25, ("private_credit_other", "morgan_stanley"): 20, ("private_credit_other", "goldman_sachs"): 20,
              ("private_credit_other", "regional_banks"): 58, ("private_credit_other", "mufg"): 15, ("private_credit_other", "banks_other"): 80}
# Issue 25, item 3.6: the lines sum to the Fed's ~95 of bank lending to private debt funds (end-2024), not the
# Boston Fed's ~300 of loan commitments to private-equity and private-credit funds (2023), which v2 read as drawn.
S["fed_bank_pc"] = ("Federal Reserve FEDS Notes 2025-05-23, 'Bank Lending to Private Credit: Size, Characteristics, and Financial Stability "
                    "Implications' (Berrospide, Cai, Lewis-Hayre, Zikes): US banks' lending to private debt funds and BDCs ~USD 95 bn at end-2024, "
                    "~79 of it through revolving credit lines https://www.federalreserve.gov/econres/notes/feds-notes/bank-lending-to-private-credit-"
                    "size-characteristics-and-financial-stability-implications-20250523.html ; as reported at "
                    "https://yellow.com/news/wall-street-banks-increase-lending-to-private-credit-rivals-by-145-hitting-dollar95-billion", "aggregate")
PC_BANK = 95.0
_scale = PC_BANK / sum(BANK_LINES.values())
for (b, l), amt in BANK_LINES.items():
    debt(f"d_line_{b}_{l}", b, l, round(amt * _scale, 3), 0.065, "floating", "2024-06-01", "2028-06-01", "subscription_line" if b != "private_credit_other" else "nav_line",
         "senior_secured", "lp_commitments" if b != "private_credit_other" else "loan_portfolio", key="fed_bank_pc", spread=0.02,
         rec=True, method="share_of_total", as_of="2024-12-31",
         note=f"bank lending to private-credit funds (credit lines and term loans); total {PC_BANK:g} = US banks' lending to private debt "
              f"funds and BDCs at end-2024 (Fed); split by lender reconstructed from the banks' relative fund-finance franchises "
              f"(v2 used the Boston Fed's ~300 of commitments to PE and PC funds as if drawn)")
for b, l, amt, why in (("apollo", "athene", 120, "Athene funds Apollo-originated private credit on its balance sheet (flow agreement)"),
                       ("blackstone", "insurers_other", 60, "insurers' separately managed accounts with BXCI (Corebridge, Resolution Life ...)"),
                       ("private_credit_other", "insurers_other", 150, "rated note feeders and insurer SMAs of other managers")):
    debt(f"d_ins_{b}_{l}", b, l, amt, 0.07, "floating", "2024-01-01", "2030-12-31", "insurer_funding", "senior_secured", "loan_portfolio",
         key="chifed", spread=0.03, schedule="amortising", rec=True, method="share_of_total", as_of="2025-06-30",
         note=why + "; life insurers' private placements 849 bn (Chicago Fed) bound the total; split reconstructed")

# --- other v1 debt kept (utilities; SoftBank's older bank debt is residual)
for lid, b, l, amt in (("d_util_reg", "utilities_us", "regional_banks", 30), ("d_util_jpm", "utilities_us", "jpmorgan", 10)):
    debt(lid, b, l, amt, 0.055, "floating", "2024-01-01", "2029-12-31", "term_loan", "senior_unsecured", "none",
         source="aggregate estimate (EEI industry financials; FDIC QBP)", stype="estimate", spread=0.015, schedule="amortising",
         note="bank term loans and revolver draws of US utilities, order of magnitude (v1)")

# ---------------------------------------------------------------- valuations for stakes
def value_of(e):
    if (e, "market_cap") in BS:
        return BS[(e, "market_cap")]["value"]
    if (e, "valuation") in BS:
        return BS[(e, "valuation")]["value"]
    return None


def stake(lid, h, i, share, cost, start, key=None, instrument="common_equity", note="", rec=False, source=None, stype=None,
          carrying=None, as_of=None, pair="", holders=""):
    v = value_of(i)
    mv = round(share * v, 4) if v is not None else (carrying if carrying is not None else cost)
    kw = dict(link_id=lid, kind="equity_stake", from_id=h, to_id=i, instrument=instrument, share=share,
              cost_usd_bn="" if cost is None else cost, market_value_usd_bn=mv,
              amount_usd_bn=carrying if carrying is not None else (mv if cost is None else cost),
              start=start, as_of=as_of or start, reconstructed=rec, method="share_of_total" if rec else "", note=note, pair_id=pair,
              holders=holders)
    if key:
        kw["key"] = key
    else:
        kw.update(source=source, source_type=stype)
    link(**kw)


D = 730 / 852  # dilution of pre-round holders by the 2026 OpenAI round
stake("e_ms_openai", "microsoft", "openai", round(0.27 * D, 4), 13.0, "2019-07-22",
      source="Microsoft Form 10-Q, quarter ended 2025-09-30, Note 17 (SEC EDGAR), https://www.sec.gov/Archives/edgar/data/789019/000119312525256321/R26.htm ; "
      "share: Microsoft/OpenAI recapitalisation 2025-10-28 (27 % as-converted), diluted by the 2026 round " + S["oai_round"][0],
      stype="filing", as_of="2025-09-30", pair="p_ms_oai",
      note="cost = Microsoft's total funding commitments of 13 (11.6 funded at 2025-09-30, 11.8 at 2026-03-31 per its 10-Qs; v2's 13.8 "
           "was an older press total); share 27 % diluted by 730/852, computed")
stake("e_sb_openai", "softbank", "openai", 0.13, 64.6, "2025-04-01", key="sb_oai", instrument="preferred", as_of="2026-03-31",
      note="~11 % after the Dec-2025 second closing (cost ~34.7 incl. earlier), ~13 % and cumulative 64.6 after the 2026 follow-on")
stake("e_nv_openai", "nvidia", "openai", round(30 / 852, 4), 30.0, "2026-03-31", key="oai_round", as_of="2026-03-31",
      note="Nvidia's USD 30 bn in the 2026 round (replaces v1's first 10 bn tranche of the 100 bn LOI; the LOI's purchase side is no commitment: SOURCES.md, issue 25)")
stake("e_amzn_openai", "amazon", "openai", round(15 / 852, 4), 15.0, "2026-03-31", key="oai_round", as_of="2026-03-31", pair="p_amzn_oai",
      note="Amazon's upfront 15 of 50; the conditional 35 is an investment commitment (links c_amzn_oai_invest)")
# OpenAI received 350 m of CoreWeave stock in the March-2025 compute deal (v2 had the stake the other way round).
stake("e_oai_crwv", "openai", "coreweave", 0.0178, 0.35, "2025-03-10",
      source="In another chess move with Microsoft, OpenAI is pouring $12B into CoreWeave — TechCrunch (reporting Reuters), 2025-03-10, "
      "https://crypto-observer.com/technology-news/ai-news/in-another-chess-move-with-microsoft-openai-is-pouring-12b-into-coreweave",
      stype="press", as_of="2025-03-10",
      note="cost 0.35 as stated; share ~1.8 % = 0.35 at the USD 40 IPO price (8.75 m shares) of ~490 m shares, estimated; market value "
           "at the market_cap date")
stake("e_vc_openai", "venture_capital", "openai", 0.25, 60.0, "2023-01-01", source="estimate (see note)", stype="estimate", as_of="2026-03-31",
      note="Thrive, Khosla, sovereign funds and employees' holdings reconstructed as the rest of the cap table after the named holders and the OpenAI Foundation (~26 %)")
ANTH = [("e_amzn_anth", "amazon", 0.08, 8.0), ("e_goog_anth", "alphabet", 0.07, 3.0), ("e_ms_anth", "microsoft", 0.013, 5.0), ("e_nv_anth", "nvidia", 0.026, 10.0)]
for lid, h, sh, cost in ANTH:
    stake(lid, h, "anthropic", sh, cost, "2023-09-25", key="anth_g", as_of="2026-02-12",
          note="cost from the announced investments; share estimated as cost / post-money at the time, diluted to the Series G")
stake("e_vc_anth", "venture_capital", "anthropic", 0.55, 60.0, "2021-05-01", key="anth_g", as_of="2026-02-12", rec=True,
      note="GIC, Coatue, Iconiq, Lightspeed, Menlo, founders' vehicles: remainder of the cap table, reconstructed")
stake("e_nv_xai", "nvidia", "xai", 0.01, 2.0, "2026-01-06", source="xAI Series E announcement 2026-01-06 (Nvidia participating)", stype="press",
      note="Nvidia's participation in xAI's Series E; share estimated", as_of="2026-01-06")
stake("e_vc_xai", "venture_capital", "xai", 0.45, 40.0, "2023-07-01", source="estimate (see note)", stype="estimate", as_of="2026-01-06",
      note="Valor, Sequoia, Fidelity, QIA, Kingdom Holding etc.; Musk holds the rest")
stake("e_nv_colossus", "nvidia", "colossus2_spv", 0.26, 0.5, "2025-11-01", key="apollo_vci", instrument="jv_equity", carrying=0.5,
      as_of="2025-11-30",
      note="[not stated by the source] Nvidia is an anchor investor in the vehicle (Apollo), its amount is not published: 0.5 of the "
           "~1.9 equity (5.4 − 3.5) estimated at the share planned in 2025-10 (up to 2 of 7.5); it sits in the vehicle, not in xAI")
stake("e_vc_colossus", "venture_capital", "colossus2_spv", 0.73, 1.4, "2025-11-01", key="apollo_vci", instrument="jv_equity", carrying=1.4,
      as_of="2025-11-30",
      note="[not stated by the source] the sources state the 5.4 deal and the 3.5 loan: the equity ~1.9 = 5.4 − 3.5 is computed, and "
           "Valor's fund and its other investors' part 1.4 = 1.9 − Nvidia's estimated 0.5")
stake("e_nv_crwv", "nvidia", "coreweave", 0.07, 2.3, "2023-04-01", source="NVIDIA Form 13F 2025-09-30 and Jan-2026 USD 2 bn purchase (press)", stype="press",
      as_of=MCAP_DATE, note="~24 m shares plus the Jan-2026 purchase; share approximate")
stake("e_mag_crwv", "magnetar", "coreweave", 0.136, 0.5, "2021-01-01", source="Magnetar 13F 2025-12-31 (68.2 m shares) https://www.airealist.ai/p/what-a-gpu-debt-crisis-would-look",
      stype="press", as_of=MCAP_DATE, note="cost ~0.5 (early rounds, estimate); market value at the common market-cap date")
# The JV's equity is the 2.5 Morgan Stanley arranged with the notes (v2 booked 2.5 + 0.6 = 3.1): Blue Owl's 80 % and Meta's 20 % of it.
stake("e_owl_hyperion", "blue_owl", "hyperion_spv", 0.795, 2.0, "2025-10-30", key="hyperion", instrument="jv_equity", carrying=2.0,
      note="Blue Owl funds 80 % of the JV's 2.5 of equity")
stake("e_meta_hyperion", "meta", "hyperion_spv", 0.2, 0.5, "2025-10-30", key="hyperion", instrument="jv_equity", carrying=0.5,
      note="Meta 20 % of the JV's 2.5 of equity")
stake("e_oai_amd", "openai", "amd", 0.09, 0.0, "2025-10-06", source="AMD Form 8-K 2025-10-06: warrant for up to 160 m shares vesting with GPU deployments",
      stype="filing", instrument="warrant", carrying=0.0, note="unvested warrant at USD 0.01 strike: carrying 0; market value if fully vested")
stake("e_mufg_ms", "mufg", "morgan_stanley", 0.22, 9.0, "2008-10-13", source="MUFG Form 20-F FY2025 (equity-method investment in Morgan Stanley, ~22 %)",
      stype="filing", as_of=MCAP_DATE, note="cost ~9 (2008 investment); equity-method carrying value higher")
stake("e_sb_crusoe", "venture_capital", "crusoe", 0.6, 3.0, "2022-01-01", source="estimate (see note)", stype="estimate", as_of="2025-12-01",
      note="Founders Fund, Mubadala, Valor, Nvidia etc.; rest held by founders")

# --- free float of listed AI issuers across the holder sectors
INSIDER = {"nvidia": 0.04, "amd": 0.01, "broadcom": 0.02, "tsmc": 0.07, "microsoft": 0.01, "alphabet": 0.12, "amazon": 0.09,
           "meta": 0.13, "oracle": 0.41, "coreweave": 0.25, "nebius": 0.12, "iren": 0.1, "softbank": 0.30, "jpmorgan": 0.01,
           "goldman_sachs": 0.01, "mufg": 0.05, "morgan_stanley": 0.01}
US_CAP = ("nvidia", "amd", "broadcom", "microsoft", "alphabet", "amazon", "meta", "oracle", "jpmorgan", "goldman_sachs", "morgan_stanley", "coreweave", "iren")
FF_SRC = ("reconstruction: free float = 1 − insider/strategic share − named stakes; Vanguard and BlackRock at typical index-fund shares "
          "(~9 % and ~7.5 % of US large caps, 13F order of magnitude, not read issuer by issuer); the rest split by the sector shares of US "
          "corporate equity in Fed Financial Accounts Z.1 L.223 (funds ~45 %, pensions ~12 %, insurers ~4 %, households and foreign holders the rest)")
FFS = []   # holder_shares rows of the free floats, staged for financial_capital.py (data/build/free_float_shares.csv)
KIND_OF_HOLDER = {"vanguard": "asset_manager", "blackrock": "asset_manager", "asset_managers_other": "asset_manager",
                  "pension_funds_other": "pension_fund", "outside": "outside"}
for issuer, ins in INSIDER.items():
    held = sum(float(r["share"]) for r in L if r["kind"] == "equity_stake" and r["to_id"] == issuer)
    free = round(1 - ins - held - 0.005, 4)
    vg, br = ((0.09, 0.075) if issuer not in ("coreweave", "iren") else (0.06, 0.05)) if issuer in US_CAP else (0.0, 0.0)
    rest = free - vg - br
    ai = issuer not in ("jpmorgan", "goldman_sachs", "morgan_stanley", "mufg", "softbank")
    parts = {"vanguard": vg, "blackrock": br, "asset_managers_other": round(rest * 0.45, 4),
             "pension_funds_other": round(rest * 0.12, 4) if ai else 0.0}
    parts = {h: v for h, v in parts.items() if v > 0}
    parts["outside"] = round(free - sum(parts.values()), 4)
    # One row per issuer: the free float, whose holders the loader splits by holder_shares.csv's
    # free_float_<issuer> rows (each holder's part of the free float; stressgpu.data.holders).
    total = round(sum(parts.values()), 4)
    stake(f"ff_{issuer}", "", issuer, total, None, "2025-12-31", instrument="free_float", as_of=MCAP_DATE, rec=True,
          source=FF_SRC, stype="aggregate", holders=f"free_float_{issuer}",
          note=f"free float {total:g} of the equity; insider/strategic share {ins:.0%} kept out of the network; market value at {MCAP_DATE}; "
               "split among its holders by the loader (holder_shares.csv, free_float_" + issuer + ")")
    for h, sh in parts.items():
        FFS.append(dict(instrument=f"free_float_{issuer}", holder_kind=KIND_OF_HOLDER[h], holder_id=h, share=repr(sh / total),
                        as_of=MCAP_DATE, source=FF_SRC, source_quote="", source_type="aggregate", estimated="true",
                        note=f"{h} holds {sh:g} of {issuer}'s equity = {sh / total:.6g} of its free float {total:g} "
                             f"(reconstruction: {'typical index-fund share, not read from a 13F of ' + issuer if h in ('vanguard', 'blackrock') else 'Z.1 L.223 sector share of the rest' if h != 'outside' else 'the rest: households, foreign holders, insurers and others, kept in the outside entity'})"))

# --- LP interests in private-credit funds
LP = {"apollo": {"pension_funds_other": 0.35, "calpers": 0.02, "insurers_other": 0.15, "asset_managers_other": 0.2, "outside": 0.25},
      "blackstone": {"pension_funds_other": 0.37, "insurers_other": 0.15, "asset_managers_other": 0.25, "outside": 0.2},
      "blue_owl": {"pension_funds_other": 0.3, "insurers_other": 0.1, "asset_managers_other": 0.4, "outside": 0.17},
      "magnetar": {"pension_funds_other": 0.4, "outside": 0.55},
      "private_credit_other": {"pension_funds_other": 0.34, "insurers_other": 0.15, "asset_managers_other": 0.25, "outside": 0.23}}
LP_EQ = {}
# --- commitments
C_SRC = {
    "oai_orcl": "OpenAI-Oracle ~USD 300 bn over ~5 years from 2027 (WSJ 2025-09-10); seed:002_1024bdc4711c6b81.txt",
    "oai_msft": "Microsoft/OpenAI definitive agreement 2025-10-28: incremental USD 250 bn of Azure; seed:002_1024bdc4711c6b81.txt",
}


def commit(lid, buyer, seller, amt, start, end, top, usage, fee, instrument, finances, source, stype, note="", schedule="even", pair="", as_of=None,
           prepaid=""):
    link(link_id=lid, kind="commitment", from_id=buyer, to_id=seller, instrument=instrument, amount_usd_bn=amt, start=start, end=end,
         take_or_pay=top, usage_share=usage, termination_fee_usd_bn=fee, prepayment_share=prepaid, schedule=schedule, finances=finances, source=source,
         source_type=stype, note=note, pair_id=pair, as_of=as_of or start)


def yearly(lid, by_year, as_of, source, stype, note):
    for y, a in by_year.items():
        for q, md in enumerate(("03-31", "06-30", "09-30", "12-31")):
            SCHED.append(dict(link_id=lid, date=f"{y}-{md}", amount_usd_bn=round(a / 4, 6), as_of=as_of, source=source, source_type=stype,
                              estimated=stype in ("estimate", "reconstruction"), note=note))


commit("c_oai_orcl", "openai", "oracle", 300, "2027-01-01", "2032-12-31", 0.5, 0.5, 30, "compute_contract", "Stargate capacity (Abilene, Shackelford, Doña Ana, Lordstown, Milam, Wisconsin)",
       C_SRC["oai_orcl"], "press", schedule="table", note="ramp by year estimated (schedules.csv); binding share and fee estimated (reserved-capacity contract)")
yearly("c_oai_orcl", {2027: 20, 2028: 50, 2029: 60, 2030: 60, 2031: 60, 2032: 50}, "2025-09-10", "estimate from the WSJ description (5-year ramp from 2027)", "estimate",
       "ramp estimated; total as reported")
commit("c_oai_msft", "openai", "microsoft", 250, "2026-01-01", "2032-12-31", 0.6, 0.4, 0, "compute_contract", "Azure capacity", C_SRC["oai_msft"], "press",
       schedule="table", pair="p_ms_oai", note="schedule estimated as a ramp; termination fee not disclosed")
yearly("c_oai_msft", {2026: 15, 2027: 25, 2028: 35, 2029: 40, 2030: 45, 2031: 45, 2032: 45}, "2025-10-28", "estimate (ramp)", "estimate", "ramp estimated; total as reported")
commit("c_oai_msft_revshare", "openai", "microsoft", 30, "2026-01-01", "2030-12-31", 0.0, 1.0, 0, "revenue_share", "20 % revenue share to Microsoft",
       "OpenAI pays Microsoft ~20 % of revenue until the AGI panel/2030 (The Information 2025-09-30; Microsoft/OpenAI 2025-10-28)", "press",
       note="amount = 20 % of planned OpenAI revenue 2026-2030, estimated; fully usage-based (follows revenue)")
commit("c_oai_amzn", "openai", "amazon", 38, "2025-11-03", "2032-11-03", 0.5, 0.5, 0, "compute_contract", "AWS GB200/GB300 capacity",
       "AWS/OpenAI USD 38 bn 7-year agreement (2025-11-03 release)", "company", note="binding share estimated")
# Issue 25, item 3.2: the 2026-02-27 announcements expand the 38 AWS agreement (c_oai_amzn) by 100 over
# eight years (~2 GW of Trainium), i.e. 138 in all; v2 had an estimated 50 for the expansion.
S["aws_oai_26"] = ("Amazon invests $50 billion in OpenAI, committing to 2 gigawatts of Trainium silicon (Tom's Hardware, 2026-02-27, "
                   "on the Amazon/OpenAI press release) https://www.tomshardware.com/tech-industry/amazon-invests-50-billion-in-openai", "press")
commit("c_oai_amzn_trn", "openai", "amazon", 100, "2026-03-01", "2034-02-28", 0.5, 0.5, 0, "compute_contract", "2 GW of Trainium capacity (Trainium3, Trainium4 from 2027)",
       S["aws_oai_26"][0], "press", pair="p_amzn_oai", as_of="2026-02-27",
       note="expansion of the 38 AWS agreement (c_oai_amzn) by 100 over eight years, 138 in all; paid evenly over the eight years "
            "from March 2026 (schedule estimated); binding share estimated")
QUOTE[("links", "c_oai_amzn_trn")] = ("The deal also expands OpenAI's prior $38 billion AWS compute agreement, struck in November 2025, "
                                      "by an additional $100 billion over eight years.")
# Issue 25, item 3.3: no purchase commitment of OpenAI to Nvidia. v2 kept 100 of hardware purchases "implied by the
# LOI" of 2025-09-22 (10 GW, Nvidia investing up to 100 as each GW is deployed), although the LOI's investment side is
# already Nvidia's 30 in the 2026 round (e_nv_openai) and no definitive agreement or firm order was reported (S["nv_oai_loi"]).
S["nv_oai_loi"] = ("Nvidia CEO Jensen Huang: the proposed USD 100 bn OpenAI investment was never a commitment; Nvidia invests one round at a time "
                   "(Bloomberg via Business Standard, 2026-02-02) "
                   "https://www.business-standard.com/amp/world-news/pledge-to-invest-100-bn-in-openai-was-never-a-commitment-nvidia-126020201582_1.html ; "
                   "NVIDIA Form 10-Q Q3 FY2026 risk factors: no assurance of definitive agreements on the OpenAI opportunity (2025-11-19) "
                   "https://www.techbuzz.ai/articles/nvidia-throws-cold-water-on-100b-openai-deal-in-quarterly-filing ; "
                   "CFO at the UBS conference 2025-12-02: no definitive agreement yet https://www.digitimes.com/news/a20251203PD236.html", "press")
commit("c_oai_amd", "openai", "amd", 60, "2026-07-01", "2030-12-31", 0.3, 0.7, 0, "hardware_purchase", "6 GW of Instinct GPUs",
       "AMD/OpenAI agreement and Form 8-K 2025-10-06 (6 GW)", "filing", note="value estimated (~10 bn/GW); AMD's warrant vests with deployments")
commit("c_oai_avgo", "openai", "broadcom", 50, "2026-07-01", "2029-12-31", 0.3, 0.7, 0, "hardware_purchase", "10 GW custom accelerators",
       "Broadcom/OpenAI collaboration release 2025-10-13 (10 GW)", "company", note="value estimated")
commit("c_oai_crwv", "openai", "coreweave", 22.4, "2025-04-01", "2030-12-31", 0.8, 0.2, 0, "compute_contract", "CoreWeave capacity",
       "CoreWeave 8-Ks 2025-03-10, 2025-05, 2025-09-25 (11.9 + 4.0 + 6.5)", "filing", note="take-or-pay share estimated")
commit("c_oai_cerebras", "openai", "outside", 10, "2026-01-15", "2028-12-31", 0.5, 0.5, 0, "compute_contract", "Cerebras 750 MW inference capacity",
       "OpenAI-Cerebras agreement (2026-01, >USD 10 bn) — press", "press", note="Cerebras is outside the network")
commit("c_amzn_oai_invest", "amazon", "openai", 35, "2026-06-01", "2027-06-30", 0.0, 1.0, 0, "investment_commitment", "conditional equity tranche",
       S["oai_round"][0], "press", pair="p_amzn_oai", note="Amazon's conditional 35 of its 50; paid only when conditions are met (usage_share 1)")
commit("c_orcl_nv", "oracle", "nvidia", 40, "2025-06-01", "2027-12-31", 0.5, 0.5, 0, "hardware_purchase", "GB200 for Abilene", "FT 2025-05 on Oracle's ~40 bn Nvidia order", "press",
       note="binding share estimated")
commit("c_ms_nv", "microsoft", "nvidia", 45.6, "2025-07-01", "2026-12-31", 0.5, 0.5, 0, "hardware_purchase", "GPU systems",
       "seed:004_7d3810e225532e83.txt (Microsoft ~20 % of Nvidia revenue); Nvidia 10-Q customer concentration", "seed", note="annualised from Nvidia's customer concentration")
commit("c_crwv_nv", "coreweave", "nvidia", 4, "2026-01-01", "2026-12-31", 0.5, 0.5, 0, "hardware_purchase", "GPU purchases", "estimate (see note)", "estimate",
       note="CoreWeave's GPU purchase flow not itemised elsewhere (capex excludes it), order of magnitude")
commit("c_xai_nv", "xai", "nvidia", 10, "2026-01-01", "2026-12-31", 0.5, 0.5, 0, "hardware_purchase", "GPU purchases for Colossus", "estimate (see note)", "estimate",
       note="order of magnitude of xAI's direct GPU orders")
commit("c_xai_colossus", "xai", "colossus2_spv", round(COL_LEASE * 5, 3), "2026-01-01", "2030-12-31", 1.0, 0.0, 0, "compute_contract",
       "5-year triple-net lease of the GB200 compute", S["colossus"][0] + " ; " + S["apollo_vci"][0], "press",
       note=f"[not stated by the source] the sources state a 5-year lease (2025-10 plan) and a triple-net lease (Apollo), not the rent: "
            f"{COL_LEASE:g} a year estimated to service the 3.5 loan at ~9.5 % over 5 years (~0.9 a year) plus a return on the ~1.9 of "
            f"equity (Valor's base case above 22 % a year, The Information 2026-02-09); v2 had 22.5 for the planned 20 bn vehicle")
commit("c_nv_crwv", "nvidia", "coreweave", 6.3, "2025-09-15", "2032-04-13", 1.0, 0.0, 0, "compute_contract", "capacity backstop", "CoreWeave 8-K 2025-09-15 (Nvidia order form 6.3)",
       "filing", note="Nvidia buys any unsold capacity to 2032")
commit("c_ms_crwv", "microsoft", "coreweave", 10, "2025-01-01", "2030-12-31", 0.8, 0.2, 0, "compute_contract", "CoreWeave capacity", "CoreWeave S-1 (Microsoft 62 % of 2024 revenue)",
       "filing", note="remaining value estimated")
commit("c_meta_crwv_2026", "meta", "coreweave", 21.0, "2027-01-01", "2032-12-20", 1.0, 0.0, 0, "compute_contract", "CoreWeave capacity (expansion)",
       "Meta-CoreWeave $21B AI computing contract — Algeria Tech, 2026-04, https://algeriatech.news/meta-coreweave-21b-ai-computing-contract-2026",
       "press", as_of="2026-04-09",
       note="CoreWeave's expanded agreement with Meta of 2026-04-09 (~21 through December 2032), in addition to the 14.2 order of "
            "2025-09 (c_meta_crwv); new capacity from 2027 to 2032-12-20 (hubkub.com and CoreWeave via The Daily Scout: "
            "'The new contract starts in 2027'), payments spread evenly over it (profile estimated)")
commit("c_meta_crwv", "meta", "coreweave", 14.2, "2025-10-01", "2031-12-31", 0.8, 0.2, 0, "compute_contract", "CoreWeave capacity", "CoreWeave 8-K 2025-09-30 (Meta 14.2)", "filing",
       note="take-or-pay share estimated")
commit("c_ms_nbis", "microsoft", "nebius", 17.4, "2025-11-01", "2030-10-31", 0.8, 0.2, 0, "compute_contract", "Vineland NJ capacity", "Nebius 6-K 2025-09-08 (Microsoft 17.4, up to 19.4)",
       "filing", note="take-or-pay share estimated")
commit("c_meta_nbis", "meta", "nebius", 2.9, "2025-12-01", "2030-11-30", 0.8, 0.2, 0, "compute_contract", "Nebius capacity",
       "Nebius Group N.V. Form 6-K, 2025-11-12 (commercial agreement with Meta), https://www.sec.gov/Archives/edgar/data/1513845/000110465925109803/tm2530882d2_6k.htm",
       "filing", as_of="2025-11-12",
       note="GPU services deployed in two tranches (December 2025, February 2026), five-year term; the filing states ~2.9 (press "
            "rounded it to 3, v2's value); Meta may cancel if capacity is not delivered on the agreed dates")
# Meta's second Nebius contract (announced 2026-03-16): 12 of dedicated capacity from early 2027 over five years, and a
# backstop: Meta buys up to 15 more of Nebius's next clusters over five years if Nebius cannot sell it to others.
S["meta_nbis_2026"] = ("Meta signs $12B AI compute deal with Nebius, up to $27B — NAI500, 2026-03-16 "
                       "https://nai500.com/blog/2026/03/meta-signs-12b-ai-compute-deal-with-nebius-up-to-27b/ ; "
                       "Meta's $27B Nebius Deal Locks in Vera Rubin AI Infrastructure — Software Herald "
                       "https://softwareherald.com/meta-signs-up-to-27b-ai-infrastructure-deal-with-nebius-on-nvidia-vera-rubin", "press")
commit("c_meta_nbis_2026", "meta", "nebius", 12.0, "2027-01-01", "2031-12-31", 1.0, 0.0, 0, "compute_contract",
       "dedicated Vera Rubin capacity (multiple locations)", S["meta_nbis_2026"][0], "press", as_of="2026-03-16",
       note="five years of dedicated capacity with deliveries from early 2027 (schedule even over 2027-2031, estimated)")
commit("c_meta_nbis_2026_backstop", "meta", "nebius", 15.0, "2027-01-01", "2031-12-31", 1.0, 0.0, 0, "compute_contract",
       "backstop purchase of unsold capacity of Nebius's next clusters", S["meta_nbis_2026"][0], "press", as_of="2026-03-16",
       note="Meta buys up to 15 of capacity over five years if Nebius cannot sell it to other customers; 15 (the ceiling) "
            "taken as the value; paid in a glut, when others do not buy")
commit("c_ms_nscale", "microsoft", "nscale", 24, "2026-01-01", "2031-12-31", 0.8, 0.2, 0, "compute_contract", "GB300 capacity (UK, Norway, Texas, Portugal)",
       "Microsoft/Nscale agreements (2025-09 and 2025-10, ~USD 24 bn reported)", "press", note="take-or-pay share estimated")
commit("c_ms_iren", "microsoft", "iren", 9.7, "2026-01-01", "2030-12-31", 0.9, 0.1, 0, "compute_contract", "GB300 at Childress TX", "IREN/Microsoft USD 9.7 bn 5-year contract (2025-11-03)",
       "company", note="prepayment 20 % (IREN's announcement); take-or-pay share estimated", prepaid=0.2)
commit("c_ms_lambda", "microsoft", "lambda_labs", 5, "2026-01-01", "2030-12-31", 0.8, 0.2, 0, "compute_contract", "GB300 capacity",
       "Microsoft/Lambda multi-billion agreement (2025-11-03)", "company", note="'multibillion': value estimated at 5")
commit("c_nv_lambda", "nvidia", "lambda_labs", 1.5, "2025-09-01", "2029-08-31", 1.0, 0.0, 0, "compute_contract", "leaseback of Lambda GPU servers",
       "Nvidia-Lambda USD 1.5 bn 4-year leaseback (The Information 2025-09)", "press")
commit("c_meta_googl", "meta", "alphabet", 10, "2025-09-01", "2031-08-31", 0.7, 0.3, 0, "compute_contract", "Google Cloud capacity", "Meta/Google Cloud 6-year >USD 10 bn deal (2025-08-21)",
       "press", note="take-or-pay share estimated")
commit("c_anth_goog", "anthropic", "alphabet", 30, "2026-01-01", "2031-12-31", 0.6, 0.4, 0, "compute_contract", "up to 1 M TPUs (>1 GW in 2026)",
       "Google/Anthropic TPU agreement 2025-10-23 ('tens of billions')", "company", note="value estimated")
commit("c_anth_amzn", "anthropic", "amazon", 20, "2025-01-01", "2030-12-31", 0.6, 0.4, 0, "compute_contract", "Project Rainier Trainium", "Amazon/Anthropic (press 2025)", "press",
       note="value estimated")
commit("c_anth_msft", "anthropic", "microsoft", 30, "2026-01-01", "2031-12-31", 0.6, 0.4, 0, "compute_contract", "Azure capacity",
       "Microsoft/Nvidia/Anthropic 2025-11-18 (USD 30 bn Azure)", "company", note="binding share estimated")
commit("c_orcl_vantage", "oracle", "vantage_stargate_spv", 60, "2026-07-01", "2041-06-30", 1.0, 0.0, 0, "dc_lease", "Frontier and Lighthouse campuses",
       S["vantage"][0], "press", schedule="table", note="15-year leases, value estimated; §502(b)(6) cap applies to claims")
yearly("c_orcl_vantage", {y: 4.0 for y in range(2027, 2041)} | {2026: 2.0, 2041: 2.0}, "2025-10-27", "estimate (level lease)", "estimate", "level lease payments")
HYP_RENT = 2.6   # a year from 2029 to 2049: the notes' level debt service (~2.46 a year from 2030) with ~5 % cover
commit("c_meta_hyperion", "meta", "hyperion_spv", round(HYP_RENT * 21, 3), "2029-01-01", "2049-12-31", 1.0, 0.0, 0, "dc_lease",
       "Hyperion campus lease (4-year initial term with extension options, RVG for the first 16 years)",
       S["hyperion"][0] + " ; " + S["hyperion_terms"][0], "press", schedule="table", as_of="2025-10-22",
       note=f"[not stated by the source] the sources state a four-year initial lease term with extension options, Meta's capped "
            f"residual-value guarantee for the first 16 years of operations and 27.3 bn of 6.58 % notes due 2049 serviced from the "
            f"rent, not the rent itself: {HYP_RENT:g} a year from 2029 (completion) to 2049, the renewals taken as exercised while the "
            f"notes run, estimated as their level debt service ({4 * _pay:.2f} a year from 2030) with ~5 % cover; v2 had 2.0 a "
            f"year (41.6), less than the debt service")
yearly("c_meta_hyperion", {y: HYP_RENT for y in range(2029, 2050)}, "2025-10-22", "estimate (level rent covering the notes' debt service)",
       "estimate", "level lease payments")
commit("c_ms_util", "microsoft", "utilities_us", 16, "2028-01-01", "2047-12-31", 1.0, 0.0, 0, "power_purchase", "Crane Clean Energy Center PPA",
       "Constellation/Microsoft 20-year PPA (2024-09-20)", "company", note="value estimated")

# --- more dated deals (press)
commit("c_meta_orcl", "meta", "oracle", 20, "2026-01-01", "2031-12-31", 0.7, 0.3, 0, "compute_contract", "OCI capacity",
       "Meta/Oracle ~USD 20 bn multi-year cloud deal (Bloomberg 2025-09-18)", "press", note="take-or-pay share estimated")
commit("c_sb_oai_crystal", "softbank", "openai", 9, "2025-04-01", "2027-12-31", 0.8, 0.2, 0, "compute_contract", "Cristal intelligence: OpenAI services for SoftBank group",
       "SoftBank/OpenAI 'Cristal intelligence' USD 3 bn a year (2025-02-03 release)", "company", note="3 bn/yr for 3 years; binding share estimated")
commit("c_amzn_talen", "amazon", "utilities_us", 18, "2025-07-01", "2042-12-31", 1.0, 0.0, 0, "power_purchase", "1.92 GW from Susquehanna",
       "Talen/Amazon PPA USD 18 bn through 2042 (2025-06-11 release)", "company")
commit("c_meta_entergy", "meta", "utilities_us", 12, "2028-01-01", "2043-12-31", 1.0, 0.0, 0, "power_purchase", "Entergy gas plants for Hyperion",
       "Entergy Louisiana / Meta 15-year agreements (LPSC approval 2025-08-20)", "press", note="value estimated from the 2.3 GW of new plants")
commit("c_crwv_corz", "coreweave", "outside", 10, "2025-01-01", "2037-12-31", 1.0, 0.0, 0, "dc_lease", "Core Scientific hosting leases",
       "CoreWeave / Core Scientific 12-year leases ~USD 10 bn (2024-2025 releases; 2025-10-30 merger vote failed)", "press",
       note="Core Scientific is outside the network")
commit("c_orcl_crusoe", "oracle", "crusoe", 15, "2026-01-01", "2040-12-31", 1.0, 0.0, 0, "dc_lease", "Abilene campus lease (1.2 GW)",
       "Oracle lease of the Abilene campus from the Crusoe/Blue Owl JV (press 2025)", "press", note="15-year lease; value estimated")
for part, amt, inst, hs in (("notes", 3.0, "bond", BOND_HOLDERS), ("loans", 2.0, "term_loan", "leveraged_loan")):
    # the 5 bn package as two rows whose holders are not named (secured notes; term loans), split at load
    by_holder_shares(f"d_xai_2025_{part}", "xai", amt, hs, rate=0.12, rtype="fixed", start="2025-07-01", end="2030-07-01", instrument=inst,
         seniority="senior_secured", collateral="all_assets", tranche="d_xai_2025",
         source="xAI USD 5 bn debt (secured notes and term loans at ~12.5 %, Morgan Stanley-led, 2025-07-01) — press", stype="estimate",
         note=(f"the USD 5 bn package as reported when commitments closed (Bloomberg, 2025-06-20): 3 of bonds at a 12.5 % yield, "
               f"a 1 fixed-rate term loan at 12.5 % and a 1 term loan B at SOFR + 725 bp issued at 96 (sourced in "
               f"data/build/quotes/links.csv); " if part == "notes" else
               f"the USD 5 bn package as reported when commitments closed (Bloomberg, 2025-06-20): 3 of bonds, a 1 fixed-rate term loan "
               f"at 12.5 % and a 1 term loan B at SOFR + 725 bp issued at 96: the two loans, 2 = 1 + 1, computed; ")
              + f"holders not named: split at load by the holder shares of {'US corporate bonds' if hs == BOND_HOLDERS else 'leveraged loans'} "
              f"(data/holder_shares.csv)")
stake("e_googl_anth_2025", "alphabet", "anthropic", 0.003, 1.0, "2025-01-22", source="Google's additional USD 1 bn in Anthropic (press 2025-01-22)",
      stype="press", as_of="2026-02-12", note="share estimated as cost / valuation at the time, diluted")

commit("c_anth_nv", "anthropic", "nvidia", 10, "2026-01-01", "2030-12-31", 0.3, 0.7, 0, "hardware_purchase", "up to 1 GW of Grace Blackwell / Vera Rubin compute",
       "Microsoft/Nvidia/Anthropic partnership 2025-11-18 (Anthropic commits to up to 1 GW of Nvidia systems)", "company", note="value estimated (~10 bn/GW of systems)")
commit("c_iren_dell", "iren", "outside", 5.8, "2025-11-03", "2026-12-31", 1.0, 0.0, 0, "hardware_purchase", "GB300 systems from Dell for the Microsoft contract",
       "IREN release 2025-11-03 (Dell USD 5.8 bn equipment purchase)", "company", note="Dell is outside the network")
stake("e_nv_nscale", "nvidia", "nscale", 0.05, 0.15, "2025-09-25", source="Nscale Series B USD 1.1 bn with Nvidia participating (press 2025-09-25)", stype="press",
      note="Nvidia's share estimated; market value at the estimated valuation")
stake("e_nv_lambda", "nvidia", "lambda_labs", 0.03, 0.2, "2023-03-01", source="Lambda funding rounds with Nvidia participating (press 2023-2025)", stype="press",
      note="Nvidia's share and cost estimated")

# --- bond maturity ladders (schedules.csv, table schedules)
for r in L:
    t = r["tranche_id"]
    if r["kind"] == "debt" and r["schedule"] == "table" and t in BOND_SCHED:
        for y, sh in BOND_SCHED[t].items():
            SCHED.append(dict(link_id=r["link_id"], date=f"{y}-06-30", amount_usd_bn=round(float(r["amount_usd_bn"]) * sh, 6), as_of=r["start"],
                              source="estimate: maturity ladder of the issue's tranches", source_type="estimate", estimated=True,
                              note="principal by maturity year approximated from the tranche structure"))


# ---------------------------------------------------------------- close aggregates as remainders of public totals
def val(e, item):
    return BS[(e, item)]["value"]


PC_TOTAL = 2200.0
named_pc = sum(val(e, "total_assets") for e in ("apollo", "blackstone", "blue_owl", "magnetar"))
pco_assets = PC_TOTAL - named_pc
for item, v in (("total_assets", pco_assets), ("book_equity", pco_assets - 520), ("total_liabilities", 520), ("total_debt", 450),
                ("cash", 60), ("revenue", round(0.1 * pco_assets, 1)), ("opex", round(0.015 * pco_assets, 1))):
    est("private_credit_other", item, v, "2025-12-31", f"remainder of the private-credit market total {PC_TOTAL:g} (sector_totals.csv) after the named funds "
        f"({named_pc:g}); v1 counted the whole market here and the named funds on top", source=S["seed002"][0] + " ; " + S["fedpc"][0])
INS_TOTAL = round(849 / 0.14, 0)
ins_rest = INS_TOTAL - val("athene", "total_assets")
for item, v in (("total_assets", ins_rest), ("total_liabilities", round(ins_rest * 0.9, 1)), ("book_equity", round(ins_rest * 0.1, 1))):
    est("insurers_other", item, v, "2024-12-31", f"remainder of US life insurers' balance sheets {INS_TOTAL:g} (849 bn = 14 %, Chicago Fed) after Athene",
        source=S["chifed"][0])
# LP interests (fund equity split)
for fund, parts in LP.items():
    eq = val(fund, "book_equity")
    for h, sh in parts.items():
        amt = round(eq * sh, 3)
        link(link_id=f"lp_{h}_{fund}", kind="equity_stake", from_id=h, to_id=fund, instrument="lp_interest", share=sh, cost_usd_bn=amt,
             market_value_usd_bn=amt, amount_usd_bn=amt, start="2020-01-01", as_of="2025-12-31", reconstructed=True, method="share_of_total",
             source="reconstruction: LP base of private-credit funds (pensions ~35 %, insurers ~15 %, wealth/retail funds ~20-40 %, SWFs, endowments "
                    "and family offices the rest; Fed FEDS Notes 2025-05-23, Boston Fed 2025) applied to the fund's equity",
             source_type="aggregate", note="LP share reconstructed; valued at NAV (fund book equity)")

# ---------------------------------------------------------------- derived v2 items
VCS = {"chipmaker": 0.38, "hyperscaler": 0.35, "ai_lab": 0.55, "neocloud": 0.25, "datacenter_spv": 0.1, "utility": 0.45, "bank": 0.1,
       "private_credit": 0.05, "insurer": 0.6, "pension_fund": 0.5, "asset_manager": 0.2, "investor": 0.1, "outside": 0.5}
DIV = {"nvidia": 40, "microsoft": 43, "alphabet": 70, "meta": 10, "oracle": 6, "amd": 1, "broadcom": 18, "tsmc": 15, "jpmorgan": 35,
       "goldman_sachs": 15, "morgan_stanley": 12, "mufg": 8, "softbank": 3, "utilities_us": 35}
LIFE = {"microsoft": 6, "alphabet": 6, "amazon": 5, "oracle": 6, "coreweave": 6, "nebius": 4, "crusoe": 5, "lambda_labs": 5, "nscale": 5,
        "iren": 5, "colossus2_spv": 5}
FIN = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor", "outside")
for e in E.id:
    k = KIND[e]
    rev, opex = val(e, "revenue"), val(e, "opex")
    asof = BS[(e, "revenue")]["as_of"]
    vcs = VCS[k] if rev > 0 else 0.0
    if rev > 0 and vcs * rev > opex:
        vcs = round(0.9 * opex / rev, 4)
    est(e, "variable_cost_share", vcs, asof, f"kind default for {k} (cost of revenue + cash taxes as a share of revenue), capped at 90 % of opex/revenue")
    est(e, "sticky_opex", round(opex - vcs * rev, 4), asof, "opex − variable_cost_share × revenue (fixed cash operating cost)")
    cash = val(e, "cash")
    mc = round(0.3 * cash, 3) if k in FIN else round(max(0.1 * opex, 0.05), 3)
    est(e, "min_cash", mc, BS[(e, "cash")]["as_of"], "30 % of cash for financial entities; ~5 weeks of cash cost (10 % of annual opex) otherwise")
    if e not in DIV_FILED:
        est(e, "dividends_buybacks", DIV.get(e, 0.0), asof, "approximate latest-year dividends + buybacks from the filings' cash-flow statements, rounded; 0 where none"
        if e in DIV else "none paid (private, fund or aggregate)")
    if (e, "ai_share_lease") not in BS:
        lease = 1.0 if k == "datacenter_spv" and e != "colossus2_spv" else 0.0
        if lease:
            for it in ("ai_share_compute", "ai_share_hardware", "ai_share_services", "ai_share_power"):
                est(e, it, 0.0, asof, "revenue of a data-centre lessor is leasing (ai_share_lease)")
        est(e, "ai_share_lease", lease, asof, "1 for data-centre lessors, 0 otherwise")
    if "sells_compute" in E.loc[E.id == e, "roles"].iloc[0]:
        comp = rev * val(e, "ai_share_compute")
        if e == "colossus2_spv":
            comp = COL_LEASE
        est(e, "compute_capacity", round(max(comp, 0.1) / 0.85, 3), asof,
            "AI compute revenue (revenue × ai_share_compute) / 0.85 assumed utilisation" if e != "colossus2_spv" else f"GPU lease revenue ~{COL_LEASE:g}/yr / 0.85")
        est(e, "hardware_life_years", LIFE.get(e, 5), asof, "depreciation life of servers/GPUs from the latest 10-K/10-Q (MSFT, GOOGL 6; AMZN 5 from 2025) or 5 where not disclosed")
for e, cr, mn, how in (("jpmorgan", 0.153, 0.115, "CET1 ratio ~15.3 % vs ~11.5 % requirement (10-Q 2025-09-30)"),
                       ("goldman_sachs", 0.145, 0.109, "CET1 ~14.5 % vs ~10.9 %"), ("morgan_stanley", 0.151, 0.107, "CET1 ~15.1 % vs ~10.7 %"),
                       ("mufg", 0.111, 0.095, "CET1 ~11 % (20-F)"), ("regional_banks", 0.12, 0.07, "aggregate CET1 ~12 %"),
                       ("banks_other", 0.13, 0.1, "order of magnitude")):
    if e not in CR_FILED:
        est(e, "capital_ratio", cr, "2025-09-30", how)
    est(e, "capital_ratio_min", mn, "2025-09-30", "regulatory minimum incl. buffers: " + how)
for e in ("apollo", "blackstone", "blue_owl", "magnetar", "private_credit_other"):
    est(e, "capital_ratio", round(val(e, "book_equity") / val(e, "total_assets"), 4), "2025-12-31", "fund equity / assets")
    est(e, "capital_ratio_min", 0.333, "2025-12-31", "BDC asset coverage 150 % (debt ≤ 2× equity) as the fund-level floor")

# ---------------------------------------------------------------- consistency: debt totals, asset closure
Ldf = pd.DataFrame(L)
for b, g in Ldf[Ldf.kind == "debt"].groupby("from_id"):
    s = g.amount_usd_bn.astype(float).sum()
    if s > val(b, "total_debt") + 1e-9:
        old = val(b, "total_debt")
        est(b, "total_debt", round(s, 3), BS[(b, "total_debt")]["as_of"], f"raised from {old:g} to the itemised tranches' sum (links.csv)",
            source=BS[(b, "total_debt")]["source"])
        tl = val(b, "total_liabilities")
        if tl < s:
            est(b, "total_liabilities", round(s + (tl - old if tl > old else 0), 3), BS[(b, "total_debt")]["as_of"], "raised with total_debt",
                source=BS[(b, "total_debt")]["source"])
claims = {}
for _, r in Ldf.iterrows():
    if r.kind == "debt":
        claims[r.to_id] = claims.get(r.to_id, 0) + float(r.amount_usd_bn)
    elif r.kind == "equity_stake":
        claims[r.from_id] = claims.get(r.from_id, 0) + float(r.amount_usd_bn)
hold = {}
for h in H:
    hold[h["entity_id"]] = hold.get(h["entity_id"], 0) + h["value_usd_bn"]
for e in E.id:
    need = val(e, "cash") + hold.get(e, 0) + claims.get(e, 0)
    if val(e, "total_assets") < need - 1e-9:
        ta = round(need * 1.02 + 0.1, 3)
        gap = ta - val(e, "total_assets")
        print(f"closing {e}: total_assets {val(e, 'total_assets'):g} -> {ta:g}")
        est(e, "total_assets", ta, BS[(e, "total_assets")]["as_of"], f"raised by {gap:.3g} so that cash + holdings + itemised claims fit (stakes at carrying value)",
            source=BS[(e, "total_assets")]["source"])
        est(e, "book_equity", round(val(e, "book_equity") + gap, 3), BS[(e, "total_assets")]["as_of"], "raised with total_assets",
            source=BS[(e, "total_assets")]["source"])

# ---------------------------------------------------------------- sector totals
ST = [
    dict(kind="private_credit", measure="item:total_assets", value_usd_bn=PC_TOTAL, tolerance=0.001, as_of="2025-10-31",
         source=S["seed002"][0] + " ; " + S["fedpc"][0], source_type="seed", estimated=False,
         note="private-credit market ~2.2 tn (seed 002 'at least 2,200'; Fed: ~2 tn global in 2024Q2); private_credit_other is the remainder, "
              "BlackRock's private credit (HPS) included. No 2026 figure of the market found (the FSB's report of May 2026 gives 1.5-2 tn on 2024 data)"),
    dict(kind="private_credit", measure="debt_to:bank", value_usd_bn=PC_BANK, tolerance=0.02, as_of="2024-12-31", source=S["fed_bank_pc"][0],
         source_type="aggregate", estimated=False,
         note="lending by US banks to private debt funds and BDCs at end-2024 (Fed FEDS Notes 2025-05-23, as reported), ~79 of it through "
              "revolving credit lines; v2 had the Boston Fed's ~300 (2023) of loan commitments to private-equity and private-credit funds, "
              "read as drawn. No 2026 figure found"),
    dict(kind="insurer", measure="item:total_assets", value_usd_bn=INS_TOTAL, tolerance=0.001, as_of="2024-12-31", source=S["chifed"][0],
         source_type="aggregate", estimated=False, note="US life insurers' balance sheets implied by 849 bn = 14 %; insurers_other is the remainder after Athene; no 2026 figure found"),
]

QUOTE[("sector_totals", ("private_credit", "debt_to:bank"))] = (
    "Wall Street banks have dramatically expanded their financial support for the $1.7 trillion private credit industry, with lending "
    "to private debt funds surging 145% over five years to reach approximately $95 billion by the end of 2024.")

# ---------------------------------------------------------------- write
# A row in QUOTE gets its sentence in `source_quote` (the column after `source`, where
# add_source_quote.py keeps it); each must write the row's number (the loader's own test).
from stressgpu.data.checks import quote_states  # noqa: E402


def with_quotes(df, table, key, number):
    keys = [key(r) for _, r in df.iterrows()]
    df.insert(df.columns.get_loc("source") + 1, "source_quote", [QUOTE.get((table, k), "") for k in keys])
    for k, q, v, est_ in zip(keys, df["source_quote"], df[number], df["estimated"]):
        if q and (est_ not in (False, "false") or not quote_states(q, float(v))):
            raise SystemExit(f"{table} {k!r}: a quote needs estimated=false and must write the number {v}: {q!r}")
    missing = {k for (t, k) in QUOTE if t == table} - set(keys)
    if missing:
        raise SystemExit(f"QUOTE names rows not in {table}: {sorted(missing, key=str)}")
    return df


ROOT.mkdir(exist_ok=True)
E.to_csv(ROOT / "entities.csv", index=False)
rows = [dict(entity_id=e, item=i, **{k: v for k, v in d.items()}) for (e, i), d in BS.items() if e in set(E.id)]
B = pd.DataFrame(rows)[["entity_id", "item", "value", "as_of", "source", "source_type", "estimated", "note"]]
B["order"] = B.entity_id.map({e: k for k, e in enumerate(E.id)})
B = B.sort_values(["order", "item"]).drop(columns="order")
B = with_quotes(B, "balance_sheets", lambda r: (r.entity_id, r["item"]), "value")
B["estimated"] = B.estimated.map(lambda x: "true" if x else "false")
B.to_csv(ROOT / "balance_sheets.csv", index=False)
Hd = with_quotes(pd.DataFrame(H), "holdings", lambda r: (r.entity_id, r.asset_class), "value_usd_bn")
Hd["estimated"] = Hd.estimated.map(lambda x: "true" if x else "false")
Hd.to_csv(ROOT / "holdings.csv", index=False)
Ldf = with_quotes(pd.DataFrame(L)[COLS], "links", lambda r: r.link_id, "amount_usd_bn")
for c in ("estimated", "reconstructed"):
    Ldf[c] = Ldf[c].map(lambda x: "true" if x else "false")
Ldf.to_csv(ROOT / "links.csv", index=False)
Sd = with_quotes(pd.DataFrame(SCHED), "schedules", lambda r: (r.link_id, r.date), "amount_usd_bn")
Sd["estimated"] = Sd.estimated.map(lambda x: "true" if x else "false")
Sd.to_csv(ROOT / "schedules.csv", index=False)
Td = with_quotes(pd.DataFrame(ST), "sector_totals", lambda r: (r.kind, r.measure), "value_usd_bn")
Td["estimated"] = Td.estimated.map(lambda x: "true" if x else "false")
Td.to_csv(ROOT / "sector_totals.csv", index=False)
pd.DataFrame(FFS).to_csv(Path(__file__).resolve().parent / "free_float_shares.csv", index=False)
print(len(E), "entities;", len(B), "balance rows;", len(Ldf), "links;", len(Sd), "schedule rows;", len(FFS),
      "free-float holder shares (data/build/free_float_shares.csv, for financial_capital.py)")

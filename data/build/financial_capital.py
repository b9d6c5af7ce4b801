"""Builds data/financial_capital.csv (capital, leverage, funding and holdings of the network's banks,
private-credit funds, insurers and pension funds) and data/holder_shares.csv (published shares of the
holders of bonds and loans whose holders are not named in data/links.csv), from the rows written below, and
data/build/quotes/market_figures.csv (market-level figures in sector_totals.csv's columns, staged until the loader
accepts market:<name> measures). Sources, meanings and what is missing: data/build/FINANCIAL.md.

    python data/build/financial_capital.py           # writes the three CSVs, prints the split of `outside` debt
    python data/build/financial_capital.py --check   # verifies the CSVs are what this script writes, that the
                                                     # holder shares of each instrument add to 1 and that every
                                                     # estimated=false row has a quote; prints the split too

Provenance follows data/SCHEMA.md: a row is sourced (estimated=false) only when the cited document states
the number; source_quote then holds that document's sentence. Computed, split or assumed numbers are
estimated=true with the method in `note`. Numbers derived from the repository's own tables (balance_sheets,
sector_totals) say so in `note` and are estimated.

Items no public document was found for are not written (see FINANCIAL.md, "Missing"), rather than guessed.
"""
import csv, io, os, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..")
FC_COLS = ["entity_id", "item", "value", "unit", "as_of", "source", "source_quote", "source_type", "estimated", "note"]
HS_COLS = ["instrument", "holder_kind", "holder_id", "share", "as_of", "source", "source_quote", "source_type", "estimated", "note"]
HOLDER_KINDS = ("bank", "private_credit", "insurer", "pension_fund", "asset_manager", "investor", "household",
                "foreign", "outside")
INSTRUMENTS = ("corporate_bond", "leveraged_loan", "private_credit_loan", "abs", "retail_bond_jp")
# The entity of data/entities.csv that holds each holder kind's share when the loader splits a row
# (data/SCHEMA.md, holder_shares.csv): the kind's aggregate remainder; households and the rest of the
# world are in the `outside` entity (the model has no kind for them); `outside` is what no statistic
# assigns. US-chartered depository institutions (Z.1 L.213 line 18) are the US banks' aggregate.
HOLDER_ID = {"bank": "regional_banks", "private_credit": "private_credit_other", "insurer": "insurers_other",
             "pension_fund": "pension_funds_other", "asset_manager": "asset_managers_other", "investor": "venture_capital",
             "household": "outside", "foreign": "outside", "outside": "outside"}

# ---------------------------------------------------------------- sources: (title, address, source_type)
S = {
 "sbg_retail": ("SoftBank Taps Retail Investors With ¥500 Billion Bond at Highest Coupon Since 2009 — Jakota (from Nikkei Asia), 2025-11-27", "https://jakotaindex.com/news-hub/softbank-taps-retail-investors-with-%C2%A5500-billion-bond-at-highest-coupon-since-2009", "press"),
 "jpm_8k": ("JPMorgan Chase 8-K earnings release, 1Q26 (2026-04-14), CEO statement as reproduced by SRT Intelligence's JPM page", "https://srt-intelligence.vercel.app/banks/077a5d3e-2712-4922-9893-081a68a665f4", "filing"),
 "jpm_10q": ("JPMorgan Chase Form 10-Q, quarter ended 2026-03-31 (Stock Titan summary)", "https://www.stocktitan.net/sec-filings/AMJB/10-q-jpmorgan-chase-co-quarterly-earnings-report-0cc7e9e7947c.html", "filing"),
 "fed_req": ("Fed sets this year's capital requirements for biggest banks (press report of the Federal Reserve's 2025-08-29 large-bank capital requirements)", "https://www.equityreleases.co.uk/fed-sets-this-years-capital-requirements-for-biggest-banks/?noamp=mobile", "press"),
 "ms_scb": ("Federal Reserve Lowers Morgan Stanley's Stress Capital Buffer to 4.3 % (BeyondSPX, 2025-10-02; Fed press release 2025-09-30)", "https://www.beyondspx.com/quote/MS/news/federal-reserve-lowers-morgan-stanleys-stress-capital-buffer-to-43", "press"),
 "ms_10q": ("Morgan Stanley Form 10-Q, quarter ended 2026-03-31 (Stock Titan summary)", "https://www.stocktitan.net/sec-filings/MSTLW/10-q-morgan-stanley-quarterly-earnings-report-bf39a06596bb.html", "filing"),
 "feds_note": ("Federal Reserve FEDS Notes 2025-05-23, Bank Lending to Private Credit (data/sector_totals.csv, debt_to:bank)", "https://www.federalreserve.gov/econres/notes/feds-notes/bank-lending-to-private-credit-size-characteristics-and-financial-stability-implications-20250523.html", "aggregate"),
 "repo_bs": ("data/balance_sheets.csv of this repository (its own sources per row)", "", "estimate"),
 "bcred_terms": ("Blackstone Private Credit Fund (BCRED), About BCRED: key terms (data as of 2025-10-31)", "https://www.bcred.com/about-bcred/", "company"),
 "bcred_size": ("Inside BCRED: A Deep Dive into $30B of Debt (Accredited Insight, 2025)", "https://www.accreditedinsight.com/p/inside-bcred-a-deep-dive-into-30b", "press"),
 "sbcaa": ("Small Business Credit Availability Act: Increasing Capital and Flexibility for Business Development Companies (Dechert, 2018-03-26)", "https://www.dechert.com/knowledge/onpoint/2018/3/small-business-credit-availability-act--increasing-capital-and-f.html", "press"),
 "naic_rbc": ("NAIC, Aggregated Life RBC and Annual Statement Data, 2020 (data as of 2021-06-30)", "https://info.5y1.org/1-or-3-2-0-5-761-761_1_9b1256.html", "aggregate"),
 "z1_l116g": ("Federal Reserve Z.1 Financial Accounts, release of 2024-03-07, table L.116.g Life insurance companies: general accounts, line 10", "https://federalreserve.gov/releases/z1/20240307/html/l116g.htm", "aggregate"),
 "iii_life": ("Insurance Information Institute, Investments, Life/Annuity Insurers, 2020-2022 (NAIC data via S&P Global Market Intelligence)", "http://iii.org/table-archive/20679", "aggregate"),
 "chifed": ("Chicago Fed Working Paper 2025-09 (data/sector_totals.csv, insurer item:total_assets): life insurers' private placements USD 849 bn = 14 % of balance sheets (2024)", "https://www.chicagofed.org/publications/working-papers/2025/2025-09", "aggregate"),
 "calpers_pr": ("CalPERS Announces Preliminary 11.6% Return for 2024-25 Fiscal Year (CalPERS, 2025-07-14)", "https://www.calpers.ca.gov/newsroom/calpers-news/2025/calpers-announces-preliminary-116-return-for-2024-25-fiscal-year", "company"),
 "calpers_pd": ("CalPERS Reports 11.6% Annual Return as PE, Debt Strategies Drive Growth (Connect Money, July 2025)", "https://www.connectmoney.com/stories/calpers-reports-11-6-annual-return-as-pe-debt-strategies-drive-growth/", "press"),
 "z1_l213": ("Federal Reserve Z.1 Financial Accounts, release of 2026-03-19, table L.213 Corporate and foreign bonds (2025 = 2025:Q4)", "https://www.federalreserve.gov/releases/z1/20260319/html/l213.htm", "aggregate"),
 "z1_l133": ("Federal Reserve Z.1 Financial Accounts, release of 2026-03-19, table L.133 Rest of the world, line 13 U.S. corporate bonds", "https://www.federalreserve.gov/releases/z1/20260319/html/l133.htm", "aggregate"),
 "overton": ("Who owns US corporate debt? (Beyond Overton, 2017-09-26; from the Fed's Z.1 Financial Accounts)", "https://beyondoverton.com/2017/09/26/who-owns-us-corporate-debt/", "press"),
 "crs_lev": ("Congressional Research Service R46096, Leveraged Lending and Collateralized Loan Obligations: Frequently Asked Questions (2019-12-04)", "https://www.everycrsreport.com/reports/R46096.html", "aggregate"),
 "jpm_10k_r207": ("JPMorgan Chase Form 10-K 2025, Regulatory Capital - Risk-Based Regulatory Requirements (Details), R207", "https://www.sec.gov/Archives/edgar/data/19617/000162828026008131/R207.htm", "filing"),
 "gs_10q_2022": ("Goldman Sachs Form 10-Q, quarter ended 2022-09-30, Regulation and Capital Adequacy (Tables), R53", "https://www.sec.gov/Archives/edgar/data/886982/000088698222000002/R53.htm", "filing"),
 "gs_10q_2025": ("Goldman Sachs Form 10-Q, quarter ended 2025-09-30, Regulation and Capital Adequacy (Tables), R53", "https://www.sec.gov/Archives/edgar/data/886982/000088698225001411/R53.htm", "filing"),
 "ms_10q_2024": ("Morgan Stanley Form 10-Q, quarter ended 2024-06-30, Regulatory Requirements (Tables), R40", "https://www.sec.gov/Archives/edgar/data/895421/000089542124000403/R40.htm", "filing"),
 "ms_10k_2025": ("Morgan Stanley Form 10-K 2025, Note: Loans, Lending Commitments and Related Allowance for Credit Losses (R17, loans by type at 2025-12-31)", "https://beatandraise.com/api/document/0000895421/0000895421-26-000086/R17.htm", "filing"),
 "mufg_car_3q": ("MUFG Bank, Ltd. announces Risk-Adjusted Capital Ratio Based on the Basel 3 Standards for the Third Quarter Ended December 31, 2025 (Business Wire, 2026-02-13)", "https://shareprices.com/rns/mufg-bank-ltd-announces-risk-adjusted-capital-ratio-based-on-the-basel-3-standards-for-the-third-quarter-ended-december-31-2025-irvfi06he2my96q", "company"),
 "mufg_20f": ("MUFG Form 20-F, fiscal year ended 2025-03-31, Regulatory Capital Requirements (Tables), R66: risk-adjusted capital amounts and ratios", "http://archive.fast-edgar.com/20250707/AEZ2L222Z222R2Z2222M22ZZMTIQKTH82272/R66.htm", "filing"),
 "jpm_10q_3q25": ("JPMorgan Chase Form 10-Q, quarter ended 2025-09-30, Loans (Tables), R45: loans by portfolio segment", "https://www.sec.gov/Archives/edgar/data/19617/000162828025048859/R45.htm", "filing"),
 "fed_sr_2025": ("Federal Reserve, Supervision and Regulation Report, December 2025: Banking System Conditions", "https://www.federalreserve.gov/publications/2025-december-supervision-and-regulation-report-banking-system-conditions.htm", "aggregate"),
 "ecb_sbs_3q25": ("ECB publishes supervisory banking statistics on significant institutions for the third quarter of 2025 (2025-12-17, as republished by Banque de France)", "https://www.banque-france.fr/fr/node/1212010", "aggregate"),
 "ecb_srep_2025": ("ECB keeps capital requirements broadly stable for 2026 amid persisting global challenges (ECB press release 2025-11-18, as republished by Banque de France)", "https://www.banque-france.fr/en/press-release/ecb-keeps-capital-requirements-broadly-stable-2026-amid-persisting-global-challenges", "aggregate"),
 "fred_acilt100": ("FRED ACILT100, Commercial and Industrial Loans, Banks Ranked 1st to 100th Largest in Size by Assets (as displayed by useconomictrends.com)", "https://useconomictrends.com/trend/ACILT100", "aggregate"),
 "fred_acilob": ("FRED ACILOB, Commercial and Industrial Loans, Banks Not Among the 100 Largest in Size by Assets (as displayed by useconomictrends.com)", "https://useconomictrends.com/trend/ACILOB", "aggregate"),
 "gsib_basel": ("Goldman Sachs Form 10-Q, quarter ended 2025-06-30, Regulation and Capital Adequacy (Tables), R55 (statement of the Basel III minimum and buffers)", "https://www.sec.gov/Archives/edgar/data/886982/000088698225000022/R55.htm", "filing"),
 "fed_pc_2024": ("Federal Reserve FEDS Notes 2024-02-23, Private Credit: Characteristics and Risks (Cai and Haque), citing the Fed Financial Stability Report of May 2023 (Form PF, 2021:Q4)", "https://www.federalreserve.gov/econres/notes/feds-notes/private-credit-characteristics-and-risks-20240223.html", "aggregate"),
 "ocic_to_2024": ("Blue Owl Credit Income Corp. (OCIC), Offer to Purchase, Schedule TO exhibit 99(a)(1)(B) (SEC, 2024-05)", "https://sec.gov/Archives/edgar/data/1812554/000162828024025012/exhibit99a1b-ocicschedulet.htm", "filing"),
 "ocic_10q_1q26": ("Blue Owl Credit Income Corp. (OCIC) Form 10-Q, quarter ended 2026-03-31, Fair Value of Financial Instruments (R16)", "http://archive.fast-edgar.com/20260511/A82ZM22CH222P2Z2222622OBSMAGZ222AB82/R16.htm", "filing"),
 "creditflux_obdc2": ("Blue Owl's unwise BDC merger rekindles liquidity risk worries (Creditflux, Lisa Fu, 2025-12)", "https://newsletter.creditflux.com/blue-owls-unwise-bdc-merger-rekindles-liquidity-risk-worries", "press"),
 "bcred_gate_2026": ("Blackstone reinstates 5% redemption cap on BCRED fund amid liquidity pressures (DailyAlpha, 2026)", "https://dailyalpha.us/news/blackstone-reinstates-5percent-redemption-cap-on-bcred-fund-amid-liquidity-pressures-6a216b0a3a85c10da1485050", "press"),
 "athene_4q25": ("Athene Holding Ltd. 8-K, fourth-quarter 2025 financial supplement (Stock Titan summary)", "https://www.stocktitan.net/sec-filings/ATH/8-k-athene-holding-ltd-reports-material-event-38151dc14437.html", "filing"),
 "milliman_ppfi": ("Milliman Public Pension Funding Index, October 2025 (as reported by Russ Kamp, Ryan ALM, 2025-11-24)", "https://kampconsultingblog.com/2025/11/24/milliman-public-pension-funding-improves-once-more", "press"),
 "sector_pc": ("data/sector_totals.csv of this repository: private_credit item:total_assets 2,200 (seed:002_1024bdc4711c6b81.txt; Fed FEDS Notes 2025-05-23)", "", "estimate"),
}


def _src(key):
    t, u, st = S[key]
    return (f"{t} {u}".strip(), st)


fc = []   # financial_capital rows
hs = []   # holder_shares rows


def cap(ent, item, value, unit, as_of, src, quote="", note="", estimated=None):
    source, st = _src(src)
    if estimated is None:
        estimated = (not quote) or st in ("estimate", "reconstruction")
    fc.append(dict(entity_id=ent, item=item, value=_fmt(value), unit=unit, as_of=as_of, source=source,
                   source_quote=quote, source_type=st, estimated=_b(estimated), note=note))


def share(inst, kind, value, as_of, src, quote="", note="", estimated=None):
    source, st = _src(src)
    if estimated is None:
        estimated = (not quote) or st in ("estimate", "reconstruction")
    hs.append(dict(instrument=inst, holder_kind=kind, holder_id=HOLDER_ID[kind], share=_fmt(value), as_of=as_of, source=source,
                   source_quote=quote, source_type=st, estimated=_b(estimated), note=note))


def _fmt(x):
    return f"{float(x):.6g}"


def _b(x):
    return "true" if x else "false"


def _read_csv(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


BS = defaultdict(dict)
for r in _read_csv("balance_sheets.csv"):
    BS[r["entity_id"]][r["item"]] = float(r["value"])

# ================================================================= banks
q_req = ("JPMorganChase’s requirement was just like earlier years — 11.5% in 2025, in contrast with 12.3% in 2024 "
         "and 11.4% in 2023.")
cap("jpmorgan", "cet1_usd_bn", 291, "usd_bn", "2026-03-31", "jpm_8k",
    "we have ample amounts of capital and liquidity, with $291 billion in CET1 capital",
    note="Standardized CET1 capital at 2026-03-31 (1Q26 earnings release of 2026-04-14, Jamie Dimon's statement)")
cap("jpmorgan", "rwa_usd_bn", round(291 / 0.143), "usd_bn", "2026-03-31", "jpm_10q",
    note="computed: CET1 capital 291 / Standardized CET1 ratio 14.3 % (10-Q: 'a standardized CET1 ratio of 14.3%') "
         "= 2,035, so that CET1 and RWA describe the same date; the 3Q25 10-Q states Standardized RWA of 1,935.9 "
         "at 2025-09-30 with CET1 287.3 (R159: 'JPMorgan Chase & Co. | Standardized ... CET1 capital $ 287,297 ... "
         "Risk-weighted assets $ 1,935,868', https://www.sec.gov/Archives/edgar/data/19617/000162828025048859/"
         "R159.htm)", estimated=True)
cap("jpmorgan", "cet1_min_ratio", 0.115, "fraction", "2025-12-31", "jpm_10k_r207",
    "Regulatory Capital - Risk-Based Regulatory Requirements (Details) Dec. 31, 2025 Dec. 31, 2024 Standardized | BHC "
    "Minimum risk-based capital ratios CET1 capital 0.115 0.123",
    note="Standardized CET1 requirement of the holding company at 2025-12-31: 4.5 % minimum + 2.5 % SCB + 4.5 % G-SIB "
         "surcharge; the Fed's 2025 requirements as reported in the press give the same 11.5 % ('" + q_req + "')")
cap("goldman_sachs", "cet1_min_ratio", 0.109, "fraction", "2025-10-01", "fed_req",
    "Goldman Sachs’ CET1 requirement fell to 10.9% from 13.7% final 12 months, after its stress capital buffer "
    "was adjusted downward.",
    note="Standardized CET1 requirement effective 2025-10-01 (Fed large-bank capital requirements of 2025-08-29)")
cap("morgan_stanley", "cet1_min_ratio", 0.118, "fraction", "2025-10-01", "ms_scb",
    "The reduction brings the bank’s aggregate U.S. Basel III Standardized Approach Common Equity Tier 1 (CET1) "
    "ratio to 11.8 %.",
    note="requirement after the Fed cut MS's stress capital buffer from 5.1 % to 4.3 % on reconsideration "
         "(Fed press release 2025-09-30), effective 2025-10-01; MS reported a 15.1 % Standardized CET1 ratio at "
         "2026-03-31 (10-Q), CET1 capital and RWA in USD not found")

# Goldman Sachs and Morgan Stanley: the stored filings give CET1 capital and RWA in USD only for earlier quarters
# (GS 2022-09-30, MS 2024-06-30); the 2026 ratios are in balance_sheets.csv (capital_ratio). The latest stated
# pair is written, sourced, rather than a 2026 ratio times an older RWA.
cap("goldman_sachs", "cet1_usd_bn", 98.707, "usd_bn", "2022-09-30", "gs_10q_2022",
    "$ in millionsStandardizedAdvanced As of September 2022 CET1 capital$98,707 $98,707",
    note="Standardized CET1 capital at 2022-09-30 (latest GS quarter whose USD amounts the stored filings show); "
         "GS's Standardized CET1 ratio was about 14.5 % in 2025 (balance_sheets.csv capital_ratio, estimate)")
cap("goldman_sachs", "rwa_usd_bn", 688.566, "usd_bn", "2022-09-30", "gs_10q_2022",
    "CET1 capital$98,707 $98,707 Tier 1 capital$109,214 $109,214 Tier 2 capital$15,599 $12,555 Total capital$124,813 "
    "$121,769 RWAs$688,566",
    note="Standardized RWAs at 2022-09-30 (table cells as stored); ratio 98.7 / 688.6 = 14.3 %")
cap("morgan_stanley", "cet1_usd_bn", 71.791, "usd_bn", "2024-06-30", "ms_10q_2024",
    "Risk-based capital Standardized $ in millions At June 30, 2024 At December 31, 2023 Risk-based capital CET1 "
    "capital$71,791 $69,448",
    note="Standardized CET1 capital at 2024-06-30 (latest MS quarter whose USD amounts the stored filings show); MS "
         "reported a 15.1 % Standardized CET1 ratio at 2026-03-31 (10-Q), close to the 15.2 % of this date")
cap("morgan_stanley", "rwa_usd_bn", 472.102, "usd_bn", "2024-06-30", "ms_10q_2024",
    "Tier 1 capital80,513 78,183 Total capital92,240 88,874 Total RWA472,102 456,053",
    note="Standardized total RWA at 2024-06-30 (table cells as stored)")
cap("morgan_stanley", "corporate_loans_usd_bn", 14.479, "usd_bn", "2025-12-31", "ms_10k_2025",
    "Loans by Type At December 31, 2025 $ in millions HFI Loans HFS Loans Total Loans Corporate $ 7,277 $ 7,202 $ "
    "14,479",
    note="Corporate loans (held for investment and for sale) at 2025-12-31; not counted: secured lending facilities "
         "70,966 (incl. capital-call and NAV lines to funds), CRE 8,359, residential 72,408, securities-based 113,014")
JPY = 150.0    # JPY per USD, as in balance_sheets.csv for MUFG
q_mufg = ("(6) Common Equity Tier 1 capital 16,452.7 1,283.4 15,169.2 15,605.2 (7) Risk weighted assets 117,496.9 "
          "10,566.4 106,930.4 110,808.0")
cap("mufg", "cet1_usd_bn", round(16452.7 / JPY, 1), "usd_bn", "2025-12-31", "mufg_car_3q", q_mufg,
    note="converted: MUFG consolidated CET1 capital JPY 16,452.7 bn at 2025-12-31 / 150 JPY per USD (the rate of "
         "balance_sheets.csv); CET1 ratio 14.00 %", estimated=True)
cap("mufg", "rwa_usd_bn", round(117496.9 / JPY, 1), "usd_bn", "2025-12-31", "mufg_car_3q", q_mufg,
    note="converted: MUFG consolidated risk-weighted assets JPY 117,496.9 bn at 2025-12-31 / 150 JPY per USD",
    estimated=True)
cap("mufg", "cet1_min_ratio", 0.0866, "fraction", "2024-03-31", "mufg_20f",
    "Common Equity Tier 1 capital (to risk-weighted assets): MUFG(1) 15,041,314 13.53 9,626,471 8.66",
    note="CET1 ratio 'for capital adequacy purposes' at 2024-03-31 (4.5 % minimum + 2.5 % conservation buffer + "
         "G-SIB and countercyclical buffers); the same table gives an unchanged 12.16 % total-capital requirement at "
         "2025-03-31, whose CET1 cell the stored excerpt cuts", estimated=False)
cap("jpmorgan", "corporate_loans_usd_bn", 764.451, "usd_bn", "2025-09-30", "jpm_10q_3q25",
    "September 30, 2025 (in millions) Consumer, excluding credit cardCredit cardWholesale Total(a)(b) "
    "Retained$369,859 $235,475 $764,451 $1,369,785",
    note="wholesale retained loans taken as the corporate book: they include loans secured by real estate and loans "
         "to financial institutions and SPEs besides commercial and industrial loans (the C&I class alone was not "
         "found)", estimated=True)
# Aggregates. The Fed states an aggregate CET1 ratio of about 13 % for large and small US banks (2025:Q2); no USD
# CET1 aggregate was found, so CET1 is taken as the aggregate's book_equity (an upper bound: goodwill and other
# deductions are not subtracted) and RWA = CET1 / ratio.
q_fed13 = ("Aggregate CET1 risk-based capital ratios were about 13 percent for both large and small banks, which is "
           "roughly the same level from a year earlier.")
rb_eq = BS["regional_banks"]["book_equity"]
cap("regional_banks", "cet1_usd_bn", rb_eq, "usd_bn", "2025-09-30", "repo_bs",
    note=f"assumed: CET1 = book_equity {rb_eq:g} of balance_sheets.csv (FDIC QBP industry less the largest groups, "
         f"itself an estimate); an upper bound, deductions (goodwill, intangibles) not subtracted", estimated=True)
cap("regional_banks", "rwa_usd_bn", round(rb_eq / 0.13), "usd_bn", "2025-06-30", "fed_sr_2025", q_fed13,
    note=f"computed: CET1 {rb_eq:g} / aggregate CET1 ratio 0.13 (Fed S&R report, 2025:Q2) = {rb_eq / 0.13:.0f} "
         f"(= {rb_eq / 0.13 / BS['regional_banks']['total_assets']:.2f} of total assets)", estimated=True)
cap("regional_banks", "cet1_min_ratio", 0.07, "fraction", "2025-06-30", "gsib_basel",
    "As of both June 2025 and December 2024, under both the Standardized and Advanced Capital Rules, the CET1 capital "
    "ratio requirement includes a minimum of 4.5%, the Tier 1 capital ratio requirement includes a minimum of 6.0% "
    "and the Total capital ratio requirement includes a minimum of 8.0%.",
    note="computed: 4.5 % minimum + 2.5 % capital conservation buffer (the stress capital buffer floor of Category "
         "IV banks; no G-SIB surcharge); banks above it in the stress test carry a higher SCB", estimated=True)
bo_eq = BS["banks_other"]["book_equity"]
q_ecb = ("In the third quarter of 2025, the aggregate Common Equity Tier 1 (CET1) ratio and the Tier 1 ratio of "
         "significant institutions (banks supervised directly by the ECB) were slightly lower than in the previous "
         "quarter. The aggregate CET1 ratio stood at 16.10% and the aggregate Tier 1 ratio stood at 17.59%.")
cap("banks_other", "cet1_usd_bn", bo_eq, "usd_bn", "2026-03-31", "repo_bs",
    note=f"assumed: CET1 = book_equity {bo_eq:g} of balance_sheets.csv (an estimate itself); an upper bound",
    estimated=True)
cap("banks_other", "rwa_usd_bn", round(bo_eq / 0.161), "usd_bn", "2025-09-30", "ecb_sbs_3q25", q_ecb,
    note=f"computed: CET1 {bo_eq:g} / 0.161, the ECB significant institutions' aggregate CET1 ratio (2025:Q3), taken "
         f"for the global banks of this aggregate (Wells Fargo, Citi, SMBC, Mizuho and European banks) = "
         f"{bo_eq / 0.161:.0f}", estimated=True)
cap("banks_other", "cet1_min_ratio", 0.112, "fraction", "2025-11-18", "ecb_srep_2025",
    "Overall CET1 capital requirement and guidance and Pillar 2 requirements applicable in 2026 remained broadly "
    "stable at 11.2% and 1.2% respectively",
    note="ECB-supervised banks' average overall CET1 requirement and guidance for 2026 (includes the non-binding "
         "Pillar 2 guidance, 1.1 %); applied to the whole aggregate", estimated=True)
# Corporate loans of US banks: FRED (Call Report) C&I loans of the 100 largest banks and of the rest, 2025:Q1.
acil = 1990.141 + 375.160
rb_share = rb_eq / 2200.0
cap("regional_banks", "corporate_loans_usd_bn", round(acil * rb_share, 1), "usd_bn", "2025-01-01", "fred_acilt100",
    note=f"computed: US banks' C&I loans 2,365.3 = FRED ACILT100 1,990.1 (100 largest banks, 'Latest Value "
         f"1,990,141.00' in USD m, 2025-01-01) + ACILOB 375.2 (the rest, 'Latest Value 375,160.00') x this aggregate's "
         f"share of US banks' equity, book_equity {rb_eq:g} / 2,200 (aggregate tangible common equity, Fed S&R report "
         f"2025: 'Aggregate TCE grew to $2.2 trillion in the second quarter') = {rb_share:.3f}", estimated=True)

# ================================================================= private-credit funds
# Bank lines: the only public figure is the US banks' total lending to private debt funds and BDCs (FEDS Notes,
# ~95 at end-2024, already in sector_totals.csv); split over the funds by their total_debt in balance_sheets.csv.
PC = ["blue_owl", "apollo", "blackstone", "magnetar", "private_credit_other"]
tot_debt = sum(BS[e]["total_debt"] for e in PC)
for e in PC:
    b = BS[e]
    cap(e, "bank_lines_usd_bn", round(95.0 * b["total_debt"] / tot_debt, 2), "usd_bn", "2024-12-31", "feds_note",
        note=f"split: US banks' drawn lending to private debt funds and BDCs ~95 at end-2024 (FEDS Notes; "
             f"sector_totals.csv debt_to:bank, not quoted) x this fund's share of the five funds' total_debt in "
             f"balance_sheets.csv ({b['total_debt']:g} of {tot_debt:g}); no fund-level NAV/subscription-line "
             f"figure found", estimated=True)
    cap(e, "loans_usd_bn", round(b["total_assets"] - b["cash"], 1), "usd_bn", "2025-12-31", "repo_bs",
        note=f"computed from balance_sheets.csv: total_assets {b['total_assets']:g} - cash {b['cash']:g} "
             f"(those rows are estimates themselves); no fund-complex loan figure found", estimated=True)
    cap(e, "lp_equity_usd_bn", b["book_equity"], "usd_bn", "2025-12-31", "repo_bs",
        note="carried from balance_sheets.csv book_equity (an estimate); no LP-equity figure found", estimated=True)
q_rep = ("Quarterly repurchases are limited to 5.0% of aggregate shares outstanding (either by number of shares or "
         "aggregate NAV)")
cap("blackstone", "redemption_cap_quarterly", 0.05, "fraction", "2025-10-31", "bcred_terms", q_rep,
    note="BCRED (Blackstone's non-traded, perpetual-life BDC) share repurchase programme; the quoted sentence is "
         "cut where the stored page cuts it ('...by number of shares or')", estimated=False)
cap("blackstone", "evergreen_share", round(73 / BS["blackstone"]["total_assets"], 3), "fraction", "2025-06-30",
    "bcred_size",
    note=f"computed: BCRED ~73 ('a $73B behemoth', Accredited Insight 2025, which also counts ~30 of BCRED "
         f"borrowings) / blackstone total_assets {BS['blackstone']['total_assets']:g} in balance_sheets.csv; "
         f"as_of approximate (article undated in the stored copy)", estimated=True)
# Evergreen shares and redemption caps of the other complexes.
cap("blue_owl", "redemption_cap_quarterly", 0.05, "fraction", "2024-06-28", "ocic_to_2024",
    "OFFER TO PURCHASE BY BLUE OWL CREDIT INCOME CORP. SHARES OF COMMON STOCK REPRESENTING UP TO 5% OF THE AGGREGATE "
    "NUMBER OF THE COMPANY’S OUTSTANDING SHARES",
    note="OCIC's quarterly tender offer (Blue Owl's largest non-traded BDC); OTIC's offers have the same form; OBDC II "
         "stopped tender offers in February 2026 and returns capital instead (see sector_totals market rows)",
    estimated=False)
ocic, obdc2 = 35.50045, 1.7
cap("blue_owl", "evergreen_share", round((ocic + obdc2) / BS["blue_owl"]["total_assets"], 3), "fraction",
    "2026-03-31", "ocic_10q_1q26",
    "Total investments at fair value | $ | — | | $ | 3,574,081 | | $ | 30,587,040 | | $ | 35,500,450",
    note=f"computed: OCIC total investments 35.5 at 2026-03-31 (10-Q, USD thousands) + OBDC II 1.7 ('Blue Owl Capital "
         f"Corporation II, which has USD 1.7bn in assets', Creditflux 2025) over blue_owl total_assets "
         f"{BS['blue_owl']['total_assets']:g} (balance_sheets.csv); OTIC not counted (its size was not found), so a "
         f"lower bound", estimated=True)
q_cliff = ("According to a report in May by consultants Cliffwater, these semi-liquid BDCs collectively held USD 127bn "
           "in net assets, exceeding the USD 112bn managed by traditional BDCs.")
for e in ("apollo", "private_credit_other"):
    cap(e, "evergreen_share", round(127.0 / 2200.0, 3), "fraction", "2025-05-31", "creditflux_obdc2", q_cliff,
        note="computed: non-traded (semi-liquid) BDCs' net assets 127 (Cliffwater, May 2025) / private-credit market "
             "2,200 (sector_totals.csv) = 0.058, the market-wide share, applied to this complex: no figure for "
             "Apollo Debt Solutions' size was found; for private_credit_other it counts BCRED and OCIC too (an upper "
             "bound)", estimated=True)
q_gates = ("Second, other major firms like Carlyle, Barings, and Golub have already implemented similar 5% \"gates\" "
           "in recent months, making it an industry-standard response to market stress.")
for e in ("apollo", "private_credit_other"):
    cap(e, "redemption_cap_quarterly", 0.05, "fraction", "2026-06-01", "bcred_gate_2026", q_gates,
        note="assumed: the 5 % of NAV per quarter of non-traded BDC repurchase programmes (BCRED, OCIC, and the gates "
             "the source names); Apollo Debt Solutions' own programme not found", estimated=True)
cap("magnetar", "evergreen_share", 0.0, "fraction", "2025-12-31", "repo_bs",
    note="assumed 0: no non-traded BDC or evergreen vehicle of Magnetar found (its funds are closed-end)",
    estimated=True)
# LP equity by LP kind. Form PF (2021:Q4): pension funds 31 %, other private funds 14 %, insurers 9 %, individuals
# 9 % of private credit fund assets; the rest (37 %) is not itemised in the source (sovereign funds, endowments,
# funds of funds, non-US investors and others). Non-traded BDCs (the evergreen share) are sold to individuals. Per
# complex: household = e + (1-e) x 0.09, pension = (1-e) x 0.31, insurer = (1-e) x 0.09, other = (1-e) x 0.51,
# foreign 0 (not reported as a kind: non-US investors sit in the kinds above and in other).
q_pf = ("The Federal Reserve Board's Financial Stability Report (FSR) published in May 2023 showed that, based on "
        "Form PF data as of Q4 2021, public and private pension funds held about 31 percent ($307 billion) of aggregate "
        "private credit fund assets. Other private funds made up the second-largest cohort of investors at 14 percent "
        "($136 billion) of assets, while insurance companies and individual investors each had about 9 percent ($92 "
        "billion).")
EVG = {r["entity_id"]: float(r["value"]) for r in fc if r["item"] == "evergreen_share"}
for e in PC:
    ev = EVG.get(e, 0.0)
    sh = {"lp_share_household": ev + (1 - ev) * 0.09, "lp_share_pension_fund": (1 - ev) * 0.31,
          "lp_share_insurer": (1 - ev) * 0.09, "lp_share_foreign": 0.0}
    sh["lp_share_other"] = 1.0 - sum(sh.values())
    for item in ("lp_share_insurer", "lp_share_pension_fund", "lp_share_household", "lp_share_foreign",
                 "lp_share_other"):
        cap(e, item, round(sh[item], 4), "fraction", "2021-12-31", "fed_pc_2024", q_pf,
            note=f"computed: Form PF shares of private credit fund assets (pension 0.31, insurers 0.09, individuals "
                 f"0.09, other private funds 0.14 and the unitemised 0.37 as other) applied to the non-evergreen part "
                 f"(1 - {ev:g}); the evergreen share {ev:g} (non-traded BDCs) counted as households; foreign 0: the "
                 f"source gives no non-US kind" + ("; Athene's own funding of Apollo credit is not an LP stake here"
                                                   if e == "apollo" else ""), estimated=True)
q_sb = ("The Act loosens the leverage limits under the Investment Company Act of 1940, as amended (the 1940 Act), "
        "applicable to BDCs by reducing the asset coverage requirements for senior securities from 200% asset "
        "coverage to 150% asset coverage, subject to certain conditions described herein.")
for e in ("blue_owl", "apollo", "blackstone", "private_credit_other"):
    cap(e, "asset_coverage_min", 1.5, "ratio", "2018-03-23", "sbcaa", q_sb,
        note="statutory floor (assets / senior securities) for BDCs that approved the reduced ratio under the SBCAA; "
             "assumed to apply to the BDCs of this complex (OBDC/OCIC/OTF, ADS, BCRED...); each BDC's election "
             "not checked", estimated=True)

# ================================================================= insurers
ath_share = BS["athene"]["total_assets"] / 6064.0    # Athene in the US life-insurer total of sector_totals.csv
q_naic = ("Total Adjusted Capital Authorized Control Level RBC Aggregate RBC % Median RBC % 635,213,337,716 "
          "74,177,610,650 856% 972%")
for e, part, what in (("insurers_other", 1 - ath_share, "less Athene's pro-rata part"),
                      ("athene", ath_share, "Athene's pro-rata part")):
    cap(e, "total_adjusted_capital_usd_bn", round(635.2 * part, 1), "usd_bn", "2020-12-31", "naic_rbc", q_naic,
        note=f"split: US life industry aggregate TAC 635.2 at year-end 2020 (NAIC) x {part:.3f} ({what}: Athene "
             f"{BS['athene']['total_assets']:g} of 6,064 of life insurers' assets); 2020 is the latest aggregate found; "
             f"Athene's own statutory TAC and RBC ratio were not found (its 10-K pages are stored only in part)",
        estimated=True)
    cap(e, "required_capital_usd_bn", round(2 * 74.1776 * part, 1), "usd_bn", "2020-12-31", "naic_rbc", q_naic,
        note=f"computed: company action level = 2 x authorized control level RBC 74.18 (NAIC aggregate, year-end "
             f"2020) x {part:.3f} ({what}); aggregate TAC / CAL = 428 %", estimated=True)
cap("insurers_other", "holding_corporate_bonds_usd_bn", round(3095.4 * (1 - ath_share), 1), "usd_bn",
    "2023-12-31", "z1_l116g",
    note=f"split: US life insurers' general-account corporate and foreign bonds 3,095.4 at 2023:Q4 (Z.1 L.116.g "
         f"line 10, 'corporate and foreign bonds; asset LM543063075 ... 3095.4') less Athene's pro-rata part "
         f"({BS['athene']['total_assets']:g}/6,064 of assets = {ath_share:.3f})", estimated=True)
cap("insurers_other", "holding_listed_equity_usd_bn", round(104.5 * (1 - ath_share), 1), "usd_bn", "2022-12-31",
    "iii_life",
    note=f"split: life/annuity insurers' common stock 104.5 at year-end 2022 (NAIC via III: 'Common stock 102.5 "
         f"114.3 104.5') less Athene's pro-rata part ({ath_share:.3f}); general account only", estimated=True)
cap("insurers_other", "holding_private_credit_usd_bn", round(849 * (1 - ath_share), 1), "usd_bn", "2024-12-31",
    "chifed",
    note=f"split: life insurers' private placements 849 in 2024 (Chicago Fed WP 2025-09, not quoted) less "
         f"Athene's pro-rata part ({ath_share:.3f}); private placements stand in for private credit (funds' LP "
         f"stakes and CLO tranches are not in it)", estimated=True)

cap("athene", "holding_corporate_bonds_usd_bn", round(3095.4 * ath_share, 1), "usd_bn", "2023-12-31", "z1_l116g",
    note=f"split: Athene's pro-rata part ({ath_share:.3f}) of US life insurers' general-account corporate and foreign "
         f"bonds 3,095.4 (Z.1 L.116.g line 10, 2023:Q4); Athene's own 2025 allocation not found (its 4Q25 supplement "
         f"states net invested assets of 292.4: 'net invested assets increased 18% to $292.414 billion')",
    estimated=True)
cap("athene", "holding_private_credit_usd_bn", round(849 * ath_share, 1), "usd_bn", "2024-12-31", "chifed",
    note=f"split: Athene's pro-rata part ({ath_share:.3f}) of life insurers' private placements 849 (Chicago Fed WP "
         f"2025-09, not quoted); Athene holds more Apollo-originated private credit than the average insurer, so a "
         f"lower bound", estimated=True)
cap("athene", "holding_listed_equity_usd_bn", round(104.5 * ath_share, 1), "usd_bn", "2022-12-31", "iii_life",
    note=f"split: Athene's pro-rata part ({ath_share:.3f}) of life/annuity insurers' common stock 104.5 (NAIC via III, "
         f"2022)", estimated=True)

# ================================================================= pension funds
cap("calpers", "assets_usd_bn", 556.2, "usd_bn", "2025-06-30", "calpers_pr",
    "CalPERS today reported a preliminary net investment return of 11.6% for the 12-month period ending June 30, "
    "2025, bringing the Public Employees’ Retirement Fund (PERF) total assets under management to approximately "
    "$556.2 billion.")
cap("calpers", "funded_ratio", 0.79, "fraction", "2025-06-30", "calpers_pr",
    "As a result, the overall estimated funded status of the PERF increased to 79%.")
cap("calpers", "holding_private_credit_usd_bn", 20, "usd_bn", "2025-07-15", "calpers_pd",
    "Private debt — which CalPERS formally carved out as an asset class in 2022 — continues to build momentum, "
    "now exceeding $20 billion in assets.",
    note="source states 'exceeding $20 billion'; 20 taken as the value (lower bound)", estimated=True)
cap("calpers", "holding_listed_equity_usd_bn", round(0.39 * 556.2, 1), "usd_bn", "2025-06-30", "calpers_pr",
    note="computed: 'Public equity investments, which comprise approximately 39% of the fund' x 556.2",
    estimated=True)

pf = BS["pension_funds_other"]
cap("pension_funds_other", "assets_usd_bn", pf["total_assets"], "usd_bn", "2026-03-31", "repo_bs",
    note=f"carried from balance_sheets.csv total_assets {pf['total_assets']:g} (US and foreign DB/DC pension funds, an "
         f"estimate); for scale, the 100 largest US public DB plans held about 5.6 tn in August 2025 (Milliman PPFI: "
         f"'plan assets rose from $5.5 trillion as of July 31 to $5.6 trillion as of August 31')", estimated=True)
cap("pension_funds_other", "funded_ratio", 0.863, "fraction", "2025-10-31", "milliman_ppfi",
    "For the seventh straight month, the PPFI funded ratio improved in October, rising from 85.4% as of September 30, "
    "to 86.3% as of October 31.",
    note="funded ratio of the 100 largest US public DB plans (GASB liabilities at their assumed returns), applied to the "
         "whole aggregate (corporate and foreign plans not measured)", estimated=True)
cap("pension_funds_other", "holding_private_credit_usd_bn", 307 - 20, "usd_bn", "2021-12-31", "fed_pc_2024", q_pf,
    note="computed: public and private pension funds' 307 of private credit fund assets (Form PF, 2021:Q4) less "
         "CalPERS' 20 (calpers row); 2021 level, the market has grown since", estimated=True)
cap("pension_funds_other", "holding_corporate_bonds_usd_bn", round(0.108 * 16854.8, 1), "usd_bn",
    "2025-12-31", "overton", "Mutual funds and pension funds come after at 18.6% and 10.8% respectively.",
    note="computed: pension funds' Z.1 share of corporate bonds 10.8 % (as published in 2017) x L.213 total 16,854.8 "
         "(2025:Q4) = 1,820.3; CalPERS' bonds not subtracted (not found); the same share assigns un-itemised bonds "
         "of links.csv to this entity (holder_shares.csv), so this is the stock of which those are part",
    estimated=True)

# ================================================================= holder shares
# Corporate bonds: Z.1 release of 2026-03-19 (2025:Q4) where its stored pages state the holder's level
# (households, US-chartered banks, rest of the world), over L.213 total assets 16,854.8; the Z.1 shares of
# insurers, mutual funds and pension funds as last published in a found document (2017). `outside` keeps the
# rest (state and local governments 315.9, brokers, GSEs, finance and holding companies, foreign banking
# offices, credit unions, ETFs/closed-end funds not in the 2017 mutual-fund share, and the years' mismatch).
TOT = 16854.8
q213 = ("Line 12 Total assets3 FL893063005 14552.9 15189.5 16854.8 ... Line 13 Household sector LM153063005 199.0 "
        "195.0 194.0 ... Line 18 U.S.-chartered depository institutions LM763063005 718.3 676.9 696.5")
share("corporate_bond", "foreign", round(4826.7 / TOT, 4), "2025-12-31", "z1_l133",
      note="computed: rest of the world's holdings of U.S. corporate bonds 4,826.7 (L.133 line 13: 'U.S. corporate "
           "bonds LM263063005 4289.8 4295.4 4826.7') / L.213 total assets 16,854.8 (2025)", estimated=True)
share("corporate_bond", "household", round(194.0 / TOT, 4), "2025-12-31", "z1_l213",
      note=f"computed: household sector 194.0 / total assets 16,854.8 (L.213 lines 13 and 12, 2025); quoted cells "
           f"of the stored table: {q213}", estimated=True)
share("corporate_bond", "bank", round(696.5 / TOT, 4), "2025-12-31", "z1_l213",
      note="computed: U.S.-chartered depository institutions 696.5 / 16,854.8 (L.213 line 18, 2025); foreign "
           "banking offices and credit unions not included (their lines were not in the stored excerpt)",
      estimated=True)
share("corporate_bond", "insurer", 0.25, "2017-09-26", "overton",
      "The second largest holders are insurance companies at 25%.",
      note="Z.1 share as published in 2017 (no later insurer level found in the stored Z.1 pages); applied to 2025 "
           "bonds", estimated=False)
share("corporate_bond", "asset_manager", 0.186, "2017-09-26", "overton",
      "Mutual funds and pension funds come after at 18.6% and 10.8% respectively.",
      note="mutual funds, Z.1 share as published in 2017; ETFs' later growth not in it", estimated=False)
share("corporate_bond", "pension_fund", 0.108, "2017-09-26", "overton",
      "Mutual funds and pension funds come after at 18.6% and 10.8% respectively.",
      note="pension funds, Z.1 share as published in 2017", estimated=False)


def _close(inst, as_of, src, note):
    rest = round(1 - sum(float(r["share"]) for r in hs if r["instrument"] == inst), 4)
    share(inst, "outside", rest, as_of, src, note=note, estimated=True)


_close("corporate_bond", "2025-12-31", "z1_l213",
       "remainder 1 - the shares above: holders no found statistic assigns to a kind of the model (state and "
       "local governments 315.9 of 16,854.8 = 1.9 %, brokers, GSEs, finance and holding companies, other banks, "
       "ETFs) and the mismatch between the 2017 and 2025 shares")
# Leveraged loans: CLOs (asset managers' vehicles) hold 'more than 60%'; no other holder share found.
share("leveraged_loan", "asset_manager", 0.6, "2019-12-04", "crs_lev",
      "However, more than 60% of leveraged loans are securitized into collateralized loan obligations (CLOs)—"
      "securities backed by cash flow from pools of leveraged loans.",
      note="source states 'more than 60%'; 0.6 taken (lower bound); CLOs counted as asset managers' vehicles, their "
           "tranche holders (banks, insurers, funds) not looked through; Z.1 L.133 line 15 puts 647.0 of loans "
           "held by (offshore) CLOs in the rest of the world at 2025", estimated=True)
_close("leveraged_loan", "2019-12-04", "crs_lev",
       "remainder: the source names mutual funds, insurers, banks and pension funds as the other investors without "
       "shares")
# Private-credit loans: held by private-credit funds by definition (the ~2,200 market of sector_totals.csv);
# the LPs behind the funds are reached through the funds' LP shares, not here.
share("private_credit_loan", "private_credit", 1.0, "2025-10-31", "sector_pc",
      note="the private-credit market (~2,200, sector_totals.csv) is the private-credit funds' loan book; LP "
           "look-through belongs to the funds' lp_share_* (not found)", estimated=True)
# ABS: Z.1 counts ABS issuers' bonds inside L.213 'Corporate and foreign bonds' (line 5, 1,581.0 at 2025), so
# its holder shares are those of corporate bonds.
for r in [r for r in hs if r["instrument"] == "corporate_bond"]:
    share("abs", r["holder_kind"], float(r["share"]), r["as_of"], "z1_l213",
          note="corporate-bond shares applied: Z.1 L.213 includes ABS issuers' bonds (line 5, 1,581.0 at 2025) in "
               "the instrument whose holders it reports; no ABS-specific holder shares found", estimated=True)

# Japanese retail bonds (SoftBank Group's "Fukuoka SoftBank HAWKS Bonds", links.csv b_sb_retail): sold to individual
# investors, so held by households (kept in the outside entity). The source states the buyers, not a holder share:
# 'SoftBank Group Corp. is raising ¥500 billion ($3.2 billion) through a seven-year unsecured bond offering aimed at
# individual investors, ...' (Jakota, from Nikkei Asia, 2025-11-27).
share("retail_bond_jp", "household", 1.0, "2025-11-27", "sbg_retail",
      note="retail bonds are sold to individual investors ('a seven-year unsecured bond offering aimed at individual investors'); "
           "share 1 assumed: that they stay with households to maturity (no holder statistic of Japanese retail bonds found)",
      estimated=True)


# ================================================================= market-level figures (staged)
# Rows for data/sector_totals.csv in its columns, kind = the sector the figure is about, measure = market:<name>
# (value in the unit its name ends with: _usd_bn, _share / _rate / _lgd fractions, _ratio). The loader accepts only
# item:/debt_to:/lent_to: measures, each summed over the network's entities, so these rows are written to
# data/build/quotes/market_figures.csv until it accepts market:<name> rows without the sum check (FINANCIAL.md).
MS_COLS = ["kind", "measure", "value_usd_bn", "tolerance", "as_of", "source", "source_quote", "source_type", "estimated",
           "note"]
mk = []
M = {
 "kalkine": ("Private credit's liquidity gap: can secondary markets carry the weight? (Kalkine, 2025)", "https://www.kalkine.com/news/premium/private-credits-liquidity-gap-can-secondary-markets-carry-the-weight", "press"),
 "kslaw": ("What is new in private credit secondaries (King & Spalding, 2025)", "https://www.kslaw.com/news-and-insights/what-is-new-in-private-credit-secondaries", "press"),
 "creditflux": S["creditflux_obdc2"],
 "diwire_breit": ("Blackstone REIT Fulfills 100% of Repurchase Requests for the First Time Since 2022 (The DI Wire, 2024-03)", "https://thediwire.com/blackstone-reit-fulfills-100-of-repurchase-requests-for-the-first-time-since-2022/", "press"),
 "bisnow_breit": ("BREIT Fulfills 35% Of Investors' February Withdrawal Requests (Bisnow, 2023-03)", "https://www.bisnow.com/national/news/investment/breit-fulfills-35-of-february-withdrawal-requests-117900", "press"),
 "diwire_aug": ("BREIT Receives $3 Billion in August Redemption Requests (The DI Wire, 2023-09)", "https://thediwire.com/breit-receives-3-billion-in-august-redemption-requests", "press"),
 "bcred_gate": S["bcred_gate_2026"],
 "obdc2_sale": ("Blue Owl gates retail private credit fund amid redemption pressure (Global Finances Daily, 2026-02)", "https://www.globalfinancesdaily.com/blue-owl-gates-retail-private-credit-fund-amid-redemption-pressure", "press"),
 "proskauer": ("Proskauer's Private Credit Default Index reveals rate of 2.42% for Q1 2025 (Proskauer, 2025-04-16)", "https://www.proskauer.com/report/proskauers-private-credit-default-index-reveals-rate-of-242-for-q1-2025", "aggregate"),
 "kbra_rec": ("KBRA DLD Forecasts 1.25% Default Rate in 2025 for European Direct Lending Market (Business Wire, 2025-04-04)", "https://www.businesswire.com/news/home/20250404682715/en", "aggregate"),
 "fitch_ll": ("Leveraged Loan Default Rate Falls to 4.8% in August, Fitch Says (Bloomberg Tax, 2025-09)", "https://news.bloombergtax.com/daily-tax-report-international/leveraged-loan-default-rate-falls-to-4-8-in-august-fitch-says", "press"),
 "sp_rec": ("S&P Global Ratings, Default, Transition, and Recovery: U.S. Recovery Study: Clouds Loom As Defaults Rise (2020-12-07)", "https://spglobal.com/ratings/en/research/articles/201207-default-transition-and-recovery-u-s-recovery-study-clouds-loom-as-defaults-rise-11762662", "aggregate"),
 "sp_us2024": ("S&P Global Ratings, 2024 Annual U.S. Corporate Default And Rating Transition Study (2025-04-29, abstract)", "https://www.alacrastore.com/s-and-p-credit-research/a-3360913", "aggregate"),
 "moodys_2002": ("Corporate bond default rate slows (Investment Executive, 2003, reporting Moody's annual default study)", "https://investmentexecutive.com/news/research-and-markets/corporate-bond-default-rate-slows", "press"),
 "moodys_2009": ("Moody's, Corporate Default and Recovery Rates, 1920-2009 (Special Comment, February 2010)", "https://v.vibdoc.com/download/corporate-default-and-recovery-rates-1920-2009-5f0c0b2aed8fe.html", "aggregate"),
 "gdp_2001": ("2001 slump may not have been recession at all (Reuters, 2004-07-30, as quoted on AnandTech forums)", "https://forums.anandtech.com/threads/2001-slump-may-not-have-been-recession-at-all.1372195", "press"),
 "gdp_2009": ("The Great Recession (Robert Rich, federalreservehistory.org, as quoted by qammunity.org)", "https://qammunity.org/2168446", "press"),
 "amato03": ("Amato and Remolona, The Credit Spread Puzzle (BIS Quarterly Review, December 2003; SSRN abstract)", "https://ssrn.com/abstract=1968448", "aggregate"),
 "amato05": ("Amato and Remolona, The Pricing of Unexpected Credit Losses (BIS, 2005; abstract as listed by EconBiz)", "https://econbiz.de/similar/results?filter%5B%5D=~accessRights%3A%22free%22&id=10005724264&mlt=author", "aggregate"),
 "dfast25": ("Federal Reserve, 2025 Federal Reserve Stress Test Results (June 2025), Results for Banks under the Severely Adverse Scenario", "https://www.federalreserve.gov/publications/2025-june-dodd-frank-act-stress-test-results.htm", "aggregate"),
 "dfast25_press": ("Fed clears path for bank payouts after milder stress test results (Particle News, 2025-06-30)", "https://particle.news/story/fed-clears-path-for-bank-payouts-after-milder-stress-test-results", "press"),
 "dfast25_gdp": ("20 interesting statistics about stress scenarios (Qeeebo, citing the Fed's 2025 and 2026 scenario documents)", "https://www.qeeebo.com/questions/int/63/340/20-interesting-statistics-about-stress-scenarios", "press"),
}


def mkt(kind, name, value, as_of, src, quote="", note="", estimated=None):
    t, u, st = M[src]
    if estimated is None:
        estimated = not quote
    mk.append(dict(kind=kind, measure=f"market:{name}", value_usd_bn=_fmt(value), tolerance="0", as_of=as_of,
                   source=f"{t} {u}", source_quote=quote, source_type=st, estimated=_b(estimated), note=note))


# Depth of the secondary market for private-credit loans and fund stakes
mkt("private_credit", "secondary_volume_usd_bn", 20, "2025-12-31", "kalkine",
    "Secondary market transaction volumes in private credit have expanded from $6bn to approximately $20bn between "
    "2023 and 2025.", note="annual volume of private-credit secondaries (LP stakes, GP-led and loan portfolios) in "
    "2025; King & Spalding puts all credit secondaries (incl. CLO and leveraged-loan related) at about 30 a year")
mkt("private_credit", "nontraded_bdc_net_assets_usd_bn", 127, "2025-05-31", "creditflux",
    "According to a report in May by consultants Cliffwater, these semi-liquid BDCs collectively held USD 127bn in net "
    "assets, exceeding the USD 112bn managed by traditional BDCs.", note="the redeemable (evergreen) NAV of the "
    "private-credit market")
mkt("private_credit", "bdc_loan_sale_2026_usd_bn", 1.4, "2026-02-18", "obdc2_sale",
    "Blue Owl Capital has restricted investor redemptions from one of its retail debt funds as it sells $1.4bn "
    "(£1.04bn) of direct lending investments to boost liquidity.",
    note="a forced sale in stress: sold to four North American public pension and insurance investors; OBDC II's 0.6 "
         "was about 34 % of its investment commitments, and OBDC II replaced tender offers by return-of-capital "
         "distributions (a full gate)")
# Redemption requests in stress and what the gate paid
mkt("private_credit", "breit_peak_monthly_request_usd_bn", 5.3, "2023-01-31", "diwire_breit",
    "The company reported that it received $961 million in repurchase requests, which was 26% lower than January 2024 "
    "and down 82% from the peak of $5.3 billion requested in January 2023.",
    note="BREIT (non-traded REIT, 2 % of NAV a month / 5 % a quarter cap), the largest semi-liquid vehicle run so far")
mkt("private_credit", "breit_peak_monthly_request_share_of_nav", round(5.3 / 68.5, 4), "2023-01-31", "bisnow_breit",
    note="computed: 5.3 requested in January 2023 / NAV 68.5 at December 2022 (Bisnow: 'BREIT pegged its aggregate NAV "
         "in January at more than $71.2B, up from $68.5B in December') = 7.7 % of NAV in one month, about 3.9 times "
         "the 2 % monthly cap", estimated=True)
mkt("private_credit", "breit_jan2023_paid_share_of_requests", 0.25, "2023-01-31", "bisnow_breit",
    "The fund met 43% of redemption requests for November, or $1.8B. It met 25% of requests in January.",
    note="share of requests paid under the cap at the peak month")
mkt("private_credit", "breit_feb2023_request_share_of_nav", round(3.9 / 71.2, 4), "2023-02-28", "bisnow_breit",
    note="computed: 'BREIT received $3.9B in repurchase requests last month' / January NAV 71.2 = 5.5 % of NAV; it paid "
         "35 % of them (headline: 'BREIT Fulfills 35% Of Investors' February Withdrawal Requests')", estimated=True)
mkt("private_credit", "breit_aug2023_paid_share_of_requests", 0.43, "2023-08-31", "diwire_aug",
    "In accordance with their repurchase plan, BREIT is fulfilling approximately $1.3 billion of the $3.0 billion "
    "requested, which is equal to 2% of NAV and represents 43% of the shares submitted for repurchase.",
    note="ten months into the run, requests still 2.3 times the monthly cap (3.0 / 1.3)")
mkt("private_credit", "bcred_q1_2026_paid_share_of_nav", 0.07, "2026-03-31", "bcred_gate",
    "This is a return to its normal policy after it temporarily allowed a higher 7% withdrawal in March to handle a "
    "record surge in requests.",
    note="BCRED paid 7 % of shares in Q1 2026 against its 5 % quarterly cap (requests above that, not stated), then "
         "returned to 5 %; press reports of June 2026 (drillr.ai) say the gate was later raised to 10 %, not confirmed")
# Default rates by instrument, baseline
mkt("private_credit", "default_rate_private_credit", 0.0242, "2025-03-31", "proskauer",
    "The Index revealed a default rate of 2.42% for the period of January 1, 2025 – March 31, 2025.",
    note="Proskauer Private Credit Default Index (US senior secured and unitranche loans, 786 loans, 148.6 bn); KBRA "
         "DLD put the US direct lending index at about 1.9 % for 2024 and forecast 3 % (by count) for 2025")
mkt("asset_manager", "default_rate_leveraged_loans", 0.048, "2025-08-31", "fitch_ll",
    "The leveraged loan default rate decreased to 4.8% in August from 5.2% in July on a trailing 12-month basis, "
    "according to a Fitch Ratings", note="Fitch US leveraged loans, trailing twelve months, incl. distressed exchanges; "
    "S&P/LSTA index default rate was 1.27 % in October 2024 (narrower definition); kind asset_manager: CLOs hold >60 %")
mkt("outside", "default_rate_hy_bonds", 0.033, "2025-08-31", "fitch_ll",
    "The high-yield default rate increased to 3.3% in August from 3% the month prior on a trailing-12-month basis",
    note="Fitch US high-yield bonds, trailing twelve months; S&P's US speculative-grade issuer default rate was 5.13 % "
         "in 2024 ('The U.S. speculative-grade default rate rose to 5.13% in 2024')")
mkt("outside", "default_rate_ig", 0.0, "2024-12-31", "sp_us2024",
    "Of the defaulters that were rated at the start of the year, all were speculative-grade, an improvement from the "
    "two invest", note="computed: no US investment-grade issuer defaulted in 2024 (S&P), so 0; S&P's 1981-2023 annual "
    "global investment-grade default rate ranges from 0.00 % to 0.42 % (2008)", estimated=True)
# Loss given default
mkt("private_credit", "lgd_private_credit", round(1 - 0.53, 2), "2025-04-04", "kbra_rec",
    "By comparison, implied recoveries in the U.S. averaged 53%.",
    note="computed: LGD = 1 - implied recovery 0.53 of defaulted US direct-lending loans (KBRA DLD, 2024 defaults); "
         "Europe about 40 % recovery", estimated=True)
mkt("asset_manager", "lgd_leveraged_loans", round(1 - 0.67, 2), "2020-09-30", "sp_rec",
    "Since the beginning of 2018, term loan and revolver recovery values post-default have averaged 67%, trailing "
    "their historical average by seven percentage points as high leverage, shrinking debt cushions, and covenant-lite "
    "structures continue to weigh on recoveries.",
    note="computed: LGD = 1 - 0.67 (S&P LossStats, US term loans and revolvers 2018-2020); long-term average recovery "
         "74 % (LGD 0.26); Moody's (2018) expected first-lien recoveries of 61 % in the next downturn", estimated=True)
# How default rates moved with GDP
mkt("outside", "spec_grade_default_rate_2001", 0.106, "2001-12-31", "moodys_2002",
    "The default rate for speculative-grade rated issuers fell to 8.3% in 2002 from 10.6% the year before.",
    note="Moody's global speculative-grade issuer default rate, 2001 (the 2001-02 cycle's peak year)")
mkt("outside", "gdp_decline_2001", 0.004, "2001-12-31", "gdp_2001",
    "Measured from the new peak, the economy shrank just 0.4 percent, keeping the recession as measured by GDP the "
    "mildest on record.", note="US real GDP peak to trough, 2001 recession (BEA revision of 2004)")
mkt("outside", "spec_grade_default_rate_2009", 0.13, "2009-12-31", "moodys_2009",
    "Moody’s global speculative-grade default rate ended 2009 at 13.0%, almost tripling 2008’s year-end level of 4.4%.",
    note="Moody's global speculative-grade issuer default rate, 2009 (peak of the 2008-09 cycle)")
mkt("outside", "gdp_decline_2008_09", 0.043, "2009-06-30", "gdp_2009",
    "Real gross domestic product (GDP) fell 4.3 percent from its peak in 2007Q4 to its trough in 2009Q2, the largest "
    "decline in the postwar era (based on data as of October 2013).",
    note="US real GDP peak to trough, Great Recession; default rate per point of GDP decline: 13.0 / 4.3 = 3.0 in "
         "2009, 10.6 / 0.4 in 2001 (defaults there driven by the telecom/dot-com bust, not GDP)")
# Spreads against expected losses
mkt("outside", "spread_to_expected_loss_ratio_bbb", round(170 / 20, 2), "2003-12-01", "amato03",
    "In this case, the spread was more than eight times the expected loss from default.",
    note="computed: BBB 3-5 year spread ~170 bp / average yearly default loss ~20 bp, 1997-2003 ('the average spread on "
         "BBB-rated corporate bonds with three to five years to maturity was about 170 basis points ... the average "
         "yearly loss from default amounted to only 20 basis points')", estimated=True)
mkt("outside", "spread_to_expected_loss_ratio_baa", 4.0, "2005-12-31", "amato05",
    "The spread on Baa-rated bonds, for example, has been about four times the expected loss.",
    note="longer-run Baa average (Amato and Remolona 2005)")
# Stress test: losses and the scenario's GDP decline
mkt("bank", "dfast2025_commercial_loan_losses_usd_bn", 124, "2025-06-27", "dfast25_press",
    "Despite projected losses of more than $550 billion—including $158 billion in credit-card defaults and $124 billion "
    "in commercial-loan losses—banks maintained an average CET1 capital ratio of 11.6%, well above the 4.5% regulatory "
    "minimum.", note="22 banks, nine quarters, 2025 severely adverse scenario; the aggregate C&I portfolio loss rate "
    "was not in the stored pages (bank tables show e.g. American Express C&I 15.5 %)")
mkt("bank", "dfast2025_cet1_min_ratio", 0.116, "2025-06-27", "dfast25",
    "Under the severely adverse scenario, the aggregate CET1 capital ratio is projected to decline from an actual 13.4 "
    "percent at the start of the projection horizon to a minimum of 11.6 percent before rising to 12.8 percent at the "
    "end of nine quarters (see table 4).", note="aggregate of the 22 banks; RWA 10,364.9 bn at 2024:Q4")
mkt("bank", "dfast2025_gdp_decline", 0.078, "2025-02-05", "dfast25_gdp",
    "Real GDP declines 7.8% from Q4 2024 to its trough in Q1 2026 under the 2025 severely adverse scenario.",
    note="2025 severely adverse scenario (unemployment to 10 %, house prices -33 %, CRE -30 %); the page restates the "
         "Fed's scenario document")


# ================================================================= outside debt split
LINK_INSTRUMENT = {"bond": "corporate_bond", "convertible": "corporate_bond", "private_placement": "corporate_bond",
                   "abs": "abs", "cmbs": "abs", "term_loan": "leveraged_loan", "ddtl": "leveraged_loan",
                   "construction_loan": "leveraged_loan", "bridge_loan": "leveraged_loan",
                   "gpu_backed_loan": "private_credit_loan"}


def outside_split():
    shares = defaultdict(dict)
    for r in hs:
        shares[r["instrument"]][r["holder_kind"]] = float(r["share"])
    table = defaultdict(lambda: defaultdict(float))
    for l in _read_csv("links.csv"):
        if l["kind"] != "debt" or l["to_id"] != "outside":
            continue
        amt = float(l["amount_usd_bn"])
        inst = LINK_INSTRUMENT.get(l["instrument"])
        if inst is None:        # vendor loans and other kinds no statistic covers stay with `outside`
            table["outside"][f"({l['instrument']})"] += amt
            continue
        for k, s in shares[inst].items():
            table[k][inst] += amt * s
    cols = sorted({c for k in table for c in table[k]})
    lines = ["split of the debt owed to `outside` in data/links.csv by holder kind (USD bn)",
             f"{'holder_kind':<15}" + "".join(f"{c:>17}" for c in cols) + f"{'total':>10}"]
    for k in HOLDER_KINDS:
        if k in table:
            lines.append(f"{k:<15}" + "".join(f"{table[k].get(c, 0.0):17.2f}" for c in cols)
                         + f"{sum(table[k].values()):10.2f}")
    lines.append(f"{'total':<15}" + "".join(f"{sum(table[k].get(c, 0.0) for k in table):17.2f}" for c in cols)
                 + f"{sum(sum(v.values()) for v in table.values()):10.2f}")
    return "\n".join(lines)


def _render(cols, rows):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# The free floats of the listed firms: each holder's part, written by make_v2.py (it splits the free
# float); holder_shares.csv carries them after the debt instruments' rows (stressgpu.data.holders).
FF_STAGED = os.path.join(DATA, "build", "free_float_shares.csv")
if os.path.exists(FF_STAGED):
    with open(FF_STAGED, encoding="utf-8", newline="") as _f:
        hs += [{c: r.get(c, "") for c in HS_COLS} for r in csv.DictReader(_f)]


def check_rows():
    errs = []
    sums = defaultdict(float)
    for r in hs:
        sums[r["instrument"]] += float(r["share"])
        if r["holder_kind"] not in HOLDER_KINDS:
            errs.append(f"holder_shares: unknown holder_kind {r['holder_kind']}")
    for inst in INSTRUMENTS:
        if abs(sums.get(inst, 0.0) - 1.0) > 1e-6:
            errs.append(f"holder_shares: shares of {inst} add to {sums.get(inst, 0.0):.6f}, not 1")
    for name, rows in (("financial_capital", fc), ("holder_shares", hs), ("market_figures", mk)):
        for i, r in enumerate(rows, 1):
            if r["estimated"] == "false" and not r["source_quote"].strip():
                errs.append(f"{name}.csv row {i}: estimated=false without source_quote")
            if r["estimated"] == "true" and not r["note"].strip():
                errs.append(f"{name}.csv row {i}: estimated=true without a method in note")
    lp = defaultdict(float)
    for r in fc:
        if r["item"].startswith("lp_share_"):
            lp[r["entity_id"]] += float(r["value"])
    errs += [f"financial_capital: lp_share_* of {e} add to {v:.4f}, not 1" for e, v in lp.items() if abs(v - 1) > 1e-3]
    keys = [(r["entity_id"], r["item"]) for r in fc]
    if len(keys) != len(set(keys)):
        errs.append("financial_capital: duplicate (entity_id, item)")
    ents = {r["id"] for r in _read_csv("entities.csv")}
    errs += [f"financial_capital: unknown entity {e}" for e, _ in keys if e not in ents]
    return errs


def main(argv):
    errs = check_rows()
    out = {"financial_capital.csv": _render(FC_COLS, fc), "holder_shares.csv": _render(HS_COLS, hs),
           os.path.join("build", "quotes", "market_figures.csv"): _render(MS_COLS, mk)}
    if "--check" in argv:
        for name, text in out.items():
            path = os.path.join(DATA, name)
            if not os.path.exists(path):
                errs.append(f"{name}: missing (run data/build/financial_capital.py)")
            elif open(path, encoding="utf-8").read() != text:
                errs.append(f"{name}: differs from what data/build/financial_capital.py writes")
    else:
        if errs:
            print("\n".join(errs))
            return 1
        for name, text in out.items():
            with open(os.path.join(DATA, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)
        print(f"{len(fc)} financial_capital rows, {len(hs)} holder_shares rows, {len(mk)} market_figures rows "
              f"(staged for sector_totals.csv)")
    print(outside_split())
    if errs:
        print("\n".join(errs))
        return 1
    if "--check" in argv:
        print("check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Builds data/financial_capital.csv (capital, leverage, funding and holdings of the network's banks,
private-credit funds, insurers and pension funds) and data/holder_shares.csv (published shares of the
holders of bonds and loans whose holders are not named in data/links.csv), from the rows written below.
Sources, meanings and what is missing: data/build/FINANCIAL.md.

    python data/build/financial_capital.py           # writes both CSVs, prints the split of `outside` debt
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
INSTRUMENTS = ("corporate_bond", "leveraged_loan", "private_credit_loan", "abs")
# The entity of data/entities.csv that holds each holder kind's share when the loader splits a row
# (data/SCHEMA.md, holder_shares.csv): the kind's aggregate remainder; households and the rest of the
# world are in the `outside` entity (the model has no kind for them); `outside` is what no statistic
# assigns. US-chartered depository institutions (Z.1 L.213 line 18) are the US banks' aggregate.
HOLDER_ID = {"bank": "regional_banks", "private_credit": "private_credit_other", "insurer": "insurers_other",
             "pension_fund": "pension_funds_other", "asset_manager": "asset_managers_other", "investor": "venture_capital",
             "household": "outside", "foreign": "outside", "outside": "outside"}

# ---------------------------------------------------------------- sources: (title, address, source_type)
S = {
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
         "= 2,035; the RWA figure itself was not found", estimated=True)
cap("jpmorgan", "cet1_min_ratio", 0.115, "fraction", "2025-10-01", "fed_req", q_req,
    note="Standardized CET1 requirement effective 2025-10-01: 4.5 % minimum + 2.5 % SCB + 4.5 % G-SIB surcharge "
         "(JPM 10-K 2025 footnote); the page's wording is a machine rewrite of the Reuters/AP story")
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
cap("insurers_other", "total_adjusted_capital_usd_bn", 635.2, "usd_bn", "2020-12-31", "naic_rbc",
    "Total Adjusted Capital Authorized Control Level RBC Aggregate RBC % Median RBC % 635,213,337,716 "
    "74,177,610,650 856% 972%",
    note="US life industry aggregate TAC 635.2 at year-end 2020 (NAIC); used as insurers_other although it "
         "includes Athene's US companies and is 2020 (no later aggregate found)", estimated=True)
cap("insurers_other", "required_capital_usd_bn", round(2 * 74.1776, 1), "usd_bn", "2020-12-31", "naic_rbc",
    note="computed: company action level = 2 x authorized control level RBC 74.18 (NAIC aggregate, year-end 2020) "
         "= 148.4; includes Athene's US companies", estimated=True)
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
    for name, rows in (("financial_capital", fc), ("holder_shares", hs)):
        for i, r in enumerate(rows, 1):
            if r["estimated"] == "false" and not r["source_quote"].strip():
                errs.append(f"{name}.csv row {i}: estimated=false without source_quote")
            if r["estimated"] == "true" and not r["note"].strip():
                errs.append(f"{name}.csv row {i}: estimated=true without a method in note")
    keys = [(r["entity_id"], r["item"]) for r in fc]
    if len(keys) != len(set(keys)):
        errs.append("financial_capital: duplicate (entity_id, item)")
    ents = {r["id"] for r in _read_csv("entities.csv")}
    errs += [f"financial_capital: unknown entity {e}" for e, _ in keys if e not in ents]
    return errs


def main(argv):
    errs = check_rows()
    out = {"financial_capital.csv": _render(FC_COLS, fc), "holder_shares.csv": _render(HS_COLS, hs)}
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
        print(f"{len(fc)} financial_capital rows, {len(hs)} holder_shares rows")
    print(outside_split())
    if errs:
        print("\n".join(errs))
        return 1
    if "--check" in argv:
        print("check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

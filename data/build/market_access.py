"""Write ``data/market_access.csv``: the markets each operating firm has raised money in (issue 25,
item 4; docs/model.md §2, §4).

Run from the repository root (independent of the other build steps; reads nothing)::

    python data/build/market_access.py           # write data/market_access.csv
    python data/build/market_access.py --check   # exit 1 if the file is not what this script writes

One row per (firm, market) for every named operating firm of ``entities.csv`` (kinds chipmaker,
hyperscaler, ai_lab, neocloud, datacenter_spv, utility, investor) and the two aggregates for which
a market is their definition (US utilities: investment-grade bonds; data-centre ABS/CMBS issuers:
ABS). ``venture_capital`` (an aggregate of funds raising LP capital) has none of the markets.

A firm has access to a market when it has done such a deal; ``evidence`` names the deal. A row is
sourced (``estimated=false``) when its ``source_quote`` is the document's sentence that states the
deal; where the deal is recorded (in ``links.csv`` or a filing) but no sentence was read, the row is
estimated with ``not quoted`` and what the record states in ``note``. ``as_of`` is the deal's date.
Markets: ``ig_bond``, ``hy_bond``, ``convertible``, ``bank_loan`` (term loans, revolvers, bridge and
construction loans from banks), ``private_credit`` (direct lending, delayed-draw term loans,
GPU-backed loans), ``abs`` (asset-backed, CMBS, project bonds sold to investors), ``equity_listed``
(share issuance by a listed firm, IPO included), ``equity_round`` (private rounds),
``vendor_financing`` (a supplier's loan, equity or backstop tied to purchases from it).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _table_script import write_or_check  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "market_access.csv"
COLUMNS = ["entity_id", "market", "evidence", "as_of", "source", "source_quote", "source_type", "estimated", "note"]

# --------------------------------------------------------------------------- sources (short keys)
SRC = {
    "oai_rcf": ("Microsoft-Backed OpenAI Boosts Liquidity to $10B in $4B Credit Line — TipRanks, 2024-10-03, "
                "https://fastly.tipranks.com/news/microsoft-backed-openai-boosts-liquidity-to-10b-in-4b-credit-line", "press"),
    "oai_round": ("OpenAI raises 110 billion dollars in record funding round — FashionUnited (AFP), 2026-02-27, "
                  "https://fashionunited.uk/news/business/openai-raises-110-billion-dollars-in-record-funding-round/2026022786554", "press"),
    "anth_g": ("The trillion-dollar game nobody fully understands — Mango People News, 2026-05, "
               "https://www.beta.mangopeoplenews.com/article/the-trillion-dollar-game-nobody-fully-understands-inside-the-ai-funding-frenzy-that-is-rewriting-the-rules-of-money-power-and-technology", "press"),
    "amzn_anth": ("Amazon doubles down on Anthropic: $4 billion investment fuels AI arms race — Wall Street Pit, 2024-11-22, "
                  "https://wallstreetpit.com/121446-amazon-doubles-down-on-anthropic-4-billion-investment-fuels-ai-arms-race/", "press"),
    "xai_e": ("Musk's xAI raises $20 billion in upsized Series E funding round — Reuters via Global Banking and Finance Review, "
              "2026-01-06, https://www.globalbankingandfinance.com/musks-xai-raises-20-billion-upsized-series-e-funding-round", "press"),
    "xai_debt": ("Elon Musk's xAI secures $10 billion in debt and equity — NewsBytes, 2025-07-01, "
                 "https://www.newsbytesapp.com/news/business/elon-musk-s-xai-secures-10-billion-in-debt-and-equity/story", "press"),
    "crwv_q2": ("CoreWeave Form 10-Q quarter ended 2025-06-30, note 10 Debt "
                "https://www.sec.gov/Archives/edgar/data/1769628/000114036125032095/R41.htm", "filing"),
    "crwv_2031": ("CoreWeave Form 8-K 2025-07-25 (9.000% Senior Notes due 2031) "
                  "https://viralles.com/sec-filings/CRWV/8-k-core-weave-inc-reports-material-event-cf6f4d9220a4.html", "filing"),
    "crwv_ddtl4": ("CoreWeave Issued Yet More Debt — Dave Friedman (Substack), 2026-05, "
                   "https://davefriedman.substack.com/p/coreweave-issued-yet-more-debt", "press"),
    "crwv_cv26": ("CoreWeave Form 8-K (accession 0001193125-26-148912): USD 1.25 bn senior notes due 2031 and USD 3.0 bn convertible "
                  "senior notes due 2032, as summarised by Cayman Journal https://caymanjournal.com/stock/CRWV/sec-filing/0001193125-26-148912", "filing"),
    "crwv_ipo": ("CoreWeave IPO (2025-03-28, Nasdaq: CRWV), as reported by the FT (via O Mercado Financeiro) "
                 "https://omercadofinanceiro.com/?p=1482", "press"),
    "crwv_oem": ("CoreWeave Form 10-Q quarter ended 2025-06-30, note 10 Debt (OEM financing arrangements) "
                 "https://www.sec.gov/Archives/edgar/data/1769628/000114036125032095/R41.htm", "filing"),
    "nbis_cv": ("Nebius Group announces proposed private offering of $2 billion of convertible senior notes — Business Wire, "
                "2025-09-10, https://business.malvern-online.com/inyoregister/article/bizwire-2025-9-10-nebius-group-announces-proposed-private-offering-of-2-billion-of-convertible-senior-notes", "company"),
    "nbis_px": ("Nebius Group stock rebounds after $2.75B in convertible notes and $1B in shares — SnipeSearch, 2025-09-11, "
                "https://ww3.snipesearch.co.uk/nebius-group-n-v-nbis-stock-rebounds-in-pre-market-after-2-75b-in-convertible-notes-and-1b-in-shares-5314388.html", "press"),
    "meta_bond": ("Meta Raises $30 Billion in Record Bond Sale to Fund AI Buildout — Particle News, 2025-10-30, "
                  "https://particle.news/story/meta-raises-30-billion-in-record-bond-sale-to-fund-ai-buildout", "press"),
    "meta_ifr": ("Meta hits market with six-part jumbo amid AI push — IFR, 2025-10-30, "
                 "https://www.ifre.com/bonds/2334314/meta-hits-market-with-six-part-jumbo-amid-ai-push", "press"),
    "hyperion_wsj": ("BlackRock ETFs Among Biggest Investors in Meta's Giant Data-Center Debt Deal (WSJ excerpt via mboum, 2025-10-21) "
                     "https://mboum.com/quotes/OWL", "press"),
    "hyperion_trd": ("Pimco rakes in $2B windfall on Meta's data center debt — The Real Deal (reporting Bloomberg), 2025-10-22, "
                     "https://therealdeal.com/national/2025/10/22/pimco-rakes-in-2b-windfall-on-metas-data-center-debt", "press"),
    "orcl_25": ("Oracle raises US$25bn in bond offering as AI funding spree continues — IFR, 2026-02-02, "
                "https://www.ifre.com/bonds/2379081/oracle-returns-with-another-jumbo-bond-to-fund-ai-expansion", "press"),
    "orcl_plan": ("Oracle plans $45-50 billion 2026 raise to scale AI and cloud infrastructure — Tradevae, 2026-02-02, "
                  "https://tradevae.com/news/stock-markets/oracle-plans-45-50-billion-2026-raise-to-scale-ai-and-cloud-infrastructure", "press"),
    "orcl_reuters": ("Oracle to raise $45-50 bln in 2026 (Reuters via TradingKey, 2026-02-02) https://www.tradingkey.com/news/stocks/261538464-reuters", "press"),
    "amzn_fwp": ("Amazon.com, Inc. FWP, final term sheet dated 2025-11-17 (SEC EDGAR) "
                 "https://www.sec.gov/Archives/edgar/data/0001018724/000110465925113283/tm2530638d2_fwp.htm", "filing"),
    "googl_25": ("Alphabet sells US$25bil bonds — The Star / Bloomberg, 2025-11-05, "
                 "https://www.thestar.com.my/business/business-news/2025/11/05/alphabet-sells-us25bil-bonds", "press"),
    "googl_26": ("Alphabet unveils major multi-currency bond issuance plan — Tradingpedia, 2026-02-10, "
                 "https://www.tradingpedia.com/2026/02/10/alphabet-unveils-major-multi-currency-bond-issuance-plan", "press"),
    "msft_aaa": ("2 companies now have credit ratings higher than the U.S. — Investor's Business Daily via inkl, 2025-05, "
                 "https://www.inkl.com/glance/news/2-companies-now-have-credit-ratings-higher-than-the-u-s", "press"),
    "amd_moodys": ("Moody's upgrades Advanced Micro Devices to A3; outlook stable — Moody's, 2022-02-14, "
                   "https://www.moodys.com/research/Moodys-upgrades-Advanced-Micro-Devices-to-A3-outlook-stable--PR_462008", "press"),
    "amd_8k": ("AMD Form 8-K 2025-10-06 (warrant to OpenAI OpCo) "
               "https://www.stocktitan.net/sec-filings/AMD/8-k-advanced-micro-devices-inc-reports-material-event-08f8c00c25e2.html", "filing"),
    "nv_crwv": ("Nvidia invests $2 billion in CoreWeave — Unbiased Times, 2026-01-26, https://www.unbiasedtimes.org/article/2495", "press"),
    "nv_10q": ("NVIDIA Form 10-Q, quarter ended 2026-04-26 (notes outstanding) "
               "https://www.stocktitan.net/sec-filings/NVDA/10-q-nvidia-corp-quarterly-earnings-report-d1a46e09c46a.html", "filing"),
    "avgo_vmw": ("Broadcom Form 10-K fiscal 2024 (senior notes and term loans that financed the VMware acquisition), SEC EDGAR", "filing"),
    "tsmc_sp": ("TSMC Strengthens Credit Outlook Through AI Chip Leadership — wpnews citing S&P, 2026-06, "
                "https://wpnews.pro/news/tsmc-strengthens-credit-outlook-through-ai-chip-leadership.json", "press"),
    "sb_bridge": ("SoftBank in talks for USD 40 bn loan to increase investment in OpenAI — Outlook Business (Bloomberg), 2026-03-06, "
                  "https://www.outlookbusiness.com/corporate/softbank-in-talks-for-40bn-loan-to-increase-investment-in-openai", "press"),
    "sb_bond": ("SoftBank approves USD 22.5 bn second payment for OpenAI investment — CoinCentral, 2025-10-27, "
                "https://coincentral.com/softbank-approves-22-5-billion-second-payment-for-openai-investment", "press"),
    "vantage": ("Banks in talks to lend USD 38 bn for OpenAI data centres (FT, via itx.ba), 2025-10 "
                "https://mail.itx.ba/news/ai/62112-openai-s-shiny-future-rides-on-a-wobbling-mountain-of-risky-loans?print=1&tmpl=component", "press"),
    "colossus": ("Apollo funds lead USD 3.5 bn capital solution for Valor Compute Infrastructure (Reuters 2026-02-09) "
                 "https://d2698.cms.socastsrm.com/2026/02/09/apollo-xai-near-3-4-billion-deal-to-fund-ai-chips-the-information-reports", "press"),
    "xai_spv": ("Elon Musk's xAI completes $20 billion funding round with Nvidia backing — Lokmat Times (IANS), 2026-01-07, "
                "https://www.lokmattimes.com/technology/elon-musks-xai-completes-20-billion-funding-round-with-nvidia-backing-1/", "press"),
    "iren_cv": ("IREN convertible senior notes (2025-12: 0.25 % due 2032 and 1.00 % due 2033, USD 2.3 bn with the greenshoe) — company release (links.csv cv_iren_2032, cv_iren_2033)", "company"),
    "lambda_gpu": ("Lambda GPU-backed facility USD 500 m (Macquarie, 2024-04) — press (links.csv d_lambda_gpu)", "press"),
    "crusoe_jpm": ("JPMorgan construction loans for the Abilene (Stargate) campus: 2.3 bn (2024) and 7.1 bn (2025-05) — press "
                   "Bloomberg 2025-05 (links.csv d_crusoe_abilene_jpm)", "press"),
    "nscale_b": ("Nscale Series B of about USD 1.1 bn (2025-09), press reports (not read)", "press"),
    "lambda_e": ("Lambda Series E of about USD 1.5 bn (2025-11), press reports (not read)", "press"),
    "crusoe_e": ("Crusoe Series E of about USD 1.38 bn (2025-10), press reports (not read)", "press"),
    "kbra": ("KBRA research 2025-05-30: US data-centre ABS/CMBS issuance USD 48.69 bn across 88 deals since 2018 "
             "https://www.businesswire.com/news/home/20250530386886/en/KBRA-Releases-Research-Data-Centers-A-Comparison-of-ABS-and-CMBS-Structures", "aggregate"),
    "eei": ("EEI industry financials: investor-owned utilities' long-term debt (aggregate; links.csv d_util_*)", "aggregate"),
    "anth_msft_nv": ("Microsoft and Nvidia pour up to $15 billion into Anthropic — Wyoming Star, 2025-11-19, "
                     "https://wyomingstarnews.org/2025/11/19/microsoft-and-nvidia-pour-up-to-15-billion-into-anthropic-as-claude-maker-locks-in-30-billion-azure-deal", "press"),
}


def row(entity, market, evidence, as_of, src, quote="", note=""):
    """A sourced row when ``quote`` is given, else an estimated one ("not quoted") with ``note``."""
    source, stype = SRC[src]
    est = not quote
    if est and not note:
        raise SystemExit(f"{entity} {market}: an estimated row needs a note")
    return dict(entity_id=entity, market=market, evidence=evidence, as_of=as_of, source=source, source_quote=quote,
                source_type=stype, estimated="true" if est else "false", note=note)


NQ = "not quoted: "   # the deal is recorded (filing, links.csv) but no sentence of the document was read
ROWS = [
    # ----------------------------------------------------------------- AI labs
    row("openai", "equity_round", "2026 round of USD 110 bn at USD 730 bn pre-money (Amazon, Nvidia, SoftBank), closed at 122",
        "2026-02-27", "oai_round", "The investment round - one of the largest in Silicon Valley history - includes $30 billion from "
        "Japanese conglomerate SoftBank, $30 billion from chip giant Nvidia, and $50 billion from Amazon, with additional investors "
        "expected to join as the round progresses."),
    row("openai", "bank_loan", "USD 4 bn unsecured revolving credit facility (JPMorgan, Citi, Goldman Sachs and others; "
        "+2 bn accordion; SOFR + 100 bp; three years)", "2024-10-03", "oai_rcf",
        "Microsoft-backed OpenAI has secured a $4 billion revolving line of credit, boosting its total liquidity to over $10 billion."),
    row("openai", "vendor_financing", "Amazon's USD 50 bn in the 2026 round paired with OpenAI's USD 100 bn expansion of its AWS "
        "agreement (links.csv pair p_amzn_oai); AMD's warrant for up to 160 m shares vesting as OpenAI buys AMD GPUs",
        "2026-02-27", "oai_round", "The Amazon investment will begin with $15 billion, followed by another $35 billion in the coming "
        "months when certain conditions are met, the companies said.",
        note="a supplier's equity paired with purchases from it; AMD's warrant (8-K 2025-10-06) is the second instance"),
    row("anthropic", "equity_round", "Series G, USD 30 bn at USD 380 bn post-money (GIC, Coatue)", "2026-02-12", "anth_g",
        "Anthropic completed a Series G round earlier this year at a $380 billion post-money valuation, raising $30 billion led "
        "by GIC and Coatue."),
    row("anthropic", "vendor_financing", "Microsoft and Nvidia invest up to USD 15 bn while Anthropic commits USD 30 bn to Azure and "
        "up to 1 GW of Nvidia systems", "2025-11-18", "anth_msft_nv",
        "The two tech giants have agreed to invest up to $15 billion in the Claude maker, while Anthropic is committing to spend "
        "$30 billion on Microsoft’s Azure cloud, in a sprawling tie-up that neatly captures how tangled and self-reinforcing the AI "
        "ecosystem has become."),
    row("xai", "equity_round", "Series E, USD 20 bn (upsized from 15; Valor, StepStone, Fidelity, QIA, MGX, Nvidia, Cisco)",
        "2026-01-06", "xai_e", "Elon Musk's artificial intelligence startup xAI announced Tuesday it raised $20 billion in an upsized "
        "Series E funding round, exceeding its $15 billion target as it ramps up development of new AI models and computing "
        "infrastructure."),
    row("xai", "hy_bond", "USD 5 bn of secured notes and term loans (~12.5 %), Morgan Stanley-led", "2025-07-01", "xai_debt",
        "The debt portion of the funding consists of secured notes and term loans.",
        note="the sentence states the instruments (secured notes sold to high-yield investors), not their amount; the 5 bn of debt is "
             "links.csv d_xai_2025_notes, d_xai_2025_loans"),
    row("xai", "bank_loan", "term loans of the USD 5 bn debt package (Morgan Stanley-led, syndicated)", "2025-07-01", "xai_debt",
        "The debt portion of the funding consists of secured notes and term loans."),
    # ----------------------------------------------------------------- neoclouds
    row("coreweave", "hy_bond", "9.000 % senior notes due 2031, USD 1.75 bn (after the 9.25 % 2030 notes, USD 2 bn, May 2025)",
        "2025-07-25", "crwv_2031", "On July 25, 2025, CoreWeave, Inc. (the “Company”) issued $1,750 million in aggregate principal "
        "amount of 9.000% Senior Notes due 2031 (the “Notes”)."),
    row("coreweave", "convertible", "USD 3.0 bn convertible senior notes due 2032 with USD 1.25 bn senior notes (2026); USD 2.25 bn "
        "convertible notes due 2031 (December 2025)", "2026-04-09", "crwv_cv26",
        "The core news is that they intend to raise a total of $4.25 billion through two separate debt offerings: $1.25 billion in "
        "\"senior notes\" and $3.0 billion in \"convertible senior notes.\"",
        note="as_of: the offering was reported by Reuters on 2026-04-09 (accession 0001193125-26-148912)"),
    row("coreweave", "bank_loan", "revolving credit facility (JPMorgan-led syndicate), 0.45 drawn at 2025-06-30", "2025-06-30",
        "crwv_q2", note=NQ + "the 10-Q's debt table lists the Revolving Credit Facility (maturity June 2027, 7 %) at 450,000 thousand"),
    row("coreweave", "private_credit", "delayed-draw term loans: DDTL 1.0-3.0 (Blackstone, Magnetar, Morgan Stanley/MUFG), DDTL 4.0 "
        "USD 8.5 bn (2026-03-31) and DDTL 5.0 USD 3.1 bn (2026-05-18)", "2026-03-31", "crwv_ddtl4",
        "On March 31st, CoreWeave closed an $8.5 billion delayed draw term loan facility, dubbed DDTL 4.0, which was rated A3 by "
        "Moody’s and A(low) by DBRS, and which was secured against a contract with a single investment-grade enterprise customer."),
    row("coreweave", "equity_listed", "initial public offering on Nasdaq (March 2025, up to USD 2.7 bn sought)", "2025-03-28",
        "crwv_ipo", note=NQ + "the FT reports CoreWeave sought to raise up to 2.7 bn in its IPO (the article quoted is a translation)"),
    row("coreweave", "vendor_financing", "OEM financing arrangements (Dell and others), 1.73 at 2025-06-30; Nvidia's backstop order "
        "for unsold capacity (6.3) and USD 2 bn equity investment (2026-01)", "2025-06-30", "crwv_oem",
        "OEM financing arrangements (Dell and others) 1.73 at 2025-06-30",
        note="the quote is the statement recorded from the 10-Q's debt table (links.csv d_crwv_oem)"),
    row("nebius", "convertible", "USD 2.75 bn convertible senior notes due 2030 and 2032 (September 2025), after USD 1 bn in June 2025",
        "2025-09-10", "nbis_px", "The company priced $2.75 billion in convertible notes alongside a $1 billion public equity offering."),
    row("nebius", "equity_listed", "USD 1 bn underwritten public offering of Class A shares (September 2025)", "2025-09-10", "nbis_cv",
        "Concurrently with the offering of the Notes, the Company is offering $1.0 billion of the Company’s Class A ordinary shares, "
        "par value €0.01 (“Class A shares”) in an underwritten public offering."),
    row("iren", "convertible", "convertible senior notes due 2032 and 2033, ~USD 2 bn priced (December 2025)", "2025-12-02", "iren_cv",
        note=NQ + "links.csv cv_iren_2032 and cv_iren_2033 record the issue; no sentence of the release was read here"),
    row("iren", "equity_listed", "at-the-market share sales (Nasdaq: IREN)", "2025-12-02", "iren_cv",
        note=NQ + "IREN funds part of its build with at-the-market equity alongside its converts (company releases); not read"),
    row("lambda_labs", "private_credit", "GPU-backed facility USD 500 m (Macquarie, 2024-04) and later facilities", "2024-04-04",
        "lambda_gpu", note=NQ + "links.csv d_lambda_gpu records the facility; no sentence was read"),
    row("lambda_labs", "equity_round", "Series E (2025-11) from venture investors and Nvidia", "2025-11-30", "lambda_e",
        note=NQ + "Lambda is private and funded by venture rounds; the round is reported in the press, no sentence was read"),
    row("nscale", "equity_round", "Series B (2025-09) from venture investors and Nvidia", "2025-09-30", "nscale_b",
        note=NQ + "Nscale is private and funded by venture rounds; the round is reported in the press, no sentence was read"),
    row("crusoe", "bank_loan", "JPMorgan construction loans for the Abilene (Stargate) campus, 2.3 (2024) and 7.1 (2025-05)",
        "2025-05-01", "crusoe_jpm", note=NQ + "links.csv d_crusoe_abilene_jpm records the loans; no sentence was read"),
    row("crusoe", "equity_round", "Series E (2025-10) to fund its data-centre build", "2025-10-31", "crusoe_e",
        note=NQ + "Crusoe is private and funded by venture rounds; the round is reported in the press, no sentence was read"),
    # ----------------------------------------------------------------- hyperscalers
    row("meta", "ig_bond", "USD 30 bn of senior notes in six tranches, 5-40 years (Aa3/AA-)", "2025-10-30", "meta_bond",
        "The Facebook parent sold $30 billion of investment-grade notes across six tranches with maturities from five to 40 years."),
    row("meta", "abs", "Hyperion: Beignet Investor LLC's USD 27.3 bn 6.58 % 144A notes due 2049, serviced from Meta's lease and its "
        "residual-value guarantee", "2025-10-21", "hyperion_wsj", "But the debt yielded 6.58% at issue, a level more common in junk bonds",
        note="project bonds sold to investors (PIMCO ~18, BlackRock ~3) through the Blue Owl joint venture, off Meta's balance sheet"),
    row("meta", "private_credit", "Hyperion joint venture: Blue Owl funds own 80 % and financed the campus with Meta", "2025-10-22",
        "hyperion_trd", "Pimco reportedly held about $18 billion of the debt when it priced and has already sold more than $1 billion "
        "into the secondary market, locking in early profits for its client funds.",
        note="the private-credit side of the deal is Blue Owl's equity and the privately placed notes; the sentence states the notes"),
    row("oracle", "ig_bond", "USD 25 bn senior unsecured notes (February 2026), after USD 18 bn (September 2025)", "2026-02-02",
        "orcl_25", "Oracle raises US$25bn in bond offering as AI funding spree continues"),
    row("oracle", "equity_listed", "at-the-market equity programme of up to USD 20 bn (authorised 2026-02-01)", "2026-02-01",
        "orcl_reuters", "About half of the funding is expected from equity-linked and common equity, including mandatory convertible "
        "preferred securities and a new at-the-market program of up to $20 bln"),
    row("oracle", "convertible", "mandatory convertible preferred securities (2026 plan, initial issue)", "2026-02-01", "orcl_reuters",
        "About half of the funding is expected from equity-linked and common equity, including mandatory convertible preferred "
        "securities and a new at-the-market program of up to $20 bln"),
    row("amazon", "ig_bond", "USD 15 bn senior notes, 2028-2065 (A1/AA/AA-)", "2025-11-17", "amzn_fwp",
        "Yield to Maturity: 2028 Notes: 3.908% 2030 Notes: 4.124% 2033 Notes: 4.375% 2035 Notes: 4.681% 2055 Notes: 5.483%"),
    row("alphabet", "ig_bond", "USD 17.5 bn + EUR 6.5 bn notes (November 2025); USD/GBP/CHF notes incl. a 100-year sterling tranche "
        "(February 2026)", "2026-02-09", "googl_26", "The three-year bonds were reportedly priced at just 0.27% over US Treasuries, "
        "underscoring robust demand for Alphabet’s near-term paper."),
    row("microsoft", "ig_bond", "senior notes outstanding, rated AAA by S&P", "2025-05-16", "msft_aaa",
        "Two S&P 500 companies — Johnson & Johnson and Microsoft — are rated AAA by S&P Global Ratings."),
    # ----------------------------------------------------------------- chipmakers
    row("nvidia", "ig_bond", "senior notes outstanding (about 8.5 bn at 2026-04-26)", "2026-04-26", "nv_10q",
        note=NQ + "the 10-Q's debt note lists Nvidia's senior notes; no sentence was recorded"),
    row("amd", "ig_bond", "senior unsecured notes rated A3 by Moody's", "2022-02-14", "amd_moodys",
        "New York, February 14, 2022 -- Moody's Investors Service (\"Moody's\") upgraded the senior unsecured rating of Advanced Micro "
        "Devices, Inc.'s (\"AMD\") to A3 from Baa1 following final regulatory approval of the all-equity funded acquisition of Xilinx, "
        "Inc. (\"Xilinx\") currently rated A3 stable."),
    row("amd", "equity_listed", "all-equity acquisition of Xilinx (2022); warrant for up to 160 m shares issued to OpenAI (2025)",
        "2025-10-06", "amd_8k", note=NQ + "the 8-K states the warrant (160 m shares at USD 0.01); the Xilinx deal is Moody's sentence"),
    row("broadcom", "ig_bond", "senior notes that financed the VMware acquisition (2023-2024)", "2024-11-03", "avgo_vmw",
        note=NQ + "Broadcom's 10-K lists its senior notes; no sentence was recorded"),
    row("broadcom", "bank_loan", "term loans for the VMware acquisition (2023), since refinanced", "2024-11-03", "avgo_vmw",
        note=NQ + "Broadcom's 10-K describes the VMware term loans; no sentence was recorded"),
    row("tsmc", "ig_bond", "corporate bonds rated AA- by S&P (TSMC and TSMC Arizona)", "2026-06-23", "tsmc_sp",
        "S&P Global Ratings revised its outlook on TSMC's AA- long-term issuer credit rating to Positive on June 23, citing stronger "
        "leadership in advanced high-performance computing chips.",
        note="the sentence states the issuer rating under which its bonds are issued"),
    # ----------------------------------------------------------------- investors
    row("softbank", "bank_loan", "USD 40 bn 12-month bridge loan from four banks incl. JPMorgan (2026) to fund its OpenAI tranches; "
        "margin loans on Arm shares", "2026-03-06", "sb_bridge",
        note=NQ + "Bloomberg reports SoftBank in talks for a 40 bn bridge loan (links.csv sb_bridge_2026); sentence not recorded"),
    row("softbank", "hy_bond", "USD 2.9 bn bond sale in 2025 to fund AI investments", "2025-10-27", "sb_bond",
        note="the source states the bond sale ('initiated a $2.9 billion bond sale to fund AI investments'); the market (high-yield "
             "rather than investment-grade) is assumed from SoftBank's sub-investment-grade ratings, not stated by this source"),
    # ----------------------------------------------------------------- data-centre vehicles and aggregates
    row("vantage_stargate_spv", "bank_loan", "USD 38 bn construction loans for Frontier (TX) and Lighthouse (WI), JPMorgan and MUFG "
        "lead", "2025-10-31", "vantage", "A clutch of banks is haggling over another $38bn for Oracle and builder Vantage to splash on "
        "more OpenAI sites, according to those familiar with the talks, and the paperwork is meant to be wrapped up in the coming weeks.",
        note="as_of: the month of the FT report (October 2025; Bloomberg reported the loans on 2025-10-24)"),
    row("hyperion_spv", "abs", "USD 27.3 bn 6.58 % 144A amortising notes due 2049 (Beignet Investor LLC)", "2025-10-21", "hyperion_wsj",
        "But the debt yielded 6.58% at issue, a level more common in junk bonds"),
    row("colossus2_spv", "private_credit", "USD 3.5 bn Apollo-led financing of the Valor compute vehicle leasing GB200 hardware to xAI",
        "2026-01-07", "colossus", "Apollo said on Saturday its funds led $3.5 billion in financing for a roughly $5.4 billion data-center "
        "compute deal arranged by Valor Equity Partners to lease high-performance hardware to xAI."),
    row("colossus2_spv", "equity_round", "Valor-led equity (~1.9) with Nvidia as anchor investor in the GPU vehicle", "2026-01-07",
        "xai_spv", "xAI had planned for roughly $7.5 billion of equity and up to $12.5 billion of debt parked in a special purpose vehicle "
        "to buy Nvidia processors."),
    row("utilities_us", "ig_bond", "investor-owned utilities' first-mortgage and senior bonds (aggregate)", "2024-12-31", "eei",
        note=NQ + "utilities fund their build with investment-grade bonds (EEI industry financials); aggregate, no sentence"),
    row("utilities_us", "bank_loan", "bank term loans and revolvers of US utilities (aggregate; links.csv d_util_jpm, d_util_reg)",
        "2024-12-31", "eei", note=NQ + "aggregate estimate of bank lending to utilities (EEI, FDIC QBP)"),
    row("dc_abs_issuers", "abs", "US data-centre ABS and CMBS: USD 48.69 bn across 88 deals since 2018", "2025-05-30", "kbra",
        note=NQ + "KBRA's research note states 48.69 bn across 88 deals; sentence not recorded"),
]


def table() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS)
    dup = df.duplicated(["entity_id", "market"], keep=False)
    if dup.any():
        raise SystemExit(f"duplicate (entity, market): {df.loc[dup, ['entity_id', 'market']].values.tolist()}")
    return df


def main(argv: list[str]) -> int:
    return write_or_check(argv, table, OUT, "market_access.py", __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Builds data/credit_quotes.csv: credit-market quotes (CDS, bond yields and spreads, loan spreads,
ratings) of borrowers of the network (ids of data/entities.csv), each with the sentence of its source that
states it (schema: data/SCHEMA.md; sources: data/credit_quotes.md).

``seniority`` is the rank of the quoted claim, which sets the recovery the market-implied default
probability assumes (stressgpu.credit_market): a CDS references senior unsecured debt; bonds are senior
unsecured and loans senior secured unless said otherwise below (the secured SPV notes, the SoftBank hybrid,
the OpenAI revolver, following data/links.csv and the notes); rating rows have none.

Quotes on firms outside the network are not written (the loader rejects an id not in entities.csv):
Applied Digital's 7 % 2031 notes (2026-06-09, in data/credit_quotes.md) is the one found."""
import csv, os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# ---------------------------------------------------------------- sources
S = {
 "bt_meta": ("Credit derivatives on Meta start trading after big bond sales (The Business Times / Bloomberg, 2025-11-02)", "https://www.businesstimes.com.sg/startups-tech/technology/credit-derivatives-meta-start-trading-after-big-bond-sales", "press"),
 "ifr_meta": ("Meta hits market with six-part jumbo amid AI push (IFR, 2025-10-30)", "https://www.ifre.com/bonds/2334314/meta-hits-market-with-six-part-jumbo-amid-ai-push", "press"),
 "particle_meta": ("Meta Raises $30 Billion in Record Bond Sale to Fund AI Buildout (Particle News, 2025-10-30)", "https://particle.news/story/meta-raises-30-billion-in-record-bond-sale-to-fund-ai-buildout", "press"),
 "saba": ("Saba sells credit default swaps on big tech firms as AI debt mounts: report (up2info / Seeking Alpha summary of Reuters, Nov 2025)", "https://up2info.com/corporate-news/saba-sells-credit-default-swaps-on-big-tech-firms-as-ai-debt-mounts-report", "press"),
 "indiatips": ("Oracle credit protection hits fresh high on AI bubble fear (Bloomberg video page, 2025-11-24)", "https://indiatips.in/2025/11/24/oracle-credit-protection-hits-fresh-high-on-ai-bubble-fear", "press"),
 "dnyuz": ("Morgan Stanley warns Oracle credit protection nearing record high (Bloomberg via DNYUZ, 2025-11-27)", "https://dnyuz.com/?p=15789", "press"),
 "crypto16": ("Oracle's bond-market stress climbs to a 16-year high (Cryptopolitan via BitcoinEthereumNews/greentreeone, 2025-12-03)", "https://www.greentreeone.com/news/219420", "press"),
 "pepper": ("Oracle earnings miss: rising capex, weak cash flow and higher CDS spark investor concerns (Pepperstone, Dec 2025)", "https://pepperstone.com/en-gb/analysis/navigating-markets/oracle-earnings-miss-rising-capex-weak-cash-flow-and-higher-cds-spark-investor-concerns", "press"),
 "reuters1211": ("Cost of insuring Oracle debt against default surges (Reuters, 2025-12-11, via localnewswave)", "https://www.localnewswave.com/article/1051623811269881856", "press"),
 "bondblox124": ("Oracle's CDS Spread Widens Further Amid Cash Burn, Capex Concerns (BondbloX, Dec 2025)", "https://bondblox.com/news/oracles-cds-spread-widens-further-amid-cash-burn-capex-concerns", "press"),
 "longport": ("Oracle's newly issued investment-grade bonds have a higher yield than the highest-rated junk bonds (AASTOCKS/Bloomberg via Longbridge, 2025-12-15)", "https://longportapp.com/news/269655901", "press"),
 "fwp_orcl_2025": ("Oracle Corporation FWP, final pricing term sheet dated 2025-01-30 (via Quantisnow)", "https://quantisnow.com/insight/sec-form-fwp-filed-by-oracle-corporation-5864009", "filing"),
 "fwp_orcl_2026": ("Oracle Corporation FWP, final pricing term sheet dated 2026-02-02 (via Public/pubt.io)", "https://www.pubt.io/view/C684F1126AA103318E715F2AC1BA909F705DECF0", "filing"),
 "ifr_orcl": ("Oracle raises US$25bn in bond offering as AI funding spree continues (IFR, 2026-02-02)", "https://www.ifre.com/bonds/2379081/oracle-returns-with-another-jumbo-bond-to-fund-ai-expansion", "press"),
 "fitch_orcl": ("Fitch Rates Oracle's Senior Notes Offering 'BBB' and Affirms IDR; Outlook Stable (Dow Jones via TTM, 2026-02-02)", "https://ttm.financial/m/news/2608866918", "press"),
 "sp_orcl": ("Oracle faces negative outlook at S&P as cloud growth strains cash flow (Investing.com, July 2025)", "https://ng.investing.com/news/stock-market-news/oracle-faces-negative-outlook-at-sp-as-cloud-growth-strains-cash-flow-93CH-1992549", "press"),
 "moodys_orcl": ("Moody's Warns on Oracle's $300 Billion AI Contracts, Keeps Baa2 Rating Unchanged (Particle News, Sep 2025)", "https://particle.news/story/moodys-warns-on-oracles-300-billion-ai-contracts-keeps-baa2-rating-unchanged", "press"),
 "crwv_cds": ("CoreWeave (CRWV) stock drops as AI cloud company issues $2 billion in convertible debt (CoinCentral, 2025-12-08)", "https://coincentral.com/coreweave-crwv-stock-drops-as-ai-cloud-company-issues-2-billion-in-convertible-debt", "press"),
 "lds": ("CoreWeave borrowing costs fall for data-center financing (Let's Data Science, citing The Next Web/TipRanks/Bloomberg, June 2026)", "https://letsdatascience.com/news/coreweave-borrowing-costs-fall-for-data-center-financing-fcf91ef7", "press"),
 "fitch_crwv": ("Fitch assigns first-time 'BB-' IDR to CoreWeave (CreditRiskMonitor reprint of Fitch release, 2025-05-19)", "https://info.creditriskmonitor.com/NewsStory.aspx?NewsId=53703712", "press"),
 "moodys_crwv": ("Moody's assigns Ba3 CFR to CoreWeave; notes rated B1 (Investing.com via dreamznet, May 2025)", "https://www.dreamznet.com/knowledge/55145", "press"),
 "sp_crwv": ("CoreWeave's B+ rating leads to Blue Owl's failed $4bn data center financing (Investing.com via gateex, 2026-02-21)", "https://gateex.org/post/status/18923120", "press"),
 "ddtl": ("CoreWeave Issued Yet More Debt (Dave Friedman, Substack, May 2026)", "https://davefriedman.substack.com/p/coreweave-issued-yet-more-debt", "press"),
 "9fin": ("Excess Spread — Huge portion of chips, SRT spreads, bidding better (9fin, late March 2025)", "https://9fin.com/insights/excess-spread-chips-srt-bidding", "press"),
 "hyperion_wsj": ("BlackRock ETFs Among Biggest Investors in Meta's Giant Data-Center Debt Deal (WSJ excerpt via mboum, 2025-10-21)", "https://mboum.com/quotes/OWL", "press"),
 "thestar_googl": ("Alphabet sells US$25bil bonds (The Star / Bloomberg, 2025-11-05)", "https://www.thestar.com.my/business/business-news/2025/11/05/alphabet-sells-us25bil-bonds", "press"),
 "tp_googl": ("Alphabet unveils major multi-currency bond issuance plan (Tradingpedia, 2026-02-10)", "https://www.tradingpedia.com/2026/02/10/alphabet-unveils-major-multi-currency-bond-issuance-plan", "press"),
 "fwp_amzn": ("Amazon.com, Inc. FWP, final term sheet dated 2025-11-17 (SEC EDGAR)", "https://www.sec.gov/Archives/edgar/data/0001018724/000110465925113283/tm2530638d2_fwp.htm", "filing"),
 "amzn_40y": ("Amazon taps bond market for $15 billion as AI infrastructure costs mount (MarketDash, Nov 2025)", "https://www.marketdash.io/news/52934/amazon-taps-bond-market-for-15-billion-as-ai-infrastructure-costs-mount", "press"),
 "msft_aaa": ("2 companies now have credit ratings higher than the U.S. (Investor's Business Daily via inkl, May 2025)", "https://www.inkl.com/glance/news/2-companies-now-have-credit-ratings-higher-than-the-u-s", "press"),
 "amd": ("Moody's upgrades Advanced Micro Devices to A3; outlook stable (Moody's, 2022-02-14)", "https://www.moodys.com/research/Moodys-upgrades-Advanced-Micro-Devices-to-A3-outlook-stable--PR_462008?cy=bra&lang=pt", "press"),
 "tsmc": ("TSMC Strengthens Credit Outlook Through AI Chip Leadership (wpnews, citing S&P, June 2026)", "https://wpnews.pro/news/tsmc-strengthens-credit-outlook-through-ai-chip-leadership.json", "press"),
 "sb_cds": ("SoftBank CDS widens, Rakuten narrows as credit views diverge (Bloomberg via Mint, 2025-11-27)", "https://www.livemint.com/companies/news/softbank-cds-widens-rakuten-narrows-as-credit-views-diverge/amp-11764226590076.html", "press"),
 "sb_sp": ("SoftBank's $65B OpenAI bet risks credit rating: Report (NewsBytes, 2026-03-03)", "https://www.newsbytesapp.com/news/business/softbanks-65b-openai-bet-risks-credit-rating-report/tldr", "press"),
 "sb_bonds": ("SoftBank's risky bet and dilemma: issuing high-interest debt of 8.25% to bet billions on OpenAI (GMT Eight, 2025-10-23)", "https://gmteight.com/content/detail/323260", "press"),
 "xai_reuters": ("Musk's xAI will increase yield offers for $5 billion in debt hike, sources say (Reuters via Vantage Feed, 2025-06-20)", "https://vantagefeed.com/musks-xai-will-increase-yield-offers-for-5-billion-in-debt-hike-sources-say", "press"),
 "xai_mint": ("Tesla investors and Musk's xAI (Bloomberg Opinion via Mint, 2025-07-16)", "https://www.livemint.com/opinion/online-views/tesla-investors-elon-musk-xai-grok-solarcity-artificial-intelligence-spacex-robotaxis-delaware-bloomberg-linda-yaccarino/amp-11752591982977.html", "press"),
 "openai_rcf": ("Microsoft-Backed OpenAI Boosts Liquidity to $10B in $4B Credit Line (TipRanks, Oct 2024)", "https://fastly.tipranks.com/news/microsoft-backed-openai-boosts-liquidity-to-10b-in-4b-credit-line", "press"),
 "iren": ("IREN Secures $3.65B GPU Financing for Microsoft AI Deal (Stockti, 2026-06-01)", "https://stockti.com/iren-secures-3-65b-gpu-financing-for-microsoft-ai-deal", "press"),
 "iren_kr": ("IREN Completes $3.65 Billion 'Investment-Grade' GPU Financing (CBC Globe, 2026-06-02)", "https://cbcglobe.com/articles/2026/06/02/seohak-star-iren-completes-3-65-billion-investment-grade-gpu-10aec37d", "press"),
 "vantage": ("Record $38 Billion Deal Powers Oracle's AI Data Center Expansion (CoinCentral via MEXC, 2025-10-24)", "https://www.mexc.fm/news/140943", "press"),
 "vci": ("Apollo Global (APO) stock: finances $3.4B Nvidia chip deal for Elon Musk's xAI (Parameter, Feb 2026)", "https://parameter.io/apollo-global-apo-stock-finances-3-4b-nvidia-chip-deal-for-elon-musks-xai", "press"),
 "obdc_moodys": ("Moody's Elevates Blue Owl Capital's Credit Rating to Baa2 (Tradevae, 2026-01-22)", "https://mail.tradevae.com/news/stock-markets/moodys-elevates-blue-owl-capitals-credit-rating-to-baa2-citing-robust-management-and-portfolio-quality", "press"),
 "obdc_sp": ("Blue Owl Capital Corp.'s Proposed $500 Million Senior Unsecured Notes Rated 'BBB-' (S&P Global Ratings abstract via Alacra, 2025-05-12)", "https://www.alacrastore.com/s-and-p-credit-research/Blue-Owl-Capital-Corp-s-Proposed-500-Million-Senior-Unsecured-Notes-Rated-BBB-3367558", "press"),
 "ads": ("Morningstar DBRS Upgrades Apollo Debt Solutions BDC's Long-Term Credit Ratings to BBB (DBRS, 2025-06-02)", "https://prod.dbrs.com/research/455470/morningstar-dbrs-upgrades-apollo-debt-solutions-bdcs-long-term-credit-ratings-to-bbb-from-bbb-low-and-revises-the-trend-to-stable-from-positive", "press"),
 "jpm": ("JPMorgan Chase's long-term deposit rating upgraded to Aa1 by Moody's (Investing.com, 2025-11-04)", "https://ng.investing.com/news/stock-market-news/jpmorgan-chases-longterm-deposit-rating-upgraded-to-aa1-by-moodys-93CH-2184881", "press"),
}
COLS = ["entity_id","instrument","value","rating","agency","outlook","maturity","seniority","as_of","source","source_type","source_quote","note"]
rows = []
DEFAULT_SENIORITY = {"cds_5y": "senior_unsecured", "bond_yield": "senior_unsecured", "bond_spread": "senior_unsecured",
                     "loan_spread": "senior_secured", "rating": ""}
def add(ent, inst, value, as_of, src, quote, note="", rating="", agency="", outlook="", maturity="", seniority=None):
    t, u, st = S[src]
    seniority = DEFAULT_SENIORITY[inst] if seniority is None else seniority
    rows.append(dict(entity_id=ent, instrument=inst, value=value, rating=rating, agency=agency, outlook=outlook,
                     maturity=maturity, seniority=seniority, as_of=as_of, source=f"{t} {u}", source_type=st, source_quote=quote, note=note))

# ---------------- Oracle
q_fwp25 = "Expected Ratings (Moody’s / S&P / Fitch):* | Baa2 (stable) / BBB (stable) / BBB (stable)"
for ag, rt in (("Moody's","Baa2"),("S&P","BBB"),("Fitch","BBB")):
    add("oracle","rating","", "2025-01-30","fwp_orcl_2025", q_fwp25, rating=rt, agency=ag, outlook="stable",
        note="expected issue ratings on the notes in the 2025-01-30 pricing term sheet (senior unsecured = issuer level); table cell separators kept as rendered")
add("oracle","bond_spread","76","2025-01-30","fwp_orcl_2025","Coupon: | Compounded SOFR, plus 0.760% per year",
    maturity="2028-08-03", note="floating-rate notes due 2028: margin over compounded SOFR at issue, 0.760% = 76 bp; priced at 100.000")
add("oracle","rating","","2025-07-02","sp_orcl",
    "Investing.com -- S&P Global Ratings revised its outlook on Oracle Corp (NYSE:ORCL). to negative from stable on Wednesday, while affirming the company’s ’BBB’ long-term issuer credit rating.",
    rating="BBB", agency="S&P", outlook="negative",
    note="date inferred: the article dates the action 'on Wednesday' after Oracle's 2025-06-30 contract announcement, i.e. 2025-07-02; article itself undated in the stored copy")
add("oracle","rating","","2025-09-17","moodys_orcl",
    "The issuer rating remains Baa2 after a July outlook cut to negative, while reports question OpenAI’s capacity to fund a reported $300 billion deal and investors debate backlog quality as the stock gains about 81% this year.",
    rating="Baa2", agency="Moody's", outlook="negative",
    note="as_of = date of the Moody's comment (Wednesday 2025-09-17, per Finviz: 'On September 17, Moody’s Ratings flagged significant counterparty risk'); outlook cut to negative in July 2025")
add("oracle","cds_5y","105","2025-11-18","saba",
    "CDS five-year spreads for Oracle reached 105 basis points last week, while Google and Amazon traded around 38 bps and Microsoft traded around 34 bps, according to the report, citing S&P Global data.",
    maturity="5", note="Oracle level is 'last week' (week of 2025-11-10); as_of is the date of the Reuters exclusive on Saba (reported 2025-11-18, ts2.tech); S&P Global data")
add("oracle","cds_5y","119","2025-11-24","indiatips",
    "The price of five-year credit default swaps on the company’s debt, which increases as worries grow, rose to about 1.19 percentage point a year early Monday, according to ICE Data Services.",
    maturity="5", note="1.19 percentage point converted to 119 bp; Monday 2025-11-24 (URL date); ICE Data Services")
add("oracle","cds_5y","125","2025-11-25","dnyuz",
    "The cost of insuring Oracle Corp.’s debt against default over the next five years rose to 1.25 percentage point a year on Tuesday, according to ICE Data Services.",
    maturity="5", note="1.25 pp = 125 bp; 'Tuesday' before the Morgan Stanley note of Wednesday 2025-11-26; MS warned it could pass 150 bp and approach 200 bp in 2026 (record 198 bp in 2008)")
add("oracle","cds_5y","128","2025-12-02","crypto16",
    "The cost to protect Oracle against default climbed to about 1.28 percentage points per year, the highest since March 2009, based on end‑of‑day credit derivative pricing from ICE Data Services.",
    maturity="5", note="1.28 pp = 128 bp; 'Tuesday' close, story published 2025-12-03; same story: 'more than tripled from 0.36 percentage point in June' (2025)")
add("oracle","cds_5y","112","2025-12-10","pepper",
    "Oracle’s credit default swaps (CDS) widened 4bp to 112bp, implying a 10% cumulative probability of a credit event over the next five years.",
    maturity="5", note="post-results reading on 2025-12-10 (Q2 FY26 results released after the close that day); lower than the ~127 bp prior close implied by the S&P Global MI figure of 2025-12-11 (data-provider difference)")
add("oracle","cds_5y","139","2025-12-11","reuters1211",
    "The company's five-year credit default swaps, a derivative that pays bondholders in the event an issuer defaults, rose by nearly 12 basis points on the day to 139 bps, according to S&P Global Market Intelligence.",
    maturity="5", note="'on the day' (another Reuters version says 'intraday'); S&P Global Market Intelligence; highest since at least Sept 2020 per LSEG")
add("oracle","cds_5y","124","2025-12-11","bondblox124",
    "As per Bloomberg, its 5Y CDS spread widened to ~124bp, nearing levels seen earlier this month when the indicator hit its highest level since the global financial crisis.",
    maturity="5", note="market date inferred: 'rose yesterday after the company reported' Q2 FY26 (results 2025-12-10), i.e. 2025-12-11; Bloomberg data; differs from S&P GMI 139 bp the same day")
add("oracle","bond_yield","0.064","2025-12-11","bondblox124","Its 4.125% 2045s traded stable at 75.1, yielding 6.4%.",
    maturity="2045", note="6.4% converted to 0.064; 4.125% notes due 2045 at a price of 75.1; market date inferred as in the CDS row from the same article; maturity year only")
add("oracle","cds_5y","151.3","2025-12-12","longport",
    "Additionally, according to ICE Data Services, the cost to protect Oracle's debt from default rose by as much as 14.4 basis points to 151.3 basis points last Friday, the highest level since 2009.",
    maturity="5", note="'last Friday' relative to the 2025-12-15 report = 2025-12-12; intraday high, ICE Data Services")
q_2035 = "According to Trace, the 5.2% coupon bonds maturing in 2035 saw their yield spread over U.S. Treasuries of the same maturity widen by 17 basis points to 1.71%, with the yield rising to 5.9%, higher than the average yield of 5.69% for the highest-rated basket of junk bonds (non-investment grade), despite the latter having a shorter duration."
add("oracle","bond_spread","171","2025-12-12",  "longport", q_2035, maturity="2035",
    note="1.71% converted to 171 bp over matched Treasuries (Trace); 5.2% notes due 2035 sold in Sept 2025; Friday 2025-12-12 per the Bloomberg story; maturity year only")
add("oracle","bond_yield","0.059","2025-12-12","longport", q_2035, maturity="2035",
    note="5.9% converted to 0.059; same bond and date as the spread row")
add("oracle","bond_spread","105","2025-09-24","longport",
    "The premium on these bonds at issuance was 1.05% over U.S. Treasuries of the same maturity.",
    maturity="2035", note="new-issue spread of the 5.2% 2035 notes in the USD 18 bn Sept 2025 deal (priced 2025-09-24 per Benzinga); 1.05% = 105 bp")
q_ifr = "The detailed financing plan marks a shift for the Baa2/BBB/BBB rated Oracle, co-founded by billionaire Larry Ellison; the company's past reticence regarding financial policies has made bondholders somewhat wary of the credit."
add("oracle","rating","","2026-02-02","ifr_orcl", q_ifr, rating="Baa2", agency="Moody's", note="order Moody's/S&P/Fitch by convention; outlook not stated (Moody's 'affirmed Baa2' per TheBiggish)")
add("oracle","rating","","2026-02-02","ifr_orcl", q_ifr, rating="BBB", agency="S&P", note="order Moody's/S&P/Fitch by convention; outlook not stated in this source")
add("oracle","rating","","2026-02-02","fitch_orcl",
    "Fitch has affirmed Oracle's Long- and Short-Term Issuer Default Ratings (IDRs) at 'BBB' and 'F2', respectively. The Rating Outlook is Stable.",
    rating="BBB", agency="Fitch", outlook="stable", note="Dow Jones item dated 02-02 (2026), on the USD 25 bn bond deal")
add("oracle","bond_spread","111","2026-02-02","fwp_orcl_2026","Coupon: Compounded SOFR, plus 1.11% per year",
    maturity="2029-02-04", note="floating-rate notes due 2029 in the USD 25 bn Feb 2026 deal: margin over compounded SOFR at issue, 1.11% = 111 bp (vs 76 bp on the Jan 2025 FRN); fixed tranches 4.550% 2029 to 6.850% 2066 (coupons, not yields)")
# ---------------- hyperscalers
add("meta","cds_5y","45","2025-10-30","bt_meta",
    "One list of prices from a dealer that Bloomberg reviewed had the cost of protecting Meta’s debt against default for five years at a mid-point of about 0.45 percentage point annually, or around US$45,000 a year for every US$10 million of principal protected.",
    maturity="5", note="0.45 pp = 45 bp; first active trading of Meta CDS on Thursday 2025-10-30 (day of the USD 30 bn bond sale); dealer mid-quote")
q_ifrm = "Citigroup and Morgan Stanley are active bookrunners on the Aa3/AA– rated deal, which, according to CreditSights, could total over US$25bn."
add("meta","rating","","2025-10-30","ifr_meta", q_ifrm, rating="Aa3", agency="Moody's", note="issue rating of the Oct 2025 senior notes")
add("meta","rating","","2025-10-30","ifr_meta", q_ifrm, rating="AA-", agency="S&P", note="issue rating of the Oct 2025 senior notes ('AA–' in source)")
add("meta","bond_spread","140","2025-10-30","particle_meta",
    "The longest-dated bonds were offered at about 1.4 percentage points over comparable U.S. Treasuries, with Citigroup and Morgan Stanley leading the deal.",
    maturity="2065", note="40-year tranche (5.750% notes due 2065 per the 8-K); 1.4 pp = 140 bp; marketing level ('offered at'), final print may differ")
add("hyperion_spv","bond_yield","0.0658","2025-10-21","hyperion_wsj",
    "But the debt yielded 6.58% at issue, a level more common in junk bonds",
    maturity="2049", seniority="senior_secured", note="Beignet Investor LLC 144A notes due 2049 (year per several reports), yield at issue; deal priced the week before the 2025-10-21 WSJ story; notes traded above 110 cents by 2025-10-20/22 (The Real Deal: 'jumped above 110 cents on the dollar'); 6.58% converted to 0.0658")
add("hyperion_spv","rating","","2025-10-21","hyperion_wsj",
    "The credit-ratings firm gave the bonds an A+,recognizing Meta's role in backing for the project.",
    rating="A+", agency="S&P", note="issue rating of the Hyperion bonds (S&P)")
q_saba = "CDS five-year spreads for Oracle reached 105 basis points last week, while Google and Amazon traded around 38 bps and Microsoft traded around 34 bps, according to the report, citing S&P Global data."
add("alphabet","cds_5y","38","2025-11-18","saba", q_saba, maturity="5", note="'around 38 bps'; S&P Global data cited by Reuters (exclusive on Saba, reported 2025-11-18)")
add("amazon","cds_5y","38","2025-11-18","saba", q_saba, maturity="5", note="'around 38 bps'; S&P Global data cited by Reuters (exclusive on Saba, reported 2025-11-18)")
add("microsoft","cds_5y","34","2025-11-18","saba", q_saba, maturity="5", note="'around 34 bps'; S&P Global data cited by Reuters (exclusive on Saba, reported 2025-11-18)")
add("alphabet","bond_spread","107","2025-11-03","thestar_googl",
    "The longest portion of the sale yields 1.07 percentage points more than Treasuries, said the source.",
    note="50-year tranche of the USD 17.5 bn US bond sale (three to 50 years); 1.07 pp = 107 bp at issue; pricing date inferred as Monday 2025-11-03 (story of 2025-11-05); maturity date not stated")
add("alphabet","bond_spread","27","2026-02-09","tp_googl",
    "The three-year bonds were reportedly priced at just 0.27% over US Treasuries, underscoring robust demand for Alphabet’s near-term paper.",
    maturity="2029", note="3-year tranche of the USD 20 bn sale of Monday 2026-02-09; 0.27% = 27 bp; maturity year = 2026+3, exact date not stated")
add("alphabet","bond_spread","95","2026-02-09","tp_googl",
    "Initial expectations were that this portion of the debt would price at 1.2% above comparable US Treasuries, but projections now suggest the spread will narrow to about 0.95%.",
    maturity="2066", note="40-year tranche due 2066; expected final spread 0.95% = 95 bp (initial talk 120 bp), not a confirmed print")
q_amzn_y = "Yield to Maturity: 2028 Notes: 3.908% 2030 Notes: 4.124% 2033 Notes: 4.375% 2035 Notes: 4.681% 2055 Notes: 5.483%"
add("amazon","bond_yield","0.04124","2025-11-17","fwp_amzn", q_amzn_y, maturity="2030-11-20", note="yield at issue, 4.100% notes due 2030; whitespace of the term sheet normalised; % converted to fraction")
add("amazon","bond_yield","0.04681","2025-11-17","fwp_amzn", q_amzn_y, maturity="2035-11-20", note="yield at issue, 4.650% notes due 2035; % converted to fraction")
add("amazon","bond_yield","0.05483","2025-11-17","fwp_amzn", q_amzn_y, maturity="2055-11-20", note="yield at issue, 5.450% notes due 2055; % converted to fraction")
q_amzn_r = "Ratings*: A1(+) by Moody’s Investor Service, Inc. AA by Standard & Poor’s Ratings Services AA- by Fitch Ratings Inc."
add("amazon","rating","","2025-11-17","fwp_amzn", q_amzn_r, rating="A1", agency="Moody's", note="printed as 'A1(+)' in the term sheet (the '(+)' is not explained in the excerpt; possibly a positive outlook), so outlook left empty; whitespace normalised")
add("amazon","rating","","2025-11-17","fwp_amzn", q_amzn_r, rating="AA", agency="S&P")
add("amazon","rating","","2025-11-17","fwp_amzn", q_amzn_r, rating="AA-", agency="Fitch")
add("amazon","bond_spread","85","2025-11-17","amzn_40y",
    "The 40-year bond spread tightened to about 0.85 percentage points above Treasuries from an initial 1.15 points.",
    maturity="2065-11-20", note="5.550% notes due 2065 at issue; 0.85 pp = 85 bp")
add("microsoft","rating","","2025-05-16","msft_aaa",
    "Two S&P 500 companies — Johnson & Johnson and Microsoft — are rated AAA by S&P Global Ratings.",
    rating="AAA", agency="S&P", note="article written the month Moody's cut the US (2025-05-16); exact publication day not shown, as_of set to that date")
# ---------------- chips
add("amd","rating","","2022-02-14","amd",
    "New York, February 14, 2022 -- Moody's Investors Service (\"Moody's\") upgraded the senior unsecured rating of Advanced Micro Devices, Inc.'s (\"AMD\") to A3 from Baa1 following final regulatory approval of the all-equity funded acquisition of Xilinx, Inc. (\"Xilinx\") currently rated A3 stable.",
    rating="A3", agency="Moody's", outlook="stable", note="latest AMD action found; stale (2022), no 2025-26 quote found")
add("tsmc","rating","","2026-06-23","tsmc",
    "S&P Global Ratings revised its outlook on TSMC's AA- long-term issuer credit rating to Positive on June 23, citing stronger leadership in advanced high-performance computing chips.",
    rating="AA-", agency="S&P", outlook="positive", note="June 23, 2026 per the same article ('on June 23, 2026')")
# ---------------- CoreWeave
q_cw = "Credit default swap spreads on CoreWeave’s five-year debt have jumped from 368.395 on October 6 to 642.965 by Friday’s close, according to Bloomberg data."
add("coreweave","cds_5y","368.395","2025-10-06","crwv_cds", q_cw, maturity="5", note="Bloomberg data; 2025")
add("coreweave","cds_5y","642.965","2025-12-05","crwv_cds", q_cw, maturity="5", note="'Friday's close' before the Monday 2025-12-08 convertible announcement = 2025-12-05 (confirmed by Sing Tao 2025-12-10: 上周五); Bloomberg data")
add("coreweave","cds_5y","452","2026-06-09","lds",
    "Credit-default-swap spreads tied to CoreWeave fell to about 4.52 percentage points earlier this month from a 8.81 peak in December 2025, a 49% decline, per The Next Web.",
    maturity="5", note="4.52 pp = 452 bp, 'earlier this month' (June 2026; exact day not stated; as_of = pricing date of the Applied Digital notes reported in the same article); same sentence gives a peak of 8.81 pp = 881 bp in December 2025 (day not stated, so no separate row)")
add("coreweave","rating","","2025-05-19","fitch_crwv",
    "Fitch Ratings has assigned a first-time Long-Term Issuer Default Rating (IDR) of 'BB-' to CoreWeave, Inc. The Rating Outlook is Positive.",
    rating="BB-", agency="Fitch", outlook="positive", note="Fitch release dated Chicago, May 19 (2025)")
add("coreweave","rating","","2025-05-19","moodys_crwv",
    "Investing.com -- Moody’s Ratings has assigned a Ba3 corporate family rating (CFR) and a Ba3-PD probability of default rating (PDR) to CoreWeave, Inc., a leading provider of cloud infrastructure specialized in AI workloads.",
    rating="Ba3", agency="Moody's", outlook="stable", note="CFR; the USD 1.5 bn 2030 notes rated B1; assigned with the May 2025 notes offering (same day as Fitch's first rating); source undated, date inferred")
add("coreweave","rating","","2026-02-20","sp_crwv",
    "Despite its rapid expansion and strategic backing from Nvidia (NVDA), CoreWeave carries a B+ “junk” rating from S&P Global.",
    rating="B+", agency="S&P", note="Investing.com story of Fri 2026-02-20 (US time; stamped Sat 2026-02-21 GMT+9); outlook not stated")
add("coreweave","loan_spread","600","2025-03-27","9fin",
    "Debt drawn to fund the infrastructure to fulfil “specified investment grade” customer contracts (probably blue chip clients like Microsoft) will pay 600bps over SOFR.",
    note="DDTL 2.0 (per the IPO registration statement): 600 bp for specified IG contracts, 650 bp for other IG customers, 1,300 bp for sub-IG; newsletter of Thursday 27 March 2025")
add("coreweave","loan_spread","225","2026-03-31","ddtl",
    "DDTL 4.0 priced at SOFR + 2.25% on the floating tranche, with a fixed tranche at approximately 5.9%.",
    maturity="2032-03", note="USD 8.5 bn DDTL 4.0 closed 2026-03-31 via CoreWeave Compute Acquisition Co. VIII (SPV), secured on one IG customer contract; facility rated A3 (Moody's) / A(low) (DBRS); matures March 2032 (day not stated)")
add("coreweave","loan_spread","450","2026-05-18","ddtl","DDTL 5.0 priced at SOFR + 4.50%.",
    note="USD 3.1 bn DDTL 5.0 closed 2026-05-18 via CoreWeave Financing DDTL V (SPV), backed by two non-IG customer contracts; facility rated Ba2 (Moody's) / BB+ (Fitch); ~5.5-year maturity")
# ---------------- SoftBank
q_sb = "The company, which has been unwinding positions to pay for a plethora of AI projects, from Stargate data centers with OpenAI and Oracle Corp. to robot manufacturing sites in the US, saw its five-year CDS rise to about 302 basis points on Thursday, up from around 280 basis points the previous day, according to data compiled by Bloomberg."
add("softbank","cds_5y","280","2025-11-26","sb_cds", q_sb, maturity="5", note="'the previous day' before Thursday 2025-11-27")
add("softbank","cds_5y","302","2025-11-27","sb_cds", q_sb, maturity="5", note="Thursday 2025-11-27; highest since April 2025")
q_sbb = "Specifically, SoftBank has set a yield of 8.25% for the bonds due in 2065, with a first reset date in 2035; while at the same time, the yield for senior bonds due in 2035 is only 6.8%, highlighting the cost pressure of hybrid bonds."
add("softbank","bond_yield","0.068","2025-10-23","sb_bonds", q_sbb, maturity="2035", note="senior USD bond due 2035, secondary yield; 6.8% converted to 0.068; maturity year only")
add("softbank","bond_yield","0.0825","2025-10-23","sb_bonds", q_sbb, maturity="2065", seniority="subordinated", note="hybrid (subordinated, deferrable) USD notes due 2065, first reset 2035; yield set at pricing; 8.25% converted")
add("softbank","rating","","2026-03-03","sb_sp",
    "S&P Global just shifted SoftBank's credit outlook to negative (though kept its BB+ rating) after the Japanese tech giant poured another $30 billion into OpenAI.",
    rating="BB+", agency="S&P", outlook="negative", note="as_of = report date 2026-03-03 (action 'this week')")
# ---------------- xAI
q_x = "Xai offers to pay a 12.5% yield on $3 billion in bonds, said a source who called for anonymity to disclose private information."
add("xai","bond_yield","0.125","2025-06-20","xai_reuters", q_x, maturity="2030", seniority="senior_secured", note="secured notes due 2030 (maturity year per Bloomberg Opinion), yield at issue raised from 12%; also a USD 1 bn fixed term loan at 12.5%")
add("xai","loan_spread","725","2025-06-20","xai_reuters",
    "Xai also offers a fixed yield of 12.5% on a $1 billion term loan and is setting it up to price a $1 billion term loan B at 725 basis points over the safe overnight funding rate known as SOFR.",
    note="term loan B at 725 bp over SOFR, issued at 96 cents (source: 'priced at a discount of 96 cents in dollars')")
q_xm = "We do know, however, that it issued $3 billion of secured debt, maturing in 2030, at the end of June with a coupon of 12.5%, currently yielding just over 12%."
add("xai","bond_yield","0.12","2025-07-16","xai_mint", q_xm, maturity="2030", seniority="senior_secured", note="'just over 12%' recorded as 0.12 (lower bound); Bloomberg Opinion column of 2025-07-16")
add("xai","bond_spread","800","2025-07-16","xai_mint",
    "The rough 8 percentage points spread over Treasuries is in the same ballpark as triple-C rated bonds.",
    maturity="2030", seniority="senior_secured", note="'rough 8 percentage points' = ~800 bp; same notes; on 2026-03-02 the notes traded at ~117 cents as xAI (now part of SpaceX) planned early redemption (Reuters/Bloomberg)")
# ---------------- OpenAI
add("openai","loan_spread","100","2024-10-03","openai_rcf",
    "To clarify the terms, OpenAI’s interest rate is pegged to the Secured Overnight Financing Rate (SOFR) plus 100 basis points.",
    maturity="3", seniority="senior_unsecured", note="USD 4 bn unsecured revolver (+2 bn accordion), 3-year availability (maturity in years); announced the day after the 2024-10-02 funding round closed (date inferred); only OpenAI credit quote found; reported undrawn in late 2025")
# ---------------- IREN
add("iren","bond_yield","0.0596","2026-05-29","iren",
    "It comprises a roughly $1.5 billion delayed-draw term loan—available to be drawn over time—and $2.1 billion in 5.96% senior notes due December 31, 2031.",
    maturity="2031-12-31", seniority="senior_secured", note="issuer IE US Hardware 3 LLC (IREN subsidiary), US private placement secured by GPUs and Microsoft contract cash flows; 5.96% is the coupon (private placement, price not stated); closed 2026-05-29; facility rated A (Fitch) / A(low) (DBRS)")
add("iren","loan_spread","225","2026-05-29","iren",
    "Borrowings under the loan carry an interest rate of term SOFR plus 2.25%, with SOFR serving as a short-term dollar benchmark.",
    maturity="2031-12-31", note="USD 1.5-1.55 bn delayed-draw term loan, same SPV; 2.25% = 225 bp")
add("iren","bond_spread","213","2026-05-29","iren_kr",
    "Looking at the interest rate terms, the $2.1 billion private placement was financed at a fixed rate of Secured Overnight Financing Rate (SOFR) + 2.13%, while a floating interest rate of SOFR + 2.25% was applied to the $1.55 billion DDTL.",
    maturity="2031-12-31", seniority="senior_secured", note="fixed-rate notes quoted as SOFR-swap equivalent + 2.13% = 213 bp; company says blended cost ~6.0%")
# ---------------- SPVs
add("vantage_stargate_spv","loan_spread","250","2025-10-24","vantage",
    "The four-year loans will price about 2.5 percentage points above benchmark rates, with two one-year extension options available",
    maturity="4", note="USD 38 bn (23.25 bn Texas + 14.75 bn Wisconsin) senior secured construction loans led by JPMorgan/MUFG for Vantage sites leased to Oracle; 2.5 pp = 250 bp over SOFR; maturity in years (4 + 1 + 1)")
add("colossus2_spv","bond_yield","0.095","2026-02-09","vci",
    "The loan is expected to carry a 9.5% interest rate.", seniority="senior_secured",
    note="Apollo ~USD 3.4 bn loan to the Valor-arranged vehicle that buys Nvidia chips and leases them to xAI (reported by The Information/Reuters 2026-02-09); fixed loan rate recorded as a yield because the instrument list has no fixed-rate loan kind; 9.5% converted")
# Applied Digital (APLD, not an entity of the network; campus leased to CoreWeave): 7.000 % senior secured
# notes due 2031 priced to yield 7 % on 2026-06-09 (source "lds"). Not written: the loader accepts only
# borrowers of entities.csv; the quote is listed in data/credit_quotes.md as a quote outside the network.
# ---------------- lenders
add("blue_owl","rating","","2026-01-22","obdc_moodys",
    "Moody’s has upgraded Blue Owl Capital Corporation’s long-term issuer and senior unsecured debt rating to Baa2 from Baa3, adjusting the outlook to stable.",
    rating="Baa2", agency="Moody's", outlook="stable", note="Blue Owl Capital Corporation (OBDC), a Blue Owl-managed BDC, not the listed manager")
add("blue_owl","rating","","2025-05-12","obdc_sp",
    "NEW YORK (S&P Global Ratings) May 12, 2025--S&P Global Ratings today assigned its 'BBB-' debt rating to Blue Owl Capital Corp.'s (OBDC) proposed $500 million senior unsecured notes due 2030.",
    rating="BBB-", agency="S&P", note="issue rating on OBDC senior unsecured notes due 2030")
add("apollo","rating","","2025-06-02","ads",
    "DBRS, Inc. (Morningstar DBRS) upgraded the Long-Term Issuer Rating and the Long-Term Senior Debt credit rating of Apollo Debt Solutions BDC. (ADS or the Company) to BBB from BBB (low).",
    rating="BBB", agency="Morningstar DBRS", outlook="stable", note="Apollo Debt Solutions BDC (an Apollo-managed credit fund); trend revised to Stable")
add("jpmorgan","rating","","2025-11-03","jpm",
    "JPMorgan Chase & Co.’s (NYSE:JPM) senior unsecured debt rating was affirmed at A1.",
    rating="A1", agency="Moody's", outlook="stable", note="holding-company senior unsecured; the bank's deposit rating upgraded to Aa1; Moody's announcement of Monday 2025-11-03 (article 04/11/2025)")

with open(os.path.join(OUT,"credit_quotes.csv"),"w",newline="",encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=COLS); w.writeheader(); w.writerows(rows)
print(len(rows), "credit rows")

"""Builds data/loss_estimates.csv: published estimates of losses in an AI credit bust or a
private-credit downturn, each with the sentence of its source that states it (schema: data/SCHEMA.md;
sources: data/credit_quotes.md)."""
import csv, os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
COLS=["estimate_id","lender_kind","low_usd_bn","high_usd_bn","default_rate","loss_given_default","market_size_usd_bn","scenario","as_of","source","source_type","source_quote","note"]
rows=[]
def add(**k):
    r={c:"" for c in COLS}; r.update(k); rows.append(r)
GOP=("Gita Gopinath, 'The crash that could torch $35trn of wealth', The Economist guest essay, 2025-10-15 (text as reproduced by kendallharmon.net)","https://kendallharmon.net/?p=140524")
add(estimate_id="gopinath_2025_us_households", lender_kind="equity_holders", low_usd_bn="20000",
    scenario="US equity correction of the same magnitude as the dotcom crash; losses to American households' stock wealth",
    as_of="2025-10-15", source=f"{GOP[0]} {GOP[1]}", source_type="press",
    source_quote="To put the potential impact in perspective, I calculate that a market correction of the same magnitude as the dotcom crash could wipe out over $20trn in wealth for American households, equivalent to roughly 70% of American GDP in 2024.",
    note="'over $20trn' = lower bound, USD 20,000 bn; high left empty; same essay: consumption growth cut by 3.5 pp, ~2 pp off GDP growth")
add(estimate_id="gopinath_2025_foreign_investors", lender_kind="equity_holders", low_usd_bn="15000",
    scenario="same dotcom-sized US equity correction; losses to foreign holders of US equities",
    as_of="2025-10-15", source="Gita Gopinath warns of $15 trillion global loss amid record foreign exposure to US (Finviz/Benzinga, quoting the 2025-10-15 Economist essay) https://finviz.com/news/296830/gita-gopinath-warns-of-15-trillion-global-loss-amid-record-foreign-exposure-to-us-twice-as-high-than-dot-com-era",
    source_type="press",
    source_quote="The international fallout would be equally severe, with Gopinath writing that “foreign investors could face wealth losses exceeding $15trn, or about 20% of the rest of the world's GDP.”",
    note="'exceeding $15trn' = lower bound, USD 15,000 bn; with the US households row sums to the headline ~USD 35 trn")
add(estimate_id="hyperscalers_feb2026_mcap_drop", lender_kind="equity_holders", low_usd_bn="1000",
    scenario="realised: market-value decline of Microsoft, Amazon, Meta and Alphabet after the Q4-2025 results and higher 2026 capex guidance (MSFT -27% from high, AMZN -21%, META -16%, GOOGL -11%)",
    as_of="2026-02-15", source="After the earnings report, the market value of the four major cloud providers in the U.S. evaporated by $1 trillion (Longbridge, 2026-02-15) https://longbridge.com/en/news/275993157/llms.txt",
    source_type="press",
    source_quote="After the latest round of earnings reports, the combined market value of the four major U.S. cloud giants has declined by over $1 trillion, as investors worry about uncontrolled investment in AI infrastructure, cash flow pressure, and rising debt, which are simultaneously depressing stock prices and increasing demand for credit hedging.",
    note="observed mark-to-market, not a forecast; 'over $1 trillion' = lower bound; bold markers of the source dropped")
add(estimate_id="oracle_sep2025_bonds_paper_loss", lender_kind="bondholders", low_usd_bn="1.35", high_usd_bn="1.35", market_size_usd_bn="18",
    scenario="realised: mark-to-market loss on Oracle's USD 18 bn Sept 2025 IG bonds after the Dec 2025 selloff (5.2% 2035s at +171 bp, 5.9% yield)",
    as_of="2025-12-15", source="Oracle's newly issued investment-grade bonds have a higher yield than the highest-rated junk bonds (AASTOCKS/Bloomberg via Longbridge, 2025-12-15) https://longportapp.com/news/269655901",
    source_type="press",
    source_quote="The report indicated that investors who purchased $18 billion of high-rated bonds issued by Oracle in September of this year currently face a total paper loss of approximately $1.35 billion",
    note="observed paper loss, ~7.5% of face; single value in both columns")
U1="Private Credit Defaults Would Hit 13% in UBS Worst Case for AI (Bloomberg via Swissinfo, 2026-02-02) https://www.swissinfo.ch/eng/private-credit-defaults-would-hit-13%25-in-ubs-worst-case-for-ai/90876717"
q13="Private credit could see default rates surge to as high as 13% in the US if artificial intelligence triggers an “aggressive” disruption among corporate borrowers, according to UBS Group AG."
add(estimate_id="ubs_2026feb_pc_aggressive_ai", lender_kind="private_credit", default_rate="0.13", market_size_usd_bn="1700",
    scenario="UBS 'aggressive' AI-disruption scenario for US corporate borrowers (worst case, not base case)", as_of="2026-02-02",
    source=U1, source_type="press", source_quote=q13,
    note="13% converted to 0.13; market size from the same article ('as much as 35% of the $1.7 trillion private credit market is exposed to the risks of AI disruption'); no LGD given")
q84="The asset class is more exposed to AI risk than the markets for leveraged loans and high-yield bonds, which could see default rates rise to as high as 8% and 4%, respectively, in an aggressive disruption scenario, UBS strategists including Sachin Ganesh wrote in a note Monday."
add(estimate_id="ubs_2026feb_lev_loans_aggressive_ai", lender_kind="leveraged_loan_investors", default_rate="0.08",
    scenario="same UBS aggressive AI-disruption scenario; US leveraged loans (held by CLOs, loan funds, banks)", as_of="2026-02-02",
    source=U1, source_type="press", source_quote=q84, note="8% converted; lender kind outside the brief's list: leveraged-loan holders")
add(estimate_id="ubs_2026feb_hy_aggressive_ai", lender_kind="bondholders", default_rate="0.04",
    scenario="same UBS aggressive AI-disruption scenario; US high-yield bonds", as_of="2026-02-02",
    source=U1, source_type="press", source_quote=q84, note="4% converted; high-yield bondholders")
add(estimate_id="ubs_2026feb24_pc_worst_case", lender_kind="private_credit", default_rate="0.15",
    scenario="UBS revised worst case: 'rapid, severe AI disruption' (published Tuesday 2026-02-24)", as_of="2026-02-24",
    source="UBS Now Sees Private Credit Defaults Reaching 15% in Worst Case (Bloomberg via Swissinfo, 2026-02-24) https://www.swissinfo.ch/eng/ubs-now-sees-private-credit-defaults-reaching-15%25-in-worst-case/90993240",
    source_type="press",
    source_quote="Strategists including Matthew Mish now say private credit could see default rates surge as high as 15%, two percentage points more than a forecast the firm published less than a month ago.",
    note="15% converted; same article: leveraged loans and high-yield 'up to 6% and 10%' (from '4% and 8%'), the order of the pairing is ambiguous against the 2 Feb note (LL 8%, HY 4%), so not split into rows; current PC defaults 'reportedly between 3% and 5%'")
add(estimate_id="ubs_2026feb_baseline_new_defaults", lender_kind="private_credit", low_usd_bn="75", high_usd_bn="120", market_size_usd_bn="3500",
    scenario="UBS baseline: AI-driven defaults across US leveraged loans and private credit by end-2026 (tail scenario could double default rates)", as_of="2026-02-13",
    source="UBS Warns of $75B+ in Corporate Loan Defaults Due to AI Disruption (National Today, 2026-02-13) https://nationaltoday.com/us/ny/new-york/news/2026/02/13/ubs-warns-of-75b-in-corporate-loan-defaults-due-to-ai-disruption",
    source_type="press",
    source_quote="According to UBS analyst Matthew Mish, the rapid development of artificial intelligence is poised to trigger a wave of corporate loan defaults, with estimates ranging from $75 billion to $120 billion by the end of the year.",
    note="amount of NEW DEFAULTS (defaulted principal), not losses after recovery; covers leveraged loans + private credit together; market size USD 3.5 trn (1.5 trn leveraged loans + 2 trn private credit) from the CNBC interview as reported by Thairath")
add(estimate_id="ubs_2026feb_baseline_pc_rate", lender_kind="private_credit", default_rate="0.04", market_size_usd_bn="2000",
    scenario="UBS baseline (Mish, CNBC): default rates by end-2026; leveraged loans up to 2.5%", as_of="2026-02-13",
    source="UBS warns AI transition could hit USD 3.5 trillion credit market (Thairath English, Feb 2026) https://en.thairath.co.th/money/tech_innovation/tech_companies/2914656",
    source_type="press",
    source_quote="Mish's baseline scenario assumes that default rates in the $1.5 trillion leveraged loan market could rise up to 2.5%, while the $2 trillion private credit market could see defaults increase up to 4% by the end of 2026.",
    note="4% converted; article undated in the stored copy, as_of set to the 2026-02-13 reports of the same CNBC interview; leveraged loans 0.025 on USD 1,500 bn in the same sentence")
add(estimate_id="bofa_2025dec_pc_2026", lender_kind="private_credit", default_rate="0.045",
    scenario="BofA Global Research base case for 2026 with Fed rate cuts (5% in 2025)", as_of="2025-12-09",
    source="Private credit defaults set to edge lower next year, BofA says (Reuters, 2025-12-09, via localnewswave) https://www.localnewswave.com/article/1050892235091308544",
    source_type="press",
    source_quote="The brokerage expects default rates to ease to 4.5% in 2026 from 5% this year as the U.S. Federal Reserve cuts rates, offering a reprieve to an industry that has come under scrutiny following the bankruptcies of First Brands and Tricolor.",
    note="4.5% converted; a forecast, not a stress scenario")
add(estimate_id="fitch_2025_pmr_default_rate", lender_kind="private_credit", default_rate="0.092",
    scenario="observed: Fitch privately monitored ratings (302 middle-market private-credit borrowers), calendar 2025 (record; 8.1% in 2024)", as_of="2026-03-06",
    source="US private credit defaults hit record 9.2% in 2025, Fitch says (Reuters via Mint, 2026-03-06) https://www.livemint.com/market/us-private-credit-defaults-hit-record-9-2-in-2025-fitch-says/amp-11772822659068.html",
    source_type="press",
    source_quote="The default rate among U.S. corporate borrowers of private credit rose to a record 9.2% in 2025, according to a report Friday by credit rating agency Fitch Ratings.",
    note="observed default rate (incl. distressed exchanges), mainly small issuers; no software defaults recorded")
add(estimate_id="imf_2025oct_bank_nbfi_exposure", lender_kind="banks", market_size_usd_bn="4500",
    scenario="exposure only: US and European banks' exposures to hedge funds, private credit and other NBFIs (~9% of loan books)", as_of="2025-10-14",
    source="IMF GFSR October 2025 as summarised by KMI Consultants https://www.kmiconsultants.com/?p=1770",
    source_type="press",
    source_quote="In its latest Global Financial Stability Report, the IMF flagged that banks in the US and Europe have about $4.5 trillion in exposures to hedge funds, private credit groups, and other “nonbank financial institutions (NBFIs).”",
    note="NOT a loss estimate: exposure size for the bank channel; GFSR released 2025-10-14; IMF stress test: ~10% of US and ~30% of European banks would take a substantial capital hit if NBFIs drew all credit lines (NewsGhana)")
add(estimate_id="ms_2025_dc_private_credit_share", lender_kind="private_credit", market_size_usd_bn="800",
    scenario="sizing only: Morgan Stanley estimate of private-credit financing of the USD 2.9 trn 2025-28 data-centre build-out (USD 1.5 trn financing gap)", as_of="2026-01-16",
    source="Innovations in energy and finance are further inflating the AI bubble (Mint, 2026-01-16) https://www.livemint.com/global/innovations-in-energy-and-finance-are-further-inflating-the-ai-bubble/amp-11768527515379.html",
    source_type="press",
    source_quote="Morgan Stanley reckons that data-centre financing involving private-credit firms will reach $800bn in the five years to 2030—or about half the total amount it expects to be borrowed in the data-centre boom.",
    note="NOT a loss estimate; the original MS note (Jul-Aug 2025) splits the gap as USD 800 bn private credit, 350 bn PE/sovereign, 200 bn corporate debt, 150 bn ABS (aigazine summary)")
with open(os.path.join(OUT,"loss_estimates.csv"),"w",newline="",encoding="utf-8") as f:
    w=csv.DictWriter(f,fieldnames=COLS); w.writeheader(); w.writerows(rows)
print(len(rows),"loss rows")

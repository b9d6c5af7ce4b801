"""Contract type and binding shares of every commitment (issue 25, item 4; docs/model.md §2, §4).

Run from the repository root after the other steps of the pipeline (``make_v2.py``,
``add_source_quote.py``, ``apply_quotes.py``)::

    python data/build/contract_types.py            # rewrite data/links.csv
    python data/build/contract_types.py --check    # exit 1 if data/links.csv is not what this script writes
    python data/build/contract_types.py --data DIR # work on another copy of the tables

For each commitment (``kind=commitment``) :data:`CONTRACTS` gives the contract type read from the
public record and what binds the buyer by that type (``data/SCHEMA.md``): ``cloud_capacity``,
``lease``, ``firm_order`` and ``power_purchase`` bind in full (``take_or_pay`` 1, ``usage_share``
0) unless the source states a usage-based or cancellable part; a ``letter_of_intent`` binds nothing
(``take_or_pay`` 0, ``usage_share`` 1: it happens only if the buyer deploys); a ``revenue_share``
follows the buyer's revenue (``usage_share`` 1); an ``investment`` conditional on milestones is
usage-like (0 / 1). ``termination_fee_usd_bn`` is 0 throughout: no source discloses a fee, and a
contract that binds in full has no cancellable part for a fee to buy out (the v2 fee of 30 on
OpenAI-Oracle was an estimate with no source).

The script writes the column ``contract_type`` (before ``take_or_pay``; empty on debt, facility
and stake rows), the three numbers, and appends to ``note`` one sentence starting ``[contract
type]`` with the type, the reasoning and the document it rests on. Amounts, provenance
(``source``, ``source_quote``, ``estimated``…) and every other column are left as the earlier steps
wrote them: the type is a reading of the contract, not a new amount. A commitment missing from
:data:`CONTRACTS` (or an entry naming no commitment) stops the script, so a new contract cannot
slip in untyped. The script is idempotent: a second run changes nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
from stressgpu.data.schema import CONTRACT_TYPES, FULLY_BINDING_TYPES  # noqa: E402

MARK = "[contract type]"

# Documents the reasoning rests on (each listed in data/SOURCES.md).
ORCL_RPO = ("Oracle Q1 FY2026 results (2025-09-09): Safra Catz, 'We signed four multi-billion-dollar contracts with "
            "three different customers in Q1. This resulted in RPO contract backlog increasing 359% to $455 billion.' "
            "https://hothardware.com/news/oracle-stock-pops-historic-gain-cloud-demand")
ORCL_RPO_Q2 = ("Oracle Q2 FY2026 results (2025-12-10): 'Remaining Performance Obligations (RPO) increased by $68 billion in "
               "Q2—up 15% sequentially to $523 billion—highlighted by new commitments from Meta, NVIDIA, and others.' "
               "https://ceo-na.com/news/oracle-shares-decline-as-ai-investment-skyrockets")
AMD_8K = ("AMD Form 8-K 2025-10-06 (warrant to OpenAI): the first tranche vests after delivery of 1 gigawatt of MI450 "
          "GPUs and full vesting requires 6 gigawatts of purchases "
          "https://www.stocktitan.net/sec-filings/AMD/8-k-advanced-micro-devices-inc-reports-material-event-08f8c00c25e2.html ; "
          "AMD release 2025-10-06: 'The first tranche vests with the initial 1 gigawatt deployment, with additional tranches "
          "vesting as purchases scale up to 6 gigawatts.' https://www.nasdaq.com/articles/openai-deploy-6-gigawatts-amd-gpus")
AVGO_PO = ("CNBC 2025-10-13 (Broadcom's Charlie Kawwas on the 10 GW OpenAI collaboration): 'I would love to get a $10 billion "
           "[purchase order] from my good friend Greg,' ... 'He hasn't given me that purchase order yet.' "
           "http://vihochips.com/articles/Is-Broadcom-s-10-billion-dollars-mystery-client-someone-else ; first-phase "
           "financing (1.3 GW, ~18 bn) still negotiated, conditional on Microsoft buying ~40 % of the chips "
           "https://tradevae.com/news/stock-markets/broadcom-stock-drops-after-financing-hurdle-emerges-in-openai-chip-deal/")
CRWV_META = ("CoreWeave-Meta agreement 2025-09-30: 'a US$14.2 billion computing power agreement with Meta, running through "
             "December 2031 with options extending to 2032' https://azzet.com/news/coreweave-lands-us-14-2bn-meta-infrastructure-deal")

FULL = (1.0, 0.0, 0.0)
NONE = (0.0, 1.0, 0.0)
# link_id -> (contract_type, (take_or_pay, usage_share, termination_fee_usd_bn), reasoning with its source)
CONTRACTS = {
    "c_oai_orcl": ("cloud_capacity", FULL, "OCI capacity OpenAI contracted to purchase (the WSJ's 'contract ... to purchase "
                   "$300 billion in computing power'), counted in Oracle's remaining performance obligations; no usage-based "
                   "or cancellable part disclosed, so it binds in full (v2's 0.5/0.5 and fee 30 were unsourced estimates). "
                   + ORCL_RPO),
    "c_oai_msft": ("cloud_capacity", FULL, "Microsoft's 10-Q: OpenAI 'has contracted to purchase an incremental $250 billion "
                   "of Azure services'; a contracted purchase counted in Microsoft's commercial remaining performance "
                   "obligations, no usage-based part stated: binds in full (v2 had 0.6/0.4, unsourced)"),
    "c_oai_msft_revshare": ("revenue_share", NONE, "a share (~20 %) of OpenAI's revenue paid to Microsoft: usage-based by nature"),
    "c_oai_amzn": ("cloud_capacity", FULL, "the companies' 'seven-year, $38 billion partnership' for AWS capacity (GB200/GB300 "
                   "clusters reserved for OpenAI), AWS backlog; no usage-based part stated: binds in full (v2 0.5/0.5 unsourced)"),
    "c_oai_amzn_trn": ("cloud_capacity", FULL, "expansion of the AWS agreement by 100 over eight years with a commitment to 2 GW "
                       "of Trainium capacity (Amazon/OpenAI release 2026-02-27); contracted capacity: binds in full"),
    "c_oai_amd": ("letter_of_intent", NONE, "a definitive agreement, but purchases happen tranche by tranche as OpenAI deploys "
                  "(1 GW from H2 2026, up to 6 GW) and AMD's warrant vests only as purchases are made; AMD states 'tens of "
                  "billions' of revenue and no non-cancellable order: contingent on deployment, binds 0 until exercised. " + AMD_8K),
    "c_oai_avgo": ("letter_of_intent", NONE, "a collaboration to deploy up to 10 GW of OpenAI-designed accelerators (term sheet); "
                   "Broadcom said OpenAI had not placed the purchase order: non-binding, binds 0. " + AVGO_PO),
    "c_oai_crwv": ("cloud_capacity", FULL, "CoreWeave's contracts with OpenAI (March, May and September 2025; 22.4 in all) are "
                   "committed capacity in CoreWeave's remaining performance obligations; the September expansion is 'up to 6.5', "
                   "a ceiling the sources give no usage terms for: binds in full"),
    "c_oai_cerebras": ("cloud_capacity", FULL, "OpenAI's multi-year agreement for 750 MW of Cerebras inference capacity "
                       "(2026-01): reserved compute capacity, no usage terms disclosed: binds in full"),
    "c_amzn_oai_invest": ("investment", NONE, "Amazon's second tranche of its 50 bn investment, paid 'when certain conditions "
                          "are met' (AFP 2026-02-27): conditional, binds 0 until the conditions are met"),
    "c_orcl_nv": ("firm_order", FULL, "Oracle's GB200 purchases for the Abilene (Stargate) campus, ~40 bn (FT 2025-05-23), "
                  "delivered 2025-2027 as the campus is built; hardware ordered for a contracted build: binds in full"),
    "c_ms_nv": ("firm_order", FULL, "Microsoft's Nvidia systems for the next 18 months (annualised from Nvidia's customer "
                "concentration); GPU systems are ordered ahead of delivery in a supply-constrained market: binds in full"),
    "c_crwv_nv": ("firm_order", FULL, "CoreWeave's 2026 GPU purchases (order of magnitude), ordered to serve its contracted "
                  "backlog: binds in full"),
    "c_xai_nv": ("firm_order", FULL, "xAI's direct GPU orders for Colossus in 2026 (order of magnitude): binds in full"),
    "c_xai_colossus": ("lease", FULL, "a 5-year triple-net lease of the GB200 compute held by the Valor vehicle to an xAI "
                       "subsidiary (Apollo 2026-01-07), on which the vehicle's loan was sold: binds in full"),
    "c_nv_crwv": ("cloud_capacity", FULL, "CoreWeave's 8-K (2025-09-15): Nvidia is obligated to purchase CoreWeave's residual "
                  "unsold capacity through April 2032 (initial order 6.3); an obligation, paid in full in a glut: binds in full"),
    "c_ms_crwv": ("cloud_capacity", FULL, "Microsoft's remaining committed capacity contracts with CoreWeave (CoreWeave's S-1: "
                  "revenue under committed contracts); binds in full"),
    "c_meta_crwv": ("cloud_capacity", FULL, "Meta's order for CoreWeave capacity through December 2031 (the option to 2032 is "
                    "not counted); committed capacity in CoreWeave's backlog: binds in full. " + CRWV_META),
    "c_meta_crwv_2026": ("cloud_capacity", FULL, "CoreWeave's expanded agreement with Meta (2026-04-09, ~21 through December "
                         "2032): committed capacity, binds in full"),
    "c_ms_nbis": ("cloud_capacity", FULL, "Nebius's filing: GPU services deployed in tranches, 'total contract value through "
                  "2031 is $17.4 billion', Microsoft's option on 2 more not counted: binds in full"),
    "c_meta_nbis": ("cloud_capacity", FULL, "Meta's five-year capacity agreement with Nebius (Nebius 6-K 2025-11-12, ~2.9; Meta may "
                    "cancel only if capacity is not delivered on time): binds in full"),
    "c_meta_nbis_2026": ("cloud_capacity", FULL, "Meta's second Nebius contract (2026-03-16): 12 of dedicated capacity over five "
                         "years from early 2027: binds in full"),
    "c_meta_nbis_2026_backstop": ("cloud_capacity", FULL, "Meta's backstop in the same contract: it buys up to 15 of Nebius's "
                                  "next clusters' capacity that Nebius cannot sell to others (like Nvidia's backstop of CoreWeave, "
                                  "c_nv_crwv); an obligation, paid in full in a glut: binds in full"),
    "c_ms_nscale": ("cloud_capacity", FULL, "Microsoft's contract for ~200,000 GB300 GPUs of Nscale capacity ('up to' 24, a "
                    "ceiling the reports give no usage terms for): binds in full"),
    "c_ms_iren": ("cloud_capacity", FULL, "IREN's five-year 9.7 bn GPU cloud services contract with Microsoft, with a 20 % "
                  "prepayment: committed capacity, binds in full"),
    "c_ms_lambda": ("cloud_capacity", FULL, "Microsoft's multibillion agreement for Lambda GB300 capacity (2025-11-03): binds in full"),
    "c_nv_lambda": ("cloud_capacity", FULL, "Nvidia's four-year lease of Lambda GPU servers (1.5): binds in full"),
    "c_meta_googl": ("cloud_capacity", FULL, "Meta's six-year Google Cloud contract (>10 bn, 2025-08-21), in Google Cloud's "
                     "backlog: binds in full"),
    "c_anth_goog": ("cloud_capacity", FULL, "Anthropic's agreement for up to 1 M TPUs (>1 GW in 2026) on Google Cloud "
                    "('tens of billions', 2025-10-23), in Google Cloud's backlog: binds in full"),
    "c_anth_amzn": ("cloud_capacity", FULL, "Anthropic's Trainium capacity on AWS (Project Rainier): binds in full"),
    "c_anth_msft": ("cloud_capacity", FULL, "Anthropic 'is committing to spend $30 billion on Microsoft's Azure cloud' "
                    "(2025-11-18): a purchase commitment, binds in full"),
    "c_orcl_vantage": ("lease", FULL, "Oracle's 15-year leases of the Frontier and Lighthouse campuses, on which the Vantage "
                       "construction loans were sold: binds in full"),
    "c_meta_hyperion": ("lease", FULL, "Meta's operating leases of the Hyperion campus (four-year initial term with extension "
                        "options) and its residual-value guarantee for the first 16 years of operations: not renewing triggers "
                        "the guarantee, so the rent is binding while the notes run (Meta release 2025-10-21): binds in full"),
    "c_ms_util": ("power_purchase", FULL, "20-year power purchase agreement for the Crane Clean Energy Center "
                  "(Constellation/Microsoft 2024-09-20): binds in full"),
    "c_meta_orcl": ("cloud_capacity", FULL, "reported in talks at ~20 bn (Bloomberg 2025-09-19), then booked: Oracle's RPO rose "
                    "by 68 bn in Q2 FY2026 'highlighted by new commitments from Meta, NVIDIA, and others': binds in full. "
                    + ORCL_RPO_Q2),
    "c_sb_oai_crystal": ("letter_of_intent", NONE, "SoftBank's announced plan to spend 3 bn a year deploying OpenAI's "
                         "enterprise products (release 2025-02-03); no contract or payment terms disclosed: contingent on "
                         "SoftBank's deployment, binds 0"),
    "c_amzn_talen": ("power_purchase", FULL, "Talen's 1.92 GW nuclear PPA with Amazon (Susquehanna): binds in full"),
    "c_meta_entergy": ("power_purchase", FULL, "Entergy Louisiana's 15-year agreements with Meta for the Hyperion plants, "
                       "approved by the LPSC (2025-08-20): binds in full"),
    "c_crwv_corz": ("lease", FULL, "CoreWeave's 12-year hosting leases with Core Scientific: binds in full"),
    "c_orcl_crusoe": ("lease", FULL, "Oracle's 15-year lease of the Abilene campus from the Crusoe/Blue Owl joint venture: binds in full"),
    "c_anth_nv": ("letter_of_intent", NONE, "Anthropic's compute commitment is 'up to' 1 GW of Grace Blackwell / Vera Rubin "
                  "systems, run on Azure (its Azure spend is c_anth_msft); no purchase order: binds 0 until exercised"),
    "c_iren_dell": ("firm_order", FULL, "IREN's agreement with Dell to purchase the GB300 systems for the Microsoft contract "
                    "(~5.8 bn): a hardware purchase for a contracted build, binds in full"),
}


def _fmt(x: float) -> str:
    return f"{x:g}" if x != int(x) else f"{x:.1f}"


def transform(df: pd.DataFrame) -> pd.DataFrame:
    """``links`` (as text) with ``contract_type``, the binding shares and the note's reasoning set."""
    df = df.copy()
    bad = set(CONTRACTS) - set(df.loc[df["kind"] == "commitment", "link_id"])
    untyped = set(df.loc[df["kind"] == "commitment", "link_id"]) - set(CONTRACTS)
    if bad or untyped:
        raise SystemExit(f"contract_types.py: entries naming no commitment {sorted(bad)}; untyped commitments {sorted(untyped)}")
    if "contract_type" not in df:
        df.insert(df.columns.get_loc("take_or_pay"), "contract_type", "")
    for i, r in df.iterrows():
        if r["kind"] != "commitment":
            df.at[i, "contract_type"] = ""
            continue
        typ, (top, usage, fee), why = CONTRACTS[r["link_id"]]
        assert typ in CONTRACT_TYPES, typ
        assert top + usage <= 1 + 1e-12 and (typ not in FULLY_BINDING_TYPES or top + usage == 1), r["link_id"]
        df.at[i, "contract_type"] = typ
        df.at[i, "take_or_pay"] = _fmt(top)
        df.at[i, "usage_share"] = _fmt(usage)
        df.at[i, "termination_fee_usd_bn"] = _fmt(fee)
        note = r["note"]
        if MARK in note:
            note = note[:note.index(MARK)].rstrip().rstrip(";").rstrip()
        tail = f"{MARK} {typ}, take_or_pay {top:g}, usage_share {usage:g}, termination fee {fee:g}: {why}"
        df.at[i, "note"] = f"{note}; {tail}" if note else tail
    return df


def run(data: Path, check: bool) -> int:
    path = data / "links.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    text = transform(df).to_csv(index=False)
    stale = text != path.read_text()
    if check:
        print("up to date" if not stale else "not what contract_types.py writes: links.csv")
        return 1 if stale else 0
    if stale:
        path.write_text(text)
    print(f"links.csv: {len(CONTRACTS)} commitments typed; rewrote {'links.csv' if stale else 'nothing'}")
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 if data/links.csv is not what this script writes")
    p.add_argument("--data", type=Path, default=ROOT / "data", help="directory of the tables (default: data/)")
    a = p.parse_args(argv)
    return run(a.data, a.check)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

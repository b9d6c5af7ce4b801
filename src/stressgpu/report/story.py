"""The chain of events in words (``story.md``, the page, and the terminal under ``report.story=true``).

Generated from what the run recorded (``summary.json``): the run at the configured sizes
(``central``: its defaults in order with quarter, reason and the funding sources closed to the
firm; who took each loss) and the replayed Monte Carlo scenarios (``replay``: the most common
orders of default). Every amount is a figure of ``summary.json`` printed with
:func:`stressgpu.report.tables.bn`; nothing is computed here.
"""
from __future__ import annotations

import html

from .._types import LENDER_KINDS
from .records import REASON_SHORT, REASON_WORDS
from .tables import bn, kind_name, pct


def _list(d: dict, top: int = 4) -> str:
    items = list(d.items())[:top]
    return ", ".join(f"{name} {bn(v)} bn" for name, v in items)


def _closed(c: list[str]) -> str:
    if not c:
        return ""
    return f"; {' and '.join(c) if len(c) < 3 else ', '.join(c[:-1]) + ' and ' + c[-1]} {'was' if len(c) == 1 else 'were'} closed to it"


def _default_line(d: dict) -> str:
    gap = f" (first unfunded gap {d['first_gap']})" if d.get("first_gap") and d["reason"] != "shock" else ""
    return (f"**{d['quarter']} — {d['name']}** ({kind_name(d['kind'])}) "
            f"{REASON_WORDS.get(d['reason'], d['reason'])}{_closed(d.get('closed', []))}{gap}.")


def _kinds(figs: dict, prefix: str) -> str:
    parts = [(kind_name(k), figs.get(f"{prefix}{k}", 0.0)) for k in LENDER_KINDS]
    parts = [(k, v) for k, v in parts if round(v, 1) > 0]
    return ", ".join(f"{k} {bn(v)} bn" for k, v in sorted(parts, key=lambda x: -x[1])) or "nothing"


def blocks(summ: dict, title: str) -> list[tuple[str, object]]:
    """The story as blocks: ("h1"|"h2"|"p", text) and ("ul", [text, ...]); markdown emphasis only."""
    c = summ.get("central")
    out: list[tuple[str, object]] = [("h1", f"What happens: {title}")]
    if c:
        sizes = ", ".join(f"{k} {v:g}" for k, v in c["sizes"].items()) or "no shock"
        out += [("h2", "At the configured sizes (one run, no noise)"), ("p", f"Shock sizes: {sizes}.")]
        if c["defaults"]:
            out += [("p", f"{len(c['defaults'])} firm(s) default, in this order:"),
                    ("ul", [_default_line(d) for d in c["defaults"]])]
        else:
            out.append(("p", "No firm defaults at the configured sizes."))
        bear = [f"Lenders lose {bn(c['credit_loss'])} bn on claims on the network's firms not repaid: "
                f"{_kinds(c, 'loss_')}."]
        if c.get("book_loss", 0.0) > 0:
            bear.append(f"On their loans and bonds to borrowers outside the network, the credit cycle the shock sets "
                        f"off costs them {bn(c['book_loss'])} bn more: {_kinds(c, 'book_loss_')}.")
        if _kinds(c, "loss_borne_") != _kinds(c, "loss_"):
            bear.append(f"After private-credit funds pass their losses to their LPs: {_kinds(c, 'loss_borne_')}.")
        if c["creditors"]:
            bear.append(f"Counting suppliers' unpaid contracts as well as loans, the largest losses on claims: "
                        f"{_list(c['creditors'])}.")
        if c["secured_recovered"]:
            bear.append(f"Secured lenders took collateral worth {_list(c['secured_recovered'])}.")
        if c["supplier_claims"]:
            bear.append(f"Suppliers are left with claims on defaulted buyers for unpaid commitments: "
                        f"{_list(c['supplier_claims'])}.")
        if c["prepayment_claims"]:
            bear.append(f"Buyers are left with claims on failed suppliers for prepaid, undelivered capacity: "
                        f"{_list(c['prepayment_claims'])}.")
        if c["guarantees_paid"]:
            bear.append(f"Guarantors paid {_list(c['guarantees_paid'])}.")
        bear.append(f"Holders lose {bn(c.get('market_value_loss', 0.0))} bn of market value: "
                    f"{_kinds(c, 'mv_loss_')}. The system loss is {bn(c['system_loss'])} bn "
                    f"(first round {bn(c['first_round_loss'])} bn).")
        out += [("h2", "Who bears the losses"), ("p", " ".join(bear))]
    rep = summ.get("replay")
    n = summ.get("scenarios", 0)
    out.append(("h2", f"Across the Monte Carlo ({n:,} scenarios)"))
    if rep and rep.get("sequences"):
        K = rep["scenarios"]
        whose = (f"the Monte Carlo's first {K} scenarios, run again with their paths recorded"
                 if rep.get("same_as_monte_carlo") else
                 f"{K} scenarios drawn as the Monte Carlo draws them (not its own: they could not be drawn again)")
        chain = lambda steps: " → ".join(f"{d['name']} ({d['quarter']}, {REASON_SHORT.get(d['reason'], d['reason'])}"  # noqa: E731
                                         + (f", in {pct(d['share'])} of them" if "share" in d else "") + ")"
                                         for d in steps) or "no default"
        repeated = [s for s in rep["sequences"] if s["count"] > 1]
        if repeated:
            out += [("p", f"The most common orders of default in {whose}:"),
                    ("ul", [f"{chain(s['defaults'])}: {s['count']} of {K} ({pct(s['share'])})" for s in repeated])]
        else:
            out.append(("p", f"In {whose}, no order of default occurs twice."))
        if rep.get("typical"):
            out.append(("p", f"The typical order — firms that default in at least half of them, by median default "
                             f"quarter: {chain(rep['typical'])}."))
    elif rep is None:
        out.append(("p", "No scenario was replayed (report.replay=0, or a reconstruction ensemble), so the "
                         "orders of default are not known here."))
    if "credit_loss_mean" in summ:
        es = f" (ES95 {bn(summ['credit_loss_es95'])} bn)" if "credit_loss_es95" in summ else ""
        out.append(("p", f"On average over the scenarios lenders lose {bn(summ['credit_loss_mean'])} bn{es}, holders "
                         f"{bn(summ.get('market_value_loss_mean', float('nan')))} bn of market value, and the system "
                         f"loss is {bn(summ['system_loss_mean'])} bn (ES95 {bn(summ['system_loss_es95'])} bn); "
                         f"{summ['defaults_mean']:.2f} firms default per scenario."))
    return out


def to_markdown(bl: list) -> str:
    lines = []
    for kind, body in bl:
        if kind == "h1":
            lines += [f"# {body}", ""]
        elif kind == "h2":
            lines += [f"## {body}", ""]
        elif kind == "ul":
            lines += [f"- {x}" for x in body] + [""]
        else:
            lines += [body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _inline(text: str) -> str:
    parts = html.escape(text).split("**")
    return "".join(f"<strong>{p}</strong>" if k % 2 else p for k, p in enumerate(parts))


def to_html(bl: list) -> str:
    out = []
    for kind, body in bl:
        if kind in ("h1", "h2"):
            out.append(f"<{'h2' if kind == 'h1' else 'h3'}>{_inline(body)}</{'h2' if kind == 'h1' else 'h3'}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(x)}</li>" for x in body) + "</ul>")
        else:
            out.append(f"<p>{_inline(body)}</p>")
    return "\n".join(out)


def story(summ: dict, title: str) -> str:
    """``story.md``'s text."""
    return to_markdown(blocks(summ, title))

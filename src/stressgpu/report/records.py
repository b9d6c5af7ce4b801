"""What the report says about single paths: the run at the configured sizes and a replay of some
of the Monte Carlo's scenarios, as plain (JSON-able) records the story, the terminal and the page
read. Host-side bookkeeping over :class:`~stressgpu.model.Outcome` arrays; no model numerics."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from .._types import LENDER_KINDS, Reason

# What each Reason means, in words (docs/model.md §7).
REASON_WORDS = {
    "payment_missed": "missed a payment it could not fund from any source",
    "covenant": "was accelerated by its lenders after a covenant breach outlasted its cure",
    "insolvent": "was cleared insolvent: its assets no longer covered its debts",
    "shock": "defaulted at once (the scenario's idiosyncratic default)",
}
REASON_SHORT = {"payment_missed": "payment missed", "covenant": "covenant breach", "insolvent": "insolvent",
                "shock": "idiosyncratic default"}
CLOSED_BITS = ((1, "bonds"), (2, "private credit"), (4, "equity"))


def reason_name(code: int) -> str:
    return Reason(int(code)).name.lower()


def closed_sources(bits: int) -> list[str]:
    """The funding sources a firm could not use when it defaulted (``Outcome.default_closed``)."""
    return [name for bit, name in CLOSED_BITS if int(bits) & bit]


def quarter_names(labels) -> list[str]:
    return list(pd.PeriodIndex(labels.quarters, freq="Q").astype(str))


def debt_reconstructed_share(net, labels) -> np.ndarray:
    """``[N]`` share of each firm's debt at start on links the data does not give link by link
    (reconstructed links, residual debt to the outside sector, links an ensemble fills)."""
    amount = np.asarray(net.debt_amount, np.float64)
    borrower = np.asarray(net.debt_borrower, np.float64)
    links = list(labels.debt_links) or [""] * len(amount)
    rec = set(labels.reconstructed_links)
    marked = np.array([lid in rec or lid.startswith(("residual:", "reconstructable:")) for lid in links], np.float64)
    total = amount @ borrower
    part = (amount * marked) @ borrower
    return np.where(total > 0, part / np.where(total > 0, total, 1.0), 0.0)


def _by_name(values: np.ndarray, labels, floor: float = 0.05) -> dict[str, float]:
    """``{name: value}`` of the entries above ``floor`` USD bn, largest first."""
    order = np.argsort(-values)
    return {labels.names[i]: float(values[i]) for i in order if values[i] > floor}


def central_record(o, base, rows: dict, labels, net, sizes: dict) -> dict:
    """The run at the configured sizes (no noise) against the no-shock run: its sizes, its
    defaults in order with quarter, reason and the funding sources closed to the firm, and what
    each party lost. ``rows``: that run's system figures, as the Monte Carlo computes them for
    every scenario (:func:`stressgpu.montecarlo._reduce`, a batch of one)."""
    quarters = quarter_names(labels)
    dq = np.asarray(o.default_quarter)
    reason = np.asarray(o.default_reason)
    closed = np.asarray(o.default_closed)
    gap_q = np.asarray(o.gap_quarter)
    order = sorted((int(q), i) for i, q in enumerate(dq) if q >= 0)
    defaults = [{"id": labels.ids[i], "name": labels.names[i], "kind": labels.kinds[i], "quarter": quarters[q],
                 "reason": reason_name(reason[i]), "closed": closed_sources(closed[i]),
                 "first_gap": quarters[gap_q[i]] if 0 <= gap_q[i] < len(quarters) else None} for q, i in order]
    supplier = np.asarray(net.commit_supplier, np.float64)
    buyer = np.asarray(net.commit_buyer, np.float64)
    out = {"sizes": {k: float(v) for k, v in sizes.items()}, "defaults": defaults}
    out.update({k: float(np.asarray(v).reshape(-1)[0]) for k, v in rows.items()
                if k in ("system_loss", "first_round_loss", "market_value_loss", "market_value_gain", "gains",
                         "capex_shortfall")
                or k.startswith(("loss_", "mv_loss_", "capital_shortfall_", "failures_", "book_loss_",
                                 "capital_breaches_"))})
    out["credit_loss"] = sum(out.get(f"loss_{k}", 0.0) for k in LENDER_KINDS)
    out["book_loss"] = sum(out.get(f"book_loss_{k}", 0.0) for k in LENDER_KINDS)
    out["credit_loss_borne"] = sum(out.get(f"loss_borne_{k}", 0.0) for k in LENDER_KINDS)
    out["creditors"] = _by_name(np.asarray(o.credit_loss, np.float64) - np.asarray(base.credit_loss, np.float64), labels)
    out["secured_recovered"] = _by_name(np.asarray(o.secured_recovered, np.float64)
                                        - np.asarray(base.secured_recovered, np.float64), labels)
    out["supplier_claims"] = _by_name((np.asarray(o.claims, np.float64) - np.asarray(base.claims, np.float64)) @ supplier,
                                      labels)
    out["prepayment_claims"] = _by_name((np.asarray(o.prepayment_claims, np.float64)
                                         - np.asarray(base.prepayment_claims, np.float64)) @ buyer, labels)
    out["guarantees_paid"] = _by_name(np.asarray(o.guarantees_paid, np.float64)
                                      - np.asarray(base.guarantees_paid, np.float64), labels)
    return out


def replay_record(quarter: np.ndarray, reason: np.ndarray, closed: np.ndarray, labels, *, same: bool,
                  agree: int, top: int = 3) -> dict:
    """Default sequences of ``K`` replayed scenarios (``quarter``, ``reason``, ``closed`` ``[K, N]``):
    the most common orders of default (firms in the order they fail, ties by name), how often
    each occurs, each firm's median quarter and commonest reason within them; and every firm's
    commonest reason over all the replayed scenarios it defaults in."""
    quarters = quarter_names(labels)
    K = quarter.shape[0]
    seqs = []
    for s in range(K):
        order = sorted((int(q), labels.names[i], i) for i, q in enumerate(quarter[s]) if q >= 0)
        seqs.append(tuple(i for *_, i in order))
    counts = Counter(seqs)
    sequences = []
    for seq, count in counts.most_common(top):
        rows = [s for s in range(K) if seqs[s] == seq]
        steps = []
        for i in seq:
            q = np.asarray([quarter[s, i] for s in rows])
            r = Counter(reason_name(reason[s, i]) for s in rows).most_common(1)[0][0]
            c = Counter(tuple(closed_sources(closed[s, i])) for s in rows).most_common(1)[0][0]
            steps.append({"id": labels.ids[i], "name": labels.names[i], "kind": labels.kinds[i],
                          "quarter": quarters[int(np.median(q))], "reason": r, "closed": list(c)})
        sequences.append({"count": int(count), "share": count / K, "defaults": steps})
    # The typical order: firms that default in at least half the replayed scenarios, by their median
    # quarter among those (an exact sequence may never repeat when many firms fail).
    typical = []
    for i, eid in enumerate(labels.ids):
        hit = quarter[:, i] >= 0
        if hit.sum() >= 0.5 * K and hit.any():
            r = Counter(reason_name(reason[s, i]) for s in range(K) if hit[s]).most_common(1)[0][0]
            typical.append({"id": eid, "name": labels.names[i], "kind": labels.kinds[i], "share": float(hit.mean()),
                            "quarter": quarters[int(np.median(quarter[hit, i]))], "reason": r,
                            "_q": float(np.median(quarter[hit, i]))})
    typical = [{k: v for k, v in d.items() if k != "_q"} for d in sorted(typical, key=lambda d: (d["_q"], d["name"]))]
    main_reason = {}
    for i, eid in enumerate(labels.ids):
        r = Counter(reason_name(reason[s, i]) for s in range(K) if quarter[s, i] >= 0)
        if r:
            name, n = r.most_common(1)[0]
            main_reason[eid] = {"reason": name, "count": int(n), "of": int(sum(r.values()))}
    return {"scenarios": int(K), "same_as_monte_carlo": bool(same), "n_defaults_agree": int(agree),
            "sequences": sequences, "typical": typical, "main_reason": main_reason}

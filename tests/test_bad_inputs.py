"""Malformed input, tried as a new user would, through the real command line (in-process).

Every case must stop at start-up with exit code 2 and a message naming the key (or file), the
value and what is allowed, before any Monte Carlo work and before anything is written to the
run directory. Data-file cases assert only the file name (the validator words the rest).
"""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from stressgpu.cli import LOCK, main
from stressgpu.config import package_dir

DATA = package_dir("data")

CASES = [  # (overrides, words the message must contain)
    (["+shock=deepseek", "shock.deepseek.k=-3"], ["shock.deepseek.k", "-3", "[1, 1000]"]),
    (["+shock=deepseek", "shock.deepseek.elasticity=-5"], ["shock.deepseek.elasticity", "-5", "[0, 3]"]),
    (["+shock=rate_hike", "shock.rate_hike.dr=nan"], ["shock.rate_hike.dr", "nan", "finite", "[0, 0.2]"]),
    (["+shock=rate_hike", "shock.rate_hike.dr=inf"], ["shock.rate_hike.dr", "inf", "finite", "[0, 0.2]"]),
    (["+shock=private_credit_freeze", "shock.private_credit_freeze.quarters=-1"],
     ["shock.private_credit_freeze.quarters", "-1", "[0, 40]"]),
    (["+shock=taiwan", "shock.taiwan.share=1.5"], ["shock.taiwan.share", "1.5", "[0, 1]"]),
    (["+shock=demand_slump", "shock.demand_slump.funding_cut=2"], ["shock.demand_slump.funding_cut", "2", "[0, 1]"]),
    (["+shock=volcano"], ["volcano", "deepseek", "rate_hike"]),
    (["+shock=deepseek", "shock.deepseek.kk=3"], ["shock.deepseek.kk", "kk"]),
    (["+shock=deepseek", "shock.deepseek.k=abc"], ["shock.deepseek.k", "abc"]),
    (["+shock=deepseek", "shock.deepseek.k=500"], ["shock.deepseek.k", "500", "support", "[1, 100]"]),
    (["+shock=deepseek", "shock.deepseek.mc.k.dist=pareto"], ["shock.deepseek.mc.k.dist", "pareto"]),
    (["+shock=deepseek", "shock.deepseek.mc.elasticity.low=2", "shock.deepseek.mc.elasticity.high=1"],
     ["shock.deepseek.mc.elasticity", "low=2", "high=1"]),
    (["+shock=deepseek", "mc.scenarios=0"], ["mc.scenarios", "0", "[1, inf)"]),
    (["+shock=deepseek", "mc.chunk_size=-5"], ["mc.chunk_size", "-5", "[1, inf)"]),
    (["+shock=deepseek", "mc.correlation=2"], ["mc.correlation", "2", "[0, 1]"]),
    (["+shock=deepseek", "mc.revenue_noise=-inf"], ["mc.revenue_noise", "-inf", "finite"]),
    (["+shock=deepseek", "model.alpha=1.5"], ["model.alpha", "1.5", "[0, 1]"]),
    (["precision=float16"], ["precision", "float16", "float32", "float64"]),
    (["mode=nonsense"], ["mode", "nonsense", "montecarlo", "reverse"]),
    (["mode=reverse", "target.entity=unknown_firm"], ["target.entity", "unknown_firm", "oracle"]),
    (["mode=reverse", "target.by=not-a-date"], ["target.by", "not-a-date", "YYYY-MM-DD"]),
    (["mode=reverse", "target.event=lender_loss", "target.lender_kind=hedge_fund"],
     ["target.lender_kind", "hedge_fund", "pension_fund"]),
    (["+shock=idiosyncratic_default", "shock.idiosyncratic_default.entities=[nobody]"],
     ["shock.idiosyncratic_default.entities", "nobody"]),
    (["+shock=deepseek", "horizon=2025-01-01"], ["horizon", "2025-01-01", "after start"]),
]


def cli(tmp_path, capsys, *overrides):
    run_dir = tmp_path / "run"
    code = main([*overrides, f"hydra.run.dir={run_dir}", "report.progress=false"])
    err = capsys.readouterr().err
    return code, err, run_dir


def untouched(run_dir: Path, before=()) -> bool:
    return not run_dir.exists() or sorted(p.name for p in run_dir.iterdir()) == sorted(before)


@pytest.mark.parametrize("overrides, words", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_config_stops_at_start_up(tmp_path, capsys, overrides, words):
    code, err, run_dir = cli(tmp_path, capsys, *overrides)
    assert code == 2, err
    for w in words:
        assert w in err, (w, err)
    assert "Traceback" not in err
    assert untouched(run_dir)


def _copy_data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    return d


def _empty_holdings(d):
    (d / "holdings.csv").write_text("")
    return "holdings.csv"


def _amount(value):
    def edit(d):
        lines = (d / "links.csv").read_text().splitlines()
        header = lines[0].split(",")
        col = header.index("amount_usd_bn")
        row = lines[1].split(",")
        row[col] = value
        lines[1] = ",".join(row)
        (d / "links.csv").write_text("\n".join(lines) + "\n")
        return "links.csv"
    return edit


def _truncated(d):
    text = (d / "links.csv").read_text()
    last = text.rstrip("\n").rfind("\n")
    (d / "links.csv").write_text(text[: last + 1 + 12])  # the last row cut after a few characters
    return "links.csv"


@pytest.mark.parametrize("edit", [_empty_holdings, _amount("inf"), _amount("1e300"), _truncated],
                         ids=["empty holdings.csv", "links.csv amount inf", "links.csv amount 1e300",
                              "truncated links.csv"])
def test_bad_data_file_is_named(tmp_path, capsys, edit):
    d = _copy_data(tmp_path)
    name = edit(d)
    code, err, run_dir = cli(tmp_path, capsys, "+shock=deepseek", f"data_dir={d}")
    assert code == 2, err
    assert name in err and "Traceback" not in err
    assert untouched(run_dir)


def _header_only(name):
    def edit(d):
        path = d / name
        path.write_text(path.read_text().splitlines()[0] + "\n")
        return name
    return edit


def _cell(name, row, column, value):
    """Put ``value`` in data row ``row`` (1-based) of ``column`` of the copy's ``name``."""
    def edit(d):
        import pandas as pd

        path = d / name
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df.loc[row - 1, column] = value
        df.to_csv(path, index=False)
        return name
    return edit


def _quote_cleared(d):
    """The first sourced link (estimated=false) loses its source_quote."""
    import pandas as pd

    path = d / "links.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[(df["estimated"] == "false").idxmax(), "source_quote"] = ""
    df.to_csv(path, index=False)
    return "links.csv"


@pytest.mark.parametrize("edit, words", [
    (_header_only("holdings.csv"), ["holdings.csv", "no data rows"]),
    (_header_only("links.csv"), ["links.csv", "no data rows"]),
    (_cell("balance_sheets.csv", 4, "as_of", "30/10/2025"), ["balance_sheets.csv: row 4, column as_of", "'30/10/2025'", "YYYY-MM-DD"]),
    (_cell("links.csv", 3, "from_id", "ghost"), ["links.csv: row 3, column from_id", "unknown entity id 'ghost'"]),
    (_cell("links.csv", 2, "amount_usd_bn", "-3"), ["links.csv: row 2, column amount_usd_bn", "-3"]),
    (_cell("links.csv", 5, "link_id", "d_hyperion_pimco"), ["links.csv: row 5, column link_id", "duplicate", "'d_hyperion_pimco'"]),
    (_quote_cleared, ["links.csv: row ", ", column source_quote", "needs source_quote"]),
    (_cell("financial_capital.csv", 1, "entity_id", "ghost_bank"),
     ["financial_capital.csv: row 1, column entity_id", "unknown entity id 'ghost_bank'"]),
    (_cell("financial_capital.csv", 1, "entity_id", "nvidia"),
     ["financial_capital.csv: row 1, column item", "'cet1_usd_bn' is an item of bank", "'nvidia' is of kind 'chipmaker'"]),
    (_cell("financial_capital.csv", 3, "value", "11.5"),
     ["financial_capital.csv: row 3, column value", "'cet1_min_ratio' is a fraction", "11.5"]),
    (_cell("financial_capital.csv", 2, "unit", "fraction"),
     ["financial_capital.csv: row 2, column unit", "'rwa_usd_bn' is in 'usd_bn'"]),
    (_cell("financial_capital.csv", 2, "item", "cet1_capital"),
     ["financial_capital.csv: row 2, column item", "cet1_capital", "cet1_usd_bn"]),
], ids=["header-only holdings.csv", "header-only links.csv", "date 30/10/2025", "unknown entity", "negative amount",
        "duplicate link id", "sourced row without quote", "capital of an unknown entity", "a bank item of a chipmaker",
        "a ratio written as a percentage", "wrong unit", "unknown item"])
def test_bad_data_stops_naming_file_row_and_column(tmp_path, capsys, edit, words):
    """One bad file: its own messages only (no cascade onto the files that depend on it), with the
    file, row, column and value, and no library warning on the way."""
    d = _copy_data(tmp_path)
    name = edit(d)
    code, err, run_dir = cli(tmp_path, capsys, "+shock=deepseek", f"data_dir={d}")
    assert code == 2, err
    for w in words:
        assert w in err, (w, err)
    blamed = {line.split(":")[0].rsplit("/", 1)[-1] for line in err.splitlines() if ".csv:" in line}
    assert blamed == {name}, err
    assert "Traceback" not in err and "Warning" not in err
    assert untouched(run_dir)


def test_missing_data_dir_is_named(tmp_path, capsys):
    code, err, run_dir = cli(tmp_path, capsys, "+shock=deepseek", f"data_dir={tmp_path}/nowhere")
    assert code == 2 and "nowhere" in err
    assert untouched(run_dir)


def _garbled(path):
    path.write_bytes(os.urandom(3000))


def _truncated_checkpoint(path):
    from stressgpu.montecarlo import Accumulators

    Accumulators.empty(4, 3).save(path, "x")
    path.write_bytes(path.read_bytes()[:700])


def _tampered(path):
    """A well-formed zip whose numbers are not the ones its checksum was computed on."""
    from stressgpu.montecarlo import Accumulators

    Accumulators.empty(4, 3).save(path, "x")
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["default_count"] = arrays["default_count"] + 1
    np.savez(path, **arrays)


@pytest.mark.parametrize("damage", [_garbled, _truncated_checkpoint, _tampered], ids=["garbled", "truncated", "tampered"])
def test_damaged_checkpoint_is_named_with_the_way_out(tmp_path, capsys, damage):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    damage(run_dir / "checkpoint.npz")
    before = [p.name for p in run_dir.iterdir()]
    code, err, _ = cli(tmp_path, capsys, "+shock=deepseek", "mc.scenarios=64")
    assert code == 2, err
    assert "checkpoint.npz" in err and "mc.resume=false" in err and "Traceback" not in err
    assert "BadZipFile" not in err or "cannot be read" in err
    assert untouched(run_dir, before)


def test_second_live_run_in_the_same_directory_is_refused(tmp_path, capsys):
    import socket

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / LOCK).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    code, err, _ = cli(tmp_path, capsys, "+shock=deepseek", "mc.scenarios=64")
    assert code == 2 and "another stressgpu run" in err and str(os.getpid()) in err
    assert untouched(run_dir, [LOCK])

"""The sourcing pass: data/build/quotes/*.csv and data/build/apply_quotes.py."""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from stressgpu.data import DataError, load_tables
from stressgpu.data.checks import quote_states

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
QUOTES = DATA / "build" / "quotes"
SOURCE_TYPES = {"filing", "company", "press", "aggregate"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _apply_quotes():
    spec = importlib.util.spec_from_file_location("apply_quotes", ROOT / "data" / "build" / "apply_quotes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


LINKS = {r["link_id"]: r for r in _rows(DATA / "links.csv")}
QUOTED = _rows(QUOTES / "links.csv")
DISAGREE = _rows(QUOTES / "disagreements.csv")


def _problems(directory: Path) -> set[tuple[str, int | None, str | None, str]]:
    """The loader's problems with the tables in ``directory``, file names without their directory."""
    try:
        load_tables(directory)
    except DataError as e:
        return {(Path(f).name, r, c, m.replace(str(directory), "")) for f, r, c, m in e.problems}
    return set()


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    dt.date.fromisoformat(text)
    return True


def test_quote_file_has_its_columns_and_one_row_per_link():
    assert list(QUOTED[0]) == ["link_id", "source", "source_type", "as_of", "source_quote", "url", "note"]
    ids = [r["link_id"] for r in QUOTED]
    assert len(ids) == len(set(ids)), "one quote per link"


@pytest.mark.parametrize("row", QUOTED, ids=[r["link_id"] for r in QUOTED])
def test_quote_row_names_a_link_and_states_its_amount(row):
    link = LINKS.get(row["link_id"])
    assert link is not None, f"{row['link_id']} is not in data/links.csv"
    assert link["reconstructed"] != "true", "a reconstructed split is never stated by a document"
    assert re.match(r"https?://\S+$", row["url"]), row["url"]
    assert "http" in row["source"], "source names the document with its address"
    assert row["source_type"] in SOURCE_TYPES
    assert _is_date(row["as_of"]), row["as_of"]
    assert dt.date.fromisoformat(row["as_of"]) <= dt.date(2026, 12, 31)
    assert row["source_quote"].strip()
    assert quote_states(row["source_quote"], float(link["amount_usd_bn"])), \
        f"the quote does not write {link['amount_usd_bn']}: {row['source_quote']!r}"


@pytest.mark.parametrize("row", DISAGREE, ids=[r["link_id"] for r in DISAGREE])
def test_disagreement_row_names_a_link_and_quotes_the_stated_value(row):
    link = LINKS.get(row["link_id"])
    assert link is not None, f"{row['link_id']} is not in data/links.csv"
    assert float(row["our_value"]) == pytest.approx(float(link["amount_usd_bn"]))
    assert quote_states(row["source_quote"], float(row["stated_value"]))
    assert _is_date(row["as_of"]) and "http" in row["source"] and row["note"].strip()


def test_apply_quotes_sources_the_links_on_a_copy(tmp_path):
    aq = _apply_quotes()
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "market_moves"))
    assert aq.run(data, check=False) == 0
    applied = {r["link_id"]: r for r in _rows(data / "links.csv")}
    for q in QUOTED:
        r, old = applied[q["link_id"]], LINKS[q["link_id"]]
        assert r["estimated"] == "false"
        assert r["source_quote"] == q["source_quote"]
        assert (r["source"], r["source_type"], r["as_of"]) == (q["source"], q["source_type"], q["as_of"])
        assert aq.MARK not in r["note"]
        assert r["amount_usd_bn"] == old["amount_usd_bn"]
    untouched = set(LINKS) - {q["link_id"] for q in QUOTED}
    assert all(applied[k] == LINKS[k] for k in untouched), "rows without a quote are left as they are"
    assert aq.run(data, check=True) == 0, "a second run changes nothing"
    # the loader accepts the sourced rows: applying adds no problem to those of the tables as they are
    assert _problems(data) <= _problems(DATA)


def test_apply_quotes_skips_a_quote_that_does_not_state_the_number(tmp_path, capsys):
    aq = _apply_quotes()
    data, quotes = tmp_path / "data", tmp_path / "quotes"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build", "market_moves"))
    quotes.mkdir()
    link = next(r for r in LINKS.values() if r["reconstructed"] != "true" and r["estimated"] == "true")
    with (quotes / "links.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["link_id", "source", "source_type", "as_of", "source_quote", "url", "note"])
        w.writerow([link["link_id"], "x https://example.org", "press", "2025-01-01", "a deal worth 123456 dollars",
                    "https://example.org", ""])
        w.writerow(["no_such_link", "x https://example.org", "press", "2025-01-01", "1 bn", "https://example.org", ""])
    before = (data / "links.csv").read_text()
    assert aq.run(data, check=False, quotes_dir=quotes) == 0
    assert (data / "links.csv").read_text() == before
    err = capsys.readouterr().err
    assert link["link_id"] in err and "no_such_link" in err

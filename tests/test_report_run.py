"""One full run of ``+scenario=everything`` (small): its story names every default of the run at the
configured sizes with quarter and reason, every amount the story mentions is a figure of the run,
and report.html renders in headless Chromium with every plot and the summary's numbers.

The browser test needs Chromium and chromedriver (Debian: ``apt-get install chromium
chromium-driver``) and selenium (``pip install '.[page]'``); .ci/run installs them. Where they
cannot be installed the test is skipped, saying so."""
import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from stressgpu.cli import CONF_DIR, prepare, run
from stressgpu.report.records import REASON_WORDS
from stressgpu.report.tables import bn

pytestmark = pytest.mark.slow
ARGS = ("+scenario=everything", "mc.scenarios=64", "report.replay=16", "report.progress=false")


def cfg(*overrides):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    out = tmp_path_factory.mktemp("everything")
    summ = run(cfg(*ARGS), out)
    return out, summ


def _numbers(tree) -> set[str]:
    """Every number of a JSON tree, as the report prints amounts."""
    if isinstance(tree, dict):
        return set().union(*(_numbers(v) for v in tree.values())) if tree else set()
    if isinstance(tree, list):
        return set().union(*(_numbers(v) for v in tree)) if tree else set()
    if isinstance(tree, (int, float)) and not isinstance(tree, bool) and np.isfinite(tree):
        return {bn(tree)}
    return set()


def test_story_names_every_default_with_its_quarter_and_reason(everything):
    out, summ = everything
    md = (out / "story.md").read_text()
    # The defaults recorded in summary.json are the model's: rerun the configured sizes here.
    from stressgpu.modes import model_params
    from stressgpu.montecarlo import one_scenario_with_paths
    from stressgpu.shocks import factors_from_sizes

    p = prepare(cfg(*ARGS), out)
    o = one_scenario_with_paths(p.net, factors_from_sizes(p.shocks, p.labels, {}, dtype=p.net.cash.dtype), model_params(p.run))
    quarters = [str(q) for q in __import__("pandas").PeriodIndex(p.labels.quarters, freq="Q")]
    model = {p.labels.names[i]: quarters[q] for i, q in enumerate(np.asarray(o.default_quarter)) if q >= 0}
    recorded = summ["central"]["defaults"]
    assert {d["name"]: d["quarter"] for d in recorded} == model and len(model) >= 3
    for d in recorded:
        assert f"**{d['quarter']} — {d['name']}**" in md, d
        line = next(l for l in md.splitlines() if f"— {d['name']}**" in l)
        assert REASON_WORDS[d["reason"]] in line, (d, line)
    assert "## Across the Monte Carlo (64 scenarios)" in md


def test_every_amount_in_the_story_is_a_figure_of_the_run(everything):
    out, _ = everything
    md = (out / "story.md").read_text()
    figures = _numbers(json.loads((out / "summary.json").read_text()))
    mentioned = re.findall(r"(\d[\d,]*\.\d) bn", md)
    assert len(mentioned) > 10
    assert [m for m in mentioned if m not in figures] == []


def _browser():
    try:
        from selenium import webdriver
    except ImportError:
        pytest.skip("selenium is not installed (pip install '.[page]'), so report.html was NOT checked in a browser")
    binary = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver failed or "
                    "was not run), so report.html was NOT checked in a browser")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1800"):
        opts.add_argument(a)
    return webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=driver))


def test_report_page_renders_in_headless_chromium(everything):
    out, summ = everything
    page = out / "report.html"
    assert page.is_file()
    browser = _browser()
    try:
        browser.get(page.resolve().as_uri())
        assert browser.execute_script("return document.readyState") == "complete"
        assert browser.title.startswith("stressgpu: everything")
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
        plots = {"default_timeline.png", "capital.png", "loss_distribution.png", "network.png", "loss_waterfall.png",
                 "market_value_paths.png"}
        assert {alt for alt, *_ in images} == plots
        assert all(done and width > 0 for _, done, width in images), images
        cells = browser.execute_script("return Array.from(document.querySelectorAll('[data-value]'))"
                                       ".map(e => [e.dataset.key, e.dataset.value, e.textContent])")
        stored = json.loads((out / "summary.json").read_text())
        assert len(cells) > 15
        for key, value, text in cells:
            assert float(value) == pytest.approx(stored[key], rel=1e-12), key
            shown = f"{stored[key]:.2f}" if key.startswith(("failures_", "capital_breaches_")) else bn(stored[key])  # counts
            assert text == shown, (key, text)
        text = browser.find_element("tag name", "body").text
        assert "Who fails" in text and "The chain of events" in text and stored["data_checksum"] in text
        if os.environ.get("STRESSGPU_SCREENSHOTS"):
            browser.save_screenshot(str(Path(os.environ["STRESSGPU_SCREENSHOTS"]) / "report_everything.png"))
    finally:
        browser.quit()

"""gather on a sweep made by hand (no model run): heatmaps only of firms that move, and the sweep's page."""
import json

import pandas as pd

from stressgpu.gather import main as gather_main
from stressgpu.report.sweep import moving_firms


def _sweep(root):
    job = 0
    for k in (5, 20):
        for e in (0.5, 0.9):
            d = root / str(job)
            (d / ".hydra").mkdir(parents=True)
            (d / ".hydra" / "overrides.yaml").write_text(f"- +shock=deepseek\n- shock.deepseek.k={k}\n"
                                                         f"- shock.deepseek.elasticity={e}\n")
            (d / "status.json").write_text(json.dumps({"status": "ok"}))
            (d / "summary.json").write_text(json.dumps({"system_loss_mean": 100.0 * k * e, "defaults_mean": 1.0}))
            pd.DataFrame({"id": ["a", "b", "c"], "name": ["Mover", "Never defaults", "Always defaults"],
                          "default_prob": [min(k * e / 18, 1.0), 0.0, 1.0]}).to_parquet(d / "entities.parquet")
            job += 1


def test_heatmaps_leave_out_firms_that_do_not_move_and_the_sweep_gets_a_page(tmp_path, capsys):
    _sweep(tmp_path)
    assert gather_main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "heatmaps:" in out and "(1 firms whose default_prob moves across the sweep)" in out
    ents = pd.read_parquet(tmp_path / "sweep_entities.parquet")
    assert moving_firms(ents, "default_prob", 6) == ["Mover"]
    page = (tmp_path / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
    assert "shock.deepseek.k" in page and "4 jobs, 0 failed" in page

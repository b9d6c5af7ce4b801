"""data/build/ regenerates data/ byte for byte (README "The dataset"): every table, run in order
on a scratch copy (data/build/all.py --check)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_build_scripts_write_exactly_the_committed_tables():
    done = subprocess.run([sys.executable, str(ROOT / "data" / "build" / "all.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

"""Build hook: ship the repository's top-level ``conf/`` and ``data/`` inside the package.

The wheel (and ``pip install .``) gets copies at ``stressgpu/_conf`` and ``stressgpu/_data``,
found at run time with ``importlib.resources`` (:func:`stressgpu.config.package_dir`). Nothing is
copied in git or for editable installs: a source checkout reads ``conf/`` and ``data/`` where
they are. All metadata lives in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"conf": "_conf", "data": "_data"}  # repository folder -> folder inside the package


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # editable: the checkout's own folders are used
            return
        for src, dst in SHIPPED.items():
            target = Path(self.build_lib) / "stressgpu" / dst
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / src, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildPyWithData})

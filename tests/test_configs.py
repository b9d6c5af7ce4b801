"""Every config in conf/ composes and validates; the dataclasses are the one source of defaults."""
import inspect
import re
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir

from stressgpu.cli import CONF_DIR
from stressgpu.config import RunConfig, validate
from stressgpu.model import ModelParams
from stressgpu.modes import model_params
from stressgpu.shocks import SHOCKS, sizes_of
from stressgpu.shocks.base import allowed_range

CONF = Path(CONF_DIR)
SHOCK_FILES = sorted(p.stem for p in (CONF / "shock").glob("*.yaml"))
SCENARIOS = sorted(p.stem for p in (CONF / "scenario").glob("*.yaml"))
LAUNCHERS = {"local": "hydra_plugins.hydra_joblib_launcher", "slurm": "hydra_plugins.hydra_submitit_launcher",
             "submitit_local": "hydra_plugins.hydra_submitit_launcher",
             "ray_local": "hydra_plugins.hydra_ray_launcher", "ray_cluster": "hydra_plugins.hydra_ray_launcher"}


def cfg(*overrides, hydra=False):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides), return_hydra_config=hydra)


def test_every_shock_has_a_file_and_a_schema():
    assert SHOCK_FILES == sorted(SHOCKS)


@pytest.mark.parametrize("shock", SHOCK_FILES)
def test_every_shock_composes_to_its_dataclass_defaults(shock):
    run, shocks = validate(cfg(f"+shock={shock}"))
    cls = SHOCKS[shock][0]
    assert list(shocks) == [shock] and isinstance(shocks[shock], cls)
    assert sizes_of(shocks[shock]) == sizes_of(cls())  # the YAML sets no value of its own
    assert run == RunConfig(shock=run.shock)          # nor does config.yaml


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_composes_and_validates(scenario):
    run, shocks = validate(cfg(f"+scenario={scenario}"))
    assert len(shocks) >= 1 and run.scenario_name == scenario


@pytest.mark.parametrize("launcher", sorted(p.stem for p in (CONF / "hydra" / "launcher").glob("*.yaml")))
def test_every_launcher_composes(launcher):
    pytest.importorskip(LAUNCHERS[launcher])
    c = cfg("+shock=deepseek", f"hydra/launcher={launcher}", hydra=True)
    assert c.hydra.launcher._target_
    validate(c)


def test_shocks_compose_on_the_command_line():
    _, shocks = validate(cfg("+shock=[deepseek,rate_hike]", "shock.deepseek.k=20"))
    assert set(shocks) == {"deepseek", "rate_hike"} and shocks["deepseek"].k == 20


def test_yaml_files_only_compose_and_document():
    """No YAML in conf/ redefines a default of the dataclasses: shock files hold only their
    defaults list; config.yaml only its defaults list and Hydra's own settings."""
    for name in SHOCK_FILES:
        body = yaml.safe_load((CONF / "shock" / f"{name}.yaml").read_text())
        assert set(body) == {"defaults"}, name
    assert set(yaml.safe_load((CONF / "config.yaml").read_text())) == {"defaults", "hydra"}


@pytest.mark.parametrize("shock", [s for s in SHOCK_FILES if s != "idiosyncratic_default"])
def test_shock_yaml_documents_the_dataclass(shock):
    """The table in each shock file states the dataclass's defaults and allowed ranges."""
    cls = SHOCKS[shock][0]
    text = (CONF / "shock" / f"{shock}.yaml").read_text()
    rows = {m.group(1): m for m in re.finditer(r"^# (\w+)\s+([\d.]+)\s+\[([\d.]+), ([\d.]+)\]", text, re.M)}
    assert set(rows) == set(sizes_of(cls())), shock
    for size, m in rows.items():
        assert float(m.group(2)) == getattr(cls(), size), (shock, size)
        assert (float(m.group(3)), float(m.group(4))) == allowed_range(cls, size), (shock, size)
    assert "truncated" in text


def test_model_params_come_from_the_config():
    """Every number and switch of the model is a config key: nothing falls back to a second
    default written in model/params.py."""
    wanted = set(inspect.signature(ModelParams).parameters) - {"record_paths"}
    run, _ = validate(cfg())
    have = {f.name for f in fields(run.model)} | {f.name for f in fields(run.channels)}
    assert wanted <= have, wanted - have
    p = model_params(validate(cfg("model.alpha=0.5", "model.impact=linear", "channels.fire_sales=false"))[0])
    assert p.alpha == 0.5 and p.impact == "linear" and type(p.impact) is str and p.fire_sales is False


def test_choices_are_enums_and_unknown_choices_fail_to_compose():
    from hydra.errors import ConfigCompositionException

    run, _ = validate(cfg("precision=float64", "mode=reverse", "target.lender_kind=pension_fund"))
    assert run.precision == "float64" and run.mode == "reverse" and run.target.lender_kind == "pension_fund"
    with pytest.raises(ConfigCompositionException, match="lender_kind"):
        cfg("target.lender_kind=hedge_fund")


def _float_keys(obj, prefix=""):
    for f in fields(obj):
        value = getattr(obj, f.name)
        if hasattr(value, "__dataclass_fields__"):
            yield from _float_keys(value, f"{prefix}{f.name}.")
        elif isinstance(value, float):
            yield f"{prefix}{f.name}"


NUMBERS = [k for k in _float_keys(RunConfig())] + [
    f"shock.{name}.{size}" for name, (cls, _) in SHOCKS.items() for size in sizes_of(cls())]


@pytest.mark.parametrize("key", NUMBERS)
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
def test_every_number_rejects_nan_and_infinity(key, bad):
    from omegaconf import OmegaConf

    from stressgpu.config import ConfigError

    node = {}
    *path, last = key.split(".")
    leaf = node
    for part in path:
        leaf = leaf.setdefault(part, {})
    leaf[last] = bad
    with pytest.raises(ConfigError, match=re.escape(f"{key}={bad:g}")):
        validate(OmegaConf.create(node))


def test_library_defaults_of_the_model_agree_with_the_config():
    """``ModelParams()`` (the library's defaults, for API users) takes every default from the
    config dataclasses, so a run and the library agree: a default lives in stressgpu/config.py only."""
    from dataclasses import replace

    lib = ModelParams()
    assert replace(model_params(RunConfig()), tile=lib.tile) == lib

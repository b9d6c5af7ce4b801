"""The persistent compilation cache (config key ``compile_cache``): where it goes, what it
refuses, that compiled programs land there, and that it does not change a run's identity."""
import re
from pathlib import Path

import jax
import jax.numpy as jnp
import pytest
from hydra import compose, initialize_config_dir

from stressgpu.cli import CONF_DIR, prepare
from stressgpu.compile_cache import cache_dir, free_programs_near_map_limit, machine_tag, memory_maps, use_compile_cache
from stressgpu.config import ConfigError, validate


def cfg(*overrides):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        return compose(config_name="config", overrides=list(overrides))


@pytest.fixture
def restore_cache():
    """Each test leaves the process's cache as the session had it."""
    before = jax.config.jax_compilation_cache_dir
    min_time = jax.config.jax_persistent_cache_min_compile_time_secs
    yield
    from jax.experimental.compilation_cache import compilation_cache as cc
    jax.config.update("jax_compilation_cache_dir", before)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", min_time)
    cc.reset_cache()


def test_cache_dir_of_each_setting(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    assert cache_dir("auto", env) == tmp_path / "stressgpu" / "xla" / machine_tag()
    assert cache_dir("auto", {**env, "JAX_COMPILATION_CACHE_DIR": "/elsewhere"}) is None  # JAX's own wins
    assert cache_dir("off", env) is None
    assert cache_dir("~/jit", env) == Path.home() / "jit"
    assert cache_dir("auto", {}).parent == Path.home() / ".cache" / "stressgpu" / "xla"


def test_machine_tag_is_stable_hex():
    tag = machine_tag()
    assert re.fullmatch(r"[0-9a-f]{12}", tag) and tag == machine_tag()


def test_bad_settings_name_the_key(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("")
    with pytest.raises(ConfigError, match=re.escape(f"compile_cache={a_file}: exists and is not a directory")):
        validate(cfg(f"compile_cache={a_file}"))
    with pytest.raises(ConfigError, match="compile_cache='': allowed values are auto, off or a directory"):
        validate(cfg("compile_cache=''"))
    with pytest.raises(ConfigError, match=re.escape(f"compile_cache={a_file / 'sub'}: cannot create the directory")):
        use_compile_cache(str(a_file / "sub"))


def test_compiled_programs_land_in_the_cache(tmp_path, restore_cache, monkeypatch):
    """Even a program that compiles in milliseconds is kept (JAX alone keeps those of 1 s or more)."""
    monkeypatch.delenv("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", raising=False)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 1.0)
    assert use_compile_cache(str(tmp_path)) == tmp_path
    jax.jit(lambda x: jnp.cumsum(jnp.sin(x) * 3.0))(jnp.arange(7.0)).block_until_ready()
    assert any(tmp_path.iterdir()), "a small program was not written to the cache"
    assert use_compile_cache("off") is None and jax.config.jax_compilation_cache_dir is None


def test_users_own_minimum_compile_time_is_kept(tmp_path, restore_cache, monkeypatch):
    monkeypatch.setenv("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "5")
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 5.0)
    use_compile_cache(str(tmp_path))
    assert jax.config.jax_persistent_cache_min_compile_time_secs == 5.0


def test_cache_setting_does_not_change_the_run_id(tmp_path, restore_cache):
    ids = {prepare(cfg("+shock=deepseek", f"compile_cache={where}"), tmp_path).run_id
           for where in ("off", str(tmp_path / "c"))}
    assert len(ids) == 1


def test_compiled_programs_are_freed_only_near_the_map_limit():
    counts = memory_maps()
    if counts is None:
        pytest.skip("no /proc: the process's memory maps are not known here")
    used, limit = counts
    assert 0 < used < limit
    double = jax.jit(lambda x: 2 * x)
    double(jnp.ones(3))
    assert double._cache_size() == 1
    assert not free_programs_near_map_limit(share=1.0) and double._cache_size() == 1   # far from the limit: kept
    assert free_programs_near_map_limit(share=0.0) and double._cache_size() == 0       # past it: freed

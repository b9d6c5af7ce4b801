"""GPU-ready without a GPU (issue 14, item 3): the clearing kernel and the jitted full quarterly
model lower for CUDA with ``jax.export`` (``platforms=["cuda"]``) on a CPU-only machine, and
the exported modules call no CPU-only custom call (LAPACK, DUCC FFT, a host callback, ...).

``jax.export`` lowers with the CUDA lowering rules of jaxlib itself; the CUDA plugin
(``jax[cuda12]``) is only needed to *run* the module. A custom call is a kernel outside XLA:
its target must exist on the GPU, so every target must be a known CUDA library's
(``cusolver*``, ``cublas*``, ``cu_*``, ...) or a platform-neutral sharding marker. Any other
target (``lapack_*``, ``ducc_*``, ``*cpu*``, a Python callback) would fail at load time on the GPU.
"""
import re
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from jax import export

from stressgpu.channels.clearing import METHODS, ClearingNetwork, ClearingParams, EdgeNetwork
from stressgpu.channels.clearing_batch import solve_clearing
from stressgpu.cli import CONF_DIR
from stressgpu.config import validate
from stressgpu.data import load_tables
from stressgpu.diagnostics import diagnose, exposures_at_start
from stressgpu.batch import simulate
from stressgpu.model import ModelParams
from stressgpu.modes import model_params
from stressgpu.montecarlo import _reduce, baseline_outcome
from stressgpu.network import build_network
from stressgpu.shocks import draw_factors

EMBEDDED = Path(__file__).parents[1] / "data"

# Custom-call targets that exist on an NVIDIA GPU: the CUDA libraries' kernels jaxlib ships in
# its CUDA plugin, and markers every backend understands (sharding annotations).
CUDA_PREFIXES = ("cu", "cusolver", "cublas", "cusparse", "cudnn", "__cudnn", "__cublas", "triton")
NEUTRAL = {"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "annotate_device_placement",
           "MoveToHost", "MoveToDevice"}
CPU_ONLY = re.compile(r"lapack|ducc|cpu|host_callback|python_cpu_callback|xla_ffi_python", re.I)


def custom_call_targets(mlir: str) -> set[str]:
    """Every custom-call target of a StableHLO module's text (pretty and generic forms)."""
    return set(re.findall(r"custom_call\s+@([\w.$-]+)", mlir)) | set(
        re.findall(r'call_target_name\s*=\s*"([^"]+)"', mlir))


def foreign_targets(mlir: str) -> list[str]:
    """Targets that would not run on a GPU: CPU-only ones, or any that is neither CUDA nor neutral."""
    return sorted(t for t in custom_call_targets(mlir)
                  if CPU_ONLY.search(t) or not (t.startswith(CUDA_PREFIXES) or t in NEUTRAL))


def export_cuda(fn, *args) -> export.Exported:
    """``fn(*args)`` exported for CUDA, with its inputs and outputs as flat lists of arrays (the
    model's own PyTree classes then need no registration for serialisation; their static
    switches are fixed by the tree structure, as under ``jit``)."""
    leaves, tree = jax.tree_util.tree_flatten(args)

    def flat(*xs):
        return jax.tree_util.tree_leaves(fn(*jax.tree_util.tree_unflatten(tree, xs)))
    exp = export.export(jax.jit(flat), platforms=["cuda"])(*leaves)
    assert exp.platforms == ("cuda",)
    return exp


def assert_gpu_only(exp: export.Exported, what: str) -> str:
    mlir = exp.mlir_module()
    bad = foreign_targets(mlir)
    assert not bad, (f"{what}: the CUDA export calls custom-call targets that do not exist on a GPU: {bad} "
                     f"(all targets: {sorted(custom_call_targets(mlir))})")
    try:  # serialisable and reloadable: what a GPU machine would load without re-tracing
        import flatbuffers  # noqa: F401 - jax.export's serialisation needs it (in the test extra)
    except ImportError:
        return mlir
    again = export.deserialize(exp.serialize())
    shapes = lambda avals: [(a.shape, a.dtype) for a in avals]  # noqa: E731 - weak types are not kept
    assert again.platforms == ("cuda",) and shapes(again.in_avals) == shapes(exp.in_avals)
    assert shapes(again.out_avals) == shapes(exp.out_avals)
    return mlir


def _clearing_net(n: int, dtype):
    rng = np.random.default_rng(0)
    liab = rng.uniform(0.0, 1.0, (n, n)) * (rng.uniform(size=(n, n)) < 0.4)
    np.fill_diagonal(liab, 0.0)
    stakes = rng.uniform(0.0, 0.05, (n, n)) * (rng.uniform(size=(n, n)) < 0.2)
    np.fill_diagonal(stakes, 0.0)
    return (ClearingNetwork(jnp.asarray(liab, dtype), jnp.ones(n, dtype), jnp.asarray(stakes, dtype)),
            jnp.asarray(rng.uniform(0.0, 2.0, (16, n)), dtype))


def test_the_check_catches_a_cpu_only_call():
    """The same linear solve exported for CPU calls LAPACK: the check must flag it."""
    a = jnp.eye(4, dtype=jnp.float32) * 2.0
    mlir = export.export(jax.jit(jnp.linalg.solve), platforms=["cpu"])(a, jnp.ones(4, jnp.float32)).mlir_module()
    assert any("lapack" in t for t in foreign_targets(mlir)), custom_call_targets(mlir)
    cuda = export_cuda(jnp.linalg.solve, a, jnp.ones(4, jnp.float32)).mlir_module()
    assert foreign_targets(cuda) == [] and any(t.startswith("cusolver") for t in custom_call_targets(cuda))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [jnp.float32, jnp.float64])
def test_clearing_kernel_exports_for_cuda(method, dtype):
    """Each clearing method, batched (the Monte Carlo's ``[B, N]`` call), with Rogers–Veraart
    costs, forced defaults and cross-holdings."""
    net, e = _clearing_net(12, dtype)
    params = ClearingParams(jnp.asarray(0.6, dtype), jnp.asarray(0.9, dtype))
    forced = jnp.zeros(e.shape, bool).at[:, 0].set(True)
    exp = export_cuda(lambda net, e, forced: solve_clearing(net, e, forced_default=forced, params=params,
                                                            method=method, size=None), net, e, forced)
    assert_gpu_only(exp, f"solve_clearing(method={method!r}, {jnp.dtype(dtype).name})")


@pytest.mark.parametrize("closed_over", [False, True])
def test_sparse_network_exports_for_cuda(closed_over):
    """A large sparse network given as links (:class:`EdgeNetwork`, N = 160, E = 320: the
    batched Picard's link form, whose inflows are segment sums over the links), as an argument
    of the exported function or closed over as a constant."""
    n, links = 160, 320
    rng = np.random.default_rng(1)
    src = rng.integers(0, n, links)
    dst = (src + rng.integers(1, n, links)) % n          # no self-loops
    onehot = lambda i: jnp.asarray(np.eye(n)[i], jnp.float32)  # noqa: E731
    net = EdgeNetwork(jnp.asarray(rng.uniform(0.1, 1.0, links), jnp.float32), onehot(src), onehot(dst),
                      jnp.ones(n, jnp.float32), None)
    e = jnp.asarray(rng.uniform(0.0, 2.0, (64, n)), jnp.float32)
    if closed_over:
        exp = export_cuda(lambda e: solve_clearing(net, e), e)
    else:
        exp = export_cuda(lambda net, e: solve_clearing(net, e), net, e)
    assert_gpu_only(exp, f"solve_clearing(EdgeNetwork, closed_over={closed_over})")


def _embedded_run(*overrides):
    with initialize_config_dir(config_dir=CONF_DIR, version_base="1.3"):
        cfg = compose(config_name="config", overrides=["+scenario=everything", *overrides])
    run, shocks = validate(cfg)
    net, labels = build_network(load_tables(EMBEDDED), run.start, run.horizon, jnp.float32)
    return run, shocks, net, labels


@pytest.mark.slow
def test_full_quarterly_model_exports_for_cuda():
    """The jitted full model v2 on the embedded network with every shock of the library (the
    configured parameters, untiled as on a GPU), and what a Monte Carlo chunk runs around it:
    the scenario draw, the baseline, the DebtRank/Furfine diagnostics and the on-device reduction."""
    run, shocks, net, labels = _embedded_run()
    params = model_params(run, tile=0)  # tile=null resolves to 0 (no tiling) on a GPU
    assert isinstance(params, ModelParams) and params.fire_sales and params.commitments
    key = jax.random.PRNGKey(0)
    draw = lambda k: draw_factors(shocks, labels, k, 32, correlation=0.5, revenue_noise=0.1,  # noqa: E731
                                  dtype=jnp.float32)
    factors, _ = draw(key)

    mlir = assert_gpu_only(export_cuda(simulate, net, factors, params), "dynamics.simulate")
    assert "stablehlo.while" in mlir  # the quarter scan and the fixed points are on the device
    assert_gpu_only(export_cuda(draw, key), "shocks.draw_factors")
    assert_gpu_only(export_cuda(baseline_outcome, net, params), "montecarlo.baseline_outcome")
    exposures = exposures_at_start(net)
    assert_gpu_only(export_cuda(diagnose, net, exposures, factors), "diagnostics.diagnose")

    def chunk(net, factors, params):
        base = jax.tree_util.tree_map(lambda x: x[None], baseline_outcome(net, params))
        o = simulate(net, factors, params)
        valid = jnp.arange(32) < 30
        return _reduce(o, base, net.cross_holdings, valid, jnp.ones((32, 1), jnp.float32), net.kind)
    assert_gpu_only(export_cuda(chunk, net, factors, params), "a Monte Carlo chunk (simulate + _reduce)")


@pytest.mark.slow
def test_tiled_float64_model_exports_for_cuda():
    """The CPU's tiled layout and a float64 run lower for CUDA as well (mc.precision=float64)."""
    run, shocks, net, labels = _embedded_run()
    with jax.enable_x64(True):
        net64 = jax.tree_util.tree_map(lambda x: x.astype(jnp.float64) if x.dtype == jnp.float32 else x, net)
        factors, _ = draw_factors(shocks, labels, jax.random.PRNGKey(1), 16, dtype=jnp.float64)
        exp = export_cuda(simulate, net64, factors, model_params(run, tile=8))
        assert_gpu_only(exp, "dynamics.simulate (float64, tile=8)")

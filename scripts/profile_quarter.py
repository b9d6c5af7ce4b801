"""Where a quarter of the full model spends its time, by mechanism.

Runs :func:`stressgpu.batch.simulate` on the embedded network with DeepSeek draws once to
compile and warm up, then once under ``jax.profiler``, and splits the device time of every
operation by the named scope it was traced under (``flows``, ``clearing``,
``default_resolution``, ``fire_sale``, ``covenants``; ``other``: the quarter's bookkeeping and
the horizon's valuation; ``unnamed``: copies and loop control the compiler added). It prints
the table and the slowest operations of each mechanism, with their shapes.

    python scripts/profile_quarter.py                 # B = 1,024 scenarios, float32
    python scripts/profile_quarter.py --batch 4096 --top 5

The trace is JAX's own (``jax.profiler.start_trace``, TensorBoard/Perfetto format); this script
reads its JSON and the compiled program's ``op_name`` metadata, so it needs nothing else.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCOPES = ("fire_sale", "clearing", "default_resolution", "covenants", "flows")  # innermost first


def _args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=1024, help="scenarios in the profiled call")
    ap.add_argument("--top", type=int, default=3, help="slowest operations listed per mechanism")
    ap.add_argument("--seed", type=int, default=1)
    return ap.parse_args(argv)


def _scope_of(op_name: str) -> str:
    for s in SCOPES:
        if f"/{s}/" in op_name or op_name.endswith(f"/{s}"):
            return s
    return "other"


def _op_names(hlo_text: str) -> dict[str, tuple[str, str]]:
    """Instruction name -> (result shape, op_name metadata) of a compiled program's text."""
    out = {}
    for m in re.finditer(r"\n\s*(?:ROOT )?%([\w.\-]+) = (\S+) [^\n]*?op_name=\"([^\"]*)\"", hlo_text):
        out[m.group(1)] = (m.group(2), m.group(3))
    return out


def _events(trace_dir: Path) -> list[dict]:
    files = sorted(trace_dir.glob("plugins/profile/*/*.trace.json.gz"))
    if not files:
        sys.exit(f"no trace written under {trace_dir}")
    with gzip.open(files[-1]) as f:
        return [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]


def main(argv=None) -> int:
    args = _args(argv)
    sys.path.insert(0, str(REPO / "src"))
    from stressgpu._cpu import configure_cpu_devices
    configure_cpu_devices()   # the command line's CPU set-up (one single-threaded device), before JAX starts
    import jax
    import jax.numpy as jnp

    from stressgpu.data import load_tables
    from stressgpu import ModelParams, simulate
    from stressgpu.network import build_network
    from stressgpu.shocks import SHOCKS, draw_factors

    net, labels = build_network(load_tables(REPO / "data"), dtype=jnp.float32)
    f, _ = draw_factors({"deepseek": SHOCKS["deepseek"][0]()}, labels, jax.random.PRNGKey(args.seed), args.batch,
                        dtype=jnp.float32)
    params = ModelParams()
    compiled = simulate.lower(net, f, params).compile()
    names = _op_names(compiled.as_text())
    jax.block_until_ready(compiled(net, f, params))
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        jax.block_until_ready(compiled(net, f, params))
        times.append(time.perf_counter() - t0)
    wall = sorted(times)[1]
    with tempfile.TemporaryDirectory() as tmp:
        jax.profiler.start_trace(tmp)
        jax.block_until_ready(compiled(net, f, params))
        jax.profiler.stop_trace()
        events = _events(Path(tmp))
    by_scope, count = collections.Counter(), collections.Counter()
    by_op, op_count = collections.Counter(), collections.Counter()
    for e in events:
        name = e["name"]
        if name.startswith(("while", "ThunkExecutor", "$", "Pjit", "Common")):   # containers, not work
            continue
        shape, op_name = names.get(name, ("", ""))
        scope = _scope_of(op_name) if op_name else "unnamed"
        by_scope[scope] += e["dur"]
        count[scope] += 1
        by_op[(scope, name, shape)] += e["dur"]
        op_count[(scope, name, shape)] += 1
    total = sum(by_scope.values())
    print(f"simulate, B = {args.batch:,}, N = {net.n}, T = {net.quarters}, float32, {jax.default_backend()}: "
          f"{wall:.2f} s a call untraced (median of 3, {args.batch / wall:,.0f} scen/s); the traced call's operations:")
    print(f"{'mechanism':20s} {'ms':>8s} {'share':>6s} {'ops run':>9s}")
    for scope, us in by_scope.most_common():
        print(f"{scope:20s} {us / 1e3:8.1f} {100 * us / total:5.1f}% {count[scope]:9,d}")
        slow = sorted(((v, k) for k, v in by_op.items() if k[0] == scope), reverse=True)[:args.top]
        for v, (_, name, shape) in slow:
            print(f"    {v / 1e3:7.1f} ms  {op_count[(scope, name, shape)]:6,d} x {name} {shape}")
    print(f"{'total':20s} {total / 1e3:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

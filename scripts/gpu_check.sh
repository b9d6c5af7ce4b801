#!/usr/bin/env bash
# GPU check (issue 14, item 3): on a machine with an NVIDIA GPU, install stressgpu with the CUDA
# extra in a fresh virtual environment, show the GPU, run the benchmark and a 10^6-scenario main
# job, then run one seed on the GPU and on the CPU and compare their numbers.
#
#   scripts/gpu_check.sh                         # from anywhere; results in gpu_check_results/<time>/
#
# Settings (environment variables):
#   GPU_CHECK_OUT=DIR            where results go (default: gpu_check_results/<UTC time> in the repo)
#   GPU_CHECK_VENV=DIR           the virtual environment (default: .gpu-venv in the repo; made fresh)
#   GPU_CHECK_SKIP_INSTALL=1     use the python already on PATH (jax[cuda12] installed) instead
#   GPU_CHECK_SCENARIOS=N        the main job's scenarios (default 1000000)
#   GPU_CHECK_COMPARE_SCENARIOS=N   scenarios of the GPU-vs-CPU comparison (default 4096)
#   GPU_CHECK_RTOL=x             tolerance of that comparison at the GPU's default matmul precision
#                                (default 1e-2; float32 matmuls may run in TF32 there)
#   GPU_CHECK_SKIP_BENCH=1       skip scripts/bench.py --quick
#   GPU_CHECK_DRY_RUN=1          test this script on a machine without a GPU: no nvidia-smi needed,
#                                and the "GPU" runs are CPU runs (combine with small counts:
#                                GPU_CHECK_SCENARIOS=2048 GPU_CHECK_COMPARE_SCENARIOS=256
#                                GPU_CHECK_SKIP_INSTALL=1 GPU_CHECK_SKIP_BENCH=1)
#
# Every step must succeed (set -euo pipefail); the first failure stops the script with its
# exit code and the step's name. Everything each step printed is kept in $OUT/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${GPU_CHECK_OUT:-$ROOT/gpu_check_results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SCEN=${GPU_CHECK_SCENARIOS:-1000000}
CMP=${GPU_CHECK_COMPARE_SCENARIOS:-4096}
CHUNK=1024    # the same chunks on both devices: chunk c is drawn from fold_in(seed, c)
SEED=20260101
DRY=${GPU_CHECK_DRY_RUN:-0}
GPU=gpu; [ "$DRY" = 1 ] && GPU=cpu   # the backend the "GPU" runs must report
step=start
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "gpu_check: FAILED at step \"$step\" (exit $rc); logs in $OUT" >&2; fi' EXIT
say() { printf '\n=== %s ===\n' "$*"; }
logged() { local name=$1; shift; "$@" 2>&1 | tee "$OUT/$name.log"; }

step="nvidia-smi"
say "GPU (nvidia-smi)"
if [ "$DRY" = 1 ]; then
  echo "GPU_CHECK_DRY_RUN=1: no GPU needed; every run below runs on the CPU" | tee "$OUT/nvidia-smi.log"
else
  command -v nvidia-smi >/dev/null || { echo "gpu_check: nvidia-smi not found: this is not a machine with an NVIDIA driver" >&2; exit 1; }
  logged nvidia-smi nvidia-smi
fi

step="install"
if [ "${GPU_CHECK_SKIP_INSTALL:-0}" = 1 ]; then
  say "using $(command -v python) (GPU_CHECK_SKIP_INSTALL=1)"
else
  VENV=${GPU_CHECK_VENV:-$ROOT/.gpu-venv}
  say "virtual environment $VENV: pip install -e '.[cuda,test]'"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC1091
  . "$VENV/bin/activate"
  python -m pip install -q --upgrade pip
  logged install pip install -e "$ROOT[cuda,test]"
fi

step="jax.devices"
say "JAX devices"
logged devices python - "$GPU" <<'EOF'
import sys
import jax, jaxlib
print("jax", jax.__version__, "jaxlib", jaxlib.__version__)
print("devices:", jax.devices())
print("default backend:", jax.default_backend())
if jax.default_backend() != sys.argv[1]:
    raise SystemExit("gpu_check: JAX found no GPU (is jax[cuda12] installed and the driver recent enough?)")
for d in jax.local_devices():
    print(d, d.device_kind, {k: v for k, v in (d.memory_stats() or {}).items() if k in ("bytes_limit", "bytes_in_use")})
EOF

step="bench"
if [ "${GPU_CHECK_SKIP_BENCH:-0}" != 1 ]; then
  say "scripts/bench.py --quick"
  logged bench python scripts/bench.py --quick --out "$OUT/bench"
fi

step="main job"
say "main job: $SCEN scenarios on the GPU"
t0=$(date +%s)
logged main python -m stressgpu +shock=deepseek mc.scenarios="$SCEN" report.progress=false \
  hydra.run.dir="$OUT/main_$SCEN"
t1=$(date +%s)
test -s "$OUT/main_$SCEN/summary.json"
python - "$OUT/main_$SCEN/summary.json" $((t1 - t0)) "$GPU" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"main job: {s['scenarios']:,} scenarios on {s['backend']} ({s['devices']} device(s)), "
      f"{s['seconds']:.1f} s in the Monte Carlo, {sys.argv[2]} s wall with start-up; "
      f"{s['scenarios_per_second']:,.0f} scenarios/s; not converged: {s['not_converged']}")
if s["backend"] != sys.argv[3]:
    raise SystemExit("gpu_check: the main job did not run on the GPU")
EOF

# The same seed and chunks on both devices: the GPU with one visible device, the CPU with
# XLA's 8 host devices (both divide the chunk, so every chunk is drawn alike).
compare_pair() {  # NAME, extra env for both runs
  local name=$1; shift
  step="compare $name: GPU run"
  say "GPU vs CPU ($name): $CMP scenarios, seed $SEED"
  env "$@" CUDA_VISIBLE_DEVICES="${CUDA_VISIBLE_DEVICES:-0}" python -m stressgpu +shock=deepseek \
    mc.scenarios="$CMP" mc.chunk_size=$CHUNK mc.seed=$SEED report.progress=false report.plots=false \
    hydra.run.dir="$OUT/compare_${name}_gpu" > "$OUT/compare_${name}_gpu.log" 2>&1
  step="compare $name: CPU run"
  env "$@" JAX_PLATFORMS=cpu STRESSGPU_CPU_DEVICES=8 python -m stressgpu +shock=deepseek \
    mc.scenarios="$CMP" mc.chunk_size=$CHUNK mc.seed=$SEED report.progress=false report.plots=false \
    hydra.run.dir="$OUT/compare_${name}_cpu" > "$OUT/compare_${name}_cpu.log" 2>&1
  step="compare $name: backends"
  python - "$OUT/compare_${name}_gpu/summary.json" "$GPU" "$OUT/compare_${name}_cpu/summary.json" cpu <<'EOF'
import json, sys
for path, want in zip(sys.argv[1::2], sys.argv[2::2]):
    got = json.load(open(path))["backend"]
    if got != want:
        raise SystemExit(f"gpu_check: {path} ran on {got}, not {want}")
EOF
}
# A default or a fire sale that flips in one scenario moves a probability or a count by 1/N.
ATOL=$(python -c "print(2.0 / $CMP)")

# 1. Full float32 matmuls on both: the same model must give the same numbers to rounding.
compare_pair highest JAX_DEFAULT_MATMUL_PRECISION=highest
step="compare highest: numbers"
logged compare_highest python scripts/compare_runs.py "$OUT/compare_highest_gpu" "$OUT/compare_highest_cpu" \
  --rtol 1e-3 --atol "$ATOL"
# 2. The GPU's default precision (what a plain run uses; TF32 on Ampere and later).
compare_pair default -u JAX_DEFAULT_MATMUL_PRECISION
step="compare default: numbers"
logged compare_default python scripts/compare_runs.py "$OUT/compare_default_gpu" "$OUT/compare_default_cpu" \
  --rtol "${GPU_CHECK_RTOL:-1e-2}" --atol "$ATOL"

step=done
say "gpu_check: all steps passed"
echo "results in $OUT:"
ls -1 "$OUT"

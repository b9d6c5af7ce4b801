#!/usr/bin/env bash
# Run the main job for no shock, every shock of conf/shock/ and every scenario of conf/scenario/
# into OUT/<name>/ (same seed, 1,024 scenarios, no plots): the inputs of
# `scripts/compare_runs.py` when a change must leave the numbers as they were.
#
#   scripts/run_named.sh OUT [extra hydra overrides...]
#
# Run it from the tree whose numbers you want (e.g. a `git worktree` of the commit before).
set -euo pipefail
out=$(realpath -m "$1"); shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
run() {  # NAME OVERRIDES...
  local name=$1; shift
  [ -s "$out/$name/summary.json" ] && return 0
  python -m stressgpu mc.scenarios=1024 report.plots=false report.progress=false \
    hydra.run.dir="$out/$name" "$@" >"$out/$name.log" 2>&1 || { echo "FAILED: $name (see $out/$name.log)"; return 1; }
  echo "ok: $name"
}
run none
for f in "$root"/conf/shock/*.yaml; do n=$(basename "$f" .yaml); run "shock_$n" "+shock=$n"; done
for f in "$root"/conf/scenario/*.yaml; do n=$(basename "$f" .yaml); run "scenario_$n" "+scenario=$n"; done

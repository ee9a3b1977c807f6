#!/usr/bin/env bash
# Failure-model study: Branin and Hartmann-6 with a hidden crash region
# (tests/plugins/crash_region.c: a disk / a slab covering a quarter of the
# box, the optimum outside it), each run with acquisition.failure_model
# gpc, radius and none over a list of seeds; prints, per problem and model,
# the failed evaluations (median, worst) and the final simple regret of the
# best successful value (median, worst). docs/evidence-failures.md holds
# the figures it printed.
#
# Usage: scripts/failure-study.sh [--seeds N] [--from S] [--jobs J] [--build DIR]
#        [--out DIR] [--problems branin,hartmann6] [--models gpc,radius,none]
# Seeds S..S+N-1 (default 1..10), J runs at once (default 2), bo-run and the test
# plugins from DIR (default build/), run folders under OUT (default
# studies/failures/). A complete run folder is reused, so an interrupted
# study continues where it stopped.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib/study-runs.sh"
seeds=10
first=1
jobs=2
build="$root/build"
out="studies/failures"
problems="branin,hartmann6"
models="gpc,radius,none"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --from) first="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --problems) problems="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    -h|--help) sed -n '10,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "failure-study.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
bo_run="$build/bo-run"
plugin="$build/test-plugins/crash_region.so"
require_built failure-study.sh "$bo_run" "$plugin"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Budgets as in configs/branin.yaml and configs/hartmann6.yaml: 10 LHS
# points, then 30 (Branin) or 90 (Hartmann-6) chosen by the acquisition
# (the default, log-EI with stall_explore). No stop on consecutive failures:
# the study counts them.
write_config() { # problem model file
  local problem="$1" model="$2" file="$3" inputs evals
  if [ "$problem" = branin ]; then
    inputs="  - {name: x1, lower: -5, upper: 10}
  - {name: x2, lower: 0, upper: 15}"
    evals=40
  else
    inputs=""
    for i in 1 2 3 4 5 6; do
      inputs+="  - {name: x$i, lower: 0, upper: 1}"$'\n'
    done
    inputs="${inputs%$'\n'}"
    evals=100
  fi
  cat >"$file" <<EOF
name: ${problem}_crash_${model}
seed: 1
goal: minimize
objective:
  plugin: $plugin
  params: {problem: $problem}
inputs:
$inputs
acquisition: {failure_model: $model}
initial_design: {method: lhs, size: 10}
budget: {max_evaluations: $evals, max_consecutive_failures: 0}
output: {plot: none}
EOF
}

IFS=, read -r -a plist <<<"$problems"
IFS=, read -r -a mlist <<<"$models"
tasks=()
for p in "${plist[@]}"; do
  for m in "${mlist[@]}"; do
    write_config "$p" "$m" "$out/$p-$m.yaml"
    for s in $(seq "$first" $((first + seeds - 1))); do
      tasks+=("$p $m $s")
    done
  done
done
run_tasks "${tasks[@]}"
echo "runs: ${#tasks[@]} in $run_seconds s (jobs $jobs)"

python3 - "$out" "$first" "$seeds" "$problems" "$models" <<'EOF'
import csv, statistics, sys, os
out, first, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
problems, models = sys.argv[4].split(','), sys.argv[5].split(',')
optimum = {"branin": 0.39788735772973816, "hartmann6": -3.3223680114155147}
print(f"seeds {first}-{first + seeds - 1}; failures = failed evaluations of the run; regret = best successful value - optimum")
print("| problem | failure_model | failures median | failures worst | of them after the design (median) | regret median | regret worst | runs |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
status = 0
for p in problems:
    for m in models:
        fails, later, regrets = [], [], []
        for s in range(first, first + seeds):
            d = os.path.join(out, p, m, f"seed-{s}")
            try:
                code = open(os.path.join(d, "exit_status")).read().strip()
                rows = list(csv.DictReader(open(os.path.join(d, "history.csv"))))
            except OSError:
                code, rows = "missing", []
            if code != "0":
                print(f"warning: {d}: exit status {code}", file=sys.stderr)
                status = 1
                continue
            ok = [float(r["y"]) for r in rows if r["status"] == "ok"]
            fails.append(sum(1 for r in rows if r["status"] != "ok"))
            later.append(sum(1 for r in rows if r["status"] != "ok" and r["phase"] != "init"))
            regrets.append(min(ok) - optimum[p] if ok else float("inf"))
        if not fails:
            continue
        print(f"| {p} | {m} | {statistics.median(fails):g} | {max(fails)} | {statistics.median(later):g} | "
              f"{statistics.median(regrets):.3g} | {max(regrets):.3g} | {len(fails)} |")
sys.exit(status)
EOF

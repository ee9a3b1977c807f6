#!/usr/bin/env bash
# Constraint study: the constrained benchmark plugins (plugins/gardner_toy.c,
# plugins/gramacy_toy.c), each solved by
#   cei      bo-run with constraints: (log-EI weighted by P(feasible), the
#            default acquisition),
#   penalty  bo-run without constraints on y = f + P * sum_j max(0, c_j - u_j)
#            (the plugins' penalty param, P below), same model and budget,
#   random   uniform random points (numpy, seeded),
# over a list of seeds with 100 evaluations (bo-run: 10 LHS + 90). For
# every run the best *feasible* objective value is recomputed here from the
# evaluated points with the published formulas (not read from bo-run), and
# its simple regret against the tabulated optimum (verified by
# tests/test_constrained_benchmarks.c) is reported: median and worst over
# the seeds, and the evaluations until the first feasible point. Also
# writes OUT/curves.dat and OUT/constraints.gp (median regret against
# evaluations) and, with gnuplot, OUT/constraints.png.
# docs/evidence-constraints.md holds what it printed.
#
# Usage: scripts/constraint-study.sh [--seeds N] [--from S] [--jobs J] [--build DIR]
#        [--out DIR] [--penalty P]
# Seeds S..S+N-1 (default 1..10), J runs at once (default 1), bo-run and the
# plugins from DIR (default build/), run folders under OUT (default
# studies/constraints/), penalty P (default 10). A complete run folder is
# reused, so an interrupted study continues where it stopped.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib/study-runs.sh"
seeds=10
first=1
jobs=1
build="$root/build"
out="studies/constraints"
penalty=10
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --from) first="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --penalty) penalty="$2"; shift 2 ;;
    -h|--help) sed -n '19,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "constraint-study.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
bo_run="$build/bo-run"
require_built constraint-study.sh "$bo_run" "$build/plugins/gardner_toy.so" \
  "$build/plugins/gramacy_toy.so"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

write_config() { # problem method file
  local problem="$1" method="$2" file="$3" inputs cons params=""
  if [ "$problem" = gardner_toy ]; then
    inputs="  - {name: x1, lower: 0, upper: 6}
  - {name: x2, lower: 0, upper: 6}"
    cons="constraints: [{name: c1, upper: 0.5}]"
  else
    inputs="  - {name: x1, lower: 0, upper: 1}
  - {name: x2, lower: 0, upper: 1}"
    cons="constraints: [{name: c1, upper: 0}, {name: c2, upper: 0}]"
  fi
  if [ "$method" = penalty ]; then
    cons=""
    params="  params: {penalty: $penalty}"
  fi
  cat >"$file" <<EOF
name: ${problem}_${method}
seed: 1
goal: minimize
objective:
  plugin: $build/plugins/$problem.so
$params
inputs:
$inputs
$cons
initial_design: {method: lhs, size: 10}
budget: {max_evaluations: 100, max_no_improvement: 100}
output: {plot: none}
EOF
}

tasks=()
for p in gardner_toy gramacy_toy; do
  for m in cei penalty; do
    write_config "$p" "$m" "$out/$p-$m.yaml"
    for s in $(seq "$first" $((first + seeds - 1))); do
      tasks+=("$p $m $s")
    done
  done
done
run_tasks "${tasks[@]}"
echo "bo-run runs: ${#tasks[@]} in $run_seconds s (jobs $jobs); penalty $penalty"

/usr/bin/python3 - "$out" "$first" "$seeds" "$penalty" <<'EOF'
import csv, math, os, statistics, sys
import numpy as np
out, first, seeds, penalty = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
N = 100

def gardner(x1, x2):
    return math.cos(2 * x1) * math.cos(x2) + math.sin(x1), [math.cos(x1) * math.cos(x2) - math.sin(x1) * math.sin(x2) - 0.5]
def gramacy(x1, x2):
    c1 = 1.5 - x1 - 2 * x2 - 0.5 * math.sin(2 * math.pi * (x1 * x1 - 2 * x2))
    return x1 + x2, [c1, x1 * x1 + x2 * x2 - 1.5]
problems = {  # formula, box, optimum (bo/report/benchmarks.c)
    "gardner_toy": (gardner, (0.0, 6.0), -2.0),
    "gramacy_toy": (gramacy, (0.0, 1.0), 0.5997880520100687),
}

def curve(points, fn, opt):
    """Best feasible regret after each evaluation (inf before a feasible one)."""
    best, reg = math.inf, []
    for x1, x2 in points:
        f, c = fn(x1, x2)
        if all(v <= 0.0 for v in c):
            best = min(best, f)
        reg.append(best - opt)
    return reg

curves = {}
status = 0
for p, (fn, (lo, hi), opt) in problems.items():
    for m in ("cei", "penalty", "random"):
        cs = []
        for s in range(first, first + seeds):
            if m == "random":
                rng = np.random.default_rng(s)
                pts = lo + (hi - lo) * rng.random((N, 2))
            else:
                d = os.path.join(out, p, m, f"seed-{s}")
                try:
                    code = open(os.path.join(d, "exit_status")).read().strip()
                    rows = list(csv.DictReader(open(os.path.join(d, "history.csv"))))
                except OSError:
                    code, rows = "missing", []
                if code != "0" or len(rows) != N:
                    print(f"warning: {d}: exit status {code}, {len(rows)} rows", file=sys.stderr)
                    status = 1
                    continue
                pts = [(float(r["x1"]), float(r["x2"])) for r in rows if r["status"] == "ok"]
            cs.append(curve(pts, fn, opt))
        curves[(p, m)] = cs

def fmt(v):
    return "none feasible" if math.isinf(v) else f"{v:.3g}"
print(f"seeds {first}-{first + seeds - 1}, {N} evaluations; regret = best feasible f - optimum")
print("| problem | method | median regret | worst regret | median regret at 30 evals | first feasible eval (median) | runs |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for (p, m), cs in curves.items():
    if not cs:
        continue
    final = [c[-1] for c in cs]
    at30 = [c[29] for c in cs]
    firsts = [next((i + 1 for i, v in enumerate(c) if not math.isinf(v)), math.inf) for c in cs]
    print(f"| {p} | {m} | {fmt(statistics.median(final))} | {fmt(max(final))} | "
          f"{fmt(statistics.median(at30))} | {statistics.median(firsts):g} | {len(cs)} |")

with open(os.path.join(out, "curves.dat"), "w") as f:
    f.write("# eval, then per problem and method the median best feasible regret (1e1 = none feasible yet)\n")
    keys = [k for k in curves if curves[k]]
    f.write("# " + " ".join(f"{p}:{m}" for p, m in keys) + "\n")
    for i in range(N):
        vals = []
        for k in keys:
            v = statistics.median(c[i] for c in curves[k])
            vals.append(10.0 if math.isinf(v) else max(v, 1e-12))
        f.write(f"{i + 1} " + " ".join(f"{v:.6g}" for v in vals) + "\n")
with open(os.path.join(out, "constraints.gp"), "w") as f:
    f.write(("""set terminal pngcairo size 1000,420 font ',10'
set output 'constraints.png'
set multiplot layout 1,2
set logscale y
set format y '10^{%L}'
set xlabel 'evaluations'
set ylabel 'median best feasible regret (10 seeds)'
set key top right
set title 'Gardner et al. (2014) toy'
plot 'curves.dat' u 1:2 w l lw 2 t 'constrained log-EI', '' u 1:3 w l lw 2 t 'log-EI on f + PENALTY violation', '' u 1:4 w l lw 2 t 'random search'
set title 'Gramacy et al. (2016) toy'
plot 'curves.dat' u 1:5 w l lw 2 t 'constrained log-EI', '' u 1:6 w l lw 2 t 'log-EI on f + PENALTY violation', '' u 1:7 w l lw 2 t 'random search'
unset multiplot
""").replace("PENALTY", penalty))
sys.exit(status)
EOF
rc=$?
if command -v gnuplot >/dev/null; then
  (cd "$out" && gnuplot constraints.gp) && echo "figure: $out/constraints.png"
else
  echo "gnuplot not installed: figure not drawn (script $out/constraints.gp)"
fi
exit $rc

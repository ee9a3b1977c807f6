#!/usr/bin/env bash
# bo-run beside a peer optimiser on the same problems: Optuna's TPE sampler
# (Debian's python3-optuna) runs each config's problem, with the same box, the
# same budget and the same seeds, evaluating the same compiled plugin through
# scripts/bench_plugin.py; bo-run runs through scripts/study.sh. Both sides are
# aggregated by bo-study (same regret, same quantiles), and a table of the
# median and worst final regret per function is printed side by side.
# A script, not a test: the whole suite at 10 seeds takes tens of minutes.
#
# Usage: scripts/compare-peers.sh --name NAME [--seeds 1-10] [--jobs 1]
#                                 [--build DIR] [--configs DIR] [LABEL=CONFIG ...]
# Without LABEL=CONFIG: the quality suite (the 18 noise-free single-fidelity
# benchmarks of docs/benchmarks.md, 10 initial + 90 evaluations). A bare LABEL takes
# CONFIGS/LABEL.yaml. --configs (default configs/) is where the suite's
# configs are read from; --build and --jobs are passed to scripts/study.sh.
#
# Writes studies/NAME/ (bo-run's runs and their aggregate, as study.sh does),
# studies/NAME-tpe/ (the TPE runs, one bo-run-style folder per seed), and
# studies/NAME/peers/ (bo-study's aggregate of both sides: runs.csv,
# summary.txt; table.txt, the printed table). Rerunning the same command
# skips every finished run on both sides.
# Exit status: 0 done; 1 a run or the aggregation failed; 2 bad usage or
# Optuna missing.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"   # Debian's python3-optuna lives in the system Python

usage() { sed -n '10,15p' "$0" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "compare-peers.sh: $*" >&2; usage >&2; exit 2; }

suite=(branin=branin_ei100 hartmann3=hartmann3_ei100 hartmann6 levy ackley5 rosenbrock
       sixhump_camel rastrigin4 shekel10 griewank6 dixon_price6 powell8 zakharov8
       rosenbrock8 ackley10 rosenbrock20 ackley20 hartmann4_in20)

name=""; seeds="1-10"; jobs=1; build="$root/build"; configs="$root/configs"; specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --name|--seeds|--jobs|--build|--configs)
      [ $# -ge 2 ] || die_usage "$1 needs a value"
      case "$1" in
        --name) name="$2" ;; --seeds) seeds="$2" ;; --jobs) jobs="$2" ;;
        --build) build="$2" ;; --configs) configs="$2" ;;
      esac
      shift 2 ;;
    -*) die_usage "unknown option $1" ;;
    *) specs+=("$1"); shift ;;
  esac
done
[ -n "$name" ] || die_usage "--name is required"
[[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]] || die_usage "--name '$name': use letters, digits and . _ + - only"
[ ${#specs[@]} -gt 0 ] || specs=("${suite[@]}")

if ! "$python" -c 'import optuna, yaml' 2>/dev/null; then
  echo "compare-peers.sh: $python cannot import optuna (and PyYAML)." >&2
  echo "  Install Debian's package: scripts/setup-deps.sh --peers" >&2
  echo "  (that is: apt-get install python3-optuna), or set PYTHON to a Python that has it." >&2
  exit 2
fi

# LABEL=CONFIG pairs with the config paths resolved.
pairs=(); labels=()
for spec in "${specs[@]}"; do
  label="${spec%%=*}"; file="${spec#*=}"
  [[ "$file" == */* || "$file" == *.yaml ]] || file="$configs/$file.yaml"
  [ -f "$file" ] || die_usage "$file: no such config (label $label)"
  pairs+=("$label=$file"); labels+=("$label")
done

echo "== bo-run (scripts/study.sh)"
bash "$root/scripts/study.sh" --name "$name" --seeds "$seeds" --jobs "$jobs" --evals 10,50,100 \
  --build "$build" "${pairs[@]}"
bo_code=$?
[ "$bo_code" -eq 130 ] && exit 130

echo; echo "== Optuna TPE"
"$python" "$root/scripts/compare_peers.py" tpe --out "studies/$name-tpe" --seeds "$seeds" \
  "${pairs[@]}" || { echo "compare-peers.sh: the TPE runs failed" >&2; exit 1; }

agg=("$build/bo-study" aggregate --out "studies/$name/peers" --evals 10,50,100 --no-plot)
for l in "${labels[@]}"; do agg+=("bo-$l=studies/$name/$l" "tpe-$l=studies/$name-tpe/$l"); done
mkdir -p "studies/$name/peers" || exit 1
"${agg[@]}" > "studies/$name/peers/aggregate.log" 2>&1 || {
  echo "compare-peers.sh: aggregation failed (studies/$name/peers/aggregate.log):" >&2
  tail -5 "studies/$name/peers/aggregate.log" >&2; exit 1; }

echo; echo "== side by side (studies/$name/peers/table.txt)"
"$python" "$root/scripts/compare_peers.py" table --runs "studies/$name/peers/runs.csv" \
  "${pairs[@]}" | tee "studies/$name/peers/table.txt"
[ "$bo_code" -eq 0 ] || exit 1
exit 0

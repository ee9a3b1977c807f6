#!/usr/bin/env bash
# Convergence study: runs every config over a list of seeds, several runs at
# once, then aggregates them with bo-study (median and interquartile range of
# the best target value, or its regret, against evaluations and cumulative
# cost; cost to a tolerance; time per iteration). docs/study.md has the details.
#
# Usage: scripts/study.sh --name NAME [--seeds 1-10 | --seeds 1,2,5] [--jobs 2]
#                         [--evals 10,50,100] [--tol 0.01] [--build DIR]
#                         LABEL=CONFIG [LABEL=CONFIG ...]
# A bare CONFIG is labelled with its file name without .yaml.
#
# Outputs go to studies/NAME/ under the current folder: LABEL/seed-S/ is one
# bo-run output folder (with run.log, the run's own output, and exit_status);
# the aggregate files and command.txt (the command that made them) sit in
# studies/NAME/. Running the same command again skips complete runs and
# continues interrupted ones with --resume, so a killed study just goes on.
# Exit status: 0 all runs finished; 1 a run failed (the others are still
# aggregated); 2 bad usage; 130 interrupted (rerun the command to continue).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
invocation=("$0" "$@")

usage() {
  sed -n '7,10p' "$0" | sed 's/^# \{0,1\}//'
}

die_usage() {
  echo "study.sh: $*" >&2
  usage >&2
  exit 2
}

name=""
seeds_spec="1-10"
jobs=2
evals=""
tol=""
build="$root/build"
specs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --name|--seeds|--jobs|--evals|--tol|--build)
      [ $# -ge 2 ] || die_usage "$1 needs a value"
      case "$1" in
        --name) name="$2" ;;
        --seeds) seeds_spec="$2" ;;
        --jobs) jobs="$2" ;;
        --evals) evals="$2" ;;
        --tol) tol="$2" ;;
        --build) build="$2" ;;
      esac
      shift 2 ;;
    -*) die_usage "unknown option $1" ;;
    *) specs+=("$1"); shift ;;
  esac
done

label_ok() { [[ "$1" =~ ^[A-Za-z0-9._+-]+$ ]]; }

[ -n "$name" ] || die_usage "--name is required"
label_ok "$name" || die_usage "--name '$name': use letters, digits and . _ + - only"
[ ${#specs[@]} -gt 0 ] || die_usage "give at least one LABEL=CONFIG"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs '$jobs': expected a positive integer"

# Seeds: "1-10", "1,2,5" or a mix such as "1-3,7".
seeds=()
IFS=',' read -r -a seed_parts <<< "$seeds_spec"
for part in "${seed_parts[@]}"; do
  if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
    from=$((10#${BASH_REMATCH[1]})); to=$((10#${BASH_REMATCH[2]}))
    [ "$from" -le "$to" ] || die_usage "--seeds '$seeds_spec': range $part runs backwards"
    for ((s = from; s <= to; s++)); do seeds+=("$s"); done
  elif [[ "$part" =~ ^[0-9]+$ ]]; then
    seeds+=("$((10#$part))")
  else
    die_usage "--seeds '$seeds_spec': expected A-B or A,B,C (non-negative integers)"
  fi
done
[ ${#seeds[@]} -gt 0 ] || die_usage "--seeds '$seeds_spec' names no seed"

labels=()
configs=()
for spec in "${specs[@]}"; do
  if [[ "$spec" == *=* ]]; then
    label="${spec%%=*}"
    config="${spec#*=}"
  else
    config="$spec"
    label="$(basename "$config")"
    label="${label%.yaml}"
    label="${label%.yml}"
  fi
  label_ok "$label" || die_usage "label '$label': use letters, digits and . _ + - only"
  [ -f "$config" ] || die_usage "$config: no such config file (label $label)"
  for l in "${labels[@]}"; do
    [ "$l" != "$label" ] || die_usage "label '$label' given twice"
  done
  labels+=("$label")
  configs+=("$config")
done

bo_run="$build/bo-run"
bo_study="$build/bo-study"
if [ ! -x "$bo_run" ] || [ ! -x "$bo_study" ]; then
  echo "study.sh: building bo-run and bo-study in $build"
  bash "$root/scripts/build.sh" "$build" || { echo "study.sh: build failed" >&2; exit 1; }
fi
[ -x "$bo_run" ] && [ -x "$bo_study" ] || { echo "study.sh: $build lacks bo-run or bo-study" >&2; exit 1; }

study_dir="studies/$name"
mkdir -p "$study_dir" || exit 1

# One run: skipped when complete (exit_status 0), continued with --resume when
# a history exists, started otherwise. Its exit status goes to exit_status;
# the job itself always succeeds so that the pool runs everything.
run_one() {
  local label="$1" config="$2" seed="$3" dir="$4"
  mkdir -p "$dir" || { echo "[$label seed $seed] cannot create $dir" >&2; return 0; }
  if [ -f "$dir/exit_status" ] && [ "$(cat "$dir/exit_status")" = "0" ]; then
    echo "[$label seed $seed] complete already, skipped"
    return 0
  fi
  local resume=()
  [ -f "$dir/history.csv" ] && resume=(--resume)
  local cmd=("$BO_STUDY_RUN" "$config" --seed "$seed" --out "$dir" --quiet "${resume[@]}")
  rm -f "$dir/exit_status"
  {
    echo "== $(date '+%Y-%m-%d %H:%M:%S') ${cmd[*]}"
  } >> "$dir/run.log"
  local t0=$SECONDS
  "${cmd[@]}" >> "$dir/run.log" 2>&1
  local code=$?
  echo "$code" > "$dir/exit_status"
  local what="finished"
  [ "$code" -eq 0 ] || what="FAILED (exit $code, see $dir/run.log)"
  echo "[$label seed $seed] ${resume:+resumed, }$what in $((SECONDS - t0)) s"
  return 0
}
export -f run_one
export BO_STUDY_RUN="$bo_run"

# Words quoted for the shell only when they need it, so command.txt reads
# like the command that was typed.
shell_words() {
  local out="" w
  for w in "$@"; do
    if [[ "$w" =~ ^[A-Za-z0-9_./=,:+@%-]+$ ]]; then out+="$w "; else out+="$(printf '%q' "$w") "; fi
  done
  echo "${out% }"
}

interrupted=0
trap 'interrupted=1' INT

echo "study $name: ${#labels[@]} config(s) x ${#seeds[@]} seed(s), $jobs at a time, in $study_dir/"
for i in "${!labels[@]}"; do
  for s in "${seeds[@]}"; do
    printf '%s\0%s\0%s\0%s\0' "${labels[$i]}" "${configs[$i]}" "$s" \
      "$study_dir/${labels[$i]}/seed-$s"
  done
done | xargs -0 -n 4 -P "$jobs" bash -c 'run_one "$@"' run_one

if [ "$interrupted" -eq 1 ]; then
  echo "study.sh: interrupted; run the same command again to continue" >&2
  exit 130
fi

failed=()
for i in "${!labels[@]}"; do
  for s in "${seeds[@]}"; do
    dir="$study_dir/${labels[$i]}/seed-$s"
    code="$(cat "$dir/exit_status" 2>/dev/null || echo missing)"
    [ "$code" = "0" ] || failed+=("$dir (exit $code)")
  done
done

agg=("$bo_study" aggregate --out "$study_dir")
[ -n "$evals" ] && agg+=(--evals "$evals")
[ -n "$tol" ] && agg+=(--tol "$tol")
n_aggregated=0
for l in "${labels[@]}"; do
  if compgen -G "$study_dir/$l/*/history.csv" > /dev/null; then
    agg+=("$l=$study_dir/$l")
    n_aggregated=$((n_aggregated + 1))
  else
    echo "study.sh: label $l: no run wrote a history; left out of the aggregate" >&2
  fi
done
echo
agg_code=1
if [ "$n_aggregated" -gt 0 ]; then
  "${agg[@]}"
  agg_code=$?
fi

{
  echo "# made in $(pwd) on $(date '+%Y-%m-%d %H:%M:%S') by:"
  shell_words "${invocation[@]}"
  echo "# aggregated with:"
  shell_words "${agg[@]}"
} > "$study_dir/command.txt"

if [ ${#failed[@]} -gt 0 ]; then
  echo "study.sh: ${#failed[@]} run(s) failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
[ "$agg_code" -eq 0 ] || exit 1
exit 0

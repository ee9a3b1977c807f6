#!/usr/bin/env bash
# The interval-score fit against MAP in multi-fidelity BO: the MFCA studies of
# docs/evidence-mf-bo.md (Forrester, Currin, Park, Borehole, Wing; same
# configs, seeds and tolerance), each run twice through scripts/study.sh --
# as the config says (model.fit: map, the default) and with
# `model.fit: interval_score` added (GP+'s default weight) -- and one table
# of both: the median cumulative cost at which the best HF value first
# comes within 1 % of the optimum, how many seeds get there, the median
# regret at the end and the mean time of a BO iteration.
# Usage: scripts/mf-fit-study.sh [--seeds 1-20] [--jobs 2] [--name mf-fit]
#                                [--problems forrester,currin,park,borehole,wing]
# Writes studies/NAME-PROBLEM/ (study.sh's folders: rerunning continues).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds=1-20
jobs=2
name=mf-fit
problems=forrester,currin,park,borehole,wing
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --problems) problems="$2"; shift 2 ;;
    *) sed -n '10,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
build="$root/build"
[ -x "$build/bo-run" ] && [ -x "$build/bo-study" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1
. "$root/scripts/lib/config-variant.sh"

config_of() {
  case "$1" in
    forrester) echo forrester_mf ;;
    currin) echo currin_mf ;;
    park) echo park_mf_to1pct ;;
    borehole) echo borehole_mf_to1pct ;;
    wing) echo wing_mf_to1pct ;;
    *) echo "mf-fit-study: unknown problem '$1'" >&2; return 1 ;;
  esac
}

table=()
IFS=, read -r -a list <<< "$problems"
for p in "${list[@]}"; do
  c="$(config_of "$p")"
  dir="studies/$name-$p"
  mkdir -p "$dir/configs"
  config_variant "$root/configs/$c.yaml" "$dir/configs/${c}_is.yaml" "$build/plugins" \
    model 'fit: interval_score'
  bash "$root/scripts/study.sh" --name "$name-$p" --seeds "$seeds" --jobs "$jobs" --tol 0.01 \
    map="$root/configs/$c.yaml" interval_score="$dir/configs/${c}_is.yaml" |
    tee "$dir/aggregate.txt"
  # One row per label from bo-study's text: the last regret row, the cost
  # to tolerance and the iteration time.
  while IFS= read -r row; do table+=("| $p | $row"); done < <(awk '
    /^\[/ { label = substr($1, 2, length($1) - 2); next }
    label != "" && $1 ~ /^[0-9]+$/ && NF == 5 { last[label] = $3; lastn[label] = $1 }
    label != "" && /cost to tolerance:/ {
      med = $5; sub(/ \(.*/, "", med); reach = $0; sub(/.*reached by /, "", reach)
      sub(/ runs/, "", reach); cost[label] = med; reached[label] = reach }
    label != "" && /time per bo iteration: mean/ && !(label in secs) { secs[label] = $6 }
    END {
      for (k = 0; k < 2; k++) {
        l = k == 0 ? "map" : "interval_score"
        printf "%s | %s | %s | %s (at %s evals) | %s s |\n", l, cost[l], reached[l], last[l],
          lastn[l], secs[l]
      }
    }' "$dir/aggregate.txt")
done
echo
echo "| problem | fit | median cost to 1 % | seeds reaching it | median final regret | s per BO iteration |"
echo "| --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${table[@]}"

#!/usr/bin/env bash
# Time bo-run takes to choose a point as the history grows: runs each config
# once (one seed) with its budget raised to --evals evaluations, then prints
# the mean suggest_seconds (fitting the GP and maximising the acquisition) of
# the ten rows before each multiple of 100 evaluations: rows 91-100 are chosen
# with 90-99 observations, "n = 100" in the table. Not a test; with three
# 20-D problems and --evals 300 it takes several minutes on one core.
#
# Usage: scripts/time-per-iteration.sh --name NAME [--evals 300] [--seed 1]
#                                      [--build DIR] CONFIG [CONFIG ...]
# Writes studies/NAME/LABEL.yaml (the config with the larger budget and its
# plugin path made absolute) and studies/NAME/LABEL/ (the run); a run whose
# history is complete is not repeated, an interrupted one is resumed.
# Exit status: 0 done, 1 a run failed, 2 bad usage.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '9,10p' "$0" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "time-per-iteration.sh: $*" >&2; usage >&2; exit 2; }

name=""; evals=300; seed=1; build="$root/build"; configs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --name|--evals|--seed|--build)
      [ $# -ge 2 ] || die_usage "$1 needs a value"
      case "$1" in
        --name) name="$2" ;; --evals) evals="$2" ;; --seed) seed="$2" ;; --build) build="$2" ;;
      esac
      shift 2 ;;
    -*) die_usage "unknown option $1" ;;
    *) configs+=("$1"); shift ;;
  esac
done
[ -n "$name" ] || die_usage "--name is required"
[[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]] || die_usage "--name '$name': use letters, digits and . _ + - only"
[[ "$evals" =~ ^[1-9][0-9]*$ ]] && [ "$evals" -ge 100 ] || die_usage "--evals '$evals': an integer >= 100"
[[ "$seed" =~ ^[0-9]+$ ]] || die_usage "--seed '$seed': a non-negative integer"
[ ${#configs[@]} -gt 0 ] || die_usage "give at least one CONFIG"
[ -x "$build/bo-run" ] || die_usage "$build/bo-run not found (build first, or --build DIR)"

dir="studies/$name"
mkdir -p "$dir" || exit 1
failed=0
labels=()
for config in "${configs[@]}"; do
  [ -f "$config" ] || die_usage "$config: no such config"
  label="$(basename "$config" .yaml)"
  labels+=("$label")
  where="$(cd "$(dirname "$config")" && pwd)"
  # The budget keys rewritten, the plugin path made absolute (it is relative
  # to the config's own folder).
  sed -E -e "s|^(  max_evaluations:) *[0-9]+.*|\1 $evals|" \
         -e "s|^(  max_no_improvement:) *[0-9]+.*|\1 $evals|" \
         -e "s|^(  plugin:) *([^/\"][^ ]*)|\1 $where/\2|" "$config" > "$dir/$label.yaml"
  out="$dir/$label"
  if [ -f "$out/history.csv" ] && [ "$(($(wc -l < "$out/history.csv") - 1))" -ge "$evals" ]; then
    echo "[$label] complete already"
    continue
  fi
  resume=()
  [ -f "$out/history.csv" ] && resume=(--resume)
  t0=$SECONDS
  if "$build/bo-run" "$dir/$label.yaml" --seed "$seed" --out "$out" --quiet "${resume[@]}" \
       > "$dir/$label.log" 2>&1; then
    echo "[$label] $evals evaluations in $((SECONDS - t0)) s"
  else
    echo "[$label] FAILED (see $dir/$label.log)" >&2
    failed=1
  fi
done

echo
printf '%-16s %4s' "function" "d"
for ((n = 100; n <= evals; n += 100)); do printf '  %12s' "s/it n=$n"; done
printf '\n'
for label in "${labels[@]}"; do
  h="$dir/$label/history.csv"
  [ -f "$h" ] || continue
  # suggest_seconds and the input count by column name, so that no layout
  # of the columns is assumed beyond the header's.
  awk -F, -v label="$label" -v evals="$evals" '
    NR == 1 { for (i = 1; i <= NF; i++) { col[$i] = i } d = col["y"] - col["source"] - 1; next }
    { row = NR - 1; if (row % 100 > 90 || row % 100 == 0) { b = int((row + 99) / 100) * 100
        if ($col["phase"] == "bo") { sum[b] += $col["suggest_seconds"]; cnt[b]++ } } }
    END { printf "%-16s %4d", label, d
          for (n = 100; n <= evals; n += 100)
            if (cnt[n] > 0) printf "  %12.3f", sum[n] / cnt[n]; else printf "  %12s", "-"
          printf "\n" }' "$h"
done
echo "(mean suggest_seconds of history rows n-9 .. n, seed $seed; rows of phase bo only)"
exit "$failed"

#!/usr/bin/env bash
# One change of the defaults judged on the quality suite (docs/evidence-quality.md):
# each named suite config is run as it stands (label FUNC-base) and with one
# line added under one of its sections (label FUNC-LABEL), over the same
# seeds through scripts/study.sh, and a table prints each function's median
# and worst final regret on both sides, their ratio and the ratio to
# Optuna TPE's median of docs/evidence-quality/before/runs.csv.
# Usage: scripts/quality-variant.sh --name NAME --section SECTION --line 'KEY: VALUE'
#          [--label LABEL] [--seeds 1-10] [--jobs 2] [--build DIR] FUNCTION...
# e.g.   scripts/quality-variant.sh --name tr-d6 --section acquisition \
#          --line 'trust_region: true' --label tr hartmann6 powell8
# FUNCTION is a config of configs/ without .yaml. Writes studies/NAME/
# (rerunning continues), with the generated configs in studies/NAME/configs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="" section="" line="" label=variant seeds=1-10 jobs=2 build="$root/build"
usage() { sed -n '8,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --name|--section|--line|--label|--seeds|--jobs|--build)
      [ $# -ge 2 ] || usage
      case "$1" in
        --name) name="$2" ;; --section) section="$2" ;; --line) line="$2" ;;
        --label) label="$2" ;; --seeds) seeds="$2" ;; --jobs) jobs="$2" ;;
        --build) build="$2" ;;
      esac
      shift 2 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ -n "$name" ] && [ -n "$section" ] && [ -n "$line" ] && [ $# -gt 0 ] || usage
. "$root/scripts/lib/config-variant.sh"
dir="studies/$name"
mkdir -p "$dir/configs"
specs=()
for f in "$@"; do
  src="$root/configs/$f.yaml"
  [ -f "$src" ] || { echo "quality-variant: no config $src" >&2; exit 2; }
  config_variant "$src" "$dir/configs/$f-base.yaml" "$root/build/plugins"
  config_variant "$src" "$dir/configs/$f-$label.yaml" "$root/build/plugins" "$section" "$line"
  specs+=("$f-base=$dir/configs/$f-base.yaml" "$f-$label=$dir/configs/$f-$label.yaml")
done
bash "$root/scripts/study.sh" --name "$name" --seeds "$seeds" --jobs "$jobs" --evals 10,50,100 \
  --build "$build" "${specs[@]}" > "$dir/study.log"
/usr/bin/python3 - "$dir/runs.csv" "$root/docs/evidence-quality/before/runs.csv" "$label" "$@" <<'EOF'
import csv, statistics, sys
runs, before, label, funcs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def finals(path):
    out = {}
    for r in csv.DictReader(open(path)):
        out.setdefault(r["label"], []).append(float(r["final"]))
    return out
got, ref = finals(runs), finals(before)
print(f"| function | base median | base worst | {label} median | {label} worst | {label} / base | base / TPE | {label} / TPE |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for f in funcs:
    b, v = got[f + "-base"], got[f + "-" + label]
    tpe = statistics.median(ref["tpe-" + f]) if "tpe-" + f in ref else float("nan")
    mb, mv = statistics.median(b), statistics.median(v)
    ratio = mv / mb if mb > 0 else float("nan")
    print(f"| {f} | {mb:.3g} | {max(b):.3g} | {mv:.3g} | {max(v):.3g} | {ratio:.2f} | {mb / tpe:.3g} | {mv / tpe:.3g} |")
EOF

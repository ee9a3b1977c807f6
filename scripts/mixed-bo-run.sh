#!/usr/bin/env bash
# bo-run itself on mixed inputs: Borehole-Mixed and CoCaBO's Func2C
# (plugins/mixed/borehole_mixed.c, plugins/mixed/func2c.c), three configs each -- log-EI over
# the latent maps (configs/mixed/NAME.yaml), log-EI on a one-hot encoding of the
# categorical inputs (configs/mixed/NAME_onehot.yaml, bo-run's defaults for real
# inputs), random search (configs/mixed/NAME_random.yaml) -- 10 seeds, 100
# evaluations. Prints each run's final simple regret, the median regret at a
# few budgets and how many seeds found the optimal levels, and draws
# docs/figures/mixed-bo-run.png (median regret against evaluations).
# Usage: scripts/mixed-bo-run.sh [--build DIR] [--seeds N] [--jobs J] [--figure PATH]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
seeds=10
jobs=2
figure="$root/docs/figures/mixed-bo-run.png"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --figure) figure="$2"; shift 2 ;;
    *) echo "usage: scripts/mixed-bo-run.sh [--build DIR] [--seeds N] [--jobs J] [--figure PATH]" >&2
       exit 2 ;;
  esac
done
[ -x "$build/bo-run" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The configs name ../../build/plugins/...: give them this build's plugins.
for c in borehole_mixed borehole_mixed_onehot borehole_mixed_random func2c func2c_onehot \
         func2c_random; do
  sed "s|\.\./\.\./build/plugins/|$build/plugins/|" "$root/configs/mixed/$c.yaml" > "$work/$c.yaml"
done
runs=()
for c in borehole_mixed borehole_mixed_onehot borehole_mixed_random func2c func2c_onehot \
         func2c_random; do
  for s in $(seq 1 "$seeds"); do
    runs+=("$c $s")
  done
done
printf '%s\n' "${runs[@]}" |
  xargs -P "$jobs" -L 1 sh -c '"$0" "$1/$2.yaml" --seed "$3" --out "$1/$2-$3" --quiet \
    > "$1/$2-$3.log" 2>&1 || { echo "run $2 seed $3 failed:"; cat "$1/$2-$3.log"; exit 255; }' \
    "$build/bo-run" "$work"
python3 "$root/scripts/mixed_bo_run.py" "$work" "$seeds" "$work/curves"
if command -v gnuplot >/dev/null; then
  . "$root/scripts/lib/mixed-figure.sh"
  mixed_regret_figure "$figure" "$work/curves-borehole_mixed.dat" "$work/curves-func2c.dat" "bo-run on " log-EI
fi

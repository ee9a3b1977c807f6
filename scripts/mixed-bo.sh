#!/usr/bin/env bash
# Bayesian optimisation over mixed inputs with the library pieces of issue 11
# (bench/bench_mixed_bo.c: the GP's latent maps and the mixed maximiser, the
# same loop on a one-hot encoding, random search) on Borehole-Mixed and
# CoCaBO's Func2C, 10 seeds, 100 evaluations from 10 random ones. Prints each
# run's final regret and the median regret at a few budgets, and draws
# docs/figures/mixed-bo.png (median simple regret against evaluations).
# Usage: scripts/mixed-bo.sh [--build DIR] [--seeds N] [--evals N] [--figure PATH]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
seeds=10
evals=100
figure="$root/docs/figures/mixed-bo.png"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --evals) evals="$2"; shift 2 ;;
    --figure) figure="$2"; shift 2 ;;
    *) echo "usage: scripts/mixed-bo.sh [--build DIR] [--seeds N] [--evals N] [--figure PATH]" >&2
       exit 2 ;;
  esac
done
[ -x "$build/bench/bench_mixed_bo" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for problem in borehole func2c; do
  "$build/bench/bench_mixed_bo" "$problem" "$seeds" "$evals" 10 > "$work/$problem.txt"
  grep ' seed ' "$work/$problem.txt"
  sed -n '/^# median/,$p' "$work/$problem.txt" | tail -n +2 > "$work/$problem.dat"
done
echo
echo "median simple regret over $seeds seeds (10 random initial points)"
printf '%-9s %6s %12s %12s %12s\n' problem evals latent one-hot random
for problem in borehole func2c; do
  awk -v p="$problem" -v last="$evals" '$1 == 15 || $1 == 20 || $1 == 30 || $1 == 50 || $1 == last {
      printf "%-9s %6d %12.4g %12.4g %12.4g\n", p, $1, $2, $3, $4 }' "$work/$problem.dat"
done
if command -v gnuplot >/dev/null; then
  . "$root/scripts/lib/mixed-figure.sh"
  mixed_regret_figure "$figure" "$work/borehole.dat" "$work/func2c.dat" "" log-EI
fi

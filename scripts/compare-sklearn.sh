#!/usr/bin/env bash
# bo-gp against scikit-learn's GaussianProcessRegressor on the emulator panel
# (scripts/panel/make_panel.py: nine data sets, noise-free and noisy, d = 2-10,
# n = 50-800, fixed seeds), then how far each bo-gp fit is from the best of
# many full-data L-BFGS runs (bench/bench_fit_optimum.c).
# Usage: scripts/compare-sklearn.sh [--build DIR] [--starts N] [--starts-large N]
#   --starts N        reference starts for n <= 300 (default 50)
#   --starts-large N  reference starts for the n = 800 sets (default 10; each
#                     start there costs a few seconds)
# Needs Debian's python3-sklearn (apt-get install python3-sklearn); runs with
# one BLAS thread, as bo-gp does. Takes a few minutes, most of it scikit-learn.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
starts=50
starts_large=10
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --starts) starts="$2"; shift 2 ;;
    --starts-large) starts_large="$2"; shift 2 ;;
    *) echo "usage: scripts/compare-sklearn.sh [--build DIR] [--starts N] [--starts-large N]" >&2
       exit 2 ;;
  esac
done
# Debian's interpreter, where python3-sklearn installs (not one first on PATH).
python=/usr/bin/python3
if ! "$python" -c "import sklearn" 2>/dev/null; then
  echo "compare-sklearn: scikit-learn is missing: apt-get install python3-sklearn" >&2
  exit 2
fi
[ -x "$build/bo-gp" ] && [ -x "$build/bench/bench_fit_optimum" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
panel="$(mktemp -d)"
trap 'rm -rf "$panel"' EXIT
"$python" "$root/scripts/panel/make_panel.py" "$panel"
echo "== held-out NRMSE, log marginal likelihood, noise sd and fit time"
"$python" "$root/scripts/panel/compare_sklearn.py" "$build/bo-gp" "$panel"
echo "== bo-gp's fit against the best of many L-BFGS runs (negative log posterior, nats)"
for train in "$panel"/*-train.csv; do
  n=$(($(wc -l < "$train") - 1))
  k=$starts
  [ "$n" -gt 300 ] && k=$starts_large
  "$build/bench/bench_fit_optimum" "$train" "$k" | sed "s|^$panel/||"
done

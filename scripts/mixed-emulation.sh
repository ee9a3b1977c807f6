#!/usr/bin/env bash
# Borehole-Mixed emulation (GP+'s Appendix A.2; issue 11's evidence): held-out
# NRMSE of bo-gp with GP+'s latent map for the two categorical inputs (one map
# per input, the default, and one shared map) against the same GP on a one-hot
# encoding with ARD (each level a numeric 0/1 column with its own length-scale),
# n = 100 and 200 training points, seeds 1-10, 1000 test points per seed.
# Generator: scripts/borehole_mixed.py (fixed seeds). Prints one row per run
# and the medians and means.
# Usage: scripts/mixed-emulation.sh [--build DIR] [--seeds "1 2 ..."] [--sizes "100 200"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
seeds="1 2 3 4 5 6 7 8 9 10"
sizes="100 200"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    *) echo "usage: scripts/mixed-emulation.sh [--build DIR] [--seeds LIST] [--sizes LIST]" >&2
       exit 2 ;;
  esac
done
python=/usr/bin/python3   # Debian's, with numpy
[ -x "$build/bo-gp" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
nrmse() { "$build/bo-gp" eval "$1" "$2" | awk '/^NRMSE:/ { print $2 }'; }
printf '%5s %5s %12s %12s %12s %8s\n' n seed latent shared one-hot ratio
for n in $sizes; do
  for seed in $seeds; do
    d="$work/$n-$seed"
    "$python" "$root/scripts/borehole_mixed.py" "$seed" "$n" 1000 "$d"
    "$build/bo-gp" fit "$d/latent-train.csv" -o "$d/latent.model" --seed "$seed" >/dev/null
    "$build/bo-gp" fit "$d/latent-train.csv" -o "$d/shared.model" --seed "$seed" \
      --latent shared >/dev/null
    "$build/bo-gp" fit "$d/onehot-train.csv" -o "$d/onehot.model" --seed "$seed" >/dev/null
    lat=$(nrmse "$d/latent.model" "$d/latent-test.csv")
    sha=$(nrmse "$d/shared.model" "$d/latent-test.csv")
    one=$(nrmse "$d/onehot.model" "$d/onehot-test.csv")
    printf '%5s %5s %12s %12s %12s %8.3f\n' "$n" "$seed" "$lat" "$sha" "$one" \
      "$(awk -v a="$lat" -v b="$one" 'BEGIN { print a / b }')"
  done
done | tee "$work/rows.txt"
echo
echo "summary (ratio = latent / one-hot; the issue's target is <= 0.8)"
"$python" - "$work/rows.txt" <<'PY'
import sys
import numpy as np
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print("%5s %8s %10s %10s %10s %14s %12s" % ("n", "", "latent", "shared", "one-hot",
                                           "latent/1-hot", "worst ratio"))
for n in sorted({r[0] for r in rows}, key=int):
    sel = np.array([[float(v) for v in r[2:5]] for r in rows if r[0] == n])
    ratio = sel[:, 0] / sel[:, 2]
    for name, f in (("median", np.median), ("mean", np.mean)):
        v = f(sel, axis=0)
        print("%5s %8s %10.4g %10.4g %10.4g %14.3f %12s" % (n, name, v[0], v[1], v[2], v[0] / v[2],
              "%.3f" % ratio.max() if name == "median" else ""))
PY

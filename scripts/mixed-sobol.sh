#!/usr/bin/env bash
# Sobol indices of Borehole-Mixed (GP+'s Appendix A.2 and B): bo-gp sobol on
# emulators fitted to n training points (default 200) for a few seeds,
# against the indices of the true function computed directly by Monte Carlo
# (the same estimators, 10^6 base samples, numpy), each categorical input's
# five levels equally likely as the emulator assumes. The level values are
# drawn per seed (scripts/borehole_mixed.py), so the true indices differ a
# little between seeds: each seed's emulator is compared with its own truth.
# Prints one table per seed, then the means over seeds, the sd over seeds
# and the largest |emulator - truth|, and the latent distances.
# Usage: scripts/mixed-sobol.sh [--build DIR] [--seeds "1 2 ..."] [--n N] [--samples N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
seeds="1 2 3 4 5"
n=200
samples=100000
usage="usage: scripts/mixed-sobol.sh [--build DIR] [--seeds LIST] [--n N] [--samples N]"
while [ $# -gt 0 ]; do
  case "$1" in
    --build|--seeds|--n|--samples)
      [ $# -ge 2 ] || { echo "mixed-sobol: $1 needs a value" >&2; exit 2; }
      case "$1" in
        --build) build="$2" ;;
        --seeds) seeds="$2" ;;
        --n) n="$2" ;;
        --samples) samples="$2" ;;
      esac
      shift 2 ;;
    *) echo "mixed-sobol: unknown argument '$1'" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
python=/usr/bin/python3   # Debian's, with numpy
[ -x "$build/bo-gp" ] || bash "$root/scripts/build.sh" "$build"
export OPENBLAS_NUM_THREADS=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for seed in $seeds; do
  d="$work/$seed"
  "$python" "$root/scripts/borehole_mixed.py" "$seed" "$n" 10 "$d"
  "$build/bo-gp" fit "$d/latent-train.csv" -o "$d/latent.model" --seed "$seed" >/dev/null
  "$build/bo-gp" sobol "$d/latent.model" --samples "$samples" > "$d/sobol.csv"
done
# $seeds is split on purpose: one argument per seed.
# shellcheck disable=SC2086
"$python" - "$root/scripts" "$work" "$n" "$samples" $seeds <<'PY'
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import borehole_mixed as bm  # noqa: E402

work, n, samples, seeds = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]
N = 10 ** 6
d = len(bm.NAMES)


def direct(seed):
    """First-order and total indices of Borehole-Mixed itself for one seed's
    level values, by Saltelli's and Jansen's estimators on N base samples,
    with the standard error of each from its per-sample terms."""
    values = bm.level_values_of(np.random.default_rng([20240, seed]))
    rng = np.random.default_rng([777, seed])

    def points():
        x = bm.LOWER + (bm.UPPER - bm.LOWER) * rng.uniform(size=(N, d))
        for c, k in enumerate(bm.CATEGORICAL):
            x[:, k] = values[c][rng.integers(0, bm.LEVELS, size=N)]
        return x

    A, B = points(), points()
    fA, fB = bm.borehole(A), bm.borehole(B)
    centre = np.mean(np.concatenate([fA, fB]))
    fA, fB = fA - centre, fB - centre
    V = np.mean(np.concatenate([fA, fB]) ** 2)
    v = 0.5 * (fA ** 2 + fB ** 2)
    S, ST, se_S, se_ST = (np.zeros(d) for _ in range(4))
    for i in range(d):
        AB = A.copy()
        AB[:, i] = B[:, i]
        g = bm.borehole(AB) - centre
        t1, t2 = fB * (g - fA), 0.5 * (fA - g) ** 2
        S[i], ST[i] = t1.mean() / V, t2.mean() / V
        # The delta method: the ratio's error is that of t - index * v.
        se_S[i] = np.std(t1 - S[i] * v) / V / np.sqrt(N)
        se_ST[i] = np.std(t2 - ST[i] * v) / V / np.sqrt(N)
    return S, ST, max(se_S.max(), se_ST.max())


def emulated(seed):
    with open(os.path.join(work, seed, "sobol.csv")) as f:
        blocks = f.read().strip().split("\n\n")
    rows = [r.split(",") for r in blocks[0].splitlines()[1:]]
    assert [r[0] for r in rows] == bm.NAMES, rows
    dist = {r.split(",")[0]: float(r.split(",")[2]) for r in blocks[1].splitlines()[1:]}
    return (np.array([float(r[1]) for r in rows]), np.array([float(r[2]) for r in rows]), dist)


emu_S, emu_ST, true_S, true_ST, dists, ses = [], [], [], [], [], []
for seed in seeds:
    S, ST, dist = emulated(seed)
    tS, tST, se = direct(int(seed))
    emu_S.append(S)
    emu_ST.append(ST)
    true_S.append(tS)
    true_ST.append(tST)
    dists.append(dist)
    ses.append(se)
    print("seed %s (n = %d; direct Monte Carlo standard error at most %.4f)" % (seed, n, se))
    print("%-6s %9s %9s %9s %9s" % ("input", "S emul.", "S true", "ST emul.", "ST true"))
    for k, name in enumerate(bm.NAMES):
        print("%-6s %9.4f %9.4f %9.4f %9.4f" % (name, S[k], tS[k], ST[k], tST[k]))
    print()
emu_S, emu_ST, true_S, true_ST = (np.array(a) for a in (emu_S, emu_ST, true_S, true_ST))
print("over %d seeds (n = %d, bo-gp sobol --samples %d; direct N = %d): mean, sd over seeds,"
      % (len(seeds), n, samples, N))
print("and the largest |emulator - truth| of a seed")
print("%-6s %8s %6s %8s %6s %8s | %8s %6s %8s %6s %8s" % (
    "input", "S emul.", "sd", "S true", "sd", "max err", "ST emul.", "sd", "ST true", "sd",
    "max err"))
for k, name in enumerate(bm.NAMES):
    cols = []
    for emu, true in ((emu_S, true_S), (emu_ST, true_ST)):
        cols += [emu[:, k].mean(), emu[:, k].std(ddof=1) if len(seeds) > 1 else 0.0,
                 true[:, k].mean(), true[:, k].std(ddof=1) if len(seeds) > 1 else 0.0,
                 np.abs(emu[:, k] - true[:, k]).max()]
    print("%-6s %8.4f %6.4f %8.4f %6.4f %8.4f | %8.4f %6.4f %8.4f %6.4f %8.4f"
          % ((name,) + tuple(cols)))
print()
print("latent distance (mean over pairs of levels), per seed, and the mean")
names = [bm.NAMES[k] for k in bm.CATEGORICAL]
print("%-6s " % "input" + " ".join("%7s" % ("s" + s) for s in seeds) + " %7s" % "mean")
for name in names:
    vals = [dist[name] for dist in dists]
    print("%-6s " % name + " ".join("%7.4f" % v for v in vals) + " %7.4f" % np.mean(vals))
PY

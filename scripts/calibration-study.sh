#!/usr/bin/env bash
# Calibration study of docs/evidence-calibration.md: theta estimated by
# `bo-gp calibrate` (latent-map GP, Laplace sd) and by a Kennedy-O'Hagan-style
# modular baseline (emulator + additive bias GP, both fitted with bo-gp),
# against the known theta*, and each one's NRMSE on noise-free field test
# points, on Borehole (two calibration inputs; simulator = HF form, LF1, LF2)
# and the beam-deflection problem, seeds 1..SEEDS. Prints markdown tables.
# Usage: scripts/calibration-study.sh [SEEDS (default 10)] [PROBLEM...] [--build DIR]
#   PROBLEM: borehole, borehole-LF1, borehole-LF2, beam (default: all)
# Needs Debian's python3-numpy and python3-scipy (/usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
seeds=10
problems=()
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=${2:?--build needs a folder}; shift 2 ;;
    [0-9]*) seeds=$1; shift ;;
    *) problems+=("$1"); shift ;;
  esac
done
if [ ! -x "$build/bo-gp" ]; then
  echo "calibration-study: $build/bo-gp is not built (scripts/build.sh $build)" >&2
  exit 2
fi
exec /usr/bin/python3 "$root/scripts/calibration/study.py" "$build/bo-gp" "$seeds" ${problems[@]+"${problems[@]}"}

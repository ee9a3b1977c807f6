#!/usr/bin/env bash
# Installs dependencies, builds bo-run, and optimises the Branin function
# (configs/branin.yaml): 10 Latin-hypercube points plus 30 by expected
# improvement. Outputs go to runs/branin/ (history.csv, convergence.png, ...).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh" "$root/build"
cd "$root"
# A fresh run each time: the previous one, if any, is moved aside.
if [ -e runs/branin ]; then
  rm -rf runs/branin.previous
  mv runs/branin runs/branin.previous
fi
exec ./build/bo-run configs/branin.yaml "$@"

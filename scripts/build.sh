#!/usr/bin/env bash
# Configures and builds bo-run. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shift || true
bash "$root/scripts/setup-deps.sh"
echo "build: configuring $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# The compile takes about a minute on two cores: show how far it is, on one
# line that a terminal redraws (one line per ten percent in a log).
if [ -t 1 ]; then
  cmake --build "$build" -j "$(nproc)" |
    awk '/^\[ *[0-9]+%\]/ { pct = substr($0, 2, index($0, "%") - 2) + 0
                               printf "\rbuild: %3d%%", pct; fflush() }
         END { printf "\rbuild: done  \n" }'
else
  cmake --build "$build" -j "$(nproc)" |
    awk '/^\[ *[0-9]+%\]/ { pct = substr($0, 2, index($0, "%") - 2) + 0
                               if (pct >= shown + 10) { shown = pct - pct % 10
                                                        printf "build: %d%%\n", shown; fflush() } }
         END { print "build: done" }'
fi
test "${PIPESTATUS[0]}" -eq 0

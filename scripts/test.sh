#!/usr/bin/env bash
# Installs dependencies, builds with warnings as errors and runs every test.
# Usage: scripts/test.sh [--sanitize]   (ASan + UBSan build in build-sanitize/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup-deps.sh"
# The module rules (README.md, "Which module may include which") first: a
# layout violation fails before any build time is spent.
python3 "$root/scripts/check-layout.py"
if [ "${1:-}" = "--sanitize" ]; then
  build="$root/build-sanitize"
  bash "$root/scripts/build.sh" "$build" -DBO_WERROR=ON -DBO_SANITIZE=ON
  # Leak checking stays on; plugins are dlclose'd so their symbols resolve.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build="$root/build"
  bash "$root/scripts/build.sh" "$build" -DBO_WERROR=ON
fi
cd "$build"
ctest --output-on-failure -j "$(nproc)"
# The Python suite runs inside ctest (tests/test_python.sh); its own count:
cat "$build/python-tests.txt"

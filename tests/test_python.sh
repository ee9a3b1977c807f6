#!/usr/bin/env bash
# The Python package (python/borun) over this build's libbo: its unittest
# suite (python/tests) and the example loop (python/examples/ask_tell.py).
# The count of Python tests goes to BINARY_DIR/python-tests.txt, which
# scripts/test.sh prints. Skipped (exit 77) in a sanitizer build: ASan's
# runtime would have to be preloaded into python3.
# Usage: test_python.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
summary="$bin/python-tests.txt"
rm -f "$summary"
if grep -q '^BO_SANITIZE:BOOL=ON$' "$bin/CMakeCache.txt"; then
  echo "skipped: a sanitizer build (python3 would need ASan preloaded); the normal build runs these" |
    tee "$summary"
  exit 77
fi
# Debian's python3 (with python3-numpy) even when another python3 comes
# first on PATH.
py=${BO_PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 )}
"$py" -c 'import numpy' 2>/dev/null ||
  { echo "FAIL: $py has no numpy (scripts/setup-deps.sh installs python3-numpy)" >&2; exit 1; }
export BO_LIBRARY="$bin/libbo.so.0" BO_BINARY_DIR="$bin"
log="$bin/python-tests.log"
"$py" -m unittest discover -s "$src/python/tests" -v >"$log" 2>&1
code=$?
cat "$log"
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in.*/\1/p' "$log")
failures=0
[ $code -eq 0 ] || failures=1
out=$(PYTHONPATH="$src/python" "$py" "$src/python/examples/ask_tell.py" 2>&1)
echo "$out"
if [[ "$out" != *"after 30 evaluations"* ]]; then
  echo "FAIL: python/examples/ask_tell.py: $out" >&2
  failures=$((failures + 1))
fi
echo "python: ${ran:-0} unittest tests ($("$py" --version 2>&1)), $([ $code -eq 0 ] && echo all passed || echo FAILED); examples/ask_tell.py $([[ "$out" == *"after 30 evaluations"* ]] && echo ran || echo FAILED)" |
  tee "$summary"
[ "$failures" -eq 0 ]

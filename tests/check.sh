# The shell tests' counterpart of tests/check.h, sourced by tests/test_*.sh:
# `check` counts a check, `fail MESSAGE` records a failure on stderr, and
# `check_summary` prints the counts and is the script's exit status.
failures=0
checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
check_summary() {
  echo "$checks checks, $failures failed"
  [ "$failures" -eq 0 ]
}

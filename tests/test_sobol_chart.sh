#!/usr/bin/env bash
# scripts/sobol-chart.sh: a real fit, bo-gp sobol and gnuplot drawing the
# PNG; its CSV and gnuplot script beside it; every usage error refused with
# exit 2 and a message, writing nothing.
# Usage: test_sobol_chart.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
failures=0
checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { checks=$((checks + 1)); }
work=$(mktemp -d /tmp/bo_test_sobol_chart_XXXXXX)
trap 'rm -rf "$work"' EXIT
chart="$src/scripts/sobol-chart.sh"

# y = x1 + 2 x2 on 30 points of [0, 1]^2 (indices 1/5 and 4/5).
awk 'BEGIN { srand(5); print "x1,x2,y"; print "0,0,0"; print "1,1,3"
             for (i = 0; i < 28; i++) { a = rand(); b = rand(); printf "%.17g,%.17g,%.17g\n", a, b, a + 2 * b } }' \
  > "$work/train.csv"
"$bin/bo-gp" fit "$work/train.csv" -o "$work/m.txt" >/dev/null || fail "bo-gp fit failed"

check
out=$(bash "$chart" --build "$bin" "$work/m.txt" "$work/chart.png" --samples 20000 2>&1) ||
  fail "sobol-chart failed: $out"
check
[ "$(head -c 8 "$work/chart.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
  fail "chart.png is not a PNG"
check
[ "$(head -1 "$work/chart.csv")" = "input,first_order,total" ] || fail "chart.csv: bad header"
check
awk -F, 'NR == 3 && $1 == "x2" && $2 > 0.78 && $2 < 0.82 { ok = 1 } END { exit !ok }' \
  "$work/chart.csv" || fail "chart.csv: x2's first-order index is not about 0.8: $(cat "$work/chart.csv")"
check
grep -q "plot 'chart.csv'" "$work/chart.gp" || fail "chart.gp does not plot chart.csv"

# A categorical input (a text column): bo-gp sobol prints a second table
# after a blank line; the chart's CSV keeps the Sobol table alone.
awk 'BEGIN { srand(7); print "x1,m,y"
             for (i = 0; i < 30; i++) { a = rand(); m = i % 3; printf "%.17g,%s,%.17g\n", a, substr("abc", m + 1, 1), a + m } }' \
  > "$work/cat.csv"
"$bin/bo-gp" fit "$work/cat.csv" -o "$work/cat.txt" >/dev/null || fail "bo-gp fit of cat.csv failed"
check
"$bin/bo-gp" sobol "$work/cat.txt" --samples 2000 | grep -q '^input,levels,latent_distance$' ||
  fail "bo-gp sobol printed no latent distances for a categorical input"
check
out=$(bash "$chart" --build "$bin" "$work/cat.txt" "$work/catchart.png" --samples 2000 2>&1) ||
  fail "sobol-chart of a categorical model failed: $out"
check
[ "$(cat "$work/catchart.csv")" = "$("$bin/bo-gp" sobol "$work/cat.txt" --samples 2000 | head -3)" ] ||
  fail "catchart.csv is not the Sobol table alone: $(cat "$work/catchart.csv")"

# Usage errors: exit 2, a message, no output files.
expect_usage() { # message fragment, arguments...
  local want=$1 got status
  shift
  check
  got=$(bash "$chart" --build "$bin" "$@" 2>&1)
  status=$?
  [ $status -eq 2 ] || fail "sobol-chart $*: exit $status, want 2 ($got)"
  check
  grep -qF -- "$want" <<<"$got" || fail "sobol-chart $*: want '$want' in: $got"
}
expect_usage "expected MODEL and OUT.png" "$work/m.txt"
expect_usage "must end in .png" "$work/m.txt" "$work/bad.jpg"
expect_usage "unknown option '--colour'" "$work/m.txt" "$work/x.png" --colour red
expect_usage "--samples needs a value" "$work/m.txt" "$work/x.png" --samples
expect_usage "--samples needs a count (2 to 10000000), not '1'" "$work/m.txt" "$work/x.png" --samples 1
printf 'bo-gp-model 1\nkernel matern52\n' > "$work/cut.txt"
expect_usage "cut.txt: line 2" "$work/cut.txt" "$work/x.png"
check
[ ! -e "$work/x.png" ] && [ ! -e "$work/x.csv" ] && [ ! -e "$work/x.csv.tmp" ] ||
  fail "a refused chart left files behind"

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]

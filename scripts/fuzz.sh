#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang under ASan + UBSan into
# build-fuzz/ and runs every one of them from its seeds (fuzz/corpus/NAME).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_HARNESS | --hours H] [--jobs N] [--only NAME]... [--merge]
#   SECONDS_PER_HARNESS  how long each harness runs (default 10)
#   --hours H            H hours of wall-clock time in all, shared evenly by the harnesses
#   --jobs N             harnesses run at once (default: the cores, at most 2)
#   --only NAME          run this harness only (config, csv, history, ...); repeatable
#   --merge              afterwards, add the inputs found that reach new code to
#                        fuzz/corpus/NAME (libFuzzer -merge=1), to be committed
#
# New inputs are kept in build-fuzz/corpus/NAME, so successive runs go on
# from where the last stopped. Exit status 0 when no harness reported
# anything; 1 when one crashed, hung (> 5 s for one input), leaked, ran out of
# memory or broke a sanitizer's rule: the input that did it is in
# build-fuzz/artifacts/NAME/, and `build-fuzz/fuzz/fuzz_NAME FILE` replays it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
all=(config csv history history_state model_file initial_data command_output)

seconds=10
hours=""
jobs=$(nproc)
[ "$jobs" -gt 2 ] && jobs=2
only=()
merge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --hours) hours="${2:?--hours needs a number}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --only) only+=("${2:?--only needs a harness name}"); shift 2 ;;
    --merge) merge=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|"") echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    *) seconds="$1"; shift ;;
  esac
done
harnesses=("${all[@]}")
if [ ${#only[@]} -gt 0 ]; then
  for h in "${only[@]}"; do
    [[ " ${all[*]} " == *" $h "* ]] || { echo "fuzz.sh: no harness '$h' (${all[*]})" >&2; exit 2; }
  done
  harnesses=("${only[@]}")
fi
if [ -n "$hours" ]; then
  # Rounds of $jobs harnesses at once share the wall-clock budget.
  rounds=$(( (${#harnesses[@]} + jobs - 1) / jobs ))
  seconds=$(awk -v h="$hours" -v r="$rounds" 'BEGIN { s = int(h * 3600 / r); print s < 1 ? 1 : s }')
fi

bash "$root/scripts/setup-deps.sh" --fuzz
echo "fuzz: building the harnesses in $build"
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBO_WERROR=ON \
  -DBO_SANITIZE=ON -DBO_FUZZ=ON >/dev/null
if ! cmake --build "$build" --target bo_fuzz -j "$(nproc)" >"$build/fuzz-build.log" 2>&1; then
  cat "$build/fuzz-build.log" >&2
  exit 1
fi

# Reports must stop the harness (UBSan too) and name their source lines.
export ASAN_OPTIONS="detect_leaks=1:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
  export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"
fi
# The harnesses write each input to a file in /dev/shm (see fuzz/fuzz_file.h).
mkdir -p "$build/logs"

run_one() {
  local h="$1" dict="$root/fuzz/dict/$1.dict"
  local args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192
              -print_final_stats=1 -artifact_prefix="$build/artifacts/$h/")
  [ -f "$dict" ] && args+=(-dict="$dict")
  mkdir -p "$build/corpus/$h" "$build/artifacts/$h"
  "$build/fuzz/fuzz_$h" "${args[@]}" "$build/corpus/$h" "$root/fuzz/corpus/$h" \
    >"$build/logs/$h.log" 2>&1
}

echo "fuzz: ${#harnesses[@]} harness(es), ${seconds} s each, $jobs at once; logs in $build/logs"
touch "$build/logs/started"   # reports newer than this are this run's
running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  rm -f "$build/logs/$h.status"
  ( if run_one "$h"; then echo ok; else echo REPORT; fi >"$build/logs/$h.status" ) &
  running=$((running + 1))
done
wait
failed=0
declare -A status_of
for h in "${harnesses[@]}"; do
  status_of[$h]=$(cat "$build/logs/$h.status" 2>/dev/null || echo REPORT)
  [ "${status_of[$h]}" = ok ] || failed=1
done

printf '%-16s %12s %10s %8s %8s  %s\n' harness executions exec/s corpus reports result
for h in "${harnesses[@]}"; do
  log="$build/logs/$h.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(find "$build/corpus/$h" "$root/fuzz/corpus/$h" -type f | wc -l)
  reports=$(find "$build/artifacts/$h" -type f -newer "$build/logs/started" | wc -l)
  printf '%-16s %12s %10s %8s %8s  %s\n' "$h" "${execs:-?}" "${rate:-?}" "$units" "$reports" \
    "${status_of[$h]}"
  if [ "${status_of[$h]}" != ok ]; then
    grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz: invariant)' "$log" >&2 || true
    echo "  log: $log; replay: $build/fuzz/fuzz_$h $build/artifacts/$h/<file>" >&2
  fi
done

if [ "$merge" = 1 ]; then
  for h in "${harnesses[@]}"; do
    "$build/fuzz/fuzz_$h" -merge=1 -max_len=8192 "$root/fuzz/corpus/$h" "$build/corpus/$h" \
      >"$build/logs/$h.merge.log" 2>&1
    echo "fuzz: merged into fuzz/corpus/$h: $(ls "$root/fuzz/corpus/$h" | wc -l) files"
  done
fi
exit "$failed"

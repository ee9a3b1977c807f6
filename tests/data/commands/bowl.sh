#!/bin/sh
# Command objective for whole-run tests: the bowl of tests/plugins/flaky.c,
# misbehaving where x0 > 0.7 as $1 says: none | exit | garbage | empty |
# flood (10 MB on stdout and 10 MB on stderr before y) | sigterm (ignores
# SIGTERM and sleeps) | leave (starts a 30 s helper, appends its pid to the
# file $BO_TEST_PIDS, and answers).
mode="$1"; shift
for arg in "$@"; do
  case "$arg" in
    x0=*) x0="${arg#x0=}" ;;
    x1=*) x1="${arg#x1=}" ;;
  esac
done
bad=$(awk -v a="$x0" 'BEGIN { print (a > 0.7) ? 1 : 0 }')
if [ "$bad" = 1 ]; then
  case "$mode" in
    exit) echo "solver crashed" >&2; exit 4 ;;
    garbage) echo "converged: yes"; echo "result = twelve"; exit 0 ;;
    empty) exit 0 ;;
    flood) head -c 10485760 /dev/zero | tr '\0' 'x'; echo
           head -c 10485760 /dev/zero | tr '\0' 'e' >&2 ;;
    sigterm) trap '' TERM; sleep 30; exit 0 ;;
    leave) sleep 30 & echo $! >> "$BO_TEST_PIDS" ;;
  esac
fi
echo "progress 100%"
awk -v a="$x0" -v b="$x1" 'BEGIN { printf "%.17g\n", (a - 0.3)^2 + (b - 0.6)^2 }'

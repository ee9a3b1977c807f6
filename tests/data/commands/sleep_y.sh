#!/bin/sh
# Sleeps a seconds, then prints y = a + 10 b: a stand-in for a simulator
# whose run time varies with its inputs. b < 0 makes it fail after the sleep.
sleep "$BO_INPUT_a"
if awk -v b="$BO_INPUT_b" 'BEGIN { exit !(b < 0) }'; then
    echo "diverged" >&2
    exit 3
fi
awk -v a="$BO_INPUT_a" -v b="$BO_INPUT_b" 'BEGIN { printf "%.17g\n", a + 10 * b }'

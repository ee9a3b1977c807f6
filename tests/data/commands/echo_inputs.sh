#!/bin/sh
# Logs its arguments and BO_* environment to $BO_TEST_LOG (one per line),
# then prints y = a + 2 b computed from the environment, after a chatty line.
{
    for arg in "$@"; do
        printf 'arg %s\n' "$arg"
    done
    printf 'env a=%s b=%s source=%s stale=%s\n' "$BO_INPUT_a" "$BO_INPUT_b" \
        "${BO_SOURCE-unset}" "${BO_INPUT_stale-unset}"
} > "$BO_TEST_LOG"
echo "solver converged in 12 iterations"
awk -v a="$BO_INPUT_a" -v b="$BO_INPUT_b" 'BEGIN { printf "%.17g\n", a + 2 * b }'

#!/bin/sh
# Prints 1000 BO_SEED + 10 BO_EVAL + BO_WORKER: what the host said of the
# evaluation, through the environment.
awk -v s="$BO_SEED" -v e="$BO_EVAL" -v w="$BO_WORKER" 'BEGIN { printf "%.17g\n", 1000 * s + 10 * e + w }'

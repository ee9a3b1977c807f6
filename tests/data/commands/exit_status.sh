#!/bin/sh
# Prints a plausible y but fails: the exit status must win.
echo 1.0
echo "warning: mesh quality low" >&2
echo "simulation diverged at step 40" >&2
exit 3

#!/bin/sh
# Appends its own pid and that of a child it starts to the file named by its
# first argument, then waits: a simulator that runs until it is stopped.
sleep 30 &
child=$!
printf '%s\n%s\n' "$$" "$child" >> "$1"
wait "$child"
echo 1

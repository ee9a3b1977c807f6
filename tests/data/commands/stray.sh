#!/bin/sh
# Answers at once but leaves a background process holding stdout open; the
# evaluation must still end promptly (the stray is killed with the group).
sleep 30 &
echo $! > "$BO_TEST_LOG"
echo 7.5

#!/bin/sh
# Starts a grandchild that would outlive it, records the grandchild's pid in
# $BO_TEST_LOG, then hangs.
sleep 30 &
echo $! > "$BO_TEST_LOG"
sleep 30

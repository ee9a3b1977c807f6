#!/bin/sh
# Only blank lines on stdout.
echo
printf '   \r\n\t\n'

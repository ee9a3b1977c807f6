#!/bin/sh
# A stand-in for srun: logs how it was called to the file named by its first
# argument, drops its own options (those starting with -), and runs the rest.
log="$1"
shift
printf 'launched: %s\n' "$*" >> "$log"
while [ $# -gt 0 ]; do
    case "$1" in
        -*) shift ;;
        *) break ;;
    esac
done
exec "$@"

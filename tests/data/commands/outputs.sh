#!/bin/sh
# y and two constraint outputs as NAME=VALUE lines, around y and repeated
# (the last one counts), with spaces and a CR; OUTPUTS_CASE picks a fault.
case "${OUTPUTS_CASE:-}" in
  missing) echo "stress=1"; echo 2.5 ;;
  garbage) echo "stress=1"; echo "mass = heavy"; echo 2.5 ;;
  nonfinite) echo "stress=inf"; echo "mass=1"; echo 2.5 ;;
  *) echo "stress=999"; echo "note=ignored"; printf '  stress= 12.5 \r\n'; echo 2.5; echo "mass=0.75" ;;
esac

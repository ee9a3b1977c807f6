#!/usr/bin/env bash
# Installs the Debian 12 packages bo-run builds and runs with, when missing.
# Usage: scripts/setup-deps.sh [--fuzz | --peers]
#   --fuzz: also clang and libFuzzer, for scripts/fuzz.sh
#   --peers: also Optuna (system Python), for scripts/compare-peers.sh
set -euo pipefail
packages=(build-essential cmake pkg-config libnlopt-dev liblapacke-dev libopenblas-dev
          libyaml-dev gnuplot-nox python3
          python3-numpy python3-setuptools python3-wheel python3-pip python3-venv  # python/ (borun) and its tests
          chromium    # tests/test_report.c renders report.html in headless Chromium
          groff-base man-db   # tests/test_man_completion.sh renders the man pages
          libopenmpi-dev openmpi-bin openssh-client)  # mpirun -n K bo-run (Open MPI looks for ssh even on one node)
if [ "${1:-}" = "--fuzz" ]; then
  # libFuzzer's runtime is only recommended by clang; llvm-symbolizer names
  # the source lines in sanitizer reports.
  packages+=(clang libclang-rt-14-dev llvm-14)
fi
if [ "${1:-}" = "--peers" ]; then
  packages+=(python3-optuna python3-yaml)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

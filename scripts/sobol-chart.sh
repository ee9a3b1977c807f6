#!/usr/bin/env bash
# Bar chart of a model's Sobol indices: first order and total per input, from
# bo-gp sobol, drawn by gnuplot (docs/bo-gp.md, "sobol").
# Usage: scripts/sobol-chart.sh MODEL OUT.png [--samples N] [--seed N] [--build DIR]
# Writes OUT.png and, beside it, OUT.csv (the indices) and OUT.gp (the
# gnuplot script, to restyle and redraw with `gnuplot OUT.gp`).
set -euo pipefail
usage="usage: scripts/sobol-chart.sh MODEL OUT.png [--samples N] [--seed N] [--build DIR]"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
pass=()
pos=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) [ $# -ge 2 ] || { echo "sobol-chart: --build needs a value" >&2; exit 2; }
             build="$2"; shift 2 ;;
    --samples|--seed)
      [ $# -ge 2 ] || { echo "sobol-chart: $1 needs a value" >&2; exit 2; }
      pass+=("$1" "$2"); shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    -*) echo "sobol-chart: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    *) pos+=("$1"); shift ;;
  esac
done
if [ ${#pos[@]} -ne 2 ]; then
  echo "sobol-chart: expected MODEL and OUT.png" >&2
  echo "$usage" >&2
  exit 2
fi
model=${pos[0]}
out=${pos[1]}
case "$out" in
  *.png) ;;
  *) echo "sobol-chart: $out: the output must end in .png" >&2; exit 2 ;;
esac
command -v gnuplot >/dev/null ||
  { echo "sobol-chart: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
base=${out%.png}
# bo-gp reports bad models and options itself (exit 2) and writes nothing.
"$build/bo-gp" sobol "$model" ${pass[@]+"${pass[@]}"} > "$base.csv.tmp" ||
  { status=$?; rm -f "$base.csv.tmp"; exit "$status"; }
# With categorical inputs a second table (latent distances) follows a blank
# line; the chart and its CSV are the Sobol table only.
awk 'NF == 0 { exit } { print }' "$base.csv.tmp" > "$base.csv" && rm -f "$base.csv.tmp"
csv_name=$(basename "$base.csv")
title=$(basename "$model" | sed "s/'/''/g")
cat > "$base.gp" <<GP
# Sobol indices of the posterior mean of $title (bo-gp sobol); data in $csv_name.
set terminal pngcairo size 900,480 enhanced font 'sans,12'
set output '$(basename "$out")'
set datafile separator ','
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:1.05]
set ylabel 'Sobol index'
set title 'Sobol indices of the posterior mean: $title' noenhanced
set key top right
set xtics noenhanced rotate by -30
set grid ytics
plot '$csv_name' skip 1 using 2:xtic(1) title 'first order' lc rgb '#4477aa', \\
     '' skip 1 using 3 title 'total' lc rgb '#ee6677'
GP
(cd "$(dirname "$out")" && gnuplot "$(basename "$base.gp")")
echo "wrote $out ($csv_name, $(basename "$base.gp"))"

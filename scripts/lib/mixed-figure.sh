# Shared by scripts/mixed-bo.sh and scripts/mixed-bo-run.sh; sourced, not
# run. Draws the two-panel figure of median simple regret against
# evaluations on Borehole-Mixed and Func2C, each from a data file whose
# columns are: evaluation, then latent-map, one-hot and random-search
# medians. A regret of exactly 0 (the optimum found) is drawn at 1e-9.
mixed_regret_figure() { # figure borehole.dat func2c.dat title-prefix method-suffix
  local figure="$1" borehole="$2" func2c="$3" prefix="$4" method="$5"
  mkdir -p "$(dirname "$figure")"
  gnuplot <<GP
set terminal pngcairo size 1000,420 enhanced font 'sans,11'
set output '$figure'
set multiplot layout 1,2
set logscale y
set format y '10^{%L}'
set xlabel 'evaluations'
set ylabel 'median simple regret (0 drawn at 10^{-9})'
set key top right
set grid
clip(v) = v > 1e-9 ? v : 1e-9
set title '${prefix}Borehole-Mixed (r_w, H_l categorical, 5 levels each)'
plot '$borehole' using 1:(clip(\$2)) with lines lw 2 title 'latent maps, $method', \
     '' using 1:(clip(\$3)) with lines lw 2 title 'one-hot, $method', \
     '' using 1:(clip(\$4)) with lines lw 2 title 'random search'
set title '${prefix}Func2C (3 and 5 levels, 2 continuous)'
plot '$func2c' using 1:(clip(\$2)) with lines lw 2 title 'latent maps, $method', \
     '' using 1:(clip(\$3)) with lines lw 2 title 'one-hot, $method', \
     '' using 1:(clip(\$4)) with lines lw 2 title 'random search'
unset multiplot
GP
  echo "figure: $figure"
}

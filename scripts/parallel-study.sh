#!/usr/bin/env bash
# Evaluations in flight: the evidence of docs/evidence-parallel.md, in one
# command. Prints every table on stdout (and keeps it in OUT/*.txt).
#
#   scripts/parallel-study.sh [--out DIR] [--jobs N] [--seeds 1-10] [--quick]
#                             [--only latency|utilisation|quality] [--fresh]
#
#   1. latency      build/bench/bench_parallel: bo_engine_suggest at n = 100,
#                   500, 1000 with K - 1 pending points, K = 1, 4, 16, 64.
#   2. utilisation  the real bo-run with plugins/simulated_cost (Hartmann-6,
#                   log-normal durations of mean 1 s, sigma 0.5) for
#                   K = 1, 4, 16, 64 local workers, N = 16 K evaluations
#                   (at least 32, at most 512), run one after the other;
#                   utilisation and where the idle time went, from
#                   history.csv and dispatched.csv, beside bo-run's own
#                   summary line; K = 16 and 64 also with seeds 2 and 3.
#                   Then K = 64 again with 4 s evaluations, with
#                   stall_explore off, and K = 16 and 64
#                   on the simulated clock (refit and reuse times).
#   3. quality      bench_parallel_sim on a simulated clock (durations of mean
#                   1 s x cost / target cost, engine time measured): Hartmann-6
#                   (configs/hartmann6.yaml; K = 1 to 100 evaluations, K = 4
#                   and 16 to 400), Borehole MFCA and SF-EI to 1 %
#                   (configs/borehole_{mf,sf}_to1pct.yaml); K = 4 and 16 with
#                   both pending rules; figures
#                   docs/figures/parallel-{hartmann6,borehole}.png.
#
# OUT defaults to studies/parallel in the repository. Finished simulated runs
# (sim.txt present) are kept when the command is run again, unless --fresh.
# --quick: seeds 1-2, shorter runs, for checking the script itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/studies/parallel"
jobs=2
seeds="1-10"
quick=0
only=""
fresh=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --quick) quick=1; seeds="1-2"; shift ;;
    --only) only="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    *) echo "usage: scripts/parallel-study.sh [--out DIR] [--jobs N] [--seeds A-B] [--quick]" \
            "[--only latency|utilisation|quality] [--fresh]" >&2; exit 2 ;;
  esac
done
case "$seeds" in
  *-*) seed_list=$(seq "${seeds%-*}" "${seeds#*-}") ;;
  *) seed_list=$(echo "$seeds" | tr ',' ' ') ;;
esac
build="$root/build"
bash "$root/scripts/build.sh" "$build" >/dev/null
sim="$build/bench/bench_parallel_sim"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
echo "parallel study: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')," \
     "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), output in $out"

# ---- 1. suggestion latency --------------------------------------------------
if want latency; then
  echo
  echo "== 1. suggestion latency: build/bench/bench_parallel$([ $quick = 1 ] && echo ' --quick')"
  "$build/bench/bench_parallel" $([ $quick = 1 ] && echo --quick) | tee "$out/latency.txt"
fi

# ---- 2. worker utilisation, real bo-run ------------------------------------
# $1 K, $2 evaluations, $3 mean seconds, $4 folder name, $5 seed,
# $6 stall_explore (default true, as with every EI config)
util_run() {
  local k="$1" n="$2" mean="$3" name="$4" seed="$5" stall="${6:-true}"
  local cfg="$out/utilisation/$name.yaml" dir="$out/utilisation/$name"
  cat >"$cfg" <<EOF
# Hartmann-6 whose evaluations sleep (plugins/simulated_cost.c): written by
# scripts/parallel-study.sh
name: $name
seed: $seed
goal: minimize
objective:
  plugin: $build/plugins/simulated_cost.so
  params: {function: hartmann6, mean_seconds: $mean, sigma: 0.5}
inputs:
  - {name: x1, lower: 0, upper: 1}
  - {name: x2, lower: 0, upper: 1}
  - {name: x3, lower: 0, upper: 1}
  - {name: x4, lower: 0, upper: 1}
  - {name: x5, lower: 0, upper: 1}
  - {name: x6, lower: 0, upper: 1}
model: {kernel: matern52, noise: learn}
acquisition: {type: ei, stall_explore: $stall}
initial_design: {method: lhs, size: 10}
evaluation: {workers: $k}
budget: {max_evaluations: $n, max_no_improvement: $n}
output: {plot: none}
EOF
  rm -rf "$dir"
  "$build/bo-run" "$cfg" --out "$dir" --quiet >"$dir.log" 2>&1 || {
    echo "bo-run failed, see $dir.log" >&2; return 1; }
  echo "-- K = $k, $n evaluations of mean $mean s, seed $seed, stall_explore $stall:" \
       "bo-run's summary says"
  grep -E "reached after|^workers:" "$dir.log" | sed 's/^/   /'
  "$sim" utilisation "$dir" --mean-seconds "$mean" --sigma 0.5
}
if want utilisation; then
  echo
  echo "== 2. worker utilisation: bo-run, simulated_cost (Hartmann-6, mean 1 s, sigma 0.5)"
  mkdir -p "$out/utilisation"
  {
    for k in 1 4 16 64; do
      n=$((16 * k)); [ $n -lt 32 ] && n=32; [ $n -gt 512 ] && n=512
      [ $quick = 1 ] && n=$((n / 4 < 16 ? 16 : n / 4))
      util_run "$k" "$n" 1 "K$k" 1
    done
    # the targets' two K again with other seeds: how much one run varies
    if [ $quick = 0 ]; then
      for s in 2 3; do
        util_run 16 256 1 "K16-seed$s" "$s"
        util_run 64 512 1 "K64-seed$s" "$s"
      done
    fi
    util_run 64 $([ $quick = 1 ] && echo 128 || echo 512) 4 "K64-mean4s" 1
    # stall_explore's steps refit and never reuse a fit (see the evidence)
    util_run 64 $([ $quick = 1 ] && echo 128 || echo 512) 1 "K64-nostall" 1 false
    # The same runs on the simulated clock (the engine's CPU time charged):
    # how the master's time splits into refits and reused fits.
    echo "-- the K = 16 and K = 64 runs (seed 1, mean 1 s) on bench_parallel_sim's simulated clock"
    for k in 16 64; do
      n=$((16 * k)); [ $n -gt 512 ] && n=512; [ $quick = 1 ] && n=$((n / 4))
      "$sim" run "$root/configs/hartmann6.yaml" --workers $k --seed 1 --max-evals $n \
        --out "$out/utilisation/sim-K$k" | sed 's/^/   /'
    done
  } | tee "$out/utilisation.txt"
fi

# ---- 3. quality per evaluation and per wall time, simulated clock ----------
if want quality; then
  q="$out/quality"
  mkdir -p "$q"
  [ $fresh = 1 ] && rm -rf "$q"/*/
  list="$q/jobs.txt"
  : >"$list"
  h_evals=400; [ $quick = 1 ] && h_evals=150
  # Borehole: a cost budget of 100000 instead of the configs' 40000 (and 100
  # SF evaluations instead of 40), so that runs with many workers, which
  # spend more before they get there, still reach 1 %.
  b_extra="--max-cost 100000"
  # each line: problem config K rule label seed [options...]
  add() {
    local problem="$1" config="$2" k="$3" rule="$4" label; shift 4
    label="K$k"; [ "$k" -gt 1 ] && label="K$k-$rule"
    for s in $seed_list; do
      echo "$problem $config $k $rule $label $s${*:+ $*}" >>"$list"
    done
  }
  for problem in hartmann6 borehole_mf borehole_sf; do
    case $problem in
      hartmann6) config=configs/hartmann6.yaml; long="--max-evals $h_evals"; short="" ;;
      borehole_mf) config=configs/borehole_mf_to1pct.yaml; long="$b_extra"; short="$b_extra" ;;
      borehole_sf) config=configs/borehole_sf_to1pct.yaml; long="$b_extra --max-evals 100"
                   short="$long" ;;
    esac
    # shellcheck disable=SC2086
    add $problem $config 1 believer $short
    for k in 4 16; do
      for rule in believer capped; do
        # shellcheck disable=SC2086
        add $problem $config $k $rule $long
      done
    done
  done
  echo
  echo "== 3. quality: bench_parallel_sim, $(wc -l <"$list") simulated runs, $jobs at a time"
  export sim q root
  # shellcheck disable=SC2016
  xargs -P "$jobs" -L 1 bash -c '
    problem=$0 config=$1 k=$2 rule=$3 label=$4 s=$5; shift 5
    dir="$q/$problem/$label/seed-$s"
    [ -f "$dir/sim.txt" ] && exit 0
    mkdir -p "$q/$problem/$label"
    "$sim" run "$root/$config" --workers "$k" --seed "$s" --pending "$rule" \
      --out "$dir" "$@" >"$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 255; }
  ' <"$list"
  # problem title options...
  summarise() {
    local problem="$1" title="$2"; shift 2
    local labels=()
    for l in K1 K4-believer K4-capped K16-believer K16-capped; do
      labels+=("$l=$q/$problem/$l")
    done
    "$sim" summarise "$@" --pair K4-believer:K4-capped --pair K16-believer:K16-capped \
      --plot "$q/$problem" --title "$title" "${labels[@]}"
  }
  {
    echo
    echo "-- Hartmann-6 (configs/hartmann6.yaml: EI, 10 LHS + 90), mean 1 s per evaluation"
    summarise hartmann6 "Hartmann-6, EI: median simple regret against simulated wall time (evaluations of mean 1 s)" --evals 100
    echo
    echo "-- Borehole MFCA to 1 % (configs/borehole_mf_to1pct.yaml), HF 1 s, LF1/LF3 0.1 s, LF2/LF4 0.01 s"
    summarise borehole_mf "Borehole, MFCA to 1 %: median HF regret against simulated wall time (HF 1 s, LF 0.1 / 0.01 s)" \
      --evals 100 --level 0.0398546
    echo
    echo "-- Borehole SF-EI to 1 % (configs/borehole_sf_to1pct.yaml), HF 1 s"
    summarise borehole_sf "Borehole, SF-EI to 1 %" --evals 15 --level 0.0398546
  } | tee "$q/summary.txt"
  # With the engine's time left out, a simulated run is a pure function of
  # its arguments: run one twice and compare.
  {
    echo
    echo "-- reproducibility: Hartmann-6, K = 16, seed 1, 150 evaluations, --engine-time zero, twice"
    for i in 1 2; do
      "$sim" run "$root/configs/hartmann6.yaml" --workers 16 --seed 1 --max-evals 150 \
        --engine-time zero --out "$q/repro-$i" >/dev/null
    done
    if cmp -s "$q/repro-1/history.csv" "$q/repro-2/history.csv"; then
      echo "   history.csv of the two runs: identical ($(($(wc -l <"$q/repro-1/history.csv") - 1)) rows)"
    else
      echo "   history.csv of the two runs: DIFFERENT"
    fi
  } | tee -a "$q/summary.txt"
  if command -v gnuplot >/dev/null; then
    (cd "$q" && gnuplot hartmann6.gp && gnuplot borehole_mf.gp)
    if [ $quick = 0 ]; then
      cp "$q/hartmann6.png" "$root/docs/figures/parallel-hartmann6.png"
      cp "$q/borehole_mf.png" "$root/docs/figures/parallel-borehole.png"
      echo "figures: docs/figures/parallel-hartmann6.png, docs/figures/parallel-borehole.png"
    else
      echo "figures: $q/hartmann6.png, $q/borehole_mf.png"
    fi
  else
    echo "gnuplot not installed: figures not drawn (scripts $q/*.gp)"
  fi
fi

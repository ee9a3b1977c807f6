# Shared by the studies that run bo-run over problems x variants x seeds
# (scripts/constraint-study.sh, scripts/failure-study.sh); sourced, not run.
# The caller sets $out (an absolute folder), $bo_run and $jobs and writes
# one config per problem and variant to $out/PROBLEM-VARIANT.yaml.

# Exits with status 2 naming the first of the files that is missing
# (a study needs bo-run and its plugins built first).
require_built() { # script-name file...
  local name="$1" f
  shift
  for f in "$@"; do
    [ -e "$f" ] || { echo "$name: $f is missing: build first" >&2; exit 2; }
  done
}

# One bo-run run in $out/PROBLEM/VARIANT/seed-SEED. A run folder whose
# bo-run ended with status 0 is kept, so an interrupted study continues
# where it stopped; anything else is run again from scratch.
run_one() { # problem variant seed
  local dir="$out/$1/$2/seed-$3"
  if [ -f "$dir/exit_status" ] && [ "$(cat "$dir/exit_status")" = 0 ]; then
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  "$bo_run" "$out/$1-$2.yaml" --seed "$3" --out "$dir" --quiet >"$dir.log" 2>&1
  echo $? >"$dir/exit_status"
}

# Runs every task ("problem variant seed", one an argument), $jobs at once;
# sets run_seconds to the wall time they took.
run_tasks() { # task...
  local start
  start=$(date +%s)
  export -f run_one
  export out bo_run
  printf '%s\n' "$@" | xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _
  run_seconds=$(( $(date +%s) - start ))
}

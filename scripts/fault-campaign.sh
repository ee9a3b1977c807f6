#!/usr/bin/env bash
# Fault campaign: bo-run killed at random moments and resumed, many times.
#
#   scripts/fault-campaign.sh [TRIALS]      (default 100 per kind)
#
# Kinds of trial, each on a 40-evaluation run of the test bowl plugin (its
# evaluations sleep 20 ms, 80 ms with four workers, 150 ms for child kills,
# so that kills land during evaluations as often as between them):
#   kill9-w1   kill -9 of bo-run (one worker) at a random moment, --resume,
#              repeated until the run ends; the history must equal the
#              uninterrupted run's in every column but the timings;
#   kill9-w4   the same with evaluation.workers: 4; every evaluation number
#              1..40 must appear once, each at the point dispatched.csv first
#              gave it (completion order depends on timing, so the rows are
#              compared as a set);
#   child-w1   kill -9 of one evaluation's child process only (not bo-run):
#              the run must finish, that evaluation recorded as failed with
#              its message.
# Prints a table: trials, survived, lost (an evaluation missing), repeated
# (an evaluation twice, or at another point). Needs a build (scripts/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
trials="${1:-100}"
bin="$root/build/bo-run"
plugin="$root/build/test-plugins/flaky.so"
[ -x "$bin" ] && [ -f "$plugin" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
work="$(mktemp -d /tmp/bo_fault_campaign_XXXXXX)"
trap 'rm -rf "$work"' EXIT

config() { # name workers sleep_ms
  cat > "$work/$1.yaml" <<EOF
name: $1
seed: 11
objective:
  plugin: $plugin
  params: {sleep_ms: $3, mode: fail, edge: 0.85}
inputs:
  - {name: x0, lower: 0, upper: 1}
  - {name: x1, lower: 0, upper: 1}
initial_design: {size: 8}
budget: {max_evaluations: 40}
evaluation: {workers: $2}
output: {plot: none}
EOF
}

# Compares a run folder with the reference; prints "ok", "lost N" or
# "repeated N". Mode "exact": rows equal in order (timings aside); "set":
# every eval once, at its dispatched point.
compare() { # mode reference run
  python3 - "$@" <<'PY'
import csv, sys
mode, ref, run = sys.argv[1:4]
timing = {"suggest_seconds", "eval_seconds", "worker", "started", "finished"}
def rows(path):
    with open(path, newline="") as f:
        r = list(csv.DictReader(f))
    return [{k: v for k, v in row.items() if k not in timing} for row in r]
got = rows(run + "/history.csv")
evals = [int(r["eval"]) for r in got]
want_n = 40
lost = want_n - len(set(evals))
repeated = len(evals) - len(set(evals))
if mode == "exact":
    want = rows(ref + "/history.csv")
    if got != want:
        diff = sum(1 for a, b in zip(got, want) if a != b) + abs(len(got) - len(want))
        repeated = max(repeated, diff)
else:
    sent = {int(r["eval"]): (r["x0"], r["x1"]) for r in rows(run + "/dispatched.csv")}
    repeated += sum(1 for r in got if sent.get(int(r["eval"])) != (r["x0"], r["x1"]))
print("ok" if lost == 0 and repeated == 0 else f"lost {lost} repeated {repeated}")
PY
}

# One trial: kill -9 at random moments until the run completes.
kill_trial() { # name mode trial
  local out="$work/$1-$3" kills=0
  for attempt in $(seq 1 30); do
    if [ -f "$out/history.csv" ]; then args=(--resume); else args=(); fi
    "$bin" "$work/$1.yaml" --out "$out" --quiet "${args[@]}" > /dev/null 2>&1 &
    local pid=$!
    sleep "$(python3 -c "import random; print(round(random.uniform(0.02, 0.5), 3))")"
    if kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      sleep 0.05 # the killed run's workers finish and leave, unrecorded
    else
      wait "$pid" 2>/dev/null || true
      break
    fi
  done
  if [ -f "$out/history.csv" ]; then args=(--resume); else args=(); fi
  "$bin" "$work/$1.yaml" --out "$out" --quiet "${args[@]}" > /dev/null 2>&1 || true
  result=$(compare "$2" "$work/$1-reference" "$out")
  echo "$result $kills"
  rm -rf "$out"
}

# One trial: kill -9 of an evaluation's child (the isolated plugin process,
# a grandchild of bo-run) while the run goes on.
child_trial() { # name trial
  local out="$work/$1-$2"
  "$bin" "$work/$1.yaml" --out "$out" --quiet > /dev/null 2>&1 &
  local pid=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(0.1, 0.6), 3))")"
  # The newest descendant of bo-run is an evaluation's process.
  local victim
  victim=$(pgrep -P "$(pgrep -P "$pid" | tail -1)" 2>/dev/null | tail -1 || true)
  [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  python3 - "$out/history.csv" "${victim:-none}" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
evals = [int(r["eval"]) for r in rows]
killed = [r for r in rows if "SIGKILL" in r["message"] or "Killed" in r["message"]]
lost, repeated = 40 - len(set(evals)), len(evals) - len(set(evals))
ok = lost == 0 and repeated == 0 and (sys.argv[2] == "none" or len(killed) <= 1)
print("ok" if ok else f"lost {lost} repeated {repeated}", len(killed))
PY
  rm -rf "$out"
}

printf '%-10s %7s %9s %5s %9s %s\n' kind trials survived lost repeated notes
for kind in kill9-w1 kill9-w4 child-w1; do
  case "$kind" in
    kill9-w1) config w1 1 20; mode=exact; name=w1 ;;
    kill9-w4) config w4 4 80; mode=set; name=w4 ;;
    child-w1) config c1 1 150; name=c1 ;;
  esac
  if [ "$kind" != child-w1 ]; then
    "$bin" "$work/$name.yaml" --out "$work/$name-reference" --quiet > /dev/null
  fi
  survived=0 lost=0 repeated=0 notes=0
  for t in $(seq 1 "$trials"); do
    if [ "$kind" = child-w1 ]; then r=$(child_trial "$name" "$t"); else r=$(kill_trial "$name" "$mode" "$t"); fi
    set -- $r
    if [ "$1" = ok ]; then survived=$((survived + 1)); notes=$((notes + $2)); else
      lost=$((lost + $2)); repeated=$((repeated + $4)); fi
  done
  label=$([ "$kind" = child-w1 ] && echo "children killed: $notes" || echo "kills: $notes")
  printf '%-10s %7d %9d %5d %9d %s\n' "$kind" "$trials" "$survived" "$lost" "$repeated" "$label"
done

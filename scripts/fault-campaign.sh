#!/usr/bin/env bash
# Fault campaign: bo-run killed at random moments and resumed, many times.
#
#   scripts/fault-campaign.sh [TRIALS] [KIND...]   (default 100 per kind, every kind)
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
#   two-procs  two fresh starts on one folder at the same instant, then a
#              --resume while it runs: one run, the others refused with
#              "already running (pid N)"; the history equals the uninterrupted
#              run's;
#   disk-full  the disk fills (tests/shims/disk_full.c, ENOSPC after a random
#              number of bytes): bo-run must fail with the reason, history.csv
#              hold only complete rows of the uninterrupted run, no temporary
#              file be left; --resume once there is room must end with the
#              uninterrupted run's history.
#   tmpfs-full a real full file system: the run's folder on a tmpfs mounted
#              for the trial with a random size of 1 to (the run's files)/4 KiB
#              + 8 pages (needs root and mount; the kind says so otherwise):
#              either the run fits and equals the uninterrupted run, or it
#              fails with "No space left on device", history.csv holds only
#              complete rows of the uninterrupted run and no temporary file is
#              left; the tmpfs is then grown and --resume must end with the
#              uninterrupted run's history.
# Fault objectives, each on a 16-evaluation run whose evaluations at
# x0 > 0.7 misbehave (the run must end normally with every evaluation once,
# each misbehaving one recorded as failed with the message given, and no
# process of the run left behind):
#   segv, abort    the isolated plugin crashes ("signal 11", "signal 6");
#   exit0          the plugin calls exit(0) inside evaluate;
#   spin           a busy loop, objective.timeout 0.5 s ("timed out");
#   nan, inf       the plugin returns NaN or Inf ("non-finite");
#   hog            the plugin allocates and touches 20 GiB under
#                  objective.memory_limit: 1GiB ("out of memory");
#   sigterm        the plugin ignores SIGTERM and sleeps, timeout 0.5 s
#                  (its group is killed with SIGKILL: "timed out");
#   cmd-sigterm    the same from a command (trap '' TERM);
#   fork-plugin    every evaluation of the plugin starts a 30 s helper
#                  process: all must be gone when the run ends (every
#                  evaluation succeeds here);
#   fork-command   the same from a command;
#   flood          a command prints 10 MB on stdout and 10 MB on stderr
#                  before its value: every evaluation succeeds.
# Prints a table: trials, survived, lost (an evaluation missing, or a run
# that failed), repeated (an evaluation twice, at another point, with the
# wrong status or message, or a process left). Needs a build (scripts/build.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
trials="${1:-100}"
[ $# -gt 0 ] && shift
all_kinds=(kill9-w1 kill9-w4 child-w1 two-procs disk-full tmpfs-full segv abort exit0 spin nan inf hog
           sigterm cmd-sigterm fork-plugin fork-command flood)
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=("${all_kinds[@]}")
for k in "${kinds[@]}"; do
  [[ " ${all_kinds[*]} " == *" $k "* ]] || { echo "fault-campaign: no kind '$k' (${all_kinds[*]})" >&2; exit 2; }
done
bin="$root/build/bo-run"
plugin="$root/build/test-plugins/flaky.so"
forker="$root/build/test-plugins/forker.so"
shim="$root/build/test-shims/disk_full.so"
bowl="$root/tests/data/commands/bowl.sh"
[ -x "$bin" ] && [ -f "$plugin" ] && [ -f "$shim" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
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

# Two fresh starts at the same instant, then a --resume while one runs.
two_trial() { # name trial
  local out="$work/$1-$2" verdict=ok loser=/dev/null
  "$bin" "$work/$1.yaml" --out "$out" --quiet > "$work/a.out" 2> "$work/a.err" &
  local a=$!
  "$bin" "$work/$1.yaml" --out "$out" --quiet > "$work/b.out" 2> "$work/b.err" &
  local b=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(0.05, 0.4), 3))")"
  local c_rc=0 a_rc=0 b_rc=0
  "$bin" "$work/$1.yaml" --out "$out" --quiet --resume > /dev/null 2> "$work/c.err" || c_rc=$?
  wait "$a" || a_rc=$?
  wait "$b" || b_rc=$?
  # Exactly one start ran; the other was refused with the lock's message.
  if [ "$a_rc" = 0 ] && [ "$b_rc" = 2 ]; then loser="$work/b.err"
  elif [ "$b_rc" = 0 ] && [ "$a_rc" = 2 ]; then loser="$work/a.err"
  else verdict="lost 0 repeated 1"; fi
  grep -q "already running in this folder (pid [0-9]*)" "$loser" || verdict="lost 0 repeated 1"
  # The resume came while the run went on (refused), or after it (nothing to do).
  if [ "$c_rc" = 2 ]; then
    grep -q "already running in this folder (pid" "$work/c.err" || verdict="lost 0 repeated 1"
  elif [ "$c_rc" != 0 ]; then verdict="lost 0 repeated 1"; fi
  local cmp
  cmp=$(compare exact "$work/$1-reference" "$out")
  [ "$cmp" = ok ] || verdict="$cmp"
  echo "$verdict $([ "$c_rc" = 2 ] && echo 1 || echo 0)"
  rm -rf "$out"
}

# The disk fills after a random number of bytes; then --resume with room.
# The number of rows of history $2 when they are the first rows of history
# $1 in every column but the timings, else -1.
prefix_rows() { # reference run
  python3 - "$1" "$2" <<'PY'
import csv, sys
timing = {"suggest_seconds", "eval_seconds", "worker", "started", "finished"}
def rows(p):
    with open(p, newline="") as f:
        return [{k: v for k, v in r.items() if k not in timing} for r in csv.DictReader(f)]
ref, got = rows(sys.argv[1]), rows(sys.argv[2])
print(len(got) if got == ref[:len(got)] else -1)
PY
}

disk_trial() { # name trial total_bytes
  local out="$work/$1-$2" verdict=ok rc=0 rows=0 limit cmp
  limit=$(python3 -c "import random; print(random.randint(200, $3))")
  LD_PRELOAD="$shim" BO_DISK_FULL_AFTER="$limit" "$bin" "$work/$1.yaml" --out "$out" --quiet \
    > "$work/d.out" 2> "$work/d.err" || rc=$?
  # Loud: non-zero with the reason; nothing half-written left behind.
  if [ "$rc" = 0 ] || ! grep -q "No space left on device" "$work/d.err"; then
    verdict="lost 0 repeated 1"
  fi
  for f in "$out"/*.tmp; do [ -e "$f" ] && verdict="lost 0 repeated 1"; done
  if [ -f "$out/history.csv" ]; then
    rows=$(prefix_rows "$work/$1-reference/history.csv" "$out/history.csv")
    [ "$rows" -ge 0 ] || verdict="lost 0 repeated 1"
    "$bin" "$work/$1.yaml" --out "$out" --quiet --resume > /dev/null 2>&1 || verdict="lost 1 repeated 0"
    cmp=$(compare exact "$work/$1-reference" "$out")
    [ "$cmp" = ok ] || verdict="$cmp"
  fi
  echo "$verdict $([ "$rows" -lt 40 ] && echo 1 || echo 0)"
  rm -rf "$out"
}

tmpfs_trial() { # name trial total_bytes
  local mnt="$work/mnt-$2" out verdict=ok rc=0 rows=-1 pages cut=0 cmp
  mkdir -p "$mnt"
  pages=$(python3 -c "import random; print(random.randint(1, ($3 + 4095) // 4096 + 8))")
  if ! mount -t tmpfs -o "size=$((pages * 4096))" tmpfs "$mnt" 2> "$work/t.err"; then
    echo "lost 0 repeated 1 0"; return
  fi
  out="$mnt/run"
  "$bin" "$work/$1.yaml" --out "$out" --quiet > "$work/t.out" 2> "$work/t.err" || rc=$?
  if [ "$rc" != 0 ]; then
    cut=1
    grep -q "No space left on device" "$work/t.err" || verdict="lost 0 repeated 1"
  fi
  for f in "$out"/*.tmp; do [ -e "$f" ] && verdict="lost 0 repeated 1"; done
  if [ -f "$out/history.csv" ]; then
    rows=$(prefix_rows "$work/$1-reference/history.csv" "$out/history.csv")
    [ "$rows" -ge 0 ] || verdict="lost 0 repeated 1"
  fi
  # Room again: the same file system, grown.
  mount -o remount,size=64m "$mnt"
  if [ "$cut" = 1 ]; then
    if [ -f "$out/config.yaml" ]; then
      "$bin" "$work/$1.yaml" --out "$out" --quiet --resume > /dev/null 2>&1 || verdict="lost 1 repeated 0"
    else # nothing of the run was kept: it starts afresh
      rm -rf "$out"
      "$bin" "$work/$1.yaml" --out "$out" --quiet > /dev/null 2>&1 || verdict="lost 1 repeated 0"
    fi
  fi
  cmp=$(compare exact "$work/$1-reference" "$out")
  [ "$cmp" = ok ] || verdict="$cmp"
  umount "$mnt"
  rmdir "$mnt"
  echo "$verdict $cut"
}

# A 16-evaluation run whose evaluations at x0 > 0.7 misbehave (the seed is
# the trial's).
fault_config() { # name objective-lines...
  local name="$1"; shift
  { echo "name: $name"; echo "seed: 5"; echo "objective:"; printf '  %s\n' "$@"
    printf '%s\n' "inputs:" "  - {name: x0, lower: 0, upper: 1}" "  - {name: x1, lower: 0, upper: 1}" \
      "initial_design: {size: 6}" "budget: {max_evaluations: 16}" "output: {plot: none}"
  } > "$work/$name.yaml"
}

# Processes of the trial still there: the run's own (its config path is on
# their command line: plugin children are forks of bo-run) and the helpers
# whose pids were recorded. A zombie waiting for an init that never reaps
# counts as gone.
leftovers() { # config pids-file
  local n=0 pid
  for pid in $(pgrep -f -- "$1" 2>/dev/null || true) $(cat "$2" 2>/dev/null || true); do
    [ -r "/proc/$pid/stat" ] || continue
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
    n=$((n + 1))
  done
  echo "$n"
}

# Prints the verdict and a count: failed evaluations, or helpers started
# when every evaluation must succeed (expect "-").
fault_trial() { # name trial expect
  local out="$work/$1-$2" verdict=ok rc=0 res cfg="$work/$1-seed.yaml"
  : > "$work/pids"
  # Each trial its own seed: other points, other evaluations misbehave.
  sed "s/^seed: .*/seed: $2/" "$work/$1.yaml" > "$cfg"
  BO_TEST_PIDS="$work/pids" timeout 300 "$bin" "$cfg" --out "$out" --quiet \
    > /dev/null 2> "$work/f.err" || rc=$?
  sleep 0.1 # the last members of killed groups are reaped
  [ "$rc" = 0 ] || verdict="lost 1 repeated 0"
  [ "$(leftovers "$cfg" "$work/pids")" = 0 ] || verdict="lost 0 repeated 1"
  res=$(python3 - "$out/history.csv" "$3" "$work/pids" <<'PY'
import csv, sys
try:
    with open(sys.argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
except OSError:
    rows = []
expect = sys.argv[2]
evals = [int(r["eval"]) for r in rows]
lost, repeated = 16 - len(set(evals)), len(evals) - len(set(evals))
bad = 0
for r in rows:
    greedy = float(r["x0"]) > 0.7 and expect != "-"
    if (r["status"] == "failed") != greedy or (greedy and expect not in r["message"]):
        bad += 1
if expect == "-":
    count = sum(1 for line in open(sys.argv[3]) if line.strip())
else:
    count = sum(1 for r in rows if r["status"] == "failed")
ok = lost == 0 and repeated == 0 and bad == 0
print("ok" if ok else f"lost {lost} repeated {repeated + bad}", count)
PY
)
  if [ "$verdict" = ok ]; then echo "$res"; else echo "$verdict 0"; fi
  rm -rf "$out"
}

printf '%-12s %7s %9s %5s %9s %s\n' kind trials survived lost repeated notes
for kind in "${kinds[@]}"; do
  fault=""
  name=""
  case "$kind" in
    kill9-w1) config w1 1 20; mode=exact; name=w1 ;;
    kill9-w4) config w4 4 80; mode=set; name=w4 ;;
    child-w1) config c1 1 150; name=c1 ;;
    two-procs) config tp 1 20; name=tp ;;
    disk-full) config df 1 0; name=df ;;
    tmpfs-full) config tf 1 0; name=tf ;;
    segv) fault="signal 11"; fault_config f-$kind "plugin: $plugin" "params: {mode: segv}" ;;
    abort) fault="signal 6"; fault_config f-$kind "plugin: $plugin" "params: {mode: abort}" ;;
    exit0) fault="exited with status 0 without answering"
           fault_config f-$kind "plugin: $plugin" "params: {mode: exit}" ;;
    spin) fault="timed out"; fault_config f-$kind "plugin: $plugin" "params: {mode: spin}" "timeout: 0.5" ;;
    nan|inf) fault="non-finite"; fault_config f-$kind "plugin: $plugin" "params: {mode: $kind}" ;;
    hog) fault="out of memory allocating 20 GiB"
         fault_config f-$kind "plugin: $plugin" "params: {mode: hog, hog_gib: 20}" "memory_limit: 1GiB" ;;
    sigterm) fault="timed out"
             fault_config f-$kind "plugin: $plugin" "params: {mode: sigterm}" "timeout: 0.5" ;;
    cmd-sigterm) fault="timed out"; fault_config f-$kind "command: [$bowl, sigterm]" "timeout: 0.5" ;;
    fork-plugin) fault="-"; fault_config f-$kind "plugin: $forker" "params: {pids: $work/pids}" ;;
    fork-command) fault="-"; fault_config f-$kind "command: [$bowl, leave]" ;;
    flood) fault="-"; fault_config f-$kind "command: [$bowl, flood]" "timeout: 60" ;;
  esac
  [ -n "$fault" ] && name="f-$kind"
  case "$kind" in kill9-*|two-procs|disk-full|tmpfs-full)
    "$bin" "$work/$name.yaml" --out "$work/$name-reference" --quiet > /dev/null ;;
  esac
  total=0
  if [ "$kind" = disk-full ] || [ "$kind" = tmpfs-full ]; then
    for f in config.yaml history.csv dispatched.csv engine_state.txt; do
      total=$((total + $(stat -c %s "$work/$name-reference/$f")))
    done
  fi
  survived=0 lost=0 repeated=0 notes=0
  for t in $(seq 1 "$trials"); do
    case "$kind" in
      child-w1) r=$(child_trial "$name" "$t") ;;
      two-procs) r=$(two_trial "$name" "$t") ;;
      disk-full) r=$(disk_trial "$name" "$t" "$total") ;;
      tmpfs-full) r=$(tmpfs_trial "$name" "$t" "$total") ;;
      kill9-*) r=$(kill_trial "$name" "$mode" "$t") ;;
      *) r=$(fault_trial "$name" "$t" "$fault") ;;
    esac
    set -- $r
    if [ "$1" = ok ]; then survived=$((survived + 1)); notes=$((notes + ${!#})); else
      lost=$((lost + $2)); repeated=$((repeated + $4)); fi
  done
  case "$kind" in
    child-w1) label="children killed: $notes" ;;
    two-procs) label="resumes refused while running: $notes" ;;
    disk-full) label="histories cut short: $notes" ;;
    tmpfs-full) label="runs the full file system stopped: $notes" ;;
    kill9-*) label="kills: $notes" ;;
    fork-*) label="helpers started (all gone after): $notes" ;;
    flood) label="20 MB of output per evaluation at x0 > 0.7" ;;
    *) label="evaluations failed: $notes" ;;
  esac
  printf '%-12s %7d %9d %5d %9d %s\n' "$kind" "$trials" "$survived" "$lost" "$repeated" "$label"
done

#!/usr/bin/env bash
# scripts/bench_plugin.py, the ctypes bridge through which
# scripts/compare-peers.sh lets a peer optimiser evaluate the very plugins
# bo-run evaluates: values at known points of real benchmark plugins, the
# plugin's params passed to init, and every error a caller can meet (wrong
# number of inputs, a param init refuses, an evaluation that fails, a plugin
# of another ABI) raised with the plugin's own message.
# Usage: test_bench_plugin_py.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
python=${PYTHON:-python3}
# In the sanitizer build the plugins need the ASan runtime, which must be
# loaded before everything else in the process: preload it into Python. The
# interpreter's own allocations live until exit, so leak checking (which
# would report them, not the plugins') is off for this one process; UBSan
# still halts on any report.
asan=$(ldd "$bin/plugins/branin.so" 2>/dev/null | awk '/libasan/ {print $3}')
if [ -n "$asan" ]; then
  export LD_PRELOAD="$asan${LD_PRELOAD:+:$LD_PRELOAD}"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
"$python" - "$src" "$bin" <<'PY'
import math, sys
src, bin_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, src + "/scripts")
from bench_plugin import Plugin, PluginError

checks = failures = 0
def check(ok, what):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", what, file=sys.stderr)

def raises(fn, *needles):
    try:
        fn()
    except PluginError as e:
        return all(n in str(e) for n in needles)
    return False

plugins = bin_dir + "/plugins/"
with Plugin(plugins + "branin.so", 2) as f:
    check(f.name == "branin", f"name {f.name}")
    for x in ([-math.pi, 12.275], [math.pi, 2.275], [3 * math.pi, 2.475]):
        check(abs(f(x) - 5 / (4 * math.pi)) < 1e-12, f"branin at {x}: {f(x)}")
    # (0, 0): 36 + 10 (1 - 1/(8 pi)) + 10, by hand.
    check(abs(f([0.0, 0.0]) - (56 - 10 / (8 * math.pi))) < 1e-12, "branin at the origin")
    check(raises(lambda: f([1.0, 2.0, 3.0]), "branin", "3 inputs", "expected 2"),
          "three inputs to branin")
with Plugin(plugins + "hartmann4_in20.so", 20) as f:
    x = [0.5] * 20
    y = f(x)
    x[0] = 0.1  # an ignored input
    check(f(x) == y, "hartmann4_in20 moved by an ignored input")
# Params reach init: noise changes the value, noise_sd 0 gives the clean one.
with Plugin(plugins + "noisy_sine.so", 1, {"noise_sd": "0"}) as clean, \
     Plugin(plugins + "noisy_sine.so", 1, {"noise_sd": "0.5", "seed": "3"}) as noisy:
    check(abs(clean([1.5 * math.pi + 0.0]) - (math.sin(1.5 * math.pi) + math.sin(5 * math.pi)))
          < 1e-12, "noisy_sine without noise")
    check(noisy([5.0]) != clean([5.0]), "noise_sd 0.5 made no noise")
check(raises(lambda: Plugin(plugins + "noisy_sine.so", 1, {"noise_sd": "-1"}),
             "init", "noise_sd", "-1"), "a negative noise_sd accepted")
check(raises(lambda: Plugin(plugins + "branin.so", 3), "init", "needs 2 inputs"),
      "branin accepted 3 inputs at init")
tests = bin_dir + "/test-plugins/"
with Plugin(tests + "fail_return.so", 1) as f:
    check(f([0.25]) == 0.25, "fail_return below 0.5")
    check(raises(lambda: f([0.75]), "fail_return", "outside the solver's domain"),
          "a failed evaluation did not raise")
check(raises(lambda: Plugin(tests + "wrong_abi.so", 1), "ABI 999"), "a plugin of ABI 999 loaded")
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY

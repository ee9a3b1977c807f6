#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, used as a plugin author would:
# the programs, the plugin header, bo-plugin.pc, the man pages and the bash
# completion land under the prefix; pkg-config (through PKG_CONFIG_PATH
# alone) gives the installed header and -lm; plugins/example_quadratic.c,
# copied out of the source tree, compiles against it with one cc line; and
# the installed bo-run runs a config using that plugin to completion. Done
# for this build's CMAKE_INSTALL_LIBDIR, for a second build configured with
# the Debian multiarch libdir lib/x86_64-linux-gnu (one more level below the
# prefix), and after moving an install to another folder.
# Usage: test_install.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
# shellcheck source=tests/check.sh
. "$src/tests/check.sh"
for tool in cmake pkg-config cc; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/setup-deps.sh)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bo_test_install_XXXXXX)
trap 'if [ "$failures" -eq 0 ]; then rm -rf "$work"; else echo "files kept in $work" >&2; fi' EXIT

# The plugin source outside the source tree, so that only an installed
# header can satisfy its #include "bo/bo_plugin.h"; likewise the program
# that calls libbo in-process (examples/simulation.c, "bo/bo.h").
mkdir -p "$work/plugin" "$work/sim"
cp "$src/plugins/example_quadratic.c" "$work/plugin/plugin.c"
cp "$src/examples/simulation.c" "$work/sim/simulation.c"

# A sanitizer build installs an instrumented libbo: a program using it must
# link the sanitizer runtimes itself (it cannot be loaded into python3
# without preloading them).
sanitize=0
grep -q '^BO_SANITIZE:BOOL=ON$' "$bin/CMakeCache.txt" && sanitize=1
sanitize_flags=()
[ $sanitize -eq 1 ] && sanitize_flags=(-fsanitize=address,undefined)

libdir_of() { sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$1/CMakeCache.txt"; }

# Checks an installed prefix: files in place, pkg-config, a plugin built and
# run with the installed bo-run. $1 prefix, $2 libdir (relative), $3 a label.
check_prefix() {
  local prefix=$1 libdir=$2 label=$3 f
  for f in bin/bo-run bin/bo-gp bin/bo-study include/bo/bo_plugin.h \
           "$libdir/pkgconfig/bo-plugin.pc" include/bo/bo.h "$libdir/pkgconfig/bo.pc" \
           "$libdir/libbo.so" "$libdir/libbo.so.0" \
           share/man/man1/bo-run.1 share/man/man1/bo-gp.1 share/man/man1/bo-study.1 \
           share/bash-completion/completions/bo-run share/bash-completion/completions/bo-gp \
           share/bash-completion/completions/bo-study; do
    check; [ -e "$prefix/$f" ] || fail "$label: $prefix/$f not installed"
  done
  for f in bo-run bo-gp bo-study; do
    check; cmp -s "$src/man/$f.1" "$prefix/share/man/man1/$f.1" || fail "$label: $f.1 differs"
  done
  # The installed completion file is the one bash loads for the command:
  # sourcing it defines the function and registers it.
  check
  bash --norc --noprofile -c "source '$prefix/share/bash-completion/completions/bo-gp' &&
    complete -p bo-gp | grep -q _bo_gp" || fail "$label: completion for bo-gp not registered"

  local pc_env="PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig PKG_CONFIG_LIBDIR="
  local cflags libs
  local pc_rc=0
  cflags=$(env $pc_env pkg-config --cflags bo-plugin 2>&1) || pc_rc=$?
  check; [ $pc_rc -eq 0 ] || fail "$label: pkg-config --cflags failed: $cflags"
  pc_rc=0
  libs=$(env $pc_env pkg-config --libs bo-plugin 2>&1) || pc_rc=$?
  check; [ $pc_rc -eq 0 ] || fail "$label: pkg-config --libs failed: $libs"
  check; [[ " $libs " == *" -lm "* ]] || fail "$label: pkg-config --libs lacks -lm: '$libs'"
  # -I must lead to this prefix's include folder, whatever the spelling.
  local inc=${cflags#-I}
  inc=${inc%% *}
  check
  [ "$(cd "$inc" 2>/dev/null && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] ||
    fail "$label: pkg-config --cflags '$cflags' does not point at $prefix/include"

  # The exact build line of docs/plugins.md.
  local so="$work/plugin/$label.so"
  check
  if ! (cd "$work/plugin" && cc $cflags -shared -fPIC plugin.c -o "$so" $libs) 2>"$work/cc.err"; then
    fail "$label: the plugin does not build against the install: $(cat "$work/cc.err")"
    return
  fi
  # And the header it used was the installed one.
  check
  (cd "$work/plugin" && cc $cflags -M plugin.c) | tr ' \\' '\n\n' | grep -q "^$inc/bo/bo_plugin.h$" ||
    fail "$label: the plugin was not compiled with $inc/bo/bo_plugin.h"

  check_library "$prefix" "$libdir" "$label"

  cat >"$work/$label.yaml" <<YAML
name: installed-$label
seed: 3
objective:
  plugin: $so
  params: {center: 0.25, scale: 2}
inputs:
  - {name: x1, lower: -1, upper: 1}
  - {name: x2, lower: -1, upper: 1}
initial_design: {method: lhs, size: 5}
budget: {max_evaluations: 9}
output: {plot: none}
YAML
  local out="$work/run-$label" code
  "$prefix/bin/bo-run" "$work/$label.yaml" --out "$out" >"$work/$label.out" 2>"$work/$label.err"
  code=$?
  check; [ $code -eq 0 ] || fail "$label: installed bo-run exited with $code: $(cat "$work/$label.err")"
  check
  [ "$(($(wc -l <"$out/history.csv") - 1))" -eq 9 ] ||
    fail "$label: $out/history.csv does not hold 9 evaluations"
  check; grep -q "max_evaluations reached after 9 evaluations (0 failed)" "$work/$label.out" ||
    fail "$label: bo-run's summary: $(cat "$work/$label.out")"
  check; grep -q "^best f value: " "$work/$label.out" || fail "$label: no best value printed"
}

# libbo from the prefix: the example simulation built with the one line of
# docs/library.md against pkg-config bo, with the installed header, and run
# with the installed library. $1 prefix, $2 libdir (relative), $3 a label.
check_library() {
  local prefix=$1 libdir=$2 label=$3
  local pc_env="PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig PKG_CONFIG_LIBDIR="
  local flags rc
  flags=$(env $pc_env pkg-config --cflags --libs bo 2>&1)
  rc=$?
  check; [ $rc -eq 0 ] || { fail "$label: pkg-config --cflags --libs bo failed: $flags"; return; }
  local exe="$work/sim/simulation-$label"
  check
  if ! (cd "$work/sim" && cc "${sanitize_flags[@]}" simulation.c -o "$exe" $flags -lm) 2>"$work/sim.err"; then
    fail "$label: examples/simulation.c does not build against the install: $(cat "$work/sim.err")"
    return
  fi
  local inc=${flags#-I}
  inc=${inc%% *}
  check
  [ "$(cd "$inc" 2>/dev/null && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] ||
    fail "$label: pkg-config bo's '$flags' does not point at $prefix/include"
  # Outputs captured whole: grep -q ending a pipe early fails it under pipefail.
  local deps
  deps=$(cd "$work/sim" && cc "-I$inc" -M simulation.c | tr ' \\' '\n\n')
  check
  grep -qx "$inc/bo/bo.h" <<<"$deps" || fail "$label: simulation.c was not compiled with $inc/bo/bo.h"
  local out
  out=$(LD_LIBRARY_PATH="$prefix/$libdir" "$exe" 12 2>&1)
  rc=$?
  check; [ $rc -eq 0 ] || fail "$label: the installed simulation failed: $out"
  check; [[ "$out" == *"after 12 runs"* ]] || fail "$label: simulation printed: $out"
  # The library it ran with is the installed one.
  local loaded
  loaded=$(LD_LIBRARY_PATH="$prefix/$libdir" ldd "$exe")
  check
  grep -qF "libbo.so.0 => $prefix/$libdir/libbo.so.0 " <<<"$loaded" ||
    fail "$label: the simulation does not load $prefix/$libdir/libbo.so.0"
}

# The Python package as docs/library.md installs it: pip, offline, into a
# venv that sees Debian's numpy (Debian 12's pip refuses the system
# site-packages without --break-system-packages), from a copy of python/ so
# that the build leaves nothing in the source tree; then the example loop
# run outside the source tree with the prefix's libbo found through
# LD_LIBRARY_PATH. $1 prefix, $2 libdir (relative).
check_python() {
  local prefix=$1 libdir=$2 out rc
  local py=${BO_PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 )}
  cp -r "$src/python" "$work/pysrc"
  rm -rf "$work/pysrc/build" "$work/pysrc"/*.egg-info
  out=$("$py" -m venv --system-site-packages "$work/venv" 2>&1 &&
        "$work/venv/bin/pip" install --no-index "$work/pysrc" 2>&1)
  rc=$?
  check; [ $rc -eq 0 ] || { fail "pip install ./python failed: $out"; return; }
  cp "$src/python/examples/ask_tell.py" "$work/ask_tell.py"
  out=$(cd "$work" && env -u BO_LIBRARY LD_LIBRARY_PATH="$prefix/$libdir" \
        "$work/venv/bin/python" -c 'import borun, sys; print(borun.__file__)
exec(open("ask_tell.py").read())' 2>&1)
  rc=$?
  check; [ $rc -eq 0 ] || { fail "the installed package's example failed: $out"; return; }
  check; [[ "$out" == "$work/venv/lib/"*"/site-packages/borun/__init__.py"* ]] ||
    fail "borun was not imported from the venv: $out"
  check; [[ "$out" == *"after 30 evaluations"* ]] || fail "ask_tell.py printed: $out"
}

# 1. This build, as configured.
libdir=$(libdir_of "$bin")
check; [ -n "$libdir" ] || fail "no CMAKE_INSTALL_LIBDIR in $bin/CMakeCache.txt"
if cmake --install "$bin" --prefix "$work/prefix" >"$work/install.log" 2>&1; then
  check_prefix "$work/prefix" "$libdir" main
  if [ $sanitize -eq 1 ]; then
    echo "pip install ./python: skipped in a sanitizer build (python3 would need ASan preloaded)"
  else
    check_python "$work/prefix" "$libdir"
  fi
  # 2. Moved elsewhere: the .pc file follows.
  mv "$work/prefix" "$work/moved"
  check_prefix "$work/moved" "$libdir" moved
else
  fail "cmake --install $bin failed: $(cat "$work/install.log")"
fi

# 3. A build configured with the multiarch libdir: the .pc sits one level
# deeper and must climb one more. Only the installed programs are built.
multi=lib/x86_64-linux-gnu
if cmake -S "$src" -B "$work/build-multiarch" -DCMAKE_INSTALL_LIBDIR=$multi \
     -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 &&
   cmake --build "$work/build-multiarch" -j2 --target bo-run bo-gp bo-study bo \
     >"$work/build.log" 2>&1 &&
   cmake --install "$work/build-multiarch" --prefix "$work/prefix-multiarch" \
     >"$work/install-multiarch.log" 2>&1; then
  check; [ "$(libdir_of "$work/build-multiarch")" = "$multi" ] || fail "libdir not $multi"
  check; grep -q '^prefix=${pcfiledir}/../../..$' "$work/prefix-multiarch/$multi/pkgconfig/bo-plugin.pc" ||
    fail "multiarch: prefix line of bo-plugin.pc: $(grep ^prefix= "$work/prefix-multiarch/$multi/pkgconfig/bo-plugin.pc")"
  check_prefix "$work/prefix-multiarch" "$multi" multiarch
else
  fail "the multiarch build failed: $(tail -n 20 "$work"/configure.log "$work"/build.log "$work"/install-multiarch.log 2>/dev/null)"
fi
check; grep -q '^prefix=${pcfiledir}/../..$' "$bin/bo-plugin.pc" || [ "$libdir" != lib ] ||
  fail "bo-plugin.pc's prefix line is not \${pcfiledir}/../.."

check_summary

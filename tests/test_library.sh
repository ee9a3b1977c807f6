#!/usr/bin/env bash
# libbo as other programs see it: the shared library exports exactly the
# functions bo/bo.h declares BO_PUBLIC (nm -D), nothing of the modules
# inside it; its soname is libbo.so.MAJOR of the project version; the
# header's version macros are that version.
# Usage: test_library.sh SOURCE_DIR BINARY_DIR   (ctest passes both)
set -uo pipefail
src=${1:?source dir}
bin=${2:?binary dir}
# shellcheck source=tests/check.sh
. "$src/tests/check.sh"
for tool in nm readelf; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (binutils)" >&2; exit 1; }
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$bin/CMakeCache.txt")
major=${version%%.*}
lib="$bin/libbo.so.$major"
check; [ -f "$lib" ] || { fail "$lib not built (project version '$version')"; exit 1; }

# The declared API: each declaration starts a line with BO_PUBLIC, then the
# return type and the name.
declared=$(grep -E '^BO_PUBLIC ' "$src/bo/bo.h" |
           sed -E 's/^[^(]*[ *]([A-Za-z_][A-Za-z0-9_]*)\(.*/\1/' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u)
check; [ -n "$declared" ] || fail "no BO_PUBLIC declaration found in bo/bo.h"
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
check; [ -z "$extra" ] || fail "exported but not in bo/bo.h: $(echo "$extra" | tr '\n' ' ')"
check; [ -z "$missing" ] || fail "declared in bo/bo.h but not exported: $(echo "$missing" | tr '\n' ' ')"
# Internal functions (the engine, the GP, the config loader) stay hidden.
for internal in bo_engine_suggest bo_gp_fit bo_config_load bo_strerror; do
  check; nm -D "$lib" | grep -qw "$internal" && fail "$internal is visible in $lib"
done

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check; [ "$soname" = "libbo.so.$major" ] || fail "soname '$soname', expected libbo.so.$major"
IFS=. read -r v_major v_minor v_patch <<<"$version"
check; grep -q "^#define BO_VERSION_MAJOR $v_major\$" "$src/bo/bo.h" || fail "BO_VERSION_MAJOR is not $v_major"
check; grep -q "^#define BO_VERSION_MINOR $v_minor\$" "$src/bo/bo.h" || fail "BO_VERSION_MINOR is not $v_minor"
check; grep -q "^#define BO_VERSION_PATCH $v_patch\$" "$src/bo/bo.h" || fail "BO_VERSION_PATCH is not $v_patch"
check; grep -q "^#define BO_VERSION_STRING \"$version\"\$" "$src/bo/bo.h" || fail "BO_VERSION_STRING is not \"$version\""

echo "$(echo "$declared" | wc -l) functions declared, $(echo "$exported" | wc -l) exported"
check_summary

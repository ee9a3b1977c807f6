#!/usr/bin/env python3
"""Checks the module layout against the rules table in README.md.

The table between the `module-rules` markers names, for each module folder,
the modules whose headers it may include. This script fails (exit 1, one
line per violation, file:line first) when:
  - a quoted #include in a module names a header outside the module and
    outside the modules of its row, or a file that does not exist;
  - a file includes another folder's *_internal.h;
  - the rules themselves have a cycle;
  - a module's `bo_module(... DEPENDS ...)` in CMakeLists.txt names other
    project modules than its row;
  - a header's include guard is not BO_<path without bo/ and .h>_H.
Programs (bo/cli), tests, bench, fuzz and plugins are checked for the
internal header rule, plugins for including only the plugin header and
examples for including only libbo's header (bo/bo.h).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def rules_from_readme():
    text = read("README.md")
    m = re.search(r"<!-- module-rules: begin -->(.*?)<!-- module-rules: end -->", text, re.S)
    if not m:
        sys.exit("README.md: no module-rules table between its markers")
    rules = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("module", "") or set(cells[0]) <= set("- "):
            continue
        module = cells[0].strip("`")
        deps = [d.strip().strip("`") for d in cells[1].split(",") if d.strip()]
        rules[module] = deps
    return rules


def module_of(path, modules):
    """The longest module folder that holds path (bo/engine before bo)."""
    folder = os.path.dirname(path)
    best = None
    for m in modules:
        if folder == m and (best is None or len(m) > len(best)):
            best = m
    return best


def source_files(top):
    for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def find_cycle(rules):
    state = {}

    def visit(m, stack):
        state[m] = 1
        for d in rules.get(m, []):
            if state.get(d) == 1:
                return stack + [m, d]
            if d not in state:
                c = visit(d, stack + [m])
                if c:
                    return c
        state[m] = 2
        return None

    for m in rules:
        if m not in state:
            c = visit(m, [])
            if c:
                return c
    return None


def cmake_depends():
    text = read("CMakeLists.txt")
    out = {}
    for m in re.finditer(r"^\s*bo_module\((\w+)\s+(\S+)(?:\s+DEPENDS([^)]*))?\)", text, re.M):
        deps = m.group(3).split() if m.group(3) else []
        deps = deps[:deps.index("EXCLUDE")] if "EXCLUDE" in deps else deps
        deps = sorted(d for d in deps if d.startswith("bo_"))
        # A module declared twice (with and without an optional part) must
        # name the same modules both times.
        if m.group(2) in out and out[m.group(2)] != deps:
            sys.exit(f"CMakeLists.txt: {m.group(2)} is declared twice with different DEPENDS")
        out[m.group(2)] = deps
    return out


def library_name(module):
    return "bo_" + module.split("/")[-1]


def main():
    rules = rules_from_readme()
    errors = []
    unknown = sorted({d for ds in rules.values() for d in ds} - set(rules))
    for d in unknown:
        errors.append(f"README.md: rules name module '{d}', which has no row")
    cycle = find_cycle(rules)
    if cycle:
        errors.append("README.md: the rules have a cycle: " + " -> ".join(cycle))

    # Every module's CMake library declares exactly its row.
    cmake = cmake_depends()
    for module, deps in rules.items():
        if not any(f.endswith(".c") for f in source_files(module) if os.path.dirname(f) == module):
            continue  # header-only (bo/: the plugin header)
        if module not in cmake:
            errors.append(f"CMakeLists.txt: no bo_module(... {module} ...) for module {module}")
            continue
        want = sorted(library_name(d) for d in deps if d != "bo")
        have = sorted(cmake[module])
        if want != have:
            errors.append(f"CMakeLists.txt: {module} DEPENDS {' '.join(have) or '(none)'}, "
                          f"README.md's row says {' '.join(want) or '(none)'}")
    for module in cmake:
        if module not in rules:
            errors.append(f"CMakeLists.txt: module {module} has no row in README.md's rules")

    tops = ["gp", "acquisition", "bo", "tests", "bench", "fuzz", "plugins", "examples"]
    for top in tops:
        for path in source_files(top):
            module = module_of(path, rules)
            folder = os.path.dirname(path)
            if module is None and top in ("gp", "acquisition", "bo") and folder != "bo/cli":
                errors.append(f"{path}:1: folder {folder} is not a module in README.md's rules")
                continue
            if path.endswith(".h") and module is not None:
                guard = "BO_" + re.sub(r"[/.]", "_", path[:-2].removeprefix("bo/")).upper() + "_H"
                first = read(path).split("#ifndef", 1)
                if len(first) < 2 or first[1].split()[0] != guard:
                    errors.append(f"{path}:1: include guard should be {guard}")
            for lineno, line in enumerate(read(path).splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                where = f"{path}:{lineno}"
                if not os.path.exists(os.path.join(ROOT, inc)):
                    if not os.path.exists(os.path.join(ROOT, folder, inc)):
                        errors.append(f"{where}: \"{inc}\" is not a project path")
                    continue
                inc_folder = os.path.dirname(inc)
                if inc.endswith("_internal.h") and inc_folder != folder:
                    errors.append(f"{where}: \"{inc}\" is private to {inc_folder}/")
                if top == "plugins":
                    if inc not in ("bo/bo_plugin.h", "plugins/bench_plugin.h",
                                   "plugins/constrained_plugin.h",
                                   "plugins/mixed/mixed_plugin.h"):
                        errors.append(f"{where}: plugins include only bo/bo_plugin.h, not \"{inc}\"")
                    continue
                # Examples are what users write against an install: libbo's
                # public header only.
                if top == "examples":
                    if inc != "bo/bo.h":
                        errors.append(f"{where}: examples include only bo/bo.h, not \"{inc}\"")
                    continue
                if module is None:
                    continue  # programs, tests, bench: any module
                target = module_of(inc, rules)
                if target is None:
                    errors.append(f"{where}: {module} includes \"{inc}\", outside every module")
                elif target != module and target not in rules[module]:
                    allowed = ", ".join(rules[module]) or "nothing"
                    errors.append(f"{where}: {module} may include {allowed}; not \"{inc}\" ({target})")
    for e in errors:
        print(e)
    if errors:
        print(f"check-layout: {len(errors)} violation(s); the rules are README.md's "
              "'Which module may include which'")
        return 1
    print(f"check-layout: {len(rules)} modules, includes follow README.md's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""The quality suite's table: each column set's median and worst final regret
per function, beside the "before" measurement and Optuna TPE's medians of
docs/evidence-quality/before/runs.csv (labels bo-NAME and tpe-NAME).

Usage: scripts/quality_table.py NAME=RUNS.csv [NAME=RUNS.csv ...]
RUNS.csv is a runs.csv written by bo-study (scripts/study.sh) over the suite's
18 labels; a function missing from a file is shown as '-'. Prints a Markdown
table and, per column set, how many medians are at or below TPE's, at or
below a tenth of it, and worse than before by more than 2x (the targets of
docs/evidence-quality.md).
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_peers import read_runs  # noqa: E402  (runs.csv as bo-study writes it)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEFORE = os.path.join(ROOT, "docs", "evidence-quality", "before", "runs.csv")
SUITE = ["branin", "sixhump_camel", "hartmann3", "levy", "rosenbrock", "rastrigin4",
         "shekel10", "ackley5", "hartmann6", "griewank6", "dixon_price6", "powell8",
         "zakharov8", "rosenbrock8", "ackley10", "rosenbrock20", "ackley20", "hartmann4_in20"]


def load(path, prefix=""):
    """label -> final regrets; with prefix, only labels that start with it,
    named without it."""
    finals = read_runs(path)
    if not prefix:
        return finals
    return {label[len(prefix):]: values for label, values in finals.items()
            if label.startswith(prefix)}


def main(argv):
    if not argv or any("=" not in a for a in argv):
        sys.stderr.write(__doc__)
        return 2
    before, tpe = load(BEFORE, "bo-"), load(BEFORE, "tpe-")
    sets = [(name, load(path)) for name, path in (a.split("=", 1) for a in argv)]
    head = ["function", "before median"]
    for name, _ in sets:
        head += [f"{name} median", f"{name} worst"]
    head.append("TPE median")
    for name, _ in sets:
        head += [f"{name} / TPE", f"{name} / before"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    counts = {name: [0, 0, 0] for name, _ in sets}
    for fn in SUITE:
        b, t = statistics.median(before[fn]), statistics.median(tpe[fn])
        cells, ratios = [fn, f"{b:.2g}"], []
        for name, runs in sets:
            if fn not in runs:
                cells += ["-", "-"]
                ratios += ["-", "-"]
                continue
            m, w = statistics.median(runs[fn]), max(runs[fn])
            cells += [f"{m:.2g}", f"{w:.2g}"]
            ratios += [f"{m / t:.2g}", f"{m / b:.2g}" if b > 0 else "-"]
            c = counts[name]
            c[0] += m <= t
            c[1] += m <= t / 10
            c[2] += m > 2 * b
        print("| " + " | ".join(cells + [f"{t:.2g}"] + ratios) + " |")
    for name, (le, tenth, worse) in counts.items():
        print(f"{name}: median <= TPE's on {le} of {len(SUITE)}; <= 1/10 of TPE's on {tenth}; "
              f"worse than before by > 2x: {worse}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

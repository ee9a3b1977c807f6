"""Regret tables of scripts/mixed-bo-run.sh: reads WORK/CONFIG-SEED/history.csv
for the six configs, computes the simple regret against each problem's
optimum (computed here from the formulas, independently of the plugins),
prints per-seed final regrets, medians at a few budgets and the seeds that
reached the optimal levels, and writes PREFIX-PROBLEM.dat (evaluation, then
the median regret of latent, one-hot and random)."""
import csv
import math
import statistics
import sys

RW = [0.08009544935958528, 0.10502135204423921, 0.11258705991625613,
      0.11747473182371024, 0.12555269591730778]
HL = [727.7651569285792, 728.7292383414327, 750.0646931937101,
      756.4042937730626, 805.9008085659311]


def borehole(rw, r, tu, hu, tl, hl, L, kw):
    lr = math.log(r / rw)
    return 2 * math.pi * tu * (hu - hl) / (lr * (1 + 2 * L * tu / (lr * rw * rw * kw) + tu / tl))


def camel(u1, u2):
    return ((4 - 2.1 * u1 ** 2 + u1 ** 4 / 3) * u1 ** 2 + u1 * u2 + (-4 + 4 * u2 ** 2) * u2 ** 2) / 10


# Borehole falls with r_w, T_u... see plugins/borehole_mixed.c: the least
# flow is at the smallest r_w level, the largest H_l level, r and L at their
# upper bounds and T_u, H_u, T_l, K_w at their lower ones.
FSTAR = {
    "borehole_mixed": borehole(RW[0], 50000, 63070, 990, 63.1, HL[4], 1680, 9855),
    "func2c": 2 * camel(-0.0898420131, 0.7126564030),
}
OPTIMAL_LEVELS = {"borehole_mixed": {"rw": "r1", "Hl": "h5"}, "func2c": {"h1": "b", "h2": "b"}}
METHODS = [("", "latent"), ("_onehot", "one-hot"), ("_random", "random")]
BUDGETS = [15, 20, 30, 50, 100]


def best_curve(path):
    best, curve = math.inf, []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] == "ok":
                best = min(best, float(row["y"]))
            curve.append(best)
    return curve


def levels_found(path, problem):
    """1 when the best row has the optimal levels (one-hot: its largest inputs)."""
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    row = min(rows, key=lambda r: float(r["y"]))
    for name, level in OPTIMAL_LEVELS[problem].items():
        if name in row:
            if row[name] != level:
                return 0
        else:
            n = 5 if name in ("rw", "Hl", "h2") else 3
            cols = [float(row["%s_%d" % (name.lower() if name != "Hl" else "hl", k)])
                    for k in range(1, n + 1)]
            names = ["r1", "r2", "r3", "r4", "r5"] if name == "rw" else \
                ["h1", "h2", "h3", "h4", "h5"] if name == "Hl" else list("abcde")
            if names[cols.index(max(cols))] != level:
                return 0
    return 1


def main():
    work, seeds, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print("final simple regret per seed (100 evaluations)")
    summary = []
    for problem, fstar in FSTAR.items():
        medians = {}
        for suffix, label in METHODS:
            curves, found = [], 0
            for s in range(1, seeds + 1):
                path = "%s/%s%s-%d/history.csv" % (work, problem, suffix, s)
                curves.append([max(b - fstar, 0.0) for b in best_curve(path)])
                found += levels_found(path, problem)
            finals = [c[-1] for c in curves]
            print("%-15s %-8s %s" % (problem, label, " ".join("%.3g" % v for v in finals)))
            n = min(len(c) for c in curves)
            medians[label] = [statistics.median(c[i] for c in curves) for i in range(n)]
            summary.append((problem, label, found))
        with open("%s-%s.dat" % (prefix, problem), "w") as f:
            for i in range(len(medians["latent"])):
                f.write("%d %.10g %.10g %.10g\n" % (i + 1, medians["latent"][i],
                                                     medians["one-hot"][i], medians["random"][i]))
        print()
        print("%-15s %6s %12s %12s %12s" % ("median regret", "evals", "latent", "one-hot", "random"))
        for b in BUDGETS:
            print("%-15s %6d %12.4g %12.4g %12.4g" % (problem, b, medians["latent"][b - 1],
                                                       medians["one-hot"][b - 1],
                                                       medians["random"][b - 1]))
        print()
    print("seeds whose best point has the optimal levels (of %d)" % seeds)
    for problem, label, found in summary:
        print("%-15s %-8s %d" % (problem, label, found))


main()

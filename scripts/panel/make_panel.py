#!/usr/bin/env python3
"""Writes the emulator panel: training and test CSV tables of known functions.

Usage: make_panel.py OUT_DIR

Each data set is NAME-train.csv (inputs in physical units, then y, noisy where
the set is noisy) and NAME-test.csv (2000 uniform points, y noise free, so a
test error measures the emulator and not the noise). Seeds are fixed per set:
the same command writes the same bytes.
"""
import math
import os
import sys

import numpy as np


def branin(x):
    x1, x2 = x[:, 0], x[:, 1]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


HARTMANN3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
HARTMANN3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470],
                               [1091, 8732, 5547], [381, 5743, 8828]])
HARTMANN6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HARTMANN6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886],
                               [2329, 4135, 8307, 3736, 1004, 9991],
                               [2348, 1451, 3522, 2883, 3047, 6650],
                               [4047, 8828, 8732, 5743, 1091, 381]])
HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann(A, P):
    def f(x):
        inner = ((x[:, None, :] - P[None, :, :]) ** 2 * A[None, :, :]).sum(axis=2)
        return -(HARTMANN_ALPHA[None, :] * np.exp(-inner)).sum(axis=1)
    return f


def borehole(x):
    rw, r, tu, hu, tl, hl, L, kw = x.T
    lr = np.log(r / rw)
    return 2 * math.pi * tu * (hu - hl) / (lr * (1 + 2 * L * tu / (lr * rw ** 2 * kw) + tu / tl))


def otl_circuit(x):
    rb1, rb2, rf, rc1, rc2, beta = x.T
    vb1 = 12 * rb2 / (rb1 + rb2)
    denom = beta * (rc2 + 9) + rf
    return ((vb1 + 0.74) * beta * (rc2 + 9) / denom + 11.35 * rf / denom
            + 0.74 * rf * beta * (rc2 + 9) / (denom * rc1))


def wing(x):
    sw, wfw, a, lam, q, tc_lam, tc, nz, wdg, wp = x.T
    lam_rad = lam * math.pi / 180
    return (0.036 * sw ** 0.758 * wfw ** 0.0035 * (a / np.cos(lam_rad) ** 2) ** 0.6
            * q ** 0.006 * tc_lam ** 0.04 * (100 * tc / np.cos(lam_rad)) ** -0.3
            * (nz * wdg) ** 0.49 + sw * wp)


def friedman1(x):
    return (10 * np.sin(math.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2
            + 10 * x[:, 3] + 5 * x[:, 4])


def ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def piston(x):
    M, S, V0, k, P0, Ta, T0 = x.T
    A = P0 * S + 19.62 * M - k * V0 / S
    V = S / (2 * k) * (np.sqrt(A ** 2 + 4 * k * P0 * V0 / T0 * Ta) - A)
    return 2 * math.pi * np.sqrt(M / (k + S ** 2 * P0 * V0 / T0 * Ta / V ** 2))


PI = math.pi
# name: (function, input names, lower, upper, n_train, noise sd, seed)
PANEL = {
    "branin-clean": (branin, ["x1", "x2"], [-5, 0], [10, 15], 50, 0.0, 101),
    "hartmann3-noisy": (hartmann(HARTMANN3_A, HARTMANN3_P), ["x1", "x2", "x3"],
                        [0] * 3, [1] * 3, 100, 0.05, 102),
    "ishigami-noisy": (ishigami, ["x1", "x2", "x3"], [-PI] * 3, [PI] * 3, 150, 0.1, 103),
    "borehole-clean": (borehole, ["rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw"],
                       [0.05, 100, 63070, 990, 63.1, 700, 1120, 9855],
                       [0.15, 50000, 115600, 1110, 116, 820, 1680, 12045], 120, 0.0, 104),
    "wing-clean": (wing, ["Sw", "Wfw", "A", "Lambda", "q", "lambda", "tc", "Nz", "Wdg", "Wp"],
                   [150, 220, 6, -10, 16, 0.5, 0.08, 2.5, 1700, 0.025],
                   [200, 300, 10, 10, 45, 1, 0.18, 6, 2500, 0.08], 200, 0.0, 105),
    "friedman-noisy": (friedman1, ["x1", "x2", "x3", "x4", "x5"], [0] * 5, [1] * 5, 300,
                       0.5, 106),
    "otl-clean": (otl_circuit, ["Rb1", "Rb2", "Rf", "Rc1", "Rc2", "beta"],
                  [50, 25, 0.5, 1.2, 0.25, 50], [150, 70, 3, 2.5, 1.2, 300], 300, 0.0, 107),
    "hartmann6-noisy": (hartmann(HARTMANN6_A, HARTMANN6_P), [f"x{i}" for i in range(1, 7)],
                        [0] * 6, [1] * 6, 800, 0.05, 108),
    "piston-clean": (piston, ["M", "S", "V0", "k", "P0", "Ta", "T0"],
                     [30, 0.005, 0.002, 1000, 90000, 290, 340],
                     [60, 0.020, 0.010, 5000, 110000, 296, 360], 800, 0.0, 109),
}
N_TEST = 2000


def write_csv(path, names, x, y):
    with open(path, "w") as out:
        out.write(",".join(names + ["y"]) + "\n")
        for row, value in zip(x, y):
            out.write(",".join(repr(float(v)) for v in row) + "," + repr(float(value)) + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_panel.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, (f, names, lo, hi, n, noise_sd, seed) in PANEL.items():
        rng = np.random.default_rng(seed)
        lo, hi = np.array(lo, float), np.array(hi, float)
        x = lo + (hi - lo) * rng.random((n, len(names)))
        y = f(x) + noise_sd * rng.standard_normal(n)
        write_csv(os.path.join(out_dir, name + "-train.csv"), names, x, y)
        xt = lo + (hi - lo) * rng.random((N_TEST, len(names)))
        write_csv(os.path.join(out_dir, name + "-test.csv"), names, xt, f(xt))


if __name__ == "__main__":
    main()

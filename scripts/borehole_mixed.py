#!/usr/bin/env python3
"""Borehole-Mixed data sets (GP+'s Appendix A.2) for bo-gp, in two encodings.

Borehole's first and sixth inputs (r_w and H_l) become categorical with five
levels each: five values are drawn uniformly within each input's bounds,
every row gets one of them at random, and the level is the value's index in
the sorted list (written as the letters a..e, so bo-gp reads the column as
categorical). The response is Borehole's at the drawn values; the model sees
only the level. The other six inputs are uniform on their boxes.

Writes, for one seed, DIR/latent-train.csv and DIR/latent-test.csv (level
columns as text) and DIR/onehot-train.csv and DIR/onehot-test.csv (each
categorical input as five 0/1 columns, the encoding a one-hot GP uses), all
noise-free.

Usage: borehole_mixed.py SEED N_TRAIN N_TEST DIR
"""
import math
import os
import sys

import numpy as np

# r_w, r, T_u, H_u, T_l, H_l, L, K_w
NAMES = ["r_w", "r", "T_u", "H_u", "T_l", "H_l", "L", "K_w"]
LOWER = np.array([0.05, 100.0, 63070.0, 990.0, 63.1, 700.0, 1120.0, 9855.0])
UPPER = np.array([0.15, 50000.0, 115600.0, 1110.0, 116.0, 820.0, 1680.0, 12045.0])
CATEGORICAL = (0, 5)
LEVELS = 5
LETTERS = "abcde"


def level_values_of(rng):
    """The five values of each categorical input, sorted (level a is the
    smallest): the first draws of a seed's stream, as main() makes them."""
    return [np.sort(LOWER[k] + (UPPER[k] - LOWER[k]) * rng.uniform(size=LEVELS))
            for k in CATEGORICAL]


def borehole(x):
    rw, r, tu, hu, tl, hl, L, kw = x.T
    lr = np.log(r / rw)
    return 2 * math.pi * tu * (hu - hl) / (lr * (1 + 2 * L * tu / (lr * rw ** 2 * kw) + tu / tl))


def draw(rng, n, level_values):
    x = LOWER + (UPPER - LOWER) * rng.uniform(size=(n, len(NAMES)))
    levels = np.zeros((n, len(CATEGORICAL)), dtype=int)
    for c, k in enumerate(CATEGORICAL):
        levels[:, c] = rng.integers(0, LEVELS, size=n)
        x[:, k] = level_values[c][levels[:, c]]
    return x, levels, borehole(x)


def write(path, x, levels, y, onehot):
    with open(path, "w") as f:
        header = []
        for k, name in enumerate(NAMES):
            if k in CATEGORICAL:
                header += ["%s_%s" % (name, l) for l in LETTERS] if onehot else [name]
            else:
                header.append(name)
        f.write(",".join(header + ["y"]) + "\n")
        for i in range(len(y)):
            cells = []
            for k in range(len(NAMES)):
                if k in CATEGORICAL:
                    level = levels[i, CATEGORICAL.index(k)]
                    if onehot:
                        cells += ["1" if l == level else "0" for l in range(LEVELS)]
                    else:
                        cells.append(LETTERS[level])
                else:
                    cells.append(repr(float(x[i, k])))
            f.write(",".join(cells + [repr(float(y[i]))]) + "\n")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    seed, n_train, n_test, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = np.random.default_rng([20240, seed])
    level_values = level_values_of(rng)
    train = draw(rng, n_train, level_values)
    test = draw(rng, n_test, level_values)
    os.makedirs(out, exist_ok=True)
    for enc, onehot in (("latent", False), ("onehot", True)):
        write(os.path.join(out, enc + "-train.csv"), *train, onehot)
        write(os.path.join(out, enc + "-test.csv"), *test, onehot)


if __name__ == "__main__":
    main()

"""Calibration problems of docs/evidence-calibration.md: a simulator with
calibration inputs t, a field (high-fidelity) source at unknown t = theta*,
and the designs each seed draws. Every draw derives from the seed."""
import math

import numpy as np

# Borehole on the ranges of the GP+ / latent-map GP studies (the same
# sources as plugins/borehole_mf.c).
BH_NAMES = ["Tu", "Hu", "Hl", "r", "rw", "Tl", "L", "Kw"]
BH_LO = np.array([100, 990, 700, 100, 0.05, 10, 1000, 6000], float)
BH_HI = np.array([1000, 1110, 820, 10000, 0.15, 500, 2000, 12000], float)


def borehole(x, source):
    tu, hu, hl, r, rw, tl, L, kw = x.T
    lr = np.log(r / rw)
    kappa = L * tu / (lr * rw ** 2 * kw)
    ratio = tu / tl
    if source == "HF":
        head, den = hu - hl, lr * (1 + 2 * kappa + ratio)
    elif source == "LF1":
        head, den = hu - 0.8 * hl, lr * (1 + kappa + ratio)
    elif source == "LF2":
        head, den = hu - hl, lr * (1 + 8 * kappa + 0.75 * ratio)
    else:
        raise ValueError(source)
    return 2 * math.pi * tu * head / den


# Simply supported beam under a uniform load (UQLab's calibration example):
# mid-span deflection V = 5 p L^4 / (32 E b h^3); inputs p [kN/m], b, h, L
# [m], calibration input E [GPa]; V reported in mm.
BEAM_NAMES = ["p", "b", "h", "L", "E"]
BEAM_LO = np.array([10.0, 0.14, 0.28, 4.8, 20.0])
BEAM_HI = np.array([14.0, 0.16, 0.32, 5.2, 40.0])


def beam(x):
    p, b, h, L, E = x.T
    return 5 * (p * 1e3) * L ** 4 / (32 * (E * 1e9) * b * h ** 3) * 1e3


def lhs(rng, n, lo, hi):
    d = len(lo)
    u = (np.argsort(rng.random((d, n)), axis=1).T + rng.random((n, d))) / n
    return lo + u * (hi - lo)


class Problem:
    """names: every simulator input (x then t); theta_idx: where t sits in
    the full input vector; sim(X) and field(X) on full vectors."""

    def __init__(self, name, names, lo, hi, theta_names, theta_true, sim, field,
                 n_sim, n_field, noise_sd, n_test=1000):
        self.name, self.names, self.lo, self.hi = name, names, lo, hi
        self.theta_names, self.theta_true = theta_names, np.array(theta_true, float)
        self.theta_idx = [names.index(t) for t in theta_names]
        self.x_idx = [i for i in range(len(names)) if i not in self.theta_idx]
        self.sim, self.field = sim, field
        self.n_sim, self.n_field, self.noise_sd, self.n_test = n_sim, n_field, noise_sd, n_test

    def draw(self, seed):
        rng = np.random.default_rng(seed)
        Xs = lhs(rng, self.n_sim, self.lo, self.hi)
        ys = self.sim(Xs)
        Xf = lhs(rng, self.n_field, self.lo, self.hi)
        Xf[:, self.theta_idx] = self.theta_true
        yf = self.field(Xf) + self.noise_sd * rng.standard_normal(self.n_field)
        Xt = lhs(rng, self.n_test, self.lo, self.hi)
        Xt[:, self.theta_idx] = self.theta_true
        yt = self.field(Xt)
        return Xs, ys, Xf, yf, Xt, yt


def problems():
    bh_theta = ["Hu", "Kw"]
    # The simulator is the HF form itself: calibration without model-form
    # error, theta* the only thing the field data must reveal.
    out = [Problem(
        "borehole", BH_NAMES, BH_LO, BH_HI, bh_theta, [1020.0, 10000.0],
        lambda X: borehole(X, "HF"), lambda X: borehole(X, "HF"),
        n_sim=200, n_field=20, noise_sd=2.0)]
    for lf in ["LF1", "LF2"]:
        out.append(Problem(
            "borehole-" + lf, BH_NAMES, BH_LO, BH_HI, bh_theta, [1020.0, 10000.0],
            lambda X, lf=lf: borehole(X, lf), lambda X: borehole(X, "HF"),
            n_sim=200, n_field=20, noise_sd=2.0))
    out.append(Problem(
        "beam", BEAM_NAMES, BEAM_LO, BEAM_HI, ["E"], [30.0], beam, beam,
        n_sim=100, n_field=5, noise_sd=0.5))
    return out

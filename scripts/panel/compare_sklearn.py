#!/usr/bin/python3
"""bo-gp against scikit-learn's GaussianProcessRegressor on the emulator panel.

Usage: compare_sklearn.py BO_GP PANEL_DIR [NAME ...]

Both models: Matern 5/2 with one length-scale per input (ARD), a signal
variance, a white-noise term; inputs mapped to the unit cube by the training
data's min/max (as bo-gp does), y standardised. scikit-learn gets 5 optimiser
restarts and the same bounds as bo-gp's fit box (length-scale 1e-3..20 unit
widths, signal variance 1e-4..1e4 and noise variance 1e-10..10 in standardised
units), so the two search the same model family. Both run with one BLAS
thread. NRMSE = RMSE / sd(y) on the noise-free 2000-point test set; the log
marginal likelihoods are in y's own units (bo-gp's as it prints it;
scikit-learn's standardised one minus n log sd(y)).
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel


def load(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return header, data[:, :-1], data[:, -1]


def nrmse(y, mean):
    return float(np.sqrt(np.mean((y - mean) ** 2)) / np.std(y))


def run_bo_gp(bo_gp, train, test, workdir):
    model = os.path.join(workdir, os.path.basename(train) + ".model")
    t0 = time.perf_counter()
    fit = subprocess.run([bo_gp, "fit", train, "-o", model], capture_output=True, text=True,
                         check=True)
    seconds = time.perf_counter() - t0
    ev = subprocess.run([bo_gp, "eval", model, test], capture_output=True, text=True,
                        check=True)
    lml = float(re.search(r"log marginal likelihood: (\S+)", fit.stdout).group(1))
    noise_sd = float(re.search(r"noise sd: (\S+)", fit.stdout).group(1))
    err = float(re.search(r"NRMSE: (\S+)", ev.stdout).group(1))
    return err, lml, noise_sd, seconds


def run_sklearn(x, y, xt, yt, seed):
    lo, hi = x.min(axis=0), x.max(axis=0)
    u, ut = (x - lo) / (hi - lo), (xt - lo) / (hi - lo)
    d = x.shape[1]
    kernel = (ConstantKernel(1.0, (1e-4, 1e4))
              * Matern(length_scale=np.full(d, 0.5), length_scale_bounds=(1e-3, 20.0), nu=2.5)
              + WhiteKernel(1e-4, (1e-10, 10.0)))
    gpr = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=5,
                                   random_state=seed)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gpr.fit(u, y)
    seconds = time.perf_counter() - t0
    err = nrmse(yt, gpr.predict(ut))
    sd_y = np.std(y)
    lml = gpr.log_marginal_likelihood_value_ - len(y) * np.log(sd_y)
    noise_sd = float(np.sqrt(gpr.kernel_.k2.noise_level) * sd_y)
    return err, lml, noise_sd, seconds


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: compare_sklearn.py BO_GP PANEL_DIR [NAME ...]")
    bo_gp, panel = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or sorted(f[:-len("-train.csv")] for f in os.listdir(panel)
                                   if f.endswith("-train.csv"))
    print(f"{'data set':<16} {'n':>4} {'d':>2}  {'NRMSE bo-gp':>11} {'sklearn':>9} {'ratio':>6}"
          f"  {'LML bo-gp':>11} {'sklearn':>11}  {'noise sd bo-gp':>14} {'sklearn':>9}"
          f"  {'s bo-gp':>7} {'sklearn':>8} {'speed-up':>8}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as work:
        for seed, name in enumerate(names, start=1):
            train = os.path.join(panel, name + "-train.csv")
            test = os.path.join(panel, name + "-test.csv")
            _, x, y = load(train)
            _, xt, yt = load(test)
            b = run_bo_gp(bo_gp, train, test, work)
            s = run_sklearn(x, y, xt, yt, seed)
            ratio = b[0] / s[0]
            worst = max(worst, ratio)
            print(f"{name:<16} {len(y):>4} {x.shape[1]:>2}  {b[0]:>11.4g} {s[0]:>9.4g} "
                  f"{ratio:>6.3f}  {b[1]:>11.2f} {s[1]:>11.2f}  {b[2]:>14.3g} {s[2]:>9.3g}"
                  f"  {b[3]:>7.2f} {s[3]:>8.2f} {s[3] / b[3]:>8.1f}", flush=True)
    print(f"worst NRMSE ratio bo-gp / sklearn: {worst:.3f}")


if __name__ == "__main__":
    main()

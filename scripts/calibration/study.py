"""Calibration study (docs/evidence-calibration.md): for each problem and
seed, theta estimated by `bo-gp calibrate` (the latent-map GP, GP+'s
scheme) and by a Kennedy-O'Hagan-style modular baseline built from
`bo-gp fit`/`predict`, against the known theta*; and the NRMSE of each
one's prediction of the field source on noise-free test points.

KOH-style baseline: an emulator eta(x, t) of the simulator (`bo-gp fit` on
the simulator runs), then theta = the t that maximises the marginal
likelihood of the field residuals y_f - eta(x_f, t) under an additive bias
GP delta(x) (`bo-gp fit` on the residuals, its hyperparameters refitted at
every t: a profile likelihood; the emulator's own variance is left out, as
in modular KOH). Searched on a Latin hypercube of t and refined by
Nelder-Mead. The field prediction is eta(x, theta) + delta(x).

Usage: study.py BO_GP SEEDS [PROBLEM...]"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import problems as P  # noqa: E402


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(x if isinstance(x, str) else repr(float(x)) for x in r) + "\n")


def run(args):
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(" ".join(args) + ": " + out.stderr)
    return out.stdout


def predict(bo_gp, model, header, X, d, source=None):
    path = os.path.join(d, "points.csv")
    rows = [list(r) + ([source] if source else []) for r in X]
    write_csv(path, header + (["source"] if source else []), rows)
    text = run([bo_gp, "predict", model, path]).splitlines()[1:]
    return np.array([float(t.split(",")[0]) for t in text])


def nrmse(y, m):
    return float(np.sqrt(np.mean((y - m) ** 2)) / np.std(y))


def latent_map(bo_gp, prob, seed, data, d):
    Xs, ys, Xf, yf, Xt, yt = data
    xn = [prob.names[i] for i in prob.x_idx]
    tn = prob.theta_names
    write_csv(os.path.join(d, "sim.csv"), xn + tn + ["y"],
              np.column_stack([Xs[:, prob.x_idx], Xs[:, prob.theta_idx], ys]))
    write_csv(os.path.join(d, "field.csv"), xn + ["y"], np.column_stack([Xf[:, prob.x_idx], yf]))
    lo, hi = prob.lo[prob.theta_idx], prob.hi[prob.theta_idx]
    bounds = ",".join(f"{a!r}:{b!r}" for a, b in zip(lo, hi))
    model = os.path.join(d, "calib.txt")
    args = [bo_gp, "calibrate", os.path.join(d, "sim.csv"), os.path.join(d, "field.csv"),
            "--theta", ",".join(tn), "--bounds", bounds, "-o", model, "--seed", str(seed)]
    try:
        out = run(args + ["--posterior"])
        has_sd = True
    except RuntimeError as e:
        # No Laplace sd (a flat or saddle direction at the optimum): the
        # estimate without it, its sd reported as nan.
        if "Hessian" not in str(e):
            raise
        out, has_sd = run(args), False
    lines = out.splitlines()
    est = np.array([float(lines[1 + k].split(",")[1]) for k in range(len(tn))])
    sd = np.array([float(lines[1 + k].split(",")[2]) if has_sd else float("nan")
                   for k in range(len(tn))])
    Xq = np.column_stack([Xt[:, prob.x_idx], np.tile(est, (len(Xt), 1))])
    m = predict(bo_gp, model, xn + tn, Xq, d, source="field")
    return est, sd, nrmse(yt, m)


def koh(bo_gp, prob, seed, data, d):
    Xs, ys, Xf, yf, Xt, yt = data
    xn = [prob.names[i] for i in prob.x_idx]
    tn = prob.theta_names
    emu = os.path.join(d, "emu.txt")
    write_csv(os.path.join(d, "sim.csv"), xn + tn + ["y"],
              np.column_stack([Xs[:, prob.x_idx], Xs[:, prob.theta_idx], ys]))
    run([bo_gp, "fit", os.path.join(d, "sim.csv"), "-o", emu, "--seed", str(seed)])
    lo, hi = prob.lo[prob.theta_idx], prob.hi[prob.theta_idx]
    q, nf = len(tn), len(yf)
    xf = Xf[:, prob.x_idx]
    bias = os.path.join(d, "bias.txt")

    def eta(T):
        """The emulator at every field point for every t in T (k x q)."""
        Xq = np.vstack([np.column_stack([xf, np.tile(t, (nf, 1))]) for t in T])
        return predict(bo_gp, emu, xn + tn, Xq, d).reshape(len(T), nf)

    def neg_profile(t, eta_t=None):
        if np.any(t < lo) or np.any(t > hi):
            return 1e30
        e = eta(np.array([t]))[0] if eta_t is None else eta_t
        write_csv(os.path.join(d, "resid.csv"), xn + ["residual"], np.column_stack([xf, yf - e]))
        out = run([bo_gp, "fit", os.path.join(d, "resid.csv"), "-o", bias, "--seed", str(seed)])
        return -float(re.search(r"log marginal likelihood: (\S+)", out).group(1))

    rng = np.random.default_rng(1000 + seed)
    T = P.lhs(rng, 20 * q, lo, hi)
    E = eta(T)
    vals = [neg_profile(t, e) for t, e in zip(T, E)]
    t0 = T[int(np.argmin(vals))]
    scale = hi - lo
    res = minimize(lambda u: neg_profile(lo + u * scale), (t0 - lo) / scale, method="Nelder-Mead",
                   options={"maxfev": 30 * q, "xatol": 1e-3, "fatol": 1e-3,
                            "initial_simplex": np.vstack([(t0 - lo) / scale] +
                                                         [(t0 - lo) / scale + 0.05 * np.eye(q)[k]
                                                          for k in range(q)])})
    est = lo + res.x * scale if res.fun <= min(vals) else t0
    neg_profile(est)  # leaves the bias model at the estimate
    xt = Xt[:, prob.x_idx]
    m = predict(bo_gp, emu, xn + tn, np.column_stack([xt, np.tile(est, (len(xt), 1))]), d)
    m += predict(bo_gp, bias, xn, xt, d)
    return est, nrmse(yt, m)


def main():
    bo_gp, seeds = sys.argv[1], int(sys.argv[2])
    wanted = sys.argv[3:]
    for prob in P.problems():
        if wanted and prob.name not in wanted:
            continue
        tn = prob.theta_names
        print(f"\n## {prob.name}: theta* = " +
              ", ".join(f"{n} = {v:g}" for n, v in zip(tn, prob.theta_true)) +
              f"; {prob.n_sim} simulator runs, {prob.n_field} field points (noise sd "
              f"{prob.noise_sd:g}), {prob.n_test} test points\n")
        head = ["seed"] + [f"LM {n}" for n in tn] + [f"LM sd {n}" for n in tn] + ["LM NRMSE"] + \
               [f"KOH {n}" for n in tn] + ["KOH NRMSE"]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        rows = []
        for seed in range(1, seeds + 1):
            data = prob.draw(seed)
            with tempfile.TemporaryDirectory(prefix="bo_calib_") as d:
                est, sd, e_lm = latent_map(bo_gp, prob, seed, data, d)
                kest, e_koh = koh(bo_gp, prob, seed, data, d)
            rows.append((est, sd, e_lm, kest, e_koh))
            cells = [str(seed)] + [f"{v:.5g}" for v in est] + [f"{v:.3g}" for v in sd] + \
                    [f"{e_lm:.4f}"] + [f"{v:.5g}" for v in kest] + [f"{e_koh:.4f}"]
            print("| " + " | ".join(cells) + " |", flush=True)
        est = np.array([r[0] for r in rows])
        sd = np.array([r[1] for r in rows])
        kest = np.array([r[3] for r in rows])
        lm_e = np.array([r[2] for r in rows])
        koh_e = np.array([r[4] for r in rows])
        print()
        for k, n in enumerate(tn):
            t = prob.theta_true[k]
            has = ~np.isnan(sd[:, k])
            cover = int(np.sum(np.abs(est[has, k] - t) <= 2 * sd[has, k]))
            med = f"{np.median(sd[has, k]):.3g}" if has.any() else "none"
            print(f"{n}: latent map mean {est[:, k].mean():.5g} (RMSE to theta* "
                  f"{np.sqrt(np.mean((est[:, k] - t) ** 2)):.4g}; a Laplace sd in {int(has.sum())} "
                  f"of {len(rows)} seeds, median {med}, theta* within 2 sd in {cover} of them); "
                  f"KOH mean {kest[:, k].mean():.5g} (RMSE {np.sqrt(np.mean((kest[:, k] - t) ** 2)):.4g})")
        print(f"field NRMSE: latent map median {np.median(lm_e):.4f} (mean {lm_e.mean():.4f}); "
              f"KOH median {np.median(koh_e):.4f} (mean {koh_e.mean():.4f}); latent map lower in "
              f"{int(np.sum(lm_e < koh_e))} of {len(rows)} seeds")


if __name__ == "__main__":
    main()

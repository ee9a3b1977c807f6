"""The peer side of scripts/compare-peers.sh, and its table.

  compare_peers.py tpe --out DIR --seeds 1-10 LABEL=CONFIG ...
      Runs Optuna's TPE sampler on each config's problem for each seed and
      writes DIR/LABEL/seed-S/ as a bo-run output folder (config.yaml and
      history.csv), so that bo-study aggregates the TPE runs with the same
      code, the same regret and the same quantiles as bo-run's own runs.
      The objective is the config's compiled plugin, called through
      scripts/bench_plugin.py: no formula is written twice. A run whose
      history is complete is skipped; any other is started again from its
      seed (a TPE run takes seconds).

  compare_peers.py table --runs RUNS_CSV LABEL=CONFIG ...

  compare_peers.py diagnose --study DIR LABEL ...
      What bo-run's own runs in DIR/LABEL/seed-*/ say about why they end
      where they do: per label, the final model's noise sd relative to its
      signal sd (median over seeds, and how many seeds learned one above 1 %
      on these noise-free functions), the shortest length-scale relative to
      its input's range, how many seeds took stall steps at all (history
      messages "stall: ..."), and the mean time to choose a point over
      history rows 91-100 (suggest_seconds, bo rows, all seeds).
      Prints, per label, the problem's dimension, bo-run's and TPE's median
      and worst final regret (from bo-study's runs.csv of labels bo-LABEL and
      tpe-LABEL) and the ratio of the medians.

TPE is used as a new user would: TPESampler(seed=S, n_startup_trials=N) with
N the config's initial_design.size (Optuna's default is 10, the suite's
initial design), every other setting Optuna's default; each input is a
suggest_float over the config's bounds (log=True for scale: log inputs).
"""
import argparse
import math
import os
import statistics
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_plugin import Plugin  # noqa: E402

HISTORY_HEADER = ("eval,phase,source,{inputs},y,status,message,cost,cum_cost,best,acq,"
                  "suggest_seconds,eval_seconds,worker,started,finished")


def read_problem(config_path):
    """The problem part of a bo-run config: plugin path, inputs, goal, budget."""
    with open(config_path) as f:
        cfg = yaml.safe_load(f)
    where = os.path.dirname(os.path.abspath(config_path))
    objective = cfg.get("objective") or {}
    if "plugin" not in objective:
        sys.exit(f"compare_peers.py: {config_path}: objective.plugin missing: only plugin "
                 "objectives are compared")
    if cfg.get("sources") and len(cfg["sources"]) > 1:
        sys.exit(f"compare_peers.py: {config_path}: a multi-fidelity config; TPE sees one source")
    budget = cfg.get("budget") or {}
    design = cfg.get("initial_design") or {}
    return {
        "name": cfg.get("name", os.path.basename(config_path)),
        "plugin": os.path.normpath(os.path.join(where, objective["plugin"])),
        "params": objective.get("params") or {},
        "inputs": [(i["name"], float(i["lower"]), float(i["upper"]), i.get("scale", "linear"))
                   for i in cfg["inputs"]],
        "goal": cfg.get("goal", "minimize"),
        "evals": int(budget.get("max_evaluations", 100)),
        "startup": int(design.get("size", 10)),
    }


def write_config(path, problem, seed):
    lines = [
        "# A run of Optuna's TPE sampler (scripts/compare_peers.py), written in bo-run's",
        "# config form so that bo-study aggregates it. Only the problem (objective, inputs,",
        "# goal) and the budget describe what ran; the initial design is TPE's random",
        "# startup trials. No bo-run model or acquisition took part.",
        f"name: \"{problem['name']}-tpe\"",
        f"seed: {seed}",
        f"goal: {problem['goal']}",
        "objective:",
        f"  plugin: \"{problem['plugin']}\"",
    ]
    if problem["params"]:
        lines.append("  params: {" + ", ".join(f"{k}: \"{v}\"" for k, v in
                                               sorted(problem["params"].items())) + "}")
    lines.append("inputs:")
    for name, lo, hi, scale in problem["inputs"]:
        lines.append(f"  - {{name: \"{name}\", lower: {lo!r}, upper: {hi!r}, scale: {scale}}}")
    lines += [
        f"initial_design: {{method: random, size: {problem['startup']}}}",
        "budget:",
        f"  max_evaluations: {problem['evals']}",
        f"  max_no_improvement: {problem['evals']}",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def history_complete(path, evals):
    try:
        with open(path) as f:
            return sum(1 for _ in f) == evals + 1
    except OSError:
        return False


def run_tpe(problem, seed, run_dir):
    import optuna  # imported here so that `table` runs without Optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    os.makedirs(run_dir, exist_ok=True)
    write_config(os.path.join(run_dir, "config.yaml"), problem, seed)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=problem["startup"])
    minimize = problem["goal"] == "minimize"
    study = optuna.create_study(direction="minimize" if minimize else "maximize",
                                sampler=sampler)
    names = [i[0] for i in problem["inputs"]]
    rows = []
    best = math.nan
    with Plugin(problem["plugin"], len(names), problem["params"]) as f:
        for k in range(1, problem["evals"] + 1):
            t0 = time.perf_counter()
            trial = study.ask()
            x = [trial.suggest_float(name, lo, hi, log=(scale == "log"))
                 for name, lo, hi, scale in problem["inputs"]]
            t1 = time.perf_counter()
            started = time.time()
            y = f(x)
            t2 = time.perf_counter()
            study.tell(trial, y)
            if math.isnan(best) or (y < best if minimize else y > best):
                best = y
            phase = "init" if k <= problem["startup"] else "bo"
            rows.append([str(k), phase, "f"] + [repr(v) for v in x] +
                        [repr(y), "ok", "", "1", str(k), repr(best), "", repr(t1 - t0),
                         repr(t2 - t1), "1", f"{started:.3f}", f"{time.time():.3f}"])
    tmp = os.path.join(run_dir, "history.csv.tmp")
    with open(tmp, "w") as out:
        out.write(HISTORY_HEADER.format(inputs=",".join(names)) + "\n")
        for r in rows:
            out.write(",".join(r) + "\n")
    os.replace(tmp, os.path.join(run_dir, "history.csv"))


def parse_seeds(spec):
    """"1-10", "1,2,5" or a mix such as "1-3,7", as scripts/study.sh reads them."""
    seeds = []
    for part in spec.split(","):
        lo, dash, hi = part.partition("-")
        if not lo.isdigit() or (dash and not hi.isdigit()):
            sys.exit(f"compare_peers.py: --seeds '{spec}': expected A-B or A,B,C")
        seeds += list(range(int(lo), int(hi) + 1)) if dash else [int(lo)]
    return seeds


def cmd_tpe(args):
    seeds = parse_seeds(args.seeds)
    for spec in args.specs:
        label, _, config = spec.partition("=")
        problem = read_problem(config)
        for seed in seeds:
            run_dir = os.path.join(args.out, label, f"seed-{seed}")
            if history_complete(os.path.join(run_dir, "history.csv"), problem["evals"]):
                print(f"[tpe {label} seed {seed}] complete already, skipped", flush=True)
                continue
            t0 = time.perf_counter()
            run_tpe(problem, seed, run_dir)
            print(f"[tpe {label} seed {seed}] finished in {time.perf_counter() - t0:.1f} s",
                  flush=True)


def read_runs(path):
    import csv
    finals = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["final"] != "":
                finals.setdefault(row["label"], []).append(float(row["final"]))
    return finals


def fmt(v):
    if v is None or math.isnan(v):
        return "-"
    return "0" if v == 0 else f"{v:.2g}"


def cmd_table(args):
    finals = read_runs(args.runs)
    header = (f"{'function':<16} {'d':>3} {'runs':>9}  {'bo-run median [worst]':<22} "
              f"{'TPE median [worst]':<22} {'bo/TPE':>7}")
    print(header)
    print("-" * len(header))
    for spec in args.specs:
        label, _, config = spec.partition("=")
        dim = len(read_problem(config)["inputs"])
        bo, tpe = finals.get(f"bo-{label}", []), finals.get(f"tpe-{label}", [])
        # Regret is >= 0 up to the tabulated optimum's rounding (~1e-12
        # relative); clamp so that a tiny negative does not print as a sign.
        bo = [max(v, 0.0) for v in bo]
        tpe = [max(v, 0.0) for v in tpe]
        bo_med = statistics.median(bo) if bo else math.nan
        tpe_med = statistics.median(tpe) if tpe else math.nan
        if bo and tpe and tpe_med > 0:
            ratio = f"{bo_med / tpe_med:.3g}"
        elif bo and tpe:
            ratio = "0/0" if bo_med == 0 else "inf"
        else:
            ratio = "-"
        bo_text = f"{fmt(bo_med)} [{fmt(max(bo)) if bo else '-'}]"
        tpe_text = f"{fmt(tpe_med)} [{fmt(max(tpe)) if tpe else '-'}]"
        print(f"{label:<16} {dim:>3} {len(bo):>4}/{len(tpe):<4}  {bo_text:<22} {tpe_text:<22} "
              f"{ratio:>7}")
    print("\nfinal simple regret after the whole budget, median and worst over the seeds "
          "(runs: bo-run/TPE);\nbo/TPE is the ratio of the medians (below 1: bo-run is ahead).")


def read_model(path):
    """noise_sd / signal_sd and the length-scales of a bo-run model.txt."""
    noise = signal = math.nan
    scales = {}
    section = None
    with open(path) as f:
        for line in f:
            text = line.split("#")[0].rstrip()
            if not text.strip():
                continue
            if not line.startswith(" "):
                section = text.split(":")[0]
                if section == "signal_sd":
                    signal = float(text.split(":")[1])
                continue
            key, _, value = text.strip().partition(":")
            if section == "lengthscales":
                scales[key] = float(value)
            elif section == "sources" and "noise_sd:" in value:
                noise = float(value.split("noise_sd:")[1].split(",")[0])
    return noise, signal, scales


def cmd_diagnose(args):
    import csv
    print(f"{'function':<16} {'seeds':>5}  {'noise/signal sd':>15}  {'seeds >1%':>9}  "
          f"{'shortest ls/range':>17}  {'seeds with stall steps':>22}  {'s/it rows 91-100':>16}")
    for label in args.labels:
        base = os.path.join(args.study, label)
        ratios, shortest, stalled, seeds, late_seconds = [], [], 0, 0, []
        for run in sorted(os.listdir(base)):
            model = os.path.join(base, run, "model.txt")
            history = os.path.join(base, run, "history.csv")
            config = os.path.join(base, run, "config.yaml")
            if not (os.path.exists(model) and os.path.exists(history)):
                continue
            seeds += 1
            noise, signal, scales = read_model(model)
            ratios.append(noise / signal)
            ranges = {i[0]: i[2] - i[1] for i in read_problem(config)["inputs"]}
            shortest.append(min(scales[k] / ranges[k] for k in scales))
            with open(history, newline="") as f:
                rows = list(csv.DictReader(f))
            stalled += any(r["message"].startswith("stall:") for r in rows)
            late_seconds += [float(r["suggest_seconds"]) for r in rows[90:100]
                             if r["phase"] == "bo"]
        if not seeds:
            print(f"{label:<16} {0:>5}  (no finished runs)")
            continue
        above = sum(1 for r in ratios if r > 0.01)
        print(f"{label:<16} {seeds:>5}  {statistics.median(ratios):>15.2g}  {above:>9}  "
              f"{statistics.median(shortest):>17.2g}  {stalled:>22}  "
              f"{statistics.mean(late_seconds) if late_seconds else math.nan:>16.3f}")
    print("\nnoise/signal sd and shortest length-scale / input range: medians over the seeds "
          "of the final model (model.txt).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("tpe")
    p.add_argument("--out", required=True)
    p.add_argument("--seeds", required=True, help="1-10, 1,2,5 or 1-3,7")
    p.add_argument("specs", nargs="+", metavar="LABEL=CONFIG")
    p = sub.add_parser("table")
    p.add_argument("--runs", required=True, help="bo-study's runs.csv")
    p.add_argument("specs", nargs="+", metavar="LABEL=CONFIG", help="the config gives d")
    p = sub.add_parser("diagnose")
    p.add_argument("--study", required=True, help="studies/NAME, bo-run's runs")
    p.add_argument("labels", nargs="+")
    args = parser.parse_args()
    {"tpe": cmd_tpe, "table": cmd_table, "diagnose": cmd_diagnose}[args.command](args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Time a Python ask/tell loop spends outside libbo (issue target: < 5 %).

A loop of N evaluations (default 100: 10 design points, then log-EI) on
Branin through the borun package; every foreign call into libbo is timed
where it is made (borun.C's functions wrapped), so "inside" is the C
library's own time plus ctypes' call, and "outside" is the rest of the
loop: argument checks, numpy arrays, the package's bookkeeping. The
objective's own time is printed apart and left out of both.

    BO_LIBRARY=build/libbo.so.0 PYTHONPATH=python python3 bench/python_overhead.py [N]
"""
import math
import sys
import time

import borun

inside = 0.0
calls = 0


def timed(f):
    def call(*args):
        global inside, calls
        t0 = time.perf_counter()
        try:
            return f(*args)
        finally:
            inside += time.perf_counter() - t0
            calls += 1
    return call


for name in list(vars(borun.C)):
    setattr(borun.C, name, timed(getattr(borun.C, name)))


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
objective = 0.0
t_start = time.perf_counter()
opt = borun.Optimizer([("x1", -5, 10), ("x2", 0, 15)], seed=1,
                      options={"acquisition.type": "logei", "initial_design.size": 10})
for i in range(n):
    x = opt.ask()
    t0 = time.perf_counter()
    y = branin(*x)
    objective += time.perf_counter() - t0
    opt.tell(x, y)
best = opt.best
opt.close()
total = time.perf_counter() - t_start - objective
outside = total - inside
print(f"python ask/tell loop, n = {n}, Branin, log-EI (libbo {borun.library_version()})")
print(f"  loop {total:.3f} s without the objective ({objective * 1e3:.2f} ms)")
print(f"  inside libbo {inside:.3f} s over {calls} calls")
print(f"  outside libbo {outside * 1e3:.2f} ms = {100 * outside / total:.3f} % of the loop "
      f"(target < 5 %)")
print(f"  best y {best.y:.6g}")
sys.exit(0 if outside / total < 0.05 else 1)

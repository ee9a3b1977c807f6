"""Minimises the Branin function with 10 design points and 20 by log-EI,
asking for one point at a time (python3 ask_tell.py)."""
import math

import borun


def branin(x1, x2):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


opt = borun.Optimizer([("x1", -5, 10), ("x2", 0, 15)], seed=1,
                      options={"acquisition.type": "logei", "initial_design.size": 10})
for i in range(30):
    x = opt.ask()
    opt.tell(x, branin(*x))
best = opt.best
mean, sd = opt.model.predict(best.x)
print(f"best y {best.y:.6f} at x1 = {best.x[0]:.6f}, x2 = {best.x[1]:.6f} "
      f"(model: {mean[0]:.6f} +- {sd[0]:.2g}) after {len(opt.observations[1])} evaluations")

"""The Python package against libbo and the bo-run programs of a build.

Needs BO_LIBRARY (the build's libbo.so.0) and BO_BINARY_DIR (the build
folder, for bo-run, bo-gp and the plugins); tests/test_python.sh sets both.
"""
import csv
import ctypes
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import borun  # noqa: E402

BIN = os.environ.get("BO_BINARY_DIR", "")
PLUGIN = os.path.join(BIN, "plugins", "example_noisy.so")

CONFIG = """name: py-same
seed: 11
objective:
  plugin: {plugin}
  params: {{noise_sd: 0.05}}
inputs:
  - {{name: a, lower: -1, upper: 2}}
  - {{name: b, lower: 0.1, upper: 10, scale: log}}
model: {{kernel: matern52, noise: learn, restarts: 4}}
acquisition: {{type: ei, pool: 256, starts: 4}}
initial_design: {{method: lhs, size: 6}}
budget: {{max_evaluations: 16}}
output: {{plot: none}}
"""


class _Call(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("seed", ctypes.c_ulonglong),
                ("eval", ctypes.c_size_t), ("worker", ctypes.c_size_t)]


class _Param(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p), ("value", ctypes.c_char_p)]


_INIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_Param),
                         ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_char_p,
                         ctypes.c_size_t)
_EVAL_CALL = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                              ctypes.c_size_t, ctypes.c_size_t, ctypes.POINTER(_Call),
                              ctypes.POINTER(ctypes.c_double), ctypes.c_char_p, ctypes.c_size_t)


class _Plugin(ctypes.Structure):
    """bo/bo_plugin.h's descriptor, to call the plugin bo-run ran, in-process."""
    _fields_ = [("abi_version", ctypes.c_uint), ("struct_size", ctypes.c_size_t),
                ("name", ctypes.c_char_p), ("dim", ctypes.c_size_t),
                ("n_sources", ctypes.c_size_t), ("init", _INIT), ("evaluate", ctypes.c_void_p),
                ("fini", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
                ("evaluate_call", _EVAL_CALL)]


class NoisyObjective:
    def __init__(self, noise_sd):
        lib = ctypes.CDLL(PLUGIN)
        lib.bo_plugin_entry.restype = ctypes.POINTER(_Plugin)
        self.desc = lib.bo_plugin_entry().contents
        self.lib = lib
        self.state = ctypes.c_void_p()
        param = _Param(b"noise_sd", str(noise_sd).encode())
        err = ctypes.create_string_buffer(256)
        assert self.desc.init(ctypes.byref(self.state), ctypes.byref(param), 1, 2, 1, err,
                              256) == 0, err.value

    def __call__(self, x, seed, eval_number):
        xs = (ctypes.c_double * len(x))(*x)
        call = _Call(ctypes.sizeof(_Call), seed, eval_number, 1)
        y = ctypes.c_double()
        err = ctypes.create_string_buffer(256)
        assert self.desc.evaluate_call(self.state, xs, len(x), 0, ctypes.byref(call),
                                       ctypes.byref(y), err, 256) == 0, err.value
        return y.value

    def close(self):
        self.desc.fini(self.state)


def read_history(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class SameAsBoRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="bo_test_python_")
        cls.cfg = os.path.join(cls.tmp.name, "same.yaml")
        with open(cls.cfg, "w") as f:
            f.write(CONFIG.format(plugin=PLUGIN))
        cls.out = os.path.join(cls.tmp.name, "run")
        subprocess.run([os.path.join(BIN, "bo-run"), cls.cfg, "--out", cls.out, "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        cls.rows = read_history(os.path.join(cls.out, "history.csv"))
        cls.objective = NoisyObjective(0.05)

    @classmethod
    def tearDownClass(cls):
        cls.objective.close()
        cls.tmp.cleanup()

    def drive(self, opt):
        for row in self.rows:
            x = opt.ask()
            info = opt.last_ask
            y = self.objective(x, opt.seed, info.eval)
            opt.tell(x, y)
            self.assertEqual(info.eval, int(row["eval"]))
            self.assertEqual(info.initial, row["phase"] == "init")
            # %.17g in the history reads back to the same double.
            self.assertEqual([v.hex() for v in x],
                             [float(row["a"]).hex(), float(row["b"]).hex()],
                             f"eval {info.eval}")
            self.assertEqual(y.hex(), float(row["y"]).hex(), f"eval {info.eval}")

    def test_from_config_gives_bo_runs_history(self):
        self.assertEqual(len(self.rows), 16)
        with borun.Optimizer.from_config(self.cfg) as opt:
            self.drive(opt)
            best = opt.best
            self.assertEqual(best.y, min(float(r["y"]) for r in self.rows))

    def test_options_by_name_give_bo_runs_history(self):
        space = [("a", -1, 2), {"name": "b", "lower": 0.1, "upper": 10, "scale": "log"}]
        options = {"model.kernel": "matern52", "model.restarts": 4, "acquisition.type": "ei",
                   "acquisition.pool": 256, "acquisition.starts": 4,
                   "initial_design": {"method": "lhs", "size": 6}}
        with borun.Optimizer(space, seed=11, options=options) as opt:
            self.drive(opt)

    def test_model_predicts_as_bo_gp(self):
        with borun.Optimizer.from_config(self.cfg) as opt:
            for row in self.rows:
                x = opt.ask()
                opt.tell(x, float(row["y"]))
            rng = np.random.default_rng(3)
            X = np.column_stack([rng.uniform(-1, 2, 7), np.exp(rng.uniform(math.log(0.1),
                                                                           math.log(10), 7))])
            mean, sd = opt.model.predict(X)
        # The same data as a table bo-gp fits: the log-scale input b as log(b).
        train = os.path.join(self.tmp.name, "train.csv")
        model = os.path.join(self.tmp.name, "model.txt")
        points = os.path.join(self.tmp.name, "points.csv")
        with open(train, "w") as f:
            f.write("a,log_b,y\n")
            for row in self.rows:
                f.write(f"{row['a']},{math.log(float(row['b']))!r},{row['y']}\n")
        with open(points, "w") as f:
            f.write("a,log_b\n")
            for a, b in X:
                f.write(f"{a!r},{math.log(b)!r}\n")
        # One BLAS thread, as libbo runs: threaded sums differ in the last
        # bits, and so would the fitted hyperparameters.
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        subprocess.run([os.path.join(BIN, "bo-gp"), "fit", train, "-o", model, "--kernel",
                        "matern52", "--noise", "learn", "--restarts", "4", "--seed", "11"],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        out = subprocess.run([os.path.join(BIN, "bo-gp"), "predict", model, points], check=True,
                             capture_output=True, text=True, env=env).stdout.splitlines()
        self.assertEqual(out[0], "mean,sd")
        want = np.array([[float(v) for v in line.split(",")] for line in out[1:]])
        self.assertEqual(want.shape, (7, 2))
        np.testing.assert_allclose(mean, want[:, 0], rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(sd, want[:, 1], rtol=1e-9, atol=1e-13)
        # Not the same numbers by construction: another seed's fit differs.
        self.assertGreater(np.max(sd), 1e-6)


def small(**kw):
    return borun.Optimizer([("x1", -5, 10), ("x2", 0, 15)], seed=2,
                           options={"initial_design.size": 3, **kw})


class BadInput(unittest.TestCase):
    def assertRaisesMessage(self, exc, text, fn, *args, **kw):
        with self.assertRaises(exc) as ctx:
            fn(*args, **kw)
        self.assertIn(text, str(ctx.exception))
        return ctx.exception

    def test_wrong_shapes(self):
        opt = small()
        self.assertRaisesMessage(borun.BoValueError, "tell: x has shape (3,), expected (2,)",
                                 opt.tell, [1, 2, 3], 1.0)
        self.assertRaisesMessage(ValueError, "tell: x has shape (), expected (2,)",
                                 opt.tell, 1.0, 1.0)
        self.assertRaisesMessage(ValueError, "tell: x must be 2 numbers", opt.tell,
                                 ["a", "b"], 1.0)
        self.assertRaisesMessage(ValueError, "tell: 2 points but 3 values", opt.tell,
                                 [[1, 1], [2, 2]], [1, 2, 3])
        self.assertRaisesMessage(ValueError, "tell: y must be a number", opt.tell, [1, 1], "y")
        self.assertRaisesMessage(ValueError, "predict: X has shape (2, 3), expected (n, 2)",
                                 opt.model.predict, np.zeros((2, 3)))
        self.assertRaisesMessage(ValueError, "ask: n must be a positive integer", opt.ask, 0)
        self.assertEqual(opt.n_pending, 0)

    def test_nan_and_out_of_box(self):
        opt = small()
        self.assertRaisesMessage(ValueError, "tell: y is nan; a failed evaluation is told "
                                 "with bo_optimizer_tell_failed", opt.tell, [1, 1], float("nan"))
        self.assertRaisesMessage(ValueError, "tell: y is inf", opt.tell, [1, 1], math.inf)
        self.assertRaisesMessage(ValueError, "tell: x1 (x[0]) is NaN", opt.tell,
                                 [float("nan"), 1], 1.0)
        e = self.assertRaisesMessage(ValueError, "tell: x2 (x[1]) = 16 is outside its box "
                                     "[0, 15]", opt.tell, [1, 16], 1.0)
        self.assertEqual(e.result, 2)
        self.assertRaisesMessage(ValueError, "tell_failed: x1 (x[0]) = -6", opt.tell_failed,
                                 [-6, 1])
        self.assertRaisesMessage(ValueError, "cancel: that point is not pending", opt.cancel,
                                 [1, 1])
        self.assertRaisesMessage(ValueError, "tell: unknown source 'hi' (one of f)", opt.tell,
                                 [1, 1], 1.0, "hi")
        self.assertRaisesMessage(ValueError, "predict: point 0, x1 (column 0) is nan",
                                 opt.model.predict, [[float("nan"), 1]])
        self.assertEqual(opt.observations[0].shape, (0, 2))
        self.assertIsNone(opt.best)
        self.assertRaisesMessage(borun.BoError, "predict: no successful observation",
                                 opt.model.predict, [[1, 1]])

    def test_bad_options(self):
        self.assertRaisesMessage(ValueError, "acquisition.type: expected one of", small,
                                 **{"acquisition.type": "eii"})
        self.assertRaisesMessage(ValueError, "modle", small, **{"modle.kernel": "sqexp"})
        self.assertRaisesMessage(ValueError, "model.restarts", small,
                                 **{"model.restarts": -1})
        self.assertRaisesMessage(ValueError, "'model..x': expected a key path", small,
                                 **{"model..x": 1})
        self.assertRaisesMessage(ValueError, "initial_design.size: expected a finite number",
                                 small, **{"initial_design.size": float("nan")})
        self.assertRaisesMessage(ValueError, "inputs[1] (x2): expected finite lower < upper",
                                 borun.Optimizer, [("x1", 0, 1), ("x2", 1, 0)])
        self.assertRaisesMessage(ValueError, "space[0]: expected (name, lower, upper",
                                 borun.Optimizer, [("x1", 0)])
        self.assertRaisesMessage(ValueError, "seed: expected an integer", borun.Optimizer,
                                 [("x1", 0, 1)], seed=-1)
        self.assertRaisesMessage(ValueError, "expected a space", borun.Optimizer)
        self.assertRaisesMessage(borun.BoError, "cannot open", borun.Optimizer.from_config,
                                 "/nonexistent.yaml")

    def test_closed(self):
        opt = small()
        opt.close()
        self.assertRaisesMessage(borun.BoError, "closed", opt.ask)


class AskTell(unittest.TestCase):
    def test_pending_points_and_batches(self):
        opt = small()
        X = opt.ask(3)
        self.assertEqual(X.shape, (3, 2))
        self.assertEqual(len({tuple(r) for r in X}), 3)
        self.assertEqual(opt.n_pending, 3)
        opt.cancel(X[2])
        opt.tell(X[:2], [1.0, 2.0])
        self.assertEqual(opt.n_pending, 0)
        x = opt.ask()          # the design's third point again: it was cancelled
        np.testing.assert_array_equal(x, X[2])
        opt.tell_failed(x)
        X_seen, y, src, ok = opt.observations
        self.assertEqual(list(ok), [True, True, False])
        self.assertTrue(math.isnan(y[2]))
        self.assertEqual(opt.best.y, 1.0)
        self.assertEqual(borun.library_version(), borun.__version__)

    def test_sources(self):
        opt = borun.Optimizer([("x", 0, 1)], seed=3, options={
            "sources": [{"name": "lo", "cost": 1, "initial": 3},
                        {"name": "hi", "cost": 10, "initial": 2}],
            "target": "hi", "acquisition.type": "mfca"})
        self.assertEqual(opt.sources, ["lo", "hi"])
        self.assertEqual(opt.target_source, 1)
        seen = []
        for _ in range(7):
            x = opt.ask()
            s = opt.last_ask.source
            seen.append(s)
            opt.tell(x, (x[0] - 0.4) ** 2 + (0.1 if s == 0 else 0.0))   # its own source
        self.assertEqual(seen[:5], [0, 0, 0, 1, 1])
        _, _, src, _ = opt.observations
        self.assertEqual(list(src), seen)
        mean_lo, _ = opt.model.predict([[0.4]], source="lo")
        mean_hi, _ = opt.model.predict([[0.4]], source=1)
        self.assertNotEqual(mean_lo[0], mean_hi[0])

    def test_maximize_and_log_scale(self):
        opt = borun.Optimizer({"c": (1e-3, 1e3, "log")}, seed=4,
                              options={"goal": "maximize", "initial_design.size": 5})
        for _ in range(12):
            x = opt.ask()
            opt.tell(x, -math.log10(x[0]) ** 2)
        self.assertGreater(opt.best.y, -0.05)
        self.assertTrue(1e-3 <= opt.best.x[0] <= 1e3)
        mean, _ = opt.model.predict(opt.best.x)
        self.assertLess(abs(mean[0] - opt.best.y), 0.05)

    def test_integer_and_categorical_inputs(self):
        opt = borun.Optimizer([
            ("x", 0, 1),
            {"name": "n", "type": "integer", "lower": 0, "upper": 3},
            {"name": "m", "type": "categorical", "levels": ["a", "b", "c"]}], seed=2)
        self.assertEqual(opt.kinds, ["real", "integer", "categorical"])
        self.assertEqual(opt.levels, [None, None, ["a", "b", "c"]])
        offset = {"a": 1.0, "b": 0.3, "c": 0.0}
        for _ in range(20):
            x = opt.ask()
            self.assertEqual(x[1], round(x[1]))
            self.assertIn(x[2], (0.0, 1.0, 2.0))
            opt.tell(x, (x[0] - 0.4) ** 2 + (x[1] - 2) ** 2 + offset[opt.levels[2][int(x[2])]])
        self.assertLess(opt.best.y, 0.01)
        self.assertEqual(list(opt.best.x[1:]), [2.0, 2.0])
        with self.assertRaises(borun.BoValueError) as e:
            opt.tell([0.5, 1.5, 0], 1.0)
        self.assertIn("n (x[1]) = 1.5 is not an integer", str(e.exception))
        with self.assertRaises(borun.BoValueError) as e:
            borun.Optimizer([{"name": "m", "type": "categorical", "levels": ["a"]}])
        self.assertIn("inputs[0].levels: one level ('a')", str(e.exception))


if __name__ == "__main__":
    unittest.main()

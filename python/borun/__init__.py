"""bo-run's Bayesian optimiser in Python: ask/tell over libbo (bo/bo.h).

    import borun
    opt = borun.Optimizer([("x1", -5, 10), ("x2", 0, 15)], seed=1,
                          options={"acquisition.type": "logei"})
    for _ in range(30):
        x = opt.ask()
        opt.tell(x, f(x))
    print(opt.best)

Options are the keys of a bo-run config (docs/config.md), by path; a YAML
run and a Python run of the same config and seed give the same points
(`Optimizer.from_config`). Errors are exceptions carrying libbo's message:
`BoValueError` (also a ValueError) for bad input, `BoError` otherwise.

libbo is found through the BO_LIBRARY environment variable (the path of
libbo.so.0), then the system's library path (LD_LIBRARY_PATH, ldconfig).
"""

import ctypes
import ctypes.util
import json
import math
import os
from collections import namedtuple

import numpy as np

__all__ = ["Optimizer", "Model", "BoError", "BoValueError", "Best", "AskInfo",
           "library_version"]
__version__ = "0.2.0"

# bo_result, in bo/bo.h's order.
_RESULT_NAMES = ["success", "out of memory", "invalid argument or option",
                 "numerical failure", "input/output error", "malformed text",
                 "call out of order", "optimiser failure"]
_ERR_INVALID = 2
_ERR_PARSE = 5


class BoError(Exception):
    """A libbo call failed; .result is its bo_result code."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


class BoValueError(BoError, ValueError):
    """Bad input: an option, a point, a value, a shape."""


class _AskInfo(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("eval", ctypes.c_size_t),
                ("source", ctypes.c_size_t), ("initial", ctypes.c_int),
                ("acquisition", ctypes.c_double)]


AskInfo = namedtuple("AskInfo", "eval source initial acquisition")
AskInfo.__doc__ = "What ask() said of its point: 1-based eval, source, initial, acquisition."
Best = namedtuple("Best", "x y")
Best.__doc__ = "The best successful target value y and its point x."

_c_double_p = ctypes.POINTER(ctypes.c_double)
_c_size_p = ctypes.POINTER(ctypes.c_size_t)


def _load_library():
    path = os.environ.get("BO_LIBRARY")
    candidates = [path] if path else []
    if not path:
        found = ctypes.util.find_library("bo")
        candidates += [found] if found else []
        candidates.append("libbo.so.0")
    errors = []
    for c in candidates:
        try:
            return ctypes.CDLL(c)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("borun: cannot load libbo (" + "; ".join(errors) + "); install it "
                      "with cmake --install, or set BO_LIBRARY to the path of libbo.so.0")


_lib = _load_library()

# name: (restype, argtypes)
_SIGNATURES = {
    "bo_version": (ctypes.c_char_p, []),
    "bo_options_new": (ctypes.c_void_p, []),
    "bo_options_free": (None, [ctypes.c_void_p]),
    "bo_options_error": (ctypes.c_char_p, [ctypes.c_void_p]),
    "bo_options_set": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]),
    "bo_options_add_input": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double,
                                            ctypes.c_double, ctypes.c_int]),
    "bo_options_read_file": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p]),
    "bo_options_set_seed": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_uint64]),
    "bo_optimizer_new": (ctypes.c_int, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]),
    "bo_optimizer_free": (None, [ctypes.c_void_p]),
    "bo_optimizer_error": (ctypes.c_char_p, [ctypes.c_void_p]),
    "bo_optimizer_dim": (ctypes.c_size_t, [ctypes.c_void_p]),
    "bo_optimizer_input_name": (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t]),
    "bo_optimizer_input_box": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t, _c_double_p,
                                              _c_double_p]),
    "bo_optimizer_input_kind": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t]),
    "bo_optimizer_input_levels": (ctypes.c_size_t, [ctypes.c_void_p, ctypes.c_size_t]),
    "bo_optimizer_level_name": (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t,
                                                  ctypes.c_size_t]),
    "bo_optimizer_n_sources": (ctypes.c_size_t, [ctypes.c_void_p]),
    "bo_optimizer_source_name": (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_size_t]),
    "bo_optimizer_target_source": (ctypes.c_size_t, [ctypes.c_void_p]),
    "bo_optimizer_seed": (ctypes.c_uint64, [ctypes.c_void_p]),
    "bo_optimizer_ask": (ctypes.c_int, [ctypes.c_void_p, _c_double_p,
                                        ctypes.POINTER(_AskInfo)]),
    "bo_optimizer_tell": (ctypes.c_int, [ctypes.c_void_p, _c_double_p, ctypes.c_size_t,
                                         ctypes.c_double]),
    "bo_optimizer_tell_failed": (ctypes.c_int, [ctypes.c_void_p, _c_double_p,
                                                ctypes.c_size_t]),
    "bo_optimizer_cancel": (ctypes.c_int, [ctypes.c_void_p, _c_double_p, ctypes.c_size_t]),
    "bo_optimizer_n_pending": (ctypes.c_size_t, [ctypes.c_void_p]),
    "bo_optimizer_n_observations": (ctypes.c_size_t, [ctypes.c_void_p]),
    "bo_optimizer_observation": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t, _c_double_p,
                                                _c_size_p, _c_double_p,
                                                ctypes.POINTER(ctypes.c_int)]),
    "bo_optimizer_best": (ctypes.c_int, [ctypes.c_void_p, _c_double_p, _c_double_p]),
    "bo_optimizer_predict": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t, _c_double_p,
                                            ctypes.c_size_t, _c_double_p, _c_double_p]),
}


class _Functions:
    """libbo's functions with their C types; one attribute per function, so
    that a caller (bench/python_overhead.py) can time the foreign calls."""


C = _Functions()
for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _f = getattr(_lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
    setattr(C, _name[3:], _f)


def library_version():
    """The version of the libbo loaded, e.g. '0.2.0'."""
    return C.version().decode()


def _raise(result, message):
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    if result == _ERR_INVALID or result == _ERR_PARSE:
        raise BoValueError(text, result)
    name = _RESULT_NAMES[result] if 0 <= result < len(_RESULT_NAMES) else str(result)
    raise BoError(f"{text} ({name})", result)


def _yaml_value(key, value):
    """A Python value as the one-line YAML text bo_options_set takes:
    strings as written (YAML scalars such as 'logei'), the rest as JSON
    (a subset of YAML's flow style)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise BoValueError(f"{key}: expected a finite number, got {value}", _ERR_INVALID)
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise BoValueError(f"{key}: cannot be written as a config value: {e}",
                           _ERR_INVALID) from None


def _discrete_entry(i, entry):
    """A {name, type: integer, lower, upper} or {name, type: categorical,
    levels} entry, checked as far as Python can; the config loader checks
    the rest and names the key."""
    kind = entry["type"]
    keys = {"integer": {"name", "type", "lower", "upper"},
            "categorical": {"name", "type", "levels"}}.get(kind)
    if keys is None:
        raise BoValueError(f"space[{i}]: type must be 'real', 'integer' or 'categorical', "
                           f"got {kind!r}", _ERR_INVALID)
    unknown = set(entry) - keys
    if unknown:
        raise BoValueError(f"space[{i}]: unknown key(s) {sorted(unknown)} for a {kind} input "
                           f"({', '.join(sorted(keys))})", _ERR_INVALID)
    return {k: (list(v) if k == "levels" else v) for k, v in entry.items()}


def _space_entries(space):
    """(name, lower, upper, log_scale) from a list of (name, lower, upper[,
    'log']) tuples or {name, lower, upper[, scale]} dicts, or a dict of
    name: (lower, upper[, 'log']); a dict entry with type integer or
    categorical is kept as the dict itself."""
    if isinstance(space, dict):
        space = [(name,) + tuple(bounds) for name, bounds in space.items()]
    out = []
    for i, entry in enumerate(space):
        if isinstance(entry, dict) and entry.get("type", "real") != "real":
            out.append(_discrete_entry(i, entry))
            continue
        if isinstance(entry, dict):
            unknown = set(entry) - {"name", "lower", "upper", "scale", "type"}
            if unknown:
                raise BoValueError(f"space[{i}]: unknown key(s) {sorted(unknown)} (name, "
                                   "lower, upper, scale)", _ERR_INVALID)
            try:
                name, lower, upper = entry["name"], entry["lower"], entry["upper"]
            except KeyError as e:
                raise BoValueError(f"space[{i}]: missing {e}", _ERR_INVALID) from None
            scale = entry.get("scale", "linear")
        else:
            entry = tuple(entry)
            if len(entry) not in (3, 4):
                raise BoValueError(f"space[{i}]: expected (name, lower, upper[, scale]), got "
                                   f"{entry!r}", _ERR_INVALID)
            name, lower, upper = entry[:3]
            scale = entry[3] if len(entry) == 4 else "linear"
        if scale not in ("linear", "log"):
            raise BoValueError(f"space[{i}]: scale must be 'linear' or 'log', got {scale!r}",
                               _ERR_INVALID)
        try:
            lower, upper = float(lower), float(upper)
        except (TypeError, ValueError):
            raise BoValueError(f"space[{i}] ({name}): bounds must be numbers, got "
                               f"{lower!r}, {upper!r}", _ERR_INVALID) from None
        out.append((str(name), lower, upper, scale == "log"))
    return out


class Optimizer:
    """Ask/tell Bayesian optimisation with bo-run's engine.

    space: the inputs, [(name, lower, upper), ...] (a 4th item 'log' for a
    log scale), [{name, lower, upper, scale}], or {name: (lower, upper)};
    integer and categorical inputs as {name, type: "integer", lower, upper}
    and {name, type: "categorical", levels: [...]}: points then hold an
    integer's value and a level's index (self.kinds, self.levels).
    seed: the run's seed. options: {config key path: value}, e.g.
    {"acquisition.type": "logei", "initial_design.size": 8,
    "sources": [{"name": "lo", "cost": 1}, {"name": "hi", "cost": 10}]}.
    """

    def __init__(self, space=None, seed=None, options=None, *, _config=None):
        self._handle = None
        opts = C.options_new()
        if not opts:
            raise MemoryError("libbo: out of memory")
        try:
            if _config is not None:
                self._check(C.options_read_file(opts, os.fsencode(_config)), opts)
                if space is not None or options:
                    raise BoValueError("from_config: the config file gives the space and "
                                       "the options (only the seed can be changed)",
                                       _ERR_INVALID)
            else:
                if space is None:
                    raise BoValueError("Optimizer: expected a space (the inputs), or use "
                                       "Optimizer.from_config", _ERR_INVALID)
                entries = _space_entries(space)
                if all(isinstance(e, tuple) for e in entries):
                    for name, lower, upper, log_scale in entries:
                        self._check(C.options_add_input(opts, name.encode(), lower, upper,
                                                        int(log_scale)), opts)
                else:
                    # Mixed inputs go through the config's inputs: key.
                    inputs = [e if isinstance(e, dict) else
                              {"name": e[0], "lower": e[1], "upper": e[2],
                               "scale": "log" if e[3] else "linear"} for e in entries]
                    self._check(C.options_set(opts, b"inputs",
                                              _yaml_value("inputs", inputs).encode()), opts)
                for key, value in (options or {}).items():
                    self._check(C.options_set(opts, str(key).encode(),
                                              _yaml_value(key, value).encode()), opts)
            if seed is not None:
                if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or \
                        not 0 <= int(seed) < 2**64:
                    raise BoValueError(f"seed: expected an integer in [0, 2^64), got {seed!r}",
                                       _ERR_INVALID)
                C.options_set_seed(opts, int(seed))
            handle = ctypes.c_void_p()
            self._check(C.optimizer_new(opts, ctypes.byref(handle)), opts)
            self._handle = handle
        finally:
            C.options_free(opts)
        h = self._handle
        self.dim = C.optimizer_dim(h)
        self.inputs = [C.optimizer_input_name(h, i).decode() for i in range(self.dim)]
        lo, hi = ctypes.c_double(), ctypes.c_double()
        bounds = []
        for i in range(self.dim):
            C.optimizer_input_box(h, i, ctypes.byref(lo), ctypes.byref(hi))
            bounds.append((lo.value, hi.value))
        self.bounds = np.array(bounds)
        # Integer and categorical inputs (options={"inputs": [{..., "type":
        # "categorical", "levels": [...]}]}): points hold an integer's value
        # and a level's index; levels[i] names a categorical input's levels.
        kind_names = {0: "real", 1: "integer", 2: "categorical"}
        self.kinds = [kind_names[C.optimizer_input_kind(h, i)] for i in range(self.dim)]
        self.levels = [[C.optimizer_level_name(h, i, l).decode()
                        for l in range(C.optimizer_input_levels(h, i))]
                       if self.kinds[i] == "categorical" else None for i in range(self.dim)]
        self.sources = [C.optimizer_source_name(h, i).decode()
                        for i in range(C.optimizer_n_sources(h))]
        self.target_source = C.optimizer_target_source(h)
        self.seed = C.optimizer_seed(h)
        self.last_ask = None
        self._pending = {}          # point bytes -> source, for tell's default
        self.model = Model(self)

    @classmethod
    def from_config(cls, path, seed=None):
        """The optimizer of a bo-run config file (its objective and budget
        are checked and left to the caller); seed replaces the file's."""
        return cls(seed=seed, _config=path)

    @staticmethod
    def _check(result, opts):
        if result != 0:
            _raise(result, C.options_error(opts))

    def _fail(self, result):
        if result != 0:
            _raise(result, C.optimizer_error(self._handle))

    def close(self):
        """Frees the C handle (also done when the object is collected)."""
        if self._handle:
            C.optimizer_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _live(self):
        if not self._handle:
            raise BoError("the optimizer is closed")
        return self._handle

    def _point(self, x, what):
        try:
            a = np.array(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise BoValueError(f"{what}: x must be {self.dim} numbers, got {x!r}",
                               _ERR_INVALID) from None
        if a.shape != (self.dim,):
            raise BoValueError(f"{what}: x has shape {a.shape}, expected ({self.dim},) for "
                               f"inputs {', '.join(self.inputs)}", _ERR_INVALID)
        return a

    def _source(self, a, source, what):
        if source is None:
            return self._pending.get(a.tobytes(), self.target_source)
        if isinstance(source, str):
            if source not in self.sources:
                raise BoValueError(f"{what}: unknown source {source!r} (one of "
                                   f"{', '.join(self.sources)})", _ERR_INVALID)
            return self.sources.index(source)
        if not isinstance(source, (int, np.integer)) or not 0 <= source < len(self.sources):
            raise BoValueError(f"{what}: source must be a name or an index below "
                               f"{len(self.sources)}, got {source!r}", _ERR_INVALID)
        return int(source)

    def ask(self, n=None):
        """The next point to evaluate (an array of dim values), pending until
        told; with n, n points at once (an n-by-dim array), each chosen
        knowing the others are being evaluated. self.last_ask is the
        AskInfo of the last point (its eval number, source, ...)."""
        h = self._live()
        if n is not None:
            if not isinstance(n, (int, np.integer)) or n < 1:
                raise BoValueError(f"ask: n must be a positive integer, got {n!r}",
                                   _ERR_INVALID)
            return np.stack([self.ask() for _ in range(int(n))])
        x = np.empty(self.dim)
        info = _AskInfo(ctypes.sizeof(_AskInfo))
        self._fail(C.optimizer_ask(h, x.ctypes.data_as(_c_double_p), ctypes.byref(info)))
        self._pending[x.tobytes()] = info.source
        self.last_ask = AskInfo(info.eval, info.source, bool(info.initial), info.acquisition)
        return x

    def tell(self, x, y, source=None):
        """Records that x returned y (a finite number) on source (a name or
        index; default: the source it was asked for, else the target).
        x may also be an n-by-dim array with n values y."""
        h = self._live()
        a = np.asarray(x, dtype=object if isinstance(x, str) else None)
        if a.ndim == 2:
            ys = np.asarray(y, dtype=np.float64).reshape(-1)
            if ys.shape[0] != a.shape[0]:
                raise BoValueError(f"tell: {a.shape[0]} points but {ys.shape[0]} values",
                                   _ERR_INVALID)
            for row, value in zip(a, ys):
                self.tell(row, value, source)
            return
        a = self._point(x, "tell")
        try:
            value = float(y)
        except (TypeError, ValueError):
            raise BoValueError(f"tell: y must be a number, got {y!r}", _ERR_INVALID) from None
        s = self._source(a, source, "tell")
        self._fail(C.optimizer_tell(h, a.ctypes.data_as(_c_double_p), s, value))
        self._pending.pop(a.tobytes(), None)

    def tell_failed(self, x, source=None):
        """Records that evaluating x failed: it and its neighbourhood are
        not proposed again."""
        h = self._live()
        a = self._point(x, "tell_failed")
        s = self._source(a, source, "tell_failed")
        self._fail(C.optimizer_tell_failed(h, a.ctypes.data_as(_c_double_p), s))
        self._pending.pop(a.tobytes(), None)

    def cancel(self, x, source=None):
        """Withdraws a pending point that will not be told."""
        h = self._live()
        a = self._point(x, "cancel")
        s = self._source(a, source, "cancel")
        self._fail(C.optimizer_cancel(h, a.ctypes.data_as(_c_double_p), s))
        self._pending.pop(a.tobytes(), None)

    @property
    def n_pending(self):
        return C.optimizer_n_pending(self._live())

    @property
    def best(self):
        """Best(x, y) of the target source, or None before any success."""
        h = self._live()
        x = np.empty(self.dim)
        y = ctypes.c_double()
        if C.optimizer_best(h, ctypes.byref(y), x.ctypes.data_as(_c_double_p)) != 0:
            return None
        return Best(x, y.value)

    @property
    def observations(self):
        """(X, y, source, ok) of everything told, in order: y is NaN where
        the evaluation failed."""
        h = self._live()
        n = C.optimizer_n_observations(h)
        X = np.empty((n, self.dim))
        y = np.empty(n)
        src = np.empty(n, dtype=np.int64)
        ok = np.empty(n, dtype=bool)
        s, v, k = ctypes.c_size_t(), ctypes.c_double(), ctypes.c_int()
        for i in range(n):
            row = X[i]
            self._fail(C.optimizer_observation(h, i, row.ctypes.data_as(_c_double_p),
                                               ctypes.byref(s), ctypes.byref(v),
                                               ctypes.byref(k)))
            y[i], src[i], ok[i] = v.value, s.value, bool(k.value)
        return X, y, src, ok


class Model:
    """The GP of an optimizer's observations: the one `bo-gp fit
    history.csv` fits to them (docs/library.md)."""

    def __init__(self, optimizer):
        self._opt = optimizer

    def predict(self, X, source=None):
        """Mean and sd (arrays of n values) at the points X (n-by-dim, or one
        point of dim values) for source (default the target)."""
        opt = self._opt
        h = opt._live()
        try:
            A = np.ascontiguousarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise BoValueError("predict: X must be numbers", _ERR_INVALID) from None
        if A.ndim == 1:
            A = A.reshape(1, -1)
        if A.ndim != 2 or A.shape[1] != opt.dim:
            raise BoValueError(f"predict: X has shape {np.shape(X)}, expected (n, {opt.dim})",
                               _ERR_INVALID)
        A = np.ascontiguousarray(A)
        s = opt.target_source if source is None else opt._source(A[0] if len(A) else
                                                                 np.zeros(opt.dim), source,
                                                                 "predict")
        n = A.shape[0]
        mean, sd = np.empty(n), np.empty(n)
        opt._fail(C.optimizer_predict(h, n, A.ctypes.data_as(_c_double_p), s,
                                      mean.ctypes.data_as(_c_double_p),
                                      sd.ctypes.data_as(_c_double_p)))
        return mean, sd

"""Calls a bo-run objective plugin (a .so built from plugins/*.c) from Python
through ctypes, so that scripts comparing bo-run with other optimisers
evaluate exactly the compiled function bo-run evaluates: no formula is
written twice. The struct layout mirrors bo/bo_plugin.h (ABI version 1).

    with Plugin("build/plugins/branin.so", dim=2) as f:
        y = f([3.14159, 2.275])
"""
import ctypes

ABI_VERSION = 1
_ERRLEN = 512


class _Param(ctypes.Structure):
    _fields_ = [("key", ctypes.c_char_p), ("value", ctypes.c_char_p)]


_INIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_Param),
                         ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_char_p,
                         ctypes.c_size_t)
_EVALUATE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                             ctypes.c_size_t, ctypes.c_size_t, ctypes.POINTER(ctypes.c_double),
                             ctypes.c_char_p, ctypes.c_size_t)
_FINI = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class _Descriptor(ctypes.Structure):
    # Only the members every ABI-1 plugin has; evaluate_call (appended later)
    # is not used: the benchmarks are deterministic and define evaluate.
    _fields_ = [("abi_version", ctypes.c_uint), ("struct_size", ctypes.c_size_t),
                ("name", ctypes.c_char_p), ("dim", ctypes.c_size_t),
                ("n_sources", ctypes.c_size_t), ("init", ctypes.c_void_p),
                ("evaluate", ctypes.c_void_p), ("fini", ctypes.c_void_p)]


class PluginError(RuntimeError):
    pass


class Plugin:
    """One initialised plugin state; call it with a point to get f there."""

    def __init__(self, path, dim, params=None):
        self._lib = ctypes.CDLL(path)
        entry = self._lib.bo_plugin_entry
        entry.restype = ctypes.POINTER(_Descriptor)
        entry.argtypes = []
        d = entry().contents
        if d.abi_version != ABI_VERSION:
            raise PluginError(f"{path}: plugin ABI {d.abi_version}, this script knows {ABI_VERSION}")
        if d.evaluate is None:
            raise PluginError(f"{path}: no evaluate callback")
        self.name = d.name.decode()
        self.dim = dim
        self._evaluate = _EVALUATE(d.evaluate)
        self._fini = _FINI(d.fini) if d.fini else None
        self._state = ctypes.c_void_p()
        self._err = ctypes.create_string_buffer(_ERRLEN)
        self._x = (ctypes.c_double * dim)()
        self._y = ctypes.c_double()
        if d.init:
            items = sorted((params or {}).items())
            arr = (_Param * max(1, len(items)))()
            for i, (k, v) in enumerate(items):
                arr[i].key, arr[i].value = str(k).encode(), str(v).encode()
            rc = _INIT(d.init)(ctypes.byref(self._state), arr, len(items), dim, 1, self._err,
                               _ERRLEN)
            if rc != 0:
                raise PluginError(f"{path}: init: {self._err.value.decode(errors='replace')}")

    def __call__(self, x):
        if len(x) != self.dim:
            raise PluginError(f"{self.name}: {len(x)} inputs, expected {self.dim}")
        for i, v in enumerate(x):
            self._x[i] = float(v)
        rc = self._evaluate(self._state, self._x, self.dim, 0, ctypes.byref(self._y), self._err,
                            _ERRLEN)
        if rc != 0:
            raise PluginError(f"{self.name}: {self._err.value.decode(errors='replace')}")
        return self._y.value

    def close(self):
        if self._fini is not None and self._state:
            self._fini(self._state)
        self._state = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

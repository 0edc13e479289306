"""Plain data on the wire between a grader and a student's kernel: tagged JSON, never pickle.

When a submission is autograded, the checks run in the grader's own process and call the
student's functions in the student's kernel (see :mod:`exprlib.checks._bridge`). Arguments go
to the kernel and results come back as JSON text built by :func:`encode` and read by
:func:`decode`. Only data crosses: numbers, strings, lists, tuples, dicts, numpy arrays and
scalars, torch tensors, and networks built from ``torch.nn`` layers or exprlib's own model
classes (rebuilt without running any of the sender's code). A result from the student's side is
decoded with ``trusted=False``: then no function reference is accepted at all, so the worst a
hostile kernel can send is a wrong answer.

Examples
--------
>>> import numpy as np
>>> decode(encode({"n": 3, "x": np.arange(3.0), "t": (1, None)}))
{'n': 3, 'x': array([0., 1., 2.]), 't': (1, None)}
"""

from __future__ import annotations

import base64
import importlib
import json
import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

__all__ = ["WireError", "decode", "encode", "MAX_BYTES"]

# A reply larger than this is refused before it is parsed: the lessons' answers are a few MB at
# most, and a kernel must not be able to exhaust the grader's memory.
MAX_BYTES = 256 * 2**20
_NUMERIC_KINDS = "biufc"  # bool, int, uint, float, complex: no object, string or void dtypes
_PRIVATE_PREFIX = "_exprlib_reference_"
# Classes of networks that may be rebuilt: torch.nn's own layers and exprlib's (public) modules.
_MODULE_ROOTS = ("torch.nn.modules.", "exprlib.")
_MAX_DEPTH = 64


class WireError(TypeError):
    """An object that cannot travel as plain data (or a message that is not well-formed)."""


def _public_module_name(name: str) -> str:
    # A private reference copy of exprlib ("_exprlib_reference_3.models") travels as "exprlib.models".
    if name.startswith(_PRIVATE_PREFIX):
        return "exprlib" + name[name.index("."):] if "." in name else "exprlib"
    return name


# ---------------------------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------------------------


def encode(obj: object) -> str:
    """``obj`` as JSON text, or :class:`WireError` naming what cannot travel.

    Subclasses of ``int``, ``float``, ``str``, ``list``, ``tuple``, ``dict`` and ``ndarray``
    travel as their base type's *value*: an object that claims to equal everything arrives as
    the plain number or array it really holds.

    Examples
    --------
    >>> encode([1, 2.5, (3,)])
    '[1,2.5,{"$tuple":[3]}]'
    """
    return json.dumps(_enc(obj, 0), separators=(",", ":"), allow_nan=False)


def _array_payload(array: np.ndarray) -> dict:
    array = np.array(array, order="C")  # a copy; ascontiguousarray would make a 0-d array 1-d
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise WireError(f"an array of dtype {array.dtype} cannot travel; use a numeric dtype")
    return {"dtype": array.dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(array.tobytes()).decode("ascii")}


def _enc(obj: object, depth: int) -> object:
    if depth > _MAX_DEPTH:
        raise WireError("the object is nested too deeply to travel")
    if obj is None or type(obj) is bool or type(obj) is str:
        return obj
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj) if type(obj) is bool else {"$np": "bool", "v": bool(obj)}
    if isinstance(obj, np.generic):
        if obj.dtype.kind not in _NUMERIC_KINDS:
            raise WireError(f"a numpy {obj.dtype} scalar cannot travel")
        return {"$np": obj.dtype.str, "v": _array_payload(np.asarray(obj))}
    if isinstance(obj, int):
        value = int.__index__(obj)  # the value itself, whatever the subclass says
        return value if abs(value) < 2**53 else {"$int": str(value)}
    if isinstance(obj, float):
        value = float.__float__(obj)
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(obj, complex):
        return {"$complex": [_enc(obj.real, depth + 1), _enc(obj.imag, depth + 1)]}
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, np.ndarray):
        return {"$ndarray": _array_payload(np.asarray(obj).view(np.ndarray))}
    if isinstance(obj, torch.Tensor):
        tensor = obj.detach().cpu()
        return {"$tensor": _array_payload(tensor.numpy()), "requires_grad": bool(obj.requires_grad)}
    if isinstance(obj, tuple):
        return {"$tuple": [_enc(x, depth + 1) for x in tuple.__iter__(obj)]}
    if isinstance(obj, list):
        return [_enc(x, depth + 1) for x in list.__iter__(obj)]
    if isinstance(obj, dict):
        items = list(dict.items(obj))
        if all(type(k) is str for k, _ in items):
            return {"$dict": {k: _enc(v, depth + 1) for k, v in items}}
        return {"$pairs": [[_enc(k, depth + 1), _enc(v, depth + 1)] for k, v in items]}
    if isinstance(obj, nn.Module):
        return _enc_module(obj, depth)
    if callable(obj):
        return _enc_function(obj, depth)
    raise WireError(f"a {type(obj).__name__} cannot travel as plain data")


def _enc_module(module: nn.Module, depth: int) -> dict:
    cls = type(module)
    path = f"{_public_module_name(cls.__module__)}.{cls.__qualname__}"
    if not path.startswith(_MODULE_ROOTS) or "<" in path:
        raise WireError(
            f"a network of your own class {cls.__name__} cannot be graded; build it from torch.nn "
            "layers (nn.Sequential of nn.Linear and activations) or exprlib's models"
        )
    attrs = {}
    for key, value in vars(module).items():
        if key.startswith("_") or key == "training":
            continue
        try:
            attrs[key] = _enc(value, depth + 1)
        except WireError:
            raise WireError(f"{cls.__qualname__}.{key} is a {type(value).__name__}, which cannot travel") from None
    return {
        "$module": path,
        "training": bool(module.training),
        "attrs": attrs,
        "params": {k: None if v is None else _enc(v.data, depth + 1) for k, v in module._parameters.items()},
        "buffers": {k: None if v is None else _enc(v, depth + 1) for k, v in module._buffers.items()},
        "children": [[k, None if v is None else _enc_module(v, depth + 1)] for k, v in module._modules.items()],
    }


def _enc_function(fn: Callable, depth: int) -> dict:
    net = getattr(fn, "__exprlib_net__", None)
    if net is not None:  # exprlib.approximation.as_function(net): the net travels, the kernel rewraps it
        return {"$as_function": _enc(net, depth + 1)}
    if type(fn).__name__ == "Target" and hasattr(fn, "formula"):
        return {"$target": fn.name}
    module = _public_module_name(getattr(fn, "__module__", None) or "")
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", ""))
    if isinstance(fn, np.ufunc) or (module.split(".")[0] in ("numpy", "exprlib") and name.isidentifier()):
        if isinstance(fn, np.ufunc) or module.startswith("numpy"):
            module = "numpy"
        return {"$func": f"{module}.{name}"}
    raise WireError(f"the function {name or fn!r} cannot travel; only numpy's and exprlib's module-level functions can")


# ---------------------------------------------------------------------------------------------
# decoding
# ---------------------------------------------------------------------------------------------


def decode(text: str | bytes, *, trusted: bool = True) -> object:
    """The object :func:`encode` wrote.

    Parameters
    ----------
    text : str or bytes
        JSON text from :func:`encode`.
    trusted : bool, default True
        False for anything the student's kernel sent: then references to functions are refused.

    Raises
    ------
    WireError
        If the text is too large, not valid JSON, or holds something that may not be rebuilt.

    Examples
    --------
    >>> decode('{"$tuple": [1, {"$float": "nan"}]}')
    (1, nan)
    """
    if not isinstance(text, (str, bytes)):
        raise WireError(f"text must be str or bytes, got {type(text).__name__}")
    if len(text) > MAX_BYTES:
        raise WireError(f"the answer is too large to grade ({len(text) / 2**20:.0f} MiB; the limit is "
                        f"{MAX_BYTES / 2**20:.0f} MiB)")
    try:
        raw = json.loads(text)
    except ValueError as err:
        raise WireError(f"the message is not valid JSON: {err}") from None
    return _dec(raw, trusted, 0)


def _dec_array(payload: object) -> np.ndarray:
    if not isinstance(payload, dict) or not {"dtype", "shape", "data"} <= payload.keys():
        raise WireError("malformed array")
    dtype = np.dtype(str(payload["dtype"]))
    shape = payload["shape"]
    if dtype.kind not in _NUMERIC_KINDS or not isinstance(shape, list) or not all(
            type(n) is int and n >= 0 for n in shape):
        raise WireError("malformed array")
    data = base64.b64decode(payload["data"], validate=True)
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise WireError("malformed array: its size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def _dec(raw: object, trusted: bool, depth: int) -> object:
    if depth > _MAX_DEPTH:
        raise WireError("the message is nested too deeply")
    if raw is None or isinstance(raw, (bool, int, float, str)):
        return raw
    if isinstance(raw, list):
        return [_dec(x, trusted, depth + 1) for x in raw]
    if not isinstance(raw, dict) or len(raw) < 1:
        raise WireError("malformed message")
    tag = next(iter(raw))
    value = raw[tag]
    if tag == "$tuple":
        return tuple(_dec(x, trusted, depth + 1) for x in value)
    if tag == "$dict":
        return {str(k): _dec(v, trusted, depth + 1) for k, v in value.items()}
    if tag == "$pairs":
        return {_hashable(_dec(k, trusted, depth + 1)): _dec(v, trusted, depth + 1) for k, v in value}
    if tag == "$int":
        return int(str(value))
    if tag == "$float":
        if value not in ("nan", "inf", "-inf"):
            raise WireError("malformed float")
        return float(value)
    if tag == "$complex":
        return complex(float(value[0]), float(value[1]))
    if tag == "$np":
        return np.bool_(raw["v"]) if value == "bool" else _dec_array(raw["v"])[()]
    if tag == "$ndarray":
        return _dec_array(value)
    if tag == "$tensor":
        tensor = torch.from_numpy(_dec_array(value))
        return tensor.requires_grad_(bool(raw.get("requires_grad"))) if tensor.is_floating_point() else tensor
    if tag == "$module":
        return _dec_module(raw, trusted, depth)
    if tag in ("$func", "$target", "$as_function"):
        if not trusted:
            raise WireError("your answer is a function; a value was expected (call your function and return what it gives)")
        return _dec_function(tag, value, depth)
    raise WireError(f"malformed message (unknown tag {tag!r})")


def _hashable(key: object) -> object:
    try:
        hash(key)
    except TypeError:
        raise WireError("a dict key cannot travel") from None
    return key


def _resolve(path: str) -> object:
    module_name, _, name = path.rpartition(".")
    while module_name:
        try:
            obj = importlib.import_module(module_name)
            break
        except ModuleNotFoundError:
            module_name, _, outer = module_name.rpartition(".")
            name = f"{outer}.{name}"
    else:
        raise WireError(f"{path!r} names nothing that can be rebuilt")
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _dec_module(raw: dict, trusted: bool, depth: int) -> nn.Module:
    path = str(raw["$module"])
    if not path.startswith(_MODULE_ROOTS) or "<" in path:
        raise WireError(f"a network of class {path} cannot be rebuilt")
    try:
        cls = _resolve(path)
    except AttributeError:
        raise WireError(f"a network of class {path} cannot be rebuilt") from None
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise WireError(f"{path} is not a network class")
    module = cls.__new__(cls)
    nn.Module.__init__(module)  # an empty shell: no code of the sender runs
    for key, value in raw.get("attrs", {}).items():
        if key.startswith("_") or callable(getattr(cls, key, None)) or isinstance(getattr(cls, key, None), property):
            raise WireError(f"{path} cannot have an attribute {key!r}")
        object.__setattr__(module, key, _dec(value, trusted, depth + 1))
    module.training = bool(raw.get("training", True))
    for key, value in raw.get("params", {}).items():
        tensor = None if value is None else _dec(value, trusted, depth + 1)
        if tensor is not None and not isinstance(tensor, torch.Tensor):
            raise WireError("malformed network parameter")
        module.register_parameter(str(key), None if tensor is None else nn.Parameter(tensor.detach().clone()))
    for key, value in raw.get("buffers", {}).items():
        module.register_buffer(str(key), None if value is None else _dec(value, trusted, depth + 1))
    for key, value in raw.get("children", []):
        child = None if value is None else _dec_module(value, trusted, depth + 1)
        module.add_module(str(key), child)
    return module


def _dec_function(tag: str, value: object, depth: int) -> Callable:
    if tag == "$target":
        from ..approximation import target

        return target(str(value))
    if tag == "$as_function":
        from ..approximation import as_function

        return as_function(_dec(value, True, depth + 1))
    path = str(value)
    if not path.startswith(("numpy.", "exprlib.")):
        raise WireError(f"the function {path!r} cannot be rebuilt")
    fn = _resolve(path)
    if not callable(fn):
        raise WireError(f"{path!r} is not a function")
    return fn

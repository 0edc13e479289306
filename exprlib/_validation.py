"""Argument checks shared by several exprlib modules (private: numpy only, no torch or matplotlib).

Each check coerces one argument and raises ``TypeError`` (wrong type) or ``ValueError`` (bad
value) with a message that names the argument, shows what was received and says what is allowed.
Modules whose messages differ keep their own checks; these are the ones written identically in
more than one place.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["as_float_array", "as_input_vector", "check_int", "check_real", "check_widths"]


def check_int(name: str, value: object, minimum: int = 1) -> int:
    """An int >= ``minimum`` as a Python int (numpy ints accepted, bool rejected: True is not a count)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_widths(widths: object) -> list[int]:
    """A non-empty sequence (list, tuple or 1-D integer array) of ints >= 1, checked one by one."""
    if isinstance(widths, np.ndarray):
        if widths.ndim != 1:
            raise TypeError(
                f"widths must be a 1-D sequence of ints such as [4, 4], got an array of shape {widths.shape}"
            )
        widths = widths.tolist()
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise TypeError(f"widths must be a sequence of ints such as [4, 4], got {widths!r}")
    if len(widths) == 0:
        raise ValueError("widths must hold at least one hidden width, got an empty sequence")
    return [check_int(f"widths[{i}]", n) for i, n in enumerate(widths)]


def check_real(name: str, value: object, *, positive: bool = False, nonnegative: bool = False) -> float:
    """A finite real scalar as a float, optionally > 0 or >= 0 (bool rejected: True is not a scale)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if positive:
        bad, allowed = value <= 0, " and > 0"
    elif nonnegative:
        bad, allowed = value < 0, " and >= 0"
    else:
        bad, allowed = False, ""
    if not math.isfinite(value) or bad:
        raise ValueError(f"{name} must be finite{allowed}, got {value!r}")
    return value


def as_float_array(value: object, name: str, *, expected: str = "an array of numbers") -> np.ndarray:
    """``value`` as a float64 array of any shape; ``TypeError`` naming ``expected`` if it is not numeric."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__}") from err


def as_input_vector(value: object, dim: int, name: str, *, expected: str = "an array of numbers") -> np.ndarray:
    """A float64 vector of shape ``(dim,)``, one point of a network's input space (finiteness is
    left to the caller, whose message says which entries are bad)."""
    arr = as_float_array(value, name, expected=expected)
    if arr.shape != (dim,):
        raise ValueError(
            f"{name} must be a 1-D array of length {dim} (the network's input dimension), got shape {arr.shape}"
        )
    return arr

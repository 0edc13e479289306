"""Checks that lesson test cells call: a verdict a student can act on, never the answer.

One module per lesson (``welcome`` for 00, ``approximation`` for 01, ``regions`` for 02, ...)
on a shared core (``_core``: verdicts, generic checks, hint machinery, ``forbid``, ``reference``).
To add a lesson's checks: create ``exprlib/checks/<topic>.py`` with a docstring and ``__all__``,
import what it needs from ``._core`` with relative imports only, and add ``<topic>`` to
``_LESSON_MODULES`` below (counting and trajectory are listed already); its public names then
re-export here, as ``exprlib.checks.X``.

A wrong answer raises :class:`WrongAnswer` (an ``AssertionError``, so graders see a failure); in
a Jupyter kernel its message shows first, with no traceback through this package. Decorate each
public check with :func:`student_check` (a test asserts it).
Hidden tests call ``reference().checks.X``: a private copy that nothing in the notebook can
reach, see :func:`reference`. Visible checks work without nbgrader, for self-study students.

Examples
--------
>>> check_integer(7, 7, name="regions")
✓ regions is right.
>>> reference().checks.check_regions_of_lines(7, n_lines=3)
✓ regions is right. Each new line is cut by the earlier ones into pieces, and each piece splits a region in two.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from . import _core
from ._core import (
    _PACKAGE_DIR,
    _PRIVATE_PREFIX,
    ForbiddenError,
    WrongAnswer,
    check_array,
    check_function_on_nets,
    check_integer,
    check_interpolates,
    check_piecewise_linear,
    forbid,
    random_nets,
    reference,
    student_check,
)

# The lesson modules, in course order; each one's __all__ is re-exported below. A name whose
# file does not exist yet is skipped (lessons being written); any other import error shows.
_LESSON_MODULES = ("welcome", "approximation", "regions", "counting", "trajectory", "depth", "training")

__all__ = list(_core.__all__)
for _name in _LESSON_MODULES:
    if not (Path(__file__).parent / f"{_name}.py").is_file():
        continue
    _module = importlib.import_module(f".{_name}", __name__)
    for _public in _module.__all__:
        globals()[_public] = getattr(_module, _public)
    __all__ += _module.__all__
__all__ = sorted(set(__all__))
del _name, _module, _public  # noqa: F821 (bound by the loop)

# Helpers that tests of lesson 00-02 take from the package directly (kept for them).
from .regions import (  # noqa: E402
    _any_pattern_variant,
    _count_1d_cases,
    _count_1d_variant,
    _hardtanh_pattern_cases,
    _missed_counts,
    _one_layer_box,
    _with_random_limits,
)
from .welcome import _pattern_cases, _pattern_variant  # noqa: E402


class _ChecksModule(types.ModuleType):
    """This package's class: ``reference`` cannot be rebound, since hidden tests trust it."""

    _protected = frozenset({"reference", "_PACKAGE_DIR", "_PRIVATE_PREFIX"})

    def __setattr__(self, name: str, value: object) -> None:
        if name in self._protected:
            raise AttributeError(f"{self.__name__}.{name} is read-only: the hidden tests rely on it")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._protected:
            raise AttributeError(f"{self.__name__}.{name} is read-only: the hidden tests rely on it")
        super().__delattr__(name)


sys.modules[__name__].__class__ = _ChecksModule
sys.modules[_core.__name__].__class__ = _ChecksModule

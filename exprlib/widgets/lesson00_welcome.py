"""Lesson 00-welcome: a random 1-input network drawn exactly, with its breakpoints."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._core import LessonWidget, Param

__all__ = ["Function1D"]


class Function1D(LessonWidget):
    """A random 1-input network's function on [-3, 3], drawn exactly, with its breakpoints.

    The status line gives the exact counts of :func:`exprlib.regions.count_regions_1d`
    (regions = breakpoints + 1) and :func:`exprlib.regions.count_pieces_1d`.

    Examples
    --------
    >>> w = Function1D(settings="function1d:depth=1;width=3;seed=2")
    >>> w.settings
    'function1d:depth=1;width=3;sigma_b=1.0;activation=relu;seed=2'
    >>> w.renders, w.summary == f"{w.result['regions']} regions on [-3, 3], {w.result['pieces']} linear pieces"
    (1, True)
    """

    kind = "function1d"
    params = (
        Param("depth", 2, lo=1, hi=5, description="hidden layers"),
        Param("width", 4, lo=1, hi=10, description="units per layer"),
        Param("sigma_b", 1.0, lo=0.0, hi=2.0, description="bias scale σ_b"),
        Param("activation", "relu", options=("relu", "hardtanh")),
        Param("seed", 0, lo=0, hi=999),
    )
    figure_px = (600, 320)
    lo, hi = -3.0, 3.0

    def compute(self, *, depth: int, width: int, sigma_b: float, activation: str, seed: int) -> dict:
        from ..nets import random_mlp
        from ..regions import breakpoints_1d, count_pieces_1d

        net = random_mlp(1, [width] * depth, activation=activation, sigma_b=sigma_b, seed=seed)
        start, end = np.array([self.lo]), np.array([self.hi])
        t = np.asarray(breakpoints_1d(net, start, end), dtype=np.float64)
        return {
            "net": net,
            "breakpoints": self.lo + t * (self.hi - self.lo),
            "regions": len(t) + 1,
            "pieces": count_pieces_1d(net, start, end),
        }

    def draw(self, result: dict, ax: Axes, **values: Any) -> None:
        from ..plot import plot_function_1d

        plot_function_1d(result["net"], lo=self.lo, hi=self.hi, ax=ax, breakpoints=result["breakpoints"],
                         title=f"depth {values['depth']}, width {values['width']}: {result['regions']} regions")

    def describe(self, result: dict, **values: Any) -> str:
        return f"{result['regions']} regions on [{self.lo:g}, {self.hi:g}], {result['pieces']} linear pieces"

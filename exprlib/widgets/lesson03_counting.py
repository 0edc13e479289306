"""Lesson 03-counting-regions: an architecture builder with every region bound beside exact counts."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._core import LessonWidget, Param, panel_axes

__all__ = ["BoundsExplorer"]

# Exact counts of the construction are only computed live up to this many regions (its count
# is known in advance: it equals the lower bound it realises). The heaviest allowed state,
# montufar_net(2, [8, 8, 8]) with 9 472 regions in the square, takes about 0.3 s.
_LIVE_LIMIT = 10_000


class BoundsExplorer(LessonWidget):
    """An architecture (input dimension, first width, later widths, depth) with all its region bounds.

    Bars on a log axis: the trivial 2^N, Raghu's k^(mn) (order of growth only; equal widths),
    Serra et al.'s upper bound, Serra's exact 1-D maximum (n_0 = 1, widths >= 3), Montufar's
    lower bound (widths >= n_0), then two exact counts: the construction that attains a bound
    (:func:`exprlib.constructions.serra_1d_net` in 1-D, :func:`exprlib.constructions.montufar_net`
    otherwise) on [0, 1]^n_0, and a random He-initialised net (sigma_b = 0.5) on [-1, 1]^n_0.

    Examples
    --------
    >>> w = BoundsExplorer(settings="bounds:n_in=1;first=3;width=3;depth=2")
    >>> w.settings
    'bounds:n_in=1;first=3;width=3;depth=2;seed=0'
    >>> w.result["construction"], w.result["bounds"]["Serra upper bound"]
    (16, 16)
    """

    kind = "bounds"
    params = (
        Param("n_in", 2, lo=1, hi=2, description="inputs n₀"),
        Param("first", 6, lo=1, hi=12, description="layer-1 width"),
        Param("width", 6, lo=1, hi=12, description="later widths"),
        Param("depth", 3, lo=1, hi=4, description="hidden layers"),
        Param("seed", 0, lo=0, hi=999, description="seed"),
    )
    figure_px = (640, 330)

    def make_axes(self, figure: Any) -> Axes:
        # room on the left for the bars' names, on the right for the last value
        return panel_axes(figure, left=178, right=70)[0]

    def compute(self, *, n_in: int, first: int, width: int, depth: int, seed: int) -> dict:
        from ..constructions import montufar_net, serra_1d_net
        from ..nets import random_mlp
        from ..plot.lesson03_counting import bound_table
        from ..regions import count_regions_1d, count_regions_2d

        widths = [first] + [width] * (depth - 1)
        bounds = bound_table(n_in, widths)
        if n_in == 1 and min(widths) >= 3:
            name, build, known = "Serra's zig-zag", lambda: serra_1d_net(widths), bounds["Serra 1-D maximum"]
        elif min(widths) >= n_in:
            name, build, known = "Montúfar's folding", lambda: montufar_net(n_in, widths), bounds["Montúfar lower bound"]
        else:
            name, build, known = None, None, None

        def count(net: Any, lo: float, hi: float) -> int:
            if n_in == 1:
                return count_regions_1d(net, np.array([lo]), np.array([hi]))
            return count_regions_2d(net, (lo, hi, lo, hi))

        construction = count(build(), 0.0, 1.0) if build is not None and known <= _LIVE_LIMIT else None
        random_count = count(random_mlp(n_in, widths, sigma_b=0.5, seed=seed), -1.0, 1.0)
        return {"widths": widths, "bounds": bounds, "construction_name": name, "construction": construction,
                "construction_known": known, "random": random_count}

    def draw(self, result: dict, ax: Axes, **values: Any) -> None:
        from ..plot.lesson03_counting import plot_bound_bars

        bars = dict(result["bounds"])
        name = result["construction_name"] or "construction"
        bars[f"{name} (exact)"] = result["construction"]
        bars["random net (exact)"] = result["random"]
        widths = ", ".join(map(str, result["widths"]))
        plot_bound_bars(bars, ax=ax, title=f"n₀ = {values['n_in']}, widths [{widths}]")
        ax.tick_params(axis="y", labelsize="small")

    def describe(self, result: dict, **values: Any) -> str:
        b = result["bounds"]
        text = f"widths {result['widths']}: Serra upper bound {b['Serra upper bound']:,}"
        if result["construction"] is not None:
            text += f"; {result['construction_name']} has {result['construction']:,} regions on [0, 1]^n₀"
        elif result["construction_known"] is not None:
            text += (f"; {result['construction_name']} has {result['construction_known']:,} regions "
                     f"(too many to count live)")
        else:
            text += f"; no construction (it needs every width ≥ n₀ = {values['n_in']})"
        return text + f"; a random net has {result['random']:,} on [-1, 1]^n₀"

"""Lesson 02-linear-regions: the exact region map of a 2-input network, with a 1-D slice beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._core import LessonWidget, Param, panel_axes, plural

__all__ = ["RegionExplorer", "RegionMap2D"]

# Above this many regions the white boundaries would cover the map: draw faces only.
_EDGE_LIMIT = 3000
# The explorer's budget of hidden units (depth x width). Region counts grow fast with depth for
# hard-tanh at large sigma_w: 6 x 16 units give ~60 000 regions and take seconds, while every
# net within 48 units stays near 100 ms (benchmarks/widgets.py), and 48 covers the lesson's
# comparison of 24 units as 1 x 24, 2 x 12 and 3 x 8.
MAX_UNITS = 48


class RegionMap2D(LessonWidget):
    """The exact linear regions of a random 2-input network on the square [-1, 1]².

    Examples
    --------
    >>> w = RegionMap2D(width=3, depth=1, seed=1)
    >>> w.settings
    'regions2d:depth=1;width=3;sigma_b=0.5;seed=1'
    >>> len(w.figure.axes[0].collections[0].get_paths()) == len(w.result)
    True
    """

    kind = "regions2d"
    params = (
        Param("depth", 2, lo=1, hi=4, description="hidden layers"),
        Param("width", 6, lo=1, hi=12, description="units per layer"),
        Param("sigma_b", 0.5, lo=0.0, hi=2.0, description="bias scale σ_b"),
        Param("seed", 0, lo=0, hi=999),
    )
    figure_px = (400, 390)
    box = (-1.0, 1.0, -1.0, 1.0)

    def make_axes(self, figure: Figure) -> Axes:
        (ax,) = panel_axes(figure, left=62)
        ax.locator_params(nbins=5)
        return ax

    def compute(self, *, depth: int, width: int, sigma_b: float, seed: int) -> Any:
        from ..nets import random_mlp
        from ..regions import regions_2d

        net = random_mlp(2, [width] * depth, sigma_b=sigma_b, seed=seed)
        return regions_2d(net, box=self.box)

    def draw(self, result: Any, ax: Axes, **values: Any) -> None:
        from ..plot import plot_regions_2d

        plot_regions_2d(result, ax=ax, seed=values["seed"],
                        edgecolor="white" if len(result) <= _EDGE_LIMIT else "face",
                        title=f"depth {values['depth']}, width {values['width']}: {len(result)} regions")

    def describe(self, result: Any, **values: Any) -> str:
        units = values["depth"] * values["width"]
        return f"{len(result)} regions in the square [-1, 1]² from {units} hidden units"


class RegionExplorer(RegionMap2D):
    """The exact region map of a random 2-input net on [-1, 1]², with the 1-D slice x₂ = c beside it.

    Every setting of :func:`exprlib.nets.random_mlp` is a control: depth, width, σ_w, σ_b,
    activation and seed, plus the height c of the horizontal slice. The map is
    :func:`exprlib.regions.regions_2d` drawn as polygons; the slice is drawn with
    :func:`exprlib.plot.plot_function_on_segment` at the exact breakpoints of
    :func:`exprlib.regions.breakpoints_1d`, which are where the dashed line crosses region
    boundaries on the map. Moving only the slice reuses the regions of the same network.
    Depth × width is at most :data:`MAX_UNITS`: moving one slider past it lowers the other.

    Examples
    --------
    >>> w = RegionExplorer(settings="regionexplorer:depth=1;width=3;seed=1")
    >>> w.settings
    'regionexplorer:depth=1;width=3;sigma_w=1.5;sigma_b=0.5;activation=relu;slice_y=0.0;seed=1'
    >>> len(w.figure.axes), len(w.figure.axes[0].collections[0].get_paths()) == len(w.result["regions"])
    (2, True)
    >>> RegionExplorer(settings="depth=4;width=24")
    Traceback (most recent call last):
    ...
    ValueError: settings: depth × width must be at most 48 hidden units, got 4 × 24 = 96
    """

    kind = "regionexplorer"
    params = (
        Param("depth", 3, lo=1, hi=6, description="hidden layers"),
        Param("width", 8, lo=1, hi=24, description="units per layer"),
        Param("sigma_w", 1.5, lo=0.0, hi=3.0, description="weights σ_w"),
        Param("sigma_b", 0.5, lo=0.0, hi=2.0, description="bias scale σ_b"),
        Param("activation", "relu", options=("relu", "hardtanh")),
        Param("slice_y", 0.0, lo=-1.0, hi=1.0, description="slice at x₂ ="),
        Param("seed", 0, lo=0, hi=999),
    )
    figure_px = (640, 330)

    @classmethod
    def check_values(cls, values: Mapping[str, Any]) -> None:
        units = values["depth"] * values["width"]
        if units > MAX_UNITS:
            raise ValueError(f"settings: depth × width must be at most {MAX_UNITS} hidden units, got "
                             f"{values['depth']} × {values['width']} = {units}")

    def fit_values(self, values: dict[str, Any], changed: str) -> str:
        if values["depth"] * values["width"] <= MAX_UNITS:
            return ""
        other = "width" if changed == "depth" else "depth"
        values[other] = MAX_UNITS // values[changed]
        return f" ({other} lowered to {values[other]}: at most {MAX_UNITS} hidden units)"

    def make_axes(self, figure: Figure) -> tuple[Axes, Axes]:
        map_ax, slice_ax = panel_axes(figure, 2, left=62, gap=70)
        for ax in (map_ax, slice_ax):
            ax.locator_params(nbins=5)  # kept between redraws: tick labels that never collide
        return map_ax, slice_ax

    def compute(self, *, depth: int, width: int, sigma_w: float, sigma_b: float, activation: str, slice_y: float,
                seed: int) -> dict:
        from ..nets import random_mlp
        from ..regions import breakpoints_1d, regions_2d

        key = (depth, width, sigma_w, sigma_b, activation, seed)
        maps = self.cache("maps")
        if key in maps:
            net, regions = maps[key]  # only the slice moved: the same network and map
        else:
            net = random_mlp(2, [width] * depth, activation=activation, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
            regions = regions_2d(net, box=self.box)
            maps.clear()  # one map at a time: the result cache already keeps recent states
            maps[key] = (net, regions)
        start, end = np.array([self.box[0], slice_y]), np.array([self.box[1], slice_y])
        breakpoints = np.asarray(breakpoints_1d(net, start, end), dtype=np.float64)
        return {"net": net, "regions": regions, "pieces": regions.count_pieces(), "start": start, "end": end,
                "breakpoints": breakpoints}

    def draw(self, result: dict, axes: tuple[Axes, Axes], **values: Any) -> None:
        from ..plot import plot_function_on_segment, plot_regions_2d

        ax, right = axes
        regions = result["regions"]
        plot_regions_2d(regions, ax=ax, seed=values["seed"], edgecolor="white" if len(regions) <= _EDGE_LIMIT else "face",
                        title=f"{values['activation']}, depth {values['depth']}, width {values['width']}: "
                              f"{len(regions)} regions")
        start, end, t = result["start"], result["end"], result["breakpoints"]
        ax.plot([start[0], end[0]], [start[1], end[1]], "--", color="black", linewidth=1.0)
        ax.plot(start[0] + t * (end[0] - start[0]), np.full(len(t), start[1]), "o", color="black", markersize=2.5)
        plot_function_on_segment(result["net"], start, end, coordinate=0, ax=right, breakpoints=t,
                                 title=f"along the slice $x_2$ = {values['slice_y']:g}: {len(t) + 1} regions")

    def describe(self, result: dict, **values: Any) -> str:
        k = len(result["breakpoints"])
        return (f"{plural(len(result['regions']), 'region')} in the square [-1, 1]² "
                f"({plural(result['pieces'], 'linear piece')}); the slice x₂ = {values['slice_y']:g} crosses "
                f"{plural(k, 'boundary', 'boundaries')}: {plural(k + 1, 'region')} along it")

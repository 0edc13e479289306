"""Lesson 05-depth-separation: a budget race, shallow against deep, on Telgarsky's sawtooth."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from ._core import LessonWidget, Param, panel_axes

__all__ = ["DepthRace"]


class DepthRace(LessonWidget):
    """A deep net of ``depth`` x ``width`` ReLUs against one hidden layer with the same parameter count.

    Both sides are constructions, never trained in the callback: the deep net composes tents
    (:func:`exprlib.race.deep_construction`, exact once depth x floor(log2 width) >= k), the
    shallow net is the closed-form least-squares fit with evenly spaced kinks
    (:func:`exprlib.race.shallow_fit`, exact once it has 2^k units). Errors and pieces are exact
    (:func:`exprlib.race.sawtooth_errors`); the dashed bar is the tooth bound, below which no
    one-hidden-layer net of that size can go.

    Examples
    --------
    >>> w = DepthRace(settings="race:k=5;depth=5;width=2")
    >>> w.result["deep"].l2, w.result["units"], w.result["deep"].pieces
    (0.0, 10, 32)
    """

    kind = "race"
    params = (
        Param("k", 5, lo=2, hi=8, description="tent folds k"),
        Param("depth", 5, lo=1, hi=8, description="deep: depth"),
        Param("width", 2, lo=2, hi=8, description="deep: width"),
    )
    figure_px = (680, 330)

    def make_axes(self, figure: Any) -> tuple[Axes, Axes]:
        return tuple(panel_axes(figure, 2, left=58, gap=70, width_ratios=(1.6, 1.0)))

    def compute(self, *, k: int, depth: int, width: int) -> dict:
        from ..race import deep_construction, mlp_parameters, sawtooth_errors, shallow_fit, shallow_units_for, tooth_bound

        params = mlp_parameters([width] * depth)
        units = shallow_units_for(params)
        deep, shallow = deep_construction(k, depth, width), shallow_fit(k, units)
        return {"params": params, "units": units, "deep_net": deep, "shallow_net": shallow,
                "deep": sawtooth_errors(deep, k), "shallow": sawtooth_errors(shallow, k),
                "bound": tooth_bound(k, units)}

    def draw(self, result: dict, axes: tuple[Axes, Axes], **values: Any) -> None:
        from ..plot.lesson05_depth import plot_sawtooth_fits

        k, depth, width = values["k"], values["depth"], values["width"]
        fits, bars = axes
        plot_sawtooth_fits(k, {f"deep {depth}×{width}": result["deep_net"],
                               f"shallow, {result['units']} units": result["shallow_net"]},
                           ax=fits, title=f"{result['params']} parameters each, target f^{k}")
        fits.set_xticks([0.0, 0.5, 1.0])  # few ticks: tick labels are most of a redraw's cost
        fits.set_yticks([0.0, 0.5, 1.0])
        names = ["deep", "shallow", "tooth\nbound"]
        heights = [result["deep"].l2, result["shallow"].l2, result["bound"].l2]
        bars.bar([0, 1], heights[:2], color=["tab:blue", "tab:orange"])
        bars.bar([2], heights[2:], color="white", edgecolor="k", linestyle="--")
        bars.set_xticks([0, 1, 2], names)
        bars.set_xlim(-0.6, 2.6)
        for i, h in enumerate(heights):
            bars.text(i, h + 0.01, f"{h:.3f}", ha="center", va="bottom", fontsize="small")
        bars.set_ylim(0, 0.5)
        bars.set_yticks([0.0, 0.25, 0.5])
        bars.set_ylabel("exact L2 error on [0, 1]")
        bars.set_title("error (lower is better)")

    def describe(self, result: dict, **values: Any) -> str:
        d, s, b = result["deep"], result["shallow"], result["bound"]
        return (f"{result['params']} parameters: deep L2 {d.l2:.3f}, sup {d.sup:.2f}, {d.pieces} pieces; "
                f"shallow ({result['units']} units) L2 {s.l2:.3f}, sup {s.sup:.2f}, {s.pieces} pieces; "
                f"tooth bound {b.l2:.3f}")

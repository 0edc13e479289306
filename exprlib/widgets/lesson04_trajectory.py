"""Lesson 04-trajectory-length: a random arc pushed through a random net, layer by layer, exactly."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._core import LessonWidget, Param, plural

__all__ = ["TrajectoryExplorer"]

# Points of the sampled arc whose images are drawn (the lengths and transitions are exact, from
# the breakpoints; the picture only needs a smooth-looking curve per layer).
_DRAWN_POINTS = 200


class TrajectoryExplorer(LessonWidget):
    """Raghu et al.'s experiment, live: a random arc through a random net, unrolled layer by layer.

    The net is ``random_mlp(width, [width] * depth, activation=..., sigma_w=..., sigma_b=...,
    seed=seed)`` and the arc x0 cos t + x1 sin t, t in [0, pi/2], runs between
    ``arc_endpoints(width, seed=seed + ARC_SEED_OFFSET)``. Top: the arc's image after every
    layer in its own two principal directions (:func:`exprlib.plot.plot_arc_layers`). Bottom:
    the exact length after every layer on a log scale (:func:`exprlib.trajectory.exact_arc_profile`)
    with the theory's growth per layer: Raghu et al.'s beta and the mean-field sqrt(chi_1) for
    hard-tanh, sigma_w / sqrt(2) for ReLU. The status line gives the measured growth and the
    exact number of transitions along the arc. Ranges keep every state under about half a second.

    Examples
    --------
    >>> w = TrajectoryExplorer(settings="trajectory:depth=3;width=8;seed=1")
    >>> w.settings
    'trajectory:activation=hardtanh;sigma_w=3.0;sigma_b=0.0;width=8;depth=3;seed=1'
    >>> len(w.result["lengths"]), len(w.result["transitions"])
    (4, 3)
    """

    kind = "trajectory"
    params = (
        Param("activation", "hardtanh", options=("hardtanh", "relu")),
        Param("sigma_w", 3.0, lo=0.5, hi=4.0, description="weights σ_w"),
        Param("sigma_b", 0.0, lo=0.0, hi=1.0, description="bias scale σ_b"),
        Param("width", 32, lo=4, hi=32, description="units per layer"),
        Param("depth", 4, lo=1, hi=8, description="hidden layers"),
        Param("seed", 0, lo=0, hi=999),
    )
    figure_px = (640, 380)

    def make_axes(self, figure: Figure) -> tuple[Axes, Axes]:
        width, height = self.figure_px
        grid = figure.add_gridspec(2, 1, left=64 / width, right=1 - 14 / width, bottom=38 / height,
                                   top=1 - 22 / height, hspace=0.42, height_ratios=(1.0, 1.3))
        return figure.add_subplot(grid[0]), figure.add_subplot(grid[1])

    def compute(self, *, activation: str, sigma_w: float, sigma_b: float, width: int, depth: int, seed: int) -> dict:
        from ..nets import random_mlp
        from ..trajectory import (
            ARC_SEED_OFFSET,
            arc_endpoints,
            exact_arc_profile,
            growth_rate,
            hardtanh_meanfield_growth,
            layer_images,
            raghu_beta,
            relu_growth,
        )

        net = random_mlp(width, [width] * depth, activation=activation, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
        x0, x1 = arc_endpoints(width, seed=seed + ARC_SEED_OFFSET)
        lengths, transitions = exact_arc_profile(net, x0, x1)
        t = np.linspace(0.0, np.pi / 2, _DRAWN_POINTS)
        images = layer_images(net, np.cos(t)[:, None] * x0 + np.sin(t)[:, None] * x1)
        hidden = lengths[1:]
        growth = growth_rate(hidden) if depth >= 2 and np.all(hidden > 0) else math.nan
        if activation == "hardtanh":
            theory = {"β (Raghu et al.)": raghu_beta(sigma_w, sigma_b, width),
                      "√χ₁ (mean field)": hardtanh_meanfield_growth(sigma_w, sigma_b)}
        else:
            theory = {"σ_w/√2": relu_growth(sigma_w)}
        return {"lengths": lengths, "transitions": transitions, "images": images, "growth": growth, "theory": theory}

    def draw(self, result: dict, axes: tuple[Axes, Axes], **values: Any) -> None:
        from ..plot import plot_arc_layers, plot_layer_lengths

        top, bottom = axes
        plot_arc_layers(result["images"], lengths=result["lengths"], ax=top,
                        title=f"{values['activation']}: the arc after each layer, with its exact length")
        top.set_xlabel("")
        lengths = result["lengths"]
        first = lengths[1]
        theory = {f"{label} = {g:.3g}": (g, first) for label, g in result["theory"].items()} if first > 0 else {}
        positive = lengths if np.all(lengths > 0) else np.maximum(lengths, 1e-300)
        plot_layer_lengths({"exact length": positive}, theory=theory, ax=bottom, legend_loc="upper left",
                           title=f"exact length per layer; {int(result['transitions'].sum())} transitions along the arc")
        bottom.set_ylabel("length (log scale)")

    def describe(self, result: dict, **values: Any) -> str:
        lengths, depth = result["lengths"], values["depth"]
        theory = ", ".join(f"{label} = {g:.3f}" for label, g in result["theory"].items())
        if math.isnan(result["growth"]):
            growth = f"length ×{lengths[1] / lengths[0]:.3g} through the one layer" if lengths[0] > 0 else "no length"
        else:
            growth = f"growth {result['growth']:.3f} per layer from layer 1 to {depth}"
        return (f"{growth} (theory: {theory}); "
                f"{plural(int(result['transitions'].sum()), 'transition')} along the arc (exact, all layers)")

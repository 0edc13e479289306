"""Lesson 04-trajectory-length: an arc unrolled layer by layer, lengths per layer, growth, transitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes

from ._core import _new_axes

__all__ = ["plot_arc_layers", "plot_growth_against_sigma", "plot_layer_lengths", "plot_transitions_against_length"]

# Panels of plot_arc_layers are rescaled into [-1, 1]^2 and spaced this far apart.
_PANEL_STEP = 2.5


def _as_curve(values: object, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"{name} must be a 1-D array with one value per layer, got shape {arr.shape}")
    if not (np.isfinite(arr) & (arr > 0)).all():
        raise ValueError(f"{name} must be positive and finite (it is drawn on a log scale)")
    return arr


def plot_arc_layers(
    images: Sequence[np.ndarray],
    *,
    lengths: Sequence[float] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a curve's image after every layer side by side, each in its own best plane.

    Panel l shows ``images[l]`` (entry 0: the input curve) projected on its two principal
    directions (:func:`exprlib.trajectory.project_2d`) and rescaled to fit the panel, so shapes
    can be compared although lengths differ by orders of magnitude; each panel's true polyline
    length is written under it. The start (dot) and end (square) of the curve are marked, so
    its direction can be followed through the layers.

    Parameters
    ----------
    images : sequence of (n, d_l) arrays
        The curve after each layer, e.g. :func:`exprlib.trajectory.layer_images` of an arc.
    lengths : sequence of float, optional
        The lengths written under the panels (e.g. exact ones); by default each image's polyline length.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``images`` is empty, the images have different numbers of points, or ``lengths``
        has not one value per image.
    """
    from ..trajectory import length, project_2d

    images = list(images)
    if not images:
        raise ValueError("images must hold at least one (n, d) array, e.g. layer_images(net, arc(...))")
    n = len(images[0])
    if any(len(image) != n for image in images):
        raise ValueError(f"every image must have the same number of points, got {[len(image) for image in images]}")
    if lengths is not None and len(lengths) != len(images):
        raise ValueError(f"lengths must have one value per image ({len(images)}), got {len(lengths)}")
    ax = _new_axes(ax, figsize=(min(2.0 + 1.3 * len(images), 10.0), 2.6))
    # One line for all panels (NaN rows break it between panels) and one per marker kind: three
    # artists whatever the depth, so a widget redraw stays cheap.
    panels, starts, ends = [], [], []
    for layer, image in enumerate(images):
        coords = project_2d(image)
        reach = np.abs(coords).max()
        coords = coords / reach if reach > 0 else coords
        coords[:, 0] += _PANEL_STEP * layer
        panels += [coords, np.full((1, 2), np.nan)]
        starts.append(coords[0])
        ends.append(coords[-1])
        shown = length(image) if lengths is None else float(lengths[layer])
        ax.text(_PANEL_STEP * layer, -1.3, f"{shown:.3g}", ha="center", va="top", fontsize=8)
    curve = np.concatenate(panels)
    ax.plot(curve[:, 0], curve[:, 1], "-", color="tab:blue", linewidth=1.0, label="the curve")
    starts, ends = np.array(starts), np.array(ends)
    ax.plot(starts[:, 0], starts[:, 1], "o", color="black", markersize=3.5, label="start (t = 0)")
    ax.plot(ends[:, 0], ends[:, 1], "s", color="tab:orange", markersize=3.5, label="end")
    ax.set_xlim(-1.2, _PANEL_STEP * (len(images) - 1) + 1.2)
    ax.set_ylim(-1.7, 1.2)
    ax.set_aspect("equal")
    ax.set_xticks(_PANEL_STEP * np.arange(len(images)), ["input"] + [f"layer {l}" for l in range(1, len(images))])
    ax.set_yticks([])
    ax.set_xlabel("each panel: the image in its two principal directions, rescaled; its length below")
    ax.set_title(title if title is not None else "the arc, unrolled layer by layer")
    return ax


def plot_layer_lengths(
    lengths: Mapping[str, object],
    *,
    theory: Mapping[str, tuple[float, float]] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    legend_loc: str = "best",
) -> Axes:
    """Trajectory length against layer, on a log scale, with optional geometric predictions.

    Parameters
    ----------
    lengths : mapping of label -> (depth + 1,) array
        Lengths after each layer, entry 0 the input (e.g. a row of
        :func:`exprlib.trajectory.arc_length_experiment`).
    theory : mapping of label -> (growth per layer g, length at layer 1), optional
        Each drawn dashed as length_1 * g^(l - 1) for layers l >= 1.
    ax : matplotlib Axes, optional
    title : str, optional
    legend_loc : str
        Where the legend goes (a fixed place is cheaper to draw than "best").

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``lengths`` or ``theory`` is not a mapping.
    ValueError
        If a curve is not 1-D, positive and finite.
    """
    if not isinstance(lengths, Mapping) or not lengths:
        raise TypeError(f"lengths must be a non-empty mapping of label -> lengths per layer, got {type(lengths).__name__}")
    if theory is not None and not isinstance(theory, Mapping):
        raise TypeError(f"theory must be a mapping of label -> (growth, length at layer 1), got {type(theory).__name__}")
    ax = _new_axes(ax)
    depth, colour, low, high = 0, 0, np.inf, 0.0
    # Colours by position, not from the axes' cycle, so a widget's redraw looks like a fresh figure.
    for label, values in lengths.items():
        curve = _as_curve(values, f"lengths[{label!r}]")
        depth, low, high = max(depth, len(curve) - 1), min(low, curve.min()), max(high, curve.max())
        ax.plot(np.arange(len(curve)), curve, "o-", markersize=3.5, color=f"C{colour % 10}", label=str(label))
        colour += 1
    for label, (growth, first) in (theory or {}).items():
        layers = np.arange(1, depth + 1)
        ax.plot(layers, first * float(growth) ** (layers - 1), "--", linewidth=1.2, color=f"C{colour % 10}",
                label=str(label))
        colour += 1
    ax.set_yscale("log")
    # Plain numbers (0.5, 20, 300) read faster than 5 x 10^-1 and keep the axis narrow; over less
    # than three decades label 1, 2 and 5 of each decade, so at least two labels show.
    subs = (1.0, 2.0, 5.0) if high < 1000 * low else (1.0,)
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10.0, subs=subs))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks(np.arange(depth + 1))
    ax.set_xlabel("layer l (0 = the input arc)")
    ax.set_ylabel("trajectory length (input units, log scale)")
    ax.set_title(title if title is not None else "trajectory length per layer")
    ax.legend(fontsize=7, loc=legend_loc)
    return ax


def plot_growth_against_sigma(
    sigma_w2: object,
    measured: object,
    predictions: Mapping[str, object],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Measured growth per layer against sigma_w^2, beside predicted curves and the no-growth line.

    Parameters
    ----------
    sigma_w2 : (m,) array_like
        Weight variances sigma_w^2 (x axis, log scale).
    measured : (m,) or (m, s) array_like
        Measured growth per layer; a second axis (seeds) is drawn as separate points.
    predictions : mapping of label -> (m,) array_like
        Predicted growth at the same sigma_w^2, drawn as lines.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If the shapes do not match ``sigma_w2``.
    """
    x = np.asarray(sigma_w2, dtype=np.float64)
    y = np.asarray(measured, dtype=np.float64)
    if x.ndim != 1 or y.shape[:1] != x.shape:
        raise ValueError(f"measured must have one row per sigma_w^2 ({x.size}), got shape {y.shape}")
    ax = _new_axes(ax)
    for colour, (label, values) in enumerate(predictions.items()):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != x.shape:
            raise ValueError(f"predictions[{label!r}] must have one value per sigma_w^2 ({x.size}), got shape {values.shape}")
        ax.plot(x, values, "-", linewidth=1.5, color=f"C{colour % 10}", label=str(label))
    points = y.reshape(len(x), -1)
    ax.plot(np.repeat(x, points.shape[1]), points.ravel(), "o", color="black", markersize=4, label="measured (one per seed)")
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1.0, label="no growth")
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("σ_w² (weight variance × fan-in, log scale)")
    ax.set_ylabel("length growth per layer (factor)")
    ax.set_title(title if title is not None else "growth per layer against σ_w²")
    ax.legend(fontsize=7, loc="best")
    return ax


def plot_transitions_against_length(
    latent_lengths: object,
    transitions: object,
    *,
    slope: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Transitions of each layer against the length of the trajectory that layer sees.

    Point (L, T) in colour l: layer l has T transitions along the arc, and the arc's image after
    layer l - 1 (the input of layer l) has length L. With ``slope`` c the line T = c L is drawn.

    Parameters
    ----------
    latent_lengths, transitions : (s, depth) array_like
        One row per seed (or net), one column per layer.
    slope : float, optional
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If the two arrays differ in shape.
    """
    x = np.atleast_2d(np.asarray(latent_lengths, dtype=np.float64))
    y = np.atleast_2d(np.asarray(transitions, dtype=np.float64))
    if x.shape != y.shape:
        raise ValueError(f"latent_lengths and transitions must have the same shape, got {x.shape} and {y.shape}")
    ax = _new_axes(ax)
    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, x.shape[1]))
    for layer in range(x.shape[1]):
        ax.plot(x[:, layer], y[:, layer], "o", color=colours[layer], markersize=5, label=f"layer {layer + 1}")
    if slope is not None:
        grid = np.linspace(0.0, x.max() * 1.05, 2)
        ax.plot(grid, slope * grid, "--", color="black", linewidth=1.2, label=f"T = {slope:.3g} · L")
    ax.set_xlabel("length L of the trajectory entering the layer (input units)")
    ax.set_ylabel("transitions T of the layer (count)")
    ax.set_title(title if title is not None else "transitions against latent trajectory length")
    ax.legend(fontsize=7, loc="best", ncol=2)
    return ax

"""Exact pictures of piecewise-linear networks: a 1-D function, a function along a segment, a region map.

A ReLU or hard-tanh network is affine between its breakpoints, so a 1-D function is drawn
exactly as the polyline through its breakpoints (no sampling), and a 2-D region map is drawn
from the exact region polygons of :func:`exprlib.regions.regions_2d` as one ``PolyCollection``.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from torch import nn

from .._validation import as_float_array
from ._core import _check_interval, _new_axes

__all__ = ["plot_function_1d", "plot_function_on_segment", "plot_regions_2d"]

# Region colours: a qualitative map, shuffled by a seed so that neighbours rarely look alike.
_REGION_CMAP = "tab20"



def plot_function_1d(
    net: nn.Module,
    *,
    lo: float = -1.0,
    hi: float = 1.0,
    ax: Axes | None = None,
    title: str | None = None,
    breakpoints: np.ndarray | None = None,
    show_breakpoints: bool = True,
) -> Axes:
    """Draw a 1-input, 1-output network's function on [lo, hi] exactly, breakpoints marked.

    The curve is the polyline through f(lo), f(b_1), ..., f(b_K), f(hi), where b_k are the
    exact breakpoints from :func:`exprlib.regions.breakpoints_1d`; between them f is affine,
    so the picture is the function itself, however close two breakpoints are.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with one input and one output.
    lo, hi : float
        The input interval, lo < hi.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to the region count.
    breakpoints : (K,) array_like, optional
        The breakpoints as input values, sorted inside (lo, hi), when the caller already has
        them; by default they are computed.
    show_breakpoints : bool
        Mark the breakpoints with dots and dotted vertical lines.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``ax`` is not an Axes or ``lo``/``hi`` are not numbers.
    ValueError
        If the net is not 1-in/1-out, the interval is empty, or ``breakpoints`` are not sorted
        finite values inside it.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, -2.0]]], [[0.0, -0.5], [0.0]])
    >>> ax = plot_function_1d(net, ax=Figure().subplots())
    >>> ax.get_title(), ax.lines[0].get_xdata().tolist()
    ('3 regions on [-1, 1]', [-1.0, 0.0, 0.5, 1.0])
    """
    from ..nets import as_numpy

    mlp = as_numpy(net)
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise ValueError(f"net must have 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}")
    lo, hi = _check_interval(lo, hi)
    if breakpoints is None:
        from ..regions import breakpoints_1d

        t = np.asarray(breakpoints_1d(net, np.array([lo]), np.array([hi])), dtype=np.float64)
        breakpoints = lo + t * (hi - lo)  # (K,)
    else:
        breakpoints = np.asarray(breakpoints, dtype=np.float64).reshape(-1)
        inside = np.isfinite(breakpoints) & (breakpoints > lo) & (breakpoints < hi)
        if not inside.all() or (np.diff(breakpoints) <= 0).any():
            raise ValueError(f"breakpoints must be sorted finite values inside ({lo:g}, {hi:g}), got {breakpoints}")
    ax = _new_axes(ax)

    x = np.concatenate([[lo], breakpoints, [hi]])
    y = mlp.forward(x[:, None])[:, 0]
    ax.plot(x, y, color="C0", linewidth=1.8, label="f(x)")
    if show_breakpoints and len(breakpoints):
        ax.plot(breakpoints, y[1:-1], "o", color="C3", markersize=4, label="breakpoints")
        # One collection for all the vertical lines: a Line2D each costs more than the drawing.
        ax.vlines(breakpoints, 0.0, 1.0, transform=ax.get_xaxis_transform(), colors="C3", linewidth=0.6,
                  linestyles=":", alpha=0.6)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("input x")
    ax.set_ylabel("network output f(x)")
    n_regions = len(breakpoints) + 1
    ax.set_title(title if title is not None else f"{n_regions} region{'s' * (n_regions != 1)} on [{lo:g}, {hi:g}]")
    return ax


def plot_regions_2d(
    regions: object,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    seed: int = 0,
    edgecolor: str = "white",
    axis_labels: Sequence[str] = ("input $x_1$", "input $x_2$"),
) -> Axes:
    """Draw a region map from the exact polygons of a ``Regions2D`` (one PolyCollection).

    Parameters
    ----------
    regions : Regions2D
        The result of :func:`exprlib.regions.regions_2d`: ``vertices`` (V, 2) and CSR
        ``offsets`` (R + 1,), polygon i being ``vertices[offsets[i]:offsets[i + 1]]``.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to the region count.
    seed : int
        Seeds the shuffled colours (the same seed, the same picture).
    edgecolor : str
        Colour of the region boundaries.
    axis_labels : (str, str)
        Labels of the two slice coordinates.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``regions`` has no ``vertices``/``offsets``, ``seed`` is not an int or ``ax`` is not
        an Axes.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from matplotlib.figure import Figure
    >>> square = SimpleNamespace(vertices=np.array([[0, 0], [1, 0], [1, 1], [0, 1.0]]), offsets=np.array([0, 4]))
    >>> ax = plot_regions_2d(square, ax=Figure().subplots())
    >>> ax.get_title(), len(ax.collections[0].get_paths())
    ('1 region', 1)
    """
    if not (hasattr(regions, "vertices") and hasattr(regions, "offsets")):
        raise TypeError(f"regions must be a Regions2D (with vertices and offsets), got {type(regions).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}")
    vertices = np.asarray(regions.vertices, dtype=np.float64)
    offsets = np.asarray(regions.offsets, dtype=np.int64)
    ax = _new_axes(ax)

    polygons = [vertices[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    rng = np.random.default_rng(seed)
    cmap = matplotlib.colormaps[_REGION_CMAP]
    # A random shift of a permutation: distinct colours for up to cmap.N regions, then cycling.
    facecolors = cmap((rng.permutation(len(polygons)) + rng.integers(cmap.N)) % cmap.N)
    ax.add_collection(PolyCollection(polygons, facecolors=facecolors, edgecolors=edgecolor, linewidths=0.5))
    if len(vertices):
        (x_min, y_min), (x_max, y_max) = vertices.min(axis=0), vertices.max(axis=0)
        ax.set_xlim(x_min, x_max)
        ax.set_ylim(y_min, y_max)
    ax.set_aspect("equal")
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    n = len(polygons)
    ax.set_title(title if title is not None else f"{n} region{'s' * (n != 1)}")
    return ax


def _check_coordinate(coordinate: object, dim: int) -> int | None:
    if coordinate is None:
        return None
    if isinstance(coordinate, bool) or not isinstance(coordinate, (int, np.integer)):
        raise TypeError(f"coordinate must be an int (an input index) or None, got {coordinate!r}")
    if not 0 <= coordinate < dim:
        raise ValueError(f"coordinate must be in [0, {dim}) for a net with {dim} inputs, got {coordinate}")
    return int(coordinate)


def _as_point(value: object, dim: int, name: str) -> np.ndarray:
    point = as_float_array(value, name)
    if point.shape != (dim,):
        raise ValueError(f"{name} must have shape ({dim},) for this network, got {point.shape}")
    if not np.isfinite(point).all():
        raise ValueError(f"{name} must be finite, got {point.tolist()}")
    return point


def plot_function_on_segment(
    net: nn.Module,
    start: np.ndarray,
    end: np.ndarray,
    *,
    coordinate: int | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    breakpoints: np.ndarray | None = None,
    show_breakpoints: bool = True,
) -> Axes:
    """Draw a 1-output network along the segment x(t) = start + t (end - start), exactly.

    The curve is the polyline through the output at t = 0, the exact breakpoints t_1 < ... <
    t_K of :func:`exprlib.regions.breakpoints_1d`, and t = 1: the network is affine between
    them, so this is the function itself. The horizontal axis is t, or the input coordinate
    x_c(t) when ``coordinate=c`` (useful for a slice parallel to an axis, drawn under a region map).

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with one output and any number of inputs d.
    start, end : (d,) array_like
        The ends of the segment (distinct, finite).
    coordinate : int, optional
        Index of the input shown on the horizontal axis; it must vary along the segment.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to the region count along the segment.
    breakpoints : (K,) array_like, optional
        The breakpoints as parameters t, sorted inside (0, 1), when the caller already has them.
    show_breakpoints : bool
        Mark them with dots and dotted vertical lines.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``ax`` is not an Axes or ``coordinate`` is not an int.
    ValueError
        If the net has more than one output, the segment is malformed, ``coordinate`` is out of
        range or constant along the segment, or ``breakpoints`` are not sorted inside (0, 1).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, 1.0]], [[1.0]]], [[-0.5], [0.0]])  # relu(x1 + x2 - 1/2)
    >>> ax = plot_function_on_segment(net, [-1.0, 0.0], [1.0, 0.0], coordinate=0, ax=Figure().subplots())
    >>> ax.get_title(), ax.lines[0].get_xdata().tolist(), ax.get_xlabel()
    ('2 regions along the segment', [-1.0, 0.5, 1.0], 'input $x_1$')
    """
    from ..nets import as_numpy
    from ..regions import breakpoints_1d

    mlp = as_numpy(net)
    if mlp.out_dim != 1:
        raise ValueError(f"net must have 1 output, got {mlp.out_dim}")
    start, end = _as_point(start, mlp.in_dim, "start"), _as_point(end, mlp.in_dim, "end")
    if np.array_equal(start, end):
        raise ValueError(f"start and end must differ, got {start.tolist()} for both")
    coordinate = _check_coordinate(coordinate, mlp.in_dim)
    if coordinate is not None and start[coordinate] == end[coordinate]:
        raise ValueError(f"coordinate {coordinate} is constant ({float(start[coordinate])!r}) along the segment: "
                         "pick one that varies, or None for t")
    if breakpoints is None:
        t = np.asarray(breakpoints_1d(net, start, end), dtype=np.float64)
    else:
        t = np.asarray(breakpoints, dtype=np.float64).reshape(-1)
        if not (np.isfinite(t) & (t > 0) & (t < 1)).all() or (np.diff(t) <= 0).any():
            raise ValueError(f"breakpoints must be sorted parameters t inside (0, 1), got {t}")
    ax = _new_axes(ax)

    t_all = np.concatenate([[0.0], t, [1.0]])
    y = mlp.forward(start + t_all[:, None] * (end - start))[:, 0]
    x = t_all if coordinate is None else start[coordinate] + t_all * (end[coordinate] - start[coordinate])
    ax.plot(x, y, color="C0", linewidth=1.8, label="f along the segment")
    if show_breakpoints and len(t):
        ax.plot(x[1:-1], y[1:-1], "o", color="C3", markersize=3.5, label="breakpoints")
        ax.vlines(x[1:-1], 0.0, 1.0, transform=ax.get_xaxis_transform(), colors="C3", linewidth=0.6,
                  linestyles=":", alpha=0.6)
    ax.set_xlim(min(x[0], x[-1]), max(x[0], x[-1]))
    ax.set_xlabel("position t along the segment" if coordinate is None else f"input $x_{coordinate + 1}$")
    ax.set_ylabel("network output")
    n_regions = len(t) + 1
    ax.set_title(title if title is not None else f"{n_regions} region{'s' * (n_regions != 1)} along the segment")
    return ax

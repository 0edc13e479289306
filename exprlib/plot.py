"""Plotting helpers for the lessons: exact pictures of piecewise-linear networks.

A ReLU or hard-tanh network is affine between its breakpoints, so a 1-D function is drawn
exactly as the polyline through its breakpoints (no sampling), and a 2-D region map is drawn
from the exact region polygons of :func:`exprlib.regions.regions_2d` as one ``PolyCollection``.
Every helper labels its axes, sets a title, takes ``ax=`` to draw into an existing Axes
(widgets draw into their own ``Figure`` without pyplot) and returns the Axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from torch import nn

from ._validation import as_float_array

__all__ = [
    "plot_approximation",
    "plot_error_curve",
    "plot_function_1d",
    "plot_function_on_segment",
    "plot_missed_regions",
    "plot_region_counts",
    "plot_regions_2d",
    "plot_sigmoid_bumps",
]

# Region colours: a qualitative map, shuffled by a seed so that neighbours rarely look alike.
_REGION_CMAP = "tab20"


def _new_axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only here: widgets pass their own Axes and never touch pyplot

        _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_interval(lo: object, hi: object) -> tuple[float, float]:
    for name, value in (("lo", lo), ("hi", hi)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {value!r}")
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo!r}, hi={hi!r}")
    return lo, hi


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
    from .nets import as_numpy

    mlp = as_numpy(net)
    if mlp.in_dim != 1 or mlp.out_dim != 1:
        raise ValueError(f"net must have 1 input and 1 output, got {mlp.in_dim} and {mlp.out_dim}")
    lo, hi = _check_interval(lo, hi)
    if breakpoints is None:
        from .regions import breakpoints_1d

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
        for b in breakpoints:
            ax.axvline(b, color="C3", linewidth=0.6, linestyle=":", alpha=0.6)
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


# ---------------------------------------------------------------------------------------------
# 01-universal-approximation: a fit against its target, and the error against the width
# ---------------------------------------------------------------------------------------------

# Errors below this are float64 rounding (an exact fit); a log axis cannot show 0, so they are
# drawn at this floor.
_ERROR_FLOOR = 1e-12


def plot_approximation(
    approx: object,
    target: object,
    *,
    lo: float = -1.0,
    hi: float = 1.0,
    knots: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    label: str = "network",
    n_points: int = 2001,
) -> Axes:
    """Draw a target and an approximation of it on [lo, hi]; the title gives the sup error.

    Parameters
    ----------
    approx, target : str, Target, network or callable
        As in :func:`exprlib.approximation.sup_error` (a target name, a 1-in/1-out network or a
        vectorised function).
    lo, hi : float
        The interval, lo < hi.
    knots : (k,) array_like, optional
        Points to mark on the approximation (the interpolation knots).
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to the sup error, measured by :func:`exprlib.approximation.sup_error`.
    label : str
        Legend entry of the approximation.
    n_points : int
        Plotting points (the sup error uses its own, finer grid).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``ax`` is not an Axes or an argument has the wrong type.
    ValueError
        If the interval is empty or ``knots`` lie outside it.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.approximation import interpolant_net, knots
    >>> ax = plot_approximation(interpolant_net("sine", 8), "sine", knots=knots(8), ax=Figure().subplots())
    >>> ax.get_title(), len(ax.lines)
    ('network vs sin(3x): sup error 0.0663', 3)
    """
    from .approximation import _as_function, sup_error

    lo, hi = _check_interval(lo, hi)
    approx_fn, target_fn = _as_function(approx, "approx"), _as_function(target, "target")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise ValueError(f"n_points must be an int >= 2, got {n_points!r}")
    if knots is not None:
        knots = np.asarray(knots, dtype=np.float64).reshape(-1)
        if not (np.isfinite(knots) & (knots >= lo) & (knots <= hi)).all():
            raise ValueError(f"knots must be finite and inside [{lo:g}, {hi:g}], got {knots}")
    ax = _new_axes(ax)

    x = np.linspace(lo, hi, n_points)
    name = getattr(target_fn, "formula", "target")
    ax.plot(x, target_fn(x), color="0.6", linewidth=3.0, label=name)
    ax.plot(x, approx_fn(x), color="C0", linewidth=1.5, label=label)
    if knots is not None:
        ax.plot(knots, approx_fn(knots), "o", color="C3", markersize=3.5, label="knots")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.legend(loc="best", fontsize="small")
    if title is None:
        title = f"{label} vs {name}: sup error {sup_error(approx_fn, target_fn, lo=lo, hi=hi):.3g}"
    ax.set_title(title)
    return ax


def plot_error_curve(
    units: Sequence[int],
    errors: Sequence[float],
    *,
    ax: Axes | None = None,
    label: str | None = None,
    bound: Sequence[float] | None = None,
    bound_label: str = "bound h²/8·max|f''|",
    highlight: int | None = None,
    title: str | None = None,
) -> Axes:
    """Draw sup error against the number of units on log-log axes, with an optional bound.

    A power law error = C n^p is a straight line of slope p. Call it again on the same Axes to
    compare targets or methods. Errors below 1e-12 (an exact fit, up to rounding) are drawn at
    1e-12, since a log axis has no 0.

    Parameters
    ----------
    units : (m,) sequence of int
        Positive unit counts.
    errors : (m,) sequence of float
        Non-negative errors.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    label : str, optional
        Legend entry of the measured curve.
    bound : (m,) sequence of float, optional
        A bound at the same unit counts (drawn dashed, in the curve's colour); infinite
        entries are left out.
    bound_label : str
        Legend entry of the bound.
    highlight : int, optional
        A unit count to mark with a vertical line.
    title : str, optional
        Defaults to "sup error against width".

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``ax`` is not an Axes.
    ValueError
        If the shapes differ, a unit count is not positive or an error is negative or NaN.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_error_curve([4, 8, 16], [0.1, 0.025, 0.0], ax=Figure().subplots(), bound=[0.2, 0.05, 0.0125])
    >>> ax.lines[0].get_ydata().tolist(), ax.get_xscale(), len(ax.lines)
    ([0.1, 0.025, 1e-12], 'log', 2)
    """
    units = np.asarray(units, dtype=np.float64).reshape(-1)
    errors = np.asarray(errors, dtype=np.float64).reshape(-1)
    if units.shape != errors.shape:
        raise ValueError(f"units and errors must have the same length, got {units.shape} and {errors.shape}")
    if not (np.isfinite(units) & (units > 0)).all():
        raise ValueError(f"units must be positive, got {units.tolist()}")
    if np.isnan(errors).any() or (errors < 0).any():
        raise ValueError(f"errors must be >= 0 and not NaN, got {errors.tolist()}")
    if bound is not None:
        bound = np.asarray(bound, dtype=np.float64).reshape(-1)
        if bound.shape != units.shape:
            raise ValueError(f"bound must have one value per unit count ({units.shape}), got {bound.shape}")
    ax = _new_axes(ax)

    (line,) = ax.plot(units, np.maximum(errors, _ERROR_FLOOR), "o-", markersize=3.5, linewidth=1.2, label=label)
    if bound is not None:
        finite = np.isfinite(bound)
        if finite.any():
            ax.plot(units[finite], bound[finite], "--", color=line.get_color(), linewidth=1.0, label=bound_label)
    if highlight is not None:
        ax.axvline(highlight, color="0.5", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("hidden units n (log scale)")
    ax.set_ylabel("sup error (log scale)")
    ax.set_title(title if title is not None else "sup error against width")
    if label is not None or bound is not None:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_sigmoid_bumps(
    bump: object,
    *,
    left: float = -0.3,
    right: float = 0.4,
    steepnesses: Sequence[float] = (5.0, 20.0, 100.0),
    lo: float = -1.0,
    hi: float = 1.0,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Draw ``bump(x, left, right, k)`` for several steepnesses k, with the interval's indicator.

    As k grows, sigma(k (x - a)) - sigma(k (x - b)) approaches the indicator of [a, b] (drawn
    grey): the building block of Cybenko's approximation by sums of sigmoids.

    Parameters
    ----------
    bump : callable
        ``bump(x, left, right, steepness)`` of an array x, e.g. the lesson's
        ``sigmoid_bump_by_hand``.
    left, right : float
        The bump's edges.
    steepnesses : sequence of float
        One curve each.
    lo, hi : float
        The plotted interval.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to "two sigmoids make a bump".

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``bump`` is not callable or ``ax`` is not an Axes.
    ValueError
        If the interval is empty.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.approximation import sigmoid_bump
    >>> ax = plot_sigmoid_bumps(lambda x, a, b, k: sigmoid_bump(x, left=a, right=b, steepness=k), ax=Figure().subplots())
    >>> [line.get_label() for line in ax.lines]
    ['indicator of [-0.3, 0.4]', 'steepness 5', 'steepness 20', 'steepness 100']
    """
    if not callable(bump):
        raise TypeError(f"bump must be a function bump(x, left, right, steepness), got {type(bump).__name__}")
    lo, hi = _check_interval(lo, hi)
    ax = _new_axes(ax)

    x = np.linspace(lo, hi, 801)
    ax.plot(x, ((x >= left) & (x <= right)).astype(np.float64), color="0.6", linewidth=3.0,
            label=f"indicator of [{left:g}, {right:g}]")
    for k in steepnesses:
        ax.plot(x, np.asarray(bump(x, left, right, k), dtype=np.float64), linewidth=1.5, label=f"steepness {k:g}")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("input x")
    ax.set_ylabel("bump(x)")
    ax.set_title(title if title is not None else "two sigmoids make a bump")
    ax.legend(loc="best", fontsize="small")
    return ax


# ---------------------------------------------------------------------------------------------
# 02-linear-regions: a function along a segment, the regions sampling misses, counts vs a size
# ---------------------------------------------------------------------------------------------


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
    from .nets import as_numpy
    from .regions import breakpoints_1d

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
        for b in x[1:-1]:
            ax.axvline(b, color="C3", linewidth=0.6, linestyle=":", alpha=0.6)
    ax.set_xlim(min(x[0], x[-1]), max(x[0], x[-1]))
    ax.set_xlabel("position t along the segment" if coordinate is None else f"input $x_{coordinate + 1}$")
    ax.set_ylabel("network output")
    n_regions = len(t) + 1
    ax.set_title(title if title is not None else f"{n_regions} region{'s' * (n_regions != 1)} along the segment")
    return ax


def plot_missed_regions(
    net: nn.Module,
    *,
    box: tuple[float, float, float, float] = (-1.0, 1.0, -1.0, 1.0),
    resolution: int = 64,
    regions: object | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    show_samples: bool = True,
) -> Axes:
    """Draw a 2-input net's exact regions with the ones a sampling grid never hits in red.

    The samples are the ``resolution**2`` cell centres of the box, as in
    :func:`exprlib.regions.count_regions_sampled`; a region is *found* when some sample has its
    activation pattern. Found regions are pale grey, missed ones red: they are the slivers
    and small polygons between the samples, so each is also circled at its centroid.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with 2 inputs.
    box : (xmin, xmax, ymin, ymax)
        The square or rectangle.
    resolution : int
        Samples per side, >= 2.
    regions : Regions2D, optional
        ``regions_2d(net, box)`` if the caller already has it.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title : str, optional
        Defaults to "R regions, a G x G grid finds F: M missed (circled)".
    show_samples : bool
        Draw the samples as small dots (skipped above 128 per side, where they would cover the map).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``resolution`` is not an int or ``ax`` is not an Axes.
    ValueError
        If the net does not have 2 inputs, the box is malformed or ``resolution`` < 2.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0]]], [[0.0, -0.01], [0.0]])  # x = 0, x = 0.01
    >>> plot_missed_regions(net, resolution=4, ax=Figure().subplots()).get_title()
    '3 regions, a 4 x 4 grid finds 2: 1 missed (circled)'
    """
    from .nets import as_numpy
    from .regions import activation_pattern, regions_2d

    mlp = as_numpy(net)
    if mlp.in_dim != 2:
        raise ValueError(f"net must have 2 inputs, got {mlp.in_dim}")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise TypeError(f"resolution must be an int >= 2, got {resolution!r}")
    if resolution < 2:
        raise ValueError(f"resolution must be >= 2, got {resolution}")
    if regions is None:
        regions = regions_2d(net, box)  # validates the box
    smin, smax, tmin, tmax = regions.box
    if ax is None:
        import matplotlib.pyplot as plt  # only here, as in _new_axes; a square map wants a square figure

        _, ax = plt.subplots(figsize=(5, 5), layout="constrained")
    ax = _new_axes(ax)

    s = smin + (np.arange(resolution) + 0.5) * ((smax - smin) / resolution)
    t = tmin + (np.arange(resolution) + 0.5) * ((tmax - tmin) / resolution)
    samples = np.stack(np.meshgrid(s, t), axis=-1).reshape(-1, 2)  # (G^2, 2) cell centres
    found_patterns = {row.tobytes() for row in np.unique(activation_pattern(net, samples), axis=0)}
    found = np.array([row.tobytes() in found_patterns for row in np.ascontiguousarray(regions.patterns)], dtype=bool)

    polygons = [regions.vertices[a:b] for a, b in zip(regions.offsets[:-1], regions.offsets[1:])]
    colours = np.where(found[:, None], matplotlib.colors.to_rgba_array("0.88"), matplotlib.colors.to_rgba_array("C3"))
    ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="0.45", linewidths=0.4))
    if show_samples and resolution <= 128:
        ax.plot(samples[:, 0], samples[:, 1], ".", color="0.3", markersize=0.8, alpha=0.5)
    # Missed regions are usually slivers far thinner than a line: circle them so they can be seen.
    missed = regions.centroids[~found]
    ax.plot(missed[:, 0], missed[:, 1], "o", markerfacecolor="none", markeredgecolor="C3", markersize=9,
            markeredgewidth=1.2, label="missed regions")
    ax.set_xlim(smin, smax)
    ax.set_ylim(tmin, tmax)
    ax.set_aspect("equal")
    ax.set_xlabel("input $x_1$")
    ax.set_ylabel("input $x_2$")
    n, n_found = len(polygons), int(found.sum())
    ax.set_title(title if title is not None else
                 f"{n} regions, a {resolution} x {resolution} grid finds {n_found}: {n - n_found} missed (circled)")
    return ax


def plot_region_counts(
    x: Sequence[float],
    counts: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ax: Axes | None = None,
    title: str | None = None,
    ylabel: str = "number of regions",
    levels: Mapping[str, float] | None = None,
    logx: bool = False,
    logy: bool = False,
) -> Axes:
    """Draw region counts (one curve per label) against a size such as depth or box width.

    Parameters
    ----------
    x : (m,) sequence of float
        The horizontal values, shared by all curves.
    counts : mapping of str to (m,) sequence
        One curve per label, e.g. ``{"exact": [...], "sampled": [...]}``.
    xlabel : str
        The horizontal axis label, with its unit.
    ax : matplotlib Axes, optional
        Draw here; by default a new pyplot figure.
    title, ylabel : str
        Labels.
    levels : mapping of str to float, optional
        Horizontal reference lines (e.g. a bound), drawn dashed and labelled.
    logx, logy : bool
        Log scales.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``counts`` is not a mapping or ``ax`` is not an Axes.
    ValueError
        If a curve's length differs from ``x``'s, or a value is NaN.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_region_counts([1, 2, 4], {"exact": [3, 7, 7]}, xlabel="box half-width",
    ...                         levels={"bound": 7}, ax=Figure().subplots())
    >>> [line.get_label() for line in ax.lines], ax.lines[0].get_ydata().tolist()
    (['exact', 'bound'], [3.0, 7.0, 7.0])
    """
    if not isinstance(counts, Mapping):
        raise TypeError(f"counts must be a mapping of label to values, got {type(counts).__name__}")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    curves = {}
    for label, values in counts.items():
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.shape != x.shape:
            raise ValueError(f"counts[{label!r}] must have one value per x ({len(x)}), got {len(values)}")
        if np.isnan(values).any() or np.isnan(x).any():
            raise ValueError(f"x and counts[{label!r}] must not contain NaN")
        curves[label] = values
    ax = _new_axes(ax)

    for label, values in curves.items():
        ax.plot(x, values, "o-", markersize=3.5, linewidth=1.2, label=label)
    for k, (label, value) in enumerate((levels or {}).items()):
        ax.axhline(float(value), color=f"C{len(curves) + k}", linestyle="--", linewidth=1.0, label=label)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title if title is not None else f"{ylabel} against {xlabel}")
    ax.legend(loc="best", fontsize="small")
    return ax

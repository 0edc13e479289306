"""Lesson 01-universal-approximation: a fit against its target, the error against the width, sigmoid bumps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes

from ._core import _check_interval, _new_axes

__all__ = ["plot_approximation", "plot_error_curve", "plot_sigmoid_bumps"]

# Errors below this are float64 rounding (an exact fit); a log axis cannot show 0, so they are
# drawn at this floor and labelled as rounding level, not as a measured value.
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
    target_label: str | None = None,
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
    target_label : str, optional
        Legend entry of the target; defaults to its formula.
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
    from ..approximation import _as_function, sup_error

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
    y_target, y_approx = target_fn(x), approx_fn(x)
    ax.plot(x, y_target, color="0.6", linewidth=3.0, label=name if target_label is None else target_label)
    ax.plot(x, y_approx, color="C0", linewidth=1.5, label=label)
    if knots is not None:
        # The knots are where an interpolant must meet the target: marked on the target, a wrong
        # fit shows as a curve that misses its dots.
        ax.plot(knots, target_fn(knots), "o", color="C3", markersize=3.5, label="knots on target", zorder=3)
    ax.set_xlim(lo, hi)
    # A band above the data holds the legend, so it never covers a curve (the sawtooth's peaks).
    shown = np.concatenate([y_target, y_approx])
    shown = shown[np.isfinite(shown)]
    low, high = (shown.min(), shown.max()) if len(shown) else (0.0, 1.0)
    span = high - low if high > low else 1.0
    ax.set_ylim(low - 0.06 * span, high + 0.38 * span)
    ax.set_xlabel("input x")
    ax.set_ylabel("output")
    ax.legend(loc="upper center", ncols=2, fontsize="small", frameon=False, handlelength=1.5, columnspacing=1.0)
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
    join: bool = True,
) -> Axes:
    """Draw sup error against the number of units on log-log axes, with an optional bound.

    A power law error = C n^p is a straight line of slope p. Call it again on the same Axes to
    compare targets or methods. Errors below 1e-12 (an exact fit, up to rounding) are drawn at
    1e-12, since a log axis has no 0, as hollow triangles on a dotted line labelled "rounding
    level". The bound is drawn dashed above the data, so it stays visible where the data meets it.

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
    join : bool
        Join the points with a line. Pass False when the error jumps from one width to the
        next for a reason other than the width (|x - c|: where the kink falls in its cell), so
        that no zig-zag suggests a trend; a bound such as h/2 then shows the envelope.

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
    >>> ax.lines[0].get_ydata().tolist(), ax.get_xscale(), ax.lines[-1].get_label()
    ([0.1, 0.025, 1e-12], 'log', '< 1e-12: rounding level (exact)')
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

    (line,) = ax.plot(units, np.maximum(errors, _ERROR_FLOOR), "o-" if join else "o", markersize=3.5, linewidth=1.2,
                      label=label, zorder=2)
    if bound is not None:
        finite = np.isfinite(bound)
        if finite.any():
            # Above the data, in short dashes of a darker shade: a bound that the data nearly meets
            # (the sine's) must stay visible on top of it.
            darker = tuple(0.55 * c for c in matplotlib.colors.to_rgb(line.get_color()))
            ax.plot(units[finite], bound[finite], linestyle=(0, (3, 2)), color=darker, linewidth=1.4,
                    label=bound_label, zorder=3)
    if highlight is not None:
        ax.axvline(highlight, color="0.5", linewidth=0.8, linestyle=":")
    floored = errors < _ERROR_FLOOR
    if floored.any():
        # Say so rather than pretend: 1.6e-14 and 0 both mean "exact up to float64 rounding".
        ax.axhline(_ERROR_FLOOR, color="0.45", linewidth=0.8, linestyle=":", zorder=1)
        ax.plot(units[floored], np.full(int(floored.sum()), _ERROR_FLOOR), "v", markersize=6, markerfacecolor="white",
                markeredgecolor=line.get_color(), zorder=4, label=f"< {_ERROR_FLOOR:.0e}: rounding level (exact)")
        ax.set_ylim(bottom=_ERROR_FLOOR / 10)
    if ax.get_xscale() != "log":  # setting it again would replace locators a caller chose
        ax.set_xscale("log")
        # Plain labels (20, 30, 100) rather than 2×10¹: unit counts are read as numbers.
        ax.xaxis.set_major_formatter(matplotlib.ticker.LogFormatter())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.LogFormatter(labelOnlyBase=False, minor_thresholds=(1.5, 0.5)))
    if ax.get_yscale() != "log":
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

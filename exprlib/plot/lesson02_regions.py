"""Lesson 02-linear-regions: the regions a sampling grid misses, and region counts against a size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from torch import nn

from ._core import SQUARE_FIGSIZE, _new_axes

__all__ = ["plot_missed_regions", "plot_region_counts"]


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
    from ..nets import as_numpy
    from ..regions import activation_pattern, regions_2d

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
    ax = _new_axes(ax, SQUARE_FIGSIZE)  # a square map wants a square figure

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

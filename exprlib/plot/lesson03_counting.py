"""Lesson 03-counting-regions: region bounds beside exact counts, Montufar's folds, region density.

Every helper labels its axes, sets a title, takes ``ax=`` (or ``figure=``) to draw into an
existing Axes or Figure (widgets draw without pyplot) and returns what it drew into. Bounds are
computed here from :mod:`exprlib.bounds` (exact ints, cheap); counts are measured by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._core import _crisp_inline, _new_axes

__all__ = ["bound_table", "plot_bound_bars", "plot_bounds_by_depth", "plot_density", "plot_folding"]


def _widths_text(widths: Sequence[int]) -> str:
    return "[" + ", ".join(str(n) for n in widths) + "]"


def bound_table(n_in: int, widths: Sequence[int]) -> dict[str, int | None]:
    """Every region bound of the course for one architecture, as exact ints (None where it does not apply).

    Keys, in order: ``"trivial 2^N"``, ``"Raghu k^(mn), order only"`` (equal widths only),
    ``"Serra upper bound"``, ``"Serra 1-D maximum"`` (n_0 = 1, widths >= 3),
    ``"Montúfar lower bound"`` (widths >= n_0).

    Examples
    --------
    >>> bound_table(1, [3, 3])
    {'trivial 2^N': 64, 'Raghu k^(mn), order only': 9, 'Serra upper bound': 16, 'Serra 1-D maximum': 16, 'Montúfar lower bound': 12}
    """
    from ..bounds import montufar_lower, raghu_patterns, serra_1d_max, serra_upper, trivial_upper

    widths = list(widths)
    equal = len(set(widths)) == 1
    return {
        "trivial 2^N": trivial_upper(widths),
        "Raghu k^(mn), order only": raghu_patterns(n_in, widths[0], len(widths)) if equal else None,
        "Serra upper bound": serra_upper(n_in, widths),
        "Serra 1-D maximum": serra_1d_max(widths) if n_in == 1 and min(widths) >= 3 else None,
        "Montúfar lower bound": montufar_lower(n_in, widths) if min(widths) >= n_in else None,
    }


_BOUND_COLOURS = {
    "trivial 2^N": "0.55",
    "Raghu k^(mn), order only": "0.75",
    "Serra upper bound": "C3",
    "Serra 1-D maximum": "C1",
    "Montúfar lower bound": "C2",
}


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def plot_bound_bars(values: Mapping[str, int | None], *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Horizontal bars on a logarithmic scale, one per bound or count, each labelled with its exact value.

    Entries whose value is None are listed with "n/a" (the bound does not apply). Bounds (keys of
    :func:`bound_table`) are grey or coloured, other entries (exact counts) blue. The bars are
    drawn at log10 of their values on a linear axis ticked 10⁰, 10¹, ...: the same picture as
    a log axis, at a fraction of the drawing cost (widgets redraw it live).

    Examples
    --------
    >>> ax = plot_bound_bars({"Serra upper bound": 16, "construction, exact": 16, "Raghu k^(mn), order only": None},
    ...                      ax=Figure().subplots())
    >>> len(ax.patches), ax.get_xticklabels()[2].get_text()
    (2, '10²')
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping of label to int or None, got {type(values).__name__}")
    for label, value in values.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1):
            raise ValueError(f"values[{label!r}] must be a whole number >= 1 or None, got {value!r}")
    ax = _new_axes(ax)
    labels = list(values)
    shown = [int(v) for v in values.values() if v is not None]
    top = max(2, int(np.ceil(np.log10(max(shown)))) + 2) if shown else 2
    for row, label in enumerate(labels):
        value = values[label]
        y = len(labels) - 1 - row
        if value is None:
            ax.text(0.1, y, "n/a", va="center", fontsize="small", color="0.4")
            continue
        size = float(np.log10(int(value)))  # exact ints may exceed float range only beyond 10^308
        colour = _BOUND_COLOURS.get(label, "C0")
        ax.barh(y, max(size, 0.02), color=colour, hatch="//" if "order only" in label else None, edgecolor="white")
        ax.text(size + 0.1, y, f"{int(value):,}" if value < 10**9 else f"{float(value):.2e}", va="center",
                fontsize="small")
    ax.set_yticks(range(len(labels)), labels[::-1])
    ax.set_xlim(0, top)
    step = 1 if top <= 6 else 2  # at most about 7 tick labels: text is most of a redraw's cost
    ax.set_xticks(range(0, top + 1, step), [f"10{str(k).translate(_SUPERSCRIPT)}" for k in range(0, top + 1, step)])
    ax.set_xlabel("number of regions (log scale)")
    ax.set_title(title if title is not None else "region bounds and exact counts")
    return ax


def plot_bounds_by_depth(
    n_in: int,
    n_neurons: int,
    depths: Sequence[int],
    measured: Mapping[str, Sequence[float]] | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The bounds for N neurons spent on depths 1, 2, ... (width N // L) on a log scale, with measurements.

    Draws the trivial 2^N, Raghu's k^(mn) (order of growth only, dashed), Serra et al.'s upper
    bound and Montufar et al.'s lower bound (where every width >= n_0), plus one curve per
    entry of ``measured`` (e.g. exact counts of random nets).

    Examples
    --------
    >>> ax = plot_bounds_by_depth(2, 12, [1, 2, 3], {"random nets": [20, 30, 25]}, ax=Figure().subplots())
    >>> ax.get_yscale(), len(ax.lines)
    ('log', 5)
    """
    from ..bounds import montufar_lower, raghu_patterns, serra_upper, trivial_upper

    depths = [int(d) for d in depths]
    archs = [[n_neurons // d] * d for d in depths]
    ax = _new_axes(ax, figsize=(8.0, 3.6))
    ax.plot(depths, [trivial_upper(w) for w in archs], "-", color="0.55", label="trivial $2^N$")
    ax.plot(depths, [raghu_patterns(n_in, w[0], len(w)) for w in archs], "--", color="0.55",
            label="Raghu $k^{mn}$ (order of growth only)")
    ax.plot(depths, [serra_upper(n_in, w) for w in archs], "o-", color="C3", label="Serra et al. upper bound")
    ok = [(d, w) for d, w in zip(depths, archs) if w[0] >= n_in]
    ax.plot([d for d, _ in ok], [montufar_lower(n_in, w) for _, w in ok], "s-", color="C2",
            label="Montúfar et al. lower bound (a construction)")
    for k, (label, values) in enumerate((measured or {}).items()):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(depths),):
            raise ValueError(f"measured[{label!r}] must have one value per depth ({len(depths)}), got shape {values.shape}")
        ax.plot(depths, values, "^-", color=f"C{k}", label=label)
    ax.set_yscale("log")
    ax.set_xticks(depths)
    ax.set_xlabel(f"depth L (hidden layers, width {n_neurons} // L)")
    ax.set_ylabel("number of regions (log scale)")
    ax.set_title(title if title is not None else f"{n_neurons} neurons, $n_0$ = {n_in}: bounds and measurements")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    return ax


def plot_density(
    n_neurons: Sequence[int],
    density: np.ndarray,
    depths: Sequence[int],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Region boundaries per unit length against the number of neurons, one curve per depth.

    ``density`` has shape (len(n_neurons), len(depths)), as :func:`exprlib.density.density_by_depth`
    returns it.

    Examples
    --------
    >>> ax = plot_density([8, 16], np.array([[2.0, 1.9], [4.1, 3.8]]), [1, 2], ax=Figure().subplots())
    >>> [line.get_label() for line in ax.lines]
    ['depth 1', 'depth 2']
    """
    if density is None:
        # The lesson's exercise is still a stub: say so in the blank lesson's own terms.
        raise NotImplementedError("density is still None: complete the exercise that computes it, then run this cell again")
    density = np.asarray(density, dtype=np.float64)
    n_neurons = np.asarray(n_neurons, dtype=np.float64)
    if density.shape != (len(n_neurons), len(depths)):
        raise ValueError(f"density must have shape (len(n_neurons), len(depths)) = ({len(n_neurons)}, {len(depths)}), "
                         f"got {density.shape}")
    ax = _new_axes(ax)
    for col, depth in enumerate(depths):
        ax.plot(n_neurons, density[:, col], "o-", markersize=4, label=f"depth {depth}")
    ax.set_xlim(0, n_neurons.max() * 1.05)
    ax.set_ylim(0, density.max() * 1.1)
    ax.set_xlabel("number of neurons N (all layers)")
    ax.set_ylabel("boundaries crossed per unit length")  # length in input units
    ax.set_title(title if title is not None else "region density along random lines")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_folding(widths: Sequence[int] = (4, 4, 4), *, resolution: int = 240, figure: Figure | None = None) -> Figure:
    """Montufar's folding of the unit square, layer by layer, and the resulting exact region map.

    Panel 0 colours the square by position (red = x_1, blue = x_2); panel l colours every input
    point by where the first l folding layers of :func:`exprlib.constructions.montufar_net`
    send it, so each fold shows up as a mirrored copy of panel 0. The last panel is the exact
    region map of the whole net (:func:`exprlib.regions.regions_2d`), with its count and
    :func:`exprlib.bounds.montufar_lower`.

    Examples
    --------
    >>> fig = plot_folding((2, 2), resolution=20, figure=Figure())
    >>> len(fig.axes), fig.axes[-1].get_title()
    (3, '4 regions (bound 4)')
    """
    from ..bounds import montufar_lower
    from ..constructions import fold_coordinates, montufar_net
    from ..regions import regions_2d
    from .networks import plot_regions_2d

    widths = [int(n) for n in widths]
    grid = (np.arange(resolution) + 0.5) / resolution
    x1, x2 = np.meshgrid(grid, grid)
    points = np.column_stack([x1.ravel(), x2.ravel()])
    folds = [points] + fold_coordinates(2, widths, points)
    if figure is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(2.3 * (len(folds) + 1), 2.8), layout="constrained")
        _crisp_inline()
    axes = figure.subplots(1, len(folds) + 1)
    for l, (ax, signal) in enumerate(zip(axes, folds)):
        colours = np.stack([signal[:, 0], 0.35 + 0.3 * signal[:, 0] * signal[:, 1], signal[:, 1]], axis=1)
        ax.imshow(np.clip(colours, 0, 1).reshape(resolution, resolution, 3), origin="lower", extent=(0, 1, 0, 1))
        copies = int(np.prod([n // 2 for n in widths[:l]])) ** 2
        ax.set_title("the input square" if l == 0 else f"after {l} fold{'s' * (l > 1)}: {copies} copies", fontsize=10)
        ax.set_xlabel("input $x_1$")
        ax.set_ylabel("input $x_2$" if l == 0 else "")
    regions = regions_2d(montufar_net(2, widths), (0.0, 1.0, 0.0, 1.0))
    plot_regions_2d(regions, ax=axes[-1], title=f"{len(regions)} regions (bound {montufar_lower(2, widths)})")
    axes[-1].title.set_fontsize(10)
    axes[-1].set_ylabel("")  # the same input square as the first panel
    figure.suptitle(f"Montúfar's folding, widths {_widths_text(widths)}")
    return figure

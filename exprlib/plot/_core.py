"""Shared machinery of the plotting helpers: axes on demand, interval checks, crisp inline figures.

Every helper in :mod:`exprlib.plot` takes ``ax=`` (widgets pass their own Axes and never touch
pyplot); without it, :func:`_new_axes` opens a pyplot figure sized for a laptop screen at 100 %
zoom and asks the notebook's inline backend for 2x ("retina") PNGs, so text stays crisp on
high-density screens while the figure keeps its size on the page.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

__all__ = ["FIGSIZE", "SQUARE_FIGSIZE"]

# Figure sizes in inches at matplotlib's 100 dpi: 600 x 350 and 500 x 500 CSS pixels in a
# notebook, well inside a laptop screen (1366 x 768) next to JupyterLab's side bar.
FIGSIZE = (6.0, 3.5)
SQUARE_FIGSIZE = (5.0, 5.0)

_inline_is_crisp = False


def _crisp_inline() -> None:
    """Switch IPython's inline figures to 2x PNGs shown at their 1x size (once per kernel)."""
    global _inline_is_crisp
    if _inline_is_crisp:
        return
    _inline_is_crisp = True
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or "inline" not in str(__import__("matplotlib").get_backend()).lower():
            return
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except Exception:  # outside a notebook, or an older IPython: figures stay as they are
        return


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only here: widgets pass their own Axes and never touch pyplot

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if getattr(ax.figure.canvas, "manager", None) is not None:  # a pyplot figure (never a widget's)
        _crisp_inline()
    return ax


def _check_interval(lo: object, hi: object) -> tuple[float, float]:
    for name, value in (("lo", lo), ("hi", hi)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {value!r}")
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo!r}, hi={hi!r}")
    return lo, hi

"""Plotting helpers for the lessons: exact pictures of piecewise-linear networks.

A ReLU or hard-tanh network is affine between its breakpoints, so a 1-D function is drawn
exactly as the polyline through its breakpoints (no sampling), and a 2-D region map is drawn
from the exact region polygons of :func:`exprlib.regions.regions_2d` as one ``PolyCollection``.
Every helper labels its axes, sets a title, takes ``ax=`` to draw into an existing Axes
(widgets draw into their own ``Figure`` without pyplot) and returns the Axes. Without ``ax=``
it opens a pyplot figure that fits a laptop screen (600 x 350 or 500 x 500 CSS pixels) and
switches the notebook's inline figures to crisp 2x PNGs.

Layout: :mod:`~exprlib.plot.networks` draws any network; one module per lesson holds that
lesson's own figures (``lesson01_approximation``, ``lesson02_regions``, ...). A new lesson adds
``lessonNN_topic.py`` and lists its names here.
"""

from .lesson01_approximation import plot_approximation, plot_error_curve, plot_sigmoid_bumps
from .lesson02_regions import plot_missed_regions, plot_region_counts
from .lesson03_counting import plot_bound_bars, plot_bounds_by_depth, plot_density, plot_folding
from .lesson04_trajectory import plot_arc_layers, plot_growth_against_sigma, plot_layer_lengths, plot_transitions_against_length
from .lesson05_depth import plot_compositions, plot_race_errors, plot_radial, plot_sawtooth_fits, plot_shallow_units
from .lesson06_training import plot_accuracy_by_layer, plot_gradient_correlation, plot_length_during_training, plot_training_curves
from .networks import plot_function_1d, plot_function_on_segment, plot_regions_2d

__all__ = [
    # any network
    "plot_function_1d",
    "plot_function_on_segment",
    "plot_regions_2d",
    # 01-universal-approximation
    "plot_approximation",
    "plot_error_curve",
    "plot_sigmoid_bumps",
    # 02-linear-regions
    "plot_missed_regions",
    "plot_region_counts",
    # 03-counting-regions
    "plot_bound_bars",
    "plot_bounds_by_depth",
    "plot_density",
    "plot_folding",
    # 04-trajectory-length
    "plot_arc_layers",
    "plot_growth_against_sigma",
    "plot_layer_lengths",
    "plot_transitions_against_length",
    # 05-depth-separation
    "plot_compositions",
    "plot_race_errors",
    "plot_radial",
    "plot_sawtooth_fits",
    "plot_shallow_units",
    # 06-expressivity-and-training
    "plot_accuracy_by_layer",
    "plot_gradient_correlation",
    "plot_length_during_training",
    "plot_training_curves",
]

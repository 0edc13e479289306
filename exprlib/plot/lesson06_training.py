"""Lesson 06-expressivity-and-training: accuracy by trained layer, lengths while training, gradient correlation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes

from ._core import _new_axes

__all__ = ["plot_accuracy_by_layer", "plot_gradient_correlation", "plot_length_during_training", "plot_training_curves"]


def _mapping(value: object, name: str, what: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty mapping of label -> {what}, got {type(value).__name__}")
    return value


def plot_accuracy_by_layer(accuracies: Mapping[str, object], *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Test accuracy against the one hidden layer that was trained (Raghu et al.'s remaining depth).

    Parameters
    ----------
    accuracies : mapping of label -> (depth,) array
        Entry l - 1: test accuracy after training hidden layer l alone (e.g. one row per seed).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    accuracies = _mapping(accuracies, "accuracies", "accuracies by layer")
    ax = _new_axes(ax)
    depth = 0
    for k, (label, values) in enumerate(accuracies.items()):
        acc = np.asarray(values, dtype=np.float64).ravel()
        depth = max(depth, len(acc))
        ax.plot(np.arange(1, len(acc) + 1), acc, "o-", markersize=4, color=f"C{k % 10}", label=str(label))
    ax.set_xticks(np.arange(1, depth + 1))
    ax.set_xlabel("trained hidden layer l (all others frozen)")
    ax.set_ylabel("test accuracy (fraction correct)")
    ax.set_title(title if title is not None else "test accuracy by trained layer")
    ax.legend(loc="lower left", fontsize="small")
    return ax


def plot_length_during_training(runs: Mapping[str, Mapping], *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Trajectory length relative to its initial value against the training step, log scale.

    Parameters
    ----------
    runs : mapping of label -> run
        Each run a mapping with ``"step"`` and ``"length"`` arrays
        (:func:`exprlib.training.train_tracking_length`).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    runs = _mapping(runs, "runs", "a run with 'step' and 'length'")
    ax = _new_axes(ax)
    for k, (label, run) in enumerate(runs.items()):
        length = np.asarray(run["length"], dtype=np.float64)
        if not (np.isfinite(length).all() and length[0] > 0):
            raise ValueError(f"runs[{label!r}] must have finite lengths, the first one positive")
        ax.plot(run["step"], np.maximum(length / length[0], 1e-6), "o-", markersize=3, color=f"C{k % 10}",
                label=str(label))
    ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle=":")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("training step (full batch)")
    ax.set_ylabel("length / initial length (log scale)")
    ax.set_title(title if title is not None else "trajectory length at the last hidden layer during training")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_gradient_correlation(
    depths: Sequence[int], correlations: Mapping[str, object], *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Correlation of gradients at neighbouring points of a line against depth (shattered gradients).

    Parameters
    ----------
    depths : sequence of int
    correlations : mapping of label -> (len(depths),) array
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    correlations = _mapping(correlations, "correlations", "correlations by depth")
    depths = np.asarray(depths)
    ax = _new_axes(ax)
    for k, (label, values) in enumerate(correlations.items()):
        values = np.asarray(values, dtype=np.float64)
        if values.shape != depths.shape:
            raise ValueError(f"correlations[{label!r}] must have one value per depth ({len(depths)}), got {values.shape}")
        ax.plot(depths, values, "o-", markersize=4, color=f"C{k % 10}", label=str(label))
    ax.set_xscale("log", base=2)
    ax.set_xticks(depths)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_ylim(-0.2, 1.05)
    ax.axhline(0.0, color="0.5", linewidth=0.8, linestyle=":")
    ax.set_xlabel("depth (hidden layers or residual blocks, log scale)")
    ax.set_ylabel("correlation of df/dt at neighbours")
    ax.set_title(title if title is not None else "gradient correlation against depth")
    ax.legend(loc="lower left", fontsize="small")
    return ax


def plot_training_curves(run: Mapping, *, step: int | None = None, axes: Sequence[Axes] | None = None) -> tuple[Axes, ...]:
    """Three panels of one training run: loss, trajectory length and exact region count against the step.

    Parameters
    ----------
    run : mapping
        ``"step"``, ``"loss"``, ``"length"``, ``"regions"`` arrays (:func:`exprlib.training.training_run`).
    step : int, optional
        Marked on every panel (the checkpoint shown); by default the last.
    axes : three matplotlib Axes, optional
        Default: a new 900 x 300 px figure.

    Returns
    -------
    tuple of three Axes
    """
    if axes is None:
        import matplotlib.pyplot as plt

        from ._core import _crisp_inline

        _crisp_inline()
        _, axes = plt.subplots(1, 3, figsize=(9.0, 3.0), layout="constrained")
    if len(axes) != 3:
        raise ValueError(f"axes must hold three Axes, got {len(axes)}")
    steps = np.asarray(run["step"])
    shown = int(steps[-1]) if step is None else int(step)
    at = int(np.searchsorted(steps, shown, side="right") - 1)
    at = max(at, 0)
    length = np.asarray(run["length"], dtype=np.float64)
    panels = (("loss", np.asarray(run["loss"]), "training loss (cross-entropy)", "loss"),
              ("length", length / length[0], "length / initial length", "trajectory length"),
              ("regions", np.asarray(run["regions"]), "linear regions (exact count)", "regions along a segment"))
    for ax, (_, values, ylabel, title) in zip(axes, panels):
        ax.plot(steps, values, "-", color="C0", linewidth=1.4)
        ax.plot(steps[at], values[at], "o", color="C3", markersize=6)
        ax.axvline(steps[at], color="C3", linewidth=0.8, linestyle=":")
        ax.set_xlim(steps[0], steps[-1])
        ax.set_ylim(0.0, max(float(np.max(values)) * 1.08, 1e-9))
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    return tuple(axes)

"""Lesson 06-expressivity-and-training: one training run, scrubbed step by step (loss, length, regions)."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._core import LessonWidget, Param, panel_axes, plural

__all__ = ["TrainingRunExplorer"]

# The run behind the widget: small enough that a new sigma_w^2 or lambda retrains in well under
# half a second on one core (exprlib.training.training_run caches runs, so moving the step
# slider only picks another checkpoint).
_DEPTH, _WIDTH, _STEPS, _EVERY = 3, 16, 60, 5


class TrainingRunExplorer(LessonWidget):
    """A hard-tanh net trained on digits, with live curves of loss, trajectory length and region count.

    The run is :func:`exprlib.training.training_run` (depth 3, width 16, 60 full-batch SGD steps,
    a checkpoint every 5) for the chosen sigma_w^2, trajectory regulariser lambda and seed; the
    step slider moves along its checkpoints without retraining. Left to right: the training
    loss, the length of the arc's image at the last hidden layer relative to its start, and the
    exact number of linear regions along the segment between the same two training images.

    Examples
    --------
    >>> w = TrainingRunExplorer(settings="training:sigma_w2=2.0;step=10")
    >>> w.settings
    'training:sigma_w2=2.0;regulariser=0.0;step=10;seed=0'
    >>> int(w.result["index"]), len(w.result["run"]["regions"])
    (2, 13)
    """

    kind = "training"
    params = (
        Param("sigma_w2", 16.0, lo=1.0, hi=16.0, description="initial σ_w²"),
        Param("regulariser", 0.0, lo=0.0, hi=2.0, description="trajectory λ"),
        Param("step", _STEPS, lo=0, hi=_STEPS, description="training step"),
        Param("seed", 0, lo=0, hi=99),
    )
    figure_px = (680, 300)

    def make_axes(self, figure: Figure) -> tuple[Axes, ...]:
        return tuple(panel_axes(figure, 3, left=50, gap=58, top=24, bottom=40))

    def compute(self, *, sigma_w2: float, regulariser: float, step: int, seed: int) -> dict:
        from ..training import training_run

        run = training_run(depth=_DEPTH, width=_WIDTH, sigma_w2=sigma_w2, regulariser=regulariser, steps=_STEPS,
                           every=_EVERY, seed=seed)
        index = max(0, min(len(run["step"]) - 1, step // _EVERY))
        return {"run": run, "index": index}

    def draw(self, result: dict, axes: tuple[Axes, ...], **values: Any) -> None:
        from ..plot import plot_training_curves

        run = result["run"]
        plot_training_curves(run, step=int(run["step"][result["index"]]), axes=axes)

    def describe(self, result: dict, **values: Any) -> str:
        run, i = result["run"], result["index"]
        ratio = run["length"][i] / run["length"][0]
        return (f"step {int(run['step'][i])}: loss {run['loss'][i]:.3f}, trajectory length ×{ratio:.2f} of its "
                f"start, {plural(int(run['regions'][i]), 'linear region')} along the segment (exact)")

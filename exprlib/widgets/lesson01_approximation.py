"""Lesson 01-universal-approximation: a one-hidden-layer fit, its sup error, and the error against width."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._core import LessonWidget, Param, panel_axes

__all__ = ["Approximation1D"]

# Why each non-smooth target has no h²/8·max|f''| bound (its f'' is unbounded).
_NO_BOUND = {"abs": "|x - c| has a kink", "step": "the step has a jump", "sawtooth": "the triangle wave has kinks"}
# The widget's sup errors use 4001 grid points, five times fewer than exprlib's default: a grid
# maximum misses the true one by at most max|f''| (grid step / 2)^2 / 2 < 5e-7 here, below 0.1 %
# of any error the curve shows, and a redraw stays fast.
_WIDGET_GRID = 4001
_METHOD_LABELS = {
    "interpolant": "ReLU interpolant",
    "gradient_descent": "gradient descent",
    "sigmoid_steps": "sigmoid steps",
}
# Gradient descent trains one net per point of its error curve, so that curve has a few widths;
# the exact methods draw every width up to the maximum.
_GD_CURVE_UNITS = (1, 2, 4, 8, 16, 32, 64)
_MAX_UNITS = 64


def _train_shallow_together(f: Any, widths: list[int], *, seed: int, steps: int = 300, learning_rate: float = 0.03,
                            n_train: int = 256, lo: float = -1.0, hi: float = 1.0) -> dict[int, Any]:
    """:func:`exprlib.approximation.train_shallow` for several widths at once, in one autograd graph.

    Each width starts exactly as ``train_shallow(f, n, seed=seed)`` does (its own generator
    seeded with ``seed``). The summed loss has each net's loss as a separate term, so each
    net's gradient is its own, and Adam updates every parameter elementwise: every net follows
    the same path as when trained alone, up to float64 rounding in the summation order. One
    graph for all widths replaces len(widths) training loops (about 6x faster for the widget's
    seven widths).
    """
    import torch

    from ..approximation import _as_function
    from ..nets import from_weights

    fn = _as_function(f, "f")
    w1, b1, w2 = [], [], []
    for n in widths:
        rng = np.random.default_rng(seed)
        kinks = rng.uniform(lo, hi, n)
        directions = rng.choice([-1.0, 1.0], n)
        readout = rng.normal(0.0, 1.0 / math.sqrt(n), (1, n))
        w1.append(directions)
        b1.append(-directions * kinks)
        w2.append(readout[0])
    sizes = np.array(widths)
    block = np.repeat(np.arange(len(widths)), sizes)  # which net each hidden unit belongs to
    members = np.zeros((sizes.sum(), len(widths)))
    members[np.arange(sizes.sum()), block] = 1.0  # (N, K): sums each net's weighted activations
    params = [torch.tensor(np.concatenate(a), dtype=torch.float64, requires_grad=True) for a in (w1, b1, w2)]
    params.append(torch.zeros(len(widths), dtype=torch.float64, requires_grad=True))
    W1, B1, W2, B2 = params
    x = np.linspace(lo, hi, n_train)
    inputs = torch.from_numpy(x[:, None])  # (n_train, 1)
    targets = torch.from_numpy(fn(x)[:, None])  # (n_train, 1), broadcast over the K nets
    S = torch.from_numpy(members)
    optimiser = torch.optim.Adam(params, lr=learning_rate)
    for _ in range(steps):
        optimiser.zero_grad()
        hidden = torch.relu(inputs * W1 + B1)  # (n_train, N) activations of all nets
        outputs = (hidden * W2) @ S + B2  # (n_train, K)
        loss = ((outputs - targets) ** 2).mean(dim=0).sum()
        loss.backward()
        optimiser.step()
    w1_, b1_, w2_, b2_ = (p.detach().numpy() for p in params)
    nets, start = {}, 0
    for k, n in enumerate(widths):
        part = slice(start, start + n)
        nets[n] = from_weights([w1_[part, None], w2_[None, part]], [b1_[part], b2_[k : k + 1]], "relu")
        start += n
    return nets


class Approximation1D(LessonWidget):
    """One hidden layer fitting a target on [-1, 1]: the fit, its sup error, the error against width.

    Left: the target and the fit with ``units`` hidden units, by one of three methods: the exact
    ReLU interpolant at evenly spaced knots (:func:`exprlib.approximation.interpolant_net`), a
    sum of sigmoid steps (:func:`exprlib.approximation.sigmoid_staircase`), or a ReLU net
    trained by gradient descent (as :func:`exprlib.approximation.train_shallow`, seeded). Right:
    the sup error (:func:`exprlib.approximation.sup_error`) against the number of units on
    log-log axes, with the bound h²/8·max|f''| of the interpolant where f'' is bounded. Only the
    exact methods are fast enough for every width; gradient descent trains a few widths. Each
    error curve is computed once per target, method and seed: moving ``units`` only redraws.

    Examples
    --------
    >>> w = Approximation1D(settings="approx1d:target=abs;units=4")
    >>> w.settings
    'approx1d:target=abs;units=4;method=interpolant;seed=0'
    >>> len(w.figure.axes), int(w.result["units"][-1]), w.summary.endswith("(no h²/8 bound: |x - c| has a kink)")
    (2, 64, True)
    """

    kind = "approx1d"
    params = (
        Param("target", "sine", options=("sine", "gaussian", "abs", "step", "sawtooth")),
        Param("units", 8, lo=1, hi=_MAX_UNITS, description="hidden units"),
        Param("method", "interpolant", options=("interpolant", "gradient_descent", "sigmoid_steps")),
        Param("seed", 0, lo=0, hi=999, description="seed (gradient descent)"),
    )
    figure_px = (700, 320)

    def make_axes(self, figure: Figure) -> tuple[Axes, Axes]:
        fit_ax, curve_ax = panel_axes(figure, 2, left=50, gap=66, bottom=40)
        fit_ax.locator_params(axis="x", nbins=5)
        return fit_ax, curve_ax

    def _curve(self, target: str, method: str, seed: int) -> dict:
        """Every fit and sup error of one target and method (GD: for one seed), computed once."""
        from ..approximation import as_function, interpolant_net, sigmoid_staircase, sup_error
        from ..approximation import target as get_target

        key = (target, method, seed if method == "gradient_descent" else None)
        curves = self.__dict__.setdefault("_curves", {})
        if key not in curves:
            f = get_target(target)
            if method == "gradient_descent":
                units = list(_GD_CURVE_UNITS)
                fits = {n: as_function(net) for n, net in _train_shallow_together(f, units, seed=seed).items()}
            else:
                units = list(range(1, _MAX_UNITS + 1))
                build = (lambda n: as_function(interpolant_net(f, n))) if method == "interpolant" else (
                    lambda n: sigmoid_staircase(f, n))
                fits = {n: build(n) for n in units}
            errors = {n: sup_error(fits[n], f, n_grid=_WIDGET_GRID) for n in units}
            curves[key] = {"target": f, "fits": fits, "errors": errors}
        return curves[key]

    def compute(self, *, target: str, units: int, method: str, seed: int) -> dict:
        from ..approximation import as_function, interpolation_bound, knots, sup_error

        curve = self._curve(target, method, seed)
        f, fits, errors = curve["target"], dict(curve["fits"]), dict(curve["errors"])
        if units not in fits:  # gradient descent at a width off its curve: train that one too
            fits[units] = as_function(_train_shallow_together(f, [units], seed=seed)[units])
            errors[units] = sup_error(fits[units], f, n_grid=_WIDGET_GRID)
        widths = np.array(sorted(errors))
        return {
            "target": f,
            "fit": fits[units],
            "error": float(errors[units]),
            "units": widths,
            "errors": np.array([errors[n] for n in widths]),
            "bound": interpolation_bound(widths, f.max_abs_f2),
            "knots": knots(units) if method == "interpolant" else None,
        }

    def draw(self, result: dict, axes: tuple[Axes, Axes], **values: Any) -> None:
        from ..plot import plot_approximation, plot_error_curve

        ax, right = axes
        method = _METHOD_LABELS[values["method"]]
        plot_approximation(result["fit"], result["target"], knots=result["knots"], ax=ax, label=method, target_label="target",
                           title=f"{values['units']} units, {method}: sup error {result['error']:.3g}")
        smooth = result["target"].smooth
        plot_error_curve(result["units"], result["errors"], ax=right, label=method,
                         bound=result["bound"] if smooth else None, bound_label="h²/8·max|f''| (interpolant bound)",
                         highlight=values["units"],
                         title="sup error against width" + ("" if smooth else " (no h²/8 bound)"))

    def describe(self, result: dict, **values: Any) -> str:
        f, n = result["target"], values["units"]
        text = f"{f.formula}, {n} units, {_METHOD_LABELS[values['method']]}: sup error {result['error']:.3g}"
        if not f.smooth:
            return text + f" (no h²/8 bound: {_NO_BOUND[values['target']]})"
        bound = float(result["bound"][result["units"] == n][0])
        whose = "bound" if values["method"] == "interpolant" else "the interpolant's bound"
        return text + f"; {whose} h²/8·max|f''| = {bound:.3g}"

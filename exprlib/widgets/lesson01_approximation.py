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
    """:func:`exprlib.approximation.train_shallow` for several widths at once, in numpy.

    Each width starts exactly as ``train_shallow(f, n, seed=seed)`` does (its own generator
    seeded with ``seed``). The summed loss has each net's mean squared error as a separate
    term, so each net's gradient is its own, and Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as
    torch's defaults) updates every parameter elementwise: every net follows the same path as
    when trained alone, up to float64 rounding (the test compares them). The gradients are
    written out by hand (one hidden ReLU layer), which avoids torch's autograd and optimiser
    start-up (seconds on the first call in a kernel) and trains the widget's seven widths in
    one pass of ``steps`` vectorised updates.

    Gradients, with z = x w₁ + b₁ (n_train, N), h = relu(z), out_k = Σ_{j in net k} h_j w₂ⱼ + b₂ₖ
    and r = out - f(x): ∂L/∂out = 2r / n_train, then back through the readout and the ReLU
    (whose derivative at 0 is taken as 0, as torch does).
    """
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
    N, K = int(sizes.sum()), len(widths)
    members = np.zeros((N, K))
    members[np.arange(N), np.repeat(np.arange(K), sizes)] = 1.0  # (N, K): sums each net's weighted activations
    # All parameters in one flat vector (w1 | b1 | w2 | b2), so that Adam is a few vector operations.
    theta = np.concatenate([*map(np.concatenate, (w1, b1, w2)), np.zeros(K)])
    W1, B1, W2, B2 = theta[:N], theta[N : 2 * N], theta[2 * N : 3 * N], theta[3 * N :]  # views
    grad = np.zeros_like(theta)
    g_w1, g_b1, g_w2, g_b2 = grad[:N], grad[N : 2 * N], grad[2 * N : 3 * N], grad[3 * N :]
    first, second = np.zeros_like(theta), np.zeros_like(theta)  # Adam's running moments
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    x = np.linspace(lo, hi, n_train)  # (n_train,)
    targets = fn(x)[:, None]  # (n_train, 1), broadcast over the K nets
    pre_activations = np.empty((n_train, N))
    activations = np.empty((n_train, N))
    d_pre = np.empty((n_train, N))
    for step in range(1, steps + 1):
        np.multiply.outer(x, W1, out=pre_activations)
        pre_activations += B1
        np.maximum(pre_activations, 0.0, out=activations)
        outputs = (activations * W2) @ members + B2  # (n_train, K)
        d_outputs = (2.0 / n_train) * (outputs - targets)  # (n_train, K)
        d_weighted = d_outputs @ members.T  # (n_train, N): each unit gets its own net's error
        np.multiply(d_weighted, activations, out=d_pre)
        g_w2[:] = d_pre.sum(axis=0)
        np.multiply(d_weighted, W2, out=d_pre)
        d_pre *= pre_activations > 0.0
        g_w1[:] = x @ d_pre
        g_b1[:] = d_pre.sum(axis=0)
        g_b2[:] = d_outputs.sum(axis=0)
        first += (1.0 - beta1) * (grad - first)
        second *= beta2
        second += (1.0 - beta2) * grad * grad
        step_size = learning_rate / (1.0 - beta1**step)
        theta -= step_size * first / (np.sqrt(second) / math.sqrt(1.0 - beta2**step) + eps)
    nets, start = {}, 0
    for k, n in enumerate(widths):
        part = slice(start, start + n)
        nets[n] = from_weights([W1[part, None], W2[None, part]], [B1[part], B2[k : k + 1]], "relu")
        start += n
    return nets


def _short_number(v: float) -> str:
    """A tick label of at most 5 characters: 0.5, 0.02, 1, then 1e-4, 5e-12."""
    text = f"{v:g}"
    if "e" in text or len(text) > 5:
        mantissa, exponent = f"{v:.0e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _numpy_function(net: Any) -> Any:
    """A 1-in/1-out network as a numpy function of a 1-D array (no torch call per evaluation)."""
    from ..nets import as_numpy

    mlp = as_numpy(net)
    return lambda x: mlp.forward(np.asarray(x, dtype=np.float64)[:, None])[:, 0]


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
        Param("seed", 0, lo=0, hi=999, description="seed (for GD)"),
    )
    figure_px = (640, 310)

    def make_axes(self, figure: Figure) -> tuple[Axes, Axes]:
        from matplotlib import ticker

        fit_ax, curve_ax = panel_axes(figure, 2, left=58, gap=74, bottom=40)
        fit_ax.locator_params(axis="x", nbins=5)
        # Log axes set up once, with plain-text labels: mathtext labels (10^{-4}) and dozens of
        # minor ticks would cost more than the rest of the drawing.
        curve_ax.set_xscale("log")
        curve_ax.set_yscale("log")
        curve_ax.xaxis.set_major_locator(ticker.FixedLocator([1, 2, 4, 8, 16, 32, 64]))
        curve_ax.xaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        curve_ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _short_number(v)))
        for axis in (curve_ax.xaxis, curve_ax.yaxis):
            axis.set_minor_locator(ticker.NullLocator())
        return fit_ax, curve_ax

    def _curve(self, target: str, method: str, seed: int) -> dict:
        """The sup error of every width of the curve (GD: for one seed), computed once.

        The interpolant's errors come from ``np.interp`` through the knots, which is the
        interpolant network's function (exactly, up to float64 rounding), so the 64 widths take
        one vectorised pass instead of 64 networks; the width on show is measured on its network.
        """
        from ..approximation import knots, sigmoid_staircase, sup_error
        from ..approximation import target as get_target

        key = (target, method, seed if method == "gradient_descent" else None)
        curves = self.cache("curves")
        if key not in curves:
            if len(curves) >= 32:  # seeds of gradient descent could fill memory one by one
                curves.pop(next(iter(curves)))
            f = get_target(target)
            grid = np.linspace(-1.0, 1.0, _WIDGET_GRID)
            exact = f(grid)
            fits: dict[int, Any] = {}
            if method == "gradient_descent":
                units = list(_GD_CURVE_UNITS)
                fits = {n: _numpy_function(net) for n, net in _train_shallow_together(f, units, seed=seed).items()}
                errors = {n: sup_error(fits[n], f, n_grid=_WIDGET_GRID) for n in units}
            elif method == "interpolant":
                units = list(range(1, _MAX_UNITS + 1))
                errors = {}
                for n in units:
                    xs = knots(n)
                    errors[n] = float(np.abs(np.interp(grid, xs, f(xs)) - exact).max())
            else:
                units = list(range(1, _MAX_UNITS + 1))
                fits = {n: sigmoid_staircase(f, n) for n in units}
                errors = {n: float(np.abs(fits[n](grid) - exact).max()) for n in units}
            curves[key] = {"target": f, "fits": fits, "errors": errors}
        return curves[key]

    def compute(self, *, target: str, units: int, method: str, seed: int) -> dict:
        from ..approximation import interpolant_net, interpolation_bound, knots, sup_error

        curve = self._curve(target, method, seed)
        f, fits, errors = curve["target"], curve["fits"], dict(curve["errors"])
        if units in fits:
            fit = fits[units]
        elif method == "interpolant":
            fit = _numpy_function(interpolant_net(f, units))
            errors[units] = sup_error(fit, f, n_grid=_WIDGET_GRID)  # the network on show, measured
        else:  # gradient descent at a width off its curve: train that one too
            fit = _numpy_function(_train_shallow_together(f, [units], seed=seed)[units])
            errors[units] = sup_error(fit, f, n_grid=_WIDGET_GRID)
        widths = np.array(sorted(errors))
        return {
            "target": f,
            "fit": fit,
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
        from matplotlib import ticker

        # Powers of ten over many decades; 1, 2 and 5 times them when the curve spans about one.
        low, high = right.get_ylim()
        few_decades = np.log10(high / low) < 1.5
        right.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0) if few_decades else (1.0,), numticks=8))

    def describe(self, result: dict, **values: Any) -> str:
        f, n = result["target"], values["units"]
        text = f"{f.formula}, {n} units, {_METHOD_LABELS[values['method']]}: sup error {result['error']:.3g}"
        if not f.smooth:
            return text + f" (no h²/8 bound: {_NO_BOUND[values['target']]})"
        bound = float(result["bound"][result["units"] == n][0])
        whose = "bound" if values["method"] == "interpolant" else "the interpolant's bound"
        return text + f"; {whose} h²/8·max|f''| = {bound:.3g}"

"""Tests for exprlib.approximation (lesson 01) and its plot, widget and check sections.

The lesson's claims are asserted as trends on measurements: smooth targets converge at rate
about -2, a kink off the grid at about -1, a jump not at all, sigmoid steps at about -1, the
measured error never exceeds h^2/8 max|f''|, and gradient descent with more units does better
(seeded) but not as well as the exact construction.
"""

from __future__ import annotations

import math
import re
import warnings

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import exprlib.approximation as approx
from exprlib.approximation import (
    DOMAIN,
    KINK,
    SUP_GRID,
    TARGETS,
    RateFit,
    as_function,
    convergence_rate,
    feature_rank,
    interpolant_net,
    interpolation_bound,
    knots,
    sigmoid,
    sigmoid_bump,
    sigmoid_staircase,
    sup_error,
    target,
    train_shallow,
)
from exprlib.checks import (
    check_convergence_rate,
    check_relu_interpolant,
    check_sigmoid_bump,
    check_sup_error,
    check_units_needed,
    forbid,
    reference,
)
from exprlib.constructions import relu_interpolant
from exprlib.nets import as_numpy, from_weights, random_mlp
from exprlib.plot import plot_approximation, plot_error_curve
from exprlib.widgets import Approximation1D, make_widget

matplotlib.use("Agg")

# The lesson's sweep: widths about sqrt(2) apart, from where the asymptotics have set in.
LESSON_UNITS = [16, 23, 32, 45, 64, 91, 128, 181, 256]
FINE = np.linspace(*DOMAIN, 40001)


def _errors(name: str, units, build=interpolant_net) -> np.ndarray:
    return np.array([sup_error(build(name, n), name) for n in units])


# ---------------------------------------------------------------------------------------------
# targets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, x, y",
    [
        ("sine", 0.0, 0.0),
        ("sine", math.pi / 6, 1.0),
        ("gaussian", 0.0, 1.0),
        ("gaussian", 0.5, math.exp(-2.0)),
        ("abs", KINK, 0.0),
        ("abs", -1.0, 1.0 + KINK),
        ("step", KINK, 1.0),  # the jump belongs to the right
        ("step", np.nextafter(KINK, -1.0), 0.0),
        ("step", -1.0, 0.0),
        ("sawtooth", -1.0, 0.0),
        ("sawtooth", -0.9, 0.5),
        ("sawtooth", -0.8, 1.0),
        ("sawtooth", 1.0, 0.0),
    ],
)
def test_target_values(name, x, y):
    assert target(name)(np.array([x]))[0] == pytest.approx(y, abs=1e-15)


@pytest.mark.parametrize("name", ["sine", "gaussian"])
def test_max_abs_f2_is_the_true_maximum_of_the_second_derivative(name):
    f = target(name)
    step = FINE[1] - FINE[0]
    second = np.diff(f(FINE), 2) / step**2  # central differences, error O(step^2)
    assert f.smooth
    assert np.abs(second).max() <= f.max_abs_f2 * (1 + 1e-6)
    assert np.abs(second).max() >= f.max_abs_f2 * (1 - 1e-6)


@pytest.mark.parametrize("name", ["abs", "step", "sawtooth"])
def test_non_smooth_targets_have_no_bound(name):
    assert not target(name).smooth
    assert interpolation_bound(8, target(name).max_abs_f2) == math.inf


def test_the_kink_is_never_a_knot():
    for n in range(1, 300):
        assert np.abs(knots(n) - KINK).min() > 1e-6


@pytest.mark.parametrize(
    "name, error, match",
    [
        (3, TypeError, r"name must be a str, one of \['abs', 'gaussian', 'sawtooth', 'sine', 'step'\], got 3"),
        ("cosine", ValueError, r"name must be one of \[.*\], got 'cosine'"),
    ],
)
def test_target_rejects_bad_names(name, error, match):
    with pytest.raises(error, match=match):
        target(name)


def test_targets_reject_nan_inside_an_array():
    with pytest.raises(ValueError, match=r"x must not contain NaN; found 1 NaN entries"):
        TARGETS["sine"](np.array([0.0, np.nan, 1.0]))


# ---------------------------------------------------------------------------------------------
# knots, interpolant, sup error
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, kwargs, expected",
    [
        (1, {}, [-1.0, 1.0]),
        (4, {}, [-1.0, -0.5, 0.0, 0.5, 1.0]),
        (2, dict(lo=0.0, hi=3.0), [0.0, 1.5, 3.0]),
    ],
)
def test_knots(n, kwargs, expected):
    np.testing.assert_array_equal(knots(n, **kwargs), expected)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((0,), {}, ValueError, r"n_units must be >= 1, got 0"),
        ((2.0,), {}, TypeError, r"n_units must be an int >= 1, got 2\.0 of type float"),
        ((True,), {}, TypeError, r"n_units must be an int"),
        ((3,), dict(lo=1.0, hi=1.0), ValueError, r"lo must be < hi, got lo=1\.0, hi=1\.0"),
        ((3,), dict(lo=float("nan")), ValueError, r"lo must be finite, got nan"),
    ],
)
def test_knots_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        knots(*args, **kwargs)


@pytest.mark.parametrize("name", sorted(TARGETS))
@pytest.mark.parametrize("n", [1, 2, 7, 32])
def test_interpolant_net_is_the_piecewise_linear_interpolant(name, n):
    net = interpolant_net(name, n)
    assert as_numpy(net).widths == (n,)
    xs = knots(n)
    f = as_function(net)
    np.testing.assert_allclose(f(xs), target(name)(xs), rtol=0, atol=1e-12)
    # oracle: numpy's own linear interpolation between the knots
    np.testing.assert_allclose(f(FINE), np.interp(FINE, xs, target(name)(xs)), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "a, b, kwargs, expected",
    [
        (np.sin, np.sin, {}, 0.0),  # degenerate: identical functions
        (np.abs, lambda x: x, {}, 2.0),  # largest gap at the end x = -1
        (lambda x: x + 0.25, lambda x: x, {}, 0.25),
        (np.zeros_like, lambda x: x**2 - 0.25, dict(lo=0.0, hi=1.0), 0.75),
        (np.zeros_like, np.abs, dict(n_grid=2), 1.0),  # two points: the ends only
        ("abs", "abs", {}, 0.0),
    ],
)
def test_sup_error_examples(a, b, kwargs, expected):
    assert sup_error(a, b, **kwargs) == pytest.approx(expected, abs=1e-15)


def test_sup_error_is_symmetric_and_reads_networks_tensors_and_columns():
    net = random_mlp(1, [5], sigma_b=0.5, seed=3)
    f = as_function(net)
    assert sup_error(net, np.sin) == sup_error(np.sin, net) == sup_error(f, np.sin)
    as_tensor = lambda x: torch.from_numpy(f(x))  # noqa: E731
    as_column = lambda x: f(x)[:, None]  # noqa: E731
    assert sup_error(as_tensor, np.sin) == sup_error(as_column, np.sin) == sup_error(f, np.sin)


def test_sup_error_oracle_brute_force():
    # The grid maximum equals a direct max over the same grid, and approaches the true sup.
    net = interpolant_net("gaussian", 12)
    x = np.linspace(-1.0, 1.0, SUP_GRID)
    assert sup_error(net, "gaussian") == np.abs(as_function(net)(x) - target("gaussian")(x)).max()
    assert sup_error(net, "gaussian") <= sup_error(net, "gaussian", n_grid=4 * SUP_GRID - 3) <= sup_error(net, "gaussian") + 1e-7


@pytest.mark.parametrize(
    "a, b, kwargs, error, match",
    [
        (3.0, np.sin, {}, TypeError, r"approx must be a target name, a network or a function of an array, got float"),
        (np.sin, "cos", {}, ValueError, r"name must be one of"),
        (np.sin, np.cos, dict(n_grid=1), ValueError, r"n_grid must be >= 2, got 1"),
        (np.sin, np.cos, dict(lo=1.0, hi=0.0), ValueError, r"lo must be < hi"),
        (lambda x: x[:-1], np.cos, {}, ValueError, r"approx must return one value per point, shape \(20001,\), got shape \(20000,\)"),
        (lambda x: np.where(x > 0.5, np.nan, x), np.cos, {}, ValueError, r"approx or target returned NaN at \d+ grid points"),
        (random_mlp(2, [3], seed=0), np.cos, {}, ValueError, r"net must have 1 input and 1 output, got 2 and 1"),
    ],
)
def test_sup_error_rejects_bad_input(a, b, kwargs, error, match):
    with pytest.raises(error, match=match):
        sup_error(a, b, **kwargs)


# ---------------------------------------------------------------------------------------------
# the bound h^2/8 max|f''| and convergence rates: the lesson's claims, as trends
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, m, kwargs, expected",
    [
        (4, 9.0, {}, 0.28125),
        (1, 16.0, {}, 8.0),
        (2, 0.0, {}, 0.0),  # a line is interpolated exactly
        (3, 8.0, dict(lo=0.0, hi=3.0), 1.0),
        (np.int64(4), 9, {}, 0.28125),
    ],
)
def test_interpolation_bound_examples(n, m, kwargs, expected):
    assert interpolation_bound(n, m, **kwargs) == expected


def test_interpolation_bound_is_elementwise():
    np.testing.assert_array_equal(interpolation_bound(np.array([[1, 2], [4, 8]]), 8.0), [[4.0, 1.0], [0.25, 0.0625]])


@pytest.mark.parametrize(
    "n, m, error, match",
    [
        ([4, 0, 8], 9.0, ValueError, r"n_units must be >= 1 everywhere, got \[4, 0, 8\]"),
        ([4.0, 8.0], 9.0, TypeError, r"n_units must be an int or an array of ints >= 1"),
        (True, 9.0, TypeError, r"n_units must be an int"),
        (4, -1.0, ValueError, r"max_abs_f2 must be >= 0 \(inf allowed\), got -1\.0"),
        (4, float("nan"), ValueError, r"max_abs_f2 must be >= 0 \(inf allowed\), got nan"),
        (4, "9", TypeError, r"max_abs_f2 must be a real number, got '9'"),
    ],
)
def test_interpolation_bound_rejects_bad_input(n, m, error, match):
    with pytest.raises(error, match=match):
        interpolation_bound(n, m)


@pytest.mark.parametrize("name", ["sine", "gaussian"])
def test_measured_error_never_exceeds_the_bound_and_the_bound_is_not_vacuous(name):
    units = np.arange(1, 65)
    errors = _errors(name, units)
    bound = interpolation_bound(units, target(name).max_abs_f2)
    assert (errors <= bound).all()  # the theorem, on data
    assert (errors[15:] >= 0.5 * bound[15:]).all()  # and it is within a factor 2 once n >= 16


@pytest.mark.parametrize("name", ["sine", "gaussian"])
def test_smooth_targets_converge_at_rate_about_minus_two(name):
    assert -2.3 <= convergence_rate(LESSON_UNITS, _errors(name, LESSON_UNITS)).rate <= -1.7


def test_a_kink_off_the_grid_converges_slower_and_with_a_worse_constant():
    sine, kink = _errors("sine", LESSON_UNITS), _errors("abs", LESSON_UNITS)
    rate_sine, rate_kink = convergence_rate(LESSON_UNITS, sine).rate, convergence_rate(LESSON_UNITS, kink).rate
    assert -1.3 <= rate_kink <= -0.7
    assert rate_kink > rate_sine + 0.5
    assert (kink > sine).all()
    # The error sits in the cell holding the kink: 2 t (1 - t) h with t its place in the cell, <= h/2.
    h = 2.0 / np.array(LESSON_UNITS)
    assert (kink <= h / 2 + 1e-12).all()


def test_no_continuous_fit_gets_within_one_half_of_a_jump():
    for build in (interpolant_net, sigmoid_staircase):
        assert (_errors("step", [1, 4, 16, 64, 256], build) >= 0.5 - 1e-3).all()


def test_the_sawtooth_needs_as_many_units_as_pieces():
    errors = _errors("sawtooth", range(1, 41))
    assert (errors[:9] >= 0.2).all()  # fewer units than its 10 pieces: no fit at all
    assert errors[9] < 1e-12 and errors[19] < 1e-12  # knots on every kink: exact
    assert errors[-1] < 1e-12 and errors[10:19].max() < 0.5


@pytest.mark.parametrize("name", ["sine", "gaussian"])
def test_sigmoid_steps_converge_at_rate_about_minus_one(name):
    units = [8, 16, 32, 64, 128]
    stairs, hinges = _errors(name, units, sigmoid_staircase), _errors(name, units, interpolant_net)
    assert -1.2 <= convergence_rate(units, stairs).rate <= -0.8
    assert (stairs > hinges).all()


def test_gradient_descent_improves_with_width_but_not_to_the_construction():
    for seed in range(3):
        few, many = (sup_error(train_shallow("sine", n, seed=seed), "sine") for n in (4, 32))
        assert many < few / 2
        assert many > sup_error(interpolant_net("sine", 32), "sine")


def test_train_shallow_is_seeded_and_returns_a_relu_net():
    a, b, c = (train_shallow("gaussian", 6, seed=s, steps=50) for s in (1, 1, 2))
    assert as_numpy(a).widths == (6,) and as_numpy(a).activations[0].kind == "relu"
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].bias, c[0].bias)
    assert a[0].weight.dtype == torch.float64


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(seed=-1), ValueError, r"seed must be >= 0, got -1"),
        (dict(seed=1.0), TypeError, r"seed must be an int"),
        (dict(seed=0, steps=0), ValueError, r"steps must be >= 1, got 0"),
        (dict(seed=0, learning_rate=0.0), ValueError, r"learning_rate must be finite and > 0, got 0\.0"),
        (dict(seed=0, n_train=1), ValueError, r"n_train must be >= 2, got 1"),
    ],
)
def test_train_shallow_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_shallow("sine", 4, **kwargs)


@pytest.mark.parametrize(
    "units, errors, rate, constant",
    [
        ([10, 20, 40], [1e-2, 2.5e-3, 6.25e-4], -2.0, 1.0),
        ([40, 10, 20], [6.25e-4, 1e-2, 2.5e-3], -2.0, 1.0),  # order does not matter
        ([1, 2], [3.0, 3.0], 0.0, 3.0),  # degenerate: no convergence at all
        ([2, 8], [0.5, 2.0], 1.0, 0.25),  # a growing error has a positive rate
    ],
)
def test_convergence_rate_examples(units, errors, rate, constant):
    fit = convergence_rate(units, errors)
    assert isinstance(fit, RateFit)
    assert fit.rate == pytest.approx(rate, abs=1e-12) and fit.constant == pytest.approx(constant, rel=1e-12)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    rate=st.floats(-4.0, 1.0),
    constant=st.floats(1e-3, 1e3),
    units=st.lists(st.integers(1, 10_000), min_size=2, max_size=12, unique=True),
)
def test_convergence_rate_recovers_an_exact_power_law(rate, constant, units):
    n = np.array(units, dtype=np.float64)
    fit = convergence_rate(n, constant * n**rate)
    assert fit.rate == pytest.approx(rate, abs=1e-9)
    assert fit.constant == pytest.approx(constant, rel=1e-7)


def test_convergence_rate_oracle_polyfit():
    rng = np.random.default_rng(5)
    units = np.geomspace(4, 400, 9)
    errors = 2.0 * units**-1.5 * np.exp(rng.normal(0, 0.3, 9))
    slope, intercept = np.polyfit(np.log(units), np.log(errors), 1)
    fit = convergence_rate(units, errors)
    assert fit.rate == pytest.approx(slope, rel=1e-12) and fit.constant == pytest.approx(np.exp(intercept), rel=1e-12)


@pytest.mark.parametrize(
    "units, errors, error, match",
    [
        ([4, 8, 16], [0.1, 0.0, 0.01], ValueError, r"errors must be finite and > 0 \(logarithms are taken\), got errors\[1\] = 0\.0"),
        ([4, 8, 16], [0.1, np.nan, 0.01], ValueError, r"errors must not contain NaN; found 1 NaN entries"),
        ([4, -8, 16], [0.1, 0.05, 0.01], ValueError, r"n_units must be finite and > 0 .*got n_units\[1\] = -8\.0"),
        ([4], [0.1], ValueError, r"need at least 2 \(units, error\) pairs to fit a rate, got 1"),
        ([4, 4, 4], [0.1, 0.2, 0.3], ValueError, r"n_units must hold at least 2 different values to fit a slope"),
        ([4, 8], [0.1, 0.2, 0.3], ValueError, r"n_units and errors must be 1-D of the same length, got shapes \(2,\) and \(3,\)"),
        ([4, 8], ["a", "b"], TypeError, r"errors must be an array of real numbers, got list"),
    ],
)
def test_convergence_rate_rejects_bad_input(units, errors, error, match):
    with pytest.raises(error, match=match):
        convergence_rate(units, errors)


# ---------------------------------------------------------------------------------------------
# sigmoids, bumps, staircases, Leshno's feature rank
# ---------------------------------------------------------------------------------------------


def test_sigmoid_is_exact_and_never_overflows():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1000.0, -np.inf, 0.0, 2.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 0.0, 0.5, 1 / (1 + math.exp(-2.0)), 1.0], rtol=1e-15, atol=0)


@pytest.mark.parametrize(
    "x, kwargs, expected",
    [
        (0.0, dict(left=-0.5, right=0.5, steepness=50.0), 1.0),
        (-0.5, dict(left=-0.5, right=0.5, steepness=50.0), 0.5),  # half-way up at each edge
        (0.5, dict(left=-0.5, right=0.5, steepness=50.0), 0.5),
        (3.0, dict(left=-0.5, right=0.5, steepness=50.0), 0.0),
        (0.0, dict(left=-1.0, right=1.0, steepness=1e-9), 0.0),  # degenerate: flat steps cancel
    ],
)
def test_sigmoid_bump_examples(x, kwargs, expected):
    assert float(sigmoid_bump(x, **kwargs)) == pytest.approx(expected, abs=1e-9)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(left=st.floats(-1.0, 0.9), width=st.floats(0.1, 1.0), steepness=st.floats(200.0, 2000.0))
def test_steep_bumps_are_indicators_of_their_interval(left, width, steepness):
    right = left + width
    x = np.linspace(-2.0, 2.0, 801)
    bump = sigmoid_bump(x, left=left, right=right, steepness=steepness)
    margin = 20.0 / steepness  # sigmoid(20) = 1 - 2e-9
    assert (bump >= -1e-15).all() and (bump <= 1.0).all()
    inside, outside = (x > left + margin) & (x < right - margin), (x < left - margin) | (x > right + margin)
    assert (bump[inside] > 1 - 1e-8).all() and (bump[outside] < 1e-8).all()


@pytest.mark.parametrize(
    "x, kwargs, error, match",
    [
        ([0.0, np.nan], dict(left=0.0, right=1.0, steepness=1.0), ValueError, r"x must not contain NaN; found 1"),
        (0.0, dict(left=1.0, right=1.0, steepness=1.0), ValueError, r"left must be < right, got left=1\.0, right=1\.0"),
        (0.0, dict(left=0.0, right=1.0, steepness=0.0), ValueError, r"steepness must be finite and > 0, got 0\.0"),
        (0.0, dict(left="0", right=1.0, steepness=1.0), TypeError, r"left must be a real number, got '0' of type str"),
    ],
)
def test_sigmoid_bump_rejects_bad_input(x, kwargs, error, match):
    with pytest.raises(error, match=match):
        sigmoid_bump(x, **kwargs)


@pytest.mark.parametrize("n", [1, 5, 30])
def test_sigmoid_staircase_is_near_f_at_every_cell_midpoint(n):
    g = sigmoid_staircase("gaussian", n, sharpness=80.0)
    h = 2.0 / (n + 1)
    midpoints = -1.0 + (np.arange(n + 1) + 0.5) * h
    # sharpness 80: neighbouring steps are still exp(-40) from their plateau at a midpoint
    np.testing.assert_allclose(g(midpoints), target("gaussian")(midpoints), rtol=0, atol=1e-12)


def test_sigmoid_staircase_rejects_bad_input():
    with pytest.raises(ValueError, match=r"sharpness must be finite and > 0, got -1\.0"):
        sigmoid_staircase("sine", 3, sharpness=-1.0)
    with pytest.raises(ValueError, match=r"n_units must be >= 1, got 0"):
        sigmoid_staircase("sine", 0)


@pytest.mark.parametrize(
    "activation, n, expected",
    [("relu", 1, 2), ("relu", 10, 11), ("relu", 60, 61), ("relu", 197, 198), ("square", 1, 2), ("square", 60, 3),
     ("cube", 60, 4), ("cube", 2, 3)],
)
def test_feature_rank_polynomials_stay_small_whatever_the_width(activation, n, expected):
    assert feature_rank(activation, n, seed=0) == expected


@pytest.mark.parametrize(
    "activation, n, error, match",
    [
        ("tanh", 4, ValueError, r"activation must be one of \['cube', 'relu', 'square'\], got 'tanh'"),
        (None, 4, TypeError, r"activation must be a str"),
        ("relu", 0, ValueError, r"n_units must be >= 1, got 0"),
        ("relu", 198, ValueError, r"n_units must be <= n_points - 3 = 197 \(one interior grid cell per unit\), got 198"),
    ],
)
def test_feature_rank_rejects_bad_input(activation, n, error, match):
    with pytest.raises(error, match=match):
        feature_rank(activation, n, seed=0)


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------


def test_plot_approximation_draws_target_fit_and_knots():
    net = interpolant_net("abs", 4)
    ax = plot_approximation(net, "abs", knots=knots(4), ax=Figure().subplots(), label="4 ReLUs")
    target_line, fit_line, knot_marks = ax.lines
    np.testing.assert_allclose(fit_line.get_ydata(), as_function(net)(fit_line.get_xdata()))
    np.testing.assert_allclose(knot_marks.get_xdata(), knots(4))
    assert ax.get_title() == f"4 ReLUs vs |x - c|, c = √5 - 2: sup error {sup_error(net, 'abs'):.3g}"
    assert ax.get_xlabel() == "input x" and ax.get_ylabel() == "output"


def test_plot_approximation_rejects_knots_outside():
    with pytest.raises(ValueError, match=r"knots must be finite and inside \[-1, 1\]"):
        plot_approximation(np.sin, "sine", knots=[0.0, 2.0], ax=Figure().subplots())


def test_plot_error_curve_is_log_log_floors_zeros_and_skips_infinite_bounds():
    ax = Figure().subplots()
    plot_error_curve([1, 2, 4], [0.5, 0.0, 0.1], ax=ax, label="a", bound=[np.inf, 1.0, 0.25], highlight=2)
    curve, bound = ax.lines[:2]
    assert curve.get_ydata().tolist() == [0.5, 1e-12, 0.1]
    assert bound.get_xdata().tolist() == [2.0, 4.0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() == "hidden units n (log scale)" and ax.get_ylabel() == "sup error (log scale)"


@pytest.mark.parametrize(
    "units, errors, match",
    [
        ([1, 2], [0.1], r"units and errors must have the same length"),
        ([0, 2], [0.1, 0.2], r"units must be positive, got \[0\.0, 2\.0\]"),
        ([1, 2], [0.1, np.nan], r"errors must be >= 0 and not NaN"),
    ],
)
def test_plot_error_curve_rejects_bad_input(units, errors, match):
    with pytest.raises(ValueError, match=match):
        plot_error_curve(units, errors, ax=Figure().subplots())


# ---------------------------------------------------------------------------------------------
# the widget, headless
# ---------------------------------------------------------------------------------------------


def test_approximation_widget_default_draws_the_interpolant_once():
    w = make_widget(settings="approx1d:")
    assert isinstance(w, Approximation1D) and w.renders == 1
    assert w.settings == "approx1d:target=sine;units=8;method=interpolant;seed=0"
    error = sup_error(interpolant_net("sine", 8), "sine", n_grid=4001)
    assert w.summary == f"sin(3x), 8 units, ReLU interpolant: sup error {error:.3g}; bound h²/8·max|f''| = {0.0703125:.3g}"
    fit_ax, curve_ax = w.figure.axes
    np.testing.assert_allclose(fit_ax.lines[2].get_xdata(), knots(8))
    assert curve_ax.get_yscale() == "log" and len(curve_ax.lines[0].get_xdata()) == 64


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("units", 20, lambda: sup_error(interpolant_net("sine", 20), "sine", n_grid=4001)),
        ("target", "abs", lambda: sup_error(interpolant_net("abs", 8), "abs", n_grid=4001)),
        ("method", "sigmoid_steps", lambda: sup_error(sigmoid_staircase("sine", 8), "sine", n_grid=4001)),
        ("method", "gradient_descent", lambda: sup_error(train_shallow("sine", 8, seed=0), "sine", n_grid=4001)),
    ],
)
def test_moving_a_control_shows_the_library_error(name, value, expected):
    w = Approximation1D()
    w.controls[name].value = value
    assert w.renders == 2 and w.error.value == ""
    assert f"sup error {expected():.3g}" in w.status.value
    assert f"{name}={value}" in w.settings_box.value
    if value == "gradient_descent":  # a few trained widths, the chosen one among them
        assert w.result["units"].tolist() == [1, 2, 4, 8, 16, 32, 64]
    if name == "method":
        assert "the interpolant's bound h²/8·max|f''| = 0.0703" in w.status.value
    if value == "abs":
        assert w.status.value.endswith("(no h²/8 bound: |x - c| has a kink)")
        assert len(w.figure.axes[1].lines) == 1 + 1  # the curve and the highlight, no bound


def test_approximation_widget_settings_round_trip():
    w = Approximation1D(settings="approx1d:target=sawtooth;units=10;method=sigmoid_steps;seed=3")
    copy = make_widget(settings=w.settings)
    assert copy.values == w.values == dict(target="sawtooth", units=10, method="sigmoid_steps", seed=3)
    assert copy.status.value == w.status.value and copy.image.value == w.image.value


@pytest.mark.parametrize(
    "text, match",
    [
        ("approx1d:units=0", r"units must be an int in \[1, 64\], got 0"),
        ("approx1d:method=newton", r"method must be one of interpolant, gradient_descent, sigmoid_steps, got 'newton'"),
        ("approx1d:target=cosine", r"target must be one of sine, gaussian, abs, step, sawtooth"),
    ],
)
def test_approximation_widget_rejects_bad_settings(text, match):
    with pytest.raises(ValueError, match=match):
        make_widget(settings=text)


# ---------------------------------------------------------------------------------------------
# checks: right answers pass, each likely slip gets its hint, no expected value is shown
# ---------------------------------------------------------------------------------------------


def _interpolant_variant(*, change: str = "right", extra_unit: bool = False, layers: int = 1):
    """A hand-written interpolant builder with one slip switched on."""

    def build(xs, ys):
        xs, ys = np.asarray(xs, float), np.asarray(ys, float)
        slopes = np.diff(ys) / np.diff(xs)
        weights = {
            "slopes": slopes,  # the slope, not its change
            "spacing": np.diff(np.diff(ys), prepend=0.0),  # rises not divided by the spacing
        }.get(change, np.diff(slopes, prepend=0.0))
        bias = 0.0 if change == "no_y0" else ys[0]
        kinks = xs[:-1]
        if extra_unit:
            kinks, weights = xs, np.append(weights, 0.0)
        if change == "midpoints":  # kinks between the knots: passes through nothing in general
            kinks = (xs[:-1] + xs[1:]) / 2
        hidden_w, hidden_b = np.ones((len(kinks), 1)), -kinks
        if layers == 2:
            return from_weights([hidden_w, np.eye(len(kinks)), weights[None, :]],
                                [hidden_b, np.zeros(len(kinks)), [bias]])
        return from_weights([hidden_w, weights[None, :]], [hidden_b, [bias]])

    return build


def test_check_relu_interpolant_accepts_right_answers():
    check_relu_interpolant(_interpolant_variant())
    check_relu_interpolant(_interpolant_variant(), part="structure")


@pytest.mark.parametrize(
    "builder, part, match",
    [
        (_interpolant_variant(change="slopes"), "points", r"is the CHANGE of slope"),
        (_interpolant_variant(change="no_y0"), "points", r"y_0 is the readout bias"),
        (_interpolant_variant(change="spacing"), "points", r"divide by the spacing"),
        (_interpolant_variant(change="midpoints"), "points", r"misses \d+ of \d+ points"),
        (_interpolant_variant(extra_unit=True), "structure", r"One unit too many"),
        (_interpolant_variant(layers=2), "structure", r"should have ONE hidden layer, got 2"),
        (_interpolant_variant(change="midpoints"), "structure", r"is not the straight line between neighbouring points"),
        (lambda xs, ys: None, "points", r"returned None: did you forget to return the network\?"),
        (lambda xs, ys: [xs, ys], "structure", r"should return a torch\.nn\.Sequential \(build it with from_weights\), got a list"),
        (lambda xs, ys: random_mlp(2, [3], seed=0), "points", r"should return a network with 1 input and 1 output, got 2 and 1"),
    ],
)
def test_check_relu_interpolant_diagnoses_slips(builder, part, match):
    with pytest.raises(AssertionError, match=match):
        check_relu_interpolant(builder, part=part)


def test_an_extra_unit_still_passes_through_the_points():
    check_relu_interpolant(_interpolant_variant(extra_unit=True), part="points")


def test_checks_grade_against_a_private_copy_while_the_library_is_forbidden():
    right = _interpolant_variant()
    with forbid("exprlib.constructions.relu_interpolant", "exprlib.approximation.sup_error",
                "exprlib.approximation.sigmoid_bump", "exprlib.approximation.convergence_rate"):
        check_relu_interpolant(right)
        reference().checks.check_relu_interpolant(right, part="structure", n_cases=3, seed=7)
        check_sup_error(lambda f, g, lo, hi, n: float(np.abs(f(np.linspace(lo, hi, n)) - g(np.linspace(lo, hi, n))).max()))
    with forbid("exprlib.constructions.relu_interpolant", namespace=globals()):
        with pytest.raises(AssertionError, match=r"switched off while grading"):
            check_relu_interpolant(lambda xs, ys: relu_interpolant(xs, ys))
    assert approx.relu_interpolant is relu_interpolant


def _bump(kind: str):
    s = sigmoid
    return {
        "right": lambda x, a, b, k: s(k * (x - a)) - s(k * (x - b)),
        "plain": lambda x, a, b, k: 1 / (1 + np.exp(-k * (x - a))) - 1 / (1 + np.exp(-k * (x - b))),
        "sum": lambda x, a, b, k: s(k * (x - a)) + s(k * (x - b)),
        "down": lambda x, a, b, k: s(k * (x - b)) - s(k * (x - a)),
        "shift": lambda x, a, b, k: s(k * x - a) - s(k * x - b),
        "flat": lambda x, a, b, k: s(x - a) - s(x - b),
        "one": lambda x, a, b, k: s(k * (x - a)),
        "list": lambda x, a, b, k: list(s(k * (x - a)) - s(k * (x - b))),
        "half": lambda x, a, b, k: 0.5 * (s(k * (x - a)) - s(k * (x - b))),
    }[kind]


@pytest.mark.parametrize("kind", ["right", "plain"])
def test_check_sigmoid_bump_accepts_right_answers(kind):
    check_sigmoid_bump(_bump(kind), n_cases=6, seed=4)


@pytest.mark.parametrize(
    "kind, match",
    [
        ("sum", r"subtract the second sigmoid"),
        ("down", r"your bump points down"),
        ("shift", r"scale the shift too"),
        ("flat", r"use the steepness"),
        ("one", r"that is a single step"),
        ("list", r"should be a numpy array, got a list"),
        ("half", r"it differs at \d+ of 61 points, first near x = "),
    ],
)
def test_check_sigmoid_bump_diagnoses_slips(kind, match):
    with pytest.raises(AssertionError, match=match):
        check_sigmoid_bump(_bump(kind))


def _sup(kind: str):
    def grid(lo, hi, n):
        return np.linspace(lo, hi, n)

    return {
        "right": lambda f, g, lo, hi, n: np.abs(f(grid(lo, hi, n)) - g(grid(lo, hi, n))).max(),
        "signed": lambda f, g, lo, hi, n: (f(grid(lo, hi, n)) - g(grid(lo, hi, n))).max(),
        "mean": lambda f, g, lo, hi, n: np.abs(f(grid(lo, hi, n)) - g(grid(lo, hi, n))).mean(),
        "rms": lambda f, g, lo, hi, n: np.sqrt(((f(grid(lo, hi, n)) - g(grid(lo, hi, n))) ** 2).mean()),
        "coarse": lambda f, g, lo, hi, n: np.abs(f(np.linspace(lo, hi)) - g(np.linspace(lo, hi))).max(),
        "unit": lambda f, g, lo, hi, n: np.abs(f(grid(-1, 1, n)) - g(grid(-1, 1, n))).max(),
        "array": lambda f, g, lo, hi, n: np.abs(f(grid(lo, hi, n)) - g(grid(lo, hi, n))),
        "none": lambda f, g, lo, hi, n: None,
    }[kind]


def test_check_sup_error_accepts_a_right_answer():
    check_sup_error(_sup("right"), n_cases=5, seed=2)


@pytest.mark.parametrize(
    "kind, match",
    [
        ("signed", r"take the absolute value"),
        ("mean", r"not an average"),
        ("rms", r"not a root-mean-square"),
        ("coarse", r"use n_grid points"),
        ("unit", r"measure on the interval \[lo, hi\] you are given"),
        ("array", r"should return one number \(the largest \|difference\|\), got a ndarray of shape \(10001,\)"),
        ("none", r"returned None: did you forget to return the largest"),
    ],
)
def test_check_sup_error_diagnoses_slips(kind, match):
    with pytest.raises(AssertionError, match=match):
        check_sup_error(_sup(kind))


def _rate(kind: str):
    return {
        "right": lambda n, e: np.polyfit(np.log(n), np.log(e), 1)[0],
        "log10": lambda n, e: np.polyfit(np.log10(n), np.log10(e), 1)[0],
        "ends": lambda n, e: (np.log(e[-1]) - np.log(e[0])) / (np.log(n[-1]) - np.log(n[0])),
        "swapped": lambda n, e: np.polyfit(np.log(e), np.log(n), 1)[0],
        "nolog": lambda n, e: np.polyfit(n, e, 1)[0],
        "intercept": lambda n, e: np.polyfit(np.log(n), np.log(e), 1)[1],
        "sign": lambda n, e: -np.polyfit(np.log(n), np.log(e), 1)[0],
        "both": lambda n, e: np.polyfit(np.log(n), np.log(e), 1),
    }[kind]


@pytest.mark.parametrize("kind", ["right", "log10"])
def test_check_convergence_rate_accepts_right_answers(kind):
    check_convergence_rate(_rate(kind), n_cases=5, seed=9)


@pytest.mark.parametrize(
    "kind, match",
    [
        ("ends", r"not through the first and last only"),
        ("swapped", r"regress log\(error\) on log\(units\), not the other way round"),
        ("nolog", r"take logarithms of both"),
        ("intercept", r"the rate is the slope, element \[0\]"),
        ("sign", r"drop the minus sign"),
        ("both", r"should return one number \(the slope\), got a ndarray of shape \(2,\)"),
    ],
)
def test_check_convergence_rate_diagnoses_slips(kind, match):
    with pytest.raises(AssertionError, match=match):
        check_convergence_rate(_rate(kind))


def test_the_lesson_measurement_is_part_of_the_rate_check():
    # A two-point slope is exact on clean power laws; the measured sine errors are the first to catch it.
    with pytest.raises(AssertionError, match=r"on the measured errors of the sin\(3x\) interpolants .*first and last"):
        check_convergence_rate(_rate("ends"))


def test_units_needed_is_the_smallest_n_the_bound_allows():
    m = target("sine").max_abs_f2
    n = 68
    assert interpolation_bound(n, m) <= 1e-3 < interpolation_bound(n - 1, m)
    check_units_needed(n)
    assert sup_error(interpolant_net("sine", n), "sine") <= 1e-3  # and the guarantee holds


@pytest.mark.parametrize(
    "answer, match",
    [
        (34, r"\[-1, 1\] has length 2"),
        (4500, r"take a square root"),
        (190, r"keep the 1/8"),
        (67, r"round up"),
        (69, r"fewer do too"),
        (23, r"each derivative brings out a factor 3"),
        (39, r"not max\|f'\|"),
        (40, r"too low"),
        (100, r"too high"),
        (68.5, r"should be a whole number"),
        (None, r"still None"),
    ],
)
def test_check_units_needed_hints_never_show_the_answer(answer, match):
    with pytest.raises(AssertionError, match=match) as info:
        check_units_needed(answer)
    assert not re.search(r"(?<![\d.])68(?![\d.])", str(info.value))

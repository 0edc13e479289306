"""Lesson 02-linear-regions: its measured claims as trends, and its plots, widget and checks.

The lesson claims that dense sampling never finds more regions than exist and misses more of
them in deeper nets; that the count in a growing box never decreases and, for one hidden layer,
stops at Zaslavsky's count; and that linear pieces never outnumber regions. These are tested as
trends over seeds, not as the lesson's particular numbers. The lesson's helpers are tested
headless: ``plot_function_on_segment``, ``plot_missed_regions``, ``plot_region_counts``, the
``RegionExplorer`` widget, and the checks with the wrong answers they must recognise.
"""

import base64
import functools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from torch import nn  # noqa: E402

import exprlib.checks as checks  # noqa: E402
import exprlib.nets  # noqa: E402
import exprlib.regions as regions  # noqa: E402
from exprlib.bounds import zaslavsky  # noqa: E402
from exprlib.checks import (  # noqa: E402
    ONE_D_COUNTERS,
    ZASLAVSKY_SHORTCUTS,
    ForbiddenError,
    check_count_regions_1d,
    check_missed_regions,
    check_pattern_by_hand,
    check_zaslavsky,
    forbid,
)
from exprlib.constructions import sawtooth  # noqa: E402
from exprlib.nets import as_numpy, from_weights, random_mlp  # noqa: E402
from exprlib.plot import plot_function_on_segment, plot_missed_regions, plot_region_counts  # noqa: E402
from exprlib.widgets import RegionExplorer, RegionMap2D, make_widget  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "course" / "solutions" / "02-linear-regions" / "02-linear-regions.ipynb"
SQUARE = (-1.0, 1.0, -1.0, 1.0)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _mentions(message: str, number: int) -> bool:
    """Whether ``number`` appears in ``message`` as a number of its own."""
    import re

    return re.search(rf"(?<![\d.\-^]){number}(?![\d.])", message) is not None


def _solution_function(grade_id: str):
    """The function a solution cell of the lesson defines, run in the lesson's namespace."""
    nb = nbformat.read(SOLUTION, as_version=4)
    source = next(c.source for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    namespace = {"np": np, "math": math, "as_numpy": as_numpy, "activation_pattern": regions.activation_pattern}
    exec(compile(source, f"<{grade_id}>", "exec"), namespace)
    return namespace[grade_id]


# ---------------------------------------------------------------------------------------------
# The lesson's claims, as trends
# ---------------------------------------------------------------------------------------------


def test_sampling_never_overcounts_and_misses_more_regions_in_deeper_nets():
    depths, gaps = (1, 2, 3, 4), []
    for seed in range(4):
        row = []
        for depth in depths:
            net = random_mlp(2, [8] * depth, sigma_b=0.5, seed=seed)
            exact = regions.count_regions_2d(net, SQUARE)
            sampled = regions.count_regions_sampled(net, box=SQUARE, resolution=64)
            assert 1 <= sampled <= exact
            row.append(exact - sampled)
        gaps.append(row)
    mean_gap = np.mean(gaps, axis=0)
    assert (np.diff(mean_gap) > 0).all(), mean_gap  # the gap grows with depth, averaged over seeds
    # and a finer grid misses fewer, never more, on the deepest nets
    for seed in range(4):
        net = random_mlp(2, [8] * 4, sigma_b=0.5, seed=seed)
        exact = regions.count_regions_2d(net, SQUARE)
        assert exact - regions.count_regions_sampled(net, box=SQUARE, resolution=256) <= gaps[seed][-1]


@pytest.mark.parametrize("seed, width", [(0, 6), (1, 4), (2, 7), (3, 5)])
def test_one_layer_count_grows_with_the_box_and_stops_at_zaslavsky(seed, width):
    net = random_mlp(2, [width], sigma_b=1.0, seed=seed)
    halves = 2.0 ** np.arange(-3, 9)
    counts = [regions.count_regions_2d(net, (-r, r, -r, r)) for r in halves]
    assert all(a <= b for a, b in zip(counts, counts[1:])), counts
    assert counts[-1] == counts[-2] == zaslavsky(2, width)
    assert counts[0] < counts[-1]  # the small box does not show them all


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_deep_count_grows_with_the_box_and_levels_off(seed):
    net = random_mlp(2, [6, 6], sigma_b=1.0, seed=seed)
    halves = 2.0 ** np.arange(-2, 13)
    counts = [regions.count_regions_2d(net, (-r, r, -r, r)) for r in halves]
    assert all(a <= b for a, b in zip(counts, counts[1:])), counts
    assert counts[-1] == counts[-4]  # finitely many regions: the count levels off (by r = 512 here)
    assert counts[-1] > zaslavsky(2, 6)  # above what one layer of 6 can make


@settings(derandomize=True, max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), depth=st.integers(1, 3), width=st.integers(1, 6),
       small=st.floats(0.05, 1.0), factor=st.floats(1.0, 20.0))
def test_a_bigger_box_never_holds_fewer_regions(seed, depth, width, small, factor):
    net = random_mlp(2, [width] * depth, sigma_b=0.5, seed=seed)
    big = small * factor
    assert regions.count_regions_2d(net, (-small, small, -small, small)) <= regions.count_regions_2d(net, (-big, big, -big, big))


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_pieces_never_outnumber_regions(activation, seed):
    net2 = random_mlp(2, [8, 8, 8], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed)
    r = regions.regions_2d(net2, SQUARE)
    assert 1 <= r.count_pieces() <= len(r)
    net1 = random_mlp(1, [8, 8, 8], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed)
    assert 1 <= regions.count_pieces_1d(net1, [-3.0], [3.0]) <= regions.count_regions_1d(net1, [-3.0], [3.0])


def test_saturated_hardtanh_units_hide_joints():
    # The lesson's comparison: at sigma_w = 3 hard-tanh nets lose many more joints than ReLU nets.
    lost = {}
    for activation in ("relu", "hardtanh"):
        total = 0
        for seed in range(3):
            r = regions.regions_2d(random_mlp(2, [8, 8, 8], activation=activation, sigma_w=3.0, sigma_b=0.5, seed=seed), SQUARE)
            total += len(r) - r.count_pieces()
        lost[activation] = total
    assert lost["hardtanh"] > 5 * max(lost["relu"], 1)


def test_an_ignored_unit_makes_a_breakpoint_that_is_no_joint():
    quiet = from_weights([[[1.0], [1.0]], [[1.0, 0.0]]], [[0.0, -0.5], [0.0]])
    assert (regions.count_regions_1d(quiet, [-1.0], [1.0]), regions.count_pieces_1d(quiet, [-1.0], [1.0])) == (3, 2)


# ---------------------------------------------------------------------------------------------
# The lesson's model solutions: exact beyond the graded cases
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cases", ["relu", "hardtanh"])
@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_scaffolded_1d_solution_is_exact_on_many_random_nets(cases, seed, capsys):
    count_regions_by_hand = _solution_function("count_regions_by_hand")
    with forbid(*ONE_D_COUNTERS):
        check_count_regions_1d(count_regions_by_hand, cases=cases, n_nets=60, seed=seed)
    assert "is exact on 60" in capsys.readouterr().out


def test_the_scaffolded_1d_solution_is_exact_on_deep_sawtooths():
    count_regions_by_hand = _solution_function("count_regions_by_hand")
    for k in (1, 4, 10, 18):
        assert count_regions_by_hand(sawtooth(k), [0.0], [1.0]) == 2**k


def test_the_pattern_solution_passes_its_checks_with_more_nets(capsys):
    activation_pattern_by_hand = _solution_function("activation_pattern_by_hand")
    for activation in ("relu", "hardtanh"):
        with forbid("exprlib.regions.activation_pattern"):
            check_pattern_by_hand(activation_pattern_by_hand, activation=activation, depths=(1, 2, 3, 4), n_nets=40, seed=5)
    assert capsys.readouterr().out.count("agrees with exprlib on 4") == 2


# ---------------------------------------------------------------------------------------------
# check_pattern_by_hand
# ---------------------------------------------------------------------------------------------


def _pattern_with(**slip):
    return functools.partial(checks._any_pattern_variant, **slip)


@pytest.mark.parametrize("activation", ["relu", "hardtanh"])
def test_check_pattern_by_hand_accepts_the_library(activation, capsys):
    # (a private copy: the public library's own Activation.pattern is switched off during the check)
    library = checks.reference().regions.activation_pattern
    check_pattern_by_hand(library, activation=activation, n_nets=12, seed=3)
    assert capsys.readouterr().out.startswith("✓ activation_pattern_by_hand agrees with exprlib on")


@pytest.mark.parametrize(
    "activation, slip, hint",
    [
        ("hardtanh", dict(strict=True), r"use z <= lo for -1 and z >= hi for \+1"),
        ("hardtanh", dict(relu_rule=True), r"three states"),
        ("hardtanh", dict(unit_limits=True), r"each layer's own limits act\.lo and act\.hi"),
        ("hardtanh", dict(swapped=True), r"the wrong way round"),
        ("hardtanh", dict(bias=False), r"did you forget the bias"),
        ("hardtanh", dict(pass_on="relu"), r"clip\(z, lo, hi\)"),
        ("hardtanh", dict(pass_on="identity"), r"the next layer sees h = act\(z\)"),
        ("relu", dict(strict=True), r"inactive, but your code counts it as active"),
        ("relu", dict(bias=False), r"did you forget the bias"),
        ("relu", dict(pass_on="identity"), r"the next layer sees h = act\(z\)"),
    ],
)
def test_check_pattern_by_hand_names_the_slip(activation, slip, hint):
    with pytest.raises(AssertionError, match=hint):
        check_pattern_by_hand(_pattern_with(**slip), activation=activation, n_nets=24, seed=1)


def test_variants_without_slips_equal_the_library():
    for activation in ("relu", "hardtanh"):
        for net, x in checks._hardtanh_pattern_cases((1, 2, 3), 6, 0) if activation == "hardtanh" else checks._pattern_cases((1, 2), 6, 0):
            np.testing.assert_array_equal(checks._any_pattern_variant(net, x), regions.activation_pattern(net, x))


def test_check_pattern_by_hand_switches_off_the_pattern_method_and_restores_it():
    def via_method(net, x):
        mlp = as_numpy(net)
        return np.concatenate([a.pattern(z) for a, z in zip(mlp.activations, mlp.preactivations(x))], axis=1)

    with pytest.raises(ForbiddenError, match=r"Activation\.pattern is switched off while grading"):
        check_pattern_by_hand(via_method)
    # restored afterwards, and the library never noticed
    assert exprlib.nets.Activation("relu").pattern(np.array([1.0, -1.0])).tolist() == [1, 0]
    np.testing.assert_array_equal(via_method(random_mlp(2, [3], seed=0), np.ones((2, 2))),
                                  regions.activation_pattern(random_mlp(2, [3], seed=0), np.ones((2, 2))))


def test_check_pattern_by_hand_hard_made_cases_sit_on_the_limits():
    # Every hand-made hard-tanh case has a unit exactly at min_val and one exactly at max_val.
    for net, x in checks._hardtanh_pattern_cases((1, 2), 0, 0):
        mlp = as_numpy(net)
        hits = [(np.isin(z, [act.lo]).any(), np.isin(z, [act.hi]).any()) for act, z in zip(mlp.activations, mlp.preactivations(x))]
        assert any(lo for lo, _ in hits) and any(hi for _, hi in hits)


def test_check_pattern_by_hand_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match=r"activation must be 'relu' or 'hardtanh', got 'tanh'"):
        check_pattern_by_hand(regions.activation_pattern, activation="tanh")


# ---------------------------------------------------------------------------------------------
# check_count_regions_1d
# ---------------------------------------------------------------------------------------------


def _variant(**slip):
    return functools.partial(checks._count_1d_variant, **slip)


@pytest.mark.parametrize("cases", ["relu", "hardtanh", "sawtooth"])
def test_check_count_regions_1d_accepts_the_library(cases, capsys):
    check_count_regions_1d(regions.count_regions_1d, cases=cases, n_nets=16, seed=4)
    assert capsys.readouterr().out.startswith("✓ count_regions_by_hand is exact on")


@pytest.mark.parametrize(
    "cases, slip, hint",
    [
        ("relu", "breakpoints", r"regions = breakpoints \+ 1"),
        ("sawtooth", dict(at="points"), r"touches its threshold without crossing it"),
        ("sawtooth", dict(count="events", strict=False), r"strictly opposite signs"),
        ("hardtanh", dict(thresholds="zero"), r"two thresholds, min_val and max_val"),
        ("hardtanh", dict(thresholds="lo"), r"two thresholds"),
        ("hardtanh", dict(thresholds="hi"), r"two thresholds"),
        ("relu", dict(bias=False), r"did you forget the bias"),
        ("hardtanh", dict(bias=False, bias_in_patterns=False), r"did you forget the bias"),
        ("relu", dict(refine=False), r"refine layer by layer"),
        ("sawtooth", dict(refine=False), r"refine layer by layer"),
    ],
)
def test_check_count_regions_1d_names_the_classic_mistakes(cases, slip, hint):
    fn = (lambda net, a, b: regions.count_regions_1d(net, a, b) - 1) if slip == "breakpoints" else _variant(**slip)
    with pytest.raises(AssertionError, match=hint):
        check_count_regions_1d(fn, cases=cases, n_nets=40, seed=1221)


def test_the_slip_models_without_slips_are_exact():
    for kind in ("relu", "hardtanh", "sawtooth"):
        for case in checks._count_1d_cases(kind, 20, 2):
            assert checks._count_1d_variant(case.net, case.start, case.end) == regions.count_regions_1d(case.net, case.start, case.end)


def test_the_sawtooth_cases_really_touch_zero():
    # the check's reason for existing: the naive non-strict test or point patterns overcount here
    case = checks._count_1d_cases("sawtooth", 8, 0)[2]  # depth 3 on [0, 1]
    exact = regions.count_regions_1d(case.net, case.start, case.end)
    assert checks._count_1d_variant(case.net, case.start, case.end, at="points") > exact
    assert checks._count_1d_variant(case.net, case.start, case.end, count="events", strict=False) > exact


def test_check_count_regions_1d_falls_back_to_what_passed():
    # right on one-layer nets, wrong (no known slip) on deeper ones
    def shallow_only(net, a, b):
        exact = regions.count_regions_1d(net, a, b)
        return exact if len(net) == 3 else exact + 2

    with pytest.raises(AssertionError, match=r"the count is too high\. it is right on the one-layer nets: refine"):
        check_count_regions_1d(shallow_only, cases="relu", n_nets=12, seed=0)


@pytest.mark.parametrize("answer, match", [(None, r"returned None"), (3.0, r"got float \(wrap the count in int"),
                                           (np.array(3), r"got ndarray"), (True, r"got bool")])
def test_check_count_regions_1d_wants_an_int(answer, match):
    with pytest.raises(AssertionError, match=match):
        check_count_regions_1d(lambda net, a, b: answer)


def test_check_count_regions_1d_never_shows_the_count():
    for shift in (-3, 2, 5):
        with pytest.raises(AssertionError) as err:
            check_count_regions_1d(lambda net, a, b: regions.count_regions_1d(net, a, b) + shift, cases="sawtooth")
        # the first sawtooth (depth 1 on [0, 1]) has 2 regions; neither it nor 2 + shift appear
        message = str(err.value).split(": ", 1)[1]
        assert not _mentions(message.replace("depth 1", ""), 2 + shift)


def test_check_count_regions_1d_gives_the_student_copies():
    def mutating(net, a, b):
        count = regions.count_regions_1d(net, a, b)
        a[...] = 99.0
        return count

    check_count_regions_1d(mutating, cases="relu", n_nets=6)


def test_check_count_regions_1d_rejects_bad_options():
    with pytest.raises(ValueError, match=r"cases must be 'relu', 'hardtanh' or 'sawtooth', got 'tanh'"):
        check_count_regions_1d(regions.count_regions_1d, cases="tanh")
    with pytest.raises(AssertionError, match=r"should be a function, got a int"):
        check_count_regions_1d(3)


def test_the_forbidden_names_are_exprlib_functions():
    for name in ONE_D_COUNTERS + ZASLAVSKY_SHORTCUTS:
        with forbid(name):
            module, _, attr = name.rpartition(".")
            with pytest.raises(ForbiddenError):
                getattr(__import__(module, fromlist=[attr]), attr)()
    assert "exprlib.regions.count_regions_1d" in ONE_D_COUNTERS and "exprlib.bounds.zaslavsky" in ZASLAVSKY_SHORTCUTS


# ---------------------------------------------------------------------------------------------
# check_zaslavsky
# ---------------------------------------------------------------------------------------------


def test_check_zaslavsky_accepts_the_formula_and_enumerates(capsys):
    with forbid(*ZASLAVSKY_SHORTCUTS):
        check_zaslavsky(lambda d, n: sum(math.comb(n, j) for j in range(d + 1)), n_nets=6)
    assert "an exact count of 6 random nets" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda d, n: 2**n, r"every on/off combination"),
        (lambda d, n: n + 1, r"parallel hyperplanes"),
        (lambda d, n: sum(math.comb(n, j) for j in range(d)), r"range\(n_in \+ 1\), not range\(n_in\)"),
        (lambda d, n: sum(math.comb(n, j) for j in range(1, d + 1)), r"you left out j = 0"),
        (lambda d, n: sum(math.comb(d, j) for j in range(n + 1)), r"C\(n_units, j\), not C\(n_in, j\)"),
        (lambda d, n: float(sum(math.comb(n, j) for j in range(d + 1))), r"returned a float"),
        (lambda d, n: sum(math.comb(n, j) for j in range(d + 1)) + 1, r"is too high"),
        (lambda d, n: None, r"returned None"),
    ],
)
def test_check_zaslavsky_names_the_slip(fn, hint):
    with pytest.raises(AssertionError, match=hint):
        check_zaslavsky(fn)


def test_the_enumeration_box_holds_every_crossing():
    # so that exact enumeration must give Zaslavsky's count: every line pair meets inside it
    for seed in range(5):
        net = random_mlp(2, [9], sigma_b=1.0, seed=seed)
        box = checks._one_layer_box(net)
        assert regions.count_regions_2d(net, box) == zaslavsky(2, 9)


# ---------------------------------------------------------------------------------------------
# check_missed_regions
# ---------------------------------------------------------------------------------------------


def test_check_missed_regions_accepts_the_measurement(capsys):
    exact, sampled = checks._missed_counts((1, 2, 3, 4), 8, 0.5, 64, 0)
    check_missed_regions(np.array(exact) - np.array(sampled))
    assert capsys.readouterr().out.startswith("✓ missed is right")


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda e, s: None, r"still None"),
        (lambda e, s: "12", r"should be a list of 4 whole numbers, got a str"),
        (lambda e, s: [1, 2], r"should have 4 entries, one per depth \(1, 2, 3, 4\), got 2"),
        (lambda e, s: [a - b + 0.5 for a, b in zip(e, s)], r"missed\[0\] should be a whole number"),
        (lambda e, s: e, r"holds the exact counts"),
        (lambda e, s: s, r"holds the sampled counts"),
        (lambda e, s: [b - a for a, b in zip(e, s)], r"missed\[0\] is negative"),
        (lambda e, s: [a - b for a, b in zip(e, s)][:3] + [0], r"missed\[3\] \(depth 4\) is too low"),
    ],
)
def test_check_missed_regions_says_what_is_wrong_without_the_value(make, match):
    exact, sampled = checks._missed_counts((1, 2, 3, 4), 8, 0.5, 64, 0)
    with pytest.raises(AssertionError, match=match) as err:
        check_missed_regions(make(exact, sampled))
    gap = exact[3] - sampled[3]
    assert not _mentions(str(err.value), gap) or gap in (1, 2, 3, 4, 8, 64)


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------


def test_plot_function_on_segment_draws_through_the_exact_breakpoints():
    net = random_mlp(3, [6, 6], sigma_b=0.5, seed=3)
    start, end = np.array([-1.0, 0.5, 2.0]), np.array([1.5, -0.5, -1.0])
    ax = plot_function_on_segment(net, start, end, ax=Figure().subplots())
    t = regions.breakpoints_1d(net, start, end)
    line = ax.lines[0]
    np.testing.assert_array_equal(line.get_xdata(), np.concatenate([[0.0], t, [1.0]]))
    points = start + np.asarray(line.get_xdata())[:, None] * (end - start)
    np.testing.assert_allclose(line.get_ydata(), as_numpy(net).forward(points)[:, 0], rtol=0, atol=1e-12)
    # between breakpoints the net is affine, so the polyline is the function at any t
    mids = np.random.default_rng(0).uniform(0, 1, 200)
    np.testing.assert_allclose(np.interp(mids, line.get_xdata(), line.get_ydata()),
                               as_numpy(net).forward(start + mids[:, None] * (end - start))[:, 0], rtol=1e-9, atol=1e-9)
    assert ax.get_title() == f"{len(t) + 1} regions along the segment"
    assert ax.get_xlabel() == "position t along the segment" and ax.get_ylabel() == "network output"


def test_plot_function_on_segment_shows_a_coordinate():
    net = random_mlp(2, [5], sigma_b=0.5, seed=1)
    ax = plot_function_on_segment(net, [1.0, 0.3], [-1.0, 0.3], coordinate=0, ax=Figure().subplots(), title="slice")
    t = regions.breakpoints_1d(net, [1.0, 0.3], [-1.0, 0.3])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), 1.0 - 2.0 * np.concatenate([[0.0], t, [1.0]]))
    assert ax.get_xlim() == (-1.0, 1.0) and ax.get_xlabel() == "input $x_1$" and ax.get_title() == "slice"


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (([0.0, 0.0], [1.0, 0.0]), dict(coordinate=1), ValueError, r"coordinate 1 is constant \(0\.0\) along the segment"),
        (([0.0, 0.0], [1.0, 0.0]), dict(coordinate=2), ValueError, r"coordinate must be in \[0, 2\)"),
        (([0.0, 0.0], [1.0, 0.0]), dict(coordinate=0.0), TypeError, r"coordinate must be an int"),
        (([0.0, 0.0], [0.0, 0.0]), {}, ValueError, r"start and end must differ"),
        (([0.0, np.nan], [1.0, 0.0]), {}, ValueError, r"start must be finite"),
        (([0.0], [1.0]), {}, ValueError, r"start must have shape \(2,\)"),
        (([0.0, 0.0], [1.0, 0.0]), dict(breakpoints=[0.5, 0.2]), ValueError, r"breakpoints must be sorted"),
        (([0.0, 0.0], [1.0, 0.0]), dict(breakpoints=[1.0]), ValueError, r"inside \(0, 1\)"),
        (([0.0, 0.0], [1.0, 0.0]), dict(ax="ax"), TypeError, r"ax must be a matplotlib Axes"),
    ],
)
def test_plot_function_on_segment_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_function_on_segment(random_mlp(2, [3], seed=0), *args, **kwargs)


def test_plot_function_on_segment_wants_one_output():
    with pytest.raises(ValueError, match=r"net must have 1 output, got 2"):
        plot_function_on_segment(random_mlp(2, [3], out_dim=2, seed=0), [0.0, 0.0], [1.0, 1.0])


@pytest.mark.parametrize("seed", [0, 1])
def test_plot_missed_regions_circles_exactly_what_sampling_misses(seed):
    net = random_mlp(2, [8] * 4, sigma_b=0.5, seed=seed)
    ax = plot_missed_regions(net, resolution=32, ax=Figure().subplots())
    exact = regions.count_regions_2d(net, SQUARE)
    sampled = regions.count_regions_sampled(net, box=SQUARE, resolution=32)
    circles = [line for line in ax.lines if line.get_label() == "missed regions"][0]
    assert len(circles.get_xdata()) == exact - sampled > 0
    assert len(ax.collections[0].get_paths()) == exact
    assert ax.get_title() == f"{exact} regions, a 32 x 32 grid finds {sampled}: {exact - sampled} missed (circled)"


def test_plot_missed_regions_uses_given_regions_and_its_own_square_figure():
    net = random_mlp(2, [4], sigma_b=0.5, seed=0)
    r = regions.regions_2d(net, (-2.0, 2.0, -1.0, 1.0))
    ax = plot_missed_regions(net, regions=r, resolution=8, show_samples=False)
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    assert tuple(ax.figure.get_size_inches()) == (5.0, 5.0)
    assert [line.get_label() for line in ax.lines] == ["missed regions"]


@pytest.mark.parametrize(
    "net, kwargs, error, match",
    [
        (random_mlp(3, [2], seed=0), {}, ValueError, r"net must have 2 inputs, got 3"),
        (random_mlp(2, [2], seed=0), dict(resolution=1), ValueError, r"resolution must be >= 2, got 1"),
        (random_mlp(2, [2], seed=0), dict(resolution=8.0), TypeError, r"resolution must be an int >= 2, got 8\.0"),
        (random_mlp(2, [2], seed=0), dict(box=(1, 0, 0, 1)), ValueError, r"box"),
    ],
)
def test_plot_missed_regions_rejects_bad_input(net, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_missed_regions(net, ax=Figure().subplots(), **kwargs)


def test_plot_region_counts_draws_curves_and_levels():
    ax = plot_region_counts([1, 2, 4, 8], {"a": [1, 3, 5, 5], "b": [1, 2, 2, 2]}, xlabel="r", logx=True,
                            levels={"bound": 5, "other": 2}, ax=Figure().subplots())
    assert [line.get_label() for line in ax.lines] == ["a", "b", "bound", "other"]
    assert list(ax.lines[2].get_ydata()) == [5.0, 5.0] and ax.get_xscale() == "log"
    assert ax.get_title() == "number of regions against r" and ax.get_legend() is not None


@pytest.mark.parametrize(
    "counts, match, error",
    [
        ({"a": [1, 2]}, r"counts\['a'\] must have one value per x \(3\), got 2", ValueError),
        ({"a": [1, np.nan, 2]}, r"must not contain NaN", ValueError),
        ([1, 2, 3], r"counts must be a mapping", TypeError),
    ],
)
def test_plot_region_counts_rejects_bad_input(counts, match, error):
    with pytest.raises(error, match=match):
        plot_region_counts([1, 2, 3], counts, xlabel="x", ax=Figure().subplots())


# ---------------------------------------------------------------------------------------------
# RegionExplorer, headless
# ---------------------------------------------------------------------------------------------


def _explorer_net(values):
    return random_mlp(2, [values["width"]] * values["depth"], activation=values["activation"],
                      sigma_w=values["sigma_w"], sigma_b=values["sigma_b"], seed=values["seed"])


def _assert_shows_the_library(w):
    values = w.values
    net = _explorer_net(values)
    exact = regions.regions_2d(net, SQUARE)
    c = values["slice_y"]
    t = regions.breakpoints_1d(net, [-1.0, c], [1.0, c])
    def plural(n, one, many):
        return f"{n} {one if n == 1 else many}"

    assert w.summary == (f"{plural(len(exact), 'region', 'regions')} in the square [-1, 1]² "
                              f"({plural(exact.count_pieces(), 'linear piece', 'linear pieces')}); the slice x₂ = {c:g} "
                              f"crosses {plural(len(t), 'boundary', 'boundaries')}: {plural(len(t) + 1, 'region', 'regions')} along it")
    map_ax, slice_ax = w.figure.axes
    assert len(map_ax.collections[0].get_paths()) == len(exact)
    np.testing.assert_allclose(slice_ax.lines[0].get_xdata(), -1.0 + 2.0 * np.concatenate([[0.0], t, [1.0]]), rtol=0, atol=1e-12)
    assert slice_ax.get_xlabel() == "input $x_1$"
    # the dashed slice on the map and its breakpoints sit at x2 = c
    assert map_ax.lines[0].get_ydata().tolist() == [c, c]
    np.testing.assert_allclose(map_ax.lines[1].get_xdata(), -1.0 + 2.0 * t, rtol=0, atol=1e-12)


def test_region_explorer_default_state_is_the_lesson_figure():
    w = RegionExplorer()
    assert w.renders == 1 and bytes(w.image.value).startswith(PNG_MAGIC)
    assert w.settings == "regionexplorer:depth=3;width=8;sigma_w=1.5;sigma_b=0.5;activation=relu;slice_y=0.0;seed=0"
    _assert_shows_the_library(w)
    assert w.figure.axes[0].get_title() == f"relu, depth 3, width 8: {len(w.result['regions'])} regions"


@pytest.mark.parametrize(
    "name, value",
    [("depth", 2), ("width", 5), ("sigma_w", 2.5), ("sigma_b", 0.0), ("activation", "hardtanh"), ("slice_y", -0.37), ("seed", 42)],
)
def test_moving_an_explorer_control_shows_the_library_for_the_new_settings(name, value):
    w = RegionExplorer(depth=3, width=6)
    w.controls[name].value = value
    assert w.renders == 2 and w.values[name] == value and w.error.value == ""
    assert f"{name}={value}" in w.settings_box.value == w.settings
    _assert_shows_the_library(w)


def test_moving_only_the_slice_reuses_the_region_map(monkeypatch):
    w = RegionExplorer()
    before = w.result["regions"]
    calls = []
    original = regions.regions_2d
    monkeypatch.setattr(regions, "regions_2d", lambda *a, **k: calls.append(a) or original(*a, **k))
    w.controls["slice_y"].value = 0.5
    assert w.result["regions"] is before and calls == []
    w.controls["seed"].value = 3
    assert w.result["regions"] is not before and len(calls) == 1


def test_many_regions_are_drawn_without_edges():
    w = RegionExplorer(settings="depth=5;width=9;sigma_w=3.0;activation=hardtanh;seed=0")
    assert len(w.result["regions"]) > 3000
    poly = w.figure.axes[0].collections[0]
    np.testing.assert_array_equal(poly.get_edgecolor(), poly.get_facecolor())


def test_explorer_settings_round_trip_and_old_region_map_strings_stay_valid():
    w = make_widget("regionexplorer")
    w.apply_settings("depth=1;width=2;sigma_w=0.75;sigma_b=0.37;activation=hardtanh;slice_y=0.25;seed=999")
    copy = make_widget(settings=w.settings)
    assert type(copy) is RegionExplorer and copy.values == w.values and copy.image.value == w.image.value
    assert copy.status.value == w.status.value
    # the region map this widget extends keeps its own kind and settings
    old = make_widget(settings="regions2d:depth=1;width=3;sigma_b=0.5;seed=1")
    assert type(old) is RegionMap2D and old.settings == "regions2d:depth=1;width=3;sigma_b=0.5;seed=1"
    with pytest.raises(ValueError, match=r"settings are for a 'regions2d' widget, not 'regionexplorer'"):
        RegionExplorer(settings="regions2d:depth=1")


@pytest.mark.parametrize(
    "text, match",
    [
        ("sigma_w=3.5", r"sigma_w must be a number in \[0\.0, 3\.0\], got 3\.5"),
        ("slice_y=2", r"slice_y must be a number in \[-1\.0, 1\.0\], got 2\.0"),
        ("depth=7", r"depth must be an int in \[1, 6\], got 7"),
        ("activation=tanh", r"activation must be one of relu, hardtanh, got 'tanh'"),
    ],
)
def test_explorer_rejects_settings_out_of_range(text, match):
    with pytest.raises(ValueError, match=match):
        RegionExplorer(settings=text)


def test_explorer_display_bundle_carries_the_static_figure():
    w = RegionExplorer(depth=1, width=4)
    bundle = w._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == bytes(w.image.value)
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_explorer_with_zero_weights_shows_one_region():
    w = RegionExplorer(sigma_w=0.0, sigma_b=0.0, depth=2, width=3)
    assert len(w.result["regions"]) == 1 and len(w.result["breakpoints"]) == 0
    assert w.summary == ("1 region in the square [-1, 1]² (1 linear piece); the slice x₂ = 0 crosses "
                              "0 boundaries: 1 region along it")


def test_hardtanh_limits_of_check_nets_are_custom():
    rng = np.random.default_rng(0)
    net = checks._with_random_limits(random_mlp(2, [3, 3], activation="hardtanh", seed=0), rng)
    limits = [(m.min_val, m.max_val) for m in net if isinstance(m, nn.Hardtanh)]
    assert len(limits) == 2 and all(lo < 0 < hi and (lo, hi) != (-1.0, 1.0) for lo, hi in limits)

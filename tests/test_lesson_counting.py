"""Lesson 03-counting-regions: its claims as exact counts and trends, its plots, widget and checks.

The lesson claims that Serra et al.'s bound caps everything after a narrow layer (the bottleneck),
that every exact count stays below it, that Montufar's folding and Serra's zig-zag attain their
formulas exactly, and that random nets sit orders of magnitude below (the density trend itself is
tested in ``tests/test_density.py``). Its helpers are tested headless: the folding figure, the
bounds-by-depth and density plots, the ``BoundsExplorer`` widget, and the checks with the wrong
answers they must recognise (the notebook-level wrong answers live in
``tests/wrong_answers/03-counting-regions.py``).
"""

import itertools
import math
import re
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

import exprlib.regions as regions  # noqa: E402
from exprlib.bounds import montufar_lower, serra_1d_max, serra_upper, trivial_upper, zaslavsky  # noqa: E402
from exprlib.checks import (  # noqa: E402
    WrongAnswer,
    check_density,
    check_folding_layer,
    check_max_regions_net,
    check_serra_upper,
)
from exprlib.constructions import fold_coordinates, montufar_net, serra_1d_net, zigzag_layer  # noqa: E402
from exprlib.nets import from_weights, random_mlp  # noqa: E402
from exprlib.plot import plot_bound_bars, plot_bounds_by_depth, plot_density, plot_folding  # noqa: E402
from exprlib.plot.lesson03_counting import bound_table  # noqa: E402
from exprlib.widgets import BoundsExplorer, make_widget  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "course" / "solutions" / "03-counting-regions" / "03-counting-regions.ipynb"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Figures must fit a laptop screen: at most this many CSS pixels tall (matplotlib: 100 px/inch).
MAX_HEIGHT_PX = 800


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _solution_function(grade_id: str):
    """The function a solution cell of the lesson defines, run in the lesson's namespace."""
    nb = nbformat.read(SOLUTION, as_version=4)
    source = next(c.source for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    namespace = {"np": np, "math": math, "from_weights": from_weights, "zigzag_layer": zigzag_layer}
    exec(compile(source, f"<{grade_id}>", "exec"), namespace)
    return namespace[grade_id]


# ---------------------------------------------------------------------------------------------
# The lesson's claims
# ---------------------------------------------------------------------------------------------


def _j_sum_brute(n_in, widths):
    """Serra et al.'s sum by enumerating every (j_1..j_L) and testing membership in J."""
    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        caps = [n_in]
        if all(j <= min(caps[:l + 1] + [widths[l]]) and not caps.append(widths[l] - j) for l, j in enumerate(js)):
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return total


@settings(derandomize=True, max_examples=60, deadline=None)
@given(n_in=st.integers(1, 5), widths=st.lists(st.integers(1, 8), min_size=1, max_size=4))
def test_serra_upper_is_the_sum_over_j_by_brute_force(n_in, widths):
    assert serra_upper(n_in, widths) == _j_sum_brute(n_in, widths)


@pytest.mark.parametrize("n_in", [2, 3, 5])
@pytest.mark.parametrize("rest", [[8], [8, 8], [3, 12, 5]])
def test_a_one_unit_first_layer_makes_any_input_dimension_act_like_one(n_in, rest):
    # the bottleneck: after a 1-unit layer every later layer sees a 1-D image
    assert serra_upper(n_in, [1, *rest]) == serra_upper(1, [1, *rest]) < serra_upper(n_in, [8, *rest])


def test_a_narrow_layer_costs_most_early_and_least_late():
    first, middle, last = serra_upper(2, [1, 8, 8]), serra_upper(2, [8, 1, 8]), serra_upper(2, [8, 8, 1])
    assert first < middle < last < serra_upper(2, [8, 8, 8])


@pytest.mark.parametrize("widths", [[3], [3, 3], [4, 3, 5], [3, 3, 3, 3], [6, 7]])
def test_the_zigzag_net_attains_the_1d_maximum_which_equals_serras_bound(widths):
    count = regions.count_regions_1d(serra_1d_net(widths), [0.0], [1.0])
    assert count == serra_1d_max(widths) == serra_upper(1, widths)


@pytest.mark.parametrize("widths", [[2, 2], [4, 4], [4, 4, 4], [6, 6, 6], [3, 5], [5, 4, 3]])
def test_montufars_folding_attains_its_formula_on_the_unit_square(widths):
    assert regions.count_regions_2d(montufar_net(2, widths), (0.0, 1.0, 0.0, 1.0)) == montufar_lower(2, widths)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_in=st.integers(1, 2), widths=st.lists(st.integers(1, 7), min_size=1, max_size=3),
       half=st.floats(0.5, 50.0))
def test_no_exact_count_exceeds_serras_bound(seed, n_in, widths, half):
    net = random_mlp(n_in, widths, sigma_b=1.0, seed=seed)
    if n_in == 1:
        count = regions.count_regions_1d(net, [-half], [half])
    else:
        count = regions.count_regions_2d(net, (-half, half, -half, half))
    assert count <= serra_upper(n_in, widths) <= trivial_upper(widths)


def test_random_nets_sit_orders_of_magnitude_below_the_bounds_at_depth():
    # the lesson's log plot: 24 neurons on 2 inputs, depth 4
    counts = [regions.count_regions_2d(random_mlp(2, [6] * 4, sigma_b=0.1, seed=s), (-1, 1, -1, 1)) for s in range(4)]
    assert max(counts) * 50 < montufar_lower(2, [6] * 4) < serra_upper(2, [6] * 4)
    # while depth 1 with the same neurons is close to its (tight) bound
    one = [regions.count_regions_2d(random_mlp(2, [24], sigma_b=0.1, seed=s), (-1, 1, -1, 1)) for s in range(4)]
    assert np.mean(one) > 0.5 * zaslavsky(2, 24)


@pytest.mark.parametrize("n", [3, 4, 7, 12])
def test_zigzag_layer_makes_n_plus_one_teeth_onto_the_unit_interval(n):
    unit_w, unit_b, mix_w, mix_b = zigzag_layer(n)
    assert unit_w.shape == (n, 1) and unit_b.shape == (n,) and mix_w.shape == (1, n) and mix_b.shape == (1,)
    net = from_weights([unit_w, mix_w], [unit_b, mix_b])
    assert regions.count_pieces_1d(net, [0.0], [1.0]) == n + 1
    knots = np.concatenate([[0.0], regions.breakpoints_1d(net, [0.0], [1.0]), [1.0]])
    values = net(__import__("torch").tensor(knots[:, None])).detach().numpy().ravel()
    np.testing.assert_allclose(values, [(k + 1) % 2 for k in range(n + 2)], rtol=0, atol=1e-12)  # 1, 0, 1, ...


def test_zigzag_layer_rejects_fewer_than_three_units():
    with pytest.raises(ValueError, match="zigzag_layer needs width >= 3"):
        zigzag_layer(2)
    with pytest.raises(TypeError, match="width must be an int"):
        zigzag_layer(3.0)


def test_fold_coordinates_map_the_cube_onto_itself_with_p_copies_per_fold():
    grid = (np.arange(400) + 0.5) / 400
    folds = fold_coordinates(1, [3, 4, 2], grid[:, None])
    assert len(folds) == 2
    for signal, copies in zip(folds, (3, 12)):
        assert signal.min() >= -1e-12 and signal.max() <= 1 + 1e-12
        # each level is reached once per copy: count crossings of a generic level
        crossings = np.sum(np.diff(np.sign(signal[:, 0] - 0.3141)) != 0)
        assert crossings == copies
    with pytest.raises(ValueError, match="points must have shape"):
        fold_coordinates(2, [4, 4], np.zeros((3, 3)))


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------


def _fits(figure):
    width, height = figure.get_size_inches() * 100
    assert height <= MAX_HEIGHT_PX and width <= 1100


def test_plot_folding_shows_every_fold_and_the_exact_region_map():
    fig = plot_folding((4, 4, 4), resolution=40)
    _fits(fig)
    axes = fig.axes
    assert len(axes) == 4
    assert [ax.get_title() for ax in axes[:3]] == ["the input square", "after 1 fold: 4 copies", "after 2 folds: 16 copies"]
    assert axes[-1].get_title() == "176 regions (bound 176)"
    assert len(axes[-1].collections[0].get_paths()) == 176
    assert all(ax.get_xlabel() == "input $x_1$" for ax in axes)


def test_plot_bounds_by_depth_draws_every_bound_and_the_measurements():
    ax = plot_bounds_by_depth(2, 24, [1, 2, 3, 4], {"random": [100, 120, 110, 90]})
    _fits(ax.figure)
    lines = {line.get_label(): line.get_ydata() for line in ax.lines}
    assert lines["Serra et al. upper bound"].tolist() == [serra_upper(2, [24 // d] * d) for d in (1, 2, 3, 4)]
    assert lines["trivial $2^N$"].tolist() == [2**24] * 4
    assert lines["random"].tolist() == [100, 120, 110, 90]
    assert ax.get_yscale() == "log" and ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="one value per depth"):
        plot_bounds_by_depth(2, 24, [1, 2], {"random": [1, 2, 3]}, ax=Figure().subplots())


def test_plot_density_labels_and_rejects_a_missing_table():
    ax = plot_density([8, 16], np.array([[2.0, 1.9], [4.1, 3.8]]), [1, 2])
    _fits(ax.figure)
    assert ax.get_ylabel() == "boundaries crossed per unit length" and ax.get_title()
    with pytest.raises(NotImplementedError, match="density is still None"):
        plot_density([8, 16], None, [1, 2], ax=Figure().subplots())
    with pytest.raises(ValueError, match="density must have shape"):
        plot_density([8, 16], np.zeros((2, 3)), [1, 2], ax=Figure().subplots())


def test_bound_table_and_bars():
    table = bound_table(2, [1, 8])
    assert table["Serra upper bound"] == serra_upper(2, [1, 8])
    assert table["Raghu k^(mn), order only"] is None and table["Montúfar lower bound"] is None
    ax = plot_bound_bars({**table, "random net": 9}, ax=Figure().subplots())
    assert len(ax.patches) == 3  # two bounds that apply + the count
    assert ax.get_xlabel() == "number of regions (log scale)" and ax.get_xticklabels()[1].get_text() == "10¹"


# ---------------------------------------------------------------------------------------------
# BoundsExplorer, headless
# ---------------------------------------------------------------------------------------------


def test_bounds_explorer_default_state_matches_the_library():
    w = BoundsExplorer()
    assert w.renders == 1 and bytes(w.image.value).startswith(PNG_MAGIC)
    widths = [w.values["first"]] + [w.values["width"]] * (w.values["depth"] - 1)
    assert w.result["bounds"]["Serra upper bound"] == serra_upper(2, widths)
    assert w.result["construction"] == regions.count_regions_2d(montufar_net(2, widths), (0, 1, 0, 1))
    assert w.result["random"] == regions.count_regions_2d(random_mlp(2, widths, sigma_b=0.5, seed=0), (-1, 1, -1, 1))
    assert f"Serra upper bound {serra_upper(2, widths):,}" in w.status.value


def test_moving_the_first_width_shows_the_bottleneck():
    w = BoundsExplorer(settings="bounds:n_in=2;first=8;width=8;depth=3;seed=0")
    before_image, before_status = bytes(w.image.value), w.status.value
    w.controls["first"].value = 1
    assert w.renders == 2 and w.error.value == ""
    assert "first = 1" in w.status.value and w.status.value.endswith(w.summary)
    assert bytes(w.image.value) != before_image and w.status.value != before_status
    assert f"Serra upper bound {serra_upper(2, [1, 8, 8]):,}" in w.status.value
    assert "no construction (it needs every width ≥ n₀ = 2)" in w.status.value


def test_one_input_uses_the_zigzag_and_attains_the_maximum():
    w = BoundsExplorer(settings="bounds:n_in=1;first=4;width=3;depth=3;seed=1")
    assert w.result["construction"] == serra_1d_max([4, 3, 3]) == w.result["bounds"]["Serra upper bound"]
    assert "Serra's zig-zag" in w.status.value
    w.controls["first"].value = 2  # below 3: Serra's 1-D maximum no longer applies, folding does
    assert w.result["bounds"]["Serra 1-D maximum"] is None
    assert w.result["construction"] == montufar_lower(1, [2, 3, 3])


def test_counts_too_large_for_live_enumeration_are_named_not_counted():
    w = BoundsExplorer(settings="bounds:n_in=2;first=12;width=12;depth=4;seed=0")
    assert w.result["construction"] is None
    assert f"{montufar_lower(2, [12] * 4):,} regions (too many to count live)" in w.status.value


def test_think_prompts_are_reachable_with_the_widgets_ranges():
    ranges = {p.name: (p.lo, p.hi) for p in BoundsExplorer.params}
    assert ranges["first"][0] <= 1 and ranges["first"][1] >= 8  # (1) first width from 8 to 1
    assert ranges["n_in"] == (1, 2) and ranges["width"][0] <= 3  # (2) one input, widths >= 3, then 2
    assert ranges["depth"] == (1, 4) and ranges["width"][1] >= 6  # (3) width 6, depth 1 to 4
    w = make_widget(settings="bounds:n_in=1;first=2;width=6;depth=4;seed=0")
    assert w.error.value == ""


def test_bounds_explorer_settings_round_trip():
    w = make_widget("bounds")
    w.apply_settings("n_in=1;first=5;width=4;depth=2;seed=9")
    copy = make_widget(settings=w.settings)
    assert type(copy) is BoundsExplorer and copy.values == w.values and copy.status.value == w.status.value
    with pytest.raises(ValueError, match=r"depth must be an int in \[1, 4\], got 5"):
        BoundsExplorer(settings="depth=5")


# ---------------------------------------------------------------------------------------------
# The checks: the solution passes, the classic slips fail with their hint
# ---------------------------------------------------------------------------------------------


def test_the_solutions_pass_their_checks(capsys):
    check_serra_upper(_solution_function("serra_upper_bound"), kind="simple", n_random=30, seed=5)
    check_serra_upper(_solution_function("serra_upper_bound"), kind="deep", n_random=30, seed=6)
    check_folding_layer(_solution_function("folding_layer"), ps=(1, 2, 3, 8, 12))
    check_max_regions_net(_solution_function("max_regions_net"), cases=((3,), (5, 3), (3, 4, 3, 3)))
    assert capsys.readouterr().out.count("✓") == 4


def _serra_variant(n_in, widths, *, inclusive=True, running=True, start_at_input=True):
    total = 0
    for js in itertools.product(*[range(n + 1) for n in widths]):
        caps, ok = [n_in if start_at_input else 10**9], True
        for l, (n, j) in enumerate(zip(widths, js)):
            cap = min((caps if running else [caps[0]] + caps[-1:]) + [n]) if l else min(caps[0], n)
            if (j > cap) if inclusive else (j >= cap):
                ok = False
                break
            caps.append(n - j)
        if ok:
            total += math.prod(math.comb(n, j) for n, j in zip(widths, js))
    return total


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda n_in, w: 2 ** sum(w), "that is 2^N"),
        (lambda n_in, w: math.prod(zaslavsky(n_in, n) for n in w), "as if every layer saw all n_0 input dimensions"),
        (lambda n_in, w: _serra_variant(n_in, w, inclusive=False), "inclusive"),
        (lambda n_in, w: _serra_variant(n_in, w, running=False), "running minimum over ALL earlier layers"),
        (lambda n_in, w: _serra_variant(n_in, w, start_at_input=False), "at most n_0"),
        (lambda n_in, w: float(serra_upper(n_in, w)), "returned a float"),
        (lambda n_in, w: None, "returned None"),
    ],
)
def test_serra_check_names_the_slip(fn, hint):
    with pytest.raises(WrongAnswer, match=re.escape(hint)) as err:
        check_serra_upper(fn, kind="all", n_random=10, seed=3)
    # never the expected value: the right number for the named architecture is not in the message
    message = str(err.value)
    assert "serra_upper_bound(" in message or "float" in message or "None" in message


def _fold(p, mix=None, biases=None, weights=None):
    k = np.arange(p)
    return (np.full((p, 1), float(p)) if weights is None else weights(k),
            -k.astype(float) if biases is None else biases(k),
            (np.where(k == 0, 1.0, 2.0 * (-1.0) ** k) if mix is None else mix(k))[None, :], np.zeros(1))


@pytest.mark.parametrize(
    "fn, hint",
    [
        (lambda p: _fold(p, mix=lambda k: np.ones(len(k))), "alternate the signs"),
        (lambda p: _fold(p, mix=lambda k: (-1.0) ** k), "only cancels the slope so far"),
        (lambda p: _fold(p, biases=lambda k: -(k + 1.0)), "must already be on just after s = 0"),
        (lambda p: _fold(p, weights=lambda k: np.where(k == 0, 1.0, 2.0)[:, None], mix=lambda k: (-1.0) ** k),
         "fits its teeth on a longer interval"),
        (lambda p: _fold(p, mix=lambda k: np.where(k == 0, 1.0, 3.0 * (-1.0) ** k)), "map onto different intervals"),
        (lambda p: zigzag_layer(p) if p >= 3 else _fold(p), "more than the 3 teeth asked for"),
        (lambda p: _fold(p + 1), "uses 2 units"),
        (lambda p: _fold(p)[:3], "should return a tuple of four arrays"),
    ],
)
def test_folding_check_names_the_slip(fn, hint):
    with pytest.raises(WrongAnswer, match=re.escape(hint)):
        check_folding_layer(fn)


def test_max_regions_check_names_the_slips():
    def stack(widths, layer=zigzag_layer, constant=True):
        layers = [layer(n) for n in widths]
        weights, biases = [layers[0][0]], [layers[0][1]]
        for (u, v, _, _), (_, _, m_w, m_b) in zip(layers[1:], layers[:-1]):
            weights.append(u @ m_w)
            biases.append(u @ m_b + v if constant else v)
        return from_weights(weights + [layers[-1][2]], biases + [layers[-1][3]])

    check_max_regions_net(stack)
    with pytest.raises(WrongAnswer, match="constant included"):
        check_max_regions_net(lambda w: stack(w, constant=False))
    with pytest.raises(WrongAnswer, match=r"n units must make n \+ 1 teeth"):
        check_max_regions_net(lambda w: stack(w, layer=lambda n: _fold(n)))
    with pytest.raises(WrongAnswer, match="has hidden widths"):
        check_max_regions_net(lambda w: serra_1d_net(w + [3]))
    with pytest.raises(WrongAnswer, match="has 2 inputs"):
        check_max_regions_net(lambda w: random_mlp(2, w, seed=0))


def test_density_check_names_the_slips():
    from exprlib.density import density_by_depth, region_density

    kwargs = dict(budgets=(8, 16), depths=(1, 2), n_nets=2, n_lines=5)
    right = density_by_depth([8, 16], (1, 2), n_nets=2, n_lines=5)
    check_density(right, **kwargs)
    with pytest.raises(WrongAnswer, match="one ROW per neuron budget"):
        check_density(np.zeros((3, 2)).T, budgets=(8, 16, 32), depths=(1, 2), n_nets=2, n_lines=5)
    with pytest.raises(WrongAnswer, match="densities per neuron"):
        check_density(right / np.array([[8], [16]]), **kwargs)
    fixed = np.array([[np.mean([region_density(random_mlp(2, [n] * d, sigma_b=0.1, seed=s), n_lines=5, seed=s)
                                for s in range(2)]) for d in (1, 2)] for n in (8, 16)])
    with pytest.raises(WrongAnswer, match="units in EVERY layer"):
        check_density(fixed, **kwargs)
    with pytest.raises(WrongAnswer, match="still None"):
        check_density(None, **kwargs)
    with pytest.raises(WrongAnswer, match=r"check entry \[1, 0\]"):
        check_density(right + np.array([[0.0, 0.0], [0.5, 0.0]]), **kwargs)

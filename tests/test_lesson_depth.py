"""Lesson 05-depth-separation: its measured claims as trends, the DepthRace widget headless, the checks."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from exprlib.checks import (  # noqa: E402
    WrongAnswer,
    check_frozen_term,
    check_sawtooth_net,
    check_shallow_units,
    check_tooth_bound,
)
from exprlib.constructions import sawtooth  # noqa: E402
from exprlib.nets import as_numpy, from_weights, random_mlp  # noqa: E402
from exprlib.race import (  # noqa: E402
    deep_construction,
    mlp_parameters,
    sawtooth_errors,
    shallow_fit,
    shallow_units_for,
    tooth_bound,
)
from exprlib.regions import regions_2d  # noqa: E402
from exprlib.separation import max_of_shallow, pointwise_max, shallow_term_count  # noqa: E402
from exprlib.widgets import DepthRace, make_widget  # noqa: E402

SOLUTION = Path(__file__).resolve().parent.parent / "course" / "solutions" / "05-depth-separation" / "05-depth-separation.ipynb"
PNG_MAGIC = b"\x89PNG"


def _solution_function(grade_id: str):
    """The function a solution cell of the lesson defines, run in the lesson's namespace."""
    nb = nbformat.read(SOLUTION, as_version=4)
    source = next(c.source for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    namespace = {"np": np, "math": math, "from_weights": from_weights}
    exec(compile(source, f"<{grade_id}>", "exec"), namespace)
    return namespace[grade_id]


# ---------------------------------------------------------------------------------------------
# The lesson's claims
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_the_sawtooth_net_has_two_to_the_k_pieces_and_is_exact(k):
    assert sawtooth_errors(sawtooth(k), k) == (0.0, 0.0, 2**k)
    assert sawtooth_errors(_solution_function("sawtooth_net")(k), k) == (0.0, 0.0, 2**k)


def test_at_the_constructions_budget_the_tooth_bound_bites():
    for k in (5, 6, 7):
        m = shallow_units_for(6 * k + 1)
        bound = tooth_bound(k, m)
        fit = sawtooth_errors(shallow_fit(k, m), k)
        assert m == 2 * k and bound.sup == 0.5 and bound.l2 > 0.17
        assert fit.sup >= 0.5 and fit.l2 >= bound.l2


def test_the_construction_is_a_needle():
    noisy = sawtooth(6)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in noisy.parameters():
            p.add_(0.01 * torch.randn_like(p))
    assert sawtooth_errors(noisy, 6).l2 > 0.1  # errors double per layer


def test_deep_to_shallow_is_exact_on_dense_inputs_and_region_by_region():
    net = random_mlp(2, [6, 4], sigma_b=0.5, seed=0)
    x = np.random.default_rng(0).uniform(-4, 4, size=(20_000, 2))
    assert np.abs(pointwise_max(max_of_shallow(net), x) - as_numpy(net).forward(x)[:, 0]).max() < 1e-12
    box = (-3.0, 3.0, -3.0, 3.0)
    regions = regions_2d(net, box)
    pruned, patterns = max_of_shallow(net, box=box, return_patterns=True)
    index = {tuple(p): j for j, p in enumerate(patterns)}
    assert len(pruned) < 2**6 and set(index) == {tuple(p) for p in regions.patterns[:, :6]}
    for i in range(len(regions)):
        corners = regions.vertices[regions.offsets[i]:regions.offsets[i + 1]]
        own = as_numpy(pruned[index[tuple(regions.patterns[i, :6])]]).forward(corners)[:, 0]
        assert np.allclose(own, corners @ regions.maps[i, 0, :2] + regions.maps[i, 0, 2], atol=1e-12)


def test_the_full_rewrite_grows_exponentially_with_depth_and_few_patterns_occur():
    units = [shallow_term_count([4] * L).total_units for L in range(1, 6)]
    assert units == [_solution_function("shallow_units")([4] * L) for L in range(1, 6)]
    assert all(b / a >= 16 for a, b in zip(units[1:], units[2:]))  # x 2^4 per layer at least
    occurring = [len(max_of_shallow(random_mlp(2, [4] * L, sigma_b=0.5, seed=0), box=(-1, 1, -1, 1))) for L in (2, 3)]
    assert occurring[0] < 16 and occurring[1] < 256 / 4


# ---------------------------------------------------------------------------------------------
# The widget, headless
# ---------------------------------------------------------------------------------------------


def test_depth_race_default_state_matches_the_library():
    w = DepthRace()
    assert w.renders == 1 and bytes(w.image.value).startswith(PNG_MAGIC) and w.error.value == ""
    k, depth, width = w.values["k"], w.values["depth"], w.values["width"]
    params = mlp_parameters([width] * depth)
    units = shallow_units_for(params)
    assert w.result["deep"] == sawtooth_errors(deep_construction(k, depth, width), k) == (0.0, 0.0, 2**k)
    assert w.result["shallow"] == sawtooth_errors(shallow_fit(k, units), k)
    assert w.result["bound"] == tooth_bound(k, units)
    assert f"{params} parameters: deep L2 0.000" in w.status.value


def test_moving_the_depth_shows_a_short_sawtooth_losing_to_a_constant():
    w = make_widget(settings="race:k=5;depth=5;width=2")
    before = bytes(w.image.value)
    w.controls["depth"].value = 4
    assert w.renders == 2 and w.error.value == ""
    assert "depth = 4" in w.status.value and w.status.value.endswith(w.summary)
    assert bytes(w.image.value) != before
    assert w.result["deep"].pieces == 16 and w.result["deep"].l2 > math.sqrt(1 / 12)  # f^4 fits f^5 worse than 1/2
    assert f"deep L2 {w.result['deep'].l2:.3f}" in w.status.value


def test_think_prompts_are_reachable_with_the_widgets_ranges():
    ranges = {p.name: (p.lo, p.hi) for p in DepthRace.params}
    assert ranges["k"][0] <= 5 <= ranges["k"][1] and ranges["k"][1] >= 8
    assert ranges["depth"] == (1, 8) and ranges["width"][0] <= 2 and ranges["width"][1] >= 8
    w = make_widget(settings="race:k=5;depth=3;width=4")  # (2) exact again with wider layers
    assert w.result["deep"].l2 == 0.0
    w = make_widget(settings="race:k=8;depth=8;width=8")  # (3) the heaviest state: bound 0, fit still ~1/2
    assert w.result["units"] == 176 and w.result["bound"].l2 == 0.0 and w.result["shallow"].l2 > 0.25


def test_depth_race_settings_round_trip():
    w = make_widget("race")
    w.apply_settings("k=6;depth=3;width=5")
    copy = make_widget(settings=w.settings)
    assert type(copy) is DepthRace and copy.values == w.values and copy.status.value == w.status.value
    with pytest.raises(ValueError, match=r"width must be an int in \[2, 8\], got 1"):
        DepthRace(settings="width=1")


# ---------------------------------------------------------------------------------------------
# The checks: the solutions pass, the classic slips fail with their hint
# ---------------------------------------------------------------------------------------------


def test_the_solutions_pass_their_checks(capsys):
    check_sawtooth_net(_solution_function("sawtooth_net"), ks=(1, 3, 6))
    check_tooth_bound(_solution_function("shallow_l2_bound"))
    check_frozen_term(_solution_function("frozen_term"), seed=3)
    check_shallow_units(_solution_function("shallow_units"))
    assert capsys.readouterr().out.count("✓") == 4


def _sawtooth_with(tent=(2.0, -4.0), later_bias=(0.0, -0.5)):
    def build(k):
        t = np.array([tent])
        weights = [np.ones((2, 1))] + [np.ones((2, 1)) @ t] * (k - 1) + [t]
        return from_weights(weights, [np.array([0.0, -0.5])] + [np.array(later_bias)] * (k - 1) + [np.zeros(1)])
    return build


@pytest.mark.parametrize("build, hint", [
    (_sawtooth_with(tent=(2.0, -2.0)), "does not come back down"),
    (_sawtooth_with(tent=(1.0, -2.0)), "peaks at the wrong height"),
    (_sawtooth_with(later_bias=(0.0, 0.0)), "keep the hinge at 1/2"),
    (lambda k: random_mlp(1, [2] * k, seed=k), "wrong values at dyadic points"),
    (lambda k: random_mlp(1, [3] * k, seed=k), "just two hinges"),
])
def test_sawtooth_slips_fail_with_their_hint(build, hint):
    with pytest.raises(WrongAnswer, match=hint):
        check_sawtooth_net(build)


@pytest.mark.parametrize("fn, hint", [
    (lambda k, m: math.sqrt(max(1 - m / 2**k, 0) / 12), "only 2\\^\\(k-1\\) teeth"),
    (lambda k, m: max(1 - m / 2 ** (k - 1), 0) / 12, "take the square root"),
    (lambda k, m: math.sqrt((1 - m / 2 ** (k - 1)) / 12), "return 0 there"),
    (lambda k, m: 0.5, "count the teeth"),
])
def test_tooth_bound_slips_fail_with_their_hint(fn, hint):
    with pytest.raises(WrongAnswer, match=hint):
        check_tooth_bound(fn)


def test_the_hints_never_show_the_expected_value():
    for k, m in itertools.product((3, 5), (0, 2)):
        value = tooth_bound(k, m).l2
        try:
            check_tooth_bound(lambda kk, mm: 0.5)
        except WrongAnswer as err:
            assert f"{value:.3f}" not in str(err) and f"{value}" not in str(err)


@pytest.mark.parametrize("penalty, violation, hint", [
    ("none", "right", "subtract a penalty"),
    ("no_abs", "right", "absolute values"),
    ("right", "on", "penalises the wrong units"),
])
def test_frozen_term_slips_fail_with_their_hint(penalty, violation, hint):
    from exprlib.checks.depth import _term_model

    with pytest.raises(WrongAnswer, match=hint):
        check_frozen_term(lambda w, b, s: _term_model(w, b, s, penalty=penalty, violation=violation))


def test_a_two_layer_term_is_refused():
    with pytest.raises(WrongAnswer, match="ONE hidden layer"):
        check_frozen_term(lambda w, b, s: from_weights(w, b))


def test_shallow_units_slips_fail_with_their_hint():
    with pytest.raises(WrongAnswer, match="counts the terms"):
        check_shallow_units(lambda w: 2 ** sum(w[:-1]))
    with pytest.raises(WrongAnswer, match="too low"):
        check_shallow_units(lambda w: sum(w))

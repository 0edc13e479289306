"""Tests for exprlib.checks: right answers pass, likely wrong ones get their hint, nothing leaks."""

import functools
import pkgutil
import re
import sys
import types

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import exprlib
import exprlib.checks as checks
import exprlib.regions
from exprlib.checks import (
    ForbiddenError,
    check_activation_pattern,
    check_array,
    check_function_on_nets,
    check_integer,
    check_interpolates,
    check_piecewise_linear,
    check_regions_of_lines,
    forbid,
    random_nets,
    reference,
)
from exprlib.nets import as_numpy, from_weights, random_mlp


def _mentions(message: str, number: int) -> bool:
    """Whether ``number`` appears in ``message`` as a number of its own (not inside 17 or 0.7)."""
    return re.search(rf"(?<![\d.\-^]){number}(?![\d.])", message) is not None


# ---------------------------------------------------------------------------------------------
# check_integer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [7, np.int64(7), 7.0, np.float32(7.0)])
def test_check_integer_accepts_the_right_count_in_any_integral_form(answer, capsys):
    check_integer(answer, 7, name="regions")
    assert capsys.readouterr().out.startswith("✓ regions is right.")


@pytest.mark.parametrize(
    "answer, match",
    [
        (None, r"still None: replace None"),
        (True, r"should be a whole number \(an int\), got bool"),
        ("8", r"should be a whole number \(an int\), got str '8'"),
        ([8], r"got list"),
        (6.5, r"should be a whole number \(a count\), got 6.5"),
        (float("nan"), r"should be a whole number \(a count\)"),
        (8, r"regions = 8 is too high\.$"),
        (0, r"regions = 0 is too low\.$"),
        (-3, r"regions = -3 is too low\.$"),
        (6, r"regions = 6 is not right: breakpoints"),
    ],
)
def test_check_integer_rejects_wrong_answers_without_the_value(answer, match):
    with pytest.raises(AssertionError, match=match) as info:
        check_integer(answer, 7, name="regions", hints={6: "breakpoints + 1"})
    assert not _mentions(str(info.value), 7)


def test_check_integer_adds_the_direction_advice():
    with pytest.raises(AssertionError, match=r"too low\. Count the ends\.$"):
        check_integer(3, 7, name="n", too_low="Count the ends.", too_high="Fewer.")
    with pytest.raises(AssertionError, match=r"too high\. Fewer\.$"):
        check_integer(30, 7, name="n", too_low="Count the ends.", too_high="Fewer.")


@settings(derandomize=True, max_examples=60, deadline=None)
@given(expected=st.integers(0, 10**6), answer=st.integers(0, 10**6))
def test_check_integer_never_prints_the_expected_value(expected, answer):
    if answer == expected:
        check_integer(answer, expected, name="n")
        return
    with pytest.raises(AssertionError) as info:
        check_integer(answer, expected, name="n")
    assert not _mentions(str(info.value), expected)
    assert ("too high" in str(info.value)) == (answer > expected)


# ---------------------------------------------------------------------------------------------
# check_array
# ---------------------------------------------------------------------------------------------


def test_check_array_returns_a_valid_array():
    a = np.zeros((3, 2), dtype=np.int8)
    assert check_array(a, name="p", shape=(None, 2), dtype=np.int8) is a


class _EqualsEverything(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.broadcast(self, other).shape, dtype=bool)


def test_an_array_subclass_cannot_bring_its_own_equality():
    fake = lambda net, x: np.zeros((len(x), sum(as_numpy(net).widths)), np.int8).view(_EqualsEverything)  # noqa: E731
    assert type(check_array(fake(random_mlp(1, [2], seed=0), np.zeros((3, 1))), name="p")) is np.ndarray
    with pytest.raises(AssertionError, match="activation_pattern_by_hand is wrong"):
        check_activation_pattern(fake)


@pytest.mark.parametrize(
    "answer, kwargs, match",
    [
        ([1, 2], {}, r"p should be a numpy array, got a list: wrap it with np\.asarray"),
        (torch.zeros(2), {}, r"got a torch Tensor: convert it with \.detach\(\)\.numpy\(\)"),
        (None, {}, r"p is None: did you forget to return"),
        (3, {}, r"should be a numpy array, got a int"),
        (np.zeros((2, 3)), {"shape": (3, 2)}, r"should have shape \(3, 2\), got \(2, 3\)\.$"),
        (np.zeros((2, 3)), {"shape": (3, 2), "shape_hints": {(2, 3): "Transposed?"}}, r"got \(2, 3\)\. Transposed\?$"),
        (np.zeros(4), {"shape": (None,)}, None),
        (np.zeros((4, 1)), {"shape": (None,)}, r"should have shape \(n,\), got \(4, 1\)"),
        (np.zeros(3, dtype=bool), {"dtype": np.int8}, r"dtype int8, got bool: use \.astype\(np\.int8\)"),
        (np.array([1.0, np.nan]), {}, r"contains NaN"),
    ],
)
def test_check_array_names_the_problem(answer, kwargs, match):
    if match is None:
        check_array(answer, name="p", **kwargs)
        return
    with pytest.raises(AssertionError, match=match):
        check_array(answer, name="p", **kwargs)


# ---------------------------------------------------------------------------------------------
# check_activation_pattern: the 00-welcome exercise, right and wrong answers
# ---------------------------------------------------------------------------------------------


def _pattern(net, x, *, strict=True, bias=True, relu=True, readout=False, transpose=False, layers=None):
    """A student's hand-written pattern, with one slip optionally switched on."""
    mlp = as_numpy(net)
    pairs = list(zip(mlp.weights, mlp.biases))
    h, parts = x, []
    for w, b in pairs if readout else pairs[:-1]:
        z = h @ w.T + (b if bias else 0.0)
        parts.append(z > 0 if strict else z >= 0)
        h = np.maximum(z, 0.0) if relu else z
    if layers is not None:
        parts = [parts[i] for i in layers]
    pattern = np.concatenate(parts, axis=1).astype(np.int8)
    return pattern.T if transpose else pattern


def test_check_activation_pattern_passes_a_right_answer(capsys):
    check_activation_pattern(_pattern)
    check_activation_pattern(_pattern, depths=(1,), n_nets=20, seed=7)
    out = capsys.readouterr().out
    assert out.count("✓ activation_pattern_by_hand agrees with exprlib") == 2


def _wrong(fn):
    with pytest.raises(AssertionError) as info:
        check_activation_pattern(fn)
    return str(info.value)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda net, x: _pattern(net, x, strict=False), "inactive, but your code counts it as active"),
        (lambda net, x: _pattern(net, x, bias=False), "did you forget the bias?"),
        (lambda net, x: _pattern(net, x, relu=False), "apply ReLU between layers"),
        (lambda net, x: _pattern(net, x, readout=True), "The readout (the last Linear) has no activation"),
        (lambda net, x: _pattern(net, x, transpose=True), "you may have returned the transpose"),
        (lambda net, x: _pattern(net, x, layers=[-1]), "You returned one layer's units only"),
        (lambda net, x: _pattern(net, x).astype(bool), "should have dtype int8, got bool"),
        (lambda net, x: _pattern(net, x).tolist(), "got a list"),
        (lambda net, x: None, "did you forget to return the result?"),
        (lambda net, x: 1 - _pattern(net, x), "differs at"),
        ("not a function", "should be a function"),
    ],
)
def test_check_activation_pattern_names_the_likely_mistake(wrong, hint):
    message = _wrong(wrong)
    assert hint in message
    # never the reference pattern itself
    assert not re.search(r"\[\s*\[|array\(\[|\[[01] [01]", message)


def test_check_activation_pattern_locates_the_first_wrong_layer():
    def wrong_in_layer_two(net, x):
        pattern = _pattern(net, x)
        widths = as_numpy(net).widths
        if len(widths) > 1:
            pattern[:, widths[0]] = 1 - pattern[:, widths[0]]
        return pattern

    assert "The first wrong unit is in hidden layer 2." in _wrong(wrong_in_layer_two)


def test_check_activation_pattern_does_not_let_the_student_mutate_the_points():
    def mutating(net, x):
        result = _pattern(net, x)
        x[:] = 0.0
        return result

    check_activation_pattern(mutating)


def test_pattern_variants_without_slips_equal_the_library():
    """The mistake detectors must not fire on right answers: with no slip they equal exprlib."""
    for net in random_nets(6, seed=3):
        x = np.random.default_rng(0).normal(size=(10, net[0].in_features))
        np.testing.assert_array_equal(checks._pattern_variant(net, x), exprlib.regions.activation_pattern(net, x))


# ---------------------------------------------------------------------------------------------
# check_regions_of_lines
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, hint",
    [
        (8, "cannot switch on and off in all 2^3 combinations"),
        (4, "that is what parallel lines give"),
        (6, "too low. Let every pair of lines cross"),
        (5, "too low"),
        (9, "too high. Count again"),
        (None, "still None"),
    ],
)
def test_check_regions_of_lines_hints_without_the_answer(answer, hint):
    with pytest.raises(AssertionError) as info:
        check_regions_of_lines(answer)
    assert hint in str(info.value)
    assert not _mentions(str(info.value), 7)


@pytest.mark.parametrize("n_lines, right", [(1, 2), (2, 4), (3, 7), (4, 11), (10, 56)])
def test_check_regions_of_lines_accepts_the_zaslavsky_count(n_lines, right, capsys):
    check_regions_of_lines(right, n_lines=n_lines)
    assert "✓ regions is right." in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Generic function and property checks
# ---------------------------------------------------------------------------------------------


def test_random_nets_are_seeded_and_cycle_their_settings():
    a, b, c = random_nets(4, seed=1), random_nets(4, seed=1), random_nets(4, seed=2)
    assert all(torch.equal(p, q) for na, nb in zip(a, b) for p, q in zip(na.parameters(), nb.parameters()))
    flat = lambda nets: torch.cat([p.reshape(-1) for net in nets for p in net.parameters()])  # noqa: E731
    assert torch.equal(flat(a), flat(b)) and not (flat(a).shape == flat(c).shape and torch.equal(flat(a), flat(c)))
    assert [as_numpy(n).in_dim for n in a] == [1, 2, 3, 1]
    assert [as_numpy(n).depth for n in a] == [1, 2, 3, 1]
    assert np.all(as_numpy(a[0]).biases[0] == 0) and np.any(as_numpy(a[1]).biases[0] != 0)


def test_check_function_on_nets_compares_floats_to_float64_rounding(capsys):
    cases = [(net, np.random.default_rng(0).normal(size=(5, 2))) for net in random_nets(3, in_dims=(2,), seed=0)]
    forward = lambda net, x: as_numpy(net).forward(x)  # noqa: E731
    torch_forward = lambda net, x: net(torch.from_numpy(x)).detach().numpy()  # noqa: E731
    check_function_on_nets(torch_forward, forward, cases, name="f", exact=False)
    assert "✓ f agrees with exprlib on 3 networks." in capsys.readouterr().out
    float32 = lambda net, x: forward(net, x).astype(np.float32).astype(np.float64) + 1e-6  # noqa: E731
    with pytest.raises(AssertionError, match=r"f is wrong on a net with 2 inputs and hidden widths \[\d+\]: it differs at 5 of 5 points\.$"):
        check_function_on_nets(float32, forward, cases, name="f", exact=False)


@pytest.mark.parametrize(
    "f, xs, ys, match",
    [
        (np.abs, [-1.0, 0.0, 2.0], [1.0, 0.0, 2.0], None),
        (lambda x: torch.from_numpy(np.abs(x))[:, None], [-1.0, 3.0], [1.0, 3.0], None),  # tensor (n, 1)
        (from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]]), [-1.0, 0.0, 2.0], [1.0, 0.0, 2.0], None),
        (np.abs, [-1.0, 0.0, 2.0], [1.0, -0.5, 2.0], r"misses 1 of 3 points: it is too high at x = 0\.0\."),
        (np.abs, [-1.0, 0.0], [2.0, 1.0], r"misses 2 of 2 points: it is too low at x = -1\.0\."),
        (lambda x: x[:1], [0.0, 1.0], [0.0, 1.0], r"f\(x\) should have shape \(2,\), got \(1,\)"),
        (random_mlp(2, [3], seed=0), [0.0], [0.0], r"should have 1 input and 1 output, got 2 and 1"),
        (42, [0.0], [0.0], r"should be a network or a function, got a int"),
    ],
)
def test_check_interpolates(f, xs, ys, match, capsys):
    if match is None:
        check_interpolates(f, xs, ys, name="f")
        assert f"✓ f passes through all {len(xs)} points." in capsys.readouterr().out
    else:
        with pytest.raises(AssertionError, match=match):
            check_interpolates(f, xs, ys, name="f")


def test_check_interpolates_rejects_mismatched_points():
    with pytest.raises(ValueError, match=r"xs and ys must have the same length, got \(2,\) and \(3,\)"):
        check_interpolates(np.abs, [0.0, 1.0], [0.0, 1.0, 2.0], name="f")


@pytest.mark.parametrize(
    "f, max_pieces, match",
    [
        (np.abs, 2, None),
        (lambda x: 3.0 * x - 2.0, 1, None),  # one affine piece, rounding noise only
        (lambda x: np.zeros_like(x), 1, None),
        (lambda x: 1e6 * np.abs(x - 0.1234567) + 1e9, 2, None),  # large offset, off-grid kink
        (np.abs, 1, r"has more than 1 linear pieces on \[-1\.0, 1\.0\]"),
        (lambda x: np.maximum(np.sin(6 * x), 0), 40, r"is not piecewise linear"),
        (np.tanh, 40, r"curves almost everywhere \(a smooth activation such as tanh\?\)"),
        (lambda x: 1.0 / x, 2, r"returns NaN or infinite values"),
        (lambda x: x / 0.0, 2, r"contains NaN"),
    ],
)
def test_check_piecewise_linear(f, max_pieces, match):
    if match is None:
        check_piecewise_linear(f, lo=-1.0, hi=1.0, max_pieces=max_pieces, name="f")
    else:
        with np.errstate(divide="ignore", invalid="ignore"), pytest.raises(AssertionError, match=match):
            check_piecewise_linear(f, lo=-1.0, hi=1.0, max_pieces=max_pieces, name="f")


@settings(derandomize=True, max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), width=st.integers(1, 6), depth=st.integers(1, 3))
def test_check_piecewise_linear_accepts_every_relu_net_within_its_breakpoint_count(seed, width, depth):
    """A ReLU net is piecewise linear with at most (number of kinks + 1) pieces on any interval."""
    net = random_mlp(1, [width] * depth, sigma_b=1.0, seed=seed)
    x = np.linspace(-2.0, 2.0, 200_001)  # fine enough to see every kink a 4001-point grid can see
    pattern = exprlib.regions.activation_pattern(net, x[:, None])
    changes = int((pattern[1:] != pattern[:-1]).any(axis=1).sum())
    check_piecewise_linear(net, lo=-2.0, hi=2.0, max_pieces=changes + 1, name="net")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lo=1.0, hi=1.0, max_pieces=2), r"lo and hi must be finite with lo < hi, got lo=1\.0, hi=1\.0"),
        (dict(lo=0.0, hi=np.inf, max_pieces=2), r"lo and hi must be finite"),
        (dict(lo=0.0, hi=1.0, max_pieces=0), r"max_pieces must be an int >= 1, got 0"),
        (dict(lo=0.0, hi=1.0, max_pieces=2.0), r"max_pieces must be an int >= 1, got 2\.0"),
    ],
)
def test_check_piecewise_linear_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_piecewise_linear(np.abs, name="f", **kwargs)


# ---------------------------------------------------------------------------------------------
# reference(): hidden tests are immune to the notebook's monkeypatching
# ---------------------------------------------------------------------------------------------


def _cheat(net, x):
    """A 'student' who calls exprlib instead of writing the loop."""
    return exprlib.regions.activation_pattern(net, x)


def test_reference_is_a_fresh_private_copy_each_call():
    a, b = reference(), reference()
    assert a.nets is not b.nets and a.nets is not exprlib.nets
    assert a.regions.as_numpy is a.nets.as_numpy  # relative imports stay inside the copy
    assert a.__name__.startswith("_exprlib_reference_") and a.__name__ != b.__name__
    with pytest.raises(AttributeError, match=r"exprlib has no module 'no_such_module'"):
        a.no_such_module


def test_reference_copies_never_reach_the_public_package():
    """Every module of a copy, and everything it binds from exprlib, belongs to the copy."""
    ref = reference()
    names = [m.name for m in pkgutil.iter_modules(exprlib.__path__)]
    assert {"nets", "regions", "bounds", "checks", "plot", "widgets"} <= set(names)
    for name in names:
        module = getattr(ref, name)
        for attr, value in vars(module).items():
            owner = getattr(value, "__module__", None) or getattr(value, "__name__", "")
            if isinstance(owner, str) and (owner == "exprlib" or owner.startswith("exprlib.")):
                pytest.fail(f"{module.__name__}.{attr} is the public {owner} object: use a relative import")


def test_reference_survives_monkeypatching_of_exprlib(monkeypatch):
    monkeypatch.setattr(exprlib.regions, "activation_pattern", lambda net, x: np.zeros((len(x), 1), np.int8))
    monkeypatch.setattr(exprlib.checks, "check_integer", lambda *a, **k: None)
    monkeypatch.setattr(exprlib.checks, "check_activation_pattern", lambda *a, **k: None)
    ref = reference()
    x = np.array([[1.0]])
    np.testing.assert_array_equal(ref.regions.activation_pattern(from_weights([[[1.0]], [[1.0]]], [[0.0], [0.0]]), x), [[1]])
    with pytest.raises(AssertionError, match="too high"):
        ref.checks.check_integer(8, 7, name="n")
    with pytest.raises(AssertionError, match="activation_pattern_by_hand"):
        ref.checks.check_activation_pattern(_cheat)
    # only the public module's own names were rebound
    assert exprlib.checks.check_activation_pattern(_cheat) is None


def test_visible_checks_grade_against_a_private_copy(monkeypatch):
    monkeypatch.setattr(exprlib.regions, "activation_pattern", lambda net, x: np.zeros((len(x), 1), np.int8))
    with pytest.raises(AssertionError, match="activation_pattern_by_hand"):
        check_activation_pattern(_cheat)


@pytest.mark.parametrize("name", ["reference", "_PACKAGE_DIR"])
def test_the_names_hidden_tests_trust_cannot_be_rebound(name):
    before = getattr(checks, name)
    with pytest.raises(AttributeError, match=rf"exprlib\.checks\.{name} is read-only"):
        setattr(checks, name, lambda: None)
    with pytest.raises(AttributeError, match="is read-only"):
        delattr(checks, name)
    assert getattr(checks, name) is before


# ---------------------------------------------------------------------------------------------
# forbid()
# ---------------------------------------------------------------------------------------------


def test_forbid_switches_off_every_alias_and_restores_them(monkeypatch):
    original = exprlib.regions.activation_pattern
    reexport = types.ModuleType("exprlib._reexport_for_test")
    reexport.pattern_alias = original
    monkeypatch.setitem(sys.modules, reexport.__name__, reexport)
    namespace = {"activation_pattern": original, "ap": original, "other": len}
    with forbid("exprlib.regions.activation_pattern", namespace=namespace):
        for stub in (exprlib.regions.activation_pattern, reexport.pattern_alias, namespace["activation_pattern"], namespace["ap"]):
            assert stub is not original
            with pytest.raises(ForbiddenError, match=r"exprlib\.regions\.activation_pattern is switched off while grading: "
                                                     r"this exercise asks you to implement it yourself"):
                stub(None, None)
        assert namespace["other"] is len
        assert not hasattr(namespace["ap"], "__wrapped__") and namespace["ap"].__name__ == "activation_pattern"
        from exprlib.regions import activation_pattern as imported_inside
        assert imported_inside is exprlib.regions.activation_pattern is not original
    assert exprlib.regions.activation_pattern is original
    assert reexport.pattern_alias is original
    assert namespace == {"activation_pattern": original, "ap": original, "other": len}


def test_forbid_restores_after_an_error_and_is_an_assertion_error():
    original = exprlib.regions.activation_pattern
    with pytest.raises(AssertionError, match="switched off"):
        with forbid("exprlib.regions.activation_pattern"):
            exprlib.regions.activation_pattern(None, None)
    assert exprlib.regions.activation_pattern is original


def test_checks_keep_working_while_their_reference_is_forbidden(capsys):
    namespace = {"activation_pattern": exprlib.regions.activation_pattern}
    with forbid("exprlib.regions.activation_pattern", namespace=namespace):
        check_activation_pattern(_pattern)
        reference().checks.check_activation_pattern(_pattern, seed=5)
        with pytest.raises(ForbiddenError):
            check_activation_pattern(_cheat)
    assert capsys.readouterr().out.count("✓") == 2


def test_nested_forbids_restore_in_order():
    original = exprlib.regions.activation_pattern
    with forbid("exprlib.regions.activation_pattern"):
        with forbid("exprlib.regions.activation_pattern", "exprlib.nets.as_numpy"):
            assert exprlib.nets.as_numpy is not as_numpy
        assert exprlib.nets.as_numpy is as_numpy
        assert exprlib.regions.activation_pattern is not original
    assert exprlib.regions.activation_pattern is original


@pytest.mark.parametrize(
    "names, kwargs, error, match",
    [
        (("numpy.interp",), {}, ValueError, r"forbid switches off exprlib functions only, got 'numpy\.interp'"),
        (("exprlib.regions.no_such",), {}, ValueError, r"'exprlib\.regions\.no_such' names no function: exprlib\.regions has no attribute 'no_such'"),
        (("exprlib.nope.f",), {}, ValueError, r"there is no module 'exprlib\.nope'"),
        (("exprlib.checks._PRIVATE_PREFIX",), {}, TypeError, r"must name a function, got a str"),
        ((42,), {}, TypeError, r"names must be dotted strings"),
        (("exprlib.nets.as_numpy",), {"namespace": [1]}, TypeError, r"namespace must be a dict such as globals\(\), got list"),
    ],
)
def test_forbid_rejects_bad_names(names, kwargs, error, match):
    original = exprlib.nets.as_numpy
    with pytest.raises(error, match=match):
        with forbid(*names, **kwargs):
            pass
    assert exprlib.nets.as_numpy is original


# ---------------------------------------------------------------------------------------------
# The package layout and verdicts first (issues 7 and 8)
# ---------------------------------------------------------------------------------------------


def _public_checks():
    return sorted(name for name in checks.__all__ if name.startswith("check_"))


def test_every_public_check_is_a_student_check():
    """Each check's failures show as verdicts; a lesson module that forgets the decorator fails here."""
    missing = [name for name in _public_checks() if not getattr(getattr(checks, name), "_student_check", False)]
    assert not missing, f"decorate with @student_check: {missing}"


def test_each_lesson_module_is_reexported_by_the_package():
    for name in checks._LESSON_MODULES:
        module = getattr(checks, name, None)
        if module is None:  # a lesson still being written
            continue
        for public in module.__all__:
            assert getattr(checks, public) is getattr(module, public), f"{name}.{public} is not re-exported"
    assert {"welcome", "approximation", "regions"} <= {m.name for m in pkgutil.iter_modules(checks.__path__)}


def test_private_copies_load_the_whole_checks_package():
    ref = reference()
    assert ref.checks.regions.__name__ == f"{ref.__name__}.checks.regions"
    assert ref.checks.check_zaslavsky is ref.checks.regions.check_zaslavsky
    assert ref.checks.WrongAnswer is not checks.WrongAnswer and issubclass(ref.checks.WrongAnswer, AssertionError)


def test_a_wrong_answer_renders_as_its_verdict_alone():
    with pytest.raises(checks.WrongAnswer) as info:
        check_integer(9, 7, name="n")
    lines = info.value._render_traceback_()
    assert re.sub(r"\x1b\[[0-9;]*m", "", lines[0]) == "✗ n = 9 is too high."
    assert len(lines) <= 3 and "checks" not in "".join(lines)


def _raises_inside(net, x):
    """A 'student' whose own code fails."""
    return {}["missing key"]


def test_an_error_in_the_students_code_keeps_only_the_students_frames():
    with pytest.raises(KeyError) as info:
        check_activation_pattern(_raises_inside)
    frames = [entry.tb_frame.f_code.co_name for entry in _walk(info.value.__traceback__)]
    # this test, the check's wrapper (hidden by __tracebackhide__), the student's function: no checker frames
    assert frames[-1] == "_raises_inside" and frames.count("check") == 1 and len(frames) == 3


def _walk(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def test_a_nan_handed_to_exprlib_gets_a_hint_and_keeps_the_students_frame():
    def count_with_nan(net, start, end):
        return count_regions_in_student_code(net, np.array([np.nan]))

    def count_regions_in_student_code(net, point):
        return int(exprlib.regions.activation_pattern(net, point).sum())

    with pytest.raises(ValueError, match="must be finite") as info:
        checks.check_count_regions_1d(count_with_nan, cases="sawtooth")
    assert str(info.value).splitlines()[1].startswith("Hint:") and "strictly opposite signs" in str(info.value)
    frames = [entry.tb_frame.f_code.co_name for entry in _walk(info.value.__traceback__)]
    assert frames[-2:] == ["count_with_nan", "count_regions_in_student_code"]


def test_a_library_error_on_the_students_result_becomes_a_verdict():
    # exprlib.nets.as_numpy refuses a net with a NaN weight; the check hands it the student's net
    def interpolant_with_nan(xs, ys):
        net = torch.nn.Sequential(torch.nn.Linear(1, len(xs) - 1), torch.nn.ReLU(), torch.nn.Linear(len(xs) - 1, 1)).double()
        with torch.no_grad():
            net[0].weight[0, 0] = float("nan")
        return net

    with pytest.raises(checks.WrongAnswer, match="relu_interpolant_by_hand returned a network exprlib cannot read"):
        checks.check_relu_interpolant(interpolant_with_nan)


def test_a_forbidden_call_names_the_students_line():
    with pytest.raises(ForbiddenError) as info:
        with forbid("exprlib.regions.activation_pattern"):
            check_activation_pattern(_cheat)
    lines = info.value._render_traceback_()
    assert "switched off while grading" in lines[0] and len(lines) <= 3


_KERNEL_CELLS = [
    "import numpy as np\nfrom exprlib.checks import check_integer, check_activation_pattern, check_count_regions_1d\n"
    "from exprlib.regions import activation_pattern",
    '"""regions is right."""\ncheck_integer(9, 7, name="regions")',
    "def activation_pattern_by_hand(net, x):\n    h = x\n    return h @ no_such_weights",
    '"""the pattern is right."""\ncheck_activation_pattern(activation_pattern_by_hand)',
    "def count_regions_by_hand(net, start, end):\n    t = np.array([0.0, np.nan, 1.0])  # as from 0/0\n"
    "    return len(activation_pattern(net, start + t[:, None] * (end - start)))",
    'check_count_regions_1d(count_regions_by_hand, cases="sawtooth")',
    'from exprlib.checks import reference\nreference().checks.check_integer(3, 7, name="hidden")',
]


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_real_kernel_shows_the_verdict_first_and_the_students_frames():
    """What JupyterLab and nbgrader receive: the error outputs of a kernel running check cells."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in _KERNEL_CELLS])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    errors = {i: [o for o in cell.outputs if o.output_type == "error"] for i, cell in enumerate(nb.cells)}
    text = {i: re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(out[0].traceback)).splitlines() for i, out in errors.items() if out}
    assert set(text) == {1, 3, 5, 6}, "every failing check, and only those, is an error output (nbgrader fails the cell)"
    # a wrong answer: the verdict is the first line, with one line pointing at the cell
    assert text[1] == ["✗ regions = 9 is too high.", "(WrongAnswer from the check in Cell In[2], line 2)"]
    assert text[6][0] == "✗ hidden = 3 is too low." and len(text[6]) == 2
    assert errors[1][0].ename == "WrongAnswer" and errors[1][0].evalue == "regions = 9 is too high."
    # the student's own error: their frame and message, no frame of exprlib
    student = "\n".join(text[3])
    assert "Cell In[3], line 3, in activation_pattern_by_hand" in student and "NameError: name 'no_such_weights'" in student
    assert "exprlib" not in student and len(text[3]) < 20
    # a NaN handed to exprlib: the student's line, the library's reason and the hint
    nan = "\n".join(text[5])
    assert "Cell In[5], line 3, in count_regions_by_hand" in nan and "x must be finite" in nan
    assert text[5][-1].startswith("Hint:") and "exprlib/" not in nan


# ---------------------------------------------------------------------------------------------
# Hints name the slip, never hand over the answer, never mislead (issue 7)
# ---------------------------------------------------------------------------------------------


def _interpolant(weights="changes", bias="y0", kinks="knots"):
    """relu_interpolant_by_hand with one piece swapped for a slip."""

    def build(xs, ys):
        slopes = np.diff(ys) / np.diff(xs)
        w = {"changes": np.diff(slopes, prepend=0.0), "slopes": slopes}[weights]
        k = {"knots": xs[:-1], "midway": (xs[:-1] + xs[1:]) / 2}[kinks]
        b = {"y0": ys[:1], "zero": [0.0]}[bias]
        return from_weights([np.ones((len(k), 1)), w[None, :]], [-k, b])

    return build


@pytest.mark.parametrize(
    "slip, match",
    [
        ({"weights": "slopes"}, r"its kinks sit at the knots, but the readout weight of the unit at x_i is the CHANGE"),
        ({"bias": "zero"}, r"its kinks sit at the knots, but every point is off by the same amount"),
        ({"kinks": "midway"}, r"it bends at x = -?[\d.]+, which is no knot\. Put every kink at a knot x_i\.$"),
    ],
)
def test_interpolant_structure_blames_kinks_only_when_they_are_off(slip, match):
    with pytest.raises(AssertionError, match=match) as info:
        checks.check_relu_interpolant(_interpolant(**slip), part="structure")
    if "kinks" not in slip:
        assert "Put every kink" not in str(info.value)


def test_no_hint_hands_over_the_fitting_code():
    units, errors = np.array([4.0, 8.0, 16.0]), np.array([0.5, 0.13, 0.03])
    hints = " ".join(hint for hint, _ in checks.approximation._rate_mistakes(units, errors))
    assert "polyfit(" not in hints and "np.log(" not in hints


def test_hard_tanh_states_on_relu_units_get_their_own_hint():
    slip = functools.partial(checks._any_pattern_variant, hardtanh_rule=True)
    with pytest.raises(AssertionError, match=r"these are ReLU units, but you gave them the hard-tanh states.*act\.kind"):
        checks.check_pattern_by_hand(slip, activation="relu")


def test_counting_the_points_fails_on_two_units_with_one_kink():
    points = functools.partial(checks._count_1d_variant, count="points")
    with pytest.raises(AssertionError, match=r"share one kink \(x = 0\.1\): it counts the points found"):
        checks.check_count_regions_1d(points, cases="relu")


def test_a_plain_off_by_one_on_the_sawtooth_is_not_blamed_on_touching():
    count = reference().regions.count_regions_1d
    with pytest.raises(AssertionError, match="one too high on every segment") as info:
        checks.check_count_regions_1d(lambda net, a, b: count(net, a, b) + 1, cases="sawtooth")
    assert "touch" not in str(info.value)

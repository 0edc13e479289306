"""Tests for exprlib.widgets, headless: what a widget shows, settings strings, and no work unless asked."""

import base64

import matplotlib
import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exprlib.regions as regions
from exprlib.nets import random_mlp
from exprlib.widgets import Function1D, LessonWidget, Param, RegionMap2D, make_widget

matplotlib.use("Agg")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _net_1d(values):
    """The network a Function1D shows, rebuilt independently of the widget."""
    return random_mlp(1, [values["width"]] * values["depth"], activation=values["activation"],
                      sigma_b=values["sigma_b"], seed=values["seed"])


# ---------------------------------------------------------------------------------------------
# Param
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "param, text, value",
    [
        (Param("width", 4, lo=1, hi=10), "8", 8),
        (Param("width", 4, lo=1, hi=10), "+1", 1),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "0.1", 0.1),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "2", 2.0),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "1e-3", 0.001),
        (Param("act", "relu", options=("relu", "hardtanh")), "hardtanh", "hardtanh"),
    ],
)
def test_param_parses_allowed_values(param, text, value):
    parsed = param.parse(text)
    assert parsed == value and type(parsed) is type(value)
    assert param.parse(param.format(parsed)) == parsed


@pytest.mark.parametrize(
    "param, text, match",
    [
        (Param("width", 4, lo=1, hi=10), "0", r"settings: width must be an int in \[1, 10\], got 0"),
        (Param("width", 4, lo=1, hi=10), "11", r"got 11"),
        (Param("width", 4, lo=1, hi=10), "2.5", r"width must be an int in \[1, 10\], got '2\.5'"),
        (Param("width", 4, lo=1, hi=10), "", r"got ''"),
        (Param("width", 4, lo=1, hi=10), "four", r"got 'four'"),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "nan", r"sigma_b must be a number in \[0\.0, 2\.0\], got nan"),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "inf", r"got inf"),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "-0.1", r"got -0\.1"),
        (Param("sigma_b", 0.5, lo=0.0, hi=2.0), "x", r"got 'x'"),
        (Param("act", "relu", options=("relu", "hardtanh")), "tanh", r"act must be one of relu, hardtanh, got 'tanh'"),
    ],
)
def test_param_rejects_bad_values(param, text, match):
    with pytest.raises(ValueError, match=match):
        param.parse(text)


@pytest.mark.parametrize(
    "param, value, error",
    [
        (Param("width", 4, lo=1, hi=10), 2.0, TypeError),
        (Param("width", 4, lo=1, hi=10), True, TypeError),
        (Param("width", 4, lo=1, hi=10), 20, ValueError),
        (Param("act", "relu", options=("relu",)), 1, TypeError),
    ],
)
def test_param_validates_python_values(param, value, error):
    with pytest.raises(error, match=rf"argument: {param.name} must be"):
        param.validate(value)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(name="Width", default=1, lo=0, hi=2), r"name must be lower-case"),
        (dict(name="w", default=5, lo=0, hi=2), r"default of w must lie in \[lo, hi\]"),
        (dict(name="w", default="a", options=("b",)), r"default 'a' of w must be one of options"),
        (dict(name="w", default="a", options=("a", "b;c")), r"options of w must be lower-case letters"),
    ],
)
def test_param_rejects_bad_declarations(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Param(**kwargs)


@settings(derandomize=True, max_examples=80, deadline=None)
@given(value=st.floats(0.0, 2.0))
def test_float_settings_round_trip_to_12_digits(value):
    param = Param("sigma_b", 0.5, lo=0.0, hi=2.0)
    restored = param.parse(param.format(value))
    assert abs(restored - value) <= 5e-12 * abs(value)  # half a unit in the 12th digit
    assert param.format(restored) == param.format(value)  # a shared string restores itself exactly


def test_slider_rounding_stays_out_of_the_settings_string():
    assert Param("sigma_w", 1.5, lo=0.5, hi=4.0).format(3.0200000000000005) == "3.02"


# ---------------------------------------------------------------------------------------------
# Headless: the default state draws once, moving a control redraws what the library says
# ---------------------------------------------------------------------------------------------


def test_default_state_draws_its_figure_once():
    w = Function1D()
    assert w.renders == 1
    assert bytes(w.image.value).startswith(PNG_MAGIC)
    ax = w.figure.axes[0]
    assert ax.get_xlabel() == "input x" and ax.get_ylabel() == "network output f(x)"
    assert ax.get_title() == f"depth 2, width 4: {w.result['regions']} regions"
    assert w.settings == "function1d:depth=2;width=4;sigma_b=1.0;activation=relu;seed=0"
    assert w.settings_box.value == w.settings and w.error.value == ""


def test_construction_computes_only_the_default_state(monkeypatch):
    calls = []
    original = Function1D.compute
    monkeypatch.setattr(Function1D, "compute", lambda self, **v: calls.append(v) or original(self, **v))
    w = make_widget(settings="function1d:width=3;seed=4")
    assert calls == [dict(depth=2, width=3, sigma_b=1.0, activation="relu", seed=4)]
    assert w.renders == 1
    repr(w), w._repr_mimebundle_(), w.settings  # displaying and reading never recompute
    assert len(calls) == 1


@pytest.mark.parametrize("name, value", [("width", 7), ("depth", 3), ("seed", 11), ("sigma_b", 0.25), ("activation", "hardtanh")])
def test_moving_a_control_shows_the_library_count_for_the_new_settings(name, value):
    w = Function1D()
    w.controls[name].value = value
    assert w.renders == 2
    values = w.values
    assert values[name] == value
    net = _net_1d(values)
    count = regions.count_regions_1d(net, [-3.0], [3.0])
    pieces = regions.count_pieces_1d(net, [-3.0], [3.0])
    assert w.summary == f"{count} regions on [-3, 3], {pieces} linear pieces"
    param = {p.name: p for p in w.params}[name]
    assert w.status.value.endswith(w.summary) and f"{name} = {param.display(value)}" in w.status.value
    assert f"{name}={value}" in w.settings_box.value == w.settings
    # the curve is drawn through the exact breakpoints, not sampled
    line = w.figure.axes[0].lines[0]
    t = regions.breakpoints_1d(net, [-3.0], [3.0])
    np.testing.assert_allclose(line.get_xdata(), np.concatenate([[-3.0], -3.0 + 6.0 * t, [3.0]]), rtol=0, atol=1e-12)


def test_the_settings_box_applies_a_whole_string_with_one_redraw():
    w = Function1D()
    w.settings_box.value = "function1d:depth=3;width=2;seed=5"
    assert w.renders == 2 and w.error.value == ""
    assert w.values == dict(depth=3, width=2, sigma_b=1.0, activation="relu", seed=5)
    assert w.settings_box.value == "function1d:depth=3;width=2;sigma_b=1.0;activation=relu;seed=5"


def test_a_bad_string_in_the_settings_box_is_reported_and_changes_nothing():
    w = Function1D(width=3)
    before = w.settings
    w.settings_box.value = "function1d:depth=9"
    assert w.error.value == "⚠ settings: depth must be an int in [1, 5], got 9"
    assert w.settings == before and w.renders == 1
    w.settings_box.value = before.replace("width=3", "width=5")
    assert w.error.value == "" and w.values["width"] == 5


def test_an_error_while_redrawing_is_shown_in_the_widget(monkeypatch):
    w = Function1D()
    monkeypatch.setattr(Function1D, "compute", lambda self, **v: (_ for _ in ()).throw(RuntimeError("boom")))
    w.controls["width"].value = 5
    assert w.error.value == "⚠ RuntimeError: boom"
    monkeypatch.undo()
    w.controls["width"].value = 6
    assert w.error.value == "" and w.summary.endswith("linear pieces") and w.renders == 2


def test_display_bundle_has_the_live_widget_and_a_static_png():
    w = Function1D()
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == bytes(w.image.value)
    assert bundle["text/plain"] == repr(w) == f"Function1D(settings={w.settings!r})"


def test_region_map_is_drawn_from_the_exact_polygons():
    w = RegionMap2D(depth=1, width=3, seed=2)
    w.controls["width"].value = 5
    net = random_mlp(2, [5], sigma_b=0.5, seed=2)
    exact = regions.regions_2d(net, box=(-1.0, 1.0, -1.0, 1.0))
    assert w.summary == f"{len(exact)} regions in the square [-1, 1]² from 5 hidden units"
    paths = w.figure.axes[0].collections[0].get_paths()
    assert len(paths) == len(exact)
    for i, path in enumerate(paths):
        np.testing.assert_allclose(path.vertices[: len(exact.polygon(i))], exact.polygon(i), rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Settings strings
# ---------------------------------------------------------------------------------------------


NON_DEFAULT = {
    "function1d": dict(depth=1, width=1, sigma_b=0.37, activation="hardtanh", seed=999),
    "regions2d": dict(depth=1, width=2, sigma_b=0.37, seed=999),
}


@pytest.mark.parametrize("kind", ["function1d", "regions2d"])
def test_settings_round_trip_through_make_widget(kind):
    values = NON_DEFAULT[kind]
    w = make_widget(kind)
    w.apply_settings(";".join(f"{k}={v}" for k, v in values.items()))
    copy = make_widget(settings=w.settings)
    assert type(copy) is type(w) and copy.values == w.values == values
    assert copy.settings == w.settings
    assert copy.status.value == w.status.value
    assert copy.image.value == w.image.value


def test_partial_and_spaced_settings_fill_in_defaults():
    assert Function1D.parse_settings(" depth = 3 ; ") == dict(depth=3, width=4, sigma_b=1.0, activation="relu", seed=0)
    assert Function1D.parse_settings("") == Function1D.parse_settings("function1d:")


@pytest.mark.parametrize(
    "text, error, match",
    [
        ("function1d:depth=0", ValueError, r"depth must be an int in \[1, 5\], got 0"),
        ("depth=abc", ValueError, r"got 'abc'"),
        ("depth", ValueError, r"each piece must be name=value, got 'depth'"),
        ("depth=2;height=3", ValueError, r"unknown parameter 'height'; function1d has depth, width, sigma_b, activation, seed"),
        ("depth=2;depth=3", ValueError, r"depth is given twice"),
        ("regions2d:depth=2", ValueError, r"settings are for a 'regions2d' widget, not 'function1d'"),
        ("sigma_b=nan", ValueError, r"sigma_b must be a number in \[0\.0, 2\.0\], got nan"),
        ("activation=tanh", ValueError, r"activation must be one of relu, hardtanh, got 'tanh'"),
        (3, TypeError, r"settings must be a str such as 'function1d:depth=2;width=4;sigma_b=1\.0;activation=relu;seed=0', got int"),
    ],
)
def test_bad_settings_strings_are_rejected_clearly(text, error, match):
    with pytest.raises(error, match=match):
        Function1D.parse_settings(text)
    with pytest.raises(error, match=match):
        Function1D(settings=text)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((), {}, ValueError, r"make_widget needs a kind, one of \[.*'function1d'.*\]"),
        ((), {"settings": "depth=2"}, ValueError, r"make_widget needs a kind"),
        (("nope",), {}, ValueError, r"unknown widget kind 'nope'; choose one of"),
        (("function1d",), {"settings": "regions2d:depth=1"}, ValueError, r"kind 'function1d' disagrees with the settings, which are for 'regions2d'"),
        ((3,), {}, TypeError, r"kind must be a str"),
        (("function1d",), {"settings": b"depth=1"}, TypeError, r"settings must be a str copied from a widget, got bytes"),
        (("function1d",), {"settings": "function1d:width=99"}, ValueError, r"width must be an int in \[1, 10\], got 99"),
    ],
)
def test_make_widget_rejects_bad_requests(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_widget(*args, **kwargs)


def test_keyword_values_are_checked():
    with pytest.raises(TypeError, match=r"Function1D has no parameter 'height'"):
        Function1D(height=2)
    with pytest.raises(ValueError, match=r"argument: width must be an int in \[1, 10\], got 0"):
        Function1D(width=0)


def test_every_kind_is_registered_and_its_defaults_parse():
    assert {"function1d", "regions2d"} <= set(LessonWidget._registry)
    for cls in LessonWidget._registry.values():
        assert cls.parse_settings(cls.default_settings()) == {p.name: p.default for p in cls.params}


# ---------------------------------------------------------------------------------------------
# Under nbclient: a headless kernel draws the default figure once and nothing else
# ---------------------------------------------------------------------------------------------


@pytest.mark.notebooks
def test_widget_runs_headless_under_nbclient(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from exprlib.widgets import make_widget\nw = make_widget('function1d')\nw"),
        nbformat.v4.new_code_cell("print(w.renders, w.summary)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = nb.cells[0].outputs
    assert len(shown) == 1 and shown[0].output_type == "execute_result"
    assert "application/vnd.jupyter.widget-view+json" in shown[0].data
    assert base64.b64decode(shown[0].data["image/png"]).startswith(PNG_MAGIC)
    net = random_mlp(1, [4, 4], sigma_b=1.0, seed=0)
    count, pieces = regions.count_regions_1d(net, [-3.0], [3.0]), regions.count_pieces_1d(net, [-3.0], [3.0])
    assert nb.cells[1].outputs[0].text == f"1 {count} regions on [-3, 3], {pieces} linear pieces\n"


# ---------------------------------------------------------------------------------------------
# The DOM contract the browser tests read (exprlib.widgets docstring), for every lesson widget
# ---------------------------------------------------------------------------------------------

LESSON_KINDS = ["function1d", "regions2d", "approx1d", "regionexplorer"]


def _one_step(param, value):
    if param.options:
        return param.options[(param.options.index(value) + 1) % len(param.options)]
    if param._is_int:
        return value + 1 if value < param.hi else value - 1
    step = (param.hi - param.lo) / 10
    return value + step if value + step <= param.hi else value - step


@pytest.mark.parametrize("kind", LESSON_KINDS)
def test_status_line_figure_and_controls_carry_the_contract_classes(kind):
    w = make_widget(kind)
    assert isinstance(w.status, __import__("ipywidgets").HTML) and "exprlib-status" in w.status._dom_classes
    assert isinstance(w.image, __import__("ipywidgets").Image) and "exprlib-figure" in w.image._dom_classes
    assert "exprlib-widget" in w._dom_classes and "exprlib-settings" in w.settings_box._dom_classes
    for name, control in w.controls.items():
        assert {"exprlib-control", f"exprlib-param-{name}"} <= set(control._dom_classes)
    # every control as "name = value" (as its readout shows it), then the result in words
    by_name = {p.name: p for p in w.params}
    for name, value in w.values.items():
        assert f"{name} = {by_name[name].display(value)}" in w.status.value
    assert w.status.value.endswith(w.summary) and "computing" not in w.status.value


@pytest.mark.parametrize("kind", LESSON_KINDS)
def test_moving_each_control_updates_the_status_line_and_the_picture(kind):
    w = make_widget(kind)
    for param in w.params:
        if param.name == "seed" and kind == "approx1d":
            continue  # the seed only matters for gradient descent: same picture, by design
        before_image, before_status = bytes(w.image.value), w.status.value
        new = _one_step(param, w.values[param.name])
        w.controls[param.name].value = new
        assert w.error.value == "", w.error.value
        assert f"{param.name} = {param.display(w.values[param.name])}" in w.status.value
        assert w.status.value != before_status and w.status.value.endswith(w.summary)
        assert bytes(w.image.value) != before_image, f"{kind}: moving {param.name} to {new!r} drew the same picture"


@pytest.mark.parametrize("kind", LESSON_KINDS)
def test_the_figure_is_a_2x_png_shown_at_its_css_size_within_a_laptop_screen(kind):
    from PIL import Image

    w = make_widget(kind)
    width, height = type(w).figure_px
    png = Image.open(__import__("io").BytesIO(bytes(w.image.value)))
    assert png.size == (2 * width, 2 * height)  # PIXEL_RATIO device pixels per CSS pixel: crisp text
    assert (w.image.layout.width, w.image.layout.height) == (f"{width}px", f"{height}px")
    # controls column + figure side by side: at most ~920 px wide (a laptop with the file browser open)
    assert width <= 640 and height <= 400


def test_a_slow_redraw_shows_computing_before_the_result(monkeypatch):
    import threading

    w = Function1D()
    released, started = threading.Event(), threading.Event()
    original = Function1D.compute

    def slow(self, **values):
        started.set()
        assert released.wait(10)
        return original(self, **values)

    monkeypatch.setattr(Function1D, "compute", slow)
    monkeypatch.setattr(Function1D, "busy_after", 0.0)
    mover = threading.Thread(target=lambda: setattr(w.controls["width"], "value", 7))
    mover.start()
    assert started.wait(10)
    deadline = __import__("time").monotonic() + 10
    while "computing" not in w.status.value and __import__("time").monotonic() < deadline:
        __import__("time").sleep(0.01)
    assert "computing" in w.status.value and "width = 7" in w.status.value
    released.set()
    mover.join(10)
    assert "computing" not in w.status.value and w.status.value.endswith(w.summary) and "width = 7" in w.status.value


def test_changes_from_the_front_end_merge_into_one_redraw_with_the_latest_values(monkeypatch):
    import threading

    w = Function1D()
    released, started = threading.Event(), threading.Event()
    drawn = []
    original = Function1D.compute

    def slow(self, **values):
        drawn.append(values["width"])
        started.set()
        assert released.wait(10)
        return original(self, **values)

    monkeypatch.setattr(Function1D, "compute", slow)
    # A front-end change arrives as set_state (the kernel's comm handler); it must return at once.
    w.controls["width"].set_state({"value": 5})
    assert started.wait(10)  # the worker is computing width 5
    for width in (6, 7, 8, 9):  # made while the first redraw is still computing
        w.controls["width"].set_state({"value": width})
    released.set()
    assert w.wait(10)
    assert drawn == [5, 9]  # the first change, then one redraw for the latest: never 6, 7, 8
    assert w.renders == 3 and w.values["width"] == 9 and "width = 9" in w.status.value
    assert w.settings_box.value == w.settings


def test_a_widget_shows_the_changes_made_in_code_synchronously():
    w = Function1D()
    w.controls["depth"].value = 3
    assert w._worker is None and w.renders == 2 and "depth = 3" in w.status.value


def test_the_explorer_keeps_its_budget_of_hidden_units():
    from exprlib.widgets.lesson02_regions import MAX_UNITS, RegionExplorer

    w = RegionExplorer(depth=1, width=24)  # the lesson's "depth 1 x width 24" is reachable
    assert w.values["width"] == 24 and w.error.value == ""
    w.controls["depth"].value = 3  # 3 x 24 would exceed the budget: width comes down to 16
    assert w.values == dict(w.values, depth=3, width=MAX_UNITS // 3)
    assert "width lowered to 16: at most 48 hidden units" in w.status.value
    assert len(w.figure.axes[0].collections[0].get_paths()) == len(w.result["regions"])
    with pytest.raises(ValueError, match=r"depth × width must be at most 48 hidden units, got 6 × 9 = 54"):
        make_widget(settings="regionexplorer:depth=6;width=9")


@pytest.mark.parametrize("width", [24, 12, 8])
def test_every_think_prompt_of_lesson_02_is_reachable(width):
    # Think! (1): 24 hidden units as depth 1 x 24, 2 x 12, 3 x 8; (2) hard-tanh with sigma_w up to 3;
    # (3) sigma_b = 0.
    w = make_widget(settings=f"regionexplorer:depth={24 // width};width={width};activation=hardtanh;sigma_w=3.0;sigma_b=0.0")
    assert w.error.value == "" and w.values["depth"] * w.values["width"] == 24


def test_lesson_00_and_01_prompts_are_reachable():
    # 00: width 4, depth 1 to 5; 01: abs, step, sawtooth at 10 and 20 units, gradient descent on sine with seeds
    for depth in (1, 5):
        assert make_widget(settings=f"function1d:width=4;depth={depth}").values["depth"] == depth
    for settings in ("target=abs", "target=step", "target=sawtooth;units=10", "target=sawtooth;units=20",
                     "method=gradient_descent;seed=3"):
        assert make_widget(settings="approx1d:" + settings).error.value == ""


def test_gradient_descent_trained_together_follows_train_shallow():
    from exprlib.approximation import as_function, train_shallow
    from exprlib.widgets.lesson01_approximation import _train_shallow_together

    x = np.linspace(-1.0, 1.0, 501)
    for name, seed in (("sine", 0), ("step", 7)):
        together = _train_shallow_together(name, [1, 3, 16], seed=seed)
        for n, net in together.items():
            alone = train_shallow(name, n, seed=seed)
            np.testing.assert_allclose(as_function(net)(x), as_function(alone)(x), rtol=0, atol=1e-9)


def test_the_approximation_widget_reuses_its_error_curve_when_only_the_units_move(monkeypatch):
    from exprlib.widgets import Approximation1D

    w = Approximation1D(method="gradient_descent")
    import exprlib.widgets.lesson01_approximation as module

    monkeypatch.setattr(module, "_train_shallow_together", lambda *a, **k: pytest.fail("retrained the curve"))
    w.controls["units"].value = 16  # on the curve: no training at all
    assert w.error.value == "" and "units = 16" in w.status.value


@pytest.mark.notebooks
def test_in_a_live_kernel_front_end_changes_merge_and_the_status_says_computing(tmp_path):
    """Three slider changes sent as a front end sends them: at most two redraws, the last one for the latest value."""
    import time

    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        msg_id = kc.execute("from exprlib.widgets import make_widget\nw = make_widget('regionexplorer')\n"
                            "w.busy_after = 0.0  # show the busy state on every redraw\n"
                            "print(w.controls['width'].comm.comm_id, w.status.comm.comm_id, w.image.comm.comm_id)")
        ids = None
        while True:
            msg = kc.get_iopub_msg(timeout=120)
            if msg["msg_type"] == "stream":
                ids = msg["content"]["text"].split()
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle" \
                    and msg["parent_header"].get("msg_id") == msg_id:
                break
        width_id, status_id, image_id = ids
        for value in (9, 10, 12):  # faster than a redraw
            kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": width_id, "data": {
                "method": "update", "state": {"value": value}, "buffer_paths": []}}))
        statuses, images = [], 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=30)
            if msg["msg_type"] != "comm_msg":
                continue
            state = msg["content"]["data"].get("state", {})
            if msg["content"]["comm_id"] == status_id and "value" in state:
                statuses.append(state["value"])
            if msg["content"]["comm_id"] == image_id and msg.get("buffers"):
                images += 1
            if statuses and "width = 12" in statuses[-1] and "computing" not in statuses[-1] and images:
                break
        assert any("computing" in s for s in statuses)
        assert "width = 12" in statuses[-1] and "regions in the square" in statuses[-1]
        assert 1 <= images <= 2  # three changes, never three redraws
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_every_control_label_fits_its_label_box():
    # The label box is 118 px: about 15 characters of JupyterLab's font; longer labels show "…".
    import exprlib.widgets  # noqa: F401 - registers every lesson's widgets
    from exprlib.widgets._core import LessonWidget

    long = [f"{kind}.{p.name}: {p.description!r}" for kind, cls in sorted(LessonWidget._registry.items())
            for p in cls.params if len(p.description or p.name) > 15]
    assert not long, "labels cut off in the browser: " + ", ".join(long)

"""Tests for exprlib.plot with the Agg backend: exact drawings, labels, seeded colours, clear errors."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import exprlib.regions as regions  # noqa: E402
from exprlib.nets import as_numpy, from_weights, random_mlp  # noqa: E402
from exprlib.plot import plot_function_1d, plot_regions_2d  # noqa: E402

# relu(x) - 2 relu(x - 1/2): kinks at 0 and 1/2
KINKED = from_weights([[[1.0], [1.0]], [[1.0, -2.0]]], [[0.0, -0.5], [0.0]])
TWO_TRIANGLES = SimpleNamespace(
    vertices=np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]),
    offsets=np.array([0, 3, 6]),
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _axes():
    return Figure().subplots()


# ---------------------------------------------------------------------------------------------
# plot_function_1d
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lo, hi, xs, title",
    [
        (-1.0, 1.0, [-1.0, 0.0, 0.5, 1.0], "3 regions on [-1, 1]"),
        (0.25, 2.0, [0.25, 0.5, 2.0], "2 regions on [0.25, 2]"),
        (1.0, 3.0, [1.0, 3.0], "1 region on [1, 3]"),  # both units active all along
    ],
)
def test_plot_function_1d_draws_through_the_exact_breakpoints(lo, hi, xs, title):
    ax = plot_function_1d(KINKED, lo=lo, hi=hi, ax=_axes())
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_xdata(), xs, rtol=0, atol=1e-15)
    np.testing.assert_allclose(curve.get_ydata(), as_numpy(KINKED).forward(np.array(xs)[:, None])[:, 0])
    assert ax.get_title() == title
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("input x", "network output f(x)")
    assert ax.get_xlim() == (lo, hi)
    markers = [line for line in ax.lines if line.get_label() == "breakpoints"]
    assert len(markers) == (len(xs) > 2) and (not markers or len(markers[0].get_xdata()) == len(xs) - 2)


@settings(derandomize=True, max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), width=st.integers(1, 8), depth=st.integers(1, 3))
def test_the_drawn_polyline_is_the_function_everywhere(seed, width, depth):
    """Between breakpoints the net is affine, so the polyline equals the net at every x."""
    net = random_mlp(1, [width] * depth, sigma_b=1.0, seed=seed)
    ax = plot_function_1d(net, lo=-2.0, hi=2.0, ax=_axes())
    x = np.random.default_rng(seed).uniform(-2.0, 2.0, 500)
    drawn = np.interp(x, ax.lines[0].get_xdata(), ax.lines[0].get_ydata())
    exact = as_numpy(net).forward(x[:, None])[:, 0]
    np.testing.assert_allclose(drawn, exact, rtol=1e-9, atol=1e-9 * (1 + np.abs(exact).max()))


def test_given_breakpoints_are_used_without_recomputing(monkeypatch):
    monkeypatch.setattr(regions, "breakpoints_1d", lambda *a: pytest.fail("breakpoints recomputed"))
    ax = plot_function_1d(KINKED, ax=_axes(), breakpoints=[0.0, 0.5], title="given", show_breakpoints=False)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [-1.0, 0.0, 0.5, 1.0])
    assert ax.get_title() == "given" and len(ax.lines) == 1


def test_plot_function_1d_without_axes_makes_a_pyplot_figure():
    ax = plot_function_1d(KINKED)
    assert ax.figure is plt.gcf() and ax.get_title() == "3 regions on [-1, 1]"


@pytest.mark.parametrize(
    "net, kwargs, error, match",
    [
        (random_mlp(2, [3], seed=0), {}, ValueError, r"net must have 1 input and 1 output, got 2 and 1"),
        (KINKED, dict(lo=1.0, hi=1.0), ValueError, r"lo and hi must be finite with lo < hi, got lo=1\.0, hi=1\.0"),
        (KINKED, dict(lo=0.0, hi=np.nan), ValueError, r"lo and hi must be finite"),
        (KINKED, dict(lo="0"), TypeError, r"lo must be a real number, got '0'"),
        (KINKED, dict(ax="axes"), TypeError, r"ax must be a matplotlib Axes or None, got str"),
        (KINKED, dict(breakpoints=[0.5, 0.0]), ValueError, r"breakpoints must be sorted finite values inside \(-1, 1\)"),
        (KINKED, dict(breakpoints=[0.0, np.nan]), ValueError, r"breakpoints must be sorted finite values"),
        (KINKED, dict(breakpoints=[1.0]), ValueError, r"inside \(-1, 1\)"),
    ],
)
def test_plot_function_1d_rejects_bad_input(net, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_function_1d(net, **kwargs)


# ---------------------------------------------------------------------------------------------
# plot_regions_2d
# ---------------------------------------------------------------------------------------------


def test_plot_regions_2d_draws_every_polygon_once():
    ax = plot_regions_2d(TWO_TRIANGLES, ax=_axes())
    (collection,) = ax.collections
    paths = collection.get_paths()
    assert len(paths) == 2
    for path, (a, b) in zip(paths, [(0, 3), (3, 6)]):
        np.testing.assert_array_equal(path.vertices[:3], TWO_TRIANGLES.vertices[a:b])
    assert ax.get_title() == "2 regions"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("input $x_1$", "input $x_2$")
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_aspect() == 1.0


def test_region_colours_are_seeded():
    colours = [plot_regions_2d(TWO_TRIANGLES, ax=_axes(), seed=s).collections[0].get_facecolor() for s in (0, 0, 1)]
    np.testing.assert_array_equal(colours[0], colours[1])
    assert not np.array_equal(colours[0], colours[2])
    assert not np.array_equal(colours[0][0], colours[0][1])  # neighbours differ


def test_plot_regions_2d_options_and_errors():
    ax = plot_regions_2d(TWO_TRIANGLES, ax=_axes(), title="map", axis_labels=("s", "t"))
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("map", "s", "t")
    with pytest.raises(TypeError, match=r"regions must be a Regions2D \(with vertices and offsets\), got list"):
        plot_regions_2d([np.zeros((3, 2))])
    with pytest.raises(TypeError, match=r"ax must be a matplotlib Axes or None, got int"):
        plot_regions_2d(TWO_TRIANGLES, ax=3)
    with pytest.raises(TypeError, match=r"seed must be an int, got 0\.5"):
        plot_regions_2d(TWO_TRIANGLES, seed=0.5)


def test_plot_regions_2d_draws_the_library_polygons():
    result = regions.regions_2d(random_mlp(2, [6, 6], sigma_b=0.5, seed=3), box=(-1.0, 1.0, -1.0, 1.0))
    ax = plot_regions_2d(result, ax=_axes())
    paths = ax.collections[0].get_paths()
    assert len(paths) == len(result) and ax.get_title() == f"{len(result)} regions"
    for i in (0, len(result) // 2, len(result) - 1):
        polygon = np.asarray(result.polygon(i))
        np.testing.assert_array_equal(paths[i].vertices[: len(polygon)], polygon)


# ---------------------------------------------------------------------------------------------
# Lesson 01's figures (issue 7): knots on the target, the legend off the data, visible bounds,
# errors at rounding level said so
# ---------------------------------------------------------------------------------------------


def test_knots_are_marked_on_the_target_so_a_wrong_fit_misses_them():
    from exprlib.plot import plot_approximation

    xs = np.linspace(-1.0, 1.0, 5)
    wrong = lambda x: np.zeros_like(x)  # noqa: E731  a "fit" that is nowhere near sin(3x)
    ax = plot_approximation(wrong, "sine", knots=xs, ax=_axes(), label="your interpolant")
    knots_line = next(line for line in ax.lines if line.get_label().startswith("knots"))
    np.testing.assert_allclose(knots_line.get_ydata(), np.sin(3 * xs))


@pytest.mark.parametrize("target", ["sawtooth", "sine", "step"])
def test_the_legend_sits_in_a_band_above_every_curve(target):
    from exprlib.approximation import interpolant_net
    from exprlib.plot import plot_approximation

    figure = Figure(figsize=(3.2, 2.8), dpi=100)
    ax = plot_approximation(interpolant_net(target, 20), target, ax=figure.subplots(), label="interpolant")
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    top_of_data = ax.transData.transform((0.0, max(line.get_ydata().max() for line in ax.lines)))[1]
    assert legend.y0 >= top_of_data - 1  # pixels: no peak of the data lies under the legend


def test_the_bound_is_drawn_above_the_data_in_short_dashes():
    from exprlib.plot import plot_error_curve

    units = np.array([4, 8, 16])
    ax = plot_error_curve(units, [0.1, 0.025, 0.006], ax=_axes(), label="sin", bound=[0.11, 0.027, 0.007])
    curve, bound = ax.lines[:2]
    assert bound.get_zorder() > curve.get_zorder() and bound.get_linestyle() == "--"


def test_errors_at_rounding_level_are_labelled_not_drawn_as_measured():
    from exprlib.plot import plot_error_curve

    ax = plot_error_curve([8, 10, 12], [0.3, 1.6e-14, 0.2], ax=_axes(), label="interpolant")
    labels = [line.get_label() for line in ax.lines]
    assert "< 1e-12: rounding level (exact)" in labels
    marks = ax.lines[labels.index("< 1e-12: rounding level (exact)")]
    assert marks.get_xdata().tolist() == [10] and ax.get_ylim()[0] < 1e-12


def test_breakpoint_lines_are_one_collection():
    ax = plot_function_1d(random_mlp(1, [8, 8], sigma_b=1.0, seed=0), ax=_axes())
    assert len(ax.lines) == 2 and len(ax.collections) == 1  # the curve, its dots, and all the vertical lines


def test_error_points_can_stand_alone_when_they_do_not_form_a_trend():
    from exprlib.plot import plot_error_curve

    units = np.array([16, 23, 32])
    ax = plot_error_curve(units, [0.025, 0.029, 0.022], ax=_axes(), label="|x - c|", bound=1.0 / units,
                          bound_label="h/2", join=False)
    points, envelope = ax.lines[:2]
    assert points.get_linestyle() == "None" and points.get_marker() == "o"
    assert envelope.get_label() == "h/2" and (envelope.get_ydata() >= points.get_ydata()).all()


@pytest.mark.notebooks
def test_static_figures_are_crisp_2x_pngs_shown_at_their_size_in_a_notebook(tmp_path):
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient
    from PIL import Image

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "%matplotlib inline\nfrom exprlib.nets import from_weights\nfrom exprlib.plot import plot_function_1d\n"
        "plot_function_1d(from_weights([[[1.0]], [[1.0]]], [[0.0], [0.0]]));")]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (shown,) = [o for o in nb.cells[0].outputs if "image/png" in o.get("data", {})]
    png = Image.open(io.BytesIO(base64.b64decode(shown["data"]["image/png"])))
    width = shown["metadata"]["image/png"]["width"]  # the size on the page, CSS pixels
    assert abs(png.size[0] - 2 * width) <= 2 and width <= 700  # retina: 2 device pixels per CSS pixel

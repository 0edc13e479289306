"""Lesson 06-expressivity-and-training: its measured claims as trends, and its plots, widget and checks.

The lesson claims that training a lower hidden layer alone generalises better (at sigma_w^2 = 2)
and that the ordering is gone at sigma_w^2 = 4; that training shortens trajectories from
sigma_w^2 = 16 and lengthens them from sigma_w^2 = 1; that at sigma_w^2 = 3 (8 x 100) the
direction depends on the seed; that batch norm and trajectory regularisation both shorten the
trajectory, batch norm with better test accuracy; that batch-norm-style centring collapses the
gradient correlation of deep feedforward nets while resnets and the looks-linear start keep it;
and that l1 makes units provably stable, pruning them leaves the function unchanged, while units
that never fire on the data need not be dead. These are tested as seeded trends at the lesson's
settings (smaller where the trend survives), not as its printed numbers.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from exprlib.checks import (  # noqa: E402
    WrongAnswer,
    check_gradient_correlation,
    check_interval_states,
    check_prune_inactive,
    check_remaining_depth_loop,
)
from exprlib.compression import compress, stable_units  # noqa: E402
from exprlib.models import CReLUNet, FeedforwardNet, ResidualNet, gradient_correlation  # noqa: E402
from exprlib.nets import as_numpy, from_weights  # noqa: E402
from exprlib.plot import (  # noqa: E402
    plot_accuracy_by_layer,
    plot_gradient_correlation,
    plot_length_during_training,
    plot_training_curves,
)
from exprlib.training import (  # noqa: E402
    accuracy,
    load_digits_split,
    remaining_depth,
    train_layer,
    train_relu_l1,
    train_tracking_length,
    training_run,
)
from exprlib.widgets import TrainingRunExplorer, make_widget  # noqa: E402

PNG_MAGIC = b"\x89PNG"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def unit():
    return load_digits_split()


@pytest.fixture(scope="module")
def standard():
    return load_digits_split(scale="standardise")


# --- measured claims -----------------------------------------------------------------------------


def test_remaining_depth_ordering_holds_at_sigma2_and_is_gone_at_sigma4(standard):
    at_2 = remaining_depth(standard, depth=6, width=64, steps=60, seed=1)
    assert at_2[0] > at_2[-1] + 0.08 and np.all(np.diff(at_2) < 0.01)
    at_4 = remaining_depth(standard, depth=6, width=64, steps=60, sigma_w2=4.0, seed=0)
    assert at_4[0] < at_4[2]  # the first layer is no longer the best one to train


def test_training_shortens_from_16_lengthens_from_small_sigma(unit):
    kw = dict(depth=6, width=64, steps=100, every=50, n_arcs=2, seed=0)
    ratio = {s: (r := train_tracking_length(unit, sigma_w2=s, **kw))["length"][-1] / r["length"][0] for s in (1.0, 16.0)}
    assert ratio[16.0] < 0.4 and ratio[1.0] > 2.0


def test_sigma2_3_direction_depends_on_the_seed_at_8x100(unit):
    """The paper's increase at sigma_w^2 = 3 does not reproduce consistently."""
    ratios = [(r := train_tracking_length(unit, depth=8, width=100, sigma_w2=3.0, steps=100, every=100, n_arcs=2,
                                          seed=s))["length"][-1] / r["length"][0] for s in (0, 1)]
    assert min(ratios) < 0.8 and max(ratios) > 1.0


def test_batch_norm_and_regulariser_shorten_and_batch_norm_helps(unit):
    kw = dict(depth=6, width=64, sigma_w2=16.0, steps=100, every=100, n_arcs=2, seed=0)
    plain = train_tracking_length(unit, **kw)
    reg = train_tracking_length(unit, regulariser=0.1, **kw)
    bn = train_tracking_length(unit, batch_norm=True, **kw)
    ratio = lambda r: r["length"][-1] / r["length"][0]
    assert ratio(reg) < ratio(plain) and ratio(bn) < ratio(plain)
    assert bn["test_accuracy"] > plain["test_accuracy"] + 0.03


def test_gradient_correlation_collapses_with_centring_not_for_resnets_or_looks_linear():
    line = ([-2.0], [2.0])
    mean = lambda make: np.mean([gradient_correlation(make(s), *line) for s in range(3)])
    assert abs(mean(lambda s: FeedforwardNet(1, 100, 16, batch_norm=True, seed=s))) < 0.25
    assert mean(lambda s: FeedforwardNet(1, 100, 16, seed=s)) > 0.7  # decays slowly without centring
    assert mean(lambda s: ResidualNet(1, 100, 16, seed=s)) > 0.8
    assert mean(lambda s: CReLUNet(1, 100, 16, seed=s)) == 1.0


def test_l1_units_are_stable_pruning_is_lossless_and_silent_units_are_not_dead(unit):
    box = (np.zeros(64), np.ones(64))
    sparse = train_relu_l1(unit, (32, 32), l1=1e-3, steps=300)
    units = stable_units(sparse, box)
    assert sum(len(i) + len(a) for i, a in zip(units.inactive, units.active)) >= 10
    small = compress(sparse, box, units=units)
    x = np.random.default_rng(0).random((500, 64))
    assert sum(as_numpy(small).widths) < 64
    assert np.abs(as_numpy(small).forward(x) - as_numpy(sparse).forward(x)).max() < 1e-10
    plain = train_relu_l1(unit, (32, 32), l1=0.0, steps=300)
    z = as_numpy(plain).preactivations(np.vstack([unit[0], unit[1]]))
    silent = sum(int((zl.max(axis=0) <= 0).sum()) for zl in z)
    proven = stable_units(plain, box)
    assert silent >= 2 and sum(len(i) for i in proven.inactive) < silent


# --- plots ---------------------------------------------------------------------------------------


def test_plots_are_titled_and_labelled():
    fig = Figure()
    ax = plot_accuracy_by_layer({"a": [0.9, 0.8, 0.7]}, ax=fig.add_subplot(221), title="t1")
    assert ax.get_title() == "t1" and ax.get_xlabel() and ax.get_ylabel() and len(ax.lines) == 1
    run = {"step": np.array([0, 10]), "length": np.array([2.0, 1.0])}
    ax = plot_length_during_training({"r": run}, ax=fig.add_subplot(222))
    assert ax.get_yscale() == "log" and ax.get_title()
    ax = plot_gradient_correlation([1, 2, 4], {"ff": [1.0, 0.5, 0.1]}, ax=fig.add_subplot(223))
    assert ax.get_xlabel() and ax.get_title()
    with pytest.raises(ValueError, match="one value per depth"):
        plot_gradient_correlation([1, 2], {"ff": [1.0]}, ax=fig.add_subplot(224))
    with pytest.raises(TypeError, match="runs"):
        plot_length_during_training([])
    plt.close("all")


def test_plot_training_curves_marks_the_step():
    run = training_run(depth=2, width=8, steps=10, every=5)
    axes = plot_training_curves(run, step=5)
    assert len(axes) == 3 and all(ax.get_title() and ax.get_xlabel() for ax in axes)
    assert axes[0].lines[1].get_xdata()[0] == 5
    plt.close("all")


# --- widget --------------------------------------------------------------------------------------


def test_widget_default_state_and_scrubbing_the_step():
    w = make_widget("training")
    assert w.renders == 1 and bytes(w.image.value).startswith(PNG_MAGIC)
    assert w.settings == "training:sigma_w2=16.0;regulariser=0.0;step=60;seed=0"
    run = training_run(depth=3, width=16, sigma_w2=16.0, steps=60, every=5, seed=0)
    assert f"{int(run['regions'][-1])} linear regions" in w.summary
    before = bytes(w.image.value)
    w.controls["step"].value = 20
    assert w.renders == 2 and w.error.value == ""
    assert "step = 20" in w.status.value and w.status.value.endswith(w.summary)
    assert w.summary.startswith("step 20:") and f"{int(run['regions'][4])} linear regions" in w.summary
    assert bytes(w.image.value) != before


def test_widget_regulariser_collapses_the_regions_and_settings_round_trip():
    w = make_widget(settings="training:sigma_w2=16.0;regulariser=1.0;step=60;seed=0")
    plain = training_run(depth=3, width=16, sigma_w2=16.0, steps=60, every=5, seed=0)
    reg = training_run(depth=3, width=16, sigma_w2=16.0, regulariser=1.0, steps=60, every=5, seed=0)
    assert reg["regions"][-1] < plain["regions"][-1] and reg["length"][-1] < plain["length"][-1]
    copy = make_widget(settings=w.settings)
    assert copy.values == w.values and copy.status.value == w.status.value
    with pytest.raises(ValueError):
        TrainingRunExplorer(settings="step=61")


# --- checks --------------------------------------------------------------------------------------


def _states(net, box):
    return list(stable_units(net, box, exact=False).states)


def _prune(net, states):
    mlp = as_numpy(net)
    weights, biases = [w.copy() for w in mlp.weights], [b.copy() for b in mlp.biases]
    for l, state in enumerate(states):
        keep = np.asarray(state) != -1
        weights[l], biases[l] = weights[l][keep], biases[l][keep]
        weights[l + 1] = weights[l + 1][:, keep]
    return from_weights(weights, biases)


def _loop(net, data, steps, *, chained=False, on_train=False):
    X_train, X_test, y_train, y_test = data
    out, current = [], net
    for l in range(1, len(as_numpy(net).widths) + 1):
        trained = train_layer(current if chained else net, l, X_train, y_train, steps=steps)
        current = trained
        out.append(accuracy(trained, X_train if on_train else X_test, y_train if on_train else y_test))
    return out


def _no_centring(net, start, end, n_points):
    t = torch.linspace(0.0, 1.0, n_points, dtype=torch.float64, requires_grad=True)
    a, b = torch.as_tensor(start, dtype=torch.float64), torch.as_tensor(end, dtype=torch.float64)
    (g,) = torch.autograd.grad(net(a + t[:, None] * (b - a)).sum(), t)
    g = g.numpy()
    return float(g[:-1] @ g[1:] / np.sqrt((g[:-1] @ g[:-1]) * (g[1:] @ g[1:])))


def _naive_states(net, box):
    mlp, (lo, hi), out = as_numpy(net), box, []
    for w, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
        a, c = w @ lo + b, w @ hi + b
        z_lo, z_hi = np.minimum(a, c), np.maximum(a, c)
        out.append(np.where(z_hi <= 0, -1, np.where(z_lo >= 0, 1, 0)))
        lo, hi = np.maximum(z_lo, 0), np.maximum(z_hi, 0)
    return out


def test_right_answers_pass(capsys):
    check_gradient_correlation(lambda net, s, e, n: gradient_correlation(net, s, e, n_points=n))
    check_remaining_depth_loop(_loop)
    check_interval_states(_states)
    check_prune_inactive(_prune)
    assert capsys.readouterr().out.count("✓") == 4


@pytest.mark.parametrize("check, answer, hint", [
    (check_gradient_correlation, lambda net, s, e, n: 1.0, "with themselves"),
    (check_gradient_correlation, _no_centring, "subtract the means"),
    (check_remaining_depth_loop, lambda net, data, steps: _loop(net, data, steps, chained=True), "original net"),
    (check_remaining_depth_loop, lambda net, data, steps: _loop(net, data, steps, on_train=True), "training set"),
    (check_remaining_depth_loop, lambda net, data, steps: _loop(net, data, steps)[:-1], "one accuracy per hidden layer"),
    (check_interval_states, _naive_states, "negative"),
    (check_interval_states, lambda net, box: [-s for s in _states(net, box)], "swapped"),
    (check_prune_inactive, lambda net, states: net, "kept never-active"),
    (check_prune_inactive, lambda net, states: _prune(net, [np.where(s == 0, 0, -s) for s in states]), "always-active"),
])
def test_wrong_answers_fail_with_a_hint(check, answer, hint):
    with pytest.raises(WrongAnswer, match=hint):
        check(answer)

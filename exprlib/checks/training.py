"""Checks for lesson 06-expressivity-and-training: gradient correlation, remaining depth, stable units, pruning.

Each check compares the student's answer with exprlib (a private copy, see :func:`reference`) on
fixed, seeded cases: nets and lines for the gradient correlation, small hard-tanh nets on digits
for the remaining-depth loop, random ReLU nets on boxes for interval bounds and pruning. When an
answer differs, the message names the likely slip (the gradient correlated with itself, no
centring, training accuracy, a net trained twice, bounds that ignore negative weights, ...)
without printing the expected value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._core import WrongAnswer, _lib, _passed, _real_number, reference, student_check  # noqa: F401 (reference: doctests)

__all__ = [
    "GRADIENT_SHORTCUTS",
    "INTERVAL_SHORTCUTS",
    "PRUNE_SHORTCUTS",
    "REMAINING_DEPTH_SHORTCUTS",
    "check_gradient_correlation",
    "check_interval_states",
    "check_prune_inactive",
    "check_remaining_depth_loop",
]

GRADIENT_SHORTCUTS = ("exprlib.models.gradient_correlation",)
REMAINING_DEPTH_SHORTCUTS = ("exprlib.training.remaining_depth",)
INTERVAL_SHORTCUTS = ("exprlib.compression.interval_bounds", "exprlib.compression.stable_units")
PRUNE_SHORTCUTS = ("exprlib.compression.compress",)

# Gradients come from the same float64 autograd graph; a correlation computed another way (numpy's
# corrcoef, a hand-written Pearson formula) agrees to ~1e-12. Every slip below moves it by > 1e-3.
_CORR_ATOL = 1e-7
# Pruning only deletes terms that are exactly 0 on the box; the sums that remain are reordered at
# most, so outputs agree to rounding of a few hundred operations.
_PRUNE_RTOL = 1e-9


def _callable(fn: object, name: str) -> None:
    if not callable(fn):
        raise WrongAnswer(f"{name} should be a function, got a {type(fn).__name__}.")


# ---------------------------------------------------------------------------------------------
# Exercise 1: gradient correlation along a line
# ---------------------------------------------------------------------------------------------


def _gradient_cases(seed: int) -> list[tuple]:
    models = _lib("models")
    return [
        (models.FeedforwardNet(1, 32, 4, seed=seed), [-2.0], [2.0], 256, "a feedforward ReLU net of depth 4"),
        (models.FeedforwardNet(1, 32, 8, batch_norm=True, seed=seed + 1), [-2.0], [2.0], 256,
         "a feedforward net of depth 8 with batch centring"),
        (models.ResidualNet(1, 32, 6, seed=seed + 2), [-2.0], [2.0], 128, "a residual net of depth 6"),
        (models.FeedforwardNet(3, 24, 3, seed=seed + 3), [-1.0, 0.5, 2.0], [1.5, -1.0, 0.0], 200,
         "a net with 3 inputs along a slanted line"),
        (models.CReLUNet(1, 16, 4, seed=seed + 4), [-2.0], [2.0], 64,
         "a CReLU net with the looks-linear initialisation (linear: its gradient is constant)"),
    ]


def _slopes(net, start, end, n_points: int) -> np.ndarray:
    import torch

    t = torch.linspace(0.0, 1.0, n_points, dtype=torch.float64, requires_grad=True)
    s, e = torch.as_tensor(start, dtype=torch.float64), torch.as_tensor(end, dtype=torch.float64)
    (g,) = torch.autograd.grad(net(s + t[:, None] * (e - s)).sum(), t)
    return g.detach().numpy()


def _gradient_mistakes(g: np.ndarray, values: np.ndarray) -> list[tuple[str, float]]:
    def corr(a, b):
        a, b = a - a.mean(), b - b.mean()
        return float(a @ b / np.sqrt((a @ a) * (b @ b)))

    return [
        ("you correlated the gradients with themselves (that is always 1): pair each g_i with its "
         "neighbour g_{i+1}.", 1.0),
        ("subtract the means before multiplying: without centring you computed a cosine similarity, "
         "not a correlation.", float(g[:-1] @ g[1:] / np.sqrt((g[:-1] @ g[:-1]) * (g[1:] @ g[1:])))),
        ("you correlated the net's values f(x_i), not its gradients df/dt.", corr(values[:-1], values[1:])),
        ("the lag is one grid step: pair g_i with g_{i+1}, not with a point further along.", corr(g[:-2], g[2:])),
    ]


@student_check(nan_hint="Hint: a net that is linear along the line has the same gradient everywhere: no spread, "
               "so the correlation formula divides 0 by 0; define the correlation as 1 then.")
def check_gradient_correlation(fn: Callable, *, seed: int = 0, name: str = "gradient_correlation_by_hand") -> None:
    """Check ``fn(net, start, end, n_points)``: Pearson correlation of (g_i, g_{i+1}), g_i = df/dt(t_i).

    Compared with :func:`exprlib.models.gradient_correlation` on feedforward nets with and
    without batch centring, a residual net, a 3-input net, and a looks-linear CReLU net (constant
    gradient: correlation 1 by definition).

    Examples
    --------
    >>> from exprlib.models import gradient_correlation
    >>> check_gradient_correlation(lambda net, s, e, n: gradient_correlation(net, s, e, n_points=n))
    ✓ gradient_correlation_by_hand is right on 5 nets and lines, the linear one included.
    >>> check_gradient_correlation(lambda net, s, e, n: 1.0)
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: gradient_correlation_by_hand is wrong for a feedforward ReLU net of depth 4: you correlated the gradients with themselves (that is always 1): pair each g_i with its neighbour g_{i+1}.
    """
    import torch

    _callable(fn, name)
    exact = _lib("models").gradient_correlation
    for net, start, end, n_points, description in _gradient_cases(seed):
        expected = exact(net, start, end, n_points=n_points)
        raw = fn(net, np.array(start), np.array(end), n_points)
        if raw is not None and not isinstance(raw, (bool, np.bool_)) and np.ndim(raw) == 0:
            try:
                if not np.isfinite(float(raw)) and expected == 1.0:
                    raise WrongAnswer(f"{name} returned {float(raw)!r} for {description}: its gradient has no "
                                      "spread, so the formula divides 0 by 0. Define the correlation as 1 "
                                      "when all the gradients are equal (to rounding).")
            except (TypeError, ValueError):
                pass
        answer = _real_number(raw, name, "the correlation")
        if abs(answer - expected) <= _CORR_ATOL:
            continue
        if expected == 1.0:
            raise WrongAnswer(f"{name} is wrong for {description}: a net that is linear along the line has one "
                              "gradient everywhere; count that as perfectly correlated: define the correlation as 1.")
        g = _slopes(net, start, end, n_points)
        with torch.no_grad():
            t = np.linspace(0.0, 1.0, n_points)
            x = np.asarray(start) + t[:, None] * (np.asarray(end) - np.asarray(start))
            values = net(torch.as_tensor(x)).numpy().ravel()
        for hint, value in _gradient_mistakes(g, values):
            if abs(answer - value) <= 1e-6:
                raise WrongAnswer(f"{name} is wrong for {description}: {hint}")
        raise WrongAnswer(f"{name} is wrong for {description}: compute g_i = df/dt at t_i = i/(n-1) with autograd "
                          "(one backward pass of the sum of the outputs), then the Pearson correlation of "
                          "g[:-1] and g[1:].")
    _passed(f"{name} is right on 5 nets and lines, the linear one included.")


# ---------------------------------------------------------------------------------------------
# Exercise 2: the remaining-depth loop
# ---------------------------------------------------------------------------------------------


def _remaining_cases(seed: int) -> list[tuple]:
    nets_ = _lib("nets")
    return [
        (nets_.random_mlp(64, [12, 12, 12], 10, activation="hardtanh", sigma_w=2**0.5, sigma_b=0.1, seed=seed), 8,
         "a hard-tanh net 64-12-12-12-10 trained for 8 steps per layer"),
        (nets_.random_mlp(64, [10, 10], 10, activation="hardtanh", sigma_w=1.5, sigma_b=0.1, seed=seed + 1), 5,
         "a hard-tanh net 64-10-10-10 trained for 5 steps per layer"),
    ]


@student_check
def check_remaining_depth_loop(fn: Callable, *, seed: int = 0, name: str = "accuracy_by_trained_layer") -> None:
    """Check ``fn(net, data, steps)``: test accuracy after training each hidden layer alone, from ``net``.

    Entry l - 1 must be ``accuracy(train_layer(net, l, X_train, y_train, steps=steps), X_test,
    y_test)`` for l = 1..depth, each run starting from the same ``net``.

    Examples
    --------
    >>> from exprlib.training import accuracy, train_layer
    >>> def good(net, data, steps):
    ...     X_train, X_test, y_train, y_test = data
    ...     depth = sum(1 for m in net if type(m).__name__ == "Linear") - 1
    ...     return [accuracy(train_layer(net, l, X_train, y_train, steps=steps), X_test, y_test)
    ...             for l in range(1, depth + 1)]
    >>> check_remaining_depth_loop(good)
    ✓ accuracy_by_trained_layer is right: one test accuracy per hidden layer, each from the same starting net.
    """
    training = _lib("training")
    _callable(fn, name)
    data = training.load_digits_split(scale="standardise")
    X_train, X_test, y_train, y_test = data
    for net, steps, description in _remaining_cases(seed):
        depth = sum(1 for m in net if type(m).__name__ == "Linear") - 1
        trained = [training.train_layer(net, l, X_train, y_train, steps=steps) for l in range(1, depth + 1)]
        expected = np.array([training.accuracy(t, X_test, y_test) for t in trained])
        before = [p.detach().clone() for p in net.parameters()]
        raw = fn(net, data, steps)
        if raw is None:
            raise WrongAnswer(f"{name} returned None: did you forget to return the list of accuracies?")
        answer = np.asarray(raw, dtype=np.float64).ravel()
        if any(not (a == b).all() for a, b in zip(before, net.parameters())):
            raise WrongAnswer(f"{name} changed the net it was given: train copies (train_layer returns one) so that "
                              "every layer starts from the same random net.")
        if answer.shape != expected.shape:
            raise WrongAnswer(f"{name} returned {answer.size} accuracies for {description}, which has {depth} hidden "
                              "layers: one accuracy per hidden layer, layers 1 to depth (the readout is not one of "
                              "them).")
        if np.allclose(answer, expected, atol=1e-12):
            continue
        on_train = np.array([training.accuracy(t, X_train, y_train) for t in trained])
        if np.allclose(answer, on_train, atol=1e-12):
            raise WrongAnswer(f"{name} is wrong for {description}: you measured accuracy on the training set; the "
                              "effect is in the test accuracy.")
        if np.allclose(answer, expected[::-1], atol=1e-12):
            raise WrongAnswer(f"{name} is wrong for {description}: the accuracies are in reverse order; entry 0 "
                              "belongs to layer 1, the lowest.")
        chained, current = [], net
        for l in range(1, depth + 1):
            current = training.train_layer(current, l, X_train, y_train, steps=steps)
            chained.append(training.accuracy(current, X_test, y_test))
        if np.allclose(answer, chained, atol=1e-12):
            raise WrongAnswer(f"{name} is wrong for {description}: each experiment must start from the original "
                              "net; you kept training the net of the previous layer.")
        raise WrongAnswer(f"{name} is wrong for {description}: for each layer l = 1..depth train only layer l of "
                          "the original net with the given steps, then measure the accuracy on the test set.")
    _passed(f"{name} is right: one test accuracy per hidden layer, each from the same starting net.")


# ---------------------------------------------------------------------------------------------
# Exercise 3: stable units by interval bounds
# ---------------------------------------------------------------------------------------------


def _interval_cases(seed: int) -> list[tuple]:
    nets_ = _lib("nets")
    rng = np.random.default_rng(seed)
    cases = [
        (nets_.random_mlp(4, [12, 12, 12], sigma_b=1.0, seed=seed), (np.zeros(4), np.ones(4)),
         "a ReLU net 4-12-12-12-1 on the box [0, 1]^4"),
        (nets_.random_mlp(3, [16, 8], sigma_w=1.0, sigma_b=1.5, seed=seed + 1),
         (np.array([-1.0, 0.0, 0.5]), np.array([0.0, 0.5, 2.0])), "a ReLU net 3-16-8-1 on an uneven box"),
    ]
    for k in range(2):
        d = int(rng.integers(2, 6))
        lows = rng.normal(0.0, 1.0, d)
        cases.append((nets_.random_mlp(d, [10, 10], sigma_b=1.0, seed=seed + 10 + k),
                      (lows, lows + rng.uniform(0.1, 1.0, d)), f"a random ReLU net on a small box in R^{d}"))
    return cases


def _interval_variants(mlp, lows: np.ndarray, highs: np.ndarray) -> list[tuple[str, list[np.ndarray]]]:
    def states(lo_hi: list) -> list[np.ndarray]:
        return [np.where(lo >= 0, 1, np.where(hi <= 0, -1, 0)) for lo, hi in lo_hi]

    naive, no_relu = [], []
    lo, hi = lows, highs
    lo2, hi2 = lows, highs
    for w, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
        a, c = w @ lo + b, w @ hi + b
        naive.append((np.minimum(a, c), np.maximum(a, c)))
        lo, hi = np.maximum(np.minimum(a, c), 0), np.maximum(np.maximum(a, c), 0)
        mid, rad = (lo2 + hi2) / 2, (hi2 - lo2) / 2
        z_lo, z_hi = w @ mid + b - np.abs(w) @ rad, w @ mid + b + np.abs(w) @ rad
        no_relu.append((z_lo, z_hi))
        lo2, hi2 = z_lo, z_hi
    return [
        ("each pre-activation's range needs the lower end of an input where its weight is positive and the upper "
         "end where it is negative (W @ lows + b is not the minimum when W has negative entries).", states(naive)),
        ("between layers, pass the bounds through the ReLU: the next layer's inputs lie in "
         "[max(lower, 0), max(upper, 0)], not in the pre-activation bounds.", states(no_relu)),
    ]


@student_check
def check_interval_states(fn: Callable, *, seed: int = 0, name: str = "interval_states") -> None:
    """Check ``fn(net, box)``: per hidden layer, +1 (lower bound >= 0), -1 (upper <= 0) or 0, by interval bounds.

    Compared with :func:`exprlib.compression.stable_units` (``exact=False``) on random ReLU nets and boxes.

    Examples
    --------
    >>> from exprlib.compression import stable_units
    >>> check_interval_states(lambda net, box: list(stable_units(net, box, exact=False).states))
    ✓ interval_states is right on 4 nets and boxes, layer by layer.
    """
    _callable(fn, name)
    compression, nets_ = _lib("compression"), _lib("nets")
    for net, box, description in _interval_cases(seed):
        expected = compression.stable_units(net, box, exact=False).states
        raw = fn(net, (box[0].copy(), box[1].copy()))
        if raw is None:
            raise WrongAnswer(f"{name} returned None: did you forget to return the list of per-layer states?")
        try:
            answer = [np.asarray(a) for a in raw]
        except TypeError:
            raise WrongAnswer(f"{name} should return a list with one array per hidden layer, got a "
                              f"{type(raw).__name__}.") from None
        if len(answer) != len(expected) or any(a.shape != e.shape for a, e in zip(answer, expected)):
            raise WrongAnswer(f"{name} should return one array per hidden layer ({len(expected)} for {description}), "
                              "with one state per unit; the readout is not a hidden layer.")
        if all(np.array_equal(a, e) for a, e in zip(answer, expected)):
            continue
        if all(np.array_equal(a, -e) for a, e in zip(answer, expected)):
            raise WrongAnswer(f"{name} is wrong for {description}: the signs are swapped; +1 means always active "
                              "(lower bound >= 0), -1 never active (upper bound <= 0).")
        for hint, variant in _interval_variants(nets_.as_numpy(net), *box):
            if all(np.array_equal(a, v) for a, v in zip(answer, variant)):
                raise WrongAnswer(f"{name} is wrong for {description}: {hint}")
        first = next(l for l, (a, e) in enumerate(zip(answer, expected)) if not np.array_equal(a, e))
        raise WrongAnswer(f"{name} is wrong for {description}, first in hidden layer {first + 1}: bound each "
                          "pre-activation over the box with centre and radius (W m + b -/+ |W| r), label it, and "
                          "pass [max(lower, 0), max(upper, 0)] on to the next layer.")
    _passed(f"{name} is right on 4 nets and boxes, layer by layer.")


# ---------------------------------------------------------------------------------------------
# Exercise 4: prune the never-active units
# ---------------------------------------------------------------------------------------------


def _prune_cases(seed: int) -> list[tuple]:
    nets_ = _lib("nets")
    return [
        (nets_.random_mlp(3, [16, 12, 8], 2, sigma_b=1.0, seed=seed), (np.zeros(3), np.ones(3)),
         "a ReLU net 3-16-12-8-2 on [0, 1]^3"),
        (nets_.random_mlp(2, [20, 20], sigma_w=1.2, sigma_b=1.5, seed=seed + 1), (np.array([-1.0, 0.0]),
         np.array([0.0, 0.5])), "a ReLU net 2-20-20-1 on a small box"),
    ]


@student_check
def check_prune_inactive(fn: Callable, *, seed: int = 0, name: str = "prune_inactive") -> None:
    """Check ``fn(net, states)``: the net without its never-active units (states -1), equal on the box.

    The result's hidden widths must be the original widths minus the never-active units of each
    layer, and its outputs must equal the original's at 500 points of the box, to rounding.

    Examples
    --------
    >>> from exprlib.compression import compress
    >>> check_prune_inactive(lambda net, states: net)
    Traceback (most recent call last):
    ...
    exprlib.checks.WrongAnswer: prune_inactive kept never-active units for a ReLU net 3-16-12-8-2 on [0, 1]^3: its hidden widths should shrink by the number of units with state -1 in each layer.
    """
    _callable(fn, name)
    compression, nets_ = _lib("compression"), _lib("nets")
    for net, box, description in _prune_cases(seed):
        states = [s.copy() for s in compression.stable_units(net, box, exact=False).states]
        mlp = nets_.as_numpy(net)
        raw = fn(net, [s.copy() for s in states])
        if raw is None:
            raise WrongAnswer(f"{name} returned None: did you forget to return the pruned net?")
        small = nets_.as_numpy(raw)  # TypeError / ValueError naming net -> WrongAnswer
        if not np.array_equal(nets_.as_numpy(net).weights[0], mlp.weights[0]):
            raise WrongAnswer(f"{name} changed the net it was given: build a new one (from_weights).")
        expected_widths = tuple(int((s != -1).sum()) for s in states)
        x = box[0] + np.random.default_rng(seed).random((500, len(box[0]))) * (box[1] - box[0])
        same = np.allclose(small.forward(x), mlp.forward(x), rtol=_PRUNE_RTOL, atol=1e-12) \
            if small.in_dim == mlp.in_dim and small.out_dim == mlp.out_dim else False
        if small.widths == mlp.widths:
            raise WrongAnswer(f"{name} kept never-active units for {description}: its hidden widths should shrink "
                              "by the number of units with state -1 in each layer.")
        if small.widths != expected_widths:
            removed_active = tuple(int((s != 1).sum()) for s in states)
            only_undecided = tuple(int((s == 0).sum()) for s in states)
            if small.widths == removed_active:
                hint = "you removed the always-active units (state +1); remove the never-active ones (state -1)."
            elif small.widths == only_undecided:
                hint = ("you removed the always-active units too: they are not zero on the box (relu(z) = z there), "
                        "so removing them changes the function; remove only the never-active ones (state -1).")
            else:
                hint = "remove exactly the units with state -1, layer by layer, and keep every other unit."
            raise WrongAnswer(f"{name} is wrong for {description}: {hint}")
        if not same:
            raise WrongAnswer(f"{name} removed the right number of units for {description} but the function changed "
                              "on the box: when you drop unit j of layer l, drop row j of W_l and b_l AND column j "
                              "of the next layer's weights, and keep the units' order.")
    _passed(f"{name} is right: never-active units gone, the same function on the box.")

"""Small, seeded training experiments on scikit-learn's bundled digits (no download, 2 CPU cores).

The expressivity lessons measure what training does to the quantities of lessons 02-04:

- **remaining depth** (Raghu et al. 2017, their Fig. 6 protocol): train exactly one hidden layer
  of a hard-tanh net, everything else frozen, and compare the test accuracy by trained layer
  (:func:`train_layer`, :func:`remaining_depth`);
- **trajectory length during training** (Raghu et al. Figs. 8-9): the length, at the last hidden
  layer, of the image of an arc between two training images, recorded while full-batch SGD with
  momentum trains the net (:func:`train_tracking_length`), optionally with Raghu et al.'s
  *trajectory regularisation* loss + lambda * (current length / initial length), or with batch
  norm in place of it;
- **stable units** (Serra et al. 2020): ReLU nets trained with an l1 penalty lambda * sum |W|
  (:func:`train_relu_l1`), whose units :mod:`exprlib.compression` then classifies;
- a **training run with checkpoints** (:func:`training_run`): loss, trajectory length and the
  exact number of linear regions along a segment, for the lesson's widget.

Every run is full batch and deterministic: the only randomness is the seeded initialisation
and data split. Everything runs in float64 on the CPU, where these full-batch operations
repeat exactly (the lesson also switches on ``torch.use_deterministic_algorithms``).
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from ._validation import check_int, check_real
from .nets import from_weights, random_mlp

__all__ = [
    "TRAJECTORY_POINTS",
    "accuracy",
    "arc_between",
    "hidden_length",
    "load_digits_split",
    "remaining_depth",
    "train_layer",
    "train_relu_l1",
    "train_tracking_length",
    "training_run",
]

# Points on each arc for the recorded lengths. The notes measured that fewer than ~10 000
# underestimate the length at large sigma_w (a hard-tanh net at sigma_w^2 = 16 folds the arc many
# times between samples); the same count is used before and after training, so ratios are fair.
TRAJECTORY_POINTS = 10_000

# Points on the arc inside the regularised loss: the penalty only needs a differentiable proxy
# of the length whose ratio to its initial value tracks the true one.
_REGULARISER_POINTS = 256


def _check_seed(seed: object) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}")
    return int(seed)


def _check_data(X: object, y: object, names: tuple[str, str] = ("X", "y")) -> tuple[torch.Tensor, torch.Tensor]:
    X = np.array(X, dtype=np.float64)  # a copy: torch shares memory and wants it writable
    y = np.array(y)
    if X.ndim != 2:
        raise ValueError(f"{names[0]} must be a 2-D array (samples, features), got shape {X.shape}")
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{names[1]} must be a 1-D integer array with one label per row of {names[0]}, "
                         f"got shape {y.shape} and dtype {y.dtype}")
    return torch.as_tensor(X), torch.as_tensor(y, dtype=torch.long)


def _linears(net: nn.Module) -> list[nn.Linear]:
    if not isinstance(net, nn.Sequential):
        raise TypeError(f"net must be a torch.nn.Sequential MLP, got {type(net).__name__}")
    layers = [m for m in net if isinstance(m, nn.Linear)]
    if len(layers) < 2:
        raise ValueError("net must have at least one hidden layer")
    return layers


# --------------------------------------------------------------------------------------------------
# data


@lru_cache(maxsize=4)
def _split(scale: str, test_fraction: float, seed: int) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()  # bundled with scikit-learn: never downloads
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_fraction, stratify=y, random_state=seed)
    if scale == "standardise":
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std[std == 0] = 1.0  # pixels that are always blank stay 0
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    else:
        X_train, X_test = X_train / 16.0, X_test / 16.0
    for a in (X_train, X_test, y_train, y_test):
        a.flags.writeable = False
    return X_train, X_test, y_train, y_test


def load_digits_split(*, scale: str = "unit", test_fraction: float = 0.3, seed: int = 0) -> tuple[np.ndarray, ...]:
    """scikit-learn's 8x8 digits (1 797 images, 10 classes) split into train and test sets.

    Stratified split (``test_fraction`` of each class held out), float64 pixels.

    Parameters
    ----------
    scale : {"unit", "standardise"}
        "unit": pixels / 16, in [0, 1]; "standardise": each pixel minus its training mean,
        divided by its training standard deviation (1 for pixels that are always blank).
    test_fraction : float, default 0.3
        In (0, 1).
    seed : int, default 0
        Seed of the split.

    Returns
    -------
    X_train, X_test : (n, 64) float64 ndarray (read-only)
    y_train, y_test : (n,) int64 ndarray (read-only)

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits_split()
    >>> X_train.shape, X_test.shape, float(X_train.max())
    ((1257, 64), (540, 64), 1.0)
    """
    if scale not in ("unit", "standardise"):
        raise ValueError(f"scale must be 'unit' or 'standardise', got {scale!r}")
    test_fraction = check_real("test_fraction", test_fraction, positive=True)
    if test_fraction >= 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    return _split(scale, test_fraction, _check_seed(seed))


# --------------------------------------------------------------------------------------------------
# remaining depth


def accuracy(net: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows of X whose largest output is the label y.

    Examples
    --------
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0], [0.0, 0.0]])
    >>> accuracy(net, np.array([[1.0], [-1.0], [2.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    Xt, yt = _check_data(X, y)
    with torch.no_grad():
        return float((net(Xt).argmax(dim=1) == yt).double().mean())


def train_layer(
    net: nn.Sequential,
    layer: int,
    X: np.ndarray,
    y: np.ndarray,
    *,
    steps: int = 100,
    lr: float = 1e-2,
    train_readout: bool = False,
) -> nn.Sequential:
    """A copy of ``net`` with only hidden layer ``layer`` trained (Raghu et al.'s Fig. 6 protocol).

    Full-batch Adam on the cross-entropy of the outputs (logits) against ``y``; every other
    weight is frozen, except the readout when ``train_readout``. The frozen layers below
    ``layer`` are computed once. ``net`` itself is not changed.

    Parameters
    ----------
    net : torch.nn.Sequential
        A float64 MLP: Linear, activation, ..., Linear (e.g. :func:`exprlib.nets.random_mlp`).
    layer : int
        1-based index of the hidden layer to train, 1 <= layer <= number of hidden layers.
    X : (n, d) array_like
    y : (n,) int array_like
    steps : int, default 100
    lr : float, default 0.01
    train_readout : bool, default False

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> X_train, _, y_train, _ = load_digits_split(scale="standardise")
    >>> net = random_mlp(64, [16, 16], 10, activation="hardtanh", sigma_w=2**0.5, seed=0)
    >>> trained = train_layer(net, 2, X_train, y_train, steps=20)
    >>> accuracy(trained, X_train, y_train) > accuracy(net, X_train, y_train)
    True
    >>> bool(torch.equal(trained[0].weight, net[0].weight))  # layer 1 is frozen
    True
    """
    linears = _linears(net)
    depth = len(linears) - 1
    layer = check_int("layer", layer)
    if layer > depth:
        raise ValueError(f"layer must be between 1 and the number of hidden layers ({depth}), got {layer}")
    steps = check_int("steps", steps, minimum=0)
    lr = check_real("lr", lr, positive=True)
    Xt, yt = _check_data(X, y)
    net = copy.deepcopy(net)
    linears = _linears(net)
    modules = list(net)
    start = modules.index(linears[layer - 1])
    with torch.no_grad():
        below = nn.Sequential(*modules[:start])(Xt) if start else Xt  # frozen: computed once
    above = nn.Sequential(*modules[start:])
    for p in net.parameters():
        p.requires_grad_(False)
    params = list(linears[layer - 1].parameters()) + (list(linears[-1].parameters()) if train_readout else [])
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.Adam(params, lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(above(below), yt).backward()
        opt.step()
    for p in net.parameters():
        p.requires_grad_(True)
    return net


def remaining_depth(
    data: tuple[np.ndarray, ...],
    *,
    depth: int = 8,
    width: int = 100,
    sigma_w2: float = 2.0,
    sigma_b2: float = 0.01,
    steps: int = 100,
    lr: float = 1e-2,
    train_readout: bool = False,
    seed: int = 0,
) -> np.ndarray:
    """Test accuracy after training each hidden layer alone, from the same random hard-tanh net.

    The net is ``random_mlp(64, [width] * depth, 10, activation="hardtanh",
    sigma_w=sqrt(sigma_w2), sigma_b=sqrt(sigma_b2), seed=seed)``; entry l - 1 of the result is
    the test accuracy of :func:`train_layer` (net, l, ...), for l = 1..depth.

    Parameters
    ----------
    data : (X_train, X_test, y_train, y_test)
        As returned by :func:`load_digits_split` (use ``scale="standardise"``).
    depth, width, steps : int
    sigma_w2, sigma_b2, lr : float
        sigma_w^2 and sigma_b^2 are variances.
    train_readout : bool, default False
    seed : int, default 0

    Returns
    -------
    (depth,) float64 ndarray

    Examples
    --------
    >>> acc = remaining_depth(load_digits_split(scale="standardise"), depth=3, width=16, steps=20)
    >>> acc.shape, bool(((0 <= acc) & (acc <= 1)).all())
    ((3,), True)
    """
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be (X_train, X_test, y_train, y_test), as load_digits_split returns")
    X_train, X_test, y_train, y_test = data
    depth, width = check_int("depth", depth), check_int("width", width)
    sigma_w2 = check_real("sigma_w2", sigma_w2, nonnegative=True)
    sigma_b2 = check_real("sigma_b2", sigma_b2, nonnegative=True)
    net = random_mlp(np.shape(X_train)[1], [width] * depth, 10, activation="hardtanh", sigma_w=math.sqrt(sigma_w2),
                     sigma_b=math.sqrt(sigma_b2), seed=_check_seed(seed))
    return np.array([accuracy(train_layer(net, l, X_train, y_train, steps=steps, lr=lr, train_readout=train_readout),
                              X_test, y_test) for l in range(1, depth + 1)])


# --------------------------------------------------------------------------------------------------
# trajectory length during training


def arc_between(x0: np.ndarray, x1: np.ndarray, n_points: int = TRAJECTORY_POINTS) -> np.ndarray:
    """The circular arc x0 cos t + x1 sin t, t in [0, pi/2], at ``n_points`` equally spaced angles.

    Examples
    --------
    >>> arc_between(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 3).round(3)
    array([[1.   , 0.   ],
           [0.707, 0.707],
           [0.   , 1.   ]])
    """
    x0, x1 = np.asarray(x0, dtype=np.float64), np.asarray(x1, dtype=np.float64)
    if x0.ndim != 1 or x0.shape != x1.shape:
        raise ValueError(f"x0 and x1 must be 1-D arrays of the same length, got shapes {x0.shape} and {x1.shape}")
    n_points = check_int("n_points", n_points, minimum=2)
    t = np.linspace(0.0, np.pi / 2, n_points)
    return np.cos(t)[:, None] * x0 + np.sin(t)[:, None] * x1


def _hidden(net: nn.Sequential) -> nn.Sequential:
    """Everything below the readout: the map to the last hidden layer's activations."""
    modules = list(net)
    last = max(i for i, m in enumerate(modules) if isinstance(m, nn.Linear))
    return nn.Sequential(*modules[:last])


def _length_t(points: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vector_norm(points[1:] - points[:-1], dim=1).sum()


def hidden_length(net: nn.Sequential, arcs: np.ndarray) -> float:
    """Mean polyline length of the arcs' images at the last hidden layer of ``net``.

    Parameters
    ----------
    net : torch.nn.Sequential
    arcs : (m, n, d) array_like
        m sampled curves (e.g. :func:`arc_between` of pairs of training images).

    Returns
    -------
    float

    Examples
    --------
    >>> net = from_weights([[[2.0, 0.0], [0.0, 2.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]], "hardtanh")
    >>> round(hidden_length(net, [arc_between(np.array([0.3, 0.0]), np.array([0.0, 0.3]), 2000)]), 4)
    0.9425
    """
    arcs = np.asarray(arcs, dtype=np.float64)
    if arcs.ndim != 3:
        raise ValueError(f"arcs must be an (m, n, d) array of m curves, got shape {arcs.shape}")
    body = _hidden(net)
    with torch.no_grad():
        return float(np.mean([_length_t(body(torch.as_tensor(a))).item() for a in arcs]))


def _hardtanh_bn_net(in_dim: int, width: int, depth: int, sigma_w2: float, sigma_b2: float, seed: int) -> nn.Sequential:
    """The same weights as random_mlp(..., seed=seed), with BatchNorm1d before every hard-tanh."""
    plain = random_mlp(in_dim, [width] * depth, 10, activation="hardtanh", sigma_w=math.sqrt(sigma_w2),
                       sigma_b=math.sqrt(sigma_b2), seed=seed)
    modules: list[nn.Module] = []
    for m in plain:
        if isinstance(m, nn.Hardtanh):
            modules.append(nn.BatchNorm1d(width, dtype=torch.float64))
        modules.append(m)
    return nn.Sequential(*modules)


def train_tracking_length(
    data: tuple[np.ndarray, ...],
    *,
    depth: int = 8,
    width: int = 100,
    sigma_w2: float = 16.0,
    sigma_b2: float = 0.01,
    steps: int = 100,
    lr: float = 0.1,
    momentum: float = 0.9,
    regulariser: float = 0.0,
    batch_norm: bool = False,
    n_arcs: int = 3,
    every: int = 10,
    n_points: int = TRAJECTORY_POINTS,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Train a hard-tanh net with full-batch SGD and record the trajectory length as it goes.

    The net is random_mlp(64, [width] * depth, 10, activation="hardtanh") with
    W ~ N(0, sigma_w2 / fan_in), b ~ N(0, sigma_b2) (with ``batch_norm``, a BatchNorm1d before
    every hard-tanh, used in training mode by the loss and in evaluation mode for lengths). The
    arcs join ``n_arcs`` pairs of training images chosen with ``seed``; their mean length at the
    last hidden layer (:func:`hidden_length`, ``n_points`` per arc) is recorded every ``every``
    steps. With ``regulariser`` = lambda > 0 the loss is Raghu et al.'s

        cross-entropy + lambda * (current length / initial length)

    with the length of the first arc at 256 points, differentiable.

    Parameters
    ----------
    data : (X_train, X_test, y_train, y_test)
        From :func:`load_digits_split` (``scale="unit"``: the notes' X / 16).
    depth, width, steps, n_arcs, every, n_points : int
    sigma_w2, sigma_b2, lr, momentum, regulariser : float
    batch_norm : bool
    seed : int

    Returns
    -------
    dict
        ``"step"`` (k,) ints, ``"length"`` (k,) mean length, ``"loss"`` (k,) training
        cross-entropy, ``"train_accuracy"`` and ``"test_accuracy"`` (floats, at the end).

    Examples
    --------
    >>> run = train_tracking_length(load_digits_split(), depth=2, width=16, steps=10, every=5, n_points=500)
    >>> run["step"].tolist(), run["length"].shape
    ([0, 5, 10], (3,))
    """
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be (X_train, X_test, y_train, y_test), as load_digits_split returns")
    X_train, X_test, y_train, y_test = data
    depth, width = check_int("depth", depth), check_int("width", width)
    steps, every = check_int("steps", steps, minimum=0), check_int("every", every)
    n_arcs, n_points = check_int("n_arcs", n_arcs), check_int("n_points", n_points, minimum=2)
    sigma_w2 = check_real("sigma_w2", sigma_w2, nonnegative=True)
    sigma_b2 = check_real("sigma_b2", sigma_b2, nonnegative=True)
    lr, momentum = check_real("lr", lr, positive=True), check_real("momentum", momentum, nonnegative=True)
    regulariser = check_real("regulariser", regulariser, nonnegative=True)
    seed = _check_seed(seed)
    Xt, yt = _check_data(X_train, y_train, ("X_train", "y_train"))
    d = Xt.shape[1]
    if batch_norm:
        net = _hardtanh_bn_net(d, width, depth, sigma_w2, sigma_b2, seed)
    else:
        net = random_mlp(d, [width] * depth, 10, activation="hardtanh", sigma_w=math.sqrt(sigma_w2),
                         sigma_b=math.sqrt(sigma_b2), seed=seed)
    rng = np.random.default_rng(seed)
    pairs = rng.choice(len(Xt), size=(n_arcs, 2), replace=False)
    X_np = Xt.numpy()
    arcs = np.stack([arc_between(X_np[i], X_np[j], n_points) for i, j in pairs])
    reg_arc = torch.as_tensor(arc_between(X_np[pairs[0, 0]], X_np[pairs[0, 1]], _REGULARISER_POINTS))
    body = _hidden(net)
    with torch.no_grad():
        net.eval()
        initial = _length_t(body(reg_arc)).item()
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.CrossEntropyLoss()
    record_step, record_length, record_loss = [], [], []

    def record(step: int) -> None:
        net.eval()
        with torch.no_grad():
            record_loss.append(loss_fn(net(Xt), yt).item())
        record_length.append(hidden_length(net, arcs))
        record_step.append(step)

    record(0)
    for step in range(1, steps + 1):
        net.train()
        opt.zero_grad()
        loss = loss_fn(net(Xt), yt)
        if regulariser > 0:
            if batch_norm:
                net.eval()
            loss = loss + regulariser * _length_t(body(reg_arc)) / initial
            net.train()
        loss.backward()
        opt.step()
        if step % every == 0 or step == steps:
            record(step)
    net.eval()
    return {"step": np.array(record_step), "length": np.array(record_length), "loss": np.array(record_loss),
            "train_accuracy": accuracy(net, X_train, y_train), "test_accuracy": accuracy(net, X_test, y_test)}


# --------------------------------------------------------------------------------------------------
# l1 training for stable units


def train_relu_l1(
    data: tuple[np.ndarray, ...],
    widths: tuple[int, ...] = (32, 32),
    *,
    l1: float = 1e-3,
    steps: int = 500,
    lr: float = 1e-2,
    seed: int = 0,
) -> nn.Sequential:
    """A ReLU net 64 -> widths -> 10 trained with full-batch Adam on cross-entropy + l1 * sum |W|.

    He initialisation (``random_mlp(..., seed=seed)``, zero biases); the penalty covers every
    weight matrix, not the biases (Serra et al. 2020's setting, on digits / 16).

    Parameters
    ----------
    data : (X_train, X_test, y_train, y_test)
        From :func:`load_digits_split` (``scale="unit"``: inputs in the box [0, 1]^64).
    widths : tuple of int
    l1 : float, default 1e-3
        lambda >= 0.
    steps : int, default 500
    lr : float, default 0.01
    seed : int, default 0

    Returns
    -------
    torch.nn.Sequential
        A float64 ReLU MLP (in the counting contract: :mod:`exprlib.compression` reads it).

    Examples
    --------
    >>> data = load_digits_split()
    >>> net = train_relu_l1(data, (8,), steps=50)
    >>> accuracy(net, data[1], data[3]) > 0.5
    True
    """
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError("data must be (X_train, X_test, y_train, y_test), as load_digits_split returns")
    X_train, _, y_train, _ = data
    widths = tuple(check_int(f"widths[{i}]", w) for i, w in enumerate(widths))
    l1 = check_real("l1", l1, nonnegative=True)
    steps, lr = check_int("steps", steps, minimum=0), check_real("lr", lr, positive=True)
    Xt, yt = _check_data(X_train, y_train, ("X_train", "y_train"))
    net = random_mlp(Xt.shape[1], list(widths), 10, seed=_check_seed(seed))
    weights = [m.weight for m in net if isinstance(m, nn.Linear)]
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(net(Xt), yt)
        if l1 > 0:
            loss = loss + l1 * sum(w.abs().sum() for w in weights)
        loss.backward()
        opt.step()
    return net


# --------------------------------------------------------------------------------------------------
# a training run with checkpoints (the widget)


@lru_cache(maxsize=16)
def _training_run(depth: int, width: int, sigma_w2: float, regulariser: float, steps: int, every: int,
                  seed: int) -> dict[str, np.ndarray]:
    X_train, _, y_train, _ = load_digits_split()
    Xt, yt = torch.tensor(X_train), torch.tensor(y_train)
    threads = torch.get_num_threads()
    # These tensors are tiny: on a busy 2-core machine a second thread only adds contention
    # (a run takes ~10x longer), and the widget must answer in well under a second.
    torch.set_num_threads(1)
    try:
        return _run(X_train, Xt, yt, depth, width, sigma_w2, regulariser, steps, every, seed)
    finally:
        torch.set_num_threads(threads)


def _run(X_train: np.ndarray, Xt: torch.Tensor, yt: torch.Tensor, depth: int, width: int, sigma_w2: float,
         regulariser: float, steps: int, every: int, seed: int) -> dict[str, np.ndarray]:
    from .regions import count_regions_1d

    net = random_mlp(64, [width] * depth, 10, activation="hardtanh", sigma_w=math.sqrt(sigma_w2), sigma_b=0.1,
                     seed=seed)
    rng = np.random.default_rng(seed)
    i, j = rng.choice(len(X_train), size=2, replace=False)
    x0, x1 = X_train[i], X_train[j]
    arc = torch.as_tensor(arc_between(x0, x1, 2000))
    body = _hidden(net)
    with torch.no_grad():
        initial = _length_t(body(arc)).item()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    out: dict[str, list] = {"step": [], "loss": [], "length": [], "regions": []}
    for step in range(steps + 1):
        if step % every == 0:
            with torch.no_grad():
                out["step"].append(step)
                out["loss"].append(loss_fn(net(Xt), yt).item())
                out["length"].append(_length_t(body(arc)).item())
            out["regions"].append(count_regions_1d(net, x0, x1))
        if step == steps:
            break
        opt.zero_grad()
        loss = loss_fn(net(Xt), yt)
        if regulariser > 0:
            loss = loss + regulariser * _length_t(body(arc[::8])) / initial
        loss.backward()
        opt.step()
    result = {k: np.array(v) for k, v in out.items()}
    for v in result.values():
        v.flags.writeable = False
    return result


def training_run(
    *,
    depth: int = 3,
    width: int = 32,
    sigma_w2: float = 16.0,
    regulariser: float = 0.0,
    steps: int = 60,
    every: int = 5,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """One seeded training run of a small hard-tanh net on digits, with checkpoints.

    The net is random_mlp(64, [width] * depth, 10, activation="hardtanh", sigma_w =
    sqrt(sigma_w2), sigma_b = 0.1), trained by full-batch SGD (lr 0.1, momentum 0.9) on
    digits / 16, with loss cross-entropy + regulariser * (current length / initial length).
    Every ``every`` steps it records the training loss, the length of the image at the last
    hidden layer of the arc between two training images (2 000 points), and the exact number
    of linear regions along the straight segment between the same two images
    (:func:`exprlib.regions.count_regions_1d`). Runs are cached: scrubbing through the
    checkpoints of one run costs nothing.

    Returns
    -------
    dict of read-only arrays
        ``"step"``, ``"loss"``, ``"length"``, ``"regions"``, one entry per checkpoint.

    Examples
    --------
    >>> run = training_run(depth=2, width=8, steps=10, every=5)
    >>> run["step"].tolist(), run["regions"].dtype.kind
    ([0, 5, 10], 'i')
    """
    depth, width = check_int("depth", depth), check_int("width", width)
    steps, every = check_int("steps", steps, minimum=0), check_int("every", every)
    sigma_w2 = check_real("sigma_w2", sigma_w2, nonnegative=True)
    regulariser = check_real("regulariser", regulariser, nonnegative=True)
    return _training_run(depth, width, sigma_w2, regulariser, steps, every, _check_seed(seed))

"""Networks: the one definition of an MLP that the whole course uses.

A network is an ordinary :class:`torch.nn.Sequential` of ``Linear`` layers with
``ReLU`` or ``Hardtanh`` between them; the last ``Linear`` is the readout and nothing
may follow it. Every exact algorithm in :mod:`exprlib` reads a network through
:func:`as_numpy`, which validates it once and returns float64 numpy arrays.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

__all__ = [
    "Activation",
    "NumpyMLP",
    "as_numpy",
    "from_weights",
    "load_npz",
    "random_mlp",
]

_ACTIVATIONS = ("relu", "hardtanh")


@dataclass(frozen=True)
class Activation:
    """A piecewise-linear activation: ``relu`` or ``hardtanh`` clipped to [lo, hi].

    Examples
    --------
    >>> Activation("hardtanh", -1.0, 1.0).pattern(np.array([-2.0, 0.0, 1.0]))
    array([-1,  0,  1], dtype=int8)
    """

    kind: str
    lo: float = 0.0
    hi: float = np.inf

    @property
    def thresholds(self) -> tuple[float, ...]:
        """Pre-activation values where the pattern (and the slope) changes."""
        return (0.0,) if self.kind == "relu" else (self.lo, self.hi)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        if self.kind == "relu":
            return np.maximum(z, 0.0)
        return np.clip(z, self.lo, self.hi)

    def pattern(self, z: np.ndarray) -> np.ndarray:
        """ReLU: 1 if z > 0 else 0. Hard-tanh: -1 if z <= lo, +1 if z >= hi, else 0."""
        if self.kind == "relu":
            return (z > 0).astype(np.int8)
        return (z >= self.hi).astype(np.int8) - (z <= self.lo).astype(np.int8)

    def slope(self, z: np.ndarray) -> np.ndarray:
        """Derivative on the open piece containing z (1 where the unit passes z on)."""
        if self.kind == "relu":
            return (z > 0).astype(np.float64)
        return ((z > self.lo) & (z < self.hi)).astype(np.float64)


@dataclass(frozen=True)
class NumpyMLP:
    """A validated float64 copy of a network: ``weights[l]`` is out x in, the last pair the readout."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activations: tuple[Activation, ...]

    @property
    def in_dim(self) -> int:
        return self.weights[0].shape[1]

    @property
    def out_dim(self) -> int:
        return self.weights[-1].shape[0]

    @property
    def widths(self) -> tuple[int, ...]:
        """Hidden widths n_1..n_L (the readout excluded)."""
        return tuple(w.shape[0] for w in self.weights[:-1])

    @property
    def depth(self) -> int:
        """Number of hidden layers L."""
        return len(self.activations)

    def preactivations(self, x: np.ndarray) -> list[np.ndarray]:
        """Pre-activations z_1..z_L of every hidden layer at the rows of x, each (n, n_l)."""
        out, h = [], x
        for w, b, act in zip(self.weights, self.biases, self.activations):
            z = h @ w.T + b
            out.append(z)
            h = act(z)
        return out

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The network's output at the rows of x, shape (n, out_dim)."""
        h = x
        for w, b, act in zip(self.weights, self.biases, self.activations):
            h = act(h @ w.T + b)
        return h @ self.weights[-1].T + self.biases[-1]


def _check_finite(name: str, array: np.ndarray) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(f"{name} must be finite; found {int(bad.sum())} NaN or infinite entries")


def as_numpy(net: nn.Module) -> NumpyMLP:
    """Validate a network and return its weights as float64 numpy arrays.

    Parameters
    ----------
    net : torch.nn.Sequential
        ``Linear`` layers with ``ReLU`` or ``Hardtanh`` between them, ending with a ``Linear``
        readout. float32 or float64; ``bias=False`` is allowed.

    Returns
    -------
    NumpyMLP

    Raises
    ------
    TypeError
        If ``net`` is not a ``Sequential`` or holds an unsupported layer.
    ValueError
        If the layers are in the wrong order, their sizes do not chain, or a weight is not finite.

    Examples
    --------
    >>> mlp = as_numpy(from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]]))
    >>> mlp.widths, mlp.forward(np.array([[-2.0]]))
    ((2,), array([[2.]]))
    """
    if not isinstance(net, nn.Sequential):
        raise TypeError(f"net must be a torch.nn.Sequential of Linear/ReLU/Hardtanh layers, got {type(net).__name__}")
    modules = list(net)
    if not modules:
        raise ValueError("net must contain at least one Linear layer, got an empty Sequential")
    weights, biases, activations = [], [], []
    for i, module in enumerate(modules):
        expect_linear = i % 2 == 0
        if isinstance(module, nn.Linear):
            if not expect_linear:
                raise ValueError(f"net[{i}] is a Linear right after another Linear; put a ReLU or Hardtanh between them")
            w = module.weight.detach().cpu().to(torch.float64).numpy().copy()
            b = (
                module.bias.detach().cpu().to(torch.float64).numpy().copy()
                if module.bias is not None
                else np.zeros(w.shape[0])
            )
            _check_finite(f"net[{i}].weight", w)
            _check_finite(f"net[{i}].bias", b)
            if weights and w.shape[1] != weights[-1].shape[0]:
                raise ValueError(
                    f"net[{i}] expects {w.shape[1]} inputs but the previous Linear gives {weights[-1].shape[0]}"
                )
            weights.append(w)
            biases.append(b)
        elif isinstance(module, (nn.ReLU, nn.Hardtanh)):
            if expect_linear:
                where = "first" if i == 0 else "right after another activation"
                raise ValueError(f"net[{i}] is an activation {where}; a network alternates Linear and activation")
            if isinstance(module, nn.ReLU):
                activations.append(Activation("relu"))
            else:
                activations.append(Activation("hardtanh", float(module.min_val), float(module.max_val)))
        else:
            raise TypeError(
                f"net[{i}] is {type(module).__name__}; only Linear, ReLU and Hardtanh layers are supported"
            )
    if not isinstance(modules[-1], nn.Linear):
        raise ValueError("net must end with a Linear readout; nothing may follow it (remove the trailing activation)")
    return NumpyMLP(tuple(weights), tuple(biases), tuple(activations))


def _activation_module(activation: str) -> nn.Module:
    if not isinstance(activation, str) or activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
    return nn.ReLU() if activation == "relu" else nn.Hardtanh()


def from_weights(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray | None],
    activation: str = "relu",
) -> nn.Sequential:
    """Build a float64 network from weight matrices (out x in) and bias vectors.

    Parameters
    ----------
    weights : sequence of (n_out, n_in) array_like
        One matrix per layer; the last one is the readout.
    biases : sequence of (n_out,) array_like or None
        One vector per layer (``None`` means no bias).
    activation : {"relu", "hardtanh"}
        Used after every layer but the last.

    Returns
    -------
    torch.nn.Sequential

    Examples
    --------
    >>> net = from_weights([[[1.0, -1.0]], [[2.0]]], [[0.0], [1.0]])
    >>> net(torch.tensor([[3.0, 1.0]], dtype=torch.float64))
    tensor([[5.]], dtype=torch.float64, grad_fn=<AddmmBackward0>)
    """
    if len(weights) != len(biases):
        raise ValueError(f"weights and biases must have the same length, got {len(weights)} and {len(biases)}")
    if len(weights) == 0:
        raise ValueError("weights must hold at least one (readout) matrix, got none")
    _activation_module(activation)
    layers: list[nn.Module] = []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w = np.asarray(w, dtype=np.float64)
        if w.ndim != 2:
            raise ValueError(f"weights[{i}] must be a 2-D (out x in) array, got shape {w.shape}")
        _check_finite(f"weights[{i}]", w)
        linear = nn.Linear(w.shape[1], w.shape[0], bias=b is not None, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            if b is not None:
                b = np.asarray(b, dtype=np.float64)
                if b.shape != (w.shape[0],):
                    raise ValueError(f"biases[{i}] must have shape ({w.shape[0]},), got {b.shape}")
                _check_finite(f"biases[{i}]", b)
                linear.bias.copy_(torch.from_numpy(b))
        if i > 0:
            layers.append(_activation_module(activation))
        layers.append(linear)
    net = nn.Sequential(*layers)
    as_numpy(net)  # chain-of-sizes check with a clear message
    return net


def random_mlp(
    in_dim: int,
    hidden: Sequence[int],
    out_dim: int = 1,
    *,
    activation: str = "relu",
    sigma_w: float = 2**0.5,
    sigma_b: float = 0.0,
    seed: int,
) -> nn.Sequential:
    """A random float64 MLP with W ~ N(0, sigma_w^2 / fan_in) and b ~ N(0, sigma_b^2).

    ``sigma_w`` is the standard deviation scale sigma_w (not sigma_w^2); the default sqrt(2) is
    He initialisation for ReLU. The same seed always gives the same network.

    Parameters
    ----------
    in_dim : int
        Number of inputs n_0.
    hidden : sequence of int
        Hidden widths n_1..n_L (may be empty: a linear model).
    out_dim : int, default 1
    activation : {"relu", "hardtanh"}
    sigma_w, sigma_b : float
        Non-negative scales.
    seed : int
        Required: every random experiment in the course is reproducible.

    Examples
    --------
    >>> net = random_mlp(2, [8, 8], seed=0)
    >>> [m.__class__.__name__ for m in net]
    ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
    >>> bool(torch.equal(net[0].weight, random_mlp(2, [8, 8], seed=0)[0].weight))
    True
    """
    sizes = [_check_size("in_dim", in_dim)]
    if isinstance(hidden, (int, np.integer)) or not isinstance(hidden, Sequence) and not isinstance(hidden, np.ndarray):
        raise TypeError(f"hidden must be a sequence of widths such as [16, 16], got {hidden!r}")
    sizes += [_check_size(f"hidden[{i}]", n) for i, n in enumerate(hidden)]
    sizes.append(_check_size("out_dim", out_dim))
    for name, value in (("sigma_w", sigma_w), ("sigma_b", sigma_b)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise TypeError(f"{name} must be a real number, got {value!r}")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {seed!r}")
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0.0, sigma_w / np.sqrt(fan_in), size=(fan_out, fan_in)))
        biases.append(rng.normal(0.0, sigma_b, size=fan_out) if sigma_b > 0 else np.zeros(fan_out))
    return from_weights(weights, biases, activation)


def _check_size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def load_npz(path: str | os.PathLike, activation: str = "relu") -> nn.Sequential:
    """Load a network saved as ``W0, b0, W1, b1, ...`` float64 arrays (PyTorch layout, out x in).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> np.savez(f, W0=np.eye(2), b0=np.zeros(2), W1=np.ones((1, 2)), b1=np.zeros(1))
    >>> [m.__class__.__name__ for m in load_npz(f)]
    ['Linear', 'ReLU', 'Linear']
    """
    with np.load(path) as data:
        n_layers = sum(1 for key in data.files if key.startswith("W"))
        missing = [k for i in range(n_layers) for k in (f"W{i}", f"b{i}") if k not in data.files]
        if n_layers == 0 or missing:
            raise ValueError(f"path must hold arrays W0, b0, W1, b1, ...; missing {missing or ['W0', 'b0']}")
        weights = [data[f"W{i}"] for i in range(n_layers)]
        biases = [data[f"b{i}"] for i in range(n_layers)]
    return from_weights(weights, biases, activation)

"""Checks for lesson 00-welcome: the activation pattern by hand, and regions cut by lines."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from torch import nn

from ._core import WrongAnswer, student_check, _lib, check_function_on_nets, check_integer, random_nets, reference

__all__ = ["check_activation_pattern", "check_regions_of_lines"]


def _pattern_variant(net: nn.Module, x: np.ndarray, *, strict: bool = True, bias: bool = True, relu: bool = True) -> np.ndarray:
    """The ReLU activation pattern computed with one of the usual slips switched on."""
    mlp = _lib("nets").as_numpy(net)
    hidden, parts = x, []
    for weight, b in zip(mlp.weights[:-1], mlp.biases[:-1]):
        z = hidden @ weight.T + (b if bias else 0.0)
        parts.append(z > 0 if strict else z >= 0)
        hidden = np.maximum(z, 0.0) if relu else z
    return np.concatenate(parts, axis=1).astype(np.int8)


_PATTERN_MISTAKES = (
    ("a unit whose pre-activation is exactly 0 is inactive, but your code counts it as active: look at how it compares z with 0.",
     functools.partial(_pattern_variant, strict=False)),
    ("did you forget the bias? Each layer computes z = h @ W.T + b.",
     functools.partial(_pattern_variant, bias=False)),
    ("apply ReLU between layers: the next layer sees h = max(z, 0), not z.",
     functools.partial(_pattern_variant, relu=False)),
)


def _pattern_shape_hints(net: nn.Module, x: np.ndarray) -> dict[tuple[int, ...], str]:
    mlp = _lib("nets").as_numpy(net)
    n, total = len(x), sum(mlp.widths)
    hints = {(n, mlp.widths[i]): "You returned one layer's units only: put all hidden layers side by side "
             "(np.concatenate(..., axis=1))." for i in range(mlp.depth)}
    hints[(n, total + mlp.out_dim)] = (
        "The readout (the last Linear) has no activation, so it is not a hidden unit: leave it out."
    )
    hints[(total, n)] = "Use one row per point and one column per hidden unit: you may have returned the transpose."
    return hints


def _pattern_locate(net: nn.Module, answer: np.ndarray, expected: np.ndarray) -> str:
    widths = _lib("nets").as_numpy(net).widths
    first_column = int(np.flatnonzero((answer != expected).any(axis=0))[0])
    layer = int(np.searchsorted(np.cumsum(widths), first_column, side="right")) + 1
    return f"The first wrong unit is in hidden layer {layer}."


def _pattern_cases(depths: Sequence[int], n_nets: int, seed: int) -> list[tuple[nn.Module, np.ndarray]]:
    from_weights = _lib("nets").from_weights
    cases = []
    if 1 in depths:
        # Two units facing opposite ways and a biased one; x = 0 and x = 1 sit exactly on kinks.
        net = from_weights([[[1.0], [-1.0], [1.0]], [[1.0, 1.0, -1.0]]], [[0.0, 0.0, -1.0], [0.0]])
        cases.append((net, np.array([[-2.0], [0.0], [0.5], [1.0], [3.0]])))
    if 2 in depths:
        # Layer 2 reads a unit that is negative at x = -1, so skipping ReLU in between shows.
        net = from_weights([[[1.0], [2.0]], [[1.0, -1.0], [-1.0, 1.0]], [[1.0, 1.0]]],
                           [[0.5, 0.0], [0.25, 0.0], [0.0]])
        cases.append((net, np.array([[-1.0], [-0.25], [0.0], [0.75], [2.0]])))
    rng = np.random.default_rng(seed)
    for net in random_nets(n_nets, depths=depths, seed=seed):
        in_dim = net[0].in_features
        # The origin (every pre-activation exactly 0 when biases are 0), integers, and Gaussians.
        points = np.vstack([np.zeros((1, in_dim)), rng.integers(-2, 3, size=(4, in_dim)), rng.normal(size=(15, in_dim))])
        cases.append((net, points.astype(np.float64)))
    return cases


@student_check
def check_activation_pattern(
    fn: Callable,
    *,
    depths: Sequence[int] = (1, 2, 3),
    n_nets: int = 8,
    seed: int = 0,
) -> None:
    """Check a hand-written ReLU activation pattern ``fn(net, x) -> (n, N) int8`` against exprlib.

    Runs on hand-made networks with points exactly on a boundary and on ``n_nets`` random
    networks of the given depths; diagnoses non-strict comparison, a forgotten bias, a missing
    ReLU between layers, an included readout, one layer only, and a transposed result.

    Parameters
    ----------
    fn : callable
        The student's ``activation_pattern_by_hand(net, x)``.
    depths : sequence of int
        Hidden depths of the networks tried.
    n_nets : int
        Number of random networks.
    seed : int
        Seed of the random networks and points.

    Raises
    ------
    AssertionError
        On the first network where ``fn`` disagrees with
        :func:`exprlib.regions.activation_pattern`.

    Examples
    --------
    >>> check_activation_pattern(lambda net, x: reference().regions.activation_pattern(net, x), n_nets=2)
    ✓ activation_pattern_by_hand agrees with exprlib on 4 networks. Your loop over layers is exactly what exprlib does.
    """
    check_function_on_nets(
        fn,
        _lib("regions").activation_pattern,
        _pattern_cases(depths, n_nets, seed),
        name="activation_pattern_by_hand",
        mistakes=_PATTERN_MISTAKES,
        shape_hints=_pattern_shape_hints,
        locate=_pattern_locate,
        praise="Your loop over layers is exactly what exprlib does.",
    )


@student_check
def check_regions_of_lines(answer: object, *, n_lines: int = 3, name: str = "regions") -> None:
    """Check "how many regions can ``n_lines`` lines cut the plane into?" (at most, in general position).

    The reference is :func:`exprlib.bounds.zaslavsky` with n_0 = 2 inputs.

    Parameters
    ----------
    answer : int
        The student's count.
    n_lines : int
        Number of lines.
    name : str
        How the message refers to the answer (the notebook's variable).

    Raises
    ------
    AssertionError
        If the count is wrong; the message says too high or too low, with a hint.

    Examples
    --------
    >>> check_regions_of_lines(4, n_lines=2)
    ✓ regions is right. Each new line is cut by the earlier ones into pieces, and each piece splits a region in two.
    """
    expected = _lib("bounds").zaslavsky(2, n_lines)
    hints = {
        n_lines + 1: "that is what parallel lines give; tilt them so that every pair crosses.",
        2**n_lines: f"{n_lines} lines cannot switch on and off in all 2^{n_lines} combinations in a plane: "
        "some combination of sides is always missing.",
    }
    hints.pop(expected, None)
    check_integer(
        answer,
        expected,
        name=name,
        hints=hints,
        too_low="Let every pair of lines cross, with no three through one point: the k-th line is cut by "
        "the earlier ones into k pieces, and each piece splits one region in two.",
        too_high="Count again line by line: a new line can only split the regions it passes through.",
        praise="Each new line is cut by the earlier ones into pieces, and each piece splits a region in two.",
    )



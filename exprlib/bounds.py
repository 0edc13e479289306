"""Closed-form bounds on the number of linear regions of ReLU (and hard-tanh) networks.

Every function takes a few integers (input dimension ``n_in`` = n_0, hidden widths
``widths`` = n_1..n_L) and returns an exact Python ``int``, so that bounds for deep, wide
networks never overflow or round. The paper's conditions are enforced: calling a bound
outside the regime where it was proved raises ``ValueError`` citing the condition.

- One hidden layer (Zaslavsky 1975; Pascanu et al. 2013): sum_{j<=n0} C(n1, j), exact max.
- Deep lower bound (Montufar et al. 2014): prod_{i<L} floor(n_i/n0)^n0 * sum_{j<=n0} C(n_L, j).
- Upper bound (Serra, Tjandraatmadja & Ramalingam 2018): a sum over the set J below.
- 1-D input, all widths >= 3 (Serra et al. 2018): exactly prod_l (n_l + 1).
- Activation patterns (Raghu et al. 2017): O(k^{mn}) for ReLU, O((2k)^{mn}) for hard-tanh.

These are functions of integers: ``math`` does the work; numpy integers are accepted too
(the shared checks in :mod:`exprlib._validation` need only numpy).
"""

from __future__ import annotations

import math
from typing import Sequence

from ._validation import check_int, check_widths

__all__ = [
    "montufar_lower",
    "raghu_patterns",
    "serra_1d_max",
    "serra_upper",
    "trivial_upper",
    "zaslavsky",
]

_ACTIVATIONS = ("relu", "hardtanh")


def _check_activation(activation: object) -> str:
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a str, one of {_ACTIVATIONS}, got {activation!r}")
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {_ACTIVATIONS}, got {activation!r}")
    return activation


def zaslavsky(n_in: int, n_units: int) -> int:
    """Regions of ``n_units`` hyperplanes in general position in R^n_in (one hidden layer).

    .. math:: r(n_0, n_1) = \\sum_{j=0}^{n_0} \\binom{n_1}{j}

    This is the exact maximum number of linear regions of a one-hidden-layer ReLU network
    with ``n_in`` inputs and ``n_units`` hidden units, attained when the units' hyperplanes
    are in general position. With ``n_units <= n_in`` it is ``2**n_units``.

    Parameters
    ----------
    n_in : int
        Input dimension n_0 >= 1.
    n_units : int
        Number of hyperplanes (hidden units) n_1 >= 1.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If an argument is not an int (``bool`` included).
    ValueError
        If an argument is < 1.

    References
    ----------
    T. Zaslavsky, "Facing up to arrangements", Mem. AMS 154 (1975).
    R. Pascanu, G. Montufar, Y. Bengio, "On the number of response regions of deep feed
    forward networks with piece-wise linear activations", arXiv:1312.6098 (2013).

    Examples
    --------
    >>> zaslavsky(2, 5)
    16
    >>> zaslavsky(1, 7), zaslavsky(3, 2)
    (8, 4)
    """
    n_in = check_int("n_in", n_in)
    n_units = check_int("n_units", n_units)
    return sum(math.comb(n_units, j) for j in range(n_in + 1))


def montufar_lower(n_in: int, widths: Sequence[int]) -> int:
    """Montufar et al.'s lower bound on the maximal number of regions of a deep ReLU net.

    .. math:: \\Big(\\prod_{i=1}^{L-1} \\lfloor n_i / n_0 \\rfloor^{n_0}\\Big)
              \\sum_{j=0}^{n_0} \\binom{n_L}{j}

    Valid when every width is at least ``n_in``. It is realised by the folding construction
    :func:`exprlib.constructions.montufar_net`: each of the first L-1 layers folds every input
    coordinate into floor(n_i/n_0) teeth, and the last layer's hyperplane arrangement is
    replicated in every fold.

    Parameters
    ----------
    n_in : int
        Input dimension n_0 >= 1.
    widths : sequence of int
        Hidden widths n_1..n_L, each >= ``n_in``.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``n_in`` or a width is not an int, or ``widths`` is not a sequence.
    ValueError
        If a value is < 1, ``widths`` is empty, or a width is < ``n_in``.

    References
    ----------
    G. Montufar, R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep
    neural networks", NeurIPS 2014, arXiv:1402.1869.

    Examples
    --------
    >>> montufar_lower(2, [4, 4, 4])
    176
    >>> montufar_lower(1, [3, 3, 3]), montufar_lower(2, [3, 5])
    (36, 16)
    """
    n_in = check_int("n_in", n_in)
    widths = check_widths(widths)
    if any(n < n_in for n in widths):
        raise ValueError(
            f"montufar_lower needs every width >= n_in (Montúfar et al. 2014); got widths={widths} for n_in={n_in}"
        )
    folds = math.prod((n // n_in) ** n_in for n in widths[:-1])
    return folds * zaslavsky(n_in, widths[-1])


def serra_upper(n_in: int, widths: Sequence[int]) -> int:
    """Serra, Tjandraatmadja & Ramalingam's upper bound on the regions of a ReLU network.

    .. math:: \\sum_{(j_1, \\dots, j_L) \\in J} \\prod_{l=1}^{L} \\binom{n_l}{j_l},\\quad
              J = \\{0 \\le j_l \\le \\min(n_0, n_1 - j_1, \\dots, n_{l-1} - j_{l-1}, n_l)\\}

    j_l counts the units of layer l that are inactive in a region (at most the dimension the
    layer sees), so n_l - j_l units stay active and the layer passes on an image of dimension at
    most n_l - j_l; the running minimum ("cap") of the dimensions seen so far bounds every later
    layer. This shows the bottleneck effect: a narrow
    early layer caps everything after it. The bound is tight for L = 1 (:func:`zaslavsky`) and
    implies Montufar et al. 2017's prod_l sum_{j<=d_l} C(n_l, j), d_l = min(n_0, n_1..n_l).

    Computed by dynamic programming over the running cap (at most n_0 + 1 states per layer),
    so it costs O(L * n_0^2) big-integer operations instead of enumerating J.

    Parameters
    ----------
    n_in : int
        Input dimension n_0 >= 1.
    widths : sequence of int
        Hidden widths n_1..n_L, each >= 1.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``n_in`` or a width is not an int, or ``widths`` is not a sequence.
    ValueError
        If a value is < 1 or ``widths`` is empty.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
    neural networks", ICML 2018, arXiv:1711.02114.

    Examples
    --------
    >>> serra_upper(2, [3, 3])
    40
    >>> serra_upper(2, [5]) == zaslavsky(2, 5)
    True
    >>> serra_upper(2, [1, 100])  # a 1-unit bottleneck leaves a 1-D image
    102
    """
    n_in = check_int("n_in", n_in)
    widths = check_widths(widths)
    # weight[c] = sum over the choices (j_1..j_{l-1}) whose running cap is c of prod C(n_i, j_i).
    weight = {n_in: 1}
    for n in widths:
        next_weight: dict[int, int] = {}
        for cap, w in weight.items():
            for j in range(min(cap, n) + 1):
                new_cap = min(cap, n - j)
                next_weight[new_cap] = next_weight.get(new_cap, 0) + w * math.comb(n, j)
        weight = next_weight
    return sum(weight.values())


def serra_1d_max(widths: Sequence[int]) -> int:
    """The exact maximal number of regions of a ReLU net with one input and all widths >= 3.

    .. math:: \\prod_{l=1}^{L} (n_l + 1)

    Serra et al. (2018) show that for n_0 = 1 and every n_l >= 3 their upper bound is
    attained; :func:`exprlib.constructions.serra_1d_net` builds such a network.

    Parameters
    ----------
    widths : sequence of int
        Hidden widths n_1..n_L, each >= 3.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If a width is not an int or ``widths`` is not a sequence.
    ValueError
        If ``widths`` is empty or a width is < 3.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
    neural networks", ICML 2018, arXiv:1711.02114.

    Examples
    --------
    >>> serra_1d_max([3, 3])
    16
    >>> serra_1d_max([4, 5, 3]) == serra_upper(1, [4, 5, 3])
    True
    """
    widths = check_widths(widths)
    if any(n < 3 for n in widths):
        raise ValueError(
            f"serra_1d_max needs every width >= 3 (Serra et al. 2018, 1-D input); got widths={widths}"
        )
    return math.prod(n + 1 for n in widths)


def trivial_upper(widths: Sequence[int], activation: str = "relu") -> int:
    """The trivial bound: the number of possible activation patterns.

    .. math:: 2^N \\text{ (ReLU)}, \\quad 3^N \\text{ (hard-tanh)}, \\qquad N = \\sum_l n_l

    Each ReLU unit is on or off, each hard-tanh unit is saturated low, linear or saturated
    high. Any region count is at most this, whatever the input dimension.

    Parameters
    ----------
    widths : sequence of int
        Hidden widths n_1..n_L, each >= 1.
    activation : {"relu", "hardtanh"}, default "relu"

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If a width or ``activation`` has the wrong type.
    ValueError
        If ``widths`` is empty, a width is < 1, or ``activation`` is unknown.

    Examples
    --------
    >>> trivial_upper([3, 3])
    64
    >>> trivial_upper([2, 1], activation="hardtanh")
    27
    """
    widths = check_widths(widths)
    activation = _check_activation(activation)
    states = 2 if activation == "relu" else 3
    return states ** sum(widths)


def raghu_patterns(n_in: int, width: int, depth: int, activation: str = "relu") -> int:
    """The leading term of Raghu et al.'s bound on activation patterns: an ORDER OF GROWTH.

    .. math:: O(k^{mn}) \\text{ (ReLU)}, \\qquad O((2k)^{mn}) \\text{ (hard-tanh)}

    for m = ``n_in`` inputs and n = ``depth`` hidden layers of width k = ``width``. The
    theorem is asymptotic: the returned integer k^{mn} (or (2k)^{mn}) is the term inside
    O(.), without the unspecified constant, so it is not a count and not a strict bound.
    Use it to compare growth rates (e.g. in depth versus width), never to check a count.

    Parameters
    ----------
    n_in : int
        Input dimension m >= 1.
    width : int
        Width k >= 1 of every hidden layer.
    depth : int
        Number of hidden layers n >= 1.
    activation : {"relu", "hardtanh"}, default "relu"

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a count is < 1 or ``activation`` is unknown.

    References
    ----------
    M. Raghu, B. Poole, J. Kleinberg, S. Ganguli, J. Sohl-Dickstein, "On the expressive
    power of deep neural networks", ICML 2017, arXiv:1606.05336.

    Examples
    --------
    >>> raghu_patterns(2, 4, 3)
    4096
    >>> raghu_patterns(1, 3, 2, activation="hardtanh")
    36
    """
    n_in = check_int("n_in", n_in)
    width = check_int("width", width)
    depth = check_int("depth", depth)
    activation = _check_activation(activation)
    base = width if activation == "relu" else 2 * width
    return base ** (n_in * depth)

"""Hand-built ReLU networks that attain the region-count bounds of :mod:`exprlib.bounds`.

- :func:`sawtooth`: Telgarsky's tent map composed k times, 2 units per layer, 2^k regions on [0, 1].
- :func:`montufar_net`: Montufar et al.'s folding construction, at least
  ``montufar_lower(n_in, widths)`` regions on the unit cube.
- :func:`serra_1d_net`: one input, exactly prod_l (n_l + 1) regions on [0, 1] (Serra et al. 2018).
- :func:`relu_interpolant`: one hidden layer of n units through n + 1 points, exactly.

All of them fold into one recurring idea: a layer computes a piecewise-linear map of a
low-dimensional *signal* (the previous layer's output combined by fixed coefficients), and the
next layer's weights are that combination multiplied into its own, so the networks are plain
``Linear``/``ReLU`` stacks built with :func:`exprlib.nets.from_weights` (float64).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from torch import nn

from ._validation import check_int, check_widths
from .nets import from_weights

__all__ = ["fold_coordinates", "montufar_net", "relu_interpolant", "sawtooth", "serra_1d_net", "zigzag_layer"]

# Pre-activation of a unit that must stay off everywhere (Montufar's leftover units). A
# negative bias instead of 0 keeps z strictly below the ReLU threshold, so no region counter
# has to decide the sign of an exact zero.
_DEAD_BIAS = -1.0


def _stack(
    unit_weights: list[np.ndarray],
    unit_biases: list[np.ndarray],
    mix_weights: list[np.ndarray],
    mix_biases: list[np.ndarray],
) -> nn.Sequential:
    """Chain layers that each read a fixed combination (the signal) of the previous layer.

    Layer l computes z_l = U_l s_{l-1} + v_l from the signal s_{l-1} = M_{l-1} h_{l-1} + m_{l-1}
    (s_0 = x), so its weights are U_l M_{l-1} and its bias U_l m_{l-1} + v_l. The last mix
    (M_L, m_L) is the readout.
    """
    weights, biases = [unit_weights[0]], [unit_biases[0]]
    for u, v, m_w, m_b in zip(unit_weights[1:], unit_biases[1:], mix_weights[:-1], mix_biases[:-1]):
        weights.append(u @ m_w)
        biases.append(u @ m_b + v)
    weights.append(mix_weights[-1])
    biases.append(mix_biases[-1])
    return from_weights(weights, biases, "relu")


def sawtooth(depth: int) -> nn.Sequential:
    """Telgarsky's sawtooth: the tent map f composed ``depth`` times, 2 ReLUs per layer.

    .. math:: f(z) = \\mathrm{relu}(2\\,\\mathrm{relu}(z) - 4\\,\\mathrm{relu}(z - 1/2)),
              \\qquad \\text{net}(x) = f^{k}(x) \\text{ on } [0, 1]

    The first ``Linear`` maps x to [x, x - 1/2]; every hidden layer then reads
    y = 2 h_1 - 4 h_2 folded into its weights, and the readout is 2 h_1 - 4 h_2. On [0, 1]
    f^k has 2^k linear pieces, and the net has exactly 2^k activation regions there: the
    units relu(y) touch zero at dyadic points without crossing it. Outside [0, 1] the net
    differs from f^k (for x > 1 the last outer ReLU is missing, so the output is negative).

    Parameters
    ----------
    depth : int
        Number k >= 1 of compositions (= hidden layers). Beyond k of about 50 the 2^k
        breakpoints are closer than float64 resolves.

    Returns
    -------
    torch.nn.Sequential
        float64, widths [2] * depth, one input and one output.

    Raises
    ------
    TypeError
        If ``depth`` is not an int.
    ValueError
        If ``depth`` < 1.

    References
    ----------
    M. Telgarsky, "Benefits of depth in neural networks", COLT 2016, arXiv:1602.04485.

    Examples
    --------
    >>> from exprlib.nets import as_numpy
    >>> mlp = as_numpy(sawtooth(2))
    >>> mlp.widths, mlp.forward(np.array([[0.0], [0.125], [0.25], [0.5]])).ravel()
    ((2, 2), array([0. , 0.5, 1. , 0. ]))
    """
    depth = check_int("depth", depth)
    hinge_w = np.array([[1.0], [1.0]])  # z -> [z, z - 1/2]
    hinge_b = np.array([0.0, -0.5])
    tent_w = np.array([[2.0, -4.0]])  # [h1, h2] -> y = 2 h1 - 4 h2
    tent_b = np.zeros(1)
    return _stack([hinge_w] * depth, [hinge_b] * depth, [tent_w] * depth, [tent_b] * depth)


def _fold_layer(n_in: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Montufar's folding of each of ``n_in`` coordinates of [0, 1]^n_in into p teeth.

    Group j (units j*p .. j*p + p - 1) reads coordinate s_j: unit k = 0..p-1 is
    relu(p s_j - k), and the folded coordinate is h_0 - 2 h_1 + 2 h_2 - ... (signs
    alternating), a zig-zag whose k-th tooth maps [k/p, (k+1)/p] monotonically onto [0, 1].
    This is the paper's h_1 = relu(x), h_k = relu(2x - (k-1)) rescaled so that every tooth has
    the same image [0, 1]. Leftover units (width mod n_in) get zero weights and stay off.

    Returns U (width, n_in), v (width,), M (n_in, width), m (n_in,).
    """
    p = width // n_in
    unit_w = np.zeros((width, n_in))
    unit_b = np.full(width, _DEAD_BIAS)
    mix_w = np.zeros((n_in, width))
    k = np.arange(p)
    teeth_signs = np.where(k == 0, 1.0, 2.0 * (-1.0) ** k)  # [1, -2, 2, -2, ...]
    for j in range(n_in):
        units = j * p + k
        unit_w[units, j] = p
        unit_b[units] = -k
        mix_w[j, units] = teeth_signs
    return unit_w, unit_b, mix_w, np.zeros(n_in)


def _arrangement_layer(n_in: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``width`` hyperplanes in general position with every vertex inside (0, 1)^n_in.

    Hyperplane i is {x : sum_k t_i^(k-1) x_k = t_i^n_in} for distinct t_i in (-1, 1): a point
    x lies on it iff t_i is a root of t^n_in - sum_k x_k t^(k-1), a polynomial of degree n_in,
    so no n_in + 1 hyperplanes share a point, and any n_in meet in exactly one point
    (Vandermonde). That vertex has x_k = +-e_(n_in-k+1)(t_S), an elementary symmetric
    polynomial of n_in numbers in (-1, 1), so |x_k| < C(n_in, k-1) =: B_k, and the map
    u_k = 1/2 + x_k / (2 B_k) puts every vertex strictly inside the unit cube. In 2-D these are
    tangent lines of a parabola. Every region of a general-position arrangement has a vertex
    on its boundary, so all sum_{j<=n_in} C(width, j) regions meet the cube.

    Returns U (width, n_in), v (width,) with rows scaled to unit norm.
    """
    t = np.linspace(-1.0, 1.0, width + 2)[1:-1]  # (width,) distinct, strictly inside (-1, 1)
    powers = t[:, None] ** np.arange(n_in)  # (width, n_in): t_i^(k-1)
    bound = np.array([math.comb(n_in, k) for k in range(n_in)], dtype=np.float64)  # B_k
    # x_k = B_k (2 u_k - 1):  sum_k t^(k-1) B_k (2 u_k - 1) - t^n_in
    unit_w = 2.0 * powers * bound
    unit_b = -(powers * bound).sum(axis=1) - t**n_in
    # A positive rescaling leaves each hyperplane and its sides unchanged; unit rows keep the
    # pre-activations of all units on one scale.
    norm = np.linalg.norm(unit_w, axis=1)
    return unit_w / norm[:, None], unit_b / norm


def montufar_net(n_in: int, widths: Sequence[int]) -> nn.Sequential:
    """Montufar et al.'s folding ("zig-zag") network on the unit cube [0, 1]^n_in.

    Each hidden layer but the last splits its n_l units into n_in groups of
    p_l = floor(n_l / n_in) (leftover units get zero weights and stay off); group j folds
    coordinate j of [0, 1] into p_l monotone teeth that all map onto [0, 1]. After L - 1
    layers the cube is folded onto itself prod_l p_l^n_in times. The last hidden layer is an
    arrangement of n_L hyperplanes in general position with every vertex inside the folded
    cube, which has sum_{j<=n_in} C(n_L, j) regions there and is replicated in every fold. So
    on [0, 1]^n_in the network has at least

    .. math:: \\Big(\\prod_{l=1}^{L-1} p_l^{n_0}\\Big) \\sum_{j=0}^{n_0} \\binom{n_L}{j}
              = \\texttt{montufar\\_lower(n\\_in, widths)}

    regions. The readout is the sum of the last layer's units.

    Parameters
    ----------
    n_in : int
        Input dimension n_0 >= 1.
    widths : sequence of int
        Hidden widths n_1..n_L, each >= ``n_in``.

    Returns
    -------
    torch.nn.Sequential
        float64 ReLU network, ``n_in`` inputs, one output.

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
    >>> from exprlib.nets import as_numpy
    >>> mlp = as_numpy(montufar_net(2, [7, 3]))  # p = 3 teeth per coordinate, 1 unit left over
    >>> mlp.widths, mlp.in_dim, bool((mlp.weights[0][6] == 0).all())
    ((7, 3), 2, True)
    """
    n_in = check_int("n_in", n_in)
    widths = check_widths(widths)
    if any(n < n_in for n in widths):
        raise ValueError(
            f"montufar_net needs every width >= n_in (Montúfar et al. 2014); got widths={widths} for n_in={n_in}"
        )
    layers = [_fold_layer(n_in, n) for n in widths[:-1]]
    arrangement_w, arrangement_b = _arrangement_layer(n_in, widths[-1])
    unit_w = [u for u, _, _, _ in layers] + [arrangement_w]
    unit_b = [v for _, v, _, _ in layers] + [arrangement_b]
    mix_w = [m for _, _, m, _ in layers] + [np.ones((1, widths[-1]))]
    mix_b = [m for _, _, _, m in layers] + [np.zeros(1)]
    return _stack(unit_w, unit_b, mix_w, mix_b)


def _serra_tooth_layer(width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """n = ``width`` >= 3 ReLUs whose combination g maps [0, 1] onto [0, 1] in n + 1 teeth.

    Breakpoints c_1 = 1/(2n+1), c_k = (2k-1)/(2n+1): the first tooth is half as wide as the
    others, so its slope is -(2n+1) and the others' are +-(n + 1/2), alternating, each tooth
    spanning [0, 1]. A combination of hinges sum_k a_k relu(+-(s - c_k)) changes slope by a_k
    at c_k whichever way the hinge faces, and its slope on the first tooth is minus the sum of
    a_k over the hinges that face left, relu(c_k - s). That slope is -(2n+1), and the jump at
    c_3 is exactly +(2n+1), so unit 3 faces left and all others face right. (With equal teeth
    no subset of the jumps works, and with unit 1 facing left g is flat on [c_1, c_2]; this
    is why n >= 3.) All breakpoints are interior, so no unit touches a tooth's end.

    Returns U (width, 1), v (width,), a (1, width), const (1,).
    """
    n = width
    k = np.arange(1, n + 1)
    breaks = (2.0 * k - 1.0) / (2 * n + 1)  # (n,) c_1 < ... < c_n, all in (0, 1)
    tooth = np.arange(n + 1)
    slopes = np.where(tooth == 0, -(2.0 * n + 1.0), (n + 0.5) * (-1.0) ** (tooth + 1))  # (n+1,)
    jumps = np.diff(slopes)  # (n,) a_k
    faces_left = k == 3
    unit_w = np.where(faces_left, -1.0, 1.0)[:, None]
    unit_b = np.where(faces_left, breaks, -breaks)
    # g(0) = 1: only the left-facing hinge is on at s = 0, contributing a_3 c_3.
    const = 1.0 - jumps[faces_left] @ breaks[faces_left]
    return unit_w, unit_b, jumps[None, :], np.array([const])


def serra_1d_net(widths: Sequence[int]) -> nn.Sequential:
    """A one-input ReLU net with exactly prod_l (n_l + 1) regions on [0, 1] (Serra et al. 2018).

    Every layer's n_l units, all with interior breakpoints, combine into a zig-zag g_l that
    maps [0, 1] onto [0, 1] in n_l + 1 monotone teeth (see the Notes); the next layer reads
    g_l. Each tooth of the composition crosses each of the next layer's breakpoints once, so
    the number of regions on [0, 1] is

    .. math:: \\prod_{l=1}^{L} (n_l + 1) = \\texttt{serra\\_1d\\_max(widths)},

    the exact maximum for one input. The readout is g_L, so the output zig-zags between 0 and 1
    prod_l (n_l + 1) times.

    Parameters
    ----------
    widths : sequence of int
        Hidden widths n_1..n_L, each >= 3.

    Returns
    -------
    torch.nn.Sequential
        float64 ReLU network, one input, one output.

    Raises
    ------
    TypeError
        If a width is not an int or ``widths`` is not a sequence.
    ValueError
        If ``widths`` is empty or a width is < 3.

    Notes
    -----
    Layer breakpoints are c_1 = 1/(2n+1), c_k = (2k-1)/(2n+1); the first tooth has slope
    -(2n+1), the others +-(n + 1/2). The unit at c_3 is relu(c_3 - s) and the others are
    relu(s - c_k): a zig-zag needs one left-facing hinge whose slope jump equals minus the
    first tooth's slope, which is why three units are the minimum.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
    neural networks", ICML 2018, arXiv:1711.02114.

    Examples
    --------
    >>> from exprlib.nets import as_numpy
    >>> mlp = as_numpy(serra_1d_net([3]))  # teeth [0, 1/7], [1/7, 3/7], [3/7, 5/7], [5/7, 1]
    >>> y = mlp.forward(np.array([[0.0], [1 / 7], [3 / 7], [5 / 7], [1.0]])).ravel()
    >>> bool(np.allclose(y, [1.0, 0.0, 1.0, 0.0, 1.0], rtol=0.0, atol=1e-12))
    True
    """
    widths = check_widths(widths)
    if any(n < 3 for n in widths):
        raise ValueError(f"serra_1d_net needs every width >= 3 (Serra et al. 2018, 1-D input); got widths={widths}")
    layers = [_serra_tooth_layer(n) for n in widths]
    return _stack(*(list(parts) for parts in zip(*layers)))


def _as_vector(name: str, values: object) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(values).__name__}") from err
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN; found {int(np.isnan(arr).sum())} NaN entries")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; found {int((~np.isfinite(arr)).sum())} infinite entries")
    return arr


def relu_interpolant(xs: Sequence[float], ys: Sequence[float]) -> nn.Sequential:
    """The piecewise-linear interpolant of (x_0, y_0), ..., (x_n, y_n) as n ReLUs.

    .. math:: f(x) = y_0 + s_0\\,\\mathrm{relu}(x - x_0)
              + \\sum_{i=1}^{n-1} (s_i - s_{i-1})\\,\\mathrm{relu}(x - x_i),
              \\qquad s_i = \\frac{y_{i+1} - y_i}{x_{i+1} - x_i}

    One hidden layer of n = len(xs) - 1 units; on [x_0, x_n] the net equals the interpolant
    (up to float64 rounding). Left of x_0 it is constant y_0; right of x_n it extends the last
    slope. For a smooth f sampled with spacing h the error is at most h^2/8 max|f''|.

    Parameters
    ----------
    xs : (n + 1,) array_like
        Strictly increasing knots, at least 2.
    ys : (n + 1,) array_like
        Values at the knots.

    Returns
    -------
    torch.nn.Sequential
        float64 ReLU network with one input, widths [n], one output.

    Raises
    ------
    TypeError
        If ``xs`` or ``ys`` is not numeric.
    ValueError
        If they are not 1-D, differ in length, have fewer than 2 points, contain NaN or
        infinity, or ``xs`` is not strictly increasing.

    Examples
    --------
    >>> from exprlib.nets import as_numpy
    >>> mlp = as_numpy(relu_interpolant([0.0, 1.0, 3.0], [1.0, 3.0, 2.0]))
    >>> mlp.widths, mlp.forward(np.array([[-1.0], [0.5], [1.0], [3.0]])).ravel()
    ((2,), array([1., 2., 3., 2.]))
    """
    xs = _as_vector("xs", xs)
    ys = _as_vector("ys", ys)
    if xs.shape != ys.shape:
        raise ValueError(f"xs and ys must have the same length, got {len(xs)} and {len(ys)}")
    if len(xs) < 2:
        raise ValueError(f"xs must hold at least 2 points to interpolate, got {len(xs)}")
    steps = np.diff(xs)
    if (steps <= 0).any():
        i = int(np.argmax(steps <= 0))
        previous, following = float(xs[i]), float(xs[i + 1])
        raise ValueError(
            f"xs must be strictly increasing; got xs[{i}]={previous!r} followed by xs[{i + 1}]={following!r}"
        )
    slopes = np.diff(ys) / steps  # (n,) s_i
    slope_changes = np.diff(slopes, prepend=0.0)  # (n,) s_0, s_1 - s_0, ...
    hidden_w = np.ones((len(steps), 1))
    hidden_b = -xs[:-1]
    return from_weights([hidden_w, slope_changes[None, :]], [hidden_b, ys[:1]], "relu")


def zigzag_layer(width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One layer of :func:`serra_1d_net`: ``width`` ReLUs whose combination has width + 1 teeth.

    Unit k computes relu(U[k, 0] s + v[k]) of a scalar signal s, and the combination
    g(s) = M @ relu(U s + v) + m maps [0, 1] onto [0, 1] in ``width + 1`` monotone teeth,
    alternating down and up, with every unit's breakpoint inside (0, 1). One unit faces left
    (it is on at s = 0): without it g would be flat before the first breakpoint, and n units
    could make only n teeth. To chain layers, layer l + 1 reads g_l = M_l h_l + m_l, so its
    weights are U_{l+1} M_l and its bias U_{l+1} m_l + v_{l+1}.

    Parameters
    ----------
    width : int
        Number of units n >= 3.

    Returns
    -------
    U : (width, 1) ndarray
        Unit weights.
    v : (width,) ndarray
        Unit biases.
    M : (1, width) ndarray
        Combination weights.
    m : (1,) ndarray
        Combination constant.

    Raises
    ------
    TypeError
        If ``width`` is not an int.
    ValueError
        If ``width`` < 3.

    Notes
    -----
    Why three units at least: on the first tooth only the left-facing unit is on, so g's slope
    there is minus that unit's slope jump. With teeth of equal width every jump is twice a
    tooth's slope, so no unit's jump fits, and the first tooth is made half as wide. Facing left
    at the first kink would leave g flat between the first and second kinks (nothing is on
    there), so the left-facing unit sits at the third kink: n >= 3. Two units cannot make three
    alternating teeth at all: facing the same way they leave g flat at one end, and with
    relu(s - c_1) and relu(c_2 - s) the slopes are -a_2, a_1 - a_2 and a_1, which cannot
    alternate in sign.

    References
    ----------
    T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
    neural networks", ICML 2018, arXiv:1711.02114.

    Examples
    --------
    >>> U, v, M, m = zigzag_layer(3)
    >>> s = np.array([0.0, 1 / 7, 3 / 7, 5 / 7, 1.0])  # the ends of the 4 teeth
    >>> g = np.maximum(s[:, None] @ U.T + v, 0.0) @ M.T + m
    >>> U.shape, bool(np.allclose(g.ravel(), [1.0, 0.0, 1.0, 0.0, 1.0], rtol=0.0, atol=1e-12))
    ((3, 1), True)
    """
    width = check_int("width", width)
    if width < 3:
        raise ValueError(f"zigzag_layer needs width >= 3 (one unit must face left), got width={width}")
    return _serra_tooth_layer(width)


def fold_coordinates(n_in: int, widths: Sequence[int], points: np.ndarray) -> list[np.ndarray]:
    """Where Montufar's folding layers send ``points``: the folded coordinates after each fold.

    :func:`montufar_net` folds every coordinate of [0, 1]^n_in into p_l = floor(n_l / n_in)
    teeth in each of its first L - 1 layers. Entry l of the result is the signal that layer
    l + 2 reads, s_l = M_l h_l + m_l, at every point: a point of [0, 1]^n_in again. Points in
    the same position of different folds land on the same s_l, which is why every region of
    the last layer is repeated in every fold.

    Parameters
    ----------
    n_in : int
        Input dimension n_0 >= 1.
    widths : sequence of int
        Hidden widths n_1..n_L, each >= ``n_in`` (as :func:`montufar_net`).
    points : (m, n_in) array_like
        Input points.

    Returns
    -------
    list of (m, n_in) ndarrays
        L - 1 arrays, one per folding layer (empty for L = 1).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a width is < ``n_in`` or ``points`` does not have shape (m, n_in).

    Examples
    --------
    >>> folds = fold_coordinates(1, [2, 2, 2], [[0.0], [0.25], [0.5], [0.75], [1.0]])
    >>> len(folds), folds[0].ravel().tolist(), folds[1].ravel().tolist()
    (2, [0.0, 0.5, 1.0, 0.5, 0.0], [0.0, 1.0, 0.0, 1.0, 0.0])
    """
    n_in = check_int("n_in", n_in)
    widths = check_widths(widths)
    if any(n < n_in for n in widths):
        raise ValueError(f"fold_coordinates needs every width >= n_in, got widths={widths} for n_in={n_in}")
    try:
        signal = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"points must be an (m, {n_in}) array of numbers, got {type(points).__name__}") from err
    if signal.ndim != 2 or signal.shape[1] != n_in:
        raise ValueError(f"points must have shape (m, {n_in}), got {signal.shape}")
    folds = []
    for n in widths[:-1]:
        unit_w, unit_b, mix_w, mix_b = _fold_layer(n_in, n)
        signal = np.maximum(signal @ unit_w.T + unit_b, 0.0) @ mix_w.T + mix_b  # (m, n_in)
        folds.append(signal)
    return folds

"""Trajectory length: how a curve's length grows through the layers (Raghu et al. 2017).

Push a curve x(t) through a network and measure the length of its image after every hidden
layer. For hard-tanh nets with large weights the length grows exponentially with depth: Raghu et
al. prove E[l(z^(d))] >= O(beta^d) l(x) with
beta = sigma_w sqrt(k) / sqrt(sigma_w^2 + sigma_b^2 + k sqrt(sigma_w^2 + sigma_b^2)), and mean-field
theory predicts the per-layer factor sqrt(chi_1). For ReLU nets the factor is about sigma_w / sqrt(2):
at He initialisation (sigma_w = sqrt(2)) the length does not grow (Hanin, Jeong & Rolnick 2022).
The number of activation-pattern changes along the curve ("transitions") grows with the length.

Sampled lengths (:func:`layer_lengths` of a polyline) are lower bounds on the true lengths of the
image curves; :func:`exact_layer_lengths` (segments) and :func:`exact_layer_lengths_arc` (arcs) are
exact, built on the exact breakpoints of :mod:`exprlib.regions`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from scipy import optimize, special
from torch import nn

from ._validation import as_float_array, as_input_vector, check_int, check_real
from .nets import NumpyMLP, as_numpy
from .regions import breakpoints_1d, breakpoints_arc

__all__ = [
    "ARC_SEED_OFFSET",
    "arc",
    "arc_endpoints",
    "arc_length_experiment",
    "exact_arc_profile",
    "exact_layer_lengths",
    "exact_layer_lengths_arc",
    "exact_layer_transitions_arc",
    "exact_transitions_arc",
    "growth_rate",
    "hardtanh_meanfield_growth",
    "layer_images",
    "layer_lengths",
    "length",
    "perturbation_by_layer",
    "project_2d",
    "raghu_beta",
    "raghu_relu_bound",
    "relu_growth",
    "transitions",
]

# Points are pushed through the net in blocks of at most this many float64 entries per layer
# (2**21 entries = 16 MiB), so 10^5 points x width 100 x depth 12 never holds a whole layer at once.
_CHUNK_ENTRIES = 2**21

# Root finding for the variance fixed point, in units u = q* / max(sigma_w, sigma_b)^2 in [0, 2]:
# absolute tolerance far below any u* that matters (u* -> 0 continuously as sigma_w -> 1+ with
# sigma_b = 0), relative tolerance a few ulps (brentq's smallest allowed, 4 eps).
_U_XTOL = 1e-300
_U_RTOL = 4 * np.finfo(np.float64).eps
# erf(r) = (2 / sqrt(pi)) r (1 - r^2 / 3 + ...): below 1e-8 the correction is under 1e-16, so the
# linear form is exact to rounding and lets huge scales avoid subnormal intermediates.
_ERF_LINEAR_BELOW = 1e-8


# --------------------------------------------------------------------------------------------------
# validation helpers


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative int, got {seed!r} of type {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return int(seed)


def _check_points(points: object, name: str = "points", dim: int | None = None) -> np.ndarray:
    """A finite float64 (n, d) array with n >= 2 (a polyline needs two vertices)."""
    arr = as_float_array(points, name, expected="an array of real numbers")
    expected = f"(n, {dim})" if dim is not None else "(n, d)"
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D {expected} array of n >= 2 points, got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"{name} must hold at least 2 points (rows), got {arr.shape[0]}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have shape {expected} for this network (input dimension {dim}), got {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} must be finite; found {int(bad.sum())} NaN or infinite entries")
    return arr


def _check_vector(value: object, name: str, dim: int) -> np.ndarray:
    arr = as_input_vector(value, dim, name, expected="an array of real numbers")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite; it contains NaN or infinite values")
    return arr


def _check_independent(x0: np.ndarray, x1: np.ndarray) -> None:
    # The arc x0 cos t + x1 sin t spans a 2-D plane only if x0, x1 are independent; exprlib.regions
    # rejects dependent pairs too. Gram determinant relative to |x0|^2 |x1|^2, with a few ulps of slack.
    g00, g11, g01 = x0 @ x0, x1 @ x1, x0 @ x1
    if g00 * g11 - g01 * g01 <= 64 * np.finfo(np.float64).eps * g00 * g11:
        raise ValueError(
            f"x0 and x1 must be linearly independent (the arc must span a plane), got x0 = {x0.tolist()} "
            f"and x1 = {x1.tolist()}"
        )


def _rows_per_chunk(mlp: NumpyMLP, arrays_per_row: int = 1) -> int:
    widest = max((mlp.in_dim, *mlp.widths))
    return max(2, _CHUNK_ENTRIES // (widest * arrays_per_row))


def _polyline_chunks(mlp: NumpyMLP, points: np.ndarray) -> Iterator[np.ndarray]:
    """Consecutive blocks of ``points`` sized for ``mlp``; neighbouring blocks share one point so
    that no polyline step is lost between them."""
    step = _rows_per_chunk(mlp)  # >= 2, so every block holds at least one step
    for first in range(0, len(points) - 1, step - 1):
        yield points[first : first + step]


# --------------------------------------------------------------------------------------------------
# curves and lengths


def arc_endpoints(in_dim: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The two random endpoints x0, x1 of Raghu et al.'s arc, each with i.i.d. N(0, 1) entries.

    With standard-normal entries every point x0 cos t + x1 sin t of the arc is itself N(0, I), so
    |x(t)| is about sqrt(in_dim) all along it and, for W ~ N(0, sigma_w^2 / in_dim), the first
    pre-activations have variance about sigma_w^2 (plus sigma_b^2) at every point.

    Parameters
    ----------
    in_dim : int
        Input dimension n_0 (>= 1).
    seed : int
        Required; ``numpy.random.default_rng(seed)`` draws x0 then x1.

    Returns
    -------
    x0, x1 : (in_dim,) float64 ndarray

    Raises
    ------
    TypeError
        If ``in_dim`` or ``seed`` is not an int.
    ValueError
        If ``in_dim < 1`` or ``seed < 0``.

    Examples
    --------
    >>> x0, x1 = arc_endpoints(3, seed=0)
    >>> x0.shape, x1.shape
    ((3,), (3,))
    >>> bool(np.array_equal(arc(3, 5, seed=0)[[0, -1]], np.stack([x0, x1])))
    True
    """
    in_dim = check_int("in_dim", in_dim, 1)
    seed = _check_seed(seed)
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal(in_dim)
    x1 = rng.standard_normal(in_dim)
    return x0, x1


def arc(in_dim: int, n_points: int, *, seed: int) -> np.ndarray:
    """Points x0 cos t + x1 sin t, t evenly spaced on [0, pi/2] (both ends included).

    x0, x1 come from :func:`arc_endpoints` with the same seed (i.i.d. N(0, 1) entries), so the
    exact arc functions can be called on exactly the same curve. The first point is exactly x0
    and the last exactly x1.

    Parameters
    ----------
    in_dim : int
        Input dimension (>= 1).
    n_points : int
        Number of points (>= 2).
    seed : int
        Required; the same seed gives the same arc.

    Returns
    -------
    (n_points, in_dim) float64 ndarray

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If ``in_dim < 1``, ``n_points < 2`` or ``seed < 0``.

    Examples
    --------
    >>> arc(2, 3, seed=0).shape
    (3, 2)
    >>> bool(np.array_equal(arc(4, 100, seed=1), arc(4, 100, seed=1)))
    True
    """
    n_points = check_int("n_points", n_points, 2)
    x0, x1 = arc_endpoints(in_dim, seed=seed)
    theta = np.linspace(0.0, np.pi / 2, n_points)
    cos, sin = np.cos(theta), np.sin(theta)
    # cos(pi/2) is 6e-17, not 0: snap so the arc ends exactly at x1.
    cos[-1], sin[0] = 0.0, 0.0
    return cos[:, None] * x0 + sin[:, None] * x1


def _polyline_length(points: np.ndarray) -> float:
    steps = np.diff(points, axis=0)  # (n - 1, d)
    return float(np.sqrt(np.einsum("ij,ij->i", steps, steps)).sum())


def length(points: np.ndarray) -> float:
    """Length of the polyline through the rows of ``points``: sum_i |p_{i+1} - p_i|.

    A polyline inscribed in a curve is never longer than the curve, so the length of sampled
    points is a lower bound on the curve's length that grows as the sampling is refined.

    Parameters
    ----------
    points : (n, d) array_like
        n >= 2 finite points in R^d, in order.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``points`` is not numeric.
    ValueError
        If ``points`` is not 2-D, has fewer than 2 rows, or is not finite.

    Examples
    --------
    >>> length([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]])
    6.0
    >>> length([[1.0, 2.0], [1.0, 2.0]])
    0.0
    """
    points = _check_points(points, "points")
    return _polyline_length(points)


def layer_lengths(net: nn.Module, points: np.ndarray) -> np.ndarray:
    """Polyline length of the image of ``points`` after every hidden layer's activation.

    Entry 0 is the input polyline's length, entry l the length of h_l(p_0), ..., h_l(p_{n-1}) with
    h_l = sigma(W_l h_{l-1} + b_l) the post-activations of hidden layer l (the readout is not
    included). Points are processed in chunks, so memory stays bounded for long trajectories.

    Each entry is a lower bound on the length of the image of the underlying curve; deep, wide
    nets with large weights fold the curve so much that sampling underestimates it (on the 1-D
    benchmark net, hard-tanh 100 x 12 at sigma_w^2 = 16, 10^4 evenly spaced samples miss 12 % of
    the last layer's length and 10^5 miss 1.3 %); see :func:`exact_layer_lengths` and
    :func:`exact_layer_lengths_arc`.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    points : (n, in_dim) array_like
        n >= 2 finite points along the trajectory, in order.

    Returns
    -------
    (depth + 1,) float64 ndarray

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``points`` is not numeric.
    ValueError
        If ``points`` has the wrong shape, fewer than 2 rows, or non-finite entries.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> layer_lengths(net, [[-1.0], [0.0], [2.0]])   # relu(x), relu(-x): (0,1) -> (0,0) -> (2,0)
    array([3., 3.])
    >>> layer_lengths(net, [[-1.0], [2.0]])   # two samples miss the kink at 0
    array([3.        , 2.23606798])
    """
    mlp = as_numpy(net)
    points = _check_points(points, "points", mlp.in_dim)
    lengths = np.zeros(mlp.depth + 1)
    for h in _polyline_chunks(mlp, points):
        lengths[0] += _polyline_length(h)
        for layer, (w, b, act) in enumerate(zip(mlp.weights, mlp.biases, mlp.activations), start=1):
            h = act(h @ w.T + b)  # post-activations (chunk, n_l)
            lengths[layer] += _polyline_length(h)
    return lengths


def growth_rate(lengths: np.ndarray) -> float:
    """Per-layer geometric growth factor: exp(slope) of a least-squares line through log(lengths).

    Fits log(lengths[l]) = a + l log(g) for l = 0, ..., m - 1 and returns g. For exactly
    geometric lengths c g^l it returns g; for two values it is lengths[1] / lengths[0]. The
    input-to-first-layer step also changes dimension (a factor of about sqrt(n_1 / n_0)), so to
    measure a layer-to-layer rate pass ``lengths[1:]``.

    Parameters
    ----------
    lengths : (m,) array_like
        m >= 2 positive, finite lengths, one per layer in order.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``lengths`` is not numeric.
    ValueError
        If ``lengths`` is not 1-D, has fewer than 2 values, or has a non-positive or non-finite value.

    Examples
    --------
    >>> round(growth_rate([1.0, 2.0, 4.0, 8.0]), 12)
    2.0
    >>> growth_rate([5.0, 5.0])
    1.0
    """
    lengths = as_float_array(lengths, "lengths", expected="an array of real numbers")
    if lengths.ndim != 1 or lengths.size < 2:
        raise ValueError(f"lengths must be a 1-D array of at least 2 values, got shape {lengths.shape}")
    bad = ~(np.isfinite(lengths) & (lengths > 0))
    if bad.any():
        raise ValueError(
            f"lengths must be positive and finite (a log is taken); got {lengths[bad][:3].tolist()} "
            f"at index {np.flatnonzero(bad)[:3].tolist()}"
        )
    layers = np.arange(lengths.size, dtype=np.float64)
    centred = layers - layers.mean()
    log_lengths = np.log(lengths)
    slope = centred @ (log_lengths - log_lengths.mean()) / (centred @ centred)
    return float(np.exp(slope))


# --------------------------------------------------------------------------------------------------
# theory


def raghu_beta(sigma_w: float, sigma_b: float, width: int) -> float:
    """Base of Raghu et al.'s hard-tanh lower bound E[l(z^(d))] >= O(beta^d) l(x).

    beta = sigma_w sqrt(k) / sqrt(sigma_w^2 + sigma_b^2 + k sqrt(sigma_w^2 + sigma_b^2)), k = width,
    in Raghu et al.'s convention W ~ N(0, sigma_w^2 / k), b ~ N(0, sigma_b^2). beta = 0 when
    sigma_w = 0.

    Notes
    -----
    beta is a scaling law, not a per-layer inequality to test sample by sample: simulated per-layer
    growth of hard-tanh nets at width 100 sits *below* beta (the course notes give 4-8 %; exact
    arc lengths at sigma_w^2 = 16, sigma_b = 0, depth 8 gave 1.78-1.83 per layer against
    beta = 1.961, i.e. 7-9 % below, and 1-4 % below the mean-field value 1.845 of
    :func:`hardtanh_meanfield_growth`). What holds robustly is exponential growth when beta > 1 and
    the trend: beta and the measured growth both increase with sigma_w and with k. As k -> infinity
    beta -> sigma_w / (sigma_w^2 + sigma_b^2)^(1/4).

    Parameters
    ----------
    sigma_w, sigma_b : float
        Finite, non-negative weight and bias scales (standard deviations, not variances).
    width : int
        Hidden width k >= 1.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If a scale is not a real number or ``width`` is not an int.
    ValueError
        If a scale is negative or not finite, or ``width < 1``.

    References
    ----------
    M. Raghu, B. Poole, J. Kleinberg, S. Ganguli, J. Sohl-Dickstein, "On the expressive power of
    deep neural networks", ICML 2017 (theorem on trajectory length growth for hard-tanh).

    Examples
    --------
    >>> round(raghu_beta(4.0, 0.0, 100), 6)   # 40 / sqrt(416)
    1.961161
    >>> raghu_beta(0.0, 1.0, 10)
    0.0
    """
    sigma_w = check_real("sigma_w", sigma_w, nonnegative=True)
    sigma_b = check_real("sigma_b", sigma_b, nonnegative=True)
    width = check_int("width", width, 1)
    if sigma_w == 0.0:
        return 0.0
    # With s = sqrt(sigma_w^2 + sigma_b^2) and t = sigma_w / s in (0, 1]:
    # beta^2 = sigma_w^2 k / (s (s + k)) = t^2 k sigma_w / (sigma_w + k t), which never forms
    # s^2 (it overflows for scales beyond 1e154); divide by sigma_w only when that cannot overflow.
    t = 1.0 / math.hypot(1.0, sigma_b / sigma_w)
    if sigma_w >= 1.0:
        return t * math.sqrt(width / (1.0 + width * t / sigma_w))
    return t * math.sqrt(width * sigma_w / (sigma_w + width * t))


def relu_growth(sigma_w: float) -> float:
    """Per-layer length growth of a wide ReLU net: sigma_w / sqrt(2).

    A tangent vector v becomes W D v with D the 0/1 pattern; with W ~ N(0, sigma_w^2 / k) and about
    half the units active, |W D v|^2 ~ sigma_w^2 |v|^2 / 2.

    Notes
    -----
    ReLU caution. The ICML version of Raghu et al. is quoted (not re-checked here) as stating a
    ReLU bound of the form (sigma_w sqrt(k) / sqrt(k + 1))^d, but this direct calculation gives
    sigma_w / sqrt(2) (the mean-field sqrt(chi_1) for ReLU, whatever sigma_b), and Hanin, Jeong &
    Rolnick (ICLR 2022) prove that the expected length does not grow at standard He initialisation
    (sigma_w = sqrt(2)). Exponential growth in ReLU nets needs sigma_w^2 > 2; for sigma_w^2 < 2 the
    length shrinks geometrically. Measured at width 200, depth 8: within 1 % of sigma_w / sqrt(2)
    for sigma_w^2 = 1, 2, 4, 8.

    Parameters
    ----------
    sigma_w : float
        Finite, non-negative weight scale.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``sigma_w`` is not a real number.
    ValueError
        If ``sigma_w`` is negative or not finite.

    References
    ----------
    B. Hanin, R. Jeong, D. Rolnick, "Deep ReLU networks preserve expected length", ICLR 2022.

    Examples
    --------
    >>> relu_growth(2.0 ** 0.5)   # He initialisation: no growth
    1.0
    >>> round(relu_growth(4.0), 6)   # sigma_w^2 = 16: exponential growth
    2.828427
    """
    sigma_w = check_real("sigma_w", sigma_w, nonnegative=True)
    return sigma_w / math.sqrt(2.0)


def raghu_relu_bound(sigma_w: float, width: int) -> float:
    """Base sigma_w sqrt(k) / sqrt(k + 1) of the ReLU trajectory bound quoted from Raghu et al. (ICML).

    The ICML version of Raghu et al. is quoted (not re-checked here) as stating, for ReLU nets,
    E[l(z^(d))] >= O((sigma_w sqrt(k) / sqrt(k + 1))^d) l(x). Kept so the course can set it
    against a measurement: the per-layer factor approaches sigma_w for wide nets, while the
    direct calculation :func:`relu_growth` gives sigma_w / sqrt(2), and at He initialisation
    (sigma_w^2 = 2) measured lengths do not grow (Hanin, Jeong & Rolnick 2022) although this
    base is about 1.41 there. Theorem numbers differ between versions: cite it by statement.

    Parameters
    ----------
    sigma_w : float
        Finite, non-negative weight scale (standard deviation).
    width : int
        Hidden width k >= 1.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``sigma_w`` is not a real number or ``width`` not an int.
    ValueError
        If ``sigma_w`` is negative or not finite, or ``width < 1``.

    References
    ----------
    M. Raghu et al., "On the expressive power of deep neural networks", ICML 2017 (as quoted).

    Examples
    --------
    >>> round(raghu_relu_bound(2.0 ** 0.5, 100), 4)   # He initialisation: well above relu_growth's 1.0
    1.4072
    >>> raghu_relu_bound(1.0, 3)
    0.8660254037844386
    """
    sigma_w = check_real("sigma_w", sigma_w, nonnegative=True)
    width = check_int("width", width, 1)
    return sigma_w * math.sqrt(width / (width + 1.0))


def _hardtanh_second_moment(x: float) -> float:
    """E[phi(z)^2] for z ~ N(0, q), phi = hard-tanh on [-1, 1], as a function of x = 1 / (2 q).

    E[z^2; |z| < 1] = q P(chi^2_3 < 1/q) = gammainc(3/2, x) / (2 x): the regularised incomplete
    gamma avoids the cancellation in erf(sqrt x) - 2 a pdf(a) when q is large. x = inf (q = 0)
    gives 0; x = 0 (q beyond overflow, every unit saturated) gives 1.
    """
    if x == 0.0:
        return 1.0
    return special.gammainc(1.5, x) / (2.0 * x) + special.erfc(math.sqrt(x))


def _hardtanh_growth(sigma_w: float, sigma_b: float) -> float:
    """sigma_w sqrt(P(|z| < 1)), z ~ N(0, q*), q* the stable fixed point of the variance map."""
    if sigma_w == 0.0:
        return 0.0
    if sigma_b == 0.0 and sigma_w <= 1.0:
        # q = 0 is the only fixed point (the map's slope at 0 is sigma_w^2 <= 1 and it is concave):
        # every unit stays in its linear part.
        return sigma_w
    # Work in units of the larger scale m (q = m^2 u): brentq then sees O(1) values whatever the
    # scales (raw q ~ 1e-217 made it underflow and fail), and sigma^2 is never formed (it
    # overflows beyond 1e154).
    m = max(sigma_w, sigma_b)
    w2, b2 = (sigma_w / m) ** 2, (sigma_b / m) ** 2  # the larger one is 1

    def half_inverse_sqrt(u: float) -> float:  # 1 / sqrt(2 q) = sqrt(1 / (2 u)) / m
        return math.inf if u == 0.0 else math.sqrt(0.5 / u) / m

    def excess(u: float) -> float:
        r = half_inverse_sqrt(u)
        return w2 * _hardtanh_second_moment(r * r) + b2 - u  # r * r: inf, not OverflowError

    # The map is increasing and concave in q (its derivative sigma_w^2 E[xi^2; |xi| < 1/sqrt q]
    # decreases in q) and below sigma_w^2 + sigma_b^2, so excess has exactly one positive root in
    # (0, w2 + b2]. With sigma_b = 0 the root u = 0 is unstable (slope sigma_w^2 > 1): halve down
    # from the top until excess > 0 to bracket the positive one.
    upper = w2 + b2
    lower = 0.0
    if b2 == 0.0:
        lower = upper
        while excess(lower) <= 0.0 and lower > 0.0:
            lower *= 0.5
        if lower == 0.0:  # sigma_w^2 - 1 below rounding: the positive root merges with 0
            return sigma_w
    u_star = upper if excess(upper) >= 0.0 else optimize.brentq(excess, lower, upper, xtol=_U_XTOL, rtol=_U_RTOL)
    r = half_inverse_sqrt(u_star)
    if r < _ERF_LINEAR_BELOW:
        # erf(r) = 2 r / sqrt(pi) to rounding; regroup so that a subnormal r never appears.
        return math.sqrt(sigma_w * (sigma_w / m) * math.sqrt(0.5 / u_star) * 2.0 / math.sqrt(math.pi))
    return sigma_w * math.sqrt(math.erf(r))


def hardtanh_meanfield_growth(sigma_w: float, sigma_b: float) -> float:
    """Mean-field per-layer length growth of a wide hard-tanh net: sqrt(chi_1).

    chi_1 = sigma_w^2 E[phi'(z)^2] = sigma_w^2 P(|z| < 1) = sigma_w^2 erf(1 / sqrt(2 q*)),
    z ~ N(0, q*), where q* is the stable fixed point of the variance map
    q = sigma_w^2 E[phi(sqrt(q) xi)^2] + sigma_b^2, xi ~ N(0, 1), phi = hard-tanh on [-1, 1]:
    E[phi(sqrt(q) xi)^2] = q P(chi^2_3 < 1/q) + erfc(1 / sqrt(2 q)).

    The map is increasing and concave, so q* is unique and found by bracketed root finding. With
    sigma_b = 0 and sigma_w <= 1 the fixed point is q* = 0, every unit sits in its linear part and
    the growth is sigma_w. With sigma_w = 0 the growth is 0.

    Notes
    -----
    This is the infinite-width prediction for infinitesimally short curves. Simulated per-layer
    growth at width 100 sits a few percent below it (exact arc lengths at sigma_w^2 = 16,
    sigma_b = 0: 1.78-1.83 against 1.845) and further below at smaller widths, so compare with a
    tolerance, not a strict inequality. Raghu et al.'s :func:`raghu_beta` is a scaling law of the
    same size (1.961 there).

    Parameters
    ----------
    sigma_w, sigma_b : float
        Finite, non-negative weight and bias scales (standard deviations).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If a scale is not a real number.
    ValueError
        If a scale is negative or not finite.

    References
    ----------
    B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli, "Exponential expressivity in deep
    neural networks through transient chaos", NeurIPS 2016.

    Examples
    --------
    >>> round(hardtanh_meanfield_growth(4.0, 0.0), 4)   # sigma_w^2 = 16: below raghu_beta(4.0, 0.0, 100)
    1.8453
    >>> hardtanh_meanfield_growth(0.5, 0.0)   # q* = 0: the linear regime
    0.5
    """
    sigma_w = check_real("sigma_w", sigma_w, nonnegative=True)
    sigma_b = check_real("sigma_b", sigma_b, nonnegative=True)
    return _hardtanh_growth(sigma_w, sigma_b)


# --------------------------------------------------------------------------------------------------
# transitions


def transitions(net: nn.Module, points: np.ndarray) -> int:
    """Number of consecutive point pairs whose activation patterns differ.

    A dense-sampling estimate of the transitions along a trajectory, which Raghu et al. show grow
    in proportion to the trajectory length (and so exponentially with depth): each counted pair
    has at least one pattern boundary between its two points, so on a polyline of samples of a
    curve in general position the count is a lower bound on the exact number of boundaries the
    curve crosses (see :func:`exact_transitions_arc`). A sample landing exactly on a boundary is a
    measure-zero event that can count one extra change.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    points : (n, in_dim) array_like
        n >= 2 finite points along the trajectory, in order.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``points`` is not numeric.
    ValueError
        If ``points`` has the wrong shape, fewer than 2 rows, or non-finite entries.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> transitions(net, [[-1.0], [0.5], [2.0]])   # relu(x), relu(x - 1): boundaries at 0 and 1
    2
    >>> transitions(net, [[-1.0], [2.0]])   # one pair, two boundaries between: counted once
    1
    """
    mlp = as_numpy(net)
    points = _check_points(points, "points", mlp.in_dim)
    count = 0
    for h in _polyline_chunks(mlp, points):
        changed = np.zeros(len(h) - 1, dtype=bool)
        for w, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
            z = h @ w.T + b  # pre-activations (chunk, n_l)
            pattern = act.pattern(z)
            changed |= (pattern[1:] != pattern[:-1]).any(axis=1)
            h = act(z)
        count += int(changed.sum())
    return count


# --------------------------------------------------------------------------------------------------
# exact versions built on exprlib.regions' exact breakpoints


def exact_transitions_arc(net: nn.Module, x0: np.ndarray, x1: np.ndarray) -> int:
    """Exact number of activation-pattern changes along the arc x0 cos t + x1 sin t, t in [0, pi/2].

    Equals ``len(exprlib.regions.breakpoints_arc(net, x0, x1))`` (exact closed-form roots on each
    interval, no sampling); :func:`transitions` on any sampling of the same arc is never larger
    (for samples in general position).

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (in_dim,) array_like
        Finite, linearly independent endpoints (e.g. from :func:`arc_endpoints`).

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an endpoint is not numeric.
    ValueError
        If an endpoint has the wrong shape or non-finite entries, or they are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, -1.0]], [[1.0]]], [[0.0], [0.0]])   # relu(x - y)
    >>> exact_transitions_arc(net, [1.0, 0.0], [0.0, 1.0])   # x = y at t = pi/4
    1
    >>> exact_transitions_arc(net, [0.0, 1.0], [-1.0, 0.0])   # x - y = -sin t - cos t < 0 all along
    0
    """
    mlp = as_numpy(net)
    x0 = _check_vector(x0, "x0", mlp.in_dim)
    x1 = _check_vector(x1, "x1", mlp.in_dim)
    _check_independent(x0, x1)
    return int(len(breakpoints_arc(net, x0, x1)))


def exact_layer_lengths(net: nn.Module, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Exact length of the image of the segment start -> end after every hidden layer.

    Between consecutive exact breakpoints (``exprlib.regions.breakpoints_1d``) the whole activation
    pattern is constant, so every layer's image of that piece is a straight segment; the length at
    each layer is the exact sum of their lengths, i.e. :func:`layer_lengths` of the segment sampled
    at its ends and at every breakpoint. Any other sampling gives a smaller or equal value.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    start, end : (in_dim,) array_like
        Finite, distinct endpoints.

    Returns
    -------
    (depth + 1,) float64 ndarray
        Entry 0 is |end - start|.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an endpoint is not numeric.
    ValueError
        If an endpoint has the wrong shape or non-finite entries, or start == end.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> exact_layer_lengths(net, [-1.0], [2.0])   # relu(x), relu(-x): (0,1) -> (0,0) -> (2,0)
    array([3., 3.])
    >>> exact_layer_lengths(net, [1.0], [3.0])   # one region: relu(x) is the identity there
    array([2., 2.])
    """
    mlp = as_numpy(net)
    start = _check_vector(start, "start", mlp.in_dim)
    end = _check_vector(end, "end", mlp.in_dim)
    if np.array_equal(start, end):
        raise ValueError(f"start and end must differ, got start == end == {start.tolist()}")
    t = np.concatenate(([0.0], breakpoints_1d(net, start, end), [1.0]))
    return layer_lengths(net, start + t[:, None] * (end - start))


def _ellipse_arc_lengths(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Lengths of the curves c + a cos t + b sin t over [lo, hi], row by row (exact).

    Speed^2 = |a|^2 sin^2 t - 2 a.b sin t cos t + |b|^2 cos^2 t = P + rho cos(2t - phi)
            = (P + rho) (1 - m sin^2(t - phi/2)),  m = 2 rho / (P + rho),
    so the length is sqrt(P + rho) [E(hi - phi/2 | m) - E(lo - phi/2 | m)], E the incomplete
    elliptic integral of the second kind (scipy.special.ellipeinc, any real amplitude).
    """
    aa = np.einsum("ij,ij->i", a, a)
    bb = np.einsum("ij,ij->i", b, b)
    ab = np.einsum("ij,ij->i", a, b)
    mean = 0.5 * (aa + bb)  # P
    rho = np.hypot(0.5 * (bb - aa), ab)  # amplitude of the cos(2t - phi) term
    phi = np.arctan2(-ab, 0.5 * (bb - aa))
    top = mean + rho
    with np.errstate(invalid="ignore", divide="ignore"):
        # rho <= P up to rounding; clip so a flat (segment-like) ellipse gives m = 1, not NaN.
        m = np.where(top > 0, np.clip(2.0 * rho / top, 0.0, 1.0), 0.0)
    shift = 0.5 * phi
    return np.sqrt(top) * (special.ellipeinc(hi - shift, m) - special.ellipeinc(lo - shift, m))


def exact_layer_lengths_arc(net: nn.Module, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Exact length of the image of the arc x0 cos t + x1 sin t, t in [0, pi/2], after every layer.

    The image of the arc is *not* a polyline: between consecutive exact breakpoints
    (``exprlib.regions.breakpoints_arc``) every layer is affine, so layer l maps that piece of the
    arc to an arc of an ellipse, h_l(t) = c + J_l x0 cos t + J_l x1 sin t with J_l the (constant)
    Jacobian of the first l layers. Its length is an incomplete elliptic integral of the second
    kind, evaluated in closed form (``scipy.special.ellipeinc``); the lengths are exact sums over
    pieces. Any sampling of the arc (:func:`layer_lengths` of :func:`arc`) gives smaller values.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (in_dim,) array_like
        Finite, linearly independent endpoints (e.g. from :func:`arc_endpoints`).

    Returns
    -------
    (depth + 1,) float64 ndarray
        Entry 0 is the length of the input arc itself.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an endpoint is not numeric.
    ValueError
        If an endpoint has the wrong shape or non-finite entries, or they are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> exact_layer_lengths_arc(net, [1.0, 0.0], [0.0, 1.0]) * 2 / np.pi   # a quarter circle
    array([1., 1.])
    >>> exact_layer_lengths_arc(net, [1.0, 0.0], [0.0, -1.0])   # relu flattens it onto (1, 0) -> (0, 0)
    array([1.57079633, 1.        ])
    """
    mlp = as_numpy(net)
    x0 = _check_vector(x0, "x0", mlp.in_dim)
    x1 = _check_vector(x1, "x1", mlp.in_dim)
    _check_independent(x0, x1)
    return _arc_profile(net, mlp, x0, x1)[0]


def _arc_profile(net: nn.Module, mlp: NumpyMLP, x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact layer lengths (depth + 1,) and per-layer transitions (depth,) from one breakpoint pass."""
    bounds = np.concatenate(([0.0], breakpoints_arc(net, x0, x1), [np.pi / 2]))
    lengths = np.zeros(mlp.depth + 1)
    changes = np.zeros(mlp.depth, dtype=np.int64)
    previous: list[np.ndarray | None] = [None] * mlp.depth  # each layer's pattern on the last interval so far
    lengths[0] = _ellipse_arc_lengths(x0[None], x1[None], bounds[:1], bounds[-1:])[0]
    # Three arrays per interval and layer: the post-activations at the midpoint and the images of
    # x0 and x1 under the Jacobian (the cos and sin coefficients of the image ellipse).
    step = _rows_per_chunk(mlp, arrays_per_row=3)
    for first in range(0, len(bounds) - 1, step):
        lo = bounds[first : first + step]
        hi = bounds[first + 1 : first + step + 1]
        lo = lo[: len(hi)]
        mid = 0.5 * (lo + hi)
        # On each open interval the pattern is the one at its midpoint.
        h = np.cos(mid)[:, None] * x0 + np.sin(mid)[:, None] * x1  # (chunk, in_dim)
        # One row each: the first layer's products W_1 x0, W_1 x1 are shared by all intervals and
        # broadcast against the (chunk, n_1) slopes.
        cos_coef, sin_coef = x0[None, :], x1[None, :]
        for layer, (w, b, act) in enumerate(zip(mlp.weights, mlp.biases, mlp.activations), start=1):
            z = h @ w.T + b  # pre-activations at the midpoints (chunk, n_l)
            pattern = act.pattern(z)
            if previous[layer - 1] is not None:
                pattern_with_last = np.concatenate((previous[layer - 1][None], pattern))
            else:
                pattern_with_last = pattern
            changes[layer - 1] += int((pattern_with_last[1:] != pattern_with_last[:-1]).any(axis=1).sum())
            previous[layer - 1] = pattern[-1]
            slope = act.slope(z)
            cos_coef = slope * (cos_coef @ w.T)
            sin_coef = slope * (sin_coef @ w.T)
            h = act(z)
            lengths[layer] += _ellipse_arc_lengths(cos_coef, sin_coef, lo, hi).sum()
    return lengths, changes


def exact_arc_profile(net: nn.Module, x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact layer lengths and per-layer transitions along the arc x0 cos t + x1 sin t, in one pass.

    Returns what :func:`exact_layer_lengths_arc` and :func:`exact_layer_transitions_arc` return,
    from a single computation of the exact breakpoints (``exprlib.regions.breakpoints_arc``), so
    a figure or widget that needs both pays for the breakpoints once.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (in_dim,) array_like
        Finite, linearly independent endpoints (e.g. from :func:`arc_endpoints`).

    Returns
    -------
    lengths : (depth + 1,) float64 ndarray
        Entry 0 is the input arc's length, entry l the length of its image after hidden layer l.
    transitions : (depth,) int64 ndarray
        Entry l - 1 counts the points of the arc where some unit of hidden layer l changes state.

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an endpoint is not numeric.
    ValueError
        If an endpoint has the wrong shape or non-finite entries, or they are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, -1.0]], [[2.0]], [[1.0]]], [[0.0], [-0.5], [0.0]])
    >>> lengths, changes = exact_arc_profile(net, [1.0, 0.0], [0.0, 1.0])
    >>> changes.tolist()   # relu(x - y) switches off at t = pi/4; relu(2 h - 1/2) earlier
    [1, 1]
    >>> bool(np.allclose(lengths, exact_layer_lengths_arc(net, [1.0, 0.0], [0.0, 1.0])))
    True
    """
    mlp = as_numpy(net)
    x0 = _check_vector(x0, "x0", mlp.in_dim)
    x1 = _check_vector(x1, "x1", mlp.in_dim)
    _check_independent(x0, x1)
    return _arc_profile(net, mlp, x0, x1)


def exact_layer_transitions_arc(net: nn.Module, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Exact number of transitions of each hidden layer along the arc x0 cos t + x1 sin t.

    A transition of layer l is a point of the arc where the activation pattern of layer l's units
    changes. Between consecutive exact breakpoints (``exprlib.regions.breakpoints_arc``) the
    whole pattern is constant, so layer l's count is the number of neighbouring intervals whose
    layer-l patterns, read at the midpoints, differ. Layer l's units cut the space of layer
    l - 1's outputs with their thresholds, so its count is what Raghu et al.'s Observation 1
    compares with the length of the arc's image after layer l - 1 (the latent trajectory).
    The sum over layers is at least :func:`exact_transitions_arc` (equal unless two layers
    change state at the same point).

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    x0, x1 : (in_dim,) array_like
        Finite, linearly independent endpoints (e.g. from :func:`arc_endpoints`).

    Returns
    -------
    (depth,) int64 ndarray

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or an endpoint is not numeric.
    ValueError
        If an endpoint has the wrong shape or non-finite entries, or they are linearly dependent.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0, -1.0]], [[1.0]], [[1.0]]], [[0.0], [0.0], [0.0]])
    >>> exact_layer_transitions_arc(net, [1.0, 0.0], [0.0, 1.0])   # both switch at t = pi/4
    array([1, 1])
    >>> exact_transitions_arc(net, [1.0, 0.0], [0.0, 1.0])   # ... at the same point
    1
    """
    return exact_arc_profile(net, x0, x1)[1]


def layer_images(net: nn.Module, points: np.ndarray) -> list[np.ndarray]:
    """The points and their images after every hidden layer: [x, h_1(x), ..., h_L(x)].

    Entry l is the (n, n_l) array of post-activations h_l = sigma(W_l h_{l-1} + b_l) (the
    readout is not included); entry 0 is ``points`` itself as float64. Use
    :func:`project_2d` to draw each one in the plane.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    points : (n, in_dim) array_like
        n >= 2 finite points, e.g. :func:`arc`.

    Returns
    -------
    list of depth + 1 float64 ndarrays

    Raises
    ------
    TypeError
        If ``net`` is not a supported network or ``points`` is not numeric.
    ValueError
        If ``points`` has the wrong shape, fewer than 2 rows, or non-finite entries.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> [image.tolist() for image in layer_images(net, [[-1.0], [2.0]])]
    [[[-1.0], [2.0]], [[0.0, 1.0], [2.0, 0.0]]]
    >>> bool(np.isclose(length(layer_images(net, [[-1.0], [0.0], [2.0]])[1]), 3.0))
    True
    """
    mlp = as_numpy(net)
    h = _check_points(points, "points", mlp.in_dim)
    images = [h]
    for w, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
        h = act(h @ w.T + b)  # post-activations (n, n_l)
        images.append(h)
    return images


def project_2d(points: np.ndarray) -> np.ndarray:
    """Coordinates of ``points`` in the plane of their two principal directions (PCA).

    Centres the points and projects them onto the two leading right singular vectors of the
    centred (n, d) array, so the picture keeps as much of the spread as any plane can. Signs are
    fixed (each axis increases, on average, along the points' order), so the same points always
    give the same picture. A 1-D input gets a zero second coordinate; all-equal points give zeros.

    Parameters
    ----------
    points : (n, d) array_like
        n >= 2 finite points.

    Returns
    -------
    (n, 2) float64 ndarray

    Raises
    ------
    TypeError
        If ``points`` is not numeric.
    ValueError
        If ``points`` is not 2-D, has fewer than 2 rows, or is not finite.

    Examples
    --------
    >>> project_2d([[2.0, 0.0, 5.0], [0.0, 1.0, 5.0], [-2.0, 0.0, 5.0], [0.0, -1.0, 5.0]]).round(6) + 0.0
    array([[-2.,  0.],
           [ 0., -1.],
           [ 2.,  0.],
           [ 0.,  1.]])
    >>> project_2d([[1.0], [3.0]]).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    points = _check_points(points, "points")
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    coords = np.zeros((len(points), 2))
    k = min(2, vt.shape[0])
    coords[:, :k] = centred @ vt[:k].T
    # The SVD's signs are arbitrary: orient each axis to increase, on average, along the points' order.
    order = np.arange(len(points)) - 0.5 * (len(points) - 1)
    coords[:, order @ coords < 0] *= -1.0
    return coords


# Arcs of :func:`arc_length_experiment` use seed + this offset, so that a network and its arc never
# come from the same random stream (random_mlp(seed=s) and arc_endpoints(seed=s) would share draws:
# x0 would be a multiple of the first unit's weights).
ARC_SEED_OFFSET = 1_000_003


def arc_length_experiment(
    width: int,
    depth: int,
    *,
    sigma_w: float,
    sigma_b: float = 0.0,
    activation: str = "relu",
    in_dim: int | None = None,
    seeds: tuple[int, ...] = (0, 1, 2),
) -> tuple[np.ndarray, np.ndarray]:
    """Raghu et al.'s experiment: exact lengths and transitions of a random arc through random nets.

    For each seed s: the net ``random_mlp(in_dim, [width] * depth, activation=..., sigma_w=...,
    sigma_b=..., seed=s)`` and the arc between ``arc_endpoints(in_dim, seed=s + ARC_SEED_OFFSET)``,
    measured with :func:`exact_arc_profile`.

    Parameters
    ----------
    width, depth : int
        Hidden width k and number of hidden layers (>= 1).
    sigma_w, sigma_b : float
        Weight and bias scales (standard deviations): W ~ N(0, sigma_w^2 / fan_in), b ~ N(0, sigma_b^2).
    activation : {"relu", "hardtanh"}
    in_dim : int, optional
        Input dimension; the width by default.
    seeds : tuple of int
        One network and one arc per seed (at least one seed).

    Returns
    -------
    lengths : (len(seeds), depth + 1) float64 ndarray
        Exact lengths, input arc first.
    transitions : (len(seeds), depth) int64 ndarray
        Exact per-layer transitions.

    Raises
    ------
    TypeError
        If a size or seed is not an int, or a scale not a real number.
    ValueError
        If a size is < 1, a seed negative, ``seeds`` empty, or a scale negative.

    Examples
    --------
    >>> lengths, transitions = arc_length_experiment(20, 3, sigma_w=2.0 ** 0.5, seeds=(0, 1))
    >>> lengths.shape, transitions.shape
    ((2, 4), (2, 3))
    >>> bool(np.all(lengths > 0)), transitions.dtype
    (True, dtype('int64'))
    """
    from .nets import random_mlp

    width = check_int("width", width, 1)
    depth = check_int("depth", depth, 1)
    in_dim = width if in_dim is None else check_int("in_dim", in_dim, 1)
    if isinstance(seeds, (int, np.integer)) or not isinstance(seeds, (tuple, list)) or len(seeds) == 0:
        raise ValueError(f"seeds must be a non-empty tuple of non-negative ints, got {seeds!r}")
    seeds = tuple(_check_seed(s) for s in seeds)
    lengths = np.zeros((len(seeds), depth + 1))
    transitions = np.zeros((len(seeds), depth), dtype=np.int64)
    for row, seed in enumerate(seeds):
        net = random_mlp(in_dim, [width] * depth, activation=activation, sigma_w=sigma_w, sigma_b=sigma_b, seed=seed)
        x0, x1 = arc_endpoints(in_dim, seed=seed + ARC_SEED_OFFSET)
        lengths[row], transitions[row] = exact_arc_profile(net, x0, x1)
    return lengths, transitions


def perturbation_by_layer(net: nn.Module, points: np.ndarray, *, scale: float = 0.01, seed: int) -> np.ndarray:
    """How far the last hidden layer's image moves when one layer's weights are perturbed.

    For each hidden layer l, W_l becomes W_l + scale * std(W_l) * E_l with E_l i.i.d. N(0, 1)
    (the same E_l for a given seed and layer, all other layers unchanged); the result is the
    mean over ``points`` of |h_L'(x) - h_L(x)| / rms |h_L(x)|, with h_L the post-activations
    of the last hidden layer and rms |h_L| the root-mean-square of the unperturbed ones. A
    change made at layer l is carried through the remaining depth - l layers, which stretch
    it like they stretch trajectories (Raghu et al. 2017, "remaining depth").

    Parameters
    ----------
    net : torch.nn.Sequential
        A network with at least one hidden layer (see :func:`exprlib.nets.as_numpy`).
    points : (n, in_dim) array_like
        n >= 2 finite inputs, e.g. :func:`arc`.
    scale : float
        Relative size of the perturbation (> 0).
    seed : int
        Seed of the perturbations.

    Returns
    -------
    (depth,) float64 ndarray
        Entry l - 1 is the relative change caused by perturbing layer l.

    Raises
    ------
    TypeError
        If ``net`` is not supported, ``points`` not numeric, ``scale`` not real or ``seed`` not an int.
    ValueError
        If ``net`` has no hidden layer, ``points`` has the wrong shape, ``scale <= 0`` or ``seed < 0``.

    Examples
    --------
    >>> from exprlib.nets import random_mlp
    >>> net = random_mlp(4, [20, 20, 20], activation="hardtanh", sigma_w=4.0, seed=0)
    >>> change = perturbation_by_layer(net, arc(4, 200, seed=1), scale=0.01, seed=2)
    >>> change.shape, bool(change[0] > change[-1])   # the first layer has the most depth left
    ((3,), True)
    """
    mlp = as_numpy(net)
    points = _check_points(points, "points", mlp.in_dim)
    scale = check_real("scale", scale, positive=True)
    seed = _check_seed(seed)
    if mlp.depth == 0:
        raise ValueError("net must have at least one hidden layer to perturb, got a linear model")
    rng = np.random.default_rng(seed)
    noise = [rng.standard_normal(w.shape) * (scale * w.std()) for w in mlp.weights[: mlp.depth]]

    def last_hidden(perturbed: int | None) -> np.ndarray:
        h = points
        for layer, (w, b, act) in enumerate(zip(mlp.weights, mlp.biases, mlp.activations)):
            h = act(h @ (w + noise[layer] if layer == perturbed else w).T + b)  # post-activations (n, n_l)
        return h

    clean = last_hidden(None)
    rms = math.sqrt(float(np.mean(np.einsum("ij,ij->i", clean, clean))))
    if rms == 0.0:
        rms = 1.0  # every unit silent: report absolute changes
    return np.array([np.linalg.norm(last_hidden(layer) - clean, axis=1).mean() / rms for layer in range(mlp.depth)])

"""Dense-sampling region counts: the cheap lower bound that the exact counts are measured against.

1-D: 1 + the number of pattern changes between consecutive samples of n evenly spaced points
on a segment (both ends included). 2-D: the number of distinct activation patterns at the
cells centres of a resolution x resolution grid over a box of a plane slice; every pattern's set
is convex, so distinct patterns <= regions. Both miss every region that falls between samples.
A unit within rounding distance of its threshold at a sample may show float noise or the pattern
of a measure-zero boundary: in 1-D a change between two samples counts only if a unit clear of its
thresholds at both differs (so the count is a true lower bound, touching units included); in 2-D
such a unit reads as exactly on its threshold (so an exact cancellation is not mistaken for a
crossing).
"""

from __future__ import annotations

import numpy as np
from torch import nn

from ..nets import NumpyMLP, as_numpy
from ._line import _as_segment, _as_vector, _check_independent

__all__ = ["count_regions_sampled"]

# Samples are processed in chunks of at most this many pattern entries (int8) plus the float64
# pre-activations behind them (~9 bytes each, so ~36 MB), whatever n_samples or resolution is.
_CHUNK_ENTRIES = 1 << 22
# A sample whose pre-activation lies within this multiple of eps x (the magnitude of the terms it
# was summed from) of a threshold may have the wrong float sign, or sit on a boundary: skip it.
# Generous (~1e-12 relative) because rounding compounds over layers; skipping only loses samples.
_ON_THRESHOLD = 4096 * np.finfo(np.float64).eps


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= 2, got {value!r}")
    if value < 2:
        raise ValueError(f"{name} must be >= 2, got {value}")
    return int(value)


def _check_box(box: object) -> tuple[float, float, float, float]:
    try:
        arr = np.asarray(box, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"box must be four numbers (smin, smax, tmin, tmax), got {box!r}") from err
    if arr.shape != (4,):
        raise ValueError(f"box must be four numbers (smin, smax, tmin, tmax), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"box must be finite; it contains NaN or infinite values: {arr.tolist()}")
    smin, smax, tmin, tmax = (float(x) for x in arr)
    if not (smin < smax and tmin < tmax):
        raise ValueError(f"box must satisfy smin < smax and tmin < tmax, got {arr.tolist()}")
    return smin, smax, tmin, tmax


def _patterns(mlp: NumpyMLP, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Patterns at the rows of x, (n, N) int8, with units within rounding of a threshold snapped
    onto it, and which entries were clear of every threshold, (n, N) bool."""
    patterns, clears, h = [], [], x
    for w, b, act in zip(mlp.weights, mlp.biases, mlp.activations):
        z = h @ w.T + b
        band = _ON_THRESHOLD * (np.abs(h) @ np.abs(w).T + np.abs(b))
        snapped, near = z.copy(), np.zeros(z.shape, dtype=bool)
        for theta in act.thresholds:
            close = np.abs(z - theta) <= band + _ON_THRESHOLD * abs(theta)
            snapped[close] = theta
            near |= close
        patterns.append(act.pattern(snapped))
        clears.append(~near)
        h = act(snapped)  # later layers see the unit exactly on its threshold, consistently
    if not patterns:
        return np.zeros((len(x), 0), dtype=np.int8), np.zeros((len(x), 0), dtype=bool)
    return np.concatenate(patterns, axis=1), np.concatenate(clears, axis=1)


def _chunk_rows(mlp: NumpyMLP) -> int:
    return max(1, _CHUNK_ENTRIES // max(1, sum(mlp.widths), mlp.in_dim))


def count_regions_sampled(
    net: nn.Module,
    start: np.ndarray | None = None,
    end: np.ndarray | None = None,
    *,
    n_samples: int = 10_000,
    box: tuple[float, float, float, float] | None = None,
    origin: np.ndarray | None = None,
    u: np.ndarray | None = None,
    v: np.ndarray | None = None,
    resolution: int = 256,
) -> int:
    """Count regions by dense sampling: a lower bound on the exact count, for comparison.

    1-D mode (``start``, ``end``): with samples x_i = (1 - t_i) start + t_i end,
    t_i = i / (n_samples - 1), the count is 1 + #{i : pattern(x_i) != pattern(x_{i+1})}.
    2-D mode (``box=(smin, smax, tmin, tmax)``): the number of distinct patterns at the
    ``resolution**2`` cell centres (s, t) of the box, at x = origin + s u + t v (or x = (s, t)
    for a 2-input net when origin, u, v are omitted). A region narrower than the sample spacing
    is missed. A unit within rounding distance of its threshold at a sample (on a boundary, or
    where float noise could flip a unit that exact arithmetic keeps on its threshold) is not
    trusted: in 1-D a change counts only where a unit clear at both samples differs, which makes
    the 1-D count a true lower bound; in 2-D such a unit reads as on its threshold.

    Parameters
    ----------
    net : torch.nn.Sequential
        A network (see :func:`exprlib.nets.as_numpy`).
    start, end : (d,) array_like, optional
        Finite, distinct end points (1-D mode).
    n_samples : int, default 10 000
        Number of evenly spaced samples in 1-D mode, >= 2 (both ends included).
    box : 4 floats, optional
        (smin, smax, tmin, tmax) with smin < smax, tmin < tmax (2-D mode).
    origin, u, v : (d,) array_like, optional
        The plane slice x = origin + s u + t v; all three or none (none only for 2-input nets).
        u and v must be linearly independent.
    resolution : int, default 256
        Grid cells per side in 2-D mode, >= 2.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``net`` is not a supported network, an array is not numeric, or ``n_samples`` /
        ``resolution`` is not an int.
    ValueError
        If not exactly one mode is given, a vector or the box is malformed or non-finite,
        start == end, u and v are dependent, or ``n_samples`` / ``resolution`` < 2.

    Examples
    --------
    >>> from exprlib.nets import from_weights
    >>> net = from_weights([[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, -0.5], [0.0]])
    >>> count_regions_sampled(net, [-1.0], [1.0]), count_regions_sampled(net, [-1.0], [1.0], n_samples=2)
    (3, 2)
    >>> net2 = from_weights([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> count_regions_sampled(net2, box=(-1, 1, -1, 1), resolution=4)
    4
    """
    mlp = as_numpy(net)
    n_samples = _check_count(n_samples, "n_samples")
    resolution = _check_count(resolution, "resolution")
    one_d = start is not None or end is not None
    if one_d and box is not None:
        raise ValueError("give either start and end (1-D mode) or box (2-D mode), not both")
    if not one_d and box is None:
        raise ValueError("give start and end (1-D mode) or box=(smin, smax, tmin, tmax) (2-D mode); got neither")
    if one_d:
        if start is None or end is None:
            missing = "end" if end is None else "start"
            raise ValueError(f"1-D mode needs both start and end; {missing} is missing")
        if origin is not None or u is not None or v is not None:
            raise ValueError("origin, u and v belong to the 2-D mode (box=...); leave them out with start and end")
        start, end = _as_segment(mlp, start, end)
        return _sampled_1d(mlp, start, end, n_samples)
    smin, smax, tmin, tmax = _check_box(box)
    given = [name for name, x in (("origin", origin), ("u", u), ("v", v)) if x is not None]
    if given and len(given) < 3:
        raise ValueError(f"origin, u and v must be given together or not at all; got only {', '.join(given)}")
    if not given:
        if mlp.in_dim != 2:
            raise ValueError(
                f"origin, u and v are needed to slice a {mlp.in_dim}-input network; "
                "only a 2-input network can be sampled on its own input plane"
            )
        origin, u, v = np.zeros(2), np.array([1.0, 0.0]), np.array([0.0, 1.0])
    else:
        origin = _as_vector(origin, mlp.in_dim, "origin")
        u = _as_vector(u, mlp.in_dim, "u")
        v = _as_vector(v, mlp.in_dim, "v")
        _check_independent(u, v, ("u", "v"))
    return _sampled_2d(mlp, (smin, smax, tmin, tmax), origin, u, v, resolution)


def _sampled_1d(mlp: NumpyMLP, start: np.ndarray, end: np.ndarray, n_samples: int) -> int:
    step = _chunk_rows(mlp)
    changes, previous = 0, None
    for first in range(0, n_samples, step):
        t = np.arange(first, min(first + step, n_samples)) / (n_samples - 1)
        x = (1.0 - t)[:, None] * start + t[:, None] * end
        pattern, clear = _patterns(mlp, x)
        if previous is not None:
            pattern = np.concatenate([previous[0], pattern])
            clear = np.concatenate([previous[1], clear])
        both_clear = clear[1:] & clear[:-1]
        changes += int(((pattern[1:] != pattern[:-1]) & both_clear).any(axis=1).sum())
        previous = pattern[-1:], clear[-1:]
    return changes + 1


def _sampled_2d(
    mlp: NumpyMLP, box: tuple[float, float, float, float], origin: np.ndarray, u: np.ndarray, v: np.ndarray, res: int
) -> int:
    smin, smax, tmin, tmax = box
    if sum(mlp.widths) == 0:
        return 1  # a linear model: one pattern (the empty one) everywhere
    s_centres = smin + (np.arange(res) + 0.5) * ((smax - smin) / res)
    t_centres = tmin + (np.arange(res) + 0.5) * ((tmax - tmin) / res)
    step = _chunk_rows(mlp)
    seen: set[bytes] = set()
    total = res * res
    for first in range(0, total, step):
        index = np.arange(first, min(first + step, total))
        s, t = s_centres[index % res], t_centres[index // res]
        x = origin + s[:, None] * u + t[:, None] * v
        pattern, _ = _patterns(mlp, x)
        # Two bits per unit (active / at the lower limit) pack every pattern into a short key.
        key = np.concatenate([np.packbits(pattern > 0, axis=1), np.packbits(pattern < 0, axis=1)], axis=1)
        key = np.ascontiguousarray(key)
        rows = np.unique(key.view(np.dtype((np.void, key.shape[1]))).ravel())
        seen.update(r.tobytes() for r in rows)
    return max(len(seen), 1)

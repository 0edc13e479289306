"""Canonical networks shared by the tests, as raw numpy weights with hand-computed answers.

Each :class:`RawNet` keeps the weights (out x in, last pair the readout), the biases (``None``
for a bias-free layer) and one activation description per hidden layer (``"relu"`` or
``("hardtanh", lo, hi)``), so the rational oracle in ``brute.py`` and the library read the
very same numbers; :meth:`RawNet.torch` builds the network through
:func:`exprlib.nets.from_weights`. The expected counts were worked out by hand (see each
comment); ``tests/test_regions_properties.py`` checks them against the oracle and the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np
from torch import nn

from exprlib.nets import from_weights

# The fixture networks and their README with exact counts, inside the repository (a user's
# clone has nothing beside it).
BENCHMARK_NETS = Path(__file__).resolve().parents[1] / "benchmarks" / "nets"


def grading_overrides() -> dict:
    """nbgrader overrides for tests that autograde: none where the bubblewrap sandbox runs.

    Without bubblewrap (a newcomer's machine), grading tests still run, unconfined (verdicts are
    still decided in the grader), and tests/test_sandbox.py skips; under ``CI=true`` (which
    installs bubblewrap) nothing falls back, so a missing sandbox fails there.
    """
    import os
    import sys

    course = str(Path(__file__).resolve().parents[1] / "course")
    if course not in sys.path:
        sys.path.insert(0, course)
    import sandbox  # course/sandbox.py

    if sandbox.problem() is None or os.environ.get("CI") == "true":
        return {}
    return {"GradeInSandbox": {"sandbox": "none"}}

__all__ = [
    "BENCHMARK_NETS",
    "grading_overrides",
    "BIAS_FREE",
    "CANCELLING",
    "CANONICAL",
    "DUPLICATED",
    "HARDTANH_ONE",
    "HARDTANH_TOUCH",
    "ONE_NEURON",
    "SAWTOOTH",
    "TINY_GAP",
    "TINY_KINK",
    "ZERO_NET",
    "RawNet",
    "sawtooth",
    "to_torch",
]


def to_torch(weights: Sequence, biases: Sequence, activations: Sequence) -> nn.Sequential:
    """A float64 torch net with per-layer activations ("relu" or ("hardtanh", lo, hi)).

    Examples
    --------
    >>> net = to_torch([np.ones((2, 1)), np.ones((1, 2))], [None, [0.0]], [("hardtanh", -0.5, 2.0)])
    >>> [type(m).__name__ for m in net], (net[1].min_val, net[1].max_val)
    (['Linear', 'Hardtanh', 'Linear'], (-0.5, 2.0))
    """
    if len(activations) != len(weights) - 1:
        raise ValueError(f"need one activation per hidden layer ({len(weights) - 1}), got {len(activations)}")
    net = from_weights(weights, biases, "relu")
    for layer, act in enumerate(activations):
        if act == "relu":
            continue
        kind, lo, hi = ("hardtanh", -1.0, 1.0) if act == "hardtanh" else act
        if kind != "hardtanh":
            raise ValueError(f"activation must be 'relu' or ('hardtanh', lo, hi), got {act!r}")
        net[2 * layer + 1] = nn.Hardtanh(float(lo), float(hi))
    return net


@dataclass(frozen=True, repr=False)
class RawNet:
    """A canonical net plus the answers worked out by hand for one segment and one box."""

    name: str
    weights: tuple
    biases: tuple
    activations: tuple
    segment: tuple | None = None  # (start, end)
    regions_1d: int | None = None
    breakpoints_1d: tuple = field(default=())  # exact t values of the pattern changes
    pieces_1d: int | None = None
    box: tuple | None = None  # (smin, smax, tmin, tmax), the net's own two inputs
    regions_2d: int | None = None
    areas_2d: tuple = field(default=())  # sorted exact region areas
    pieces_2d: int | None = None

    def torch(self) -> nn.Sequential:
        return to_torch(self.weights, self.biases, self.activations)

    @property
    def raw(self) -> tuple:
        """(weights, biases, activations): the oracle's positional arguments."""
        return self.weights, self.biases, self.activations

    def __repr__(self) -> str:
        """Full-precision raw weights, so a failing hypothesis example can be pasted back."""
        weights = [w.tolist() for w in self.weights]
        biases = [None if b is None else b.tolist() for b in self.biases]
        return f"RawNet({self.name!r}, weights={weights}, biases={biases}, activations={self.activations!r})"

    def _repr_pretty_(self, printer, cycle) -> None:  # hypothesis prints falsifying examples this way
        printer.text(repr(self))


def _arrays(rows: Sequence) -> tuple:
    return tuple(None if r is None else np.array(r, dtype=np.float64) for r in rows)


def sawtooth(depth: int) -> RawNet:
    """Telgarsky's tent map composed ``depth`` times, two ReLUs per layer: 2**depth regions on [0, 1].

    Layer 1 computes relu(x), relu(x - 1/2); every later layer applies the same pair to the tent
    f(z) = 2 relu(z) - 4 relu(z - 1/2) of the previous one. Unit 2 of layer l flips where
    f^(l-1)(x) = 1/2 (at the 2**(l-1) odd multiples of 2**-l), so the breakpoints are all
    j / 2**depth; unit 1 of layer l >= 2 only *touches* zero (at dyadic points, trap 1).
    Each region is one linear piece of f^depth (slopes alternate +-2**depth).
    """
    weights = [[[1.0], [1.0]]] + [[[2.0, -4.0], [2.0, -4.0]]] * (depth - 1) + [[[2.0, -4.0]]]
    biases = [[0.0, -0.5]] * depth + [[0.0]]
    n = 2**depth
    return RawNet(
        f"sawtooth{depth}",
        _arrays(weights),
        _arrays(biases),
        ("relu",) * depth,
        segment=([0.0], [1.0]),
        regions_1d=n,
        breakpoints_1d=tuple(Fraction(j, n) for j in range(1, n)),
        pieces_1d=n,
    )


# relu(x - 1/2) on [0, 1]: one break at 1/2; as a 2-input net on [-1, 1]^2 the line x = 1/2.
ONE_NEURON = RawNet(
    "one_neuron",
    _arrays([[[1.0]], [[1.0]]]),
    _arrays([[-0.5], [0.0]]),
    ("relu",),
    segment=([0.0], [1.0]),
    regions_1d=2,
    breakpoints_1d=(Fraction(1, 2),),
    pieces_1d=2,
)

SAWTOOTH = sawtooth(4)

# Everything zero: every unit sits at z = 0 (pattern 0), one region however the domain is cut.
ZERO_NET = RawNet(
    "zero_net",
    _arrays([np.zeros((3, 2)), np.zeros((3, 3)), np.zeros((1, 3))]),
    _arrays([np.zeros(3), np.zeros(3), np.zeros(1)]),
    ("relu", "relu"),
    segment=([-1.0, -1.0], [1.0, 1.0]),
    regions_1d=1,
    pieces_1d=1,
    box=(-1.0, 1.0, -1.0, 1.0),
    regions_2d=1,
    areas_2d=(Fraction(4),),
    pieces_2d=1,
)

# Units x, x, y, y: duplicated lines. The segment (-1, -1/2) -> (1, 1/2) crosses both lines at
# the same t = 1/2 (coincident breakpoints): 2 regions; the box is cut into 4 unit squares. The
# readout cancels the two x units (1 - 1), so the output only bends along y = 0: 2 pieces.
DUPLICATED = RawNet(
    "duplicated",
    _arrays([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], [[1.0, -1.0, 2.0, 0.5]]]),
    _arrays([[0.0, 0.0, 0.0, 0.0], [0.0]]),
    ("relu",),
    segment=([-1.0, -0.5], [1.0, 0.5]),
    regions_1d=2,
    breakpoints_1d=(Fraction(1, 2),),
    pieces_1d=2,
    box=(-1.0, 1.0, -1.0, 1.0),
    regions_2d=4,
    areas_2d=(Fraction(1),) * 4,
    pieces_2d=2,
)

# Bias-free (no bias tensors at all): lines x = 0, y = 0, x + y = 0, x - y = 0 through the origin
# cut the box into 8 triangles of area 1/2 (8 pieces: each has its own set of active units,
# and the active normals' sums differ). Along the diagonal (-1, -1) -> (1, 1) three lines
# cross at t = 1/2 and x - y is identically 0 (pattern 0 throughout): 2 regions.
BIAS_FREE = RawNet(
    "bias_free",
    _arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0, 1.0, 1.0]]]),
    (None, None),
    ("relu",),
    segment=([-1.0, -1.0], [1.0, 1.0]),
    regions_1d=2,
    breakpoints_1d=(Fraction(1, 2),),
    pieces_1d=2,
    box=(-1.0, 1.0, -1.0, 1.0),
    regions_2d=8,
    areas_2d=(Fraction(1, 2),) * 8,
    pieces_2d=8,
)

# hardtanh(2x) on [-1, 1]: saturated below t = 1/4, linear, saturated above t = 3/4. As a
# 2-input net (x, y) -> hardtanh(2x) on [-1, 1]^2: strips of areas 1, 2, 1.
HARDTANH_ONE = RawNet(
    "hardtanh_one",
    _arrays([[[2.0, 0.0]], [[1.0]]]),
    _arrays([[0.0], [0.0]]),
    (("hardtanh", -1.0, 1.0),),
    segment=([-1.0, 0.0], [1.0, 0.0]),
    regions_1d=3,
    breakpoints_1d=(Fraction(1, 4), Fraction(3, 4)),
    pieces_1d=3,
    box=(-1.0, 1.0, -1.0, 1.0),
    regions_2d=3,
    areas_2d=(Fraction(1), Fraction(1), Fraction(2)),
    pieces_2d=3,
)

# relu(x), relu(-x), then hardtanh(|x| - 1) with limits (-1, 1/2) and a dead unit fixed at
# z = -1 = lo (a zero row whose bias is the lower limit: pattern -1 everywhere). On [-2, 2] the
# first unit of layer 2 touches lo at x = 0 only, and reaches hi at |x| = 3/2 (t = 1/8, 7/8):
# regions (0,1,+1,-1) | (0,1,0,-1) | (1,0,0,-1) | (1,0,+1,-1). The output clip(|x| - 1) - 1 has
# slopes 0, -1, +1, 0 on them: 4 linear pieces.
# In the box [-2, 2] x [-1, 1] (y ignored): strips at x = -3/2, 0, 3/2 with areas 1, 3, 3, 1.
HARDTANH_TOUCH = RawNet(
    "hardtanh_touch",
    _arrays([[[1.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]], [[1.0, 1.0]]]),
    _arrays([[0.0, 0.0], [-1.0, -1.0], [0.0]]),
    ("relu", ("hardtanh", -1.0, 0.5)),
    segment=([-2.0, 0.0], [2.0, 0.0]),
    regions_1d=4,
    breakpoints_1d=(Fraction(1, 8), Fraction(1, 2), Fraction(7, 8)),
    pieces_1d=4,
    box=(-2.0, 2.0, -1.0, 1.0),
    regions_2d=4,
    areas_2d=(Fraction(1), Fraction(1), Fraction(3), Fraction(3)),
    pieces_2d=4,
)

# Two parallel lines 1e-13 apart (x = 1/2 and x = -b, b the float nearest -(1/2 + 1e-13)): a
# genuinely tiny region that must count. Exact answers use b's own rational value.
_TINY_B = -(0.5 + 1e-13)
TINY_GAP = RawNet(
    "tiny_gap",
    _arrays([[[1.0, 0.0], [1.0, 0.0]], [[1.0, -1.0]]]),
    _arrays([[-0.5, _TINY_B], [0.0]]),
    ("relu",),
    segment=([0.0, 0.0], [1.0, 0.0]),
    regions_1d=3,
    breakpoints_1d=(Fraction(1, 2), -Fraction(_TINY_B)),
    pieces_1d=3,
    box=(0.0, 1.0, 0.0, 1.0),
    regions_2d=3,
    areas_2d=tuple(sorted((Fraction(1, 2), -Fraction(_TINY_B) - Fraction(1, 2), 1 + Fraction(_TINY_B)))),
    pieces_2d=3,
)

# Exact cancellation: on |x| < 1/3 both layer-1 units are active and the layer-2 unit is
# -3 relu(x + 7/16) + relu(3x + 1) - (1 - 21/16) = 0 identically. Exactly one region (the unit
# sits on its threshold: pattern 0), but float64 leaves +-1e-17 noise wherever x is inexact
# (0.3 is): a method without a tolerance band sees that noise cross zero.
CANCELLING = RawNet(
    "cancelling",
    _arrays([[[1.0, 0.0], [3.0, 0.0]], [[-3.0, 1.0]], [[1.0]]]),
    _arrays([[0.4375, 1.0], [0.3125], [0.0]]),
    ("relu", "relu"),
    segment=([-0.3, 0.0], [0.3, 0.0]),
    regions_1d=1,
    pieces_1d=1,
    box=(-0.3, 0.3, -1.0, 1.0),
    regions_2d=1,
    areas_2d=(2 * (Fraction(0.3) - Fraction(-0.3)),),
    pieces_2d=1,
)

# A kink of relative size 1e-9: slopes 1 and 1 + 1e-9 on either side of x = 1/2 are two linear
# pieces, however close (rounding is ~1e-16); x = 0 is a box edge.
TINY_KINK = RawNet(
    "tiny_kink",
    _arrays([[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1e-9]]]),
    _arrays([[0.0, -0.5], [0.0]]),
    ("relu",),
    segment=([0.0, 0.0], [1.0, 1.0]),
    regions_1d=2,
    breakpoints_1d=(Fraction(1, 2),),
    pieces_1d=2,
    box=(0.0, 1.0, 0.0, 1.0),
    regions_2d=2,
    areas_2d=(Fraction(1, 2), Fraction(1, 2)),
    pieces_2d=2,
)

CANONICAL = (
    ONE_NEURON,
    SAWTOOTH,
    ZERO_NET,
    DUPLICATED,
    BIAS_FREE,
    HARDTANH_ONE,
    HARDTANH_TOUCH,
    TINY_GAP,
    TINY_KINK,
    CANCELLING,
)

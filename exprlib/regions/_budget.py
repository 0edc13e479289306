"""Size budgets for the exact region enumerations: refuse with a clear error, never exhaust memory.

Exact enumeration holds every breakpoint (1-D) or every polygon (2-D) at once, and deep nets
have exponentially many: ``count_regions_1d(sawtooth(30), [0], [1])`` has 2**30 regions, and
holding them would take ~200 GB. Each refinement therefore knows how many points or polygons
fit in ``memory_budget`` bytes (a measured cost per point or polygon, see below) and checks
the running count as every layer (2-D: every unit) is processed, *before* it allocates the
next arrays. Beyond the budget it stops and raises :class:`RegionBudgetError`, a
``ValueError`` that gives the count reached, a growth-based estimate of the final size, the
memory that needs, and the argument to shrink.

The estimate is the count so far times the growth of the last layer, per remaining layer:
cheap, and exact for nets that double every layer (the sawtooth), but an extrapolation.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["DEFAULT_MAX_REGIONS", "DEFAULT_MEMORY_BUDGET", "RegionBudgetError"]

# About 2 GB: what a student laptop with 8 GB can give one notebook kernel on top of Python,
# torch and Jupyter (~0.5 GB). All four benchmark fixtures need at most ~0.35 GB.
DEFAULT_MEMORY_BUDGET = 2 * 2**30

# A streamed 1-D count goes at ~0.3-0.7 million regions a second on one core (narrow to
# width-100 nets), so 10**7 regions is about 15-40 s: longer counts are refused up front.
DEFAULT_MAX_REGIONS = 10**7

# Bytes held per point of a 1-D refinement, per unit of the widest layer and fixed: measured
# with tracemalloc as 191 B/point for the width-2 sawtooth (2**16..2**20 points) and
# 2.9 kB/point for the width-100 hard-tanh fixture (117 453 points), i.e. ~28 width + 140.
_LINE_BYTES_PER_UNIT, _LINE_BYTES_FIXED = 30, 160

# Bytes per interval of the arc refinement: three coefficients per unit and their gathered
# copy (measured 5.5 kB/interval at width 100 on the fixture's quarter arc).
_ARC_BYTES_PER_UNIT, _ARC_BYTES_FIXED = 60, 200

# Bytes per polygon of the 2-D partition at its peak (the last layer's maps, their products
# and the stored result): measured 3.5, 9.5 and 11.7 kB/region on the [32]x3, [64]x6 and
# [128]x4 fixtures; 150 width + 2 (all units) + 500 bounds all three.
_PLANE_BYTES_PER_UNIT, _PLANE_BYTES_PER_PATTERN_UNIT, _PLANE_BYTES_FIXED = 150, 2, 500

# An estimate from a layer's growth is used to refuse early (before the count itself reaches
# the budget) only once there are this many points, so that the first layers' jumps (2 points
# to n_1 + 2) do not extrapolate, and only when it exceeds the limit by this factor.
_MIN_POINTS_TO_EXTRAPOLATE = 4096
_EXTRAPOLATION_MARGIN = 4.0


class RegionBudgetError(ValueError):
    """An exact region computation would exceed its size budget, so it was refused.

    Raised before the memory is allocated. The message gives the count reached, the estimated
    final count and memory, and what to shrink (the segment or box, the net's depth or width)
    or which budget keyword to raise. Attributes: ``reached`` (count when stopped),
    ``estimate`` (estimated final count, float), ``limit`` (the count the budget allows).
    """

    def __init__(self, message: str, *, reached: int, estimate: float, limit: int) -> None:
        super().__init__(message)
        self.reached = reached
        self.estimate = estimate
        self.limit = limit


RegionBudgetError.__module__ = __package__  # where users import it from (a private copy names its own)


class _Overflow(Exception):
    """Internal: a refinement stopped at its limit (turned into a RegionBudgetError, or a stream)."""

    def __init__(
        self, reached: int, estimate: float, layer: int, depth: int, projected_only: bool, growth: float
    ) -> None:
        super().__init__(reached, estimate)
        self.growth = growth  # factor per layer used for the estimate
        self.reached = reached  # points / polygons when stopped
        self.estimate = estimate  # extrapolated final count
        self.layer = layer  # 0-based layer being processed
        self.depth = depth
        self.projected_only = projected_only  # stopped on the extrapolation, below the hard limit


def check_memory_budget(memory_budget: object) -> float:
    """A positive, finite number of bytes (or None for no limit, returned as inf)."""
    if memory_budget is None:
        return math.inf
    if isinstance(memory_budget, bool) or not isinstance(memory_budget, numbers.Real):
        raise TypeError(f"memory_budget must be a number of bytes or None, got {memory_budget!r}")
    if not memory_budget > 0 or math.isnan(memory_budget):
        raise ValueError(f"memory_budget must be a positive number of bytes (or None for no limit), got {memory_budget!r}")
    return float(memory_budget)


def check_max_regions(max_regions: object) -> float:
    """A positive int (or None for no limit, returned as inf)."""
    if max_regions is None:
        return math.inf
    if isinstance(max_regions, bool) or not isinstance(max_regions, numbers.Integral):
        raise TypeError(f"max_regions must be an int or None, got {max_regions!r}")
    if max_regions < 1:
        raise ValueError(f"max_regions must be >= 1 (or None for no limit), got {max_regions!r}")
    return float(max_regions)


# The costs above are what the finished arrays hold; while a layer is refined its crossing
# lists, interpolated rows and the next product come on top. Measured peaks of refusals and
# streams were up to 1.6x (points held) x (cost per point), so the limits divide by this.
_TRANSIENT_FACTOR = 1.6


def line_bytes(width: int) -> float:
    """Peak bytes per point of a 1-D refinement whose widest layer has ``width`` units."""
    return _TRANSIENT_FACTOR * (_LINE_BYTES_PER_UNIT * width + _LINE_BYTES_FIXED)


def arc_bytes(width: int) -> float:
    """Peak bytes per interval of an arc refinement."""
    return _TRANSIENT_FACTOR * (_ARC_BYTES_PER_UNIT * width + _ARC_BYTES_FIXED)


def plane_bytes(width: int, total_units: int) -> float:
    """Peak bytes per polygon of a 2-D partition."""
    return _TRANSIENT_FACTOR * (
        _PLANE_BYTES_PER_UNIT * width + _PLANE_BYTES_PER_PATTERN_UNIT * total_units + _PLANE_BYTES_FIXED
    )


def extrapolate(before: int, after: float, layers_left: float) -> float:
    """The count ``after`` grown by the factor after / before for each remaining layer."""
    growth = max(after / max(before, 1), 1.0)
    with_growth = math.log(after) + layers_left * math.log(growth) if after > 0 else 0.0
    return math.exp(min(with_growth, 700.0))


def check_growth(reached: int, before: int, layer: float, depth: int, limit: float, projected_limit: float) -> None:
    """Raise _Overflow when ``reached`` passes ``limit``, or its extrapolation ``projected_limit``.

    ``layer`` is the (possibly fractional, for 2-D: units done / width) position in the net.
    The first layer's growth (2 points to n_1 + 2) says little about the next ones, so it is
    never extrapolated from; later layers are, once ``reached`` is large enough to be typical.
    """
    layers_left = max(depth - 1 - layer, 0.0)
    growth = max(reached / max(before, 1), 1.0) if layer >= 1 else 1.0
    if reached > limit:
        raise _Overflow(reached, extrapolate(before, reached, layers_left if layer >= 1 else 0), int(layer), depth, False, growth)
    if layer >= 1 and reached >= _MIN_POINTS_TO_EXTRAPOLATE and layers_left > 0 and math.isfinite(projected_limit):
        estimate = extrapolate(before, reached, layers_left)
        if estimate > _EXTRAPOLATION_MARGIN * projected_limit:
            raise _Overflow(reached, estimate, int(layer), depth, True, growth)


def show_bytes(n: float) -> str:
    """Bytes as a short string in binary units (2 GiB, 340 MiB)."""
    if not math.isfinite(n):
        return "no limit"
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} B"


def show_count(n: float) -> str:
    """A count with thousands separators, or in scientific notation when large."""
    if not math.isfinite(n):
        return "unbounded"
    return f"{int(round(n)):,}" if n < 1e8 else f"{n:.2g}"


def show_duration(seconds: float) -> str:
    """A rough duration: seconds, minutes, hours or days."""
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"about {seconds / size:.0f} {unit}"
    return f"about {seconds:.0f} s"


# Regions counted per second by a streamed 1-D count (measured 0.3-0.7 million, narrow to wide).
_COUNT_RATE = 5e5


def refusal(
    func: str,
    over: _Overflow,
    *,
    things: str,
    where: str,
    shrink: str,
    keyword: str,
    budget: float,
    limit: float,
    item_bytes: float | None = None,
    hint: str = "",
) -> RegionBudgetError:
    """The RegionBudgetError for an _Overflow: what was reached, the estimate, what to shrink.

    ``keyword`` is the budget that was exceeded: "memory_budget" (``budget`` in bytes, each of
    the ``things`` costing ``item_bytes``) or "max_regions" (``budget`` a count).
    """
    found = f"{where} reaches {show_count(over.reached)} {things} in layer {over.layer + 1} of {over.depth}"
    if over.estimate > over.reached * 1.01:
        how = f"growing x{over.growth:.3g} per layer" if over.growth > 1.0001 else "from its growth so far"
        found += f", and an estimated {show_count(over.estimate)} by the end ({how})"
    if keyword == "memory_budget":
        cost = (
            f"That needs about {show_bytes(over.estimate * item_bytes)} ({show_bytes(item_bytes)} per "
            f"{things[:-1]} for this net); memory_budget={budget:.0f} ({show_bytes(budget)}) holds about "
            f"{show_count(limit)}"
        )
        stop = "running out of memory"
    else:
        cost = (
            f"Counting that many takes {show_duration(over.estimate / _COUNT_RATE)} "
            f"(~{_COUNT_RATE:.0e} regions a second); max_regions={show_count(budget)}"
        )
        stop = "running for a long time"
    message = (
        f"{func} refused before {stop}: {found}. {cost}. "
        f"Shrink {shrink}, or the net's depth or width, or raise {keyword} (None: no limit).{hint}"
    )
    return RegionBudgetError(message, reached=over.reached, estimate=over.estimate, limit=int(min(limit, 2**62)))

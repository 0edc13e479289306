"""Exact region counts on the benchmark nets: correctness, speed and memory, against sampling.

Usage (from the repository root)::

    .venv/bin/python benchmarks/regions.py            # every fixture, 2 repeats, dense sampling
    .venv/bin/python benchmarks/regions.py --quick    # 1 repeat, coarser sampling
    .venv/bin/python benchmarks/regions.py --only 1d  # only the 1-D (segment) fixtures
    .venv/bin/python benchmarks/regions.py --markdown # the README's table, from this one run
    .venv/bin/python benchmarks/regions.py --budgets  # refusals of huge inputs: time, peak memory

For every ``.npz`` in ``benchmarks/nets`` it prints one row: the expected count (parsed
from that folder's README table), the exact count, the best wall time over the repeats,
regions per second, the peak traced memory, and the dense-sampling count
(:func:`exprlib.regions.count_regions_sampled`) timed in the same run, as ratios. The exit
status is 1 if any exact count differs from the README (or a counter is missing), else 0.

``--markdown`` prints the same run as the markdown table of the repository's README (fixture,
exact regions, exprlib's time, peak memory, the dense-sampling count and its time), followed
by a line naming the command, the date and the machine, so the table is never a mix of runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exprlib import regions
from exprlib.nets import as_numpy, load_npz

NETS_DIR = Path(__file__).resolve().parent / "nets"

# Used when the README cannot be read; the README is the reference.
KNOWN_COUNTS = {
    "relu_2in_32x32x32_seed0.npz": 1_180,
    "relu_2in_64x64x64x64x64x64_seed0.npz": 8_392,
    "relu_2in_128x128x128x128_seed0.npz": 29_584,
    "hardtanh_100in_100x12_sw2-16_sb2-0.3_seed0.npz": 117_453,
}

BOX = (-1.0, 1.0, -1.0, 1.0)  # the README's domain for every 2-D fixture
_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+\.npz)`\s*\|\s*(?P<task>[12]-D)\s*\|[^|]*\|(?P<count>[^|]*)\|\s*$")


@dataclass
class Row:
    name: str
    task: str
    expected: int | None
    exact: int | None = None
    seconds: float = float("nan")
    peak_mb: float = float("nan")
    sampled: int | None = None
    sampled_seconds: float = float("nan")
    error: str = ""
    widths: tuple[int, ...] = ()
    cpu_seconds: float = float("nan")
    sampled_cpu_seconds: float = float("nan")
    in_dim: int = 0

    @property
    def ok(self) -> bool:
        return not self.error and self.exact is not None and self.exact == self.expected


def readme_counts(nets_dir: Path) -> dict[str, tuple[str, int]]:
    """file -> (task, exact count) from the README table ("117 453" and thin spaces allowed)."""
    readme = nets_dir / "README.md"
    table = {}
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            match = _ROW.match(line.strip())
            if match:
                table[match["file"]] = (match["task"], int(re.sub(r"\D", "", match["count"])))
    return table


def _activation(name: str) -> str:
    return "hardtanh" if name.startswith("hardtanh") else "relu"


def _timed(func, repeats: int) -> tuple[object, float, float]:
    """The result, the best wall-clock time and the CPU time of that run (all threads)."""
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        wall = time.perf_counter() - start
        if wall < best:
            best, cpu = wall, time.process_time() - start_cpu
    return result, best, cpu


def _peak_mb(func) -> float:
    # A separate traced run: tracemalloc sees numpy's buffers but slows allocation, so the
    # timed runs above are untraced.
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run_one(path: Path, task: str, expected: int | None, *, repeats: int, samples_1d: int, resolution: int) -> Row:
    row = Row(path.name, task, expected)
    net = load_npz(path, _activation(path.name))
    mlp = as_numpy(net)
    row.widths, row.in_dim = tuple(mlp.widths), mlp.in_dim
    if task == "1-D":
        with np.load(path) as data:
            start, end = data["start"], data["end"]
        exact = lambda: regions.count_regions_1d(net, start, end)  # noqa: E731
        sampled = lambda: regions.count_regions_sampled(net, start, end, n_samples=samples_1d)  # noqa: E731
    else:
        counter = getattr(regions, "count_regions_2d", None)
        if counter is None:
            row.error = "exprlib.regions.count_regions_2d is not available"
            return row
        exact = lambda: counter(net, box=BOX)  # noqa: E731
        sampled = lambda: regions.count_regions_sampled(net, box=BOX, resolution=resolution)  # noqa: E731
    try:
        row.exact, row.seconds, row.cpu_seconds = _timed(exact, repeats)
        row.peak_mb = _peak_mb(exact)
        row.sampled, row.sampled_seconds, row.sampled_cpu_seconds = _timed(sampled, 1)
    except Exception as err:  # report and keep going: one broken counter must not hide the rest
        row.error = f"{type(err).__name__}: {err}"
    return row


def print_table(rows: list[Row], samples_1d: int, resolution: int) -> None:
    header = (
        f"{'net':<48} {'task':<4} {'expected':>9} {'exact':>9} {'ok':>3} {'seconds':>8} {'regions/s':>10} "
        f"{'peak MB':>8} {'sampled':>9} {'sampled s':>9} {'exact/smp':>9} {'smp s/exact s':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        if r.error:
            print(f"{r.name:<48} {r.task:<4} {r.expected if r.expected is not None else '?':>9}  ERROR  {r.error}")
            continue
        rate = r.exact / r.seconds if r.seconds > 0 else float("inf")
        count_ratio = r.exact / r.sampled if r.sampled else float("nan")
        time_ratio = r.sampled_seconds / r.seconds if r.seconds > 0 else float("nan")
        print(
            f"{r.name:<48} {r.task:<4} {r.expected if r.expected is not None else '?':>9} {r.exact:>9} "
            f"{'yes' if r.ok else 'NO':>3} {r.seconds:>8.3f} {rate:>10.0f} {r.peak_mb:>8.1f} "
            f"{r.sampled:>9} {r.sampled_seconds:>9.3f} {count_ratio:>9.3f} {time_ratio:>13.2f}"
        )
    print(
        f"\nsampling: 1-D {samples_1d:,} evenly spaced points, 2-D {resolution}x{resolution} cell centres "
        "(a lower bound on the exact count)."
    )


def describe(name: str, task: str, widths: tuple[int, ...], in_dim: int) -> str:
    """A fixture as the README names it: "ReLU [128]×4, box [−1, 1]²" or "hard-tanh 100 inputs, [100]×12, a segment (1-D)"."""
    act = "hard-tanh" if _activation(name) == "hardtanh" else "ReLU"
    if len(set(widths)) == 1:
        shape = f"[{widths[0]}]×{len(widths)}"
    else:
        shape = "[" + ", ".join(map(str, widths)) + "]"
    if task == "1-D":
        return f"{act} {in_dim} inputs, {shape}, a segment (1-D)"
    return f"{act} {shape}, box [−1, 1]²"


def _seconds(x: float) -> str:
    return f"{x:.2g} s" if x < 10 else f"{x:.0f} s"


def _thin(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # narrow no-break space, as in the README


def print_markdown(rows: list[Row], samples_1d: int, resolution: int, repeats: int, argv: list[str]) -> None:
    """The README's benchmark table from this run, and the line that says where it came from."""
    print(
        f"| fixture | exact regions | exprlib: wall (CPU), best of {repeats} | peak memory "
        "| dense sampling: count, wall (CPU) |"
    )
    print("|---|---:|---:|---:|---|")
    for r in sorted(rows, key=lambda r: (r.task, r.expected or 0)):
        if r.error:
            print(f"| {describe(r.name, r.task, r.widths, r.in_dim)} | error: {r.error} | | | |")
            continue
        grid = f"10{_superscript(samples_1d)} points" if r.task == "1-D" else f"{resolution}²"
        print(
            f"| {describe(r.name, r.task, r.widths, r.in_dim)} | {_thin(r.exact)} | "
            f"{_seconds(r.seconds)} ({_seconds(r.cpu_seconds)}) | {r.peak_mb:.0f} MiB | "
            f"{_thin(r.sampled)} from {grid}, {_seconds(r.sampled_seconds)} ({_seconds(r.sampled_cpu_seconds)}) |"
        )
    command = " ".join([".venv/bin/python", "benchmarks/regions.py", *argv])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nProduced by `{command}` on {time.strftime('%Y-%m-%d', time.gmtime())}: "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores (load average {load:.1f} at the end), "
        f"numpy {np.__version__}, float64. Wall-clock seconds of one process, and in brackets its CPU "
        "seconds (all threads), which depend less on what else runs; peak memory is what `tracemalloc` "
        "traced in one extra run (numpy's buffers)."
    )


def _superscript(n: int) -> str:
    exponent = round(np.log10(n)) if n > 0 else 0
    if 10**exponent != n:
        return f" × {n:,}"
    return str(exponent).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def run_budgets(nets_dir: Path) -> int:
    """Time and peak memory of the size budgets: refusals of huge inputs, a streamed 1-D count.

    Each case runs once under tracemalloc (which slows allocation: the times are upper bounds).
    Returns 1 if a case that must be refused was not, or the streamed count is wrong.
    """
    from exprlib.constructions import montufar_net, sawtooth

    fixture = nets_dir / "hardtanh_100in_100x12_sw2-16_sb2-0.3_seed0.npz"
    with np.load(fixture) as data:
        start, end = data["start"], data["end"]
    hardtanh = load_npz(fixture, "hardtanh")
    cases = [
        ("count_regions_1d(sawtooth(30), [0], [1])", lambda: regions.count_regions_1d(sawtooth(30), [0.0], [1.0]), None),
        ("breakpoints_1d(sawtooth(30), [0], [1])", lambda: regions.breakpoints_1d(sawtooth(30), [0.0], [1.0]), None),
        (
            "count_regions_2d(montufar_net(2, [8] * 5), (0, 1, 0, 1))",
            lambda: regions.count_regions_2d(montufar_net(2, [8] * 5), (0, 1, 0, 1)),
            None,
        ),
        (
            "count_regions_1d(hard-tanh fixture, memory_budget=100e6)  # streamed",
            lambda: regions.count_regions_1d(hardtanh, start, end, memory_budget=100e6),
            117_453,
        ),
    ]
    failed = 0
    for label, func, expected in cases:
        tracemalloc.start()
        begin = time.perf_counter()
        try:
            outcome = f"returned {func()}"
            ok = expected is not None and outcome == f"returned {expected}"
        except regions.RegionBudgetError as err:
            outcome = f"RegionBudgetError: {err}"
            ok = expected is None
        seconds = time.perf_counter() - begin
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        failed += not ok
        print(f"- `{label}`: {seconds:.2f} s, peak {peak:.0f} MiB{'' if ok else ' -- UNEXPECTED'}\n  {outcome}\n")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat and coarser sampling")
    parser.add_argument("--only", choices=("1d", "2d", "all"), default="all", help="which fixtures to run")
    parser.add_argument("--nets", type=Path, default=NETS_DIR, help="folder with the .npz fixtures and README.md")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per net (best is kept)")
    parser.add_argument("--markdown", action="store_true", help="print the README's markdown table of this run")
    parser.add_argument("--budgets", action="store_true", help="time the size budgets' refusals instead")
    raw_argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 2)
    samples_1d = 10_000 if args.quick else 100_000
    resolution = 128 if args.quick else 512

    if args.budgets:
        return run_budgets(args.nets)
    table = readme_counts(args.nets)
    paths = sorted(args.nets.glob("*.npz"))
    if not paths:
        print(f"no .npz fixtures in {args.nets}", file=sys.stderr)
        return 1
    if not args.markdown:
        print(
            f"exprlib region benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"numpy {np.__version__}, python {platform.python_version()}; timings are wall-clock seconds and "
            "depend on what else runs on the machine.\n"
        )
    rows = []
    for path in paths:
        task, expected = table.get(path.name, (None, KNOWN_COUNTS.get(path.name)))
        if task is None:
            with np.load(path) as data:
                task = "1-D" if "start" in data.files else "2-D"
        if args.only != "all" and task.replace("-", "").lower() != args.only:
            continue
        rows.append(run_one(path, task, expected, repeats=repeats, samples_1d=samples_1d, resolution=resolution))
        print(f"  done {path.name}", file=sys.stderr)
    if args.markdown:
        print_markdown(rows, samples_1d, resolution, repeats, raw_argv)
    else:
        print_table(rows, samples_1d, resolution)
    bad = [r.name for r in rows if not r.ok]
    if bad:
        print(f"\nFAILED: {', '.join(bad)}", file=sys.stderr)
        return 1
    print("\nall counts match the README.", file=sys.stderr if args.markdown else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

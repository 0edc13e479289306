"""The benchmark networks (`benchmarks/nets`) give exactly the region counts their README lists.

The table in ``benchmarks/nets/README.md`` is parsed at collection time, so the test
follows the file: a new fixture only needs a row there. The counts were agreed by at least two
independent exact methods; a library that loses (or invents) a single region fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from exprlib.nets import load_npz
from exprlib import regions

from common import BENCHMARK_NETS as BENCHMARK_DIR
README = BENCHMARK_DIR / "README.md"

# Fixtures with more regions than this take seconds rather than a fraction of one.
SLOW_ABOVE = 5000

_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+\.npz)`\s*\|\s*(?P<task>[12]-D)\s*\|(?P<domain>[^|]*)\|(?P<count>[^|]*)\|\s*$")
_BOX = re.compile(r"box\s*\[\s*(?P<lo>[-+]?[\d.]+)\s*,\s*(?P<hi>[-+]?[\d.]+)\s*\]²")


def _readme_rows() -> list[dict]:
    """One dict per table row: file, task ("1-D"/"2-D"), domain text and the exact count."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match:
            count = re.sub(r"\D", "", match["count"])  # "29 584" (thin spaces allowed) -> 29584
            rows.append(dict(file=match["file"], task=match["task"], domain=match["domain"].strip(), count=int(count)))
    return rows


ROWS = _readme_rows()


def _activation(file: str) -> str:
    """The file name starts with the activation used after every hidden layer."""
    kind = file.split("_", 1)[0]
    if kind not in ("relu", "hardtanh"):
        raise ValueError(f"fixture {file!r} must start with 'relu_' or 'hardtanh_'")
    return kind


def test_readme_lists_every_fixture():
    assert len(ROWS) >= 4, "the README table could not be parsed"
    assert sorted(r["file"] for r in ROWS) == sorted(p.name for p in BENCHMARK_DIR.glob("*.npz"))


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=row["file"], marks=[pytest.mark.slow] if row["count"] > SLOW_ABOVE else [])
        for row in ROWS
    ],
)
def test_fixture_has_the_readme_count(row):
    path = BENCHMARK_DIR / row["file"]
    net = load_npz(path, _activation(row["file"]))
    if row["task"] == "2-D":
        box = _BOX.search(row["domain"])
        assert box, f"cannot read a box [lo,hi]² from {row['domain']!r}"
        lo, hi = float(box["lo"]), float(box["hi"])
        assert regions.count_regions_2d(net, box=(lo, hi, lo, hi)) == row["count"]
    else:
        assert "start" in row["domain"] and "end" in row["domain"]
        with np.load(path) as data:
            start, end = data["start"], data["end"]
        assert regions.count_regions_1d(net, start, end) == row["count"]

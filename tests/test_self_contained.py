"""The repository is self-contained: tests and benchmarks read nothing beside it.

A user clones the repository alone; developers and CI also have a shared folder beside it, which once made
the suite pass here and fail for every user (issue 7). ``conftest.py`` installs an audit hook
that refuses to open any path beside the repository; these tests check that the hook bites and
that no test, benchmark, lesson or library file builds such a path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, OutsideRepositoryError

# A string naming the developers' shared folder, and `Path(__file__)...parents[k]`, which leaves
# the repository when k exceeds the file's depth in it.
_SHARED = re.compile(r"""["'](?:\.\./)+shared\b|["']shared["']""")
_PARENTS = re.compile(r"__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]((?:\.parent)*)")
_SCANNED = ["tests", "benchmarks", "exprlib", "course/solutions", "course/lessons", "course.py", "course/instructor.py"]


def _scanned_files() -> list[Path]:
    files = []
    for name in _SCANNED:
        path = REPO_ROOT / name
        if path.is_file():
            files.append(path)
        else:
            files += [p for p in path.rglob("*") if p.suffix in {".py", ".ipynb", ".sh"} and p.is_file()]
    return sorted(files)


def test_opening_a_sibling_of_the_repository_is_refused(tmp_path):
    sibling = REPO_ROOT.parent / "beside-the-clone" / "README.md"
    with pytest.raises(OutsideRepositoryError, match="outside the repository"):
        open(sibling)  # noqa: SIM115 - the hook refuses before the file system is asked
    # Inside the repository and outside the parent folder (tmp_path) stay open.
    assert (REPO_ROOT / "README.md").read_text()
    (tmp_path / "ok.txt").write_text("fine")


def test_no_file_builds_a_path_beside_the_repository():
    this_file = Path(__file__).resolve()
    offenders = []
    for path in _scanned_files():
        if path == this_file:
            continue
        depth = len(path.relative_to(REPO_ROOT).parts) - 1  # parents[depth] is the root
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            climbs = [int(k) + len(dots) // len(".parent") for k, dots in _PARENTS.findall(line)]
            if _SHARED.search(line) or any(k > depth for k in climbs):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert not offenders, "these lines reach outside the repository:\n" + "\n".join(offenders)


def test_the_fixture_nets_live_in_the_repository(benchmark_dir):
    assert benchmark_dir.is_relative_to(REPO_ROOT)
    assert len(list(benchmark_dir.glob("*.npz"))) == 4 and (benchmark_dir / "README.md").is_file()

"""Shared pytest configuration.

Keeps ``tests/`` importable (``from common import ...``, ``from brute import ...``) under any
import mode, loads a derandomized hypothesis profile so property tests give the same examples
on every run, and points at the benchmark networks in ``benchmarks/nets``.

A user clones the repository alone, so nothing may read a sibling of it (the developers' shared folder exists on
developers' machines and in CI, never for a user). An audit hook refuses, during the whole test
session, any ``open`` of a path beside the repository; ``tests/test_self_contained.py`` checks the
hook and scans tests and benchmarks for such paths.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent


class OutsideRepositoryError(PermissionError):
    """A test opened a file beside the repository, which a user's lone clone does not have."""


def _refuse_siblings(event: str, args: tuple) -> None:
    # Only the repository's parent folder is off limits: /tmp, the venv, the system and the
    # user's home stay open (pytest's tmp_path, matplotlib's font cache, ...).
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    inside_parent = path.startswith(_PARENT_PREFIX)
    if inside_parent and not (path == _ROOT_STR or path.startswith(_ROOT_PREFIX)):
        raise OutsideRepositoryError(f"tests must not read outside the repository, but opened {path}")


_ROOT_STR = str(REPO_ROOT)
_ROOT_PREFIX = _ROOT_STR + os.sep
_PARENT_PREFIX = str(REPO_ROOT.parent).rstrip(os.sep) + os.sep
if REPO_ROOT.parent != REPO_ROOT.parent.parent:  # a clone at "/" has no sibling to guard
    sys.addaudithook(_refuse_siblings)
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# Tests may still tighten or widen max_examples with their own @settings.
settings.register_profile("exprlib", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("exprlib")


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    """The fixture nets (``.npz``) and their README with the exact counts (``benchmarks/nets``)."""
    return TESTS_DIR.parent / "benchmarks" / "nets"

"""Shared pytest configuration.

Keeps ``tests/`` importable (``from common import ...``, ``from brute import ...``) under any
import mode, loads a derandomized hypothesis profile so property tests give the same examples
on every run, and points at the shared benchmark networks (``../shared`` from the repo root).
"""

import sys
from pathlib import Path

import pytest
from hypothesis import settings

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# Tests may still tighten or widen max_examples with their own @settings.
settings.register_profile("exprlib", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("exprlib")


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    """The shared fixture nets (``.npz``) and their README with the exact counts."""
    return TESTS_DIR.parents[1] / "shared" / "benchmark-nets"

"""Shared fixtures: small synthetic worlds built in code, seeded."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis.demo import build_demo


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo world (3,000 households in Gansu and Ningxia), built once per test session."""
    path = tmp_path_factory.mktemp("world") / "demo.duckdb"
    build_demo(path, households=3000, seed=7)
    return path

"""Shared fixtures: small synthetic worlds built in code, seeded."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from analysis.demo import build_demo

# ID hashes need a key kept apart from any database: the tests' own, never the user's ~/.config one.
os.environ.setdefault("INCOMEWATCH_ID_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="incomewatch-test-key-")) / "id.key"))
os.environ.setdefault("INCOMEWATCH_AUDIT_KEY_FILE",
                      str(Path(tempfile.mkdtemp(prefix="incomewatch-test-audit-key-")) / "audit.key"))
# Every write starts a job that stores the pages' results (analysis.precompute); tests write hundreds of times,
# so it is off here and tests/test_precompute.py runs it itself.
os.environ.setdefault("INCOMEWATCH_PRECOMPUTE", "off")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo world (3,000 households in Gansu and Ningxia), built once per test session."""
    path = tmp_path_factory.mktemp("world") / "demo.duckdb"
    build_demo(path, households=3000, seed=7)
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo world for a test that writes to it or to the files beside it."""
    path = tmp_path / "world.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="session")
def township_db(tmp_path_factory) -> Path:
    """Gansu only, 20,000 households: counties of two townships (陇西县 621122 has 621122101 and 621122201), so
    township accounts can be checked against their county and a sibling township (access tests)."""
    path = tmp_path_factory.mktemp("townships") / "demo.duckdb"
    build_demo(path, provinces=("620000",), households=20_000, seed=7)
    return path


@pytest.fixture(scope="module")
def demo_con(demo_db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the demo world, shared by a test module."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        yield con


@pytest.fixture(autouse=True)
def developer_errors() -> Iterator[None]:
    """Page errors reach AppTest's `at.exception` as on a developer's server, so tests see them.

    Deployments show visitors only a message with an error id (tests/test_untrusted_links.py turns it back off).
    """
    from streamlit import config

    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", shown)


@pytest.fixture
def open_app(demo_db, monkeypatch):
    """Open the app on the demo world as a new session: the link's query parameters, then `page` if given."""
    from streamlit.testing.v1 import AppTest

    from analysis.config import DB_ENV, PROJECT_ROOT

    monkeypatch.setenv(DB_ENV, str(demo_db))

    def start(page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=90)
        at.query_params.update(query)
        at.run()
        return at.switch_page(page).run() if page else at
    return start

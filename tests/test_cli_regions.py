"""Commands that take --region refuse a region (or year) without data with a bilingual error, never zeros."""
from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.config import PROJECT_ROOT

NO_DATA = "110000"  # Beijing: a real code, not in the demo world (Gansu and Ningxia)


def cli(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args, "--db", str(db)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", [
    ("summary", "--region", NO_DATA), ("summary", "--region", "620000", "--year", "1990"),
    ("screen", "--region", NO_DATA), ("trend", "--region", NO_DATA), ("riskmap", "--region", NO_DATA),
    ("employment", "--region", NO_DATA),
], ids=lambda c: " ".join(c))
def test_a_region_without_data_is_refused_in_both_languages(demo_db, command):
    done = cli(*command, db=demo_db)
    assert done.returncode != 0 and done.stdout == ""  # no figures at all, so no zeros
    assert "Traceback" not in done.stderr
    assert "no " in done.stderr and "没有" in done.stderr


def test_a_region_with_data_still_answers(demo_db):
    done = cli("summary", "--region", "620000", "--json", db=demo_db)
    assert done.returncode == 0 and '"households"' in done.stdout

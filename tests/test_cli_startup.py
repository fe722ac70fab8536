"""The command line starts without the model libraries, and `riskmap` reads what the map page reads.

Structural checks only (which modules a fresh process imports), never timings: `make bench` measures those.
"""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from analysis import riskmap
from analysis.config import PROJECT_ROOT

HEAVY = ("statsmodels", "scipy", "plotly", "shapely", "kaleido", "docx", "pptx")
DATA = ("pandas", "numpy", "pyarrow", "duckdb")


def imported_at_start(*args: str) -> set[str]:
    """Top-level packages a fresh `python -X importtime -m analysis ARGS` imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "analysis", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {name.split(".")[0] for name in lines}


def test_help_imports_no_model_plot_or_geometry_library():
    imported = imported_at_start("--help")
    assert "analysis" in imported  # the parse above read real output
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))
    assert imported.isdisjoint(DATA), sorted(imported & set(DATA))  # commands import their libraries when run


def test_summary_and_ingest_paths_import_no_model_library():
    """What `summary`, `ingest`, `info` and `riskmap` import before their first query, in a fresh process."""
    code = ("import sys; from analysis.commands import build_parser; build_parser(); "
            "import analysis.summary, analysis.store.ingest, analysis.store.connection, analysis.dataset, "
            "analysis.riskmap, analysis.selection; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(done.stdout.split())
    assert "duckdb" in imported
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_summary_reaches_its_first_query_without_pandas(demo_db):
    imported = imported_at_start("summary", "--region", "620000", "--db", str(demo_db))
    assert "duckdb" in imported
    assert imported.isdisjoint({"pandas", "numpy", *HEAVY}), sorted(imported & {"pandas", "numpy", *HEAVY})


def test_riskmap_of_counties_runs_without_pandas(demo_db):
    imported = imported_at_start("riskmap", "--region", "620000", "--db", str(demo_db))
    assert "duckdb" in imported
    assert imported.isdisjoint({"pandas", "pyarrow", *HEAVY}), sorted(imported & {"pandas", "pyarrow", *HEAVY})


@pytest.mark.parametrize(("region", "level"), [("000000", "province"), ("000000", "county"), ("620000", "city"),
                                               ("640000", "village")])
def test_riskmap_command_matches_the_household_query(demo_db, region, level):
    """The command reads the county sums (as the map page does); the values equal a direct household query."""
    done = subprocess.run([sys.executable, "-m", "analysis", "riskmap", "--region", region, "--level", level,
                           "--metric", "growth", "--json", "--db", str(demo_db)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    payload = json.loads(done.stdout)
    got = pd.DataFrame(payload["units"]).set_index("code").sort_index()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        direct = riskmap.ranked(riskmap.unit_metrics(con, region, payload["year"], level), "growth")
    direct = direct.set_index("code").sort_index()
    assert got.index.tolist() == direct.index.tolist() and len(got) > 1
    assert got["households"].tolist() == direct["households"].tolist()
    pd.testing.assert_series_equal(got["value"], direct["value"], check_names=False, rtol=1e-9)

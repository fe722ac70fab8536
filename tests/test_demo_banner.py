"""The demo banner says what is loaded: pure demo, or demo with real files imported into it (which part is which)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from analysis import dataset
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.store.connection import connect_read_only
from analysis.store.ingest import ingest_files
from tests.helpers_ingest import csv_bytes

APP = str(PROJECT_ROOT / "app.py")
HOUSEHOLDS = ["户编号", "村级区划代码", "户类型", "家庭人口"]
INCOME = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"]


@pytest.fixture(scope="module")
def mixed_db(demo_db, tmp_path_factory):
    """The demo world plus five real households in a county of Qinghai the demo does not cover."""
    path = tmp_path_factory.mktemp("mixed") / "mixed.duckdb"
    shutil.copy(demo_db, path)
    households = csv_bytes(HOUSEHOLDS, [[f"Q{i}", "630102001001", "脱贫户", 3] for i in range(5)])
    income = csv_bytes(INCOME, [[f"Q{i}", 2024, 20000, 1000, 500, 100, 900] for i in range(5)])
    assert ingest_files(path, [("households.csv", households), ("income.csv", income)]).ok
    return path


def test_demo_status_counts_the_demo_part(demo_db, mixed_db):
    with connect_read_only(demo_db) as con:
        pure = dataset.demo_status(con)
    with connect_read_only(mixed_db) as con:
        mixed = dataset.demo_status(con)
        assert dataset.region_has_demo_households(con, "620000")
        assert not dataset.region_has_demo_households(con, "630000")
    assert pure.demo and not pure.mixed and pure.demo_households == 3000
    assert mixed.mixed and mixed.imports == 2 and mixed.demo_households == 3000
    assert mixed.demo_counties == pure.demo_counties > 0


def _banner(monkeypatch, db, **query) -> list[str]:
    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.run()
    assert [e.value for e in at.exception] == []
    return [info.value for info in at.info if "synthetic demo data" in info.value]


def test_pure_demo_shows_the_plain_banner(monkeypatch, demo_db):
    assert len(_banner(monkeypatch, demo_db, region="620000")) == 1


@pytest.mark.parametrize("region, says", [("620000", "含演示农户"), ("630000", "的农户均为导入数据")])
def test_mixed_database_says_which_data_are_demo(monkeypatch, mixed_db, region, says):
    banners = _banner(monkeypatch, mixed_db, region=region, year="2024")
    assert len(banners) == 1 and "导入了 2 个文件" in banners[0] and says in banners[0]


def test_info_reports_the_mix(mixed_db):
    done = subprocess.run([sys.executable, "-m", "analysis", "info", "--json", "--db", str(mixed_db)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)["demo_status"]
    assert status["mixed"] and status["imports"] == 2 and status["demo_households"] == 3000

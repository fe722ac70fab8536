"""The command line as scripts use it: real subprocesses on a real database file."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.store.connection import Database


def cli(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args, "--db", str(db)], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, env={**os.environ, DB_ENV: "/nonexistent"}, timeout=120)


def _recomputed(db, prefix: str, year: int) -> dict:
    """The headline figures from plain pandas over raw rows, without the view or analysis code."""
    with duckdb.connect(str(db), read_only=True) as con:
        income = con.execute("SELECT * EXCLUDE (members) FROM income WHERE year = ?", [year]).df()
        households = con.execute("SELECT household_id, members FROM households").df()
        lines = con.execute("SELECT province_code, monitoring_line FROM thresholds WHERE year = ?", [year]).df()
    frame = income[income["county_code"].str.startswith(prefix)].merge(households, on="household_id")
    sources = ["wage_income", "crop_income", "livestock_income", "other_operating_income", "property_income",
               "transfer_income"]
    frame["net"] = frame[sources].sum(axis=1)
    line_of = dict(zip(lines["province_code"], lines["monitoring_line"], strict=True))
    frame["line"] = [line_of.get(c[:2] + "0000", line_of["000000"]) for c in frame["county_code"]]
    per_capita = frame["net"] / frame["members"]
    return {"households": len(frame), "people": int(frame["members"].sum()),
            "income_per_capita": frame["net"].sum() / frame["members"].sum(),
            "below_line_households": int((per_capita < frame["line"]).sum())}


@pytest.mark.parametrize("region,prefix", [("000000", ""), ("620000", "62"), ("640000", "64")])
def test_summary_json_equals_a_plain_recomputation(demo_db, region, prefix):
    done = cli("summary", "--region", region, "--year", "2023", "--json", db=demo_db)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    expected = _recomputed(demo_db, prefix, 2023)
    assert printed["households"] == expected["households"] > 0
    assert printed["people"] == expected["people"]
    assert printed["below_line_households"] == expected["below_line_households"]
    assert printed["income_per_capita"] == pytest.approx(expected["income_per_capita"], rel=1e-9)


def test_summary_of_a_township_and_a_village_reads_households(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        village = con.execute("SELECT village_code FROM income WHERE year = 2023 LIMIT 1").fetchone()[0]
    for code in (village[:9], village):
        done = cli("summary", "--region", code, "--year", "2023", "--json", db=demo_db)
        assert done.returncode == 0, done.stderr
        printed, expected = json.loads(done.stdout), _recomputed_in(demo_db, code, 2023)
        assert (printed["households"], printed["below_line_households"]) == expected


def _recomputed_in(db, code: str, year: int) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.execute("SELECT * FROM household_year WHERE year = ?", [year]).df()
    inside = frame[frame["village_code"].str.startswith(code)]
    return len(inside), int((inside["per_capita_net_income"] < inside["monitoring_line"]).sum())


def test_bad_arguments_exit_non_zero_without_traceback(demo_db, tmp_path):
    bad_region = cli("summary", "--region", "62x", db=demo_db)
    assert bad_region.returncode == 2 and "not a region code" in bad_region.stderr
    missing = cli("ingest", str(tmp_path / "nope.csv"), db=demo_db)
    assert missing.returncode == 2 and "file not found" in missing.stderr
    assert "Traceback" not in bad_region.stderr + missing.stderr


def test_refused_file_exits_1_lists_problems_in_json_and_leaves_the_file_unchanged(demo_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    bad = tmp_path / "thresholds.csv"
    bad.write_text("年度,省级代码,监测标准\n2023,620000,abc\n2099,640000,7000\n", encoding="utf-8")
    done = cli("ingest", str(bad), "--json", db=db)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    problems = report["problems"]
    assert {p["row"] for p in problems} == {2, 3}
    assert all(p["file"] == "thresholds.csv" and p["reason_zh"] and p["reason_en"] for p in problems)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_an_import_in_another_process_shows_up_in_an_open_reader(demo_db, tmp_path):
    """The app's holder stays open and answering while a CLI import runs, then sees the new rows."""
    db = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, db)
    reader = Database(db)
    with reader.cursor() as cur:
        old_line = cur.execute("SELECT monitoring_line FROM thresholds WHERE year = 2024 AND province_code = "
                               "'620000'").fetchall()
        version = reader.version
        new = tmp_path / "lines.csv"
        pd.DataFrame({"年度": [2024], "省级代码": ["620000"], "监测标准": [8123]}).to_csv(new, index=False)
        done = cli("ingest", str(new), db=db)  # the cursor above is still open in this process
        assert done.returncode == 0, done.stderr
        assert cur.execute("SELECT count(*) FROM households").fetchone()[0] == 3000  # old snapshot still answers
    assert reader.version != version
    with reader.cursor() as cur:
        assert cur.execute("SELECT monitoring_line FROM thresholds WHERE year = 2024 AND province_code = "
                           "'620000'").fetchall() == [(8123.0,)]
    assert old_line != [(8123.0,)]
    again = cli("ingest", str(new), "--json", db=db)
    assert json.loads(again.stdout)["files"][0]["status"] == "already_loaded"
    reader.close()


def test_ingest_reads_the_named_sheet(demo_db, tmp_path):
    from tests.helpers_ingest import xlsx_bytes

    db = tmp_path / "sheet.duckdb"
    shutil.copyfile(demo_db, db)
    book = tmp_path / "lines.xlsx"
    book.write_bytes(xlsx_bytes(["年度", "省级代码", "监测标准"], [[2024, "640000", 7777]], sheet="监测标准",
                                before={"说明": [["本表为监测标准"]],
                                        "2023年": [["年度", "省级代码", "监测标准"], [2023, "640000", 7000]]}))
    first = cli("ingest", str(book), "--json", db=db)
    assert first.returncode == 1  # two sheets hold a table: which one is meant must be said
    assert "2023年、监测标准" in json.loads(first.stdout)["problems"][0]["reason_zh"]
    named = cli("ingest", str(book), "--sheet", "监测标准", "--json", db=db)
    assert named.returncode == 0, named.stdout + named.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT monitoring_line FROM thresholds WHERE year = 2024 AND province_code = '640000'"
                           ).fetchall() == [(7777.0,)]

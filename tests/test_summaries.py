"""county_year: the sums every write keeps current equal a full recomputation from the raw rows."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from analysis.store import summaries
from analysis.store.ingest import ingest_files
from analysis.store.summaries import refresh_county_year

TODAY = pd.Timestamp("2025-06-30").date()


def _table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM county_year ORDER BY county_code, year").df()


def _kept_equals_recomputed(db) -> None:
    _income_members_match_households(db)
    with duckdb.connect(str(db)) as con:
        kept = _table(con)
        con.execute("BEGIN")
        con.execute("DELETE FROM county_year")
        refresh_county_year(con)
        recomputed = _table(con)
        con.execute("ROLLBACK")
    pd.testing.assert_frame_equal(kept, recomputed)


def _income_members_match_households(db) -> None:
    """income.members is a copy of households.members (so the what-if reads no join): it must never drift."""
    with duckdb.connect(str(db), read_only=True) as con:
        drift = con.execute("SELECT count(*) FROM income i JOIN households h USING (household_id)"
                            " WHERE i.members IS DISTINCT FROM h.members").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM income").fetchone()[0]
    assert rows > 0 and drift == 0


def test_demo_sums_match_the_household_year_view(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        kept = _table(con).set_index(["county_code", "year"])
        view = con.execute(
            "SELECT county_code, year, count(*) AS households, sum(members) AS people,"
            " count(*) FILTER (WHERE below_line) AS below, count(*) FILTER (WHERE near_line) AS edge,"
            " sum(net_income) AS net_income FROM household_year GROUP BY ALL ORDER BY ALL"
        ).df().set_index(["county_code", "year"])
    assert len(kept) == len(view) > 0
    for column in ("households", "people", "below", "edge"):
        assert (kept[column] == view[column]).all(), column
    assert kept["net_income"].to_numpy() == pytest.approx(view["net_income"].to_numpy())


@pytest.fixture
def copy(demo_db, tmp_path):
    path = tmp_path / "w.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def test_one_statement_and_one_per_province_give_the_same_sums(copy, monkeypatch):
    """A database up to ONE_PASS_HOUSEHOLDS is refreshed in one statement, a larger one province by province
    (the demo, two provinces, both ways): the same sums as those stored."""
    with duckdb.connect(str(copy)) as con:
        stored = _table(con)
        counties = stored["county_code"].unique().tolist()
        for limit, statements in ((summaries.ONE_PASS_HOUSEHOLDS, 1), (0, 2)):
            monkeypatch.setattr(summaries, "ONE_PASS_HOUSEHOLDS", limit)
            assert len(summaries._passes(con, counties)) == statements
            con.execute("BEGIN")
            con.execute("DELETE FROM county_year")
            refresh_county_year(con)
            recomputed = _table(con)
            con.execute("ROLLBACK")
            pd.testing.assert_frame_equal(recomputed, stored)


def _some_households(db, n: int = 2) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT * FROM households ORDER BY household_id LIMIT $n", {"n": n}).df()


def test_an_income_file_of_one_year_keeps_every_sum_current(copy, tmp_path):
    """An income file refreshes only its own years' sums: the other years' must still equal a recomputation."""
    first = _some_households(copy, 3)
    with duckdb.connect(str(copy), read_only=True) as con:
        year = con.execute("SELECT max(year) - 1 FROM income").fetchone()[0]
    income = tmp_path / "income.csv"
    pd.DataFrame({"户编号": first["household_id"], "年度": [year] * 3, "工资性收入": [1, 50_000, 2_000],
                  "种植业收入": [0, 0, 0], "养殖业收入": [0, 0, 0], "财产性收入": [0, 0, 0],
                  "转移性收入": [0, 0, 0]}).to_csv(income, index=False)
    report = ingest_files(copy, [income], today=TODAY)
    assert report.ok, report.problems
    _kept_equals_recomputed(copy)


def test_income_correction_and_line_change_and_moved_household_keep_sums_current(copy, tmp_path):
    first = _some_households(copy)
    income = tmp_path / "income.csv"
    pd.DataFrame({"户编号": first["household_id"], "年度": [2023, 2023], "工资性收入": [1, 900_000],
                  "种植业收入": [0, 0], "养殖业收入": [0, 0], "财产性收入": [0, 0],
                  "转移性收入": [0, 0]}).to_csv(income, index=False)
    lines = tmp_path / "lines.csv"
    pd.DataFrame({"年度": [2022], "省级代码": ["640000"], "监测标准": [9_999]}).to_csv(lines, index=False)
    report = ingest_files(copy, [income, lines], today=TODAY)
    assert report.ok, report.problems
    _kept_equals_recomputed(copy)

    with duckdb.connect(str(copy), read_only=True) as con:
        other = con.execute("SELECT village_code FROM households WHERE county_code <> $c LIMIT 1",
                            {"c": first.loc[0, "county_code"]}).fetchone()[0]
    moved = tmp_path / "households.csv"
    pd.DataFrame({"户编号": [first.loc[0, "household_id"]], "村级代码": [other],
                  "户类型": [first.loc[0, "household_type"]], "家庭人口数": [7]}).to_csv(moved, index=False)
    report = ingest_files(copy, [moved], today=TODAY)
    assert report.ok, report.problems
    _kept_equals_recomputed(copy)


def test_a_database_from_before_the_sums_gets_them_on_its_next_load_or_by_command(copy, tmp_path):
    with duckdb.connect(str(copy)) as con:
        con.execute("DROP TABLE county_year")
    lines = tmp_path / "lines.csv"
    pd.DataFrame({"年度": [2019], "省级代码": ["620000"], "监测标准": [5_601]}).to_csv(lines, index=False)
    assert ingest_files(copy, [lines], today=TODAY).ok
    _kept_equals_recomputed(copy)
    with duckdb.connect(str(copy)) as con:
        assert con.execute("SELECT count(DISTINCT county_code) FROM county_year").fetchone()[0] > 10
        con.execute("DELETE FROM county_year")
    from tests.test_cli import cli
    done = cli("refresh", "--json", db=copy)
    assert done.returncode == 0, done.stderr
    _kept_equals_recomputed(copy)


def test_a_household_that_only_changes_size_takes_its_income_rows_along(copy, tmp_path):
    first = _some_households(copy, 1)
    resized = tmp_path / "households.csv"
    pd.DataFrame({"户编号": first["household_id"], "村级代码": first["village_code"],
                  "户类型": first["household_type"], "家庭人口数": first["members"] + 3}).to_csv(resized, index=False)
    assert ingest_files(copy, [resized], today=TODAY).ok
    with duckdb.connect(str(copy), read_only=True) as con:
        members = {m for (m,) in con.execute("SELECT DISTINCT members FROM income WHERE household_id = $id",
                                             {"id": first.loc[0, "household_id"]}).fetchall()}
    assert members == {int(first.loc[0, "members"]) + 3}
    _kept_equals_recomputed(copy)


def test_a_database_from_before_income_carried_members_is_upgraded_by_refresh(copy):
    from analysis.dataset import needs_refresh
    from tests.test_cli import cli

    with duckdb.connect(str(copy)) as con:
        con.execute("ALTER TABLE income DROP COLUMN members")
        assert needs_refresh(con)
    done = cli("refresh", "--json", db=copy)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(copy), read_only=True) as con:
        assert not needs_refresh(con)
    _kept_equals_recomputed(copy)

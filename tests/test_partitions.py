"""A database kept in province files: same answers as one file, writes rewrite only the provinces they touch,
readers keep the generation they opened, a failed write changes nothing."""
import hashlib
import shutil
import threading

import duckdb
import pytest

from analysis.commands import main as cli
from analysis.overview import counties_at_risk, headline, monitored_households
from analysis.store.connection import Database, connect_read_only, partition, write_transaction
from analysis.store.ingest import ingest_files, remove_households
from analysis.store.partitions import EXTRACTS, EXTRACTS_PART, TABLES, parts_dir
from tests.helpers_ingest import TODAY, csv_bytes

INCOME_HEADER = ["household_id", "year", "wage_income", "crop_income", "livestock_income", "property_income",
                 "transfer_income"]


@pytest.fixture
def worlds(demo_db, tmp_path):
    """(single file, partitioned) copies of the demo world."""
    single, split = tmp_path / "single.duckdb", tmp_path / "split.duckdb"
    shutil.copyfile(demo_db, single)
    shutil.copyfile(demo_db, split)
    partition(split)
    return single, split


def _manifest(path):
    with connect_read_only(path) as con:
        return dict(con.execute("SELECT part, file FROM store.partitions").fetchall())


def _answers(path):
    with connect_read_only(path) as con:
        year = con.execute("SELECT max(year) FROM income").fetchone()[0]
        return (
            con.execute("SELECT province_code, year, count(*), round(sum(per_capita_net_income), 2),"
                        " count(*) FILTER (WHERE below_line) FROM household_year GROUP BY ALL ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM county_year ORDER BY county_code, year").fetchall(),
            headline(con, "000000", year), headline(con, "620000", year),
            counties_at_risk(con, "000000", year).to_dict("records"),
            monitored_households(con, "640000", year).to_dict("records"),
            [con.execute(f"SELECT count(*), count(DISTINCT household_id) FROM {t}").fetchone() for t in EXTRACTS],
        )


def _county_income_file(path, county, rows=25, raise_by=1000.0):
    with connect_read_only(path) as con:
        found = con.execute(
            "SELECT household_id, year, wage_income, crop_income, livestock_income, property_income, transfer_income"
            " FROM income WHERE county_code = $c AND year = (SELECT max(year) FROM income) ORDER BY household_id"
            " LIMIT $n", {"c": county, "n": rows}).fetchall()
    return csv_bytes(INCOME_HEADER, [[h, y, w + raise_by, *rest] for h, y, w, *rest in found])


def _busiest_county(path, province):
    with connect_read_only(path) as con:
        return con.execute("SELECT county_code FROM households WHERE county_code LIKE $p GROUP BY 1"
                           " ORDER BY count(*) DESC, 1 LIMIT 1", {"p": province + "%"}).fetchone()[0]


def test_partitioned_world_answers_like_the_single_file(worlds):
    single, split = worlds
    assert set(_manifest(split)) == {"62", "64", EXTRACTS_PART}
    assert _answers(split) == _answers(single)
    with duckdb.connect(str(split), read_only=True) as plain:  # no household-keyed rows, and it says so
        for table in (*TABLES, *EXTRACTS, "household_year"):
            with pytest.raises(duckdb.InvalidInputException, match="connect_read_only"):
                plain.execute(f"SELECT count(*) FROM {table}").fetchall()
        assert plain.execute("SELECT count(*) FROM county_year").fetchone()[0] > 0


def test_every_table_keyed_by_household_has_a_file_outside_the_main_one(tmp_path):
    with write_transaction(tmp_path / "empty.duckdb", fresh=True) as con:
        keyed = {t for (t,) in con.execute("SELECT DISTINCT table_name FROM duckdb_columns()"
                                          " WHERE column_name = 'household_id' AND NOT internal"
                                          " AND table_name IN (SELECT table_name FROM duckdb_tables())").fetchall()}
    assert keyed == set(TABLES + EXTRACTS)


def test_department_import_rewrites_only_the_extracts_and_undeclared_extract_writes_are_refused(worlds):
    single, split = worlds
    with connect_read_only(split) as con:
        household = con.execute("SELECT min(household_id) FROM households").fetchone()[0]
    measure = csv_bytes(["户编号", "帮扶措施类型", "落实日期"], [[household, "产业帮扶", "2024-03-01"]])
    before = _manifest(split)
    for path in worlds:
        assert ingest_files(path, [("measures.csv", measure)], today=TODAY).ok
    after = _manifest(split)
    assert {p: after[p] == before[p] for p in after} == {"62": True, "64": True, EXTRACTS_PART: False}
    assert _answers(split) == _answers(single)
    main = hashlib.sha256(split.read_bytes()).hexdigest()
    with pytest.raises(RuntimeError, match="without declaring"), write_transaction(split, counties=[]) as con:
        con.execute("INSERT INTO support_measures VALUES ($h, '产业帮扶', DATE '2024-04-01', NULL)", {"h": household})
    assert hashlib.sha256(split.read_bytes()).hexdigest() == main
    assert sorted(p.name for p in parts_dir(split).iterdir()) == sorted(after.values())


def test_county_import_rewrites_only_its_province_and_old_readers_keep_their_generation(worlds):
    single, split = worlds
    county = _busiest_county(split, "62")
    data = _county_income_file(split, county)
    before = _manifest(split)
    old_reader = connect_read_only(split)
    old_sum = old_reader.execute("SELECT sum(wage_income) FROM income").fetchone()[0]
    for path in worlds:
        report = ingest_files(path, [("county.csv", data)], today=TODAY)
        assert report.ok and report.files[0].replaced == 25
    after = _manifest(split)
    assert after["64"] == before["64"] and after[EXTRACTS_PART] == before[EXTRACTS_PART]
    assert after["62"] != before["62"]
    assert sorted(p.name for p in parts_dir(split).iterdir()) == sorted(after.values())  # old file removed
    assert old_reader.execute("SELECT sum(wage_income) FROM income").fetchone()[0] == old_sum  # still readable
    old_reader.close()
    with connect_read_only(split) as con:
        assert con.execute("SELECT sum(wage_income) FROM income").fetchone()[0] == pytest.approx(old_sum + 25_000)
    assert _answers(split) == _answers(single)


def test_refresh_rewrites_every_province_but_not_the_extracts(worlds):
    single, split = worlds
    before = _manifest(split)
    assert cli(["refresh", "--db", str(split)]) == 0
    after = _manifest(split)
    assert after[EXTRACTS_PART] == before[EXTRACTS_PART] and after["62"] != before["62"]
    assert _answers(split) == _answers(single)


def test_household_moving_to_another_province_is_kept_once(worlds):
    single, split = worlds
    with connect_read_only(split) as con:
        household, kind, members = con.execute(
            "SELECT household_id, household_type, members FROM households WHERE county_code LIKE '62%'"
            " ORDER BY household_id LIMIT 1").fetchone()
        village = con.execute("SELECT min(village_code) FROM households WHERE county_code LIKE '64%'").fetchone()[0]
    moved = csv_bytes(["household_id", "village_code", "household_type", "members"],
                      [[household, village, kind, members]])
    for path in worlds:
        assert ingest_files(path, [("moved.csv", moved)], today=TODAY).ok
    with connect_read_only(split) as con:
        assert con.execute("SELECT count(*) FROM p64.households WHERE household_id = $h", {"h": household}
                           ).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM p62.households WHERE household_id = $h", {"h": household}
                           ).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM p62.income WHERE household_id = $h", {"h": household}
                           ).fetchone()[0] == 0
    assert _answers(split) == _answers(single)


def test_removal_and_a_failed_write_on_province_files(worlds):
    single, split = worlds
    county = _busiest_county(split, "64")
    with connect_read_only(split) as con:
        ids = [h for (h,) in con.execute("SELECT household_id FROM households WHERE county_code = $c"
                                         " ORDER BY 1 LIMIT 3", {"c": county}).fetchall()]
    for path in worlds:
        assert remove_households(path, ids, actor="test").households == 3
    main = hashlib.sha256(split.read_bytes()).hexdigest()
    files = sorted(p.name for p in parts_dir(split).iterdir())
    with pytest.raises(RuntimeError, match="boom"), write_transaction(split, counties=[county]) as con:
        con.execute("DELETE FROM income")
        raise RuntimeError("boom")
    assert hashlib.sha256(split.read_bytes()).hexdigest() == main
    assert sorted(p.name for p in parts_dir(split).iterdir()) == files
    assert [p.name for p in split.parent.iterdir() if "staging" in p.name] == []
    assert _answers(split) == _answers(single)


def test_app_reader_follows_writes_and_a_fresh_build_returns_to_one_file(worlds):
    _, split = worlds
    db = Database(split)
    with db.cursor() as cur:
        households = cur.execute("SELECT count(*) FROM households").fetchone()[0]
    with write_transaction(split, counties=[]) as con:  # small tables only: no province file is rewritten
        con.execute("INSERT INTO thresholds VALUES (2030, '000000', 9000)")
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM thresholds WHERE year = 2030").fetchone()[0] == 1
        assert cur.execute("SELECT count(*) FROM households").fetchone()[0] == households
    with write_transaction(split, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    assert not parts_dir(split).exists()
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM thresholds").fetchone()[0] == 1
    db.close()


def test_readers_in_threads_never_see_half_a_write_nor_a_missing_file(worlds):
    _, split = worlds
    county = _busiest_county(split, "62")
    db = Database(split)
    count = "SELECT count(*) FROM income WHERE county_code = $c AND wage_income < 0"
    seen, errors, stop = set(), [], threading.Event()

    def read_continuously(fresh: bool):
        while not stop.is_set():
            try:
                if fresh:  # a new reader each time: it may read a manifest whose files a writer is removing
                    with connect_read_only(split) as con:
                        seen.add(con.execute(count, {"c": county}).fetchone()[0])
                else:
                    with db.cursor() as cur:
                        seen.add(cur.execute(count, {"c": county}).fetchone()[0])
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)

    readers = [threading.Thread(target=read_continuously, args=(fresh,)) for fresh in (True, False)]
    for reader in readers:
        reader.start()
    rows = set()
    for _ in range(4):  # each write flips the sign of every wage of the county in one go
        with write_transaction(split, counties=[county]) as con:
            rows.add(con.execute("UPDATE income SET wage_income = -1 - wage_income WHERE county_code = $c",
                                 {"c": county}).fetchone()[0])
    stop.set()
    for reader in readers:
        reader.join()
    db.close()
    assert errors == []
    (flipped,) = rows
    assert seen and seen <= {0, flipped}

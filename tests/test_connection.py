"""The single write path: atomic swap, untouched file on failure, readers see new data without restart."""
import hashlib
import os
import shutil
import threading

import pytest

from analysis.store.connection import Database, early_copy, write_transaction


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lines(db):
    with db.cursor() as cur:
        return cur.execute("SELECT year, monitoring_line FROM thresholds ORDER BY year").fetchall()


def test_failed_write_leaves_file_byte_for_byte_unchanged(tmp_path):
    path = tmp_path / "w.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    before = _sha(path)
    with pytest.raises(RuntimeError, match="boom"), write_transaction(path) as con:
        con.execute("INSERT INTO thresholds VALUES (2024, '000000', 7400)")
        raise RuntimeError("boom")
    assert _sha(path) == before
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_reader_sees_swapped_file_without_restart(tmp_path):
    path = tmp_path / "r.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    db = Database(path)
    assert _lines(db) == [(2023, 7000.0)]
    version = db.version
    with write_transaction(path) as con:
        con.execute("INSERT INTO thresholds VALUES (2024, '000000', 7400)")
    assert db.version != version
    assert _lines(db) == [(2023, 7000.0), (2024, 7400.0)]
    db.close()


def test_readers_in_threads_never_see_a_partial_write(tmp_path):
    path = tmp_path / "c.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds SELECT y, '000000', 1 FROM range(2000, 2010) t(y)")
    db = Database(path)
    seen, errors, stop = set(), [], threading.Event()

    def read_continuously():
        while not stop.is_set():
            try:
                with db.cursor() as cur:
                    seen.add(cur.execute("SELECT count(*) FROM thresholds").fetchone()[0])
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)

    readers = [threading.Thread(target=read_continuously) for _ in range(3)]
    for r in readers:
        r.start()
    for batch in range(5):
        with write_transaction(path) as con:
            con.execute("INSERT INTO thresholds SELECT y, $p, 1 FROM range(2000, 2010) t(y)", {"p": f"62{batch}000"})
    stop.set()
    for r in readers:
        r.join()
    assert errors == []
    assert seen <= {10, 20, 30, 40, 50, 60}
    assert 10 in seen
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM thresholds").fetchone()[0] == 60
    db.close()


def test_memory_cap_from_the_environment_applies_to_readers_and_writers(tmp_path, monkeypatch):
    from analysis.store.connection import MEMORY_ENV, connect_read_only

    monkeypatch.setenv(MEMORY_ENV, "512MB")
    path = tmp_path / "m.duckdb"
    with write_transaction(path, fresh=True) as con:
        writer_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    with connect_read_only(path) as con:
        reader_limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    db = Database(path)
    with db.cursor() as cur:
        holder_limit = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    db.close()
    assert {writer_limit, reader_limit, holder_limit} == {"488.2 MiB"}


def _thresholds(path):
    db = Database(path)
    try:
        return _lines(db)
    finally:
        db.close()


def test_an_early_copy_is_written_when_the_file_is_unchanged(tmp_path):
    path = tmp_path / "e.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    with early_copy(path) as early:
        with write_transaction(path, early=early) as con:
            con.execute("INSERT INTO thresholds VALUES (2024, '000000', 7400)")
        assert not early.file.exists()  # moved in as the staging file, not copied again
    assert _thresholds(path) == [(2023, 7000.0), (2024, 7400.0)]
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_an_early_copy_of_a_file_swapped_since_is_not_used(tmp_path):
    """A newer file was swapped in after the copy was made: the write starts from the new file, so its rows
    are kept and the stale copy is removed."""
    path, newer = tmp_path / "s.duckdb", tmp_path / "newer.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    shutil.copyfile(path, newer)
    with write_transaction(newer) as con:
        con.execute("INSERT INTO thresholds VALUES (2024, '000000', 7400)")
    with early_copy(path) as early:
        early._thread.join()
        os.replace(newer, path)  # as a writer swaps its file in (a writer would also remove the early copy)
        with write_transaction(path, early=early) as con:
            con.execute("INSERT INTO thresholds VALUES (2025, '000000', 7800)")
    assert _thresholds(path) == [(2023, 7000.0), (2024, 7400.0), (2025, 7800.0)]
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_an_early_copy_removed_as_a_leftover_is_not_written(tmp_path):
    """Another writer removed the opened early copy as a leftover: the write copies the live file again rather than
    writing a file no longer there (its swap would fail), and leaves no staging file."""
    path = tmp_path / "r.duckdb"
    with write_transaction(path, fresh=True) as con:
        con.execute("INSERT INTO thresholds VALUES (2023, '000000', 7000)")
    with early_copy(path) as early:
        assert early.current() is not None  # opened, schema ensured, still the live version
        early.file.unlink()  # as _remove_leftovers in another writer does
        with write_transaction(path, early=early) as con:
            con.execute("INSERT INTO thresholds VALUES (2024, '000000', 7400)")
    assert _thresholds(path) == [(2023, 7000.0), (2024, 7400.0)]
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []

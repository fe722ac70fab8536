"""Every import test again, on a database kept in province files (analysis/store/partitions.py)."""
import pytest

from analysis.store.connection import connect_read_only, partition
from analysis.store.ingest import ingest_files
from tests.helpers_ingest import TODAY, make_db
from tests.test_ingest import *  # noqa: F403 - the same tests, collected here with the fixture below
from tests.test_ingest import SAMPLES, loaded, sample_file


@pytest.fixture
def db(tmp_path):
    path = make_db(tmp_path / "t.duckdb")
    partition(path)
    return path


def test_database_is_readable_while_an_import_replaces_it(db):
    """As in test_ingest, through connect_read_only: a plain duckdb.connect sees the main file's empty tables."""
    reader = connect_read_only(db)
    try:
        assert ingest_files(db, [sample_file("thresholds", "utf-8")], today=TODAY).ok
        assert reader.execute("SELECT count(*) FROM households").fetchall() == [(2,)]
    finally:
        reader.close()
    assert loaded(db, "thresholds") == SAMPLES["thresholds"][3]

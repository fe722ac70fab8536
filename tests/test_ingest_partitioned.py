"""The import tests that write households, income, thresholds or department extracts, again on a database kept in
province files (analysis/store/partitions.py): the fixture `db` below replaces the originals' for the tests imported
here."""
import pytest

from analysis.store.connection import connect_read_only, partition
from analysis.store.ingest import ingest_files
from tests.helpers_ingest import TODAY, make_db
from tests.test_department_malformed import test_every_template_loads_through_the_import_path  # noqa: F401
from tests.test_ingest import (  # noqa: F401 - collected here again, with the fixture below
    SAMPLES,
    loaded,
    sample_file,
    test_a_bad_file_refuses_the_whole_batch,
    test_corrected_rows_replace_old_ones_by_key_and_income_follows_a_moved_household,
    test_english_headers_without_title_or_total_row,
    test_income_may_refer_to_households_in_the_same_batch,
    test_second_import_of_the_same_file_changes_nothing,
)


@pytest.fixture
def db(tmp_path):
    path = make_db(tmp_path / "t.duckdb")
    partition(path)
    return path


def test_database_is_readable_while_an_import_replaces_it(db):
    """As in test_ingest, through connect_read_only: a plain duckdb.connect is refused the household tables."""
    reader = connect_read_only(db)
    try:
        assert ingest_files(db, [sample_file("thresholds", "utf-8")], today=TODAY).ok
        assert reader.execute("SELECT count(*) FROM households").fetchall() == [(2,)]
        assert reader.execute("SELECT count(*) FROM persons").fetchall() == [(0,)]  # no file holds extracts yet
    finally:
        reader.close()
    assert loaded(db, "thresholds") == SAMPLES["thresholds"][3]

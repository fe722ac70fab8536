import duckdb
import pytest

from analysis.regioncodes import is_region_code, province_of, region_level, region_where


@pytest.mark.parametrize(
    ("code", "level"),
    [("000000", "national"), ("620000", "province"), ("620100", "city"), ("620121", "county"),
     ("620121101", "township"), ("620121101201", "village"), ("429004", "county")],
)
def test_levels_follow_code_shape(code, level):
    assert region_level(code) == level


@pytest.mark.parametrize("bad", ["", "62", "6201211", "62012110120", "62a121", "620121 ", None])
def test_malformed_codes_are_refused(bad):
    assert not is_region_code(bad)
    with pytest.raises(ValueError, match="not a region code"):
        region_level(bad)


def test_province_of():
    assert province_of("640522") == "640000"


def test_region_where_selects_exactly_the_region():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (county_code VARCHAR, village_code VARCHAR)")
    rows = [("620121", "620121101201"), ("620122", "620122100001"), ("620200", "620200001001"),
            ("640522", "640522100100"), ("620121", "620121102001")]
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)

    def count(code):
        sql, params = region_where(code)
        return con.execute(f"SELECT count(*) FROM t WHERE {sql}", params).fetchone()[0]

    assert count("000000") == 5
    assert count("620000") == 4
    assert count("620100") == 3
    assert count("620121") == 2
    assert count("620121101") == 1
    assert count("620121101201") == 1
    assert count("640000") == 1
    assert count("650000") == 0

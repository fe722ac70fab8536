"""What a view selects (language, region, year): the choices the data offers, and links that say so.

A view is shareable as `?lang=en&region=620102&year=2023`. Values read from a link are checked
against the data; anything unknown falls back with a problem the page shows, never an exception.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from analysis.i18n import DEFAULT_LANG, LANGS, region_name, t
from analysis.regioncodes import NATIONAL

_REGIONS_WITH_DATA = """
WITH counties AS (SELECT DISTINCT county_code AS code FROM county_year),
codes AS (
    SELECT code, 'county' AS level, substr(code, 1, 4) || '00' AS parent_code FROM counties
    UNION
    SELECT DISTINCT substr(code, 1, 4) || '00', 'city', substr(code, 1, 2) || '0000' FROM counties
    UNION
    SELECT DISTINCT substr(code, 1, 2) || '0000', 'province', '000000' FROM counties
)
SELECT c.code, coalesce(n.name, c.code) AS name, n.name_en, c.level, c.parent_code
FROM codes c LEFT JOIN regions n ON n.code = c.code
ORDER BY c.code
"""


def regions_with_data(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Provinces, cities and counties with income data: code, name, name_en, level, parent_code."""
    return cur.execute(_REGIONS_WITH_DATA).df()


_TOWNSHIPS = """
SELECT t.code, t.name, t.name_en, 'township' AS level, substr(t.code, 1, 6) AS parent_code
FROM regions t
WHERE t.level = 'township' AND substr(t.code, 1, 6) IN (SELECT DISTINCT county_code FROM county_year)
ORDER BY t.code
"""


def townships_with_data(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Townships of the counties with income data (rows as `regions_with_data`), from the regions table.

    Imports add a township row for every village they bring (analysis.regions), so these are the
    townships with households; reading `regions` keeps this cheap for the 30-million-household world.
    """
    return cur.execute(_TOWNSHIPS).df()


def first_village(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The first village of the data (as `named_regions`): the demo's "view as" picker offers it as a village area."""
    return cur.execute("SELECT code, name, name_en, level, parent_code FROM regions WHERE level = 'village' "
                       "AND code IN (SELECT village_code FROM households ORDER BY village_code LIMIT 1)").df()


def named_regions(cur: duckdb.DuckDBPyConnection, codes: tuple[str, ...]) -> pd.DataFrame:
    """Rows as `regions_with_data` for the given codes the regions table knows (e.g. a village scope)."""
    return cur.execute("SELECT code, name, name_en, level, parent_code FROM regions WHERE code IN $codes ORDER BY code",
                       {"codes": list(codes)}).df()


class RegionTree:
    """The province → city → county (→ township) cascade over `regions_with_data` (and `townships_with_data`),
    plus the whole country."""

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame.set_index("code", drop=False)
        # Names by code in a dict: pickers format hundreds of options per run, and a row lookup in the frame
        # cost ≈10 ms each (a quarter of a page run's CPU with the demo's "view as" picker).
        english = frame["name_en"].astype(object).where(frame["name_en"].notna(), None)
        self._names = dict(zip(frame["code"], zip(frame["name"], english, strict=True), strict=True))

    def __contains__(self, code: object) -> bool:
        return code == NATIONAL or code in self._frame.index

    def children(self, code: str) -> list[str]:
        return self._frame.index[self._frame["parent_code"] == code].tolist()

    def name(self, code: str, lang: str = DEFAULT_LANG) -> str:
        if code == NATIONAL:
            return t("national", lang)
        return region_name(*self._names[code], lang)

    def lineage(self, code: str) -> tuple[str, str, str]:
        """(province, city, county) codes leading to `code`; '' below its level and for the country."""
        if code == NATIONAL or code not in self:
            return "", "", ""
        level = self._frame.at[code, "level"]
        province = code[:2] + "0000"
        city = code[:4] + "00" if level in ("city", "county", "township", "village") else ""
        return province, city, code[:6] if level in ("county", "township", "village") else ""

    def counts(self) -> dict[str, int]:
        return {level: int((self._frame["level"] == level).sum()) for level in ("province", "city", "county")}


@dataclass(frozen=True)
class View:
    lang: str
    region: str
    year: int | None

    def query_params(self) -> dict[str, str]:
        params = {"lang": self.lang, "region": self.region}
        if self.year is not None:
            params["year"] = str(self.year)
        return params


@dataclass(frozen=True)
class LinkProblem:
    """A value in the link that was not used: the i18n key of its message and what replaced it."""
    key: str
    value: str
    fallback: str

    def message(self, lang: str) -> str:
        return t(self.key, lang, value=shown_value(self.value), fallback=self.fallback)


def shown_value(value: str) -> str:
    """A link value safe to echo in a markdown message: short, letters, digits and - _ . only."""
    return re.sub(r"[^0-9A-Za-z._-]", "?", value[:24]) or '""'


def _year(value: str) -> int | None:
    return int(value) if re.fullmatch(r"\d{4}", value.strip()) else None


def view_from_link(params: Mapping[str, str], regions: RegionTree, years: Sequence[int]) -> tuple[View, list[LinkProblem]]:
    """The view a link asks for, with a problem for every value that is malformed or has no data.

    Falls back to Chinese, the whole country and the latest year with income data.
    """
    problems: list[LinkProblem] = []
    lang = params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        problems.append(LinkProblem("url_bad_lang", lang, DEFAULT_LANG))
        lang = DEFAULT_LANG
    region = params.get("region", NATIONAL)
    if region not in regions:
        problems.append(LinkProblem("url_bad_region", region, NATIONAL))
        region = NATIONAL
    latest = max(years) if years else None
    year = latest
    if "year" in params:
        asked = _year(params["year"])
        if asked in years:
            year = asked
        elif latest is not None:
            problems.append(LinkProblem("url_bad_year", params["year"], str(latest)))
    return View(lang, region, year), problems

"""Administrative division codes (行政区划代码): levels and SQL filters built from them.

Codes are text. Province 110000, city 110100, county 110101 (6 digits); township 9 digits;
village 12 digits. 000000 stands for the whole country.
"""
from __future__ import annotations

import re

NATIONAL = "000000"
LEVELS = ("national", "province", "city", "county", "township", "village")
_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def is_region_code(code: str) -> bool:
    return bool(_CODE.match(code or ""))


def region_level(code: str) -> str:
    """Level of a code by its shape; raises ValueError for anything that is not a code."""
    if not is_region_code(code):
        raise ValueError(f"not a region code: {code!r}")
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if code == NATIONAL:
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def region_prefix(code: str) -> str:
    """The leading digits that every code inside the region shares ('' for the country)."""
    return {"national": 0, "province": 2, "city": 4}.get(region_level(code), len(code))


def below_county(code: str) -> bool:
    """Whether `code` is a township or a village: county tables (county_year, employment, disasters) do not
    reach it, and a county's figures include other townships."""
    return region_level(code) in ("township", "village")


def province_of(code: str) -> str:
    return code[:2] + "0000"


def region_where(code: str, alias: str = "") -> tuple[str, dict[str, str]]:
    """SQL condition (bound parameters only) selecting rows of a table with county_code and village_code.

    Ranges rather than LIKE so DuckDB's zone maps can skip row groups of region-sorted tables.
    """
    level = region_level(code)
    col_prefix = f"{alias}." if alias else ""
    if level == "national":
        return "TRUE", {}
    prefix = code[: region_prefix(code)]
    column, width = ("village_code", 12) if level in ("township", "village") else ("county_code", 6)
    return (
        f"{col_prefix}{column} BETWEEN $region_lo AND $region_hi",
        {"region_lo": prefix.ljust(width, "0"), "region_hi": prefix.ljust(width, "9")},
    )

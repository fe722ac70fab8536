"""Disaster events of a region: the list the timeline and the map draw, filtered by hazard, severity and year."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from analysis.floods.panel import check_estimation_region
from analysis.regioncodes import region_prefix, region_where
from analysis.regions import county_level_units, county_outlines

HAZARDS = ("flood", "drought", "hail", "frost", "landslide", "earthquake")
SEVERITIES = (1, 2, 3, 4)

_EVENTS = """
SELECT d.event_id, d.hazard, d.county_code, coalesce(n.name, d.county_code) AS county_name,
       n.name_en AS county_name_en, d.start_date, d.end_date, CAST(year(d.start_date) AS INTEGER) AS year,
       d.severity, d.affected_people, d.crop_damage_ha, d.direct_loss
FROM disasters d LEFT JOIN regions n ON n.code = d.county_code
WHERE {region} AND d.hazard IN $hazards AND d.severity BETWEEN $severity_lo AND $severity_hi
  AND year(d.start_date) BETWEEN $year_lo AND $year_hi
ORDER BY d.start_date, d.county_code
"""

_SPAN = """
SELECT CAST(min(year(start_date)) AS INTEGER), CAST(max(year(start_date)) AS INTEGER), list(DISTINCT hazard ORDER BY hazard)
FROM disasters d WHERE {region}
"""

_PROVINCES = """
SELECT DISTINCT substr(county_code, 1, 2) || '0000' AS province FROM households h WHERE {region} ORDER BY 1
"""


@dataclass(frozen=True)
class EventSpan:
    """What the region's events offer to filter on."""
    first_year: int
    last_year: int
    hazards: tuple[str, ...]


def event_span(cur: duckdb.DuckDBPyConnection, region_code: str) -> EventSpan | None:
    """First and last year with a disaster event in the region and its hazards, or None without events."""
    check_estimation_region(region_code)
    region, params = region_where(region_code, "d")
    first, last, hazards = cur.execute(_SPAN.format(region=region), params).fetchone()
    if first is None:
        return None
    known = [h for h in HAZARDS if h in hazards]
    return EventSpan(first, last, (*known, *sorted(set(hazards) - set(known))))


def disaster_events(cur: duckdb.DuckDBPyConnection, region_code: str, hazards: tuple[str, ...],
                    severities: tuple[int, int], years: tuple[int, int]) -> pd.DataFrame:
    """Events of the region with those hazards, severity and start year in the closed ranges given.

    Columns: event_id, hazard, county_code, county_name, county_name_en, start_date, end_date, year,
    severity, affected_people, crop_damage_ha, direct_loss (yuan).
    """
    check_estimation_region(region_code)
    region, params = region_where(region_code, "d")
    return cur.execute(_EVENTS.format(region=region), {
        **params, "hazards": list(hazards), "severity_lo": severities[0], "severity_hi": severities[1],
        "year_lo": years[0], "year_hi": years[1],
    }).df()


def events_by_county(events: pd.DataFrame) -> pd.DataFrame:
    """county_code, county_name, county_name_en, events, worst severity, affected_people, direct_loss
    (sums of what the files gave; missing, not 0, where no event of the county gave them)."""
    return events.groupby(["county_code", "county_name"], as_index=False, dropna=False).agg(
        county_name_en=("county_name_en", "first"), events=("event_id", "count"), severity=("severity", "max"),
        affected_people=("affected_people", _known_sum), direct_loss=("direct_loss", _known_sum),
    )


def _known_sum(values: pd.Series) -> float:
    return values.sum(min_count=1)


def region_outlines(cur: duckdb.DuckDBPyConnection, region_code: str) -> dict:
    """County outlines (GeoJSON) of the region's provinces that have households, cut to the region."""
    check_estimation_region(region_code)
    region, params = region_where(region_code, "h")
    provinces = [code for (code,) in cur.execute(_PROVINCES.format(region=region), params).fetchall()]
    prefix = region_code[: region_prefix(region_code)]
    return county_outlines([code for province in provinces for code in county_level_units(province).code
                            if code.startswith(prefix)])

"""What if a flood hits these counties: the measured effect applied to their households, and who to help first.

Every household's per-capita net income of the base year is multiplied by (1 + effect) in three cases:
`central` (the average flood-year effect on flooded counties, or that severity's), `worse` and `milder` (the
most and least hit income mix: crop-, livestock-, wage-heavy or mixed households). The range says how households
differ; it is not the estimation interval, which the page shows beside it. Counts are before 低保/兜底 support
responds: they say who needs it, not who will stay below the line.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.floods.labels import reason_label
from analysis.floods.params import flood_params
from analysis.i18n import household_type, region_name, t
from analysis.regioncodes import region_where

SCENARIOS = ("worse", "central", "milder")
# Green-channel reasons, most urgent first.
REASONS = ("falls_below", "may_fall_below", "already_below", "near_after")

_COUNTIES = """
WITH hh AS (SELECT county_code, count(*) AS households FROM income WHERE year = $year AND {region} GROUP BY ALL),
fl AS (SELECT county_code, count(*) AS floods FROM disasters WHERE hazard = 'flood' GROUP BY ALL)
SELECT hh.county_code, coalesce(n.name, hh.county_code) AS name, n.name_en, hh.households,
       coalesce(fl.floods, 0) AS floods
FROM hh LEFT JOIN fl USING (county_code) LEFT JOIN regions n ON n.code = hh.county_code
ORDER BY floods DESC, hh.county_code
"""

# Every household of the chosen counties with its income after the flood in each scenario and its flags;
# the names of counties and villages are joined only onto the small results.
_SCENARIOS = """
WITH hh AS (
    SELECT i.household_id, i.county_code, i.village_code, h.household_type, h.members,
           h.head_name_masked, h.id_number_masked, i.per_capita_net_income AS per_capita,
           (i.crop_income + i.livestock_income) / nullif(i.net_income, 0) AS farm_share,
           pl.monitoring_line AS line
    FROM income_net i
    JOIN households h ON h.household_id = i.household_id AND h.county_code IN $counties
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year = $year AND i.county_code IN $counties
), after AS (
    SELECT *, per_capita < line AS below_now,
           per_capita >= line AND per_capita < line * (1 + $margin) AS near_now,
           per_capita * (1 + $worse) AS after_worse, per_capita * (1 + $central) AS after_central,
           per_capita * (1 + $milder) AS after_milder
    FROM hh
), flagged AS (
    SELECT *,
           NOT below_now AND after_worse < line AS newly_below_worse,
           NOT below_now AND after_central < line AS newly_below_central,
           NOT below_now AND after_milder < line AS newly_below_milder,
           after_worse >= line AND after_worse < line * (1 + $margin) AS near_after_worse,
           after_central >= line AND after_central < line * (1 + $margin) AS near_after_central,
           after_milder >= line AND after_milder < line * (1 + $margin) AS near_after_milder,
           CASE WHEN NOT below_now AND after_central < line THEN 'falls_below'
                WHEN NOT below_now AND after_worse < line THEN 'may_fall_below'
                WHEN below_now THEN 'already_below'
                WHEN after_worse < line * (1 + $margin) THEN 'near_after' END AS reason
    FROM after
)
"""

_BY_VILLAGE = _SCENARIOS + """, villages AS (
    SELECT county_code, village_code, count(*) AS households, sum(members) AS people,
           {counts}
    FROM flagged GROUP BY ALL
)
SELECT v.county_code, coalesce(c.name, v.county_code) AS county_name, c.name_en AS county_name_en,
       v.village_code, coalesce(n.name, v.village_code) AS village_name, n.name_en AS village_name_en,
       v.* EXCLUDE (county_code, village_code)
FROM villages v LEFT JOIN regions c ON c.code = v.county_code LEFT JOIN regions n ON n.code = v.village_code
ORDER BY v.county_code, v.village_code
"""

_LISTED = _SCENARIOS + """
SELECT f.* EXCLUDE (below_now, near_now, newly_below_worse, newly_below_central, newly_below_milder,
                    near_after_worse, near_after_central, near_after_milder),
       coalesce(c.name, f.county_code) AS county_name, c.name_en AS county_name_en,
       coalesce(n.name, f.village_code) AS village_name, n.name_en AS village_name_en
FROM flagged f LEFT JOIN regions c ON c.code = f.county_code LEFT JOIN regions n ON n.code = f.village_code
WHERE f.reason IS NOT NULL
"""

FLAGS = ("below_now", "near_now", *(f"{kind}_{s}" for kind in ("newly_below", "near_after") for s in SCENARIOS))


@dataclass(frozen=True)
class WhatIf:
    """A flood in `counties` in `year` with the given effect per scenario (proportional change)."""
    year: int
    counties: tuple[str, ...]
    effects: dict[str, float]
    listed: pd.DataFrame       # households on the green-channel list, with incomes before/after and `reason`
    by_county: pd.DataFrame
    by_village: pd.DataFrame

    def total(self, column: str) -> int:
        return int(self.by_county[column].sum())


def household_range(central: float, by_mix: list[float], interval: tuple[float, float]
                    ) -> tuple[float, float, float]:
    """(worse, central, milder) from the spread of flood-year effects across income mixes, around `central`;
    the ends of the estimation `interval` only when fewer than two income-mix effects could be shown."""
    if len(by_mix) < 2:
        return min(interval[0], central), central, max(interval[1], central)
    spread = np.asarray(by_mix) - np.mean(by_mix)
    return central + min(0.0, spread.min()), central, central + max(0.0, spread.max())


def region_counties(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Counties of the region with households in `year`: county_code, name, name_en, households,
    floods (events in all years); most flood-prone first."""
    region, params = region_where(region_code, "income")
    return cur.execute(_COUNTIES.format(region=region), {**params, "year": year}).df()


def what_if(cur: duckdb.DuckDBPyConnection, year: int, counties: tuple[str, ...],
            effects: tuple[float, float, float]) -> WhatIf:
    """Apply `effects` (worse, central, milder: proportional changes) to the households of `counties` in `year`."""
    named = dict(zip(SCENARIOS, effects, strict=True))
    if not named["worse"] <= named["central"] <= named["milder"]:
        raise ValueError(f"effects must be ordered worse <= central <= milder, got {effects}")
    params = {"year": year, "counties": list(counties), "margin": flood_params().near_line_margin, **named}
    counts = ", ".join(f"count(*) FILTER (WHERE {flag}) AS {flag}" for flag in FLAGS)  # FLAGS: fixed names
    by_village = cur.execute(_BY_VILLAGE.format(counts=counts), params).df()
    listed = cur.execute(_LISTED, params).df()
    county_keys = ["county_code", "county_name", "county_name_en"]
    by_county = by_village.groupby(county_keys, as_index=False, dropna=False)[
        ["households", "people", *FLAGS]].sum()
    return WhatIf(year, counties, named, listed, by_county, by_village)


def green_channel(result: WhatIf) -> pd.DataFrame:
    """Households to visit first: on the list for a reason, most urgent reason first, then lowest income after."""
    listed = result.listed.copy()
    listed["priority"] = listed.reason.map({reason: i for i, reason in enumerate(REASONS)})
    listed["gap"] = listed.after_central / listed.line
    return listed.sort_values(["priority", "gap", "household_id"], ignore_index=True).drop(columns="gap")


def green_channel_table(listed: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list as field teams read it: localized headers and values, masked identities only, yuan rounded."""
    def names(prefix: str) -> list[str]:
        return [region_name(zh, en, lang) for zh, en in zip(listed[f"{prefix}_name"], listed[f"{prefix}_name_en"],
                                                             strict=True)]
    table = pd.DataFrame({
        t("flood_col_priority", lang): listed.priority + 1,
        t("flood_col_reason", lang): [reason_label(reason, lang) for reason in listed.reason],
        t("flood_col_county", lang): names("county"),
        t("flood_col_village", lang): names("village"),
        t("flood_col_household_id", lang): listed.household_id,
        t("flood_col_head", lang): listed.head_name_masked,
        t("flood_col_id_masked", lang): listed.id_number_masked,
        t("household_type", lang): [household_type(name, lang) for name in listed.household_type],
        t("flood_col_members", lang): listed.members,
        t("flood_col_income_now", lang): listed.per_capita,
        t("flood_col_income_after", lang): listed.after_central,
        t("flood_col_income_worse", lang): listed.after_worse,
        t("flood_col_line", lang): listed.line,
        t("flood_col_farm_share", lang): listed.farm_share,
    })
    return table.reset_index(drop=True)


GREEN_CHANNEL_KINDS = {"flood_col_priority": "count", "flood_col_members": "count", "flood_col_income_now": "yuan",
                       "flood_col_income_after": "yuan", "flood_col_income_worse": "yuan", "flood_col_line": "yuan",
                       "flood_col_farm_share": "percent"}


def green_channel_kinds(lang: str) -> dict[str, str]:
    """analysis.formatting kinds of `green_channel_table`'s columns, by their headers in `lang`."""
    return {t(key, lang): kind for key, kind in GREEN_CHANNEL_KINDS.items()}

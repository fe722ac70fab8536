"""Tables of the disasters page as people read them: localized headers and values, rounded numbers."""
from __future__ import annotations

import pandas as pd

from analysis import formatting
from analysis.floods.estimate import FloodEstimate
from analysis.floods.labels import hazard_label, severity_label, term_label
from analysis.floods.whatif import WhatIf
from analysis.i18n import region_name, t


def _names(frame: pd.DataFrame, prefix: str, lang: str) -> list[str]:
    return [region_name(zh, en, lang) for zh, en in zip(frame[f"{prefix}_name"], frame[f"{prefix}_name_en"],
                                                         strict=True)]


def events_table(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per event: date, county, hazard, severity, affected people, crop damage (ha), loss (yuan)."""
    return pd.DataFrame({
        t("flood_col_start", lang): pd.to_datetime(events.start_date).dt.strftime("%Y-%m-%d"),
        t("flood_col_county", lang): _names(events, "county", lang),
        t("flood_col_hazard", lang): [hazard_label(h, lang) for h in events.hazard],
        t("flood_col_severity", lang): [severity_label(s, lang) for s in events.severity],
        t("flood_affected", lang): events.affected_people,
        t("flood_crop_damage", lang): events.crop_damage_ha,
        t("flood_loss", lang): events.direct_loss,
        t("flood_col_event_id", lang): events.event_id,
    })


def events_kinds(lang: str) -> dict[str, str]:
    """analysis.formatting kinds of `events_table`'s numbers (hectares as whole numbers, as the card shows them)."""
    return {t("flood_affected", lang): "count", t("flood_crop_damage", lang): "count", t("flood_loss", lang): "yuan_total"}


def village_kinds(lang: str) -> dict[str, str]:
    """analysis.formatting kinds of `village_table`'s numbers: all household counts."""
    keys = ("households", "flood_col_below_now", "flood_col_newly_below", "flood_col_near_after")
    return {t(key, lang): "count" for key in keys}


def effects_table(estimates: list[FloodEstimate], lang: str) -> pd.DataFrame:
    """Every estimated term in percent with its interval, p-value, flooded county-years behind it and how the
    interval was obtained, for download."""
    rows = []
    for estimate in estimates:
        for row in estimate.effects.itertuples():
            rows.append({
                t("flood_col_term", lang): term_label(row.term, lang),
                t("flood_col_effect", lang): round(row.effect * 100, 2),
                t("flood_col_ci_low", lang): round(row.ci_low * 100, 2),
                t("flood_col_ci_high", lang): round(row.ci_high * 100, 2),
                t("flood_col_p", lang): round(row.p_value, 4),
                t("flood_col_n_obs", lang): int(row.n_obs),
                t("flood_col_n_flooded", lang): int(row.n_flooded),
                t("flood_col_inference", lang): estimate.inference.split(":")[0],
            })
    return pd.DataFrame(rows)


def village_table(result: WhatIf, lang: str) -> pd.DataFrame:
    """By village: households, newly below the line (central, with the worse–milder range), near the line."""
    v = result.by_village
    return pd.DataFrame({
        t("flood_col_county", lang): _names(v, "county", lang),
        t("flood_col_village", lang): _names(v, "village", lang),
        t("households", lang): v.households,
        t("flood_col_below_now", lang): v.below_now,
        t("flood_col_newly_below", lang): v.newly_below_central,
        t("flood_col_range", lang): [formatting.value_range(formatting.count(lo, lang), formatting.count(hi, lang))
                                     for lo, hi in zip(v.newly_below_milder, v.newly_below_worse, strict=True)],
        t("flood_col_near_after", lang): v.near_after_central,
    }).sort_values(t("flood_col_newly_below", lang), ascending=False, kind="stable", ignore_index=True)

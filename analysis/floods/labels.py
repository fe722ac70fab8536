"""Words for the codes of flood analysis (hazards, severity levels, reasons, income mixes), in both languages."""
from __future__ import annotations

from analysis.floods.params import flood_params
from analysis.glossary import term
from analysis.i18n import t

SEVERITY_KEYS = {1: "flood_severity_1", 2: "flood_severity_2", 3: "flood_severity_3", 4: "flood_severity_4"}
REASON_KEYS = {"falls_below": "flood_reason_falls_below", "may_fall_below": "flood_reason_may_fall_below",
               "already_below": "flood_reason_already_below", "near_after": "flood_reason_near_after"}
MIX_KEYS = {"mix_crop": "flood_mix_crop", "mix_livestock": "flood_mix_livestock", "mix_mixed": "flood_mix_mixed",
            "mix_wage": "flood_mix_wage"}
STATUS_KEYS = {"no_data": "flood_status_no_data", "no_floods": "flood_status_no_floods",
               "few_clusters": "flood_status_few_clusters", "few_flooded": "flood_status_few_flooded", "too_large": "flood_status_too_large"}


def hazard_label(hazard: str, lang: str) -> str:
    return term("hazard", hazard, lang)


def severity_label(severity: int, lang: str) -> str:
    return t(SEVERITY_KEYS[int(severity)], lang)


def reason_label(reason: str, lang: str) -> str:
    return t(REASON_KEYS[reason], lang)


def term_label(term: str, lang: str) -> str:
    """severity_2 → 2 较大; mix_crop → 种植为主; flood → 洪涝当年; event_k → 灾后第 k 年; placebo_-1 → 灾前一年."""
    if term.startswith("severity_"):
        return severity_label(int(term.removeprefix("severity_")), lang)
    if term in MIX_KEYS:
        return t(MIX_KEYS[term], lang)
    if term.startswith("event_"):
        return t("flood_col_event_year", lang, k=term.removeprefix("event_"))
    if term.startswith("placebo_"):
        return t("flood_placebo_term", lang)
    return t("flood_effect_metric", lang) if term == "flood" else hazard_label(term, lang)


def status_message(status: str, lang: str, *, region: str, clusters: int, flooded: int) -> str:
    """Why there is no estimate, in words (status from analysis.floods.estimate)."""
    p = flood_params()
    return t(STATUS_KEYS[status], lang, region=region, clusters=clusters, flooded=flooded,
             min_clusters=p.min_clusters, min_flooded=p.min_flooded_counties,
             max_rows=f"{p.mix_max_household_years:,}")

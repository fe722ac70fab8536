"""One glossary: the words for alert levels, price directions and hazards, used by pages, briefing and exports.

A level or hazard is named in one place so the prices page, the Word briefing and the slides can never
call the same thing by two names (承压 on a page, 关注 in the report). Chinese hazard names are the
import vocabulary's (风雹, 低温冷冻, 地质灾害: tests hold analysis.store.formats.HAZARDS to them).
Price directions say what they are measured against: the price's own trend, not last year.
"""
from __future__ import annotations

TERMS: dict[str, dict[str, tuple[str, str]]] = {
    # WFP ALPS bands of a price's distance from its trend (analysis.prices.alerts).
    "alert_level": {
        "normal": ("正常", "Normal"),
        "stress": ("关注", "Stress"),
        "alert": ("预警", "Alert"),
        "crisis": ("危机", "Crisis"),
    },
    "price_direction": {
        "fall": ("低于趋势", "below trend"),
        "spike": ("高于趋势", "above trend"),
    },
    "hazard": {
        "flood": ("洪涝", "Flood"),
        "drought": ("干旱", "Drought"),
        "hail": ("风雹", "Wind and hail"),
        "frost": ("低温冷冻", "Frost"),
        "landslide": ("地质灾害", "Landslide"),
        "earthquake": ("地震", "Earthquake"),
    },
}


def term(group: str, code: str, lang: str) -> str:
    """The word for `code` in `group` ("alert_level", "price_direction", "hazard"); unknown codes as they are."""
    words = TERMS[group].get(code)
    if words is None:
        return code
    return words[1] if lang == "en" else words[0]


def level_at_least(code: str, lang: str) -> str:
    """"关注及以上" / "Stress or worse": how lists of alerts say which levels they hold."""
    name = term("alert_level", code, lang)
    return f"{name} or worse" if lang == "en" else f"{name}及以上"

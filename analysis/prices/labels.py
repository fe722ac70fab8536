"""UI string keys for data values of the price pages (commodities, bands, directions, species)."""
from __future__ import annotations

import pandas as pd

from analysis.glossary import level_at_least, term
from analysis.i18n import t

COMMODITY_KEYS = {
    "beef": "price_c_beef", "mutton": "price_c_mutton", "pork": "price_c_pork", "live_cattle": "price_c_live_cattle",
    "live_sheep": "price_c_live_sheep", "live_hog": "price_c_live_hog", "maize": "price_c_maize",
}
SPECIES_KEYS = {"cattle": "sim_species_cattle", "sheep": "sim_species_sheep", "hogs": "sim_species_hogs"}
RESPONSE_KEYS = {"insurance": "sim_resp_insurance", "subsidy": "sim_resp_subsidy",
                 "price_floor": "sim_resp_price_floor"}


def _label(keys: dict[str, str], value: str, lang: str) -> str:
    key = keys.get(value)
    return t(key, lang) if key else value


def commodity_name(commodity: str, lang: str) -> str:
    """Chinese or English name of a commodity code; unknown (imported) codes as they are."""
    return _label(COMMODITY_KEYS, commodity, lang)


def band_name(band: str, lang: str) -> str:
    return term("alert_level", band, lang)


def direction_name(direction: str, lang: str) -> str:
    """Against the price's trend ("低于趋势"), never "下跌" beside a rise on last year."""
    return term("price_direction", direction, lang)


def species_name(species: str, lang: str) -> str:
    return _label(SPECIES_KEYS, species, lang)


def response_name(response: str, lang: str) -> str:
    return _label(RESPONSE_KEYS, response, lang)


def selection_note(alerts: pd.DataFrame, lang: str) -> str:
    """What a meeting is told and what not, from `meeting_alerts`: "列出关注及以上、且向对农户不利方向变动的品种
    6 个；其余 1 个品种：向有利方向变动 1 个。" The page, the Word report and the deck say this same line."""
    told = alerts["told"]
    rest = alerts[~told]
    normal = rest["current"] & (rest["band"] == "normal")
    stale = ~rest["current"]
    counts = {"price_rest_normal": int(normal.sum()), "price_rest_helps": int((~normal & ~stale).sum()),
              "price_rest_stale": int(stale.sum())}
    level = level_at_least("stress", lang)
    head = t("price_told", lang, n=int(told.sum()), level=level.lower() if lang == "en" else level)
    if rest.empty:
        return head + t("price_told_all", lang)
    parts = t("brief_list_sep", lang).join(t(key, lang, k=k) for key, k in counts.items() if k)
    return head + t("price_told_rest", lang, m=len(rest), parts=parts)

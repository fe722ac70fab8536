"""UI string keys for data values of the price pages (commodities, bands, directions, species)."""
from __future__ import annotations

from analysis.glossary import term
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

"""UI string keys for data values of the price pages (commodities, bands, directions, species)."""
from __future__ import annotations

from analysis.i18n import t

COMMODITY_KEYS = {
    "beef": "price_c_beef", "mutton": "price_c_mutton", "pork": "price_c_pork", "live_cattle": "price_c_live_cattle",
    "live_sheep": "price_c_live_sheep", "live_hog": "price_c_live_hog", "maize": "price_c_maize",
}
BAND_KEYS = {"normal": "price_band_normal", "stress": "price_band_stress", "alert": "price_band_alert",
             "crisis": "price_band_crisis"}
DIRECTION_KEYS = {"fall": "price_dir_fall", "spike": "price_dir_spike"}
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
    return _label(BAND_KEYS, band, lang)


def direction_name(direction: str, lang: str) -> str:
    return _label(DIRECTION_KEYS, direction, lang)


def species_name(species: str, lang: str) -> str:
    return _label(SPECIES_KEYS, species, lang)


def response_name(response: str, lang: str) -> str:
    return _label(RESPONSE_KEYS, response, lang)

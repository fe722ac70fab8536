"""One glossary: the same words for levels, directions and hazards on pages, in the briefing and in imports."""
from analysis.floods.labels import hazard_label
from analysis.glossary import TERMS, level_at_least, term
from analysis.i18n import RISK_CAUSES_EN, risk_cause, t
from analysis.prices.labels import band_name, direction_name
from analysis.store.formats import HAZARDS, RISK_CAUSES


def test_import_vocabulary_and_page_use_the_same_hazard_words():
    assert {code: zh for zh, code in HAZARDS.items()} == {code: words[0] for code, words in TERMS["hazard"].items()}
    assert hazard_label("hail", "zh") == "风雹"


def test_price_pages_and_briefing_name_levels_alike():
    for band in TERMS["alert_level"]:
        for lang in ("zh", "en"):
            assert band_name(band, lang) == term("alert_level", band, lang)
    assert band_name("stress", "zh") == "关注"
    assert level_at_least("stress", "zh") in t("price_alerts_title", "zh")
    assert "承压" not in t("price_alert_caption", "zh")


def test_a_direction_says_it_is_against_the_trend():
    assert direction_name("fall", "zh") == "低于趋势"
    assert "trend" in direction_name("spike", "en")


def test_every_risk_cause_of_the_import_vocabulary_has_english_words():
    assert set(RISK_CAUSES_EN) == set(RISK_CAUSES)
    assert risk_cause("因务工就业不稳", "en") == "Unstable work" and risk_cause("因病", "zh") == "因病"
    assert risk_cause(None, "en") == "—"

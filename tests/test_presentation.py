"""Presentation mode: ?present=1 or the sidebar toggle shows the briefing one screen at a time, without sidebar."""
from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analysis import briefing
from analysis.config import PROJECT_ROOT
from analysis.i18n import t

APP = str(PROJECT_ROOT / "app.py")
PROVINCE = "640000"


@pytest.fixture(scope="module")
def deck(demo_db) -> dict[str, briefing.Briefing]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM income").fetchone()[0]
        return {lang: briefing.build_briefing(con, PROVINCE, year, lang) for lang in ("zh", "en")}


def _problems(at: AppTest) -> list:
    return [e.value for e in at.exception]


def _slide_caption(at: AppTest, lang: str, n: int, total: int) -> bool:
    return any(t("brief_slide_of", lang, n=n, total=total) in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_present_link_shows_one_slide_at_a_time(open_app, deck, lang):
    """From any page, present=1 opens the slides: the risk map, the counties of concern, the key figures, the story."""
    at = open_app(lang=lang, region=PROVINCE, present="1")
    document = deck[lang]
    slides = document.slides
    total = len(slides)
    assert [slide.key for slide in slides[:3]] == ["riskmap", "counties", "key-figures"]
    assert _problems(at) == []
    assert _slide_caption(at, lang, 1, total)
    assert any(c.value == document.figure_source for c in at.caption)  # data date and demo label on every slide
    previous, following = at.button(key="present-previous"), at.button(key="present-next")
    assert previous.disabled and not following.disabled
    assert previous.proto.shortcut and following.proto.shortcut  # the arrow keys
    following.click().run()
    assert _problems(at) == []
    assert at.query_params["slide"] == "2"
    assert any(c.value.startswith(slides[1].heading + " · ") for c in at.caption)
    assert at.table[0].value.index.name == slides[1].table.text.columns[0]  # counties of concern
    at.button(key="present-PageDown").click().run()  # a clicker's key
    assert at.query_params["slide"] == "3" and _slide_caption(at, lang, 3, total)
    assert at.title[0].value == document.title
    assert [m.value for m in at.metric] == [figure.value for figure in document.key_figures]
    assert at.metric[2].proto.delta == document.key_figures[2].change
    at.button(key="present-PageUp").click().run()
    assert at.query_params["slide"] == "2"
    while not at.button(key="present-next").disabled:  # next is disabled on the last slide
        at.button(key="present-next").click().run()
    assert _slide_caption(at, lang, total, total)
    at.toggle(key="brief_present_exit").set_value(False).run()
    assert _problems(at) == []
    assert "present" not in at.query_params
    assert at.segmented_control(key="lang").value == lang  # the sidebar is back


def test_the_slide_is_in_the_link_and_a_bad_one_opens_the_first(open_app, deck):
    at = open_app(lang="zh", region=PROVINCE, present="1", slide="3")
    assert _problems(at) == [] and at.title[0].value == deck["zh"].title
    at = open_app(lang="zh", region=PROVINCE, present="1", slide="99")
    assert _problems(at) == []
    assert any(w.value == t("brief_bad_slide", "zh", value="99", total=len(deck["zh"].slides)) for w in at.warning)
    assert _slide_caption(at, "zh", 1, len(deck["zh"].slides))


def test_a_bad_present_value_is_reported_and_the_sidebar_toggle_enters_the_mode(open_app, deck):
    at = open_app(lang="zh", region=PROVINCE, present="yes")
    assert _problems(at) == []
    assert any(w.value == t("brief_bad_present", "zh", value="yes") for w in at.warning)
    toggle = at.toggle(key="present_toggle")
    assert toggle.value is False
    toggle.set_value(True).run()
    assert _problems(at) == []
    assert at.query_params["present"] == "1"
    assert _slide_caption(at, "zh", 1, len(deck["zh"].slides))

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
    return any(c.value.endswith(t("brief_slide_of", lang, n=n, total=total)) for c in at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_present_link_shows_one_slide_at_a_time(open_app, deck, lang):
    """From any page, present=1 opens the slides: key figures first, then one chart per screen."""
    at = open_app(lang=lang, region=PROVINCE, present="1")
    document = deck[lang]
    total = 1 + len(document.charts)
    assert _problems(at) == []
    assert at.title[0].value == document.title
    assert [m.value for m in at.metric] == [figure.value for figure in document.key_figures]
    assert at.metric[2].proto.delta == document.key_figures[2].change
    assert _slide_caption(at, lang, 1, total)
    previous, following = at.button
    assert previous.disabled and not following.disabled
    following.click().run()
    assert _problems(at) == []
    assert any(c.value.startswith(document.sections[0].heading + " · ") for c in at.caption)
    assert _slide_caption(at, lang, 2, total)
    while not at.button[1].disabled:  # next is disabled on the last slide
        at.button[1].click().run()
    assert _slide_caption(at, lang, total, total) and at.button[1].disabled
    at.toggle(key="brief_present_exit").set_value(False).run()
    assert _problems(at) == []
    assert "present" not in at.query_params
    assert at.segmented_control(key="lang").value == lang  # the sidebar is back


def test_a_bad_present_value_is_reported_and_the_sidebar_toggle_enters_the_mode(open_app, deck):
    at = open_app(lang="zh", region=PROVINCE, present="yes")
    assert _problems(at) == []
    assert any(w.value == t("brief_bad_present", "zh", value="yes") for w in at.warning)
    toggle = at.toggle(key="present_toggle")
    assert toggle.value is False
    toggle.set_value(True).run()
    assert _problems(at) == []
    assert at.query_params["present"] == "1"
    assert _slide_caption(at, "zh", 1, 1 + len(deck["zh"].charts))

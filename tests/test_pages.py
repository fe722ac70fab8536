"""Every page in both languages on the small demo world, through Streamlit's AppTest; links and their errors."""
from __future__ import annotations

import re
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analysis import formatting
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.i18n import STRINGS, t
from analysis.regioncodes import NATIONAL
from analysis.selection import RegionTree, regions_with_data, view_from_link
from analysis.summary import region_summary

APP = str(PROJECT_ROOT / "app.py")
PAGES = tuple(re.findall(r'^    \("(pages/\w+\.py)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M))
BANNER = "演示数据 · synthetic demo data"


@pytest.fixture(scope="module")
def facts(demo_db):
    """What the pages should show, computed without the app."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        years = [y for (y,) in con.execute("SELECT DISTINCT year FROM income ORDER BY year").fetchall()]
        tree = RegionTree(regions_with_data(con))
        summaries = {(code, year): region_summary(con, code, year)
                     for code in (NATIONAL, "620000") for year in (years[-1], 2023)}
    return {"years": years, "tree": tree, "summaries": summaries}


def _problems(at: AppTest) -> list:
    return [e.value for e in at.exception]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_the_demo_banner(open_app, page, lang):
    at = open_app(lang=lang)
    if page != PAGES[0]:
        at.switch_page(page).run()
    for _ in range(2):  # a rerun must go through app.py again, not the page file alone
        assert _problems(at) == []
        assert any(BANNER in info.value for info in at.info)
        assert at.segmented_control(key="lang").value == lang
        assert at.title[0].value  # each page says what it is
        at.run()


def _drawn(at: AppTest) -> list[str]:
    """Every element a run drew, as Streamlit sends it: figures, tables, numbers and text (ids new for every run
    left out: a download's file, a styled table's CSS)."""
    return [re.sub(r'deferred_file_id: "\w+"|uuid: "\w+"|#T_\w+?_', "", str(node.proto)) for node in at.main
            if getattr(node, "proto", None) is not None]


# The audit log shows the first visit's own entries to the second; importing reads no results.
SHARED_RESULT_PAGES = tuple(page for page in PAGES if page not in ("pages/audit_log.py", "pages/import_data.py"))


def test_a_second_visitor_sees_what_the_first_saw(open_app):
    # Cached results are shared by every visitor of a process (st.cache_resource, no copy): a page or figure
    # builder that changed one in place would show the next visitor something else. National: the results
    # are shared unfiltered (a scoped result is cut into new frames).
    for page in SHARED_RESULT_PAGES:
        first, second = (_drawn(open_app(page, region=NATIONAL, lang="zh")) for _ in range(2))
        assert first == second, page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_the_headline_numbers_formatted(open_app, facts, lang):
    at = open_app(lang=lang)
    latest = facts["years"][-1]
    summary = facts["summaries"][(NATIONAL, latest)]
    assert _problems(at) == []
    assert _metric(at, t("households", lang)) == formatting.count(summary.households, lang)
    assert _metric(at, t("people", lang)) == formatting.count(summary.people, lang)
    assert _metric(at, t("income_per_capita", lang)) == formatting.yuan(summary.income_per_capita, lang)
    assert _metric(at, t("below_line", lang)) == formatting.count(summary.below_line_households, lang)
    assert at.title[0].value == t("overview_title", lang, region=t("national", lang), year=latest)
    risk_table = at.dataframe[0].value
    assert 1 <= len(risk_table) <= 10
    assert risk_table["below_share"].is_monotonic_decreasing


def test_a_shared_link_opens_that_view(open_app, facts):
    assert 2023 in facts["years"]
    at = open_app(region="620000", year="2023", lang="en")
    summary = facts["summaries"][("620000", 2023)]
    assert _problems(at) == []
    assert at.warning.len == 0
    assert at.selectbox(key="province").value == "620000"
    assert at.selectbox(key="year").value == 2023
    assert at.title[0].value == t("overview_title", "en", region=facts["tree"].name("620000", "en"), year=2023)
    assert _metric(at, "Households") == formatting.count(summary.households, "en")
    assert at.query_params["region"] == "620000"


def test_a_county_link_fills_the_whole_cascade(open_app, facts):
    tree = facts["tree"]
    city = tree.children("620000")[0]
    county = tree.children(city)[0]
    at = open_app(region=county)
    assert _problems(at) == [] and at.warning.len == 0
    assert [at.selectbox(key=k).value for k in ("province", "city", "county")] == ["620000", city, county]


def test_choosing_a_region_updates_the_link(open_app, facts):
    at = open_app()
    at.selectbox(key="province").set_value("620000").run()
    city = facts["tree"].children("620000")[0]
    at.selectbox(key="city").set_value(city).run()
    assert _problems(at) == []
    assert at.query_params["region"] == city
    at.selectbox(key="province").set_value(NATIONAL).run()  # a new province clears the city below
    assert at.query_params["region"] == NATIONAL


def test_switching_pages_keeps_the_view(open_app):
    at = open_app(region="620000", year="2022", lang="en")
    at.switch_page("pages/data.py").run()
    assert _problems(at) == []
    assert at.title[0].value == "Data"
    assert at.query_params == {"lang": "en", "region": "620000", "year": "2022"}
    at.switch_page("pages/overview.py").run()
    assert at.selectbox(key="province").value == "620000" and at.selectbox(key="year").value == 2022


@pytest.mark.parametrize(("query", "key"), [
    ({"region": "62abc<script>"}, "url_bad_region"),
    ({"region": "110000"}, "url_bad_region"),          # well-formed, but no data there
    ({"year": "20x3"}, "url_bad_year"),
    ({"year": "1999"}, "url_bad_year"),
    ({"lang": "fr"}, "url_bad_lang"),
])
def test_a_bad_link_warns_and_falls_back(open_app, facts, query, key):
    at = open_app(**query)
    assert _problems(at) == []
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert warnings[0].startswith(t(key, "zh", value="", fallback="")[:8])
    assert "<script>" not in warnings[0]
    assert at.title[0].value == t("overview_title", "zh", region="全国", year=facts["years"][-1])


def test_the_link_warning_goes_once_the_user_chooses(open_app):
    at = open_app(region="999999")
    assert at.warning.len == 1
    at.selectbox(key="year").set_value(at.selectbox(key="year").options[-1]).run()
    assert at.warning.len == 0


def test_a_missing_database_explains_how_to_build_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"region": "620000"})
    at.run()
    assert _problems(at) == []
    assert any("python -m analysis demo" in e.value and "make run" in e.value for e in at.error)
    # without sign-in nobody may make the first import: the app stops before any page
    assert any("INCOMEWATCH_SINGLE_USER" in e.value for e in at.error) and at.file_uploader.len == 0


def test_a_missing_database_can_be_started_by_its_single_local_user(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "nothing.duckdb"))
    monkeypatch.setenv("INCOMEWATCH_SINGLE_USER", "1")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert _problems(at) == []
    assert any("python -m analysis demo" in e.value and "make run" in e.value for e in at.error)
    at.switch_page("pages/import_data.py").run()  # importing is how a new database starts
    assert _problems(at) == [] and at.error.len == 0


def test_data_page_lists_tables_and_the_dictionary(open_app, demo_db):
    at = open_app(lang="en")
    at.switch_page("pages/data.py").run()
    assert _problems(at) == []
    with duckdb.connect(str(demo_db), read_only=True) as con:
        households = con.execute("SELECT count(*) FROM households").fetchone()[0]
    tables = at.dataframe[0].value
    assert tables.set_index("table").loc["Households", "rows"] == households
    assert any("Synthetic demo" in m.value for m in at.markdown)
    dictionary = at.dataframe[-1].value
    assert {"household_id", "village_code", "monitoring_line"} <= set(dictionary["English header"])


def test_view_from_link_parses_and_falls_back(facts):
    tree, years = facts["tree"], facts["years"]
    view, problems = view_from_link({"lang": "en", "region": "620000", "year": str(years[0])}, tree, years)
    assert (view.lang, view.region, view.year, problems) == ("en", "620000", years[0], [])
    view, problems = view_from_link({"region": "6200", "year": "abc", "lang": ""}, tree, years)
    assert (view.lang, view.region, view.year) == ("zh", NATIONAL, years[-1])
    assert [p.key for p in problems] == ["url_bad_lang", "url_bad_region", "url_bad_year"]
    assert "**" not in problems[1].message("zh") and "[" not in view_from_link(
        {"region": "[x](http://e.vil)"}, tree, years)[1][0].message("en")


@pytest.fixture
def writable_world(demo_db, tmp_path, monkeypatch):
    """A private copy of the demo world that an import may change."""
    path = tmp_path / "world.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv(DB_ENV, str(path))
    return path


def test_every_ui_string_exists_in_both_languages_and_is_used():
    sources = [PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "pages").glob("*.py"), *(PROJECT_ROOT / "analysis").rglob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources
                     if path.name != "i18n.py" and path.parent.name != "strings")
    assert set(re.findall(r'\bt\("([a-z_]+)"', text)) <= set(STRINGS)
    assert [key for key in STRINGS if f'"{key}"' not in text] == []
    assert all(zh and en and zh != en for zh, en in STRINGS.values())


def _upload(at: AppTest, name: str, text: str) -> AppTest:
    at.file_uploader[0].set_value((name, text.encode("utf-8"), "text/csv"))
    return at.run()


def test_import_previews_validates_and_loads(writable_world):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/import_data.py").run()
    _upload(at, "lines.csv", "年度,省级区划代码,监测标准\n2024,640000,7777\n")
    assert _problems(at) == []
    assert any("thresholds" in caption.value for caption in at.caption)  # the detected kind
    confirm = at.button[0]
    assert not confirm.disabled
    confirm.click().run()
    assert _problems(at) == []
    assert at.success.len >= 1
    with duckdb.connect(str(writable_world), read_only=True) as con:
        line = con.execute("SELECT monitoring_line FROM thresholds WHERE year = 2024 AND province_code = '640000'")
        assert line.fetchall() == [(7777.0,)]
        assert con.execute("SELECT file_name, kind FROM import_log").fetchall() == [("lines.csv", "thresholds")]
    at.switch_page("pages/data.py").run()  # the import log shows it, without a stale cache
    assert "lines.csv" in at.dataframe[1].value["file_name"].tolist()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_import_reports_problems_and_refuses_to_load(writable_world, lang):
    before = writable_world.read_bytes()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run().switch_page("pages/import_data.py").run()
    _upload(at, "bad.csv", "year,province_code,monitoring_line\n2024,64000,-5\n")
    assert _problems(at) == []
    report = at.dataframe[-1].value
    assert len(report) >= 1
    assert set(report.columns) == {t(key, lang) for key in ("file", "import_sheet", "row", "column",
                                                            "value", "import_reason_zh", "import_reason_en")}
    assert set(report[t("file", lang)]) == {"bad.csv"}
    assert at.button[0].disabled
    assert writable_world.read_bytes() == before


def test_a_database_from_before_the_county_sums_says_how_to_upgrade(demo_db, tmp_path, monkeypatch):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(demo_db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("DROP TABLE county_year")
    monkeypatch.setenv(DB_ENV, str(old))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert _problems(at) == []
    assert [e.value for e in at.error] == [t("db_needs_refresh", lang, path=str(old)) for lang in ("zh", "en")]


def _slow_run_with_a_status_line() -> None:
    import time

    import streamlit as st

    from pages._common import page_status, working

    with page_status("loading"):
        with working("computing"):
            time.sleep(1.0)  # past the line's 0.5 s delay: the timer thread has shown it
        st.write("done")


def test_the_status_line_of_a_slow_run_is_gone_when_the_run_ends():
    """The line is written by a timer thread once a run takes over 0.5 s and emptied by the run itself."""
    at = AppTest.from_function(_slow_run_with_a_status_line).run(timeout=30)
    assert not at.exception
    assert [m.value for m in at.markdown] == ["done"]
    assert [c.value for c in at.caption] == []

"""Drill-down: link paths, every level opened by URL in both languages, malformed and unknown codes."""
from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analysis import drilldown, formatting
from analysis.config import PROJECT_ROOT
from analysis.i18n import t

APP = str(PROJECT_ROOT / "app.py")
PAGE = "pages/drilldown.py"


@pytest.fixture(scope="module")
def place(demo_db) -> dict[str, str]:
    """A county, township, village and household of the demo world (the village with most households)."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        village = con.execute("SELECT village_code FROM households WHERE county_code LIKE '62%' "
                              "GROUP BY ALL ORDER BY count(*) DESC, village_code LIMIT 1").fetchone()[0]
        household = con.execute("SELECT min(household_id) FROM households WHERE village_code = $v",
                                {"v": village}).fetchone()[0]
        names = dict(con.execute("SELECT code, name FROM regions WHERE code IN ($c, $t, $v)",
                                 {"c": village[:6], "t": village[:9], "v": village}).fetchall())
    return {"county": village[:6], "township": village[:9], "village": village, "household": household,
            "names": names}


@pytest.fixture
def open_page(open_app):
    def start(page: str = PAGE, **query: str) -> AppTest:
        return open_app(page, **query)
    return start


def _problems(at: AppTest) -> list:
    return [e.value for e in at.exception]


def test_drill_path_checks_shape_and_nesting():
    path = drilldown.drill_path({"household": "6201021012010001"})
    assert (path.township, path.village, path.county) == ("620102101", "620102101201", "620102")
    path = drilldown.drill_path({"township": "620102101", "village": "620103101201"})
    assert path.village == "" and path.problems == (("village", "620103101201"),)
    path = drilldown.drill_path({"village": "62010210120'", "household": "620102101201001"})
    assert path.deepest == "" and [name for name, _ in path.problems] == ["village", "household"]
    assert drilldown.inside("620102101201", "620100") and not drilldown.inside("620102101201", "640000")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_level_opens_from_its_link(open_page, place, lang):
    levels = [
        ({"region": "000000"}, "全国" if lang == "zh" else "China"),
        ({"region": "620000"}, None),
        ({"region": place["county"]}, place["names"][place["county"]] if lang == "zh" else None),
        ({"region": place["county"], "township": place["township"]}, None),
        ({"region": place["county"], "township": place["township"], "village": place["village"]}, None),
        ({"region": place["county"], "household": place["household"]}, place["household"]),
    ]
    for query, in_title in levels:
        at = open_page(lang=lang, **query)
        assert _problems(at) == [], query
        assert at.error.len == 0 and at.warning.len == 0, query
        assert at.query_params["region"] == query["region"]
        for name in ("township", "village", "household"):
            if name in query:
                assert at.query_params[name] == query[name]
        if in_title:
            assert in_title in at.title[0].value
    assert at.metric.len == 5  # the household card: head (masked), type, members, risk cause, risk score
    assert len(at.dataframe[0].value) == 6  # one row per year 2019–2024: income, line, spending, animals, floods


def test_village_lists_households_masked_and_sortable(open_page, place):
    at = open_page(lang="en", region=place["county"], village=place["village"])
    assert _problems(at) == []
    table = at.dataframe[0].value
    assert set(table["Household ID"]).issuperset({place["household"]})
    assert table["Head (masked)"].str.contains(r"\*").all()
    assert at.query_params["township"] == place["township"]  # the parent follows from the village


def test_a_household_link_alone_moves_the_sidebar_to_its_county(open_page, place):
    at = open_page(household=place["household"])
    assert _problems(at) == []
    assert at.selectbox(key="county").value == place["county"]
    assert at.query_params["region"] == place["county"]
    assert at.query_params["village"] == place["village"]


def test_the_household_card_shows_the_risk_models_score(open_page, place, demo_db):
    from analysis import riskmodel

    at = open_page(household=place["household"])
    shown = next(m.value for m in at.metric if m.label == t("map_drill_risk_score", "zh"))
    with duckdb.connect(str(demo_db), read_only=True) as con:
        year = con.execute("SELECT max(year) FROM income").fetchone()[0]
        scores = riskmodel.risk_scores(con, place["village"], year)
    expected = scores.loc[scores["household_id"] == place["household"], "risk_score"].iloc[0]
    assert shown == formatting.percent(float(expected))


@pytest.mark.parametrize(("query", "key"), [
    ({"village": "62010<script>"}, "map_drill_bad_code"),
    ({"household": "123"}, "map_drill_bad_code"),
    ({"village": "620102999299"}, "map_drill_not_found"),
    ({"household": "6201021012019999"}, "map_drill_not_found"),
])
def test_malformed_or_unknown_codes_explain_and_fall_back(open_page, place, query, key):
    at = open_page(region=place["county"], **query)
    assert _problems(at) == []
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(t(key, "zh", name="", value="", region="")[:4])
    assert "<script>" not in errors[0]
    assert at.title[0].value.startswith(place["names"][place["county"]])
    assert "village" not in at.query_params and "household" not in at.query_params


def test_a_code_outside_the_chosen_region_is_refused(open_page, place):
    at = open_page(region="640000", village=place["village"])
    assert _problems(at) == []
    assert [e.value for e in at.error][0].startswith(t("map_drill_outside", "zh", name="", value="", region="")[:4])


def test_breadcrumb_goes_back_up(open_page, place):
    at = open_page(lang="en", region=place["county"], household=place["household"])
    at.button(key=f"crumb-{place['village']}").click().run()
    assert _problems(at) == []
    assert "household" not in at.query_params and at.query_params["village"] == place["village"]
    at.button(key="crumb-620000").click().run()
    assert _problems(at) == []
    assert at.query_params["region"] == "620000" and "village" not in at.query_params
    assert at.selectbox(key="province").value == "620000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_risk_map_opens_by_link(open_page, lang):
    for query in ({"region": "000000", "level": "county", "metric": "flood_share"},
                  {"region": "620000", "method": "manual", "thresholds": "1,3,5"},
                  {"region": "620000", "method": "jenks", "metric": "nonsense"}):
        at = open_page("pages/risk_map.py", lang=lang, **query)
        assert _problems(at) == []
        assert at.dataframe.len == 1 and len(at.dataframe[0].value) > 0
    assert at.warning.len == 1  # metric=nonsense
    assert at.query_params["metric"] == "below_share"


def test_choosing_a_region_in_the_sidebar_leaves_the_path(open_page, place):
    at = open_page(region=place["county"], village=place["village"])
    at.selectbox(key="city").set_value("").run()  # up to the province: no bounce back to the village
    assert _problems(at) == []
    assert at.query_params["region"] == "620000"
    assert "village" not in at.query_params and "township" not in at.query_params

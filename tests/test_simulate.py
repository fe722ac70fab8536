"""The price what-if: scenario files, validation, the household formula, its properties, the command and the page."""
from __future__ import annotations

import json
import tomllib

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from analysis.commands import main as cli
from analysis.config import PROJECT_ROOT
from analysis.prices.params import param, species_params
from analysis.simulate import (
    Scenario,
    ScenarioError,
    commodities,
    example_scenarios,
    household_effects,
    parse_scenario,
    scenario_from_toml,
    scenario_to_toml,
    simulate,
)
from analysis.simulate.engine import Setting
from analysis.simulate.ranges import estimate_margin, scenario_range

YEAR = 2024
APP = str(PROJECT_ROOT / "app.py")
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LIVE = commodities()


@pytest.fixture(scope="module")
def con(demo_con):
    return demo_con


def _scenario(changes: dict[str, float], start: int = 1, duration: int = 12, **responses) -> Scenario:
    return Scenario(name="t", changes=tuple(changes.items()), start_month=start, duration_months=duration, **responses)


windows = st.integers(1, 12).flatmap(lambda start: st.tuples(st.just(start), st.integers(1, 13 - start)))
shocks = st.dictionaries(st.sampled_from(LIVE), st.floats(-100, 200, allow_nan=False), min_size=1)


# --- The formula, recomputed by hand ---------------------------------------------------------

def test_the_change_is_heads_times_weight_times_price_times_shock(con):
    """Planted truth: the demo's cattle sellers in one county, recomputed from the income rows and prices."""
    scenario = _scenario({"live_cattle": -20.0}, start=6, duration=6)
    effects = household_effects(con, "620000", YEAR, scenario).set_index("household_id")
    rows = con.execute("SELECT household_id, cattle_sold FROM income WHERE year = $y AND county_code LIKE '62%'",
                       {"y": YEAR}).df().set_index("household_id")
    price = con.execute("SELECT avg(price) FROM prices WHERE commodity = 'live_cattle' AND region_code = '620000' "
                        "AND year(date) = $y", {"y": YEAR}).fetchone()[0]
    weight = species_params()["cattle"]["live_weight_kg"]
    expected = rows["cattle_sold"] * weight * price * -0.2 * 6 / 12 * param("simulation", "pass_to_net")
    assert np.allclose(effects["delta"], expected.reindex(effects.index), atol=1e-6)
    assert (effects["delta"] < 0).sum() == (rows["cattle_sold"] > 0).sum() > 0


def test_the_totals_add_up_and_match_a_plain_count(con):
    result = simulate(con, "000000", YEAR, _scenario({"live_cattle": -50.0, "live_sheep": -30.0}))
    effects = household_effects(con, "000000", YEAR, result.scenario)
    below0 = effects.pc0 < effects.line
    below1 = effects.pc0 + effects.delta / effects.members < effects.line
    assert result.totals["baseline_below_line"] == below0.sum()
    assert result.totals["newly_below_line"] == (below1 & ~below0).sum() > 0
    assert result.by_county["newly_below_line"].sum() == result.totals["newly_below_line"]
    assert result.by_decile["households"].sum() == pytest.approx(result.totals["households"], abs=10)
    assert result.totals["households"] == len(effects)
    assert (result.by_decile["households"] - len(effects) / 10).abs().max() <= 1
    baseline = (effects.pc0 * effects.members).sort_values(key=lambda _: effects.pc0)
    poorest = effects.nsmallest(len(effects) // 10, "pc0")
    assert result.by_decile["baseline_income"].iloc[0] == pytest.approx((poorest.pc0 * poorest.members).sum(), rel=0.05)
    assert baseline.sum() == pytest.approx(result.by_decile["baseline_income"].sum())
    assert result.by_decile["income_loss"].sum() == pytest.approx(result.totals["income_loss"])
    assert result.totals["income_loss"] == pytest.approx(-effects.delta.sum())


def test_a_household_missing_that_year_does_not_shift_anyone(demo_db, tmp_path):
    """A household without an income row that year is left out, and nobody else takes its members."""
    path = tmp_path / "gap.duckdb"
    path.write_bytes(demo_db.read_bytes())
    with duckdb.connect(str(path)) as writable:
        writable.execute("DELETE FROM income WHERE household_id = (SELECT min(household_id) FROM income) AND year = $y",
                         {"y": YEAR})
    scenario = _scenario({"live_cattle": -70.0, "live_hog": -40.0})
    with duckdb.connect(str(path), read_only=True) as gap:
        result = simulate(gap, "000000", YEAR, scenario)
        effects = household_effects(gap, "000000", YEAR, scenario)
    below0 = effects.pc0 < effects.line
    below1 = effects.pc0 + effects.delta / effects.members < effects.line
    assert result.totals["households"] == len(effects)
    assert result.totals["people"] == effects.members.sum()
    assert result.totals["newly_below_line"] == (below1 & ~below0).sum() > 0


# --- Properties -------------------------------------------------------------------------------

@SETTINGS
@given(window=windows, commodity=st.sampled_from(LIVE))
def test_a_zero_shock_changes_nothing(con, window, commodity):
    result = simulate(con, "000000", YEAR, _scenario({commodity: 0.0}, *window))
    totals = result.totals
    assert totals["income_loss"] == 0
    assert totals["scenario_below_line"] == totals["baseline_below_line"]
    assert totals["newly_below_line"] == totals["newly_near_line"] == totals["lifted_above_line"] == 0


@SETTINGS
@given(window=windows, commodity=st.sampled_from(LIVE), shock=st.floats(-100, 50), deeper=st.floats(0, 100))
def test_a_deeper_fall_never_lowers_the_number_below_the_line(con, window, commodity, shock, deeper):
    shallow = simulate(con, "620000", YEAR, _scenario({commodity: shock}, *window))
    deep = simulate(con, "620000", YEAR, _scenario({commodity: max(-100.0, shock - deeper)}, *window))
    assert deep.totals["scenario_below_line"] >= shallow.totals["scenario_below_line"]
    assert deep.totals["income_loss"] >= shallow.totals["income_loss"] - 1e-6


responses = st.fixed_dictionaries({
    "insured_pct": st.floats(0, 100), "payout_pct": st.floats(0, 100), "floor_pct": st.floats(0, 200),
    "bought_pct": st.floats(0, 100),
    "subsidy_per_head": st.dictionaries(st.sampled_from(list(species_params())), st.floats(0, 2000)).map(
        lambda d: tuple(d.items())),
})


@SETTINGS
@given(window=windows, changes=shocks, chosen=responses)
def test_households_without_livestock_never_change_and_responses_never_hurt(con, window, changes, chosen):
    scenario = _scenario(changes, *window, **chosen)
    effects = household_effects(con, "640000", YEAR, scenario)
    untouched = effects[~effects.livestock]
    assert len(untouched) > 0
    assert (untouched[["delta", "insurance", "subsidy", "price_floor"]] == 0).all().all()
    assert (effects[["insurance", "subsidy", "price_floor"]] >= 0).all().all()
    result = simulate(con, "640000", YEAR, scenario)
    assert result.totals["newly_below_with_responses"] <= result.totals["newly_below_line"]
    assert (result.responses["kept"] >= 0).all()


def test_responses_keep_households_above_the_line_at_a_cost(con):
    shock = {"live_cattle": -60.0, "live_sheep": -60.0}
    bare = simulate(con, "000000", YEAR, _scenario(shock))
    helped = simulate(con, "000000", YEAR, _scenario(shock, insured_pct=100.0, payout_pct=100.0))
    assert bare.totals["newly_below_line"] > 0
    assert helped.totals["newly_below_with_responses"] == 0  # full insurance pays back the whole loss
    insurance = helped.responses.set_index("response").loc["insurance"]
    assert insurance["kept"] == bare.totals["newly_below_line"]
    assert insurance["cost"] == pytest.approx(bare.totals["income_loss"])


def test_k_scales_the_change_but_not_insurance_or_the_price_floor(con):
    scenario = _scenario({"live_cattle": -40.0}, insured_pct=50.0, payout_pct=80.0, floor_pct=90.0, bought_pct=30.0)
    full = household_effects(con, "620000", YEAR, scenario, Setting(k=1.0))
    half = household_effects(con, "620000", YEAR, scenario, Setting(k=0.5))
    assert np.allclose(half["delta"], full["delta"] * 0.5)
    assert np.allclose(half["insurance"], full["insurance"]) and full["insurance"].sum() > 0
    assert np.allclose(half["price_floor"], full["price_floor"]) and full["price_floor"].sum() > 0


def test_the_margin_measured_in_the_demo_is_its_planted_net_margin(con):
    """The demo plants net livestock income = sales value × margin (cattle 0.20, sheep 0.28, hogs 0.15)."""
    margin = estimate_margin(con, YEAR)
    assert 0.17 < margin.k < 0.24 and margin.low < margin.k < margin.high
    assert margin.pairs > 1000 and margin.k_for_range == margin.k


def test_the_range_runs_k_from_the_margin_to_one_under_each_calendar(con):
    scenario = _scenario({"live_cattle": -30.0}, start=1, duration=3)
    span = scenario_range(con, "000000", YEAR, scenario)
    assert set(span.runs["k"].round(6)) == {round(span.margin.k, 6), 1.0}
    assert set(span.runs["calendar"]) == {"even", "before_spring_festival"} and len(span.runs) == 4
    shares = span.runs.drop_duplicates("calendar").set_index("calendar")["window_share"]
    assert shares["before_spring_festival"] > shares["even"] == pytest.approx(0.25)  # Jan–Mar: festival sales
    default = simulate(con, "000000", YEAR, scenario)  # k = 1, even sales
    for column in ("newly_below_line", "income_loss"):
        assert span.low[column] <= default.totals[column] <= span.high[column]
    assert span.high["income_loss"] > 3 * span.low["income_loss"]


# --- Scenario files -----------------------------------------------------------------------------

names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s)
scenarios = st.builds(
    lambda name, description, window, changes, chosen: Scenario(
        name=name, description=description.strip(), changes=tuple(changes.items()), start_month=window[0],
        duration_months=window[1], **chosen),
    names, st.text(max_size=60), windows, shocks, responses)


@settings(max_examples=60, deadline=None)
@given(scenario=scenarios)
def test_a_scenario_file_round_trips(scenario):
    text = scenario_to_toml(scenario)
    tomllib.loads(text)  # valid TOML on its own
    assert scenario_from_toml(text) == scenario
    assert scenario_from_toml(text.encode("utf-8")) == scenario


def test_the_example_scenarios_are_valid():
    examples = example_scenarios()
    assert len(examples) >= 3
    for text in examples.values():
        scenario_from_toml(text)


def test_every_problem_is_reported_at_once_in_both_languages():
    bad = {"name": "", "start_month": 13, "duration_months": 0, "colour": "red",
           "changes": {"beef": -10, "live_cattle": -120, "live_hog": "a lot"},
           "insurance": {"insured_pct": 150}, "subsidy_per_head": {"cattle": -5, "goats": 1}}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(bad)
    zh, en = caught.value.messages("zh"), caught.value.messages("en")
    assert len(zh) == len(en) == 10
    assert any("beef" in m and "Unknown commodity" in m for m in en)
    assert any("−100%" in m for m in zh)
    assert any("start_month" in m for m in en) and any("起始月份" in m for m in zh)
    with pytest.raises(ScenarioError) as caught:  # text from a file is echoed without markdown
        parse_scenario({"name": "x", "changes": {"[x](http://e.vil)": -1, "live_cattle": "**"}})
    assert not any(c in m for m in caught.value.messages("en") for c in ("[", "](", "**"))
    with pytest.raises(ScenarioError, match="runs past December"):
        parse_scenario({"name": "x", "start_month": 10, "duration_months": 6, "changes": {"live_cattle": -1}})
    with pytest.raises(ScenarioError, match="not valid TOML"):
        scenario_from_toml("name = ")


# --- Command line ---------------------------------------------------------------------------------

def test_simulate_command_prints_the_promised_json(demo_db, tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(example_scenarios()["cattle_minus20_6m.toml"], encoding="utf-8")
    code = cli(["simulate", "--db", str(demo_db), "--scenario", str(path), "--year", str(YEAR), "--region", "620000",
                "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"baseline_below_line", "scenario_below_line", "newly_below_line", "by_county"} <= set(payload)
    assert payload["scenario_below_line"] - payload["baseline_below_line"] == \
        payload["newly_below_line"] - payload["lifted_above_line"]
    assert sum(c["newly_below_line"] for c in payload["by_county"]) == payload["newly_below_line"]
    assert all(c["code"].startswith("62") for c in payload["by_county"])


def test_simulate_command_refuses_a_bad_file(demo_db, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nstart_month = 0\n[changes]\nbeef = -10\n', encoding="utf-8")
    assert cli(["simulate", "--db", str(demo_db), "--scenario", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Unknown commodity beef" in err and "未知品种 beef" in err and "start_month" in err


# --- The page -------------------------------------------------------------------------------------

@pytest.fixture
def page(open_app):
    def start(lang: str) -> AppTest:
        return open_app("pages/simulator.py", lang=lang, region="620000", year=str(YEAR))
    return start


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_simulator_page_runs_compares_and_explains(page, con, lang):
    at = page(lang)
    assert [e.value for e in at.exception] == []
    expected = simulate(con, "620000", YEAR, scenario_from_toml(example_scenarios()["cattle_minus20_6m.toml"]))
    newly = next(m.value for m in at.metric if m.label == ("新增低于监测线" if lang == "zh" else "Newly below the line"))
    assert newly == (f"{expected.totals['newly_below_line']:,}")
    assert at.info[-1].value.startswith("情景「" if lang == "zh" else "Under “")
    ranges_text = at.warning[0].value
    assert ("从数据中测得的" if lang == "zh" else "measured in the data") in ranges_text
    assert any(("不是预测" if lang == "zh" else "not a forecast") in c.value for c in at.caption)
    at.button(key="sim-add").click().run()
    at.number_input(key="sim_w_change_live_sheep").set_value(-30.0).run()
    at.button(key="sim-add").click().run()
    assert [e.value for e in at.exception] == []
    comparison = at.table[0].value  # a static table whose cells wrap (6a36a41): one column per scenario
    assert comparison.shape[1] == 2


def test_the_simulator_page_lists_every_problem(page):
    at = page("en")
    at.number_input(key="sim_w_start").set_value(10).run()
    at.number_input(key="sim_w_duration").set_value(6).run()
    assert [e.value for e in at.exception] == []
    assert any("runs past December" in e.value for e in at.error)
    assert at.metric.len == 0


def test_choosing_an_example_fills_the_builder(page):
    at = page("zh")
    at.selectbox(key="sim_example").set_value("beef_mutton_slump.toml").run()
    assert [e.value for e in at.exception] == []
    assert at.number_input(key="sim_w_change_live_sheep").value == -15.0
    assert at.number_input(key="sim_w_sub_cattle").value == 300.0
    assert pd.notna(at.metric[0].value)


def test_a_loaded_file_fills_the_builder_and_a_bad_one_is_explained(page):
    at = page("en")
    text = scenario_to_toml(_scenario({"live_hog": -35.0}, 3, 4, insured_pct=50.0, payout_pct=60.0))
    at.file_uploader(key="sim_upload").set_value(("mine.toml", text.encode("utf-8"), "application/toml")).run()
    assert [e.value for e in at.exception] == []
    assert at.number_input(key="sim_w_change_live_hog").value == -35.0
    assert at.number_input(key="sim_w_start").value == 3 and at.number_input(key="sim_w_insured").value == 50.0
    bad = b'name = "x"\nstart_month = 14\n[changes]\ngoat = -5\n'
    at.file_uploader(key="sim_upload").set_value(("bad.toml", bad, "application/toml")).run()
    assert [e.value for e in at.exception] == []
    problems = next(e.value for e in at.error if "problems" in e.value)
    assert "Unknown commodity goat" in problems and "start_month" in problems


def test_households_without_a_known_line_are_counted_but_never_below_it(demo_db, tmp_path):
    path = tmp_path / "noline.duckdb"
    path.write_bytes(demo_db.read_bytes())
    with duckdb.connect(str(path)) as writable:  # Ningxia has no line of its own; drop the national default too
        writable.execute("DELETE FROM thresholds WHERE year = $y AND province_code IN ('640000', '000000')",
                         {"y": YEAR})
    with duckdb.connect(str(path), read_only=True) as con:
        result = simulate(con, "000000", YEAR, _scenario({"live_cattle": -90.0}))
        households = con.execute("SELECT count(*) FROM income WHERE year = $y", {"y": YEAR}).fetchone()[0]
    ningxia = result.by_county[result.by_county.county_code.str.startswith("64")]
    assert result.totals["households"] == households and ningxia.households.sum() > 0
    assert (ningxia[["baseline_below_line", "scenario_below_line", "newly_below_line", "newly_near_line"]] == 0).all().all()
    assert result.totals["newly_below_line"] > 0  # Gansu still has its line

"""The what-if for a meeting: examples by name, a description that follows the scenario, responses alone and
together, scenarios compared in a chart, and a scenario shared as a link."""
from __future__ import annotations

import pytest

from analysis.i18n import t
from analysis.simulate import example_scenarios, scenario_from_toml
from analysis.simulate.scenario import LINK_LIMIT, scenario_from_link, scenario_to_link
from analysis.simulate.summary import example_name, in_language, scenario_description

YEAR = "2024"


def test_a_scenario_survives_a_link_and_a_damaged_link_is_refused():
    scenario = scenario_from_toml(example_scenarios()["beef_mutton_slump.toml"])
    link = scenario_to_link(scenario)
    # an example, notes in both languages included, takes a small part of what a link may carry
    assert len(link) < LINK_LIMIT // 4 and scenario_from_link(link) == scenario
    with pytest.raises(ValueError, match="damaged"):
        scenario_from_link("not-a-scenario")


def test_examples_have_names_in_both_languages():
    scenario = scenario_from_toml(example_scenarios()["cattle_insured.toml"])
    assert example_name(scenario, "zh") == "活牛再降20%，价格保险"
    assert example_name(scenario, "en") == "Cattle −20% with price insurance"
    plain = scenario_from_toml(example_scenarios()["cattle_minus20_6m.toml"])  # no space before its "·"
    assert example_name(plain, "zh") == "活牛再降20%（6个月）"
    assert in_language(plain.description, "en").startswith("Live cattle prices fall") and "·" not in \
        in_language(plain.description, "zh")
    assert in_language("羊价 · 春节前", "en") == "羊价 · 春节前"  # a user's own name: whole, in both languages


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_describes_counts_compares_and_shares(open_app, lang):
    at = open_app("pages/simulator.py", lang=lang, region="620000", year=YEAR)
    assert [e.value for e in at.exception] == []
    assert t("sim_example_none", lang) in at.selectbox(key="sim_example").options[0]
    at.selectbox(key="sim_example").set_value("cattle_insured.toml").run()
    at.number_input(key="sim_w_change_live_cattle").set_value(-30.0).run()  # edit it: the description follows
    assert [e.value for e in at.exception] == []
    prefix = t("sim_desc_auto", lang, text="\x00").split("\x00")[0]
    described = [c.value for c in at.caption if c.value.startswith(prefix)]
    assert described and "-30.0%" in described[0] and "−20" not in described[0]
    plain = t("sim_resp_plain", lang, alone="\x00", together="\x00", total="\x00").split("\x00")
    assert any(plain[2] in m.value and plain[3] in m.value for m in at.markdown)  # alone; together
    link = at.query_params["scenario"]
    at.button(key="sim-add").click().run()
    at.number_input(key="sim_w_sub_cattle").set_value(500.0).run()
    at.button(key="sim-add").click().run()
    assert [e.value for e in at.exception] == []
    assert at.table[0].value.shape[1] == 2  # two scenarios compared (the chart sits above the table)

    shared = open_app("pages/simulator.py", lang=lang, region="620000", year=YEAR, scenario=link)
    assert [e.value for e in shared.exception] == []
    assert shared.number_input(key="sim_w_change_live_cattle").value == -30.0
    assert shared.number_input(key="sim_w_insured").value == 40.0
    assert scenario_description(scenario_from_link(link), lang) in " ".join(c.value for c in shared.caption)


def test_a_damaged_shared_link_is_explained_and_the_default_opens(open_app):
    at = open_app("pages/simulator.py", lang="en", region="620000", year=YEAR, scenario="garbage!")
    assert [e.value for e in at.exception] == []
    assert any("damaged" in e.value for e in at.error)
    assert at.number_input(key="sim_w_change_live_cattle").value == -20.0

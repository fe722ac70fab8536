"""Price what-if 价格情景模拟: build or load a scenario, run it against the baseline, compare, save, export."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import formatting, simulate, tables
from analysis.figures import simulate as figures
from analysis.i18n import region_name
from analysis.prices.labels import commodity_name, response_name, species_name
from analysis.prices.params import param, species_params
from analysis.regioncodes import NATIONAL, below_county, province_of, region_level
from analysis.regions import county_boundaries
from analysis.simulate import ranges
from analysis.simulate.scenario import scenario_from_link, scenario_to_link
from analysis.simulate.summary import (
    comparison_frame,
    comparison_numbers,
    comparison_table,
    example_name,
    in_language,
    responses_plainly,
    scenario_description,
    summary_sentence,
)
from analysis.textsafe import markdown_text
from pages._common import income_page_shell

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
SPECIES = species_params()
COMMODITIES = simulate.commodities()
COMPARE, LOAD_ERRORS, MAX_COMPARED = "sim_compare", "sim_load_errors", 3
LINK_PARAM = "scenario"  # the scenario in the link, so it can be shared
CALENDAR_NAMES = {"even": "sim_calendar_even", "before_spring_festival": "sim_calendar_before_spring_festival"}


def _fill(scenario: simulate.Scenario) -> None:
    """Put a scenario into the builder's widgets."""
    state = st.session_state
    state["sim_w_name"], state["sim_w_desc"] = scenario.name, scenario.description
    state["sim_w_start"], state["sim_w_duration"] = scenario.start_month, scenario.duration_months
    for commodity in COMMODITIES:
        state[f"sim_w_change_{commodity}"] = scenario.change(commodity) * 100
    state["sim_w_insured"], state["sim_w_payout"] = scenario.insured_pct, scenario.payout_pct
    for species in SPECIES:
        state[f"sim_w_sub_{species}"] = scenario.subsidy(species)
    state["sim_w_floor"], state["sim_w_bought"] = scenario.floor_pct, scenario.bought_pct


def _load(text: str | bytes) -> None:
    try:
        _fill(simulate.scenario_from_toml(text))
        st.session_state[LOAD_ERRORS] = []
    except simulate.ScenarioError as exc:
        st.session_state[LOAD_ERRORS] = exc.problems


def _on_example() -> None:
    chosen = st.session_state["sim_example"]
    if chosen:
        _load(simulate.example_scenarios()[chosen])


def _on_upload() -> None:
    upload = st.session_state.get("sim_upload")
    if upload is not None:
        _load(upload.getvalue())


def _example_label(file: str) -> str:
    """An example by its name in the chosen language, not its file name."""
    return example_name(simulate.scenario_from_toml(simulate.example_scenarios()[file]), lang)


def _open_link_or_default() -> None:
    """The scenario a shared link carries (?scenario=…), else the first example."""
    shared = st.query_params.get(LINK_PARAM)
    try:
        if shared:
            _fill(scenario_from_link(shared))
            return
    except simulate.ScenarioError as exc:
        _load(simulate.example_scenarios().get("cattle_minus20_6m.toml", ""))
        st.session_state[LOAD_ERRORS] = exc.problems
        return
    _load(simulate.example_scenarios().get("cattle_minus20_6m.toml", ""))


def _builder() -> dict:
    """The scenario as the widgets describe it (a TOML-shaped dict, validated by the caller)."""
    if "sim_w_name" not in st.session_state:
        _open_link_or_default()
    examples = ["", *simulate.example_scenarios()]
    pick, upload = st.columns(2)
    pick.selectbox(shell.t("sim_example"), examples, key="sim_example", on_change=_on_example,
                   format_func=lambda f: _example_label(f) if f else shell.t("sim_example_none"))
    shell.uploader_words(("TOML",))
    upload.file_uploader(shell.t("sim_upload"), type=["toml"], key="sim_upload", on_change=_on_upload)
    name, description = st.columns([1, 2])
    data: dict = {"name": name.text_input(shell.t("sim_name"), key="sim_w_name"),
                  "description": description.text_input(shell.t("sim_description"), key="sim_w_desc")}
    cols = st.columns(2 + len(COMMODITIES))
    data["start_month"] = int(cols[0].number_input(shell.t("sim_start_month"), 1, 12, step=1, key="sim_w_start"))
    data["duration_months"] = int(cols[1].number_input(shell.t("sim_duration"), 1, 12, step=1, key="sim_w_duration"))
    changes = {c: col.number_input(shell.t("sim_change", commodity=commodity_name(c, lang)), -100.0, 1000.0, step=5.0,
                                   key=f"sim_w_change_{c}") for c, col in zip(COMMODITIES, cols[2:], strict=True)}
    data["changes"] = {c: float(v) for c, v in changes.items() if v}
    with st.expander(shell.t("sim_responses")):
        row = st.columns(4)
        data["insurance"] = {"insured_pct": row[0].number_input(shell.t("sim_insured"), 0.0, 100.0, step=5.0, key="sim_w_insured"),
                             "payout_pct": row[1].number_input(shell.t("sim_payout"), 0.0, 100.0, step=5.0, key="sim_w_payout")}
        data["price_floor"] = {"floor_pct": row[2].number_input(shell.t("sim_floor"), 0.0, 200.0, step=5.0, key="sim_w_floor"),
                               "bought_pct": row[3].number_input(shell.t("sim_bought"), 0.0, 100.0, step=5.0, key="sim_w_bought")}
        subsidy = st.columns(len(SPECIES))
        data["subsidy_per_head"] = {
            s: col.number_input(shell.t("sim_subsidy", species=species_name(s, lang)), 0.0, None, step=50.0,
                                key=f"sim_w_sub_{s}") for s, col in zip(SPECIES, subsidy, strict=True)}
        data["subsidy_per_head"] = {s: v for s, v in data["subsidy_per_head"].items() if v}
    return data


def _show_problems(problems: list[simulate.Problem]) -> None:
    st.error(shell.t("sim_errors_title") + "\n\n" + "\n".join(f"- {p.message(lang)}" for p in problems))


def _range(span: ranges.ScenarioRange, k: float) -> None:
    """The headline numbers' range over k (measured margin … 1) and the sales calendars."""
    low, high = span.low, span.high
    values = {"calendars": (shell.t("sim_and")).join(shell.t(CALENDAR_NAMES[c]) if c in CALENDAR_NAMES else c for c in span.runs["calendar"].unique()),
              "newly_low": formatting.count(low["newly_below_line"], lang),
              "newly_high": formatting.count(high["newly_below_line"], lang),
              "loss_low": formatting.yuan_total(low["income_loss"], lang),
              "loss_high": formatting.yuan_total(high["income_loss"], lang)}
    st.markdown("**" + shell.t("sim_range_title") + "**")
    if span.margin is None:
        st.warning(shell.t("sim_range_no_margin", **values))
        return
    margin = span.margin
    st.warning(shell.t("sim_range_text", **values, k=f"{k:.2f}", k_low=f"{margin.k_for_range:.2f}",
                       k_ci_low=f"{margin.low:.2f}", k_ci_high=f"{margin.high:.2f}",
                       pairs=formatting.count(margin.pairs, lang),
                       resp_low=formatting.count(low["newly_below_with_responses"], lang),
                       resp_high=formatting.count(high["newly_below_with_responses"], lang)))


def _results(result: simulate.SimulationResult) -> None:
    totals = result.totals
    if not totals["households"]:
        st.info(shell.t("no_data_region", region=shell.region_name, year=year))
        return
    st.subheader(shell.t("sim_result_title", name=in_language(result.scenario.name, lang)))
    st.caption(shell.t("sim_desc_auto", text=scenario_description(result.scenario, lang)))
    if result.scenario.description:
        st.caption(markdown_text(in_language(result.scenario.description, lang)))  # a user's note, from a file: text only
    st.info(summary_sentence(result, lang, shell.region_name))
    top, bottom = st.columns(3), st.columns(3)
    top[0].metric(shell.t("sim_baseline_below"), formatting.count(totals["baseline_below_line"], lang), border=True)
    top[1].metric(shell.t("sim_scenario_below"), formatting.count(totals["scenario_below_line"], lang), border=True)
    top[2].metric(shell.t("sim_newly_below"), formatting.count(totals["newly_below_line"], lang), border=True,
                  delta=shell.t("sim_people_note", people=formatting.count(totals["newly_below_people"], lang)),
                  delta_color="off", delta_arrow="off")
    bottom[0].metric(shell.t("sim_newly_near"), formatting.count(totals["newly_near_line"], lang), border=True)
    bottom[1].metric(shell.t("sim_income_loss"), formatting.yuan_total(totals["income_loss"], lang), border=True,
                     delta=shell.t("sim_households_note", households=formatting.count(totals["livestock_households"], lang)),
                     delta_color="off", delta_arrow="off")
    bottom[2].metric(shell.t("sim_with_responses"), formatting.count(totals["newly_below_with_responses"], lang),
                     border=True)
    st.caption(shell.t("sim_baseline_note", year=year))
    _range(shell.fetch(ranges.scenario_range_toml, region, year, simulate.scenario_to_toml(result.scenario)),
           result.notes["pass_to_net"])

    counties = result.by_county
    left, right = st.columns([3, 2])
    with left:
        if below_county(region):  # its county's row would include other townships: the totals above are its own
            st.info(shell.t("access_sim_township", region=shell.region_name))
        try:
            geojson = county_boundaries(None if region_level(region) == "national" else province_of(region))
        except ValueError:  # a province code the outline package does not know (imported data)
            geojson = {"features": []}
        codes = set(counties["county_code"])
        shown = {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in codes]}
        if shown["features"]:
            shell.chart(figures.county_map(counties, shown, lang, shell.t("sim_map_title")), key="sim-map")
        elif not below_county(region):
            st.info(shell.t("sim_no_boundaries"))
    with right:
        shell.chart(figures.decile_figure(result.by_decile, lang, shell.t("sim_decile_chart")), key="sim-deciles")

    county_table = pd.DataFrame({
        shell.t("county_name"): [region_name(zh, en, lang) for zh, en in zip(counties["name"], counties["name_en"], strict=True)],
        shell.t("households"): counties["households"],
        shell.t("sim_newly_below"): counties["newly_below_line"],
        shell.t("sim_newly_near"): counties["newly_near_line"],
        shell.t("sim_with_responses"): counties["newly_below_with_responses"],
        shell.t("sim_income_loss"): counties["income_loss"],
    })
    kinds = {shell.t("sim_income_loss"): "yuan_total"} | {column: "count" for column in county_table.columns[1:5]}
    if not below_county(region):
        st.subheader(shell.t("sim_county_table"))
        shell.table(county_table, kinds, name="simulation-counties", key="sim-counties")

    st.subheader(shell.t("sim_response_table"))
    responses = result.responses
    response_table = pd.DataFrame({
        shell.t("sim_response"): [response_name(r, lang) for r in responses["response"]],
        shell.t("sim_cost"): responses["cost"],
        shell.t("sim_reached"): responses["reached"], shell.t("sim_kept"): responses["kept"],
        shell.t("sim_kept_people"): responses["kept_people"],
    })
    response_kinds = {shell.t("sim_cost"): "yuan_total"} | dict.fromkeys(response_table.columns[2:], "count")
    if result.scenario.has_responses:
        st.markdown(responses_plainly(result, lang))
        shell.table(response_table, response_kinds)
    else:
        st.caption(shell.t("sim_no_responses"))
    st.caption(shell.t("sim_method", k=param("simulation", "pass_to_net")))

    save, export = st.columns(2)
    save.download_button(shell.t("sim_save"), data=simulate.scenario_to_toml(result.scenario), key="sim-save", on_click="ignore",
                         file_name="scenario.toml", mime="application/toml", icon=":material/save:")
    deciles = pd.DataFrame({
        shell.t("sim_decile"): result.by_decile["decile"], shell.t("households"): result.by_decile["households"],
        shell.t("sim_income_loss"): result.by_decile["income_loss"],
        shell.t("sim_loss_per_household"): result.by_decile["loss_per_household"],
        shell.t("sim_loss_share"): result.by_decile["loss_share"],
    })
    decile_kinds = {shell.t("households"): "count", shell.t("sim_income_loss"): "yuan_total",
                    shell.t("sim_loss_per_household"): "yuan", shell.t("sim_loss_share"): "percent"}
    totals = pd.DataFrame([result.totals])
    total_kinds = {column: "yuan_total" if column in ("baseline_income", "income_loss") else "count"
                   for column in totals.columns}
    export.download_button(
        shell.t("sim_export"), key="sim-export", icon=":material/table_view:", on_click="ignore",
        file_name=f"incomewatch-simulation-{region}-{year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data=shell.logged_export(lambda: tables.to_excel_bytes(
            {"counties": county_table, "deciles": deciles, "responses": response_table, "totals": totals},
            note=summary_sentence(result, lang, shell.region_name),
            kinds=kinds | decile_kinds | response_kinds | total_kinds),
            f"incomewatch-simulation-{region}-{year}.xlsx", len(county_table)))


st.title(shell.t("sim_title", region=shell.region_name if region != NATIONAL else shell.t("national"), year=year))
st.caption(shell.t("sim_intro"))
with st.container(border=True):
    st.markdown("**" + shell.t("sim_builder") + "**")
    raw = _builder()
if st.session_state.get(LOAD_ERRORS):
    _show_problems(st.session_state[LOAD_ERRORS])
try:
    scenario = simulate.parse_scenario(raw)
except simulate.ScenarioError as exc:
    _show_problems(exc.problems)
    st.stop()
text = simulate.scenario_to_toml(scenario)

compared: list[str] = st.session_state.setdefault(COMPARE, [])
add, clear = st.columns(2)
adding = add.button(shell.t("sim_add"), key="sim-add", icon=":material/add:", disabled=len(compared) >= MAX_COMPARED)
if adding and text not in compared:
    compared.append(text)
if clear.button(shell.t("sim_clear"), key="sim-clear", icon=":material/delete:"):
    compared.clear()
if len(compared) >= MAX_COMPARED:
    st.caption(shell.t("sim_compare_full"))
if compared:
    st.subheader(shell.t("sim_comparison"))
    results = [shell.fetch(simulate.simulate_toml, region, year, saved) for saved in compared]
    shell.chart(figures.comparison_figure(comparison_numbers(results, lang), lang, shell.t("sim_compare_chart")),
                key="sim-compare")
    st.table(comparison_table(results, lang))  # text that wraps: a grid cut the third scenario's column at 1024
    numbers, number_kinds = comparison_frame(results, lang)
    shell.table_downloads(numbers, "simulation-comparison", key="sim-compare-table", kinds=number_kinds)

if st.query_params.get(LINK_PARAM) != (link := scenario_to_link(scenario)):
    st.query_params[LINK_PARAM] = link
st.caption(shell.t("sim_share_link"))

_results(shell.fetch(simulate.simulate_toml, region, year, text))

"""Disasters 灾情与返贫风险: events on a map and a timeline, what a flood costs here, what-if and the green channel."""
from __future__ import annotations

import streamlit as st

from analysis import formatting, selection
from analysis.figures import floods as figures
from analysis.floods import display, events, whatif
from analysis.floods.estimate import FloodModels, effect_by_income_mix, estimation_scopes, flood_models
from analysis.floods.labels import hazard_label, severity_label, status_message
from analysis.floods.params import flood_params
from analysis.i18n import region_name
from analysis.regioncodes import below_county
from analysis.selection import RegionTree
from pages._common import income_page_shell, lazy_tabs

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
tree = RegionTree(shell.fetch(selection.regions_with_data))


def interval(row: dict) -> str:
    return f"[{formatting.signed_percent(row['ci_low'])}, {formatting.signed_percent(row['ci_high'])}]"


def show_events() -> None:
    span = shell.fetch(events.event_span, region)
    if span is None:
        st.info(shell.t("flood_no_events", region=shell.region_name))
        return
    # Hazards as buttons on their own row: they wrap at 1024 instead of being cut in a narrow column
    hazards = st.pills(shell.t("flood_col_hazard"), span.hazards, selection_mode="multi", default=list(span.hazards),
                       format_func=lambda h: hazard_label(h, lang), key="flood_hazards")
    middle, right = st.columns(2)
    severities = middle.select_slider(shell.t("flood_col_severity"), options=[1, 2, 3, 4], value=(1, 4),
                                      format_func=lambda s: severity_label(s, lang), key="flood_severities")
    years = (span.first_year, span.last_year)
    if span.first_year < span.last_year:
        years = right.slider(shell.t("year"), span.first_year, span.last_year, years, key="flood_years")
    found = shell.fetch(events.disaster_events, region, tuple(hazards), tuple(severities), tuple(years))
    if found.empty:
        st.info(shell.t("flood_no_match"))
        return
    cells = st.columns(4)
    cells[0].metric(shell.t("flood_events"), formatting.count(len(found), lang), border=True)
    # Optional columns: a total only from the events that gave them, "—" when none did.
    affected, damage, loss = (found[c].sum(min_count=1) for c in ("affected_people", "crop_damage_ha", "direct_loss"))
    cells[1].metric(shell.t("flood_affected"), formatting.count(affected, lang), border=True)
    cells[2].metric(shell.t("flood_crop_damage"), formatting.count(damage.round(), lang), border=True)
    cells[3].metric(shell.t("flood_loss"), formatting.yuan_total(loss, lang), border=True)
    outlines = shell.fetch(events.region_outlines, region)
    shell.chart(figures.event_map_figure(events.events_by_county(found), outlines, lang,
                                         title=f"{shell.region_name} · {shell.t('flood_map_title')}"), key="flood-map")
    shell.chart(figures.event_timeline_figure(found, lang), key="flood-timeline")
    shell.table(display.events_table(found, lang), display.events_kinds(lang), name=shell.t("flood_events"),
                key="flood-events")


def measured_scope() -> tuple[str, FloodModels]:
    """The most local region with enough data, and its models (the last ones tried if none has enough)."""
    for scope in [s for s in estimation_scopes(region) if shell.scope.contains(s)]:
        models = shell.fetch(flood_models, scope)
        if models.main.ok:
            break
    if scope != region and models.main.ok:
        first = shell.fetch(flood_models, region).main
        reason = status_message(first.status, lang, region=shell.region_name, clusters=first.n_clusters,
                                flooded=first.n_flooded_counties)
        st.info(reason + " " + shell.t("flood_scope_fallback", scope=tree.name(scope, lang)))
    return scope, models


def inference_caption(estimate) -> str:
    row = estimate.term("flood")
    if estimate.inference.startswith("cluster_t"):
        return shell.t("flood_inference_cluster_t")
    return shell.t("flood_inference_randomization", n=flood_params().permutations, p=f"{row['p_value']:.3f}")


def show_terms(estimate, title: str, key: str, scope_name: str) -> None:
    """Severity or income-mix terms, each labelled with the flooded county-years behind it."""
    if not estimate.ok:
        st.info(status_message(estimate.status, lang, region=scope_name, clusters=estimate.n_clusters,
                               flooded=estimate.n_flooded_counties))
    elif not estimate.effects.empty:
        shell.chart(figures.effects_figure(estimate.effects, lang, title=title), key=key, in_column=True)
    st.caption(shell.t("flood_terms_hidden", n=flood_params().min_term_flooded))


def show_impact(scope: str, models: FloodModels) -> None:
    scope_name, main = tree.name(scope, lang), models.main
    if not main.ok:
        st.warning(status_message(main.status, lang, region=scope_name, clusters=main.n_clusters,
                                  flooded=main.n_flooded_counties))
        return
    row = main.term("flood")
    cells = st.columns(4)
    cells[0].metric(shell.t("flood_effect_metric"), formatting.signed_percent(row["effect"]), border=True,
                    delta=shell.t("flood_ci", ci=interval(row)), delta_color="off", delta_arrow="off")
    for cell, k in zip(cells[1:3], (1, 2), strict=True):
        lasting = main.term(f"event_{k}")
        cell.metric(shell.t("flood_lasting_metric", k=k),
                    formatting.signed_percent(lasting["effect"]) if lasting else "—", border=True,
                    delta=shell.t("flood_ci", ci=interval(lasting)) if lasting else shell.t("flood_lasting_hidden"),
                    delta_color="off", delta_arrow="off")
    cells[3].metric(shell.t("flood_col_n_flooded"), formatting.count(main.n_flooded, lang), border=True,
                    delta=shell.t("flood_flooded_counties", n=main.n_flooded_counties),
                    delta_color="off", delta_arrow="off")
    st.caption(shell.t("flood_households_behind", n=formatting.count(main.n_households, lang)) + " · "
               + shell.t("flood_clusters") + f" {main.n_clusters} · " + shell.t("flood_prefectures")
               + f" {main.n_prefectures}")
    st.caption(shell.t("flood_method_caption", region=scope_name, level=round(flood_params().confidence * 100))
               + " " + inference_caption(main))
    shell.chart(figures.event_study_figure(main.effects.sort_values("k"), lang), key="flood-event-study")
    placebo = main.term("placebo_-1")
    if placebo is not None:
        st.caption(shell.t("flood_pretrend", effect=formatting.signed_percent(placebo["effect"]),
                           p=f"{placebo['p_value']:.2f}"))
    by_mix = shell.fetch(effect_by_income_mix, scope)
    left, right = st.columns(2)
    with left:
        show_terms(models.severity, shell.t("flood_by_severity"), "flood-severity", scope_name)
    with right:
        show_terms(by_mix, shell.t("flood_by_mix"), "flood-mix", scope_name)
        st.caption(shell.t("flood_mix_caption", farm=formatting.percent(flood_params().farm_heavy_share, decimals=0),
                           wage=formatting.percent(flood_params().wage_heavy_share, decimals=0)))
    shell.table_downloads(display.effects_table([main, models.severity, by_mix], lang),
                          shell.t("flood_estimates"), key="flood-estimates")


def severity_effect(models: FloodModels, severity: int) -> dict:
    """The measured effect of that severity, or the average flood's when that severity was never measured."""
    row = models.severity.term(f"severity_{severity}")
    if row is None:
        st.info(shell.t("flood_severity_fallback", severity=severity_label(severity, lang)))
        row = models.main.term("flood")
    return row


def show_what_if(scope: str, models: FloodModels) -> None:
    if not models.main.ok:
        st.warning(shell.t("flood_whatif_needs_estimate"))
        return
    counties = shell.fetch(whatif.region_counties, region, year)
    names = dict(zip(counties.county_code, [region_name(zh, en, lang) for zh, en in
                                            zip(counties.name, counties.name_en, strict=True)], strict=True))
    prone = counties.loc[counties.floods > 0, "county_code"].head(3).tolist()
    left, right = st.columns([3, 1])
    chosen = left.multiselect(shell.t("flood_pick_counties"), list(names), default=prone,
                              format_func=names.get, key="flood_counties")
    severity = right.select_slider(shell.t("flood_col_severity"), options=[1, 2, 3, 4], value=2,
                                   format_func=lambda s: severity_label(s, lang), key="flood_whatif_severity")
    if not chosen:
        st.info(shell.t("flood_pick_hint"))
        return
    row = severity_effect(models, severity)
    by_mix = shell.fetch(effect_by_income_mix, scope)
    mixes = by_mix.effects.effect.tolist() if by_mix.ok else []
    effects = tuple(round(float(e), 6) for e in whatif.household_range(row["effect"], mixes,
                                                                      (row["ci_low"], row["ci_high"])))
    result = shell.fetch(whatif.what_if, year, tuple(sorted(chosen)), effects)
    st.caption(shell.t("flood_whatif_caption", effect=formatting.signed_percent(row["effect"]), ci=interval(row),
                       year=year, region=tree.name(scope, lang), worse=formatting.signed_percent(effects[0]),
                       milder=formatting.signed_percent(effects[2])))
    if len(mixes) < 2:
        st.info(shell.t("flood_whatif_no_mix"))
    cells = st.columns(4)
    cells[0].metric(shell.t("households"), formatting.count(result.total("households"), lang), border=True)
    cells[1].metric(shell.t("flood_newly_below"), formatting.count(result.total("newly_below_central"), lang),
                    border=True, delta=shell.t("flood_range", range=formatting.value_range(
                        formatting.count(result.total("newly_below_milder"), lang),
                        formatting.count(result.total("newly_below_worse"), lang))),
                    delta_color="off", delta_arrow="off")
    cells[2].metric(shell.t("flood_near_after"), formatting.count(result.total("near_after_central"), lang),
                    border=True)
    listed = whatif.green_channel(result)
    cells[3].metric(shell.t("flood_green_count"), formatting.count(len(listed), lang), border=True)
    shell.chart(figures.what_if_figure(result.by_county, lang), key="flood-whatif")
    shell.table(display.village_table(result, lang), display.village_kinds(lang))

    st.subheader(shell.t("flood_green_title"))
    if not shell.allows("households"):
        st.info(shell.t("access_households_needed"))
        return
    st.caption(shell.t("flood_green_caption"))
    shell.table(whatif.green_channel_table(listed, lang), whatif.green_channel_kinds(lang),
                name=shell.t("flood_green_sheet"), key="flood-green")


st.title(shell.t("flood_title", region=shell.region_name))
if below_county(region):  # events, the flood panel and the what-if counties are all per county
    st.info(shell.t("access_county_only", what=shell.t("access_what_disasters"), region=shell.region_name),
            icon=":material/info:")
    st.stop()
lazy_tabs(["flood_tab_events", "flood_tab_impact", "flood_tab_whatif"],
          [show_events, lambda: show_impact(*measured_scope()), lambda: show_what_if(*measured_scope())],
          key="tabs-floods", label=shell.t)

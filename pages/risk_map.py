"""Risk map 风险地图: a classed choropleth of one metric (national: provinces or counties; else the province's
counties), with a sortable table. A click on a county opens its drill-down; on a province, its county map."""
from __future__ import annotations

import streamlit as st

from analysis import formatting, riskmap
from analysis.drilldown import DRILL_PARAMS
from analysis.figures import maps as figures
from analysis.i18n import region_name
from analysis.regioncodes import NATIONAL, below_county
from analysis.selection import RegionTree, regions_with_data, shown_value
from pages import _figures as cached_figures
from pages._common import income_page_shell, show_region, working

shell = income_page_shell()
lang, year = shell.lang, shell.year
settings, problems = riskmap.map_settings(st.query_params.to_dict())
for name, value in problems:
    st.warning(shell.t("map_bad_param", name=name, value=shown_value(value)), icon=":material/link_off:")
for name in DRILL_PARAMS:  # the map is above any drill-down path
    st.query_params.pop(name, None)

national = shell.region == NATIONAL
map_region = NATIONAL if national else shell.region[:2] + "0000"
tree = RegionTree(shell.fetch(regions_with_data))
villages = below_county(shell.region)  # no township outlines exist: its villages as a ranked table
st.title(shell.t("map_title", region=shell.region_name if villages else tree.name(map_region, lang), year=year))


def controls() -> riskmap.MapSettings:
    """Metric, level (national), classification; the chosen settings go into the link."""
    cols = st.columns([3, 2, 2, 2] if national else [3, 2, 2])
    metric = cols[0].selectbox(shell.t("map_metric"), tuple(riskmap.METRICS), key="map_metric",
                               index=tuple(riskmap.METRICS).index(settings.metric),
                               format_func=lambda m: shell.t(figures.METRIC_LABELS[m]))
    method = cols[1].selectbox(shell.t("map_method"), riskmap.METHODS, key="map_method",
                               index=riskmap.METHODS.index(settings.method),
                               format_func=lambda m: shell.t(figures.METHOD_LABELS[m]))
    level = settings.level
    if method == "manual":
        scale_unit = shell.t(figures.UNIT_LABELS[riskmap.METRICS[metric].kind])
        text = cols[2].text_input(shell.t("map_thresholds", unit=scale_unit), key="map_thresholds",
                                  value=",".join(f"{x:g}" for x in settings.thresholds))
        thresholds = riskmap.parse_thresholds(text)
        if thresholds is None:
            st.warning(shell.t("map_thresholds_bad"))
            method, thresholds = "quantile", ()
        classes = settings.classes
    else:
        classes = cols[2].slider(shell.t("map_classes"), *riskmap.CLASS_RANGE, value=settings.classes,
                                 key="map_classes")
        thresholds = ()
    if national:
        level = cols[3].segmented_control(shell.t("map_level"), riskmap.MAP_LEVELS, key="map_level",
                                          default=settings.level, required=True,
                                          format_func=lambda v: shell.t(figures.LEVEL_LABELS[v])) or settings.level
    chosen = riskmap.MapSettings(metric, method, classes, thresholds, level)
    for key, value in chosen.query_params().items():
        st.query_params[key] = value
    if method != "manual":
        st.query_params.pop("thresholds", None)
    return chosen


def unit_table(frame, metric: str, level: str) -> None:
    """The ranked units with the metric's value and the households behind it; downloads under it.
    Screen, Excel and CSV on formatting kinds: shares as fractions (12.3%), per mille as read (12.3‰)."""
    table = frame.sort_values(["rank", "code"])
    table = table.assign(unit=[region_name(a, b, lang) for a, b in zip(table["name"], table["name_en"], strict=True)])
    unit = shell.t(figures.UNIT_LABELS[riskmap.METRICS[metric].kind])
    counted = ["count"] if metric in riskmap.COUNTS else []  # the households behind a share, beside it
    table = table[["rank", "unit", "code", "value", *counted, "households"]].rename(columns={
        "rank": shell.t("map_rank"), "unit": shell.t(figures.LEVEL_LABELS[level]), "code": shell.t("map_code"),
        "value": f"{shell.t(figures.METRIC_LABELS[metric])} ({unit})", "count": shell.t("map_counted"),
        "households": shell.t("households")})
    kinds = {shell.t("map_rank"): "rank", table.columns[3]: riskmap.value_kind(metric)} \
        | dict.fromkeys(table.columns[4:], "count")
    # The code column is left to the downloads: at laptop width the unit and its value must stay in view.
    st.dataframe(formatting.for_display(table.drop(columns=shell.t("map_code")), kinds), hide_index=True, height=520,
                 column_config={column: st.column_config.NumberColumn(format=formatting.printf(kind, lang))
                                for column, kind in kinds.items()}
                 | {shell.t("map_rank"): st.column_config.NumberColumn(format=formatting.printf("rank"), width="small"),
                    table.columns[1]: st.column_config.TextColumn(pinned=True)})
    shell.table_downloads(table, "riskmap", key="map-table", kinds=kinds)


settings = controls()
level = settings.level if national else "county"
metric = settings.metric
if villages:
    st.info(shell.t("access_map_villages", region=shell.region_name), icon=":material/table_rows:")
    unit_table(riskmap.ranked(shell.fetch(riskmap.unit_metrics, shell.region, year, "village"), metric), metric,
               "village")
    st.caption(shell.t(figures.DEFINITIONS[metric]))
    st.stop()
with working(shell.t("map_basis_spinner")):  # one cached query serves every province and the country
    counties = shell.fetch(riskmap.class_basis, year)
frame = riskmap.ranked(riskmap.units_from_counties(counties, shell.fetch(regions_with_data), map_region, level), metric)
breaks = settings.breaks(counties)
title = shell.t("map_chart_title", metric=shell.t(figures.METRIC_LABELS[metric]), year=year)
fig = cached_figures.risk_map(map_region, level, frame, metric, breaks, lang, title)

left, right = st.columns([3, 2])
with left:
    event = shell.chart(fig, key=f"map-{map_region}-{level}", clickable=True)
    st.caption(shell.t("map_click_hint_province" if level == "province" else "map_click_hint_county"))
with right:
    unit_table(frame, metric, level)
st.caption(shell.t(figures.DEFINITIONS[metric]))
st.caption(shell.t("map_breaks_note", method=shell.t(figures.METHOD_LABELS[settings.method])))


def clicked(selection) -> str | None:
    points = selection.get("selection", {}).get("points", []) if selection else []
    return str(points[0]["location"]) if points and points[0].get("location") else None


code = clicked(event)
if code is not None:
    if code not in tree:
        st.info(shell.t("map_no_data_for", code=shown_value(code)))
    elif level == "province":
        show_region(code)
        st.rerun()
    else:
        show_region(code)
        st.switch_page("pages/drilldown.py", query_params=settings.query_params())

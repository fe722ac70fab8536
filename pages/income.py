"""Income trends 收入趋势: is per-capita income rising, from which sources, and where is it stalling."""
from __future__ import annotations

import streamlit as st

from analysis import formatting, trends
from analysis.figures import trends as figures
from analysis.i18n import region_name
from analysis.regioncodes import below_county
from pages._common import income_page_shell

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year

st.title(shell.t("trend_title", region=shell.region_name, year=year))
view = shell.fetch(trends.income_view, region, year)
series = view.series
if series.empty or series["year"].iloc[-1] != year:
    st.info(shell.t("no_data_region", region=shell.region_name, year=year))
    st.stop()
fit, lines, decomposition, counties = view.fit, view.lines, view.decomposition, view.counties
low_slow = counties[counties["low_and_slow"]].sort_values("income_per_capita")
income = float(series["income_per_capita"].iloc[-1])
line = lines.set_index("year")["monitoring_line"].get(year)
MIN_INTERVAL_YEARS = trends.parameters()["trend"]["min_interval_years"]
# Below a county the areas compared are villages (a county's figures would include other townships).
UNIT = dict(zip(("title", "summary", "table", "none", "scatter", "name"), (
    ("access_villages_title", "access_villages_summary", "access_villages_table", "access_no_villages",
     "access_villages_scatter", "access_village_name") if below_county(region) else
    ("trend_counties_title", "trend_summary_counties", "trend_low_slow_table", "trend_no_counties",
     "trend_scatter_chart", "county_name")), strict=True))


def note(text: str) -> dict:
    """A grey, arrowless note under a metric (an interval or context, not a change)."""
    return {"delta": text, "delta_color": "off", "delta_arrow": "off"}


def growth_interval(key: str) -> str:
    """The growth interval in words, or why there is none (too few years)."""
    if not fit.has_intervals:
        return shell.t("trend_no_interval", min_years=MIN_INTERVAL_YEARS)
    return shell.t(key, level=formatting.percent(fit.confidence, decimals=0),
                   low=formatting.signed_percent(fit.growth_low), high=formatting.signed_percent(fit.growth_high))


# The one-minute answer first: the level, the growth and its uncertainty, what drove it, where it stalls.
latest = decomposition.iloc[-1] if not decomposition.empty else None
if fit is not None and latest is not None:
    driver = max(trends.SOURCES, key=lambda source: latest[source])
    st.markdown(shell.t(
        "trend_summary", year=year, income=formatting.yuan(income, lang),
        change=formatting.signed_percent(latest["total_pp"] / 100), first=fit.years[0],
        growth=formatting.signed_percent(fit.growth), interval=growth_interval("trend_interval"),
        driver=shell.t(driver).lower(), driver_pp=f"{latest[driver]:+.1f}"))
if len(counties) >= 2:
    names = [region_name(n, e, lang) for n, e in zip(low_slow["name"], low_slow["name_en"], strict=True)][:3]
    st.markdown(shell.t(UNIT["summary"], counties=len(counties), low_slow=len(low_slow),
                        examples=("、" if lang == "zh" else ", ").join(names) or formatting.MISSING))

cols = st.columns(4)
cols[0].metric(shell.t("income_per_capita"), formatting.yuan(income, lang), border=True,
               delta=None if latest is None else formatting.signed_percent(latest["total_pp"] / 100),
               delta_description=shell.t("vs_previous"))
cols[1].metric(shell.t("trend_line_multiple"), "—" if line is None else f"{income / line:.2f}×", border=True,
               **note(shell.t("trend_line_note", line=formatting.yuan(line, lang))))
if fit is None:
    cols[2].metric(shell.t("trend_growth"), formatting.MISSING, border=True)
    cols[3].metric(shell.t("trend_projection_metric", year=year + 1), formatting.MISSING, border=True)
    st.info(shell.t("trend_too_few"))
else:
    cols[2].metric(shell.t("trend_growth"), formatting.signed_percent(fit.growth), border=True,
                   help=shell.t("trend_method", min_years=MIN_INTERVAL_YEARS),
                   **note(growth_interval("trend_interval_short")))
    width = (shell.t("trend_no_interval", min_years=MIN_INTERVAL_YEARS) if fit.projection_width is None
             else shell.t("trend_width", width=formatting.yuan(fit.projection_width, lang)))
    cols[3].metric(shell.t("trend_projection_metric", year=fit.next_year), formatting.yuan(fit.projection, lang),
                   border=True, help=shell.t("trend_projection_help"), **note(width))
    if fit.latest_downweighted:
        st.warning(shell.t("trend_latest_downweighted", year=fit.years[-1], weight=fit.weights[-1]))

left, right = st.columns(2)
with left:
    if fit is not None:
        shell.chart(figures.trend_figure(fit, lines, lang, title=shell.t("trend_chart", region=shell.region_name)),
                    key="trend")
        caption = shell.t("trend_method", min_years=MIN_INTERVAL_YEARS)
        if fit.has_intervals:
            caption += " " + shell.t("trend_projection_caption", year=fit.next_year, n=fit.n,
                                     low=formatting.yuan(fit.projection_low, lang),
                                     high=formatting.yuan(fit.projection_high, lang))
        st.caption(caption)
with right:
    shell.chart(figures.child_income_figure(view.children, lines, lang, title=shell.t("trend_children_chart")),
                key="trend-children")

st.subheader(shell.t("trend_sources_title"))
left, right = st.columns(2)
with left:
    shell.chart(figures.decomposition_figure(decomposition, lang, title=shell.t("trend_decomposition_chart")),
                key="trend-decomposition")
with right:
    if latest is not None:
        shell.chart(figures.waterfall_figure(latest, lang, title=shell.t("trend_waterfall_chart", year=year)),
                    key="trend-waterfall")
st.caption(shell.t("trend_decomposition_caption"))
if len(view.child_decomposition) > 1:
    shell.chart(figures.child_decomposition_figure(view.child_decomposition, lang, title=shell.t("trend_child_sources_chart",
                                                                                  year=year)),
                key="trend-child-sources")

st.subheader(shell.t(UNIT["title"]))
if counties["growth"].notna().sum() >= 2:
    shell.chart(figures.county_scatter_figure(counties, lang, title=shell.t(UNIT["scatter"], year=year)),
                key="trend-counties")
    st.caption(shell.t("trend_scatter_caption", span=int(counties["span"].max())))
    kinds = {"households": "count", "income_per_capita": "yuan", "level": "multiple", "growth": "percent",
             "growth_before": "percent"}
    table = low_slow.assign(
        county=[region_name(n, e, lang) for n, e in zip(low_slow["name"], low_slow["name_en"], strict=True)]
    )[["county", *kinds, "flood_years"]]
    st.markdown(shell.t(UNIT["table"], n=len(table)))
    st.dataframe(formatting.for_display(table, kinds), hide_index=True, column_config={
        "county": st.column_config.TextColumn(shell.t(UNIT["name"]), pinned=True),
        "households": st.column_config.NumberColumn(shell.t("households"), format=formatting.printf("count")),
        "income_per_capita": st.column_config.NumberColumn(shell.t("income_per_capita"),
                                                           format=formatting.printf("yuan", lang)),
        "level": st.column_config.NumberColumn(shell.t("trend_line_multiple"), format=formatting.printf("multiple")),
        "growth": st.column_config.NumberColumn(shell.t("trend_growth_axis"),
                                                format=formatting.printf("percent", signed=True)),
        "growth_before": st.column_config.NumberColumn(shell.t("trend_growth_before_axis"),
                                                       format=formatting.printf("percent", signed=True)),
        "flood_years": st.column_config.TextColumn(shell.t("trend_flood_years")),
    })
    shell.table_downloads(table, "low-and-slow", key="trend-low-slow", kinds=kinds)
else:
    st.info(shell.t(UNIT["none"]))

st.subheader(shell.t("trend_bands_title"))
bands = shell.fetch(trends.income_bands, region, year)
shell.chart(figures.bands_figure(bands, lang, title=shell.t("trend_bands_chart", year=year)), key="trend-bands")
below = int(bands.loc[bands["below_line"], "households"].sum())
st.caption(shell.t("trend_bands_caption", below=formatting.count(below, lang),
                   share=formatting.percent(below / max(int(bands["households"].sum()), 1))))

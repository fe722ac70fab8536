"""Drill-down 逐级查看: 省 › 市 › 县 › 乡 › 村 › 户, every step its own link.

The shell owns the region down to the township (a village scope: its village); this page owns township=,
village= and household= below it. A row chosen in a table goes one level down; the breadcrumb goes back up.
Every level change writes the whole link at once (one browser history entry), so the browser's Back steps
back one level.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import drilldown, formatting, riskmap, riskmodel
from analysis.figures import maps as figures
from analysis.i18n import household_type, region_name, risk_cause
from analysis.regioncodes import NATIONAL, below_county, region_level
from analysis.selection import RegionTree, regions_with_data, shown_value
from pages import _figures as cached_figures
from pages._common import income_page_shell, link_followed, show_region, working

SEEN = "drill_region_seen"  # the shell region of this page's last run: a change means the user chose another

shell = income_page_shell()
lang, year = shell.lang, shell.year
tree = RegionTree(shell.fetch(regions_with_data))
settings, problems = riskmap.map_settings(st.query_params.to_dict())
for name, value in problems:
    st.warning(shell.t("map_bad_param", name=name, value=shown_value(value)), icon=":material/link_off:")


def set_path(township: str = "", village: str = "", household: str = "", **shell_params: str) -> None:
    """The link with this path below the region, written in one step (one history entry), if it changed."""
    current = st.query_params.to_dict()
    wanted = {key: value for key, value in current.items() if key not in drilldown.DRILL_PARAMS} | shell_params
    wanted |= {name: value for name, value in zip(drilldown.DRILL_PARAMS, (township, village, household),
                                                  strict=True) if value}
    if wanted != current:
        st.query_params.from_dict(wanted)


def go_region(code: str) -> None:
    """Breadcrumb or table: another province/city/county (or China), no path below it; the shell follows the link."""
    show_region(code)
    st.session_state[SEEN] = code
    set_path(region=code)


def checked_path() -> drilldown.DrillPath:
    """The path in the link, with each problem explained and the offending level (and those below) dropped."""
    seen = st.session_state.get(SEEN)
    st.session_state[SEEN] = shell.region
    path = drilldown.drill_path(st.query_params.to_dict())
    for name, value in path.problems:
        st.error(shell.t("map_drill_bad_code", name=name, value=shown_value(value)), icon=":material/link_off:")
    codes = tuple(c for c in (path.township, path.village, path.household) if c)
    if codes and seen is not None and seen != shell.region and not link_followed():
        set_path()  # the user chose another region in the sidebar: the old path no longer applies
        return drilldown.DrillPath()
    above = {c for c in codes if shell.region.startswith(c)}  # a village account's own township: no query needed
    below = tuple(c for c in codes if c not in above)
    found = dict(zip(below, shell.fetch(drilldown.units_exist, below), strict=True)) if below else {}
    kept: list[str] = []
    for code in codes:
        name = drilldown.DRILL_PARAMS[len(kept)]
        if code in above:
            kept.append(code)
            continue
        exists = found[code]
        if not exists:
            st.error(shell.t("map_drill_not_found", name=name, value=code), icon=":material/search_off:")
            break
        if not drilldown.inside(code, shell.region):
            st.error(shell.t("map_drill_outside", name=name, value=code, region=shell.region_name),
                     icon=":material/link_off:")
            break
        kept.append(code)
    kept += [""] * (3 - len(kept))
    set_path(*kept)
    return drilldown.DrillPath(*kept)


path = checked_path()
within = below_county(shell.region) and path.deepest.startswith(shell.region)  # a township's own villages
if path.deepest and shell.region != path.county and path.county in tree and not within:
    show_region(path.county)  # a link naming only a village or household: the sidebar follows it
    st.session_state[SEEN] = path.county
    st.rerun()

current = path.deepest or shell.region
level = "household" if path.household else region_level(current)
REGION_STEPS = [c for c in tree.lineage(shell.region) if c] if not below_county(shell.region) else \
    [shell.region[:2] + "0000", shell.region[:4] + "00", shell.region[:6], *dict.fromkeys((shell.region[:9], shell.region))]
names = shell.fetch(drilldown.unit_names, tuple(c for c in (*REGION_STEPS, path.township, path.village)
                                                if len(c) > 6 and shell.scope.contains(c)))
names = {row.code: region_name(row.name, row.name_en, lang) for row in names.itertuples()}


def label(code: str) -> str:
    return names.get(code) or (tree.name(code, lang) if code in tree else code)


# Static CSS (no data text): the breadcrumb reads as navigation, in the theme's blue, larger than body text.
_CRUMB_CSS = """<style>
.st-key-drill-breadcrumb { background: #eef4fa; border-left: 4px solid #2a6fb0; border-radius: 0.3rem;
  padding: 0.3rem 0.8rem; align-items: center; }
.st-key-drill-breadcrumb button p { font-size: 1.15rem; font-weight: 600; color: #2a6fb0; text-decoration: underline; }
.st-key-drill-breadcrumb button:disabled p { color: #1f2937; text-decoration: none; }
.st-key-drill-breadcrumb [data-testid="stMarkdown"] p { font-size: 1.15rem; color: #6b7280; margin: 0; }
</style>"""

# Words (household type, risk cause) in metric cards: at the metric's number size "边缘易致贫户" broke mid-word at 1366.
_PROFILE_CSS = """<style>
.st-key-household-profile [data-testid="stMetricValue"] { font-size: 1.6rem; }
</style>"""


def breadcrumb() -> None:
    """全国 › 省 › 市 › 县 › 乡 › 村 › 户: every level above the current one is a link-like button back to it."""
    steps = [(NATIONAL, tree.name(NATIONAL, lang), "region")]
    steps += [(code, label(code), "region") for code in REGION_STEPS]
    steps += [(code, label(code), "path") for code in (path.township, path.village) if code and code not in REGION_STEPS]
    if path.household:
        steps.append((path.household, shell.t("map_drill_household_short", id=path.household[-4:]), "path"))
    st.html(_CRUMB_CSS)
    bar = st.container(horizontal=True, gap="small", key="drill-breadcrumb")
    for position, (code, text, kind) in enumerate(steps):
        last = position == len(steps) - 1
        if kind == "region":
            bar.button(text, key=f"crumb-{code}", disabled=last or not shell.scope.contains(code), type="tertiary",
                       on_click=go_region, args=(code,))
        else:
            below = (code[:9], code[:12], code[:16])[: {9: 1, 12: 2, 16: 3}[len(code)]]
            bar.button(text, key=f"crumb-{code}", disabled=last, type="tertiary", on_click=set_path, args=below)
        if not last:
            bar.markdown("›")


def metric_choice() -> str:
    metric = st.selectbox(shell.t("map_metric"), tuple(riskmap.METRICS), key="drill_metric",
                          index=tuple(riskmap.METRICS).index(settings.metric),
                          format_func=lambda m: shell.t(figures.METRIC_LABELS[m]))
    if metric != st.query_params.get("metric", riskmap.MapSettings().metric):  # no history entry for the default
        st.query_params["metric"] = metric
    return metric


def units_section(region: str, child: str, metric: str, key: str) -> None:
    """Bar chart and selectable table of the child units; choosing a row goes down to it."""
    with working(shell.t("map_basis_spinner")):
        counties = shell.fetch(riskmap.class_basis, year)
    chosen = riskmap.MapSettings(metric, settings.method, settings.classes, settings.thresholds)
    if region_level(region) == "county":  # one scan serves the township and the village sections
        frame = shell.fetch(riskmap.county_units, region, year)[child]
    elif child in ("township", "village"):
        frame = shell.fetch(riskmap.unit_metrics, region, year, child)
    else:
        frame = riskmap.units_from_counties(counties, shell.fetch(regions_with_data), region, child)
    frame = riskmap.ranked(frame, metric)
    if frame.empty:
        st.info(shell.t("no_data_region", region=label(region), year=year))
        return
    # Classes cut among the units shown (not the country's counties, which put every village in one class).
    local = frame.dropna(subset=["value"])
    basis = local.assign(**{metric: local["value"]}) if len(local) > settings.classes else counties
    breaks = chosen.breaks(basis)
    title = shell.t("map_drill_units_title", level=shell.t(figures.LEVEL_LABELS[child]), metric=shell.t(figures.METRIC_LABELS[metric]))
    shell.chart(cached_figures.units_bars(frame, metric, breaks, lang, title), key=f"{key}-bars")
    table = frame.sort_values(["rank", "code"]).assign(
        unit=lambda f: [region_name(a, b, lang) for a, b in zip(f["name"], f["name_en"], strict=True)],
        shown=lambda f: f["value"], observed=lambda f: f["raw_value"])
    unit = shell.t(figures.UNIT_LABELS[riskmap.METRICS[metric].kind])
    shrunk = f"{metric}_shrunk" in frame
    columns = ["rank", "unit", "code", "shown", *(["observed"] if shrunk else []),
               *(["count"] if metric in riskmap.COUNTS else []), "households", "income_per_capita"]
    shown = table[columns].rename(columns={
        "rank": shell.t("map_rank"), "unit": shell.t(figures.LEVEL_LABELS[child]), "code": shell.t("map_code"),
        "shown": f"{shell.t(figures.METRIC_LABELS[metric])} ({unit})" + (shell.t("map_shrunk_suffix") if shrunk else ""),
        "observed": shell.t("map_observed", unit=unit), "count": shell.t("map_counted"),
        "households": shell.t("households"), "income_per_capita": shell.t("income_per_capita")})
    st.caption(shell.t("map_drill_pick_row") + (" " + shell.t("map_shrunk_caption") if shrunk else ""))
    value_kind = riskmap.value_kind(metric)  # shares as fractions (12.3%), per mille as read (12.3‰)
    kinds = {shell.t("map_rank"): "rank", shown.columns[3]: value_kind,
             **({shell.t("map_observed", unit=unit): value_kind} if shrunk else {}),
             shell.t("households"): "count", shell.t("income_per_capita"): "yuan",
             **({shell.t("map_counted"): "count"} if metric in riskmap.COUNTS else {})}
    event = st.dataframe(formatting.for_display(shown, kinds), hide_index=True, key=f"{key}-table-{region}",
                         on_select="rerun", selection_mode="single-row", column_config={
                             column: st.column_config.NumberColumn(format=formatting.printf(kind, lang))
                             for column, kind in kinds.items()})
    shell.table_downloads(shown, f"{child}-{metric}", key=f"{key}-downloads", kinds=kinds)
    rows = event.selection.rows if event else []
    if rows:
        code = str(table["code"].iloc[rows[0]])
        if child in ("township", "village"):
            set_path(code[:9], code if child == "village" else "")
        else:
            go_region(code)
        st.rerun()


def region_view(metric: str) -> None:
    """A region (China … township): its child units, income trend against the line, composition, types."""
    child = riskmap.CHILD_LEVEL[region_level(current)]
    units_section(current, child, metric, key="units")
    if region_level(current) == "county":
        units_section(current, "village", metric, key="villages")
    trend = shell.fetch(drilldown.income_trend, current, year)
    left, right = st.columns(2)
    with left:
        shell.chart(cached_figures.income_trend(trend, lang, shell.t("map_drill_trend_title")), key="trend")
        shell.chart(cached_figures.household_types(shell.fetch(drilldown.households_by_type, current, year), lang,
                                                   shell.t("map_drill_types_title", year=year)), key="types")
    with right:
        shell.chart(cached_figures.income_sources(trend, lang, shell.t("sources_title")), key="composition")


def village_view() -> None:
    """The village's households (masked names only), sortable; choosing a row opens the household card."""
    if not shell.allows("households"):
        st.info(shell.t("access_households_needed"))
        return
    frame = shell.fetch(drilldown.village_households, current, year)
    if frame.empty:
        st.info(shell.t("no_data_region", region=label(current), year=year))
        return
    flags = {"below": "map_drill_flag_below", "edge": "map_drill_flag_edge", "monitored": "map_drill_flag_monitored",
             "risk_eliminated": "map_drill_flag_eliminated", "relocated": "map_drill_flag_relocated",
             "flood": "map_drill_flag_flood"}
    table = pd.DataFrame({
        shell.t("map_drill_household_id"): frame["household_id"],
        shell.t("map_drill_head"): frame["head_name_masked"],
        shell.t("household_type"): [household_type(v, lang) for v in frame["household_type"]],
        shell.t("map_drill_members"): frame["members"],
        shell.t("income_per_capita"): frame["income_per_capita"],
        shell.t("map_drill_distance"): (frame["distance_to_line"] * 100).round(1),
        shell.t("map_drill_flags"): [" · ".join(shell.t(key) for column, key in flags.items() if row[column])
                                 for _, row in frame.iterrows()],
    })
    st.subheader(shell.t("map_drill_households_title", village=label(current), year=year))
    st.caption(shell.t("map_drill_households_caption"))
    kinds = {shell.t("map_drill_members"): "count", shell.t("income_per_capita"): "yuan"}
    event = st.dataframe(formatting.for_display(table, kinds), hide_index=True, key=f"households-{current}",
                         on_select="rerun", selection_mode="single-row", column_config={
                             **{column: st.column_config.NumberColumn(format=formatting.printf(kind, lang))
                                for column, kind in kinds.items()},
                             shell.t("map_drill_distance"): st.column_config.NumberColumn(format="%+.1f%%")})
    shell.table_downloads(table, "households", key="household-downloads", kinds=kinds)
    rows = event.selection.rows if event else []
    if rows:
        set_path(path.township, path.village, str(frame["household_id"].iloc[rows[0]]))
        st.rerun()


def risk_score(profile: dict) -> str:
    """The risk model's score for this household, or a dash where the data are too thin to fit it."""
    try:
        model = shell.fetch(riskmodel.fit_risk_model, year)
    except riskmodel.NotEnoughData:
        return formatting.MISSING
    scores = shell.fetch(riskmodel.risk_scores, profile["village_code"], year, model)
    mine = scores.loc[scores["household_id"] == path.household, "risk_score"]
    return formatting.percent(float(mine.iloc[0])) if len(mine) else formatting.MISSING


def household_view() -> None:
    """The household card: profile, income by source against the line, expenses, animals sold, floods."""
    card = shell.fetch(drilldown.household_card, path.household)
    profile = card.profile
    st.html(_PROFILE_CSS)
    cols = st.container(key="household-profile").columns(4)
    cols[0].metric(shell.t("map_drill_head"), profile["head_name_masked"] or formatting.MISSING, border=True)
    cols[1].metric(shell.t("household_type"), household_type(profile["household_type"], lang), border=True)
    cols[2].metric(shell.t("map_drill_members"), f"{profile['members']} / {profile['labor_count'] or 0}", border=True,
                   help=shell.t("map_drill_members_help"))
    cols[3].metric(shell.t("map_drill_risk_cause"), risk_cause(profile["risk_cause"], lang), border=True)

    def day(value: object) -> str:
        return formatting.MISSING if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")

    score, facts = st.columns([1, 3], vertical_alignment="center")  # the score beside the facts, not a row alone
    score.metric(shell.t("map_drill_risk_score"), risk_score(profile), border=True,
                 help=shell.t("map_drill_risk_score_help", year=year))
    facts.markdown(shell.t("map_drill_card_facts", id=profile["id_number_masked"] or formatting.MISSING,
                           since=day(profile["monitored_since"]), eliminated=day(profile["risk_eliminated_on"]),
                           relocated=shell.t("map_drill_yes" if profile["relocated"] else "map_drill_no")))
    years = card.years
    shell.chart(figures.household_income_figure(years, lang, title=shell.t("map_drill_household_income")),
                key="household-income")
    detail = pd.DataFrame({
        shell.t("year"): years["year"].astype(str),
        shell.t("income_per_capita"): years["income_per_capita"],
        shell.t("monitoring_line"): years["monitoring_line"],
        shell.t("map_drill_medical"): years["medical_expense"],
        shell.t("map_drill_education"): years["education_expense"],
        shell.t("map_drill_cattle"): years["cattle_sold"],
        shell.t("map_drill_sheep"): years["sheep_sold"],
        shell.t("map_drill_hogs"): years["hogs_sold"],
        shell.t("map_drill_flood_severity"): [shell.t(figures.SEVERITY_LABELS[int(s)]) for s in years["flood_severity"]],
    })
    kinds = {column: "yuan" for column in detail.columns[1:5]} | {column: "count" for column in detail.columns[5:8]}
    # Two tables of five columns: nine side by side hide the animals and floods at laptop widths
    for columns in (detail.columns[:5], [detail.columns[0], *detail.columns[5:]]):
        shell.table(detail[columns], {column: kinds[column] for column in columns if column in kinds})
    shell.table_downloads(detail, "household", key="card-downloads", kinds=kinds)


st.title(shell.t("map_drill_title", place=label(current) if level != "household" else
                 shell.t("map_drill_household_short", id=path.household), year=year))
breadcrumb()
if level == "household":
    household_view()
elif level == "village":
    village_view()
else:
    region_view(metric_choice())

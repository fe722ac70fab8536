"""Income Watch 增收监测: page config, the shared sidebar (language, region, year) and navigation.

The view lives in the URL (?lang=en&region=620102&year=2023) so it can be bookmarked and shared.
A link is read once per session; values it names that do not exist fall back with a warning.
The sidebar widgets are controlled: the chosen view is kept in session state under VIEW and pushed
into the widgets on every run, so a page switch (or a changed widget identity) never loses it.
"""
from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from analysis import dataset
from analysis.access import settings as access_settings
from analysis.access.scope import OutOfScope, Scope
from analysis.config import resolve_db_path
from analysis.figures import IMAGE_FORMATS
from analysis.i18n import LANG_NAMES, LANGS, t
from analysis.regioncodes import NATIONAL, is_region_code
from analysis.selection import (
    RegionTree,
    first_village,
    named_regions,
    regions_with_data,
    townships_with_data,
    view_from_link,
)
from pages._access import identity_sidebar, page_permission, resolve_scope, scoped_regions
from pages._common import (
    Shell,
    current_shell,
    database,
    favicon,
    page_status,
    presentation_style,
    presenting,
    run_query,
    set_link_followed,
    set_presenting,
    set_shell,
    show_region,
    warm_up,
)
from pages._errors import guarded

st.set_page_config(page_title="增收监测 · Income Watch", page_icon=favicon(), layout="wide")

SHELL_PARAMS = ("lang", "region", "year")
VIEW = "view"  # the chosen lang, province, city, county, township, year and image_format
LINK_WRITTEN = "link_written"  # the shell's parameters as this session last put them in the URL
LEVELS_BELOW = {"province": ("city", "county", "township"), "city": ("county", "township"), "county": ("township",)}
# file, title key, icon, URL path, section key: one line per page, in menu order.
# URL paths differ from the file names on purpose: until st.navigation has run once in a process
# (a server's first request; every AppTest run) Streamlit treats a pages/ folder as a v1 multipage
# app and would run pages/<url path>.py directly, without this shell.
PAGES = (
    ("pages/overview.py", "page_overview", ":material/dashboard:", "home", "section_watch"),
    ("pages/risk_map.py", "map_page_risk_map", ":material/map:", "map", "section_watch"),
    ("pages/drilldown.py", "map_page_drilldown", ":material/account_tree:", "explore", "section_watch"),
    ("pages/income.py", "trend_page", ":material/trending_up:", "trends", "section_watch"),
    ("pages/employment.py", "emp_page", ":material/work:", "jobs", "section_watch"),
    ("pages/screening.py", "screen_page", ":material/person_search:", "screen", "section_warning"),
    ("pages/warnings.py", "dept_page", ":material/assignment_late:", "department-warnings", "section_warning"),
    ("pages/risk_model.py", "risk_page", ":material/crisis_alert:", "risk", "section_warning"),
    ("pages/prices.py", "price_page", ":material/trending_down:", "livestock-prices", "section_warning"),
    ("pages/simulator.py", "sim_page", ":material/science:", "price-what-if", "section_warning"),
    ("pages/disasters.py", "flood_page", ":material/flood:", "floods", "section_warning"),
    ("pages/credibility.py", "cred_page", ":material/fact_check:", "income-check", "section_warning"),
    ("pages/briefing.py", "brief_page", ":material/slideshow:", "meeting", "section_data"),
    ("pages/import_data.py", "page_import", ":material/upload_file:", "import", "section_data"),
    ("pages/data.py", "page_data", ":material/database:", "dataset", "section_data"),
    ("pages/audit_log.py", "audit_page", ":material/policy:", "audit", "section_data"),
)
EMPTY_REGIONS = pd.DataFrame(columns=["code", "name", "name_en", "level", "parent_code"])


@st.cache_resource(show_spinner=False, max_entries=4)
def _regions(db_path: str, version: str) -> tuple[pd.DataFrame, RegionTree]:
    """The regions with data down to townships (the cascade's and the demo's "view as" picker's) and their tree,
    once per data version: on the 30-million world 67,000 rows, rebuilt on every page run before."""
    regions = pd.concat([run_query(db_path, version, query) for query in (regions_with_data, townships_with_data,
                                                                         first_village)], ignore_index=True)
    return regions, RegionTree(regions)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs={Scope: lambda scope: scope.region_code})
def _scoped_tree(db_path: str, version: str, scope: Scope) -> RegionTree:
    """The tree of what the scope's area may offer (only its area decides), once per data version and area."""
    return RegionTree(scoped_regions(_regions(db_path, version)[0], scope))


@st.cache_resource(show_spinner=False)
def _start_warm_up(provinces: tuple[str, ...]) -> threading.Thread:
    """Once per process, at its first visit, in the background: the first visitor's page is not held up."""
    thread = threading.Thread(target=warm_up, args=(provinces,), name="incomewatch-warm-up", daemon=True)
    thread.start()
    return thread


def _remember(key: str) -> None:
    """on_change: keep the new choice, clear the region levels below it and any link warnings."""
    view = st.session_state[VIEW]
    view[key] = st.session_state[key]
    for lower in LEVELS_BELOW.get(key, ()):
        view[lower] = ""
    st.session_state.pop("link_problems", None)


def _view_from_url(tree: RegionTree, years: list[int], ready: bool, scope: Scope) -> dict:
    """The view the URL asks for; problems with it are kept to be shown until the user chooses.

    A region outside the user's scope raises OutOfScope; no region (or an unusable one) means the scope's own.
    """
    params = st.query_params.to_dict()
    if not ready:  # without data only the language can be checked
        params = {key: value for key, value in params.items() if key == "lang"}
    if is_region_code(params.get("region", "")):
        scope.narrow(params["region"])
    view, problems = view_from_link(params, tree, years)
    st.session_state["link_problems"] = problems
    region = view.region if "region" in params and view.region in tree else scope.region_code
    province, city, county = tree.lineage(region[:6])
    return {"lang": view.lang, "province": province or NATIONAL, "city": city, "county": county,
            "township": region[:9] if len(region) >= 9 and region[:9] in tree else "",
            "year": view.year, "image_format": "png"}


def _widget(key: str) -> dict:
    """Arguments that make a sidebar widget controlled by VIEW."""
    st.session_state[key] = st.session_state[VIEW][key]
    return {"key": key, "on_change": _remember, "args": (key,)}


def _region_select(tree: RegionTree, lang: str, scope_region: str) -> str:
    """Province → city → county → township selectboxes, fixed at and above the user's scope; the most specific
    code chosen (a village scope: the village)."""
    def label(code: str) -> str:
        return t("all_of", lang) if code == "" else tree.name(code, lang)

    def options(level: int, parent: str, blank: str) -> dict:
        return {"options": [fixed[level]], "disabled": True} if fixed[level] else \
            {"options": [blank, *tree.children(parent)]}

    fixed = (*tree.lineage(scope_region[:6]), scope_region[:9] if len(scope_region) > 6 else "")
    chosen = {"province": NATIONAL, "city": "", "county": "", "township": ""}
    chosen["province"] = st.selectbox(t("province", lang), format_func=label, **options(0, NATIONAL, NATIONAL),
                                      **_widget("province"))
    if chosen["province"] != NATIONAL:
        chosen["city"] = st.selectbox(t("city", lang), format_func=label, **options(1, chosen["province"], ""),
                                      **_widget("city"))
    if chosen["city"]:
        chosen["county"] = st.selectbox(t("county", lang), format_func=label, **options(2, chosen["city"], ""),
                                        **_widget("county"))
    if chosen["county"] and (fixed[3] or tree.children(chosen["county"])):
        st.session_state[VIEW].setdefault("township", "")
        chosen["township"] = st.selectbox(t("access_township", lang), format_func=label,
                                          **options(3, chosen["county"], ""), **_widget("township"))
    st.session_state[VIEW].update(chosen)  # a code the data no longer has falls back inside the widget
    region = chosen["township"] or chosen["county"] or chosen["city"] or chosen["province"]
    return scope_region if len(scope_region) > 9 else region  # a village scope: its own village


def _sidebar(tree: RegionTree, years: list[int], scope: Scope) -> tuple[str, str, int | None, str]:
    view = st.session_state[VIEW]
    if years and view["year"] not in years:  # e.g. the first import into an empty database
        view["year"] = max(years)
    with st.sidebar:
        lang = st.segmented_control(t("language", view["lang"]), LANGS, required=True, format_func=LANG_NAMES.get,
                                    **_widget("lang")) or view["lang"]
        region = _region_select(tree, lang, scope.region_code)
        year = st.selectbox(t("year", lang), sorted(years, reverse=True), **_widget("year")) if years else None
        image_format = st.segmented_control(t("chart_format", lang), IMAGE_FORMATS, format_func=str.upper,
                                            required=True, help=t("chart_format_help", lang),
                                            **_widget("image_format")) or "png"
        st.session_state["present_toggle"] = presenting()  # off whenever the sidebar is visible
        st.toggle(t("brief_present", lang), key="present_toggle", help=t("brief_present_help", lang),
                  on_change=set_presenting, args=(True,))
    view.update(lang=lang, year=year, image_format=image_format)
    return lang, region, year, image_format


def _write_link(lang: str, region: str, year: int | None) -> None:
    """Put the shell's view in the URL; parameters a page owns (e.g. village=) are kept."""
    current = st.query_params.to_dict()
    wanted = {key: value for key, value in current.items() if key not in SHELL_PARAMS}
    wanted |= {"lang": lang, "region": region} | ({"year": str(year)} if year is not None else {})
    if current != wanted:
        st.query_params.from_dict(wanted)  # a new browser history entry: Back returns to the view before
    st.session_state[LINK_WRITTEN] = {key: wanted[key] for key in SHELL_PARAMS if key in wanted}


def _link_moved() -> bool:
    """Whether the URL names another view than this session last wrote: the browser went Back or Forward
    (or a page wrote a link); that view is then followed. Parameters the URL lacks (st.switch_page) move nothing."""
    written = st.session_state.get(LINK_WRITTEN)
    params = st.query_params.to_dict()
    return written is not None and any(params[key] != written.get(key) for key in SHELL_PARAMS if key in params)


def _banner(shell: Shell) -> None:
    status = run_query(shell.db_path, shell.version, dataset.demo_status) if shell.ready else None
    if status and status.mixed:  # a demo database that real files were imported into: say which part is which
        has_demo = run_query(shell.db_path, shell.version, dataset.region_has_demo_households, shell.region)
        st.info(t("demo_banner_mixed", shell.lang, files=status.imports, counties=status.demo_counties,
                  here=t("demo_here_demo" if has_demo else "demo_here_real", shell.lang, region=shell.region_name)),
                icon=":material/science:")
    elif status and status.demo:
        st.info(t("demo_banner", shell.lang), icon=":material/science:")
    for problem in st.session_state.get("link_problems", []):
        st.warning(problem.message(shell.lang), icon=":material/link_off:")


def main() -> None:
    db_path = str(resolve_db_path())
    version = database(db_path).version
    ready = version != "missing"
    if ready and run_query(db_path, version, dataset.needs_refresh):
        for lang in LANGS:
            st.error(t("db_needs_refresh", lang, path=db_path))
        st.stop()
    regions, tree = _regions(db_path, version) if ready else (EMPTY_REGIONS, RegionTree(EMPTY_REGIONS))
    _start_warm_up(tuple(regions.loc[regions["level"] == "province", "code"]))
    years = run_query(db_path, version, dataset.income_years) if ready else []
    audit_path = str(access_settings.audit_log_path(db_path))
    lang = st.session_state[VIEW]["lang"] if VIEW in st.session_state else st.query_params.get("lang", "zh")
    lang = lang if lang in LANGS else "zh"
    # No database yet counts as real: its first import must not be open to whoever reaches the address.
    scope = resolve_scope(real_data=not ready or not run_query(db_path, version, dataset.is_synthetic), tree=tree,
                          codes=regions["code"].tolist(), db_path=db_path, audit_path=audit_path, lang=lang)
    guard = Shell(lang=lang, region=scope.region_code, region_name=scope.region_code, year=None, db_path=db_path,
                  version=version, scope=scope, audit_path=audit_path)
    if ready and scope.region_code != NATIONAL and scope.region_code[:6] not in tree:
        st.info(t("access_no_data_in_area", lang, region=scope.region_code))
        st.stop()
    if ready and len(scope.region_code) > 9:  # a village scope: its village is named too
        regions = pd.concat([regions, run_query(db_path, version, named_regions, (scope.region_code,))],
                            ignore_index=True).drop_duplicates("code")
        tree = RegionTree(scoped_regions(regions, scope))
    elif ready:
        tree = _scoped_tree(db_path, version, scope)
    followed = VIEW in st.session_state and _link_moved()
    set_link_followed(followed)
    if VIEW not in st.session_state or followed:
        image_format = st.session_state[VIEW]["image_format"] if followed else "png"
        try:
            st.session_state[VIEW] = _view_from_url(tree, years, ready, scope) | {"image_format": image_format}
        except OutOfScope as refused:
            guard.deny(refused)
    view = st.session_state[VIEW]
    if not scope.contains(view.get("township") or view["county"] or view["city"] or view["province"]):
        show_region(scope.region_code[:9])  # e.g. another "view as"

    lang, region, year, image_format = _sidebar(tree, years, scope)
    identity_sidebar(scope, tree, lang)
    _write_link(lang, region, year)
    set_shell(Shell(lang=lang, region=region, region_name=tree.name(region, lang) if region in tree else region,
                    year=year, db_path=db_path, version=version, image_format=image_format, scope=scope,
                    audit_path=audit_path, min_cell=access_settings.min_cell()))
    _banner(current_shell())
    presentation_style(lang)

    pages: dict[str, list] = {}
    for file, title, icon, url_path, section in PAGES:
        if not scope.allows(page_permission(file)):
            continue
        pages.setdefault(t(section, lang), []).append(
            st.Page(file, title=t(title, lang), icon=icon, url_path=url_path, default=url_path == "home"))
    page = st.navigation(pages, position="hidden" if presenting() else "sidebar", expanded=True)
    if presenting() and page.url_path != "meeting":  # presentation mode shows the briefing's slides
        st.switch_page("pages/briefing.py", query_params=st.query_params.to_dict())
    current_shell().audit_once("view_page", target=page.url_path)
    with page_status(t("status_page_loading", lang)):  # first visits compute for seconds
        page.run()


with guarded():  # a visitor sees a message with an error id, never a traceback
    main()

"""Page-edge helpers shared by app.py and the pages: the database holder, the one cache layer, the shell.

This module exists because the pages cannot import app.py (Streamlit runs it as __main__), yet
they must share its single DuckDB holder and the view it resolved (language, region, year).
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image
from streamlit.runtime.scriptrunner import add_script_run_ctx

from analysis import dataset, export, formatting, precompute, tables
from analysis.access import guard
from analysis.access.audit import AuditLog
from analysis.access.scope import AccessDenied, Scope
from analysis.figures import plotly_config
from analysis.figures.base import COLUMN_WIDTH, FULL_WIDTH, fit_title
from analysis.i18n import t
from analysis.regioncodes import NATIONAL, region_level
from analysis.regions import county_boundaries, real_regions
from analysis.riskmap import main_outlines
from analysis.store.connection import Database

_SHELL_KEY = "_incomewatch_shell"
STATUS_ICON = "hourglass_top"  # the status line's icon: tests look for a line left on screen by it
STATUS_KEY = "incomewatch-status"  # its container: drawn over the page's corner (_LAYOUT_CSS), not in its flow
_RUN = threading.local()  # the page run on this thread (Streamlit runs each session's script on its own thread)
_EXPORT_LABELS = {"png": "export_png", "svg": "export_svg", "pdf": "export_pdf"}
_PERMISSION_LABELS = {"aggregates": "access_perm_aggregates", "models": "access_perm_models",
                      "households": "access_perm_households", "export": "access_perm_export",
                      "import": "access_perm_import", "audit": "access_perm_audit"}


def favicon() -> Image.Image:
    """The tab icon drawn here (rising bars on blue): a :material/...: page icon is fetched from fonts.gstatic.com."""
    icon = np.zeros((32, 32, 3), dtype=np.uint8)
    icon[:] = (42, 111, 176)
    for left, top in ((6, 20), (14, 13), (22, 6)):
        icon[top:27, left:left + 5] = 255
    return Image.fromarray(icon)


# What the pages import on their first view in a new process (figures, statistics for the fits done on view).
WARM_UP_MODULES = ("plotly.graph_objects", "analysis.figures.overview", "analysis.figures.maps",
                   "analysis.figures.trends", "analysis.figures.employment", "analysis.figures.screening",
                   "analysis.figures.departments", "analysis.figures.prices", "analysis.figures.simulate",
                   "analysis.figures.floods", "analysis.figures.credibility", "analysis.briefing", "scipy.stats",
                   "statsmodels.api")


def warm_up(provinces: tuple[str, ...] = ()) -> None:
    """Imports and county outlines (China's units, then each of `provinces`) for the pages' first views."""
    try:
        for module in WARM_UP_MODULES:
            importlib.import_module(module)
        real_regions()
        for level in ("province", "county"):
            main_outlines(level)  # the national maps' outlines, cut to the mainland (reads China's units)
        for province in provinces:
            county_boundaries(province)
    except Exception:  # a page loads what it needs itself; warming up never fails a visit
        logging.getLogger(__name__).exception("warm-up failed")


class StatusLine:
    """A line saying what the page is doing, shown once a run has taken longer than `delay` seconds.

    It is drawn over the main area's lower right corner, out of the page's flow: a line above the title moved
    everything below it down when it came and up when it went, under the reader's eyes and pointer (the likely
    cause of a missed click on a download button in a browser test under load). A plain element in a
    placeholder, not st.spinner: spinners are Streamlit "transient" elements, and in the browser walk under load
    the page-wide one stayed on screen, its clock counting, after the run had finished (script_finished
    received, no script running on the server; Streamlit 1.67).
    """

    def __init__(self, text: str, delay: float = 0.5) -> None:
        self._slot = st.container(key=STATUS_KEY).empty()
        self._text = text
        self._lock = threading.Lock()  # the timer thread and the script thread both write the slot
        self._shown = self._closed = False
        self._timer = threading.Timer(delay, self._show)
        add_script_run_ctx(self._timer)
        self._timer.start()

    def _write(self) -> None:
        self._slot.caption(f":material/{STATUS_ICON}: {self._text}")

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._write()
                self._shown = True

    def say(self, text: str) -> str:
        """Show `text` instead (at once if the line is already on screen); returns the text it replaced."""
        with self._lock:
            before, self._text = self._text, text
            if self._shown and not self._closed:
                self._write()
        return before

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._shown:
                self._slot.empty()
            self._closed = True


@contextlib.contextmanager
def page_status(text: str) -> Iterator[StatusLine]:
    """The status line of a page run: `working` blocks inside the run say what they do on it."""
    line = StatusLine(text)
    _RUN.status = line
    try:
        yield line
    finally:
        _RUN.status = None
        line.close()


@contextlib.contextmanager
def working(text: str) -> Iterator[None]:
    """Say `text` on the page's status line while the block runs (nothing outside a page run, e.g. AppTest)."""
    line: StatusLine | None = getattr(_RUN, "status", None)
    if line is None:
        yield
        return
    before = line.say(text)
    try:
        yield
    finally:
        line.say(before)


@st.cache_resource(show_spinner=False)
def database(path: str) -> Database:
    """The one read-only DuckDB holder per process and database file."""
    return Database(path)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(module: str, name: str, db_path: str, version: str, args: tuple) -> Any:
    """Runs analysis function `module.name`; keyed by its name, arguments and data version (never by frames)."""
    query = getattr(importlib.import_module(module), name)
    with database(db_path).cursor() as cur:
        return query(cur, *args)


def clear_results() -> None:
    """Forget every cached result (after an import: the old data version's results are never asked for again)."""
    st.cache_data.clear()
    _cached_scoped.clear()


def run_query(db_path: str, version: str, query: Callable[..., Any], *args: Any) -> Any:
    """`query(cursor, *args)` for an analysis function, cached per data version.

    Only plain, hashable arguments (codes, years, names, tuples): frames would be hashed from a sample.
    """
    return _cached(query.__module__, query.__qualname__, db_path, version, args)


@st.cache_resource(show_spinner=False, max_entries=2048)
def _cached_scoped(module: str, name: str, db_path: str, version: str, args: tuple, scope_key: tuple,
                   min_cell: int) -> Any:
    """`module.name(cur, *args)` as the scope may see it; keyed by data version AND scope (never by user name).

    One object per process, handed to every visitor as it is: results are read-only (pages and figure builders
    never change them in place; tests/test_pages.py checks that a second visitor sees what the first saw).
    st.cache_data would pickle each result and unpickle a copy for every visit (seconds for a national briefing).
    """
    role, region, permissions = scope_key
    query = getattr(importlib.import_module(module), name)
    with database(db_path).cursor() as cur:  # a result stored for this data version still passes the guard
        return guard.run_scoped(cur, precompute.stored_first(query, db_path, version), args,
                                Scope(role, region, frozenset(permissions)), min_cell)


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached_derived(module: str, name: str, source_key: tuple, more: tuple, _source: Any) -> Any:
    """`module.name(_source, *more)`; `source_key` names `_source` (its query, arguments, version and scope)."""
    return getattr(importlib.import_module(module), name)(_source, *more)


@dataclass(frozen=True)
class Shell:
    """What app.py resolved for this run and every page reads; `scope` binds every query to the user's area."""
    lang: str
    region: str
    region_name: str
    year: int | None
    db_path: str
    version: str
    image_format: str = "png"
    scope: Scope | None = None  # None: nothing is served (default deny)
    audit_path: str = ""
    min_cell: int = 5

    @property
    def ready(self) -> bool:
        return self.version != "missing"

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def fetch(self, query: Callable[..., Any], *args: Any) -> Any:
        """`query(cursor, *args)` on this run's data version, as the user's scope may see it, cached.

        Region and household arguments outside the scope, and household queries without the household
        permission, stop the page with a bilingual refusal and a `denied` audit entry; rows outside the
        scope never come back; small cells are blanked for aggregate-only roles (analysis.access.guard).
        """
        if self.scope is None:
            self.deny(AccessDenied(guard.query_name(query), "no scope"))
        stored = precompute.is_stored(self.db_path, self.version, query, args)
        try:
            with contextlib.nullcontext() if stored else working(self.t("precompute_computing")):
                result = _cached_scoped(*self._result_key(query, args))
        except AccessDenied as refused:
            self.deny(refused)
        if isinstance(result, pd.DataFrame) and guard.SUPPRESSED_COLUMN in result.columns \
                and st.session_state.get("_suppression_noted") != id(self):
            st.session_state["_suppression_noted"] = id(self)
            st.caption(t("access_suppressed_note", self.lang, n=self.min_cell))
        if guard.is_household_query(query):
            self.audit_once("view_household", target=str(args[0]) if args else "",
                            filters={"query": guard.query_name(query), "args": [str(a) for a in args[1:3]]})
        return result

    def derive(self, build: Callable[..., Any], query: Callable[..., Any], args: tuple, *more: Any) -> Any:
        """`build(self.fetch(query, *args), *more)`, cached like the fetch: for a page's slow pure reshaping of a
        result (a Python loop over every warned household), computed once per data version, scope and `more`."""
        source = self.fetch(query, *args)
        return _cached_derived(build.__module__, build.__qualname__, self._result_key(query, args), more,
                               _source=source)

    def _result_key(self, query: Callable[..., Any], args: tuple) -> tuple:
        """What names a fetched result: the query, its arguments, the data version and the scope (never the user)."""
        return query.__module__, query.__qualname__, self.db_path, self.version, args, self.scope.key(), self.min_cell

    def uploader_words(self, types: tuple[str, ...]) -> None:
        """Streamlit's uploader has no parameters for its own words (streamlit/streamlit#13500, open), and shows
        them in English: a page with an uploader hides them and writes its language's words with CSS ::after
        content (`types`: the file types it takes, e.g. ("CSV", "XLSX")). Static text, never data."""
        size = st.get_option("server.maxUploadSize")
        kinds = ("、" if self.lang == "zh" else ", ").join(types)
        either = (" 或 " if self.lang == "zh" else " or ").join(types)
        zone = '[data-testid="stFileUploaderDropzone"]'
        words = (  # (selector, words, font size)
            (f'{zone} > span > button [data-testid="stMarkdownContainer"] p', self.t("import_upload_button"),
             "0.875rem"),
            ('[data-testid="stFileUploaderDropzoneInstructions"] span', self.t("import_upload_limit", mb=size, types=kinds),
             "0.75rem"),
            (f"{zone} > div:not([data-testid]) > span", self.t("import_upload_drop"), "1rem"),  # a file dragged over
            ('[data-testid="stTooltipErrorContent"]', self.t("import_upload_refused", mb=size, types=either),
             "0.875rem"),
        )
        st.html("<style>" + "".join(
            f'{selector} {{ font-size: 0 !important; }} {selector}::after {{ content: "{text}"; font-size: {font}; }}'
            for selector, text, font in words) + "</style>")

    def allows(self, permission: str) -> bool:
        """Whether the user's role grants `permission` (analysis.access.policy.PERMISSIONS)."""
        return self.scope is not None and self.scope.allows(permission)

    def audit(self, action: str, target: str = "", filters: dict | None = None, rows: int | None = None) -> None:
        """Append one entry for this user to the audit log (no-op without a log path)."""
        if not self.audit_path:
            return
        scope = self.scope
        AuditLog(self.audit_path).append(
            user=scope.user if scope else "anonymous", role=scope.role if scope else "", action=action,
            scope=scope.region_code if scope else "", target=target, rows=rows,
            filters={"region": self.region, "year": self.year, **(filters or {})})

    def audit_once(self, action: str, target: str = "", filters: dict | None = None) -> None:
        """`audit`, once per session for the same action, target and filters (reruns redraw the same view)."""
        seen = st.session_state.setdefault("_audited", set())
        key = (action, target, repr(sorted((filters or {}).items())), self.region, self.year)
        if key not in seen:
            seen.add(key)
            self.audit(action, target, filters)

    def deny(self, refused: AccessDenied) -> None:
        """Refuse in both languages, record a `denied` entry and stop the page: no data is shown."""
        self.audit("denied", target=refused.target, filters={"reason": refused.reason, "detail": refused.detail})
        scope = self.scope
        for lang in ("zh", "en"):
            st.error(t(refused.reason, lang, target=refused.target, region=scope.region_code if scope else "-",
                       role=scope.role if scope else "-",
                       permission=t(_PERMISSION_LABELS[refused.detail], lang)
                       if refused.detail in _PERMISSION_LABELS else refused.detail),
                     icon=":material/block:")
        st.stop()

    def logged_export(self, build: Callable[[], bytes], target: str, rows: int | None) -> Callable[[], bytes]:
        """A download's data callable that writes an `export` entry when the user actually downloads."""
        def download() -> bytes:
            self.audit("export", target=target, rows=rows)
            return build()
        return download

    def file_stem(self, name: str) -> str:
        """Download file names say what, where and when: incomewatch-sources-620000-2024."""
        return f"incomewatch-{name}-{self.region}" + (f"-{self.year}" if self.year else "")

    def chart(self, figure: Any, key: str, *, downloads: bool = True, clickable: bool = False,
              height: int | str = "content", in_column: bool = False) -> Any:
        """Show a house-template figure (theme=None keeps the CJK font) with PNG/SVG/PDF downloads under it.

        The toolbar's camera button stays (browser-side, format from the sidebar); the downloads are
        rendered on the server at print quality, only when clicked. `clickable` returns the clicked points.
        The title is wrapped for the narrowest the chart is drawn: the main area, or a column (`in_column`).
        """
        selection = {"on_select": "rerun", "selection_mode": "points"} if clickable else {}
        shown = fit_title(figure, COLUMN_WIDTH if in_column else FULL_WIDTH)
        event = st.plotly_chart(shown, theme=None, key=key, height=height, **selection,
                                config=plotly_config(self.image_format, filename=self.file_stem(key),
                                                     lang=self.lang))
        if downloads:
            self.figure_downloads(figure, key)
        return event

    def figure_downloads(self, figure: Any, key: str) -> None:
        """A small popover of server-rendered files, or how to enable them when this server cannot."""
        if not self.allows("export"):
            return
        stem = self.file_stem(key)
        with st.popover(t("export_figure", self.lang), icon=":material/download:", key=f"{key}-export"):
            if not export.available():
                st.info(t("export_unavailable", self.lang, command=export.INSTALL_HINT), icon=":material/info:")
                return
            for fmt in export.FORMATS:
                st.download_button(t(_EXPORT_LABELS[fmt], self.lang), key=f"{key}-export-{fmt}",
                                   file_name=f"{stem}.{fmt}", mime=export.MIME[fmt],
                                   data=self.logged_export(partial(export.figure_bytes, figure, fmt),
                                                           f"{stem}.{fmt}", None), on_click="ignore",
                                   icon=":material/image:")
            st.caption(t("export_hint", self.lang))


    def table(self, frame: pd.DataFrame, kinds: dict[str, str], *, name: str | None = None, key: str | None = None,
              column_config: dict | None = None, **options: Any) -> Any:
        """A table whose numbers are on formatting kinds: rounded once as the cards round, shown with the kind's
        format (万/亿 aside, as 12,345 元 or 12.3%); with Excel and CSV downloads of the same kinds when `name` is given.
        tests/test_table_kinds.py fails on a numeric column shown without a kind.
        """
        numbers = {column: st.column_config.NumberColumn(format=formatting.printf(kind, self.lang))
                   for column, kind in kinds.items()}
        shown = st.dataframe(formatting.for_display(frame, kinds), hide_index=True, key=key and f"{key}-table",
                             column_config=numbers | (column_config or {}), **options)
        if name:
            self.table_downloads(frame, name, key=key or name, kinds=kinds)
        return shown

    def table_downloads(self, frame: Any, name: str, key: str, kinds: dict[str, str] | None = None) -> None:
        """Excel and CSV buttons for a table (masked, no executable cells); files are built on click and audited.

        `kinds` (column -> analysis.formatting kind) rounds the CSV and formats the Excel numbers as shown.
        """
        if not self.allows("export"):
            return
        note = t("demo_banner", self.lang) if run_query(self.db_path, self.version, dataset.is_synthetic) else None
        stem = self.file_stem(name)
        left, right = st.columns(2)
        # on_click="ignore": a download needs no rerun, and under load a rerun raced the deferred file's request
        left.download_button(t("download_excel", self.lang), key=f"{key}-xlsx", file_name=f"{stem}.xlsx", on_click="ignore",
                             data=self.logged_export(lambda: tables.to_excel_bytes({name: frame}, note=note,
                                                                                   kinds=kinds),
                                                     f"{stem}.xlsx", len(frame)),
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             icon=":material/table_view:")
        right.download_button(t("download_csv", self.lang), key=f"{key}-csv", file_name=f"{stem}.csv", on_click="ignore",
                              data=self.logged_export(lambda: tables.to_csv_bytes(frame, kinds), f"{stem}.csv",
                                                      len(frame)),
                              mime="text/csv", icon=":material/download:")


PRESENT_PARAM = "present"  # ?present=1: presentation mode, for projectors
# Static CSS only (no data text): hide the sidebar and Streamlit's header, enlarge text and numbers.
_PRESENT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
html { font-size: clamp(15px, min(2.6vh, 1.8vw), 26px); }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 0.8rem 2rem 0.5rem 2rem; }
[data-testid="stMainBlockContainer"] [data-testid="stAlert"] > div { padding: 0.3rem 0.8rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem; white-space: normal; }
[data-testid="stMetricLabel"] div { overflow: visible; }
h1 { font-size: 2rem; }
</style>"""


# Reports the browser window's height, so a slide's chart can be drawn to fill it (CSS cannot resize a
# plotly figure: it keeps its layout height). Inline script, no network; one listener per page.
_VIEWPORT_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  const report = () => { if (!data || data.known !== window.innerHeight) setStateValue("height", window.innerHeight); };
  report();
  if (!window.__incomewatchViewport) {
    window.__incomewatchViewport = true;
    let timer;
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(report, 300); });
  }
}
"""
_viewport = st.components.v2.component("incomewatch_viewport", js=_VIEWPORT_JS)


def viewport_height() -> int | None:
    """The browser window's height in CSS pixels, or None until the browser has said (first run)."""
    known = st.session_state.get("incomewatch-viewport-height")
    height = _viewport(key="incomewatch-viewport", data={"known": known}, on_height_change=lambda: None).get("height")
    height = int(height) if isinstance(height, int | float) and height > 0 else None
    st.session_state["incomewatch-viewport-height"] = height
    return height


# Static CSS for every page, so laptops (1366) and old projectors (1024) cut no number: metric labels and
# values wrap instead of ending in "…", and a row of columns too narrow for its content wraps onto two
# lines (four metrics become two by two; a chart narrower than 340 px goes below its neighbour). Presentation mode keeps rows.
_STATUS_CSS = f"""
.st-key-{STATUS_KEY} {{ position: fixed; right: 1.5rem; bottom: 1rem; z-index: 999990; width: auto !important;
  max-width: min(36rem, 80vw); background: #ffffff; border: 1px solid #c9d6e3; border-radius: 0.5rem;
  padding: 0.3rem 0.8rem; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); }}
.st-key-{STATUS_KEY}:not(:has([data-testid="stCaptionContainer"])) {{ display: none; }}"""
_LAYOUT_CSS = """<style>""" + _STATUS_CSS + """
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] .stMarkdownEllipsis p {
  overflow: visible !important; text-overflow: clip !important; white-space: normal !important; }
[data-testid="stMetricValue"] { overflow-wrap: anywhere; }
[data-testid="stMetricDelta"] div { white-space: normal !important; overflow: visible !important; }
[data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { min-width: min(200px, 100%); }
[data-testid="stHorizontalBlock"] > [data-testid="stColumn"]:has(.js-plotly-plot) { min-width: min(340px, 100%); }
.st-key-present-controls [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { min-width: 0; }
</style>"""


def presenting() -> bool:
    """Whether the link asks for presentation mode."""
    return st.query_params.get(PRESENT_PARAM) == "1"


def set_presenting(on: bool) -> None:
    """Enter or leave presentation mode: the mode lives in the link, so it can be bookmarked."""
    if on:
        st.query_params[PRESENT_PARAM] = "1"
    else:
        st.query_params.pop(PRESENT_PARAM, None)


def presentation_style(lang: str) -> None:
    """In presentation mode, the projector CSS; a present= value other than 0 or 1 is reported."""
    value = st.query_params.get(PRESENT_PARAM)
    if value not in (None, "0", "1"):
        st.warning(t("brief_bad_present", lang, value=value), icon=":material/link_off:")
    st.html(_LAYOUT_CSS)
    if presenting():
        st.html(_PRESENT_CSS)


_LINK_FOLLOWED = "_incomewatch_link_followed"


def set_link_followed(followed: bool) -> None:
    st.session_state[_LINK_FOLLOWED] = followed


def link_followed() -> bool:
    """Whether this run's view came from a changed URL (browser Back/Forward, or a link a page wrote),
    not from the sidebar: a page keeps the URL's own parameters then."""
    return st.session_state.get(_LINK_FOLLOWED, False)


def set_shell(shell: Shell) -> None:
    st.session_state[_SHELL_KEY] = shell


def current_shell() -> Shell:
    return st.session_state[_SHELL_KEY]


def require_database(shell: Shell) -> None:
    """Stop the page with build instructions when the database file does not exist."""
    if not shell.ready:
        st.error(t("db_missing", "zh", path=shell.db_path))
        st.error(t("db_missing", "en", path=shell.db_path))
        st.stop()


def income_page_shell() -> Shell:
    """The shell for a page about income years: stops with instructions without a database or income data."""
    shell = current_shell()
    require_database(shell)
    if shell.year is None:
        st.info(shell.t("no_income"))
        st.stop()
    return shell


def lazy_tabs(names: list[str], draws: list[Callable[[], None]], key: str, label: Callable[[str], str]) -> None:
    """Tabs whose content runs only while open: opening another tab reruns the page (Streamlit's lazy tabs).

    Drawn eagerly, a hidden tab costs its queries and charts in every first view: on the 30-million world the
    warnings page spent 3.9 of its 6.0 server CPU-s on the cases and closing tabs nobody had opened yet.
    The open tab is in the link as `key=name` (absent for the first tab), so a link opens it, Back and Forward
    move between tabs, and a switch of language, which changes every label, keeps it open.
    """
    labels = [label(name) for name in names]
    linked = st.query_params.get(key, names[0])
    linked = linked if linked in names else names[0]
    written = f"{key}-written"
    if st.session_state.get(written) != linked or st.session_state.get(key) not in labels:
        st.session_state[key] = labels[names.index(linked)]  # a link, Back or Forward, or another language
    for name, tab, draw in zip(names, st.tabs(labels, key=key, on_change="rerun"), draws, strict=True):
        if tab.open:
            _link_tab(key, name, first=name == names[0])
            st.session_state[written] = name
            with tab:
                draw()


def _link_tab(key: str, name: str, *, first: bool) -> None:
    if first:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != name:
        st.query_params[key] = name


def show_region(code: str) -> None:
    """Point the sidebar's province → city → county → township cascade at `code` (takes effect on the next run).

    For pages that move the view (a click on a map, a breadcrumb); "view" is app.py's VIEW state.
    """
    level = region_level(code)
    st.session_state["view"].update(
        province=NATIONAL if level == "national" else code[:2] + "0000",
        city=code[:4] + "00" if level in ("city", "county", "township", "village") else "",
        county=code[:6] if level in ("county", "township", "village") else "",
        township=code[:9] if level in ("township", "village") else "")

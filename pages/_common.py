"""Page-edge helpers shared by app.py and the pages: the database holder, the one cache layer, the shell.

This module exists because the pages cannot import app.py (Streamlit runs it as __main__), yet
they must share its single DuckDB holder and the view it resolved (language, region, year).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from analysis import dataset, tables
from analysis.figures import plotly_config
from analysis.i18n import t
from analysis.store.connection import Database

_SHELL_KEY = "_incomewatch_shell"


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


def run_query(db_path: str, version: str, query: Callable[..., Any], *args: Any) -> Any:
    """`query(cursor, *args)` for an analysis function, cached per data version.

    Only plain, hashable arguments (codes, years, names, tuples): frames would be hashed from a sample.
    """
    return _cached(query.__module__, query.__qualname__, db_path, version, args)


@dataclass(frozen=True)
class Shell:
    """What app.py resolved for this run and every page reads."""
    lang: str
    region: str
    region_name: str
    year: int | None
    db_path: str
    version: str
    image_format: str = "png"

    @property
    def ready(self) -> bool:
        return self.version != "missing"

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def fetch(self, query: Callable[..., Any], *args: Any) -> Any:
        """`query(cursor, *args)` on this run's data version, cached."""
        return run_query(self.db_path, self.version, query, *args)

    def chart(self, figure: Any, key: str) -> None:
        """Show a house-template figure; theme=None keeps the CJK font, the config sets downloads."""
        st.plotly_chart(figure, theme=None, key=key,
                        config=plotly_config(self.image_format, filename=f"incomewatch-{key}-{self.region}"))


    def table_downloads(self, frame: Any, name: str, key: str) -> None:
        """Excel and CSV buttons for a table (masked, no executable cells); files are built on click."""
        note = t("demo_banner", self.lang) if self.fetch(dataset.is_synthetic) else None
        stem = f"incomewatch-{name}-{self.region}" + (f"-{self.year}" if self.year else "")
        left, right = st.columns(2)
        left.download_button(t("download_excel", self.lang), key=f"{key}-xlsx", file_name=f"{stem}.xlsx",
                             data=lambda: tables.to_excel_bytes({name: frame}, note=note),
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             icon=":material/table_view:")
        right.download_button(t("download_csv", self.lang), key=f"{key}-csv", file_name=f"{stem}.csv",
                              data=lambda: tables.to_csv_bytes(frame), mime="text/csv",
                              icon=":material/download:")


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

"""Page-edge helpers shared by app.py and the pages: the database holder, the one cache layer, the shell.

This module exists because the pages cannot import app.py (Streamlit runs it as __main__), yet
they must share its single DuckDB holder and the view it resolved (language, region, year).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from analysis import catalog, dataset, overview, selection
from analysis.figures import plotly_config
from analysis.i18n import t
from analysis.store.connection import Database

# Query name -> function(cursor, *args). Pages ask by name; results are cached per data version.
QUERIES: dict[str, Callable[..., Any]] = {
    "regions": selection.regions_with_data,
    "income_years": dataset.income_years,
    "dataset_info": dataset.dataset_info,
    "is_synthetic": dataset.is_synthetic,
    "import_log": catalog.import_log,
    "headline": overview.headline,
    "monitored": overview.monitored_households,
    "employment": overview.employment_by_month,
    "sources": overview.income_by_source,
    "at_risk": overview.counties_at_risk,
}
_SHELL_KEY = "_incomewatch_shell"


@st.cache_resource(show_spinner=False)
def database(path: str) -> Database:
    """The one read-only DuckDB holder per process and database file."""
    return Database(path)


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(name: str, db_path: str, version: str, args: tuple) -> Any:
    """Runs a named query; keyed by name, arguments and data version (never by frames)."""
    with database(db_path).cursor() as cur:
        return QUERIES[name](cur, *args)


def run_query(db_path: str, version: str, name: str, *args: Any) -> Any:
    return _cached(name, db_path, version, args)


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

    def fetch(self, name: str, *args: Any) -> Any:
        """A named query on this run's data version."""
        return run_query(self.db_path, self.version, name, *args)

    def chart(self, figure: Any, key: str) -> None:
        """Show a house-template figure; theme=None keeps the CJK font, the config sets downloads."""
        st.plotly_chart(figure, theme=None, key=key,
                        config=plotly_config(self.image_format, filename=f"incomewatch-{key}-{self.region}"))


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

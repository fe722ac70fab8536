"""Deep links on a fresh server: run the app shell instead of Streamlit's "Page not found" box.

Until st.navigation has run once in a process, Streamlit treats pages/ as a v1 multipage folder and looks
up the link's path (e.g. /map) among the file names there; a miss shows an English "Page not found" box
over the right page. So each URL path of app.py's PAGES also has a two-line file here named after it:
when the first link of a server's life names it, that file runs app.py, whose st.navigation then opens
the page the link asked for. After that first run Streamlit never looks at these files again.
"""
from __future__ import annotations

import runpy

from analysis.config import PROJECT_ROOT


def run_app() -> None:
    runpy.run_path(str(PROJECT_ROOT / "app.py"), run_name="__main__")

"""`python -m pages._server run app.py [streamlit options]`: Streamlit's own command line, started warm.

Streamlit runs app.py in the server's process, so what a first page view imports (pandas' and plotly's figure
code, scipy, statsmodels, the analysis modules) and the national outlines are paid by the first visitor after
every start: about 3 CPU-seconds here. This entry point pays them before the server listens. `make run`,
`make serve`, the tests' and the benches' servers start through it.
"""
from __future__ import annotations

import gc
import logging
import sys

from streamlit.web.cli import main


def _warm_up() -> None:
    # Decorating st.cache_data functions before the runtime exists logs "No runtime found": only their parameter
    # check runs then; each cache is made on its first call, inside the runtime.
    checks = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = checks.level
    checks.setLevel(logging.ERROR)
    try:
        from pages._common import warm_up
    finally:
        checks.setLevel(level)
    warm_up()
    # What start-up built lives as long as the process: out of the collector's way, so that Python's own full
    # collections (runner.postScriptGC is off) walk only what page runs made since.
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    _warm_up()
    sys.exit(main())

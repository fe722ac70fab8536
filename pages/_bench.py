"""`make bench`, page side: how long each page takes to run on the server, on the national world.

A fresh app session per page (streamlit's AppTest, no browser), region China, latest year: the first run in
this process fills the caches, the second shows what a later visitor waits. Run after `python -m analysis.bench`,
which builds bench-out/large.duckdb. Lives under pages/ because it drives streamlit (analysis/ never imports it).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from streamlit import config

from analysis.bench import OUT, YEAR, show
from analysis.config import DB_ENV, PROJECT_ROOT


def page_seconds(page: str) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
    at.query_params.update({"region": "000000", "year": str(YEAR)})
    at.run()
    started = time.perf_counter()
    at.switch_page(page).run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return elapsed


def main() -> None:
    world = Path(sys.argv[sys.argv.index("--db") + 1]) if "--db" in sys.argv else OUT / "large.duckdb"
    if not world.exists():
        print(f"pages on the national world: skipped, {world} is not here (--db PATH; it is never built unasked)")
        return
    os.environ[DB_ENV] = str(world)
    config.set_option("client.showErrorDetails", "full")  # a page error raises here instead of being timed
    for page in sorted(p for p in (PROJECT_ROOT / "pages").glob("*.py") if not p.name.startswith("_")):
        file = str(page.relative_to(PROJECT_ROOT))
        first, again = page_seconds(file), page_seconds(file)
        show([(f"page {file}, national world: first run / again (s)", f"{first:.2f} / {again:.2f}")])


if __name__ == "__main__":
    main()

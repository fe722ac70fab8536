"""`make bench`, browser side: the first view of every page in a real browser against a freshly started server.

    python -m analysis.bench._firstview [--db PATH] [--regions 620000,000000] [--modes before,after]
                                        [--visitors new,returning,navigating]

For each mode and region a new app process is started (nothing cached in it) and every page of app.PAGES is
opened in turn, each in a new browser context (a new visitor): the time from navigation until the page has
settled — no running indicator or spinner, a title drawn and every visible chart drawn (maps with their
tiles), polled every 0.1 s and confirmed 0.4 s later (the confirmation is not counted) — is printed per page. Mode `before`: a copy of the database without stored results (what the
first visitor after an import waited before analysis.precompute); `after`: the same file once the
precompute job has stored its results (its duration is printed too). Visitor `new`: every page in a new browser
context (nothing cached: Streamlit's and plotly's scripts are fetched and compiled for each page); `returning`:
one context for all pages of a column, which first opens the overview of another region (640000), untimed, so
the browser holds the scripts as a colleague's browser would, while the server has computed nothing for the
measured region; `navigating`: one tab that opens the dataset page of the region (untimed) and then each page by
its link in the menu, as a reader moves through the app (no page load: Streamlit swaps the page in place).
Nothing is asserted.

Without --db it uses the bench demo (bench-out/demo.duckdb, 200,000 households; built if missing). The
national world (30 million households) is never built here: pass its file with --db.
"""
from __future__ import annotations

import argparse
import ast
import shutil
import tempfile
import time
from pathlib import Path

from analysis import precompute
from analysis.bench import OUT
from analysis.config import PROJECT_ROOT
from analysis.deploy import cpu_seconds, free_port, start_app, stop, wait_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
PAGE_TIMEOUT_MS = 300_000
SETTLED = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"], '
                               + '[data-stale="true"]'))
        return false;
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main || !main.querySelector('h1')) return false;
    for (const gd of main.querySelectorAll('.js-plotly-plot')) {
        if (gd.offsetParent === null) continue;  // in a closed tab or expander
        if (!gd._fullLayout) return false;
        const mapped = (gd.data || []).some(trace => trace.type === 'choropleth' && (trace.locations || []).length);
        if (mapped && !gd.querySelector('path.choroplethlocation')) return false;  // a map not drawn yet
    }
    return true;
}"""


# The page swapped in place is not settled while the last page's title still shows (its elements look settled).
NEW_TITLE = """(shown) => {
    const title = document.querySelector('[data-testid="stMain"] h1');
    return title !== null && title.innerText !== shown;
}"""


def app_pages() -> list[tuple[str, str]]:
    """(file, URL path) of app.PAGES, read from app.py's source (importing app.py would run it)."""
    tree = ast.parse((PROJECT_ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [(entry[0], entry[3]) for entry in ast.literal_eval(node.value)]
    raise RuntimeError("PAGES not found in app.py")


def address(path: str) -> str:
    """A page's address: the default page (home) is served at the root; /home answers "page not found"."""
    return "" if path == "home" else path


def settle(page) -> float:
    """Until the page is settled, and still settled a moment later (a component may ask for one more run); returns
    the perf_counter() at which it was first seen settled, as the reader saw it (the confirming wait is ours)."""
    while True:
        page.wait_for_function(SETTLED, timeout=PAGE_TIMEOUT_MS, polling=100)
        settled = time.perf_counter()
        page.wait_for_timeout(400)
        if page.evaluate(SETTLED):
            return settled


WARM_REGION = "640000"  # a returning visitor's browser has opened another region's overview before
VISITORS = ("new", "returning", "navigating")
START_PAGE = "dataset"  # where a navigating visitor starts (untimed) before clicking through the menu


def first_views(db: Path, region: str, pages: list[tuple[str, str]], workdir: Path,
                visitor: str = "new") -> dict[str, str]:
    """Seconds to a settled first view of each page, and the server's CPU seconds for it, on a freshly
    started server for `db` (the browser shares the machine: its time is in the first figure, not the second)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_app(db, port, workdir / f"app-{region}-{port}.log",
                       env={"INCOMEWATCH_PRECOMPUTE": "off"}, args=("--server.runOnSave", "false"))
    url = f"http://127.0.0.1:{port}"
    times: dict[str, str] = {}
    try:
        wait_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            kept = None if visitor == "new" else browser.new_context(viewport={"width": 1366, "height": 900})
            tab = kept.new_page() if kept else None
            if tab is not None:
                start = f"/{START_PAGE}?lang=zh&region={region}" if visitor == "navigating" \
                    else f"/?lang=zh&region={WARM_REGION}"
                tab.goto(url + start, timeout=PAGE_TIMEOUT_MS)
                settle(tab)
            for index, (_, path) in enumerate(pages):
                if visitor == "navigating" and path == START_PAGE:
                    continue
                context = kept or browser.new_context(viewport={"width": 1366, "height": 900})
                page = tab if visitor == "navigating" else context.new_page()
                started, cpu = time.perf_counter(), cpu_seconds([server.pid])
                try:
                    if visitor == "navigating":  # the menu's link, as a reader moves between pages
                        shown = page.inner_text('[data-testid="stMain"] h1')
                        page.locator('[data-testid="stSidebarNav"] a').nth(index).click(timeout=PAGE_TIMEOUT_MS)
                        page.wait_for_url(f"**/{address(path)}?*", timeout=PAGE_TIMEOUT_MS)
                        page.wait_for_function(NEW_TITLE, arg=shown, timeout=PAGE_TIMEOUT_MS, polling=100)
                    else:
                        page.goto(f"{url}/{address(path)}?lang=zh&region={region}", timeout=PAGE_TIMEOUT_MS)
                    times[path] = f"{settle(page) - started:.1f} ({cpu_seconds([server.pid]) - cpu:.1f})"
                except Exception as error:  # a page that never settles is reported, not fatal
                    times[path] = f"{type(error).__name__}"
                finally:
                    if visitor == "new":
                        context.close()
                    elif visitor == "returning":
                        page.close()
            browser.close()
    finally:
        stop(server)
    return times


def demo_world() -> Path:
    path = OUT / "demo.duckdb"
    if not path.exists():
        from analysis.demo import build_demo

        OUT.mkdir(exist_ok=True)
        build_demo(path, provinces=("620000", "640000"), households=200_000)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.bench._firstview", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: the bench demo)")
    parser.add_argument("--regions", default="000000,620000", help="regions, comma-separated")
    parser.add_argument("--modes", default="before,after", help="before (no stored results), after, or both")
    parser.add_argument("--visitors", default=",".join(VISITORS),
                        help="new (nothing cached), returning (scripts cached), navigating (the menu's links)")
    args = parser.parse_args(argv)
    db = args.db or demo_world()
    regions, modes, visitors = args.regions.split(","), args.modes.split(","), args.visitors.split(",")
    pages = app_pages()
    results: dict[tuple[str, str, str], dict] = {}
    with tempfile.TemporaryDirectory(prefix="incomewatch-firstview-") as work:
        workdir = Path(work)
        files = {}
        if "before" in modes:
            files["before"] = workdir / db.name  # a copy is a new data version: no stored results for it
            shutil.copyfile(db, files["before"])
        if "after" in modes:
            started = time.perf_counter()
            report = precompute.run(db)
            print(f"precompute job for {db.name}: {report.stored} results in {time.perf_counter() - started:.1f} s"
                  + (f" ({report.skipped})" if report.skipped else ""), flush=True)
            files["after"] = db
        columns = [(visitor, region, mode) for visitor in visitors for region in regions for mode in modes]
        for column in columns:
            visitor, region, mode = column
            results[column] = first_views(files[mode], region, pages, workdir, visitor)
            print(f"{visitor} {region} {mode}: " + ", ".join(f"{path} {value}" for path, value in results[column].items()),
                  flush=True)
    print(f"\nFirst view in Chromium, fresh server, {db.name}: seconds to settled (server CPU seconds); pages in menu "
          "order, one server per column")
    print("| page | " + " | ".join(" ".join(column) for column in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for file, path in pages:
        print(f"| {path} ({Path(file).stem}) | "
              + " | ".join(results[column].get(path, "-") for column in columns) + " |")

if __name__ == "__main__":
    main()

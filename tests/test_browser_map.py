"""Real browser: national map → province → county → township → village → household by clicks, and back up.

Reuses the server and chromium fixtures of tests/test_browser.py (a missing chromium fails when CI is set).
Plotly's drag layer swallows element clicks, so the county is clicked by its screen position, which the
map itself computes (its geo subplot's projection) from a point inside the county's outline.
"""
from __future__ import annotations

import duckdb
import shapely.geometry

from analysis import regions
from tests.test_browser import CHROMIUM_ARGS, chromium, server  # noqa: F401  (fixtures)

MAP = ".js-plotly-plot"
WAIT = 60_000


def _click_map(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is, once its geo subplot has been drawn."""
    page.wait_for_function("""() => {
        const gd = document.querySelector('.js-plotly-plot');
        return Boolean(gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot
                       && gd.querySelector('path.choroplethlocation'));
    }""", timeout=WAIT)
    x, y = page.evaluate("""([lon, lat]) => {
        const gd = document.querySelector('.js-plotly-plot');
        const point = gd._fullLayout.geo._subplot.projection([lon, lat]);
        const box = gd.querySelector('.main-svg').getBoundingClientRect();
        return [box.left + point[0], box.top + point[1]];
    }""", [lon, lat])
    page.mouse.click(x, y)


def _pick_first_row(page) -> None:
    """Tick the selection box of the first row of the page's first table (a canvas grid: by position)."""
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(state="visible", timeout=WAIT)  # a loaded machine may still be drawing the level's table
    box = table.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)


def _inside(outlines: dict, code: str) -> shapely.geometry.Point:
    return shapely.geometry.shape(next(f for f in outlines["features"] if f["id"] == code)["geometry"]
                                  ).representative_point()


def _busiest_county(demo_db) -> tuple[str, str]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        code = con.execute("SELECT county_code FROM households WHERE county_code LIKE '62%' "
                           "GROUP BY ALL ORDER BY count(*) DESC, county_code LIMIT 1").fetchone()[0]
        name = con.execute("SELECT name FROM regions WHERE code = $c", {"c": code}).fetchone()[0]
    return code, name


def test_click_a_county_then_climb_back(server, chromium, demo_db, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    county, name = _busiest_county(demo_db)
    gansu = _inside(regions.province_boundaries(), "620000")
    inside = _inside(regions.county_boundaries("620000"), county)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(f"{server}/?lang=zh")  # the server's first request registers the pages
            page.get_by_role("heading", level=1).first.wait_for(timeout=WAIT)
            page.goto(f"{server}/map?lang=zh&metric=below_share")
            page.get_by_role("heading", name="全国 · ", exact=False).first.wait_for(timeout=WAIT)
            _click_map(page, gansu.x, gansu.y)  # a province: its county map
            page.get_by_role("heading", name="甘肃省 · ", exact=False).first.wait_for(timeout=WAIT)
            # the old national map may still be on screen for a while under load: click once the county is drawn
            page.wait_for_function("""(code) => {
                const gd = document.querySelector('.js-plotly-plot');
                return Boolean(gd && gd.data && gd.data.some(trace => (trace.locations || []).includes(code)));
            }""", arg=county, timeout=WAIT)
            _click_map(page, inside.x, inside.y)
            page.wait_for_function("() => location.pathname.endsWith('/explore')", timeout=WAIT)
            page.get_by_role("heading", name=f"{name} · ", exact=False).first.wait_for(timeout=WAIT)
            assert f"region={county}" in page.url and "metric=below_share" in page.url
            for param in ("township", "village", "household"):  # one row down at each level
                _pick_first_row(page)
                page.wait_for_function(f"() => location.search.includes('{param}=')", timeout=WAIT)
                page.wait_for_timeout(1500)
            # the household card, once the village level's stale elements have gone (retried, not slept)
            expect(page.get_by_text("户主（脱敏）")).to_have_count(1, timeout=WAIT)
            page.screenshot(path=str(tmp_path / "household.png"), full_page=True)

            page.get_by_role("button", name="甘肃省").click()  # breadcrumb: back to the province
            page.get_by_role("heading", name="甘肃省 · ", exact=False).first.wait_for(timeout=WAIT)
            page.wait_for_function("() => location.search.includes('region=620000')", timeout=WAIT)
            assert page.url.split("?")[0].endswith("/explore")
            page.get_by_role("button", name="全国").click()
            page.wait_for_function("() => location.search.includes('region=000000')", timeout=WAIT)
        finally:
            browser.close()

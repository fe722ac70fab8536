"""Sign-in through a real OpenID Connect provider on loopback (npm oidc-provider, tests/oidc/), in chromium.

A county clerk signs in and sees only her county; a tampered link is refused and audited; exporting a
household list is audited; a provincial leader sees the province's aggregates and no household card; a
township clerk sees her township's own figures and villages, and a link to the next township is refused.
The database is a copy of a Gansu demo (two townships in 陇西县) marked as real data, so the app demands sign-in.
`make test` runs `npm ci` in tests/oidc first; skipped only outside CI when node or the packages are missing.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlparse

import duckdb
import pytest

from analysis.access.audit import AuditLog
from analysis.config import PROJECT_ROOT
from analysis.deploy import free_port, spawn, stop
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, app_server

OIDC_DIR = PROJECT_ROOT / "tests" / "oidc"
COUNTY, NEIGHBOUR = "621122", "621126"
TOWNSHIP, SIBLING_TOWNSHIP = "621122101", "621122201"
VILLAGE, HOUSEHOLD = "621122101201", "6211221012010001"
WAIT = 60_000  # ms: a limit for a page to appear, not a measurement


def _need(condition: bool, message: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _wait_for_url(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the OIDC provider exited during startup"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the OIDC provider did not answer at {url}")


@pytest.fixture(scope="module")
def signin_world(township_db, tmp_path_factory) -> Iterator[dict]:
    _need(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    _need(shutil.which("node") is not None and (OIDC_DIR / "node_modules" / "oidc-provider").exists(),
          "node or tests/oidc/node_modules missing (make test runs npm ci in tests/oidc)")
    folder = tmp_path_factory.mktemp("signin")
    real = folder / "real.duckdb"
    shutil.copy(township_db, real)
    with duckdb.connect(str(real)) as con:
        con.execute("UPDATE meta SET value = 'imported' WHERE key = 'dataset'")
    idp_port, app_port = free_port(), free_port()
    app = f"http://127.0.0.1:{app_port}"
    idp = f"http://127.0.0.1:{idp_port}"
    (folder / "secrets.toml").write_text(f"""[auth]
redirect_uri = "{app}/oauth2callback"
cookie_secret = "{secrets.token_hex(16)}"
client_id = "incomewatch"
client_secret = "incomewatch-test-secret"
server_metadata_url = "{idp}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid profile email", prompt = "login" }}
""", encoding="utf-8")
    log = folder / "audit.jsonl"
    provider = spawn(["node", "provider.js", str(idp_port), f"{app}/oauth2callback"], folder / "idp.log",
                     cwd=OIDC_DIR)
    try:
        _wait_for_url(f"{idp}/.well-known/openid-configuration", provider)
        with app_server(real, folder, port=app_port, env={"INCOMEWATCH_AUDIT_LOG": str(log)},
                        args=["--secrets.files", str(folder / "secrets.toml")]):
            with duckdb.connect(str(real), read_only=True) as con:
                county_name = con.execute("SELECT name FROM regions WHERE code = ?", [COUNTY]).fetchone()[0]
                township = _township_facts(con)
            yield {"app": app, "audit": AuditLog(log), "folder": folder, "county_name": county_name, **township}
    finally:
        stop(provider)


def _township_facts(con: duckdb.DuckDBPyConnection) -> dict:
    """The township's name, its households in the latest year and its villages' names (and the county's count)."""
    from analysis import formatting
    from analysis.summary import region_summary

    year = con.execute("SELECT max(year) FROM income").fetchone()[0]
    villages = [r[0] for r in con.execute("SELECT name FROM regions WHERE level = 'village' AND starts_with(code, ?)",
                                          [TOWNSHIP]).fetchall()]
    return {"township_name": con.execute("SELECT name FROM regions WHERE code = ?", [TOWNSHIP]).fetchone()[0],
            "township_households": formatting.count(region_summary(con, TOWNSHIP, year).households, "zh"),
            "county_households": formatting.count(region_summary(con, COUNTY, year).households, "zh"),
            "village_names": villages}


def _only_loopback(route) -> None:
    """No request may leave the machine; icon fonts from the internet are answered empty instead."""
    host = urlparse(route.request.url).hostname
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def _sign_in(browser, app: str, login: str):
    """A fresh browser context signs in through the provider's login and consent forms."""
    context = browser.new_context(viewport={"width": 1500, "height": 1200}, accept_downloads=True)
    context.route("**/*", _only_loopback)
    page = context.new_page()
    page.goto(f"{app}/?lang=zh")
    page.get_by_role("button", name="登录").click(timeout=WAIT)
    page.wait_for_selector("input[name=login]", timeout=WAIT)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").first.click()
    page.wait_for_selector("button[type=submit]", timeout=WAIT)  # consent
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{app}/**", timeout=WAIT)
    return context, page


def test_a_clerk_and_a_leader_sign_in_through_a_real_identity_provider(signin_world):
    from playwright.sync_api import sync_playwright

    app, audit = signin_world["app"], signin_world["audit"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context, page = _sign_in(browser, app, "clerk")
            page.get_by_text("已登录：clerk").wait_for(timeout=WAIT)
            page.get_by_role("heading", name=signin_world["county_name"], exact=False).first.wait_for(timeout=WAIT)
            assert f"region={COUNTY}" in page.url
            assert page.get_by_text("甘肃省 · ").count() == 0  # no province-wide headline

            page.goto(f"{app}/?lang=zh&region={NEIGHBOUR}")  # a tampered link: the county next door
            page.get_by_text("不在您的管辖范围内").first.wait_for(timeout=WAIT)
            assert page.locator("[data-testid=stMetric]").count() == 0
            denied = audit.entries(action="denied")
            assert denied and denied[-1]["target"] == NEIGHBOUR and denied[-1]["user"] == "clerk"

            page.goto(f"{app}/explore?lang=zh&region={COUNTY}&village={VILLAGE}")
            button = page.get_by_role("button", name="下载 CSV").first
            button.wait_for(timeout=WAIT)
            # a click during a rerun hits a button that is being replaced and downloads nothing: wait for the run to end
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT)
            with page.expect_download(timeout=WAIT) as download:
                button.click()
            assert download.value.suggested_filename.endswith(".csv")
            exports = audit.entries(action="export")
            assert exports and exports[-1]["user"] == "clerk" and exports[-1]["rows"] > 0
            assert exports[-1]["target"].endswith(".csv")
            context.close()

            context, page = _sign_in(browser, app, "leader")
            page.get_by_text("已登录：leader").wait_for(timeout=WAIT)
            page.get_by_role("heading", name="甘肃省", exact=False).first.wait_for(timeout=WAIT)
            page.locator("[data-testid=stMetric]").first.wait_for(timeout=WAIT)  # the province's headline figures
            assert "region=620000" in page.url
            page.goto(f"{app}/explore?lang=zh&region={COUNTY}&village={VILLAGE}&household={HOUSEHOLD}")
            page.get_by_text("无权查看").first.wait_for(timeout=WAIT)
            assert page.get_by_text("6211221012010001").count() <= 1  # only inside the refusal, never a card
            assert page.locator("[data-testid=stMetric]").count() == 0
            context.close()

            _township_clerk(browser, signin_world)
        finally:
            browser.close()
    assert audit.entries(action="view_household", user="leader") == []
    assert {e["user"] for e in audit.entries(action="sign_in")} == {"clerk", "leader", "township"}
    assert audit.verify().ok


def _township_clerk(browser, world: dict) -> None:
    """A township clerk: her township's headline (not her county's), its villages, and a refused sibling link."""
    app, audit = world["app"], world["audit"]
    context, page = _sign_in(browser, app, "township")
    page.get_by_text("已登录：township").wait_for(timeout=WAIT)
    page.get_by_role("heading", name=world["township_name"], exact=False).first.wait_for(timeout=WAIT)
    assert f"region={TOWNSHIP}" in page.url
    households = page.locator("[data-testid=stMetric]").filter(has_text="农户数").first
    households.wait_for(timeout=WAIT)
    assert world["township_households"] in households.inner_text() != world["county_households"]
    page.goto(f"{app}/explore?lang=zh&region={TOWNSHIP}")  # the drill-down starts at her township: its villages
    page.get_by_role("heading", name=world["township_name"], exact=False).first.wait_for(timeout=WAIT)
    page.get_by_text(world["village_names"][0]).first.wait_for(timeout=WAIT)  # a bar of the villages' chart
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.get_by_text(world["township_name"]).count() >= 1

    page.goto(f"{app}/?lang=zh&region={SIBLING_TOWNSHIP}")  # a tampered link: the next township
    page.get_by_text("不在您的管辖范围内").first.wait_for(timeout=WAIT)
    assert page.locator("[data-testid=stMetric]").count() == 0
    denied = audit.entries(action="denied")
    assert denied and denied[-1]["target"] == SIBLING_TOWNSHIP and denied[-1]["user"] == "township"
    assert denied[-1]["scope"] == TOWNSHIP
    context.close()

"""A real browser uploads a zip bomb and the XFD1048576 workbook on the import page while another browser
session keeps loading the overview: the other session's page still loads, and the server survives (issue 12).

Times are printed, not asserted (generous timeouts only say "it did not hang").
"""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.test_browser import BARS, CHROMIUM_ARGS, app_server, chromium  # noqa: F401 (fixture)
from tests.test_malformed_untrusted import far_cell_workbook, zip_bomb

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def import_server(demo_db, tmp_path_factory) -> Iterator[tuple[str, subprocess.Popen]]:
    folder = tmp_path_factory.mktemp("untrusted-browser")
    db = folder / "world.duckdb"
    shutil.copyfile(demo_db, db)
    with app_server(db, folder, env={"INCOMEWATCH_IMPORT_MEMORY": "1GB", "INCOMEWATCH_IMPORT_SECONDS": "120"}) as running:
        yield running


def test_hostile_uploads_leave_other_sessions_and_the_server_alive(import_server, chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    url, process = import_server
    files = [{"name": "bomb.xlsx", "mimeType": XLSX, "buffer": zip_bomb()},
             {"name": "far.xlsx", "mimeType": XLSX, "buffer": far_cell_workbook()}]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            uploader = browser.new_context().new_page()
            viewer = browser.new_context().new_page()
            uploader.goto(f"{url}/import?lang=zh")
            uploader.locator("input[type=file]").wait_for(state="attached", timeout=120_000)
            started = time.perf_counter()
            uploader.locator("input[type=file]").set_input_files(files)
            loads = []
            for _ in range(3):  # the other session browses while the uploads are read
                begin = time.perf_counter()
                viewer.goto(f"{url}/?lang=zh&region=620000&year=2023")
                viewer.wait_for_selector(BARS, timeout=180_000)
                loads.append(time.perf_counter() - begin)
            uploader.get_by_text("实际只有").first.wait_for(state="attached", timeout=180_000)  # far.xlsx (table cells are attached, not visible)
            uploader.get_by_text("压缩比").first.wait_for(state="attached", timeout=180_000)    # bomb.xlsx: compressed 1,000:1
            refused_after = time.perf_counter() - started
            assert uploader.get_by_role("button", name="确认导入").is_disabled()
        finally:
            browser.close()
    assert process.poll() is None
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
    print(f"overview loads while the hostile uploads were read: {', '.join(f'{s:.1f} s' for s in loads)}; "
          f"both uploads refused after {refused_after:.1f} s")

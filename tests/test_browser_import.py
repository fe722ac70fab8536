"""The import page in a real browser, as a county clerk uses it (issue 16): the uploader's own words in Chinese
(English with lang=en), a malformed workbook with the clerk's own headers told in those headers with one problem
per bad cell, the problem list downloaded and read back, a blank template downloaded, filled in and imported."""
from __future__ import annotations

import io
import shutil
from collections.abc import Iterator

import duckdb
import pytest
import xlsxwriter
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from python_calamine import CalamineWorkbook

from tests.browser_walk import settle
from tests.test_browser import CHROMIUM_ARGS, app_server, chromium  # noqa: F401 (fixture)

HEADERS = ["户编号", "村级区划代码", "户类型", "家庭人口", "户主姓名", "身份证号", "人均纯收入（元）"]
BAD_ROWS = [["H9001", "620121101201", "脱贫户", 0, "张三", "620121198001010016", 9000],
            ["H9002", "620121101201", "穷户", 3, "李四", "", 8000],
            ["H9003", "620121101201", "穷户", 2, "", "", 7000]]
LABEL = '[data-testid="stFileUploaderDropzone"] > span > button [data-testid="stMarkdownContainer"] p'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
WAIT = 180_000


def download_by_click(page, button) -> bytes:
    """The file a download button gives, clicked as a clerk would: once more if the first click brought nothing
    within a minute. In clean-clone CI runs under load a click on the deferred template download was lost twice
    (no download in 180 s; the same test passed alone each time); a clerk clicks again, and so does this test."""
    try:
        with page.expect_download(timeout=60_000) as download:
            button.click(timeout=WAIT)
    except PlaywrightTimeout:
        with page.expect_download(timeout=60_000) as download:
            button.click(timeout=WAIT)
    return download.value.path().read_bytes()


@pytest.fixture(scope="module")
def import_server(demo_db, tmp_path_factory) -> Iterator[tuple[str, object]]:
    folder = tmp_path_factory.mktemp("import-browser")
    db = folder / "world.duckdb"
    shutil.copyfile(demo_db, db)
    with app_server(db, folder) as (url, _):
        yield url, db


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif value != "":
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def read_book(data: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def after(page, selector: str) -> tuple[str, str]:
    """(::after content, own font size) of the first element matching `selector`."""
    return tuple(page.locator(selector).first.evaluate(
        "e => [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]"))


def upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        [{"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "buffer": data}])


def test_uploader_words_follow_the_language(import_server, chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    url, _ = import_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            for lang, button, limit, refused in (
                    ("zh", "选择文件", "每个文件不超过 500 MB · CSV、XLSX", "只能上传 CSV 或 XLSX 文件，每个不超过 500 MB"),
                    ("en", "Browse files", "Limit 500 MB per file • CSV, XLSX", "Only CSV or XLSX files of at most 500 MB")):
                page.goto(f"{url}/import?lang={lang}")
                page.locator(LABEL).wait_for(timeout=WAIT)
                page.locator(f'{LIMIT}').wait_for(timeout=WAIT)
                page.wait_for_function(f"""() => getComputedStyle(document.querySelector('{LABEL}'), '::after')
                                          .content.includes('{button}')""", timeout=WAIT)
                assert after(page, LABEL) == (f'"{button}"', "0px")  # Streamlit's "Upload" is there, unseen
                assert after(page, LIMIT) == (f'"{limit}"', "0px")   # and its "500MB per file • CSV, XLSX"
                width = page.locator(LABEL).first.evaluate("e => e.getBoundingClientRect().width")
                assert width > 20  # the replacement takes room: it is drawn
                page.locator("input[type=file]").set_input_files(  # an old .xls: Streamlit refuses it in English
                    [{"name": "old.xls", "mimeType": "application/vnd.ms-excel", "buffer": b"\xd0\xcf\x11\xe0"}])
                page.locator("[data-testid=stFileChip]").first.hover()
                tip = page.locator("[data-testid=stTooltipErrorContent]")
                tip.wait_for(timeout=WAIT)
                content, size = after(page, "[data-testid=stTooltipErrorContent]")
                assert refused in content and size == "0px"
        finally:
            browser.close()


def test_a_clerk_fixes_a_file_by_the_problem_list_and_imports_a_filled_template(import_server, chromium,  # noqa: F811
                                                                                tmp_path):
    from playwright.sync_api import sync_playwright

    url, db = import_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 1400}).new_page()
            page.goto(f"{url}/import?lang=zh")
            page.locator("input[type=file]").wait_for(state="attached", timeout=WAIT)
            upload(page, "农户登记.xlsx", workbook({"农户": [["某县监测对象信息表"], HEADERS, *BAD_ROWS]}))
            page.get_by_text("发现 3 处问题（2 类原因）").wait_for(timeout=WAIT)
            preview = page.locator("[data-testid=stDataFrame]").first
            preview.locator("th").first.wait_for(state="attached", timeout=WAIT)  # the grid's accessible table
            shown = preview.locator("th").evaluate_all("cells => cells.map(c => c.textContent)")
            assert shown == ["行号", *HEADERS[:6]]  # the file's own headers, not household_id ...
            cells = preview.locator("td").evaluate_all("cells => cells.map(c => c.textContent)")
            assert cells[:7] == ["3", "H9001", "620121101201", "脱贫户", "0", "张*", "620***********0016"]
            assert "None" not in cells and "nan" not in cells and cells[13] == ""  # H9002 has no ID number
            assert page.get_by_text("人均纯收入（元）").count() >= 1  # named in the "not in the format" warning
            page.screenshot(path=str(tmp_path / "import-problems.png"), full_page=True)
            with page.expect_download(timeout=WAIT) as download:
                page.get_by_role("button", name="下载问题清单（Excel）").click()
            problems = read_book(download.value.path().read_bytes())["问题清单"]
            header = problems[2]
            rows = [dict(zip(header, line, strict=True)) for line in problems[3:]]
            assert sorted((int(r["行号"]), r["列"]) for r in rows) == [(3, "家庭人口"), (4, "户类型"), (5, "户类型")]
            assert {r["工作表"] for r in rows} == {"农户"}
            assert {r["原因（英文）"] for r in rows} >= {"must be at least 1"}
            assert "620121198001010016" not in str(problems)

            page = browser.new_context(accept_downloads=True, viewport={"width": 1366, "height": 1400}).new_page()
            page.goto(f"{url}/import?lang=zh")
            settle(page)  # as a clerk waits for the page: a click during its first run once lost the download
            page.get_by_text("下载空白模板").first.click(timeout=WAIT)
            template = read_book(download_by_click(page, page.get_by_role("button", name="下载 Excel 模板")))
            assert list(template) == ["农户", "填表说明"]
            headers = template["农户"][0]
            assert headers[:4] == ["户编号", "村级区划代码", "户类型", "家庭人口"] and len(template["农户"]) == 1
            filled = {h: "" for h in headers} | {"村级区划代码": "620121101201", "户类型": "边缘易致贫户", "家庭人口": "3"}
            rows = [[{**filled, "户编号": hid}[h] for h in headers] for hid in ("T0001", "T0002")]
            upload(page, "填好的模板.xlsx", workbook({"农户": [headers, *rows], "填表说明": template["填表说明"]}))
            page.get_by_text("预览未发现问题").wait_for(timeout=WAIT)
            page.get_by_role("button", name="确认导入").click()
            page.get_by_text("导入完成").wait_for(timeout=WAIT)
            page.get_by_text("已写入").first.wait_for(state="attached", timeout=WAIT)  # the status in Chinese
            page.screenshot(path=str(tmp_path / "import-template-loaded.png"), full_page=True)
        finally:
            browser.close()
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute("SELECT household_id, household_type, members FROM households"
                             " WHERE household_id IN ('T0001', 'T0002') ORDER BY 1").fetchall()
    assert loaded == [("T0001", "边缘易致贫户", 3), ("T0002", "边缘易致贫户", 3)]
    print(f"screenshots: {tmp_path}")

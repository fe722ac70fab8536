"""The import page in AppTest, both languages: own headers in the preview and the problems, problems grouped
by cause, the problem list and blank templates offered for download, the uploader's words in the language."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.i18n import t
from tests.helpers_ingest import xlsx_bytes

APP = str(PROJECT_ROOT / "app.py")
HEADERS = ["户编号", "村级区划代码", "户类型", "家庭人口", "户主姓名", "人均纯收入（元）"]
ROWS = [["H9001", "620121101201", "脱贫户", 0, "张三", 9000],
        ["H9002", "620121101201", "穷户", 3, "", 8000],
        ["H9003", "620121101201", "穷户", 2, "李四", 7000]]


@pytest.fixture
def world(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "world.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv(DB_ENV, str(path))
    return path


def open_import(lang: str, page: str = "pages/import_data.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    return at.run().switch_page(page).run()


def uploader_style(at: AppTest) -> str:
    return "".join(element.proto.body for element in at.get("html"))


def download_labels(at: AppTest) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_and_uploader_words_in_the_pages_language(world, lang):
    at = open_import(lang)
    assert [e.value for e in at.exception] == []
    assert download_labels(at) == [t("import_template_xlsx", lang), t("import_template_csv", lang)]
    style, types = uploader_style(at), "CSV、XLSX" if lang == "zh" else "CSV, XLSX"
    either = "CSV 或 XLSX" if lang == "zh" else "CSV or XLSX"
    assert f'content: "{t("import_upload_button", lang)}"' in style
    assert "content: \"" + t("import_upload_limit", lang, mb=500, types=types) + "\"" in style
    assert t("import_upload_refused", lang, mb=500, types=either) in style and t("import_upload_drop", lang) in style
    assert at.selectbox(key="template_kind").options[-1].endswith("measures")  # department kinds too


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_what_if_uploader_speaks_the_pages_language_and_names_its_file_type(world, lang):
    style = uploader_style(open_import(lang, "pages/simulator.py"))
    assert f'content: "{t("import_upload_button", lang)}"' in style
    assert "content: \"" + t("import_upload_limit", lang, mb=500, types="TOML") + "\"" in style


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_malformed_file_is_told_in_its_own_headers_one_problem_per_cause(world, lang):
    before = world.read_bytes()
    at = open_import(lang)
    at.file_uploader[0].set_value(("农户.xlsx", xlsx_bytes(HEADERS, ROWS, title="某县农户信息表"), "application/x"))
    at.run()
    assert [e.value for e in at.exception] == []
    preview, groups, full = (frame.value for frame in at.dataframe)
    preview = preview.data if hasattr(preview, "data") else preview  # a Styler: its frame
    assert list(preview.columns) == [t("row", lang), *HEADERS[:5]]  # 人均纯收入 is not a column
    assert "None" not in preview.to_string() and "nan" not in preview.to_string().lower()
    assert preview[t("row", lang)].tolist() == ["3", "4", "5"]
    assert len(groups) == 2  # 家庭人口 0 once (not also "less than the labour count"); 穷户 twice as one cause
    assert groups[t("import_cells", lang)].tolist() == [1, 2]
    assert set(groups[t("column", lang)]) == {"家庭人口", "户类型"}
    assert groups[t("import_first_rows", lang)].tolist() == ["3", "4, 5"]
    assert len(full) == 3 and set(full[t("import_sheet", lang)]) == {"Sheet1"}
    assert any(t("problems_count", lang, n="3", causes=2) == e.value for e in at.error)
    assert t("import_download_problems", lang) in download_labels(at)
    assert at.button[0].disabled and world.read_bytes() == before
    assert any("人均纯收入（元）" in w.value for w in at.warning)  # a column not in the format is named as written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_problems_found_when_loading_are_grouped_too(world, lang):
    """Income of households the database does not know passes the preview and is refused at loading."""
    before = world.read_bytes()
    at = open_import(lang)
    text = "户编号,年度,工资性收入,种植业收入,养殖业收入,财产性收入,转移性收入\nNOPE1,2024,1,0,0,0,0\nNOPE2,2024,1,0,0,0,0\n"
    at.file_uploader[0].set_value(("收入.csv", text.encode("utf-8"), "text/csv")).run()
    assert at.success.len >= 1 and not at.button[0].disabled
    at.button[0].click().run()
    assert [e.value for e in at.exception] == []
    assert t("import_refused", lang) in [e.value for e in at.error]
    assert at.dataframe[0].value[t("status", lang)].tolist() == [t("import_status_refused", lang)]
    groups = at.dataframe[1].value
    assert groups[t("import_cells", lang)].tolist() == [2] and groups[t("column", lang)].tolist() == ["户编号"]
    assert groups[t("import_first_rows", lang)].tolist() == ["2, 3"]
    assert "household_id" not in groups[t("reason", lang)].iloc[0]  # named as the file names it: 户编号
    assert t("import_download_problems", lang) in download_labels(at)
    assert world.read_bytes() == before

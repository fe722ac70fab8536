"""Hostile links and files: shown as text (never Markdown links, images, HTML or math), never a traceback.

Every page is opened through AppTest with hostile values in every URL parameter the app or a page reads;
every string Streamlit would render as Markdown (text, captions, alerts, titles, labels, help, options) is
checked. Unexpected errors show visitors a bilingual message with an error id that the server log repeats.
"""
from __future__ import annotations

import logging
import re

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.i18n import t
from analysis.textsafe import format_markdown, markdown_text

APP = str(PROJECT_ROOT / "app.py")
PAGES = tuple(re.findall(r'^    \("(pages/\w+\.py)"', (PROJECT_ROOT / "app.py").read_text(encoding="utf-8"), re.M))
HOSTILE = ("![x](http://evil.example/x.png)", "[click](http://evil.example)", "<img src=http://evil.example/x.png>",
           "$$\\href{http://evil.example}{x}$$", ":red[x] :material/home: www.evil.example a@evil.example")
# Every URL parameter the shell or a page reads (app.py, pages/_common.py, risk map and drill-down settings).
PARAMS = ("lang", "region", "year", "present", "metric", "method", "level", "classes", "thresholds",
          "township", "village", "household")
MARKDOWN_TYPES = {"markdown", "caption", "latex", "title", "header", "subheader", "error", "warning", "info",
                  "success", "toast"}
# Markdown that would act: an unescaped link or image, raw HTML, math, a Streamlit directive, a bare link.
ACTIVE = re.compile(r"(?<!\\)\]\(|<img|<a |(?<!\\)\$\$|(?<!\\):red\[|(?<!\\):material/|https?\\?://evil|"
                    r"www\.evil|@evil")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string of the last run that Streamlit renders as Markdown."""
    texts = []
    for node in _walk(at._tree):
        if getattr(node, "type", None) in MARKDOWN_TYPES:
            texts.append(node.value)
        for name in ("label", "help"):
            value = getattr(node, name, None)
            texts += [value] if isinstance(value, str) else []
        options = getattr(node, "options", None)
        texts += [o for o in options if isinstance(o, str)] if isinstance(options, list) else []
    return texts


def test_markdown_text_leaves_ordinary_values_alone():
    for value in ("1.23万", "+5.2%", "14,342 元", "620102", "2023-07-31", "甘肃省 · 兰州市", "Anning District (x)"):
        assert markdown_text(value) == value


def test_markdown_text_escapes_what_would_act():
    assert markdown_text("![x](http://e/x.png)") == "\\!\\[x\\](http\\:\u200b//e/x.png)"
    assert markdown_text("www.e.com a@e.com") == "www\u200b.e.com a\\@\u200be.com"  # GFM's bare links broken
    assert markdown_text("<img src=x>") == "&lt;img src=x&gt;"
    assert markdown_text("$$\\href{u}{x}$$") == r"\$\$\\href\{u\}\{x\}\$\$"
    assert markdown_text("line\n\n# heading") == r"line \# heading"
    assert markdown_text(markdown_text("a_b")) == r"a\_b"  # escaped once only


def test_values_in_code_spans_keep_their_characters():
    assert format_markdown("run `{path}` now: {path}", {"path": "/srv/a_b`c.duckdb"}) == \
        r"run `/srv/a_b'c.duckdb` now: /srv/a\_b\`c.duckdb"
    assert t("share_of_households", "en", share="12.3%") == "12.3% of households"


@pytest.mark.parametrize("page", PAGES)
def test_hostile_link_values_show_as_text_on_every_page(open_app, page):
    shift = PAGES.index(page)
    query = {name: HOSTILE[(shift + i) % len(HOSTILE)] for i, name in enumerate(PARAMS)}
    at = open_app(page, **query)
    assert [e.value for e in at.exception] == []
    shown = rendered_markdown(at)
    assert shown, "the page rendered nothing"
    acting = [text for text in shown if ACTIVE.search(text)]
    assert acting == []
    # the shell's link warnings name the hostile values (as text)
    assert any("evil" in w.value for w in at.warning)


def test_superscript_digit_classes_is_a_link_problem_not_a_crash(open_app):
    at = open_app("pages/risk_map.py", classes="²")
    assert [e.value for e in at.exception] == []
    assert any("classes=" in w.value for w in at.warning)  # the value is named (as "?": letters and digits only)


@pytest.fixture
def visitor_errors():
    """As deployed: no error details for visitors."""
    config.set_option("client.showErrorDetails", "none")


def test_unexpected_error_shows_an_error_id_that_the_log_repeats(tmp_path, monkeypatch, caplog, visitor_errors):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a DuckDB database" * 100)  # a damaged file: opening it fails
    monkeypatch.setenv(DB_ENV, str(broken))
    with caplog.at_level(logging.ERROR, logger="incomewatch"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert [e.value for e in at.exception] == []  # no traceback on the page
    message = at.error[0].value
    error_id = re.search(r"错误编号：([0-9a-f]{12})", message).group(1)
    assert f"Error id: {error_id}" in message
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "Traceback" in caplog.text


def test_developers_see_the_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a DuckDB database" * 100)
    monkeypatch.setenv(DB_ENV, str(broken))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.exception  # conftest's developer setting: details on the page, beside the error id
    assert "错误编号" in at.error[0].value


def _upload(open_app, files: list[tuple[str, bytes]]) -> AppTest:
    at = open_app("pages/import_data.py")
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    return at


def test_hostile_file_names_and_headers_show_as_text(open_app):
    header = "户编号,村级区划代码,户类型,家庭人口,[click](http://evil.example)\n"
    data = (header + "H1,620121101201,脱贫户,3,x\n").encode()
    at = _upload(open_app, [("![x](http:⁄⁄evil.example⁄x.png).csv", data)])
    assert [e.value for e in at.exception] == []
    shown = rendered_markdown(at)
    assert any("click" in text for text in shown)  # the unknown header is reported ...
    assert [text for text in shown if ACTIVE.search(text) or re.search(r"(?<!\\)\]\(", text)] == []  # ... as text


HOUSEHOLDS = "户编号,村级区划代码,户类型,家庭人口"


@pytest.mark.parametrize("name, data", [
    ("cr-only.csv", f"{HOUSEHOLDS}\rH1,620121101201,脱贫户,3\r".encode()),
    ("big-cell.csv", f"{HOUSEHOLDS}\nH1,620121101201,脱贫户,{'9' * 140_000}\n".encode()),
], ids=["CR-only line endings", "a cell over 128 KB"])
def test_files_that_once_showed_tracebacks_get_a_clear_outcome(open_app, visitor_errors, name, data):
    at = _upload(open_app, [(name, data)])
    assert [e.value for e in at.exception] == []
    # a clear outcome: refused with the reason, or read as the rows it holds ("no problems")
    assert at.error or at.success, [(e.type, e.value) for e in (*at.warning, *at.info, *at.markdown)]
    assert not [e for e in at.error if "Error id" in e.value]  # not the unexpected-error message


def test_a_view_past_the_memory_limit_says_what_to_do(demo_copy, monkeypatch, visitor_errors):
    """A real DuckDB out-of-memory error (this server's page limit set to 2 MB, so the overview's first query
    meets it; the national audit on the 30-million world meets the real 2 GB one): a bilingual warning that names
    the settings, no error id."""
    from analysis.i18n import t
    from analysis.store.connection import MEMORY_ENV

    monkeypatch.setenv(DB_ENV, str(demo_copy))  # a file of its own: its connection is opened with this limit
    monkeypatch.setenv(MEMORY_ENV, "2MB")
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"region": "620000"})
    at.run()
    assert [e.value for e in at.exception] == [] and [e.value for e in at.error] == []
    assert any(t("error_out_of_memory", "zh") in w.value and t("error_out_of_memory", "en") in w.value
               for w in at.warning)

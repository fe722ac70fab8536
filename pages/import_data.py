"""Import 数据导入: upload CSV/XLSX, preview and validate, then load on confirmation.

Told as a county clerk reads it: the preview and every problem use the file's own headers and Excel row
numbers; problems are grouped by cause, and the full list downloads as Excel; blank templates per kind
download here; the uploader's own words follow the page's language.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.store import formats, templates
from analysis.store.ingest import ingest_files, prepare_file
from analysis.store.preview import preview_frame, problem_cells
from analysis.store.problem_report import (
    every_problem,
    group_problems,
    groups_frame,
    in_own_headers,
    problem_workbook,
    problems_frame,
)
from analysis.store.validate import MAX_PROBLEMS
from pages._common import clear_results, current_shell

PREVIEW_ROWS = 20
STATUS = {"loaded": "import_status_loaded", "already_loaded": "import_status_already_loaded",
          "refused": "import_status_refused"}  # FileResult.status
PROBLEM_CELL = "background-color: #fde2e1; color: #8a1c1c"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
shell = current_shell()
lang = shell.lang


@st.cache_data(show_spinner=False, max_entries=6, ttl=3600)
def prepared(name: str, digest: str, kind: str | None, _data: bytes):
    """Parsed and validated upload (in a child process with limits), cached on the file's hash: reruns do
    not parse it again, and the cache never holds the uploaded bytes."""
    return prepare_file(name, _data, kind)


def kind_label(kind: str | None) -> str:
    if kind is None:
        return shell.t("kind_auto")
    return f"{formats.KINDS[kind].zh} · {kind}"


def template_downloads(chosen: str | None) -> None:
    """Blank templates of every kind (the department kinds too), built only when clicked."""
    with st.expander(shell.t("import_templates"), icon=":material/download:"):
        st.caption(shell.t("import_templates_help"))
        kinds = list(formats.KINDS)
        kind = st.selectbox(shell.t("import_template_kind"), kinds, index=kinds.index(chosen) if chosen else 0,
                            format_func=kind_label, key="template_kind")
        left, right = st.columns(2)
        left.download_button(shell.t("import_template_xlsx"), data=lambda: templates.template_xlsx(kind, example=False),
                             file_name=f"template-{kind}.xlsx", mime=XLSX_MIME, icon=":material/table_view:",
                             key="template_xlsx", on_click="ignore")
        right.download_button(shell.t("import_template_csv"), data=lambda: templates.template_csv(kind, example=False),
                              file_name=f"template-{kind}.csv", mime="text/csv", icon=":material/description:",
                              key="template_csv", on_click="ignore")


def show_preview(item, several: bool) -> None:
    with st.expander(shell.t("preview_of", name=item.name), expanded=not several):
        st.caption(shell.t("detected_kind", kind=kind_label(item.kind), rows=f"{len(item.frame):,}"))
        if item.extra_columns:
            st.warning(shell.t("extra_columns", columns=", ".join(map(str, item.extra_columns))))
        preview = preview_frame(item, lang, PREVIEW_ROWS)
        if not preview.empty:
            st.caption(shell.t("import_preview_note", n=PREVIEW_ROWS))
            flagged = problem_cells(preview, item, lang)
            st.dataframe(preview.style.apply(lambda _: flagged.map(lambda bad: PROBLEM_CELL if bad else ""), axis=None),
                         hide_index=True)


def show_problems(problems: list, sheets: dict[str, str | None], cells: int, key: str, every: list | None = None) -> None:
    """One line per cause (counted over `every` problem when given), the listed rows in an expander, and the
    list as Excel (audited)."""
    groups = group_problems(every or problems)
    st.subheader(shell.t("problems_title"))
    st.error(shell.t("problems_count", n=f"{cells:,}", causes=len(groups)))
    wide = {shell.t("reason"): st.column_config.TextColumn(width="large"),
            shell.t("import_reason_zh"): st.column_config.TextColumn(width="large"),
            shell.t("import_reason_en"): st.column_config.TextColumn(width="large")}
    st.dataframe(groups_frame(groups, lang), hide_index=True, column_config=wide)
    with st.expander(shell.t("import_all_problems", n=f"{cells:,}", listed=f"{MAX_PROBLEMS:,}")):
        st.dataframe(problems_frame(problems, lang, sheets), hide_index=True, column_config=wide)
    names = sorted({p.file for p in problems})
    stem = Path(names[0]).stem if len(names) == 1 else "import"
    st.download_button(shell.t("import_download_problems"), icon=":material/download:", mime=XLSX_MIME,
                       data=shell.logged_export(lambda: problem_workbook(problems, lang, sheets),
                                                f"problems-{stem}.xlsx", len(problems)),
                       file_name=f"problems-{stem}.xlsx", key=key, on_click="ignore")


def show_report(report, headers: dict[str, dict[str, str]]) -> None:
    """What the last confirmed import did (kept across the rerun that clears the uploader); `headers` are each
    file's own headers, so problems found while loading name columns as the file does."""
    (st.success if report.ok else st.error)(shell.t("import_done" if report.ok else "import_refused"))
    st.dataframe(pd.DataFrame({
        shell.t("file"): [f.name for f in report.files], shell.t("kind"): [kind_label(f.kind) if f.kind else "" for f in report.files],
        shell.t("status"): [shell.t(STATUS[f.status]) for f in report.files],
        shell.t("import_rows_read"): [f.rows_read for f in report.files],
        shell.t("import_rows_skipped"): [f.rows_skipped for f in report.files],
        shell.t("rows"): [f.rows for f in report.files],
        shell.t("import_rows_loaded"): [f.rows_loaded for f in report.files],
        shell.t("inserted"): [f.inserted for f in report.files],
        shell.t("replaced"): [f.replaced for f in report.files],
    }), hide_index=True)
    if report.problems:
        problems = [named for p in report.problems for named in in_own_headers([p], headers.get(p.file, {}))]
        show_problems(problems, {}, len(problems), "report_problem_list")


def run_import(uploads: list, kind: str | None):
    """Write each upload to its own private folder (names kept, two files of one name never collide) and
    load them all in one transaction."""
    bar = st.progress(0.0, text=shell.t("importing"))
    with tempfile.TemporaryDirectory(prefix="incomewatch-upload-") as folder:
        paths = []
        for number, upload in enumerate(uploads):
            path = Path(folder) / str(number) / Path(upload.name).name
            path.parent.mkdir()
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            report = ingest_files(shell.db_path, paths, kind=kind,
                                  progress=lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0),
                                                                                   text=message))
        except ValueError as error:  # no ID key, or a database still hashed the old way
            report = None
            st.error(shell.t("import_cannot_start", error=error))
    bar.empty()
    return report


st.title(shell.t("import_title"))
st.caption(shell.t("import_intro"))
shell.uploader_words(("CSV", "XLSX"))
if "last_import" in st.session_state:
    show_report(*st.session_state.pop("last_import"))

kind = st.selectbox(shell.t("kind"), [None, *formats.KINDS], format_func=kind_label)
template_downloads(kind)
round_ = st.session_state.setdefault("upload_round", 0)
uploads = st.file_uploader(shell.t("files"), type=["csv", "xlsx"], accept_multiple_files=True,
                           key=f"uploads_{round_}")
if not uploads:
    st.stop()

problems, every, sheets, headers, cells, unreadable = [], [], {}, {}, 0, False
for upload in uploads:
    data = upload.getvalue()
    try:
        item = prepared(upload.name, hashlib.sha256(data).hexdigest(), kind, data)
    except ValueError as error:
        st.error(shell.t("unreadable_file", name=upload.name, error=error))
        unreadable = True
        continue
    problems.extend(in_own_headers(item.problems, item.headers))
    every.extend(in_own_headers(every_problem(item), item.headers))
    sheets[item.name], headers[item.name] = item.sheet, item.headers
    cells += item.log.count if item.log is not None else len(item.problems)
    show_preview(item, len(uploads) > 1)

if problems:
    show_problems(problems, sheets, cells, "problem_list", every)
elif not unreadable:
    st.success(shell.t("no_problems"))

if st.button(shell.t("confirm_import"), type="primary", disabled=bool(problems) or unreadable):
    report = run_import(uploads, kind)
    if report is None:
        st.stop()
    shell.audit("import", target=", ".join(Path(u.name).name for u in uploads),
                rows=sum(f.rows or 0 for f in report.files), filters={"ok": report.ok, "kind": kind})
    if report.ok:
        clear_results()
        st.session_state["upload_round"] = round_ + 1
    st.session_state["last_import"] = (report, headers)
    st.rerun()

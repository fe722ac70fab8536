"""Import 数据导入: upload CSV/XLSX, preview and validate, then load on confirmation."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.store import formats
from analysis.store.ingest import ingest_files, prepare_file
from pages._common import current_shell

PREVIEW_ROWS = 20
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


def problems_frame(problems: list) -> pd.DataFrame:
    reasons = [p.reason_en if lang == "en" else p.reason_zh for p in problems]
    return pd.DataFrame({
        shell.t("file"): [p.file for p in problems], shell.t("row"): [p.row for p in problems],
        shell.t("column"): [p.column for p in problems], shell.t("value"): [str(p.value) for p in problems],
        shell.t("reason"): reasons,
    })


def show_report(report) -> None:
    """What the last confirmed import did (kept across the rerun that clears the uploader)."""
    (st.success if report.ok else st.error)(shell.t("import_done" if report.ok else "import_refused"))
    st.dataframe(pd.DataFrame({
        shell.t("file"): [f.name for f in report.files], shell.t("kind"): [f.kind for f in report.files],
        shell.t("status"): [f.status for f in report.files],
        shell.t("import_rows_read"): [f.rows_read for f in report.files],
        shell.t("import_rows_skipped"): [f.rows_skipped for f in report.files],
        shell.t("rows"): [f.rows for f in report.files],
        shell.t("import_rows_loaded"): [f.rows_loaded for f in report.files],
        shell.t("inserted"): [f.inserted for f in report.files],
        shell.t("replaced"): [f.replaced for f in report.files],
    }), hide_index=True)
    if report.problems:
        st.dataframe(problems_frame(report.problems), hide_index=True)


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
if "last_import" in st.session_state:
    show_report(st.session_state.pop("last_import"))

kind = st.selectbox(shell.t("kind"), [None, *formats.KINDS], format_func=kind_label)
round_ = st.session_state.setdefault("upload_round", 0)
uploads = st.file_uploader(shell.t("files"), type=["csv", "xlsx"], accept_multiple_files=True,
                           key=f"uploads_{round_}")
if not uploads:
    st.stop()

problems = []
for upload in uploads:
    data = upload.getvalue()
    try:
        item = prepared(upload.name, hashlib.sha256(data).hexdigest(), kind, data)
    except ValueError as error:
        st.error(shell.t("unreadable_file", name=upload.name, error=error))
        problems.append(None)
        continue
    problems.extend(item.problems)
    with st.expander(shell.t("preview_of", name=upload.name), expanded=len(uploads) == 1):
        st.caption(shell.t("detected_kind", kind=kind_label(item.kind), rows=f"{len(item.frame):,}"))
        if item.extra_columns:
            st.warning(shell.t("extra_columns", columns=", ".join(map(str, item.extra_columns))))
        st.dataframe(item.frame.head(PREVIEW_ROWS), hide_index=True)

real_problems = [p for p in problems if p is not None]
if real_problems:
    st.subheader(shell.t("problems_title"))
    st.error(shell.t("problems_count", n=len(real_problems)))
    st.dataframe(problems_frame(real_problems), hide_index=True)
elif not problems:
    st.success(shell.t("no_problems"))

if st.button(shell.t("confirm_import"), type="primary", disabled=bool(problems)):
    report = run_import(uploads, kind)
    if report is None:
        st.stop()
    shell.audit("import", target=", ".join(Path(u.name).name for u in uploads),
                rows=sum(f.rows or 0 for f in report.files), filters={"ok": report.ok, "kind": kind})
    if report.ok:
        st.cache_data.clear()
        st.session_state["upload_round"] = round_ + 1
    st.session_state["last_import"] = report
    st.rerun()

"""Import 数据导入: upload CSV/XLSX, preview and validate, then load on confirmation."""
from __future__ import annotations

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


@st.cache_data(show_spinner=False, max_entries=32)
def prepared(name: str, data: bytes, kind: str | None):
    """Parsed and validated upload; cached on its bytes so reruns do not parse it again."""
    return prepare_file(name, data, kind)


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
        shell.t("status"): [f.status for f in report.files], shell.t("rows"): [f.rows for f in report.files],
        shell.t("inserted"): [f.inserted for f in report.files],
        shell.t("replaced"): [f.replaced for f in report.files],
    }), hide_index=True)
    if report.problems:
        st.dataframe(problems_frame(report.problems), hide_index=True)


def run_import(uploads: list, kind: str | None):
    """Write the uploads to a private folder (names kept) and load them in one transaction."""
    bar = st.progress(0.0, text=shell.t("importing"))
    with tempfile.TemporaryDirectory(prefix="incomewatch-upload-") as folder:
        paths = []
        for upload in uploads:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        report = ingest_files(shell.db_path, paths, kind=kind,
                              progress=lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0),
                                                                               text=message))
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
    try:
        item = prepared(upload.name, upload.getvalue(), kind)
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
    shell.audit("import", target=", ".join(Path(u.name).name for u in uploads),
                rows=sum(f.rows or 0 for f in report.files), filters={"ok": report.ok, "kind": kind})
    if report.ok:
        st.cache_data.clear()
        st.session_state["upload_round"] = round_ + 1
    st.session_state["last_import"] = report
    st.rerun()

"""Audit log 审计日志: who looked at or exported what; the chain is verified on every visit (auditors only)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from analysis.access import settings
from analysis.access.audit import ACTIONS, AuditLog
from analysis.access.scope import NotPermitted
from pages._common import current_shell

shell = current_shell()
if not shell.allows("audit"):
    shell.deny(NotPermitted("audit_log", "audit"))
log = AuditLog(shell.audit_path)

st.title(shell.t("audit_title"))
st.caption(shell.t("audit_caption"))
days = settings.retention_days()
moved = log.archive(days)
if moved:
    st.info(shell.t("audit_archived", n=moved, days=f"{days:g}"))
check = log.verify()
if check.ok:
    st.success(shell.t("audit_verified", n=check.entries, hash=check.last_hash), icon=":material/verified:")
else:
    st.error(shell.t("audit_broken", line=check.line, problem=check.problem), icon=":material/gpp_bad:")

left, middle, right, last = st.columns(4)
today = datetime.now(UTC).date()
since = left.date_input(shell.t("audit_since"), value=today - timedelta(days=30), key="audit_since")
until = middle.date_input(shell.t("audit_until"), value=today, key="audit_until")
action = right.selectbox(shell.t("audit_action"), ["", *ACTIONS], key="audit_action",
                         format_func=lambda a: a or shell.t("audit_any"))
user = last.text_input(shell.t("audit_user"), key="audit_user").strip()
archived = st.toggle(shell.t("audit_include_archive"), key="audit_archive")


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


entries = log.entries(since=_start(since), until=_start(until + timedelta(days=1)), user=user or None,
                      action=action or None, include_archive=archived)
if not entries:
    st.info(shell.t("audit_empty"))
    st.stop()
frame = pd.DataFrame(entries)[["seq", "time", "user", "role", "scope", "action", "target", "rows", "filters", "hash"]]
frame = frame.assign(filters=frame["filters"].map(lambda f: ", ".join(f"{k}={v}" for k, v in f.items())),
                     rows=frame["rows"].astype("Int64"))
st.dataframe(frame.iloc[::-1], hide_index=True)
shell.table_downloads(frame, "audit-log", key="audit-log")

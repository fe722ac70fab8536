"""Audit log 审计日志: who looked at or exported what; the chain is verified on every visit (auditors only)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from analysis import tables
from analysis.access import settings
from analysis.access.audit import ACTIONS, AuditLog
from analysis.access.audit_query import AuditFilter, count, query
from analysis.access.policy import load_policy
from analysis.access.scope import NotPermitted
from analysis.regioncodes import is_region_code
from pages._common import current_shell, working

PAGE_SIZE = 100

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
full = st.button(shell.t("auditlog_full_check"), key="audit_full_check", icon=":material/fact_check:")
with working(shell.t("auditlog_verifying")):
    check = log.verify(resume=not full)
if check.ok:
    st.success(shell.t("audit_verified", n=check.entries, hash=check.last_hash), icon=":material/verified:")
elif check.line:
    st.error(shell.t("audit_broken", line=check.line, problem=check.problem), icon=":material/gpp_bad:")
else:
    st.error(shell.t("auditlog_broken", problem=check.problem), icon=":material/gpp_bad:")
for alert in check.alerts:
    st.warning(shell.t("auditlog_alert", alert=alert), icon=":material/warning:")
if check.checked_from > 1:
    st.caption(shell.t("auditlog_resumed", seq=check.checked_from))
for note in check.notes:
    st.caption(shell.t("auditlog_note", note=note))


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


top = st.columns(4)
today = datetime.now(UTC).date()
since = top[0].date_input(shell.t("audit_since"), value=today - timedelta(days=30), key="audit_since")
until = top[1].date_input(shell.t("audit_until"), value=today, key="audit_until")
action = top[2].selectbox(shell.t("audit_action"), ["", *ACTIONS], key="audit_action",
                          format_func=lambda a: a or shell.t("audit_any"))
role = top[3].selectbox(shell.t("auditlog_role"), ["", *load_policy().roles], key="audit_role",
                        format_func=lambda r: r or shell.t("audit_any"))
bottom = st.columns(4)
user = bottom[0].text_input(shell.t("audit_user"), key="audit_user").strip()
region = bottom[1].text_input(shell.t("auditlog_region"), key="audit_region").strip()
target = bottom[2].text_input(shell.t("auditlog_target"), key="audit_target").strip()
archived = bottom[3].toggle(shell.t("audit_include_archive"), key="audit_archive")
if region and not is_region_code(region):
    st.error(shell.t("auditlog_bad_region", code=region))
    st.stop()

wanted = AuditFilter(since=_start(since), until=_start(until + timedelta(days=1)), user=user, role=role,
                     action=action, region=region, target=target, include_archive=archived)
total = count(log, wanted)
if not total:
    st.info(shell.t("audit_empty"))
    st.stop()
pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
number = int(st.number_input(shell.t("auditlog_page_number"), 1, pages, 1, key="audit_page_number"))
shown = query(log, wanted, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
st.caption(shell.t("auditlog_showing", first=(number - 1) * PAGE_SIZE + 1, last=(number - 1) * PAGE_SIZE + len(shown),
                   total=total))
HEADERS = {"seq": "auditlog_col_seq", "time": "auditlog_col_time", "user": "auditlog_col_user",
           "role": "auditlog_col_role", "scope": "auditlog_col_scope", "action": "auditlog_col_action",
           "target": "auditlog_col_target", "rows": "auditlog_col_rows", "filters": "auditlog_col_filters",
           "hash": "auditlog_col_hash"}
shell.table(shown.rename(columns={column: shell.t(key) for column, key in HEADERS.items()}),
            {shell.t("auditlog_col_seq"): "sequence", shell.t("auditlog_col_rows"): "count"})


def _export() -> bytes:
    """The whole filtered log, built on click; the download is recorded with the filter and row count."""
    shell.audit("export", target=f"{shell.file_stem('audit-log')}.csv", filters=wanted.as_dict(), rows=total)
    return tables.to_csv_bytes(query(log, wanted, limit=None))


if shell.allows("export"):
    st.download_button(shell.t("auditlog_download", n=total), data=_export, key="audit-log-csv", on_click="ignore",
                       file_name=f"{shell.file_stem('audit-log')}.csv", mime="text/csv", icon=":material/download:")

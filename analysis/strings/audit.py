"""Strings of the audit-log page's filters, paging and checkpoint messages (issue 13; `audit_` keys are in access)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "auditlog_role": ("角色", "Role"),
    "auditlog_col_seq": ("序号", "No."),
    "auditlog_col_time": ("时间", "Time"),
    "auditlog_col_user": ("用户", "User"),
    "auditlog_col_role": ("角色", "Role"),
    "auditlog_col_scope": ("范围", "Scope"),
    "auditlog_col_action": ("操作", "Action"),
    "auditlog_col_target": ("对象", "Target"),
    "auditlog_col_rows": ("行数", "Rows"),
    "auditlog_col_filters": ("筛选条件", "Filters"),
    "auditlog_col_hash": ("哈希", "Hash"),
    "auditlog_region": ("地区代码（含下级）", "Area code (and places inside it)"),
    "auditlog_target": ("对象包含", "Target contains"),
    "auditlog_page_number": ("页码", "Page"),
    "auditlog_showing": ("第 {first}–{last} 条，共 {total} 条（最新在前）", "Entries {first}–{last} of {total} (newest first)"),
    "auditlog_broken": ("校验失败：{problem}", "Verification failed: {problem}"),
    "auditlog_alert": ("日志记录的异常：{alert}", "Incident recorded in the log: {alert}"),
    "auditlog_note": ("说明：{note}", "Note: {note}"),
    "auditlog_bad_region": ("地区代码无效：{code}（应为 6、9 或 12 位数字）", "Not an area code: {code} (6, 9 or 12 digits)"),
    "auditlog_download": ("下载筛选结果 CSV（{n} 条，记入审计日志）", "Download the filtered log as CSV ({n} entries, audited)"),
    "auditlog_verifying": ("正在校验哈希链……", "Verifying the hash chain…"),
    "auditlog_full_check": ("完整校验（从第 1 条起）", "Full verification (from entry 1)"),
    "auditlog_resumed": ("快速校验：本次从第 {seq} 条起校验，之前的记录已在上次校验中通过；原位等长篡改只有完整校验能发现（命令行 `audit-log verify`，建议每日运行）。",
                         "Quick check: this run started at entry {seq}; earlier entries passed an earlier run. An entry edited in place at the same length is found only by a full run (`audit-log verify` on the command line, e.g. nightly)."),
}

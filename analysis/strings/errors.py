"""Strings for unexpected errors (pages/_errors.py)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "error_unexpected": (
        "抱歉，本页出现意外错误，未能显示。错误编号：{id}。请把这个编号告诉系统管理员（服务器日志中有详细记录）；"
        "可以换一个地区或年度，或稍后刷新页面。",
        "Sorry, this page hit an unexpected error and could not be shown. Error id: {id}. Please give this id to "
        "your administrator (the server log has the details); try another region or year, or reload later."),
}

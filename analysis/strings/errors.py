"""Strings for unexpected errors (pages/_errors.py)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "error_unexpected": (
        "抱歉，本页出现意外错误，未能显示。错误编号：{id}。请把这个编号告诉系统管理员（服务器日志中有详细记录）；"
        "可以换一个地区或年度，或稍后刷新页面。",
        "Sorry, this page hit an unexpected error and could not be shown. Error id: {id}. Please give this id to "
        "your administrator (the server log has the details); try another region or year, or reload later."),
    "error_out_of_memory": (
        "这一视图的计算超出了本服务器为页面设定的内存上限（INCOMEWATCH_DUCKDB_MEMORY），未能显示。请选择一个省、市或县；"
        "或请管理员以更大的内存预算运行预计算任务（INCOMEWATCH_PRECOMPUTE_MEMORY，python -m analysis precompute），"
        "之后此视图直接读取其结果。",
        "This view needs more memory than this server gives a page (INCOMEWATCH_DUCKDB_MEMORY) and could not be "
        "shown. Choose a province, city or county; or ask your administrator to run the precompute job with a larger "
        "budget (INCOMEWATCH_PRECOMPUTE_MEMORY, python -m analysis precompute), after which this view reads its "
        "result."),
}

"""What the Data page lists: the import log and the import format's data dictionary."""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.store import formats

# Column type (as analysis.store.formats names it) -> how the dictionary describes it.
TYPE_WORDS: dict[str, tuple[str, str]] = {
    formats.TEXT: ("文本", "text"),
    formats.VILLAGE: ("12 位村级代码", "12-digit village code"),
    formats.COUNTY: ("6 位县级代码", "6-digit county code"),
    formats.PROVINCE: ("6 位省级代码（000000 = 全国）", "6-digit province code (000000 = national)"),
    formats.REGION: ("6 位区划代码（000000 = 全国）", "6-digit region code (000000 = national)"),
    formats.INT: ("整数", "integer"),
    formats.BIGINT: ("整数", "integer"),
    formats.NUMBER: ("数值", "number"),
    formats.MONEY: ("金额（元，表头注明万元时换算）", "amount (yuan; 万元 headers are converted)"),
    formats.PRICE: ("价格（元/公斤）", "price (yuan per kg)"),
    formats.AREA: ("面积（公顷）", "area (hectares)"),
    formats.YEAR: ("年度", "year"),
    formats.DATE: ("日期", "date"),
    formats.MONTH: ("月份", "month"),
    formats.BOOL: ("是/否", "yes/no"),
    formats.CHOICE: ("选项", "choice"),
    formats.SEVERITY: ("等级 1–4", "level 1–4"),
    formats.NAME: ("姓名（仅保存脱敏形式）", "name (stored masked only)"),
    formats.ID_NUMBER: ("身份证号（仅保存哈希和脱敏形式）", "ID number (stored hashed and masked only)"),
}
HEADERS = {
    "zh": ("数据类型", "中文列名", "英文列名", "类型", "必填", "可选值"),
    "en": ("Kind", "Chinese header", "English header", "Type", "Required", "Allowed values"),
}


def data_dictionary(lang: str = "zh") -> pd.DataFrame:
    """One row per column of every kind in import format v1, with headers in `lang`."""
    yes, no = ("是", "否") if lang != "en" else ("yes", "no")
    rows = []
    for kind in formats.KINDS.values():
        for column in kind.columns:
            zh_type, en_type = TYPE_WORDS.get(column.type, (column.type, column.type))
            choices = " · ".join(dict.fromkeys(column.choices.values())) if column.choices else ""
            rows.append((f"{kind.zh} · {kind.name}", column.zh, column.name, en_type if lang == "en" else zh_type,
                         yes if column.required else no, choices))
    return pd.DataFrame(rows, columns=list(HEADERS["en" if lang == "en" else "zh"]))


def import_log(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files loaded so far, newest first."""
    return cur.execute(
        "SELECT imported_at, file_name, kind, rows, inserted, replaced, outcome FROM import_log "
        "ORDER BY imported_at DESC, import_id DESC"
    ).df()

"""Small phrases the auto-written paragraphs share: changes, shares and lists of named values."""
from __future__ import annotations

import math

import duckdb

from analysis import formatting
from analysis.briefing.model import Context
from analysis.i18n import region_name, t
from analysis.regioncodes import NATIONAL

FLAT = 0.0005  # a change that rounds to 0.0% reads as "about the same"


def change(ctx: Context, growth: float | None) -> str:
    """"增长5.2%" / "down 3.1%"; "about the same" or "no previous year" when there is nothing to say."""
    if growth is None or (isinstance(growth, float) and math.isnan(growth)):
        return ctx.t("brief_change_unknown")
    if abs(growth) < FLAT:
        return ctx.t("brief_change_flat")
    key = "brief_change_up" if growth > 0 else "brief_change_down"
    return ctx.t(key, pct=formatting.percent(abs(growth)))


def items(ctx: Context, pairs: list[tuple[str, str]]) -> str:
    """"临夏县（12.3%）、东乡县（11.0%）" from (name, value) pairs."""
    return ctx.t("brief_list_sep").join(ctx.t("brief_item", name=name, value=value) for name, value in pairs)


def region_label(cur: duckdb.DuckDBPyConnection, code: str, lang: str) -> str:
    """A region's name in `lang` ("全国" for 000000); the code itself when the register lacks it."""
    if code == NATIONAL:
        return t("national", lang)
    row = cur.execute("SELECT name, name_en FROM regions WHERE code = $code LIMIT 1", {"code": code}).fetchone()
    return code if row is None else region_name(row[0], row[1], lang)

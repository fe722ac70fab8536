"""Numbers as leaders read them, formatted on the server (the browser's locale is not China's).

Chinese: counts of 10,000 and more in 万, of 100 million and more in 亿 ("1.23万", "1.23亿");
per-capita yuan in full ("14,342 元"). English: thousands separators up to a million, then
"1.2 million" / "1.2 billion". Rounding is half-up on the decimal value, so 12,355 → "1.24万".
Missing or non-finite values (None, NaN, NA, ±inf) show as an em dash.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import pandas as pd

from analysis.textsafe import MISSING

_WIDE = Context(prec=330)  # every finite float in full, e.g. a 1e308 that an absurd import summed to
_ZH_UNITS = ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万"))
_EN_UNITS = ((Decimal(1_000_000_000), " billion"), (Decimal(1_000_000), " million"))


def _is_missing(value: float | int | None) -> bool:
    """None, NaN, pandas' NA and ±inf: nothing a leader can read (inf comes from a sum that overflowed)."""
    try:
        return value is None or not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)


def _grouped(value: Decimal, decimals: int) -> str:
    rounded = _round(value, decimals)
    return f"{abs(rounded) if rounded == 0 else rounded:,.{decimals}f}"  # never "-0"


def _scaled(value: float | int, units: tuple[tuple[Decimal, str], ...], decimals: int) -> str | None:
    """`value` in the largest unit it reaches, or None below the smallest unit.

    A value that rounds up to the next unit moves there (99,999,999 → "1.00亿", not "10000.00万");
    below the smallest unit the value stays exact (9,999 is not "1.00万").
    """
    number = Decimal(str(value))
    for position, (size, suffix) in enumerate(units):
        scaled = _round(number / size, decimals)
        reached = abs(number) >= size if position == len(units) - 1 else abs(scaled) >= 1
        if reached:
            return f"{scaled:,.{decimals}f}{suffix}"
    return None


def count(value: float | int | None, lang: str = "zh", *, decimals: int | None = None) -> str:
    """A count of households or people: "1.23万" / "12,345"; "1.2 million" in English."""
    if _is_missing(value):
        return MISSING
    if lang == "en":
        scaled = _scaled(value, _EN_UNITS, 1 if decimals is None else decimals)
    else:
        scaled = _scaled(value, _ZH_UNITS, 2 if decimals is None else decimals)
    return scaled or _grouped(Decimal(str(value)), 0)


def yuan(value: float | None, lang: str = "zh") -> str:
    """A per-person or per-household amount in full: "14,342 元" / "14,342 yuan"."""
    if _is_missing(value):
        return MISSING
    return f"{_grouped(Decimal(str(value)), 0)} {'yuan' if lang == 'en' else '元'}"


def yuan_total(value: float | None, lang: str = "zh") -> str:
    """A total amount: "1.23亿元" / "123.5 million yuan"; small amounts in full."""
    if _is_missing(value):
        return MISSING
    if lang == "en":
        return f"{count(value, 'en')} yuan"
    return f"{count(value, 'zh')}元"


def percent(share: float | None, *, decimals: int = 1) -> str:
    """A share (0.123) as "12.3%"."""
    if _is_missing(share):
        return MISSING
    return f"{_grouped(Decimal(str(share)) * 100, decimals)}%"


def signed_percent(change: float | None, *, decimals: int = 1) -> str:
    """A change (0.052) as "+5.2%" or "-3.1%"; zero after rounding as "0.0%"."""
    if _is_missing(change):
        return MISSING
    text = percent(change, decimals=decimals)
    rounded = _round(Decimal(str(change)) * 100, decimals)
    return f"+{text}" if rounded > 0 else text


# One rounding for every path: tables, charts, Excel, CSV, Word and slides round as the cards do.
# (pandas' .round() rounds half to even and printf's %d truncates: 14,416.5 became 14,416 in a table
# beside 14,417 on the card.) `KINDS` names what a column holds and how it is shown.
KINDS = {
    "count": 0,     # households, people: whole numbers
    "yuan": 0,      # per-capita or per-household yuan: whole yuan
    "yuan_total": 0,
    "percent": 1,   # shares and changes, stored as fractions (0.123), shown as 12.3%
    "ratio": 2,     # scores and coefficients (+0.85)
    "price": 2,     # yuan per kilogram
    "per_mille": 1,  # rates stored as per mille (12.3), shown as 12.3‰
    "multiple": 2,  # multiples of a line (1.23×)
    "odds_ratio": 3,  # a model's odds ratios and their bounds (1.234)
    "rank": 0,      # a place in a ranking (1, 2, 3): no separators, it is a position, not an amount
    "sequence": 0,  # an entry's number in a log (1024): an identifier, never grouped
}
UNGROUPED = ("rank", "sequence")
EXCEL_FORMATS = {
    "count": "#,##0", "yuan": "#,##0", "yuan_total": "#,##0", "percent": "0.0%", "ratio": "0.00", "price": "#,##0.00",
    "per_mille": '0.0"‰"', "multiple": '0.00"×"', "odds_ratio": "0.000", "rank": "0", "sequence": "0",
}


def half_up(value: float | int | None, decimals: int = 0) -> float | None:
    """`value` rounded half-up (away from zero) on its decimal value, as every text here rounds."""
    if _is_missing(value):
        return None
    return float(_round(Decimal(str(value)), decimals))


def scaled_half_up(values: Iterable, scale: float, decimals: int = 1) -> list[float | None]:
    """Stored values shown `scale` times larger (a share as %: 100), rounded half-up on their decimal digits as the
    cards round them, so a table cell and a card never differ in the last digit."""
    factor = Decimal(str(scale))
    return [None if _is_missing(v) else float(_round(Decimal(str(v)) * factor, decimals)) for v in values]


def rounded_array(values: Iterable, kind: str, scale: int = 1) -> np.ndarray:
    """`values` × `scale` (1, or 100 for a share shown as %) rounded as `kind` as `half_up` rounds each one, NaN
    where missing: whole numeric columns at once (on the 30-million world the per-value Decimal rounding of a
    national table was 1.7 s of a page's first view)."""
    decimals = KINDS[kind] + (2 if kind == "percent" and scale == 1 else 0)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return np.array([np.nan if r is None else r for r in scaled_half_up(series, scale, decimals)], dtype=float)
    raw = series.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN are set aside below
        x = raw * scale
        steps = np.abs(x) * 10.0**decimals
        whole = np.floor(steps)
        part = steps - whole
        out = np.copysign(whole + (part >= 0.5), x) / 10.0**decimals
    # Near a tie the decimal text can lie on the other side of it than the binary value (2.675 is stored as
    # 2.67499999…), and past 2**52 steps floats skip integers: those few are rounded on their text, one by one.
    known = np.isfinite(raw)
    out[~known] = np.nan
    doubtful = np.flatnonzero(known & ((np.abs(part - 0.5) < 1e-6) | ~(steps < 2.0**52)))  # inf steps: doubtful
    if len(doubtful):
        out[doubtful] = scaled_half_up(series.iloc[doubtful], scale, decimals)
    return out


def for_display(frame: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """A copy with the named columns rounded as their text would be, percents as 12.3 (for printf "%.1f%%")."""
    out = frame.copy()
    for column, kind in kinds.items():
        out[column] = pd.Series(rounded_array(out[column], kind, 100 if kind == "percent" else 1), index=out.index)
    return out


PRINTF = {"count": "%,d", "yuan": "%,d", "yuan_total": "%,d", "percent": "%.1f%%", "ratio": "%.2f", "price": "%,.2f",
          "per_mille": "%.1f‰", "multiple": "%.2f×", "odds_ratio": "%.3f", "rank": "%d", "sequence": "%d"}
SUFFIXES = {"per_mille": "‰", "multiple": "×"}  # written after the number, as the kind's printf writes it


def printf(kind: str, lang: str = "zh", *, signed: bool = False) -> str:
    """The printf format a table column of `kind` uses on screen (values already rounded by for_display)."""
    text = PRINTF[kind].replace("%", "%+", 1) if signed else PRINTF[kind]
    if kind in ("yuan", "yuan_total"):
        text += " yuan" if lang == "en" else " 元"
    return text


def as_text(number: float | int | None, kind: str, lang: str = "zh") -> str:
    """One number as text by its kind: the single entry point for tables, documents and slides."""
    if kind == "count":
        return count(number, lang)
    if kind == "yuan":
        return yuan(number, lang)
    if kind == "yuan_total":
        return yuan_total(number, lang)
    if kind == "percent":
        return percent(number)
    if _is_missing(number):
        return MISSING
    if kind in UNGROUPED:
        return str(int(_round(Decimal(str(number)), 0)))
    return _grouped(Decimal(str(number)), KINDS[kind]) + SUFFIXES.get(kind, "")


def as_written(value: float | int | None) -> str:
    """A parameter as its file writes it, thousands grouped: "10,000", "0.3", "4" (a threshold, not a measure)."""
    if _is_missing(value):
        return MISSING
    return f"{Decimal(str(value)).normalize(_WIDE):,f}"


def compact(number: float | int, lang: str = "zh") -> str:
    """An axis tick: "2万", "1.5亿", "2,000" in Chinese; "20,000", "1.5 million" in English."""
    text = count(number, lang, decimals=2)
    for unit in ("万", "亿", " million", " billion"):
        if unit in text:
            head = text.replace(unit, "")
            head = head.rstrip("0").rstrip(".") if "." in head else head
            return head + unit
    return text


def nice_ticks(high: float, low: float = 0.0, count_wanted: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values covering [low, high] and one step beyond (plotly shows those inside its range).

    `whole`: steps of at least 1, for counts (a range of 0–1.2 would otherwise label 0, 0, 1, 1, 1).

    Empty for a range that is not finite (NaN, or inf from an overflowing sum): plotly then picks its own.
    """
    if not math.isfinite(high - low):
        return []
    span = max(high - low, 1e-9)
    raw = span / count_wanted
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    step = max(step, 1) if whole else step
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while tick <= high + step * 1.000001:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def axis_ticks(high: float, lang: str = "zh", low: float = 0.0, *, suffix: str = "", whole: bool = False) -> dict:
    """tickvals/ticktext for a value axis, labelled 万/亿 in Chinese (plotly knows only k/M/G)."""
    values = nice_ticks(high, low, whole=whole)
    if not values:
        return {}
    return {"tickmode": "array", "tickvals": values, "ticktext": [compact(v, lang) + suffix for v in values]}


def value_range(low: str, high: str) -> str:
    """"18–24", or one value when both ends read the same (never "21–21")."""
    return low if low == high else f"{low}–{high}"

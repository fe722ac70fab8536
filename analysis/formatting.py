"""Numbers as leaders read them, formatted on the server (the browser's locale is not China's).

Chinese: counts of 10,000 and more in 万, of 100 million and more in 亿 ("1.23万", "1.23亿");
per-capita yuan in full ("14,342 元"). English: thousands separators up to a million, then
"1.2 million" / "1.2 billion". Rounding is half-up on the decimal value, so 12,355 → "1.24万".
Missing values (None, NaN) show as an em dash.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
_ZH_UNITS = ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万"))
_EN_UNITS = ((Decimal(1_000_000_000), " billion"), (Decimal(1_000_000), " million"))


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


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

"""Plausibility bounds for imported values, read from data/plausibility_bounds.toml.

Bounds sit between the format's hard rules (a count is never negative) and the data: a value outside
them is refused as a likely unit or typing error. When the value is about 10,000 times a plausible one
(or a 10,000th of it), the reason names a 万元/元 mix-up.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.config import DATA_DIR

BOUNDS_FILE = DATA_DIR / "plausibility_bounds.toml"
NET_INCOME_COMPONENTS = ("wage_income", "crop_income", "livestock_income", "other_operating_income",
                         "property_income", "transfer_income")
WAN = 10_000.0


@dataclass(frozen=True)
class Bound:
    low: float
    high: float
    unit: str

    def holds(self, values: pd.Series) -> np.ndarray:
        """True where the value is inside the bound or missing."""
        number = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return np.isnan(number) | ((number >= self.low) & (number <= self.high))


def net_income(frame: pd.DataFrame, components: list[str]) -> np.ndarray:
    """Row sums of the income components present; NaN where every one is missing (pandas' min_count=1)."""
    values = frame[components].to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isnan(values).all(axis=1), np.nan, np.nansum(values, axis=1))


@functools.cache
def _table() -> dict[str, dict[str, Bound]]:
    raw = tomllib.loads(BOUNDS_FILE.read_text(encoding="utf-8"))
    return {section: {name: Bound(float(v["low"]), float(v["high"]), str(v["unit"])) for name, v in values.items()}
            for section, values in raw.items() if isinstance(values, dict)}


def column_bound(kind: str, column: str) -> Bound | None:
    """The bound of a column of a kind (prices are bounded per commodity: see price_bounds)."""
    return None if kind == "prices" else _table().get(kind, {}).get(column)


def price_bounds() -> dict[str, Bound]:
    """Commodity (stored code) -> bound of its price per kg."""
    return dict(_table().get("prices", {}))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def reasons(bound: Bound, values: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Chinese and English reasons for values outside the bound, naming a 万元/元 mix-up where it fits."""
    span_zh = f"超出合理范围（{_number(bound.low)} 到 {_number(bound.high)}，{bound.unit}），请核对"
    span_en = f"outside the plausible range ({_number(bound.low)} to {_number(bound.high)}, {bound.unit}): please check"
    # a mix-up only when the value is far off (10× past the bound) and fits once divided or multiplied by 10,000
    with np.errstate(over="ignore"):
        too_big = (values / WAN >= bound.low) & (values / WAN <= bound.high) & (values > 10 * bound.high)
        too_small = (values * WAN >= bound.low) & (values * WAN <= bound.high) & (values < bound.low / 10)
    big_zh = ("约为合理值的一万倍：表头写的是「万元」，数值却是以元为单位？" if factor == WAN
              else "约为合理值的一万倍：是否多写了位数，或单位有误？")
    big_en = ("about 10,000 times a plausible value: yuan amounts under a 万元 (10,000 yuan) header?" if factor == WAN
              else "about 10,000 times a plausible value: extra digits or a wrong unit?")
    small_zh = "约为合理值的万分之一：数值是以万元为单位，表头却是元？请在表头注明（万元）"
    small_en = "about 1/10,000 of a plausible value: 万元 (10,000 yuan) amounts under a yuan header? Say (万元) in the header"
    zh = np.where(too_big, big_zh + span_zh, np.where(too_small, small_zh + span_zh, span_zh))
    en = np.where(too_big, big_en + " " + span_en, np.where(too_small, small_en + " " + span_en, span_en))
    return zh, en

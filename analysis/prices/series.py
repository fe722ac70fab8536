"""Price series as the pages read them: weekly or monthly, per commodity and price region, and their parts.

Prices are collected nationally (000000) and per province; a county or city reads its province's
series when the database has one, else the national series. `through_year` (the sidebar's year) ends a
series in that year's December, so a past year is seen as it stood then; None reads every price.
"""
from __future__ import annotations

import datetime

import duckdb
import numpy as np
import pandas as pd

from analysis.regioncodes import NATIONAL, province_of

FREQUENCIES = ("month", "week")  # whitelist: the only date_trunc units in SQL text

_REGIONS = "SELECT DISTINCT region_code FROM prices WHERE region_code IN ($province, $national)"
_COMMODITIES = "SELECT DISTINCT commodity FROM prices WHERE region_code = $region ORDER BY commodity"
_SERIES = """
SELECT date_trunc('{unit}', date)::DATE AS date, avg(price) AS price
FROM prices WHERE region_code = $region AND commodity = $commodity AND date <= $through
GROUP BY 1 ORDER BY 1
"""
_ALL_MONTHLY = """
SELECT commodity, date_trunc('month', date)::DATE AS date, avg(price) AS price
FROM prices WHERE region_code = $region AND date <= $through
GROUP BY ALL ORDER BY commodity, date
"""


def through_date(through_year: int | None) -> datetime.date:
    """The last price date a view includes: 31 December of `through_year`, or no limit."""
    return datetime.date.max if through_year is None else datetime.date(int(through_year), 12, 31)


def price_region(cur: duckdb.DuckDBPyConnection, region_code: str) -> str:
    """The price series that applies to a region: its province's if loaded, else the national one."""
    province = province_of(region_code)  # 000000 (China) for the whole country
    found = {code for (code,) in cur.execute(_REGIONS, {"province": province, "national": NATIONAL}).fetchall()}
    return province if province in found else NATIONAL


def available_commodities(cur: duckdb.DuckDBPyConnection, region_code: str) -> list[str]:
    region = price_region(cur, region_code)
    return [c for (c,) in cur.execute(_COMMODITIES, {"region": region}).fetchall()]


def price_series(cur: duckdb.DuckDBPyConnection, region_code: str, commodity: str, freq: str = "month",
                 through_year: int | None = None) -> pd.DataFrame:
    """date, price: mean price per week (Monday) or month (first day) of the region's price series."""
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {FREQUENCIES}")
    region = price_region(cur, region_code)
    return cur.execute(_SERIES.format(unit=freq), {"region": region, "commodity": commodity,
                                                   "through": through_date(through_year)}).df()


def monthly_prices(cur: duckdb.DuckDBPyConnection, region_code: str,
                   through_year: int | None = None) -> dict[str, pd.Series]:
    """{commodity: monthly mean price indexed by month start} for the region's price series."""
    frame = cur.execute(_ALL_MONTHLY, {"region": price_region(cur, region_code),
                                       "through": through_date(through_year)}).df()
    return {c: as_monthly(g) for c, g in frame.groupby("commodity", sort=True)}


def as_monthly(frame: pd.DataFrame) -> pd.Series:
    """A monthly series (month-start index, gaps as NaN) from date, price rows."""
    series = pd.Series(frame["price"].to_numpy(float), index=pd.DatetimeIndex(frame["date"]), name="price")
    return series.asfreq("MS")


def decompose(monthly: pd.Series) -> pd.DataFrame:
    """STL of the log price (period 12): date, price, trend (yuan/kg), seasonal (% effect), remainder (%).

    Needs two full years; gaps are filled by interpolation in logs first.
    """
    logs = np.log(monthly.interpolate(limit_direction="both"))
    if len(logs) < 24:
        raise ValueError("STL needs at least 24 months")
    # lazy: statsmodels costs ~1.5 s of start-up to every importer
    from statsmodels.tsa.seasonal import STL

    parts = STL(logs, period=12, robust=True).fit()
    return pd.DataFrame({
        "date": monthly.index, "price": monthly.to_numpy(), "trend": np.exp(parts.trend.to_numpy()),
        "seasonal": np.expm1(parts.seasonal.to_numpy()), "remainder": np.expm1(parts.resid.to_numpy()),
    })


def price_decomposition(cur: duckdb.DuckDBPyConnection, region_code: str, commodity: str,
                        through_year: int | None = None) -> pd.DataFrame:
    return decompose(as_monthly(price_series(cur, region_code, commodity, "month", through_year)))


def series_label(cur: duckdb.DuckDBPyConnection, region_code: str, lang: str) -> str:
    """Name of the price series a region reads (its province, or China)."""
    from analysis.i18n import region_name, t

    code = price_region(cur, region_code)
    if code == NATIONAL:
        return t("national", lang)
    row = cur.execute("SELECT name, name_en FROM regions WHERE code = $code LIMIT 1", {"code": code}).fetchone()
    return region_name(row[0], row[1], lang) if row else code

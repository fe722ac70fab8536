"""Pass-through from live-animal prices to retail meat prices, with a small-sample HAC interval.

OLS of the monthly change in log retail price on the change in log live price at lags 0..L, with
calendar-month terms and the change in a Spring Festival term (the share of the month's days in the
weeks before 春节, which moves between January and February):

    Δlog retail_t = a + Σ_k b_k Δlog live_{t−k} + Σ_m c_m [month_t = m] + d Δfestival_t + e_t

Pass-through = Σ_k b_k (the retail change after a 1% live change has worked through, in %). Without the
seasonal terms two series that share only the festival bump show a "pass-through"; with them they do not.
Standard errors are Newey–West (HAC) with the n/(n−k) small-sample correction and Student t intervals,
so serial correlation and a short series do not overstate precision.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.prices.params import param
from analysis.prices.series import monthly_prices


@dataclass(frozen=True)
class PassThrough:
    live: str
    retail: str
    estimate: float
    lower: float
    upper: float
    std_error: float
    p_value: float
    months: int
    r_squared: float


def festival_share(months: pd.DatetimeIndex) -> pd.Series:
    """Share of each month's days that fall in the `festival_window_days` before a Spring Festival."""
    festivals = pd.to_datetime(param("passthrough", "spring_festival")).to_numpy().astype("datetime64[D]")
    window = int(param("passthrough", "festival_window_days"))
    start = months.to_numpy().astype("datetime64[D]")
    end = (months + pd.offsets.MonthBegin(1)).to_numpy().astype("datetime64[D]")
    low = np.maximum(start[:, None], festivals[None, :] - window)
    high = np.minimum(end[:, None], festivals[None, :])
    days = np.clip((high - low).astype(np.int64), 0, None).sum(axis=1)
    return pd.Series(days / (end - start).astype(np.int64), index=months)


def _design(changes: pd.DataFrame, lags: int) -> pd.DataFrame:
    """Live-price lags, 11 calendar-month dummies (January the reference) and the festival term's change."""
    live = pd.concat({f"live_{k}": changes["live"].shift(k) for k in range(lags + 1)}, axis=1)
    months = pd.get_dummies(changes.index.month, prefix="month", drop_first=True, dtype=float)
    months.index = changes.index
    festival = festival_share(changes.index).diff().rename("festival")
    return pd.concat([live, months, festival], axis=1)


def estimate_pass_through(live: pd.Series, retail: pd.Series, live_name: str = "live", retail_name: str = "retail",
                          *, lags: int | None = None, hac_lags: int | None = None,
                          confidence: float | None = None) -> PassThrough:
    """Sum of lag coefficients of Δlog retail on Δlog live (with month and festival terms), HAC interval."""
    # lazy: statsmodels costs ~1.5 s of start-up to every importer
    import statsmodels.api as sm

    lags = int(param("passthrough", "lags") if lags is None else lags)
    hac_lags = int(param("passthrough", "hac_lags") if hac_lags is None else hac_lags)
    confidence = float(param("passthrough", "confidence") if confidence is None else confidence)
    changes = pd.DataFrame({"retail": np.log(retail), "live": np.log(live)}).asfreq("MS").diff()
    x = _design(changes, lags)
    data = pd.concat([changes["retail"], x], axis=1).dropna()
    if len(data) < 24 + lags:
        raise ValueError("pass-through needs at least two years of overlapping monthly prices")
    x = x.loc[:, x.columns.isin(data.columns)]
    fit = sm.OLS(data["retail"], sm.add_constant(data[x.columns])).fit(
        cov_type="HAC", cov_kwds={"maxlags": hac_lags, "use_correction": True}, use_t=True)
    weights = np.r_[0.0, [1.0 if name.startswith("live_") else 0.0 for name in x.columns]]
    total = fit.t_test(weights)
    low, high = np.asarray(total.conf_int(alpha=1 - confidence)).ravel()
    return PassThrough(live_name, retail_name, float(np.asarray(total.effect).ravel()[0]), float(low), float(high),
                       float(np.asarray(total.sd).ravel()[0]), float(np.asarray(total.pvalue).ravel()[0]),
                       int(len(data)), float(fit.rsquared))


def pass_through(cur: duckdb.DuckDBPyConnection, region_code: str, through_year: int | None = None) -> pd.DataFrame:
    """One row per (live, retail) pair of data/livestock.toml present in the region's prices."""
    monthly = monthly_prices(cur, region_code, through_year)
    rows = [estimate_pass_through(monthly[live], monthly[retail], live, retail).__dict__
            for live, retail in param("passthrough", "pairs") if live in monthly and retail in monthly]
    return pd.DataFrame(rows, columns=list(PassThrough.__dataclass_fields__))

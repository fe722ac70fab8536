"""Pass-through from live-animal prices to retail meat prices, with a HAC confidence interval.

OLS of the monthly change in log retail price on the change in log live price at lags 0..L:
Δlog retail_t = a + Σ_k b_k Δlog live_{t−k} + e_t. Pass-through = Σ_k b_k (the retail change after
a 1% live change has worked through, in %); its standard error is Newey–West (HAC) so serial
correlation does not overstate precision.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm

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
    months: int
    r_squared: float


def estimate_pass_through(live: pd.Series, retail: pd.Series, live_name: str = "live", retail_name: str = "retail",
                          *, lags: int | None = None, hac_lags: int | None = None,
                          confidence: float | None = None) -> PassThrough:
    """Sum of lag coefficients of Δlog retail on Δlog live, with a HAC interval at `confidence`."""
    lags = int(param("passthrough", "lags") if lags is None else lags)
    hac_lags = int(param("passthrough", "hac_lags") if hac_lags is None else hac_lags)
    confidence = float(param("passthrough", "confidence") if confidence is None else confidence)
    changes = pd.DataFrame({"retail": np.log(retail), "live": np.log(live)}).diff()
    x = pd.concat({f"live_{k}": changes["live"].shift(k) for k in range(lags + 1)}, axis=1)
    data = pd.concat([changes["retail"], x], axis=1).dropna()
    if len(data) < 12 + lags:
        raise ValueError("pass-through needs at least a year of overlapping monthly prices")
    fit = sm.OLS(data["retail"], sm.add_constant(data[x.columns])).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags})
    weights = np.r_[0.0, np.ones(lags + 1)]
    total = fit.t_test(weights)
    low, high = np.asarray(total.conf_int(alpha=1 - confidence)).ravel()
    return PassThrough(live_name, retail_name, float(np.asarray(total.effect).ravel()[0]), float(low), float(high),
                       float(np.asarray(total.sd).ravel()[0]), int(len(data)), float(fit.rsquared))


def pass_through(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """One row per (live, retail) pair of data/livestock.toml present in the region's prices."""
    monthly = monthly_prices(cur, region_code)
    rows = [estimate_pass_through(monthly[live], monthly[retail], live, retail).__dict__
            for live, retail in param("passthrough", "pairs") if live in monthly and retail in monthly]
    return pd.DataFrame(rows, columns=list(PassThrough.__dataclass_fields__))

"""Weekly market prices of the demo world, nationally (000000) and per province.

Each series interpolates the anchor points of data/demo_world.toml in logs, adds a bump before
the Spring Festival and AR(1) noise; a province is the national series times a fixed level
offset and its own noise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.params import Params

COMMODITIES = ("beef", "live_cattle", "mutton", "live_sheep", "live_hog", "pork", "maize")
NATIONAL = "000000"
STREAM_PRICES = 3


def _days(dates) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]").astype(np.int64)


def spring_festival_bump(days: np.ndarray, p: Params) -> np.ndarray:
    """0..1: how close each day is to the pre-festival peak of the nearest Spring Festival."""
    shape = p("prices", "seasonal_shape")
    peaks = _days(p("employment", "spring_festival")) - shape["days_before"]
    distance = days[:, None] - peaks[None, :]
    return np.exp(-0.5 * (distance / shape["width_days"]) ** 2).sum(axis=1)


def _trend(days: np.ndarray, commodity: str, p: Params) -> np.ndarray:
    """Log price without noise: anchors de-seasonalised, interpolated, seasonal term put back."""
    anchors = p("prices", commodity)
    anchor_days = _days([a[0] for a in anchors])
    amplitude = p("prices", "seasonal_amplitude")[commodity]
    anchor_logs = np.log([a[1] for a in anchors]) - amplitude * spring_festival_bump(anchor_days, p)
    return np.interp(days, anchor_days, anchor_logs) + amplitude * spring_festival_bump(days, p)


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float, sigma: float) -> np.ndarray:
    """Stationary AR(1) along axis 0 with innovation sd sigma."""
    shocks = rng.standard_normal(shape) * sigma
    out = np.empty(shape)
    out[0] = shocks[0] / np.sqrt(1 - phi**2)
    for i in range(1, shape[0]):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def weekly_prices(provinces: list[str], p: Params, seed: int) -> pd.DataFrame:
    """prices rows: (date, commodity, region_code, price) sorted by region, commodity, date."""
    first, last = p("world", "price_dates")
    dates = pd.date_range(first, last, freq="7D")
    days = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    trend = np.column_stack([_trend(days, c, p) for c in COMMODITIES])
    noise = p("prices", "noise")
    national = trend + _ar1(np.random.default_rng([seed, STREAM_PRICES, 0]), trend.shape, noise["ar"],
                            noise["national_sigma"])
    frames = []
    for region in [NATIONAL, *provinces]:
        logs = national
        if region != NATIONAL:
            rng = np.random.default_rng([seed, STREAM_PRICES, int(region)])
            level = noise["province_level_sigma"] * rng.standard_normal(len(COMMODITIES))
            logs = national + level + _ar1(rng, trend.shape, noise["ar"], noise["province_sigma"])
        frames.append(pd.DataFrame({
            "date": np.tile(dates.to_numpy(), len(COMMODITIES)),
            "commodity": np.repeat(COMMODITIES, len(dates)),
            "region_code": region,
            "price": np.round(np.exp(logs.T.ravel()), 2),
        }))
    return pd.concat(frames, ignore_index=True)


def annual_means(prices: pd.DataFrame, commodities: list[str], years: list[int]) -> pd.DataFrame:
    """Mean price by region (rows) for each commodity and year (MultiIndex columns)."""
    chosen = prices[prices.commodity.isin(commodities)]
    chosen = chosen.assign(year=chosen.date.dt.year)
    chosen = chosen[chosen.year.isin(years)]
    return chosen.pivot_table(index="region_code", columns=["commodity", "year"], values="price", aggfunc="mean")

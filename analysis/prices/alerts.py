"""Alerts for price falls and spikes, the WFP ALPS way, fitted without look-ahead.

For each month t with at least `min_months` of history, OLS of log price on a constant, a linear
trend and 11 month dummies over months 1..t only; score = (log price_t − fitted_t) / sd, where sd
is the residual standard deviation of that fit (floored at `min_residual_sd`). Bands on |score|:
normal, stress, alert, crisis (data/livestock.toml [alerts]); the sign tells a fall from a spike.
Whether that direction hurts is set per commodity ([alert_direction]: live-animal falls hurt herders,
feed rises hurt them); only harmful moves enter the current-alerts list. A latest month whose prices stop
before its end is marked `to_date` (its mean is of part of a month).
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.prices.params import param, section
from analysis.prices.series import monthly_prices, price_region, through_date

BANDS = ("normal", "stress", "alert", "crisis")
HARMFUL = {"fall": ("fall",), "rise": ("spike",), "both": ("fall", "spike")}
_LAST_DATES = """SELECT commodity, max(date) AS last_date FROM prices WHERE region_code = $region AND date <= $through
GROUP BY commodity"""


def harmful_direction(commodity: str) -> str:
    """"fall", "rise" or "both" from data/livestock.toml [alert_direction]; both for a commodity not listed."""
    direction = section("alert_direction").get(commodity, "both")
    if direction not in HARMFUL:
        raise ValueError(f"livestock.toml [alert_direction].{commodity}: {direction!r} is not fall, rise or both")
    return direction


def _design(index: pd.DatetimeIndex) -> np.ndarray:
    months = index.month.to_numpy()
    dummies = (months[:, None] == np.arange(2, 13)[None, :]).astype(float)
    return np.column_stack([np.ones(len(index)), np.arange(len(index), dtype=float), dummies])


def band_of(score: float, bands: list[float] | None = None) -> str:
    """normal / stress / alert / crisis for a score (NaN: normal)."""
    limits = bands or param("alerts", "bands")
    if score != score:
        return "normal"
    return BANDS[int(np.searchsorted(np.asarray(limits, float), abs(score), side="right"))]


def alert_scores(monthly: pd.Series, *, min_months: int | None = None, min_sd: float | None = None) -> pd.DataFrame:
    """date, price, fitted, score, band, direction for each month; months without enough history get NaN.

    Month t's score uses months up to and including t only, so a past score never changes when
    later prices arrive.
    """
    min_months = int(param("alerts", "min_months") if min_months is None else min_months)
    min_sd = float(param("alerts", "min_residual_sd") if min_sd is None else min_sd)
    clean = monthly.dropna()
    logs, x = np.log(clean.to_numpy(float)), _design(clean.index)
    fitted, score = np.full(len(clean), np.nan), np.full(len(clean), np.nan)
    for t in range(min_months - 1, len(clean)):
        beta, *_ = np.linalg.lstsq(x[: t + 1], logs[: t + 1], rcond=None)
        resid = logs[: t + 1] - x[: t + 1] @ beta
        sd = max(float(np.sqrt(resid @ resid / max(t + 1 - x.shape[1], 1))), min_sd)
        fitted[t], score[t] = np.exp(x[t] @ beta), resid[-1] / sd
    bands = [band_of(s) for s in score]
    direction = np.where(np.isnan(score), "", np.where(score < 0, "fall", "spike"))
    return pd.DataFrame({"date": clean.index, "price": clean.to_numpy(), "fitted": fitted, "score": score,
                         "band": bands, "direction": direction})


def price_alerts(cur: duckdb.DuckDBPyConnection, region_code: str, commodity: str,
                 through_year: int | None = None) -> pd.DataFrame:
    return alert_scores(monthly_prices(cur, region_code, through_year)[commodity])


def latest_alerts(cur: duckdb.DuckDBPyConnection, region_code: str, through_year: int | None = None) -> pd.DataFrame:
    """Every commodity's latest scored month: commodity, date, price, fitted, score, band, direction,
    change_12m, harmful_direction (fall / rise / both), hurts (the move is in that direction), through (the
    last price date), to_date (the month's prices stop before its end), current.

    `current` is False when the commodity's latest price is more than `max_age_months` older than
    the newest price loaded (FAO GIEWS: no warning on stale prices). `through_year`: as it stood that December.
    """
    rows = []
    last_dates = dict(cur.execute(_LAST_DATES, {"region": price_region(cur, region_code),
                                                "through": through_date(through_year)}).fetchall())
    for commodity, monthly in monthly_prices(cur, region_code, through_year).items():
        scores = alert_scores(monthly).dropna(subset=["score"])
        if scores.empty:
            continue
        last = scores.iloc[-1]
        year_ago = monthly.get(last["date"] - pd.DateOffset(years=1))
        through = pd.Timestamp(last_dates[commodity])
        month_end = last["date"] + pd.offsets.MonthEnd(0)
        harmful = harmful_direction(commodity)
        rows.append({"commodity": commodity, **last.to_dict(),
                     "change_12m": last["price"] / year_ago - 1 if year_ago else np.nan,
                     "harmful_direction": harmful, "hurts": last["direction"] in HARMFUL[harmful],
                     "through": through,
                     "to_date": through.to_period("M") == last["date"].to_period("M")
                     and (month_end - through).days >= int(param("alerts", "complete_within_days"))})
    frame = pd.DataFrame(rows, columns=["commodity", "date", "price", "fitted", "score", "band", "direction",
                                        "change_12m", "harmful_direction", "hurts", "through", "to_date"])
    if frame.empty:
        return frame.assign(current=pd.Series(dtype=bool))
    newest = frame["date"].max()
    age = (newest.year - frame["date"].dt.year) * 12 + newest.month - frame["date"].dt.month
    return frame.assign(current=age <= int(param("alerts", "max_age_months")))


def told_to_meeting(latest: pd.DataFrame) -> pd.Series:
    """Which commodities a meeting is told about: current prices, stress or worse, moving the way that hurts.
    The one choice behind the prices page, the briefing's Word report and its deck (issue 16)."""
    return latest["current"] & (latest["band"] != "normal") & latest["hurts"]


def meeting_alerts(cur: duckdb.DuckDBPyConnection, region_code: str, through_year: int | None = None) -> pd.DataFrame:
    """`latest_alerts` with `told` (told_to_meeting): the told commodities first, worst first, then the others."""
    frame = latest_alerts(cur, region_code, through_year)
    frame = frame.assign(told=told_to_meeting(frame) if len(frame) else pd.Series(dtype=bool),
                         order=frame["score"].abs())
    return (frame.sort_values(["told", "order"], ascending=False, kind="stable").drop(columns="order")
            .reset_index(drop=True))


def month_label(month: pd.Timestamp, through: pd.Timestamp, to_date: bool, lang: str) -> str:
    """"2025-12", or "2025-12 (to date, through 12-15)" for a month whose prices stop before its end."""
    from analysis.i18n import t

    text = pd.Timestamp(month).strftime("%Y-%m")
    return t("price_month_to_date", lang, month=text, through=pd.Timestamp(through).strftime("%m-%d")) if to_date else text

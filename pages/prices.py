"""Price monitoring 价格监测: series with trend and season, alerts for falls and spikes, forecast, pass-through.

The sidebar year ends every series in that December (as it stood then); the newest income year shows every
price loaded, since prices usually run ahead of the income survey.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import dataset, formatting, prices
from analysis.figures import prices as figures
from analysis.prices.labels import band_name, commodity_name, direction_name, selection_note
from analysis.prices.params import param, sources
from pages._common import current_shell, require_database

shell = current_shell()
require_database(shell)
lang, region = shell.lang, shell.region
years = shell.fetch(dataset.income_years)
through = None if shell.year is None or shell.year == max(years, default=shell.year) else shell.year

commodities = shell.fetch(prices.available_commodities, region)
series = shell.fetch(prices.series_label, region, lang)
st.title(shell.t("price_title", series=series))
if not commodities:
    st.info(shell.t("price_no_prices"))
    st.stop()
st.caption(shell.t("price_series_caption", series=series))

st.subheader(shell.t("price_alerts_title"))
bands = [float(b) for b in param("alerts", "bands")]
alerts = shell.fetch(prices.meeting_alerts, region, through)
stress = alerts[alerts["told"]]  # what the briefing's Word report and deck list too
st.caption(selection_note(alerts, lang))
if stress.empty:
    st.success(shell.t("price_no_alerts"))
else:
    shown = pd.DataFrame({
        shell.t("price_commodity"): [commodity_name(c, lang) for c in stress["commodity"]],
        shell.t("price_month"): [prices.month_label(d, through, partial, lang)
                                 for d, through, partial in zip(stress["date"], stress["through"], stress["to_date"],
                                                                strict=True)],
        shell.t("price_price"): stress["price"],
        shell.t("price_score"): stress["score"],
        shell.t("price_band"): [band_name(b, lang) for b in stress["band"]],
        shell.t("price_direction"): [direction_name(d, lang) for d in stress["direction"]],
        shell.t("price_change_12m"): [formatting.signed_percent(v) for v in stress["change_12m"]],
    })
    shell.table(shown, {shell.t("price_price"): "price", shell.t("price_score"): "ratio"}, name="price-alerts",
                key="price-alerts")
st.caption(shell.t("price_alert_caption", b1=bands[0], b2=bands[1], b3=bands[2]) + " "
           + shell.t("price_harmful_caption"))

left, right = st.columns([2, 1])
default = commodities.index("live_cattle") if "live_cattle" in commodities else 0
commodity = left.selectbox(shell.t("price_commodity"), commodities, index=default,
                           format_func=lambda c: commodity_name(c, lang), key="price_commodity")
freq = right.segmented_control(shell.t("price_freq"), prices.FREQUENCIES, required=True, default="month",
                               format_func=lambda f: shell.t("price_freq_month" if f == "month" else "price_freq_week"),
                               key="price_freq") or "month"
name = commodity_name(commodity, lang)

raw = shell.fetch(prices.price_series, region, commodity, freq, through)
if raw.empty:
    st.info(shell.t("price_none_through", year=through))
    st.stop()
st.caption(shell.t("price_through_caption", through=pd.Timestamp(raw["date"].max()).strftime("%Y-%m")))
try:
    parts = shell.fetch(prices.price_decomposition, region, commodity, through)
except ValueError:  # STL needs two full years
    parts = None
    st.info(shell.t("price_too_short_season"))
shell.chart(figures.series_figure(raw, lang, shell.t("price_series_chart", commodity=name), trend=parts), key="price-series")
if parts is not None:
    shell.chart(figures.seasonal_figure(parts, lang, shell.t("price_seasonal_chart", commodity=name)),
                key="price-seasonal")

scores = shell.fetch(prices.price_alerts, region, commodity, through)
shell.chart(figures.alert_figure(scores, lang, shell.t("price_alert_chart", commodity=name), bands), key="price-alert")

horizon = st.slider(shell.t("price_horizon"), 3, 6, int(param("forecast", "horizon")), key="price_horizon")
st.subheader(shell.t("price_forecast_title", horizon=horizon))
try:
    forecast = shell.fetch(prices.price_forecast, region, commodity, horizon, through)
except ValueError as exc:
    st.info(shell.t("price_too_short", error=exc))
else:
    level = formatting.percent(forecast.interval, decimals=0)
    chart, error = st.columns([3, 1])
    with chart:
        shell.chart(figures.forecast_figure(forecast.history, forecast.forecast, lang,
                                            shell.t("price_forecast_chart", commodity=name, level=level)),
                    key="price-forecast")
    origins, backtest = int(param("forecast", "backtest_origins")), forecast.backtest
    error.metric(shell.t("price_mape"), formatting.percent(forecast.mape), border=True,
                 help=shell.t("price_mape_help", origins=origins))
    error.metric(shell.t("price_skill"), formatting.signed_percent(forecast.skill), border=True,
                 help=shell.t("price_skill_help"))
    backtest_table = pd.DataFrame({
        shell.t("price_h"): backtest["horizon"],
        shell.t("price_mape"): [formatting.percent(v) for v in backtest["mape"]],
        shell.t("price_naive_mape"): [formatting.percent(v) for v in backtest["naive_mape"]],
        shell.t("price_coverage"): [formatting.percent(v, decimals=0) for v in backtest["coverage"]],
        shell.t("price_coverage_sequential"): [formatting.percent(v, decimals=0)
                                               for v in backtest["coverage_sequential"]],
        shell.t("price_origins"): backtest["origins"],
    })
    with error:
        shell.table(backtest_table, {shell.t("price_h"): "count", shell.t("price_origins"): "count"})
    last = backtest.iloc[-1]
    st.caption(shell.t("price_coverage_caption", level=level, horizon=int(last["horizon"]),
                       coverage=formatting.percent(last["coverage"], decimals=0), origins=int(last["origins"]),
                       sequential=formatting.percent(last["coverage_sequential"], decimals=0),
                       sequential_origins=int(last["sequential_origins"])))
    st.caption(shell.t("price_forecast_caption"))

st.subheader(shell.t("price_passthrough_title"))
try:
    passthrough = shell.fetch(prices.pass_through, region, through)
except ValueError as exc:  # fewer than two years of overlapping prices
    st.info(shell.t("price_too_short", error=exc))
    st.stop()
confidence = formatting.percent(float(param("passthrough", "confidence")), decimals=0)
table = pd.DataFrame({
    shell.t("price_live"): [commodity_name(c, lang) for c in passthrough["live"]],
    shell.t("price_retail"): [commodity_name(c, lang) for c in passthrough["retail"]],
    shell.t("price_estimate"): passthrough["estimate"],
    shell.t("price_ci", level=confidence): [f"{lo:.2f} – {hi:.2f}" for lo, hi in
                                            zip(passthrough["lower"], passthrough["upper"], strict=True)],
    shell.t("price_p_value"): [f"{p:.3f}" for p in passthrough["p_value"]],  # a test statistic, not an amount
    shell.t("price_months"): passthrough["months"],
    shell.t("price_r2"): passthrough["r_squared"],
})
shell.table(table, {shell.t("price_estimate"): "ratio", shell.t("price_months"): "count", shell.t("price_r2"): "ratio"})
st.caption(shell.t("price_passthrough_caption", lags=int(param("passthrough", "lags"))))
if shell.fetch(dataset.is_synthetic):
    st.info(shell.t("price_passthrough_demo"))

with st.expander(shell.t("price_params")):
    headers = {"section": "price_param_section", "name": "price_param_name", "value": "price_param_value",
               "unit": "price_param_unit", "source": "price_param_source"}
    st.dataframe(pd.DataFrame(sources()).rename(columns={column: shell.t(key) for column, key in headers.items()}),
                 hide_index=True)

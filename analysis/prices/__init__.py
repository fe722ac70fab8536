"""Livestock and meat prices: series and their parts, alerts for falls and spikes, forecasts, pass-through."""
from analysis.prices.alerts import (
    BANDS,
    alert_scores,
    harmful_direction,
    latest_alerts,
    meeting_alerts,
    month_label,
    price_alerts,
)
from analysis.prices.forecast import PriceForecast, backtest, backtest_forecasts, forecast_series, price_forecast
from analysis.prices.passthrough import PassThrough, estimate_pass_through, pass_through
from analysis.prices.series import (
    FREQUENCIES,
    available_commodities,
    decompose,
    monthly_prices,
    price_decomposition,
    price_region,
    price_series,
    series_label,
)

__all__ = ["BANDS", "FREQUENCIES", "PassThrough", "PriceForecast", "alert_scores", "available_commodities",
           "backtest", "backtest_forecasts", "decompose", "estimate_pass_through", "forecast_series",
           "harmful_direction", "latest_alerts", "meeting_alerts", "month_label", "monthly_prices", "pass_through", "price_alerts", "price_decomposition",
           "price_forecast", "price_region", "price_series", "series_label"]

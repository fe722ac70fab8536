"""The price-alert section, from the prices family's alerts (WFP ALPS scores, analysis.prices.alerts)."""
from __future__ import annotations

import pandas as pd

from analysis import formatting
from analysis.briefing import narrative
from analysis.briefing.model import Context, Section, Table
from analysis.glossary import level_at_least, term
from analysis.i18n import t
from analysis.prices.alerts import meeting_alerts
from analysis.prices.labels import selection_note
from analysis.prices.series import price_region

ORDER = 33
PAGE = "price_page"  # the title of the page that shows this section's figures
COMMODITY_KEYS = {
    "live_cattle": "brief_commodity_live_cattle", "live_sheep": "brief_commodity_live_sheep",
    "live_hog": "brief_commodity_live_hog", "beef": "brief_commodity_beef", "mutton": "brief_commodity_mutton",
    "pork": "brief_commodity_pork", "maize": "brief_commodity_maize",
}


def commodity_name(name: str, lang: str) -> str:
    """Known commodities by name in both languages; others as imported."""
    return t(COMMODITY_KEYS[name], lang) if name in COMMODITY_KEYS else name


def _table(ctx: Context, alerts: pd.DataFrame, note: str) -> Table:
    names = [commodity_name(name, ctx.lang) for name in alerts["commodity"]]
    bands = [term("alert_level", band, ctx.lang) for band in alerts["band"]]
    directions = [term("price_direction", d, ctx.lang) if isinstance(d, str) else "" for d in alerts["direction"]]
    months = [pd.Timestamp(day).strftime("%Y-%m") for day in alerts["date"]]
    columns = [ctx.t(key) for key in ("brief_commodity", "brief_month", "brief_price", "brief_change_12m",
                                      "brief_score", "brief_alert_level")]
    numbers = [names, months, alerts["price"].round(2), alerts["change_12m"], alerts["score"].round(2),
               [f"{band} {direction}".strip() for band, direction in zip(bands, directions, strict=True)]]
    text = [names, months, [f"{v:.2f}" for v in alerts["price"]],
            [formatting.signed_percent(v) for v in alerts["change_12m"]], [f"{v:+.2f}" for v in alerts["score"]],
            numbers[-1]]
    frame = pd.DataFrame(dict(zip(columns, numbers, strict=True)))
    return Table("prices", ctx.t("brief_prices_table"), frame, pd.DataFrame(dict(zip(columns, text, strict=True))),
                 note=note)


def prices_section(ctx: Context) -> Section | None:
    """The commodities `meeting_alerts` tells a meeting about, as the prices page lists them, and what it leaves out."""
    alerts = ctx.query(meeting_alerts, ctx.region, None)  # as the page and the precompute job ask
    if alerts.empty:
        return Section(ctx.t("brief_prices_heading"), (ctx.t("brief_prices_none"),))
    told, note = alerts[alerts["told"]], selection_note(alerts, ctx.lang)
    level = level_at_least("stress", ctx.lang)
    values = {"date": pd.Timestamp(alerts.loc[alerts["current"], "date"].max()).strftime("%Y-%m"),
              "area": narrative.region_label(ctx.cur, price_region(ctx.cur, ctx.region), ctx.lang),
              "level": level.lower() if ctx.lang == "en" else level}
    if told.empty:  # the table stays, empty, so that its slide and its note say what was left out and why
        return Section(ctx.t("brief_prices_heading"), (ctx.t("brief_prices_calm", **values),
                                                       ctx.t("brief_prices_method")), tables=(_table(ctx, told, note),))
    pairs = [(commodity_name(name, ctx.lang),
              ctx.t("brief_price_item", change=formatting.signed_percent(change), level=term("alert_level", band, ctx.lang)))
             for name, change, band in zip(told["commodity"], told["change_12m"], told["band"], strict=True)]
    paragraph = ctx.t("brief_prices_text", items=narrative.items(ctx, pairs), **values)
    return Section(ctx.t("brief_prices_heading"), (paragraph, ctx.t("brief_prices_method")),
                   tables=(_table(ctx, told, note),))


SECTIONS = (prices_section,)

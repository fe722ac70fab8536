"""Sections from the overview family: income, monitoring and migrant work, counties of concern."""
from __future__ import annotations

import pandas as pd

from analysis import formatting, overview
from analysis.briefing import narrative
from analysis.briefing.model import Chart, Context, Section, Table
from analysis.figures import overview as figures
from analysis.figures.base import SOURCES
from analysis.i18n import region_name

ORDER = 10
PAGE = "page_overview"  # the title of the page that shows this section's figures


def income_section(ctx: Context) -> Section | None:
    head = ctx.query(overview.headline, ctx.region, ctx.year)
    summary = head.summary
    if summary.households == 0:
        return None
    lang = ctx.lang
    paragraphs = [ctx.t("brief_income_text", year=ctx.year, region=ctx.region_name,
                        households=formatting.count(summary.households, lang),
                        people=formatting.count(summary.people, lang),
                        income=formatting.yuan(summary.income_per_capita, lang),
                        change=narrative.change(ctx, head.growth))]
    sources = ctx.query(overview.income_by_source, ctx.region, ctx.year)
    latest = sources[sources["year"] == ctx.year]
    if not latest.empty and latest["income_per_capita"].iloc[0]:
        row = latest.iloc[0]
        shares = {source.removesuffix("_income"): formatting.percent(row[source] / row["income_per_capita"])
                  for source in SOURCES}
        paragraphs.append(ctx.t("brief_sources_text", **shares))
    title = f"{ctx.region_name} · {ctx.t('sources_title')}"
    chart = Chart("sources", figures.income_sources_figure(sources, lang, title=title))
    return Section(ctx.t("brief_income_heading"), tuple(paragraphs), (chart,))


def monitoring_section(ctx: Context) -> Section | None:
    head = ctx.query(overview.headline, ctx.region, ctx.year)
    summary = head.summary
    if summary.households == 0:
        return None
    lang = ctx.lang
    paragraphs = [ctx.t("brief_line_text", line=formatting.yuan(summary.monitoring_line, lang),
                        below=formatting.count(summary.below_line_households, lang),
                        below_share=formatting.percent(head.below_share),
                        near=formatting.count(summary.near_line_households, lang),
                        near_share=formatting.percent(head.near_share))]
    monitored = ctx.query(overview.monitored_households, ctx.region, ctx.year)
    total, eliminated = int(monitored["households"].sum()), int(monitored["eliminated"].sum())
    if total:
        paragraphs.append(ctx.t("brief_monitored_text", total=formatting.count(total, lang),
                                eliminated=formatting.count(eliminated, lang),
                                share=formatting.percent(eliminated / total),
                                remaining=formatting.count(total - eliminated, lang)))
    charts = [Chart("monitored", figures.monitored_figure(monitored, lang))]
    monthly = ctx.query(overview.employment_by_month, ctx.region, ctx.year)
    status = overview.employment_status(monthly)
    if status is not None:
        paragraphs.append(ctx.t("brief_employment_text", month=status.month.strftime("%Y-%m"),
                                workers=formatting.count(status.migrant_workers, lang),
                                share=formatting.percent(status.target_share)))
        title = ctx.t("employment_chart", year=ctx.year)
        charts.append(Chart("employment", figures.employment_figure(monthly, lang, title=title)))
    return Section(ctx.t("brief_monitoring_heading"), tuple(paragraphs), tuple(charts))


COUNTY_KINDS = {"households": "count", "below_share": "percent", "near_share": "percent",
                "income_per_capita": "yuan", "growth": "percent"}


def _counties_table(ctx: Context, at_risk: pd.DataFrame, names: list[str]) -> Table:
    """Numbers for Excel and the same numbers as text, both rounded by analysis.formatting."""
    lang = ctx.lang
    frame = pd.DataFrame({ctx.t("county_name"): names} | {ctx.t(column): at_risk[column] for column in COUNTY_KINDS})
    text = pd.DataFrame({ctx.t("county_name"): names} | {
        ctx.t(column): [formatting.signed_percent(v) if column == "growth" else formatting.as_text(v, kind, lang)
                        for v in at_risk[column]]
        for column, kind in COUNTY_KINDS.items()})
    kinds = {ctx.t(column): kind for column, kind in COUNTY_KINDS.items()}
    return Table("counties", ctx.t("brief_counties_table"), frame, text, kinds)


def counties_section(ctx: Context) -> Section | None:
    """Counties with the largest share below the line; only meaningful above county level."""
    if len(ctx.region) > 6 or (len(ctx.region) == 6 and ctx.region[4:] != "00"):
        return None
    at_risk = ctx.query(overview.counties_at_risk, ctx.region, ctx.year)
    if at_risk.empty:
        return None
    names = [region_name(zh, en, ctx.lang) for zh, en in zip(at_risk["name"], at_risk["name_en"], strict=True)]
    top = [(name, formatting.percent(share)) for name, share in zip(names[:3], at_risk["below_share"], strict=False)]
    paragraphs = [ctx.t("brief_counties_text", items=narrative.items(ctx, top))]
    falling = [(name, formatting.signed_percent(growth))
               for name, growth in zip(names, at_risk["growth"], strict=True) if pd.notna(growth) and growth < 0]
    if falling:
        paragraphs.append(ctx.t("brief_counties_falling", n=len(falling), items=narrative.items(ctx, falling)))
    elif at_risk["growth"].notna().any():
        paragraphs.append(ctx.t("brief_counties_rising"))
    return Section(ctx.t("brief_counties_heading"), tuple(paragraphs), tables=(_counties_table(ctx, at_risk, names),))


SECTIONS = (income_section, monitoring_section, counties_section)

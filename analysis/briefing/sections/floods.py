"""The flood section: what floods have measurably cost households here, with its interval (因灾返贫)."""
from __future__ import annotations

from analysis import formatting
from analysis.briefing.model import Chart, Context, Section
from analysis.figures.floods import event_map_figure
from analysis.floods import events
from analysis.floods.estimate import flood_models
from analysis.floods.labels import status_message
from analysis.floods.panel import ESTIMATION_LEVELS
from analysis.regioncodes import region_level

ORDER = 35
PAGE = "flood_page"  # the title of the page that shows this section's figures


def floods_section(ctx: Context) -> Section | None:
    if region_level(ctx.region) not in ESTIMATION_LEVELS:
        return None
    estimate = ctx.query(flood_models, ctx.region).main  # the page's models: one panel query
    if not estimate.ok:
        reason = status_message(estimate.status, ctx.lang, region=ctx.region_name, clusters=estimate.n_clusters,
                                flooded=estimate.n_flooded_counties)
        return Section(ctx.t("brief_floods_heading"), (reason,))
    row = estimate.term("flood")
    paragraph = ctx.t("brief_floods_text", effect=formatting.signed_percent(row["effect"]),
                      low=formatting.signed_percent(row["ci_low"]), high=formatting.signed_percent(row["ci_high"]),
                      n_obs=formatting.count(estimate.n_obs, ctx.lang), counties=estimate.n_clusters,
                      flooded=estimate.n_flooded)
    return Section(ctx.t("brief_floods_heading"), (paragraph, ctx.t("brief_floods_method")), _event_map(ctx))


def _event_map(ctx: Context) -> tuple[Chart, ...]:
    """Where the disasters of record struck, all hazards and years (the page's map with every filter open)."""
    span = ctx.query(events.event_span, ctx.region)
    if span is None:
        return ()
    found = ctx.query(events.disaster_events, ctx.region, tuple(span.hazards), (1, 2, 3, 4),
                      (span.first_year, span.last_year))
    if found.empty:
        return ()
    title = f"{ctx.region_name} · {ctx.t('flood_map_title')}"
    outlines = ctx.query(events.region_outlines, ctx.region)
    return (Chart("floods", event_map_figure(events.events_by_county(found), outlines, ctx.lang, title=title)),)


SECTIONS = (floods_section,)

"""The risk map section, first in the deck and in presentation mode: where households below the line are."""
from __future__ import annotations

from analysis import formatting, riskmap
from analysis.briefing import narrative
from analysis.briefing.model import Chart, Context, Section
from analysis.figures import maps as figures
from analysis.i18n import region_name
from analysis.regioncodes import NATIONAL, below_county, region_prefix
from analysis.selection import regions_with_data

ORDER = 5
PAGE = "map_page_risk_map"  # the title of the page that shows this section's figures
METRIC = "below_share"


def map_section(ctx: Context) -> Section | None:
    """The province's counties (or, nationally, the provinces) shaded by the share below the line.

    Only units inside the briefing's region carry values (a county's briefing shows its own county on the
    province's map, never its neighbours' figures); townships have no outlines, so no map.
    """
    if below_county(ctx.region):
        return None
    national = ctx.region == NATIONAL
    map_region, level = (NATIONAL, "province") if national else (ctx.region[:2] + "0000", "county")
    counties = ctx.query(riskmap.class_basis, ctx.year)
    frame = riskmap.ranked(riskmap.units_from_counties(counties, ctx.query(regions_with_data), map_region, level), METRIC)
    frame = frame[frame["code"].str.startswith(ctx.region[: region_prefix(ctx.region)])]
    shown = frame[frame["value"].notna()]
    if shown.empty:
        return None
    settings = riskmap.MapSettings(metric=METRIC, level=level)
    area = narrative.region_label(ctx.cur, map_region, ctx.lang)
    title = area + " · " + ctx.t("map_chart_title", metric=ctx.t(figures.METRIC_LABELS[METRIC]), year=ctx.year)
    figure = figures.region_risk_map_figure(map_region, level, frame, METRIC, settings.breaks(counties), ctx.lang,
                                            title=title)
    top = shown.sort_values("value", ascending=False).head(3)
    names = [region_name(zh, en, ctx.lang) for zh, en in zip(top["name"], top["name_en"], strict=True)]
    pairs = [(name, formatting.percent(value)) for name, value in zip(names, top["value"], strict=True)]
    paragraph = ctx.t("brief_map_text", region=area, items=narrative.items(ctx, pairs))
    return Section(ctx.t("brief_map_heading"), (paragraph,), (Chart("riskmap", figure),))


SECTIONS = (map_section,)

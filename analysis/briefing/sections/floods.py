"""The flood section: what floods have measurably cost households here, with its interval (因灾返贫)."""
from __future__ import annotations

from analysis import formatting
from analysis.briefing.model import Context, Section
from analysis.floods.estimate import flood_effect
from analysis.floods.labels import status_message
from analysis.floods.panel import ESTIMATION_LEVELS
from analysis.regioncodes import region_level

ORDER = 35


def floods_section(ctx: Context) -> Section | None:
    if region_level(ctx.region) not in ESTIMATION_LEVELS:
        return None
    estimate = flood_effect(ctx.cur, ctx.region)
    if not estimate.ok:
        reason = status_message(estimate.status, ctx.lang, region=ctx.region_name, clusters=estimate.n_clusters,
                                flooded=estimate.n_flooded_counties)
        return Section(ctx.t("brief_floods_heading"), (reason,))
    row = estimate.term("flood")
    paragraph = ctx.t("brief_floods_text", effect=formatting.signed_percent(row["effect"]),
                      low=formatting.signed_percent(row["ci_low"]), high=formatting.signed_percent(row["ci_high"]),
                      n_obs=formatting.count(estimate.n_obs, ctx.lang), counties=estimate.n_clusters,
                      flooded=estimate.n_flooded)
    return Section(ctx.t("brief_floods_heading"), (paragraph, ctx.t("brief_floods_method")))


SECTIONS = (floods_section,)

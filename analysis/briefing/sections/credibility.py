"""The credibility section (收入数据可信度核查): how many counties and villages show signs worth a visit, and why."""
from __future__ import annotations

import pandas as pd

from analysis import formatting
from analysis.briefing import narrative
from analysis.briefing.model import Chart, Context, Section
from analysis.credibility import REASONS, run_audit
from analysis.credibility.labels import reason_name
from analysis.figures import credibility as figures

ORDER = 55  # after screening and department warnings
PAGE = "cred_page"  # the title of the page that shows this section's figures
TOP_REASONS = 3


def credibility_section(ctx: Context) -> Section | None:
    audit = ctx.query(run_audit, ctx.region, ctx.year)
    if audit.villages.empty:
        return None
    counts = audit.by_reason()
    flagged_counties, flagged_villages = int(audit.counties.flagged.sum()), len(audit.flagged_villages)
    size = {"year": ctx.year, "counties": formatting.count(len(audit.counties), ctx.lang),
            "villages": formatting.count(len(audit.villages), ctx.lang)}
    if flagged_counties + flagged_villages == 0:
        return Section(ctx.t("brief_cred_heading"), (ctx.t("brief_cred_clean", **size), ctx.t("brief_cred_method")))
    top = sorted(((r, n) for r, n in counts.items() if n), key=lambda item: -item[1])[:TOP_REASONS]
    bunching = audit.counties[audit.counties.reasons.map(lambda r: "bunching" in r)]
    largest = ""
    if len(bunching):
        row = bunching.sort_values("excess_households", ascending=False).iloc[0]
        largest = ctx.t("brief_cred_bunching", county=narrative.region_label(ctx.cur, row.code, ctx.lang),
                        excess=formatting.count(round(row.excess_households), ctx.lang))
    paragraph = ctx.t(
        "brief_cred_text", **size, flagged_counties=formatting.count(flagged_counties, ctx.lang),
        flagged_villages=formatting.count(flagged_villages, ctx.lang),
        reasons=narrative.items(ctx, [(reason_name(r, ctx.lang), formatting.count(n, ctx.lang)) for r, n in top]),
        households=formatting.count(audit.households.household_id.nunique(), ctx.lang), bunching=largest)
    chart = figures.reasons_figure(pd.DataFrame({"reason": [reason_name(r, ctx.lang) for r in REASONS],
                                                 "units": [counts[r] for r in REASONS]}), ctx.lang)
    return Section(ctx.t("brief_cred_heading"), (paragraph, ctx.t("brief_cred_method")),
                   charts=(Chart("credibility-reasons", chart),))


SECTIONS = (credibility_section,)

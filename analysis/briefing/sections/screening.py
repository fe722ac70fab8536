"""The screening section (应纳尽纳): how many households the rules flag, why, and who is not yet enrolled."""
from __future__ import annotations

import pandas as pd

from analysis import formatting, screening
from analysis.briefing import narrative
from analysis.briefing.model import Chart, Context, Section
from analysis.figures.screening import reasons_figure

ORDER = 45
PAGE = "screen_page"  # the title of the page that shows this section's figures
TOP_REASONS = 3


def screening_section(ctx: Context) -> Section | None:
    rules = screening.load_rules()
    totals = screening.screening_totals(ctx.query(screening.screening_counts, ctx.region, ctx.year, rules), rules)
    if totals.households == 0:
        return None
    names = {rule.id: rule.name_en if ctx.lang == "en" else rule.name_zh for rule in rules}
    reasons = sorted(totals.by_reason.items(), key=lambda item: -item[1])[:TOP_REASONS]
    paragraph = ctx.t(
        "brief_screen_text", year=ctx.year, flagged=formatting.count(totals.households_flagged, ctx.lang),
        share=formatting.percent(totals.households_flagged / totals.households),
        reasons=narrative.items(ctx, [(names[rule], formatting.count(n, ctx.lang)) for rule, n in reasons]),
        not_enrolled=formatting.count(totals.not_enrolled, ctx.lang),
        closing=formatting.count(totals.check_before_closing, ctx.lang))
    by_reason = sorted(totals.by_reason.items(), key=lambda item: -item[1])
    frame = pd.DataFrame({"reason": [names[rule] for rule, _ in by_reason], "households": [n for _, n in by_reason]})
    chart = Chart("screening", reasons_figure(frame, ctx.lang, title=f"{ctx.region_name} · {ctx.t('screen_by_reason')}"))
    return Section(ctx.t("brief_screen_heading"), (paragraph, ctx.t("brief_screen_method")), (chart,))


SECTIONS = (screening_section,)

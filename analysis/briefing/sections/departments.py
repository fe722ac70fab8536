"""The department warnings section: who other departments warned about, overdue cases, doubtful closures."""
from __future__ import annotations

from analysis import cases, closing, formatting
from analysis import department_warnings as dw
from analysis.briefing import narrative
from analysis.briefing.model import Context, Section
from analysis.store.department_formats import DEPARTMENTS

ORDER = 50  # after screening: department warnings join its income rules
PAGE = "dept_page"  # the title of the page that shows this section's figures


def departments_section(ctx: Context) -> Section | None:
    rules, deadlines = dw.load_warning_rules(), cases.load_deadlines()
    counts = ctx.query(dw.warning_counts, ctx.region, ctx.year, rules)
    followed = ctx.query(cases.case_summary, ctx.region, deadlines)
    if counts.totals.warned_households == 0 and followed.totals.cases == 0:
        return None
    closure = ctx.query(closing.closing_summary, ctx.region, ctx.year, rules, deadlines)
    language = 1 if ctx.lang == "en" else 0
    departments = narrative.items(ctx, [(DEPARTMENTS[d][language], formatting.count(n, ctx.lang))
                                        for d, n in sorted(counts.totals.by_department.items(), key=lambda i: -i[1])])
    support = followed.totals.median_days_to_support
    paragraph = ctx.t("brief_dept_text", year=ctx.year,
                      warned=formatting.count(counts.totals.warned_households, ctx.lang), departments=departments,
                      not_enrolled=formatting.count(counts.totals.not_enrolled, ctx.lang),
                      cases=formatting.count(followed.totals.cases, ctx.lang),
                      overdue=formatting.count(followed.totals.overdue, ctx.lang),
                      support="-" if support is None else f"{support:g}",
                      closed_failing=formatting.count(closure.closed_failing, ctx.lang))
    return Section(ctx.t("brief_dept_heading"), (paragraph,))


SECTIONS = (departments_section,)

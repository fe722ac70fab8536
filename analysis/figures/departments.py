"""Figures of the department warnings page: closing criteria failed (all monitored against closed this year).

Counts per department, rule, township and measure reuse the screening page's bar and county map builders.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis import formatting
from analysis.figures.base import GRID, MUTED, REMAINING, count_axis, new_figure
from analysis.i18n import t


def criteria_figure(frame: pd.DataFrame, lang: str, *, title: str = "") -> go.Figure:
    """Grouped horizontal bars. `frame`: criterion (display name), failing, failing_closed."""
    fig = new_figure(title or t("dept_criteria_title", lang), 140 + 50 * max(len(frame), 1))
    for column, key, colour in (("failing", "dept_failing_all", MUTED), ("failing_closed", "dept_failing_closed",
                                                                         REMAINING)):
        fig.add_bar(y=frame["criterion"], x=frame[column], orientation="h", name=t(key, lang), marker_color=colour,
                    customdata=[formatting.count(v, lang) for v in frame[column]],
                    hovertemplate="%{y}: %{customdata}<extra>" + t(key, lang) + "</extra>")
    room = max(float(frame[["failing", "failing_closed"]].max().max()), 1.0) * 1.1
    fig.update_layout(barmode="group", xaxis={"showgrid": True, "gridcolor": GRID, "range": [0, room]},
                      yaxis={"autorange": "reversed", "showgrid": False})
    return count_axis(fig, "xaxis", room, lang)

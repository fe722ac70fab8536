"""What a briefing is made of: sections of paragraphs, charts and tables, built by functions.

A section function takes a `Context` and returns a `Section` (or None when it has nothing to say);
writers (Word, PowerPoint, the page, presentation mode) only read these objects.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis.i18n import t


@dataclass(frozen=True)
class Context:
    """The view a section is written for."""
    cur: duckdb.DuckDBPyConnection
    region: str
    region_name: str
    year: int
    lang: str
    # How a section's numbers are got: `fetch(function, *args)`; None runs `function(cur, *args)`. The precompute
    # job passes its own, so a briefing takes the results that job already stored (analysis.precompute).
    fetch: Callable[..., Any] | None = field(default=None, repr=False, compare=False)
    _results: dict = field(default_factory=dict, repr=False, compare=False)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def query(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(cur, *args)` (or `fetch`'s answer), run once per briefing: several sections need the same headline."""
        key = (function.__module__, function.__qualname__, args)
        if key not in self._results:
            self._results[key] = self.fetch(function, *args) if self.fetch else function(self.cur, *args)
        return self._results[key]


@dataclass(frozen=True)
class Chart:
    """A figure and its key. Pickled (the precompute store, the pages' cache) as the figure's JSON text, built
    again only when `figure` is read: unpickling a go.Figure rebuilds and deep-copies every trace, which for
    the maps' outlines was most of the cost of reading a stored briefing; text is read at the speed of bytes."""
    key: str  # stable, used in file names and widget keys
    figure: go.Figure = field(metadata={"frameless": True})  # never holds a frame: access.guard need not build it

    def __reduce__(self) -> tuple:
        text = self.__dict__.get("_json")
        return (_unpickled_chart, (self.key, pio.to_json(self.figure, validate=False) if text is None else text))

    def __getattr__(self, name: str) -> Any:
        """`figure` of an unpickled chart, built on first use (only missing attributes come here)."""
        text = self.__dict__.get("_json")
        if name != "figure" or text is None:
            raise AttributeError(name)
        figure = go.Figure(json.loads(text))
        object.__setattr__(self, "figure", figure)
        object.__setattr__(self, "_json", None)  # the figure is the truth from now on (it may be changed)
        return figure


def _unpickled_chart(key: str, text: str) -> Chart:
    chart = object.__new__(Chart)
    object.__setattr__(chart, "key", key)
    object.__setattr__(chart, "_json", text)
    return chart


@dataclass(frozen=True)
class Table:
    """A table twice: numbers (for Excel) and formatted text (for documents), same labelled columns."""
    key: str
    title: str
    frame: pd.DataFrame
    text: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)  # frame column -> analysis.formatting kind
    note: str = ""  # one line said under the table wherever it is shown, e.g. which rows it holds and which not


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    change: str | None = None  # against the previous year, e.g. "+3.6%"

    def text(self, lang: str) -> str:
        """The value with its change, for documents: "17,232 元（较上年+3.6%）"."""
        if self.change is None:
            return self.value
        note = f"{t('vs_previous', lang)} {self.change}" if lang == "en" else f"{t('vs_previous', lang)}{self.change}"
        return f"{self.value} ({note})" if lang == "en" else f"{self.value}（{note}）"


@dataclass(frozen=True)
class Slide:
    """One screen of the deck and of presentation mode: key figures (neither chart nor table), a chart or a table."""
    heading: str
    chart: Chart | None = None
    table: Table | None = None

    @property
    def key(self) -> str:
        return self.chart.key if self.chart else self.table.key if self.table else "key-figures"


LEAD = ("riskmap", "counties")  # a meeting opens on where the problems are


@dataclass(frozen=True)
class Briefing:
    title: str
    region: str
    region_name: str
    year: int
    lang: str
    synthetic: bool
    source: str
    caveats: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    sections: tuple[Section, ...]
    as_of: str = ""  # "数据截至2024年": on every slide and under every figure
    figure_source: str = ""  # the source line under every figure, with the demo label for the demo

    def caption(self, number: int, chart: Chart) -> str:
        """"图3　甘肃省 · 收入来源": a figure's number and its own title."""
        title = chart.figure.layout.title.text or ""
        return t("brief_figure_caption", self.lang, n=number, title=title)

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]

    @property
    def slides(self) -> list[Slide]:
        """The map and the counties of concern, then the key figures, then the story in section order."""
        items = [slide for section in self.sections for slide in (
            *(Slide(section.heading, chart=chart) for chart in section.charts),
            *(Slide(section.heading, table=table) for table in section.tables))]
        lead = [slide for slide in items if slide.key in LEAD]
        rest = [slide for slide in items if slide.key not in LEAD]
        return [*lead, Slide(t("brief_key_figures", self.lang)), *rest]

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

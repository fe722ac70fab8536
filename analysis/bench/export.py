"""Export timings: one PNG (cold browser, warm browser) and a province's briefing (Word + PowerPoint)."""
from __future__ import annotations

import time

import duckdb

from analysis import briefing, export
from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.figures.overview import income_sources_figure
from analysis.overview import income_by_source

PROVINCE = "620000"


def _province_briefing(con: duckdb.DuckDBPyConnection) -> dict[str, bytes]:
    return briefing.documents(briefing.build_briefing(con, PROVINCE, YEAR, "zh"))


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    if not export.available():
        return [("figure export", f"unavailable: {export.INSTALL_HINT}")]
    with duckdb.connect(str(ctx.demo), read_only=True) as con:
        figure = income_sources_figure(income_by_source(con, PROVINCE, YEAR), "zh")
        export.stop()  # measure the first export of a process: it starts the browser
        start = time.perf_counter()
        export.figure_bytes(figure, "png")
        cold = time.perf_counter() - start
        rows = [ms("PNG export, cold (browser start + render)", cold),
                *(ms(f"{fmt.upper()} export, warm", timed(lambda fmt=fmt: export.figure_bytes(figure, fmt)))
                  for fmt in export.FORMATS)]
        export.stop()
        start = time.perf_counter()
        _province_briefing(con)
        rows.append(ms("briefing 620000 docx+pptx, cold (browser start included)", time.perf_counter() - start))
        rows.append(ms("briefing 620000 docx+pptx, warm", timed(lambda: _province_briefing(con), repeat=3)))
    return rows

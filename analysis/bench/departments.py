"""Department warnings timings on the 200k demo: warnings, follow-through and the closing check for a province
and the country, and the demo build's department step (rerun on a copy inside a transaction that is rolled back).
The national world is not measured here: its department step and queries scale with its households."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from analysis import cases, closing
from analysis import department_warnings as dw
from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.demo.departments import write_department_extracts
from analysis.store.connection import Database

PROVINCE = "620000"


def _queries(db_path: Path) -> list[tuple[str, str]]:
    db, rules, deadlines = Database(db_path), dw.load_warning_rules(), cases.load_deadlines()
    rows = []
    for code in (PROVINCE, "000000"):
        for label, query in (("department warnings", lambda cur, c: dw.warning_counts(cur, c, YEAR, rules)),
                             ("follow-through", lambda cur, c: cases.case_summary(cur, c, deadlines)),
                             ("closing check", lambda cur, c: closing.closing_summary(cur, c, YEAR, rules,
                                                                                       deadlines))):
            def run(query=query, code=code):
                with db.cursor() as cur:
                    return query(cur, code)
            rows.append(ms(f"{label} demo region={code}", timed(run, 3)))
    db.close()
    return rows


def _demo_step(db_path: Path) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "demo.duckdb"
        shutil.copy(db_path, copy)
        with duckdb.connect(str(copy)) as con:
            def step():
                con.execute("BEGIN")
                write_department_extracts(con, 20231, "2025-06-30")
                con.execute("ROLLBACK")
            return [ms("demo build: department extracts and cases step (200k households)", timed(step, 3))]


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    return _queries(ctx.demo) + _demo_step(ctx.demo)

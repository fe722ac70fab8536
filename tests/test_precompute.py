"""Results stored when the data change (analysis.precompute): served through the scope guard, never for
another data version, equal to a fresh computation, and actually read by the pages."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import precompute, riskmap, riskmodel, screening
from analysis.access import guard
from analysis.access.scope import OutOfScope, Scope
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.regioncodes import NATIONAL
from analysis.store.connection import connect_read_only, write_transaction
from analysis.store.ingest import ingest_files
from pages._common import _cached_scoped
from tests.helpers_ingest import csv_bytes
from tests.helpers_tabs import every_tab

YEAR = 2024
COUNTY_STAFF = ("aggregates", "models", "households", "export")
LEADER = ("aggregates", "export")
HOUSEHOLDS = ["户编号", "村级区划代码", "户类型", "家庭人口"]
INCOME = ["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"]


def only(*names: str):
    return lambda name, args: name.rsplit(".", 1)[-1] in names


@pytest.fixture
def world(demo_copy):
    return demo_copy


def busiest_county(path) -> str:
    with connect_read_only(path) as con:
        return con.execute("SELECT county_code FROM households GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()[0]


def served(db, version, query, args, role, region, permissions):
    return _cached_scoped(query.__module__, query.__qualname__, str(db), version, args,
                          (role, region, tuple(sorted(permissions))), 5)


def fresh_through_guard(db, query, args, role, region, permissions):
    with connect_read_only(db) as con:
        return guard.run_scoped(con, query, args, Scope(role, region, frozenset(permissions)), 5)


def test_stored_results_equal_fresh_ones(world):
    report = precompute.run(world, only=only("class_basis", "fit_risk_model", "screening_counts"))
    version = precompute.current_version(world)
    assert report.version == version and report.stored == 1 + 1 + 3  # national and two provinces' counts
    rules = screening.load_rules()
    with connect_read_only(world) as con:
        pd.testing.assert_frame_equal(precompute.load(world, version, riskmap.class_basis, (YEAR,)),
                                      riskmap.class_basis(con, YEAR))
        assert precompute.load(world, version, riskmodel.fit_risk_model, (YEAR,)) == riskmodel.fit_risk_model(con, YEAR)
        pd.testing.assert_frame_equal(
            precompute.load(world, version, screening.screening_counts, ("620000", YEAR, rules)),
            screening.screening_counts(con, "620000", YEAR, rules))
    assert precompute.run(world).skipped == "already computed"


def test_a_county_user_gets_only_their_county_from_a_stored_national_result(world):
    precompute.run(world, only=only("class_basis"))
    version = precompute.current_version(world)
    stored = precompute.load(world, version, riskmap.class_basis, (YEAR,))
    county = busiest_county(world)
    assert stored["code"].nunique() > 1 and county in set(stored["code"])  # the stored table is national

    before = precompute.served_counts["stored", "analysis.riskmap.class_basis", f"tuple({YEAR})"]
    for role, permissions in (("county_staff", COUNTY_STAFF), ("leader", LEADER)):
        result = served(world, version, riskmap.class_basis, (YEAR,), role, county, permissions)
        assert set(result["code"]) == {county}  # rows outside the area never come back
        pd.testing.assert_frame_equal(result, fresh_through_guard(world, riskmap.class_basis, (YEAR,), role, county,
                                                                  permissions))
    assert precompute.served_counts["stored", "analysis.riskmap.class_basis", f"tuple({YEAR})"] == before + 2


def test_small_cells_are_suppressed_in_stored_results_too(world):
    precompute.run(world, only=only("class_basis"))
    version = precompute.current_version(world)
    stored = precompute.load(world, version, riskmap.class_basis, (YEAR,))
    stored.loc[0, "households"] = 3  # a county of three households, planted in the store itself
    file = precompute._version_dir(world, version) / f"{precompute.result_key(riskmap.class_basis, (YEAR,))}.pkl"
    file.write_bytes(pickle.dumps(stored))
    small = stored.loc[0, "code"]
    result = served(world, version, riskmap.class_basis, (YEAR,), "leader", small[:2] + "0000", LEADER)
    row = result[result["code"] == small].iloc[0]
    figures = [c for c in result.columns if c not in ("households", guard.SUPPRESSED_COLUMN)
               and pd.api.types.is_numeric_dtype(result[c])]
    assert row[guard.SUPPRESSED_COLUMN] and figures and row[figures].isna().all()


def test_a_stored_result_outside_the_users_area_is_refused_before_it_is_read(world):
    precompute.run(world, only=only("fit_risk_model", "screening_counts", "risk_scores"))
    version = precompute.current_version(world)
    model = precompute.load(world, version, riskmodel.fit_risk_model, (YEAR,))
    assert precompute.is_stored(world, version, riskmodel.risk_scores, ("620000", YEAR, model))
    with pytest.raises(OutOfScope):
        served(world, version, riskmodel.risk_scores, ("620000", YEAR, model), "county_staff",
               busiest_county(world), COUNTY_STAFF)


def test_an_import_that_changes_the_data_never_gets_the_old_stored_result(world):
    precompute.run(world, only=only("class_basis"))
    old = precompute.current_version(world)
    assert "630102" not in set(precompute.load(world, old, riskmap.class_basis, (YEAR,))["code"])
    households = csv_bytes(HOUSEHOLDS, [[f"Q{i}", "630102001001", "脱贫户", 3] for i in range(6)])
    income = csv_bytes(INCOME, [[f"Q{i}", YEAR, 20000, 1000, 500, 100, 900] for i in range(6)])
    assert ingest_files(world, [("households.csv", households), ("income.csv", income)]).ok
    new = precompute.current_version(world)
    assert new != old and not precompute.is_stored(world, new, riskmap.class_basis, (YEAR,))
    admin = ("data_admin", NATIONAL, ("aggregates", "audit", "export", "households", "import", "models"))
    assert "630102" in set(served(world, new, riskmap.class_basis, (YEAR,), *admin)["code"])
    # Even asked under the old version's key (a run that began before the import), the old result is not read.
    with connect_read_only(world) as con:
        assert "630102" in set(precompute.stored_first(riskmap.class_basis, world, old)(con, YEAR)["code"])
    precompute.run(world, only=only("class_basis"))  # the new version's job removes the old version's results
    assert precompute.is_stored(world, new, riskmap.class_basis, (YEAR,))
    assert not precompute._version_dir(world, old).exists()


def test_every_write_stores_results_for_its_new_version(tmp_path, monkeypatch):
    # Inline, so the test can look at once; a database without income has nothing to compute, so it is quick.
    monkeypatch.setenv(precompute.MODE_ENV, "inline")
    db = tmp_path / "new.duckdb"
    with write_transaction(db, fresh=True):
        pass
    first = precompute.current_version(db)
    assert (precompute._version_dir(db, first) / precompute.MANIFEST).exists()
    assert ingest_files(db, [("households.csv", csv_bytes(HOUSEHOLDS, [["Q1", "630102001001", "脱贫户", 3]]))]).ok
    second = precompute.current_version(db)
    assert second != first and (precompute._version_dir(db, second) / precompute.MANIFEST).exists()
    assert not precompute._version_dir(db, first).exists()


# Cheap enough for a test (national level; the forecast, briefing and audit take minutes on this machine).
PAGE_CALLS = ("class_basis", "fit_risk_model", "evaluation_year", "evaluate", "highest_risk", "income_view",
              "income_bands", "screening_counts", "warning_counts", "case_summary", "closing_summary",
              "meeting_alerts", "simulate_toml", "scenario_range_toml", "flood_models", "effect_by_income_mix",
              "income_trend", "households_by_type", "county_months", "workers_by_county", "event_span",
              "region_counties")
PAGES = ("pages/risk_map.py", "pages/drilldown.py", "pages/income.py", "pages/employment.py", "pages/screening.py",
         "pages/warnings.py", "pages/risk_model.py", "pages/prices.py", "pages/simulator.py", "pages/disasters.py")


def test_the_pages_read_what_the_job_stored(world, monkeypatch):
    report = precompute.run(world, only=lambda name, args: name.rsplit(".", 1)[-1] in PAGE_CALLS
                            and (not args or not isinstance(args[0], str) or args[0] == NATIONAL))
    assert report.stored >= len(PAGE_CALLS) - 1
    monkeypatch.setenv(DB_ENV, str(world))
    monkeypatch.setenv("INCOMEWATCH_SINGLE_USER", "1")
    before = precompute.served_counts.copy()
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"region": NATIONAL, "year": str(YEAR)})
    at.run()
    for page in PAGES:
        at.switch_page(page).run()
        for view in every_tab(at):  # a closed tab's results are read when it is opened
            assert not view.exception, page
    counts = precompute.served_counts - before
    computed = {(name, args) for kind, name, args in counts if kind == "computed"}
    read = {(name, args) for kind, name, args in counts if kind == "stored"}
    stored = {tuple(call) for call in report.calls}
    assert not stored & computed  # every stored call a page made was read, none computed again
    assert {name.rsplit(".", 1)[-1] for name, _ in read} >= set(PAGE_CALLS) - {"evaluation_year"}


def test_the_write_hook_is_light_to_import():
    # analysis.precompute is imported by every write: it must not pull in the analyses or statsmodels.
    code = "import sys, analysis.precompute; print(any(m.startswith(('statsmodels', 'analysis.riskmodel')) for m in sys.modules))"
    assert os.popen(f"cd {PROJECT_ROOT} && .venv/bin/python -c \"{code}\"").read().strip() == "False"


def test_the_command_line_reads_stored_results_and_says_when_it_computes(world):
    def trend_command() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-m", "analysis", "trend", "--db", str(world), "--json"],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        return done.stdout, done.stderr

    computed, said = trend_command()
    assert "no stored result" in said
    precompute.run(world, only=only("income_view"))
    stored, quiet = trend_command()
    assert stored == computed and "no stored result" not in quiet


def test_a_job_that_cannot_start_never_fails_the_import(world, monkeypatch, capsys):
    monkeypatch.setenv(precompute.MODE_ENV, "background")
    precompute.results_dir(world).write_text("not a folder")  # the results folder cannot be made
    assert ingest_files(world, [("households.csv", csv_bytes(HOUSEHOLDS, [["Q1", "630102001001", "脱贫户", 3]]))]).ok
    assert "precompute not started" in capsys.readouterr().err


def test_a_step_out_of_memory_is_tried_again_on_a_fresh_connection(demo_copy, tmp_path):
    """Memory held on the job's connection (here a temporary table that may not spill) makes a query run out of
    DuckDB memory; the job's retry closes that connection and the same query then succeeds on a fresh one."""
    import duckdb

    from analysis.store.connection import Database

    database = Database(demo_copy)
    job = precompute._Job(demo_copy, database, tmp_path, precompute.JobReport(version=database.version), None, None)
    job.connect({"memory_limit": "64MiB", "threads": 1, "temp_directory": ""})
    try:
        job.cur.execute("CREATE TEMP TABLE held AS SELECT range AS n, repeat('x', 40) AS pad FROM range(1000000)")
        first = job.cur

        def step():
            return job.cur.execute("SELECT count(*) FROM (SELECT DISTINCT range::VARCHAR || repeat('y', 30) "
                                   "FROM range(300000))").fetchone()[0]

        with pytest.raises(duckdb.OutOfMemoryException):
            step()
        assert job._with_retry(step, top=True) > 0
        assert job.cur is not first
        assert job.cur.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "64.0 MiB"
        with pytest.raises(duckdb.OutOfMemoryException):  # a nested step is not retried: its caller holds the cursor
            job.cur.execute("CREATE TEMP TABLE held AS SELECT range AS n, repeat('x', 40) AS pad FROM range(1000000)")
            job._with_retry(step, top=False)
    finally:
        job.close()
        database.close()

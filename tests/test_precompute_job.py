"""The precompute job itself (analysis.precompute.run): bounded memory, resumable after being killed, and no
result computed twice (the briefings take their parts from what the job stored)."""
from __future__ import annotations

import json
import pickle
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from analysis import precompute, riskmap
from analysis.config import PROJECT_ROOT
from analysis.regioncodes import NATIONAL
from analysis.store.connection import connect_read_only

YEAR = 2024
WAIT = 600  # seconds a test waits for the job's child process before giving up (not a speed claim)


@pytest.fixture
def world(demo_copy):
    return demo_copy


def manifest(world) -> dict:
    folder = precompute._version_dir(world, precompute.current_version(world))
    return json.loads((folder / precompute.MANIFEST).read_text(encoding="utf-8"))


def test_the_jobs_memory_limit_and_threads_reach_its_duckdb_connection(world, monkeypatch):
    monkeypatch.setenv(precompute.JOB_MEMORY_ENV, "1GiB")
    monkeypatch.setenv(precompute.JOB_THREADS_ENV, "1")
    report = precompute.run(world, only=lambda name, args: name.endswith(".class_basis"))
    # As the job's own connection reported them after it was opened: DuckDB gets its share of the budget.
    assert report.settings["memory_limit"] == f"{int(2**30 * precompute.DUCKDB_SHARE) // 2**20}.0 MiB"
    assert report.settings["threads"] == 1
    assert report.settings["temp_directory"] == str(precompute.results_dir(world) / ".spill")
    assert manifest(world)["settings"] == report.settings and manifest(world)["peak_rss_mb"] > 0
    assert [step["call"] for step in manifest(world)["steps"]] == ["analysis.riskmap.class_basis"]


def test_a_malformed_memory_budget_is_refused_with_the_variable_named(monkeypatch):
    monkeypatch.setenv(precompute.JOB_MEMORY_ENV, "lots")
    with pytest.raises(ValueError, match=precompute.JOB_MEMORY_ENV):
        precompute.job_memory_budget()
    monkeypatch.setenv(precompute.JOB_MEMORY_ENV, "1.5GB")
    assert precompute.job_memory_budget() == 1_500_000_000


# A plan long enough to kill mid-way: cheap national and provincial counts first, the audits last.
KILL_PLAN = ("class_basis", "fit_risk_model", "income_view", "income_bands", "screening_counts", "warning_counts",
             "case_summary", "run_audit")
JOB = f"""
import sys
from analysis import precompute
plan = {KILL_PLAN!r}
precompute.run(sys.argv[1], only=lambda name, args: name.rsplit(".", 1)[-1] in plan)
"""


def journal_events(world) -> list[dict]:
    path = precompute._version_dir(world, precompute.current_version(world)) / precompute.JOURNAL
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.endswith("}")]


def test_a_killed_job_leaves_its_results_served_and_a_restart_goes_on_from_there(world):
    job = subprocess.Popen([sys.executable, "-c", JOB, str(world)], cwd=PROJECT_ROOT)
    try:
        deadline = time.monotonic() + WAIT
        while sum(e["event"] == "stored" for e in journal_events(world)) < 3 and job.poll() is None:
            assert time.monotonic() < deadline, "the job stored nothing"
            time.sleep(0.2)
        job.send_signal(signal.SIGKILL)
    finally:
        job.wait()
    assert job.returncode == -signal.SIGKILL  # killed, not finished
    version = precompute.current_version(world)
    assert not (precompute._version_dir(world, version) / precompute.MANIFEST).exists()
    kept = [(e["call"], e["args"]) for e in journal_events(world) if e["event"] == "stored"]
    assert ("analysis.riskmap.class_basis", f"tuple({YEAR})") in kept

    # Without a manifest the pages already read what was stored.
    before = precompute.served_counts["stored", "analysis.riskmap.class_basis", f"tuple({YEAR})"]
    with connect_read_only(world) as con:
        precompute.stored_first(riskmap.class_basis, world, version)(con, YEAR)
    assert precompute.served_counts["stored", "analysis.riskmap.class_basis", f"tuple({YEAR})"] == before + 1

    report = precompute.run(world, only=lambda name, args: name.rsplit(".", 1)[-1] in KILL_PLAN)
    assert report.resumed == len(kept) and report.stored > 0  # the rest, none of the kept ones again
    calls = [(step["call"], step["args"]) for step in manifest(world)["steps"]]
    assert calls[:len(kept)] == kept and len(set(calls)) == len(calls)
    assert {name.rsplit(".", 1)[-1] for name, _ in calls} == set(KILL_PLAN)


def test_a_step_the_job_was_killed_in_twice_is_given_up(world):
    folder = precompute._version_dir(world, precompute.current_version(world))
    folder.mkdir(parents=True)
    key = precompute.result_key(riskmap.class_basis, (YEAR,))
    with open(folder / precompute.JOURNAL, "w") as journal:  # two runs that died inside the same step
        journal.write(json.dumps({"event": "begin", "key": key}) + "\n" + json.dumps({"event": "begin", "key": key})
                      + "\n")
    report = precompute.run(world, only=lambda name, args: name.endswith((".class_basis", ".fit_risk_model")))
    assert report.failed == 1 and [step["call"] for step in report.steps] == ["analysis.riskmodel.fit_risk_model"]


def test_the_briefings_compute_nothing_the_job_stored_and_english_reuses_chinese(world):
    report = precompute.run(world, only=lambda name, args: not args or not isinstance(args[0], str)
                            or args[0] == NATIONAL)
    steps = manifest(world)["steps"]
    calls = [(step["call"], step["args"]) for step in steps]
    assert len(set(calls)) == len(calls) == report.stored  # nothing computed twice
    briefings = {step["args"][-4:-2]: step for step in steps if step["call"] == "analysis.briefing.build_briefing"}
    assert set(briefings) == {"zh", "en"}
    assert briefings["en"]["parts_computed"] == []  # every number from the Chinese briefing's run
    assert {"analysis.credibility.audit.run_audit", "analysis.screening.screening_counts",
            "analysis.department_warnings.warning_counts", "analysis.floods.estimate.flood_models",
            "analysis.riskmap.class_basis"} <= set(briefings["zh"]["parts_stored"])
    # What the Chinese briefing still computed (the overview's figures...) it stored as steps of their own.
    assert set(briefings["zh"]["parts_computed"]) <= {call for call, _ in calls}


def test_a_stored_briefing_chart_is_read_as_plain_data_and_drawn_the_same():
    import plotly.graph_objects as go
    import plotly.io as pio

    from analysis.briefing import Chart

    figure = go.Figure(go.Bar(x=["甲", "乙"], y=[3, 4]), layout={"title": {"text": "全国 · 收入来源"}})
    read = pickle.loads(pickle.dumps(Chart("sources", figure)))
    assert "figure" not in read.__dict__  # not built on reading: unpickling figures was most of a briefing's cost
    assert isinstance(read.__dict__["_json"], str)
    drawn = json.loads(pio.to_json(figure))
    assert json.loads(pio.to_json(read.figure)) == drawn and read == Chart("sources", figure)
    assert json.loads(pio.to_json(pickle.loads(pickle.dumps(read)).figure)) == drawn  # and again, from the cache


def test_results_of_another_release_are_not_read(tmp_path):
    """An upgrade that keeps the data must not serve results the old code stored: the folder names the code."""
    package = precompute.PACKAGE
    copy = tmp_path / "analysis"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert precompute.code_fingerprint(copy) == precompute.code_fingerprint(package)
    (copy / "trends.py").write_text((copy / "trends.py").read_text() + "\n# a later release\n")
    precompute.code_fingerprint.cache_clear()
    assert precompute.code_fingerprint(copy) != precompute.code_fingerprint(package)


def test_scoping_a_stored_briefing_leaves_its_charts_unbuilt():
    import plotly.graph_objects as go

    from analysis.access import guard
    from analysis.access.scope import Scope
    from analysis.briefing import Chart

    read = pickle.loads(pickle.dumps(Chart("map", go.Figure(go.Bar(x=["甲"], y=[1])))))
    scoped = guard.scoped_result((read, pd.DataFrame({"county_code": ["620102", "640104"]})),
                                 Scope("leader", "620000", frozenset({"aggregates"})), 5)
    assert "figure" not in read.__dict__ and "figure" not in scoped[0].__dict__  # built, it cost a meeting seconds
    assert scoped[1]["county_code"].tolist() == ["620102"]  # the frame beside it was still scoped

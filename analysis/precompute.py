"""Results computed when the data change, so that no visitor pays for a model fit or a national count.

After every write (analysis.store.connection.write_transaction calls `after_write` once the new file is in
place) a job computes the expensive first calls of the pages — risk model fit, evaluation and scores,
briefing, credibility audit, screening and department-warning counts, income trends, price forecasts,
what-if, flood models — for the whole country and every province, for the latest year, and stores each
result beside the database: `.<db name>.results/<data version>/<key>.pkl`, where key hashes the function's
name and arguments. The page shell and the command line then read a stored result for the same data
version and arguments before computing. Stored results are national or per province: pages still pass
them through the scope guard (rows cut to the user's area, small cells suppressed), exactly as fresh ones.

A stored result is only ever read for the data version it was computed on: the version is the directory,
and results are written only while the live file still has that version. The job runs after the swap
(readers keep answering; the import returns at once); a page opened before the job has finished computes as
before and says so. `INCOMEWATCH_PRECOMPUTE`: `background` (default: a detached process), `inline` (the
writer waits) or `off` (tests that write many times).

Pickle is read only from files this job wrote beside the database, never from an upload.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MODE_ENV = "INCOMEWATCH_PRECOMPUTE"
MANIFEST = "manifest.json"
_MISSING = object()
TOP_HOUSEHOLDS = 200  # pages/risk_model.py shows the 200 highest scores
SCENARIO_FILE = "cattle_minus20_6m.toml"  # the what-if page's default scenario
# (stored | computed, function, arguments) -> calls in this process: what `make bench` and the tests report
served_counts: collections.Counter = collections.Counter()


def results_dir(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(f".{path.name}.results")


def _version_dir(db_path: Path | str, version: str) -> Path:
    # The version string comes from file metadata; hashed so any form of it makes a safe folder name.
    return results_dir(db_path) / hashlib.sha256(version.encode()).hexdigest()[:32]


def _canonical(value: Any) -> str:
    """A text form of an argument that is the same in every process (set order varies with hash seeds)."""
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, tuple | list):
        return type(value).__name__ + "(" + ",".join(_canonical(v) for v in value) + ")"
    if isinstance(value, dict):
        return "dict(" + ",".join(f"{_canonical(k)}:{_canonical(v)}" for k, v in sorted(value.items(), key=repr)) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(f"{f.name}={_canonical(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{type(value).__qualname__}({fields})"
    return repr(value)


def query_name(query: Callable[..., Any]) -> str:
    return f"{query.__module__}.{query.__qualname__}"


def result_key(query: Callable[..., Any], args: tuple) -> str:
    return hashlib.sha256(f"{query_name(query)}\x00{_canonical(args)}".encode()).hexdigest()


def current_version(db_path: Path | str) -> str:
    from analysis.store.connection import Database

    return Database(Path(db_path)).version


def load(db_path: Path | str, version: str, query: Callable[..., Any], args: tuple) -> Any:
    """The stored result of `query(cur, *args)` on `version`, or `_MISSING`."""
    file = _version_dir(db_path, version) / f"{result_key(query, args)}.pkl"
    try:
        with open(file, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return _MISSING
    except Exception:  # a damaged file is recomputed, never an error for the visitor
        return _MISSING


def is_stored(db_path: Path | str, version: str, query: Callable[..., Any], args: tuple) -> bool:
    return (_version_dir(db_path, version) / f"{result_key(query, args)}.pkl").exists()


def stored_first(query: Callable[..., Any], db_path: Path | str, version: str) -> Callable[..., Any]:
    """`query` itself for the scope guard (same name), answering from the store when `version` is still live.

    The cursor the caller passes was opened on the live file; versions only move forward, so a live version
    equal to `version` after the cursor was taken means the cursor reads `version` too.
    """
    @functools.wraps(query)
    def served(cur: Any, *args: Any) -> Any:
        if current_version(db_path) == version:
            found = load(db_path, version, query, args)
            if found is not _MISSING:
                served_counts["stored", query_name(query), _canonical(args)] += 1
                return found
        served_counts["computed", query_name(query), _canonical(args)] += 1
        return query(cur, *args)

    return served


@contextlib.contextmanager
def versioned_connection(db_path: Path | str) -> Iterator[tuple[Any, str]]:
    """A read-only connection and the data version it reads (for the command line)."""
    from analysis.store.connection import connect_read_only

    while True:
        before = current_version(db_path)
        con = connect_read_only(Path(db_path))
        if current_version(db_path) == before:
            break
        con.close()  # swapped while opening: open again
    try:
        yield con, before
    finally:
        con.close()


def stored_or_computed(db_path: Path | str, version: str, cur: Any, query: Callable[..., Any], *args: Any,
                       status: Callable[[str], None] | None = None, **options: Any) -> Any:
    """For the command line: the stored result, else `query(cur, *args, **options)` (with a status line)."""
    found = load(db_path, version, query, args)
    if found is not _MISSING:
        return found
    if status is not None:
        status(f"computing {query.__qualname__}: no stored result for this data version / 此数据版本尚无预先计算的结果，正在计算")
    return query(cur, *args, **options)


@contextlib.contextmanager
def command_reader(db_path: Path | str) -> Iterator[tuple[Any, Callable[..., Any]]]:
    """For a command: a read-only connection and `fetch(query, *args, **options)`, which reads the stored
    result for this data version and arguments or computes it, saying so on stderr."""
    with versioned_connection(db_path) as (con, version):
        def fetch(query: Callable[..., Any], *args: Any, **options: Any) -> Any:
            return stored_or_computed(db_path, version, con, query, *args, status=_to_stderr, **options)

        yield con, fetch


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the job --------------------------------------------------------------------------------------------

def _plan(cur: Any, compute: Callable[..., Any]) -> None:
    """The pages' expensive first calls, national first then each province, latest year, default settings.

    The arguments must be exactly those the pages pass (tests/test_precompute.py opens the pages and
    checks that none of these is computed again).
    """
    from analysis import cases, closing, drilldown, employment, riskmap, riskmodel, screening, trends
    from analysis import department_warnings as dw
    from analysis.briefing import build_briefing
    from analysis.credibility import run_audit
    from analysis.floods import events, whatif
    from analysis.floods.estimate import effect_by_income_mix, estimation_scopes, flood_models
    from analysis.prices import alerts, forecast
    from analysis.prices.params import param
    from analysis.regioncodes import NATIONAL
    from analysis.simulate import engine, ranges, scenario

    year = cur.execute("SELECT max(year) FROM income").fetchone()[0]
    if year is None:
        return
    provinces = [code for (code,) in cur.execute(
        "SELECT DISTINCT substr(county_code, 1, 2) || '0000' FROM county_year ORDER BY 1").fetchall()]
    rules, warning_rules, deadlines = screening.load_rules(), dw.load_warning_rules(), cases.load_deadlines()
    text = scenario.scenario_to_toml(scenario.scenario_from_toml(scenario.example_scenarios()[SCENARIO_FILE]))
    horizon = int(param("forecast", "horizon"))

    compute(riskmap.class_basis, year)
    model = compute(riskmodel.fit_risk_model, year)
    judged = compute(riskmodel.evaluation_year, year)
    for region in (NATIONAL, *provinces):
        compute(trends.income_view, region, year)
        compute(trends.income_bands, region, year)
        compute(drilldown.income_trend, region, year)
        compute(drilldown.households_by_type, region, year)
        compute(employment.county_months, region, year)
        compute(employment.workers_by_county, region, year)
        compute(events.event_span, region)
        compute(whatif.region_counties, region, year)
        counts = compute(screening.screening_counts, region, year, rules)
        if counts is not None and screening.screening_totals(counts, rules).households_flagged <= screening.LIST_LIMIT:
            compute(screening.flagged_households, region, year, rules)  # longer lists: the page asks to narrow
            if model is not None:
                compute(riskmodel.risk_scores, region, year, model)
        if judged is not None:
            compute(riskmodel.evaluate, region, judged)
        if model is not None:
            compute(riskmodel.highest_risk, region, year, model, TOP_HOUSEHOLDS)
        compute(dw.warning_counts, region, year, warning_rules)
        compute(dw.department_warnings, region, year, warning_rules)
        compute(cases.case_summary, region, deadlines)
        compute(cases.follow_through, region, deadlines)
        compute(closing.closing_summary, region, year, warning_rules, deadlines)
        compute(closing.closing_check, region, year, warning_rules, deadlines)
        compute(alerts.commodities_in_stress, region, None)  # None: prices through the latest income year
        compute(forecast.price_forecast, region, "live_cattle", horizon, None)
        compute(engine.simulate_toml, region, year, text)
        compute(ranges.scenario_range_toml, region, year, text)
        for scope in estimation_scopes(region):
            if compute(flood_models, scope) is not None:
                compute(effect_by_income_mix, scope)
        compute(run_audit, region, year)
        for lang in ("zh", "en"):
            compute(build_briefing, region, year, lang)


@dataclasses.dataclass
class JobReport:
    version: str
    stored: int = 0
    failed: int = 0
    seconds: float = 0.0
    skipped: str = ""  # why nothing was computed (already done, a newer write came)
    timings: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    calls: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (function, canonical arguments)


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class _NewerWrite(Exception):
    """The database changed while the job ran: its results would be of an old version."""


def run(db_path: Path | str, progress: Callable[[str], None] | None = None,
        only: Callable[[str, tuple], bool] | None = None) -> JobReport:
    """Compute and store the plan's results for the live data version (one job per database at a time).

    `only(function name, arguments)` limits the plan (tests; a call left out yields None to those after it).
    """
    from analysis.store.connection import Database

    db_path = Path(db_path)
    root = results_dir(db_path)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a job for an earlier write finishes (or gives up) first
        database = Database(db_path)
        version = database.version
        report = JobReport(version=version)
        target = _version_dir(db_path, version)
        if version == "missing":
            report.skipped = "no database"
            return report
        if (target / MANIFEST).exists():
            report.skipped = "already computed"
            return report
        target.mkdir(exist_ok=True)
        started = time.perf_counter()

        def compute(query: Callable[..., Any], *args: Any) -> Any:
            if only is not None and not only(query_name(query), args):
                return None
            done = load(db_path, version, query, args)  # e.g. the national flood models, asked by every province
            if done is not _MISSING:
                return done
            began = time.perf_counter()
            try:
                result = query(cur, *args)
            except Exception as exc:  # e.g. not enough data for a model here: the page says so itself
                report.failed += 1
                if progress:
                    progress(f"{query.__qualname__}{args[:1]}: not stored ({type(exc).__name__}: {exc})"[:160])
                return None
            if database.version != version:
                raise _NewerWrite
            _write_atomically(target / f"{result_key(query, args)}.pkl", pickle.dumps(result, protocol=5))
            seconds = time.perf_counter() - began
            report.stored += 1
            report.calls.append((query_name(query), _canonical(args)))
            report.timings.append((f"{query_name(query)}{_short(args)}", seconds))
            if progress:
                progress(f"{seconds:6.2f} s  {query.__qualname__}{_short(args)}")
            return result

        try:
            with database.cursor() as cur:
                if database.version != version:
                    raise _NewerWrite
                _plan(cur, compute)
        except _NewerWrite:
            shutil.rmtree(target, ignore_errors=True)
            report.skipped = "a newer write replaced this data version"
            return report
        finally:
            database.close()
        report.seconds = time.perf_counter() - started
        _write_atomically(target / MANIFEST, json.dumps(
            {"version": version, "stored": report.stored, "failed": report.failed, "seconds": report.seconds,
             "timings": report.timings, "calls": report.calls}, ensure_ascii=False, indent=1).encode())
        _remove_other_versions(root, keep=target)
        return report


def _short(args: tuple) -> str:
    shown = [a if isinstance(a, int | str) and len(str(a)) < 16 else "…" for a in args]
    return "(" + ", ".join(map(str, shown)) + ")"


def _remove_other_versions(root: Path, keep: Path) -> None:
    """Results of versions no longer live (readers of an old version fall back to computing)."""
    for child in root.iterdir():
        if child.is_dir() and child != keep:
            shutil.rmtree(child, ignore_errors=True)


def after_write(db_path: Path | str) -> None:
    """Start computing the new data version's results (called by the writer after the swap).

    The write has succeeded by then: a job that cannot start (a read-only folder, no disk) is reported on
    stderr and never turns the import into a failure; visitors then compute as before.
    """
    mode = os.environ.get(MODE_ENV, "background").strip().lower()
    if mode == "off":
        return
    try:
        _start(db_path, inline=mode == "inline")
    except Exception as exc:  # see the docstring
        _to_stderr(f"precompute not started / 未能启动预先计算: {type(exc).__name__}: {exc}")


def _start(db_path: Path | str, inline: bool) -> None:
    if inline:
        run(db_path)
        return
    from analysis.config import PROJECT_ROOT

    root = results_dir(db_path)
    root.mkdir(parents=True, exist_ok=True)
    nice = ["nice", "-n", "10"] if shutil.which("nice") else []  # visitors' pages come before the job
    with open(root / "job.log", "a") as log:
        subprocess.Popen([*nice, sys.executable, "-m", "analysis", "precompute", "--db", str(Path(db_path).resolve())],
                         cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)


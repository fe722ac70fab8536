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

The job shares the machine with the app: it runs at nice 10, and its DuckDB connection gets its own memory
limit (`INCOMEWATCH_PRECOMPUTE_MEMORY`, the job's budget, default a quarter of RAM, of which DuckDB takes 60%),
thread count (`INCOMEWATCH_PRECOMPUTE_THREADS`, default half the cores) and a spill folder in the results folder.
Steps go most valuable first (every page's first view for the country and each province, then audits and
briefings); each result is readable as soon as it is written, and `journal.jsonl` records each step as it
ends (seconds, peak memory so far), so a killed job leaves what it stored served and a restart goes on from
there; a step the job was killed in twice is given up. The briefings take their numbers from the results
the job stored (`build_briefing(..., fetch=)`), the English one entirely from the Chinese one's. The
manifest, written last, has every step's timing.

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
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

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


PACKAGE = Path(__file__).resolve().parent  # the analysis package whose code computed a result


@functools.cache
def code_fingerprint(package: Path = PACKAGE) -> str:
    """This install's analysis code and pickling libraries: results stored by another release (after an upgrade
    that kept the data) may hold other shapes or other numbers, so they are neither read nor resumed."""
    digest = hashlib.sha256(f"{sys.version}\x00{metadata.version('pandas')}\x00{metadata.version('plotly')}".encode())
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode() + b"\x00" + source.read_bytes())
    return digest.hexdigest()


def _version_dir(db_path: Path | str, version: str) -> Path:
    # The version string comes from file metadata; hashed with the code's fingerprint into a safe folder name.
    return results_dir(db_path) / hashlib.sha256(f"{version}\x00{code_fingerprint()}".encode()).hexdigest()[:32]


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


def read_ms(db_path: Path | str, version: str, key: str) -> float:
    """CPU milliseconds to read one stored result by its key: what a first view pays for it (`--read-times`)."""
    data = (_version_dir(db_path, version) / f"{key}.pkl").read_bytes()
    began = time.process_time()
    pickle.loads(data)
    return (time.process_time() - began) * 1000


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

# The job's own share of the machine: the app's processes and an import may run beside it.
JOB_MEMORY_ENV = "INCOMEWATCH_PRECOMPUTE_MEMORY"  # the job's memory budget, e.g. "6GB"; default a quarter of RAM
JOB_THREADS_ENV = "INCOMEWATCH_PRECOMPUTE_THREADS"  # DuckDB threads of the job; default half the cores
DEFAULT_MEMORY_SHARE = 0.25
DUCKDB_SHARE = 0.6  # of the budget for DuckDB's buffers; the rest for the Python side (frames, models, pickles)
GIVE_UP_AFTER = 2  # a step whose job was killed this often while computing it (out of memory) is not tried again
JOURNAL = "journal.jsonl"


def job_memory_budget() -> int:
    """Bytes the job may use: `INCOMEWATCH_PRECOMPUTE_MEMORY` ("6GB", "512MB", "1.5GiB") or a quarter of RAM."""
    given = os.environ.get(JOB_MEMORY_ENV, "").strip()
    if given:
        return _parse_bytes(given)
    return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") * DEFAULT_MEMORY_SHARE)


def _parse_bytes(text: str) -> int:
    units = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
             "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if found is None or found[2].upper() not in units:
        raise ValueError(f"{JOB_MEMORY_ENV}={text!r}: expected a size such as 6GB or 512MB")
    return int(float(found[1]) * units[found[2].upper()])


def job_settings(temp_directory: Path) -> dict[str, Any]:
    """DuckDB settings of the job's connection: memory limit, threads, where to spill."""
    threads = os.environ.get(JOB_THREADS_ENV, "").strip()
    return {"memory_limit": f"{int(job_memory_budget() * DUCKDB_SHARE) // 2**20}MiB",
            "threads": int(threads) if threads else max(1, (os.cpu_count() or 2) // 2),
            "temp_directory": str(temp_directory)}


def _bound(cur: Any, settings: dict[str, Any]) -> dict[str, str]:
    """Apply `settings` to the job's DuckDB instance; what the connection then reports (for the manifest)."""
    for name, value in settings.items():
        cur.execute(f"SET {name} = $value", {"value": value})  # names from job_settings only
    return {name: cur.execute("SELECT current_setting($name)", {"name": name}).fetchone()[0] for name in settings}


def peak_rss_mb() -> float:
    """The job process's peak resident memory so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclasses.dataclass
class JobReport:
    version: str
    stored: int = 0
    failed: int = 0
    resumed: int = 0  # results an earlier, unfinished run of the job had stored (not computed again)
    seconds: float = 0.0
    skipped: str = ""  # why nothing was computed (already done, a newer write came)
    peak_rss_mb: float = 0.0
    settings: dict = dataclasses.field(default_factory=dict)  # as the job's DuckDB connection reports them
    # one entry per stored result of this data version, in the order computed (earlier runs' too):
    # call, args (canonical), label, seconds (its own, without the parts it asked for), rss_mb, parts_stored, parts_computed
    steps: list[dict] = dataclasses.field(default_factory=list)

    @property
    def timings(self) -> list[tuple[str, float]]:
        return [(step["label"], step["seconds"]) for step in self.steps]

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [(step["call"], step["args"]) for step in self.steps]


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class _NewerWrite(Exception):
    """The database changed while the job ran: its results would be of an old version."""


class _GaveUp(Exception):
    """The job was killed while computing this step GIVE_UP_AFTER times."""


class _Journal:
    """What the job did for one data version, a line per event, written as it goes: a job that is killed
    leaves its stored results (readers use them at once) and this record, so the next run goes on from there."""

    def __init__(self, folder: Path):
        self.path = folder / JOURNAL
        lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        events = [json.loads(line) for line in lines if line.strip().endswith("}")]  # a torn last line is dropped
        self.steps = [{k: v for k, v in event.items() if k != "event"} for event in events if event["event"] == "stored"]
        ended = collections.Counter(event["key"] for event in events if event["event"] != "begin")
        begun = collections.Counter(event["key"] for event in events if event["event"] == "begin")
        self.killed_in = begun - ended  # steps a run began and never ended

    def add(self, event: str, **fields: Any) -> None:  # fields: the step's key and what else is known
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")


class _Job:
    """One run of the plan for one data version: computes each step once, stores it, journals it."""

    def __init__(self, db_path: Path, database: Any, target: Path, report: JobReport,
                 progress: Callable[[str], None] | None, only: Callable[[str, tuple], bool] | None):
        self.db_path, self.database, self.target, self.report = db_path, database, target, report
        self.progress, self.only = progress, only
        self.journal = _Journal(target)
        report.steps = list(self.journal.steps)
        report.resumed = len(report.steps)
        self.failures: dict[str, Exception] = {}
        self.asking: list[dict] = []  # the steps being computed, innermost last: what each asked of the others
        self.cur: Any = None
        self.settings: dict[str, Any] = {}
        self._open = contextlib.ExitStack()

    def connect(self, settings: dict[str, Any]) -> dict[str, str]:
        """A cursor on a DuckDB connection of its own, bounded by `settings`; what the connection reports."""
        self.settings = settings
        self.cur = self._open.enter_context(self.database.cursor())
        if self.database.version != self.report.version:
            raise _NewerWrite
        return _bound(self.cur, settings)

    def reconnect(self) -> None:
        """Close the connection, and DuckDB's memory with it, and open a fresh one."""
        self._open.close()
        self.database.close()
        self.connect(self.settings)

    def close(self) -> None:
        self._open.close()

    def fetch(self, query: Callable[..., Any], *args: Any, **options: Any) -> Any:
        """The result of `query(cur, *args)`: stored already, or computed now and stored; raises its errors."""
        name, key = query_name(query), result_key(query, args)
        parent = self.asking[-1] if self.asking else None
        if key in self.failures:
            raise self.failures[key]
        done = load(self.db_path, self.report.version, query, args)  # e.g. national flood models, every province
        if parent is not None:
            parent["parts_computed" if done is _MISSING else "parts_stored"].append(name)
        if done is not _MISSING:
            return done
        if self.only is not None and not self.only(name, args):
            return query(self.cur, *args, **options)
        label = f"{query.__qualname__}{_short(args)}"
        if self.journal.killed_in[key] >= GIVE_UP_AFTER:
            # not journaled as an end: a restart of this version gives up on it again
            self._fail(key, label, _GaveUp(f"the job was killed {self.journal.killed_in[key]} times in this step"),
                       journal=False)
        step = {"call": name, "args": _canonical(args), "label": label, "key": key, "parts_stored": [],
                "parts_computed": [], "nested": 0.0}
        self.journal.add("begin", key=key, label=label)
        result = self._timed(step, parent, lambda: query(self.cur, *args, **options))
        self._store(step, result)
        return result

    def compute(self, query: Callable[..., Any], *args: Any, **options: Any) -> Any:
        """`fetch` for the plan: None where the step is left out or fails (the page computes it then)."""
        if self.only is not None and not self.only(query_name(query), args):
            return None
        try:
            return self.fetch(query, *args, **options)
        except _NewerWrite:
            raise
        except Exception:
            return None

    def store(self, query: Callable[..., Any], *args: Any, **options: Any) -> None:
        """`compute` without reading back a result an earlier run stored (a restart then goes on at once)."""
        if not is_stored(self.db_path, self.report.version, query, args):
            self.compute(query, *args, **options)

    def _timed(self, step: dict, parent: dict | None, call: Callable[[], Any]) -> Any:
        """call(); the step's own seconds exclude the steps it asked for."""
        self.asking.append(step)
        began = time.perf_counter()
        try:
            result = self._with_retry(call, top=parent is None)
        except _NewerWrite:
            raise
        except Exception as exc:  # e.g. not enough data for a model here: the page says so itself
            self._fail(step["key"], step["label"], exc)
        finally:
            self.asking.pop()
            elapsed = time.perf_counter() - began
            if parent is not None:
                parent["nested"] += elapsed
        step["seconds"] = round(elapsed - step.pop("nested"), 3)
        return result

    def _with_retry(self, call: Callable[[], Any], top: bool) -> Any:
        """call(); a step of the plan that runs out of memory is tried once more on a fresh connection. On the
        30-million world DuckDB held memory across a long job's steps: the national audit failed at 5.6 GiB after
        the warnings had run on the same connection and finished alone at 5.1 GiB (a nested step is not retried:
        the step that asked for it holds the cursor)."""
        import duckdb

        try:
            return call()
        except duckdb.OutOfMemoryException:
            if not top:
                raise
        if self.progress:
            self.progress("out of memory: trying the step again on a fresh connection")
        self.reconnect()
        return call()

    def _fail(self, key: str, label: str, exc: Exception, journal: bool = True) -> NoReturn:
        self.failures[key] = exc
        self.report.failed += 1
        if journal:
            self.journal.add("failed", key=key, label=label, error=f"{type(exc).__name__}: {exc}"[:300])
        if self.progress:
            self.progress(f"{label}: not stored ({type(exc).__name__}: {exc})"[:160])
        raise exc

    def _store(self, step: dict, result: Any) -> None:
        if self.database.version != self.report.version:
            raise _NewerWrite
        _write_atomically(self.target / f"{step['key']}.pkl", pickle.dumps(result, protocol=5))
        step["rss_mb"] = round(peak_rss_mb())
        self.journal.add("stored", **step)
        self.report.stored += 1
        self.report.steps.append(step)
        if self.progress:
            self.progress(f"{step['seconds']:7.2f} s  {step['label']}")


def _plan(cur: Any, job: _Job) -> None:
    """The pages' expensive first calls, most valuable first, latest year, default settings: every page's first
    view, the credibility audit and the briefings (which take their parts from what is stored already,
    `job.fetch`), national first, then each province: a region is complete before the next one starts, so the
    national meeting does not wait for 31 provinces on a national world. `job.compute` returns the result,
    `job.store` does not read back what an earlier, killed run stored.

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

    job.store(riskmap.class_basis, year)
    model = job.compute(riskmodel.fit_risk_model, year)
    judged = job.compute(riskmodel.evaluation_year, year)
    regions = (NATIONAL, *provinces)
    for region in regions:
        job.store(trends.income_view, region, year)
        job.store(trends.income_bands, region, year)
        job.store(drilldown.income_trend, region, year)
        job.store(drilldown.households_by_type, region, year)
        job.store(employment.county_months, region, year)
        job.store(employment.workers_by_county, region, year)
        job.store(events.event_span, region)
        job.store(events.region_outlines, region)  # the floods page's map and the briefing's
        job.store(whatif.region_counties, region, year)
        counts = job.compute(screening.screening_counts, region, year, rules)
        listed = (counts is not None
                  and screening.screening_totals(counts, rules).households_flagged <= screening.LIST_LIMIT)
        if listed:  # longer lists: the page asks to narrow
            job.store(screening.flagged_households, region, year, rules)
            if model is not None:
                job.store(riskmodel.risk_scores, region, year, model)
        if judged is not None:
            job.store(riskmodel.evaluate, region, judged)
        if model is not None:
            job.store(riskmodel.highest_risk, region, year, model, TOP_HOUSEHOLDS)
        # the warnings and the closing check once each: the counts, check and summary read them from the job
        job.store(dw.department_warnings, region, year, warning_rules)
        warned = job.compute(dw.warning_counts, region, year, warning_rules, fetch=job.fetch)
        if not listed and warned is not None and warned.totals.warned_households <= screening.LIST_LIMIT:  # reasons
            job.store(screening.flagged_households, region, year, rules)
        job.store(cases.case_summary, region, deadlines)
        job.store(cases.follow_through, region, deadlines)
        job.store(closing.closing_check, region, year, warning_rules, deadlines, fetch=job.fetch)
        job.store(closing.closing_summary, region, year, warning_rules, deadlines, fetch=job.fetch)
        job.store(alerts.meeting_alerts, region, None)  # None: prices through the latest income year
        job.store(forecast.price_forecast, region, "live_cattle", horizon, None)
        job.store(engine.simulate_toml, region, year, text)
        job.store(ranges.scenario_range_toml, region, year, text)
        for scope in estimation_scopes(region):
            if job.compute(flood_models, scope) is not None:
                job.store(effect_by_income_mix, scope)
        job.store(run_audit, region, year)
        for lang in ("zh", "en"):  # the English briefing finds every number stored by the Chinese one
            job.store(build_briefing, region, year, lang, fetch=job.fetch)


def run(db_path: Path | str, progress: Callable[[str], None] | None = None,
        only: Callable[[str, tuple], bool] | None = None) -> JobReport:
    """Compute and store the plan's results for the live data version (one job per database at a time).

    Resumable: results stored by an earlier run that was killed are kept and not computed again. `only(function
    name, arguments)` limits the plan (tests; a call left out yields None to those after it, and is computed
    without being stored when a briefing asks for it).
    """
    from analysis.store.connection import Database

    db_path = Path(db_path)
    root = results_dir(db_path)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a job for an earlier write finishes (or gives up) first
        database = Database(db_path)
        report = JobReport(version=database.version)
        target = _version_dir(db_path, report.version)
        if report.version == "missing":
            report.skipped = "no database"
            return report
        if (target / MANIFEST).exists():
            report.skipped = "already computed"
            return report
        _remove_other_versions(root, keep=target)  # never read again: the live version is newer
        target.mkdir(exist_ok=True)
        for partial in target.glob("*.partial"):  # a killed run's unfinished file
            partial.unlink(missing_ok=True)
        job = _Job(db_path, database, target, report, progress, only)
        started = time.perf_counter()
        try:
            report.settings = job.connect(job_settings(root / ".spill"))
            _plan(job.cur, job)
        except _NewerWrite:
            shutil.rmtree(target, ignore_errors=True)
            report.skipped = "a newer write replaced this data version"
            return report
        finally:
            job.close()
            database.close()
            shutil.rmtree(root / ".spill", ignore_errors=True)
        report.seconds = time.perf_counter() - started
        report.peak_rss_mb = round(peak_rss_mb())
        _write_atomically(target / MANIFEST, json.dumps(
            {"version": report.version, "stored": report.stored, "failed": report.failed, "resumed": report.resumed,
             "seconds": round(report.seconds, 3), "peak_rss_mb": report.peak_rss_mb, "settings": report.settings,
             "steps": report.steps}, ensure_ascii=False, indent=1).encode())
        return report


def _short(args: tuple) -> str:
    shown = [a if isinstance(a, int | str) and len(str(a)) < 16 else "…" for a in args]
    return "(" + ", ".join(map(str, shown)) + ")"


def _remove_other_versions(root: Path, keep: Path) -> None:
    """Results of versions no longer live (readers of an old version fall back to computing)."""
    for child in root.iterdir():
        if child.is_dir() and child != keep and not child.name.startswith("."):
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


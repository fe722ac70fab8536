"""Import: read, validate and load files of import format v1. The one path for the command line
and the upload page, and the only code that puts bureau data into the database.

A batch is validated whole before anything is written; one problem anywhere refuses the whole
batch and leaves the database file byte-for-byte unchanged. Loads go through write_transaction
(copy, change, atomic swap) and replace rows by key, so importing a file again changes nothing
and a corrected row replaces the old one. A file already loaded (same sha256 and kind) is
skipped without opening a write at all.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.privacy import HASH_SCHEME, ID_MASK, has_legacy_salt, id_key, legacy_salt_path, rekey_legacy_hash
from analysis.regioncodes import NATIONAL
from analysis.regions import add_unnamed_units, ensure_real_regions
from analysis.store import bounds as B
from analysis.store import formats as F
from analysis.store.connection import (
    EarlyCopy,
    WriteError,
    connect_read_only,
    early_copy,
    table_columns,
    write_transaction,
)
from analysis.store.partitions import EXTRACTS, is_partitioned
from analysis.store.sandbox import Limits, PreparedFile, prepare_isolated, refused
from analysis.store.summaries import keep_current
from analysis.store.validate import Problem, format_problems

__all__ = ["FileResult", "IngestReport", "PreparedFile", "Problem", "format_problems", "ingest_files",
           "prepare_file"]

Progress = Callable[[float, str], None]
Source = str | os.PathLike | tuple[str, bytes]

_ARROW_TYPES = {
    F.INT: pa.int32(), F.YEAR: pa.int32(), F.SEVERITY: pa.int32(), F.BIGINT: pa.int64(),
    F.NUMBER: pa.float64(), F.MONEY: pa.float64(), F.PRICE: pa.float64(), F.AREA: pa.float64(),
    F.DATE: pa.date32(), F.MONTH: pa.date32(), F.BOOL: pa.bool_(),
}


@dataclass
class FileResult:
    """What happened to one file. rows_read = rows + rows_skipped; a loaded file's rows = inserted + replaced."""
    name: str
    kind: str | None
    rows: int                     # data rows
    inserted: int = 0
    replaced: int = 0
    status: str = "refused"       # loaded | already_loaded | refused
    sha256: str = ""
    extra_columns: list[str] = field(default_factory=list)
    rows_read: int = 0            # rows below the header
    rows_skipped: int = 0         # blank rows, 合计 rows and a closing note

    @property
    def rows_loaded(self) -> int:
        return self.inserted + self.replaced

    def to_dict(self) -> dict:
        return dict(self.__dict__, rows_loaded=self.rows_loaded)


@dataclass
class IngestReport:
    ok: bool
    problems: list[Problem]
    files: list[FileResult]
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # seconds per phase
    cpu: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # CPU seconds per phase

    def to_dict(self) -> dict:
        return {"ok": self.ok, "files": [f.to_dict() for f in self.files],
                "problems": [p.to_dict() for p in self.problems]}


def prepare_file(name: str, data: bytes, kind: str | None = None, sheet: str | None = None,
                 today: date | None = None, *, key: bytes | None = None, limits: Limits | None = None) -> PreparedFile:
    """Read and validate one file in a child process within limits, without touching any database.

    With `key` the households frame also carries id_number_hash (ingest_files passes the ID key);
    without it that column is empty.
    """
    return prepare_isolated(name, data, kind=F.resolve_kind(kind), sheet=sheet, today=today or date.today(),
                            key=key, limits=limits)


def ingest_files(db_path: str | os.PathLike, files: Sequence[Source], kind: str | None = None,
                 progress: Progress | None = None, today: date | None = None, *,
                 sheet: str | None = None, limits: Limits | None = None) -> IngestReport:
    """Validate every file, then load them all in one transaction, or nothing if any has a problem.

    `files` are paths or (name, bytes) pairs; `kind` overrides detection for every file. Each file is
    read and validated in its own child process (analysis.store.sandbox) within `limits`.
    progress(fraction, message) is told about reading and validating, then loading, each file.
    """
    db_path = Path(db_path)
    kind = F.resolve_kind(kind)
    today = today or date.today()
    step = _stepper(progress, len(files))
    key = _key_for(db_path)
    phases = _Phases()
    with early_copy(db_path) as early:  # the database is copied while the children read the files
        prepared = []
        for i, source in enumerate(files):
            name = _source_name(source)
            step(2 * i, f"读取并校验 / reading and validating {name}")
            prepared.append(_prepare_source(source, kind, sheet, today, key, limits))
            phases.add_child(prepared[-1])
        results = [FileResult(p.name, p.kind, p.rows, sha256=p.sha256, extra_columns=p.extra_columns,
                              rows_read=p.rows_read, rows_skipped=p.rows_skipped) for p in prepared]
        with _reader(db_path, early) as con:
            todo = _not_yet_loaded(con, prepared, results)
            _check_income_households(con, prepared, todo)
        phases.mark("check")
        problems = [problem for i in todo for problem in prepared[i].problems]
        if not problems and todo:
            problems = _write(db_path, [(prepared[i], results[i]) for i in todo], early, phases,
                              lambda k, message: step(2 * len(files) + k, message))
            if problems:
                for result in results:
                    result.status, result.inserted, result.replaced = "refused", 0, 0
    _finish(progress)
    return IngestReport(not problems, problems, results, phases.seconds, phases.cpu)


def _write(db_path: Path, todo: list[tuple[PreparedFile, FileResult]], early: EarlyCopy | None, phases: _Phases,
           step: Callable[[int, str], None]) -> list[Problem]:
    """Load the files in one transaction; [] when done, else the write's problem (the database is unchanged)."""
    try:
        with write_transaction(db_path, counties=_counties_written(db_path, [p for p, _ in todo]),
                               extracts=any(F.KINDS[p.kind].table in EXTRACTS for p, _ in todo), early=early) as con:
            phases.mark("copy")
            touched: set[str] = set()
            years: set[int] | None = set()  # the years whose sums change; None: every year
            for k, (p, result) in enumerate(sorted(todo, key=lambda pair: F.LOAD_ORDER.index(pair[0].kind))):
                step(k, f"写入 / loading {p.name}")
                counties, file_years = _load_file(con, p, result)
                touched |= counties
                if counties:
                    years = None if years is None or file_years is None else years | file_years
            if any(p.kind == "households" for p, _ in todo):
                con.execute("DELETE FROM meta WHERE key = 'id_hash'")
                con.execute("INSERT INTO meta VALUES ('id_hash', $scheme)", {"scheme": HASH_SCHEME})
            phases.mark("load")
            keep_current(con, touched, years)
            phases.mark("summaries")
    except WriteError as error:
        return [Problem(str(db_path.name), None, None, None, error.reason_zh, error.reason_en)]
    phases.mark("commit_swap")
    return []


class _Phases:
    """Seconds and CPU seconds spent in each phase of an import, for `make bench`: the children's start, read,
    validate and transfer (summed over files), then the parent's checks, copy, load, sums and commit with the
    swap. CPU seconds of the children are under their own phases (read, validate, and `child` for all of a
    child's CPU); the app's CPU while a child worked (start, wait, receive, with the file's hash and the early
    copy's thread: copy, connect, schema) is `prepare`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last, self._last_cpu = time.monotonic(), time.process_time()

    def add_child(self, prepared: PreparedFile) -> None:
        for phase, seconds in prepared.timings.items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds
        for phase, seconds in prepared.cpu.items():
            self.cpu[phase] = self.cpu.get(phase, 0.0) + seconds
        self.mark("prepare", wall=False)

    def mark(self, phase: str, wall: bool = True) -> None:
        now, cpu = time.monotonic(), time.process_time()
        if wall:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self.cpu[phase] = self.cpu.get(phase, 0.0) + cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu


def _key_for(db_path: Path) -> bytes:
    """The ID key; a database still hashed with a salt beside it must be refreshed first (its hashes would
    not match new ones)."""
    if legacy_salt_path(db_path).exists() and db_path.exists():
        raise LegacyHashes(db_path)
    return id_key(db_path)


class LegacyHashes(ValueError):
    def __init__(self, db_path: Path):
        super().__init__(f"数据库的身份证号散列仍是旧版（旁边有 {db_path.name}.salt）：请先运行 "
                         f"`python -m analysis refresh` / the database still holds version-1 ID hashes "
                         f"(salt file beside it): run `python -m analysis refresh` first")


def _source_name(source: Source) -> str:
    return str(source[0]) if isinstance(source, tuple) else Path(source).name


def _prepare_source(source: Source, kind: str | None, sheet: str | None, today: date, key: bytes,
                    limits: Limits | None) -> PreparedFile:
    if isinstance(source, tuple):
        return prepare_isolated(str(source[0]), bytes(source[1]), kind=kind, sheet=sheet, today=today, key=key,
                                limits=limits)
    path = Path(source)
    if not path.is_file():
        return refused(path.name, "", "文件不存在或无法读取", "the file does not exist or cannot be read", kind)
    return prepare_isolated(path.name, path=path, kind=kind, sheet=sheet, today=today, key=key, limits=limits)


def _stepper(progress: Progress | None, n: int) -> Callable[[int, str], None]:
    """step(k, message) with k = 0 .. 3n-1: reading and validating each file, then loading each."""
    def step(k: int, message: str) -> None:
        if progress is not None:
            progress(k / (3 * max(n, 1)), message)
    return step


def _finish(progress: Progress | None) -> None:
    if progress is not None:
        progress(1.0, "完成 / done")


def _read_db(db_path: Path, query: Callable[[duckdb.DuckDBPyConnection], set], default: set) -> set:
    """Run a read-only query if the database exists (a missing or older database has nothing)."""
    if not db_path.exists():
        return default
    con = connect_read_only(db_path)
    try:
        return query(con)
    except duckdb.CatalogException:
        return default
    finally:
        con.close()


@contextlib.contextmanager
def _reader(db_path: Path, early: EarlyCopy | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One connection for the checks before a write: the early copy while it is the live file's current version
    (already open, and the write continues on it), else a read-only one; an empty one where there is no
    database yet."""
    current = early.current() if early is not None else None
    if current is not None:
        yield current
        return
    con = connect_read_only(db_path) if db_path.exists() else duckdb.connect()
    try:
        yield con
    finally:
        con.close()


def _not_yet_loaded(con: duckdb.DuckDBPyConnection, prepared: list[PreparedFile],
                    results: list[FileResult]) -> list[int]:
    """Indices of files to load; the others (same sha256 and kind loaded before or earlier in the batch) are skipped."""
    digests = sorted({p.sha256 for p in prepared})
    try:
        done = set(con.execute("SELECT sha256, kind FROM import_log WHERE list_contains($digests, sha256)",
                               {"digests": digests}).fetchall())
    except duckdb.CatalogException:  # an empty or older database has loaded nothing
        done = set()
    todo = []
    for i, p in enumerate(prepared):
        if p.kind is not None and (p.sha256, p.kind) in done:
            results[i].status = "already_loaded"
            continue
        if p.kind is not None:
            done.add((p.sha256, p.kind))
        todo.append(i)
    return todo


def _check_income_households(con: duckdb.DuckDBPyConnection, prepared: list[PreparedFile], todo: list[int]) -> None:
    """Every income row's household must be in this batch or already in the database, and its income per
    member within the plausibility bounds."""
    files = [prepared[i] for i in todo]
    income = [p for p in files if p.kind in F.HOUSEHOLD_REFERENCES and "household_id" in p.frame]
    if not income:
        return
    con.register("batch", _batch_members(files))
    stored = "members" in table_columns(con, "households")  # a table, or a view over province files
    known = "SELECT household_id, members FROM batch" + (
        " UNION ALL SELECT household_id, members FROM households"
        " WHERE household_id NOT IN (SELECT household_id FROM batch)" if stored else "")
    try:
        for p in income:
            _check_rows(con, known, p)
            p.problems = p.log.problems()
    finally:
        con.unregister("batch")


def _batch_members(files: list[PreparedFile]) -> pa.Table:
    """household_id and members of the households files of the batch; a household in several files counts as
    in the last (the one loaded last)."""
    frames = [p.frame[["household_id", "members"]].dropna(subset=["household_id"])
              for p in reversed(files) if p.kind == "households"]
    if not frames:
        return pa.table({"household_id": pa.array([], pa.string()), "members": pa.array([], pa.int64())})
    batch = pd.concat(frames).drop_duplicates("household_id")
    return pa.table({"household_id": pa.array(batch["household_id"], type=pa.string()),
                     "members": pa.array(batch["members"], type=pa.int64())})


# Only the rows with a problem come back from the join: a household not found, or a net income per member
# outside its bounds (none when the net income or the members are missing, or the members are 0).
_PROBLEM_ROWS = """
SELECT w.position, k.household_id IS NULL AS missing, w.net / k.members AS per_capita
FROM wanted w LEFT JOIN ({known}) k ON k.household_id = w.household_id
WHERE w.household_id IS NOT NULL
  AND (k.household_id IS NULL OR (k.members <> 0 AND NOT (w.net / k.members BETWEEN $low AND $high)))
ORDER BY w.position
"""


def _check_rows(con: duckdb.DuckDBPyConnection, known: str, p: PreparedFile) -> None:
    """Log the rows of `p` whose household is unknown, and those whose net income per member is implausible
    (the components were each checked by the validator), from one join."""
    components = [c for c in B.NET_INCOME_COMPONENTS if c in p.headers]
    net = B.net_income(p.frame, components) if components else np.full(len(p.frame), np.nan)
    bound = B.column_bound("income", "per_capita_net_income")
    con.register("wanted", pa.table({"household_id": pa.array(p.frame["household_id"], type=pa.string()),
                                     "net": pa.array(net, from_pandas=True),  # NaN (no amounts) as NULL
                                     "position": pa.array(np.arange(len(net)))}))
    try:
        rows = con.sql(_PROBLEM_ROWS.format(known=known), params={"low": bound.low, "high": bound.high}
                       ).to_arrow_table()
    finally:
        con.unregister("wanted")
    position = rows["position"].to_numpy()
    missing = rows["missing"].to_numpy(zero_copy_only=False).astype(bool)
    if missing.any():
        p.log.add_rows(p.frame.index[position[missing]], p.headers["household_id"],
                       p.frame["household_id"].to_numpy()[position[missing]],
                       "户编号在农户表中不存在（本批文件和数据库中都没有）",
                       "household_id not found in households (neither in this batch nor in the database)")
    if (~missing).any():
        per_capita = rows["per_capita"].to_numpy(zero_copy_only=False)[~missing]
        zh, en = B.reasons(bound, per_capita, 1.0)
        shown = [f"{v:,.0f} 元/人 (yuan per member)" for v in per_capita]
        p.log.add_rows(p.frame.index[position[~missing]], p.headers[components[0]], shown,
                       np.char.add("人均纯收入", zh.astype(str)), np.char.add("net income per member ", en.astype(str)))


def _counties_written(db_path: Path, files: list[PreparedFile]) -> list[str] | None:
    """The counties whose household or income rows the batch may change (None: any), so that a database kept in
    province files loads and rewrites only theirs; a single-file database needs no list."""
    if not is_partitioned(db_path):
        return None
    counties: set[str] = set()
    ids = []
    for p in files:
        if p.kind == "thresholds":
            provinces = sorted(set(p.frame["province_code"].dropna().astype(str)))
            if NATIONAL in provinces:
                return None
            counties |= _read_db(db_path, lambda con, provinces=provinces: {c for (c,) in con.execute(
                "SELECT DISTINCT county_code FROM county_year WHERE substr(county_code, 1, 2) || '0000'"
                " IN (SELECT unnest($p::VARCHAR[]))", {"p": provinces}).fetchall()}, set())
        elif p.kind in ("households", "income"):
            if "village_code" in p.frame:
                counties |= set(p.frame["village_code"].dropna().astype(str).str[:6])
            ids.append(p.frame["household_id"].dropna().astype(str))
    return sorted(counties | (_stored_counties(db_path, pd.concat(ids)) if ids else set()))


def _stored_counties(db_path: Path, ids: pd.Series) -> set[str]:
    """Counties where the database keeps the households among `ids` (a household may move county)."""
    frame = pd.DataFrame({"household_id": ids.drop_duplicates().astype("str")})

    def query(con: duckdb.DuckDBPyConnection) -> set:
        con.register("wanted", frame)
        return {c for (c,) in con.execute("SELECT DISTINCT h.county_code FROM households h"
                                          " WHERE h.household_id IN (SELECT household_id FROM wanted)").fetchall()}

    return _read_db(db_path, query, set())


def _arrow_table(prepared: PreparedFile) -> pa.Table:
    """The frame with the database's column types (dates as DATE, counts as INTEGER ...)."""
    spec = F.KINDS[prepared.kind]
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type, pa.string())) for c in spec.columns
              if c.name in prepared.frame.columns]
    fields += [pa.field(name, pa.string()) for name in F.DB_COLUMNS[spec.name]
               if name in prepared.frame.columns and name not in spec.column_names]
    schema = pa.schema(fields)
    return pa.Table.from_pandas(prepared.frame[schema.names], schema=schema, preserve_index=False)


def _load_file(con: duckdb.DuckDBPyConnection, prepared: PreparedFile, result: FileResult
               ) -> tuple[set[str], set[int] | None]:
    """Replace by key inside the open transaction, then log the import; returns the counties whose sums change
    and the years that change (None: every year)."""
    if con.execute("SELECT count(*) FROM import_log WHERE sha256 = $sha AND kind = $kind",
                   {"sha": prepared.sha256, "kind": prepared.kind}).fetchall()[0][0]:
        result.status = "already_loaded"  # another writer loaded it since we looked
        return set(), set()
    spec = F.KINDS[prepared.kind]
    con.register("staged", _arrow_table(prepared))
    try:
        touched = _counties_touched(con, spec.name)
        same_key = " AND ".join(f"t.{k} = s.{k}" for k in spec.db_key)
        # keys are unique in the file (validated) and in the table (every load replaces by key): rows deleted
        # are the file's rows that replace a stored one
        result.replaced = con.execute(f"DELETE FROM {spec.table} t USING staged s WHERE {same_key}").fetchall()[0][0]
        inserted, counties = _INSERTERS.get(spec.name, _insert_plain)(con, spec)
        touched |= counties
        if inserted != prepared.rows:
            raise RuntimeError(f"{prepared.name}: loaded {inserted} of {prepared.rows} rows")
        if spec.name == "households":
            _after_households(con, prepared)
            touched |= _counties_touched(con, spec.name)  # a household that moved changes its new county too
        years = set(prepared.frame["year"].dropna().unique().astype(int).tolist()) if spec.name == "income" else None
    finally:
        con.unregister("staged")
    result.inserted = prepared.rows - result.replaced
    result.status = "loaded"
    con.execute(
        "INSERT INTO import_log SELECT coalesce(max(import_id), 0) + 1, $file, $sha, $kind, $rows, $inserted,"
        " $replaced, $at, 'loaded' FROM import_log",
        {"file": prepared.name, "sha": prepared.sha256, "kind": prepared.kind, "rows": prepared.rows,
         "inserted": result.inserted, "replaced": result.replaced, "at": datetime.now().replace(microsecond=0)},
    )
    return touched, years


# Counties whose county_year sums a staged file can change, asked before it is loaded (and for households
# after it too: a household that moves changes both its old and its new county). Income's are those of its
# households, which its insert returns.
_TOUCHED = {
    "households": "SELECT DISTINCT county_code FROM households WHERE household_id IN (SELECT household_id FROM staged)",
    "thresholds": "SELECT DISTINCT county_code FROM county_year WHERE '000000' IN (SELECT province_code FROM staged)"
                  " OR substr(county_code, 1, 2) || '0000' IN (SELECT province_code FROM staged)",
}


def _counties_touched(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    if kind not in _TOUCHED:
        return set()
    return {code for (code,) in con.execute(_TOUCHED[kind]).fetchall()}


def _insert_plain(con: duckdb.DuckDBPyConnection, spec: F.Kind) -> tuple[int, set[str]]:
    """(rows inserted, no further counties: the caller asked the table)."""
    columns = ", ".join(F.DB_COLUMNS[spec.name])
    order = ", ".join(("county_code", "village_code", *spec.key) if spec.name == "households" else spec.db_key)
    return con.execute(f"INSERT INTO {spec.table} ({columns}) SELECT {columns} FROM staged ORDER BY {order}"
                       ).fetchall()[0][0], set()


def _insert_income(con: duckdb.DuckDBPyConnection, spec: F.Kind) -> tuple[int, set[str]]:
    """Income rows take county, village and members from their household; returns (rows inserted, their
    counties), both from the one join.

    Sorted by year, then region, like the demo world: zone maps then skip other years and other regions.
    """
    columns = F.DB_COLUMNS["income"]
    select = ", ".join(f"h.{c}" if c in _FROM_HOUSEHOLD else f"s.{c}" for c in columns)
    counties = con.execute(  # one household row per id (loads replace by key); the caller checks the count
        f"INSERT INTO income ({', '.join(columns)}) SELECT {select} FROM staged s JOIN households h"
        " ON h.household_id = s.household_id ORDER BY s.year, h.county_code, h.village_code, s.household_id"
        " RETURNING county_code").fetchnumpy()["county_code"]
    return len(counties), set(pd.unique(counties).tolist())


_INSERTERS = {"income": _insert_income}
_FROM_HOUSEHOLD = ("county_code", "village_code", "members")  # income's copies of household columns


def _after_households(con: duckdb.DuckDBPyConnection, prepared: PreparedFile) -> None:
    """Income follows a household that moved village or changed size; new villages and townships get region rows."""
    con.execute(
        "UPDATE income SET county_code = s.county_code, village_code = s.village_code, members = s.members"
        " FROM staged s WHERE income.household_id = s.household_id"
        " AND (income.village_code IS DISTINCT FROM s.village_code OR income.members IS DISTINCT FROM s.members)"
    )
    ensure_real_regions(con)
    add_unnamed_units(con, sorted(prepared.frame["village_code"].dropna().unique().tolist()))


@dataclass(frozen=True)
class Removal:
    """What remove_households did: the record an audit log keeps (household ids are codes, not personal)."""
    actor: str
    household_ids: tuple[str, ...]   # asked for and found
    not_found: tuple[str, ...]
    households: int
    income_rows: int
    at: datetime


def remove_households(db_path: str | os.PathLike, ids: Sequence[str], *, actor: str) -> Removal:
    """Delete households and their income rows in one write; county sums stay consistent; the import log
    records who removed how many (outcome 'removed')."""
    wanted = pd.DataFrame({"household_id": sorted({str(i).strip() for i in ids if str(i).strip()})})
    at = datetime.now().replace(microsecond=0)
    counties = sorted(_stored_counties(Path(db_path), wanted["household_id"])) if is_partitioned(Path(db_path)) \
        else None
    with write_transaction(Path(db_path), counties=counties) as con:
        con.register("staged", wanted)
        try:
            found = [h for (h,) in con.execute(
                "SELECT household_id FROM households WHERE household_id IN (SELECT household_id FROM staged)"
                " ORDER BY household_id").fetchall()]
            touched = _counties_touched(con, "households")
            income_rows = con.execute(
                "DELETE FROM income WHERE household_id IN (SELECT household_id FROM staged)").fetchall()[0][0]
            households = con.execute(
                "DELETE FROM households WHERE household_id IN (SELECT household_id FROM staged)").fetchall()[0][0]
        finally:
            con.unregister("staged")
        keep_current(con, touched)
        if households:
            con.execute(
                "INSERT INTO import_log SELECT coalesce(max(import_id), 0) + 1, $file, $sha, 'households', $rows, 0, 0,"
                " $at, 'removed' FROM import_log",
                {"file": f"remove-household by {actor}"[:200], "rows": households, "at": at,
                 "sha": hashlib.sha256("\n".join(found).encode()).hexdigest()})
    missing = tuple(sorted(set(wanted["household_id"]) - set(found)))
    return Removal(actor, tuple(found), missing, households, income_rows, at)


def _hash_scheme(db_path: Path) -> str | None:
    schemes = _read_db(db_path, lambda con: {v for (v,) in con.execute(
        "SELECT value FROM meta WHERE key = 'id_hash'").fetchall()}, set())
    return next(iter(schemes), None)


def upgrade_id_hashes(db_path: str | os.PathLike) -> int:
    """Databases of version 1 (ID hashes salted with <db>.salt): re-key every hash with the HMAC key, mask IDs
    as 3 + 4 characters, then remove the salt file. Returns the households re-keyed (0 when nothing to do).

    The raw IDs are gone, so old hashes cannot become HMACs of the IDs: they become HMACs of the old hash,
    which still groups the old households that shared an ID, and the salt (which made every old hash
    reversible by search) is no longer needed. A household imported again with its ID gets a new hash.
    """
    db_path = Path(db_path)
    salt_file = legacy_salt_path(db_path)
    if not db_path.exists() or not (salt_file.exists() or (has_legacy_salt(db_path) and _hash_scheme(db_path)
                                                           != HASH_SCHEME)):
        return 0
    key = id_key(db_path)
    with write_transaction(db_path) as con:
        rekeyed = 0
        for table, hashed, masked in _PERSONAL_COLUMNS:
            if hashed not in table_columns(con, table):
                continue
            old = con.execute(f"SELECT DISTINCT {hashed} FROM {table} WHERE {hashed} IS NOT NULL").fetchall()
            pairs = pd.DataFrame({"old_hash": [h for (h,) in old]})
            pairs["new_hash"] = [rekey_legacy_hash(h, key) for h in pairs["old_hash"]]
            con.register("rekeyed", pairs)
            rekeyed += con.execute(f"UPDATE {table} SET {hashed} = r.new_hash FROM rekeyed r"
                                   f" WHERE {table}.{hashed} = r.old_hash").fetchall()[0][0]
            con.unregister("rekeyed")
            con.execute(f"UPDATE {table} SET {masked} = left({masked}, 3) || $mask || right({masked}, 4)"
                        f" WHERE length({masked}) >= 10", {"mask": ID_MASK})
        con.execute("DELETE FROM meta WHERE key = 'id_hash'")
        con.execute("INSERT INTO meta VALUES ('id_hash', $scheme)", {"scheme": HASH_SCHEME})
    salt_file.unlink(missing_ok=True)
    return rekeyed


# (table, hash column, mask column) of every stored ID number: households, and the department extracts.
_PERSONAL_COLUMNS = (("households", "id_number_hash", "id_number_masked"),
                     *((kind.table, "person_hash", "person_masked") for kind in F.KINDS.values()
                       if "person_hash" in F.DB_COLUMNS.get(kind.name, ())))

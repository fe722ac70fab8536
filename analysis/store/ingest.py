"""Import: read, validate and load files of import format v1. The one path for the command line
and the upload page, and the only code that puts bureau data into the database.

A batch is validated whole before anything is written; one problem anywhere refuses the whole
batch and leaves the database file byte-for-byte unchanged. Loads go through write_transaction
(copy, change, atomic swap) and replace rows by key, so importing a file again changes nothing
and a corrected row replaces the old one. A file already loaded (same sha256 and kind) is
skipped without opening a write at all.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from analysis.privacy import pending_salt, save_salt
from analysis.regions import add_unnamed_units, ensure_real_regions
from analysis.store import formats as F
from analysis.store.connection import connect_read_only, write_transaction
from analysis.store.readers import ReadError, read_table
from analysis.store.summaries import keep_current
from analysis.store.validate import Problem, ProblemLog, format_problems, validate_table

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
class PreparedFile:
    """A file read and checked, not yet loaded: what the upload page previews."""
    name: str
    kind: str | None
    frame: pd.DataFrame           # English columns, typed, index = spreadsheet row; personal data masked
    problems: list[Problem]
    extra_columns: list[str]      # headers not in the format: reported, never loaded
    sha256: str
    rows: int
    encoding: str | None = None
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # English column -> header as written in the file
    log: ProblemLog | None = field(default=None, repr=False, compare=False)  # for problems found later

    @property
    def ok(self) -> bool:
        return self.kind is not None and not self.problems


@dataclass
class FileResult:
    name: str
    kind: str | None
    rows: int
    inserted: int = 0
    replaced: int = 0
    status: str = "refused"       # loaded | already_loaded | refused
    sha256: str = ""
    extra_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class IngestReport:
    ok: bool
    problems: list[Problem]
    files: list[FileResult]

    def to_dict(self) -> dict:
        return {"ok": self.ok, "files": [f.to_dict() for f in self.files],
                "problems": [p.to_dict() for p in self.problems]}


def prepare_file(name: str, data: bytes, kind: str | None = None, sheet: str | None = None,
                 today: date | None = None, *, salt: bytes | None = None) -> PreparedFile:
    """Read and validate one file without touching any database.

    With `salt` the households frame also carries id_number_hash (ingest_files passes the
    database's salt); without it that column is empty.
    """
    return _prepare(name, data, F.resolve_kind(kind), sheet, today or date.today(), salt, lambda: None)


def _prepare(name: str, data: bytes, kind: str | None, sheet: str | None, today: date,
             salt: bytes | None, on_read: Callable[[], None]) -> PreparedFile:
    log = ProblemLog(name)
    digest = hashlib.sha256(data).hexdigest()
    try:
        table = read_table(name, data, sheet)
    except ReadError as exc:
        log.add(exc.row, None, None, exc.reason_zh, exc.reason_en)
        return PreparedFile(name, kind, pd.DataFrame(), log.problems(), [], digest, 0, log=log)
    on_read()
    checked = validate_table(table, log, kind, today, salt)
    return PreparedFile(name, checked.kind, checked.frame, log.problems(), checked.extra_columns, digest,
                        len(table.rows), table.encoding, table.sheet, checked.headers, log=log)


def ingest_files(db_path: str | os.PathLike, files: Sequence[Source], kind: str | None = None,
                 progress: Progress | None = None, today: date | None = None, *,
                 sheet: str | None = None) -> IngestReport:
    """Validate every file, then load them all in one transaction, or nothing if any has a problem.

    `files` are paths or (name, bytes) pairs; `kind` overrides detection for every file.
    progress(fraction, message) is told about reading, validating and loading each file.
    """
    db_path = Path(db_path)
    kind = F.resolve_kind(kind)
    today = today or date.today()
    step = _stepper(progress, len(files))
    salt, unsaved_salt = pending_salt(db_path)
    prepared = []
    for i, source in enumerate(files):
        name, data = _source(source)
        step(2 * i, f"读取 / reading {name}")
        prepared.append(_prepare(name, data, kind, sheet, today, salt,
                                 lambda i=i, name=name: step(2 * i + 1, f"校验 / validating {name}")))
    results = [FileResult(p.name, p.kind, p.rows, sha256=p.sha256, extra_columns=p.extra_columns) for p in prepared]
    todo = _not_yet_loaded(db_path, prepared, results)
    _check_households_exist(db_path, prepared, todo)
    problems = [problem for i in todo for problem in prepared[i].problems]
    if problems or not todo:
        _finish(progress)
        return IngestReport(not problems, problems, results)
    with write_transaction(db_path) as con:
        if unsaved_salt:  # saved before the commit: hashes must never outlive their salt
            save_salt(db_path, salt)
        touched: set[str] = set()
        for k, i in enumerate(sorted(todo, key=lambda i: F.LOAD_ORDER.index(prepared[i].kind))):
            step(2 * len(files) + k, f"写入 / loading {prepared[i].name}")
            touched |= _load_file(con, prepared[i], results[i])
        keep_current(con, touched)
    _finish(progress)
    return IngestReport(True, [], results)


def _stepper(progress: Progress | None, n: int) -> Callable[[int, str], None]:
    """step(k, message) with k = 0 .. 3n-1: reading and validating each file, then loading each."""
    def step(k: int, message: str) -> None:
        if progress is not None:
            progress(k / (3 * max(n, 1)), message)
    return step


def _finish(progress: Progress | None) -> None:
    if progress is not None:
        progress(1.0, "完成 / done")


def _source(source: Source) -> tuple[str, bytes]:
    if isinstance(source, tuple):
        name, data = source
        return str(name), bytes(data)
    path = Path(source)
    return path.name, path.read_bytes()


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


def _not_yet_loaded(db_path: Path, prepared: list[PreparedFile], results: list[FileResult]) -> list[int]:
    """Indices of files to load; the others (same sha256 and kind loaded before or earlier in the batch) are skipped."""
    digests = sorted({p.sha256 for p in prepared})
    done = _read_db(db_path, lambda con: set(con.execute(
        "SELECT sha256, kind FROM import_log WHERE list_contains($digests, sha256)", {"digests": digests}
    ).fetchall()), set())
    todo = []
    for i, p in enumerate(prepared):
        if p.kind is not None and (p.sha256, p.kind) in done:
            results[i].status = "already_loaded"
            continue
        if p.kind is not None:
            done.add((p.sha256, p.kind))
        todo.append(i)
    return todo


def _check_households_exist(db_path: Path, prepared: list[PreparedFile], todo: list[int]) -> None:
    """Every income row's household must be in this batch or already in the database."""
    files = [prepared[i] for i in todo]
    income = [p for p in files if p.kind in F.HOUSEHOLD_REFERENCES and "household_id" in p.frame]
    if not income:
        return
    in_batch = pd.concat([pd.Series([], dtype="str")]
                         + [p.frame["household_id"].dropna() for p in files if p.kind == "households"])
    wanted = pd.concat([p.frame["household_id"].dropna() for p in income])
    wanted = wanted[~wanted.isin(in_batch)]
    unknown = _unknown_households(db_path, wanted) if len(wanted) else set()
    for p in income:
        missing = p.frame["household_id"].isin(unknown).to_numpy(dtype=bool)
        if missing.any():
            p.log.add_rows(p.frame.index[missing], p.headers["household_id"],
                           p.frame["household_id"][missing].to_numpy(),
                           "户编号在农户表中不存在（本批文件和数据库中都没有）",
                           "household_id not found in households (neither in this batch nor in the database)")
            p.problems = p.log.problems()


def _unknown_households(db_path: Path, wanted: pd.Series) -> set[str]:
    """Household ids among `wanted` that the database does not hold."""
    frame = pd.DataFrame({"household_id": wanted.drop_duplicates().astype("str")})

    def query(con: duckdb.DuckDBPyConnection) -> set:
        con.register("wanted", frame)
        return {h for (h,) in con.execute(
            "SELECT household_id FROM wanted EXCEPT SELECT household_id FROM households").fetchall()}

    return _read_db(db_path, query, set(frame["household_id"].tolist()))


def _arrow_table(prepared: PreparedFile) -> pa.Table:
    """The frame with the database's column types (dates as DATE, counts as INTEGER ...)."""
    spec = F.KINDS[prepared.kind]
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type, pa.string())) for c in spec.columns
              if c.name in prepared.frame.columns]
    fields += [pa.field(name, pa.string()) for name in F.DB_COLUMNS[spec.name]
               if name in prepared.frame.columns and name not in spec.column_names]
    schema = pa.schema(fields)
    return pa.Table.from_pandas(prepared.frame[schema.names], schema=schema, preserve_index=False)


def _load_file(con: duckdb.DuckDBPyConnection, prepared: PreparedFile, result: FileResult) -> set[str]:
    """Replace by key inside the open transaction, then log the import; returns the counties whose sums change."""
    if con.execute("SELECT count(*) FROM import_log WHERE sha256 = $sha AND kind = $kind",
                   {"sha": prepared.sha256, "kind": prepared.kind}).fetchall()[0][0]:
        result.status = "already_loaded"  # another writer loaded it since we looked
        return set()
    spec = F.KINDS[prepared.kind]
    con.register("staged", _arrow_table(prepared))
    try:
        touched = _counties_touched(con, spec.name)
        same_key = " AND ".join(f"t.{k} = s.{k}" for k in spec.db_key)
        result.replaced = con.execute(
            f"SELECT count(*) FROM staged s WHERE EXISTS (SELECT 1 FROM {spec.table} t WHERE {same_key})"
        ).fetchall()[0][0]
        con.execute(f"DELETE FROM {spec.table} t USING staged s WHERE {same_key}")
        inserted = _INSERTERS.get(spec.name, _insert_plain)(con, spec)
        if inserted != prepared.rows:
            raise RuntimeError(f"{prepared.name}: loaded {inserted} of {prepared.rows} rows")
        if spec.name == "households":
            _after_households(con, prepared)
        touched |= _counties_touched(con, spec.name)
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
    return touched


# Counties whose county_year sums a staged file can change, asked before and after it is loaded
# (a household that moves changes both its old and its new county).
_TOUCHED = {
    "households": "SELECT DISTINCT county_code FROM households WHERE household_id IN (SELECT household_id FROM staged)",
    "income": "SELECT DISTINCT county_code FROM households WHERE household_id IN (SELECT household_id FROM staged)",
    "thresholds": "SELECT DISTINCT county_code FROM county_year WHERE '000000' IN (SELECT province_code FROM staged)"
                  " OR substr(county_code, 1, 2) || '0000' IN (SELECT province_code FROM staged)",
}


def _counties_touched(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    if kind not in _TOUCHED:
        return set()
    return {code for (code,) in con.execute(_TOUCHED[kind]).fetchall()}


def _insert_plain(con: duckdb.DuckDBPyConnection, spec: F.Kind) -> int:
    columns = ", ".join(F.DB_COLUMNS[spec.name])
    order = ", ".join(("county_code", "village_code", *spec.key) if spec.name == "households" else spec.db_key)
    return con.execute(f"INSERT INTO {spec.table} ({columns}) SELECT {columns} FROM staged ORDER BY {order}"
                       ).fetchall()[0][0]


def _insert_income(con: duckdb.DuckDBPyConnection, spec: F.Kind) -> int:
    """Income rows take county, village and members from their household.

    Sorted by year, then region, like the demo world: zone maps then skip other years and other regions.
    """
    columns = F.DB_COLUMNS["income"]
    select = ", ".join(f"h.{c}" if c in _FROM_HOUSEHOLD else f"s.{c}" for c in columns)
    return con.execute(
        f"INSERT INTO income ({', '.join(columns)}) SELECT {select} FROM staged s JOIN ("
        "  SELECT household_id, any_value(county_code) AS county_code, any_value(village_code) AS village_code,"
        "         any_value(members) AS members"
        "  FROM households WHERE household_id IN (SELECT household_id FROM staged) GROUP BY household_id"
        ") h ON h.household_id = s.household_id ORDER BY s.year, h.county_code, h.village_code, s.household_id"
    ).fetchall()[0][0]


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

"""Opening the database, and the one way to change it.

DuckDB lets one process write a file or many processes read it, never both. So nobody writes
the live file in place: a writer copies it, changes the copy inside a transaction, and swaps
the copy in with an atomic rename. Readers keep their open file until they notice the swap
(``Database.cursor`` checks on every use) and then reopen. A failed write leaves the live file
byte-for-byte as it was.

A large database may keep its household and income rows in one file per province
(analysis/store/partitions.py, `python -m analysis partition`): a write then copies only the main file and
the province files of the counties it declares, and readers attach the files the main file names.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import itertools
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from analysis.store import partitions

SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
T = TypeVar("T")
_VIEWS = re.findall(r"CREATE OR REPLACE VIEW (\w+)", SCHEMA_SQL)


MEMORY_ENV = "INCOMEWATCH_DUCKDB_MEMORY"


def duckdb_config() -> dict[str, str]:
    """Settings for every connection: `INCOMEWATCH_DUCKDB_MEMORY` (e.g. "4GB") caps DuckDB's memory.

    DuckDB takes 80% of RAM by default, per process; where the app, an import and a scheduled job share a
    machine, each needs a share so none is killed for memory.
    """
    limit = os.environ.get(MEMORY_ENV)
    return {"memory_limit": limit} if limit else {}


# Columns added after databases were already in use: table, column, type and how existing rows are filled.
_ADDED_COLUMNS = (
    ("income", "members", "INTEGER",
     "UPDATE income SET members = h.members FROM households h WHERE income.household_id = h.household_id"),
)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; a database from an older version first gets its added columns, filled."""
    for table, column, sql_type, fill in _ADDED_COLUMNS:
        existing = table_columns(con, table)
        if existing and column not in existing:  # views below read the column, so it comes first
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
            con.execute(fill)
    con.execute(SCHEMA_SQL)


def schema_gaps(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`table.column` for each added column or view an older database still lacks."""
    views = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return ([f"{table}.{column}" for table, column, _, _ in _ADDED_COLUMNS if column not in table_columns(con, table)]
            + sorted(set(_VIEWS) - views))


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $table", {"table": table}).fetchall()}


def file_version(path: Path) -> str:
    """Changes whenever the file is swapped: used as the data version for caches."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


@dataclass
class _Generation:
    """One opened version of the file and the cursors still using it."""

    con: duckdb.DuckDBPyConnection
    version: str
    active: int = 0
    retired: bool = False


class Database:
    """One read-only connection per process, reopened when a writer swaps the file in.

    Each caller takes its own cursor (DuckDB refuses concurrent calls on one connection).
    DuckDB caches open databases by real path, so a plain reconnect would return the old
    file: each version is opened through a private hard link, and the old version is closed
    once its last cursor is done.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._opened = itertools.count()

    @property
    def version(self) -> str:
        return file_version(self.path)

    def _open_current_file(self) -> _Generation:
        return _fresh_manifest(self._open_link)

    def _open_link(self) -> _Generation:
        alias = self.path.with_name(f".{self.path.name}.reader-{os.getpid()}-{next(self._opened)}")
        try:
            os.link(self.path, alias)
        except FileNotFoundError:
            raise FileNotFoundError(f"database not found: {self.path}") from None
        try:
            return _Generation(_open_reader(self.path, alias), file_version(alias))
        finally:
            alias.unlink(missing_ok=True)

    def _generation(self) -> _Generation:
        current = self._current
        if current is None or current.version != self.version:
            if current is not None:
                self._retire(current)
            self._current = current = self._open_current_file()
        return current

    @staticmethod
    def _retire(generation: _Generation) -> None:
        generation.retired = True
        if generation.active == 0:
            generation.con.close()

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            generation = self._generation()
            cur = generation.con.cursor()
            generation.active += 1
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                generation.active -= 1
                if generation.retired and generation.active == 0:
                    generation.con.close()

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._retire(self._current)
                self._current = None


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Serialises writers of one database across processes."""
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WriteError(Exception):
    """Writing the database failed for a reason outside the data (disk full, no permission ...): the live
    file is unchanged. Carries the reason in both languages."""

    def __init__(self, reason_zh: str, reason_en: str):
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh, self.reason_en = reason_zh, reason_en


def _write_error(exc: BaseException, path: Path) -> WriteError:
    text = str(exc)
    errno_ = getattr(exc, "errno", None)
    if errno_ in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "Disk quota" in text:
        return WriteError(f"磁盘空间不足，无法写入数据库（{path.parent}）；数据库未改动，请清理空间后重试",
                          f"the disk is full: the database could not be written ({path.parent}); it is unchanged, "
                          "free some space and try again")
    if errno_ == errno.EFBIG or "File too large" in text:
        return WriteError("文件超过了系统允许的大小，无法写入数据库；数据库未改动",
                          "the file would exceed the size the system allows; the database is unchanged")
    if errno_ in (errno.EACCES, errno.EPERM, errno.EROFS) or "Permission denied" in text or "Read-only" in text:
        return WriteError(f"没有写入数据库所在目录的权限（{path.parent}）；数据库未改动",
                          f"no permission to write the database's folder ({path.parent}); the database is unchanged")
    return WriteError(f"写入数据库时出现输入输出错误；数据库未改动（{type(exc).__name__}）",
                      f"an input/output error occurred while writing the database; it is unchanged ({type(exc).__name__})")


def _remove_leftovers(path: Path, keep: Path | None = None) -> None:
    """Staging copies of writers that were killed (under the writer lock no other writer is running), and early
    copies: another importer's is only made again (see EarlyCopy); `keep` is the caller's own."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.staging*"):
        if leftover == keep:
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


class EarlyCopy:
    """The live file copied in a thread before its writer needs it (an import's children read and validate
    meanwhile: the copy then costs the import no time). A single-file database's copy is also opened and its
    schema ensured in that thread: the import's checks read it (`current`) and its write continues on it
    (`take_open`). write_transaction takes the copy as its staging file only if the live file is still the one
    copied (writers swap files in by rename: a new inode, so a changed version); otherwise it copies again. A copy
    left by a killed process is removed like any staging leftover."""

    def __init__(self, path: Path):
        self.path = path
        self.file = path.with_name(f".{path.name}.{os.getpid()}.{id(self)}.early.staging")
        self.version: str | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._taken = False
        self._thread = threading.Thread(target=self._copy, name="incomewatch-early-copy", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        try:
            before = file_version(self.path)
            shutil.copyfile(self.path, self.file)
            if file_version(self.path) != before:  # swapped while copying
                return
            if not partitions.is_partitioned(self.path):  # a partitioned write prepares its copy itself
                self._con = duckdb.connect(str(self.file), config=duckdb_config())
                ensure_schema(self._con)
                self._con.execute("CHECKPOINT")  # the copy in one file, without a WAL beside it
            self.version = before
        except (OSError, duckdb.Error):  # disk full and the like: write_transaction copies again and reports it
            self._close()

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def current(self) -> duckdb.DuckDBPyConnection | None:
        """The opened copy while it is still the live file's current version; None otherwise (and when
        partitioned). The caller must not change it: a write continues on it."""
        self._thread.join()
        if self._con is None or self.version != file_version(self.path):
            return None
        return self._con

    def take_open(self) -> tuple[Path, duckdb.DuckDBPyConnection] | None:
        """(the copy, its connection, schema ensured) for a single-file write, if the copy is current and still
        there (another writer may have removed it as a leftover); call under the writer lock."""
        con = self.current()
        if con is None or not self.file.exists():
            return None
        self._taken = True
        return self.file, con

    def take(self, staging: Path) -> bool:
        """Move the copy to `staging` if it is the live file's current version (call under the writer lock)."""
        self._thread.join()
        if self._con is not None or self.version is None or self.version != file_version(self.path):
            return False
        try:
            os.replace(self.file, staging)
        except FileNotFoundError:  # removed as a leftover by a writer that ran meanwhile
            return False
        return True

    def discard(self) -> None:
        """Remove the copy unless a write took it."""
        self._thread.join()
        if self._taken:
            return
        self._close()
        self.file.unlink(missing_ok=True)
        self.file.with_name(self.file.name + ".wal").unlink(missing_ok=True)


@contextlib.contextmanager
def early_copy(path: Path) -> Iterator[EarlyCopy | None]:
    """An EarlyCopy of the database for the write that may follow (None when there is no database yet)."""
    copy = EarlyCopy(Path(path)) if Path(path).exists() else None
    try:
        yield copy
    finally:
        if copy is not None:
            copy.discard()


@contextlib.contextmanager
def write_transaction(path: Path, *, fresh: bool = False, counties: Iterable[str] | None = None,
                      extracts: bool | None = None, early: EarlyCopy | None = None
                      ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the database inside a transaction.

    On success the copy replaces the live file atomically; on any exception the copy is
    discarded and the live file is untouched. ``fresh`` starts from an empty database.
    Staging copies left by killed writers are removed first. Disk full and other I/O failures
    raise WriteError (bilingual); errors of the caller's own code pass through unchanged.

    In a partitioned database the `households` and `income` tables hold only the rows of `counties`
    (6-digit codes; every county when None) during the write, and the department extracts
    (partitions.EXTRACTS) are empty unless `extracts` (default: when `counties` is None): a writer that
    declares what it changes pays for those provinces, not for the whole country. A write that adds
    extract rows without declaring them is refused. A single-file database ignores both. `early`: a copy of
    the live file begun before (used if the file has not changed since).
    """
    path = Path(path)
    try:
        with _writer_lock(path):
            _remove_leftovers(path, keep=None if early is None else early.file)
            split = not fresh and path.exists() and partitions.is_partitioned(path)
            with (_partitioned_write(path, counties, counties is None if extracts is None else extracts, early)
                  if split else _staged_write(path, fresh, early)) as con:
                yield con
            if fresh:
                partitions.remove_unlisted(path, (), drop_folder=True)
    except (OSError, duckdb.IOException) as exc:
        raise _write_error(exc, path) from exc
    from analysis.precompute import after_write  # the new version's stored results (analysis.precompute)

    after_write(path)


def _open_staging(path: Path, copy: bool, early: EarlyCopy | None = None) -> tuple[Path, duckdb.DuckDBPyConnection]:
    """A private copy of the live file (or a new file) beside it, opened for writing."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.staging")
    try:
        if copy and not (early is not None and early.take(staging)):
            shutil.copyfile(path, staging)
        return staging, duckdb.connect(str(staging), config=duckdb_config())
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _staged_write(path: Path, fresh: bool, early: EarlyCopy | None) -> Iterator[duckdb.DuckDBPyConnection]:
    copy = path.exists() and not fresh
    opened = early.take_open() if copy and early is not None else None
    staging, con = opened or _open_staging(path, copy=copy, early=early)
    try:
        if opened is None:  # an early copy's schema was ensured in its thread
            ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        con.close()
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staging, path)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _partitioned_write(path: Path, counties: Iterable[str] | None, extracts: bool,
                       early: EarlyCopy | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like _staged_write, for a main file with province files: only the declared counties' rows (and the
    extracts if declared) are loaded, and only their files are copied and rewritten."""
    staging, con = _open_staging(path, copy=True, early=early)
    created: list[Path] = []
    try:
        partitions.remove_unlisted(path, partitions.manifest(con).values())  # files of killed writers
        partitions.unguard(con)
        ensure_schema(con)
        scope = partitions.materialize(con, path, counties, extracts)
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        live, created = partitions.publish(con, path, scope, extracts)
        con.execute("CHECKPOINT")
        emptied = scope is None or extracts  # many rows left the main file: write it anew without their space
        if emptied:
            created.append(partitions.compact(con, staging))
        con.close()
        partitions.fsync([staging, *created])
        os.replace(created.pop() if emptied else staging, path)
        staging.unlink(missing_ok=True)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        for file in (staging, staging.with_name(staging.name + ".wal"), *created):
            file.unlink(missing_ok=True)
        raise
    partitions.remove_unlisted(path, live.values())


def _fresh_manifest(open_live: Callable[[], T], attempts: int = 5) -> T:
    """open_live() again while a writer removes the province files of the manifest it read (a newer one is live)."""
    for attempt in range(attempts):
        try:
            return open_live()
        except partitions.StaleManifest:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _open_reader(path: Path, main_file: Path) -> duckdb.DuckDBPyConnection:
    if partitions.is_partitioned(path):
        return partitions.open_reader(path, main_file, duckdb_config())
    return duckdb.connect(str(main_file), read_only=True, config=duckdb_config())


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A short-lived reader for the command line and tests."""
    if not Path(path).exists():
        raise FileNotFoundError(f"database not found: {path} (run `python -m analysis demo` or ingest a file)")
    return _fresh_manifest(lambda: _open_reader(Path(path), Path(path)))


def partition(path: Path) -> dict[str, str]:
    """Move a single-file database's household and income rows into one file per province (see partitions.py);
    returns the manifest. Doing it again changes nothing."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"database not found: {path}")
    partitions.parts_dir(path).mkdir(exist_ok=True)
    with write_transaction(path):
        pass  # every row is in the main file: publishing moves them out
    with contextlib.closing(connect_read_only(path)) as con:
        return partitions.manifest(con, "store")

"""Household rows stored one file per province, so that an import rewrites only what it touches.

A partitioned database is the main file `<db>` (small tables, views, and the manifest table
`partitions`: part → file) plus, in `<db>.parts/`, one DuckDB file per province holding that
province's `households` and `income` rows (sorted as in a single file), and one file holding the
department extracts (`EXTRACTS`: persons, claims, school records …, which grow with households but
carry no county). The main file stays small: a county's import copies it, its province's file and
nothing else. In the main file these tables are views that raise an error naming the way to open the
database (`GUARDED`), so that a plain `duckdb.connect` cannot mistake them for empty tables; a write
turns them back into tables (empty but for the rows it loads), so the writers' SQL stays as it is.

Readers open an in-memory DuckDB, ATTACH the main file and the files its manifest names
(read-only), and see every table of the main file as a view: `households` and `income` as UNION ALL
views over the provinces, the extracts as views over their file. A published file is never changed:
a write writes the files it touches under new names, and the new main file (with the new manifest) is
swapped in atomically, so a reader sees either the old set of files or the new one. Files no manifest
names any more are removed right after the swap: readers that had them open keep reading them (an
unlinked file lives until its last descriptor is closed); a reader caught between reading the old
manifest and attaching retries with the new one.

DuckDB writes one attached database per transaction, so a write runs in the main file as before,
on the rows of the counties it declared and on the extracts if it declared them (`materialize`), and
moves them back out afterwards (`publish`). The new files are private until the swap, which is what
makes it atomic.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

TABLES = ("households", "income")  # one file per province
# Every other table keyed by household: one file of their own, loaded only by writers that declare them.
EXTRACTS = ("persons", "medical_claims", "education_records", "assistance", "household_losses", "house_safety",
            "disabilities", "job_status", "cases", "support_measures")
EXTRACTS_PART = "extracts"  # the extracts file's key in the manifest (provinces are keyed by 2 digits)
# Same order as the single-file world, so zone maps skip to one county, or one year then county.
_ORDER = {"households": "county_code, village_code, household_id",
          "income": "year, county_code, village_code, household_id"}
_MANIFEST = "partitions"
GUARDED = TABLES + EXTRACTS
_GUARD_MESSAGE = ("{table}: 本库的农户行存放在 {parts} 的分省文件中，请用 analysis.store.connection.connect_read_only"
                  " 或 Database 打开 / this database keeps its household rows in the files of {parts}: open it with"
                  " analysis.store.connection.connect_read_only or Database (a plain duckdb.connect sees none)")


def parts_dir(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".parts")


def is_partitioned(path: Path) -> bool:
    return parts_dir(path).is_dir()


def manifest(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> dict[str, str]:
    """Part (a province's 2-digit prefix, or EXTRACTS_PART) → file name in the parts folder; empty for a
    single-file database. `catalog`: the attached database holding the manifest (the connection's own by default)."""
    catalog = catalog or con.execute("SELECT current_database()").fetchone()[0]
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = $db AND table_name = $t",
                         {"db": catalog, "t": _MANIFEST}).fetchone()[0]
    if not exists:
        return {}
    return dict(con.execute(f'SELECT * FROM "{catalog}".main.{_MANIFEST} ORDER BY 1').fetchall())


def provinces(parts: dict[str, str]) -> dict[str, str]:
    """The province files of a manifest."""
    return {part: name for part, name in parts.items() if part != EXTRACTS_PART}


def _alias(part: str) -> str:
    """The catalog name a reader attaches a part as: p62 for Gansu, ext for the extracts."""
    return "ext" if part == EXTRACTS_PART else f"p{int(part):02d}"


# ---------------------------------------------------------------- readers

def open_reader(path: Path, main_file: Path, config: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """An in-memory connection over the main file `main_file` (the live file or a link to it) and its provinces.

    Raises StaleManifest when a writer removed a file of the manifest read meanwhile: open the live file again."""
    con = duckdb.connect(":memory:", config={**config, "temp_directory": f"{path}.tmp"})
    try:
        _attach_all(con, Path(path), Path(main_file))
    except duckdb.IOException as exc:
        con.close()
        raise StaleManifest(str(exc)) from exc
    return con


class StaleManifest(Exception):
    """A province file named by the manifest just read is gone (a newer write removed it)."""


def _attach_all(con: duckdb.DuckDBPyConnection, path: Path, main_file: Path) -> None:
    con.execute("ATTACH $file AS store (READ_ONLY)", {"file": str(main_file)})
    parts = manifest(con, "store")
    for part, name in parts.items():
        con.execute(f"ATTACH $file AS {_alias(part)} (READ_ONLY)", {"file": str(parts_dir(path) / name)})
    by_province = [_alias(p) for p in provinces(parts)]
    columns = _columns(con)
    for table, names in columns.items():
        if "." in table:
            continue
        # the main file's own rows of these tables are none (publish moved them out)
        if table in TABLES and by_province:
            sources = [_select(alias, table, names, columns) for alias in by_province]
        elif table in EXTRACTS and f"ext.{table}" in columns:
            sources = [_select("ext", table, names, columns)]
        elif table in GUARDED:  # no file holds rows of it: the guard's columns, no row (the guard never runs)
            sources = [f"SELECT * FROM store.main.{table} WHERE false"]
        else:
            sources = [f"SELECT * FROM store.main.{table}"]
        con.execute(f"CREATE VIEW main.{table} AS " + " UNION ALL ".join(sources))
    _copy_views(con)


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Columns of every table (and guard view) of the main file; of the other files' tables as `pNN.table` or
    `ext.table`."""
    found: dict[str, list[str]] = {}
    for database, table, column in con.execute(
            "SELECT database_name, table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
            " AND database_name <> 'memory' AND ((database_name, table_name) IN"
            " (SELECT (database_name, table_name) FROM duckdb_tables())"
            "  OR database_name = 'store' AND table_name IN (SELECT unnest($guarded::VARCHAR[])))"
            " ORDER BY database_name, table_name, column_index", {"guarded": list(GUARDED)}).fetchall():
        found.setdefault(table if database == "store" else f"{database}.{table}", []).append(column)
    return found


def _select(catalog: str, table: str, names: list[str], columns: dict[str, list[str]]) -> str:
    """A province's rows in the main file's column order: a column added later reads as NULL from older files.

    Plain UNION ALL of explicit columns: DuckDB plans it faster than UNION ALL BY NAME (planning, not reading,
    is what 31 branches cost)."""
    present = set(columns.get(f"{catalog}.{table}", ()))
    return "SELECT " + ", ".join(n if n in present else f"NULL AS {n}" for n in names) + f" FROM {catalog}.main.{table}"


def _copy_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the main file's views in memory, so they read the views above (a view binds in its own file)."""
    pending = [sql for (sql,) in con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = 'store' AND NOT internal"
        " AND view_name NOT IN (SELECT unnest($guarded::VARCHAR[]))", {"guarded": list(GUARDED)}).fetchall()]
    while pending:
        failed = []
        for sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                failed.append(sql)  # reads a view not created yet
        if len(failed) == len(pending):
            raise duckdb.CatalogException(f"views that cannot be re-created: {failed}")
        pending = failed


# ---------------------------------------------------------------- writers

def materialize(con: duckdb.DuckDBPyConnection, path: Path, counties: Iterable[str] | None,
                extracts: bool) -> list[str] | None:
    """Load the rows of `counties` (every county when None) from the province files into the main file's tables,
    and the extracts when `extracts`.

    Returns the sorted county list (None for all): the write may change those counties' rows and no others.
    """
    scope = None if counties is None else sorted(set(counties))
    parts = manifest(con)
    for province, name in provinces(parts).items():
        wanted = None if scope is None else [c for c in scope if c[:2] == province]
        if wanted == []:
            continue
        where = "" if wanted is None else " WHERE county_code IN (SELECT unnest($c::VARCHAR[]))"
        _load(con, parts_dir(path) / name, TABLES, where, {"c": wanted} if wanted is not None else {})
    if extracts and EXTRACTS_PART in parts:
        _load(con, parts_dir(path) / parts[EXTRACTS_PART], EXTRACTS, "", {})
    return scope


def _load(con: duckdb.DuckDBPyConnection, file: Path, tables: Iterable[str], where: str, params: dict) -> None:
    con.execute("ATTACH $file AS source (READ_ONLY)", {"file": str(file)})
    try:
        present = {t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source'").fetchall()}
        for table in tables:
            if table in present:
                con.execute(f"INSERT INTO main.{table} BY NAME SELECT * FROM source.main.{table}{where}", params)
    finally:
        con.execute("DETACH source")


def publish(con: duckdb.DuckDBPyConnection, path: Path, scope: list[str] | None,
            extracts: bool) -> tuple[dict[str, str], list[Path]]:
    """Move the rows out of the main file into new files; write the new manifest into the main file.

    A province file whose counties were only partly loaded is copied and changed for those counties; others
    are written whole; the extracts file is written whole when they were loaded (`extracts`). Returns the new
    manifest and the new files (to remove if the swap fails).
    """
    old = manifest(con)
    present = {p for (p,) in con.execute(
        "SELECT DISTINCT substr(county_code, 1, 2) FROM households UNION SELECT DISTINCT substr(county_code, 1, 2)"
        " FROM income").fetchall()}
    touched = present | (set(provinces(old)) if scope is None else {c[:2] for c in scope} & set(old))
    new, created = dict(old), []
    folder = parts_dir(path)
    for province in sorted(touched):
        created.append(_new_file(folder, province))
        rows = _write_province(con, created[-1], province, old.get(province) and folder / old[province],
                               None if scope is None else [c for c in scope if c[:2] == province])
        _name_in(new, province, created[-1], rows)
    if extracts:
        created.append(_new_file(folder, EXTRACTS_PART))
        _name_in(new, EXTRACTS_PART, created[-1], _write_extracts(con, created[-1]))
    else:
        _refuse_undeclared_extracts(con)
    _guard(con, path)
    con.execute(f"CREATE OR REPLACE TABLE {_MANIFEST} (part VARCHAR NOT NULL, file VARCHAR NOT NULL)")
    if new:
        con.executemany(f"INSERT INTO {_MANIFEST} VALUES (?, ?)", sorted(new.items()))
    return new, created


def _guard(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Replace the emptied tables by views with their columns that raise an error when read."""
    for table in GUARDED:
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name ="
                              " current_database() AND schema_name = 'main' AND table_name = $t ORDER BY column_index",
                              {"t": table}).fetchall()
        message = _GUARD_MESSAGE.format(table=table, parts=parts_dir(path).name).replace("'", "''")
        con.execute(f"DROP TABLE main.{table}")
        con.execute(f"CREATE VIEW main.{table} AS SELECT " + ", ".join(f"NULL::{t} AS {c}" for c, t in columns)
                    + f" WHERE error('{message}') IS NULL")


def unguard(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the guard views (a write's first step; ensure_schema then creates the tables, empty)."""
    for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE database_name = current_database()"
                               " AND view_name IN (SELECT unnest($g::VARCHAR[]))", {"g": list(GUARDED)}).fetchall():
        con.execute(f"DROP VIEW main.{view}")


def _new_file(folder: Path, part: str) -> Path:
    """A name no reader has seen: published files are never changed, a new version is a new file."""
    return folder / f"{part}-{time.time_ns()}-{os.getpid()}.duckdb"


def _name_in(parts: dict[str, str], part: str, file: Path, rows: int) -> None:
    if rows:
        parts[part] = file.name
    else:
        parts.pop(part, None)


def _refuse_undeclared_extracts(con: duckdb.DuckDBPyConnection) -> None:
    """A write that did not load the extracts saw them empty: rows it added would replace nothing they should."""
    for table in EXTRACTS:
        if con.execute(f"SELECT count(*) FROM (FROM main.{table} LIMIT 1)").fetchone()[0]:
            raise RuntimeError(f"this write changed {table} without declaring it: "
                               "call write_transaction(..., extracts=True)")


def _write_province(con: duckdb.DuckDBPyConnection, target: Path, province: str, previous: Path | None,
                    counties: list[str] | None) -> int:
    """The province's new file: a copy of the previous one with `counties` replaced, or written whole. Row count."""
    keep_previous = previous is not None and counties is not None
    if keep_previous:
        shutil.copyfile(previous, target)
    con.execute("ATTACH $file AS target", {"file": str(target)})
    try:
        for table in TABLES:
            if keep_previous:
                con.execute(f"DELETE FROM target.main.{table} WHERE county_code IN (SELECT unnest($c::VARCHAR[]))",
                            {"c": counties})
            else:
                con.execute(f"CREATE TABLE target.main.{table} AS FROM main.{table} LIMIT 0")
            con.execute(f"INSERT INTO target.main.{table} BY NAME SELECT * FROM main.{table}"
                        f" WHERE substr(county_code, 1, 2) = $p ORDER BY {_ORDER[table]}", {"p": province})
        rows = con.execute("SELECT (SELECT count(*) FROM target.main.households)"
                           " + (SELECT count(*) FROM target.main.income)").fetchone()[0]
        con.execute("CHECKPOINT target")
    finally:
        con.execute("DETACH target")
    return rows


def _write_extracts(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """The extracts' new file, written whole (in their order of insertion). Row count."""
    con.execute("ATTACH $file AS target", {"file": str(target)})
    try:
        rows = 0
        for table in EXTRACTS:
            con.execute(f"CREATE TABLE target.main.{table} AS FROM main.{table}")
            rows += con.execute(f"SELECT count(*) FROM target.main.{table}").fetchone()[0]
        con.execute("CHECKPOINT target")
    finally:
        con.execute("DETACH target")
    return rows


def compact(con: duckdb.DuckDBPyConnection, staging: Path) -> Path:
    """A copy of the connection's database without free blocks (DuckDB does not shrink a file); its path."""
    target = staging.with_name(staging.name + ".compact")
    target.unlink(missing_ok=True)
    source = con.execute("SELECT current_database()").fetchone()[0]
    con.execute("ATTACH $file AS compacted", {"file": str(target)})
    try:
        con.execute(f'COPY FROM DATABASE "{source}" TO compacted')
    finally:
        con.execute("DETACH compacted")
    return target


def fsync(files: Iterable[Path]) -> None:
    for file in files:
        if file.exists():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())


def remove_unlisted(path: Path, keep: Iterable[str], *, drop_folder: bool = False) -> None:
    """Province files no manifest names (older generations, writers that were killed); the folder too when
    `drop_folder` (a fresh single-file database replaced the partitioned one).

    Called by the writer, under the writer lock, with the manifest it has just made live.
    """
    folder = parts_dir(path)
    if not folder.is_dir():
        return
    keep = set(keep)
    for file in folder.iterdir():
        if file.name not in keep:
            with contextlib.suppress(OSError):
                file.unlink()
    if drop_folder:
        with contextlib.suppress(OSError):
            folder.rmdir()

"""Filter and page through the audit log without reading it into memory (the auditor page and the CLI).

DuckDB's `read_json` streams the JSON lines with the filters pushed into the scan; only the requested page
(newest first) comes back as a frame. Live-log entries that an interrupted archive run left behind (seq up
to the archive's last) are skipped, so every entry is counted once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from analysis.access.audit import AuditLog, utc_text
from analysis.regioncodes import is_region_code, region_prefix

COLUMNS = {"seq": "BIGINT", "time": "VARCHAR", "user": "VARCHAR", "role": "VARCHAR", "scope": "VARCHAR",
           "action": "VARCHAR", "target": "VARCHAR", "filters": "JSON", "rows": "BIGINT", "hash": "VARCHAR"}
SHOWN = ("seq", "time", "user", "role", "scope", "action", "target", "rows", "filters", "hash")


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor asks for; every field optional. `region` matches entries about a place inside it
    (the page's region filter or a household/village target); `target` is any part of the target."""
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    user: str = ""
    role: str = ""
    action: str = ""
    region: str = ""
    target: str = ""
    include_archive: bool = False

    def as_dict(self) -> dict:
        """For the audit entry that records an export of the log."""
        values = {"since": utc_text(self.since) if self.since else "", "until": utc_text(self.until) if self.until
                  else "", "user": self.user, "role": self.role, "action": self.action, "area": self.region,
                  "target": self.target, "archive": self.include_archive}
        return {key: value for key, value in values.items() if value}


def _where(flt: AuditFilter) -> tuple[str, dict]:
    clauses, params = [], {}
    for name, value in (("since", flt.since), ("until", flt.until)):
        if value is not None:
            clauses.append("time >= $since" if name == "since" else "time < $until")
            params[name] = utc_text(value)
    for name in ("user", "role", "action"):
        if getattr(flt, name):
            clauses.append(f'"{name}" = ${name}')
            params[name] = getattr(flt, name)
    if flt.region:
        if not is_region_code(flt.region):
            raise ValueError(f"not a region code: {flt.region!r} / 不是行政区划代码")
        params["prefix"] = flt.region[:region_prefix(flt.region)]
        clauses.append("(starts_with(target, $prefix) OR starts_with(coalesce(filters->>'region', ''), $prefix))")
    if flt.target:
        clauses.append("contains(target, $target)")
        params["target"] = flt.target
    return (" AND ".join(clauses) or "TRUE"), params


def _source(log: AuditLog, flt: AuditFilter) -> tuple[str, dict]:
    """The live log (without archive-run leftovers), and the archive when asked for; '' when both are absent."""
    scan = ("SELECT * FROM read_json({files}, format='newline_delimited', columns=$columns, ignore_errors=true)")
    parts, params = [], {"columns": COLUMNS}
    if log.path.exists():
        parts.append(scan.format(files="$live") + " WHERE seq > $through")
        params.update(live=str(log.path), through=log.archived_through())
    if flt.include_archive and log.archive_path.exists():
        parts.append(scan.format(files="$archive"))
        params["archive"] = str(log.archive_path)
    return " UNION ALL ".join(parts), params


def count(log: AuditLog, flt: AuditFilter) -> int:
    """How many entries match (one streaming scan)."""
    source, params = _source(log, flt)
    if not source:
        return 0
    where, where_params = _where(flt)
    with duckdb.connect() as con:
        return int(con.execute(f"SELECT count(*) FROM ({source}) WHERE {where}", params | where_params).fetchone()[0])


def query(log: AuditLog, flt: AuditFilter, *, limit: int | None = 100, offset: int = 0) -> pd.DataFrame:
    """One page of matching entries, newest first (`limit=None`: all of them, e.g. for an export)."""
    source, params = _source(log, flt)
    if not source:
        return pd.DataFrame(columns=list(SHOWN))
    where, where_params = _where(flt)
    params.update(where_params)
    page = ""
    if limit is not None:
        page = " LIMIT $limit OFFSET $offset"
        params.update(limit=int(limit), offset=int(offset))
    columns = ", ".join(f'"{name}"' for name in SHOWN)
    with duckdb.connect() as con:
        frame = con.execute(f"SELECT {columns} FROM ({source}) WHERE {where} ORDER BY seq DESC{page}", params).df()
    frame["rows"] = frame["rows"].astype("Int64")
    return frame


def as_entries(frame: pd.DataFrame) -> list[dict]:
    """Entries as plain dicts (filters as dicts), for JSON output."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for record in records:
        record["filters"] = json.loads(record["filters"]) if record["filters"] else {}
    return records

"""The audit log: append-only JSON lines beside the database, each entry chained to the one before.

Every entry carries `prev` (the SHA-256 of the previous entry, 64 zeros for the first) and `hash`
(SHA-256 of `prev` and the entry's canonical JSON without `hash`), so an edited, inserted or deleted
entry breaks the chain at that point (`verify`). Cutting entries off the end cannot be seen from the
file alone: keep the latest hash (`audit-log verify` prints it) somewhere else, e.g. in a daily report.

Entries older than the retention period move to `<log>.archive.jsonl` (never dropped); the chain runs
on from the archive into the live file, and `verify` checks both.
"""
from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GENESIS = "0" * 64
ACTIONS = ("sign_in", "sign_out", "view_page", "view_household", "export", "import", "denied", "remove_household")
FIELDS = ("seq", "time", "user", "role", "scope", "action", "target", "filters", "rows", "prev")


def entry_hash(entry: dict) -> str:
    body = {key: entry.get(key) for key in FIELDS}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    last_hash: str
    problem: str = ""      # what is wrong, in English and Chinese
    line: int | None = None  # 1-based line of the first bad entry, counted over archive then log


class AuditLog:
    """One log file; safe for many threads and processes (an exclusive lock file around each append)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.archive_path = Path(f"{self.path}.archive.jsonl")
        self._lock_path = Path(f"{self.path}.lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _last(self) -> dict | None:
        for path in (self.path, self.archive_path):
            line = _last_line(path)
            if line:
                return json.loads(line)
        return None

    def append(self, *, user: str, role: str, scope: str, action: str, target: str = "",
               filters: dict | None = None, rows: int | None = None, now: datetime | None = None) -> dict:
        """Add one entry (flushed and synced before returning) and return it."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self._locked():
            last = self._last()
            entry = {"seq": (last["seq"] + 1) if last else 1,
                     "time": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
                     "user": user, "role": role, "scope": scope, "action": action, "target": str(target),
                     "filters": filters or {}, "rows": rows, "prev": last["hash"] if last else GENESIS}
            entry["hash"] = entry_hash(entry)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        return entry

    def _lines(self) -> Iterator[str]:
        for path in (self.archive_path, self.path):
            if path.exists():
                with open(path, encoding="utf-8") as handle:
                    yield from (line for line in handle if line.strip())

    def entries(self, *, since: datetime | None = None, until: datetime | None = None, user: str | None = None,
                action: str | None = None, include_archive: bool = False) -> list[dict]:
        """Entries, oldest first, filtered by time range (UTC), user and action."""
        lines = self._lines() if include_archive else _read_lines(self.path)
        found = []
        for line in lines:
            entry = json.loads(line)
            at = datetime.fromisoformat(entry["time"])
            if (since and at < since) or (until and at >= until) or (user and entry["user"] != user) \
                    or (action and entry["action"] != action):
                continue
            found.append(entry)
        return found

    def verify(self) -> Verification:
        """Recompute every hash and link, over the archive and then the live log."""
        previous, count = GENESIS, 0
        for number, line in enumerate(self._lines(), start=1):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                return Verification(False, count, previous, "not JSON / 不是合法的 JSON", number)
            if entry.get("prev") != previous:
                return Verification(False, count, previous,
                                    "chain broken: an entry before this one was removed or changed / 链条断开", number)
            if entry.get("hash") != entry_hash(entry):
                return Verification(False, count, previous, "entry was edited / 该条目被修改", number)
            previous, count = entry["hash"], count + 1
        return Verification(True, count, previous)

    def archive(self, retention_days: float, now: datetime | None = None) -> int:
        """Move entries older than `retention_days` to the archive file; returns how many moved."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        with self._locked():
            lines = _read_lines(self.path)
            old = [line for line in lines if datetime.fromisoformat(json.loads(line)["time"]) < cutoff]
            if not old:
                return 0
            kept = lines[len(old):] if lines[:len(old)] == old else [line for line in lines if line not in old]
            _replace(self.archive_path, _read_lines(self.archive_path) + old)
            _replace(self.path, kept)
        return len(old)


def record_command(db_path: str | os.PathLike, action: str, target: str, rows: int | None = None,
                   filters: dict | None = None) -> dict:
    """An entry for the command line, which runs on the server as the data administrator for the whole country."""
    from analysis.access.settings import audit_log_path

    return AuditLog(audit_log_path(db_path)).append(user=f"cli:{getpass.getuser()}", role="data_admin",
                                                    scope="000000", action=action, target=target, rows=rows,
                                                    filters=filters)


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return [line if line.endswith("\n") else line + "\n" for line in handle if line.strip()]


def _replace(path: Path, lines: list[str]) -> None:
    """Write `lines` to `path` through a synced temporary file and an atomic rename."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _last_line(path: Path) -> str:
    """The last non-empty line of a file, read from its end (the log grows for months)."""
    if not path.exists():
        return ""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        block, data = 4096, b""
        while size > 0:
            step = min(block, size)
            size -= step
            handle.seek(size)
            data = handle.read(step) + data
            stripped = data.strip()
            if b"\n" in stripped:
                return stripped.rsplit(b"\n", 1)[1].decode("utf-8")
        return data.strip().decode("utf-8")

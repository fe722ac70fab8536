"""The audit log: append-only JSON lines beside the database, each entry chained to the one before.

Every entry carries `seq` (1, 2, …), `prev` (the SHA-256 of the previous entry, 64 zeros for the first)
and `hash` (SHA-256 of the entry's canonical JSON without `hash`), so an edited, inserted or deleted entry
breaks the chain at that point. After each append a signed head checkpoint (analysis.access.audit_head)
records the last entry, so entries cut off the end are noticed too; when an append finds the head
missing, forged or ahead of the log, it first writes an `audit_checkpoint` entry saying so, which stays
in the chain for every later `verify` to report.

Appends take an exclusive lock file (fcntl.flock): safe across threads and the app's several processes.
Entries older than the retention period move to `<log>.archive.jsonl` (never dropped) in two crash-safe
steps: the archive is replaced first, then the live log; a crash between them leaves entries in both
files, which readers skip in the live log and the next append or archive run removes.
"""
from __future__ import annotations

import fcntl
import getpass
import hashlib
import itertools
import json
import os
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analysis.access import audit_head as head_file

GENESIS = "0" * 64
ACTIONS = ("sign_in", "sign_out", "view_page", "view_household", "export", "import", "denied", "remove_household",
           "audit_checkpoint")
FIELDS = ("seq", "time", "user", "role", "scope", "action", "target", "filters", "rows", "prev")
SYSTEM_USER = "audit-log"
ARCHIVE_BATCH = timedelta(days=1)
ADOPTED = "adopted"  # a log written before checkpoints existed gets its first one: not an incident


def entry_hash(entry: dict) -> str:
    body = {key: entry.get(key) for key in FIELDS}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def utc_text(moment: datetime) -> str:
    """Times are stored as UTC ISO text, so that text order is time order (filters compare text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    last_hash: str
    problem: str = ""        # what is wrong, in English and Chinese
    line: int | None = None  # 1-based line of the first bad entry, counted over archive then log
    alerts: tuple[str, ...] = ()  # incidents recorded in the chain: the log was cut, deleted, its head lost
    notes: tuple[str, ...] = ()   # harmless: an interrupted archive run or append, an adopted older log
    checked_from: int = 1         # the first entry this run checked (above 1 when it resumed)


class AuditLog:
    """One log file with its archive and signed head; safe for many threads and processes."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.archive_path = Path(f"{self.path}.archive.jsonl")
        self.head_path = head_file.head_path(self.path)
        self.verified_path = Path(f"{self.path}.verified.json")
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

    # --- appending -------------------------------------------------------------------------------------

    def append(self, *, user: str, role: str, scope: str, action: str, target: str = "",
               filters: dict | None = None, rows: int | None = None, now: datetime | None = None) -> dict:
        """Add one entry (synced, then the head re-signed) and return it."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        at = utc_text(now or datetime.now(UTC))
        with self._locked():
            _cut_torn_line(self.path)
            self._finish_archiving()
            last = self._last()
            incident = self._incident(last)
            if incident:
                last = self._write(_chained(last, user=SYSTEM_USER, role="", scope="", action="audit_checkpoint",
                                            target=self.head_path.name, filters=incident, rows=None, time=at))
            entry = self._write(_chained(last, user=user, role=role, scope=scope, action=action, target=str(target),
                                         filters=filters or {}, rows=rows, time=at))
            head_file.write_head(self.path, entry, entry["seq"])
            head_file.write_witness(self.path, at)
        return entry

    def _write(self, entry: dict) -> dict:
        new = not self.path.exists()
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if new:
            head_file.sync_folder(self.path.parent)
        return entry

    def _last(self) -> dict | None:
        for path in (self.path, self.archive_path):
            line = _last_line(path)
            if line:
                return json.loads(line)
        return None

    def _incident(self, last: dict | None) -> dict | None:
        """Why the head does not vouch for the log as found (None when it does, or for a brand-new log)."""
        head, valid = head_file.read_head(self.path)
        witness = head_file.read_witness(self.path)
        if last is None:
            return {"reason": "log_missing", "log_created": (witness or {}).get("created"),
                    "checkpoint_seq": (head or {}).get("seq")} if witness or head else None
        found = {"found_seq": last["seq"]}
        if head is None:
            return {"reason": "checkpoint_missing", **found} if witness else {"reason": ADOPTED, **found}
        if not valid:
            return {"reason": "checkpoint_invalid", **found}
        vouched = {"checkpoint_seq": head["seq"], "checkpoint_time": head["time"], **found}
        if head["seq"] > last["seq"]:
            return {"reason": "log_truncated", **vouched}
        if (head["seq"] == last["seq"] and head["hash"] != last["hash"]) or \
                (head["seq"] == last["seq"] - 1 and head["hash"] != last["prev"]):
            return {"reason": "log_rewritten", **vouched}
        if head["seq"] < last["seq"] - 1:
            return {"reason": "unvouched_entries", **vouched}
        return None

    # --- reading ---------------------------------------------------------------------------------------

    def archived_through(self) -> int:
        """The last seq in the archive (0 without one): live entries up to it await removal."""
        line = _last_line(self.archive_path)
        return json.loads(line)["seq"] if line else 0

    def _numbered(self, include_archive: bool = True, offset: int = 0,
                  first: int = 1) -> Iterator[tuple[int, int, str, bool]]:
        """(line number over archive then live, byte offset after the line in the live log (0 in the archive),
        line, is a leftover of an interrupted archive run), from `offset` in the live log."""
        through = self.archived_through()
        archived = ((0, line) for line in _lines(self.archive_path)) if include_archive else iter(())
        rows = itertools.chain(archived, _live_lines(self.path, offset))
        pending = through > 0  # leftovers can only open the live log: stop looking after the first newer entry
        for number, (end, line) in enumerate(rows, start=first):
            leftover = bool(end) and pending and _seq_of(line) <= through
            pending = pending and (not end or leftover)
            yield number, end, line, leftover

    def entries(self, *, since: datetime | None = None, until: datetime | None = None, user: str | None = None,
                action: str | None = None, include_archive: bool = False) -> list[dict]:
        """Entries, oldest first, filtered by time range and user and action (small logs and tests;
        analysis.access.audit_query filters and pages big logs without reading them into memory)."""
        low, high = (utc_text(since) if since else ""), (utc_text(until) if until else "")
        found = []
        for _, _, line, leftover in self._numbered(include_archive):
            entry = json.loads(line)
            if leftover or (low and entry["time"] < low) or (high and entry["time"] >= high) \
                    or (user and entry["user"] != user) or (action and entry["action"] != action):
                continue
            found.append(entry)
        return found

    # --- verifying -------------------------------------------------------------------------------------

    def verify(self, resume: bool = False) -> Verification:
        """Recompute every hash and link over the archive and the live log, then hold the end to the head.

        `resume` starts after the last entry a previous run verified (a signed mark in `<log>.verified.json`)
        instead of at entry 1: fast on a long log, but an entry edited in place before that point without
        changing its length is found only by a full run (the command line's `verify`, e.g. nightly)."""
        head, valid = head_file.read_head(self.path)
        check = _ChainCheck(watch=head.get("seq") if head and valid else None)
        start = self._resume(check) if resume else None
        rows = self._numbered(False, *start) if start else self._numbered()
        archive_tail = set() if start else _overlap(self.archive_path, self.path)
        mark, leftovers = None, 0
        for number, end, line, leftover in rows:
            if leftover:
                if _digest(line) not in archive_tail:
                    return check.result(f"entry {_seq_of(line)} is in both the archive and the live log, with "
                                        "different contents / 该条目在归档和日志中内容不同", number)
                leftovers += 1
                continue
            problem = check.feed(line)
            if problem:
                return check.result(problem, number)
            mark = (end, number) if end else None
        if leftovers:
            check.notes.append(f"{leftovers} entries left in the live log by an interrupted archive run, also in the "
                               f"archive (removed at the next append) / {leftovers} 条归档中断遗留，下次写入时清理")
        result = check.result(self._head_problem(head, valid, check))
        if result.ok and mark:
            with self._locked():  # a stale mark (an archive run in between) only costs the next run a full check
                head_file.write_signed(self.verified_path, self.path, {
                    "seq": check.seq, "hash": check.previous, "count": check.count, "offset": mark[0],
                    "line": mark[1], "alerts": list(check.alerts)})
        return result

    def _resume(self, check: _ChainCheck) -> tuple[int, int] | None:
        """Where the last verified run ended (live-log offset, next line number), with `check` set to that
        point; None when there is no valid mark or the live log no longer holds that entry at that offset."""
        mark, valid = head_file.read_signed(self.verified_path, self.path)
        if not valid or self.archived_through() >= _seq_of(_first_line(self.path) or "{}"):
            return None
        line = _line_ending_at(self.path, mark["offset"])
        entry = json.loads(line) if line else {}
        if entry.get("hash") != mark["hash"] or entry.get("seq") != mark["seq"]:
            return None
        if check.watch is not None and check.watch < mark["seq"]:
            if check.watch != mark["seq"] - 1:
                return None
            check.watched = entry["prev"]
        check.previous, check.seq, check.count = mark["hash"], mark["seq"], mark["count"]
        check.watched = mark["hash"] if check.watch == mark["seq"] else check.watched
        check.alerts, check.first = list(mark["alerts"]), mark["seq"] + 1
        return mark["offset"], mark["line"] + 1

    def _head_problem(self, head: dict | None, valid: bool, check: _ChainCheck) -> str:
        if head is None:
            witness = head_file.read_witness(self.path)
            if check.count == 0:
                return (f"log missing: a log created {witness.get('created')} was deleted together with its checkpoint "
                        "/ 日志及其检查点已被删除") if witness else ""
            if witness:
                return "checkpoint missing: the end of the log cannot be vouched for / 检查点缺失，无法确认日志末尾完整"
            check.notes.append("no checkpoint yet: a log from before checkpoints (the next entry starts one) "
                               "/ 旧版日志，下一条记录起建立检查点")
            return ""
        if not valid:
            return "checkpoint signature invalid: forged, or the audit key changed / 检查点签名无效（伪造或密钥已更换）"
        if head["seq"] > check.seq:
            return (f"log truncated after entry {check.seq}: the checkpoint of {head['time']} vouches for "
                    f"{head['seq']} entries / 日志在第 {check.seq} 条之后被截断")
        if check.watched != head["hash"]:
            return (f"log rewritten: entry {head['seq']} is not the one the checkpoint signed "
                    f"/ 第 {head['seq']} 条与检查点不符，日志被改写")
        unvouched = check.seq - head["seq"]
        if unvouched > 1:
            return (f"{unvouched} entries after entry {head['seq']} were not written through the app "
                    f"/ 第 {head['seq']} 条之后有 {unvouched} 条记录并非由本系统写入")
        if unvouched == 1:
            check.notes.append("the last entry was written just before an interruption, its checkpoint not yet "
                               "/ 最后一条记录写入后中断，检查点尚未更新")
        return ""

    # --- archiving -------------------------------------------------------------------------------------

    def archive(self, retention_days: float, now: datetime | None = None) -> int:
        """Move entries older than `retention_days` to the archive file; returns how many moved.

        Runs in daily batches (only once the oldest entry is a day past retention), so that a busy page does
        not rewrite both files on every visit. Step 1 replaces the archive with itself plus the old entries
        (synced); step 2 replaces the live log without them. A crash at any point loses nothing: before step 1
        nothing changed, between the steps the entries are in both files and readers skip the live copies,
        which the next append or run removes."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        cut, batch = utc_text(cutoff), utc_text(cutoff - ARCHIVE_BATCH)
        with self._locked():
            _cut_torn_line(self.path)
            self._finish_archiving()
            first = _first_line(self.path)
            if not first or json.loads(first)["time"] >= batch:
                return 0
            moved = sum(1 for _ in itertools.takewhile(lambda line: json.loads(line)["time"] < cut,
                                                       _lines(self.path)))
            self.copy_to_archive(itertools.islice(_lines(self.path), moved))
            self._finish_archiving()
        return moved

    def copy_to_archive(self, old: Iterable[str]) -> None:
        """Step 1: the archive, whole, with `old` appended, atomically in place."""
        head_file.write_lines_atomically(self.archive_path, itertools.chain(_lines(self.archive_path), old))

    def _finish_archiving(self) -> None:
        """Step 2: drop from the live log the entries the archive already holds, if they match it exactly."""
        through = self.archived_through()
        first = _first_line(self.path)
        if not first or _seq_of(first) > through:
            return
        archive_tail = _overlap(self.archive_path, self.path)
        leftovers = removed = 0
        for line in _lines(self.path):
            if _seq_of(line) > through:
                break
            if _digest(line) not in archive_tail:
                return  # not a crash leftover: leave both files for verify to report
            leftovers, removed = leftovers + 1, removed + len(line.encode("utf-8"))
        head_file.write_lines_atomically(self.path, itertools.islice(_lines(self.path), leftovers, None))
        self._shift_mark(removed)

    def _shift_mark(self, removed: int) -> None:
        """The verified mark's offset, moved with the live log's start (a stale mark only costs a full run)."""
        mark, valid = head_file.read_signed(self.verified_path, self.path)
        if valid and mark["offset"] > removed:
            body = {key: value for key, value in mark.items() if key not in ("mac", "log")}
            head_file.write_signed(self.verified_path, self.path, {**body, "offset": mark["offset"] - removed})
        else:
            self.verified_path.unlink(missing_ok=True)


class _ChainCheck:
    """Follows the chain entry by entry; says what broke, in the auditor's words."""

    def __init__(self, watch: int | None):
        self.previous, self.seq, self.count = GENESIS, 0, 0
        self.watch, self.watched = watch, None
        self.first = 1
        self.alerts: list[str] = []
        self.notes: list[str] = []

    def feed(self, line: str) -> str:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            return "not JSON / 不是合法的 JSON"
        seq = entry.get("seq")
        if entry.get("hash") != entry_hash(entry):
            return f"entry {seq} edited / 第 {seq} 条被修改"
        if entry.get("prev") != self.previous:
            if isinstance(seq, int) and seq > self.seq + 1:
                gone = f"{self.seq + 1}" if seq == self.seq + 2 else f"{self.seq + 1}–{seq - 1}"
                return f"entry {gone} deleted / 第 {gone} 条被删除"
            if isinstance(seq, int) and seq <= self.seq:
                return f"entry inserted before entry {self.seq + 1} / 第 {self.seq + 1} 条之前被插入记录"
            return f"chain broken: entry {self.seq} was replaced / 链条断开，第 {self.seq} 条被替换"
        self._record(entry)
        return ""

    def _record(self, entry: dict) -> None:
        self.previous, self.seq, self.count = entry["hash"], entry["seq"], self.count + 1
        if entry["seq"] == self.watch:
            self.watched = entry["hash"]
        if entry.get("action") == "audit_checkpoint":
            reason = (entry.get("filters") or {}).get("reason")
            text = f"{entry['time']} entry {entry['seq']}: checkpoint restarted ({reason}): " + json.dumps(
                entry["filters"], ensure_ascii=False, sort_keys=True)
            (self.notes if reason == ADOPTED else self.alerts).append(text)

    def result(self, problem: str, line: int | None = None) -> Verification:
        return Verification(not problem, self.count, self.previous, problem, line if problem else None,
                            tuple(self.alerts), tuple(self.notes), self.first)


def _chained(last: dict | None, **fields: object) -> dict:
    entry = {"seq": (last["seq"] + 1) if last else 1, **fields, "prev": last["hash"] if last else GENESIS}
    entry["hash"] = entry_hash(entry)
    return entry


def record_command(db_path: str | os.PathLike, action: str, target: str, rows: int | None = None,
                   filters: dict | None = None) -> dict:
    """An entry for the command line, which runs on the server as the data administrator for the whole country."""
    from analysis.access.settings import audit_log_path

    return AuditLog(audit_log_path(db_path)).append(user=command_user(), role="data_admin", scope="000000",
                                                    action=action, target=target, rows=rows, filters=filters)


def command_user() -> str:
    return f"cli:{getpass.getuser()}"


def _lines(path: Path) -> Iterator[str]:
    """Non-empty lines, each ending in a newline, streamed."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield line if line.endswith("\n") else line + "\n"


def _seq_of(line: str) -> int:
    try:
        return int(json.loads(line)["seq"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return -1


def _live_lines(path: Path, offset: int) -> Iterator[tuple[int, str]]:
    """(byte offset just after the line, line) for non-empty lines from `offset`, streamed."""
    if not path.exists():
        return
    with open(path, "rb") as handle:
        handle.seek(offset)
        end = offset
        for raw in handle:
            end += len(raw)
            if raw.strip():
                line = raw.decode("utf-8")
                yield end, line if line.endswith("\n") else line + "\n"


def _line_ending_at(path: Path, offset: int) -> str:
    """The line that ends just before byte `offset` ('' when there is none)."""
    if offset <= 0 or not path.exists() or path.stat().st_size < offset:
        return ""
    with open(path, "rb") as handle:
        start = _newline_before(handle, offset - 1)
        handle.seek(start)
        return handle.read(offset - start).decode("utf-8", errors="replace")


def _first_line(path: Path) -> str:
    return next(_lines(path), "")


def _overlap(archive: Path, live: Path) -> set[bytes]:
    """Digests of the archive's last lines that the live log may still hold after an interrupted archive run."""
    through, first = _seq_of(_last_line(archive) or "{}"), _seq_of(_first_line(live) or "{}")
    if through < 1 or first < 1 or first > through:
        return set()
    return set(deque((_digest(line) for line in _lines(archive)), maxlen=through - first + 1))


def _digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def _cut_torn_line(path: Path) -> None:
    """Drop a last line without its newline: an append cut short, never synced nor in the head."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) == b"\n":
            return
        end = _newline_before(handle, handle.tell())
        handle.truncate(end)
        os.fsync(handle.fileno())


def _newline_before(handle, size: int) -> int:
    """Offset just after the last newline before `size` (0 when there is none)."""
    block = 65536
    while size > 0:
        step = min(block, size)
        handle.seek(size - step)
        found = handle.read(step).rfind(b"\n")
        if found >= 0:
            return size - step + found + 1
        size -= step
    return 0


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


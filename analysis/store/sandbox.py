"""Reading and validating an untrusted file in a child process, within limits.

A file a visitor uploads is parsed by code we do not control (calamine is Rust: on a sheet that declares
a huge size it aborts the whole process, not just a call) and validated by CPU-bound code that would hold
the server's GIL. So every file is read and validated in a child process (forked from a clean fork
server, never from the app) with an address-space limit (RLIMIT_AS), a CPU-time limit, a wall-clock
timeout and an input-size limit. The child returns the validated result (pickled) through a pipe; a
child that is killed or runs out of memory becomes a bilingual "file too large or complex" problem,
and the server carries on. The import page and the command line both come through here (ingest.prepare_file,
ingest.ingest_files).

Limits (environment): INCOMEWATCH_IMPORT_MEMORY (default 4GB), INCOMEWATCH_IMPORT_SECONDS (default 300),
INCOMEWATCH_IMPORT_MAX_MB (default 500, the upload page's maximum).
"""
from __future__ import annotations

import functools
import hashlib
import io
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import re
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import set_spawning_popen
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.store.validate import Problem, ProblemLog, county_reference, use_county_reference

MEMORY_ENV = "INCOMEWATCH_IMPORT_MEMORY"
SECONDS_ENV = "INCOMEWATCH_IMPORT_SECONDS"
MAX_MB_ENV = "INCOMEWATCH_IMPORT_MAX_MB"
_LOG = logging.getLogger(__name__)
_CHILD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "MALLOC_ARENA_MAX": "2", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class PreparedFile:
    """A file read and checked, not yet loaded: what the upload page previews."""
    name: str
    kind: str | None
    frame: pd.DataFrame           # English columns, typed, index = spreadsheet row; personal data masked
    problems: list[Problem]
    extra_columns: list[str]      # headers not in the format: reported, never loaded
    sha256: str
    rows: int                     # data rows (loaded, or refused with the file)
    encoding: str | None = None
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # English column -> header as written in the file
    log: ProblemLog | None = field(default=None, repr=False, compare=False)  # for problems found later
    rows_read: int = 0            # rows below the header: rows + rows_skipped
    rows_skipped: int = 0         # blank rows, 合计 rows and a closing note
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # seconds per phase
    cpu: dict[str, float] = field(default_factory=dict, repr=False, compare=False)  # CPU seconds per phase

    @property
    def ok(self) -> bool:
        return self.kind is not None and not self.problems


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    seconds: float
    max_bytes: int

    @classmethod
    def from_env(cls) -> Limits:
        return cls(parse_size(os.environ.get(MEMORY_ENV, "4GB")), float(os.environ.get(SECONDS_ENV, "300")),
                   int(float(os.environ.get(MAX_MB_ENV, "500")) * 1_000_000))


def parse_size(text: str) -> int:
    """'4GB', '512MB', '2G' or a number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text.upper())
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 4GB)")
    return int(float(match.group(1)) * 1024 ** " KMGT".index(match.group(2) or " "))


def refused(name: str, data_digest: str, zh: str, en: str, kind: str | None = None) -> PreparedFile:
    log = ProblemLog(name)
    log.add(None, None, None, zh, en)
    return PreparedFile(name, kind, pd.DataFrame(), log.problems(), [], data_digest, 0, log=log)


def prepare_here(name: str, data: bytes, kind: str | None, sheet: str | None, today: date,
                 key: bytes | None) -> PreparedFile:
    """Read and validate in this process (tests of the parts call it; the child runs _prepare)."""
    return _prepare(name, data, kind, sheet, today, key, hashlib.sha256(data).hexdigest())


def _prepare(name: str, data: bytes, kind: str | None, sheet: str | None, today: date, key: bytes | None,
             digest: str) -> PreparedFile:
    from analysis.store.readers import ReadError, read_table
    from analysis.store.validate import validate_table

    log = ProblemLog(name)
    started, started_cpu = time.monotonic(), time.process_time()
    try:
        table = read_table(name, data, sheet)
    except ReadError as exc:
        log.add(exc.row, exc.column, None, exc.reason_zh, exc.reason_en)
        return PreparedFile(name, kind, pd.DataFrame(), log.problems(), [], digest, 0, log=log)
    read, read_cpu = time.monotonic(), time.process_time()
    checked = validate_table(table, log, kind, today, key)
    return PreparedFile(name, checked.kind, checked.frame, log.problems(), checked.extra_columns, digest,
                        len(table.rows), table.encoding, table.sheet, checked.headers, log=log,
                        rows_read=table.rows_read, rows_skipped=table.rows_skipped,
                        timings={"read": read - started, "validate": time.monotonic() - read},
                        cpu={"read": read_cpu - started_cpu, "validate": time.process_time() - read_cpu})


TOO_COMPLEX = ("文件过大或过于复杂：读取时超出了导入的内存或时间限制，已停止（服务器不受影响）。请拆分文件，或另存为 CSV 后重试",
               "file too large or too complex: reading it went over the import's memory or time limit and was "
               "stopped (the server is unaffected); split the file, or save it as CSV, and try again")


def prepare_isolated(name: str, data: bytes | None = None, path: Path | None = None, *, kind: str | None = None,
                     sheet: str | None = None, today: date | None = None, key: bytes | None = None,
                     limits: Limits | None = None) -> PreparedFile:
    """prepare_here in a child process under `limits` (default: from the environment).

    Give the file as bytes or as a path (the child reads a path itself: big uploads are not copied
    through a pipe). Never raises for anything in the file: every failure is a problem of the file.
    """
    limits = limits or Limits.from_env()
    size = len(data) if data is not None else Path(path).stat().st_size
    digest = functools.partial(_digest, data, path)
    if size > limits.max_bytes:
        return refused(name, digest(), f"文件过大（{size / 1e6:,.1f} MB，上限 {limits.max_bytes / 1e6:,.0f} MB）：请拆分后导入",
                       f"file too large ({size / 1e6:,.1f} MB, the limit is {limits.max_bytes / 1e6:,.0f} MB): split it",
                       kind)
    _start_fork_server()  # it boots (imports, warm-up) while this process builds the county reference
    request = {"name": name, "data": data, "path": None if path is None else str(path), "kind": kind, "sheet": sheet,
               "today": today or date.today(), "key": key, "memory": limits.memory_bytes, "seconds": limits.seconds,
               "counties": county_reference()}
    started = time.monotonic()
    payload, sha256 = _run_child(request, limits, name, digest)
    if payload is None:
        return refused(name, sha256, *TOO_COMPLEX, kind)
    prepared = _unpack(payload)
    prepared.sha256 = sha256  # the child leaves it to the app (one hash per file, made while the child works)
    _child_timings(prepared.timings, started, time.monotonic())
    return prepared


def _digest(data: bytes | None, path: Path | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else _file_digest(Path(path))


def _child_timings(timings: dict[str, float], started: float, received: float) -> None:
    """Add the child's start (fork, limits) and the transfer back (pickle, pipe, unpickle) to its read and
    validate times; the child noted its monotonic clock (system-wide on Linux) when it began and finished."""
    began, finished = timings.pop("began", None), timings.pop("finished", None)
    if began is not None and finished is not None:
        timings["start"] = began - started
        timings["transfer"] = received - finished


def _run_child(request: dict, limits: Limits, name: str, digest: Callable[[], str]
               ) -> tuple[bytearray | None, str]:
    """(the child's pickled result, or None when it was killed, ran out of memory or out of time; the file's
    sha256, computed here while the child reads and validates)."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = _Child(target=_child, args=(sender, request), name="incomewatch-import", daemon=True)
    started = time.perf_counter()
    child.start()
    sender.close()
    try:
        sha256 = digest()
        if receiver.poll(limits.seconds):  # waiting here releases the GIL: other sessions carry on
            return _receive(receiver.fileno(), limits.memory_bytes), sha256
        _LOG.warning("import child for %r timed out after %.0f s", name, time.perf_counter() - started)
    except EOFError:
        child.join(5)
        _LOG.warning("import child for %r ended without a result (exit code %s)", name, child.exitcode)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    return None, sha256


# The result goes through the pipe as its length (8 bytes) and then its bytes, read straight into one buffer of
# that length: Connection.recv_bytes gathers 64 KB reads in a growing BytesIO, which took ≈0.1–0.2 s for the
# ≈26 MB of a 200k-row income file (≈0.03 s this way).
_HEADER = 8


def _send(fd: int, payload: bytes) -> None:
    os.write(fd, len(payload).to_bytes(_HEADER, "little"))
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int, limit: int) -> bytearray:
    """The bytes _send wrote; EOFError if the child ended before all came, or announced more than it could hold."""
    size = int.from_bytes(_read_into(fd, bytearray(_HEADER)), "little")
    if size > limit:
        raise EOFError(f"the child announced {size} bytes")
    return _read_into(fd, bytearray(size))


def _read_into(fd: int, buffer: bytearray) -> bytearray:
    view, done = memoryview(buffer), 0
    while done < len(buffer):
        got = os.readv(fd, [view[done:]])
        if not got:
            raise EOFError("the pipe closed early")
        done += got
    return buffer


_FORK_SERVER_STARTED = False


def _start_fork_server() -> None:
    """Children are forked from a fresh server process that has imported the readers once and warmed them up
    (analysis.store.sandbox_warmup): never from the app's own process (its threads, caches and open files stay
    out), and in ≈0.05 s rather than the ≈1 s a new interpreter takes to import pandas."""
    global _FORK_SERVER_STARTED
    if not _FORK_SERVER_STARTED:
        for name, value in _CHILD_ENV.items():  # the fork server inherits these; the app's libraries are loaded
            os.environ.setdefault(name, value)
        multiprocessing.get_context("forkserver").set_forkserver_preload(
            ["analysis.store.sandbox_warmup", "analysis.store.sandbox"])
        _FORK_SERVER_STARTED = True
    forkserver.ensure_running()  # returns once the server is spawned; it imports and warms up on its own


class _Popen(popen_forkserver.Popen):
    """popen_forkserver.Popen._launch (Python 3.11) without the parent's main module in the preparation data.

    Otherwise every child runs the parent's main script again (streamlit's or pytest's, importing
    statsmodels and more: seconds per file); in 3.11 the fork server cannot preload __main__ instead
    (its 'main_path' key is never filled). The child needs only this module.
    """

    def _launch(self, process_obj) -> None:
        prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                     if not key.startswith("init_main")}
        buffer = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buffer)
            reduction.dump(process_obj, buffer)
        finally:
            set_spawning_popen(None)
        self.sentinel, write_end = forkserver.connect_to_new_process(self._fds)
        parent_write_end = os.dup(write_end)  # the child's sentinel of its parent, as in the original
        self.finalizer = util.Finalize(self, util.close_fds, (parent_write_end, self.sentinel))
        with open(write_end, "wb", closefd=True) as handle:
            handle.write(buffer.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Child(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _limit_self(memory: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # reads only: no file of any size may be written


def _child(sender, request: dict) -> None:
    began = time.monotonic()
    _limit_self(request["memory"], request["seconds"])
    use_county_reference(request["counties"])
    try:
        data = request["data"] if request["data"] is not None else Path(request["path"]).read_bytes()
        result = _prepare(request["name"], data, request["kind"], request["sheet"], request["today"],
                          request["key"], "")  # the app hashes the file (prepare_isolated)
    except MemoryError:
        os._exit(3)
    except Exception:  # a bug meeting a strange file: logged for us, reported as a refusal
        traceback.print_exc()
        result = refused(request["name"], "", "读取文件时出现意外错误，文件未导入（已记录在服务器日志中）",
                         "an unexpected error occurred while reading the file; nothing was imported (logged on the "
                         "server)", request["kind"])
    used = resource.getrusage(resource.RUSAGE_SELF)
    result.timings.update(began=began, finished=time.monotonic())
    result.cpu["child"] = used.ru_utime + used.ru_stime
    _send(sender.fileno(), _pack(result))
    sender.close()


# Columns the file did not have come back from validation as missing values (an income file without the
# optional expenses and livestock counts: 5 of 13 columns, a third of its 26 MB). They go through the pipe as
# name, place and type, and are made again on the app's side. Only types whose missing value is unique (NaN
# in float64, NA in the nullable types) travel this way: the frame comes back exactly as it was.
def _pack(result: PreparedFile) -> bytes:
    frame = result.frame
    missing = [(i, name, frame[name].dtype) for i, name in enumerate(frame.columns)
               if _rebuildable(frame[name].dtype) and frame[name].isna().all()] if len(frame) else []
    result.frame = frame.drop(columns=[name for _, name, _ in missing])
    return pickle.dumps((result, missing), protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(payload: bytearray) -> PreparedFile:
    result, missing = pickle.loads(payload)
    for position, name, dtype in missing:
        result.frame.insert(position, name, pd.Series(np.nan if dtype == "float64" else pd.NA,
                                                      index=result.frame.index, dtype=dtype))
    return result


def _rebuildable(dtype: object) -> bool:
    return dtype == "float64" or isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.name in _NULLABLE


_NULLABLE = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64",
             "boolean"}

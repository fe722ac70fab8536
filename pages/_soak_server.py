"""`python -m pages._soak_server run app.py …`: pages._server with a memory probe, for `make soak` only.

Normal runs never start this module. On SIGUSR1 it writes Streamlit's session counts and the collector's counters
(cheap) as one JSON line to the file named by INCOMEWATCH_SOAK_PROBE; on SIGUSR2 it also counts the collector's
objects by type (every object made since start-up: pages._server freezes what start-up built) and, when
INCOMEWATCH_SOAK_TRACEMALLOC=1, starts tracemalloc at the first SIGUSR2 and reports the biggest allocations
still alive at the next ones. Both walks take a noticeable fraction of a second: the bench asks for them rarely.
"""
from __future__ import annotations

import gc
import json
import os
import runpy
import signal
import time
import tracemalloc
from collections import Counter

PROBE_ENV = "INCOMEWATCH_SOAK_PROBE"
TRACE_ENV = "INCOMEWATCH_SOAK_TRACEMALLOC"
TRACE_FRAMES = 12
TOP = 25


def _sessions() -> dict:
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return {}
    manager = Runtime.instance()._session_mgr  # private, but the only place that knows the sessions kept
    return {"active": manager.num_active_sessions(), "kept": manager.num_sessions()}


def _cheap() -> dict:
    return {"time": time.time(), "sessions": _sessions(), "gc_count": gc.get_count(),
            "gc_frozen": gc.get_freeze_count(), "gc_collections": [s["collections"] for s in gc.get_stats()]}


def _types() -> dict:
    counts = Counter(type(o).__qualname__ for o in gc.get_objects())
    return {"objects": sum(counts.values()), "types": dict(counts.most_common(TOP * 2))}


def _traced() -> dict:
    if os.environ.get(TRACE_ENV) != "1":
        return {}
    if not tracemalloc.is_tracing():
        tracemalloc.start(TRACE_FRAMES)
        return {"tracemalloc": "started"}
    stats = tracemalloc.take_snapshot().statistics("traceback")
    return {"traced_mb": sum(s.size for s in stats) / 2**20,
            "tracemalloc": [{"mb": s.size / 2**20, "blocks": s.count, "where": s.traceback.format()[-TRACE_FRAMES:]}
                            for s in stats[:TOP]]}


def _write(report: dict) -> None:
    with open(os.environ[PROBE_ENV], "a", encoding="utf-8") as out:
        out.write(json.dumps(report, default=str) + "\n")


def _probe(signum, _frame) -> None:
    report = _cheap()
    if signum == signal.SIGUSR2:
        started = time.process_time()
        report |= _types() | _traced()
        report["probe_cpu_s"] = time.process_time() - started
    _write(report)


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _probe)
    signal.signal(signal.SIGUSR2, _probe)
    runpy.run_module("pages._server", run_name="__main__", alter_sys=True)

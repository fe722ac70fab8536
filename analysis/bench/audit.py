"""Audit-log timings on a 1,000,000-entry log (built here, not from the worlds): verify, filter, page, append,
archive. `python -m analysis.bench.audit` runs it alone, without building the worlds."""
from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analysis.access import audit_head
from analysis.access.audit import GENESIS, AuditLog, entry_hash, utc_text
from analysis.access.audit_query import AuditFilter, count, query
from analysis.bench import BenchContext, ms, show, timed

ENTRIES = 1_000_000
START = datetime(2026, 1, 1, tzinfo=UTC)
ACTIONS = ("view_page", "view_household", "export", "sign_in", "denied")
COUNTIES = ("621122", "621126", "620102", "640424", "640425")


def build_log(path: Path, entries: int = ENTRIES, seed: int = 1) -> AuditLog:
    """A chained log of `entries` entries over one year, written directly (as the app would, minus the syncs)."""
    rng = random.Random(seed)
    previous, step = GENESIS, 365 * 86400 / entries
    with open(path, "w", encoding="utf-8") as handle:
        for seq in range(1, entries + 1):
            county = rng.choice(COUNTIES)
            entry = {"seq": seq, "time": utc_text(START + timedelta(seconds=seq * step)), "user": f"user{rng.randrange(500)}",
                     "role": rng.choice(("leader", "analyst", "county_staff")), "scope": county,
                     "action": rng.choice(ACTIONS), "target": f"{county}101201{rng.randrange(10000):04d}",
                     "filters": {"region": county, "year": 2024}, "rows": rng.randrange(1000), "prev": previous}
            entry["hash"] = previous = entry_hash(entry)
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    audit_head.write_head(path, entry, entries)
    return AuditLog(path)


def _cpu_ms(label: str, fn) -> tuple[str, str]:
    """CPU time of one run, all threads (wall time on a shared machine mostly measures the others)."""
    start = time.process_time()
    fn()
    return f"{label} (CPU ms)", f"{(time.process_time() - start) * 1000:.1f}"


def _peak_mb() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"


def run(ctx: BenchContext | None) -> list[tuple[str, str]]:
    """`ctx` is not used: the log is built here."""
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        start = time.perf_counter()
        log = build_log(Path(folder) / "audit.jsonl")
        rows = [(f"audit log: build {ENTRIES:,} entries (s)", f"{time.perf_counter() - start:.1f}"),
                ("audit log: file size (MB)", f"{log.path.stat().st_size / 2**20:.0f}"),
                ("audit log: peak memory after build (MB)", _peak_mb())]
        verified = []
        rows.append(ms("audit log: verify 1M entries (chain + head)", timed(lambda: verified.append(log.verify()),
                                                                             repeat=1)))
        assert verified[-1].ok, verified[-1]
        rows += [_cpu_ms("audit log: verify 1M entries", log.verify),
                 ("audit log: peak memory after verify (MB)", _peak_mb())]
        month = AuditFilter(since=START + timedelta(days=100), until=START + timedelta(days=130))
        one_user = AuditFilter(user="user7")
        county = AuditFilter(region="621122", action="view_household")
        rows += [ms("audit log: count all entries", timed(lambda: count(log, AuditFilter()), repeat=3)),
                 ms("audit log: filter one user, count", timed(lambda: count(log, one_user), repeat=3)),
                 ms("audit log: filter one month, count", timed(lambda: count(log, month), repeat=3)),
                 ms("audit log: page 1 (100 newest), all entries", timed(lambda: query(log, AuditFilter()), repeat=3)),
                 ms("audit log: page 5,000 (offset 499,900), all entries",
                    timed(lambda: query(log, AuditFilter(), offset=499_900), repeat=3)),
                 ms("audit log: page 1, one county's household views", timed(lambda: query(log, county), repeat=3)),
                 ms("audit log: export one user's entries (all rows)",
                    timed(lambda: query(log, one_user, limit=None), repeat=3)),
                 _cpu_ms("audit log: count + page 1 (what the page runs)",
                         lambda: (count(log, month), query(log, month))),
                 ("audit log: peak memory after filters and pages (MB)", _peak_mb())]
        rows.append(ms("audit log: append one entry (lock, fsync, signed head)",
                       timed(lambda: log.append(user="bench", role="auditor", scope="000000", action="view_page"),
                             repeat=20)))
        rows.append(ms("audit log: verify resumed from the last mark (the page's check)",
                       timed(lambda: log.verify(resume=True), repeat=5)))
        start = time.perf_counter()
        moved = log.archive(180, now=START + timedelta(days=365))
        rows.append(ms(f"audit log: archive {moved:,} entries older than 180 days (copy + replace)",
                       time.perf_counter() - start))
        rows.append(ms("audit log: verify resumed after archiving (mark moved)", timed(lambda: log.verify(resume=True),
                                                                                        repeat=5)))
        rows.append(ms("audit log: verify archive + live, full", timed(log.verify, repeat=1)))
    return rows


if __name__ == "__main__":
    show(run(None))

"""`audit-log`: list, verify and archive the audit log (the command line acts as the data administrator)."""
from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time

from analysis.access import settings
from analysis.access.audit import ACTIONS, AuditLog, Verification, command_user
from analysis.commands import EXIT_REFUSED, emit, region_code


def _day(value: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(sub, common) -> None:
    parser = sub.add_parser("audit-log", parents=[common],
                            help="list (default), verify or archive the audit log beside the database")
    parser.add_argument("what", nargs="?", choices=("list", "verify", "archive"), default="list")
    parser.add_argument("--since", type=_day, help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--until", type=_day, help="day after the last, YYYY-MM-DD (UTC)")
    parser.add_argument("--user")
    parser.add_argument("--role")
    parser.add_argument("--action", choices=ACTIONS)
    parser.add_argument("--region", type=region_code, help="entries about places inside this area")
    parser.add_argument("--target", help="entries whose target contains this text")
    parser.add_argument("--limit", type=int, help="list: at most this many entries, newest first")
    parser.add_argument("--offset", type=int, default=0, help="list: skip this many newest entries first")
    parser.add_argument("--archive", action="store_true", help="list: include archived entries")
    parser.add_argument("--resume", action="store_true",
                        help="verify: start after the last verified entry (quick; a full run is the default)")
    parser.add_argument("--log", help="the log file (default: $INCOMEWATCH_AUDIT_LOG or <db>.audit.jsonl)")
    parser.set_defaults(func=cmd)


def _verify_text(check: Verification) -> str:
    text = (f"ok: {check.entries} entries, latest hash {check.last_hash}" if check.ok else
            f"BROKEN at line {check.line}: {check.problem} ({check.entries} entries verified before it)"
            if check.line else f"BROKEN: {check.problem} ({check.entries} entries verified)")
    return "\n".join([text, *(f"ALERT: {alert}" for alert in check.alerts), *(f"note: {n}" for n in check.notes)])


def cmd(args: argparse.Namespace) -> int:
    log = AuditLog(args.log or settings.audit_log_path(args.db))
    if args.what == "verify":
        check = log.verify(resume=args.resume)
        emit(args, {"ok": check.ok, "entries": check.entries, "last_hash": check.last_hash, "line": check.line,
                    "problem": check.problem, "alerts": list(check.alerts), "notes": list(check.notes),
                    "checked_from": check.checked_from,
                    "log": str(log.path)}, _verify_text(check))
        return 0 if check.ok and not check.alerts else EXIT_REFUSED
    if args.what == "archive":
        days = settings.retention_days()
        moved = log.archive(days)
        emit(args, {"archived": moved, "retention_days": days, "archive": str(log.archive_path)},
             f"archived {moved} entries older than {days:g} days to {log.archive_path}")
        return 0
    return _list(args, log)


def _list(args: argparse.Namespace, log: AuditLog) -> int:
    """Reading the log is itself recorded (as an export by the data administrator), like the page's downloads."""
    from analysis.access.audit_query import AuditFilter, as_entries, count, query  # lazy: pandas and DuckDB

    wanted = AuditFilter(since=args.since, until=args.until, user=args.user or "", role=args.role or "",
                         action=args.action or "", region=args.region or "", target=args.target or "",
                         include_archive=args.archive)
    total = count(log, wanted)
    entries = as_entries(query(log, wanted, limit=args.limit, offset=args.offset))
    log.append(user=command_user(), role="data_admin", scope="000000", action="export", target="audit-log",
               filters=wanted.as_dict(), rows=len(entries))
    lines = [f"{e['time']}  {e['user']:<20} {e['role']:<14} {e['scope']:<12} {e['action']:<14} {e['target']}"
             + (f"  rows={e['rows']}" if e["rows"] is not None else "") for e in reversed(entries)]
    emit(args, {"entries": entries, "count": len(entries), "total": total, "offset": args.offset},
         "\n".join(lines) or "no entries")
    return 0

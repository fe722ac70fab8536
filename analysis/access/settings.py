"""Deployment settings of access control, read from the environment (defaults in parentheses)."""
from __future__ import annotations

import os
from pathlib import Path

MIN_CELL_ENV = "INCOMEWATCH_MIN_CELL"              # smallest household count shown to aggregate-only roles (5)
SESSION_HOURS_ENV = "INCOMEWATCH_SESSION_HOURS"    # a sign-in lasts at most this long (8)
RETENTION_ENV = "INCOMEWATCH_AUDIT_RETENTION_DAYS"  # audit entries older than this move to the archive (180)
AUDIT_LOG_ENV = "INCOMEWATCH_AUDIT_LOG"            # the audit log file (<database>.audit.jsonl)
SINGLE_USER_ENV = "INCOMEWATCH_SINGLE_USER"        # 1: serve a real database without sign-in, to one local user


def _number(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number / 不是数字") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r} must be at least {minimum} / 不得小于 {minimum}")
    return value


def min_cell() -> int:
    return int(_number(MIN_CELL_ENV, 5, 1))


def session_hours() -> float:
    return _number(SESSION_HOURS_ENV, 8, 0.01)


def retention_days() -> float:
    return _number(RETENTION_ENV, 180, 1)


def single_user() -> bool:
    return os.environ.get(SINGLE_USER_ENV, "").strip() == "1"


def audit_log_path(db_path: str | os.PathLike) -> Path:
    """The audit log lives beside the database, never inside it (the app process holds the DuckDB file)."""
    chosen = os.environ.get(AUDIT_LOG_ENV)
    return Path(chosen).expanduser().resolve() if chosen else Path(f"{db_path}.audit.jsonl")

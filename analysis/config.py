"""Where things live: the database file, parameter files, caches."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CACHE_DIR = DATA_DIR / "cache"
DEFAULT_DB = DATA_DIR / "incomewatch.duckdb"
DB_ENV = "INCOMEWATCH_DB"


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """The database to use: an explicit path, else $INCOMEWATCH_DB, else data/incomewatch.duckdb."""
    chosen = path or os.environ.get(DB_ENV) or DEFAULT_DB
    return Path(chosen).expanduser().resolve()

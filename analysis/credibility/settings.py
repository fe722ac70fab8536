"""The audit's settings as data: data/credibility.toml (every value with its unit and source)."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from analysis.config import DATA_DIR

SETTINGS_FILE = DATA_DIR / "credibility.toml"


class Settings:
    """Read access to the settings file: ``s("density", "window")`` returns the value."""

    def __init__(self, tables: dict[str, dict[str, Any]]):
        self.tables = tables

    def __call__(self, section: str, name: str) -> Any:
        return self.tables[section][name]["value"]

    def source(self, section: str, name: str) -> str:
        return self.tables[section][name]["source"]


@cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    with open(path, "rb") as handle:
        return Settings(tomllib.load(handle))

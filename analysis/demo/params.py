"""The demo world's calibration as data: data/demo_world.toml and data/monitoring_lines.csv."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config import DATA_DIR

WORLD_FILE = DATA_DIR / "demo_world.toml"
LINES_FILE = DATA_DIR / "monitoring_lines.csv"


class Params:
    """Read access to the parameter file: ``p("income", "household_sigma")`` returns the value."""

    def __init__(self, tables: dict[str, dict[str, Any]]):
        self.tables = tables

    def __call__(self, section: str, name: str) -> Any:
        return self.tables[section][name]["value"]

    def years(self) -> list[int]:
        first, last = self("world", "income_years")
        return list(range(first, last + 1))

    def by_year(self, section: str, name: str) -> list[float]:
        """A {year: value} parameter as a list over the income years."""
        table = self(section, name)
        return [float(table[str(y)]) for y in self.years()]


@cache
def load_params(path: Path = WORLD_FILE) -> Params:
    with open(path, "rb") as handle:
        return Params(tomllib.load(handle))


def load_monitoring_lines(path: Path = LINES_FILE) -> pd.DataFrame:
    """Monitoring lines by year and province (000000 = national default), as in the import format."""
    frame = pd.read_csv(path, dtype={"province_code": str})
    return frame.astype({"year": "int32", "monitoring_line": "float64"})


def line_lookup(lines: pd.DataFrame, province: str, years: list[int]) -> list[float]:
    """The line that applies to one province in each year: its own, else the national one."""
    own = lines[lines.province_code == province].set_index("year").monitoring_line
    national = lines[lines.province_code == "000000"].set_index("year").monitoring_line
    return [float(own.get(y, national[y])) for y in years]

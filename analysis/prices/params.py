"""The parameters of price monitoring and the what-if simulator: data/livestock.toml (value, unit, source)."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from analysis.config import DATA_DIR

LIVESTOCK_FILE = DATA_DIR / "livestock.toml"


@cache
def _tables(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def param(section: str, name: str, path: Path = LIVESTOCK_FILE) -> Any:
    """One parameter's value, e.g. param("alerts", "bands")."""
    return _tables(path)[section][name]["value"]


def section(name: str, path: Path = LIVESTOCK_FILE) -> dict[str, Any]:
    """{parameter: value} of one section, e.g. section("sales_calendars")."""
    return {key: entry["value"] for key, entry in _tables(path)[name].items()}


def species_params(path: Path = LIVESTOCK_FILE) -> dict[str, dict[str, Any]]:
    """{species: {commodity, heads_column, live_weight_kg, fallback_price}} in file order."""
    return {name: {key: entry["value"] for key, entry in table.items()}
            for name, table in _tables(path)["species"].items()}


def sources(path: Path = LIVESTOCK_FILE) -> list[dict[str, str]]:
    """Every parameter as a row (section, name, value, unit, source), for the pages and exports."""
    rows = []
    for section, table in _tables(path).items():
        if not isinstance(table, dict):
            continue
        for name, entry in table.items():
            for key, item in (entry.items() if section == "species" else [(name, entry)]):
                label = f"{name}.{key}" if section == "species" else name
                rows.append({"section": section, "name": label, "value": str(item["value"]),
                             "unit": item["unit"], "source": item["source"]})
    return rows

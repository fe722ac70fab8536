"""UI strings by page family: each module here defines `STRINGS: dict[key, (zh, en)]`.

analysis.i18n merges them all with its own shell strings; a key defined twice is an error at import,
so two pages can never silently overwrite each other's wording.
"""
from __future__ import annotations

import importlib
import pkgutil


def collect(base: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """`base` plus the STRINGS of every module in this package."""
    merged = dict(base)
    for module in pkgutil.iter_modules(__path__):
        strings = importlib.import_module(f"{__name__}.{module.name}").STRINGS
        clash = merged.keys() & strings.keys()
        if clash:
            raise ValueError(f"UI string keys defined twice ({module.name}): {sorted(clash)}")
        merged.update(strings)
    return merged

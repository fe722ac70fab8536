"""The briefing's sections, one module per page family: add a section by adding a function here.

Each module defines `ORDER` (where its sections go; smaller first), `PAGE` (the title key of the page that shows
its figures) and `SECTIONS`, a tuple of functions `(Context) -> Section | None` in the order they appear.
Modules are found by name, so a new page family adds `analysis/briefing/sections/<family>.py` without touching anyone else's file.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable

from analysis.briefing.model import Context, Section

SectionFunction = Callable[[Context], Section | None]


def section_functions() -> list[SectionFunction]:
    """Every registered section function, in document order."""
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
    modules.sort(key=lambda module: (module.ORDER, module.__name__))
    return [function for module in modules for function in module.SECTIONS]


def section_page(function: SectionFunction) -> str:
    """The title key of the page that shows a section's figures (where a reader goes when the deck lacks it)."""
    return sys.modules[function.__module__].PAGE

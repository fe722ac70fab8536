"""`make bench`: measured timings, printed as a table (never asserted in tests).

Two worlds are built once into bench-out/ and reused: the demo (200k households, Gansu and Ningxia) and a
national one (30 million households, every province; `--rebuild` rebuilds it). Each module in this package
measures one page family with `run(ctx) -> list[(label, value)]`.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analysis.config import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench-out"
YEAR = 2024
LABEL_WIDTH = 110


@dataclass(frozen=True)
class BenchContext:
    """The worlds every bench module measures on."""
    demo: Path
    large: Path | None  # None: no national world here (it is never built unasked: 30 million households)
    large_income_rows: int


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time in seconds of `repeat` warm runs (one unmeasured warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def ms(label: str, seconds: float) -> tuple[str, str]:
    """A table row in milliseconds."""
    return f"{label} (ms)", f"{seconds * 1000:.1f}"


def show(rows: list[tuple[str, str]]) -> None:
    """Print rows as each module finishes, so a long run shows its figures as they come."""
    for name, value in rows:
        print(f"{name:<{LABEL_WIDTH}}  {value:>14}", flush=True)

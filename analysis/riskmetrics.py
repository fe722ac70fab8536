"""The risk map's choices (levels, metrics, class methods): plain data, so that the command line can offer them
without importing pandas, DuckDB or the map outlines (analysis.riskmap re-exports them)."""
from __future__ import annotations

from dataclasses import dataclass

CHILD_LEVEL = {"national": "province", "province": "city", "city": "county", "county": "township",
               "township": "village"}
METHODS = ("quantile", "equal", "jenks", "manual")
DEFAULT_CLASSES = 5
MAP_LEVELS = ("province", "county")  # what the national map can show
CLASS_RANGE = (3, 7)


@dataclass(frozen=True)
class Metric:
    """A mapped metric: its column, how its values read (share, growth, per mille) and which way is worse."""
    key: str
    kind: str  # share | growth | per_mille
    higher_is_worse: bool


METRICS = {m.key: m for m in (
    Metric("below_share", "share", True),
    Metric("edge_share", "share", True),
    Metric("growth", "growth", False),
    Metric("monitored_per_1000", "per_mille", True),
    Metric("eliminated_share", "share", False),
    Metric("livestock_share", "share", True),
    Metric("flood_share", "share", True),
)}

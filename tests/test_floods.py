"""Floods: the estimator on panels with a known effect, the what-if and green channel, the export, the page, the CLI."""
from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import tables
from analysis.commands import main as cli
from analysis.config import PROJECT_ROOT
from analysis.floods import estimate, panel, whatif
from analysis.floods.events import disaster_events, event_span
from analysis.floods.params import flood_params
from analysis.i18n import t
from analysis.selection import RegionTree, regions_with_data
from analysis.store.connection import ensure_schema
from tests.helpers_tabs import every_tab

APP = str(PROJECT_ROOT / "app.py")
YEARS = list(range(2018, 2024))
LINE = 6000.0


FADING = (-0.10, -0.06, -0.03)


def build_panel(path: Path, *, effect: float, seed: int, counties: int = 40, households: int = 25) -> Path:
    """Households whose log per-capita income = county + year + household + noise; about 40% of counties have a
    first flood in a year after the first, which multiplies income by (1 + effect · FADING[h] / FADING[0]) in
    event years h = 0, 1, 2 (fading: effect, 0.6·effect, 0.3·effect). Severity 1–4 at random."""
    rng = np.random.default_rng(seed)
    codes = [f"62{1 + c // 10:02d}{1 + c % 10:02d}" for c in range(counties)]
    county_level = rng.normal(0, 0.2, counties)
    year_level = np.linspace(0, 0.3, len(YEARS))
    first = np.where(rng.random(counties) < 0.4, rng.integers(1, len(YEARS), counties), -1)
    profile = effect * np.asarray(FADING) / FADING[0]
    rows, people = [], []
    for c, code in enumerate(codes):
        for h in range(households):
            hid, members = f"{code}1012010{h:03d}", int(rng.integers(1, 6))
            level = 9.4 + county_level[c] + rng.normal(0, 0.3)
            masked = "=HYPERLINK(1)" if (c, h) == (0, 0) else f"张*{h}"
            people.append((hid, f"{code}101201", code, "脱贫户", members, masked, f"{code}********000X"))
            for y, year in enumerate(YEARS):
                k = y - first[c]
                hit = profile[k] if first[c] >= 0 and 0 <= k < len(profile) else 0.0
                per_capita = math.exp(level + year_level[y] + rng.normal(0, 0.1)) * (1 + hit)
                rows.append((hid, year, code, f"{code}101201", members, per_capita * members * 0.6,
                             per_capita * members * 0.4))
    events = [(f"E{c}-{YEARS[first[c]]}", "flood", codes[c], f"{YEARS[first[c]]}-07-01", int(rng.integers(1, 5)))
              for c in np.flatnonzero(first >= 0)]
    frames = {
        "households": pd.DataFrame(people, columns=["household_id", "village_code", "county_code", "household_type",
                                                    "members", "head_name_masked", "id_number_masked"]),
        "income": pd.DataFrame(rows, columns=["household_id", "year", "county_code", "village_code", "members",
                                              "wage_income", "crop_income"]).assign(
            livestock_income=0.0, property_income=0.0, transfer_income=0.0),
        "disasters": pd.DataFrame(events, columns=["event_id", "hazard", "county_code", "start_date", "severity"]),
        "thresholds": pd.DataFrame({"year": YEARS, "province_code": "000000", "monitoring_line": LINE}),
    }
    with duckdb.connect(str(path)) as con:
        ensure_schema(con)
        for table, frame in frames.items():
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame")
            con.unregister("frame")
    return path


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return build_panel(tmp_path_factory.mktemp("floods") / "planted.duckdb", effect=-0.10, seed=11)


def _pooled(path: Path, region: str = "000000") -> estimate.FloodEstimate:
    with duckdb.connect(str(path), read_only=True) as con:
        return estimate.flood_effect(con, region)


def test_the_interval_covers_a_planted_effect(planted):
    result = _pooled(planted)
    row = result.term("flood")
    assert result.ok and result.n_clusters == 40 and result.n_obs == 40 * len(YEARS)
    assert result.n_prefectures == 4 and result.inference.startswith("randomization")
    assert row["ci_low"] < np.log1p(-0.10) < row["coef"] + 0.03 and row["ci_high"] < 0 and row["p_value"] < 0.05
    assert row["ci_low"] < -0.10 < row["ci_high"]
    by_year = {r["event_time"]: r for r in result.effects_by_year()}
    assert set(by_year) <= {0, 1, 2} and by_year[0]["effect"] == row["effect"]


def test_the_interval_covers_zero_without_an_effect(tmp_path):
    row = _pooled(build_panel(tmp_path / "none.duckdb", effect=0.0, seed=12)).term("flood")
    assert row["ci_low"] < 0 < row["ci_high"]


@pytest.mark.parametrize("unbalanced", [False, True])
def test_the_panel_is_the_mean_log_per_capita_income_of_households(planted, tmp_path, unbalanced):
    path = tmp_path / "copy.duckdb"
    path.write_bytes(planted.read_bytes())
    with duckdb.connect(str(path)) as con:
        if unbalanced:  # households missing some years
            con.execute("DELETE FROM income WHERE hash(household_id || year) % 7 = 0")
        raw = con.execute("SELECT i.county_code, i.year, ln((wage_income + crop_income) / h.members) AS y"
                          " FROM income i JOIN households h USING (household_id)").df()
        got = panel.county_year_panel(con, "000000").set_index(["county_code", "year"]).sort_index()
    expected = raw.groupby(["county_code", "year"]).y.agg(["mean", "count"])
    assert np.allclose(got.mean_log, expected["mean"]) and (got.households == expected["count"]).all()


def test_the_placebo_before_the_flood_is_flat(planted):
    placebo = _pooled(planted).term("placebo_-1")
    assert abs(placebo["effect"]) < 0.03 and placebo["p_value"] > 0.05 and math.isnan(placebo["ci_low"])


def test_too_little_data_says_why(planted):
    assert _pooled(planted, "620101").status == estimate.FEW_CLUSTERS   # one county
    assert _pooled(planted, "650000").status == estimate.NO_DATA
    assert estimate.estimation_scopes("620101") == ("620101", "620000", "000000")
    with duckdb.connect(str(planted), read_only=True) as con, pytest.raises(ValueError, match="county or larger"):
        estimate.flood_effect(con, "620101101")


def test_the_estimator_finds_the_demo_floods_and_shows_terms_with_their_counts(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        pooled = estimate.flood_effect(con, "000000").term("flood")
        severity = estimate.effect_by_severity(con, "000000").effects
        mix = estimate.effect_by_income_mix(con, "000000")
    assert pooled["effect"] < 0 and pooled["ci_high"] < 0
    minimum = flood_params().min_term_flooded
    assert (severity.n_flooded >= minimum).all() and severity.term.str.startswith("severity_").all()
    assert mix.ok and set(mix.effects.term) <= {f"mix_{m}" for m in estimate.MIXES} and len(mix.effects) >= 2
    assert (mix.effects.n_flooded >= minimum).all()


def test_the_household_range_is_the_spread_by_income_mix_not_the_interval():
    assert whatif.household_range(-0.08, [-0.12, -0.06, -0.03], (-0.20, 0.01)) == pytest.approx((-0.13, -0.08, -0.04))
    assert whatif.household_range(-0.08, [-0.2], (-0.10, -0.06)) == (-0.10, -0.08, -0.06)


def test_what_if_counts_households_pushed_below_the_line(planted):
    with duckdb.connect(str(planted), read_only=True) as con:
        result = whatif.what_if(con, 2023, ("620101", "620102"), (-0.3, -0.2, -0.1))
        frame = con.execute("SELECT (wage_income + crop_income) / h.members AS pc FROM income"
                            " JOIN households h USING (household_id)"
                            " WHERE year = 2023 AND income.county_code IN ('620101', '620102')").df()
        with pytest.raises(ValueError, match="ordered"):
            whatif.what_if(con, 2023, ("620101",), (-0.1, -0.2, -0.3))
    above = frame.pc >= LINE
    assert result.total("newly_below_central") == int((above & (frame.pc * 0.8 < LINE)).sum())
    assert result.total("newly_below_worse") >= result.total("newly_below_central") >= result.total("newly_below_milder")
    assert result.by_village.households.sum() == len(frame) == result.total("households")


def test_green_channel_is_ordered_and_exports_safely(planted):
    with duckdb.connect(str(planted), read_only=True) as con:
        result = whatif.what_if(con, 2023, ("620101",), (-0.6, -0.5, -0.4))
    listed = whatif.green_channel(result)
    assert len(listed) > 0 and listed.priority.is_monotonic_increasing
    table = whatif.green_channel_table(listed, "zh")
    assert t("flood_reason_falls_below", "zh") in set(table[t("flood_col_reason", "zh")])
    data = tables.to_excel_bytes({t("flood_green_sheet", "zh"): table}, note="演示数据")
    back = pd.read_excel(io.BytesIO(data), engine="calamine", header=2, dtype=str)
    assert len(back) == len(table)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [book.read(name).decode() for name in book.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    heads = back[t("flood_col_head", "zh")]
    assert "'=HYPERLINK(1)" in set(heads) and not heads.str.startswith(("=", "+", "-", "@")).any()


def test_events_filter_by_hazard_severity_and_year(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        span = event_span(con, "000000")
        floods = disaster_events(con, "000000", ("flood",), (3, 4), (span.first_year, span.last_year))
    assert "flood" in span.hazards and not floods.empty
    assert set(floods.hazard) == {"flood"} and floods.severity.min() >= 3


def test_flood_effect_command_prints_json(demo_db, capsys):
    assert cli(["flood-effect", "--db", str(demo_db), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"effect", "ci_low", "ci_high", "n_obs", "method", "effects_by_year", "n_flooded_counties",
            "inference"} <= set(payload)
    assert payload["ci_low"] <= payload["effect"] <= payload["ci_high"] < 0
    first = payload["effects_by_year"][0]
    assert first["event_time"] == 0 and first["effect"] == payload["effect"]
    assert {"event_time", "effect", "ci_low", "ci_high"} <= set(first)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_disasters_page_runs_in_both_languages(demo_db, open_app, lang):
    at = open_app("pages/disasters.py", lang=lang, region="620000")
    assert [e.value for e in at.exception] == []
    with duckdb.connect(str(demo_db), read_only=True) as con:
        gansu = RegionTree(regions_with_data(con)).name("620000", lang)
    assert at.title[0].value == t("flood_title", lang, region=gansu)
    labels = {m.label for view in every_tab(at) for m in view.metric}  # events, impact, then what-if
    assert {t("flood_effect_metric", lang), t("flood_green_count", lang)} <= labels
    assert at.session_state["tabs-floods"] == t("flood_tab_whatif", lang)
    at.multiselect(key="flood_counties").set_value([]).run()   # nothing chosen: a hint, no error
    assert [e.value for e in at.exception] == []
    assert any(t("flood_pick_hint", lang) in i.value for i in at.info)


def test_an_open_tab_stays_open_when_the_language_changes(open_app):
    at = open_app("pages/disasters.py", lang="zh", region="620000")
    at.session_state["tabs-floods"] = t("flood_tab_impact", "zh")
    at.run()
    at.segmented_control(key="lang").set_value("en").run()
    assert [e.value for e in at.exception] == []
    assert at.session_state["tabs-floods"] == t("flood_tab_impact", "en")
    assert t("flood_effect_metric", "en") in {m.label for m in at.metric}  # the impact tab's content, drawn


def test_a_tab_is_in_the_link(open_app):
    at = open_app("pages/disasters.py", lang="en", region="620000", **{"tabs-floods": "flood_tab_whatif"})
    assert at.session_state["tabs-floods"] == t("flood_tab_whatif", "en")  # a link opens the tab it names
    assert "tabs-floods" in at.query_params
    at.session_state["tabs-floods"] = t("flood_tab_impact", "en")  # a click on another tab
    at.run()
    assert at.query_params["tabs-floods"] == "flood_tab_impact"
    at.session_state["tabs-floods"] = t("flood_tab_events", "en")  # the first tab: no parameter
    at.run()
    assert "tabs-floods" not in at.query_params
    at.query_params["tabs-floods"] = "flood_tab_impact"  # Back: the link names the tab before
    at.run()
    assert at.session_state["tabs-floods"] == t("flood_tab_impact", "en")
    assert [e.value for e in at.exception] == []


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "x" * 100_000, "110101199001011234", "dept_tab_cases",
                                   ""])
def test_a_tab_link_naming_no_tab_of_the_page_opens_the_first(open_app, value):
    at = open_app("pages/disasters.py", lang="zh", region="620000", **{"tabs-floods": value})
    assert [e.value for e in at.exception] == []
    assert at.session_state["tabs-floods"] == t("flood_tab_events", "zh")
    assert "tabs-floods" not in at.query_params  # the link is put right


def test_the_page_models_share_one_panel_and_large_mixes_are_refused(planted, monkeypatch):
    with duckdb.connect(str(planted), read_only=True) as con:
        models = estimate.flood_models(con, "000000")
        # Same panel, same model; DuckDB's parallel sums may differ in the last bits between runs.
        pd.testing.assert_frame_equal(models.main.effects, estimate.flood_effect(con, "000000").effects, rtol=1e-9)
        assert models.severity.model == "severity" and models.main.model == "main"
        small = replace(flood_params(), mix_max_household_years=10)
        monkeypatch.setattr(estimate, "flood_params", lambda: small)
        assert estimate.effect_by_income_mix(con, "000000").status == estimate.TOO_LARGE

"""Risk map: classification methods, link settings, and every metric against a plain pandas recomputation."""
from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import riskmap
from analysis.figures import maps as figures
from analysis.overview import MONITORED_TYPES

YEAR = 2023


def _brute_force_jenks(values: np.ndarray, classes: int) -> tuple[float, ...]:
    """Every split of sorted values into `classes` runs; the lower bounds of the best one."""
    x = np.sort(values)
    best, best_cost = None, np.inf
    for cuts in itertools.combinations(range(1, len(x)), classes - 1):
        parts = np.split(x, cuts)
        cost = sum(((p - p.mean()) ** 2).sum() for p in parts)
        if cost < best_cost - 1e-12:
            best, best_cost = tuple(float(p[0]) for p in parts[1:]), cost
    return best


@pytest.mark.parametrize("seed", range(5))
def test_jenks_matches_exhaustive_search(seed):
    values = np.random.default_rng(seed).gamma(2.0, 3.0, size=11).round(2)
    assert tuple(riskmap.jenks_breaks(values, 3)) == pytest.approx(_brute_force_jenks(values, 3))


def test_jenks_finds_planted_clusters():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(centre, 0.1, 40) for centre in (1, 5, 9)])
    breaks = riskmap.class_breaks(values, "jenks", 3)
    assert len(breaks) == 2
    assert riskmap.classify(values, breaks).tolist() == [0] * 40 + [1] * 40 + [2] * 40


def test_quantile_and_equal_interval_breaks():
    values = np.arange(1, 101, dtype=float)
    assert riskmap.class_breaks(values, "quantile", 4) == pytest.approx((25.75, 50.5, 75.25))
    assert riskmap.class_breaks(values, "equal", 4) == pytest.approx((25.75, 50.5, 75.25))
    skewed = np.array([0, 0, 0, 0, 1, 2, 100], dtype=float)
    assert riskmap.class_breaks(skewed, "equal", 4) == pytest.approx((25, 50, 75))
    assert riskmap.class_breaks([np.nan, np.nan], "quantile") == ()


def test_repeated_values_give_fewer_classes_not_empty_ones():
    values = np.array([0.0] * 50 + [0.1, 0.2, 0.3])
    breaks = riskmap.class_breaks(values, "quantile", 5)
    classes = riskmap.classify(values, breaks)
    assert set(classes) == set(range(len(breaks) + 1))


def test_manual_thresholds_and_classify():
    breaks = riskmap.class_breaks([], "manual", thresholds=(0.05, 0.02, 0.02))
    assert breaks == (0.02, 0.05)
    assert riskmap.classify([0.0, 0.02, 0.03, 0.05, 0.5, np.nan], breaks).tolist() == [0, 1, 1, 2, 2, -1]
    with pytest.raises(ValueError, match="unknown classification"):
        riskmap.class_breaks([1.0], "kmeans")


def test_parse_thresholds():
    assert riskmap.parse_thresholds("2, 5，10%") == (2.0, 5.0, 10.0)
    assert riskmap.parse_thresholds("2; x") is None
    assert riskmap.parse_thresholds("") is None


def test_settings_from_a_link_fall_back_per_value():
    settings, problems = riskmap.map_settings({"metric": "growth", "method": "jenks", "classes": "4"})
    assert (settings.metric, settings.method, settings.classes, problems) == ("growth", "jenks", 4, [])
    settings, problems = riskmap.map_settings({"metric": "'; DROP", "classes": "99", "method": "manual",
                                               "thresholds": "a,b"})
    assert settings == riskmap.MapSettings()
    assert [name for name, _ in problems] == ["metric", "classes", "thresholds"]
    manual, _ = riskmap.map_settings({"method": "manual", "thresholds": "2,5", "metric": "below_share"})
    assert manual.breaks(pd.DataFrame()) == pytest.approx((0.02, 0.05))  # typed in percent
    assert riskmap.map_settings(manual.query_params())[0] == manual


def test_class_labels_read_as_the_unit():
    assert figures.class_labels((0.02, 0.05), "below_share", "zh") == ["< 2.0%", "2.0% – 5.0%", "≥ 5.0%"]
    assert figures.class_labels((10.0,), "monitored_per_1000", "en") == ["< 10.0‰", "≥ 10.0‰"]


@pytest.fixture(scope="module")
def household_years(demo_db) -> pd.DataFrame:
    """Households joined to their income in YEAR and YEAR − 1, straight from the tables, in pandas."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        households = con.execute("SELECT * FROM households").df()
        income = con.execute("SELECT * EXCLUDE (members) FROM income WHERE year IN ($y, $y - 1)", {"y": YEAR}).df()
        lines = con.execute("SELECT * FROM thresholds").df()
        floods = con.execute("SELECT county_code, start_date FROM disasters WHERE hazard = 'flood'").df()
    frame = income.merge(households.drop(columns=["county_code", "village_code"]), on="household_id")
    sources = ["wage_income", "crop_income", "livestock_income", "other_operating_income", "property_income",
               "transfer_income"]
    frame["net_income"] = frame[sources].sum(axis=1)
    frame["province_code"] = frame.county_code.str[:2] + "0000"
    national = lines[lines.province_code == "000000"].set_index("year").monitoring_line
    provincial = lines.set_index(["year", "province_code"]).monitoring_line
    frame["line"] = [provincial.get((y, p), national[y]) for y, p in zip(frame.year, frame.province_code, strict=True)]
    flooded = set(floods.county_code[pd.to_datetime(floods.start_date).dt.year == YEAR])
    frame["flooded"] = frame.county_code.isin(flooded)
    return frame


def _expected(frame: pd.DataFrame, unit: pd.Series) -> pd.DataFrame:
    year_end = pd.Timestamp(YEAR, 12, 31)
    now = frame[frame.year == YEAR].assign(unit=unit[frame.year == YEAR])
    before = frame[frame.year == YEAR - 1].assign(unit=unit[frame.year == YEAR - 1])
    per_capita = now.net_income / now.members
    monitored = now.household_type.isin(MONITORED_TYPES) & (
        now.monitored_since.isna() | (pd.to_datetime(now.monitored_since) <= year_end))
    eliminated = monitored & (pd.to_datetime(now.risk_eliminated_on) <= year_end)
    now = now.assign(below=per_capita < now.line, edge=(per_capita >= now.line) & (per_capita < 1.1 * now.line),
                     monitored=monitored, eliminated=eliminated)
    g = now.groupby("unit")
    previous = before.groupby("unit").net_income.sum() / before.groupby("unit").members.sum()
    income = g.net_income.sum() / g.members.sum()
    return pd.DataFrame({
        "below_share": g.below.mean(), "edge_share": g.edge.mean(), "growth": income / previous - 1,
        "monitored_per_1000": g.monitored.mean() * 1000,
        "eliminated_share": g.eliminated.sum() / g.monitored.sum().where(g.monitored.sum() > 0),
        "livestock_share": g.livestock_income.sum() / g.net_income.sum(),
        "flood_share": g.flooded.mean(), "households": g.size(),
    })


@pytest.mark.parametrize(("region", "level", "unit"), [
    ("000000", "province", lambda f: f.county_code.str[:2] + "0000"),
    ("620000", "county", lambda f: f.county_code),
    ("640000", "village", lambda f: f.village_code),
])
def test_metrics_match_a_pandas_recomputation(demo_db, household_years, region, level, unit):
    frame = household_years
    if region != "000000":
        frame = frame[frame.county_code.str[:2] == region[:2]]
    expected = _expected(frame, unit(frame)).sort_index()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        got = riskmap.unit_metrics(con, region, YEAR, level).set_index("code").sort_index()
    assert got.index.tolist() == expected.index.tolist()
    assert got.households.tolist() == expected.households.tolist()
    for metric in riskmap.METRICS:
        pd.testing.assert_series_equal(got[metric], expected[metric], check_names=False, rtol=1e-9)
    assert expected.flood_share.between(0, 1).all() and (expected.below_share > 0).any()


def test_class_basis_is_every_county_and_ranks_run_high_to_low(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        basis = riskmap.class_basis(con, YEAR)
        counties = con.execute("SELECT count(DISTINCT county_code) FROM households").fetchone()[0]
    assert len(basis) == counties
    ranked = riskmap.ranked(basis, "below_share").sort_values("rank")
    assert ranked["value"].is_monotonic_decreasing and ranked["rank"].iloc[0] == 1


def test_national_map_has_an_inset_with_the_islands():
    outlines = riskmap.map_outlines("000000", "province")
    inset = riskmap.inset_outlines(outlines)
    assert "460000" in {f["id"] for f in inset["features"]}
    lons, lats = riskmap.island_points()
    assert len(lats) > 50 and min(lats) < 5  # 曾母暗沙 region
    line_lons, line_lats = riskmap.maritime_line()
    assert min(v for v in line_lats if v is not None) < 5 and None in line_lons


@pytest.mark.parametrize(("region", "level"), [("000000", "province"), ("620000", "city"), ("640000", "county")])
def test_units_summed_from_counties_equal_the_direct_query(demo_db, region, level):
    from analysis.selection import regions_with_data

    with duckdb.connect(str(demo_db), read_only=True) as con:
        direct = riskmap.unit_metrics(con, region, YEAR, level).set_index("code").sort_index()
        summed = riskmap.units_from_counties(riskmap.class_basis(con, YEAR), regions_with_data(con), region, level)
    summed = summed.set_index("code").sort_index()
    columns = ["name", *riskmap.SUMS, *riskmap.METRICS]
    pd.testing.assert_frame_equal(summed[columns], direct[columns], check_dtype=False, rtol=1e-9)


def test_map_figure_draws_offline_with_hover_and_inset(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        counties = riskmap.class_basis(con, YEAR)
    frame = riskmap.ranked(counties, "below_share")
    breaks = riskmap.class_breaks(counties["below_share"], "jenks", 4)
    outlines = riskmap.map_outlines("000000", "county")
    fig = figures.risk_map_figure(outlines, frame, "below_share", breaks, "en", title="t",
                                  inset=riskmap.inset_outlines(outlines), maritime=riskmap.maritime_line(),
                                  islands=riskmap.island_points())
    kinds = {trace.type for trace in fig.data}
    assert kinds == {"choropleth", "scattergeo"}  # SVG maps from our outlines, no tiles
    for subplot in ("geo", "geo2"):  # plotly.js fetches its CDN topojson when a subplot's first trace has a
        first = next(trace for trace in fig.data if (trace.geo or "geo") == subplot)  # locationmode
        assert first.type == "scattergeo" and first.locationmode is None
        assert fig.layout[subplot].visible is False
    classed = next(t for t in fig.data if t.type == "choropleth" and t.showscale)
    first = list(classed.locations).index(frame.sort_values("rank")["code"].iloc[0])
    name, code, value, rank, _ = classed.customdata[first]
    assert code == frame.sort_values("rank")["code"].iloc[0] and value.endswith("%")
    assert rank.startswith("Rank 1 of")
    assert list(classed.colorbar.ticktext) == figures.class_labels(breaks, "below_share", "en")
    drawn = {f["id"] for t in fig.data if t.type == "choropleth" and t.geo == "geo" for f in t.geojson["features"]}
    assert drawn == {f["id"] for f in outlines["features"]}  # every county once: with data, or grey


@pytest.mark.parametrize("province", ["62", "64"])
def test_county_units_in_one_query_equal_each_level_alone(demo_db, province):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        county = con.execute("SELECT county_code FROM households WHERE county_code LIKE $p GROUP BY 1 "
                             "ORDER BY count(*) DESC LIMIT 1", {"p": province + "%"}).fetchone()[0]
        both = riskmap.county_units(con, county, YEAR)
        for level in ("township", "village"):
            alone = riskmap.unit_metrics(con, county, YEAR, level)
            assert len(alone) > 0
            pd.testing.assert_frame_equal(both[level], alone, check_dtype=False, rtol=1e-9)


def _beta_binomial_shrunk(counts: np.ndarray, totals: np.ndarray, cap: float = 1e6) -> np.ndarray:
    """The pandas/numpy shrinkage the drill-down used before it moved into SQL (method-of-moments prior)."""
    keep = totals > 0
    c, t = counts[keep].astype(float), totals[keep].astype(float)
    pooled = c.sum() / t.sum()
    strength = cap
    if len(t) >= 2 and pooled not in (0.0, 1.0):
        between = np.average((c / t - pooled) ** 2, weights=t) - pooled * (1 - pooled) * len(t) / t.sum()
        strength = cap if between <= 0 else min(max(pooled * (1 - pooled) / between - 1, 0.0), cap)
    alpha, beta = pooled * strength, (1 - pooled) * strength
    return np.where(keep, (counts + alpha) / np.where(keep, totals + alpha + beta, 1), np.nan)


def test_county_drilldown_in_sql_equals_the_former_pandas_result(demo_db):
    """Metrics and shrunk shares of a county's villages and townships, now computed by the query, against the
    former pandas post-processing (`with_metric_columns` and a numpy beta-binomial prior) on the same sums."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        county = con.execute("SELECT county_code FROM households GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
                             ).fetchone()[0]
        both = riskmap.county_units(con, county, YEAR)
    assert len(both["village"]) > 1
    for level, frame in both.items():
        assert len(frame) and frame["code"].str.len().eq({"township": 9, "village": 12}[level]).all()
        former = riskmap.with_metric_columns(frame[["code", "name", "name_en", *riskmap.SUMS]])
        pd.testing.assert_frame_equal(frame[former.columns], former, check_dtype=False, rtol=1e-12)
        for metric in riskmap.SHRUNK:
            count, base = riskmap.COUNTS[metric]
            expected = _beta_binomial_shrunk(frame[count].to_numpy(), frame[base].to_numpy())
            np.testing.assert_allclose(frame[f"{metric}_shrunk"].to_numpy(float), expected, rtol=1e-12)


@pytest.mark.parametrize(("region", "level"), [("000000", "province"), ("620000", "city"), ("640000", "county")])
def test_ranked_from_county_sums_without_pandas_equals_the_pages_path(demo_db, region, level):
    """The command line's one query (units summed from the county sums, ranked; every county's value) gives
    what the pages compute from `class_basis` with `units_from_counties` and `ranked`, for every metric."""
    from analysis.selection import regions_with_data

    with duckdb.connect(str(demo_db), read_only=True) as con:
        basis, names = riskmap.class_basis(con, YEAR), regions_with_data(con)
        for metric in riskmap.METRICS:
            rows, values = riskmap.ranked_from_counties(con, region, YEAR, level, metric)
            np.testing.assert_allclose(values, basis[metric].to_numpy(float), rtol=1e-12)
            np.testing.assert_allclose(riskmap.county_values(con, YEAR, metric), values, rtol=1e-12)
            pages = riskmap.ranked(riskmap.units_from_counties(basis, names, region, level), metric)
            pages = pages.sort_values(["rank", "code"])[["code", "name", "households", "value", "rank"]]
            got = pd.DataFrame(rows)
            assert len(got) > 0 and got["code"].tolist() == pages["code"].tolist()
            pd.testing.assert_frame_equal(got, pages.reset_index(drop=True), check_dtype=False, rtol=1e-12)

"""The overview's numbers on the small demo world, against a plain pandas recomputation."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import overview
from analysis.regioncodes import NATIONAL
from analysis.selection import RegionTree, regions_with_data

SOURCES = ("wage_income", "operating_income", "property_income", "transfer_income")


@pytest.fixture(scope="module")
def cur(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def world(cur) -> dict[str, pd.DataFrame]:
    """The tables as plain frames, with net income and the applicable line per household-year."""
    households = cur.execute("SELECT * FROM households").df()
    income = cur.execute("SELECT * EXCLUDE (members) FROM income").df().merge(households[["household_id", "members"]])
    income["operating_income"] = income[["crop_income", "livestock_income", "other_operating_income"]].sum(axis=1)
    income["net_income"] = income[["wage_income", "operating_income", "property_income", "transfer_income"]].sum(axis=1)
    lines = cur.execute("SELECT * FROM thresholds").df()
    province = lines.rename(columns={"monitoring_line": "province_line"})
    national = lines[lines["province_code"] == NATIONAL][["year", "monitoring_line"]]
    income["province_code"] = income["county_code"].str[:2] + "0000"
    income = income.merge(province, how="left", on=["year", "province_code"]).merge(national, how="left", on="year")
    income["line"] = income["province_line"].fillna(income["monitoring_line"])
    income["per_capita"] = income["net_income"] / income["members"]
    return {"households": households, "income": income, "employment": cur.execute("SELECT * FROM employment").df()}


@pytest.fixture(scope="module")
def tree(cur) -> RegionTree:
    return RegionTree(regions_with_data(cur))


@pytest.fixture(scope="module")
def latest(world) -> int:
    return int(world["income"]["year"].max())


def _regions(tree: RegionTree) -> list[str]:
    """The country, the first province, its first city and that city's first county."""
    province = tree.children(NATIONAL)[0]
    city = tree.children(province)[0]
    return [NATIONAL, province, city, tree.children(city)[0]]


def _inside(codes: pd.Series, region: str) -> pd.Series:
    """Rows whose 6-digit county code lies in `region` (province 62xxxx, city 6201xx, county itself)."""
    if region == NATIONAL:
        return pd.Series(True, index=codes.index)
    width = 2 if region.endswith("0000") else 4 if region.endswith("00") else 6
    return codes.str[:width] == region[:width]


def test_the_small_world_has_what_the_overview_needs(world, tree, latest):
    assert len(tree.children(NATIONAL)) >= 1
    assert world["income"]["year"].nunique() >= 2
    assert (world["employment"]["month"].dt.year == latest).any()


@pytest.mark.parametrize("level", range(4))
def test_headline_matches_pandas(cur, world, tree, latest, level):
    region = _regions(tree)[level]
    income = world["income"][_inside(world["income"]["county_code"], region)]
    now, before = income[income["year"] == latest], income[income["year"] == latest - 1]
    head = overview.headline(cur, region, latest)

    assert head.summary.households == len(now)
    assert head.summary.people == now["members"].sum()
    per_capita = now["net_income"].sum() / now["members"].sum()
    assert head.summary.income_per_capita == pytest.approx(per_capita)
    assert head.growth == pytest.approx(per_capita / (before["net_income"].sum() / before["members"].sum()) - 1)
    below = (now["per_capita"] < now["line"]).sum()
    near = ((now["per_capita"] >= now["line"]) & (now["per_capita"] < 1.1 * now["line"])).sum()
    assert head.summary.below_line_households == below
    assert head.summary.near_line_households == near
    assert head.below_share == pytest.approx(below / len(now))


def test_growth_is_missing_without_a_previous_year(cur, world):
    first = int(world["income"]["year"].min())
    assert overview.headline(cur, NATIONAL, first).growth is None


@pytest.mark.parametrize("level", range(4))
def test_monitored_households_match_pandas(cur, world, tree, latest, level):
    region = _regions(tree)[level]
    households = world["households"][_inside(world["households"]["county_code"], region)]
    year_end = pd.Timestamp(date(latest, 12, 31))
    since = pd.to_datetime(households["monitored_since"])
    monitored = households[households["household_type"].isin(overview.MONITORED_TYPES)
                           & (since.isna() | (since <= year_end))]
    eliminated = pd.to_datetime(monitored["risk_eliminated_on"]) <= year_end
    expected = pd.DataFrame({"households": monitored.groupby("household_type").size(),
                             "eliminated": eliminated.groupby(monitored["household_type"]).sum()})
    expected = expected.reindex(list(overview.MONITORED_TYPES), fill_value=0)

    got = overview.monitored_households(cur, region, latest).set_index("household_type")
    assert list(got.index) == list(overview.MONITORED_TYPES)
    assert got["households"].tolist() == expected["households"].astype(int).tolist()
    assert got["eliminated"].tolist() == expected["eliminated"].astype(int).tolist()


@pytest.mark.parametrize("level", range(3))
def test_migrant_workers_in_the_latest_month_match_pandas(cur, world, tree, latest, level):
    region = _regions(tree)[level]
    employment = world["employment"][_inside(world["employment"]["county_code"], region)
                                     & (world["employment"]["month"].dt.year == latest)]
    last = employment[employment["month"] == employment["month"].max()]

    status = overview.employment_status(overview.employment_by_month(cur, region, latest))
    assert status.month == employment["month"].max().date()
    assert status.migrant_workers == last["migrant_workers"].sum()
    assert status.target == last["target"].sum()
    assert status.target_share == pytest.approx(last["migrant_workers"].sum() / last["target"].sum())


def test_no_employment_rows_means_no_status(cur):
    assert overview.employment_status(overview.employment_by_month(cur, NATIONAL, 1990)) is None


@pytest.mark.parametrize("level", [0, 3, "township", "village"])
def test_income_by_source_matches_pandas(cur, world, tree, latest, level):
    if isinstance(level, int):
        region = _regions(tree)[level]
        inside = _inside(world["income"]["county_code"], region)
    else:  # below a county the sums come from household rows, not county_year
        village = world["income"]["village_code"].iloc[0]
        region = village[:9] if level == "township" else village
        inside = world["income"]["village_code"].str.startswith(region)
    income = world["income"][inside & (world["income"]["year"] <= latest)]
    sums = income.groupby("year")[[*SOURCES, "net_income", "members"]].sum()

    got = overview.income_by_source(cur, region, latest).set_index("year")
    assert list(got.index) == sorted(income["year"].unique())
    for source in SOURCES:
        assert got[source].to_numpy() == pytest.approx((sums[source] / sums["members"]).to_numpy())
    assert got["income_per_capita"].to_numpy() == pytest.approx((sums["net_income"] / sums["members"]).to_numpy())
    assert got[list(SOURCES)].sum(axis=1).to_numpy() == pytest.approx(got["income_per_capita"].to_numpy())


def test_counties_at_risk_match_pandas(cur, world, latest):
    income = world["income"]
    now, before = income[income["year"] == latest], income[income["year"] == latest - 1]
    by_county = now.groupby("county_code").agg(
        households=("household_id", "size"),
        below=("per_capita", lambda s: (s < now.loc[s.index, "line"]).sum()),
        net=("net_income", "sum"), members=("members", "sum"))
    previous = before.groupby("county_code")[["net_income", "members"]].sum()
    by_county["below_share"] = by_county["below"] / by_county["households"]
    by_county["income_per_capita"] = by_county["net"] / by_county["members"]
    by_county["growth"] = by_county["income_per_capita"] / (previous["net_income"] / previous["members"]) - 1
    expected = by_county.reset_index().sort_values(["below_share", "county_code"], ascending=[False, True]).head(10)

    got = overview.counties_at_risk(cur, NATIONAL, latest)
    assert got["county_code"].tolist() == expected["county_code"].tolist()
    assert got["households"].tolist() == expected["households"].tolist()
    assert got["below_share"].to_numpy() == pytest.approx(expected["below_share"].to_numpy())
    assert got["income_per_capita"].to_numpy() == pytest.approx(expected["income_per_capita"].to_numpy())
    assert got["growth"].to_numpy() == pytest.approx(expected["growth"].to_numpy())
    assert got["name"].str.len().min() > 0


def test_counties_at_risk_of_one_county_is_that_county(cur, tree, latest):
    county = _regions(tree)[3]
    got = overview.counties_at_risk(cur, county, latest)
    assert got["county_code"].tolist() == [county]

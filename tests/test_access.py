"""Access control at the data layer: roles as data, scope narrowing on every query pages run, suppression, audit chain."""
from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from analysis import drilldown, employment, overview, prices, riskmap, riskmodel, screening, selection, simulate, trends
from analysis.access import guard
from analysis.access.audit import AuditLog
from analysis.access.policy import load_policy, parse_policy
from analysis.access.scope import NoAccess, NotPermitted, OutOfScope, Scope, region_from_claim, scope_from_claims
from analysis.briefing import build_briefing
from analysis.config import DATA_DIR
from analysis.floods import events, whatif
from analysis.floods.estimate import flood_models
from analysis.regioncodes import NATIONAL

COUNTY, NEIGHBOUR, OTHER_PROVINCE = "621122", "621126", "640000"
VILLAGE, HOUSEHOLD = "621122101201", "6211221012010001"
YEAR = 2024
POLICY = load_policy()
SCENARIO = (DATA_DIR / "scenarios" / "cattle_minus20_6m.toml").read_text(encoding="utf-8")


def scope(role: str, region: str) -> Scope:
    return Scope(role, region, POLICY.permissions(role), "tester")


CLERK, LEADER = scope("county_staff", COUNTY), scope("leader", "620000")


def entry_points(region: str) -> list[tuple]:
    """Every analysis function the pages call through the shell, with arguments naming `region`."""
    rules = screening.load_rules()
    return [
        (overview.headline, (region, YEAR)), (overview.monitored_households, (region, YEAR)),
        (overview.employment_by_month, (region, YEAR)), (overview.income_by_source, (region, YEAR)),
        (overview.counties_at_risk, (region, YEAR)), (riskmap.unit_metrics, (region, YEAR, "county")),
        (drilldown.income_trend, (region, YEAR)), (drilldown.households_by_type, (region, YEAR)),
        (drilldown.units_exist, ((region,),)), (trends.income_view, (region, YEAR)),
        (trends.income_bands, (region, YEAR)), (employment.county_months, (region, YEAR)),
        (employment.workers_by_county, (region, YEAR)), (screening.screening_counts, (region, YEAR, rules)),
        (riskmodel.evaluate, (region, YEAR - 1)), (prices.available_commodities, (region,)),
        (prices.meeting_alerts, (region,)), (events.event_span, (region,)),
        (events.disaster_events, (region, ("flood",), (1, 4), (2019, YEAR))), (whatif.region_counties, (region, YEAR)),
        (flood_models, (region,)), (simulate.simulate_toml, (region, YEAR, SCENARIO)),
        (build_briefing, (region, YEAR, "zh")),
    ]


def codes_in_rows(value, found=None) -> list[tuple[str, str]]:
    """(column, code) of every region or household code in the frames inside a result (independent of guard)."""
    found = [] if found is None else found
    if isinstance(value, pd.DataFrame):
        for column in ("code", "county_code", "village_code", "household_id"):
            if column in value.columns:
                found += [(column, str(c)) for c in value[column].dropna()]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            codes_in_rows(getattr(value, field.name), found)
    elif isinstance(value, list | tuple):
        for item in value:
            codes_in_rows(item, found)
    return found


def test_claims_give_a_scope_and_anything_missing_is_denied():
    assert region_from_claim("62") == "620000" and region_from_claim("6211") == "621100"
    assert region_from_claim(621122) == "621122"
    made = scope_from_claims({"role": "leader", "region_code": "62"}, POLICY, "li")
    assert (made.role, made.region_code, made.allows("households"), made.allows("aggregates")) == \
        ("leader", "620000", False, True)
    for claims in ({}, {"role": "leader"}, {"region_code": "62"}, {"role": "root", "region_code": "62"},
                   {"role": "leader", "region_code": "62x"}, {"role": "leader", "region_code": "0012"}):
        with pytest.raises(NoAccess):
            scope_from_claims(claims, POLICY)
    with pytest.raises(ValueError, match="unknown permissions"):
        parse_policy({"roles": {"data_admin": {"permissions": ["everything"]}}})


def test_narrow_only_within_the_scope():
    assert CLERK.narrow(None) == COUNTY and CLERK.narrow(VILLAGE) == VILLAGE
    for tampered in (NEIGHBOUR, OTHER_PROVINCE, NATIONAL, "620000", "62112", "abc", "6211221"):
        with pytest.raises(OutOfScope):
            CLERK.narrow(tampered)
    assert scope("leader", NATIONAL).narrow("640000") == "640000"


@pytest.mark.parametrize("index", range(len(entry_points(COUNTY))))
def test_every_entry_point_refuses_other_areas_and_returns_only_its_own(demo_con, index):
    query, args = entry_points(COUNTY)[index]
    for other in (NEIGHBOUR, OTHER_PROVINCE, NATIONAL):
        with pytest.raises(OutOfScope):
            guard.run_scoped(demo_con, query, entry_points(other)[index][1], CLERK, 5)
    result = guard.run_scoped(demo_con, query, args, CLERK, 5)
    wider = {NATIONAL, "620000", "621100"}
    outside = [(c, v) for c, v in codes_in_rows(result)
               if not (v.startswith(COUNTY) or (c == "code" and v in wider))]
    assert outside == []


def test_queries_without_a_region_come_back_cut_to_the_scope(demo_con):
    basis = guard.run_scoped(demo_con, riskmap.class_basis, (YEAR,), CLERK, 5)
    assert list(basis["code"]) == [COUNTY]
    regions = guard.run_scoped(demo_con, selection.regions_with_data, (), CLERK, 5)
    assert set(regions["code"]) == {"620000", "621100", COUNTY}
    counties = tuple(guard.run_scoped(demo_con, whatif.region_counties, (COUNTY, YEAR), CLERK, 5)["county_code"])
    with pytest.raises(OutOfScope):
        guard.run_scoped(demo_con, whatif.what_if, (YEAR, (COUNTY, NEIGHBOUR), (-0.2, -0.1, 0.0)), CLERK, 5)
    result = guard.run_scoped(demo_con, whatif.what_if, (YEAR, counties, (-0.2, -0.1, 0.0)), CLERK, 5)
    assert {c for _, c in codes_in_rows(result)} and all(c.startswith(COUNTY) for _, c in codes_in_rows(result))


def test_household_queries_need_the_household_permission(demo_con):
    card = guard.run_scoped(demo_con, drilldown.household_card, (HOUSEHOLD,), CLERK, 5)
    assert card.profile["household_id"] == HOUSEHOLD
    listed = guard.run_scoped(demo_con, drilldown.village_households, (VILLAGE, YEAR), CLERK, 5)
    assert len(listed) > 0 and listed["household_id"].str.startswith(VILLAGE).all()
    for query, args in ((drilldown.household_card, (HOUSEHOLD,)), (drilldown.village_households, (VILLAGE, YEAR)),
                        (screening.flagged_households, ("620000", YEAR, screening.load_rules()))):
        with pytest.raises(NotPermitted):
            guard.run_scoped(demo_con, query, args, LEADER, 5)
    with pytest.raises(OutOfScope):  # another county's household, even for a clerk
        guard.run_scoped(demo_con, drilldown.household_card, ("6211261012010001",), CLERK, 5)
    # household rows inside an aggregate result are dropped for aggregate-only roles
    counties = tuple(guard.run_scoped(demo_con, whatif.region_counties, ("620000", YEAR), LEADER, 5)["county_code"])
    result = guard.run_scoped(demo_con, whatif.what_if, (YEAR, counties[:3], (-0.2, -0.1, 0.0)), LEADER, 5)
    assert result.listed.empty and not result.by_county.empty


def test_aggregate_only_roles_see_no_cell_under_the_minimum(demo_con):
    raw = riskmap.unit_metrics(demo_con, "620000", YEAR, "village")
    small = raw["households"] < 5
    assert small.any() and (~small).any()  # the demo world has both, or this test proves nothing
    shown = guard.run_scoped(demo_con, riskmap.unit_metrics, ("620000", YEAR, "village"), LEADER, 5)
    assert shown["suppressed"].tolist() == small.tolist()
    for column in ("below", "people", "net_income", "below_share", "income_per_capita", "monitored"):
        assert shown.loc[small.to_numpy(), column].isna().all()
        pd.testing.assert_series_equal(shown.loc[~small.to_numpy(), column].astype(float),
                                       raw.loc[~small, column].astype(float), check_names=False)
    assert (shown["households"] == raw["households"]).all()
    staff = guard.run_scoped(demo_con, riskmap.unit_metrics, (COUNTY, YEAR, "village"), CLERK, 5)
    assert "suppressed" not in staff.columns


def test_no_role_without_aggregates_reads_data(demo_con):
    auditor = scope("auditor", NATIONAL)
    with pytest.raises(NotPermitted):
        guard.run_scoped(demo_con, overview.headline, (NATIONAL, YEAR), auditor, 5)


def _log(tmp_path, n: int = 5) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        log.append(user=f"u{i}", role="county_staff", scope=COUNTY, action="view_page", target="home",
                   filters={"year": YEAR}, now=start + timedelta(days=60 * i))
    return log


def test_the_audit_chain_verifies_and_an_edited_entry_breaks_it(tmp_path):
    log = _log(tmp_path)
    check = log.verify()
    assert check.ok and check.entries == 5
    lines = log.path.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[2])
    edited["target"] = "somewhere-else"
    log.path.write_text("\n".join([*lines[:2], json.dumps(edited), *lines[3:]]) + "\n", encoding="utf-8")
    bad = log.verify()
    assert (bad.ok, bad.line, bad.entries) == (False, 3, 2) and "edited" in bad.problem


def test_a_deleted_entry_breaks_the_chain(tmp_path):
    log = _log(tmp_path)
    lines = log.path.read_text(encoding="utf-8").splitlines()
    log.path.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")
    assert (log.verify().ok, log.verify().line) == (False, 2)


def test_old_entries_are_archived_not_dropped_and_the_chain_runs_on(tmp_path):
    log = _log(tmp_path)
    moved = log.archive(180, now=datetime(2026, 9, 1, tzinfo=UTC))  # 1 Jan and 2 Mar are before 5 Mar
    assert moved == 2 and len(log.entries()) == 3 and len(log.entries(include_archive=True)) == 5
    log.append(user="x", role="auditor", scope=NATIONAL, action="export", target="audit-log.csv", rows=5)
    assert log.verify().ok and log.verify().entries == 6
    assert log.entries(action="export")[0]["rows"] == 5
    assert [e["user"] for e in log.entries(since=datetime(2026, 8, 1, tzinfo=UTC))] == ["u4", "x"]


def test_appends_from_many_threads_keep_one_chain(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")

    def write(i: int) -> None:
        for j in range(20):
            log.append(user=f"t{i}", role="leader", scope="620000", action="view_page", target=str(j))
    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = log.verify()
    assert check.ok and check.entries == 80
    assert [e["seq"] for e in log.entries()] == list(range(1, 81))


def test_the_audit_log_command_lists_filters_and_verifies(tmp_path, capsys):
    from analysis.commands import main

    log = _log(tmp_path)
    db = str(tmp_path / "x.duckdb")
    assert main(["audit-log", "--db", db, "--log", str(log.path), "--since", "2026-05-01", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["count"] == 3 and {e["user"] for e in listed["entries"]} == {"u2", "u3", "u4"}
    assert main(["audit-log", "verify", "--db", db, "--log", str(log.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 6  # the listing is itself recorded
    lines = log.path.read_text(encoding="utf-8").splitlines()
    log.path.write_text("\n".join([*lines[:4], lines[4].replace('"u4"', '"someone"')]) + "\n", encoding="utf-8")
    assert main(["audit-log", "verify", "--db", db, "--log", str(log.path)]) == 1
    assert "BROKEN at line 5" in capsys.readouterr().out


def test_a_command_line_import_is_audited_as_the_data_administrator(tmp_path, monkeypatch, capsys):
    from analysis.commands import main

    monkeypatch.setenv("INCOMEWATCH_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    thresholds = tmp_path / "thresholds.csv"
    thresholds.write_text("year,province_code,monitoring_line\n2024,620000,7600\n", encoding="utf-8")
    main(["ingest", str(thresholds), "--db", str(tmp_path / "new.duckdb"), "--json"])
    capsys.readouterr()
    entry = AuditLog(tmp_path / "audit.jsonl").entries(action="import")[-1]
    assert (entry["role"], entry["scope"], entry["target"]) == ("data_admin", NATIONAL, "thresholds.csv")
    assert entry["user"].startswith("cli:")


def test_pages_reach_the_database_only_through_the_shell():
    """The single enforcement point holds only if no page opens the database or runs an unscoped query."""
    import ast

    from analysis.config import PROJECT_ROOT

    shell_files = {"_common.py", "_access.py", "_bench.py", "_first_link.py", "_errors.py"}
    offenders = {}
    for page in (PROJECT_ROOT / "pages").glob("*.py"):
        if page.name in shell_files:
            continue
        tree = ast.parse(page.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom | ast.Import)
                 for alias in node.names}
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        bad = (names & {"run_query", "database", "_cached", "_cached_scoped", "duckdb", "connect_read_only"}) | (
            modules & {"duckdb", "analysis.store.connection"})
        if bad:
            offenders[page.name] = bad
    assert offenders == {}


TOWNSHIP, SIBLING_TOWNSHIP, SIBLING_VILLAGE = "621122101", "621122201", "621122101202"
TOWN_CLERK, TOWN_LEADER = scope("township_staff", TOWNSHIP), scope("leader", TOWNSHIP)
# Tables kept per county only: the pages say so below a county and never call these there.
COUNTY_ONLY = {employment.county_months, employment.workers_by_county, events.event_span, events.disaster_events,
               whatif.region_counties, flood_models}


@pytest.fixture(scope="module")
def township_con(township_db):
    """A world whose county 621122 has two townships (tests/conftest.py)."""
    import duckdb
    with duckdb.connect(str(township_db), read_only=True) as con:
        yield con


@pytest.mark.parametrize("area", [TOWNSHIP, VILLAGE])
def test_a_township_or_village_sees_only_its_own_rows_never_its_county_figures(township_con, area):
    clerk = scope("township_staff", area)
    for (query, args), (_, county_args) in zip(entry_points(area), entry_points(COUNTY), strict=True):
        with pytest.raises(OutOfScope):  # the parent county is wider than the area
            guard.run_scoped(township_con, query, county_args, clerk, 5)
        if query in COUNTY_ONLY:
            continue
        try:
            result = guard.run_scoped(township_con, query, args, clerk, 5)
        except riskmodel.NotEnoughData:  # a village of a few dozen households: the page says so
            continue
        outside = [(c, v) for c, v in codes_in_rows(result)
                   if not (v.startswith(area) or (c == "county_code" and v == COUNTY))]
        assert outside == [], query.__qualname__


def test_below_a_county_county_rows_are_dropped_and_household_rows_kept(township_con):
    frames = {
        "county": pd.DataFrame({"county_code": [COUNTY], "households": [98]}),
        "households": pd.DataFrame({"household_id": [HOUSEHOLD, "6211221022010001"], "county_code": [COUNTY] * 2,
                                    "village_code": [VILLAGE, "621122102201"]}),
        "townships": pd.DataFrame({"township_code": [TOWNSHIP, SIBLING_TOWNSHIP], "county_code": [COUNTY] * 2}),
        "named": pd.DataFrame({"code": ["620000", COUNTY, TOWNSHIP, SIBLING_TOWNSHIP], "name": list("abcd")}),
        "measured": pd.DataFrame({"code": ["620000", COUNTY, TOWNSHIP], "households": [3000, 98, 60]}),
    }
    kept = {name: guard.in_scope_rows(frame, TOWN_CLERK) for name, frame in frames.items()}
    assert kept["county"].empty  # a county's sum includes other townships
    assert list(kept["households"]["household_id"]) == [HOUSEHOLD]
    assert list(kept["townships"]["township_code"]) == [TOWNSHIP]
    assert list(kept["named"]["code"]) == ["620000", COUNTY, TOWNSHIP]  # wider areas may be named ...
    assert list(kept["measured"]["code"]) == [TOWNSHIP]  # ... never measured
    assert list(guard.in_scope_rows(frames["measured"], CLERK)["code"]) == ["620000", COUNTY, TOWNSHIP]  # as before
    basis = guard.run_scoped(township_con, riskmap.class_basis, (YEAR,), TOWN_CLERK, 5)
    assert basis.empty


def test_tampered_arguments_below_a_county_are_refused(township_con):
    village_clerk = scope("township_staff", VILLAGE)
    for clerk, tampered in ((TOWN_CLERK, SIBLING_TOWNSHIP), (TOWN_CLERK, COUNTY), (TOWN_CLERK, OTHER_PROVINCE),
                            (TOWN_CLERK, "6211221"), (TOWN_CLERK, "6211221022010001"), (village_clerk, SIBLING_VILLAGE),
                            (village_clerk, TOWNSHIP)):
        with pytest.raises(OutOfScope):
            guard.run_scoped(township_con, overview.headline, (tampered, YEAR), clerk, 5)
        with pytest.raises(OutOfScope):
            clerk.narrow(tampered)
    assert TOWN_CLERK.narrow(VILLAGE) == VILLAGE


def test_a_leader_of_a_township_gets_no_household_and_small_villages_blanked(township_con):
    raw = riskmap.unit_metrics(township_con, TOWNSHIP, YEAR, "village")
    min_cell = int(raw["households"].max())  # the demo's villages are not small: a minimum that blanks some
    shown = guard.run_scoped(township_con, riskmap.unit_metrics, (TOWNSHIP, YEAR, "village"), TOWN_LEADER, min_cell)
    assert list(shown["code"]) == list(raw["code"]) and shown["code"].str.startswith(TOWNSHIP).all()
    small = (raw["households"] < min_cell).to_numpy()
    assert small.any() and (~small).any()
    assert shown.loc[small, "below_share"].isna().all() and shown["suppressed"].tolist() == small.tolist()
    with pytest.raises(NotPermitted):
        guard.run_scoped(township_con, drilldown.village_households, (VILLAGE, YEAR), TOWN_LEADER, 5)
    villages = guard.run_scoped(township_con, overview.counties_at_risk, (TOWNSHIP, YEAR), TOWN_LEADER, 5)
    assert len(villages) and villages["village_code"].str.startswith(TOWNSHIP).all()


def test_a_township_briefing_names_nothing_of_the_rest_of_its_county(township_con):
    """Briefing text is not a frame the guard can cut: its sections must not reach past the township."""
    others = [name for (name,) in township_con.execute(
        "SELECT name FROM regions WHERE (level IN ('township', 'village') AND starts_with(code, $county) "
        "AND NOT starts_with(code, $township)) OR (level = 'county' AND code <> $county AND starts_with(code, '62'))",
        {"county": COUNTY, "township": TOWNSHIP}).fetchall()]
    assert others  # the sibling township and its villages exist, or this test proves nothing
    briefing = guard.run_scoped(township_con, build_briefing, (TOWNSHIP, YEAR, "zh"), TOWN_CLERK, 5)
    assert briefing.sections
    text = " ".join([*(p for s in briefing.sections for p in s.paragraphs),
                     *(t.text.to_csv() for s in briefing.sections for t in s.tables),
                     *(str(c.figure.to_dict()) for s in briefing.sections for c in s.charts)])
    assert [name for name in others if name in text] == []
    county_households = township_con.execute("SELECT households FROM county_year WHERE county_code = $c AND year = $y",
                                             {"c": COUNTY, "y": YEAR}).fetchone()[0]
    from analysis.formatting import count
    assert next(k.value for k in briefing.key_figures if k.label == "农户数") != count(county_households, "zh")

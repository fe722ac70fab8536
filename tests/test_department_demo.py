"""The demo world's department extracts and case histories: planted findings, recounted in plain pandas; the CLI."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import cases, closing
from analysis import department_warnings as dw
from tests.helpers_tabs import every_tab
from tests.test_cli import cli

YEAR = 2024


@pytest.fixture(scope="module")
def follow(demo_con):
    return cases.follow_through(demo_con, "000000", cases.load_deadlines())


def test_demo_has_every_extract(demo_con):
    for table in ("persons", "medical_claims", "education_records", "assistance", "household_losses",
                  "house_safety", "disabilities", "job_status", "cases", "support_measures"):
        assert demo_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    warnings = dw.department_warnings(demo_con, "000000", YEAR, dw.load_warning_rules())
    assert set(warnings["department"]) == set(dw.KIND_TABLE)


def test_overdue_matches_a_plain_recount(demo_con, follow):
    raw = demo_con.execute("SELECT * FROM cases").df()
    measures = demo_con.execute("SELECT household_id, started_on FROM support_measures").df()
    as_of = max(pd.to_datetime(raw[c]).max() for c in ("warning_date", "verified_on", "village_reviewed_on",
                                                        "township_reviewed_on", "county_decided_on", "closed_on"))
    as_of = max(as_of, pd.to_datetime(measures["started_on"]).max())
    overdue = set()
    for row in raw.itertuples():
        warned = pd.Timestamp(row.warning_date)
        later = pd.to_datetime(measures.loc[measures.household_id == row.household_id, "started_on"])
        later = later[later >= warned]
        support = later.min() if len(later) else None
        if support is not None:
            late_support = (support - warned).days > 15
        else:
            late_support = row.decision != "not_enrolled" and (as_of - warned).days > 15
        decided = pd.Timestamp(row.county_decided_on) if pd.notna(row.county_decided_on) else as_of
        working = np.busday_count((warned + pd.Timedelta(days=1)).date(), (decided + pd.Timedelta(days=1)).date())
        if late_support or working > 20:
            overdue.add((row.household_id, warned))
    found = set(zip(follow.loc[follow.overdue, "household_id"], follow.loc[follow.overdue, "warning_date"],
                    strict=True))
    assert found == overdue
    assert 0.05 < len(overdue) / len(raw) < 0.4  # planted: about 7% decided late, 8% supported late


def test_premature_closures_match_a_plain_recount(demo_con):
    check = closing.closing_check(demo_con, "000000", YEAR, dw.load_warning_rules(), cases.load_deadlines())
    closed = demo_con.execute("SELECT household_id, id_number_hash FROM households "
                              "WHERE year(risk_eliminated_on) = 2024 AND household_type IN "
                              "('脱贫不稳定户', '边缘易致贫户', '突发严重困难户')").df()
    income = demo_con.execute("SELECT household_id, year, per_capita_net_income, county_code FROM income_net "
                              "WHERE year IN (2023, 2024)").df()
    lines = demo_con.execute("SELECT year, province_code, monitoring_line FROM province_lines").df()
    income = income.assign(province_code=income.county_code.str[:2] + "0000").merge(lines, on=["year", "province_code"])
    above = income[income.per_capita_net_income >= income.monitoring_line].groupby("household_id").size()
    income_fails = {h for h in closed.household_id if above.get(h, 0) < 2}
    houses = demo_con.execute("SELECT person_hash, appraised_on, grade FROM house_safety "
                              "WHERE appraised_on <= DATE '2024-12-31'").df()
    latest = houses.sort_values("appraised_on").groupby("person_hash").last()
    unsafe = set(latest.index[latest.grade.isin(["C", "D"])])
    housing_fails = set(closed.loc[closed.id_number_hash.isin(unsafe), "household_id"])
    listed = set(closing.closed_failing(check)["household_id"])
    assert set(check.loc[check.closed_in_year & ~check.income, "household_id"]) == income_fails
    assert set(check.loc[check.closed_in_year & ~check.housing, "household_id"]) == housing_fails
    assert housing_fails and income_fails | housing_fails <= listed  # planted: unsafe houses shortly before closing
    closed_checked = check[check.closed_in_year]
    assert listed == set(closed_checked.loc[~closed_checked[list(closing.CRITERIA)].all(axis=1), "household_id"])


def test_cli_warnings_and_cases(demo_db):
    warnings = cli("warnings", "--year", str(YEAR), "--json", db=demo_db)
    assert warnings.returncode == 0, warnings.stderr
    payload = json.loads(warnings.stdout)
    assert payload["warned_households"] > 0 and payload["not_enrolled"] > 0
    assert sum(payload["by_department"].values()) >= payload["warned_households"]
    result = cli("cases", "--region", "620000", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    totals = json.loads(result.stdout)
    assert {"open", "overdue", "median_days_to_support", "closed_failing_criteria"} <= set(totals)
    assert totals["overdue"] > 0 and totals["closed_failing_criteria"] > 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_warnings_cases_and_closures(open_app, lang):
    at = open_app("pages/warnings.py", lang=lang, region="620000", year=str(YEAR))
    assert not at.exception and not at.error, (at.exception, at.error)
    assert [m.value for m in at.metric][0] != "0"
    tables = 0
    for view in every_tab(at):  # warnings, follow-through, then closing with its three lists
        assert not view.exception and not view.error, (view.exception, view.error)
        tables += len(view.dataframe)
    assert len(at.tabs) >= 6 and tables >= 12


def test_more_warned_households_than_a_list_holds_asks_for_a_smaller_region(open_app, monkeypatch):
    from analysis import screening
    from analysis.i18n import t

    monkeypatch.setattr(screening, "LIST_LIMIT", 10)
    monkeypatch.setattr(screening, "flagged_households", None)  # the long list must not be computed at all
    at = open_app("pages/warnings.py", lang="en", region="620000", year=str(YEAR))
    assert not at.exception and not at.error, (at.exception, at.error)
    assert any("households are warned in" in info.value and "more than a list holds (10)" in info.value
               for info in at.info)
    assert t("dept_list_warned", "en") not in [header.value for header in at.subheader]
    assert [tab.label for tab in at.tabs] == [t(key, "en") for key in ("dept_tab_warnings", "dept_tab_cases",
                                                                      "dept_tab_closing")]
    assert all(not view.exception and view.dataframe for view in every_tab(at))  # the counts, cases and closures stay


def test_a_long_township_table_shows_the_most_warned_first_and_downloads_all(open_app, monkeypatch):
    from analysis.i18n import t

    monkeypatch.setattr(dw, "SHOWN_ROWS", 10)
    at = open_app("pages/warnings.py", lang="en", region="620000", year=str(YEAR))
    assert not at.exception and not at.error, (at.exception, at.error)
    note = t("dept_more_rows_largest", "en", shown=10, total="", column=t("dept_households", "en")).split(" rows")[0]
    assert any(caption.value.startswith(note) for caption in at.caption)
    shown = next(frame.value for frame in at.dataframe if t("dept_col_township", "en") in frame.value.columns)
    households = shown[t("dept_households", "en")].tolist()
    assert len(households) == 10 and households == sorted(households, reverse=True)


def test_briefing_paragraph_holds_the_commands_counts(demo_con):
    from analysis import formatting
    from analysis.briefing.model import Context
    from analysis.briefing.sections.departments import departments_section

    section = departments_section(Context(demo_con, "620000", "甘肃省", YEAR, "zh"))
    counts = dw.warning_counts(demo_con, "620000", YEAR, dw.load_warning_rules())
    followed = cases.case_summary(demo_con, "620000", cases.load_deadlines())
    for number in (counts.totals.warned_households, counts.totals.not_enrolled, followed.totals.overdue):
        assert formatting.count(number, "zh") in section.paragraphs[0]


def test_a_provinces_closing_check_is_the_national_one_cut_to_it(demo_con):
    """The check looks people up among the region's monitored households only; a province must get exactly the
    national rows of its households."""
    rules, deadlines = dw.load_warning_rules(), cases.load_deadlines()
    national = closing.closing_check(demo_con, "000000", YEAR, rules, deadlines)
    for province in sorted({code[:2] + "0000" for code in national["county_code"]}):
        region = closing.closing_check(demo_con, province, YEAR, rules, deadlines)
        cut = national[national["county_code"].str.startswith(province[:2])].reset_index(drop=True)
        assert len(region) and region.equals(cut), province

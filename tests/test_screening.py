"""Screening rules: each rule on a household built to trip it and one built not to; the lists; the rules
file's checks; the command line against a plain pandas recomputation; the page in both languages."""
from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd
import pytest

from analysis import screening, tables
from analysis.commands import main as cli
from analysis.config import PROJECT_ROOT
from analysis.i18n import t
from analysis.regioncodes import NATIONAL
from analysis.store.connection import ensure_schema

APP = str(PROJECT_ROOT / "app.py")
RULES = screening.load_rules()
YEAR, LINE = 2024, 10_000.0
COUNTY = "620102"


def household(name: str, *, now: float = 20_000, before: float = 20_000, members: int = 2, medical: float = 500,
              education: float = 0, kind: str = "一般农户", relocated: bool = False, since: date | None = None,
              eliminated: date | None = None) -> dict:
    """One household with its per-capita income last year (`before`) and this year (`now`)."""
    return {"name": name, "now": now, "before": before, "members": members, "medical": medical,
            "education": education, "kind": kind, "relocated": relocated, "since": since, "eliminated": eliminated}


def world(households: list[dict], disasters: tuple[int, ...] = ()) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the app's schema: one county, line 10,000 in YEAR, the given households
    (all income as wage) and disasters of the given severities in the county in YEAR."""
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    con.execute("INSERT INTO thresholds VALUES ($y - 1, '000000', 9000), ($y, '000000', $line)",
                {"y": YEAR, "line": LINE})
    for position, h in enumerate(households):
        hid = f"{COUNTY}1012010{position:03d}"
        con.execute(
            "INSERT INTO households (household_id, village_code, county_code, household_type, members, labor_count,"
            " relocated, monitored_since, risk_eliminated_on, head_name_masked)"
            " VALUES ($id, $village, $county, $kind, $members, 1, $relocated, $since, $eliminated, $name)",
            {"id": hid, "village": hid[:12], "county": COUNTY, "kind": h["kind"], "members": h["members"],
             "relocated": h["relocated"], "since": h["since"], "eliminated": h["eliminated"], "name": h["name"]})
        for year, per_capita in ((YEAR - 1, h["before"]), (YEAR, h["now"])):
            con.execute(
                "INSERT INTO income (household_id, year, county_code, village_code, members, wage_income, crop_income,"
                " livestock_income, property_income, transfer_income, medical_expense, education_expense)"
                " VALUES ($id, $year, $county, $village, $members, $wage, 0, 0, 0, 0, $medical, $education)",
                {"id": hid, "year": year, "county": COUNTY, "village": hid[:12], "members": h["members"],
                 "wage": per_capita * h["members"],
                 "medical": h["medical"], "education": h["education"]})
    for number, severity in enumerate(disasters):
        con.execute("INSERT INTO disasters (event_id, hazard, county_code, start_date, severity)"
                    " VALUES ($id, 'flood', $county, $start, $severity)",
                    {"id": f"E{number}", "county": COUNTY, "start": date(YEAR, 7, 1), "severity": severity})
    return con


def reasons_of(households: list[dict], disasters: tuple[int, ...] = ()) -> dict[str, set[str]]:
    """Rule ids flagging each household, by the household's name (absent = flagged by nothing)."""
    with world(households, disasters) as con:
        flagged = screening.flagged_households(con, NATIONAL, YEAR, RULES)
    return {name: set(text.split(";")) for name, text in zip(flagged["head_name_masked"], flagged["reasons"],
                                                             strict=True)}


ELIMINATED = {"kind": "脱贫不稳定户", "since": date(2021, 5, 1), "eliminated": date(2022, 6, 1)}
CASES = {
    # rule id: (households built to trip it, households built not to, disasters in the county)
    "below_line": ([household("trip", now=9_000)], [household("safe", now=10_000)], ()),
    "edge_band": ([household("trip", now=10_500)], [household("safe", now=11_500), household("below", now=9_000)],
                  ()),
    "income_drop": ([household("trip", now=13_000)], [household("safe", now=15_000)], ()),
    "rigid_spending": ([household("trip", now=50_000, before=50_000, medical=21_000),      # amount
                        household("trip2", medical=6_000, education=15_000)],               # share of income
                       [household("safe", medical=5_000, education=5_000)], ()),
    "disaster": ([household("trip", now=14_000, before=14_000)],
                 [household("safe", now=16_000, before=16_000)], (3, 1)),
    "relocated_low_income": ([household("trip", now=14_000, before=14_000, relocated=True)],
                             [household("safe", now=16_000, before=16_000, relocated=True),
                              household("safe2", now=14_000, before=14_000)], ()),
    "eliminated_income_falling": ([household("trip", now=17_000, **ELIMINATED)],
                                  [household("safe", now=19_000, **ELIMINATED),
                                   household("safe2", now=17_000, kind="脱贫不稳定户", since=date(2021, 5, 1),
                                             eliminated=date(2025, 3, 1))], ()),
}


def test_the_rules_file_has_every_kind_once_and_cites_facts():
    assert sorted(rule.kind for rule in RULES) == sorted(screening.KINDS)
    assert any("F:Monitored households" in source and "20,000" in source
               for rule in RULES for source in rule.sources)


@pytest.mark.parametrize("rule_id", list(CASES))
def test_each_rule_trips_on_its_household_and_not_on_the_other(rule_id):
    trips, safe, disasters = CASES[rule_id]
    found = reasons_of(trips + safe, disasters)
    for h in trips:
        assert rule_id in found.get(h["name"], set()), h
    for h in safe:
        assert rule_id not in found.get(h["name"], set()), h


def test_a_disaster_below_the_severity_flags_nobody():
    assert "disaster" not in reasons_of([household("h", now=14_000, before=14_000)], (2,)).get("h", set())


def test_an_ordinary_household_is_not_flagged_and_several_reasons_are_all_listed():
    found = reasons_of([household("fine"), household("many", now=9_000, medical=25_000, relocated=True)])
    assert "fine" not in found
    assert found["many"] == {"below_line", "income_drop", "rigid_spending", "relocated_low_income"}


def test_enrolment_and_check_before_closing_lists():
    low = {"now": 9_000, "before": 9_000}
    with world([household("monitored", kind="边缘易致贫户", since=date(2024, 3, 1), **low),
                household("later", kind="边缘易致贫户", since=date(2025, 2, 1), **low),
                household("ordinary", **low),
                household("closed", kind="脱贫不稳定户", since=date(2021, 1, 1), eliminated=date(2023, 1, 1), **low),
                household("fine")]) as con:
        flagged = screening.flagged_households(con, NATIONAL, YEAR, RULES)
        counts = screening.screening_counts(con, NATIONAL, YEAR, RULES)
    assert set(screening.should_enrol(flagged)["head_name_masked"]) == {"later", "ordinary"}
    assert set(screening.check_before_closing(flagged)["head_name_masked"]) == {"closed"}
    totals = screening.screening_totals(counts, RULES)
    assert (totals.households, totals.households_flagged, totals.not_enrolled, totals.check_before_closing) == (
        5, 4, 2, 1)


def test_rule_values_are_bound_not_written_into_sql():
    document = {"schema": 1, "rules": [{"id": "odd", "kind": "income_drop", "name_zh": "甲", "name_en": "A",
                                        "params": {"drop_share": {"value": 0.4321987, "unit": "u", "source": "s"}}}]}
    sql, params, _ = screening._flags_sql(NATIONAL, YEAR, screening.parse_rules(document))
    assert "0.4321987" not in sql and params["r0_drop_share"] == 0.4321987


def _document(**changes) -> dict:
    rule = {"id": "drop", "kind": "income_drop", "name_zh": "下降", "name_en": "Drop",
            "params": {"drop_share": {"value": 0.3, "unit": "share", "source": "assumed"}}}
    rule.update(changes)
    return {"schema": 1, "rules": [rule]}


@pytest.mark.parametrize(("document", "message"), [
    (_document(kind="vanish"), r"rule 1 \(drop\): unknown kind 'vanish'; known kinds: below_line"),
    (_document(params={}), r"rule 1 \(drop\): parameter `drop_share` is missing"),
    (_document(params={"drop_share": {"value": 1.5, "unit": "share", "source": "s"}}), r"outside 0 … 1"),
    (_document(params={"drop_share": {"value": "big", "unit": "share", "source": "s"}}), r"numeric `value`"),
    (_document(params={"drop_share": {"value": 0.3, "unit": "share"}}), r"`source` must be non-empty text"),
    (_document(params={"drop_share": {"value": 0.3, "unit": "s", "source": "s"}, "extra": {"value": 1}}),
     r"not used by kind income_drop: extra"),
    (_document(id="Bad Id"), r"`id` must be lower-case"),
    (_document(name_en=""), r"`name_en` must be non-empty text"),
    ({"schema": 1, "rules": _document()["rules"] * 2}, r"rule ids used twice: drop"),
    ({"rules": []}, r"schema = 1"),
])
def test_a_wrong_rules_file_is_refused_with_a_clear_message(document, message):
    with pytest.raises(screening.RulesError, match=message):
        screening.parse_rules(document)


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[[rules]\n", encoding="utf-8")
    with pytest.raises(screening.RulesError, match="rules.toml is not valid TOML"):
        screening.load_rules(path)


# --- On the demo world: the command line against pandas ------------------------------------------

@pytest.fixture(scope="module")
def frames(demo_db) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        frames = {name: con.execute(f"SELECT * FROM {name}").df()
                  for name in ("households", "income", "thresholds", "disasters")}
    frames["income"] = frames["income"].drop(columns="members")  # recomputed from households, independently
    return frames


def _pandas_screen(frames: dict[str, pd.DataFrame], year: int, region: str) -> dict:
    """The rules recomputed with plain pandas from the raw tables."""
    p = {rule.id: dict(rule.params) for rule in RULES}
    income = frames["income"].merge(frames["households"].drop(columns=["county_code", "village_code"]),
                                    on="household_id")
    income = income[income["county_code"].str.startswith(region.rstrip("0")[:6] if region != NATIONAL else "")]
    income["net"] = income[["wage_income", "crop_income", "livestock_income", "other_operating_income",
                            "property_income", "transfer_income"]].sum(axis=1)
    income["pc"] = income["net"] / income["members"]
    now = income[income["year"] == year].copy()
    prev = income[income["year"] == year - 1].set_index("household_id")["pc"]
    now["prev"] = now["household_id"].map(prev)
    lines = frames["thresholds"][frames["thresholds"]["year"] == year].set_index("province_code")["monitoring_line"]
    now["line"] = (now["county_code"].str[:2] + "0000").map(lines).fillna(lines[NATIONAL])
    d = frames["disasters"]
    d = d[pd.to_datetime(d["start_date"]).dt.year == year].groupby("county_code")["severity"].max()
    now["severity"] = now["county_code"].map(d).fillna(0)
    medical, education = now["medical_expense"].fillna(0), now["education_expense"].fillna(0)
    year_end = pd.Timestamp(year, 12, 31)
    eliminated = pd.to_datetime(now["risk_eliminated_on"]) <= year_end
    dropped = now["prev"].gt(0)
    flags = pd.DataFrame({
        "below_line": now["pc"] < p["below_line"]["line_multiple"] * now["line"],
        "edge_band": (now["pc"] >= now["line"]) & (now["pc"] < (1 + p["edge_band"]["band"]) * now["line"]),
        "income_drop": dropped & (now["pc"] < (1 - p["income_drop"]["drop_share"]) * now["prev"]),
        "rigid_spending": (medical + education > p["rigid_spending"]["income_share"] * now["net"].clip(lower=0))
                          | (medical > p["rigid_spending"]["medical_amount"]),
        "disaster": (now["severity"] >= p["disaster"]["min_severity"])
                    & (now["pc"] < p["disaster"]["line_multiple"] * now["line"]),
        "relocated_low_income": now["relocated"].fillna(False).astype(bool)
                                & (now["pc"] < p["relocated_low_income"]["line_multiple"] * now["line"]),
        "eliminated_income_falling": eliminated & dropped
                                     & (now["pc"] < (1 - p["eliminated_income_falling"]["fall_share"]) * now["prev"]),
    })
    flagged = flags.any(axis=1)
    since = pd.to_datetime(now["monitored_since"])
    enrolled = now["household_type"].isin(["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]) & (
        since.isna() | (since <= year_end))
    return {"households": len(now), "households_flagged": int(flagged.sum()),
            "not_enrolled": int((flagged & ~enrolled).sum()),
            "check_before_closing": int((flagged & eliminated).sum()),
            "by_reason": {column: int(flags[column].sum()) for column in flags}}


@pytest.mark.parametrize(("year", "region"), [(2024, NATIONAL), (2021, "620000")])
def test_command_line_counts_equal_a_pandas_recomputation(demo_db, frames, capsys, year, region):
    assert cli(["screen", "--db", str(demo_db), "--year", str(year), "--region", region, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = _pandas_screen(frames, year, region)
    assert {key: printed[key] for key in expected} == expected
    assert printed["households_flagged"] > 0 and sum(v > 0 for v in printed["by_reason"].values()) >= 5


def test_the_lists_export_masked_data_only(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        flagged = screening.ranked(screening.flagged_households(con, NATIONAL, 2024, RULES), None)
    table = screening.household_list(flagged, RULES, "zh")
    assert t("screen_head", "zh") in table.columns and not any("id_number" in c for c in table.columns)
    assert table[t("screen_reasons", "zh")].str.len().min() > 0
    assert tables.to_excel_bytes({"list": table})[:2] == b"PK"


# --- The page ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_counts_and_lists_in_both_languages(demo_db, open_app, capsys, lang):
    cli(["screen", "--db", str(demo_db), "--json"])
    printed = json.loads(capsys.readouterr().out)
    at = open_app("pages/screening.py", lang=lang)
    assert [e.value for e in at.exception] == []
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("screen_flagged", lang)] == f"{printed['households_flagged']:,}"
    assert metrics[t("screen_not_enrolled", lang)] == f"{printed['not_enrolled']:,}"
    assert [tab.label for tab in at.tabs] == [t(k, lang) for k in ("screen_tab_visit", "screen_tab_enrol",
                                                                   "screen_tab_check")]
    visit = at.dataframe[1].value
    scores = visit[t("screen_score", lang)]
    assert len(visit) == min(printed["households_flagged"], 500) and scores.is_monotonic_decreasing


def test_a_broken_rules_file_shows_a_message_not_a_traceback(open_app, monkeypatch, tmp_path):
    broken = tmp_path / "rules.toml"
    broken.write_text("schema = 1\n[[rules]]\nid = \"x\"\nkind = \"nope\"\n", encoding="utf-8")
    monkeypatch.setattr(screening, "RULES_FILE", broken)
    at = open_app("pages/screening.py", lang="en")
    assert [e.value for e in at.exception] == []
    assert any("unknown kind 'nope'" in e.value for e in at.error)


def test_the_first_year_has_no_model_and_still_lists_households(open_app):
    for page in ("pages/screening.py", "pages/risk_model.py"):
        at = open_app(page, lang="en", year="2019")
        assert [e.value for e in at.exception] == []
        if page == "pages/screening.py":
            assert any(c.value.startswith("Risk scores unavailable") for c in at.caption)
        else:
            assert any("Not enough data" in i.value for i in at.info)


def test_more_flagged_households_than_a_list_holds_asks_for_a_smaller_region(open_app, monkeypatch):
    monkeypatch.setattr(screening, "LIST_LIMIT", 10)
    at = open_app("pages/screening.py", lang="en")
    assert [e.value for e in at.exception] == []
    assert len(at.tabs) == 0 and len(at.metric) == 4
    assert any("more than a list holds (10)" in info.value for info in at.info)
    assert t("screen_rules_title", "en") in [e.label for e in at.main.expander]  # the rules stay visible

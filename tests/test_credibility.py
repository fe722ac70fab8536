"""Income credibility audit: planted manipulations are found where planted, clean worlds stay clean, every flag
carries its reason and evidence; the estimators are checked against simulations with a known answer."""
from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.commands import main
from analysis.credibility import load_settings, run_audit
from analysis.credibility.density import cjm_test, excess_mass
from analysis.credibility.stats import bh_adjust
from analysis.demo import build_demo
from analysis.demo.planted import load_planted, village_codes

YEAR = 2024
NINGXIA = "640000"
HOUSEHOLDS = 40_000


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    build_demo(path, provinces=[NINGXIA], households=HOUSEHOLDS, seed=11)
    return path


@pytest.fixture(scope="module")
def planted(planted_db):
    with duckdb.connect(str(planted_db), read_only=True) as con:
        yield con, run_audit(con, NINGXIA, YEAR)


def _reasons(frame, key: str, code: str) -> list[str]:
    rows = frame[frame[key] == code]
    return list(rows.reasons.iloc[0]) if len(rows) else []


def test_inflated_counties_are_found_with_their_excess(planted):
    _, audit = planted
    spec = load_planted()
    for county in spec["inflated"]["counties"]:
        if county.startswith("64"):
            assert "bunching" in _reasons(audit.counties, "code", county), county
            row = audit.counties[audit.counties.code == county].iloc[0]
            assert row.excess_low > 0 and row.peer_q < 0.05


def test_transfer_lift_county_is_found(planted):
    _, audit = planted
    reasons = _reasons(audit.counties, "code", "640424")
    assert "transfer_crossing" in reasons and "bunching" in reasons


def test_heaped_and_invented_villages_are_found(planted):
    con, audit = planted
    spec = load_planted()
    heaped = [v for v in village_codes(con, spec["heaped"]["villages"]) if v.startswith("64")]
    invented = [v for v in village_codes(con, spec["invented"]["villages"]) if v.startswith("64")]
    assert heaped and invented
    for village in heaped:
        assert {"round_amounts", "last_digit"} <= set(_reasons(audit.villages, "village_code", village))
    for village in invented:
        assert "benford" in _reasons(audit.villages, "village_code", village)
        row = audit.villages[audit.villages.village_code == village].iloc[0]
        assert row.benford_mad > load_settings()("digits", "benford_mad")[2]


def test_duplicated_people_are_found_in_every_village_involved(planted):
    con, audit = planted
    spec = load_planted()["duplicated"]
    villages = village_codes(con, [spec["source_village"]]) + village_codes(con, spec["targets"])
    for village in villages:
        assert "duplicate_person" in _reasons(audit.villages, "village_code", village), village
    listed = audit.households[audit.households.reason == "duplicate_person"]
    assert len(listed) == 2 * sum(target[2] for target in spec["targets"])
    assert listed.village_code.isin(villages).all()


def test_duplicated_people_match_a_plain_recount_of_the_shared_id_hashes(planted):
    from analysis.credibility.duplicates import duplicate_people

    con, _ = planted
    households = con.execute("SELECT household_id, village_code, county_code, id_number_hash FROM households "
                             "WHERE id_number_hash IS NOT NULL").df()
    shared = households.groupby("id_number_hash").filter(lambda group: len(group) > 1)
    spread = shared.groupby("id_number_hash").agg(copies=("household_id", "size"),
                                                  villages=("village_code", "nunique"),
                                                  counties=("county_code", "nunique"))
    found = duplicate_people(con, "000000")
    assert len(found) == len(shared) > 0
    by_household = found.set_index("household_id")
    for row in shared.itertuples():
        expected = spread.loc[row.id_number_hash]
        kind = "counties" if expected.counties > 1 else "villages" if expected.villages > 1 else "households"
        assert (by_household.loc[row.household_id, "copies"], by_household.loc[row.household_id, "spread"]) == \
            (expected.copies, kind)


def test_the_country_scored_province_by_province_equals_one_national_query(demo_con):
    from analysis.credibility import jumps

    con = demo_con
    settings = load_settings()
    by_province = jumps.jumps(con, "000000", YEAR, settings)
    assert by_province.county_code.str[:2].nunique() == 2 and by_province.z.notna().any()
    pd.testing.assert_frame_equal(by_province, jumps.scored_jumps(con, "000000", YEAR, settings))


def test_every_flag_carries_reason_and_evidence(planted):
    _, audit = planted
    assert audit.counties.flagged.any() and audit.villages.flagged.any()
    for row in audit.counties[audit.counties.flagged].itertuples():
        assert row.reasons
        if "bunching" in row.reasons:
            assert np.isfinite([row.excess_households, row.excess_low, row.excess_high, row.peer_q]).all()
        if "transfer_crossing" in row.reasons:
            assert row.transfer_events > row.transfer_expected
    evidence = {"round_amounts": "round_q", "last_digit": "last_digit_q", "benford": "first_digit_q",
                "jumps_to_line": "jumps_q", "transfer_crossing": "transfer_q",
                "duplicate_person": "duplicate_people", "split_household": "split_households",
                "impossible_value": "impossible_values"}
    for row in audit.villages[audit.villages.flagged].itertuples():
        assert row.reasons
        for reason in row.reasons:
            value = getattr(row, evidence[reason])
            assert (value < 0.05) if reason in ("round_amounts", "last_digit", "benford", "jumps_to_line",
                                                 "transfer_crossing") else value > 0
    assert audit.households.reason.notna().all() and audit.households.detail.notna().all()
    flagged_villages = set(audit.villages.village_code[audit.villages.flagged])
    flagged_counties = set(audit.counties.code[audit.counties.flagged])
    behind = audit.households.village_code.isin(flagged_villages) | audit.households.village_code.str[:6].isin(
        flagged_counties)
    assert behind.all()


@pytest.mark.parametrize("seed", [11, 12])
def test_clean_province_stays_at_or_below_the_nominal_rate(tmp_path, seed):
    path = tmp_path / "clean.duckdb"
    build_demo(path, provinces=[NINGXIA], households=HOUSEHOLDS, seed=seed, plant=False)
    with duckdb.connect(str(path), read_only=True) as con:
        audit = run_audit(con, NINGXIA, YEAR)
    alpha = load_settings()("testing", "alpha")
    county_rate = audit.counties.flagged.mean()
    village_rate = audit.villages.flagged.mean()
    print(f"seed {seed}: counties flagged {county_rate:.3f} of {len(audit.counties)}, "
          f"villages flagged {village_rate:.4f} of {len(audit.villages)}")
    assert county_rate <= alpha and village_rate <= alpha
    assert audit.by_reason()["duplicate_person"] == 0


def test_region_narrows_the_results_to_the_region(planted):
    con, audit = planted
    county = run_audit(con, "640424", YEAR)
    assert list(county.counties.code) == ["640424"]
    assert county.villages.village_code.str.startswith("640424").all()
    assert county.counties.reasons.iloc[0] == _reasons(audit.counties, "code", "640424")


def test_a_split_household_and_impossible_values_are_found(planted_db, tmp_path):
    path = tmp_path / "split.duckdb"
    shutil.copy(planted_db, path)
    with duckdb.connect(str(path)) as con:
        old = con.execute("""SELECT i.household_id FROM income_net i JOIN households h USING (household_id)
                             WHERE i.year = 2023 AND i.county_code = '640425' AND per_capita_net_income < 6800
                             ORDER BY 1 LIMIT 1""").fetchone()[0]
        con.execute("""INSERT INTO households SELECT '9' || substr(household_id, 2), village_code, county_code,
                       household_type, greatest(members - 1, 1), labor_count, relocated, monitored_since,
                       risk_eliminated_on, risk_cause, head_name_masked, id_number_hash, id_number_masked
                       FROM households WHERE household_id = $old""", {"old": old})
        con.execute("""INSERT INTO income SELECT '9' || substr(household_id, 2), year, county_code, village_code,
                       greatest(members - 1, 1), 20000 * greatest(members - 1, 1), crop_income, 0, 0, 0, 0,
                       NULL, NULL, 0, 0, 0 FROM income WHERE household_id = $old AND year = 2024""", {"old": old})
        con.execute("DELETE FROM income WHERE household_id = $old AND year = 2024", {"old": old})
        negative = con.execute("SELECT household_id FROM income WHERE year = 2024 AND county_code = '640423' "
                               "ORDER BY 1 LIMIT 1").fetchone()[0]
        con.execute("UPDATE income SET wage_income = -500 WHERE household_id = $h AND year = 2024", {"h": negative})
        audit = run_audit(con, "640425", YEAR)
        other = run_audit(con, "640423", YEAR)
    split = audit.households[audit.households.reason == "split_household"]
    assert list(split.household_id) == ["9" + old[1:]] and old in split.detail.iloc[0]
    impossible = other.households[other.households.reason == "impossible_value"]
    assert list(impossible.household_id) == [negative] and impossible.detail.iloc[0] == "negative_wage"


def test_audit_command_prints_counties_villages_and_reasons(planted_db, capsys):
    import json

    assert main(["audit", "--db", str(planted_db), "--year", str(YEAR), "--region", "640424", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    county = payload["counties"][0]
    assert {"code", "density_p", "excess_households", "flagged", "reasons"} <= set(county)
    assert county["code"] == "640424" and county["flagged"] and "bunching" in county["reasons"]
    assert isinstance(payload["villages_flagged"], int) and payload["by_reason"]["bunching"] == 1


def test_bh_matches_statsmodels():
    p = np.random.default_rng(3).uniform(size=200) ** 3
    assert np.allclose(bh_adjust(p), multipletests(p, method="fdr_bh")[1])


def test_cjm_test_holds_its_size_and_finds_a_planted_jump():
    """Simulation with a known answer: smooth lognormal incomes (no jump) vs. 8% moved from below to above."""
    s = load_settings()
    rng = np.random.default_rng(5)
    null_p, planted_p = [], []
    for _ in range(60):
        r = rng.lognormal(np.log(1.4), 0.45, 6000)
        r = r[(r >= 0.5) & (r < 1.5)]
        null_p.append(cjm_test(r, 1.0, s).p)
        moved = (r > 0.85) & (r < 1.0) & (rng.random(len(r)) < 0.5)
        shifted = np.where(moved, 1.0 + 0.04 * rng.random(len(r)), r)
        planted_p.append(cjm_test(shifted, 1.0, s).p)
    null_p, planted_p = np.array(null_p), np.array(planted_p)
    print(f"CJM size at 5%: {np.mean(null_p < 0.05):.3f}; power: {np.mean(planted_p < 0.05):.3f}")
    assert np.mean(null_p < 0.05) <= 0.15  # nominal 0.05; 60 draws leave room for chance
    assert np.mean(planted_p < 0.05) >= 0.9


def test_excess_mass_recovers_a_known_number_of_moved_households():
    s = load_settings()
    rng = np.random.default_rng(8)
    r = rng.uniform(0.5, 1.5, 20000)
    moved = np.flatnonzero((r > 0.86) & (r < 0.9))[:300]
    r[moved] = 1.0 + 0.05 * rng.random(len(moved))
    mass = excess_mass(r, s, rng)
    assert mass.low <= 300 <= mass.high
    assert abs(mass.excess - 300) < 80
    clean = excess_mass(rng.uniform(0.5, 1.5, 20000), s, rng)
    assert clean.low <= 0 <= clean.high

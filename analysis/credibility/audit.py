"""The whole audit for a region and year: every check, multiple testing, reasons and evidence per unit.

Peers need more than the region: counties are compared within their province and villages within their county or
province, so a county or village region is audited with its whole province and the results are then narrowed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analysis.credibility import components, density, digits, duplicates, jumps
from analysis.credibility.settings import Settings, load_settings
from analysis.credibility.stats import bh_adjust, standardised_excess_p
from analysis.regioncodes import province_of, region_level

Progress = Callable[[float, str], None]
COUNTY_REASONS = ("bunching", "jumps_to_line", "transfer_crossing")
VILLAGE_REASONS = ("round_amounts", "last_digit", "benford", "jumps_to_line", "transfer_crossing",
                   "duplicate_person", "split_household", "impossible_value")
REASONS = ("bunching",) + VILLAGE_REASONS


@dataclass
class Audit:
    """Results of one audit: tables of counties, provinces, villages and households, each flag with its reason."""
    region: str
    year: int
    counties: pd.DataFrame
    provinces: pd.DataFrame
    villages: pd.DataFrame
    households: pd.DataFrame
    settings: Settings = field(repr=False)

    @property
    def flagged_villages(self) -> pd.DataFrame:
        return self.villages[self.villages.flagged]

    def by_reason(self) -> dict[str, int]:
        """Flagged units per reason: counties and villages together."""
        def count(frame: pd.DataFrame, reason: str) -> int:
            return int(frame.reasons.map(lambda r: reason in r).sum())
        return {reason: count(self.counties, reason) + count(self.villages, reason) for reason in REASONS}


def audit_scope(region: str) -> str:
    """The region whose rows the checks read: the region itself down to a province, else its province."""
    return region if region_level(region) in ("national", "province") else province_of(region)


def _inside(codes: pd.Series, region: str) -> pd.Series:
    if region_level(region) == "national":
        return pd.Series(True, index=codes.index)
    prefix = region[: {"province": 2, "city": 4}.get(region_level(region), len(region))]
    return codes.astype(str).str.startswith(prefix)


def _county_table(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> tuple[pd.DataFrame, ...]:
    rows = density.sample_rows(cur, scope, year, s)
    counties = density.density_table(rows, s)
    rows["province_code"] = rows.county_code.str[:2] + "0000"
    provinces = density.density_table(rows, s, key="province_code")
    alpha = s("testing", "alpha")
    counties["peer_p"] = density.peer_p(counties, counties.code.str[:2], s)
    counties["peer_q"] = bh_adjust(counties.peer_p.to_numpy())
    # The CJM test answers "does the density jump at the line?"; where support lifts households to the line, it
    # does in every county, so the flag asks whether this county's excess is beyond its province's.
    counties["bunching"] = ((counties.peer_q < alpha) & (counties.excess_low > 0)).fillna(False).astype(bool)
    counties["placebo_p"] = [[] for _ in range(len(counties))]
    counties.loc[counties.bunching, "placebo_p"] = pd.Series(
        density.placebo_p(rows, counties.code[counties.bunching], s), index=counties.index[counties.bunching],
        dtype=object)
    provinces["density_q"] = bh_adjust(provinces.density_p.to_numpy())
    provinces["flagged"] = ((provinces.density_q < alpha) & (provinces.excess_low > 0)).astype(bool)
    provinces["reasons"] = [["bunching"] if f else [] for f in provinces.flagged]
    return counties, provinces


def _strata(frame: pd.DataFrame, s: Settings) -> np.ndarray:
    """Depth below last year's line × household type: units are compared like with like."""
    depth = np.digitize(frame.prev_ratio.to_numpy(), s("peers", "strata")).astype(str)
    return depth + "|" + frame.household_type.astype(str).to_numpy()


def _rate_tests(jump: pd.DataFrame, crossed: pd.DataFrame, unit: str, s: Settings) -> pd.DataFrame:
    """Jumps to the line (among households below last year's line) and crossings carried by transfers (among
    crossings) per unit, each against the province's other units at the same depth below the line."""
    minimum = {"jumps": 1, "transfer": s("transfers", "min_crossings")}
    parts = []
    for name, frame, event in (("jumps", jump, "to_line"), ("transfer", crossed, "by_transfer")):
        if frame.empty:
            parts.append(pd.DataFrame(columns=[f"{name}_events", f"{name}_trials", f"{name}_expected",
                                               f"{name}_p"]).rename_axis(unit))
            continue
        test = standardised_excess_p(frame[unit].to_numpy(), frame.county_code.str[:2].to_numpy(),
                                     _strata(frame, s), frame[event].to_numpy(), minimum[name])
        parts.append(test.set_index("unit").rename_axis(unit).add_prefix(f"{name}_"))
    return pd.concat(parts, axis=1)


def _add_rate_tests(table: pd.DataFrame, key: str, tests: pd.DataFrame) -> pd.DataFrame:
    table = table.join(tests, on=key)
    for name in ("jumps", "transfer"):
        for column in ("events", "trials"):
            table[f"{name}_{column}"] = table[f"{name}_{column}"].fillna(0).astype(int)
        table[f"{name}_expected"] = table[f"{name}_expected"].astype(float).fillna(0.0)
        table[f"{name}_p"] = table[f"{name}_p"].astype(float)
    return table


def _county_rates(counties: pd.DataFrame, details: dict[str, pd.DataFrame], s: Settings) -> pd.DataFrame:
    """The counties' jump and transfer tests, their reasons and flags."""
    counties = _add_rate_tests(counties, "code", _rate_tests(details["jumps"], details["transfers"],
                                                             "county_code", s))
    alpha = s("testing", "alpha")
    hits = {"bunching": counties.bunching}
    for reason, column in (("jumps_to_line", "jumps"), ("transfer_crossing", "transfer")):
        counties[f"{column}_q"] = bh_adjust(counties[f"{column}_p"].to_numpy())
        hits[reason] = (counties[f"{column}_q"] < alpha).fillna(False)
    counties["reasons"] = [[r for r in COUNTY_REASONS if hits[r].iloc[i]] for i in range(len(counties))]
    counties["flagged"] = counties.reasons.map(bool)
    return counties


def _village_tests(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings,
                   report: Progress) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    villages = components.region_households(cur, scope, year)
    report(0.45, "digits")
    digit = digits.digit_tests(digits.digit_counts(cur, scope, year, s), s)
    report(0.6, "jumps")
    jump = jumps.jumps(cur, scope, year, s)
    report(0.7, "transfers")
    crossed = components.transfer_crossings(cur, scope, year, s)
    report(0.8, "duplicates and impossible values")
    people = duplicates.duplicate_people(cur, scope)
    impossible = components.impossible_values(cur, scope, year, s)
    split = duplicates.splits(cur, scope, year)

    table = villages.merge(digit, on="village_code", how="left")
    table = _add_rate_tests(table, "village_code", _rate_tests(jump, crossed, "village_code", s))
    table["duplicate_people"] = table.village_code.map(people.groupby("village_code").size()).fillna(0).astype(int)
    table["impossible_values"] = table.village_code.map(impossible.groupby("village_code").size()).fillna(0).astype(int)
    table["split_households"] = table.village_code.map(split.groupby("village_code").size()).fillna(0).astype(int)
    small = table.households < s("testing", "min_village_households")
    for column in ("round_p", "last_digit_p", "first_digit_p", "jumps_p", "transfer_p"):
        table[column] = table[column].where(~small)
        table[column.replace("_p", "_q")] = bh_adjust(table[column].to_numpy())
    details = {"jumps": jump, "transfers": crossed, "duplicates": people, "impossible": impossible,
               "splits": split}
    return table, details


def _village_reasons(table: pd.DataFrame, s: Settings) -> pd.Series:
    alpha = s("testing", "alpha")
    nonconforming = s("digits", "benford_mad")[2]
    tests = {
        "round_amounts": (table.round_q < alpha) & (table.round_share > table.peer_round_share),
        "last_digit": table.last_digit_q < alpha,
        "benford": (table.first_digit_q < alpha) & (table.benford_mad > nonconforming),
        "jumps_to_line": table.jumps_q < alpha,
        "transfer_crossing": table.transfer_q < alpha,
        "duplicate_person": table.duplicate_people > 0,
        "split_household": table.split_households > 0,
        "impossible_value": table.impossible_values > 0,
    }
    hits = pd.DataFrame({reason: hit.fillna(False).astype(bool) for reason, hit in tests.items()})
    return hits.apply(lambda row: [reason for reason in VILLAGE_REASONS if row[reason]], axis=1)


def _bunching_households(cur: duckdb.DuckDBPyConnection, scope: str, counties: list[str], year: int,
                         s: Settings) -> pd.DataFrame:
    """Households of flagged counties that rose from below last year's line into the band just above this year's."""
    if not counties:
        return pd.DataFrame(columns=["household_id", "village_code", "detail"])
    from analysis.credibility.panel import panel_sql

    base, params = panel_sql(scope)
    return cur.execute(
        base + "SELECT household_id, village_code, printf('%.2f → %.2f', prev_pc / prev_line, pc / line) AS detail "
        "FROM panel WHERE list_contains($counties, county_code) AND prev_pc < prev_line AND pc >= line "
        "AND pc < $band_hi * line ORDER BY household_id",
        {**params, "year": year, "counties": counties, "band_hi": s("bunching", "band")[1]}).df()


def _household_list(cur: duckdb.DuckDBPyConnection, scope: str, counties: pd.DataFrame, villages: pd.DataFrame,
                    details: dict[str, pd.DataFrame], year: int, s: Settings) -> pd.DataFrame:
    """Every household behind a flag, with its reason and a short detail (no personal data yet)."""
    def flagged(reason: str) -> list[str]:
        return villages.village_code[villages.reasons.map(lambda r: reason in r)].tolist()

    bunching = counties.code[counties.reasons.map(lambda r: "bunching" in r)].tolist()
    parts = [_bunching_households(cur, scope, bunching, year, s).assign(reason="bunching")]
    rounds = digits.round_households(cur, sorted(set(flagged("round_amounts")) | set(flagged("last_digit"))), year, s)
    parts.append(rounds.assign(reason="round_amounts", detail=rounds.amounts.astype(str))[
        ["household_id", "village_code", "detail", "reason"]])
    benford_villages = flagged("benford")
    if benford_villages:
        members = cur.execute("SELECT household_id, village_code FROM income WHERE year = $year "
                              "AND list_contains($villages, village_code) ORDER BY household_id",
                              {"year": year, "villages": benford_villages}).df()
        parts.append(members.assign(reason="benford", detail=""))
    def behind(frame: pd.DataFrame, event: str, reason: str) -> pd.DataFrame:
        """Households with the event in villages or counties flagged for the reason."""
        counties_hit = counties.code[counties.reasons.map(lambda r: reason in r)]
        chosen = frame[event] & (frame.village_code.isin(flagged(reason)) | frame.county_code.isin(counties_hit))
        rows = frame[chosen]
        return rows.assign(reason=reason, detail=[f"{a:.2f} → {b:.2f}" for a, b in
                                                  zip(rows.prev_ratio, rows.ratio, strict=True)])

    parts.append(behind(details["jumps"], "to_line", "jumps_to_line"))
    parts.append(behind(details["transfers"], "by_transfer", "transfer_crossing"))
    people = details["duplicates"]
    parts.append(people.assign(reason="duplicate_person",
                               detail=[f"P{p} × {c} ({spread})" for p, c, spread in
                                       zip(people.person, people.copies, people.spread, strict=True)]))
    parts.append(details["impossible"].assign(reason="impossible_value"))
    split = details["splits"]
    parts.append(split.assign(reason="split_household", detail=[f"{f} ({m})" for f, m in
                                                                 zip(split.former_household, split.former_members,
                                                                     strict=True)]))
    columns = ["household_id", "village_code", "reason", "detail"]
    return pd.concat([part[columns] for part in parts if len(part)], ignore_index=True) if any(
        len(part) for part in parts) else pd.DataFrame(columns=columns)


_MASKED = """
SELECT l.household_id, l.reason, l.detail, h.village_code, substr(h.village_code, 1, 9) AS township_code,
       h.county_code, h.household_type, h.members, h.head_name_masked, h.id_number_masked,
       t.name AS township_name, t.name_en AS township_name_en, v.name AS village_name, v.name_en AS village_name_en
FROM listed l JOIN households h USING (household_id)
LEFT JOIN regions t ON t.code = substr(h.village_code, 1, 9)
LEFT JOIN regions v ON v.code = h.village_code
ORDER BY h.village_code, l.household_id, l.reason
"""


def _with_household_details(cur: duckdb.DuckDBPyConnection, listed: pd.DataFrame) -> pd.DataFrame:
    """The list with the household's type, size, masked head name and ID, township and village names."""
    cur.register("listed", listed[["household_id", "reason", "detail"]])
    try:
        return cur.execute(_MASKED).df()
    finally:
        cur.unregister("listed")


def run_audit(cur: duckdb.DuckDBPyConnection, region: str, year: int, settings: Settings | None = None,
              progress: Progress | None = None) -> Audit:
    """Every check for the region and year (see the module docs of analysis.credibility)."""
    s = settings or load_settings()
    report = progress or (lambda fraction, message: None)
    scope = audit_scope(region)
    report(0.0, "density at the line, per county")
    counties, provinces = _county_table(cur, scope, year, s)
    villages, details = _village_tests(cur, scope, year, s, report)
    villages["reasons"] = _village_reasons(villages, s)
    villages["flagged"] = villages.reasons.map(bool)
    counties = _county_rates(counties, details, s)
    report(0.9, "households behind the flags")
    households = _household_list(cur, scope, counties, villages, details, year, s)
    counties = counties[_inside(counties.code, region)].reset_index(drop=True)
    provinces = provinces[_inside(provinces.code, audit_scope(region))].reset_index(drop=True)
    villages = villages[_inside(villages.village_code, region)].reset_index(drop=True)
    households = _with_household_details(cur, households[_inside(households.village_code, region)])
    report(1.0, "audit done")
    return Audit(region, year, counties, provinces, villages, households, s)


def unit_names(cur: duckdb.DuckDBPyConnection, region: str) -> pd.DataFrame:
    """code, name, name_en of the counties, townships and villages in the region (for labels)."""
    prefix = "" if region_level(region) == "national" else region[: {"province": 2, "city": 4}.get(
        region_level(region), len(region))]
    return cur.execute("SELECT code, name, coalesce(name_en, name) AS name_en FROM regions "
                       "WHERE level IN ('county', 'township', 'village') AND starts_with(code, $prefix) "
                       "ORDER BY code", {"prefix": prefix}).df()


def flags_per_county(audit: Audit, names: pd.DataFrame) -> pd.DataFrame:
    """county_code, name, name_en, flags (county reasons + villages flagged) for every audited county."""
    villages = audit.flagged_villages.groupby("county_code").size()
    frame = pd.DataFrame({"county_code": audit.counties.code,
                          "flags": audit.counties.reasons.map(len).to_numpy()
                          + audit.counties.code.map(villages).fillna(0).astype(int).to_numpy()})
    extra = sorted(set(villages.index) - set(frame.county_code))
    frame = pd.concat([frame, pd.DataFrame({"county_code": extra, "flags": villages[extra].to_numpy()})],
                      ignore_index=True)
    return frame.merge(names.rename(columns={"code": "county_code"}), on="county_code", how="left").fillna(
        {"name": "", "name_en": ""})

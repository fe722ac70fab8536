"""Rounding and invented numbers: round amounts, last digits and first digits (Benford) per village.

Each village is compared with the other villages of its county (some rounding is normal in self-report and a
county's amounts need not follow Benford's law exactly): round-amount share by a one-sided binomial z, last and
first digits by chi-square against the county's other villages. Over-dispersion (amounts of one household share its
income level) is absorbed by genomic control. Benford's law itself enters through Nigrini's MAD bands: a village
is flagged for first digits only when it differs from its peers and its MAD is in the nonconformity range.
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from analysis.credibility.settings import Settings
from analysis.credibility.stats import bh_adjust, chi2_against, controlled_p, genomic_control, peer_shares
from analysis.regioncodes import region_where

AMOUNT_COLUMNS = ("wage_income", "crop_income", "livestock_income", "other_operating_income", "property_income",
                  "transfer_income")
BENFORD = np.log10(1 + 1 / np.arange(1, 10))
FIRST = [f"f{d}" for d in range(1, 10)]
LAST = [f"l{d}" for d in range(10)]

_AMOUNTS_SQL = """
WITH a AS (
    SELECT village_code, county_code, household_id, CAST(round(abs(amount)) AS BIGINT) AS v
    FROM (UNPIVOT (SELECT village_code, county_code, household_id, {columns} FROM income
                   WHERE year = $year AND {where})
          ON {columns} INTO NAME component VALUE amount)
    WHERE abs(amount) >= $min_amount
), d AS (
    SELECT *, CAST(left(CAST(v AS VARCHAR), 1) AS INTEGER) AS first, v % 10 AS last FROM a
)
"""


def _columns(s: Settings) -> str:
    chosen = s("digits", "components")
    unknown = set(chosen) - set(AMOUNT_COLUMNS)
    if unknown:
        raise ValueError(f"digits.components: not an income amount column: {sorted(unknown)}")
    return ", ".join(chosen)


def digit_counts(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """Per village: amounts, round amounts, and counts of each first and last digit."""
    where, params = region_where(scope)
    first = ", ".join(f"count(*) FILTER (WHERE first = {d}) AS f{d}" for d in range(1, 10))
    last = ", ".join(f"count(*) FILTER (WHERE last = {d}) AS l{d}" for d in range(10))
    sql = (_AMOUNTS_SQL.format(columns=_columns(s), where=where)
           + f"SELECT village_code, any_value(county_code) AS county_code, count(*) AS amounts, "
             f"count(*) FILTER (WHERE v % $unit = 0) AS round_amounts, {first}, {last} "
             f"FROM d GROUP BY village_code ORDER BY village_code")
    return cur.execute(sql, {**params, "year": year, "min_amount": s("digits", "min_amount"),
                             "unit": s("digits", "round_unit")}).df()


def benford_mad(first_counts: np.ndarray) -> np.ndarray:
    """Nigrini's mean absolute deviation of first-digit shares from Benford's law, per row."""
    n = first_counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.abs(first_counts / n - BENFORD).mean(axis=1)


def mad_band(mad: float, s: Settings) -> str:
    """close · acceptable · marginal · nonconformity (Nigrini 2012 table 7.1)."""
    bounds = s("digits", "benford_mad")
    return ("close", "acceptable", "marginal", "nonconformity")[int(np.searchsorted(bounds, mad, side="right"))]


def _chi2_p(counts: np.ndarray, peers: np.ndarray, testable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    statistic = np.where(testable, chi2_against(counts, np.nan_to_num(peers)), np.nan)
    df = counts.shape[1] - 1
    inflation = genomic_control(statistic, df)
    return statistic, stats.chi2.sf(statistic / inflation, df)


def _digit_pass(counts: pd.DataFrame, s: Settings, peer: np.ndarray) -> pd.DataFrame:
    testable = (counts.amounts >= s("testing", "min_village_amounts")).to_numpy()
    county = counts.county_code.to_numpy()
    province = counts.county_code.str[:2].to_numpy()

    def peers(cells: np.ndarray) -> np.ndarray:
        return peer_shares(cells, county, province, s("digits", "min_peer_amounts"), peer)

    k = counts.round_amounts.to_numpy(float)
    n = counts.amounts.to_numpy(float)
    peer_round = peers(np.column_stack([k, n - k]))[:, 0].clip(min=1 / (n.sum() + 1))
    # Exact binomial tail: round amounts are rare, and a normal approximation overstates a handful of them.
    round_p = controlled_p(np.where(testable, stats.binom.sf(k - 1, n, peer_round.clip(max=1 - 1e-12)), np.nan),
                           testable)
    last = counts[LAST].to_numpy(float)
    first = counts[FIRST].to_numpy(float)
    last_chi2, last_p = _chi2_p(last, peers(last), testable)
    first_chi2, first_p = _chi2_p(first, peers(first), testable)
    return pd.DataFrame({
        "village_code": counts.village_code, "amounts": counts.amounts,
        "round_share": k / np.maximum(n, 1), "peer_round_share": peer_round, "round_p": round_p,
        "last_digit_chi2": last_chi2, "last_digit_p": last_p,
        "benford_mad": benford_mad(first), "first_digit_chi2": first_chi2, "first_digit_p": first_p,
    })


def digit_tests(counts: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """p-values per village for round amounts, last digits and first digits against the county's other villages.

    Two passes: villages that stand out in the first are left out of the peers of the second.
    """
    first = _digit_pass(counts, s, np.ones(len(counts), dtype=bool))
    alpha = s("testing", "alpha")
    outlying = np.zeros(len(counts), dtype=bool)
    for column in ("round_p", "last_digit_p", "first_digit_p"):
        outlying |= np.nan_to_num(bh_adjust(first[column].to_numpy()), nan=1.0) < alpha
    return _digit_pass(counts, s, ~outlying)


def round_households(cur: duckdb.DuckDBPyConnection, villages: list[str], year: int, s: Settings) -> pd.DataFrame:
    """Households of the given villages whose non-zero amounts in the year are all round."""
    if not villages:
        return pd.DataFrame(columns=["household_id", "village_code", "amounts"])
    sql = (_AMOUNTS_SQL.format(columns=_columns(s), where="list_contains($villages, village_code)")
           + "SELECT household_id, any_value(village_code) AS village_code, count(*) AS amounts FROM d "
             "GROUP BY household_id HAVING count(*) >= $least AND bool_and(v % $unit = 0) ORDER BY household_id")
    return cur.execute(sql, {"villages": villages, "year": year, "min_amount": s("digits", "min_amount"),
                             "unit": s("digits", "round_unit"), "least": s("digits", "round_household_min")}).df()


def village_digit_profile(cur: duckdb.DuckDBPyConnection, village: str, year: int,
                          settings: Settings | None = None) -> pd.DataFrame:
    """Evidence for one village: first-digit shares against Benford and the county's, last-digit shares likewise."""
    from analysis.credibility.settings import load_settings

    s = settings or load_settings()
    county = village[:6]
    counts = digit_counts(cur, county, year, s)
    own = counts[counts.village_code == village]
    if own.empty:
        return pd.DataFrame(columns=["kind", "digit", "village", "county", "benford"])
    others = counts[counts.village_code != village]
    rows = []
    for kind, cols, digits in (("first", FIRST, range(1, 10)), ("last", LAST, range(10))):
        mine = own[cols].to_numpy(float)[0]
        peers = others[cols].to_numpy(float).sum(axis=0)
        for i, digit in enumerate(digits):
            rows.append({"kind": kind, "digit": digit, "village": mine[i] / max(mine.sum(), 1),
                         "county": peers[i] / max(peers.sum(), 1),
                         "benford": BENFORD[i] if kind == "first" else 0.1})
    return pd.DataFrame(rows)

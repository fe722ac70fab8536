"""Piling up just above the line: density discontinuity (Cattaneo–Jansson–Ma) and excess mass (bunching).

Per-capita net income is measured in multiples of the year's monitoring line, so every province's line sits at 1.
The density test is `rddensity` (CJM 2020, robust bias-corrected, jackknife variance); placebo cut-offs away from
the line say whether a jump is specific to the line. The excess mass counts households in the band just above the
line beyond a polynomial fitted to the histogram outside a window around the line (Chetty et al. 2011), with a
bootstrap interval that redraws the households.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analysis.credibility.settings import Settings
from analysis.regioncodes import region_where

_SAMPLE_SQL = """
WITH x AS (
    SELECT i.county_code, i.household_id, i.per_capita_net_income / pl.monitoring_line AS r,
           count(*) FILTER (WHERE i.per_capita_net_income < pl.monitoring_line) OVER (PARTITION BY i.county_code)
               AS below
    FROM income_net i
    JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year = $year AND {where}
), w AS (
    SELECT county_code, r, below, row_number() OVER (PARTITION BY county_code ORDER BY hash(household_id)) AS k
    FROM x WHERE r >= $lo AND r < $hi
)
SELECT county_code, r, below FROM w WHERE k <= $max_rows ORDER BY county_code
"""


@dataclass(frozen=True)
class DensityTest:
    """CJM test at one cut-off: p-value and the log ratio of the density just above to just below."""
    p: float
    log_ratio: float
    left: float
    right: float


@dataclass(frozen=True)
class ExcessMass:
    """Histogram around the line with its smooth counterfactual, and the households in excess in the band."""
    edges: np.ndarray          # bin edges, multiples of the line
    counts: np.ndarray
    counterfactual: np.ndarray
    excess: float              # households in the band beyond the counterfactual
    low: float                 # bootstrap interval of the excess
    high: float
    expected: float            # counterfactual households in the band
    excess_se: float           # bootstrap standard error of the excess

    @property
    def ratio(self) -> float:
        return self.excess / self.expected if self.expected > 0 else float("nan")


def sample_rows(cur: duckdb.DuckDBPyConnection, scope: str, year: int, s: Settings) -> pd.DataFrame:
    """Per-capita income over the line (`r`) of each county's households in the window (a stated sample if large)."""
    where, params = region_where(scope, "i")
    lo, hi = s("density", "window")
    return cur.execute(_SAMPLE_SQL.format(where=where),
                       {**params, "year": year, "lo": lo, "hi": hi, "max_rows": s("density", "max_rows")}).df()


def cjm_test(r: np.ndarray, cutoff: float, s: Settings) -> DensityTest:
    """rddensity at `cutoff`; NaN when too few rows lie on either side for the estimator."""
    from rddensity import rddensity  # imported here: it loads sympy and plotnine (≈2 s), needed only by the audit

    minimum = s("density", "min_rows") // 2
    if (r < cutoff).sum() < minimum or (r >= cutoff).sum() < minimum:
        return DensityTest(float("nan"), float("nan"), float("nan"), float("nan"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = rddensity(X=r, c=cutoff, p=s("density", "polynomial"), bino_flag=False)
        left, right, p = float(fit.hat["left"]), float(fit.hat["right"]), float(fit.test["p_jk"])
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError, IndexError, KeyError):
        return DensityTest(float("nan"), float("nan"), float("nan"), float("nan"))
    ratio = np.log(right / left) if left > 0 and right > 0 else float("nan")
    return DensityTest(p, float(ratio), left, right)


def _design(centers: np.ndarray, degree: int) -> np.ndarray:
    return np.vander(centers - 1.0, degree + 1, increasing=True)


def excess_mass(r: np.ndarray, s: Settings, rng: np.random.Generator) -> ExcessMass:
    """Bin counts, the polynomial counterfactual fitted outside the excluded window, and the excess in the band."""
    width, (lo, hi) = s("bunching", "bin_width"), s("density", "window")
    edges = lo + width * np.arange(int(round((hi - lo) / width)) + 1)
    counts = np.histogram(r, edges)[0].astype(float)
    centers = (edges[:-1] + edges[1:]) / 2
    x_lo, x_hi = s("bunching", "excluded")
    b_lo, b_hi = s("bunching", "band")
    outside = (centers < x_lo) | (centers > x_hi)
    band = (centers > b_lo) & (centers < b_hi)
    design = _design(centers, s("bunching", "degree"))
    fit = np.linalg.pinv(design[outside])

    def excess_of(histograms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        smooth = (design @ (fit @ histograms[:, outside].T)).T.clip(min=0)
        return (histograms[:, band] - smooth[:, band]).sum(axis=1), smooth[:, band].sum(axis=1)

    total = int(counts.sum())
    draws = rng.multinomial(total, counts / total, size=s("bunching", "bootstrap")) if total else np.zeros((1, len(counts)))
    boot_excess, boot_expected = excess_of(draws.astype(float))
    excess, expected = excess_of(counts[None, :])
    tail = (1 - s("bunching", "interval")) / 2
    return ExcessMass(
        edges=edges, counts=counts, counterfactual=(design @ (fit @ counts[outside])).clip(min=0),
        excess=float(excess[0]), low=float(np.quantile(boot_excess, tail)),
        high=float(np.quantile(boot_excess, 1 - tail)), expected=float(expected[0]),
        excess_se=float(np.std(boot_excess)),
    )


def density_row(code: str, r: np.ndarray, below: int, s: Settings, rng: np.random.Generator) -> dict:
    """Everything the audit keeps about one county's (or province's) distribution at the line.

    `below`: households below the line (all of them, not only the window's). Excess per household below the line
    is what counties are compared on: support that lifts a share of the households below the line to it gives the
    same value in every county, whatever its income level.
    """
    at_line = cjm_test(r, 1.0, s)
    mass = excess_mass(r, s, rng)
    return {
        "code": code, "tested_rows": len(r), "density_p": at_line.p, "log_ratio": at_line.log_ratio,
        "excess_households": mass.excess, "excess_low": mass.low, "excess_high": mass.high,
        "expected_band": mass.expected, "excess_ratio": mass.ratio, "below": below,
        "excess_per_below": mass.excess / max(below, 1), "excess_per_below_se": mass.excess_se / max(below, 1),
    }


def density_table(rows: pd.DataFrame, s: Settings, key: str = "county_code") -> pd.DataFrame:
    """density_row for every group of `rows` (columns key, r) with enough rows in the window."""
    rng = np.random.default_rng(s("bunching", "seed"))
    out = []
    for code, group in rows.groupby(key, sort=True):
        r = group.r.to_numpy()
        if len(r) >= s("density", "min_rows"):
            below = int(group.drop_duplicates("county_code").below.sum())
            out.append(density_row(code, r, below, s, rng))
    columns = ["code", "tested_rows", "density_p", "log_ratio", "excess_households", "excess_low",
               "excess_high", "expected_band", "excess_ratio", "below", "excess_per_below", "excess_per_below_se"]
    return pd.DataFrame(out, columns=columns)


def placebo_p(rows: pd.DataFrame, codes: pd.Series, s: Settings, key: str = "county_code") -> list[list[float]]:
    """CJM p-values at the placebo cut-offs for each code (evidence for flagged units: a jump only at the line)."""
    groups = rows.groupby(key).r
    return [[cjm_test(groups.get_group(code).to_numpy(), c, s).p for c in s("density", "placebo_cutoffs")]
            if code in groups.groups else [] for code in codes]


def peer_p(table: pd.DataFrame, provinces: pd.Series, s: Settings) -> np.ndarray:
    """One-sided p that a county's excess per household below the line exceeds its province's counties', beyond
    noise and their spread.

    z = (ratio − province median) / sqrt(se² + τ²), where τ² is the spread among counties beyond sampling error
    (robust: (1.4826 × MAD)² − median se², at least 0). Provinces with few counties fall back to the density test.
    """
    from scipy import stats

    p = np.full(len(table), np.nan)
    for _, index in table.groupby(provinces.to_numpy()).indices.items():
        ratio = table.excess_per_below.to_numpy()[index]
        se = table.excess_per_below_se.to_numpy()[index]
        ok = np.isfinite(ratio) & np.isfinite(se)
        if ok.sum() < s("peers", "min_counties"):
            p[index] = table.density_p.to_numpy()[index]
            continue
        median = np.median(ratio[ok])
        spread = (1.4826 * np.median(np.abs(ratio[ok] - median))) ** 2 - np.median(se[ok] ** 2)
        z = (ratio - median) / np.sqrt(se**2 + max(spread, 0.0))
        p[index] = np.where(ok, stats.norm.sf(z), np.nan)
    return p


def county_histogram(cur: duckdb.DuckDBPyConnection, county: str, year: int,
                     settings: Settings | None = None) -> pd.DataFrame:
    """Evidence for one county: households per bin around the line and the smooth counterfactual, as in the audit.

    Columns: low, high (multiples of the line), households, counterfactual, band (inside the band above the line).
    """
    from analysis.credibility.settings import load_settings

    s = settings or load_settings()
    rows = sample_rows(cur, county, year, s)
    mass = excess_mass(rows.r.to_numpy(), s, np.random.default_rng(s("bunching", "seed")))
    b_lo, b_hi = s("bunching", "band")
    centers = (mass.edges[:-1] + mass.edges[1:]) / 2
    return pd.DataFrame({"low": mass.edges[:-1], "high": mass.edges[1:], "households": mass.counts,
                         "counterfactual": mass.counterfactual, "band": (centers > b_lo) & (centers < b_hi)})

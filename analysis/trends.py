"""Income trends: per-capita income over the years, its fitted growth, where the growth came from.

Per-capita income is always total net income over total people (sum / sum), never a mean of
household ratios. The trend is log-linear, fitted robustly (see `fit_trend`); parameters live in
data/trends.toml with unit and source.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from analysis.config import DATA_DIR
from analysis.i18n import HOUSEHOLD_TYPES_EN
from analysis.regioncodes import NATIONAL, province_of, region_level, region_prefix, region_where

SOURCES = ("wage_income", "operating_income", "property_income", "transfer_income")
BIN_WIDTH = 0.05  # band edges are multiples of this many lines
# The areas income is summed over inside a region; only these expressions reach SQL ({a}: table alias).
SUM_AREA = {"national": "county", "province": "county", "city": "county", "county": "township",
            "township": "village", "village": "village"}
AREA_EXPRESSIONS = {"county": "{a}.county_code", "township": "substr({a}.village_code, 1, 9)",
                    "village": "{a}.village_code"}
CHILD_LEVEL = {"national": "province", "province": "city", "city": "county", "county": "township",
               "township": "village", "village": "village"}


@cache
def parameters() -> dict:
    """data/trends.toml as {section: {name: value}} (units and sources stay in the file)."""
    with open(DATA_DIR / "trends.toml", "rb") as handle:
        raw = tomllib.load(handle)
    return {section: {name: entry["value"] for name, entry in items.items()} for section, items in raw.items()}


_SOURCE_SUMS = """
       sum(i.wage_income) AS wage_income,
       sum(i.operating_income) AS operating_income,
       sum(i.property_income) AS property_income,
       sum(i.transfer_income) AS transfer_income
"""
_COUNTY_YEAR_SUMS = """
SELECT county_code AS code, year, households, people, wage_income,
       crop_income + livestock_income + other_operating_income AS operating_income,
       property_income, transfer_income
FROM county_year c
WHERE {region} AND year BETWEEN $first AND $year
"""
_JOINED_SUMS = """
SELECT {area} AS code, i.year, count(*) AS households, sum(i.members) AS people,""" + _SOURCE_SUMS + """
FROM income_net i
WHERE {region} AND i.year BETWEEN $first AND $year
GROUP BY ALL
"""


def income_sums(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, first_year: int = 0) -> pd.DataFrame:
    """Total income by source (yuan), households and people per area and year: what the income page
    reads. Areas are counties inside a city or larger region (read from the county_year sums kept by
    the write path), townships inside a county, villages below (one county's income rows).
    Columns: code, year, households, people and the four SOURCES.
    """
    level = SUM_AREA[region_level(region_code)]
    years = {"first": first_year, "year": year}
    if level == "county":
        region, params = region_where(region_code, "c")
        sql = _COUNTY_YEAR_SUMS.format(region=region)
    else:
        region, params = region_where(region_code, "i")
        area = AREA_EXPRESSIONS[level].format(a="i")
        sql = _JOINED_SUMS.format(area=area, region=region)
    sums = cur.execute(sql, {**params, **years}).df()
    columns = ["code", "year", "households", "people", *SOURCES]
    return sums[columns].astype({"people": "int64", "households": "int64"}).sort_values(["code", "year"]
                                                                                      ).reset_index(drop=True)


_NAMES = """
SELECT code, name, name_en FROM regions WHERE starts_with(code, $prefix) AND length(code) <= $longest
"""


def area_names(cur: duckdb.DuckDBPyConnection, region_code: str) -> pd.DataFrame:
    """Names of the region and the areas inside it (villages only inside a township or village)."""
    level = region_level(region_code)
    longest = 12 if level in ("township", "village") else 9
    return cur.execute(_NAMES, {"prefix": region_code[:region_prefix(region_code)], "longest": longest}).df()


def area_code(codes: pd.Series, level: str) -> pd.Series:
    """The code of the `level` area that each finer code lies in (620121 → 620100 for a city)."""
    if level == "national":
        return pd.Series(NATIONAL, index=codes.index)
    width = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}[level]
    return codes.str.slice(0, width).str.pad(6, side="right", fillchar="0")


def per_capita(sums: pd.DataFrame, level: str, names: pd.DataFrame | None = None) -> pd.DataFrame:
    """`income_sums` added up to `level` areas and divided by their people (sum / sum).

    Columns: code, name, name_en, year, households, people, the four SOURCES per person and
    income_per_capita; names from `area_names` (the code stands in where a name is unknown).
    """
    totals = (sums.assign(code=area_code(sums["code"], level))
              .groupby(["code", "year"], as_index=False)[["households", "people", *SOURCES]].sum())
    totals = totals[totals["people"] > 0]
    for source in SOURCES:
        totals[source] = totals[source] / totals["people"]
    totals["income_per_capita"] = totals[list(SOURCES)].sum(axis=1)
    if names is None:
        names = pd.DataFrame(columns=["code", "name", "name_en"])
    out = totals.merge(names, on="code", how="left")
    out["name"] = out["name"].fillna(out["code"])
    return out[["code", "name", "name_en", *totals.columns.drop("code")]]


_LINES = """
SELECT year, monitoring_line FROM province_lines
WHERE year <= $year + 1 AND province_code = $province
ORDER BY year
"""


def monitoring_lines(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """The line that applies to the region in each year up to `year + 1` (its province's, else national)."""
    province = province_of(region_code)  # 000000 (China) for the whole country
    return cur.execute(_LINES, {"year": year, "province": province}).df()


@dataclass(frozen=True)
class TrendFit:
    """Yearly per-capita income: its growth, a fitted trend line, and next year's projection.

    `growth` is the average yearly growth (a random walk with drift: the mean of the yearly log growth
    rates, i.e. compound growth from the first to the last year). Its interval is the union of two
    models' intervals: the random walk's (t on the yearly growth rates, right when shocks last) and the
    robust log-linear trend's (RLM HuberT, t with n-2 df, right when shocks pass); `trend_growth`, `fitted`
    and `band_*` are that trend line. The projection starts from the latest year's level (never from the
    old trend line), its interval again the union of both models' prediction intervals. Intervals are
    None with fewer than `min_interval_years` years. `weights` are the robust weights; `latest_downweighted`
    says the trend line treated the newest year as partly an outlier.
    """
    years: tuple[int, ...]
    income: tuple[float, ...]
    confidence: float
    growth: float
    growth_low: float | None
    growth_high: float | None
    trend_growth: float
    fitted: tuple[float, ...]
    band_low: tuple[float, ...] | None
    band_high: tuple[float, ...] | None
    weights: tuple[float, ...]
    latest_downweighted: bool
    next_year: int
    projection: float
    projection_low: float | None
    projection_high: float | None
    method: str = ("growth: random walk with drift (WLS of yearly log growth on years elapsed); intervals: union "
                   "with the RLM HuberT log-linear trend's (t, n-2 df)")

    @property
    def n(self) -> int:
        return len(self.years)

    @property
    def has_intervals(self) -> bool:
        return self.growth_low is not None

    @property
    def projection_width(self) -> float | None:
        return None if self.projection_low is None else self.projection_high - self.projection_low

    def to_dict(self) -> dict:
        return asdict(self) | {"n": self.n, "projection_width": self.projection_width}


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class _LogFit:
    """One model's slope (log growth per year) and next-year log projection, each with a t interval."""
    slope: float
    slope_half: float
    ahead: float
    ahead_half: float


def _random_walk_with_drift(years: np.ndarray, log_income: np.ndarray, confidence: float) -> _LogFit:
    """Drift of a random walk from the yearly log growth rates: WLS of each step's change on the years it
    spans (weights 1/span, the exact GLS when years are missing), t with steps-1 df. Exact for a Gaussian
    random walk; conservative when deviations from a trend pass (they make steps negatively correlated)."""
    # lazy: statsmodels and scipy cost ~1.5 s of start-up to every importer
    import statsmodels.api as sm
    from scipy import stats

    span, change = np.diff(years).astype(float), np.diff(log_income)
    result = sm.WLS(change, span, weights=1 / span).fit()
    drift, drift_se, sigma = float(result.params[0]), float(result.bse[0]), math.sqrt(float(result.scale))
    if len(change) < 2:
        return _LogFit(drift, math.nan, float(log_income[-1]) + drift, math.nan)
    quantile = stats.t.ppf(0.5 + confidence / 2, len(change) - 1)
    return _LogFit(drift, quantile * drift_se, float(log_income[-1]) + drift,
                   quantile * math.sqrt(drift_se**2 + sigma**2))


def _robust_trend(design: np.ndarray, log_income: np.ndarray, huber_t: float, confidence: float):
    """RLM HuberT line on log income: one unusual year pulls less than in OLS. Its asymptotic (z) intervals
    are too narrow with six points, so t with n-2 df and the robust scale."""
    import statsmodels.api as sm
    from scipy import stats

    result = sm.RLM(log_income, design, M=sm.robust.norms.HuberT(t=huber_t)).fit()
    cov, scale = np.asarray(result.cov_params()), float(result.scale)
    quantile = stats.t.ppf(0.5 + confidence / 2, len(log_income) - 2)
    ahead = np.array([1.0, 1.0])
    fit = _LogFit(float(result.params[1]), quantile * math.sqrt(cov[1, 1]), float(ahead @ result.params),
                  quantile * math.sqrt(float(ahead @ cov @ ahead) + scale**2))
    fitted_half = quantile * np.sqrt(np.einsum("ij,jk,ik->i", design, cov, design))
    return fit, design @ result.params, fitted_half, result.weights


def _union(intervals: list[tuple[float, float]], shown: bool) -> tuple[float | None, float | None]:
    """The smallest interval holding every (centre ± half) given; (None, None) when intervals are hidden."""
    if not shown:
        return None, None
    return min(c - h for c, h in intervals), max(c + h for c, h in intervals)


def fit_trend(years: list[int] | np.ndarray, income: list[float] | np.ndarray,
              confidence: float | None = None) -> TrendFit | None:
    """Growth, trend line and next-year projection of yearly income; None with fewer than `min_years`
    positive points, intervals only from `min_interval_years` (data/trends.toml).

    Measured coverage (analysis.montecarlo.trends, README): see the model section of the README.
    """
    import statsmodels.api as sm

    settings = parameters()["trend"]
    confidence = settings["confidence"] if confidence is None else confidence
    frame = pd.DataFrame({"year": np.asarray(years, dtype=int), "income": np.asarray(income, dtype=float)})
    frame = frame[(frame["income"] > 0) & np.isfinite(frame["income"])].sort_values("year")  # inf: an overflowed sum
    if len(frame) < settings["min_years"]:
        return None
    last = int(frame["year"].iloc[-1])
    year_values = frame["year"].to_numpy()
    log_income = np.log(frame["income"].to_numpy())
    design = sm.add_constant((year_values - last).astype(float))
    walk = _random_walk_with_drift(year_values, log_income, confidence)
    trend, fitted, fitted_half, weights = _robust_trend(design, log_income, settings["huber_t"], confidence)
    shown = len(frame) >= settings["min_interval_years"]

    growth_low, growth_high = _union([(walk.slope, walk.slope_half), (trend.slope, trend.slope_half)], shown)
    ahead_low, ahead_high = _union([(walk.ahead, walk.ahead_half), (trend.ahead, trend.ahead_half)], shown)
    return TrendFit(
        years=tuple(int(y) for y in year_values), income=_floats(frame["income"].to_numpy()),
        confidence=confidence, growth=math.expm1(walk.slope),
        growth_low=None if growth_low is None else math.expm1(growth_low),
        growth_high=None if growth_high is None else math.expm1(growth_high),
        trend_growth=math.expm1(trend.slope), fitted=_floats(np.exp(fitted)),
        band_low=_floats(np.exp(fitted - fitted_half)) if shown else None,
        band_high=_floats(np.exp(fitted + fitted_half)) if shown else None,
        weights=_floats(weights), latest_downweighted=bool(weights[-1] < settings["downweighted_below"]),
        next_year=last + 1, projection=math.exp(walk.ahead),
        projection_low=None if ahead_low is None else math.exp(ahead_low),
        projection_high=None if ahead_high is None else math.exp(ahead_high),
    )


def growth_decomposition(sources: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Each source's contribution to the change in per-capita income, in percentage points.

    `sources`: one row per year (per `by` group) with the four SOURCES and income_per_capita, as
    from overview.income_by_source or per_capita. A source's contribution from year t-1 to t is
    its change divided by the previous total income × 100, so the contributions add up to the
    growth of the total; `total_pp` is their sum (exactly), `change` the total change in yuan.
    """
    keys = [by] if by else []
    frame = sources.sort_values([*keys, "year"]).reset_index(drop=True)
    grouped = frame.groupby(by, sort=False) if by else frame
    previous = grouped[["year", *SOURCES, "income_per_capita"]].shift(1)
    consecutive = frame["year"] - previous["year"] == 1
    out = frame.loc[consecutive, [*keys, "year"]].copy()
    base = previous.loc[consecutive, "income_per_capita"]
    for source in SOURCES:
        out[source] = (frame.loc[consecutive, source] - previous.loc[consecutive, source]) / base * 100
    out["total_pp"] = out[list(SOURCES)].sum(axis=1)
    out["previous_income"] = base
    out["income_per_capita"] = frame.loc[consecutive, "income_per_capita"]
    out["change"] = out["income_per_capita"] - base
    return out.reset_index(drop=True)


_PROVINCE_LINES = "SELECT province_code, monitoring_line FROM thresholds WHERE year = $year"


def _compound_growth(counties: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Per county: compound annual growth from its first year in [start, end) to `end` (span, growth)."""
    last = counties[counties["year"] == end].set_index("code")["income_per_capita"]
    first = counties[(counties["year"] >= start) & (counties["year"] < end)].sort_values("year").groupby("code").first()
    first = first.reindex(last.index)
    span = end - first["year"]
    return pd.DataFrame({"span": span, "growth": (last / first["income_per_capita"]) ** (1 / span) - 1})


def county_growth(counties: pd.DataFrame, lines: pd.Series, year: int, span: int,
                  floods: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counties' income level in `year` against compound annual growth over the last `span` years and over the
    `span` years before those (or the years there are). `counties`: per_capita at county level; `lines`:
    monitoring line by province code (000000 = the national default); `floods`: county_code, year of floods.

    Columns: code, name, name_en, households, income_per_capita, wage_income, line, level (income / line),
    span, growth, span_before, growth_before, flood_years (the county's flood years within both spans, e.g.
    "2021, 2023"), low_and_slow (below the median level, and below the median growth in both spans: one
    slow span — often last year's flood — is not enough).
    """
    now = counties[counties["year"] == year].set_index("code")
    recent = _compound_growth(counties, year - span, year).reindex(now.index)
    before = _compound_growth(counties, year - 2 * span, year - span).reindex(now.index)
    national = lines.get(NATIONAL, np.nan)
    out = now[["name", "name_en", "households", "income_per_capita", "wage_income"]].copy()
    out["line"] = [lines.get(province_of(code), national) for code in out.index]
    out["level"] = out["income_per_capita"] / out["line"]
    out["span"], out["growth"] = recent["span"], recent["growth"]
    out["span_before"], out["growth_before"] = before["span"], before["growth"]
    flooded = (floods if floods is not None else pd.DataFrame(columns=["county_code", "year"]))
    flooded = flooded[flooded["year"].between(year - 2 * span, year)]
    years = flooded.groupby("county_code")["year"].apply(lambda y: ", ".join(str(v) for v in sorted(set(y))))
    # a village: its county's floods; astype(object): a world without floods gives an empty float Series
    out["flood_years"] = years.astype(object).reindex(out.index.str[:6]).fillna("").to_numpy()
    out["low_and_slow"] = ((out["income_per_capita"] < out["income_per_capita"].median())
                           & (out["growth"] < out["growth"].median())
                           & (out["growth_before"] < out["growth_before"].median()))
    return out.reset_index()


_FLOODS = """
SELECT DISTINCT county_code, year(start_date) AS year FROM disasters WHERE hazard = 'flood' AND year(start_date) <= $year
"""


@dataclass(frozen=True)
class IncomeView:
    """Everything the income page draws for one region and year, from one scan of the income table.

    series: the region's per-capita income by source and year; lines: its monitoring line by year;
    fit: the trend (None with too few years); decomposition: growth by source, year on year;
    children: per-capita income of the areas one level down, by year; child_decomposition: their
    growth by source into `year`; counties: county_growth (of the villages, below a county: county sums
    would include other townships).
    """
    region: str
    year: int
    series: pd.DataFrame
    lines: pd.DataFrame
    fit: TrendFit | None
    decomposition: pd.DataFrame
    children: pd.DataFrame
    child_decomposition: pd.DataFrame
    counties: pd.DataFrame


def income_view(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> IncomeView:
    """The income page's numbers: per-capita income (sum / sum) of the region and the areas inside it."""
    level = region_level(region_code)
    sums = income_sums(cur, region_code, year)
    names = area_names(cur, region_code)
    series = per_capita(sums, level, names)
    children = per_capita(sums, CHILD_LEVEL[level], names)
    provinces = cur.execute(_PROVINCE_LINES, {"year": year}).df()
    county_lines = provinces.set_index("province_code")["monitoring_line"]
    return IncomeView(
        region=region_code, year=year, series=series, lines=monitoring_lines(cur, region_code, year),
        fit=fit_trend(series["year"], series["income_per_capita"]),
        decomposition=growth_decomposition(series),
        children=children,
        child_decomposition=growth_decomposition(children[children["year"] >= year - 1], by="code").merge(
            names, on="code", how="left").assign(name=lambda f: f["name"].fillna(f["code"])),
        counties=county_growth(per_capita(sums, "village" if level in ("township", "village") else "county", names),
                               county_lines, year,
                               parameters()["trend"]["growth_span"], cur.execute(_FLOODS, {"year": year}).df()),
    )


_BANDS = """
SELECT h.household_type,
       greatest(least(floor(i.per_capita_net_income / pl.monitoring_line / $width),
             $cap), -$cap)::INTEGER AS bin,  -- clamped both ways: an income that overflowed is -inf or inf
       count(*) AS households
FROM income_net i
JOIN households h ON h.household_id = i.household_id AND {household_region}
LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
WHERE {region} AND i.year = $year
GROUP BY ALL
"""


def band_labels(edges: list[float]) -> list[str]:
    """"<0.8", "0.8–1.0", …, "≥3.0" for band edges in multiples of the line."""
    inner = [f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(edges, edges[1:], strict=False)]
    return [f"<{edges[0]:.1f}", *inner, f"≥{edges[-1]:.1f}"]


def income_bands(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> pd.DataFrame:
    """Households by per-capita income in multiples of their monitoring line, by household type.

    Columns: household_type, band (index 0 … len(edges)), label, households, below_line (the band
    lies under the line). Every band of every
    type present is listed, with zeros. Households without a line for the year are left out.
    """
    edges = parameters()["bands"]["edges"]
    region, params = region_where(region_code, "i")
    household_region, _ = region_where(region_code, "h")
    fine = cur.execute(_BANDS.format(region=region, household_region=household_region), {**params, "year": year, "width": BIN_WIDTH,
                                                      "cap": round(edges[-1] / BIN_WIDTH)}).df()
    fine = fine.dropna(subset=["bin"])
    # Bin b covers [b, b+1) × 0.05 lines; edges are multiples of 0.05, so whole bins fall in one band.
    fine["band"] = np.searchsorted(np.round(np.array(edges) / BIN_WIDTH), fine["bin"].to_numpy(), side="right")
    counts = fine.groupby(["household_type", "band"])["households"].sum()
    order = list(HOUSEHOLD_TYPES_EN)
    types = sorted(fine["household_type"].unique(), key=lambda name: (name not in order, order.index(name)
                                                                       if name in order else name))
    full = pd.MultiIndex.from_product([types, range(len(edges) + 1)],
                                      names=["household_type", "band"])
    out = counts.reindex(full, fill_value=0).reset_index()
    out["label"] = [band_labels(edges)[band] for band in out["band"]]
    out["below_line"] = out["band"] < sum(edge <= 1.0 for edge in edges)
    return out

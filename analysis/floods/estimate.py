"""What a flood costs households: the imputation estimator of staggered flood effects on the county-year panel.

Outcome: the mean over households of log per-capita net income of county c in year t (households as weights).
A county is adopted in the year of its first flood; county and year effects are fitted on the county-years not
(yet) flooded, the untreated income of each flooded county-year is imputed from them, and the effect at event
time h (0 = the flood year, 1 and 2 = the lasting loss) is the household-weighted mean of the differences
(Borusyak, Jaravel & Spiess 2024; analysis.floods.imputation). A second flood in a county counts as part of the
lasting loss of its first. Counties flooded before the income years start have no untreated year and are left
out of the effects. An effect b on the log is shown as the proportional change exp(b) − 1.

Inference: with enough prefectures (city = first 4 digits of the county code) and flooded counties, a
prefecture-clustered variance (BJS Theorem 3, conservative) with t on G − 1 degrees of freedom; otherwise
randomization inference, flood histories permuted across the counties of each prefecture, the interval by test
inversion. Which one was used is in `inference`; the thresholds in data/floods.toml come from the Monte Carlo
study (analysis.floods.montecarlo, results in data/README.md).

Assumes that without the flood, flooded and other counties would have moved alike (checked by a placebo one year
before the flood, with a randomization p-value) and that a flood does not spill over to neighbouring counties.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from analysis.floods import imputation as im
from analysis.floods.panel import county_year_panel, county_year_panel_by_mix, flood_county_years, household_years
from analysis.floods.params import flood_params
from analysis.regioncodes import NATIONAL, province_of, region_level

METHOD = ("imputation estimator of staggered flood effects (Borusyak, Jaravel & Spiess 2024): county and year "
          "effects fitted on not-yet-flooded and never-flooded county-years of the county-year mean log per-capita "
          "net income (household-weighted); first flood = adoption")
INFERENCE = {
    "cluster_t": "prefecture-clustered imputation variance (BJS 2024 Thm 3, conservative), t with prefectures - 1 df",
    "randomization": "flood histories permuted across counties within prefectures ({n} permutations); interval "
                     "by inverting randomization tests, p-value of no flood effect",
}
OK, NO_DATA, NO_FLOODS, FEW_CLUSTERS, FEW_FLOODED = "ok", "no_data", "no_floods", "few_clusters", "few_flooded"
TOO_LARGE = "too_large"
EFFECT_COLUMNS = ["term", "k", "effect", "ci_low", "ci_high", "coef", "se", "p_value", "n_obs", "n_flooded",
                  "n_counties"]
MIXES = ("crop", "livestock", "wage", "mixed")
HORIZONS = range(3)   # the flood year and the two years after it


@dataclass(frozen=True)
class FloodPanel:
    """The county-year panel as arrays: rows = counties, columns = consecutive years."""
    counties: np.ndarray      # (N,) county codes
    years: np.ndarray         # (T,)
    y: np.ndarray             # (N, T) mean log per-capita net income, NaN where missing
    weights: np.ndarray       # (N, T) households behind each mean, 0 where missing
    adoption: np.ndarray      # (N,) column index of the first flood (may be < 0), inf if never
    severity: np.ndarray      # (N,) worst severity in the year of the first flood, 0 if never
    prefecture: np.ndarray    # (N,) prefecture index

    @property
    def flooded(self) -> np.ndarray:
        """Counties whose first flood falls in the income years after the first one (they can be imputed)."""
        return np.isfinite(self.adoption) & (self.adoption > 0) & (self.adoption < len(self.years))


@dataclass(frozen=True)
class FloodEstimate:
    """Effects of one model: `effects` has one row per term (EFFECT_COLUMNS), empty unless status is ok.

    Terms: `flood` (k = 0, the flood-year effect), `event_1`, `event_2` (the lasting loss), `placebo_-1`
    (the year before the flood: should be near 0); or severity_1…4, or mix_crop … mix_mixed.
    """
    region: str
    model: str                # main · severity · mix
    status: str               # ok, or why there is too little data
    n_obs: int                # county-years used
    n_households: int         # household-years behind them
    n_clusters: int           # counties with data
    n_flooded_counties: int   # counties whose first flood is in the income years (after the first)
    n_flooded: int            # flooded county-years in the flood-year effect
    n_prefectures: int = 0
    n_flooded_prefectures: int = 0
    effects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS))
    pretrend_p: float | None = None   # randomization p-value of the placebo one year before the flood
    inference: str = ""
    method: str = METHOD

    @property
    def ok(self) -> bool:
        return self.status == OK

    def term(self, name: str) -> dict | None:
        rows = self.effects[self.effects.term == name]
        return None if rows.empty else rows.iloc[0].to_dict()

    def effects_by_year(self) -> list[dict]:
        """event_time, effect, ci_low, ci_high, p_value, n_flooded for k = 0, 1, 2 (proportional changes)."""
        rows = self.effects[self.effects.k >= 0].sort_values("k")
        return [{"event_time": int(r.k), "effect": r.effect, "ci_low": r.ci_low, "ci_high": r.ci_high,
                 "p_value": r.p_value, "n_flooded": int(r.n_flooded)} for r in rows.itertuples()]

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "effects"}
        out["effects"] = self.effects.astype(object).where(self.effects.notna(), None).to_dict("records")
        return out


def build_panel(panel: pd.DataFrame, floods: pd.DataFrame) -> FloodPanel:
    """Arrays of the county-year frame (county_code, year, households, mean_log) and the flood county-years
    (county_code, year, severity: any years, also before the income years)."""
    panel = panel.dropna(subset=["mean_log"])
    counties = np.sort(panel.county_code.unique())
    years = np.arange(panel.year.min(), panel.year.max() + 1) if len(panel) else np.array([], dtype=int)
    row = pd.Index(counties).get_indexer(panel.county_code)
    col = (panel.year.to_numpy() - (years[0] if len(years) else 0)).astype(int)
    y = np.full((len(counties), len(years)), np.nan)
    weights = np.zeros((len(counties), len(years)))
    y[row, col], weights[row, col] = panel.mean_log, panel.households
    first = floods.sort_values("year").drop_duplicates("county_code").set_index("county_code")
    first = first.reindex(counties)
    adoption = (first.year.to_numpy(float) - (years[0] if len(years) else 0))
    adoption = np.where(np.isnan(adoption), im.NEVER, adoption)
    severity = first.severity.fillna(0).to_numpy(int) if "severity" in first else np.zeros(len(counties), int)
    prefecture = pd.factorize(pd.Series(counties, dtype=str).str[:4])[0]
    return FloodPanel(counties, years, y, weights, adoption, severity, prefecture)


def _counts(p: FloodPanel, horizon_counts: tuple[int, int] = (0, 0)) -> dict[str, int]:
    present = p.weights > 0
    flooded = (present & (im.event_time(p.adoption[None], len(p.years))[0] == 0)).any(1) & present.any(1)
    return {"n_flooded_prefectures": len(np.unique(p.prefecture[flooded])),
            "n_obs": int(present.sum()), "n_households": int(p.weights.sum()),
            "n_clusters": int(present.any(1).sum()), "n_flooded_counties": int(horizon_counts[1]),
            "n_flooded": int(horizon_counts[0]), "n_prefectures": int(len(np.unique(p.prefecture[present.any(1)])))}


def _status(p: FloodPanel, flooded_counties: int) -> str:
    params = flood_params()
    if not (p.weights > 0).any():
        return NO_DATA
    if flooded_counties == 0:
        return NO_FLOODS
    if (p.weights > 0).any(1).sum() < params.min_clusters:
        return FEW_CLUSTERS
    return FEW_FLOODED if flooded_counties < params.min_flooded_counties else OK


def choose_inference(n_flooded_prefectures: int, n_flooded_counties: int) -> str:
    """Clustered t when the flooded counties lie in enough prefectures and are enough (measured in the Monte
    Carlo: floods shared by a few prefectures leave the clustered t too few clusters), else randomization."""
    params = flood_params()
    enough = n_flooded_prefectures >= params.min_prefectures_t and n_flooded_counties >= params.min_flooded_t
    return "cluster_t" if enough else "randomization"


def _row(term: str, k: int, coef: float, low: float, high: float, se: float, p_value: float, n_obs: int,
         counts: tuple[int, int]) -> dict:
    return {"term": term, "k": k, "effect": np.expm1(coef), "ci_low": np.expm1(low), "ci_high": np.expm1(high),
            "coef": coef, "se": se, "p_value": p_value, "n_obs": n_obs, "n_flooded": int(counts[0]),
            "n_counties": int(counts[1])}


class _Fit:
    """One panel's estimates and the machinery to put intervals on any term of it."""

    def __init__(self, p: FloodPanel, inference: str, seed: int = 20240101):
        self.p, self.inference = p, inference
        self.design = im.Design(p.weights, p.adoption[None])
        params = flood_params()
        self.confidence = params.confidence
        self.orders = im.permutations(p.prefecture, params.permutations, np.random.default_rng(seed))
        self.n_obs = int((p.weights > 0).sum())

    def term(self, name: str, horizon: int, group: np.ndarray | None = None) -> dict | None:
        counts = tuple(int(c[0]) for c in self.design.counts(horizon, group))
        if counts[0] == 0:
            return None
        coef = float(np.einsum("nt,nt->", self.design.horizon_weights(horizon, group)[0], np.nan_to_num(self.p.y)))
        if self.inference == "cluster_t":
            se = float(np.sqrt(im.cluster_variance(self.p.y, self.design, horizon, self.p.prefecture, group)))
            df = max(len(np.unique(self.p.prefecture)) - 1, 1)
            q = stats.t.ppf(0.5 + self.confidence / 2, df)
            p_value = float(2 * stats.t.sf(abs(coef) / se, df)) if se > 0 else np.nan
            return _row(name, horizon, coef, coef - q * se, coef + q * se, se, p_value, self.n_obs, counts)
        low, high, p_value = im.randomization_interval(self.p.y, self.p.weights, self.p.adoption, horizon,
                                                       self.orders, self.confidence, group)
        return _row(name, horizon, coef, low, high, np.nan, p_value, self.n_obs, counts)


def placebo(p: FloodPanel, orders: np.ndarray) -> tuple[float, float] | None:
    """Effect one year before the flood, estimated as if floods came a year early on the county-years before each
    flood, and its randomization p-value (permuting the early histories the same way): near 0 and a large p if
    flooded counties were on the same path before their flood."""
    before = p.weights * (im.event_time(p.adoption[None], len(p.years))[0] < 0)
    early = p.adoption - 1
    design = im.Design(before, early[None])
    if design.counts(0)[0][0] == 0:
        return None
    estimate = float(np.einsum("nt,nt->", design.horizon_weights(0)[0], np.nan_to_num(p.y)))
    _, _, p_value = im.randomization_interval(p.y, before, early, 0, orders, 0.95)
    return estimate, p_value


def _assess(p: FloodPanel) -> tuple[str, dict[str, int]]:
    """Whether there is enough to estimate, and the counts behind the flood-year effect."""
    counts = tuple(int(c[0]) for c in im.Design(p.weights, p.adoption[None]).counts(0)) if p.y.size else (0, 0)
    return _status(p, counts[1]), _counts(p, counts)


def _main(region: str, p: FloodPanel) -> FloodEstimate:
    status, numbers = _assess(p)
    if status != OK:
        return FloodEstimate(region, "main", status, **numbers)
    inference = choose_inference(numbers["n_flooded_prefectures"], numbers["n_flooded_counties"])
    fit = _Fit(p, inference)
    rows = [fit.term("flood" if k == 0 else f"event_{k}", k) for k in HORIZONS]
    # A lasting effect resting on too few counties is not shown (the flood year passed the same check).
    rows = [r for r in rows if r is not None and r["n_counties"] >= flood_params().min_flooded_counties]
    check = placebo(p, fit.orders)
    pretrend = None
    if check is not None:
        rows.append(_row("placebo_-1", -1, check[0], np.nan, np.nan, np.nan, check[1], fit.n_obs, (0, 0)))
        pretrend = check[1]
    effects = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    return FloodEstimate(region, "main", status, **numbers, effects=effects, pretrend_p=pretrend,
                         inference=_inference_text(inference))


def _inference_text(kind: str) -> str:
    return kind + ": " + INFERENCE[kind].format(n=flood_params().permutations)


def _severity(region: str, p: FloodPanel, main: FloodEstimate) -> FloodEstimate:
    """The flood-year effect of counties whose first flood had each severity, shown only with enough behind it."""
    if not main.ok:
        return FloodEstimate(**{**main.__dict__, "model": "severity"})
    fit = _Fit(p, main.inference.split(":")[0])
    minimum = flood_params().min_term_flooded
    rows = [fit.term(f"severity_{s}", 0, p.severity == s) for s in range(1, 5)]
    effects = pd.DataFrame([r for r in rows if r is not None and r["n_flooded"] >= minimum], columns=EFFECT_COLUMNS)
    return FloodEstimate(**{**main.__dict__, "model": "severity", "effects": effects, "pretrend_p": None})


def _flood_panel(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodPanel:
    return build_panel(county_year_panel(cur, region_code), flood_county_years(cur, region_code))


def flood_effect(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """The flood-year effect (term `flood`) and the lasting loss (event_1, event_2) on per-capita net income."""
    return _main(region_code, _flood_panel(cur, region_code))


def effect_by_severity(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """The flood-year effect by severity of the first flood (terms severity_1 … severity_4)."""
    p = _flood_panel(cur, region_code)
    return _severity(region_code, p, _main(region_code, p))


@dataclass(frozen=True)
class FloodModels:
    """The main estimate and the severity split of one region, from a single panel query (what the page shows)."""
    main: FloodEstimate
    severity: FloodEstimate


def flood_models(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodModels:
    p = _flood_panel(cur, region_code)
    main = _main(region_code, p)
    return FloodModels(main, _severity(region_code, p, main))


def effect_by_income_mix(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """The flood-year effect separately for crop-, livestock-, wage-heavy and mixed households (terms mix_crop, …),
    each from the imputation estimator on that group's county-year panel; a group is shown only with at least
    `min_term_flooded` flooded county-years behind it."""
    if household_years(cur, region_code) > flood_params().mix_max_household_years:
        return FloodEstimate(region_code, "mix", TOO_LARGE, 0, 0, 0, 0, 0)
    floods = flood_county_years(cur, region_code)
    by_mix = county_year_panel_by_mix(cur, region_code)
    whole = by_mix.groupby(["county_code", "year"], as_index=False).agg(households=("households", "sum"))
    status, numbers = _assess(build_panel(whole.assign(mean_log=0.0), floods))
    if status != OK:
        return FloodEstimate(region_code, "mix", status, **numbers)
    minimum = flood_params().min_term_flooded
    rows, inference = [], ""
    for mix in MIXES:
        group = _main(region_code, build_panel(by_mix[by_mix.income_mix == mix], floods))
        if group.ok and group.term("flood")["n_flooded"] >= minimum:
            rows.append({**group.term("flood"), "term": f"mix_{mix}"})
            inference = group.inference
    return FloodEstimate(region_code, "mix", status, **numbers, effects=pd.DataFrame(rows, columns=EFFECT_COLUMNS),
                         inference=inference)


def estimation_scopes(region_code: str) -> tuple[str, ...]:
    """Where to estimate, most local first: the region, its province, the whole country (no repeats)."""
    scopes = [region_code] if region_level(region_code) != "national" else []
    if region_level(region_code) not in ("national", "province"):
        scopes.append(province_of(region_code))
    return (*scopes, NATIONAL)

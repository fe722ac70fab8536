"""What a flood costs households: two-way fixed-effects difference-in-differences on the county-year panel.

Model: mean log per-capita income of county c in year t = county effect + year effect + b · flood(c, t) + e,
weighted by households, standard errors clustered by county (t with G−1 degrees of freedom). The fixed
effects are absorbed by weighted alternating demeaning, then statsmodels WLS. A coefficient b is shown as
the proportional change exp(b) − 1, its interval transformed the same way.

Assumes floods are as good as random given county and year (no county-specific trends) and that a flood's
effect does not spill over to neighbouring counties; the event study shows the years around each flood
so the first assumption can be checked (flat leads).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.floods.panel import county_year_panel, county_year_panel_by_mix, flood_county_years, household_years
from analysis.floods.params import flood_params
from analysis.regioncodes import NATIONAL, province_of, region_level

METHOD = ("two-way fixed effects (county, year) difference-in-differences on county-year mean log per-capita "
          "net income, household-weighted WLS, SE clustered by county")
OK, NO_DATA, NO_FLOODS, FEW_CLUSTERS, FEW_FLOODED = "ok", "no_data", "no_floods", "few_clusters", "few_flooded"
TOO_LARGE = "too_large"
EFFECT_COLUMNS = ["term", "effect", "ci_low", "ci_high", "coef", "se", "p_value", "n_obs", "n_flooded"]
MIXES = ("farm", "mixed", "wage")


@dataclass(frozen=True)
class FloodEstimate:
    """Effects of one model: `effects` has one row per term (EFFECT_COLUMNS), empty unless status is ok."""
    region: str
    model: str                # pooled · severity · event · mix
    status: str               # ok, or why there is too little data
    n_obs: int                # county-years used
    n_households: int         # household-years behind them
    n_clusters: int           # counties
    n_flooded_counties: int
    n_flooded: int            # flooded county-years
    effects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS))
    pretrend_p: float | None = None   # event study: joint test that all leads are zero
    method: str = METHOD

    @property
    def ok(self) -> bool:
        return self.status == OK

    def term(self, name: str) -> dict | None:
        rows = self.effects[self.effects.term == name]
        return None if rows.empty else rows.iloc[0].to_dict()

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "effects"}
        out["effects"] = self.effects.replace({np.nan: None}).to_dict("records")
        return out


def _demean(values: np.ndarray, weights: np.ndarray, groups: tuple[np.ndarray, ...],
            tol: float = 1e-11, max_iter: int = 1000) -> np.ndarray:
    """Remove weighted group means of every fixed effect at once (alternating projections)."""
    out = values.astype(float).copy()
    totals = [np.bincount(g, weights) for g in groups]
    for _ in range(max_iter):
        change = 0.0
        for g, total in zip(groups, totals, strict=True):
            means = np.column_stack([np.bincount(g, weights * col) for col in out.T]) / total[:, None]
            out -= means[g]
            change = max(change, float(np.abs(means).max(initial=0.0)))
        if change < tol:
            break
    return out


def twfe(panel: pd.DataFrame, terms: list[str], *, confidence: float) -> tuple[pd.DataFrame, object]:
    """Fit the weighted two-way FE model of `mean_log` on `terms`; returns effects and the statsmodels result.

    Terms with no variation left after the fixed effects (e.g. a severity never seen) are dropped.
    """
    county = pd.factorize(panel["county_code"])[0]
    year = pd.factorize(panel["year"])[0]
    weights = panel["households"].to_numpy(float)
    data = _demean(panel[["mean_log", *terms]].to_numpy(float), weights, (county, year))
    keep = [i for i, _ in enumerate(terms) if np.sum(weights * data[:, i + 1] ** 2) > 1e-9]
    kept = [terms[i] for i in keep]
    model = sm.WLS(data[:, 0], data[:, [i + 1 for i in keep]], weights=weights)
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": county}, use_t=True)
    ci = np.asarray(fit.conf_int(alpha=1 - confidence))
    coef = np.asarray(fit.params)
    effects = pd.DataFrame({
        "term": kept, "effect": np.expm1(coef), "ci_low": np.expm1(ci[:, 0]), "ci_high": np.expm1(ci[:, 1]),
        "coef": coef, "se": np.asarray(fit.bse), "p_value": np.asarray(fit.pvalues),
        "n_obs": len(panel), "n_flooded": [int((panel[t] != 0).sum()) for t in kept],
    })
    return effects, fit


def _exposure(panel: pd.DataFrame, floods: pd.DataFrame) -> pd.DataFrame:
    """The panel with `severity` (0 = no flood) of each county-year."""
    merged = panel.merge(floods, on=["county_code", "year"], how="left")
    return merged.assign(severity=merged["severity"].fillna(0).astype(int))


def _status(panel: pd.DataFrame) -> str:
    p = flood_params()
    if panel.empty:
        return NO_DATA
    flooded = panel.loc[panel.severity > 0, "county_code"].nunique()
    if flooded == 0:
        return NO_FLOODS
    if panel["county_code"].nunique() < p.min_clusters:
        return FEW_CLUSTERS
    return FEW_FLOODED if flooded < p.min_flooded_counties else OK


def _counts(panel: pd.DataFrame) -> dict[str, int]:
    return {"n_obs": len(panel), "n_households": int(panel["households"].sum()),
            "n_clusters": int(panel["county_code"].nunique()),
            "n_flooded_counties": int(panel.loc[panel.severity > 0, "county_code"].nunique()),
            "n_flooded": int((panel.severity > 0).sum())}


def _estimate(region: str, model: str, panel: pd.DataFrame, terms: list[str]) -> FloodEstimate:
    panel = panel.dropna(subset=["mean_log"])
    status, counts = _status(panel), _counts(panel)
    if status != OK:
        return FloodEstimate(region, model, status, **counts)
    effects, fit = twfe(panel, terms, confidence=flood_params().confidence)
    pretrend = None
    leads = [i for i, term in enumerate(effects.term) if term.startswith("event_-")]
    if model == "event" and leads:
        restriction = np.zeros((len(leads), len(effects)))
        restriction[np.arange(len(leads)), leads] = 1
        pretrend = float(fit.f_test(restriction).pvalue)
    return FloodEstimate(region, model, status, **counts, effects=effects, pretrend_p=pretrend)


def _flood_panel(cur: duckdb.DuckDBPyConnection, region_code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    floods = flood_county_years(cur, region_code)
    return _exposure(county_year_panel(cur, region_code), floods), floods


def _pooled(region_code: str, panel: pd.DataFrame) -> FloodEstimate:
    return _estimate(region_code, "pooled", panel.assign(flood=(panel.severity > 0).astype(float)), ["flood"])


def _by_severity(region_code: str, panel: pd.DataFrame) -> FloodEstimate:
    terms = {f"severity_{s}": (panel.severity == s).astype(float) for s in range(1, 5)}
    return _estimate(region_code, "severity", panel.assign(**terms), list(terms))


def event_terms(panel: pd.DataFrame, floods: pd.DataFrame) -> dict[str, pd.Series]:
    """event_k = 1 when the county had a flood in year t − k, for k in the window except the reference."""
    p = flood_params()
    flooded = set(zip(floods["county_code"], floods["year"], strict=True))
    low, high = p.event_window
    return {f"event_{k}": pd.Series([float((c, y - k) in flooded) for c, y in
                                     zip(panel["county_code"], panel["year"], strict=True)], index=panel.index)
            for k in range(low, high + 1) if k != p.reference_period}


def _event(region_code: str, panel: pd.DataFrame, floods: pd.DataFrame) -> FloodEstimate:
    terms = event_terms(panel, floods)
    result = _estimate(region_code, "event", panel.assign(**terms), list(terms))
    if not result.ok:
        return result
    reference = pd.DataFrame([{"term": f"event_{flood_params().reference_period}", "effect": 0.0, "coef": 0.0,
                               "n_obs": result.n_obs}])
    effects = pd.concat([result.effects, reference], ignore_index=True)
    effects = effects.assign(k=effects.term.str.removeprefix("event_").astype(int)).sort_values("k", ignore_index=True)
    return FloodEstimate(**{**result.__dict__, "effects": effects})


def flood_effect(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """The average effect of a flood on per-capita net income in the flood year (term `flood`)."""
    return _pooled(region_code, _flood_panel(cur, region_code)[0])


def effect_by_severity(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """One effect per severity level 1–4 (terms severity_1 … severity_4), in the same model."""
    return _by_severity(region_code, _flood_panel(cur, region_code)[0])


def event_study(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """Effects in the years before and after each flood (terms event_-3 … event_3), reference year −1.

    Leads (negative k) should be near zero if flooded counties were on the same path before the flood.
    The reference year is included as a row with effect 0 and no interval, for the chart.
    """
    return _event(region_code, *_flood_panel(cur, region_code))


@dataclass(frozen=True)
class FloodModels:
    """The three county-year models of one region, fitted on one pass over the data."""
    pooled: FloodEstimate
    severity: FloodEstimate
    event: FloodEstimate


def flood_models(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodModels:
    """flood_effect, effect_by_severity and event_study from a single panel query (what the page shows)."""
    panel, floods = _flood_panel(cur, region_code)
    return FloodModels(_pooled(region_code, panel), _by_severity(region_code, panel),
                       _event(region_code, panel, floods))


def effect_by_income_mix(cur: duckdb.DuckDBPyConnection, region_code: str) -> FloodEstimate:
    """The flood effect separately for farm-heavy, mixed and wage-heavy households (terms mix_farm, …).

    One model per group on that group's county-year panel; n_obs and n_flooded are per group.
    """
    if household_years(cur, region_code) > flood_params().mix_max_household_years:
        return FloodEstimate(region_code, "mix", TOO_LARGE, 0, 0, 0, 0, 0)
    floods = flood_county_years(cur, region_code)
    by_mix = _exposure(county_year_panel_by_mix(cur, region_code), floods)
    whole = by_mix.groupby(["county_code", "year"], as_index=False).agg(households=("households", "sum"),
                                                                       severity=("severity", "max"))
    status, counts = _status(whole), _counts(whole)
    if status != OK:
        return FloodEstimate(region_code, "mix", status, **counts)
    rows = []
    for mix in MIXES:
        group = by_mix[by_mix.income_mix == mix]
        single = _estimate(region_code, "mix", group.assign(flood=(group.severity > 0).astype(float)), ["flood"])
        if single.ok:
            rows.append(single.effects.assign(term=f"mix_{mix}"))
    effects = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=EFFECT_COLUMNS)
    return FloodEstimate(region_code, "mix", status, **counts, effects=effects)


def estimation_scopes(region_code: str) -> tuple[str, ...]:
    """Where to estimate, most local first: the region, its province, the whole country (no repeats)."""
    scopes = [region_code] if region_level(region_code) != "national" else []
    if region_level(region_code) not in ("national", "province"):
        scopes.append(province_of(region_code))
    return (*scopes, NATIONAL)

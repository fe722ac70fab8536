"""Early warning: which households fall below the monitoring line next year, from this year's features.

A logistic regression (statsmodels Logit) on household transitions t → t+1: features of year t,
outcome `below_next` = per-capita net income below the line in t+1. Features are defined once, in
SQL (`FEATURES`), and used both to fit (fetched into pandas) and to score (a bound-parameter linear
predictor in SQL, cheap at any scale). The model is judged honestly: fitted on transitions whose
outcome year is at most T, evaluated on T → T+1, against income ÷ line (no model) and the below-line rule.
Large worlds are fitted and evaluated on a deterministic hash sample of households (MAX_ROWS).
"""
from __future__ import annotations

import math
import tomllib
import warnings
from dataclasses import asdict, dataclass
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from analysis.config import DATA_DIR
from analysis.regioncodes import NATIONAL, region_where

MAX_ROWS = 250_000  # household-years fitted or evaluated at most; larger worlds are hash-sampled
CALIBRATION_BINS = 10

# Feature name → SQL over the `hy` columns below. Shares are of net income (0 when income is not positive);
# crop, other operating and property income are the reference part of the composition.
FEATURES: dict[str, str] = {
    "log_income_ratio": "least(greatest(ln(greatest(per_capita, 0.05 * line) / line), -3), 3)",
    "below_line": "(per_capita < line)::DOUBLE",
    "wage_share": "CASE WHEN net_income > 0 THEN least(greatest(wage_income / net_income, 0), 2) ELSE 0 END",
    "transfer_share": "CASE WHEN net_income > 0 THEN least(greatest(transfer_income / net_income, 0), 2) ELSE 0 END",
    "livestock_share": "CASE WHEN net_income > 0 THEN least(greatest(livestock_income / net_income, 0), 2) ELSE 0 END",
    "members": "members::DOUBLE",
    "labour_share": "coalesce(labor_count, 0)::DOUBLE / members",
    "rigid_share": "CASE WHEN net_income > 0 THEN least(rigid_spending / net_income, 3) ELSE 3 END",
    "disaster_severity": "disaster_severity::DOUBLE",
    "relocated": "coalesce(relocated, FALSE)::DOUBLE",
    "type_formerly_poor": "(household_type = '脱贫户')::DOUBLE",
    "type_unstable": "(household_type = '脱贫不稳定户')::DOUBLE",
    "type_edge": "(household_type = '边缘易致贫户')::DOUBLE",
    "type_sudden": "(household_type = '突发严重困难户')::DOUBLE",
}

# Household-years of the region from $first_year to $last_year with the columns FEATURES use, and the
# outcome in the next year (NULL when there is no next year).
_HOUSEHOLD_YEARS = """
WITH inc AS (
    SELECT i.household_id, i.year, i.county_code, i.wage_income, i.livestock_income, i.transfer_income,
           coalesce(i.medical_expense, 0) + coalesce(i.education_expense, 0) AS rigid_spending,
           i.net_income, i.per_capita_net_income AS per_capita
    FROM income_net i
    WHERE {region_i} AND i.year BETWEEN $first_year AND $last_year + $outcome_years AND {sample}
), disaster AS (
    SELECT county_code, year(start_date) AS year, max(severity) AS disaster_severity
    FROM disasters GROUP BY ALL
), hy AS (
    SELECT inc.*, h.members, h.labor_count, h.relocated, {type_then} AS household_type,
           pl.monitoring_line AS line,
           coalesce(d.disaster_severity, 0) AS disaster_severity
    FROM inc JOIN households h ON h.household_id = inc.household_id
    LEFT JOIN province_lines pl ON pl.year = inc.year AND pl.province_code = substr(inc.county_code, 1, 2) || '0000'
    LEFT JOIN disaster d ON d.county_code = inc.county_code AND d.year = inc.year
    WHERE {region_h} AND {sample_h}
), featured AS (
    SELECT household_id, year, {features}
    FROM hy
    WHERE year BETWEEN $first_year AND $last_year AND line IS NOT NULL
), scored AS (
    SELECT f.*, n.per_capita < n.line AS below_next
    FROM featured f LEFT JOIN hy n ON n.household_id = f.household_id AND n.year = f.year + 1
)
"""


# The household's type as it stood on 31 December of the feature year: the register holds today's type, and
# a monitored type (监测对象) dates from 纳入监测 (monitored_since). Before that date, or when the date is unknown,
# a 脱贫不稳定户 was a 脱贫户 and the other monitored types were 一般农户: no type carries a later enrolment.
# 脱贫户 status dates from the 2014–2015 registration, before any income year here.
_TYPE_AT_YEAR_END = """CASE
    WHEN h.household_type IN ('脱贫不稳定户', '边缘易致贫户', '突发严重困难户')
         AND (h.monitored_since IS NULL OR h.monitored_since > make_date(inc.year, 12, 31))
    THEN CASE WHEN h.household_type = '脱贫不稳定户' THEN '脱贫户' ELSE '一般农户' END
    ELSE h.household_type END"""


class NotEnoughData(ValueError):
    """Too few years or outcomes to fit or evaluate the model."""


def _household_years_sql(region_code: str, first_year: int, last_year: int, sample_mod: int,
                         with_outcome: bool = True) -> tuple[str, dict]:
    """The CTEs above; without the outcome, next year's rows are not read (`scored` then has no outcome)."""
    params: dict = {"first_year": first_year, "last_year": last_year, "outcome_years": int(with_outcome)}
    region_i, region_params = region_where(region_code, "i")
    region_h, _ = region_where(region_code, "h")
    params |= region_params
    sample = {"sample": "TRUE", "sample_h": "TRUE"}
    if sample_mod > 1:
        # The same households on both sides of the join (a hash of the id keeps all years of a household), so
        # neither side carries the 30 million rows through it. The cast keeps the modulo in hash()'s own type:
        # with an untyped parameter it ran ≈10× slower (4.5 s against 0.4 s over 30M households).
        sample = {f"sample{side}": f"hash({alias}.household_id) % $sample_mod::UBIGINT = 0"
                  for side, alias in (("", "i"), ("_h", "h"))}
        params["sample_mod"] = sample_mod
    features = ", ".join(f"{sql} AS {name}" for name, sql in FEATURES.items())
    return _HOUSEHOLD_YEARS.format(region_i=region_i, region_h=region_h, features=features,
                                   type_then=_TYPE_AT_YEAR_END, **sample), params


def _sample_mod(cur: duckdb.DuckDBPyConnection, region_code: str, years: int) -> int:
    """1 to use every household, else k to keep about one household in k (hash of household_id)."""
    region, params = region_where(region_code, "h")
    households = cur.execute(f"SELECT count(*) FROM households h WHERE {region}", params).fetchone()[0]
    return max(1, math.ceil(households * years / MAX_ROWS))


def transitions(cur: duckdb.DuckDBPyConnection, region_code: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Household-years first_year … last_year with a known next year: household_id, year, FEATURES, below_next."""
    mod = _sample_mod(cur, region_code, last_year - first_year + 1)
    sql, params = _household_years_sql(region_code, first_year, last_year, mod)
    frame = cur.execute(sql + "SELECT * FROM scored WHERE below_next IS NOT NULL", params).df()
    return frame.sort_values(["year", "household_id"], ignore_index=True)  # in pandas: cheaper than in SQL


def _year_range(cur: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    first, last = cur.execute("SELECT min(year), max(year) FROM income").fetchone()
    if first is None:
        raise NotEnoughData("no income data")
    return int(first), int(last)


@dataclass(frozen=True)
class RiskModel:
    """A fitted model (hashable, so pages can pass it to shell.fetch): coefficients with 95% intervals."""
    outcome_through: int                 # fitted on transitions t → t+1 with t+1 ≤ this year
    names: tuple[str, ...]               # "const" then features (features constant in the data are dropped)
    coefficients: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    observations: int
    positives: int

    def odds_ratios(self) -> pd.DataFrame:
        """feature, odds_ratio, lower, upper (95%), without the intercept."""
        return pd.DataFrame({"feature": self.names, "odds_ratio": np.exp(self.coefficients),
                             "lower": np.exp(self.lower), "upper": np.exp(self.upper)}).iloc[1:].reset_index(drop=True)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Probability of being below the line next year for rows holding the FEATURES columns."""
        x = features[list(self.names[1:])].to_numpy(dtype=float)
        return 1 / (1 + np.exp(-(self.coefficients[0] + x @ np.asarray(self.coefficients[1:]))))


def fit_risk_model(cur: duckdb.DuckDBPyConnection, outcome_through: int) -> RiskModel:
    """Fit on every region's transitions t → t+1 with t+1 ≤ `outcome_through`."""
    first, _ = _year_range(cur)
    data = transitions(cur, NATIONAL, first, outcome_through - 1)
    y = data["below_next"].astype(float).to_numpy()
    if len(data) == 0 or y.sum() < 10 or (1 - y).sum() < 10:
        raise NotEnoughData(f"too few transitions with outcomes up to {outcome_through} to fit the model")
    # lazy: statsmodels and scipy cost ~1.5 s of start-up to every importer
    import statsmodels.api as sm

    x = data[list(FEATURES)]
    x = sm.add_constant(x.loc[:, x.std() > 0], has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on near-separated dummies; intervals show it
        result = sm.Logit(y, x).fit(disp=0, maxiter=200, method="newton")
    interval = result.conf_int(0.05)
    return RiskModel(outcome_through, tuple(x.columns), tuple(map(float, result.params)),
                     tuple(map(float, interval[0])), tuple(map(float, interval[1])), len(y), int(y.sum()))


def risk_scores(cur: duckdb.DuckDBPyConnection, region_code: str, year: int,
                model: RiskModel | None = None) -> pd.DataFrame:
    """household_id, risk_score: probability of being below the line in year+1, from year's features.

    `model` defaults to one fitted on outcomes up to `year`; pages fetch it once per data version
    (`shell.fetch(fit_risk_model, year)`) and pass it, so scoring a region is one SQL query.
    """
    sql, params = _scores_sql(region_code, year, model or fit_risk_model(cur, year))
    return cur.execute(sql + "SELECT * FROM scores ORDER BY household_id", params).df()


def _scores_sql(region_code: str, year: int, model: RiskModel) -> tuple[str, dict]:
    """CTEs ending in `scores` (household_id, risk_score) for the region's households in `year`."""
    sql, params = _household_years_sql(region_code, year, year, 1, with_outcome=False)
    linear = " + ".join(["$b0", *(f"$b{i} * {name}" for i, name in enumerate(model.names[1:], start=1))])
    params |= {f"b{i}": value for i, value in enumerate(model.coefficients)}
    return sql + f", scores AS (SELECT household_id, 1 / (1 + exp(-({linear}))) AS risk_score FROM featured)\n", params


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve by the Mann–Whitney U statistic (ties count one half)."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool)
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)  # average rank of each tie group, 1-based
    u = ranks[labels].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def precision_at_k(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Share of positives among the k highest scores (ties broken by position)."""
    if k <= 0:
        return float("nan")
    top = np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")[:k]
    return float(np.asarray(labels, dtype=bool)[top].mean())


def calibration(scores: np.ndarray, labels: np.ndarray, bins: int = CALIBRATION_BINS) -> pd.DataFrame:
    """Deciles of the predicted probability: bin, households, predicted (mean), observed (rate)."""
    frame = pd.DataFrame({"score": scores, "label": np.asarray(labels, dtype=float)})
    frame["bin"] = pd.qcut(frame["score"].rank(method="first"), bins, labels=False) + 1
    return frame.groupby("bin").agg(households=("label", "size"), predicted=("score", "mean"),
                                    observed=("label", "mean")).reset_index()


@cache
def settings() -> dict:
    """data/riskmodel.toml as {section: {name: value}}."""
    with open(DATA_DIR / "riskmodel.toml", "rb") as handle:
        raw = tomllib.load(handle)
    return {section: {name: entry["value"] for name, entry in items.items()}
            for section, items in raw.items() if isinstance(items, dict)}


def delong(scores: list[np.ndarray], labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several scores on the same households and their covariance (DeLong, DeLong & Clarke-Pearson
    1988, with midranks as in Sun & Xu 2014): the AUC is a two-sample U statistic; its variance comes from
    each positive's and negative's placement among the other group."""
    from scipy import stats

    labels = np.asarray(labels, dtype=bool)
    m, n = labels.sum(), (~labels).sum()
    placements_pos, placements_neg, aucs = [], [], []
    for score in scores:
        score = np.asarray(score, dtype=float)
        x, y = score[labels], score[~labels]
        all_ranks = stats.rankdata(np.concatenate([x, y]))
        within_x, within_y = stats.rankdata(x), stats.rankdata(y)
        aucs.append((all_ranks[:m].sum() - m * (m + 1) / 2) / (m * n))
        placements_pos.append((all_ranks[:m] - within_x) / n)      # share of negatives below each positive
        placements_neg.append(1 - (all_ranks[m:] - within_y) / m)  # share of positives above each negative
    cov = np.atleast_2d(np.cov(placements_pos)) / m + np.atleast_2d(np.cov(placements_neg)) / n
    return np.array(aucs), cov


@dataclass(frozen=True)
class Ranking:
    """One way of choosing whom to visit, judged on the next year: AUC (DeLong interval) and, for the
    households it lists, precision (share of them below the line) and recall (share of all households below
    the line that it lists), each with a Wilson interval."""
    name: str                   # model · distance (income ÷ line, lowest first) · rule (below the line now)
    auc: float
    auc_low: float
    auc_high: float
    listed: int
    hits: int
    precision: float
    precision_low: float
    precision_high: float
    recall: float
    recall_low: float
    recall_high: float


def _wilson(hits: int, total: int, confidence: float) -> tuple[float, float, float]:
    if total == 0:
        return float("nan"), float("nan"), float("nan")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(hits, total, alpha=1 - confidence, method="wilson")
    return hits / total, float(low), float(high)


def _ranking(name: str, listed: np.ndarray, labels: np.ndarray, auc_value: float, auc_se: float,
             confidence: float) -> Ranking:
    from scipy import stats

    hits = int(labels[listed].sum())
    z = stats.norm.ppf(0.5 + confidence / 2)
    precision = _wilson(hits, int(listed.sum()), confidence)
    recall = _wilson(hits, int(labels.sum()), confidence)
    return Ranking(name, float(auc_value), max(0.0, auc_value - z * auc_se), min(1.0, auc_value + z * auc_se),
                   int(listed.sum()), hits, *precision, *recall)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """A mask of the k highest scores (ties broken by position)."""
    mask = np.zeros(len(scores), dtype=bool)
    mask[np.argsort(-np.asarray(scores, dtype=float), kind="mergesort")[:k]] = True
    return mask


@dataclass(frozen=True)
class Evaluation:
    """Out-of-year evaluation: fitted with outcomes up to `year`, judged on year → year+1 in the region.

    rankings: model, distance to the line (income ÷ line, a continuous baseline with no model) and the
    below-the-line rule; the model and the distance list `list_size` households (the visit list), the rule
    lists the households it flags. auc_gain: model AUC − distance AUC with its DeLong interval.
    """
    year: int
    model: RiskModel
    households: int
    positives: int
    list_size: int
    list_share: float
    confidence: float
    rankings: tuple[Ranking, ...]
    auc_gain: float
    auc_gain_low: float
    auc_gain_high: float
    calibration: pd.DataFrame

    def ranking(self, name: str) -> Ranking:
        return next(r for r in self.rankings if r.name == name)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(r) for r in self.rankings])


def evaluation_year(cur: duckdb.DuckDBPyConnection, year: int) -> int:
    """The latest year ≤ `year` that has a next year to be judged on."""
    first, last = _year_range(cur)
    chosen = min(year, last - 1)
    if chosen <= first:
        raise NotEnoughData("at least three years of income are needed to fit and evaluate the model")
    return chosen


def evaluate(cur: duckdb.DuckDBPyConnection, region_code: str, year: int) -> Evaluation:
    """Fit on outcomes up to `year`, then judge the predictions of year → year+1 in the region against the
    distance to the line and the below-the-line rule."""
    model = fit_risk_model(cur, year)
    test = transitions(cur, region_code, year, year)
    labels = test["below_next"].to_numpy(dtype=bool)
    if labels.sum() < 2 or (~labels).sum() < 2:
        raise NotEnoughData(f"too few households (or too many) below the line in {year + 1} in this region")
    share, confidence = settings()["visit_list"]["share"], settings()["intervals"]["confidence"]
    list_size = max(1, math.ceil(share * len(test)))
    scores = {"model": model.predict(test), "distance": -test["log_income_ratio"].to_numpy(dtype=float),
              "rule": test["below_line"].to_numpy(dtype=float)}
    aucs, cov = delong(list(scores.values()), labels)
    listed = {"model": top_k(scores["model"], list_size), "distance": top_k(scores["distance"], list_size),
              "rule": scores["rule"] > 0}
    rankings = tuple(_ranking(name, listed[name], labels, aucs[i], math.sqrt(cov[i, i]), confidence)
                     for i, name in enumerate(scores))
    gain, gain_se = aucs[0] - aucs[1], math.sqrt(max(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1], 0.0))
    from scipy import stats

    z = stats.norm.ppf(0.5 + confidence / 2)
    return Evaluation(year, model, len(test), int(labels.sum()), list_size, share, confidence, rankings,
                      float(gain), float(gain - z * gain_se), float(gain + z * gain_se),
                      calibration(scores["model"], labels))


_LIST = """
SELECT h.household_id, h.village_code, coalesce(v.name, h.village_code) AS village_name, h.head_name_masked,
       h.household_type, h.members
FROM households h
LEFT JOIN regions v ON v.code = h.village_code
WHERE h.household_id IN $ids
"""


def highest_risk(cur: duckdb.DuckDBPyConnection, region_code: str, year: int, model: RiskModel,
                 limit: int = 200) -> pd.DataFrame:
    """The `limit` households of the region most likely below the line in year+1, highest first:
    household_id, village_code, village_name, head_name_masked, household_type, members, risk_score."""
    sql, params = _scores_sql(region_code, year, model)  # the top in SQL: a country has 30 million scores
    scores = cur.execute(sql + "SELECT * FROM scores ORDER BY risk_score DESC, household_id LIMIT $limit",
                         params | {"limit": limit}).df()
    details = cur.execute(_LIST, {"ids": scores["household_id"].tolist()}).df()
    return scores.merge(details, on="household_id")[
        ["household_id", "village_code", "village_name", "head_name_masked", "household_type", "members", "risk_score"]]

"""The imputation estimator of staggered flood effects (Borusyak, Jaravel & Spiess 2024), in numpy.

A county is *adopted* in the year of its first flood; its later years are event time h = 1, 2, … after it
(a second flood is part of the lasting loss of the first; see data/README.md). County and year effects are fitted
by weighted least squares on the untreated county-years only (never-flooded counties and flooded ones before
their first flood); each flooded county-year's untreated outcome is imputed from them, and the effect at event
time h is the weighted mean of (outcome − imputed outcome) over the flooded county-years at h.

Everything is vectorised over a leading batch axis of flood histories, so that a randomization-inference run
(hundreds of permuted histories) and a Monte Carlo study cost a few array operations each.
The estimate is linear in the outcome: effect_h = Σ v_it · y_it, with weights v that depend only on the flood
histories and the household weights; `horizon_weights` returns them, for the variance and for test inversion.
"""
from __future__ import annotations

import numpy as np

NEVER = np.inf   # adoption index of a county never flooded
COHORT_CLUSTERS = 4   # clusters a flood-year cohort must span for its own mean in the variance


def _safe_divide(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    return np.divide(top, bottom, out=np.zeros(np.broadcast_shapes(top.shape, bottom.shape)), where=bottom > 0)


def event_time(adoption: np.ndarray, n_years: int) -> np.ndarray:
    """(B, N, T) years since the first flood (negative before it; −inf-like for never-flooded counties)."""
    return np.arange(n_years)[None, None, :] - adoption[..., None]


class Design:
    """The untreated fit of one batch of flood histories: the (T×T) concentrated normal equations of the
    county + year model on untreated county-years, shared by every horizon's weights."""

    def __init__(self, weights: np.ndarray, adoption: np.ndarray):
        """weights (N, T): household counts, 0 where a county-year has no data; adoption (B, N): year index of
        the first flood, NEVER if none (may be negative: flooded before the panel starts)."""
        self.weights = weights
        self.h = event_time(adoption, weights.shape[1])
        self.w0 = weights[None] * (self.h < 0)                       # untreated weights (B, N, T)
        self.unit_total = self.w0.sum(-1)                             # (B, N)
        self.share = _safe_divide(self.w0, self.unit_total[..., None])
        gram = np.einsum("bnt,bns->bts", self.share, self.w0)
        self.pinv = np.linalg.pinv(np.einsum("bt,ts->bts", self.w0.sum(1), np.eye(weights.shape[1])) - gram)

    def _at(self, horizon: int, group: np.ndarray | None) -> np.ndarray:
        at = (self.weights[None] > 0) & (self.h == horizon) & (self.unit_total[..., None] > 0)
        return at if group is None else at & group[..., None]

    def target(self, horizon: int, group: np.ndarray | None = None) -> np.ndarray:
        """(B, N, T) normalised weights of the flooded county-years at event time `horizon` that can be imputed
        (their county has at least one untreated year), of the counties in `group` ((B, N) or (N,) bool) if
        given."""
        at = self.weights[None] * self._at(horizon, group)
        return _safe_divide(at, at.sum((1, 2))[:, None, None])

    def counts(self, horizon: int, group: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(B,) flooded county-years and counties at event time `horizon` that enter the estimate."""
        at = self._at(horizon, group)
        return at.sum((1, 2)), at.any(-1).sum(-1)

    def horizon_weights(self, horizon: int, group: np.ndarray | None = None) -> np.ndarray:
        """(B, N, T) weights v with effect_h = Σ v · y: the target weights on flooded county-years minus their
        projection onto the county + year effects fitted on untreated county-years."""
        target = self.target(horizon, group)
        by_unit, by_year = target.sum(-1), target.sum(1)
        rhs = by_year - np.einsum("bn,bnt->bt", by_unit, self.share)
        a_year = np.einsum("bts,bs->bt", self.pinv, rhs)
        a_unit = _safe_divide(by_unit - np.einsum("bnt,bt->bn", self.w0, a_year), self.unit_total)
        return target - self.w0 * (a_unit[..., None] + a_year[:, None, :])

    def fitted(self, y: np.ndarray) -> np.ndarray:
        """(B, N, T) county + year effects fitted on the untreated county-years of each history."""
        y = np.nan_to_num(y)
        unit_mean = np.einsum("bnt,nt->bn", self.share, y)
        rhs = np.einsum("bnt,nt->bt", self.w0, y) - np.einsum("bnt,bn->bt", self.w0, unit_mean)
        year = np.einsum("bts,bs->bt", self.pinv, rhs)
        unit = unit_mean - np.einsum("bnt,bt->bn", self.share, year)
        return unit[..., None] + year[:, None, :]


def effects(y: np.ndarray, design: Design, horizons: range) -> np.ndarray:
    """(B, len(horizons)) effects on the mean log outcome; NaN where no flooded county-year can be imputed."""
    y = np.nan_to_num(y)
    out = np.full((design.w0.shape[0], len(horizons)), np.nan)
    for j, k in enumerate(horizons):
        n, _ = design.counts(k)
        estimate = np.einsum("bnt,nt->b", design.horizon_weights(k), y)
        out[:, j] = np.where(n > 0, estimate, np.nan)
    return out


def cluster_variance(y: np.ndarray, design: Design, horizon: int, clusters: np.ndarray,
                     group: np.ndarray | None = None) -> float:
    """Variance of one history's effect at `horizon`, clustered (BJS 2024, Theorem 3).

    Residuals: y − fitted on untreated county-years; on flooded county-years, the imputed effect minus the
    average of its flood-year cohort (BJS's v²-weighted mean) when the cohort spans COHORT_CLUSTERS clusters or
    more, else of the horizon (then differences between flood years count as noise: conservative). A cohort in
    few clusters would have its mean absorb their shared shocks (the Monte Carlo's clustered floods covered 75%).
    Times G/(G − 1) for G clusters.
    """
    v = design.horizon_weights(horizon, group)[0]
    y = np.nan_to_num(y)
    gap = (y - design.fitted(y)[0]) * (design.weights > 0)
    untreated = design.h[0] < 0
    at = design.target(horizon, group)[0] > 0
    centre = np.full(y.shape, float(np.sum(v[at] * gap[at])))
    cohort = np.round(-design.h[0][:, :1]).repeat(y.shape[1], 1)   # first-flood column index of each county
    for c in np.unique(cohort[at]):
        cells = at & (cohort == c)
        if len(np.unique(clusters[cells.any(1)])) >= COHORT_CLUSTERS:
            centre[cells] = np.sum(v[cells] ** 2 * gap[cells]) / np.sum(v[cells] ** 2)
    residual = np.where(untreated, gap, np.where(at, gap - centre, 0.0))
    scores = np.bincount(np.repeat(clusters, y.shape[1]), (v * residual).ravel())
    g = int(np.count_nonzero(np.bincount(clusters)))
    return float(np.sum(scores ** 2) * g / max(g - 1, 1))


def permutations(strata: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, N) county orders that shuffle flood histories across counties within each stratum (prefecture):
    county i takes the history of county order[b, i]."""
    out = np.repeat(np.arange(len(strata))[None], draws, axis=0)
    for stratum in np.unique(strata):
        members = np.flatnonzero(strata == stratum)
        if len(members) > 1:
            out[:, members] = rng.permuted(np.repeat(members[None], draws, axis=0), axis=1)
    return out


def randomization_interval(y: np.ndarray, weights: np.ndarray, adoption: np.ndarray, horizon: int,
                           orders: np.ndarray, confidence: float, group: np.ndarray | None = None,
                           chunk: int = 100) -> tuple[float, float, float]:
    """Interval for the effect at `horizon` (of the counties in `group`, (N,) bool, if given) by inverting
    randomization tests, and the randomization p-value of no effect there.

    Null hypotheses: the effect at `horizon` is δ in every flooded county of the group. The other flooded
    county-years (other event times, other groups) are set aside, so no other effect needs assuming; under each
    null the untreated outcomes of the rest are known, and the estimator is recomputed with flood histories (and
    group labels) permuted by `orders`; δ is kept when the observed |effect − δ| is not in the top
    (1 − confidence) of the permuted ones. The estimate is linear in δ, so one pass over the permutations serves
    every δ. Setting the other flooded county-years aside leaves the observed estimate unchanged.
    """
    h = event_time(adoption[None], weights.shape[1])[0]
    y = np.nan_to_num(y)
    mine = (h == horizon) & (True if group is None else group[:, None])
    kept_weights = weights * ~((h >= 0) & ~mine)
    observed = float(np.einsum("bnt,nt->", Design(kept_weights, adoption[None]).horizon_weights(horizon, group), y))
    base, slope = [], []
    for start in range(0, len(orders), chunk):
        part = orders[start:start + chunk]
        v = Design(kept_weights, adoption[part]).horizon_weights(horizon, None if group is None else group[part])
        base.append(np.einsum("bnt,nt->b", v, y))
        slope.append(np.einsum("bnt,nt->b", v, mine.astype(float)))
    base, slope = np.concatenate(base), np.concatenate(slope)
    # Permuted estimates can sit off zero with little spread (floods shared by a prefecture keep their timing
    # under permutation within it): the root mean square, not the spread, sets how far δ is searched.
    spread = max(float(np.sqrt(np.mean(base ** 2))), float(np.std(base)), 1e-6)
    grid = observed + spread * np.linspace(-8, 8, 1601)
    extreme = np.abs(base[:, None] - grid[None] * slope[:, None]) >= np.abs(observed - grid)[None] - 1e-12
    kept = grid[(1 + extreme.sum(0)) / (1 + len(base)) > 1 - confidence]
    p_zero = float((1 + np.sum(np.abs(base) >= abs(observed) - 1e-12)) / (1 + len(base)))
    if kept.size == 0:
        return observed, observed, p_zero
    return float(kept.min()), float(kept.max()), p_zero

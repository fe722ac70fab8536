"""Small statistical helpers shared by the checks: multiple testing, peers, over-dispersion."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q, statsmodels' fdr_bh); NaN stays NaN and does not count as a test."""
    from statsmodels.stats.multitest import multipletests  # imported here: the command line starts without it

    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        q[tested] = multipletests(p[tested], method="fdr_bh")[1]
    return q


def genomic_control(statistic: np.ndarray, df: int) -> float:
    """Inflation factor of chi-square statistics under the null (at least 1): their median over the null median.

    Amounts of one household share its income level, so digit counts are over-dispersed against a multinomial;
    dividing by this factor (Devlin & Roeder 1999) keeps a clean province's flag rate at its nominal level.
    """
    finite = statistic[np.isfinite(statistic)]
    if len(finite) < 10:
        return 1.0
    return max(1.0, float(np.median(finite)) / stats.chi2.ppf(0.5, df))


def chi2_against(counts: np.ndarray, expected_share: np.ndarray) -> np.ndarray:
    """Pearson chi-square of each row of counts against its row's expected shares (cells with share 0 skipped)."""
    n = counts.sum(axis=1, keepdims=True)
    expected = n * expected_share
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(expected > 0, (counts - expected) ** 2 / expected, 0.0)
    return cells.sum(axis=1)


def leave_one_out_share(counts: np.ndarray, groups: np.ndarray, peer: np.ndarray | None = None) -> np.ndarray:
    """Each row's group totals without the row itself, as shares: the peers a village is compared with.

    `peer` (boolean per row, default all): only these rows count as peers.
    """
    peer = np.ones(len(counts), dtype=bool) if peer is None else peer
    _, index = np.unique(groups, return_inverse=True)
    totals = np.zeros((index.max(initial=-1) + 1, counts.shape[1]))  # no villages (a world without amounts): none
    np.add.at(totals, index, counts * peer[:, None])
    others = totals[index] - counts * peer[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return others / others.sum(axis=1, keepdims=True)


def peer_shares(counts: np.ndarray, county: np.ndarray, province: np.ndarray, min_peer: float,
                peer: np.ndarray | None = None) -> np.ndarray:
    """Shares among the other villages of the county, or of the province where the county's others hold too little.

    A county with one or two other villages would otherwise make a chance difference look certain. `peer`: which
    rows may serve as peers (villages flagged in a first pass are left out, so one blatant village does not make
    its neighbours look odd).
    """
    peer = np.ones(len(counts), dtype=bool) if peer is None else peer
    near, wide = (leave_one_out_share(counts, groups, peer) for groups in (county, province))
    _, index = np.unique(county, return_inverse=True)
    totals = np.bincount(index, counts.sum(axis=1) * peer)
    enough = (totals[index] - counts.sum(axis=1) * peer) >= min_peer
    return np.where(enough[:, None], near, wide)


def controlled_p(p: np.ndarray, testable: np.ndarray) -> np.ndarray:
    """One-sided p-values made conservative by genomic control over the testable units (through chi-square, 1 df)."""
    chi2 = stats.chi2.isf(np.clip(p, 1e-300, 1), 1)
    inflation = genomic_control(chi2[testable & (p < 1)], 1)
    return np.where(testable, stats.chi2.sf(chi2 / inflation, 1), np.nan)


def standardised_excess_p(unit: np.ndarray, peers: np.ndarray, stratum: np.ndarray, event: np.ndarray,
                          min_trials: int) -> pd.DataFrame:
    """Per unit: events, trials, expected events and a one-sided p that events exceed expectation.

    Expected events use the rate of the unit's peers (the other units of its peer group) in each stratum, so units
    are compared like with like (indirect standardisation); over-dispersion is absorbed by genomic control.
    """
    frame = pd.DataFrame({"unit": unit, "peers": peers, "stratum": stratum, "event": event.astype(float)})
    cells = frame.groupby(["unit", "peers", "stratum"], as_index=False).agg(k=("event", "sum"), n=("event", "size"))
    group = cells.groupby(["peers", "stratum"])[["k", "n"]].transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = ((group.k - cells.k) / (group.n - cells.n)).to_numpy()
    known = np.isfinite(rate)
    cells["expected"] = np.where(known, cells.n * rate, 0.0)
    cells["variance"] = np.where(known, cells.n * rate * (1 - rate), 0.0)
    cells["n_known"] = np.where(known, cells.n, 0)
    out = cells.groupby("unit").agg(events=("k", "sum"), trials=("n", "sum"), expected=("expected", "sum"),
                                    variance=("variance", "sum"), known=("n_known", "sum"))
    testable = ((out.known >= min_trials) & (out.variance > 0)).to_numpy()
    # Poisson tail: exact enough for rare events (a jump to the line) and conservative for common ones.
    p = np.where(testable, stats.poisson.sf(out.events - 1, out.expected.clip(lower=1e-12)), np.nan)
    out["p"] = controlled_p(p, testable)
    return out.drop(columns=["variance", "known"]).reset_index()

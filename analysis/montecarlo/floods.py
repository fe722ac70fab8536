"""Monte Carlo check of the flood-effect estimator (analysis.floods) on simulated county panels.

For each design of analysis.floods.montecarlo.DESIGNS: bias of the flood-year effect (percentage points of log
income), coverage of the 95% intervals (prefecture-clustered t and randomization), the rejection rate at 5%
(false positives in designs without an effect), and how often the page's rule picks the clustered t (share_t);
"coverage" and "reject" are those of the interval the rule picks in each panel.
`python -m analysis.montecarlo floods --runs 500`; the tests run a few designs with fewer runs.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.floods.estimate import choose_inference
from analysis.floods.montecarlo import DESIGNS, World, one_run

PERMUTATIONS = 199


def measure(world: World, runs: int, seed: int = 14, permutations: int = PERMUTATIONS) -> dict:
    """Bias, coverage and rejection rate of one design over `runs` simulated panels."""
    rng = np.random.default_rng([seed, runs])
    r = pd.DataFrame([one_run(world, rng, permutations) for _ in range(runs)])
    use_t = np.array([choose_inference(p, n) == "cluster_t" for p, n in zip(r.flooded_prefectures, r.flooded,
                                                                                  strict=True)])
    covered_t = (r.t_low <= r.truth) & (r.truth <= r.t_high)
    covered_ri = (r.ri_low <= r.truth) & (r.truth <= r.ri_high)
    rejected_t, rejected_ri = r.t_p < 0.05, r.ri_p < 0.05
    return {
        "design": world.name, "runs": runs, "flooded_counties": round(float(r.flooded.mean()), 1),
        "prefectures": world.prefectures, "flooded_prefectures": round(float(r.flooded_prefectures.mean()), 1),
        "share_t": float(use_t.mean()), "truth_pp": 100 * float(r.truth.mean()),
        "bias_pp": 100 * float((r.effect - r.truth).mean()),
        "coverage_t": float(covered_t.mean()), "coverage_ri": float(covered_ri.mean()),
        "reject_t": float(rejected_t.mean()), "reject_ri": float(rejected_ri.mean()),
        "coverage": float(np.where(use_t, covered_t, covered_ri).mean()),
        "reject": float(np.where(use_t, rejected_t, rejected_ri).mean()),
        "width_pp": 100 * float(np.where(use_t, r.t_high - r.t_low, r.ri_high - r.ri_low).mean()),
    }


def report(runs: int, designs: tuple[World, ...] = DESIGNS) -> pd.DataFrame:
    return pd.DataFrame([measure(world, runs) for world in designs])


def show(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda x: f"{x:.3f}")

"""Screening and risk model timings: the rules over a province and the whole country, the model fit,
out-of-year evaluation and scoring; the out-of-year AUC on the 200k demo."""
from __future__ import annotations

from pathlib import Path

from analysis import riskmodel, screening
from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.store.connection import Database

PROVINCE = "620000"
MEMORY_LIMIT = "4GB"  # the machine is shared: national queries spill rather than take all memory


def _open(db_path: Path) -> Database:
    db = Database(db_path)
    with db.cursor() as cur:
        cur.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return db


def _screening(db_path: Path, label: str, repeat: int) -> list[tuple[str, str]]:
    db, rules = _open(db_path), screening.load_rules()
    rows = []
    for code in (PROVINCE, "000000"):
        def counts(code=code):
            with db.cursor() as cur:
                return screening.screening_counts(cur, code, YEAR, rules)
        rows.append(ms(f"screening counts {label} region={code}", timed(counts, repeat)))
    with db.cursor() as cur:
        flagged = len(screening.flagged_households(cur, PROVINCE, YEAR, rules))
        total = screening.screening_totals(screening.screening_counts(cur, "000000", YEAR, rules), rules)

    def households(code=PROVINCE):
        with db.cursor() as cur:
            screening.flagged_households(cur, code, YEAR, rules)
    rows.append(ms(f"flagged household list {label} region={PROVINCE} [{flagged:,} households]",
                   timed(households, repeat)))
    rows.append((f"households flagged {label} nationally / screened", f"{total.households_flagged:,} / "
                                                                     f"{total.households:,}"))
    db.close()
    return rows


def _model(db_path: Path, label: str, repeat: int) -> list[tuple[str, str]]:
    db = _open(db_path)
    with db.cursor() as cur:
        county = cur.execute("SELECT county_code FROM households WHERE county_code LIKE '62%' LIMIT 1").fetchone()[0]

    def fit():
        with db.cursor() as cur:
            return riskmodel.fit_risk_model(cur, YEAR)
    rows = [ms(f"risk model fit {label} (outcomes through {YEAR})", timed(fit, repeat))]
    model = fit()
    for code in (county, PROVINCE):
        def score(code=code):
            with db.cursor() as cur:
                return riskmodel.risk_scores(cur, code, YEAR, model)
        rows.append(ms(f"risk scores {label} region={code}", timed(score, repeat)))

    def evaluate():
        with db.cursor() as cur:
            return riskmodel.evaluate(cur, "000000", YEAR - 1)
    rows.append(ms(f"risk model fit + out-of-year evaluation {label}", timed(evaluate, repeat)))
    result = evaluate()
    model, distance, rule = (result.ranking(name) for name in ("model", "distance", "rule"))
    rows += [(f"out-of-year AUC {label} {YEAR - 1}->{YEAR}: model / income ÷ line / below-line rule",
              f"{model.auc:.4f} / {distance.auc:.4f} / {rule.auc:.4f}"),
             (f"precision, recall top-{result.list_size:,} {label}: model / income ÷ line",
              f"{model.precision:.3f}, {model.recall:.3f} / {distance.precision:.3f}, {distance.recall:.3f}"),
             (f"fit rows {label} (hash sample above {riskmodel.MAX_ROWS:,})", f"{result.model.observations:,}")]
    db.close()
    return rows


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    national = f"national [{ctx.large_income_rows:,} rows]"
    return (_screening(ctx.demo, "demo", 5) + _model(ctx.demo, "demo", 3)
            + (_screening(ctx.large, national, 1) + _model(ctx.large, national, 1) if ctx.large else []))

"""Credibility audit timings: the whole audit on the demo (both provinces, one province, one county) and on the
national world; on the demo also what the audit finds of the planted manipulations (data/demo_planted.toml)."""
from __future__ import annotations

from pathlib import Path

from analysis.bench import YEAR, BenchContext, ms, timed
from analysis.credibility import run_audit
from analysis.demo.planted import load_planted, village_codes
from analysis.store.connection import Database

PROVINCE, COUNTY = "620000", "640422"
MEMORY_LIMIT = "4GB"  # the machine is shared: national queries spill rather than take all memory


def _audit_rows(db_path: Path, label: str, regions: tuple[str, ...], repeat: int) -> list[tuple[str, str]]:
    db = Database(db_path)
    with db.cursor() as cur:
        cur.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    rows = []
    for code in regions:
        def audit(code=code):
            with db.cursor() as cur:
                return run_audit(cur, code, YEAR)
        rows.append(ms(f"credibility audit {label} region={code}", timed(audit, repeat)))
    db.close()
    return rows


def _planted_found(db_path: Path) -> list[tuple[str, str]]:
    """How many of the planted places the audit flags for the planted reason (power on the planted cases)."""
    db = Database(db_path)
    spec = load_planted()
    with db.cursor() as cur:
        audit = run_audit(cur, "000000", YEAR)
        heaped = village_codes(cur, spec["heaped"]["villages"])
        invented = village_codes(cur, spec["invented"]["villages"])
        duplicated = village_codes(cur, [spec["duplicated"]["source_village"]]) + village_codes(
            cur, spec["duplicated"]["targets"])
    db.close()

    def found(frame, key: str, codes: list[str], reason: str) -> str:
        hits = frame[frame[key].isin(codes)].reasons.map(lambda r: reason in r).sum()
        return f"{hits} / {len(codes)}"

    counties, villages = audit.counties, audit.villages
    planted = {c for c in spec["inflated"]["counties"] + spec["transfer_lift"]["counties"]}
    others = counties[~counties.code.isin(planted)]
    return [
        ("planted found: inflated counties (bunching)", found(counties, "code", spec["inflated"]["counties"],
                                                              "bunching")),
        ("planted found: transfer-lift counties (transfer_crossing)",
         found(counties, "code", spec["transfer_lift"]["counties"], "transfer_crossing")),
        ("planted found: heaped villages (round_amounts)", found(villages, "village_code", heaped, "round_amounts")),
        ("planted found: invented villages (benford)", found(villages, "village_code", invented, "benford")),
        ("planted found: villages with duplicated heads", found(villages, "village_code", duplicated,
                                                                "duplicate_person")),
        ("other counties flagged / villages flagged (demo)", f"{int(others.flagged.sum())} / {len(others)} · "
                                                             f"{int(villages.flagged.sum())} / {len(villages)}"),
    ]


def run(ctx: BenchContext) -> list[tuple[str, str]]:
    rows = _audit_rows(ctx.demo, "demo", ("000000", PROVINCE, COUNTY), repeat=3)
    rows += _planted_found(ctx.demo)
    if ctx.large:
        rows += _audit_rows(ctx.large, "national world", ("000000", PROVINCE), repeat=1)
    return rows

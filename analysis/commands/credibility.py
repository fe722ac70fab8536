"""Command of the credibility family: `audit` (收入数据可信度核查) — flags with their reasons and evidence."""
from __future__ import annotations

import argparse
import math

from analysis.commands import emit, latest_year, progress_printer, region_code


def _number(value: float, digits: int = 4) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def audit_payload(audit) -> dict:
    """The audit as plain JSON: counties with their tests, flagged villages with evidence, counts by reason."""
    counties = [{
        "code": row.code, "density_p": _number(row.density_p), "log_density_ratio": _number(row.log_ratio),
        "placebo_p": [_number(p) for p in row.placebo_p], "excess_households": _number(row.excess_households, 1),
        "excess_interval": [_number(row.excess_low, 1), _number(row.excess_high, 1)],
        "expected_in_band": _number(row.expected_band, 1), "below_line": int(row.below),
        "peer_q": _number(row.peer_q), "jumps_to_line": int(row.jumps_events), "jumps_q": _number(row.jumps_q),
        "transfer_crossings": int(row.transfer_events), "transfer_expected": _number(row.transfer_expected, 1),
        "transfer_q": _number(row.transfer_q), "flagged": bool(row.flagged), "reasons": list(row.reasons),
    } for row in audit.counties.itertuples()]
    villages = [{
        "code": row.village_code, "county": row.county_code, "households": int(row.households),
        "reasons": list(row.reasons), "round_share": _number(row.round_share),
        "peer_round_share": _number(row.peer_round_share), "round_q": _number(row.round_q),
        "last_digit_q": _number(row.last_digit_q), "benford_mad": _number(row.benford_mad),
        "first_digit_q": _number(row.first_digit_q), "jumps_to_line": int(row.jumps_events),
        "transfer_crossings": int(row.transfer_events), "duplicate_people": int(row.duplicate_people),
        "split_households": int(row.split_households), "impossible_values": int(row.impossible_values),
    } for row in audit.flagged_villages.itertuples()]
    provinces = [{"code": row.code, "density_p": _number(row.density_p),
                  "excess_households": _number(row.excess_households, 1),
                  "excess_interval": [_number(row.excess_low, 1), _number(row.excess_high, 1)],
                  "flagged": bool(row.flagged)} for row in audit.provinces.itertuples()]
    return {"region": audit.region, "year": audit.year, "counties": counties, "provinces": provinces,
            "villages_tested": len(audit.villages), "villages_flagged": len(villages), "villages": villages,
            "by_reason": audit.by_reason(), "households_listed": int(audit.households.household_id.nunique())}


def cmd_audit(args: argparse.Namespace) -> int:
    from analysis.credibility import run_audit
    from analysis.precompute import command_reader

    with command_reader(args.db) as (con, fetch):
        year = args.year or latest_year(con)
        audit = fetch(run_audit, args.region, year, progress=progress_printer(not args.json))
    payload = audit_payload(audit)
    flagged = [c for c in payload["counties"] if c["flagged"]]
    lines = [f"region {args.region}, year {year}: {len(payload['counties'])} counties, "
             f"{payload['villages_tested']} villages audited",
             f"counties flagged: {len(flagged)}"]
    lines += [f"  {c['code']}: {', '.join(c['reasons'])} (about {c['excess_households']} households more than "
              f"expected just above the line)" for c in flagged]
    lines.append(f"villages flagged: {payload['villages_flagged']}")
    lines += [f"  {v['code']}: {', '.join(v['reasons'])}" for v in payload["villages"][:50]]
    lines.append("by reason: " + ", ".join(f"{k} {v}" for k, v in payload["by_reason"].items()))
    lines.append(f"households on the verification list: {payload['households_listed']}")
    emit(args, payload, "\n".join(lines))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    audit = sub.add_parser("audit", parents=[common],
                           help="income credibility audit (收入数据可信度核查): flags with reasons and evidence")
    audit.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    audit.add_argument("--region", type=region_code, default="000000")
    audit.set_defaults(func=cmd_audit)

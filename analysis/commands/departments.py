"""Commands of the department-warnings family: `warnings` (who departments warn about) and `cases`
(follow-through against deadlines, and closures that fail a criterion)."""
from __future__ import annotations

import argparse
from pathlib import Path

from analysis.commands import CommandError, emit, latest_year, region_code


def _rules(path: Path | None):
    from analysis import department_warnings as dw

    try:
        return dw.load_warning_rules(path)
    except (dw.RulesError, FileNotFoundError) as exc:
        raise CommandError(f"warning rules / 预警规则: {exc}") from None


def cmd_warnings(args: argparse.Namespace) -> int:
    from analysis import department_warnings as dw
    from analysis.store.connection import connect_read_only

    rules = _rules(args.rules)
    with connect_read_only(args.db) as con:
        year = args.year or latest_year(con)
        try:
            warnings = dw.department_warnings(con, args.region, year, rules)
        except dw.RulesError as exc:
            raise CommandError(f"warning rules / 预警规则: {exc}") from None
        unmatched = dw.unmatched_persons(con, year) if args.region == "000000" else {}
    totals = dw.warning_totals(warnings, unmatched, year)
    payload = {"region": args.region, **totals.to_dict()}
    lines = [f"{key}: {value}" for key, value in payload.items() if not isinstance(value, dict)]
    lines += [f"  {department}: {n}" for department, n in totals.by_department.items()]
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    from analysis import cases, closing
    from analysis.store.connection import connect_read_only

    rules = _rules(args.rules)
    deadlines = cases.load_deadlines()
    with connect_read_only(args.db) as con:
        year = args.year or latest_year(con)
        frame = cases.follow_through(con, args.region, deadlines)
        check = closing.closing_check(con, args.region, year, rules, deadlines)
        as_of = cases.export_date(con)
    totals = cases.case_totals(frame)
    payload = {"region": args.region, "export_date": as_of, "closing_year": year, **totals.to_dict(),
               "closed_failing_criteria": len(closing.closed_failing(check)),
               "could_review_for_closing": len(closing.review_for_closing(check)),
               "continued_support_no_labour": len(closing.continued_support(check)),
               "deadlines": {"support_days": deadlines.support_days,
                             "decision_working_days": deadlines.decision_working_days}}
    emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    warnings = sub.add_parser("warnings", parents=[common],
                              help="households other departments' extracts warn about (部门预警), by department")
    warnings.add_argument("--year", type=int, default=None, help="default: latest year with income data")
    warnings.add_argument("--region", type=region_code, default="000000")
    warnings.add_argument("--rules", type=Path, default=None, help="default: data/warning_rules.toml")
    warnings.set_defaults(func=cmd_warnings)

    case = sub.add_parser("cases", parents=[common],
                          help="follow-through of warnings (open, overdue, days to support) and doubtful closures")
    case.add_argument("--region", type=region_code, default="000000")
    case.add_argument("--year", type=int, default=None, help="year of the closing check (default: latest)")
    case.add_argument("--rules", type=Path, default=None, help="default: data/warning_rules.toml")
    case.set_defaults(func=cmd_cases)

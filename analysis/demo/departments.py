"""Synthetic department extracts and case histories for the demo world (issue 18), drawn in SQL.

Written after households and income, from them: medical bills follow each household's medical spending,
school fees its education spending, 低保 its income against the line, disaster losses its county's disasters
and its income, cases its 纳入监测 and 风险消除 dates. Planted for the pages and tests to find: about 7% of
cases decided late, 8% supported late, a few warnings still waiting past their deadlines, and unsafe-house
appraisals (grade C) shortly before about 10% of the 2024 closures. Family members beyond the head get synthetic
hashes derived from the head's: there is no raw ID number anywhere. Draws are hashes of the household id, the
draw's name and the seed, so the world stays deterministic and costs no Python loop.
"""
from __future__ import annotations

from datetime import date

import duckdb

YEARS = (2023, 2024)  # extracts cover the two latest income years
CAUSE_DEPARTMENT = {"因病": "medical", "因学": "education", "因灾": "emergency", "因残": "disability",
                    "因务工就业不稳": "human_resources"}
CAUSE_MEASURE = {"因病": "health", "因学": "education", "因灾": "housing", "因残": "social_security",
                 "因务工就业不稳": "employment", "因意外事故": "temporary_relief", "因产业项目失败": "industry"}

_STATEMENTS = (
    # Which member each medical bill, school record and new disability is about: k = 1 is the head.
    """CREATE TEMP TABLE picks AS
    SELECT household_id, year, 'patient' AS role, 1 + CAST(hash(household_id, year, 'pk') % members AS INTEGER) AS k,
           medical_expense >= 3000 AND u(household_id, 'inpatient') < 0.9 AS inpatient, medical_expense AS amount
    FROM income WHERE year IN $years AND medical_expense > 0
         AND (medical_expense >= 3000 OR u(household_id, 'outpatient' || year) < 0.15)
    UNION ALL
    SELECT household_id, year, 'student', CASE WHEN members <= 2 THEN members
                                                ELSE 3 + CAST(hash(household_id, 'sk') % (members - 2) AS INTEGER) END,
           NULL, education_expense
    FROM income WHERE year IN $years AND education_expense > 0
    UNION ALL
    SELECT household_id, 2023 + CAST(hash(household_id, 'dy') % 2 AS INTEGER), 'disabled',
           1 + CAST(hash(household_id, 'dk') % members AS INTEGER), NULL, NULL
    FROM households WHERE u(household_id, 'disabled') < 0.012""",
    """CREATE TEMP TABLE picked AS
    SELECT p.*, member_hash(h.id_number_hash, p.k) AS person_hash,
           member_mask(h.id_number_masked, p.household_id, p.k) AS person_masked
    FROM picks p JOIN households h ON h.household_id = p.household_id""",
    # Family members a department names (the demo's members file lists only them; heads are in households).
    """INSERT INTO persons
    SELECT DISTINCT person_hash, person_masked, NULL, household_id, CASE k WHEN 2 THEN 'spouse' ELSE 'child' END, NULL
    FROM picked WHERE k > 1""",
    # Medical insurance: 85% of a household's medical spending as one inpatient bill (most households with more
    # than 3,000 yuan), the rest, or the whole for 15% of the others, as one month's outpatient bill.
    """INSERT INTO medical_claims
    SELECT person_hash, person_masked, NULL,
           make_date(year, 1 + CAST(hash(household_id, 'mm', year) % 12 AS INTEGER), 1),
           CASE WHEN inpatient THEN round(0.85 * amount) ELSE 0 END,
           CASE WHEN inpatient THEN round(0.15 * amount) ELSE round(amount) END
    FROM picked WHERE role = 'patient'""",
    # People no household knows (moved in, or missing from the register): counted as unmatched.
    """INSERT INTO medical_claims
    SELECT sha256('unregistered' || CAST(n AS VARCHAR) || $seed), '620000********' || lpad(CAST(n AS VARCHAR), 4, '0'),
           NULL, make_date(2024, 1 + n % 12, 1), 12000 + 100 * n, 0
    FROM range(40) t(n)""",
    # Education: a student per household with education spending; stage by draw; 0.5% of compulsory pupils drop out.
    """INSERT INTO education_records
    SELECT person_hash, person_masked, NULL, year, stage,
           CASE WHEN stage IN ('primary', 'junior_secondary') THEN round(0.2 * amount)
                ELSE round(amount * (1 + 1.5 * u(household_id, 'fees'))) END,
           CASE WHEN stage IN ('primary', 'junior_secondary') AND u(household_id, 'dropout' || year) < 0.005
                THEN 'dropped_out' ELSE 'enrolled' END
    FROM (SELECT *, CASE WHEN x < 0.10 THEN 'preschool' WHEN x < 0.45 THEN 'primary'
                         WHEN x < 0.65 THEN 'junior_secondary' WHEN x < 0.80 THEN 'senior_secondary'
                         WHEN x < 0.87 THEN 'vocational_secondary' WHEN x < 0.93 THEN 'vocational_college'
                         ELSE 'undergraduate' END AS stage
          FROM (SELECT *, u(household_id, 'stage') AS x FROM picked WHERE role = 'student'))""",
    # Civil affairs: half the households below the line receive 低保 (single people without labour: 特困).
    """INSERT INTO assistance
    SELECT h.id_number_hash, h.id_number_masked, NULL, i.year,
           CASE WHEN h.members = 1 AND h.labor_count = 0 THEN 'tekun' ELSE 'dibao' END,
           round(h.members * (3000 + 2000 * u(h.household_id, 'dibao'))),
           make_date(i.year, 1 + CAST(hash(h.household_id, 'dm', i.year) % 12 AS INTEGER), 10)
    FROM income_net i JOIN households h ON h.household_id = i.household_id
    JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
    WHERE i.year IN $years AND i.per_capita_net_income < pl.monitoring_line AND u(h.household_id, 'dibao?') < 0.5""",
    # Emergency management: a quarter of the households in a county hit that year report a loss.
    """INSERT INTO household_losses
    SELECT h.id_number_hash, h.id_number_masked, NULL, any_value(d.start_date) + 3, any_value(d.hazard),
           round(greatest(any_value(i.net_income), 5000) * (0.05 + 0.6 * u(h.household_id, 'loss')))
    FROM disasters d
    JOIN income_net i ON i.county_code = d.county_code AND i.year = year(d.start_date)
    JOIN households h ON h.household_id = i.household_id
    WHERE year(d.start_date) IN $years AND u(h.household_id, 'hit' || d.event_id) < 0.25
    GROUP BY h.household_id, h.id_number_hash, h.id_number_masked, year(d.start_date)""",
    # Housing: 6% of households appraised each year (A 60%, B 30%, C 8%, D 2%); 1% without safe water.
    """INSERT INTO house_safety
    SELECT id_number_hash, id_number_masked, NULL,
           make_date(y, 1 + CAST(hash(household_id, 'hm', y) % 12 AS INTEGER),
                     1 + CAST(hash(household_id, 'hd', y) % 28 AS INTEGER)),
           CASE WHEN g < 0.6 THEN 'A' WHEN g < 0.9 THEN 'B' WHEN g < 0.98 THEN 'C' ELSE 'D' END,
           u(household_id, 'water' || y) > 0.01
    FROM (SELECT *, unnest($years) AS y FROM households)
    CROSS JOIN LATERAL (SELECT u(household_id, 'grade' || y) AS g)
    WHERE u(household_id, 'appraised' || y) < 0.06""",
    # Planted: an unsafe-house appraisal a month before about 10% of the 2024 closures.
    """INSERT INTO house_safety
    SELECT id_number_hash, id_number_masked, NULL, risk_eliminated_on - 30, 'C', TRUE
    FROM households
    WHERE year(risk_eliminated_on) = 2024
    QUALIFY u(household_id, 'premature') < 0.1  -- and at least one per province, however small the world
         OR row_number() OVER (PARTITION BY left(county_code, 2) ORDER BY u(household_id, 'premature')) = 1""",
    # Disabled persons' federation: a member of about 1.2% of households newly certified in 2023 or 2024, and heads
    # of households at risk because of disability, certified shortly before they were enrolled.
    """INSERT INTO disabilities
    SELECT person_hash, person_masked, NULL, certified_on, 'physical', grade FROM (
        SELECT person_hash, person_masked,
               make_date(year, 1 + CAST(hash(household_id, 'dm') % 12 AS INTEGER), 15) AS certified_on,
               CAST(1 + hash(household_id, 'dg') % 4 AS VARCHAR) AS grade
        FROM picked WHERE role = 'disabled'
        UNION ALL
        SELECT id_number_hash, id_number_masked, monitored_since - 40, CAST(1 + hash(household_id, 'dg') % 4 AS VARCHAR)
        FROM households WHERE risk_cause = '因残')
    QUALIFY row_number() OVER (PARTITION BY person_hash ORDER BY certified_on) = 1""",
    # Human resources: 4% of heads with labour out of work (失业 or 返乡) for one to six months of 2024.
    """INSERT INTO job_status
    SELECT id_number_hash, id_number_masked, NULL, make_date(2024, first_month + m, 1),
           CASE WHEN u(household_id, 'returned') < 0.4 THEN 'returned' ELSE 'unemployed' END
    FROM (SELECT *, 1 + CAST(hash(household_id, 'jm') % 6 AS INTEGER) AS first_month,
                 unnest(range(1 + CAST(hash(household_id, 'jn') % 6 AS INTEGER))) AS m
          FROM households WHERE labor_count > 0 AND u(household_id, 'jobless') < 0.04)""",
    # Cases of enrolled households: warned a little before the county's decision (= 纳入监测日期); 7% decided late.
    """INSERT INTO cases
    SELECT household_id, warning, source, warning + CAST(gap * 0.2 AS INTEGER), warning + CAST(gap * 0.45 AS INTEGER),
           warning + CAST(gap * 0.7 AS INTEGER), monitored_since, 'enrolled', risk_eliminated_on
    FROM (SELECT *, monitored_since - gap AS warning,
                 coalesce(CASE risk_cause {cause_department} END, 'visit') AS source
          FROM (SELECT *, CASE WHEN u(household_id, 'late_decision') < 0.07
                               THEN 32 + CAST(hash(household_id, 'gl') % 30 AS INTEGER)
                               ELSE 8 + CAST(hash(household_id, 'g') % 17 AS INTEGER) END AS gap
                FROM households WHERE monitored_since IS NOT NULL))""",
    # Warnings still open at the export date (0.2% of other households) and warnings decided against (0.2%).
    """INSERT INTO cases
    SELECT household_id, warning, 'visit', warning + 3, NULL, NULL, NULL, NULL, NULL
    FROM (SELECT household_id, $as_of - CAST(5 + hash(household_id, 'pw') % 60 AS INTEGER) AS warning
          FROM households WHERE monitored_since IS NULL AND u(household_id, 'pending') < 0.002)""",
    """INSERT INTO cases
    SELECT household_id, warning, 'visit', warning + 2, warning + 5, warning + 8, warning + 14, 'not_enrolled', NULL
    FROM (SELECT household_id, make_date(2024, 1 + CAST(hash(household_id, 'nm') % 11 AS INTEGER), 5) AS warning
          FROM households WHERE monitored_since IS NULL AND u(household_id, 'declined') BETWEEN 0.002 AND 0.004)""",
    # Support: the first measure 2–14 days after the warning (8% late: 16–45 days), a second one for half.
    """INSERT INTO support_measures
    SELECT household_id, measure, warning_date + first_after, round(1000 + 4000 * u(household_id, 'amount'))
    FROM (SELECT c.household_id, c.warning_date, coalesce(CASE h.risk_cause {cause_measure} END, 'industry') AS measure,
                 CASE WHEN u(c.household_id, 'late_support') < 0.08
                      THEN 16 + CAST(hash(c.household_id, 'sl') % 30 AS INTEGER)
                      ELSE 2 + CAST(hash(c.household_id, 's') % 13 AS INTEGER) END AS first_after
          FROM cases c JOIN households h ON h.household_id = c.household_id
          WHERE c.decision = 'enrolled')""",
    """INSERT INTO support_measures
    SELECT c.household_id, CASE WHEN u(c.household_id, 'second') < 0.25 THEN 'employment' ELSE 'industry' END,
           c.county_decided_on + 30 + CAST(hash(c.household_id, 'sd') % 90 AS INTEGER), NULL
    FROM cases c WHERE c.decision = 'enrolled' AND u(c.household_id, 'second') < 0.5""",
)


# A member's hash is the head's for k = 1, else derived from it (no raw ID number exists in the demo).
_MEMBER_MACROS = """
CREATE OR REPLACE TEMP MACRO member_hash(head_hash, k) AS
    CASE WHEN k = 1 THEN head_hash ELSE sha256(head_hash || CAST(k AS VARCHAR)) END;
CREATE OR REPLACE TEMP MACRO member_mask(head_mask, household_id, k) AS
    CASE WHEN k = 1 THEN head_mask
         ELSE left(head_mask, 6) || '********' || lpad(CAST(hash(household_id, k) % 10000 AS VARCHAR), 4, '0') END;
"""


def _case_sql(mapping: dict[str, str]) -> str:
    return " ".join(f"WHEN '{cause}' THEN '{value}'" for cause, value in mapping.items())


def write_department_extracts(con: duckdb.DuckDBPyConnection, seed: int, as_of: str) -> None:
    """Fill the department tables, cases and measures from the households and income already written.

    `as_of` is the date of the register snapshot (open warnings are dated up to it)."""
    # u(key, name): a uniform draw in [0, 1) fixed by the key, the draw's name and the seed (an integer).
    con.execute(f"CREATE OR REPLACE TEMP MACRO u(key, name) AS (hash(key, name, {int(seed)}) % 1000003) / 1000003.0")
    con.execute(_MEMBER_MACROS)
    fill = {"cause_department": _case_sql(CAUSE_DEPARTMENT), "cause_measure": _case_sql(CAUSE_MEASURE)}
    for statement in _STATEMENTS:
        sql = statement.format(**fill) if "{cause_" in statement else statement
        params = {name: value for name, value in (("years", list(YEARS)), ("seed", str(seed)),
                                                             ("as_of", date.fromisoformat(as_of)))
                  if f"${name}" in sql}
        con.execute(sql, params)
    con.execute("DROP TABLE picked; DROP TABLE picks; DROP MACRO u; DROP MACRO member_hash; DROP MACRO member_mask")

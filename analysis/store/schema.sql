-- Income Watch data model. Codes are text (leading zeros matter). Money in yuan per year.
-- No PRIMARY KEY constraints: at national scale their indexes cost more memory than the bulk
-- loads can afford; keys are enforced by validation and by replace-by-key in ingestion.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR NOT NULL,   -- e.g. dataset ('synthetic_demo' or 'imported'), demo_seed, schema_version
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS regions (
    code         VARCHAR NOT NULL,  -- 6, 9 or 12 digits; 000000 = China
    name         VARCHAR NOT NULL,  -- official Chinese name
    name_en      VARCHAR,           -- pinyin or English name where known
    level        VARCHAR NOT NULL,  -- national | province | city | county | township | village
    parent_code  VARCHAR,
    synthetic    BOOLEAN NOT NULL DEFAULT FALSE  -- TRUE for demo townships and villages
);

CREATE TABLE IF NOT EXISTS households (
    household_id        VARCHAR NOT NULL,
    village_code        VARCHAR NOT NULL,   -- 12 digits
    county_code         VARCHAR NOT NULL,   -- first 6 digits of village_code, kept for fast filters
    household_type      VARCHAR NOT NULL,   -- 脱贫户 · 脱贫不稳定户 · 边缘易致贫户 · 突发严重困难户 · 一般农户
    members             INTEGER NOT NULL,
    labor_count         INTEGER,
    relocated           BOOLEAN,
    monitored_since     DATE,
    risk_eliminated_on  DATE,
    risk_cause          VARCHAR,
    head_name_masked    VARCHAR,            -- 张*明: the raw name is never stored
    id_number_hash      VARCHAR,            -- salted SHA-256 of the ID number, for matching
    id_number_masked    VARCHAR             -- first 6 and last 4 characters
);

CREATE TABLE IF NOT EXISTS income (
    household_id            VARCHAR NOT NULL,
    year                    INTEGER NOT NULL,
    county_code             VARCHAR NOT NULL,  -- copied from households at load time, for fast filters
    village_code            VARCHAR NOT NULL,
    members                 INTEGER NOT NULL,  -- copied from households too: per-capita income without a join
    wage_income             DOUBLE NOT NULL,
    crop_income             DOUBLE NOT NULL,
    livestock_income        DOUBLE NOT NULL,
    other_operating_income  DOUBLE NOT NULL DEFAULT 0,
    property_income         DOUBLE NOT NULL,
    transfer_income         DOUBLE NOT NULL,
    medical_expense         DOUBLE,
    education_expense       DOUBLE,
    cattle_sold             INTEGER,
    sheep_sold              INTEGER,
    hogs_sold               INTEGER
);

CREATE TABLE IF NOT EXISTS prices (
    date         DATE NOT NULL,
    commodity    VARCHAR NOT NULL,  -- live_cattle · live_sheep · live_hog · beef · mutton · pork · maize
    region_code  VARCHAR NOT NULL,  -- 6 digits; 000000 = national
    price        DOUBLE NOT NULL    -- yuan per kg
);

CREATE TABLE IF NOT EXISTS disasters (
    event_id         VARCHAR NOT NULL,
    hazard           VARCHAR NOT NULL,  -- flood · drought · hail · frost · landslide · earthquake
    county_code      VARCHAR NOT NULL,
    start_date       DATE NOT NULL,
    end_date         DATE,
    severity         INTEGER NOT NULL,  -- 1 一般 … 4 特别重大
    affected_people  BIGINT,
    crop_damage_ha   DOUBLE,
    direct_loss      DOUBLE             -- yuan (files give 万元; converted on import)
);

CREATE TABLE IF NOT EXISTS employment (
    county_code          VARCHAR NOT NULL,
    month                DATE NOT NULL,  -- first day of the month
    migrant_workers      INTEGER NOT NULL,
    target               INTEGER,
    returned             INTEGER,
    public_welfare_jobs  INTEGER
);

CREATE TABLE IF NOT EXISTS thresholds (
    year             INTEGER NOT NULL,
    province_code    VARCHAR NOT NULL,  -- 000000 = national default
    monitoring_line  DOUBLE NOT NULL    -- yuan per person per year
);

CREATE TABLE IF NOT EXISTS import_log (
    import_id    INTEGER NOT NULL,
    file_name    VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    rows         BIGINT NOT NULL,   -- data rows in the file
    inserted     BIGINT NOT NULL,   -- rows whose key was new
    replaced     BIGINT NOT NULL,   -- rows that replaced an existing key
    imported_at  TIMESTAMP NOT NULL,
    outcome      VARCHAR NOT NULL   -- loaded (refused files never reach the database)
);

-- The monitoring line per person that applies in each year to each province: its own, else the national default
-- (province_code 000000 is China itself). The one place that rule is written; queries join it on year and
-- substr(county_code, 1, 2) || '0000'. Every two-digit prefix is listed, so no region table is needed.
CREATE OR REPLACE VIEW province_lines AS
SELECT y.year, p.province_code, coalesce(tp.monitoring_line, tn.monitoring_line) AS monitoring_line
FROM (SELECT DISTINCT year FROM thresholds) y
CROSS JOIN (SELECT '000000' AS province_code
            UNION ALL SELECT lpad(CAST(n AS VARCHAR), 2, '0') || '0000' FROM range(10, 100) t(n)) p
LEFT JOIN thresholds tp ON tp.year = y.year AND tp.province_code = p.province_code
LEFT JOIN thresholds tn ON tn.year = y.year AND tn.province_code = '000000'
WHERE coalesce(tp.monitoring_line, tn.monitoring_line) IS NOT NULL;

-- Income rows with their totals: the one place net income is defined (wage + operating + property + transfer,
-- the NBS definition in ../shared/import-format.md). Queries read this instead of repeating the sum.
CREATE OR REPLACE VIEW income_net AS
SELECT *,
       crop_income + livestock_income + other_operating_income AS operating_income,
       wage_income + crop_income + livestock_income + other_operating_income + property_income + transfer_income
           AS net_income,
       (wage_income + crop_income + livestock_income + other_operating_income + property_income + transfer_income)
           / members AS per_capita_net_income
FROM income;

-- One row per household and year with everything the pages ask about.
CREATE OR REPLACE VIEW household_year AS
WITH hy AS (
    SELECT
        i.household_id, i.year, i.county_code, i.village_code,
        substr(i.county_code, 1, 2) || '0000' AS province_code,
        substr(i.county_code, 1, 4) || '00' AS city_code,
        h.household_type, i.members, h.labor_count, h.relocated,
        h.monitored_since, h.risk_eliminated_on, h.risk_cause,
        i.wage_income, i.crop_income, i.livestock_income, i.other_operating_income,
        i.property_income, i.transfer_income, i.medical_expense, i.education_expense,
        i.cattle_sold, i.sheep_sold, i.hogs_sold,
        i.operating_income, i.net_income, i.per_capita_net_income,
        pl.monitoring_line
    FROM income_net i JOIN households h USING (household_id)
    LEFT JOIN province_lines pl ON pl.year = i.year AND pl.province_code = substr(i.county_code, 1, 2) || '0000'
)
SELECT
    hy.*,
    hy.per_capita_net_income < hy.monitoring_line AS below_line,
    hy.per_capita_net_income >= hy.monitoring_line
        AND hy.per_capita_net_income < 1.1 * hy.monitoring_line AS near_line,
    hy.wage_income / nullif(hy.net_income, 0) AS wage_share,
    hy.operating_income / nullif(hy.net_income, 0) AS operating_share,
    hy.property_income / nullif(hy.net_income, 0) AS property_share,
    hy.transfer_income / nullif(hy.net_income, 0) AS transfer_share,
    prev.per_capita_net_income AS prev_per_capita_net_income,
    hy.per_capita_net_income / nullif(prev.per_capita_net_income, 0) - 1 AS per_capita_yoy
FROM hy
LEFT JOIN income_net prev ON prev.household_id = hy.household_id AND prev.year = hy.year - 1;

-- Sums per county and year, kept current by every write (analysis/store/summaries.py), so national views
-- read a few thousand rows instead of joining every income row to its household. Ratios are computed
-- from these sums by the readers, which makes any region the exact sum of its counties.
CREATE TABLE IF NOT EXISTS county_year (
    county_code             VARCHAR NOT NULL,
    year                    INTEGER NOT NULL,
    households              BIGINT NOT NULL,  -- households with an income row in the year
    people                  BIGINT NOT NULL,
    below                   BIGINT NOT NULL,  -- per-capita net income below the monitoring line
    edge                    BIGINT NOT NULL,  -- at or above the line, below 1.1 × the line
    net_income              DOUBLE NOT NULL,
    wage_income             DOUBLE NOT NULL,
    crop_income             DOUBLE NOT NULL,
    livestock_income        DOUBLE NOT NULL,
    other_operating_income  DOUBLE NOT NULL,
    property_income         DOUBLE NOT NULL,
    transfer_income         DOUBLE NOT NULL,
    monitored               BIGINT NOT NULL,  -- monitored types enrolled by 31 Dec (or enrolment date unknown)
    eliminated              BIGINT NOT NULL   -- of those, risk eliminated by 31 Dec
);

-- Other departments' extracts, family members and the national system's case export (issue 18; layouts in
-- docs/IMPORT.md). A person appears only as person_hash (the salted hash households use for id_number) and a
-- mask; household_id is the file's own where it gave one (persons are otherwise tied to households through
-- the person_households view).
CREATE TABLE IF NOT EXISTS persons (          -- 家庭成员
    person_hash      VARCHAR NOT NULL,
    person_masked    VARCHAR,
    name_masked      VARCHAR,
    household_id     VARCHAR NOT NULL,
    relation         VARCHAR,                -- head · spouse · child · parent · grandchild · sibling · other
    labour_capacity  VARCHAR                 -- able · weak · none
);

CREATE TABLE IF NOT EXISTS medical_claims (   -- 医保: out-of-pocket per person and month, yuan
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    period DATE NOT NULL, inpatient_oop DOUBLE NOT NULL, outpatient_oop DOUBLE
);

CREATE TABLE IF NOT EXISTS education_records (  -- 教育: one row per student and school year
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    school_year INTEGER NOT NULL, stage VARCHAR NOT NULL, fees_paid DOUBLE, status VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS assistance (       -- 民政: 低保 · 特困 · 临时救助 per person and year
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    year INTEGER NOT NULL, status VARCHAR NOT NULL, amount DOUBLE, approved_on DATE
);

CREATE TABLE IF NOT EXISTS household_losses (  -- 应急管理: a household's direct loss in a disaster, yuan
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    date DATE NOT NULL, hazard VARCHAR, loss DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS house_safety (     -- 住建: house safety appraisal A–D, and the water check
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    appraised_on DATE NOT NULL, grade VARCHAR NOT NULL, safe_water BOOLEAN
);

CREATE TABLE IF NOT EXISTS disabilities (     -- 残联: certified disability, grade 1 (most severe) … 4
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    certified_on DATE NOT NULL, category VARCHAR, grade VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS job_status (       -- 人社: employment status per person and month
    person_hash VARCHAR NOT NULL, person_masked VARCHAR, household_id VARCHAR,
    month DATE NOT NULL, status VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS cases (            -- national system's case export: one row per warning
    household_id VARCHAR NOT NULL, warning_date DATE NOT NULL, source VARCHAR, verified_on DATE,
    village_reviewed_on DATE, township_reviewed_on DATE, county_decided_on DATE, decision VARCHAR, closed_on DATE
);

CREATE TABLE IF NOT EXISTS support_measures (  -- 帮扶措施: type and the date it started
    household_id VARCHAR NOT NULL, measure_type VARCHAR NOT NULL, started_on DATE NOT NULL, amount DOUBLE
);

-- Which household each person belongs to: family members first, else the head named in households.
CREATE OR REPLACE VIEW person_households AS
SELECT person_hash, any_value(household_id) AS household_id FROM persons GROUP BY person_hash
UNION ALL
SELECT id_number_hash, any_value(household_id) FROM households
WHERE id_number_hash IS NOT NULL AND id_number_hash NOT IN (SELECT person_hash FROM persons)
GROUP BY id_number_hash;

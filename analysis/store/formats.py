"""Import format v1 as data: the six kinds of file, their columns, vocabularies and rules.

One table per kind (see /work/shared/import-format.md). Everything the readers and the validator
know about a column lives here, so the format is described once.

Sign rules for money (decided here, enforced by the validator):
- Operating incomes (crop_income, livestock_income, other_operating_income) may be negative: a
  harvest or herd can lose money in a year, and the net figure is what monitoring uses.
- Wage, property and transfer income are amounts received and must be >= 0; so are expenses,
  direct losses, areas and every count.
- Prices and monitoring lines must be > 0; members >= 1; severity 1..4; years not in the future.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

INT32_MAX = 2_147_483_647
NATIONAL = "000000"

# Column types understood by the validator (analysis.store.validate).
TEXT, VILLAGE, COUNTY, PROVINCE, REGION = "text", "village", "county", "province", "region"
INT, BIGINT, NUMBER, MONEY, PRICE, AREA = "int", "bigint", "number", "money", "price", "area"
YEAR, DATE, MONTH, BOOL, CHOICE, SEVERITY = "year", "date", "month", "bool", "choice", "severity"
NAME, ID_NUMBER = "name", "id_number"  # personal: masked or hashed before anything leaves validation

# First two digits of every province-level code (GB/T 2260), including 台湾 71, 香港 81, 澳门 82.
PROVINCE_PREFIXES = frozenset((
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
))
HOUSEHOLD_TYPES = ("脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "一般农户")
RISK_CAUSES = ("因病", "因残", "因学", "因灾", "因意外事故", "因产业项目失败", "因务工就业不稳", "其他")
COMMODITIES = {
    "活牛": "live_cattle", "活羊": "live_sheep", "生猪": "live_hog", "牛肉": "beef",
    "羊肉": "mutton", "猪肉": "pork", "玉米": "maize",
}
HAZARDS = {
    "洪涝": "flood", "干旱": "drought", "风雹": "hail", "低温冷冻": "frost",
    "地质灾害": "landslide", "地震": "earthquake",
}
SEVERITY_WORDS = {"一般": 1, "较大": 2, "重大": 3, "特别重大": 4}
BOOL_WORDS = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False,
              "true": True, "false": False, "1": True, "0": False}


def vocabulary_key(text: str) -> str:
    """How headers and vocabulary values are compared: NFKC, lower case, no spaces, _ or -."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text).strip().lower())


def _choices(mapping: dict[str, str]) -> dict[str, str]:
    """Chinese and English spellings (by vocabulary_key) -> stored code."""
    out = {vocabulary_key(zh): code for zh, code in mapping.items()}
    out.update({vocabulary_key(code): code for code in mapping.values()})
    return out


@dataclass(frozen=True)
class Column:
    name: str                     # English header and database column
    zh: str                       # Chinese header as in the format
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()  # further accepted headers (Chinese or English)
    low: float | None = None       # inclusive lower bound
    low_open: bool = False         # True: the bound itself is refused (> rather than >=)
    high: float | None = None      # inclusive upper bound
    choices: dict[str, str] | None = None  # vocabulary_key(value) -> stored value
    default: object = None         # value for an empty cell or a missing optional column

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, self.zh, *self.aliases)


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]          # replace-by-key and uniqueness within a file
    stored_key: tuple[str, ...] = ()  # key in the table when it differs (a person's hash, not the raw ID)

    @property
    def db_key(self) -> tuple[str, ...]:
        return self.stored_key or self.key

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _count(name: str, zh: str, *aliases: str, required: bool = False, type_: str = INT) -> Column:
    return Column(name, zh, type_, required, aliases, low=0, high=INT32_MAX if type_ == INT else None)


def _money(name: str, zh: str, *aliases: str, required: bool = False, signed: bool = False,
           default: float | None = None) -> Column:
    return Column(name, zh, MONEY, required, aliases, low=None if signed else 0, default=default)


HOUSEHOLDS = Kind("households", "农户", "households", (
    Column("household_id", "户编号", TEXT, True, ("农户编号", "户码")),
    Column("village_code", "村级区划代码", VILLAGE, True, ("村代码", "村级代码", "村区划代码")),
    Column("household_type", "户类型", CHOICE, True, ("农户类型",),
           choices={vocabulary_key(t): t for t in HOUSEHOLD_TYPES}),
    Column("members", "家庭人口", INT, True, ("家庭人口数", "人口数"), low=1, high=INT32_MAX),
    _count("labor_count", "劳动力人数", "劳动力数"),
    Column("relocated", "易地搬迁", BOOL, False, ("是否易地搬迁",)),
    Column("monitored_since", "纳入监测日期", DATE, False, ("纳入监测时间",)),
    Column("risk_eliminated_on", "风险消除日期", DATE, False, ("风险消除时间",)),
    Column("risk_cause", "主要风险类型", CHOICE, False, ("风险类型", "致贫返贫风险"),
           choices={vocabulary_key(t): t for t in RISK_CAUSES}),
    Column("head_name", "户主姓名", NAME, False, ("户主",)),
    Column("id_number", "身份证号", ID_NUMBER, False, ("身份证号码", "户主身份证号", "证件号码")),
), key=("household_id",))

INCOME = Kind("income", "收入", "income", (
    Column("household_id", "户编号", TEXT, True, ("农户编号", "户码")),
    Column("year", "年度", YEAR, True, ("年份",)),
    _money("wage_income", "工资性收入", required=True),
    _money("crop_income", "种植业收入", required=True, signed=True),
    _money("livestock_income", "养殖业收入", required=True, signed=True),
    _money("other_operating_income", "其他经营性收入", signed=True, default=0.0),
    _money("property_income", "财产性收入", required=True),
    _money("transfer_income", "转移性收入", required=True),
    _money("medical_expense", "医疗支出"),
    _money("education_expense", "教育支出"),
    _count("cattle_sold", "出栏牛", "出栏牛数"),
    _count("sheep_sold", "出栏羊", "出栏羊数"),
    _count("hogs_sold", "出栏猪", "出栏猪数", "出栏生猪"),
), key=("household_id", "year"))

PRICES = Kind("prices", "价格", "prices", (
    Column("date", "日期", DATE, True, ("监测日期", "采价日期")),
    Column("commodity", "品种", CHOICE, True, ("商品", "品名"), choices=_choices(COMMODITIES)),
    Column("region_code", "区划代码", REGION, True, ("地区代码",)),
    Column("price", "价格", PRICE, True, ("均价",), low=0, low_open=True),
), key=("date", "commodity", "region_code"))

DISASTERS = Kind("disasters", "灾情", "disasters", (
    Column("event_id", "灾害编号", TEXT, True, ("灾情编号", "事件编号")),
    Column("hazard", "灾种", CHOICE, True, ("灾害类型", "灾害种类"), choices=_choices(HAZARDS)),
    Column("county_code", "县级区划代码", COUNTY, True, ("县代码", "县级代码")),
    Column("start_date", "开始日期", DATE, True, ("起始日期",)),
    Column("end_date", "结束日期", DATE, False, ("终止日期",)),
    Column("severity", "灾情等级", SEVERITY, True, ("等级", "灾害等级"), low=1, high=4),
    _count("affected_people", "受灾人口", "受灾人数", type_=BIGINT),
    Column("crop_damage_ha", "农作物受灾面积", AREA, False, ("受灾面积",), low=0),
    _money("direct_loss", "直接经济损失"),
), key=("event_id",))

EMPLOYMENT = Kind("employment", "务工", "employment", (
    Column("county_code", "县级区划代码", COUNTY, True, ("县代码", "县级代码")),
    Column("month", "月份", MONTH, True, ("统计月份",)),
    _count("migrant_workers", "务工人数", "外出务工人数", required=True),
    _count("target", "目标任务数", "目标任务"),
    _count("returned", "返乡回流人数", "返乡人数"),
    _count("public_welfare_jobs", "公益性岗位人数", "公益岗位人数"),
), key=("county_code", "month"))

THRESHOLDS = Kind("thresholds", "监测标准", "thresholds", (
    Column("year", "年度", YEAR, True, ("年份",)),
    Column("province_code", "省级区划代码", PROVINCE, True, ("省代码", "省级代码")),
    Column("monitoring_line", "监测标准", MONEY, True, ("监测收入标准", "防止返贫监测标准"), low=0, low_open=True),
), key=("year", "province_code"))

from analysis.store.department_formats import (  # noqa: E402  (they are built from the pieces above)
    DEPARTMENT_DB_COLUMNS,
    DEPARTMENT_KINDS,
    DEPARTMENT_ORDER_RULES,
    REFERS_TO_HOUSEHOLDS,
)

KINDS: dict[str, Kind] = {k.name: k for k in (HOUSEHOLDS, INCOME, PRICES, DISASTERS, EMPLOYMENT, THRESHOLDS,
                                              *DEPARTMENT_KINDS)}
# Households before income: income rows take their region codes from households.
LOAD_ORDER = ("thresholds", "households", "income", "prices", "disasters", "employment",
              *(k.name for k in DEPARTMENT_KINDS))
# Kinds whose household_id, where given, must name a household of the batch or the database.
HOUSEHOLD_REFERENCES = ("income", *REFERS_TO_HOUSEHOLDS)
KIND_ALIASES = {vocabulary_key(k.zh): k.name for k in KINDS.values()} | {k: k for k in KINDS}

# Cross-column rules: (kind, column, other, reason_zh, reason_en): column must not be less than other.
ORDER_RULES = (
    ("disasters", "end_date", "start_date", "结束日期早于开始日期", "end_date is before start_date"),
    ("households", "risk_eliminated_on", "monitored_since", "风险消除日期早于纳入监测日期",
     "risk_eliminated_on is before monitored_since"),
    ("households", "members", "labor_count", "家庭人口少于劳动力人数", "members is less than labor_count"),
    *DEPARTMENT_ORDER_RULES,
)

# Database columns per kind, in table order (what the loader writes).
DB_COLUMNS: dict[str, tuple[str, ...]] = {
    "households": ("household_id", "village_code", "county_code", "household_type", "members", "labor_count",
                   "relocated", "monitored_since", "risk_eliminated_on", "risk_cause", "head_name_masked",
                   "id_number_hash", "id_number_masked"),
    "income": ("household_id", "year", "county_code", "village_code", "members", "wage_income", "crop_income",
               "livestock_income", "other_operating_income", "property_income", "transfer_income",
               "medical_expense", "education_expense", "cattle_sold", "sheep_sold", "hogs_sold"),
    "prices": ("date", "commodity", "region_code", "price"),
    "disasters": ("event_id", "hazard", "county_code", "start_date", "end_date", "severity",
                  "affected_people", "crop_damage_ha", "direct_loss"),
    "employment": ("county_code", "month", "migrant_workers", "target", "returned", "public_welfare_jobs"),
    "thresholds": ("year", "province_code", "monitoring_line"),
    **DEPARTMENT_DB_COLUMNS,
}


def resolve_kind(kind: str | None) -> str | None:
    """'households', '农户' or None -> canonical kind name; ValueError for anything else."""
    if kind is None:
        return None
    found = KIND_ALIASES.get(vocabulary_key(kind))
    if found is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return found


FOREIGN_CURRENCIES = ("美元", "港元", "港币", "欧元", "日元", "usd", "eur", "hkd", "dollar")
_OPENERS, _CLOSERS = "([【", ")]】"


def split_header(header: str) -> tuple[str, str]:
    """'直接经济损失（万元）' -> ('直接经济损失', '万元'), both NFKC-normalised; no unit -> (header, '').

    The unit is the bracket closing the header, opened by the first opening bracket after any other
    closing one. Found with a few scans of the text (linear time): headers are untrusted text, and a
    backtracking regex took minutes on a header of many '('.
    """
    text = unicodedata.normalize("NFKC", str(header)).strip()
    if len(text) < 3 or text[-1] not in _CLOSERS:
        return text, ""
    inner_start = max(text.rfind(c, 0, len(text) - 1) for c in _CLOSERS) + 1
    openers = [i for i in (text.find(c, inner_start, len(text) - 1) for c in _OPENERS) if i >= 0]
    if not openers:
        return text, ""
    opening = min(openers)
    base = text[:opening].rstrip()
    return (base, text[opening + 1:-1].strip()) if base else (text, "")


def unit_factor(column: Column, unit: str) -> float | None:
    """Multiplier that brings values in `unit` to the stored unit; None if the unit is not understood.

    Money: 元 (default) or 万元. Prices: per kg (default) or per 斤 (half a kg). Areas: hectares.
    Other columns ignore their unit (头, 只, 人 ...).
    """
    key = vocabulary_key(unit)
    if not key:
        return 1.0
    if column.type in (MONEY, PRICE) and any(f in key for f in FOREIGN_CURRENCIES):
        return None
    if column.type == MONEY:
        if "万元" in key or key.startswith(("10kyuan", "10000yuan", "10,000yuan")):
            return 10_000.0
        return 1.0 if ("元" in key or "yuan" in key or "rmb" in key) else None
    if column.type == PRICE:
        per_kg = any(u in key for u in ("公斤", "千克", "kg"))
        if "斤" in key and not per_kg:
            return 2.0
        return 1.0 if per_kg or key in ("元", "yuan") else None
    if column.type == AREA:
        return 1.0 if key in ("公顷", "ha", "hectare", "hectares") else None
    return 1.0


def header_index() -> dict[str, list[tuple[str, Column]]]:
    """vocabulary_key(header) -> [(kind, column), ...] over all kinds (for detecting the kind)."""
    index: dict[str, list[tuple[str, Column]]] = {}
    for kind in KINDS.values():
        for column in kind.columns:
            for header in column.headers:
                index.setdefault(vocabulary_key(header), []).append((kind.name, column))
    return index


HEADER_INDEX = header_index()

"""Import kinds for other departments' extracts, family members and the national system's case export.

Declarative, in the terms of analysis.store.formats (which includes them in KINDS; import them from there,
not from here: this module is read while formats is being built). Layouts: docs/IMPORT.md.

People are named by their ID number (身份证号). Validation keeps only its keyed hash (`person_hash`, the same
function as households' id_number_hash) and a mask; a person is tied to a household by `household_id` where
the file gives it, else by the family-members kind (家庭成员), else as a household's head.
"""
from __future__ import annotations

from analysis.store import formats as F

Column = F.Column

DEPARTMENTS = {  # department code -> (Chinese, English)
    "medical": ("医保", "medical insurance"), "education": ("教育", "education"),
    "civil_affairs": ("民政", "civil affairs"), "emergency": ("应急管理", "emergency management"),
    "housing": ("住建", "housing"), "disability": ("残联", "disabled persons' federation"),
    "human_resources": ("人社", "human resources"),
}
RELATIONS = {"户主": "head", "配偶": "spouse", "子女": "child", "父母": "parent", "孙子女": "grandchild",
             "兄弟姐妹": "sibling", "其他": "other"}
LABOUR_CAPACITY = {"有劳动能力": "able", "弱劳动能力": "weak", "无劳动能力": "none"}
STAGES = {"学前": "preschool", "小学": "primary", "初中": "junior_secondary", "高中": "senior_secondary",
          "中职": "vocational_secondary", "高职": "vocational_college", "本科": "undergraduate",
          "研究生": "postgraduate"}
COMPULSORY_STAGES = ("primary", "junior_secondary")  # 义务教育
ENROLMENT = {"在读": "enrolled", "辍学": "dropped_out", "休学": "suspended", "毕业": "graduated"}
ASSISTANCE = {"低保": "dibao", "特困": "tekun", "临时救助": "temporary", "无": "none"}
GRADES = {"A级": "A", "B级": "B", "C级": "C", "D级": "D"}
DISABILITY_CATEGORIES = {"视力": "visual", "听力": "hearing", "言语": "speech", "肢体": "physical",
                         "智力": "intellectual", "精神": "mental", "多重": "multiple"}
DISABILITY_GRADES = {"一级": "1", "二级": "2", "三级": "3", "四级": "4"}  # 一级 is the most severe
JOB_STATUS = {"就业": "employed", "失业": "unemployed", "返乡": "returned", "未就业": "not_employed"}
DECISIONS = {"纳入": "enrolled", "不纳入": "not_enrolled"}
CASE_SOURCES = {"医保": "medical", "教育": "education", "民政": "civil_affairs", "应急管理": "emergency",
                "住建": "housing", "残联": "disability", "人社": "human_resources", "农户申报": "self_report",
                "干部排查": "visit", "其他": "other"}
MEASURE_TYPES = {"产业帮扶": "industry", "就业帮扶": "employment", "健康帮扶": "health", "教育帮扶": "education",
                 "住房安全保障": "housing", "饮水安全保障": "water", "综合保障": "social_security",
                 "金融帮扶": "credit", "公益性岗位": "public_job", "临时救助": "temporary_relief", "其他": "other"}


def _choice(name: str, zh: str, vocabulary: dict[str, str], *aliases: str, required: bool = False) -> Column:
    return Column(name, zh, F.CHOICE, required, aliases, choices=F._choices(vocabulary))


def _person(*aliases: str) -> tuple[Column, ...]:
    """Who a row is about: the ID number (required), the household where the department knows it, a name."""
    return (
        Column("id_number", "身份证号", F.ID_NUMBER, True, ("身份证号码", "公民身份号码", "证件号码", *aliases)),
        Column("household_id", "户编号", F.TEXT, False, ("农户编号", "户码")),
        Column("name", "姓名", F.NAME, False, ("人员姓名",)),
    )


def _money(name: str, zh: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, zh, F.MONEY, required, aliases, low=0, default=None if required else 0.0)


def _date(name: str, zh: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, zh, F.DATE, required, aliases)


MEMBERS = F.Kind("members", "家庭成员", "persons", (
    Column("household_id", "户编号", F.TEXT, True, ("农户编号", "户码")),
    Column("id_number", "身份证号", F.ID_NUMBER, True, ("身份证号码", "公民身份号码", "证件号码")),
    Column("name", "姓名", F.NAME, False, ("成员姓名",)),
    _choice("relation", "与户主关系", RELATIONS, "关系"),
    _choice("labour_capacity", "劳动能力", LABOUR_CAPACITY, "劳动技能"),
), key=("id_number",), stored_key=("person_hash",))

MEDICAL = F.Kind("medical", "医保", "medical_claims", (
    *_person("参保人身份证号"),
    Column("period", "结算月份", F.MONTH, True, ("月份", "就诊月份")),
    _money("inpatient_oop", "住院个人自付", "住院自付费用", "住院个人负担", required=True),
    _money("outpatient_oop", "门诊个人自付", "门诊自付费用", "门诊个人负担"),
), key=("id_number", "period"), stored_key=("person_hash", "period"))

EDUCATION = F.Kind("education", "教育", "education_records", (
    *_person("学生身份证号"),
    Column("school_year", "学年", F.YEAR, True, ("年度",)),
    _choice("stage", "学段", STAGES, "就读学段", required=True),
    _money("fees_paid", "自付教育费用", "缴费金额", "学费住宿费"),
    _choice("status", "就学状态", ENROLMENT, "学籍状态", required=True),
), key=("id_number", "school_year"), stored_key=("person_hash", "school_year"))

CIVIL_AFFAIRS = F.Kind("civil_affairs", "民政", "assistance", (
    *_person("救助对象身份证号"),
    Column("year", "年度", F.YEAR, True, ("年份",)),
    _choice("status", "救助类别", ASSISTANCE, "保障类别", required=True),
    _money("amount", "年度救助金额", "救助金额", "保障金额"),
    _date("approved_on", "认定日期", "审批日期"),
), key=("id_number", "year"), stored_key=("person_hash", "year"))

EMERGENCY = F.Kind("emergency", "应急管理", "household_losses", (
    *_person("户主身份证号"),
    _date("date", "受灾日期", "灾害发生日期", required=True),
    _choice("hazard", "灾种", F.HAZARDS, "灾害类型"),
    _money("loss", "户直接经济损失", "直接经济损失", "家庭财产损失", required=True),
), key=("id_number", "date"), stored_key=("person_hash", "date"))

HOUSING = F.Kind("housing", "住建", "house_safety", (
    *_person("户主身份证号"),
    _date("appraised_on", "鉴定日期", "评定日期", required=True),
    _choice("grade", "房屋安全等级", GRADES, "鉴定等级", "安全等级", required=True),
    Column("safe_water", "饮水安全", F.BOOL, False, ("饮水安全达标", "安全饮水")),
), key=("id_number", "appraised_on"), stored_key=("person_hash", "appraised_on"))

DISABILITY = F.Kind("disability", "残联", "disabilities", (
    *_person("残疾人身份证号"),
    _date("certified_on", "发证日期", "认定日期", required=True),
    _choice("category", "残疾类别", DISABILITY_CATEGORIES),
    _choice("grade", "残疾等级", DISABILITY_GRADES, "等级", required=True),
), key=("id_number",), stored_key=("person_hash",))

HUMAN_RESOURCES = F.Kind("human_resources", "人社", "job_status", (
    *_person("劳动力身份证号"),
    Column("month", "月份", F.MONTH, True, ("统计月份",)),
    _choice("status", "就业状态", JOB_STATUS, "务工状态", required=True),
), key=("id_number", "month"), stored_key=("person_hash", "month"))

CASES = F.Kind("cases", "监测帮扶台账", "cases", (
    Column("household_id", "户编号", F.TEXT, True, ("农户编号", "户码")),
    _date("warning_date", "预警日期", "发现日期", "风险发现日期", required=True),
    _choice("source", "预警来源", CASE_SOURCES, "预警部门", "信息来源"),
    _date("verified_on", "入户核实日期", "核实日期"),
    _date("village_reviewed_on", "村级评议日期", "村评议日期"),
    _date("township_reviewed_on", "乡镇审核日期", "乡级审核日期"),
    _date("county_decided_on", "县级审定日期", "县级确认日期"),
    _choice("decision", "认定结果", DECISIONS, "是否纳入"),
    _date("closed_on", "风险消除日期", "销号日期"),
), key=("household_id", "warning_date"))

MEASURES = F.Kind("measures", "帮扶措施", "support_measures", (
    Column("household_id", "户编号", F.TEXT, True, ("农户编号", "户码")),
    _choice("measure_type", "帮扶措施类型", MEASURE_TYPES, "措施类型", required=True),
    _date("started_on", "落实日期", "措施落实日期", "帮扶日期", required=True),
    _money("amount", "帮扶金额", "资金"),
), key=("household_id", "measure_type", "started_on"))

DEPARTMENT_KINDS = (MEMBERS, MEDICAL, EDUCATION, CIVIL_AFFAIRS, EMERGENCY, HOUSING, DISABILITY, HUMAN_RESOURCES,
                    CASES, MEASURES)
# The department that sends each extract (for warnings and the case source).
KIND_DEPARTMENT = {"medical": "medical", "education": "education", "civil_affairs": "civil_affairs",
                   "emergency": "emergency", "housing": "housing", "disability": "disability",
                   "human_resources": "human_resources"}
REFERS_TO_HOUSEHOLDS = tuple(k.name for k in DEPARTMENT_KINDS)
_PERSON = ("person_hash", "person_masked", "household_id")

DEPARTMENT_DB_COLUMNS: dict[str, tuple[str, ...]] = {
    "members": ("person_hash", "person_masked", "name_masked", "household_id", "relation", "labour_capacity"),
    "medical": (*_PERSON, "period", "inpatient_oop", "outpatient_oop"),
    "education": (*_PERSON, "school_year", "stage", "fees_paid", "status"),
    "civil_affairs": (*_PERSON, "year", "status", "amount", "approved_on"),
    "emergency": (*_PERSON, "date", "hazard", "loss"),
    "housing": (*_PERSON, "appraised_on", "grade", "safe_water"),
    "disability": (*_PERSON, "certified_on", "category", "grade"),
    "human_resources": (*_PERSON, "month", "status"),
    "cases": ("household_id", "warning_date", "source", "verified_on", "village_reviewed_on",
              "township_reviewed_on", "county_decided_on", "decision", "closed_on"),
    "measures": ("household_id", "measure_type", "started_on", "amount"),
}

# A case's steps come in order: each date not before the one it follows.
DEPARTMENT_ORDER_RULES = tuple(
    ("cases", later, earlier, f"{zh_later}早于{zh_earlier}", f"{later} is before {earlier}")
    for later, zh_later, earlier, zh_earlier in (
        ("verified_on", "入户核实日期", "warning_date", "预警日期"),
        ("village_reviewed_on", "村级评议日期", "verified_on", "入户核实日期"),
        ("township_reviewed_on", "乡镇审核日期", "village_reviewed_on", "村级评议日期"),
        ("county_decided_on", "县级审定日期", "township_reviewed_on", "乡镇审核日期"),
        ("county_decided_on", "县级审定日期", "warning_date", "预警日期"),
        ("closed_on", "风险消除日期", "county_decided_on", "县级审定日期"),
    )
)

"""Every string the user interface shows, in Chinese (default) and English.

Shell strings live here; each page family's strings live in analysis/strings/<family>.py.
`t(key, lang, **values)` looks a string up and fills `{placeholders}`. Data values (household
types, region names) are translated by their own functions here, never by the pages.
"""
from __future__ import annotations

from analysis.strings import collect
from analysis.textsafe import MISSING, Escaped, format_markdown

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    # Shell
    "section_watch": ("监测", "Monitoring"),
    "section_warning": ("预警与情景", "Early warning and what-if"),
    "section_data": ("数据与报告", "Data and reports"),
    "page_overview": ("总览", "Overview"),
    "page_import": ("数据导入", "Import"),
    "page_data": ("数据管理", "Data"),
    "language": ("语言 / Language", "Language / 语言"),
    "province": ("省份", "Province"),
    "city": ("市(州)", "City"),
    "county": ("县(区)", "County"),
    "all_of": ("全部", "All"),
    "year": ("年度", "Year"),
    "national": ("全国", "China"),
    "demo_banner": ("演示数据 · synthetic demo data：本库为合成的演示数据，不是真实统计。",
                    "演示数据 · synthetic demo data: invented households for demonstration, not real statistics."),
    "demo_banner_mixed": (
        "演示数据 · synthetic demo data：本库是演示数据库，又导入了 {files} 个文件，真实数据与合成的演示数据混在一起。"
        "{counties} 个县的演示农户，以及未被导入覆盖的价格、灾情、务工数据，都是合成的。{here}"
        "真实数据请使用新的数据库（INCOMEWATCH_DB）。",
        "演示数据 · synthetic demo data: this is the demo database with {files} imported files mixed in. The demo "
        "households of {counties} counties, and prices, floods and jobs not replaced by imports, are invented. "
        "{here} Keep real data in a database of its own (INCOMEWATCH_DB)."),
    "demo_here_demo": ("{region}含演示农户。", "{region} holds demo households."),
    "demo_here_real": ("{region}的农户均为导入数据。", "The households of {region} are all imported."),
    "db_missing": (
        "未找到数据库文件：`{path}`。\n\n构建演示数据：在项目目录运行 `make run`（首次启动时自动构建），"
        "或运行 `python -m analysis demo`；也可以设置环境变量 `INCOMEWATCH_DB` 指向已有数据库。",
        "Database file not found: `{path}`.\n\nBuild the demo: run `make run` in the project folder (it builds "
        "the demo on first start), or `python -m analysis demo`; or point `INCOMEWATCH_DB` at an existing database.",
    ),
    "db_needs_refresh": (
        "数据库 `{path}` 由旧版本写入，缺少县级汇总表或新增的数据列。请运行 `python -m analysis refresh --db {path}`（或 `make demo` 重建演示数据），然后刷新页面。",
        "The database `{path}` was written by an older version and lacks the county sums or newer columns. Run "
        "`python -m analysis refresh --db {path}` (or `make demo` to rebuild the demo), then reload the page."),
    "no_income": ("数据库中还没有收入数据。请在「数据导入」页面导入文件。",
                  "No income data loaded yet. Import files on the Import page."),
    "url_bad_lang": ("网址中的语言参数 lang={value} 无法识别，已使用中文。",
                     "Unknown language lang={value} in the link; showing Chinese."),
    "url_bad_region": ("网址中的区划代码 region={value} 无效或没有数据，已显示全国。",
                       "Region code region={value} in the link is invalid or has no data; showing all of China."),
    "url_bad_year": ("网址中的年度 year={value} 无效或没有数据，已显示 {fallback} 年。",
                     "Year year={value} in the link is invalid or has no data; showing {fallback}."),
    "download_excel": ("下载 Excel", "Download Excel"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "chart_format": ("图表下载格式", "Chart download format"),
    "chart_format_help": ("图表右上角相机按钮下载的格式：PNG（3 倍清晰度）或 SVG（矢量）。",
                          "Format of the camera button on each chart: PNG (3× resolution) or SVG (vector)."),
    # Overview
    "overview_title": ("{region} · {year} 年总览", "{region} · {year} overview"),
    "households": ("农户数", "Households"),
    "people": ("人口数", "People"),
    "income_per_capita": ("人均纯收入", "Net income per capita"),
    "vs_previous": ("较上年", "vs previous year"),
    "monitoring_line": ("监测标准", "Monitoring line"),
    "below_line": ("低于监测线户数", "Households below the line"),
    "near_line": ("监测线以上10%以内户数", "Within 10% above the line"),
    "share_of_households": ("占农户 {share}", "{share} of households"),
    "line_caption": ("监测标准 {line}/人·年；人均纯收入 = 全部纯收入 ÷ 全部人口。",
                     "Monitoring line {line} per person and year; net income per capita = total net income ÷ "
                     "total people."),
    "monitored_title": ("监测对象", "Monitored households"),
    "monitored_total": ("监测户数", "Monitored households"),
    "eliminated_share_note": ("风险已消除 {share}", "{share} risk eliminated"),
    "risk_eliminated": ("风险已消除", "Risk eliminated"),
    "risk_remaining": ("风险未消除", "Risk not eliminated"),
    "household_type": ("户类型", "Household type"),
    "employment_title": ("务工就业", "Migrant work"),
    "employment_chart": ("{year} 年务工人数（各县合计）", "Migrant workers {year}, all counties"),
    "migrant_workers": ("务工人数", "Migrant workers"),
    "target": ("目标任务", "Target"),
    "target_done": ("完成目标 {share}", "{share} of target"),
    "employment_caption": ("{month} 各县合计。", "Sum over counties, {month}."),
    "no_employment": ("本年度没有务工数据。", "No migrant-work data for this year."),
    "sources_title": ("人均收入构成（元）", "Income per capita by source (yuan)"),
    "wage_income": ("工资性收入", "Wage"),
    "operating_income": ("经营性收入", "Operating"),
    "property_income": ("财产性收入", "Property"),
    "transfer_income": ("转移性收入", "Transfer"),
    "risk_title": ("风险较高的县（按低于监测线户占比前 10）", "Counties most at risk (top 10 by share below the line)"),
    "county_name": ("县(区)", "County"),
    "below_share": ("低于监测线占比", "Below the line"),
    "near_share": ("临界占比(10%以内)", "Within 10% above"),
    "growth": ("较上年增长", "Growth"),
    "no_data_region": ("{region} 在 {year} 年没有农户收入数据。", "No household income data for {region} in {year}."),
    # Import
    "import_title": ("数据导入", "Import data"),
    "import_intro": ("上传 CSV 或 XLSX 文件（导入格式 v1，表头中英文均可）。先预览和校验，确认后才写入数据库；"
                     "任何一个文件有问题则全部不写入。",
                     "Upload CSV or XLSX files (import format v1, Chinese or English headers). Preview and "
                     "validate first; nothing is written until you confirm, and nothing at all if any file has "
                     "a problem."),
    "files": ("选择文件", "Choose files"),
    "kind": ("数据类型", "Kind of data"),
    "kind_auto": ("自动识别", "Detect automatically"),
    "preview_of": ("预览：{name}", "Preview: {name}"),
    "detected_kind": ("识别为：{kind}，共 {rows} 行", "Detected as: {kind}, {rows} rows"),
    "extra_columns": ("未识别的列（不会导入）：{columns}", "Columns not in the format (not imported): {columns}"),
    "problems_title": ("校验问题", "Validation problems"),
    "problems_count": ("发现 {n} 处问题（{causes} 类原因），修正后重新上传。",
                       "{n} problems found ({causes} causes); fix them and upload again."),
    "no_problems": ("预览未发现问题。", "No problems found in the preview."),
    "confirm_import": ("确认导入", "Import now"),
    "importing": ("正在导入…", "Importing…"),
    "import_done": ("导入完成。", "Import finished."),
    "import_refused": ("导入被拒绝，数据库未改动。", "Import refused; the database is unchanged."),
    "file": ("文件", "File"),
    "row": ("行号", "Row"),
    "column": ("列", "Column"),
    "value": ("值", "Value"),
    "reason": ("原因", "Reason"),
    "status": ("状态", "Status"),
    "rows": ("行数", "Rows"),
    "inserted": ("新增", "Inserted"),
    "replaced": ("替换", "Replaced"),
    "unreadable_file": ("无法读取文件 {name}：{error}", "Cannot read file {name}: {error}"),
    # Data
    "data_title": ("数据管理", "Data"),
    "dataset": ("数据集", "Dataset"),
    "dataset_demo": ("演示数据（合成）", "Synthetic demo"),
    "dataset_imported": ("导入数据", "Imported"),
    "tables_title": ("已加载的数据", "What is loaded"),
    "table": ("表", "Table"),
    "row_count": ("行数", "Rows"),
    "income_years": ("收入年度", "Income years"),
    "regions_covered": ("覆盖地区", "Regions covered"),
    "regions_covered_value": ("{provinces} 个省、{cities} 个市、{counties} 个县",
                              "{provinces} provinces, {cities} cities, {counties} counties"),
    "prices_range": ("价格数据", "Prices"),
    "import_log": ("导入记录", "Import log"),
    "no_imports": ("还没有导入过文件。", "No files imported yet."),
    "dictionary": ("数据字典", "Data dictionary"),
    "imported_at": ("导入时间", "Imported at"),
    "outcome": ("结果", "Outcome"),
}

STRINGS = collect(STRINGS)

TABLE_NAMES = {
    "regions": ("行政区划", "Regions"), "households": ("农户", "Households"), "income": ("收入", "Income"),
    "prices": ("价格", "Prices"), "disasters": ("灾情", "Disasters"), "employment": ("务工", "Employment"),
    "thresholds": ("监测标准", "Thresholds"), "import_log": ("导入记录", "Import log"),
}

HOUSEHOLD_TYPES_EN = {
    "脱贫户": "Formerly poor", "脱贫不稳定户": "Formerly poor, unstable", "边缘易致贫户": "Marginal, at risk",
    "突发严重困难户": "Sudden severe hardship", "一般农户": "Other rural",
}

RISK_CAUSES_EN = {  # analysis.store.formats.RISK_CAUSES
    "因病": "Illness", "因残": "Disability", "因学": "Schooling costs", "因灾": "Disaster", "因意外事故": "Accident",
    "因产业项目失败": "Failed farm or business project", "因务工就业不稳": "Unstable work", "其他": "Other",
}


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled from `values`.

    Pages render these strings as Markdown, and values may come from links, file names or cells:
    each value is shown as text (analysis.textsafe), never as a link, image or HTML.
    """
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return format_markdown(text, values) if values else Escaped(text)


def table_name(table: str, lang: str = DEFAULT_LANG) -> str:
    zh, en = TABLE_NAMES.get(table, (table, table))
    return en if lang == "en" else zh


def household_type(name: str, lang: str = DEFAULT_LANG) -> str:
    return HOUSEHOLD_TYPES_EN.get(name, name) if lang == "en" else name


def risk_cause(name: str | None, lang: str = DEFAULT_LANG) -> str:
    """A household's main risk cause (the import vocabulary, analysis.store.formats.RISK_CAUSES) in `lang`."""
    if not isinstance(name, str) or not name:
        return MISSING
    return RISK_CAUSES_EN.get(name, name) if lang == "en" else name


def region_name(name: str, name_en: str | None, lang: str = DEFAULT_LANG) -> str:
    """Chinese name, or the English/pinyin one when English is chosen and known."""
    return name_en if lang == "en" and isinstance(name_en, str) and name_en else name

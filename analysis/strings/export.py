"""Strings of figure export, briefings (汇报材料) and presentation mode: keys `export_*` and `brief_*`."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # Figure downloads under every chart
    "export_figure": ("下载图表", "Download chart"),
    "export_png": ("PNG 图片（打印质量）", "PNG (print quality)"),
    "export_svg": ("SVG 矢量图", "SVG (vector)"),
    "export_pdf": ("PDF 文件", "PDF file"),
    "export_hint": ("图片由服务器按屏幕样式生成，可直接粘贴到 Word 或 PPT。",
                    "Rendered on the server in the screen's style, ready to paste into Word or PowerPoint."),
    "export_unavailable": (
        "服务器无法导出图片：未找到 Chromium 浏览器或中文字体。请管理员运行 `{command}` 后重启应用。"
        "在此之前，可用图表右上角的相机按钮下载图片。",
        "This server cannot export figures: Chromium or a Chinese font is missing. Ask the administrator to run "
        "`{command}` and restart the app. Meanwhile, the camera button at the top right of each chart downloads "
        "an image.",
    ),
    # The briefing document
    "brief_page": ("汇报材料", "Briefing"),
    "brief_page_title": ("{region} · {year} 年汇报材料", "{region} · {year} briefing"),
    "brief_intro": ("一键生成所选地区和年度的汇报材料：Word 文档（文字、图表、表格）和 PowerPoint 演示文稿（每页一张图）。",
                    "One click builds the briefing for the chosen region and year: a Word document (text, charts, "
                    "tables) and a PowerPoint deck (one chart per slide)."),
    "brief_title": ("{region}{year}年防止返贫监测与增收情况汇报", "{region}: income and monitoring briefing, {year}"),
    "brief_date": ("生成日期：{date}", "Generated on {date}"),
    "brief_source": ("数据来源：增收监测系统（{dataset}）。人均纯收入 = 全部纯收入 ÷ 全部人口。",
                     "Source: Income Watch database ({dataset}). Net income per capita = total net income ÷ "
                     "total people."),
    "brief_dataset_demo": ("合成演示数据", "synthetic demo data"),
    "brief_dataset_imported": ("导入数据", "imported data"),
    "brief_caveat_synthetic": ("本材料使用合成的演示数据，数字不是真实统计，不得对外引用。",
                               "This briefing uses synthetic demo data: the numbers are invented and must not "
                               "be quoted as statistics."),
    "brief_caveat_left_out": ("以下部分超出本服务器的计算内存，本材料未包含，请在相应页面查看：{pages}。",
                              "Left out, beyond this server's memory for the computation; see these pages: {pages}."),
    "brief_caveat_auto": ("文字由系统根据数据自动生成，使用前请核对。",
                          "The text was written automatically from the numbers; check it before use."),
    "brief_as_of": ("数据截至{year}年", "Data as of {year}"),
    "brief_figure_caption": ("图{n}　{title}", "Figure {n}. {title}"),
    "brief_figure_source": ("资料来源：增收监测系统（{dataset}），{as_of}。", "Source: Income Watch database ({dataset}), {as_of}."),
    "brief_demo_label": ("演示数据 · 非真实统计", "Demo data · not real statistics"),
    "brief_key_figures": ("主要指标", "Key figures"),
    "brief_chart_missing": ("（图表未导出：{reason}）", "(Chart not exported: {reason})"),
    # Sections and their auto-written paragraphs
    "brief_income_heading": ("收入情况", "Income"),
    "brief_income_text": ("{year}年，{region}共有农户{households}户、{people}人，人均纯收入{income}，比上年{change}。",
                          "In {year}, {region} had {households} households ({people} people) with net income per "
                          "capita of {income}, {change} on the previous year."),
    "brief_change_up": ("增长{pct}", "up {pct}"),
    "brief_change_down": ("下降{pct}", "down {pct}"),
    "brief_change_flat": ("基本持平", "about the same"),
    "brief_change_unknown": ("无可比数据", "with no previous year to compare"),
    "brief_sources_text": ("从收入构成看，工资性收入占{wage}，经营性收入占{operating}，财产性收入占{property}，"
                           "转移性收入占{transfer}。",
                           "Wages made up {wage} of income, operating income {operating}, property income "
                           "{property} and transfers {transfer}."),
    "brief_monitoring_heading": ("监测帮扶", "Monitoring"),
    "brief_line_text": ("按每人每年{line}的监测标准，低于监测线的农户{below}户，占{below_share}；"
                        "高于监测线不足10%的农户{near}户，占{near_share}，需要重点关注。",
                        "Against a monitoring line of {line} per person and year, {below} households "
                        "({below_share}) were below the line and {near} ({near_share}) less than 10% above it "
                        "and need attention."),
    "brief_monitored_text": ("纳入监测的三类户共{total}户，其中风险已消除{eliminated}户，占{share}；"
                             "尚有{remaining}户风险未消除。",
                             "{total} households were under monitoring; risk was eliminated for {eliminated} "
                             "({share}), and {remaining} remain at risk."),
    "brief_employment_text": ("截至{month}，务工人数{workers}人，完成目标任务的{share}。",
                              "By {month}, {workers} people were in migrant work, {share} of the target."),
    "brief_counties_heading": ("重点关注县", "Counties of concern"),
    "brief_map_heading": ("风险地图", "Risk map"),
    "brief_map_text": ("{region}低于监测线农户占比最高的地区：{items}。",
                       "{region}: the largest shares of households below the line are in {items}."),
    "brief_counties_text": ("低于监测线农户占比最高的县：{items}。",
                            "Counties with the largest share of households below the line: {items}."),
    "brief_counties_falling": ("下表所列县中，人均纯收入比上年下降的有{n}个：{items}。",
                               "Among the counties listed, per-capita income fell in {n}: {items}."),
    "brief_counties_rising": ("下表所列县的人均纯收入均比上年增长。",
                              "Per-capita income rose in every county listed."),
    "brief_counties_table": ("低于监测线农户占比最高的县", "Counties with the largest share below the line"),
    "brief_item": ("{name}（{value}）", "{name} ({value})"),
    "brief_price_item": ("{level}，比上年同月{change}", "{level}, {change} on a year earlier"),
    "brief_list_sep": ("、", ", "),
    "brief_prices_heading": ("价格预警", "Price alerts"),
    "brief_floods_heading": ("洪涝影响（防止因灾返贫）", "Floods (no return to poverty through disasters)"),
    "brief_floods_text": (
        "据本地数据测算，洪涝使受灾县当年农户人均纯收入变化 {effect}（95% 置信区间 {low} 至 {high}），"
        "基于 {n_obs} 个县-年观测、{counties} 个县、{flooded} 个受灾县-年。",
        "From the data here, a flood changed per-capita net income in the affected county that year by {effect} "
        "(95% interval {low} to {high}), from {n_obs} county-years, {counties} counties and {flooded} flooded "
        "county-years."),
    "brief_floods_method": (
        "方法：插补估计（Borusyak 等 2024，适用于各县在不同年份受灾），区间按市（州）聚类或用随机化推断；"
        "灾后各年的持续损失和受灾户名单见「灾情与返贫风险」页。",
        "Method: the imputation estimator for floods in different years (Borusyak et al. 2024), intervals clustered "
        "by prefecture or from randomization inference; the lasting loss and the green-channel list are on the "
        "Disasters page."),
    "brief_screen_heading": ("筛查预警（应纳尽纳）", "Screening (enrol everyone who qualifies)"),
    "brief_screen_text": (
        "按筛查规则，{year} 年共有 {flagged} 户触发预警（占农户 {share}），主要原因：{reasons}。其中 {not_enrolled} 户"
        "尚未纳入监测，建议逐户核实；{closing} 户已标注风险消除但仍触发预警，销号前应再核查。",
        "By the screening rules, {flagged} households ({share} of all) were flagged in {year}; main reasons: "
        "{reasons}. Of these, {not_enrolled} are not yet monitored and should be visited; {closing} are marked "
        "risk-eliminated yet still flagged and should be checked before closing."),
    "brief_screen_method": (
        "规则及其参数见 data/screening_rules.toml（可编辑，注明单位与来源）；名单见「筛查预警」页，可导出 Excel。",
        "The rules and their parameters are in data/screening_rules.toml (editable, with units and sources); the "
        "lists are on the Screening page and export to Excel."),
    "brief_prices_text": ("截至{date}（{area}价格），{level}且向对农户不利方向变动的品种：{items}。",
                          "As of {date} ({area} prices), commodities at {level} moving the way that hurts: {items}."),
    "brief_prices_calm": ("截至{date}（{area}价格），没有品种处于{level}且向对农户不利方向变动。",
                          "As of {date} ({area} prices), no commodity is at {level} moving the way that hurts."),
    "brief_prices_method": ("预警方法：按世界粮食计划署 ALPS 方法，以趋势和季节拟合价格，偏离越大等级越高"
                            "（正常、关注、预警、危机）。",
                            "Method: WFP ALPS — the price is compared with its fitted trend and season; the larger "
                            "the gap, the higher the level (normal, stress, alert, crisis)."),
    "brief_prices_none": ("数据库中没有价格数据。", "No prices are loaded."),
    "brief_prices_table": ("主要农产品价格预警", "Farm price alerts"),
    "brief_commodity": ("品种", "Commodity"),
    "brief_month": ("月份", "Month"),
    "brief_price": ("价格（元/公斤）", "Price (yuan/kg)"),
    "brief_change_12m": ("比上年同月", "vs a year earlier"),
    "brief_score": ("偏离分值", "Score"),
    "brief_alert_level": ("预警等级", "Alert level"),
    "brief_commodity_live_cattle": ("活牛", "Live cattle"),
    "brief_commodity_live_sheep": ("活羊", "Live sheep"),
    "brief_commodity_live_hog": ("生猪", "Live hogs"),
    "brief_commodity_beef": ("牛肉", "Beef"),
    "brief_commodity_mutton": ("羊肉", "Mutton"),
    "brief_commodity_pork": ("猪肉", "Pork"),
    "brief_commodity_maize": ("玉米", "Maize"),
    # The briefing page and its progress
    "brief_build": ("生成汇报材料", "Build the briefing"),
    "brief_progress_data": ("读取数据", "Reading the data"),
    "brief_progress_charts": ("生成图表 {n}/{total}", "Rendering chart {n} of {total}"),
    "brief_progress_word": ("写入 Word 文档", "Writing the Word document"),
    "brief_progress_slides": ("写入 PowerPoint", "Writing the PowerPoint deck"),
    "brief_progress_done": ("完成", "Done"),
    "brief_ready": ("已生成，用时 {seconds} 秒。", "Built in {seconds} s."),
    "brief_download_docx": ("下载 Word 文档", "Download Word"),
    "brief_download_pptx": ("下载 PowerPoint", "Download PowerPoint"),
    "brief_preview": ("内容预览", "Preview"),
    "brief_no_export": ("服务器无法导出图片，Word 和 PowerPoint 中将不含图表。",
                        "This server cannot export figures: the Word and PowerPoint files will have no charts."),
    # Presentation mode
    "brief_present": ("演示模式", "Presentation mode"),
    "brief_present_help": ("隐藏侧边栏、放大字号，每屏一张图，适合投影。也可在网址中加 present=1。",
                           "Hides the sidebar, enlarges text and shows one chart per screen, for projectors. "
                           "Also available by adding present=1 to the link."),
    "brief_bad_present": ("网址中的参数 present={value} 无法识别（应为 1 或 0），未进入演示模式。",
                          "Unknown value present={value} in the link (use 1 or 0); presentation mode is off."),
    "brief_previous": ("上一页", "Previous"),
    "status_page_loading": ("正在计算本页数据（首次打开需要几秒）…", "Computing this page (a first visit takes a few seconds)…"),
    "brief_bad_slide": ("网址中的 slide={value} 无效（应为 1 到 {total}），已打开第 1 页。",
                        "The link's slide={value} is not a slide (1 to {total}); showing slide 1."),
    "brief_next": ("下一页", "Next"),
    "brief_slide_of": ("第 {n} / {total} 页", "Slide {n} of {total}"),
}

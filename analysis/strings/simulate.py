"""UI strings of the price what-if simulator (prefix sim_)."""
STRINGS: dict[str, tuple[str, str]] = {
    "sim_page": ("价格情景模拟", "Price what-if"),
    "sim_title": ("价格情景模拟 · {region} {year} 年", "Price what-if · {region}, {year}"),
    "sim_intro": ("设定活畜价格变化及持续月份，可选应对措施；按每户出栏头数 × 价格计算对收入的影响，与基期比较。",
                  "Set live-animal price changes and the months they last, with optional responses; the effect on "
                  "each household is computed from heads sold × price and compared with the baseline."),
    "sim_builder": ("设置情景", "Build a scenario"),
    "sim_example": ("从示例或文件开始", "Start from an example or a file"),
    "sim_example_none": ("（空白情景）", "(blank scenario)"),
    "sim_desc_no_change": ("价格不变", "no price change"),
    "sim_desc_insurance": ("价格保险：投保 {insured} 的出栏，赔付损失的 {payout}", "price insurance on {insured} of sales, paying {payout} of the loss"),
    "sim_desc_subsidy": ("{species}每头补贴 {amount}", "{amount} per head of {species}"),
    "sim_desc_floor": ("保护价：按基准价 {floor} 收购 {bought} 的出栏", "price floor: {bought} of sales bought at {floor} of the baseline price"),
    "sim_desc_no_response": ("不采取应对措施", "no response"),
    "sim_desc_sep": ("；", "; "),
    "sim_desc_auto": ("本情景：{text}。", "This scenario: {text}."),
    "sim_resp_alone_item": ("{response}单独可保住 {kept} 户", "{response} alone keeps {kept}"),
    "sim_resp_plain": ("新跌破监测线的 {total} 户中，{alone}；各项措施一起可保住 {together} 户"
                       "（同一户可能被几项措施同时保住，所以合计小于单项之和）。",
                       "Of {total} households newly below the line, {alone}; all responses together keep {together} "
                       "(a household kept by two responses counts once, so together is less than the sum)."),
    "sim_compare_chart": ("各情景应对效果比较", "Responses compared across scenarios"),
    "sim_compare_kept": ("保住的户数", "Households kept above the line"),
    "sim_compare_cost": ("应对成本", "Cost of responses"),
    "sim_compare_per_household": ("每保住一户的成本", "Cost per household kept"),
    "sim_share_link": ("本页网址已包含当前情景（scenario=…），复制网址即可分享。",
                       "This page's link carries the scenario (scenario=…): copy the link to share it."),
    "sim_upload": ("载入情景文件（TOML）", "Load a scenario file (TOML)"),
    "sim_name": ("情景名称", "Scenario name"),
    "sim_description": ("说明", "Description"),
    "sim_start_month": ("起始月份", "Start month"),
    "sim_duration": ("持续月数", "Months it lasts"),
    "sim_change": ("{commodity}价格变化（%）", "{commodity} price change (%)"),
    "sim_responses": ("应对措施（可选）", "Responses (optional)"),
    "sim_insured": ("参保比例（占养殖销售额 %）", "Share of sales insured (%)"),
    "sim_payout": ("赔付比例（占损失 %）", "Payout (% of the loss)"),
    "sim_subsidy": ("{species}：每头补贴（元）", "{species}: subsidy per head sold (yuan)"),
    "sim_floor": ("保护价（基期价格的 %）", "Purchase price floor (% of baseline price)"),
    "sim_bought": ("按保护价收购的销量比例（%）", "Share of sales bought at the floor (%)"),
    "sim_species_cattle": ("牛", "Cattle"),
    "sim_species_sheep": ("羊", "Sheep"),
    "sim_species_hogs": ("猪", "Hogs"),
    "sim_resp_insurance": ("价格保险", "Price insurance"),
    "sim_resp_subsidy": ("按头补贴", "Per-head subsidy"),
    "sim_resp_price_floor": ("消费帮扶保护价收购", "Consumption-assistance price floor"),
    "sim_add": ("加入对比", "Add to comparison"),
    "sim_clear": ("清空对比", "Clear comparison"),
    "sim_compare_full": ("最多同时对比三个情景。", "At most three scenarios side by side."),
    "sim_comparison": ("情景对比", "Scenarios side by side"),
    "sim_save": ("保存情景（TOML）", "Save scenario (TOML)"),
    "sim_errors_title": ("情景有误，未运行：", "The scenario has problems and was not run:"),
    "sim_result_title": ("结果：{name}", "Result: {name}"),
    "sim_baseline_below": ("基期低于监测线", "Below the line, baseline"),
    "sim_scenario_below": ("情景下低于监测线", "Below the line, scenario"),
    "sim_newly_below": ("新增低于监测线", "Newly below the line"),
    "sim_newly_near": ("新增临界（线上10%以内）", "Newly within 10% above"),
    "sim_income_loss": ("收入减少合计", "Total income lost"),
    "sim_with_responses": ("采取应对措施后新增低于线", "Newly below, with responses"),
    "sim_people_note": ("{people} 人", "{people} people"),
    "sim_households_note": ("养殖户 {households} 户", "{households} livestock households"),
    "sim_map_title": ("各县新增低于监测线户数", "Households newly below the line, by county"),
    "sim_no_boundaries": ("该地区没有县界数据，只显示表格。", "No county outlines for this region; table only."),
    "sim_county_table": ("分县结果", "By county"),
    "sim_decile_chart": ("户均收入减少（元），按收入十分位", "Loss per household by decile (yuan)"),
    "sim_decile": ("收入十分位", "Income decile"),
    "sim_loss_per_household": ("户均收入减少", "Loss per household"),
    "sim_loss_share": ("占收入比例", "Share of income"),
    "sim_response_table": ("应对措施：成本与保住的户数", "Responses: cost and households kept above the line"),
    "sim_cost": ("成本", "Cost"),
    "sim_reached": ("受益户数", "Households reached"),
    "sim_kept": ("保持在线上户数", "Kept above the line"),
    "sim_kept_people": ("保持在线上人数", "People kept above the line"),
    "sim_response": ("措施", "Response"),
    "sim_no_responses": ("未设置应对措施。", "No responses set."),
    "sim_sentence": (
        "情景「{name}」下，{region} {year} 年{changes}，养殖户收入共减少 {loss}；新增 {newly} 户（{people} 人）低于监测线，"
        "另有 {near} 户落入监测线以上 10% 以内。",
        "Under “{name}”, {region} in {year}: {changes}; livestock households lose {loss} in all; {newly} households "
        "({people} people) fall below the monitoring line and {near} more land within 10% above it."),
    "sim_sentence_responses": (
        "所设应对措施共需 {cost}，可使其中 {kept} 户保持在线上。",
        "The responses cost {cost} and keep {kept} of those households above the line."),
    "sim_change_phrase": ("{commodity}价格变动 {change}（{months}）", "{commodity} {change} ({months})"),
    "sim_months_phrase": ("{start}–{end} 月", "months {start}–{end}"),
    "sim_and": ("、", ", "),
    "sim_export": ("导出结果", "Export results"),
    "sim_method": (
        "计算方法：每户每个畜种的销售额 = 出栏头数 × 活重 × 当年所在省平均活畜价格；价格变化 x 在情景月份内（占全年销量 f）"
        "使纯收入变化 k × f × x × 销售额（k = 成本不随价格变化时传导到纯收入的比例，{k}）。"
        "保险赔付 = 销售额损失 × 参保比例 × 赔付比例（按销售额赔付，不乘 k）；补贴 = 情景月份内出栏头数 × 每头补贴；保护价收购 = 收购比例 × 销售额 × 保护价与情景价格之差（不乘 k）。"
        "没有出栏牲畜的农户不受影响。参数见 data/livestock.toml。",
        "Method: a household's sales of a species = heads sold × live weight × the year's mean live price in its "
        "province; a price change x during the scenario's months (share f of the year's sales) changes net income by "
        "k × f × x × sales (k = share of a sales change that reaches net income when costs do not move, {k}). "
        "Insurance pays the loss of sales value × share insured × payout (not scaled by k); the subsidy is heads sold in those months × yuan per head; the "
        "price floor pays share bought × sales × (floor − scenario price), not scaled by k either. Households that sold no animals are "
        "untouched. Parameters: data/livestock.toml."),
    "sim_baseline_note": ("基期 = {year} 年已录入的各户实际收入，不是预测：情景只改变其中的活畜销售部分。",
                          "Baseline = each household's recorded income in {year}, not a forecast: the scenario "
                          "changes only its livestock sales."),
    "sim_range_title": ("在不同假定下的范围", "Range over the assumptions"),
    "sim_range_text": (
        "结果取决于两个假定：k（销售额变化传导到纯收入的比例）从数据中测得的 {k_low}（{pairs} 个户·年变化，95% 区间 "
        "{k_ci_low} ～ {k_ci_high}）到 1，以及出栏月份分布（{calendars}）。在这些组合下：新增低于监测线 {newly_low} ～ "
        "{newly_high} 户，收入减少 {loss_low} ～ {loss_high}，采取应对措施后新增低于线 {resp_low} ～ {resp_high} 户。"
        "上面的单一结果用 k = {k}、均匀出栏。",
        "The result rests on two assumptions: k, the share of a change in sales value that reaches net income, from "
        "{k_low} measured in the data ({pairs} household year-on-year changes, 95% interval {k_ci_low} to "
        "{k_ci_high}) up to 1; and when animals are sold ({calendars}). Across these: {newly_low} to {newly_high} "
        "households newly below the line, {loss_low} to {loss_high} income lost, {resp_low} to {resp_high} newly "
        "below with responses. The single result above uses k = {k} and even sales."),
    "sim_range_no_margin": (
        "数据中有出栏记录的连续年份太少，无法测得 k，范围只包括 k = 1 时不同出栏月份分布（{calendars}）：新增低于监测线 "
        "{newly_low} ～ {newly_high} 户，收入减少 {loss_low} ～ {loss_high}。",
        "Too few consecutive years with sales to measure k: the range covers only k = 1 under each sales calendar "
        "({calendars}): {newly_low} to {newly_high} households newly below the line, {loss_low} to {loss_high} "
        "income lost."),
    "sim_calendar_even": ("全年均匀", "even through the year"),
    "sim_calendar_before_spring_festival": ("集中在春节前", "peaking before the Spring Festival"),
    "sim_err_link": ("网址中的情景参数已损坏（{reason}）", "The link's scenario parameter is damaged ({reason})"),
    "sim_err_toml": ("情景文件不是有效的 TOML：{error}", "The scenario file is not valid TOML: {error}"),
    "sim_err_unknown_key": ("未知字段 {field}（可用：{known}）", "Unknown field {field} (allowed: {known})"),
    "sim_err_name": ("情景名称不能为空，且不超过 {limit} 个字符", "The scenario needs a name of at most {limit} characters"),
    "sim_err_not_text": ("{field} 必须是文本", "{field} must be text"),
    "sim_err_not_table": ("{field} 必须是一个表（[{field}]）", "{field} must be a table ([{field}])"),
    "sim_err_number": ("{field} 必须是数字，而不是 {value}", "{field} must be a number, not {value}"),
    "sim_err_start_month": ("起始月份必须是 1–12 的整数，而不是 {value}", "start_month must be a whole number 1–12, not {value}"),
    "sim_err_duration": ("持续月数必须是 1–12 的整数，而不是 {value}", "duration_months must be a whole number 1–12, not {value}"),
    "sim_err_past_december": ("情景从 {start} 月开始持续 {duration} 个月，超过了 12 月；请缩短或提前",
                              "Starting in month {start} and lasting {duration} months runs past December; shorten "
                              "it or start earlier"),
    "sim_err_no_changes": ("至少需要一个品种的价格变化（可用：{known}）", "Set a price change for at least one commodity (allowed: {known})"),
    "sim_err_commodity": ("未知品种 {value}（可用：{known}）", "Unknown commodity {value} (allowed: {known})"),
    "sim_err_below_minus_100": ("{commodity} 的价格变化 {value}% 低于 −100%", "The change of {commodity}, {value}%, is below −100%"),
    "sim_err_too_high": ("{commodity} 的价格变化 {value}% 超过 +1000%", "The change of {commodity}, {value}%, is above +1000%"),
    "sim_err_percent_range": ("{field} 必须在 0 到 {upper} 之间，而不是 {value}", "{field} must be between 0 and {upper}, not {value}"),
    "sim_err_negative_subsidy": ("{species} 的每头补贴不能为负数（{value}）", "The subsidy per head for {species} cannot be negative ({value})"),
}

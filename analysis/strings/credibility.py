"""UI strings of the income credibility audit (收入数据可信度核查) page, briefing section and lists."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cred_page": ("数据可信度核查", "Credibility audit"),
    "cred_title": ("{region} · {year} 年收入数据可信度核查", "{region} · {year} income credibility audit"),
    "cred_intro": ("用统计检验查找收入数据中值得入户核实的迹象：监测线上方扎堆、整数和编造的数字、转移性收入“拉线”、"
                   "收入跳变、同一人多户。每个标记都给出原因和证据，没有综合评分；多重检验按 Benjamini–Hochberg "
                   "控制（错误发现率 {alpha}）。参数见 data/credibility.toml。标记只说明“值得核实”，不等于造假。",
                   "Statistical checks for signs worth a visit: piling up just above the line, round or invented "
                   "numbers, transfers counted to lift households over the line, implausible jumps, the same person "
                   "in two households. Every flag comes with its reason and its evidence, never a score; multiple "
                   "testing is controlled by Benjamini–Hochberg (false discovery rate {alpha}). Settings: "
                   "data/credibility.toml. A flag means “worth verifying”, not “falsified”."),
    "cred_running": ("正在核查（逐县检验密度，逐村检验数字）…", "Auditing (density per county, digits per village)…"),
    "cred_counties_flagged": ("标记县数", "Counties flagged"),
    "cred_villages_flagged": ("标记村数", "Villages flagged"),
    "cred_households_listed": ("核查清单户数", "Households to verify"),
    "cred_of_units": ("共 {total} 个", "of {total}"),
    "cred_map_title": ("各县核查标记数（县级原因 + 标记村数）", "Flags per county (county reasons + villages flagged)"),
    "cred_map_flags": ("标记数", "Flags"),
    "cred_by_reason": ("各原因标记的县和村数", "Counties and villages flagged, by reason"),
    "cred_ranked": ("标记的县和村（按原因条数和显著性排序）", "Flagged counties and villages (by reasons and strength)"),
    "cred_unit": ("单位", "Unit"),
    "cred_level": ("层级", "Level"),
    "cred_level_county": ("县", "County"),
    "cred_level_village": ("村", "Village"),
    "cred_reasons": ("原因", "Reasons"),
    "cred_evidence": ("证据", "Evidence"),
    "cred_none": ("本地区本年度没有标记。", "Nothing flagged in this region and year."),
    "cred_evidence_title": ("证据", "Evidence"),
    "cred_pick_county": ("查看县", "County"),
    "cred_pick_village": ("查看村", "Village"),
    "cred_hist_title": ("{name}：监测线附近的户数分布与平滑反事实", "{name}: households around the line and the smooth counterfactual"),
    "cred_hist_x": ("人均纯收入 ÷ 监测标准", "Per-capita net income ÷ monitoring line"),
    "cred_hist_households": ("户数", "Households"),
    "cred_hist_counterfactual": ("平滑反事实（窗口外拟合）", "Smooth counterfactual (fitted outside the window)"),
    "cred_hist_band": ("线上区间", "Band above the line"),
    "cred_digits_title": ("{name}：首位数字与本福特定律、本县其他村", "{name}: first digits against Benford's law and county peers"),
    "cred_last_digits_title": ("{name}：末位数字", "{name}: last digits"),
    "cred_digit": ("数字", "Digit"),
    "cred_share": ("占比", "Share"),
    "cred_this_village": ("本村", "This village"),
    "cred_county_peers": ("本县其他村", "County's other villages"),
    "cred_benford": ("本福特定律", "Benford's law"),
    "cred_jumps_title": ("{name}：上年与本年人均纯收入（÷ 监测标准）", "{name}: last year's and this year's per-capita income (÷ line)"),
    "cred_jumps_prev": ("上年", "Last year"),
    "cred_jumps_now": ("本年", "This year"),
    "cred_jump_big": ("跳变（稳健 z > {z}）", "Jump (robust z > {z})"),
    "cred_jump_other": ("其他户", "Other households"),
    "cred_households_title": ("核查清单（按乡镇、村）", "Verification list (by township and village)"),
    "cred_households_caption": ("每户的标记原因和核实要点；姓名和身份证号已脱敏。Excel 按乡镇分表。",
                                "Each household with its reason and what to verify; names and ID numbers masked. "
                                "The Excel file has a sheet per township."),
    "cred_households_need_permission": ("查看农户名单需要“农户”权限；以上为汇总结果。", "The household list needs the "
                                        "household permission; the results above are aggregates."),
    "cred_download_list": ("下载核查清单（Excel，按乡镇分表）", "Download the verification list (Excel, a sheet per township)"),
    "cred_more_rows": ("仅显示前 {shown} 行，共 {total} 行；完整清单请下载。", "Showing the first {shown} of {total} rows; download the full list."),
    "cred_col_household": ("户编号", "Household"),
    "cred_col_township": ("乡镇", "Township"),
    "cred_col_village": ("村", "Village"),
    "cred_col_type": ("户类型", "Household type"),
    "cred_col_members": ("人口", "Members"),
    "cred_col_head": ("户主（脱敏）", "Head (masked)"),
    "cred_col_id": ("身份证号（脱敏）", "ID number (masked)"),
    "cred_col_reason": ("原因", "Reason"),
    "cred_col_detail": ("依据", "Detail"),
    "cred_col_verify": ("核实要点", "What to verify"),
    "cred_bad_param": ("链接中的 {name}={value} 不在本页列表中，已忽略。", "The link's {name}={value} is not in this page's list and was ignored."),
    # Reasons and what a cadre verifies on the visit
    "cred_reason_bunching": ("监测线上方扎堆", "Piling up just above the line"),
    "cred_reason_jumps_to_line": ("收入跳变至线上", "Jumps to just above the line"),
    "cred_reason_transfer_crossing": ("靠转移性收入越线", "Crossing the line by transfers only"),
    "cred_reason_round_amounts": ("整数金额过多", "Too many round amounts"),
    "cred_reason_last_digit": ("末位数字异常", "Unusual last digits"),
    "cred_reason_benford": ("首位数字不符合本福特定律", "First digits against Benford's law"),
    "cred_reason_duplicate_person": ("同一人在多户", "Same person in two households"),
    "cred_reason_split_household": ("拆户后越线", "Household split, part crossed the line"),
    "cred_reason_impossible_value": ("不可能的数值", "Impossible values"),
    "cred_verify_bunching": ("核对工资性和经营性收入的凭据（务工证明、销售票据），是否为“算账”写上线",
                             "Check the evidence behind wage and operating income (employer records, sales receipts): "
                             "was the income written up to the line?"),
    "cred_verify_jumps_to_line": ("核对本年收入大幅增加的来源", "Check the source of this year's large increase"),
    "cred_verify_transfer_crossing": ("核对转移性收入是否实际到户、是否重复计算", "Check that the transfers were actually "
                                      "received and not counted twice"),
    "cred_verify_round_amounts": ("核对各项收入是实测还是估算", "Check whether the amounts were measured or estimated"),
    "cred_verify_last_digit": ("核对各项收入是实测还是估算", "Check whether the amounts were measured or estimated"),
    "cred_verify_benford": ("抽查本村收入台账与原始凭据", "Sample the village's income ledger against source records"),
    "cred_verify_duplicate_person": ("核对户主身份和实际居住户", "Check the head's identity and where the person lives"),
    "cred_verify_split_household": ("核对分户时间、原因和各户实际收入", "Check when and why the household was split, and "
                                    "each part's real income"),
    "cred_verify_impossible_value": ("更正录入错误", "Correct the data entry"),
    # Evidence texts
    "cred_ev_bunching": ("线上 [1, {band}) 倍区间约多 {excess} 户（95% 区间 {low}–{high}），为预期 {expected} 户的 {ratio}；"
                         "每户线下户对应多出 {per_below} 户，本省县中位 {median}；密度连续性检验 p={p}，安慰剂检验 {placebo}",
                         "About {excess} households more than expected in [1, {band}) × the line (95% interval "
                         "{low}–{high}), {ratio} of the {expected} expected; {per_below} extra per household below "
                         "the line against a provincial median of {median}; density continuity p={p}, placebos {placebo}"),
    "cred_ev_placebo": ("{hits}/{tested} 显著", "{hits}/{tested} significant"),
    "cred_ev_jumps_to_line": ("上年线下户中 {events} 户跳至线上，按本省同深度同类型预期 {expected} 户（q={q}）",
                              "{events} households below the line last year jumped to just above it; {expected} "
                              "expected at the province's rate for their depth and type (q={q})"),
    "cred_ev_transfer_crossing": ("上年线下户中 {events} 户仅靠转移性收入增加越线，按本省预期 {expected} 户（q={q}）",
                                  "{events} households below the line last year crossed it only through more "
                                  "transfers; {expected} expected at the province's rate (q={q})"),
    "cred_ev_round_amounts": ("整百金额占 {share}，本县其他村 {peer}（q={q}）", "{share} of amounts are whole hundreds "
                              "against {peer} in the county's other villages (q={q})"),
    "cred_ev_last_digit": ("末位数字分布与本县其他村不同（卡方 {chi2}，q={q}）", "Last digits differ from the county's "
                           "other villages (chi-square {chi2}, q={q})"),
    "cred_ev_benford": ("首位数字 MAD={mad}（Nigrini：{band}），与本县其他村不同（q={q}）", "First-digit MAD={mad} "
                        "(Nigrini: {band}), different from the county's other villages (q={q})"),
    "cred_ev_duplicate_person": ("{count} 户的户主身份证号与其他户相同", "{count} households share their head's ID "
                                 "number with another household"),
    "cred_ev_split_household": ("{count} 户为上年线下户拆出、本年越线", "{count} households split from a household below "
                                "the line last year and above it now"),
    "cred_ev_impossible_value": ("{count} 项不可能的数值", "{count} impossible values"),
    "cred_mad_close": ("高度符合", "close conformity"),
    "cred_mad_acceptable": ("可接受", "acceptable conformity"),
    "cred_mad_marginal": ("勉强可接受", "marginally acceptable"),
    "cred_mad_nonconformity": ("不符合", "nonconformity"),
    # Briefing
    "brief_cred_heading": ("收入数据可信度核查", "Credibility of the income figures"),
    "brief_cred_text": ("{year} 年对 {counties} 个县、{villages} 个村的收入数据做了统计核查：{flagged_counties} 个县、"
                        "{flagged_villages} 个村有值得入户核实的迹象（{reasons}），涉及 {households} 户。{bunching}",
                        "In {year} the income data of {counties} counties and {villages} villages were checked: "
                        "{flagged_counties} counties and {flagged_villages} villages show signs worth a visit "
                        "({reasons}), covering {households} households. {bunching}"),
    "brief_cred_bunching": ("监测线上方比预期多出的户数最多的是{county}（约 {excess} 户）。", "The largest excess just "
                            "above the line is in {county} (about {excess} households more than expected)."),
    "brief_cred_clean": ("{year} 年对 {counties} 个县、{villages} 个村的收入数据做了统计核查，未发现需要入户核实的迹象。",
                         "In {year} the income data of {counties} counties and {villages} villages were checked; "
                         "nothing needs a visit."),
    "brief_cred_method": ("方法：监测线处的密度连续性检验（Cattaneo–Jansson–Ma）与聚集估计，整数、末位和首位数字检验"
                          "（本福特定律，Nigrini 区间），收入跳变和转移性收入越线率，同一身份证号多户；多重检验按 "
                          "Benjamini–Hochberg 控制。标记只说明值得核实，不等于造假。",
                          "Method: density continuity test at the line (Cattaneo–Jansson–Ma) and bunching estimate; "
                          "round, last and first digits (Benford's law, Nigrini's bands); jumps and crossings carried "
                          "by transfers; the same ID number in two households; multiple testing controlled by "
                          "Benjamini–Hochberg. A flag means worth verifying, not falsified."),
}

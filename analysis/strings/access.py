"""Strings of sign-in, roles, region scope and the audit log (issue 13)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "access_out_of_scope": ("不在您的管辖范围内 · not in your area：`{target}` 不在 {region} 之内，未显示任何数据，本次访问已记入审计日志。",
                            "Not in your area · 不在您的管辖范围内: `{target}` lies outside {region}; no data is shown "
                            "and this request is in the audit log."),
    "access_not_permitted": ("无权查看 · not permitted：您的角色（{role}）没有“{permission}”权限，本次访问已记入审计日志。",
                             "Not permitted · 无权查看: your role ({role}) lacks the “{permission}” permission; "
                             "this request is in the audit log."),
    "access_no_role": ("账号未分配角色或地区 · no role or area：请管理员在身份服务器中为您设置 role 和 region_code。",
                       "No role or area · 账号未分配角色或地区: ask the administrator to set your role and "
                       "region_code on the identity server."),
    "access_township": ("乡镇(街道)", "Township"),
    "access_county_only": ("乡镇、村级不提供 · not at township level：{what}只按县记录，县级数字包含其他乡镇，所以 {region} 不显示。",
                           "Not at township level · 乡镇、村级不提供: {what} are kept per county, and a county's "
                           "figures include other townships, so none are shown for {region}."),
    "access_villages_at_risk": ("风险较高的村（按低于监测线户占比前 10）", "Villages most at risk (top 10 by share below the line)"),
    "access_map_villages": ("乡镇、村没有边界图：下表按所选指标列出 {region} 的各村（小村的比例向全乡镇收缩）。",
                            "Townships and villages have no outlines: the table ranks the villages of {region} by "
                            "the chosen metric (small villages' shares are pulled toward the township's)."),
    "access_villages_title": ("哪些村收入低、增长慢", "Which villages are low and slow"),
    "access_villages_summary": (
        "{counties} 个村中 **{low_slow} 个收入低且增长慢**（收入低于中位数，且前后两个时段的增长都低于中位数），收入最低的有：{examples}。",
        "Of {counties} villages, **{low_slow} are low and slow** (income below the median, and growth below the "
        "median in both of two periods); the lowest: {examples}."),
    "access_villages_table": ("**收入低且增长慢的村（{n} 个）**", "**Low and slow villages ({n})**"),
    "access_no_villages": ("本地区没有可比较的多个村。", "This area has no several villages to compare."),
    "access_villages_scatter": ("{year} 年各村收入水平与增长", "Villages: income level against growth, {year}"),
    "access_screen_village_table": ("各村预警户数（按原因）", "Flagged households by village and reason"),
    "access_sim_township": ("{region} 的合计见上方；按县的分解和地图不提供到乡镇（县级数字包含其他乡镇）。",
                            "The totals above are {region}'s own; the breakdown and map by county are not given "
                            "for a township (a county's figures include other townships)."),
    "access_village_name": ("村", "Village"),
    "access_what_employment": ("务工就业月报", "monthly migrant-work records"),
    "access_what_disasters": ("灾害事件、洪灾影响估计和情景推演", "disaster events, flood-effect estimates and what-ifs"),
    "access_what_county_check": ("县级数字分布检验", "county digit tests"),
    "access_sign_in_title": ("请登录 · Please sign in", "Please sign in · 请登录"),
    "access_sign_in": ("登录", "Sign in"),
    "access_sign_out": ("退出登录", "Sign out"),
    "access_signed_in_as": ("已登录：{user} · {role} · {region}", "Signed in: {user} · {role} · {region}"),
    "access_session_expired": ("登录已超过 {hours} 小时，请重新登录。", "Your sign-in is older than {hours} hours: please sign in again."),
    "access_refuse_unconfigured": (
        "拒绝服务 · refusing to serve：数据库 `{path}` 是真实数据，但未配置登录（.streamlit/secrets.toml 的 [auth]）。"
        "请配置登录（见 docs/ACCESS.md），或仅供本机单人使用时设置 INCOMEWATCH_SINGLE_USER=1。",
        "Refusing to serve · 拒绝服务: the database `{path}` holds real data and sign-in is not configured "
        "([auth] in .streamlit/secrets.toml). Configure sign-in (docs/ACCESS.md), or set INCOMEWATCH_SINGLE_USER=1 "
        "for single-user local use."),
    "access_refuse_no_database": (
        "尚无数据库 `{path}`：运行 `make run`（或 `python -m analysis demo`）生成演示数据；若要从真实数据开始，"
        "请先配置登录（见 docs/ACCESS.md），或仅供本机单人使用时设置 INCOMEWATCH_SINGLE_USER=1，再导入。",
        "No database at `{path}` yet: run `make run` (or `python -m analysis demo`) for the demo world; to start "
        "from real data, configure sign-in (docs/ACCESS.md) or set INCOMEWATCH_SINGLE_USER=1 for single-user local "
        "use, then import."),
    "access_view_as": ("预览身份（仅演示数据）", "View as (demo data only)"),
    "access_view_as_role": ("角色", "Role"),
    "access_view_as_region": ("管辖地区", "Area"),
    "access_view_as_help": ("演示数据无需登录：在此预览各角色、各地区看到的内容。真实数据必须登录，此选项不会出现。",
                            "The demo needs no sign-in: preview what each role and area sees. With real data "
                            "sign-in is required and this picker does not appear."),
    "access_no_data_in_area": ("您的管辖地区 {region} 暂无数据。", "There are no data for your area {region} yet."),
    "access_suppressed_note": ("少于 {n} 户的单元已隐去数值（隐私保护）。", "Units with fewer than {n} households are blanked (privacy)."),
    "access_households_needed": ("农户名单需要“农户”权限；您的角色只能查看汇总数据。",
                                 "Household lists need the household permission; your role sees aggregates only."),
    "access_perm_aggregates": ("汇总数据", "aggregates"),
    "access_perm_models": ("模型", "models"),
    "access_perm_households": ("农户", "households"),
    "access_perm_export": ("导出", "export"),
    "access_perm_import": ("导入", "import"),
    "access_perm_audit": ("审计日志", "audit log"),
    "audit_page": ("审计日志", "Audit log"),
    "audit_title": ("审计日志", "Audit log"),
    "audit_caption": ("登录、查看页面、查看农户、导出、导入和拒绝访问的记录；每条记录带有上一条的 SHA-256，删改可被发现。",
                      "Sign-ins, page views, household views, exports, imports and refusals; each entry carries the "
                      "SHA-256 of the one before, so edits and deletions are detected."),
    "audit_verified": ("校验通过：{n} 条记录，链条完整。最新哈希 `{hash}`。", "Verified: {n} entries, chain intact. Latest hash `{hash}`."),
    "audit_broken": ("校验失败：第 {line} 行，{problem}", "Verification failed at line {line}: {problem}"),
    "audit_since": ("起始日期", "From"),
    "audit_until": ("截止日期", "To"),
    "audit_user": ("用户", "User"),
    "audit_action": ("操作", "Action"),
    "audit_any": ("全部", "All"),
    "audit_archived": ("已归档 {n} 条超过 {days} 天的记录。", "Archived {n} entries older than {days} days."),
    "audit_empty": ("所选范围内没有记录。", "No entries in this range."),
    "audit_include_archive": ("包括归档", "Include the archive"),
}

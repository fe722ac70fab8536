"""UI strings of the price monitoring page (prefix price_)."""
STRINGS: dict[str, tuple[str, str]] = {
    "price_page": ("价格监测", "Livestock prices"),
    "price_title": ("畜产品价格监测 · {series}", "Livestock prices · {series}"),
    "price_series_caption": ("价格序列：{series}。县、市使用所在省的价格，没有时使用全国价格；单位 元/公斤。",
                             "Price series: {series}. Counties and cities use their province's prices, else the "
                             "national series; yuan per kg."),
    "price_no_prices": ("数据库中没有价格数据。", "No prices loaded."),
    "price_commodity": ("品种", "Commodity"),
    "price_freq": ("频率", "Frequency"),
    "price_freq_month": ("月度", "Monthly"),
    "price_freq_week": ("周度", "Weekly"),
    "price_c_beef": ("牛肉", "Beef"),
    "price_c_mutton": ("羊肉", "Mutton"),
    "price_c_pork": ("猪肉", "Pork"),
    "price_c_live_cattle": ("活牛", "Live cattle"),
    "price_c_live_sheep": ("活羊", "Live sheep"),
    "price_c_live_hog": ("生猪", "Live hogs"),
    "price_c_maize": ("玉米", "Maize"),
    "price_series_chart": ("{commodity}价格与趋势（元/公斤）", "{commodity} price and trend (yuan/kg)"),
    "price_price": ("价格", "Price"),
    "price_trend": ("趋势（STL）", "Trend (STL)"),
    "price_seasonal_chart": ("{commodity}季节因素（按月份平均，%）", "{commodity} seasonal effect by calendar month (%)"),
    "price_seasonal": ("季节因素", "Seasonal effect"),
    "price_alerts_title": ("当前价格预警（关注及以上）", "Current price alerts (stress or worse)"),
    "price_no_alerts": ("当前没有品种处于关注或更高级别。", "No commodity is in stress or worse now."),
    "price_alert_caption": (
        "预警得分参照 WFP ALPS：用截至当月的数据拟合 对数价格 = 常数 + 线性趋势 + 月份效应，得分 = (实际 − 拟合) ÷ 残差标准差；"
        "|得分| < {b1} 正常，{b1}–{b2} 关注，{b2}–{b3} 预警，≥ {b3} 危机。负值为低于趋势，正值为高于趋势（与同比涨跌不同）。每月得分只用到当月为止的数据。",
        "Alert score after WFP ALPS: log price = constant + linear trend + month effects, fitted on data up to that "
        "month only; score = (observed − fitted) ÷ residual sd. |score| < {b1} normal, {b1}–{b2} stress, {b2}–{b3} "
        "alert, ≥ {b3} crisis. Negative is below trend, positive above trend (not the change on last year). No month's "
        "score uses later data."),
    "price_month_to_date": ("{month}（截至 {through}，未满月）", "{month} (to date, through {through})"),
    "price_harmful_caption": ("只列出对农户不利方向的变动：活畜价格下跌（养殖户少收入）、饲料（玉米）价格上涨（成本增加）；"
                              "肉价两个方向都列出。各品种的不利方向见 data/livestock.toml [alert_direction]。",
                              "Only moves in the direction that hurts households are listed: live-animal prices "
                              "falling (herders earn less), feed (maize) rising (costs more); meat in both directions. "
                              "Each commodity's direction: data/livestock.toml [alert_direction]."),
    # What a meeting is told about prices (analysis.prices.labels.selection_note): page, Word and deck alike.
    "price_told": ("列出{level}、且向对农户不利方向变动的品种 {n} 个", "Listed: {n} commodities at {level} moving the way that hurts farmers"),
    "price_told_rest": ("；其余 {m} 个品种：{parts}。", "; not listed: {m} ({parts})."),
    "price_told_all": ("。", "."),
    "price_rest_normal": ("正常 {k} 个", "{k} normal"),
    "price_rest_helps": ("向有利方向变动 {k} 个", "{k} moving the way that helps"),
    "price_rest_stale": ("价格过旧、不作预警 {k} 个", "{k} with prices too old to warn on"),
    "price_param_section": ("类别", "Section"),
    "price_param_name": ("参数", "Parameter"),
    "price_param_value": ("取值", "Value"),
    "price_param_unit": ("单位", "Unit"),
    "price_param_source": ("来源", "Source"),
    "price_alert_chart": ("{commodity}预警得分", "{commodity} alert score"),
    "price_score": ("得分", "Score"),
    "price_band": ("级别", "Band"),
    "price_direction": ("相对趋势", "Against trend"),
    "price_month": ("月份", "Month"),
    "price_change_12m": ("同比", "12-month change"),
    "price_forecast_title": ("价格预测（未来 {horizon} 个月）", "Forecast ({horizon} months ahead)"),
    "price_horizon": ("预测月数", "Months ahead"),
    "price_forecast_chart": ("{commodity}价格预测（{level} 预测区间）", "{commodity} forecast ({level} prediction interval)"),
    "price_forecast_mean": ("预测值", "Forecast"),
    "price_interval": ("预测区间", "Prediction interval"),
    "price_mape": ("回测误差（MAPE）", "Backtest error (MAPE)"),
    "price_mape_help": ("滚动起点回测：在最近 {origins} 个月的每个月，只用当时已有的数据（缺失月份只在当时的数据内插补）"
                        "重新拟合并预测，与实际价格比较的平均绝对百分比误差；没有实际价格的月份跳过。",
                        "Rolling-origin backtest: at each of the last {origins} months the model is refitted on the "
                        "data available then (gaps filled inside that window only) and its forecasts compared with "
                        "the prices that followed (mean absolute percentage error); months without a price are "
                        "skipped."),
    "price_forecast_caption": ("模型：扣除月份效应后的对数价格用 ETS（加性误差、阻尼趋势）拟合，再加回月份效应。"
                               "模型自带的区间假定模型完全正确，偏窄；图中区间取它与回测误差区间（各提前月数的 t 分位数 × "
                               "对数误差均方根）中较宽者。",
                               "Model: ETS (additive error, damped trend) on the log price after taking out month "
                               "effects, which are put back on the forecast. The model's own interval assumes the "
                               "model is right and is too narrow; the band is the wider of it and one set from the "
                               "backtest's errors at each horizon (t quantile × root mean square log error)."),
    "price_skill": ("相对“价格不变”的改进", "Skill against 'no change'"),
    "price_skill_help": ("1 − 模型 MAPE ÷ 朴素预测 MAPE（朴素预测：价格保持在最近一个月的水平）。大于 0 说明模型比"
                         "“价格不变”更准；小于等于 0 说明预测没有增加信息，只看区间。",
                         "1 − model MAPE ÷ naive MAPE (naive: the price stays at the latest month's level). Above 0 "
                         "the model beats 'no change'; at or below 0 the forecast adds nothing: read only the band."),
    "price_naive_mape": ("朴素 MAPE", "Naive MAPE"),
    "price_coverage": ("区间覆盖率（回测）", "Band covers (backtest)"),
    "price_coverage_sequential": ("仅用当时误差", "Set from errors then"),
    "price_coverage_caption": (
        "回测中，按现在的设定，{level} 预测区间在提前 {horizon} 个月时覆盖了 {coverage} 的实际价格（{origins} 次）。"
        "若每个起点只用当时已知的误差设定区间（样本外），覆盖 {sequential}（{sequential_origins} 次）：价格急转之后"
        "区间会偏窄。",
        "In the backtest the {level} band as now set held {coverage} of the prices {horizon} months ahead "
        "({origins} forecasts). Set at each origin from only the errors known then (out of sample) it held "
        "{sequential} ({sequential_origins}): after a sharp turn the band runs narrow."),
    "price_h": ("提前月数", "Months ahead"),
    "price_origins": ("回测次数", "Backtest origins"),
    "price_too_short": ("价格数据不足，无法预测：{error}", "Too few prices to forecast: {error}"),
    "price_through_caption": ("价格截至 {through}。选择往年时，价格截至该年 12 月，预警、预测和传导都按当时的数据计算。",
                              "Prices through {through}. For a past year, prices end in its December; alerts, forecast "
                              "and pass-through are computed as they stood then."),
    "price_none_through": ("{year} 年及以前没有价格数据。", "No prices up to {year}."),
    "price_too_short_season": ("价格数据不足两年，无法分解趋势和季节因素。",
                               "Less than two years of prices: no trend and seasonal parts."),
    "price_passthrough_title": ("活畜价格向肉价的传导", "Pass-through from live animals to meat"),
    "price_passthrough_caption": (
        "月度对数价格变化回归：肉价变化 = 常数 + 活畜价格当月及滞后 {lags} 个月变化之和 + 各月份项 + 春节前时段项；"
        "传导系数为各期系数之和（活畜价格变动 1% 时肉价变动的百分比）。月份项和春节项使两个只是同在春节前上涨的序列"
        "不被误判为传导。置信区间使用带小样本校正的 HAC（Newey–West）标准误和 t 分布。",
        "Regression of monthly log changes: meat price change on the live price change this month and {lags} months "
        "back, with calendar-month terms and a term for the weeks before the Spring Festival; pass-through is the sum "
        "of the live-price coefficients (the % change of the meat price after a 1% change of the live price). The "
        "month and festival terms keep two series that merely both rise before the festival from looking linked. "
        "Interval: HAC (Newey–West) with a small-sample correction and Student t."),
    "price_passthrough_demo": (
        "演示数据没有设定任何传导：活畜价格和肉价各自按公开价格的锚点生成，再各加噪声，所以这里的数值只反映两组锚点"
        "的共同走势，不是模型找到的传导关系。",
        "The demo plants no pass-through: live and meat prices are each generated from their own published anchor "
        "points plus their own noise, so the numbers here reflect only the anchors' shared path, not a link the "
        "model found."),
    "price_p_value": ("p 值", "p-value"),
    "price_live": ("活畜", "Live animal"),
    "price_retail": ("肉类", "Meat"),
    "price_estimate": ("传导系数", "Pass-through"),
    "price_ci": ("{level} 置信区间", "{level} confidence interval"),
    "price_months": ("月数", "Months"),
    "price_r2": ("R²（拟合优度）", "R² (fit)"),
    "price_params": ("参数与来源", "Parameters and sources"),
}

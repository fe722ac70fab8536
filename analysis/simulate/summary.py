"""What a simulation says, in one plain sentence and in a few comparable numbers."""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis import formatting
from analysis.i18n import region_name, t
from analysis.prices.labels import commodity_name, response_name
from analysis.regioncodes import NATIONAL
from analysis.simulate.engine import SimulationResult


def region_label(cur: duckdb.DuckDBPyConnection, code: str, lang: str) -> str:
    """The region's name in `lang` (China for 000000; the code itself when unknown)."""
    if code == NATIONAL:
        return t("national", lang)
    row = cur.execute("SELECT name, name_en FROM regions WHERE code = $code LIMIT 1", {"code": code}).fetchone()
    return region_name(row[0], row[1], lang) if row else code


def changes_phrase(result: SimulationResult, lang: str) -> str:
    scenario = result.scenario
    months = t("sim_months_phrase", lang, start=scenario.start_month, end=scenario.months[-1])
    return t("sim_and", lang).join(
        t("sim_change_phrase", lang, commodity=commodity_name(c, lang), change=formatting.signed_percent(v / 100),
          months=months) for c, v in scenario.changes)


def summary_sentence(result: SimulationResult, lang: str, region_name: str) -> str:
    """One sentence in `lang`: the shock, income lost, households newly below and near the line, responses."""
    totals = result.totals
    text = t("sim_sentence", lang, name=result.scenario.name, region=region_name, year=result.year,
             changes=changes_phrase(result, lang), loss=formatting.yuan_total(totals["income_loss"], lang),
             newly=formatting.count(totals["newly_below_line"], lang),
             people=formatting.count(totals["newly_below_people"], lang),
             near=formatting.count(totals["newly_near_line"], lang))
    if result.scenario.has_responses:
        kept = totals["newly_below_line"] - totals["newly_below_with_responses"]
        text += " " * (lang == "en") + t("sim_sentence_responses", lang,
                                         cost=formatting.yuan_total(result.responses["cost"].sum(), lang),
                                         kept=formatting.count(kept, lang))
    return text


def comparison_table(results: list[SimulationResult], lang: str) -> pd.DataFrame:
    """One column per scenario (numbered: names may repeat), one row per headline number, formatted."""
    rows = {
        t("sim_baseline_below", lang): lambda r: formatting.count(r.totals["baseline_below_line"], lang),
        t("sim_scenario_below", lang): lambda r: formatting.count(r.totals["scenario_below_line"], lang),
        t("sim_newly_below", lang): lambda r: formatting.count(r.totals["newly_below_line"], lang),
        t("sim_newly_near", lang): lambda r: formatting.count(r.totals["newly_near_line"], lang),
        t("sim_income_loss", lang): lambda r: formatting.yuan_total(r.totals["income_loss"], lang),
        t("sim_with_responses", lang): lambda r: formatting.count(r.totals["newly_below_with_responses"], lang),
        **{f"{t('sim_cost', lang)} · {response_name(name, lang)}":
           (lambda r, name=name: formatting.yuan_total(r.responses.set_index("response").loc[name, "cost"], lang))
           for name in ("insurance", "subsidy", "price_floor")},
    }
    columns = {f"{number}. {r.scenario.name}": [fn(r) for fn in rows.values()] for number, r in enumerate(results, 1)}
    return pd.DataFrame(columns, index=list(rows))

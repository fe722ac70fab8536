"""What a simulation says, in one plain sentence and in a few comparable numbers."""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from analysis import formatting
from analysis.i18n import region_name, t
from analysis.prices.labels import commodity_name, response_name, species_name
from analysis.regioncodes import NATIONAL
from analysis.simulate.engine import SimulationResult
from analysis.simulate.scenario import Scenario


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
    text = t("sim_sentence", lang, name=in_language(result.scenario.name, lang), region=region_name, year=result.year,
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


# The headline numbers a comparison holds: label key, the result's total (or a response's cost), kind.
HEADLINES = (("sim_baseline_below", "baseline_below_line", "count"), ("sim_scenario_below", "scenario_below_line", "count"),
             ("sim_newly_below", "newly_below_line", "count"), ("sim_newly_near", "newly_near_line", "count"),
             ("sim_income_loss", "income_loss", "yuan_total"),
             ("sim_with_responses", "newly_below_with_responses", "count"))
COSTED = ("insurance", "subsidy", "price_floor")


def comparison_frame(results: list[SimulationResult], lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per scenario (numbered: names may repeat), one column per headline number, and each number
    column's formatting kind (analysis.formatting): the comparison's downloads."""
    costs = {name: f"{t('sim_cost', lang)} · {response_name(name, lang)}" for name in COSTED}
    kinds = {t(key, lang): kind for key, _, kind in HEADLINES} | dict.fromkeys(costs.values(), "yuan_total")
    rows = [{t("sim_name", lang): f"{number}. {in_language(result.scenario.name, lang)}",
             **{t(key, lang): result.totals[total] for key, total, _ in HEADLINES},
             **{label: float(result.responses.set_index("response").loc[name, "cost"]) for name, label in costs.items()}}
            for number, result in enumerate(results, 1)]
    return pd.DataFrame(rows, columns=[t("sim_name", lang), *kinds]), kinds


def comparison_table(results: list[SimulationResult], lang: str) -> pd.DataFrame:
    """One column per scenario, headed by its number in the comparison chart (names made it too wide for a
    laptop), one row per headline number, as text by the numbers' kinds."""
    numbers, kinds = comparison_frame(results, lang)
    return pd.DataFrame({str(number): [formatting.as_text(row[column], kind, lang) for column, kind in kinds.items()]
                         for number, (_, row) in enumerate(numbers.iterrows(), start=1)}, index=list(kinds))


def scenario_description(scenario: Scenario, lang: str) -> str:
    """What the scenario does, written from its parameters, so it always follows the scenario as edited."""
    months = t("sim_months_phrase", lang, start=scenario.start_month, end=scenario.months[-1])
    parts = [t("sim_change_phrase", lang, commodity=commodity_name(c, lang), change=formatting.signed_percent(v / 100),
               months=months) for c, v in scenario.changes] or [t("sim_desc_no_change", lang)]
    if scenario.insured_pct and scenario.payout_pct:
        parts.append(t("sim_desc_insurance", lang, insured=f"{scenario.insured_pct:g}%", payout=f"{scenario.payout_pct:g}%"))
    parts += [t("sim_desc_subsidy", lang, species=species_name(s, lang), amount=formatting.yuan(v, lang))
              for s, v in scenario.subsidy_per_head if v]
    if scenario.floor_pct and scenario.bought_pct:
        parts.append(t("sim_desc_floor", lang, floor=f"{scenario.floor_pct:g}%", bought=f"{scenario.bought_pct:g}%"))
    if not scenario.has_responses:
        parts.append(t("sim_desc_no_response", lang))
    return t("sim_desc_sep", lang).join(parts)


def in_language(text: str, lang: str) -> str:
    """A scenario's name or note in `lang`: the examples write them "中文 · English"; a text without a Latin part
    after its last "·" (a user's own) is shown as it is in both languages."""
    zh, dot, en = text.rpartition("·")
    if not dot or not zh.strip() or re.search(r"[\u3400-\u9fff]", en):
        return text.strip()
    return en.strip() if lang == "en" else zh.strip()


def example_name(scenario: Scenario, lang: str) -> str:
    return in_language(scenario.name, lang)


def responses_plainly(result: SimulationResult, lang: str) -> str:
    """Each response counted alone, and all of them together (a household kept by two counts once)."""
    responses = result.responses[result.responses["cost"] > 0]
    together = result.totals["newly_below_line"] - result.totals["newly_below_with_responses"]
    alone = t("brief_list_sep", lang).join(
        t("sim_resp_alone_item", lang, response=response_name(r, lang), kept=formatting.count(k, lang))
        for r, k in zip(responses["response"], responses["kept"], strict=True))
    return t("sim_resp_plain", lang, alone=alone, together=formatting.count(together, lang),
             total=formatting.count(result.totals["newly_below_line"], lang))


def comparison_numbers(results: list[SimulationResult], lang: str) -> pd.DataFrame:
    """Per scenario: households kept above the line by its responses, their cost, and yuan per household kept."""
    rows = []
    for number, result in enumerate(results, start=1):
        kept = result.totals["newly_below_line"] - result.totals["newly_below_with_responses"]
        cost = float(result.responses["cost"].sum())
        rows.append({"scenario": f"{number}. {in_language(result.scenario.name, lang)}", "kept": kept, "cost": cost,
                     "per_household": cost / kept if kept else None})
    return pd.DataFrame(rows)

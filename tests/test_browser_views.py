"""Views further in than a page's first view, in a real browser at 1024×768, 1366×768 and 1920×1080, in Chinese
and English (issue 16): the household card (the drill-down's last level: reached from its village's table in
Chinese, by link in English), the what-if's scenario comparison and a shared scenario link, and the floods page's
impact and what-if tabs.

Each view: no error box, no cut text, no chart text outside its figure or under a legend, the demo label, no stray
English in Chinese, and numbers equal to what the analysis function behind the view returns, written by
analysis.formatting. One server on the demo world, one Chromium; each view is opened at 1024 and widened.
Screenshots: test-artifacts/screens/<view>-<lang>-<width>.png (look at them).
"""
from __future__ import annotations

import contextlib
import json

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analysis import drilldown, formatting, riskmodel, simulate
from analysis.floods import whatif
from analysis.floods.estimate import effect_by_income_mix, flood_models
from analysis.i18n import household_type, risk_cause, t
from analysis.simulate.summary import comparison_numbers, example_name
from tests.browser_walk import (
    PROVINCE,
    YEAR,
    after,
    check_at_every_width,
    open_context,
    pick_row,
    settle,
    url,
)
from tests.test_browser import browser, chromium, server  # noqa: F401 - fixtures: one server for this module

LANGS = ("zh", "en")
# A table wider than its place at laptop and projector widths: its grid scrolls sideways and the columns on the
# right are out of sight. (At 1024 a grid may scroll as long as its first, key column stays: issue 16.) Lists of
# households to work through and download (the green channel's 14 columns, first column 优先级) may scroll.
LISTS = json.dumps([t("flood_col_priority", lang) for lang in ("zh", "en")])
HIDDEN_COLUMNS = """() => window.innerWidth < 1366 ? [] : [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stDataFrame"]')]
  .filter(grid => grid.offsetParent !== null && !LISTS.includes((grid.querySelector('th') || {}).textContent)
    && [...grid.querySelectorAll('.dvn-scroller')].some(scroller => scroller.scrollWidth > scroller.clientWidth + 1))
  .map(grid => 'table hides columns on the right: ' + [...grid.querySelectorAll('th')].map(h => h.textContent).join(' | '))"""
HIDDEN_COLUMNS = HIDDEN_COLUMNS.replace("LISTS", LISTS)

# The card with the most to read: a monitored household with the longest risk cause, in a county that had floods,
# among the first rows of its village's table (clicked there).
HOUSEHOLD_SQL = """
SELECT h.household_id, h.village_code
FROM households h
WHERE h.village_code LIKE '62%' AND h.risk_cause IS NOT NULL AND h.monitored_since IS NOT NULL
  AND EXISTS (SELECT 1 FROM disasters d WHERE d.county_code = h.county_code AND d.hazard = 'flood')
  AND (SELECT count(*) FROM households x WHERE x.village_code = h.village_code AND x.household_id < h.household_id) < 6
ORDER BY length(h.risk_cause) DESC, h.household_id
LIMIT 1
"""


def _walk(browser, open_view, numbers: tuple[list[str], list[str]], name: str, lang: str) -> list[str]:  # noqa: F811
    """Open a view at the narrowest width with `open_view(page)`, then check it at every width."""
    outside: list[str] = []
    context = open_context(browser, outside)
    try:
        page = context.new_page()
        open_view(page)
        problems = check_at_every_width(page, name, lang, numbers, name, HIDDEN_COLUMNS)
    finally:
        context.close()
    print("\n".join(["problems:", *problems]))
    return problems + [f"{name} {lang}: request left the machine: {u}" for u in outside]


def _card_numbers(cur, household_id: str, lang: str) -> tuple[list[str], list[str]]:
    """The card's words (type, risk cause), the risk model's chance of falling below the line, and its last year's
    per-capita income and medical expense as the table holds them (rounded by formatting.for_display)."""
    card = drilldown.household_card(cur, household_id)
    scores = riskmodel.risk_scores(cur, card.profile["village_code"], YEAR, riskmodel.fit_risk_model(cur, YEAR))
    score = formatting.percent(float(scores.loc[scores["household_id"] == household_id, "risk_score"].iloc[0]))
    last = card.years.iloc[-1]
    shown = formatting.for_display(last[["income_per_capita", "medical_expense"]].to_frame().T,
                                   {"income_per_capita": "yuan", "medical_expense": "yuan"}).iloc[0]
    return ([household_type(card.profile["household_type"], lang), risk_cause(card.profile["risk_cause"], lang),
             card.profile["id_number_masked"], score],
            [f"{shown['income_per_capita']:g}", f"{shown['medical_expense']:g}"])


@pytest.mark.parametrize("lang", LANGS)
def test_household_card(server, browser, demo_db, lang):  # noqa: F811
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        household_id, village = cur.execute(HOUSEHOLD_SQL).fetchone()
        row = list(drilldown.village_households(cur, village, YEAR)["household_id"]).index(household_id)
        numbers = _card_numbers(cur, household_id, lang)
    heading = t("map_drill_title", lang, place=t("map_drill_household_short", lang, id=household_id), year=YEAR)

    def from_village(page) -> None:  # Chinese: a row of the village's table opens the card
        page.goto(url(server, "explore", lang, township=village[:9], village=village), timeout=120_000)
        settle(page)
        assert after(page, lambda: pick_row(page, row)) == heading
        assert f"household={household_id}" in page.url

    def by_link(page) -> None:  # English: the card's own link
        page.goto(url(server, "explore", lang, township=village[:9], village=village, household=household_id),
                  timeout=120_000)
        settle(page)
        assert page.locator("h1").first.inner_text() == heading

    problems = _walk(browser, from_village if lang == "zh" else by_link, numbers, "household-card", lang)
    assert problems == []


def _choose_example(page, file: str, lang: str) -> None:
    """Pick an example scenario in the builder's select box by its name in `lang`."""
    scenario = simulate.scenario_from_toml(simulate.example_scenarios()[file])
    box = page.locator(".st-key-sim_example input")
    box.click()
    option = page.get_by_role("option", name=example_name(scenario, lang), exact=True)
    with contextlib.suppress(PlaywrightTimeout):
        option.wait_for(timeout=3_000)
    if not option.is_visible():  # a click on the box chosen in just before can leave its list shut: the keyboard opens it
        box.press("ArrowDown")
    option.click()
    page.wait_for_function("n => document.querySelector('.st-key-sim_w_name input').value === n", arg=scenario.name)
    settle(page)


def _comparison_numbers(cur, files: list[str], lang: str) -> tuple[list[str], list[str]]:
    """Each compared scenario's households kept, cost and yuan per household kept, as the chart labels them."""
    results = [simulate.simulate_toml(cur, PROVINCE, YEAR, simulate.scenario_to_toml(
        simulate.scenario_from_toml(simulate.example_scenarios()[file]))) for file in files]
    numbers = comparison_numbers(results, lang)
    texts = [formatting.count(v, lang) for v in numbers["kept"]] + \
        [formatting.yuan_total(v, lang) for v in numbers["cost"]] + \
        [formatting.yuan(v, lang) for v in numbers["per_household"].dropna()]
    return texts, []


@pytest.mark.parametrize("lang", LANGS)
def test_what_if_compares_scenarios_in_a_chart_and_shares_one_as_a_link(server, browser, demo_db, lang):  # noqa: F811
    files = sorted(simulate.example_scenarios())
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        numbers = _comparison_numbers(cur, files, lang)
        shared = simulate.simulate_toml(cur, PROVINCE, YEAR, simulate.example_scenarios()[files[0]])
    link: list[str] = []

    def compare(page) -> None:
        page.goto(url(server, "price-what-if", lang), timeout=120_000)
        settle(page)
        for file in files:
            _choose_example(page, file, lang)
            page.locator(".st-key-sim-add button").click()
            page.wait_for_timeout(300)
            settle(page)
        chart = page.locator('.st-key-sim-compare[data-stale="false"] .js-plotly-plot')
        chart.scroll_into_view_if_needed()
        assert chart.count() == 1
        _choose_example(page, files[0], lang)  # the link follows the scenario in the builder
        link.append(page.url)

    problems = _walk(browser, compare, numbers, "what-if-comparison", lang)
    assert "scenario=" in link[0]
    name = example_name(shared.scenario, lang)

    def open_shared(page) -> None:  # a new session opens the link: the same scenario, the same results
        page.goto(link[0], timeout=120_000)
        settle(page)
        assert page.locator(".st-key-sim_w_name input").input_value() == shared.scenario.name, name

    problems += _walk(browser, open_shared, ([formatting.count(shared.totals["newly_below_line"], lang),
                                              formatting.yuan_total(shared.totals["income_loss"], lang)], []),
                      "what-if-shared-link", lang)
    assert problems == []


def _flood_numbers(cur, lang: str) -> dict[str, tuple[list[str], list[str]]]:
    """The province's measured flood effect and flooded households; the what-if's households and newly below
    for the page's default (the three most flood-prone counties, a moderate flood)."""
    models = flood_models(cur, PROVINCE)
    assert models.main.ok  # the demo world's province has enough floods to measure (else the page falls back)
    flood = models.main.term("flood")
    counties = whatif.region_counties(cur, PROVINCE, YEAR)
    prone = tuple(sorted(counties.loc[counties.floods > 0, "county_code"].head(3)))
    severity = models.severity.term("severity_2") or flood
    by_mix = effect_by_income_mix(cur, PROVINCE)
    effects = whatif.household_range(severity["effect"], by_mix.effects.effect.tolist() if by_mix.ok else [],
                                     (severity["ci_low"], severity["ci_high"]))
    result = whatif.what_if(cur, YEAR, prone, tuple(round(float(e), 6) for e in effects))
    return {"impact": ([formatting.signed_percent(flood["effect"]), formatting.count(models.main.n_flooded, lang)], []),
            "whatif": ([formatting.count(result.total("households"), lang),
                        formatting.count(result.total("newly_below_central"), lang),
                        formatting.count(len(whatif.green_channel(result)), lang)], [])}


@pytest.mark.parametrize("lang", LANGS)
def test_floods_impact_and_what_if_tabs(server, browser, demo_db, lang):  # noqa: F811
    with duckdb.connect(str(demo_db), read_only=True) as cur:
        numbers = _flood_numbers(cur, lang)
    problems: list[str] = []
    for tab, key in (("impact", "flood_tab_impact"), ("whatif", "flood_tab_whatif")):
        def open_tab(page, key=key) -> None:
            page.goto(url(server, "floods", lang), timeout=120_000)
            settle(page)
            page.get_by_role("tab", name=t(key, lang)).click()
            page.wait_for_timeout(400)  # charts in a tab drawn hidden redraw at their width when it is shown
            settle(page)

        problems += _walk(browser, open_tab, numbers[tab], f"floods-{tab}", lang)
    assert problems == []

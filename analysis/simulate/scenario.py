"""A price scenario: shocks per live-animal commodity, a window of months, optional responses.

Scenarios are TOML files (name, description, start_month, duration_months, [changes] in percent,
[insurance], [subsidy_per_head], [price_floor]). `parse_scenario` checks the whole file and raises
one ScenarioError listing every problem, in both languages, before anything runs.
"""
from __future__ import annotations

import base64
import math
import re
import tomllib
import zlib
from dataclasses import dataclass, field
from typing import Any

from analysis.config import DATA_DIR
from analysis.i18n import t
from analysis.prices.params import species_params

TOP_KEYS = {"name", "description", "start_month", "duration_months", "changes", "insurance",
            "subsidy_per_head", "price_floor"}
MAX_NAME = 80
EXAMPLES_DIR = DATA_DIR / "scenarios"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: a UI string key and the values its message needs."""
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str) -> str:
        return t(self.key, lang, **dict(self.values))


class ScenarioError(ValueError):
    """A scenario that cannot run, with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.message('zh')} / {p.message('en')}" for p in problems))

    def messages(self, lang: str) -> list[str]:
        return [p.message(lang) for p in self.problems]


@dataclass(frozen=True)
class Scenario:
    """Price changes in percent by commodity over months start_month … start_month + duration_months − 1.

    Responses (zero = off): share of livestock sales insured and the share of the loss insurance pays;
    yuan per head sold during the shock by species; a purchase price floor (percent of the baseline
    price) at which consumption assistance buys a share of sales.
    """
    name: str
    changes: tuple[tuple[str, float], ...]
    start_month: int = 1
    duration_months: int = 12
    description: str = ""
    insured_pct: float = 0.0
    payout_pct: float = 0.0
    subsidy_per_head: tuple[tuple[str, float], ...] = field(default=())
    floor_pct: float = 0.0
    bought_pct: float = 0.0

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(self.start_month, self.start_month + self.duration_months))

    @property
    def has_responses(self) -> bool:
        return bool(self.insured_pct * self.payout_pct or any(v for _, v in self.subsidy_per_head)
                    or self.floor_pct * self.bought_pct)

    def change(self, commodity: str) -> float:
        """The change as a fraction (−0.2 for −20%); zero for a commodity the scenario leaves alone."""
        return dict(self.changes).get(commodity, 0.0) / 100

    def subsidy(self, species: str) -> float:
        return dict(self.subsidy_per_head).get(species, 0.0)


def commodities() -> list[str]:
    """Commodities a scenario may shock: the live animals households sell."""
    return [p["commodity"] for p in species_params().values()]


def _shown(value: object) -> str:
    """Text from a file, safe to echo in a markdown message: short; word characters, digits, . + - and spaces."""
    return re.sub(r"[^\w.+\- ]", "?", str(value)[:40])


def _problem(key: str, **values: object) -> Problem:
    """A problem; values echoing the file are made safe (the lists of allowed names and parser errors are ours)."""
    return Problem(key, tuple((k, str(v) if k in ("known", "error") else _shown(v)) for k, v in values.items()))


def _number(raw: Any, where: str, problems: list[Problem]) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        problems.append(_problem("sim_err_number", field=where, value=repr(raw)[:40]))
        return None
    return float(raw)


def _month_window(data: dict, problems: list[Problem]) -> tuple[int, int]:
    start, duration = data.get("start_month", 1), data.get("duration_months", 12)
    ok = True
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 12:
        problems.append(_problem("sim_err_start_month", value=repr(start)[:40]))
        ok = False
    if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 12:
        problems.append(_problem("sim_err_duration", value=repr(duration)[:40]))
        ok = False
    if ok and start + duration - 1 > 12:
        problems.append(_problem("sim_err_past_december", start=start, duration=duration))
    return (start, duration) if ok else (1, 12)


def _changes(raw: Any, problems: list[Problem]) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict) or not raw:
        problems.append(_problem("sim_err_no_changes", known=", ".join(commodities())))
        return ()
    out = []
    for commodity, value in raw.items():
        if commodity not in commodities():
            problems.append(_problem("sim_err_commodity", value=str(commodity)[:40], known=", ".join(commodities())))
            continue
        number = _number(value, f"changes.{commodity}", problems)
        if number is not None and number < -100:
            problems.append(_problem("sim_err_below_minus_100", commodity=commodity, value=number))
        elif number is not None and number > 1000:
            problems.append(_problem("sim_err_too_high", commodity=commodity, value=number))
        elif number is not None:
            out.append((commodity, number))
    return tuple(out)


def _percent(table: dict, key: str, section: str, problems: list[Problem], upper: float = 100) -> float:
    value = _number(table.get(key, 0.0), f"{section}.{key}", problems)
    if value is not None and not 0 <= value <= upper:
        problems.append(_problem("sim_err_percent_range", field=f"{section}.{key}", value=value, upper=upper))
        return 0.0
    return value or 0.0


def _table(data: dict, key: str, allowed: set[str], problems: list[Problem]) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        problems.append(_problem("sim_err_not_table", field=key))
        return {}
    for unknown in sorted(set(table) - allowed):
        problems.append(_problem("sim_err_unknown_key", field=f"{key}.{unknown}", known=", ".join(sorted(allowed))))
    return table


def _subsidy(data: dict, problems: list[Problem]) -> tuple[tuple[str, float], ...]:
    species = set(species_params())
    table = _table(data, "subsidy_per_head", species, problems)
    out = []
    for name in (s for s in table if s in species):
        value = _number(table[name], f"subsidy_per_head.{name}", problems)
        if value is not None and value < 0:
            problems.append(_problem("sim_err_negative_subsidy", species=name, value=value))
        elif value is not None:
            out.append((name, value))
    return tuple(out)


def parse_scenario(data: dict) -> Scenario:
    """A Scenario from a TOML-shaped dict, or ScenarioError with every problem at once."""
    problems: list[Problem] = []
    for unknown in sorted(set(data) - TOP_KEYS):
        problems.append(_problem("sim_err_unknown_key", field=unknown, known=", ".join(sorted(TOP_KEYS))))
    name = data.get("name", "")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        problems.append(_problem("sim_err_name", limit=MAX_NAME))
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(_problem("sim_err_not_text", field="description"))
        description = ""
    start, duration = _month_window(data, problems)
    changes = _changes(data.get("changes"), problems)
    insurance = _table(data, "insurance", {"insured_pct", "payout_pct"}, problems)
    floor = _table(data, "price_floor", {"floor_pct", "bought_pct"}, problems)
    scenario = Scenario(
        name=name.strip() if isinstance(name, str) else "", changes=changes, start_month=start,
        duration_months=duration, description=description.strip(),
        insured_pct=_percent(insurance, "insured_pct", "insurance", problems),
        payout_pct=_percent(insurance, "payout_pct", "insurance", problems),
        subsidy_per_head=_subsidy(data, problems),
        floor_pct=_percent(floor, "floor_pct", "price_floor", problems, upper=200),
        bought_pct=_percent(floor, "bought_pct", "price_floor", problems),
    )
    if problems:
        raise ScenarioError(problems)
    return scenario


def scenario_from_toml(text: str | bytes) -> Scenario:
    """Parse and validate TOML text (a file's bytes must be UTF-8)."""
    try:
        raw = text.decode("utf-8") if isinstance(text, bytes) else text
        data = tomllib.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError([_problem("sim_err_toml", error=str(exc)[:120])]) from exc
    return parse_scenario(data)


def _toml_string(value: str) -> str:
    """A TOML basic string: backslash and quote escaped, control characters as \\uXXXX."""
    body = "".join(f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch
                   for ch in value.replace("\\", "\\\\").replace('"', '\\"'))
    return f'"{body}"'


def _toml_number(value: float) -> str:
    return repr(float(value))


def scenario_to_toml(scenario: Scenario) -> str:
    """The scenario as a TOML file that `scenario_from_toml` reads back to an equal Scenario."""
    lines = [f"name = {_toml_string(scenario.name)}", f"description = {_toml_string(scenario.description)}",
             f"start_month = {scenario.start_month}", f"duration_months = {scenario.duration_months}", "",
             "[changes]  # percent change of the price during the months"]
    lines += [f"{commodity} = {_toml_number(value)}" for commodity, value in scenario.changes]
    if scenario.insured_pct or scenario.payout_pct:
        lines += ["", "[insurance]  # percent of livestock sales insured; percent of the loss paid out",
                  f"insured_pct = {_toml_number(scenario.insured_pct)}",
                  f"payout_pct = {_toml_number(scenario.payout_pct)}"]
    if scenario.subsidy_per_head:
        lines += ["", "[subsidy_per_head]  # yuan per head sold during the shock"]
        lines += [f"{species} = {_toml_number(value)}" for species, value in scenario.subsidy_per_head]
    if scenario.floor_pct or scenario.bought_pct:
        lines += ["", "[price_floor]  # floor in percent of the baseline price; percent of sales bought at it",
                  f"floor_pct = {_toml_number(scenario.floor_pct)}",
                  f"bought_pct = {_toml_number(scenario.bought_pct)}"]
    return "\n".join(lines) + "\n"


def example_scenarios() -> dict[str, str]:
    """{file name: TOML text} of the example scenarios shipped in data/scenarios/."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(EXAMPLES_DIR.glob("*.toml"))}


LINK_LIMIT = 4000  # characters of a scenario= link parameter; a scenario file is a few hundred


def scenario_to_link(scenario: Scenario) -> str:
    """The scenario as a URL parameter value: its TOML, compressed, in URL-safe base64."""
    return base64.urlsafe_b64encode(zlib.compress(scenario_to_toml(scenario).encode("utf-8"), 9)).decode().rstrip("=")


def scenario_from_link(value: str) -> Scenario:
    """A scenario back from a link; anything malformed raises ScenarioError with a reason in both languages."""
    try:
        if len(value) > LINK_LIMIT:
            raise ValueError("too long")
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), 20_000)
        text = raw.decode("utf-8")
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise ScenarioError([_problem("sim_err_link", reason=_shown(str(exc)))]) from exc
    return scenario_from_toml(text)

"""What-if price shocks and policy responses, at household level (see analysis.simulate.engine)."""
from analysis.simulate.engine import (
    RESPONSES,
    SimulationResult,
    household_effects,
    simulate,
    simulate_toml,
    window_share,
)
from analysis.simulate.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    commodities,
    example_scenarios,
    parse_scenario,
    scenario_from_toml,
    scenario_to_toml,
)

__all__ = ["RESPONSES", "Problem", "Scenario", "ScenarioError", "SimulationResult", "commodities", "example_scenarios", "household_effects",
           "parse_scenario", "scenario_from_toml", "scenario_to_toml", "simulate", "simulate_toml", "window_share"]

"""The synthetic demo world: invented households in real counties, calibrated to published figures.

`build_demo(db_path, provinces=..., households=..., seed=...)` writes it. Calibration and planted
effects are data in data/demo_world.toml and are described in data/README.md.
"""
from analysis.demo.build import DemoStats, build_demo

__all__ = ["DemoStats", "build_demo"]

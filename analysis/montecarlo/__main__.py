"""`python -m analysis.montecarlo CHECK [--runs N]`: print a Monte Carlo check's measured coverage."""
from __future__ import annotations

import argparse

from analysis.montecarlo import floods, trends

CHECKS = {"trends": trends, "floods": floods}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.montecarlo")
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--runs", type=int, default=2000, help="simulated series per design")
    args = parser.parse_args()
    module = CHECKS[args.check]
    print(module.show(module.report(args.runs)))


if __name__ == "__main__":
    main()

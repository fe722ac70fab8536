"""Income credibility audit (收入数据可信度核查): are the reported incomes true?

Checks, each with its reason code, settings in data/credibility.toml:
- density.py: piling up just above the line per county and province (CJM density test with placebo cut-offs;
  excess mass over a polynomial counterfactual with a bootstrap interval), compared with the province's counties;
- digits.py: round amounts, last digits and first digits (Benford, Nigrini's MAD bands) per village against its
  county's other villages;
- components.py: impossible values, crossings of the line carried by transfers alone;
- jumps.py: implausible changes in log income within village × household type, jumps landing just above the line;
- duplicates.py: the same person in two households, households split so that the part crosses the line.
Families of tests are controlled by Benjamini–Hochberg; audit.run_audit puts it together.
"""
from analysis.credibility.audit import REASONS, Audit, run_audit
from analysis.credibility.settings import Settings, load_settings

__all__ = ["REASONS", "Audit", "Settings", "load_settings", "run_audit"]

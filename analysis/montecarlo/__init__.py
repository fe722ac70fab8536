"""Monte Carlo checks of the models' intervals on simulated data with known answers.

`python -m analysis.montecarlo trends [--runs N]` prints measured coverage and bias; the README quotes
the full runs, tests run a quick version with fixed seeds.
"""

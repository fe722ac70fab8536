"""Every plotly figure of the app, built in one place so an exported figure looks like the screen.

`base` holds the house template and chart config; each other module builds one page family's figures.
"""
from analysis.figures.base import IMAGE_FORMATS, TEMPLATE, plotly_config

__all__ = ["IMAGE_FORMATS", "TEMPLATE", "plotly_config"]

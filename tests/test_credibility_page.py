"""The credibility audit page, its verification list and its briefing section, on the small demo world."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis import tables
from analysis.briefing.model import Context
from analysis.briefing.sections.credibility import credibility_section
from analysis.credibility import labels, run_audit
from analysis.credibility.audit import unit_names

PAGE = "pages/credibility.py"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_flags_evidence_and_the_list(open_app, lang):
    at = open_app(PAGE, lang=lang, region="640000")
    assert not at.exception
    assert any("640000" in e.value or "宁夏" in e.value or "Ningxia" in e.value for e in at.title)
    assert len(at.dataframe) >= 1 and len(at.metric) == 3


def test_a_bad_village_link_warns(open_app):
    at = open_app(PAGE, region="640000", village="640000000000")
    assert not at.exception
    flagged = len(at.selectbox) > 1
    assert not flagged or any("640000000000" in w.value for w in at.warning)


def test_verification_list_is_masked_with_a_sheet_per_township(demo_con):
    audit = run_audit(demo_con, "640000", 2024)
    assert len(audit.households), "the demo plants duplicated heads in 640425 and 640402"
    sheets = labels.verification_sheets(audit, "zh")
    for frame in sheets.values():
        assert frame["户主（脱敏）"].str.contains(r"\*").all()
        assert frame["身份证号（脱敏）"].str.contains(r"\*{6,}").all()
        assert not frame["身份证号（脱敏）"].str.fullmatch(r"\d{17}[\dX]").any()
        assert frame["原因"].notna().all() and frame["核实要点"].notna().all()
    workbook = pd.read_excel(io.BytesIO(tables.to_excel_bytes(sheets)), sheet_name=None, engine="calamine")
    assert set(workbook) == set(sheets)
    ranked = labels.ranked_flags(audit, unit_names(demo_con, "640000"), "en")
    assert (ranked.evidence.str.len() > 0).all() and (ranked.reason_names.str.len() > 0).all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_section_says_what_was_flagged(demo_con, lang):
    section = credibility_section(Context(demo_con, "640000", "宁夏", 2024, lang))
    assert section is not None and section.paragraphs and section.charts

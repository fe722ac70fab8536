"""Credibility audit 数据可信度核查: which counties and villages show signs worth a visit, why, and who to visit."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import dataset, formatting, tables
from analysis.credibility import REASONS, labels, load_settings, run_audit
from analysis.credibility.audit import flags_per_county, unit_names
from analysis.credibility.density import county_histogram
from analysis.credibility.digits import village_digit_profile
from analysis.credibility.jumps import village_jumps
from analysis.figures import credibility as figures
from analysis.i18n import region_name
from analysis.regioncodes import below_county
from analysis.regions import county_outlines
from pages._common import income_page_shell, working

SHOWN_ROWS = 500
DIGIT_REASONS = {"round_amounts", "last_digit", "benford"}

shell = income_page_shell()
lang, region, year = shell.lang, shell.region, shell.year
settings = load_settings()

st.title(shell.t("cred_title", region=shell.region_name, year=year))
st.caption(shell.t("cred_intro", alpha=settings("testing", "alpha")))
with working(shell.t("cred_running")):
    audit = shell.fetch(run_audit, region, year)
names = shell.fetch(unit_names, region)
label = {row.code: region_name(row.name, row.name_en, lang) for row in names.itertuples()}

if below_county(region):  # the county row holds other townships' households: only villages are shown
    st.caption(shell.t("access_county_only", what=shell.t("access_what_county_check"), region=shell.region_name))
columns = st.columns(3)
columns[0].metric(shell.t("cred_counties_flagged"), formatting.count(int(audit.counties.flagged.sum()), lang),
                  border=True, delta=shell.t("cred_of_units", total=formatting.count(len(audit.counties), lang)),
                  delta_color="off", delta_arrow="off")
columns[1].metric(shell.t("cred_villages_flagged"), formatting.count(len(audit.flagged_villages), lang),
                  border=True, delta=shell.t("cred_of_units", total=formatting.count(len(audit.villages), lang)),
                  delta_color="off", delta_arrow="off")
columns[2].metric(shell.t("cred_households_listed"), formatting.count(audit.households.household_id.nunique(), lang),
                  border=True)

left, right = st.columns(2)
with left:
    flags = flags_per_county(audit, names)
    if len(flags):
        shell.chart(figures.flag_map_figure(flags, county_outlines(flags.county_code.tolist()), lang), key="cred-map",
                    in_column=True)
with right:
    counts = audit.by_reason()
    shell.chart(figures.reasons_figure(pd.DataFrame({"reason": [labels.reason_name(r, lang) for r in REASONS],
                                                     "units": [counts[r] for r in REASONS]}), lang),
                key="cred-reasons", in_column=True)

st.subheader(shell.t("cred_ranked"))
ranked = labels.ranked_flags(audit, names, lang)
if ranked.empty:
    st.success(shell.t("cred_none"))
else:
    shown = pd.DataFrame({shell.t("cred_level"): ranked.level, shell.t("cred_unit"): ranked.unit,
                          shell.t("cred_reasons"): ranked.reason_names, shell.t("cred_evidence"): ranked.evidence})
    st.dataframe(shown, hide_index=True)
    shell.table_downloads(shown, "credibility-flags", key="cred-flags")


def pick(options: list[str], param: str, title_key: str) -> str | None:
    """A unit chosen in a select box, starting from the link's `param=` when it names one of the options."""
    if not options:
        return None
    wanted = st.query_params.get(param)
    if wanted and wanted not in options:
        st.warning(shell.t("cred_bad_param", name=param, value=wanted), icon=":material/link_off:")
    index = options.index(wanted) if wanted in options else 0
    chosen = st.selectbox(shell.t(title_key), options, index=index, format_func=lambda c: label.get(c, c),
                          key=f"cred-{param}")
    st.query_params[param] = chosen
    return chosen


if not ranked.empty:
    st.subheader(shell.t("cred_evidence_title"))
    county = pick(audit.counties.code[audit.counties.flagged].tolist(), "county", "cred_pick_county")
    if county:
        histogram = shell.fetch(county_histogram, county, year)
        shell.chart(figures.histogram_figure(histogram, lang, name=label.get(county, county)), key="cred-hist")
    village = pick(audit.flagged_villages.village_code.tolist(), "village", "cred_pick_village")
    if village:
        reasons = set(audit.villages.loc[audit.villages.village_code == village, "reasons"].iloc[0])
        name = label.get(village, village)
        if reasons & DIGIT_REASONS:
            profile = shell.fetch(village_digit_profile, village, year)
            left, right = st.columns(2)
            with left:
                shell.chart(figures.digits_figure(profile, lang, name=name), key="cred-first-digits",
                            in_column=True)
            with right:
                shell.chart(figures.digits_figure(profile, lang, name=name, kind="last"), key="cred-last-digits",
                            in_column=True)
        if reasons - DIGIT_REASONS and shell.allows("households"):
            moves = shell.fetch(village_jumps, village, year)
            shell.chart(figures.jumps_figure(moves, lang, name=name, threshold=settings("jumps", "robust_z")),
                        key="cred-jumps")

st.subheader(shell.t("cred_households_title"))
st.caption(shell.t("cred_households_caption"))
if not shell.allows("households"):
    st.info(shell.t("cred_households_need_permission"), icon=":material/lock:")
elif audit.households.empty:
    st.info(shell.t("cred_none"))
else:
    listed = labels.verification_list(audit, lang)
    if len(listed) > SHOWN_ROWS:
        st.caption(shell.t("cred_more_rows", shown=SHOWN_ROWS, total=formatting.count(len(listed), lang)))
    shell.table(listed.head(SHOWN_ROWS), {column: "count" for column in listed.columns  # members: people
                                          if listed[column].dtype.kind in "iuf"})
    if shell.allows("export"):
        note = shell.t("demo_banner") if shell.fetch(dataset.is_synthetic) else None
        file_name = f"{shell.file_stem('credibility-visits')}.xlsx"
        st.download_button(shell.t("cred_download_list"), key="cred-list-xlsx", file_name=file_name, on_click="ignore",
                           data=shell.logged_export(lambda: tables.to_excel_bytes(
                               labels.verification_sheets(audit, lang), note=note), file_name, len(listed)),
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/table_view:")

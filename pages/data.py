"""Data 数据管理: what is loaded, the import log, and the data dictionary of the import format."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import catalog, dataset, formatting, selection
from analysis.i18n import table_name
from analysis.selection import RegionTree
from pages._common import current_shell, require_database

shell = current_shell()
require_database(shell)
lang = shell.lang

st.title(shell.t("data_title"))
info = shell.fetch(dataset.dataset_info)
covered = RegionTree(shell.fetch(selection.regions_with_data)).counts()
years = info["income_years"]
prices = f"{info['prices_from']} – {info['prices_to']}" if info["prices_from"] else formatting.MISSING

st.subheader(shell.t("tables_title"))
dataset_name = shell.t("dataset_demo" if info["synthetic"] else "dataset_imported")
regions_text = shell.t("regions_covered_value", provinces=covered["province"], cities=covered["city"],
                       counties=covered["county"])
st.markdown("\n".join(f"- **{label}**: {value}" for label, value in (
    (shell.t("dataset"), dataset_name),
    (shell.t("income_years"), f"{years[0]}–{years[-1]}" if years else formatting.MISSING),
    (shell.t("regions_covered"), regions_text),
    (shell.t("prices_range"), prices),
)))
counts = pd.DataFrame({"table": [table_name(name, lang) for name in info["tables"]],
                       "rows": list(info["tables"].values())})
st.dataframe(counts, hide_index=True, column_config={
    "table": shell.t("table"), "rows": st.column_config.NumberColumn(shell.t("row_count"), format="%,d")})

st.subheader(shell.t("import_log"))
log = shell.fetch(catalog.import_log)
if log.empty:
    st.caption(shell.t("no_imports"))
else:
    st.dataframe(log, hide_index=True, column_config={
        "imported_at": st.column_config.DatetimeColumn(shell.t("imported_at"), format="YYYY-MM-DD HH:mm"),
        "file_name": shell.t("file"), "kind": shell.t("kind"), "rows": shell.t("rows"),
        "inserted": shell.t("inserted"), "replaced": shell.t("replaced"), "outcome": shell.t("outcome"),
    })

st.subheader(shell.t("dictionary"))
st.dataframe(catalog.data_dictionary(lang), hide_index=True)

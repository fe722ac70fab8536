"""Strings of the import page beyond the shell's: keys `import_*`."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "import_rows_read": ("读取行数", "Rows read"),
    "import_rows_skipped": ("跳过（空行、合计行）", "Skipped (blank, total rows)"),
    "import_rows_loaded": ("写入行数", "Rows loaded"),
    "import_cannot_start": ("无法开始导入：{error}", "The import cannot start: {error}"),
    # FileResult.status (analysis.store.ingest)
    "import_status_loaded": ("已写入", "loaded"),
    "import_status_already_loaded": ("已导入过（未重复写入）", "already loaded (not written again)"),
    "import_status_refused": ("被拒绝", "refused"),
    # Problems told by cause, and the full list as Excel (analysis.store.problem_report)
    "import_reason_varies": ("（各行略有不同，见完整清单）", " (differs by row; see the full list)"),
    "import_cells": ("处数", "Cells"),
    "import_first_rows": ("行号（前 10 个）", "Rows (first 10)"),
    "import_example_value": ("示例值", "Example value"),
    "import_sheet": ("工作表", "Sheet"),
    "import_reason_zh": ("原因（中文）", "Reason (Chinese)"),
    "import_reason_en": ("原因（英文）", "Reason (English)"),
    "import_problem_sheet": ("问题清单", "Problems"),
    "import_problem_note": ("导入问题清单：行号是文件在 Excel 中的行号（标题行、表头行都计入）；列名与文件表头一致；个人信息已掩码。",
                            "Import problems: row numbers are the rows the file shows in Excel (title and header rows "
                            "counted); columns as the file names them; personal values masked."),
    "import_all_problems": ("逐行查看（共 {n} 处问题；每个文件最多列出前 {listed} 处，下载的清单相同）",
                            "Row by row ({n} problems; at most the first {listed} of each file are listed, as in the "
                            "download)"),
    "import_download_problems": ("下载问题清单（Excel）", "Download the problem list (Excel)"),
    "import_preview_note": ("显示前 {n} 行；行号与 Excel 中一致，列名为文件自己的表头，个人信息已掩码。",
                            "The first {n} rows; row numbers as in Excel, columns under the file's own headers, "
                            "personal values masked."),
    # Blank templates (analysis.store.templates)
    "import_templates": ("下载空白模板", "Blank templates"),
    "import_templates_help": ("每种数据一个模板：中文表头（单位写在括号里），金额单位为元，表头写“万元”则按万元换算。"
                              "Excel 模板的“填表说明”工作表列出每一列的含义、单位、是否必填和示例；填好后在上方上传。",
                              "One template per kind: Chinese headers (units in brackets), money in yuan (a header "
                              "saying 万元 is converted). The Excel template's 填表说明 sheet explains each column's "
                              "meaning, unit, whether it is required, and an example; upload it above once filled in."),
    "import_template_kind": ("模板类型", "Template for"),
    "import_template_xlsx": ("下载 Excel 模板", "Download the Excel template"),
    "import_template_csv": ("下载 CSV 模板", "Download the CSV template"),
    # The uploader's own words (Streamlit shows them in English only: replaced by pages/import_data.py's CSS)
    "import_upload_button": ("选择文件", "Browse files"),
    "import_upload_limit": ("每个文件不超过 {mb} MB · {types}", "Limit {mb} MB per file • {types}"),
    "import_upload_drop": ("将文件拖放到这里", "Drop files here"),
    "import_upload_refused": ("只能上传 {types} 文件，每个不超过 {mb} MB：请删除此文件后重新选择",
                              "Only {types} files of at most {mb} MB each: remove this file and choose again"),
}

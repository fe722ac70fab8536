"""Strings of the import page beyond the shell's: keys `import_*`."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "import_rows_read": ("读取行数", "Rows read"),
    "import_rows_skipped": ("跳过（空行、合计行）", "Skipped (blank, total rows)"),
    "import_rows_loaded": ("写入行数", "Rows loaded"),
    "import_cannot_start": ("无法开始导入：{error}", "The import cannot start: {error}"),
}
